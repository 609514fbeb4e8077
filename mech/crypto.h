/*
 * crypto.h - the cryptographic primitives of the Signet core.
 *
 * crypto.c is the only file of the core that calls OpenSSL's libcrypto
 * primitives (EVP_MAC, EVP_CIPHER, EVP_KDF, RAND_bytes, CRYPTO_memcmp,
 * OPENSSL_cleanse).  Everything here works on fixed-size byte arrays and
 * opaque keyed objects; callers never see an OpenSSL type.
 *
 * Algorithm identifiers are the QOP values of gssapi_signet.h; they appear
 * on the wire as the ALG byte of MIC and wrap tokens (docs/tokens.md).
 *
 * Threads: any number of threads may MAC, seal and open with the same raw
 * keys at once; each works on keyed contexts of its own (below).  No lock
 * is taken on the per-message path.
 */
#ifndef SIGNET_CRYPTO_H
#define SIGNET_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/* MAC algorithms (== SIGNET_QOP_* values, == ALG byte on the wire). */
#define SIGNET_ALG_HMAC_SHA256 1
#define SIGNET_ALG_HMAC_SHA384 2
#define SIGNET_ALG_HMAC_SHA512 3
#define SIGNET_ALG_AES256_GMAC 4
#define SIGNET_ALG_MAX 4
/* Not a MAC: AES-256-GCM encryption of sealed wrap tokens. */
#define SIGNET_ALG_AES256_GCM 0x84

/* Key lengths (signet_alg_key_len); message.c lays out its key block
 * from them. */
#define SIGNET_KEY_LEN_HMAC_SHA256 32
#define SIGNET_KEY_LEN_HMAC_SHA384 48
#define SIGNET_KEY_LEN_HMAC_SHA512 64
#define SIGNET_KEY_LEN_AES256_GMAC 32
#define SIGNET_KEY_LEN_AES256_GCM 32

#define SIGNET_NONCE_LEN 12     /* GMAC/GCM nonce */
#define SIGNET_GCM_TAG_LEN 16
#define SIGNET_MAC_MAX_LEN 32   /* longest (truncated) MAC */
#define SIGNET_KEY_MAX_LEN 64   /* longest key (HMAC-SHA512) */

/* 1 if alg is one of SIGNET_ALG_HMAC_* / SIGNET_ALG_AES256_GMAC. */
int signet_alg_valid(unsigned alg);
/* Length of the MAC a token carries for alg (HMACs truncated to half their
 * output as in RFC 4868), or 0 for an unknown alg. */
size_t signet_alg_mac_len(unsigned alg);
/* Length of the key alg is keyed with, or 0. */
size_t signet_alg_key_len(unsigned alg);
/* Short name ("hmac-sha256", "aes256-gmac", "aes256-gcm") used in key
 * derivation labels and messages; "?" for unknown. */
const char *signet_alg_name(unsigned alg);

/*
 * HKDF-SHA384 (RFC 5869) extract-and-expand: out = HKDF(salt, ikm, info),
 * outlen up to 255 * 48 bytes.  Returns 0 or -1.
 */
int signet_hkdf(const uint8_t *salt, size_t saltlen, const uint8_t *ikm,
                size_t ikmlen, const void *info, size_t infolen,
                uint8_t *out, size_t outlen);

/*
 * SP 800-108 KBKDF in counter mode with HMAC-SHA256, 32-bit counter first,
 * no [L] field (so a shorter output is a prefix of a longer one):
 * K(i) = HMAC-SHA256(key, [i]_32 || label || 0x00 || context), i = 1, 2 ...
 * Returns 0 or -1.
 */
int signet_kbkdf(const uint8_t *key, size_t keylen, const char *label,
                 const void *context, size_t contextlen,
                 uint8_t *out, size_t outlen);

/* SHA-256 of len bytes (token digests, cache keys, name hashes); 0 or -1. */
int signet_sha256(const void *data, size_t len, uint8_t out[32]);

/* Fills buf from the OpenSSL DRBG; 0 or -1. */
int signet_random(void *buf, size_t len);
/* Constant-time comparison: 0 iff equal. */
int signet_memcmp_ct(const void *a, const void *b, size_t len);
/* Wipes memory that held a secret. */
void signet_wipe(void *p, size_t len);

