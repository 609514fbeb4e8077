/*
 * fork.c - process generations across fork() and the fork-safe lock
 * (fork.h).  Depends on nothing else of Signet.
 */
#include <pthread.h>
#include <sched.h>

#include "fork.h"

_Atomic uint32_t signet_fork_events;
_Atomic uint32_t signet_fork_lineage;

static pthread_once_t fork_once = PTHREAD_ONCE_INIT;

static void
after_fork_parent(void)
{
    atomic_fetch_add_explicit(&signet_fork_events, 1, memory_order_release);
}

/* Runs in the child before fork() returns, with one thread. */
static void
after_fork_child(void)
{
    atomic_fetch_add_explicit(&signet_fork_lineage, 1, memory_order_release);
    atomic_fetch_add_explicit(&signet_fork_events, 1, memory_order_release);
}

static void
fork_register(void)
{
    /* glibc unregisters the handlers when a library that registered them
     * is unloaded (they are tied to its __dso_handle). */
    (void)pthread_atfork(NULL, after_fork_parent, after_fork_child);
}

void
signet_fork_init(void)
{
    (void)pthread_once(&fork_once, fork_register);
}

static uint64_t
held_word(void)
{
    return (uint64_t)atomic_load_explicit(&signet_fork_lineage,
                                          memory_order_acquire) << 1 | 1;
}

int
signet_forklock_trylock(signet_forklock *l)
{
    uint64_t mine = held_word();
    uint64_t w = atomic_load_explicit(&l->word, memory_order_relaxed);

    for (;;) {
        /* Held by a thread of this process (same lineage): busy. */
        if ((w & 1) && w == mine)
            return 0;
        if (atomic_compare_exchange_weak_explicit(&l->word, &w, mine,
                                                  memory_order_acquire,
                                                  memory_order_relaxed))
            return 1;
    }
}

void
signet_forklock_lock(signet_forklock *l)
{
    unsigned spins = 0;

    while (!signet_forklock_trylock(l)) {
        if (++spins < 64) {
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#endif
        } else {
            sched_yield();
        }
    }
}

void
signet_forklock_unlock(signet_forklock *l)
{
    atomic_store_explicit(&l->word, held_word() & ~(uint64_t)1,
                          memory_order_release);
}
