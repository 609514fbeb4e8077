/*
 * bench_raw.c - the OpenSSL primitives under Signet, called directly: the
 * floor Signet's per-message calls and context establishment are compared
 * against.
 *
 *   bench_raw [--sizes L] [--seconds S] [--reps R] mac
 *       AES-256-GMAC and HMAC-SHA256/384/512 over 32 B, 1 KiB, 64 KiB, set
 *       up as mech/crypto.c does: the key schedule (GCM) or the keyed HMAC
 *       state is made once; each call only restarts the context (a new
 *       nonce for GMAC), feeds the message and takes the tag.  "verify" is
 *       the same plus a constant-time comparison with the expected tag.
 *   bench_raw [--seconds S] [--reps R] tls CREDS
 *       TLS 1.3 handshakes between two SSL objects in this process over a
 *       BIO pair, configured as mech/tls.c does (TLS 1.3 only, Signet's
 *       cipher suites, no tickets, no session cache), followed on each end
 *       by the 64-byte keying-material export Signet does.
 *   bench_raw heap
 *       heap bytes of one keyed context of each algorithm (what a Signet
 *       key costs at the least, before any pooling).
 *   bench_raw cg-mac ALG SIZE N        N MACs through bench_cg_raw_mac
 *   bench_raw cg-tls CREDS N           N handshakes through bench_cg_tls
 *
 * CREDS: --ca F --server-cert F --server-key F --client-cert F --client-key F
 *        (ECDSA certificates, mutual authentication, the client checks the
 *        server's name "localhost"), or --psk-file F (first "identity hex"
 *        line, external PSK on TLS_AES_256_GCM_SHA384 with psk_dhe_ke, i.e.
 *        an X25519 exchange as well).
 *
 * Output lines as bench_mic: "kind key=value ...".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "bench.h"

#define MAX_SIZES 8
#define CIPHERSUITES \
    "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"
#define EXPORTER_LABEL "EXPORTER-signet message keys"

struct options {
    unsigned long sizes[MAX_SIZES];
    int nsizes;
    double seconds;
    int reps;
    const char *ca, *server_cert, *server_key, *client_cert, *client_key;
    const char *psk_file;
};

/* ---- MACs -------------------------------------------------------------------- */

enum mac_alg { MAC_GMAC, MAC_SHA256, MAC_SHA384, MAC_SHA512, MAC_COUNT };

static const struct {
    const char *name;
    const char *digest;         /* NULL: AES-256-GMAC */
    size_t keylen, taglen;
} mac_algs[MAC_COUNT] = {
    [MAC_GMAC]   = { "aes256-gmac", NULL, 32, 16 },
    [MAC_SHA256] = { "hmac-sha256", "SHA256", 32, 16 },
    [MAC_SHA384] = { "hmac-sha384", "SHA384", 48, 24 },
    [MAC_SHA512] = { "hmac-sha512", "SHA512", 64, 32 },
};

struct mac {
    enum mac_alg alg;
    EVP_CIPHER_CTX *gcm;
    EVP_MAC_CTX *hmac;
    uint8_t nonce[12];
    uint64_t counter;
};

static int
mac_open(struct mac *m, enum mac_alg alg)
{
    uint8_t key[64];
    OSSL_PARAM params[2];
    EVP_CIPHER *cipher = NULL;
    EVP_MAC *mac = NULL;
    size_t i;
    int ok = 0;

    memset(m, 0, sizeof(*m));
    m->alg = alg;
    for (i = 0; i < sizeof(key); i++)
        key[i] = (uint8_t)(i * 7 + 1);
    if (mac_algs[alg].digest == NULL) {
        cipher = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
        m->gcm = EVP_CIPHER_CTX_new();
        ok = cipher != NULL && m->gcm != NULL &&
             EVP_EncryptInit_ex2(m->gcm, cipher, key, NULL, NULL) == 1;
    } else {
        mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
        m->hmac = mac != NULL ? EVP_MAC_CTX_new(mac) : NULL;
        params[0] = OSSL_PARAM_construct_utf8_string(
            OSSL_MAC_PARAM_DIGEST, (char *)mac_algs[alg].digest, 0);
        params[1] = OSSL_PARAM_construct_end();
        ok = m->hmac != NULL &&
             EVP_MAC_init(m->hmac, key, mac_algs[alg].keylen, params) == 1;
    }
    EVP_CIPHER_free(cipher);
    EVP_MAC_free(mac);
    return ok ? 0 : bench_fail("cannot set up %s", mac_algs[alg].name);
}

