/*
 * prf.c - gss_pseudo_random (RFC 4401) for Signet contexts.
 *
 * Output = KBKDF in counter mode with HMAC-SHA256 (SP 800-108, no [L]
 * field) keyed with the context's PRF key, label "signet gss prf" and
 * prf_in as context, so a shorter output is a prefix of a longer one.  The
 * PRF key is the last part of the context's key block (docs/tokens.md); Signet
 * has no acceptor subkey, so GSS_C_PRF_KEY_FULL and GSS_C_PRF_KEY_PARTIAL
 * use the same key and give the same output.  Both peers get the same
 * bytes for the same prf_in.
 */
#include <stdlib.h>

#include "signet.h"
#include "crypto.h"

/* RFC 4401 requires at least 2^14; allow much more. */
#define SIGNET_PRF_MAX_OUTPUT ((ssize_t)1 << 20)
#define SIGNET_PRF_LABEL "signet gss prf"

OM_uint32
signet_gss_pseudo_random(OM_uint32 *minor_status, gss_ctx_id_t context_handle,
                         int prf_key, const gss_buffer_t prf_in,
                         ssize_t desired_output_len, gss_buffer_t prf_out)
{
    signet_ctx *ctx = (signet_ctx *)context_handle;
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    uint8_t *out = NULL;
    size_t len = 0;

    if (prf_out != GSS_C_NO_BUFFER)
        signet_gss_buffer_clear(prf_out);
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (prf_out == GSS_C_NO_BUFFER) {
        major = GSS_S_CALL_INACCESSIBLE_WRITE;
        goto done;
    }
    if (prf_in == GSS_C_NO_BUFFER ||
        (prf_in->length != 0 && prf_in->value == NULL)) {
        major = GSS_S_CALL_INACCESSIBLE_READ;
        goto done;
    }
    major = signet_ctx_check(&minor, ctx); /* NULL: GSS_S_NO_CONTEXT */
    if (major != GSS_S_COMPLETE)
        goto done;
    if (!ctx->msg.ready) {
        major = signet_fail(&minor, GSS_S_NO_CONTEXT,
                            SIGNET_ERR_CONTEXT_INCOMPLETE, NULL);
        goto done;
    }
    if (prf_key != GSS_C_PRF_KEY_FULL && prf_key != GSS_C_PRF_KEY_PARTIAL) {
        major = signet_fail(&minor, GSS_S_FAILURE, SIGNET_ERR_BAD_ARGUMENT,
                            "unknown PRF key selector %d", prf_key);
        goto done;
    }
    if (desired_output_len < 0 ||
        desired_output_len > SIGNET_PRF_MAX_OUTPUT) {
        major = signet_fail(&minor, GSS_S_FAILURE, SIGNET_ERR_BAD_ARGUMENT,
                            "PRF output length %zd is outside 0..%zd",
                            desired_output_len, SIGNET_PRF_MAX_OUTPUT);
        goto done;
    }
    if (desired_output_len == 0) {
        /* As MIT's krb5 mechanism: success with an empty buffer. */
        major = GSS_S_COMPLETE;
        goto done;
    }
    len = (size_t)desired_output_len;
    out = malloc(len);
    if (out == NULL) {
        major = signet_fail(&minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
        goto done;
    }
    if (signet_kbkdf(ctx->msg.keys + SIGNET_MSG_PRF_KEY, SIGNET_MSG_PRF_KEY_LEN,
                     SIGNET_PRF_LABEL, prf_in->value, prf_in->length,
                     out, len) != 0) {
        major = signet_fail(&minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                            "the PRF (KBKDF HMAC-SHA256) failed");
        goto done;
    }
    prf_out->value = out;
    prf_out->length = len;
    out = NULL;
    major = GSS_S_COMPLETE;
done:
    if (out != NULL) {
        signet_wipe(out, len);
        free(out);
    }
    *minor_status = minor;
    return major;
}
