/*
 * crypto.c - every OpenSSL libcrypto primitive the Signet core uses: HKDF
 * and KBKDF key derivation, HMAC and AES-GMAC/GCM through a per-thread
 * cache of keyed contexts, random bytes, constant-time comparison and
 * wiping.
 *
 * Algorithms (the HKDF and KBKDF KDFs, AES-256-GCM, HMAC with each digest)
 * are fetched once per process (pthread_once) and reused.
 *
 * Contexts keep raw keys only (crypto.h).  Each thread has a cache of
 * SIGNET_KEY_CACHE keyed OpenSSL contexts, indexed by key id = owner serial
 * * SIGNET_KEY_INDEX_MAX + key index, a number never used for another key.
 * A MAC operation looks the id up (the entry of the previous hit first),
 * re-initialises the context with the nonce only (key schedule and HMAC
 * pads kept) and marks the entry busy until it ends; a miss re-keys the
 * least recently used entry (or makes a context of the right type).  Owners
 * that die bump g_epoch; a thread that sees the epoch change frees its
 * entries of dead owners before its lookup.  Entries hold a counted
 * reference to their owner, so checking liveness never reads freed memory.
 */
#include <limits.h>
#include <pthread.h>
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

/* Largest piece handed to one EVP call (their lengths are int). */
#define SIGNET_EVP_CHUNK ((size_t)1 << 30)

/* Types of keyed context: AES-256-GCM (GMAC and GCM keys), HMAC-SHA256,
 * -SHA384, -SHA512 (== SIGNET_ALG_HMAC_* values). */
#define KIND_NONE 0
#define KIND_GCM 4
#define KIND_COUNT 5

struct signet_key_owner {
    uint64_t serial;
    atomic_int dead;
    atomic_uint refs;          /* the context's + one per cache entry */
};

struct cache_entry {
    uint64_t id;               /* 0: empty (obj, if any, holds no key) */
    signet_key_owner *owner;   /* counted reference while id != 0 */
    void *obj;                 /* EVP_CIPHER_CTX or EVP_MAC_CTX */
    unsigned kind;
    int busy;                  /* claimed by an operation of this thread */
    uint64_t used;             /* LRU stamp */
};

struct signet_key_cache {
    uint64_t epoch;            /* g_epoch when dead owners were last purged */
    uint64_t tick;
    unsigned last;             /* entry of the last hit */
    struct cache_entry e[SIGNET_KEY_CACHE];
};

/* Process-wide state, set once by crypto_init. */
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_ready;
static EVP_KDF *g_hkdf, *g_kbkdf;
static EVP_CIPHER *g_gcm;
static EVP_MAC *g_hmac;
static EVP_MAC_CTX *g_hmac_tmpl[KIND_COUNT];   /* keyed with zeros, dup only */
static pthread_key_t g_cache_key;
static atomic_uint_fast64_t g_serial;          /* last owner serial */
static atomic_uint_fast64_t g_epoch;           /* owners retired so far */

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
    case SIGNET_ALG_HMAC_SHA256: return SIGNET_KEY_LEN_HMAC_SHA256;
    case SIGNET_ALG_HMAC_SHA384: return SIGNET_KEY_LEN_HMAC_SHA384;
    case SIGNET_ALG_HMAC_SHA512: return SIGNET_KEY_LEN_HMAC_SHA512;
    case SIGNET_ALG_AES256_GMAC: return SIGNET_KEY_LEN_AES256_GMAC;
    case SIGNET_ALG_AES256_GCM:  return SIGNET_KEY_LEN_AES256_GCM;
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

static int crypto_ready(void);
static EVP_MD *g_sha256;

/* With the digest fetched once: no method-store lookup (and lock) per
 * call, which also keeps it usable in a fork()ed child. */
int
signet_sha256(const void *data, size_t len, uint8_t out[32])
{
    EVP_MD_CTX *md;
    int ok;

    if (!crypto_ready())
        return -1;
    md = EVP_MD_CTX_new();
    ok = md != NULL && EVP_DigestInit_ex2(md, g_sha256, NULL) == 1 &&
         EVP_DigestUpdate(md, data, len) == 1 &&
         EVP_DigestFinal_ex(md, out, NULL) == 1;
    EVP_MD_CTX_free(md);
    return ok ? 0 : -1;
}

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

/* ---- one-time set-up ---------------------------------------------------- */

static void cache_destroy(void *p);

