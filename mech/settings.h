/*
 * settings.h - the registry of Signet settings and their typed getters.
 *
 * Every setting Signet reads is one row of the table in settings.c: its
 * key, type, default, bounds, whether a gss_acquire_cred_from() credential
 * store may give it, whether it is part of the default-credential cache
 * key, and its documentation.  A value is looked up in the credential store
 * (rows marked SIGNET_SETTING_CRED), then the environment variable
 * SIGNET_<KEY>, then the configuration file ($SIGNET_CONFIG, else
 * SYSCONFDIR/signet.conf, read once per process).
 *
 * The file is hostile input: a line that is not "key = value", an unknown
 * or repeated key, a bad value, an over-long line or an unreadable file
 * makes the whole file an error naming the file and line.  Every consumer
 * asks signet_settings_status() before it uses settings, so the error
 * reaches the administrator through gss_display_status and the trace and
 * nothing runs on a partly read configuration.
 *
 * settings.c depends on util.c, errors.c and trace.c only; trace.c depends
 * on nothing (the "trace" setting of the file is handed to it after the
 * file is read), so reading the configuration can never wait on itself.
 */
#ifndef SIGNET_SETTINGS_H
#define SIGNET_SETTINGS_H

#include <stddef.h>
#include <stdint.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>

enum signet_setting_type {
    SIGNET_SETTING_TEXT = 1,   /* any non-empty text */
    SIGNET_SETTING_PATH,       /* a file or directory */
    SIGNET_SETTING_BOOL,       /* yes/no/true/false/on/off/1/0 */
    SIGNET_SETTING_NUMBER      /* decimal, within [min, max] */
};

/* Row flags. */
#define SIGNET_SETTING_CRED   0x01  /* a credential store may give it */
#define SIGNET_SETTING_CACHE  0x02  /* part of the default-credential cache key */
#define SIGNET_SETTING_FILE   0x04  /* names a file: its identity joins the key */
#define SIGNET_SETTING_SECRET 0x08  /* never traced or shown in errors */

struct signet_setting {
    const char *key;
    enum signet_setting_type type;
    unsigned flags;
    const char *dflt;          /* default value (parsed like a value), or NULL */
    uint64_t min, max;         /* NUMBER bounds */
    /* Extra check of a value: NULL if valid, else a sentence (static). */
    const char *(*check)(const char *value);
    const char *doc;           /* one line, as in docs/configuration.md */
};

/* The table (for tests and documentation checks). */
const struct signet_setting *signet_settings_table(size_t *count);
const struct signet_setting *signet_setting_find(const char *key);

/*
 * The state of the configuration file: GSS_S_COMPLETE, or fail_major with
 * *minor = SIGNET_ERR_CONFIG and the file's error ("path:line: why").
 */
OM_uint32 signet_settings_status(OM_uint32 *minor, OM_uint32 fail_major);

/* The raw value of key, or NULL when unset (store may be
 * GSS_C_NO_CRED_STORE; rows without SIGNET_SETTING_CRED ignore it).  The
 * string stays valid while the store does, or for the process lifetime. */
const char *signet_setting(gss_const_key_value_set_t store, const char *key);

/* Typed getters: the value, or the row's default when unset.  A value that
 * does not parse is fail_major / SIGNET_ERR_CONFIG naming where it came
 * from.  text: *out may be NULL (unset, no default). */
OM_uint32 signet_setting_text(OM_uint32 *minor, OM_uint32 fail_major,
                              gss_const_key_value_set_t store, const char *key,
                              const char **out);
OM_uint32 signet_setting_bool(OM_uint32 *minor, OM_uint32 fail_major,
                              gss_const_key_value_set_t store, const char *key,
                              int *out);
OM_uint32 signet_setting_number(OM_uint32 *minor, OM_uint32 fail_major,
                                gss_const_key_value_set_t store,
                                const char *key, uint64_t *out);

/*
 * A digest of every SIGNET_SETTING_CACHE setting from the environment and
 * the file, and of the identity (device, inode, size, change and
 * modification time) of every SIGNET_SETTING_FILE one: the key of the
 * default-credential cache.  0 or -1.
 */
int signet_settings_digest(uint8_t out[32]);

/* ---- the file parser (used once per process; exposed for tests/fuzzing) */
struct signet_config_entry {
    char *key;
    char *value;
    unsigned line;
};
typedef struct signet_config {
    struct signet_config_entry *e;
    size_t n;
} signet_config;

#define SIGNET_CONFIG_LINE_MAX 4096      /* bytes per line, newline excluded */
#define SIGNET_CONFIG_FILE_MAX (1 << 20) /* bytes per file */

/* Parses text (len bytes) as the configuration file path.  0 with *out,
 * or -1 with *out NULL and err holding "path:line: why". */
int signet_config_parse(const char *path, const char *text, size_t len,
                        signet_config **out, char *err, size_t errlen);
const char *signet_config_value(const signet_config *cfg, const char *key);
void signet_config_free(signet_config **cfg);

/* Checks one value of a row (file, environment or store): NULL if valid,
 * else a sentence written to buf. */
const char *signet_setting_invalid(const struct signet_setting *row,
                                   const char *value, char *buf, size_t len);

/* Boolean text: 1, 0, or -1 when it is none of the accepted spellings. */
int signet_parse_bool(const char *v);

#endif /* SIGNET_SETTINGS_H */
