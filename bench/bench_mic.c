/*
 * bench_mic.c - speed of a GSS-API mechanism through MIT's libgssapi_krb5
 * (the mechglue): gss_get_mic and gss_verify_mic per QOP and message size,
 * context establishments per second, heap retained per established context,
 * and fixed-count runs for callgrind.
 *
 * Only the public GSS-API is used, so the same program measures Signet,
 * Kerberos and NTLM (gss-ntlmssp).  Both ends of a context live in this
 * process: the initiator's tokens go straight to gss_accept_sec_context and
 * back, so an establishment costs the CPU time of both peers and no I/O.
 *
 *   bench_mic [options] mic          ns/call and MB/s of get_mic, verify_mic
 *   bench_mic [options] establish    ms per establishment (both sides)
 *   bench_mic [options] heap         heap bytes retained per context
 *   bench_mic [options] cg-get SIZE N      N x gss_get_mic, for callgrind
 *   bench_mic [options] cg-verify SIZE N   N x gss_verify_mic
 *   bench_mic [options] cg-establish N     N establishments
 *
 * Options: --mech signet|krb5|ntlm|<dotted OID>   --label TEXT
 *          --qops 0,1,2,3,4   --sizes 32,1024,65536   --seconds S per cell
 *          --reps R   --pairs N (heap)   --qop Q (cg-*)
 * Environment: BENCH_INIT_STORE and BENCH_ACC_STORE, "key=value;key=value"
 * credential stores for gss_acquire_cred_from() (empty: gss_acquire_cred
 * with the mechanism's defaults, e.g. KRB5CCNAME/KRB5_KTNAME or
 * NTLM_USER_FILE); BENCH_TARGET, the host-based target service (default
 * host@localhost).
 *
 * The cg-* modes call the measured function through bench_cg_get_mic,
 * bench_cg_verify_mic and bench_cg_establish, so that
 *   valgrind --tool=callgrind --collect-atstart=no \
 *            --toggle-collect=bench_cg_get_mic bench_mic cg-get 32 1000
 * counts exactly the instructions of the N calls (after a warm-up that is
 * not counted).  Divide the total by N.
 *
 * Output: one line per figure, "kind key=value ...", read by
 * bench/report.py.  Nothing here judges a figure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>

#include "bench.h"

#define MAX_STORE 16
#define MAX_SIZES 8
#define MAX_QOPS 8
#define REQ_FLAGS (GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | \
                   GSS_C_SEQUENCE_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG)

struct options {
    const char *mech_arg;
    const char *label;
    unsigned long qops[MAX_QOPS];
    int nqops;
    unsigned long sizes[MAX_SIZES];
    int nsizes;
    double seconds;
    int reps;
    unsigned long pairs;
    unsigned long qop;
};

/* Everything needed to establish contexts of one mechanism. */
struct gss_setup {
    gss_OID_desc mech;
    unsigned char mech_der[64];
    gss_OID_set_desc mechs;
    gss_cred_id_t icred;
    gss_cred_id_t acred;
    gss_name_t target;
};

/* An established pair: initiator sends, acceptor receives. */
struct gss_pair {
    gss_ctx_id_t ictx;
    gss_ctx_id_t actx;
};

/* ---- status output --------------------------------------------------------- */

static void
print_status(const char *what, OM_uint32 major, OM_uint32 minor,
             const gss_OID mech)
{
    OM_uint32 m, ctx = 0;
    gss_buffer_desc text;

    fprintf(stderr, "bench: %s failed: major 0x%08x\n", what, (unsigned)major);
    do {
        if (GSS_ERROR(gss_display_status(&m, major, GSS_C_GSS_CODE,
                                         GSS_C_NO_OID, &ctx, &text)))
            break;
        fprintf(stderr, "bench:   %.*s\n", (int)text.length, (char *)text.value);
        gss_release_buffer(&m, &text);
    } while (ctx != 0);
    ctx = 0;
    if (minor == 0)
        return;
    do {
        if (GSS_ERROR(gss_display_status(&m, minor, GSS_C_MECH_CODE, mech,
                                         &ctx, &text)))
            break;
        fprintf(stderr, "bench:   %.*s\n", (int)text.length, (char *)text.value);
        gss_release_buffer(&m, &text);
    } while (ctx != 0);
}

/* ---- mechanism and credentials --------------------------------------------- */

