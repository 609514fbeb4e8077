/*
 * signet-demo.c - two Signet peers over loopback, start to finish.
 *
 * Creates a throwaway credential (a random 32-byte pre-shared key, or with
 * --cert a demo CA with a server and a client certificate), points MIT's
 * GSS-API library at the Signet plugin through a temporary GSS_MECH_CONFIG
 * file, forks an acceptor listening on 127.0.0.1, and lets the initiator
 * establish a Signet security context with it over a TCP socket.  Then the
 * initiator signs a few messages with gss_get_mic(), the acceptor checks
 * them with gss_verify_mic(), and one tampered message shows GSS_S_BAD_SIG.
 *
 * Only the public GSS-API is used (gssapi.h, gssapi_ext.h, gssapi_signet.h);
 * OpenSSL's libcrypto makes the random key and the demo certificates.
 *
 *   signet-demo [--cert] [--plugin /path/to/mech_signet.so] [--quiet]
 *
 * Exit status 0 when every step behaved as expected.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_signet.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#ifndef SIGNET_BUILD_PLUGIN
#define SIGNET_BUILD_PLUGIN ""
#endif

#define TARGET_SERVICE "host@localhost"
#define MAX_TOKEN (1024 * 1024)

static gss_OID_desc signet_mech = {
    SIGNET_MECH_OID_DER_LENGTH, (void *)SIGNET_MECH_OID_DER
};
static gss_OID_set_desc signet_mechs = { 1, &signet_mech };

static const char *role = "demo";   /* prefix of every output line */
static int quiet;

/* ---- output ------------------------------------------------------------- */

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void
say(const char *fmt, ...)
{
    va_list ap;

    if (quiet)
        return;
    printf("[%-9s] ", role);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

/* Print every display_status sentence of one status code. */
static void
print_status_kind(OM_uint32 code, int type)
{
    OM_uint32 major, minor, ctx = 0;
    gss_buffer_desc text = GSS_C_EMPTY_BUFFER;

    do {
        major = gss_display_status(&minor, code, type, GSS_C_NO_OID, &ctx,
                                   &text);
        if (GSS_ERROR(major))
            break;
        fprintf(stderr, "[%-9s]     %s: %.*s\n", role,
                type == GSS_C_GSS_CODE ? "major" : "minor",
                (int)text.length, (char *)text.value);
        gss_release_buffer(&minor, &text);
    } while (ctx != 0);
}

/* Report a failed GSS-API call with the mechanism's own explanation. */
static void
gss_complain(const char *what, OM_uint32 major, OM_uint32 minor)
{
    fprintf(stderr, "[%-9s] %s failed (major 0x%08x)\n", role, what,
            (unsigned)major);
    print_status_kind(major, GSS_C_GSS_CODE);
    if (minor != 0)
        print_status_kind(minor, GSS_C_MECH_CODE);
}

static void
sys_complain(const char *what)
{
    fprintf(stderr, "[%-9s] %s: %s\n", role, what, strerror(errno));
}

/* Display a name as text; "(none)" when absent. */
static void
name_text(gss_name_t name, char *out, size_t outlen)
{
    OM_uint32 major, minor;
    gss_buffer_desc buf = GSS_C_EMPTY_BUFFER;

    snprintf(out, outlen, "(none)");
    if (name == GSS_C_NO_NAME)
        return;
    major = gss_display_name(&minor, name, &buf, NULL);
    if (major == GSS_S_COMPLETE) {
        snprintf(out, outlen, "%.*s", (int)buf.length, (char *)buf.value);
        gss_release_buffer(&minor, &buf);
    }
}

static void
flags_text(OM_uint32 flags, char *out, size_t outlen)
{
    static const struct { OM_uint32 bit; const char *name; } table[] = {
        { GSS_C_DELEG_FLAG, "deleg" },      { GSS_C_MUTUAL_FLAG, "mutual" },
        { GSS_C_REPLAY_FLAG, "replay" },    { GSS_C_SEQUENCE_FLAG, "sequence" },
        { GSS_C_CONF_FLAG, "conf" },        { GSS_C_INTEG_FLAG, "integ" },
        { GSS_C_ANON_FLAG, "anon" },        { GSS_C_PROT_READY_FLAG, "prot-ready" },
        { GSS_C_TRANS_FLAG, "transferable" },
    };
    size_t i, used = 0;

    out[0] = '\0';
    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if ((flags & table[i].bit) && used < outlen)
            used += snprintf(out + used, outlen - used, "%s%s",
                             used ? " " : "", table[i].name);
    }
}

