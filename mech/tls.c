/*
 * tls.c - TLS 1.3 handshake over memory BIOs and X.509 credentials.
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
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "tls.h"
#include "crypto.h"

#define SIGNET_CIPHERSUITES \
    "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"
/* External PSKs are bound to TLS_AES_256_GCM_SHA384 (SHA-384). */
static const unsigned char psk_cipher_id[2] = { 0x13, 0x02 };
#define PARAMS_VERSION 1
#define PARAMS_FIXED (1 + 4 + 4 + 1 + 4 + 1 + 32 + 2)
#define PARAMS_MAX (PARAMS_FIXED + 255)

/* How a peer certificate suggests a local account (x509_localname). */
enum localname_rule { LOCALNAME_NONE, LOCALNAME_CN, LOCALNAME_EMAIL };

struct signet_tls_cred {
    X509 *cert;
    EVP_PKEY *key;
    STACK_OF(X509) *chain;
    X509_STORE *store;
    SSL_CTX *client;
    SSL_CTX *server;
    enum localname_rule localname;      /* for peers' certificates */
    STACK_OF(X509) *localname_issuers;  /* NULL: any trusted issuer */
};

/* Host-name checks as RFC 6125: subjectAltName only, whole-label
 * wildcards only. */
#define HOST_CHECK_FLAGS (X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | \
                          X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS)

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

/* ---- small helpers ------------------------------------------------------ */

/* The text of the newest OpenSSL error, for messages. */
static const char *
ossl_reason(void)
{
    unsigned long e = ERR_peek_last_error();
    const char *r = e != 0 ? ERR_reason_error_string(e) : NULL;

    return r != NULL ? r : "unknown TLS error";
}

static time_t
asn1_time_to_time(const ASN1_TIME *t)
{
    struct tm tm;

    if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
        return 0;
    return timegm(&tm);
}

static char *
name_to_dn(const X509_NAME *xn)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *s = NULL, *data;
    long len;

    if (b == NULL)
        return NULL;
    if (X509_NAME_print_ex(b, xn, 0, XN_FLAG_RFC2253) >= 0) {
        len = BIO_get_mem_data(b, &data);
        s = malloc((size_t)len + 1);
        if (s != NULL) {
            memcpy(s, data, (size_t)len);
            s[len] = '\0';
        }
    }
    BIO_free(b);
    return s;
}

/* First dNSName SAN, else CN, of a certificate (for messages). */
static void
cert_host_label(X509 *cert, char *out, size_t outlen)
{
    GENERAL_NAMES *sans;
    const X509_NAME *subj;
    int i, idx;

    snprintf(out, outlen, "(unknown)");
    if (cert == NULL)
        return;
    sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    for (i = 0; sans != NULL && i < sk_GENERAL_NAME_num(sans); i++) {
        GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, i);

        if (gn->type == GEN_DNS) {
            snprintf(out, outlen, "%.*s",
                     ASN1_STRING_length(gn->d.dNSName),
                     (const char *)ASN1_STRING_get0_data(gn->d.dNSName));
            GENERAL_NAMES_free(sans);
            return;
        }
    }
    GENERAL_NAMES_free(sans);
    subj = X509_get_subject_name(cert);
    idx = X509_NAME_get_index_by_NID(subj, NID_commonName, -1);
    if (idx >= 0) {
        ASN1_STRING *d = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, idx));

        snprintf(out, outlen, "%.*s", ASN1_STRING_length(d),
                 (const char *)ASN1_STRING_get0_data(d));
    }
}

/* The subject's first common name as UTF-8 without NUL bytes, or NULL. */
static char *
cert_cn(X509 *cert)
{
    const X509_NAME *subj = X509_get_subject_name(cert);
    int idx = X509_NAME_get_index_by_NID(subj, NID_commonName, -1);
    unsigned char *utf8 = NULL;
    char *s = NULL;
    int len;

    if (idx < 0)
        return NULL;
    len = ASN1_STRING_to_UTF8(&utf8,
                              X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, idx)));
    if (len > 0 && memchr(utf8, '\0', (size_t)len) == NULL)
        s = strndup((const char *)utf8, (size_t)len);
    OPENSSL_free(utf8);
    return s;
}

