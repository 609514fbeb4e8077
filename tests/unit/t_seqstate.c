/*
 * t_seqstate.c - table-driven tests of the receive window (seqstate.c):
 * RFC 2743 1.2.3 statuses with and without replay/sequence detection,
 * 32- and 64-bit wraparound, gaps just under, at and over the window, far
 * jumps and the window edge for the 64-bit and the default 1024-bit window.
 * Prints one line per failure and "N passed, M failed"; exit 0 iff M == 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seqstate.h"

enum result {
    NOERR = GSS_S_COMPLETE,
    GAP = GSS_S_GAP_TOKEN,
    UNSEQ = GSS_S_UNSEQ_TOKEN,
    OLD = GSS_S_OLD_TOKEN,
    REPLAY = GSS_S_DUPLICATE_TOKEN
};
enum { NO_REPLAY = 0, DO_REPLAY = 1 };
enum { NO_SEQ = 0, DO_SEQ = 1 };
enum width { NARROW = 0, WIDE = 1, BOTH = 2 };

#define T40 ((uint64_t)1 << 40)
#define H63 ((uint64_t)1 << 63)
#define H31 ((uint64_t)1 << 31)

struct step {
    uint64_t seqnum;
    enum result result;
};

static const struct test {
    const char *name;
    uint64_t base;
    int replay, sequence;
    enum width width;
    uint32_t window;
    struct step steps[12];
    size_t nsteps;
} tests[] = {
    { "no checking", 10, NO_REPLAY, NO_SEQ, BOTH, 64,
      { { 11, NOERR }, { 10, NOERR }, { 10, NOERR }, { 9, NOERR } }, 4 },
    { "sequence, no wrap", 100, NO_REPLAY, DO_SEQ, BOTH, 64,
      { { 100, NOERR }, { 102, GAP }, { 103, NOERR }, { 101, UNSEQ } }, 4 },
    { "initial gap", 200, NO_REPLAY, DO_SEQ, BOTH, 64,
      { { 201, GAP }, { 202, NOERR }, { 200, UNSEQ }, { 203, NOERR } }, 4 },
    { "32-bit wrap in order", UINT32_MAX - 1, NO_REPLAY, DO_SEQ, NARROW, 64,
      { { UINT32_MAX - 1, NOERR }, { UINT32_MAX, NOERR }, { 0, NOERR },
        { 1, NOERR } }, 4 },
    { "32-bit wrap with gap", UINT32_MAX - 1, NO_REPLAY, DO_SEQ, NARROW, 64,
      { { UINT32_MAX - 1, NOERR }, { 0, GAP }, { UINT32_MAX, UNSEQ },
        { 1, NOERR } }, 4 },
    { "64-bit wrap in order", UINT64_MAX - 1, NO_REPLAY, DO_SEQ, WIDE, 64,
      { { UINT64_MAX - 1, NOERR }, { UINT64_MAX, NOERR }, { 0, NOERR },
        { 1, NOERR } }, 4 },
    { "64-bit wrap with gap", UINT64_MAX - 1, NO_REPLAY, DO_SEQ, WIDE, 64,
      { { UINT64_MAX - 1, NOERR }, { 0, GAP }, { UINT64_MAX, UNSEQ },
        { 1, NOERR } }, 4 },
    { "64-bit past 2^32", UINT32_MAX - 1, NO_REPLAY, DO_SEQ, WIDE, 64,
      { { UINT32_MAX - 1, NOERR }, { UINT32_MAX, NOERR },
        { (uint64_t)UINT32_MAX + 1, NOERR },
        { (uint64_t)UINT32_MAX + 2, NOERR } }, 4 },
    { "64-bit past 2^32 with gap", UINT32_MAX - 1, NO_REPLAY, DO_SEQ, WIDE, 64,
      { { UINT32_MAX - 1, NOERR }, { (uint64_t)UINT32_MAX + 1, GAP },
        { UINT32_MAX, UNSEQ }, { (uint64_t)UINT32_MAX + 2, NOERR } }, 4 },
    /* 0 is 2^32 - 2 numbers before the base: in the past, far behind the
     * window (a forward distance of 2^63 or more is never "ahead"). */
    { "64-bit 0 after 2^32-1 is far behind", UINT32_MAX - 1, NO_REPLAY, DO_SEQ,
      WIDE, 64,
      { { UINT32_MAX - 1, NOERR }, { UINT32_MAX, NOERR }, { 0, UNSEQ } }, 3 },
    /* Issue 7 item 9: 2^64-1 must not wrap the window and re-admit old
     * numbers. */
    { "2^64-1 does not wrap the window (sequence)", 0, DO_REPLAY, DO_SEQ, WIDE, 64,
      { { 0, NOERR }, { 1, NOERR }, { UINT64_MAX, UNSEQ }, { 0, REPLAY },
        { 1, REPLAY }, { UINT64_MAX, REPLAY }, { 2, NOERR } }, 7 },
    { "2^64-1 does not wrap the window (replay only)", 0, DO_REPLAY, NO_SEQ,
      WIDE, 1024,
      { { 0, NOERR }, { 1, NOERR }, { UINT64_MAX, NOERR }, { 0, REPLAY },
        { 1, REPLAY }, { 2, NOERR } }, 6 },
    { "2^32-1 does not wrap a 32-bit window", 0, DO_REPLAY, DO_SEQ, NARROW, 64,
      { { 0, NOERR }, { 1, NOERR }, { UINT32_MAX, UNSEQ }, { 0, REPLAY },
        { 2, NOERR } }, 5 },
    { "forward distance 2^63 is old", 0, DO_REPLAY, DO_SEQ, WIDE, 64,
      { { 0, NOERR }, { ((uint64_t)1 << 63) + 1, UNSEQ }, { 1, NOERR },
        { 0, REPLAY } }, 4 },
    { "forward distance 2^63 - 1 is new", 0, DO_REPLAY, DO_SEQ, WIDE, 64,
      { { 0, NOERR }, { (uint64_t)1 << 63, GAP },
        { ((uint64_t)1 << 63) + 1, NOERR }, { (uint64_t)1 << 63, REPLAY } }, 4 },
    { "forward distance 2^31 is old (32-bit)", 0, DO_REPLAY, NO_SEQ, NARROW, 64,
      { { 0, NOERR }, { ((uint64_t)1 << 31) + 1, OLD }, { 1, NOERR },
        { 0, REPLAY } }, 4 },
    { "repeat without replay flag", 250, NO_REPLAY, DO_SEQ, BOTH, 64,
      { { 250, NOERR }, { 250, UNSEQ } }, 2 },
    { "replay and sequence", 0, DO_REPLAY, DO_SEQ, BOTH, 64,
      { { 5, GAP }, { 3, UNSEQ }, { 8, GAP }, { 3, REPLAY }, { 0, UNSEQ },
        { 0, REPLAY }, { 5, REPLAY }, { 3, REPLAY }, { 8, REPLAY },
        { 9, NOERR } }, 10 },
    { "replay only", 0, DO_REPLAY, NO_SEQ, BOTH, 64,
      { { 5, NOERR }, { 3, NOERR }, { 8, NOERR }, { 3, REPLAY },
        { 0, NOERR }, { 0, REPLAY }, { 5, REPLAY }, { 3, REPLAY },
        { 8, REPLAY }, { 9, NOERR } }, 10 },
    { "replay across 64-bit wrap", UINT64_MAX - 5, DO_REPLAY, DO_SEQ, WIDE, 64,
      { { UINT64_MAX, GAP }, { UINT64_MAX - 2, UNSEQ }, { 0, NOERR },
        { UINT64_MAX, REPLAY }, { UINT64_MAX, REPLAY }, { 2, GAP },
        { 0, REPLAY }, { 1, UNSEQ }, { UINT64_MAX - 2, REPLAY },
        { UINT64_MAX - 6, UNSEQ } }, 10 },
    { "replay across 32-bit wrap", UINT32_MAX - 5, DO_REPLAY, DO_SEQ, NARROW,
      64,
      { { UINT32_MAX, GAP }, { UINT32_MAX - 2, UNSEQ }, { 0, NOERR },
        { UINT32_MAX, REPLAY }, { UINT32_MAX, REPLAY }, { 2, GAP },
        { 0, REPLAY }, { 1, UNSEQ }, { UINT32_MAX - 2, REPLAY },
        { UINT32_MAX - 6, UNSEQ } }, 10 },
    { "64-window edge", 1000, DO_REPLAY, NO_SEQ, BOTH, 64,
      { { 1163, NOERR }, { 1100, NOERR }, { 1100, REPLAY }, { 1163, REPLAY },
        { 1099, OLD }, { 1100, REPLAY }, { 1150, NOERR }, { 1150, REPLAY },
        { 1000, OLD }, { 999, OLD } }, 10 },

    /* A gap of window-1 after two numbers: MIT's map would shift by 64 here
     * (undefined) and wrongly report 64 as seen. */
    { "gap of 63, replay only", 0, DO_REPLAY, NO_SEQ, BOTH, 64,
      { { 0, NOERR }, { 1, NOERR }, { 65, NOERR }, { 64, NOERR },
        { 64, REPLAY }, { 1, OLD }, { 2, NOERR }, { 2, REPLAY },
        { 65, REPLAY } }, 9 },
    { "gap of 63, sequence", 0, DO_REPLAY, DO_SEQ, BOTH, 64,
      { { 0, NOERR }, { 1, NOERR }, { 65, GAP }, { 64, UNSEQ },
        { 64, REPLAY }, { 1, UNSEQ }, { 2, UNSEQ }, { 66, NOERR } }, 8 },
    { "gap of exactly the window", 0, DO_REPLAY, NO_SEQ, BOTH, 64,
      { { 0, NOERR }, { 1, NOERR }, { 66, NOERR }, { 2, OLD }, { 3, NOERR },
        { 66, REPLAY }, { 3, REPLAY } }, 7 },
    { "gap of window+1", 0, DO_REPLAY, NO_SEQ, BOTH, 64,
      { { 0, NOERR }, { 1, NOERR }, { 67, NOERR }, { 3, OLD }, { 4, NOERR },
        { 67, REPLAY }, { 4, REPLAY } }, 7 },
    { "far jump 2^40", 0, DO_REPLAY, NO_SEQ, WIDE, 64,
      { { 0, NOERR }, { T40, NOERR }, { T40, REPLAY }, { T40 - 1, NOERR },
        { T40 - 64, OLD }, { T40 - 63, NOERR }, { T40 - 63, REPLAY },
        { 0, OLD }, { T40 + 1, NOERR }, { T40 - 1, REPLAY } }, 10 },
    { "far jump 2^40, sequence", 0, DO_REPLAY, DO_SEQ, WIDE, 64,
      { { 0, NOERR }, { T40, GAP }, { T40, REPLAY }, { T40 - 1, UNSEQ },
        { 0, UNSEQ }, { T40 + 1, NOERR }, { T40 + 3, GAP } }, 7 },
    /* The farthest jump ahead: a forward distance below 2^63 (2^31). */
    { "far jump to 2^63-1", 0, DO_REPLAY, NO_SEQ, WIDE, 1024,
      { { 0, NOERR }, { H63 - 1, NOERR }, { H63 - 1, REPLAY },
        { H63 - 2, NOERR }, { H63 - 1025, OLD },
        { H63 - 1024, NOERR }, { H63 - 1024, REPLAY },
        { 0, OLD } }, 8 },
    { "far jump to 2^31-1 (32-bit)", 0, DO_REPLAY, DO_SEQ, NARROW, 64,
      { { 0, NOERR }, { H31 - 1, GAP }, { H31 - 1, REPLAY },
        { H31, NOERR }, { H31 + 1, NOERR }, { 2, UNSEQ } }, 6 },
    /* The 1024-bit ring: positions left behind must be cleared. */
    { "1024-window edge and ring reuse", 0, DO_REPLAY, NO_SEQ, BOTH, 1024,
      { { 2000, NOERR }, { 977, NOERR }, { 976, OLD }, { 977, REPLAY },
        { 2000, REPLAY }, { 1999, NOERR }, { 3024, NOERR }, { 2000, OLD },
        { 2001, NOERR }, { 2001, REPLAY }, { 3024, REPLAY }, { 3025, NOERR } },
      12 },
    { "1024-window wrap 32-bit", UINT32_MAX - 10, DO_REPLAY, DO_SEQ, NARROW,
      1024,
      { { UINT32_MAX - 10, NOERR }, { 5, GAP }, { UINT32_MAX, UNSEQ },
        { UINT32_MAX, REPLAY }, { 6, NOERR }, { 5, REPLAY },
        { UINT32_MAX - 10, REPLAY } }, 7 },
    { "1024-window gap of window", 0, DO_REPLAY, NO_SEQ, WIDE, 1024,
      { { 0, NOERR }, { 1025, NOERR }, { 0, OLD }, { 1, OLD }, { 2, NOERR },
        { 2, REPLAY }, { 1025, REPLAY } }, 7 },
};

