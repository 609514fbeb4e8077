/*
 * bench_sspi.c - the SSPI layer (libsignet-sspi) against the GSS-API it is
 * built on: MakeSignature / VerifySignature next to gss_get_mic /
 * gss_verify_mic on the same context, instructions per call, and
 * MakeSignature calls per second with one and two threads.
 *
 *   bench_sspi [options] mic            ns/call of MakeSignature,
 *                                       VerifySignature, gss_get_mic and
 *                                       gss_verify_mic, per size
 *   bench_sspi [options] threads        calls/s of --api with --threads
 *                                       threads, each on its own context
 *   bench_sspi [options] cg-sign SIZE N     N signatures through
 *                                           bench_cg_make_signature (--api
 *                                           sspi) or bench_cg_get_mic (gss)
 *   bench_sspi [options] cg-verify SIZE N   N verifications
 *                                           (bench_cg_verify_signature /
 *                                           bench_cg_verify_mic)
 *   (cg-sign --api gss also frees its N tokens through
 *   bench_cg_release_buffer: toggle on that for what gss_release_buffer
 *   adds per message; an SSPI caller owns its TOKEN buffer.)
 *
 * Options: --package Signet|Kerberos   --label TEXT   --sizes 32,65536
 *          --seconds S per cell   --reps R   --api sspi|gss|raw|spin
 *          --threads N   --target NAME (default host@localhost; Kerberos
 *          also takes the SPN host/localhost)
 * Environment: BENCH_SIGNET_PSK_FILE (Signet: the PSK file, passed in a
 * SIGNET_AUTH_DATA; or BENCH_SIGNET_CERT, BENCH_SIGNET_KEY, BENCH_SIGNET_CA
 * for certificates; none set: pAuthData NULL and the SIGNET_* defaults).
 * Kerberos takes pAuthData NULL: KRB5CCNAME for the initiator, KRB5_KTNAME
 * for the acceptor.
 *
 * Both ends of every context are SSPI contexts in this process
 * (InitializeSecurityContextA / AcceptSecurityContext).  The GSS handles
 * compared against are the same contexts: ExportSecurityContext without
 * SECPKG_CONTEXT_EXPORT_DELETE_OLD hands out the context's state in
 * mechglue's exported-context format (the SSPI handle stays usable), and
 * gss_import_sec_context (libgssapi_krb5, the mechglue) makes a GSS handle
 * of it: the same mechanism, keys, negotiated flags and sequence state --
 * Signet through the mech_signet.so plugin, Kerberos through MIT's krb5
 * mechanism.  The SSPI pair and the GSS pair then sign independently (each
 * receiver sees only its own sender's tokens, so replay and sequence
 * checking stay in step).  Signing both copies from the same starting
 * sequence number repeats nonces under one key, which is fine for a
 * benchmark's throw-away keys and nothing else.
 *
 * threads: --threads N contexts (N SSPI pairs; for --api gss, N GSS copies),
 * N threads, thread i signs --sizes[0]-byte messages on context i for
 * --seconds, best of --reps runs.  --api raw: each thread its own keyed
 * OpenSSL AES-256-GCM context, GMAC as bench_raw does (the hardware's and
 * OpenSSL's own scaling); --api spin: a register-only integer loop (the
 * machine's scaling with no memory traffic and no library at all).
 *
 * Output lines as bench_mic: "kind key=value ...".
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <security.h>

#include "bench.h"

#define MAX_SIZES 8
#define MAX_THREADS 16
#define ISC_FLAGS (ISC_REQ_MUTUAL_AUTH | ISC_REQ_REPLAY_DETECT | \
                   ISC_REQ_SEQUENCE_DETECT | ISC_REQ_CONFIDENTIALITY | \
                   ISC_REQ_INTEGRITY)
#define ASC_FLAGS (ASC_REQ_MUTUAL_AUTH | ASC_REQ_REPLAY_DETECT | \
                   ASC_REQ_SEQUENCE_DETECT | ASC_REQ_CONFIDENTIALITY | \
                   ASC_REQ_INTEGRITY)

struct options {
    const char *package;
    const char *label;
    const char *api;
    const char *target;
    unsigned long sizes[MAX_SIZES];
    int nsizes;
    double seconds;
    int reps;
    int threads;
};

/* Credentials of one package, both ends. */
struct setup {
    const char *package;
    const char *target;
    CredHandle icred, acred;
    int have_icred, have_acred;
    ULONG max_token;
};

/* One established SSPI pair, and optionally its GSS copies. */
struct pair {
    CtxtHandle ictx, actx;
    int have;
    gss_ctx_id_t gi, ga;
    ULONG max_sig;
};

/* ---- status output ------------------------------------------------------------ */

static int
sec_fail(const char *what, SECURITY_STATUS st)
{
    return bench_fail("%s failed: SECURITY_STATUS 0x%08x", what, (unsigned)st);
}