/* The local part of the first rfc822Name subjectAltName, or NULL. */
static char *
cert_email_local(X509 *cert)
{
    GENERAL_NAMES *sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    const char *v, *at;
    char *s = NULL;
    int i, len;

    for (i = 0; sans != NULL && i < sk_GENERAL_NAME_num(sans); i++) {
        GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, i);

        if (gn->type != GEN_EMAIL)
            continue;
        v = (const char *)ASN1_STRING_get0_data(gn->d.rfc822Name);
        len = ASN1_STRING_length(gn->d.rfc822Name);
        at = len > 0 ? memchr(v, '@', (size_t)len) : NULL;
        if (at != NULL && at > v && memchr(v, '\0', (size_t)len) == NULL)
            s = strndup(v, (size_t)(at - v));
        break;
    }
    GENERAL_NAMES_free(sans);
    return s;
}

/* 1 if cert was issued (and signed) by one of issuers. */
static int
issued_by_one_of(X509 *cert, STACK_OF(X509) *issuers)
{
    int i;

    for (i = 0; i < sk_X509_num(issuers); i++) {
        X509 *ca = sk_X509_value(issuers, i);

        if (X509_check_issued(ca, cert) == X509_V_OK &&
            X509_verify(cert, X509_get0_pubkey(ca)) == 1)
            return 1;
    }
    ERR_clear_error();
    return 0;
}

/*
 * The local account a certificate suggests under the credential's
 * x509_localname rule (docs/names.md): none by default; the common name or
 * the e-mail local part when the administrator chose so, and then only
 * for certificates issued by x509_localname_issuer when that is set.
 */
static char *
cert_local_hint(const struct signet_tls_cred *policy, X509 *cert)
{
    if (policy == NULL || policy->localname == LOCALNAME_NONE)
        return NULL;
    if (policy->localname_issuers != NULL &&
        !issued_by_one_of(cert, policy->localname_issuers))
        return NULL;
    return policy->localname == LOCALNAME_CN ? cert_cn(cert)
                                             : cert_email_local(cert);
}

static OM_uint32
name_from_cert(OM_uint32 *minor, const struct signet_tls_cred *policy,
               X509 *cert, signet_name **out)
{
    OM_uint32 major;
    char *dn = name_to_dn(X509_get_subject_name(cert));

    *out = NULL;
    if (dn == NULL)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
    major = signet_name_new(minor, SIGNET_NAME_X509, dn, NULL, out);
    free(dn);
    if (major == GSS_S_COMPLETE)
        (*out)->local = cert_local_hint(policy, cert);
    return major;
}

/* ---- credentials --------------------------------------------------------- */

void
signet_tls_cred_free(struct signet_tls_cred **tcp)
{
    struct signet_tls_cred *tc;

    if (tcp == NULL || *tcp == NULL)
        return;
    tc = *tcp;
    SSL_CTX_free(tc->client);
    SSL_CTX_free(tc->server);
    X509_free(tc->cert);
    EVP_PKEY_free(tc->key);
    sk_X509_pop_free(tc->chain, X509_free);
    X509_STORE_free(tc->store);
    sk_X509_pop_free(tc->localname_issuers, X509_free);
    free(tc);
    *tcp = NULL;
}

int
signet_tls_cred_has_cert(const signet_cred *cred)
{
    return cred->tls != NULL && cred->tls->cert != NULL;
}

int
signet_tls_cred_has_anchors(const signet_cred *cred)
{
    return cred->tls != NULL && cred->tls->store != NULL;
}

static int
has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static OM_uint32
load_pkcs12(OM_uint32 *minor, struct signet_tls_cred *tc, const char *path,
            const char *password)
{
    BIO *b = BIO_new_file(path, "rb");
    PKCS12 *p12 = NULL;
    OM_uint32 major = GSS_S_COMPLETE;

    if (b == NULL)
        return signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                           "cannot open PKCS#12 file %s", path);
    p12 = d2i_PKCS12_bio(b, NULL);
    if (p12 == NULL ||
        !PKCS12_parse(p12, password != NULL ? password : "", &tc->key,
                      &tc->cert, &tc->chain))
        major = signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                            "cannot read PKCS#12 file %s: %s", path,
                            ossl_reason());
    PKCS12_free(p12);
    BIO_free(b);
    return major;
}

static OM_uint32
load_pem_cert(OM_uint32 *minor, struct signet_tls_cred *tc, const char *path)
{
    BIO *b = BIO_new_file(path, "r");
    X509 *x;

    if (b == NULL)
        return signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                           "cannot open certificate file %s", path);
    tc->cert = PEM_read_bio_X509(b, NULL, NULL, NULL);
    if (tc->cert == NULL) {
        BIO_free(b);
        return signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                           "no PEM certificate in %s", path);
    }
    tc->chain = sk_X509_new_null();
    while (tc->chain != NULL &&
           (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
        if (!sk_X509_push(tc->chain, x))
            X509_free(x);
    }
    ERR_clear_error(); /* the end of the file ends the loop */
    BIO_free(b);
    return GSS_S_COMPLETE;
}

