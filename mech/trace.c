/*
 * trace.c - administrator tracing.  SIGNET_TRACE (or the "trace" setting)
 * names a file to append to, or "stderr".  Traces describe handshake steps
 * and failure reasons; callers never pass key material.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "signet.h"

static pthread_once_t trace_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *trace_file;

static void
trace_open(void)
{
    const char *path = secure_getenv("SIGNET_TRACE");

    if (path == NULL || *path == '\0')
        path = signet_config_get("trace");
    if (path == NULL || *path == '\0')
        return;
    if (strcmp(path, "stderr") == 0) {
        trace_file = stderr;
        return;
    }
    trace_file = fopen(path, "ae");
    if (trace_file != NULL)
        setvbuf(trace_file, NULL, _IOLBF, 0);
}

int
signet_trace_enabled(void)
{
    pthread_once(&trace_once, trace_open);
    return trace_file != NULL;
}

void
signet_trace(const char *fmt, ...)
{
    va_list ap;
    struct timeval tv;

    if (!signet_trace_enabled())
        return;
    gettimeofday(&tv, NULL);
    pthread_mutex_lock(&trace_lock);
    fprintf(trace_file, "[%ld.%06ld] signet[%ld]: ", (long)tv.tv_sec,
            (long)tv.tv_usec, (long)getpid());
    va_start(ap, fmt);
    vfprintf(trace_file, fmt, ap);
    va_end(ap);
    fputc('\n', trace_file);
    pthread_mutex_unlock(&trace_lock);
}
