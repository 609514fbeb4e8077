/*
 * x509.c - X.509 credentials and names: certificates, keys, PKCS#12 files,
 * trust anchors and CRLs loaded into a credential (signet_tls_cred_load),
 * the names of certificates (x509:<DN>) with the opt-in local-account rule
 * (x509_localname, docs/names.md), and checks of a credential's certificate
 * against a host-based name.  Files are read through signet_file_read
 * (never blocks, bounded size) and parsed from memory.
 */
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "x509.h"
#include "crypto.h"

#define CRED_FILE_MAX (16 << 20)

const char *
signet_ossl_reason(void)
{
    unsigned long e = ERR_peek_last_error();
    const char *r = e != 0 ? ERR_reason_error_string(e) : NULL;

    return r != NULL ? r : "unknown TLS error";
}

time_t
signet_x509_time(const ASN1_TIME *t)
{
    struct tm tm;

    if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
        return 0;
    return timegm(&tm);
}

char *
signet_x509_dn(const X509_NAME *xn)
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
void
signet_x509_host_label(X509 *cert, char *out, size_t outlen)
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
char *
signet_x509_cn(X509 *cert)
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
    if (policy == NULL || policy->localname == SIGNET_LOCALNAME_NONE)
        return NULL;
    if (policy->localname_issuers != NULL &&
        !issued_by_one_of(cert, policy->localname_issuers))
        return NULL;
    return policy->localname == SIGNET_LOCALNAME_CN ? signet_x509_cn(cert)
                                             : cert_email_local(cert);
}

OM_uint32
signet_x509_name(OM_uint32 *minor, const struct signet_tls_cred *policy,
               X509 *cert, signet_name **out)
{
    OM_uint32 major;
    char *dn = signet_x509_dn(X509_get_subject_name(cert));

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

/* A file's contents as a read-only memory BIO (the file is read without
 * blocking); free with bio_done.  what names the file in errors. */
struct file_bio {
    BIO *bio;
    char *text;
    size_t len;
};

static OM_uint32
bio_open(OM_uint32 *minor, const char *what, const char *path,
         struct file_bio *fb)
{
    char why[512];

    memset(fb, 0, sizeof(*fb));
    if (signet_file_read(path, CRED_FILE_MAX, 0, &fb->text, &fb->len, why,
                         sizeof(why)) != 0)
        return signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                           "%s: %s", what, why);
    fb->bio = BIO_new_mem_buf(fb->text, (int)fb->len);
    if (fb->bio == NULL) {
        signet_file_free(fb->text, fb->len);
        fb->text = NULL;
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
    }
    return GSS_S_COMPLETE;
}

static void
bio_done(struct file_bio *fb)
{
    BIO_free(fb->bio);
    signet_file_free(fb->text, fb->len);   /* wiped: may hold a key */
    memset(fb, 0, sizeof(*fb));
}

static OM_uint32
load_pkcs12(OM_uint32 *minor, struct signet_tls_cred *tc, const char *path,
            const char *password)
{
    struct file_bio fb;
    PKCS12 *p12 = NULL;
    OM_uint32 major;

    major = bio_open(minor, "PKCS#12 file", path, &fb);
    if (major != GSS_S_COMPLETE)
        return major;
    p12 = d2i_PKCS12_bio(fb.bio, NULL);
    if (p12 == NULL ||
        !PKCS12_parse(p12, password != NULL ? password : "", &tc->key,
                      &tc->cert, &tc->chain))
        major = signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                            "cannot read PKCS#12 file %s: %s", path,
                            signet_ossl_reason());
    PKCS12_free(p12);
    bio_done(&fb);
    return major;
}

static OM_uint32
load_pem_cert(OM_uint32 *minor, struct signet_tls_cred *tc, const char *path)
{
    struct file_bio fb;
    OM_uint32 major;
    X509 *x;

    major = bio_open(minor, "certificate file", path, &fb);
    if (major != GSS_S_COMPLETE)
        return major;
    tc->cert = PEM_read_bio_X509(fb.bio, NULL, NULL, NULL);
    if (tc->cert == NULL) {
        bio_done(&fb);
        return signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                           "no PEM certificate in %s", path);
    }
    tc->chain = sk_X509_new_null();
    while (tc->chain != NULL &&
           (x = PEM_read_bio_X509(fb.bio, NULL, NULL, NULL)) != NULL) {
        if (!sk_X509_push(tc->chain, x))
            X509_free(x);
    }
    ERR_clear_error(); /* the end of the file ends the loop */
    bio_done(&fb);
    return GSS_S_COMPLETE;
}

