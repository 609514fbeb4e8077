/*
 * message.c - per-message protection of an established Signet context:
 * key derivation from the TLS-exported secret, MIC tokens (gss_get_mic,
 * gss_verify_mic and their IOV forms), wrap tokens (gss_wrap, gss_unwrap,
 * gss_wrap_size_limit), the receive window and the datagram sequence-number
 * option.  Token formats, key labels and the nonce argument: docs/tokens.md.
 *
 * Every call: initialise outputs, check arguments, check the context
 * (signet_ctx_check), resolve the QOP, then for a received token parse it
 * (GSS_S_DEFECTIVE_TOKEN), verify its MAC in constant time (GSS_S_BAD_SIG),
 * and only then enter its number into the receive window, so a bad token
 * never changes the window.  A sending call allocates its output before it
 * takes a token number, so the sequence it sends has no gaps from failures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "signet.h"
#include "crypto.h"

#define TOK_ID0 0x53            /* 'S' */
#define TOK_MIC 0x01
#define TOK_WRAP 0x02
#define HDR_LEN 24
#define HDR_NONCE 12            /* offset of instance id || counter */
#define FLAG_ACCEPTOR 0x01      /* sent by the context acceptor */
#define FLAG_SEALED 0x02        /* wrap: payload encrypted (AES-256-GCM) */
#define FLAGS_KNOWN (FLAG_ACCEPTOR | FLAG_SEALED)
#define KDF_SALT "signet message keys v2"
#define KDF_INFO "signet key block"

/* A message given as one buffer or as the DATA/SIGN_ONLY buffers of an
 * IOV array (in order). */
struct msg_input {
    const gss_buffer_desc *buf;
    const gss_iov_buffer_desc *iov;
    int iov_count;
};

/* A parsed token header. */
struct tok_hdr {
    uint8_t flags;
    unsigned alg;
    uint64_t seq;
    size_t maclen;
};

/* ---- keys ---------------------------------------------------------------- */

/* Offsets in the key block (message.h, docs/tokens.md section 4). */
#define K1 SIGNET_KEY_LEN_HMAC_SHA256
#define K2 SIGNET_KEY_LEN_HMAC_SHA384
#define K3 SIGNET_KEY_LEN_HMAC_SHA512
#define K4 SIGNET_KEY_LEN_AES256_GMAC
/* Within a direction: the MIC keys of every algorithm in QOP order, the
 * integrity-only wrap keys in the same order, the sealing key. */
#define KEYS_MIC 0              /* + alg_off[alg] */
#define KEYS_WRAP (K1 + K2 + K3 + K4)
#define KEYS_SEAL (2 * KEYS_WRAP)
static const uint16_t alg_off[SIGNET_ALG_MAX + 1] = {
    [SIGNET_ALG_HMAC_SHA256] = 0,
    [SIGNET_ALG_HMAC_SHA384] = K1,
    [SIGNET_ALG_HMAC_SHA512] = K1 + K2,
    [SIGNET_ALG_AES256_GMAC] = K1 + K2 + K3,
};
_Static_assert(KEYS_SEAL + SIGNET_KEY_LEN_AES256_GCM == SIGNET_MSG_DIR_KEYS,
               "key block layout (message.h, docs/tokens.md section 4)");
_Static_assert(SIGNET_MSG_KEYS_LEN <= SIGNET_KEY_INDEX_MAX,
               "key offsets serve as cache key indexes");

/* Describes the key of direction tx (1: ours, 0: the peer's), purpose
 * KEYS_MIC / KEYS_WRAP / KEYS_SEAL and alg for one call. */
static signet_key
msg_key(const signet_ctx *ctx, int tx, unsigned purpose, unsigned alg)
{
    const signet_msg *msg = &ctx->msg;
    /* i2a keys are the initiator's sending keys. */
    unsigned off = (tx == (ctx->initiator != 0)) ? 0 : SIGNET_MSG_DIR_KEYS;
    signet_key k;

    off += purpose;
    if (purpose != KEYS_SEAL)
        off += alg_off[alg];
    else
        alg = SIGNET_ALG_AES256_GCM;
    k.owner = msg->owner;
    k.index = off;
    k.alg = alg;
    k.bytes = msg->keys + off;
    return k;
}

OM_uint32
signet_msg_setup(OM_uint32 *minor, struct signet_ctx *ctx,
                 const uint8_t *secret, size_t len)
{
    signet_msg *msg = &ctx->msg;
    uint32_t mask = ctx->qop_mask & (((1u << (SIGNET_ALG_MAX + 1)) - 1) & ~1u);
    OM_uint32 major = GSS_S_FAILURE;

    if (msg->ready || len != SIGNET_MSG_SECRET_LEN || secret == NULL)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                           "message keys set up twice or from a %zu-byte "
                           "secret", len);
    /* A context without integrity (no common QOP) has an empty set; its
     * per-message calls fail with GSS_S_BAD_QOP, but it still has a PRF. */
    if (mask != 0 && (ctx->qop_default > SIGNET_ALG_MAX ||
                      !(mask & (1u << ctx->qop_default))))
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                           "negotiated QOP set 0x%x does not hold the "
                           "default QOP %u", ctx->qop_mask,
                           (unsigned)ctx->qop_default);
    memset(msg, 0, sizeof(*msg));
    memcpy(msg->secret, secret, SIGNET_MSG_SECRET_LEN);
    /* One HKDF for the whole key block: every key of both directions,
     * negotiated or not (the layout is fixed), and the PRF key. */
    if (signet_hkdf((const uint8_t *)KDF_SALT, strlen(KDF_SALT), secret,
                    SIGNET_MSG_SECRET_LEN, KDF_INFO, strlen(KDF_INFO),
                    msg->keys, sizeof(msg->keys)) != 0 ||
        (msg->owner = signet_key_owner_new()) == NULL) {
        major = signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                            "could not derive the message keys");
        goto fail;
    }
    if (signet_random(msg->instance_id, sizeof(msg->instance_id)) != 0) {
        major = signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                            "the random generator failed");
        goto fail;
    }
    atomic_init(&msg->counter, 0);
    msg->send_base = 0;
    msg->made_before = 0;
    atomic_init(&msg->token_limit, ctx->rekey_limit);
    signet_fork_init();
    atomic_init(&msg->fork_events, signet_fork_events_now());
    msg->fork_lineage = atomic_load(&signet_fork_lineage);
    msg->datagram = (ctx->flags & GSS_C_DATAGRAM_FLAG) != 0;
    atomic_init(&msg->dgram_next, 0);
    if (signet_seqstate_init(&msg->recv, 0,
                             (ctx->flags & GSS_C_REPLAY_FLAG) != 0,
                             (ctx->flags & GSS_C_SEQUENCE_FLAG) != 0, 1,
                             ctx->replay_window) != 0) {
        major = signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                            "could not set up the receive window");
        goto fail;
    }
    msg->ready = 1;
    *minor = 0;
    return GSS_S_COMPLETE;
