/*
 * name.c - Signet names: the internal name object, its exported form, and
 * the GSS-API name calls (import, display, compare, export, canonicalize,
 * duplicate, mapping to local accounts).
 *
 * Every Signet name is a mechanism name: there is nothing to canonicalize
 * beyond copying.  Host parts of host-based service names are lower-cased
 * on creation so that equal names also export to equal bytes, as RFC 2743
 * 3.2 requires of exported names.  The rules are documented in docs/names.md.
 *
 * Names are immutable after creation, so any call may use one name from
 * several threads at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signet.h"

/* Version byte of the encoded name (the NAME part of an exported name). */
#define NAME_ENCODING_VERSION 1

/* RFC 2743 3.2 exported-name token identifiers. */
#define EXPORT_TOKEN_ID 0x0401
#define EXPORT_COMPOSITE_TOKEN_ID 0x0402

#define PEER_PREFIX_X509 "x509:"
#define PEER_PREFIX_PSK "psk:"
#define ANONYMOUS_VALUE "anonymous"

/* ---- helpers ------------------------------------------------------------ */

static int
kind_is_valid(int kind)
{
    return kind >= SIGNET_NAME_HOSTBASED && kind <= SIGNET_NAME_PSK;
}

static const char *
kind_text(enum signet_name_kind kind)
{
    switch (kind) {
    case SIGNET_NAME_HOSTBASED: return "host-based service";
    case SIGNET_NAME_USER:      return "user";
    case SIGNET_NAME_ANONYMOUS: return "anonymous";
    case SIGNET_NAME_X509:      return "X.509";
    case SIGNET_NAME_PSK:       return "pre-shared key";
    }
    return "unknown";
}

static char
ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int
ascii_strcaseeq(const char *a, const char *b)
{
    while (*a != '\0' && ascii_lower(*a) == ascii_lower(*b)) {
        a++;
        b++;
    }
    return ascii_lower(*a) == ascii_lower(*b);
}

/* a + b + c in a new malloc'ed string (any may be NULL for ""). */
static char *
concat3(const char *a, const char *b, const char *c)
{
    size_t la = a != NULL ? strlen(a) : 0;
    size_t lb = b != NULL ? strlen(b) : 0;
    size_t lc = c != NULL ? strlen(c) : 0;
    char *s = malloc(la + lb + lc + 1);

    if (s == NULL)
        return NULL;
    if (la != 0)
        memcpy(s, a, la);
    if (lb != 0)
        memcpy(s + la, b, lb);
    if (lc != 0)
        memcpy(s + la + lb, c, lc);
    s[la + lb + lc] = '\0';
    return s;
}

/*
 * The display form of a name (see docs/names.md) and, if type is not NULL,
 * its name type.  Returns a malloc'ed string or NULL when out of memory.
 */
static char *
display_string(const signet_name *name, gss_OID *type)
{
    gss_OID nt = GSS_C_NO_OID;
    char *s = NULL;

    switch (name->kind) {
    case SIGNET_NAME_HOSTBASED:
        s = name->host != NULL ? concat3(name->value, "@", name->host)
                               : concat3(name->value, NULL, NULL);
        nt = GSS_C_NT_HOSTBASED_SERVICE;
        break;
    case SIGNET_NAME_USER:
        s = concat3(name->value, NULL, NULL);
        nt = GSS_C_NT_USER_NAME;
        break;
    case SIGNET_NAME_ANONYMOUS:
        s = concat3(ANONYMOUS_VALUE, NULL, NULL);
        nt = GSS_C_NT_ANONYMOUS;
        break;
    case SIGNET_NAME_X509:
        s = concat3(PEER_PREFIX_X509, name->value, NULL);
        nt = SIGNET_NT_PEER;
        break;
    case SIGNET_NAME_PSK:
        s = concat3(PEER_PREFIX_PSK, name->value, NULL);
        nt = SIGNET_NT_PEER;
        break;
    }
    if (type != NULL)
        *type = nt;
    return s;
}

/* ---- the name object ----------------------------------------------------- */

/*
 * value is required except for SIGNET_NAME_ANONYMOUS, whose value is always
 * "anonymous" (the argument is ignored).  host is allowed only for
 * SIGNET_NAME_HOSTBASED and is stored lower-cased.
 */
