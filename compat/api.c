/*
 * api.c - the public SSPI entry points.
 *
 * As Windows' secur32 does, each call resolves its handle to the package
 * that made it and calls that package's table entry: MakeSignature ->
 * SECPKG_USER_FUNCTION_TABLE.MakeSignature (SpMakeSignature), and so on.
 *   - NULL, unknown or freed handle          -> SEC_E_INVALID_HANDLE
 *   - the package's table entry is NULL      -> SEC_E_UNSUPPORTED_FUNCTION
 *   - otherwise the entry's NTSTATUS, as SECURITY_STATUS (sspi_status_from_nt:
 *     never an NT error value but MakeSignature's STATUS_INVALID_PARAMETER)
 * "A" entry points take UTF-8, "W" entry points UTF-16; packages see
 * UNICODE_STRINGs and W attribute structures, as on Windows.
 * Every call on a handle goes handle_get -> package entry -> handle_put,
 * the one place its status is mapped; InitializeSecurityContextA/W and
 * AcceptSecurityContext are one function, establish.  ExportSecurityContext
 * alone holds its handle exclusively (handles.c).
 */
#include <stdlib.h>
#include <string.h>

#include "sspi_int.h"

/* ---- package information ----------------------------------------------------------------- */

static size_t
wbytes(const SEC_WCHAR *w)
{
    return (sspi_wcslen(w) + 1) * sizeof(SEC_WCHAR);
}

/* n packages as one block (FreeContextBuffer frees it): structs, then strings. */
static SECURITY_STATUS
info_block(const struct sspi_package *const *pkgs, size_t n, int wide, void **out)
{
    size_t i, size, each = wide ? sizeof(SecPkgInfoW) : sizeof(SecPkgInfoA);
    char *block, *str;

    *out = NULL;
    size = each * n;
    for (i = 0; i < n; i++)
        size += wide ? wbytes(pkgs[i]->wname) + wbytes(pkgs[i]->wcomment)
                     : strlen(pkgs[i]->name) + strlen(pkgs[i]->comment) + 2;
    block = calloc(1, size ? size : 1);
    if (block == NULL)
        return SEC_E_INSUFFICIENT_MEMORY;
    str = block + each * n;
    for (i = 0; i < n; i++) {
        const struct sspi_package *p = pkgs[i];

        if (wide) {
            SecPkgInfoW *w = (SecPkgInfoW *)block + i;

            w->fCapabilities = p->caps;
            w->wVersion = p->version;
            w->wRPCID = p->rpcid;
            w->cbMaxToken = p->max_token;
            w->Name = (SEC_WCHAR *)str;
            memcpy(str, p->wname, wbytes(p->wname));
            str += wbytes(p->wname);
            w->Comment = (SEC_WCHAR *)str;
            memcpy(str, p->wcomment, wbytes(p->wcomment));
            str += wbytes(p->wcomment);
        } else {
            SecPkgInfoA *a = (SecPkgInfoA *)block + i;

            a->fCapabilities = p->caps;
            a->wVersion = p->version;
            a->wRPCID = p->rpcid;
            a->cbMaxToken = p->max_token;
            a->Name = str;
            strcpy(str, p->name);
            str += strlen(p->name) + 1;
            a->Comment = str;
            strcpy(str, p->comment);
            str += strlen(p->comment) + 1;
        }
    }
    *out = block;
    return SEC_E_OK;
}

static SECURITY_STATUS
enumerate(ULONG *pc, void **pp, int wide)
{
    const struct sspi_package *pkgs[64];
    size_t n = sspi_package_count(), i;
    SECURITY_STATUS st;

    if (pc == NULL || pp == NULL)
        return SEC_E_INVALID_PARAMETER;
    if (n > 64)
        n = 64;
    for (i = 0; i < n; i++)
        pkgs[i] = sspi_package_at(i);
    st = info_block(pkgs, n, wide, pp);
    if (st == SEC_E_OK)
        *pc = (ULONG)n;
    return st;
}

SECURITY_STATUS SEC_ENTRY
EnumerateSecurityPackagesA(ULONG *pcPackages, PSecPkgInfoA *ppPackageInfo)
{
    return enumerate(pcPackages, (void **)ppPackageInfo, 0);
}

SECURITY_STATUS SEC_ENTRY
EnumerateSecurityPackagesW(ULONG *pcPackages, PSecPkgInfoW *ppPackageInfo)
{
    return enumerate(pcPackages, (void **)ppPackageInfo, 1);
}

SECURITY_STATUS SEC_ENTRY
QuerySecurityPackageInfoA(SEC_CHAR *pszPackageName, PSecPkgInfoA *ppPackageInfo)
{
    const struct sspi_package *p;

    if (ppPackageInfo == NULL)
        return SEC_E_INVALID_PARAMETER;
    *ppPackageInfo = NULL;
    p = sspi_package_find(pszPackageName);
    if (p == NULL)
        return SEC_E_SECPKG_NOT_FOUND;
    return info_block(&p, 1, 0, (void **)ppPackageInfo);
}