fail:
    signet_msg_clear(msg);
    return major;
}

void
signet_msg_clear(signet_msg *msg)
{
    if (msg == NULL)
        return;
    signet_key_owner_retire(&msg->owner);
    signet_wipe(msg, sizeof(*msg));
}

/* ---- export and import of the per-message state ---------------------------- */

void
signet_msg_encode(const signet_msg *msg, signet_buf *b)
{
    const signet_seqstate *rs = &msg->recv;
    uint64_t c = atomic_load_explicit(&msg->counter, memory_order_relaxed);
    uint32_t i;

    signet_put_bytes(b, msg->secret, SIGNET_MSG_SECRET_LEN);
    signet_put_u64(b, msg->send_base + c);
    signet_put_u64(b, atomic_load_explicit(&msg->dgram_next, memory_order_relaxed));
    signet_put_u64(b, msg->made_before + c);
    signet_put_u64(b, atomic_load_explicit(&msg->token_limit, memory_order_relaxed));
    signet_put_u8(b, (uint8_t)rs->do_replay);
    signet_put_u8(b, (uint8_t)rs->do_sequence);
    signet_put_u8(b, rs->mask == UINT64_MAX ? 1 : 0);
    signet_put_u32(b, rs->window);
    signet_put_u64(b, rs->base);
    signet_put_u64(b, rs->next);
    for (i = 0; i < rs->window / 64; i++)
        signet_put_u64(b, rs->seen[i]);
}

OM_uint32
signet_msg_decode(OM_uint32 *minor, struct signet_ctx *ctx, signet_cursor *c)
{
    uint8_t secret[SIGNET_MSG_SECRET_LEN];
    const uint8_t *secret_p;
    uint8_t replay, sequence, wide;
    uint64_t send_next, dgram_next, made, base, next, seen[SIGNET_SEQ_WORDS];
    uint32_t window, i;
    signet_seqstate rs;
    OM_uint32 major;

    memset(secret, 0, sizeof(secret));
    memset(seen, 0, sizeof(seen));
    secret_p = signet_get_bytes(c, SIGNET_MSG_SECRET_LEN);
    if (secret_p != NULL)
        memcpy(secret, secret_p, sizeof(secret));
    send_next = signet_get_u64(c);
    dgram_next = signet_get_u64(c);
    made = signet_get_u64(c);
    ctx->rekey_limit = signet_get_u64(c);
    replay = signet_get_u8(c);
    sequence = signet_get_u8(c);
    wide = signet_get_u8(c);
    window = signet_get_u32(c);
    base = signet_get_u64(c);
    next = signet_get_u64(c);
    ctx->replay_window = window;
    if (!c->err && signet_seqstate_init(&rs, base, replay, sequence, wide,
                                        window) == 0) {
        for (i = 0; i < window / 64; i++)
            seen[i] = signet_get_u64(c);
    } else {
        c->err = 1;
    }
    if (c->err || replay > 1 || sequence > 1 || wide > 1 || rs.base != base ||
        (next & ~rs.mask) != 0 ||
        replay != ((ctx->flags & GSS_C_REPLAY_FLAG) != 0) ||
        sequence != ((ctx->flags & GSS_C_SEQUENCE_FLAG) != 0)) {
        major = signet_fail(minor, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_EXPORT_FORMAT,
                            "the exported context is truncated or its message "
                            "state is inconsistent");
        goto done;
    }
    /* A new instance: fresh random INSTANCE, COUNTER 0 (setup), the
     * numbers and the window as exported. */
    major = signet_msg_setup(minor, ctx, secret, sizeof(secret));
    if (major != GSS_S_COMPLETE)
        goto done;
    ctx->msg.send_base = send_next;
    ctx->msg.made_before = made;
    atomic_store_explicit(&ctx->msg.dgram_next, dgram_next, memory_order_relaxed);
    rs.next = next;
    memcpy(rs.seen, seen, sizeof(rs.seen));
    ctx->msg.recv = rs;
done:
    signet_wipe(secret, sizeof(secret));
    return major;
}

/* ---- common steps -------------------------------------------------------- */

/*
 * The first check of every per-message call (here, prf.c, serialize.c): the
 * context is established, not expired, and its peer's credential is still
 * valid (reval.c).  It lives with the per-message state so that the files
 * that need it do not depend on context establishment.
 */
OM_uint32
signet_ctx_check(OM_uint32 *minor, const signet_ctx *ctx)
{
    time_t now;

    if (ctx == NULL)
        return signet_fail(minor, GSS_S_NO_CONTEXT, SIGNET_ERR_BAD_ARGUMENT,
                           "no security context was given");
    if (ctx->state == SIGNET_CTX_FAILED)
        return signet_fail(minor, GSS_S_NO_CONTEXT, SIGNET_ERR_CONTEXT_FAILED, NULL);
    if (ctx->state != SIGNET_CTX_ESTABLISHED)
        return signet_fail(minor, GSS_S_NO_CONTEXT, SIGNET_ERR_CONTEXT_INCOMPLETE, NULL);
    if (ctx->expiry == 0 && ctx->reval == NULL)
        return GSS_S_COMPLETE;
    now = time(NULL);
    /* The peer's credential first: that failure asks for revalidation. */
    if (ctx->peer_expiry != 0 && now >= ctx->peer_expiry)
        return signet_fail(minor, GSS_S_CONTEXT_EXPIRED, SIGNET_ERR_REVALIDATE,
                           "the peer's certificate has expired: the context "
                           "must be revalidated");
    if (ctx->reval != NULL && signet_reval_revoked(ctx->reval, now))
        return signet_fail(minor, GSS_S_CONTEXT_EXPIRED, SIGNET_ERR_REVALIDATE,
                           "the peer's certificate has been revoked (reloaded "
                           "CRL): the context must be revalidated");
    if (ctx->expiry != 0 && now >= ctx->expiry)
        return signet_fail(minor, GSS_S_CONTEXT_EXPIRED, SIGNET_ERR_CONTEXT_EXPIRED, NULL);
    return GSS_S_COMPLETE;
}

