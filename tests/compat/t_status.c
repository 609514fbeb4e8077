/*
 * t_status.c - the status-mapping table (compat/status.c): every row maps to
 * the SECURITY_STATUS its NTSTATUS becomes, the codes the MakeSignature
 * seed lists are reachable, and supplementary sequencing bits are failures
 * only with replay/sequence detection.  With an argument it prints the table
 * as markdown rows (docs/status-mapping.md is checked against it).
 */
#include <stdio.h>
#include <string.h>

#include <gssapi/gssapi_signet.h>

#include "sspi_int.h"
#include "sspi_util.h"

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

    return i < sizeof(names) / sizeof(names[0]) ? names[i] : "?";
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
    if (m > SIGNET_MINOR_BASE && m - SIGNET_MINOR_BASE < sizeof(names) / sizeof(names[0]) &&
        names[m - SIGNET_MINOR_BASE] != NULL)
        return names[m - SIGNET_MINOR_BASE];
    return "?";
}

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

int
main(int argc, char **argv)
{
    size_t n, i;
    const struct sspi_status_row *rows = sspi_status_table(&n);
    const OM_uint32 seq = GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG;

    for (i = 0; i < n; i++) {
        CHECK(sspi_status_from_nt(rows[i].nt) == rows[i].sec, "row %zu (%s)", i, rows[i].why);
        if (argc > 1) {
            char nt[48];

            snprintf(nt, sizeof(nt), "%s", sec_name(rows[i].nt));
            printf("| %s | %s | %s | %s | %s | %s |\n",
                   rows[i].supplementary ? "" : routine_name(rows[i].routine),
                   supp_name(rows[i].supplementary), minor_name(rows[i].signet_minor),
                   nt, sec_name(rows[i].sec), rows[i].why);
        }
    }
    /* every code the MakeSignature reference lists, plus two VerifySignature ones */
    CHECK(sspi_status_from_gss(GSS_S_CONTEXT_EXPIRED, SIGNET_ERR_RENEGOTIATE, 1, 0) ==
          SEC_I_RENEGOTIATE, "renegotiate");
    CHECK(sspi_status_from_gss(GSS_S_NO_CONTEXT, 0, 0, 0) == SEC_E_INVALID_HANDLE, "handle");
    CHECK(sspi_status_from_gss(GSS_S_DEFECTIVE_TOKEN, 0, 0, 0) == SEC_E_INVALID_TOKEN, "token");
    CHECK(sspi_status_from_gss(GSS_S_BAD_SIG, SIGNET_ERR_SEQUENCE, 1, 0) ==
          SEC_E_OUT_OF_SEQUENCE, "sequence");
    CHECK(sspi_status_from_gss(GSS_S_FAILURE, SIGNET_ERR_REVALIDATE, 1, 0) ==
          SEC_E_NO_AUTHENTICATING_AUTHORITY, "revalidate");
    CHECK(sspi_status_from_gss(GSS_S_FAILURE, SIGNET_ERR_BAD_ARGUMENT, 1, 0) ==
          STATUS_INVALID_PARAMETER, "parameter");
    CHECK(sspi_status_from_gss(GSS_S_BAD_QOP, SIGNET_ERR_NO_INTEGRITY, 1, 0) ==
          SEC_E_QOP_NOT_SUPPORTED, "no integrity");
    CHECK(sspi_status_from_gss(GSS_S_BAD_QOP, 0, 0, 0) == SEC_E_QOP_NOT_SUPPORTED, "qop");
    CHECK(sspi_status_from_gss(GSS_S_BAD_SIG, 0, 0, 0) == SEC_E_MESSAGE_ALTERED, "altered");
    CHECK(sspi_status_from_gss(GSS_S_CONTEXT_EXPIRED, 0, 0, 0) == SEC_E_CONTEXT_EXPIRED,
          "expired");
    /* a foreign minor is never read: the same number means nothing */
    CHECK(sspi_status_from_gss(GSS_S_BAD_SIG, SIGNET_ERR_SEQUENCE, 0, 0) ==
          SEC_E_MESSAGE_ALTERED, "foreign minor ignored");
    /* supplementary bits */
    CHECK(sspi_status_from_gss(GSS_S_DUPLICATE_TOKEN, 0, 0, seq) == SEC_E_OUT_OF_SEQUENCE, "dup");
    CHECK(sspi_status_from_gss(GSS_S_DUPLICATE_TOKEN, 0, 0, 0) == STATUS_SUCCESS, "dup off");
    CHECK(sspi_status_from_gss(GSS_S_GAP_TOKEN, 0, 0, GSS_C_SEQUENCE_FLAG) ==
          SEC_E_OUT_OF_SEQUENCE, "gap");
    CHECK(sspi_status_from_gss(GSS_S_UNSEQ_TOKEN, 0, 0, seq) == SEC_E_OUT_OF_SEQUENCE, "unseq");
    CHECK(sspi_status_from_gss(GSS_S_OLD_TOKEN, 0, 0, GSS_C_REPLAY_FLAG) ==
          SEC_E_OUT_OF_SEQUENCE, "old");
    CHECK(sspi_status_from_gss(GSS_S_CONTINUE_NEEDED, 0, 0, 0) == SEC_I_CONTINUE_NEEDED, "cont");
    CHECK(sspi_status_from_nt(STATUS_NO_MEMORY) == SEC_E_INSUFFICIENT_MEMORY, "nomem");
    CHECK(sspi_status_from_nt(STATUS_INVALID_PARAMETER) == STATUS_INVALID_PARAMETER, "param");
    if (argc == 1)
        printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
    return failures ? 1 : 0;
}
