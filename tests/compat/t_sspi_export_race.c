/*
 * t_sspi_export_race.c - ExportSecurityContext racing the per-message calls
 * on the same context handle (docs/sspi.md, "Handles and threads" and
 * "Export and import").
 *
 *   t_sspi_export_race [WORKERS [ITERATIONS]]
 *
 * Each phase establishes a fresh Signet pair through the SSPI API and starts
 * WORKERS threads (default 4) that run ITERATIONS rounds (default 1500) of
 * one of: MakeSignature on the client handle (the server verifies it),
 * VerifySignature on the client handle of the server's signatures, or
 * QueryContextAttributes(SECPKG_ATTR_SIZES) on the client handle.  Meanwhile
 * exporter threads call ExportSecurityContext on the client handle:
 *
 *   keep        two exporters, no flags, repeatedly: every concurrent call
 *               returns SEC_E_OK, every signature verifies, and the client
 *               keeps working; an exported token imports and works
 *   delete-old  one ExportSecurityContext(SECPKG_CONTEXT_EXPORT_DELETE_OLD):
 *               every concurrent call returns SEC_E_OK or
 *               SEC_E_INVALID_HANDLE, never SEC_E_OK after
 *               SEC_E_INVALID_HANDLE; the token imports into a working context
 *   two-delete  two exporters with DELETE_OLD at once: exactly one gets
 *               SEC_E_OK, the other SEC_E_INVALID_HANDLE
 *
 * In every phase the client's MIC tokens (SEQ and nonce, docs/tokens.md
 * section 1) are all distinct: an export never lets two tokens share a
 * sequence number or a nonce.  No timing is asserted; loops are bounded and
 * a watchdog ends a hung run.  Run by make check (under ASan and UBSan in
 * the --sanitize build) and under ThreadSanitizer by
 * tests/test_sspi_export_race.py.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sspi.h>

#include "sspi_pair.h"
#include "sspi_util.h"

#define WATCHDOG_SECONDS 600
#define MAX_WORKERS 16
#define ID_LEN (8 + PAIR_NONCE_LEN)   /* SEQ || nonce, token bytes 4..23 */
#define AFTER_INVALID 16              /* calls checked after the handle died */

static int nworkers = 4, iterations = 1500;
static atomic_int failures, checks;

#define CHECK(cond, ...)                                          \
    do {                                                          \
        atomic_fetch_add(&checks, 1);                             \
        if (!(cond)) {                                            \
            atomic_fetch_add(&failures, 1);                       \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);           \
            printf(__VA_ARGS__);                                  \
            printf("\n");                                         \
        }                                                         \
    } while (0)

enum role { SIGN_CLIENT, VERIFY_ON_CLIENT, QUERY_CLIENT, NROLES };

struct worker {
    pthread_t tid;
    enum role role;
    int index;
    int ok, invalid, failed;
    unsigned char *ids;        /* SIGN_CLIENT: ID_LEN bytes per MIC made */
    int nids;
};

struct exporter {
    pthread_t tid;
    ULONG flags;
    int min_exports, max_exports;
    int ok, invalid, failed;
    SecBuffer last;            /* the last token exported */
};

/* The phase being run: set before its threads start, read-only in them. */
static struct {
    const char *name;
    struct sspi_pair pair;
    int delete_old;            /* the client handle may die */
    ULONG max_signature;
    pthread_barrier_t start;
    atomic_long progress;      /* calls made by all workers */
    atomic_int workers_left;
} ph;

static void
watchdog(int sig)
{
    static const char msg[] = "FAIL t_sspi_export_race: watchdog expired (hung)\n";

    (void)sig;
    (void)!write(STDOUT_FILENO, msg, sizeof(msg) - 1);
    _exit(3);
}

static void
record_id(struct worker *w, const unsigned char *sig, ULONG len)
{
    CHECK(len == PAIR_MIC_LEN, "%s: MIC of %u bytes", ph.name, (unsigned)len);
    if (len == PAIR_MIC_LEN && w->nids < iterations)
        memcpy(w->ids + (size_t)w->nids++ * ID_LEN, sig + PAIR_MIC_SEQ, ID_LEN);
}

/* One call of w's role on the client handle; the status of that call.  A
 * failure of the server side (which nobody exports) is counted here. */
