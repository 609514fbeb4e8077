/*
 * localmap.c - the localname_map file: "<display-name> <local-user>" lines
 * that map authenticated names to local accounts (docs/names.md), and the
 * rule for what a local account name may be.
 *
 * The file is read whole on each lookup through signet_file_read (never
 * blocks, bounded size) and checked whole: a malformed line or an invalid
 * account anywhere is an error naming the file and line, so a broken map
 * never silently falls back to the default rules.
 */
#include <string.h>
#include <stdlib.h>

#include "signet.h"

/* Longest local account name accepted (Linux LOGIN_NAME_MAX is 256 with
 * the terminating NUL). */
#define LOCALNAME_MAX 255
#define LOCALMAP_FILE_MAX (4 << 20)

int
signet_valid_account_name(const char *s)
{
    size_t i, len = strlen(s);

    if (len == 0 || len > LOCALNAME_MAX || s[0] == '-' ||
        strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return 0;
    for (i = 0; i < len; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static int
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

OM_uint32
signet_localmap_lookup(OM_uint32 *minor, const char *display, const char *want,
                       char **first, int *matched)
{
    OM_uint32 major = GSS_S_FAILURE;
    const char *path;
    char why[512], *text = NULL, *line, *nl, *key, *user, *end;
    size_t textlen = 0, len;
    unsigned long lineno = 0;
    int err;

    *first = NULL;
    if (matched != NULL)
        *matched = 0;
    major = signet_settings_status(minor, GSS_S_FAILURE);
    if (major != GSS_S_COMPLETE)
        return major;
    path = signet_setting(GSS_C_NO_CRED_STORE, "localname_map");
    if (path == NULL) {
        *minor = 0;
        return GSS_S_COMPLETE;
    }
    err = signet_file_read(path, LOCALMAP_FILE_MAX, 0, &text, &textlen, why,
                           sizeof(why));
    if (err != 0)
        return signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_CONFIG,
                           "localname map: %s", why);
    for (line = text; line < text + textlen; line = nl + 1) {
        lineno++;
        nl = memchr(line, '\n', (size_t)(text + textlen - line));
        if (nl == NULL)
            nl = text + textlen;
        len = (size_t)(nl - line);
        if (memchr(line, '\0', len) != NULL)
            goto malformed;
        while (len > 0 && (line[len - 1] == '\r' || is_blank(line[len - 1])))
            len--;
        line[len] = '\0';
        key = line;
        while (is_blank(*key))
            key++;
        if (*key == '\0' || *key == '#')
            continue;
        user = line + len;
        while (user > key && !is_blank(user[-1]))
            user--;
        if (user == key)
            goto malformed;
        end = user;
        while (end > key && is_blank(end[-1]))
            end--;
        *end = '\0';
        if (!signet_valid_account_name(user)) {
            major = signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_CONFIG,
                                "localname map %s line %lu: \"%.300s\" is not a "
                                "valid account name", path, lineno, user);
            goto done;
        }
        if (strcmp(key, display) != 0)
            continue;
        if (*first == NULL) {
            *first = strdup(user);
            if (*first == NULL) {
                major = signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_NOMEM,
                                    NULL);
                goto done;
            }
        }
        if (want != NULL && strcmp(user, want) == 0)
            *matched = 1;
    }
    *minor = 0;
    major = GSS_S_COMPLETE;
    goto done;

malformed:
    major = signet_fail(minor, GSS_S_FAILURE, SIGNET_ERR_CONFIG,
                        "localname map %s line %lu is not "
                        "\"<display-name> <local-user>\"", path, lineno);
done:
    if (GSS_ERROR(major)) {
        free(*first);
        *first = NULL;
        if (matched != NULL)
            *matched = 0;
    }
    signet_file_free(text, textlen);
    return major;
}