gss_qop_t
signet_ctx_default_qop(const signet_ctx *ctx)
{
    return ctx != NULL && ctx->state == SIGNET_CTX_ESTABLISHED ? ctx->qop_default : 0;
}

/* The MAC algorithm for qop_req on ctx, or GSS_S_BAD_QOP. */
static OM_uint32
resolve_qop(OM_uint32 *minor, const signet_ctx *ctx, gss_qop_t qop_req,
            unsigned *alg)
{
    gss_qop_t qop = qop_req == GSS_C_QOP_DEFAULT ? ctx->qop_default : qop_req;

    *alg = 0;
    if (!(ctx->flags & GSS_C_INTEG_FLAG))
        return signet_fail(minor, GSS_S_BAD_QOP, SIGNET_ERR_NO_INTEGRITY,
                           "the context was established without integrity "
                           "protection (GSS_C_INTEG_FLAG)");
    if (!signet_alg_valid(qop) || !(ctx->qop_mask & (1u << qop)) ||
        !ctx->msg.ready)
        return signet_fail(minor, GSS_S_BAD_QOP, SIGNET_ERR_BAD_QOP,
                           "QOP %u is not among the QOPs negotiated for this "
                           "context (mask 0x%x)", (unsigned)qop_req,
                           ctx->qop_mask);
    *alg = (unsigned)qop;
    return GSS_S_COMPLETE;
}

/*
 * The INSTANCE of a child's copy: SHA-256 over the parent's INSTANCE, the
 * COUNTER at the fork, the fork generations (the parent's event count
 * differs for every child it forks; the lineage for every generation), the
 * process id and the time, truncated to 64 bits.  Nonces need uniqueness,
 * not secrecy; this derivation takes no lock that a thread of the parent
 * could have held at the fork (the random generator's may be).
 */
static int
child_instance(const signet_msg *msg, uint64_t counter, uint32_t events,
               uint32_t lineage, uint8_t out[8])
{
    static const char label[] = "signet fork instance";
    uint8_t in[sizeof(label) + 8 + 8 + 4 + 4 + 8 + 8], h[32];
    struct timespec ts;
    size_t off = sizeof(label);
    int ret;

    memcpy(in, label, sizeof(label));
    memcpy(in + off, msg->instance_id, 8);
    off += 8;
    signet_store_u64(in + off, counter);
    off += 8;
    signet_store_u32(in + off, events);
    off += 4;
    signet_store_u32(in + off, lineage);
    off += 4;
    signet_store_u64(in + off, (uint64_t)getpid());
    off += 8;
    (void)clock_gettime(CLOCK_REALTIME, &ts);
    signet_store_u64(in + off, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
    off += 8;
    ret = signet_sha256(in, off, h);
    memcpy(out, h, 8);
    signet_wipe(h, sizeof(h));
    return ret;
}

/*
 * The first token after a fork() (docs/tokens.md, section 5, "fork"): in a
 * child, the context becomes a new instance (fresh random INSTANCE, COUNTER
 * 0, sequence numbers and the message count continuing from the fork), so
 * that no nonce the parent uses is used again (child_instance).  With rekey_limit set, the
 * tokens left are shared out: each fork halves what remains on both sides,
 * so that all copies together never exceed the limit.  Runs once per
 * context per fork, under the context's fork-safe lock; other threads of
 * the process wait for it, since they too see the new generation.
 */
static OM_uint32
after_fork(OM_uint32 *minor, signet_msg *msg)
{
    uint32_t events, lineage, n;
    uint64_t c, made, limit, left;
    uint8_t id[8];
    OM_uint32 major = GSS_S_COMPLETE;

    signet_forklock_lock(&msg->lock);
    events = signet_fork_events_now();
    if (atomic_load_explicit(&msg->fork_events, memory_order_relaxed) == events)
        goto done;              /* another thread did it */
    lineage = atomic_load_explicit(&signet_fork_lineage, memory_order_acquire);
    if (lineage != msg->fork_lineage) {
        /* The child's copy: no other thread of this process has taken a
         * number since the fork, as they all wait here. */
        c = atomic_load_explicit(&msg->counter, memory_order_relaxed);
        if (c > SIGNET_MSG_MAX_TOKENS)
            c = SIGNET_MSG_MAX_TOKENS;
        if (child_instance(msg, c, events, lineage, id) != 0) {
            major = signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                                "could not make a new instance after fork()");
            goto unlock;
        }
        msg->send_base += c;
        msg->made_before += c;
        memcpy(msg->instance_id, id, sizeof(id));
        atomic_store_explicit(&msg->counter, 0, memory_order_relaxed);
        msg->fork_lineage = lineage;
        signet_wipe(id, sizeof(id));
    }
    limit = atomic_load_explicit(&msg->token_limit, memory_order_relaxed);
    if (limit != 0) {
        n = events - atomic_load_explicit(&msg->fork_events, memory_order_relaxed);
        made = msg->made_before +
               atomic_load_explicit(&msg->counter, memory_order_relaxed);
        left = limit > made ? limit - made : 0;
        left = n >= 64 ? 0 : left >> n;
        if (made + left == 0) {
            /* Nothing left and nothing made: 0 would mean "no limit", so
             * spend one counter value and allow none beyond it. */
            atomic_fetch_add_explicit(&msg->counter, 1, memory_order_relaxed);
            left = 1;
        }
        atomic_store_explicit(&msg->token_limit, made + left, memory_order_relaxed);
    }
done:
    atomic_store_explicit(&msg->fork_events, events, memory_order_release);
unlock:
    signet_forklock_unlock(&msg->lock);
    return major;
}

OM_uint32
signet_msg_sync_fork(OM_uint32 *minor, signet_msg *msg)
{
    if (signet_fork_events_now() ==
        atomic_load_explicit(&msg->fork_events, memory_order_acquire)) {
        *minor = 0;
        return GSS_S_COMPLETE;
    }
    return after_fork(minor, msg);
}

/*
 * Takes the number and nonce counter of the next token this instance
 * makes.  seq_in is the caller's number (datagram contexts) or NULL.
 */
