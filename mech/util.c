/*
 * util.c - bounded parsing cursor, growable buffer and GSS helpers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "signet.h"
#include "crypto.h"

void
signet_cursor_init(signet_cursor *c, const void *data, size_t len)
{
    c->p = data;
    c->left = data != NULL ? len : 0;
    c->err = 0;
}

const uint8_t *
signet_get_bytes(signet_cursor *c, size_t len)
{
    const uint8_t *p;

    if (c->err || len > c->left) {
        c->err = 1;
        return NULL;
    }
    p = c->p;
    c->p += len;
    c->left -= len;
    return p;
}

uint8_t
signet_get_u8(signet_cursor *c)
{
    const uint8_t *p = signet_get_bytes(c, 1);

    return p != NULL ? p[0] : 0;
}

uint16_t
signet_get_u16(signet_cursor *c)
{
    const uint8_t *p = signet_get_bytes(c, 2);

    return p != NULL ? (uint16_t)((p[0] << 8) | p[1]) : 0;
}

uint32_t
signet_get_u32(signet_cursor *c)
{
    const uint8_t *p = signet_get_bytes(c, 4);

    return p != NULL ? signet_load_u32(p) : 0;
}

uint64_t
signet_get_u64(signet_cursor *c)
{
    const uint8_t *p = signet_get_bytes(c, 8);

    return p != NULL ? signet_load_u64(p) : 0;
}

char *
signet_get_string(signet_cursor *c, size_t len)
{
    const uint8_t *p = signet_get_bytes(c, len);
    char *s;

    if (p == NULL)
        return NULL;
    if (memchr(p, '\0', len) != NULL) {
        c->err = 1;
        return NULL;
    }
    s = malloc(len + 1);
    if (s == NULL) {
        c->err = 1;
        return NULL;
    }
    memcpy(s, p, len);
    s[len] = '\0';
    return s;
}

void
signet_buf_init(signet_buf *b)
{
    memset(b, 0, sizeof(*b));
}

uint8_t *
signet_buf_reserve(signet_buf *b, size_t n)
{
    uint8_t *p;
    size_t need, cap;

    if (b->err)
        return NULL;
    if (n > SIZE_MAX - b->len) {
        b->err = 1;
        return NULL;
    }
    need = b->len + n;
    if (need > b->cap) {
        cap = b->cap < 64 ? 64 : b->cap;
        while (cap < need) {
            if (cap > SIZE_MAX / 2) {
                cap = need;
                break;
            }
            cap *= 2;
        }
        /* Grow by copying so that secrets never linger in freed memory. */
        p = malloc(cap);
        if (p == NULL) {
            b->err = 1;
            return NULL;
        }
        if (b->data != NULL) {
            memcpy(p, b->data, b->len);
            signet_wipe(b->data, b->cap);
            free(b->data);
        }
        b->data = p;
        b->cap = cap;
    }
    p = b->data + b->len;
    b->len = need;
    return p;
}

void
signet_put_u8(signet_buf *b, uint8_t v)
{
    uint8_t *p = signet_buf_reserve(b, 1);

    if (p != NULL)
        p[0] = v;
}

void
signet_put_u16(signet_buf *b, uint16_t v)
{
    uint8_t *p = signet_buf_reserve(b, 2);

    if (p != NULL) {
        p[0] = (uint8_t)(v >> 8);
        p[1] = (uint8_t)v;
    }
}

void
signet_put_u32(signet_buf *b, uint32_t v)
{
    uint8_t *p = signet_buf_reserve(b, 4);

    if (p != NULL)
        signet_store_u32(p, v);
}

void
signet_put_u64(signet_buf *b, uint64_t v)
{
    uint8_t *p = signet_buf_reserve(b, 8);

    if (p != NULL)
        signet_store_u64(p, v);
}

void
signet_put_bytes(signet_buf *b, const void *data, size_t len)
{
    uint8_t *p;

    if (len == 0)
        return;
    p = signet_buf_reserve(b, len);
    if (p != NULL)
        memcpy(p, data, len);
}

void
signet_put_string(signet_buf *b, const char *s)
{
    size_t len = s != NULL ? strlen(s) : 0;

    if (len > UINT32_MAX) {
        b->err = 1;
        return;
    }
    signet_put_u32(b, (uint32_t)len);
    signet_put_bytes(b, s, len);
}

