/*
 * bridge_mechs.c - the table of mechanism descriptions of the GSS bridge,
 * and the quirk hooks its entries name.
 *
 * Each entry is one package (registry order: Negotiate, Kerberos, NTLM,
 * Signet) and everything in which it differs from the others: its
 * SecPkgInfo, its mechanism OID (spelled here once), the GSS functions it
 * is reached through (mechglue, or the Signet core directly), and its
 * quirks -- how names are passed, which authentication data it takes, how
 * a datagram context gets MessageSeqNo, where the session key and the key
 * information come from, whether its minor codes may be read.  Fields an
 * entry does not set are 0 / NULL, the common behaviour.  Adding a package
 * is adding an entry (bridge_package.c gives it its function tables); no
 * other file of the bridge tests which mechanism it serves (bridge.h).
 *
 * The rows of the table (docs/sspi.md, "Packages"):
 *   Negotiate  SPNEGO through mechglue; a context takes the quirks of the
 *              mechanism SPNEGO chose (Kerberos, NTLM) when it is an entry
 *   Kerberos   krb5 through mechglue; "class/host@REALM" stays a principal
 *   NTLM       gss-ntlmssp through mechglue, listed when configured;
 *              DOMAIN\user names, MessageSeqNo through its sequence-number
 *              context option, no session key
 *   Signet     the Signet core, called directly; Signet's minor codes,
 *              SIGNET_AUTH_DATA keys, MessageSeqNo as MECH_PARAMS, MIC sizes
 *              over all QOPs, a PRF session key, key information from the
 *              negotiated default QOP
 */
#include <stdlib.h>
#include <string.h>

#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <gssapi/gssapi_signet.h>

#include "signet.h"      /* signet_ctx_default_qop */
#include "crypto.h"      /* signet_wipe */
#include "bridge.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Windows' algorithm identifiers (wincrypt.h) */
#define CALG_RC4 0x00006801
#define CALG_AES_256 0x00006610

/* ---- listing -------------------------------------------------------------------- */

/* Listed when mechglue has the mechanism (mech.d or GSS_MECH_CONFIG). */
static int
listed_if_configured(const struct sspi_mech *m)
{
    OM_uint32 minor;
    gss_OID_set mechs = GSS_C_NO_OID_SET;
    int present = 0;

    if (gss_indicate_mechs(&minor, &mechs) == GSS_S_COMPLETE)
        (void)gss_test_oid_set_member(&minor, (gss_OID)&m->oid, mechs, &present);
    gss_release_oid_set(&minor, &mechs);
    return present;
}

/* ---- MessageSeqNo ------------------------------------------------------------------- */

/* gss-ntlmssp's context option: the sequence number of the next message,
 * a host-order uint32 (GSS_NTLMSSP_SET_SEQ_NUM_OID, 1.3.6.1.4.1.7165.655.1.1). */
static OM_uint32
ntlm_set_seqno(const struct sspi_mech *m, gss_ctx_id_t ctx, ULONG seqno, OM_uint32 *minor)
{
    static gss_OID_desc seqnum = {
        .length = 11, .elements = (void *)"\x2b\x06\x01\x04\x01\xb7\x7d\x85\x0f\x01\x01"
    };
    uint32_t v = seqno;
    gss_buffer_desc buf = { sizeof(v), &v };

    return m->ops->set_sec_context_option(minor, &ctx, &seqnum, &buf);
}

/* ---- session keys -------------------------------------------------------------------- */

