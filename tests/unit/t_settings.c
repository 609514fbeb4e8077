/*
 * t_settings.c - the settings registry and the configuration-file parser
 * (settings.c): a table of files and the exact error each gives, values
 * kept verbatim ('#' inside a value), every key of the registry settable
 * at once, typed getters over the environment, and the process's file
 * read with a malformed line and tracing on (which once deadlocked: the
 * trace read the configuration that was reporting its own error).
 *
 *   t_settings              run the tests
 *   t_settings --list-keys  print "key<TAB>type<TAB>default<TAB>doc" lines
 *                           (tests/test_config.py checks the documents)
 * Prints one line per failure and "N passed, M failed"; exit 0 iff M == 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "signet.h"
#include "check.h"

static const struct parse_case {
    const char *name;
    const char *text;
    const char *error;         /* substring of the error, NULL: parses */
    const char *key, *value;   /* then key has this value (NULL: unset) */
} cases[] = {
    { "empty file", "", NULL, "psk_file", NULL },
    { "comments and blanks", "# c\n\n   # indented comment\n\t\n", NULL,
      "psk_file", NULL },
    { "key = value", "psk_file = /etc/x.psk\n", NULL, "psk_file", "/etc/x.psk" },
    { "blanks trimmed", "  psk_file\t=\t /a b \t\n", NULL, "psk_file", "/a b" },
    { "CRLF", "psk_file = /x\r\nca_file = /y\r\n", NULL, "ca_file", "/y" },
    { "no final newline", "ca_file = /y", NULL, "ca_file", "/y" },
    { "# inside a value is kept", "pkcs12_password = s3cr#t\n", NULL,
      "pkcs12_password", "s3cr#t" },
    { "= inside a value is kept", "pkcs12_password = a=b\n", NULL,
      "pkcs12_password", "a=b" },
    { "line without =", "psk_file = /x\nthis line is wrong\n",
      "f.conf:2: expected 'key = value'", NULL, NULL },
    { "no key", "= value\n", "f.conf:1: expected 'key = value' (no key", NULL,
      NULL },
    { "unknown key", "psk_flie = /x\n", "f.conf:1: unknown setting 'psk_flie'",
      NULL, NULL },
    { "upper-case key", "PSK_FILE = /x\n", "unknown setting 'PSK_FILE'", NULL,
      NULL },
    { "duplicate key", "ca_file = /a\n# x\nca_file = /b\n",
      "f.conf:3: ca_file is set twice (first on line 1)", NULL, NULL },
    { "empty value", "ca_file =\n", "f.conf:1: ca_file has an empty value",
      NULL, NULL },
    { "bad boolean", "allow_anonymous = maybe\n",
      "f.conf:1: allow_anonymous 'maybe' is not yes/no", NULL, NULL },
    { "good boolean", "allow_anonymous = On\n", NULL, "allow_anonymous", "On" },
    { "bad number", "max_lifetime = 12s\n",
      "f.conf:1: max_lifetime '12s' is not a whole number", NULL, NULL },
    { "negative number", "max_lifetime = -1\n", "is not a whole number", NULL,
      NULL },
    { "number too big", "max_lifetime = 4294967296\n",
      "is not a whole number from 0 to 4294967295", NULL, NULL },
    { "window not a power of two", "replay_window = 100\n",
      "replay_window '100' is not a power of two", NULL, NULL },
    { "window too small", "replay_window = 32\n", "from 64 to 1024", NULL, NULL },
    { "unknown algorithm", "qop_allowed = hmac-md5\n",
      "qop_allowed 'hmac-md5' names an unknown algorithm", NULL, NULL },
    { "no algorithm", "qop_allowed = ,\n", "permits no algorithm", NULL, NULL },
    { "bad default algorithm", "qop_default = gmac\n",
      "qop_default 'gmac' is not an algorithm", NULL, NULL },
    { "x509_localname", "x509_localname = root\n",
      "x509_localname 'root' is not none, cn or email", NULL, NULL },
    { "control character", "ca_file = /a\x01\n", "f.conf:1: control character",
      NULL, NULL },
    { "secret not echoed", "pkcs12_password =\n", "pkcs12_password has an empty",
      NULL, NULL },
};

