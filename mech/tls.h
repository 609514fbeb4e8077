/*
 * tls.h - the TLS 1.3 side of Signet: credentials as OpenSSL objects and
 * the handshake run over memory BIOs.  tls.c is the only user of libssl
 * and of X.509 in the core.
 */
#ifndef SIGNET_TLS_H
#define SIGNET_TLS_H

#include "signet.h"

/* Resolved settings a credential is built from (strings are borrowed). */
struct signet_settings {
    const char *certificate;
    const char *private_key;
    const char *pkcs12_password;
    const char *ca_file;
    const char *ca_dir;
    const char *crl_file;
    const char *psk_file;
    const char *psk_identity;
    const char *x509_localname;         /* "none", "cn" or "email" */
    const char *x509_localname_issuer;  /* PEM CAs the rule is limited to */
};

/* Loads certificate/key/anchors/CRLs into cred->tls and sets
 * cred->name (subject) and cred->cert_expiry. */
OM_uint32 signet_tls_cred_load(OM_uint32 *minor, signet_cred *cred,
                               const struct signet_settings *s);
void signet_tls_cred_free(struct signet_tls_cred **tc);
/* Then the TLS engine's SSL_CTXs of the loaded credential (tls.c). */
OM_uint32 signet_tls_cred_ready(OM_uint32 *minor, signet_cred *cred);
/* 1 if the credential holds a certificate and key. */
int signet_tls_cred_has_cert(const signet_cred *cred);
/* 1 if the credential holds trust anchors. */
int signet_tls_cred_has_anchors(const signet_cred *cred);
/* Checks that the credential's certificate matches a host-based name. */
OM_uint32 signet_tls_cred_check_name(OM_uint32 *minor, const signet_cred *cred,
                                     const signet_name *name);

struct signet_tls;

OM_uint32 signet_tls_new(OM_uint32 *minor, int initiator, signet_cred *cred,
                         const signet_name *target, int anonymous,
                         struct signet_tls **out);
void signet_tls_free(struct signet_tls **tls);

/*
 * One handshake step: feeds in (may be empty on the initiator's first call)
 * and appends TLS records to send to out.  Returns GSS_S_COMPLETE when the
 * handshake itself is done (then *done = 1), GSS_S_CONTINUE_NEEDED while it
 * is not, or an error with *minor set.
 */
OM_uint32 signet_tls_step(OM_uint32 *minor, struct signet_tls *tls,
                          const uint8_t *in, size_t inlen, signet_buf *out,
                          int *done);
/* After the handshake: one application-data record (the context
 * parameters, context.c) sent, or received from in: exactly one record,
 * at most cap bytes, nothing after it (GSS_S_DEFECTIVE_TOKEN). */
OM_uint32 signet_tls_send_app(OM_uint32 *minor, struct signet_tls *tls,
                              const void *data, size_t len, signet_buf *out);
OM_uint32 signet_tls_recv_app(OM_uint32 *minor, struct signet_tls *tls,
                              const uint8_t *in, size_t inlen, uint8_t *buf,
                              size_t cap, size_t *len);
/* The authenticated peer as a name (x509 subject, psk identity or
 * anonymous); *peer_expiry = peer certificate notAfter (0 if none). */
OM_uint32 signet_tls_peer_name(OM_uint32 *minor, struct signet_tls *tls,
                               signet_name **out, time_t *peer_expiry);
/* Revalidation state for the peer's certificate (reval.c), NULL when the
 * peer used no certificate or crl_file is NULL. */
OM_uint32 signet_tls_reval_new(OM_uint32 *minor, struct signet_tls *tls,
                               const char *crl_file, uint32_t interval,
                               struct signet_reval **out);
/* What this side authenticated as: psk:<identity> for a PSK handshake, else
 * the subject of the certificate it presented; *host_ok says whether that
 * certificate is valid for host (RFC 6125 rules; 0 for PSKs). */
OM_uint32 signet_tls_own_name(OM_uint32 *minor, struct signet_tls *tls,
                              const char *host, int *host_ok, signet_name **out);
/* The PSK identity the handshake used, or NULL for certificates. */
const char *signet_tls_psk_identity(struct signet_tls *tls);
/* TLS exporter (RFC 8446 7.5). */
OM_uint32 signet_tls_export(OM_uint32 *minor, struct signet_tls *tls,
                            const char *label, uint8_t *out, size_t len);
/* The peer certificate against a non-host target name (initiator). */
OM_uint32 signet_tls_check_target(OM_uint32 *minor, struct signet_tls *tls,
                                  const signet_name *target);

/* reval.c: revalidation of leaf (issued by issuer) against crl_file. */
struct x509_st;   /* OpenSSL's X509 */
OM_uint32 signet_reval_new(OM_uint32 *minor, struct x509_st *leaf,
                           struct x509_st *issuer,
                           const char *crl_file, uint32_t interval,
                           struct signet_reval **out);

#endif
