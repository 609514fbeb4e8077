/*
 * t_sspi_errors.c - table-driven test of MakeSignature and VerifySignature
 * error paths, on real Signet contexts established in-process through the
 * SSPI API (pre-shared key file given as argv[1]).
 *
 * Every case states the exact status; after every call all of the caller's
 * buffers (descriptors and bytes) are compared with a snapshot: on failure
 * nothing may have changed, on MakeSignature success only the TOKEN buffer
 * (its bytes and cbBuffer).  A last section runs threads that sign on their
 * own contexts while others create, use and delete handles concurrently.
 * Run under ASan by `make check` / tests/test_sspi_errors.py.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sspi.h>

#include "sspi_util.h"

static const char *psk_file;
static const char *package = "Signet", *target = "host@localhost";
static int signet = 1;
static ULONG max_signature = 56;
static int failures, checks;

#define CHECK(cond, ...)                                          \
    do {                                                          \
        checks++;                                                 \
        if (!(cond)) {                                            \
            failures++;                                           \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);           \
            printf(__VA_ARGS__);                                  \
            printf("\n");                                         \
        }                                                         \
    } while (0)

/* ---- context pairs ---------------------------------------------------------------- */
struct pair {
    CredHandle ccred, scred;
    CtxtHandle cli, srv;
};

static int
establish(struct pair *p, ULONG req)
{
    SIGNET_AUTH_DATA auth;
    SecBuffer ib, ob;
    SecBufferDesc in = { SECBUFFER_VERSION, 1, &ib }, out = { SECBUFFER_VERSION, 1, &ob };
    SECURITY_STATUS cs = SEC_I_CONTINUE_NEEDED, ss = SEC_I_CONTINUE_NEEDED;
    ULONG attrs;
    void *tok = NULL;
    ULONG toklen = 0;
    int first_c = 1, first_s = 1, rounds;

    memset(&auth, 0, sizeof(auth));
    auth.Version = SIGNET_AUTH_DATA_VERSION;
    auth.PskFile = psk_file;
    if (AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_OUTBOUND, NULL,
                                  signet ? &auth : NULL, NULL, NULL, &p->ccred,
                                  NULL) != SEC_E_OK ||
        AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_INBOUND, NULL,
                                  signet ? &auth : NULL, NULL, NULL, &p->scred,
                                  NULL) != SEC_E_OK)
        return -1;
    for (rounds = 0; rounds < 10; rounds++) {
        if (cs == SEC_I_CONTINUE_NEEDED) {
            ib.BufferType = SECBUFFER_TOKEN;
            ib.cbBuffer = toklen;
            ib.pvBuffer = tok;
            ob.BufferType = SECBUFFER_TOKEN;
            ob.cbBuffer = 0;
            ob.pvBuffer = NULL;
            cs = InitializeSecurityContextA(&p->ccred, first_c ? NULL : &p->cli,
                                            (SEC_CHAR *)target,
                                            req | ISC_REQ_ALLOCATE_MEMORY,
                                            0, SECURITY_NATIVE_DREP, first_c ? NULL : &in, 0,
                                            &p->cli, &out, &attrs, NULL);
            FreeContextBuffer(tok);
            tok = ob.pvBuffer;
            toklen = ob.cbBuffer;
            first_c = 0;
            if (cs != SEC_E_OK && cs != SEC_I_CONTINUE_NEEDED)
                return -1;
        }
        if (toklen == 0 && cs == SEC_E_OK && ss == SEC_E_OK)
            break;
        if (toklen == 0)
            continue;
        ib.BufferType = SECBUFFER_TOKEN;
        ib.cbBuffer = toklen;
        ib.pvBuffer = tok;
        ob.BufferType = SECBUFFER_TOKEN;
        ob.cbBuffer = 0;
        ob.pvBuffer = NULL;
        ss = AcceptSecurityContext(&p->scred, first_s ? NULL : &p->srv, &in,
                                   ASC_REQ_ALLOCATE_MEMORY, SECURITY_NATIVE_DREP, &p->srv,
                                   &out, &attrs, NULL);
        FreeContextBuffer(tok);
        tok = ob.pvBuffer;
        toklen = ob.cbBuffer;
        first_s = 0;
        if (ss != SEC_E_OK && ss != SEC_I_CONTINUE_NEEDED)
            return -1;
        if (cs == SEC_E_OK && ss == SEC_E_OK && toklen == 0)
            break;
    }
    FreeContextBuffer(tok);
    return cs == SEC_E_OK && ss == SEC_E_OK ? 0 : -1;
}

