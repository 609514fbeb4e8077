/*
 * serialize.c - gss_export_sec_context and gss_import_sec_context for
 * established Signet contexts.
 *
 * The format (docs/tokens.md, "Exported contexts") is versioned, big-endian
 * and read through a bounds-checked cursor: any truncated, trailing or
 * inconsistent byte makes import fail with GSS_S_DEFECTIVE_TOKEN, freeing
 * everything it built.  The exported token holds the context's message
 * secret: every intermediate buffer that held it is wiped.  An imported
 * context is a new instance: it gets a fresh random instance id and a
 * nonce counter of zero, so importing the same token twice never makes two
 * tokens with the same nonce (docs/tokens.md, "Nonces").
 */
#include <stdlib.h>
#include <string.h>

#include "signet.h"
#include "crypto.h"

#define EXPORT_MAGIC "SGNX"
#define EXPORT_VERSION 5
#define EXPORT_ID_LEN 16

/*
 * Exported contexts with a rekey_limit imported in this process, by their
 * random export id: a second import of one token in one process is
 * refused, so that one process cannot hold two copies that each spend the
 * whole remaining budget (docs/tokens.md, "Usage limits").  Across
 * processes this cannot be enforced: whoever holds the token holds the
 * keys.  An open-addressed set that only grows (16 bytes per import of a
 * limited context).
 */
static signet_forklock imported_lock = SIGNET_FORKLOCK_INIT;
static uint8_t (*imported)[EXPORT_ID_LEN];
static size_t imported_cap, imported_n;

static int
id_is_empty(const uint8_t *id)
{
    static const uint8_t zero[EXPORT_ID_LEN];

    return memcmp(id, zero, EXPORT_ID_LEN) == 0;
}

/* Inserts id; 1 if it was new, 0 if present, -1 when out of memory. */
static int
imported_insert_locked(const uint8_t *id)
{
    uint8_t (*grown)[EXPORT_ID_LEN], (*old)[EXPORT_ID_LEN];
    size_t i, j, cap, oldcap;

    if (imported_n + 1 > imported_cap / 2) {
        cap = imported_cap != 0 ? 2 * imported_cap : 64;
        grown = calloc(cap, EXPORT_ID_LEN);
        if (grown == NULL)
            return -1;
        old = imported;
        oldcap = imported_cap;
        imported = grown;
        imported_cap = cap;
        imported_n = 0;
        for (i = 0; i < oldcap; i++) {
            if (!id_is_empty(old[i]))
                (void)imported_insert_locked(old[i]);
        }
        free(old);
    }
    j = (size_t)signet_load_u64(id) & (imported_cap - 1);
    for (i = 0; i < imported_cap; i++, j = (j + 1) & (imported_cap - 1)) {
        if (id_is_empty(imported[j])) {
            memcpy(imported[j], id, EXPORT_ID_LEN);
            imported_n++;
            return 1;
        }
        if (memcmp(imported[j], id, EXPORT_ID_LEN) == 0)
            return 0;
    }
    return -1;
}

static int
imported_insert(const uint8_t *id)
{
    int r;

    if (id_is_empty(id))
        return 1;               /* never drawn: nothing to remember */
    signet_forklock_lock(&imported_lock);
    r = imported_insert_locked(id);
    signet_forklock_unlock(&imported_lock);
    return r;
}

static void
put_name(OM_uint32 *minor, signet_buf *b, const signet_name *name)
{
    signet_buf nb;

    if (name == NULL) {
        signet_put_u32(b, 0);
        return;
    }
    signet_buf_init(&nb);
    if (signet_name_encode(minor, name, &nb) != GSS_S_COMPLETE ||
        nb.len == 0 || nb.len > UINT32_MAX) {
        b->err = 1;
    } else {
        signet_put_u32(b, (uint32_t)nb.len);
        signet_put_bytes(b, nb.data, nb.len);
    }
    signet_buf_clear(&nb);
}

