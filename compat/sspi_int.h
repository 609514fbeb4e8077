/*
 * sspi_int.h - internal interfaces of Signet's SSPI layer (compat/).
 *
 *   api.c        the public SSPI entry points (A and W), dispatching through
 *                the package tables
 *   handles.c    the handle table: SecHandle -> (package, LSA_SEC_HANDLE)
 *   packages.c   the package registry: built-in GSS bridge packages and
 *                third-party packages loaded from shared objects
 *   bridge_*.c   the GSS bridge: one security package over any GSS-API
 *                mechanism, over one table of mechanism descriptions
 *                (bridge_mechs.c); its files by concern: bridge.h
 *   gss_ops.c    the bridge's two GSS function tables: mechglue (public
 *                gss_*) and Signet (the core's signet_gss_*, called directly)
 *   status.c     the whole status mapping (GSS -> NTSTATUS -> SECURITY_STATUS)
 *   strings.c    UTF-8 / UTF-16 conversion
 * Every name here starts with sspi_; nothing here is exported.
 */
#ifndef SIGNET_SSPI_INT_H
#define SIGNET_SSPI_INT_H

#include <stddef.h>
#include <stdint.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>

#include "sspi.h"
#include "ntsecpkg.h"

/* ---- strings (strings.c) -------------------------------------------------- */
size_t sspi_wcslen(const SEC_WCHAR *w);
/* UTF-8 (len bytes, or up to NUL when len is (size_t)-1) to a malloc'ed,
 * NUL-terminated UTF-16 string; *nchars (may be NULL) gets its length.
 * NULL on bad UTF-8 or no memory. */
SEC_WCHAR *sspi_utf16_from_utf8(const char *s, size_t len, size_t *nchars);
/* UTF-16 (n units, or up to NUL when n is (size_t)-1) to malloc'ed UTF-8. */
char *sspi_utf8_from_utf16(const SEC_WCHAR *w, size_t n);
/* The same; *nbytes gets the bytes before the terminating NUL (a secret's
 * copy can then be wiped whole).  On bad UTF-16 what was converted is
 * wiped before it is freed. */
char *sspi_utf8_from_utf16_len(const SEC_WCHAR *w, size_t n, size_t *nbytes);
/* A UNICODE_STRING holding a malloc'ed copy of s; 0 or -1 (no memory). */
int sspi_ustr_set(UNICODE_STRING *u, const char *s);
void sspi_ustr_clear(UNICODE_STRING *u);
char *sspi_utf8_from_ustr(const UNICODE_STRING *u);
int sspi_strcasecmp_ascii(const char *a, const char *b);

/* ---- status mapping (status.c) ---------------------------------------------- */
/* Call sites whose results the mapping treats apart (status.c's site_rows
 * and nt_rows); every other call is SSPI_SITE_ANY. */
enum sspi_site {
    SSPI_SITE_ANY = 0,
    SSPI_SITE_ACQUIRE,            /* AcquireCredentialsHandle, no password given */
    SSPI_SITE_ACQUIRE_PASSWORD,   /* AcquireCredentialsHandle with a password */
    SSPI_SITE_ACCEPT,             /* AcceptSecurityContext */
    SSPI_SITE_MAKE_SIGNATURE      /* MakeSignature */
};
/*
 * NTSTATUS for the result of a GSS call made for an SSPI package at site.
 *   signet_minor: minor is a Signet minor code (read only for the Signet
 *                 package, whose calls do not pass through mechglue)
 *   gss_flags:    the context's negotiated GSS_C_*_FLAG bits: supplementary
 *                 sequencing bits are failures only when replay or sequence
 *                 detection is on
 */
NTSTATUS sspi_status_from_gss(enum sspi_site site, OM_uint32 major, OM_uint32 minor,
                              int signet_minor, OM_uint32 gss_flags);
/* The SECURITY_STATUS the public call at site returns for a package's
 * NTSTATUS: never an NT error value (0xC0000000 and up) other than the
 * STATUS_INVALID_PARAMETER of MakeSignature. */
