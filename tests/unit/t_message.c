/*
 * t_message.c - unit tests of Signet per-message tokens (message.c),
 * export/import (serialize.c) and the PRF (prf.c) on contexts built by hand:
 * an initiator and an acceptor set up from the same fixed secret.
 *
 * Covers: round trips both ways for every QOP (MIC, wrap with and without
 * confidentiality), reflection and cross-context rejection, every
 * malformed-token case (truncation at every length, wrong id, wrong
 * direction, unknown algorithm, a flip of every bit) with the receive
 * window left unchanged, replay/sequence statuses, QOP rules, IOV MICs equal
 * to MICs of the concatenation, datagram sequence numbers, the per-instance
 * token limit, nonce uniqueness across threads and across two imports of
 * one exported context, the per-thread cache of keyed contexts (more keys
 * than it holds; entries of a context deleted by another thread freed at
 * the next call), and known-answer vectors (docs/tokens.md).
 * Prints one line per failure and "N passed, M failed"; exit 0 iff M == 0.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signet.h"
#include "crypto.h"
#include "check.h"

#define ALL_QOPS ((1u << SIGNET_QOP_HMAC_SHA256) | (1u << SIGNET_QOP_HMAC_SHA384) | \
                  (1u << SIGNET_QOP_HMAC_SHA512) | (1u << SIGNET_QOP_AES256_GMAC))
#define STD_FLAGS (GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG | \
                   GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG)
#define HDR 24

static uint8_t secret_a[64], secret_b[64];

static signet_ctx *
make_ctx(int initiator, const uint8_t *secret, OM_uint32 flags, uint32_t mask,
         uint32_t dflt)
{
    signet_ctx *c = calloc(1, sizeof(*c));
    OM_uint32 minor, major;

    if (c == NULL)
        abort();
    c->initiator = initiator;
    c->state = SIGNET_CTX_ESTABLISHED;
    c->flags = flags;
    c->qop_mask = mask;
    c->qop_default = dflt;
    if (signet_name_new(&minor, SIGNET_NAME_PSK, "client", NULL,
                        &c->initiator_name) != GSS_S_COMPLETE ||
        signet_name_new(&minor, SIGNET_NAME_HOSTBASED, "host", "server.example",
                        &c->acceptor_name) != GSS_S_COMPLETE)
        abort();
    major = signet_msg_setup(&minor, c, secret, 64);
    if (major != GSS_S_COMPLETE) {
        printf("signet_msg_setup failed: 0x%x/0x%x\n", major, minor);
        abort();
    }
    return c;
}

static void
make_pair(signet_ctx **i, signet_ctx **a, const uint8_t *secret,
          OM_uint32 flags)
{
    *i = make_ctx(1, secret, flags, ALL_QOPS, SIGNET_QOP_AES256_GMAC);
    *a = make_ctx(0, secret, flags, ALL_QOPS, SIGNET_QOP_AES256_GMAC);
}

static gss_buffer_desc
bufstr(const char *s)
{
    gss_buffer_desc b = { strlen(s), (void *)s };

    return b;
}

static void
release(gss_buffer_t b)
{
    OM_uint32 minor;

    gss_release_buffer(&minor, b);
}

static OM_uint32
get_mic(signet_ctx *c, gss_qop_t qop, gss_buffer_t msg, gss_buffer_t tok)
{
    OM_uint32 minor;

    return signet_gss_get_mic(&minor, (gss_ctx_id_t)c, qop, msg, tok);
}

static OM_uint32
verify_mic(signet_ctx *c, gss_buffer_t msg, const uint8_t *tok, size_t len,
           gss_qop_t *qop, OM_uint32 *minor_out)
{
    gss_buffer_desc t = { len, (void *)tok };
    OM_uint32 minor, major;

    major = signet_gss_verify_mic(&minor, (gss_ctx_id_t)c, msg, &t, qop);
    if (minor_out != NULL)
        *minor_out = minor;
    return major;
}

static void
hex(const uint8_t *p, size_t n, char *out)
{
    size_t i;

    for (i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", p[i]);
    out[2 * n] = '\0';
}

/* ---- round trips ---------------------------------------------------------- */

static void
test_round_trips(void)
{
    signet_ctx *i, *a, *from, *to;
    gss_buffer_desc msg = bufstr("the quick brown fox"), tok, wrapped, out;
    OM_uint32 major, minor;
    gss_qop_t qop, qop_state;
    int dir, conf, conf_state;

    make_pair(&i, &a, secret_a, STD_FLAGS);
    for (dir = 0; dir < 2; dir++) {
        from = dir == 0 ? i : a;
        to = dir == 0 ? a : i;
        for (qop = 0; qop <= SIGNET_QOP_AES256_GMAC; qop++) {
            major = get_mic(from, qop, &msg, &tok);
            CHECK(major == GSS_S_COMPLETE, "get_mic dir %d qop %u: 0x%x", dir,
                  qop, major);
            major = verify_mic(to, &msg, tok.value, tok.length, &qop_state,
                               NULL);
            CHECK(major == GSS_S_COMPLETE, "verify_mic dir %d qop %u: 0x%x",
                  dir, qop, major);
            CHECK(qop_state == (qop == 0 ? SIGNET_QOP_AES256_GMAC : qop),
                  "qop_state %u for qop %u", qop_state, qop);
            CHECK(tok.length == HDR + (qop == 2 ? 24u : qop == 3 ? 32u : 16u),
                  "MIC length %zu for qop %u", tok.length, qop);
            release(&tok);
            for (conf = 0; conf < 2; conf++) {
                major = signet_gss_wrap(&minor, (gss_ctx_id_t)from, conf, qop,
                                        &msg, &conf_state, &wrapped);
                CHECK(major == GSS_S_COMPLETE && conf_state == conf,
                      "wrap dir %d qop %u conf %d: 0x%x conf_state %d", dir,
                      qop, conf, major, conf_state);
                if (conf)
                    CHECK(memmem(wrapped.value, wrapped.length, msg.value,
                                 msg.length) == NULL,
                          "sealed wrap token holds the plaintext");
                major = signet_gss_unwrap(&minor, (gss_ctx_id_t)to, &wrapped,
                                          &out, &conf_state, &qop_state);
                CHECK(major == GSS_S_COMPLETE && conf_state == conf &&
                      out.length == msg.length &&
                      memcmp(out.value, msg.value, msg.length) == 0,
                      "unwrap dir %d qop %u conf %d: 0x%x", dir, qop, conf,
                      major);
                CHECK(qop_state == (conf || qop == 0 ? SIGNET_QOP_AES256_GMAC
                                                     : qop),
                      "unwrap qop_state %u (qop %u conf %d)", qop_state, qop,
                      conf);
                release(&out);
                release(&wrapped);
            }
        }
    }
    /* empty messages */
    msg.length = 0;
    msg.value = NULL;
    CHECK(get_mic(i, 0, &msg, &tok) == GSS_S_COMPLETE, "get_mic of empty");
    CHECK(verify_mic(a, &msg, tok.value, tok.length, NULL, NULL) ==
          GSS_S_COMPLETE, "verify_mic of empty");
    release(&tok);
    for (conf = 0; conf < 2; conf++) {
        major = signet_gss_wrap(&minor, (gss_ctx_id_t)i, conf, 0, &msg,
                                &conf_state, &wrapped);
        CHECK(major == GSS_S_COMPLETE, "wrap of empty conf %d", conf);
        major = signet_gss_unwrap(&minor, (gss_ctx_id_t)a, &wrapped, &out,
                                  &conf_state, &qop_state);
        CHECK(major == GSS_S_COMPLETE && out.length == 0,
              "unwrap of empty conf %d: 0x%x", conf, major);
        release(&out);
        release(&wrapped);
    }
    signet_ctx_free(&i);
    signet_ctx_free(&a);
}

