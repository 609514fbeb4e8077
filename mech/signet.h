/*
 * signet.h - internal interfaces of the Signet mechanism core.
 *
 * The core is a libtool convenience library (libsignet-core) linked into the
 * mechglue plugin (mech_signet.so, whose exported symbols are only the thin
 * wrappers in spi.c) and, later, into the SSPI library.  Every function here
 * has GSS-API calling conventions where it implements a GSS-API call
 * (signet_gss_<name>), so that a table of them can stand in for the public
 * gss_* functions.  Handles passed in are Signet's own objects:
 *   gss_name_t     -> signet_name *
 *   gss_cred_id_t  -> signet_cred *
 *   gss_ctx_id_t   -> signet_ctx *
 */
#ifndef SIGNET_INTERNAL_H
#define SIGNET_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_signet.h>

#include "util.h"
#include "settings.h"
#include "message.h"

#ifndef GSS_C_NT_COMPOSITE_EXPORT
extern gss_OID GSS_C_NT_COMPOSITE_EXPORT;
#endif

/* ---- OIDs (oids.c) ------------------------------------------------------ */
extern const gss_OID_desc signet_mech_oid_desc;
extern const gss_OID_desc signet_nt_peer_oid_desc;
#define SIGNET_MECH_OID ((gss_OID)&signet_mech_oid_desc)
#define SIGNET_NT_PEER ((gss_OID)&signet_nt_peer_oid_desc)
int signet_oid_equal(gss_const_OID a, gss_const_OID b);
int signet_is_signet_mech(gss_const_OID mech); /* NULL counts as Signet */

/* ---- errors, status text and tracing (errors.c, trace.c) --------------- */
/*
 * Record a failure: sets *minor = code, keeps a formatted detail sentence for
 * this thread (gss_display_status returns it for that code), traces it, and
 * returns major.  fmt may be NULL for the code's standard sentence.
 */