static void
pair_free(struct pair *p)
{
    DeleteSecurityContext(&p->cli);
    DeleteSecurityContext(&p->srv);
    FreeCredentialsHandle(&p->ccred);
    FreeCredentialsHandle(&p->scred);
}

/* ---- messages with snapshots ------------------------------------------------------- */
#define MAXB 6
struct msg {
    SecBufferDesc desc;
    SecBuffer b[MAXB];
    unsigned char mem[MAXB][96];
    /* snapshot */
    SecBufferDesc sdesc;
    SecBuffer sb[MAXB];
    unsigned char smem[MAXB][96];
};

static void
msg_init(struct msg *m, const char *text, int token_size)
{
    memset(m, 0, sizeof(*m));
    m->desc.ulVersion = SECBUFFER_VERSION;
    m->desc.cBuffers = 2;
    m->desc.pBuffers = m->b;
    m->b[0].BufferType = SECBUFFER_DATA;
    m->b[0].cbBuffer = (ULONG)strlen(text);
    m->b[0].pvBuffer = m->mem[0];
    memcpy(m->mem[0], text, strlen(text));
    m->b[1].BufferType = SECBUFFER_TOKEN;
    m->b[1].cbBuffer = (ULONG)token_size;
    m->b[1].pvBuffer = m->mem[1];
    memset(m->mem[1], 0xA5, sizeof(m->mem[1]));
}

static void
msg_add(struct msg *m, ULONG type, const void *data, ULONG len)
{
    ULONG i = m->desc.cBuffers++;

    m->b[i].BufferType = type;
    m->b[i].cbBuffer = len;
    m->b[i].pvBuffer = m->mem[i];
    memset(m->mem[i], 0x3C, sizeof(m->mem[i]));
    if (data != NULL)
        memcpy(m->mem[i], data, len);
}

static void
snap(struct msg *m)
{
    m->sdesc = m->desc;
    memcpy(m->sb, m->b, sizeof(m->b));
    memcpy(m->smem, m->mem, sizeof(m->mem));
}

/* Checks nothing changed except (when allowed) buffer index tok. */
static int
unchanged(const struct msg *m, int tok)
{
    int i;

    if (memcmp(&m->sdesc, &m->desc, sizeof(m->desc)) != 0)
        return 0;
    for (i = 0; i < MAXB; i++) {
        if (i == tok)
            continue;
        if (memcmp(&m->sb[i], &m->b[i], sizeof(m->b[i])) != 0 ||
            memcmp(m->smem[i], m->mem[i], sizeof(m->mem[i])) != 0)
            return 0;
    }
    if (tok >= 0 && (m->sb[tok].BufferType != m->b[tok].BufferType ||
                     m->sb[tok].pvBuffer != m->b[tok].pvBuffer))
        return 0;
    return 1;
}

static SECURITY_STATUS
sign_text(CtxtHandle *ctx, const char *text, ULONG qop, ULONG seq, unsigned char *sig,
          ULONG *siglen)
{
    struct msg m;
    SECURITY_STATUS st;

    msg_init(&m, text, 96);
    st = MakeSignature(ctx, qop, &m.desc, seq);
    memcpy(sig, m.mem[1], m.b[1].cbBuffer);
    *siglen = m.b[1].cbBuffer;
    return st;
}

static SECURITY_STATUS
verify_text(CtxtHandle *ctx, const char *text, const unsigned char *sig, ULONG siglen,
            ULONG seq, ULONG *qop)
{
    struct msg m;

    msg_init(&m, text, (int)siglen);
    memcpy(m.mem[1], sig, siglen);
    return VerifySignature(ctx, &m.desc, seq, qop);
}

/* ---- the MakeSignature table ------------------------------------------------------- */
enum handle_kind { H_CLIENT, H_NULL, H_GARBAGE, H_CRED, H_DELETED, H_DGRAM };

struct make_case {
    const char *name;
    enum handle_kind h;
    ULONG qop;
    ULONG seq;
    int setup;
    SECURITY_STATUS expect;
};

enum {
    S_NONE, S_NULL_MSG, S_VERSION, S_ZERO, S_NULL_BUFFERS, S_NO_TOKEN, S_TWO_TOKENS,
    S_NULL_DATA, S_NULL_TOKEN, S_SMALL_TOKEN, S_ZERO_TOKEN, S_UNKNOWN_TYPES,
    S_ROWC, S_READONLY, S_PARAMS_BAD, S_PARAMS_OK, S_PADDING
};

