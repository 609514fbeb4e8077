/*
 * sspi.h - the Windows Security Support Provider Interface on Linux.
 *
 * Signet's SSPI layer (libsignet-sspi) implements the Windows SSPI calls with
 * Windows' numeric values and structure layouts, dispatching through
 * security-package function tables (<ntsecpkg.h>) to the packages "Signet",
 * "Kerberos", "Negotiate" and "NTLM" (GSS-API mechanisms) and to third-party
 * packages loaded from shared objects.  Build with
 *     cc $(pkg-config --cflags signet-sspi) prog.c $(pkg-config --libs signet-sspi)
 * and `#include <sspi.h>` (or <security.h>) as on Windows.
 *
 * Types: ULONG is 32 bits, SEC_WCHAR is 16 bits (UTF-16), SecHandle holds
 * two ULONG_PTRs.  "A" entry points take UTF-8 strings, "W" entry points
 * UTF-16; defining UNICODE selects the W names, as on Windows.
 * Details: docs/sspi.md.
 */
#ifndef SIGNET_SSPI_H
#define SIGNET_SSPI_H

#include "signet_wintypes.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef SEC_ENTRY
#define SEC_ENTRY
#endif
#define SEC_FAR
#define SEC_TEXT TEXT

#ifdef UNICODE
#define SIGNET_AW(name) name##W
#else
#define SIGNET_AW(name) name##A
#endif

typedef WCHAR SEC_WCHAR;
typedef CHAR SEC_CHAR;
#ifndef __SECSTATUS_DEFINED__
#define __SECSTATUS_DEFINED__
typedef LONG SECURITY_STATUS;
#endif

/* ---- status codes (winerror.h, ntstatus.h) ------------------------------ */
#define SIGNET_SEC(x) ((SECURITY_STATUS)(x))
#define SEC_E_OK                          SIGNET_SEC(0x00000000)
#define SEC_I_CONTINUE_NEEDED             SIGNET_SEC(0x00090312)
#define SEC_I_COMPLETE_NEEDED             SIGNET_SEC(0x00090313)
#define SEC_I_COMPLETE_AND_CONTINUE       SIGNET_SEC(0x00090314)
#define SEC_I_LOCAL_LOGON                 SIGNET_SEC(0x00090315)
#define SEC_I_CONTEXT_EXPIRED             SIGNET_SEC(0x00090317)
#define SEC_I_INCOMPLETE_CREDENTIALS      SIGNET_SEC(0x00090320)
#define SEC_I_RENEGOTIATE                 SIGNET_SEC(0x00090321)
#define SEC_I_NO_LSA_CONTEXT              SIGNET_SEC(0x00090323)
#define SEC_I_SIGNATURE_NEEDED            SIGNET_SEC(0x0009035C)
#define SEC_I_NO_RENEGOTIATION            SIGNET_SEC(0x00090360)
#define SEC_E_INSUFFICIENT_MEMORY         SIGNET_SEC(0x80090300)
#define SEC_E_INVALID_HANDLE              SIGNET_SEC(0x80090301)
#define SEC_E_UNSUPPORTED_FUNCTION        SIGNET_SEC(0x80090302)
#define SEC_E_TARGET_UNKNOWN              SIGNET_SEC(0x80090303)
#define SEC_E_INTERNAL_ERROR              SIGNET_SEC(0x80090304)
#define SEC_E_SECPKG_NOT_FOUND            SIGNET_SEC(0x80090305)
#define SEC_E_NOT_OWNER                   SIGNET_SEC(0x80090306)
#define SEC_E_CANNOT_INSTALL              SIGNET_SEC(0x80090307)
#define SEC_E_INVALID_TOKEN               SIGNET_SEC(0x80090308)
#define SEC_E_CANNOT_PACK                 SIGNET_SEC(0x80090309)
#define SEC_E_QOP_NOT_SUPPORTED           SIGNET_SEC(0x8009030A)
#define SEC_E_NO_IMPERSONATION            SIGNET_SEC(0x8009030B)
#define SEC_E_LOGON_DENIED                SIGNET_SEC(0x8009030C)
#define SEC_E_UNKNOWN_CREDENTIALS         SIGNET_SEC(0x8009030D)
#define SEC_E_NO_CREDENTIALS              SIGNET_SEC(0x8009030E)
#define SEC_E_MESSAGE_ALTERED             SIGNET_SEC(0x8009030F)
#define SEC_E_OUT_OF_SEQUENCE             SIGNET_SEC(0x80090310)
#define SEC_E_NO_AUTHENTICATING_AUTHORITY SIGNET_SEC(0x80090311)
#define SEC_E_BAD_PKGID                   SIGNET_SEC(0x80090316)
#define SEC_E_CONTEXT_EXPIRED             SIGNET_SEC(0x80090317)
#define SEC_E_INCOMPLETE_MESSAGE          SIGNET_SEC(0x80090318)
#define SEC_E_INCOMPLETE_CREDENTIALS      SIGNET_SEC(0x80090320)
#define SEC_E_BUFFER_TOO_SMALL            SIGNET_SEC(0x80090321)
#define SEC_E_WRONG_PRINCIPAL             SIGNET_SEC(0x80090322)
#define SEC_E_TIME_SKEW                   SIGNET_SEC(0x80090324)
#define SEC_E_UNTRUSTED_ROOT              SIGNET_SEC(0x80090325)
#define SEC_E_ILLEGAL_MESSAGE             SIGNET_SEC(0x80090326)
#define SEC_E_CERT_UNKNOWN                SIGNET_SEC(0x80090327)
#define SEC_E_CERT_EXPIRED                SIGNET_SEC(0x80090328)
#define SEC_E_ENCRYPT_FAILURE             SIGNET_SEC(0x80090329)
#define SEC_E_DECRYPT_FAILURE             SIGNET_SEC(0x80090330)
#define SEC_E_ALGORITHM_MISMATCH          SIGNET_SEC(0x80090331)
#define SEC_E_SECURITY_QOS_FAILED         SIGNET_SEC(0x80090332)
#define SEC_E_UNFINISHED_CONTEXT_DELETED  SIGNET_SEC(0x80090333)
#define SEC_E_NO_TGT_REPLY                SIGNET_SEC(0x80090334)
#define SEC_E_NO_IP_ADDRESSES             SIGNET_SEC(0x80090335)
#define SEC_E_WRONG_CREDENTIAL_HANDLE     SIGNET_SEC(0x80090336)
#define SEC_E_CRYPTO_SYSTEM_INVALID       SIGNET_SEC(0x80090337)
#define SEC_E_MAX_REFERRALS_EXCEEDED      SIGNET_SEC(0x80090338)
#define SEC_E_MUST_BE_KDC                 SIGNET_SEC(0x80090339)
#define SEC_E_STRONG_CRYPTO_NOT_SUPPORTED SIGNET_SEC(0x8009033A)
#define SEC_E_TOO_MANY_PRINCIPALS         SIGNET_SEC(0x8009033B)
#define SEC_E_NO_PA_DATA                  SIGNET_SEC(0x8009033C)
#define SEC_E_PKINIT_NAME_MISMATCH        SIGNET_SEC(0x8009033D)
#define SEC_E_SMARTCARD_LOGON_REQUIRED    SIGNET_SEC(0x8009033E)
#define SEC_E_SHUTDOWN_IN_PROGRESS        SIGNET_SEC(0x8009033F)
#define SEC_E_KDC_INVALID_REQUEST         SIGNET_SEC(0x80090340)
#define SEC_E_KDC_UNABLE_TO_REFER         SIGNET_SEC(0x80090341)
#define SEC_E_KDC_UNKNOWN_ETYPE           SIGNET_SEC(0x80090342)
#define SEC_E_UNSUPPORTED_PREAUTH         SIGNET_SEC(0x80090343)
#define SEC_E_DELEGATION_REQUIRED         SIGNET_SEC(0x80090345)
#define SEC_E_BAD_BINDINGS                SIGNET_SEC(0x80090346)
#define SEC_E_MULTIPLE_ACCOUNTS           SIGNET_SEC(0x80090347)
#define SEC_E_NO_KERB_KEY                 SIGNET_SEC(0x80090348)
#define SEC_E_CERT_WRONG_USAGE            SIGNET_SEC(0x80090349)
#define SEC_E_DOWNGRADE_DETECTED          SIGNET_SEC(0x80090350)
#define SEC_E_ISSUING_CA_UNTRUSTED        SIGNET_SEC(0x80090352)
#define SEC_E_REVOCATION_OFFLINE_C        SIGNET_SEC(0x80090353)
#define SEC_E_INVALID_PARAMETER           SIGNET_SEC(0x8009035D)
#define SEC_E_DELEGATION_POLICY           SIGNET_SEC(0x8009035E)
#define SEC_E_POLICY_NLTM_ONLY            SIGNET_SEC(0x8009035F)
#define SEC_E_NO_CONTEXT                  SIGNET_SEC(0x80090361)
#define SEC_E_PKU2U_CERT_FAILURE          SIGNET_SEC(0x80090362)
#define SEC_E_MUTUAL_AUTH_FAILED          SIGNET_SEC(0x80090363)
#define SEC_E_ONLY_HTTPS_ALLOWED          SIGNET_SEC(0x80090365)
#define SEC_E_APPLICATION_PROTOCOL_MISMATCH SIGNET_SEC(0x80090367)
#define SEC_E_INVALID_UPN_NAME            SIGNET_SEC(0x80090369)
#define SEC_E_EXT_BUFFER_TOO_SMALL        SIGNET_SEC(0x8009036A)
#define SEC_E_INSUFFICIENT_BUFFERS        SIGNET_SEC(0x8009036B)
#define SEC_E_NOT_SUPPORTED               SEC_E_UNSUPPORTED_FUNCTION
#define SEC_E_NO_SPM                      SEC_E_INTERNAL_ERROR
#define SEC_SUCCESS(Status) ((Status) >= 0)