SECURITY_STATUS SEC_ENTRY
QuerySecurityPackageInfoW(SEC_WCHAR *pszPackageName, PSecPkgInfoW *ppPackageInfo)
{
    const struct sspi_package *p;
    char *name;

    if (ppPackageInfo == NULL)
        return SEC_E_INVALID_PARAMETER;
    *ppPackageInfo = NULL;
    name = sspi_utf8_from_utf16(pszPackageName, (size_t)-1);
    p = sspi_package_find(name);
    free(name);
    if (p == NULL)
        return SEC_E_SECPKG_NOT_FOUND;
    return info_block(&p, 1, 1, (void **)ppPackageInfo);
}

SECURITY_STATUS SEC_ENTRY
FreeContextBuffer(void *pvContextBuffer)
{
    free(pvContextBuffer);
    return SEC_E_OK;
}

/* ---- handles ------------------------------------------------------------------------------------ */

/*
 * Every call on a handle: take a reference (SEC_E_INVALID_HANDLE for a
 * NULL, unknown, freed or other-kind handle), call the package's entry,
 * release the reference and map the entry's NTSTATUS for the public call at
 * site (status.c).  handle_put is the one place where the status of such a
 * call is mapped.
 */
static inline SECURITY_STATUS
handle_get(enum sspi_kind kind, const SecHandle *h, struct sspi_ref *ref)
{
    return sspi_handle_get(kind, h, ref);
}

static inline SECURITY_STATUS
handle_put(struct sspi_ref *ref, enum sspi_site site, NTSTATUS nt)
{
    sspi_handle_put(ref);
    return sspi_status_from_nt(site, nt);
}

/* The package's user-mode table; one with every entry NULL if it has none. */
static const SECPKG_USER_FUNCTION_TABLE *
user_of(const struct sspi_package *p)
{
    static const SECPKG_USER_FUNCTION_TABLE none;

    return p->user != NULL ? p->user : &none;
}

/* ---- credentials ------------------------------------------------------------------------------- */

static SECURITY_STATUS
acquire(const char *principal, const char *package, ULONG use, void *logon, void *auth,
        SEC_GET_KEY_FN getkey, void *getkey_arg, PCredHandle ph, PTimeStamp expiry)
{
    const struct sspi_package *p = NULL;
    UNICODE_STRING uprincipal = { 0, 0, NULL };
    LSA_SEC_HANDLE h = 0;
    NTSTATUS nt;
    SECURITY_STATUS st = SEC_E_INVALID_PARAMETER;

    if (ph == NULL)
        goto done;
    st = SEC_E_SECPKG_NOT_FOUND;
    p = sspi_package_find(package);
    if (p == NULL)
        goto done;
    st = SEC_E_UNSUPPORTED_FUNCTION;
    if (p->lsa->AcquireCredentialsHandle == NULL)
        goto done;
    st = SEC_E_INSUFFICIENT_MEMORY;
    if (principal != NULL && sspi_ustr_set(&uprincipal, principal) != 0)
        goto done;
    nt = p->lsa->AcquireCredentialsHandle(principal ? &uprincipal : NULL, use, logon, auth,
                                          (PVOID)getkey, getkey_arg, &h, expiry);
    st = sspi_status_from_nt(SSPI_SITE_ACQUIRE, nt);
    if (!NT_SUCCESS(nt))
        goto done;
    st = sspi_handle_new(SSPI_KIND_CRED, p, h, ph);
    if (st != SEC_E_OK && p->lsa->FreeCredentialsHandle != NULL)
        p->lsa->FreeCredentialsHandle(h);
done:
    sspi_ustr_clear(&uprincipal);
    return st;
}

SECURITY_STATUS SEC_ENTRY
AcquireCredentialsHandleA(SEC_CHAR *pszPrincipal, SEC_CHAR *pszPackage, ULONG fCredentialUse,
                          void *pvLogonId, void *pAuthData, SEC_GET_KEY_FN pGetKeyFn,
                          void *pvGetKeyArgument, PCredHandle phCredential,
                          PTimeStamp ptsExpiry)
{
    return acquire(pszPrincipal, pszPackage, fCredentialUse, pvLogonId, pAuthData,
                   pGetKeyFn, pvGetKeyArgument, phCredential, ptsExpiry);
}

SECURITY_STATUS SEC_ENTRY
AcquireCredentialsHandleW(SEC_WCHAR *pszPrincipal, SEC_WCHAR *pszPackage, ULONG fCredentialUse,
                          void *pvLogonId, void *pAuthData, SEC_GET_KEY_FN pGetKeyFn,
                          void *pvGetKeyArgument, PCredHandle phCredential,
                          PTimeStamp ptsExpiry)
{
    char *principal = sspi_utf8_from_utf16(pszPrincipal, (size_t)-1);
    char *package = sspi_utf8_from_utf16(pszPackage, (size_t)-1);
    SECURITY_STATUS st;

    if ((pszPrincipal != NULL && principal == NULL) || (pszPackage != NULL && package == NULL))
        st = SEC_E_INSUFFICIENT_MEMORY;
    else
        st = acquire(principal, package, fCredentialUse, pvLogonId, pAuthData, pGetKeyFn,
                     pvGetKeyArgument, phCredential, ptsExpiry);
    free(principal);
    free(package);
    return st;
}

