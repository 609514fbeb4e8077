/*
 * fork.h - what Signet does about fork(): process generations and a lock
 * that a child never finds held by a thread it does not have.
 *
 * Signet runs inside pre-forking servers and Python pools.  A fork()ed
 * child starts with copies of every context and every lock of its parent
 * but only the forking thread.  Two rules follow (docs/tokens.md, section
 * 5; docs/protocol.md, "Processes"):
 *  - A context must never make a token in the child with a nonce its
 *    parent also uses: the per-message code compares the process's fork
 *    generation with the one its context last saw (one atomic load per
 *    token, no syscall) and gives the child's copy a new instance.
 *  - No lock may be left held by a thread that exists only in the parent:
 *    the locks of per-context state are signet_forklocks, whose lock word
 *    carries the generation of the process that took it; a child's first
 *    locker takes over a lock held at fork time.
 * The generations are bumped by pthread_atfork handlers, registered once.
 */
#ifndef SIGNET_FORK_H
#define SIGNET_FORK_H

#include <stdatomic.h>
#include <stdint.h>

/* Fork events this process has been part of (as parent or child). */
extern _Atomic uint32_t signet_fork_events;
/* Forks this process descends from: changes only in a child. */
extern _Atomic uint32_t signet_fork_lineage;

/* Registers the atfork handlers (once; cheap after the first call). */
void signet_fork_init(void);

static inline uint32_t
signet_fork_events_now(void)
{
    return atomic_load_explicit(&signet_fork_events, memory_order_acquire);
}

/*
 * A small lock for short critical sections.  Waiters spin, then yield.
 * The word is lineage << 1 | held: a word held under an older lineage was
 * taken by a thread of an ancestor process, and is free in this one.
 */
typedef struct signet_forklock {
    _Atomic uint64_t word;
} signet_forklock;

#define SIGNET_FORKLOCK_INIT { 0 }
void signet_forklock_lock(signet_forklock *l);
/* 1 if taken, 0 if another thread of this process holds it. */
int signet_forklock_trylock(signet_forklock *l);
void signet_forklock_unlock(signet_forklock *l);

#endif /* SIGNET_FORK_H */
