/*
 * settings.c - the registry of Signet settings (settings.h): one table of
 * every key, the configuration-file parser, and typed getters over the
 * credential store, the environment and the file.
 *
 * The file is read once per process (pthread_once) through
 * signet_file_read, which never blocks on a FIFO and bounds its size.  Its
 * syntax (docs/configuration.md): one "key = value" per line; a line whose
 * first non-blank character is '#' is a comment; blank lines are ignored;
 * '#' inside a value is part of the value; no line may exceed
 * SIGNET_CONFIG_LINE_MAX bytes; every key must be a known setting and
 * appear once; every value must be valid for its setting.  Any violation
 * rejects the whole file: the first one is kept as "path:line: why" and
 * returned by signet_settings_status to every consumer.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "signet.h"
#include "crypto.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

#define ENV_PREFIX "SIGNET_"
#define ERROR_MAX 512

/* ---- value checks -------------------------------------------------------- */

/* 1 if s[0..len) names a MAC algorithm (a QOP name of gssapi_signet.h). */
static int
qop_name_known(const char *s, size_t len)
{
    unsigned alg;

    for (alg = 1; alg <= SIGNET_ALG_MAX; alg++) {
        const char *name = signet_alg_name(alg);

        if (strlen(name) == len && strncasecmp(name, s, len) == 0)
            return 1;
    }
    return 0;
}

static const char *
check_qop_list(const char *v)
{
    const char *p = v, *end;
    int any = 0;

    for (;;) {
        p += strspn(p, " ,");
        if (*p == '\0')
            break;
        end = p + strcspn(p, " ,");
        if (!qop_name_known(p, (size_t)(end - p)))
            return "names an unknown algorithm (use hmac-sha256, hmac-sha384, "
                   "hmac-sha512, aes256-gmac)";
        any = 1;
        p = end;
    }
    return any ? NULL : "permits no algorithm";
}

static const char *
check_qop(const char *v)
{
    return qop_name_known(v, strlen(v)) ? NULL :
           "is not an algorithm (use hmac-sha256, hmac-sha384, hmac-sha512, "
           "aes256-gmac)";
}

static const char *
check_power_of_two(const char *v)
{
    unsigned long n = strtoul(v, NULL, 10);

    return (n & (n - 1)) == 0 ? NULL : "is not a power of two";
}

static const char *
check_x509_localname(const char *v)
{
    return strcmp(v, "none") == 0 || strcmp(v, "cn") == 0 ||
           strcmp(v, "email") == 0 ? NULL : "is not none, cn or email";
}

/* ---- the table ------------------------------------------------------------- */

#define CREDKEY (SIGNET_SETTING_CRED | SIGNET_SETTING_CACHE)
#define CREDFILE (CREDKEY | SIGNET_SETTING_FILE)

