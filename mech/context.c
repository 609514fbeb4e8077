/*
 * context.c - security-context establishment (gss_init_sec_context,
 * gss_accept_sec_context) and context inquiry and deletion.
 *
 * Context tokens (docs/protocol.md):
 *   [RFC 2743 3.1 framing with the Signet OID: first initiator token only]
 *   u8 version (1) | u8 type | u8 flags (0x01: sent by the acceptor) | body
 *   type 1 HANDSHAKE: body = TLS 1.3 records
 *   type 2 ERROR:     body = u32 major | u32 minor | u16 n | n bytes of text
 *
 * Legs: (1) initiator ClientHello; (2) acceptor ServerHello..Finished;
 * (3) initiator Certificate..Finished + its parameters as TLS application
 * data; (4) acceptor's parameters (its verdict) as application data.  A
 * side that fails while its peer waits for a token sends an ERROR token so
 * that both fail with the same status and reason.  Once established, the
 * per-message keys come from the TLS exporter and the TLS object is freed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls.h"
#include "crypto.h"

#define TOKEN_VERSION 1
#define TOKEN_HANDSHAKE 1
#define TOKEN_ERROR 2
#define TOKEN_FROM_ACCEPTOR 0x01
#define TOKEN_HEADER_LEN 3
#define ERROR_TEXT_MAX 400
#define EXPORTER_LABEL "EXPORTER-signet message keys"

/* Flags a Signet context can offer (delegation is not supported). */
#define OFFERED_FLAGS (GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | \
                       GSS_C_SEQUENCE_FLAG | GSS_C_CONF_FLAG | \
                       GSS_C_INTEG_FLAG | GSS_C_ANON_FLAG | \
                       GSS_C_DATAGRAM_FLAG)

void
signet_ctx_free(signet_ctx **ctxp)
{
    signet_ctx *ctx;

    if (ctxp == NULL || *ctxp == NULL)
        return;
    ctx = *ctxp;
    signet_tls_free(&ctx->tls);
    signet_cred_free(&ctx->cred);
    signet_reval_free(&ctx->reval);
    signet_msg_clear(&ctx->msg);
    signet_name_free(&ctx->initiator_name);
    signet_name_free(&ctx->acceptor_name);
    signet_wipe(ctx, sizeof(*ctx));
    free(ctx);
    *ctxp = NULL;
}

static OM_uint32
time_left(const signet_ctx *ctx)
{
    time_t now = time(NULL);

    if (ctx->expiry == 0)
        return GSS_C_INDEFINITE;
    return ctx->expiry > now ? (OM_uint32)(ctx->expiry - now) : 0;
}

/*
 * Remembers the digest of a context token from the peer; returns 1 if it is
 * the token processed last (a replay into this context).
 */
static int
seen_token(signet_ctx *ctx, gss_buffer_t input)
{
    uint8_t h[32];
    int same;

    if (signet_sha256(input->value, input->length, h) != 0)
        return 0;
    same = signet_memcmp_ct(h, ctx->last_token, sizeof(h)) == 0;
    memcpy(ctx->last_token, h, sizeof(h));
    return same;
}

/* ---- tokens --------------------------------------------------------------- */

static void
put_header(signet_buf *b, int initiator, uint8_t type)
{
    signet_put_u8(b, TOKEN_VERSION);
    signet_put_u8(b, type);
    signet_put_u8(b, initiator ? 0 : TOKEN_FROM_ACCEPTOR);
}

/*
 * Builds an ERROR token for a local failure (major, code).  The peer has
 * not authenticated (or has failed to): it gets the major status and
 * signet_minor_for_peer(code) with that code's standard sentence only,
 * never the local detail.
 */
static void
make_error_token(const signet_ctx *ctx, OM_uint32 major, OM_uint32 code,
                 gss_buffer_t output)
{
    signet_buf b;
    OM_uint32 sent = signet_minor_for_peer(code);
    const char *text = signet_minor_text(sent);
    size_t n = text != NULL ? strlen(text) : 0;

    if (n > ERROR_TEXT_MAX)
        n = ERROR_TEXT_MAX;
    signet_buf_init(&b);
    put_header(&b, ctx->initiator, TOKEN_ERROR);
    signet_put_u32(&b, major);
    signet_put_u32(&b, sent);
    signet_put_u16(&b, (uint16_t)n);
    signet_put_bytes(&b, text, n);
    if (signet_buf_to_gss(&b, output) != 0)
        signet_gss_buffer_clear(output);
}

/* The status an ERROR token from the peer stands for (hostile input). */
static OM_uint32
peer_error(OM_uint32 *minor, const signet_ctx *ctx, signet_cursor *c)
{
    OM_uint32 major = signet_get_u32(c), code = signet_get_u32(c);
    uint16_t n = signet_get_u16(c);
    const uint8_t *text = signet_get_bytes(c, n);
    char clean[ERROR_TEXT_MAX + 1];
    const char *peer = ctx->initiator ? "acceptor" : "initiator";
    size_t i, len;

    if (c->err || c->left != 0)
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_TOKEN_MALFORMED,
                           "malformed error token from the %s", peer);
    len = n < ERROR_TEXT_MAX ? n : ERROR_TEXT_MAX;
    for (i = 0; i < len; i++)
        clean[i] = text[i] >= 0x20 && text[i] < 0x7f ? (char)text[i] : '?';
    clean[len] = '\0';
    /* Only a calling error or routine error the peer could have meant. */
    if (GSS_CALLING_ERROR(major) != 0 || GSS_ROUTINE_ERROR(major) == 0)
        major = GSS_S_FAILURE;
    major = GSS_ROUTINE_ERROR(major);
    if (signet_minor_text(code) == NULL)
        code = SIGNET_ERR_PEER_ERROR;
    return signet_fail(minor, major, code, "the %s reported: %s", peer, clean);
}

/*
 * Parses a token from the peer: checks version, direction and type.
 * HANDSHAKE: body and bodylen give the TLS records.  ERROR: returns the peer's
 * status.  first: the acceptor's first token must be framed.
 */