OM_uint32
signet_name_new(OM_uint32 *minor, enum signet_name_kind kind,
                const char *value, const char *host, signet_name **out)
{
    OM_uint32 major = GSS_S_FAILURE;
    signet_name *name = NULL;
    char *p;

    *out = NULL;
    if (!kind_is_valid((int)kind)) {
        major = signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                            "name kind %d is not a Signet name kind",
                            (int)kind);
        goto done;
    }
    if (kind == SIGNET_NAME_ANONYMOUS)
        value = ANONYMOUS_VALUE;
    if (value == NULL || *value == '\0') {
        major = signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                            "%s name is empty", kind_text(kind));
        goto done;
    }
    if (host != NULL && kind != SIGNET_NAME_HOSTBASED) {
        major = signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                            "%s name \"%s\" cannot have a host part",
                            kind_text(kind), value);
        goto done;
    }
    if (kind == SIGNET_NAME_HOSTBASED) {
        if (strchr(value, '@') != NULL) {
            major = signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                                "service name \"%s\" contains '@'", value);
            goto done;
        }
        if (host != NULL && (*host == '\0' || strchr(host, '@') != NULL)) {
            major = signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                                "host part \"%s\" of service %s is not a "
                                "host name", host, value);
            goto done;
        }
    }

    name = calloc(1, sizeof(*name));
    if (name == NULL)
        goto nomem;
    name->kind = kind;
    name->value = strdup(value);
    if (name->value == NULL)
        goto nomem;
    if (host != NULL) {
        name->host = strdup(host);
        if (name->host == NULL)
            goto nomem;
        for (p = name->host; *p != '\0'; p++)
            *p = ascii_lower(*p);
    }
    *out = name;
    name = NULL;
    *minor = 0;
    major = GSS_S_COMPLETE;
    goto done;

nomem:
    major = signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
done:
    signet_name_free(&name);
    return major;
}

OM_uint32
signet_name_copy(OM_uint32 *minor, const signet_name *in, signet_name **out)
{
    OM_uint32 major;
    signet_name *name = NULL;

    *out = NULL;
    major = signet_name_new(minor, in->kind, in->value, in->host, &name);
    if (GSS_ERROR(major))
        return major;
    if (in->local != NULL) {
        name->local = strdup(in->local);
        if (name->local == NULL) {
            signet_name_free(&name);
            return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
        }
    }
    *out = name;
    *minor = 0;
    return GSS_S_COMPLETE;
}

void
signet_name_free(signet_name **name)
{
    if (name == NULL || *name == NULL)
        return;
    free((*name)->value);
    free((*name)->host);
    free((*name)->local);
    free(*name);
    *name = NULL;
}

/*
 * Structural equality: same kind, same value (exact), same host (ASCII
 * case-insensitive).  Two anonymous names are equal here; compare_name
 * applies RFC 2743's rule that they never match.  The suggested local
 * account is derived data and does not take part.
 */
int
signet_name_equal(const signet_name *a, const signet_name *b)
{
    if (a == b)
        return 1;
    if (a == NULL || b == NULL)
        return 0;
    if (a->kind != b->kind || strcmp(a->value, b->value) != 0)
        return 0;
    if (a->host == NULL || b->host == NULL)
        return a->host == b->host;
    return ascii_strcaseeq(a->host, b->host);
}

/* ---- encoded form --------------------------------------------------------- */

/*
 * Encoding, version 1 (all integers big-endian):
 *   u8  version (1)
 *   u8  kind (enum signet_name_kind)
 *   u32 length, bytes   value
 *   u32 length, bytes   host  (length 0: absent)
 *   u32 length, bytes   local (length 0: absent)
 * Strings carry no NUL bytes; an empty string means "absent", which is
 * unambiguous because a present value is never empty.
 */
OM_uint32
signet_name_encode(OM_uint32 *minor, const signet_name *name, signet_buf *out)
{
    signet_put_u8(out, NAME_ENCODING_VERSION);
    signet_put_u8(out, (uint8_t)name->kind);
    signet_put_string(out, name->value);
    signet_put_string(out, name->host);
    signet_put_string(out, name->local);
    if (out->err)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
    *minor = 0;
    return GSS_S_COMPLETE;
}

/* A u32-length-prefixed string; NULL when absent (length 0) or on error. */
static char *
get_optional_string(signet_cursor *in)
{
    uint32_t len = signet_get_u32(in);

    if (in->err || len == 0)
        return NULL;
    return signet_get_string(in, len);
}