/* Reads a length-prefixed name (length 0: none); -1 on a malformed one. */
static int
get_name(signet_cursor *c, signet_name **out)
{
    signet_cursor sub;
    const uint8_t *p;
    uint32_t len;
    OM_uint32 minor;

    *out = NULL;
    len = signet_get_u32(c);
    if (c->err)
        return -1;
    if (len == 0)
        return 0;
    p = signet_get_bytes(c, len);
    if (p == NULL)
        return -1;
    signet_cursor_init(&sub, p, len);
    if (signet_name_decode(&minor, &sub, out) != GSS_S_COMPLETE ||
        sub.err || sub.left != 0) {
        signet_name_free(out);
        return -1;
    }
    return 0;
}

OM_uint32
signet_gss_export_sec_context(OM_uint32 *minor_status,
                              gss_ctx_id_t *context_handle,
                              gss_buffer_t interprocess_token)
{
    OM_uint32 major = GSS_S_FAILURE, minor = 0, tmp;
    signet_ctx *ctx;
    signet_msg *msg;
    signet_buf b;
    uint8_t export_id[EXPORT_ID_LEN];

    signet_buf_init(&b);
    if (interprocess_token != GSS_C_NO_BUFFER)
        signet_gss_buffer_clear(interprocess_token);
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (interprocess_token == GSS_C_NO_BUFFER) {
        major = GSS_S_CALL_INACCESSIBLE_WRITE;
        goto done;
    }
    if (context_handle == NULL || *context_handle == GSS_C_NO_CONTEXT) {
        major = GSS_S_NO_CONTEXT;
        goto done;
    }
    ctx = (signet_ctx *)*context_handle;
    msg = &ctx->msg;
    if (ctx->state != SIGNET_CTX_ESTABLISHED || !msg->ready) {
        major = signet_fail(&minor, GSS_S_UNAVAILABLE,
                            SIGNET_ERR_CONTEXT_INCOMPLETE,
                            "only an established context can be exported");
        goto done;
    }
    major = signet_ctx_check(&minor, ctx);
    if (major != GSS_S_COMPLETE)
        goto done;
    /* A context inherited across fork() takes its share of rekey_limit
     * (and, in a child, a new instance) before it is written out. */
    major = signet_msg_sync_fork(&minor, msg);
    if (major != GSS_S_COMPLETE)
        goto done;
    if (signet_random(export_id, sizeof(export_id)) != 0) {
        major = signet_fail(&minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                            "the random generator failed");
        goto done;
    }

    signet_put_bytes(&b, EXPORT_MAGIC, 4);
    signet_put_u8(&b, EXPORT_VERSION);
    signet_put_bytes(&b, export_id, sizeof(export_id));
    signet_put_u8(&b, ctx->initiator ? 1 : 0);
    signet_put_u8(&b, (uint8_t)ctx->state);
    signet_put_u32(&b, ctx->flags);
    signet_put_u64(&b, (uint64_t)(int64_t)ctx->expiry);
    signet_put_u64(&b, (uint64_t)(int64_t)ctx->peer_expiry);
    signet_reval_encode(ctx->reval, &b);
    signet_put_u32(&b, ctx->qop_mask);
    signet_put_u32(&b, ctx->qop_default);
    put_name(&tmp, &b, ctx->initiator_name);
    put_name(&tmp, &b, ctx->acceptor_name);
    signet_msg_encode(msg, &b);
    if (signet_buf_to_gss(&b, interprocess_token) != 0) {
        major = signet_fail(&minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM,
                            "could not build the exported context");
        goto done;
    }
    /* Exporting deletes the context. */
    signet_ctx_free(&ctx);
    *context_handle = GSS_C_NO_CONTEXT;
    major = GSS_S_COMPLETE;
done:
    signet_buf_clear(&b);
    *minor_status = minor;
    return major;
}