static OM_uint32
parse_token(OM_uint32 *minor, const signet_ctx *ctx, int first,
            gss_buffer_t input, const uint8_t **body, size_t *bodylen,
            int *peer_failed)
{
    const uint8_t *data = input->value;
    size_t len = input->length;
    signet_cursor c;
    uint8_t version, type, flags;
    int r;

    *body = NULL;
    *bodylen = 0;
    *peer_failed = 0;
    if (first) {
        r = signet_token_unframe(input->value, input->length, &data, &len);
        if (r == -2)
            return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_TOKEN_WRONG_MECH,
                               "the initial context token names another mechanism");
        if (r != 0)
            return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_TOKEN_MALFORMED,
                               "the initial context token lacks the RFC 2743 "
                               "framing (%zu bytes)", (size_t)input->length);
    }
    signet_cursor_init(&c, data, len);
    version = signet_get_u8(&c);
    type = signet_get_u8(&c);
    flags = signet_get_u8(&c);
    if (c.err)
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_TOKEN_TRUNCATED,
                           "the context token is truncated (%zu bytes)", len);
    if (version != TOKEN_VERSION)
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_TOKEN_MALFORMED,
                           "context token version %u is not supported", version);
    if (((flags & TOKEN_FROM_ACCEPTOR) != 0) != (ctx->initiator != 0) ||
        (flags & ~TOKEN_FROM_ACCEPTOR) != 0)
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_WRONG_DIRECTION,
                           "the %s received a context token sent by an %s",
                           ctx->initiator ? "initiator" : "acceptor",
                           flags & TOKEN_FROM_ACCEPTOR ? "acceptor" : "initiator");
    if (type == TOKEN_ERROR) {
        *peer_failed = 1;
        return peer_error(minor, ctx, &c);
    }
    if (type != TOKEN_HANDSHAKE || c.left == 0)
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_TOKEN_MALFORMED,
                           "unknown or empty context token (type %u)", type);
    *body = c.p;
    *bodylen = c.left;
    return GSS_S_COMPLETE;
}

/* Wraps TLS records into a HANDSHAKE token in output. */
static OM_uint32
emit_handshake(OM_uint32 *minor, const signet_ctx *ctx, int first,
               const signet_buf *records, gss_buffer_t output)
{
    signet_buf inner, framed;
    OM_uint32 major;

    signet_buf_init(&inner);
    put_header(&inner, ctx->initiator, TOKEN_HANDSHAKE);
    signet_put_bytes(&inner, records->data, records->len);
    if (first) {
        signet_buf_init(&framed);
        major = inner.err ? GSS_S_FAILURE :
                signet_token_frame(minor, inner.data, inner.len, &framed);
        signet_buf_clear(&inner);
        if (major != GSS_S_COMPLETE) {
            signet_buf_clear(&framed);
            return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
        }
        inner = framed;
    }
    if (signet_buf_to_gss(&inner, output) != 0)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
    return GSS_S_COMPLETE;
}

/* ---- the context parameters ------------------------------------------------ */

/*
 * Each side's parameters, sent inside TLS once its handshake completes
 * (docs/protocol.md, "Legs"): the initiator's request (leg 3) and the
 * acceptor's verdict (leg 4).  Encoding, version 1, big-endian:
 *   u8 version | u32 flags | u32 qop_mask | u8 qop_default | u32 lifetime |
 *   u8 has_cb | 32 cb_hash | u16 n | n bytes target (printable ASCII)
 */
#define PARAMS_VERSION 1
#define PARAMS_TARGET_MAX 255
#define PARAMS_MAX (1 + 4 + 4 + 1 + 4 + 1 + 32 + 2 + PARAMS_TARGET_MAX)

struct signet_params {
    OM_uint32 flags;
    uint32_t qop_mask;
    uint32_t qop_default;
    uint32_t lifetime;        /* acceptor: seconds, 0 = indefinite */
    int has_cb;               /* initiator: channel bindings present */
    uint8_t cb_hash[32];
    char target[PARAMS_TARGET_MAX + 1]; /* initiator: service@host or "" */
};

static OM_uint32
send_params(OM_uint32 *minor, const signet_ctx *ctx,
            const struct signet_params *p, signet_buf *records)
{
    size_t tlen = strnlen(p->target, PARAMS_TARGET_MAX);
    signet_buf b;
    OM_uint32 major;

    signet_buf_init(&b);
    signet_put_u8(&b, PARAMS_VERSION);
    signet_put_u32(&b, p->flags);
    signet_put_u32(&b, p->qop_mask);
    signet_put_u8(&b, (uint8_t)p->qop_default);
    signet_put_u32(&b, p->lifetime);
    signet_put_u8(&b, p->has_cb ? 1 : 0);
    signet_put_bytes(&b, p->cb_hash, sizeof(p->cb_hash));
    signet_put_u16(&b, (uint16_t)tlen);
    signet_put_bytes(&b, p->target, tlen);
    major = b.err ? signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL)
                  : signet_tls_send_app(minor, ctx->tls, b.data, b.len, records);
    signet_buf_clear(&b);
    return major;
}

static OM_uint32
recv_params(OM_uint32 *minor, const signet_ctx *ctx, const uint8_t *in,
            size_t inlen, struct signet_params *p)
{
    uint8_t msg[PARAMS_MAX + 1];
    const uint8_t *cb, *target;
    signet_cursor c;
    size_t len, i;
    uint16_t tlen;
    uint8_t version, has_cb;
    OM_uint32 major;

    memset(p, 0, sizeof(*p));
    major = signet_tls_recv_app(minor, ctx->tls, in, inlen, msg, sizeof(msg), &len);
    if (major != GSS_S_COMPLETE)
        return major;
    signet_cursor_init(&c, msg, len);
    version = signet_get_u8(&c);
    p->flags = signet_get_u32(&c);
    p->qop_mask = signet_get_u32(&c);
    p->qop_default = signet_get_u8(&c);
    p->lifetime = signet_get_u32(&c);
    has_cb = signet_get_u8(&c);
    cb = signet_get_bytes(&c, sizeof(p->cb_hash));
    tlen = signet_get_u16(&c);
    target = tlen <= PARAMS_TARGET_MAX ? signet_get_bytes(&c, tlen) : NULL;
    for (i = 0; target != NULL && i < tlen; i++) {
        if (target[i] < 0x20 || target[i] > 0x7e)
            target = NULL;     /* printable names only */
    }
    if (c.err || c.left != 0 || version != PARAMS_VERSION || has_cb > 1 ||
        target == NULL) {
        signet_wipe(msg, sizeof(msg));
        memset(p, 0, sizeof(*p));
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_TOKEN_MALFORMED,
                           "the peer's context parameters are malformed");
    }
    p->has_cb = has_cb;
    memcpy(p->cb_hash, cb, sizeof(p->cb_hash));
    memcpy(p->target, target, tlen);
    p->target[tlen] = '\0';
    signet_wipe(msg, sizeof(msg));
    return GSS_S_COMPLETE;
}

