/*
 * seqstate.c - receive-side replay and sequence detection for per-message
 * tokens (RFC 2743 section 1.2.3), over a ring-bitmap sliding window.
 *
 * Numbers are taken relative to the first expected number (base), as MIT's
 * util_seqstate.c does, and compared modulo the number space (2^64 or
 * 2^32): a number less than half the space ahead of "next" is new, any
 * other is in the past, so no number can wrap the window round.
 * Bit (rel mod window) of the ring records whether rel was seen; it is
 * cleared as the window slides over it.  Because the window divides 2^32,
 * positions stay consistent when relative numbers wrap.
 */
#include <string.h>

#include "seqstate.h"

int
signet_seqstate_init(signet_seqstate *st, uint64_t base, int do_replay,
                     int do_sequence, int wide, uint32_t window)
{
    memset(st, 0, sizeof(*st));
    if (window == 0)
        window = SIGNET_SEQ_WINDOW_MAX;
    if (window < SIGNET_SEQ_WINDOW_MIN || window > SIGNET_SEQ_WINDOW_MAX ||
        (window & (window - 1)) != 0)
        return -1;
    st->do_replay = do_replay != 0;
    st->do_sequence = do_sequence != 0;
    st->mask = wide ? UINT64_MAX : UINT32_MAX;
    st->window = window;
    st->base = base & st->mask;
    st->next = 0;
    return 0;
}

static int
bit_get(const signet_seqstate *st, uint64_t rel)
{
    uint64_t pos = rel & (st->window - 1);

    return (st->seen[pos / 64] >> (pos % 64)) & 1;
}

static void
bit_set(signet_seqstate *st, uint64_t rel)
{
    uint64_t pos = rel & (st->window - 1);

    st->seen[pos / 64] |= (uint64_t)1 << (pos % 64);
}

static void
bit_clear(signet_seqstate *st, uint64_t rel)
{
    uint64_t pos = rel & (st->window - 1);

    st->seen[pos / 64] &= ~((uint64_t)1 << (pos % 64));
}

static OM_uint32
seq_check(signet_seqstate *st, uint64_t seqnum, int record)
{
    uint64_t rel, gap, back, i;

    if (!st->do_replay && !st->do_sequence)
        return GSS_S_COMPLETE;

    rel = (seqnum - st->base) & st->mask;
    /* Forward distance from the expected number, modulo the number space:
     * less than half the space ahead is new; half or more is in the past.
     * (Without this, a number like 2^64-1 would slide the window past the
     * end of the space, wrap "next" to 0 and make every old number look
     * new again.) */
    gap = (rel - st->next) & st->mask;
    if (gap <= st->mask >> 1) {
        /* The expected number or a later one: slide the window to it. */
        if (record) {
            if (gap >= st->window) {
                memset(st->seen, 0, sizeof(st->seen));
            } else {
                for (i = 0; i < gap; i++)
                    bit_clear(st, st->next + i);
            }
            bit_set(st, rel);
            st->next = (rel + 1) & st->mask;
        }
        return (gap > 0 && st->do_sequence) ? GSS_S_GAP_TOKEN
                                            : GSS_S_COMPLETE;
    }

    /* In the past: back >= 1 numbers behind the expected one. */
    back = (st->next - rel) & st->mask;
    if (back > st->window)
        return st->do_sequence ? GSS_S_UNSEQ_TOKEN : GSS_S_OLD_TOKEN;
    if (bit_get(st, rel)) {
        if (st->do_replay)
            return GSS_S_DUPLICATE_TOKEN;
    } else if (record) {
        bit_set(st, rel);
    }
    return st->do_sequence ? GSS_S_UNSEQ_TOKEN : GSS_S_COMPLETE;
}

OM_uint32
signet_seqstate_check(signet_seqstate *st, uint64_t seqnum)
{
    return seq_check(st, seqnum, 1);
}

OM_uint32
signet_seqstate_peek(const signet_seqstate *st, uint64_t seqnum)
{
    signet_seqstate copy = *st;

    return seq_check(&copy, seqnum, 0);
}