static int
gss_fail(const char *what, OM_uint32 major, OM_uint32 minor)
{
    OM_uint32 m, ctx = 0;
    gss_buffer_desc text;

    bench_fail("%s failed: major 0x%08x minor %u", what, (unsigned)major,
               (unsigned)minor);
    do {
        if (GSS_ERROR(gss_display_status(&m, major, GSS_C_GSS_CODE,
                                         GSS_C_NO_OID, &ctx, &text)))
            break;
        fprintf(stderr, "bench:   %.*s\n", (int)text.length, (char *)text.value);
        gss_release_buffer(&m, &text);
    } while (ctx != 0);
    return -1;
}

/* ---- credentials and establishment ---------------------------------------------- */

static void *
auth_data(const char *package)
{
    static SIGNET_AUTH_DATA a;

    if (strcasecmp(package, "Signet") != 0)
        return NULL;            /* Kerberos: ccache / keytab from the environment */
    memset(&a, 0, sizeof(a));
    a.Version = SIGNET_AUTH_DATA_VERSION;
    a.PskFile = getenv("BENCH_SIGNET_PSK_FILE");
    a.Certificate = getenv("BENCH_SIGNET_CERT");
    a.PrivateKey = getenv("BENCH_SIGNET_KEY");
    a.CaFile = getenv("BENCH_SIGNET_CA");
    if (a.PskFile == NULL && a.Certificate == NULL && a.CaFile == NULL)
        return NULL;
    return &a;
}

static int
setup_open(struct setup *s, const struct options *o)
{
    PSecPkgInfoA info = NULL;
    TimeStamp expiry;
    SECURITY_STATUS st;

    memset(s, 0, sizeof(*s));
    s->package = o->package;
    s->target = o->target;
    st = QuerySecurityPackageInfoA((SEC_CHAR *)o->package, &info);
    if (st != SEC_E_OK)
        return sec_fail("QuerySecurityPackageInfoA", st);
    s->max_token = info->cbMaxToken;
    FreeContextBuffer(info);
    st = AcquireCredentialsHandleA(NULL, (SEC_CHAR *)o->package,
                                   SECPKG_CRED_OUTBOUND, NULL,
                                   auth_data(o->package), NULL, NULL,
                                   &s->icred, &expiry);
    if (st != SEC_E_OK)
        return sec_fail("AcquireCredentialsHandleA (outbound)", st);
    s->have_icred = 1;
    st = AcquireCredentialsHandleA(NULL, (SEC_CHAR *)o->package,
                                   SECPKG_CRED_INBOUND, NULL,
                                   auth_data(o->package), NULL, NULL,
                                   &s->acred, &expiry);
    if (st != SEC_E_OK)
        return sec_fail("AcquireCredentialsHandleA (inbound)", st);
    s->have_acred = 1;
    return 0;
}

static void
setup_close(struct setup *s)
{
    if (s->have_icred)
        FreeCredentialsHandle(&s->icred);
    if (s->have_acred)
        FreeCredentialsHandle(&s->acred);
    s->have_icred = s->have_acred = 0;
}

static void
pair_delete(struct pair *p)
{
    OM_uint32 minor;

    if (p->have) {
        DeleteSecurityContext(&p->ictx);
        DeleteSecurityContext(&p->actx);
        p->have = 0;
    }
    if (p->gi != GSS_C_NO_CONTEXT)
        gss_delete_sec_context(&minor, &p->gi, GSS_C_NO_BUFFER);
    if (p->ga != GSS_C_NO_CONTEXT)
        gss_delete_sec_context(&minor, &p->ga, GSS_C_NO_BUFFER);
}