SECURITY_STATUS SEC_ENTRY
FreeCredentialsHandle(PCredHandle phCredential)
{
    return sspi_handle_delete(SSPI_KIND_CRED, phCredential);
}

static SECURITY_STATUS
add_credentials(PCredHandle ph, const char *principal, const char *package, ULONG use,
                void *auth, SEC_GET_KEY_FN getkey, void *arg, PTimeStamp expiry)
{
    struct sspi_ref ref;
    UNICODE_STRING up = { 0, 0, NULL }, upkg = { 0, 0, NULL };
    NTSTATUS nt = SEC_E_UNSUPPORTED_FUNCTION;
    SECURITY_STATUS st = handle_get(SSPI_KIND_CRED, ph, &ref);

    if (st != SEC_E_OK)
        goto done;
    if (ref.pkg->lsa->AddCredentials == NULL) {
        /* nt: unsupported */
    } else if ((principal != NULL && sspi_ustr_set(&up, principal) != 0) ||
               (package != NULL && sspi_ustr_set(&upkg, package) != 0)) {
        nt = SEC_E_INSUFFICIENT_MEMORY;
    } else {
        nt = ref.pkg->lsa->AddCredentials(ref.lsa, principal ? &up : NULL,
                                          package ? &upkg : NULL, use, auth, (PVOID)getkey,
                                          arg, expiry);
    }
    st = handle_put(&ref, SSPI_SITE_ANY, nt);
done:
    sspi_ustr_clear(&up);
    sspi_ustr_clear(&upkg);
    return st;
}

SECURITY_STATUS SEC_ENTRY
AddCredentialsA(PCredHandle ph, SEC_CHAR *principal, SEC_CHAR *package, ULONG use, void *auth,
                SEC_GET_KEY_FN getkey, void *arg, PTimeStamp expiry)
{
    return add_credentials(ph, principal, package, use, auth, getkey, arg, expiry);
}

SECURITY_STATUS SEC_ENTRY
AddCredentialsW(PCredHandle ph, SEC_WCHAR *principal, SEC_WCHAR *package, ULONG use,
                void *auth, SEC_GET_KEY_FN getkey, void *arg, PTimeStamp expiry)
{
    char *p = sspi_utf8_from_utf16(principal, (size_t)-1);
    char *k = sspi_utf8_from_utf16(package, (size_t)-1);
    SECURITY_STATUS st = add_credentials(ph, p, k, use, auth, getkey, arg, expiry);

    free(p);
    free(k);
    return st;
}

static SECURITY_STATUS
query_cred(PCredHandle ph, ULONG attr, void *buffer, int wide)
{
    struct sspi_ref ref;
    NTSTATUS nt = SEC_E_UNSUPPORTED_FUNCTION;
    SECURITY_STATUS st = handle_get(SSPI_KIND_CRED, ph, &ref);

    if (st != SEC_E_OK)
        goto done;
    if (ref.pkg->lsa->QueryCredentialsAttributes == NULL) {
        /* nt: unsupported */
    } else if (!wide && attr == SECPKG_CRED_ATTR_NAMES && buffer != NULL) {
        SecPkgCredentials_NamesW w = { NULL };

        nt = ref.pkg->lsa->QueryCredentialsAttributes(ref.lsa, attr, &w);
        if (NT_SUCCESS(nt)) {
            char *s = sspi_utf8_from_utf16(w.sUserName, (size_t)-1);

            free(w.sUserName);
            if (s == NULL)
                nt = SEC_E_INSUFFICIENT_MEMORY;
            ((SecPkgCredentials_NamesA *)buffer)->sUserName = s;
        }
    } else {
        nt = ref.pkg->lsa->QueryCredentialsAttributes(ref.lsa, attr, buffer);
    }
    st = handle_put(&ref, SSPI_SITE_ANY, nt);
done:
    return st;
}

SECURITY_STATUS SEC_ENTRY
QueryCredentialsAttributesA(PCredHandle phCredential, ULONG ulAttribute, void *pBuffer)
{
    return query_cred(phCredential, ulAttribute, pBuffer, 0);
}

SECURITY_STATUS SEC_ENTRY
QueryCredentialsAttributesW(PCredHandle phCredential, ULONG ulAttribute, void *pBuffer)
{
    return query_cred(phCredential, ulAttribute, pBuffer, 1);
}

static SECURITY_STATUS
set_cred_attr(PCredHandle ph, ULONG attr, void *buf, ULONG size)
{
    struct sspi_ref ref;
    NTSTATUS nt = SEC_E_UNSUPPORTED_FUNCTION;
    SECURITY_STATUS st = handle_get(SSPI_KIND_CRED, ph, &ref);

    if (st == SEC_E_OK) {
        if (ref.pkg->lsa->SetCredentialsAttributes != NULL)
            nt = ref.pkg->lsa->SetCredentialsAttributes(ref.lsa, attr, buf, size);
        st = handle_put(&ref, SSPI_SITE_ANY, nt);
    }
    return st;
}

SECURITY_STATUS SEC_ENTRY
SetCredentialsAttributesA(PCredHandle ph, ULONG attr, void *buf, ULONG size)
{
    return set_cred_attr(ph, attr, buf, size);
}

