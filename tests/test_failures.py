"""Every documented failure: the failing side returns the documented major
status and display_status text, the peer (when the failing side can send an
error token) fails with the same status, and no process crashes.

Majors are compared exactly; minor codes only by their display_status text
(mechglue renumbers mechanism minor codes).
"""

import random

import pytest

from conftest import (ANON, DEFAULT_FLAGS, GSS_S_BAD_BINDINGS, GSS_S_BAD_MECH,
                      GSS_S_BAD_SIG,
                      GSS_S_CREDENTIALS_EXPIRED, GSS_S_DEFECTIVE_CREDENTIAL,
                      GSS_S_DEFECTIVE_TOKEN, GSS_S_DUPLICATE_TOKEN,
                      GSS_S_NO_CRED, assert_gss_error, handshake,
                      handshake_until_done, major_name, run_client)

NOT_TRUSTED = "not trusted"
EXPIRED = "expired"
HOST_MISMATCH = "does not match"
WRONG_PSK = "pre-shared key"
UNKNOWN_PSK = "unknown pre-shared key identity"
# What an initiator is told of either PSK refusal (no identity oracle).
PSK_REJECTED = "the pre-shared key was rejected"


def expect_failure(hs, side, major, text, peer=True, peer_text=None):
    """The handshake failed first on side ('init'/'acc') with major/text;
    if peer, the error token reached the other side, which failed alike
    (with peer_text, when the peer is told less than the failing side
    knows)."""
    assert not hs.ok, "handshake unexpectedly succeeded"
    failed_side, ans = hs.failed
    assert failed_side == side, "expected the %s side to fail, but %s failed: %s %s" % (
        side, failed_side, major_name(ans.get("major")), ans)
    assert_gss_error(ans, major, text, what="%s side" % side)
    if peer:
        assert ans.get("token"), (
            "%s side failed without an error token for its peer" % side)
        assert hs.peer_failed, "error token was not delivered"
        op, pans = hs.peer_failed
        assert_gss_error(pans, major, peer_text or text,
                         what="peer (%s) of failing %s" % (op, side))
        return pans


def start_pair(peers, env_for, ini_settings, acc_settings):
    return (peers(env_for(ini_settings), "initiator"),
            peers(env_for(acc_settings), "acceptor"))


# ------------------------------------------- the failure matrix, one table

# (case, initiator settings, acceptor settings, handshake options,
#  failing side, major, its text, the text its peer gets or None for the same)
# Settings are functions of the pki and psk fixtures.
FAILURES = [
    ("untrusted server certificate",
     lambda k, p: k.client_settings(),
     lambda k, p: k.server_settings(cert=k.wrongca, key=k.wrongca_key,
                                    ca_file=k.both_cas),
     {}, "init", GSS_S_DEFECTIVE_CREDENTIAL, NOT_TRUSTED, None),
    ("untrusted client certificate",
     lambda k, p: k.client_settings(cert=k.wrongca_client, key=k.wrongca_client_key),
     lambda k, p: k.server_settings(),
     {}, "acc", GSS_S_DEFECTIVE_CREDENTIAL, NOT_TRUSTED, None),
    ("initiator with the wrong trust anchor",
     lambda k, p: k.client_settings(ca_file=k.ca2),
     lambda k, p: k.server_settings(),
     {}, "init", GSS_S_DEFECTIVE_CREDENTIAL, NOT_TRUSTED, None),
    ("server certificate for another host",
     lambda k, p: k.client_settings(),
     lambda k, p: k.server_settings(cert=k.wronghost, key=k.wronghost_key),
     {}, "init", GSS_S_DEFECTIVE_CREDENTIAL, HOST_MISMATCH, None),
    ("target host not in the certificate",
     lambda k, p: k.client_settings(),
     lambda k, p: k.server_settings(),
     {"target": "host@other.example"}, "init", GSS_S_DEFECTIVE_CREDENTIAL,
     HOST_MISMATCH, None),
    ("revoked server certificate",
     lambda k, p: k.client_settings(crl_file=k.crl),
     lambda k, p: k.server_settings(cert=k.revoked, key=k.revoked_key),
     {}, "init", GSS_S_DEFECTIVE_CREDENTIAL, "revoked", None),
    ("wrong pre-shared key",
     lambda k, p: {"psk_file": p.wrong_key},
     lambda k, p: {"psk_file": p.server},
     {}, "acc", GSS_S_DEFECTIVE_CREDENTIAL, "does not match the acceptor's key",
     PSK_REJECTED),
    ("unknown pre-shared key identity",
     lambda k, p: {"psk_file": p.unknown},
     lambda k, p: {"psk_file": p.server},
     {}, "acc", GSS_S_DEFECTIVE_CREDENTIAL, UNKNOWN_PSK, PSK_REJECTED),
    ("channel bindings differ",
     lambda k, p: k.client_settings(), lambda k, p: k.server_settings(),
     {"init_cb": "binding-A", "acc_cb": "binding-B"}, "acc", GSS_S_BAD_BINDINGS,
     None, None),
    ("acceptor requires channel bindings",
     lambda k, p: k.client_settings(), lambda k, p: k.server_settings(),
     {"init_cb": None, "acc_cb": "binding-B"}, "acc", GSS_S_BAD_BINDINGS,
     None, None),
]


