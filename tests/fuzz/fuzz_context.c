/*
 * fuzz_context.c - libFuzzer target for context establishment: hostile
 * context tokens at every step of a real Signet handshake.
 *
 * The first input byte picks the step the rest of the input is fed to:
 *   0  the acceptor's first call (no context yet)
 *   1  the same, inside a correct RFC 2743 framing with the Signet OID
 *   2  the initiator's second call (in place of the acceptor's leg 2)
 *   3  the acceptor's second call (in place of the initiator's leg 3)
 *   4  the initiator's last call (in place of the acceptor's leg 4)
 * With FUZZ_WRITE_SEEDS=DIR the target writes the real tokens of a
 * handshake to DIR (one file per step) and exits: a seed corpus.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pair.h"

static gss_name_t target;

static OM_uint32
init_step(gss_ctx_id_t *ctx, gss_buffer_t in, gss_buffer_t out)
{
    OM_uint32 minor;

    return signet_gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, ctx, target,
                                       GSS_C_NO_OID, PAIR_FLAGS, 0, NULL, in, NULL,
                                       out, NULL, NULL);
}

static OM_uint32
accept_step(gss_ctx_id_t *ctx, gss_buffer_t in, gss_buffer_t out)
{
    OM_uint32 minor;

    return signet_gss_accept_sec_context(&minor, ctx, GSS_C_NO_CREDENTIAL, in,
                                         NULL, NULL, NULL, out, NULL, NULL, NULL);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    gss_buffer_desc name = { 14, (void *)"host@localhost" };
    gss_buffer_desc t1 = GSS_C_EMPTY_BUFFER, t2 = GSS_C_EMPTY_BUFFER;
    gss_buffer_desc t3 = GSS_C_EMPTY_BUFFER, t4 = GSS_C_EMPTY_BUFFER;
    gss_ctx_id_t ic = GSS_C_NO_CONTEXT, ac = GSS_C_NO_CONTEXT;
    const char *dir = getenv("FUZZ_WRITE_SEEDS");
    OM_uint32 minor;

    pair_use_psk();
    if (signet_gss_import_name(&minor, &name, GSS_C_NT_HOSTBASED_SERVICE,
                               &target) != GSS_S_COMPLETE)
        abort();
    if (dir == NULL)
        return 0;
    init_step(&ic, GSS_C_NO_BUFFER, &t1);
    accept_step(&ac, &t1, &t2);
    init_step(&ic, &t2, &t3);
    accept_step(&ac, &t3, &t4);
    pair_write_seed(dir, "step0", 0, &t1);
    pair_write_seed(dir, "step2", 2, &t2);
    pair_write_seed(dir, "step3", 3, &t3);
    pair_write_seed(dir, "step4", 4, &t4);
    exit(0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER, t1 = GSS_C_EMPTY_BUFFER;
    gss_buffer_desc t2 = GSS_C_EMPTY_BUFFER, t3 = GSS_C_EMPTY_BUFFER;
    gss_ctx_id_t ic = GSS_C_NO_CONTEXT, ac = GSS_C_NO_CONTEXT;
    signet_buf framed;
    OM_uint32 minor;
    int step;

    if (size < 1)
        return 0;
    step = data[0] % 5;
    in.value = (void *)(data + 1);
    in.length = size - 1;
    signet_buf_init(&framed);
    switch (step) {
    case 0:
        accept_step(&ac, &in, &out);
        break;
    case 1:
        if (signet_token_frame(&minor, in.value, in.length, &framed) ==
            GSS_S_COMPLETE) {
            in.value = framed.data;
            in.length = framed.len;
            accept_step(&ac, &in, &out);
        }
        break;
    case 2:
        init_step(&ic, GSS_C_NO_BUFFER, &t1);
        init_step(&ic, &in, &out);
        break;
    case 3:
        init_step(&ic, GSS_C_NO_BUFFER, &t1);
        accept_step(&ac, &t1, &t2);
        accept_step(&ac, &in, &out);
        break;
    case 4:
        init_step(&ic, GSS_C_NO_BUFFER, &t1);
        accept_step(&ac, &t1, &t2);
        init_step(&ic, &t2, &t3);
        init_step(&ic, &in, &out);
        break;
    }
    signet_buf_clear(&framed);
    gss_release_buffer(&minor, &t1);
    gss_release_buffer(&minor, &t2);
    gss_release_buffer(&minor, &t3);
    gss_release_buffer(&minor, &out);
    signet_gss_delete_sec_context(&minor, &ic, GSS_C_NO_BUFFER);
    signet_gss_delete_sec_context(&minor, &ac, GSS_C_NO_BUFFER);
    return 0;
}
