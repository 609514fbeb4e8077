/*
 * status.c - the whole status mapping of the SSPI layer, in three tables.
 *
 *   rows       a GSS result (major status, and for the Signet package its
 *              minor code) -> the NTSTATUS an Sp* function returns
 *   site_rows  what a call site makes of that NTSTATUS (AcquireCredentials-
 *              Handle with and without a password, AcceptSecurityContext)
 *   nt_rows    the package's NTSTATUS -> the SECURITY_STATUS of the public
 *              call: SSPI-defined SEC_E_/SEC_I_ values pass unchanged, as in
 *              Wine's secur32; the generic NT codes become their SEC_E_
 *              equivalents, and no other NT error value (0xC0000000 and
 *              up) ever leaves an entry point -- the one exception is the
 *              STATUS_INVALID_PARAMETER the MakeSignature reference lists
 *
 * No other file remaps a status.  docs/status-mapping.md documents every row
 * (tests/compat/t_status --markdown prints them; test_sspi_api.py checks the
 * document has each); tests/compat/t_status checks the mapping's behaviour
 * against expectations of its own and runs every SSPI entry point over a
 * package returning every NT error value.
 *
 * Minor codes are read only when they are Signet's own (the Signet package
 * calls the core directly); mechglue renumbers other mechanisms' minor codes,
 * so for Kerberos, Negotiate and NTLM only the major status counts.
 */
#include "sspi_int.h"
#include <gssapi/gssapi_signet.h>