static OM_uint32
load_pem_key(OM_uint32 *minor, struct signet_tls_cred *tc, const char *path)
{
    BIO *b = BIO_new_file(path, "r");

    if (b == NULL)
        return signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                           "cannot open private key file %s", path);
    tc->key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    BIO_free(b);
    if (tc->key == NULL)
        return signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                           "no usable PEM private key in %s", path);
    return GSS_S_COMPLETE;
}

static OM_uint32
load_anchors(OM_uint32 *minor, struct signet_tls_cred *tc,
             const struct signet_settings *s)
{
    BIO *b;
    X509_CRL *crl;
    int ncrl = 0;

    if (s->ca_file == NULL && s->ca_dir == NULL)
        return GSS_S_COMPLETE;
    tc->store = X509_STORE_new();
    if (tc->store == NULL)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
    if (s->ca_file != NULL && !X509_STORE_load_file(tc->store, s->ca_file))
        return signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                           "cannot load trust anchors from %s: %s",
                           s->ca_file, ossl_reason());
    if (s->ca_dir != NULL && !X509_STORE_load_path(tc->store, s->ca_dir))
        return signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                           "cannot use trust anchor directory %s: %s",
                           s->ca_dir, ossl_reason());
    if (s->crl_file == NULL)
        return GSS_S_COMPLETE;
    b = BIO_new_file(s->crl_file, "r");
    if (b == NULL)
        return signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                           "cannot open CRL file %s", s->crl_file);
    while ((crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL)) != NULL) {
        X509_STORE_add_crl(tc->store, crl);
        X509_CRL_free(crl);
        ncrl++;
    }
    ERR_clear_error();
    BIO_free(b);
    if (ncrl == 0)
        return signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                           "no PEM CRL in %s", s->crl_file);
    X509_STORE_set_flags(tc->store, X509_V_FLAG_CRL_CHECK |
                                    X509_V_FLAG_CRL_CHECK_ALL);
    return GSS_S_COMPLETE;
}

/* Every PEM certificate of a file (at least one). */
static OM_uint32
load_cert_list(OM_uint32 *minor, const char *path, STACK_OF(X509) **out)
{
    char why[512], *text = NULL;
    size_t len = 0;
    BIO *b = NULL;
    X509 *x;
    OM_uint32 major = GSS_S_COMPLETE;

    *out = NULL;
    if (signet_file_read(path, 1 << 20, 0, &text, &len, why, sizeof(why)) != 0)
        return signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                           "x509_localname_issuer: %s", why);
    b = BIO_new_mem_buf(text, (int)len);
    *out = sk_X509_new_null();
    if (b == NULL || *out == NULL) {
        major = signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
        goto done;
    }
    while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
        if (!sk_X509_push(*out, x)) {
            X509_free(x);
            major = signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
            goto done;
        }
    }
    ERR_clear_error();
    if (sk_X509_num(*out) == 0)
        major = signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                            "x509_localname_issuer: no PEM certificate in %s",
                            path);
done:
    BIO_free(b);
    signet_file_free(text, len);
    if (major != GSS_S_COMPLETE) {
        sk_X509_pop_free(*out, X509_free);
        *out = NULL;
    }
    return major;
}

static OM_uint32
load_localname_policy(OM_uint32 *minor, struct signet_tls_cred *tc,
                      const struct signet_settings *s)
{
    const char *rule = s->x509_localname != NULL ? s->x509_localname : "none";

    tc->localname = strcmp(rule, "cn") == 0 ? LOCALNAME_CN :
                    strcmp(rule, "email") == 0 ? LOCALNAME_EMAIL : LOCALNAME_NONE;
    if (s->x509_localname_issuer == NULL)
        return GSS_S_COMPLETE;
    return load_cert_list(minor, s->x509_localname_issuer, &tc->localname_issuers);
}

static int verify_cb(int ok, X509_STORE_CTX *sctx);