static OM_uint32
take_number(OM_uint32 *minor, signet_msg *msg, const uint64_t *seq_in,
            uint64_t *seq, uint32_t *ctr)
{
    OM_uint32 major;
    uint64_t c, limit;

    /* One atomic load: has this process forked (or been forked) since the
     * context last looked? */
    major = signet_msg_sync_fork(minor, msg);
    if (major != GSS_S_COMPLETE)
        return major;
    c = atomic_fetch_add_explicit(&msg->counter, 1, memory_order_relaxed);
    if (c >= SIGNET_MSG_MAX_TOKENS)
        return signet_fail(minor, GSS_S_CONTEXT_EXPIRED,
                           SIGNET_ERR_RENEGOTIATE,
                           "this context has made 2^32 tokens, the limit "
                           "of one instance: establish a new context");
    limit = atomic_load_explicit(&msg->token_limit, memory_order_relaxed);
    if (limit != 0 && msg->made_before + c >= limit)
        return signet_fail(minor, GSS_S_CONTEXT_EXPIRED,
                           SIGNET_ERR_RENEGOTIATE,
                           "this context has protected %llu messages, its "
                           "share of rekey_limit: renegotiation required "
                           "(establish a new context)",
                           (unsigned long long)limit);
    *ctr = (uint32_t)c;
    if (!msg->datagram)
        *seq = msg->send_base + c;
    else if (seq_in != NULL)
        *seq = *seq_in;
    else
        *seq = atomic_fetch_add_explicit(&msg->dgram_next, 1,
                                         memory_order_relaxed);
    return GSS_S_COMPLETE;
}

static void
put_header(uint8_t *h, uint8_t type, uint8_t flags, unsigned alg,
           uint64_t seq, const uint8_t *instance_id, uint32_t ctr)
{
    h[0] = TOK_ID0;
    h[1] = type;
    h[2] = flags;
    h[3] = (uint8_t)alg;
    signet_store_u64(h + 4, seq);
    memcpy(h + HDR_NONCE, instance_id, 8);
    signet_store_u32(h + HDR_NONCE + 8, ctr);
}

static const char *
tok_name(uint8_t type)
{
    return type == TOK_MIC ? "MIC" : "wrap";
}

/*
 * Parses the header of a received token of the given type.  Checks the
 * id, flags, algorithm and length (GSS_S_DEFECTIVE_TOKEN), the direction
 * (GSS_S_BAD_SIG) and that the algorithm was negotiated (GSS_S_BAD_QOP).
 */
static OM_uint32
parse_header(OM_uint32 *minor, const signet_ctx *ctx, uint8_t type,
             const uint8_t *tok, size_t len, struct tok_hdr *h)
{
    size_t maclen;
    int sealed;

    memset(h, 0, sizeof(*h));
    if (len < HDR_LEN)
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN,
                           SIGNET_ERR_TOKEN_TRUNCATED,
                           "the %s token is %zu bytes, shorter than its "
                           "%d-byte header", tok_name(type), len, HDR_LEN);
    if (tok[0] != TOK_ID0 || tok[1] != type)
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN,
                           SIGNET_ERR_TOKEN_MALFORMED,
                           "the token is not a Signet %s token (id %02x %02x)",
                           tok_name(type), tok[0], tok[1]);
    h->flags = tok[2];
    h->alg = tok[3];
    h->seq = signet_load_u64(tok + 4);
    sealed = (h->flags & FLAG_SEALED) != 0;
    if ((h->flags & ~FLAGS_KNOWN) != 0 || (type == TOK_MIC && sealed))
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN,
                           SIGNET_ERR_TOKEN_MALFORMED,
                           "the %s token has unknown flags 0x%02x",
                           tok_name(type), h->flags);
    if (!signet_alg_valid(h->alg) ||
        (sealed && h->alg != SIGNET_ALG_AES256_GMAC))
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN,
                           SIGNET_ERR_TOKEN_MALFORMED,
                           "the %s token names unknown algorithm %u",
                           tok_name(type), h->alg);
    maclen = sealed ? SIGNET_GCM_TAG_LEN : signet_alg_mac_len(h->alg);
    if (len - HDR_LEN < maclen)
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN,
                           SIGNET_ERR_TOKEN_TRUNCATED,
                           "the %s token is %zu bytes, too short for its "
                           "%zu-byte %s", tok_name(type), len, maclen,
                           sealed ? "tag" : "MAC");
    if (type == TOK_MIC && len - HDR_LEN != maclen)
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN,
                           SIGNET_ERR_TOKEN_MALFORMED,
                           "the MIC token is %zu bytes, not %zu", len,
                           HDR_LEN + maclen);
    h->maclen = maclen;
    /* The peer is the acceptor exactly when we are the initiator. */
    if (((h->flags & FLAG_ACCEPTOR) != 0) != (ctx->initiator != 0))
        return signet_fail(minor, GSS_S_BAD_SIG, SIGNET_ERR_WRONG_DIRECTION,
                           "the %s token was made by this side of the "
                           "context (reflected)", tok_name(type));
    if (!sealed && !(ctx->qop_mask & (1u << h->alg)))
        return signet_fail(minor, GSS_S_BAD_QOP, SIGNET_ERR_BAD_QOP,
                           "the %s token uses QOP %u (%s), which was not "
                           "negotiated for this context", tok_name(type),
                           h->alg, signet_alg_name(h->alg));
    return GSS_S_COMPLETE;
}

/* Enters a verified token's number into the receive window. */
static OM_uint32
window_check(signet_msg *msg, uint64_t seq)
{
    OM_uint32 st;

    if (!msg->recv.do_replay && !msg->recv.do_sequence)
        return GSS_S_COMPLETE;
    signet_forklock_lock(&msg->lock);
    st = signet_seqstate_check(&msg->recv, seq);
    signet_forklock_unlock(&msg->lock);
    return st;
}

static int
iov_signed(const gss_iov_buffer_desc *b)
{
    OM_uint32 t = GSS_IOV_BUFFER_TYPE(b->type);

    return t == GSS_IOV_BUFFER_TYPE_DATA || t == GSS_IOV_BUFFER_TYPE_SIGN_ONLY;
}

static void
mac_input(signet_mac_op *op, const struct msg_input *in)
{
    int i;

    if (in->buf != NULL) {
        signet_mac_update(op, in->buf->value, in->buf->length);
        return;
    }
    for (i = 0; i < in->iov_count; i++) {
        if (iov_signed(&in->iov[i]))
            signet_mac_update(op, in->iov[i].buffer.value,
                              in->iov[i].buffer.length);
    }
}

static size_t
mic_len(unsigned alg)
{
    return HDR_LEN + signet_alg_mac_len(alg);
}

