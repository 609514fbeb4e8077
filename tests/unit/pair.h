/*
 * pair.h - an established Signet context pair in one process, made through
 * the core's own gss_init/accept functions with a pre-shared key written to
 * a private temporary file.  For tests and fuzz targets.
 */
#ifndef SIGNET_TEST_PAIR_H
#define SIGNET_TEST_PAIR_H

#include "signet.h"

#define PAIR_FLAGS (GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG | \
                    GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG)

/* Points SIGNET_PSK_FILE at a fresh key file (and SIGNET_CONFIG at
 * /dev/null); exits on failure. */
void pair_use_psk(void);
/* Establishes ini/acc with req_flags; exits with a message on failure. */
void pair_establish(OM_uint32 req_flags, signet_ctx **ini, signet_ctx **acc);

/* Writes one fuzz seed, DIR/NAME: the selector byte kind, then tok. */
void pair_write_seed(const char *dir, const char *name, int kind,
                     const gss_buffer_desc *tok);

#endif