OM_uint32
signet_name_decode(OM_uint32 *minor, signet_cursor *in, signet_name **out)
{
    OM_uint32 major = GSS_S_FAILURE;
    uint8_t version, kind;
    char *value = NULL, *host = NULL, *local = NULL;
    signet_name *name = NULL;

    *out = NULL;
    version = signet_get_u8(in);
    if (in->err) {
        major = signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                            "encoded name is empty");
        goto done;
    }
    if (version != NAME_ENCODING_VERSION) {
        major = signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                            "encoded name has unknown version %u",
                            (unsigned)version);
        goto done;
    }
    kind = signet_get_u8(in);
    value = get_optional_string(in);
    host = get_optional_string(in);
    local = get_optional_string(in);
    if (in->err) {
        major = signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                            "encoded name is truncated or holds a NUL byte");
        goto done;
    }
    if (!kind_is_valid(kind)) {
        major = signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                            "encoded name has unknown kind %u",
                            (unsigned)kind);
        goto done;
    }
    if (value == NULL ||
        (kind == SIGNET_NAME_ANONYMOUS && strcmp(value, ANONYMOUS_VALUE) != 0)) {
        major = signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                            "encoded %s name has an empty or wrong value",
                            kind_text((enum signet_name_kind)kind));
        goto done;
    }
    if (local != NULL && kind != SIGNET_NAME_X509) {
        major = signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                            "encoded %s name carries a local account",
                            kind_text((enum signet_name_kind)kind));
        goto done;
    }
    major = signet_name_new(minor, (enum signet_name_kind)kind, value, host,
                            &name);
    if (GSS_ERROR(major))
        goto done;
    name->local = local;
    local = NULL;
    *out = name;
    name = NULL;
    *minor = 0;
    major = GSS_S_COMPLETE;

done:
    free(value);
    free(host);
    free(local);
    signet_name_free(&name);
    return major;
}

/* ---- import ---------------------------------------------------------------- */

static int
is_export_type(gss_const_OID type)
{
    return signet_oid_equal(type, GSS_C_NT_EXPORT_NAME) ||
           signet_oid_equal(type, GSS_C_NT_COMPOSITE_EXPORT);
}

/* Parses an RFC 2743 3.2 exported-name token made by signet_gss_export_name. */
static OM_uint32
import_exported(OM_uint32 *minor, const void *tok, size_t toklen,
                signet_name **out)
{
    OM_uint32 major = GSS_S_FAILURE;
    signet_cursor c;
    uint16_t tokid, oidtok;
    uint8_t tag, oidlen;
    const uint8_t *oid;
    uint32_t namelen;
    signet_name *name = NULL;

    *out = NULL;
    signet_cursor_init(&c, tok, toklen);
    tokid = signet_get_u16(&c);
    if (c.err)
        goto truncated;
    if (tokid == EXPORT_COMPOSITE_TOKEN_ID) {
        major = signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                            "composite exported names (with attributes) are "
                            "not supported by Signet");
        goto done;
    }
    if (tokid != EXPORT_TOKEN_ID) {
        major = signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                            "exported name starts with %04x, not 0401",
                            (unsigned)tokid);
        goto done;
    }
    oidtok = signet_get_u16(&c);
    tag = signet_get_u8(&c);
    oidlen = signet_get_u8(&c);
    if (c.err)
        goto truncated;
    if (tag != 0x06 || oidlen >= 0x80 || oidtok != 2u + oidlen) {
        major = signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                            "exported name has a malformed mechanism OID");
        goto done;
    }
    oid = signet_get_bytes(&c, oidlen);
    if (c.err)
        goto truncated;
    if (oidlen != SIGNET_MECH_OID->length ||
        memcmp(oid, SIGNET_MECH_OID->elements, oidlen) != 0) {
        major = signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                            "exported name belongs to another mechanism");
        goto done;
    }
    namelen = signet_get_u32(&c);
    if (c.err)
        goto truncated;
    if (namelen != c.left) {
        major = signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                            "exported name declares %lu name bytes but %zu "
                            "follow", (unsigned long)namelen, c.left);
        goto done;
    }
    major = signet_name_decode(minor, &c, &name);
    if (GSS_ERROR(major))
        goto done;
    if (c.left != 0) {
        major = signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                            "exported name has %zu bytes after the name",
                            c.left);
        goto done;
    }
    *out = name;
    name = NULL;
    *minor = 0;
    major = GSS_S_COMPLETE;
    goto done;

truncated:
    major = signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                        "exported name is truncated (%zu bytes)", toklen);
done:
    signet_name_free(&name);
    return major;
}

