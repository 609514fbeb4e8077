/*
 * cred.c - Signet credentials: certificate + key + trust anchors, external
 * PSKs from a key file, and acceptor policy, acquired from cred-store keys
 * (gss_acquire_cred_from), SIGNET_* environment variables or the
 * configuration file, in that order of precedence.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <sys/stat.h>

#include "tls.h"
#include "crypto.h"

#define PSK_MIN_LEN 16
#define PSK_MAX_LEN 64

/* The QOP of an algorithm name (settings.c has checked it), or -1. */
static int
qop_by_name(const char *s, size_t len)
{
    unsigned alg;

    for (alg = 1; alg <= SIGNET_ALG_MAX; alg++) {
        const char *name = signet_alg_name(alg);

        if (strlen(name) == len && strncasecmp(name, s, len) == 0)
            return (int)alg;
    }
    return -1;
}

static OM_uint32
load_qop_policy(OM_uint32 *minor, signet_cred *cred,
                gss_const_key_value_set_t store)
{
    const char *v, *p, *end;
    OM_uint32 major;
    int q;

    major = signet_setting_text(minor, GSS_S_NO_CRED, store, "qop_allowed", &v);
    if (major != GSS_S_COMPLETE)
        return major;
    cred->qop_mask = 0;
    for (p = v; *p != '\0'; p = end) {
        p += strspn(p, " ,");
        end = p + strcspn(p, ", ");
        if (end == p)
            break;
        q = qop_by_name(p, (size_t)(end - p));
        if (q > 0)
            cred->qop_mask |= 1u << q;
    }
    major = signet_setting_text(minor, GSS_S_NO_CRED, store, "qop_default", &v);
    if (major != GSS_S_COMPLETE)
        return major;
    q = qop_by_name(v, strlen(v));
    cred->qop_default = q > 0 ? (uint32_t)q : SIGNET_QOP_AES256_GMAC;
    if (!(cred->qop_mask & (1u << cred->qop_default))) {
        /* the strongest-first fallback among permitted algorithms */
        for (q = SIGNET_ALG_MAX; q > 0; q--) {
            if (cred->qop_mask & (1u << q)) {
                cred->qop_default = (uint32_t)q;
                break;
            }
        }
    }
    return GSS_S_COMPLETE;
}

/* A numeric setting that fits in 32 bits (the table bounds it). */
static OM_uint32
load_u32(OM_uint32 *minor, gss_const_key_value_set_t store, const char *key,
         uint32_t *out)
{
    uint64_t n;
    OM_uint32 major;

    major = signet_setting_number(minor, GSS_S_NO_CRED, store, key, &n);
    *out = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
    return major;
}

static int
hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static void
free_psks(signet_cred *cred)
{
    size_t i;

    for (i = 0; i < cred->npsk; i++)
        free(cred->psks[i].identity);
    if (cred->psks != NULL) {
        signet_wipe(cred->psks, cred->npsk * sizeof(*cred->psks));
        free(cred->psks);
    }
    cred->psks = NULL;
    cred->npsk = 0;
    cred->psk = NULL;
}

/* One "identity hexkey" line (NUL-terminated, no newline) into psk;
 * returns 0 or -1. */
