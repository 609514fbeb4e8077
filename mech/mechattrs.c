/*
 * mechattrs.c - what Signet says about itself: gss_indicate_mechs, the
 * RFC 5587 mechanism attributes, and the RFC 5801 SASL name.
 *
 * The attribute set decides whether other code will use Signet: mechglue's
 * default-credential acceptor and SPNEGO skip mechanisms that assert
 * GSS_C_MA_DEPRECATED, GSS_C_MA_NOT_DFLT_MECH or GSS_C_MA_MECH_NEGO, so
 * Signet asserts none of them.  docs/names.md lists the attributes.
 */
#include <stdlib.h>
#include <string.h>

#include "signet.h"

#define SASL_MECH_DESCRIPTION \
    "Signet: GSS-API authentication with TLS 1.3 (X.509 certificates or " \
    "pre-shared keys)"

OM_uint32
signet_gss_indicate_mechs(OM_uint32 *minor_status, gss_OID_set *mech_set)
{
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    const gss_OID_desc *mechs[1] = { &signet_mech_oid_desc };

    if (mech_set != NULL)
        *mech_set = GSS_C_NO_OID_SET;
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (mech_set == NULL) {
        major = signet_fail(&minor, GSS_S_CALL_INACCESSIBLE_WRITE,
                            SIGNET_ERR_BAD_ARGUMENT,
                            "gss_indicate_mechs: output set pointer is NULL");
        goto done;
    }
    major = signet_oid_set_of(&minor, mech_set, 1, mechs);

done:
    *minor_status = minor;
    return major;
}

/*
 * Attributes asserted (RFC 5587 3.4.1 definitions):
 *   MECH_CONCRETE   a concrete mechanism, not a pseudo- or negotiating one
 *   ITOK_FRAMED     the initial context token has the RFC 2743 3.1 framing
 *   AUTH_INIT       the initiator is authenticated (certificate or PSK)
 *   AUTH_TARG       the acceptor is authenticated (certificate or PSK)
 *   AUTH_INIT_ANON  GSS_C_NT_ANONYMOUS initiators are supported
 *   INTEG_PROT, MIC per-message integrity (gss_get_mic)
 *   CONF_PROT, WRAP per-message confidentiality (gss_wrap)
 *   REPLAY_DET, OOS_DET  replay and out-of-sequence detection
 *   CBINDINGS       channel bindings are honoured
 *   PFS             session keys come from an (EC)DHE TLS 1.3 handshake
 *   CTX_TRANS       gss_export_sec_context / gss_import_sec_context
 * Not asserted: PROT_READY (no protection before the context is complete),
 * AUTH_INIT_INIT / AUTH_TARG_INIT (no initial, e.g. password, credential
 * acquisition), AUTH_TARG_ANON, DELEG_CRED, COMPRESS, and the attributes that
 * would keep Signet out of default use or SPNEGO.
 */
static size_t
asserted_attrs(const gss_OID_desc **attrs)
{
    size_t n = 0;

    attrs[n++] = GSS_C_MA_MECH_CONCRETE;
    attrs[n++] = GSS_C_MA_ITOK_FRAMED;
    attrs[n++] = GSS_C_MA_AUTH_INIT;
    attrs[n++] = GSS_C_MA_AUTH_TARG;
    attrs[n++] = GSS_C_MA_AUTH_INIT_ANON;
    attrs[n++] = GSS_C_MA_INTEG_PROT;
    attrs[n++] = GSS_C_MA_CONF_PROT;
    attrs[n++] = GSS_C_MA_MIC;
    attrs[n++] = GSS_C_MA_WRAP;
    attrs[n++] = GSS_C_MA_REPLAY_DET;
    attrs[n++] = GSS_C_MA_OOS_DET;
    attrs[n++] = GSS_C_MA_CBINDINGS;
    attrs[n++] = GSS_C_MA_PFS;
    attrs[n++] = GSS_C_MA_CTX_TRANS;
    return n;
}