/*
 * The imported buffer as a C string: one trailing NUL byte is dropped
 * (gss-server and others count the terminator), an empty remainder or an
 * embedded NUL is an error.
 */
static OM_uint32
buffer_to_string(OM_uint32 *minor, gss_const_buffer_t buf, char **out)
{
    size_t len = buf->length;
    const char *p = buf->value;
    char *s;

    *out = NULL;
    if (len > 0 && p[len - 1] == '\0')
        len--;
    if (len == 0)
        return signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                           "imported name is empty");
    if (memchr(p, '\0', len) != NULL)
        return signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                           "imported name holds a NUL byte");
    s = malloc(len + 1);
    if (s == NULL)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
    memcpy(s, p, len);
    s[len] = '\0';
    *out = s;
    *minor = 0;
    return GSS_S_COMPLETE;
}

/* "service@host" or "service" (RFC 2743 4.1); the first '@' separates. */
static OM_uint32
import_hostbased(OM_uint32 *minor, char *str, signet_name **out)
{
    char *at = strchr(str, '@');

    if (at != NULL)
        *at = '\0';
    if (*str == '\0')
        return signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                           "host-based service name has an empty service");
    return signet_name_new(minor, SIGNET_NAME_HOSTBASED, str,
                           at != NULL ? at + 1 : NULL, out);
}

/* "x509:<DN>" or "psk:<identity>". */
static OM_uint32
import_peer(OM_uint32 *minor, const char *str, signet_name **out)
{
    size_t lx = strlen(PEER_PREFIX_X509), lp = strlen(PEER_PREFIX_PSK);

    if (strncmp(str, PEER_PREFIX_X509, lx) == 0)
        return signet_name_new(minor, SIGNET_NAME_X509, str + lx, NULL, out);
    if (strncmp(str, PEER_PREFIX_PSK, lp) == 0)
        return signet_name_new(minor, SIGNET_NAME_PSK, str + lp, NULL, out);
    *out = NULL;
    return signet_fail(minor, GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME,
                       "peer name \"%s\" does not start with \"x509:\" or "
                       "\"psk:\"", str);
}

OM_uint32
signet_gss_import_name(OM_uint32 *minor_status, gss_buffer_t input_name,
                       gss_OID name_type, gss_name_t *output_name)
{
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    signet_name *name = NULL;
    char *str = NULL;

    if (output_name != NULL)
        *output_name = GSS_C_NO_NAME;
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (output_name == NULL) {
        major = signet_fail(&minor, GSS_S_CALL_INACCESSIBLE_WRITE,
                            SIGNET_ERR_BAD_ARGUMENT,
                            "gss_import_name: output name pointer is NULL");
        goto done;
    }
    if (input_name == GSS_C_NO_BUFFER ||
        (input_name->value == NULL && input_name->length != 0)) {
        major = signet_fail(&minor, GSS_S_CALL_INACCESSIBLE_READ,
                            SIGNET_ERR_BAD_ARGUMENT,
                            "gss_import_name: input name buffer is NULL");
        goto done;
    }

    if (is_export_type(name_type)) {
        major = import_exported(&minor, input_name->value,
                                input_name->length, &name);
    } else if (signet_oid_equal(name_type, GSS_C_NT_ANONYMOUS)) {
        /* The buffer's contents are ignored, as for krb5. */
        major = signet_name_new(&minor, SIGNET_NAME_ANONYMOUS, NULL, NULL,
                                &name);
    } else if (name_type == GSS_C_NO_OID ||
               signet_oid_equal(name_type, GSS_C_NT_USER_NAME) ||
               signet_oid_equal(name_type, GSS_C_NT_HOSTBASED_SERVICE) ||
               signet_oid_equal(name_type, GSS_C_NT_HOSTBASED_SERVICE_X) ||
               signet_oid_equal(name_type, SIGNET_NT_PEER)) {
        major = buffer_to_string(&minor, input_name, &str);
        if (GSS_ERROR(major))
            goto done;
        if (signet_oid_equal(name_type, GSS_C_NT_HOSTBASED_SERVICE) ||
            signet_oid_equal(name_type, GSS_C_NT_HOSTBASED_SERVICE_X))
            major = import_hostbased(&minor, str, &name);
        else if (signet_oid_equal(name_type, SIGNET_NT_PEER))
            major = import_peer(&minor, str, &name);
        else
            major = signet_name_new(&minor, SIGNET_NAME_USER, str, NULL,
                                    &name);
    } else {
        major = signet_fail(&minor, GSS_S_BAD_NAMETYPE,
                            SIGNET_ERR_BAD_NAMETYPE,
                            "gss_import_name: name type is not one Signet "
                            "supports");
    }
    if (GSS_ERROR(major))
        goto done;

    *output_name = (gss_name_t)name;
    name = NULL;
    minor = 0;
    major = GSS_S_COMPLETE;

done:
    signet_name_free(&name);
    free(str);
    *minor_status = minor;
    return major;
}