static SECURITY_STATUS
client_call(struct worker *w, int k)
{
    unsigned char sig[PAIR_SIG_MAX];
    char text[64];
    ULONG len = 0;
    SECURITY_STATUS st = SEC_E_INTERNAL_ERROR, peer;
    SecPkgContext_Sizes sizes;

    snprintf(text, sizeof(text), "%s worker %d message %d", ph.name, w->index, k);
    switch (w->role) {
    case SIGN_CLIENT:
        st = pair_sign(&ph.pair.cli, text, sig, &len);
        if (st == SEC_E_OK) {
            record_id(w, sig, len);
            peer = pair_verify(&ph.pair.srv, text, sig, len);
            CHECK(peer == SEC_E_OK, "%s: server verifies the client's MIC %d: %s",
                  ph.name, k, sec_name(peer));
        }
        break;
    case VERIFY_ON_CLIENT:
        peer = pair_sign(&ph.pair.srv, text, sig, &len);
        CHECK(peer == SEC_E_OK, "%s: server MakeSignature: %s", ph.name, sec_name(peer));
        if (peer == SEC_E_OK)
            st = pair_verify(&ph.pair.cli, text, sig, len);
        break;
    case QUERY_CLIENT:
        memset(&sizes, 0, sizeof(sizes));
        st = QueryContextAttributesA(&ph.pair.cli, SECPKG_ATTR_SIZES, &sizes);
        if (st == SEC_E_OK)
            CHECK(sizes.cbMaxSignature == ph.max_signature, "%s: cbMaxSignature %u",
                  ph.name, (unsigned)sizes.cbMaxSignature);
        break;
    default:
        break;
    }
    return st;
}

static const char *const role_names[NROLES] = {
    "MakeSignature", "VerifySignature", "QueryContextAttributes"
};

static void *
work(void *arg)
{
    struct worker *w = arg;
    int k, after = 0;

    pthread_barrier_wait(&ph.start);
    for (k = 0; k < iterations && after < AFTER_INVALID; k++) {
        SECURITY_STATUS st = client_call(w, k);

        if (st == SEC_E_OK && w->invalid == 0) {
            w->ok++;
        } else if (st == SEC_E_INVALID_HANDLE && ph.delete_old) {
            w->invalid++;
            after++;
        } else {
            /* Counted, reported once, and the loop goes on: a broken export
             * shows its use-after-free to ASan sooner than its errors. */
            if (w->failed++ == 0)
                CHECK(0, "%s: worker %d %s call %d: %s%s", ph.name, w->index,
                      role_names[w->role], k, sec_name(st),
                      w->invalid ? " after SEC_E_INVALID_HANDLE" : "");
        }
        atomic_fetch_add(&ph.progress, 1);
    }
    atomic_fetch_sub(&ph.workers_left, 1);
    return NULL;
}

/* Waits until the workers made `calls` more calls than *seen, or ended. */
static void
wait_progress(long *seen, long calls)
{
    while (atomic_load(&ph.progress) < *seen + calls && atomic_load(&ph.workers_left) > 0)
        sched_yield();
    *seen = atomic_load(&ph.progress);
}

static void *
export_loop(void *arg)
{
    struct exporter *e = arg;
    long seen = 0;
    int n;

    pthread_barrier_wait(&ph.start);
    for (n = 0; n < e->max_exports; n++) {
        SecBuffer packed = { 0, 0, NULL };
        SECURITY_STATUS st;

        if (n >= e->min_exports && atomic_load(&ph.workers_left) == 0)
            break;
        wait_progress(&seen, 1);
        st = ExportSecurityContext(&ph.pair.cli, e->flags, &packed, NULL);
        if (st == SEC_E_OK) {
            e->ok++;
            FreeContextBuffer(e->last.pvBuffer);
            e->last = packed;
        } else if (st == SEC_E_INVALID_HANDLE && (e->flags & SECPKG_CONTEXT_EXPORT_DELETE_OLD)) {
            e->invalid++;
        } else if (e->failed++ == 0) {
            CHECK(0, "%s: ExportSecurityContext %d: %s", ph.name, n, sec_name(st));
        }
    }
    return NULL;
}

static int
cmp_seq(const void *a, const void *b)
{
    return memcmp(a, b, 8);
}

static int
cmp_nonce(const void *a, const void *b)
{
    return memcmp((const unsigned char *)a + 8, (const unsigned char *)b + 8,
                  PAIR_NONCE_LEN);
}

/* No two of the client's MICs share a SEQ or a nonce. */
static void
check_ids_unique(struct worker *w, int n, const unsigned char *extra)
{
    size_t total = extra != NULL ? 1 : 0, at = 0, i;
    unsigned char *all;
    int dup_seq = 0, dup_nonce = 0, j;

    for (j = 0; j < n; j++)
        total += (size_t)w[j].nids;
    all = malloc(total * ID_LEN + 1);
    if (all == NULL) {
        CHECK(0, "no memory");
        return;
    }
    for (j = 0; j < n; j++) {
        memcpy(all + at * ID_LEN, w[j].ids, (size_t)w[j].nids * ID_LEN);
        at += (size_t)w[j].nids;
    }
    if (extra != NULL)
        memcpy(all + at * ID_LEN, extra, ID_LEN);
    qsort(all, total, ID_LEN, cmp_seq);
    for (i = 1; i < total; i++)
        dup_seq += cmp_seq(all + (i - 1) * ID_LEN, all + i * ID_LEN) == 0;
    qsort(all, total, ID_LEN, cmp_nonce);
    for (i = 1; i < total; i++)
        dup_nonce += cmp_nonce(all + (i - 1) * ID_LEN, all + i * ID_LEN) == 0;
    CHECK(dup_seq == 0, "%s: %d repeated SEQ among %zu client MICs", ph.name, dup_seq,
          total);
    CHECK(dup_nonce == 0, "%s: %d repeated nonces among %zu client MICs", ph.name,
          dup_nonce, total);
    free(all);
}

