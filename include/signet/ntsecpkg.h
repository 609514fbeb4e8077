/*
 * ntsecpkg.h - the security-package interface of Signet's SSPI layer, in
 * Windows' member order: a package supplies a SECPKG_FUNCTION_TABLE
 * ("LSA mode": credentials and context establishment) through
 * SpLsaModeInitialize and a SECPKG_USER_FUNCTION_TABLE (per-message calls:
 * MakeSignature is SpMakeSignature) through SpUserModeInitialize.  The
 * dispatcher resolves a handle to its package and calls the table entry; an
 * entry left NULL makes the public call return SEC_E_UNSUPPORTED_FUNCTION.
 * Functions return NTSTATUS; for SSPI-defined failures they return the
 * SEC_E_* value, which the public call returns unchanged.
 *
 * What a third-party package must export and how it is loaded:
 * docs/sspi.md ("Third-party packages").  Members whose Windows types are
 * LSA-internal are declared as opaque pointers; the dispatcher never calls
 * the LsaAp* members.
 */
#ifndef SIGNET_NTSECPKG_H
#define SIGNET_NTSECPKG_H

#include "sspi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef ULONG_PTR LSA_SEC_HANDLE, *PLSA_SEC_HANDLE;

typedef enum _SECURITY_LOGON_TYPE {
    UndefinedLogonType = 0,
    Interactive = 2,
    Network,
    Batch,
    Service,
    Proxy,
    Unlock,
    NetworkCleartext,
    NewCredentials,
    RemoteInteractive,
    CachedInteractive,
    CachedRemoteInteractive,
    CachedUnlock
} SECURITY_LOGON_TYPE, *PSECURITY_LOGON_TYPE;

typedef enum _SECPKG_EXTENDED_INFORMATION_CLASS {
    SecpkgGssInfo = 1,
    SecpkgContextThunks,
    SecpkgMutualAuthLevel,
    SecpkgWowClientDll,
    SecpkgExtraOids,
    SecpkgMaxInfo
} SECPKG_EXTENDED_INFORMATION_CLASS;

/* Opaque here: the dispatcher passes NULL or never touches them. */
typedef struct _SECPKG_EXTENDED_INFORMATION *PSECPKG_EXTENDED_INFORMATION;
typedef struct _SECPKG_PRIMARY_CRED *PSECPKG_PRIMARY_CRED;
typedef struct _SECPKG_SUPPLEMENTAL_CRED *PSECPKG_SUPPLEMENTAL_CRED;
typedef struct _SecurityUserData *PSecurityUserData;
typedef struct _LSA_SECPKG_FUNCTION_TABLE LSA_SECPKG_FUNCTION_TABLE, *PLSA_SECPKG_FUNCTION_TABLE;

typedef struct _SECPKG_PARAMETERS {
    ULONG Version;
    ULONG MachineState;
    ULONG SetupMode;
    void *DomainSid;
    UNICODE_STRING DomainName;
    UNICODE_STRING DnsDomainName;
    void *DomainGuid;
} SECPKG_PARAMETERS, *PSECPKG_PARAMETERS;

typedef PVOID (NTAPI *PLSA_ALLOCATE_LSA_HEAP)(ULONG Length);
typedef VOID (NTAPI *PLSA_FREE_LSA_HEAP)(PVOID Base);
typedef NTSTATUS (NTAPI *PLSA_CALLBACK_FUNCTION)(ULONG_PTR, ULONG_PTR, PSecBuffer, PSecBuffer);
typedef NTSTATUS (NTAPI *PLSA_REGISTER_CALLBACK)(ULONG CallbackId, PLSA_CALLBACK_FUNCTION Callback);

/*
 * Given to SpInstanceInit.  AllocateHeap memory is released by FreeHeap and
 * by FreeContextBuffer (both are malloc/free here), so a package allocates
 * buffers it returns to the application (ISC_REQ_ALLOCATE_MEMORY tokens,
 * attribute strings) with AllocateHeap.
 */
typedef struct _SECPKG_DLL_FUNCTIONS {
    PLSA_ALLOCATE_LSA_HEAP AllocateHeap;
    PLSA_FREE_LSA_HEAP FreeHeap;
    PLSA_REGISTER_CALLBACK RegisterCallback;
} SECPKG_DLL_FUNCTIONS, *PSECPKG_DLL_FUNCTIONS;