/* InitializeSecurityContextA / AcceptSecurityContext until both are done. */
static int
establish(struct setup *s, struct pair *p)
{
    unsigned char *itok, *atok;
    SecBuffer ib[1], ob[1];
    SecBufferDesc in = { SECBUFFER_VERSION, 1, ib }, out = { SECBUFFER_VERSION, 1, ob };
    SecPkgContext_Sizes sizes;
    ULONG iattr = 0, aattr = 0, alen = 0;
    TimeStamp expiry;
    SECURITY_STATUS ist = SEC_I_CONTINUE_NEEDED, ast = SEC_I_CONTINUE_NEEDED;
    int i, ifirst = 1, afirst = 1, r = -1;

    memset(p, 0, sizeof(*p));
    itok = malloc(s->max_token);
    atok = malloc(s->max_token);
    if (itok == NULL || atok == NULL)
        goto out;
    for (i = 0; i < 16; i++) {
        /* initiator: consumes the acceptor's last token (none at first) */
        ib[0].BufferType = SECBUFFER_TOKEN;
        ib[0].cbBuffer = alen;
        ib[0].pvBuffer = atok;
        ob[0].BufferType = SECBUFFER_TOKEN;
        ob[0].cbBuffer = s->max_token;
        ob[0].pvBuffer = itok;
        ist = InitializeSecurityContextA(&s->icred, ifirst ? NULL : &p->ictx,
                                         (SEC_CHAR *)s->target, ISC_FLAGS, 0,
                                         SECURITY_NATIVE_DREP,
                                         ifirst ? NULL : &in, 0, &p->ictx, &out,
                                         &iattr, &expiry);
        if (ist != SEC_E_OK && ist != SEC_I_CONTINUE_NEEDED) {
            sec_fail("InitializeSecurityContextA", ist);
            goto fail;
        }
        if (ifirst) {
            ifirst = 0;
            p->have = 1;        /* the initiator handle exists from here on */
        }
        alen = 0;
        if (ob[0].cbBuffer > 0) {
            ib[0].BufferType = SECBUFFER_TOKEN;
            ib[0].cbBuffer = ob[0].cbBuffer;
            ib[0].pvBuffer = itok;
            ob[0].BufferType = SECBUFFER_TOKEN;
            ob[0].cbBuffer = s->max_token;
            ob[0].pvBuffer = atok;
            ast = AcceptSecurityContext(&s->acred, afirst ? NULL : &p->actx, &in,
                                        ASC_FLAGS, SECURITY_NATIVE_DREP,
                                        &p->actx, &out, &aattr, &expiry);
            if (ast != SEC_E_OK && ast != SEC_I_CONTINUE_NEEDED) {
                if (afirst)
                    DeleteSecurityContext(&p->ictx), p->have = 0;
                sec_fail("AcceptSecurityContext", ast);
                goto fail;
            }
            afirst = 0;
            alen = ob[0].cbBuffer;
        }
        if (ist == SEC_E_OK) {
            if (ast != SEC_E_OK || alen != 0) {
                bench_fail("initiator complete before the acceptor");
                goto fail;
            }
            break;
        }
        if (alen == 0) {
            bench_fail("initiator needs a token the acceptor did not send");
            goto fail;
        }
    }
    if (ist != SEC_E_OK) {
        bench_fail("no establishment after 16 rounds");
        goto fail;
    }
    memset(&sizes, 0, sizeof(sizes));
    ist = QueryContextAttributesA(&p->ictx, SECPKG_ATTR_SIZES, &sizes);
    if (ist != SEC_E_OK || sizes.cbMaxSignature == 0) {
        sec_fail("QueryContextAttributesA(SECPKG_ATTR_SIZES)", ist);
        goto fail;
    }
    p->max_sig = sizes.cbMaxSignature;
    r = 0;
    goto out;
fail:
    if (p->have) {
        DeleteSecurityContext(&p->ictx);
        if (!afirst)
            DeleteSecurityContext(&p->actx);
        p->have = 0;
    }
out:
    free(itok);
    free(atok);
    return r;
}

/* A GSS handle (through mechglue) with the state of an SSPI context. */
static int
gss_copy(CtxtHandle *ctx, gss_ctx_id_t *out)
{
    SecBuffer packed = { 0, 0, NULL };
    gss_buffer_desc buf;
    SECURITY_STATUS st;
    OM_uint32 major, minor;

    *out = GSS_C_NO_CONTEXT;
    st = ExportSecurityContext(ctx, 0, &packed, NULL);   /* the handle stays */
    if (st != SEC_E_OK)
        return sec_fail("ExportSecurityContext", st);
    buf.length = packed.cbBuffer;
    buf.value = packed.pvBuffer;
    major = gss_import_sec_context(&minor, &buf, out);
    memset(packed.pvBuffer, 0, packed.cbBuffer);
    FreeContextBuffer(packed.pvBuffer);
    if (major != GSS_S_COMPLETE)
        return gss_fail("gss_import_sec_context", major, minor);
    return 0;
}

static int
pair_gss_copy(struct pair *p)
{
    if (gss_copy(&p->ictx, &p->gi) != 0 || gss_copy(&p->actx, &p->ga) != 0)
        return -1;
    return 0;
}

/* ---- per-message ops for bench_measure_mic -------------------------------------- */

/* SSPI tokens go into caller-owned buffers, as an SSPI caller provides them:
 * one slot per token of a batch (batches are at most BENCH_MAX_BATCH long and
 * every batch's tokens are verified and "freed" before the next). */
struct sspi_side {
    CtxtHandle *ctx;
    unsigned char *slots;
    ULONG slot_size;
    size_t next;
};

static int
sspi_sign(void *sender, unsigned qop, const void *msg, size_t len, void **tok,
          size_t *toklen)
{
    struct sspi_side *s = sender;
    unsigned char *slot = s->slots + (s->next++ % BENCH_MAX_BATCH) * s->slot_size;
    SecBuffer b[2];
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    SECURITY_STATUS st;

    b[0].BufferType = SECBUFFER_DATA;
    b[0].cbBuffer = (ULONG)len;
    b[0].pvBuffer = (void *)msg;
    b[1].BufferType = SECBUFFER_TOKEN;
    b[1].cbBuffer = s->slot_size;
    b[1].pvBuffer = slot;
    st = MakeSignature(s->ctx, qop, &d, 0);
    if (st != SEC_E_OK)
        return sec_fail("MakeSignature", st);
    *tok = slot;
    *toklen = b[1].cbBuffer;
    return 0;
}