static void
test_parse_table(void)
{
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct parse_case *t = &cases[i];
        signet_config *cfg = NULL;
        char err[512];
        int r = signet_config_parse("f.conf", t->text, strlen(t->text), &cfg,
                                    err, sizeof(err));

        if (t->error != NULL) {
            CHECK(r == -1 && cfg == NULL && strstr(err, t->error) != NULL,
                  "%s: want error containing \"%s\", got %d \"%s\"", t->name,
                  t->error, r, r == 0 ? "" : err);
        } else {
            const char *v = r == 0 ? signet_config_value(cfg, t->key) : NULL;

            CHECK(r == 0 && ((v == NULL && t->value == NULL) ||
                             (v != NULL && t->value != NULL &&
                              strcmp(v, t->value) == 0)),
                  "%s: %d (%s), %s = \"%s\"", t->name, r, r == 0 ? "ok" : err,
                  t->key, v != NULL ? v : "(unset)");
        }
        signet_config_free(&cfg);
    }
}

/* A line longer than the limit is an error, never split into two lines
 * whose tail would be parsed (the old reader made a commented-out setting
 * at the end of a long comment live). */
static void
test_long_lines(void)
{
    char *text = malloc(SIGNET_CONFIG_LINE_MAX + 64), err[512];
    signet_config *cfg = NULL;
    size_t n;
    int r;

    text[0] = '#';
    memset(text + 1, 'x', SIGNET_CONFIG_LINE_MAX);
    n = 1 + SIGNET_CONFIG_LINE_MAX;
    n += (size_t)sprintf(text + n, "allow_anonymous = yes\n");
    r = signet_config_parse("f.conf", text, n, &cfg, err, sizeof(err));
    CHECK(r == -1 && strstr(err, "f.conf:1: line is longer than 4096 bytes") != NULL,
          "a long comment with a setting at its end: %d %s", r, r ? err : "parsed");
    signet_config_free(&cfg);
    /* exactly the limit is fine */
    memset(text, '#', SIGNET_CONFIG_LINE_MAX);
    text[SIGNET_CONFIG_LINE_MAX] = '\n';
    r = signet_config_parse("f.conf", text, SIGNET_CONFIG_LINE_MAX + 1, &cfg, err,
                            sizeof(err));
    CHECK(r == 0, "a comment of exactly %d bytes: %s", SIGNET_CONFIG_LINE_MAX,
          r ? err : "ok");
    signet_config_free(&cfg);
    /* a NUL byte */
    r = signet_config_parse("f.conf", "ca_file = /a\0b\n", 15, &cfg, err, sizeof(err));
    CHECK(r == -1 && strstr(err, "f.conf:1: NUL byte") != NULL, "NUL byte: %s",
          r ? err : "parsed");
    free(text);
}

/* Every key of the registry at once: no fixed limit on settings. */
static void
test_every_key(void)
{
    const struct signet_setting *t;
    signet_config *cfg = NULL;
    char *text = calloc(1, 65536), err[512];
    size_t n, i, len = 0;
    int r, all = 1;

    t = signet_settings_table(&n);
    for (i = 0; i < n; i++) {
        const char *v = t[i].dflt != NULL ? t[i].dflt : "/some/value";

        len += (size_t)snprintf(text + len, 65536 - len, "%s = %s\n", t[i].key, v);
    }
    r = signet_config_parse("all.conf", text, len, &cfg, err, sizeof(err));
    CHECK(r == 0, "every key with its default: %s", r ? err : "ok");
    for (i = 0; r == 0 && i < n; i++)
        all &= signet_config_value(cfg, t[i].key) != NULL;
    CHECK(all && cfg != NULL && cfg->n == n, "all %zu keys kept", n);
    signet_config_free(&cfg);
    free(text);
    for (i = 0; i < n; i++)
        CHECK(t[i].doc != NULL && t[i].doc[0] != '\0', "%s has documentation",
              t[i].key);
}

/* Typed getters over the environment: a bad value is an error naming the
 * variable, never a silent default. */