/* ---- LSA-mode functions ------------------------------------------------------ */
typedef NTSTATUS (NTAPI SpInitializeFn)(ULONG_PTR PackageId, PSECPKG_PARAMETERS Parameters,
                                        PLSA_SECPKG_FUNCTION_TABLE FunctionTable);
typedef NTSTATUS (NTAPI SpShutdownFn)(VOID);
typedef NTSTATUS (NTAPI SpGetInfoFn)(PSecPkgInfoW PackageInfo);
typedef NTSTATUS (NTAPI SpGetExtendedInformationFn)(SECPKG_EXTENDED_INFORMATION_CLASS Class,
                                                    PSECPKG_EXTENDED_INFORMATION *ppInformation);
typedef NTSTATUS (NTAPI SpSetExtendedInformationFn)(SECPKG_EXTENDED_INFORMATION_CLASS Class,
                                                    PSECPKG_EXTENDED_INFORMATION Info);
typedef NTSTATUS (NTAPI SpAcceptCredentialsFn)(SECURITY_LOGON_TYPE LogonType,
                                               PUNICODE_STRING AccountName,
                                               PSECPKG_PRIMARY_CRED PrimaryCredentials,
                                               PSECPKG_SUPPLEMENTAL_CRED SupplementalCredentials);
typedef NTSTATUS (NTAPI SpAcquireCredentialsHandleFn)(PUNICODE_STRING PrincipalName,
                                                      ULONG CredentialUseFlags, PLUID LogonId,
                                                      PVOID AuthorizationData,
                                                      PVOID GetKeyFunciton, PVOID GetKeyArgument,
                                                      PLSA_SEC_HANDLE CredentialHandle,
                                                      PTimeStamp ExpirationTime);
typedef NTSTATUS (NTAPI SpFreeCredentialsHandleFn)(LSA_SEC_HANDLE CredentialHandle);
typedef NTSTATUS (NTAPI SpQueryCredentialsAttributesFn)(LSA_SEC_HANDLE CredentialHandle,
                                                        ULONG CredentialAttribute, PVOID Buffer);
typedef NTSTATUS (NTAPI SpSetCredentialsAttributesFn)(LSA_SEC_HANDLE CredentialHandle,
                                                      ULONG CredentialAttribute, PVOID Buffer,
                                                      ULONG BufferSize);
typedef NTSTATUS (NTAPI SpAddCredentialsFn)(LSA_SEC_HANDLE CredentialHandle,
                                            PUNICODE_STRING PrincipalName,
                                            PUNICODE_STRING Package, ULONG CredentialUseFlags,
                                            PVOID AuthorizationData, PVOID GetKeyFunciton,
                                            PVOID GetKeyArgument, PTimeStamp ExpirationTime);
typedef NTSTATUS (NTAPI SpSaveCredentialsFn)(LSA_SEC_HANDLE CredentialHandle, PSecBuffer Credentials);
typedef NTSTATUS (NTAPI SpGetCredentialsFn)(LSA_SEC_HANDLE CredentialHandle, PSecBuffer Credentials);
typedef NTSTATUS (NTAPI SpDeleteCredentialsFn)(LSA_SEC_HANDLE CredentialHandle, PSecBuffer Key);
/*
 * Context establishment.  ContextHandle is 0 on the first call; the package
 * sets *NewContextHandle.  When it returns with *MappedContext TRUE, the
 * dispatcher hands ContextData to the user-mode table's InitUserModeContext
 * for the same handle and then releases ContextData->pvBuffer with free().
 */
typedef NTSTATUS (NTAPI SpInitLsaModeContextFn)(LSA_SEC_HANDLE CredentialHandle,
                                                LSA_SEC_HANDLE ContextHandle,
                                                PUNICODE_STRING TargetName,
                                                ULONG ContextRequirements, ULONG TargetDataRep,
                                                PSecBufferDesc InputBuffers,
                                                PLSA_SEC_HANDLE NewContextHandle,
                                                PSecBufferDesc OutputBuffers,
                                                PULONG ContextAttributes,
                                                PTimeStamp ExpirationTime,
                                                PBOOLEAN MappedContext, PSecBuffer ContextData);
