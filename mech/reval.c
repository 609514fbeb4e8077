/*
 * reval.c - revalidation of an established context's peer certificate
 * against a CRL file that may change while the context lives
 * (docs/configuration.md, "Context policy").
 *
 * Every context whose peer presented a certificate, and whose credential
 * names crl_file, keeps the peer's issuer name hash, serial number and the
 * issuer's public key.  At most every crl_check_interval seconds, on the
 * per-message path, one thread of the context looks at the file's identity
 * (stat); only when it changed does the context consult the process's CRL
 * cache, which parses each version of each file once (keyed by path,
 * device, inode, size and times) and keeps the X509_CRL objects, whose
 * revoked lists OpenSSL searches in O(log n).  A CRL counts only when its
 * signature verifies with the issuer's key; the verdicts of signature
 * checks are remembered per CRL and key fingerprint, so 10,000 contexts of
 * one issuer verify one CRL once.  A file that cannot be read or holds no
 * usable CRL keeps the previous verdict (and says so in the trace).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "x509.h"
#include "crypto.h"

#define CRL_FILE_MAX (64 << 20)
#define VERIFIED_MAX 4          /* issuer keys remembered per CRL */

/* ---- the process's CRL cache ------------------------------------------------ */

struct file_id {
    uint64_t dev, ino, size;
    int64_t mtime_sec, ctime_sec;
    long mtime_nsec, ctime_nsec;
};

struct crl_item {
    X509_CRL *crl;
    uint8_t issuer_hash[32];           /* SHA-256 of the DER issuer name */
    signet_forklock lock;              /* guards the two lists below */
    uint8_t good[VERIFIED_MAX][32];    /* key fingerprints that verify it */
    unsigned ngood;
    uint8_t bad[VERIFIED_MAX][32];     /* ... and ones that do not */
    unsigned nbad;
};

/* One parsed version of one file; shared by reference. */
struct crl_version {
    _Atomic unsigned refs;
    char *path;
    struct file_id id;
    struct crl_item *items;
    size_t nitems;
};

struct cache_slot {
    struct crl_version *v;
};

#define CACHE_SLOTS 16
static signet_forklock cache_lock = SIGNET_FORKLOCK_INIT;
static struct cache_slot cache[CACHE_SLOTS];
static unsigned cache_next;             /* round-robin replacement */

static void
file_id_of(const struct stat *st, struct file_id *id)
{
    memset(id, 0, sizeof(*id));
    id->dev = (uint64_t)st->st_dev;
    id->ino = (uint64_t)st->st_ino;
    id->size = (uint64_t)st->st_size;
    id->mtime_sec = st->st_mtim.tv_sec;
    id->mtime_nsec = st->st_mtim.tv_nsec;
    id->ctime_sec = st->st_ctim.tv_sec;
    id->ctime_nsec = st->st_ctim.tv_nsec;
}

static int
file_id_equal(const struct file_id *a, const struct file_id *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime_sec == b->mtime_sec && a->mtime_nsec == b->mtime_nsec &&
           a->ctime_sec == b->ctime_sec && a->ctime_nsec == b->ctime_nsec;
}

static int
name_hash(const X509_NAME *name, uint8_t out[32])
{
    const unsigned char *der;
    size_t len;

    if (!X509_NAME_get0_der(name, &der, &len))
        return -1;
    return signet_sha256(der, len, out);
}

static void
version_unref(struct crl_version *v)
{
    size_t i;

    if (v == NULL || atomic_fetch_sub(&v->refs, 1) != 1)
        return;
    for (i = 0; i < v->nitems; i++)
        X509_CRL_free(v->items[i].crl);
    free(v->items);
    free(v->path);
    free(v);
}

/* Parses the file (its identity id); NULL if unreadable or without CRLs. */
static struct crl_version *
version_load(const char *path, const struct file_id *id)
{
    char why[512], *text = NULL;
    size_t len = 0, cap = 0;
    struct crl_version *v = NULL;
    struct crl_item *grown;
    X509_CRL *crl;
    BIO *b = NULL;

    if (signet_file_read(path, CRL_FILE_MAX, 0, &text, &len, why,
                         sizeof(why)) != 0) {
        signet_trace("CRL file: %s", why);
        return NULL;
    }
    v = calloc(1, sizeof(*v));
    b = BIO_new_mem_buf(text, (int)len);
    if (v == NULL || b == NULL || (v->path = strdup(path)) == NULL)
        goto fail;
    atomic_init(&v->refs, 1);
    v->id = *id;
    while ((crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL)) != NULL) {
        if (v->nitems == cap) {
            cap = cap != 0 ? 2 * cap : 4;
            grown = realloc(v->items, cap * sizeof(*grown));
            if (grown == NULL) {
                X509_CRL_free(crl);
                goto fail;
            }
            v->items = grown;
        }
        memset(&v->items[v->nitems], 0, sizeof(v->items[0]));
        v->items[v->nitems].crl = crl;
        if (name_hash(X509_CRL_get_issuer(crl), v->items[v->nitems].issuer_hash) != 0) {
            X509_CRL_free(crl);
            goto fail;
        }
        v->nitems++;
    }
    ERR_clear_error();
    if (v->nitems == 0) {
        signet_trace("CRL file %s holds no PEM CRL", path);
        goto fail;
    }
    BIO_free(b);
    signet_file_free(text, len);
    return v;