SECURITY_STATUS SEC_ENTRY
SetCredentialsAttributesW(PCredHandle ph, ULONG attr, void *buf, ULONG size)
{
    return set_cred_attr(ph, attr, buf, size);
}

/* ---- context establishment ------------------------------------------------------------------- */

/* One InitializeSecurityContext or AcceptSecurityContext call. */
struct establish_call {
    int accept;                     /* AcceptSecurityContext */
    PCredHandle cred;
    PCtxtHandle ctx;                /* NULL on the first call */
    const char *target;             /* InitializeSecurityContext only (UTF-8) */
    ULONG req, drep;
    PSecBufferDesc in, out;
    PCtxtHandle new_ctx;
    ULONG *attrs;
    PTimeStamp expiry;
};

/* After a successful LSA-mode call: hands a mapped context to user mode. */
static NTSTATUS
map_context(const struct sspi_package *p, LSA_SEC_HANDLE h, BOOLEAN mapped, PSecBuffer data)
{
    NTSTATUS nt = STATUS_SUCCESS;

    if (mapped && user_of(p)->InitUserModeContext != NULL)
        nt = p->user->InitUserModeContext(h, data);
    if (data->pvBuffer != NULL) {
        free(data->pvBuffer);
        data->pvBuffer = NULL;
    }
    return nt;
}

/*
 * The first call resolves the credential; a later one the context (and the
 * credential too, passed only when it is of the same package).  The
 * package's InitLsaModeContext / AcceptLsaModeContext gets 0 for the
 * handles it does not have; a first call that the package answers with a
 * handle gets a new SSPI handle, or the package's context is deleted again.
 */
static SECURITY_STATUS
establish(const struct establish_call *e)
{
    struct sspi_ref cref = { NULL, NULL, 0 }, xref = { NULL, NULL, 0 };
    const struct sspi_package *p;
    const enum sspi_site site = e->accept ? SSPI_SITE_ACCEPT : SSPI_SITE_ANY;
    UNICODE_STRING utarget = { 0, 0, NULL };
    LSA_SEC_HANDLE newh = 0, credh, ctxh;
    ULONG a = 0;
    BOOLEAN mapped = FALSE;
    SecBuffer data = { 0, 0, NULL };
    SECURITY_STATUS st;
    NTSTATUS nt;
    int first = e->ctx == NULL;

    if (first) {
        st = handle_get(SSPI_KIND_CRED, e->cred, &cref);
        p = cref.pkg;
    } else {
        st = handle_get(SSPI_KIND_CTXT, e->ctx, &xref);
        p = xref.pkg;
        if (st == SEC_E_OK && e->cred != NULL &&
            handle_get(SSPI_KIND_CRED, e->cred, &cref) == SEC_E_OK && cref.pkg != p)
            sspi_handle_put(&cref);
    }
    if (st != SEC_E_OK)
        goto done;
    st = SEC_E_UNSUPPORTED_FUNCTION;
    if (e->accept ? p->lsa->AcceptLsaModeContext == NULL : p->lsa->InitLsaModeContext == NULL)
        goto done;
    st = SEC_E_TARGET_UNKNOWN;
    if (e->target != NULL && sspi_ustr_set(&utarget, e->target) != 0)
        goto done;
    credh = cref.slot != NULL ? cref.lsa : 0;
    ctxh = xref.slot != NULL ? xref.lsa : 0;
    if (e->accept)
        nt = p->lsa->AcceptLsaModeContext(credh, ctxh, e->in, e->req, e->drep, &newh, e->out,
                                          &a, e->expiry, &mapped, &data);
    else
        nt = p->lsa->InitLsaModeContext(credh, ctxh, e->target ? &utarget : NULL, e->req,
                                        e->drep, e->in, &newh, e->out, &a, e->expiry,
                                        &mapped, &data);
    if (NT_SUCCESS(nt)) {
        NTSTATUS m = map_context(p, newh, mapped, &data);

        if (!NT_SUCCESS(m))
            nt = m;
    } else if (data.pvBuffer != NULL) {
        free(data.pvBuffer);
    }
    if (e->attrs != NULL)
        *e->attrs = a;
    st = sspi_status_from_nt(site, nt);
    if (first && newh != 0) {
        if (NT_SUCCESS(nt)) {
            SecHandle h;
            SECURITY_STATUS hs = sspi_handle_new(SSPI_KIND_CTXT, p, newh, &h);

            if (hs != SEC_E_OK) {
                st = hs;
                if (p->lsa->DeleteContext != NULL)
                    p->lsa->DeleteContext(newh);
            } else if (e->new_ctx != NULL) {
                *e->new_ctx = h;
            }
        } else if (p->lsa->DeleteContext != NULL) {
            p->lsa->DeleteContext(newh);
        }
    } else if (!first && e->new_ctx != NULL && e->new_ctx != e->ctx && NT_SUCCESS(nt)) {
        *e->new_ctx = *e->ctx;
    }
done:
    sspi_ustr_clear(&utarget);
    sspi_handle_put(&cref);
    sspi_handle_put(&xref);
    return st;
}