#ifndef STATUS_SUCCESS
#define STATUS_SUCCESS               ((NTSTATUS)0x00000000)
#define STATUS_NOT_IMPLEMENTED       ((NTSTATUS)0xC0000002)
#define STATUS_INVALID_HANDLE        ((NTSTATUS)0xC0000008)
#define STATUS_INVALID_PARAMETER     ((NTSTATUS)0xC000000D)
#define STATUS_NO_MEMORY             ((NTSTATUS)0xC0000017)
#define STATUS_BUFFER_TOO_SMALL      ((NTSTATUS)0xC0000023)
#define STATUS_NOT_SUPPORTED         ((NTSTATUS)0xC00000BB)
#define STATUS_INTERNAL_ERROR        ((NTSTATUS)0xC00000E5)
#endif

/* ---- handles, strings, time ---------------------------------------------- */
#ifndef __SECHANDLE_DEFINED__
#define __SECHANDLE_DEFINED__
typedef struct _SecHandle {
    ULONG_PTR dwLower;
    ULONG_PTR dwUpper;
} SecHandle, *PSecHandle;
#endif
#define SecInvalidateHandle(x) \
    do { ((PSecHandle)(x))->dwLower = (ULONG_PTR)(INT_PTR)-1; \
         ((PSecHandle)(x))->dwUpper = (ULONG_PTR)(INT_PTR)-1; } while (0)
#define SecIsValidHandle(x) \
    ((((PSecHandle)(x))->dwLower != (ULONG_PTR)(INT_PTR)-1) && \
     (((PSecHandle)(x))->dwUpper != (ULONG_PTR)(INT_PTR)-1))
#define SEC_DELETED_HANDLE ((ULONG_PTR)(-2))

typedef SecHandle CredHandle;
typedef PSecHandle PCredHandle;
typedef SecHandle CtxtHandle;
typedef PSecHandle PCtxtHandle;

/* 100-nanosecond intervals since 1601-01-01 (FILETIME), local time as on
 * Windows.  A context without expiry reports 0x7FFFFFFFFFFFFFFF. */
typedef LARGE_INTEGER _SECURITY_INTEGER, SECURITY_INTEGER, *PSECURITY_INTEGER;
typedef SECURITY_INTEGER TimeStamp;
typedef SECURITY_INTEGER *PTimeStamp;
typedef UNICODE_STRING SECURITY_STRING, *PSECURITY_STRING;

#ifdef UNICODE
typedef SEC_WCHAR *SECURITY_PSTR;
typedef const SEC_WCHAR *SECURITY_PCSTR;
#else
typedef SEC_CHAR *SECURITY_PSTR;
typedef const SEC_CHAR *SECURITY_PCSTR;
#endif

/* ---- packages --------------------------------------------------------------- */
typedef struct _SecPkgInfoW {
    ULONG fCapabilities;
    USHORT wVersion;
    USHORT wRPCID;
    ULONG cbMaxToken;
    SEC_WCHAR *Name;
    SEC_WCHAR *Comment;
} SecPkgInfoW, *PSecPkgInfoW;

typedef struct _SecPkgInfoA {
    ULONG fCapabilities;
    USHORT wVersion;
    USHORT wRPCID;
    ULONG cbMaxToken;
    SEC_CHAR *Name;
    SEC_CHAR *Comment;
} SecPkgInfoA, *PSecPkgInfoA;
#define SecPkgInfo SIGNET_AW(SecPkgInfo)
#define PSecPkgInfo SIGNET_AW(PSecPkgInfo)

#define SECPKG_FLAG_INTEGRITY                   0x00000001
#define SECPKG_FLAG_PRIVACY                     0x00000002
#define SECPKG_FLAG_TOKEN_ONLY                  0x00000004
#define SECPKG_FLAG_DATAGRAM                    0x00000008
#define SECPKG_FLAG_CONNECTION                  0x00000010
#define SECPKG_FLAG_MULTI_REQUIRED              0x00000020
#define SECPKG_FLAG_CLIENT_ONLY                 0x00000040
#define SECPKG_FLAG_EXTENDED_ERROR              0x00000080
#define SECPKG_FLAG_IMPERSONATION               0x00000100
#define SECPKG_FLAG_ACCEPT_WIN32_NAME           0x00000200
#define SECPKG_FLAG_STREAM                      0x00000400
#define SECPKG_FLAG_NEGOTIABLE                  0x00000800
#define SECPKG_FLAG_GSS_COMPATIBLE              0x00001000
#define SECPKG_FLAG_LOGON                       0x00002000
#define SECPKG_FLAG_ASCII_BUFFERS               0x00004000
#define SECPKG_FLAG_FRAGMENT                    0x00008000
#define SECPKG_FLAG_MUTUAL_AUTH                 0x00010000
#define SECPKG_FLAG_DELEGATION                  0x00020000
#define SECPKG_FLAG_READONLY_WITH_CHECKSUM      0x00040000
#define SECPKG_FLAG_RESTRICTED_TOKENS           0x00080000
#define SECPKG_FLAG_NEGO_EXTENDER               0x00100000
#define SECPKG_FLAG_NEGOTIABLE2                 0x00200000
#define SECPKG_FLAG_APPCONTAINER_PASSTHROUGH    0x00400000
#define SECPKG_FLAG_APPCONTAINER_CHECKS         0x00800000
#define SECPKG_FLAG_CREDENTIAL_ISOLATION_ENABLED 0x01000000
#define SECPKG_FLAG_APPLY_LOOPBACK              0x02000000
#define SECPKG_ID_NONE 0xFFFF

