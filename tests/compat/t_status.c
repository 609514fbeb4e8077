/*
 * t_status.c - the status mapping (compat/status.c) by its behaviour.
 *
 *   1. gss_cases: a GSS result (major status, minor code and whether it is
 *      Signet's, the negotiated flags) at a call site goes in; the NTSTATUS
 *      the package returns and the SECURITY_STATUS of the public call come
 *      out.  The expected values are written here, not read from the
 *      tables, and every row of the three tables must be exercised by a
 *      case (a row without a case fails: add the case with it).
 *   2. A sweep over every routine error, calling error, supplementary bit,
 *      Signet minor code and call site: no public call ever returns an NT
 *      error value (0xC0000000 and up) but MakeSignature's
 *      STATUS_INVALID_PARAMETER, which the MakeSignature reference lists.
 *   3. Every SSPI entry point, dispatched to the package TestStatus
 *      (statuspkg.c, loaded from SSPI_STATUSPKG), while that package
 *      returns each value of nt_cases in turn: the public call returns the
 *      case's SECURITY_STATUS, and never an NT error value but
 *      MakeSignature's STATUS_INVALID_PARAMETER.
 *
 * With --markdown it prints the tables' rows as docs/status-mapping.md has
 * them (tests/test_sspi_api.py checks the document holds each).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gssapi/gssapi_signet.h>

#include "sspi_int.h"
#include "sspi_util.h"
#include "statuspkg.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define NT_ERROR(x) (((uint32_t)(x) & 0xC0000000u) == 0xC0000000u)
#define REPLAY GSS_C_REPLAY_FLAG
#define SEQUENCE GSS_C_SEQUENCE_FLAG

static int failures;

#define CHECK(cond, ...)                                  \
    do {                                                  \
        if (!(cond)) {                                    \
            failures++;                                   \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);   \
            printf(__VA_ARGS__);                          \
            printf("\n");                                 \
        }                                                 \
    } while (0)

/* ---- 1. GSS result in, NTSTATUS and SECURITY_STATUS out ---------------------------- */
enum { FOREIGN = 0, SIGNET = 1 };     /* whose minor code it is */

