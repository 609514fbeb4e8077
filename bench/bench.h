/*
 * bench.h - what every Signet benchmark program shares (implemented in
 * bench_util.c): a monotonic clock, auto-calibrated best-of-N timing of a
 * batch operation, a signature-API timer, heap usage from mallinfo2(), and
 * small parsers for the command line.
 *
 * A benchmark describes one measured cell as a struct bench_cell: an
 * optional untimed setup of n operations, the timed batch of n operations,
 * and an optional untimed teardown.  bench_measure() picks n so that one
 * timed batch lasts about seconds/reps, runs reps batches and keeps the
 * fastest (the machine is shared and noisy: the minimum is the figure least
 * disturbed by other work).  Output is one line per figure, "key=value"
 * fields, for bench/report.py to read.
 *
 * The benchmarks only print; nothing here fails on a slow figure.
 */
#ifndef SIGNET_BENCH_H
#define SIGNET_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* Largest batch any cell is asked to run (token arrays are this long). */
#define BENCH_MAX_BATCH 65536

struct bench_cell {
    /* Untimed: prepares n operations (e.g. makes n tokens to verify). */
    int (*setup)(void *arg, size_t n);
    /* Timed: runs n operations; 0 on success. */
    int (*run)(void *arg, size_t n);
    /* Untimed: undoes what setup and run left behind. */
    int (*teardown)(void *arg, size_t n);
    void *arg;
};

/*
 * A per-message signature API under test: sign() makes a token over a
 * message on the sending end, verify() checks it on the receiving end.
 * bench_mic.c fills this with gss_get_mic/gss_verify_mic; an SSPI program
 * can fill it with MakeSignature/VerifySignature and reuse
 * bench_measure_mic() unchanged, so both are timed the same way.
 */
struct bench_mic_ops {
    void *sender;
    void *receiver;
    /* Signs msg[0..len) with qop; *tok receives a token to free_token(). */
    int (*sign)(void *sender, unsigned qop, const void *msg, size_t len,
                void **tok, size_t *toklen);
    /* 0 when tok is a valid signature of msg, in order. */
    int (*verify)(void *receiver, const void *msg, size_t len,
                  const void *tok, size_t toklen);
    void (*free_token)(void *tok, size_t toklen);
};

/* Seconds since an arbitrary point (CLOCK_MONOTONIC). */
double bench_now(void);

/*
 * Times cell: calibrates the batch size, then returns in *best_ns the
 * fastest of reps batches, per operation, and in *batch the batch size.
 * 0 on success, -1 if a callback failed.
 */
int bench_measure(const struct bench_cell *cell, double seconds, int reps,
                  double *best_ns, size_t *batch);

/*
 * Times sign and verify of a len-byte message with qop: ns per call of
 * each (best of reps batches, each batch about seconds/reps long) and the
 * token length.  Every token made is verified, in order, so that receivers
 * with replay and sequence checking stay in step.  0 on success.
 */
int bench_measure_mic(const struct bench_mic_ops *ops, unsigned qop,
                      size_t len, double seconds, int reps, double *sign_ns,
                      double *verify_ns, size_t *toklen);

/* Bytes the process has allocated with malloc (in use, not free). */
size_t bench_heap_in_use(void);

/* Parses "32,1024,65536" into out (at most max values); returns the count,
 * or -1 on a malformed list. */
int bench_parse_list(const char *text, unsigned long *out, int max);

/* Prints "bench: " and the message to stderr; returns -1. */
int bench_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* SIGNET_BENCH_H */