/* GSS_C_INQ_SSPI_SESSION_KEY (krb5, and whatever SPNEGO chose that has it). */
static NTSTATUS
session_key_inquired(const struct sspi_bridge_ctx *c, SecPkgContext_SessionKey *sk,
                     int *enctype)
{
    const struct sspi_gss_ops *ops = c->pkg->ops;
    OM_uint32 major, minor;
    gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
    unsigned char *key = NULL;
    NTSTATUS nt = SEC_E_UNSUPPORTED_FUNCTION;

    *enctype = 0;
    major = ops->inquire_sec_context_by_oid(&minor, c->ctx, GSS_C_INQ_SSPI_SESSION_KEY, &set);
    if (major != GSS_S_COMPLETE) {
        nt = sspi_bridge_status(c->pkg, SSPI_SITE_ANY, major, minor, 0);
        goto done;
    }
    if (set == GSS_C_NO_BUFFER_SET || set->count < 1)
        goto done;
    nt = SEC_E_INSUFFICIENT_MEMORY;
    key = malloc(set->elements[0].length ? set->elements[0].length : 1);
    if (key == NULL)
        goto done;
    memcpy(key, set->elements[0].value, set->elements[0].length);
    sk->SessionKey = key;
    sk->SessionKeyLength = (ULONG)set->elements[0].length;
    /* The second element is the enctype OID 1.2.840.113554.1.2.2.4.<enctype>. */
    if (set->count >= 2 && set->elements[1].length == 11)
        *enctype = ((unsigned char *)set->elements[1].value)[10];
    nt = STATUS_SUCCESS;
done:
    /* mechglue's copy of the key: wiped before it is released */
    if (set != GSS_C_NO_BUFFER_SET && set->count >= 1)
        signet_wipe(set->elements[0].value, set->elements[0].length);
    if (set != GSS_C_NO_BUFFER_SET)
        ops->release_buffer_set(&minor, &set);
    return nt;
}

/* Signet: a key both ends derive alike, 32 bytes of
 * gss_pseudo_random(GSS_C_PRF_KEY_FULL, "signet sspi session key"). */
static NTSTATUS
session_key_prf(const struct sspi_bridge_ctx *c, SecPkgContext_SessionKey *sk, int *enctype)
{
    static const char label[] = "signet sspi session key";
    gss_buffer_desc in = { sizeof(label) - 1, (void *)label }, out = GSS_C_EMPTY_BUFFER;
    OM_uint32 major, minor = 0;
    NTSTATUS nt;

    *enctype = 0;
    major = c->pkg->ops->pseudo_random(&minor, c->ctx, GSS_C_PRF_KEY_FULL, &in, 32, &out);
    nt = sspi_bridge_status(c->pkg, SSPI_SITE_ANY, major, minor, 0);
    if (major == GSS_S_COMPLETE) {
        sk->SessionKey = out.value;
        sk->SessionKeyLength = (ULONG)out.length;
    }
    return nt;
}

/* ---- key information ---------------------------------------------------------------- */

/* Kerberos: from the session key's enctype (RFC 3961/3962/8009 numbers). */
static NTSTATUS
key_info_from_enctype(const struct sspi_bridge_ctx *c, struct sspi_key_info *ki)
{
    static const struct {
        int enctype;
        ULONG bits;
        ULONG cksum;
        const char *sig, *enc;
    } algs[] = {
        { .enctype = 17, .bits = 128, .cksum = 15,
          .sig = "HMAC_SHA1_96_AES128", .enc = "AES128-CTS-HMAC-SHA1-96" },
        { .enctype = 18, .bits = 256, .cksum = 16,
          .sig = "HMAC_SHA1_96_AES256", .enc = "AES256-CTS-HMAC-SHA1-96" },
        { .enctype = 19, .bits = 128, .cksum = 19,
          .sig = "HMAC_SHA256_128_AES128", .enc = "AES128-CTS-HMAC-SHA256-128" },
        { .enctype = 20, .bits = 256, .cksum = 20,
          .sig = "HMAC_SHA384_192_AES256", .enc = "AES256-CTS-HMAC-SHA384-192" },
        { .enctype = 23, .bits = 128, .cksum = (ULONG)-138,
          .sig = "HMAC_MD5", .enc = "RC4-HMAC" },
    };
    SecPkgContext_SessionKey sk = { 0, NULL };
    int enctype = 0;
    size_t i;
    NTSTATUS nt = session_key_inquired(c, &sk, &enctype);

    if (NT_SUCCESS(nt)) {
        signet_wipe(sk.SessionKey, sk.SessionKeyLength);
        free(sk.SessionKey);
        nt = SEC_E_UNSUPPORTED_FUNCTION;
        for (i = 0; i < COUNT(algs); i++) {
            if (algs[i].enctype == enctype) {
                ki->bits = algs[i].bits;
                ki->sig_alg = algs[i].cksum;
                ki->sig_name = algs[i].sig;
                ki->enc_name = algs[i].enc;
                ki->enc_alg = (ULONG)enctype;
                nt = STATUS_SUCCESS;
            }
        }
    }
    return nt;
}

