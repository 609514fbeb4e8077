/*
 * sspi_peer.c - an SSPI client or server written the Windows way, speaking
 * the gss-sample protocol over TCP so that it talks to MIT's gss-server and
 * gss-client and to tests/compat/gss_peer.py (python3-gssapi).
 *
 *   sspi_peer client --port P --package Signet --target host@localhost
 *                    [--host 127.0.0.1] [--req 0xHEX] [--count N] [--msg TEXT]
 *                    [--proto sample|ext] [--seq-start N] [--qop Q] [--split]
 *                    [--alloc] [--wide] [--principal NAME]
 *   sspi_peer server --package Signet [--port 0] [--principal NAME] [--req 0xHEX]
 *                    [--qop Q] [--alloc] [--wide]
 *
 * proto sample (the default): after the context, the client sends each message
 * in clear with TOKEN_DATA|TOKEN_SEND_MIC and checks the server's MIC with
 * VerifySignature (gss-server answers with gss_get_mic); the server signs what
 * it receives with MakeSignature (gss-client -nw checks with gss_verify_mic).
 * proto ext: both directions, frames [u32 seq][u32 len][message][signature]:
 * the client's MakeSignature is checked by the server, whose reply is checked by
 * the client.  seq is MessageSeqNo (datagram contexts: the message's number;
 * others: a running counter, as pyspnego passes).
 * Credentials: auth_from_env() (sspi_util.h).  The last stdout line is a JSON
 * report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <security.h>

#include "sspi_util.h"

struct opts {
    int server;
    const char *host, *package, *target, *principal, *msg, *proto;
    int port, count, split, alloc, wide, export;
    unsigned long req, seq_start, qop;
};

static struct opts o = {
    0, "127.0.0.1", "Signet", "host@localhost", NULL, "hello from sspi", "sample",
    0, 1, 0, 0, 0, 0, 0, 0, 0
};

/* Released at exit, whichever way the program ends (clean under LSan). */
static CredHandle g_cred;
static CtxtHandle g_ctx;
static int g_have_cred, g_have_ctx;
static void *g_mem[4];

static void
cleanup(void)
{
    size_t i;

    if (g_have_ctx)
        DeleteSecurityContext(&g_ctx);
    if (g_have_cred)
        FreeCredentialsHandle(&g_cred);
    for (i = 0; i < sizeof(g_mem) / sizeof(g_mem[0]); i++)
        free(g_mem[i]);
}

static void *
keep(int slot, void *p)
{
    g_mem[slot] = p;
    return p;
}