static void
mac_close(struct mac *m)
{
    EVP_CIPHER_CTX_free(m->gcm);
    EVP_MAC_CTX_free(m->hmac);
    memset(m, 0, sizeof(*m));
}

/* One MAC of msg into tag (mac_algs[].taglen bytes; 64 bytes of room). */
static int
mac_compute(struct mac *m, const uint8_t *msg, size_t len, uint8_t *tag)
{
    OSSL_PARAM params[2];
    uint8_t full[64];
    size_t outl;
    int l;

    if (m->gcm != NULL) {
        m->counter++;
        memcpy(m->nonce + 4, &m->counter, 8);
        params[0] = OSSL_PARAM_construct_octet_string(
            OSSL_CIPHER_PARAM_AEAD_TAG, tag, 16);
        params[1] = OSSL_PARAM_construct_end();
        if (EVP_EncryptInit_ex2(m->gcm, NULL, NULL, m->nonce, NULL) != 1 ||
            (len > 0 && EVP_EncryptUpdate(m->gcm, NULL, &l, msg,
                                          (int)len) != 1) ||
            EVP_EncryptFinal_ex(m->gcm, full, &l) != 1 ||
            EVP_CIPHER_CTX_get_params(m->gcm, params) != 1)
            return -1;
        return 0;
    }
    if (EVP_MAC_init(m->hmac, NULL, 0, NULL) != 1 ||
        EVP_MAC_update(m->hmac, msg, len) != 1 ||
        EVP_MAC_final(m->hmac, full, &outl, sizeof(full)) != 1)
        return -1;
    memcpy(tag, full, mac_algs[m->alg].taglen);
    return 0;
}

/* Recomputes and compares in constant time, as a receiver does.  For GMAC
 * the nonce is the sender's; the benchmark reuses the counter (the cost is
 * the same). */
static int
mac_verify(struct mac *m, const uint8_t *msg, size_t len, const uint8_t *tag)
{
    uint8_t t[64];

    if (m->gcm != NULL)
        m->counter--;       /* the sender's nonce again */
    if (mac_compute(m, msg, len, t) != 0)
        return -1;
    return CRYPTO_memcmp(t, tag, mac_algs[m->alg].taglen) == 0 ? 0 : -1;
}

/* bench_mic_ops over raw MACs: a token is the tag itself. */
static int
raw_sign(void *sender, unsigned qop, const void *msg, size_t len, void **tok,
         size_t *toklen)
{
    struct mac *m = sender;
    uint8_t *t = malloc(64);

    (void)qop;
    if (t == NULL || mac_compute(m, msg, len, t) != 0) {
        free(t);
        return -1;
    }
    *tok = t;
    *toklen = mac_algs[m->alg].taglen;
    return 0;
}

static int
raw_check(void *receiver, const void *msg, size_t len, const void *tok,
          size_t toklen)
{
    struct mac *m = receiver;
    uint8_t t[64];

    (void)toklen;
    /* The receiver has its own context; GMAC nonces follow the sender's
     * sequence, so the receiver counts in step. */
    if (mac_compute(m, msg, len, t) != 0)
        return -1;
    return CRYPTO_memcmp(t, tok, mac_algs[m->alg].taglen) == 0 ? 0 : -1;
}

static void
raw_free(void *tok, size_t toklen)
{
    (void)toklen;
    free(tok);
}

