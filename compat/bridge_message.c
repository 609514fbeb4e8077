/*
 * bridge_message.c - per-message calls of the GSS bridge: SpMakeSignature and
 * SpVerifySignature (SpSealMessage / SpUnsealMessage, EncryptMessage and
 * DecryptMessage, belong here too).
 *
 * SecBuffer -> GSS IOV mapping (docs/sspi.md, design.md):
 *   DATA -> DATA; DATA|READONLY -> SIGN_ONLY; any|READONLY_WITH_CHECKSUM ->
 *   not passed; TOKEN -> MIC_TOKEN; PKG_PARAMS -> MECH_PARAMS; PADDING ->
 *   PADDING; EMPTY and other types -> not passed, left untouched.
 * MakeSignature writes nothing but the TOKEN buffer: the MIC's size is known
 * before anything is made (kept per QOP at establishment), so a TOKEN buffer
 * too small is refused untouched and the mechanism signs straight into one
 * that fits.  Mechanisms without IOV MIC functions (gss-ntlmssp) get the
 * signed buffers' concatenation through gss_get_mic / gss_verify_mic.
 * MessageSeqNo of a datagram context reaches the mechanism as its entry
 * says (bridge_mechs.c): as an 8-byte MECH_PARAMS buffer, or through a hook
 * called before the GSS call; otherwise it is ignored.
 *
 * Both calls may run concurrently on one context (bridge.h).
 */
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

/* A caller's SecBufferDesc as GSS IOV buffers (design.md's table). */
struct iov_map {
    gss_iov_buffer_desc small[8];
    gss_iov_buffer_desc *iov;     /* small, or allocated for many buffers */
    int n;
    int mic_at;                   /* index of the MIC_TOKEN in iov */
    int have_params;              /* the caller gave SECBUFFER_PKG_PARAMS */
    PSecBuffer token;             /* the caller's SECBUFFER_TOKEN */
    unsigned char seqbuf[8];      /* datagram: MessageSeqNo, big-endian */
};