void
signet_buf_clear(signet_buf *b)
{
    if (b->data != NULL) {
        signet_wipe(b->data, b->cap);
        free(b->data);
    }
    signet_buf_init(b);
}

int
signet_buf_to_gss(signet_buf *b, gss_buffer_t out)
{
    if (b->err) {
        signet_buf_clear(b);
        return -1;
    }
    if (b->len == 0) {
        /* mechglue's gss_release_buffer frees only non-empty buffers. */
        signet_buf_clear(b);
        out->value = NULL;
        out->length = 0;
        return 0;
    }
    out->value = b->data;
    out->length = b->len;
    signet_buf_init(b);
    return 0;
}

void
signet_store_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

void
signet_store_u64(uint8_t *p, uint64_t v)
{
    signet_store_u32(p, (uint32_t)(v >> 32));
    signet_store_u32(p + 4, (uint32_t)v);
}

uint32_t
signet_load_u32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

uint64_t
signet_load_u64(const uint8_t *p)
{
    return ((uint64_t)signet_load_u32(p) << 32) | signet_load_u32(p + 4);
}

OM_uint32
signet_gss_buffer_set(OM_uint32 *minor, gss_buffer_t out, const void *data,
                      size_t len)
{
    void *p;

    if (len == 0) {
        /* mechglue's gss_release_buffer frees only non-empty buffers. */
        out->value = NULL;
        out->length = 0;
        *minor = 0;
        return GSS_S_COMPLETE;
    }
    /* One more byte, a NUL: callers print display strings with %s. */
    if (len == SIZE_MAX || (p = malloc(len + 1)) == NULL)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
    memcpy(p, data, len);
    ((char *)p)[len] = '\0';
    out->value = p;
    out->length = len;
    *minor = 0;
    return GSS_S_COMPLETE;
}

void
signet_gss_buffer_clear(gss_buffer_t buf)
{
    if (buf != GSS_C_NO_BUFFER) {
        buf->length = 0;
        buf->value = NULL;
    }
}

OM_uint32
signet_oid_set_of(OM_uint32 *minor, gss_OID_set *out, size_t n,
                  const gss_OID_desc *const *oids)
{
    OM_uint32 major, tmp;
    gss_OID_set set = GSS_C_NO_OID_SET;
    size_t i;

    *out = GSS_C_NO_OID_SET;
    major = gss_create_empty_oid_set(minor, &set);
    if (GSS_ERROR(major))
        return signet_fail(minor, major, SIGNET_ERR_NOMEM, NULL);
    for (i = 0; i < n; i++) {
        major = gss_add_oid_set_member(minor, (gss_OID)oids[i], &set);
        if (GSS_ERROR(major)) {
            gss_release_oid_set(&tmp, &set);
            return signet_fail(minor, major, SIGNET_ERR_NOMEM, NULL);
        }
    }
    *out = set;
    *minor = 0;
    return GSS_S_COMPLETE;
}

/* DER length of n bytes of content. */
static void
put_der_length(signet_buf *b, size_t n)
{
    if (n < 0x80) {
        signet_put_u8(b, (uint8_t)n);
    } else if (n < 0x100) {
        signet_put_u8(b, 0x81);
        signet_put_u8(b, (uint8_t)n);
    } else if (n < 0x10000) {
        signet_put_u8(b, 0x82);
        signet_put_u16(b, (uint16_t)n);
    } else if (n < 0x1000000) {
        signet_put_u8(b, 0x83);
        signet_put_u8(b, (uint8_t)(n >> 16));
        signet_put_u16(b, (uint16_t)n);
    } else if (n <= UINT32_MAX) {
        signet_put_u8(b, 0x84);
        signet_put_u32(b, (uint32_t)n);
    } else {
        b->err = 1;
    }
}

OM_uint32
signet_token_frame(OM_uint32 *minor, const void *inner, size_t len,
                   signet_buf *out)
{
    size_t oidlen = SIGNET_MECH_OID->length;

    if (len > UINT32_MAX - 16)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                           "context token too large to frame");
    signet_put_u8(out, 0x60);
    put_der_length(out, 2 + oidlen + len);
    signet_put_u8(out, 0x06);
    signet_put_u8(out, (uint8_t)oidlen);
    signet_put_bytes(out, SIGNET_MECH_OID->elements, oidlen);
    signet_put_bytes(out, inner, len);
    if (out->err)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
    *minor = 0;
    return GSS_S_COMPLETE;
}