/* Encodes a dotted OID into DER content bytes; length or -1. */
static int
oid_encode(const char *dotted, unsigned char *out, size_t outlen)
{
    unsigned long arcs[32];
    unsigned char tmp[16];
    size_t n = 0, used = 0, i;
    const char *p = dotted;
    char *end;
    int k;

    while (*p != '\0' && n < 32) {
        arcs[n++] = strtoul(p, &end, 10);
        if (end == p || (*end != '.' && *end != '\0'))
            return -1;
        p = *end == '.' ? end + 1 : end;
    }
    if (n < 2 || *p != '\0' || arcs[0] > 2)
        return -1;
    arcs[1] += arcs[0] * 40;
    for (i = 1; i < n; i++) {
        unsigned long v = arcs[i];

        k = 0;
        do {
            tmp[k++] = (unsigned char)(v & 0x7f);
            v >>= 7;
        } while (v != 0);
        if (used + (size_t)k > outlen)
            return -1;
        while (k > 0) {
            k--;
            out[used++] = tmp[k] | (k > 0 ? 0x80 : 0);
        }
    }
    return (int)used;
}

static const char *
mech_oid_string(const char *arg)
{
    if (strcmp(arg, "signet") == 0)
        return "2.25.3215548014888410103";
    if (strcmp(arg, "krb5") == 0)
        return "1.2.840.113554.1.2.2";
    if (strcmp(arg, "ntlm") == 0)
        return "1.3.6.1.4.1.311.2.2.10";
    return arg;
}

/* Splits "k=v;k=v" (a copy in buf) into elements; count or -1. */
static int
parse_store(char *buf, gss_key_value_element_desc *el, int max)
{
    char *save = NULL, *item, *eq;
    int n = 0;

    for (item = strtok_r(buf, ";", &save); item != NULL;
         item = strtok_r(NULL, ";", &save)) {
        if (*item == '\0')
            continue;
        eq = strchr(item, '=');
        if (eq == NULL || n >= max)
            return -1;
        *eq = '\0';
        el[n].key = item;
        el[n].value = eq + 1;
        n++;
    }
    return n;
}

static int
acquire(struct gss_setup *s, gss_cred_usage_t usage, const char *envname,
        gss_cred_id_t *cred)
{
    gss_key_value_element_desc el[MAX_STORE];
    gss_key_value_set_desc store;
    const char *spec = getenv(envname);
    char *copy = NULL;
    OM_uint32 major, minor;
    int n = 0;

    if (spec != NULL && *spec != '\0') {
        copy = strdup(spec);
        if (copy == NULL || (n = parse_store(copy, el, MAX_STORE)) < 0) {
            free(copy);
            return bench_fail("%s: expected key=value;key=value", envname);
        }
    }
    if (n > 0) {
        store.count = (OM_uint32)n;
        store.elements = el;
        major = gss_acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE,
                                      &s->mechs, usage, &store, cred, NULL,
                                      NULL);
    } else {
        major = gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE,
                                 &s->mechs, usage, cred, NULL, NULL);
    }
    free(copy);
    if (GSS_ERROR(major)) {
        print_status(usage == GSS_C_INITIATE ? "initiator gss_acquire_cred"
                                             : "acceptor gss_acquire_cred",
                     major, minor, &s->mech);
        return -1;
    }
    return 0;
}

static int
setup_open(struct gss_setup *s, const char *mech_arg)
{
    const char *target = getenv("BENCH_TARGET");
    gss_buffer_desc buf;
    OM_uint32 major, minor;
    int len;

    memset(s, 0, sizeof(*s));
    len = oid_encode(mech_oid_string(mech_arg), s->mech_der,
                     sizeof(s->mech_der));
    if (len < 0)
        return bench_fail("bad mechanism OID %s", mech_arg);
    s->mech.length = (OM_uint32)len;
    s->mech.elements = s->mech_der;
    s->mechs.count = 1;
    s->mechs.elements = &s->mech;
    if (target == NULL || *target == '\0')
        target = "host@localhost";
    buf.value = (void *)target;
    buf.length = strlen(target);
    major = gss_import_name(&minor, &buf, GSS_C_NT_HOSTBASED_SERVICE,
                            &s->target);
    if (GSS_ERROR(major)) {
        print_status("gss_import_name", major, minor, GSS_C_NO_OID);
        return -1;
    }
    if (acquire(s, GSS_C_INITIATE, "BENCH_INIT_STORE", &s->icred) != 0 ||
        acquire(s, GSS_C_ACCEPT, "BENCH_ACC_STORE", &s->acred) != 0)
        return -1;
    return 0;
}