/* ---- token transport: 4-byte big-endian length, then the bytes ---------- */

static int
write_all(int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int
read_all(int fd, void *buf, size_t len)
{
    unsigned char *p = buf;

    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int
send_token(int fd, const gss_buffer_t tok)
{
    uint32_t len = htonl((uint32_t)tok->length);

    if (write_all(fd, &len, 4) < 0 ||
        (tok->length > 0 && write_all(fd, tok->value, tok->length) < 0)) {
        sys_complain("sending a token");
        return -1;
    }
    return 0;
}

/* Receives into a malloc'ed buffer (free(tok->value) when done). */
static int
recv_token(int fd, gss_buffer_t tok)
{
    uint32_t len;

    tok->length = 0;
    tok->value = NULL;
    if (read_all(fd, &len, 4) < 0) {
        sys_complain("receiving a token length");
        return -1;
    }
    len = ntohl(len);
    if (len > MAX_TOKEN) {
        fprintf(stderr, "[%-9s] token of %u bytes refused\n", role, len);
        return -1;
    }
    tok->value = malloc(len ? len : 1);
    if (tok->value == NULL || (len > 0 && read_all(fd, tok->value, len) < 0)) {
        sys_complain("receiving a token");
        free(tok->value);
        tok->value = NULL;
        return -1;
    }
    tok->length = len;
    return 0;
}

/* ---- throwaway credentials ------------------------------------------------ */

struct demo_files {
    char dir[64];            /* mkdtemp directory holding everything */
    char mech_conf[128];     /* GSS_MECH_CONFIG file */
    char psk[128];           /* PSK file (PSK mode) */
    char ca[128];            /* CA certificate (certificate mode) */
    char server_cert[128], server_key[128];
    char client_cert[128], client_key[128];
};

static FILE *
open_private(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);

    return fd < 0 ? NULL : fdopen(fd, "w");
}

/* A random 32-byte key under the identity "demo", in a 0600 file. */
static int
write_psk_file(const char *path)
{
    unsigned char key[32];
    FILE *f;
    size_t i;

    if (RAND_bytes(key, sizeof(key)) != 1) {
        fprintf(stderr, "[%-9s] RAND_bytes failed\n", role);
        return -1;
    }
    f = open_private(path);
    if (f == NULL) {
        sys_complain(path);
        return -1;
    }
    fprintf(f, "# signet-demo throwaway key: <identity> <hex key>\ndemo ");
    for (i = 0; i < sizeof(key); i++)
        fprintf(f, "%02x", key[i]);
    fprintf(f, "\n");
    OPENSSL_cleanse(key, sizeof(key));
    return fclose(f) == 0 ? 0 : -1;
}

static int
add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ext;
    int ok;

    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (ext == NULL)
        return 0;
    ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok;
}

/*
 * Make a P-256 key and a certificate for cn, signed by (issuer, issuer_key),
 * or self-signed when issuer is NULL (the CA).  Valid for one day.
 */
static int
make_cert(const char *cn, int is_ca, int is_server, X509 *issuer,
          EVP_PKEY *issuer_key, X509 **cert_out, EVP_PKEY **key_out)
{
    static long serial = 1;
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *cert = X509_new();
    X509_NAME *name;
    int ok = 0;

    if (key == NULL || cert == NULL)
        goto done;
    name = X509_get_subject_name(cert);
    if (!X509_set_version(cert, 2) ||
        !ASN1_INTEGER_set(X509_get_serialNumber(cert), serial++) ||
        !X509_gmtime_adj(X509_getm_notBefore(cert), -3600) ||
        !X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600) ||
        !X509_set_pubkey(cert, key) ||
        !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                    (const unsigned char *)cn, -1, -1, 0) ||
        !X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer)
                                           : name))
        goto done;
    if (is_ca) {
        if (!add_ext(cert, cert, NID_basic_constraints, "critical,CA:TRUE") ||
            !add_ext(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign") ||
            !add_ext(cert, cert, NID_subject_key_identifier, "hash"))
            goto done;
    } else {
        if (!add_ext(cert, issuer, NID_basic_constraints, "critical,CA:FALSE") ||
            !add_ext(cert, issuer, NID_ext_key_usage, "serverAuth,clientAuth") ||
            (is_server &&
             !add_ext(cert, issuer, NID_subject_alt_name,
                      "DNS:localhost,IP:127.0.0.1")))
            goto done;
    }
    if (!X509_sign(cert, issuer_key ? issuer_key : key, EVP_sha256()))
        goto done;
    *cert_out = cert;
    *key_out = key;
    cert = NULL;
    key = NULL;
    ok = 1;
done:
    X509_free(cert);
    EVP_PKEY_free(key);
    return ok;
}