static const struct make_case make_cases[] = {
    { "NULL handle", H_NULL, 0, 0, S_NONE, SEC_E_INVALID_HANDLE },
    { "invalid handle", H_GARBAGE, 0, 0, S_NONE, SEC_E_INVALID_HANDLE },
    { "credential handle", H_CRED, 0, 0, S_NONE, SEC_E_INVALID_HANDLE },
    { "deleted handle", H_DELETED, 0, 0, S_NONE, SEC_E_INVALID_HANDLE },
    { "NULL pMessage", H_CLIENT, 0, 0, S_NULL_MSG, SEC_E_INVALID_TOKEN },
    { "wrong ulVersion", H_CLIENT, 0, 0, S_VERSION, SEC_E_INVALID_TOKEN },
    { "zero buffers", H_CLIENT, 0, 0, S_ZERO, SEC_E_INVALID_TOKEN },
    { "NULL pBuffers", H_CLIENT, 0, 0, S_NULL_BUFFERS, SEC_E_INVALID_TOKEN },
    { "no TOKEN", H_CLIENT, 0, 0, S_NO_TOKEN, SEC_E_INVALID_TOKEN },
    { "two TOKENs", H_CLIENT, 0, 0, S_TWO_TOKENS, SEC_E_INVALID_TOKEN },
    { "DATA NULL pvBuffer, non-zero size", H_CLIENT, 0, 0, S_NULL_DATA, SEC_E_INVALID_TOKEN },
    { "TOKEN NULL pvBuffer", H_CLIENT, 0, 0, S_NULL_TOKEN, SEC_E_INVALID_TOKEN },
    { "token too small", H_CLIENT, 0, 0, S_SMALL_TOKEN, SEC_E_BUFFER_TOO_SMALL },
    { "token of zero bytes", H_CLIENT, 0, 0, S_ZERO_TOKEN, SEC_E_BUFFER_TOO_SMALL },
    { "unknown buffer types left alone", H_CLIENT, 0, 0, S_UNKNOWN_TYPES, SEC_E_OK },
    { "READONLY_WITH_CHECKSUM not processed", H_CLIENT, 0, 0, S_ROWC, SEC_E_OK },
    { "DATA|READONLY signed", H_CLIENT, 0, 0, S_READONLY, SEC_E_OK },
    { "PADDING accepted", H_CLIENT, 0, 0, S_PADDING, SEC_E_OK },
    { "QOP 1 (HMAC-SHA256)", H_CLIENT, 1, 0, S_NONE, SEC_E_OK },
    { "QOP 2 (HMAC-SHA384)", H_CLIENT, 2, 0, S_NONE, SEC_E_OK },
    { "QOP 3 (HMAC-SHA512)", H_CLIENT, 3, 0, S_NONE, SEC_E_OK },
    { "QOP 4 (AES-GMAC)", H_CLIENT, 4, 0, S_NONE, SEC_E_OK },
    { "wrong QOP", H_CLIENT, 9, 0, S_NONE, SEC_E_QOP_NOT_SUPPORTED },
    { "wrong QOP SECQOP_WRAP_NO_ENCRYPT", H_CLIENT, SECQOP_WRAP_NO_ENCRYPT, 0, S_NONE,
      SEC_E_QOP_NOT_SUPPORTED },
    { "stream context ignores MessageSeqNo", H_CLIENT, 0, 12345, S_NONE, SEC_E_OK },
    { "datagram: PKG_PARAMS not a number", H_DGRAM, 0, 0, S_PARAMS_BAD,
      STATUS_INVALID_PARAMETER },
    { "datagram: PKG_PARAMS sequence number", H_DGRAM, 0, 0, S_PARAMS_OK, SEC_E_OK },
};

static struct pair rs;       /* replay + sequence detection */
static struct pair ro;       /* replay detection only */
static struct pair none;     /* no detection */
static struct pair dg;       /* datagram, replay detection */

static CtxtHandle *
handle_for(enum handle_kind h, CtxtHandle *tmp)
{
    switch (h) {
    case H_CLIENT:
        return &rs.cli;
    case H_DGRAM:
        return &dg.cli;
    case H_NULL:
        return NULL;
    case H_GARBAGE:
        tmp->dwLower = 0x1234;
        tmp->dwUpper = 0x5678;
        return tmp;
    case H_CRED:
        *tmp = rs.ccred;
        return tmp;
    case H_DELETED: {
        struct pair p;

        if (establish(&p, ISC_REQ_REPLAY_DETECT) != 0)
            return NULL;
        *tmp = p.cli;
        pair_free(&p);
        return tmp;
    }
    }
    return NULL;
}

