"""Hardening (issue 7): each defect reproduced through real programs -
python-gssapi in separate processes, MIT's gss-server/gss-client - and the
rule that now holds (docs/tokens.md, docs/protocol.md, docs/names.md,
docs/configuration.md).  Majors are compared exactly, minors by text."""

import datetime
import json
import os
import shutil
import subprocess
import textwrap

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from conftest import (GSS_S_BAD_NAME, GSS_S_COMPLETE, GSS_S_CONTEXT_EXPIRED,
                      GSS_S_DEFECTIVE_CREDENTIAL, GSS_S_DEFECTIVE_TOKEN,
                      GSS_S_DUPLICATE_TOKEN, GSS_S_FAILURE, GSS_S_NO_CRED,
                      GSS_S_UNAVAILABLE, PYTHON, SERVICE, TIMEOUT,
                      assert_gss_error, handshake, handshake_until_done,
                      py_env, run_client)

MSG = b"hardening".hex()
DATAGRAM = 0x10000


# ------------------------------------------------------------ 1. fork()

FORK_SCRIPT = textwrap.dedent(r'''
    import json, os, sys
    import gssapi, gssapi.raw as gr

    OID = gssapi.OID.from_int_seq("2.25.3215548014888410103")
    F = gr.RequirementFlag
    FLAGS = (F.mutual_authentication | F.replay_detection |
             F.out_of_sequence_detection | F.confidentiality | F.integrity)

    ic = gr.acquire_cred_from({b"psk_file": sys.argv[1].encode()}, mechs=[OID],
                              usage="initiate").creds
    ac = gr.acquire_cred_from({b"psk_file": sys.argv[2].encode()}, mechs=[OID],
                              usage="accept").creds
    target = gr.import_name(b"host@localhost", gssapi.NameType.hostbased_service)
    ictx = actx = tok = None
    while True:
        r = gr.init_sec_context(target, creds=ic, context=ictx, mech=OID,
                                flags=FLAGS, input_token=tok)
        ictx = r.context
        if not r.token:
            break
        a = gr.accept_sec_context(r.token, acceptor_creds=ac, context=actx)
        actx, tok = a.context, a.token
        if not tok and not r.more_steps:
            break

    def make(n, tag):
        out = []
        for i in range(n):
            m = b"%s %d" % (tag, i)
            out.append(["mic", m.hex(), gr.get_mic(ictx, m).hex()])
            out.append(["wrap", m.hex(), gr.wrap(ictx, m, True).message.hex()])
            out.append(["wrap", m.hex(), gr.wrap(ictx, m, False).message.hex()])
        return out

    tokens = make(3, b"before")
    rd, wr = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(rd)
        try:
            data = json.dumps(make(20, b"child")).encode()
        except Exception as exc:
            data = json.dumps({"error": str(exc)}).encode()
        os.write(wr, data)
        os._exit(0)
    os.close(wr)
    chunks = []
    while True:
        c = os.read(rd, 65536)
        if not c:
            break
        chunks.append(c)
    _, status = os.waitpid(pid, 0)
    child = json.loads(b"".join(chunks))
    if isinstance(child, dict):
        print(json.dumps({"child_error": child["error"]}))
        sys.exit(1)
    tokens += child + make(20, b"parent")

    bad = 0
    for kind, m, t in tokens:
        m, t = bytes.fromhex(m), bytes.fromhex(t)
        try:
            if kind == "mic":
                gr.verify_mic(actx, m, t)
            elif gr.unwrap(actx, t).message != m:
                bad += 1
        except gr.GSSError as e:
            # both processes continue one sequence: duplicates are expected,
            # a routine error is not
            if e.maj_code & 0xFFFF0000:
                bad += 1
    nonces = [bytes.fromhex(t)[12:24] for _, _, t in tokens]
    print(json.dumps({"tokens": len(tokens), "distinct": len(set(nonces)),
                      "bad": bad, "child_status": status, "child": len(child)}))
''')