static void
setup_close(struct gss_setup *s)
{
    OM_uint32 minor;

    gss_release_cred(&minor, &s->icred);
    gss_release_cred(&minor, &s->acred);
    gss_release_name(&minor, &s->target);
}

/* ---- establishment ---------------------------------------------------------- */

static void
pair_delete(struct gss_pair *p)
{
    OM_uint32 minor;

    gss_delete_sec_context(&minor, &p->ictx, GSS_C_NO_BUFFER);
    gss_delete_sec_context(&minor, &p->actx, GSS_C_NO_BUFFER);
}

/*
 * Runs init/accept until both ends are complete.  legs and bytes (may be
 * NULL) receive the number of context tokens and their total size.
 */
static int
establish(struct gss_setup *s, struct gss_pair *p, int *legs, size_t *bytes)
{
    gss_buffer_desc in = GSS_C_EMPTY_BUFFER, out = GSS_C_EMPTY_BUFFER;
    OM_uint32 imaj, amaj = GSS_S_CONTINUE_NEEDED, minor;
    int nlegs = 0, i;
    size_t nbytes = 0;

    p->ictx = p->actx = GSS_C_NO_CONTEXT;
    for (i = 0; i < 16; i++) {
        imaj = gss_init_sec_context(&minor, s->icred, &p->ictx, s->target,
                                    &s->mech, REQ_FLAGS, 0,
                                    GSS_C_NO_CHANNEL_BINDINGS, &in, NULL,
                                    &out, NULL, NULL);
        gss_release_buffer(&minor, &in);
        if (GSS_ERROR(imaj)) {
            print_status("gss_init_sec_context", imaj, minor, &s->mech);
            goto fail;
        }
        if (out.length != 0) {
            nlegs++;
            nbytes += out.length;
            amaj = gss_accept_sec_context(&minor, &p->actx, s->acred, &out,
                                          GSS_C_NO_CHANNEL_BINDINGS, NULL,
                                          NULL, &in, NULL, NULL, NULL);
            gss_release_buffer(&minor, &out);
            if (GSS_ERROR(amaj)) {
                print_status("gss_accept_sec_context", amaj, minor, &s->mech);
                goto fail;
            }
            if (in.length != 0) {
                nlegs++;
                nbytes += in.length;
            }
        }
        if (imaj == GSS_S_COMPLETE) {
            if (amaj != GSS_S_COMPLETE || in.length != 0) {
                bench_fail("initiator complete before the acceptor");
                goto fail;
            }
            if (legs != NULL)
                *legs = nlegs;
            if (bytes != NULL)
                *bytes = nbytes;
            return 0;
        }
        if (in.length == 0) {
            bench_fail("initiator needs a token the acceptor did not send");
            goto fail;
        }
    }
    bench_fail("no establishment after 16 rounds");
fail:
    gss_release_buffer(&minor, &in);
    gss_release_buffer(&minor, &out);
    pair_delete(p);
    return -1;
}

/* ---- per-message ops for bench_measure_mic ----------------------------------- */

static int
mic_sign(void *sender, unsigned qop, const void *msg, size_t len, void **tok,
         size_t *toklen)
{
    gss_buffer_desc m = { len, (void *)msg }, t = GSS_C_EMPTY_BUFFER;
    OM_uint32 major, minor;

    major = gss_get_mic(&minor, (gss_ctx_id_t)sender, qop, &m, &t);
    if (major != GSS_S_COMPLETE) {
        print_status("gss_get_mic", major, minor, GSS_C_NO_OID);
        return -1;
    }
    *tok = t.value;
    *toklen = t.length;
    return 0;
}

static int
mic_check(void *receiver, const void *msg, size_t len, const void *tok,
          size_t toklen)
{
    gss_buffer_desc m = { len, (void *)msg }, t = { toklen, (void *)tok };
    OM_uint32 major, minor;

    major = gss_verify_mic(&minor, (gss_ctx_id_t)receiver, &m, &t, NULL);
    if (major != GSS_S_COMPLETE) {
        print_status("gss_verify_mic", major, minor, GSS_C_NO_OID);
        return -1;
    }
    return 0;
}