static void
run_make_cases(void)
{
    size_t i;

    for (i = 0; i < sizeof(make_cases) / sizeof(make_cases[0]); i++) {
        const struct make_case *c = &make_cases[i];
        struct msg m;
        CtxtHandle tmp, *h;

        if (!signet && (c->h == H_DGRAM || (c->qop != 0 && c->qop != 9)))
            continue;                       /* Signet's QOPs and datagrams */
        h = handle_for(c->h, &tmp);
        SecBufferDesc *desc = &m.desc;
        SECURITY_STATUS st;
        int tok = 1;
        unsigned char seq8[8] = { 0, 0, 0, 0, 0, 0, 0, 77 };

        msg_init(&m, "the message to sign", 96);
        switch (c->setup) {
        case S_NULL_MSG: desc = NULL; break;
        case S_VERSION: m.desc.ulVersion = 1; break;
        case S_ZERO: m.desc.cBuffers = 0; break;
        case S_NULL_BUFFERS: m.desc.pBuffers = NULL; break;
        case S_NO_TOKEN: m.b[1].BufferType = SECBUFFER_DATA; m.b[1].cbBuffer = 4; break;
        case S_TWO_TOKENS: msg_add(&m, SECBUFFER_TOKEN, NULL, 96); break;
        case S_NULL_DATA: m.b[0].pvBuffer = NULL; break;
        case S_NULL_TOKEN: m.b[1].pvBuffer = NULL; break;
        case S_SMALL_TOKEN: m.b[1].cbBuffer = 10; break;
        case S_ZERO_TOKEN: m.b[1].cbBuffer = 0; break;
        case S_UNKNOWN_TYPES:
            msg_add(&m, 0x55, "xyz", 3);
            msg_add(&m, SECBUFFER_STREAM, "stream", 6);
            msg_add(&m, SECBUFFER_EMPTY, NULL, 0);
            break;
        case S_ROWC: msg_add(&m, SECBUFFER_DATA | SECBUFFER_READONLY_WITH_CHECKSUM, "zz", 2); break;
        case S_READONLY: msg_add(&m, SECBUFFER_DATA | SECBUFFER_READONLY, "++", 2); break;
        case S_PADDING: msg_add(&m, SECBUFFER_PADDING, NULL, 16); break;
        case S_PARAMS_BAD: msg_add(&m, SECBUFFER_PKG_PARAMS, "abc", 3); break;
        case S_PARAMS_OK: msg_add(&m, SECBUFFER_PKG_PARAMS, seq8, 8); break;
        }
        snap(&m);
        st = MakeSignature(h, c->qop, desc, c->seq);
        CHECK(st == c->expect, "MakeSignature %s: %s, expected %s", c->name, sec_name(st),
              sec_name(c->expect));
        CHECK(unchanged(&m, st == SEC_E_OK ? tok : -1),
              "MakeSignature %s: buffers changed", c->name);
        if (st != SEC_E_OK)
            continue;
        CHECK(signet ? m.b[tok].cbBuffer >= 40 && m.b[tok].cbBuffer <= 56
                     : m.b[tok].cbBuffer == max_signature,
              "MakeSignature %s: token length %u", c->name, m.b[tok].cbBuffer);
        {
            /* the signature verifies on the peer over the signed parts */
            struct msg v;
            ULONG qop = 99;
            CtxtHandle *peer = c->h == H_DGRAM ? &dg.srv : &rs.srv;

            msg_init(&v, "the message to sign", (int)m.b[tok].cbBuffer);
            memcpy(v.mem[1], m.mem[tok], m.b[tok].cbBuffer);
            if (c->setup == S_READONLY)
                msg_add(&v, SECBUFFER_DATA, "++", 2);
            if (c->setup == S_PARAMS_OK)
                msg_add(&v, SECBUFFER_PKG_PARAMS, seq8, 8);
            snap(&v);
            st = VerifySignature(peer, &v.desc, 0, &qop);
            CHECK(st == SEC_E_OK, "VerifySignature after %s: %s", c->name, sec_name(st));
            CHECK(unchanged(&v, -1), "VerifySignature after %s: buffers changed", c->name);
            CHECK(!signet ? qop == 0 : c->qop == 0 ? qop == 4 : qop == c->qop,
                  "VerifySignature after %s: pfQOP %u", c->name, qop);
        }
    }
}

