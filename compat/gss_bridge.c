/*
 * gss_bridge.c - one security package over any GSS-API mechanism.
 *
 * The package's LSA-mode and user-mode functions (SpAcquireCredentialsHandle,
 * SpInitLsaModeContext, SpAcceptLsaModeContext, SpMakeSignature,
 * SpVerifySignature, SpQueryContextAttributes, ...) are written once, over a
 * table of GSS functions (struct sspi_gss_ops): the Signet package uses the
 * core's signet_gss_* functions directly (no mechglue lock), Kerberos,
 * Negotiate and NTLM the public gss_* functions of MIT's mechglue.  The
 * built-in packages differ only in their parameters (struct bridge_pkg) and
 * in thin per-package thunks for the functions that take no handle.
 *
 * SecBuffer -> GSS IOV mapping (docs/sspi.md, design.md):
 *   DATA -> DATA; DATA|READONLY -> SIGN_ONLY; any|READONLY_WITH_CHECKSUM ->
 *   not passed; TOKEN -> MIC_TOKEN; PKG_PARAMS -> MECH_PARAMS; PADDING ->
 *   PADDING; EMPTY and other types -> not passed, left untouched.
 * MakeSignature writes nothing but the TOKEN buffer: the MIC's size is known
 * before anything is made (kept per QOP at establishment), so a TOKEN buffer
 * too small is refused untouched and the mechanism signs straight into one
 * that fits.
 *
 * Threads: after establishment a context's bridge object is read-only, so
 * MakeSignature/VerifySignature may run concurrently on one context as far as
 * the mechanism allows (Signet: yes; see docs/tokens.md section 8).  The one
 * exception, ExportSecurityContext without DELETE_OLD, replaces c->ctx: the
 * dispatcher runs it with the handle held exclusively (handles.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gssapi/gssapi_krb5.h>
#include <gssapi/gssapi_signet.h>

#include "crypto.h"      /* signet_wipe (the core is linked in) */
#include "sspi_int.h"

/* ---- packages ------------------------------------------------------------------- */
struct bridge_pkg {
    const struct sspi_gss_ops *ops;
    gss_OID_desc mech;
    ULONG max_token;
    ULONG fallback_mic;   /* MIC size when the mechanism cannot tell it */
    int datagram;         /* takes GSS_C_DATAGRAM_FLAG (transport sequence numbers) */
    int ntlm_names;       /* DOMAIN\user rather than user@DOMAIN */
    int all_qops;         /* cbMaxSignature: the largest MIC over QOPs 1..4 */
};

