/*
 * gssapi_signet.h - public definitions of the Signet GSS-API mechanism.
 *
 * Signet authenticates peers with a TLS 1.3 handshake (X.509 certificates or
 * external pre-shared keys) carried in GSS-API context tokens, and protects
 * messages with its own MIC and wrap tokens.  This header gives applications
 * the mechanism OID, its name type, the gss_acquire_cred_from() credential
 * store keys, the QOP values, option OIDs and minor status codes.
 */
#ifndef GSSAPI_SIGNET_H
#define GSSAPI_SIGNET_H

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Mechanism OID 2.25.3215548014888410103 (DER body, without tag/length). */
#define SIGNET_MECH_OID_STRING "2.25.3215548014888410103"
#define SIGNET_MECH_OID_DER_LENGTH 10
#define SIGNET_MECH_OID_DER "\x69\xac\xcf\xfa\xfc\xa0\x8d\x8b\xb7\x77"
#define SIGNET_MECH_NAME "signet"
#define SIGNET_SASL_MECH_NAME "GS2-SIGNET"

/*
 * Name type for authenticated Signet peers: "x509:<RFC 2253 subject DN>" or
 * "psk:<identity>".  OID 2.25.3215548014888410103.1
 */
#define SIGNET_NT_PEER_OID_DER "\x69\xac\xcf\xfa\xfc\xa0\x8d\x8b\xb7\x77\x01"
#define SIGNET_NT_PEER_OID_DER_LENGTH 11

/* gss_acquire_cred_from() credential store keys (see signet(7)). */
#define SIGNET_CRED_CERTIFICATE     "certificate"     /* PEM chain or PKCS#12 */
#define SIGNET_CRED_PRIVATE_KEY     "private_key"     /* PEM private key */
#define SIGNET_CRED_PKCS12_PASSWORD "pkcs12_password" /* password of a PKCS#12 file */
#define SIGNET_CRED_CA_FILE         "ca_file"         /* PEM trust anchors */
#define SIGNET_CRED_CA_DIR          "ca_dir"          /* hashed directory of anchors */
#define SIGNET_CRED_CRL_FILE        "crl_file"        /* PEM CRLs, checked for the whole chain */
#define SIGNET_CRED_PSK_FILE        "psk_file"        /* "identity hexkey" lines */
#define SIGNET_CRED_PSK_IDENTITY    "psk_identity"    /* initiator: which PSK to use */
#define SIGNET_CRED_ALLOW_ANONYMOUS "allow_anonymous" /* acceptor: "yes" admits anonymous initiators */
#define SIGNET_CRED_MAX_LIFETIME    "max_lifetime"    /* seconds; bounds context lifetime */

/* Context flag for transport-supplied sequence numbers (as gss-ntlmssp). */
#ifndef GSS_C_DATAGRAM_FLAG
#define GSS_C_DATAGRAM_FLAG 0x10000
#endif

/*
 * gss_set_sec_context_option() OID that sets the sequence number of the
 * next message a datagram context (GSS_C_DATAGRAM_FLAG) protects when the
 * call gives none in a MECH_PARAMS IOV buffer; later messages count up from
 * it.  Value: 8 bytes, big-endian.  OID 2.25.3215548014888410103.2.1
 */
#define SIGNET_OPT_NEXT_SEQNUM_OID_DER \
    "\x69\xac\xcf\xfa\xfc\xa0\x8d\x8b\xb7\x77\x02\x01"
#define SIGNET_OPT_NEXT_SEQNUM_OID_DER_LENGTH 12

/*
 * QOP values: select the MAC of a MIC or wrap token.  0 is the context's
 * negotiated default.  Values are stable and appear on the wire.
 */
#define SIGNET_QOP_DEFAULT      0
#define SIGNET_QOP_HMAC_SHA256  1
#define SIGNET_QOP_HMAC_SHA384  2
#define SIGNET_QOP_HMAC_SHA512  3
#define SIGNET_QOP_AES256_GMAC  4

/* Minor status codes returned by the mechanism.  gss_display_status() gives
 * a sentence for each (with the detail of the last failure of this thread). */
#define SIGNET_MINOR_BASE 0x53470000u
enum signet_minor {
    SIGNET_OK = 0,
    SIGNET_ERR_NOMEM = SIGNET_MINOR_BASE + 1,
    SIGNET_ERR_INTERNAL,
    SIGNET_ERR_BAD_ARGUMENT,
    SIGNET_ERR_BAD_NAME,
    SIGNET_ERR_BAD_NAMETYPE,
    SIGNET_ERR_NO_CREDENTIALS,
    SIGNET_ERR_CRED_LOAD,
    SIGNET_ERR_CRED_USAGE,
    SIGNET_ERR_CRED_NAME_MISMATCH,
    SIGNET_ERR_PSK_FILE,
    SIGNET_ERR_PSK_UNKNOWN_IDENTITY,
    SIGNET_ERR_PSK_MISMATCH,
    SIGNET_ERR_CERT_UNTRUSTED,
    SIGNET_ERR_CERT_EXPIRED,
    SIGNET_ERR_CERT_NOT_YET_VALID,
    SIGNET_ERR_CERT_REVOKED,
    SIGNET_ERR_CERT_HOST_MISMATCH,
    SIGNET_ERR_CERT_NAME_MISMATCH,
    SIGNET_ERR_CERT_INVALID,
    SIGNET_ERR_PEER_NO_CERT,
    SIGNET_ERR_ANON_REFUSED,
    SIGNET_ERR_HANDSHAKE,
    SIGNET_ERR_TOKEN_TRUNCATED,
    SIGNET_ERR_TOKEN_MALFORMED,
    SIGNET_ERR_TOKEN_UNEXPECTED,
    SIGNET_ERR_TOKEN_WRONG_MECH,
    SIGNET_ERR_TOKEN_REPLAYED,
    SIGNET_ERR_PEER_ERROR,
    SIGNET_ERR_BAD_BINDINGS,
    SIGNET_ERR_CONTEXT_INCOMPLETE,
    SIGNET_ERR_CONTEXT_FAILED,
    SIGNET_ERR_CONTEXT_EXPIRED,
    SIGNET_ERR_WRONG_DIRECTION,
    SIGNET_ERR_BAD_MIC,
    SIGNET_ERR_BAD_QOP,
    SIGNET_ERR_NO_INTEGRITY,
    SIGNET_ERR_NO_CONFIDENTIALITY,
    SIGNET_ERR_RENEGOTIATE,
    SIGNET_ERR_REVALIDATE,
    SIGNET_ERR_SEQUENCE,
    SIGNET_ERR_EXPORT_FORMAT,
    SIGNET_ERR_NO_LOCALNAME,
    SIGNET_ERR_CONFIG,
    SIGNET_ERR_UNSUPPORTED,
    SIGNET_ERR_DELEGATION,
    SIGNET_ERR_PSK_REJECTED,       /* what an initiator learns of a PSK refusal */
    SIGNET_ERR_PEER_FAILED,        /* the peer failed for a reason it keeps */
    SIGNET_ERR_ALREADY_IMPORTED,   /* an exported context imported twice */
    SIGNET_ERR_LAST
};

#ifdef __cplusplus
}
#endif
#endif /* GSSAPI_SIGNET_H */
