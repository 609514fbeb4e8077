/*
 * bridge_context.c - context establishment of the GSS bridge:
 * SpInitLsaModeContext and SpAcceptLsaModeContext (one function for both),
 * SpDeleteContext, and what an established context is.
 *
 * ISC_REQ_* -> GSS flags (integrity and confidentiality always, unless
 * ISC_REQ_NO_INTEGRITY, as Windows' packages give them; DATAGRAM only for
 * entries with datagram), negotiated GSS flags -> ISC_RET_* / ASC_RET_*;
 * SECBUFFER_CHANNEL_BINDINGS -> GSS channel bindings; the output token into
 * the caller's SECBUFFER_TOKEN, or allocated with ISC_REQ_ALLOCATE_MEMORY /
 * ASC_REQ_ALLOCATE_MEMORY (docs/sspi.md, "Context requirements and
 * attributes").  Once established, sspi_bridge_finish reads the names,
 * flags, lifetime and sizes (a MIC's size depends only on the context and
 * the QOP, so it is kept for MakeSignature) and picks the entry the
 * context's quirks come from.  An acceptor's unexplained failure is
 * SEC_E_LOGON_DENIED (status.c, call site SSPI_SITE_ACCEPT).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bridge.h"

#define WRAP_PROBE 65536          /* message size the security trailer is asked for */

static PSecBuffer
find_buffer(PSecBufferDesc desc, ULONG type)
{
    ULONG i;

    if (desc == NULL || desc->pBuffers == NULL)
        return NULL;
    for (i = 0; i < desc->cBuffers; i++) {
        if ((desc->pBuffers[i].BufferType & ~SECBUFFER_ATTRMASK) == type)
            return &desc->pBuffers[i];
    }
    return NULL;
}

static OM_uint32
map_isc_req(const struct sspi_mech *pkg, ULONG req)
{
    OM_uint32 f = 0;

    if (req & ISC_REQ_DELEGATE)
        f |= GSS_C_DELEG_FLAG;
    if (req & ISC_REQ_MUTUAL_AUTH)
        f |= GSS_C_MUTUAL_FLAG;
    if (req & ISC_REQ_REPLAY_DETECT)
        f |= GSS_C_REPLAY_FLAG;
    if (req & ISC_REQ_SEQUENCE_DETECT)
        f |= GSS_C_SEQUENCE_FLAG;
    if (req & ISC_REQ_USE_DCE_STYLE)
        f |= GSS_C_DCE_STYLE;
    if (req & ISC_REQ_NULL_SESSION)
        f |= GSS_C_ANON_FLAG;
    if ((req & ISC_REQ_DATAGRAM) && pkg->datagram)
        f |= GSS_C_DATAGRAM_FLAG;
    /* Windows' packages give integrity (and confidentiality where they can)
     * whether asked or not. */
    if (!(req & ISC_REQ_NO_INTEGRITY))
        f |= GSS_C_INTEG_FLAG;
    f |= GSS_C_CONF_FLAG;
    return f;
}

static ULONG
map_ret(OM_uint32 f, int initiator)
{
    ULONG a = 0;

    if (f & GSS_C_DELEG_FLAG)
        a |= ISC_RET_DELEGATE;
    if (f & GSS_C_MUTUAL_FLAG)
        a |= ISC_RET_MUTUAL_AUTH;
    if (f & GSS_C_REPLAY_FLAG)
        a |= ISC_RET_REPLAY_DETECT;
    if (f & GSS_C_SEQUENCE_FLAG)
        a |= ISC_RET_SEQUENCE_DETECT;
    if (f & GSS_C_CONF_FLAG)
        a |= ISC_RET_CONFIDENTIALITY;
    if (f & GSS_C_DCE_STYLE)
        a |= ISC_RET_USED_DCE_STYLE;
    if (f & GSS_C_DATAGRAM_FLAG)
        a |= ISC_RET_DATAGRAM;
    else
        a |= ISC_RET_CONNECTION;
    if (initiator) {
        if (f & GSS_C_INTEG_FLAG)
            a |= ISC_RET_INTEGRITY;
        if (f & GSS_C_ANON_FLAG)
            a |= ISC_RET_NULL_SESSION;
    } else {
        if (f & GSS_C_INTEG_FLAG)
            a |= ASC_RET_INTEGRITY;
        if (f & GSS_C_ANON_FLAG)
            a |= ASC_RET_NULL_SESSION;
    }
    return a;
}