static void
mic_free_token(void *tok, size_t toklen)
{
    gss_buffer_desc t = { toklen, tok };
    OM_uint32 minor;

    gss_release_buffer(&minor, &t);
}

/* ---- modes ------------------------------------------------------------------- */

static int
mode_mic(const struct options *o, struct gss_setup *s)
{
    struct gss_pair p;
    struct bench_mic_ops ops = { NULL, NULL, mic_sign, mic_check,
                                 mic_free_token };
    double sign_ns, verify_ns;
    size_t toklen;
    int q, z, r = 0;

    if (establish(s, &p, NULL, NULL) != 0)
        return -1;
    ops.sender = p.ictx;
    ops.receiver = p.actx;
    for (q = 0; q < o->nqops && r == 0; q++) {
        for (z = 0; z < o->nsizes && r == 0; z++) {
            size_t len = o->sizes[z];

            r = bench_measure_mic(&ops, (unsigned)o->qops[q], len, o->seconds,
                                  o->reps, &sign_ns, &verify_ns, &toklen);
            if (r != 0)
                break;
            printf("mic label=%s qop=%lu size=%zu op=get ns=%.1f mbps=%.1f "
                   "token=%zu\n", o->label, o->qops[q], len, sign_ns,
                   (double)len * 1e3 / sign_ns, toklen);
            printf("mic label=%s qop=%lu size=%zu op=verify ns=%.1f "
                   "mbps=%.1f token=%zu\n", o->label, o->qops[q], len,
                   verify_ns, (double)len * 1e3 / verify_ns, toklen);
            fflush(stdout);
        }
    }
    pair_delete(&p);
    return r;
}

struct est_arg {
    struct gss_setup *s;
};

static int
est_run(void *arg, size_t n)
{
    struct est_arg *a = arg;
    struct gss_pair p;
    size_t i;

    for (i = 0; i < n; i++) {
        if (establish(a->s, &p, NULL, NULL) != 0)
            return -1;
        pair_delete(&p);
    }
    return 0;
}

/* The session key's enctype (Kerberos only; -1 when not available). */
static int
session_enctype(gss_ctx_id_t ctx, size_t *keylen)
{
    gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
    OM_uint32 major, minor;
    int et = -1;

    *keylen = 0;
    major = gss_inquire_sec_context_by_oid(&minor, ctx,
                                           GSS_C_INQ_SSPI_SESSION_KEY, &set);
    if (major == GSS_S_COMPLETE && set != NULL && set->count >= 2 &&
        set->elements[1].length > 0) {
        *keylen = set->elements[0].length;
        /* 1.2.840.113554.1.2.2.4.<enctype>: one arc byte for enctype < 128 */
        et = ((unsigned char *)set->elements[1].value)[set->elements[1].length - 1];
    }
    gss_release_buffer_set(&minor, &set);
    return et;
}

static int
mode_establish(const struct options *o, struct gss_setup *s)
{
    struct est_arg a = { s };
    struct bench_cell cell = { NULL, est_run, NULL, &a };
    struct gss_pair p;
    double ns;
    size_t bytes, batch, keylen;
    int legs, et;

    if (establish(s, &p, &legs, &bytes) != 0)
        return -1;
    et = session_enctype(p.ictx, &keylen);
    pair_delete(&p);
    if (bench_measure(&cell, o->seconds, o->reps, &ns, &batch) != 0)
        return -1;
    printf("establish label=%s ms=%.4f per_s=%.1f legs=%d bytes=%zu "
           "batch=%zu", o->label, ns / 1e6, 1e9 / ns, legs, bytes, batch);
    if (et >= 0)
        printf(" enctype=%d keylen=%zu", et, keylen);
    printf("\n");
    return 0;
}

/*
 * Heap retained by established contexts: after a warm-up, establish
 * o->pairs pairs and keep them; everything else (tokens, names) is
 * released.  Then delete the acceptor contexts, then the initiator ones,
 * reading malloc's in-use bytes at each step.
 */
