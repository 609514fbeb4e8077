"""SSPI over Kerberos and Negotiate against a real MIT KDC (tests/kdc.py).

The SSPI programs (tests/compat/sspi_peer, putty_gss) authenticate to
gss-server and to a python3-gssapi acceptor and accept gss-client and
python3-gssapi initiators.  MakeSignature tokens are RFC 4121 MIC tokens:
the GSS peers check them with gss_verify_mic, and VerifySignature checks the
peers' gss_get_mic tokens, as Windows interoperates.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "compat"))

from conftest import run_client  # noqa: E402
from kdc import PASSWORD, REALM, USER, kdc  # noqa: E402,F401
from sspi_harness import Servers, program, py_client, run, sspi_client  # noqa: E402

PRINCIPAL = "%s@%s" % (USER, REALM)
SERVICE = "host/localhost@%s" % REALM
REPLAY_SEQ = hex(0x4 | 0x8)


@pytest.fixture
def servers():
    s = Servers()
    yield s
    s.close()


@pytest.fixture
def kenv(kdc, base_env):
    def make(**extra):
        return kdc.env(base_env, **extra)
    return make


@pytest.mark.parametrize("package", ["Kerberos", "Negotiate"])
def test_sspi_client_gss_server(gss_server, kenv, package):
    srv = gss_server(kenv())
    rep = sspi_client(kenv(), srv.port, "--package", package, "--target", "host/localhost",
                      "--req", REPLAY_SEQ, "--count", "3")
    rc, out, err = srv.finish()
    assert rep["ok"], (rep, out, err)
    assert 'Accepted connection: "%s"' % PRINCIPAL in out
    assert rep["client"] == PRINCIPAL and rep["server"] == SERVICE
    assert rep["context_package"] == package
    # RFC 4121 MIC tokens: 16-byte header + 12-byte HMAC-SHA1-96
    assert rep["max_signature"] == 28
    assert rep["signature_algorithm"] == "HMAC_SHA1_96_AES256"


@pytest.mark.parametrize("package", ["Kerberos", "Negotiate"])
def test_gss_client_sspi_server(servers, kenv, package):
    srv = servers.sspi(kenv(), "--package", package)
    args = ["-nw"] + (["-spnego"] if package == "Negotiate" else [])
    proc = run_client(kenv(), srv.port, args, service="host@localhost", mech=False)
    peer = srv.finish()
    assert "Signature verified." in proc.stdout, proc.stdout + proc.stderr
    assert peer["ok"], peer
    assert peer["client"] == PRINCIPAL


@pytest.mark.parametrize("package,mech", [("Kerberos", "krb5"), ("Negotiate", "spnego")])
def test_sspi_client_python_server(servers, kenv, package, mech):
    """The python acceptor checks MakeSignature with gss_verify_mic, also
    over {DATA, DATA|READONLY, READONLY_WITH_CHECKSUM} (get_mic_iov with
    DATA + SIGN_ONLY = the MIC of the concatenation)."""
    srv = servers.python(kenv(), "--mech", mech)
    rep = sspi_client(kenv(), srv.port, "--package", package, "--target", "host/localhost",
                      "--proto", "ext", "--count", "3", "--split", "--seq-start", "41",
                      "--req", REPLAY_SEQ)
    peer = srv.finish()
    assert rep["ok"], rep
    assert peer["ok"], peer
    assert [m["msg"] for m in peer["messages"]] == ["hello from sspi #%d" % i for i in range(3)]
    assert all(m["mic_len"] == 28 for m in peer["messages"])


@pytest.mark.parametrize("package,mech", [("Kerberos", "krb5"), ("Negotiate", "spnego")])
def test_python_client_sspi_server(servers, kenv, package, mech):
    srv = servers.sspi(kenv(), "--package", package)
    rep = py_client(kenv(), srv.port, "--mech", mech, "--count", "3")
    peer = srv.finish()
    assert rep["ok"], rep
    assert peer["ok"], peer
    assert peer["messages"] == 3 and peer["client"] == PRINCIPAL


def test_password_credentials(gss_server, kenv, kdc, tmp_path):
    """SEC_WINNT_AUTH_IDENTITY with a password, as Windows allows: no
    ticket cache needed."""
    srv = gss_server(kenv())
    env = kenv(KRB5CCNAME="FILE:%s" % (tmp_path / "empty-ccache"), SSPI_USER=USER,
               SSPI_DOMAIN=REALM, SSPI_PASSWORD=PASSWORD)
    rep = sspi_client(env, srv.port, "--package", "Kerberos", "--target", "host/localhost")
    rc, out, err = srv.finish()
    assert rep["ok"], (rep, out, err)
    assert rep["client"] == PRINCIPAL


def test_wrong_password(kenv, tmp_path):
    env = kenv(KRB5CCNAME="FILE:%s" % (tmp_path / "empty-ccache"), SSPI_USER=USER,
               SSPI_DOMAIN=REALM, SSPI_PASSWORD="not-the-password")
    rep = sspi_client(env, 9, "--package", "Kerberos", "--target", "host/localhost")
    assert not rep["ok"]
    assert rep["stage"] == "acquire", rep
    assert rep["status"] == "SEC_E_LOGON_DENIED", rep


def test_no_ticket(kenv, tmp_path, servers):
    srv = servers.sspi(kenv(), "--package", "Kerberos")
    env = kenv(KRB5CCNAME="FILE:%s" % (tmp_path / "empty-ccache"))
    rep = sspi_client(env, srv.port, "--package", "Kerberos", "--target", "host/localhost")
    assert not rep["ok"]
    assert rep["status"] == "SEC_E_NO_CREDENTIALS", rep


def test_putty_shaped_program_kerberos(gss_server, kenv):
    srv = gss_server(kenv())
    proc = run([program("putty_gss"), "Kerberos", "127.0.0.1", str(srv.port),
                "host/localhost"], kenv(), "putty_gss")
    rc, out, err = srv.finish()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "mic length 28 of at most 28" in proc.stdout
    assert 'Accepted connection: "%s"' % PRINCIPAL in out


def test_export_import_kerberos(gss_server, kenv):
    """ExportSecurityContext(SECPKG_CONTEXT_EXPORT_DELETE_OLD) and
    ImportSecurityContext through mechglue: the imported context goes on
    verifying gss-server's MICs."""
    srv = gss_server(kenv())
    rep = sspi_client(kenv(), srv.port, "--package", "Kerberos", "--target", "host/localhost",
                      "--count", "2", "--export")
    rc, out, err = srv.finish()
    assert rep["ok"], (rep, out, err)
    assert rep["exported_bytes"] > 0 and rep["messages"] == 2


