/*
 * t_util.c - unit tests of the bounded cursor, the output buffer and the
 * RFC 2743 token framing.
 */
#include <stdio.h>
#include <string.h>

#include "signet.h"
#include "check.h"

static void
test_cursor(void)
{
    static const uint8_t data[] = { 1, 0, 2, 0, 0, 0, 3, 'a', 'b', 0 };
    signet_cursor c;
    size_t cut;

    signet_cursor_init(&c, data, sizeof(data));
    CHECK(signet_get_u8(&c) == 1, "u8");
    CHECK(signet_get_u16(&c) == 2, "u16 big-endian");
    CHECK(signet_get_u32(&c) == 3, "u32 big-endian");
    CHECK(!c.err && c.left == 3, "position after reads");
    CHECK(signet_get_string(&c, 3) == NULL && c.err, "embedded NUL refused");
    CHECK(signet_get_u8(&c) == 0 && c.err, "error is sticky");

    /* Every truncation of a u64 read fails without reading past the end. */
    for (cut = 0; cut < 8; cut++) {
        signet_cursor_init(&c, data, cut);
        CHECK(signet_get_u64(&c) == 0 && c.err, "truncated u64");
    }
    signet_cursor_init(&c, NULL, 5);
    CHECK(signet_get_bytes(&c, 1) == NULL && c.err, "NULL input is empty");
    signet_cursor_init(&c, data, sizeof(data));
    CHECK(signet_get_bytes(&c, SIZE_MAX) == NULL && c.err, "huge length");
}

static void
test_buf(void)
{
    signet_buf b;
    gss_buffer_desc g;
    OM_uint32 tmp;
    int i;

    signet_buf_init(&b);
    for (i = 0; i < 1000; i++)
        signet_put_u32(&b, (uint32_t)i);
    CHECK(!b.err && b.len == 4000, "growth");
    CHECK(signet_load_u32(b.data + 4 * 999) == 999, "content after growth");
    CHECK(signet_buf_to_gss(&b, &g) == 0 && g.length == 4000, "hand over");
    CHECK(b.data == NULL && b.len == 0, "buffer empty after hand over");
    gss_release_buffer(&tmp, &g);

    signet_buf_init(&b);
    signet_put_u8(&b, 1);
    CHECK(signet_buf_reserve(&b, SIZE_MAX) == NULL && b.err, "overflow refused");
    signet_put_u8(&b, 2);
    CHECK(b.len == 1, "nothing written after failure");
    CHECK(signet_buf_to_gss(&b, &g) == -1, "failed buffer not handed over");
    signet_buf_clear(&b);
}

static void
test_framing(void)
{
    static const struct { size_t len; } cases[] = {
        { 0 }, { 1 }, { 100 }, { 115 }, { 116 }, { 200 }, { 300 }, { 70000 },
    };
    static uint8_t inner[70000];
    signet_buf b;
    const uint8_t *p;
    size_t i, n, cut;
    OM_uint32 minor;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        signet_buf_init(&b);
        memset(inner, (int)i, cases[i].len);
        CHECK(signet_token_frame(&minor, inner, cases[i].len, &b) == GSS_S_COMPLETE,
              "frame");
        CHECK(signet_token_unframe(b.data, b.len, &p, &n) == 0 &&
              n == cases[i].len && memcmp(p, inner, n) == 0, "unframe round trip");
        for (cut = 0; cut < b.len && cut < 40; cut++)
            CHECK(signet_token_unframe(b.data, cut, &p, &n) == -1,
                  "truncated framing refused");
        b.data[b.len > 20 ? 10 : 5] ^= 0x01; /* inside the OID */
        CHECK(signet_token_unframe(b.data, b.len, &p, &n) != 0, "other OID refused");
        signet_buf_clear(&b);
    }
    {
        static const uint8_t krb5[] = { 0x60, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48,
                                        0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x01,
                                        0x00 };

        CHECK(signet_token_unframe(krb5, sizeof(krb5), &p, &n) == -2,
              "Kerberos token recognised as another mechanism's");
    }
}

int
main(void)
{
    test_cursor();
    test_buf();
    test_framing();
    return check_report();
}