/* ---- display, compare, release, copy, export ------------------------------ */

/*
 * Name-type OIDs returned are the library's GSS_C_NT_* constants, which
 * gss_release_oid() recognises, or the static SIGNET_NT_PEER, which
 * signet_gss_internal_release_oid() (oids.c, exported as the plugin's
 * gss_internal_release_oid) claims: mechglue releases the type of every
 * name it converts with gss_release_oid(), which would otherwise free() it.
 */
OM_uint32
signet_gss_display_name(OM_uint32 *minor_status, gss_name_t input_name,
                        gss_buffer_t output_name_buffer,
                        gss_OID *output_name_type)
{
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    const signet_name *name = (const signet_name *)input_name;
    gss_OID type = GSS_C_NO_OID;
    char *s = NULL;

    if (output_name_buffer != GSS_C_NO_BUFFER)
        signet_gss_buffer_clear(output_name_buffer);
    if (output_name_type != NULL)
        *output_name_type = GSS_C_NO_OID;
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (output_name_buffer == GSS_C_NO_BUFFER) {
        major = signet_fail(&minor, GSS_S_CALL_INACCESSIBLE_WRITE,
                            SIGNET_ERR_BAD_ARGUMENT,
                            "gss_display_name: output buffer is NULL");
        goto done;
    }
    if (name == NULL) {
        major = signet_fail(&minor,
                            GSS_S_CALL_INACCESSIBLE_READ | GSS_S_BAD_NAME,
                            SIGNET_ERR_BAD_ARGUMENT,
                            "gss_display_name: input name is NULL");
        goto done;
    }
    s = display_string(name, &type);
    if (s == NULL) {
        major = signet_fail(&minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
        goto done;
    }
    output_name_buffer->length = strlen(s);
    output_name_buffer->value = s;
    s = NULL;
    if (output_name_type != NULL)
        *output_name_type = type;
    major = GSS_S_COMPLETE;

done:
    free(s);
    *minor_status = minor;
    return major;
}

OM_uint32
signet_gss_compare_name(OM_uint32 *minor_status, gss_name_t name1,
                        gss_name_t name2, int *name_equal)
{
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    const signet_name *a = (const signet_name *)name1;
    const signet_name *b = (const signet_name *)name2;

    if (name_equal != NULL)
        *name_equal = 0;
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (name_equal == NULL) {
        major = signet_fail(&minor, GSS_S_CALL_INACCESSIBLE_WRITE,
                            SIGNET_ERR_BAD_ARGUMENT,
                            "gss_compare_name: result pointer is NULL");
        goto done;
    }
    if (a == NULL || b == NULL) {
        major = signet_fail(&minor,
                            GSS_S_CALL_INACCESSIBLE_READ | GSS_S_BAD_NAME,
                            SIGNET_ERR_BAD_ARGUMENT,
                            "gss_compare_name: a name is NULL");
        goto done;
    }
    /* RFC 2743 2.4.3: anonymous names never compare equal. */
    if (a->kind != SIGNET_NAME_ANONYMOUS && b->kind != SIGNET_NAME_ANONYMOUS)
        *name_equal = signet_name_equal(a, b);
    major = GSS_S_COMPLETE;

done:
    *minor_status = minor;
    return major;
}

OM_uint32
signet_gss_release_name(OM_uint32 *minor_status, gss_name_t *input_name)
{
    signet_name *name;

    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    *minor_status = 0;
    if (input_name == NULL)
        return signet_fail(minor_status,
                           GSS_S_CALL_INACCESSIBLE_READ | GSS_S_BAD_NAME,
                           SIGNET_ERR_BAD_ARGUMENT,
                           "gss_release_name: name pointer is NULL");
    name = (signet_name *)*input_name;
    signet_name_free(&name);
    *input_name = GSS_C_NO_NAME;
    return GSS_S_COMPLETE;
}

/* Shared by duplicate_name and canonicalize_name. */
static OM_uint32
copy_name(OM_uint32 *minor_status, const char *call, const gss_name_t in,
          gss_const_OID mech, gss_name_t *out)
{
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    signet_name *copy = NULL;

    if (out != NULL)
        *out = GSS_C_NO_NAME;
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (out == NULL) {
        major = signet_fail(&minor, GSS_S_CALL_INACCESSIBLE_WRITE,
                            SIGNET_ERR_BAD_ARGUMENT,
                            "%s: output name pointer is NULL", call);
        goto done;
    }
    if (in == GSS_C_NO_NAME) {
        major = signet_fail(&minor,
                            GSS_S_CALL_INACCESSIBLE_READ | GSS_S_BAD_NAME,
                            SIGNET_ERR_BAD_ARGUMENT,
                            "%s: input name is NULL", call);
        goto done;
    }
    if (!signet_is_signet_mech(mech)) {
        major = signet_fail(&minor, GSS_S_BAD_MECH, SIGNET_ERR_BAD_ARGUMENT,
                            "%s: the mechanism is not Signet", call);
        goto done;
    }
    major = signet_name_copy(&minor, (const signet_name *)in, &copy);
    if (GSS_ERROR(major))
        goto done;
    *out = (gss_name_t)copy;
    copy = NULL;
    major = GSS_S_COMPLETE;

done:
    signet_name_free(&copy);
    *minor_status = minor;
    return major;
}

OM_uint32
signet_gss_canonicalize_name(OM_uint32 *minor_status, const gss_name_t input_name,
                             const gss_OID mech_type, gss_name_t *output_name)
{
    return copy_name(minor_status, "gss_canonicalize_name", input_name,
                     mech_type, output_name);
}

OM_uint32
signet_gss_duplicate_name(OM_uint32 *minor_status, const gss_name_t src_name,
                          gss_name_t *dest_name)
{
    return copy_name(minor_status, "gss_duplicate_name", src_name,
                     GSS_C_NO_OID, dest_name);
}

/*
 * RFC 2743 3.2:  04 01 | u16 length of (06 len OID) | 06 len OID |
 * u32 name length | name (signet_name_encode).
 */
OM_uint32
signet_gss_export_name(OM_uint32 *minor_status, const gss_name_t input_name,
                       gss_buffer_t exported_name)
{
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    const signet_name *name = (const signet_name *)input_name;
    signet_buf inner, tok;
    size_t oidlen = SIGNET_MECH_OID->length;

    signet_buf_init(&inner);
    signet_buf_init(&tok);
    if (exported_name != GSS_C_NO_BUFFER)
        signet_gss_buffer_clear(exported_name);
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (exported_name == GSS_C_NO_BUFFER) {
        major = signet_fail(&minor, GSS_S_CALL_INACCESSIBLE_WRITE,
                            SIGNET_ERR_BAD_ARGUMENT,
                            "gss_export_name: output buffer is NULL");
        goto done;
    }
    if (name == NULL) {
        major = signet_fail(&minor,
                            GSS_S_CALL_INACCESSIBLE_READ | GSS_S_BAD_NAME,
                            SIGNET_ERR_BAD_ARGUMENT,
                            "gss_export_name: input name is NULL");
        goto done;
    }
    major = signet_name_encode(&minor, name, &inner);
    if (GSS_ERROR(major))
        goto done;
    if (inner.len > UINT32_MAX) {
        major = signet_fail(&minor, GSS_S_FAILURE, SIGNET_ERR_INTERNAL,
                            "gss_export_name: name too long to export");
        goto done;
    }
    signet_put_u16(&tok, EXPORT_TOKEN_ID);
    signet_put_u16(&tok, (uint16_t)(2 + oidlen));
    signet_put_u8(&tok, 0x06);
    signet_put_u8(&tok, (uint8_t)oidlen);
    signet_put_bytes(&tok, SIGNET_MECH_OID->elements, oidlen);
    signet_put_u32(&tok, (uint32_t)inner.len);
    signet_put_bytes(&tok, inner.data, inner.len);
    if (signet_buf_to_gss(&tok, exported_name) != 0) {
        major = signet_fail(&minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
        goto done;
    }
    major = GSS_S_COMPLETE;

done:
    signet_buf_clear(&inner);
    signet_buf_clear(&tok);
    *minor_status = minor;
    return major;
}

OM_uint32
signet_gss_inquire_names_for_mech(OM_uint32 *minor_status, gss_OID mechanism,
                                  gss_OID_set *name_types)
{
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    const gss_OID_desc *types[5];

    if (name_types != NULL)
        *name_types = GSS_C_NO_OID_SET;
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (name_types == NULL) {
        major = signet_fail(&minor, GSS_S_CALL_INACCESSIBLE_WRITE,
                            SIGNET_ERR_BAD_ARGUMENT,
                            "gss_inquire_names_for_mech: output set pointer "
                            "is NULL");
        goto done;
    }
    if (!signet_is_signet_mech(mechanism)) {
        major = signet_fail(&minor, GSS_S_BAD_MECH, SIGNET_ERR_BAD_ARGUMENT,
                            "gss_inquire_names_for_mech: the mechanism is "
                            "not Signet");
        goto done;
    }
    types[0] = GSS_C_NT_HOSTBASED_SERVICE;
    types[1] = GSS_C_NT_USER_NAME;
    types[2] = GSS_C_NT_ANONYMOUS;
    types[3] = GSS_C_NT_EXPORT_NAME;
    types[4] = SIGNET_NT_PEER;
    major = signet_oid_set_of(&minor, name_types,
                              sizeof(types) / sizeof(types[0]), types);

done:
    *minor_status = minor;
    return major;
}

/* ---- local accounts ----------------------------------------------------- */

/*
 * The default account of a name without a map entry: *out is malloc'ed, or
 * NULL when the name has none.  Returns -1 when out of memory.
 */
static int
default_account(const signet_name *name, char **out)
{
    const char *at;

    *out = NULL;
    switch (name->kind) {
    case SIGNET_NAME_USER:
        at = strchr(name->value, '@');
        *out = at != NULL ? strndup(name->value, (size_t)(at - name->value))
                          : strdup(name->value);
        break;
    case SIGNET_NAME_PSK:
        *out = strdup(name->value);
        break;
    case SIGNET_NAME_X509:
        if (name->local == NULL)
            return 0;
        *out = strdup(name->local);
        break;
    case SIGNET_NAME_HOSTBASED:
    case SIGNET_NAME_ANONYMOUS:
        return 0;
    }
    return *out != NULL ? 0 : -1;
}

/*
 * The local account of name (docs/names.md), malloc'ed.  If want is not
 * NULL, *authorized says whether want is an account the name may use: one of
 * its map lines, or else its default account.
 */
static OM_uint32
resolve_account(OM_uint32 *minor, const signet_name *name, const char *want,
                char **out, int *authorized)
{
    OM_uint32 major = GSS_S_FAILURE;
    char *display = NULL, *account = NULL;
    int matched = 0;

    *out = NULL;
    if (authorized != NULL)
        *authorized = 0;
    display = display_string(name, NULL);
    if (display == NULL) {
        major = signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
        goto done;
    }
    if (name->kind == SIGNET_NAME_HOSTBASED ||
        name->kind == SIGNET_NAME_ANONYMOUS) {
        major = signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NO_LOCALNAME,
                            "%s name %s has no local account",
                            kind_text(name->kind), display);
        goto done;
    }
    major = signet_localmap_lookup(minor, display, want, &account, &matched);
    if (GSS_ERROR(major))
        goto done;
    if (account == NULL) {
        if (default_account(name, &account) != 0) {
            major = signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM, NULL);
            goto done;
        }
        if (account == NULL || !signet_valid_account_name(account)) {
            major = signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NO_LOCALNAME,
                                "no valid local account is mapped to %s",
                                display);
            goto done;
        }
        matched = want != NULL && strcmp(account, want) == 0;
    }
    if (authorized != NULL)
        *authorized = matched;
    *out = account;
    account = NULL;
    *minor = 0;
    major = GSS_S_COMPLETE;