static int
sspi_check(void *receiver, const void *msg, size_t len, const void *tok,
           size_t toklen)
{
    struct sspi_side *s = receiver;
    SecBuffer b[2];
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    ULONG qop = 0;
    SECURITY_STATUS st;

    b[0].BufferType = SECBUFFER_DATA;
    b[0].cbBuffer = (ULONG)len;
    b[0].pvBuffer = (void *)msg;
    b[1].BufferType = SECBUFFER_TOKEN;
    b[1].cbBuffer = (ULONG)toklen;
    b[1].pvBuffer = (void *)tok;
    st = VerifySignature(s->ctx, &d, 0, &qop);
    if (st != SEC_E_OK)
        return sec_fail("VerifySignature", st);
    return 0;
}

static void
sspi_free_token(void *tok, size_t toklen)
{
    (void)tok;
    (void)toklen;
}

static int
glue_sign(void *sender, unsigned qop, const void *msg, size_t len, void **tok,
          size_t *toklen)
{
    gss_buffer_desc m = { len, (void *)msg }, t = GSS_C_EMPTY_BUFFER;
    OM_uint32 major, minor;

    major = gss_get_mic(&minor, (gss_ctx_id_t)sender, qop, &m, &t);
    if (major != GSS_S_COMPLETE)
        return gss_fail("gss_get_mic", major, minor);
    *tok = t.value;
    *toklen = t.length;
    return 0;
}

static int
glue_check(void *receiver, const void *msg, size_t len, const void *tok,
           size_t toklen)
{
    gss_buffer_desc m = { len, (void *)msg }, t = { toklen, (void *)tok };
    OM_uint32 major, minor;

    major = gss_verify_mic(&minor, (gss_ctx_id_t)receiver, &m, &t, NULL);
    if (major != GSS_S_COMPLETE)
        return gss_fail("gss_verify_mic", major, minor);
    return 0;
}

static void
glue_free_token(void *tok, size_t toklen)
{
    gss_buffer_desc t = { toklen, tok };
    OM_uint32 minor;

    gss_release_buffer(&minor, &t);
}

/* ---- mode mic ------------------------------------------------------------------- */

static int
mode_mic(const struct options *o, struct setup *s)
{
    struct pair p;
    struct sspi_side snd, rcv;
    struct bench_mic_ops sops = { &snd, &rcv, sspi_sign, sspi_check,
                                  sspi_free_token };
    struct bench_mic_ops gops = { NULL, NULL, glue_sign, glue_check,
                                  glue_free_token };
    double best[2][2], sign_ns, verify_ns;
    size_t tok[2], toklen;
    int z, round, api, r = -1;

    if (establish(s, &p) != 0)
        return -1;
    if (pair_gss_copy(&p) != 0)
        goto done;
    memset(&snd, 0, sizeof(snd));
    memset(&rcv, 0, sizeof(rcv));
    snd.ctx = &p.ictx;
    rcv.ctx = &p.actx;
    snd.slot_size = p.max_sig;
    snd.slots = malloc((size_t)BENCH_MAX_BATCH * p.max_sig);
    if (snd.slots == NULL) {
        bench_fail("out of memory");
        goto done;
    }
    gops.sender = p.gi;
    gops.receiver = p.ga;
    for (z = 0; z < o->nsizes; z++) {
        size_t len = o->sizes[z];

        /* SSPI, GSS, SSPI, GSS: each API gets two half-length cells, taken
         * alternately, and keeps its better one (less drift between them) */
        for (api = 0; api < 2; api++)
            best[api][0] = best[api][1] = -1;
        for (round = 0; round < 4; round++) {
            api = round % 2;
            if (bench_measure_mic(api == 0 ? &sops : &gops, 0, len,
                                  o->seconds / 2, o->reps, &sign_ns,
                                  &verify_ns, &toklen) != 0)
                goto done;
            tok[api] = toklen;
            if (best[api][0] < 0 || sign_ns < best[api][0])
                best[api][0] = sign_ns;
            if (best[api][1] < 0 || verify_ns < best[api][1])
                best[api][1] = verify_ns;
        }
        for (api = 0; api < 2; api++) {
            const char *what = api == 0 ? "sspi" : "gss";

            printf("ssmic label=%s api=%s size=%zu op=sign ns=%.1f mbps=%.1f "
                   "token=%zu\n", o->label, what, len, best[api][0],
                   (double)len * 1e3 / best[api][0], tok[api]);
            printf("ssmic label=%s api=%s size=%zu op=verify ns=%.1f mbps=%.1f "
                   "token=%zu\n", o->label, what, len, best[api][1],
                   (double)len * 1e3 / best[api][1], tok[api]);
        }
        fflush(stdout);
    }
    r = 0;
done:
    free(snd.slots);
    pair_delete(&p);
    return r;
}

/* ---- mode threads ----------------------------------------------------------------- */

enum api { API_SSPI, API_GSS, API_RAW, API_SPIN };

/* One per thread, each on its own cache lines (no false sharing between
 * the threads' counters). */
