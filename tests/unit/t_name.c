/*
 * t_name.c - table-driven tests of Signet names (mech/name.c) and mechanism
 * attributes (mech/mechattrs.c): import/display/export round trips, bad
 * input with exact status codes, comparison rules, local-account mapping.
 *
 * Prints one line per case and "N passed, M failed"; exits 0 when all pass.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "signet.h"

static int npass, nfail;
static char failmsg[512];

/* Records the first failed condition of the current case. */
static int
check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int
check(int ok, const char *fmt, ...)
{
    va_list ap;

    if (!ok && failmsg[0] == '\0') {
        va_start(ap, fmt);
        vsnprintf(failmsg, sizeof(failmsg), fmt, ap);
        va_end(ap);
    }
    return ok;
}

static void
begin_case(void)
{
    failmsg[0] = '\0';
}

static void
end_case(const char *group, const char *desc)
{
    if (failmsg[0] == '\0') {
        npass++;
        printf("ok   %s: %s\n", group, desc);
    } else {
        nfail++;
        printf("FAIL %s: %s: %s\n", group, desc, failmsg);
    }
}

static gss_buffer_desc
buf_of(const void *p, size_t len)
{
    gss_buffer_desc b;

    b.value = (void *)p;
    b.length = len;
    return b;
}

static signet_name *
import_str(const char *s, gss_OID type)
{
    OM_uint32 minor;
    gss_buffer_desc b = buf_of(s, strlen(s));
    gss_name_t name = GSS_C_NO_NAME;

    if (signet_gss_import_name(&minor, &b, type, &name) != GSS_S_COMPLETE)
        return NULL;
    return (signet_name *)name;
}

static void
release(signet_name **name)
{
    OM_uint32 minor;
    gss_name_t n = (gss_name_t)*name;

    signet_gss_release_name(&minor, &n);
    *name = NULL;
}

static const gss_OID_desc krb5_oid_desc = {
    9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02"
};
#define KRB5_OID ((gss_OID)&krb5_oid_desc)

/* ---- import / display / export round trips ------------------------------ */

struct import_case {
    const char *desc;
    int type;               /* index into name_types() */
    const char *input;
    size_t len;             /* 0: strlen(input) */
    OM_uint32 major;        /* expected */
    OM_uint32 minor;        /* expected on failure */
    enum signet_name_kind kind;
    const char *value, *host;
    const char *display;
    int display_type;       /* index into name_types() */
};

enum { T_NONE, T_HOST, T_HOST_X, T_USER, T_ANON, T_PEER, T_EXPORT,
       T_MACHINE_UID, T_STRING_UID, T_KRB5 };

static gss_OID
name_type(int t)
{
    switch (t) {
    case T_HOST: return GSS_C_NT_HOSTBASED_SERVICE;
    case T_HOST_X: return GSS_C_NT_HOSTBASED_SERVICE_X;
    case T_USER: return GSS_C_NT_USER_NAME;
    case T_ANON: return GSS_C_NT_ANONYMOUS;
    case T_PEER: return SIGNET_NT_PEER;
    case T_EXPORT: return GSS_C_NT_EXPORT_NAME;
    case T_MACHINE_UID: return GSS_C_NT_MACHINE_UID_NAME;
    case T_STRING_UID: return GSS_C_NT_STRING_UID_NAME;
    case T_KRB5: return KRB5_OID;
    }
    return GSS_C_NO_OID;
}

#define OK GSS_S_COMPLETE, 0
#define BAD_NAME GSS_S_BAD_NAME, SIGNET_ERR_BAD_NAME
#define BAD_NAMETYPE GSS_S_BAD_NAMETYPE, SIGNET_ERR_BAD_NAMETYPE