static const struct gss_case {
    const char *name;
    enum sspi_site site;
    OM_uint32 major, minor;
    int signet;
    OM_uint32 flags;
    NTSTATUS nt;                      /* the Sp* function */
    SECURITY_STATUS sec;              /* the public call */
} gss_cases[] = {
    /* general rules */
    { "complete", SSPI_SITE_ANY, GSS_S_COMPLETE, 0, FOREIGN, 0, STATUS_SUCCESS, SEC_E_OK },
    { "calling error", SSPI_SITE_ANY, GSS_S_CALL_INACCESSIBLE_READ, 0, FOREIGN, 0,
      STATUS_INVALID_PARAMETER, SEC_E_INVALID_PARAMETER },
    { "calling error and routine error", SSPI_SITE_ANY, GSS_S_CALL_BAD_STRUCTURE | GSS_S_FAILURE,
      0, FOREIGN, 0, STATUS_INVALID_PARAMETER, SEC_E_INVALID_PARAMETER },
    { "calling error in MakeSignature", SSPI_SITE_MAKE_SIGNATURE, GSS_S_CALL_INACCESSIBLE_WRITE,
      0, FOREIGN, 0, STATUS_INVALID_PARAMETER, STATUS_INVALID_PARAMETER },
    { "routine error no row names", SSPI_SITE_ANY, 19u << GSS_C_ROUTINE_ERROR_OFFSET, 0,
      FOREIGN, 0, SEC_E_INTERNAL_ERROR, SEC_E_INTERNAL_ERROR },
    { "routine error beats supplementary", SSPI_SITE_ANY, GSS_S_BAD_SIG | GSS_S_DUPLICATE_TOKEN,
      0, FOREIGN, REPLAY | SEQUENCE, SEC_E_MESSAGE_ALTERED, SEC_E_MESSAGE_ALTERED },
    { "foreign minor never read", SSPI_SITE_ANY, GSS_S_BAD_SIG, SIGNET_ERR_SEQUENCE, FOREIGN, 0,
      SEC_E_MESSAGE_ALTERED, SEC_E_MESSAGE_ALTERED },
    { "Signet minor no row names", SSPI_SITE_ANY, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_HANDSHAKE,
      SIGNET, 0, SEC_E_INVALID_TOKEN, SEC_E_INVALID_TOKEN },
    { "Signet minor 0", SSPI_SITE_ANY, GSS_S_NO_CONTEXT, 0, SIGNET, 0,
      SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE },

    /* Signet minor codes (the Signet package only) */
    { "renegotiate", SSPI_SITE_MAKE_SIGNATURE, GSS_S_CONTEXT_EXPIRED, SIGNET_ERR_RENEGOTIATE,
      SIGNET, 0, SEC_I_RENEGOTIATE, SEC_I_RENEGOTIATE },
    { "revalidate", SSPI_SITE_MAKE_SIGNATURE, GSS_S_CONTEXT_EXPIRED, SIGNET_ERR_REVALIDATE,
      SIGNET, 0, SEC_E_NO_AUTHENTICATING_AUTHORITY, SEC_E_NO_AUTHENTICATING_AUTHORITY },
    { "no integrity", SSPI_SITE_MAKE_SIGNATURE, GSS_S_BAD_QOP, SIGNET_ERR_NO_INTEGRITY, SIGNET,
      0, SEC_E_QOP_NOT_SUPPORTED, SEC_E_QOP_NOT_SUPPORTED },
    { "QOP not negotiated", SSPI_SITE_MAKE_SIGNATURE, GSS_S_BAD_QOP, SIGNET_ERR_BAD_QOP, SIGNET,
      0, SEC_E_QOP_NOT_SUPPORTED, SEC_E_QOP_NOT_SUPPORTED },
    { "datagram sequence number", SSPI_SITE_ANY, GSS_S_BAD_SIG, SIGNET_ERR_SEQUENCE, SIGNET, 0,
      SEC_E_OUT_OF_SEQUENCE, SEC_E_OUT_OF_SEQUENCE },
    { "PKG_PARAMS not a number: MakeSignature", SSPI_SITE_MAKE_SIGNATURE, GSS_S_FAILURE,
      SIGNET_ERR_BAD_ARGUMENT, SIGNET, 0, STATUS_INVALID_PARAMETER, STATUS_INVALID_PARAMETER },
    { "PKG_PARAMS not a number: VerifySignature", SSPI_SITE_ANY, GSS_S_FAILURE,
      SIGNET_ERR_BAD_ARGUMENT, SIGNET, 0, STATUS_INVALID_PARAMETER, SEC_E_INVALID_PARAMETER },
    { "certificate host", SSPI_SITE_ANY, GSS_S_DEFECTIVE_CREDENTIAL,
      SIGNET_ERR_CERT_HOST_MISMATCH, SIGNET, 0, SEC_E_WRONG_PRINCIPAL, SEC_E_WRONG_PRINCIPAL },
    { "certificate name", SSPI_SITE_ACCEPT, GSS_S_DEFECTIVE_CREDENTIAL,
      SIGNET_ERR_CERT_NAME_MISMATCH, SIGNET, 0, SEC_E_WRONG_PRINCIPAL, SEC_E_WRONG_PRINCIPAL },
    { "untrusted certificate", SSPI_SITE_ANY, GSS_S_DEFECTIVE_CREDENTIAL,
      SIGNET_ERR_CERT_UNTRUSTED, SIGNET, 0, SEC_E_UNTRUSTED_ROOT, SEC_E_UNTRUSTED_ROOT },
    { "expired certificate", SSPI_SITE_ANY, GSS_S_CREDENTIALS_EXPIRED, SIGNET_ERR_CERT_EXPIRED,
      SIGNET, 0, SEC_E_CERT_EXPIRED, SEC_E_CERT_EXPIRED },
    { "certificate not yet valid", SSPI_SITE_ANY, GSS_S_DEFECTIVE_CREDENTIAL,
      SIGNET_ERR_CERT_NOT_YET_VALID, SIGNET, 0, SEC_E_CERT_EXPIRED, SEC_E_CERT_EXPIRED },
    { "revoked certificate", SSPI_SITE_ANY, GSS_S_DEFECTIVE_CREDENTIAL, SIGNET_ERR_CERT_REVOKED,
      SIGNET, 0, SEC_E_CERT_UNKNOWN, SEC_E_CERT_UNKNOWN },
    { "unusable certificate", SSPI_SITE_ANY, GSS_S_DEFECTIVE_CREDENTIAL,
      SIGNET_ERR_CERT_INVALID, SIGNET, 0, SEC_E_CERT_UNKNOWN, SEC_E_CERT_UNKNOWN },
    { "no peer certificate", SSPI_SITE_ACCEPT, GSS_S_DEFECTIVE_CREDENTIAL,
      SIGNET_ERR_PEER_NO_CERT, SIGNET, 0, SEC_E_LOGON_DENIED, SEC_E_LOGON_DENIED },
    { "unknown PSK identity", SSPI_SITE_ACCEPT, GSS_S_DEFECTIVE_CREDENTIAL,
      SIGNET_ERR_PSK_UNKNOWN_IDENTITY, SIGNET, 0, SEC_E_LOGON_DENIED, SEC_E_LOGON_DENIED },
    { "PSK mismatch", SSPI_SITE_ANY, GSS_S_DEFECTIVE_TOKEN, SIGNET_ERR_PSK_MISMATCH, SIGNET, 0,
      SEC_E_LOGON_DENIED, SEC_E_LOGON_DENIED },
    { "anonymous refused", SSPI_SITE_ACCEPT, GSS_S_DEFECTIVE_CREDENTIAL,
      SIGNET_ERR_ANON_REFUSED, SIGNET, 0, SEC_E_LOGON_DENIED, SEC_E_LOGON_DENIED },
    { "no Signet credentials", SSPI_SITE_ACQUIRE, GSS_S_NO_CRED, SIGNET_ERR_NO_CREDENTIALS,
      SIGNET, 0, SEC_E_NO_CREDENTIALS, SEC_E_NO_CREDENTIALS },
    { "credential load", SSPI_SITE_ACQUIRE, GSS_S_FAILURE, SIGNET_ERR_CRED_LOAD, SIGNET, 0,
      SEC_E_UNKNOWN_CREDENTIALS, SEC_E_UNKNOWN_CREDENTIALS },
    { "PSK file", SSPI_SITE_ACQUIRE, GSS_S_FAILURE, SIGNET_ERR_PSK_FILE, SIGNET, 0,
      SEC_E_UNKNOWN_CREDENTIALS, SEC_E_UNKNOWN_CREDENTIALS },
    { "Signet bindings", SSPI_SITE_ACCEPT, GSS_S_BAD_BINDINGS, SIGNET_ERR_BAD_BINDINGS, SIGNET,
      0, SEC_E_BAD_BINDINGS, SEC_E_BAD_BINDINGS },
    { "context lifetime", SSPI_SITE_ANY, GSS_S_CONTEXT_EXPIRED, SIGNET_ERR_CONTEXT_EXPIRED,
      SIGNET, 0, SEC_E_CONTEXT_EXPIRED, SEC_E_CONTEXT_EXPIRED },
    { "out of memory", SSPI_SITE_ANY, GSS_S_FAILURE, SIGNET_ERR_NOMEM, SIGNET, 0,
      STATUS_NO_MEMORY, SEC_E_INSUFFICIENT_MEMORY },
    { "out of memory in accept", SSPI_SITE_ACCEPT, GSS_S_FAILURE, SIGNET_ERR_NOMEM, SIGNET, 0,
      STATUS_NO_MEMORY, SEC_E_INSUFFICIENT_MEMORY },
    { "Signet unsupported", SSPI_SITE_ANY, GSS_S_UNAVAILABLE, SIGNET_ERR_UNSUPPORTED, SIGNET, 0,
      SEC_E_UNSUPPORTED_FUNCTION, SEC_E_UNSUPPORTED_FUNCTION },

    /* supplementary bits: failures only with replay or sequence detection */
    { "continue", SSPI_SITE_ACCEPT, GSS_S_CONTINUE_NEEDED, 0, FOREIGN, 0,
      SEC_I_CONTINUE_NEEDED, SEC_I_CONTINUE_NEEDED },
    { "duplicate, replay detection", SSPI_SITE_ANY, GSS_S_DUPLICATE_TOKEN, 0, FOREIGN, REPLAY,
      SEC_E_OUT_OF_SEQUENCE, SEC_E_OUT_OF_SEQUENCE },
    { "duplicate, no detection", SSPI_SITE_ANY, GSS_S_DUPLICATE_TOKEN, 0, FOREIGN, 0,
      STATUS_SUCCESS, SEC_E_OK },
    { "old, replay detection", SSPI_SITE_ANY, GSS_S_OLD_TOKEN, 0, FOREIGN, REPLAY,
      SEC_E_OUT_OF_SEQUENCE, SEC_E_OUT_OF_SEQUENCE },
    { "old, no detection", SSPI_SITE_ANY, GSS_S_OLD_TOKEN, 0, FOREIGN, 0,
      STATUS_SUCCESS, SEC_E_OK },
    { "unseq, sequence detection", SSPI_SITE_ANY, GSS_S_UNSEQ_TOKEN, 0, FOREIGN, SEQUENCE,
      SEC_E_OUT_OF_SEQUENCE, SEC_E_OUT_OF_SEQUENCE },
    { "unseq, no detection", SSPI_SITE_ANY, GSS_S_UNSEQ_TOKEN, 0, FOREIGN, 0,
      STATUS_SUCCESS, SEC_E_OK },
    { "gap, sequence detection", SSPI_SITE_ANY, GSS_S_GAP_TOKEN, 0, FOREIGN, SEQUENCE,
      SEC_E_OUT_OF_SEQUENCE, SEC_E_OUT_OF_SEQUENCE },
    { "gap, no detection", SSPI_SITE_ANY, GSS_S_GAP_TOKEN, 0, FOREIGN, GSS_C_MUTUAL_FLAG,
      STATUS_SUCCESS, SEC_E_OK },

    /* routine errors, any mechanism */
    { "bad mech", SSPI_SITE_ANY, GSS_S_BAD_MECH, 0, FOREIGN, 0,
      SEC_E_SECPKG_NOT_FOUND, SEC_E_SECPKG_NOT_FOUND },
    { "bad name", SSPI_SITE_ANY, GSS_S_BAD_NAME, 0, FOREIGN, 0,
      SEC_E_TARGET_UNKNOWN, SEC_E_TARGET_UNKNOWN },
    { "bad name type", SSPI_SITE_ANY, GSS_S_BAD_NAMETYPE, 0, FOREIGN, 0,
      SEC_E_TARGET_UNKNOWN, SEC_E_TARGET_UNKNOWN },
    { "bad bindings", SSPI_SITE_ANY, GSS_S_BAD_BINDINGS, 0, FOREIGN, 0,
      SEC_E_BAD_BINDINGS, SEC_E_BAD_BINDINGS },
    { "bad status", SSPI_SITE_ANY, GSS_S_BAD_STATUS, 0, FOREIGN, 0,
      SEC_E_INTERNAL_ERROR, SEC_E_INTERNAL_ERROR },
    { "bad signature", SSPI_SITE_ANY, GSS_S_BAD_SIG, 0, FOREIGN, 0,
      SEC_E_MESSAGE_ALTERED, SEC_E_MESSAGE_ALTERED },
    { "no credential", SSPI_SITE_ANY, GSS_S_NO_CRED, 0, FOREIGN, 0,
      SEC_E_NO_CREDENTIALS, SEC_E_NO_CREDENTIALS },
    { "no context", SSPI_SITE_ANY, GSS_S_NO_CONTEXT, 0, FOREIGN, 0,
      SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE },
    { "defective token", SSPI_SITE_ANY, GSS_S_DEFECTIVE_TOKEN, 0, FOREIGN, 0,
      SEC_E_INVALID_TOKEN, SEC_E_INVALID_TOKEN },
    { "defective credential", SSPI_SITE_ANY, GSS_S_DEFECTIVE_CREDENTIAL, 0, FOREIGN, 0,
      SEC_E_LOGON_DENIED, SEC_E_LOGON_DENIED },
    { "credentials expired", SSPI_SITE_ANY, GSS_S_CREDENTIALS_EXPIRED, 0, FOREIGN, 0,
      SEC_E_CONTEXT_EXPIRED, SEC_E_CONTEXT_EXPIRED },
    { "context expired", SSPI_SITE_ANY, GSS_S_CONTEXT_EXPIRED, 0, FOREIGN, 0,
      SEC_E_CONTEXT_EXPIRED, SEC_E_CONTEXT_EXPIRED },
    { "failure", SSPI_SITE_ANY, GSS_S_FAILURE, 0, FOREIGN, 0,
      SEC_E_INTERNAL_ERROR, SEC_E_INTERNAL_ERROR },
    { "bad QOP", SSPI_SITE_MAKE_SIGNATURE, GSS_S_BAD_QOP, 0, FOREIGN, 0,
      SEC_E_QOP_NOT_SUPPORTED, SEC_E_QOP_NOT_SUPPORTED },
    { "unauthorized", SSPI_SITE_ANY, GSS_S_UNAUTHORIZED, 0, FOREIGN, 0,
      SEC_E_LOGON_DENIED, SEC_E_LOGON_DENIED },
    { "unavailable", SSPI_SITE_ANY, GSS_S_UNAVAILABLE, 0, FOREIGN, 0,
      SEC_E_UNSUPPORTED_FUNCTION, SEC_E_UNSUPPORTED_FUNCTION },
    { "duplicate element", SSPI_SITE_ANY, GSS_S_DUPLICATE_ELEMENT, 0, FOREIGN, 0,
      SEC_E_INTERNAL_ERROR, SEC_E_INTERNAL_ERROR },
    { "name not MN", SSPI_SITE_ANY, GSS_S_NAME_NOT_MN, 0, FOREIGN, 0,
      SEC_E_INTERNAL_ERROR, SEC_E_INTERNAL_ERROR },

    /* call sites */
    { "acquire: generic failure", SSPI_SITE_ACQUIRE, GSS_S_FAILURE, 0, FOREIGN, 0,
      SEC_E_NO_CREDENTIALS, SEC_E_NO_CREDENTIALS },
    { "acquire: unknown routine error", SSPI_SITE_ACQUIRE, 20u << GSS_C_ROUTINE_ERROR_OFFSET, 0,
      FOREIGN, 0, SEC_E_NO_CREDENTIALS, SEC_E_NO_CREDENTIALS },
    { "acquire: no credential", SSPI_SITE_ACQUIRE, GSS_S_NO_CRED, 0, FOREIGN, 0,
      SEC_E_NO_CREDENTIALS, SEC_E_NO_CREDENTIALS },
    { "acquire: bad name", SSPI_SITE_ACQUIRE, GSS_S_BAD_NAME, 0, FOREIGN, 0,
      SEC_E_TARGET_UNKNOWN, SEC_E_TARGET_UNKNOWN },
    { "acquire with password: refused", SSPI_SITE_ACQUIRE_PASSWORD, GSS_S_FAILURE, 0, FOREIGN,
      0, SEC_E_LOGON_DENIED, SEC_E_LOGON_DENIED },
    { "acquire with password: no credential", SSPI_SITE_ACQUIRE_PASSWORD, GSS_S_NO_CRED, 0,
      FOREIGN, 0, SEC_E_LOGON_DENIED, SEC_E_LOGON_DENIED },
    { "acquire with password: bad name", SSPI_SITE_ACQUIRE_PASSWORD, GSS_S_BAD_NAME, 0, FOREIGN,
      0, SEC_E_TARGET_UNKNOWN, SEC_E_TARGET_UNKNOWN },
    { "acquire with password: complete", SSPI_SITE_ACQUIRE_PASSWORD, GSS_S_COMPLETE, 0, FOREIGN,
      0, STATUS_SUCCESS, SEC_E_OK },
    { "accept: generic failure", SSPI_SITE_ACCEPT, GSS_S_FAILURE, 0, FOREIGN, 0,
      SEC_E_LOGON_DENIED, SEC_E_LOGON_DENIED },
    { "accept: bad status", SSPI_SITE_ACCEPT, GSS_S_BAD_STATUS, 0, FOREIGN, 0,
      SEC_E_LOGON_DENIED, SEC_E_LOGON_DENIED },
    { "accept: defective token", SSPI_SITE_ACCEPT, GSS_S_DEFECTIVE_TOKEN, 0, FOREIGN, 0,
      SEC_E_INVALID_TOKEN, SEC_E_INVALID_TOKEN },
    { "accept: no credential", SSPI_SITE_ACCEPT, GSS_S_NO_CRED, 0, FOREIGN, 0,
      SEC_E_NO_CREDENTIALS, SEC_E_NO_CREDENTIALS },
    { "MakeSignature: failure", SSPI_SITE_MAKE_SIGNATURE, GSS_S_FAILURE, 0, FOREIGN, 0,
      SEC_E_INTERNAL_ERROR, SEC_E_INTERNAL_ERROR },
};

