/*
 * errors.c - minor status codes: one table of sentences, per-thread detail
 * of the last failure, and gss_display_status for mechanism codes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signet.h"

#define IDX(code) ((code) - SIGNET_MINOR_BASE)

static const char *const minor_text[IDX(SIGNET_ERR_LAST)] = {
    [IDX(SIGNET_ERR_NOMEM)] = "out of memory",
    [IDX(SIGNET_ERR_INTERNAL)] = "internal error in the Signet mechanism",
    [IDX(SIGNET_ERR_BAD_ARGUMENT)] = "invalid argument",
    [IDX(SIGNET_ERR_BAD_NAME)] = "the name is not valid for Signet",
    [IDX(SIGNET_ERR_BAD_NAMETYPE)] = "the name type is not supported by Signet",
    [IDX(SIGNET_ERR_NO_CREDENTIALS)] = "no Signet credentials are configured (set a certificate, a PSK file or trust anchors)",
    [IDX(SIGNET_ERR_CRED_LOAD)] = "a credential file could not be loaded",
    [IDX(SIGNET_ERR_CRED_USAGE)] = "the credential cannot be used this way",
    [IDX(SIGNET_ERR_CRED_NAME_MISMATCH)] = "the credential does not match the desired name",
    [IDX(SIGNET_ERR_PSK_FILE)] = "the pre-shared key file is invalid",
    [IDX(SIGNET_ERR_PSK_UNKNOWN_IDENTITY)] = "unknown pre-shared key identity",
    [IDX(SIGNET_ERR_PSK_MISMATCH)] = "the pre-shared key does not match the peer's key for this identity",
    [IDX(SIGNET_ERR_CERT_UNTRUSTED)] = "the peer's certificate is not trusted",
    [IDX(SIGNET_ERR_CERT_EXPIRED)] = "the peer's certificate has expired",
    [IDX(SIGNET_ERR_CERT_NOT_YET_VALID)] = "the peer's certificate is not yet valid",
    [IDX(SIGNET_ERR_CERT_REVOKED)] = "the peer's certificate has been revoked",
    [IDX(SIGNET_ERR_CERT_HOST_MISMATCH)] = "the acceptor's certificate does not match the target host",
    [IDX(SIGNET_ERR_CERT_NAME_MISMATCH)] = "the peer's certificate does not match the target name",
    [IDX(SIGNET_ERR_CERT_INVALID)] = "the peer's certificate is invalid",
    [IDX(SIGNET_ERR_PEER_NO_CERT)] = "the peer presented no certificate",
    [IDX(SIGNET_ERR_ANON_REFUSED)] = "the acceptor does not admit anonymous initiators",
    [IDX(SIGNET_ERR_HANDSHAKE)] = "the TLS handshake failed",
    [IDX(SIGNET_ERR_TOKEN_TRUNCATED)] = "the token is truncated",
    [IDX(SIGNET_ERR_TOKEN_MALFORMED)] = "the token is malformed",
    [IDX(SIGNET_ERR_TOKEN_UNEXPECTED)] = "the context token was not expected at this step",
    [IDX(SIGNET_ERR_TOKEN_WRONG_MECH)] = "the token belongs to another mechanism",
    [IDX(SIGNET_ERR_TOKEN_REPLAYED)] = "the context token was already processed (replayed)",
    [IDX(SIGNET_ERR_PEER_ERROR)] = "the peer reported an error",
    [IDX(SIGNET_ERR_BAD_BINDINGS)] = "the channel bindings do not match the peer's",
    [IDX(SIGNET_ERR_CONTEXT_INCOMPLETE)] = "the security context is not yet established",
    [IDX(SIGNET_ERR_CONTEXT_FAILED)] = "the security context failed earlier and cannot be used",
    [IDX(SIGNET_ERR_CONTEXT_EXPIRED)] = "the security context has expired",
    [IDX(SIGNET_ERR_WRONG_DIRECTION)] = "the token was sent in the wrong direction (reflected)",
    [IDX(SIGNET_ERR_BAD_MIC)] = "the message integrity check failed",
    [IDX(SIGNET_ERR_BAD_QOP)] = "the quality of protection is not permitted on this context",
    [IDX(SIGNET_ERR_NO_INTEGRITY)] = "the peers negotiated no integrity protection",
    [IDX(SIGNET_ERR_NO_CONFIDENTIALITY)] = "the peers negotiated no confidentiality",
    [IDX(SIGNET_ERR_RENEGOTIATE)] = "the key reached its usage limit: renegotiation required",
    [IDX(SIGNET_ERR_REVALIDATE)] = "the peer's credential is no longer valid: the context must be revalidated",
    [IDX(SIGNET_ERR_SEQUENCE)] = "the message is out of sequence",
    [IDX(SIGNET_ERR_EXPORT_FORMAT)] = "the exported context is malformed or from another version",
    [IDX(SIGNET_ERR_NO_LOCALNAME)] = "the name maps to no local account",
    [IDX(SIGNET_ERR_CONFIG)] = "the Signet configuration is invalid",
    [IDX(SIGNET_ERR_UNSUPPORTED)] = "the operation is not supported by Signet",
    [IDX(SIGNET_ERR_DELEGATION)] = "Signet does not support credential delegation",
    [IDX(SIGNET_ERR_PSK_REJECTED)] = "the pre-shared key was rejected: the acceptor does not know the identity or holds a different key for it",
    [IDX(SIGNET_ERR_PEER_FAILED)] = "the peer could not complete the handshake (its log has the reason)",
    [IDX(SIGNET_ERR_ALREADY_IMPORTED)] = "this exported context was already imported in this process",
};

/*
 * What an ERROR token tells an unauthenticated peer about a local failure
 * (docs/protocol.md, "Errors"): the code it carries, whose standard
 * sentence is the only text sent.  The local detail (file paths, errno
 * texts, identities, certificate names) stays in the local status and the
 * trace.  Both PSK refusals become one code, so that the peer cannot tell
 * an unknown identity from a wrong key.
 */
