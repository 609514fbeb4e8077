/*
 * crypto.c - every OpenSSL libcrypto primitive the Signet core uses: keyed
 * HMAC and AES-GMAC/GCM contexts prepared once per key, HKDF and KBKDF key
 * derivation, random bytes, constant-time comparison and wiping.
 *
 * A signet_mac_key keeps a keyed template context (never used directly,
 * only copied) and SIGNET_MAC_POOL ready contexts, each claimed by one
 * thread at a time through an atomic flag.  A MAC operation re-initialises
 * a claimed context with the nonce only (the key schedule and the HMAC
 * inner/outer states are kept), so no call re-keys, allocates or locks in
 * the common case; when every pooled context is busy the thread copies the
 * template instead.
 */
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "crypto.h"

#define SIGNET_MAC_POOL 4
/* Largest piece handed to one EVP call (their lengths are int). */
#define SIGNET_EVP_CHUNK ((size_t)1 << 30)

struct signet_mac_key {
    unsigned alg;
    size_t maclen;
    int is_cipher;                  /* GMAC/GCM: EVP_CIPHER_CTX, else EVP_MAC_CTX */
    void *tmpl;                     /* keyed template, read-only once made */
    void *pool[SIGNET_MAC_POOL];
    atomic_flag busy[SIGNET_MAC_POOL];
};

int
signet_alg_valid(unsigned alg)
{
    return alg >= SIGNET_ALG_HMAC_SHA256 && alg <= SIGNET_ALG_AES256_GMAC;
}

size_t
signet_alg_mac_len(unsigned alg)
{
    switch (alg) {
    case SIGNET_ALG_HMAC_SHA256: return 16;
    case SIGNET_ALG_HMAC_SHA384: return 24;
    case SIGNET_ALG_HMAC_SHA512: return 32;
    case SIGNET_ALG_AES256_GMAC: return 16;
    case SIGNET_ALG_AES256_GCM:  return SIGNET_GCM_TAG_LEN;
    default: return 0;
    }
}

size_t
signet_alg_key_len(unsigned alg)
{
    switch (alg) {
    case SIGNET_ALG_HMAC_SHA256: return 32;
    case SIGNET_ALG_HMAC_SHA384: return 48;
    case SIGNET_ALG_HMAC_SHA512: return 64;
    case SIGNET_ALG_AES256_GMAC: return 32;
    case SIGNET_ALG_AES256_GCM:  return 32;
    default: return 0;
    }
}

const char *
signet_alg_name(unsigned alg)
{
    switch (alg) {
    case SIGNET_ALG_HMAC_SHA256: return "hmac-sha256";
    case SIGNET_ALG_HMAC_SHA384: return "hmac-sha384";
    case SIGNET_ALG_HMAC_SHA512: return "hmac-sha512";
    case SIGNET_ALG_AES256_GMAC: return "aes256-gmac";
    case SIGNET_ALG_AES256_GCM:  return "aes256-gcm";
    default: return "?";
    }
}

static const char *
hmac_digest(unsigned alg)
{
    switch (alg) {
    case SIGNET_ALG_HMAC_SHA256: return "SHA256";
    case SIGNET_ALG_HMAC_SHA384: return "SHA384";
    case SIGNET_ALG_HMAC_SHA512: return "SHA512";
    default: return NULL;
    }
}

/* ---- small helpers ------------------------------------------------------ */

int
signet_random(void *buf, size_t len)
{
    if (len > INT_MAX)
        return -1;
    return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

int
signet_memcmp_ct(const void *a, const void *b, size_t len)
{
    return CRYPTO_memcmp(a, b, len) != 0;
}

void
signet_wipe(void *p, size_t len)
{
    if (p != NULL && len != 0)
        OPENSSL_cleanse(p, len);
}

/* ---- key derivation ----------------------------------------------------- */

int
signet_hkdf(const uint8_t *salt, size_t saltlen, const uint8_t *ikm,
            size_t ikmlen, const void *info, size_t infolen, uint8_t *out,
            size_t outlen)
{
    EVP_KDF *kdf = NULL;
    EVP_KDF_CTX *kctx = NULL;
    OSSL_PARAM params[5], *p = params;
    int ret = -1;

    kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_HKDF, NULL);
    if (kdf == NULL)
        goto done;
    kctx = EVP_KDF_CTX_new(kdf);
    if (kctx == NULL)
        goto done;
    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                            (char *)"SHA384", 0);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                             (void *)ikm, ikmlen);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
                                             (void *)salt, saltlen);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
                                             (void *)info, infolen);
    *p = OSSL_PARAM_construct_end();
    if (EVP_KDF_derive(kctx, out, outlen, params) == 1)
        ret = 0;
