/*
 * fuzz_import.c - libFuzzer target for the other byte strings Signet
 * parses from outside: exported contexts (gss_import_sec_context) and
 * exported names (gss_import_name with GSS_C_NT_EXPORT_NAME).
 *
 * Input: one byte choosing the parser, then the bytes.
 * FUZZ_WRITE_SEEDS=DIR writes a real exported context and name and exits.
 */
#include <stdio.h>
#include <stdlib.h>

#include "pair.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *dir = getenv("FUZZ_WRITE_SEEDS");
    signet_ctx *ini, *acc;
    gss_ctx_id_t h;
    gss_buffer_desc tok;
    OM_uint32 minor;

    pair_use_psk();
    if (dir == NULL)
        return 0;
    pair_establish(PAIR_FLAGS, &ini, &acc);
    h = (gss_ctx_id_t)acc;
    if (signet_gss_export_sec_context(&minor, &h, &tok) == 0) {
        pair_write_seed(dir, "context", 0, &tok);
        gss_release_buffer(&minor, &tok);
    }
    if (signet_gss_export_name(&minor, (gss_name_t)ini->acceptor_name, &tok) == 0) {
        pair_write_seed(dir, "acceptor-name", 1, &tok);
        gss_release_buffer(&minor, &tok);
    }
    if (signet_gss_export_name(&minor, (gss_name_t)ini->initiator_name, &tok) == 0) {
        pair_write_seed(dir, "initiator-name", 1, &tok);
        gss_release_buffer(&minor, &tok);
    }
    exit(0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gss_buffer_desc in;
    gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
    gss_name_t name = GSS_C_NO_NAME;
    OM_uint32 minor;

    if (size < 1)
        return 0;
    in.value = (void *)(data + 1);
    in.length = size - 1;
    if (data[0] % 2 == 0) {
        signet_gss_import_sec_context(&minor, &in, &ctx);
        signet_gss_delete_sec_context(&minor, &ctx, GSS_C_NO_BUFFER);
    } else {
        signet_gss_import_name(&minor, &in, GSS_C_NT_EXPORT_NAME, &name);
        signet_gss_release_name(&minor, &name);
    }
    return 0;
}