/* wRPCID values (rpcdce.h) */
#define RPC_C_AUTHN_NONE          0
#define RPC_C_AUTHN_GSS_NEGOTIATE 9
#define RPC_C_AUTHN_WINNT         10
#define RPC_C_AUTHN_GSS_SCHANNEL  14
#define RPC_C_AUTHN_GSS_KERBEROS  16
#define RPC_C_AUTHN_DIGEST        21

/* ---- buffers ------------------------------------------------------------------ */
typedef struct _SecBuffer {
    ULONG cbBuffer;
    ULONG BufferType;
    void *pvBuffer;
} SecBuffer, *PSecBuffer;

typedef struct _SecBufferDesc {
    ULONG ulVersion;
    ULONG cBuffers;
    PSecBuffer pBuffers;
} SecBufferDesc, *PSecBufferDesc;

#define SECBUFFER_VERSION 0
#define SECBUFFER_EMPTY 0
#define SECBUFFER_DATA 1
#define SECBUFFER_TOKEN 2
#define SECBUFFER_PKG_PARAMS 3
#define SECBUFFER_MISSING 4
#define SECBUFFER_EXTRA 5
#define SECBUFFER_STREAM_TRAILER 6
#define SECBUFFER_STREAM_HEADER 7
#define SECBUFFER_NEGOTIATION_INFO 8
#define SECBUFFER_PADDING 9
#define SECBUFFER_STREAM 10
#define SECBUFFER_MECHLIST 11
#define SECBUFFER_MECHLIST_SIGNATURE 12
#define SECBUFFER_TARGET 13
#define SECBUFFER_CHANNEL_BINDINGS 14
#define SECBUFFER_CHANGE_PASS_RESPONSE 15
#define SECBUFFER_TARGET_HOST 16
#define SECBUFFER_ALERT 17
#define SECBUFFER_APPLICATION_PROTOCOLS 18
#define SECBUFFER_SRTP_PROTECTION_PROFILES 19
#define SECBUFFER_SRTP_MASTER_KEY_IDENTIFIER 20
#define SECBUFFER_TOKEN_BINDING 21
#define SECBUFFER_PRESHARED_KEY 22
#define SECBUFFER_PRESHARED_KEY_IDENTITY 23
#define SECBUFFER_DTLS_MTU 24
#define SECBUFFER_ATTRMASK 0xF0000000
#define SECBUFFER_READONLY 0x80000000
#define SECBUFFER_READONLY_WITH_CHECKSUM 0x10000000
#define SECBUFFER_RESERVED 0x60000000

typedef struct _SEC_CHANNEL_BINDINGS {
    ULONG dwInitiatorAddrType;
    ULONG cbInitiatorLength;
    ULONG dwInitiatorOffset;
    ULONG dwAcceptorAddrType;
    ULONG cbAcceptorLength;
    ULONG dwAcceptorOffset;
    ULONG cbApplicationDataLength;
    ULONG dwApplicationDataOffset;
} SEC_CHANNEL_BINDINGS, *PSEC_CHANNEL_BINDINGS;

#define SECURITY_NATIVE_DREP 0x00000010
#define SECURITY_NETWORK_DREP 0x00000000

#define SECPKG_CRED_INBOUND 0x00000001
#define SECPKG_CRED_OUTBOUND 0x00000002
#define SECPKG_CRED_BOTH 0x00000003
#define SECPKG_CRED_DEFAULT 0x00000004
#define SECPKG_CRED_RESERVED 0xF0000000

/* ---- context requirements / attributes (ISC and ASC differ) ----------------- */
#define ISC_REQ_DELEGATE 0x00000001
#define ISC_REQ_MUTUAL_AUTH 0x00000002
#define ISC_REQ_REPLAY_DETECT 0x00000004
#define ISC_REQ_SEQUENCE_DETECT 0x00000008
#define ISC_REQ_CONFIDENTIALITY 0x00000010
#define ISC_REQ_USE_SESSION_KEY 0x00000020
#define ISC_REQ_PROMPT_FOR_CREDS 0x00000040
#define ISC_REQ_USE_SUPPLIED_CREDS 0x00000080
#define ISC_REQ_ALLOCATE_MEMORY 0x00000100
#define ISC_REQ_USE_DCE_STYLE 0x00000200
#define ISC_REQ_DATAGRAM 0x00000400
#define ISC_REQ_CONNECTION 0x00000800
#define ISC_REQ_CALL_LEVEL 0x00001000
#define ISC_REQ_FRAGMENT_SUPPLIED 0x00002000
#define ISC_REQ_EXTENDED_ERROR 0x00004000
#define ISC_REQ_STREAM 0x00008000
#define ISC_REQ_INTEGRITY 0x00010000
#define ISC_REQ_IDENTIFY 0x00020000
#define ISC_REQ_NULL_SESSION 0x00040000
#define ISC_REQ_MANUAL_CRED_VALIDATION 0x00080000
#define ISC_REQ_RESERVED1 0x00100000
#define ISC_REQ_FRAGMENT_TO_FIT 0x00200000
#define ISC_REQ_FORWARD_CREDENTIALS 0x00400000
#define ISC_REQ_NO_INTEGRITY 0x00800000
#define ISC_REQ_USE_HTTP_STYLE 0x01000000
#define ISC_REQ_UNVERIFIED_TARGET_NAME 0x20000000
#define ISC_REQ_CONFIDENTIALITY_ONLY 0x40000000

#define ISC_RET_DELEGATE 0x00000001
#define ISC_RET_MUTUAL_AUTH 0x00000002
#define ISC_RET_REPLAY_DETECT 0x00000004
#define ISC_RET_SEQUENCE_DETECT 0x00000008
#define ISC_RET_CONFIDENTIALITY 0x00000010
#define ISC_RET_USE_SESSION_KEY 0x00000020
#define ISC_RET_USED_COLLECTED_CREDS 0x00000040
#define ISC_RET_USED_SUPPLIED_CREDS 0x00000080
#define ISC_RET_ALLOCATED_MEMORY 0x00000100
#define ISC_RET_USED_DCE_STYLE 0x00000200
#define ISC_RET_DATAGRAM 0x00000400
#define ISC_RET_CONNECTION 0x00000800
#define ISC_RET_INTERMEDIATE_RETURN 0x00001000
#define ISC_RET_CALL_LEVEL 0x00002000
#define ISC_RET_EXTENDED_ERROR 0x00004000
#define ISC_RET_STREAM 0x00008000
#define ISC_RET_INTEGRITY 0x00010000
#define ISC_RET_IDENTIFY 0x00020000
#define ISC_RET_NULL_SESSION 0x00040000
#define ISC_RET_MANUAL_CRED_VALIDATION 0x00080000
#define ISC_RET_RESERVED1 0x00100000
#define ISC_RET_FRAGMENT_ONLY 0x00200000
#define ISC_RET_FORWARD_CREDENTIALS 0x00400000
#define ISC_RET_USED_HTTP_STYLE 0x01000000
#define ISC_RET_NO_ADDITIONAL_TOKEN 0x02000000
#define ISC_RET_REAUTHENTICATION 0x08000000
#define ISC_RET_CONFIDENTIALITY_ONLY 0x40000000