static const struct import_case import_cases[] = {
    { "service@host", T_HOST, "host@Server.Example", 0, OK,
      SIGNET_NAME_HOSTBASED, "host", "server.example",
      "host@server.example", T_HOST },
    { "service alone", T_HOST, "nfs", 0, OK,
      SIGNET_NAME_HOSTBASED, "nfs", NULL, "nfs", T_HOST },
    { "service@host with the terminating NUL (gss-server)", T_HOST,
      "host@a.example", sizeof("host@a.example"), OK,
      SIGNET_NAME_HOSTBASED, "host", "a.example", "host@a.example", T_HOST },
    { "old service name type", T_HOST_X, "ldap@b.example", 0, OK,
      SIGNET_NAME_HOSTBASED, "ldap", "b.example", "ldap@b.example", T_HOST },
    { "user name", T_USER, "alice", 0, OK,
      SIGNET_NAME_USER, "alice", NULL, "alice", T_USER },
    { "user name with realm", T_USER, "alice@EXAMPLE.COM", 0, OK,
      SIGNET_NAME_USER, "alice@EXAMPLE.COM", NULL, "alice@EXAMPLE.COM",
      T_USER },
    { "user name with NUL", T_USER, "bob", 4, OK,
      SIGNET_NAME_USER, "bob", NULL, "bob", T_USER },
    { "no name type is a user name", T_NONE, "carol", 0, OK,
      SIGNET_NAME_USER, "carol", NULL, "carol", T_USER },
    { "anonymous, empty buffer", T_ANON, "", 0, OK,
      SIGNET_NAME_ANONYMOUS, "anonymous", NULL, "anonymous", T_ANON },
    { "anonymous, contents ignored", T_ANON, "whoever", 0, OK,
      SIGNET_NAME_ANONYMOUS, "anonymous", NULL, "anonymous", T_ANON },
    { "peer x509", T_PEER, "x509:CN=Alice Smith,O=Example", 0, OK,
      SIGNET_NAME_X509, "CN=Alice Smith,O=Example", NULL,
      "x509:CN=Alice Smith,O=Example", T_PEER },
    { "peer psk", T_PEER, "psk:client1", 0, OK,
      SIGNET_NAME_PSK, "client1", NULL, "psk:client1", T_PEER },
    { "peer psk with NUL", T_PEER, "psk:client2", sizeof("psk:client2"), OK,
      SIGNET_NAME_PSK, "client2", NULL, "psk:client2", T_PEER },
    { "empty user name", T_USER, "", 0, BAD_NAME, 0, NULL, NULL, NULL, 0 },
    { "user name of one NUL", T_USER, "", 1, BAD_NAME, 0, NULL, NULL, NULL, 0 },
    { "embedded NUL", T_USER, "al\0ice", 6, BAD_NAME, 0, NULL, NULL, NULL, 0 },
    { "two trailing NULs", T_USER, "alice\0", 7, BAD_NAME,
      0, NULL, NULL, NULL, 0 },
    { "empty service", T_HOST, "@host.example", 0, BAD_NAME,
      0, NULL, NULL, NULL, 0 },
    { "empty host", T_HOST, "host@", 0, BAD_NAME, 0, NULL, NULL, NULL, 0 },
    { "two '@' in service name", T_HOST, "host@a@b", 0, BAD_NAME,
      0, NULL, NULL, NULL, 0 },
    { "empty hostbased", T_HOST, "", 0, BAD_NAME, 0, NULL, NULL, NULL, 0 },
    { "peer without prefix", T_PEER, "CN=Alice", 0, BAD_NAME,
      0, NULL, NULL, NULL, 0 },
    { "peer with unknown prefix", T_PEER, "ldap:cn=x", 0, BAD_NAME,
      0, NULL, NULL, NULL, 0 },
    { "peer x509 with empty DN", T_PEER, "x509:", 0, BAD_NAME,
      0, NULL, NULL, NULL, 0 },
    { "peer psk with empty identity", T_PEER, "psk:", 0, BAD_NAME,
      0, NULL, NULL, NULL, 0 },
    { "peer name with embedded NUL", T_PEER, "psk:a\0b", 7, BAD_NAME,
      0, NULL, NULL, NULL, 0 },
    { "machine UID name type", T_MACHINE_UID, "\0\0\0\1", 4, BAD_NAMETYPE,
      0, NULL, NULL, NULL, 0 },
    { "string UID name type", T_STRING_UID, "1000", 0, BAD_NAMETYPE,
      0, NULL, NULL, NULL, 0 },
    { "krb5 principal name type", T_KRB5, "alice@EXAMPLE.COM", 0,
      BAD_NAMETYPE, 0, NULL, NULL, NULL, 0 },
    { "export name that is a plain string", T_EXPORT, "alice", 0, BAD_NAME,
      0, NULL, NULL, NULL, 0 },
};

static void
run_import_case(const struct import_case *tc)
{
    OM_uint32 major, minor = 0, min2;
    gss_buffer_desc in, disp = GSS_C_EMPTY_BUFFER, exp = GSS_C_EMPTY_BUFFER;
    gss_name_t name = (gss_name_t)&minor; /* must be reset */
    gss_name_t back = GSS_C_NO_NAME, redisp = GSS_C_NO_NAME;
    gss_OID dtype = (gss_OID)&krb5_oid_desc;
    signet_name *n;
    int equal = -1;

    in = buf_of(tc->input, tc->len != 0 ? tc->len : strlen(tc->input));
    major = signet_gss_import_name(&minor, &in, name_type(tc->type), &name);
    if (!check(major == tc->major, "import major 0x%x, expected 0x%x",
               major, tc->major))
        goto done;
    if (tc->major != GSS_S_COMPLETE) {
        check(minor == tc->minor, "minor 0x%x, expected 0x%x", minor,
              tc->minor);
        check(name == GSS_C_NO_NAME, "output name not reset on failure");
        goto done;
    }
    check(minor == 0, "minor %u on success", minor);
    n = (signet_name *)name;
    check(n->kind == tc->kind, "kind %d, expected %d", n->kind, tc->kind);
    check(strcmp(n->value, tc->value) == 0, "value \"%s\"", n->value);
    check((n->host == NULL && tc->host == NULL) ||
          (n->host != NULL && tc->host != NULL &&
           strcmp(n->host, tc->host) == 0), "host \"%s\"",
          n->host != NULL ? n->host : "(null)");

    major = signet_gss_display_name(&minor, name, &disp, &dtype);
    if (!check(major == GSS_S_COMPLETE, "display major 0x%x", major))
        goto done;
    check(disp.length == strlen(tc->display) &&
          memcmp(disp.value, tc->display, disp.length) == 0 &&
          ((char *)disp.value)[disp.length] == '\0',
          "display \"%.*s\"", (int)disp.length, (char *)disp.value);
    check(dtype == name_type(tc->display_type),
          "display name type is not the library constant");

    /* Importing the display form with its type gives an equal name. */
    major = signet_gss_import_name(&minor, &disp, dtype, &redisp);
    if (check(major == GSS_S_COMPLETE, "re-import of display major 0x%x",
              major))
        check(signet_name_equal(n, (signet_name *)redisp),
              "display form does not round-trip");

    major = signet_gss_export_name(&minor, name, &exp);
    if (!check(major == GSS_S_COMPLETE, "export major 0x%x", major))
        goto done;
    major = signet_gss_import_name(&minor, &exp, GSS_C_NT_EXPORT_NAME, &back);
    if (!check(major == GSS_S_COMPLETE, "import of export major 0x%x", major))
        goto done;
    check(signet_name_equal(n, (signet_name *)back),
          "exported name does not round-trip");
    major = signet_gss_compare_name(&minor, name, back, &equal);
    check(major == GSS_S_COMPLETE, "compare major 0x%x", major);
    check(equal == (tc->kind != SIGNET_NAME_ANONYMOUS),
          "compare with its re-import gives %d", equal);

done:
    free(disp.value);
    free(exp.value);
    signet_gss_release_name(&min2, &name);
    signet_gss_release_name(&min2, &back);
    signet_gss_release_name(&min2, &redisp);
}

