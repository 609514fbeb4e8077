/*
 * t_sspi_pkgs.c - the package registry and dispatch: enumeration (A and W),
 * QuerySecurityPackageInfo, InitSecurityInterface tables, and a third-party
 * package (tests/compat/testpkg.c, loaded through SIGNET_SSPI_PACKAGES) whose
 * table has no MakeSignature.
 *
 *   t_sspi_pkgs [--expect-ntlm|--no-ntlm] [--third-party]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sspi.h>

#include "sspi_util.h"

static int failures, checks;

#define CHECK(cond, ...)                                          \
    do {                                                          \
        checks++;                                                 \
        if (!(cond)) {                                            \
            failures++;                                           \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);           \
            printf(__VA_ARGS__);                                  \
            printf("\n");                                         \
        }                                                         \
    } while (0)

static int
wide_eq(const SEC_WCHAR *w, const char *s)
{
    while (*s && *w == (unsigned char)*s)
        w++, s++;
    return *w == 0 && *s == 0;
}

static void
third_party(void)
{
    CredHandle cc, sc;
    CtxtHandle cli, srv;
    char buf[64], buf2[64];
    SecBuffer ib = { 0, SECBUFFER_TOKEN, NULL }, ob = { 64, SECBUFFER_TOKEN, buf };
    SecBufferDesc in = { SECBUFFER_VERSION, 1, &ib }, out = { SECBUFFER_VERSION, 1, &ob };
    SecBuffer mb[2];
    SecBufferDesc msg = { SECBUFFER_VERSION, 2, mb };
    unsigned char data[3] = { 1, 2, 3 }, sig = 6;
    SecPkgContext_Sizes sizes;
    SecPkgContext_PackageInfoA pi;
    ULONG attrs, qop = 0;
    SECURITY_STATUS st;

    CHECK(AcquireCredentialsHandleA(NULL, "TestPkg3P", SECPKG_CRED_OUTBOUND, NULL, NULL, NULL,
                                    NULL, &cc, NULL) == SEC_E_OK, "3P acquire out");
    CHECK(AcquireCredentialsHandleA(NULL, "testpkg3p", SECPKG_CRED_INBOUND, NULL, NULL, NULL,
                                    NULL, &sc, NULL) == SEC_E_OK, "3P acquire in (case)");
    st = InitializeSecurityContextA(&cc, NULL, "anything", 0, 0, 0, NULL, 0, &cli, &out,
                                    &attrs, NULL);
    CHECK(st == SEC_I_CONTINUE_NEEDED, "3P ISC 1: %s", sec_name(st));
    ib.cbBuffer = ob.cbBuffer;
    ib.pvBuffer = buf;
    ob.cbBuffer = 64;
    ob.pvBuffer = buf2;
    st = AcceptSecurityContext(&sc, NULL, &in, 0, 0, &srv, &out, &attrs, NULL);
    CHECK(st == SEC_E_OK, "3P ASC: %s", sec_name(st));
    ib.cbBuffer = ob.cbBuffer;
    ib.pvBuffer = buf2;
    ob.cbBuffer = 64;
    ob.pvBuffer = buf;
    st = InitializeSecurityContextA(&cc, &cli, "anything", 0, 0, 0, &in, 0, &cli, &out, &attrs,
                                    NULL);
    CHECK(st == SEC_E_OK, "3P ISC 2: %s", sec_name(st));

    mb[0].BufferType = SECBUFFER_DATA;
    mb[0].cbBuffer = 3;
    mb[0].pvBuffer = data;
    mb[1].BufferType = SECBUFFER_TOKEN;
    mb[1].cbBuffer = 1;
    mb[1].pvBuffer = &sig;
    st = MakeSignature(&cli, 0, &msg, 0);
    CHECK(st == SEC_E_UNSUPPORTED_FUNCTION, "3P MakeSignature: %s", sec_name(st));
    CHECK(sig == 6 && mb[1].cbBuffer == 1, "3P MakeSignature wrote");
    st = VerifySignature(&cli, &msg, 0, &qop);
    CHECK(st == SEC_E_OK && qop == 0x4D, "3P VerifySignature: %s qop %u (mapped context)",
          sec_name(st), qop);
    sig = 7;
    st = VerifySignature(&srv, &msg, 0, &qop);
    CHECK(st == SEC_E_MESSAGE_ALTERED, "3P VerifySignature altered: %s", sec_name(st));
    st = QueryContextAttributesA(&srv, SECPKG_ATTR_SIZES, &sizes);
    CHECK(st == SEC_E_OK && sizes.cbMaxSignature == 1, "3P SIZES: %s", sec_name(st));
    st = QueryContextAttributesA(&srv, SECPKG_ATTR_PACKAGE_INFO, &pi);
    CHECK(st == SEC_E_OK && strcmp(pi.PackageInfo->Name, "TestPkg3P") == 0,
          "3P PACKAGE_INFO: %s", sec_name(st));
    if (st == SEC_E_OK)
        FreeContextBuffer(pi.PackageInfo);
    st = QueryContextAttributesA(&srv, SECPKG_ATTR_NAMES, buf);
    CHECK(st == SEC_E_UNSUPPORTED_FUNCTION, "3P NAMES: %s", sec_name(st));
    st = EncryptMessage(&srv, 0, &msg, 0);
    CHECK(st == SEC_E_UNSUPPORTED_FUNCTION, "3P EncryptMessage: %s", sec_name(st));
    CHECK(DeleteSecurityContext(&cli) == SEC_E_OK, "3P delete");
    CHECK(DeleteSecurityContext(&srv) == SEC_E_OK, "3P delete");
    st = MakeSignature(&cli, 0, &msg, 0);
    CHECK(st == SEC_E_INVALID_HANDLE, "3P MakeSignature after delete: %s", sec_name(st));
    CHECK(FreeCredentialsHandle(&cc) == SEC_E_OK, "3P free");
    CHECK(FreeCredentialsHandle(&sc) == SEC_E_OK, "3P free");
    CHECK(FreeCredentialsHandle(&sc) == SEC_E_INVALID_HANDLE, "3P double free");
}

int
main(int argc, char **argv)
{
    PSecPkgInfoA a = NULL;
    PSecPkgInfoW w = NULL;
    ULONG n = 0, nw = 0, i;
    int want_ntlm = -1, want_3p = 0, seen_ntlm = 0, seen_3p = 0, seen_signet = 0;
    int seen_kerb = 0, seen_nego = 0;
    PSecurityFunctionTableA ta = InitSecurityInterfaceA();
    PSecurityFunctionTableW tw = InitSecurityInterfaceW();

    for (i = 1; i < (ULONG)argc; i++) {
        if (strcmp(argv[i], "--expect-ntlm") == 0)
            want_ntlm = 1;
        else if (strcmp(argv[i], "--no-ntlm") == 0)
            want_ntlm = 0;
        else if (strcmp(argv[i], "--third-party") == 0)
            want_3p = 1;
    }
    CHECK(EnumerateSecurityPackagesA(&n, &a) == SEC_E_OK, "EnumerateSecurityPackagesA");
    CHECK(EnumerateSecurityPackagesW(&nw, &w) == SEC_E_OK && nw == n,
          "EnumerateSecurityPackagesW");
    for (i = 0; i < n; i++) {
        printf("package %s (%s) caps 0x%x rpcid %u max token %u\n", a[i].Name, a[i].Comment,
               a[i].fCapabilities, a[i].wRPCID, a[i].cbMaxToken);
        CHECK(wide_eq(w[i].Name, a[i].Name), "W name of %s", a[i].Name);
        seen_ntlm |= strcmp(a[i].Name, "NTLM") == 0;
        seen_3p |= strcmp(a[i].Name, "TestPkg3P") == 0;
        seen_signet |= strcmp(a[i].Name, "Signet") == 0;
        seen_kerb |= strcmp(a[i].Name, "Kerberos") == 0 && a[i].wRPCID == 16;
        seen_nego |= strcmp(a[i].Name, "Negotiate") == 0 && a[i].wRPCID == 9;
    }
    FreeContextBuffer(a);
    FreeContextBuffer(w);
    CHECK(seen_signet && seen_kerb && seen_nego, "built-in packages listed");
    if (want_ntlm >= 0)
        CHECK(seen_ntlm == want_ntlm, "NTLM listed: %d, expected %d", seen_ntlm, want_ntlm);
    CHECK(seen_3p == want_3p, "third-party listed: %d, expected %d", seen_3p, want_3p);
    {
        PSecPkgInfoA info = NULL;
        PSecPkgInfoW winfo = NULL;
        SEC_WCHAR kname[] = { 'k', 'e', 'r', 'b', 'e', 'r', 'o', 's', 0 };

        CHECK(QuerySecurityPackageInfoA("Signet", &info) == SEC_E_OK &&
              (info->fCapabilities & SECPKG_FLAG_INTEGRITY), "QuerySecurityPackageInfoA");
        FreeContextBuffer(info);
        CHECK(QuerySecurityPackageInfoW(kname, &winfo) == SEC_E_OK &&
              wide_eq(winfo->Name, "Kerberos"), "QuerySecurityPackageInfoW (case-insensitive)");
        FreeContextBuffer(winfo);
        CHECK(QuerySecurityPackageInfoA("NoSuchPackage", &info) == SEC_E_SECPKG_NOT_FOUND,
              "unknown package");
    }
    CHECK(ta != NULL && ta->dwVersion >= 1 && ta->MakeSignature == MakeSignature &&
          ta->AcquireCredentialsHandleA == AcquireCredentialsHandleA &&
          ta->FreeCredentialHandle == FreeCredentialsHandle, "InitSecurityInterfaceA");
    CHECK(tw != NULL && tw->InitializeSecurityContextW == InitializeSecurityContextW &&
          tw->QueryContextAttributesW == QueryContextAttributesW, "InitSecurityInterfaceW");
    {
        CredHandle c;

        CHECK(AcquireCredentialsHandleA(NULL, "NoSuchPackage", SECPKG_CRED_OUTBOUND, NULL, NULL,
                                        NULL, NULL, &c, NULL) == SEC_E_SECPKG_NOT_FOUND,
              "acquire unknown package");
        CHECK(MakeSignature(NULL, 0, NULL, 0) == SEC_E_INVALID_HANDLE, "NULL handle");
        CHECK(FreeCredentialsHandle(NULL) == SEC_E_INVALID_HANDLE, "free NULL");
        CHECK(DeleteSecurityContext(NULL) == SEC_E_INVALID_HANDLE, "delete NULL");
    }
    if (want_3p)
        third_party();
    printf("%s: %d checks, %d failure(s)\n", failures ? "FAIL" : "PASS", checks, failures);
    return failures ? 1 : 0;
}