typedef NTSTATUS (NTAPI SpDeleteContextFn)(LSA_SEC_HANDLE ContextHandle);
typedef NTSTATUS (NTAPI SpApplyControlTokenFn)(LSA_SEC_HANDLE ContextHandle,
                                               PSecBufferDesc ControlToken);
typedef NTSTATUS (NTAPI SpAcceptLsaModeContextFn)(LSA_SEC_HANDLE CredentialHandle,
                                                  LSA_SEC_HANDLE ContextHandle,
                                                  PSecBufferDesc InputBuffer,
                                                  ULONG ContextRequirements, ULONG TargetDataRep,
                                                  PLSA_SEC_HANDLE NewContextHandle,
                                                  PSecBufferDesc OutputBuffer,
                                                  PULONG ContextAttributes,
                                                  PTimeStamp ExpirationTime,
                                                  PBOOLEAN MappedContext, PSecBuffer ContextData);
typedef NTSTATUS (NTAPI SpGetUserInfoFn)(PLUID LogonId, ULONG Flags, PSecurityUserData *UserData);
/* Attribute structures are the W forms; strings the package returns are
 * allocated with SECPKG_DLL_FUNCTIONS.AllocateHeap (malloc). */
typedef NTSTATUS (NTAPI SpQueryContextAttributesFn)(LSA_SEC_HANDLE ContextHandle,
                                                    ULONG ContextAttribute, PVOID Buffer);
typedef NTSTATUS (NTAPI SpSetContextAttributesFn)(LSA_SEC_HANDLE ContextHandle,
                                                  ULONG ContextAttribute, PVOID Buffer,
                                                  ULONG BufferSize);

typedef struct _SECPKG_FUNCTION_TABLE {
    void *InitializePackage;        /* PLSA_AP_INITIALIZE_PACKAGE (unused) */
    void *LogonUser;                /* PLSA_AP_LOGON_USER (unused) */
    void *CallPackage;              /* PLSA_AP_CALL_PACKAGE (unused) */
    void *LogonTerminated;          /* PLSA_AP_LOGON_TERMINATED (unused) */
    void *CallPackageUntrusted;     /* PLSA_AP_CALL_PACKAGE_UNTRUSTED (unused) */
    void *CallPackagePassthrough;   /* PLSA_AP_CALL_PACKAGE_PASSTHROUGH (unused) */
    void *LogonUserEx;              /* PLSA_AP_LOGON_USER_EX (unused) */
    void *LogonUserEx2;             /* PLSA_AP_LOGON_USER_EX2 (unused) */
    SpInitializeFn *Initialize;
    SpShutdownFn *Shutdown;
    SpGetInfoFn *GetInfo;
    SpAcceptCredentialsFn *AcceptCredentials;
    SpAcquireCredentialsHandleFn *AcquireCredentialsHandle;
    SpQueryCredentialsAttributesFn *QueryCredentialsAttributes;
    SpFreeCredentialsHandleFn *FreeCredentialsHandle;
    SpSaveCredentialsFn *SaveCredentials;
    SpGetCredentialsFn *GetCredentials;
    SpDeleteCredentialsFn *DeleteCredentials;
    SpInitLsaModeContextFn *InitLsaModeContext;
    SpAcceptLsaModeContextFn *AcceptLsaModeContext;
    SpDeleteContextFn *DeleteContext;
    SpApplyControlTokenFn *ApplyControlToken;
    SpGetUserInfoFn *GetUserInfo;
    SpGetExtendedInformationFn *GetExtendedInformation;
    SpQueryContextAttributesFn *QueryContextAttributes;
    SpAddCredentialsFn *AddCredentials;
    SpSetExtendedInformationFn *SetExtendedInformation;
    SpSetContextAttributesFn *SetContextAttributes;
    SpSetCredentialsAttributesFn *SetCredentialsAttributes;
} SECPKG_FUNCTION_TABLE, *PSECPKG_FUNCTION_TABLE;

/* ---- user-mode functions ----------------------------------------------------- */
typedef NTSTATUS (NTAPI SpInstanceInitFn)(ULONG Version, PSECPKG_DLL_FUNCTIONS FunctionTable,
                                          PVOID *UserFunctions);
typedef NTSTATUS (NTAPI SpInitUserModeContextFn)(LSA_SEC_HANDLE ContextHandle,
                                                 PSecBuffer PackedContext);