static void
compute_sizes(struct sspi_bridge_ctx *c)
{
    const struct sspi_gss_ops *ops = c->pkg->ops;
    OM_uint32 minor, max_in = 0;
    ULONG mic = 0, m;
    gss_qop_t qop;

    /* A MIC's size depends only on the context and the QOP: keep it, so
     * that MakeSignature need not ask the mechanism on every call. */
    for (qop = 0; qop <= c->mech->max_qop && qop <= SSPI_BRIDGE_MAX_QOP; qop++) {
        m = sspi_bridge_mic_length(c, qop, NULL);
        c->mic_len[qop] = m;
        if (m > mic)
            mic = m;
    }
    if (mic == 0)
        mic = c->mech->fallback_mic;
    c->max_signature = mic;
    if (ops->wrap_size_limit(&minor, c->ctx, 1, GSS_C_QOP_DEFAULT, WRAP_PROBE,
                             &max_in) == GSS_S_COMPLETE && max_in <= WRAP_PROBE)
        c->trailer = WRAP_PROBE - max_in;
    else if (ops->wrap_size_limit(&minor, c->ctx, 0, GSS_C_QOP_DEFAULT, WRAP_PROBE,
                                  &max_in) == GSS_S_COMPLETE && max_in <= WRAP_PROBE)
        c->trailer = WRAP_PROBE - max_in;
    else
        c->trailer = mic;
}

void
sspi_bridge_finish(struct sspi_bridge_ctx *c)
{
    const struct sspi_gss_ops *ops = c->pkg->ops;
    OM_uint32 minor, lifetime = 0, flags = 0;
    gss_name_t src = GSS_C_NO_NAME, targ = GSS_C_NO_NAME;
    gss_OID mech = GSS_C_NO_OID;
    int local = 0, open = 0;

    c->established = 1;
    c->start = (int64_t)time(NULL);
    c->mech = c->pkg;
    if (ops->inquire_context(&minor, c->ctx, NULL, NULL, &lifetime, &mech, &flags, &local,
                             &open) == GSS_S_COMPLETE) {
        c->gss_flags = flags;
        c->expiry = lifetime == GSS_C_INDEFINITE || lifetime == 0 ? 0
                    : c->start + (int64_t)lifetime;
        c->mech = sspi_mech_negotiated(c->pkg, mech);
        c->initiator = local;
        if (ops->inquire_context(&minor, c->ctx, &src,
                                 c->mech->no_acceptor_target_name && !local ? NULL : &targ,
                                 NULL, NULL, NULL, NULL, NULL) == GSS_S_COMPLETE) {
            free(c->client_name);
            free(c->server_name);
            c->client_name = sspi_bridge_display(c->pkg, src);
            c->server_name = sspi_bridge_display(c->pkg, targ);
        }
    }
    ops->release_name(&minor, &src);
    ops->release_name(&minor, &targ);
    c->datagram = (c->gss_flags & GSS_C_DATAGRAM_FLAG) != 0;
    c->seqno_in_params = c->datagram && c->mech->seqno_in_params;
    c->set_seqno = c->datagram ? c->mech->set_seqno : NULL;
    c->attrs = map_ret(c->gss_flags, c->initiator);
    compute_sizes(c);
}

static void
ctx_free(struct sspi_bridge_ctx *c)
{
    OM_uint32 minor;

    if (c == NULL)
        return;
    if (c->ctx != GSS_C_NO_CONTEXT)
        c->pkg->ops->delete_sec_context(&minor, &c->ctx, GSS_C_NO_BUFFER);
    c->pkg->ops->release_name(&minor, &c->target);
    free(c->client_name);
    free(c->server_name);
    free(c);
}

/* Channel bindings from a SECBUFFER_CHANNEL_BINDINGS buffer: 1, 0 (none),
 * -1 (malformed). */
