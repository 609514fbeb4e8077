/*
 * statuspkg.c - a third-party security package whose every function returns
 * one NTSTATUS the test chooses, for tests/compat/t_status: whatever a
 * package returns, no SSPI entry point may hand an NT error value
 * (0xC0000000 and up) to the application but MakeSignature's
 * STATUS_INVALID_PARAMETER, and the generic NT codes become their SEC_E_
 * equivalents (docs/status-mapping.md).
 *
 * Package name "TestStatus".  The result starts as STATUS_SUCCESS (so the
 * test can make a credential and a context first) and is set with
 * SetCredentialsAttributes(cred, STATUSPKG_SET_RESULT, &nt, sizeof(nt)),
 * which itself always succeeds.  The functions write no output: on success
 * they only hand out handles, so the test sweeps failure values only.
 * Loaded through SIGNET_SSPI_PACKAGES.
 */
#include <stdlib.h>
#include <string.h>

#include <ntsecpkg.h>

#include "statuspkg.h"

static NTSTATUS result = STATUS_SUCCESS;
static int dummy_cred, dummy_ctx;     /* the handles it hands out */

static const SEC_WCHAR name[] = { 'T', 'e', 's', 't', 'S', 't', 'a', 't', 'u', 's', 0 };
static const SEC_WCHAR comment[] = { 's', 't', 'a', 't', 'u', 's', 0 };