/* ---- exported-name tokens ------------------------------------------------- */

/* Known answer: export of host@a.example. */
static const unsigned char export_kat[] = {
    0x04, 0x01, 0x00, 0x0c, 0x06, 0x0a,
    0x69, 0xac, 0xcf, 0xfa, 0xfc, 0xa0, 0x8d, 0x8b, 0xb7, 0x77,
    0x00, 0x00, 0x00, 0x1b,
    0x01, 0x01,
    0x00, 0x00, 0x00, 0x04, 'h', 'o', 's', 't',
    0x00, 0x00, 0x00, 0x09, 'a', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e',
    0x00, 0x00, 0x00, 0x00,
};

static void
case_export_kat(void)
{
    OM_uint32 major, minor;
    signet_name *n = import_str("host@A.Example", GSS_C_NT_HOSTBASED_SERVICE);
    gss_buffer_desc exp = GSS_C_EMPTY_BUFFER;

    begin_case();
    if (check(n != NULL, "import failed")) {
        major = signet_gss_export_name(&minor, (gss_name_t)n, &exp);
        check(major == GSS_S_COMPLETE, "export major 0x%x", major);
        check(exp.length == sizeof(export_kat) &&
              memcmp(exp.value, export_kat, exp.length) == 0,
              "exported bytes differ from the known answer (%zu bytes)",
              exp.length);
    }
    free(exp.value);
    release(&n);
    end_case("export", "known answer for host@a.example (host lower-cased)");
}

/* Exported token of a name built here; caller frees. */
static gss_buffer_desc
export_of(signet_name *n)
{
    OM_uint32 minor;
    gss_buffer_desc exp = GSS_C_EMPTY_BUFFER;

    signet_gss_export_name(&minor, (gss_name_t)n, &exp);
    return exp;
}

static void
case_export_x509_local(void)
{
    OM_uint32 major, minor;
    signet_name *n = NULL;
    gss_buffer_desc exp = GSS_C_EMPTY_BUFFER;
    gss_name_t back = GSS_C_NO_NAME;

    begin_case();
    signet_name_new(&minor, SIGNET_NAME_X509, "CN=Alice,O=Example", NULL, &n);
    if (check(n != NULL, "signet_name_new failed")) {
        n->local = strdup("alice");
        exp = export_of(n);
        major = signet_gss_import_name(&minor, &exp, GSS_C_NT_EXPORT_NAME,
                                       &back);
        if (check(major == GSS_S_COMPLETE, "import major 0x%x", major))
            check(((signet_name *)back)->local != NULL &&
                  strcmp(((signet_name *)back)->local, "alice") == 0,
                  "local account lost in export");
    }
    free(exp.value);
    release(&n);
    signet_gss_release_name(&minor, &back);
    end_case("export", "X.509 name keeps its local account");
}

static void
case_composite_type(void)
{
    OM_uint32 major, minor;
    gss_buffer_desc tok = buf_of(export_kat, sizeof(export_kat));
    gss_name_t back = GSS_C_NO_NAME;

    begin_case();
    major = signet_gss_import_name(&minor, &tok, GSS_C_NT_COMPOSITE_EXPORT,
                                   &back);
    check(major == GSS_S_COMPLETE, "major 0x%x", major);
    signet_gss_release_name(&minor, &back);
    end_case("export", "04 01 token imported as GSS_C_NT_COMPOSITE_EXPORT");
}

/* Every proper prefix of valid tokens is GSS_S_BAD_NAME. */
static void
case_truncations(const char *desc, const char *text, gss_OID type,
                 const char *local)
{
    OM_uint32 major, minor;
    signet_name *n = import_str(text, type);
    gss_buffer_desc exp = GSS_C_EMPTY_BUFFER, cut;
    gss_name_t out;
    size_t len;

    begin_case();
    if (check(n != NULL, "import of %s failed", text)) {
        if (local != NULL)
            n->local = strdup(local);
        exp = export_of(n);
        check(exp.length > 0, "export failed");
        for (len = 0; len < exp.length; len++) {
            cut = buf_of(exp.value, len);
            out = (gss_name_t)&minor;
            major = signet_gss_import_name(&minor, &cut, GSS_C_NT_EXPORT_NAME,
                                           &out);
            if (!check(major == GSS_S_BAD_NAME &&
                       minor == SIGNET_ERR_BAD_NAME && out == GSS_C_NO_NAME,
                       "length %zu of %zu: major 0x%x minor 0x%x", len,
                       exp.length, major, minor))
                break;
        }
    }
    free(exp.value);
    release(&n);
    end_case("truncated export", desc);
}