/* A context imported from token signs (the server verifies) and verifies
 * the server's signature; its MIC's id goes to id (may be NULL). */
static void
check_import(const SecBuffer *token, unsigned char *id)
{
    CtxtHandle imp;
    SecBuffer packed = *token;
    unsigned char sig[PAIR_SIG_MAX];
    ULONG len = 0;
    SECURITY_STATUS st;

    st = ImportSecurityContextA((SEC_CHAR *)"Signet", &packed, NULL, &imp);
    CHECK(st == SEC_E_OK, "%s: ImportSecurityContextA: %s", ph.name, sec_name(st));
    if (st != SEC_E_OK)
        return;
    st = pair_sign(&imp, "from the import", sig, &len);
    CHECK(st == SEC_E_OK, "%s: the imported context signs: %s", ph.name, sec_name(st));
    if (st == SEC_E_OK) {
        if (id != NULL && len == PAIR_MIC_LEN)
            memcpy(id, sig + PAIR_MIC_SEQ, ID_LEN);
        st = pair_verify(&ph.pair.srv, "from the import", sig, len);
        CHECK(st == SEC_E_OK, "%s: the server verifies the import's MIC: %s", ph.name,
              sec_name(st));
    }
    st = pair_sign(&ph.pair.srv, "to the import", sig, &len);
    if (st == SEC_E_OK)
        st = pair_verify(&imp, "to the import", sig, len);
    CHECK(st == SEC_E_OK, "%s: the imported context verifies: %s", ph.name, sec_name(st));
    st = DeleteSecurityContext(&imp);
    CHECK(st == SEC_E_OK, "%s: delete the import: %s", ph.name, sec_name(st));
}

/*
 * Runs one phase: nexp exporters with flags, each exporting between min and
 * max times, against the workers.  The caller checks the exporters.
 */
static int
run_phase(const char *name, struct worker *w, struct exporter *e, int nexp, ULONG flags,
          int min_exports, int max_exports)
{
    SecPkgContext_Sizes sizes;
    int i;

    ph.name = name;
    ph.delete_old = (flags & SECPKG_CONTEXT_EXPORT_DELETE_OLD) != 0;
    atomic_store(&ph.progress, 0);
    atomic_store(&ph.workers_left, nworkers);
    if (pair_establish(&ph.pair, pair_psk_file(), 0) != 0) {
        CHECK(0, "%s: cannot establish the pair", name);
        return -1;
    }
    memset(&sizes, 0, sizeof(sizes));
    CHECK(QueryContextAttributesA(&ph.pair.cli, SECPKG_ATTR_SIZES, &sizes) == SEC_E_OK,
          "%s: SIZES", name);
    ph.max_signature = sizes.cbMaxSignature;
    pthread_barrier_init(&ph.start, NULL, (unsigned)(nworkers + nexp));
    for (i = 0; i < nworkers; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].index = i;
        w[i].role = (enum role)(i % NROLES);
        w[i].ids = malloc((size_t)iterations * ID_LEN + 1);
        if (w[i].ids == NULL) {
            fprintf(stderr, "no memory\n");
            exit(1);
        }
    }
    for (i = 0; i < nexp; i++) {
        memset(&e[i], 0, sizeof(e[i]));
        e[i].flags = flags;
        e[i].min_exports = min_exports;
        e[i].max_exports = max_exports;
    }
    for (i = 0; i < nworkers; i++)
        pthread_create(&w[i].tid, NULL, work, &w[i]);
    for (i = 0; i < nexp; i++)
        pthread_create(&e[i].tid, NULL, export_loop, &e[i]);
    for (i = 0; i < nworkers; i++)
        pthread_join(w[i].tid, NULL);
    for (i = 0; i < nexp; i++)
        pthread_join(e[i].tid, NULL);
    pthread_barrier_destroy(&ph.start);
    return 0;
}

static void
end_phase(struct worker *w, struct exporter *e, int nexp)
{
    int i, ok = 0, invalid = 0, exports = 0;

    for (i = 0; i < nworkers; i++) {
        ok += w[i].ok;
        invalid += w[i].invalid;
        free(w[i].ids);
        w[i].ids = NULL;
    }
    for (i = 0; i < nexp; i++) {
        exports += e[i].ok;
        FreeContextBuffer(e[i].last.pvBuffer);
        e[i].last.pvBuffer = NULL;
    }
    printf("%s: %d exports, %d calls SEC_E_OK, %d SEC_E_INVALID_HANDLE\n", ph.name,
           exports, ok, invalid);
    pair_free(&ph.pair);
}