static int
mode_mac(const struct options *o)
{
    struct mac snd, rcv;
    struct bench_mic_ops ops = { &snd, &rcv, raw_sign, raw_check, raw_free };
    double sign_ns, verify_ns;
    size_t toklen;
    int a, z;

    for (a = 0; a < MAC_COUNT; a++) {
        if (mac_open(&snd, (enum mac_alg)a) != 0 ||
            mac_open(&rcv, (enum mac_alg)a) != 0)
            return -1;
        for (z = 0; z < o->nsizes; z++) {
            size_t len = o->sizes[z];

            if (bench_measure_mic(&ops, 0, len, o->seconds, o->reps, &sign_ns,
                                  &verify_ns, &toklen) != 0)
                return bench_fail("%s over %zu bytes failed", mac_algs[a].name,
                                  len);
            printf("raw alg=%s size=%zu op=get ns=%.1f mbps=%.1f\n",
                   mac_algs[a].name, len, sign_ns, (double)len * 1e3 / sign_ns);
            printf("raw alg=%s size=%zu op=verify ns=%.1f mbps=%.1f\n",
                   mac_algs[a].name, len, verify_ns,
                   (double)len * 1e3 / verify_ns);
            fflush(stdout);
        }
        mac_close(&snd);
        mac_close(&rcv);
    }
    return 0;
}

/* Heap of one keyed context of each algorithm, as mech/crypto.c keeps them
 * (a key schedule or keyed HMAC state ready for use). */
static int
mode_heap(void)
{
    enum { N = 1000 };
    static struct mac m[N];
    size_t h0, h1, i;
    int a;

    for (a = 0; a < MAC_COUNT; a++) {
        if (mac_open(&m[0], (enum mac_alg)a) != 0)   /* warm-up: fetches */
            return -1;
        mac_close(&m[0]);
        h0 = bench_heap_in_use();
        for (i = 0; i < N; i++) {
            if (mac_open(&m[i], (enum mac_alg)a) != 0)
                return -1;
        }
        h1 = bench_heap_in_use();
        for (i = 0; i < N; i++)
            mac_close(&m[i]);
        printf("rawheap alg=%s bytes=%.0f\n", mac_algs[a].name,
               ((double)h1 - (double)h0) / N);
    }
    return 0;
}

/* ---- TLS 1.3 ----------------------------------------------------------------- */

struct tls_setup {
    SSL_CTX *client;
    SSL_CTX *server;
    int psk;
    char identity[128];
    uint8_t key[64];
    size_t keylen;
};

static struct tls_setup *the_tls;   /* for the PSK callbacks */

static SSL_SESSION *
psk_session(SSL *ssl)
{
    static const unsigned char id[2] = { 0x13, 0x02 };  /* AES-256-GCM-SHA384 */
    const SSL_CIPHER *cipher = SSL_CIPHER_find(ssl, id);
    SSL_SESSION *sess = SSL_SESSION_new();

    if (sess == NULL || cipher == NULL ||
        !SSL_SESSION_set1_master_key(sess, the_tls->key, the_tls->keylen) ||
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
    (void)md;
    *sess = psk_session(ssl);
    if (*sess == NULL)
        return 0;
    *id = (const unsigned char *)the_tls->identity;
    *idlen = strlen(the_tls->identity);
    return 1;
}

static int
psk_find_cb(SSL *ssl, const unsigned char *id, size_t idlen,
            SSL_SESSION **sess)
{
    *sess = NULL;
    if (idlen != strlen(the_tls->identity) ||
        memcmp(id, the_tls->identity, idlen) != 0)
        return 0;
    *sess = psk_session(ssl);
    return *sess != NULL;
}

static int
read_psk(struct tls_setup *t, const char *path)
{
    char line[512], hex[200];
    FILE *f = fopen(path, "r");
    size_t i, n;

    if (f == NULL)
        return bench_fail("cannot open %s", path);
    while (fgets(line, sizeof(line), f) != NULL) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (sscanf(line, "%127s %199s", t->identity, hex) == 2)
            break;
        t->identity[0] = '\0';
    }
    fclose(f);
    n = strlen(hex) / 2;
    if (t->identity[0] == '\0' || n < 16 || n > sizeof(t->key))
        return bench_fail("%s: no \"identity hexkey\" line", path);
    for (i = 0; i < n; i++) {
        unsigned v;

        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return bench_fail("%s: bad hex key", path);
        t->key[i] = (uint8_t)v;
    }
    t->keylen = n;
    return 0;
}