@pytest.mark.parametrize("case,ini_s,acc_s,options,side,major,text,peer_text",
                         FAILURES, ids=[row[0].replace(" ", "-") for row in FAILURES])
def test_failure(case, ini_s, acc_s, options, side, major, text, peer_text,
                 pki, psk, env_for, peers):
    """One documented failure: the failing side's exact major and text, and
    the error token's effect on its peer."""
    ini, acc = start_pair(peers, env_for, ini_s(pki, psk), acc_s(pki, psk))
    hs = handshake(ini, acc, **options)
    expect_failure(hs, side, major, text, peer_text=peer_text)


# ------------------------------------------------ failures with two outcomes

def test_expired_server_certificate(pki, env_for, peers):
    ini, acc = start_pair(peers, env_for, pki.client_settings(),
                          pki.server_settings(cert=pki.expired, key=pki.expired_key))
    hs = handshake(ini, acc)
    assert not hs.ok
    if hs.failed[0] == "acc" and len(hs.legs) == 2:
        # Acceptable design: the acceptor refuses to use its own expired
        # certificate (no token to send).  Same status either way.
        assert_gss_error(hs.failed[1], GSS_S_CREDENTIALS_EXPIRED, EXPIRED,
                         what="acceptor with expired own certificate")
    else:
        expect_failure(hs, "init", GSS_S_CREDENTIALS_EXPIRED, EXPIRED)


def test_expired_client_certificate(pki, env_for, peers):
    ini, acc = start_pair(peers, env_for,
                          pki.client_settings(cert=pki.expired_client,
                                              key=pki.expired_client_key),
                          pki.server_settings())
    hs = handshake(ini, acc)
    assert not hs.ok
    if hs.failed[0] == "init" and len(hs.legs) == 1:
        assert_gss_error(hs.failed[1], GSS_S_CREDENTIALS_EXPIRED, EXPIRED,
                         what="initiator with expired own certificate")
    else:
        expect_failure(hs, "acc", GSS_S_CREDENTIALS_EXPIRED, EXPIRED)


def test_crl_file_lets_good_certificate_through(pki, env_for, peers):
    ini, acc = start_pair(peers, env_for, pki.client_settings(crl_file=pki.crl),
                          pki.server_settings(crl_file=pki.crl))
    hs = handshake_until_done(ini, acc)
    assert hs.acc["initiator"] == "x509:CN=alice"


# ------------------------------------------------------------------- PSK

