/*
 * bridge_package.c - each entry of the mechanism table (bridge_mechs.c) as a
 * security package: its SpGetInfo, SECPKG_FUNCTION_TABLE and
 * SECPKG_USER_FUNCTION_TABLE, and sspi_bridge_builtin for the registry.
 *
 * The functions that take a handle find their package in it; those that
 * take none (SpGetInfo, SpAcquireCredentialsHandle, SpInitLsaModeContext and
 * SpAcceptLsaModeContext on a first call, SpImportSecurityContext) must know
 * which entry they serve, so each of SSPI_BRIDGE_SLOTS slots has thunks
 * that pass entry i of the table.  The slots are the same code for every
 * entry: a new entry of the table uses the next slot, nothing here changes.
 */
#include "bridge.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static NTSTATUS
get_info(const struct sspi_mech *m, PSecPkgInfoW info)
{
    if (info == NULL)
        return STATUS_INVALID_PARAMETER;
    info->fCapabilities = m->caps;
    info->wVersion = m->version;
    info->wRPCID = m->rpcid;
    info->cbMaxToken = m->max_token;
    info->Name = NULL;      /* the registry keeps the names */
    info->Comment = NULL;
    return STATUS_SUCCESS;
}

#define SLOT_THUNKS(i)                                                                    \
    static NTSTATUS NTAPI get_info_##i(PSecPkgInfoW info)                                 \
    {                                                                                     \
        return get_info(sspi_mech_at(i), info);                                           \
    }                                                                                     \
    static NTSTATUS NTAPI acquire_##i(PUNICODE_STRING principal, ULONG use, PLUID logon, \
                                      PVOID auth, PVOID getkey, PVOID getkey_arg,        \
                                      PLSA_SEC_HANDLE out, PTimeStamp expiry)            \
    {                                                                                     \
        (void)logon, (void)getkey, (void)getkey_arg;                                      \
        return sspi_bridge_acquire(sspi_mech_at(i), principal, use, auth, out, expiry);   \
    }                                                                                     \
    static NTSTATUS NTAPI init_##i(LSA_SEC_HANDLE cred, LSA_SEC_HANDLE ctx,               \
                                   PUNICODE_STRING target, ULONG req, ULONG drep,         \
                                   PSecBufferDesc in, PLSA_SEC_HANDLE newh,               \
                                   PSecBufferDesc out, PULONG attrs, PTimeStamp expiry,   \
                                   PBOOLEAN mapped, PSecBuffer data)                      \
    {                                                                                     \
        (void)drep, (void)data;                                                           \
        *mapped = FALSE;                                                                  \
        return sspi_bridge_establish(sspi_mech_at(i), 0, cred, ctx, target, req, in,      \
                                     newh, out, attrs, expiry);                           \
    }                                                                                     \
    static NTSTATUS NTAPI accept_##i(LSA_SEC_HANDLE cred, LSA_SEC_HANDLE ctx,             \
                                     PSecBufferDesc in, ULONG req, ULONG drep,            \
                                     PLSA_SEC_HANDLE newh, PSecBufferDesc out,            \
                                     PULONG attrs, PTimeStamp expiry, PBOOLEAN mapped,    \
                                     PSecBuffer data)                                     \
    {                                                                                     \
        (void)drep, (void)data;                                                           \
        *mapped = FALSE;                                                                  \
        return sspi_bridge_establish(sspi_mech_at(i), 1, cred, ctx, NULL, req, in, newh,  \
                                     out, attrs, expiry);                                 \
    }                                                                                     \
    static NTSTATUS NTAPI import_##i(PSecBuffer packed, HANDLE token,                     \
                                     PLSA_SEC_HANDLE out)                                 \
    {                                                                                     \
        (void)token;                                                                      \
        return sspi_bridge_import(sspi_mech_at(i), packed, out);                          \
    }

#define LSA_TABLE(i)                                                                      \
    {                                                                                     \
        .GetInfo = get_info_##i,                                                          \
        .AcquireCredentialsHandle = acquire_##i,                                          \
        .QueryCredentialsAttributes = sspi_bridge_query_cred,                             \
        .FreeCredentialsHandle = sspi_bridge_free_cred,                                   \
        .InitLsaModeContext = init_##i,                                                   \
        .AcceptLsaModeContext = accept_##i,                                               \
        .DeleteContext = sspi_bridge_delete,                                              \
        .QueryContextAttributes = sspi_bridge_query_context,                              \
    }

#define USER_TABLE(i)                                                                     \
    {                                                                                     \
        .MakeSignature = sspi_bridge_make_signature,                                      \
        .VerifySignature = sspi_bridge_verify_signature,                                  \
        .QueryContextAttributes = sspi_bridge_query_context,                              \
        .ExportContext = sspi_bridge_export,                                              \
        .ImportContext = import_##i,                                                      \
    }

SLOT_THUNKS(0)
SLOT_THUNKS(1)
SLOT_THUNKS(2)
SLOT_THUNKS(3)
SLOT_THUNKS(4)
SLOT_THUNKS(5)
SLOT_THUNKS(6)
SLOT_THUNKS(7)

static const SECPKG_FUNCTION_TABLE lsa_tables[] = {
    LSA_TABLE(0), LSA_TABLE(1), LSA_TABLE(2), LSA_TABLE(3),
    LSA_TABLE(4), LSA_TABLE(5), LSA_TABLE(6), LSA_TABLE(7),
};
static const SECPKG_USER_FUNCTION_TABLE user_tables[] = {
    USER_TABLE(0), USER_TABLE(1), USER_TABLE(2), USER_TABLE(3),
    USER_TABLE(4), USER_TABLE(5), USER_TABLE(6), USER_TABLE(7),
};
_Static_assert(COUNT(lsa_tables) == SSPI_BRIDGE_SLOTS && COUNT(user_tables) == SSPI_BRIDGE_SLOTS,
               "a slot per entry the table may have (bridge.h)");

int
sspi_bridge_builtin(size_t i, struct sspi_builtin *out)
{
    const struct sspi_mech *m = sspi_mech_at(i);

    if (m == NULL || i >= SSPI_BRIDGE_SLOTS)
        return -1;
    *out = (struct sspi_builtin){
        .lsa = &lsa_tables[i],
        .user = &user_tables[i],
        .name = m->name,
        .comment = m->comment,
        .caps = m->caps,
        .version = m->version,
        .rpcid = m->rpcid,
        .max_token = m->max_token,
        .listed = m->listed == NULL || m->listed(m),
    };
    return 0;
}
