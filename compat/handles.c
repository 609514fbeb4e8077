/*
 * handles.c - the SSPI handle table.
 *
 * A SecHandle names a slot: dwUpper = generation << 32 | slot index,
 * dwLower = a magic, the handle kind and the package index.  Each slot holds
 * the package and the package's own LSA_SEC_HANDLE.
 *
 * Lookups take no lock: a slot's state word (64-bit atomic) packs
 *   generation (bits 32..63) | LIVE (bit 31) | reference count (bits 0..30).
 * sspi_handle_get increments the count with a compare-and-swap that also
 * checks LIVE and the generation; sspi_handle_delete clears LIVE and bumps the
 * generation in one CAS, so the handle value is dead at once; the package
 * object is released by whichever comes last, the delete (no references) or
 * the final sspi_handle_put.  A slot is reused only after that release, with
 * the new generation, so a stale or copied handle never reaches a new
 * object.  Allocation and reuse take a mutex (rare calls).  Slots live in
 * chunks that are never freed, so a lookup never touches freed memory.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "sspi_int.h"

#define CHUNK_BITS 10
#define CHUNK_SIZE (1u << CHUNK_BITS)
#define MAX_CHUNKS 1024u
#define LIVE ((uint64_t)1 << 31)
#define REFS ((uint64_t)LIVE - 1)
#define GEN(s) ((uint32_t)((s) >> 32))
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
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

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

    pthread_mutex_lock(&lock);
    if (free_head != UINT32_MAX) {
        index = free_head;
        s = slot_at(index);
        free_head = s->next_free;
    } else {
        index = atomic_load(&nslots);
        if ((index >> CHUNK_BITS) >= MAX_CHUNKS) {
            pthread_mutex_unlock(&lock);
            return SEC_E_INSUFFICIENT_MEMORY;
        }
        if (atomic_load(&chunks[index >> CHUNK_BITS]) == NULL) {
            struct slot *chunk = aligned_alloc(64, CHUNK_SIZE * sizeof(*chunk));

            if (chunk != NULL)
                memset(chunk, 0, CHUNK_SIZE * sizeof(*chunk));
            if (chunk == NULL) {
                pthread_mutex_unlock(&lock);
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
    state = atomic_load(&s->state) & ~(LIVE | REFS);   /* keeps generation */
    atomic_store(&s->state, state | LIVE);
    pthread_mutex_unlock(&lock);
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

SECURITY_STATUS
sspi_handle_get(enum sspi_kind kind, const SecHandle *h, struct sspi_ref *ref)
{
    struct slot *s;
    uint32_t gen = 0;
    uint64_t state;

    memset(ref, 0, sizeof(*ref));
    s = find(kind, h, &gen);
    if (s == NULL)
        return SEC_E_INVALID_HANDLE;
    state = atomic_load(&s->state);
    do {
        if (!(state & LIVE) || GEN(state) != gen || (state & REFS) == REFS)
            return SEC_E_INVALID_HANDLE;
    } while (!atomic_compare_exchange_weak(&s->state, &state, state + 1));
    /* Referenced and live: the payload is stable. */
    if (atomic_load_explicit(&s->lower, memory_order_relaxed) != h->dwLower) {
        ref->slot = s;
        sspi_handle_put(ref);
        return SEC_E_INVALID_HANDLE;
    }
    ref->slot = s;
    ref->pkg = s->pkg;
    ref->lsa = s->lsa;
    return SEC_E_OK;
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
    pthread_mutex_lock(&lock);
    s->pkg = NULL;
    s->lsa = 0;
    s->next_free = free_head;
    free_head = s->index;
    pthread_mutex_unlock(&lock);
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
        next = ((uint64_t)(uint32_t)(gen + 1) << 32) | (state & REFS);
    } while (!atomic_compare_exchange_weak(&s->state, &state, next));
    if ((state & REFS) == 0)
        return sspi_status_from_nt(destroy(s));
    return SEC_E_OK;
}