static void
crypto_init(void)
{
    static const uint8_t zero[SIGNET_KEY_MAX_LEN];
    OSSL_PARAM params[2];
    unsigned kind;

    g_hkdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_HKDF, NULL);
    g_kbkdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_KBKDF, NULL);
    g_gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
    g_hmac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
    g_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (g_hkdf == NULL || g_kbkdf == NULL || g_gcm == NULL || g_hmac == NULL ||
        g_sha256 == NULL)
        return;
    for (kind = SIGNET_ALG_HMAC_SHA256; kind <= SIGNET_ALG_HMAC_SHA512;
         kind++) {
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                     (char *)hmac_digest(kind),
                                                     0);
        params[1] = OSSL_PARAM_construct_end();
        g_hmac_tmpl[kind] = EVP_MAC_CTX_new(g_hmac);
        if (g_hmac_tmpl[kind] == NULL ||
            EVP_MAC_init(g_hmac_tmpl[kind], zero, signet_alg_key_len(kind),
                         params) != 1)
            return;
    }
    if (pthread_key_create(&g_cache_key, cache_destroy) != 0)
        return;
    g_ready = 1;
}

/* 1 once the algorithms are fetched and the cache key exists. */
static int
crypto_ready(void)
{
    return pthread_once(&g_once, crypto_init) == 0 && g_ready;
}

/*
 * If the library is unloaded while threads that used it live on, their
 * caches must not be handed to a destructor that is gone: delete the key
 * (their entries are then left behind; mechglue never unloads plugins).
 */
__attribute__((destructor)) static void
crypto_unload(void)
{
    if (g_ready)
        pthread_key_delete(g_cache_key);
}

/* ---- key derivation ----------------------------------------------------- */

int
signet_hkdf(const uint8_t *salt, size_t saltlen, const uint8_t *ikm,
            size_t ikmlen, const void *info, size_t infolen, uint8_t *out,
            size_t outlen)
{
    EVP_KDF_CTX *kctx = NULL;
    OSSL_PARAM params[5], *p = params;
    int ret = -1;

    if (!crypto_ready())
        goto done;
    kctx = EVP_KDF_CTX_new(g_hkdf);
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
    if (ret != 0)
        signet_wipe(out, outlen);
    return ret;
}

int
signet_kbkdf(const uint8_t *key, size_t keylen, const char *label,
             const void *context, size_t contextlen, uint8_t *out,
             size_t outlen)
{
    EVP_KDF_CTX *kctx = NULL;
    OSSL_PARAM params[9], *p = params;
    int use_l = 0, use_sep = 1;
    static const uint8_t empty[1];
    int ret = -1;

    if (!crypto_ready())
        goto done;
    kctx = EVP_KDF_CTX_new(g_kbkdf);
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
    if (ret != 0)
        signet_wipe(out, outlen);
    return ret;
}

/* ---- keyed contexts ----------------------------------------------------- */

static unsigned
alg_kind(unsigned alg)
{
    switch (alg) {
    case SIGNET_ALG_HMAC_SHA256:
    case SIGNET_ALG_HMAC_SHA384:
    case SIGNET_ALG_HMAC_SHA512:
        return alg;
    case SIGNET_ALG_AES256_GMAC:
    case SIGNET_ALG_AES256_GCM:
        return KIND_GCM;
    default:
        return KIND_NONE;
    }
}

/* Frees a keyed context; OpenSSL cleanses the key schedule it held. */
static void
obj_free(unsigned kind, void *obj)
{
    if (obj == NULL)
        return;
    if (kind == KIND_GCM)
        EVP_CIPHER_CTX_free(obj);
    else
        EVP_MAC_CTX_free(obj);
}

/* Keys an existing context of the same kind with k; 0 or -1. */
static int
obj_rekey(void *obj, const signet_key *k)
{
    if (alg_kind(k->alg) == KIND_GCM)
        return EVP_EncryptInit_ex2(obj, NULL, k->bytes, NULL, NULL) == 1
               ? 0 : -1;
    return EVP_MAC_init(obj, k->bytes, signet_alg_key_len(k->alg), NULL) == 1
           ? 0 : -1;
}

/* A new context keyed with k, or NULL. */
static void *
obj_new(const signet_key *k)
{
    unsigned kind = alg_kind(k->alg);
    EVP_CIPHER_CTX *c;
    EVP_MAC_CTX *m;

    if (kind == KIND_GCM) {
        c = EVP_CIPHER_CTX_new();
        if (c != NULL &&
            EVP_EncryptInit_ex2(c, g_gcm, k->bytes, NULL, NULL) != 1) {
            EVP_CIPHER_CTX_free(c);
            c = NULL;
        }
        return c;
    }
    /* A copy of the process's template carries the digest without a new
     * fetch; it is then keyed. */
    m = EVP_MAC_CTX_dup(g_hmac_tmpl[kind]);
    if (m != NULL && obj_rekey(m, k) != 0) {
        EVP_MAC_CTX_free(m);
        m = NULL;
    }
    return m;
}

static void
owner_unref(signet_key_owner *o)
{
    if (atomic_fetch_sub_explicit(&o->refs, 1, memory_order_acq_rel) == 1) {
        OPENSSL_cleanse(o, sizeof(*o));
        free(o);
    }
}