static int passed, failed;

static void
check(int ok, const char *name, int wide, size_t step, const char *what,
      unsigned got, unsigned want)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    printf("FAIL %s (%s) step %zu: %s: got 0x%x, want 0x%x\n", name,
           wide ? "wide" : "narrow", step, what, got, want);
}

static void
run_table(void)
{
    const struct test *t;
    signet_seqstate st;
    OM_uint32 got;
    size_t i, j;
    int w;

    for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        t = &tests[i];
        for (w = NARROW; w <= WIDE; w++) {
            if (t->width != BOTH && (int)t->width != w)
                continue;
            if (signet_seqstate_init(&st, t->base, t->replay, t->sequence, w,
                                     t->window) != 0) {
                failed++;
                printf("FAIL %s (%s): init refused window %u\n", t->name,
                       w ? "wide" : "narrow", t->window);
                continue;
            }
            for (j = 0; j < t->nsteps; j++) {
                got = signet_seqstate_peek(&st, t->steps[j].seqnum);
                check(got == t->steps[j].result, t->name, w, j, "peek", got,
                      t->steps[j].result);
                got = signet_seqstate_check(&st, t->steps[j].seqnum);
                check(got == t->steps[j].result, t->name, w, j, "check", got,
                      t->steps[j].result);
            }
        }
    }
}