static void
test_getters(void)
{
    OM_uint32 major, minor;
    uint64_t n;
    int b;

    setenv("SIGNET_CONFIG", "/dev/null", 1);
    major = signet_setting_bool(&minor, GSS_S_NO_CRED, GSS_C_NO_CRED_STORE,
                                "allow_anonymous", &b);
    CHECK(major == GSS_S_COMPLETE && b == 0, "allow_anonymous defaults to no");
    setenv("SIGNET_ALLOW_ANONYMOUS", "perhaps", 1);
    major = signet_setting_bool(&minor, GSS_S_NO_CRED, GSS_C_NO_CRED_STORE,
                                "allow_anonymous", &b);
    CHECK(major == GSS_S_NO_CRED && minor == SIGNET_ERR_CONFIG &&
          strstr(signet_minor_detail(minor), "SIGNET_ALLOW_ANONYMOUS") != NULL,
          "a bad boolean in the environment: 0x%x %s", major,
          signet_minor_detail(minor));
    unsetenv("SIGNET_ALLOW_ANONYMOUS");
    setenv("SIGNET_CRL_CHECK_INTERVAL", "30", 1);
    major = signet_setting_number(&minor, GSS_S_NO_CRED, GSS_C_NO_CRED_STORE,
                                  "crl_check_interval", &n);
    CHECK(major == GSS_S_COMPLETE && n == 30, "number from the environment");
    unsetenv("SIGNET_CRL_CHECK_INTERVAL");
    major = signet_setting_number(&minor, GSS_S_NO_CRED, GSS_C_NO_CRED_STORE,
                                  "crl_check_interval", &n);
    CHECK(major == GSS_S_COMPLETE && n == 60, "number default");
}

/*
 * The process's configuration file with a line without '=' while tracing
 * to a file: returns (never hangs) the error naming file and line, and the
 * trace says it once.  Runs in a child with an alarm so that a hang fails.
 */
static void
test_process_file_error(void)
{
    char dir[] = "/tmp/t_settings.XXXXXX", conf[128], trace[128], buf[4096];
    FILE *f;
    pid_t pid;
    int status = 0;
    size_t n = 0;

    if (mkdtemp(dir) == NULL)
        abort();
    snprintf(conf, sizeof(conf), "%s/signet.conf", dir);
    snprintf(trace, sizeof(trace), "%s/trace", dir);
    f = fopen(conf, "w");
    fprintf(f, "# a typo follows\nallow_anonymous yes\n");
    fclose(f);
    pid = fork();
    if (pid == 0) {
        OM_uint32 major, minor, major2, minor2;

        alarm(10);
        setenv("SIGNET_CONFIG", conf, 1);
        setenv("SIGNET_TRACE", trace, 1);
        major = signet_settings_status(&minor, GSS_S_NO_CRED);
        major2 = signet_settings_status(&minor2, GSS_S_FAILURE);
        if (major != GSS_S_NO_CRED || minor != SIGNET_ERR_CONFIG ||
            major2 != GSS_S_FAILURE ||
            strstr(signet_minor_detail(minor), "signet.conf:2: expected 'key = value'") == NULL) {
            printf("  status 0x%x: %s\n", major, signet_minor_detail(minor));
            _exit(3);
        }
        _exit(0);
    }
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "a line without '=' with tracing on: an error, not a hang (0x%x)",
          status);
    f = fopen(trace, "r");
    if (f != NULL) {
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
    CHECK(strstr(buf, "configuration error: ") != NULL &&
          strstr(buf, "signet.conf:2: expected 'key = value'") != NULL,
          "the trace names the file and line: %s", buf);
    {
        const char *p = buf;
        int times = 0;

        while ((p = strstr(p, "configuration error: ")) != NULL) {
            times++;
            p++;
        }
        CHECK(times == 1, "the error is traced once, not %d times", times);
    }
    unlink(conf);
    unlink(trace);
    rmdir(dir);
}

static const char *
type_name(enum signet_setting_type t)
{
    switch (t) {
    case SIGNET_SETTING_TEXT: return "text";
    case SIGNET_SETTING_PATH: return "path";
    case SIGNET_SETTING_BOOL: return "boolean";
    case SIGNET_SETTING_NUMBER: return "number";
    }
    return "?";
}

int
main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--list-keys") == 0) {
        size_t n, i;
        const struct signet_setting *t = signet_settings_table(&n);

        for (i = 0; i < n; i++)
            printf("%s\t%s\t%s\t%s\t%s\n", t[i].key, type_name(t[i].type),
                   t[i].dflt != NULL ? t[i].dflt : "",
                   t[i].flags & SIGNET_SETTING_CRED ? "cred" : "process",
                   t[i].doc);
        return 0;
    }
    test_parse_table();
    test_long_lines();
    test_every_key();
    test_process_file_error();
    test_getters();
    return check_report();
}