static SSL_CTX *
make_ssl_ctx(struct signet_tls_cred *tc, int server)
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
signet_tls_cred_load(OM_uint32 *minor, signet_cred *cred,
                     const struct signet_settings *s)
{
    OM_uint32 major;
    struct signet_tls_cred *tc;

    tc = calloc(1, sizeof(*tc));
    if (tc == NULL)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
    ERR_clear_error();
    if (s->certificate != NULL) {
        if (has_suffix(s->certificate, ".p12") || has_suffix(s->certificate, ".pfx"))
            major = load_pkcs12(minor, tc, s->certificate, s->pkcs12_password);
        else
            major = load_pem_cert(minor, tc, s->certificate);
        if (major != GSS_S_COMPLETE)
            goto fail;
        if (tc->key == NULL) {
            major = load_pem_key(minor, tc, s->private_key != NULL ?
                                            s->private_key : s->certificate);
            if (major != GSS_S_COMPLETE)
                goto fail;
        }
        if (X509_check_private_key(tc->cert, tc->key) != 1) {
            major = signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                                "the private key does not belong to certificate %s",
                                s->certificate);
            goto fail;
        }
        cred->cert_expiry = asn1_time_to_time(X509_get0_notAfter(tc->cert));
        if (cred->name == NULL) {
            major = name_from_cert(minor, NULL, tc->cert, &cred->name);
            if (major != GSS_S_COMPLETE)
                goto fail;
        }
    } else if (s->private_key != NULL) {
        major = signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                            "a private key is configured (%s) but no certificate",
                            s->private_key);
        goto fail;
    }
    major = load_anchors(minor, tc, s);
    if (major != GSS_S_COMPLETE)
        goto fail;
    major = load_localname_policy(minor, tc, s);
    if (major != GSS_S_COMPLETE)
        goto fail;
    tc->client = make_ssl_ctx(tc, 0);
    tc->server = make_ssl_ctx(tc, 1);
    if (tc->client == NULL || tc->server == NULL) {
        major = signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                            "cannot set up TLS with this credential: %s",
                            ossl_reason());
        goto fail;
    }
    cred->tls = tc;
    ERR_clear_error();
    return GSS_S_COMPLETE;
fail:
    ERR_clear_error();
    signet_tls_cred_free(&tc);
    return major;
}

OM_uint32
signet_tls_cred_check_name(OM_uint32 *minor, const signet_cred *cred,
                           const signet_name *name)
{
    char label[256];

    if (name == NULL || name->kind != SIGNET_NAME_HOSTBASED ||
        name->host == NULL || !signet_tls_cred_has_cert(cred))
        return GSS_S_COMPLETE;
    if (X509_check_host(cred->tls->cert, name->host, 0, HOST_CHECK_FLAGS, NULL) == 1 ||
        X509_check_ip_asc(cred->tls->cert, name->host, 0) == 1)
        return GSS_S_COMPLETE;
    cert_host_label(cred->tls->cert, label, sizeof(label));
    return signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_NAME_MISMATCH,
                       "certificate for host %s does not match the acceptor name %s@%s",
                       label, name->value, name->host);
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
            cert_host_label(cur, t->verify_subject, sizeof(t->verify_subject));
        } else {
            dn = cur != NULL ? name_to_dn(X509_get_subject_name(cur)) : NULL;
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
                SSL_set_hostflags(t->ssl, HOST_CHECK_FLAGS);
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
                            "the TLS handshake failed: %s", ossl_reason());
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
signet_tls_send_params(OM_uint32 *minor, struct signet_tls *t,
                       const struct signet_params *p, signet_buf *out)
{
    uint8_t msg[PARAMS_MAX];
    size_t tlen = strnlen(p->target, sizeof(p->target) - 1), len;
    int ret;

    msg[0] = PARAMS_VERSION;
    signet_store_u32(msg + 1, p->flags);
    signet_store_u32(msg + 5, p->qop_mask);
    msg[9] = (uint8_t)p->qop_default;
    signet_store_u32(msg + 10, p->lifetime);
    msg[14] = p->has_cb ? 1 : 0;
    memcpy(msg + 15, p->cb_hash, 32);
    msg[47] = 0;
    msg[48] = (uint8_t)tlen;
    memcpy(msg + PARAMS_FIXED, p->target, tlen);
    len = PARAMS_FIXED + tlen;
    ERR_clear_error();
    ret = SSL_write(t->ssl, msg, (int)len);
    signet_wipe(msg, sizeof(msg));
    if (ret != (int)len) {
        ERR_clear_error();
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_HANDSHAKE,
                           "cannot send the context parameters: %s", ossl_reason());
    }
    if (drain(t, out) < 0)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
    return GSS_S_COMPLETE;
}