static SSL_CTX *
make_ctx(int server, const char *cert, const char *key, X509_STORE *store)
{
    SSL_CTX *c = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());

    if (c == NULL ||
        !SSL_CTX_set_min_proto_version(c, TLS1_3_VERSION) ||
        !SSL_CTX_set_max_proto_version(c, TLS1_3_VERSION) ||
        !SSL_CTX_set_ciphersuites(c, CIPHERSUITES))
        goto fail;
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(c, SSL_OP_NO_TICKET);
    if (server)
        SSL_CTX_set_num_tickets(c, 0);
    if (cert != NULL &&
        (SSL_CTX_use_certificate_chain_file(c, cert) != 1 ||
         SSL_CTX_use_PrivateKey_file(c, key, SSL_FILETYPE_PEM) != 1))
        goto fail;
    if (store != NULL) {
        if (!SSL_CTX_set1_verify_cert_store(c, store))
            goto fail;
        SSL_CTX_set_verify(c, SSL_VERIFY_PEER |
                           (server ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), NULL);
    }
    return c;
fail:
    SSL_CTX_free(c);
    return NULL;
}

static int
tls_open(struct tls_setup *t, const struct options *o)
{
    X509_STORE *store = NULL;
    int r = -1;

    memset(t, 0, sizeof(*t));
    the_tls = t;
    if (o->psk_file != NULL) {
        t->psk = 1;
        if (read_psk(t, o->psk_file) != 0)
            return -1;
        t->client = make_ctx(0, NULL, NULL, NULL);
        t->server = make_ctx(1, NULL, NULL, NULL);
        if (t->client == NULL || t->server == NULL)
            goto done;
        SSL_CTX_set_psk_use_session_callback(t->client, psk_use_cb);
        SSL_CTX_set_psk_find_session_callback(t->server, psk_find_cb);
        r = 0;
        goto done;
    }
    if (o->ca == NULL || o->server_cert == NULL || o->server_key == NULL ||
        o->client_cert == NULL || o->client_key == NULL)
        return bench_fail("tls: give --psk-file or all five certificate files");
    store = X509_STORE_new();
    if (store == NULL || !X509_STORE_load_file(store, o->ca))
        goto done;
    t->client = make_ctx(0, o->client_cert, o->client_key, store);
    t->server = make_ctx(1, o->server_cert, o->server_key, store);
    if (t->client != NULL && t->server != NULL)
        r = 0;
done:
    X509_STORE_free(store);
    if (r != 0) {
        ERR_print_errors_fp(stderr);
        bench_fail("cannot set up the TLS contexts");
    }
    return r;
}

static void
tls_close(struct tls_setup *t)
{
    SSL_CTX_free(t->client);
    SSL_CTX_free(t->server);
}