/* ---- reflection, other contexts ------------------------------------------ */

static void
test_reflection_and_cross(void)
{
    signet_ctx *i, *a, *i2, *a2;
    gss_buffer_desc msg = bufstr("hello"), tok, wrapped, out;
    OM_uint32 major, minor;
    signet_seqstate before;
    int conf;

    make_pair(&i, &a, secret_a, STD_FLAGS);
    make_pair(&i2, &a2, secret_b, STD_FLAGS);
    get_mic(i, 0, &msg, &tok);
    before = i->msg.recv;
    major = verify_mic(i, &msg, tok.value, tok.length, NULL, &minor);
    CHECK(major == GSS_S_BAD_SIG && minor == SIGNET_ERR_WRONG_DIRECTION,
          "reflected MIC: 0x%x/0x%x", major, minor);
    CHECK(memcmp(&before, &i->msg.recv, sizeof(before)) == 0,
          "reflection changed the window");
    before = a2->msg.recv;
    major = verify_mic(a2, &msg, tok.value, tok.length, NULL, &minor);
    CHECK(major == GSS_S_BAD_SIG && minor == SIGNET_ERR_BAD_MIC,
          "MIC of another context: 0x%x/0x%x", major, minor);
    CHECK(memcmp(&before, &a2->msg.recv, sizeof(before)) == 0,
          "other context's MIC changed the window");
    /* A token whose direction flag is forged fails its MAC. */
    ((uint8_t *)tok.value)[2] ^= 0x01;
    major = verify_mic(i, &msg, tok.value, tok.length, NULL, &minor);
    CHECK(major == GSS_S_BAD_SIG, "MIC with forged direction: 0x%x", major);
    release(&tok);

    for (conf = 0; conf < 2; conf++) {
        signet_gss_wrap(&minor, (gss_ctx_id_t)a, conf, 0, &msg, NULL, &wrapped);
        major = signet_gss_unwrap(&minor, (gss_ctx_id_t)a, &wrapped, &out,
                                  NULL, NULL);
        CHECK(major == GSS_S_BAD_SIG && minor == SIGNET_ERR_WRONG_DIRECTION &&
              out.length == 0 && out.value == NULL,
              "reflected wrap conf %d: 0x%x/0x%x", conf, major, minor);
        major = signet_gss_unwrap(&minor, (gss_ctx_id_t)i2, &wrapped, &out,
                                  NULL, NULL);
        CHECK(major == GSS_S_BAD_SIG && out.value == NULL,
              "wrap of another context conf %d: 0x%x", conf, major);
        release(&wrapped);
    }
    signet_ctx_free(&i);
    signet_ctx_free(&a);
    signet_ctx_free(&i2);
    signet_ctx_free(&a2);
}

/* ---- malformed tokens ------------------------------------------------------ */

static int
is_rejection(OM_uint32 major)
{
    return major == GSS_S_DEFECTIVE_TOKEN || major == GSS_S_BAD_SIG ||
           major == GSS_S_BAD_QOP;
}

static void
test_malformed_mic(void)
{
    signet_ctx *i, *a;
    gss_buffer_desc msg = bufstr("a message of some length"), tok;
    OM_uint32 major, want;
    signet_seqstate before;
    uint8_t bad[128];
    gss_qop_t qop;
    size_t len, pos;
    int bit, ok;

    make_pair(&i, &a, secret_a, STD_FLAGS);
    for (qop = 1; qop <= SIGNET_QOP_AES256_GMAC; qop++) {
        get_mic(i, qop, &msg, &tok);
        before = a->msg.recv;
        /* truncated at every length, and one byte too long */
        ok = 1;
        for (len = 0; len < tok.length; len++) {
            major = verify_mic(a, &msg, tok.value, len, NULL, NULL);
            if (major != GSS_S_DEFECTIVE_TOKEN) {
                ok = 0;
                printf("  qop %u truncated to %zu: 0x%x\n", qop, len, major);
            }
        }
        CHECK(ok, "MIC (qop %u) truncated at every length", qop);
        memcpy(bad, tok.value, tok.length);
        bad[tok.length] = 0;
        CHECK(verify_mic(a, &msg, bad, tok.length + 1, NULL, NULL) ==
              GSS_S_DEFECTIVE_TOKEN, "MIC with a trailing byte");
        /* every bit of every byte */
        ok = 1;
        for (pos = 0; pos < tok.length; pos++) {
            for (bit = 0; bit < 8; bit++) {
                memcpy(bad, tok.value, tok.length);
                bad[pos] ^= (uint8_t)(1u << bit);
                if (pos < 2 || pos == 3 || (pos == 2 && bit != 0))
                    want = GSS_S_DEFECTIVE_TOKEN;
                else
                    want = GSS_S_BAD_SIG;
                major = verify_mic(a, &msg, bad, tok.length, NULL, NULL);
                if (major != want) {
                    ok = 0;
                    printf("  qop %u byte %zu bit %d: 0x%x, want 0x%x\n", qop,
                           pos, bit, major, want);
                }
            }
        }
        CHECK(ok, "MIC (qop %u) with each bit flipped", qop);
        /* unknown algorithms */
        ok = 1;
        for (bit = 0; bit < 256; bit++) {
            if (bit >= 1 && bit <= 4)
                continue;
            memcpy(bad, tok.value, tok.length);
            bad[3] = (uint8_t)bit;
            if (verify_mic(a, &msg, bad, tok.length, NULL, NULL) !=
                GSS_S_DEFECTIVE_TOKEN)
                ok = 0;
        }
        CHECK(ok, "MIC (qop %u) with unknown algorithm ids", qop);
        /* wrong id: a wrap token id */
        memcpy(bad, tok.value, tok.length);
        bad[1] = 0x02;
        CHECK(verify_mic(a, &msg, bad, tok.length, NULL, NULL) ==
              GSS_S_DEFECTIVE_TOKEN, "MIC with the wrap token id");
        /* the message altered */
        {
            gss_buffer_desc other = bufstr("a message of some lengtH");
            CHECK(verify_mic(a, &other, tok.value, tok.length, NULL, NULL) ==
                  GSS_S_BAD_SIG, "MIC over an altered message");
        }
        CHECK(memcmp(&before, &a->msg.recv, sizeof(before)) == 0,
              "bad MIC tokens (qop %u) changed the window", qop);
        /* and the genuine token still verifies once */
        major = verify_mic(a, &msg, tok.value, tok.length, NULL, NULL);
        CHECK(!GSS_ERROR(major), "genuine MIC after the bad ones: 0x%x",
              major);
        release(&tok);
    }
    signet_ctx_free(&i);
    signet_ctx_free(&a);
}

