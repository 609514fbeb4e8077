/*
 * t_threads.c - concurrent per-message calls on one established context
 * pair (RPCSEC_GSS servers do this): threads sign on the initiator and
 * verify on the acceptor and the other way round, at the same time, and
 * wrap/unwrap.  Run plainly by make check and under ThreadSanitizer by
 * tests/test_threads.py.
 *
 *   t_threads [THREADS [ITERATIONS]]
 *
 * The pair is established through the core's gss_init/accept functions
 * (pair.c).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pair.h"

static signet_ctx *ini, *acc;
static int iterations = 2000;

struct result {
    int made, verified, seq_info, errors;
};

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
    int nthreads = argc > 1 ? atoi(argv[1]) : 4, k, errors = 0, made = 0;
    int seq_info = 0;
    pthread_t *th;
    struct result *res;

    if (argc > 2)
        iterations = atoi(argv[2]);
    if (nthreads < 1 || nthreads > 64 || iterations < 1) {
        fprintf(stderr, "usage: t_threads [THREADS [ITERATIONS]]\n");
        return 2;
    }
    pair_establish(PAIR_FLAGS, &ini, &acc);

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