OM_uint32 signet_fail(OM_uint32 *minor, OM_uint32 major, OM_uint32 code,
                      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The standard sentence of a minor code, or NULL if it is not Signet's. */
const char *signet_minor_text(OM_uint32 code);
/* The code an ERROR token carries for a local failure with code (errors.c):
 * only its standard sentence is sent to the peer. */
OM_uint32 signet_minor_for_peer(OM_uint32 code);
/* Detail recorded by this thread for code, or the standard sentence. */
const char *signet_minor_detail(OM_uint32 code);
void signet_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int signet_trace_enabled(void);
/* The configuration file's "trace" setting (settings.c), applied when
 * SIGNET_TRACE is not set; NULL leaves tracing off. */
void signet_trace_set_path(const char *path);

/* ---- names (name.c) ----------------------------------------------------- */
enum signet_name_kind {
    SIGNET_NAME_HOSTBASED = 1, /* service@host, host may be NULL */
    SIGNET_NAME_USER,          /* a user name (GSS_C_NT_USER_NAME) */
    SIGNET_NAME_ANONYMOUS,     /* GSS_C_NT_ANONYMOUS */
    SIGNET_NAME_X509,          /* certificate subject, RFC 2253 DN */
    SIGNET_NAME_PSK            /* pre-shared key identity */
};

typedef struct signet_name {
    enum signet_name_kind kind;
    char *value;     /* service, user, DN or identity; "anonymous" */
    char *host;      /* HOSTBASED only; NULL when absent */
    char *local;     /* X509: suggested local account (CN / e-mail local
                        part) or NULL */
} signet_name;

OM_uint32 signet_name_new(OM_uint32 *minor, enum signet_name_kind kind,
                          const char *value, const char *host,
                          signet_name **out);
OM_uint32 signet_name_copy(OM_uint32 *minor, const signet_name *in,
                           signet_name **out);
void signet_name_free(signet_name **name);
int signet_name_equal(const signet_name *a, const signet_name *b);
/* Exported-name inner bytes (the NAME part of an RFC 2743 3.2 token) and
 * back; used by gss_export_name and context export. */
OM_uint32 signet_name_encode(OM_uint32 *minor, const signet_name *name,
                             signet_buf *out);
OM_uint32 signet_name_decode(OM_uint32 *minor, signet_cursor *in,
                             signet_name **out);

OM_uint32 signet_gss_import_name(OM_uint32 *, gss_buffer_t, gss_OID, gss_name_t *);
OM_uint32 signet_gss_display_name(OM_uint32 *, gss_name_t, gss_buffer_t, gss_OID *);
OM_uint32 signet_gss_compare_name(OM_uint32 *, gss_name_t, gss_name_t, int *);
OM_uint32 signet_gss_release_name(OM_uint32 *, gss_name_t *);
OM_uint32 signet_gss_canonicalize_name(OM_uint32 *, const gss_name_t, const gss_OID, gss_name_t *);
OM_uint32 signet_gss_export_name(OM_uint32 *, const gss_name_t, gss_buffer_t);
OM_uint32 signet_gss_duplicate_name(OM_uint32 *, const gss_name_t, gss_name_t *);
OM_uint32 signet_gss_inquire_names_for_mech(OM_uint32 *, gss_OID, gss_OID_set *);
OM_uint32 signet_gss_inquire_name(OM_uint32 *, gss_name_t, int *, gss_OID *, gss_buffer_set_t *);
OM_uint32 signet_gss_localname(OM_uint32 *, const gss_name_t, gss_const_OID, gss_buffer_t);
/* user: the local account name (mechglue passes a buffer and its type). */
OM_uint32 signet_gss_authorize_localname(OM_uint32 *, const gss_name_t, gss_const_buffer_t,
                                         gss_const_OID);
/* The localname_map file (localmap.c): sets *first to the account of the
 * first line for display (malloc'ed, NULL if none) and, if want is not
 * NULL, *matched to 1 when a line for display names want. */
OM_uint32 signet_localmap_lookup(OM_uint32 *minor, const char *display,
                                 const char *want, char **first, int *matched);
/* 1 if s is a POSIX-portable account name (docs/names.md). */
int signet_valid_account_name(const char *s);

/* mechglue asks each mechanism to release OIDs it returned (oids.c). */
OM_uint32 signet_gss_internal_release_oid(OM_uint32 *, gss_OID *);

/* ---- mechanism attributes (mechattrs.c) --------------------------------- */
OM_uint32 signet_gss_indicate_mechs(OM_uint32 *, gss_OID_set *);
OM_uint32 signet_gss_inquire_attrs_for_mech(OM_uint32 *, gss_const_OID, gss_OID_set *, gss_OID_set *);
OM_uint32 signet_gss_inquire_saslname_for_mech(OM_uint32 *, const gss_OID, gss_buffer_t, gss_buffer_t, gss_buffer_t);
OM_uint32 signet_gss_inquire_mech_for_saslname(OM_uint32 *, const gss_buffer_t, gss_OID *);

/* ---- credentials (cred.c) ------------------------------------------------ */
struct signet_psk {
    char *identity;
    uint8_t key[64];
    size_t key_len;
};

typedef struct signet_cred {
    int refs;                     /* references (contexts hold one while
                                     they are being established) */
    gss_cred_usage_t usage;
    signet_name *name;            /* NULL: no particular name */
    struct signet_tls_cred *tls;  /* OpenSSL objects (tls.c) */
    struct signet_psk *psks;      /* all PSKs of the key file */
    size_t npsk;
    const struct signet_psk *psk; /* initiator: the PSK offered, or NULL */
    int allow_anonymous;          /* acceptor policy */
    OM_uint32 max_lifetime;       /* seconds, 0 = not bounded by config */
    time_t cert_expiry;           /* notAfter of own certificate, 0 if none */
    uint32_t qop_mask;            /* permitted MAC algorithms (1 << qop) */
    uint32_t qop_default;         /* preferred default QOP */
    uint32_t replay_window;       /* receive window in numbers, 0 = default */
    uint64_t rekey_limit;         /* messages one side may protect, 0 = 2^32 */
    char *crl_file;               /* re-read for established contexts */
    uint32_t crl_check_interval;  /* seconds between CRL file checks */
} signet_cred;

/* Drops a reference; frees the credential with the last one. */
void signet_cred_free(signet_cred **cred);
signet_cred *signet_cred_ref(signet_cred *cred);
/* Acquire default credentials for usage (used by init/accept with
 * GSS_C_NO_CREDENTIAL). */
OM_uint32 signet_cred_default(OM_uint32 *minor, gss_cred_usage_t usage,
                              signet_cred **out);

OM_uint32 signet_gss_acquire_cred(OM_uint32 *, gss_name_t, OM_uint32, gss_OID_set,
                                  gss_cred_usage_t, gss_cred_id_t *, gss_OID_set *, OM_uint32 *);
OM_uint32 signet_gss_acquire_cred_from(OM_uint32 *, gss_name_t, OM_uint32, gss_OID_set,
                                       gss_cred_usage_t, gss_const_key_value_set_t,
                                       gss_cred_id_t *, gss_OID_set *, OM_uint32 *);
OM_uint32 signet_gss_release_cred(OM_uint32 *, gss_cred_id_t *);
OM_uint32 signet_gss_inquire_cred(OM_uint32 *, gss_cred_id_t, gss_name_t *, OM_uint32 *,
                                  gss_cred_usage_t *, gss_OID_set *);
OM_uint32 signet_gss_inquire_cred_by_mech(OM_uint32 *, gss_cred_id_t, gss_OID, gss_name_t *,
                                          OM_uint32 *, OM_uint32 *, gss_cred_usage_t *);
OM_uint32 signet_gss_set_cred_option(OM_uint32 *, gss_cred_id_t *, const gss_OID, const gss_buffer_t);

/* ---- security contexts (context.c, tls.c) -------------------------------- */
enum signet_ctx_state {
    SIGNET_CTX_HANDSHAKE = 1, /* TLS records are being exchanged */
    SIGNET_CTX_CONFIRM,       /* initiator: waits for the acceptor's verdict */
    SIGNET_CTX_ESTABLISHED,
    SIGNET_CTX_FAILED
};

typedef struct signet_ctx {
    int initiator;                 /* 1: we are the initiator */
    enum signet_ctx_state state;
    OM_uint32 flags;               /* negotiated GSS_C_*_FLAG bits */
    time_t expiry;                 /* absolute; 0 = indefinite */
    signet_name *initiator_name;   /* source of the context */
    signet_name *acceptor_name;    /* target of the context */
    uint32_t qop_mask;             /* negotiated permitted QOPs (1 << qop) */
    uint32_t qop_default;          /* negotiated default QOP (never 0) */
    uint32_t replay_window;        /* receive window, 0 = default */
    uint64_t rekey_limit;          /* tokens each side may make, 0 = 2^32 */
    time_t peer_expiry;            /* notAfter of the peer's certificate */
    struct signet_reval *reval;    /* CRL re-checks of the peer, or NULL */
    OM_uint32 req_flags;           /* initiator: flags asked for */
    signet_cred *cred;             /* held during establishment only */
    struct signet_tls *tls;        /* handshake state; NULL once established */
    uint8_t last_token[32];        /* SHA-256 of the last context token in */
    signet_msg msg;                /* per-message keys, counters, window */
} signet_ctx;

void signet_ctx_free(signet_ctx **ctx);
/* Checks that ctx is established and not expired (per-message calls;
 * message.c). */
OM_uint32 signet_ctx_check(OM_uint32 *minor, const signet_ctx *ctx);
/* The negotiated default QOP (SIGNET_QOP_*, never 0) of an established
 * context; 0 for NULL or a context not established (message.c). */
gss_qop_t signet_ctx_default_qop(const signet_ctx *ctx);

OM_uint32 signet_gss_init_sec_context(OM_uint32 *, gss_cred_id_t, gss_ctx_id_t *, gss_name_t,
                                      gss_OID, OM_uint32, OM_uint32, gss_channel_bindings_t,
                                      gss_buffer_t, gss_OID *, gss_buffer_t, OM_uint32 *, OM_uint32 *);
OM_uint32 signet_gss_accept_sec_context(OM_uint32 *, gss_ctx_id_t *, gss_cred_id_t, gss_buffer_t,
                                        gss_channel_bindings_t, gss_name_t *, gss_OID *,
                                        gss_buffer_t, OM_uint32 *, OM_uint32 *, gss_cred_id_t *);
OM_uint32 signet_gss_delete_sec_context(OM_uint32 *, gss_ctx_id_t *, gss_buffer_t);
OM_uint32 signet_gss_process_context_token(OM_uint32 *, gss_ctx_id_t, gss_buffer_t);
OM_uint32 signet_gss_context_time(OM_uint32 *, gss_ctx_id_t, OM_uint32 *);
OM_uint32 signet_gss_inquire_context(OM_uint32 *, gss_ctx_id_t, gss_name_t *, gss_name_t *,
                                     OM_uint32 *, gss_OID *, OM_uint32 *, int *, int *);
OM_uint32 signet_gss_display_status(OM_uint32 *, OM_uint32, int, gss_OID, OM_uint32 *,
                                    gss_buffer_t);
OM_uint32 signet_gss_inquire_sec_context_by_oid(OM_uint32 *, const gss_ctx_id_t, const gss_OID,
                                                gss_buffer_set_t *);

/* ---- revalidation of the peer's credential (tls.c) ---------------------- */
/*
 * An established context whose peer presented a certificate, and whose
 * verifier has a CRL file, re-reads that file when it changes (checked at
 * most every crl_check_interval seconds, on the per-message path) and stops
 * working once the peer's certificate is listed.
 */
struct signet_reval;
/* 1 if the peer's certificate is now revoked; now is time(NULL). */
int signet_reval_revoked(struct signet_reval *r, time_t now);
void signet_reval_free(struct signet_reval **r);
void signet_reval_encode(const struct signet_reval *r, signet_buf *b);
/* Reads what encode wrote (a flag first: *out may be NULL); -1 if malformed. */
int signet_reval_decode(signet_cursor *c, struct signet_reval **out);

/* ---- per-message protection, export, PRF (message.c, serialize.c, prf.c) */
OM_uint32 signet_gss_get_mic(OM_uint32 *, gss_ctx_id_t, gss_qop_t, gss_buffer_t, gss_buffer_t);
OM_uint32 signet_gss_verify_mic(OM_uint32 *, gss_ctx_id_t, gss_buffer_t, gss_buffer_t, gss_qop_t *);
OM_uint32 signet_gss_wrap(OM_uint32 *, gss_ctx_id_t, int, gss_qop_t, gss_buffer_t, int *,
                          gss_buffer_t);
OM_uint32 signet_gss_unwrap(OM_uint32 *, gss_ctx_id_t, gss_buffer_t, gss_buffer_t, int *,
                            gss_qop_t *);
OM_uint32 signet_gss_wrap_size_limit(OM_uint32 *, gss_ctx_id_t, int, gss_qop_t, OM_uint32,
                                     OM_uint32 *);
OM_uint32 signet_gss_get_mic_iov(OM_uint32 *, gss_ctx_id_t, gss_qop_t, gss_iov_buffer_desc *, int);
OM_uint32 signet_gss_verify_mic_iov(OM_uint32 *, gss_ctx_id_t, gss_qop_t *, gss_iov_buffer_desc *,
                                    int);
OM_uint32 signet_gss_get_mic_iov_length(OM_uint32 *, gss_ctx_id_t, gss_qop_t,
                                        gss_iov_buffer_desc *, int);
OM_uint32 signet_gss_set_sec_context_option(OM_uint32 *, gss_ctx_id_t *, const gss_OID,
                                            const gss_buffer_t);
OM_uint32 signet_gss_export_sec_context(OM_uint32 *, gss_ctx_id_t *, gss_buffer_t);
OM_uint32 signet_gss_import_sec_context(OM_uint32 *, gss_buffer_t, gss_ctx_id_t *);
OM_uint32 signet_gss_pseudo_random(OM_uint32 *, gss_ctx_id_t, int, const gss_buffer_t, ssize_t,
                                   gss_buffer_t);

#endif /* SIGNET_INTERNAL_H */