static void
test_malformed_wrap(void)
{
    signet_ctx *i, *a;
    gss_buffer_desc msg = bufstr("wrapped payload, 32 bytes long!!"), tok, in,
                    out;
    OM_uint32 major, minor;
    signet_seqstate before;
    uint8_t bad[256];
    gss_qop_t qop;
    size_t len, pos;
    int bit, ok, conf;

    make_pair(&i, &a, secret_a, STD_FLAGS);
    for (conf = 0; conf < 2; conf++) {
        for (qop = 1; qop <= SIGNET_QOP_AES256_GMAC; qop++) {
            signet_gss_wrap(&minor, (gss_ctx_id_t)i, conf, qop, &msg, NULL,
                            &tok);
            before = a->msg.recv;
            ok = 1;
            for (len = 0; len < tok.length; len++) {
                in.value = tok.value;
                in.length = len;
                major = signet_gss_unwrap(&minor, (gss_ctx_id_t)a, &in, &out,
                                          NULL, NULL);
                if (!is_rejection(major) || out.value != NULL ||
                    (len < HDR + 16 && major != GSS_S_DEFECTIVE_TOKEN)) {
                    ok = 0;
                    printf("  conf %d qop %u truncated to %zu: 0x%x\n", conf,
                           qop, len, major);
                }
            }
            CHECK(ok, "wrap (conf %d qop %u) truncated at every length", conf,
                  qop);
            ok = 1;
            for (pos = 0; pos < tok.length; pos++) {
                for (bit = 0; bit < 8; bit++) {
                    memcpy(bad, tok.value, tok.length);
                    bad[pos] ^= (uint8_t)(1u << bit);
                    in.value = bad;
                    in.length = tok.length;
                    major = signet_gss_unwrap(&minor, (gss_ctx_id_t)a, &in,
                                              &out, NULL, NULL);
                    if (out.value != NULL ||
                        (pos < 2 && major != GSS_S_DEFECTIVE_TOKEN) ||
                        (pos == 2 && bit == 0 && major != GSS_S_BAD_SIG) ||
                        (pos >= 4 && major != GSS_S_BAD_SIG) ||
                        !is_rejection(major)) {
                        ok = 0;
                        printf("  conf %d qop %u byte %zu bit %d: 0x%x\n",
                               conf, qop, pos, bit, major);
                    }
                }
            }
            CHECK(ok, "wrap (conf %d qop %u) with each bit flipped", conf, qop);
            memcpy(bad, tok.value, tok.length);
            bad[1] = 0x01;
            in.value = bad;
            in.length = tok.length;
            CHECK(signet_gss_unwrap(&minor, (gss_ctx_id_t)a, &in, &out, NULL,
                                    NULL) == GSS_S_DEFECTIVE_TOKEN,
                  "wrap token with the MIC id");
            bad[1] = 0x02;
            bad[3] = 9;
            CHECK(signet_gss_unwrap(&minor, (gss_ctx_id_t)a, &in, &out, NULL,
                                    NULL) == GSS_S_DEFECTIVE_TOKEN,
                  "wrap token with unknown algorithm 9");
            CHECK(memcmp(&before, &a->msg.recv, sizeof(before)) == 0,
                  "bad wrap tokens (conf %d qop %u) changed the window", conf,
                  qop);
            major = signet_gss_unwrap(&minor, (gss_ctx_id_t)a, &tok, &out,
                                      NULL, NULL);
            CHECK(major == GSS_S_COMPLETE, "genuine wrap after the bad ones");
            release(&out);
            release(&tok);
        }
    }
    signet_ctx_free(&i);
    signet_ctx_free(&a);
}

/* ---- sequencing ----------------------------------------------------------- */

static void
test_sequencing(void)
{
    signet_ctx *i, *a;
    gss_buffer_desc msg = bufstr("seq"), t[4];
    OM_uint32 major;
    int k;

    make_pair(&i, &a, secret_a, STD_FLAGS);
    for (k = 0; k < 4; k++)
        get_mic(i, 0, &msg, &t[k]);
    major = verify_mic(a, &msg, t[0].value, t[0].length, NULL, NULL);
    CHECK(major == GSS_S_COMPLETE, "first: 0x%x", major);
    major = verify_mic(a, &msg, t[0].value, t[0].length, NULL, NULL);
    CHECK(major == GSS_S_DUPLICATE_TOKEN, "replayed: 0x%x", major);
    major = verify_mic(a, &msg, t[2].value, t[2].length, NULL, NULL);
    CHECK(major == GSS_S_GAP_TOKEN, "gap: 0x%x", major);
    major = verify_mic(a, &msg, t[1].value, t[1].length, NULL, NULL);
    CHECK(major == GSS_S_UNSEQ_TOKEN, "late: 0x%x", major);
    major = verify_mic(a, &msg, t[3].value, t[3].length, NULL, NULL);
    CHECK(major == GSS_S_COMPLETE, "next: 0x%x", major);
    for (k = 0; k < 4; k++)
        release(&t[k]);
    signet_ctx_free(&i);
    signet_ctx_free(&a);

    /* replay detection only */
    make_pair(&i, &a, secret_a, GSS_C_REPLAY_FLAG | GSS_C_INTEG_FLAG);
    for (k = 0; k < 3; k++)
        get_mic(i, 0, &msg, &t[k]);
    CHECK(verify_mic(a, &msg, t[2].value, t[2].length, NULL, NULL) ==
          GSS_S_COMPLETE, "replay-only: ahead");
    CHECK(verify_mic(a, &msg, t[0].value, t[0].length, NULL, NULL) ==
          GSS_S_COMPLETE, "replay-only: late");
    CHECK(verify_mic(a, &msg, t[0].value, t[0].length, NULL, NULL) ==
          GSS_S_DUPLICATE_TOKEN, "replay-only: replay");
    for (k = 0; k < 3; k++)
        release(&t[k]);
    signet_ctx_free(&i);
    signet_ctx_free(&a);

    /* neither */
    make_pair(&i, &a, secret_a, GSS_C_INTEG_FLAG);
    get_mic(i, 0, &msg, &t[0]);
    CHECK(verify_mic(a, &msg, t[0].value, t[0].length, NULL, NULL) ==
          GSS_S_COMPLETE, "no detection: first");
    CHECK(verify_mic(a, &msg, t[0].value, t[0].length, NULL, NULL) ==
          GSS_S_COMPLETE, "no detection: again");
    release(&t[0]);
    signet_ctx_free(&i);
    signet_ctx_free(&a);
}

/* ---- QOP rules ------------------------------------------------------------ */

