/*
 * tls.c - the TLS 1.3 engine: SSL objects over memory BIOs, the PSK
 * callbacks, the mapping of handshake failures to statuses, the exporter,
 * and what the handshake authenticated (x509.c loads the credentials).
 *
 * The handshake's records travel in Signet context tokens (context.c frames
 * them).  Certificates are verified by OpenSSL against the credential's
 * trust anchors and CRLs; a verify callback keeps the first failure so that
 * the error names what failed.  External PSKs use TLS 1.3 psk_dhe_ke (the
 * OpenSSL default), so PSK sessions keep forward secrecy.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "x509.h"
#include "crypto.h"

#define SIGNET_CIPHERSUITES \
    "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"
/* External PSKs are bound to TLS_AES_256_GCM_SHA384 (SHA-384). */
static const unsigned char psk_cipher_id[2] = { 0x13, 0x02 };

struct signet_tls {
    int initiator;
    int anonymous;
    SSL *ssl;
    BIO *in;
    BIO *out;
    signet_cred *cred;          /* borrowed from the context */
    int verify_err;             /* first X.509 verification error */
    char verify_subject[256];
    char target_host[256];
    const struct signet_psk *psk_used;
    char psk_unknown[128];      /* acceptor: unknown identity offered */
};

static int verify_cb(int ok, X509_STORE_CTX *sctx);

static SSL_CTX *
ssl_ctx_new(struct signet_tls_cred *tc, int server)
{
    SSL_CTX *c = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());

    if (c == NULL)
        return NULL;
    if (!SSL_CTX_set_min_proto_version(c, TLS1_3_VERSION) ||
        !SSL_CTX_set_max_proto_version(c, TLS1_3_VERSION) ||
        !SSL_CTX_set_ciphersuites(c, SIGNET_CIPHERSUITES))
        goto fail;
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(c, SSL_OP_NO_TICKET);
    if (server)
        SSL_CTX_set_num_tickets(c, 0);
    if (tc->cert != NULL) {
        if (SSL_CTX_use_certificate(c, tc->cert) != 1 ||
            SSL_CTX_use_PrivateKey(c, tc->key) != 1 ||
            (tc->chain != NULL && SSL_CTX_set1_chain(c, tc->chain) != 1))
            goto fail;
    }
    if (tc->store != NULL && !SSL_CTX_set1_verify_cert_store(c, tc->store))
        goto fail;
    /* A server asks for a certificate only when it can verify one. */
    if (!server || tc->store != NULL)
        SSL_CTX_set_verify(c, SSL_VERIFY_PEER, verify_cb);
    return c;
fail:
    SSL_CTX_free(c);
    return NULL;
}

OM_uint32
signet_tls_cred_ready(OM_uint32 *minor, signet_cred *cred)
{
    struct signet_tls_cred *tc = cred->tls;

    if (tc == NULL)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                           "credential without TLS state");
    ERR_clear_error();
    tc->client = ssl_ctx_new(tc, 0);
    tc->server = ssl_ctx_new(tc, 1);
    if (tc->client == NULL || tc->server == NULL) {
        ERR_clear_error();
        return signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                           "cannot set up TLS with this credential: %s",
                           signet_ossl_reason());
    }
    return GSS_S_COMPLETE;
}

/* ---- handshake ------------------------------------------------------------ */

static int
verify_cb(int ok, X509_STORE_CTX *sctx)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(sctx,
                                          SSL_get_ex_data_X509_STORE_CTX_idx());
    struct signet_tls *t = ssl != NULL ? SSL_get_app_data(ssl) : NULL;
    X509 *cur;
    char *dn;

    if (!ok && t != NULL && t->verify_err == 0) {
        t->verify_err = X509_STORE_CTX_get_error(sctx);
        cur = X509_STORE_CTX_get_current_cert(sctx);
        if (t->verify_err == X509_V_ERR_HOSTNAME_MISMATCH ||
            t->verify_err == X509_V_ERR_IP_ADDRESS_MISMATCH) {
            signet_x509_host_label(cur, t->verify_subject, sizeof(t->verify_subject));
        } else {
            dn = cur != NULL ? signet_x509_dn(X509_get_subject_name(cur)) : NULL;
            snprintf(t->verify_subject, sizeof(t->verify_subject), "%s",
                     dn != NULL ? dn : "(unknown)");
            free(dn);
        }
    }
    return ok;
}

