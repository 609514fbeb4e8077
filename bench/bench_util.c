/*
 * bench_util.c - timing, calibration and heap accounting shared by the
 * Signet benchmark programs (see bench.h).
 */
#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"

double
bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One batch of n: setup, timed run, teardown; elapsed seconds or -1. */
static double
one_batch(const struct bench_cell *cell, size_t n)
{
    double t0, t1;
    int r;

    if (cell->setup != NULL && cell->setup(cell->arg, n) != 0)
        return -1;
    t0 = bench_now();
    r = cell->run(cell->arg, n);
    t1 = bench_now();
    if (cell->teardown != NULL && cell->teardown(cell->arg, n) != 0)
        return -1;
    return r == 0 ? t1 - t0 : -1;
}

int
bench_measure(const struct bench_cell *cell, double seconds, int reps,
              double *best_ns, size_t *batch)
{
    double target, t, best = -1;
    size_t n = 1;
    int i;

    if (reps < 1)
        reps = 1;
    target = seconds / reps;
    /* Warm up (first-use costs, caches) and grow n until a batch takes at
     * least a quarter of the target, then scale to the target. */
    for (;;) {
        t = one_batch(cell, n);
        if (t < 0)
            return -1;
        if (t >= target / 4 || n >= BENCH_MAX_BATCH)
            break;
        if (t <= 0)
            n *= 8;
        else if (target / 4 / t > 8)
            n *= 8;
        else
            n *= 2;
        if (n > BENCH_MAX_BATCH)
            n = BENCH_MAX_BATCH;
    }
    if (t > 0 && t < target) {
        double scaled = (double)n * target / t;
        n = scaled > BENCH_MAX_BATCH ? BENCH_MAX_BATCH : (size_t)scaled;
        if (n < 1)
            n = 1;
    }
    for (i = 0; i < reps; i++) {
        t = one_batch(cell, n);
        if (t < 0)
            return -1;
        if (best < 0 || t < best)
            best = t;
    }
    *best_ns = best * 1e9 / (double)n;
    if (batch != NULL)
        *batch = n;
    return 0;
}

/* ---- signature cells ----------------------------------------------------- */

struct mic_cell {
    const struct bench_mic_ops *ops;
    unsigned qop;
    const uint8_t *msg;
    size_t len;
    void *tok[BENCH_MAX_BATCH];
    size_t toklen[BENCH_MAX_BATCH];
    size_t ntok;
};

static int
mic_sign_n(void *arg, size_t n)
{
    struct mic_cell *c = arg;
    const struct bench_mic_ops *o = c->ops;
    size_t i;

    for (i = 0; i < n; i++) {
        if (o->sign(o->sender, c->qop, c->msg, c->len, &c->tok[i],
                    &c->toklen[i]) != 0)
            return bench_fail("signing a %zu-byte message failed", c->len);
        c->ntok = i + 1;
    }
    return 0;
}

static int
mic_verify_n(void *arg, size_t n)
{
    struct mic_cell *c = arg;
    const struct bench_mic_ops *o = c->ops;
    size_t i;

    for (i = 0; i < n; i++) {
        if (o->verify(o->receiver, c->msg, c->len, c->tok[i],
                      c->toklen[i]) != 0)
            return bench_fail("verifying token %zu of %zu failed", i, n);
    }
    return 0;
}

static int
mic_free_all(void *arg, size_t n)
{
    struct mic_cell *c = arg;
    size_t i;

    (void)n;
    for (i = 0; i < c->ntok; i++)
        c->ops->free_token(c->tok[i], c->toklen[i]);
    c->ntok = 0;
    return 0;
}

/* Teardown of the signing cell: verify (untimed) and free. */
static int
mic_verify_free(void *arg, size_t n)
{
    int r = mic_verify_n(arg, n);

    mic_free_all(arg, n);
    return r;
}

int
bench_measure_mic(const struct bench_mic_ops *ops, unsigned qop, size_t len,
                  double seconds, int reps, double *sign_ns,
                  double *verify_ns, size_t *toklen)
{
    struct mic_cell *c;
    uint8_t *msg;
    struct bench_cell sign = { NULL, mic_sign_n, mic_verify_free, NULL };
    struct bench_cell verify = { mic_sign_n, mic_verify_n, mic_free_all, NULL };
    size_t i;
    int r = -1;

    c = calloc(1, sizeof(*c));
    msg = malloc(len ? len : 1);
    if (c == NULL || msg == NULL)
        goto done;
    for (i = 0; i < len; i++)
        msg[i] = (uint8_t)(i * 131 + 7);
    c->ops = ops;
    c->qop = qop;
    c->msg = msg;
    c->len = len;
    sign.arg = verify.arg = c;
    if (bench_measure(&sign, seconds / 2, reps, sign_ns, NULL) != 0 ||
        bench_measure(&verify, seconds / 2, reps, verify_ns, NULL) != 0)
        goto done;
    /* One more token, for its length. */
    if (mic_sign_n(c, 1) != 0)
        goto done;
    *toklen = c->toklen[0];
    r = mic_verify_free(c, 1);
done:
    if (c != NULL)
        mic_free_all(c, 0);
    free(c);
    free(msg);
    return r;
}

size_t
bench_heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();

    /* uordblks: in-use bytes of the arenas; hblkhd: mmap()ed blocks. */
    return mi.uordblks + mi.hblkhd;
}

int
bench_parse_list(const char *text, unsigned long *out, int max)
{
    const char *p = text;
    char *end;
    int n = 0;

    while (*p != '\0') {
        if (n >= max)
            return -1;
        errno = 0;
        out[n++] = strtoul(p, &end, 0);
        if (errno != 0 || end == p || (*end != ',' && *end != '\0'))
            return -1;
        p = *end == ',' ? end + 1 : end;
    }
    return n;
}

int
bench_fail(const char *fmt, ...)
{
    va_list ap;

    fputs("bench: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}