/* SHA-256 over an encoding of the channel bindings (the RFC 4121 4.1.1.2
 * fields); the initiator sends it in its parameters. */
static OM_uint32
hash_bindings(OM_uint32 *minor, const gss_channel_bindings_t cb,
                         uint8_t hash[32])
{
    static const char label[] = "signet channel bindings";
    signet_buf b;
    int ok;

    if ((cb->initiator_address.length != 0 && cb->initiator_address.value == NULL) ||
        (cb->acceptor_address.length != 0 && cb->acceptor_address.value == NULL) ||
        (cb->application_data.length != 0 && cb->application_data.value == NULL) ||
        cb->initiator_address.length > UINT32_MAX ||
        cb->acceptor_address.length > UINT32_MAX ||
        cb->application_data.length > UINT32_MAX)
        return signet_fail(minor, GSS_S_CALL_INACCESSIBLE_READ,
                           SIGNET_ERR_BAD_ARGUMENT,
                           "the channel bindings hold a NULL buffer or one "
                           "longer than 4 GiB");
    /* label || for each field: u32 (type or length) || bytes */
    signet_buf_init(&b);
    signet_put_bytes(&b, label, sizeof(label) - 1);
    signet_put_u32(&b, cb->initiator_addrtype);
    signet_put_u32(&b, (uint32_t)cb->initiator_address.length);
    signet_put_bytes(&b, cb->initiator_address.value, cb->initiator_address.length);
    signet_put_u32(&b, cb->acceptor_addrtype);
    signet_put_u32(&b, (uint32_t)cb->acceptor_address.length);
    signet_put_bytes(&b, cb->acceptor_address.value, cb->acceptor_address.length);
    signet_put_u32(&b, (uint32_t)cb->application_data.length);
    signet_put_bytes(&b, cb->application_data.value, cb->application_data.length);
    ok = !b.err && signet_sha256(b.data, b.len, hash) == 0;
    signet_buf_clear(&b);
    if (!ok)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                           "cannot hash the channel bindings");
    return GSS_S_COMPLETE;
}

/* ---- completion ------------------------------------------------------------- */

/* Lifetime bound from configuration and both certificates; 0 = none. */
static time_t
lifetime_bound(const signet_cred *cred, time_t peer_expiry)
{
    time_t now = time(NULL), expiry = 0;

    if (cred->max_lifetime != 0)
        expiry = now + (time_t)cred->max_lifetime;
    if (cred->cert_expiry != 0 && (expiry == 0 || cred->cert_expiry < expiry))
        expiry = cred->cert_expiry;
    if (peer_expiry != 0 && (expiry == 0 || peer_expiry < expiry))
        expiry = peer_expiry;
    return expiry;
}

static uint32_t
choose_default_qop(uint32_t mask, uint32_t mine, uint32_t theirs)
{
    uint32_t q;

    if (mine < 32 && (mask & (1u << mine)))
        return mine;
    if (theirs < 32 && (mask & (1u << theirs)))
        return theirs;
    for (q = 31; q > 0; q--) {
        if (mask & (1u << q))
            return q;
    }
    return 0;
}

/* Derives the per-message keys and drops the handshake state. */
static OM_uint32
finish(OM_uint32 *minor, signet_ctx *ctx)
{
    uint8_t secret[SIGNET_MSG_SECRET_LEN];
    OM_uint32 major;

    ctx->replay_window = ctx->cred->replay_window;
    ctx->rekey_limit = ctx->cred->rekey_limit;
    major = signet_tls_reval_new(minor, ctx->tls, ctx->cred->crl_file,
                                 ctx->cred->crl_check_interval, &ctx->reval);
    if (major != GSS_S_COMPLETE)
        return major;
    major = signet_tls_export(minor, ctx->tls, EXPORTER_LABEL, secret,
                              sizeof(secret));
    if (major == GSS_S_COMPLETE)
        major = signet_msg_setup(minor, ctx, secret, sizeof(secret));
    signet_wipe(secret, sizeof(secret));
    if (major != GSS_S_COMPLETE)
        return major;
    signet_tls_free(&ctx->tls);
    signet_cred_free(&ctx->cred);
    ctx->state = SIGNET_CTX_ESTABLISHED;
    signet_trace("%s: context established with %s, flags 0x%x, default QOP %u, "
                 "lifetime %s", ctx->initiator ? "initiator" : "acceptor",
                 ctx->initiator ? ctx->acceptor_name->value :
                                  ctx->initiator_name->value,
                 ctx->flags, ctx->qop_default,
                 ctx->expiry == 0 ? "indefinite" : "bounded");
    return GSS_S_COMPLETE;
}

/* ---- initiator ------------------------------------------------------------------ */