int
signet_token_unframe(const void *tok, size_t toklen, const uint8_t **inner,
                     size_t *len)
{
    signet_cursor c;
    size_t body, i, nlen;
    uint8_t b, oidlen;
    const uint8_t *oid;

    *inner = NULL;
    *len = 0;
    signet_cursor_init(&c, tok, toklen);
    if (signet_get_u8(&c) != 0x60)
        return -1;
    b = signet_get_u8(&c);
    if (b < 0x80) {
        body = b;
    } else {
        nlen = b & 0x7f;
        if (nlen == 0 || nlen > 4)
            return -1;
        body = 0;
        for (i = 0; i < nlen; i++)
            body = (body << 8) | signet_get_u8(&c);
    }
    if (c.err || body != c.left)
        return -1;
    if (signet_get_u8(&c) != 0x06)
        return -1;
    oidlen = signet_get_u8(&c);
    oid = signet_get_bytes(&c, oidlen);
    if (c.err || oidlen == 0)
        return -1;
    if (oidlen != SIGNET_MECH_OID->length ||
        memcmp(oid, SIGNET_MECH_OID->elements, oidlen) != 0)
        return -2;
    *inner = c.p;
    *len = c.left;
    return 0;
}

/* ---- local files ---------------------------------------------------------- */

int
signet_file_read(const char *path, size_t max, unsigned flags, char **data,
                 size_t *len, char *why, size_t whylen)
{
    struct stat st;
    char *buf = NULL;
    size_t got = 0;
    ssize_t n;
    int fd = -1, err = 0;

    *data = NULL;
    *len = 0;
    if (why != NULL && whylen != 0)
        why[0] = '\0';
    /* O_NONBLOCK: opening a FIFO or a device never waits for a writer. */
    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        err = errno;
        snprintf(why, whylen, "cannot open %s: %s", path, strerror(err));
        goto done;
    }
    if (fstat(fd, &st) != 0) {
        err = errno;
        snprintf(why, whylen, "cannot read %s: %s", path, strerror(err));
        goto done;
    }
    if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)) {
        /* /dev/null: an empty file (SIGNET_CONFIG=/dev/null turns the
         * configuration file off). */
        buf = calloc(1, 1);
        if (buf == NULL)
            err = ENOMEM;
        *data = buf;
        buf = NULL;
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        err = EINVAL;
        snprintf(why, whylen, "%s is not a regular file", path);
        goto done;
    }
    if ((flags & SIGNET_FILE_PRIVATE) && (st.st_mode & (S_IRWXG | S_IRWXO))) {
        err = EPERM;
        snprintf(why, whylen, "%s is accessible by group or others (chmod 600 it)",
                 path);
        goto done;
    }
    if ((flags & SIGNET_FILE_NOT_WORLD_WRITABLE) && (st.st_mode & S_IWOTH)) {
        err = EPERM;
        snprintf(why, whylen, "%s is writable by others (chmod o-w it)", path);
        goto done;
    }
    if ((uint64_t)st.st_size > max) {
        err = EFBIG;
        snprintf(why, whylen, "%s is larger than %zu bytes", path, max);
        goto done;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (buf == NULL) {
        err = ENOMEM;
        snprintf(why, whylen, "out of memory reading %s", path);
        goto done;
    }
    /* A file that grows while it is read is read up to its size at
     * fstat time: never past what was allocated. */
    for (;;) {
        n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err = errno;
            snprintf(why, whylen, "cannot read %s: %s", path, strerror(err));
            goto done;
        }
        got += (size_t)n;
        if (n == 0 || got == (size_t)st.st_size)
            break;
    }
    buf[got] = '\0';
    *data = buf;
    *len = got;
    buf = NULL;
done:
    if (buf != NULL) {
        signet_wipe(buf, (size_t)st.st_size);
        free(buf);
    }
    if (fd >= 0)
        close(fd);
    return err;
}

void
signet_file_free(char *data, size_t len)
{
    if (data == NULL)
        return;
    signet_wipe(data, len);
    free(data);
}
