/*
 * t_fork.c - Signet contexts across fork() (docs/tokens.md section 5,
 * "fork"), on an established context pair (pair.c):
 *  - parent and child both make MIC and wrap tokens (sealed and not) after
 *    the fork: every token verifies on the peer and no two share a nonce
 *    (INSTANCE || COUNTER, bytes 12..23 of the token);
 *  - with rekey_limit, the tokens left are shared out: parent and child
 *    together make no more than the limit;
 *  - a receive-window lock held in the parent at the time of the fork does
 *    not hang the child;
 *  - a child of a child gets a new instance too.
 * Prints one line per failure and "N passed, M failed"; exit 0 iff M == 0.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pair.h"
#include "check.h"

#define NONCE_OFF 12
#define NONCE_LEN 12
#define PER_SIDE 40
#define MAX_TOKENS 1024

struct token {
    int wrap;                  /* 0 MIC, 1 wrap */
    size_t len;
    uint8_t data[256];
};

static const char msg_text[] = "message made after fork()";

/* Makes n tokens (alternating MIC, wrap, sealed wrap) on ctx. */
static int
make_tokens(signet_ctx *ctx, struct token *out, int n)
{
    gss_buffer_desc msg = { sizeof(msg_text) - 1, (void *)msg_text }, tok;
    OM_uint32 major, minor, tmp;
    int i, made = 0;

    for (i = 0; i < n; i++) {
        if (i % 3 == 0)
            major = signet_gss_get_mic(&minor, (gss_ctx_id_t)ctx, 0, &msg, &tok);
        else
            major = signet_gss_wrap(&minor, (gss_ctx_id_t)ctx, i % 3 == 2, 0,
                                    &msg, NULL, &tok);
        if (major != GSS_S_COMPLETE)
            break;
        if (tok.length <= sizeof(out[made].data)) {
            out[made].wrap = i % 3 != 0;
            out[made].len = tok.length;
            memcpy(out[made].data, tok.value, tok.length);
            made++;
        }
        gss_release_buffer(&tmp, &tok);
    }
    return made;
}

/* Verifies a token on the peer: the MAC must hold (a duplicate sequence
 * number is fine: both processes continue the same sequence). */
static int
token_verifies(signet_ctx *peer, const struct token *t)
{
    gss_buffer_desc msg = { sizeof(msg_text) - 1, (void *)msg_text };
    gss_buffer_desc tok = { t->len, (void *)t->data }, plain;
    OM_uint32 major, minor, tmp;
    int ok;

    if (!t->wrap) {
        major = signet_gss_verify_mic(&minor, (gss_ctx_id_t)peer, &msg, &tok, NULL);
        return !GSS_ERROR(major);
    }
    major = signet_gss_unwrap(&minor, (gss_ctx_id_t)peer, &tok, &plain, NULL, NULL);
    ok = !GSS_ERROR(major) && plain.length == msg.length &&
         memcmp(plain.value, msg.value, msg.length) == 0;
    gss_release_buffer(&tmp, &plain);
    return ok;
}