SECURITY_STATUS SEC_ENTRY
InitializeSecurityContextA(PCredHandle phCredential, PCtxtHandle phContext,
                           SEC_CHAR *pszTargetName, ULONG fContextReq, ULONG Reserved1,
                           ULONG TargetDataRep, PSecBufferDesc pInput, ULONG Reserved2,
                           PCtxtHandle phNewContext, PSecBufferDesc pOutput,
                           ULONG *pfContextAttr, PTimeStamp ptsExpiry)
{
    const struct establish_call e = {
        .accept = 0, .cred = phCredential, .ctx = phContext, .target = pszTargetName,
        .req = fContextReq, .drep = TargetDataRep, .in = pInput, .out = pOutput,
        .new_ctx = phNewContext, .attrs = pfContextAttr, .expiry = ptsExpiry,
    };

    (void)Reserved1;
    (void)Reserved2;
    return establish(&e);
}

SECURITY_STATUS SEC_ENTRY
InitializeSecurityContextW(PCredHandle phCredential, PCtxtHandle phContext,
                           SEC_WCHAR *pszTargetName, ULONG fContextReq, ULONG Reserved1,
                           ULONG TargetDataRep, PSecBufferDesc pInput, ULONG Reserved2,
                           PCtxtHandle phNewContext, PSecBufferDesc pOutput,
                           ULONG *pfContextAttr, PTimeStamp ptsExpiry)
{
    char *target = sspi_utf8_from_utf16(pszTargetName, (size_t)-1);
    const struct establish_call e = {
        .accept = 0, .cred = phCredential, .ctx = phContext, .target = target,
        .req = fContextReq, .drep = TargetDataRep, .in = pInput, .out = pOutput,
        .new_ctx = phNewContext, .attrs = pfContextAttr, .expiry = ptsExpiry,
    };
    SECURITY_STATUS st = SEC_E_TARGET_UNKNOWN;

    (void)Reserved1;
    (void)Reserved2;
    if (pszTargetName == NULL || target != NULL)
        st = establish(&e);
    free(target);
    return st;
}

SECURITY_STATUS SEC_ENTRY
AcceptSecurityContext(PCredHandle phCredential, PCtxtHandle phContext, PSecBufferDesc pInput,
                      ULONG fContextReq, ULONG TargetDataRep, PCtxtHandle phNewContext,
                      PSecBufferDesc pOutput, ULONG *pfContextAttr, PTimeStamp ptsExpiry)
{
    const struct establish_call e = {
        .accept = 1, .cred = phCredential, .ctx = phContext, .target = NULL,
        .req = fContextReq, .drep = TargetDataRep, .in = pInput, .out = pOutput,
        .new_ctx = phNewContext, .attrs = pfContextAttr, .expiry = ptsExpiry,
    };

    return establish(&e);
}

SECURITY_STATUS SEC_ENTRY
DeleteSecurityContext(PCtxtHandle phContext)
{
    return sspi_handle_delete(SSPI_KIND_CTXT, phContext);
}

/* ---- per-context calls ------------------------------------------------------------------------- */

SECURITY_STATUS SEC_ENTRY
MakeSignature(PCtxtHandle phContext, ULONG fQOP, PSecBufferDesc pMessage, ULONG MessageSeqNo)
{
    struct sspi_ref ref;
    NTSTATUS nt = SEC_E_UNSUPPORTED_FUNCTION;
    SECURITY_STATUS st = handle_get(SSPI_KIND_CTXT, phContext, &ref);

    if (st == SEC_E_OK) {
        if (user_of(ref.pkg)->MakeSignature != NULL)
            nt = ref.pkg->user->MakeSignature(ref.lsa, fQOP, pMessage, MessageSeqNo);
        st = handle_put(&ref, SSPI_SITE_MAKE_SIGNATURE, nt);
    }
    return st;
}

SECURITY_STATUS SEC_ENTRY
VerifySignature(PCtxtHandle phContext, PSecBufferDesc pMessage, ULONG MessageSeqNo,
                ULONG *pfQOP)
{
    struct sspi_ref ref;
    NTSTATUS nt = SEC_E_UNSUPPORTED_FUNCTION;
    SECURITY_STATUS st = handle_get(SSPI_KIND_CTXT, phContext, &ref);

    if (st == SEC_E_OK) {
        if (user_of(ref.pkg)->VerifySignature != NULL)
            nt = ref.pkg->user->VerifySignature(ref.lsa, pMessage, MessageSeqNo, pfQOP);
        st = handle_put(&ref, SSPI_SITE_ANY, nt);
    }
    return st;
}

SECURITY_STATUS SEC_ENTRY
EncryptMessage(PCtxtHandle phContext, ULONG fQOP, PSecBufferDesc pMessage, ULONG MessageSeqNo)
{
    struct sspi_ref ref;
    NTSTATUS nt = SEC_E_UNSUPPORTED_FUNCTION;
    SECURITY_STATUS st = handle_get(SSPI_KIND_CTXT, phContext, &ref);

    if (st == SEC_E_OK) {
        if (user_of(ref.pkg)->SealMessage != NULL)
            nt = ref.pkg->user->SealMessage(ref.lsa, fQOP, pMessage, MessageSeqNo);
        st = handle_put(&ref, SSPI_SITE_ANY, nt);
    }
    return st;
}