#define ASC_REQ_DELEGATE 0x00000001
#define ASC_REQ_MUTUAL_AUTH 0x00000002
#define ASC_REQ_REPLAY_DETECT 0x00000004
#define ASC_REQ_SEQUENCE_DETECT 0x00000008
#define ASC_REQ_CONFIDENTIALITY 0x00000010
#define ASC_REQ_USE_SESSION_KEY 0x00000020
#define ASC_REQ_SESSION_TICKET 0x00000040
#define ASC_REQ_ALLOCATE_MEMORY 0x00000100
#define ASC_REQ_USE_DCE_STYLE 0x00000200
#define ASC_REQ_DATAGRAM 0x00000400
#define ASC_REQ_CONNECTION 0x00000800
#define ASC_REQ_CALL_LEVEL 0x00001000
#define ASC_REQ_FRAGMENT_SUPPLIED 0x00002000
#define ASC_REQ_EXTENDED_ERROR 0x00008000
#define ASC_REQ_STREAM 0x00010000
#define ASC_REQ_INTEGRITY 0x00020000
#define ASC_REQ_LICENSING 0x00040000
#define ASC_REQ_IDENTIFY 0x00080000
#define ASC_REQ_ALLOW_NULL_SESSION 0x00100000
#define ASC_REQ_ALLOW_NON_USER_LOGONS 0x00200000
#define ASC_REQ_ALLOW_CONTEXT_REPLAY 0x00400000
#define ASC_REQ_FRAGMENT_TO_FIT 0x00800000
#define ASC_REQ_NO_TOKEN 0x01000000
#define ASC_REQ_PROXY_BINDINGS 0x04000000
#define ASC_REQ_ALLOW_MISSING_BINDINGS 0x10000000

#define ASC_RET_DELEGATE 0x00000001
#define ASC_RET_MUTUAL_AUTH 0x00000002
#define ASC_RET_REPLAY_DETECT 0x00000004
#define ASC_RET_SEQUENCE_DETECT 0x00000008
#define ASC_RET_CONFIDENTIALITY 0x00000010
#define ASC_RET_USE_SESSION_KEY 0x00000020
#define ASC_RET_SESSION_TICKET 0x00000040
#define ASC_RET_ALLOCATED_MEMORY 0x00000100
#define ASC_RET_USED_DCE_STYLE 0x00000200
#define ASC_RET_DATAGRAM 0x00000400
#define ASC_RET_CONNECTION 0x00000800
#define ASC_RET_CALL_LEVEL 0x00002000
#define ASC_RET_THIRD_LEG_FAILED 0x00004000
#define ASC_RET_EXTENDED_ERROR 0x00008000
#define ASC_RET_STREAM 0x00010000
#define ASC_RET_INTEGRITY 0x00020000
#define ASC_RET_LICENSING 0x00040000
#define ASC_RET_IDENTIFY 0x00080000
#define ASC_RET_NULL_SESSION 0x00100000
#define ASC_RET_ALLOW_NON_USER_LOGONS 0x00200000
#define ASC_RET_ALLOW_CONTEXT_REPLAY 0x00400000
#define ASC_RET_FRAGMENT_ONLY 0x00800000
#define ASC_RET_NO_TOKEN 0x01000000
#define ASC_RET_NO_ADDITIONAL_TOKEN 0x02000000

/* ---- quality of protection ------------------------------------------------ */
#define SECQOP_WRAP_NO_ENCRYPT 0x80000001
#define SECQOP_WRAP_OOB_DATA 0x40000000
#define KERB_WRAP_NO_ENCRYPT 0x80000001

/* ---- attributes ------------------------------------------------------------- */
#define SECPKG_CRED_ATTR_NAMES 1

typedef struct _SecPkgCredentials_NamesW {
    SEC_WCHAR *sUserName;
} SecPkgCredentials_NamesW, *PSecPkgCredentials_NamesW;
typedef struct _SecPkgCredentials_NamesA {
    SEC_CHAR *sUserName;
} SecPkgCredentials_NamesA, *PSecPkgCredentials_NamesA;
#define SecPkgCredentials_Names SIGNET_AW(SecPkgCredentials_Names)
#define PSecPkgCredentials_Names SIGNET_AW(PSecPkgCredentials_Names)

#define SECPKG_ATTR_SIZES 0
#define SECPKG_ATTR_NAMES 1
#define SECPKG_ATTR_LIFESPAN 2
#define SECPKG_ATTR_DCE_INFO 3
#define SECPKG_ATTR_STREAM_SIZES 4
#define SECPKG_ATTR_DATAGRAM_SIZES SECPKG_ATTR_STREAM_SIZES
#define SECPKG_ATTR_KEY_INFO 5
#define SECPKG_ATTR_AUTHORITY 6
#define SECPKG_ATTR_PROTO_INFO 7
#define SECPKG_ATTR_PASSWORD_EXPIRY 8
#define SECPKG_ATTR_SESSION_KEY 9
#define SECPKG_ATTR_PACKAGE_INFO 10
#define SECPKG_ATTR_USER_FLAGS 11
#define SECPKG_ATTR_NEGOTIATION_INFO 12
#define SECPKG_ATTR_NATIVE_NAMES 13
#define SECPKG_ATTR_FLAGS 14
#define SECPKG_ATTR_USE_VALIDATED 15
#define SECPKG_ATTR_CREDENTIAL_NAME 16
#define SECPKG_ATTR_TARGET_INFORMATION 17
#define SECPKG_ATTR_ACCESS_TOKEN 18
#define SECPKG_ATTR_TARGET 19
#define SECPKG_ATTR_AUTHENTICATION_ID 20
#define SECPKG_ATTR_LOGOFF_TIME 21
#define SECPKG_ATTR_NEGO_KEYS 22
#define SECPKG_ATTR_PROMPTING_NEEDED 24
#define SECPKG_ATTR_UNIQUE_BINDINGS 25
#define SECPKG_ATTR_ENDPOINT_BINDINGS 26

typedef struct _SecPkgContext_Sizes {
    ULONG cbMaxToken;
    ULONG cbMaxSignature;
    ULONG cbBlockSize;
    ULONG cbSecurityTrailer;
} SecPkgContext_Sizes, *PSecPkgContext_Sizes;

typedef struct _SecPkgContext_StreamSizes {
    ULONG cbHeader;
    ULONG cbTrailer;
    ULONG cbMaximumMessage;
    ULONG cBuffers;
    ULONG cbBlockSize;
} SecPkgContext_StreamSizes, *PSecPkgContext_StreamSizes;
typedef SecPkgContext_StreamSizes SecPkgContext_DatagramSizes;
typedef PSecPkgContext_StreamSizes PSecPkgContext_DatagramSizes;

typedef struct _SecPkgContext_NamesW {
    SEC_WCHAR *sUserName;
} SecPkgContext_NamesW, *PSecPkgContext_NamesW;
typedef struct _SecPkgContext_NamesA {
    SEC_CHAR *sUserName;
} SecPkgContext_NamesA, *PSecPkgContext_NamesA;
#define SecPkgContext_Names SIGNET_AW(SecPkgContext_Names)
#define PSecPkgContext_Names SIGNET_AW(PSecPkgContext_Names)

typedef struct _SecPkgContext_NativeNamesW {
    SEC_WCHAR *sClientName;
    SEC_WCHAR *sServerName;
} SecPkgContext_NativeNamesW, *PSecPkgContext_NativeNamesW;
typedef struct _SecPkgContext_NativeNamesA {
    SEC_CHAR *sClientName;
    SEC_CHAR *sServerName;
} SecPkgContext_NativeNamesA, *PSecPkgContext_NativeNamesA;
#define SecPkgContext_NativeNames SIGNET_AW(SecPkgContext_NativeNames)
#define PSecPkgContext_NativeNames SIGNET_AW(PSecPkgContext_NativeNames)