static int
get_bindings(PSecBufferDesc in, struct gss_channel_bindings_struct *cb)
{
    PSecBuffer b = find_buffer(in, SECBUFFER_CHANNEL_BINDINGS);
    const SEC_CHANNEL_BINDINGS *s;
    const unsigned char *base;

    if (b == NULL || b->pvBuffer == NULL)
        return 0;
    if (b->cbBuffer < sizeof(*s))
        return -1;
    s = b->pvBuffer;
    base = b->pvBuffer;
#define CB_PART(off, len) ((off) <= b->cbBuffer && (len) <= b->cbBuffer - (off))
    if (!CB_PART(s->dwInitiatorOffset, s->cbInitiatorLength) ||
        !CB_PART(s->dwAcceptorOffset, s->cbAcceptorLength) ||
        !CB_PART(s->dwApplicationDataOffset, s->cbApplicationDataLength))
        return -1;
#undef CB_PART
    memset(cb, 0, sizeof(*cb));
    cb->initiator_addrtype = s->dwInitiatorAddrType;
    cb->initiator_address.length = s->cbInitiatorLength;
    cb->initiator_address.value = (void *)(base + s->dwInitiatorOffset);
    cb->acceptor_addrtype = s->dwAcceptorAddrType;
    cb->acceptor_address.length = s->cbAcceptorLength;
    cb->acceptor_address.value = (void *)(base + s->dwAcceptorOffset);
    cb->application_data.length = s->cbApplicationDataLength;
    cb->application_data.value = (void *)(base + s->dwApplicationDataOffset);
    return 1;
}

/* Puts a context token into the caller's output buffer. */
static NTSTATUS
put_token(PSecBufferDesc out, ULONG req_alloc, gss_buffer_t tok, int *allocated)
{
    PSecBuffer b = find_buffer(out, SECBUFFER_TOKEN);

    *allocated = 0;
    if (b == NULL)
        return tok->length == 0 ? STATUS_SUCCESS : SEC_E_INVALID_TOKEN;
    if (tok->length == 0) {
        b->cbBuffer = 0;
        if (req_alloc)
            b->pvBuffer = NULL;
        return STATUS_SUCCESS;
    }
    if (tok->length > 0xFFFFFFFFu)
        return SEC_E_INSUFFICIENT_MEMORY;
    if (req_alloc) {
        void *p = malloc(tok->length);

        if (p == NULL)
            return SEC_E_INSUFFICIENT_MEMORY;
        memcpy(p, tok->value, tok->length);
        b->pvBuffer = p;
        *allocated = 1;
    } else {
        if (b->pvBuffer == NULL || b->cbBuffer < tok->length)
            return SEC_E_BUFFER_TOO_SMALL;
        memcpy(b->pvBuffer, tok->value, tok->length);
    }
    b->cbBuffer = (ULONG)tok->length;
    return STATUS_SUCCESS;
}

/* A first call's context: the initiator imports its target name here. */
static NTSTATUS
ctx_new(const struct sspi_mech *pkg, int accept, ULONG req, PUNICODE_STRING target,
        struct sspi_bridge_ctx **out)
{
    struct sspi_bridge_ctx *c = calloc(1, sizeof(*c));
    char *tname = NULL;
    NTSTATUS nt = SEC_E_INSUFFICIENT_MEMORY;

    *out = c;
    if (c == NULL)
        goto done;
    c->pkg = c->mech = pkg;
    c->req = req;
    c->initiator = !accept;
    if (!accept)
        c->gss_req = map_isc_req(pkg, req);
    nt = STATUS_SUCCESS;
    if (!accept && target != NULL && target->Buffer != NULL && target->Length > 0) {
        tname = sspi_utf8_from_ustr(target);
        if (tname == NULL ||
            sspi_bridge_import_name(pkg, tname, 0, &c->target) != GSS_S_COMPLETE)
            nt = SEC_E_TARGET_UNKNOWN;
    }
done:
    free(tname);
    return nt;
}