struct corrupt_case {
    const char *desc;
    size_t offset;           /* byte to replace in export_kat */
    unsigned char value;
    int append;              /* 1: append value instead */
};

static const struct corrupt_case corrupt_cases[] = {
    { "token id 04 00", 1, 0x00, 0 },
    { "composite token id 04 02", 1, 0x02, 0 },
    { "token id 05 01", 0, 0x05, 0 },
    { "OID length field too small", 3, 0x0b, 0 },
    { "OID tag not 06", 4, 0x05, 0 },
    { "OID of another mechanism (last arc)", 15, 0x78, 0 },
    { "name length one too large", 19, 0x1c, 0 },
    { "name length one too small", 19, 0x1a, 0 },
    { "one trailing byte", 0, 0x00, 1 },
    { "unknown encoding version", 20, 0x02, 0 },
    { "kind 0", 21, 0x00, 0 },
    { "kind 6", 21, 0x06, 0 },
    { "NUL inside the value", 27, 0x00, 0 },
    { "host on a user name", 21, SIGNET_NAME_USER, 0 },
    { "host on a PSK name", 21, SIGNET_NAME_PSK, 0 },
    { "anonymous with another value", 21, SIGNET_NAME_ANONYMOUS, 0 },
};

static void
run_corrupt_case(const struct corrupt_case *tc)
{
    OM_uint32 major, minor = 0;
    unsigned char tok[sizeof(export_kat) + 1];
    size_t len = sizeof(export_kat);
    gss_buffer_desc b;
    gss_name_t out = (gss_name_t)&minor;

    memcpy(tok, export_kat, sizeof(export_kat));
    if (tc->append)
        tok[len++] = tc->value;
    else
        tok[tc->offset] = tc->value;
    b = buf_of(tok, len);
    major = signet_gss_import_name(&minor, &b, GSS_C_NT_EXPORT_NAME, &out);
    check(major == GSS_S_BAD_NAME, "major 0x%x", major);
    check(minor == SIGNET_ERR_BAD_NAME, "minor 0x%x", minor);
    check(out == GSS_C_NO_NAME, "output not reset");
    if (out != GSS_C_NO_NAME && out != (gss_name_t)&minor)
        signet_gss_release_name(&minor, &out);
}

static void
case_foreign_export(void)
{
    /* A krb5 exported name: 04 01 00 0b 06 09 <krb5 OID> len name. */
    static const unsigned char krb5_tok[] = {
        0x04, 0x01, 0x00, 0x0b, 0x06, 0x09,
        0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02,
        0x00, 0x00, 0x00, 0x05, 'a', 'l', 'i', 'c', 'e',
    };
    OM_uint32 major, minor;
    gss_buffer_desc b = buf_of(krb5_tok, sizeof(krb5_tok));
    gss_name_t out = GSS_C_NO_NAME;

    begin_case();
    major = signet_gss_import_name(&minor, &b, GSS_C_NT_EXPORT_NAME, &out);
    check(major == GSS_S_BAD_NAME && minor == SIGNET_ERR_BAD_NAME,
          "major 0x%x minor 0x%x", major, minor);
    check(out == GSS_C_NO_NAME, "output set");
    end_case("bad export", "krb5 exported name");
}

/* ---- comparison --------------------------------------------------------- */

struct compare_case {
    const char *desc;
    const char *a;
    int ta;
    const char *b;
    int tb;
    int equal;
};

static const struct compare_case compare_cases[] = {
    { "host part is case-insensitive", "host@A.EXAMPLE", T_HOST,
      "host@a.example", T_HOST, 1 },
    { "service is case-sensitive", "HOST@a.example", T_HOST,
      "host@a.example", T_HOST, 0 },
    { "service with and without host", "host@a.example", T_HOST,
      "host", T_HOST, 0 },
    { "different hosts", "host@a.example", T_HOST, "host@b.example", T_HOST,
      0 },
    { "same user", "alice", T_USER, "alice", T_NONE, 1 },
    { "user is case-sensitive", "alice", T_USER, "Alice", T_USER, 0 },
    { "user vs PSK identity", "alice", T_USER, "psk:alice", T_PEER, 0 },
    { "user vs service", "host", T_USER, "host", T_HOST, 0 },
    { "same DN", "x509:CN=A,O=B", T_PEER, "x509:CN=A,O=B", T_PEER, 1 },
    { "different DN", "x509:CN=A,O=B", T_PEER, "x509:CN=A,O=C", T_PEER, 0 },
    { "DN vs PSK", "x509:a", T_PEER, "psk:a", T_PEER, 0 },
    { "anonymous never equals anonymous", "", T_ANON, "", T_ANON, 0 },
    { "anonymous vs user anonymous", "", T_ANON, "anonymous", T_USER, 0 },
};