typedef struct _SecPkgContext_Lifespan {
    TimeStamp tsStart;
    TimeStamp tsExpiry;
} SecPkgContext_Lifespan, *PSecPkgContext_Lifespan;

typedef struct _SecPkgContext_KeyInfoW {
    SEC_WCHAR *sSignatureAlgorithmName;
    SEC_WCHAR *sEncryptAlgorithmName;
    ULONG KeySize;
    ULONG SignatureAlgorithm;
    ULONG EncryptAlgorithm;
} SecPkgContext_KeyInfoW, *PSecPkgContext_KeyInfoW;
typedef struct _SecPkgContext_KeyInfoA {
    SEC_CHAR *sSignatureAlgorithmName;
    SEC_CHAR *sEncryptAlgorithmName;
    ULONG KeySize;
    ULONG SignatureAlgorithm;
    ULONG EncryptAlgorithm;
} SecPkgContext_KeyInfoA, *PSecPkgContext_KeyInfoA;
#define SecPkgContext_KeyInfo SIGNET_AW(SecPkgContext_KeyInfo)
#define PSecPkgContext_KeyInfo SIGNET_AW(PSecPkgContext_KeyInfo)

typedef struct _SecPkgContext_SessionKey {
    ULONG SessionKeyLength;
    unsigned char *SessionKey;
} SecPkgContext_SessionKey, *PSecPkgContext_SessionKey;

typedef struct _SecPkgContext_PackageInfoW {
    PSecPkgInfoW PackageInfo;
} SecPkgContext_PackageInfoW, *PSecPkgContext_PackageInfoW;
typedef struct _SecPkgContext_PackageInfoA {
    PSecPkgInfoA PackageInfo;
} SecPkgContext_PackageInfoA, *PSecPkgContext_PackageInfoA;
#define SecPkgContext_PackageInfo SIGNET_AW(SecPkgContext_PackageInfo)
#define PSecPkgContext_PackageInfo SIGNET_AW(PSecPkgContext_PackageInfo)

typedef struct _SecPkgContext_Flags {
    ULONG Flags;
} SecPkgContext_Flags, *PSecPkgContext_Flags;

/* ---- authentication identity ---------------------------------------------- */
#ifndef _AUTH_IDENTITY_DEFINED
#define _AUTH_IDENTITY_DEFINED
#define SEC_WINNT_AUTH_IDENTITY_ANSI 0x1
#define SEC_WINNT_AUTH_IDENTITY_UNICODE 0x2
typedef struct _SEC_WINNT_AUTH_IDENTITY_W {
    unsigned short *User;
    ULONG UserLength;          /* characters, without terminator */
    unsigned short *Domain;
    ULONG DomainLength;
    unsigned short *Password;
    ULONG PasswordLength;
    ULONG Flags;               /* SEC_WINNT_AUTH_IDENTITY_UNICODE */
} SEC_WINNT_AUTH_IDENTITY_W, *PSEC_WINNT_AUTH_IDENTITY_W;
typedef struct _SEC_WINNT_AUTH_IDENTITY_A {
    unsigned char *User;
    ULONG UserLength;
    unsigned char *Domain;
    ULONG DomainLength;
    unsigned char *Password;
    ULONG PasswordLength;
    ULONG Flags;               /* SEC_WINNT_AUTH_IDENTITY_ANSI */
} SEC_WINNT_AUTH_IDENTITY_A, *PSEC_WINNT_AUTH_IDENTITY_A;
#ifdef UNICODE
#define SEC_WINNT_AUTH_IDENTITY SEC_WINNT_AUTH_IDENTITY_W
#define PSEC_WINNT_AUTH_IDENTITY PSEC_WINNT_AUTH_IDENTITY_W
#else
#define SEC_WINNT_AUTH_IDENTITY SEC_WINNT_AUTH_IDENTITY_A
#define PSEC_WINNT_AUTH_IDENTITY PSEC_WINNT_AUTH_IDENTITY_A
#endif
#endif

#ifndef SEC_WINNT_AUTH_IDENTITY_VERSION
#define SEC_WINNT_AUTH_IDENTITY_VERSION 0x200
typedef struct _SEC_WINNT_AUTH_IDENTITY_EXW {
    ULONG Version;
    ULONG Length;
    unsigned short *User;
    ULONG UserLength;
    unsigned short *Domain;
    ULONG DomainLength;
    unsigned short *Password;
    ULONG PasswordLength;
    ULONG Flags;
    unsigned short *PackageList;
    ULONG PackageListLength;
} SEC_WINNT_AUTH_IDENTITY_EXW, *PSEC_WINNT_AUTH_IDENTITY_EXW;
typedef struct _SEC_WINNT_AUTH_IDENTITY_EXA {
    ULONG Version;
    ULONG Length;
    unsigned char *User;
    ULONG UserLength;
    unsigned char *Domain;
    ULONG DomainLength;
    unsigned char *Password;
    ULONG PasswordLength;
    ULONG Flags;
    unsigned char *PackageList;
    ULONG PackageListLength;
} SEC_WINNT_AUTH_IDENTITY_EXA, *PSEC_WINNT_AUTH_IDENTITY_EXA;
#define SEC_WINNT_AUTH_IDENTITY_EX SIGNET_AW(SEC_WINNT_AUTH_IDENTITY_EX)
#define PSEC_WINNT_AUTH_IDENTITY_EX SIGNET_AW(PSEC_WINNT_AUTH_IDENTITY_EX)
#endif

/*
 * pAuthData of AcquireCredentialsHandle for the "Signet" package (Signet
 * extension; NULL means the defaults of SIGNET_* variables and signet.conf).
 * Strings are UTF-8 paths/values, NULL when not given; they have the meaning
 * of the gss_acquire_cred_from() keys of <gssapi/gssapi_signet.h>.
 * Extra: further key/value pairs (pairs of strings, NULL-terminated list,
 * e.g. {"max_lifetime", "600", NULL}).
 */
#define SIGNET_AUTH_DATA_VERSION 0x53470001u  /* "SG" 1: tells it from SEC_WINNT_AUTH_IDENTITY */
typedef struct _SIGNET_AUTH_DATA {
    ULONG Version;              /* SIGNET_AUTH_DATA_VERSION */
    ULONG Flags;                /* SIGNET_AUTH_ALLOW_ANONYMOUS */
    const char *Certificate;    /* PEM chain or PKCS#12 */
    const char *PrivateKey;     /* PEM private key */
    const char *Pkcs12Password;
    const char *CaFile;         /* PEM trust anchors */
    const char *CaDir;
    const char *CrlFile;
    const char *PskFile;        /* "identity hexkey" lines */
    const char *PskIdentity;    /* initiator: which PSK */
    const char *const *Extra;   /* NULL or {key, value, ..., NULL} */
} SIGNET_AUTH_DATA, *PSIGNET_AUTH_DATA;
#define SIGNET_AUTH_ALLOW_ANONYMOUS 0x1

/* ---- functions ---------------------------------------------------------------- */
typedef void (SEC_ENTRY *SEC_GET_KEY_FN)(void *Arg, void *Principal, ULONG KeyVer,
                                          void **Key, SECURITY_STATUS *Status);

