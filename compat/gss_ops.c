/*
 * gss_ops.c - the two GSS function tables the bridge package runs on
 * (struct sspi_gss_ops, bridge.h); the mechanism table (bridge_mechs.c)
 * names one of them for each entry.
 *
 * mechglue: the public gss_* functions of libgssapi_krb5 (Kerberos, SPNEGO,
 *           NTLM and any other configured mechanism).
 * signet:   the Signet core's signet_gss_* functions, called directly: the
 *           handles are the core's own objects and no mechglue lock is taken
 *           on per-message calls.  Tokens on the wire are the same either way.
 *           Exported contexts carry mechglue's framing (4-byte big-endian OID
 *           length, OID) so that gss_import_sec_context takes them.
 */
#include <stdlib.h>
#include <string.h>

#include "signet.h"
#include "crypto.h"      /* signet_wipe */
#include "bridge.h"

/* ---- mechglue ----------------------------------------------------------------- */
const struct sspi_gss_ops sspi_gss_ops_mechglue = {
    .acquire_cred_from = gss_acquire_cred_from,
    .acquire_cred_with_password = gss_acquire_cred_with_password,
    .release_cred = gss_release_cred,
    .inquire_cred = gss_inquire_cred,
    .init_sec_context = gss_init_sec_context,
    .accept_sec_context = gss_accept_sec_context,
    .delete_sec_context = gss_delete_sec_context,
    .inquire_context = gss_inquire_context,
    .get_mic = gss_get_mic,
    .verify_mic = gss_verify_mic,
    .get_mic_iov = gss_get_mic_iov,
    .verify_mic_iov = gss_verify_mic_iov,
    .get_mic_iov_length = gss_get_mic_iov_length,
    .wrap = gss_wrap,
    .unwrap = gss_unwrap,
    .wrap_size_limit = gss_wrap_size_limit,
    .export_sec_context = gss_export_sec_context,
    .import_sec_context = gss_import_sec_context,
    .import_name = gss_import_name,
    .display_name = gss_display_name,
    .release_name = gss_release_name,
    .set_sec_context_option = gss_set_sec_context_option,
    .inquire_sec_context_by_oid = gss_inquire_sec_context_by_oid,
    .pseudo_random = gss_pseudo_random,
    .release_buffer = gss_release_buffer,
    .release_buffer_set = gss_release_buffer_set,
};

/* ---- Signet, direct ------------------------------------------------------------ */
static OM_uint32
signet_release_buffer(OM_uint32 *minor, gss_buffer_t buf)
{
    *minor = 0;
    if (buf != GSS_C_NO_BUFFER) {
        free(buf->value);
        buf->value = NULL;
        buf->length = 0;
    }
    return GSS_S_COMPLETE;
}

static OM_uint32
signet_release_buffer_set(OM_uint32 *minor, gss_buffer_set_t *set)
{
    return gss_release_buffer_set(minor, set);
}

static OM_uint32
signet_export(OM_uint32 *minor, gss_ctx_id_t *ctx, gss_buffer_t out)
{
    gss_buffer_desc inner = GSS_C_EMPTY_BUFFER;
    const gss_OID_desc *oid = SIGNET_MECH_OID;
    OM_uint32 major;
    unsigned char *p;

    out->length = 0;
    out->value = NULL;
    major = signet_gss_export_sec_context(minor, ctx, &inner);
    if (major != GSS_S_COMPLETE)
        return major;
    p = malloc(4 + oid->length + inner.length);
    if (p == NULL) {
        signet_wipe(inner.value, inner.length);
        free(inner.value);
        *minor = SIGNET_ERR_NOMEM;
        return GSS_S_FAILURE;
    }
    p[0] = (unsigned char)(oid->length >> 24);
    p[1] = (unsigned char)(oid->length >> 16);
    p[2] = (unsigned char)(oid->length >> 8);
    p[3] = (unsigned char)oid->length;
    memcpy(p + 4, oid->elements, oid->length);
    memcpy(p + 4 + oid->length, inner.value, inner.length);
    out->value = p;
    out->length = 4 + oid->length + inner.length;
    signet_wipe(inner.value, inner.length);
    free(inner.value);
    return GSS_S_COMPLETE;
}

static OM_uint32
signet_import(OM_uint32 *minor, gss_buffer_t in, gss_ctx_id_t *ctx)
{
    const gss_OID_desc *oid = SIGNET_MECH_OID;
    const unsigned char *p = in->value;
    gss_buffer_desc inner;

    *ctx = GSS_C_NO_CONTEXT;
    if (in->length < 4 + oid->length || p[0] || p[1] || p[2] || p[3] != oid->length ||
        memcmp(p + 4, oid->elements, oid->length) != 0) {
        *minor = SIGNET_ERR_EXPORT_FORMAT;
        return GSS_S_DEFECTIVE_TOKEN;
    }
    inner.value = (void *)(p + 4 + oid->length);
    inner.length = in->length - 4 - oid->length;
    return signet_gss_import_sec_context(minor, &inner, ctx);
}

const struct sspi_gss_ops sspi_gss_ops_signet = {
    .acquire_cred_from = signet_gss_acquire_cred_from,
    .acquire_cred_with_password = NULL,
    .release_cred = signet_gss_release_cred,
    .inquire_cred = signet_gss_inquire_cred,
    .init_sec_context = signet_gss_init_sec_context,
    .accept_sec_context = signet_gss_accept_sec_context,
    .delete_sec_context = signet_gss_delete_sec_context,
    .inquire_context = signet_gss_inquire_context,
    .get_mic = signet_gss_get_mic,
    .verify_mic = signet_gss_verify_mic,
    .get_mic_iov = signet_gss_get_mic_iov,
    .verify_mic_iov = signet_gss_verify_mic_iov,
    .get_mic_iov_length = signet_gss_get_mic_iov_length,
    .wrap = signet_gss_wrap,
    .unwrap = signet_gss_unwrap,
    .wrap_size_limit = signet_gss_wrap_size_limit,
    .export_sec_context = signet_export,
    .import_sec_context = signet_import,
    .import_name = signet_gss_import_name,
    .display_name = signet_gss_display_name,
    .release_name = signet_gss_release_name,
    .set_sec_context_option = signet_gss_set_sec_context_option,
    .inquire_sec_context_by_oid = signet_gss_inquire_sec_context_by_oid,
    .pseudo_random = signet_gss_pseudo_random,
    .release_buffer = signet_release_buffer,
    .release_buffer_set = signet_release_buffer_set,
};
