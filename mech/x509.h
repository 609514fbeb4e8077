/*
 * x509.h - X.509 credentials and names, shared by the two files of the core
 * that use OpenSSL's libssl and X.509 (x509.c, tls.c) and by reval.c.  The
 * rest of the core sees them only through tls.h.
 */
#ifndef SIGNET_X509_H
#define SIGNET_X509_H

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "tls.h"

/* How a peer certificate suggests a local account (x509_localname). */
enum signet_localname_rule {
    SIGNET_LOCALNAME_NONE,
    SIGNET_LOCALNAME_CN,
    SIGNET_LOCALNAME_EMAIL
};

/* A credential's OpenSSL objects (signet_cred->tls). */
struct signet_tls_cred {
    X509 *cert;
    EVP_PKEY *key;
    STACK_OF(X509) *chain;
    X509_STORE *store;
    SSL_CTX *client;
    SSL_CTX *server;
    enum signet_localname_rule localname;  /* for peers' certificates */
    STACK_OF(X509) *localname_issuers;     /* NULL: any trusted issuer */
};

/* Host-name checks as RFC 6125: subjectAltName only, whole-label
 * wildcards only. */
#define SIGNET_HOST_CHECK_FLAGS (X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | \
                                 X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS)

/* The text of the newest OpenSSL error, for messages. */
const char *signet_ossl_reason(void);
time_t signet_x509_time(const ASN1_TIME *t);
/* RFC 2253 form of a name, malloc'ed, or NULL. */
char *signet_x509_dn(const X509_NAME *xn);
/* First dNSName SAN, else CN, of a certificate (for messages). */
void signet_x509_host_label(X509 *cert, char *out, size_t outlen);
/* The subject's first common name as UTF-8 without NUL bytes, or NULL. */
char *signet_x509_cn(X509 *cert);
/* The x509:<DN> name of a certificate, with the local account that
 * policy's x509_localname rule gives it (policy may be NULL: none). */
OM_uint32 signet_x509_name(OM_uint32 *minor, const struct signet_tls_cred *policy,
                           X509 *cert, signet_name **out);

#endif /* SIGNET_X509_H */