static void
run_compare_case(const struct compare_case *tc)
{
    OM_uint32 major, minor;
    signet_name *a = import_str(tc->a, name_type(tc->ta));
    signet_name *b = import_str(tc->b, name_type(tc->tb));
    int equal = -1;

    if (check(a != NULL && b != NULL, "import failed")) {
        major = signet_gss_compare_name(&minor, (gss_name_t)a, (gss_name_t)b,
                                        &equal);
        check(major == GSS_S_COMPLETE, "major 0x%x", major);
        check(equal == tc->equal, "equal %d", equal);
        major = signet_gss_compare_name(&minor, (gss_name_t)b, (gss_name_t)a,
                                        &equal);
        check(equal == tc->equal, "not symmetric");
    }
    release(&a);
    release(&b);
}

/* ---- local accounts ----------------------------------------------------- */

static char map_path[64];

static void
write_map(const char *text)
{
    FILE *f = fopen(map_path, "w");

    if (f == NULL) {
        perror(map_path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
}

static const char good_map[] =
    "# Signet local account map\n"
    "\n"
    "x509:CN=Alice Smith,O=Example   alice\n"
    "   psk:client1\tsvc_backup  \n"
    "alice@EXAMPLE.COM root2\r\n"
    "psk:client1 other\n"
    "x509:CN=Mapped,O=Example mapped.user\n";

struct local_case {
    const char *desc;
    const char *map;         /* NULL: no map configured */
    const char *name;
    int type;
    const char *local;       /* X509: suggested local account, or NULL */
    OM_uint32 major, minor;
    const char *expect;
};

#define NOLOCAL GSS_S_FAILURE, SIGNET_ERR_NO_LOCALNAME
#define BADMAP GSS_S_FAILURE, SIGNET_ERR_CONFIG

static const struct local_case local_cases[] = {
    { "user name", NULL, "alice", T_USER, NULL, OK, "alice" },
    { "user name up to '@'", NULL, "alice@EXAMPLE.COM", T_USER, NULL, OK,
      "alice" },
    { "PSK identity", NULL, "psk:client1", T_PEER, NULL, OK, "client1" },
    { "X.509 suggested account", NULL, "x509:CN=Bob,O=Example", T_PEER, "bob",
      OK, "bob" },
    { "X.509 without suggestion", NULL, "x509:CN=Bob,O=Example", T_PEER, NULL,
      NOLOCAL, NULL },
    { "X.509 invalid suggestion", NULL, "x509:CN=Bob", T_PEER, "bob smith",
      NOLOCAL, NULL },
    { "service name", NULL, "host@a.example", T_HOST, NULL, NOLOCAL, NULL },
    { "anonymous", NULL, "", T_ANON, NULL, NOLOCAL, NULL },
    { "user with empty local part", NULL, "@EXAMPLE.COM", T_USER, NULL,
      NOLOCAL, NULL },
    { "user starting with '-'", NULL, "-rf", T_USER, NULL, NOLOCAL, NULL },
    { "PSK identity with '/'", NULL, "psk:../etc", T_PEER, NULL, NOLOCAL,
      NULL },
    { "PSK identity with a space", NULL, "psk:a b", T_PEER, NULL, NOLOCAL,
      NULL },
    { "user '..'", NULL, "..", T_USER, NULL, NOLOCAL, NULL },
    { "account name of 256 bytes", NULL,
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      T_USER, NULL, NOLOCAL, NULL },
    { "map: DN with blanks", good_map, "x509:CN=Alice Smith,O=Example",
      T_PEER, NULL, OK, "alice" },
    { "map: takes precedence over suggestion", good_map,
      "x509:CN=Mapped,O=Example", T_PEER, "suggested", OK, "mapped.user" },
    { "map: first line wins", good_map, "psk:client1", T_PEER, NULL, OK,
      "svc_backup" },
    { "map: user with realm, CRLF line", good_map, "alice@EXAMPLE.COM",
      T_USER, NULL, OK, "root2" },
    { "map: unmapped user falls back", good_map, "bob", T_USER, NULL, OK,
      "bob" },
    { "map: comment line is not a mapping", good_map,
      "# Signet local account", T_USER, NULL, NOLOCAL, NULL },
    { "map: service name still has none", good_map, "host@a.example", T_HOST,
      NULL, NOLOCAL, NULL },
    { "map: one-word line", "psk:client1 ok\njustoneword\n", "psk:client1",
      T_PEER, NULL, BADMAP, NULL },
    { "map: invalid account", "psk:x ../../root\n", "psk:client1", T_PEER,
      NULL, BADMAP, NULL },
    { "map: file missing", "", "alice", T_USER, NULL, BADMAP, NULL },
};

static void
set_map(const char *map)
{
    if (map == NULL) {
        unsetenv("SIGNET_LOCALNAME_MAP");
    } else if (*map == '\0') {
        setenv("SIGNET_LOCALNAME_MAP", "/nonexistent/signet-localname-map", 1);
    } else {
        write_map(map);
        setenv("SIGNET_LOCALNAME_MAP", map_path, 1);
    }
}

static void
run_local_case(const struct local_case *tc)
{
    OM_uint32 major, minor;
    signet_name *n = import_str(tc->name, name_type(tc->type));
    gss_buffer_desc out = { 5, (void *)"stale" };

    set_map(tc->map);
    if (check(n != NULL, "import failed")) {
        if (tc->local != NULL)
            n->local = strdup(tc->local);
        major = signet_gss_localname(&minor, (gss_name_t)n, SIGNET_MECH_OID,
                                     &out);
        check(major == tc->major, "major 0x%x, expected 0x%x", major,
              tc->major);
        check(minor == tc->minor, "minor 0x%x, expected 0x%x", minor,
              tc->minor);
        if (tc->expect != NULL)
            check(out.value != NULL && strlen(tc->expect) == out.length &&
                  strcmp(out.value, tc->expect) == 0, "local name \"%.*s\"",
                  (int)out.length, out.value != NULL ? (char *)out.value : "");
        else
            check(out.value == NULL && out.length == 0,
                  "output set on failure");
    }
    free(out.value);
    release(&n);
}

struct authz_case {
    const char *desc;
    const char *map;
    const char *name;
    int type;
    const char *user;
    int user_type;
    OM_uint32 major;
};

static const struct authz_case authz_cases[] = {
    { "user to own account", NULL, "alice@EXAMPLE.COM", T_USER, "alice",
      T_USER, GSS_S_COMPLETE },
    { "user to another account", NULL, "alice@EXAMPLE.COM", T_USER, "bob",
      T_USER, GSS_S_UNAUTHORIZED },
    { "PSK identity", NULL, "psk:client1", T_PEER, "client1", T_NONE,
      GSS_S_COMPLETE },
    { "anonymous", NULL, "", T_ANON, "anonymous", T_USER,
      GSS_S_UNAUTHORIZED },
    { "service", NULL, "host@a.example", T_HOST, "host", T_USER,
      GSS_S_UNAUTHORIZED },
    { "account given as a service name", NULL, "alice", T_USER, "alice",
      T_HOST, GSS_S_BAD_NAMETYPE },
    { "map: any mapped account", good_map, "psk:client1", T_PEER, "other",
      T_USER, GSS_S_COMPLETE },
    { "map: first mapped account", good_map, "psk:client1", T_PEER,
      "svc_backup", T_USER, GSS_S_COMPLETE },
    { "map: default account replaced", good_map, "psk:client1", T_PEER,
      "client1", T_USER, GSS_S_UNAUTHORIZED },
    { "empty account", NULL, "alice", T_USER, "", T_USER, GSS_S_BAD_NAME },
    { "account given as a krb5 principal", NULL, "alice", T_USER, "alice",
      T_KRB5, GSS_S_BAD_NAMETYPE },
    { "map: broken map fails", "broken\n", "alice", T_USER, "alice", T_USER,
      GSS_S_FAILURE },
};

static void
run_authz_case(const struct authz_case *tc)
{
    OM_uint32 major, minor;
    signet_name *n = import_str(tc->name, name_type(tc->type));
    gss_buffer_desc u = buf_of(tc->user, strlen(tc->user));

    set_map(tc->map);
    if (check(n != NULL, "import failed")) {
        major = signet_gss_authorize_localname(&minor, (gss_name_t)n, &u,
                                               name_type(tc->user_type));
        check(major == tc->major, "major 0x%x, expected 0x%x", major,
              tc->major);
    }
    release(&n);
}

/* ---- argument checks and the rest of the name API ------------------------ */

static void
case_arguments(void)
{
    OM_uint32 major, minor;
    gss_buffer_desc b = buf_of("alice", 5), out;
    gss_name_t n = GSS_C_NO_NAME, tmp = GSS_C_NO_NAME;
    gss_OID_set set;
    int eq;

    begin_case();
    major = signet_gss_import_name(&minor, GSS_C_NO_BUFFER, GSS_C_NT_USER_NAME,
                                   &n);
    check(major == GSS_S_CALL_INACCESSIBLE_READ, "import NULL buffer 0x%x",
          major);
    major = signet_gss_import_name(&minor, &b, GSS_C_NT_USER_NAME, NULL);
    check(major == GSS_S_CALL_INACCESSIBLE_WRITE, "import NULL out 0x%x",
          major);
    major = signet_gss_import_name(NULL, &b, GSS_C_NT_USER_NAME, &n);
    check(major == GSS_S_CALL_INACCESSIBLE_WRITE && n == GSS_C_NO_NAME,
          "import NULL minor 0x%x", major);
    major = signet_gss_display_name(&minor, GSS_C_NO_NAME, &out, NULL);
    check(major == (GSS_S_CALL_INACCESSIBLE_READ | GSS_S_BAD_NAME),
          "display NULL name 0x%x", major);
    major = signet_gss_export_name(&minor, GSS_C_NO_NAME, &out);
    check(major == (GSS_S_CALL_INACCESSIBLE_READ | GSS_S_BAD_NAME),
          "export NULL name 0x%x", major);
    major = signet_gss_compare_name(&minor, GSS_C_NO_NAME, GSS_C_NO_NAME, &eq);
    check(major == (GSS_S_CALL_INACCESSIBLE_READ | GSS_S_BAD_NAME) && eq == 0,
          "compare NULL names 0x%x", major);
    major = signet_gss_release_name(&minor, NULL);
    check(GSS_ROUTINE_ERROR(major) == GSS_S_BAD_NAME,
          "release NULL pointer 0x%x", major);
    major = signet_gss_release_name(&minor, &n);
    check(major == GSS_S_COMPLETE, "release of NO_NAME 0x%x", major);

    major = signet_gss_import_name(&minor, &b, GSS_C_NT_USER_NAME, &n);
    check(major == GSS_S_COMPLETE, "import 0x%x", major);
    major = signet_gss_display_name(&minor, n, NULL, NULL);
    check(major == GSS_S_CALL_INACCESSIBLE_WRITE, "display NULL buffer 0x%x",
          major);
    major = signet_gss_canonicalize_name(&minor, n, KRB5_OID, &tmp);
    check(major == GSS_S_BAD_MECH && tmp == GSS_C_NO_NAME,
          "canonicalize for krb5 0x%x", major);
    major = signet_gss_canonicalize_name(&minor, n, SIGNET_MECH_OID, &tmp);
    check(major == GSS_S_COMPLETE &&
          signet_name_equal((signet_name *)n, (signet_name *)tmp),
          "canonicalize 0x%x", major);
    signet_gss_release_name(&minor, &tmp);
    major = signet_gss_duplicate_name(&minor, n, &tmp);
    check(major == GSS_S_COMPLETE && tmp != n &&
          signet_name_equal((signet_name *)n, (signet_name *)tmp),
          "duplicate 0x%x", major);
    signet_gss_release_name(&minor, &tmp);
    major = signet_gss_localname(&minor, n, KRB5_OID, &out);
    check(major == GSS_S_BAD_MECH, "localname for krb5 0x%x", major);
    major = signet_gss_release_name(&minor, &n);
    check(major == GSS_S_COMPLETE && n == GSS_C_NO_NAME, "release 0x%x",
          major);

    major = signet_gss_inquire_names_for_mech(&minor, SIGNET_MECH_OID, &set);
    if (check(major == GSS_S_COMPLETE, "names_for_mech 0x%x", major)) {
        int has_peer = 0, has_host = 0;

        gss_test_oid_set_member(&minor, SIGNET_NT_PEER, set, &has_peer);
        gss_test_oid_set_member(&minor, GSS_C_NT_HOSTBASED_SERVICE, set,
                                &has_host);
        check(set->count == 5 && has_peer && has_host,
              "names_for_mech set (count %zu)", set->count);
        gss_release_oid_set(&minor, &set);
    }
    major = signet_gss_inquire_names_for_mech(&minor, KRB5_OID, &set);
    check(major == GSS_S_BAD_MECH && set == GSS_C_NO_OID_SET,
          "names_for_mech krb5 0x%x", major);
    end_case("api", "argument checks, canonicalize, duplicate, names_for_mech");
}

/* ---- mechanism attributes ------------------------------------------------- */

static int
has(gss_OID_set set, gss_const_OID oid)
{
    OM_uint32 minor;
    int present = 0;

    gss_test_oid_set_member(&minor, (gss_OID)oid, set, &present);
    return present;
}

static void
case_mechattrs(void)
{
    OM_uint32 major, minor;
    gss_OID_set set = GSS_C_NO_OID_SET, attrs = GSS_C_NO_OID_SET;
    gss_OID_set known = GSS_C_NO_OID_SET;
    gss_const_OID yes[] = {
        GSS_C_MA_MECH_CONCRETE, GSS_C_MA_ITOK_FRAMED, GSS_C_MA_AUTH_INIT,
        GSS_C_MA_AUTH_TARG, GSS_C_MA_AUTH_INIT_ANON, GSS_C_MA_INTEG_PROT,
        GSS_C_MA_CONF_PROT, GSS_C_MA_MIC, GSS_C_MA_WRAP, GSS_C_MA_REPLAY_DET,
        GSS_C_MA_OOS_DET, GSS_C_MA_CBINDINGS, GSS_C_MA_PFS,
        GSS_C_MA_CTX_TRANS,
    };
    gss_const_OID no[] = {
        GSS_C_MA_DEPRECATED, GSS_C_MA_NOT_DFLT_MECH, GSS_C_MA_MECH_NEGO,
        GSS_C_MA_PROT_READY, GSS_C_MA_NOT_MECH, GSS_C_MA_MECH_PSEUDO,
        GSS_C_MA_DELEG_CRED, GSS_C_MA_AUTH_INIT_INIT,
    };
    size_t i;

    begin_case();
    major = signet_gss_indicate_mechs(&minor, &set);
    check(major == GSS_S_COMPLETE && set != NULL && set->count == 1 &&
          has(set, SIGNET_MECH_OID), "indicate_mechs 0x%x", major);
    gss_release_oid_set(&minor, &set);

    major = signet_gss_inquire_attrs_for_mech(&minor, SIGNET_MECH_OID, &attrs,
                                              &known);
    if (check(major == GSS_S_COMPLETE, "inquire_attrs 0x%x", major)) {
        for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
            check(has(attrs, yes[i]), "attribute %zu of yes[] missing", i);
            check(has(known, yes[i]), "attribute %zu of yes[] unknown", i);
        }
        for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
            check(!has(attrs, no[i]), "attribute %zu of no[] asserted", i);
            check(has(known, no[i]), "attribute %zu of no[] unknown", i);
        }
        check(attrs->count == sizeof(yes) / sizeof(yes[0]),
              "%zu attributes asserted", attrs->count);
    }
    gss_release_oid_set(&minor, &attrs);
    gss_release_oid_set(&minor, &known);
    major = signet_gss_inquire_attrs_for_mech(&minor, GSS_C_NO_OID, NULL,
                                              NULL);
    check(major == GSS_S_COMPLETE, "inquire_attrs without outputs 0x%x",
          major);
    major = signet_gss_inquire_attrs_for_mech(&minor, KRB5_OID, &attrs,
                                              &known);
    check(major == GSS_S_BAD_MECH && attrs == GSS_C_NO_OID_SET &&
          known == GSS_C_NO_OID_SET, "inquire_attrs krb5 0x%x", major);
    end_case("mechattrs", "indicate_mechs and RFC 5587 attributes");
}