SECURITY_STATUS SEC_ENTRY AcquireCredentialsHandleA(
    SEC_CHAR *pszPrincipal, SEC_CHAR *pszPackage, ULONG fCredentialUse,
    void *pvLogonId, void *pAuthData, SEC_GET_KEY_FN pGetKeyFn,
    void *pvGetKeyArgument, PCredHandle phCredential, PTimeStamp ptsExpiry);
typedef SECURITY_STATUS (SEC_ENTRY *ACQUIRE_CREDENTIALS_HANDLE_FN_A)(
    SEC_CHAR *, SEC_CHAR *, ULONG, void *, void *, SEC_GET_KEY_FN, void *,
    PCredHandle, PTimeStamp);
SECURITY_STATUS SEC_ENTRY AcquireCredentialsHandleW(
    SEC_WCHAR *pszPrincipal, SEC_WCHAR *pszPackage, ULONG fCredentialUse,
    void *pvLogonId, void *pAuthData, SEC_GET_KEY_FN pGetKeyFn,
    void *pvGetKeyArgument, PCredHandle phCredential, PTimeStamp ptsExpiry);
typedef SECURITY_STATUS (SEC_ENTRY *ACQUIRE_CREDENTIALS_HANDLE_FN_W)(
    SEC_WCHAR *, SEC_WCHAR *, ULONG, void *, void *, SEC_GET_KEY_FN, void *,
    PCredHandle, PTimeStamp);
#define AcquireCredentialsHandle SIGNET_AW(AcquireCredentialsHandle)

SECURITY_STATUS SEC_ENTRY FreeCredentialsHandle(PCredHandle phCredential);
typedef SECURITY_STATUS (SEC_ENTRY *FREE_CREDENTIALS_HANDLE_FN)(PCredHandle);
#define FreeCredentialHandle FreeCredentialsHandle

SECURITY_STATUS SEC_ENTRY AddCredentialsA(PCredHandle, SEC_CHAR *, SEC_CHAR *,
    ULONG, void *, SEC_GET_KEY_FN, void *, PTimeStamp);
typedef SECURITY_STATUS (SEC_ENTRY *ADD_CREDENTIALS_FN_A)(PCredHandle, SEC_CHAR *,
    SEC_CHAR *, ULONG, void *, SEC_GET_KEY_FN, void *, PTimeStamp);
SECURITY_STATUS SEC_ENTRY AddCredentialsW(PCredHandle, SEC_WCHAR *, SEC_WCHAR *,
    ULONG, void *, SEC_GET_KEY_FN, void *, PTimeStamp);
typedef SECURITY_STATUS (SEC_ENTRY *ADD_CREDENTIALS_FN_W)(PCredHandle, SEC_WCHAR *,
    SEC_WCHAR *, ULONG, void *, SEC_GET_KEY_FN, void *, PTimeStamp);
#define AddCredentials SIGNET_AW(AddCredentials)

SECURITY_STATUS SEC_ENTRY InitializeSecurityContextA(
    PCredHandle phCredential, PCtxtHandle phContext, SEC_CHAR *pszTargetName,
    ULONG fContextReq, ULONG Reserved1, ULONG TargetDataRep,
    PSecBufferDesc pInput, ULONG Reserved2, PCtxtHandle phNewContext,
    PSecBufferDesc pOutput, ULONG *pfContextAttr, PTimeStamp ptsExpiry);
typedef SECURITY_STATUS (SEC_ENTRY *INITIALIZE_SECURITY_CONTEXT_FN_A)(
    PCredHandle, PCtxtHandle, SEC_CHAR *, ULONG, ULONG, ULONG, PSecBufferDesc,
    ULONG, PCtxtHandle, PSecBufferDesc, ULONG *, PTimeStamp);
SECURITY_STATUS SEC_ENTRY InitializeSecurityContextW(
    PCredHandle phCredential, PCtxtHandle phContext, SEC_WCHAR *pszTargetName,
    ULONG fContextReq, ULONG Reserved1, ULONG TargetDataRep,
    PSecBufferDesc pInput, ULONG Reserved2, PCtxtHandle phNewContext,
    PSecBufferDesc pOutput, ULONG *pfContextAttr, PTimeStamp ptsExpiry);
typedef SECURITY_STATUS (SEC_ENTRY *INITIALIZE_SECURITY_CONTEXT_FN_W)(
    PCredHandle, PCtxtHandle, SEC_WCHAR *, ULONG, ULONG, ULONG, PSecBufferDesc,
    ULONG, PCtxtHandle, PSecBufferDesc, ULONG *, PTimeStamp);
#define InitializeSecurityContext SIGNET_AW(InitializeSecurityContext)

SECURITY_STATUS SEC_ENTRY AcceptSecurityContext(
    PCredHandle phCredential, PCtxtHandle phContext, PSecBufferDesc pInput,
    ULONG fContextReq, ULONG TargetDataRep, PCtxtHandle phNewContext,
    PSecBufferDesc pOutput, ULONG *pfContextAttr, PTimeStamp ptsExpiry);
typedef SECURITY_STATUS (SEC_ENTRY *ACCEPT_SECURITY_CONTEXT_FN)(
    PCredHandle, PCtxtHandle, PSecBufferDesc, ULONG, ULONG, PCtxtHandle,
    PSecBufferDesc, ULONG *, PTimeStamp);

SECURITY_STATUS SEC_ENTRY CompleteAuthToken(PCtxtHandle phContext, PSecBufferDesc pToken);
typedef SECURITY_STATUS (SEC_ENTRY *COMPLETE_AUTH_TOKEN_FN)(PCtxtHandle, PSecBufferDesc);

SECURITY_STATUS SEC_ENTRY ImpersonateSecurityContext(PCtxtHandle phContext);
typedef SECURITY_STATUS (SEC_ENTRY *IMPERSONATE_SECURITY_CONTEXT_FN)(PCtxtHandle);
SECURITY_STATUS SEC_ENTRY RevertSecurityContext(PCtxtHandle phContext);
typedef SECURITY_STATUS (SEC_ENTRY *REVERT_SECURITY_CONTEXT_FN)(PCtxtHandle);
SECURITY_STATUS SEC_ENTRY QuerySecurityContextToken(PCtxtHandle phContext, void **Token);
typedef SECURITY_STATUS (SEC_ENTRY *QUERY_SECURITY_CONTEXT_TOKEN_FN)(PCtxtHandle, void **);

SECURITY_STATUS SEC_ENTRY DeleteSecurityContext(PCtxtHandle phContext);
typedef SECURITY_STATUS (SEC_ENTRY *DELETE_SECURITY_CONTEXT_FN)(PCtxtHandle);

SECURITY_STATUS SEC_ENTRY ApplyControlToken(PCtxtHandle phContext, PSecBufferDesc pInput);
typedef SECURITY_STATUS (SEC_ENTRY *APPLY_CONTROL_TOKEN_FN)(PCtxtHandle, PSecBufferDesc);

SECURITY_STATUS SEC_ENTRY QueryContextAttributesA(PCtxtHandle phContext,
                                                  ULONG ulAttribute, void *pBuffer);
typedef SECURITY_STATUS (SEC_ENTRY *QUERY_CONTEXT_ATTRIBUTES_FN_A)(PCtxtHandle, ULONG, void *);
SECURITY_STATUS SEC_ENTRY QueryContextAttributesW(PCtxtHandle phContext,
                                                  ULONG ulAttribute, void *pBuffer);
typedef SECURITY_STATUS (SEC_ENTRY *QUERY_CONTEXT_ATTRIBUTES_FN_W)(PCtxtHandle, ULONG, void *);
#define QueryContextAttributes SIGNET_AW(QueryContextAttributes)