/* Exports without DELETE_OLD never disturb a concurrent call. */
static void
phase_keep(void)
{
    struct worker w[MAX_WORKERS];
    struct exporter e[2];
    unsigned char sig[PAIR_SIG_MAX], id[ID_LEN];
    ULONG len = 0;
    SECURITY_STATUS st;
    int i;

    if (run_phase("keep", w, e, 2, 0, 8, iterations) != 0)
        return;
    for (i = 0; i < nworkers; i++)
        CHECK(w[i].ok == iterations, "keep: worker %d made %d of %d calls", i, w[i].ok,
              iterations);
    CHECK(e[0].ok >= 8 && e[1].ok >= 8, "keep: %d and %d exports", e[0].ok, e[1].ok);
    /* the client keeps working after the exports */
    st = pair_sign(&ph.pair.cli, "after the exports", sig, &len);
    CHECK(st == SEC_E_OK, "keep: MakeSignature after the exports: %s", sec_name(st));
    memset(id, 0, sizeof(id));
    if (st == SEC_E_OK) {
        st = pair_verify(&ph.pair.srv, "after the exports", sig, len);
        CHECK(st == SEC_E_OK, "keep: verify after the exports: %s", sec_name(st));
        if (len == PAIR_MIC_LEN)
            memcpy(id, sig + PAIR_MIC_SEQ, ID_LEN);
    }
    check_ids_unique(w, nworkers, st == SEC_E_OK ? id : NULL);
    /* An import continues from the exported SEQ (docs/tokens.md section 5),
     * so its MIC is not among the unique ones; its nonce is fresh. */
    if (e[0].last.pvBuffer != NULL)
        check_import(&e[0].last, NULL);
    end_phase(w, e, 2);
}

/* A context handle exported with DELETE_OLD dies cleanly under its users. */
static void
phase_delete_old(void)
{
    struct worker w[MAX_WORKERS];
    struct exporter e[1];
    unsigned char sig[PAIR_SIG_MAX], id[ID_LEN];
    ULONG len = 0;
    SECURITY_STATUS st;

    if (run_phase("delete-old", w, e, 1, SECPKG_CONTEXT_EXPORT_DELETE_OLD, 1, 1) != 0)
        return;
    CHECK(e[0].ok == 1 && e[0].invalid == 0, "delete-old: export %d ok, %d invalid",
          e[0].ok, e[0].invalid);
    st = pair_sign(&ph.pair.cli, "after", sig, &len);
    CHECK(st == SEC_E_INVALID_HANDLE, "delete-old: the old handle after export: %s",
          sec_name(st));
    memset(id, 0, sizeof(id));
    if (e[0].last.pvBuffer != NULL)
        check_import(&e[0].last, id);
    check_ids_unique(w, nworkers, e[0].last.pvBuffer != NULL ? id : NULL);
    end_phase(w, e, 1);
}

/* Two exporters with DELETE_OLD at once: one wins, the other finds the
 * handle gone. */
static void
phase_two_delete(void)
{
    struct worker w[MAX_WORKERS];
    struct exporter e[2];
    int winner;

    if (run_phase("two-delete", w, e, 2, SECPKG_CONTEXT_EXPORT_DELETE_OLD, 1, 1) != 0)
        return;
    CHECK(e[0].ok + e[1].ok == 1 && e[0].invalid + e[1].invalid == 1,
          "two-delete: exports %d/%d ok, %d/%d invalid", e[0].ok, e[1].ok, e[0].invalid,
          e[1].invalid);
    winner = e[0].ok ? 0 : 1;
    if (e[winner].last.pvBuffer != NULL)
        check_import(&e[winner].last, NULL);
    end_phase(w, e, 2);
}

int
main(int argc, char **argv)
{
    if (argc > 1)
        nworkers = atoi(argv[1]);
    if (argc > 2)
        iterations = atoi(argv[2]);
    if (nworkers < 1 || nworkers > MAX_WORKERS || iterations < 1) {
        fprintf(stderr, "usage: t_sspi_export_race [WORKERS(1..%d) [ITERATIONS]]\n",
                MAX_WORKERS);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGALRM, watchdog);
    alarm(WATCHDOG_SECONDS);
    phase_keep();
    phase_delete_old();
    phase_two_delete();
    printf("%s: %d checks, %d failure(s)\n", atomic_load(&failures) ? "FAIL" : "PASS",
           atomic_load(&checks), atomic_load(&failures));
    return atomic_load(&failures) ? 1 : 0;
}
