/*
 * sspi_pair.c - an established Signet SSPI context pair for the test
 * programs (sspi_pair.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sspi_pair.h"

static char dir[] = "/tmp/signet-sspi-pair.XXXXXX";
static char path[64];
static pid_t owner;

static void
remove_psk(void)
{
    /* A fork()ed child inherits the atexit handler: only the writer cleans. */
    if (getpid() != owner)
        return;
    unlink(path);
    rmdir(dir);
}

const char *
pair_psk_file(void)
{
    FILE *f;

    if (path[0] != '\0')
        return path;
    umask(077);
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        exit(1);
    }
    snprintf(path, sizeof(path), "%s/psk", dir);
    f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    fprintf(f, "pair 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
    if (fclose(f) != 0) {
        perror(path);
        exit(1);
    }
    owner = getpid();
    atexit(remove_psk);
    setenv("SIGNET_CONFIG", "/dev/null", 0);
    setenv("GSS_MECH_CONFIG", "/dev/null", 0);
    return path;
}

static void
set_token(SecBuffer *b, void *tok, ULONG len)
{
    b->BufferType = SECBUFFER_TOKEN;
    b->cbBuffer = len;
    b->pvBuffer = tok;
}

int
pair_establish(struct sspi_pair *p, const char *psk_file, ULONG req)
{
    SIGNET_AUTH_DATA auth;
    SecBuffer ib, ob;
    SecBufferDesc in = { SECBUFFER_VERSION, 1, &ib }, out = { SECBUFFER_VERSION, 1, &ob };
    SECURITY_STATUS cs = SEC_I_CONTINUE_NEEDED, ss = SEC_I_CONTINUE_NEEDED;
    ULONG attrs;
    void *tok = NULL;
    ULONG toklen = 0;
    int first_c = 1, first_s = 1, rounds, rc = -1;

    memset(p, 0, sizeof(*p));
    memset(&auth, 0, sizeof(auth));
    auth.Version = SIGNET_AUTH_DATA_VERSION;
    auth.PskFile = psk_file;
    if (AcquireCredentialsHandleA(NULL, (SEC_CHAR *)"Signet", SECPKG_CRED_OUTBOUND, NULL,
                                  &auth, NULL, NULL, &p->ccred, NULL) != SEC_E_OK ||
        AcquireCredentialsHandleA(NULL, (SEC_CHAR *)"Signet", SECPKG_CRED_INBOUND, NULL,
                                  &auth, NULL, NULL, &p->scred, NULL) != SEC_E_OK)
        goto done;
    for (rounds = 0; rounds < 10; rounds++) {
        if (cs == SEC_I_CONTINUE_NEEDED) {
            set_token(&ib, tok, toklen);
            set_token(&ob, NULL, 0);
            cs = InitializeSecurityContextA(&p->ccred, first_c ? NULL : &p->cli,
                                            (SEC_CHAR *)"host@localhost",
                                            req | ISC_REQ_ALLOCATE_MEMORY, 0,
                                            SECURITY_NATIVE_DREP, first_c ? NULL : &in, 0,
                                            &p->cli, &out, &attrs, NULL);
            FreeContextBuffer(tok);
            tok = ob.pvBuffer;
            toklen = ob.cbBuffer;
            first_c = 0;
            if (cs != SEC_E_OK && cs != SEC_I_CONTINUE_NEEDED)
                goto done;
        }
        if (toklen == 0 && cs == SEC_E_OK && ss == SEC_E_OK)
            break;
        if (toklen == 0)
            continue;
        set_token(&ib, tok, toklen);
        set_token(&ob, NULL, 0);
        ss = AcceptSecurityContext(&p->scred, first_s ? NULL : &p->srv, &in,
                                   ASC_REQ_ALLOCATE_MEMORY, SECURITY_NATIVE_DREP, &p->srv,
                                   &out, &attrs, NULL);
        FreeContextBuffer(tok);
        tok = ob.pvBuffer;
        toklen = ob.cbBuffer;
        first_s = 0;
        if (ss != SEC_E_OK && ss != SEC_I_CONTINUE_NEEDED)
            goto done;
        if (cs == SEC_E_OK && ss == SEC_E_OK && toklen == 0)
            break;
    }
    if (cs == SEC_E_OK && ss == SEC_E_OK)
        rc = 0;
done:
    FreeContextBuffer(tok);
    if (rc != 0)
        pair_free(p);
    return rc;
}

void
pair_free(struct sspi_pair *p)
{
    (void)DeleteSecurityContext(&p->cli);
    (void)DeleteSecurityContext(&p->srv);
    (void)FreeCredentialsHandle(&p->ccred);
    (void)FreeCredentialsHandle(&p->scred);
}

SECURITY_STATUS
pair_sign(CtxtHandle *ctx, const char *text, unsigned char *sig, ULONG *siglen)
{
    SecBuffer b[2];
    SecBufferDesc desc = { SECBUFFER_VERSION, 2, b };
    SECURITY_STATUS st;

    b[0].BufferType = SECBUFFER_DATA;
    b[0].cbBuffer = (ULONG)strlen(text);
    b[0].pvBuffer = (void *)text;
    b[1].BufferType = SECBUFFER_TOKEN;
    b[1].cbBuffer = PAIR_SIG_MAX;
    b[1].pvBuffer = sig;
    st = MakeSignature(ctx, 0, &desc, 0);
    *siglen = st == SEC_E_OK ? b[1].cbBuffer : 0;
    return st;
}

SECURITY_STATUS
pair_verify(CtxtHandle *ctx, const char *text, const unsigned char *sig, ULONG siglen)
{
    SecBuffer b[2];
    SecBufferDesc desc = { SECBUFFER_VERSION, 2, b };
    unsigned char copy[PAIR_SIG_MAX];
    ULONG qop = 0;

    if (siglen > sizeof(copy))
        return SEC_E_INVALID_TOKEN;
    memcpy(copy, sig, siglen);
    b[0].BufferType = SECBUFFER_DATA;
    b[0].cbBuffer = (ULONG)strlen(text);
    b[0].pvBuffer = (void *)text;
    b[1].BufferType = SECBUFFER_TOKEN;
    b[1].cbBuffer = siglen;
    b[1].pvBuffer = copy;
    return VerifySignature(ctx, &desc, 0, &qop);
}
