/*
 * pair.c - an established Signet context pair for tests (pair.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pair.h"

static char dir[] = "/tmp/signet-pair.XXXXXX";
static char path[64];

static void
remove_psk(void)
{
    unlink(path);
    rmdir(dir);
}

void
pair_use_psk(void)
{
    FILE *f;

    if (path[0] != '\0')
        return;
    umask(077);
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        exit(1);
    }
    snprintf(path, sizeof(path), "%s/psk", dir);
    f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    fprintf(f, "pair 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
    fclose(f);
    atexit(remove_psk);
    setenv("SIGNET_PSK_FILE", path, 1);
    setenv("SIGNET_CONFIG", "/dev/null", 1);
}

void
pair_establish(OM_uint32 req_flags, signet_ctx **ini, signet_ctx **acc)
{
    OM_uint32 major_i, major_a = GSS_S_CONTINUE_NEEDED, minor, tmp;
    gss_buffer_desc in = GSS_C_EMPTY_BUFFER, out = GSS_C_EMPTY_BUFFER;
    gss_buffer_desc namebuf = { 14, (void *)"host@localhost" };
    gss_ctx_id_t hi = GSS_C_NO_CONTEXT, ha = GSS_C_NO_CONTEXT;
    gss_name_t target;
    int legs;

    pair_use_psk();
    if (signet_gss_import_name(&minor, &namebuf, GSS_C_NT_HOSTBASED_SERVICE,
                               &target) != GSS_S_COMPLETE) {
        fprintf(stderr, "pair: import_name failed\n");
        exit(1);
    }
    for (legs = 0; legs < 10; legs++) {
        major_i = signet_gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &hi,
                                              target, GSS_C_NO_OID, req_flags, 0,
                                              NULL, &in, NULL, &out, NULL, NULL);
        gss_release_buffer(&tmp, &in);
        if (GSS_ERROR(major_i)) {
            fprintf(stderr, "pair: init: %s\n", signet_minor_detail(minor));
            exit(1);
        }
        if (out.length == 0)
            break;
        major_a = signet_gss_accept_sec_context(&minor, &ha, GSS_C_NO_CREDENTIAL,
                                                &out, NULL, NULL, NULL, &in,
                                                NULL, NULL, NULL);
        gss_release_buffer(&tmp, &out);
        if (GSS_ERROR(major_a)) {
            fprintf(stderr, "pair: accept: %s\n", signet_minor_detail(minor));
            exit(1);
        }
        if (in.length == 0 && major_i == GSS_S_COMPLETE)
            break;
    }
    signet_gss_release_name(&minor, &target);
    if (major_i != GSS_S_COMPLETE || major_a != GSS_S_COMPLETE) {
        fprintf(stderr, "pair: not established (0x%x, 0x%x)\n", major_i, major_a);
        exit(1);
    }
    *ini = (signet_ctx *)hi;
    *acc = (signet_ctx *)ha;
}

void
pair_write_seed(const char *seed_dir, const char *name, int kind,
                const gss_buffer_desc *tok)
{
    char seed_path[512];
    FILE *f;

    snprintf(seed_path, sizeof(seed_path), "%s/%s", seed_dir, name);
    f = fopen(seed_path, "wb");
    if (f == NULL)
        return;
    fputc(kind, f);
    fwrite(tok->value, 1, tok->length, f);
    fclose(f);
}
