/*
 * bridge_names.c - names of the GSS bridge: the principal and target names
 * of AcquireCredentialsHandle and InitializeSecurityContext (Windows SPNs,
 * user names) as GSS names, and GSS names as text (SECPKG_ATTR_NAMES,
 * SECPKG_CRED_ATTR_NAMES).
 *
 * An SPN "class/host[:port][/name]" becomes the host-based name
 * "class@host"; for an entry with a realm_spn_type (Kerberos) an SPN with a
 * realm ("HTTP/web@REALM") stays a name of that type; a GSS-style
 * "service@host" is taken as it is (docs/sspi.md, "Target names").  Entries
 * with name_nul pass the terminating NUL too, as MIT's gss-server does
 * (bridge_mechs.c says why).
 */
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

OM_uint32
sspi_bridge_import_name(const struct sspi_mech *pkg, const char *s, int user, gss_name_t *out)
{
    OM_uint32 minor, major = GSS_S_FAILURE;
    gss_buffer_desc buf;
    gss_OID type = user ? GSS_C_NT_USER_NAME : GSS_C_NT_HOSTBASED_SERVICE;
    const char *slash = strchr(s, '/');
    char *copy = NULL;

    *out = GSS_C_NO_NAME;
    if (slash != NULL && strchr(slash, '@') != NULL && pkg->realm_spn_type != NULL) {
        type = *pkg->realm_spn_type;
    } else if (slash != NULL) {
        size_t cl = (size_t)(slash - s), hl = strcspn(slash + 1, ":/@");

        copy = malloc(cl + hl + 2);
        if (copy == NULL)
            goto done;
        memcpy(copy, s, cl);
        copy[cl] = '@';
        memcpy(copy + cl + 1, slash + 1, hl);
        copy[cl + 1 + hl] = '\0';
        s = copy;
        type = GSS_C_NT_HOSTBASED_SERVICE;
    }
    buf.value = (void *)s;
    buf.length = strlen(s) + (pkg->name_nul ? 1 : 0);
    major = pkg->ops->import_name(&minor, &buf, type, out);
done:
    free(copy);
    return major;
}

char *
sspi_bridge_display(const struct sspi_mech *pkg, gss_name_t name)
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

SEC_WCHAR *
sspi_bridge_wdup(const char *s)
{
    return sspi_utf16_from_utf8(s != NULL ? s : "", (size_t)-1, NULL);
}