SECURITY_STATUS sspi_status_from_nt(enum sspi_site site, NTSTATUS nt);
/* The tables, for the unit test and the documentation. */
struct sspi_status_row {
    OM_uint32 routine;       /* GSS routine error (<< 16 form), 0 = any */
    OM_uint32 supplementary; /* supplementary bit, 0 = none */
    OM_uint32 signet_minor;  /* Signet minor code, 0 = any */
    NTSTATUS nt;             /* what the Sp* function returns */
    const char *why;
};
struct sspi_status_site_row {
    enum sspi_site site;
    NTSTATUS from, to;       /* the table's result, what the site makes of it */
    const char *why;
};
struct sspi_status_nt_row {
    enum sspi_site site;     /* SSPI_SITE_ANY: every public call */
    NTSTATUS nt;             /* from the package */
    SECURITY_STATUS sec;     /* what the public call returns */
    const char *why;
};
const struct sspi_status_row *sspi_status_table(size_t *count);
const struct sspi_status_site_row *sspi_status_site_table(size_t *count);
const struct sspi_status_nt_row *sspi_status_nt_table(size_t *count);

/* ---- packages (packages.c) ---------------------------------------------------- */
struct sspi_package {
    unsigned index;                        /* position in the registry */
    char *name;                            /* UTF-8 */
    char *comment;
    SEC_WCHAR *wname, *wcomment;
    ULONG caps;
    USHORT version, rpcid;
    ULONG max_token;
    const SECPKG_FUNCTION_TABLE *lsa;      /* never NULL */
    const SECPKG_USER_FUNCTION_TABLE *user; /* may be NULL */
    void *dl;                              /* third-party: dlopen handle */
};

/* The registry (built once, thread-safe).  NULL when out of range. */
size_t sspi_package_count(void);
const struct sspi_package *sspi_package_at(size_t i);
const struct sspi_package *sspi_package_find(const char *name);
extern SECPKG_DLL_FUNCTIONS sspi_dll_functions;

/* ---- handles (handles.c) ----------------------------------------------------- */
enum sspi_kind { SSPI_KIND_CRED = 1, SSPI_KIND_CTXT = 2 };

struct sspi_ref {
    void *slot;                            /* internal */
    const struct sspi_package *pkg;
    LSA_SEC_HANDLE lsa;
};

/* New handle for (pkg, lsa); SEC_E_INSUFFICIENT_MEMORY when full. */
SECURITY_STATUS sspi_handle_new(enum sspi_kind kind, const struct sspi_package *pkg,
                                LSA_SEC_HANDLE lsa, PSecHandle out);
/* Takes a reference: SEC_E_OK, or SEC_E_INVALID_HANDLE for NULL, unknown,
 * freed or other-kind handles.  Waits (yielding) while another thread holds
 * the handle exclusively.  Release with sspi_handle_put.  Lock-free: one
 * compare-and-swap when nobody holds the handle exclusively. */
SECURITY_STATUS sspi_handle_get(enum sspi_kind kind, const SecHandle *h,
                                struct sspi_ref *ref);
void sspi_handle_put(struct sspi_ref *ref);
/* Takes the handle exclusively: like sspi_handle_get, then waits until no
 * other reference is left; until the release every other get on the handle
 * waits.  Release with sspi_handle_put_exclusive; kill != 0 also deletes
 * the handle (as sspi_handle_delete) in the same atomic step, so the
 * waiters get SEC_E_INVALID_HANDLE.  The caller must hold no other
 * reference on the same handle (it would wait for itself). */
SECURITY_STATUS sspi_handle_get_exclusive(enum sspi_kind kind, const SecHandle *h,
                                          struct sspi_ref *ref);
void sspi_handle_put_exclusive(struct sspi_ref *ref, int kill);
/* Invalidates the handle at once; the package object is released (context:
 * DeleteUserModeContext + DeleteContext; credential: FreeCredentialsHandle)
 * now, or by the last holder of a reference. */
SECURITY_STATUS sspi_handle_delete(enum sspi_kind kind, const SecHandle *h);

/* ---- the GSS bridge packages (bridge_*.c; their internals: bridge.h) ------------- */
/* A built-in bridge package as the registry takes it. */
struct sspi_builtin {
    const SECPKG_FUNCTION_TABLE *lsa;
    const SECPKG_USER_FUNCTION_TABLE *user;
    const char *name, *comment;
    ULONG caps;
    USHORT version, rpcid;
    ULONG max_token;
    int listed;                            /* the registry lists it now */
};
/* The i-th built-in package (registry order): 0, or -1 past the last. */
int sspi_bridge_builtin(size_t i, struct sspi_builtin *out);

/* ---- messages ------------------------------------------------------------------- */

/* Windows FILETIME (100 ns since 1601) of a Unix time; 0 -> "never". */
void sspi_timestamp(PTimeStamp ts, int64_t unix_time);

#endif /* SIGNET_SSPI_INT_H */