static int
save_pem(const char *cert_path, X509 *cert, const char *key_path, EVP_PKEY *key)
{
    FILE *f;
    int ok;

    f = open_private(cert_path);
    if (f == NULL)
        return 0;
    ok = PEM_write_X509(f, cert);
    ok = (fclose(f) == 0) && ok;
    if (key_path == NULL || !ok)
        return ok;
    f = open_private(key_path);
    if (f == NULL)
        return 0;
    ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
    return (fclose(f) == 0) && ok;
}

/* A demo CA, a server certificate for localhost and a client "demo-user". */
static int
write_demo_pki(struct demo_files *files)
{
    X509 *ca = NULL, *server = NULL, *client = NULL;
    EVP_PKEY *ca_key = NULL, *server_key = NULL, *client_key = NULL;
    int ok;

    ok = make_cert("Signet Demo CA", 1, 0, NULL, NULL, &ca, &ca_key) &&
         make_cert("localhost", 0, 1, ca, ca_key, &server, &server_key) &&
         make_cert("demo-user", 0, 0, ca, ca_key, &client, &client_key) &&
         save_pem(files->ca, ca, NULL, NULL) &&
         save_pem(files->server_cert, server, files->server_key, server_key) &&
         save_pem(files->client_cert, client, files->client_key, client_key);
    if (!ok)
        fprintf(stderr, "[%-9s] could not create the demo certificates\n", role);
    X509_free(ca);
    X509_free(server);
    X509_free(client);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(server_key);
    EVP_PKEY_free(client_key);
    return ok ? 0 : -1;
}

static int
write_mech_conf(const char *path, const char *plugin)
{
    FILE *f = open_private(path);

    if (f == NULL) {
        sys_complain(path);
        return -1;
    }
    fprintf(f, "%s %s %s\n", SIGNET_MECH_NAME, SIGNET_MECH_OID_STRING, plugin);
    return fclose(f) == 0 ? 0 : -1;
}

static void
remove_files(struct demo_files *files)
{
    const char *paths[] = { files->mech_conf, files->psk, files->ca,
                            files->server_cert, files->server_key,
                            files->client_cert, files->client_key };
    size_t i;

    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        if (paths[i][0] != '\0')
            unlink(paths[i]);
    }
    if (files->dir[0] != '\0')
        rmdir(files->dir);
}

/* ---- credentials through the credential store ----------------------------- */

static int
acquire(gss_cred_usage_t usage, const struct demo_files *files, int cert_mode,
        gss_cred_id_t *cred)
{
    gss_key_value_element_desc elems[3];
    gss_key_value_set_desc store = { 0, elems };
    OM_uint32 major, minor;

    if (cert_mode) {
        int server = usage == GSS_C_ACCEPT;
        elems[0].key = SIGNET_CRED_CERTIFICATE;
        elems[0].value = server ? files->server_cert : files->client_cert;
        elems[1].key = SIGNET_CRED_PRIVATE_KEY;
        elems[1].value = server ? files->server_key : files->client_key;
        elems[2].key = SIGNET_CRED_CA_FILE;
        elems[2].value = files->ca;
        store.count = 3;
    } else {
        elems[0].key = SIGNET_CRED_PSK_FILE;
        elems[0].value = files->psk;
        store.count = 1;
    }
    major = gss_acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE,
                                  &signet_mechs, usage, &store, cred, NULL,
                                  NULL);
    if (major != GSS_S_COMPLETE) {
        gss_complain("gss_acquire_cred_from", major, minor);
        return -1;
    }
    say("acquired %s credentials (%s)",
        usage == GSS_C_ACCEPT ? "acceptor" : "initiator",
        cert_mode ? "X.509 certificate" : "pre-shared key");
    return 0;
}