/* ---- NTSTATUS from a package in, SECURITY_STATUS of every public call out ---------- */
static const struct nt_case {
    NTSTATUS nt;
    SECURITY_STATUS sec;                  /* every public call */
    SECURITY_STATUS sec_make_signature;   /* MakeSignature */
} nt_cases[] = {
    { STATUS_INVALID_PARAMETER, SEC_E_INVALID_PARAMETER, STATUS_INVALID_PARAMETER },
    { STATUS_NO_MEMORY, SEC_E_INSUFFICIENT_MEMORY, SEC_E_INSUFFICIENT_MEMORY },
    { STATUS_INVALID_HANDLE, SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE },
    { STATUS_NOT_IMPLEMENTED, SEC_E_UNSUPPORTED_FUNCTION, SEC_E_UNSUPPORTED_FUNCTION },
    { STATUS_NOT_SUPPORTED, SEC_E_UNSUPPORTED_FUNCTION, SEC_E_UNSUPPORTED_FUNCTION },
    { STATUS_INTERNAL_ERROR, SEC_E_INTERNAL_ERROR, SEC_E_INTERNAL_ERROR },
    { STATUS_BUFFER_TOO_SMALL, SEC_E_BUFFER_TOO_SMALL, SEC_E_BUFFER_TOO_SMALL },
    /* NT error values no row names */
    { (NTSTATUS)0xC0000000, SEC_E_INTERNAL_ERROR, SEC_E_INTERNAL_ERROR },
    { (NTSTATUS)0xC0000001, SEC_E_INTERNAL_ERROR, SEC_E_INTERNAL_ERROR },  /* UNSUCCESSFUL */
    { (NTSTATUS)0xC0000022, SEC_E_INTERNAL_ERROR, SEC_E_INTERNAL_ERROR },  /* ACCESS_DENIED */
    { (NTSTATUS)0xC000006D, SEC_E_INTERNAL_ERROR, SEC_E_INTERNAL_ERROR },  /* LOGON_FAILURE */
    { (NTSTATUS)0xC0020001, SEC_E_INTERNAL_ERROR, SEC_E_INTERNAL_ERROR },  /* an RPC error */
    { (NTSTATUS)0xFFFFFFFF, SEC_E_INTERNAL_ERROR, SEC_E_INTERNAL_ERROR },
    /* SSPI-defined values and NT warnings pass unchanged */
    { SEC_E_LOGON_DENIED, SEC_E_LOGON_DENIED, SEC_E_LOGON_DENIED },
    { SEC_E_INVALID_TOKEN, SEC_E_INVALID_TOKEN, SEC_E_INVALID_TOKEN },
    { SEC_E_INVALID_PARAMETER, SEC_E_INVALID_PARAMETER, SEC_E_INVALID_PARAMETER },
    { SEC_E_INTERNAL_ERROR, SEC_E_INTERNAL_ERROR, SEC_E_INTERNAL_ERROR },
    { (NTSTATUS)0x80000005, (SECURITY_STATUS)0x80000005, (SECURITY_STATUS)0x80000005 },
};