done:
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
    if (ret != 0)
        signet_wipe(out, outlen);
    return ret;
}

int
signet_kbkdf(const uint8_t *key, size_t keylen, const char *label,
             const void *context, size_t contextlen, uint8_t *out,
             size_t outlen)
{
    EVP_KDF *kdf = NULL;
    EVP_KDF_CTX *kctx = NULL;
    OSSL_PARAM params[9], *p = params;
    int use_l = 0, use_sep = 1;
    static const uint8_t empty[1];
    int ret = -1;

    kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_KBKDF, NULL);
    if (kdf == NULL)
        goto done;
    kctx = EVP_KDF_CTX_new(kdf);
    if (kctx == NULL)
        goto done;
    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE,
                                            (char *)"COUNTER", 0);
    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MAC,
                                            (char *)"HMAC", 0);
    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                            (char *)"SHA256", 0);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                             (void *)key, keylen);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
                                             (void *)label, strlen(label));
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
                                             contextlen != 0 ? (void *)context
                                                             : (void *)empty,
                                             contextlen);
    *p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_KBKDF_USE_L, &use_l);
    *p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_KBKDF_USE_SEPARATOR,
                                    &use_sep);
    *p = OSSL_PARAM_construct_end();
    if (EVP_KDF_derive(kctx, out, outlen, params) == 1)
        ret = 0;
done:
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
    if (ret != 0)
        signet_wipe(out, outlen);
    return ret;
}

/* ---- keyed contexts ----------------------------------------------------- */

static void
ctx_free(const signet_mac_key *k, void *c)
{
    if (c == NULL)
        return;
    if (k->is_cipher)
        EVP_CIPHER_CTX_free(c);
    else
        EVP_MAC_CTX_free(c);
}

/* A copy of the template, or NULL. */
static void *
ctx_copy(const signet_mac_key *k)
{
    EVP_CIPHER_CTX *c;

    if (!k->is_cipher)
        return EVP_MAC_CTX_dup(k->tmpl);
    c = EVP_CIPHER_CTX_new();
    if (c != NULL && EVP_CIPHER_CTX_copy(c, k->tmpl) != 1) {
        EVP_CIPHER_CTX_free(c);
        c = NULL;
    }
    return c;
}

signet_mac_key *
signet_mac_key_new(unsigned alg, const uint8_t *key, size_t keylen)
{
    signet_mac_key *k = NULL;
    EVP_MAC *mac = NULL;
    EVP_CIPHER *cipher = NULL;
    OSSL_PARAM params[2];
    const char *digest;
    int i, ok = 0;

    if (keylen != signet_alg_key_len(alg) || keylen == 0)
        return NULL;
    k = calloc(1, sizeof(*k));
    if (k == NULL)
        return NULL;
    k->alg = alg;
    k->maclen = signet_alg_mac_len(alg);
    for (i = 0; i < SIGNET_MAC_POOL; i++)
        atomic_flag_clear(&k->busy[i]);
    if (alg == SIGNET_ALG_AES256_GMAC || alg == SIGNET_ALG_AES256_GCM) {
        k->is_cipher = 1;
        cipher = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
        k->tmpl = EVP_CIPHER_CTX_new();
        if (cipher == NULL || k->tmpl == NULL ||
            EVP_EncryptInit_ex2(k->tmpl, cipher, key, NULL, NULL) != 1)
            goto done;
    } else {
        digest = hmac_digest(alg);
        mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
        if (mac == NULL || digest == NULL)
            goto done;
        k->tmpl = EVP_MAC_CTX_new(mac);
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                     (char *)digest, 0);
        params[1] = OSSL_PARAM_construct_end();
        if (k->tmpl == NULL || EVP_MAC_init(k->tmpl, key, keylen, params) != 1)
            goto done;
    }
    for (i = 0; i < SIGNET_MAC_POOL; i++) {
        k->pool[i] = ctx_copy(k);
        if (k->pool[i] == NULL)
            goto done;
    }
    ok = 1;
done:
    EVP_MAC_free(mac);
    EVP_CIPHER_free(cipher);
    if (!ok)
        signet_mac_key_free(&k);
    return k;
}