static void
test_qop(void)
{
    signet_ctx *i, *a, *narrow, *noint;
    gss_buffer_desc msg = bufstr("qop"), tok, out;
    OM_uint32 major, minor, max;
    signet_seqstate before;
    gss_qop_t qop_state;

    make_pair(&i, &a, secret_a, STD_FLAGS);
    major = signet_gss_get_mic(&minor, (gss_ctx_id_t)i, 5, &msg, &tok);
    CHECK(major == GSS_S_BAD_QOP && minor == SIGNET_ERR_BAD_QOP &&
          tok.value == NULL, "qop 5: 0x%x/0x%x", major, minor);
    major = signet_gss_get_mic(&minor, (gss_ctx_id_t)i, 0x80000001u, &msg,
                               &tok);
    CHECK(major == GSS_S_BAD_QOP, "qop 0x80000001: 0x%x", major);
    major = signet_gss_wrap(&minor, (gss_ctx_id_t)i, 1, 7, &msg, NULL, &tok);
    CHECK(major == GSS_S_BAD_QOP, "wrap qop 7: 0x%x", major);
    major = signet_gss_wrap_size_limit(&minor, (gss_ctx_id_t)i, 0, 9, 100,
                                       &max);
    CHECK(major == GSS_S_BAD_QOP, "wrap_size_limit qop 9: 0x%x", major);

    /* a context that negotiated only HMAC-SHA256 and GMAC */
    narrow = make_ctx(0, secret_a, STD_FLAGS,
                      (1u << SIGNET_QOP_HMAC_SHA256) |
                      (1u << SIGNET_QOP_AES256_GMAC), SIGNET_QOP_HMAC_SHA256);
    major = signet_gss_get_mic(&minor, (gss_ctx_id_t)narrow,
                               SIGNET_QOP_HMAC_SHA384, &msg, &tok);
    CHECK(major == GSS_S_BAD_QOP && minor == SIGNET_ERR_BAD_QOP,
          "qop outside the negotiated set: 0x%x", major);
    major = signet_gss_get_mic(&minor, (gss_ctx_id_t)narrow, 0, &msg, &tok);
    CHECK(major == GSS_S_COMPLETE &&
          ((uint8_t *)tok.value)[3] == SIGNET_QOP_HMAC_SHA256,
          "default qop of the narrow context");
    major = verify_mic(i, &msg, tok.value, tok.length, &qop_state, NULL);
    CHECK(major == GSS_S_COMPLETE && qop_state == SIGNET_QOP_HMAC_SHA256,
          "verify of the narrow context's default: 0x%x qop %u", major,
          qop_state);
    release(&tok);
    /* a token using a QOP the receiver did not negotiate */
    get_mic(i, SIGNET_QOP_HMAC_SHA512, &msg, &tok);
    before = narrow->msg.recv;
    major = verify_mic(narrow, &msg, tok.value, tok.length, NULL, &minor);
    CHECK(major == GSS_S_BAD_QOP && minor == SIGNET_ERR_BAD_QOP,
          "token with an unnegotiated QOP: 0x%x/0x%x", major, minor);
    CHECK(memcmp(&before, &narrow->msg.recv, sizeof(before)) == 0,
          "unnegotiated QOP changed the window");
    release(&tok);

    /* no integrity negotiated */
    noint = make_ctx(1, secret_a, GSS_C_MUTUAL_FLAG, ALL_QOPS,
                     SIGNET_QOP_AES256_GMAC);
    major = signet_gss_get_mic(&minor, (gss_ctx_id_t)noint, 0, &msg, &tok);
    CHECK(major == GSS_S_BAD_QOP && minor == SIGNET_ERR_NO_INTEGRITY,
          "get_mic without integrity: 0x%x/0x%x", major, minor);
    major = signet_gss_wrap(&minor, (gss_ctx_id_t)noint, 1, 0, &msg, NULL,
                            &tok);
    CHECK(major == GSS_S_BAD_QOP && minor == SIGNET_ERR_NO_INTEGRITY,
          "wrap without integrity: 0x%x/0x%x", major, minor);
    get_mic(a, 0, &msg, &tok);
    major = verify_mic(noint, &msg, tok.value, tok.length, NULL, &minor);
    CHECK(major == GSS_S_BAD_QOP && minor == SIGNET_ERR_NO_INTEGRITY,
          "verify_mic without integrity: 0x%x/0x%x", major, minor);
    major = signet_gss_unwrap(&minor, (gss_ctx_id_t)noint, &tok, &out, NULL,
                              NULL);
    CHECK(major == GSS_S_BAD_QOP && out.value == NULL,
          "unwrap without integrity: 0x%x", major);
    release(&tok);

    signet_ctx_free(&noint);

    /* no common QOP at all: the context exists, MICs are refused */
    noint = make_ctx(1, secret_a, GSS_C_MUTUAL_FLAG, 0, 0);
    major = signet_gss_get_mic(&minor, (gss_ctx_id_t)noint, 0, &msg, &tok);
    CHECK(major == GSS_S_BAD_QOP && minor == SIGNET_ERR_NO_INTEGRITY,
          "get_mic with an empty QOP set: 0x%x/0x%x", major, minor);
    major = signet_gss_pseudo_random(&minor, (gss_ctx_id_t)noint,
                                     GSS_C_PRF_KEY_FULL, &msg, 16, &tok);
    CHECK(major == GSS_S_COMPLETE, "PRF with an empty QOP set: 0x%x", major);
    release(&tok);

    signet_ctx_free(&i);
    signet_ctx_free(&a);
    signet_ctx_free(&narrow);
    signet_ctx_free(&noint);
}

/* ---- arguments, states, sizes --------------------------------------------- */

static void
test_arguments(void)
{
    signet_ctx *i, *a;
    gss_buffer_desc msg = bufstr("args"), tok, out, big;
    OM_uint32 major, minor, max;
    gss_ctx_id_t h;
    gss_qop_t qop;
    int conf, conf_state;
    uint8_t data[2000];

    make_pair(&i, &a, secret_a, STD_FLAGS);
    major = signet_gss_get_mic(&minor, GSS_C_NO_CONTEXT, 0, &msg, &tok);
    CHECK(major == GSS_S_NO_CONTEXT, "get_mic without context: 0x%x", major);
    major = signet_gss_get_mic(&minor, (gss_ctx_id_t)i, 0, NULL, &tok);
    CHECK(major == GSS_S_CALL_INACCESSIBLE_READ, "get_mic NULL message");
    major = signet_gss_get_mic(&minor, (gss_ctx_id_t)i, 0, &msg, NULL);
    CHECK(major == GSS_S_CALL_INACCESSIBLE_WRITE, "get_mic NULL token");
    i->state = SIGNET_CTX_HANDSHAKE;
    major = signet_gss_get_mic(&minor, (gss_ctx_id_t)i, 0, &msg, &tok);
    CHECK(major == GSS_S_NO_CONTEXT && minor == SIGNET_ERR_CONTEXT_INCOMPLETE,
          "get_mic on an incomplete context: 0x%x/0x%x", major, minor);
    h = (gss_ctx_id_t)i;
    major = signet_gss_export_sec_context(&minor, &h, &tok);
    CHECK(major == GSS_S_UNAVAILABLE && h == (gss_ctx_id_t)i,
          "export of an incomplete context: 0x%x", major);
    i->state = SIGNET_CTX_ESTABLISHED;
    i->expiry = 1;
    major = signet_gss_get_mic(&minor, (gss_ctx_id_t)i, 0, &msg, &tok);
    CHECK(major == GSS_S_CONTEXT_EXPIRED, "get_mic on an expired context");
    i->expiry = 0;

    /* unknown option OIDs */
    {
        gss_OID_desc oid = { 3, (void *)"\x2a\x03\x04" };
        gss_buffer_desc v = { 0, NULL };
        h = (gss_ctx_id_t)i;
        major = signet_gss_set_sec_context_option(&minor, &h, &oid, &v);
        CHECK(major == GSS_S_UNAVAILABLE, "unknown option: 0x%x", major);
    }

    /* wrap_size_limit: wrapping max_input bytes gives req_output bytes */
    memset(data, 0x5a, sizeof(data));
    for (conf = 0; conf < 2; conf++) {
        for (qop = 0; qop <= SIGNET_QOP_AES256_GMAC; qop++) {
            major = signet_gss_wrap_size_limit(&minor, (gss_ctx_id_t)i, conf,
                                               qop, 1000, &max);
            big.value = data;
            big.length = max;
            signet_gss_wrap(&minor, (gss_ctx_id_t)i, conf, qop, &big,
                            &conf_state, &out);
            CHECK(major == GSS_S_COMPLETE && out.length == 1000,
                  "wrap_size_limit conf %d qop %u: max %u -> %zu", conf, qop,
                  max, out.length);
            release(&out);
            signet_gss_wrap_size_limit(&minor, (gss_ctx_id_t)i, conf, qop, 20,
                                       &max);
            CHECK(max == 0, "wrap_size_limit below the overhead: %u", max);
        }
    }
    signet_ctx_free(&i);
    signet_ctx_free(&a);
}

/* ---- IOV ------------------------------------------------------------------ */