static SSL_SESSION *
psk_session(SSL *ssl, const struct signet_psk *psk)
{
    const SSL_CIPHER *cipher = SSL_CIPHER_find(ssl, psk_cipher_id);
    SSL_SESSION *sess = SSL_SESSION_new();

    if (sess == NULL || cipher == NULL ||
        !SSL_SESSION_set1_master_key(sess, psk->key, psk->key_len) ||
        !SSL_SESSION_set_cipher(sess, cipher) ||
        !SSL_SESSION_set_protocol_version(sess, TLS1_3_VERSION)) {
        SSL_SESSION_free(sess);
        return NULL;
    }
    return sess;
}

static int
psk_use_cb(SSL *ssl, const EVP_MD *md, const unsigned char **id,
           size_t *idlen, SSL_SESSION **sess)
{
    struct signet_tls *t = SSL_get_app_data(ssl);
    const struct signet_psk *psk = t->cred->psk;
    const SSL_CIPHER *cipher = SSL_CIPHER_find(ssl, psk_cipher_id);

    *sess = NULL;
    *id = NULL;
    *idlen = 0;
    if (psk == NULL || t->anonymous || cipher == NULL)
        return 1;
    if (md != NULL && md != SSL_CIPHER_get_handshake_digest(cipher))
        return 1;
    *sess = psk_session(ssl, psk);
    if (*sess == NULL)
        return 0;
    *id = (const unsigned char *)psk->identity;
    *idlen = strlen(psk->identity);
    t->psk_used = psk;
    return 1;
}

/*
 * An unknown identity gets a session with a random key, so that its
 * binder fails exactly as a known identity's wrong key does: the peer
 * cannot tell the two apart (no identity oracle).  The real reason is
 * kept for the local error.
 */
static int
psk_find_cb(SSL *ssl, const unsigned char *id, size_t idlen,
            SSL_SESSION **sess)
{
    struct signet_tls *t = SSL_get_app_data(ssl);
    const signet_cred *cred = t->cred;
    struct signet_psk decoy;
    size_t i, n;

    *sess = NULL;
    if (cred->npsk == 0)
        return 1; /* no PSKs here: continue with certificates */
    for (i = 0; i < cred->npsk; i++) {
        if (strlen(cred->psks[i].identity) == idlen &&
            signet_memcmp_ct(cred->psks[i].identity, id, idlen) == 0) {
            *sess = psk_session(ssl, &cred->psks[i]);
            if (*sess == NULL)
                return 0;
            t->psk_used = &cred->psks[i];
            return 1;
        }
    }
    /* Keep a printable copy of the unknown identity for the message. */
    n = idlen < sizeof(t->psk_unknown) - 1 ? idlen : sizeof(t->psk_unknown) - 1;
    for (i = 0; i < n; i++)
        t->psk_unknown[i] = isprint(id[i]) ? (char)id[i] : '?';
    t->psk_unknown[n] = '\0';
    if (n == 0)
        snprintf(t->psk_unknown, sizeof(t->psk_unknown), "(empty)");
    memset(&decoy, 0, sizeof(decoy));
    decoy.key_len = 32;
    if (signet_random(decoy.key, decoy.key_len) != 0)
        return 0;
    *sess = psk_session(ssl, &decoy);
    signet_wipe(&decoy, sizeof(decoy));
    return *sess != NULL;
}

OM_uint32
signet_tls_new(OM_uint32 *minor, int initiator, signet_cred *cred,
               const signet_name *target, int anonymous,
               struct signet_tls **out)
{
    struct signet_tls *t;
    SSL_CTX *sctx;
    unsigned char addr[16];

    *out = NULL;
    if (cred->tls == NULL)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                           "credential without TLS state");
    t = calloc(1, sizeof(*t));
    if (t == NULL)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
    t->initiator = initiator;
    t->anonymous = anonymous;
    t->cred = cred;
    sctx = initiator ? cred->tls->client : cred->tls->server;
    ERR_clear_error();
    t->ssl = SSL_new(sctx);
    t->in = BIO_new(BIO_s_mem());
    t->out = BIO_new(BIO_s_mem());
    if (t->ssl == NULL || t->in == NULL || t->out == NULL)
        goto nomem;
    BIO_set_mem_eof_return(t->in, -1);
    SSL_set_bio(t->ssl, t->in, t->out); /* the SSL owns both BIOs now */
    SSL_set_app_data(t->ssl, t);
    if (initiator) {
        SSL_set_connect_state(t->ssl);
        SSL_set_psk_use_session_callback(t->ssl, psk_use_cb);
        if (anonymous)
            SSL_certs_clear(t->ssl);
        if (target != NULL && target->kind == SIGNET_NAME_HOSTBASED &&
            target->host != NULL) {
            snprintf(t->target_host, sizeof(t->target_host), "%s", target->host);
            if (inet_pton(AF_INET, target->host, addr) == 1 ||
                inet_pton(AF_INET6, target->host, addr) == 1) {
                if (!X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(t->ssl),
                                                   target->host))
                    goto nomem;
            } else {
                SSL_set_hostflags(t->ssl, SIGNET_HOST_CHECK_FLAGS);
                if (!SSL_set1_host(t->ssl, target->host) ||
                    !SSL_set_tlsext_host_name(t->ssl, target->host))
                    goto nomem;
            }
        }
    } else {
        SSL_set_accept_state(t->ssl);
        SSL_set_psk_find_session_callback(t->ssl, psk_find_cb);
    }
    *out = t;
    return GSS_S_COMPLETE;