/* Every attribute Signet has decided on, asserted or not. */
static size_t
known_attrs(const gss_OID_desc **attrs)
{
    size_t n = 0;

    attrs[n++] = GSS_C_MA_MECH_CONCRETE;
    attrs[n++] = GSS_C_MA_MECH_PSEUDO;
    attrs[n++] = GSS_C_MA_MECH_COMPOSITE;
    attrs[n++] = GSS_C_MA_MECH_NEGO;
    attrs[n++] = GSS_C_MA_MECH_GLUE;
    attrs[n++] = GSS_C_MA_NOT_MECH;
    attrs[n++] = GSS_C_MA_DEPRECATED;
    attrs[n++] = GSS_C_MA_NOT_DFLT_MECH;
    attrs[n++] = GSS_C_MA_ITOK_FRAMED;
    attrs[n++] = GSS_C_MA_AUTH_INIT;
    attrs[n++] = GSS_C_MA_AUTH_TARG;
    attrs[n++] = GSS_C_MA_AUTH_INIT_INIT;
    attrs[n++] = GSS_C_MA_AUTH_TARG_INIT;
    attrs[n++] = GSS_C_MA_AUTH_INIT_ANON;
    attrs[n++] = GSS_C_MA_AUTH_TARG_ANON;
    attrs[n++] = GSS_C_MA_DELEG_CRED;
    attrs[n++] = GSS_C_MA_INTEG_PROT;
    attrs[n++] = GSS_C_MA_CONF_PROT;
    attrs[n++] = GSS_C_MA_MIC;
    attrs[n++] = GSS_C_MA_WRAP;
    attrs[n++] = GSS_C_MA_PROT_READY;
    attrs[n++] = GSS_C_MA_REPLAY_DET;
    attrs[n++] = GSS_C_MA_OOS_DET;
    attrs[n++] = GSS_C_MA_CBINDINGS;
    attrs[n++] = GSS_C_MA_PFS;
    attrs[n++] = GSS_C_MA_COMPRESS;
    attrs[n++] = GSS_C_MA_CTX_TRANS;
    attrs[n++] = GSS_C_MA_NEGOEX_AND_SPNEGO;
    return n;
}

#define MAX_ATTRS 32

OM_uint32
signet_gss_inquire_attrs_for_mech(OM_uint32 *minor_status, gss_const_OID mech,
                                  gss_OID_set *mech_attrs,
                                  gss_OID_set *known_mech_attrs)
{
    OM_uint32 major = GSS_S_FAILURE, minor = 0, tmp;
    const gss_OID_desc *attrs[MAX_ATTRS];
    gss_OID_set asserted = GSS_C_NO_OID_SET, known = GSS_C_NO_OID_SET;
    size_t n;

    if (mech_attrs != NULL)
        *mech_attrs = GSS_C_NO_OID_SET;
    if (known_mech_attrs != NULL)
        *known_mech_attrs = GSS_C_NO_OID_SET;
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (!signet_is_signet_mech(mech)) {
        major = signet_fail(&minor, GSS_S_BAD_MECH, SIGNET_ERR_BAD_ARGUMENT,
                            "gss_inquire_attrs_for_mech: the mechanism is "
                            "not Signet");
        goto done;
    }
    if (mech_attrs != NULL) {
        n = asserted_attrs(attrs);
        major = signet_oid_set_of(&minor, &asserted, n, attrs);
        if (GSS_ERROR(major))
            goto done;
    }
    if (known_mech_attrs != NULL) {
        n = known_attrs(attrs);
        major = signet_oid_set_of(&minor, &known, n, attrs);
        if (GSS_ERROR(major))
            goto done;
    }
    if (mech_attrs != NULL) {
        *mech_attrs = asserted;
        asserted = GSS_C_NO_OID_SET;
    }
    if (known_mech_attrs != NULL) {
        *known_mech_attrs = known;
        known = GSS_C_NO_OID_SET;
    }
    major = GSS_S_COMPLETE;

done:
    if (asserted != GSS_C_NO_OID_SET)
        gss_release_oid_set(&tmp, &asserted);
    if (known != GSS_C_NO_OID_SET)
        gss_release_oid_set(&tmp, &known);
    *minor_status = minor;
    return major;
}

/*
 * RFC 5801 3.1 would compute "GS2-" + 11 base32 characters of the SHA-1 of
 * the OID for an unregistered mechanism; Signet gives its own fixed name
 * instead (mechglue still recognises the computed one).  Outputs may each be
 * GSS_C_NO_BUFFER.
 */
