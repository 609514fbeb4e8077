"""The SSPI library itself: exported names, installed headers and
pkg-config file, the table-driven MakeSignature/VerifySignature error test
(tests/compat/t_sspi_errors.c), the status table, the package registry and a
third-party package, and a PuTTY-shaped program compiled unchanged against
the installed headers."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "compat"))

from conftest import builddir, require_file  # noqa: E402
from sspi_harness import NTLM_LINE, program, run  # noqa: E402

SSPI_NAMES = {
    "AcquireCredentialsHandleA", "AcquireCredentialsHandleW", "FreeCredentialsHandle",
    "AddCredentialsA", "AddCredentialsW",
    "InitializeSecurityContextA", "InitializeSecurityContextW", "AcceptSecurityContext",
    "CompleteAuthToken", "DeleteSecurityContext", "ApplyControlToken",
    "ImpersonateSecurityContext", "RevertSecurityContext", "QuerySecurityContextToken",
    "QueryContextAttributesA", "QueryContextAttributesW",
    "SetContextAttributesA", "SetContextAttributesW",
    "QueryCredentialsAttributesA", "QueryCredentialsAttributesW",
    "SetCredentialsAttributesA", "SetCredentialsAttributesW",
    "MakeSignature", "VerifySignature", "EncryptMessage", "DecryptMessage",
    "EnumerateSecurityPackagesA", "EnumerateSecurityPackagesW",
    "QuerySecurityPackageInfoA", "QuerySecurityPackageInfoW", "FreeContextBuffer",
    "ExportSecurityContext", "ImportSecurityContextA", "ImportSecurityContextW",
    "InitSecurityInterfaceA", "InitSecurityInterfaceW",
}


def library():
    return builddir() / "compat" / ".libs" / "libsignet-sspi.so"


def test_exports_are_only_sspi_names():
    out = subprocess.run(["nm", "-D", "--defined-only", str(library())],
                         capture_output=True, text=True, check=True).stdout
    names = {line.split()[-1] for line in out.splitlines() if line.strip()}
    assert names == SSPI_NAMES, ("extra: %s, missing: %s" % (
        sorted(names - SSPI_NAMES), sorted(SSPI_NAMES - names)))
    assert not any(n.startswith(("signet_", "sspi_", "gss")) for n in names)


def test_status_table():
    proc = run([program("t_status")], os.environ.copy(), "t_status")
    assert proc.returncode == 0, proc.stdout


def test_status_table_documented():
    """Every row of compat/status.c is in docs/status-mapping.md."""
    proc = run([program("t_status"), "--markdown"], os.environ.copy(), "t_status")
    doc = (Path(__file__).resolve().parent.parent / "docs" / "status-mapping.md").read_text()
    for row in proc.stdout.splitlines():
        if row.startswith("|"):
            assert row in doc, "row missing from docs/status-mapping.md: %s" % row


def test_make_signature_verify_signature_errors(env_for, psk):
    """Table-driven: every bad argument, handle, token, replay, reordering,
    QOP and datagram sequence number gets its exact status and leaves the
    caller's buffers byte-identical; threads sign while handles are deleted."""
    proc = run([program("t_sspi_errors"), str(psk.server)], env_for(None),
               "t_sspi_errors", timeout=120)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    assert "PASS" in proc.stdout


def test_packages_without_ntlm(env_for):
    proc = run([program("t_sspi_pkgs"), "--no-ntlm"], env_for(None), "t_sspi_pkgs")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ntlm_listed_when_configured(env_for, mech_config, workdir):
    require_file(NTLM_LINE.split()[2], "gss-ntlmssp")
    conf = workdir / "mech-with-ntlm.conf"
    conf.write_text(mech_config.read_text() + NTLM_LINE + "\n")
    proc = run([program("t_sspi_pkgs"), "--expect-ntlm"],
               env_for(None, GSS_MECH_CONFIG=conf), "t_sspi_pkgs")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "package NTLM" in proc.stdout


def third_party_package():
    return builddir() / "tests" / "compat" / ".libs" / "libsspi_testpkg.so"