static void
describe_context(gss_ctx_id_t ctx)
{
    OM_uint32 major, minor, lifetime = 0, flags = 0;
    gss_name_t src = GSS_C_NO_NAME, targ = GSS_C_NO_NAME;
    char srcs[256], targs[256], flagss[128], life[32];
    int local = 0, open = 0;

    major = gss_inquire_context(&minor, ctx, &src, &targ, &lifetime, NULL,
                                &flags, &local, &open);
    if (major != GSS_S_COMPLETE) {
        gss_complain("gss_inquire_context", major, minor);
        return;
    }
    name_text(src, srcs, sizeof(srcs));
    name_text(targ, targs, sizeof(targs));
    flags_text(flags, flagss, sizeof(flagss));
    if (lifetime == GSS_C_INDEFINITE)
        snprintf(life, sizeof(life), "indefinite");
    else
        snprintf(life, sizeof(life), "%u s", (unsigned)lifetime);
    say("context established: initiator \"%s\", acceptor \"%s\"", srcs, targs);
    say("  flags: %s; lifetime: %s; %s", flagss, life,
        local ? "locally initiated" : "remotely initiated");
    gss_release_name(&minor, &src);
    gss_release_name(&minor, &targ);
}

/* ---- the acceptor (child process) ------------------------------------------ */

/* Message protocol after the handshake: the initiator sends a message and
 * its MIC as two tokens; the acceptor answers with a one-token verdict
 * ("ok" or "bad"); an empty message ends the session. */
static int
run_acceptor(int listener, const struct demo_files *files, int cert_mode)
{
    gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
    gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
    gss_name_t client = GSS_C_NO_NAME;
    gss_buffer_desc in = GSS_C_EMPTY_BUFFER, out = GSS_C_EMPTY_BUFFER;
    OM_uint32 major, minor, flags = 0;
    char client_name[256];
    int fd = -1, ret = -1, leg = 0, bad_seen = 0;

    role = "acceptor";
    if (acquire(GSS_C_ACCEPT, files, cert_mode, &cred) < 0)
        goto done;
    fd = accept(listener, NULL, NULL);
    if (fd < 0) {
        sys_complain("accept");
        goto done;
    }
    say("connection accepted");

    do {
        if (recv_token(fd, &in) < 0)
            goto done;
        leg++;
        say("leg %d: received %zu-byte context token", leg, in.length);
        major = gss_accept_sec_context(&minor, &ctx, cred, &in,
                                       GSS_C_NO_CHANNEL_BINDINGS, &client,
                                       NULL, &out, &flags, NULL, NULL);
        free(in.value);
        in.value = NULL;
        if (out.length > 0) {
            leg++;
            say("leg %d: sending %zu-byte %stoken", leg, out.length,
                GSS_ERROR(major) ? "error " : "");
            if (send_token(fd, &out) < 0)
                goto done;
            gss_release_buffer(&minor, &out);
        }
        if (GSS_ERROR(major)) {
            gss_complain("gss_accept_sec_context", major, minor);
            goto done;
        }
    } while (major & GSS_S_CONTINUE_NEEDED);

    name_text(client, client_name, sizeof(client_name));
    say("authenticated the initiator as \"%s\"", client_name);
    describe_context(ctx);

    for (;;) {
        gss_buffer_desc msg = GSS_C_EMPTY_BUFFER, mic = GSS_C_EMPTY_BUFFER;
        gss_buffer_desc verdict;
        gss_qop_t qop = 0;

        if (recv_token(fd, &msg) < 0)
            goto done;
        if (msg.length == 0) {
            free(msg.value);
            break;
        }
        if (recv_token(fd, &mic) < 0) {
            free(msg.value);
            goto done;
        }
        major = gss_verify_mic(&minor, ctx, &msg, &mic, &qop);
        if (major == GSS_S_COMPLETE) {
            say("verified \"%.*s\" (%zu-byte MIC, QOP %u)", (int)msg.length,
                (char *)msg.value, mic.length, (unsigned)qop);
            verdict.value = "ok";
        } else if (major == GSS_S_BAD_SIG) {
            say("rejected \"%.*s\": GSS_S_BAD_SIG, as expected for a "
                "tampered message", (int)msg.length, (char *)msg.value);
            bad_seen++;
            verdict.value = "bad";
        } else {
            gss_complain("gss_verify_mic", major, minor);
            verdict.value = "error";
        }
        verdict.length = strlen(verdict.value);
        free(msg.value);
        free(mic.value);
        if (send_token(fd, &verdict) < 0)
            goto done;
    }
    ret = bad_seen == 1 ? 0 : -1;

done:
    free(in.value);
    if (fd >= 0)
        close(fd);
    gss_release_name(&minor, &client);
    gss_delete_sec_context(&minor, &ctx, GSS_C_NO_BUFFER);
    gss_release_cred(&minor, &cred);
    return ret;
}

/* ---- the initiator (parent process) ---------------------------------------- */

