/*
 * handles.c - the SSPI handle table.
 *
 * A SecHandle names a slot: dwUpper = generation << 32 | slot index,
 * dwLower = a magic, the handle kind and the package index.  Each slot holds
 * the package and the package's own LSA_SEC_HANDLE.
 *
 * Lookups take no lock: a slot's state word (64-bit atomic) packs
 *   generation (bits 32..63) | LIVE (bit 31) | EXCLUSIVE (bit 30) |
 *   reference count (bits 0..29).
 * sspi_handle_get increments the count with a compare-and-swap that also
 * checks LIVE and the generation; sspi_handle_delete clears LIVE and bumps the
 * generation in one CAS, so the handle value is dead at once; the package
 * object is released by whichever comes last, the delete (no references) or
 * the final sspi_handle_put.  A slot is reused only after that release, with
 * the new generation, so a stale or copied handle never reaches a new
 * object.  Allocation and reuse take a fork-safe lock (rare calls).  Slots live in
 * chunks that are never freed, so a lookup never touches freed memory.
 *
 * Exclusive use (ExportSecurityContext, which replaces the package's
 * context under its handle).  sspi_handle_get_exclusive sets EXCLUSIVE and
 * takes its own reference in one CAS (only on a live slot of the handle's
 * generation without EXCLUSIVE; a second exclusive caller waits as a plain
 * get does), then waits until the count is 1: from the moment EXCLUSIVE is
 * set no plain get can add a reference (its CAS expects a word without the
 * bit), so the count only falls, as the calls already inside finish.  While
 * EXCLUSIVE is set, sspi_handle_get does not fail: it yields the processor
 * (sched_yield) and reads the word again, so concurrent calls wait for the
 * exclusive holder, then either go on with the object it left or, if the
 * handle died meanwhile, return SEC_E_INVALID_HANDLE.
 * sspi_handle_put_exclusive(ref, kill) clears EXCLUSIVE and drops the
 * reference in one CAS; with kill it also clears LIVE and bumps the
 * generation in that same CAS (a delete no waiter can slip in front of), so
 * the waiters see the handle dead and return SEC_E_INVALID_HANDLE.  The
 * common path pays nothing for this: sspi_handle_get still makes one CAS
 * (EXCLUSIVE is one more bit its existing check reads).
 *
 * Memory ordering (every RMW below is seq_cst, which contains what is
 * needed; the loads that only decide whether to retry may be relaxed).
 *   - Plain holders: the CAS of sspi_handle_get is an acquire on success and
 *     sspi_handle_put's fetch_sub a release.
 *   - Exclusive entry: the waiting loop's acquire load that reads count 1
 *     reads the value of the last put, and each earlier put heads a release
 *     sequence that every later RMW on the word continues (all writes to the
 *     word are RMWs).  So everything every earlier holder did to the package
 *     object happens before the exclusive holder touches it.
 *   - Exclusive exit: the release CAS of sspi_handle_put_exclusive is read
 *     (directly or through the RMWs after it) by the acquire CAS of every
 *     later successful get, so the package object the exclusive holder left
 *     (for the GSS bridge: the re-imported GSS context) is visible to every
 *     later call.  A waiter that only reads the word while EXCLUSIVE is set
 *     touches nothing else.
 *   - The CAS of a get is on the whole word, so an ABA (EXCLUSIVE set and
 *     cleared, count back where it was) lets a stale CAS succeed only on a
 *     word that is again live, of the same generation and not exclusive:
 *     what the get checks; and the CAS still reads the latest value, so it
 *     still synchronises with the exclusive exit.
 * Interleavings with the other operations:
 *   - sspi_handle_delete during an exclusive hold (also during the wait for
 *     the count to drain): it clears LIVE and bumps the generation but keeps
 *     EXCLUSIVE and the count; the exclusive reference keeps the count above
 *     zero, so the delete never destroys; waiters see the dead handle and
 *     fail.  The exclusive holder finishes its work on the object, still
 *     valid, and its put_exclusive, the last reference, destroys it (kill
 *     then finds the handle already dead and does nothing more).
 *   - sspi_handle_put by a plain holder during the hold: only lowers the
 *     count; it cannot be the last reference (the exclusive one is still
 *     there), so it never destroys under the exclusive holder.
 *   - Two exclusive callers: the second waits like a plain get until the
 *     first releases, then takes the handle, or fails with
 *     SEC_E_INVALID_HANDLE if the first killed it.  Never both at once.
 *   - Deadlock: the waits are for plain holders to leave a package call and
 *     for the exclusive holder to leave its own; neither holds a handle
 *     reference across a wait on another (no package call takes a
 *     reference on its own context's handle).
 *   - fork(): a child forked while another thread holds EXCLUSIVE would wait
 *     for ever on that handle, as with a mutex held at fork (POSIX allows
 *     only async-signal-safe calls there).
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "sspi_int.h"
#include "fork.h"

#define CHUNK_BITS 10
#define CHUNK_SIZE (1u << CHUNK_BITS)
#define MAX_CHUNKS 1024u
#define LIVE ((uint64_t)1 << 31)
#define EXCLUSIVE ((uint64_t)1 << 30)
#define REFS ((uint64_t)EXCLUSIVE - 1)
#define LOW_BITS ((uint64_t)0xFFFFFFFFu)   /* LIVE | EXCLUSIVE | REFS */
#define GEN(s) ((uint32_t)((s) >> 32))
#define WITH_GEN(g) ((uint64_t)(uint32_t)(g) << 32)
#define LOWER_MAGIC ((ULONG_PTR)0x53470000u)