static int
mode_heap(const struct options *o, struct gss_setup *s)
{
    struct gss_pair *p;
    size_t n = o->pairs, i, h0, h1, h2, h3;
    OM_uint32 minor;
    int r = -1;

    p = calloc(n, sizeof(*p));
    if (p == NULL)
        return bench_fail("out of memory");
    for (i = 0; i < 20 && i < n; i++) {      /* warm-up: lazy global state */
        if (establish(s, &p[i], NULL, NULL) != 0)
            goto done;
    }
    for (i = 0; i < 20 && i < n; i++)
        pair_delete(&p[i]);
    h0 = bench_heap_in_use();
    for (i = 0; i < n; i++) {
        if (establish(s, &p[i], NULL, NULL) != 0)
            goto done;
    }
    h1 = bench_heap_in_use();
    for (i = 0; i < n; i++)
        gss_delete_sec_context(&minor, &p[i].actx, GSS_C_NO_BUFFER);
    h2 = bench_heap_in_use();
    for (i = 0; i < n; i++)
        gss_delete_sec_context(&minor, &p[i].ictx, GSS_C_NO_BUFFER);
    h3 = bench_heap_in_use();
    printf("heap label=%s pairs=%zu pair=%.0f initiator=%.0f acceptor=%.0f "
           "left_after_delete=%.0f\n", o->label, n,
           ((double)h1 - (double)h0) / (double)n,
           ((double)h2 - (double)h3) / (double)n,
           ((double)h1 - (double)h2) / (double)n,
           ((double)h3 - (double)h0) / (double)n);
    r = 0;
done:
    for (i = 0; i < n; i++)
        pair_delete(&p[i]);
    free(p);
    return r;
}

/* ---- callgrind modes --------------------------------------------------------- */

/* Called through these so callgrind can --toggle-collect on them. */
__attribute__((noinline)) OM_uint32
bench_cg_get_mic(OM_uint32 *minor, gss_ctx_id_t ctx, gss_qop_t qop,
                 gss_buffer_t msg, gss_buffer_t tok);
__attribute__((noinline)) OM_uint32
bench_cg_verify_mic(OM_uint32 *minor, gss_ctx_id_t ctx, gss_buffer_t msg,
                    gss_buffer_t tok);
__attribute__((noinline)) int
bench_cg_establish(struct gss_setup *s, struct gss_pair *p);

OM_uint32
bench_cg_get_mic(OM_uint32 *minor, gss_ctx_id_t ctx, gss_qop_t qop,
                 gss_buffer_t msg, gss_buffer_t tok)
{
    return gss_get_mic(minor, ctx, qop, msg, tok);
}

OM_uint32
bench_cg_verify_mic(OM_uint32 *minor, gss_ctx_id_t ctx, gss_buffer_t msg,
                    gss_buffer_t tok)
{
    return gss_verify_mic(minor, ctx, msg, tok, NULL);
}

int
bench_cg_establish(struct gss_setup *s, struct gss_pair *p)
{
    return establish(s, p, NULL, NULL);
}

static int
mode_cg_mic(const struct options *o, struct gss_setup *s, int verify,
            size_t len, size_t n)
{
    struct gss_pair p;
    gss_buffer_desc msg, *tok;
    OM_uint32 major, minor;
    unsigned char *data;
    size_t i, w;
    int r = -1;

    tok = calloc(n + 100, sizeof(*tok));
    data = malloc(len ? len : 1);
    if (tok == NULL || data == NULL)
        return bench_fail("out of memory");
    memset(data, 0x5a, len);
    msg.value = data;
    msg.length = len;
    if (establish(s, &p, NULL, NULL) != 0)
        goto out;
    /* warm-up, not counted */
    for (w = 0; w < 100; w++) {
        major = gss_get_mic(&minor, p.ictx, (gss_qop_t)o->qop, &msg, &tok[0]);
        if (major == GSS_S_COMPLETE)
            major = gss_verify_mic(&minor, p.actx, &msg, &tok[0], NULL);
        gss_release_buffer(&minor, &tok[0]);
        if (major != GSS_S_COMPLETE)
            goto fail;
    }
    for (i = 0; i < n; i++) {
        major = verify ? gss_get_mic(&minor, p.ictx, (gss_qop_t)o->qop, &msg,
                                     &tok[i])
                       : bench_cg_get_mic(&minor, p.ictx, (gss_qop_t)o->qop,
                                          &msg, &tok[i]);
        if (major != GSS_S_COMPLETE)
            goto fail;
    }
    for (i = 0; i < n; i++) {
        major = verify ? bench_cg_verify_mic(&minor, p.actx, &msg, &tok[i])
                       : gss_verify_mic(&minor, p.actx, &msg, &tok[i], NULL);
        if (major != GSS_S_COMPLETE)
            goto fail;
    }
    printf("cg label=%s op=%s qop=%lu size=%zu calls=%zu token=%zu\n",
           o->label, verify ? "verify" : "get", o->qop, len, n,
           tok[0].length);
    r = 0;
    goto done;
fail:
    print_status(verify ? "gss_verify_mic" : "gss_get_mic", major, minor,
                 &s->mech);
done:
    for (i = 0; i < n; i++)
        gss_release_buffer(&minor, &tok[i]);
    pair_delete(&p);
out:
    free(tok);
    free(data);
    return r;
}