static int
send_signed(int fd, gss_ctx_id_t ctx, const char *text, int tamper,
            char *verdict, size_t verdict_len)
{
    gss_buffer_desc msg, mic = GSS_C_EMPTY_BUFFER, reply;
    OM_uint32 major, minor;
    char copy[256];
    int ret = -1;

    msg.value = (void *)text;
    msg.length = strlen(text);
    major = gss_get_mic(&minor, ctx, GSS_C_QOP_DEFAULT, &msg, &mic);
    if (major != GSS_S_COMPLETE) {
        gss_complain("gss_get_mic", major, minor);
        return -1;
    }
    if (tamper) {
        /* change the message after signing it: "transfer 10" -> "transfer 90" */
        snprintf(copy, sizeof(copy), "%s", text);
        if (strchr(copy, '1') != NULL)
            *strchr(copy, '1') = '9';
        else
            copy[0] ^= 0x20;
        msg.value = copy;
        say("signed \"%s\" but sending \"%s\" (tampered)", text, copy);
    } else {
        say("signed \"%s\": %zu-byte MIC", text, mic.length);
    }
    if (send_token(fd, &msg) < 0 || send_token(fd, &mic) < 0 ||
        recv_token(fd, &reply) < 0)
        goto done;
    snprintf(verdict, verdict_len, "%.*s", (int)reply.length,
             (char *)reply.value);
    free(reply.value);
    ret = 0;
done:
    gss_release_buffer(&minor, &mic);
    return ret;
}

static int
run_initiator(int port, const struct demo_files *files, int cert_mode)
{
    static const char *messages[] = {
        "hello from the initiator", "transfer 10 coins to bob",
        "goodbye",
    };
    gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
    gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
    gss_name_t target = GSS_C_NO_NAME;
    gss_buffer_desc in = GSS_C_EMPTY_BUFFER, out = GSS_C_EMPTY_BUFFER;
    gss_buffer_desc name_buf, end = { 0, "" };
    struct sockaddr_in addr;
    OM_uint32 major, minor, req_flags, ret_flags = 0;
    char verdict[16];
    size_t i;
    int fd = -1, ret = -1, leg = 0;

    role = "initiator";
    if (acquire(GSS_C_INITIATE, files, cert_mode, &cred) < 0)
        goto done;
    name_buf.value = TARGET_SERVICE;
    name_buf.length = strlen(TARGET_SERVICE);
    major = gss_import_name(&minor, &name_buf, GSS_C_NT_HOSTBASED_SERVICE,
                            &target);
    if (major != GSS_S_COMPLETE) {
        gss_complain("gss_import_name", major, minor);
        goto done;
    }

    fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        sys_complain("connect");
        goto done;
    }
    say("connected to 127.0.0.1:%d, target \"%s\"", port, TARGET_SERVICE);

    req_flags = GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG |
                GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG;
    for (;;) {
        major = gss_init_sec_context(&minor, cred, &ctx, target, &signet_mech,
                                     req_flags, 0, GSS_C_NO_CHANNEL_BINDINGS,
                                     in.value ? &in : GSS_C_NO_BUFFER, NULL,
                                     &out, &ret_flags, NULL);
        free(in.value);
        in.value = NULL;
        in.length = 0;
        if (out.length > 0) {
            leg++;
            say("leg %d: sending %zu-byte %stoken", leg, out.length,
                GSS_ERROR(major) ? "error " : "");
            if (send_token(fd, &out) < 0)
                goto done;
            gss_release_buffer(&minor, &out);
        }
        if (GSS_ERROR(major)) {
            gss_complain("gss_init_sec_context", major, minor);
            goto done;
        }
        if (!(major & GSS_S_CONTINUE_NEEDED))
            break;
        if (recv_token(fd, &in) < 0)
            goto done;
        leg++;
        say("leg %d: received %zu-byte context token", leg, in.length);
    }
    describe_context(ctx);

    for (i = 0; i < sizeof(messages) / sizeof(messages[0]); i++) {
        if (send_signed(fd, ctx, messages[i], 0, verdict, sizeof(verdict)) < 0)
            goto done;
        say("acceptor says: %s", verdict);
        if (strcmp(verdict, "ok") != 0)
            goto done;
    }
    if (send_signed(fd, ctx, messages[1], 1, verdict, sizeof(verdict)) < 0)
        goto done;
    say("acceptor says: %s", verdict);
    if (strcmp(verdict, "bad") != 0)
        goto done;
    if (send_token(fd, &end) < 0)
        goto done;
    ret = 0;