static const struct signet_setting table[] = {
    { .key = SIGNET_CRED_CERTIFICATE, .type = SIGNET_SETTING_PATH,
      .flags = CREDFILE,
      .doc = "PEM file: own certificate, then intermediates; or PKCS#12 "
             "(.p12, .pfx) with key and chain" },
    { .key = SIGNET_CRED_PRIVATE_KEY, .type = SIGNET_SETTING_PATH,
      .flags = CREDFILE, .doc = "PEM private key of certificate" },
    { .key = SIGNET_CRED_PKCS12_PASSWORD, .type = SIGNET_SETTING_TEXT,
      .flags = CREDKEY | SIGNET_SETTING_SECRET,
      .doc = "password protecting the PKCS#12 file" },
    { .key = SIGNET_CRED_CA_FILE, .type = SIGNET_SETTING_PATH,
      .flags = CREDFILE,
      .doc = "PEM file of trust anchors for the peer's certificate" },
    { .key = SIGNET_CRED_CA_DIR, .type = SIGNET_SETTING_PATH,
      .flags = CREDFILE, .doc = "directory of anchors named by openssl rehash" },
    { .key = SIGNET_CRED_CRL_FILE, .type = SIGNET_SETTING_PATH,
      .flags = CREDFILE,
      .doc = "PEM CRLs; revocation of the peer's whole chain is checked" },
    { .key = SIGNET_CRED_PSK_FILE, .type = SIGNET_SETTING_PATH,
      .flags = CREDFILE, .doc = "pre-shared key file (mode 0600)" },
    { .key = SIGNET_CRED_PSK_IDENTITY, .type = SIGNET_SETTING_TEXT,
      .flags = CREDKEY, .doc = "identity in psk_file to offer (initiator)" },
    { .key = SIGNET_CRED_ALLOW_ANONYMOUS, .type = SIGNET_SETTING_BOOL,
      .flags = CREDKEY, .dflt = "no",
      .doc = "acceptor: admit anonymous initiators" },
    { .key = SIGNET_CRED_MAX_LIFETIME, .type = SIGNET_SETTING_NUMBER,
      .flags = CREDKEY, .dflt = "0", .min = 0, .max = UINT32_MAX,
      .doc = "seconds a context may live (0: unbounded)" },
    { .key = "qop_allowed", .type = SIGNET_SETTING_TEXT, .flags = CREDKEY,
      .dflt = "hmac-sha256,hmac-sha384,hmac-sha512,aes256-gmac",
      .check = check_qop_list,
      .doc = "comma-separated MAC algorithms this side permits" },
    { .key = "qop_default", .type = SIGNET_SETTING_TEXT, .flags = CREDKEY,
      .dflt = "aes256-gmac", .check = check_qop,
      .doc = "the preferred algorithm for QOP 0" },
    { .key = "replay_window", .type = SIGNET_SETTING_NUMBER, .flags = CREDKEY,
      .dflt = "1024", .min = SIGNET_SEQ_WINDOW_MIN, .max = SIGNET_SEQ_WINDOW_MAX,
      .check = check_power_of_two,
      .doc = "receive window in sequence numbers (power of two, 64..1024)" },
    { .key = "rekey_limit", .type = SIGNET_SETTING_NUMBER, .flags = CREDKEY,
      .dflt = "0", .min = 0, .max = (uint64_t)1 << 32,
      .doc = "messages one side may protect with a context's keys (0: 2^32 "
             "per instance)" },
    { .key = "crl_check_interval", .type = SIGNET_SETTING_NUMBER,
      .flags = CREDKEY, .dflt = "60", .min = 0, .max = UINT32_MAX,
      .doc = "seconds between looks at crl_file for established contexts" },
    { .key = "x509_localname", .type = SIGNET_SETTING_TEXT, .flags = CREDKEY,
      .dflt = "none", .check = check_x509_localname,
      .doc = "default local account of a certificate: none, cn or email" },
    { .key = "x509_localname_issuer", .type = SIGNET_SETTING_PATH,
      .flags = CREDFILE,
      .doc = "PEM CA certificates whose direct subjects x509_localname maps" },
    { .key = "localname_map", .type = SIGNET_SETTING_PATH,
      .doc = "file of <display name> <local user> lines" },
    { .key = "trace", .type = SIGNET_SETTING_TEXT,
      .doc = "file to append a trace to, or stderr" },
    { .key = "sspi_packages", .type = SIGNET_SETTING_TEXT,
      .doc = "colon-separated shared objects of third-party SSPI packages" },
};

#define NTABLE (sizeof(table) / sizeof(table[0]))

const struct signet_setting *
signet_settings_table(size_t *count)
{
    *count = NTABLE;
    return table;
}

const struct signet_setting *
signet_setting_find(const char *key)
{
    size_t i;

    for (i = 0; i < NTABLE; i++) {
        if (strcmp(table[i].key, key) == 0)
            return &table[i];
    }
    return NULL;
}

int
signet_parse_bool(const char *v)
{
    if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") ||
        !strcasecmp(v, "on") || !strcmp(v, "1"))
        return 1;
    if (!strcasecmp(v, "no") || !strcasecmp(v, "false") ||
        !strcasecmp(v, "off") || !strcmp(v, "0"))
        return 0;
    return -1;
}

/* Decimal without sign or blanks; 0 or -1 (overflow, junk). */
static int
parse_number(const char *v, uint64_t *out)
{
    uint64_t n = 0;

    *out = 0;
    if (*v == '\0')
        return -1;
    for (; *v != '\0'; v++) {
        if (*v < '0' || *v > '9' || n > (UINT64_MAX - 9) / 10)
            return -1;
        n = n * 10 + (uint64_t)(*v - '0');
    }
    *out = n;
    return 0;
}