static int
nt_allowed(enum sspi_site site, SECURITY_STATUS sec)
{
    return !NT_ERROR(sec) ||
           (site == SSPI_SITE_MAKE_SIGNATURE && sec == STATUS_INVALID_PARAMETER);
}

static void
run_gss_cases(void)
{
    size_t i;

    for (i = 0; i < COUNT(gss_cases); i++) {
        const struct gss_case *c = &gss_cases[i];
        NTSTATUS nt = sspi_status_from_gss(c->site, c->major, c->minor, c->signet, c->flags);
        SECURITY_STATUS sec = sspi_status_from_nt(c->site, nt);

        CHECK(nt == c->nt, "%s: package returns %s, expected %s", c->name, sec_name(nt),
              sec_name(c->nt));
        CHECK(sec == c->sec, "%s: public call returns %s, expected %s", c->name,
              sec_name(sec), sec_name(c->sec));
    }
    for (i = 0; i < COUNT(nt_cases); i++) {
        const struct nt_case *c = &nt_cases[i];

        CHECK(sspi_status_from_nt(SSPI_SITE_ANY, c->nt) == c->sec, "NTSTATUS 0x%08x",
              (unsigned)c->nt);
        CHECK(sspi_status_from_nt(SSPI_SITE_MAKE_SIGNATURE, c->nt) == c->sec_make_signature,
              "NTSTATUS 0x%08x from MakeSignature", (unsigned)c->nt);
    }
}