OM_uint32
signet_minor_for_peer(OM_uint32 code)
{
    switch (code) {
    case SIGNET_ERR_PSK_UNKNOWN_IDENTITY:
    case SIGNET_ERR_PSK_MISMATCH:
    case SIGNET_ERR_PSK_REJECTED:
        return SIGNET_ERR_PSK_REJECTED;
    case SIGNET_ERR_CERT_UNTRUSTED:
    case SIGNET_ERR_CERT_EXPIRED:
    case SIGNET_ERR_CERT_NOT_YET_VALID:
    case SIGNET_ERR_CERT_REVOKED:
    case SIGNET_ERR_CERT_HOST_MISMATCH:
    case SIGNET_ERR_CERT_NAME_MISMATCH:
    case SIGNET_ERR_CERT_INVALID:
    case SIGNET_ERR_PEER_NO_CERT:
    case SIGNET_ERR_ANON_REFUSED:
    case SIGNET_ERR_HANDSHAKE:
    case SIGNET_ERR_TOKEN_TRUNCATED:
    case SIGNET_ERR_TOKEN_MALFORMED:
    case SIGNET_ERR_TOKEN_UNEXPECTED:
    case SIGNET_ERR_TOKEN_WRONG_MECH:
    case SIGNET_ERR_TOKEN_REPLAYED:
    case SIGNET_ERR_WRONG_DIRECTION:
    case SIGNET_ERR_BAD_BINDINGS:
    case SIGNET_ERR_CRED_NAME_MISMATCH:
        return code;
    default:
        return SIGNET_ERR_PEER_FAILED;
    }
}

static _Thread_local struct {
    OM_uint32 code;
    char text[512];
} last_error;

const char *
signet_minor_text(OM_uint32 code)
{
    if (code <= SIGNET_MINOR_BASE || code >= SIGNET_ERR_LAST)
        return NULL;
    return minor_text[IDX(code)];
}

const char *
signet_minor_detail(OM_uint32 code)
{
    if (code != 0 && last_error.code == code && last_error.text[0] != '\0')
        return last_error.text;
    return signet_minor_text(code);
}

OM_uint32
signet_fail(OM_uint32 *minor, OM_uint32 major, OM_uint32 code,
            const char *fmt, ...)
{
    va_list ap;
    const char *std = signet_minor_text(code);

    if (minor != NULL)
        *minor = code;
    last_error.code = code;
    if (fmt != NULL) {
        va_start(ap, fmt);
        vsnprintf(last_error.text, sizeof(last_error.text), fmt, ap);
        va_end(ap);
    } else {
        snprintf(last_error.text, sizeof(last_error.text), "%s",
                 std != NULL ? std : "unknown error");
    }
    signet_trace("error 0x%08x (major 0x%08x): %s", code, major,
                 last_error.text);
    return major;
}

OM_uint32
signet_gss_display_status(OM_uint32 *minor, OM_uint32 status_value,
                          int status_type, gss_OID mech_type,
                          OM_uint32 *message_context, gss_buffer_t status)
{
    char buf[64];
    const char *text;
    size_t len;

    if (status != GSS_C_NO_BUFFER) {
        status->value = NULL;
        status->length = 0;
    }
    if (minor == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    *minor = 0;
    if (status == GSS_C_NO_BUFFER || message_context == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (status_type != GSS_C_MECH_CODE)
        return GSS_S_BAD_STATUS;
    if (!signet_is_signet_mech(mech_type))
        return GSS_S_BAD_MECH;
    if (*message_context != 0)
        return GSS_S_BAD_STATUS;
    text = status_value == 0 ? "success" : signet_minor_detail(status_value);
    if (text == NULL) {
        snprintf(buf, sizeof(buf), "unknown Signet status code 0x%08x",
                 status_value);
        text = buf;
    }
    /* A copy with a NUL (printed with %s), freed by mechglue with free(). */
    len = strlen(text);
    status->value = malloc(len + 1);
    if (status->value == NULL) {
        *minor = SIGNET_ERR_NOMEM;
        return GSS_S_FAILURE;
    }
    memcpy(status->value, text, len + 1);
    status->length = len;
    return GSS_S_COMPLETE;
}