SECURITY_STATUS SEC_ENTRY SetContextAttributesA(PCtxtHandle, ULONG, void *, ULONG);
typedef SECURITY_STATUS (SEC_ENTRY *SET_CONTEXT_ATTRIBUTES_FN_A)(PCtxtHandle, ULONG, void *, ULONG);
SECURITY_STATUS SEC_ENTRY SetContextAttributesW(PCtxtHandle, ULONG, void *, ULONG);
typedef SECURITY_STATUS (SEC_ENTRY *SET_CONTEXT_ATTRIBUTES_FN_W)(PCtxtHandle, ULONG, void *, ULONG);
#define SetContextAttributes SIGNET_AW(SetContextAttributes)

SECURITY_STATUS SEC_ENTRY QueryCredentialsAttributesA(PCredHandle phCredential,
                                                      ULONG ulAttribute, void *pBuffer);
typedef SECURITY_STATUS (SEC_ENTRY *QUERY_CREDENTIALS_ATTRIBUTES_FN_A)(PCredHandle, ULONG, void *);
SECURITY_STATUS SEC_ENTRY QueryCredentialsAttributesW(PCredHandle phCredential,
                                                      ULONG ulAttribute, void *pBuffer);
typedef SECURITY_STATUS (SEC_ENTRY *QUERY_CREDENTIALS_ATTRIBUTES_FN_W)(PCredHandle, ULONG, void *);
#define QueryCredentialsAttributes SIGNET_AW(QueryCredentialsAttributes)

SECURITY_STATUS SEC_ENTRY SetCredentialsAttributesA(PCredHandle, ULONG, void *, ULONG);
typedef SECURITY_STATUS (SEC_ENTRY *SET_CREDENTIALS_ATTRIBUTES_FN_A)(PCredHandle, ULONG, void *, ULONG);
SECURITY_STATUS SEC_ENTRY SetCredentialsAttributesW(PCredHandle, ULONG, void *, ULONG);
typedef SECURITY_STATUS (SEC_ENTRY *SET_CREDENTIALS_ATTRIBUTES_FN_W)(PCredHandle, ULONG, void *, ULONG);
#define SetCredentialsAttributes SIGNET_AW(SetCredentialsAttributes)

SECURITY_STATUS SEC_ENTRY FreeContextBuffer(void *pvContextBuffer);
typedef SECURITY_STATUS (SEC_ENTRY *FREE_CONTEXT_BUFFER_FN)(void *);

SECURITY_STATUS SEC_ENTRY MakeSignature(PCtxtHandle phContext, ULONG fQOP,
                                        PSecBufferDesc pMessage, ULONG MessageSeqNo);
typedef SECURITY_STATUS (SEC_ENTRY *MAKE_SIGNATURE_FN)(PCtxtHandle, ULONG, PSecBufferDesc, ULONG);
SECURITY_STATUS SEC_ENTRY VerifySignature(PCtxtHandle phContext, PSecBufferDesc pMessage,
                                          ULONG MessageSeqNo, ULONG *pfQOP);
typedef SECURITY_STATUS (SEC_ENTRY *VERIFY_SIGNATURE_FN)(PCtxtHandle, PSecBufferDesc, ULONG, ULONG *);

SECURITY_STATUS SEC_ENTRY EncryptMessage(PCtxtHandle phContext, ULONG fQOP,
                                         PSecBufferDesc pMessage, ULONG MessageSeqNo);
typedef SECURITY_STATUS (SEC_ENTRY *ENCRYPT_MESSAGE_FN)(PCtxtHandle, ULONG, PSecBufferDesc, ULONG);
SECURITY_STATUS SEC_ENTRY DecryptMessage(PCtxtHandle phContext, PSecBufferDesc pMessage,
                                         ULONG MessageSeqNo, ULONG *pfQOP);
typedef SECURITY_STATUS (SEC_ENTRY *DECRYPT_MESSAGE_FN)(PCtxtHandle, PSecBufferDesc, ULONG, ULONG *);

SECURITY_STATUS SEC_ENTRY EnumerateSecurityPackagesA(ULONG *pcPackages,
                                                     PSecPkgInfoA *ppPackageInfo);
typedef SECURITY_STATUS (SEC_ENTRY *ENUMERATE_SECURITY_PACKAGES_FN_A)(ULONG *, PSecPkgInfoA *);
SECURITY_STATUS SEC_ENTRY EnumerateSecurityPackagesW(ULONG *pcPackages,
                                                     PSecPkgInfoW *ppPackageInfo);
typedef SECURITY_STATUS (SEC_ENTRY *ENUMERATE_SECURITY_PACKAGES_FN_W)(ULONG *, PSecPkgInfoW *);
#define EnumerateSecurityPackages SIGNET_AW(EnumerateSecurityPackages)

SECURITY_STATUS SEC_ENTRY QuerySecurityPackageInfoA(SEC_CHAR *pszPackageName,
                                                    PSecPkgInfoA *ppPackageInfo);
typedef SECURITY_STATUS (SEC_ENTRY *QUERY_SECURITY_PACKAGE_INFO_FN_A)(SEC_CHAR *, PSecPkgInfoA *);
SECURITY_STATUS SEC_ENTRY QuerySecurityPackageInfoW(SEC_WCHAR *pszPackageName,
                                                    PSecPkgInfoW *ppPackageInfo);
typedef SECURITY_STATUS (SEC_ENTRY *QUERY_SECURITY_PACKAGE_INFO_FN_W)(SEC_WCHAR *, PSecPkgInfoW *);
#define QuerySecurityPackageInfo SIGNET_AW(QuerySecurityPackageInfo)

#define SECPKG_CONTEXT_EXPORT_RESET_NEW 0x00000001
#define SECPKG_CONTEXT_EXPORT_DELETE_OLD 0x00000002
#define SECPKG_CONTEXT_EXPORT_TO_KERNEL 0x00000004

SECURITY_STATUS SEC_ENTRY ExportSecurityContext(PCtxtHandle phContext, ULONG fFlags,
                                                PSecBuffer pPackedContext, void **pToken);
typedef SECURITY_STATUS (SEC_ENTRY *EXPORT_SECURITY_CONTEXT_FN)(PCtxtHandle, ULONG, PSecBuffer, void **);
SECURITY_STATUS SEC_ENTRY ImportSecurityContextA(SEC_CHAR *pszPackage, PSecBuffer pPackedContext,
                                                 void *Token, PCtxtHandle phContext);
typedef SECURITY_STATUS (SEC_ENTRY *IMPORT_SECURITY_CONTEXT_FN_A)(SEC_CHAR *, PSecBuffer, void *, PCtxtHandle);
SECURITY_STATUS SEC_ENTRY ImportSecurityContextW(SEC_WCHAR *pszPackage, PSecBuffer pPackedContext,
                                                 void *Token, PCtxtHandle phContext);
typedef SECURITY_STATUS (SEC_ENTRY *IMPORT_SECURITY_CONTEXT_FN_W)(SEC_WCHAR *, PSecBuffer, void *, PCtxtHandle);
#define ImportSecurityContext SIGNET_AW(ImportSecurityContext)

#define SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION 1
#define SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION_2 2
#define SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION_3 3
#define SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION_4 4