fail:
    ERR_clear_error();
    BIO_free(b);
    signet_file_free(text, len);
    if (v != NULL) {
        atomic_init(&v->refs, 1);
        version_unref(v);
    }
    return NULL;
}

/* The cached version of path with identity id (parsed now if the cache
 * has another); a counted reference, or NULL. */
static struct crl_version *
version_get(const char *path, const struct file_id *id)
{
    struct crl_version *v = NULL, *old = NULL;
    unsigned i, slot = CACHE_SLOTS;

    signet_forklock_lock(&cache_lock);
    for (i = 0; i < CACHE_SLOTS; i++) {
        if (cache[i].v != NULL && strcmp(cache[i].v->path, path) == 0) {
            if (file_id_equal(&cache[i].v->id, id)) {
                v = cache[i].v;
                atomic_fetch_add(&v->refs, 1);
            }
            break;
        }
    }
    signet_forklock_unlock(&cache_lock);
    if (v != NULL)
        return v;
    /* Parse outside the lock (slow); two threads may both parse one new
     * version: the later one replaces the earlier, both are correct. */
    v = version_load(path, id);
    if (v == NULL)
        return NULL;
    signet_forklock_lock(&cache_lock);
    for (i = 0; i < CACHE_SLOTS; i++) {
        if (cache[i].v != NULL && strcmp(cache[i].v->path, path) == 0) {
            slot = i;
            break;
        }
    }
    if (slot == CACHE_SLOTS)
        slot = cache_next++ % CACHE_SLOTS;
    old = cache[slot].v;
    cache[slot].v = v;
    atomic_fetch_add(&v->refs, 1);     /* the cache's reference */
    signet_forklock_unlock(&cache_lock);
    version_unref(old);
    return v;
}

/* 1 if item's CRL verifies with key (fingerprint fp), 0 if not. */
static int
item_verified(struct crl_item *it, EVP_PKEY *key, const uint8_t fp[32])
{
    unsigned i;
    int ok;

    signet_forklock_lock(&it->lock);
    for (i = 0; i < it->ngood; i++) {
        if (memcmp(it->good[i], fp, 32) == 0) {
            signet_forklock_unlock(&it->lock);
            return 1;
        }
    }
    for (i = 0; i < it->nbad; i++) {
        if (memcmp(it->bad[i], fp, 32) == 0) {
            signet_forklock_unlock(&it->lock);
            return 0;
        }
    }
    signet_forklock_unlock(&it->lock);
    ok = X509_CRL_verify(it->crl, key) == 1;
    ERR_clear_error();
    signet_forklock_lock(&it->lock);
    if (ok && it->ngood < VERIFIED_MAX)
        memcpy(it->good[it->ngood++], fp, 32);
    else if (!ok && it->nbad < VERIFIED_MAX)
        memcpy(it->bad[it->nbad++], fp, 32);
    signet_forklock_unlock(&it->lock);
    return ok;
}

/* ---- per-context state --------------------------------------------------------- */

struct signet_reval {
    char *crl_file;
    uint32_t interval;            /* seconds between checks of the file */
    signet_forklock lock;         /* taken only by the thread that checks */
    _Atomic int64_t next_check;   /* time of the next look at the file */
    int seen_valid;               /* seen holds the version last used */
    struct file_id seen;
    uint8_t issuer_hash[32];      /* SHA-256 of the DER issuer name */
    uint8_t serial[64];           /* DER content of the serial number */
    size_t serial_len;
    EVP_PKEY *issuer_key;         /* verifies the issuer's CRLs */
    uint8_t key_fp[32];           /* SHA-256 of its SubjectPublicKeyInfo */
    _Atomic int revoked;
};

static struct signet_reval *
reval_alloc(const char *crl_file)
{
    struct signet_reval *r = calloc(1, sizeof(*r));

    if (r == NULL)
        return NULL;
    r->crl_file = strdup(crl_file);
    if (r->crl_file == NULL) {
        free(r);
        return NULL;
    }
    return r;
}