def test_third_party_package_from_environment(env_for):
    """A shared object exporting SpLsaModeInitialize/SpUserModeInitialize is
    enumerated and dispatched like the built-ins; its table has no
    MakeSignature, so MakeSignature returns SEC_E_UNSUPPORTED_FUNCTION."""
    pkg = third_party_package()
    assert pkg.exists(), pkg
    proc = run([program("t_sspi_pkgs"), "--third-party"],
               env_for(None, SIGNET_SSPI_PACKAGES="/nonexistent/pkg.so:%s" % pkg),
               "t_sspi_pkgs")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "package TestPkg3P" in proc.stdout


def test_third_party_package_from_config_file(env_for, workdir):
    conf = workdir / "signet-sspi-packages.conf"
    conf.write_text("sspi_packages = %s\n" % third_party_package())
    proc = run([program("t_sspi_pkgs"), "--third-party"],
               env_for(None, SIGNET_CONFIG=conf), "t_sspi_pkgs")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    dest = tmp_path_factory.mktemp("sspi-install")
    subprocess.run(["make", "-s", "-C", str(builddir()), "install", "DESTDIR=%s" % dest],
                   check=True, capture_output=True)
    return dest


def test_install_layout(installed):
    files = {str(p.relative_to(installed)) for p in installed.rglob("*") if p.is_file()}
    for name in ("include/signet/sspi.h", "include/signet/security.h",
                 "include/signet/ntsecpkg.h", "pkgconfig/signet-sspi.pc"):
        assert any(f.endswith(name) for f in files), (name, files)
    assert any(re.search(r"lib/libsignet-sspi\.so\.0", f) for f in files), files
    pc = next(installed.rglob("signet-sspi.pc")).read_text()
    assert "Cflags: -I${includedir}/signet" in pc
    assert "-lsignet-sspi" in pc


def pkg_config(installed, *args):
    pcdir = next(installed.rglob("signet-sspi.pc")).parent
    env = dict(os.environ, PKG_CONFIG_PATH=str(pcdir), PKG_CONFIG_SYSROOT_DIR=str(installed))
    return subprocess.run(["pkg-config"] + list(args) + ["signet-sspi"], env=env,
                          capture_output=True, text=True, check=True).stdout.split()


def test_putty_shaped_program_compiles_unchanged(installed, tmp_path, gss_server, env_for,
                                                 psk):
    """PuTTY's Windows GSSAPI code shape (windows/gss.c): SIZES, {DATA,
    TOKEN}, fQOP 0, MessageSeqNo 0 -- built with the installed headers via
    pkg-config, warnings as errors, then run against gss-server."""
    src = Path(__file__).resolve().parent / "compat" / "putty_gss.c"
    exe = tmp_path / "putty_gss"
    cmd = (["cc", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-o", str(exe), str(src)]
           + pkg_config(installed, "--cflags") + pkg_config(installed, "--libs"))
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    libdir = next(installed.rglob("libsignet-sspi.so.0")).parent
    srv = gss_server(env_for({"psk_file": psk.server}))
    env = env_for({"psk_file": psk.client_alice}, LD_LIBRARY_PATH=libdir)
    proc = run([str(exe), "Signet", "127.0.0.1", str(srv.port), "host/localhost"], env,
               "putty_gss")
    rc, out, err = srv.finish()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PuTTY-shaped exchange OK" in proc.stdout
    assert "mic length 40 of at most 56" in proc.stdout
    assert 'Accepted connection: "psk:alice"' in out


def test_headers_compile_as_cplusplus(installed, tmp_path):
    src = tmp_path / "t.cc"
    src.write_text("#define UNICODE\n#include <security.h>\n#include <ntsecpkg.h>\n"
                   "static_assert(sizeof(ULONG) == 4, \"ULONG\");\n"
                   "static_assert(sizeof(SEC_WCHAR) == 2, \"WCHAR\");\n"
                   "static_assert(sizeof(SecHandle) == 2 * sizeof(void *), \"handle\");\n"
                   "static_assert(sizeof(SecBuffer) == 16, \"SecBuffer\");\n"
                   "int main() { PSecurityFunctionTable t = InitSecurityInterface();\n"
                   "  return t->MakeSignature == MakeSignature ? 0 : 1; }\n")
    cmd = (["c++", "-Wall", "-Werror", "-o", str(tmp_path / "t"), str(src)]
           + pkg_config(installed, "--cflags") + pkg_config(installed, "--libs"))
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