nomem:
    signet_tls_free(&t);
    ERR_clear_error();
    return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
}

void
signet_tls_free(struct signet_tls **tp)
{
    struct signet_tls *t;

    if (tp == NULL || *tp == NULL)
        return;
    t = *tp;
    if (t->ssl != NULL)
        SSL_free(t->ssl); /* frees the BIOs and wipes the TLS secrets */
    else {
        BIO_free(t->in);
        BIO_free(t->out);
    }
    signet_wipe(t, sizeof(*t));
    free(t);
    *tp = NULL;
}

/* Moves what the SSL wrote into out. */
static int
drain(struct signet_tls *t, signet_buf *out)
{
    char *data;
    long len = BIO_get_mem_data(t->out, &data);

    if (len > 0) {
        signet_put_bytes(out, data, (size_t)len);
        (void)BIO_reset(t->out);
    }
    return out->err ? -1 : 0;
}

/* Maps an X.509 verification error to a status with a sentence. */
static OM_uint32
verify_failure(OM_uint32 *minor, struct signet_tls *t)
{
    const char *who = t->initiator ? "acceptor" : "initiator";
    const char *why = X509_verify_cert_error_string(t->verify_err);

    switch (t->verify_err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return signet_fail(minor, GSS_S_CREDENTIALS_EXPIRED, SIGNET_ERR_CERT_EXPIRED,
                           "the %s's certificate %s has expired", who,
                           t->verify_subject);
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return signet_fail(minor, GSS_S_DEFECTIVE_CREDENTIAL,
                           SIGNET_ERR_CERT_NOT_YET_VALID,
                           "the %s's certificate %s is not yet valid", who,
                           t->verify_subject);
    case X509_V_ERR_CERT_REVOKED:
        return signet_fail(minor, GSS_S_DEFECTIVE_CREDENTIAL, SIGNET_ERR_CERT_REVOKED,
                           "the %s's certificate %s has been revoked", who,
                           t->verify_subject);
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return signet_fail(minor, GSS_S_DEFECTIVE_CREDENTIAL,
                           SIGNET_ERR_CERT_HOST_MISMATCH,
                           "certificate for host %s does not match target host %s",
                           t->verify_subject, t->target_host);
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_GET_CRL:
        return signet_fail(minor, GSS_S_DEFECTIVE_CREDENTIAL, SIGNET_ERR_CERT_UNTRUSTED,
                           "the %s's certificate %s is not trusted: %s", who,
                           t->verify_subject, why);
    default:
        return signet_fail(minor, GSS_S_DEFECTIVE_CREDENTIAL, SIGNET_ERR_CERT_INVALID,
                           "the %s's certificate %s is invalid: %s", who,
                           t->verify_subject, why);
    }
}

static OM_uint32
handshake_failure(OM_uint32 *minor, struct signet_tls *t)
{
    unsigned long e = ERR_peek_last_error();
    OM_uint32 major;

    if (t->psk_unknown[0] != '\0')
        major = signet_fail(minor, GSS_S_DEFECTIVE_CREDENTIAL,
                            SIGNET_ERR_PSK_UNKNOWN_IDENTITY,
                            "unknown pre-shared key identity '%s'", t->psk_unknown);
    else if (t->verify_err != 0)
        major = verify_failure(minor, t);
    else if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
             ERR_GET_REASON(e) == SSL_R_BINDER_DOES_NOT_VERIFY)
        major = signet_fail(minor, GSS_S_DEFECTIVE_CREDENTIAL, SIGNET_ERR_PSK_MISMATCH,
                            "the pre-shared key offered by the initiator does not "
                            "match the acceptor's key for this identity");
    else if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
             (ERR_GET_REASON(e) == SSL_R_NO_SHARED_CIPHER ||
              ERR_GET_REASON(e) == SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM) &&
             !t->initiator && !signet_tls_cred_has_cert(t->cred))
        major = signet_fail(minor, GSS_S_DEFECTIVE_CREDENTIAL,
                            SIGNET_ERR_PSK_UNKNOWN_IDENTITY,
                            "the initiator offered no pre-shared key and the "
                            "acceptor has no certificate");
    else
        major = signet_fail(minor, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_HANDSHAKE,
                            "the TLS handshake failed: %s", signet_ossl_reason());
    ERR_clear_error();
    return major;
}

