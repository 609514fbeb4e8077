/*
 * oids.c - the mechanism OID and Signet's name-type OID.
 */
#include <string.h>

#include "signet.h"

const gss_OID_desc signet_mech_oid_desc = {
    SIGNET_MECH_OID_DER_LENGTH, (void *)SIGNET_MECH_OID_DER
};
const gss_OID_desc signet_nt_peer_oid_desc = {
    SIGNET_NT_PEER_OID_DER_LENGTH, (void *)SIGNET_NT_PEER_OID_DER
};

int
signet_oid_equal(gss_const_OID a, gss_const_OID b)
{
    if (a == b)
        return 1;
    if (a == GSS_C_NO_OID || b == GSS_C_NO_OID)
        return 0;
    return a->length == b->length &&
           memcmp(a->elements, b->elements, a->length) == 0;
}

int
signet_is_signet_mech(gss_const_OID mech)
{
    return mech == GSS_C_NO_OID || signet_oid_equal(mech, SIGNET_MECH_OID);
}

/*
 * mechglue's gss_release_oid offers every OID to each mechanism first.  The
 * OIDs Signet hands out are static: claim them so nobody frees them.
 */
OM_uint32
signet_gss_internal_release_oid(OM_uint32 *minor, gss_OID *oid)
{
    if (minor == NULL || oid == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    *minor = 0;
    if (*oid == SIGNET_MECH_OID || *oid == SIGNET_NT_PEER) {
        *oid = GSS_C_NO_OID;
        return GSS_S_COMPLETE;
    }
    return GSS_S_CONTINUE_NEEDED;
}