def test_fork_after_establishment_python(psk, env_for, tmp_path):
    """os.fork() after establishment; parent and child both sign and wrap
    (sealed and not): every token verifies on the peer and no nonce is ever
    used twice (the child's copy becomes a new instance)."""
    script = tmp_path / "fork.py"
    script.write_text(FORK_SCRIPT)
    proc = subprocess.run([PYTHON, str(script), str(psk.client_alice), str(psk.server)],
                          env=py_env(env_for(None)), capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["child_status"] == 0 and report["child"] == 60, report
    assert report["bad"] == 0, report
    assert report["distinct"] == report["tokens"] == 129, report


# --------------------------------------------- 2., 3. configuration file

def _conf(tmp_path, text, name="signet.conf"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_config_typo_is_an_error_not_a_hang(psk, env_for, gss_server, tmp_path):
    """A line without '=' (with tracing on, which once deadlocked): gss-client
    fails at once, naming the file and line, in gss_display_status and the
    trace; nothing is silently ignored."""
    srv = gss_server(env_for({"psk_file": psk.server}))
    conf = _conf(tmp_path, "# Signet\nallow_anonymous yes\n")
    trace = tmp_path / "trace"
    env = env_for({"psk_file": psk.client_alice}, SIGNET_CONFIG=conf,
                  SIGNET_TRACE=trace)
    client = run_client(env, srv.port, timeout=30)
    srv.close()
    want = "%s:2: expected 'key = value'" % conf
    assert client.returncode == 1, client.stdout
    assert want in client.stdout, client.stdout
    assert want in trace.read_text(), trace.read_text()


def test_acceptor_with_config_typo_gets_no_credentials(psk, env_for, peers, tmp_path):
    conf = _conf(tmp_path, "psk_file = %s\nqop_default aes256-gmac\n" % psk.server)
    acc = peers(env_for(None, SIGNET_CONFIG=conf), "acceptor")
    ans = acc.call("acquire", usage="accept")
    assert_gss_error(ans, GSS_S_NO_CRED, "%s:2: expected 'key = value'" % conf,
                     what="acceptor credentials")


@pytest.mark.parametrize("text,error", [
    ("#" + "x" * 5000 + "allow_anonymous = yes\n", ":1: line is longer than 4096 bytes"),
    ("allow_anonymous = yes\nallow_anonymous = no\n", ":2: allow_anonymous is set twice"),
    ("allow_anonymus = yes\n", ":1: unknown setting 'allow_anonymus'"),
    ("allow_anonymous = sometimes\n", ":1: allow_anonymous 'sometimes' is not yes/no"),
    ("".join("# comment %d\n" % i for i in range(100)) + "replay_window = 100\n",
     ":101: replay_window '100' is not a power of two"),
], ids=["long-comment", "duplicate", "unknown-key", "bad-boolean", "bad-window"])
def test_malformed_configuration(text, error, pki, env_for, peers, tmp_path):
    """Every malformed line is an error naming the file and line: a long
    comment is never split into a live setting, a key appears once, values
    are checked."""
    conf = _conf(tmp_path, text)
    ini = peers(env_for({"ca_file": pki.ca}, SIGNET_CONFIG=conf), "initiator")
    ans = ini.call("init", target=SERVICE, new=True)
    assert_gss_error(ans, GSS_S_NO_CRED, str(conf) + error, what="init")


def test_hash_inside_a_value(pki, env_for, peers, tmp_path):
    """'#' only starts a comment at the start of a line: a PKCS#12 password
    's3cr#t' is read whole."""
    key = serialization.load_pem_private_key(pki.server_key.read_bytes(), None)
    cert = x509.load_pem_x509_certificate(pki.server.read_bytes())
    p12 = tmp_path / "server.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"localhost", key, cert, [pki.ca_cert],
        serialization.BestAvailableEncryption(b"s3cr#t")))
    conf = _conf(tmp_path, "# server\ncertificate = %s\npkcs12_password = s3cr#t\n"
                 "ca_file = %s\n" % (p12, pki.ca))
    acc = peers(env_for(None, SIGNET_CONFIG=conf), "acceptor")
    ini = peers(env_for(pki.client_settings()), "initiator")
    hs = handshake_until_done(ini, acc)
    assert hs.acc["initiator"] == "x509:CN=alice"