static int
parse_psk_line(const char *line, struct signet_psk *psk)
{
    const char *id, *end, *key;
    size_t i, n;
    int hi, lo;

    id = line + strspn(line, " \t");
    end = id + strcspn(id, " \t");
    if (end == id || *end == '\0')
        return -1;
    key = end + strspn(end, " \t");
    n = strcspn(key, " \t\r");
    if (key[n + strspn(key + n, " \t\r")] != '\0')
        return -1;
    if (n % 2 != 0 || n / 2 < PSK_MIN_LEN || n / 2 > PSK_MAX_LEN)
        return -1;
    for (i = 0; i < n / 2; i++) {
        hi = hexval((unsigned char)key[2 * i]);
        lo = hexval((unsigned char)key[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        psk->key[i] = (uint8_t)(hi << 4 | lo);
    }
    psk->key_len = n / 2;
    psk->identity = strndup(id, (size_t)(end - id));
    return psk->identity != NULL ? 0 : -1;
}

#define PSK_FILE_MAX (1 << 20)
#define PSK_LINE_MAX 1024

static OM_uint32
load_psk_file(OM_uint32 *minor, signet_cred *cred, const char *path)
{
    char why[512], *text = NULL, *line, *nl;
    struct signet_psk *grown;
    unsigned lineno = 0;
    OM_uint32 major = GSS_S_COMPLETE;
    size_t cap = 0, len = 0, n;
    int err;

    err = signet_file_read(path, PSK_FILE_MAX, SIGNET_FILE_PRIVATE, &text, &len,
                           why, sizeof(why));
    if (err != 0)
        return signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_PSK_FILE,
                           "pre-shared key file: %s", why);
    for (line = text; line < text + len; line = nl + 1) {
        lineno++;
        nl = memchr(line, '\n', (size_t)(text + len - line));
        if (nl == NULL)
            nl = text + len;
        n = (size_t)(nl - line);
        *nl = '\0';
        if (n > PSK_LINE_MAX || memchr(line, '\0', n) != NULL) {
            major = signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_PSK_FILE,
                                "%s:%u: line is longer than %d bytes or holds "
                                "a NUL byte", path, lineno, PSK_LINE_MAX);
            break;
        }
        line += strspn(line, " \t\r");
        if (*line == '\0' || *line == '#')
            continue;
        if (cred->npsk == cap) {
            cap = cap ? cap * 2 : 4;
            grown = calloc(cap, sizeof(*grown));
            if (grown == NULL) {
                major = signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
                break;
            }
            if (cred->psks != NULL) {
                memcpy(grown, cred->psks, cred->npsk * sizeof(*grown));
                signet_wipe(cred->psks, cred->npsk * sizeof(*grown));
                free(cred->psks);
            }
            cred->psks = grown;
        }
        if (parse_psk_line(line, &cred->psks[cred->npsk]) != 0) {
            major = signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_PSK_FILE,
                                "%s:%u: expected '<identity> <key as %d to %d hex digits>'",
                                path, lineno, 2 * PSK_MIN_LEN, 2 * PSK_MAX_LEN);
            break;
        }
        cred->npsk++;
    }
    signet_file_free(text, len);
    if (major == GSS_S_COMPLETE && cred->npsk == 0)
        major = signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_PSK_FILE,
                            "pre-shared key file %s holds no key", path);
    if (major != GSS_S_COMPLETE)
        free_psks(cred);
    return major;
}