/* NTLM (gss-ntlmssp: NTLMv2 session security). */
static NTSTATUS
key_info_ntlm(const struct sspi_bridge_ctx *c, struct sspi_key_info *ki)
{
    (void)c;
    ki->bits = 128;
    ki->sig_name = "HMAC-MD5";
    ki->enc_name = "RC4";
    ki->enc_alg = CALG_RC4;
    return STATUS_SUCCESS;
}

/* Signet: the MAC of the negotiated default QOP; wrap tokens use AES-256-GCM. */
static NTSTATUS
key_info_signet(const struct sspi_bridge_ctx *c, struct sspi_key_info *ki)
{
    static const char *const names[] = {
        [SIGNET_QOP_HMAC_SHA256] = "HMAC-SHA256-128",
        [SIGNET_QOP_HMAC_SHA384] = "HMAC-SHA384-192",
        [SIGNET_QOP_HMAC_SHA512] = "HMAC-SHA512-256",
        [SIGNET_QOP_AES256_GMAC] = "AES256-GMAC",
    };
    gss_qop_t qop = signet_ctx_default_qop((const signet_ctx *)c->ctx);
    NTSTATUS nt = SEC_E_INTERNAL_ERROR;

    if (qop >= SIGNET_QOP_HMAC_SHA256 && qop <= SIGNET_QOP_AES256_GMAC) {
        ki->sig_alg = qop;
        ki->sig_name = names[qop];
        ki->enc_alg = CALG_AES_256;
        ki->enc_name = "AES256-GCM";
        ki->bits = 256;
        nt = STATUS_SUCCESS;
    }
    return nt;
}

/* ---- the table ------------------------------------------------------------------------ */
#define COMMON_CAPS (SECPKG_FLAG_INTEGRITY | SECPKG_FLAG_PRIVACY | SECPKG_FLAG_CONNECTION | \
                     SECPKG_FLAG_MULTI_REQUIRED | SECPKG_FLAG_EXTENDED_ERROR |             \
                     SECPKG_FLAG_NEGOTIABLE)