static OM_uint32
init_first(OM_uint32 *minor, signet_cred *cred_in, signet_ctx **ctxp,
           const signet_name *target, OM_uint32 req_flags, gss_buffer_t output)
{
    OM_uint32 major;
    signet_ctx *ctx = NULL;
    signet_cred *cred = NULL;
    signet_buf records;
    int done, anonymous = (req_flags & GSS_C_ANON_FLAG) != 0;

    signet_buf_init(&records);
    if (target == NULL)
        return signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                           "no target name was given");
    if (target->kind == SIGNET_NAME_ANONYMOUS)
        return signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                           "the anonymous name cannot be a target");
    if (target->kind == SIGNET_NAME_PSK)
        return signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                           "target name psk:%s names a pre-shared key, which "
                           "authenticates initiators, not an acceptor (name "
                           "the acceptor as service@host)", target->value);
    if (target->kind != SIGNET_NAME_HOSTBASED &&
        target->kind != SIGNET_NAME_X509 && target->kind != SIGNET_NAME_USER)
        return signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                           "the target name cannot name an acceptor");
    if (target->kind == SIGNET_NAME_HOSTBASED && target->host == NULL)
        return signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                           "target name %s has no host to check the acceptor's "
                           "certificate against (use service@host)", target->value);
    if (cred_in == NULL) {
        major = signet_cred_default(minor, GSS_C_INITIATE, &cred);
        if (major != GSS_S_COMPLETE)
            return major;
    } else if (cred_in->usage == GSS_C_ACCEPT) {
        return signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_USAGE,
                           "the credential is for accepting contexts only");
    } else {
        cred = signet_cred_ref(cred_in);
    }
    if (!anonymous && !signet_tls_cred_has_cert(cred) && cred->psk == NULL) {
        major = signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_NO_CREDENTIALS,
                            "the initiator has no certificate or pre-shared key; "
                            "request GSS_C_ANON_FLAG for an anonymous context");
        goto done;
    }
    if (anonymous && !signet_tls_cred_has_anchors(cred)) {
        major = signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_NO_CREDENTIALS,
                            "an anonymous initiator needs trust anchors (ca_file) "
                            "to authenticate the acceptor");
        goto done;
    }
    if (req_flags & GSS_C_DELEG_FLAG)
        signet_trace("initiator: delegation requested but not supported; ignored");

    ctx = calloc(1, sizeof(*ctx));
    if (ctx == NULL) {
        major = signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
        goto done;
    }
    ctx->initiator = 1;
    ctx->state = SIGNET_CTX_HANDSHAKE;
    ctx->req_flags = req_flags;
    ctx->cred = cred;
    cred = NULL;
    major = signet_name_copy(minor, target, &ctx->acceptor_name);
    if (major != GSS_S_COMPLETE)
        goto done;
    major = signet_tls_new(minor, 1, ctx->cred, target, anonymous, &ctx->tls);
    if (major != GSS_S_COMPLETE)
        goto done;
    major = signet_tls_step(minor, ctx->tls, NULL, 0, &records, &done);
    if (major != GSS_S_CONTINUE_NEEDED) {
        if (major == GSS_S_COMPLETE)
            major = signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                                "TLS completed without the acceptor");
        goto done;
    }
    major = emit_handshake(minor, ctx, 1, &records, output);
    if (major != GSS_S_COMPLETE)
        goto done;
    signet_trace("initiator: sent ClientHello to %s%s%s (%zu bytes)%s",
                 target->value, target->host != NULL ? "@" : "",
                 target->host != NULL ? target->host : "", (size_t)output->length,
                 anonymous ? ", anonymous" : "");
    *ctxp = ctx;
    ctx = NULL;
    major = GSS_S_CONTINUE_NEEDED;
done:
    signet_buf_clear(&records);
    signet_ctx_free(&ctx);
    signet_cred_free(&cred);
    return major;
}

/* Leg 2 -> leg 3: finish TLS, check the acceptor, send our parameters. */
static OM_uint32
init_handshake(OM_uint32 *minor, signet_ctx *ctx, const uint8_t *body,
               size_t bodylen, gss_channel_bindings_t cb, gss_buffer_t output)
{
    OM_uint32 major;
    signet_buf records;
    struct signet_params p;
    int done;

    signet_buf_init(&records);
    major = signet_tls_step(minor, ctx->tls, body, bodylen, &records, &done);
    if (GSS_ERROR(major))
        goto done;
    if (done) {
        major = signet_tls_check_target(minor, ctx->tls, ctx->acceptor_name);
        if (major != GSS_S_COMPLETE)
            goto done;
        memset(&p, 0, sizeof(p));
        p.flags = ctx->req_flags & OFFERED_FLAGS;
        p.qop_mask = ctx->cred->qop_mask;
        p.qop_default = ctx->cred->qop_default;
        if (ctx->acceptor_name->kind == SIGNET_NAME_HOSTBASED)
            snprintf(p.target, sizeof(p.target), "%s@%s",
                     ctx->acceptor_name->value, ctx->acceptor_name->host);
        if (cb != GSS_C_NO_CHANNEL_BINDINGS) {
            major = hash_bindings(minor, cb, p.cb_hash);
            if (major != GSS_S_COMPLETE)
                goto done;
            p.has_cb = 1;
        }
        major = send_params(minor, ctx, &p, &records);
        signet_wipe(&p, sizeof(p));
        if (major != GSS_S_COMPLETE)
            goto done;
        ctx->state = SIGNET_CTX_CONFIRM;
        signet_trace("initiator: acceptor authenticated; sent Finished and "
                     "parameters");
    }
    major = emit_handshake(minor, ctx, 0, &records, output);
    if (major == GSS_S_COMPLETE)
        major = GSS_S_CONTINUE_NEEDED;
done:
    signet_buf_clear(&records);
    return major;
}