void
signet_cred_free(signet_cred **credp)
{
    signet_cred *cred;

    if (credp == NULL || *credp == NULL)
        return;
    cred = *credp;
    *credp = NULL;
    if (__atomic_sub_fetch(&cred->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    signet_name_free(&cred->name);
    signet_tls_cred_free(&cred->tls);
    free_psks(cred);
    free(cred->crl_file);
    free(cred);
}

signet_cred *
signet_cred_ref(signet_cred *cred)
{
    __atomic_add_fetch(&cred->refs, 1, __ATOMIC_RELAXED);
    return cred;
}

static OM_uint32
acquire(OM_uint32 *minor, const signet_name *desired, gss_cred_usage_t usage,
        gss_const_key_value_set_t store, signet_cred **out)
{
    OM_uint32 major = GSS_S_FAILURE;
    signet_cred *cred = NULL;
    struct signet_settings s;
    const char *want_id = NULL;
    size_t i;

    *out = NULL;
    cred = calloc(1, sizeof(*cred));
    if (cred == NULL)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
    cred->refs = 1;
    cred->usage = usage;
    if (desired != NULL && desired->kind == SIGNET_NAME_ANONYMOUS) {
        major = signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                            "an anonymous name cannot own credentials; "
                            "request GSS_C_ANON_FLAG instead");
        goto done;
    }
    if (desired != NULL) {
        major = signet_name_copy(minor, desired, &cred->name);
        if (major != GSS_S_COMPLETE)
            goto done;
    }
    major = signet_settings_status(minor, GSS_S_NO_CRED);
    if (major != GSS_S_COMPLETE)
        goto done;
    memset(&s, 0, sizeof(s));
    s.certificate = signet_setting(store, SIGNET_CRED_CERTIFICATE);
    s.private_key = signet_setting(store, SIGNET_CRED_PRIVATE_KEY);
    s.pkcs12_password = signet_setting(store, SIGNET_CRED_PKCS12_PASSWORD);
    s.ca_file = signet_setting(store, SIGNET_CRED_CA_FILE);
    s.ca_dir = signet_setting(store, SIGNET_CRED_CA_DIR);
    s.crl_file = signet_setting(store, SIGNET_CRED_CRL_FILE);
    s.psk_file = signet_setting(store, SIGNET_CRED_PSK_FILE);
    s.psk_identity = signet_setting(store, SIGNET_CRED_PSK_IDENTITY);
    s.x509_localname_issuer = signet_setting(store, "x509_localname_issuer");
    major = signet_setting_text(minor, GSS_S_NO_CRED, store, "x509_localname",
                                &s.x509_localname);
    if (major != GSS_S_COMPLETE)
        goto done;

    if (s.psk_file != NULL) {
        major = load_psk_file(minor, cred, s.psk_file);
        if (major != GSS_S_COMPLETE)
            goto done;
        if (desired != NULL && desired->kind == SIGNET_NAME_PSK)
            want_id = desired->value;
        else
            want_id = s.psk_identity;
        if (want_id != NULL) {
            for (i = 0; i < cred->npsk; i++) {
                if (strcmp(cred->psks[i].identity, want_id) == 0)
                    cred->psk = &cred->psks[i];
            }
            if (cred->psk == NULL) {
                major = signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_PSK_UNKNOWN_IDENTITY,
                                    "unknown pre-shared key identity '%s' (not in %s)",
                                    want_id, s.psk_file);
                goto done;
            }
        } else {
            cred->psk = &cred->psks[0];
        }
    }
    major = signet_tls_cred_load(minor, cred, &s);
    if (major == GSS_S_COMPLETE)
        major = signet_tls_cred_ready(minor, cred);
    if (major != GSS_S_COMPLETE)
        goto done;

    if (!signet_tls_cred_has_cert(cred) && cred->npsk == 0 &&
        (usage != GSS_C_INITIATE || !signet_tls_cred_has_anchors(cred))) {
        major = signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_NO_CREDENTIALS,
                            usage == GSS_C_INITIATE ?
                            "no Signet initiator credentials: set certificate, "
                            "psk_file or ca_file (SIGNET_CERTIFICATE, "
                            "SIGNET_PSK_FILE, SIGNET_CA_FILE)" :
                            "no Signet acceptor credentials: set certificate or "
                            "psk_file (SIGNET_CERTIFICATE, SIGNET_PSK_FILE)");
        goto done;
    }
    if (usage != GSS_C_INITIATE && desired != NULL) {
        major = signet_tls_cred_check_name(minor, cred, desired);
        if (major != GSS_S_COMPLETE)
            goto done;
    }
    if (cred->name == NULL && cred->psk != NULL) {
        major = signet_name_new(minor, SIGNET_NAME_PSK, cred->psk->identity,
                                NULL, &cred->name);
        if (major != GSS_S_COMPLETE)
            goto done;
    }
    major = signet_setting_bool(minor, GSS_S_NO_CRED, store,
                                SIGNET_CRED_ALLOW_ANONYMOUS, &cred->allow_anonymous);
    if (major == GSS_S_COMPLETE)
        major = load_u32(minor, store, SIGNET_CRED_MAX_LIFETIME, &cred->max_lifetime);
    if (major == GSS_S_COMPLETE)
        major = load_qop_policy(minor, cred, store);
    if (major == GSS_S_COMPLETE)
        major = load_u32(minor, store, "replay_window", &cred->replay_window);
    if (major == GSS_S_COMPLETE)
        major = load_u32(minor, store, "crl_check_interval",
                         &cred->crl_check_interval);
    if (major == GSS_S_COMPLETE)
        major = signet_setting_number(minor, GSS_S_NO_CRED, store, "rekey_limit",
                                      &cred->rekey_limit);
    if (major != GSS_S_COMPLETE)
        goto done;
    if (s.crl_file != NULL && (cred->crl_file = strdup(s.crl_file)) == NULL) {
        major = signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
        goto done;
    }
    signet_trace("acquired %s credential%s%s%s, %zu PSK(s)",
                 usage == GSS_C_INITIATE ? "initiator" :
                 usage == GSS_C_ACCEPT ? "acceptor" : "initiator+acceptor",
                 cred->name != NULL ? " for " : "",
                 cred->name != NULL ? cred->name->value : "",
                 signet_tls_cred_has_cert(cred) ? " with certificate" : "",
                 cred->npsk);
    *out = cred;
    cred = NULL;
    *minor = 0;
    major = GSS_S_COMPLETE;
done:
    signet_cred_free(&cred);
    return major;
}