static void
test_iov(void)
{
    signet_ctx *i, *a;
    gss_buffer_desc whole = bufstr("abcdefghi"), tok;
    gss_iov_buffer_desc iov[6];
    OM_uint32 major, minor;
    gss_qop_t qop, qop_state;
    uint8_t space[64];

    make_pair(&i, &a, secret_a, STD_FLAGS);
    for (qop = 0; qop <= SIGNET_QOP_AES256_GMAC; qop++) {
        memset(iov, 0, sizeof(iov));
        iov[0].type = GSS_IOV_BUFFER_TYPE_DATA;
        iov[0].buffer = bufstr("abc");
        iov[1].type = GSS_IOV_BUFFER_TYPE_SIGN_ONLY;
        iov[1].buffer = bufstr("def");
        iov[2].type = GSS_IOV_BUFFER_TYPE_EMPTY;
        iov[3].type = GSS_IOV_BUFFER_TYPE_PADDING;
        iov[4].type = GSS_IOV_BUFFER_TYPE_DATA;
        iov[4].buffer = bufstr("ghi");
        iov[5].type = GSS_IOV_BUFFER_TYPE_MIC_TOKEN;
        major = signet_gss_get_mic_iov_length(&minor, (gss_ctx_id_t)i, qop,
                                              iov, 6);
        CHECK(major == GSS_S_COMPLETE &&
              iov[5].buffer.length == HDR + (qop == 2 ? 24u : qop == 3 ? 32u : 16u) &&
              iov[3].buffer.length == 0,
              "get_mic_iov_length qop %u: 0x%x len %zu", qop, major,
              iov[5].buffer.length);
        iov[5].type |= GSS_IOV_BUFFER_FLAG_ALLOCATE;
        iov[5].buffer.length = 0;
        major = signet_gss_get_mic_iov(&minor, (gss_ctx_id_t)i, qop, iov, 6);
        CHECK(major == GSS_S_COMPLETE &&
              (iov[5].type & GSS_IOV_BUFFER_FLAG_ALLOCATED) &&
              iov[5].buffer.value != NULL,
              "get_mic_iov ALLOCATE qop %u: 0x%x", qop, major);
        /* the IOV MIC is the MIC of the concatenation */
        major = verify_mic(a, &whole, iov[5].buffer.value,
                           iov[5].buffer.length, &qop_state, NULL);
        CHECK(major == GSS_S_COMPLETE, "IOV MIC vs concatenation qop %u: 0x%x",
              qop, major);
        free(iov[5].buffer.value);

        /* a plain MIC verifies through the IOV form */
        get_mic(i, qop, &whole, &tok);
        iov[5].type = GSS_IOV_BUFFER_TYPE_MIC_TOKEN;
        iov[5].buffer = tok;
        major = signet_gss_verify_mic_iov(&minor, (gss_ctx_id_t)a, &qop_state,
                                          iov, 6);
        CHECK(major == GSS_S_COMPLETE &&
              qop_state == (qop == 0 ? SIGNET_QOP_AES256_GMAC : qop),
              "verify_mic_iov qop %u: 0x%x", qop, major);
        release(&tok);

        /* caller's buffer, big enough and too small */
        iov[5].type = GSS_IOV_BUFFER_TYPE_MIC_TOKEN;
        iov[5].buffer.value = space;
        iov[5].buffer.length = sizeof(space);
        major = signet_gss_get_mic_iov(&minor, (gss_ctx_id_t)i, qop, iov, 6);
        CHECK(major == GSS_S_COMPLETE && iov[5].buffer.length < sizeof(space),
              "get_mic_iov into the caller's buffer: 0x%x", major);
        CHECK(verify_mic(a, &whole, space, iov[5].buffer.length, NULL, NULL)
              == GSS_S_COMPLETE, "MIC in the caller's buffer");
        iov[5].buffer.length = 10;
        major = signet_gss_get_mic_iov(&minor, (gss_ctx_id_t)i, qop, iov, 6);
        CHECK(major == GSS_S_FAILURE, "get_mic_iov into a small buffer: 0x%x",
              major);
    }
    /* no MIC_TOKEN buffer; a type MIC calls do not take */
    iov[5].type = GSS_IOV_BUFFER_TYPE_EMPTY;
    major = signet_gss_get_mic_iov(&minor, (gss_ctx_id_t)i, 0, iov, 6);
    CHECK(major == GSS_S_FAILURE && minor == SIGNET_ERR_BAD_ARGUMENT,
          "get_mic_iov without MIC_TOKEN: 0x%x", major);
    iov[5].type = GSS_IOV_BUFFER_TYPE_TRAILER;
    major = signet_gss_get_mic_iov(&minor, (gss_ctx_id_t)i, 0, iov, 6);
    CHECK(major == GSS_S_FAILURE, "get_mic_iov with a TRAILER: 0x%x", major);
    signet_ctx_free(&i);
    signet_ctx_free(&a);
}

/* ---- datagram sequence numbers -------------------------------------------- */

static void
test_datagram(void)
{
    signet_ctx *i, *a, *stream;
    gss_buffer_desc msg = bufstr("dgram"), tok, tok2, v;
    gss_OID_desc oid = { SIGNET_OPT_NEXT_SEQNUM_OID_DER_LENGTH,
                         (void *)SIGNET_OPT_NEXT_SEQNUM_OID_DER };
    gss_iov_buffer_desc iov[3];
    OM_uint32 major, minor;
    uint8_t num[8], num2[8];
    gss_ctx_id_t h;

    make_pair(&i, &a, secret_a, GSS_C_DATAGRAM_FLAG | GSS_C_INTEG_FLAG |
                                GSS_C_CONF_FLAG | GSS_C_REPLAY_FLAG);
    signet_store_u64(num, 1000);
    v.value = num;
    v.length = 8;
    h = (gss_ctx_id_t)i;
    major = signet_gss_set_sec_context_option(&minor, &h, &oid, &v);
    CHECK(major == GSS_S_COMPLETE, "set next seqnum: 0x%x", major);
    get_mic(i, 0, &msg, &tok);
    get_mic(i, 0, &msg, &tok2);
    CHECK(signet_load_u64((uint8_t *)tok.value + 4) == 1000 &&
          signet_load_u64((uint8_t *)tok2.value + 4) == 1001,
          "datagram numbers from the option");
    release(&tok);
    release(&tok2);

    /* the caller's number through MECH_PARAMS, twice the same */
    memset(iov, 0, sizeof(iov));
    signet_store_u64(num, 5);
    iov[0].type = GSS_IOV_BUFFER_TYPE_DATA;
    iov[0].buffer = msg;
    iov[1].type = GSS_IOV_BUFFER_TYPE_MECH_PARAMS;
    iov[1].buffer.value = num;
    iov[1].buffer.length = 8;
    iov[2].type = GSS_IOV_BUFFER_TYPE_MIC_TOKEN | GSS_IOV_BUFFER_FLAG_ALLOCATE;
    major = signet_gss_get_mic_iov(&minor, (gss_ctx_id_t)i, 0, iov, 3);
    CHECK(major == GSS_S_COMPLETE, "get_mic_iov with MECH_PARAMS: 0x%x", major);
    tok.value = iov[2].buffer.value;
    tok.length = iov[2].buffer.length;
    iov[2].type = GSS_IOV_BUFFER_TYPE_MIC_TOKEN | GSS_IOV_BUFFER_FLAG_ALLOCATE;
    signet_gss_get_mic_iov(&minor, (gss_ctx_id_t)i, 0, iov, 3);
    tok2.value = iov[2].buffer.value;
    tok2.length = iov[2].buffer.length;
    CHECK(signet_load_u64((uint8_t *)tok.value + 4) == 5 &&
          signet_load_u64((uint8_t *)tok2.value + 4) == 5,
          "caller's number in the token");
    CHECK(memcmp((uint8_t *)tok.value + 12, (uint8_t *)tok2.value + 12, 12)
          != 0, "a repeated caller number reused a nonce");
    /* verify with the expected number */
    iov[2].type = GSS_IOV_BUFFER_TYPE_MIC_TOKEN;
    iov[2].buffer = tok;
    major = signet_gss_verify_mic_iov(&minor, (gss_ctx_id_t)a, NULL, iov, 3);
    CHECK(major == GSS_S_COMPLETE, "verify with expected number: 0x%x", major);
    iov[2].buffer = tok2;
    major = signet_gss_verify_mic_iov(&minor, (gss_ctx_id_t)a, NULL, iov, 3);
    CHECK(major == GSS_S_DUPLICATE_TOKEN, "same number again: 0x%x", major);
    signet_store_u64(num2, 6);
    iov[1].buffer.value = num2;
    major = signet_gss_verify_mic_iov(&minor, (gss_ctx_id_t)a, NULL, iov, 3);
    CHECK(major == GSS_S_BAD_SIG && minor == SIGNET_ERR_SEQUENCE,
          "verify with another expected number: 0x%x/0x%x", major, minor);
    iov[1].buffer.length = 4;
    major = signet_gss_verify_mic_iov(&minor, (gss_ctx_id_t)a, NULL, iov, 3);
    CHECK(major == GSS_S_FAILURE, "4-byte MECH_PARAMS: 0x%x", major);
    free(tok.value);
    free(tok2.value);

    /* the option on a stream context */
    stream = make_ctx(1, secret_a, STD_FLAGS, ALL_QOPS, SIGNET_QOP_AES256_GMAC);
    h = (gss_ctx_id_t)stream;
    v.length = 8;
    major = signet_gss_set_sec_context_option(&minor, &h, &oid, &v);
    CHECK(major == GSS_S_UNAVAILABLE, "seqnum option on a stream context");
    signet_ctx_free(&stream);
    signet_ctx_free(&i);
    signet_ctx_free(&a);
}

