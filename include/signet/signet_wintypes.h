/*
 * signet_wintypes.h - the Windows base types the SSPI headers use, with
 * Windows' sizes on LP64 Linux: ULONG is 32 bits, WCHAR 16 bits, ULONG_PTR
 * as wide as a pointer.  Included by <sspi.h>, <ntsecpkg.h> and <windows.h>
 * of Signet's SSPI layer; a program never needs to include it itself.
 */
#ifndef SIGNET_WINTYPES_H
#define SIGNET_WINTYPES_H

#include <stddef.h>
#include <stdint.h>

#ifndef SIGNET_WINTYPES_DEFINED
#define SIGNET_WINTYPES_DEFINED

#ifndef VOID
#define VOID void
#endif
#ifndef CONST
#define CONST const
#endif
#ifndef WINAPI
#define WINAPI
#endif
#ifndef NTAPI
#define NTAPI
#endif
#ifndef APIENTRY
#define APIENTRY
#endif
#ifndef IN
#define IN
#endif
#ifndef OUT
#define OUT
#endif
#ifndef OPTIONAL
#define OPTIONAL
#endif
#ifndef ANYSIZE_ARRAY
#define ANYSIZE_ARRAY 1
#endif
#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

typedef char CHAR, *PCHAR, *LPSTR, *PSTR;
typedef const char *LPCSTR, *PCSTR;
typedef unsigned char UCHAR, *PUCHAR, BYTE, *PBYTE, *LPBYTE;
typedef uint16_t WCHAR, *PWCHAR, *LPWSTR, *PWSTR;
typedef const uint16_t *LPCWSTR, *PCWSTR;
typedef int16_t SHORT;
typedef uint16_t USHORT, *PUSHORT, WORD;
typedef int32_t LONG, *PLONG, INT32;
typedef uint32_t ULONG, *PULONG, DWORD, *PDWORD, *LPDWORD, UINT32, UINT;
typedef int64_t LONGLONG, INT64;
typedef uint64_t ULONGLONG, UINT64, QWORD;
typedef int32_t INT, BOOL, *PBOOL, *LPBOOL;
typedef unsigned char BOOLEAN, *PBOOLEAN;
typedef intptr_t INT_PTR, LONG_PTR;
typedef uintptr_t UINT_PTR, ULONG_PTR, *PULONG_PTR, SIZE_T, DWORD_PTR;
typedef void *PVOID, *LPVOID, *HANDLE, **PHANDLE;
typedef const void *LPCVOID;
typedef LONG NTSTATUS, *PNTSTATUS;
typedef LONG HRESULT;

typedef union _LARGE_INTEGER {
    struct {
        ULONG LowPart;
        LONG HighPart;
    };
    struct {
        ULONG LowPart;
        LONG HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef struct _LUID {
    ULONG LowPart;
    LONG HighPart;
} LUID, *PLUID;

typedef struct _UNICODE_STRING {
    USHORT Length;         /* bytes, without a terminator */
    USHORT MaximumLength;  /* bytes */
    PWSTR Buffer;
} UNICODE_STRING, *PUNICODE_STRING;

#ifdef UNICODE
typedef WCHAR TCHAR;
#define TEXT(s) u##s
#else
typedef char TCHAR;
#define TEXT(s) s
#endif

#define NT_SUCCESS(Status) (((NTSTATUS)(Status)) >= 0)
#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#define FAILED(hr) (((HRESULT)(hr)) < 0)

#endif /* SIGNET_WINTYPES_DEFINED */
#endif /* SIGNET_WINTYPES_H */