void
signet_reval_free(struct signet_reval **rp)
{
    struct signet_reval *r;

    if (rp == NULL || *rp == NULL)
        return;
    r = *rp;
    EVP_PKEY_free(r->issuer_key);
    free(r->crl_file);
    free(r);
    *rp = NULL;
}

/* Sets the issuer key from its DER SubjectPublicKeyInfo; 0 or -1. */
static int
set_issuer_key(struct signet_reval *r, const uint8_t *der, size_t len)
{
    const unsigned char *p = der;

    if (len == 0 || len > 16384)
        return -1;
    r->issuer_key = d2i_PUBKEY(NULL, &p, (long)len);
    if (r->issuer_key == NULL || p != der + len) {
        ERR_clear_error();
        return -1;
    }
    return signet_sha256(der, len, r->key_fp);
}

OM_uint32
signet_reval_new(OM_uint32 *minor, X509 *leaf, X509 *issuer,
                 const char *crl_file, uint32_t interval,
                 struct signet_reval **out)
{
    const ASN1_INTEGER *sn = X509_get0_serialNumber(leaf);
    struct signet_reval *r = NULL;
    unsigned char *der = NULL;
    int derlen;
    OM_uint32 major = GSS_S_FAILURE;

    *out = NULL;
    if ((size_t)ASN1_STRING_length(sn) > sizeof(r->serial))
        return signet_fail(minor, GSS_S_DEFECTIVE_CREDENTIAL, SIGNET_ERR_CERT_INVALID,
                           "the peer's certificate serial number is too long");
    r = reval_alloc(crl_file);
    if (r == NULL)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
    r->interval = interval;
    r->serial_len = (size_t)ASN1_STRING_length(sn);
    memcpy(r->serial, ASN1_STRING_get0_data(sn), r->serial_len);
    derlen = i2d_PUBKEY(X509_get0_pubkey(issuer), &der);
    if (name_hash(X509_get_issuer_name(leaf), r->issuer_hash) != 0 ||
        derlen <= 0 || set_issuer_key(r, der, (size_t)derlen) != 0) {
        major = signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                            "cannot keep the peer's issuer for revalidation");
        goto done;
    }
    /* The handshake used the CRLs loaded with the credential, which may
     * be older than the file: the first check reads the file. */
    atomic_store(&r->next_check, (int64_t)time(NULL) + interval);
    *out = r;
    r = NULL;
    major = GSS_S_COMPLETE;
done:
    OPENSSL_free(der);
    ERR_clear_error();
    signet_reval_free(&r);
    return major;
}

/* 1 if version v lists the peer, 0 if not, -1 if no CRL of the peer's
 * issuer in it has a valid signature. */
static int
version_lists_peer(struct crl_version *v, struct signet_reval *r)
{
    ASN1_INTEGER *sn = ASN1_INTEGER_new();
    X509_REVOKED *rev;
    int any = 0, found = 0;
    size_t i;

    if (sn == NULL || !ASN1_STRING_set(sn, r->serial, (int)r->serial_len)) {
        ASN1_INTEGER_free(sn);
        return -1;
    }
    for (i = 0; i < v->nitems && !found; i++) {
        struct crl_item *it = &v->items[i];

        if (memcmp(it->issuer_hash, r->issuer_hash, 32) != 0)
            continue;
        if (!item_verified(it, r->issuer_key, r->key_fp)) {
            signet_trace("CRL file %s: a CRL of the peer's issuer has a bad "
                         "signature; ignored", v->path);
            continue;
        }
        any = 1;
        if (X509_CRL_get0_by_serial(it->crl, &rev, sn) == 1)
            found = 1;
    }
    ERR_clear_error();
    ASN1_INTEGER_free(sn);
    return found ? 1 : any ? 0 : -1;
}

