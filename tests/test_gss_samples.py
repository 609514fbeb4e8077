"""MIT's gss-server and gss-client (krb5-gss-samples) over loopback with Signet.

gss-server acquires default acceptor credentials (no -mech option: it picks
the mechanism from the first token), gss-client names Signet with
-mech '{2.25.3215548014888410103}' or negotiates it with -spnego.  Each
process gets its own SIGNET_* environment.  The sample exchange is: context
tokens, client gss_wrap(conf) -> server gss_unwrap + gss_get_mic -> client
gss_verify_mic ("Signature verified.").
"""

import re
import time

import pytest

from conftest import (SERVICE, SIGNET_OID, run_client, sample_errors, tidy)

OID_SPACED = SIGNET_OID.replace(".", " ")   # gss_oid_to_str: "{ 2 25 ... }"


def check_success(client, server_out, peer_name, message="hello signet"):
    cout = tidy(client.stdout + client.stderr)
    sout = tidy(server_out)
    assert client.returncode == 0, cout + "\n--- server:\n" + sout
    assert "Signature verified." in client.stdout, cout
    assert not sample_errors(client.stdout + client.stderr), cout
    assert 'Accepted connection: "%s"' % peer_name in server_out, sout
    assert 'Received message: "%s"' % message in server_out, sout
    assert not sample_errors(server_out), sout


def client_context_line(stdout):
    m = re.search(r'"(.*)" to "(.*)", lifetime (-?\d+), flags ([0-9a-f]+), '
                  r'(locally|remotely) initiated, (open|closed)', stdout)
    assert m, stdout
    return m.group(1), m.group(2), int(m.group(3)), int(m.group(4), 16), \
        m.group(5), m.group(6)


def test_certificate_mode(pki, env_for, gss_server):
    srv = gss_server(env_for(pki.server_settings()), ["-verbose"])
    client = run_client(env_for(pki.client_settings()), srv.port)
    rc, out, err = srv.finish()
    check_success(client, out, "x509:CN=alice")
    # -verbose: the acceptor names the mechanism it accepted with
    assert "Accepted connection using mechanism OID { %s }." % OID_SPACED in out, out
    # gss-client is verbose by default: inquire_context of the initiator
    src, targ, lifetime, flags, local, state = client_context_line(client.stdout)
    assert src == "x509:CN=alice"
    assert targ == SERVICE
    assert local == "locally" and state == "open"
    assert lifetime > 0
    assert flags & 0x2 and flags & 0x4, hex(flags)        # mutual, replay
    assert not flags & 0x1                               # never delegation
    assert "context flag: GSS_C_MUTUAL_FLAG" in client.stdout
    assert "Mechanism { %s } supports" % OID_SPACED in client.stdout


def test_psk_mode(psk, env_for, gss_server):
    srv = gss_server(env_for({"psk_file": psk.server}), ["-verbose"])
    client = run_client(env_for({"psk_file": psk.client_alice}), srv.port,
                        msg="psk message")
    rc, out, err = srv.finish()
    check_success(client, out, "psk:alice", "psk message")
    src, targ, *_ = client_context_line(client.stdout)
    assert src == "psk:alice"
    assert targ == SERVICE


def test_psk_identity_selects_key(psk, env_for, gss_server):
    """psk_identity picks a key other than the file's first entry."""
    srv = gss_server(env_for({"psk_file": psk.server}))
    client = run_client(env_for({"psk_file": psk.server, "psk_identity": "bob"}),
                        srv.port)
    rc, out, err = srv.finish()
    check_success(client, out, "psk:bob")


def test_server_export_import(pki, env_for, gss_server):
    """gss-server -export: three export/import round trips before use."""
    srv = gss_server(env_for(pki.server_settings()), ["-export", "-verbose"])
    client = run_client(env_for(pki.client_settings()), srv.port)
    rc, out, err = srv.finish()
    check_success(client, out, "x509:CN=alice")
    assert len(re.findall(r"Exported context: \d+ bytes", out)) == 3, out
    assert len(re.findall(r"Importing context:", out)) == 3, out


def test_server_export_psk(psk, env_for, gss_server):
    srv = gss_server(env_for({"psk_file": psk.server}), ["-export"])
    client = run_client(env_for({"psk_file": psk.client_bob}), srv.port)
    rc, out, err = srv.finish()
    check_success(client, out, "psk:bob")


@pytest.mark.parametrize("mode", ["cert", "psk"])
def test_spnego_negotiates_signet(mode, pki, psk, env_for, gss_server):
    """gss-client -spnego with only Signet credentials (no ccache, no keytab,
    no KDC): SPNEGO must pick Signet on both sides."""
    if mode == "cert":
        senv, cenv, name = pki.server_settings(), pki.client_settings(), "x509:CN=alice"
    else:
        senv, cenv, name = {"psk_file": psk.server}, {"psk_file": psk.client_alice}, "psk:alice"
    srv = gss_server(env_for(senv), ["-verbose"])
    client = run_client(env_for(cenv), srv.port, ["-spnego"], mech=False)
    rc, out, err = srv.finish()
    check_success(client, out, name)
    # the acceptor reports the negotiated mechanism, not SPNEGO
    assert "Accepted connection using mechanism OID { %s }." % OID_SPACED in out, out