static void
json_str(const char *key, const char *value)
{
    const char *p;

    printf("\"%s\": ", key);
    if (value == NULL) {
        printf("null, ");
        return;
    }
    putchar('"');
    for (p = value; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if ((unsigned char)*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    printf("\", ");
}

static SEC_WCHAR *
to_w(const char *s)
{
    size_t n, i;
    SEC_WCHAR *w;

    if (s == NULL)
        return NULL;
    n = strlen(s);   /* ASCII test strings */
    w = calloc(n + 1, sizeof(*w));
    for (i = 0; w != NULL && i < n; i++)
        w[i] = (unsigned char)s[i];
    return w;
}

static char *
from_w(const SEC_WCHAR *w)
{
    size_t n = 0, i;
    char *s;

    if (w == NULL)
        return NULL;
    while (w[n])
        n++;
    s = malloc(n + 1);
    for (i = 0; s != NULL && i < n; i++)
        s[i] = w[i] < 0x80 ? (char)w[i] : '?';
    if (s != NULL)
        s[n] = '\0';
    return s;
}

/* Everything a report needs about the established context. */
static void
report_context(CtxtHandle *ctx, ULONG attrs)
{
    SecPkgContext_Sizes sizes;
    SecPkgContext_Flags flags;
    SECURITY_STATUS st;
    char *client = NULL, *server = NULL, *user = NULL, *pkgname = NULL, *sig = NULL;

    memset(&sizes, 0, sizeof(sizes));
    st = QueryContextAttributesA(ctx, SECPKG_ATTR_SIZES, &sizes);
    printf("\"sizes_status\": \"%s\", \"max_token\": %u, \"max_signature\": %u, "
           "\"block_size\": %u, \"trailer\": %u, ", sec_name(st), sizes.cbMaxToken,
           sizes.cbMaxSignature, sizes.cbBlockSize, sizes.cbSecurityTrailer);
    if (QueryContextAttributesA(ctx, SECPKG_ATTR_FLAGS, &flags) == SEC_E_OK)
        printf("\"flags\": %u, ", flags.Flags);
    printf("\"attrs\": %u, ", attrs);
    if (o.wide) {
        SecPkgContext_NativeNamesW nn = { NULL, NULL };
        SecPkgContext_NamesW names = { NULL };
        SecPkgContext_PackageInfoW pi = { NULL };
        SecPkgContext_KeyInfoW ki;

        memset(&ki, 0, sizeof(ki));
        if (QueryContextAttributesW(ctx, SECPKG_ATTR_NATIVE_NAMES, &nn) == SEC_E_OK) {
            client = from_w(nn.sClientName);
            server = from_w(nn.sServerName);
            FreeContextBuffer(nn.sClientName);
            FreeContextBuffer(nn.sServerName);
        }
        if (QueryContextAttributesW(ctx, SECPKG_ATTR_NAMES, &names) == SEC_E_OK) {
            user = from_w(names.sUserName);
            FreeContextBuffer(names.sUserName);
        }
        if (QueryContextAttributesW(ctx, SECPKG_ATTR_PACKAGE_INFO, &pi) == SEC_E_OK) {
            pkgname = from_w(pi.PackageInfo->Name);
            FreeContextBuffer(pi.PackageInfo);
        }
        if (QueryContextAttributesW(ctx, SECPKG_ATTR_KEY_INFO, &ki) == SEC_E_OK) {
            sig = from_w(ki.sSignatureAlgorithmName);
            FreeContextBuffer(ki.sSignatureAlgorithmName);
            FreeContextBuffer(ki.sEncryptAlgorithmName);
        }
    } else {
        SecPkgContext_NativeNamesA nn = { NULL, NULL };
        SecPkgContext_NamesA names = { NULL };
        SecPkgContext_PackageInfoA pi = { NULL };
        SecPkgContext_KeyInfoA ki;

        memset(&ki, 0, sizeof(ki));
        if (QueryContextAttributesA(ctx, SECPKG_ATTR_NATIVE_NAMES, &nn) == SEC_E_OK) {
            client = nn.sClientName ? strdup(nn.sClientName) : NULL;
            server = nn.sServerName ? strdup(nn.sServerName) : NULL;
            FreeContextBuffer(nn.sClientName);
            FreeContextBuffer(nn.sServerName);
        }
        if (QueryContextAttributesA(ctx, SECPKG_ATTR_NAMES, &names) == SEC_E_OK) {
            user = names.sUserName ? strdup(names.sUserName) : NULL;
            FreeContextBuffer(names.sUserName);
        }
        if (QueryContextAttributesA(ctx, SECPKG_ATTR_PACKAGE_INFO, &pi) == SEC_E_OK) {
            pkgname = strdup(pi.PackageInfo->Name);
            FreeContextBuffer(pi.PackageInfo);
        }
        if (QueryContextAttributesA(ctx, SECPKG_ATTR_KEY_INFO, &ki) == SEC_E_OK) {
            sig = ki.sSignatureAlgorithmName ? strdup(ki.sSignatureAlgorithmName) : NULL;
            FreeContextBuffer(ki.sSignatureAlgorithmName);
            FreeContextBuffer(ki.sEncryptAlgorithmName);
        }
    }
    {
        SecPkgContext_SessionKey sk = { 0, NULL };
        char hex[2 * 64 + 1];
        ULONG i;

        hex[0] = '\0';
        if (QueryContextAttributesA(ctx, SECPKG_ATTR_SESSION_KEY, &sk) == SEC_E_OK) {
            for (i = 0; i < sk.SessionKeyLength && i < 64; i++)
                snprintf(hex + 2 * i, 3, "%02x", sk.SessionKey[i]);
            FreeContextBuffer(sk.SessionKey);
            json_str("session_key", hex);
        } else {
            json_str("session_key", NULL);
        }
    }
    json_str("client", client);
    json_str("server", server);
    json_str("user", user);
    json_str("context_package", pkgname);
    json_str("signature_algorithm", sig);
    free(client);
    free(server);
    free(user);
    free(pkgname);
    free(sig);
}

static void
finish(int ok, const char *stage, SECURITY_STATUS st, int messages)
{
    printf("\"messages\": %d, ", messages);
    json_str("stage", stage);
    printf("\"status\": \"%s\", \"ok\": %s}\n", sec_name(st), ok ? "true" : "false");
    fflush(stdout);
}

/* Signs msg; the signature goes to sig (cap bytes), its length to *siglen. */
static SECURITY_STATUS
sign(CtxtHandle *ctx, unsigned char *msg, size_t len, ULONG seq, unsigned char *sig,
     ULONG cap, ULONG *siglen)
{
    SecBuffer b[4];
    SecBufferDesc d = { SECBUFFER_VERSION, 0, b };
    unsigned char ignored[4] = { 1, 2, 3, 4 };
    SECURITY_STATUS st;

    if (o.split && len >= 2) {
        /* DATA + DATA|READONLY (signed alike) + one the package must skip */
        b[0].BufferType = SECBUFFER_DATA;
        b[0].cbBuffer = (ULONG)(len / 2);
        b[0].pvBuffer = msg;
        b[1].BufferType = SECBUFFER_DATA | SECBUFFER_READONLY;
        b[1].cbBuffer = (ULONG)(len - len / 2);
        b[1].pvBuffer = msg + len / 2;
        b[2].BufferType = SECBUFFER_DATA | SECBUFFER_READONLY_WITH_CHECKSUM;
        b[2].cbBuffer = sizeof(ignored);
        b[2].pvBuffer = ignored;
        b[3].BufferType = SECBUFFER_TOKEN;
        b[3].cbBuffer = cap;
        b[3].pvBuffer = sig;
        d.cBuffers = 4;
    } else {
        b[0].BufferType = SECBUFFER_DATA;
        b[0].cbBuffer = (ULONG)len;
        b[0].pvBuffer = msg;
        b[1].BufferType = SECBUFFER_TOKEN;
        b[1].cbBuffer = cap;
        b[1].pvBuffer = sig;
        d.cBuffers = 2;
    }
    st = MakeSignature(ctx, (ULONG)o.qop, &d, seq);
    *siglen = b[d.cBuffers - 1].cbBuffer;
    return st;
}

static SECURITY_STATUS
verify(CtxtHandle *ctx, unsigned char *msg, size_t len, unsigned char *sig, size_t siglen,
       ULONG seq, ULONG *qop)
{
    SecBuffer b[2];
    SecBufferDesc d = { SECBUFFER_VERSION, 2, b };

    b[0].BufferType = SECBUFFER_DATA;
    b[0].cbBuffer = (ULONG)len;
    b[0].pvBuffer = msg;
    b[1].BufferType = SECBUFFER_TOKEN;
    b[1].cbBuffer = (ULONG)siglen;
    b[1].pvBuffer = sig;
    return VerifySignature(ctx, &d, seq, qop);
}

static SECURITY_STATUS
acquire(ULONG use, CredHandle *cred, ULONG *max_token)
{
    SECURITY_STATUS st;
    TimeStamp expiry;
    PSecPkgInfoA info = NULL;

    st = QuerySecurityPackageInfoA((SEC_CHAR *)o.package, &info);
    if (st != SEC_E_OK)
        return st;
    *max_token = info->cbMaxToken;
    FreeContextBuffer(info);
    if (o.wide) {
        SEC_WCHAR *principal = to_w(o.principal), *package = to_w(o.package);

        st = AcquireCredentialsHandleW(principal, package, use, NULL,
                                       auth_from_env(o.package), NULL, NULL, cred, &expiry);
        free(principal);
        free(package);
    } else {
        st = AcquireCredentialsHandleA((SEC_CHAR *)o.principal, (SEC_CHAR *)o.package, use,
                                       NULL, auth_from_env(o.package), NULL, NULL, cred,
                                       &expiry);
    }
    return st;
}

static int
run_client(void)
{
    CredHandle cred;
    CtxtHandle ctx;
    SecBuffer inb[2], outb[1];
    SecBufferDesc in = { SECBUFFER_VERSION, 1, inb }, out = { SECBUFFER_VERSION, 1, outb };
    ULONG attrs = 0, max_token = 0, qop;
    TimeStamp expiry;
    SECURITY_STATUS st;
    unsigned char *tok = NULL, *outbuf = NULL;
    size_t toklen = 0;
    int fd, flags, first = 1, messages = 0, i;
    SEC_WCHAR *wtarget = keep(0, to_w(o.target));

    SecInvalidateHandle(&ctx);
    printf("{\"role\": \"initiator\", ");
    json_str("package", o.package);
    st = acquire(SECPKG_CRED_OUTBOUND, &cred, &max_token);
    if (st != SEC_E_OK) {
        finish(0, "acquire", st, 0);
        return 1;
    }
    g_cred = cred;
    g_have_cred = 1;
    fd = tcp_connect(o.host, o.port);
    if (fd < 0 || send_token(fd, TOKEN_NOOP | TOKEN_CONTEXT_NEXT, NULL, 0) != 0) {
        finish(0, "connect", SEC_E_INTERNAL_ERROR, 0);
        return 1;
    }
    outbuf = keep(1, malloc(max_token));
    for (;;) {
        inb[0].BufferType = SECBUFFER_TOKEN;
        inb[0].cbBuffer = (ULONG)toklen;
        inb[0].pvBuffer = tok;
        outb[0].BufferType = SECBUFFER_TOKEN;
        outb[0].cbBuffer = o.alloc ? 0 : max_token;
        outb[0].pvBuffer = o.alloc ? NULL : outbuf;
        if (o.wide)
            st = InitializeSecurityContextW(&cred, first ? NULL : &ctx, wtarget,
                                            (ULONG)o.req | (o.alloc ? ISC_REQ_ALLOCATE_MEMORY : 0),
                                            0, SECURITY_NATIVE_DREP, first ? NULL : &in, 0,
                                            &ctx, &out, &attrs, &expiry);
        else
            st = InitializeSecurityContextA(&cred, first ? NULL : &ctx, (SEC_CHAR *)o.target,
                                            (ULONG)o.req | (o.alloc ? ISC_REQ_ALLOCATE_MEMORY : 0),
                                            0, SECURITY_NATIVE_DREP, first ? NULL : &in, 0,
                                            &ctx, &out, &attrs, &expiry);
        free(tok);
        tok = NULL;
        toklen = 0;
        if (st != SEC_E_OK && st != SEC_I_CONTINUE_NEEDED) {
            if (outb[0].cbBuffer > 0)
                send_token(fd, TOKEN_CONTEXT, outb[0].pvBuffer, outb[0].cbBuffer);
            if (o.alloc)
                FreeContextBuffer(outb[0].pvBuffer);
            finish(0, "initialize", st, 0);
            return 1;
        }
        first = 0;
        g_ctx = ctx;
        g_have_ctx = 1;
        if (outb[0].cbBuffer > 0 &&
            send_token(fd, TOKEN_CONTEXT, outb[0].pvBuffer, outb[0].cbBuffer) != 0) {
            finish(0, "send", SEC_E_INTERNAL_ERROR, 0);
            return 1;
        }
        if (o.alloc)
            FreeContextBuffer(outb[0].pvBuffer);
        if (st == SEC_E_OK)
            break;
        if (recv_token(fd, &flags, &tok, &toklen) != 0) {
            finish(0, "recv", SEC_E_INTERNAL_ERROR, 0);
            return 1;
        }
    }
    report_context(&ctx, attrs);
    if (o.export) {
        /* move the context through ExportSecurityContext/ImportSecurityContext
         * and go on with the imported handle */
        SecBuffer packed = { 0, 0, NULL };

        st = ExportSecurityContext(&ctx, SECPKG_CONTEXT_EXPORT_DELETE_OLD, &packed, NULL);
        if (st != SEC_E_OK) {
            finish(0, "export", st, 0);
            return 1;
        }
        g_have_ctx = 0;
        st = ImportSecurityContextA((SEC_CHAR *)o.package, &packed, NULL, &ctx);
        FreeContextBuffer(packed.pvBuffer);
        if (st != SEC_E_OK) {
            finish(0, "import", st, 0);
            return 1;
        }
        g_ctx = ctx;
        g_have_ctx = 1;
        printf("\"exported_bytes\": %u, ", packed.cbBuffer);
    }
    {
        SecPkgContext_Sizes sizes;
        unsigned char *sig, *frame, *data;
        size_t len, dlen;
        ULONG siglen;

        QueryContextAttributesA(&ctx, SECPKG_ATTR_SIZES, &sizes);
        sig = keep(2, malloc(sizes.cbMaxSignature));
        for (i = 0; i < o.count; i++) {
            ULONG seq = (ULONG)(o.seq_start + (unsigned long)i);
            char text[512];

            snprintf(text, sizeof(text), "%s #%d", o.msg, i);
            len = strlen(text);
            if (strcmp(o.proto, "sample") == 0) {
                if (send_token(fd, TOKEN_DATA | TOKEN_SEND_MIC, text, len) != 0 ||
                    recv_token(fd, &flags, &data, &dlen) != 0 || !(flags & TOKEN_MIC)) {
                    finish(0, "exchange", SEC_E_INTERNAL_ERROR, messages);
                    return 1;
                }
                st = verify(&ctx, (unsigned char *)text, len, data, dlen, 0, &qop);
                free(data);
                if (st != SEC_E_OK) {
                    finish(0, "verify", st, messages);
                    return 1;
                }
                messages++;
                continue;
            }
            st = sign(&ctx, (unsigned char *)text, len, seq, sig, sizes.cbMaxSignature, &siglen);
            if (st != SEC_E_OK) {
                finish(0, "sign", st, messages);
                return 1;
            }
            frame = malloc(8 + len + siglen);
            put_u32(frame, seq);
            put_u32(frame + 4, len);
            memcpy(frame + 8, text, len);
            memcpy(frame + 8 + len, sig, siglen);
            if (send_token(fd, TOKEN_DATA | TOKEN_MIC, frame, 8 + len + siglen) != 0 ||
                recv_token(fd, &flags, &data, &dlen) != 0 || dlen < 8 ||
                get_u32(data + 4) > dlen - 8) {
                free(frame);
                finish(0, "exchange", SEC_E_INTERNAL_ERROR, messages);
                return 1;
            }
            free(frame);
            len = get_u32(data + 4);
            st = verify(&ctx, data + 8, len, data + 8 + len, dlen - 8 - len,
                        (ULONG)get_u32(data), &qop);
            free(data);
            if (st != SEC_E_OK) {
                finish(0, "verify", st, messages);
                return 1;
            }
            messages++;
        }
    }
    send_token(fd, TOKEN_NOOP, NULL, 0);
    close(fd);
    g_have_ctx = g_have_cred = 0;
    st = DeleteSecurityContext(&ctx);
    if (st == SEC_E_OK)
        st = FreeCredentialsHandle(&cred);
    finish(st == SEC_E_OK, "done", st, messages);
    return st == SEC_E_OK ? 0 : 1;
}

static int
run_server(void)
{
    CredHandle cred;
    CtxtHandle ctx;
    SecBuffer inb[1], outb[1];
    SecBufferDesc in = { SECBUFFER_VERSION, 1, inb }, out = { SECBUFFER_VERSION, 1, outb };
    ULONG attrs = 0, max_token = 0, qop = 0, siglen;
    TimeStamp expiry;
    SECURITY_STATUS st;
    unsigned char *tok = NULL, *outbuf, *sig;
    size_t toklen = 0;
    int lfd, fd, flags, port = 0, first = 1, messages = 0;
    SecPkgContext_Sizes sizes;

    st = acquire(SECPKG_CRED_INBOUND, &cred, &max_token);
    if (st != SEC_E_OK) {
        printf("{\"role\": \"acceptor\", ");
        finish(0, "acquire", st, 0);
        return 1;
    }
    g_cred = cred;
    g_have_cred = 1;
    lfd = tcp_listen(o.port, &port);
    if (lfd < 0)
        return 1;
    printf("listening %d\n", port);
    fflush(stdout);
    fd = accept(lfd, NULL, NULL);
    close(lfd);
    printf("{\"role\": \"acceptor\", ");
    json_str("package", o.package);
    if (fd < 0 || recv_token(fd, &flags, &tok, &toklen) != 0 ||
        !(flags & TOKEN_CONTEXT_NEXT)) {
        finish(0, "connect", SEC_E_INTERNAL_ERROR, 0);
        return 1;
    }
    free(tok);
    outbuf = keep(1, malloc(max_token));
    for (;;) {
        if (recv_token(fd, &flags, &tok, &toklen) != 0) {
            finish(0, "recv", SEC_E_INTERNAL_ERROR, 0);
            return 1;
        }
        inb[0].BufferType = SECBUFFER_TOKEN;
        inb[0].cbBuffer = (ULONG)toklen;
        inb[0].pvBuffer = tok;
        outb[0].BufferType = SECBUFFER_TOKEN;
        outb[0].cbBuffer = o.alloc ? 0 : max_token;
        outb[0].pvBuffer = o.alloc ? NULL : outbuf;
        st = AcceptSecurityContext(&cred, first ? NULL : &ctx, &in,
                                   (ULONG)o.req | (o.alloc ? ASC_REQ_ALLOCATE_MEMORY : 0),
                                   SECURITY_NATIVE_DREP, &ctx, &out, &attrs, &expiry);
        free(tok);
        if (outb[0].cbBuffer > 0)
            send_token(fd, TOKEN_CONTEXT, outb[0].pvBuffer, outb[0].cbBuffer);
        if (o.alloc)
            FreeContextBuffer(outb[0].pvBuffer);
        if (st != SEC_E_OK && st != SEC_I_CONTINUE_NEEDED) {
            finish(0, "accept", st, 0);
            return 1;
        }
        first = 0;
        g_ctx = ctx;
        g_have_ctx = 1;
        if (st == SEC_E_OK)
            break;
    }
    report_context(&ctx, attrs);
    QueryContextAttributesA(&ctx, SECPKG_ATTR_SIZES, &sizes);
    sig = keep(2, malloc(sizes.cbMaxSignature));
    for (;;) {
        unsigned char *frame;
        size_t len;

        if (recv_token(fd, &flags, &tok, &toklen) != 0) {
            finish(0, "recv", SEC_E_INTERNAL_ERROR, messages);
            return 1;
        }
        if (flags & TOKEN_NOOP) {
            free(tok);
            break;
        }
        if (flags & TOKEN_WRAPPED) {
            free(tok);
            finish(0, "unwrap", SEC_E_UNSUPPORTED_FUNCTION, messages);
            return 1;
        }
        if (flags & TOKEN_MIC) {          /* ext: [seq][len][msg][sig] */
            ULONG seq;
            char reply[600];

            if (toklen < 8 || get_u32(tok + 4) > toklen - 8) {
                finish(0, "frame", SEC_E_INVALID_TOKEN, messages);
                return 1;
            }
            seq = (ULONG)get_u32(tok);
            len = get_u32(tok + 4);
            st = verify(&ctx, tok + 8, len, tok + 8 + len, toklen - 8 - len, seq, &qop);
            if (st != SEC_E_OK) {
                finish(0, "verify", st, messages);
                return 1;
            }
            snprintf(reply, sizeof(reply), "verified:%.*s", (int)(len < 500 ? len : 500),
                     (char *)tok + 8);
            free(tok);
            len = strlen(reply);
            st = sign(&ctx, (unsigned char *)reply, len, seq, sig, sizes.cbMaxSignature,
                      &siglen);
            if (st != SEC_E_OK) {
                finish(0, "sign", st, messages);
                return 1;
            }
            frame = malloc(8 + len + siglen);
            put_u32(frame, seq);
            put_u32(frame + 4, len);
            memcpy(frame + 8, reply, len);
            memcpy(frame + 8 + len, sig, siglen);
            send_token(fd, TOKEN_MIC, frame, 8 + len + siglen);
            free(frame);
            messages++;
            continue;
        }
        if (flags & TOKEN_SEND_MIC) {     /* gss-client -nw */
            st = sign(&ctx, tok, toklen, 0, sig, sizes.cbMaxSignature, &siglen);
            free(tok);
            if (st != SEC_E_OK) {
                finish(0, "sign", st, messages);
                return 1;
            }
            send_token(fd, TOKEN_MIC, sig, siglen);
        } else {
            free(tok);
            send_token(fd, TOKEN_NOOP, NULL, 0);
        }
        messages++;
    }
    printf("\"last_qop\": %u, ", qop);
    close(fd);
    g_have_ctx = g_have_cred = 0;
    st = DeleteSecurityContext(&ctx);
    if (st == SEC_E_OK)
        st = FreeCredentialsHandle(&cred);
    finish(st == SEC_E_OK, "done", st, messages);
    return st == SEC_E_OK ? 0 : 1;
}

int
main(int argc, char **argv)
{
    int i;

    if (argc < 2) {
        fprintf(stderr, "usage: sspi_peer client|server [options]\n");
        return 2;
    }
    o.server = strcmp(argv[1], "server") == 0;
    atexit(cleanup);
    for (i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(a, "--split") == 0) { o.split = 1; continue; }
        if (strcmp(a, "--alloc") == 0) { o.alloc = 1; continue; }
        if (strcmp(a, "--wide") == 0) { o.wide = 1; continue; }
        if (strcmp(a, "--export") == 0) { o.export = 1; continue; }
        if (v == NULL) {
            fprintf(stderr, "sspi_peer: %s needs a value\n", a);
            return 2;
        }
        i++;
        if (strcmp(a, "--port") == 0) o.port = atoi(v);
        else if (strcmp(a, "--host") == 0) o.host = v;
        else if (strcmp(a, "--package") == 0) o.package = v;
        else if (strcmp(a, "--target") == 0) o.target = v;
        else if (strcmp(a, "--principal") == 0) o.principal = v;
        else if (strcmp(a, "--msg") == 0) o.msg = v;
        else if (strcmp(a, "--proto") == 0) o.proto = v;
        else if (strcmp(a, "--count") == 0) o.count = atoi(v);
        else if (strcmp(a, "--req") == 0) o.req = strtoul(v, NULL, 0);
        else if (strcmp(a, "--seq-start") == 0) o.seq_start = strtoul(v, NULL, 0);
        else if (strcmp(a, "--qop") == 0) o.qop = strtoul(v, NULL, 0);
        else {
            fprintf(stderr, "sspi_peer: unknown option %s\n", a);
            return 2;
        }
    }
    return o.server ? run_server() : run_client();
}