/* Makes a MIC token of mic_len(alg) bytes into tok. */
/*
 * The one MAC path of MIC and integrity-only wrap tokens: the MAC with key
 * (purpose, alg) of this side (tx 1) or the peer's (tx 0) over the 24-byte
 * header hdr, whose nonce bytes are the GMAC nonce, followed by the
 * message.  mac_compute writes it; mac_verify compares it in constant time
 * (GSS_S_COMPLETE, or GSS_S_BAD_SIG with what naming the token kind).
 */
static OM_uint32
mac_run(OM_uint32 *minor, const signet_ctx *ctx, int tx, unsigned purpose,
        unsigned alg, const uint8_t *hdr, const struct msg_input *in,
        uint8_t *mac_out, const uint8_t *mac_in, const char *what)
{
    signet_key key = msg_key(ctx, tx, purpose, alg);
    signet_mac_op op;
    int r;

    if (signet_mac_begin(&op, &key, hdr + HDR_NONCE) != 0) {
        signet_mac_abort(&op);
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                           "could not start the %s MAC", signet_alg_name(alg));
    }
    signet_mac_update(&op, hdr, HDR_LEN);
    mac_input(&op, in);
    r = mac_out != NULL ? signet_mac_finish(&op, mac_out)
                        : signet_mac_verify(&op, mac_in);
    if (r < 0)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                           "the %s MAC failed", signet_alg_name(alg));
    if (r != 0)
        return signet_fail(minor, GSS_S_BAD_SIG, SIGNET_ERR_BAD_MIC,
                           "the %s %s does not match the message",
                           signet_alg_name(alg), what);
    return GSS_S_COMPLETE;
}

static OM_uint32
mac_compute(OM_uint32 *minor, const signet_ctx *ctx, unsigned purpose,
            unsigned alg, const uint8_t *hdr, const struct msg_input *in,
            uint8_t *mac)
{
    return mac_run(minor, ctx, 1, purpose, alg, hdr, in, mac, NULL, NULL);
}

static OM_uint32
mac_verify(OM_uint32 *minor, const signet_ctx *ctx, unsigned purpose,
           unsigned alg, const uint8_t *hdr, const struct msg_input *in,
           const uint8_t *mac, const char *what)
{
    return mac_run(minor, ctx, 0, purpose, alg, hdr, in, NULL, mac, what);
}

static OM_uint32
mic_make(OM_uint32 *minor, signet_ctx *ctx, unsigned alg,
         const struct msg_input *in, const uint64_t *seq_in, uint8_t *tok)
{
    signet_msg *msg = &ctx->msg;
    OM_uint32 major;
    uint64_t seq;
    uint32_t ctr;

    major = take_number(minor, msg, seq_in, &seq, &ctr);
    if (GSS_ERROR(major))
        return major;
    put_header(tok, TOK_MIC, ctx->initiator ? 0 : FLAG_ACCEPTOR, alg, seq,
               msg->instance_id, ctr);
    return mac_compute(minor, ctx, KEYS_MIC, alg, tok, in, tok + HDR_LEN);
}

/*
 * Verifies a MIC token over in; on success enters it into the window and
 * returns its supplementary status.  expect_seq: the number the caller
 * expects (datagram contexts) or NULL.
 */
static OM_uint32
mic_check(OM_uint32 *minor, signet_ctx *ctx, const uint8_t *tok,
          size_t toklen, const struct msg_input *in,
          const uint64_t *expect_seq, gss_qop_t *qop_state)
{
    signet_msg *msg = &ctx->msg;
    struct tok_hdr h;
    OM_uint32 major;

    major = parse_header(minor, ctx, TOK_MIC, tok, toklen, &h);
    if (major != GSS_S_COMPLETE)
        return major;
    major = mac_verify(minor, ctx, KEYS_MIC, h.alg, tok, in, tok + HDR_LEN, "MIC");
    if (major != GSS_S_COMPLETE)
        return major;
    if (expect_seq != NULL && *expect_seq != h.seq)
        return signet_fail(minor, GSS_S_BAD_SIG, SIGNET_ERR_SEQUENCE,
                           "the MIC is for message number %llu, not %llu",
                           (unsigned long long)h.seq,
                           (unsigned long long)*expect_seq);
    if (qop_state != NULL)
        *qop_state = h.alg;
    *minor = 0;
    return window_check(msg, h.seq);
}

/* Checks a message buffer argument. */
static int
buffer_readable(const gss_buffer_t b)
{
    return b != GSS_C_NO_BUFFER && (b->length == 0 || b->value != NULL);
}

/* ---- gss_get_mic / gss_verify_mic --------------------------------------- */