/* Leg 4: the acceptor's verdict and parameters. */
static OM_uint32
init_confirm(OM_uint32 *minor, signet_ctx *ctx, const uint8_t *body,
             size_t bodylen)
{
    OM_uint32 major;
    struct signet_params p;
    signet_name *peer = NULL;
    const char *psk_id;
    time_t peer_expiry, bound;
    OM_uint32 want = ctx->req_flags;

    major = recv_params(minor, ctx, body, bodylen, &p);
    if (major != GSS_S_COMPLETE)
        return major;
    /* The acceptor may only grant what we asked for, and must authenticate. */
    if (!(p.flags & GSS_C_MUTUAL_FLAG) ||
        (p.flags & ~(OFFERED_FLAGS | GSS_C_TRANS_FLAG)) != 0 ||
        (p.flags & (GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG |
                    GSS_C_DATAGRAM_FLAG) & ~want) != 0 ||
        ((p.flags & GSS_C_ANON_FLAG) != 0) != ((want & GSS_C_ANON_FLAG) != 0) ||
        (p.qop_mask & ~ctx->cred->qop_mask) != 0 ||
        (p.qop_mask != 0 && (p.qop_default >= 32 ||
                             !(p.qop_mask & (1u << p.qop_default)))))
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_TOKEN_MALFORMED,
                           "the acceptor's context parameters are inconsistent "
                           "with the request");
    ctx->flags = p.flags;
    ctx->qop_mask = p.qop_mask;
    ctx->qop_default = p.qop_default;
    /* Our own name as the acceptor saw it. */
    psk_id = signet_tls_psk_identity(ctx->tls);
    if (want & GSS_C_ANON_FLAG)
        major = signet_name_new(minor, SIGNET_NAME_ANONYMOUS, "anonymous", NULL,
                                &ctx->initiator_name);
    else if (psk_id != NULL)
        major = signet_name_new(minor, SIGNET_NAME_PSK, psk_id, NULL,
                                &ctx->initiator_name);
    else if (ctx->cred->name != NULL)
        major = signet_name_copy(minor, ctx->cred->name, &ctx->initiator_name);
    if (major != GSS_S_COMPLETE)
        return major;
    major = signet_tls_peer_name(minor, ctx->tls, &peer, &peer_expiry);
    signet_name_free(&peer);
    if (major != GSS_S_COMPLETE)
        return major;
    ctx->peer_expiry = peer_expiry;
    bound = lifetime_bound(ctx->cred, peer_expiry);
    if (p.lifetime != 0 &&
        (bound == 0 || time(NULL) + (time_t)p.lifetime < bound))
        bound = time(NULL) + (time_t)p.lifetime;
    ctx->expiry = bound;
    return finish(minor, ctx);
}

/* ---- the steps both roles share ------------------------------------------------ */

/*
 * The checks of a continuing call (a context exists): the right role, a
 * token, not the token processed last, a context still in progress.
 * These failures change nothing.
 */
static OM_uint32
check_continuation(OM_uint32 *minor, signet_ctx *ctx, int initiator,
                   gss_buffer_t input)
{
    const char *peer = initiator ? "acceptor" : "initiator";

    if (!ctx->initiator != !initiator)
        return signet_fail(minor, GSS_S_NO_CONTEXT, SIGNET_ERR_BAD_ARGUMENT,
                           "an %s context was passed to gss_%s_sec_context",
                           initiator ? "acceptor" : "initiator",
                           initiator ? "init" : "accept");
    if (input == GSS_C_NO_BUFFER || input->length == 0 || input->value == NULL)
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_TOKEN_TRUNCATED,
                           "the %s's context token is missing", peer);
    if (seen_token(ctx, input))
        return signet_fail(minor, GSS_S_DUPLICATE_TOKEN, SIGNET_ERR_TOKEN_REPLAYED,
                           "the %s's context token was already processed", peer);
    if (ctx->state == SIGNET_CTX_ESTABLISHED)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_TOKEN_UNEXPECTED,
                           "the context is already established");
    if (ctx->state == SIGNET_CTX_FAILED)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_CONTEXT_FAILED, NULL);
    return GSS_S_COMPLETE;
}

/* A step failed: the context fails, and a peer that waits for our token
 * gets an ERROR token with the status (make_error_token). */
static void
fail_context(signet_ctx *ctx, OM_uint32 major, OM_uint32 code, int answer,
             gss_buffer_t output)
{
    ctx->state = SIGNET_CTX_FAILED;
    signet_gss_buffer_clear(output);
    if (answer)
        make_error_token(ctx, major, code, output);
}

/* ---- gss_init_sec_context --------------------------------------------------------- */

OM_uint32
signet_gss_init_sec_context(OM_uint32 *minor_status, gss_cred_id_t cred_handle,
                            gss_ctx_id_t *context_handle, gss_name_t target_name,
                            gss_OID mech_type, OM_uint32 req_flags,
                            OM_uint32 time_req, gss_channel_bindings_t cb,
                            gss_buffer_t input, gss_OID *actual_mech,
                            gss_buffer_t output, OM_uint32 *ret_flags,
                            OM_uint32 *time_rec)
{
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    signet_ctx *ctx = NULL;
    const uint8_t *body;
    size_t bodylen;
    int peer_waits, peer_failed = 0;

    if (output != GSS_C_NO_BUFFER)
        signet_gss_buffer_clear(output);
    if (actual_mech != NULL)
        *actual_mech = SIGNET_MECH_OID;
    if (ret_flags != NULL)
        *ret_flags = 0;
    if (time_rec != NULL)
        *time_rec = 0;
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (context_handle == NULL || output == GSS_C_NO_BUFFER) {
        major = GSS_S_CALL_INACCESSIBLE_WRITE;
        goto done;
    }
    if (!signet_is_signet_mech(mech_type)) {
        major = signet_fail(&minor, GSS_S_BAD_MECH, SIGNET_ERR_UNSUPPORTED,
                            "the requested mechanism is not Signet");
        goto done;
    }
    ctx = (signet_ctx *)*context_handle;
    if (ctx == NULL) {
        if (input != GSS_C_NO_BUFFER && input->length != 0) {
            major = signet_fail(&minor, GSS_S_DEFECTIVE_TOKEN,
                                SIGNET_ERR_TOKEN_UNEXPECTED,
                                "the initiator's first call takes no input token");
            goto done;
        }
        major = init_first(&minor, (signet_cred *)cred_handle, &ctx,
                           (const signet_name *)target_name, req_flags, output);
        if (major == GSS_S_CONTINUE_NEEDED)
            *context_handle = (gss_ctx_id_t)ctx;
        goto done;
    }
    major = check_continuation(&minor, ctx, 1, input);
    if (major != GSS_S_COMPLETE)
        goto done;
    /* Only while the handshake runs does the acceptor wait for a token. */
    peer_waits = ctx->state == SIGNET_CTX_HANDSHAKE;
    major = parse_token(&minor, ctx, 0, input, &body, &bodylen, &peer_failed);
    if (major == GSS_S_COMPLETE)
        major = ctx->state == SIGNET_CTX_HANDSHAKE ?
                init_handshake(&minor, ctx, body, bodylen, cb, output) :
                init_confirm(&minor, ctx, body, bodylen);
    if (GSS_ERROR(major))
        /* An error token from the peer is not answered. */
        fail_context(ctx, major, minor, peer_waits && !peer_failed, output);
done:
    if (ctx != NULL && context_handle != NULL &&
        *context_handle != GSS_C_NO_CONTEXT) {
        if (ret_flags != NULL)
            *ret_flags = ctx->state == SIGNET_CTX_ESTABLISHED ?
                         ctx->flags | GSS_C_PROT_READY_FLAG | GSS_C_TRANS_FLAG :
                         ctx->req_flags & OFFERED_FLAGS;
        if (time_rec != NULL && !GSS_ERROR(major))
            *time_rec = ctx->state == SIGNET_CTX_ESTABLISHED ? time_left(ctx) :
                        GSS_C_INDEFINITE;
    }
    *minor_status = minor;
    return major;
}

