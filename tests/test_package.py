"""The installed Debian packages (debian/), used by real peers through the
system's GSS-API configuration.

.ci/run builds the packages, installs them with `apt-get install ./*.deb`
and runs this module with SIGNET_TEST_PACKAGES=1; it then purges them and
checks that nothing is left.  Unlike every other test, these load Signet
the way an administrator's programs do: mechglue reads
/etc/gss/mech.d/signet.conf (no GSS_MECH_CONFIG), which names the installed
plugin.  This module only reads /etc/gss; nothing here uses the build
directory.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import (SERVICE, SIGNET_OID, GssServer, PeerServer, require_program,
                      run_client, run_peer_client, sample_errors, tidy)

if os.environ.get("SIGNET_TEST_PACKAGES") != "1":
    pytest.skip("tests the installed packages: .ci/run sets SIGNET_TEST_PACKAGES=1 "
                "after installing them", allow_module_level=True)

MECH_D = Path("/etc/gss/mech.d/signet.conf")
PLUGIN_PKG, LIB_PKG, DEV_PKG = "signet-gss-mech", "libsignet-sspi0", "libsignet-sspi-dev"
REPO = Path(__file__).resolve().parent.parent


def multiarch():
    return subprocess.run(["dpkg-architecture", "-qDEB_HOST_MULTIARCH"],
                          capture_output=True, text=True, check=True).stdout.strip()


def dpkg_files(package):
    out = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True,
                         check=True).stdout
    return {line for line in out.splitlines() if line and line != "/."}


@pytest.fixture(scope="module")
def system_env(tmp_path_factory):
    """A child environment that uses the system's mechanism configuration:
    no GSS_MECH_CONFIG, krb5 without realms or credentials, no SIGNET_*."""
    d = tmp_path_factory.mktemp("system")
    (d / "krb5.conf").write_text("# empty: no realms, no KDC\n")
    (d / "signet-empty.conf").write_text("# no settings\n")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SIGNET_", "KRB5", "GSS_", "LD_PRELOAD", "ASAN", "LSAN",
                                "UBSAN"))}
    env.update({
        "KRB5_CONFIG": str(d / "krb5.conf"),
        "KRB5CCNAME": "FILE:%s" % (d / "no-ccache"),
        "KRB5_KTNAME": "FILE:%s" % (d / "no-keytab"),
        "KRB5_CLIENT_KTNAME": "FILE:%s" % (d / "no-client-keytab"),
        "SIGNET_CONFIG": str(d / "signet-empty.conf"),
        "LC_ALL": "C",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


def with_settings(env, **settings):
    env = dict(env)
    env.update({"SIGNET_" + k.upper(): str(v) for k, v in settings.items()})
    return env


# ------------------------------------------------------------ the files

def test_plugin_package_files():
    files = dpkg_files(PLUGIN_PKG)
    plugin = "/usr/lib/%s/gss/mech_signet.so" % multiarch()
    assert plugin in files, sorted(files)
    assert str(MECH_D) in files
    assert "/usr/share/man/man7/signet.7.gz" in files
    assert "/usr/share/doc/%s/copyright" % PLUGIN_PKG in files
    assert not any(f.endswith(".la") for f in files), sorted(files)
    conffiles = subprocess.run(["dpkg-query", "-W", "-f", "${Conffiles}", PLUGIN_PKG],
                               capture_output=True, text=True, check=True).stdout
    assert str(MECH_D) in conffiles, conffiles
    line = MECH_D.read_text().split()
    assert line == ["signet", SIGNET_OID, plugin], line
    assert os.path.exists(plugin)


def test_library_package_soname():
    files = dpkg_files(LIB_PKG)
    lib = [f for f in files if re.search(r"/libsignet-sspi\.so\.0(\.|$)", f)]
    assert lib, sorted(files)
    real = [f for f in lib if not os.path.islink(f)]
    out = subprocess.run(["objdump", "-p", real[0]], capture_output=True, text=True,
                         check=True).stdout
    assert re.search(r"SONAME\s+libsignet-sspi\.so\.0$", out, re.M), out
    # the unversioned link is for developers: it belongs to the -dev package
    assert not any(f.endswith("/libsignet-sspi.so") for f in files)


def test_dev_package_files():
    files = dpkg_files(DEV_PKG)
    for name in ("/usr/include/signet/sspi.h", "/usr/include/signet/security.h",
                 "/usr/include/signet/ntsecpkg.h", "/usr/include/signet/windows.h",
                 "/usr/include/signet/signet_wintypes.h",
                 "/usr/include/gssapi/gssapi_signet.h",
                 "/usr/lib/%s/libsignet-sspi.so" % multiarch(),
                 "/usr/lib/%s/pkgconfig/signet-sspi.pc" % multiarch(),
                 "/usr/lib/%s/pkgconfig/signet.pc" % multiarch(),
                 "/usr/share/man/man3/signet-sspi.3.gz"):
        assert name in files, (name, sorted(files))


def test_build_depends_are_in_install_deps():
    """debian/control's Build-Depends are among tools/install-deps's list."""
    control = (REPO / "debian" / "control").read_text()
    field = re.search(r"^Build-Depends:(.*(?:\n[ \t].*)*)", control, re.M).group(1)
    needed = {re.sub(r"[\s(\[<].*", "", dep.strip().split("|")[0].strip())
              for dep in field.split(",") if dep.strip()}
    needed = {"debhelper" if n == "debhelper-compat" else n for n in needed}
    listed = set(subprocess.run(["bash", str(REPO / "tools" / "install-deps"), "--list"],
                                capture_output=True, text=True, check=True).stdout.split())
    assert needed <= listed, sorted(needed - listed)


# ------------------------------------------------- peers through /etc/gss

def psk_files(tmp_path):
    key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
    server, client = tmp_path / "server.psk", tmp_path / "alice.psk"
    server.write_text("alice %s\nbob %s\n" % (key, "ab" * 32))
    client.write_text("alice %s\n" % key)
    for f in (server, client):
        os.chmod(f, 0o600)
    return server, client


def test_gss_samples_psk_through_system_config(system_env, tmp_path):
    """MIT's gss-server and gss-client authenticate with Signet PSKs; the
    plugin is the installed one, named in /etc/gss/mech.d."""
    server_psk, client_psk = psk_files(tmp_path)
    trace = tmp_path / "server.trace"
    srv = GssServer(with_settings(system_env, psk_file=server_psk, trace=trace),
                    ["-verbose"], workdir=tmp_path)
    try:
        client = run_client(with_settings(system_env, psk_file=client_psk), srv.port)
        rc, out, err = srv.finish()
    finally:
        srv.close()
    assert client.returncode == 0, tidy(client.stdout + client.stderr)
    assert "Signature verified." in client.stdout, tidy(client.stdout)
    assert not sample_errors(client.stdout + client.stderr), tidy(client.stdout)
    assert 'Accepted connection: "psk:alice"' in out, tidy(out)
    assert "{ %s }" % SIGNET_OID.replace(".", " ") in out, tidy(out)
    # the acceptor really ran the installed plugin: it wrote the trace
    assert trace.exists() and trace.read_text(), "no SIGNET_TRACE output"


def test_python_gssapi_pair_through_system_config(system_env, tmp_path):
    """A python3-gssapi acceptor and initiator (tests/peer.py), wrap and MICs
    both ways, with the installed plugin."""
    server_psk, client_psk = psk_files(tmp_path)
    srv = PeerServer(with_settings(system_env, psk_file=server_psk))
    try:
        rep = run_peer_client(with_settings(system_env, psk_file=client_psk), srv.port,
                              ["--ext", "--count", "2", "--msg", "installed"])
        srep = srv.finish()
    finally:
        srv.close()
    assert rep["ok"] and srep["ok"], (rep, srep)
    assert rep["context"]["initiator"] == "psk:alice"
    assert rep["context"]["target"] == SERVICE
    assert srep["initiator"] == "psk:alice"
    assert len(rep["messages"]) == 2 and all(m["verified"] for m in rep["messages"])


def test_sspi_program_built_against_installed_dev_package(system_env, tmp_path):
    """A PuTTY-shaped SSPI program compiled with `pkg-config signet-sspi`
    (the -dev package), linked against libsignet-sspi.so.0, signs through
    the Signet package to gss-server running the installed plugin."""
    cc = require_program("cc", "build-essential")
    src = REPO / "tests" / "compat" / "putty_gss.c"
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "signet-sspi"],
                           capture_output=True, text=True, check=True).stdout.split()
    exe = tmp_path / "putty_gss"
    build = subprocess.run([cc, "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-o", str(exe),
                            str(src)] + flags, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    server_psk, client_psk = psk_files(tmp_path)
    srv = GssServer(with_settings(system_env, psk_file=server_psk), workdir=tmp_path)
    try:
        proc = subprocess.run([str(exe), "Signet", "127.0.0.1", str(srv.port),
                               "host/localhost"],
                              env=with_settings(system_env, psk_file=client_psk),
                              capture_output=True, text=True, timeout=60)
        rc, out, err = srv.finish()
    finally:
        srv.close()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PuTTY-shaped exchange OK" in proc.stdout
    assert 'Accepted connection: "psk:alice"' in out, tidy(out)


INDICATE_MECHS = r"""
#include <stdio.h>
#include <string.h>
#include <gssapi/gssapi_signet.h>