OM_uint32
signet_gss_get_mic(OM_uint32 *minor_status, gss_ctx_id_t context_handle,
                   gss_qop_t qop_req, gss_buffer_t message,
                   gss_buffer_t token)
{
    signet_ctx *ctx = (signet_ctx *)context_handle;
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    struct msg_input in = { message, NULL, 0 };
    uint8_t *out = NULL;
    unsigned alg;
    size_t len;

    if (token != GSS_C_NO_BUFFER)
        signet_gss_buffer_clear(token);
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (token == GSS_C_NO_BUFFER) {
        major = GSS_S_CALL_INACCESSIBLE_WRITE;
        goto done;
    }
    if (!buffer_readable(message)) {
        major = GSS_S_CALL_INACCESSIBLE_READ;
        goto done;
    }
    major = signet_ctx_check(&minor, ctx); /* NULL: GSS_S_NO_CONTEXT */
    if (major != GSS_S_COMPLETE)
        goto done;
    major = resolve_qop(&minor, ctx, qop_req, &alg);
    if (major != GSS_S_COMPLETE)
        goto done;
    len = mic_len(alg);
    out = malloc(len);
    if (out == NULL) {
        major = signet_fail(&minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
        goto done;
    }
    major = mic_make(&minor, ctx, alg, &in, NULL, out);
    if (major != GSS_S_COMPLETE)
        goto done;
    token->value = out;
    token->length = len;
    out = NULL;
done:
    free(out);
    *minor_status = minor;
    return major;
}

OM_uint32
signet_gss_verify_mic(OM_uint32 *minor_status, gss_ctx_id_t context_handle,
                      gss_buffer_t message, gss_buffer_t token,
                      gss_qop_t *qop_state)
{
    signet_ctx *ctx = (signet_ctx *)context_handle;
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    struct msg_input in = { message, NULL, 0 };
    unsigned alg;

    if (qop_state != NULL)
        *qop_state = GSS_C_QOP_DEFAULT;
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (!buffer_readable(message) || !buffer_readable(token)) {
        major = GSS_S_CALL_INACCESSIBLE_READ;
        goto done;
    }
    major = signet_ctx_check(&minor, ctx); /* NULL: GSS_S_NO_CONTEXT */
    if (major != GSS_S_COMPLETE)
        goto done;
    major = resolve_qop(&minor, ctx, GSS_C_QOP_DEFAULT, &alg);
    if (major != GSS_S_COMPLETE)
        goto done;
    major = mic_check(&minor, ctx, token->value, token->length, &in, NULL,
                      qop_state);
done:
    *minor_status = minor;
    return major;
}

/* ---- IOV forms ------------------------------------------------------------ */

/* What iov_scan found in an IOV array. */
struct iov_info {
    gss_iov_buffer_desc *mic;  /* the MIC_TOKEN buffer */
    int have_seq;              /* datagram: a MECH_PARAMS sequence number */
    uint64_t seq;
    int padding;               /* a PADDING buffer is present */
};

/*
 * Checks an IOV array for a MIC call: DATA, SIGN_ONLY, EMPTY, PADDING,
 * at most one MECH_PARAMS (an 8-byte big-endian sequence number, used by
 * datagram contexts and ignored by others) and exactly one MIC_TOKEN.
 */
static OM_uint32
iov_scan(OM_uint32 *minor, const signet_ctx *ctx, gss_iov_buffer_desc *iov,
         int count, struct iov_info *info)
{
    gss_iov_buffer_desc *b;
    int i, params = 0;

    info->mic = NULL;
    info->have_seq = 0;
    info->seq = 0;
    info->padding = 0;
    if (count < 0 || (count > 0 && iov == NULL))
        return GSS_S_CALL_INACCESSIBLE_READ;
    for (i = 0; i < count; i++) {
        b = &iov[i];
        switch (GSS_IOV_BUFFER_TYPE(b->type)) {
        case GSS_IOV_BUFFER_TYPE_DATA:
        case GSS_IOV_BUFFER_TYPE_SIGN_ONLY:
            if (b->buffer.length != 0 && b->buffer.value == NULL)
                return GSS_S_CALL_INACCESSIBLE_READ;
            break;
        case GSS_IOV_BUFFER_TYPE_PADDING:
            info->padding = 1;
            break;
        case GSS_IOV_BUFFER_TYPE_EMPTY:
            break;
        case GSS_IOV_BUFFER_TYPE_MECH_PARAMS:
            if (params++)
                return signet_fail(minor, GSS_S_FAILURE,
                                   SIGNET_ERR_BAD_ARGUMENT,
                                   "more than one MECH_PARAMS buffer");
            if (!ctx->msg.datagram)
                break;
            if (b->buffer.length != 8 || b->buffer.value == NULL)
                return signet_fail(minor, GSS_S_FAILURE,
                                   SIGNET_ERR_BAD_ARGUMENT,
                                   "the MECH_PARAMS buffer holds %zu bytes, "
                                   "not an 8-byte sequence number",
                                   b->buffer.length);
            info->seq = signet_load_u64(b->buffer.value);
            info->have_seq = 1;
            break;
        case GSS_IOV_BUFFER_TYPE_MIC_TOKEN:
            if (info->mic != NULL)
                return signet_fail(minor, GSS_S_FAILURE,
                                   SIGNET_ERR_BAD_ARGUMENT,
                                   "more than one MIC_TOKEN buffer");
            info->mic = b;
            break;
        default:
            return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_BAD_ARGUMENT,
                               "IOV buffer %d has type %u, which MIC calls "
                               "do not take", i,
                               (unsigned)GSS_IOV_BUFFER_TYPE(b->type));
        }
    }
    if (info->mic == NULL)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_BAD_ARGUMENT,
                           "no MIC_TOKEN buffer to hold the token");
    return GSS_S_COMPLETE;
}

/* MIC tokens need no padding: PADDING buffers (if the scan saw any) get
 * length 0. */
static void
iov_zero_padding(const struct iov_info *info, gss_iov_buffer_desc *iov, int count)
{
    int i;

    if (!info->padding)
        return;
    for (i = 0; i < count; i++) {
        if (GSS_IOV_BUFFER_TYPE(iov[i].type) == GSS_IOV_BUFFER_TYPE_PADDING)
            iov[i].buffer.length = 0;
    }
}

/* Common start of the IOV calls: arguments, context, QOP, buffers. */
static OM_uint32
iov_begin(OM_uint32 *minor, signet_ctx *ctx, gss_qop_t qop_req,
          gss_iov_buffer_desc *iov, int count, unsigned *alg,
          struct iov_info *info)
{
    OM_uint32 major;

    *alg = 0;
    info->mic = NULL;
    major = signet_ctx_check(minor, ctx); /* NULL: GSS_S_NO_CONTEXT */
    if (major != GSS_S_COMPLETE)
        return major;
    major = resolve_qop(minor, ctx, qop_req, alg);
    if (major != GSS_S_COMPLETE)
        return major;
    return iov_scan(minor, ctx, iov, count, info);
}