done:
    free(in.value);
    if (fd >= 0)
        close(fd);
    gss_release_name(&minor, &target);
    gss_delete_sec_context(&minor, &ctx, GSS_C_NO_BUFFER);
    gss_release_cred(&minor, &cred);
    return ret;
}

/* ---- main -------------------------------------------------------------- */

static int
listen_loopback(int *port)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof(addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(fd, 1) < 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &len) < 0) {
        sys_complain("listening on 127.0.0.1");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(addr.sin_port);
    return fd;
}

static void
usage(FILE *f)
{
    fprintf(f, "usage: signet-demo [--cert] [--plugin PATH] [--quiet]\n"
               "  --cert         authenticate with a throwaway CA and certificates\n"
               "                 (default: a throwaway pre-shared key)\n"
               "  --plugin PATH  mech_signet.so to load (default: the build tree's,\n"
               "                 else the system configuration in /etc/gss/mech.d)\n"
               "  --quiet        print nothing but errors\n");
}

static int
setup_files(struct demo_files *files, int cert_mode, const char *plugin)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(files->dir, sizeof(files->dir), "%s/signet-demo.XXXXXX",
             tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
    if (mkdtemp(files->dir) == NULL) {
        sys_complain("mkdtemp");
        files->dir[0] = '\0';
        return -1;
    }
#define FILE_IN_DIR(field, name) \
    snprintf(files->field, sizeof(files->field), "%s/" name, files->dir)
    if (cert_mode) {
        FILE_IN_DIR(ca, "ca.pem");
        FILE_IN_DIR(server_cert, "server.pem");
        FILE_IN_DIR(server_key, "server.key");
        FILE_IN_DIR(client_cert, "client.pem");
        FILE_IN_DIR(client_key, "client.key");
        if (write_demo_pki(files) < 0)
            return -1;
        say("made a demo CA and certificates for localhost and demo-user in %s",
            files->dir);
    } else {
        FILE_IN_DIR(psk, "demo.psk");
        if (write_psk_file(files->psk) < 0)
            return -1;
        say("made a random 32-byte pre-shared key in %s (mode 0600)", files->psk);
    }
    if (plugin != NULL) {
        FILE_IN_DIR(mech_conf, "mech.conf");
        if (write_mech_conf(files->mech_conf, plugin) < 0)
            return -1;
        /* before the first GSS-API call of this process and the child */
        setenv("GSS_MECH_CONFIG", files->mech_conf, 1);
        say("GSS_MECH_CONFIG=%s loads %s", files->mech_conf, plugin);
    } else {
        say("using the system mechanism configuration (/etc/gss/mech.d)");
    }
#undef FILE_IN_DIR
    return 0;
}

int
main(int argc, char **argv)
{
    struct demo_files files;
    const char *plugin = NULL;
    int cert_mode = 0, i, listener, port = 0, status = 0, ret;
    pid_t child;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--cert") == 0) {
            cert_mode = 1;
        } else if (strcmp(argv[i], "--plugin") == 0 && i + 1 < argc) {
            plugin = argv[++i];
        } else if (strcmp(argv[i], "--quiet") == 0) {
            quiet = 1;
        } else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (plugin == NULL && SIGNET_BUILD_PLUGIN[0] != '\0' &&
        access(SIGNET_BUILD_PLUGIN, R_OK) == 0)
        plugin = SIGNET_BUILD_PLUGIN;

    memset(&files, 0, sizeof(files));
    if (setup_files(&files, cert_mode, plugin) < 0) {
        remove_files(&files);
        return 1;
    }
    listener = listen_loopback(&port);
    if (listener < 0) {
        remove_files(&files);
        return 1;
    }
    say("acceptor will listen on 127.0.0.1:%d", port);
    fflush(NULL);

    child = fork();
    if (child < 0) {
        sys_complain("fork");
        close(listener);
        remove_files(&files);
        return 1;
    }
    if (child == 0) {
        ret = run_acceptor(listener, &files, cert_mode);
        close(listener);
        fflush(NULL);
        _exit(ret == 0 ? 0 : 1);
    }
    close(listener);
    ret = run_initiator(port, &files, cert_mode);
    if (waitpid(child, &status, 0) < 0)
        status = 1;
    role = "demo";
    remove_files(&files);
    if (ret != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "[%-9s] FAILED (initiator %s, acceptor %s)\n", role,
                ret == 0 ? "ok" : "failed",
                WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "ok" : "failed");
        return 1;
    }
    say("success: context established, 3 messages verified, tamper detected");
    return 0;
}