signet_key_owner *
signet_key_owner_new(void)
{
    signet_key_owner *o;

    if (!crypto_ready())
        return NULL;
    o = malloc(sizeof(*o));
    if (o == NULL)
        return NULL;
    o->serial = atomic_fetch_add_explicit(&g_serial, 1,
                                          memory_order_relaxed) + 1;
    atomic_init(&o->dead, 0);
    atomic_init(&o->refs, 1);
    return o;
}

/* Empties an entry: frees its context and drops its owner reference. */
static void
entry_drop(struct cache_entry *e)
{
    obj_free(e->kind, e->obj);
    if (e->id != 0)
        owner_unref(e->owner);
    memset(e, 0, sizeof(*e));
}

/* Drops the entries of owner only, or (only NULL) of every dead owner. */
static void
cache_purge(struct signet_key_cache *c, const signet_key_owner *only)
{
    struct cache_entry *e;
    unsigned i;

    for (i = 0; i < SIGNET_KEY_CACHE; i++) {
        e = &c->e[i];
        if (e->id == 0 || e->busy)
            continue;
        if (only != NULL ? e->owner == only
                         : atomic_load_explicit(&e->owner->dead,
                                                memory_order_acquire) != 0)
            entry_drop(e);
    }
}

/* Thread exit: the pthread key's destructor. */
static void
cache_destroy(void *p)
{
    struct signet_key_cache *c = p;
    unsigned i;

    if (c == NULL)
        return;
    for (i = 0; i < SIGNET_KEY_CACHE; i++)
        entry_drop(&c->e[i]);
    OPENSSL_cleanse(c, sizeof(*c));
    free(c);
}

void
signet_key_owner_retire(signet_key_owner **op)
{
    signet_key_owner *o;
    struct signet_key_cache *c;

    if (op == NULL || *op == NULL)
        return;
    o = *op;
    /* Dead before the epoch moves: a thread that sees the new epoch sees
     * the flag. */
    atomic_store_explicit(&o->dead, 1, memory_order_release);
    atomic_fetch_add_explicit(&g_epoch, 1, memory_order_release);
    c = crypto_ready() ? pthread_getspecific(g_cache_key) : NULL;
    if (c != NULL)
        cache_purge(c, o);
    owner_unref(o);
    *op = NULL;
}

size_t
signet_key_cache_count(void)
{
    struct signet_key_cache *c;
    size_t n = 0;
    unsigned i;

    if (!crypto_ready() || (c = pthread_getspecific(g_cache_key)) == NULL)
        return 0;
    for (i = 0; i < SIGNET_KEY_CACHE; i++)
        n += c->e[i].obj != NULL;
    return n;
}

/* The calling thread's cache, made on first use; NULL if none can be. */
static struct signet_key_cache *
cache_get(void)
{
    struct signet_key_cache *c = pthread_getspecific(g_cache_key);

    if (c != NULL)
        return c;
    c = calloc(1, sizeof(*c));
    if (c != NULL && pthread_setspecific(g_cache_key, c) != 0) {
        free(c);
        c = NULL;
    }
    return c;
}

/* Puts k into the least recently used free entry; its index, or
 * SIGNET_KEY_CACHE if no entry could take it. */
static unsigned
cache_fill(struct signet_key_cache *c, const signet_key *k, uint64_t id)
{
    unsigned i, v = SIGNET_KEY_CACHE, kind = alg_kind(k->alg);
    struct cache_entry *e;

    for (i = 0; i < SIGNET_KEY_CACHE; i++) {
        e = &c->e[i];
        if (e->busy)
            continue;
        if (e->id == 0) {
            v = i;              /* an empty entry: take it */
            break;
        }
        if (v == SIGNET_KEY_CACHE || e->used < c->e[v].used)
            v = i;
    }
    if (v == SIGNET_KEY_CACHE)
        return v;
    e = &c->e[v];
    if (e->id != 0) {
        owner_unref(e->owner);
        e->id = 0;
        e->owner = NULL;
    }
    if (e->obj != NULL && e->kind == kind) {
        if (obj_rekey(e->obj, k) != 0) {
            obj_free(e->kind, e->obj);
            e->obj = NULL;
        }
    } else {
        obj_free(e->kind, e->obj);
        e->obj = obj_new(k);
        e->kind = kind;
    }
    if (e->obj == NULL)
        return SIGNET_KEY_CACHE;
    atomic_fetch_add_explicit(&k->owner->refs, 1, memory_order_relaxed);
    e->owner = k->owner;
    e->id = id;
    return v;
}

/*
 * A context keyed with k for one operation of this thread: a cache entry
 * (*slot its index, marked busy) or, if the cache cannot hold it, a private
 * context (*slot -1).  NULL on failure.
 */
