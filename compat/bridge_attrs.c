/*
 * bridge_attrs.c - SpQueryContextAttributes of the GSS bridge.
 *
 *   FLAGS         the ISC_RET/ASC_RET attributes (also while establishing)
 *   SIZES         cbMaxToken of the package, the largest MIC, block size 1,
 *                 the wrap overhead (sspi_bridge_finish measured them)
 *   NAMES, NATIVE_NAMES, LIFESPAN   as the mechanism reported them
 *   SESSION_KEY, KEY_INFO           the entry's hooks (bridge_mechs.c):
 *                 Kerberos' GSS_C_INQ_SSPI_SESSION_KEY and its enctype,
 *                 Signet's PRF key and default QOP, NTLM's fixed algorithms
 * Others: SEC_E_UNSUPPORTED_FUNCTION (docs/sspi.md, "QueryContextAttributes").
 * Structures are the W forms; the dispatcher converts for the A calls.
 */
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

static NTSTATUS
key_info(const struct sspi_bridge_ctx *c, SecPkgContext_KeyInfoW *s)
{
    struct sspi_key_info ki = { 0, 0, 0, NULL, NULL };
    NTSTATUS nt = SEC_E_UNSUPPORTED_FUNCTION;

    if (c->mech->key_info != NULL)
        nt = c->mech->key_info(c, &ki);
    if (!NT_SUCCESS(nt))
        goto done;
    nt = SEC_E_INSUFFICIENT_MEMORY;
    s->sSignatureAlgorithmName = sspi_bridge_wdup(ki.sig_name);
    s->sEncryptAlgorithmName = sspi_bridge_wdup(ki.enc_name);
    if (s->sSignatureAlgorithmName == NULL || s->sEncryptAlgorithmName == NULL) {
        free(s->sSignatureAlgorithmName);
        free(s->sEncryptAlgorithmName);
        s->sSignatureAlgorithmName = s->sEncryptAlgorithmName = NULL;
        goto done;
    }
    s->KeySize = ki.bits;
    s->SignatureAlgorithm = ki.sig_alg;
    s->EncryptAlgorithm = ki.enc_alg;
    nt = STATUS_SUCCESS;
done:
    return nt;
}

static NTSTATUS
native_names(const struct sspi_bridge_ctx *c, SecPkgContext_NativeNamesW *s)
{
    s->sClientName = sspi_bridge_wdup(c->client_name);
    s->sServerName = sspi_bridge_wdup(c->server_name);
    if (s->sClientName == NULL || s->sServerName == NULL) {
        free(s->sClientName);
        free(s->sServerName);
        s->sClientName = s->sServerName = NULL;
        return SEC_E_INSUFFICIENT_MEMORY;
    }
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI
sspi_bridge_query_context(LSA_SEC_HANDLE h, ULONG attr, PVOID buffer)
{
    const struct sspi_bridge_ctx *c = (const struct sspi_bridge_ctx *)h;
    NTSTATUS nt = SEC_E_INVALID_HANDLE;

    if (c == NULL)
        goto done;
    nt = STATUS_INVALID_PARAMETER;
    if (buffer == NULL)
        goto done;
    nt = STATUS_SUCCESS;
    if (attr == SECPKG_ATTR_FLAGS) {
        ((SecPkgContext_Flags *)buffer)->Flags = c->attrs;
        goto done;
    }
    nt = SEC_E_INVALID_HANDLE;
    if (!c->established)
        goto done;
    nt = STATUS_SUCCESS;
    switch (attr) {
    case SECPKG_ATTR_SIZES: {
        SecPkgContext_Sizes *s = buffer;

        s->cbMaxToken = c->pkg->max_token;
        s->cbMaxSignature = c->max_signature;
        s->cbBlockSize = 1;
        s->cbSecurityTrailer = c->trailer;
        break;
    }
    case SECPKG_ATTR_NAMES: {
        SecPkgContext_NamesW *s = buffer;

        s->sUserName = sspi_bridge_wdup(c->client_name);
        if (s->sUserName == NULL)
            nt = SEC_E_INSUFFICIENT_MEMORY;
        break;
    }
    case SECPKG_ATTR_NATIVE_NAMES:
        nt = native_names(c, buffer);
        break;
    case SECPKG_ATTR_LIFESPAN: {
        SecPkgContext_Lifespan *s = buffer;

        sspi_timestamp(&s->tsStart, c->start);
        sspi_timestamp(&s->tsExpiry, c->expiry);
        break;
    }
    case SECPKG_ATTR_SESSION_KEY: {
        int enctype;

        nt = c->mech->session_key != NULL ? c->mech->session_key(c, buffer, &enctype)
                                          : SEC_E_UNSUPPORTED_FUNCTION;
        break;
    }
    case SECPKG_ATTR_KEY_INFO:
        nt = key_info(c, buffer);
        break;
    default:
        nt = SEC_E_UNSUPPORTED_FUNCTION;
        break;
    }
done:
    return nt;
}