/* ---- token limit, threads ------------------------------------------------- */

static void
test_limit(void)
{
    signet_ctx *i, *a;
    gss_buffer_desc msg = bufstr("limit"), tok;
    OM_uint32 major, minor;

    make_pair(&i, &a, secret_a, GSS_C_INTEG_FLAG);
    atomic_store(&i->msg.counter, SIGNET_MSG_MAX_TOKENS - 1);
    major = signet_gss_get_mic(&minor, (gss_ctx_id_t)i, 0, &msg, &tok);
    CHECK(major == GSS_S_COMPLETE, "last token of an instance: 0x%x", major);
    CHECK(verify_mic(a, &msg, tok.value, tok.length, NULL, NULL) ==
          GSS_S_COMPLETE, "last token verifies");
    release(&tok);
    major = signet_gss_get_mic(&minor, (gss_ctx_id_t)i, 0, &msg, &tok);
    CHECK(major == GSS_S_CONTEXT_EXPIRED && minor == SIGNET_ERR_RENEGOTIATE &&
          tok.value == NULL, "token past the limit: 0x%x/0x%x", major, minor);
    signet_ctx_free(&i);
    signet_ctx_free(&a);
}

#define NTHREADS 4
#define PER_THREAD 2000

struct worker {
    signet_ctx *ctx;
    uint8_t (*nonces)[12];
    int bad;
};

static void *
worker_run(void *arg)
{
    struct worker *w = arg;
    gss_buffer_desc msg = bufstr("threads"), tok;
    int k;

    for (k = 0; k < PER_THREAD; k++) {
        if (get_mic(w->ctx, k % 2 ? SIGNET_QOP_AES256_GMAC
                                  : SIGNET_QOP_HMAC_SHA256, &msg, &tok)
            != GSS_S_COMPLETE) {
            w->bad++;
            continue;
        }
        memcpy(w->nonces[k], (uint8_t *)tok.value + 12, 12);
        release(&tok);
    }
    return NULL;
}

static int
cmp12(const void *x, const void *y)
{
    return memcmp(x, y, 12);
}

static void
test_threads(void)
{
    signet_ctx *i, *a;
    static uint8_t nonces[NTHREADS * PER_THREAD][12];
    struct worker w[NTHREADS];
    pthread_t th[NTHREADS];
    int k, dup = 0, bad = 0;

    make_pair(&i, &a, secret_a, STD_FLAGS);
    for (k = 0; k < NTHREADS; k++) {
        w[k].ctx = i;
        w[k].nonces = &nonces[k * PER_THREAD];
        w[k].bad = 0;
        pthread_create(&th[k], NULL, worker_run, &w[k]);
    }
    for (k = 0; k < NTHREADS; k++) {
        pthread_join(th[k], NULL);
        bad += w[k].bad;
    }
    CHECK(bad == 0, "%d get_mic calls failed in threads", bad);
    qsort(nonces, NTHREADS * PER_THREAD, 12, cmp12);
    for (k = 1; k < NTHREADS * PER_THREAD; k++)
        dup += memcmp(nonces[k - 1], nonces[k], 12) == 0;
    CHECK(dup == 0, "%d repeated nonces across threads", dup);
    CHECK(atomic_load(&i->msg.counter) == NTHREADS * PER_THREAD,
          "counter after threads");
    signet_ctx_free(&i);
    signet_ctx_free(&a);
}

/* ---- export / import ------------------------------------------------------ */

static OM_uint32
export_ctx(signet_ctx **c, gss_buffer_t tok)
{
    gss_ctx_id_t h = (gss_ctx_id_t)*c;
    OM_uint32 minor, major;

    major = signet_gss_export_sec_context(&minor, &h, tok);
    *c = (signet_ctx *)h;
    return major;
}

static signet_ctx *
import_ctx(gss_buffer_t tok, OM_uint32 *major_out)
{
    gss_ctx_id_t h = GSS_C_NO_CONTEXT;
    OM_uint32 minor;

    *major_out = signet_gss_import_sec_context(&minor, tok, &h);
    return (signet_ctx *)h;
}

