/*
 * util.h - bounded parsing cursor, growable output buffer, GSS buffer and
 * OID-set helpers shared by the Signet core.
 *
 * Parsing goes through a signet_cursor with a sticky error: every getter
 * checks the remaining length before it reads, clears its output first, and
 * after the first failure every later call fails too, so a parser can read a
 * whole structure and test cur.err once.
 */
#ifndef SIGNET_UTIL_H
#define SIGNET_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <gssapi/gssapi.h>

typedef struct signet_cursor {
    const uint8_t *p;
    size_t left;
    int err;
} signet_cursor;

void signet_cursor_init(signet_cursor *c, const void *data, size_t len);
uint8_t signet_get_u8(signet_cursor *c);
uint16_t signet_get_u16(signet_cursor *c);   /* big-endian */
uint32_t signet_get_u32(signet_cursor *c);
uint64_t signet_get_u64(signet_cursor *c);
/* Returns a pointer to the next len bytes inside the input, or NULL. */
const uint8_t *signet_get_bytes(signet_cursor *c, size_t len);
/* Reads len bytes into a NUL-terminated malloc'ed string; NULL on failure
 * (embedded NUL bytes are a failure too). */
char *signet_get_string(signet_cursor *c, size_t len);

typedef struct signet_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
    int err;          /* sticky: allocation failed or size overflowed */
} signet_buf;

void signet_buf_init(signet_buf *b);
/* Makes room for n more bytes; returns a pointer to them (len grows by n)
 * or NULL with b->err set. */
uint8_t *signet_buf_reserve(signet_buf *b, size_t n);
void signet_put_u8(signet_buf *b, uint8_t v);
void signet_put_u16(signet_buf *b, uint16_t v);
void signet_put_u32(signet_buf *b, uint32_t v);
void signet_put_u64(signet_buf *b, uint64_t v);
void signet_put_bytes(signet_buf *b, const void *data, size_t len);
/* u32 length + bytes */
void signet_put_string(signet_buf *b, const char *s);
/* Wipes (OPENSSL_cleanse) and frees the contents. */
void signet_buf_clear(signet_buf *b);
/* Moves the contents into a gss_buffer (malloc'ed); returns 0 or -1 if the
 * buffer had failed (then it is cleared). */
int signet_buf_to_gss(signet_buf *b, gss_buffer_t out);

void signet_store_u32(uint8_t *p, uint32_t v);
void signet_store_u64(uint8_t *p, uint64_t v);
uint32_t signet_load_u32(const uint8_t *p);
uint64_t signet_load_u64(const uint8_t *p);

/* Copies data into a new malloc'ed gss buffer, NUL-terminated beyond its
 * length (display strings are printed with %s); {0, NULL} when len is 0.
 * GSS_S_COMPLETE or GSS_S_FAILURE with *minor set. */
OM_uint32 signet_gss_buffer_set(OM_uint32 *minor, gss_buffer_t out,
                                const void *data, size_t len);
void signet_gss_buffer_clear(gss_buffer_t buf);
/* An OID set holding the given OIDs (copied); libgssapi frees it. */
OM_uint32 signet_oid_set_of(OM_uint32 *minor, gss_OID_set *out, size_t n,
                            const gss_OID_desc *const *oids);

/* RFC 2743 3.1 framing: 0x60 len 0x06 oidlen OID inner. */
OM_uint32 signet_token_frame(OM_uint32 *minor, const void *inner, size_t len,
                             signet_buf *out);
/* Returns 0 and sets inner/len if tok is framed with the Signet OID,
 * -1 if it is not a well-formed framed token, -2 if framed with another OID. */
int signet_token_unframe(const void *tok, size_t toklen,
                         const uint8_t **inner, size_t *len);

/*
 * Local files (configuration, PSK files, maps) are read whole through
 * signet_file_read: it never blocks (a FIFO or device is refused, not
 * waited on), reads at most max bytes, and can require private modes.
 * Returns 0 with *data malloc'ed and NUL-terminated after *len bytes, or
 * an errno value with a sentence naming the file in why.  Free with
 * signet_file_free (which wipes: the file may hold keys).
 */
#define SIGNET_FILE_PRIVATE 0x01             /* no group or other access */
#define SIGNET_FILE_NOT_WORLD_WRITABLE 0x02  /* others may not write it */
int signet_file_read(const char *path, size_t max, unsigned flags, char **data,
                     size_t *len, char *why, size_t whylen);
void signet_file_free(char *data, size_t len);

#endif