struct worker {
    _Alignas(128) pthread_t tid;
    enum api api;
    CtxtHandle *ctx;
    gss_ctx_id_t gctx;
    const EVP_CIPHER *cipher;   /* raw: the thread keys its own context */
    EVP_CIPHER_CTX *gcm;
    uint64_t counter;
    ULONG max_sig;
    const unsigned char *msg;
    size_t len;
    pthread_barrier_t *start;
    atomic_int *stop;
    unsigned long calls;
    double seconds;             /* wall */
    double cpu;                 /* this thread's CPU time */
    long vcsw, ivcsw;           /* voluntary / involuntary context switches */
    int failed;
    uint64_t sink;
};

static int
raw_gmac(struct worker *w, unsigned char *tag)
{
    OSSL_PARAM params[2];
    unsigned char nonce[12] = { 0 }, full[16];
    int l;

    w->counter++;
    memcpy(nonce + 4, &w->counter, 8);
    params[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
                                                  tag, 16);
    params[1] = OSSL_PARAM_construct_end();
    if (EVP_EncryptInit_ex2(w->gcm, NULL, NULL, nonce, NULL) != 1 ||
        (w->len > 0 && EVP_EncryptUpdate(w->gcm, NULL, &l, w->msg,
                                         (int)w->len) != 1) ||
        EVP_EncryptFinal_ex(w->gcm, full, &l) != 1 ||
        EVP_CIPHER_CTX_get_params(w->gcm, params) != 1)
        return -1;
    return 0;
}

/* One call of the API under test; 0 on success. */
static int
one_call(struct worker *w, unsigned char *tok)
{
    switch (w->api) {
    case API_SSPI: {
        SecBuffer b[2];
        SecBufferDesc d = { SECBUFFER_VERSION, 2, b };

        b[0].BufferType = SECBUFFER_DATA;
        b[0].cbBuffer = (ULONG)w->len;
        b[0].pvBuffer = (void *)w->msg;
        b[1].BufferType = SECBUFFER_TOKEN;
        b[1].cbBuffer = w->max_sig;
        b[1].pvBuffer = tok;
        return MakeSignature(w->ctx, 0, &d, 0) == SEC_E_OK ? 0 : -1;
    }
    case API_GSS: {
        gss_buffer_desc m = { w->len, (void *)w->msg }, t = GSS_C_EMPTY_BUFFER;
        OM_uint32 major, minor;

        major = gss_get_mic(&minor, w->gctx, 0, &m, &t);
        gss_release_buffer(&minor, &t);
        return major == GSS_S_COMPLETE ? 0 : -1;
    }
    case API_RAW:
        return raw_gmac(w, tok);
    case API_SPIN: {
        /* about a thousand dependent multiply-adds in registers */
        uint64_t x = w->sink | 1;
        int i;

        for (i = 0; i < 1000; i++)
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        w->sink = x;
        return 0;
    }
    }
    return -1;
}