/* ---- keys and the per-thread cache of keyed contexts ---------------------
 *
 * A context keeps only raw key bytes.  The keyed OpenSSL contexts that use
 * them live in a small cache private to each thread (SIGNET_KEY_CACHE
 * entries, least recently used replaced), indexed by a 64-bit key id that is
 * never reused; a thread that keeps using the same keys never re-keys, one
 * that alternates between more keys than the cache holds re-keys an entry
 * on each miss.  The per-message path takes no lock.
 *
 * Every set of raw keys belongs to a signet_key_owner: a small refcounted
 * liveness cell that the cache entries reference.  Retiring the owner (when
 * its context is deleted) marks it dead, frees the calling thread's entries
 * for it and bumps a process-wide deletion epoch; every other thread checks
 * the epoch at its next MAC or GCM call and then frees its entries of dead
 * owners (EVP_*_free cleanses their key schedules).  A thread that makes no
 * further call keeps them until it exits (docs/tokens.md, "Threads").
 */
#define SIGNET_KEY_CACHE 16
typedef struct signet_key_owner signet_key_owner;

/* A new owner with a serial never handed out before, or NULL. */
signet_key_owner *signet_key_owner_new(void);
/* Marks *o dead, drops this thread's cache entries for it and the
 * caller's reference; NULLs *o; a no-op on NULL. */
void signet_key_owner_retire(signet_key_owner **o);

/* One raw key of an owner, described per call (nothing allocated).
 * index tells apart the keys of one owner (0 .. SIGNET_KEY_INDEX_MAX - 1);
 * bytes are signet_alg_key_len(alg) bytes and must stay unchanged while the
 * owner lives. */
#define SIGNET_KEY_INDEX_MAX 1024
typedef struct signet_key {
    signet_key_owner *owner;
    unsigned index;
    unsigned alg;              /* SIGNET_ALG_*, including AES256_GCM */
    const uint8_t *bytes;
} signet_key;

/* Keyed contexts in the calling thread's cache (diagnostics and tests). */
size_t signet_key_cache_count(void);

/*
 * One MAC computation: begin (nonce is SIGNET_NONCE_LEN bytes, used by GMAC
 * only and ignored by HMAC), any number of updates, then exactly one of
 * finish / verify / abort, which release the context.  begin, the updates
 * and the end run on one thread, with no other MAC operation of that
 * thread in between.
 */
#define SIGNET_MAC_PEND 256
struct signet_key_cache;
typedef struct signet_mac_op {
    void *ctx;         /* keyed OpenSSL context */
    struct signet_key_cache *cache;  /* this thread's, or NULL */
    int slot;          /* cache entry, or -1 for a private context */
    unsigned kind;
    int is_cipher;
    size_t maclen;
    int err;           /* sticky */
    size_t npend;      /* small updates are gathered here and handed to */
    uint8_t pend[SIGNET_MAC_PEND];   /* OpenSSL in one call */
} signet_mac_op;

int signet_mac_begin(signet_mac_op *op, const signet_key *k,
                     const uint8_t *nonce);
void signet_mac_update(signet_mac_op *op, const void *data, size_t len);
/* Writes signet_alg_mac_len(alg) bytes; 0 or -1. */
int signet_mac_finish(signet_mac_op *op, uint8_t *mac);
/* 0 if mac (signet_alg_mac_len bytes) matches in constant time, 1 if it
 * does not, -1 on an internal failure. */
int signet_mac_verify(signet_mac_op *op, const uint8_t *mac);
void signet_mac_abort(signet_mac_op *op);

/*
 * AES-256-GCM with a SIGNET_ALG_AES256_GCM key.  seal: out = E(in), tag.
 * open: out = D(in) if the tag verifies.  out may equal in.  Return 0 on
 * success, 1 when open finds the tag wrong (out is then wiped), -1 on an
 * internal failure.
 */
int signet_gcm_seal(const signet_key *k, const uint8_t *nonce,
                    const uint8_t *aad, size_t aadlen,
                    const uint8_t *in, size_t len, uint8_t *out,
                    uint8_t *tag);
int signet_gcm_open(const signet_key *k, const uint8_t *nonce,
                    const uint8_t *aad, size_t aadlen,
                    const uint8_t *in, size_t len, uint8_t *out,
                    const uint8_t *tag);

#endif /* SIGNET_CRYPTO_H */
