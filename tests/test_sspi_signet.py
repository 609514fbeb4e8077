"""SSPI over the Signet package against real GSS peers, over TCP.

The SSPI side is tests/compat/sspi_peer (C, written the Windows way: the
Signet package calls the Signet core directly); the GSS side is
python3-gssapi (tests/compat/gss_peer.py) or MIT's gss-server/gss-client,
both going through mechglue and the mech_signet.so plugin.  MICs made with
MakeSignature verify with gss_verify_mic and the reverse, so the tokens are
the same on both paths.  Certificate and PSK modes, stream and datagram
contexts (MessageSeqNo = the message's sequence number).
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "compat"))

from conftest import run_client, GssServer  # noqa: E402
from sspi_harness import Servers, py_client, sspi_client  # noqa: E402

ISC_REQ_REPLAY_DETECT = 0x4
ISC_REQ_SEQUENCE_DETECT = 0x8
ISC_REQ_DATAGRAM = 0x400
GSS_C_DATAGRAM_FLAG = 0x10000


@pytest.fixture
def servers():
    s = Servers()
    yield s
    s.close()


def sspi_env(env_for, pki, psk, mode, role):
    """Environment for the SSPI program (pAuthData from SSPI_* variables)."""
    if mode == "psk":
        extra = {"SSPI_PSK_FILE": psk.server if role == "server" else psk.client_alice}
    else:
        extra = {"SSPI_CA": pki.ca,
                 "SSPI_CERT": pki.server if role == "server" else pki.client,
                 "SSPI_KEY": pki.server_key if role == "server" else pki.client_key}
    return env_for(None, **extra)


def gss_env(env_for, pki, psk, mode, role):
    """Environment for a GSS peer (SIGNET_* settings)."""
    if mode == "psk":
        return env_for({"psk_file": psk.server if role == "server" else psk.client_alice})
    if role == "server":
        return env_for(pki.server_settings())
    return env_for(pki.client_settings())


def expected_client(mode):
    return "psk:alice" if mode == "psk" else "x509:CN=alice"


MODES = ["psk", "cert"]


@pytest.mark.parametrize("mode", MODES)
def test_sspi_client_python_server(servers, env_for, pki, psk, mode):
    srv = servers.python(gss_env(env_for, pki, psk, mode, "server"), "--mech", "signet")
    rep = sspi_client(sspi_env(env_for, pki, psk, mode, "client"), srv.port,
                      "--package", "Signet", "--target", "host/localhost", "--proto", "ext",
                      "--count", "3", "--req", hex(ISC_REQ_REPLAY_DETECT | ISC_REQ_SEQUENCE_DETECT))
    peer = srv.finish()
    assert rep["ok"], rep
    assert peer["ok"], peer
    assert rep["client"] == expected_client(mode)
    assert rep["server"] == "host@localhost"
    assert rep["context_package"] == "Signet"
    # SIZES: the largest MIC over the permitted QOPs (HMAC-SHA512: 56), the
    # wrap overhead as trailer
    assert rep["max_signature"] == 56 and rep["trailer"] == 40 and rep["block_size"] == 1
    assert [m["msg"] for m in peer["messages"]] == ["hello from sspi #%d" % i for i in range(3)]
    assert all(m["mic_len"] == 40 and m["qop"] == 4 for m in peer["messages"])
    assert peer["context"]["initiator"] == expected_client(mode)


@pytest.mark.parametrize("mode", MODES)
def test_python_client_sspi_server(servers, env_for, pki, psk, mode):
    srv = servers.sspi(sspi_env(env_for, pki, psk, mode, "server"), "--package", "Signet")
    rep = py_client(gss_env(env_for, pki, psk, mode, "client"), srv.port,
                    "--mech", "signet", "--count", "3")
    peer = srv.finish()
    assert rep["ok"], rep
    assert peer["ok"], peer
    assert peer["client"] == expected_client(mode)
    assert peer["messages"] == 3
    assert [m["reply"] for m in rep["messages"]] == [
        "verified:python message #%d" % i for i in range(3)]


@pytest.mark.parametrize("mode", MODES)
def test_sspi_client_gss_server(gss_server, env_for, pki, psk, mode):
    """gss-server signs with gss_get_mic; the SSPI client checks with
    VerifySignature."""
    srv = gss_server(gss_env(env_for, pki, psk, mode, "server"))
    rep = sspi_client(sspi_env(env_for, pki, psk, mode, "client"), srv.port,
                      "--package", "Signet", "--count", "2")
    rc, out, err = srv.finish()
    assert rep["ok"], (rep, out, err)
    assert rc == 0, err
    assert 'Accepted connection: "%s"' % expected_client(mode) in out
    assert rep["messages"] == 2


@pytest.mark.parametrize("mode", MODES)
def test_gss_client_sspi_server(servers, env_for, pki, psk, mode):
    """gss-client -nw checks the SSPI server's MakeSignature with
    gss_verify_mic."""
    srv = servers.sspi(sspi_env(env_for, pki, psk, mode, "server"), "--package", "Signet")
    proc = run_client(gss_env(env_for, pki, psk, mode, "client"), srv.port, ["-nw"])
    peer = srv.finish()
    assert "Signature verified." in proc.stdout, proc.stdout + proc.stderr
    assert peer["ok"], peer
    assert peer["client"] == expected_client(mode)


def test_datagram_sspi_client(servers, env_for, pki, psk):
    """ISC_REQ_DATAGRAM: MessageSeqNo is each message's sequence number; the
    python peer checks it through an 8-byte MECH_PARAMS IOV buffer."""
    srv = servers.python(gss_env(env_for, pki, psk, "psk", "server"), "--mech", "signet")
    rep = sspi_client(sspi_env(env_for, pki, psk, "psk", "client"), srv.port,
                      "--package", "Signet", "--proto", "ext", "--count", "4",
                      "--seq-start", "1000", "--req", hex(ISC_REQ_DATAGRAM | ISC_REQ_REPLAY_DETECT))
    peer = srv.finish()
    assert rep["ok"], rep
    assert peer["ok"], peer
    assert rep["attrs"] & ISC_REQ_DATAGRAM
    assert peer["context"]["flags"] & GSS_C_DATAGRAM_FLAG
    assert [m["seq"] for m in peer["messages"]] == [1000, 1001, 1002, 1003]


def test_datagram_python_client(servers, env_for, pki, psk):
    srv = servers.sspi(sspi_env(env_for, pki, psk, "psk", "server"), "--package", "Signet")
    rep = py_client(gss_env(env_for, pki, psk, "psk", "client"), srv.port,
                    "--mech", "signet", "--datagram", "--count", "3", "--flags", "0x36",
                    "--seq-start", "77")
    peer = srv.finish()
    assert rep["ok"], rep
    assert peer["ok"], peer
    assert peer["attrs"] & 0x400          # ASC_RET_DATAGRAM
    assert [m["seq"] for m in rep["messages"]] == [77, 78, 79]


def test_stream_context_ignores_messageseqno(servers, env_for, pki, psk):
    """A stream context numbers its own messages: MessageSeqNo is ignored
    (pyspnego passes a running counter there)."""
    srv = servers.python(gss_env(env_for, pki, psk, "psk", "server"), "--mech", "signet")
    rep = sspi_client(sspi_env(env_for, pki, psk, "psk", "client"), srv.port,
                      "--package", "Signet", "--proto", "ext", "--count", "3",
                      "--seq-start", "500", "--req", hex(ISC_REQ_REPLAY_DETECT | ISC_REQ_SEQUENCE_DETECT))
    peer = srv.finish()
    assert rep["ok"] and peer["ok"], (rep, peer)


@pytest.mark.parametrize("qop,length", [(1, 40), (2, 48), (3, 56), (4, 40)])
def test_fqop_selects_mac(servers, env_for, pki, psk, qop, length):
    srv = servers.python(gss_env(env_for, pki, psk, "psk", "server"), "--mech", "signet")
    rep = sspi_client(sspi_env(env_for, pki, psk, "psk", "client"), srv.port,
                      "--package", "Signet", "--proto", "ext", "--count", "1",
                      "--qop", str(qop))
    peer = srv.finish()
    assert rep["ok"] and peer["ok"], (rep, peer)
    assert peer["messages"][0]["qop"] == qop
    assert peer["messages"][0]["mic_len"] == length


def test_buffer_mapping_against_gss_verify(servers, env_for, pki, psk):
    """{DATA, DATA|READONLY, DATA|READONLY_WITH_CHECKSUM, TOKEN}: the MIC
    covers the first two in order and skips the third, so gss_verify_mic
    over the message verifies it."""
    srv = servers.python(gss_env(env_for, pki, psk, "psk", "server"), "--mech", "signet")
    rep = sspi_client(sspi_env(env_for, pki, psk, "psk", "client"), srv.port,
                      "--package", "Signet", "--proto", "ext", "--count", "2", "--split")
    peer = srv.finish()
    assert rep["ok"] and peer["ok"], (rep, peer)


def test_wide_entry_points_and_allocated_tokens(servers, env_for, pki, psk):
    srv = servers.sspi(sspi_env(env_for, pki, psk, "cert", "server"), "--package", "Signet",
                       "--alloc")
    rep = sspi_client(sspi_env(env_for, pki, psk, "cert", "client"), srv.port,
                      "--package", "Signet", "--proto", "ext", "--wide", "--alloc",
                      "--target", "host/localhost:4444")
    peer = srv.finish()
    assert rep["ok"] and peer["ok"], (rep, peer)
    assert rep["client"] == "x509:CN=alice" and rep["server"] == "host@localhost"
    assert rep["context_package"] == "Signet"
    # SECPKG_ATTR_SESSION_KEY: 32 bytes, the same at both ends
    assert rep["session_key"] and len(rep["session_key"]) == 64
    assert rep["session_key"] == peer["session_key"]
    assert rep["attrs"] & 0x100          # ISC_RET_ALLOCATED_MEMORY
    assert rep["signature_algorithm"] == "AES256-GMAC"


def test_wrong_host_certificate(servers, env_for, pki, psk):
    """A server certificate for another host: SEC_E_WRONG_PRINCIPAL."""
    env = env_for(None, SSPI_CA=pki.ca, SSPI_CERT=pki.wronghost, SSPI_KEY=pki.wronghost_key)
    srv = servers.sspi(env, "--package", "Signet")
    rep = sspi_client(sspi_env(env_for, pki, psk, "cert", "client"), srv.port,
                      "--package", "Signet")
    assert not rep["ok"]
    assert rep["stage"] == "initialize" and rep["status"] == "SEC_E_WRONG_PRINCIPAL", rep


def test_export_import_signet(servers, env_for, pki, psk):
    """The imported Signet context (a new instance, docs/tokens.md section
    10) keeps signing and verifying against the python peer."""
    srv = servers.python(gss_env(env_for, pki, psk, "psk", "server"), "--mech", "signet")
    rep = sspi_client(sspi_env(env_for, pki, psk, "psk", "client"), srv.port,
                      "--package", "Signet", "--proto", "ext", "--count", "3", "--export",
                      "--req", hex(ISC_REQ_REPLAY_DETECT | ISC_REQ_SEQUENCE_DETECT))
    peer = srv.finish()
    assert rep["ok"] and peer["ok"], (rep, peer)
    assert rep["exported_bytes"] > 0