SECURITY_STATUS SEC_ENTRY
DecryptMessage(PCtxtHandle phContext, PSecBufferDesc pMessage, ULONG MessageSeqNo,
               ULONG *pfQOP)
{
    struct sspi_ref ref;
    NTSTATUS nt = SEC_E_UNSUPPORTED_FUNCTION;
    SECURITY_STATUS st = handle_get(SSPI_KIND_CTXT, phContext, &ref);

    if (st == SEC_E_OK) {
        if (user_of(ref.pkg)->UnsealMessage != NULL)
            nt = ref.pkg->user->UnsealMessage(ref.lsa, pMessage, MessageSeqNo, pfQOP);
        st = handle_put(&ref, SSPI_SITE_ANY, nt);
    }
    return st;
}

SECURITY_STATUS SEC_ENTRY
CompleteAuthToken(PCtxtHandle phContext, PSecBufferDesc pToken)
{
    struct sspi_ref ref;
    NTSTATUS nt = SEC_E_UNSUPPORTED_FUNCTION;
    SECURITY_STATUS st = handle_get(SSPI_KIND_CTXT, phContext, &ref);

    /* The GSS bridge never returns SEC_I_COMPLETE_NEEDED: nothing to do. */
    if (st == SEC_E_OK) {
        if (user_of(ref.pkg)->CompleteAuthToken != NULL)
            nt = ref.pkg->user->CompleteAuthToken(ref.lsa, pToken);
        st = handle_put(&ref, SSPI_SITE_ANY, nt);
    }
    return st;
}

SECURITY_STATUS SEC_ENTRY
ApplyControlToken(PCtxtHandle phContext, PSecBufferDesc pInput)
{
    struct sspi_ref ref;
    NTSTATUS nt = SEC_E_UNSUPPORTED_FUNCTION;
    SECURITY_STATUS st = handle_get(SSPI_KIND_CTXT, phContext, &ref);

    if (st == SEC_E_OK) {
        if (ref.pkg->lsa->ApplyControlToken != NULL)
            nt = ref.pkg->lsa->ApplyControlToken(ref.lsa, pInput);
        st = handle_put(&ref, SSPI_SITE_ANY, nt);
    }
    return st;
}

/* No Windows access tokens here: SEC_E_UNSUPPORTED_FUNCTION after the
 * handle check. */
static SECURITY_STATUS
no_access_tokens(PCtxtHandle phContext)
{
    struct sspi_ref ref;
    SECURITY_STATUS st = handle_get(SSPI_KIND_CTXT, phContext, &ref);

    if (st == SEC_E_OK)
        st = handle_put(&ref, SSPI_SITE_ANY, SEC_E_UNSUPPORTED_FUNCTION);
    return st;
}

SECURITY_STATUS SEC_ENTRY
ImpersonateSecurityContext(PCtxtHandle phContext)
{
    return no_access_tokens(phContext);
}

SECURITY_STATUS SEC_ENTRY
RevertSecurityContext(PCtxtHandle phContext)
{
    return no_access_tokens(phContext);
}

SECURITY_STATUS SEC_ENTRY
QuerySecurityContextToken(PCtxtHandle phContext, void **Token)
{
    SECURITY_STATUS st = no_access_tokens(phContext);

    if (st == SEC_E_UNSUPPORTED_FUNCTION && Token != NULL)
        *Token = NULL;
    return st;
}

/* The package's attribute query: user mode first, then LSA mode. */
static NTSTATUS
query_package(const struct sspi_ref *ref, ULONG attr, void *buffer)
{
    if (user_of(ref->pkg)->QueryContextAttributes != NULL)
        return ref->pkg->user->QueryContextAttributes(ref->lsa, attr, buffer);
    if (ref->pkg->lsa->QueryContextAttributes != NULL)
        return ref->pkg->lsa->QueryContextAttributes(ref->lsa, attr, buffer);
    return SEC_E_UNSUPPORTED_FUNCTION;
}

static char *
take_utf8(SEC_WCHAR *w, int *fail)
{
    char *s = NULL;

    if (w != NULL) {
        s = sspi_utf8_from_utf16(w, (size_t)-1);
        if (s == NULL)
            *fail = 1;
        free(w);
    }
    return s;
}

/* An attribute as the W structure the package fills, converted for the A
 * call where it holds strings (*fail: a conversion ran out of memory). */