@pytest.mark.parametrize("package", ["Kerberos", "Negotiate"])
def test_make_signature_verify_signature_errors_kerberos(kenv, package):
    """The package-independent cases of tests/compat/t_sspi_errors.c on
    Kerberos contexts (initiator and acceptor in one process, through
    mechglue): bad handles and messages, token too small, wrong QOP,
    flipped bits, replay and reordering with RFC 4121 sequence numbers."""
    proc = run([program("t_sspi_errors"), "--package", package, "--target",
                "host/localhost", "--max-signature", "28"], kenv(), "t_sspi_errors",
               timeout=120)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    assert "PASS" in proc.stdout


def test_wrong_qop_kerberos(servers, kenv):
    srv = servers.python(kenv(), "--mech", "krb5")
    rep = sspi_client(kenv(), srv.port, "--package", "Kerberos", "--target", "host/localhost",
                      "--proto", "ext", "--qop", "1")
    assert not rep["ok"]
    assert rep["stage"] == "sign" and rep["status"] == "SEC_E_QOP_NOT_SUPPORTED", rep


def test_session_key_kerberos(servers, kenv):
    """SECPKG_ATTR_SESSION_KEY is the same at both SSPI ends."""
    srv = servers.sspi(kenv(), "--package", "Kerberos")
    rep = sspi_client(kenv(), srv.port, "--package", "Kerberos", "--target", "host/localhost",
                      "--req", hex(0x2))
    peer = srv.finish()
    assert rep["ok"] and peer["ok"], (rep, peer)
    assert rep["session_key"] and rep["session_key"] == peer["session_key"]