void
signet_mac_key_free(signet_mac_key **kp)
{
    signet_mac_key *k;
    int i;

    if (kp == NULL || *kp == NULL)
        return;
    k = *kp;
    /* The OpenSSL free functions cleanse the key schedules they hold. */
    for (i = 0; i < SIGNET_MAC_POOL; i++)
        ctx_free(k, k->pool[i]);
    ctx_free(k, k->tmpl);
    OPENSSL_cleanse(k, sizeof(*k));
    free(k);
    *kp = NULL;
}

/* Claims a pooled context or makes a private copy; returns it or NULL. */
static void *
claim(signet_mac_key *k, int *slot)
{
    int i;

    for (i = 0; i < SIGNET_MAC_POOL; i++) {
        if (!atomic_flag_test_and_set_explicit(&k->busy[i],
                                               memory_order_acquire)) {
            *slot = i;
            return k->pool[i];
        }
    }
    *slot = -1;
    return ctx_copy(k);
}

static void
release(signet_mac_key *k, void *c, int slot)
{
    if (c == NULL)
        return;
    if (slot >= 0)
        atomic_flag_clear_explicit(&k->busy[slot], memory_order_release);
    else
        ctx_free(k, c);
}

/* (Re)starts an AES-GCM context with nonce for encryption (enc 1) or
 * decryption (enc 0); the key schedule is kept. */
static int
gcm_restart(EVP_CIPHER_CTX *c, const uint8_t *nonce, int enc)
{
    if (enc)
        return EVP_EncryptInit_ex2(c, NULL, NULL, nonce, NULL) == 1 ? 0 : -1;
    return EVP_DecryptInit_ex2(c, NULL, NULL, nonce, NULL) == 1 ? 0 : -1;
}

static int
gcm_aad(EVP_CIPHER_CTX *c, const uint8_t *p, size_t len)
{
    int outl;
    size_t n;

    while (len > 0) {
        n = len < SIGNET_EVP_CHUNK ? len : SIGNET_EVP_CHUNK;
        if (EVP_CipherUpdate(c, NULL, &outl, p, (int)n) != 1)
            return -1;
        p += n;
        len -= n;
    }
    return 0;
}

static int
gcm_get_tag(EVP_CIPHER_CTX *c, uint8_t *tag)
{
    OSSL_PARAM params[2];

    params[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
                                                  tag, SIGNET_GCM_TAG_LEN);
    params[1] = OSSL_PARAM_construct_end();
    return EVP_CIPHER_CTX_get_params(c, params) == 1 ? 0 : -1;
}

int
signet_mac_begin(signet_mac_op *op, signet_mac_key *k, const uint8_t *nonce)
{
    op->key = k;
    op->err = 0;
    op->npend = 0;
    op->ctx = claim(k, &op->slot);
    if (op->ctx == NULL) {
        op->err = 1;
        return -1;
    }
    if (k->is_cipher) {
        if (gcm_restart(op->ctx, nonce, 1) != 0)
            op->err = 1;
    } else {
        if (EVP_MAC_init(op->ctx, NULL, 0, NULL) != 1)
            op->err = 1;
    }
    return op->err ? -1 : 0;
}

static void
mac_feed(signet_mac_op *op, const void *data, size_t len)
{
    if (op->err || len == 0)
        return;
    if (op->key->is_cipher) {
        if (gcm_aad(op->ctx, data, len) != 0)
            op->err = 1;
    } else if (EVP_MAC_update(op->ctx, data, len) != 1) {
        op->err = 1;
    }
}

static void
mac_flush(signet_mac_op *op)
{
    mac_feed(op, op->pend, op->npend);
    op->npend = 0;
}

/* Small pieces (a token header, a short message, IOV buffers) are gathered
 * so that a short MIC costs one OpenSSL update instead of several. */
void
signet_mac_update(signet_mac_op *op, const void *data, size_t len)
{
    if (op->err || len == 0)
        return;
    if (len <= sizeof(op->pend) - op->npend) {
        memcpy(op->pend + op->npend, data, len);
        op->npend += len;
        return;
    }
    mac_flush(op);
    if (len <= sizeof(op->pend)) {
        memcpy(op->pend, data, len);
        op->npend = len;
        return;
    }
    mac_feed(op, data, len);
}

/* Computes the full MAC into out (SIGNET_KEY_MAX_LEN bytes); releases the
 * context. */
