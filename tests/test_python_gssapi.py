"""python3-gssapi peers (tests/peer.py) in separate processes, among themselves
and against MIT's sample programs."""

import pytest

from conftest import (ANON, CONF, DEFAULT_FLAGS, DELEG, INTEG, MUTUAL, REPLAY,
                      SEQUENCE, SERVICE, SIGNET_OID, GSS_S_BAD_SIG,
                      GSS_S_DUPLICATE_TOKEN, assert_gss_error,
                      handshake_until_done, run_client, run_peer_client,
                      sample_errors, tidy)

MSG = "signed across processes".encode().hex()
MA = "1.3.6.1.5.5.13."
MA_NAMES = {
    "CONCRETE": 1, "MECH_NEGO": 4, "DEPRECATED": 7, "NOT_DFLT_MECH": 8,
    "AUTH_INIT": 10, "AUTH_TARG": 11, "AUTH_INIT_ANON": 14, "DELEG_CRED": 16,
    "INTEG_PROT": 17, "CONF_PROT": 18, "MIC": 19, "WRAP": 20,
    "REPLAY_DET": 22, "OOS_DET": 23, "CBINDINGS": 24, "CTX_TRANS": 27,
}
NT_HOSTBASED = "1.2.840.113554.1.2.1.4"
NT_SIGNET_PEER = SIGNET_OID + ".1"


def ma(name):
    return MA + str(MA_NAMES[name])


@pytest.fixture(params=["cert", "psk"])
def pair(request, pki, psk, env_for, peers):
    """(initiator peer, acceptor peer, expected initiator name) per mode."""
    if request.param == "cert":
        ini = peers(env_for(pki.client_settings()), "initiator")
        acc = peers(env_for(pki.server_settings()), "acceptor")
        return ini, acc, "x509:CN=alice"
    ini = peers(env_for({"psk_file": psk.client_alice}), "initiator")
    acc = peers(env_for({"psk_file": psk.server}), "acceptor")
    return ini, acc, "psk:alice"


def test_establish_and_inquire(pair):
    """Both sides name the initiator alike; the acceptor reports what it
    authenticated as: the certificate valid for the target host, or (PSK)
    the pre-shared key's identity (docs/names.md)."""
    ini, acc, name = pair
    hs = handshake_until_done(ini, acc)
    assert len(hs.tokens) == 4, [len(t) for t in hs.tokens]
    assert hs.tokens[0][0] == 0x60, "first token lacks the RFC 2743 header"
    assert hs.acc["initiator"] == name
    assert hs.acc["mech"] == SIGNET_OID and hs.init["mech"] == SIGNET_OID

    i = ini.ok("inquire")
    a = acc.ok("inquire")
    for info, local in ((i, True), (a, False)):
        side = "initiator" if local else "acceptor"
        assert info["initiator"] == name, (side, info)
        expect = SERVICE if local or name.startswith("x509:") else name
        assert info["target"] == expect, (side, info)
        assert info["mech"] == SIGNET_OID
        assert info["locally_initiated"] is local
        assert info["complete"] is True
        # None: GSS_C_INDEFINITE (PSK contexts have no certificate expiry)
        assert info["lifetime"] is None or info["lifetime"] > 0, info
        wanted = MUTUAL | REPLAY | SEQUENCE | CONF | INTEG
        assert info["flags"] & wanted == wanted, hex(info["flags"])
        assert not info["flags"] & (DELEG | ANON), hex(info["flags"])


def test_mic_and_wrap_both_directions(pair):
    ini, acc, _ = pair
    handshake_until_done(ini, acc)
    for signer, verifier in ((ini, acc), (acc, ini)):
        for n in range(3):
            msg = ("message %d from %s" % (n, signer.label)).encode().hex()
            mic = signer.ok("get_mic", msg=msg)["mic"]
            # qop_state: the QOP applied (Signet reports the MAC used)
            assert verifier.ok("verify_mic", msg=msg, mic=mic)["qop"] in range(5)
        for conf in (True, False):
            msg = ("wrapped conf=%s by %s" % (conf, signer.label)).encode().hex()
            w = signer.ok("wrap", msg=msg, conf=conf)
            assert w["conf"] is conf
            if conf:
                assert msg not in w["token"], "plaintext visible in a conf token"
            u = verifier.ok("unwrap", token=w["token"])
            assert u["msg"] == msg and u["conf"] is conf
    # empty message
    mic = ini.ok("get_mic", msg="")["mic"]
    acc.ok("verify_mic", msg="", mic=mic)