NTSTATUS
sspi_bridge_establish(const struct sspi_mech *pkg, int accept, LSA_SEC_HANDLE credh,
                      LSA_SEC_HANDLE ctxh, PUNICODE_STRING target, ULONG req,
                      PSecBufferDesc in, PLSA_SEC_HANDLE newh, PSecBufferDesc out,
                      PULONG attrs, PTimeStamp expiry)
{
    const struct sspi_gss_ops *ops = pkg->ops;
    const struct sspi_bridge_cred *cred = (const struct sspi_bridge_cred *)credh;
    struct sspi_bridge_ctx *c = (struct sspi_bridge_ctx *)ctxh, *fresh = NULL;
    struct gss_channel_bindings_struct cb;
    gss_buffer_desc intok = GSS_C_EMPTY_BUFFER, outtok = GSS_C_EMPTY_BUFFER;
    gss_cred_id_t gcred = cred != NULL ? cred->cred : GSS_C_NO_CREDENTIAL;
    gss_cred_id_t deleg = GSS_C_NO_CREDENTIAL;
    ULONG want_alloc = req & (accept ? ASC_REQ_ALLOCATE_MEMORY : ISC_REQ_ALLOCATE_MEMORY);
    OM_uint32 major, minor = 0, ret = 0, time_rec = 0;
    PSecBuffer inbuf;
    NTSTATUS nt, put;
    int have_cb, allocated = 0;

    *newh = ctxh;
    *attrs = 0;
    if (c == NULL) {
        nt = ctx_new(pkg, accept, req, target, &fresh);
        c = fresh;
        if (!NT_SUCCESS(nt))
            goto done;
    } else if (c->established || c->initiator == accept || c->pkg != pkg) {
        nt = SEC_E_INVALID_HANDLE;
        goto done;
    }
    nt = SEC_E_INVALID_TOKEN;
    inbuf = find_buffer(in, SECBUFFER_TOKEN);
    if (inbuf != NULL && inbuf->cbBuffer > 0) {
        if (inbuf->pvBuffer == NULL)
            goto done;
        intok.length = inbuf->cbBuffer;
        intok.value = inbuf->pvBuffer;
    } else if (accept) {
        goto done;                  /* an acceptor needs the initiator's token */
    }
    have_cb = get_bindings(in, &cb);
    nt = SEC_E_BAD_BINDINGS;
    if (have_cb < 0)
        goto done;
    if (accept) {
        major = ops->accept_sec_context(&minor, &c->ctx, gcred, &intok,
                                        have_cb ? &cb : GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL,
                                        &outtok, &ret, &time_rec, &deleg);
        if (deleg != GSS_C_NO_CREDENTIAL)
            ops->release_cred(&minor, &deleg);
    } else {
        major = ops->init_sec_context(&minor, gcred, &c->ctx, c->target, (gss_OID)&pkg->oid,
                                      c->gss_req, 0, have_cb ? &cb : GSS_C_NO_CHANNEL_BINDINGS,
                                      intok.length ? &intok : GSS_C_NO_BUFFER, NULL, &outtok,
                                      &ret, &time_rec);
    }
    nt = sspi_bridge_status(pkg, accept ? SSPI_SITE_ACCEPT : SSPI_SITE_ANY, major, minor, 0);
    put = put_token(out, want_alloc, &outtok, &allocated);
    ops->release_buffer(&minor, &outtok);
    if (!NT_SUCCESS(nt)) {
        if (allocated)
            *attrs |= accept ? ASC_RET_EXTENDED_ERROR : ISC_RET_EXTENDED_ERROR;
        goto done;
    }
    if (!NT_SUCCESS(put)) {
        nt = put;
        goto done;
    }
    if (major == GSS_S_COMPLETE)
        sspi_bridge_finish(c);
    *attrs = c->established ? c->attrs : map_ret(ret, !accept);
    if (want_alloc)
        *attrs |= accept ? ASC_RET_ALLOCATED_MEMORY : ISC_RET_ALLOCATED_MEMORY;
    /* an acceptor reports no lifetime before the context is established */
    if (expiry != NULL)
        sspi_timestamp(expiry, c->established ? c->expiry
                               : !accept && time_rec && time_rec != GSS_C_INDEFINITE
                               ? (int64_t)time(NULL) + time_rec : 0);
    *newh = (LSA_SEC_HANDLE)c;
    fresh = NULL;
done:
    if (fresh != NULL) {
        ctx_free(fresh);
        *newh = 0;
    }
    return nt;
}

NTSTATUS NTAPI
sspi_bridge_delete(LSA_SEC_HANDLE h)
{
    struct sspi_bridge_ctx *c = (struct sspi_bridge_ctx *)h;

    if (c == NULL)
        return SEC_E_INVALID_HANDLE;
    ctx_free(c);
    return STATUS_SUCCESS;
}
