/*
 * fuzz_config.c - libFuzzer target for the configuration-file parser
 * (mech/settings.c, signet_config_parse) and the value checks of every
 * setting of the registry (signet_setting_invalid).
 *
 * Input: the bytes of a configuration file.  The parser must return 0 or
 * -1, never read past the input, and on success every value it returns
 * must pass its setting's checks (the parser checked them).
 * FUZZ_WRITE_SEEDS=DIR writes a few real configuration files and exits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signet.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const seeds[] = {
    "# Signet\npsk_file = /etc/signet/host.psk\nallow_anonymous = no\n",
    "certificate = /etc/ssl/host.p12\npkcs12_password = s3cr#t\r\n"
    "ca_file = /etc/ssl/ca.pem\ncrl_file = /etc/ssl/ca.crl\n",
    "qop_allowed = hmac-sha256, aes256-gmac\nqop_default = aes256-gmac\n"
    "replay_window = 256\nrekey_limit = 1000000\nmax_lifetime = 3600\n",
    "x509_localname = cn\nx509_localname_issuer = /etc/ssl/login-ca.pem\n"
    "localname_map = /etc/signet/map\ntrace = stderr\n",
    "allow_anonymous yes\n",
    "ca_file = /a\nca_file = /b\n",
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *dir = getenv("FUZZ_WRITE_SEEDS");
    char path[512];
    size_t i;
    FILE *f;

    (void)argc;
    (void)argv;
    if (dir == NULL)
        return 0;
    for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
        snprintf(path, sizeof(path), "%s/config-%zu", dir, i);
        f = fopen(path, "wb");
        if (f != NULL) {
            fputs(seeds[i], f);
            fclose(f);
        }
    }
    exit(0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    signet_config *cfg = NULL;
    const struct signet_setting *table, *row;
    char err[512], why[384];
    size_t n, i;
    int r;

    r = signet_config_parse("fuzz.conf", (const char *)data, size, &cfg, err,
                            sizeof(err));
    if (r != 0 && r != -1)
        abort();
    if (r == 0) {
        if (cfg == NULL)
            abort();
        table = signet_settings_table(&n);
        for (i = 0; i < cfg->n; i++) {
            row = signet_setting_find(cfg->e[i].key);
            if (row == NULL ||
                signet_setting_invalid(row, cfg->e[i].value, why, sizeof(why)) != NULL)
                abort();   /* the parser let through what it must refuse */
        }
        for (i = 0; i < n; i++)
            (void)signet_config_value(cfg, table[i].key);
    } else if (cfg != NULL || strlen(err) == 0) {
        abort();           /* an error without a message */
    }
    signet_config_free(&cfg);
    return 0;
}