const char *
signet_setting_invalid(const struct signet_setting *row, const char *value,
                       char *buf, size_t len)
{
    uint64_t n;
    const char *why;

    if (*value == '\0') {
        snprintf(buf, len, "%s has an empty value", row->key);
        return buf;
    }
    switch (row->type) {
    case SIGNET_SETTING_BOOL:
        if (signet_parse_bool(value) < 0) {
            snprintf(buf, len, "%s '%s' is not yes/no (true/false, on/off, "
                     "1/0)", row->key, value);
            return buf;
        }
        break;
    case SIGNET_SETTING_NUMBER:
        if (parse_number(value, &n) != 0 || n < row->min || n > row->max) {
            snprintf(buf, len, "%s '%s' is not a whole number from %llu to "
                     "%llu", row->key, value, (unsigned long long)row->min,
                     (unsigned long long)row->max);
            return buf;
        }
        break;
    case SIGNET_SETTING_TEXT:
    case SIGNET_SETTING_PATH:
        break;
    }
    if (row->check != NULL && (why = row->check(value)) != NULL) {
        if (row->flags & SIGNET_SETTING_SECRET)
            snprintf(buf, len, "%s %s", row->key, why);
        else
            snprintf(buf, len, "%s '%s' %s", row->key, value, why);
        return buf;
    }
    return NULL;
}

/* ---- the parser -------------------------------------------------------------- */

void
signet_config_free(signet_config **cfgp)
{
    signet_config *cfg;
    size_t i;

    if (cfgp == NULL || *cfgp == NULL)
        return;
    cfg = *cfgp;
    for (i = 0; i < cfg->n; i++) {
        free(cfg->e[i].key);
        if (cfg->e[i].value != NULL) {
            signet_wipe(cfg->e[i].value, strlen(cfg->e[i].value));
            free(cfg->e[i].value);
        }
    }
    free(cfg->e);
    free(cfg);
    *cfgp = NULL;
}

const char *
signet_config_value(const signet_config *cfg, const char *key)
{
    size_t i;

    if (cfg == NULL)
        return NULL;
    for (i = 0; i < cfg->n; i++) {
        if (strcmp(cfg->e[i].key, key) == 0)
            return cfg->e[i].value;
    }
    return NULL;
}

static int
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* A copy of s[0..n) without leading and trailing blanks. */
static char *
trimmed_copy(const char *s, size_t n)
{
    while (n > 0 && is_blank(*s)) {
        s++;
        n--;
    }
    while (n > 0 && is_blank(s[n - 1]))
        n--;
    return strndup(s, n);
}

/* One line (without its newline): 0, or -1 with why. */
static int
parse_line(signet_config *cfg, const char *line, size_t n, unsigned lineno,
           char *why, size_t whylen)
{
    const char *p = line, *eq;
    const struct signet_setting *row;
    struct signet_config_entry *grown;
    char *key = NULL, *value = NULL, buf[256];
    const char *bad;
    size_t i, off;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)line[i];

        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            snprintf(why, whylen, "control character 0x%02x", c);
            return -1;
        }
    }
    off = 0;
    while (off < n && is_blank(p[off]))
        off++;
    if (off == n || p[off] == '#')
        return 0;
    eq = memchr(p, '=', n);
    if (eq == NULL) {
        snprintf(why, whylen, "expected 'key = value'");
        return -1;
    }
    key = trimmed_copy(p, (size_t)(eq - p));
    value = trimmed_copy(eq + 1, n - (size_t)(eq - p) - 1);
    if (key == NULL || value == NULL) {
        snprintf(why, whylen, "out of memory");
        goto fail;
    }
    if (*key == '\0') {
        snprintf(why, whylen, "expected 'key = value' (no key before '=')");
        goto fail;
    }
    row = signet_setting_find(key);
    if (row == NULL) {
        snprintf(why, whylen, "unknown setting '%.64s'", key);
        goto fail;
    }
    for (i = 0; i < cfg->n; i++) {
        if (strcmp(cfg->e[i].key, key) == 0) {
            snprintf(why, whylen, "%s is set twice (first on line %u)", key,
                     cfg->e[i].line);
            goto fail;
        }
    }
    bad = signet_setting_invalid(row, value, buf, sizeof(buf));
    if (bad != NULL) {
        snprintf(why, whylen, "%s", bad);
        goto fail;
    }
    grown = realloc(cfg->e, (cfg->n + 1) * sizeof(*cfg->e));
    if (grown == NULL) {
        snprintf(why, whylen, "out of memory");
        goto fail;
    }
    cfg->e = grown;
    cfg->e[cfg->n].key = key;
    cfg->e[cfg->n].value = value;
    cfg->e[cfg->n].line = lineno;
    cfg->n++;
    return 0;
fail:
    free(key);
    if (value != NULL) {
        signet_wipe(value, strlen(value));
        free(value);
    }
    return -1;
}