/* ---- acceptor ------------------------------------------------------------------- */

/*
 * The acceptor's own name for this context (docs/names.md): what it
 * actually authenticated as, never merely what the initiator asked for.
 *  - A credential acquired for a host-based name (gss-server host@h): the
 *    initiator's target must match it; that name is reported.
 *  - Otherwise, with a certificate: the initiator's service@host when the
 *    certificate is valid for that host (the initiator checked the same),
 *    else the certificate's subject (x509:<DN>).
 *  - Otherwise (a PSK handshake): psk:<identity>, the key that was proved.
 */
static OM_uint32
accept_target(OM_uint32 *minor, signet_ctx *ctx, const char *target)
{
    const signet_name *own = ctx->cred->name;
    const char *at = strrchr(target, '@');
    signet_name *asked = NULL, *proved = NULL;
    char service[256];
    OM_uint32 major;
    int host_ok = 0;

    if (at != NULL && at != target && at[1] != '\0') {
        snprintf(service, sizeof(service), "%.*s", (int)(at - target), target);
        major = signet_name_new(minor, SIGNET_NAME_HOSTBASED, service, at + 1,
                                &asked);
        if (major != GSS_S_COMPLETE)
            return major;
    }
    if (own != NULL && own->kind == SIGNET_NAME_HOSTBASED) {
        if (asked != NULL && !signet_name_equal(own, asked) &&
            !(own->host == NULL && strcmp(own->value, asked->value) == 0)) {
            major = signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_NAME_MISMATCH,
                                "the initiator asked for %s but the acceptor's "
                                "credential is for %s%s%s", target, own->value,
                                own->host != NULL ? "@" : "",
                                own->host != NULL ? own->host : "");
            signet_name_free(&asked);
            return major;
        }
        if (asked != NULL) {
            ctx->acceptor_name = asked;
            return GSS_S_COMPLETE;
        }
        return signet_name_copy(minor, own, &ctx->acceptor_name);
    }
    major = signet_tls_own_name(minor, ctx->tls, asked != NULL ? asked->host : NULL,
                                &host_ok, &proved);
    if (major != GSS_S_COMPLETE) {
        signet_name_free(&asked);
        return major;
    }
    if (asked != NULL && host_ok) {
        ctx->acceptor_name = asked;
        signet_name_free(&proved);
    } else {
        ctx->acceptor_name = proved;
        signet_name_free(&asked);
    }
    return GSS_S_COMPLETE;
}

/* Leg 3 completed TLS: check the initiator and answer with our verdict. */
static OM_uint32
accept_finish(OM_uint32 *minor, signet_ctx *ctx, gss_channel_bindings_t cb,
              signet_buf *records, int *bound_cb)
{
    OM_uint32 major;
    struct signet_params in, out;
    time_t peer_expiry;
    uint8_t cb_hash[32];
    const signet_cred *cred = ctx->cred;

    *bound_cb = 0;
    major = recv_params(minor, ctx, NULL, 0, &in);
    if (major != GSS_S_COMPLETE)
        return major;
    major = signet_tls_peer_name(minor, ctx->tls, &ctx->initiator_name,
                                 &peer_expiry);
    if (major != GSS_S_COMPLETE)
        return major;
    if (ctx->initiator_name->kind == SIGNET_NAME_ANONYMOUS) {
        if (!(in.flags & GSS_C_ANON_FLAG))
            return signet_fail(minor, GSS_S_DEFECTIVE_CREDENTIAL,
                               SIGNET_ERR_PEER_NO_CERT,
                               signet_tls_cred_has_anchors(cred) ?
                               "the initiator presented no certificate" :
                               "the initiator presented no certificate (the "
                               "acceptor has no trust anchors, ca_file, to "
                               "verify one)");
        if (!cred->allow_anonymous)
            return signet_fail(minor, GSS_S_DEFECTIVE_CREDENTIAL,
                               SIGNET_ERR_ANON_REFUSED,
                               "the acceptor does not admit anonymous initiators "
                               "(allow_anonymous is off)");
    } else if (in.flags & GSS_C_ANON_FLAG) {
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_TOKEN_MALFORMED,
                           "the initiator asked for anonymity but authenticated");
    }
    if (cb != GSS_C_NO_CHANNEL_BINDINGS) {
        major = hash_bindings(minor, cb, cb_hash);
        if (major != GSS_S_COMPLETE)
            return major;
        if (!in.has_cb || signet_memcmp_ct(cb_hash, in.cb_hash, 32) != 0)
            return signet_fail(minor, GSS_S_BAD_BINDINGS, SIGNET_ERR_BAD_BINDINGS,
                               in.has_cb ? "the channel bindings do not match the "
                                           "initiator's" :
                                           "the initiator sent no channel bindings "
                                           "but the acceptor requires them");
        *bound_cb = 1;
    }
    memset(&out, 0, sizeof(out));
    out.flags = GSS_C_MUTUAL_FLAG | GSS_C_INTEG_FLAG | GSS_C_CONF_FLAG |
                GSS_C_TRANS_FLAG |
                (in.flags & (GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG |
                             GSS_C_ANON_FLAG | GSS_C_DATAGRAM_FLAG));
    out.qop_mask = cred->qop_mask & in.qop_mask & ~1u;
    if (out.qop_mask == 0)
        out.flags &= ~(OM_uint32)GSS_C_INTEG_FLAG;
    out.qop_default = choose_default_qop(out.qop_mask, cred->qop_default,
                                         in.qop_default);
    ctx->peer_expiry = peer_expiry;
    ctx->expiry = lifetime_bound(cred, peer_expiry);
    out.lifetime = ctx->expiry == 0 ? 0 :
                   ctx->expiry > time(NULL) ? (uint32_t)(ctx->expiry - time(NULL)) : 1;
    ctx->flags = out.flags;
    ctx->qop_mask = out.qop_mask;
    ctx->qop_default = out.qop_default;
    major = accept_target(minor, ctx, in.target);
    if (major != GSS_S_COMPLETE)
        return major;
    major = send_params(minor, ctx, &out, records);
    if (major != GSS_S_COMPLETE)
        return major;
    signet_trace("acceptor: initiator %s authenticated", ctx->initiator_name->value);
    return finish(minor, ctx);
}