static int
mode_cg_establish(const struct options *o, struct gss_setup *s, size_t n)
{
    struct gss_pair p;
    size_t i;

    for (i = 0; i < 3; i++) {           /* warm-up, not counted */
        if (establish(s, &p, NULL, NULL) != 0)
            return -1;
        pair_delete(&p);
    }
    for (i = 0; i < n; i++) {
        if (bench_cg_establish(s, &p) != 0)
            return -1;
        pair_delete(&p);
    }
    printf("cg label=%s op=establish calls=%zu\n", o->label, n);
    return 0;
}

/* ---- main -------------------------------------------------------------------- */

static int
usage(void)
{
    fprintf(stderr,
            "usage: bench_mic [--mech signet|krb5|ntlm|OID] [--label L] "
            "[--qops 0,1,..] [--sizes 32,..]\n"
            "                 [--seconds S] [--reps R] [--pairs N] [--qop Q] "
            "MODE [ARGS]\n"
            "modes: mic | establish | heap | cg-get SIZE N | cg-verify SIZE N"
            " | cg-establish N\n");
    return 2;
}

int
main(int argc, char **argv)
{
    struct options o;
    struct gss_setup s;
    const char *mode;
    int i, r;

    memset(&o, 0, sizeof(o));
    o.mech_arg = "signet";
    o.seconds = 0.4;
    o.reps = 5;
    o.pairs = 200;
    o.nsizes = bench_parse_list("32,1024,65536", o.sizes, MAX_SIZES);
    o.nqops = -1;
    for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

        if (val == NULL)
            return usage();
        i++;
        if (strcmp(opt, "--mech") == 0)
            o.mech_arg = val;
        else if (strcmp(opt, "--label") == 0)
            o.label = val;
        else if (strcmp(opt, "--qops") == 0)
            o.nqops = bench_parse_list(val, o.qops, MAX_QOPS);
        else if (strcmp(opt, "--sizes") == 0)
            o.nsizes = bench_parse_list(val, o.sizes, MAX_SIZES);
        else if (strcmp(opt, "--seconds") == 0)
            o.seconds = atof(val);
        else if (strcmp(opt, "--reps") == 0)
            o.reps = atoi(val);
        else if (strcmp(opt, "--pairs") == 0)
            o.pairs = strtoul(val, NULL, 10);
        else if (strcmp(opt, "--qop") == 0)
            o.qop = strtoul(val, NULL, 10);
        else
            return usage();
    }
    if (i >= argc || o.nsizes <= 0 || o.seconds <= 0 || o.pairs == 0)
        return usage();
    if (o.nqops < 0) {
        o.nqops = strcmp(o.mech_arg, "signet") == 0
            ? bench_parse_list("0,1,2,3,4", o.qops, MAX_QOPS)
            : bench_parse_list("0", o.qops, MAX_QOPS);
    }
    if (o.nqops <= 0)
        return usage();
    if (o.label == NULL)
        o.label = o.mech_arg;
    mode = argv[i++];
    if (setup_open(&s, o.mech_arg) != 0) {
        setup_close(&s);
        return 1;
    }
    if (strcmp(mode, "mic") == 0)
        r = mode_mic(&o, &s);
    else if (strcmp(mode, "establish") == 0)
        r = mode_establish(&o, &s);
    else if (strcmp(mode, "heap") == 0)
        r = mode_heap(&o, &s);
    else if ((strcmp(mode, "cg-get") == 0 || strcmp(mode, "cg-verify") == 0)
             && i + 2 == argc)
        r = mode_cg_mic(&o, &s, mode[3] == 'v', strtoul(argv[i], NULL, 10),
                        strtoul(argv[i + 1], NULL, 10));
    else if (strcmp(mode, "cg-establish") == 0 && i + 1 == argc)
        r = mode_cg_establish(&o, &s, strtoul(argv[i], NULL, 10));
    else
        r = usage();
    setup_close(&s);
    return r == 0 ? 0 : 1;
}
