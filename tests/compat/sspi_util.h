/*
 * sspi_util.h - helpers shared by the SSPI test programs: status names,
 * the gss-sample wire protocol (one flag byte, 4-byte big-endian length,
 * token), sockets, and credentials from the environment.
 */
#ifndef SSPI_TEST_UTIL_H
#define SSPI_TEST_UTIL_H

#include <stddef.h>
#include <sspi.h>

/* gss-sample token flags (src/appl/gss-sample/gss-misc.h) */
#define TOKEN_NOOP (1 << 0)
#define TOKEN_CONTEXT (1 << 1)
#define TOKEN_DATA (1 << 2)
#define TOKEN_MIC (1 << 3)
#define TOKEN_CONTEXT_NEXT (1 << 4)
#define TOKEN_WRAPPED (1 << 5)
#define TOKEN_ENCRYPTED (1 << 6)
#define TOKEN_SEND_MIC (1 << 7)

const char *sec_name(SECURITY_STATUS st);
int send_token(int fd, int flags, const void *data, size_t len);
/* *data is malloc'ed (NULL for an empty token). */
int recv_token(int fd, int *flags, unsigned char **data, size_t *len);
int tcp_connect(const char *host, int port);
int tcp_listen(int port, int *actual);
void put_u32(unsigned char *p, unsigned long v);
unsigned long get_u32(const unsigned char *p);

/* pAuthData for a package from the environment:
 *   Signet: SSPI_CERT, SSPI_KEY, SSPI_CA, SSPI_PSK_FILE, SSPI_PSK_IDENTITY
 *           (none set: NULL, the SIGNET_* defaults)
 *   others: SSPI_USER, SSPI_DOMAIN, SSPI_PASSWORD -> SEC_WINNT_AUTH_IDENTITY_A
 * Returns NULL when nothing is set.  The result stays valid until exit. */
void *auth_from_env(const char *package);

#endif