static void
test_export_import(void)
{
    signet_ctx *i, *a, *a2, *i2, *i3, *c;
    gss_buffer_desc msg = bufstr("export"), t[4], ex, m2, m3, cut, out;
    OM_uint32 major;
    uint8_t *bad;
    size_t len, pos;
    int k, ok, imported;

    make_pair(&i, &a, secret_a, STD_FLAGS);
    for (k = 0; k < 4; k++)
        get_mic(i, 0, &msg, &t[k]);
    verify_mic(a, &msg, t[0].value, t[0].length, NULL, NULL);
    verify_mic(a, &msg, t[2].value, t[2].length, NULL, NULL);

    major = export_ctx(&a, &ex);
    CHECK(major == GSS_S_COMPLETE && a == NULL, "export acceptor: 0x%x",
          major);
    a2 = import_ctx(&ex, &major);
    CHECK(major == GSS_S_COMPLETE && a2 != NULL, "import acceptor: 0x%x",
          major);
    CHECK(a2->initiator == 0 && a2->flags == STD_FLAGS &&
          a2->qop_mask == ALL_QOPS && a2->qop_default == SIGNET_QOP_AES256_GMAC &&
          a2->initiator_name != NULL && a2->acceptor_name != NULL &&
          strcmp(a2->initiator_name->value, "client") == 0 &&
          strcmp(a2->acceptor_name->host, "server.example") == 0,
          "imported fields");
    CHECK(verify_mic(a2, &msg, t[1].value, t[1].length, NULL, NULL) ==
          GSS_S_UNSEQ_TOKEN, "window survives export: late token");
    CHECK(verify_mic(a2, &msg, t[2].value, t[2].length, NULL, NULL) ==
          GSS_S_DUPLICATE_TOKEN, "window survives export: replay");
    CHECK(verify_mic(a2, &msg, t[3].value, t[3].length, NULL, NULL) ==
          GSS_S_COMPLETE, "window survives export: next");

    /* truncated at every length, trailing byte, every bit flipped */
    ok = 1;
    for (len = 0; len < ex.length; len++) {
        cut.value = ex.value;
        cut.length = len;
        c = import_ctx(&cut, &major);
        if (major != GSS_S_DEFECTIVE_TOKEN || c != NULL) {
            ok = 0;
            printf("  import of %zu bytes: 0x%x\n", len, major);
            signet_ctx_free(&c);
        }
    }
    CHECK(ok, "import of a truncated export (%zu lengths)", ex.length);
    bad = malloc(ex.length + 1);
    memcpy(bad, ex.value, ex.length);
    bad[ex.length] = 0;
    cut.value = bad;
    cut.length = ex.length + 1;
    c = import_ctx(&cut, &major);
    CHECK(major == GSS_S_DEFECTIVE_TOKEN && c == NULL,
          "import with a trailing byte: 0x%x", major);
    ok = 1;
    imported = 0;
    for (pos = 0; pos < ex.length; pos++) {
        for (k = 0; k < 8; k++) {
            memcpy(bad, ex.value, ex.length);
            bad[pos] ^= (uint8_t)(1u << k);
            cut.length = ex.length;
            c = import_ctx(&cut, &major);
            if (major == GSS_S_COMPLETE)
                imported++;
            /* UNAVAILABLE: a flip that set rekey_limit, after an earlier
             * one did, is a second import of one export (refused). */
            else if ((major != GSS_S_DEFECTIVE_TOKEN &&
                      major != GSS_S_UNAVAILABLE) || c != NULL)
                ok = 0;
            signet_ctx_free(&c);
        }
    }
    /* Flips in the secret, counters or window still import; flips in the
     * structure must not. */
    CHECK(ok && imported > 0 && (size_t)imported < ex.length * 8,
          "import of bit-flipped exports fails cleanly (%d imported)",
          imported);
    free(bad);
    release(&ex);

    /* the same export imported twice: no nonce in common */
    major = export_ctx(&i, &ex);
    CHECK(major == GSS_S_COMPLETE && i == NULL, "export initiator");
    i2 = import_ctx(&ex, &major);
    i3 = import_ctx(&ex, &major);
    CHECK(i2 != NULL && i3 != NULL, "two imports of one export");
    get_mic(i2, 0, &msg, &m2);
    get_mic(i3, 0, &msg, &m3);
    CHECK(signet_load_u64((uint8_t *)m2.value + 4) == 4 &&
          signet_load_u64((uint8_t *)m3.value + 4) == 4,
          "imported instances continue the sequence");
    CHECK(memcmp((uint8_t *)m2.value + 12, (uint8_t *)m3.value + 12, 12) != 0,
          "two imports of one export made the same nonce");
    CHECK(memcmp((uint8_t *)m2.value + 12, (uint8_t *)t[0].value + 12, 8) != 0,
          "an import kept the exporter's instance id");
    CHECK(verify_mic(a2, &msg, m2.value, m2.length, NULL, NULL) ==
          GSS_S_COMPLETE, "first import's MIC");
    CHECK(verify_mic(a2, &msg, m3.value, m3.length, NULL, NULL) ==
          GSS_S_DUPLICATE_TOKEN, "second import's MIC has the same number");
    release(&m2);
    release(&m3);
    /* wrap across export too */
    {
        OM_uint32 minor;
        signet_gss_wrap(&minor, (gss_ctx_id_t)a2, 1, 0, &msg, NULL, &m2);
        major = signet_gss_unwrap(&minor, (gss_ctx_id_t)i2, &m2, &out, NULL,
                                  NULL);
        CHECK(major == GSS_S_COMPLETE && out.length == msg.length,
              "wrap between imported contexts: 0x%x", major);
        release(&out);
        release(&m2);
    }
    release(&ex);
    for (k = 0; k < 4; k++)
        release(&t[k]);
    signet_ctx_free(&i2);
    signet_ctx_free(&i3);
    signet_ctx_free(&a2);
}

/* ---- PRF ------------------------------------------------------------------ */

static void
test_prf(void)
{
    signet_ctx *i, *a;
    gss_buffer_desc in = bufstr("signet prf test"), o1, o2, o3;
    OM_uint32 major, minor;
    char h[200];

    make_pair(&i, &a, secret_a, STD_FLAGS);
    major = signet_gss_pseudo_random(&minor, (gss_ctx_id_t)i,
                                     GSS_C_PRF_KEY_FULL, &in, 40, &o1);
    CHECK(major == GSS_S_COMPLETE && o1.length == 40, "PRF 40 bytes");
    hex(o1.value, o1.length, h);
    CHECK(strcmp(h, "2ac8a2a2be5138bf2ab19dcf096ac50ef6ef1960f1300f0fdb0ec40b"
                    "90f6435d9f4e34e76467ce22") == 0, "PRF known answer: %s", h);
    major = signet_gss_pseudo_random(&minor, (gss_ctx_id_t)a,
                                     GSS_C_PRF_KEY_PARTIAL, &in, 16384, &o2);
    CHECK(major == GSS_S_COMPLETE && o2.length == 16384 &&
          memcmp(o1.value, o2.value, 40) == 0,
          "PRF: peers, FULL/PARTIAL and lengths agree (prefix)");
    release(&o2);
    release(&o1);
    major = signet_gss_pseudo_random(&minor, (gss_ctx_id_t)i,
                                     GSS_C_PRF_KEY_FULL, &in, 0, &o3);
    CHECK(major == GSS_S_COMPLETE && o3.length == 0, "PRF of 0 bytes");
    major = signet_gss_pseudo_random(&minor, (gss_ctx_id_t)i,
                                     GSS_C_PRF_KEY_FULL, &in, -1, &o3);
    CHECK(major == GSS_S_FAILURE && o3.value == NULL, "PRF of -1 bytes");
    major = signet_gss_pseudo_random(&minor, (gss_ctx_id_t)i, 7, &in, 8, &o3);
    CHECK(major == GSS_S_FAILURE, "PRF with key selector 7");
    in.length = 0;
    major = signet_gss_pseudo_random(&minor, (gss_ctx_id_t)i,
                                     GSS_C_PRF_KEY_FULL, &in, 32, &o3);
    CHECK(major == GSS_S_COMPLETE && o3.length == 32, "PRF of empty input");
    release(&o3);
    signet_ctx_free(&i);
    signet_ctx_free(&a);
}

/* ---- known answers (docs/tokens.md) --------------------------------------- */