static OM_uint32
load_pem_key(OM_uint32 *minor, struct signet_tls_cred *tc, const char *path)
{
    struct file_bio fb;
    OM_uint32 major;

    major = bio_open(minor, "private key file", path, &fb);
    if (major != GSS_S_COMPLETE)
        return major;
    tc->key = PEM_read_bio_PrivateKey(fb.bio, NULL, NULL, NULL);
    bio_done(&fb);
    if (tc->key == NULL)
        return signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                           "no usable PEM private key in %s", path);
    return GSS_S_COMPLETE;
}

/* The CRLs of a PEM file and, if with_certs, its certificates (trust
 * anchors: never from a CRL file) into the store; *ncerts and *ncrls
 * count them. */
static OM_uint32
store_add_file(OM_uint32 *minor, X509_STORE *store, const char *what,
               const char *path, int with_certs, int *ncerts, int *ncrls)
{
    STACK_OF(X509_INFO) *infos;
    struct file_bio fb;
    OM_uint32 major;
    int i;

    *ncerts = *ncrls = 0;
    major = bio_open(minor, what, path, &fb);
    if (major != GSS_S_COMPLETE)
        return major;
    infos = PEM_X509_INFO_read_bio(fb.bio, NULL, NULL, NULL);
    for (i = 0; infos != NULL && i < sk_X509_INFO_num(infos); i++) {
        X509_INFO *xi = sk_X509_INFO_value(infos, i);

        if (with_certs && xi->x509 != NULL &&
            X509_STORE_add_cert(store, xi->x509) == 1)
            (*ncerts)++;
        if (xi->crl != NULL && X509_STORE_add_crl(store, xi->crl) == 1)
            (*ncrls)++;
    }
    sk_X509_INFO_pop_free(infos, X509_INFO_free);
    ERR_clear_error();
    bio_done(&fb);
    return GSS_S_COMPLETE;
}

static OM_uint32
load_anchors(OM_uint32 *minor, struct signet_tls_cred *tc,
             const struct signet_settings *s)
{
    OM_uint32 major;
    int ncerts = 0, ncrls = 0;

    if (s->ca_file == NULL && s->ca_dir == NULL)
        return GSS_S_COMPLETE;
    tc->store = X509_STORE_new();
    if (tc->store == NULL)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
    if (s->ca_file != NULL) {
        major = store_add_file(minor, tc->store, "trust anchor file", s->ca_file,
                               1, &ncerts, &ncrls);
        if (major != GSS_S_COMPLETE)
            return major;
        if (ncerts == 0)
            return signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                               "cannot load trust anchors from %s: no PEM "
                               "certificate", s->ca_file);
    }
    if (s->ca_dir != NULL && !X509_STORE_load_path(tc->store, s->ca_dir))
        return signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_LOAD,
                           "cannot use trust anchor directory %s: %s",
                           s->ca_dir, signet_ossl_reason());
    if (s->crl_file == NULL)
        return GSS_S_COMPLETE;
    major = store_add_file(minor, tc->store, "CRL file", s->crl_file, 0,
                           &ncerts, &ncrls);
    if (major != GSS_S_COMPLETE)
        return major;
    if (ncrls == 0)
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
    if (signet_file_read(path, CRED_FILE_MAX, 0, &text, &len, why, sizeof(why)) != 0)
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

    tc->localname = strcmp(rule, "cn") == 0 ? SIGNET_LOCALNAME_CN :
                    strcmp(rule, "email") == 0 ? SIGNET_LOCALNAME_EMAIL : SIGNET_LOCALNAME_NONE;
    if (s->x509_localname_issuer == NULL)
        return GSS_S_COMPLETE;
    return load_cert_list(minor, s->x509_localname_issuer, &tc->localname_issuers);
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
        cred->cert_expiry = signet_x509_time(X509_get0_notAfter(tc->cert));
        if (cred->name == NULL) {
            major = signet_x509_name(minor, NULL, tc->cert, &cred->name);
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
    cred->tls = tc;     /* tls.c adds its SSL_CTXs (signet_tls_cred_ready) */
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
    if (X509_check_host(cred->tls->cert, name->host, 0, SIGNET_HOST_CHECK_FLAGS, NULL) == 1 ||
        X509_check_ip_asc(cred->tls->cert, name->host, 0) == 1)
        return GSS_S_COMPLETE;
    signet_x509_host_label(cred->tls->cert, label, sizeof(label));
    return signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_NAME_MISMATCH,
                       "certificate for host %s does not match the acceptor name %s@%s",
                       label, name->value, name->host);
}

