/*
 * message.h - per-message state of an established Signet context.
 * (Owned by message.c; context.c only calls signet_msg_setup/clear;
 * serialize.c and prf.c use the accessors below.)
 *
 * Threads: get_mic, wrap (and their IOV forms) may run concurrently on one
 * context: the token counter is atomic, the raw keys are read-only after
 * setup and each thread MACs with keyed contexts of its own (crypto.h).
 * verify_mic and unwrap may run concurrently too: only the receive window
 * is locked, after the MAC has been verified.  Export,
 * import, set_sec_context_option and delete must not overlap any other call
 * on the same context.
 */
#ifndef SIGNET_MESSAGE_H
#define SIGNET_MESSAGE_H

#include <stdatomic.h>
#include <stdint.h>
#include <gssapi/gssapi.h>

#include "seqstate.h"
#include "fork.h"

struct signet_key_owner;

/*
 * The key block: every raw key of the context, derived at setup with one
 * HKDF (docs/tokens.md, section 4).  Per direction (i2a at 0, a2i at
 * SIGNET_MSG_DIR_KEYS): MIC keys for HMAC-SHA256, -SHA384, -SHA512 and
 * AES-256-GMAC (32 + 48 + 64 + 32 bytes), the integrity-only wrap keys in
 * the same order, the AES-256-GCM sealing key (32); then the PRF key (32).
 */
#define SIGNET_MSG_DIR_KEYS 384
#define SIGNET_MSG_PRF_KEY (2 * SIGNET_MSG_DIR_KEYS)   /* offset */
#define SIGNET_MSG_PRF_KEY_LEN 32
#define SIGNET_MSG_KEYS_LEN (SIGNET_MSG_PRF_KEY + SIGNET_MSG_PRF_KEY_LEN)

typedef struct signet_msg {
    int ready;                 /* keys derived */
    uint8_t secret[64];        /* the TLS-exported secret (kept for export) */
    uint8_t keys[SIGNET_MSG_KEYS_LEN];  /* the key block */
    struct signet_key_owner *owner;     /* liveness of keys in the
                                           per-thread caches (crypto.h) */

    /* Sending.  Every token this instance makes takes one value of
     * counter; in stream mode its sequence number is send_base + that
     * value, and its nonce is instance_id || (uint32_t)value. */
    uint8_t instance_id[8];    /* random, new at setup, at each import and
                                  in a fork()ed child */
    _Atomic uint64_t counter;
    uint64_t send_base;
    uint64_t made_before;      /* tokens made by earlier instances (export,
                                  fork) */
    _Atomic uint64_t token_limit; /* rekey_limit: tokens the keys may protect
                                  in all, 0 = only the per-instance limit;
                                  shared out between the processes at a
                                  fork */
    _Atomic uint32_t fork_events; /* signet_fork_events when last checked */
    uint32_t fork_lineage;        /* signet_fork_lineage of this instance */
    int datagram;              /* GSS_C_DATAGRAM_FLAG: caller numbers */
    _Atomic uint64_t dgram_next;  /* next number when the caller gives none */

    /* Receiving, and the change of instance after a fork. */
    signet_forklock lock;      /* guards recv and the fork change */
    signet_seqstate recv;
} signet_msg;

struct signet_ctx;

/* Called once when the handshake completes.  secret is SIGNET_MSG_SECRET_LEN
 * bytes exported from TLS (label "EXPORTER-signet message keys"); the
 * context's initiator, flags, qop_mask and qop_default are already set. */
#define SIGNET_MSG_SECRET_LEN 64
OM_uint32 signet_msg_setup(OM_uint32 *minor, struct signet_ctx *ctx,
                           const uint8_t *secret, size_t len);
/* Wipes keys and frees what setup allocated; the calling thread's cached
 * keyed contexts for them are freed now, other threads' at their next
 * per-message call (crypto.h). */
void signet_msg_clear(signet_msg *msg);

/* The per-message part of an exported context (docs/tokens.md section 10,
 * from the message secret to the window bitmap), and back: decode reads it
 * into ctx (whose initiator, flags and QOPs are set) as a new instance. */
struct signet_buf;
struct signet_cursor;
void signet_msg_encode(const signet_msg *msg, struct signet_buf *b);
OM_uint32 signet_msg_decode(OM_uint32 *minor, struct signet_ctx *ctx,
                            struct signet_cursor *c);

/* Applies a fork() this process took part in since the context last
 * looked (a new instance in a child, rekey_limit shared out): message.c
 * does it before every token, serialize.c before an export. */
OM_uint32 signet_msg_sync_fork(OM_uint32 *minor, signet_msg *msg);

/* Tokens one instance may make before it must be replaced (2^32). */
#define SIGNET_MSG_MAX_TOKENS ((uint64_t)1 << 32)

#endif
