/*
 * t_stress.c - many threads x many messages x fork() during traffic, on one
 * established context pair (pair.c).
 *
 *   t_stress [THREADS [ITERATIONS [FORKS]]]
 *
 * Every thread of the parent signs and wraps on both contexts and verifies
 * on the other; every 16th token is tampered with and must be refused.
 * Meanwhile the main thread forks FORKS children; each child makes and
 * checks tokens on its inherited copies of both contexts and sends the
 * nonces it used to the parent.  At the end the parent checks that no
 * nonce of one direction was used twice by anyone (threads or processes),
 * and that there were 0 wrong accepts and 0 wrong rejects.
 * Run by make check, under ASan+UBSan by tests/run.sh --sanitize, and under
 * ThreadSanitizer by tests/test_threads.py.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pair.h"

#define NONCE_OFF 12
#define NONCE_LEN 12

static signet_ctx *ini, *acc;
static int iterations = 400;

/* Nonces seen, per direction (0: made by the initiator). */
struct nonces {
    pthread_mutex_t lock;
    uint8_t (*v)[NONCE_LEN];
    size_t n, cap;
};
static struct nonces seen[2] = {
    { PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0 },
    { PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0 },
};

static void
record(int dir, const uint8_t *nonce)
{
    struct nonces *s = &seen[dir];

    pthread_mutex_lock(&s->lock);
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 4096;
        s->v = realloc(s->v, s->cap * NONCE_LEN);
        if (s->v == NULL)
            abort();
    }
    memcpy(s->v[s->n++], nonce, NONCE_LEN);
    pthread_mutex_unlock(&s->lock);
}

static int
cmp_nonce(const void *a, const void *b)
{
    return memcmp(a, b, NONCE_LEN);
}

static size_t
duplicates(int dir)
{
    struct nonces *s = &seen[dir];
    size_t i, d = 0;

    qsort(s->v, s->n, NONCE_LEN, cmp_nonce);
    for (i = 1; i < s->n; i++)
        d += memcmp(s->v[i - 1], s->v[i], NONCE_LEN) == 0;
    return d;
}

struct tally {
    long made, wrong_reject, wrong_accept, errors;
};

/*
 * One round: a token on from (MIC, or wrap sealed or not), checked on to;
 * every 16th also tampered with.  nonce_out receives the nonce (or NULL).
 */
static void
round_trip(signet_ctx *from, signet_ctx *to, int k, struct tally *t,
           uint8_t *nonce_out)
{
    char text[64];
    gss_buffer_desc msg, tok, plain = GSS_C_EMPTY_BUFFER;
    OM_uint32 major, minor, tmp;
    int kind = k % 3;

    snprintf(text, sizeof(text), "stress %d %lu", k, (unsigned long)pthread_self());
    msg.value = text;
    msg.length = strlen(text);
    if (kind == 0)
        major = signet_gss_get_mic(&minor, (gss_ctx_id_t)from, 0, &msg, &tok);
    else
        major = signet_gss_wrap(&minor, (gss_ctx_id_t)from, kind == 2, 0, &msg,
                                NULL, &tok);
    if (major != GSS_S_COMPLETE) {
        t->errors++;
        return;
    }
    t->made++;
    if (nonce_out != NULL)
        memcpy(nonce_out, (uint8_t *)tok.value + NONCE_OFF, NONCE_LEN);
    if (k % 16 == 15)
        ((uint8_t *)tok.value)[tok.length - 1] ^= 0x01;
    if (kind == 0)
        major = signet_gss_verify_mic(&minor, (gss_ctx_id_t)to, &msg, &tok, NULL);
    else
        major = signet_gss_unwrap(&minor, (gss_ctx_id_t)to, &tok, &plain, NULL, NULL);
    if (k % 16 == 15) {
        if (GSS_ROUTINE_ERROR(major) != GSS_S_BAD_SIG)
            t->wrong_accept++;
    } else if (GSS_ERROR(major) ||
               (kind != 0 && (plain.length != msg.length ||
                              memcmp(plain.value, msg.value, msg.length) != 0))) {
        t->wrong_reject++;
    }
    gss_release_buffer(&tmp, &plain);
    gss_release_buffer(&tmp, &tok);
}

static void *
worker(void *arg)
{
    struct tally *t = arg;
    uint8_t nonce[NONCE_LEN];
    int k;

    for (k = 0; k < iterations; k++) {
        round_trip(ini, acc, k, t, nonce);
        record(0, nonce);
        round_trip(acc, ini, k, t, nonce);
        record(1, nonce);
    }
    return NULL;
}

/* The child: a few rounds on its copies, nonces to the parent. */
static void
child(int fd)
{
    struct tally t = { 0, 0, 0, 0 };
    uint8_t buf[2][NONCE_LEN];
    int k;

    alarm(60);
    for (k = 0; k < 32; k++) {
        round_trip(ini, acc, k, &t, buf[0]);
        round_trip(acc, ini, k, &t, buf[1]);
        if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
            _exit(4);
    }
    _exit(t.errors || t.wrong_reject || t.wrong_accept ? 3 : 0);
}

int
main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 4, forks = 3, i, j, bad = 0;
    pthread_t *tid;
    struct tally *t, sum = { 0, 0, 0, 0 };
    size_t d0, d1;

    if (argc > 2)
        iterations = atoi(argv[2]);
    if (argc > 3)
        forks = atoi(argv[3]);
    pair_establish(PAIR_FLAGS, &ini, &acc);
    tid = calloc((size_t)threads, sizeof(*tid));
    t = calloc((size_t)threads, sizeof(*t));
    for (i = 0; i < threads; i++)
        pthread_create(&tid[i], NULL, worker, &t[i]);
    for (j = 0; j < forks; j++) {
        int fds[2], status = 0;
        uint8_t buf[2][NONCE_LEN];
        pid_t pid;

        usleep(2000);
        if (pipe(fds) != 0)
            abort();
        pid = fork();
        if (pid == 0) {
            close(fds[0]);
            child(fds[1]);
        }
        close(fds[1]);
        while (read(fds[0], buf, sizeof(buf)) == (ssize_t)sizeof(buf)) {
            record(0, buf[0]);
            record(1, buf[1]);
        }
        close(fds[0]);
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            printf("FAIL child %d: status 0x%x\n", j, status);
            bad++;
        }
    }
    for (i = 0; i < threads; i++) {
        pthread_join(tid[i], NULL);
        sum.made += t[i].made;
        sum.errors += t[i].errors;
        sum.wrong_reject += t[i].wrong_reject;
        sum.wrong_accept += t[i].wrong_accept;
    }
    d0 = duplicates(0);
    d1 = duplicates(1);
    printf("%d threads x %d iterations, %d forks: %ld tokens, %zu+%zu nonces, "
           "%ld errors, %ld wrong rejects, %ld wrong accepts, %zu+%zu "
           "duplicate nonces\n", threads, iterations, forks, sum.made,
           seen[0].n, seen[1].n, sum.errors, sum.wrong_reject, sum.wrong_accept,
           d0, d1);
    if (sum.errors || sum.wrong_reject || sum.wrong_accept || d0 || d1 || bad)
        bad++;
    signet_ctx_free(&ini);
    signet_ctx_free(&acc);
    free(tid);
    free(t);
    free(seen[0].v);
    free(seen[1].v);
    printf("%s\n", bad ? "FAIL" : "PASS");
    return bad ? 1 : 0;
}
