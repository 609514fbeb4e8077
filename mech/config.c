/*
 * config.c - Signet settings: environment first, then the configuration
 * file.  The file ($SIGNET_CONFIG, else SYSCONFDIR/signet.conf) holds
 * "key = value" lines; '#' starts a comment; blank lines are ignored.  It is
 * read once per process.  Credential-store keys given to
 * gss_acquire_cred_from() take precedence over both (see cred.c).
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "signet.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

#define MAX_SETTINGS 64

struct setting {
    char *key;
    char *value;
};

static pthread_once_t config_once = PTHREAD_ONCE_INIT;
static struct setting settings[MAX_SETTINGS];
static size_t nsettings;

static char *
trim(char *s)
{
    char *end;

    while (isspace((unsigned char)*s))
        s++;
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

static void
config_load(void)
{
    const char *path = secure_getenv("SIGNET_CONFIG");
    char line[4096], *p, *eq, *key, *value;
    FILE *f;
    unsigned lineno = 0;

    if (path == NULL || *path == '\0')
        path = SYSCONFDIR "/signet.conf";
    f = fopen(path, "re");
    if (f == NULL)
        return;
    while (fgets(line, sizeof(line), f) != NULL) {
        lineno++;
        p = strchr(line, '#');
        if (p != NULL)
            *p = '\0';
        p = trim(line);
        if (*p == '\0')
            continue;
        eq = strchr(p, '=');
        if (eq == NULL) {
            signet_trace("%s:%u: ignoring line without '='", path, lineno);
            continue;
        }
        *eq = '\0';
        key = trim(p);
        value = trim(eq + 1);
        if (*key == '\0' || nsettings == MAX_SETTINGS)
            continue;
        settings[nsettings].key = strdup(key);
        settings[nsettings].value = strdup(value);
        if (settings[nsettings].key == NULL ||
            settings[nsettings].value == NULL) {
            free(settings[nsettings].key);
            free(settings[nsettings].value);
            break;
        }
        nsettings++;
    }
    fclose(f);
}

const char *
signet_config_get(const char *key)
{
    char name[80];
    const char *v;
    size_t i, n = strlen(key);

    if (n + sizeof("SIGNET_") > sizeof(name))
        return NULL;
    memcpy(name, "SIGNET_", 7);
    for (i = 0; i < n; i++)
        name[7 + i] = (char)toupper((unsigned char)key[i]);
    name[7 + n] = '\0';
    v = secure_getenv(name);
    if (v != NULL && *v != '\0')
        return v;
    pthread_once(&config_once, config_load);
    for (i = nsettings; i > 0; i--) {
        if (strcmp(settings[i - 1].key, key) == 0)
            return settings[i - 1].value;
    }
    return NULL;
}

int
signet_config_bool(const char *key, int dflt)
{
    const char *v = signet_config_get(key);

    if (v == NULL)
        return dflt;
    if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") ||
        !strcasecmp(v, "on") || !strcmp(v, "1"))
        return 1;
    if (!strcasecmp(v, "no") || !strcasecmp(v, "false") ||
        !strcasecmp(v, "off") || !strcmp(v, "0"))
        return 0;
    return dflt;
}