done:
    free(display);
    free(account);
    return major;
}

OM_uint32
signet_gss_localname(OM_uint32 *minor_status, const gss_name_t pname,
                     gss_const_OID mech_type, gss_buffer_t localname)
{
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    char *account = NULL;

    if (localname != GSS_C_NO_BUFFER)
        signet_gss_buffer_clear(localname);
    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (localname == GSS_C_NO_BUFFER) {
        major = signet_fail(&minor, GSS_S_CALL_INACCESSIBLE_WRITE,
                            SIGNET_ERR_BAD_ARGUMENT,
                            "gss_localname: output buffer is NULL");
        goto done;
    }
    if (pname == GSS_C_NO_NAME) {
        major = signet_fail(&minor, GSS_S_CALL_INACCESSIBLE_READ,
                            SIGNET_ERR_BAD_ARGUMENT,
                            "gss_localname: input name is NULL");
        goto done;
    }
    if (!signet_is_signet_mech(mech_type)) {
        major = signet_fail(&minor, GSS_S_BAD_MECH, SIGNET_ERR_BAD_ARGUMENT,
                            "gss_localname: the mechanism is not Signet");
        goto done;
    }
    major = resolve_account(&minor, (const signet_name *)pname, NULL,
                            &account, NULL);
    if (GSS_ERROR(major))
        goto done;
    localname->length = strlen(account);
    localname->value = account;
    account = NULL;
    major = GSS_S_COMPLETE;

done:
    free(account);
    *minor_status = minor;
    return major;
}