OM_uint32
signet_gss_get_mic_iov(OM_uint32 *minor_status, gss_ctx_id_t context_handle,
                       gss_qop_t qop_req, gss_iov_buffer_desc *iov,
                       int iov_count)
{
    signet_ctx *ctx = (signet_ctx *)context_handle;
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    struct msg_input in = { NULL, iov, iov_count };
    struct iov_info info;
    gss_iov_buffer_desc *mic;
    uint8_t *alloc = NULL;
    unsigned alg;
    size_t len;

    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    major = iov_begin(&minor, ctx, qop_req, iov, iov_count, &alg, &info);
    if (major != GSS_S_COMPLETE)
        goto done;
    mic = info.mic;
    len = mic_len(alg);
    if (mic->type & GSS_IOV_BUFFER_FLAG_ALLOCATE) {
        alloc = malloc(len);
        if (alloc == NULL) {
            major = signet_fail(&minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
            goto done;
        }
    } else if (mic->buffer.value == NULL || mic->buffer.length < len) {
        major = signet_fail(&minor, GSS_S_FAILURE, SIGNET_ERR_BAD_ARGUMENT,
                            "the MIC_TOKEN buffer holds %zu bytes; the "
                            "token needs %zu", mic->buffer.length, len);
        goto done;
    }
    /* Straight into the caller's (or the allocated) buffer: a failure after
     * this point leaves the MIC_TOKEN buffer's contents undefined. */
    major = mic_make(&minor, ctx, alg, &in, info.have_seq ? &info.seq : NULL,
                     alloc != NULL ? alloc : mic->buffer.value);
    if (major != GSS_S_COMPLETE)
        goto done;
    if (alloc != NULL) {
        mic->buffer.value = alloc;
        mic->type |= GSS_IOV_BUFFER_FLAG_ALLOCATED;
        alloc = NULL;
    }
    mic->buffer.length = len;
    iov_zero_padding(&info, iov, iov_count);
done:
    if (alloc != NULL)
        free(alloc);
    *minor_status = minor;
    return major;
}

OM_uint32
signet_gss_verify_mic_iov(OM_uint32 *minor_status,
                          gss_ctx_id_t context_handle, gss_qop_t *qop_state,
                          gss_iov_buffer_desc *iov, int iov_count)
{
    signet_ctx *ctx = (signet_ctx *)context_handle;
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    struct msg_input in = { NULL, iov, iov_count };
    struct iov_info info;
    unsigned alg;

    if (qop_state != NULL)
        *qop_state = GSS_C_QOP_DEFAULT;
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    major = iov_begin(&minor, ctx, GSS_C_QOP_DEFAULT, iov, iov_count, &alg, &info);
    if (major != GSS_S_COMPLETE)
        goto done;
    if (info.mic->buffer.length != 0 && info.mic->buffer.value == NULL) {
        major = GSS_S_CALL_INACCESSIBLE_READ;
        goto done;
    }
    major = mic_check(&minor, ctx, info.mic->buffer.value, info.mic->buffer.length,
                      &in, info.have_seq ? &info.seq : NULL, qop_state);
done:
    *minor_status = minor;
    return major;
}

OM_uint32
signet_gss_get_mic_iov_length(OM_uint32 *minor_status,
                              gss_ctx_id_t context_handle, gss_qop_t qop_req,
                              gss_iov_buffer_desc *iov, int iov_count)
{
    signet_ctx *ctx = (signet_ctx *)context_handle;
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    struct iov_info info;
    unsigned alg;

    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    major = iov_begin(&minor, ctx, qop_req, iov, iov_count, &alg, &info);
    if (major != GSS_S_COMPLETE)
        goto done;
    info.mic->buffer.length = mic_len(alg);
    iov_zero_padding(&info, iov, iov_count);
done:
    *minor_status = minor;
    return major;
}

/* ---- gss_wrap / gss_unwrap ------------------------------------------------ */

OM_uint32
signet_gss_wrap(OM_uint32 *minor_status, gss_ctx_id_t context_handle,
                int conf_req_flag, gss_qop_t qop_req,
                gss_buffer_t input_message, int *conf_state,
                gss_buffer_t output_message)
{
    signet_ctx *ctx = (signet_ctx *)context_handle;
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    struct msg_input in = { input_message, NULL, 0 };
    signet_msg *msg;
    signet_key key;
    uint8_t *out = NULL, *hdr;
    uint64_t seq;
    uint32_t ctr;
    unsigned alg;
    size_t len, tail;
    int sealed;

    if (conf_state != NULL)
        *conf_state = 0;
    if (output_message != GSS_C_NO_BUFFER)
        signet_gss_buffer_clear(output_message);
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (output_message == GSS_C_NO_BUFFER) {
        major = GSS_S_CALL_INACCESSIBLE_WRITE;
        goto done;
    }
    if (!buffer_readable(input_message)) {
        major = GSS_S_CALL_INACCESSIBLE_READ;
        goto done;
    }
    major = signet_ctx_check(&minor, ctx); /* NULL: GSS_S_NO_CONTEXT */
    if (major != GSS_S_COMPLETE)
        goto done;
    major = resolve_qop(&minor, ctx, qop_req, &alg);
    if (major != GSS_S_COMPLETE)
        goto done;
    msg = &ctx->msg;
    sealed = conf_req_flag && (ctx->flags & GSS_C_CONF_FLAG);
    tail = sealed ? SIGNET_GCM_TAG_LEN : signet_alg_mac_len(alg);
    if (input_message->length > SIZE_MAX - HDR_LEN - tail) {
        major = signet_fail(&minor, GSS_S_FAILURE, SIGNET_ERR_BAD_ARGUMENT,
                            "the message is too long to wrap");
        goto done;
    }
    len = HDR_LEN + input_message->length + tail;
    out = malloc(len);
    if (out == NULL) {
        major = signet_fail(&minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
        goto done;
    }
    major = take_number(&minor, msg, NULL, &seq, &ctr);
    if (major != GSS_S_COMPLETE)
        goto done;
    hdr = out;
    put_header(hdr, TOK_WRAP,
               (ctx->initiator ? 0 : FLAG_ACCEPTOR) | (sealed ? FLAG_SEALED : 0),
               sealed ? SIGNET_ALG_AES256_GMAC : alg, seq, msg->instance_id,
               ctr);
    if (sealed) {
        key = msg_key(ctx, 1, KEYS_SEAL, 0);
        if (signet_gcm_seal(&key, hdr + HDR_NONCE, hdr, HDR_LEN,
                            input_message->value, input_message->length,
                            out + HDR_LEN,
                            out + HDR_LEN + input_message->length) != 0) {
            major = signet_fail(&minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                                "AES-256-GCM encryption failed");
            goto done;
        }
    } else {
        if (input_message->length != 0)
            memcpy(out + HDR_LEN, input_message->value, input_message->length);
        major = mac_compute(&minor, ctx, KEYS_WRAP, alg, hdr, &in,
                            out + HDR_LEN + input_message->length);
        if (major != GSS_S_COMPLETE)
            goto done;
    }
    output_message->value = out;
    output_message->length = len;
    out = NULL;
    if (conf_state != NULL)
        *conf_state = sealed;
    major = GSS_S_COMPLETE;
done:
    if (out != NULL) {
        signet_wipe(out, len);
        free(out);
    }
    *minor_status = minor;
    return major;
}

OM_uint32
signet_gss_unwrap(OM_uint32 *minor_status, gss_ctx_id_t context_handle,
                  gss_buffer_t input_message, gss_buffer_t output_message,
                  int *conf_state, gss_qop_t *qop_state)
{
    signet_ctx *ctx = (signet_ctx *)context_handle;
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    signet_msg *msg;
    signet_key key;
    gss_buffer_desc payload;
    struct msg_input in = { &payload, NULL, 0 };
    struct tok_hdr h;
    const uint8_t *tok;
    uint8_t *out = NULL;
    size_t plen = 0;
    unsigned alg;
    int sealed, r;

    if (conf_state != NULL)
        *conf_state = 0;
    if (qop_state != NULL)
        *qop_state = GSS_C_QOP_DEFAULT;
    if (output_message != GSS_C_NO_BUFFER)
        signet_gss_buffer_clear(output_message);
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (output_message == GSS_C_NO_BUFFER) {
        major = GSS_S_CALL_INACCESSIBLE_WRITE;
        goto done;
    }
    if (!buffer_readable(input_message)) {
        major = GSS_S_CALL_INACCESSIBLE_READ;
        goto done;
    }
    major = signet_ctx_check(&minor, ctx); /* NULL: GSS_S_NO_CONTEXT */
    if (major != GSS_S_COMPLETE)
        goto done;
    major = resolve_qop(&minor, ctx, GSS_C_QOP_DEFAULT, &alg);
    if (major != GSS_S_COMPLETE)
        goto done;
    msg = &ctx->msg;
    tok = input_message->value;
    major = parse_header(&minor, ctx, TOK_WRAP, tok, input_message->length,
                         &h);
    if (major != GSS_S_COMPLETE)
        goto done;
    sealed = (h.flags & FLAG_SEALED) != 0;
    plen = input_message->length - HDR_LEN - h.maclen;
    out = malloc(plen != 0 ? plen : 1);
    if (out == NULL) {
        major = signet_fail(&minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
        goto done;
    }
    if (sealed) {
        key = msg_key(ctx, 0, KEYS_SEAL, 0);
        r = signet_gcm_open(&key, tok + HDR_NONCE, tok, HDR_LEN,
                            tok + HDR_LEN, plen, out, tok + HDR_LEN + plen);
        if (r < 0) {
            major = signet_fail(&minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                                "the AES-256-GCM check failed to run");
            goto done;
        }
        if (r != 0) {
            major = signet_fail(&minor, GSS_S_BAD_SIG, SIGNET_ERR_BAD_MIC,
                                "the wrap token's AES-256-GCM tag does not "
                                "match its contents");
            goto done;
        }
    } else {
        payload.value = (void *)(tok + HDR_LEN);
        payload.length = plen;
        major = mac_verify(&minor, ctx, KEYS_WRAP, h.alg, tok, &in,
                           tok + HDR_LEN + plen, "wrap token MAC");
        if (major != GSS_S_COMPLETE)
            goto done;
    }
    if (!sealed && plen != 0)
        memcpy(out, tok + HDR_LEN, plen);
    major = window_check(msg, h.seq);
    /* An empty message is returned as {0, NULL}: mechglue's
     * gss_release_buffer frees only buffers of non-zero length. */
    if (plen != 0) {
        output_message->value = out;
        output_message->length = plen;
        out = NULL;
    }
    if (conf_state != NULL)
        *conf_state = sealed;
    if (qop_state != NULL)
        *qop_state = h.alg;
done:
    if (out != NULL) {
        signet_wipe(out, plen);
        free(out);
    }
    *minor_status = minor;
    return major;
}

OM_uint32
signet_gss_wrap_size_limit(OM_uint32 *minor_status,
                           gss_ctx_id_t context_handle, int conf_req_flag,
                           gss_qop_t qop_req, OM_uint32 req_output_size,
                           OM_uint32 *max_input_size)
{
    signet_ctx *ctx = (signet_ctx *)context_handle;
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    unsigned alg;
    size_t overhead;

    if (max_input_size != NULL)
        *max_input_size = 0;
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (max_input_size == NULL) {
        major = GSS_S_CALL_INACCESSIBLE_WRITE;
        goto done;
    }
    major = signet_ctx_check(&minor, ctx); /* NULL: GSS_S_NO_CONTEXT */
    if (major != GSS_S_COMPLETE)
        goto done;
    major = resolve_qop(&minor, ctx, qop_req, &alg);
    if (major != GSS_S_COMPLETE)
        goto done;
    overhead = HDR_LEN + ((conf_req_flag && (ctx->flags & GSS_C_CONF_FLAG))
                          ? SIGNET_GCM_TAG_LEN : signet_alg_mac_len(alg));
    *max_input_size = req_output_size > overhead
                      ? req_output_size - (OM_uint32)overhead : 0;
done:
    *minor_status = minor;
    return major;
}

/* ---- gss_set_sec_context_option ------------------------------------------ */

static const gss_OID_desc seqnum_option_oid = {
    SIGNET_OPT_NEXT_SEQNUM_OID_DER_LENGTH,
    (void *)SIGNET_OPT_NEXT_SEQNUM_OID_DER
};

OM_uint32
signet_gss_set_sec_context_option(OM_uint32 *minor_status,
                                  gss_ctx_id_t *context_handle,
                                  const gss_OID desired_object,
                                  const gss_buffer_t value)
{
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    signet_ctx *ctx;

    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (desired_object == GSS_C_NO_OID) {
        major = GSS_S_CALL_INACCESSIBLE_READ;
        goto done;
    }
    if (!signet_oid_equal(desired_object, &seqnum_option_oid)) {
        major = signet_fail(&minor, GSS_S_UNAVAILABLE, SIGNET_ERR_UNSUPPORTED,
                            "Signet has no such context option");
        goto done;
    }
    if (context_handle == NULL || *context_handle == GSS_C_NO_CONTEXT) {
        major = GSS_S_NO_CONTEXT;
        goto done;
    }
    ctx = (signet_ctx *)*context_handle;
    major = signet_ctx_check(&minor, ctx);
    if (major != GSS_S_COMPLETE)
        goto done;
    if (!ctx->msg.datagram) {
        major = signet_fail(&minor, GSS_S_UNAVAILABLE, SIGNET_ERR_UNSUPPORTED,
                            "the context numbers its own messages; sequence "
                            "numbers can be set only on datagram contexts "
                            "(GSS_C_DATAGRAM_FLAG)");
        goto done;
    }
    if (value == GSS_C_NO_BUFFER || value->length != 8 ||
        value->value == NULL) {
        major = signet_fail(&minor, GSS_S_FAILURE, SIGNET_ERR_BAD_ARGUMENT,
                            "the sequence number option takes an 8-byte "
                            "big-endian number");
        goto done;
    }
    atomic_store_explicit(&ctx->msg.dgram_next,
                          signet_load_u64(value->value),
                          memory_order_relaxed);
    major = GSS_S_COMPLETE;
done:
    *minor_status = minor;
    return major;
}