static void
put_be64(unsigned char *p, uint64_t v)
{
    int i;

    for (i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

/*
 * One pass over the caller's buffers, as MakeSignature and VerifySignature
 * take them: checks them (SEC_E_INVALID_TOKEN: a bad descriptor, a DATA,
 * PKG_PARAMS or PADDING buffer with no memory behind a non-zero size, no
 * usable TOKEN or two of them), and maps them to IOV buffers: DATA -> DATA,
 * DATA|READONLY -> SIGN_ONLY, TOKEN -> MIC_TOKEN, PKG_PARAMS -> MECH_PARAMS,
 * PADDING -> PADDING; READONLY_WITH_CHECKSUM buffers, EMPTY and other types
 * are not passed.  A context whose MessageSeqNo travels as MECH_PARAMS gets
 * it so unless the caller gave a PKG_PARAMS.  unmap_message releases it.
 */
static NTSTATUS
map_message(const struct sspi_bridge_ctx *c, const SecBufferDesc *msg, ULONG seqno,
            struct iov_map *m)
{
    ULONG i;
    OM_uint32 type;

    m->iov = m->small;
    m->n = 0;
    m->mic_at = -1;
    m->have_params = 0;
    m->token = NULL;
    if (msg == NULL || msg->ulVersion != SECBUFFER_VERSION || msg->cBuffers == 0 ||
        msg->pBuffers == NULL)
        return SEC_E_INVALID_TOKEN;
    if ((size_t)msg->cBuffers + 1 > sizeof(m->small) / sizeof(m->small[0])) {
        m->iov = calloc((size_t)msg->cBuffers + 1, sizeof(*m->iov));
        if (m->iov == NULL) {
            m->iov = m->small;
            return SEC_E_INSUFFICIENT_MEMORY;
        }
    }
    for (i = 0; i < msg->cBuffers; i++) {
        PSecBuffer b = &msg->pBuffers[i];

        if (b->BufferType & SECBUFFER_READONLY_WITH_CHECKSUM)
            continue;                       /* not processed (the seed) */
        switch (b->BufferType & ~SECBUFFER_ATTRMASK) {
        case SECBUFFER_TOKEN:
            if (b->pvBuffer == NULL || m->token != NULL)
                goto invalid;
            m->token = b;
            m->mic_at = m->n;
            type = GSS_IOV_BUFFER_TYPE_MIC_TOKEN;
            break;
        case SECBUFFER_DATA:
            type = (b->BufferType & SECBUFFER_READONLY) ? GSS_IOV_BUFFER_TYPE_SIGN_ONLY
                                                        : GSS_IOV_BUFFER_TYPE_DATA;
            goto checked;
        case SECBUFFER_PKG_PARAMS:
            type = GSS_IOV_BUFFER_TYPE_MECH_PARAMS;
            m->have_params = 1;
            goto checked;
        case SECBUFFER_PADDING:
            type = GSS_IOV_BUFFER_TYPE_PADDING;
        checked:
            if (b->cbBuffer != 0 && b->pvBuffer == NULL)
                goto invalid;
            break;
        default:
            continue;                       /* left untouched */
        }
        m->iov[m->n].type = type;
        m->iov[m->n].buffer.length = b->cbBuffer;
        m->iov[m->n].buffer.value = b->pvBuffer;
        m->n++;
    }
    if (m->token == NULL)
        goto invalid;
    if (c->seqno_in_params && !m->have_params) {
        put_be64(m->seqbuf, seqno);
        m->iov[m->n].type = GSS_IOV_BUFFER_TYPE_MECH_PARAMS;
        m->iov[m->n].buffer.length = sizeof(m->seqbuf);
        m->iov[m->n].buffer.value = m->seqbuf;
        m->n++;
    }
    return SEC_E_OK;
invalid:
    if (m->iov != m->small)
        free(m->iov);
    m->iov = m->small;
    return SEC_E_INVALID_TOKEN;
}

static void
unmap_message(struct iov_map *m)
{
    if (m->iov != m->small)
        free(m->iov);
    m->iov = m->small;
}

/* The DATA and SIGN_ONLY buffers, concatenated (for mechanisms without IOV
 * MIC functions, e.g. NTLM: their MIC is over the concatenation). */
static int
concat_data(const gss_iov_buffer_desc *iov, int n, gss_buffer_desc *out)
{
    size_t len = 0, off = 0;
    int i;

    for (i = 0; i < n; i++) {
        if (iov[i].type == GSS_IOV_BUFFER_TYPE_DATA ||
            iov[i].type == GSS_IOV_BUFFER_TYPE_SIGN_ONLY)
            len += iov[i].buffer.length;
    }
    out->length = len;
    out->value = malloc(len ? len : 1);
    if (out->value == NULL)
        return -1;
    for (i = 0; i < n; i++) {
        if (iov[i].type == GSS_IOV_BUFFER_TYPE_DATA ||
            iov[i].type == GSS_IOV_BUFFER_TYPE_SIGN_ONLY) {
            if (iov[i].buffer.length)
                memcpy((char *)out->value + off, iov[i].buffer.value,
                       iov[i].buffer.length);
            off += iov[i].buffer.length;
        }
    }
    return 0;
}

ULONG
sspi_bridge_mic_length(const struct sspi_bridge_ctx *c, gss_qop_t qop, OM_uint32 *major_out)
{
    OM_uint32 major, minor;
    gss_iov_buffer_desc iov[2];

    memset(iov, 0, sizeof(iov));
    iov[0].type = GSS_IOV_BUFFER_TYPE_DATA;
    iov[1].type = GSS_IOV_BUFFER_TYPE_MIC_TOKEN;
    major = c->pkg->ops->get_mic_iov_length(&minor, c->ctx, qop, iov, 2);
    if (major_out != NULL)
        *major_out = major;
    return major == GSS_S_COMPLETE ? (ULONG)iov[1].buffer.length : 0;
}

/* The start of every per-message call: an established context, the
 * caller's buffers checked and mapped (unmap_message releases them). */
static inline NTSTATUS
message_begin(const struct sspi_bridge_ctx *c, const SecBufferDesc *msg, ULONG seqno,
              struct iov_map *m)
{
    NTSTATUS nt = SEC_E_INVALID_HANDLE;

    if (c != NULL && c->established)
        nt = map_message(c, msg, seqno, m);     /* sets m->iov */
    else
        m->iov = m->small;
    return nt;
}

/* A datagram context whose mechanism takes MessageSeqNo through a hook
 * (gss-ntlmssp) tells it before the GSS call. */
static inline NTSTATUS
message_seqno(const struct sspi_bridge_ctx *c, ULONG seqno, enum sspi_site site)
{
    NTSTATUS nt = STATUS_SUCCESS;

    if (c->set_seqno != NULL) {
        OM_uint32 minor = 0, major = c->set_seqno(c->mech, c->ctx, seqno, &minor);

        if (GSS_ERROR(major))
            nt = sspi_bridge_status(c->pkg, site, major, minor, c->gss_flags);
    }
    return nt;
}

NTSTATUS NTAPI
sspi_bridge_make_signature(LSA_SEC_HANDLE h, ULONG qop, PSecBufferDesc msg, ULONG seqno)
{
    struct sspi_bridge_ctx *c = (struct sspi_bridge_ctx *)h;
    const struct sspi_gss_ops *ops;
    struct iov_map m;
    gss_iov_buffer_desc *mic;
    OM_uint32 major, minor = 0;
    ULONG len;
    NTSTATUS nt;

    nt = message_begin(c, msg, seqno, &m);
    if (nt != SEC_E_OK)
        goto done;
    ops = c->pkg->ops;
    mic = &m.iov[m.mic_at];
    /* The size first: nothing may be written or consumed when the buffer is
     * too small.  Then the mechanism signs straight into the TOKEN buffer. */
    len = qop <= SSPI_BRIDGE_MAX_QOP ? c->mic_len[qop] : 0;
    if (len == 0) {
        len = sspi_bridge_mic_length(c, qop, &major);
        if (len == 0 && GSS_ROUTINE_ERROR(major) == GSS_S_BAD_QOP) {
            nt = sspi_bridge_status(c->pkg, SSPI_SITE_MAKE_SIGNATURE, major, minor,
                                    c->gss_flags);
            goto done;
        }
        if (len == 0)
            len = c->max_signature;
    }
    if (m.token->cbBuffer < len) {
        nt = SEC_E_BUFFER_TOO_SMALL;
        goto done;
    }
    mic->buffer.length = len;
    nt = message_seqno(c, seqno, SSPI_SITE_MAKE_SIGNATURE);
    if (nt != STATUS_SUCCESS)
        goto done;
    major = ops->get_mic_iov(&minor, c->ctx, qop, m.iov, m.n);
    if (GSS_ROUTINE_ERROR(major) == GSS_S_UNAVAILABLE && !m.have_params) {
        gss_buffer_desc data, tok = GSS_C_EMPTY_BUFFER;

        if (concat_data(m.iov, m.n, &data) != 0) {
            nt = SEC_E_INSUFFICIENT_MEMORY;
            goto done;
        }
        major = ops->get_mic(&minor, c->ctx, qop, &data, &tok);
        free(data.value);
        if (major == GSS_S_COMPLETE) {
            if (tok.length > m.token->cbBuffer) {
                ops->release_buffer(&minor, &tok);
                nt = SEC_E_BUFFER_TOO_SMALL;
                goto done;
            }
            memcpy(m.token->pvBuffer, tok.value, tok.length);
            mic->buffer.length = tok.length;
            ops->release_buffer(&minor, &tok);
        }
    }
    nt = sspi_bridge_status(c->pkg, SSPI_SITE_MAKE_SIGNATURE, major, minor, c->gss_flags);
    if (major == GSS_S_COMPLETE)
        m.token->cbBuffer = (ULONG)mic->buffer.length;
done:
    unmap_message(&m);
    return nt;
}

NTSTATUS NTAPI
sspi_bridge_verify_signature(LSA_SEC_HANDLE h, PSecBufferDesc msg, ULONG seqno, PULONG pfqop)
{
    struct sspi_bridge_ctx *c = (struct sspi_bridge_ctx *)h;
    const struct sspi_gss_ops *ops;
    struct iov_map m;
    OM_uint32 major, minor = 0;
    gss_qop_t qop = 0;
    NTSTATUS nt;

    nt = message_begin(c, msg, seqno, &m);
    if (nt == SEC_E_OK)
        nt = message_seqno(c, seqno, SSPI_SITE_ANY);
    if (nt != STATUS_SUCCESS)
        goto done;
    ops = c->pkg->ops;
    major = ops->verify_mic_iov(&minor, c->ctx, &qop, m.iov, m.n);
    if (GSS_ROUTINE_ERROR(major) == GSS_S_UNAVAILABLE && !m.have_params) {
        gss_buffer_desc data;

        if (concat_data(m.iov, m.n, &data) != 0) {
            nt = SEC_E_INSUFFICIENT_MEMORY;
            goto done;
        }
        major = ops->verify_mic(&minor, c->ctx, &data, &m.iov[m.mic_at].buffer, &qop);
        free(data.value);
    }
    nt = sspi_bridge_status(c->pkg, SSPI_SITE_ANY, major, minor, c->gss_flags);
    if (NT_SUCCESS(nt) && pfqop != NULL)
        *pfqop = (ULONG)qop;
done:
    unmap_message(&m);
    return nt;
}