int
signet_reval_revoked(struct signet_reval *r, time_t now)
{
    struct stat st;
    struct file_id id;
    struct crl_version *v;
    int listed;

    if (atomic_load_explicit(&r->revoked, memory_order_relaxed))
        return 1;
    if ((int64_t)now < atomic_load_explicit(&r->next_check, memory_order_relaxed))
        return 0;
    /* One thread looks at the file; the others go on meanwhile. */
    if (!signet_forklock_trylock(&r->lock))
        return 0;
    atomic_store_explicit(&r->next_check, (int64_t)now + r->interval,
                          memory_order_relaxed);
    if (stat(r->crl_file, &st) != 0) {
        signet_trace("cannot look at CRL file %s; keeping the previous verdict",
                     r->crl_file);
        goto done;
    }
    file_id_of(&st, &id);
    if (r->seen_valid && file_id_equal(&id, &r->seen))
        goto done;              /* unchanged since this context looked */
    v = version_get(r->crl_file, &id);
    listed = v != NULL ? version_lists_peer(v, r) : -1;
    version_unref(v);
    if (listed >= 0) {
        r->seen = id;
        r->seen_valid = 1;
    }
    if (listed == 1) {
        atomic_store(&r->revoked, 1);
        signet_trace("the peer's certificate is listed in the reloaded CRL %s",
                     r->crl_file);
    } else if (listed < 0) {
        signet_trace("CRL file %s has no readable CRL with a valid signature "
                     "for the peer's issuer; keeping the previous verdict",
                     r->crl_file);
    }
done:
    signet_forklock_unlock(&r->lock);
    return atomic_load(&r->revoked);
}

/* ---- export ---------------------------------------------------------------------- */

void
signet_reval_encode(const struct signet_reval *r, signet_buf *b)
{
    unsigned char *der = NULL;
    int derlen;

    if (r == NULL) {
        signet_put_u8(b, 0);
        return;
    }
    derlen = i2d_PUBKEY(r->issuer_key, &der);
    if (derlen <= 0 || derlen > 16384) {
        OPENSSL_free(der);
        b->err = 1;
        return;
    }
    signet_put_u8(b, 1);
    signet_put_string(b, r->crl_file);
    signet_put_u32(b, r->interval);
    signet_put_u8(b, (uint8_t)r->seen_valid);
    signet_put_u64(b, r->seen.dev);
    signet_put_u64(b, r->seen.ino);
    signet_put_u64(b, r->seen.size);
    signet_put_u64(b, (uint64_t)r->seen.mtime_sec);
    signet_put_u64(b, (uint64_t)r->seen.mtime_nsec);
    signet_put_u64(b, (uint64_t)r->seen.ctime_sec);
    signet_put_u64(b, (uint64_t)r->seen.ctime_nsec);
    signet_put_bytes(b, r->issuer_hash, sizeof(r->issuer_hash));
    signet_put_u8(b, (uint8_t)r->serial_len);
    signet_put_bytes(b, r->serial, r->serial_len);
    signet_put_u16(b, (uint16_t)derlen);
    signet_put_bytes(b, der, (size_t)derlen);
    signet_put_u8(b, (uint8_t)atomic_load(&r->revoked));
    OPENSSL_free(der);
}

int
signet_reval_decode(signet_cursor *c, struct signet_reval **out)
{
    struct signet_reval *r;
    char *path;
    const uint8_t *p, *der;
    uint32_t len;
    uint16_t derlen;
    uint8_t present = signet_get_u8(c), revoked, seen_valid;

    *out = NULL;
    if (c->err || present > 1)
        return -1;
    if (present == 0)
        return 0;
    len = signet_get_u32(c);
    if (c->err || len == 0 || len > 4096)
        return -1;
    path = signet_get_string(c, len);
    if (path == NULL)
        return -1;
    r = reval_alloc(path);
    free(path);
    if (r == NULL)
        return -1;
    r->interval = signet_get_u32(c);
    seen_valid = signet_get_u8(c);
    r->seen.dev = signet_get_u64(c);
    r->seen.ino = signet_get_u64(c);
    r->seen.size = signet_get_u64(c);
    r->seen.mtime_sec = (int64_t)signet_get_u64(c);
    r->seen.mtime_nsec = (long)signet_get_u64(c);
    r->seen.ctime_sec = (int64_t)signet_get_u64(c);
    r->seen.ctime_nsec = (long)signet_get_u64(c);
    p = signet_get_bytes(c, sizeof(r->issuer_hash));
    if (p != NULL)
        memcpy(r->issuer_hash, p, sizeof(r->issuer_hash));
    r->serial_len = signet_get_u8(c);
    p = r->serial_len <= sizeof(r->serial) ? signet_get_bytes(c, r->serial_len) : NULL;
    if (p != NULL)
        memcpy(r->serial, p, r->serial_len);
    derlen = signet_get_u16(c);
    der = signet_get_bytes(c, derlen);
    revoked = signet_get_u8(c);
    if (c->err || p == NULL || der == NULL || revoked > 1 || seen_valid > 1 ||
        set_issuer_key(r, der, derlen) != 0) {
        signet_reval_free(&r);
        return -1;
    }
    r->seen_valid = seen_valid;
    atomic_init(&r->revoked, revoked);
    atomic_init(&r->next_check, 0); /* look at the file again at once */
    *out = r;
    return 0;
}
