/*
 * packages.c - the security-package registry.
 *
 * Built once (pthread_once): the built-in GSS bridge packages "Negotiate",
 * "Kerberos", "NTLM" (only when the NTLM GSS mechanism is configured) and
 * "Signet", then the third-party packages: shared objects named in the
 * setting sspi_packages (environment SIGNET_SSPI_PACKAGES or the key
 * sspi_packages of signet.conf), colon-separated.  Each must export
 * SpLsaModeInitialize (its SECPKG_FUNCTION_TABLEs) and may export
 * SpUserModeInitialize (the matching SECPKG_USER_FUNCTION_TABLEs); the
 * package's SpInitialize, SpGetInfo and SpInstanceInit are called once.
 * A file that fails to load is skipped (reason traced with SIGNET_TRACE).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "signet.h"
#include "sspi_int.h"

#define MAX_PACKAGES 64

static struct sspi_package *registry[MAX_PACKAGES];
static size_t npackages;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static PVOID NTAPI
heap_alloc(ULONG len)
{
    return calloc(1, len ? len : 1);
}

static VOID NTAPI
heap_free(PVOID p)
{
    free(p);
}

static NTSTATUS NTAPI
register_callback(ULONG id, PLSA_CALLBACK_FUNCTION fn)
{
    (void)id;
    (void)fn;
    return STATUS_NOT_SUPPORTED;
}

SECPKG_DLL_FUNCTIONS sspi_dll_functions = {
    .AllocateHeap = heap_alloc,
    .FreeHeap = heap_free,
    .RegisterCallback = register_callback,
};

static struct sspi_package *
add(const char *name, const char *comment, ULONG caps, USHORT version, USHORT rpcid,
    ULONG max_token, const SECPKG_FUNCTION_TABLE *lsa,
    const SECPKG_USER_FUNCTION_TABLE *user)
{
    struct sspi_package *p;

    if (npackages >= MAX_PACKAGES || lsa == NULL || name == NULL)
        return NULL;
    p = calloc(1, sizeof(*p));
    if (p == NULL)
        return NULL;
    p->name = strdup(name);
    p->comment = strdup(comment ? comment : "");
    p->wname = sspi_utf16_from_utf8(name, (size_t)-1, NULL);
    p->wcomment = sspi_utf16_from_utf8(p->comment ? p->comment : "", (size_t)-1, NULL);
    if (p->name == NULL || p->comment == NULL || p->wname == NULL || p->wcomment == NULL) {
        free(p->name);
        free(p->comment);
        free(p->wname);
        free(p->wcomment);
        free(p);
        return NULL;
    }
    p->caps = caps;
    p->version = version;
    p->rpcid = rpcid;
    p->max_token = max_token;
    p->lsa = lsa;
    p->user = user;
    p->index = (unsigned)npackages;
    registry[npackages++] = p;
    return p;
}

static const struct sspi_package *
find_name(const char *name)
{
    size_t i;

    if (name == NULL)
        return NULL;
    for (i = 0; i < npackages; i++) {
        if (sspi_strcasecmp_ascii(registry[i]->name, name) == 0)
            return registry[i];
    }
    return NULL;
}

static void
load_third_party(const char *path)
{
    void *dl;
    SpLsaModeInitializeFn lsa_init;
    SpUserModeInitializeFn user_init;
    PSECPKG_FUNCTION_TABLE tables = NULL;
    PSECPKG_USER_FUNCTION_TABLE utables = NULL;
    ULONG ntables = 0, nutables = 0, version = 0, i;
    NTSTATUS nt;

    dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (dl == NULL) {
        signet_trace("sspi: cannot load package %s: %s", path, dlerror());
        return;
    }
    *(void **)&lsa_init = dlsym(dl, SECPKG_LSAMODEINIT_NAME);
    *(void **)&user_init = dlsym(dl, SECPKG_USERMODEINIT_NAME);
    if (lsa_init == NULL) {
        signet_trace("sspi: %s exports no %s", path, SECPKG_LSAMODEINIT_NAME);
        dlclose(dl);
        return;
    }
    nt = lsa_init(SECPKG_INTERFACE_VERSION, &version, &tables, &ntables);
    if (!NT_SUCCESS(nt) || tables == NULL || ntables == 0) {
        signet_trace("sspi: %s: SpLsaModeInitialize failed (0x%08x)", path, (unsigned)nt);
        dlclose(dl);
        return;
    }
    if (user_init != NULL) {
        nt = user_init(SECPKG_INTERFACE_VERSION, &version, &utables, &nutables);
        if (!NT_SUCCESS(nt)) {
            signet_trace("sspi: %s: SpUserModeInitialize failed (0x%08x)", path,
                         (unsigned)nt);
            utables = NULL;
            nutables = 0;
        }
    }
    for (i = 0; i < ntables; i++) {
        SecPkgInfoW info;
        char *name, *comment;
        const SECPKG_USER_FUNCTION_TABLE *user = i < nutables ? &utables[i] : NULL;
        struct sspi_package *p;

        memset(&info, 0, sizeof(info));
        if (tables[i].Initialize != NULL &&
            !NT_SUCCESS(tables[i].Initialize(npackages, NULL, NULL)))
            continue;
        if (tables[i].GetInfo == NULL || !NT_SUCCESS(tables[i].GetInfo(&info)) ||
            info.Name == NULL)
            continue;
        name = sspi_utf8_from_utf16(info.Name, (size_t)-1);
        comment = sspi_utf8_from_utf16(info.Comment, (size_t)-1);
        if (name != NULL && find_name(name) == NULL) {
            if (user != NULL && user->InstanceInit != NULL) {
                PVOID unused = NULL;

                if (!NT_SUCCESS(user->InstanceInit(SECPKG_INTERFACE_VERSION,
                                                   &sspi_dll_functions, &unused)))
                    user = NULL;
            }
            p = add(name, comment, info.fCapabilities, info.wVersion, info.wRPCID,
                    info.cbMaxToken, &tables[i], user);
            if (p != NULL)
                p->dl = dl;
        }
        free(name);
        free(comment);
    }
}

static void
build(void)
{
    struct sspi_builtin b;
    const char *list;
    OM_uint32 minor;
    size_t i;

    for (i = 0; sspi_bridge_builtin(i, &b) == 0; i++) {
        if (b.listed)
            add(b.name, b.comment, b.caps, b.version, b.rpcid, b.max_token, b.lsa, b.user);
    }
    /* A broken configuration file loads no third-party code. */
    list = signet_settings_status(&minor, GSS_S_FAILURE) == GSS_S_COMPLETE
           ? signet_setting(GSS_C_NO_CRED_STORE, "sspi_packages") : NULL;
    if (list != NULL) {
        char *copy = strdup(list), *save = NULL, *tok;

        for (tok = copy ? strtok_r(copy, ":", &save) : NULL; tok != NULL;
             tok = strtok_r(NULL, ":", &save))
            load_third_party(tok);
        free(copy);
    }
}

static void
init(void)
{
    pthread_once(&once, build);
}

size_t
sspi_package_count(void)
{
    init();
    return npackages;
}

const struct sspi_package *
sspi_package_at(size_t i)
{
    init();
    return i < npackages ? registry[i] : NULL;
}

const struct sspi_package *
sspi_package_find(const char *name)
{
    init();
    return find_name(name);
}