static void
case_saslname(void)
{
    OM_uint32 major, minor;
    gss_buffer_desc sasl, mname, descr, in;
    gss_OID mech = GSS_C_NO_OID;

    begin_case();
    major = signet_gss_inquire_saslname_for_mech(&minor, SIGNET_MECH_OID,
                                                 &sasl, &mname, &descr);
    if (check(major == GSS_S_COMPLETE, "saslname_for_mech 0x%x", major)) {
        check(sasl.length == strlen(SIGNET_SASL_MECH_NAME) &&
              memcmp(sasl.value, SIGNET_SASL_MECH_NAME, sasl.length) == 0,
              "sasl name");
        check(mname.length == 6 && memcmp(mname.value, "signet", 6) == 0,
              "mech name");
        check(descr.length > 0, "description");
        free(sasl.value);
        free(mname.value);
        free(descr.value);
    }
    major = signet_gss_inquire_saslname_for_mech(&minor, SIGNET_MECH_OID,
                                                 GSS_C_NO_BUFFER, &mname,
                                                 GSS_C_NO_BUFFER);
    check(major == GSS_S_COMPLETE && mname.length == 6, "only mech name");
    free(mname.value);
    major = signet_gss_inquire_saslname_for_mech(&minor, KRB5_OID, &sasl,
                                                 &mname, &descr);
    check(major == GSS_S_BAD_MECH && sasl.value == NULL, "krb5 0x%x", major);

    in = buf_of(SIGNET_SASL_MECH_NAME, strlen(SIGNET_SASL_MECH_NAME));
    major = signet_gss_inquire_mech_for_saslname(&minor, &in, &mech);
    check(major == GSS_S_COMPLETE && signet_oid_equal(mech, SIGNET_MECH_OID),
          "mech_for_saslname 0x%x", major);
    in = buf_of("GS2-KRB5", 8);
    major = signet_gss_inquire_mech_for_saslname(&minor, &in, &mech);
    check(major == GSS_S_BAD_MECH && mech == GSS_C_NO_OID,
          "mech_for_saslname GS2-KRB5 0x%x", major);
    end_case("mechattrs", "RFC 5801 SASL names");
}