#define ANY 0
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* NTSTATUS severity "error": values only NT defines (SSPI's are 0x8009xxxx) */
#define NT_ERROR_MASK 0xC0000000u

static const struct sspi_status_row rows[] = {
    /* Signet minor codes first: they refine the major status. */
    { .routine = ANY, .signet_minor = SIGNET_ERR_RENEGOTIATE, .nt = SEC_I_RENEGOTIATE,
      .why = "the context instance has made all the tokens it may; establish a new context" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_REVALIDATE,
      .nt = SEC_E_NO_AUTHENTICATING_AUTHORITY,
      .why = "the context must be revalidated" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_NO_INTEGRITY, .nt = SEC_E_QOP_NOT_SUPPORTED,
      .why = "the context was established without integrity protection" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_BAD_QOP, .nt = SEC_E_QOP_NOT_SUPPORTED,
      .why = "fQOP is not a QOP negotiated for the context" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_SEQUENCE, .nt = SEC_E_OUT_OF_SEQUENCE,
      .why = "datagram context: the token carries another sequence number than MessageSeqNo" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_BAD_ARGUMENT, .nt = STATUS_INVALID_PARAMETER,
      .why = "a parameter is malformed, e.g. a SECBUFFER_PKG_PARAMS sequence number that is not 8 bytes" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_CERT_HOST_MISMATCH, .nt = SEC_E_WRONG_PRINCIPAL,
      .why = "the acceptor's certificate does not name the target host" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_CERT_NAME_MISMATCH, .nt = SEC_E_WRONG_PRINCIPAL,
      .why = "the peer's certificate does not carry the expected name" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_CERT_UNTRUSTED, .nt = SEC_E_UNTRUSTED_ROOT,
      .why = "the peer's certificate does not chain to a trust anchor" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_CERT_EXPIRED, .nt = SEC_E_CERT_EXPIRED,
      .why = "a certificate of the chain has expired" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_CERT_NOT_YET_VALID, .nt = SEC_E_CERT_EXPIRED,
      .why = "a certificate of the chain is not yet valid" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_CERT_REVOKED, .nt = SEC_E_CERT_UNKNOWN,
      .why = "a certificate of the chain is revoked" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_CERT_INVALID, .nt = SEC_E_CERT_UNKNOWN,
      .why = "the peer's certificate is unusable" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_PEER_NO_CERT, .nt = SEC_E_LOGON_DENIED,
      .why = "the peer presented no certificate" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_PSK_UNKNOWN_IDENTITY, .nt = SEC_E_LOGON_DENIED,
      .why = "the acceptor does not know the PSK identity" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_PSK_MISMATCH, .nt = SEC_E_LOGON_DENIED,
      .why = "the peers hold different keys for the PSK identity" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_ANON_REFUSED, .nt = SEC_E_LOGON_DENIED,
      .why = "the acceptor does not admit anonymous initiators" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_NO_CREDENTIALS, .nt = SEC_E_NO_CREDENTIALS,
      .why = "no certificate or PSK is configured" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_CRED_LOAD, .nt = SEC_E_UNKNOWN_CREDENTIALS,
      .why = "the certificate, key or anchors could not be loaded" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_PSK_FILE, .nt = SEC_E_UNKNOWN_CREDENTIALS,
      .why = "the PSK file is unreadable, malformed or too open" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_BAD_BINDINGS, .nt = SEC_E_BAD_BINDINGS,
      .why = "the channel bindings differ" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_CONTEXT_EXPIRED, .nt = SEC_E_CONTEXT_EXPIRED,
      .why = "the context's lifetime has ended" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_NOMEM, .nt = STATUS_NO_MEMORY,
      .why = "out of memory" },
    { .routine = ANY, .signet_minor = SIGNET_ERR_UNSUPPORTED, .nt = SEC_E_UNSUPPORTED_FUNCTION,
      .why = "the operation is not available for this context" },

    /* Supplementary (per-message) results. */
    { .supplementary = GSS_S_CONTINUE_NEEDED, .nt = SEC_I_CONTINUE_NEEDED,
      .why = "context establishment needs another token" },
    { .supplementary = GSS_S_DUPLICATE_TOKEN, .nt = SEC_E_OUT_OF_SEQUENCE,
      .why = "a replayed message (replay or sequence detection on; otherwise SEC_E_OK)" },
    { .supplementary = GSS_S_OLD_TOKEN, .nt = SEC_E_OUT_OF_SEQUENCE,
      .why = "a message too old to check for replay (detection on; otherwise SEC_E_OK)" },
    { .supplementary = GSS_S_UNSEQ_TOKEN, .nt = SEC_E_OUT_OF_SEQUENCE,
      .why = "a message after a later one (detection on; otherwise SEC_E_OK)" },
    { .supplementary = GSS_S_GAP_TOKEN, .nt = SEC_E_OUT_OF_SEQUENCE,
      .why = "messages were skipped (detection on; otherwise SEC_E_OK)" },

    /* Routine errors, any mechanism. */
    { .routine = GSS_S_BAD_MECH, .nt = SEC_E_SECPKG_NOT_FOUND,
      .why = "the mechanism is not available" },
    { .routine = GSS_S_BAD_NAME, .nt = SEC_E_TARGET_UNKNOWN,
      .why = "the target or principal name cannot be used" },
    { .routine = GSS_S_BAD_NAMETYPE, .nt = SEC_E_TARGET_UNKNOWN,
      .why = "the name has a type the mechanism does not take" },
    { .routine = GSS_S_BAD_BINDINGS, .nt = SEC_E_BAD_BINDINGS,
      .why = "the channel bindings differ" },
    { .routine = GSS_S_BAD_STATUS, .nt = SEC_E_INTERNAL_ERROR,
      .why = "internal error" },
    { .routine = GSS_S_BAD_SIG, .nt = SEC_E_MESSAGE_ALTERED,
      .why = "the signature does not match the message" },
    { .routine = GSS_S_NO_CRED, .nt = SEC_E_NO_CREDENTIALS,
      .why = "no usable credentials" },
    { .routine = GSS_S_NO_CONTEXT, .nt = SEC_E_INVALID_HANDLE,
      .why = "the context is not valid" },
    { .routine = GSS_S_DEFECTIVE_TOKEN, .nt = SEC_E_INVALID_TOKEN,
      .why = "the token is malformed" },
    { .routine = GSS_S_DEFECTIVE_CREDENTIAL, .nt = SEC_E_LOGON_DENIED,
      .why = "the peer's credentials were refused" },
    { .routine = GSS_S_CREDENTIALS_EXPIRED, .nt = SEC_E_CONTEXT_EXPIRED,
      .why = "the credentials have expired" },
    { .routine = GSS_S_CONTEXT_EXPIRED, .nt = SEC_E_CONTEXT_EXPIRED,
      .why = "the context has expired" },
    { .routine = GSS_S_FAILURE, .nt = SEC_E_INTERNAL_ERROR,
      .why = "the mechanism failed" },
    { .routine = GSS_S_BAD_QOP, .nt = SEC_E_QOP_NOT_SUPPORTED,
      .why = "the QOP is not supported, or the context has no integrity" },
    { .routine = GSS_S_UNAUTHORIZED, .nt = SEC_E_LOGON_DENIED,
      .why = "not authorized" },
    { .routine = GSS_S_UNAVAILABLE, .nt = SEC_E_UNSUPPORTED_FUNCTION,
      .why = "the mechanism does not offer the operation" },
    { .routine = GSS_S_DUPLICATE_ELEMENT, .nt = SEC_E_INTERNAL_ERROR,
      .why = "internal error" },
    { .routine = GSS_S_NAME_NOT_MN, .nt = SEC_E_INTERNAL_ERROR,
      .why = "internal error" },
};

/* What a call site makes of a failure the table above gave it (first match). */
static const struct sspi_status_site_row site_rows[] = {
    { .site = SSPI_SITE_ACQUIRE_PASSWORD, .from = SEC_E_INTERNAL_ERROR, .to = SEC_E_LOGON_DENIED,
      .why = "a password was given and the KDC (or the NTLM user file) refused it" },
    { .site = SSPI_SITE_ACQUIRE_PASSWORD, .from = SEC_E_NO_CREDENTIALS, .to = SEC_E_LOGON_DENIED,
      .why = "a password was given and no credential came of it" },
    { .site = SSPI_SITE_ACQUIRE, .from = SEC_E_INTERNAL_ERROR, .to = SEC_E_NO_CREDENTIALS,
      .why = "a generic failure to find credentials: there were none to use" },
    { .site = SSPI_SITE_ACCEPT, .from = SEC_E_INTERNAL_ERROR, .to = SEC_E_LOGON_DENIED,
      .why = "an acceptor's unexplained failure is a refused logon (a wrong NTLM password gives GSS_S_FAILURE)" },
};

/* A package's NTSTATUS as the SECURITY_STATUS of the public call (first
 * match; values not listed and below 0xC0000000 pass unchanged). */
static const struct sspi_status_nt_row nt_rows[] = {
    { .site = SSPI_SITE_MAKE_SIGNATURE, .nt = STATUS_INVALID_PARAMETER,
      .sec = STATUS_INVALID_PARAMETER,
      .why = "as the MakeSignature reference lists it: a sequence number (\"nonce count\") that is not numeric" },
    { .site = SSPI_SITE_ANY, .nt = STATUS_INVALID_PARAMETER, .sec = SEC_E_INVALID_PARAMETER,
      .why = "a parameter is malformed" },
    { .site = SSPI_SITE_ANY, .nt = STATUS_NO_MEMORY, .sec = SEC_E_INSUFFICIENT_MEMORY,
      .why = "out of memory" },
    { .site = SSPI_SITE_ANY, .nt = STATUS_INVALID_HANDLE, .sec = SEC_E_INVALID_HANDLE,
      .why = "the handle is not valid" },
    { .site = SSPI_SITE_ANY, .nt = STATUS_NOT_IMPLEMENTED, .sec = SEC_E_UNSUPPORTED_FUNCTION,
      .why = "the package does not implement the call" },
    { .site = SSPI_SITE_ANY, .nt = STATUS_NOT_SUPPORTED, .sec = SEC_E_UNSUPPORTED_FUNCTION,
      .why = "the package does not support the call" },
    { .site = SSPI_SITE_ANY, .nt = STATUS_INTERNAL_ERROR, .sec = SEC_E_INTERNAL_ERROR,
      .why = "the package failed" },
    { .site = SSPI_SITE_ANY, .nt = STATUS_BUFFER_TOO_SMALL, .sec = SEC_E_BUFFER_TOO_SMALL,
      .why = "an output buffer is too small" },
};

const struct sspi_status_row *
sspi_status_table(size_t *count)
{
    *count = COUNT(rows);
    return rows;
}

const struct sspi_status_site_row *
sspi_status_site_table(size_t *count)
{
    *count = COUNT(site_rows);
    return site_rows;
}

const struct sspi_status_nt_row *
sspi_status_nt_table(size_t *count)
{
    *count = COUNT(nt_rows);
    return nt_rows;
}

/* The NTSTATUS of a GSS result, before the call site has its say. */
static NTSTATUS
from_table(OM_uint32 major, OM_uint32 minor, int signet_minor, OM_uint32 gss_flags)
{
    OM_uint32 routine = GSS_ROUTINE_ERROR(major);
    OM_uint32 supp = GSS_SUPPLEMENTARY_INFO(major);
    const struct sspi_status_row *row = NULL;
    NTSTATUS nt = SEC_E_INTERNAL_ERROR;     /* a routine error not in the table */
    size_t i;

    if (GSS_CALLING_ERROR(major) != 0) {
        nt = STATUS_INVALID_PARAMETER;
    } else if (routine == 0) {
        nt = STATUS_SUCCESS;
        if (supp & GSS_S_CONTINUE_NEEDED)
            nt = SEC_I_CONTINUE_NEEDED;
        else if ((supp & (GSS_S_DUPLICATE_TOKEN | GSS_S_OLD_TOKEN | GSS_S_UNSEQ_TOKEN |
                          GSS_S_GAP_TOKEN)) &&
                 (gss_flags & (GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG)))
            nt = SEC_E_OUT_OF_SEQUENCE;
    } else {
        for (i = 0; signet_minor && minor != 0 && row == NULL && i < COUNT(rows); i++) {
            if (rows[i].signet_minor == minor &&
                (rows[i].routine == ANY || rows[i].routine == routine))
                row = &rows[i];
        }
        for (i = 0; row == NULL && i < COUNT(rows); i++) {
            if (rows[i].signet_minor == 0 && rows[i].supplementary == 0 &&
                rows[i].routine == routine)
                row = &rows[i];
        }
        if (row != NULL)
            nt = row->nt;
    }
    return nt;
}

/* A failure: the table's result, then what the call site makes of it.  Out
 * of line, so that the per-message path (success) costs one test. */
static NTSTATUS __attribute__((noinline))
from_failure(enum sspi_site site, OM_uint32 major, OM_uint32 minor, int signet_minor,
             OM_uint32 gss_flags)
{
    NTSTATUS nt = from_table(major, minor, signet_minor, gss_flags);
    size_t i;

    for (i = 0; i < COUNT(site_rows); i++) {
        if (site_rows[i].site == site && site_rows[i].from == nt) {
            nt = site_rows[i].to;
            break;
        }
    }
    return nt;
}

NTSTATUS
sspi_status_from_gss(enum sspi_site site, OM_uint32 major, OM_uint32 minor, int signet_minor,
                     OM_uint32 gss_flags)
{
    return major == GSS_S_COMPLETE ? STATUS_SUCCESS
                                   : from_failure(site, major, minor, signet_minor, gss_flags);
}

SECURITY_STATUS
sspi_status_from_nt(enum sspi_site site, NTSTATUS nt)
{
    SECURITY_STATUS st = nt;
    size_t i;

    /* The common case costs one test: success and every SSPI-defined value. */
    if (((uint32_t)nt & NT_ERROR_MASK) == NT_ERROR_MASK) {
        st = SEC_E_INTERNAL_ERROR;          /* an NT error no row names */
        for (i = 0; i < COUNT(nt_rows); i++) {
            if (nt_rows[i].nt == nt &&
                (nt_rows[i].site == SSPI_SITE_ANY || nt_rows[i].site == site)) {
                st = nt_rows[i].sec;
                break;
            }
        }
    }
    return st;
}