static double
thread_cpu(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *
worker_main(void *arg)
{
    struct worker *w = arg;
    unsigned char tok[256];
    unsigned long calls = 0;
    struct rusage u0, u1;
    double t0, t1, c0, c1;
    int i;

    if (w->api == API_RAW) {
        /* made by this thread, in its own malloc arena, as Signet's
         * per-thread key caches are (no cache line shared with the other
         * thread's context) */
        unsigned char key[32];

        for (i = 0; i < (int)sizeof(key); i++)
            key[i] = (unsigned char)(i * 7 + 1);
        w->gcm = EVP_CIPHER_CTX_new();
        if (w->gcm == NULL ||
            EVP_EncryptInit_ex2(w->gcm, w->cipher, key, NULL, NULL) != 1)
            w->failed = 1;
    }
    for (i = 0; i < 64 && !w->failed; i++) {  /* warm-up: caches, key schedules */
        if (one_call(w, tok) != 0) {
            w->failed = 1;
            break;
        }
    }
    pthread_barrier_wait(w->start);
    getrusage(RUSAGE_THREAD, &u0);
    c0 = thread_cpu();
    t0 = bench_now();
    while (!w->failed && !atomic_load_explicit(w->stop, memory_order_relaxed)) {
        for (i = 0; i < 64; i++) {
            if (one_call(w, tok) != 0) {
                w->failed = 1;
                break;
            }
        }
        calls += (unsigned long)i;
    }
    t1 = bench_now();
    c1 = thread_cpu();
    getrusage(RUSAGE_THREAD, &u1);
    w->calls = calls;
    w->seconds = t1 - t0;
    w->cpu = c1 - c0;
    w->vcsw = u1.ru_nvcsw - u0.ru_nvcsw;
    w->ivcsw = u1.ru_nivcsw - u0.ru_nivcsw;
    return NULL;
}

static int
mode_threads(const struct options *o, struct setup *s)
{
    struct pair p[MAX_THREADS];
    struct worker w[MAX_THREADS];
    EVP_CIPHER *cipher = NULL;
    unsigned char *msg = NULL;
    pthread_barrier_t start;
    atomic_int stop;
    enum api api;
    double best = -1, rate, per[MAX_THREADS], best_per[MAX_THREADS];
    double cpu, wall, best_cpu = 0, best_wall = 0;
    long vcsw, ivcsw, best_vcsw = 0, best_ivcsw = 0;
    unsigned long calls, best_calls = 0;
    size_t len = o->sizes[0], i;
    int n = o->threads, t, rep, r = -1, npairs = 0;

    if (strcmp(o->api, "sspi") == 0)
        api = API_SSPI;
    else if (strcmp(o->api, "gss") == 0)
        api = API_GSS;
    else if (strcmp(o->api, "raw") == 0)
        api = API_RAW;
    else if (strcmp(o->api, "spin") == 0)
        api = API_SPIN;
    else
        return bench_fail("--api sspi|gss|raw|spin");
    if (n < 1 || n > MAX_THREADS)
        return bench_fail("--threads 1..%d", MAX_THREADS);
    memset(p, 0, sizeof(p));
    memset(w, 0, sizeof(w));
    msg = malloc(len ? len : 1);
    if (msg == NULL)
        return bench_fail("out of memory");
    for (i = 0; i < len; i++)
        msg[i] = (unsigned char)(i * 131 + 7);
    if (api == API_RAW && (cipher = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL)) == NULL) {
        bench_fail("no AES-256-GCM");
        goto done;
    }
    for (t = 0; t < n; t++) {
        w[t].api = api;
        w[t].msg = msg;
        w[t].len = len;
        w[t].sink = (uint64_t)t + 1;
        if (api == API_SSPI || api == API_GSS) {
            if (establish(s, &p[t]) != 0)
                goto done;
            npairs = t + 1;
            w[t].ctx = &p[t].ictx;
            w[t].max_sig = p[t].max_sig;
            if (w[t].max_sig > 256) {
                bench_fail("signature larger than 256 bytes");
                goto done;
            }
            if (api == API_GSS) {
                if (gss_copy(&p[t].ictx, &p[t].gi) != 0)
                    goto done;
                w[t].gctx = p[t].gi;
            }
        } else if (api == API_RAW) {
            w[t].cipher = cipher;
        }
    }
    for (rep = 0; rep < o->reps; rep++) {
        if (pthread_barrier_init(&start, NULL, (unsigned)n + 1) != 0) {
            bench_fail("pthread_barrier_init");
            goto done;
        }
        atomic_store(&stop, 0);
        for (t = 0; t < n; t++) {
            w[t].start = &start;
            w[t].stop = &stop;
            w[t].calls = 0;
            if (pthread_create(&w[t].tid, NULL, worker_main, &w[t]) != 0) {
                bench_fail("pthread_create");
                exit(1);        /* started threads wait on the barrier */
            }
        }
        pthread_barrier_wait(&start);
        usleep((useconds_t)(o->seconds / o->reps * 1e6));
        atomic_store(&stop, 1);
        rate = cpu = wall = 0;
        vcsw = ivcsw = 0;
        calls = 0;
        for (t = 0; t < n; t++) {
            pthread_join(w[t].tid, NULL);
            if (w[t].failed) {
                bench_fail("thread %d: a call failed", t);
                pthread_barrier_destroy(&start);
                goto done;
            }
            EVP_CIPHER_CTX_free(w[t].gcm);
            w[t].gcm = NULL;
            per[t] = w[t].seconds > 0 ? (double)w[t].calls / w[t].seconds : 0;
            rate += per[t];
            cpu += w[t].cpu;
            wall += w[t].seconds;
            vcsw += w[t].vcsw;
            ivcsw += w[t].ivcsw;
            calls += w[t].calls;
        }
        pthread_barrier_destroy(&start);
        if (rate > best) {
            best = rate;
            memcpy(best_per, per, sizeof(per));
            best_cpu = cpu;
            best_wall = wall;
            best_vcsw = vcsw;
            best_ivcsw = ivcsw;
            best_calls = calls;
        }
    }
    printf("threads label=%s api=%s threads=%d size=%zu calls_per_s=%.0f "
           "ns_per_call=%.1f per_thread=", o->label, o->api, n, len, best,
           1e9 * n / best);
    for (t = 0; t < n; t++)
        printf("%s%.0f", t ? "," : "", best_per[t]);
    /* cpu_share: CPU time the threads got / their wall time (1.0 = each
     * thread ran all the time); cpu_ns: CPU time per call; vcsw: voluntary
     * context switches (blocking, e.g. on a contended mutex); ivcsw:
     * involuntary ones (preempted by other work) */
    printf(" cpu_share=%.3f cpu_ns=%.1f vcsw=%ld ivcsw=%ld\n",
           best_wall > 0 ? best_cpu / best_wall : 0,
           best_calls ? best_cpu * 1e9 / (double)best_calls : 0, best_vcsw,
           best_ivcsw);
    r = 0;
done:
    for (t = 0; t < MAX_THREADS; t++)
        EVP_CIPHER_CTX_free(w[t].gcm);
    for (t = 0; t < npairs; t++)
        pair_delete(&p[t]);
    EVP_CIPHER_free(cipher);
    free(msg);
    return r;
}

/* ---- callgrind modes ------------------------------------------------------------ */

