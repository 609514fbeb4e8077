/*
 * sspi_pair.h - an established Signet context pair in one process, made
 * through the public SSPI calls (AcquireCredentialsHandle,
 * InitializeSecurityContext, AcceptSecurityContext) with a pre-shared key
 * written to a private temporary file, and the one-buffer signing helpers
 * the SSPI test programs share.  Programs that run standalone (make check)
 * need nothing from their environment.
 */
#ifndef SSPI_TEST_PAIR_H
#define SSPI_TEST_PAIR_H

#include <sspi.h>

/* A Signet MIC token of the default QOP (AES-256-GMAC): 24 + 16 bytes;
 * SEQ at 4..11, nonce (INSTANCE || COUNTER) at 12..23 (docs/tokens.md). */
#define PAIR_MIC_LEN 40
#define PAIR_MIC_SEQ 4
#define PAIR_MIC_NONCE 12
#define PAIR_NONCE_LEN 12
#define PAIR_SIG_MAX 96

struct sspi_pair {
    CredHandle ccred, scred;
    CtxtHandle cli, srv;
};

/* Writes a fresh PSK file in a private directory (removed at exit) and
 * returns its path; points SIGNET_CONFIG and GSS_MECH_CONFIG at /dev/null
 * unless they are set.  Exits with a message on failure. */
const char *pair_psk_file(void);
/* Establishes p with ISC_REQ_* flags req; 0, or -1 (nothing left held). */
int pair_establish(struct sspi_pair *p, const char *psk_file, ULONG req);
/* Deletes whatever handles of p are still valid. */
void pair_free(struct sspi_pair *p);

/* MakeSignature (QOP 0, MessageSeqNo 0) over {DATA text, TOKEN}: the token
 * is copied to sig (PAIR_SIG_MAX bytes), its length to *siglen. */
SECURITY_STATUS pair_sign(CtxtHandle *ctx, const char *text, unsigned char *sig,
                          ULONG *siglen);
/* VerifySignature of sig over text. */
SECURITY_STATUS pair_verify(CtxtHandle *ctx, const char *text, const unsigned char *sig,
                            ULONG siglen);

#endif