/*
 * Default credentials are cached per usage: contexts established with
 * GSS_C_NO_CREDENTIAL would otherwise re-read certificates and keys and
 * rebuild the TLS contexts every time.  The cache key is
 * signet_settings_digest: every credential setting of the registry and the
 * identity (device, inode, size, change and modification time) of every
 * file or directory one names, so a changed setting, a replaced or
 * rewritten file, or a chmod gives a fresh credential.
 */
/* Fork-safe: a child never inherits it held (fork.h). */
static signet_forklock default_lock = SIGNET_FORKLOCK_INIT;
static struct {
    signet_cred *cred;
    uint8_t key[32];
} default_cache[3]; /* by usage: GSS_C_BOTH, GSS_C_INITIATE, GSS_C_ACCEPT */

OM_uint32
signet_cred_default(OM_uint32 *minor, gss_cred_usage_t usage, signet_cred **out)
{
    OM_uint32 major;
    uint8_t key[32];
    signet_cred *old = NULL;
    int slot = usage == GSS_C_INITIATE ? 1 : usage == GSS_C_ACCEPT ? 2 : 0;

    *out = NULL;
    if (signet_settings_digest(key) != 0)
        return acquire(minor, NULL, usage, GSS_C_NO_CRED_STORE, out);
    signet_forklock_lock(&default_lock);
    if (default_cache[slot].cred != NULL &&
        memcmp(default_cache[slot].key, key, sizeof(key)) == 0) {
        *out = signet_cred_ref(default_cache[slot].cred);
        signet_forklock_unlock(&default_lock);
        *minor = 0;
        return GSS_S_COMPLETE;
    }
    signet_forklock_unlock(&default_lock);
    /* Load outside the lock: slow, and may fail. */
    major = acquire(minor, NULL, usage, GSS_C_NO_CRED_STORE, out);
    if (major != GSS_S_COMPLETE)
        return major;
    signet_forklock_lock(&default_lock);
    old = default_cache[slot].cred;
    default_cache[slot].cred = signet_cred_ref(*out);
    memcpy(default_cache[slot].key, key, sizeof(key));
    signet_forklock_unlock(&default_lock);
    signet_cred_free(&old);
    return GSS_S_COMPLETE;
}

static OM_uint32
cred_lifetime(const signet_cred *cred)
{
    time_t now = time(NULL);
    OM_uint32 lt = GSS_C_INDEFINITE;

    if (cred->cert_expiry != 0)
        lt = cred->cert_expiry > now ? (OM_uint32)(cred->cert_expiry - now) : 0;
    return lt;
}

static int
mechs_include_signet(gss_OID_set mechs)
{
    size_t i;

    if (mechs == GSS_C_NO_OID_SET)
        return 1;
    for (i = 0; i < mechs->count; i++) {
        if (signet_oid_equal(&mechs->elements[i], SIGNET_MECH_OID))
            return 1;
    }
    return 0;
}