static NTSTATUS
query_attr(const struct sspi_ref *ref, ULONG attr, void *buffer, int wide, int *fail)
{
    NTSTATUS nt;

    if (wide || (attr != SECPKG_ATTR_NAMES && attr != SECPKG_ATTR_NATIVE_NAMES &&
                 attr != SECPKG_ATTR_KEY_INFO)) {
        nt = query_package(ref, attr, buffer);
    } else if (attr == SECPKG_ATTR_NAMES) {
        SecPkgContext_NamesW w = { NULL };

        nt = query_package(ref, attr, &w);
        if (NT_SUCCESS(nt))
            ((SecPkgContext_NamesA *)buffer)->sUserName = take_utf8(w.sUserName, fail);
    } else if (attr == SECPKG_ATTR_NATIVE_NAMES) {
        SecPkgContext_NativeNamesW w = { NULL, NULL };
        SecPkgContext_NativeNamesA *a = buffer;

        nt = query_package(ref, attr, &w);
        if (NT_SUCCESS(nt)) {
            a->sClientName = take_utf8(w.sClientName, fail);
            a->sServerName = take_utf8(w.sServerName, fail);
        }
    } else {
        SecPkgContext_KeyInfoW w;
        SecPkgContext_KeyInfoA *a = buffer;

        memset(&w, 0, sizeof(w));
        nt = query_package(ref, attr, &w);
        if (NT_SUCCESS(nt)) {
            a->sSignatureAlgorithmName = take_utf8(w.sSignatureAlgorithmName, fail);
            a->sEncryptAlgorithmName = take_utf8(w.sEncryptAlgorithmName, fail);
            a->KeySize = w.KeySize;
            a->SignatureAlgorithm = w.SignatureAlgorithm;
            a->EncryptAlgorithm = w.EncryptAlgorithm;
        }
    }
    return nt;
}

static SECURITY_STATUS
query_context(PCtxtHandle phContext, ULONG attr, void *buffer, int wide)
{
    struct sspi_ref ref;
    NTSTATUS nt = SEC_E_INVALID_PARAMETER;
    int fail = 0;
    SECURITY_STATUS st = handle_get(SSPI_KIND_CTXT, phContext, &ref);

    if (st != SEC_E_OK)
        goto done;
    if (buffer == NULL) {
        /* nt: invalid parameter */
    } else if (attr == SECPKG_ATTR_PACKAGE_INFO) {
        void *info = NULL;

        nt = info_block(&ref.pkg, 1, wide, &info);
        ((SecPkgContext_PackageInfoW *)buffer)->PackageInfo = info;
    } else {
        nt = query_attr(&ref, attr, buffer, wide, &fail);
    }
    st = handle_put(&ref, SSPI_SITE_ANY, nt);
    if (fail)
        st = SEC_E_INSUFFICIENT_MEMORY;
done:
    return st;
}

SECURITY_STATUS SEC_ENTRY
QueryContextAttributesA(PCtxtHandle phContext, ULONG ulAttribute, void *pBuffer)
{
    return query_context(phContext, ulAttribute, pBuffer, 0);
}

SECURITY_STATUS SEC_ENTRY
QueryContextAttributesW(PCtxtHandle phContext, ULONG ulAttribute, void *pBuffer)
{
    return query_context(phContext, ulAttribute, pBuffer, 1);
}

static SECURITY_STATUS
set_context_attr(PCtxtHandle ph, ULONG attr, void *buf, ULONG size)
{
    struct sspi_ref ref;
    NTSTATUS nt = SEC_E_UNSUPPORTED_FUNCTION;
    SECURITY_STATUS st = handle_get(SSPI_KIND_CTXT, ph, &ref);

    if (st == SEC_E_OK) {
        if (ref.pkg->lsa->SetContextAttributes != NULL)
            nt = ref.pkg->lsa->SetContextAttributes(ref.lsa, attr, buf, size);
        st = handle_put(&ref, SSPI_SITE_ANY, nt);
    }
    return st;
}

SECURITY_STATUS SEC_ENTRY
SetContextAttributesA(PCtxtHandle ph, ULONG attr, void *buf, ULONG size)
{
    return set_context_attr(ph, attr, buf, size);
}

SECURITY_STATUS SEC_ENTRY
SetContextAttributesW(PCtxtHandle ph, ULONG attr, void *buf, ULONG size)
{
    return set_context_attr(ph, attr, buf, size);
}

/* ---- export / import ---------------------------------------------------------------------------- */

/*
 * The package may replace its context object while it exports (the GSS
 * bridge continues in a re-imported GSS context), so the export holds the
 * handle exclusively: calls on the same handle already inside the package
 * finish first, calls arriving meanwhile wait, and then run on the context
 * the export left.  With SECPKG_CONTEXT_EXPORT_DELETE_OLD a successful
 * export deletes the handle in the same step that ends the exclusive hold,
 * so the waiting calls return SEC_E_INVALID_HANDLE (docs/sspi.md, "Export
 * and import").
 */
SECURITY_STATUS SEC_ENTRY
ExportSecurityContext(PCtxtHandle phContext, ULONG fFlags, PSecBuffer pPackedContext,
                      void **pToken)
{
    struct sspi_ref ref;
    NTSTATUS nt = SEC_E_INVALID_HANDLE;
    SECURITY_STATUS st;

    st = sspi_handle_get_exclusive(SSPI_KIND_CTXT, phContext, &ref);
    if (st != SEC_E_OK)
        goto done;
    if (ref.pkg->user == NULL || ref.pkg->user->ExportContext == NULL)
        nt = SEC_E_UNSUPPORTED_FUNCTION;
    else
        nt = ref.pkg->user->ExportContext(ref.lsa, fFlags, pPackedContext, (PHANDLE)pToken);
    sspi_handle_put_exclusive(&ref, NT_SUCCESS(nt) &&
                                    (fFlags & SECPKG_CONTEXT_EXPORT_DELETE_OLD) != 0);
    st = sspi_status_from_nt(SSPI_SITE_ANY, nt);
done:
    return st;
}