def test_configuration_writable_by_others_is_refused(psk, env_for, peers, tmp_path):
    conf = _conf(tmp_path, "psk_file = %s\n" % psk.client_alice)
    os.chmod(conf, 0o666)
    ini = peers(env_for(None, SIGNET_CONFIG=conf), "initiator")
    ans = ini.call("init", target=SERVICE, new=True)
    assert_gss_error(ans, GSS_S_NO_CRED, "is writable by others", what="init")


def test_configuration_fifo_does_not_hang(psk, env_for, peers, tmp_path):
    fifo = tmp_path / "fifo.conf"
    os.mkfifo(fifo)
    ini = peers(env_for({"psk_file": psk.client_alice}, SIGNET_CONFIG=fifo),
                "initiator")
    ans = ini.call("init", target=SERVICE, new=True)
    assert_gss_error(ans, GSS_S_NO_CRED, "is not a regular file", what="init")


# ------------------------------- 4. unauthenticated ERROR tokens after setup

def _error_token(from_acceptor, text=b"go away"):
    return (bytes([1, 2, 1 if from_acceptor else 0]) +
            (GSS_S_FAILURE).to_bytes(4, "big") + (0).to_bytes(4, "big") +
            len(text).to_bytes(2, "big") + text)


def test_error_token_cannot_end_an_established_context(psk, env_for, peers):
    ini = peers(env_for({"psk_file": psk.client_alice}), "initiator")
    acc = peers(env_for({"psk_file": psk.server}), "acceptor")
    handshake_until_done(ini, acc)
    for side, peer_is_acceptor in ((ini, True), (acc, False)):
        ans = side.call("process_token", token=_error_token(peer_is_acceptor).hex())
        assert_gss_error(ans, GSS_S_DEFECTIVE_TOKEN,
                         "an unauthenticated error token cannot end it",
                         what="process_context_token after establishment")
    mic = ini.ok("get_mic", msg=MSG)["mic"]
    acc.ok("verify_mic", msg=MSG, mic=mic)
    w = acc.ok("wrap", msg=MSG)["token"]
    assert ini.ok("unwrap", token=w)["msg"] == MSG


def test_error_token_during_establishment_still_fails_it(psk, env_for, peers):
    ini = peers(env_for({"psk_file": psk.client_alice}), "initiator")
    ini.ok("init", target=SERVICE, new=True)
    ini.ok("process_token", token=_error_token(True).hex())
    ans = ini.call("init", token=_error_token(True, b"x").hex())
    assert not ans["ok"], ans


# --------------------------------------------- 6., 7. target and acceptor names

def test_psk_target_name_is_refused(psk, env_for, peers):
    ini = peers(env_for({"psk_file": psk.client_alice}), "initiator")
    ans = ini.call("init", target="psk:alice", target_type="signet", new=True)
    assert_gss_error(ans, GSS_S_BAD_NAME, "authenticates initiators, not an acceptor",
                     what="psk: target")


def test_certificate_target_needs_a_certificate(psk, env_for, peers):
    """x509: and user targets name a certificate: a PSK acceptor cannot
    satisfy them (before, any PSK handshake passed every check)."""
    acc = peers(env_for({"psk_file": psk.server}), "acceptor")
    ini = peers(env_for({"psk_file": psk.client_alice}), "initiator")
    for target, ttype in (("x509:CN=localhost", "signet"), ("localhost", "user")):
        hs = handshake(ini, acc, target=target, init_kw={"target_type": ttype})
        assert not hs.ok
        side, ans = hs.failed
        assert side == "init", (side, ans)
        assert_gss_error(ans, GSS_S_DEFECTIVE_CREDENTIAL,
                         "authenticated with a pre-shared key, not with a "
                         "certificate", what=target)