/* ---- VerifySignature cases ------------------------------------------------------------- */
static void
expect_verify(const char *name, CtxtHandle *h, SecBufferDesc *desc, struct msg *m, ULONG seq,
              SECURITY_STATUS expect)
{
    SECURITY_STATUS st;
    ULONG qop = 0xDEADBEEF;

    snap(m);
    st = VerifySignature(h, desc, seq, &qop);
    CHECK(st == expect, "VerifySignature %s: %s, expected %s", name, sec_name(st),
          sec_name(expect));
    CHECK(unchanged(m, -1), "VerifySignature %s: buffers changed", name);
    if (st != SEC_E_OK)
        CHECK(qop == 0xDEADBEEF, "VerifySignature %s: pfQOP written on failure", name);
}

static void
run_verify_cases(void)
{
    unsigned char sig[96], sig2[96];
    ULONG len, len2, i;
    struct msg m;
    CtxtHandle tmp;
    const char *text = "verify me";

    CHECK(sign_text(&rs.cli, text, 0, 0, sig, &len) == SEC_E_OK, "sign");
    msg_init(&m, text, (int)len);
    memcpy(m.mem[1], sig, len);
    expect_verify("NULL handle", NULL, &m.desc, &m, 0, SEC_E_INVALID_HANDLE);
    expect_verify("invalid handle", handle_for(H_GARBAGE, &tmp), &m.desc, &m, 0,
                  SEC_E_INVALID_HANDLE);
    expect_verify("deleted handle", handle_for(H_DELETED, &tmp), &m.desc, &m, 0,
                  SEC_E_INVALID_HANDLE);
    expect_verify("credential handle", &rs.scred, &m.desc, &m, 0, SEC_E_INVALID_HANDLE);
    expect_verify("NULL pMessage", &rs.srv, NULL, &m, 0, SEC_E_INVALID_TOKEN);
    m.desc.ulVersion = 2;
    expect_verify("wrong ulVersion", &rs.srv, &m.desc, &m, 0, SEC_E_INVALID_TOKEN);
    m.desc.ulVersion = SECBUFFER_VERSION;
    m.desc.cBuffers = 0;
    expect_verify("zero buffers", &rs.srv, &m.desc, &m, 0, SEC_E_INVALID_TOKEN);
    m.desc.cBuffers = 1;
    expect_verify("no TOKEN", &rs.srv, &m.desc, &m, 0, SEC_E_INVALID_TOKEN);
    m.desc.cBuffers = 2;
    m.b[1].cbBuffer = 10;
    expect_verify("signature shorter than a header", &rs.srv, &m.desc, &m, 0,
                  SEC_E_INVALID_TOKEN);
    if (signet) {   /* Signet checks the length; RFC 4121 just fails the checksum */
        m.b[1].cbBuffer = len - 1;
        expect_verify("truncated signature", &rs.srv, &m.desc, &m, 0, SEC_E_INVALID_TOKEN);
    }
    m.b[1].cbBuffer = len;
    /* flipped bits: every byte of the signature and of the message */
    for (i = 0; i < len; i++) {
        char name[64];

        if (!signet) {
            /* RFC 4121: a wrong TOK_ID is malformed; the checksum is wrong */
            if (i != 0 && i != len - 1)
                continue;
            m.mem[1][i] ^= 0x01;
            snprintf(name, sizeof(name), "signature byte %u flipped", i);
            expect_verify(name, &rs.srv, &m.desc, &m, 0,
                          i == 0 ? SEC_E_INVALID_TOKEN : SEC_E_MESSAGE_ALTERED);
            m.mem[1][i] ^= 0x01;
            continue;
        }

        m.mem[1][i] ^= 0x01;
        snprintf(name, sizeof(name), "signature byte %u flipped", i);
        /* TOK_ID and ALG are checked when parsing (INVALID_TOKEN); the
         * SentByAcceptor flag makes it a reflected token, everything else
         * fails the MAC (MESSAGE_ALTERED); docs/tokens.md section 7 */
        expect_verify(name, &rs.srv, &m.desc, &m, 0,
                      i == 0 || i == 1 || i == 3 ? SEC_E_INVALID_TOKEN
                                                 : SEC_E_MESSAGE_ALTERED);
        m.mem[1][i] ^= 0x01;
    }
    m.mem[0][0] ^= 0x80;
    expect_verify("message bit flipped", &rs.srv, &m.desc, &m, 0, SEC_E_MESSAGE_ALTERED);
    m.mem[0][0] ^= 0x80;
    expect_verify("own token reflected", &rs.cli, &m.desc, &m, 0, SEC_E_MESSAGE_ALTERED);
    expect_verify("valid, pfQOP", &rs.srv, &m.desc, &m, 0, SEC_E_OK);
    snap(&m);
    CHECK(VerifySignature(&rs.srv, &m.desc, 0, NULL) == SEC_E_OUT_OF_SEQUENCE,
          "replay with NULL pfQOP");
    expect_verify("replay (replay+sequence detection)", &rs.srv, &m.desc, &m, 0,
                  SEC_E_OUT_OF_SEQUENCE);

    /* reordering on a sequence-detecting context: both out of sequence */
    CHECK(sign_text(&rs.cli, "first", 0, 0, sig, &len) == SEC_E_OK, "sign first");
    CHECK(sign_text(&rs.cli, "second", 0, 0, sig2, &len2) == SEC_E_OK, "sign second");
    msg_init(&m, "second", (int)len2);
    memcpy(m.mem[1], sig2, len2);
    expect_verify("reordered: later first (gap)", &rs.srv, &m.desc, &m, 0,
                  SEC_E_OUT_OF_SEQUENCE);
    msg_init(&m, "first", (int)len);
    memcpy(m.mem[1], sig, len);
    expect_verify("reordered: earlier second", &rs.srv, &m.desc, &m, 0, SEC_E_OUT_OF_SEQUENCE);

    /* replay detection only: reordering is fine, replays are not */
    CHECK(sign_text(&ro.cli, "first", 0, 0, sig, &len) == SEC_E_OK, "sign first");
    CHECK(sign_text(&ro.cli, "second", 0, 0, sig2, &len2) == SEC_E_OK, "sign second");
    msg_init(&m, "second", (int)len2);
    memcpy(m.mem[1], sig2, len2);
    expect_verify("replay-only: later first", &ro.srv, &m.desc, &m, 0, SEC_E_OK);
    msg_init(&m, "first", (int)len);
    memcpy(m.mem[1], sig, len);
    expect_verify("replay-only: earlier second", &ro.srv, &m.desc, &m, 0, SEC_E_OK);
    expect_verify("replay-only: replay", &ro.srv, &m.desc, &m, 0, SEC_E_OUT_OF_SEQUENCE);

    /* no detection requested: a replay verifies */
    CHECK(sign_text(&none.cli, "again", 0, 0, sig, &len) == SEC_E_OK, "sign");
    msg_init(&m, "again", (int)len);
    memcpy(m.mem[1], sig, len);
    expect_verify("no detection: first", &none.srv, &m.desc, &m, 0, SEC_E_OK);
    expect_verify("no detection: replay", &none.srv, &m.desc, &m, 0, SEC_E_OK);

    if (!signet)
        return;
    /* datagram: MessageSeqNo is the message's number */
    CHECK(sign_text(&dg.cli, "dgram", 0, 10, sig, &len) == SEC_E_OK, "sign 10");
    CHECK(sign_text(&dg.cli, "dgram", 0, 7, sig2, &len2) == SEC_E_OK, "sign 7");
    msg_init(&m, "dgram", (int)len);
    memcpy(m.mem[1], sig, len);
    expect_verify("datagram: sequence mismatch", &dg.srv, &m.desc, &m, 11,
                  SEC_E_OUT_OF_SEQUENCE);
    expect_verify("datagram: 10", &dg.srv, &m.desc, &m, 10, SEC_E_OK);
    msg_init(&m, "dgram", (int)len2);
    memcpy(m.mem[1], sig2, len2);
    expect_verify("datagram: 7 after 10", &dg.srv, &m.desc, &m, 7, SEC_E_OK);
    expect_verify("datagram: 7 replayed", &dg.srv, &m.desc, &m, 7, SEC_E_OUT_OF_SEQUENCE);
}

