/*
 * putty_gss.c - a program shaped like PuTTY's Windows GSSAPI code
 * (windows/gss.c): it gets the SSPI function table, acquires outbound
 * credentials, runs InitializeSecurityContextA with ISC_REQ_ALLOCATE_MEMORY,
 * sizes its MIC buffer from QueryContextAttributesA(SECPKG_ATTR_SIZES) and
 * signs with buffers {DATA, TOKEN}, fQOP 0, MessageSeqNo 0; it checks the
 * server's MIC with VerifySignature.  The SSPI part is Windows code as it
 * stands (only the socket calls are POSIX); it builds here with
 * `pkg-config signet-sspi` and -Werror (tests/test_sspi_api.py).
 *
 *   putty_gss PACKAGE HOST PORT SERVICE-PRINCIPAL  (e.g. Kerberos 127.0.0.1 4444 host/localhost)
 * Talks the gss-sample protocol to gss-server.  Exit 0 on success.
 */
#define SECURITY_WIN32
#include <windows.h>
#include <security.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static PSecurityFunctionTableA sspi;

typedef struct {
    CredHandle cred_handle;
    CtxtHandle context, *context_handle;
    TimeStamp expiry;
    ULONG ctx_attrs;
} winSsh_gss_ctx;

static int
xwrite(int s, const void *p, size_t n)
{
    const char *c = p;

    while (n) {
        ssize_t w = write(s, c, n);

        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static int
xread(int s, void *p, size_t n)
{
    char *c = p;

    while (n) {
        ssize_t r = read(s, c, n);

        if (r <= 0)
            return -1;
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

static int
send_tok(int s, int flags, const void *p, DWORD n)
{
    unsigned char h[5] = { (unsigned char)flags, (unsigned char)(n >> 24),
                           (unsigned char)(n >> 16), (unsigned char)(n >> 8),
                           (unsigned char)n };

    return xwrite(s, h, 5) || (n && xwrite(s, p, n)) ? -1 : 0;
}

static unsigned char *
recv_tok(int s, int *flags, DWORD *n)
{
    unsigned char h[5], *p;

    if (xread(s, h, 5))
        return NULL;
    *flags = h[0];
    *n = ((DWORD)h[1] << 24) | ((DWORD)h[2] << 16) | ((DWORD)h[3] << 8) | h[4];
    p = malloc(*n + 1);
    if (p != NULL && *n && xread(s, p, *n)) {
        free(p);
        return NULL;
    }
    return p;
}

int
main(int argc, char **argv)
{
    winSsh_gss_ctx *winctx;
    SECURITY_STATUS sec_status;
    SecBuffer wsend_tok, wrecv_tok;
    SecBufferDesc output_desc, input_desc;
    SecPkgContext_Sizes ContextSizes;
    SecBufferDesc InputBufferDescriptor;
    SecBuffer InputSecurityToken[2];
    struct sockaddr_in sa;
    unsigned char *tok = NULL, *mic;
    DWORD toklen = 0;
    ULONG qop;
    int s, flags;
    const char *msg = "PuTTY-shaped message";

    if (argc != 5) {
        fprintf(stderr, "usage: putty_gss PACKAGE HOST PORT SPN\n");
        return 2;
    }
    sspi = InitSecurityInterfaceA();
    if (sspi == NULL || sspi->AcquireCredentialsHandleA == NULL)
        return 1;

    winctx = calloc(1, sizeof(winSsh_gss_ctx));
    sec_status = sspi->AcquireCredentialsHandleA(NULL, argv[1], SECPKG_CRED_OUTBOUND, NULL,
                                                 NULL, NULL, NULL, &winctx->cred_handle,
                                                 &winctx->expiry);
    if (sec_status != SEC_E_OK) {
        printf("AcquireCredentialsHandleA: 0x%08x\n", (unsigned)sec_status);
        return 1;
    }

    s = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)atoi(argv[3]));
    inet_pton(AF_INET, argv[2], &sa.sin_addr);
    if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0 || send_tok(s, 0x11, NULL, 0))
        return 1;

    /* ssh_sspi_init_sec_context */
    for (;;) {
        wsend_tok.BufferType = SECBUFFER_TOKEN;
        wsend_tok.cbBuffer = 0;
        wsend_tok.pvBuffer = NULL;
        output_desc.ulVersion = SECBUFFER_VERSION;
        output_desc.cBuffers = 1;
        output_desc.pBuffers = &wsend_tok;
        wrecv_tok.BufferType = SECBUFFER_TOKEN;
        wrecv_tok.cbBuffer = toklen;
        wrecv_tok.pvBuffer = tok;
        input_desc.ulVersion = SECBUFFER_VERSION;
        input_desc.cBuffers = 1;
        input_desc.pBuffers = &wrecv_tok;
        sec_status = sspi->InitializeSecurityContextA(
            &winctx->cred_handle, winctx->context_handle, argv[4],
            ISC_REQ_MUTUAL_AUTH | ISC_REQ_REPLAY_DETECT | ISC_REQ_CONFIDENTIALITY |
            ISC_REQ_ALLOCATE_MEMORY,
            0, SECURITY_NATIVE_DREP, tok ? &input_desc : NULL, 0, &winctx->context,
            &output_desc, &winctx->ctx_attrs, &winctx->expiry);
        free(tok);
        tok = NULL;
        winctx->context_handle = &winctx->context;
        if (sec_status != SEC_E_OK && sec_status != SEC_I_CONTINUE_NEEDED) {
            printf("InitializeSecurityContextA: 0x%08x\n", (unsigned)sec_status);
            return 1;
        }
        if (wsend_tok.cbBuffer != 0) {
            send_tok(s, 0x02, wsend_tok.pvBuffer, wsend_tok.cbBuffer);
            sspi->FreeContextBuffer(wsend_tok.pvBuffer);
        }
        if (sec_status == SEC_E_OK)
            break;
        tok = recv_tok(s, &flags, &toklen);
        if (tok == NULL)
            return 1;
    }
    if (!(winctx->ctx_attrs & ISC_RET_MUTUAL_AUTH)) {
        printf("no mutual authentication\n");
        return 1;
    }

    /* ssh_sspi_get_mic */
    sec_status = sspi->QueryContextAttributesA(winctx->context_handle, SECPKG_ATTR_SIZES,
                                               &ContextSizes);
    if (sec_status != SEC_E_OK || ContextSizes.cbMaxSignature == 0)
        return 1;
    InputBufferDescriptor.cBuffers = 2;
    InputBufferDescriptor.pBuffers = InputSecurityToken;
    InputBufferDescriptor.ulVersion = SECBUFFER_VERSION;
    InputSecurityToken[0].BufferType = SECBUFFER_DATA;
    InputSecurityToken[0].cbBuffer = (ULONG)strlen(msg);
    InputSecurityToken[0].pvBuffer = (void *)msg;
    InputSecurityToken[1].BufferType = SECBUFFER_TOKEN;
    InputSecurityToken[1].cbBuffer = ContextSizes.cbMaxSignature;
    InputSecurityToken[1].pvBuffer = malloc(ContextSizes.cbMaxSignature);
    sec_status = sspi->MakeSignature(winctx->context_handle, 0, &InputBufferDescriptor, 0);
    if (sec_status != SEC_E_OK) {
        printf("MakeSignature: 0x%08x\n", (unsigned)sec_status);
        return 1;
    }
    printf("mic length %u of at most %u\n", InputSecurityToken[1].cbBuffer,
           ContextSizes.cbMaxSignature);
    free(InputSecurityToken[1].pvBuffer);

    /* the server's MIC over a message: ssh_sspi_verify_mic */
    send_tok(s, 0x04 | 0x80, msg, (DWORD)strlen(msg));
    mic = recv_tok(s, &flags, &toklen);
    if (mic == NULL || !(flags & 0x08))
        return 1;
    InputSecurityToken[0].BufferType = SECBUFFER_DATA;
    InputSecurityToken[0].cbBuffer = (ULONG)strlen(msg);
    InputSecurityToken[0].pvBuffer = (void *)msg;
    InputSecurityToken[1].BufferType = SECBUFFER_TOKEN;
    InputSecurityToken[1].cbBuffer = toklen;
    InputSecurityToken[1].pvBuffer = mic;
    sec_status = sspi->VerifySignature(winctx->context_handle, &InputBufferDescriptor, 0, &qop);
    free(mic);
    if (sec_status != SEC_E_OK) {
        printf("VerifySignature: 0x%08x\n", (unsigned)sec_status);
        return 1;
    }
    send_tok(s, 0x01, NULL, 0);
    close(s);

    /* ssh_sspi_free_context / release_cred */
    sspi->DeleteSecurityContext(winctx->context_handle);
    sspi->FreeCredentialHandle(&winctx->cred_handle);
    free(winctx);
    printf("PuTTY-shaped exchange OK\n");
    return 0;
}