/* One cache line per slot: threads working on different contexts do not
 * share the line their reference counts live in (no false sharing). */
struct slot {
    _Alignas(64) _Atomic uint64_t state;
    _Atomic ULONG_PTR lower;   /* atomic: read by a racing delete */
    const struct sspi_package *pkg;
    LSA_SEC_HANDLE lsa;
    uint32_t index;
    uint32_t next_free;
};

static struct slot *_Atomic chunks[MAX_CHUNKS];
static _Atomic uint32_t nslots;          /* slots ever handed out */
static uint32_t free_head = UINT32_MAX;  /* under lock */
/* Fork-safe (mech/fork.h): a child never finds it held by a thread it
 * does not have. */
static signet_forklock lock = SIGNET_FORKLOCK_INIT;

static struct slot *
slot_at(uint32_t index)
{
    struct slot *chunk;

    if (index >= atomic_load(&nslots))
        return NULL;
    chunk = atomic_load(&chunks[index >> CHUNK_BITS]);
    return chunk == NULL ? NULL : &chunk[index & (CHUNK_SIZE - 1)];
}

static ULONG_PTR
lower_of(enum sspi_kind kind, const struct sspi_package *pkg)
{
    return LOWER_MAGIC | ((ULONG_PTR)kind << 12) | (pkg->index & 0xFFF);
}

SECURITY_STATUS
sspi_handle_new(enum sspi_kind kind, const struct sspi_package *pkg,
                LSA_SEC_HANDLE lsa, PSecHandle out)
{
    struct slot *s = NULL;
    uint32_t index;
    uint64_t state;

    signet_forklock_lock(&lock);
    if (free_head != UINT32_MAX) {
        index = free_head;
        s = slot_at(index);
        free_head = s->next_free;
    } else {
        index = atomic_load(&nslots);
        if ((index >> CHUNK_BITS) >= MAX_CHUNKS) {
            signet_forklock_unlock(&lock);
            return SEC_E_INSUFFICIENT_MEMORY;
        }
        if (atomic_load(&chunks[index >> CHUNK_BITS]) == NULL) {
            struct slot *chunk = aligned_alloc(64, CHUNK_SIZE * sizeof(*chunk));

            if (chunk != NULL)
                memset(chunk, 0, CHUNK_SIZE * sizeof(*chunk));
            if (chunk == NULL) {
                signet_forklock_unlock(&lock);
                return SEC_E_INSUFFICIENT_MEMORY;
            }
            atomic_store(&chunks[index >> CHUNK_BITS], chunk);
        }
        atomic_store(&nslots, index + 1);
        s = slot_at(index);
    }
    s->pkg = pkg;
    s->lsa = lsa;
    s->index = index;
    atomic_store_explicit(&s->lower, lower_of(kind, pkg), memory_order_relaxed);
    s->next_free = UINT32_MAX;
    state = atomic_load(&s->state) & ~LOW_BITS;   /* keeps the generation */
    atomic_store(&s->state, state | LIVE);
    signet_forklock_unlock(&lock);
    out->dwLower = lower_of(kind, pkg);
    out->dwUpper = ((ULONG_PTR)GEN(state) << 32) | index;
    return SEC_E_OK;
}

static struct slot *
find(enum sspi_kind kind, const SecHandle *h, uint32_t *gen)
{
    struct slot *s;

    if (h == NULL || (h->dwLower & ~(ULONG_PTR)0xFFFF) != LOWER_MAGIC ||
        ((h->dwLower >> 12) & 0xF) != (ULONG_PTR)kind)
        return NULL;
    s = slot_at((uint32_t)(h->dwUpper & 0xFFFFFFFFu));
    *gen = (uint32_t)((uint64_t)h->dwUpper >> 32);
    return s;
}

/*
 * Takes a reference on h's slot, setting the bits `extra` (0 or EXCLUSIVE)
 * in the same CAS; while another caller holds the slot exclusively, waits
 * (yielding) and looks again.  SEC_E_INVALID_HANDLE when h is not (or no
 * longer) a live handle of kind.
 */
