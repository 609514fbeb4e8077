/*
 * seqstate.h - receive-side replay and sequence detection (RFC 2743 1.2.3)
 * over 64-bit (or 32-bit) sequence numbers with a sliding window.
 *
 * The window is a ring of bits indexed by sequence number modulo its size,
 * so advancing costs one bit per step and a far jump clears the ring: no
 * shift is ever as wide as its operand.  The state is not locked here; the
 * caller (message.c) serialises calls on one state with its mutex.
 */
#ifndef SIGNET_SEQSTATE_H
#define SIGNET_SEQSTATE_H

#include <stdint.h>
#include <gssapi/gssapi.h>

#define SIGNET_SEQ_WINDOW_MIN 64
#define SIGNET_SEQ_WINDOW_MAX 1024      /* bits; the default window */
#define SIGNET_SEQ_WORDS (SIGNET_SEQ_WINDOW_MAX / 64)

typedef struct signet_seqstate {
    int do_replay;          /* GSS_C_REPLAY_FLAG */
    int do_sequence;        /* GSS_C_SEQUENCE_FLAG */
    uint64_t mask;          /* UINT64_MAX, or UINT32_MAX for 32-bit numbers */
    uint32_t window;        /* power of two, MIN..MAX */
    uint64_t base;          /* first expected number; others are relative */
    uint64_t next;          /* relative: one past the highest seen */
    uint64_t seen[SIGNET_SEQ_WORDS];  /* bit (rel % window): rel was seen */
} signet_seqstate;

/*
 * Initialises st.  base is the first sequence number expected; wide selects
 * 64-bit (1) or 32-bit (0) arithmetic; window is the number of numbers
 * behind the highest seen that replay detection remembers (a power of two
 * between SIGNET_SEQ_WINDOW_MIN and SIGNET_SEQ_WINDOW_MAX; 0 means MAX).
 * Returns 0, or -1 for a bad window.
 */
int signet_seqstate_init(signet_seqstate *st, uint64_t base, int do_replay,
                         int do_sequence, int wide, uint32_t window);

/*
 * Checks a received sequence number (of a token whose MAC has been
 * verified) and records it.  Returns GSS_S_COMPLETE or exactly one
 * supplementary status:
 *   expected next                      COMPLETE
 *   ahead of the expected (a gap)      GAP_TOKEN (COMPLETE if replay-only)
 *   behind, inside the window, unseen  UNSEQ_TOKEN (COMPLETE if replay-only)
 *   behind, inside the window, seen    DUPLICATE_TOKEN (replay detection)
 *   behind the window                  UNSEQ_TOKEN (OLD_TOKEN if replay-only)
 * With neither flag the state is untouched and the result is COMPLETE.
 */
OM_uint32 signet_seqstate_check(signet_seqstate *st, uint64_t seqnum);

/* Like check, but changes nothing. */
OM_uint32 signet_seqstate_peek(const signet_seqstate *st, uint64_t seqnum);

#endif /* SIGNET_SEQSTATE_H */