/* Each row of the three tables is exercised by a case above. */
static void
check_rows_covered(void)
{
    size_t n, i, k;
    const struct sspi_status_row *rows = sspi_status_table(&n);
    const struct sspi_status_site_row *site_rows;
    const struct sspi_status_nt_row *nt_rows;

    for (i = 0; i < n; i++) {
        const struct sspi_status_row *r = &rows[i];
        int covered = 0;

        for (k = 0; k < COUNT(gss_cases) && !covered; k++) {
            const struct gss_case *c = &gss_cases[k];

            if (r->signet_minor != 0)
                covered = c->signet && c->minor == r->signet_minor;
            else if (r->supplementary != 0)
                covered = c->major == r->supplementary;
            else
                covered = c->major == r->routine && !c->signet;
        }
        CHECK(covered, "status.c row %zu (%s) has no case in t_status", i, r->why);
    }
    site_rows = sspi_status_site_table(&n);
    for (i = 0; i < n; i++) {
        int covered = 0;

        for (k = 0; k < COUNT(gss_cases) && !covered; k++) {
            const struct gss_case *c = &gss_cases[k];

            covered = c->site == site_rows[i].site && c->nt == site_rows[i].to &&
                      sspi_status_from_gss(SSPI_SITE_ANY, c->major, c->minor, c->signet,
                                           c->flags) == site_rows[i].from;
        }
        CHECK(covered, "status.c call-site row %zu (%s) has no case", i, site_rows[i].why);
    }
    nt_rows = sspi_status_nt_table(&n);
    for (i = 0; i < n; i++) {
        int covered = 0;

        for (k = 0; k < COUNT(nt_cases) && !covered; k++)
            covered = nt_cases[k].nt == nt_rows[i].nt;
        CHECK(covered, "status.c NTSTATUS row %zu (%s) has no case", i, nt_rows[i].why);
    }
}

/* ---- 2. no NT error value out of any result -------------------------------------- */
static int
sweep_one(enum sspi_site site, OM_uint32 major, OM_uint32 minor, int signet, OM_uint32 flags)
{
    NTSTATUS nt = sspi_status_from_gss(site, major, minor, signet, flags);
    SECURITY_STATUS sec = sspi_status_from_nt(site, nt);

    return nt_allowed(site, sec) ? 0 : 1;
}

static void
sweep(void)
{
    static const enum sspi_site sites[] = {
        SSPI_SITE_ANY, SSPI_SITE_ACQUIRE, SSPI_SITE_ACQUIRE_PASSWORD, SSPI_SITE_ACCEPT,
        SSPI_SITE_MAKE_SIGNATURE,
    };
    static const OM_uint32 flags[] = {
        0, REPLAY, SEQUENCE, REPLAY | SEQUENCE | GSS_C_DATAGRAM_FLAG
    };
    unsigned long bad = 0, total = 0;
    OM_uint32 calling, routine, supp, major, minor;
    size_t s, f;

    /* every calling error x routine error (and some past the last) x
     * supplementary bits, with a foreign minor and with each Signet code */
    for (s = 0; s < COUNT(sites); s++) {
        for (f = 0; f < COUNT(flags); f++) {
            for (calling = 0; calling <= 3; calling++) {
                for (routine = 0; routine <= 24; routine++) {
                    for (supp = 0; supp <= 0x1F; supp++) {
                        major = (calling << GSS_C_CALLING_ERROR_OFFSET) |
                                (routine << GSS_C_ROUTINE_ERROR_OFFSET) | supp;
                        bad += sweep_one(sites[s], major, 0x12345u, 0, flags[f]);
                        total++;
                        for (minor = SIGNET_MINOR_BASE; minor <= SIGNET_MINOR_BASE + 48;
                             minor++) {
                            bad += sweep_one(sites[s], major, minor, 1, flags[f]);
                            total++;
                        }
                    }
                }
            }
        }
    }
    CHECK(bad == 0, "%lu of %lu GSS results give an NT error value", bad, total);
}

/* ---- 3. every entry point over a package returning each NT value ------------------- */
static CredHandle cred;
static CtxtHandle ctx;

static SecBufferDesc *
message(void)
{
    static unsigned char data[4], token[16];
    static SecBuffer b[2];
    static SecBufferDesc d;

    b[0] = (SecBuffer){ sizeof(data), SECBUFFER_DATA, data };
    b[1] = (SecBuffer){ sizeof(token), SECBUFFER_TOKEN, token };
    d = (SecBufferDesc){ SECBUFFER_VERSION, 2, b };
    return &d;
}

