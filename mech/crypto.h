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
 * Threads: a signet_mac_key may be used by any number of threads at once.
 * Each keyed object holds a few ready contexts claimed with an atomic flag;
 * a thread that finds them all busy works on a private copy.  No lock is
 * taken on the per-message path.
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
 * HKDF-SHA384 (RFC 5869) extract-and-expand: out = HKDF(salt, ikm, info).
 * Returns 0 or -1.
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

/* Fills buf from the OpenSSL DRBG; 0 or -1. */
int signet_random(void *buf, size_t len);
/* Constant-time comparison: 0 iff equal. */
int signet_memcmp_ct(const void *a, const void *b, size_t len);
/* Wipes memory that held a secret. */
void signet_wipe(void *p, size_t len);

/* ---- keyed MACs ---------------------------------------------------------- */
typedef struct signet_mac_key signet_mac_key;

/* A MAC key for alg (SIGNET_ALG_*, including SIGNET_ALG_AES256_GCM) with
 * its OpenSSL contexts prepared once.  key is signet_alg_key_len(alg) bytes
 * (32 for GCM).  Returns NULL on failure. */
signet_mac_key *signet_mac_key_new(unsigned alg, const uint8_t *key,
                                   size_t keylen);
/* Wipes and frees; NULLs *k; a no-op on NULL. */
void signet_mac_key_free(signet_mac_key **k);

/*
 * One MAC computation: begin (nonce is SIGNET_NONCE_LEN bytes, used by GMAC
 * only and ignored by HMAC), any number of updates, then exactly one of
 * finish / verify / abort, which release the context.
 */
#define SIGNET_MAC_PEND 256
typedef struct signet_mac_op {
    signet_mac_key *key;
    void *ctx;
    int slot;          /* pool slot claimed, or -1 for a private copy */
    int err;           /* sticky */
    size_t npend;      /* small updates are gathered here and handed to */
    uint8_t pend[SIGNET_MAC_PEND];   /* OpenSSL in one call */
} signet_mac_op;

int signet_mac_begin(signet_mac_op *op, signet_mac_key *k,
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
int signet_gcm_seal(signet_mac_key *k, const uint8_t *nonce,
                    const uint8_t *aad, size_t aadlen,
                    const uint8_t *in, size_t len, uint8_t *out,
                    uint8_t *tag);
int signet_gcm_open(signet_mac_key *k, const uint8_t *nonce,
                    const uint8_t *aad, size_t aadlen,
                    const uint8_t *in, size_t len, uint8_t *out,
                    const uint8_t *tag);

#endif /* SIGNET_CRYPTO_H */