def test_psk_refusals_are_indistinguishable_to_the_initiator(psk, env_for, peers):
    """An unknown identity and a wrong key give the initiator the same
    status, code and text (no oracle of which identities exist); only the
    acceptor's own status tells them apart."""
    seen = {}
    for case, key_file in (("unknown", psk.unknown), ("wrong", psk.wrong_key)):
        ini, acc = start_pair(peers, env_for, {"psk_file": key_file},
                              {"psk_file": psk.server})
        hs = handshake(ini, acc)
        pans = expect_failure(hs, "acc", GSS_S_DEFECTIVE_CREDENTIAL, None,
                              peer_text=PSK_REJECTED)
        seen[case] = (pans["major"], pans["minor_text"], hs.failed[1]["minor_text"])
    assert seen["unknown"][:2] == seen["wrong"][:2], seen
    assert seen["unknown"][2] != seen["wrong"][2], seen
    assert "dave" not in seen["unknown"][1] and "'" not in seen["unknown"][1], seen


def test_psk_initiator_against_certificate_only_acceptor(pki, psk, env_for, peers):
    """The acceptor has no PSK file: it answers with its certificate, which
    the initiator (without trust anchors) cannot verify."""
    ini, acc = start_pair(peers, env_for, {"psk_file": psk.client_alice},
                          pki.server_settings())
    hs = handshake(ini, acc)
    expect_failure(hs, "init", GSS_S_DEFECTIVE_CREDENTIAL, NOT_TRUSTED)


# --------------------------------------------------------- anonymous / creds

def test_anonymous_refused_by_default(pki, env_for, peers):
    """allow_anonymous defaults to no: both sides fail with
    GSS_S_DEFECTIVE_CREDENTIAL naming anonymity."""
    ini, acc = start_pair(peers, env_for, {"ca_file": pki.ca},
                          pki.server_settings())
    hs = handshake(ini, acc, flags=DEFAULT_FLAGS | ANON)
    expect_failure(hs, "acc", GSS_S_DEFECTIVE_CREDENTIAL,
                   "does not admit anonymous initiators")


def test_initiator_without_any_credentials(env_for, peers, pki):
    """Nothing configured and no anonymous flag: no credentials."""
    ini = peers(env_for({}), "bare-initiator")
    ans = ini.call("init", target="host@localhost", new=True)
    assert_gss_error(ans, GSS_S_NO_CRED, what="initiator without credentials")


# --------------------------------------------------------------- tokens

def gss_header_len(tok):
    """Length of the RFC 2743 framing (0x60 len 0x06 oidlen oid)."""
    assert tok[0] == 0x60, tok[:4].hex()
    i = 1
    if tok[i] & 0x80:
        i += 1 + (tok[i] & 0x7F)
    else:
        i += 1
    assert tok[i] == 0x06
    return i + 2 + tok[i + 1]


@pytest.fixture(params=["cert", "psk"])
def mode_pair(request, pki, psk, env_for, peers):
    if request.param == "cert":
        return start_pair(peers, env_for, pki.client_settings(), pki.server_settings())
    return start_pair(peers, env_for, {"psk_file": psk.client_alice},
                      {"psk_file": psk.server})


def genuine_tokens(ini, acc):
    hs = handshake_until_done(ini, acc, ctx="genuine")
    assert len(hs.tokens) == 4, [len(t) for t in hs.tokens]
    return hs.tokens


