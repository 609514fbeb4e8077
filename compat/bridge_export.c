/*
 * bridge_export.c - SpExportSecurityContext and SpImportSecurityContext of
 * the GSS bridge (docs/sspi.md, "Export and import").
 *
 * gss_export_sec_context deletes the GSS context it exports.  Unless the
 * caller asked for that (SECPKG_CONTEXT_EXPORT_DELETE_OLD), the bridge
 * continues in a fresh import of the same token (for Signet a new instance:
 * fresh nonces, sending SEQ continuing; docs/tokens.md section 10).  c->ctx
 * changes here, so the dispatcher holds the handle exclusively for this
 * call (api.c, handles.c): no other call on the context runs meanwhile.
 * When the caller's copy cannot be allocated the context is re-imported
 * even with DELETE_OLD: the call fails and the context goes on working.
 * The exported token holds the context's keys: the mechanism's buffer is
 * wiped (signet_wipe) before it is released; the caller's copy is the
 * caller's (FreeContextBuffer).
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"      /* signet_wipe */
#include "bridge.h"

NTSTATUS NTAPI
sspi_bridge_export(LSA_SEC_HANDLE h, ULONG flags, PSecBuffer packed, PHANDLE token)
{
    struct sspi_bridge_ctx *c = (struct sspi_bridge_ctx *)h;
    const struct sspi_gss_ops *ops = NULL;
    gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
    OM_uint32 major, minor = 0;
    NTSTATUS nt = SEC_E_INVALID_HANDLE;
    void *copy = NULL;
    size_t len = 0;

    if (token != NULL)
        *token = NULL;
    if (c == NULL || !c->established)
        goto done;
    nt = STATUS_INVALID_PARAMETER;
    if (packed == NULL)
        goto done;
    ops = c->pkg->ops;
    major = ops->export_sec_context(&minor, &c->ctx, &out);
    if (major != GSS_S_COMPLETE) {
        nt = sspi_bridge_status(c->pkg, SSPI_SITE_ANY, major, minor, 0);
        goto done;
    }
    len = out.length;
    copy = malloc(len ? len : 1);
    if (copy != NULL && len > 0)
        memcpy(copy, out.value, len);
    if (!(flags & SECPKG_CONTEXT_EXPORT_DELETE_OLD) || copy == NULL)
        (void)ops->import_sec_context(&minor, &out, &c->ctx);
    /* Exported and deleted, or the re-import failed: no context left. */
    if (c->ctx == GSS_C_NO_CONTEXT)
        c->established = 0;
    nt = SEC_E_INSUFFICIENT_MEMORY;
    if (copy == NULL)
        goto done;
    packed->BufferType = SECBUFFER_TOKEN;
    packed->cbBuffer = (ULONG)len;
    packed->pvBuffer = copy;
    copy = NULL;
    nt = STATUS_SUCCESS;
done:
    if (copy != NULL) {
        signet_wipe(copy, len);
        free(copy);
    }
    if (out.value != NULL) {
        signet_wipe(out.value, out.length);
        ops->release_buffer(&minor, &out);
    }
    return nt;
}

NTSTATUS
sspi_bridge_import(const struct sspi_mech *pkg, PSecBuffer packed, PLSA_SEC_HANDLE out)
{
    struct sspi_bridge_ctx *c = NULL;
    gss_buffer_desc in;
    OM_uint32 major, minor = 0;
    NTSTATUS nt = SEC_E_INVALID_TOKEN;

    *out = 0;
    if (packed == NULL || packed->pvBuffer == NULL || packed->cbBuffer == 0)
        goto done;
    nt = SEC_E_INSUFFICIENT_MEMORY;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        goto done;
    c->pkg = c->mech = pkg;
    in.length = packed->cbBuffer;
    in.value = packed->pvBuffer;
    major = pkg->ops->import_sec_context(&minor, &in, &c->ctx);
    nt = sspi_bridge_status(pkg, SSPI_SITE_ANY, major, minor, 0);
    if (major != GSS_S_COMPLETE)
        goto done;
    sspi_bridge_finish(c);
    *out = (LSA_SEC_HANDLE)c;
    c = NULL;
done:
    free(c);
    return nt;
}