static gss_OID_desc oid_ntlm = { 10, (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a" };
static gss_OID_desc oid_krb5 = { 9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02" };
static gss_OID_desc oid_krb5_principal = { 10, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02\x01" };
static gss_OID_desc oid_sspi_session_key = { 11, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02\x05\x05" };
/* gss-ntlmssp's option: sequence number of the next message (datagram). */
static gss_OID_desc oid_ntlm_seqnum = { 11, (void *)"\x2b\x06\x01\x04\x01\xb7\x7d\x85\x0f\x01\x01" };

static const struct bridge_pkg pkg_signet = {
    &sspi_gss_ops_signet, { SIGNET_MECH_OID_DER_LENGTH, (void *)SIGNET_MECH_OID_DER },
    65536, 0, 1, 0, 1
};
static const struct bridge_pkg pkg_kerberos = {
    &sspi_gss_ops_mechglue, { 9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02" },
    48000, 28, 0, 0, 0
};
static const struct bridge_pkg pkg_negotiate = {
    &sspi_gss_ops_mechglue, { 6, (void *)"\x2b\x06\x01\x05\x05\x02" },
    48256, 28, 0, 0, 0
};
static const struct bridge_pkg pkg_ntlm = {
    &sspi_gss_ops_mechglue, { 10, (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a" },
    2888, 16, 1, 1, 0
};

struct bridge_cred {
    const struct bridge_pkg *pkg;
    gss_cred_id_t cred;
    gss_cred_usage_t usage;
};

struct bridge_ctx {
    const struct bridge_pkg *pkg;
    gss_ctx_id_t ctx;
    gss_name_t target;
    int initiator;
    int established;
    ULONG req;                 /* ISC_REQ_* / ASC_REQ_* */
    OM_uint32 gss_req;
    OM_uint32 gss_flags;       /* negotiated */
    ULONG attrs;               /* ISC_RET_* / ASC_RET_* */
    int64_t start, expiry;
    char *client_name, *server_name;
    int ntlm;                  /* the (negotiated) mechanism is NTLM */
    int datagram;              /* transport-supplied sequence numbers */
    ULONG max_signature, trailer;
    ULONG mic_len[5];          /* MIC size by QOP (0..4), 0 = ask the mech */
};

static int
oid_eq(gss_const_OID a, gss_const_OID b)
{
    return a != NULL && b != NULL && a->length == b->length &&
           memcmp(a->elements, b->elements, a->length) == 0;
}

/* ---- helpers ----------------------------------------------------------------------- */

/* Imports a name.  An SSPI service principal name "class/host[:port][/x]"
 * becomes the host-based name "class@host"; with Kerberos, an SPN with a
 * realm ("class/host@REALM") stays a Kerberos principal name. */
static OM_uint32
import_spn(const struct bridge_pkg *pkg, const char *s, int user, gss_name_t *out)
{
    OM_uint32 minor;
    gss_buffer_desc buf;
    gss_OID type = user ? GSS_C_NT_USER_NAME : GSS_C_NT_HOSTBASED_SERVICE;
    const char *slash = strchr(s, '/');
    char *copy = NULL;
    OM_uint32 major;

    *out = GSS_C_NO_NAME;
    if (slash != NULL && strchr(slash, '@') != NULL &&
        oid_eq(&pkg->mech, &oid_krb5)) {
        type = &oid_krb5_principal;
    } else if (slash != NULL) {
        size_t cl = (size_t)(slash - s), hl = strcspn(slash + 1, ":/@");

        copy = malloc(cl + hl + 2);
        if (copy == NULL)
            return GSS_S_FAILURE;
        memcpy(copy, s, cl);
        copy[cl] = '@';
        memcpy(copy + cl + 1, slash + 1, hl);
        copy[cl + 1 + hl] = '\0';
        s = copy;
        type = GSS_C_NT_HOSTBASED_SERVICE;
    }
    buf.value = (void *)s;
    buf.length = strlen(s);
    /* Through mechglue, pass the terminating NUL too, as MIT's gss-server
     * does: gss-ntlmssp reads names as C strings (past the buffer
     * otherwise); krb5 and SPNEGO copy the buffer into a C string. */
    if (!pkg->ops->direct)
        buf.length++;
    major = pkg->ops->import_name(&minor, &buf, type, out);
    free(copy);
    return major;
}

static char *
display(const struct bridge_pkg *pkg, gss_name_t name)
{
    OM_uint32 minor;
    gss_buffer_desc buf = GSS_C_EMPTY_BUFFER;
    char *s;

    if (name == GSS_C_NO_NAME ||
        pkg->ops->display_name(&minor, name, &buf, NULL) != GSS_S_COMPLETE)
        return NULL;
    s = malloc(buf.length + 1);
    if (s != NULL) {
        memcpy(s, buf.value, buf.length);
        s[buf.length] = '\0';
        /* gss-server style names may carry a trailing NUL */
    }
    pkg->ops->release_buffer(&minor, &buf);
    return s;
}

static SEC_WCHAR *
wdup(const char *s)
{
    return sspi_utf16_from_utf8(s != NULL ? s : "", (size_t)-1, NULL);
}

static PSecBuffer
find_buffer(PSecBufferDesc desc, ULONG type)
{
    ULONG i;

    if (desc == NULL || desc->pBuffers == NULL)
        return NULL;
    for (i = 0; i < desc->cBuffers; i++) {
        if ((desc->pBuffers[i].BufferType & ~SECBUFFER_ATTRMASK) == type)
            return &desc->pBuffers[i];
    }
    return NULL;
}

static OM_uint32
map_isc_req(const struct bridge_pkg *pkg, ULONG req, int initiator)
{
    OM_uint32 f = 0;

    if (req & ISC_REQ_DELEGATE)
        f |= GSS_C_DELEG_FLAG;
    if (req & ISC_REQ_MUTUAL_AUTH)
        f |= GSS_C_MUTUAL_FLAG;
    if (req & ISC_REQ_REPLAY_DETECT)
        f |= GSS_C_REPLAY_FLAG;
    if (req & ISC_REQ_SEQUENCE_DETECT)
        f |= GSS_C_SEQUENCE_FLAG;
    if (req & ISC_REQ_USE_DCE_STYLE)
        f |= GSS_C_DCE_STYLE;
    if (req & ISC_REQ_NULL_SESSION)
        f |= GSS_C_ANON_FLAG;
    if ((req & ISC_REQ_DATAGRAM) && pkg->datagram)
        f |= GSS_C_DATAGRAM_FLAG;
    /* Windows' packages give integrity (and confidentiality where they can)
     * whether asked or not. */
    if (!(req & ISC_REQ_NO_INTEGRITY))
        f |= GSS_C_INTEG_FLAG;
    f |= GSS_C_CONF_FLAG;
    (void)initiator;
    return f;
}

static ULONG
map_ret(OM_uint32 f, int initiator)
{
    ULONG a = 0;

    if (f & GSS_C_DELEG_FLAG)
        a |= ISC_RET_DELEGATE;
    if (f & GSS_C_MUTUAL_FLAG)
        a |= ISC_RET_MUTUAL_AUTH;
    if (f & GSS_C_REPLAY_FLAG)
        a |= ISC_RET_REPLAY_DETECT;
    if (f & GSS_C_SEQUENCE_FLAG)
        a |= ISC_RET_SEQUENCE_DETECT;
    if (f & GSS_C_CONF_FLAG)
        a |= ISC_RET_CONFIDENTIALITY;
    if (f & GSS_C_DCE_STYLE)
        a |= ISC_RET_USED_DCE_STYLE;
    if (f & GSS_C_DATAGRAM_FLAG)
        a |= ISC_RET_DATAGRAM;
    else
        a |= ISC_RET_CONNECTION;
    if (initiator) {
        if (f & GSS_C_INTEG_FLAG)
            a |= ISC_RET_INTEGRITY;
        if (f & GSS_C_ANON_FLAG)
            a |= ISC_RET_NULL_SESSION;
    } else {
        if (f & GSS_C_INTEG_FLAG)
            a |= ASC_RET_INTEGRITY;
        if (f & GSS_C_ANON_FLAG)
            a |= ASC_RET_NULL_SESSION;
    }
    return a;
}

/* The size of a MIC for qop, or 0 when the mechanism cannot tell. */
static ULONG
mic_length(const struct bridge_ctx *c, gss_qop_t qop, OM_uint32 *major_out)
{
    OM_uint32 major, minor;
    gss_iov_buffer_desc iov[2];

    memset(iov, 0, sizeof(iov));
    iov[0].type = GSS_IOV_BUFFER_TYPE_DATA;
    iov[1].type = GSS_IOV_BUFFER_TYPE_MIC_TOKEN;
    major = c->pkg->ops->get_mic_iov_length(&minor, c->ctx, qop, iov, 2);
    if (major_out != NULL)
        *major_out = major;
    return major == GSS_S_COMPLETE ? (ULONG)iov[1].buffer.length : 0;
}

static void
compute_sizes(struct bridge_ctx *c)
{
    const struct bridge_pkg *pkg = c->pkg;
    OM_uint32 minor, max_in = 0;
    ULONG mic = 0, m;
    gss_qop_t qop;

    /* A MIC's size depends only on the context and the QOP: keep it, so
     * that MakeSignature need not ask the mechanism on every call. */
    for (qop = 0; qop <= (pkg->all_qops ? 4 : 0); qop++) {
        m = mic_length(c, qop, NULL);
        c->mic_len[qop] = m;
        if (m > mic)
            mic = m;
    }
    if (mic == 0)
        mic = c->ntlm ? 16 : pkg->fallback_mic;
    c->max_signature = mic;
    if (pkg->ops->wrap_size_limit(&minor, c->ctx, 1, GSS_C_QOP_DEFAULT, 65536,
                                  &max_in) == GSS_S_COMPLETE && max_in <= 65536)
        c->trailer = 65536 - max_in;
    else if (pkg->ops->wrap_size_limit(&minor, c->ctx, 0, GSS_C_QOP_DEFAULT, 65536,
                                       &max_in) == GSS_S_COMPLETE && max_in <= 65536)
        c->trailer = 65536 - max_in;
    else
        c->trailer = mic;
}

/* Reads what an established context is: names, flags, lifetime, sizes. */
static void
finish(struct bridge_ctx *c)
{
    const struct bridge_pkg *pkg = c->pkg;
    OM_uint32 minor, lifetime = 0, flags = 0;
    gss_name_t src = GSS_C_NO_NAME, targ = GSS_C_NO_NAME;
    gss_OID mech = GSS_C_NO_OID;
    int local = 0, open = 0;

    c->established = 1;
    c->start = (int64_t)time(NULL);
    if (pkg->ops->inquire_context(&minor, c->ctx, NULL, NULL, &lifetime, &mech, &flags,
                                  &local, &open) == GSS_S_COMPLETE) {
        c->gss_flags = flags;
        c->expiry = lifetime == GSS_C_INDEFINITE || lifetime == 0 ? 0
                    : c->start + (int64_t)lifetime;
        c->ntlm = oid_eq(mech, &oid_ntlm);
        c->initiator = local;
        /* gss-ntlmssp 1.2 crashes (strdup(NULL)) when an acceptor that has
         * no name of its own is asked for the target name: do not ask. */
        if (pkg->ops->inquire_context(&minor, c->ctx, &src,
                                      c->ntlm && !local ? NULL : &targ, NULL, NULL, NULL,
                                      NULL, NULL) == GSS_S_COMPLETE) {
            free(c->client_name);
            free(c->server_name);
            c->client_name = display(pkg, src);
            c->server_name = display(pkg, targ);
        }
    }
    pkg->ops->release_name(&minor, &src);
    pkg->ops->release_name(&minor, &targ);
    c->datagram = (c->gss_flags & GSS_C_DATAGRAM_FLAG) != 0;
    c->attrs = map_ret(c->gss_flags, c->initiator);
    compute_sizes(c);
}

static void
ctx_free(struct bridge_ctx *c)
{
    OM_uint32 minor;

    if (c == NULL)
        return;
    if (c->ctx != GSS_C_NO_CONTEXT)
        c->pkg->ops->delete_sec_context(&minor, &c->ctx, GSS_C_NO_BUFFER);
    c->pkg->ops->release_name(&minor, &c->target);
    free(c->client_name);
    free(c->server_name);
    free(c);
}

/* Channel bindings from a SECBUFFER_CHANNEL_BINDINGS buffer. */
static int
get_bindings(PSecBufferDesc in, struct gss_channel_bindings_struct *cb)
{
    PSecBuffer b = find_buffer(in, SECBUFFER_CHANNEL_BINDINGS);
    const SEC_CHANNEL_BINDINGS *s;
    const unsigned char *base;

    if (b == NULL || b->pvBuffer == NULL)
        return 0;
    if (b->cbBuffer < sizeof(*s))
        return -1;
    s = b->pvBuffer;
    base = b->pvBuffer;
#define CB_PART(off, len) ((off) <= b->cbBuffer && (len) <= b->cbBuffer - (off))
    if (!CB_PART(s->dwInitiatorOffset, s->cbInitiatorLength) ||
        !CB_PART(s->dwAcceptorOffset, s->cbAcceptorLength) ||
        !CB_PART(s->dwApplicationDataOffset, s->cbApplicationDataLength))
        return -1;
#undef CB_PART
    memset(cb, 0, sizeof(*cb));
    cb->initiator_addrtype = s->dwInitiatorAddrType;
    cb->initiator_address.length = s->cbInitiatorLength;
    cb->initiator_address.value = (void *)(base + s->dwInitiatorOffset);
    cb->acceptor_addrtype = s->dwAcceptorAddrType;
    cb->acceptor_address.length = s->cbAcceptorLength;
    cb->acceptor_address.value = (void *)(base + s->dwAcceptorOffset);
    cb->application_data.length = s->cbApplicationDataLength;
    cb->application_data.value = (void *)(base + s->dwApplicationDataOffset);
    return 1;
}

/* Puts a context token into the caller's output buffer. */
static NTSTATUS
put_token(PSecBufferDesc out, ULONG req_alloc, gss_buffer_t tok, int *allocated)
{
    PSecBuffer b = find_buffer(out, SECBUFFER_TOKEN);

    *allocated = 0;
    if (b == NULL)
        return tok->length == 0 ? STATUS_SUCCESS : SEC_E_INVALID_TOKEN;
    if (tok->length == 0) {
        b->cbBuffer = 0;
        if (req_alloc)
            b->pvBuffer = NULL;
        return STATUS_SUCCESS;
    }
    if (tok->length > 0xFFFFFFFFu)
        return SEC_E_INSUFFICIENT_MEMORY;
    if (req_alloc) {
        void *p = malloc(tok->length);

        if (p == NULL)
            return SEC_E_INSUFFICIENT_MEMORY;
        memcpy(p, tok->value, tok->length);
        b->pvBuffer = p;
        *allocated = 1;
    } else {
        if (b->pvBuffer == NULL || b->cbBuffer < tok->length)
            return SEC_E_BUFFER_TOO_SMALL;
        memcpy(b->pvBuffer, tok->value, tok->length);
    }
    b->cbBuffer = (ULONG)tok->length;
    return STATUS_SUCCESS;
}

/* ---- credentials -------------------------------------------------------------------- */
struct identity {
    char *user, *domain, *password;
    size_t password_size;     /* bytes allocated for password (all wiped) */
};

static void
identity_clear(struct identity *id)
{
    free(id->user);
    free(id->domain);
    if (id->password != NULL) {
        signet_wipe(id->password, id->password_size);
        free(id->password);
    }
    memset(id, 0, sizeof(*id));
}

/* A malloc'ed UTF-8 copy of an identity string; *size (may be NULL) gets
 * the bytes allocated, so that a secret can be wiped whole. */
static char *
ident_str(const void *p, ULONG len, int unicode, size_t *size)
{
    char *s;

    if (p == NULL)
        return NULL;
    if (unicode) {
        size_t n = 0;

        s = sspi_utf8_from_utf16_len(p, len, &n);
        if (s != NULL && size != NULL)
            *size = n + 1;
        return s;
    }
    s = malloc((size_t)len + 1);
    if (s != NULL) {
        memcpy(s, p, len);
        s[len] = '\0';
        if (size != NULL)
            *size = (size_t)len + 1;
    }
    return s;
}

/* SEC_WINNT_AUTH_IDENTITY_A/W or _EXA/_EXW: 1 parsed, -1 malformed. */
static int
identity_parse(const void *auth, struct identity *id)
{
    ULONG flags;
    const void *u, *d, *p;
    ULONG ul, dl, pl;
    int unicode;

    memset(id, 0, sizeof(*id));
    if (*(const ULONG *)auth == SEC_WINNT_AUTH_IDENTITY_VERSION) {
        const SEC_WINNT_AUTH_IDENTITY_EXW *ex = auth;

        flags = ex->Flags;
        u = ex->User, ul = ex->UserLength;
        d = ex->Domain, dl = ex->DomainLength;
        p = ex->Password, pl = ex->PasswordLength;
    } else {
        const SEC_WINNT_AUTH_IDENTITY_W *w = auth;

        flags = w->Flags;
        u = w->User, ul = w->UserLength;
        d = w->Domain, dl = w->DomainLength;
        p = w->Password, pl = w->PasswordLength;
    }
    if ((flags & (SEC_WINNT_AUTH_IDENTITY_ANSI | SEC_WINNT_AUTH_IDENTITY_UNICODE)) == 0)
        return -1;
    unicode = (flags & SEC_WINNT_AUTH_IDENTITY_UNICODE) != 0;
    id->user = ident_str(u, ul, unicode, NULL);
    id->domain = ident_str(d, dl, unicode, NULL);
    id->password = ident_str(p, pl, unicode, &id->password_size);
    if ((u != NULL && id->user == NULL) || (d != NULL && id->domain == NULL) ||
        (p != NULL && id->password == NULL)) {
        identity_clear(id);
        return -1;
    }
    return 1;
}

/* The cred-store elements of SIGNET_AUTH_DATA. */
static int
store_from_auth(const struct bridge_pkg *pkg, const SIGNET_AUTH_DATA *a,
                gss_key_value_element_desc *el, size_t max, size_t *n)
{
    const struct { const char *key; const char *value; } named[] = {
        { SIGNET_CRED_CERTIFICATE, a->Certificate },
        { SIGNET_CRED_PRIVATE_KEY, a->PrivateKey },
        { SIGNET_CRED_PKCS12_PASSWORD, a->Pkcs12Password },
        { SIGNET_CRED_CA_FILE, a->CaFile },
        { SIGNET_CRED_CA_DIR, a->CaDir },
        { SIGNET_CRED_CRL_FILE, a->CrlFile },
        { SIGNET_CRED_PSK_FILE, a->PskFile },
        { SIGNET_CRED_PSK_IDENTITY, a->PskIdentity },
        { SIGNET_CRED_ALLOW_ANONYMOUS,
          (a->Flags & SIGNET_AUTH_ALLOW_ANONYMOUS) ? "yes" : NULL },
    };
    size_t i;

    *n = 0;
    if (pkg->ops->direct) {
        for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
            if (named[i].value == NULL)
                continue;
            if (*n >= max)
                return -1;
            el[*n].key = named[i].key;
            el[*n].value = named[i].value;
            (*n)++;
        }
    }
    for (i = 0; a->Extra != NULL && a->Extra[i] != NULL; i += 2) {
        if (a->Extra[i + 1] == NULL || *n >= max)
            return -1;
        el[*n].key = a->Extra[i];
        el[*n].value = a->Extra[i + 1];
        (*n)++;
    }
    return 0;
}

static NTSTATUS
bridge_acquire(const struct bridge_pkg *pkg, PUNICODE_STRING principal, ULONG use,
               PVOID auth, PLSA_SEC_HANDLE out, PTimeStamp expiry)
{
    const struct sspi_gss_ops *ops = pkg->ops;
    OM_uint32 major, minor = 0, time_rec = 0;
    gss_OID_set_desc mechs = { 1, (gss_OID)&pkg->mech };
    gss_cred_usage_t usage;
    gss_name_t name = GSS_C_NO_NAME;
    gss_key_value_element_desc el[32];
    gss_key_value_set_desc store = { 0, el };
    struct identity id = { NULL, NULL, NULL, 0 };
    struct bridge_cred *cred = NULL;
    char *pname = NULL, *joined = NULL;
    NTSTATUS nt;
    size_t n = 0;

    *out = 0;
    switch (use & ~SECPKG_CRED_RESERVED) {
    case SECPKG_CRED_INBOUND:
        usage = GSS_C_ACCEPT;
        break;
    case SECPKG_CRED_OUTBOUND:
        usage = GSS_C_INITIATE;
        break;
    case SECPKG_CRED_BOTH:
        usage = GSS_C_BOTH;
        break;
    default:
        return SEC_E_UNKNOWN_CREDENTIALS;
    }
    if (auth != NULL) {
        if (*(const ULONG *)auth == SIGNET_AUTH_DATA_VERSION) {
            if (store_from_auth(pkg, auth, el, sizeof(el) / sizeof(el[0]), &n) != 0)
                return SEC_E_UNKNOWN_CREDENTIALS;
            store.count = (OM_uint32)n;
        } else if (ops->direct || identity_parse(auth, &id) < 0) {
            return SEC_E_UNKNOWN_CREDENTIALS;
        }
    }
    if (principal != NULL && principal->Buffer != NULL && principal->Length > 0) {
        pname = sspi_utf8_from_ustr(principal);
        if (pname == NULL) {
            nt = SEC_E_INSUFFICIENT_MEMORY;
            goto done;
        }
    }
    if (id.user != NULL && id.user[0] != '\0') {
        const char *d = id.domain;
        size_t len = strlen(id.user) + (d ? strlen(d) : 0) + 2;

        joined = malloc(len);
        if (joined == NULL) {
            nt = SEC_E_INSUFFICIENT_MEMORY;
            goto done;
        }
        if (d == NULL || d[0] == '\0' || strchr(id.user, '@') || strchr(id.user, '\\'))
            snprintf(joined, len, "%s", id.user);
        else if (pkg->ntlm_names)
            snprintf(joined, len, "%s\\%s", d, id.user);
        else
            snprintf(joined, len, "%s@%s", id.user, d);
        major = import_spn(pkg, joined, 1, &name);
    } else if (pname != NULL) {
        major = import_spn(pkg, pname, usage == GSS_C_INITIATE, &name);
    } else {
        major = GSS_S_COMPLETE;
    }
    if (major != GSS_S_COMPLETE) {
        nt = SEC_E_UNKNOWN_CREDENTIALS;
        goto done;
    }
    cred = calloc(1, sizeof(*cred));
    if (cred == NULL) {
        nt = SEC_E_INSUFFICIENT_MEMORY;
        goto done;
    }
    cred->pkg = pkg;
    cred->usage = usage;
    if (id.password != NULL && ops->acquire_cred_with_password != NULL) {
        gss_buffer_desc pw = { strlen(id.password), id.password };

        major = ops->acquire_cred_with_password(&minor, name, &pw, GSS_C_INDEFINITE,
                                                &mechs, usage, &cred->cred, NULL,
                                                &time_rec);
    } else {
        major = ops->acquire_cred_from(&minor, name, GSS_C_INDEFINITE, &mechs, usage,
                                       store.count ? &store : GSS_C_NO_CRED_STORE,
                                       &cred->cred, NULL, &time_rec);
    }
    if (major != GSS_S_COMPLETE) {
        nt = sspi_status_from_gss(id.password != NULL ? SSPI_SITE_ACQUIRE_PASSWORD
                                                      : SSPI_SITE_ACQUIRE,
                                  major, minor, ops->signet_minor, 0);
        goto done;
    }
    if (expiry != NULL)
        sspi_timestamp(expiry, time_rec == GSS_C_INDEFINITE || time_rec == 0 ? 0
                               : (int64_t)time(NULL) + time_rec);
    *out = (LSA_SEC_HANDLE)cred;
    cred = NULL;
    nt = STATUS_SUCCESS;
done:
    free(cred);
    ops->release_name(&minor, &name);
    identity_clear(&id);
    free(pname);
    free(joined);
    return nt;
}

static NTSTATUS NTAPI
bridge_free_cred(LSA_SEC_HANDLE h)
{
    struct bridge_cred *cred = (struct bridge_cred *)h;
    OM_uint32 minor;

    if (cred == NULL)
        return SEC_E_INVALID_HANDLE;
    if (cred->cred != GSS_C_NO_CREDENTIAL)
        cred->pkg->ops->release_cred(&minor, &cred->cred);
    free(cred);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI
bridge_query_cred(LSA_SEC_HANDLE h, ULONG attr, PVOID buffer)
{
    struct bridge_cred *cred = (struct bridge_cred *)h;
    OM_uint32 major, minor;
    gss_name_t name = GSS_C_NO_NAME;
    char *s;
    SecPkgCredentials_NamesW *names = buffer;

    if (cred == NULL)
        return SEC_E_INVALID_HANDLE;
    if (attr != SECPKG_CRED_ATTR_NAMES)
        return SEC_E_UNSUPPORTED_FUNCTION;
    if (buffer == NULL)
        return STATUS_INVALID_PARAMETER;
    major = cred->pkg->ops->inquire_cred(&minor, cred->cred, &name, NULL, NULL, NULL);
    if (major != GSS_S_COMPLETE)
        return sspi_status_from_gss(SSPI_SITE_ANY, major, minor, cred->pkg->ops->signet_minor, 0);
    s = display(cred->pkg, name);
    cred->pkg->ops->release_name(&minor, &name);
    names->sUserName = wdup(s);
    free(s);
    return names->sUserName != NULL ? STATUS_SUCCESS : SEC_E_INSUFFICIENT_MEMORY;
}

/* ---- context establishment ------------------------------------------------------------- */
static NTSTATUS
bridge_init(const struct bridge_pkg *pkg, LSA_SEC_HANDLE credh, LSA_SEC_HANDLE ctxh,
            PUNICODE_STRING target, ULONG req, PSecBufferDesc in,
            PLSA_SEC_HANDLE newh, PSecBufferDesc out, PULONG attrs, PTimeStamp expiry)
{
    const struct sspi_gss_ops *ops = pkg->ops;
    struct bridge_cred *cred = (struct bridge_cred *)credh;
    struct bridge_ctx *c = (struct bridge_ctx *)ctxh, *fresh = NULL;
    struct gss_channel_bindings_struct cb;
    gss_buffer_desc intok = GSS_C_EMPTY_BUFFER, outtok = GSS_C_EMPTY_BUFFER;
    PSecBuffer inbuf;
    OM_uint32 major, minor = 0, ret = 0, time_rec = 0;
    NTSTATUS nt, put;
    int have_cb, allocated = 0;
    char *tname = NULL;

    *newh = ctxh;
    *attrs = 0;
    if (c == NULL) {
        fresh = c = calloc(1, sizeof(*c));
        if (c == NULL)
            return SEC_E_INSUFFICIENT_MEMORY;
        c->pkg = pkg;
        c->initiator = 1;
        c->req = req;
        c->gss_req = map_isc_req(pkg, req, 1);
        if (target != NULL && target->Buffer != NULL && target->Length > 0) {
            tname = sspi_utf8_from_ustr(target);
            if (tname == NULL ||
                import_spn(pkg, tname, 0, &c->target) != GSS_S_COMPLETE) {
                nt = SEC_E_TARGET_UNKNOWN;
                goto fail;
            }
        }
    } else if (c->established || !c->initiator || c->pkg != pkg) {
        return SEC_E_INVALID_HANDLE;
    }
    inbuf = find_buffer(in, SECBUFFER_TOKEN);
    if (inbuf != NULL && inbuf->cbBuffer > 0) {
        if (inbuf->pvBuffer == NULL) {
            nt = SEC_E_INVALID_TOKEN;
            goto fail;
        }
        intok.length = inbuf->cbBuffer;
        intok.value = inbuf->pvBuffer;
    }
    have_cb = get_bindings(in, &cb);
    if (have_cb < 0) {
        nt = SEC_E_BAD_BINDINGS;
        goto fail;
    }
    major = ops->init_sec_context(&minor, cred ? cred->cred : GSS_C_NO_CREDENTIAL, &c->ctx,
                                  c->target, (gss_OID)&pkg->mech, c->gss_req, 0,
                                  have_cb ? &cb : GSS_C_NO_CHANNEL_BINDINGS,
                                  intok.length ? &intok : GSS_C_NO_BUFFER, NULL, &outtok,
                                  &ret, &time_rec);
    nt = sspi_status_from_gss(SSPI_SITE_ANY, major, minor, ops->signet_minor, 0);
    put = put_token(out, req & ISC_REQ_ALLOCATE_MEMORY, &outtok, &allocated);
    ops->release_buffer(&minor, &outtok);
    if (!NT_SUCCESS(nt)) {
        if (allocated)
            *attrs |= ISC_RET_EXTENDED_ERROR;
        goto fail;
    }
    if (!NT_SUCCESS(put)) {
        nt = put;
        goto fail;
    }
    if (major == GSS_S_COMPLETE)
        finish(c);
    *attrs = c->established ? c->attrs : map_ret(ret, 1);
    if (req & ISC_REQ_ALLOCATE_MEMORY)
        *attrs |= ISC_RET_ALLOCATED_MEMORY;
    if (expiry != NULL)
        sspi_timestamp(expiry, c->established ? c->expiry
                               : time_rec && time_rec != GSS_C_INDEFINITE
                               ? (int64_t)time(NULL) + time_rec : 0);
    *newh = (LSA_SEC_HANDLE)c;
    free(tname);
    return nt;
fail:
    if (fresh != NULL) {
        ctx_free(fresh);
        *newh = 0;
    }
    free(tname);
    return nt;
}

static NTSTATUS
bridge_accept(const struct bridge_pkg *pkg, LSA_SEC_HANDLE credh, LSA_SEC_HANDLE ctxh,
              PSecBufferDesc in, ULONG req, PLSA_SEC_HANDLE newh, PSecBufferDesc out,
              PULONG attrs, PTimeStamp expiry)
{
    const struct sspi_gss_ops *ops = pkg->ops;
    struct bridge_cred *cred = (struct bridge_cred *)credh;
    struct bridge_ctx *c = (struct bridge_ctx *)ctxh, *fresh = NULL;
    struct gss_channel_bindings_struct cb;
    gss_buffer_desc intok = GSS_C_EMPTY_BUFFER, outtok = GSS_C_EMPTY_BUFFER;
    gss_cred_id_t deleg = GSS_C_NO_CREDENTIAL;
    PSecBuffer inbuf;
    OM_uint32 major, minor = 0, ret = 0, time_rec = 0;
    NTSTATUS nt, put;
    int have_cb, allocated = 0;

    *newh = ctxh;
    *attrs = 0;
    if (c == NULL) {
        fresh = c = calloc(1, sizeof(*c));
        if (c == NULL)
            return SEC_E_INSUFFICIENT_MEMORY;
        c->pkg = pkg;
        c->req = req;
    } else if (c->established || c->initiator || c->pkg != pkg) {
        return SEC_E_INVALID_HANDLE;
    }
    inbuf = find_buffer(in, SECBUFFER_TOKEN);
    if (inbuf == NULL || inbuf->pvBuffer == NULL || inbuf->cbBuffer == 0) {
        nt = SEC_E_INVALID_TOKEN;
        goto fail;
    }
    intok.length = inbuf->cbBuffer;
    intok.value = inbuf->pvBuffer;
    have_cb = get_bindings(in, &cb);
    if (have_cb < 0) {
        nt = SEC_E_BAD_BINDINGS;
        goto fail;
    }
    major = ops->accept_sec_context(&minor, &c->ctx, cred ? cred->cred : GSS_C_NO_CREDENTIAL,
                                    &intok, have_cb ? &cb : GSS_C_NO_CHANNEL_BINDINGS,
                                    NULL, NULL, &outtok, &ret, &time_rec, &deleg);
    if (deleg != GSS_C_NO_CREDENTIAL)
        ops->release_cred(&minor, &deleg);
    nt = sspi_status_from_gss(SSPI_SITE_ACCEPT, major, minor, ops->signet_minor, 0);
    put = put_token(out, req & ASC_REQ_ALLOCATE_MEMORY, &outtok, &allocated);
    ops->release_buffer(&minor, &outtok);
    if (!NT_SUCCESS(nt)) {
        if (allocated)
            *attrs |= ASC_RET_EXTENDED_ERROR;
        goto fail;
    }
    if (!NT_SUCCESS(put)) {
        nt = put;
        goto fail;
    }
    if (major == GSS_S_COMPLETE)
        finish(c);
    *attrs = c->established ? c->attrs : map_ret(ret, 0);
    if (req & ASC_REQ_ALLOCATE_MEMORY)
        *attrs |= ASC_RET_ALLOCATED_MEMORY;
    if (expiry != NULL)
        sspi_timestamp(expiry, c->established ? c->expiry : 0);
    *newh = (LSA_SEC_HANDLE)c;
    return nt;
fail:
    if (fresh != NULL) {
        ctx_free(fresh);
        *newh = 0;
    }
    return nt;
}

static NTSTATUS NTAPI
bridge_delete(LSA_SEC_HANDLE h)
{
    struct bridge_ctx *c = (struct bridge_ctx *)h;

    if (c == NULL)
        return SEC_E_INVALID_HANDLE;
    ctx_free(c);
    return STATUS_SUCCESS;
}

/* ---- per-message ------------------------------------------------------------------------- */

/* A caller's SecBufferDesc as GSS IOV buffers (design.md's table). */
struct iov_map {
    gss_iov_buffer_desc small[8];
    gss_iov_buffer_desc *iov;     /* small, or allocated for many buffers */
    int n;
    int mic_at;                   /* index of the MIC_TOKEN in iov */
    int have_params;              /* the caller gave SECBUFFER_PKG_PARAMS */
    PSecBuffer token;             /* the caller's SECBUFFER_TOKEN */
    unsigned char seqbuf[8];      /* datagram: MessageSeqNo, big-endian */
};

static void
put_be64(unsigned char *p, uint64_t v)
{
    int i;

    for (i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

/*
 * One pass over the caller's buffers, as MakeSignature and VerifySignature
 * take them: checks them (SEC_E_INVALID_TOKEN: a bad descriptor, a DATA,
 * PKG_PARAMS or PADDING buffer with no memory behind a non-zero size, no
 * usable TOKEN or two of them), and maps them to IOV buffers: DATA -> DATA,
 * DATA|READONLY -> SIGN_ONLY, TOKEN -> MIC_TOKEN, PKG_PARAMS -> MECH_PARAMS,
 * PADDING -> PADDING; READONLY_WITH_CHECKSUM buffers, EMPTY and other types
 * are not passed.  A Signet datagram context gets MessageSeqNo as its
 * MECH_PARAMS unless the caller gave one.  unmap_message releases it.
 */
static SECURITY_STATUS
map_message(const struct bridge_ctx *c, const SecBufferDesc *msg, ULONG seqno,
            struct iov_map *m)
{
    ULONG i;
    OM_uint32 type;

    m->iov = m->small;
    m->n = 0;
    m->mic_at = -1;
    m->have_params = 0;
    m->token = NULL;
    if (msg == NULL || msg->ulVersion != SECBUFFER_VERSION || msg->cBuffers == 0 ||
        msg->pBuffers == NULL)
        return SEC_E_INVALID_TOKEN;
    if ((size_t)msg->cBuffers + 1 > sizeof(m->small) / sizeof(m->small[0])) {
        m->iov = calloc((size_t)msg->cBuffers + 1, sizeof(*m->iov));
        if (m->iov == NULL) {
            m->iov = m->small;
            return SEC_E_INSUFFICIENT_MEMORY;
        }
    }
    for (i = 0; i < msg->cBuffers; i++) {
        PSecBuffer b = &msg->pBuffers[i];

        if (b->BufferType & SECBUFFER_READONLY_WITH_CHECKSUM)
            continue;                       /* not processed (the seed) */
        switch (b->BufferType & ~SECBUFFER_ATTRMASK) {
        case SECBUFFER_TOKEN:
            if (b->pvBuffer == NULL || m->token != NULL)
                goto invalid;
            m->token = b;
            m->mic_at = m->n;
            type = GSS_IOV_BUFFER_TYPE_MIC_TOKEN;
            break;
        case SECBUFFER_DATA:
            type = (b->BufferType & SECBUFFER_READONLY) ? GSS_IOV_BUFFER_TYPE_SIGN_ONLY
                                                        : GSS_IOV_BUFFER_TYPE_DATA;
            goto checked;
        case SECBUFFER_PKG_PARAMS:
            type = GSS_IOV_BUFFER_TYPE_MECH_PARAMS;
            m->have_params = 1;
            goto checked;
        case SECBUFFER_PADDING:
            type = GSS_IOV_BUFFER_TYPE_PADDING;
        checked:
            if (b->cbBuffer != 0 && b->pvBuffer == NULL)
                goto invalid;
            break;
        default:
            continue;                       /* left untouched */
        }
        m->iov[m->n].type = type;
        m->iov[m->n].buffer.length = b->cbBuffer;
        m->iov[m->n].buffer.value = b->pvBuffer;
        m->n++;
    }
    if (m->token == NULL)
        goto invalid;
    if (c->datagram && !c->ntlm && !m->have_params) {
        put_be64(m->seqbuf, seqno);
        m->iov[m->n].type = GSS_IOV_BUFFER_TYPE_MECH_PARAMS;
        m->iov[m->n].buffer.length = sizeof(m->seqbuf);
        m->iov[m->n].buffer.value = m->seqbuf;
        m->n++;
    }
    return SEC_E_OK;
invalid:
    if (m->iov != m->small)
        free(m->iov);
    m->iov = m->small;
    return SEC_E_INVALID_TOKEN;
}

static void
unmap_message(struct iov_map *m)
{
    if (m->iov != m->small)
        free(m->iov);
    m->iov = m->small;
}

/* The DATA and SIGN_ONLY buffers, concatenated (for mechanisms without IOV
 * MIC functions, e.g. NTLM: their MIC is over the concatenation). */
static int
concat_data(const gss_iov_buffer_desc *iov, int n, gss_buffer_desc *out)
{
    size_t len = 0, off = 0;
    int i;

    for (i = 0; i < n; i++) {
        if (iov[i].type == GSS_IOV_BUFFER_TYPE_DATA ||
            iov[i].type == GSS_IOV_BUFFER_TYPE_SIGN_ONLY)
            len += iov[i].buffer.length;
    }
    out->length = len;
    out->value = malloc(len ? len : 1);
    if (out->value == NULL)
        return -1;
    for (i = 0; i < n; i++) {
        if (iov[i].type == GSS_IOV_BUFFER_TYPE_DATA ||
            iov[i].type == GSS_IOV_BUFFER_TYPE_SIGN_ONLY) {
            if (iov[i].buffer.length)
                memcpy((char *)out->value + off, iov[i].buffer.value,
                       iov[i].buffer.length);
            off += iov[i].buffer.length;
        }
    }
    return 0;
}

/* NTLM datagram contexts: gss-ntlmssp takes the number as a context option. */
static OM_uint32
set_ntlm_seq(const struct bridge_ctx *c, ULONG seq, OM_uint32 *minor)
{
    uint32_t v = seq;             /* gss-ntlmssp copies a host-order uint32 */
    gss_buffer_desc buf = { sizeof(v), &v };
    gss_ctx_id_t ctx = c->ctx;

    return c->pkg->ops->set_sec_context_option(minor, &ctx, &oid_ntlm_seqnum, &buf);
}

static NTSTATUS NTAPI
bridge_make_signature(LSA_SEC_HANDLE h, ULONG qop, PSecBufferDesc msg, ULONG seqno)
{
    struct bridge_ctx *c = (struct bridge_ctx *)h;
    const struct sspi_gss_ops *ops;
    struct iov_map m;
    gss_iov_buffer_desc *mic;
    OM_uint32 major, minor = 0;
    SECURITY_STATUS st;
    ULONG len;
    NTSTATUS nt;

    if (c == NULL || !c->established)
        return SEC_E_INVALID_HANDLE;
    ops = c->pkg->ops;
    st = map_message(c, msg, seqno, &m);
    if (st != SEC_E_OK)
        return st;
    mic = &m.iov[m.mic_at];
    /* The size first: nothing may be written or consumed when the buffer is
     * too small.  Then the mechanism signs straight into the TOKEN buffer. */
    len = qop < 5 ? c->mic_len[qop] : 0;
    if (len == 0) {
        len = mic_length(c, qop, &major);
        if (len == 0 && GSS_ROUTINE_ERROR(major) == GSS_S_BAD_QOP) {
            nt = sspi_status_from_gss(SSPI_SITE_MAKE_SIGNATURE, major, minor, 0, c->gss_flags);
            goto done;
        }
        if (len == 0)
            len = c->max_signature;
    }
    if (m.token->cbBuffer < len) {
        nt = SEC_E_BUFFER_TOO_SMALL;
        goto done;
    }
    mic->buffer.length = len;
    if (c->datagram && c->ntlm) {
        major = set_ntlm_seq(c, seqno, &minor);
        if (GSS_ERROR(major)) {
            nt = sspi_status_from_gss(SSPI_SITE_MAKE_SIGNATURE, major, minor, ops->signet_minor, c->gss_flags);
            goto done;
        }
    }
    major = ops->get_mic_iov(&minor, c->ctx, qop, m.iov, m.n);
    if (GSS_ROUTINE_ERROR(major) == GSS_S_UNAVAILABLE && !m.have_params) {
        gss_buffer_desc data, tok = GSS_C_EMPTY_BUFFER;

        if (concat_data(m.iov, m.n, &data) != 0) {
            nt = SEC_E_INSUFFICIENT_MEMORY;
            goto done;
        }
        major = ops->get_mic(&minor, c->ctx, qop, &data, &tok);
        free(data.value);
        if (major == GSS_S_COMPLETE) {
            if (tok.length > m.token->cbBuffer) {
                ops->release_buffer(&minor, &tok);
                nt = SEC_E_BUFFER_TOO_SMALL;
                goto done;
            }
            memcpy(m.token->pvBuffer, tok.value, tok.length);
            mic->buffer.length = tok.length;
            ops->release_buffer(&minor, &tok);
        }
    }
    nt = sspi_status_from_gss(SSPI_SITE_MAKE_SIGNATURE, major, minor, ops->signet_minor, c->gss_flags);
    if (major == GSS_S_COMPLETE)
        m.token->cbBuffer = (ULONG)mic->buffer.length;
done:
    unmap_message(&m);
    return nt;
}

static NTSTATUS NTAPI
bridge_verify_signature(LSA_SEC_HANDLE h, PSecBufferDesc msg, ULONG seqno, PULONG pfqop)
{
    struct bridge_ctx *c = (struct bridge_ctx *)h;
    const struct sspi_gss_ops *ops;
    struct iov_map m;
    OM_uint32 major, minor = 0;
    gss_qop_t qop = 0;
    SECURITY_STATUS st;
    NTSTATUS nt;

    if (c == NULL || !c->established)
        return SEC_E_INVALID_HANDLE;
    ops = c->pkg->ops;
    st = map_message(c, msg, seqno, &m);
    if (st != SEC_E_OK)
        return st;
    if (c->datagram && c->ntlm) {
        major = set_ntlm_seq(c, seqno, &minor);
        if (GSS_ERROR(major)) {
            nt = sspi_status_from_gss(SSPI_SITE_ANY, major, minor, ops->signet_minor, c->gss_flags);
            goto done;
        }
    }
    major = ops->verify_mic_iov(&minor, c->ctx, &qop, m.iov, m.n);
    if (GSS_ROUTINE_ERROR(major) == GSS_S_UNAVAILABLE && !m.have_params) {
        gss_buffer_desc data;

        if (concat_data(m.iov, m.n, &data) != 0) {
            nt = SEC_E_INSUFFICIENT_MEMORY;
            goto done;
        }
        major = ops->verify_mic(&minor, c->ctx, &data, &m.iov[m.mic_at].buffer, &qop);
        free(data.value);
    }
    nt = sspi_status_from_gss(SSPI_SITE_ANY, major, minor, ops->signet_minor, c->gss_flags);
    if (NT_SUCCESS(nt) && pfqop != NULL)
        *pfqop = (ULONG)qop;
done:
    unmap_message(&m);
    return nt;
}

/* ---- attributes ------------------------------------------------------------------------------- */
static const struct {
    int enctype;
    ULONG bits;
    ULONG cksum;
    const char *sig, *enc;
} krb5_algs[] = {
    { 17, 128, 15, "HMAC_SHA1_96_AES128", "AES128-CTS-HMAC-SHA1-96" },
    { 18, 256, 16, "HMAC_SHA1_96_AES256", "AES256-CTS-HMAC-SHA1-96" },
    { 19, 128, 19, "HMAC_SHA256_128_AES128", "AES128-CTS-HMAC-SHA256-128" },
    { 20, 256, 20, "HMAC_SHA384_192_AES256", "AES256-CTS-HMAC-SHA384-192" },
    { 23, 128, -138, "HMAC_MD5", "RC4-HMAC" },
};

static NTSTATUS
session_key(const struct bridge_ctx *c, SecPkgContext_SessionKey *sk, int *enctype)
{
    const struct sspi_gss_ops *ops = c->pkg->ops;
    OM_uint32 major, minor;
    gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
    unsigned char *key;

    *enctype = 0;
    if (c->ntlm)
        return SEC_E_UNSUPPORTED_FUNCTION;   /* gss-ntlmssp does not export it */
    if (ops->direct) {
        /* Signet: a key both ends derive alike (gss_pseudo_random). */
        gss_buffer_desc in = { 23, (void *)"signet sspi session key" }, out = GSS_C_EMPTY_BUFFER;

        major = signet_sspi_prf(&minor, c->ctx, &in, 32, &out);
        if (major != GSS_S_COMPLETE)
            return sspi_status_from_gss(SSPI_SITE_ANY, major, minor, 1, 0);
        sk->SessionKey = out.value;
        sk->SessionKeyLength = (ULONG)out.length;
        return STATUS_SUCCESS;
    }
    major = ops->inquire_sec_context_by_oid(&minor, c->ctx, &oid_sspi_session_key, &set);
    if (major != GSS_S_COMPLETE || set == GSS_C_NO_BUFFER_SET || set->count < 1)
        return major == GSS_S_COMPLETE ? SEC_E_UNSUPPORTED_FUNCTION
                                       : sspi_status_from_gss(SSPI_SITE_ANY, major, minor, 0, 0);
    key = malloc(set->elements[0].length ? set->elements[0].length : 1);
    if (key == NULL) {
        signet_wipe(set->elements[0].value, set->elements[0].length);
        ops->release_buffer_set(&minor, &set);
        return SEC_E_INSUFFICIENT_MEMORY;
    }
    memcpy(key, set->elements[0].value, set->elements[0].length);
    sk->SessionKey = key;
    sk->SessionKeyLength = (ULONG)set->elements[0].length;
    /* The second element is the enctype OID 1.2.840.113554.1.2.2.4.<enctype>. */
    if (set->count >= 2 && set->elements[1].length == 11)
        *enctype = ((unsigned char *)set->elements[1].value)[10];
    /* mechglue's copy of the key: wiped before it is released */
    signet_wipe(set->elements[0].value, set->elements[0].length);
    ops->release_buffer_set(&minor, &set);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI
bridge_query_context(LSA_SEC_HANDLE h, ULONG attr, PVOID buffer)
{
    struct bridge_ctx *c = (struct bridge_ctx *)h;

    if (c == NULL)
        return SEC_E_INVALID_HANDLE;
    if (buffer == NULL)
        return STATUS_INVALID_PARAMETER;
    if (attr == SECPKG_ATTR_FLAGS) {
        ((SecPkgContext_Flags *)buffer)->Flags = c->attrs;
        return STATUS_SUCCESS;
    }
    if (!c->established)
        return SEC_E_INVALID_HANDLE;
    switch (attr) {
    case SECPKG_ATTR_SIZES: {
        SecPkgContext_Sizes *s = buffer;

        s->cbMaxToken = c->pkg->max_token;
        s->cbMaxSignature = c->max_signature;
        s->cbBlockSize = 1;
        s->cbSecurityTrailer = c->trailer;
        return STATUS_SUCCESS;
    }
    case SECPKG_ATTR_NAMES: {
        SecPkgContext_NamesW *s = buffer;

        s->sUserName = wdup(c->client_name);
        return s->sUserName ? STATUS_SUCCESS : SEC_E_INSUFFICIENT_MEMORY;
    }
    case SECPKG_ATTR_NATIVE_NAMES: {
        SecPkgContext_NativeNamesW *s = buffer;

        s->sClientName = wdup(c->client_name);
        s->sServerName = wdup(c->server_name);
        if (s->sClientName == NULL || s->sServerName == NULL) {
            free(s->sClientName);
            free(s->sServerName);
            s->sClientName = s->sServerName = NULL;
            return SEC_E_INSUFFICIENT_MEMORY;
        }
        return STATUS_SUCCESS;
    }
    case SECPKG_ATTR_LIFESPAN: {
        SecPkgContext_Lifespan *s = buffer;

        sspi_timestamp(&s->tsStart, c->start);
        sspi_timestamp(&s->tsExpiry, c->expiry);
        return STATUS_SUCCESS;
    }
    case SECPKG_ATTR_SESSION_KEY: {
        int enctype;

        return session_key(c, buffer, &enctype);
    }
    case SECPKG_ATTR_KEY_INFO: {
        SecPkgContext_KeyInfoW *s = buffer;
        const char *sig = NULL, *enc = NULL;
        ULONG bits = 0, sigalg = 0, encalg = 0;

        if (c->pkg->ops->key_info != NULL) {
            if (c->pkg->ops->key_info(c->ctx, &bits, &sigalg, &sig, &encalg, &enc) != 0)
                return SEC_E_INTERNAL_ERROR;
        } else if (c->ntlm) {
            bits = 128, sig = "HMAC-MD5", enc = "RC4", encalg = 0x6801;  /* CALG_RC4 */
        } else {
            SecPkgContext_SessionKey sk = { 0, NULL };
            int enctype = 0;
            size_t i;
            NTSTATUS nt = session_key(c, &sk, &enctype);

            if (!NT_SUCCESS(nt))
                return nt;
            signet_wipe(sk.SessionKey, sk.SessionKeyLength);
            free(sk.SessionKey);
            for (i = 0; i < sizeof(krb5_algs) / sizeof(krb5_algs[0]); i++) {
                if (krb5_algs[i].enctype == enctype) {
                    bits = krb5_algs[i].bits;
                    sigalg = krb5_algs[i].cksum;
                    sig = krb5_algs[i].sig;
                    enc = krb5_algs[i].enc;
                    encalg = (ULONG)enctype;
                }
            }
            if (sig == NULL)
                return SEC_E_UNSUPPORTED_FUNCTION;
        }
        s->sSignatureAlgorithmName = wdup(sig);
        s->sEncryptAlgorithmName = wdup(enc);
        if (s->sSignatureAlgorithmName == NULL || s->sEncryptAlgorithmName == NULL) {
            free(s->sSignatureAlgorithmName);
            free(s->sEncryptAlgorithmName);
            s->sSignatureAlgorithmName = s->sEncryptAlgorithmName = NULL;
            return SEC_E_INSUFFICIENT_MEMORY;
        }
        s->KeySize = bits;
        s->SignatureAlgorithm = sigalg;
        s->EncryptAlgorithm = encalg;
        return STATUS_SUCCESS;
    }
    default:
        return SEC_E_UNSUPPORTED_FUNCTION;
    }
}

/* ---- export / import ---------------------------------------------------------------------------- */
/*
 * gss_export_sec_context deletes the GSS context it exports.  Unless the
 * caller asked for that (SECPKG_CONTEXT_EXPORT_DELETE_OLD), the bridge
 * continues in a fresh import of the same token (for Signet a new instance:
 * fresh nonces, sending SEQ continuing; docs/tokens.md section 10).  c->ctx
 * changes here, so the dispatcher holds the handle exclusively for this
 * call (api.c, handles.c): no other call on the context runs meanwhile.
 * When the caller's copy cannot be allocated the context is re-imported
 * even with DELETE_OLD: the call fails and the context goes on working.
 * The mechanism's buffer held the context's keys: wiped before release.
 */
static NTSTATUS NTAPI
bridge_export(LSA_SEC_HANDLE h, ULONG flags, PSecBuffer packed, PHANDLE token)
{
    struct bridge_ctx *c = (struct bridge_ctx *)h;
    const struct sspi_gss_ops *ops = NULL;
    gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
    OM_uint32 major, minor = 0;
    NTSTATUS nt = SEC_E_INVALID_HANDLE;
    void *copy = NULL;
    size_t len;

    if (token != NULL)
        *token = NULL;
    if (c == NULL || !c->established)
        goto done;
    nt = STATUS_INVALID_PARAMETER;
    if (packed == NULL)
        goto done;
    ops = c->pkg->ops;
    major = ops->export_sec_context(&minor, &c->ctx, &out);
    if (major != GSS_S_COMPLETE) {
        nt = sspi_status_from_gss(SSPI_SITE_ANY, major, minor, ops->signet_minor, 0);
        goto done;
    }
    len = out.length;
    copy = malloc(len ? len : 1);
    if (copy != NULL && len > 0)
        memcpy(copy, out.value, len);
    if (!(flags & SECPKG_CONTEXT_EXPORT_DELETE_OLD) || copy == NULL)
        (void)ops->import_sec_context(&minor, &out, &c->ctx);
    /* Exported and deleted, or the re-import failed: no context left. */
    if (c->ctx == GSS_C_NO_CONTEXT)
        c->established = 0;
    nt = SEC_E_INSUFFICIENT_MEMORY;
    if (copy == NULL)
        goto done;
    packed->BufferType = SECBUFFER_TOKEN;
    packed->cbBuffer = (ULONG)len;
    packed->pvBuffer = copy;
    copy = NULL;
    nt = STATUS_SUCCESS;
done:
    free(copy);
    if (out.value != NULL) {
        signet_wipe(out.value, out.length);
        ops->release_buffer(&minor, &out);
    }
    return nt;
}

static NTSTATUS
bridge_import(const struct bridge_pkg *pkg, PSecBuffer packed, PLSA_SEC_HANDLE out)
{
    struct bridge_ctx *c;
    gss_buffer_desc in;
    OM_uint32 major, minor = 0;

    *out = 0;
    if (packed == NULL || packed->pvBuffer == NULL || packed->cbBuffer == 0)
        return SEC_E_INVALID_TOKEN;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return SEC_E_INSUFFICIENT_MEMORY;
    c->pkg = pkg;
    in.length = packed->cbBuffer;
    in.value = packed->pvBuffer;
    major = pkg->ops->import_sec_context(&minor, &in, &c->ctx);
    if (major != GSS_S_COMPLETE) {
        free(c);
        return sspi_status_from_gss(SSPI_SITE_ANY, major, minor, pkg->ops->signet_minor, 0);
    }
    finish(c);
    *out = (LSA_SEC_HANDLE)c;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI
bridge_get_info(const struct sspi_builtin *b, PSecPkgInfoW info)
{
    if (info == NULL)
        return STATUS_INVALID_PARAMETER;
    info->fCapabilities = b->caps;
    info->wVersion = b->version;
    info->wRPCID = b->rpcid;
    info->cbMaxToken = b->max_token;
    info->Name = NULL;      /* the registry keeps the names */
    info->Comment = NULL;
    return STATUS_SUCCESS;
}

/* ---- the per-package tables ------------------------------------------------------------------------ */
static int always(void) { return 1; }

static int
ntlm_available(void)
{
    OM_uint32 minor;
    gss_OID_set mechs = GSS_C_NO_OID_SET;
    int present = 0;

    if (gss_indicate_mechs(&minor, &mechs) == GSS_S_COMPLETE)
        (void)gss_test_oid_set_member(&minor, &oid_ntlm, mechs, &present);
    gss_release_oid_set(&minor, &mechs);
    return present;
}

#define BRIDGE_PACKAGE(id, NAME, COMMENT, CAPS, RPCID, AVAILABLE)                       \
    static const struct sspi_builtin id##_builtin;                                   \
    static NTSTATUS NTAPI id##_get_info(PSecPkgInfoW i)                              \
    { return bridge_get_info(&id##_builtin, i); }                                    \
    static NTSTATUS NTAPI id##_acquire(PUNICODE_STRING p, ULONG use, PLUID l,         \
                                       PVOID auth, PVOID gk, PVOID gka,               \
                                       PLSA_SEC_HANDLE out, PTimeStamp exp)           \
    { (void)l; (void)gk; (void)gka;                                                   \
      return bridge_acquire(&pkg_##id, p, use, auth, out, exp); }                    \
    static NTSTATUS NTAPI id##_init(LSA_SEC_HANDLE cr, LSA_SEC_HANDLE cx,             \
                                    PUNICODE_STRING t, ULONG req, ULONG drep,         \
                                    PSecBufferDesc in, PLSA_SEC_HANDLE nh,            \
                                    PSecBufferDesc out, PULONG attrs, PTimeStamp exp, \
                                    PBOOLEAN mapped, PSecBuffer data)                 \
    { (void)drep; *mapped = FALSE; (void)data;                                        \
      return bridge_init(&pkg_##id, cr, cx, t, req, in, nh, out, attrs, exp); }     \
    static NTSTATUS NTAPI id##_accept(LSA_SEC_HANDLE cr, LSA_SEC_HANDLE cx,           \
                                      PSecBufferDesc in, ULONG req, ULONG drep,       \
                                      PLSA_SEC_HANDLE nh, PSecBufferDesc out,         \
                                      PULONG attrs, PTimeStamp exp, PBOOLEAN mapped,  \
                                      PSecBuffer data)                                \
    { (void)drep; *mapped = FALSE; (void)data;                                        \
      return bridge_accept(&pkg_##id, cr, cx, in, req, nh, out, attrs, exp); }      \
    static NTSTATUS NTAPI id##_import(PSecBuffer p, HANDLE tok, PLSA_SEC_HANDLE out)  \
    { (void)tok; return bridge_import(&pkg_##id, p, out); }                          \
    static const SECPKG_FUNCTION_TABLE id##_lsa = {                                  \
        .GetInfo = id##_get_info,                                                     \
        .AcquireCredentialsHandle = id##_acquire,                                     \
        .QueryCredentialsAttributes = bridge_query_cred,                              \
        .FreeCredentialsHandle = bridge_free_cred,                                    \
        .InitLsaModeContext = id##_init,                                              \
        .AcceptLsaModeContext = id##_accept,                                          \
        .DeleteContext = bridge_delete,                                               \
        .QueryContextAttributes = bridge_query_context,                               \
    };                                                                                \
    static const SECPKG_USER_FUNCTION_TABLE id##_user = {                            \
        .MakeSignature = bridge_make_signature,                                       \
        .VerifySignature = bridge_verify_signature,                                   \
        .QueryContextAttributes = bridge_query_context,                               \
        .ExportContext = bridge_export,                                               \
        .ImportContext = id##_import,                                                 \
    };                                                                                \
    static const struct sspi_builtin id##_builtin = {                                \
        &id##_lsa, &id##_user, NAME, COMMENT, CAPS, 1, RPCID,                         \
        0, AVAILABLE                                                                  \
    }

#define COMMON_CAPS (SECPKG_FLAG_INTEGRITY | SECPKG_FLAG_PRIVACY | SECPKG_FLAG_CONNECTION | \
                     SECPKG_FLAG_MULTI_REQUIRED | SECPKG_FLAG_EXTENDED_ERROR |             \
                     SECPKG_FLAG_NEGOTIABLE)

BRIDGE_PACKAGE(negotiate, "Negotiate", "SPNEGO (RFC 4178) through GSS-API",
               COMMON_CAPS | SECPKG_FLAG_ACCEPT_WIN32_NAME | SECPKG_FLAG_LOGON,
               RPC_C_AUTHN_GSS_NEGOTIATE, always);
BRIDGE_PACKAGE(kerberos, "Kerberos", "Kerberos V5 (RFC 4121) through GSS-API",
               COMMON_CAPS | SECPKG_FLAG_TOKEN_ONLY | SECPKG_FLAG_GSS_COMPATIBLE |
               SECPKG_FLAG_ACCEPT_WIN32_NAME | SECPKG_FLAG_MUTUAL_AUTH |
               SECPKG_FLAG_DELEGATION | SECPKG_FLAG_LOGON,
               RPC_C_AUTHN_GSS_KERBEROS, always);
BRIDGE_PACKAGE(ntlm, "NTLM", "NTLM (gss-ntlmssp) through GSS-API",
               COMMON_CAPS | SECPKG_FLAG_TOKEN_ONLY | SECPKG_FLAG_DATAGRAM |
               SECPKG_FLAG_ACCEPT_WIN32_NAME | SECPKG_FLAG_LOGON,
               RPC_C_AUTHN_WINNT, ntlm_available);
BRIDGE_PACKAGE(signet, "Signet", "Signet: TLS 1.3 authentication (certificates, PSK)",
               COMMON_CAPS | SECPKG_FLAG_TOKEN_ONLY | SECPKG_FLAG_DATAGRAM |
               SECPKG_FLAG_GSS_COMPATIBLE | SECPKG_FLAG_MUTUAL_AUTH,
               SECPKG_ID_NONE, always);

const struct sspi_builtin *
sspi_gss_builtins(size_t *count)
{
    static struct sspi_builtin all[4];
    static const struct sspi_builtin *const src[4] = {
        &negotiate_builtin, &kerberos_builtin, &ntlm_builtin, &signet_builtin
    };
    static const struct bridge_pkg *const pkgs[4] = {
        &pkg_negotiate, &pkg_kerberos, &pkg_ntlm, &pkg_signet
    };
    size_t i;

    for (i = 0; i < 4; i++) {
        all[i] = *src[i];
        all[i].max_token = pkgs[i]->max_token;
    }
    *count = 4;
    return all;
}