def test_spnego_with_neg_mechs(psk, env_for, gss_server):
    """gss-client -spnego -mech signet -user alice: gss-client acquires a
    SPNEGO credential for the user name and restricts it to Signet with
    gss_set_neg_mechs (gss-client calls gss_set_neg_mechs only on a credential
    it acquired, hence -user)."""
    srv = gss_server(env_for({"psk_file": psk.server}))
    client = run_client(env_for({"psk_file": psk.client_alice}), srv.port,
                        ["-spnego", "-user", "alice"])
    rc, out, err = srv.finish()
    check_success(client, out, "psk:alice")


def test_logfile_and_options(pki, env_for, gss_server, workdir):
    """-logfile takes the server's log; client -seq -nomutual -mcount."""
    log = workdir / "gss-server-options.log"
    srv = gss_server(env_for(pki.server_settings()),
                     ["-verbose", "-logfile", str(log)])
    client = run_client(env_for(pki.client_settings()), srv.port,
                        ["-seq", "-nomutual", "-mcount", "4"])
    rc, out, err = srv.finish()
    logtext = log.read_text()
    assert client.returncode == 0, client.stdout + client.stderr
    assert client.stdout.count("Signature verified.") == 4, client.stdout
    assert 'Accepted connection: "x509:CN=alice"' in out      # printf -> stdout
    assert logtext.count('Received message: "hello signet"') == 4, logtext
    assert "Sending accept_sec_context token" in logtext
    assert not sample_errors(logtext), tidy(logtext)
    # mutual authentication is always provided; sequence was requested
    _, _, _, flags, _, _ = client_context_line(client.stdout)
    assert flags & 0x2 and flags & 0x8, hex(flags)
    assert "context flag: GSS_C_SEQUENCE_FLAG" in client.stdout


@pytest.mark.parametrize("opts", [["-nx"], ["-nw"], ["-nm"], ["-nx", "-nm"]])
def test_client_message_options(opts, psk, env_for, gss_server):
    """-nx: wrap without confidentiality; -nw: plain message; -nm: no MIC."""
    srv = gss_server(env_for({"psk_file": psk.server}))
    client = run_client(env_for({"psk_file": psk.client_alice}), srv.port, opts)
    rc, out, err = srv.finish()
    assert client.returncode == 0, client.stdout + client.stderr
    assert 'Accepted connection: "psk:alice"' in out, out
    assert 'Received message: "hello signet"' in out, out
    assert not sample_errors(out + client.stdout), tidy(out + client.stdout)
    assert "Warning!  Message not encrypted." not in out + client.stderr
    if "-nm" in opts:
        assert "Response received." in client.stdout
    else:
        assert "Signature verified." in client.stdout


def test_many_contexts_one_server(psk, env_for, gss_server, workdir):
    """-ccount 3 against a server that stays up (no -once): three contexts."""
    log = workdir / "gss-server-ccount.log"
    srv = gss_server(env_for({"psk_file": psk.server}),
                     ["-logfile", str(log)], once=False)
    client = run_client(env_for({"psk_file": psk.client_alice}), srv.port,
                        ["-ccount", "3"])
    assert client.returncode == 0, client.stdout + client.stderr
    assert client.stdout.count("Signature verified.") == 3
    # the server flushes its log after each connection; wait for the third
    deadline = time.monotonic() + 30
    while (log.read_text().count('Received message: "hello signet"') < 3
           and time.monotonic() < deadline and srv.proc.poll() is None):
        time.sleep(0.05)
    assert log.read_text().count('Received message: "hello signet"') == 3
    assert not sample_errors(log.read_text()), tidy(log.read_text())
    srv.close()                      # without -once it would run on


def test_large_message_file(pki, env_for, gss_server, workdir):
    """-f: a 200 kB message wrapped and signed in one token."""
    data = workdir / "large-message.txt"
    data.write_text("signet large message\n" + "x" * 200000)
    srv = gss_server(env_for(pki.server_settings()))
    client = run_client(env_for(pki.client_settings()), srv.port, ["-f"],
                        msg=str(data))
    rc, out, err = srv.finish()
    assert client.returncode == 0, client.stdout + client.stderr
    assert "Signature verified." in client.stdout
    assert not sample_errors(out), tidy(out)


def test_server_shows_no_name_errors(pki, env_for, gss_server):
    """gss-server calls gss_inquire_name (attributes) and gss_localname on the
    client name: a mechanism without name attributes should answer
    gss_inquire_name with no attributes, not an error."""
    srv = gss_server(env_for(pki.server_settings()))
    client = run_client(env_for(pki.client_settings()), srv.port)
    rc, out, err = srv.finish()
    assert client.returncode == 0
    assert not sample_errors(out, allow=()), tidy(out)