/*
 * The acceptor's first token makes a context: it must be a Signet initial
 * token (else no answer: it is not ours, or not from a Signet initiator);
 * then the acceptor's credential and TLS state.  On failure *ctxp is
 * whatever was built (the caller frees it) and *answer says whether the
 * initiator is owed an ERROR token.
 */
static OM_uint32
accept_first(OM_uint32 *minor, signet_cred *cred_in, gss_buffer_t input,
             signet_ctx **ctxp, const uint8_t **body, size_t *bodylen,
             int *answer)
{
    signet_ctx *ctx;
    OM_uint32 major;
    int peer_failed = 0;

    *answer = 0;
    *ctxp = ctx = calloc(1, sizeof(*ctx));
    if (ctx == NULL)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
    ctx->state = SIGNET_CTX_HANDSHAKE;
    if (input == GSS_C_NO_BUFFER || input->length == 0 || input->value == NULL)
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_TOKEN_TRUNCATED,
                           "the initiator's context token is missing");
    major = parse_token(minor, ctx, 1, input, body, bodylen, &peer_failed);
    if (major != GSS_S_COMPLETE)
        return major;
    *answer = 1;
    if (cred_in == NULL) {
        major = signet_cred_default(minor, GSS_C_ACCEPT, &ctx->cred);
    } else if (cred_in->usage == GSS_C_INITIATE) {
        major = signet_fail(minor, GSS_S_NO_CRED, SIGNET_ERR_CRED_USAGE,
                            "the credential is for initiating contexts only");
    } else {
        ctx->cred = signet_cred_ref(cred_in);
        major = GSS_S_COMPLETE;
    }
    if (major == GSS_S_COMPLETE)
        major = signet_tls_new(minor, 0, ctx->cred, NULL, 0, &ctx->tls);
    if (major != GSS_S_COMPLETE)
        return major;
    (void)seen_token(ctx, input);
    signet_trace("acceptor: received ClientHello (%zu bytes)",
                 (size_t)input->length);
    return GSS_S_COMPLETE;
}

/* ---- gss_accept_sec_context ------------------------------------------------------- */

OM_uint32
signet_gss_accept_sec_context(OM_uint32 *minor_status, gss_ctx_id_t *context_handle,
                              gss_cred_id_t cred_handle, gss_buffer_t input,
                              gss_channel_bindings_t cb, gss_name_t *src_name,
                              gss_OID *mech_type, gss_buffer_t output,
                              OM_uint32 *ret_flags, OM_uint32 *time_rec,
                              gss_cred_id_t *delegated)
{
    OM_uint32 major = GSS_S_FAILURE, minor = 0, tmp;
    signet_ctx *ctx = NULL, *fresh = NULL;
    signet_buf records;
    const uint8_t *body = NULL;
    size_t bodylen = 0;
    int done = 0, bound_cb = 0, answer = 1, peer_failed = 0;

    signet_buf_init(&records);
    if (output != GSS_C_NO_BUFFER)
        signet_gss_buffer_clear(output);
    if (src_name != NULL)
        *src_name = GSS_C_NO_NAME;
    if (mech_type != NULL)
        *mech_type = SIGNET_MECH_OID;
    if (ret_flags != NULL)
        *ret_flags = 0;
    if (time_rec != NULL)
        *time_rec = 0;
    if (delegated != NULL)
        *delegated = GSS_C_NO_CREDENTIAL;
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (context_handle == NULL || output == GSS_C_NO_BUFFER) {
        major = GSS_S_CALL_INACCESSIBLE_WRITE;
        goto done;
    }
    ctx = (signet_ctx *)*context_handle;
    if (ctx == NULL) {
        major = accept_first(&minor, (signet_cred *)cred_handle, input, &fresh,
                             &body, &bodylen, &answer);
        ctx = fresh;
        if (major != GSS_S_COMPLETE)
            goto fail;
    } else {
        major = check_continuation(&minor, ctx, 0, input);
        if (major != GSS_S_COMPLETE)
            goto done;
        major = parse_token(&minor, ctx, 0, input, &body, &bodylen, &peer_failed);
        if (major != GSS_S_COMPLETE) {
            answer = !peer_failed;
            goto fail;
        }
    }
    major = signet_tls_step(&minor, ctx->tls, body, bodylen, &records, &done);
    if (!GSS_ERROR(major) && done)
        major = accept_finish(&minor, ctx, cb, &records, &bound_cb);
    if (!GSS_ERROR(major))
        major = emit_handshake(&minor, ctx, 0, &records, output);
    if (GSS_ERROR(major))
        goto fail;
    if (ctx->state != SIGNET_CTX_ESTABLISHED) {
        major = GSS_S_CONTINUE_NEEDED;
    } else {
        if (src_name != NULL) {
            major = signet_name_copy(&minor, ctx->initiator_name,
                                     (signet_name **)src_name);
            if (major != GSS_S_COMPLETE) {
                gss_release_buffer(&tmp, output);
                goto fail;
            }
        }
        if (ret_flags != NULL)
            *ret_flags = ctx->flags | GSS_C_PROT_READY_FLAG |
                         (bound_cb ? GSS_C_CHANNEL_BOUND_FLAG : 0);
        if (time_rec != NULL)
            *time_rec = time_left(ctx);
        major = GSS_S_COMPLETE;
    }
    if (fresh != NULL)
        *context_handle = (gss_ctx_id_t)fresh;
    fresh = NULL;
    goto done;
fail:
    if (ctx != NULL)
        fail_context(ctx, major, minor, answer, output);
    /* RFC 2744: no context is left after a failed first call. */
    signet_ctx_free(&fresh);
done:
    signet_buf_clear(&records);
    *minor_status = minor;
    return major;
}