/* ---- sizes ---------------------------------------------------------------------------- */
static void
run_sizes(void)
{
    SecPkgContext_Sizes s;
    SECURITY_STATUS st;

    memset(&s, 0, sizeof(s));
    st = QueryContextAttributesA(&rs.cli, SECPKG_ATTR_SIZES, &s);
    CHECK(st == SEC_E_OK, "SIZES: %s", sec_name(st));
    /* Signet: the largest MIC over the permitted QOPs: HMAC-SHA512 = 24 + 32 */
    CHECK(s.cbMaxSignature == max_signature, "cbMaxSignature %u", s.cbMaxSignature);
    CHECK(!signet || s.cbSecurityTrailer == 40, "cbSecurityTrailer %u", s.cbSecurityTrailer);
    CHECK(s.cbBlockSize == 1, "cbBlockSize %u", s.cbBlockSize);
    st = QueryContextAttributesA(NULL, SECPKG_ATTR_SIZES, &s);
    CHECK(st == SEC_E_INVALID_HANDLE, "SIZES NULL handle: %s", sec_name(st));
}

/* ---- export / import ------------------------------------------------------------------- */
static void
run_export(void)
{
    SecBuffer packed = { 0, 0, NULL };
    CtxtHandle imp, imp2, old;
    void *token = (void *)1;
    unsigned char sig[96], junk[16] = { 0 };
    ULONG len;
    SECURITY_STATUS st;
    SecPkgContext_Sizes sizes;
    SEC_WCHAR wname[] = { 'S', 'i', 'g', 'n', 'e', 't', 0 };

    /* without SECPKG_CONTEXT_EXPORT_DELETE_OLD the context stays usable */
    st = ExportSecurityContext(&none.cli, 0, &packed, &token);
    CHECK(st == SEC_E_OK && packed.cbBuffer > 0 && packed.pvBuffer != NULL &&
          packed.BufferType == SECBUFFER_TOKEN && token == NULL,
          "ExportSecurityContext: %s", sec_name(st));
    st = ImportSecurityContextA("Signet", &packed, NULL, &imp);
    CHECK(st == SEC_E_OK, "ImportSecurityContextA: %s", sec_name(st));
    CHECK(sign_text(&imp, "from the import", 0, 0, sig, &len) == SEC_E_OK, "imported signs");
    CHECK(verify_text(&none.srv, "from the import", sig, len, 0, NULL) == SEC_E_OK,
          "peer verifies the imported context's signature");
    CHECK(sign_text(&none.cli, "from the original", 0, 0, sig, &len) == SEC_E_OK,
          "original still signs");
    CHECK(verify_text(&none.srv, "from the original", sig, len, 0, NULL) == SEC_E_OK,
          "peer verifies the original's signature");
    CHECK(QueryContextAttributesA(&imp, SECPKG_ATTR_SIZES, &sizes) == SEC_E_OK &&
          sizes.cbMaxSignature == 56, "imported SIZES");
    st = ImportSecurityContextW(wname, &packed, NULL, &imp2);
    CHECK(st == SEC_E_OK, "ImportSecurityContextW: %s", sec_name(st));
    FreeContextBuffer(packed.pvBuffer);
    CHECK(DeleteSecurityContext(&imp2) == SEC_E_OK, "delete import 2");

    /* SECPKG_CONTEXT_EXPORT_DELETE_OLD: the handle is gone afterwards */
    old = imp;
    packed.pvBuffer = NULL;
    packed.cbBuffer = 0;
    st = ExportSecurityContext(&imp, SECPKG_CONTEXT_EXPORT_DELETE_OLD, &packed, NULL);
    CHECK(st == SEC_E_OK, "export, delete old: %s", sec_name(st));
    CHECK(sign_text(&old, "gone", 0, 0, sig, &len) == SEC_E_INVALID_HANDLE,
          "exported-and-deleted handle is invalid");
    st = ImportSecurityContextA("Signet", &packed, NULL, &imp);
    CHECK(st == SEC_E_OK, "import again: %s", sec_name(st));
    FreeContextBuffer(packed.pvBuffer);
    CHECK(DeleteSecurityContext(&imp) == SEC_E_OK, "delete import");

    packed.cbBuffer = sizeof(junk);
    packed.pvBuffer = junk;
    st = ImportSecurityContextA("Signet", &packed, NULL, &imp);
    CHECK(st == SEC_E_INVALID_TOKEN, "import garbage: %s", sec_name(st));
    st = ImportSecurityContextA("NoSuchPackage", &packed, NULL, &imp);
    CHECK(st == SEC_E_SECPKG_NOT_FOUND, "import unknown package: %s", sec_name(st));
    st = ExportSecurityContext(NULL, 0, &packed, NULL);
    CHECK(st == SEC_E_INVALID_HANDLE, "export NULL handle: %s", sec_name(st));
}