/* Called through these so that callgrind can --toggle-collect on them.  The
 * empty asm after the call keeps the compiler from turning the call into a
 * tail jump (callgrind would then lose track of the wrapper's exit). */
__attribute__((noinline)) SECURITY_STATUS
bench_cg_make_signature(CtxtHandle *ctx, SecBufferDesc *msg);
__attribute__((noinline)) SECURITY_STATUS
bench_cg_verify_signature(CtxtHandle *ctx, SecBufferDesc *msg);
__attribute__((noinline)) OM_uint32
bench_cg_get_mic(OM_uint32 *minor, gss_ctx_id_t ctx, gss_buffer_t msg,
                 gss_buffer_t tok);
__attribute__((noinline)) OM_uint32
bench_cg_verify_mic(OM_uint32 *minor, gss_ctx_id_t ctx, gss_buffer_t msg,
                    gss_buffer_t tok);
__attribute__((noinline)) OM_uint32
bench_cg_release_buffer(OM_uint32 *minor, gss_buffer_t tok);

SECURITY_STATUS
bench_cg_make_signature(CtxtHandle *ctx, SecBufferDesc *msg)
{
    SECURITY_STATUS st = MakeSignature(ctx, 0, msg, 0);

    __asm__ volatile("" ::: "memory");
    return st;
}

SECURITY_STATUS
bench_cg_verify_signature(CtxtHandle *ctx, SecBufferDesc *msg)
{
    ULONG qop = 0;
    SECURITY_STATUS st = VerifySignature(ctx, msg, 0, &qop);

    __asm__ volatile("" ::: "memory");
    return st;
}

OM_uint32
bench_cg_get_mic(OM_uint32 *minor, gss_ctx_id_t ctx, gss_buffer_t msg,
                 gss_buffer_t tok)
{
    OM_uint32 major = gss_get_mic(minor, ctx, 0, msg, tok);

    __asm__ volatile("" ::: "memory");
    return major;
}

OM_uint32
bench_cg_verify_mic(OM_uint32 *minor, gss_ctx_id_t ctx, gss_buffer_t msg,
                    gss_buffer_t tok)
{
    OM_uint32 major = gss_verify_mic(minor, ctx, msg, tok, NULL);

    __asm__ volatile("" ::: "memory");
    return major;
}

/* What a GSS caller pays on top of gss_get_mic: freeing the token (an SSPI
 * caller owns its TOKEN buffer). */
OM_uint32
bench_cg_release_buffer(OM_uint32 *minor, gss_buffer_t tok)
{
    OM_uint32 major = gss_release_buffer(minor, tok);

    __asm__ volatile("" ::: "memory");
    return major;
}

/* Signs (and verifies) n messages through the --api, counting one side. */
static int
mode_cg(const struct options *o, struct setup *s, int verify, size_t len, size_t n)
{
    struct pair p;
    int sspi = strcmp(o->api, "sspi") == 0;
    unsigned char *data = NULL, *slots = NULL;
    gss_buffer_desc msg, *gtok = NULL;
    SecBuffer b[2];
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };
    ULONG *toklen = NULL;
    OM_uint32 major = 0, minor = 0;
    SECURITY_STATUS st = SEC_E_OK;
    size_t i, total = n + 100;
    int r = -1;

    if (!sspi && strcmp(o->api, "gss") != 0)
        return bench_fail("cg modes take --api sspi|gss");
    if (establish(s, &p) != 0)
        return -1;
    if (!sspi && pair_gss_copy(&p) != 0)
        goto done;
    data = malloc(len ? len : 1);
    slots = malloc(total * p.max_sig);
    toklen = calloc(total, sizeof(*toklen));
    gtok = calloc(total, sizeof(*gtok));
    if (data == NULL || slots == NULL || toklen == NULL || gtok == NULL) {
        bench_fail("out of memory");
        goto done;
    }
    memset(data, 0x5a, len);
    msg.value = data;
    msg.length = len;
#define SET_MSG(i, tlen)                                        \
    do {                                                        \
        b[0].BufferType = SECBUFFER_DATA;                       \
        b[0].cbBuffer = (ULONG)len;                             \
        b[0].pvBuffer = data;                                   \
        b[1].BufferType = SECBUFFER_TOKEN;                      \
        b[1].cbBuffer = (tlen);                                 \
        b[1].pvBuffer = slots + (i) * p.max_sig;                \
    } while (0)
    /* tokens 0..99: warm-up, not counted; then n counted calls of one side */
    for (i = 0; i < total; i++) {
        int counted = i >= 100 && !verify;

        if (sspi) {
            SET_MSG(i, p.max_sig);
            st = counted ? bench_cg_make_signature(&p.ictx, &d)
                         : MakeSignature(&p.ictx, 0, &d, 0);
            if (st != SEC_E_OK)
                goto fail;
            toklen[i] = b[1].cbBuffer;
        } else {
            major = counted ? bench_cg_get_mic(&minor, p.gi, &msg, &gtok[i])
                            : gss_get_mic(&minor, p.gi, 0, &msg, &gtok[i]);
            if (major != GSS_S_COMPLETE)
                goto fail;
        }
        if (i < 100) {       /* warm the receiving side too, in order */
            if (sspi) {
                ULONG qop;

                SET_MSG(i, toklen[i]);
                st = VerifySignature(&p.actx, &d, 0, &qop);
                if (st != SEC_E_OK)
                    goto fail;
            } else {
                major = gss_verify_mic(&minor, p.ga, &msg, &gtok[i], NULL);
                if (major != GSS_S_COMPLETE)
                    goto fail;
            }
        }
    }
    for (i = 100; i < total; i++) {
        if (sspi) {
            ULONG qop;

            SET_MSG(i, toklen[i]);
            st = verify ? bench_cg_verify_signature(&p.actx, &d)
                        : VerifySignature(&p.actx, &d, 0, &qop);
            if (st != SEC_E_OK)
                goto fail;
        } else {
            major = verify ? bench_cg_verify_mic(&minor, p.ga, &msg, &gtok[i])
                           : gss_verify_mic(&minor, p.ga, &msg, &gtok[i], NULL);
            if (major != GSS_S_COMPLETE)
                goto fail;
        }
    }
