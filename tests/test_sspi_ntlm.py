"""SSPI over NTLM (gss-ntlmssp, with an NTLM_USER_FILE) and Negotiate
falling back to NTLM, against python3-gssapi peers over TCP.

Needs gss-ntlmssp (a skip naming it outside CI, a failure in CI).  NTLM's MIC is over the
concatenated message; gss-ntlmssp has no IOV MIC functions, so the bridge
concatenates the DATA buffers and uses gss_get_mic/gss_verify_mic.
"""

import os
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "compat"))

from conftest import require_file  # noqa: E402
from sspi_harness import NTLM_LINE, Servers, py_client, sspi_client  # noqa: E402

NTLM_SO = NTLM_LINE.split()[2]
USER, DOMAIN, PASSWORD = "bob", "TESTDOM", "bob-password"


@pytest.fixture(autouse=True)
def gss_ntlmssp():
    require_file(NTLM_SO, "gss-ntlmssp")


@pytest.fixture
def servers():
    s = Servers()
    yield s
    s.close()


@pytest.fixture(scope="module")
def ntlm_files(tmp_path_factory, mech_config):
    d = tmp_path_factory.mktemp("ntlm")
    conf = d / "mech.conf"
    conf.write_text(mech_config.read_text() + NTLM_LINE + "\n")
    users = d / "users"
    users.write_text("%s:%s:%s\n" % (DOMAIN, USER, PASSWORD))
    return conf, users


@pytest.fixture
def nenv(env_for, ntlm_files, tmp_path):
    conf, users = ntlm_files
    more = {}
    lsan = os.environ.get("LSAN_OPTIONS")
    if lsan:
        # tests/lsan.supp plus gss-ntlmssp's one-time allocations
        here = Path(__file__).resolve().parent
        supp = tmp_path / "lsan.supp"
        supp.write_text((here / "lsan.supp").read_text() +
                        (here / "compat" / "lsan-ntlm.supp").read_text())
        more["LSAN_OPTIONS"] = re.sub(r"(^|:)suppressions=[^:]*",
                                      r"\g<1>suppressions=%s" % supp, lsan)

    def make(**extra):
        return env_for(None, GSS_MECH_CONFIG=conf, NTLM_USER_FILE=users, **more, **extra)
    return make


def identity(password=PASSWORD):
    return {"SSPI_USER": USER, "SSPI_DOMAIN": DOMAIN, "SSPI_PASSWORD": password}


@pytest.mark.parametrize("package,mech", [("NTLM", "ntlm"), ("Negotiate", "spnego")])
def test_sspi_client_python_server(servers, nenv, package, mech):
    srv = servers.python(nenv(), "--mech", mech)
    rep = sspi_client(nenv(**identity()), srv.port, "--package", package, "--proto", "ext",
                      "--count", "3", "--split", "--req", hex(0x4 | 0x8))
    peer = srv.finish()
    assert rep["ok"], rep
    assert peer["ok"], peer
    assert rep["client"] == "%s\\%s" % (DOMAIN, USER)
    assert rep["max_signature"] == 16
    assert all(m["mic_len"] == 16 for m in peer["messages"])
    assert peer["context"]["mech"] == "1.3.6.1.4.1.311.2.2.10"


@pytest.mark.parametrize("package,mech", [("NTLM", "ntlm"), ("Negotiate", "spnego")])
def test_python_client_sspi_server(servers, nenv, package, mech):
    srv = servers.sspi(nenv(), "--package", package)
    rep = py_client(nenv(NTLMUSER=USER), srv.port, "--mech", mech, "--count", "3")
    peer = srv.finish()
    assert rep["ok"], rep
    assert peer["ok"], peer
    assert peer["client"] == "%s\\%s" % (DOMAIN, USER)
    assert peer["max_signature"] == 16


def test_sspi_to_sspi(servers, nenv):
    srv = servers.sspi(nenv(), "--package", "NTLM", "--wide")
    rep = sspi_client(nenv(**identity()), srv.port, "--package", "NTLM", "--proto", "ext",
                      "--count", "4", "--wide")
    peer = srv.finish()
    assert rep["ok"] and peer["ok"], (rep, peer)


def test_wrong_password(servers, nenv):
    srv = servers.sspi(nenv(), "--package", "NTLM")
    rep = sspi_client(nenv(**identity("wrong")), srv.port, "--package", "NTLM")
    peer = srv.finish()
    assert not peer["ok"] and peer["stage"] == "accept", peer
    assert peer["status"] == "SEC_E_LOGON_DENIED", peer
    assert not rep["ok"]
