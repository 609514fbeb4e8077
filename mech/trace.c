/*
 * trace.c - administrator tracing.  SIGNET_TRACE names a file to append to,
 * or "stderr"; the "trace" setting of the configuration file does the same
 * once settings.c has read the file (signet_trace_set_path).  Traces
 * describe handshake steps and failure reasons; callers never pass key
 * material.
 *
 * This file depends on nothing else of Signet but fork.h's lock: the configuration reader
 * traces its own errors, so tracing must never read the configuration.
 * The trace file is opened without blocking (a FIFO without a reader is
 * refused, not waited on).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "signet.h"
#include "fork.h"

static pthread_once_t trace_once = PTHREAD_ONCE_INIT;
static signet_forklock trace_lock = SIGNET_FORKLOCK_INIT; /* fork-safe */
static _Atomic(FILE *) trace_file;

/* Opens path for appending; NULL if it cannot be used. */
static FILE *
open_trace(const char *path)
{
    struct stat st;
    FILE *f;
    int fd, fl;

    if (path == NULL || *path == '\0')
        return NULL;
    if (strcmp(path, "stderr") == 0)
        return stderr;
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK |
                    O_NOCTTY, 0600);
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode))) {
        close(fd);
        return NULL;
    }
    fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    f = fdopen(fd, "a");
    if (f == NULL) {
        close(fd);
        return NULL;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    return f;
}

static void
trace_open(void)
{
    atomic_store(&trace_file, open_trace(secure_getenv("SIGNET_TRACE")));
}

void
signet_trace_set_path(const char *path)
{
    FILE *f, *expected = NULL;

    (void)pthread_once(&trace_once, trace_open);
    if (atomic_load(&trace_file) != NULL)
        return;                 /* SIGNET_TRACE wins */
    f = open_trace(path);
    if (f != NULL && !atomic_compare_exchange_strong(&trace_file, &expected, f) &&
        f != stderr)
        fclose(f);
}

int
signet_trace_enabled(void)
{
    (void)pthread_once(&trace_once, trace_open);
    return atomic_load_explicit(&trace_file, memory_order_acquire) != NULL;
}

void
signet_trace(const char *fmt, ...)
{
    va_list ap;
    struct timeval tv;
    FILE *f;
    int saved = errno;

    if (!signet_trace_enabled())
        return;
    f = atomic_load_explicit(&trace_file, memory_order_acquire);
    gettimeofday(&tv, NULL);
    signet_forklock_lock(&trace_lock);
    fprintf(f, "[%ld.%06ld] signet[%ld]: ", (long)tv.tv_sec,
            (long)tv.tv_usec, (long)getpid());
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    signet_forklock_unlock(&trace_lock);
    errno = saved;
}