int
main(void)
{
    OM_uint32 minor;
    gss_OID_set mechs = GSS_C_NO_OID_SET;
    size_t i;
    int found = 0;

    if (gss_indicate_mechs(&minor, &mechs) != GSS_S_COMPLETE)
        return 2;
    for (i = 0; i < mechs->count; i++)
        found |= mechs->elements[i].length == SIGNET_MECH_OID_DER_LENGTH &&
                 memcmp(mechs->elements[i].elements, SIGNET_MECH_OID_DER,
                        SIGNET_MECH_OID_DER_LENGTH) == 0;
    gss_release_oid_set(&minor, &mechs);
    puts(found ? "signet listed" : "signet not listed");
    return found ? 0 : 1;
}
"""


def test_gss_indicate_mechs_lists_signet(system_env, tmp_path):
    """A GSS program built with <gssapi/gssapi_signet.h> from `pkg-config
    signet` finds Signet among the system's mechanisms."""
    cc = require_program("cc", "build-essential")
    src = tmp_path / "mechs.c"
    src.write_text(INDICATE_MECHS)
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "signet", "krb5-gssapi"],
                           capture_output=True, text=True, check=True).stdout.split()
    exe = tmp_path / "mechs"
    build = subprocess.run([cc, "-std=gnu11", "-Wall", "-Werror", "-o", str(exe), str(src)]
                           + flags, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    proc = subprocess.run([str(exe)], env=system_env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0 and "signet listed" in proc.stdout, proc.stdout + proc.stderr