static SECURITY_STATUS e_acquire_a(void)
{
    CredHandle h;
    return AcquireCredentialsHandleA(NULL, STATUSPKG_NAME, SECPKG_CRED_OUTBOUND, NULL, NULL,
                                     NULL, NULL, &h, NULL);
}
static SECURITY_STATUS e_acquire_w(void)
{
    static SEC_WCHAR pkg[] = { 'T', 'e', 's', 't', 'S', 't', 'a', 't', 'u', 's', 0 };
    CredHandle h;
    return AcquireCredentialsHandleW(NULL, pkg, SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL,
                                     &h, NULL);
}
static SECURITY_STATUS e_add_a(void)
{
    return AddCredentialsA(&cred, "p", STATUSPKG_NAME, SECPKG_CRED_OUTBOUND, NULL, NULL, NULL,
                           NULL);
}
static SECURITY_STATUS e_add_w(void)
{
    return AddCredentialsW(&cred, NULL, NULL, SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, NULL);
}
static SECURITY_STATUS e_query_cred_a(void)
{
    SecPkgCredentials_NamesA n = { NULL };
    return QueryCredentialsAttributesA(&cred, SECPKG_CRED_ATTR_NAMES, &n);
}
static SECURITY_STATUS e_query_cred_w(void)
{
    SecPkgCredentials_NamesW n = { NULL };
    return QueryCredentialsAttributesW(&cred, SECPKG_CRED_ATTR_NAMES, &n);
}
static SECURITY_STATUS e_query_cred_other(void)
{
    ULONG x = 0;
    return QueryCredentialsAttributesA(&cred, 0x77, &x);
}
static SECURITY_STATUS e_set_cred_a(void)
{
    ULONG x = 0;
    return SetCredentialsAttributesA(&cred, 1, &x, sizeof(x));
}
static SECURITY_STATUS e_set_cred_w(void)
{
    ULONG x = 0;
    return SetCredentialsAttributesW(&cred, 1, &x, sizeof(x));
}
static SECURITY_STATUS e_init_a_first(void)
{
    CtxtHandle h;
    ULONG a;
    return InitializeSecurityContextA(&cred, NULL, "target", 0, 0, 0, NULL, 0, &h, NULL, &a,
                                      NULL);
}
static SECURITY_STATUS e_init_w_first(void)
{
    static SEC_WCHAR t[] = { 't', 0 };
    CtxtHandle h;
    ULONG a;
    return InitializeSecurityContextW(&cred, NULL, t, 0, 0, 0, NULL, 0, &h, NULL, &a, NULL);
}
static SECURITY_STATUS e_init_a_next(void)
{
    CtxtHandle h;
    ULONG a;
    return InitializeSecurityContextA(&cred, &ctx, NULL, 0, 0, 0, NULL, 0, &h, NULL, &a, NULL);
}
static SECURITY_STATUS e_accept_first(void)
{
    CtxtHandle h;
    ULONG a;
    return AcceptSecurityContext(&cred, NULL, NULL, 0, 0, &h, NULL, &a, NULL);
}
static SECURITY_STATUS e_accept_next(void)
{
    ULONG a;
    return AcceptSecurityContext(NULL, &ctx, NULL, 0, 0, &ctx, NULL, &a, NULL);
}
static SECURITY_STATUS e_complete(void) { return CompleteAuthToken(&ctx, message()); }
static SECURITY_STATUS e_control(void) { return ApplyControlToken(&ctx, message()); }
static SECURITY_STATUS e_query_sizes_a(void)
{
    SecPkgContext_Sizes s;
    return QueryContextAttributesA(&ctx, SECPKG_ATTR_SIZES, &s);
}
static SECURITY_STATUS e_query_names_a(void)
{
    SecPkgContext_NamesA n = { NULL };
    return QueryContextAttributesA(&ctx, SECPKG_ATTR_NAMES, &n);
}
static SECURITY_STATUS e_query_native_a(void)
{
    SecPkgContext_NativeNamesA n = { NULL, NULL };
    return QueryContextAttributesA(&ctx, SECPKG_ATTR_NATIVE_NAMES, &n);
}
static SECURITY_STATUS e_query_key_a(void)
{
    SecPkgContext_KeyInfoA k;
    memset(&k, 0, sizeof(k));
    return QueryContextAttributesA(&ctx, SECPKG_ATTR_KEY_INFO, &k);
}
static SECURITY_STATUS e_query_sizes_w(void)
{
    SecPkgContext_Sizes s;
    return QueryContextAttributesW(&ctx, SECPKG_ATTR_SIZES, &s);
}
static SECURITY_STATUS e_query_session_w(void)
{
    SecPkgContext_SessionKey k = { 0, NULL };
    return QueryContextAttributesW(&ctx, SECPKG_ATTR_SESSION_KEY, &k);
}
static SECURITY_STATUS e_set_ctx_a(void)
{
    ULONG x = 0;
    return SetContextAttributesA(&ctx, 1, &x, sizeof(x));
}
static SECURITY_STATUS e_set_ctx_w(void)
{
    ULONG x = 0;
    return SetContextAttributesW(&ctx, 1, &x, sizeof(x));
}
static SECURITY_STATUS e_make(void) { return MakeSignature(&ctx, 0, message(), 0); }
static SECURITY_STATUS e_verify(void)
{
    ULONG qop;
    return VerifySignature(&ctx, message(), 0, &qop);
}
static SECURITY_STATUS e_encrypt(void) { return EncryptMessage(&ctx, 0, message(), 0); }
static SECURITY_STATUS e_decrypt(void)
{
    ULONG qop;
    return DecryptMessage(&ctx, message(), 0, &qop);
}
static SECURITY_STATUS e_export(void)
{
    SecBuffer packed = { 0, SECBUFFER_EMPTY, NULL };
    return ExportSecurityContext(&ctx, 0, &packed, NULL);
}
static SECURITY_STATUS e_export_delete_old(void)
{
    SecBuffer packed = { 0, SECBUFFER_EMPTY, NULL };
    return ExportSecurityContext(&ctx, SECPKG_CONTEXT_EXPORT_DELETE_OLD, &packed, NULL);
}
static SECURITY_STATUS e_import_a(void)
{
    unsigned char blob[4] = { 1, 2, 3, 4 };
    SecBuffer packed = { sizeof(blob), SECBUFFER_TOKEN, blob };
    CtxtHandle h;
    return ImportSecurityContextA(STATUSPKG_NAME, &packed, NULL, &h);
}
static SECURITY_STATUS e_import_w(void)
{
    static SEC_WCHAR pkg[] = { 'T', 'e', 's', 't', 'S', 't', 'a', 't', 'u', 's', 0 };
    unsigned char blob[4] = { 1, 2, 3, 4 };
    SecBuffer packed = { sizeof(blob), SECBUFFER_TOKEN, blob };
    CtxtHandle h;
    return ImportSecurityContextW(pkg, &packed, NULL, &h);
}