int
main(void)
{
    size_t i;
    int fd;

    /* Keep the host's configuration file out of the test. */
    setenv("SIGNET_CONFIG", "/dev/null", 1);
    unsetenv("SIGNET_LOCALNAME_MAP");
    snprintf(map_path, sizeof(map_path), "/tmp/t_name_map.XXXXXX");
    fd = mkstemp(map_path);
    if (fd < 0) {
        perror("mkstemp");
        return 1;
    }
    close(fd);

    for (i = 0; i < sizeof(import_cases) / sizeof(import_cases[0]); i++) {
        begin_case();
        run_import_case(&import_cases[i]);
        end_case("import", import_cases[i].desc);
    }
    case_export_kat();
    case_export_x509_local();
    case_composite_type();
    case_truncations("service@host", "host@a.example",
                     GSS_C_NT_HOSTBASED_SERVICE, NULL);
    case_truncations("service", "nfs", GSS_C_NT_HOSTBASED_SERVICE, NULL);
    case_truncations("X.509 with local account", "x509:CN=A", SIGNET_NT_PEER,
                     "alice");
    case_truncations("anonymous", "", GSS_C_NT_ANONYMOUS, NULL);
    for (i = 0; i < sizeof(corrupt_cases) / sizeof(corrupt_cases[0]); i++) {
        begin_case();
        run_corrupt_case(&corrupt_cases[i]);
        end_case("bad export", corrupt_cases[i].desc);
    }
    case_foreign_export();
    for (i = 0; i < sizeof(compare_cases) / sizeof(compare_cases[0]); i++) {
        begin_case();
        run_compare_case(&compare_cases[i]);
        end_case("compare", compare_cases[i].desc);
    }
    for (i = 0; i < sizeof(local_cases) / sizeof(local_cases[0]); i++) {
        begin_case();
        run_local_case(&local_cases[i]);
        end_case("localname", local_cases[i].desc);
    }
    for (i = 0; i < sizeof(authz_cases) / sizeof(authz_cases[0]); i++) {
        begin_case();
        run_authz_case(&authz_cases[i]);
        end_case("authorize_localname", authz_cases[i].desc);
    }
    case_arguments();
    case_mechattrs();
    case_saslname();

    unlink(map_path);
    printf("%d passed, %d failed\n", npass, nfail);
    return nfail == 0 ? 0 : 1;
}
