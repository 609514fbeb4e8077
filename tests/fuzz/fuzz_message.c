/*
 * fuzz_message.c - libFuzzer target for per-message tokens: hostile MIC and
 * wrap tokens (whole or in IOV form) given to an established context.
 *
 * Input: one byte choosing the call, then the token.
 *   0 gss_verify_mic   1 gss_unwrap   2 gss_verify_mic_iov (two DATA pieces)
 * FUZZ_WRITE_SEEDS=DIR writes real tokens of each kind to DIR and exits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pair.h"

static signet_ctx *ini, *acc;
static gss_buffer_desc msg = { 11, (void *)"fuzz signet" };

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *dir = getenv("FUZZ_WRITE_SEEDS");
    gss_buffer_desc tok;
    char name[32];
    OM_uint32 minor, qop;
    int conf;

    pair_establish(PAIR_FLAGS, &ini, &acc);
    if (dir == NULL)
        return 0;
    for (qop = 0; qop <= SIGNET_QOP_AES256_GMAC; qop++) {
        if (signet_gss_get_mic(&minor, (gss_ctx_id_t)ini, qop, &msg, &tok) == 0) {
            snprintf(name, sizeof(name), "mic-%u", (unsigned)qop);
            pair_write_seed(dir, name, 0, &tok);
            snprintf(name, sizeof(name), "iov-%u", (unsigned)qop);
            pair_write_seed(dir, name, 2, &tok);
            gss_release_buffer(&minor, &tok);
        }
        for (conf = 0; conf <= 1; conf++) {
            if (signet_gss_wrap(&minor, (gss_ctx_id_t)ini, conf, qop, &msg, NULL,
                                &tok) == 0) {
                snprintf(name, sizeof(name), "wrap-%u-%d", (unsigned)qop, conf);
                pair_write_seed(dir, name, 1, &tok);
                gss_release_buffer(&minor, &tok);
            }
        }
    }
    exit(0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gss_buffer_desc tok, out = GSS_C_EMPTY_BUFFER;
    gss_iov_buffer_desc iov[3];
    OM_uint32 minor;
    gss_qop_t qop;
    int conf;

    if (size < 1)
        return 0;
    tok.value = (void *)(data + 1);
    tok.length = size - 1;
    switch (data[0] % 3) {
    case 0:
        signet_gss_verify_mic(&minor, (gss_ctx_id_t)acc, &msg, &tok, &qop);
        break;
    case 1:
        signet_gss_unwrap(&minor, (gss_ctx_id_t)acc, &tok, &out, &conf, &qop);
        gss_release_buffer(&minor, &out);
        break;
    case 2:
        iov[0].type = GSS_IOV_BUFFER_TYPE_DATA;
        iov[0].buffer.value = msg.value;
        iov[0].buffer.length = 4;
        iov[1].type = GSS_IOV_BUFFER_TYPE_DATA;
        iov[1].buffer.value = (char *)msg.value + 4;
        iov[1].buffer.length = msg.length - 4;
        iov[2].type = GSS_IOV_BUFFER_TYPE_MIC_TOKEN;
        iov[2].buffer = tok;
        signet_gss_verify_mic_iov(&minor, (gss_ctx_id_t)acc, &qop, iov, 3);
        break;
    }
    return 0;
}
