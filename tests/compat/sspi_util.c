/*
 * sspi_util.c - helpers of the SSPI test programs (see sspi_util.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sspi_util.h"

const char *
sec_name(SECURITY_STATUS st)
{
    static const struct { SECURITY_STATUS st; const char *name; } names[] = {
#define N(x) { x, #x }
        N(SEC_E_OK), N(SEC_I_CONTINUE_NEEDED), N(SEC_I_COMPLETE_NEEDED),
        N(SEC_I_RENEGOTIATE), N(SEC_E_INSUFFICIENT_MEMORY), N(SEC_E_INVALID_HANDLE),
        N(SEC_E_UNSUPPORTED_FUNCTION), N(SEC_E_TARGET_UNKNOWN), N(SEC_E_INTERNAL_ERROR),
        N(SEC_E_SECPKG_NOT_FOUND), N(SEC_E_INVALID_TOKEN), N(SEC_E_QOP_NOT_SUPPORTED),
        N(SEC_E_LOGON_DENIED), N(SEC_E_UNKNOWN_CREDENTIALS), N(SEC_E_NO_CREDENTIALS),
        N(SEC_E_MESSAGE_ALTERED), N(SEC_E_OUT_OF_SEQUENCE),
        N(SEC_E_NO_AUTHENTICATING_AUTHORITY), N(SEC_E_CONTEXT_EXPIRED),
        N(SEC_E_BUFFER_TOO_SMALL), N(SEC_E_WRONG_PRINCIPAL), N(SEC_E_UNTRUSTED_ROOT),
        N(SEC_E_CERT_EXPIRED), N(SEC_E_CERT_UNKNOWN), N(SEC_E_BAD_BINDINGS),
        N(SEC_E_INVALID_PARAMETER), N(STATUS_INVALID_PARAMETER), N(STATUS_NO_MEMORY),
        N(SEC_E_INCOMPLETE_MESSAGE), N(SEC_E_TIME_SKEW),
        N(STATUS_NOT_IMPLEMENTED), N(STATUS_INVALID_HANDLE), N(STATUS_BUFFER_TOO_SMALL),
        N(STATUS_NOT_SUPPORTED), N(STATUS_INTERNAL_ERROR),
#undef N
    };
    static char other[32];
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (names[i].st == st)
            return names[i].name;
    }
    snprintf(other, sizeof(other), "0x%08x", (unsigned)st);
    return other;
}

void
put_u32(unsigned char *p, unsigned long v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

unsigned long
get_u32(const unsigned char *p)
{
    return ((unsigned long)p[0] << 24) | ((unsigned long)p[1] << 16) |
           ((unsigned long)p[2] << 8) | p[3];
}

static int
write_all(int fd, const void *p, size_t n)
{
    const unsigned char *c = p;

    while (n > 0) {
        ssize_t w = write(fd, c, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static int
read_all(int fd, void *p, size_t n)
{
    unsigned char *c = p;

    while (n > 0) {
        ssize_t r = read(fd, c, n);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

int
send_token(int fd, int flags, const void *data, size_t len)
{
    unsigned char hdr[5];

    hdr[0] = (unsigned char)flags;
    put_u32(hdr + 1, len);
    if (write_all(fd, hdr, 5) != 0)
        return -1;
    return len ? write_all(fd, data, len) : 0;
}

int
recv_token(int fd, int *flags, unsigned char **data, size_t *len)
{
    unsigned char hdr[5];

    *data = NULL;
    *len = 0;
    if (read_all(fd, hdr, 5) != 0)
        return -1;
    *flags = hdr[0];
    *len = get_u32(hdr + 1);
    if (*len == 0)
        return 0;
    if (*len > (1u << 24))
        return -1;
    *data = malloc(*len);
    if (*data == NULL || read_all(fd, *data, *len) != 0) {
        free(*data);
        *data = NULL;
        return -1;
    }
    return 0;
}

int
tcp_connect(const char *host, int port)
{
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        return -1;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
        connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int
tcp_listen(int port, int *actual)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        close(fd);
        return -1;
    }
    *actual = ntohs(sa.sin_port);
    return fd;
}

void *
auth_from_env(const char *package)
{
    static SIGNET_AUTH_DATA signet;
    static SEC_WINNT_AUTH_IDENTITY_A ident;
    const char *user = getenv("SSPI_USER"), *domain = getenv("SSPI_DOMAIN");
    const char *password = getenv("SSPI_PASSWORD");

    if (strcasecmp(package, "Signet") == 0) {
        memset(&signet, 0, sizeof(signet));
        signet.Version = SIGNET_AUTH_DATA_VERSION;
        signet.Certificate = getenv("SSPI_CERT");
        signet.PrivateKey = getenv("SSPI_KEY");
        signet.CaFile = getenv("SSPI_CA");
        signet.PskFile = getenv("SSPI_PSK_FILE");
        signet.PskIdentity = getenv("SSPI_PSK_IDENTITY");
        if (signet.Certificate == NULL && signet.CaFile == NULL && signet.PskFile == NULL)
            return NULL;
        return &signet;
    }
    if (user == NULL && password == NULL)
        return NULL;
    memset(&ident, 0, sizeof(ident));
    ident.User = (unsigned char *)user;
    ident.UserLength = user ? (ULONG)strlen(user) : 0;
    ident.Domain = (unsigned char *)domain;
    ident.DomainLength = domain ? (ULONG)strlen(domain) : 0;
    ident.Password = (unsigned char *)password;
    ident.PasswordLength = password ? (ULONG)strlen(password) : 0;
    ident.Flags = SEC_WINNT_AUTH_IDENTITY_ANSI;
    return &ident;
}