typedef NTSTATUS (NTAPI SpMakeSignatureFn)(LSA_SEC_HANDLE ContextHandle,
                                           ULONG QualityOfProtection,
                                           PSecBufferDesc MessageBuffers,
                                           ULONG MessageSequenceNumber);
typedef NTSTATUS (NTAPI SpVerifySignatureFn)(LSA_SEC_HANDLE ContextHandle,
                                             PSecBufferDesc MessageBuffers,
                                             ULONG MessageSequenceNumber,
                                             PULONG QualityOfProtection);
typedef NTSTATUS (NTAPI SpSealMessageFn)(LSA_SEC_HANDLE ContextHandle, ULONG QualityOfProtection,
                                         PSecBufferDesc MessageBuffers,
                                         ULONG MessageSequenceNumber);
typedef NTSTATUS (NTAPI SpUnsealMessageFn)(LSA_SEC_HANDLE ContextHandle,
                                           PSecBufferDesc MessageBuffers,
                                           ULONG MessageSequenceNumber,
                                           PULONG QualityOfProtection);
typedef NTSTATUS (NTAPI SpGetContextTokenFn)(LSA_SEC_HANDLE ContextHandle,
                                             PHANDLE ImpersonationToken);
typedef NTSTATUS (NTAPI SpExportSecurityContextFn)(LSA_SEC_HANDLE phContext, ULONG fFlags,
                                                   PSecBuffer pPackedContext, PHANDLE pToken);
typedef NTSTATUS (NTAPI SpImportSecurityContextFn)(PSecBuffer pPackedContext, HANDLE Token,
                                                   PLSA_SEC_HANDLE phContext);
typedef NTSTATUS (NTAPI SpCompleteAuthTokenFn)(LSA_SEC_HANDLE ContextHandle,
                                               PSecBufferDesc InputBuffer);
typedef NTSTATUS (NTAPI SpFormatCredentialsFn)(PSecBuffer Credentials,
                                               PSecBuffer FormattedCredentials);
typedef NTSTATUS (NTAPI SpMarshallSupplementalCredsFn)(ULONG CredentialSize,
                                                       PUCHAR Credentials,
                                                       PULONG MarshalledCredSize,
                                                       PVOID *MarshalledCreds);

typedef struct _SECPKG_USER_FUNCTION_TABLE {
    SpInstanceInitFn *InstanceInit;
    SpInitUserModeContextFn *InitUserModeContext;
    SpMakeSignatureFn *MakeSignature;
    SpVerifySignatureFn *VerifySignature;
    SpSealMessageFn *SealMessage;
    SpUnsealMessageFn *UnsealMessage;
    SpGetContextTokenFn *GetContextToken;
    SpQueryContextAttributesFn *QueryContextAttributes;
    SpCompleteAuthTokenFn *CompleteAuthToken;
    SpDeleteContextFn *DeleteUserModeContext;
    SpFormatCredentialsFn *FormatCredentials;
    SpMarshallSupplementalCredsFn *MarshallSupplementalCreds;
    SpExportSecurityContextFn *ExportContext;
    SpImportSecurityContextFn *ImportContext;
} SECPKG_USER_FUNCTION_TABLE, *PSECPKG_USER_FUNCTION_TABLE;

typedef NTSTATUS (SEC_ENTRY *SpLsaModeInitializeFn)(ULONG LsaVersion, PULONG PackageVersion,
                                                    PSECPKG_FUNCTION_TABLE *ppTables,
                                                    PULONG pcTables);
typedef NTSTATUS (SEC_ENTRY *SpUserModeInitializeFn)(ULONG LsaVersion, PULONG PackageVersion,
                                                     PSECPKG_USER_FUNCTION_TABLE *ppTables,
                                                     PULONG pcTables);

#define SECPKG_LSAMODEINIT_NAME "SpLsaModeInitialize"
#define SECPKG_USERMODEINIT_NAME "SpUserModeInitialize"

#define SECPKG_INTERFACE_VERSION 0x00010000
#define SECPKG_INTERFACE_VERSION_2 0x00020000
#define SECPKG_INTERFACE_VERSION_3 0x00040000

#ifdef __cplusplus
}
#endif
#endif /* SIGNET_NTSECPKG_H */