def test_tampered_and_replayed_mic(pair):
    ini, acc, _ = pair
    handshake_until_done(ini, acc)
    mic = ini.ok("get_mic", msg=MSG)["mic"]
    bad = bytearray(bytes.fromhex(mic))
    bad[-1] ^= 0x01
    assert_gss_error(acc.call("verify_mic", msg=MSG, mic=bad.hex()),
                     GSS_S_BAD_SIG, what="flipped MAC bit")
    other = ("x" + "signed across processes"[1:]).encode().hex()
    assert_gss_error(acc.call("verify_mic", msg=other, mic=mic),
                     GSS_S_BAD_SIG, what="changed message")
    # the genuine token still verifies once (the failures changed nothing) ...
    acc.ok("verify_mic", msg=MSG, mic=mic)
    # ... and a second time is a replay (replay detection was requested)
    assert_gss_error(acc.call("verify_mic", msg=MSG, mic=mic),
                     GSS_S_DUPLICATE_TOKEN, what="replayed MIC")
    # the context still works
    mic2 = ini.ok("get_mic", msg=MSG)["mic"]
    acc.ok("verify_mic", msg=MSG, mic=mic2)


def test_tampered_wrap(pair):
    ini, acc, _ = pair
    handshake_until_done(ini, acc)
    w = ini.ok("wrap", msg=MSG, conf=True)["token"]
    bad = bytearray(bytes.fromhex(w))
    bad[len(bad) // 2] ^= 0x80
    assert_gss_error(acc.call("unwrap", token=bad.hex()), GSS_S_BAD_SIG,
                     what="tampered wrap token")
    assert acc.ok("unwrap", token=w)["msg"] == MSG


def test_own_token_is_not_accepted_back(pair):
    """A MIC made by one side does not verify on the same side
    (directional keys)."""
    ini, acc, _ = pair
    handshake_until_done(ini, acc)
    mic = ini.ok("get_mic", msg=MSG)["mic"]
    ans = ini.call("verify_mic", msg=MSG, mic=mic)
    assert not ans["ok"], "own MIC verified by its maker"


def test_channel_bindings_match(pki, env_for, peers):
    ini = peers(env_for(pki.client_settings()), "initiator")
    acc = peers(env_for(pki.server_settings()), "acceptor")
    hs = handshake_until_done(ini, acc, init_cb="tls-server-end-point:abc",
                              acc_cb="tls-server-end-point:abc")
    assert hs.acc["initiator"] == "x509:CN=alice"


def test_acceptor_without_bindings_accepts_initiator_bindings(pki, env_for, peers):
    """RFC 2743: an acceptor passing no bindings does not check them."""
    ini = peers(env_for(pki.client_settings()), "initiator")
    acc = peers(env_for(pki.server_settings()), "acceptor")
    handshake_until_done(ini, acc, init_cb="app-data", acc_cb=None)


def test_anonymous_initiator(pki, env_for, peers):
    ini = peers(env_for({"ca_file": pki.ca}), "anon-initiator")
    acc = peers(env_for(pki.server_settings(allow_anonymous="yes")), "acceptor")
    hs = handshake_until_done(ini, acc, flags=DEFAULT_FLAGS | ANON)
    assert hs.acc["initiator"] == "anonymous"
    assert hs.acc["flags"] & ANON
    a = acc.ok("inquire")
    assert a["initiator"] == "anonymous"
    assert a["flags"] & ANON
    i = ini.ok("inquire")
    assert i["flags"] & ANON
    assert i["target"] == SERVICE        # the acceptor is still authenticated
    mic = acc.ok("get_mic", msg=MSG)["mic"]
    ini.ok("verify_mic", msg=MSG, mic=mic)


def test_export_import_across_processes(pki, env_for, peers):
    """The acceptor context moves to another process and keeps working,
    with its replay state."""
    env = env_for(pki.server_settings())
    ini = peers(env_for(pki.client_settings()), "initiator")
    acc = peers(env, "acceptor")
    handshake_until_done(ini, acc)
    mic1 = ini.ok("get_mic", msg=MSG)["mic"]
    acc.ok("verify_mic", msg=MSG, mic=mic1)
    before = acc.ok("inquire")
    token = acc.ok("export")["token"]
    acc2 = peers(env, "acceptor-imported")
    acc2.ok("import", token=token)
    info = acc2.ok("inquire")
    for key in ("initiator", "target", "flags", "mech", "locally_initiated",
                "complete"):
        assert info[key] == before[key], (key, info, before)
    assert info["initiator"] == "x509:CN=alice"
    assert_gss_error(acc2.call("verify_mic", msg=MSG, mic=mic1),
                     GSS_S_DUPLICATE_TOKEN, what="replay after import")
    mic2 = ini.ok("get_mic", msg=MSG)["mic"]
    acc2.ok("verify_mic", msg=MSG, mic=mic2)
    w = acc2.ok("wrap", msg=MSG)["token"]
    assert ini.ok("unwrap", token=w)["msg"] == MSG
    # the initiator too
    tok = ini.ok("export")["token"]
    ini.ok("import", token=tok)
    w = ini.ok("wrap", msg=MSG)["token"]
    assert acc2.ok("unwrap", token=w)["msg"] == MSG


def test_corrupt_export_token_is_refused(pki, env_for, peers):
    env = env_for(pki.server_settings())
    ini = peers(env_for(pki.client_settings()), "initiator")
    acc = peers(env, "acceptor")
    handshake_until_done(ini, acc)
    token = bytes.fromhex(acc.ok("export")["token"])
    other = peers(env, "importer")
    # mechglue's prefix: a 4-byte OID length and the OID; then Signet's
    # magic (4 bytes) and version: flip the version
    version = 4 + int.from_bytes(token[:4], "big") + 4
    for bad in (token[: len(token) // 2], token[:-1], token + b"\0",
                token[:version] + bytes([token[version] ^ 0xff]) + token[version + 1:]):
        ans = other.call("import", token=bad.hex())
        assert not ans["ok"], "corrupt export token imported (len %d)" % len(bad)
    other.ok("import", token=token.hex())


def test_pseudo_random_equal(pair):
    ini, acc, _ = pair
    handshake_until_done(ini, acc)
    outs = {}
    for key in (0, 1):
        for length in (16, 32, 200):
            data = b"signet prf input".hex()
            a = ini.ok("prf", key=key, data=data, length=length)["out"]
            b = acc.ok("prf", key=key, data=data, length=length)["out"]
            assert a == b, "PRF differs (key %d, len %d)" % (key, length)
            assert len(bytes.fromhex(a)) == length
            outs[key, length] = a
    other = ini.ok("prf", key=0, data=b"other input".hex(), length=32)["out"]
    assert other != outs[0, 32]
    # PRF after messages: still the same (it does not depend on sequence state)
    mic = ini.ok("get_mic", msg=MSG)["mic"]
    acc.ok("verify_mic", msg=MSG, mic=mic)
    assert ini.ok("prf", key=0, data=b"signet prf input".hex(), length=32)["out"] \
        == outs[0, 32]


def test_pseudo_random_differs_between_contexts(psk, env_for, peers):
    ini = peers(env_for({"psk_file": psk.client_alice}), "initiator")
    acc = peers(env_for({"psk_file": psk.server}), "acceptor")
    handshake_until_done(ini, acc, ctx="one")
    handshake_until_done(ini, acc, ctx="two")
    a = ini.ok("prf", ctx="one", data="00", length=32)["out"]
    b = ini.ok("prf", ctx="two", data="00", length=32)["out"]
    assert a != b, "two handshakes produced the same PRF output"


def test_mech_attrs_and_saslname(env_for, peers):
    p = peers(env_for({}), "info")
    info = p.ok("mechinfo")
    assert SIGNET_OID in info["mechs"]
    assert info["sasl"]["sasl_mech_name"] == "GS2-SIGNET"
    assert info["sasl"]["mech_name"] == "signet"
    assert info["sasl"]["mech_description"], "empty mechanism description"
    assert info["mech_for_saslname"] == SIGNET_OID, info["mech_for_saslname"]
    attrs = set(info["attrs"])
    for name in ("CONCRETE", "AUTH_INIT", "AUTH_TARG", "AUTH_INIT_ANON",
                 "INTEG_PROT", "CONF_PROT", "MIC", "WRAP", "REPLAY_DET",
                 "OOS_DET", "CBINDINGS", "CTX_TRANS"):
        assert ma(name) in attrs, "missing GSS_C_MA_%s" % name
    # SPNEGO would skip Signet with these; there is no delegation
    for name in ("DEPRECATED", "NOT_DFLT_MECH", "MECH_NEGO", "DELEG_CRED"):
        assert ma(name) not in attrs, "unexpected GSS_C_MA_%s" % name
    assert attrs <= set(info["known_attrs"])
    assert NT_HOSTBASED in info["name_types"], info["name_types"]
    assert NT_SIGNET_PEER in info["name_types"], info["name_types"]


# --------------------------------------------- python <-> sample programs

@pytest.mark.parametrize("mode", ["cert", "psk"])
def test_python_initiator_to_gss_server(mode, pki, psk, env_for, gss_server):
    if mode == "cert":
        senv, cenv, name = pki.server_settings(), pki.client_settings(), "x509:CN=alice"
    else:
        senv, cenv, name = {"psk_file": psk.server}, {"psk_file": psk.client_alice}, "psk:alice"
    srv = gss_server(env_for(senv), ["-verbose"])
    rep = run_peer_client(env_for(cenv), srv.port, ["--count", "3"])
    rc, out, err = srv.finish()
    assert rep["ok"], rep
    assert len(rep["messages"]) == 3 and all(m["verified"] for m in rep["messages"])
    assert rep["context"]["initiator"] == name
    assert rep["context"]["target"] == SERVICE
    assert 'Accepted connection: "%s"' % name in out, out
    assert out.count('Received message: "hello from python"') == 3, out
    assert not sample_errors(out), tidy(out)


@pytest.mark.parametrize("mode", ["cert", "psk"])
def test_gss_client_to_python_acceptor(mode, pki, psk, env_for, peer_server):
    if mode == "cert":
        senv, cenv, name = pki.server_settings(), pki.client_settings(), "x509:CN=alice"
    else:
        senv, cenv, name = {"psk_file": psk.server}, {"psk_file": psk.client_bob}, "psk:bob"
    srv = peer_server(env_for(senv))
    client = run_client(env_for(cenv), srv.port, ["-seq", "-mcount", "2"])
    rep = srv.finish()
    assert client.returncode == 0, client.stdout + client.stderr
    assert client.stdout.count("Signature verified.") == 2
    assert rep["ok"], rep
    assert rep["initiator"] == name
    assert [m["text"] for m in rep["messages"]] == ["hello signet"] * 2
    assert all(m["encrypted"] for m in rep["messages"])
    assert rep["context"]["flags"] & SEQUENCE


def test_python_tcp_both_ways_with_prf(pki, env_for, peer_server):
    """python initiator and acceptor over TCP: wrap, MICs both ways, PRF."""
    srv = peer_server(env_for(pki.server_settings()), ["--prf"])
    rep = run_peer_client(env_for(pki.client_settings()), srv.port,
                          ["--ext", "--prf", "--msg", "over tcp"])
    srep = srv.finish()
    assert rep["ok"] and srep["ok"], (rep, srep)
    assert srep["ext_verified"] == "over tcp"
    assert rep["ext_reply"] == "verified:over tcp" and rep["ext_reply_encrypted"]
    assert rep["prf"] == srep["prf"] and len(rep["prf"]) == 64
    assert srep["legs"] == rep["legs"]


def test_python_tcp_channel_bindings(pki, env_for, peer_server):
    srv = peer_server(env_for(pki.server_settings()), ["--cb", "binding-1"])
    rep = run_peer_client(env_for(pki.client_settings()), srv.port,
                          ["--cb", "binding-1"])
    srep = srv.finish()
    assert rep["ok"] and srep["ok"], (rep, srep)


# ------------------------------------- IOV MICs across processes and programs

@pytest.mark.parametrize("mode", ["cert", "psk"])
def test_iov_mic_verified_by_gss_client(mode, pki, psk, env_for, peer_server):
    """python acceptor signs with gss_get_mic_iov (DATA + SIGN_ONLY pieces);
    MIT's gss-client verifies with plain gss_verify_mic."""
    if mode == "cert":
        senv, cenv = pki.server_settings(), pki.client_settings()
    else:
        senv, cenv = {"psk_file": psk.server}, {"psk_file": psk.client_alice}
    srv = peer_server(env_for(senv), ["--iov"])
    client = run_client(env_for(cenv), srv.port, ["-mcount", "3"])
    rep = srv.finish()
    assert client.returncode == 0, client.stdout + client.stderr
    assert client.stdout.count("Signature verified.") == 3, client.stdout
    assert rep["ok"], rep


@pytest.mark.parametrize("mode", ["cert", "psk"])
def test_gss_server_mic_verified_with_iov(mode, pki, psk, env_for, gss_server):
    """MIT's gss-server signs with gss_get_mic; the python initiator verifies
    with gss_verify_mic_iov over two DATA pieces."""
    if mode == "cert":
        senv, cenv = pki.server_settings(), pki.client_settings()
    else:
        senv, cenv = {"psk_file": psk.server}, {"psk_file": psk.client_alice}
    srv = gss_server(env_for(senv))
    rep = run_peer_client(env_for(cenv), srv.port, ["--count", "3", "--iov",
                                                    "--msg", "an IOV message"])
    srv.finish()
    assert rep["ok"], rep
    assert len(rep["messages"]) == 3 and all(m["verified"] for m in rep["messages"])


def test_iov_both_sides_python(pki, env_for, peer_server):
    """python acceptor signs with get_mic_iov, python initiator verifies with
    verify_mic_iov, in two processes over TCP."""
    srv = peer_server(env_for(pki.server_settings()), ["--iov"])
    rep = run_peer_client(env_for(pki.client_settings()), srv.port,
                          ["--count", "2", "--iov"])
    assert srv.finish()["ok"]
    assert rep["ok"], rep