OM_uint32
signet_tls_step(OM_uint32 *minor, struct signet_tls *t, const uint8_t *in,
                size_t inlen, signet_buf *out, int *done)
{
    int ret, err;
    size_t before = out->len;

    *done = 0;
    ERR_clear_error();
    if (inlen > 0 && (inlen > INT32_MAX ||
                      BIO_write(t->in, in, (int)inlen) != (int)inlen))
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
    ret = SSL_do_handshake(t->ssl);
    if (drain(t, out) < 0)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
    if (ret == 1) {
        *done = 1;
        if (signet_trace_enabled()) {
            const char *group = SSL_group_to_name(t->ssl,
                                                  SSL_get_negotiated_group(t->ssl));

            signet_trace("%s: TLS handshake complete (%s, %s, key exchange %s, "
                         "%s)", t->initiator ? "initiator" : "acceptor",
                         SSL_get_version(t->ssl),
                         SSL_CIPHER_get_name(SSL_get_current_cipher(t->ssl)),
                         group != NULL ? group : "none",
                         SSL_session_reused(t->ssl) ? "pre-shared key" :
                                                      "certificate");
        }
        return GSS_S_COMPLETE;
    }
    err = SSL_get_error(t->ssl, ret);
    if (err == SSL_ERROR_WANT_READ) {
        /* Our tokens carry whole flights: a step that consumed input but
         * produced nothing means the input was cut short. */
        if (out->len == before)
            return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN,
                               SIGNET_ERR_TOKEN_TRUNCATED,
                               "the context token holds an incomplete TLS flight");
        return GSS_S_CONTINUE_NEEDED;
    }
    return handshake_failure(minor, t);
}

OM_uint32
signet_tls_send_app(OM_uint32 *minor, struct signet_tls *t, const void *data,
                    size_t len, signet_buf *out)
{
    int ret;

    if (len == 0 || len > 16384)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                           "application data of %zu bytes", len);
    ERR_clear_error();
    ret = SSL_write(t->ssl, data, (int)len);
    if (ret != (int)len) {
        ERR_clear_error();
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_HANDSHAKE,
                           "cannot send the context parameters: %s",
                           signet_ossl_reason());
    }
    if (drain(t, out) < 0)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
    return GSS_S_COMPLETE;
}

OM_uint32
signet_tls_recv_app(OM_uint32 *minor, struct signet_tls *t, const uint8_t *in,
                    size_t inlen, uint8_t *buf, size_t cap, size_t *len)
{
    int ret;

    *len = 0;
    ERR_clear_error();
    if (inlen > 0 && (inlen > INT32_MAX ||
                      BIO_write(t->in, in, (int)inlen) != (int)inlen))
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
    ret = SSL_read(t->ssl, buf, cap > INT32_MAX ? INT32_MAX : (int)cap);
    if (ret <= 0) {
        if (SSL_get_error(t->ssl, ret) == SSL_ERROR_WANT_READ) {
            ERR_clear_error();
            return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN,
                               SIGNET_ERR_TOKEN_TRUNCATED,
                               "the context token lacks the peer's context parameters");
        }
        return handshake_failure(minor, t);
    }
    /* One record, exactly: nothing may follow it in the token. */
    if (BIO_ctrl_pending(t->in) != 0 || SSL_pending(t->ssl) != 0) {
        signet_wipe(buf, (size_t)ret);
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_TOKEN_MALFORMED,
                           "the peer's context parameters are malformed");
    }
    *len = (size_t)ret;
    return GSS_S_COMPLETE;
}

OM_uint32
signet_tls_peer_name(OM_uint32 *minor, struct signet_tls *t,
                     signet_name **out, time_t *peer_expiry)
{
    X509 *peer;

    *out = NULL;
    *peer_expiry = 0;
    if (SSL_session_reused(t->ssl) && t->psk_used != NULL)
        return signet_name_new(minor, SIGNET_NAME_PSK, t->psk_used->identity,
                               NULL, out);
    peer = SSL_get0_peer_certificate(t->ssl);
    if (peer == NULL)
        return signet_name_new(minor, SIGNET_NAME_ANONYMOUS, "anonymous", NULL, out);
    *peer_expiry = signet_x509_time(X509_get0_notAfter(peer));
    return signet_x509_name(minor, t->cred->tls, peer, out);
}