static void *
claim(const signet_key *k, struct signet_key_cache **cp, int *slot)
{
    struct signet_key_cache *c;
    uint64_t id, epoch;
    unsigned i;

    *cp = NULL;
    *slot = -1;
    if (!crypto_ready() || k->owner == NULL || alg_kind(k->alg) == KIND_NONE ||
        k->index >= SIGNET_KEY_INDEX_MAX)
        return NULL;
    c = cache_get();
    if (c == NULL)
        return obj_new(k);
    epoch = atomic_load_explicit(&g_epoch, memory_order_acquire);
    if (epoch != c->epoch) {
        cache_purge(c, NULL);
        c->epoch = epoch;
    }
    id = k->owner->serial * SIGNET_KEY_INDEX_MAX + k->index;
    i = c->last;
    if (c->e[i].id != id || c->e[i].busy) {
        for (i = 0; i < SIGNET_KEY_CACHE; i++) {
            if (c->e[i].id == id && !c->e[i].busy)
                break;
        }
        if (i == SIGNET_KEY_CACHE) {
            i = cache_fill(c, k, id);
            if (i == SIGNET_KEY_CACHE)
                return obj_new(k);
        }
        c->last = i;
    }
    c->e[i].busy = 1;
    c->e[i].used = ++c->tick;
    *cp = c;
    *slot = i;
    return c->e[i].obj;
}

static void
release(struct signet_key_cache *c, int slot, unsigned kind, void *obj)
{
    if (slot >= 0)
        c->e[slot].busy = 0;
    else
        obj_free(kind, obj);
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
signet_mac_begin(signet_mac_op *op, const signet_key *k, const uint8_t *nonce)
{
    struct signet_key_cache *c;

    op->err = 0;
    op->npend = 0;
    op->is_cipher = alg_kind(k->alg) == KIND_GCM;
    op->maclen = signet_alg_mac_len(k->alg);
    op->kind = alg_kind(k->alg);
    op->ctx = claim(k, &c, &op->slot);
    op->cache = c;
    if (op->ctx == NULL) {
        op->err = 1;
        return -1;
    }
    if (op->is_cipher) {
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
    if (op->is_cipher) {
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
    if (op->is_cipher) {
        if (EVP_EncryptFinal_ex(op->ctx, dummy, &len) != 1 ||
            gcm_get_tag(op->ctx, out) != 0)
            op->err = 1;
    } else if (EVP_MAC_final(op->ctx, out, &outl, SIGNET_KEY_MAX_LEN) != 1 ||
               outl < op->maclen) {
        op->err = 1;
    }
done:
    if (op->ctx != NULL)
        release(op->cache, op->slot, op->kind, op->ctx);
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
        memcpy(mac, full, op->maclen);
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
        ret = CRYPTO_memcmp(full, mac, op->maclen) == 0 ? 0 : 1;
    OPENSSL_cleanse(full, sizeof(full));
    return ret;
}

void
signet_mac_abort(signet_mac_op *op)
{
    op->npend = 0;
    if (op->ctx != NULL)
        release(op->cache, op->slot, op->kind, op->ctx);
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
signet_gcm_seal(const signet_key *k, const uint8_t *nonce, const uint8_t *aad,
                size_t aadlen, const uint8_t *in, size_t len, uint8_t *out,
                uint8_t *tag)
{
    struct signet_key_cache *cache;
    EVP_CIPHER_CTX *c;
    uint8_t dummy[16];
    int slot, outl, ret = -1;

    if (k->alg != SIGNET_ALG_AES256_GCM)
        return -1;
    c = claim(k, &cache, &slot);
    if (c == NULL)
        return -1;
    if (gcm_restart(c, nonce, 1) == 0 && gcm_aad(c, aad, aadlen) == 0 &&
        gcm_crypt(c, in, len, out) == 0 &&
        EVP_EncryptFinal_ex(c, dummy, &outl) == 1 && gcm_get_tag(c, tag) == 0)
        ret = 0;
    release(cache, slot, KIND_GCM, c);
    return ret;
}

int
signet_gcm_open(const signet_key *k, const uint8_t *nonce, const uint8_t *aad,
                size_t aadlen, const uint8_t *in, size_t len, uint8_t *out,
                const uint8_t *tag)
{
    struct signet_key_cache *cache;
    EVP_CIPHER_CTX *c;
    OSSL_PARAM params[2];
    uint8_t dummy[16], t[SIGNET_GCM_TAG_LEN];
    int slot, outl, ret = -1;

    if (k->alg != SIGNET_ALG_AES256_GCM)
        return -1;
    c = claim(k, &cache, &slot);
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
    release(cache, slot, KIND_GCM, c);
    if (ret != 0)
        OPENSSL_cleanse(out, len);
    return ret;
}