/* Entry points whose result the package decides. */
static const struct entry {
    const char *name;
    enum sspi_site site;
    SECURITY_STATUS (*call)(void);
} entries[] = {
    { "AcquireCredentialsHandleA", SSPI_SITE_ACQUIRE, e_acquire_a },
    { "AcquireCredentialsHandleW", SSPI_SITE_ACQUIRE, e_acquire_w },
    { "AddCredentialsA", SSPI_SITE_ANY, e_add_a },
    { "AddCredentialsW", SSPI_SITE_ANY, e_add_w },
    { "QueryCredentialsAttributesA(NAMES)", SSPI_SITE_ANY, e_query_cred_a },
    { "QueryCredentialsAttributesW(NAMES)", SSPI_SITE_ANY, e_query_cred_w },
    { "QueryCredentialsAttributesA(other)", SSPI_SITE_ANY, e_query_cred_other },
    { "SetCredentialsAttributesA", SSPI_SITE_ANY, e_set_cred_a },
    { "SetCredentialsAttributesW", SSPI_SITE_ANY, e_set_cred_w },
    { "InitializeSecurityContextA (first)", SSPI_SITE_ANY, e_init_a_first },
    { "InitializeSecurityContextW (first)", SSPI_SITE_ANY, e_init_w_first },
    { "InitializeSecurityContextA (next)", SSPI_SITE_ANY, e_init_a_next },
    { "AcceptSecurityContext (first)", SSPI_SITE_ACCEPT, e_accept_first },
    { "AcceptSecurityContext (next)", SSPI_SITE_ACCEPT, e_accept_next },
    { "CompleteAuthToken", SSPI_SITE_ANY, e_complete },
    { "ApplyControlToken", SSPI_SITE_ANY, e_control },
    { "QueryContextAttributesA(SIZES)", SSPI_SITE_ANY, e_query_sizes_a },
    { "QueryContextAttributesA(NAMES)", SSPI_SITE_ANY, e_query_names_a },
    { "QueryContextAttributesA(NATIVE_NAMES)", SSPI_SITE_ANY, e_query_native_a },
    { "QueryContextAttributesA(KEY_INFO)", SSPI_SITE_ANY, e_query_key_a },
    { "QueryContextAttributesW(SIZES)", SSPI_SITE_ANY, e_query_sizes_w },
    { "QueryContextAttributesW(SESSION_KEY)", SSPI_SITE_ANY, e_query_session_w },
    { "SetContextAttributesA", SSPI_SITE_ANY, e_set_ctx_a },
    { "SetContextAttributesW", SSPI_SITE_ANY, e_set_ctx_w },
    { "MakeSignature", SSPI_SITE_MAKE_SIGNATURE, e_make },
    { "VerifySignature", SSPI_SITE_ANY, e_verify },
    { "EncryptMessage", SSPI_SITE_ANY, e_encrypt },
    { "DecryptMessage", SSPI_SITE_ANY, e_decrypt },
    { "ExportSecurityContext", SSPI_SITE_ANY, e_export },
    { "ExportSecurityContext(DELETE_OLD)", SSPI_SITE_ANY, e_export_delete_old },
    { "ImportSecurityContextA", SSPI_SITE_ANY, e_import_a },
    { "ImportSecurityContextW", SSPI_SITE_ANY, e_import_w },
};

static int
set_result(NTSTATUS nt)
{
    return SetCredentialsAttributesA(&cred, STATUSPKG_SET_RESULT, &nt, sizeof(nt)) == SEC_E_OK
           ? 0 : -1;
}

/* Calls whose result the dispatcher decides: still no NT error value. */
static void
dispatcher_calls(void)
{
    static SEC_WCHAR wname[] = { 'T', 'e', 's', 't', 'S', 't', 'a', 't', 'u', 's', 0 };
    static SEC_WCHAR nowhere[] = { 'n', 'o', 0 };
    PSecPkgInfoA a = NULL;
    PSecPkgInfoW w = NULL;
    ULONG n = 0;
    void *token = &n;
    SECURITY_STATUS st[12];
    size_t i;

    st[0] = EnumerateSecurityPackagesA(&n, &a);
    FreeContextBuffer(a);
    st[1] = EnumerateSecurityPackagesW(&n, &w);
    FreeContextBuffer(w);
    st[2] = QuerySecurityPackageInfoA(STATUSPKG_NAME, &a);
    FreeContextBuffer(a);
    st[3] = QuerySecurityPackageInfoW(wname, &w);
    FreeContextBuffer(w);
    st[4] = QuerySecurityPackageInfoW(nowhere, &w);
    st[5] = ImpersonateSecurityContext(&ctx);
    st[6] = RevertSecurityContext(&ctx);
    st[7] = QuerySecurityContextToken(&ctx, &token);
    st[8] = QueryContextAttributesA(&ctx, SECPKG_ATTR_SIZES, NULL);
    st[9] = QueryCredentialsAttributesA(&cred, SECPKG_CRED_ATTR_NAMES, NULL);
    st[10] = FreeContextBuffer(NULL);
    st[11] = MakeSignature(NULL, 0, message(), 0);
    for (i = 0; i < COUNT(st); i++)
        CHECK(!NT_ERROR(st[i]), "dispatcher call %zu: %s", i, sec_name(st[i]));
    CHECK(st[4] == SEC_E_SECPKG_NOT_FOUND && st[8] == SEC_E_INVALID_PARAMETER &&
          st[11] == SEC_E_INVALID_HANDLE, "dispatcher statuses");
}

static void
run_entry_points(void)
{
    size_t i, k;
    ULONG attrs = 0;
    SECURITY_STATUS st;

    setenv("SIGNET_SSPI_PACKAGES", SSPI_STATUSPKG, 1);
    st = AcquireCredentialsHandleA(NULL, STATUSPKG_NAME, SECPKG_CRED_BOTH, NULL, NULL, NULL,
                                   NULL, &cred, NULL);
    CHECK(st == SEC_E_OK, "package %s from %s: %s", STATUSPKG_NAME, SSPI_STATUSPKG,
          sec_name(st));
    if (st != SEC_E_OK)
        return;
    st = InitializeSecurityContextA(&cred, NULL, "target", 0, 0, 0, NULL, 0, &ctx, NULL,
                                    &attrs, NULL);
    CHECK(st == SEC_E_OK, "a context of %s: %s", STATUSPKG_NAME, sec_name(st));
    for (k = 0; k < COUNT(nt_cases); k++) {
        const struct nt_case *c = &nt_cases[k];

        CHECK(set_result(c->nt) == 0, "set result 0x%08x", (unsigned)c->nt);
        for (i = 0; i < COUNT(entries); i++) {
            SECURITY_STATUS expect = entries[i].site == SSPI_SITE_MAKE_SIGNATURE
                                     ? c->sec_make_signature : c->sec;

            st = entries[i].call();
            CHECK(st == expect, "%s, package 0x%08x: %s, expected %s", entries[i].name,
                  (unsigned)c->nt, sec_name(st), sec_name(expect));
            CHECK(nt_allowed(entries[i].site, st), "%s, package 0x%08x: NT error value %s",
                  entries[i].name, (unsigned)c->nt, sec_name(st));
        }
        dispatcher_calls();
    }
    CHECK(set_result(STATUS_INTERNAL_ERROR) == 0, "set result");
    st = DeleteSecurityContext(&ctx);
    CHECK(st == SEC_E_INTERNAL_ERROR, "DeleteSecurityContext: %s", sec_name(st));
    st = FreeCredentialsHandle(&cred);
    CHECK(st == SEC_E_INTERNAL_ERROR, "FreeCredentialsHandle: %s", sec_name(st));
}