def truncations(leg):
    """Cut points as functions of the token actually sent (lengths vary by a
    byte or two between handshakes: ECDSA signatures, key shares)."""
    if leg == 1:
        # mechglue reads the framing of a first token without checking its
        # length (g_glue.c gssint_get_mech_type_oid): cut only after it.
        return [gss_header_len, lambda t: gss_header_len(t) + 1,
                lambda t: gss_header_len(t) + 5, lambda t: len(t) // 2,
                lambda t: len(t) - 1]
    return [lambda t: 1, lambda t: 2, lambda t: 5, lambda t: 16,
            lambda t: len(t) // 2, lambda t: len(t) - 1]


@pytest.mark.parametrize("leg", [1, 2, 3, 4])
def test_truncated_tokens(leg, mode_pair):
    ini, acc = mode_pair
    genuine_tokens(ini, acc)
    receiver = "acc" if leg % 2 else "init"
    for i, cut in enumerate(truncations(leg)):
        seen = {}

        def mangle(n, t, cut=cut):
            if n != leg:
                return t
            seen["len"], seen["cut"] = len(t), cut(t)
            return t[:cut(t)]
        hs = handshake(ini, acc, ctx="cut%d-%d" % (leg, i), mangle=mangle)
        what = "leg %d truncated to %s of %s bytes" % (leg, seen.get("cut"),
                                                      seen.get("len"))
        assert not hs.ok, what + " was accepted"
        side, ans = hs.failed
        assert side == receiver, "%s: %s failed: %s" % (what, side, ans)
        assert_gss_error(ans, GSS_S_DEFECTIVE_TOKEN, what=what)
        if hs.peer_failed:
            assert_gss_error(hs.peer_failed[1], GSS_S_DEFECTIVE_TOKEN,
                             what="peer after " + what)
    # nothing else changed: both processes still establish contexts
    handshake_until_done(ini, acc, ctx="after-truncation")


@pytest.mark.parametrize("leg", [1, 2, 3, 4])
def test_garbage_tokens(leg, mode_pair):
    ini, acc = mode_pair
    tok = genuine_tokens(ini, acc)[leg - 1]
    rng = random.Random(leg)
    receiver = "acc" if leg % 2 else "init"
    variants = []
    for size in (1, 7, 64, len(tok), 5000):
        g = bytearray(rng.randbytes(size))
        g[0] = 0x01              # not 0x60 / 0x6e / "NTLMSSP" (mechglue routing)
        variants.append(bytes(g))
    if leg == 1:
        # a proper Signet framing with a garbage body reaches the mechanism
        h = gss_header_len(tok)
        variants.append(tok[:h] + rng.randbytes(len(tok) - h))
    else:
        # the genuine token with its body scrambled
        variants.append(tok[:8] + rng.randbytes(len(tok) - 8))
    for i, g in enumerate(variants):
        hs = handshake(ini, acc, ctx="garbage%d-%d" % (leg, i),
                       mangle=lambda n, t, g=g: g if n == leg else t)
        assert not hs.ok, "garbage leg %d (%d bytes) accepted" % (leg, len(g))
        side, ans = hs.failed
        assert side == receiver, (leg, i, side, ans)
        assert_gss_error(ans, GSS_S_DEFECTIVE_TOKEN,
                         what="garbage leg %d variant %d (%d bytes)" % (leg, i, len(g)))
        if hs.peer_failed:
            assert_gss_error(hs.peer_failed[1], GSS_S_DEFECTIVE_TOKEN,
                             what="peer after garbage leg %d" % leg)
    handshake_until_done(ini, acc, ctx="after-garbage")


def test_duplicate_first_token(mode_pair):
    """Leg 1 fed twice to the acceptor: DUPLICATE_TOKEN, and the context
    carries on with the genuine exchange."""
    ini, acc = mode_pair
    t1 = ini.ok("init", ctx="d", new=True)["token"]
    a1 = acc.ok("accept", ctx="d", token=t1, new=True)
    assert a1["continue"]
    again = acc.call("accept", ctx="d", token=t1)
    assert_gss_error(again, GSS_S_DUPLICATE_TOKEN, what="leg 1 twice")
    t3 = ini.ok("init", ctx="d", token=a1["token"])["token"]
    a3 = acc.ok("accept", ctx="d", token=t3)
    i4 = ini.ok("init", ctx="d", token=a3["token"])
    assert not i4["continue"]
    mic = ini.ok("get_mic", ctx="d", msg="00")["mic"]
    acc.ok("verify_mic", ctx="d", msg="00", mic=mic)


def test_duplicate_second_token(mode_pair):
    """Leg 2 fed twice to the initiator."""
    ini, acc = mode_pair
    t1 = ini.ok("init", ctx="d", new=True)["token"]
    a1 = acc.ok("accept", ctx="d", token=t1, new=True)
    i3 = ini.ok("init", ctx="d", token=a1["token"])
    again = ini.call("init", ctx="d", token=a1["token"])
    assert_gss_error(again, GSS_S_DUPLICATE_TOKEN, what="leg 2 twice")
    a3 = acc.ok("accept", ctx="d", token=i3["token"])
    i4 = ini.ok("init", ctx="d", token=a3["token"])
    assert not i4["continue"]


def test_duplicate_third_token(mode_pair):
    """Leg 3 fed twice to the (now established) acceptor."""
    ini, acc = mode_pair
    t1 = ini.ok("init", ctx="d", new=True)["token"]
    a1 = acc.ok("accept", ctx="d", token=t1, new=True)
    i3 = ini.ok("init", ctx="d", token=a1["token"])
    a3 = acc.ok("accept", ctx="d", token=i3["token"])
    again = acc.call("accept", ctx="d", token=i3["token"])
    assert_gss_error(again, GSS_S_DUPLICATE_TOKEN, what="leg 3 twice")
    ini.ok("init", ctx="d", token=a3["token"])
    mic = acc.ok("get_mic", ctx="d", msg="00")["mic"]
    ini.ok("verify_mic", ctx="d", msg="00", mic=mic)


def test_third_token_replayed_into_other_handshake(mode_pair):
    """Leg 3 of handshake A given to the acceptor of handshake B."""
    ini, acc = mode_pair
    a = handshake_until_done(ini, acc, ctx="A")
    t1 = ini.ok("init", ctx="B", new=True)["token"]
    b1 = acc.ok("accept", ctx="B", token=t1, new=True)
    ini.ok("init", ctx="B", token=b1["token"])
    ans = acc.call("accept", ctx="B", token=a.tokens[2].hex())
    assert_gss_error(ans, GSS_S_DEFECTIVE_TOKEN, what="foreign leg 3")
    if ans.get("token"):
        peer = ini.call("init", ctx="B", token=ans["token"])
        assert_gss_error(peer, GSS_S_DEFECTIVE_TOKEN, what="initiator B after foreign leg 3")


def test_acceptor_token_to_new_acceptor(mode_pair):
    """Leg 2 (an acceptor's token) as the first token of a new acceptor
    context.  If the token has no RFC 2743 framing mechglue itself answers
    DEFECTIVE_TOKEN (g_glue.c); if it carries Signet's framing Signet must.
    BAD_MECH would mean mechglue routed it elsewhere: wrong for a token that
    came from Signet."""
    ini, acc = mode_pair
    tokens = genuine_tokens(ini, acc)
    for leg in (2, 3, 4):
        ans = acc.call("accept", ctx="wrong%d" % leg, token=tokens[leg - 1].hex(),
                       new=True)
        assert ans.get("major") != GSS_S_BAD_MECH, ans
        assert_gss_error(ans, GSS_S_DEFECTIVE_TOKEN,
                         what="leg %d to a new acceptor" % leg)


def test_initiator_token_back_to_initiator(mode_pair):
    ini, acc = mode_pair
    t1 = ini.ok("init", ctx="w", new=True)["token"]
    ans = ini.call("init", ctx="w", token=t1)
    assert_gss_error(ans, GSS_S_DEFECTIVE_TOKEN, what="leg 1 back to the initiator")
    # leg 3 back to the initiator in place of leg 4
    t1 = ini.ok("init", ctx="w2", new=True)["token"]
    a1 = acc.ok("accept", ctx="w2", token=t1, new=True)
    t3 = ini.ok("init", ctx="w2", token=a1["token"])["token"]
    ans = ini.call("init", ctx="w2", token=t3)
    assert_gss_error(ans, GSS_S_DEFECTIVE_TOKEN, what="leg 3 back to the initiator")


def test_context_token_as_message_token(mode_pair):
    """A handshake token given to unwrap/verify_mic is defective, not a crash."""
    ini, acc = mode_pair
    tokens = genuine_tokens(ini, acc)
    for t in tokens:
        ans = acc.call("unwrap", ctx="genuine", token=t.hex())
        assert_gss_error(ans, GSS_S_DEFECTIVE_TOKEN, what="context token to unwrap")
        ans = acc.call("verify_mic", ctx="genuine", msg="00", mic=t.hex())
        assert_gss_error(ans, GSS_S_DEFECTIVE_TOKEN, what="context token to verify_mic")


def test_truncated_message_tokens(mode_pair):
    ini, acc = mode_pair
    genuine_tokens(ini, acc)
    mic = bytes.fromhex(ini.ok("get_mic", ctx="genuine", msg="abcd")["mic"])
    wrap = bytes.fromhex(ini.ok("wrap", ctx="genuine", msg="abcd")["token"])
    # (an empty token is refused by mechglue itself with
    # GSS_S_CALL_INACCESSIBLE_READ before Signet sees it: not tested here)
    for cut in sorted({1, 2, 8, len(mic) // 2, len(mic) - 1}):
        ans = acc.call("verify_mic", ctx="genuine", msg="abcd", mic=mic[:cut].hex())
        assert_gss_error(ans, GSS_S_DEFECTIVE_TOKEN, what="MIC cut to %d" % cut)
    for cut in sorted({1, 2, 8, len(wrap) // 2, len(wrap) - 1}):
        ans = acc.call("unwrap", ctx="genuine", token=wrap[:cut].hex())
        if cut >= len(wrap) // 2 and ans.get("major") == GSS_S_BAD_SIG:
            # a wrap token carries no inner length (as RFC 4121): cut after
            # its header it still parses, and then its tag cannot match
            continue
        assert_gss_error(ans, GSS_S_DEFECTIVE_TOKEN, what="wrap cut to %d" % cut)
    # the genuine tokens are still good: failures changed no state
    acc.ok("verify_mic", ctx="genuine", msg="abcd", mic=mic.hex())
    assert acc.ok("unwrap", ctx="genuine", token=wrap.hex())["msg"] == "abcd"


# ----------------------------------------------- through the sample programs

@pytest.mark.parametrize("case", ["untrusted", "wrong_psk", "unknown_psk", "host"])
def test_sample_programs_report_failures(case, pki, psk, env_for, gss_server):
    """gss-server/gss-client show the display_status texts on both sides."""
    service = "host@localhost"
    ctext = None
    if case == "untrusted":
        senv, cenv, text = pki.server_settings(), pki.client_settings(ca_file=pki.ca2), NOT_TRUSTED
    elif case == "wrong_psk":
        senv, cenv, text = {"psk_file": psk.server}, {"psk_file": psk.wrong_key}, WRONG_PSK
        ctext = PSK_REJECTED
    elif case == "unknown_psk":
        senv, cenv, text = {"psk_file": psk.server}, {"psk_file": psk.unknown}, UNKNOWN_PSK
        ctext = PSK_REJECTED
    else:
        # the acceptor only acquires a certificate matching its own name, so
        # gss-server runs as host@other.example; the client wants localhost
        senv, cenv, text = (pki.server_settings(cert=pki.wronghost, key=pki.wronghost_key),
                            pki.client_settings(), HOST_MISMATCH)
    srv = gss_server(env_for(senv), service="host@other.example"
                     if case == "host" else "host@localhost")
    client = run_client(env_for(cenv), srv.port, service=service)
    rc, out, err = srv.finish()
    assert client.returncode == 1, client.stdout
    assert "GSS-API error initializing context" in client.stdout, client.stdout
    assert (ctext or text) in client.stdout, client.stdout
    assert "GSS-API error accepting context" in out, out
    assert text in out, out
    assert "Accepted connection" not in out