const char *
signet_tls_psk_identity(struct signet_tls *t)
{
    return SSL_session_reused(t->ssl) && t->psk_used != NULL ?
           t->psk_used->identity : NULL;
}

OM_uint32
signet_tls_export(OM_uint32 *minor, struct signet_tls *t, const char *label,
                  uint8_t *out, size_t len)
{
    if (SSL_export_keying_material(t->ssl, out, len, label, strlen(label),
                                   NULL, 0, 0) != 1) {
        ERR_clear_error();
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                           "the TLS exporter failed");
    }
    return GSS_S_COMPLETE;
}

OM_uint32
signet_tls_own_name(OM_uint32 *minor, struct signet_tls *t, const char *host,
                    int *host_ok, signet_name **out)
{
    X509 *own;

    *out = NULL;
    *host_ok = 0;
    if (SSL_session_reused(t->ssl) && t->psk_used != NULL)
        return signet_name_new(minor, SIGNET_NAME_PSK, t->psk_used->identity,
                               NULL, out);
    own = SSL_get_certificate(t->ssl);
    if (own == NULL)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                           "the handshake completed without a credential of "
                           "this side");
    if (host != NULL)
        *host_ok = X509_check_host(own, host, 0, SIGNET_HOST_CHECK_FLAGS, NULL) == 1 ||
                   X509_check_ip_asc(own, host, 0) == 1;
    ERR_clear_error();
    return signet_x509_name(minor, NULL, own, out);
}

/*
 * The acceptor against the target name, after the handshake (host-based
 * targets were checked by OpenSSL during it).  A target that names a
 * certificate (X.509 subject, or a user's e-mail address / common name)
 * needs the acceptor to have authenticated with a certificate: a PSK
 * handshake proves only possession of the key.  Target kinds that cannot
 * name an acceptor never pass.
 */
OM_uint32
signet_tls_check_target(OM_uint32 *minor, struct signet_tls *t,
                        const signet_name *target)
{
    X509 *peer = SSL_get0_peer_certificate(t->ssl);
    char *dn, *cn;
    int ok = 0;

    if (target == NULL)
        return signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                           "no target name was given");
    switch (target->kind) {
    case SIGNET_NAME_HOSTBASED:
        if (target->host == NULL)
            return signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                               "target name %s has no host to check the "
                               "acceptor's certificate against", target->value);
        return GSS_S_COMPLETE;
    case SIGNET_NAME_X509:
        if (peer == NULL)
            break;
        dn = signet_x509_dn(X509_get_subject_name(peer));
        ok = dn != NULL && strcmp(dn, target->value) == 0;
        free(dn);
        break;
    case SIGNET_NAME_USER:
        if (peer == NULL)
            break;
        cn = signet_x509_cn(peer);
        ok = X509_check_email(peer, target->value, 0, 0) == 1 ||
             (cn != NULL && strcmp(cn, target->value) == 0);
        free(cn);
        break;
    case SIGNET_NAME_PSK:
    case SIGNET_NAME_ANONYMOUS:
        break;
    }
    ERR_clear_error();
    if (!ok)
        return signet_fail(minor, GSS_S_DEFECTIVE_CREDENTIAL,
                           SIGNET_ERR_CERT_NAME_MISMATCH,
                           peer == NULL ?
                           "the acceptor authenticated with a pre-shared key, "
                           "not with a certificate for target name %s" :
                           "the acceptor's certificate does not match target name %s",
                           target->value);
    return GSS_S_COMPLETE;
}

/* ---- the peer's certificates, for revalidation (reval.c) ------------------ */

OM_uint32
signet_tls_reval_new(OM_uint32 *minor, struct signet_tls *t,
                     const char *crl_file, uint32_t interval,
                     struct signet_reval **out)
{
    X509 *peer = SSL_get0_peer_certificate(t->ssl), *issuer;
    STACK_OF(X509) *chain;

    *out = NULL;
    if (peer == NULL || crl_file == NULL || SSL_session_reused(t->ssl))
        return GSS_S_COMPLETE;
    /* The issuer as verification found it: the next certificate of the
     * verified chain (the leaf itself when it is a trust anchor). */
    chain = SSL_get0_verified_chain(t->ssl);
    issuer = chain != NULL && sk_X509_num(chain) > 1 ? sk_X509_value(chain, 1)
                                                     : peer;
    return signet_reval_new(minor, peer, issuer, crl_file, interval, out);
}
