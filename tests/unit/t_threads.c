/*
 * t_threads.c - concurrent per-message calls on one established context
 * pair (RPCSEC_GSS servers do this): threads sign on the initiator and
 * verify on the acceptor and the other way round, at the same time, and
 * wrap/unwrap.  Run plainly by make check and under helgrind or
 * ThreadSanitizer by tests/test_threads.py.
 *
 *   t_threads [THREADS [ITERATIONS]]
 *
 * The pair is established through the core's gss_init/accept functions
 * with a pre-shared key written to a temporary file.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "signet.h"

static signet_ctx *ini, *acc;
static int iterations = 2000;

struct result {
    int made, verified, seq_info, errors;
};

static void
establish(void)
{
    OM_uint32 major_i = GSS_S_CONTINUE_NEEDED, major_a = GSS_S_CONTINUE_NEEDED;
    OM_uint32 minor, tmp;
    gss_buffer_desc in = GSS_C_EMPTY_BUFFER, out = GSS_C_EMPTY_BUFFER;
    gss_buffer_desc namebuf = { 14, (void *)"host@localhost" };
    gss_ctx_id_t hi = GSS_C_NO_CONTEXT, ha = GSS_C_NO_CONTEXT;
    gss_name_t target;
    int legs = 0;

    if (signet_gss_import_name(&minor, &namebuf, GSS_C_NT_HOSTBASED_SERVICE,
                               &target) != GSS_S_COMPLETE) {
        fprintf(stderr, "import_name failed\n");
        exit(1);
    }
    while (legs++ < 10) {
        major_i = signet_gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &hi,
                                              target, GSS_C_NO_OID,
                                              GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG |
                                              GSS_C_SEQUENCE_FLAG | GSS_C_CONF_FLAG |
                                              GSS_C_INTEG_FLAG, 0, NULL, &in, NULL,
                                              &out, NULL, NULL);
        gss_release_buffer(&tmp, &in);
        if (GSS_ERROR(major_i)) {
            fprintf(stderr, "init: %s\n", signet_minor_detail(minor));
            exit(1);
        }
        if (out.length == 0)
            break;
        major_a = signet_gss_accept_sec_context(&minor, &ha, GSS_C_NO_CREDENTIAL,
                                                &out, NULL, NULL, NULL, &in, NULL,
                                                NULL, NULL);
        gss_release_buffer(&tmp, &out);
        if (GSS_ERROR(major_a)) {
            fprintf(stderr, "accept: %s\n", signet_minor_detail(minor));
            exit(1);
        }
        if (in.length == 0 && major_i == GSS_S_COMPLETE)
            break;
    }
    signet_gss_release_name(&minor, &target);
    if (major_i != GSS_S_COMPLETE || major_a != GSS_S_COMPLETE) {
        fprintf(stderr, "context not established (0x%x, 0x%x)\n", major_i, major_a);
        exit(1);
    }
    ini = (signet_ctx *)hi;
    acc = (signet_ctx *)ha;
}

/* Signs on `from` and verifies on `to`; wraps and unwraps every 8th. */
static void
exchange(signet_ctx *from, signet_ctx *to, int k, struct result *r)
{
    char text[64];
    gss_buffer_desc msg, tok, plain;
    OM_uint32 major, minor, tmp;
    int conf;

    snprintf(text, sizeof(text), "message %d from thread %lu", k,
             (unsigned long)pthread_self());
    msg.value = text;
    msg.length = strlen(text);
    major = signet_gss_get_mic(&minor, (gss_ctx_id_t)from, 0, &msg, &tok);
    if (major != GSS_S_COMPLETE) {
        r->errors++;
        return;
    }
    r->made++;
    major = signet_gss_verify_mic(&minor, (gss_ctx_id_t)to, &msg, &tok, NULL);
    gss_release_buffer(&tmp, &tok);
    /* Tokens from several threads arrive out of order: GAP/UNSEQ are
     * expected supplementary results, never errors or duplicates. */
    if (GSS_ERROR(major) || (major & GSS_S_DUPLICATE_TOKEN))
        r->errors++;
    else if (major != GSS_S_COMPLETE)
        r->seq_info++;
    r->verified++;
    if (k % 8 != 0)
        return;
    major = signet_gss_wrap(&minor, (gss_ctx_id_t)from, 1, 0, &msg, &conf, &tok);
    if (major != GSS_S_COMPLETE) {
        r->errors++;
        return;
    }
    major = signet_gss_unwrap(&minor, (gss_ctx_id_t)to, &tok, &plain, &conf, NULL);
    gss_release_buffer(&tmp, &tok);
    if (GSS_ERROR(major) || (major & GSS_S_DUPLICATE_TOKEN) ||
        plain.length != msg.length || memcmp(plain.value, text, msg.length) != 0)
        r->errors++;
    gss_release_buffer(&tmp, &plain);
}

static void *
worker(void *arg)
{
    struct result *r = arg;
    int k;

    for (k = 0; k < iterations; k++) {
        exchange(ini, acc, k, r);
        exchange(acc, ini, k, r);
    }
    return NULL;
}

int
main(int argc, char **argv)
{
    char dir[] = "/tmp/signet-threads.XXXXXX", path[64];
    int nthreads = argc > 1 ? atoi(argv[1]) : 4, k, errors = 0, made = 0;
    int seq_info = 0;
    pthread_t *th;
    struct result *res;
    FILE *f;

    if (argc > 2)
        iterations = atoi(argv[2]);
    if (nthreads < 1 || nthreads > 64 || iterations < 1) {
        fprintf(stderr, "usage: t_threads [THREADS [ITERATIONS]]\n");
        return 2;
    }
    if (mkdtemp(dir) == NULL)
        return 1;
    snprintf(path, sizeof(path), "%s/psk", dir);
    umask(077);
    f = fopen(path, "w");
    if (f == NULL)
        return 1;
    fprintf(f, "threads 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
    fclose(f);
    setenv("SIGNET_PSK_FILE", path, 1);
    setenv("SIGNET_CONFIG", "/dev/null", 1);
    establish();
    unlink(path);
    rmdir(dir);

    th = calloc((size_t)nthreads, sizeof(*th));
    res = calloc((size_t)nthreads, sizeof(*res));
    if (th == NULL || res == NULL)
        return 1;
    for (k = 0; k < nthreads; k++)
        pthread_create(&th[k], NULL, worker, &res[k]);
    for (k = 0; k < nthreads; k++) {
        pthread_join(th[k], NULL);
        errors += res[k].errors;
        made += res[k].made;
        seq_info += res[k].seq_info;
    }
    signet_ctx_free(&ini);
    signet_ctx_free(&acc);
    free(th);
    free(res);
    printf("%d threads x %d iterations: %d MICs, %d out-of-order notices, "
           "%d errors\n", nthreads, iterations, made, seq_info, errors);
    printf("%d passed, %d failed\n", errors == 0 && made == 2 * nthreads * iterations,
           !(errors == 0 && made == 2 * nthreads * iterations));
    return errors == 0 && made == 2 * nthreads * iterations ? 0 : 1;
}