/* One full handshake plus exporter on both ends; bytes: wire bytes. */
static int
handshake(struct tls_setup *t, size_t *bytes)
{
    SSL *c = SSL_new(t->client), *s = SSL_new(t->server);
    BIO *bc = NULL, *bs = NULL;
    uint8_t k1[64], k2[64];
    int cdone = 0, sdone = 0, i, r, ok = 0;

    if (c == NULL || s == NULL || !BIO_new_bio_pair(&bc, 0, &bs, 0))
        goto done;
    SSL_set_bio(c, bc, bc);
    SSL_set_bio(s, bs, bs);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    if (!t->psk && (!SSL_set1_host(c, "localhost") ||
                    !SSL_set_tlsext_host_name(c, "localhost")))
        goto done;
    for (i = 0; i < 10 && !(cdone && sdone); i++) {
        if (!cdone) {
            r = SSL_do_handshake(c);
            if (r == 1)
                cdone = 1;
            else if (SSL_get_error(c, r) != SSL_ERROR_WANT_READ)
                goto done;
        }
        if (!sdone) {
            r = SSL_do_handshake(s);
            if (r == 1)
                sdone = 1;
            else if (SSL_get_error(s, r) != SSL_ERROR_WANT_READ)
                goto done;
        }
    }
    if (!cdone || !sdone ||
        SSL_export_keying_material(c, k1, sizeof(k1), EXPORTER_LABEL,
                                   strlen(EXPORTER_LABEL), NULL, 0, 0) != 1 ||
        SSL_export_keying_material(s, k2, sizeof(k2), EXPORTER_LABEL,
                                   strlen(EXPORTER_LABEL), NULL, 0, 0) != 1 ||
        memcmp(k1, k2, sizeof(k1)) != 0 ||
        (t->psk && (!SSL_session_reused(c) || !SSL_session_reused(s))))
        goto done;
    if (bytes != NULL)
        *bytes = BIO_number_written(bc) + BIO_number_written(bs);
    ok = 1;
done:
    if (!ok) {
        ERR_print_errors_fp(stderr);
        bench_fail("TLS handshake failed");
    }
    SSL_free(c);        /* frees bc */
    SSL_free(s);        /* frees bs */
    OPENSSL_cleanse(k1, sizeof(k1));
    OPENSSL_cleanse(k2, sizeof(k2));
    return ok ? 0 : -1;
}

static int
tls_run(void *arg, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (handshake(arg, NULL) != 0)
            return -1;
    }
    return 0;
}

static int
mode_tls(const struct options *o)
{
    struct tls_setup t;
    struct bench_cell cell = { NULL, tls_run, NULL, &t };
    double ns;
    size_t bytes = 0, batch;
    int r = -1;

    if (tls_open(&t, o) == 0 && handshake(&t, &bytes) == 0 &&
        bench_measure(&cell, o->seconds, o->reps, &ns, &batch) == 0) {
        printf("tls label=%s ms=%.4f per_s=%.1f bytes=%zu batch=%zu\n",
               t.psk ? "psk" : "cert", ns / 1e6, 1e9 / ns, bytes, batch);
        r = 0;
    }
    tls_close(&t);
    return r;
}

/* ---- callgrind modes --------------------------------------------------------- */

__attribute__((noinline)) int bench_cg_raw_mac(struct mac *m, const uint8_t *msg,
                                               size_t len, uint8_t *tag);
__attribute__((noinline)) int bench_cg_tls(struct tls_setup *t);

int
bench_cg_raw_mac(struct mac *m, const uint8_t *msg, size_t len, uint8_t *tag)
{
    return mac_compute(m, msg, len, tag);
}

int
bench_cg_tls(struct tls_setup *t)
{
    return handshake(t, NULL);
}

static int
mode_cg_mac(const char *alg, size_t len, size_t n)
{
    struct mac m;
    uint8_t *msg = calloc(1, len ? len : 1), tag[64];
    size_t i;
    int a, r = -1;

    for (a = 0; a < MAC_COUNT && strcmp(alg, mac_algs[a].name) != 0; a++)
        ;
    if (a == MAC_COUNT || msg == NULL || mac_open(&m, (enum mac_alg)a) != 0) {
        free(msg);
        return bench_fail("unknown MAC %s", alg);
    }
    for (i = 0; i < 100; i++) {         /* warm-up, not counted */
        if (mac_compute(&m, msg, len, tag) != 0 ||
            mac_verify(&m, msg, len, tag) != 0)
            goto done;
    }
    for (i = 0; i < n; i++) {
        if (bench_cg_raw_mac(&m, msg, len, tag) != 0)
            goto done;
    }
    printf("cg label=raw-%s op=get size=%zu calls=%zu\n", alg, len, n);
    r = 0;
done:
    mac_close(&m);
    free(msg);
    return r;
}