OM_uint32
signet_gss_acquire_cred_from(OM_uint32 *minor, gss_name_t desired_name,
                             OM_uint32 time_req, gss_OID_set desired_mechs,
                             gss_cred_usage_t usage,
                             gss_const_key_value_set_t store,
                             gss_cred_id_t *output_cred, gss_OID_set *actual_mechs,
                             OM_uint32 *time_rec)
{
    OM_uint32 major;
    signet_cred *cred = NULL;
    const gss_OID_desc *const mech[] = { SIGNET_MECH_OID };

    if (output_cred != NULL)
        *output_cred = GSS_C_NO_CREDENTIAL;
    if (actual_mechs != NULL)
        *actual_mechs = GSS_C_NO_OID_SET;
    if (time_rec != NULL)
        *time_rec = 0;
    if (minor == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    *minor = 0;
    if (output_cred == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (usage != GSS_C_INITIATE && usage != GSS_C_ACCEPT && usage != GSS_C_BOTH)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_CRED_USAGE,
                           "credential usage %d is not initiate, accept or both",
                           usage);
    if (!mechs_include_signet(desired_mechs))
        return signet_fail(minor, GSS_S_BAD_MECH, SIGNET_ERR_UNSUPPORTED,
                           "the desired mechanisms do not include Signet");
    major = acquire(minor, (const signet_name *)desired_name, usage, store, &cred);
    if (major != GSS_S_COMPLETE)
        return major;
    if (actual_mechs != NULL) {
        major = signet_oid_set_of(minor, actual_mechs, 1, mech);
        if (major != GSS_S_COMPLETE) {
            signet_cred_free(&cred);
            return major;
        }
    }
    if (time_rec != NULL)
        *time_rec = cred_lifetime(cred);
    *output_cred = (gss_cred_id_t)cred;
    return GSS_S_COMPLETE;
}

OM_uint32
signet_gss_acquire_cred(OM_uint32 *minor, gss_name_t desired_name,
                        OM_uint32 time_req, gss_OID_set desired_mechs,
                        gss_cred_usage_t usage, gss_cred_id_t *output_cred,
                        gss_OID_set *actual_mechs, OM_uint32 *time_rec)
{
    return signet_gss_acquire_cred_from(minor, desired_name, time_req,
                                        desired_mechs, usage,
                                        GSS_C_NO_CRED_STORE, output_cred,
                                        actual_mechs, time_rec);
}

OM_uint32
signet_gss_release_cred(OM_uint32 *minor, gss_cred_id_t *cred_handle)
{
    if (minor == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    *minor = 0;
    if (cred_handle == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE | GSS_S_NO_CRED;
    signet_cred_free((signet_cred **)cred_handle);
    return GSS_S_COMPLETE;
}

OM_uint32
signet_gss_inquire_cred_by_mech(OM_uint32 *minor, gss_cred_id_t cred_handle,
                                gss_OID mech_type, gss_name_t *name,
                                OM_uint32 *init_lifetime,
                                OM_uint32 *accept_lifetime,
                                gss_cred_usage_t *cred_usage)
{
    OM_uint32 major;
    signet_cred *cred = (signet_cred *)cred_handle, *dflt = NULL;
    OM_uint32 lt;

    if (name != NULL)
        *name = GSS_C_NO_NAME;
    if (minor == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    *minor = 0;
    if (!signet_is_signet_mech(mech_type))
        return signet_fail(minor, GSS_S_BAD_MECH, SIGNET_ERR_UNSUPPORTED, NULL);
    if (cred == NULL) {
        major = signet_cred_default(minor, GSS_C_INITIATE, &dflt);
        if (major != GSS_S_COMPLETE)
            return major;
        cred = dflt;
    }
    lt = cred_lifetime(cred);
    if (init_lifetime != NULL)
        *init_lifetime = cred->usage != GSS_C_ACCEPT ? lt : 0;
    if (accept_lifetime != NULL)
        *accept_lifetime = cred->usage != GSS_C_INITIATE ? lt : 0;
    if (cred_usage != NULL)
        *cred_usage = cred->usage;
    major = GSS_S_COMPLETE;
    if (name != NULL && cred->name != NULL)
        major = signet_name_copy(minor, cred->name, (signet_name **)name);
    signet_cred_free(&dflt);
    return major;
}

OM_uint32
signet_gss_inquire_cred(OM_uint32 *minor, gss_cred_id_t cred_handle,
                        gss_name_t *name, OM_uint32 *lifetime,
                        gss_cred_usage_t *cred_usage, gss_OID_set *mechanisms)
{
    OM_uint32 major, init_lt = 0, acc_lt = 0;
    gss_cred_usage_t usage = GSS_C_BOTH;
    const gss_OID_desc *const mech[] = { SIGNET_MECH_OID };

    if (mechanisms != NULL)
        *mechanisms = GSS_C_NO_OID_SET;
    major = signet_gss_inquire_cred_by_mech(minor, cred_handle, SIGNET_MECH_OID,
                                            name, &init_lt, &acc_lt, &usage);
    if (major != GSS_S_COMPLETE)
        return major;
    if (lifetime != NULL)
        *lifetime = usage == GSS_C_ACCEPT ? acc_lt : init_lt;
    if (cred_usage != NULL)
        *cred_usage = usage;
    if (mechanisms != NULL) {
        major = signet_oid_set_of(minor, mechanisms, 1, mech);
        if (major != GSS_S_COMPLETE && name != NULL)
            signet_name_free((signet_name **)name);
    }
    return major;
}

OM_uint32
signet_gss_set_cred_option(OM_uint32 *minor, gss_cred_id_t *cred_handle,
                           const gss_OID desired_object, const gss_buffer_t value)
{
    if (minor == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    *minor = 0;
    return GSS_S_UNAVAILABLE;
}