def test_acceptor_reports_what_it_authenticated(pki, env_for, peers):
    """A certificate acceptor without a host-based credential name reports
    the initiator's target only when its certificate is valid for that
    host; PSK acceptors report the key's identity."""
    acc = peers(env_for(pki.server_settings()), "acceptor")
    ini = peers(env_for(pki.client_settings()), "initiator")
    handshake_until_done(ini, acc, target="ldap@localhost")
    assert acc.ok("inquire")["target"] == "ldap@localhost"
    # the IP address in the certificate
    handshake_until_done(ini, acc, target="host@127.0.0.1")
    assert acc.ok("inquire")["target"] == "host@127.0.0.1"


# --------------------------- 8. no local detail for unauthenticated peers

def test_error_tokens_carry_no_local_detail(psk, env_for, peers, tmp_path):
    """The acceptor cannot read its PSK file: the initiator learns that the
    acceptor failed, not its file paths or errno texts."""
    secret_dir = tmp_path / "very-secret-directory"
    acc = peers(env_for({"psk_file": secret_dir / "keys.psk"}), "acceptor")
    ini = peers(env_for({"psk_file": psk.client_alice}), "initiator")
    hs = handshake(ini, acc)
    assert not hs.ok
    side, ans = hs.failed
    assert side == "acc" and "very-secret-directory" in ans["minor_text"], ans
    assert hs.peer_failed, "no error token reached the initiator"
    text = hs.peer_failed[1]["minor_text"]
    assert "could not complete the handshake" in text, text
    for leak in ("very-secret-directory", "keys.psk", "No such file", "/"):
        assert leak not in text, text


# ---------------------------------- 9. the receive window never wraps

def test_replay_after_number_2_64_minus_1(psk, env_for, peers):
    """Datagram context: a token numbered 2^64-1 must not wrap the window
    and re-admit a replayed token."""
    flags = 2 | 4 | 8 | 16 | 32 | DATAGRAM
    ini = peers(env_for({"psk_file": psk.client_alice}), "initiator")
    acc = peers(env_for({"psk_file": psk.server}), "acceptor")
    handshake_until_done(ini, acc, flags=flags)
    mics = {}
    for seq in (0, 1, 2**64 - 1):
        mics[seq] = ini.ok("get_mic_iov", msg=MSG, seq=seq)["mic"]
        ans = acc.call("verify_mic_iov", msg=MSG, mic=mics[seq], seq=seq)
        assert ans["ok"] or not (ans["major"] & 0xFFFF0000), ans
    ans = acc.call("verify_mic_iov", msg=MSG, mic=mics[0], seq=0)
    assert_gss_error(ans, GSS_S_DUPLICATE_TOKEN, what="replay of token 0")
    ans = acc.call("verify_mic_iov", msg=MSG, mic=mics[2**64 - 1], seq=2**64 - 1)
    assert_gss_error(ans, GSS_S_DUPLICATE_TOKEN, what="replay of token 2^64-1")


# -------------------------------------------- 10. rekey_limit and import

def test_export_imported_once_per_process_with_rekey_limit(psk, env_for, peers):
    env = env_for({"psk_file": psk.server, "rekey_limit": 1000})
    acc = peers(env, "acceptor")
    ini = peers(env_for({"psk_file": psk.client_alice}), "initiator")
    handshake_until_done(ini, acc)
    token = acc.ok("export")["token"]
    other = peers(env, "importer")
    other.ok("import", token=token, ctx="one")
    ans = other.call("import", token=token, ctx="two")
    assert_gss_error(ans, GSS_S_UNAVAILABLE, "already imported in this process",
                     what="second import")
    other.ok("get_mic", msg=MSG, ctx="one")


# ----------------------------------------- 11. certificate names and logins

@pytest.fixture(scope="module")
def root_client(pki):
    return pki._leaf("root-client", "root", server=False)[:2]