/* ---- --markdown ------------------------------------------------------------------------ */
static const char *
routine_name(OM_uint32 r)
{
    static const char *const names[] = {
        "any", "GSS_S_BAD_MECH", "GSS_S_BAD_NAME", "GSS_S_BAD_NAMETYPE",
        "GSS_S_BAD_BINDINGS", "GSS_S_BAD_STATUS", "GSS_S_BAD_SIG", "GSS_S_NO_CRED",
        "GSS_S_NO_CONTEXT", "GSS_S_DEFECTIVE_TOKEN", "GSS_S_DEFECTIVE_CREDENTIAL",
        "GSS_S_CREDENTIALS_EXPIRED", "GSS_S_CONTEXT_EXPIRED", "GSS_S_FAILURE",
        "GSS_S_BAD_QOP", "GSS_S_UNAUTHORIZED", "GSS_S_UNAVAILABLE",
        "GSS_S_DUPLICATE_ELEMENT", "GSS_S_NAME_NOT_MN",
    };
    OM_uint32 i = r >> 16;

    return i < COUNT(names) ? names[i] : "?";
}

static const char *
supp_name(OM_uint32 s)
{
    switch (s) {
    case 0: return "";
    case GSS_S_CONTINUE_NEEDED: return "GSS_S_CONTINUE_NEEDED";
    case GSS_S_DUPLICATE_TOKEN: return "GSS_S_DUPLICATE_TOKEN";
    case GSS_S_OLD_TOKEN: return "GSS_S_OLD_TOKEN";
    case GSS_S_UNSEQ_TOKEN: return "GSS_S_UNSEQ_TOKEN";
    case GSS_S_GAP_TOKEN: return "GSS_S_GAP_TOKEN";
    default: return "?";
    }
}

static const char *
minor_name(OM_uint32 m)
{
    static const char *const names[] = {
#define M(x) [x - SIGNET_MINOR_BASE] = #x
        M(SIGNET_ERR_NOMEM), M(SIGNET_ERR_INTERNAL), M(SIGNET_ERR_BAD_ARGUMENT),
        M(SIGNET_ERR_BAD_NAME), M(SIGNET_ERR_BAD_NAMETYPE), M(SIGNET_ERR_NO_CREDENTIALS),
        M(SIGNET_ERR_CRED_LOAD), M(SIGNET_ERR_CRED_USAGE), M(SIGNET_ERR_CRED_NAME_MISMATCH),
        M(SIGNET_ERR_PSK_FILE), M(SIGNET_ERR_PSK_UNKNOWN_IDENTITY), M(SIGNET_ERR_PSK_MISMATCH),
        M(SIGNET_ERR_CERT_UNTRUSTED), M(SIGNET_ERR_CERT_EXPIRED),
        M(SIGNET_ERR_CERT_NOT_YET_VALID), M(SIGNET_ERR_CERT_REVOKED),
        M(SIGNET_ERR_CERT_HOST_MISMATCH), M(SIGNET_ERR_CERT_NAME_MISMATCH),
        M(SIGNET_ERR_CERT_INVALID), M(SIGNET_ERR_PEER_NO_CERT), M(SIGNET_ERR_ANON_REFUSED),
        M(SIGNET_ERR_HANDSHAKE), M(SIGNET_ERR_BAD_BINDINGS), M(SIGNET_ERR_CONTEXT_EXPIRED),
        M(SIGNET_ERR_BAD_QOP), M(SIGNET_ERR_NO_INTEGRITY), M(SIGNET_ERR_RENEGOTIATE),
        M(SIGNET_ERR_REVALIDATE), M(SIGNET_ERR_SEQUENCE), M(SIGNET_ERR_UNSUPPORTED),
#undef M
    };

    if (m == 0)
        return "";
    if (m > SIGNET_MINOR_BASE && m - SIGNET_MINOR_BASE < COUNT(names) &&
        names[m - SIGNET_MINOR_BASE] != NULL)
        return names[m - SIGNET_MINOR_BASE];
    return "?";
}

static const char *
site_name(enum sspi_site site)
{
    switch (site) {
    case SSPI_SITE_ANY: return "any call";
    case SSPI_SITE_ACQUIRE: return "AcquireCredentialsHandle, no password given";
    case SSPI_SITE_ACQUIRE_PASSWORD: return "AcquireCredentialsHandle with a password";
    case SSPI_SITE_ACCEPT: return "AcceptSecurityContext";
    case SSPI_SITE_MAKE_SIGNATURE: return "MakeSignature";
    }
    return "?";
}

static void
print_markdown(void)
{
    size_t n, i;
    const struct sspi_status_row *rows = sspi_status_table(&n);
    const struct sspi_status_site_row *site_rows;
    const struct sspi_status_nt_row *nt_rows;
    char nt[48];

    for (i = 0; i < n; i++) {
        snprintf(nt, sizeof(nt), "%s", sec_name(rows[i].nt));
        printf("| %s | %s | %s | %s | %s | %s |\n",
               rows[i].supplementary ? "" : routine_name(rows[i].routine),
               supp_name(rows[i].supplementary), minor_name(rows[i].signet_minor), nt,
               sec_name(sspi_status_from_nt(SSPI_SITE_ANY, rows[i].nt)), rows[i].why);
    }
    site_rows = sspi_status_site_table(&n);
    for (i = 0; i < n; i++) {
        snprintf(nt, sizeof(nt), "%s", sec_name(site_rows[i].from));
        printf("| %s | %s | %s | %s |\n", site_name(site_rows[i].site), nt,
               sec_name(site_rows[i].to), site_rows[i].why);
    }
    nt_rows = sspi_status_nt_table(&n);
    for (i = 0; i < n; i++) {
        snprintf(nt, sizeof(nt), "%s", sec_name(nt_rows[i].nt));
        printf("| `%s` (0x%08X) | %s | `%s` | %s |\n", nt, (unsigned)nt_rows[i].nt,
               site_name(nt_rows[i].site), sec_name(nt_rows[i].sec), nt_rows[i].why);
    }
}

int
main(int argc, char **argv)
{
    if (argc > 1) {
        print_markdown();
        return 0;
    }
    run_gss_cases();
    check_rows_covered();
    sweep();
    run_entry_points();
    printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
    return failures ? 1 : 0;
}