typedef struct _SECURITY_FUNCTION_TABLE_W {
    ULONG dwVersion;
    ENUMERATE_SECURITY_PACKAGES_FN_W EnumerateSecurityPackagesW;
    QUERY_CREDENTIALS_ATTRIBUTES_FN_W QueryCredentialsAttributesW;
    ACQUIRE_CREDENTIALS_HANDLE_FN_W AcquireCredentialsHandleW;
    FREE_CREDENTIALS_HANDLE_FN FreeCredentialsHandle;
    void *Reserved2;
    INITIALIZE_SECURITY_CONTEXT_FN_W InitializeSecurityContextW;
    ACCEPT_SECURITY_CONTEXT_FN AcceptSecurityContext;
    COMPLETE_AUTH_TOKEN_FN CompleteAuthToken;
    DELETE_SECURITY_CONTEXT_FN DeleteSecurityContext;
    APPLY_CONTROL_TOKEN_FN ApplyControlToken;
    QUERY_CONTEXT_ATTRIBUTES_FN_W QueryContextAttributesW;
    IMPERSONATE_SECURITY_CONTEXT_FN ImpersonateSecurityContext;
    REVERT_SECURITY_CONTEXT_FN RevertSecurityContext;
    MAKE_SIGNATURE_FN MakeSignature;
    VERIFY_SIGNATURE_FN VerifySignature;
    FREE_CONTEXT_BUFFER_FN FreeContextBuffer;
    QUERY_SECURITY_PACKAGE_INFO_FN_W QuerySecurityPackageInfoW;
    void *Reserved3;
    void *Reserved4;
    EXPORT_SECURITY_CONTEXT_FN ExportSecurityContext;
    IMPORT_SECURITY_CONTEXT_FN_W ImportSecurityContextW;
    ADD_CREDENTIALS_FN_W AddCredentialsW;
    void *Reserved8;
    QUERY_SECURITY_CONTEXT_TOKEN_FN QuerySecurityContextToken;
    ENCRYPT_MESSAGE_FN EncryptMessage;
    DECRYPT_MESSAGE_FN DecryptMessage;
    SET_CONTEXT_ATTRIBUTES_FN_W SetContextAttributesW;
    SET_CREDENTIALS_ATTRIBUTES_FN_W SetCredentialsAttributesW;
} SecurityFunctionTableW, *PSecurityFunctionTableW;

typedef struct _SECURITY_FUNCTION_TABLE_A {
    ULONG dwVersion;
    ENUMERATE_SECURITY_PACKAGES_FN_A EnumerateSecurityPackagesA;
    QUERY_CREDENTIALS_ATTRIBUTES_FN_A QueryCredentialsAttributesA;
    ACQUIRE_CREDENTIALS_HANDLE_FN_A AcquireCredentialsHandleA;
    FREE_CREDENTIALS_HANDLE_FN FreeCredentialHandle;
    void *Reserved2;
    INITIALIZE_SECURITY_CONTEXT_FN_A InitializeSecurityContextA;
    ACCEPT_SECURITY_CONTEXT_FN AcceptSecurityContext;
    COMPLETE_AUTH_TOKEN_FN CompleteAuthToken;
    DELETE_SECURITY_CONTEXT_FN DeleteSecurityContext;
    APPLY_CONTROL_TOKEN_FN ApplyControlToken;
    QUERY_CONTEXT_ATTRIBUTES_FN_A QueryContextAttributesA;
    IMPERSONATE_SECURITY_CONTEXT_FN ImpersonateSecurityContext;
    REVERT_SECURITY_CONTEXT_FN RevertSecurityContext;
    MAKE_SIGNATURE_FN MakeSignature;
    VERIFY_SIGNATURE_FN VerifySignature;
    FREE_CONTEXT_BUFFER_FN FreeContextBuffer;
    QUERY_SECURITY_PACKAGE_INFO_FN_A QuerySecurityPackageInfoA;
    void *Reserved3;
    void *Reserved4;
    EXPORT_SECURITY_CONTEXT_FN ExportSecurityContext;
    IMPORT_SECURITY_CONTEXT_FN_A ImportSecurityContextA;
    ADD_CREDENTIALS_FN_A AddCredentialsA;
    void *Reserved8;
    QUERY_SECURITY_CONTEXT_TOKEN_FN QuerySecurityContextToken;
    ENCRYPT_MESSAGE_FN EncryptMessage;
    DECRYPT_MESSAGE_FN DecryptMessage;
    SET_CONTEXT_ATTRIBUTES_FN_A SetContextAttributesA;
    SET_CREDENTIALS_ATTRIBUTES_FN_A SetCredentialsAttributesA;
} SecurityFunctionTableA, *PSecurityFunctionTableA;
#define SecurityFunctionTable SIGNET_AW(SecurityFunctionTable)
#define PSecurityFunctionTable SIGNET_AW(PSecurityFunctionTable)

PSecurityFunctionTableA SEC_ENTRY InitSecurityInterfaceA(void);
typedef PSecurityFunctionTableA (SEC_ENTRY *INIT_SECURITY_INTERFACE_A)(void);
PSecurityFunctionTableW SEC_ENTRY InitSecurityInterfaceW(void);
typedef PSecurityFunctionTableW (SEC_ENTRY *INIT_SECURITY_INTERFACE_W)(void);
#define InitSecurityInterface SIGNET_AW(InitSecurityInterface)
#define SECURITY_ENTRYPOINT_ANSIA "InitSecurityInterfaceA"
#define SECURITY_ENTRYPOINT_ANSIW "InitSecurityInterfaceW"
#define SECURITY_ENTRYPOINT_ANSI SIGNET_AW(SECURITY_ENTRYPOINT_ANSI)

#ifdef UNICODE
#define ACQUIRE_CREDENTIALS_HANDLE_FN ACQUIRE_CREDENTIALS_HANDLE_FN_W
#define INITIALIZE_SECURITY_CONTEXT_FN INITIALIZE_SECURITY_CONTEXT_FN_W
#define QUERY_CONTEXT_ATTRIBUTES_FN QUERY_CONTEXT_ATTRIBUTES_FN_W
#define QUERY_CREDENTIALS_ATTRIBUTES_FN QUERY_CREDENTIALS_ATTRIBUTES_FN_W
#define ENUMERATE_SECURITY_PACKAGES_FN ENUMERATE_SECURITY_PACKAGES_FN_W
#define QUERY_SECURITY_PACKAGE_INFO_FN QUERY_SECURITY_PACKAGE_INFO_FN_W
#define IMPORT_SECURITY_CONTEXT_FN IMPORT_SECURITY_CONTEXT_FN_W
#define INIT_SECURITY_INTERFACE INIT_SECURITY_INTERFACE_W
#else
#define ACQUIRE_CREDENTIALS_HANDLE_FN ACQUIRE_CREDENTIALS_HANDLE_FN_A
#define INITIALIZE_SECURITY_CONTEXT_FN INITIALIZE_SECURITY_CONTEXT_FN_A
#define QUERY_CONTEXT_ATTRIBUTES_FN QUERY_CONTEXT_ATTRIBUTES_FN_A
#define QUERY_CREDENTIALS_ATTRIBUTES_FN QUERY_CREDENTIALS_ATTRIBUTES_FN_A
#define ENUMERATE_SECURITY_PACKAGES_FN ENUMERATE_SECURITY_PACKAGES_FN_A
#define QUERY_SECURITY_PACKAGE_INFO_FN QUERY_SECURITY_PACKAGE_INFO_FN_A
#define IMPORT_SECURITY_CONTEXT_FN IMPORT_SECURITY_CONTEXT_FN_A
#define INIT_SECURITY_INTERFACE INIT_SECURITY_INTERFACE_A
#endif

#ifdef __cplusplus
}
#endif
#endif /* SIGNET_SSPI_H */