OM_uint32
signet_gss_import_sec_context(OM_uint32 *minor_status,
                              gss_buffer_t interprocess_token,
                              gss_ctx_id_t *context_handle)
{
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    signet_ctx *ctx = NULL;
    signet_cursor c;
    const uint8_t *magic, *export_id;
    uint8_t version, initiator, state;

    if (context_handle != NULL)
        *context_handle = GSS_C_NO_CONTEXT;
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (context_handle == NULL) {
        major = GSS_S_CALL_INACCESSIBLE_WRITE;
        goto done;
    }
    if (interprocess_token == GSS_C_NO_BUFFER ||
        (interprocess_token->length != 0 &&
         interprocess_token->value == NULL)) {
        major = GSS_S_CALL_INACCESSIBLE_READ;
        goto done;
    }
    ctx = calloc(1, sizeof(*ctx));
    if (ctx == NULL) {
        major = signet_fail(&minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
        goto done;
    }

    signet_cursor_init(&c, interprocess_token->value,
                       interprocess_token->length);
    magic = signet_get_bytes(&c, 4);
    version = signet_get_u8(&c);
    export_id = signet_get_bytes(&c, EXPORT_ID_LEN);
    if (magic == NULL || memcmp(magic, EXPORT_MAGIC, 4) != 0 ||
        version != EXPORT_VERSION || export_id == NULL) {
        major = signet_fail(&minor, GSS_S_DEFECTIVE_TOKEN,
                            SIGNET_ERR_EXPORT_FORMAT,
                            "the token is not a Signet exported context of "
                            "version %d", EXPORT_VERSION);
        goto done;
    }
    initiator = signet_get_u8(&c);
    state = signet_get_u8(&c);
    ctx->flags = signet_get_u32(&c);
    ctx->expiry = (time_t)(int64_t)signet_get_u64(&c);
    ctx->peer_expiry = (time_t)(int64_t)signet_get_u64(&c);
    if (!c.err && signet_reval_decode(&c, &ctx->reval) != 0)
        c.err = 1;
    ctx->qop_mask = signet_get_u32(&c);
    ctx->qop_default = signet_get_u32(&c);
    if (c.err || get_name(&c, &ctx->initiator_name) != 0 ||
        get_name(&c, &ctx->acceptor_name) != 0) {
        major = signet_fail(&minor, GSS_S_DEFECTIVE_TOKEN,
                            SIGNET_ERR_EXPORT_FORMAT,
                            "the exported context is truncated or holds a "
                            "malformed name");
        goto done;
    }
    if (initiator > 1 || state != SIGNET_CTX_ESTABLISHED) {
        major = signet_fail(&minor, GSS_S_DEFECTIVE_TOKEN,
                            SIGNET_ERR_EXPORT_FORMAT,
                            "the exported context is inconsistent");
        goto done;
    }
    ctx->initiator = initiator;
    ctx->state = SIGNET_CTX_ESTABLISHED;
    if (ctx->qop_mask != 0 &&
        (ctx->qop_default == 0 || ctx->qop_default > SIGNET_QOP_AES256_GMAC ||
         !(ctx->qop_mask & (1u << ctx->qop_default)))) {
        major = signet_fail(&minor, GSS_S_DEFECTIVE_TOKEN,
                            SIGNET_ERR_EXPORT_FORMAT,
                            "the exported context has default QOP %u outside "
                            "its QOP set 0x%x", ctx->qop_default,
                            ctx->qop_mask);
        goto done;
    }
    /* The per-message state, as a new instance (message.c). */
    major = signet_msg_decode(&minor, ctx, &c);
    if (major != GSS_S_COMPLETE)
        goto done;
    if (c.left != 0) {
        major = signet_fail(&minor, GSS_S_DEFECTIVE_TOKEN,
                            SIGNET_ERR_EXPORT_FORMAT,
                            "the exported context is too long");
        goto done;
    }
    if (ctx->rekey_limit != 0) {
        int r = imported_insert(export_id);

        if (r < 0) {
            major = signet_fail(&minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
            goto done;
        }
        if (r == 0) {
            major = signet_fail(&minor, GSS_S_UNAVAILABLE,
                                SIGNET_ERR_ALREADY_IMPORTED,
                                "this exported context (with rekey_limit %llu) "
                                "was already imported in this process: each "
                                "export may be imported once per process",
                                (unsigned long long)ctx->rekey_limit);
            goto done;
        }
    }
    *context_handle = (gss_ctx_id_t)ctx;
    ctx = NULL;
    major = GSS_S_COMPLETE;
done:
    if (ctx != NULL)
        signet_ctx_free(&ctx);
    *minor_status = minor;
    return major;
}