/*
 * mechglue's gssspi_authorize_localname: user is the local account as the
 * application gave it (a buffer, usually from gss_userok) and user_type its
 * name type, which must be a user name.  Complete if name may log in as
 * user, GSS_S_UNAUTHORIZED if not.
 */
OM_uint32
signet_gss_authorize_localname(OM_uint32 *minor_status, const gss_name_t pname,
                               gss_const_buffer_t user, gss_const_OID user_type)
{
    OM_uint32 major = GSS_S_FAILURE, minor = 0;
    const signet_name *name = (const signet_name *)pname;
    char *account = NULL, *mapped = NULL;
    int authorized = 0;

    if (minor_status == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    if (name == NULL || user == GSS_C_NO_BUFFER ||
        (user->value == NULL && user->length != 0)) {
        major = signet_fail(&minor, GSS_S_CALL_INACCESSIBLE_READ,
                            SIGNET_ERR_BAD_ARGUMENT,
                            "gss_authorize_localname: name or account is "
                            "NULL");
        goto done;
    }
    if (user_type != GSS_C_NO_OID &&
        !signet_oid_equal(user_type, GSS_C_NT_USER_NAME)) {
        major = signet_fail(&minor, GSS_S_BAD_NAMETYPE,
                            SIGNET_ERR_BAD_NAMETYPE,
                            "gss_authorize_localname: the local account is "
                            "not given as a user name");
        goto done;
    }
    major = buffer_to_string(&minor, user, &account);
    if (GSS_ERROR(major))
        goto done;
    major = resolve_account(&minor, name, account, &mapped, &authorized);
    if (GSS_ERROR(major)) {
        /* No local account at all: not authorized.  Configuration and
         * memory failures stay failures. */
        if (minor == SIGNET_ERR_NO_LOCALNAME)
            major = GSS_S_UNAUTHORIZED;
        goto done;
    }
    if (!authorized) {
        major = signet_fail(&minor, GSS_S_UNAUTHORIZED,
                            SIGNET_ERR_NO_LOCALNAME,
                            "%s name %s is not mapped to account %s",
                            kind_text(name->kind), name->value, account);
        goto done;
    }
    major = GSS_S_COMPLETE;

done:
    free(account);
    free(mapped);
    *minor_status = minor;
    return major;
}

/*
 * gss_inquire_name: every Signet name is a mechanism name; Signet names carry
 * no RFC 6680 attributes, so the attribute set is empty.
 */
OM_uint32
signet_gss_inquire_name(OM_uint32 *minor, gss_name_t name, int *name_is_mn,
                        gss_OID *mn_mech, gss_buffer_set_t *attrs)
{
    OM_uint32 major;

    if (name_is_mn != NULL)
        *name_is_mn = 0;
    if (mn_mech != NULL)
        *mn_mech = GSS_C_NO_OID;
    if (attrs != NULL)
        *attrs = GSS_C_NO_BUFFER_SET;
    if (minor == NULL)
        return GSS_S_CALL_INACCESSIBLE_WRITE;
    *minor = 0;
    if (name == GSS_C_NO_NAME)
        return signet_fail(minor, GSS_S_CALL_INACCESSIBLE_READ | GSS_S_BAD_NAME,
                           SIGNET_ERR_BAD_NAME, "no name was given");
    if (attrs != NULL) {
        major = gss_create_empty_buffer_set(minor, attrs);
        if (GSS_ERROR(major))
            return signet_fail(minor, major, SIGNET_ERR_NOMEM, NULL);
    }
    if (name_is_mn != NULL)
        *name_is_mn = 1;
    if (mn_mech != NULL)
        *mn_mech = SIGNET_MECH_OID;
    *minor = 0;
    return GSS_S_COMPLETE;
}