static void
test_known_answers(void)
{
    /* Initiator (i2a): MIC QOP 1..4, sealed wrap, wrap QOP 1; then acceptor
     * (a2i): MIC QOP 4, wrap QOP 3, sealed wrap. */
    static const char *const want[] = {
        "5301000100000000000000000102030405060708000000001deb47f026673115b3ea78619af0f60b",
        "5301000200000000000000010102030405060708000000019ed1acf85fd9db8060ae19f179f2ae5f2ffe474b0a80da83",
        "530100030000000000000002010203040506070800000002218fa9a844e2d789b7e74d6dc266ca3acb85ed82bd2d881d30ea9fba4a1c9a24",
        "5301000400000000000000030102030405060708000000032e1a063d9493fd22fc416ea33b12d58c",
        "530202040000000000000004010203040506070800000004f0eae04aab96055418abc02d90dfea2bd19ba27486b70a5633ebc262af05ca859ec226",
        "5302000100000000000000050102030405060708000000057369676e6574206b6e6f776e20616e737765722183b2f2b580feccd56da880a165145e",
        "530101040000000000000000111213141516171800000000c47abb5158e1fb24fd70f56c65b84c17",
        "5302010300000000000000011112131415161718000000017369676e6574206b6e6f776e20616e73776572f8486b05f94645f468e52838eb9422cd6b156ca613afaf1151dc1e2ba77d5ece",
        "5302030400000000000000021112131415161718000000021e1f17df7ef4ed7c78bb2cd197bcabd3e2e03bb50a12c799926d1dd51af32aed251763",
    };
    static const uint8_t id_i[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    static const uint8_t id_a[8] = { 0x11, 0x12, 0x13, 0x14, 0x15, 0x16,
                                     0x17, 0x18 };
    static const struct { int mic, conf; gss_qop_t qop; } acc_calls[] = {
        { 1, 0, 4 }, { 0, 0, 3 }, { 0, 1, 0 },
    };
    signet_ctx *i, *a;
    gss_buffer_desc msg = bufstr("signet known answer"), tok, out;
    OM_uint32 major, minor;
    char h[300];
    gss_qop_t qop;
    int k;

    make_pair(&i, &a, secret_a, STD_FLAGS);
    memcpy(i->msg.instance_id, id_i, sizeof(id_i));
    memcpy(a->msg.instance_id, id_a, sizeof(id_a));
    for (qop = 1; qop <= 4; qop++) {
        get_mic(i, qop, &msg, &tok);
        hex(tok.value, tok.length, h);
        CHECK(strcmp(h, want[qop - 1]) == 0, "MIC KAT qop %u: %s", qop, h);
        CHECK(verify_mic(a, &msg, tok.value, tok.length, NULL, NULL) ==
              GSS_S_COMPLETE, "MIC KAT verifies");
        release(&tok);
    }
    for (k = 0; k < 2; k++) {
        signet_gss_wrap(&minor, (gss_ctx_id_t)i, k == 0, k == 0 ? 0 : 1, &msg,
                        NULL, &tok);
        hex(tok.value, tok.length, h);
        CHECK(strcmp(h, want[4 + k]) == 0, "wrap KAT %d: %s", k, h);
        major = signet_gss_unwrap(&minor, (gss_ctx_id_t)a, &tok, &out, NULL,
                                  NULL);
        CHECK(major == GSS_S_COMPLETE, "wrap KAT unwraps");
        release(&out);
        release(&tok);
    }
    for (k = 0; k < 3; k++) {
        if (acc_calls[k].mic)
            get_mic(a, acc_calls[k].qop, &msg, &tok);
        else
            signet_gss_wrap(&minor, (gss_ctx_id_t)a, acc_calls[k].conf,
                            acc_calls[k].qop, &msg, NULL, &tok);
        hex(tok.value, tok.length, h);
        CHECK(strcmp(h, want[6 + k]) == 0, "acceptor KAT %d: %s", k, h);
        if (acc_calls[k].mic)
            major = verify_mic(i, &msg, tok.value, tok.length, NULL, NULL);
        else
            major = signet_gss_unwrap(&minor, (gss_ctx_id_t)i, &tok, &out,
                                      NULL, NULL);
        CHECK(major == GSS_S_COMPLETE, "acceptor KAT %d checks", k);
        if (!acc_calls[k].mic)
            release(&out);
        release(&tok);
    }
    signet_ctx_free(&i);
    signet_ctx_free(&a);
}

/* ---- the per-thread cache of keyed contexts (crypto.h) -------------------- */

/* A MIC from c with qop verified by peer; 1 if both succeed. */
static int
mic_round(signet_ctx *c, signet_ctx *peer, gss_qop_t qop)
{
    gss_buffer_desc msg = bufstr("cache"), tok;
    int ok;

    if (get_mic(c, qop, &msg, &tok) != GSS_S_COMPLETE)
        return 0;
    ok = verify_mic(peer, &msg, tok.value, tok.length, NULL, NULL) ==
         GSS_S_COMPLETE;
    release(&tok);
    return ok;
}

#define CACHE_PAIRS 24

static void
test_cache_many_contexts(void)
{
    signet_ctx *i[CACHE_PAIRS], *a[CACHE_PAIRS];
    gss_buffer_desc msg = bufstr("sealed"), tok, out;
    OM_uint32 minor;
    size_t before = signet_key_cache_count();
    int k, round, bad = 0;

    /* More keys than the cache holds, used in turn: every call misses and
     * re-keys (or replaces, for another algorithm type) an entry. */
    for (k = 0; k < CACHE_PAIRS; k++)
        make_pair(&i[k], &a[k], k % 2 ? secret_a : secret_b, STD_FLAGS);
    for (round = 0; round < 3; round++) {
        for (k = 0; k < CACHE_PAIRS; k++) {
            bad += !mic_round(i[k], a[k], (gss_qop_t)(1 + (k + round) % 4));
            bad += !mic_round(a[k], i[k], 0);
            if (signet_gss_wrap(&minor, (gss_ctx_id_t)i[k], 1, 0, &msg, NULL,
                                &tok) != GSS_S_COMPLETE ||
                signet_gss_unwrap(&minor, (gss_ctx_id_t)a[k], &tok, &out,
                                  NULL, NULL) != GSS_S_COMPLETE ||
                out.length != msg.length ||
                memcmp(out.value, msg.value, msg.length) != 0)
                bad++;
            release(&tok);
            release(&out);
        }
    }
    CHECK(bad == 0, "%d calls failed across %d contexts", bad, CACHE_PAIRS);
    CHECK(signet_key_cache_count() <= SIGNET_KEY_CACHE,
          "cache holds %zu keyed contexts", signet_key_cache_count());
    /* A token of one context never verifies with another context's key,
     * whatever the cache holds. */
    get_mic(i[0], 0, &msg, &tok);
    CHECK(verify_mic(a[1], &msg, tok.value, tok.length, NULL, NULL) ==
          GSS_S_BAD_SIG, "cross-context MIC after cache churn");
    release(&tok);
    for (k = 0; k < CACHE_PAIRS; k++) {
        signet_ctx_free(&i[k]);
        signet_ctx_free(&a[k]);
    }
    CHECK(signet_key_cache_count() == before,
          "deleting the contexts frees their entries: %zu left, %zu before",
          signet_key_cache_count(), before);
}

/* A second thread caches keys of a context that the main thread then
 * deletes; its next per-message call (on another context) frees them. */
struct purge_worker {
    signet_ctx *i, *a, *other_i, *other_a;
    pthread_barrier_t *bar;
    size_t with_both, after_delete;
    int bad;
};

static void *
purge_run(void *arg)
{
    struct purge_worker *w = arg;

    w->bad += !mic_round(w->i, w->a, 0);            /* 2 entries */
    w->bad += !mic_round(w->other_i, w->other_a, 0); /* 2 more */
    w->with_both = signet_key_cache_count();
    pthread_barrier_wait(w->bar);                   /* main deletes i, a */
    pthread_barrier_wait(w->bar);
    w->bad += !mic_round(w->other_i, w->other_a, 0);
    w->after_delete = signet_key_cache_count();
    return NULL;
}

static void
test_cache_purge(void)
{
    struct purge_worker w;
    pthread_barrier_t bar;
    pthread_t th;

    memset(&w, 0, sizeof(w));
    make_pair(&w.i, &w.a, secret_a, STD_FLAGS);
    make_pair(&w.other_i, &w.other_a, secret_b, STD_FLAGS);
    pthread_barrier_init(&bar, NULL, 2);
    w.bar = &bar;
    pthread_create(&th, NULL, purge_run, &w);
    pthread_barrier_wait(&bar);
    signet_ctx_free(&w.i);
    signet_ctx_free(&w.a);
    pthread_barrier_wait(&bar);
    pthread_join(th, NULL);
    pthread_barrier_destroy(&bar);
    CHECK(w.bad == 0, "%d calls failed in the worker", w.bad);
    CHECK(w.with_both == 4, "worker cached %zu keyed contexts, not 4",
          w.with_both);
    CHECK(w.after_delete == 2, "worker kept %zu keyed contexts after the "
          "other thread deleted a context, not 2", w.after_delete);
    signet_ctx_free(&w.other_i);
    signet_ctx_free(&w.other_a);
}

int
main(void)
{
    int k;

    for (k = 0; k < 64; k++) {
        secret_a[k] = (uint8_t)k;
        secret_b[k] = (uint8_t)(0xff - k);
    }
    test_known_answers();
    test_round_trips();
    test_reflection_and_cross();
    test_malformed_mic();
    test_malformed_wrap();
    test_sequencing();
    test_qop();
    test_arguments();
    test_iov();
    test_datagram();
    test_limit();
    test_threads();
    test_cache_many_contexts();
    test_cache_purge();
    test_export_import();
    test_prf();
    return check_report();
}