/* ---- threads ---------------------------------------------------------------------------- */
static volatile int stop_churn;

static void *
signer(void *arg)
{
    struct pair *p = arg;
    unsigned char sig[96];
    ULONG len, i;

    for (i = 0; i < 300; i++) {
        if (sign_text(&p->cli, "threaded", 0, 0, sig, &len) != SEC_E_OK ||
            verify_text(&p->srv, "threaded", sig, len, 0, NULL) != SEC_E_OK) {
            __atomic_add_fetch(&failures, 1, __ATOMIC_SEQ_CST);
            printf("FAIL thread sign/verify %u\n", i);
            break;
        }
    }
    return NULL;
}

static CtxtHandle shared;
static void *
user_of_shared(void *arg)
{
    unsigned char sig[96];
    ULONG len;
    (void)arg;
    while (!__atomic_load_n(&stop_churn, __ATOMIC_SEQ_CST)) {
        CtxtHandle h = shared;
        SECURITY_STATUS st = sign_text(&h, "racing", 0, 0, sig, &len);

        if (st != SEC_E_OK && st != SEC_E_INVALID_HANDLE) {
            __atomic_add_fetch(&failures, 1, __ATOMIC_SEQ_CST);
            printf("FAIL racing MakeSignature: %s\n", sec_name(st));
            break;
        }
    }
    return NULL;
}

