/*
 * bridge_cred.c - credentials of the GSS bridge: SpAcquireCredentialsHandle,
 * SpFreeCredentialsHandle, SpQueryCredentialsAttributes.
 *
 * pAuthData (docs/sspi.md, "Credentials"):
 *   NULL                      the mechanism's defaults (gss_acquire_cred_from
 *                             without a store: SIGNET_* settings, KRB5CCNAME,
 *                             KRB5_KTNAME, NTLM_USER_FILE)
 *   SIGNET_AUTH_DATA          its Extra pairs as a GSS credential store; for
 *                             entries with signet_auth_keys also its named
 *                             fields (Certificate, PskFile, ...)
 *   SEC_WINNT_AUTH_IDENTITY   (A/W, _EX A/W; entries with takes_identity)
 *                             User and Domain as one name in the entry's
 *                             user_form; a Password through
 *                             gss_acquire_cred_with_password
 * A failure's status depends on whether a password was given (status.c,
 * call sites SSPI_SITE_ACQUIRE and SSPI_SITE_ACQUIRE_PASSWORD).  The copy
 * of a password is wiped (signet_wipe) before it is freed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gssapi/gssapi_signet.h>

#include "crypto.h"      /* signet_wipe */
#include "bridge.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_STORE 32     /* cred-store elements from one SIGNET_AUTH_DATA */

/* ---- SEC_WINNT_AUTH_IDENTITY ------------------------------------------------------ */
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

/* User and Domain as one name, malloc'ed: "user@DOMAIN" or "DOMAIN\user"
 * as the entry has it; a user that names its domain already is kept. */
static char *
identity_name(const struct sspi_mech *pkg, const struct identity *id)
{
    const char *d = id->domain;
    size_t len = strlen(id->user) + (d ? strlen(d) : 0) + 2;
    char *joined = malloc(len);

    if (joined == NULL)
        return NULL;
    if (d == NULL || d[0] == '\0' || strchr(id->user, '@') || strchr(id->user, '\\'))
        snprintf(joined, len, "%s", id->user);
    else if (pkg->user_form == SSPI_USER_DOMAIN_BACKSLASH)
        snprintf(joined, len, "%s\\%s", d, id->user);
    else
        snprintf(joined, len, "%s@%s", id->user, d);
    return joined;
}

/* ---- SIGNET_AUTH_DATA -------------------------------------------------------------- */
/* Its cred-store elements (pointers into a): 0, or -1 when they do not fit
 * or an Extra key has no value. */