static NTSTATUS NTAPI
get_info(PSecPkgInfoW info)
{
    info->fCapabilities = SECPKG_FLAG_INTEGRITY | SECPKG_FLAG_CONNECTION;
    info->wVersion = 1;
    info->wRPCID = SECPKG_ID_NONE;
    info->cbMaxToken = 16;
    info->Name = (SEC_WCHAR *)name;
    info->Comment = (SEC_WCHAR *)comment;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI
acquire(PUNICODE_STRING principal, ULONG use, PLUID logon, PVOID auth, PVOID gk, PVOID gka,
        PLSA_SEC_HANDLE out, PTimeStamp expiry)
{
    (void)principal, (void)use, (void)logon, (void)auth, (void)gk, (void)gka, (void)expiry;
    if (NT_SUCCESS(result))
        *out = (LSA_SEC_HANDLE)&dummy_cred;
    return result;
}

static NTSTATUS NTAPI
free_cred(LSA_SEC_HANDLE h)
{
    (void)h;
    return result;
}

static NTSTATUS NTAPI
query_cred(LSA_SEC_HANDLE h, ULONG attr, PVOID buffer)
{
    (void)h, (void)attr, (void)buffer;
    return result;
}

static NTSTATUS NTAPI
set_cred(LSA_SEC_HANDLE h, ULONG attr, PVOID buffer, ULONG size)
{
    (void)h;
    if (attr == STATUSPKG_SET_RESULT && buffer != NULL && size == sizeof(NTSTATUS)) {
        memcpy(&result, buffer, sizeof(result));
        return STATUS_SUCCESS;
    }
    return result;
}

static NTSTATUS NTAPI
add_cred(LSA_SEC_HANDLE h, PUNICODE_STRING principal, PUNICODE_STRING package, ULONG use,
         PVOID auth, PVOID gk, PVOID gka, PTimeStamp expiry)
{
    (void)h, (void)principal, (void)package, (void)use, (void)auth, (void)gk, (void)gka;
    (void)expiry;
    return result;
}

static NTSTATUS NTAPI
init_ctx(LSA_SEC_HANDLE cred, LSA_SEC_HANDLE ctx, PUNICODE_STRING target, ULONG req,
         ULONG drep, PSecBufferDesc in, PLSA_SEC_HANDLE newh, PSecBufferDesc out,
         PULONG attrs, PTimeStamp expiry, PBOOLEAN mapped, PSecBuffer data)
{
    (void)cred, (void)target, (void)req, (void)drep, (void)in, (void)out, (void)expiry;
    (void)data;
    *attrs = 0;
    *mapped = FALSE;
    *newh = ctx != 0 ? ctx : NT_SUCCESS(result) ? (LSA_SEC_HANDLE)&dummy_ctx : 0;
    return result;
}

static NTSTATUS NTAPI
accept_ctx(LSA_SEC_HANDLE cred, LSA_SEC_HANDLE ctx, PSecBufferDesc in, ULONG req, ULONG drep,
           PLSA_SEC_HANDLE newh, PSecBufferDesc out, PULONG attrs, PTimeStamp expiry,
           PBOOLEAN mapped, PSecBuffer data)
{
    return init_ctx(cred, ctx, NULL, req, drep, in, newh, out, attrs, expiry, mapped, data);
}

static NTSTATUS NTAPI
delete_ctx(LSA_SEC_HANDLE h)
{
    (void)h;
    return result;
}

static NTSTATUS NTAPI
control(LSA_SEC_HANDLE h, PSecBufferDesc token)
{
    (void)h, (void)token;
    return result;
}

static NTSTATUS NTAPI
query_ctx(LSA_SEC_HANDLE h, ULONG attr, PVOID buffer)
{
    (void)h, (void)attr, (void)buffer;
    return result;
}

static NTSTATUS NTAPI
set_ctx(LSA_SEC_HANDLE h, ULONG attr, PVOID buffer, ULONG size)
{
    (void)h, (void)attr, (void)buffer, (void)size;
    return result;
}

static NTSTATUS NTAPI
make_sig(LSA_SEC_HANDLE h, ULONG qop, PSecBufferDesc msg, ULONG seq)
{
    (void)h, (void)qop, (void)msg, (void)seq;
    return result;
}

static NTSTATUS NTAPI
verify_sig(LSA_SEC_HANDLE h, PSecBufferDesc msg, ULONG seq, PULONG qop)
{
    (void)h, (void)msg, (void)seq, (void)qop;
    return result;
}

static NTSTATUS NTAPI
complete(LSA_SEC_HANDLE h, PSecBufferDesc in)
{
    (void)h, (void)in;
    return result;
}

static NTSTATUS NTAPI
export_ctx(LSA_SEC_HANDLE h, ULONG flags, PSecBuffer packed, PHANDLE token)
{
    (void)h, (void)flags, (void)packed, (void)token;
    return result;
}

static NTSTATUS NTAPI
import_ctx(PSecBuffer packed, HANDLE token, PLSA_SEC_HANDLE out)
{
    (void)packed, (void)token;
    if (NT_SUCCESS(result))
        *out = (LSA_SEC_HANDLE)&dummy_ctx;
    return result;
}

static SECPKG_FUNCTION_TABLE lsa_table = {
    .GetInfo = get_info,
    .AcquireCredentialsHandle = acquire,
    .QueryCredentialsAttributes = query_cred,
    .FreeCredentialsHandle = free_cred,
    .InitLsaModeContext = init_ctx,
    .AcceptLsaModeContext = accept_ctx,
    .DeleteContext = delete_ctx,
    .ApplyControlToken = control,
    .QueryContextAttributes = query_ctx,
    .AddCredentials = add_cred,
    .SetContextAttributes = set_ctx,
    .SetCredentialsAttributes = set_cred,
};

static SECPKG_USER_FUNCTION_TABLE user_table = {
    .MakeSignature = make_sig,
    .VerifySignature = verify_sig,
    .SealMessage = make_sig,
    .UnsealMessage = verify_sig,
    .QueryContextAttributes = query_ctx,
    .CompleteAuthToken = complete,
    .ExportContext = export_ctx,
    .ImportContext = import_ctx,
};

NTSTATUS SEC_ENTRY SpLsaModeInitialize(ULONG, PULONG, PSECPKG_FUNCTION_TABLE *, PULONG);
NTSTATUS SEC_ENTRY SpUserModeInitialize(ULONG, PULONG, PSECPKG_USER_FUNCTION_TABLE *, PULONG);

NTSTATUS SEC_ENTRY
SpLsaModeInitialize(ULONG lsa_version, PULONG pkg_version, PSECPKG_FUNCTION_TABLE *tables,
                    PULONG count)
{
    (void)lsa_version;
    *pkg_version = SECPKG_INTERFACE_VERSION;
    *tables = &lsa_table;
    *count = 1;
    return STATUS_SUCCESS;
}

NTSTATUS SEC_ENTRY
SpUserModeInitialize(ULONG lsa_version, PULONG pkg_version,
                     PSECPKG_USER_FUNCTION_TABLE *tables, PULONG count)
{
    (void)lsa_version;
    *pkg_version = SECPKG_INTERFACE_VERSION;
    *tables = &user_table;
    *count = 1;
    return STATUS_SUCCESS;
}
