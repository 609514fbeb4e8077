/*
 * strings.c - UTF-8 <-> UTF-16 conversion for the A and W entry points.
 * "A" strings are UTF-8 on Linux; "W" strings are UTF-16 (SEC_WCHAR).
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"      /* signet_wipe */
#include "sspi_int.h"

size_t
sspi_wcslen(const SEC_WCHAR *w)
{
    size_t n = 0;

    if (w == NULL)
        return 0;
    while (w[n] != 0)
        n++;
    return n;
}

SEC_WCHAR *
sspi_utf16_from_utf8(const char *s, size_t len, size_t *nchars)
{
    const unsigned char *p = (const unsigned char *)s;
    SEC_WCHAR *out;
    size_t i = 0, n = 0;
    uint32_t cp;

    if (nchars != NULL)
        *nchars = 0;
    if (s == NULL)
        return NULL;
    if (len == (size_t)-1)
        len = strlen(s);
    out = malloc((len + 1) * sizeof(*out));  /* never more units than bytes */
    if (out == NULL)
        return NULL;
    while (i < len) {
        unsigned c = p[i], extra;

        if (c < 0x80) {
            cp = c;
            extra = 0;
        } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
            cp = c & 0x1F;
            extra = 1;
        } else if ((c & 0xF0) == 0xE0) {
            cp = c & 0x0F;
            extra = 2;
        } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
            cp = c & 0x07;
            extra = 3;
        } else {
            goto bad;
        }
        if (len - i - 1 < extra)
            goto bad;
        for (unsigned k = 1; k <= extra; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                goto bad;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            goto bad;
        i += extra + 1;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out[n++] = (SEC_WCHAR)(0xD800 | (cp >> 10));
            out[n++] = (SEC_WCHAR)(0xDC00 | (cp & 0x3FF));
        } else {
            out[n++] = (SEC_WCHAR)cp;
        }
    }
    out[n] = 0;
    if (nchars != NULL)
        *nchars = n;
    return out;
bad:
    free(out);
    return NULL;
}

char *
sspi_utf8_from_utf16(const SEC_WCHAR *w, size_t n)
{
    return sspi_utf8_from_utf16_len(w, n, NULL);
}

char *
sspi_utf8_from_utf16_len(const SEC_WCHAR *w, size_t n, size_t *nbytes)
{
    char *out;
    size_t i, o = 0;

    if (w == NULL)
        return NULL;
    if (n == (size_t)-1)
        n = sspi_wcslen(w);
    if (n > (SIZE_MAX - 1) / 3)
        return NULL;
    out = malloc(n * 3 + 1);   /* a surrogate pair (2 units) makes 4 bytes */
    if (out == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        uint32_t cp = w[i];

        if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n &&
            w[i + 1] >= 0xDC00 && w[i + 1] <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (w[i + 1] - 0xDC00);
            i++;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            signet_wipe(out, o);     /* the string may be a password */
            free(out);
            return NULL;
        }
        if (cp < 0x80) {
            out[o++] = (char)cp;
        } else if (cp < 0x800) {
            out[o++] = (char)(0xC0 | (cp >> 6));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[o++] = (char)(0xE0 | (cp >> 12));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[o++] = (char)(0xF0 | (cp >> 18));
            out[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    out[o] = '\0';
    if (nbytes != NULL)
        *nbytes = o;
    return out;
}

int
sspi_ustr_set(UNICODE_STRING *u, const char *s)
{
    size_t n;
    SEC_WCHAR *w;

    memset(u, 0, sizeof(*u));
    w = sspi_utf16_from_utf8(s, (size_t)-1, &n);
    if (w == NULL || n > 0x7FFE) {
        free(w);
        return -1;
    }
    u->Buffer = w;
    u->Length = (USHORT)(n * 2);
    u->MaximumLength = (USHORT)(n * 2 + 2);
    return 0;
}

void
sspi_ustr_clear(UNICODE_STRING *u)
{
    if (u == NULL)
        return;
    free(u->Buffer);
    memset(u, 0, sizeof(*u));
}

char *
sspi_utf8_from_ustr(const UNICODE_STRING *u)
{
    if (u == NULL || u->Buffer == NULL)
        return NULL;
    return sspi_utf8_from_utf16(u->Buffer, u->Length / 2);
}

int
sspi_strcasecmp_ascii(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = (unsigned char)*a, cb = (unsigned char)*b;

        if (ca >= 'A' && ca <= 'Z')
            ca += 'a' - 'A';
        if (cb >= 'A' && cb <= 'Z')
            cb += 'a' - 'A';
        if (ca != cb || ca == 0)
            return ca - cb;
    }
}

void
sspi_timestamp(PTimeStamp ts, int64_t unix_time)
{
    if (ts == NULL)
        return;
    if (unix_time <= 0)
        ts->QuadPart = INT64_MAX;   /* never expires */
    else
        ts->QuadPart = (unix_time + INT64_C(11644473600)) * 10000000;
}