@pytest.mark.parametrize("settings,account", [
    ({}, None),
    ({"x509_localname": "cn"}, "root"),
    ({"x509_localname": "cn", "x509_localname_issuer": "ca2"}, None),
    ({"x509_localname": "cn", "x509_localname_issuer": "ca"}, "root"),
    ({"x509_localname": "email"}, None),
])
def test_certificate_cn_is_not_a_login_by_default(settings, account, pki, root_client,
                                                  env_for, gss_server):
    """A certificate with CN=root from a trusted CA maps to the account root
    only when the administrator opts in (x509_localname), and then only for
    certificates of x509_localname_issuer when that is set."""
    settings = dict(settings)
    if "x509_localname_issuer" in settings:
        settings["x509_localname_issuer"] = getattr(pki, settings["x509_localname_issuer"])
    srv = gss_server(env_for(pki.server_settings(**settings)))
    cert, key = root_client
    client = run_client(env_for(pki.client_settings(cert=cert, key=key)), srv.port)
    rc, out, err = srv.finish()
    assert client.returncode == 0, client.stdout
    assert "x509:CN=root" in out, out
    if account is None:
        assert "localname:" not in out, out
    else:
        assert "localname: %s" % account in out, out


# ---------------------------------------------- 12. RFC 6125 host checks

@pytest.mark.parametrize("stem,dns,target,ok", [
    ("cn-only", [], "host@localhost", False),           # no CN fallback
    ("partial-wildcard", ["w*.example.com"], "host@www.example.com", False),
    ("wildcard", ["*.example.com"], "host@www.example.com", True),
])
def test_host_checks_follow_rfc6125(stem, dns, target, ok, pki, env_for, peers):
    cert, key, _, _ = pki._leaf(stem, target.split("@")[1], server=True, dns=dns,
                                ips=[])
    acc = peers(env_for(pki.server_settings(cert=cert, key=key)), "acceptor")
    ini = peers(env_for(pki.client_settings()), "initiator")
    hs = handshake(ini, acc, target=target)
    if ok:
        assert hs.ok, hs.failed
    else:
        assert not hs.ok
        side, ans = hs.failed
        assert side == "init", (side, ans)
        assert_gss_error(ans, GSS_S_DEFECTIVE_CREDENTIAL, "does not match target host",
                         what=stem)


# ------------------------------------------ 14. CRL signatures are checked

def _forged_crl(pki, serial):
    """A CRL with the real CA's name, signed by another CA's key."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return (x509.CertificateRevocationListBuilder()
            .issuer_name(pki.ca_cert.subject)
            .last_update(now - datetime.timedelta(minutes=5))
            .next_update(now + datetime.timedelta(days=1))
            .add_extension(x509.CRLNumber(99), critical=False)
            .add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial)
                .revocation_date(now - datetime.timedelta(minutes=1)).build())
            .sign(pki.ca2_keyobj, hashes.SHA256())
            .public_bytes(serialization.Encoding.PEM))


def test_reloaded_crl_signature_is_verified(pki, env_for, peers, tmp_path):
    from test_lifetime import _crl, _serial
    crl = tmp_path / "live.crl.pem"
    crl.write_bytes(_crl(pki, [], 10))
    acc = peers(env_for(pki.server_settings(crl_file=crl, crl_check_interval=0)),
                "acceptor")
    ini = peers(env_for(pki.client_settings()), "initiator")
    handshake_until_done(ini, acc)
    serial = _serial(pki.client)
    new = tmp_path / "forged.pem"
    new.write_bytes(_forged_crl(pki, serial))
    shutil.move(str(new), str(crl))
    mic = ini.ok("get_mic", msg=MSG)["mic"]
    acc.ok("verify_mic", msg=MSG, mic=mic)        # the forgery changes nothing
    new.write_bytes(_crl(pki, [serial], 11))
    shutil.move(str(new), str(crl))
    mic = ini.ok("get_mic", msg=MSG)["mic"]
    ans = acc.call("verify_mic", msg=MSG, mic=mic)
    assert_gss_error(ans, GSS_S_CONTEXT_EXPIRED, "revalidated", what="signed CRL")