int
signet_config_parse(const char *path, const char *text, size_t len,
                    signet_config **out, char *err, size_t errlen)
{
    signet_config *cfg;
    const char *p = text, *nl, *next;
    char why[ERROR_MAX];
    unsigned lineno = 0;
    size_t n;

    *out = NULL;
    if (err != NULL && errlen != 0)
        err[0] = '\0';
    cfg = calloc(1, sizeof(*cfg));
    if (cfg == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    if (len > SIGNET_CONFIG_FILE_MAX) {
        snprintf(err, errlen, "%s is larger than %d bytes", path,
                 SIGNET_CONFIG_FILE_MAX);
        goto fail;
    }
    while (p < text + len) {
        lineno++;
        nl = memchr(p, '\n', (size_t)(text + len - p));
        n = nl != NULL ? (size_t)(nl - p) : (size_t)(text + len - p);
        next = nl != NULL ? nl + 1 : text + len;
        if (n > SIGNET_CONFIG_LINE_MAX) {
            snprintf(err, errlen, "%s:%u: line is longer than %d bytes", path,
                     lineno, SIGNET_CONFIG_LINE_MAX);
            goto fail;
        }
        if (memchr(p, '\0', n) != NULL) {
            snprintf(err, errlen, "%s:%u: NUL byte", path, lineno);
            goto fail;
        }
        if (n > 0 && p[n - 1] == '\r')
            n--;
        if (parse_line(cfg, p, n, lineno, why, sizeof(why)) != 0) {
            snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
            goto fail;
        }
        p = next;
    }
    *out = cfg;
    return 0;
fail:
    signet_config_free(&cfg);
    return -1;
}

/* ---- the process's configuration file ---------------------------------------- */

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static signet_config *file_cfg;
static char file_error[ERROR_MAX];
static atomic_int error_traced;

static void
settings_load(void)
{
    const char *path = secure_getenv("SIGNET_CONFIG");
    char why[ERROR_MAX - 32], *text = NULL;
    size_t len = 0;
    int err;

    if (path == NULL || *path == '\0')
        path = SYSCONFDIR "/signet.conf";
    err = signet_file_read(path, SIGNET_CONFIG_FILE_MAX,
                           SIGNET_FILE_NOT_WORLD_WRITABLE, &text, &len, why,
                           sizeof(why));
    if (err == ENOENT) {
        /* No file is an empty configuration. */
    } else if (err != 0) {
        snprintf(file_error, sizeof(file_error), "configuration file %s", why);
    } else if (signet_config_parse(path, text, len, &file_cfg, file_error,
                                   sizeof(file_error)) != 0) {
        file_cfg = NULL;
    }
    signet_file_free(text, len);
    /* Tracing starts from the environment alone; the file's "trace" joins
     * once the file is read.  Nothing here waits on tracing. */
    if (file_error[0] == '\0' && secure_getenv("SIGNET_TRACE") == NULL)
        signet_trace_set_path(signet_config_value(file_cfg, "trace"));
}

static void
settings_ready(void)
{
    (void)pthread_once(&load_once, settings_load);
    /* Reported after the once-init, once per process. */
    if (file_error[0] != '\0' && atomic_exchange(&error_traced, 1) == 0)
        signet_trace("configuration error: %s", file_error);
}

OM_uint32
signet_settings_status(OM_uint32 *minor, OM_uint32 fail_major)
{
    settings_ready();
    if (file_error[0] != '\0')
        return signet_fail(minor, fail_major, SIGNET_ERR_CONFIG, "%s",
                           file_error);
    *minor = 0;
    return GSS_S_COMPLETE;
}

/* The environment variable of key: SIGNET_ + key in upper case. */
static const char *
env_value(const char *key, char *name, size_t len)
{
    size_t i, n = strlen(key);
    const char *v;

    if (n + sizeof(ENV_PREFIX) > len)
        return NULL;
    memcpy(name, ENV_PREFIX, sizeof(ENV_PREFIX) - 1);
    for (i = 0; i < n; i++)
        name[sizeof(ENV_PREFIX) - 1 + i] = (char)toupper((unsigned char)key[i]);
    name[sizeof(ENV_PREFIX) - 1 + n] = '\0';
    v = secure_getenv(name);
    return v != NULL && *v != '\0' ? v : NULL;
}

/* The value and where it came from (for messages). */
static const char *
lookup(gss_const_key_value_set_t store, const struct signet_setting *row,
       char *where, size_t wlen)
{
    char name[96];
    const char *v;
    size_t i;

    if (where != NULL && wlen != 0)
        where[0] = '\0';
    if (store != GSS_C_NO_CRED_STORE && (row->flags & SIGNET_SETTING_CRED)) {
        for (i = 0; i < store->count; i++) {
            if (store->elements[i].key != NULL &&
                store->elements[i].value != NULL &&
                strcmp(store->elements[i].key, row->key) == 0) {
                snprintf(where, wlen, "credential store key");
                return store->elements[i].value;
            }
        }
    }
    v = env_value(row->key, name, sizeof(name));
    if (v != NULL) {
        snprintf(where, wlen, "environment variable %s:", name);
        return v;
    }
    settings_ready();
    v = signet_config_value(file_cfg, row->key);
    if (v != NULL)
        snprintf(where, wlen, "configuration file");
    return v;
}

const char *
signet_setting(gss_const_key_value_set_t store, const char *key)
{
    const struct signet_setting *row = signet_setting_find(key);

    return row != NULL ? lookup(store, row, NULL, 0) : NULL;
}

/* The checked value of key (or its default); NULL with *unset when there
 * is neither. */
static OM_uint32
checked(OM_uint32 *minor, OM_uint32 fail_major,
        gss_const_key_value_set_t store, const char *key,
        const struct signet_setting **rowp, const char **out)
{
    const struct signet_setting *row = signet_setting_find(key);
    char where[128], buf[384];
    const char *v, *bad;

    *out = NULL;
    *rowp = row;
    if (row == NULL)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                           "setting %s is not in the registry", key);
    v = lookup(store, row, where, sizeof(where));
    if (v == NULL) {
        *out = row->dflt;
        *minor = 0;
        return GSS_S_COMPLETE;
    }
    bad = signet_setting_invalid(row, v, buf, sizeof(buf));
    if (bad != NULL)
        return signet_fail(minor, fail_major, SIGNET_ERR_CONFIG, "%s %s",
                           where, bad);
    *out = v;
    *minor = 0;
    return GSS_S_COMPLETE;
}