/* ---- inquiry and deletion ------------------------------------------------------------ */

OM_uint32
signet_gss_delete_sec_context(OM_uint32 *minor, gss_ctx_id_t *context_handle,
                              gss_buffer_t output_token)
{
    if (output_token != GSS_C_NO_BUFFER)
        signet_gss_buffer_clear(output_token);
    if (minor == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    *minor = 0;
    if (context_handle == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE | GSS_S_NO_CONTEXT;
    if (*context_handle == GSS_C_NO_CONTEXT)
        return GSS_S_NO_CONTEXT;
    signet_ctx_free((signet_ctx **)context_handle);
    return GSS_S_COMPLETE;
}

/*
 * Only ERROR tokens are processed out of band, and only while the context
 * is being established: an ERROR token is not authenticated, so once the
 * context is established it changes nothing (an attacker who can inject
 * bytes into the application's stream must not be able to end a context).
 */
OM_uint32
signet_gss_process_context_token(OM_uint32 *minor, gss_ctx_id_t context_handle,
                                 gss_buffer_t token)
{
    signet_ctx *ctx = (signet_ctx *)context_handle;
    const uint8_t *body;
    size_t bodylen;
    OM_uint32 major, tmp;
    int peer_failed;

    if (minor == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    *minor = 0;
    if (ctx == NULL)
        return GSS_S_NO_CONTEXT;
    if (token == GSS_C_NO_BUFFER || token->length == 0 || token->value == NULL)
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_TOKEN_TRUNCATED,
                           "no context token was given");
    if (ctx->state == SIGNET_CTX_ESTABLISHED)
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_TOKEN_UNEXPECTED,
                           "an established context takes no context tokens: "
                           "an unauthenticated error token cannot end it");
    major = parse_token(&tmp, ctx, 0, token, &body, &bodylen, &peer_failed);
    if (major == GSS_S_COMPLETE)
        return signet_fail(minor, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_TOKEN_UNEXPECTED,
                           "only error tokens can be processed out of band");
    *minor = tmp;
    if (peer_failed) {
        ctx->state = SIGNET_CTX_FAILED; /* the peer gave up on this context */
        return GSS_S_COMPLETE;
    }
    return major;
}

OM_uint32
signet_gss_context_time(OM_uint32 *minor, gss_ctx_id_t context_handle,
                        OM_uint32 *time_rec)
{
    signet_ctx *ctx = (signet_ctx *)context_handle;

    if (time_rec != NULL)
        *time_rec = 0;
    if (minor == NULL || time_rec == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    *minor = 0;
    if (ctx == NULL)
        return GSS_S_NO_CONTEXT;
    if (ctx->state != SIGNET_CTX_ESTABLISHED)
        return signet_fail(minor, GSS_S_NO_CONTEXT, SIGNET_ERR_CONTEXT_INCOMPLETE, NULL);
    *time_rec = time_left(ctx);
    if (*time_rec == 0)
        return signet_fail(minor, GSS_S_CONTEXT_EXPIRED, SIGNET_ERR_CONTEXT_EXPIRED, NULL);
    return GSS_S_COMPLETE;
}

OM_uint32
signet_gss_inquire_context(OM_uint32 *minor, gss_ctx_id_t context_handle,
                           gss_name_t *src_name, gss_name_t *targ_name,
                           OM_uint32 *lifetime_rec, gss_OID *mech_type,
                           OM_uint32 *ctx_flags, int *locally_initiated,
                           int *open)
{
    signet_ctx *ctx = (signet_ctx *)context_handle;
    signet_name *src = NULL, *targ = NULL;
    OM_uint32 major = GSS_S_COMPLETE;

    if (src_name != NULL)
        *src_name = GSS_C_NO_NAME;
    if (targ_name != NULL)
        *targ_name = GSS_C_NO_NAME;
    if (minor == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    *minor = 0;
    if (ctx == NULL)
        return GSS_S_NO_CONTEXT;
    if (src_name != NULL && ctx->initiator_name != NULL)
        major = signet_name_copy(minor, ctx->initiator_name, &src);
    if (major == GSS_S_COMPLETE && targ_name != NULL && ctx->acceptor_name != NULL)
        major = signet_name_copy(minor, ctx->acceptor_name, &targ);
    if (major != GSS_S_COMPLETE) {
        signet_name_free(&src);
        return major;
    }
    if (lifetime_rec != NULL)
        *lifetime_rec = ctx->state == SIGNET_CTX_ESTABLISHED ? time_left(ctx) : 0;
    if (mech_type != NULL)
        *mech_type = SIGNET_MECH_OID;
    if (ctx_flags != NULL)
        *ctx_flags = ctx->state == SIGNET_CTX_ESTABLISHED ?
                     ctx->flags | GSS_C_PROT_READY_FLAG : ctx->req_flags & OFFERED_FLAGS;
    if (locally_initiated != NULL)
        *locally_initiated = ctx->initiator;
    if (open != NULL)
        *open = ctx->state == SIGNET_CTX_ESTABLISHED;
    if (src_name != NULL)
        *src_name = (gss_name_t)src;
    if (targ_name != NULL)
        *targ_name = (gss_name_t)targ;
    return GSS_S_COMPLETE;
}

OM_uint32
signet_gss_inquire_sec_context_by_oid(OM_uint32 *minor,
                                      const gss_ctx_id_t context_handle,
                                      const gss_OID desired_object,
                                      gss_buffer_set_t *data_set)
{
    if (data_set != NULL)
        *data_set = GSS_C_NO_BUFFER_SET;
    if (minor == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    *minor = 0;
    if (context_handle == GSS_C_NO_CONTEXT)
        return GSS_S_NO_CONTEXT;
    return GSS_S_UNAVAILABLE;
}