#undef SET_MSG
    printf("cg label=%s api=%s op=%s size=%zu calls=%zu token=%lu\n", o->label,
           o->api, verify ? "verify" : "sign", len, n,
           sspi ? (unsigned long)toklen[100] : (unsigned long)gtok[100].length);
    r = 0;
    goto done;
fail:
    if (sspi)
        sec_fail(verify ? "VerifySignature" : "MakeSignature", st);
    else
        gss_fail(verify ? "gss_verify_mic" : "gss_get_mic", major, minor);
done:
    if (gtok != NULL) {
        /* cg-sign --api gss: the n counted tokens are freed through
         * bench_cg_release_buffer (a separate callgrind toggle) */
        for (i = 0; i < total; i++) {
            if (r == 0 && !verify && i >= 100)
                bench_cg_release_buffer(&minor, &gtok[i]);
            else
                gss_release_buffer(&minor, &gtok[i]);
        }
    }
    free(gtok);
    free(toklen);
    free(slots);
    free(data);
    pair_delete(&p);
    return r;
}

/* ---- main ----------------------------------------------------------------------- */

static int
usage(void)
{
    fprintf(stderr,
            "usage: bench_sspi [--package Signet|Kerberos] [--label L] "
            "[--sizes 32,..] [--seconds S] [--reps R]\n"
            "                  [--api sspi|gss|raw|spin] [--threads N] "
            "[--target NAME] MODE [ARGS]\n"
            "modes: mic | threads | cg-sign SIZE N | cg-verify SIZE N\n");
    return 2;
}

int
main(int argc, char **argv)
{
    struct options o;
    struct setup s;
    const char *mode;
    int i, r, need_ctx;

    memset(&o, 0, sizeof(o));
    o.package = "Signet";
    o.api = "sspi";
    o.target = "host@localhost";
    o.seconds = 0.4;
    o.reps = 5;
    o.threads = 1;
    o.nsizes = bench_parse_list("32,65536", o.sizes, MAX_SIZES);
    for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

        if (val == NULL)
            return usage();
        i++;
        if (strcmp(opt, "--package") == 0)
            o.package = val;
        else if (strcmp(opt, "--label") == 0)
            o.label = val;
        else if (strcmp(opt, "--api") == 0)
            o.api = val;
        else if (strcmp(opt, "--target") == 0)
            o.target = val;
        else if (strcmp(opt, "--sizes") == 0)
            o.nsizes = bench_parse_list(val, o.sizes, MAX_SIZES);
        else if (strcmp(opt, "--seconds") == 0)
            o.seconds = atof(val);
        else if (strcmp(opt, "--reps") == 0)
            o.reps = atoi(val);
        else if (strcmp(opt, "--threads") == 0)
            o.threads = atoi(val);
        else
            return usage();
    }
    if (i >= argc || o.nsizes <= 0 || o.seconds <= 0 || o.reps < 1)
        return usage();
    if (o.label == NULL)
        o.label = o.package;
    mode = argv[i++];
    /* raw and spin threads need no context */
    need_ctx = !(strcmp(mode, "threads") == 0 &&
                 (strcmp(o.api, "raw") == 0 || strcmp(o.api, "spin") == 0));
    if (need_ctx && setup_open(&s, &o) != 0) {
        setup_close(&s);
        return 1;
    }
    if (!need_ctx)
        memset(&s, 0, sizeof(s));
    if (strcmp(mode, "mic") == 0 && i == argc)
        r = mode_mic(&o, &s);
    else if (strcmp(mode, "threads") == 0 && i == argc)
        r = mode_threads(&o, &s);
    else if ((strcmp(mode, "cg-sign") == 0 || strcmp(mode, "cg-verify") == 0) &&
             i + 2 == argc)
        r = mode_cg(&o, &s, mode[3] == 'v', strtoul(argv[i], NULL, 10),
                    strtoul(argv[i + 1], NULL, 10));
    else
        r = usage();
    setup_close(&s);
    return r == 0 ? 0 : 1;
}