OM_uint32
signet_setting_text(OM_uint32 *minor, OM_uint32 fail_major,
                    gss_const_key_value_set_t store, const char *key,
                    const char **out)
{
    const struct signet_setting *row;

    return checked(minor, fail_major, store, key, &row, out);
}

OM_uint32
signet_setting_bool(OM_uint32 *minor, OM_uint32 fail_major,
                    gss_const_key_value_set_t store, const char *key, int *out)
{
    const struct signet_setting *row;
    const char *v;
    OM_uint32 major;

    *out = 0;
    major = checked(minor, fail_major, store, key, &row, &v);
    if (major == GSS_S_COMPLETE && v != NULL)
        *out = signet_parse_bool(v) == 1;
    return major;
}

OM_uint32
signet_setting_number(OM_uint32 *minor, OM_uint32 fail_major,
                      gss_const_key_value_set_t store, const char *key,
                      uint64_t *out)
{
    const struct signet_setting *row;
    const char *v;
    OM_uint32 major;

    *out = 0;
    major = checked(minor, fail_major, store, key, &row, &v);
    if (major == GSS_S_COMPLETE && v != NULL)
        (void)parse_number(v, out);
    return major;
}

int
signet_settings_digest(uint8_t out[32])
{
    signet_buf b;
    struct stat st;
    const char *v;
    size_t i;
    int ret;

    signet_buf_init(&b);
    for (i = 0; i < NTABLE; i++) {
        if (!(table[i].flags & SIGNET_SETTING_CACHE))
            continue;
        v = lookup(GSS_C_NO_CRED_STORE, &table[i], NULL, 0);
        signet_put_u8(&b, v != NULL);
        signet_put_string(&b, v);
        if (!(table[i].flags & SIGNET_SETTING_FILE) || v == NULL ||
            stat(v, &st) != 0) {
            signet_put_u8(&b, 0);
            continue;
        }
        signet_put_u8(&b, 1);
        signet_put_u64(&b, (uint64_t)st.st_dev);
        signet_put_u64(&b, (uint64_t)st.st_ino);
        signet_put_u64(&b, (uint64_t)st.st_size);
        signet_put_u64(&b, (uint64_t)st.st_ctim.tv_sec);
        signet_put_u64(&b, (uint64_t)st.st_ctim.tv_nsec);
        signet_put_u64(&b, (uint64_t)st.st_mtim.tv_sec);
        signet_put_u64(&b, (uint64_t)st.st_mtim.tv_nsec);
    }
    ret = b.err ? -1 : signet_sha256(b.data, b.len, out);
    signet_buf_clear(&b); /* held the PKCS#12 password */
    return ret;
}
