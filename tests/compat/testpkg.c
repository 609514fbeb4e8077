/*
 * testpkg.c - a small third-party security package for the tests, written
 * like a Windows SSP/AP: SpLsaModeInitialize returns its SECPKG_FUNCTION_TABLE
 * (credentials, a two-leg "hello"/"welcome" context exchange), and
 * SpUserModeInitialize its SECPKG_USER_FUNCTION_TABLE, which has NO
 * MakeSignature: the dispatcher must answer SEC_E_UNSUPPORTED_FUNCTION.
 * VerifySignature accepts a signature equal to the message's byte sum.
 * Loaded through SIGNET_SSPI_PACKAGES.  Package name: "TestPkg3P".
 */
#include <stdlib.h>
#include <string.h>

#include <ntsecpkg.h>

static PSECPKG_DLL_FUNCTIONS dll;

struct cred { int usage; };
struct ctx { int state; int initiator; int mapped; };

static const SEC_WCHAR name[] = { 'T', 'e', 's', 't', 'P', 'k', 'g', '3', 'P', 0 };
static const SEC_WCHAR comment[] = { 't', 'e', 's', 't', 0 };

static NTSTATUS NTAPI
get_info(PSecPkgInfoW info)
{
    info->fCapabilities = SECPKG_FLAG_INTEGRITY | SECPKG_FLAG_CONNECTION;
    info->wVersion = 1;
    info->wRPCID = SECPKG_ID_NONE;
    info->cbMaxToken = 64;
    info->Name = (SEC_WCHAR *)name;
    info->Comment = (SEC_WCHAR *)comment;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI
initialize(ULONG_PTR id, PSECPKG_PARAMETERS params, PLSA_SECPKG_FUNCTION_TABLE table)
{
    (void)id;
    (void)params;
    (void)table;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI
acquire(PUNICODE_STRING principal, ULONG use, PLUID logon, PVOID auth, PVOID gk, PVOID gka,
        PLSA_SEC_HANDLE out, PTimeStamp expiry)
{
    struct cred *c = calloc(1, sizeof(*c));

    (void)principal;
    (void)logon;
    (void)auth;
    (void)gk;
    (void)gka;
    if (c == NULL)
        return SEC_E_INSUFFICIENT_MEMORY;
    c->usage = (int)use;
    if (expiry != NULL)
        expiry->QuadPart = 0x7FFFFFFFFFFFFFFFLL;
    *out = (LSA_SEC_HANDLE)c;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI
free_cred(LSA_SEC_HANDLE h)
{
    free((void *)h);
    return STATUS_SUCCESS;
}

static NTSTATUS
put(PSecBufferDesc out, const char *text)
{
    PSecBuffer b = out && out->cBuffers ? &out->pBuffers[0] : NULL;
    ULONG n = (ULONG)strlen(text);

    if (b == NULL || b->pvBuffer == NULL || b->cbBuffer < n)
        return SEC_E_BUFFER_TOO_SMALL;
    memcpy(b->pvBuffer, text, n);
    b->cbBuffer = n;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI
init_ctx(LSA_SEC_HANDLE cred, LSA_SEC_HANDLE ctx, PUNICODE_STRING target, ULONG req,
         ULONG drep, PSecBufferDesc in, PLSA_SEC_HANDLE newh, PSecBufferDesc out,
         PULONG attrs, PTimeStamp expiry, PBOOLEAN mapped, PSecBuffer data)
{
    struct ctx *c = (struct ctx *)ctx;

    (void)cred;
    (void)target;
    (void)req;
    (void)drep;
    (void)expiry;
    *attrs = ISC_RET_INTEGRITY;
    if (c == NULL) {
        c = calloc(1, sizeof(*c));
        if (c == NULL)
            return SEC_E_INSUFFICIENT_MEMORY;
        c->initiator = 1;
        *newh = (LSA_SEC_HANDLE)c;
        put(out, "hello");
        return SEC_I_CONTINUE_NEEDED;
    }
    if (in == NULL || in->cBuffers < 1 || in->pBuffers[0].cbBuffer != 7 ||
        memcmp(in->pBuffers[0].pvBuffer, "welcome", 7) != 0)
        return SEC_E_INVALID_TOKEN;
    c->state = 1;
    *newh = ctx;
    if (out && out->cBuffers)
        out->pBuffers[0].cbBuffer = 0;
    /* hand user mode a packed context, as an LSA-mode package does */
    data->pvBuffer = dll->AllocateHeap(4);
    data->cbBuffer = 4;
    memcpy(data->pvBuffer, "ctx!", 4);
    *mapped = TRUE;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI
accept_ctx(LSA_SEC_HANDLE cred, LSA_SEC_HANDLE ctx, PSecBufferDesc in, ULONG req, ULONG drep,
           PLSA_SEC_HANDLE newh, PSecBufferDesc out, PULONG attrs, PTimeStamp expiry,
           PBOOLEAN mapped, PSecBuffer data)
{
    struct ctx *c;

    (void)cred;
    (void)req;
    (void)drep;
    (void)expiry;
    (void)data;
    if (ctx != 0)
        return SEC_E_INVALID_HANDLE;
    if (in == NULL || in->cBuffers < 1 || in->pBuffers[0].cbBuffer != 5 ||
        memcmp(in->pBuffers[0].pvBuffer, "hello", 5) != 0)
        return SEC_E_INVALID_TOKEN;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return SEC_E_INSUFFICIENT_MEMORY;
    c->state = 1;
    *newh = (LSA_SEC_HANDLE)c;
    *attrs = ASC_RET_INTEGRITY;
    *mapped = FALSE;
    return put(out, "welcome");
}

static NTSTATUS NTAPI
delete_ctx(LSA_SEC_HANDLE h)
{
    free((void *)h);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI
init_user(LSA_SEC_HANDLE h, PSecBuffer packed)
{
    struct ctx *c = (struct ctx *)h;

    if (packed == NULL || packed->cbBuffer != 4 || memcmp(packed->pvBuffer, "ctx!", 4) != 0)
        return SEC_E_INVALID_TOKEN;
    c->mapped = 1;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI
verify(LSA_SEC_HANDLE h, PSecBufferDesc msg, ULONG seq, PULONG qop)
{
    struct ctx *c = (struct ctx *)h;
    unsigned sum = 0, i, k;
    const SecBuffer *tok = NULL;

    (void)seq;
    if (c == NULL || !c->state)
        return SEC_E_INVALID_HANDLE;
    if (msg == NULL || msg->pBuffers == NULL)
        return SEC_E_INVALID_TOKEN;
    for (i = 0; i < msg->cBuffers; i++) {
        const SecBuffer *b = &msg->pBuffers[i];

        if ((b->BufferType & ~SECBUFFER_ATTRMASK) == SECBUFFER_TOKEN)
            tok = b;
        else if ((b->BufferType & ~SECBUFFER_ATTRMASK) == SECBUFFER_DATA)
            for (k = 0; k < b->cbBuffer; k++)
                sum += ((unsigned char *)b->pvBuffer)[k];
    }
    if (tok == NULL || tok->cbBuffer != 1)
        return SEC_E_INVALID_TOKEN;
    if (((unsigned char *)tok->pvBuffer)[0] != (unsigned char)sum)
        return SEC_E_MESSAGE_ALTERED;
    if (qop != NULL)
        *qop = c->mapped ? 0x4D : 0;   /* initiator side: was mapped to user mode */
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI
query(LSA_SEC_HANDLE h, ULONG attr, PVOID buffer)
{
    (void)h;
    if (attr != SECPKG_ATTR_SIZES)
        return SEC_E_UNSUPPORTED_FUNCTION;
    ((SecPkgContext_Sizes *)buffer)->cbMaxToken = 64;
    ((SecPkgContext_Sizes *)buffer)->cbMaxSignature = 1;
    ((SecPkgContext_Sizes *)buffer)->cbBlockSize = 1;
    ((SecPkgContext_Sizes *)buffer)->cbSecurityTrailer = 0;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI
instance_init(ULONG version, PSECPKG_DLL_FUNCTIONS functions, PVOID *user)
{
    (void)version;
    (void)user;
    dll = functions;
    return STATUS_SUCCESS;
}

static SECPKG_FUNCTION_TABLE lsa_table = {
    .Initialize = initialize,
    .GetInfo = get_info,
    .AcquireCredentialsHandle = acquire,
    .FreeCredentialsHandle = free_cred,
    .InitLsaModeContext = init_ctx,
    .AcceptLsaModeContext = accept_ctx,
    .DeleteContext = delete_ctx,
};

static SECPKG_USER_FUNCTION_TABLE user_table = {
    .InstanceInit = instance_init,
    .InitUserModeContext = init_user,
    .MakeSignature = NULL,                /* as Schannel */
    .VerifySignature = verify,
    .QueryContextAttributes = query,
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