static void
run_misc(void)
{
    static const uint32_t bad[] = { 1, 32, 63, 100, 2048, 4096 };
    static const uint32_t good[] = { 0, 64, 128, 256, 512, 1024 };
    signet_seqstate st, copy;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        check(signet_seqstate_init(&st, 0, 1, 1, 1, bad[i]) == -1,
              "init accepts a bad window", 1, i, "window", bad[i], 0);
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        check(signet_seqstate_init(&st, 0, 1, 1, 1, good[i]) == 0,
              "init refuses a good window", 1, i, "window", good[i], 0);
    check(st.window == SIGNET_SEQ_WINDOW_MAX, "default window", 1, 0,
          "window", st.window, SIGNET_SEQ_WINDOW_MAX);

    /* peek leaves the state exactly as it was */
    signet_seqstate_init(&st, 7, 1, 1, 1, 0);
    signet_seqstate_check(&st, 7);
    signet_seqstate_check(&st, 9);
    copy = st;
    signet_seqstate_peek(&st, 8);
    signet_seqstate_peek(&st, 5000);
    check(memcmp(&copy, &st, sizeof(st)) == 0, "peek changes nothing", 1, 0,
          "state equal", 0, 1);

    /* a long in-order run keeps COMPLETE and detects every replay */
    signet_seqstate_init(&st, 0, 1, 1, 1, 0);
    for (i = 0; i < 5000; i++) {
        OM_uint32 a = signet_seqstate_check(&st, i);
        OM_uint32 b = signet_seqstate_check(&st, i);
        if (a != GSS_S_COMPLETE || b != GSS_S_DUPLICATE_TOKEN) {
            check(0, "in-order run", 1, i, "first/second", a, b);
            break;
        }
    }
    if (i == 5000)
        passed++;
}

int
main(void)
{
    run_table();
    run_misc();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