static void
run_threads(void)
{
    struct pair p[3];
    pthread_t t[4];
    int i, n = 0;

    for (i = 0; i < 3; i++)
        CHECK(establish(&p[i], ISC_REQ_REPLAY_DETECT | ISC_REQ_SEQUENCE_DETECT) == 0,
              "thread pair %d", i);
    for (i = 0; i < 2; i++)
        pthread_create(&t[n++], NULL, signer, &p[i]);
    /* one context used by a thread while this thread deletes and recreates */
    shared = p[2].cli;
    pthread_create(&t[n++], NULL, user_of_shared, NULL);
    for (i = 0; i < 5; i++) {
        struct pair q;

        if (establish(&q, 0) == 0) {
            CtxtHandle old = shared;

            shared = q.cli;
            DeleteSecurityContext(&old);
            DeleteSecurityContext(&q.srv);
            FreeCredentialsHandle(&q.ccred);
            FreeCredentialsHandle(&q.scred);
        }
    }
    __atomic_store_n(&stop_churn, 1, __ATOMIC_SEQ_CST);
    for (i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    CHECK(DeleteSecurityContext(&shared) == SEC_E_OK, "delete last shared");
    CHECK(DeleteSecurityContext(&shared) == SEC_E_INVALID_HANDLE, "double delete");
    for (i = 0; i < 3; i++) {
        if (i == 2) {
            DeleteSecurityContext(&p[i].srv);
            FreeCredentialsHandle(&p[i].ccred);
            FreeCredentialsHandle(&p[i].scred);
        } else {
            pair_free(&p[i]);
        }
    }
}

int
main(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--package") == 0 && i + 1 < argc) {
            package = argv[++i];
            signet = strcmp(package, "Signet") == 0;
        } else if (strcmp(argv[i], "--target") == 0 && i + 1 < argc) {
            target = argv[++i];
        } else if (strcmp(argv[i], "--max-signature") == 0 && i + 1 < argc) {
            max_signature = (ULONG)strtoul(argv[++i], NULL, 0);
        } else {
            psk_file = argv[i];
        }
    }
    if (psk_file == NULL)
        psk_file = getenv("SSPI_PSK_FILE");
    if (signet && psk_file == NULL) {
        fprintf(stderr, "usage: t_sspi_errors PSK-FILE | --package P --target T "
                "--max-signature N\n");
        return 77;
    }
    if (establish(&rs, ISC_REQ_REPLAY_DETECT | ISC_REQ_SEQUENCE_DETECT) != 0 ||
        establish(&ro, ISC_REQ_REPLAY_DETECT) != 0 || establish(&none, 0) != 0 ||
        (signet && establish(&dg, ISC_REQ_DATAGRAM | ISC_REQ_REPLAY_DETECT) != 0)) {
        printf("FAIL: cannot establish the contexts\n");
        return 1;
    }
    run_sizes();
    run_make_cases();
    run_verify_cases();
    if (signet)
        run_export();
    run_threads();
    pair_free(&rs);
    pair_free(&ro);
    pair_free(&none);
    if (signet)
        pair_free(&dg);
    printf("%s: %d checks, %d failure(s)\n", failures ? "FAIL" : "PASS", checks, failures);
    return failures ? 1 : 0;
}