static SECURITY_STATUS
import_context(const char *package, PSecBuffer packed, void *token, PCtxtHandle ph)
{
    const struct sspi_package *p = sspi_package_find(package);
    LSA_SEC_HANDLE h = 0;
    NTSTATUS nt;
    SECURITY_STATUS st = SEC_E_SECPKG_NOT_FOUND;

    if (p == NULL)
        goto done;
    st = SEC_E_INVALID_PARAMETER;
    if (ph == NULL)
        goto done;
    st = SEC_E_UNSUPPORTED_FUNCTION;
    if (user_of(p)->ImportContext == NULL)
        goto done;
    nt = p->user->ImportContext(packed, token, &h);
    st = sspi_status_from_nt(SSPI_SITE_ANY, nt);
    if (!NT_SUCCESS(nt))
        goto done;
    st = sspi_handle_new(SSPI_KIND_CTXT, p, h, ph);
    if (st != SEC_E_OK && p->lsa->DeleteContext != NULL)
        p->lsa->DeleteContext(h);
done:
    return st;
}

SECURITY_STATUS SEC_ENTRY
ImportSecurityContextA(SEC_CHAR *pszPackage, PSecBuffer pPackedContext, void *Token,
                       PCtxtHandle phContext)
{
    return import_context(pszPackage, pPackedContext, Token, phContext);
}

SECURITY_STATUS SEC_ENTRY
ImportSecurityContextW(SEC_WCHAR *pszPackage, PSecBuffer pPackedContext, void *Token,
                       PCtxtHandle phContext)
{
    char *package = sspi_utf8_from_utf16(pszPackage, (size_t)-1);
    SECURITY_STATUS st = import_context(package, pPackedContext, Token, phContext);

    free(package);
    return st;
}

/* ---- InitSecurityInterface ------------------------------------------------------------------- */

static SecurityFunctionTableA table_a = {
    .dwVersion = SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION_3,
    .EnumerateSecurityPackagesA = EnumerateSecurityPackagesA,
    .QueryCredentialsAttributesA = QueryCredentialsAttributesA,
    .AcquireCredentialsHandleA = AcquireCredentialsHandleA,
    .FreeCredentialHandle = FreeCredentialsHandle,
    .InitializeSecurityContextA = InitializeSecurityContextA,
    .AcceptSecurityContext = AcceptSecurityContext,
    .CompleteAuthToken = CompleteAuthToken,
    .DeleteSecurityContext = DeleteSecurityContext,
    .ApplyControlToken = ApplyControlToken,
    .QueryContextAttributesA = QueryContextAttributesA,
    .ImpersonateSecurityContext = ImpersonateSecurityContext,
    .RevertSecurityContext = RevertSecurityContext,
    .MakeSignature = MakeSignature,
    .VerifySignature = VerifySignature,
    .FreeContextBuffer = FreeContextBuffer,
    .QuerySecurityPackageInfoA = QuerySecurityPackageInfoA,
    .ExportSecurityContext = ExportSecurityContext,
    .ImportSecurityContextA = ImportSecurityContextA,
    .AddCredentialsA = AddCredentialsA,
    .QuerySecurityContextToken = QuerySecurityContextToken,
    .EncryptMessage = EncryptMessage,
    .DecryptMessage = DecryptMessage,
    .SetContextAttributesA = SetContextAttributesA,
    .SetCredentialsAttributesA = SetCredentialsAttributesA,
};

static SecurityFunctionTableW table_w = {
    .dwVersion = SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION_3,
    .EnumerateSecurityPackagesW = EnumerateSecurityPackagesW,
    .QueryCredentialsAttributesW = QueryCredentialsAttributesW,
    .AcquireCredentialsHandleW = AcquireCredentialsHandleW,
    .FreeCredentialsHandle = FreeCredentialsHandle,
    .InitializeSecurityContextW = InitializeSecurityContextW,
    .AcceptSecurityContext = AcceptSecurityContext,
    .CompleteAuthToken = CompleteAuthToken,
    .DeleteSecurityContext = DeleteSecurityContext,
    .ApplyControlToken = ApplyControlToken,
    .QueryContextAttributesW = QueryContextAttributesW,
    .ImpersonateSecurityContext = ImpersonateSecurityContext,
    .RevertSecurityContext = RevertSecurityContext,
    .MakeSignature = MakeSignature,
    .VerifySignature = VerifySignature,
    .FreeContextBuffer = FreeContextBuffer,
    .QuerySecurityPackageInfoW = QuerySecurityPackageInfoW,
    .ExportSecurityContext = ExportSecurityContext,
    .ImportSecurityContextW = ImportSecurityContextW,
    .AddCredentialsW = AddCredentialsW,
    .QuerySecurityContextToken = QuerySecurityContextToken,
    .EncryptMessage = EncryptMessage,
    .DecryptMessage = DecryptMessage,
    .SetContextAttributesW = SetContextAttributesW,
    .SetCredentialsAttributesW = SetCredentialsAttributesW,
};

PSecurityFunctionTableA SEC_ENTRY
InitSecurityInterfaceA(void)
{
    return &table_a;
}

PSecurityFunctionTableW SEC_ENTRY
InitSecurityInterfaceW(void)
{
    return &table_w;
}