static const struct sspi_mech mechs[] = {
    {
        .name = "Negotiate",
        .comment = "SPNEGO (RFC 4178) through GSS-API",
        .caps = COMMON_CAPS | SECPKG_FLAG_ACCEPT_WIN32_NAME | SECPKG_FLAG_LOGON,
        .version = 1,
        .rpcid = RPC_C_AUTHN_GSS_NEGOTIATE,
        .max_token = 48256,
        /* 1.3.6.1.5.5.2 */
        .oid = { .length = 6, .elements = (void *)"\x2b\x06\x01\x05\x05\x02" },
        .ops = &sspi_gss_ops_mechglue,
        .fallback_mic = 28,
        /* SPNEGO may hand the name to NTLM, which reads it as a C string */
        .name_nul = 1,
        .takes_identity = 1,
        .session_key = session_key_inquired,
        .key_info = key_info_from_enctype,
    },
    {
        .name = "Kerberos",
        .comment = "Kerberos V5 (RFC 4121) through GSS-API",
        .caps = COMMON_CAPS | SECPKG_FLAG_TOKEN_ONLY | SECPKG_FLAG_GSS_COMPATIBLE |
                SECPKG_FLAG_ACCEPT_WIN32_NAME | SECPKG_FLAG_MUTUAL_AUTH |
                SECPKG_FLAG_DELEGATION | SECPKG_FLAG_LOGON,
        .version = 1,
        .rpcid = RPC_C_AUTHN_GSS_KERBEROS,
        .max_token = 48000,
        /* 1.2.840.113554.1.2.2 */
        .oid = { .length = 9, .elements = (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02" },
        .ops = &sspi_gss_ops_mechglue,
        .fallback_mic = 28,                   /* RFC 4121 with AES */
        /* krb5 copies the buffer into a C string: the NUL is harmless */
        .name_nul = 1,
        .realm_spn_type = &GSS_KRB5_NT_PRINCIPAL_NAME,
        .takes_identity = 1,
        .session_key = session_key_inquired,
        .key_info = key_info_from_enctype,
    },
    {
        .name = "NTLM",
        .comment = "NTLM (gss-ntlmssp) through GSS-API",
        .caps = COMMON_CAPS | SECPKG_FLAG_TOKEN_ONLY | SECPKG_FLAG_DATAGRAM |
                SECPKG_FLAG_ACCEPT_WIN32_NAME | SECPKG_FLAG_LOGON,
        .version = 1,
        .rpcid = RPC_C_AUTHN_WINNT,
        .max_token = 2888,
        .listed = listed_if_configured,
        /* 1.3.6.1.4.1.311.2.2.10 */
        .oid = { .length = 10, .elements = (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a" },
        .ops = &sspi_gss_ops_mechglue,
        .datagram = 1,
        .fallback_mic = 16,
        .user_form = SSPI_USER_DOMAIN_BACKSLASH,
        /* gss-ntlmssp reads names as C strings (past the buffer otherwise) */
        .name_nul = 1,
        /* gss-ntlmssp 1.2 crashes (strdup(NULL)) when an acceptor that has no
         * name of its own is asked for the target name */
        .no_acceptor_target_name = 1,
        .takes_identity = 1,
        .set_seqno = ntlm_set_seqno,
        .session_key = NULL,                  /* gss-ntlmssp does not export it */
        .key_info = key_info_ntlm,
    },
    {
        .name = "Signet",
        .comment = "Signet: TLS 1.3 authentication (certificates, PSK)",
        .caps = COMMON_CAPS | SECPKG_FLAG_TOKEN_ONLY | SECPKG_FLAG_DATAGRAM |
                SECPKG_FLAG_GSS_COMPATIBLE | SECPKG_FLAG_MUTUAL_AUTH,
        .version = 1,
        .rpcid = SECPKG_ID_NONE,
        .max_token = 65536,
        .oid = { .length = SIGNET_MECH_OID_DER_LENGTH, .elements = (void *)SIGNET_MECH_OID_DER },
        .ops = &sspi_gss_ops_signet,
        .signet_minors = 1,
        .datagram = 1,
        .max_qop = SIGNET_QOP_AES256_GMAC,
        .signet_auth_keys = 1,
        .seqno_in_params = 1,                 /* docs/tokens.md section 6.2 */
        .session_key = session_key_prf,
        .key_info = key_info_signet,
    },
};

_Static_assert(COUNT(mechs) <= SSPI_BRIDGE_SLOTS, "one package slot per entry (bridge.h)");
_Static_assert(SIGNET_QOP_AES256_GMAC <= SSPI_BRIDGE_MAX_QOP, "MIC sizes kept per QOP");

const struct sspi_mech *
sspi_mech_at(size_t i)
{
    return i < COUNT(mechs) ? &mechs[i] : NULL;
}

const struct sspi_mech *
sspi_mech_negotiated(const struct sspi_mech *pkg, gss_const_OID mech)
{
    const struct sspi_mech *m = pkg;
    size_t i;

    for (i = 0; i < COUNT(mechs); i++) {
        /* only entries reached the same way: their hooks take pkg's handles */
        if (mechs[i].ops == pkg->ops && sspi_oid_equal(&mechs[i].oid, mech))
            m = &mechs[i];
    }
    return m;
}