static int
write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    ssize_t w;

    while (n > 0) {
        w = write(fd, c, n);
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static int
read_all(int fd, void *p, size_t n)
{
    char *c = p;
    ssize_t r;

    while (n > 0) {
        r = read(fd, c, n);
        if (r <= 0)
            return -1;
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

/* Forks; the child makes n tokens on ctx and sends them; returns how many
 * arrived in out (the child's exit status must be 0). */
static int
tokens_from_child(signet_ctx *ctx, struct token *out, int n)
{
    int fds[2], got = -1, status = 0;
    pid_t pid;

    if (pipe(fds) != 0)
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        struct token *mine = calloc((size_t)n, sizeof(*mine));
        int made;

        close(fds[0]);
        alarm(30);
        made = mine != NULL ? make_tokens(ctx, mine, n) : -1;
        if (write_all(fds[1], &made, sizeof(made)) != 0 ||
            (made > 0 && write_all(fds[1], mine, (size_t)made * sizeof(*mine)) != 0))
            _exit(2);
        _exit(0);
    }
    close(fds[1]);
    if (read_all(fds[0], &got, sizeof(got)) != 0 || got < 0 || got > n ||
        (got > 0 && read_all(fds[0], out, (size_t)got * sizeof(*out)) != 0))
        got = -1;
    close(fds[0]);
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        got = -1;
    return got;
}

static int
nonces_distinct(const struct token *t, int n)
{
    int i, j;

    for (i = 0; i < n; i++) {
        for (j = i + 1; j < n; j++) {
            if (memcmp(t[i].data + NONCE_OFF, t[j].data + NONCE_OFF,
                       NONCE_LEN) == 0)
                return 0;
        }
    }
    return 1;
}

static void
test_parent_and_child_sign(void)
{
    static struct token all[4 * PER_SIDE];
    signet_ctx *ini, *acc;
    int n = 0, c, p, i, ok = 1;

    pair_establish(PAIR_FLAGS, &ini, &acc);
    /* some tokens before the fork, so that the counter is not 0 */
    n += make_tokens(ini, all + n, 5);
    c = tokens_from_child(ini, all + n, PER_SIDE);
    CHECK(c == PER_SIDE, "child made %d of %d tokens", c, PER_SIDE);
    n += c > 0 ? c : 0;
    p = make_tokens(ini, all + n, PER_SIDE);
    CHECK(p == PER_SIDE, "parent made %d of %d tokens after the fork", p, PER_SIDE);
    n += p;
    CHECK(nonces_distinct(all, n), "a nonce of the parent was used again by the "
          "child (%d tokens)", n);
    for (i = 0; i < n; i++)
        ok &= token_verifies(acc, &all[i]);
    CHECK(ok, "every token of parent and child verifies on the peer");
    /* and the same from the acceptor's side */
    n = make_tokens(acc, all, 4);
    c = tokens_from_child(acc, all + n, PER_SIDE);
    n += c > 0 ? c : 0;
    n += make_tokens(acc, all + n, PER_SIDE);
    CHECK(c == PER_SIDE && nonces_distinct(all, n),
          "acceptor: distinct nonces in parent and child (%d tokens)", n);
    signet_ctx_free(&ini);
    signet_ctx_free(&acc);
}

static void
test_grandchild(void)
{
    signet_ctx *ini, *acc;
    struct token mine[3], theirs[3];
    int fds[2], status = 0, got = 0;
    pid_t pid;

    pair_establish(PAIR_FLAGS, &ini, &acc);
    if (pipe(fds) != 0)
        abort();
    pid = fork();
    if (pid == 0) {
        /* The child forks again before it makes any token: the grandchild
         * and the child must still differ. */
        int n;

        close(fds[0]);
        alarm(30);
        n = tokens_from_child(ini, theirs, 3);
        if (n != 3 || make_tokens(ini, mine, 3) != 3 ||
            write_all(fds[1], theirs, sizeof(theirs)) != 0 ||
            write_all(fds[1], mine, sizeof(mine)) != 0)
            _exit(2);
        _exit(0);
    }
    close(fds[1]);
    if (read_all(fds[0], theirs, sizeof(theirs)) == 0 &&
        read_all(fds[0], mine, sizeof(mine)) == 0)
        got = 1;
    close(fds[0]);
    waitpid(pid, &status, 0);
    CHECK(got && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "child and grandchild made tokens");
    if (got) {
        struct token all[9];

        memcpy(all, theirs, sizeof(theirs));
        memcpy(all + 3, mine, sizeof(mine));
        CHECK(make_tokens(ini, all + 6, 3) == 3 && nonces_distinct(all, 9),
              "parent, child and grandchild use distinct nonces");
    }
    signet_ctx_free(&ini);
    signet_ctx_free(&acc);
}

static void
test_rekey_limit_shared(void)
{
    static struct token t[MAX_TOKENS];
    signet_ctx *ini, *acc;
    int before, c, p;

    setenv("SIGNET_REKEY_LIMIT", "100", 1);
    pair_establish(PAIR_FLAGS, &ini, &acc);
    unsetenv("SIGNET_REKEY_LIMIT");
    before = make_tokens(ini, t, 10);
    c = tokens_from_child(ini, t, MAX_TOKENS);
    p = make_tokens(ini, t, MAX_TOKENS);
    CHECK(before == 10 && c > 0 && p > 0 && before + c + p <= 100,
          "rekey_limit 100: %d before the fork, then child %d and parent %d",
          before, c, p);
    CHECK(c + p >= 88, "the limit is shared, not lost: child %d + parent %d", c, p);
    signet_ctx_free(&ini);
    signet_ctx_free(&acc);
}

static void
test_lock_held_at_fork(void)
{
    signet_ctx *ini, *acc;
    struct token t[1];
    int status = 0;
    pid_t pid;

    pair_establish(PAIR_FLAGS, &ini, &acc);
    if (make_tokens(ini, t, 1) != 1)
        abort();
    /* As if a thread of the parent were inside the receive window. */
    signet_forklock_lock(&acc->msg.lock);
    pid = fork();
    if (pid == 0) {
        alarm(10);    /* a hang is a failure, not a stuck test */
        _exit(token_verifies(acc, &t[0]) ? 0 : 3);
    }
    waitpid(pid, &status, 0);
    signet_forklock_unlock(&acc->msg.lock);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "the child verifies although the parent held the window lock at "
          "fork (status 0x%x)", status);
    CHECK(token_verifies(acc, &t[0]), "the parent verifies after it releases "
          "the lock");
    signet_ctx_free(&ini);
    signet_ctx_free(&acc);
}

int
main(void)
{
    test_parent_and_child_sign();
    test_grandchild();
    test_rekey_limit_shared();
    test_lock_held_at_fork();
    return check_report();
}