OM_uint32
signet_gss_inquire_saslname_for_mech(OM_uint32 *minor_status,
                                     const gss_OID desired_mech,
                                     gss_buffer_t sasl_mech_name,
                                     gss_buffer_t mech_name,
                                     gss_buffer_t mech_description)
{
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    gss_buffer_desc sasl = GSS_C_EMPTY_BUFFER, mname = GSS_C_EMPTY_BUFFER;
    gss_buffer_desc descr = GSS_C_EMPTY_BUFFER;

    if (sasl_mech_name != GSS_C_NO_BUFFER)
        signet_gss_buffer_clear(sasl_mech_name);
    if (mech_name != GSS_C_NO_BUFFER)
        signet_gss_buffer_clear(mech_name);
    if (mech_description != GSS_C_NO_BUFFER)
        signet_gss_buffer_clear(mech_description);
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (!signet_is_signet_mech(desired_mech)) {
        major = signet_fail(&minor, GSS_S_BAD_MECH, SIGNET_ERR_BAD_ARGUMENT,
                            "gss_inquire_saslname_for_mech: the mechanism "
                            "is not Signet");
        goto done;
    }
    if (sasl_mech_name != GSS_C_NO_BUFFER) {
        major = signet_gss_buffer_set(&minor, &sasl, SIGNET_SASL_MECH_NAME,
                                      strlen(SIGNET_SASL_MECH_NAME));
        if (GSS_ERROR(major))
            goto done;
    }
    if (mech_name != GSS_C_NO_BUFFER) {
        major = signet_gss_buffer_set(&minor, &mname, SIGNET_MECH_NAME,
                                      strlen(SIGNET_MECH_NAME));
        if (GSS_ERROR(major))
            goto done;
    }
    if (mech_description != GSS_C_NO_BUFFER) {
        major = signet_gss_buffer_set(&minor, &descr, SASL_MECH_DESCRIPTION,
                                      strlen(SASL_MECH_DESCRIPTION));
        if (GSS_ERROR(major))
            goto done;
    }
    if (sasl_mech_name != GSS_C_NO_BUFFER) {
        *sasl_mech_name = sasl;
        sasl.value = NULL;
    }
    if (mech_name != GSS_C_NO_BUFFER) {
        *mech_name = mname;
        mname.value = NULL;
    }
    if (mech_description != GSS_C_NO_BUFFER) {
        *mech_description = descr;
        descr.value = NULL;
    }
    major = GSS_S_COMPLETE;

done:
    free(sasl.value);
    free(mname.value);
    free(descr.value);
    *minor_status = minor;
    return major;
}

/*
 * GSS_S_BAD_MECH for any name but SIGNET_SASL_MECH_NAME, so that mechglue
 * goes on to the other mechanisms and to RFC 5801 computed names.  The OID
 * returned is static (RFC 5801: read-only).
 */
OM_uint32
signet_gss_inquire_mech_for_saslname(OM_uint32 *minor_status,
                                     const gss_buffer_t sasl_mech_name,
                                     gss_OID *mech_type)
{
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    size_t len = strlen(SIGNET_SASL_MECH_NAME);

    if (mech_type != NULL)
        *mech_type = GSS_C_NO_OID;
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (sasl_mech_name == GSS_C_NO_BUFFER ||
        (sasl_mech_name->value == NULL && sasl_mech_name->length != 0)) {
        major = signet_fail(&minor, GSS_S_CALL_INACCESSIBLE_READ,
                            SIGNET_ERR_BAD_ARGUMENT,
                            "gss_inquire_mech_for_saslname: SASL name buffer "
                            "is NULL");
        goto done;
    }
    if (sasl_mech_name->length != len ||
        memcmp(sasl_mech_name->value, SIGNET_SASL_MECH_NAME, len) != 0) {
        major = signet_fail(&minor, GSS_S_BAD_MECH, SIGNET_ERR_BAD_ARGUMENT,
                            "SASL mechanism name is not %s",
                            SIGNET_SASL_MECH_NAME);
        goto done;
    }
    if (mech_type != NULL)
        *mech_type = SIGNET_MECH_OID;
    major = GSS_S_COMPLETE;

done:
    *minor_status = minor;
    return major;
}