static SECURITY_STATUS
take(enum sspi_kind kind, const SecHandle *h, uint64_t extra, struct sspi_ref *ref)
{
    SECURITY_STATUS st = SEC_E_INVALID_HANDLE;
    struct slot *s;
    uint32_t gen = 0;
    uint64_t state;

    memset(ref, 0, sizeof(*ref));
    s = find(kind, h, &gen);
    if (s == NULL)
        goto done;
    /* Relaxed: only a guess for the CAS, which reads the word again. */
    state = atomic_load_explicit(&s->state, memory_order_relaxed);
    for (;;) {
        if (!(state & LIVE) || GEN(state) != gen || (state & REFS) == REFS)
            goto done;
        if (state & EXCLUSIVE) {
            sched_yield();
            state = atomic_load_explicit(&s->state, memory_order_relaxed);
            continue;
        }
        if (atomic_compare_exchange_weak(&s->state, &state, (state | extra) + 1))
            break;
    }
    ref->slot = s;
    /* Referenced and live: the payload is stable. */
    if (atomic_load_explicit(&s->lower, memory_order_relaxed) != h->dwLower) {
        if (extra != 0)
            sspi_handle_put_exclusive(ref, 0);
        else
            sspi_handle_put(ref);
        goto done;
    }
    ref->pkg = s->pkg;
    ref->lsa = s->lsa;
    st = SEC_E_OK;
done:
    return st;
}

SECURITY_STATUS
sspi_handle_get(enum sspi_kind kind, const SecHandle *h, struct sspi_ref *ref)
{
    return take(kind, h, 0, ref);
}

SECURITY_STATUS
sspi_handle_get_exclusive(enum sspi_kind kind, const SecHandle *h, struct sspi_ref *ref)
{
    SECURITY_STATUS st = take(kind, h, EXCLUSIVE, ref);
    struct slot *s = ref->slot;

    if (st != SEC_E_OK)
        goto done;
    /* No reference can be added now: wait for the holders to leave.  The
     * acquire load that sees only ours orders their work before ours (the
     * header comment). */
    while ((atomic_load_explicit(&s->state, memory_order_acquire) & REFS) != 1)
        sched_yield();
done:
    return st;
}

/* Releases the package object of a dead slot and recycles the slot. */
static NTSTATUS
destroy(struct slot *s)
{
    NTSTATUS nt = STATUS_SUCCESS;
    const struct sspi_package *pkg = s->pkg;

    if (((atomic_load_explicit(&s->lower, memory_order_relaxed) >> 12) & 0xF) ==
        SSPI_KIND_CTXT) {
        if (pkg->user != NULL && pkg->user->DeleteUserModeContext != NULL)
            (void)pkg->user->DeleteUserModeContext(s->lsa);
        if (pkg->lsa->DeleteContext != NULL)
            nt = pkg->lsa->DeleteContext(s->lsa);
    } else if (pkg->lsa->FreeCredentialsHandle != NULL) {
        nt = pkg->lsa->FreeCredentialsHandle(s->lsa);
    }
    signet_forklock_lock(&lock);
    s->pkg = NULL;
    s->lsa = 0;
    s->next_free = free_head;
    free_head = s->index;
    signet_forklock_unlock(&lock);
    return nt;
}

void
sspi_handle_put(struct sspi_ref *ref)
{
    struct slot *s = ref->slot;
    uint64_t before;

    if (s == NULL)
        return;
    ref->slot = NULL;
    before = atomic_fetch_sub(&s->state, 1);
    if ((before & REFS) == 1 && !(before & LIVE))
        (void)destroy(s);
}

void
sspi_handle_put_exclusive(struct sspi_ref *ref, int kill)
{
    struct slot *s = ref->slot;
    uint64_t state, next;

    if (s == NULL)
        return;
    ref->slot = NULL;
    state = atomic_load_explicit(&s->state, memory_order_relaxed);
    do {
        next = state & ~EXCLUSIVE;
        /* Still LIVE while we hold a reference: still our generation. */
        if (kill && (next & LIVE))
            next = WITH_GEN(GEN(next) + 1) | (next & REFS);
        next -= 1;
    } while (!atomic_compare_exchange_weak(&s->state, &state, next));
    if ((next & REFS) == 0 && !(next & LIVE))
        (void)destroy(s);
}

SECURITY_STATUS
sspi_handle_delete(enum sspi_kind kind, const SecHandle *h)
{
    struct slot *s;
    uint32_t gen = 0;
    uint64_t state, next;

    s = find(kind, h, &gen);
    if (s == NULL)
        return SEC_E_INVALID_HANDLE;
    state = atomic_load(&s->state);
    do {
        if (!(state & LIVE) || GEN(state) != gen ||
            atomic_load_explicit(&s->lower, memory_order_relaxed) != h->dwLower)
            return SEC_E_INVALID_HANDLE;
        /* An exclusive holder keeps its bit and its reference. */
        next = WITH_GEN(gen + 1) | (state & (EXCLUSIVE | REFS));
    } while (!atomic_compare_exchange_weak(&s->state, &state, next));
    if ((state & REFS) == 0)
        return sspi_status_from_nt(SSPI_SITE_ANY, destroy(s));
    return SEC_E_OK;
}
