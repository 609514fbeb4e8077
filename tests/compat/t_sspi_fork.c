/*
 * t_sspi_fork.c - a Signet context used on both sides of fork() through
 * SSPI never makes two MIC tokens with the same nonce (design.md, "Process
 * model"; docs/tokens.md section 5).
 *
 *   t_sspi_fork [COUNT]
 *
 * Establishes a Signet pair in-process, signs one message twice, fork()s;
 * parent and child then sign the same message COUNT times each (default 4)
 * on the inherited client context.  The child sends its tokens through a
 * pipe.  The parent verifies every token on the server context and compares
 * the nonces (token bytes 12..23, INSTANCE || COUNTER).  The pair has no
 * replay or sequence detection, so the child's repeated sequence numbers
 * are not what is checked: only the MACs and the nonces.
 *
 * Last line of output, a JSON report:
 *   {"tokens": N, "child_tokens": C, "verified": V, "duplicate_nonces": D,
 *    "child_ok": 0|1, "errors": E}
 * Exit status: 0 all good; 1 duplicate nonces and nothing else wrong;
 * 2 anything else (a call failed, the child failed, a token did not verify).
 * Driven by tests/test_sspi_fork.py.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sspi.h>

#include "sspi_pair.h"
#include "sspi_util.h"

#define MAX_COUNT 64
#define BEFORE_FORK 2
#define MESSAGE "the same message on both sides of fork()"

struct token {
    unsigned char b[PAIR_SIG_MAX];
    ULONG len;
};

static int errors;

static void
error(const char *what, SECURITY_STATUS st)
{
    errors++;
    printf("error: %s: %s\n", what, sec_name(st));
}

static int
write_all(int fd, const void *p, size_t n)
{
    const unsigned char *c = p;

    while (n > 0) {
        ssize_t w = write(fd, c, n);

        if (w < 0 && errno == EINTR)
            continue;
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
    unsigned char *c = p;

    while (n > 0) {
        ssize_t r = read(fd, c, n);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

/* Signs MESSAGE count times into t; the number of tokens made. */
static int
sign_n(CtxtHandle *cli, struct token *t, int count, const char *who)
{
    int i, made = 0;

    for (i = 0; i < count; i++) {
        SECURITY_STATUS st = pair_sign(cli, MESSAGE, t[made].b, &t[made].len);

        if (st != SEC_E_OK) {
            error(who, st);
            break;
        }
        made++;
    }
    return made;
}

/* The child: signs, writes each token as (ULONG length, bytes), exits. */
static int
child(struct sspi_pair *p, int fd, int count)
{
    struct token t[MAX_COUNT];
    int made, i, rc = 0;

    made = sign_n(&p->cli, t, count, "child MakeSignature");
    for (i = 0; i < made && rc == 0; i++) {
        if (write_all(fd, &t[i].len, sizeof(t[i].len)) != 0 ||
            write_all(fd, t[i].b, t[i].len) != 0)
            rc = 1;
    }
    close(fd);
    pair_free(p);
    return rc != 0 || made != count ? 1 : 0;
}

/* Reads the child's tokens into t (at most max); their number. */
static int
read_tokens(int fd, struct token *t, int max)
{
    int n = 0;

    while (n < max && read_all(fd, &t[n].len, sizeof(t[n].len)) == 0) {
        if (t[n].len > PAIR_SIG_MAX || read_all(fd, t[n].b, t[n].len) != 0) {
            errors++;
            printf("error: bad token from the child\n");
            break;
        }
        n++;
    }
    return n;
}

int
main(int argc, char **argv)
{
    struct sspi_pair p;
    struct token t[BEFORE_FORK + 2 * MAX_COUNT];
    int count = argc > 1 ? atoi(argv[1]) : 4;
    int fds[2], status = 0, n, nchild = 0, verified = 0, dup = 0, child_ok = 0, i, j;
    pid_t pid;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (count < 1 || count > MAX_COUNT) {
        fprintf(stderr, "usage: t_sspi_fork [COUNT(1..%d)]\n", MAX_COUNT);
        return 2;
    }
    if (pair_establish(&p, pair_psk_file(), 0) != 0) {
        printf("error: cannot establish the pair\n");
        return 2;
    }
    n = sign_n(&p.cli, t, BEFORE_FORK, "MakeSignature before fork");
    if (pipe(fds) != 0) {
        perror("pipe");
        return 2;
    }
    fflush(stdout);
    pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        close(fds[0]);
        return child(&p, fds[1], count);
    }
    close(fds[1]);
    n += sign_n(&p.cli, t + n, count, "parent MakeSignature");
    nchild = read_tokens(fds[0], t + n, count);
    n += nchild;
    close(fds[0]);
    if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        child_ok = 1;
    for (i = 0; i < n; i++) {
        SECURITY_STATUS st = pair_verify(&p.srv, MESSAGE, t[i].b, t[i].len);

        if (st == SEC_E_OK && t[i].len == PAIR_MIC_LEN)
            verified++;
        else
            error("VerifySignature on the server", st);
    }
    for (i = 0; i < n; i++) {
        for (j = i + 1; j < n; j++) {
            if (t[i].len >= PAIR_MIC_NONCE + PAIR_NONCE_LEN &&
                t[j].len >= PAIR_MIC_NONCE + PAIR_NONCE_LEN &&
                memcmp(t[i].b + PAIR_MIC_NONCE, t[j].b + PAIR_MIC_NONCE,
                       PAIR_NONCE_LEN) == 0) {
                dup++;
                printf("duplicate nonce: token %d (%s) and token %d (%s)\n", i,
                       i < BEFORE_FORK + count ? "parent" : "child", j,
                       j < BEFORE_FORK + count ? "parent" : "child");
            }
        }
    }
    pair_free(&p);
    printf("{\"tokens\": %d, \"child_tokens\": %d, \"verified\": %d, "
           "\"duplicate_nonces\": %d, \"child_ok\": %d, \"errors\": %d}\n",
           n, nchild, verified, dup, child_ok, errors);
    if (errors != 0 || !child_ok || nchild != count || n != BEFORE_FORK + 2 * count)
        return 2;
    return dup != 0 ? 1 : 0;
}