static int
mode_cg_tls(const struct options *o, size_t n)
{
    struct tls_setup t;
    size_t i;
    int r = -1;

    if (tls_open(&t, o) != 0)
        goto done;
    for (i = 0; i < 3; i++) {           /* warm-up, not counted */
        if (handshake(&t, NULL) != 0)
            goto done;
    }
    for (i = 0; i < n; i++) {
        if (bench_cg_tls(&t) != 0)
            goto done;
    }
    printf("cg label=tls-%s op=establish calls=%zu\n", t.psk ? "psk" : "cert",
           n);
    r = 0;
done:
    tls_close(&t);
    return r;
}

/* ---- main -------------------------------------------------------------------- */

static int
usage(void)
{
    fprintf(stderr,
            "usage: bench_raw [--sizes L] [--seconds S] [--reps R] mac\n"
            "       bench_raw [--seconds S] [--reps R] tls CREDS\n"
            "       bench_raw heap\n"
            "       bench_raw cg-mac ALG SIZE N | cg-tls CREDS N\n"
            "CREDS: --ca F --server-cert F --server-key F --client-cert F "
            "--client-key F | --psk-file F\n");
    return 2;
}

int
main(int argc, char **argv)
{
    struct options o;
    const char *mode = NULL;
    const char *pos[4];
    int i, npos = 0, r;

    memset(&o, 0, sizeof(o));
    o.seconds = 0.4;
    o.reps = 5;
    o.nsizes = bench_parse_list("32,1024,65536", o.sizes, MAX_SIZES);
    for (i = 1; i < argc; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

        if (strncmp(opt, "--", 2) != 0) {
            if (mode == NULL)
                mode = opt;
            else if (npos < 4)
                pos[npos++] = opt;
            else
                return usage();
            continue;
        }
        if (val == NULL)
            return usage();
        i++;
        if (strcmp(opt, "--sizes") == 0)
            o.nsizes = bench_parse_list(val, o.sizes, MAX_SIZES);
        else if (strcmp(opt, "--seconds") == 0)
            o.seconds = atof(val);
        else if (strcmp(opt, "--reps") == 0)
            o.reps = atoi(val);
        else if (strcmp(opt, "--ca") == 0)
            o.ca = val;
        else if (strcmp(opt, "--server-cert") == 0)
            o.server_cert = val;
        else if (strcmp(opt, "--server-key") == 0)
            o.server_key = val;
        else if (strcmp(opt, "--client-cert") == 0)
            o.client_cert = val;
        else if (strcmp(opt, "--client-key") == 0)
            o.client_key = val;
        else if (strcmp(opt, "--psk-file") == 0)
            o.psk_file = val;
        else
            return usage();
    }
    if (mode == NULL || o.nsizes <= 0 || o.seconds <= 0)
        return usage();
    if (strcmp(mode, "mac") == 0 && npos == 0)
        r = mode_mac(&o);
    else if (strcmp(mode, "heap") == 0 && npos == 0)
        r = mode_heap();
    else if (strcmp(mode, "tls") == 0 && npos == 0)
        r = mode_tls(&o);
    else if (strcmp(mode, "cg-mac") == 0 && npos == 3)
        r = mode_cg_mac(pos[0], strtoul(pos[1], NULL, 10),
                        strtoul(pos[2], NULL, 10));
    else if (strcmp(mode, "cg-tls") == 0 && npos == 1)
        r = mode_cg_tls(&o, strtoul(pos[0], NULL, 10));
    else
        r = usage();
    return r == 0 ? 0 : 1;
}