static int
store_from_auth(const struct sspi_mech *pkg, const SIGNET_AUTH_DATA *a,
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
    for (i = 0; pkg->signet_auth_keys && i < COUNT(named); i++) {
        if (named[i].value == NULL)
            continue;
        if (*n >= max)
            return -1;
        el[*n].key = named[i].key;
        el[*n].value = named[i].value;
        (*n)++;
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

/* ---- the package functions ------------------------------------------------------------ */
NTSTATUS
sspi_bridge_acquire(const struct sspi_mech *pkg, PUNICODE_STRING principal, ULONG use,
                    PVOID auth, PLSA_SEC_HANDLE out, PTimeStamp expiry)
{
    const struct sspi_gss_ops *ops = pkg->ops;
    OM_uint32 major, minor = 0, time_rec = 0;
    gss_OID_set_desc mechs = { 1, (gss_OID)&pkg->oid };
    gss_cred_usage_t usage;
    gss_name_t name = GSS_C_NO_NAME;
    gss_key_value_element_desc el[MAX_STORE];
    gss_key_value_set_desc store = { 0, el };
    struct identity id = { NULL, NULL, NULL, 0 };
    struct sspi_bridge_cred *cred = NULL;
    char *pname = NULL, *joined = NULL;
    NTSTATUS nt = SEC_E_UNKNOWN_CREDENTIALS;
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
        goto done;
    }
    if (auth != NULL) {
        if (*(const ULONG *)auth == SIGNET_AUTH_DATA_VERSION) {
            if (store_from_auth(pkg, auth, el, COUNT(el), &n) != 0)
                goto done;
            store.count = (OM_uint32)n;
        } else if (!pkg->takes_identity || identity_parse(auth, &id) < 0) {
            goto done;
        }
    }
    nt = SEC_E_INSUFFICIENT_MEMORY;
    if (principal != NULL && principal->Buffer != NULL && principal->Length > 0) {
        pname = sspi_utf8_from_ustr(principal);
        if (pname == NULL)
            goto done;
    }
    if (id.user != NULL && id.user[0] != '\0') {
        joined = identity_name(pkg, &id);
        if (joined == NULL)
            goto done;
        major = sspi_bridge_import_name(pkg, joined, 1, &name);
    } else if (pname != NULL) {
        major = sspi_bridge_import_name(pkg, pname, usage == GSS_C_INITIATE, &name);
    } else {
        major = GSS_S_COMPLETE;
    }
    if (major != GSS_S_COMPLETE) {
        nt = SEC_E_UNKNOWN_CREDENTIALS;
        goto done;
    }
    cred = calloc(1, sizeof(*cred));
    if (cred == NULL)
        goto done;
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
    nt = sspi_bridge_status(pkg, id.password != NULL ? SSPI_SITE_ACQUIRE_PASSWORD
                                                     : SSPI_SITE_ACQUIRE, major, minor, 0);
    if (major != GSS_S_COMPLETE)
        goto done;
    if (expiry != NULL)
        sspi_timestamp(expiry, time_rec == GSS_C_INDEFINITE || time_rec == 0 ? 0
                               : (int64_t)time(NULL) + time_rec);
    *out = (LSA_SEC_HANDLE)cred;
    cred = NULL;
done:
    free(cred);
    ops->release_name(&minor, &name);
    identity_clear(&id);
    free(pname);
    free(joined);
    return nt;
}

NTSTATUS NTAPI
sspi_bridge_free_cred(LSA_SEC_HANDLE h)
{
    struct sspi_bridge_cred *cred = (struct sspi_bridge_cred *)h;
    OM_uint32 minor;

    if (cred == NULL)
        return SEC_E_INVALID_HANDLE;
    if (cred->cred != GSS_C_NO_CREDENTIAL)
        cred->pkg->ops->release_cred(&minor, &cred->cred);
    free(cred);
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI
sspi_bridge_query_cred(LSA_SEC_HANDLE h, ULONG attr, PVOID buffer)
{
    struct sspi_bridge_cred *cred = (struct sspi_bridge_cred *)h;
    SecPkgCredentials_NamesW *names = buffer;
    OM_uint32 major, minor = 0;
    gss_name_t name = GSS_C_NO_NAME;
    NTSTATUS nt = SEC_E_INVALID_HANDLE;
    char *s;

    if (cred == NULL)
        goto done;
    nt = SEC_E_UNSUPPORTED_FUNCTION;
    if (attr != SECPKG_CRED_ATTR_NAMES)
        goto done;
    nt = STATUS_INVALID_PARAMETER;
    if (buffer == NULL)
        goto done;
    major = cred->pkg->ops->inquire_cred(&minor, cred->cred, &name, NULL, NULL, NULL);
    nt = sspi_bridge_status(cred->pkg, SSPI_SITE_ANY, major, minor, 0);
    if (major != GSS_S_COMPLETE)
        goto done;
    s = sspi_bridge_display(cred->pkg, name);
    names->sUserName = sspi_bridge_wdup(s);
    free(s);
    nt = names->sUserName != NULL ? STATUS_SUCCESS : SEC_E_INSUFFICIENT_MEMORY;
done:
    if (name != GSS_C_NO_NAME)
        cred->pkg->ops->release_name(&minor, &name);
    return nt;
}