OM_uint32
signet_tls_recv_params(OM_uint32 *minor, struct signet_tls *t,
                       const uint8_t *in, size_t inlen, struct signet_params *p)
{
    uint8_t msg[PARAMS_MAX + 1];
    size_t tlen, i;
    int ret;

    memset(p, 0, sizeof(*p));
    ERR_clear_error();
    if (inlen > 0 && (inlen > INT32_MAX ||
                      BIO_write(t->in, in, (int)inlen) != (int)inlen))
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
    ret = SSL_read(t->ssl, msg, sizeof(msg));
    if (ret <= 0) {
        if (SSL_get_error(t->ssl, ret) == SSL_ERROR_WANT_READ) {
            ERR_clear_error();
            return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN,
                               SIGNET_ERR_TOKEN_TRUNCATED,
                               "the context token lacks the peer's context parameters");
        }
        return handshake_failure(minor, t);
    }
    tlen = ret >= PARAMS_FIXED ? (size_t)msg[47] << 8 | msg[48] : 0;
    for (i = 0; i < tlen && (size_t)ret == PARAMS_FIXED + tlen; i++) {
        if (msg[PARAMS_FIXED + i] < 0x20 || msg[PARAMS_FIXED + i] > 0x7e)
            tlen = SIZE_MAX; /* printable names only */
    }
    if (ret < PARAMS_FIXED || (size_t)ret != PARAMS_FIXED + tlen ||
        msg[0] != PARAMS_VERSION ||
        BIO_ctrl_pending(t->in) != 0 || SSL_pending(t->ssl) != 0) {
        signet_wipe(msg, sizeof(msg));
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_TOKEN_MALFORMED,
                           "the peer's context parameters are malformed");
    }
    p->flags = signet_load_u32(msg + 1);
    p->qop_mask = signet_load_u32(msg + 5);
    p->qop_default = msg[9];
    p->lifetime = signet_load_u32(msg + 10);
    p->has_cb = msg[14] == 1;
    memcpy(p->cb_hash, msg + 15, 32);
    memcpy(p->target, msg + PARAMS_FIXED, tlen);
    p->target[tlen] = '\0';
    signet_wipe(msg, sizeof(msg));
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
    *peer_expiry = asn1_time_to_time(X509_get0_notAfter(peer));
    return name_from_cert(minor, t->cred->tls, peer, out);
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
        *host_ok = X509_check_host(own, host, 0, HOST_CHECK_FLAGS, NULL) == 1 ||
                   X509_check_ip_asc(own, host, 0) == 1;
    ERR_clear_error();
    return name_from_cert(minor, NULL, own, out);
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
        dn = name_to_dn(X509_get_subject_name(peer));
        ok = dn != NULL && strcmp(dn, target->value) == 0;
        free(dn);
        break;
    case SIGNET_NAME_USER:
        if (peer == NULL)
            break;
        cn = cert_cn(peer);
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

OM_uint32
signet_tls_hash_bindings(OM_uint32 *minor, const gss_channel_bindings_t cb,
                         uint8_t hash[32])
{
    static const char label[] = "signet channel bindings";
    signet_buf b;
    int ok;

    if ((cb->initiator_address.length != 0 && cb->initiator_address.value == NULL) ||
        (cb->acceptor_address.length != 0 && cb->acceptor_address.value == NULL) ||
        (cb->application_data.length != 0 && cb->application_data.value == NULL) ||
        cb->initiator_address.length > UINT32_MAX ||
        cb->acceptor_address.length > UINT32_MAX ||
        cb->application_data.length > UINT32_MAX)
        return signet_fail(minor, GSS_S_CALL_INACCESSIBLE_READ,
                           SIGNET_ERR_BAD_ARGUMENT,
                           "the channel bindings hold a NULL buffer or one "
                           "longer than 4 GiB");
    /* label || for each field: u32 (type or length) || bytes */
    signet_buf_init(&b);
    signet_put_bytes(&b, label, sizeof(label) - 1);
    signet_put_u32(&b, cb->initiator_addrtype);
    signet_put_u32(&b, (uint32_t)cb->initiator_address.length);
    signet_put_bytes(&b, cb->initiator_address.value, cb->initiator_address.length);
    signet_put_u32(&b, cb->acceptor_addrtype);
    signet_put_u32(&b, (uint32_t)cb->acceptor_address.length);
    signet_put_bytes(&b, cb->acceptor_address.value, cb->acceptor_address.length);
    signet_put_u32(&b, (uint32_t)cb->application_data.length);
    signet_put_bytes(&b, cb->application_data.value, cb->application_data.length);
    ok = !b.err && signet_sha256(b.data, b.len, hash) == 0;
    signet_buf_clear(&b);
    if (!ok)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                           "cannot hash the channel bindings");
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