static int
mac_compute(signet_mac_op *op, uint8_t *out)
{
    size_t outl = 0;
    int len;
    uint8_t dummy[16];

    mac_flush(op);
    if (op->err)
        goto done;
    if (op->key->is_cipher) {
        if (EVP_EncryptFinal_ex(op->ctx, dummy, &len) != 1 ||
            gcm_get_tag(op->ctx, out) != 0)
            op->err = 1;
    } else if (EVP_MAC_final(op->ctx, out, &outl, SIGNET_KEY_MAX_LEN) != 1 ||
               outl < op->key->maclen) {
        op->err = 1;
    }
done:
    release(op->key, op->ctx, op->slot);
    op->ctx = NULL;
    return op->err ? -1 : 0;
}

int
signet_mac_finish(signet_mac_op *op, uint8_t *mac)
{
    uint8_t full[SIGNET_KEY_MAX_LEN];
    int ret;

    ret = mac_compute(op, full);
    if (ret == 0)
        memcpy(mac, full, op->key->maclen);
    OPENSSL_cleanse(full, sizeof(full));
    return ret;
}

int
signet_mac_verify(signet_mac_op *op, const uint8_t *mac)
{
    uint8_t full[SIGNET_KEY_MAX_LEN];
    int ret;

    ret = mac_compute(op, full);
    if (ret == 0)
        ret = CRYPTO_memcmp(full, mac, op->key->maclen) == 0 ? 0 : 1;
    OPENSSL_cleanse(full, sizeof(full));
    return ret;
}

void
signet_mac_abort(signet_mac_op *op)
{
    op->npend = 0;
    if (op->ctx != NULL)
        release(op->key, op->ctx, op->slot);
    op->ctx = NULL;
    op->err = 1;
}

/* ---- AES-256-GCM -------------------------------------------------------- */

static int
gcm_crypt(EVP_CIPHER_CTX *c, const uint8_t *in, size_t len, uint8_t *out)
{
    int outl;
    size_t n;

    while (len > 0) {
        n = len < SIGNET_EVP_CHUNK ? len : SIGNET_EVP_CHUNK;
        if (EVP_CipherUpdate(c, out, &outl, in, (int)n) != 1 ||
            (size_t)outl != n)
            return -1;
        in += n;
        out += n;
        len -= n;
    }
    return 0;
}

int
signet_gcm_seal(signet_mac_key *k, const uint8_t *nonce, const uint8_t *aad,
                size_t aadlen, const uint8_t *in, size_t len, uint8_t *out,
                uint8_t *tag)
{
    EVP_CIPHER_CTX *c;
    uint8_t dummy[16];
    int slot, outl, ret = -1;

    if (!k->is_cipher)
        return -1;
    c = claim(k, &slot);
    if (c == NULL)
        return -1;
    if (gcm_restart(c, nonce, 1) == 0 && gcm_aad(c, aad, aadlen) == 0 &&
        gcm_crypt(c, in, len, out) == 0 &&
        EVP_EncryptFinal_ex(c, dummy, &outl) == 1 && gcm_get_tag(c, tag) == 0)
        ret = 0;
    release(k, c, slot);
    return ret;
}

int
signet_gcm_open(signet_mac_key *k, const uint8_t *nonce, const uint8_t *aad,
                size_t aadlen, const uint8_t *in, size_t len, uint8_t *out,
                const uint8_t *tag)
{
    EVP_CIPHER_CTX *c;
    OSSL_PARAM params[2];
    uint8_t dummy[16], t[SIGNET_GCM_TAG_LEN];
    int slot, outl, ret = -1;

    if (!k->is_cipher)
        return -1;
    c = claim(k, &slot);
    if (c == NULL)
        return -1;
    memcpy(t, tag, sizeof(t));
    params[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
                                                  t, sizeof(t));
    params[1] = OSSL_PARAM_construct_end();
    if (gcm_restart(c, nonce, 0) == 0 && gcm_aad(c, aad, aadlen) == 0 &&
        gcm_crypt(c, in, len, out) == 0 &&
        EVP_CIPHER_CTX_set_params(c, params) == 1) {
        /* Final checks the tag in constant time (CRYPTO_memcmp). */
        ret = EVP_DecryptFinal_ex(c, dummy, &outl) == 1 ? 0 : 1;
    }
    release(k, c, slot);
    if (ret != 0)
        OPENSSL_cleanse(out, len);
    return ret;
}
