"""Transport-supplied sequence numbers (GSS_C_DATAGRAM_FLAG, SSPI's
MessageSeqNo) and QOP policy, between two python3-gssapi processes through
MIT's mechglue.

A datagram context takes each message's sequence number from the caller: in
a MECH_PARAMS IOV buffer (8 bytes, big-endian) of gss_get_mic_iov, or for
plain gss_get_mic from Signet's next-sequence-number option.  The number is
covered by the MAC; a receiver that passes the number it expects in
MECH_PARAMS detects loss and insertion (docs/tokens.md)."""

import pytest

from conftest import (GSS_S_BAD_QOP, GSS_S_BAD_SIG, GSS_S_DUPLICATE_TOKEN,
                      GSS_S_GAP_TOKEN, GSS_S_UNSEQ_TOKEN, INTEG, MUTUAL, REPLAY,
                      SEQUENCE, assert_gss_error, handshake_until_done)

DATAGRAM = 0x10000
HEX = lambda text: text.encode().hex()


def _pair(psk, env_for, peers, flags):
    acc = peers(env_for({"psk_file": psk.server}), "acceptor")
    ini = peers(env_for({"psk_file": psk.client_alice}), "initiator")
    hs = handshake_until_done(ini, acc, flags=flags)
    assert hs.init["flags"] & DATAGRAM and hs.acc["flags"] & DATAGRAM
    return ini, acc


@pytest.fixture
def dgram(psk, env_for, peers):
    """Datagram context with replay detection (numbers may start anywhere)."""
    return _pair(psk, env_for, peers, MUTUAL | REPLAY | INTEG | DATAGRAM)


def test_transport_number_in_mech_params(dgram):
    ini, acc = dgram
    mic = ini.ok("get_mic_iov", msg=HEX("datagram 1000"), seq=1000)["mic"]
    # the receiver's transport expects 1000: accepted
    acc.ok("verify_mic_iov", msg=HEX("datagram 1000"), mic=mic, seq=1000)
    # the same token where the transport expected 1001: loss or insertion
    mic2 = ini.ok("get_mic_iov", msg=HEX("datagram 1000"), seq=1000)["mic"]
    ans = acc.call("verify_mic_iov", msg=HEX("datagram 1000"), mic=mic2, seq=1001)
    assert_gss_error(ans, GSS_S_BAD_SIG, "message number 1000, not 1001",
                     "unexpected number")


def test_repeated_transport_number_is_a_replay(dgram):
    """A caller may repeat a number: both tokens are made (with distinct
    nonces), and the receiver's window reports the second as a duplicate."""
    ini, acc = dgram
    a = ini.ok("get_mic_iov", msg=HEX("m"), seq=7)["mic"]
    b = ini.ok("get_mic_iov", msg=HEX("m"), seq=7)["mic"]
    assert a != b
    acc.ok("verify_mic", msg=HEX("m"), mic=a)
    assert_gss_error(acc.call("verify_mic", msg=HEX("m"), mic=b),
                     GSS_S_DUPLICATE_TOKEN, what="repeated number")


def test_window_over_transport_numbers(psk, env_for, peers):
    """With sequencing, the transport's numbers (from 0) drive RFC 2743's
    GAP and UNSEQ results."""
    ini, acc = _pair(psk, env_for, peers, MUTUAL | REPLAY | SEQUENCE | INTEG | DATAGRAM)
    mics = {n: ini.ok("get_mic_iov", msg=HEX("n%d" % n), seq=n)["mic"]
            for n in (0, 1, 5, 3)}
    acc.ok("verify_mic", msg=HEX("n0"), mic=mics[0])
    acc.ok("verify_mic", msg=HEX("n1"), mic=mics[1])
    assert_gss_error(acc.call("verify_mic", msg=HEX("n5"), mic=mics[5]),
                     GSS_S_GAP_TOKEN, what="jump ahead")
    assert_gss_error(acc.call("verify_mic", msg=HEX("n3"), mic=mics[3]),
                     GSS_S_UNSEQ_TOKEN, what="late")
    assert_gss_error(acc.call("verify_mic", msg=HEX("n1"), mic=mics[1]),
                     GSS_S_DUPLICATE_TOKEN, what="again")


def test_next_sequence_option_for_plain_calls(dgram):
    ini, acc = dgram
    ini.ok("next_seq", seq=5000)
    m1 = ini.ok("get_mic", msg=HEX("first"))["mic"]
    m2 = ini.ok("get_mic", msg=HEX("second"))["mic"]
    acc.ok("verify_mic_iov", msg=HEX("first"), mic=m1, seq=5000)
    acc.ok("verify_mic_iov", msg=HEX("second"), mic=m2, seq=5001)


def test_option_refused_on_stream_context(psk, env_for, peers):
    acc = peers(env_for({"psk_file": psk.server}), "acceptor")
    ini = peers(env_for({"psk_file": psk.client_alice}), "initiator")
    hs = handshake_until_done(ini, acc)
    assert not hs.init["flags"] & DATAGRAM
    ans = ini.call("next_seq", seq=5)
    assert not ans["ok"], ans


# ------------------------------------------------------------- QOP policy

def test_qop_policy_negotiated(psk, env_for, peers):
    acc = peers(env_for({"psk_file": psk.server, "qop_allowed": "hmac-sha256,hmac-sha384"}),
                "acceptor")
    ini = peers(env_for({"psk_file": psk.client_alice}), "initiator")
    handshake_until_done(ini, acc)
    # default QOP: the best both permit that the acceptor prefers
    mic = ini.ok("get_mic", msg=HEX("x"))["mic"]
    qop = acc.ok("verify_mic", msg=HEX("x"), mic=mic)["qop"]
    assert qop in (1, 2), qop
    mic = ini.ok("get_mic", msg=HEX("y"), qop=2)["mic"]
    assert acc.ok("verify_mic", msg=HEX("y"), mic=mic)["qop"] == 2
    # AES-GMAC is not permitted by the acceptor: refused on both sides
    assert_gss_error(ini.call("get_mic", msg=HEX("z"), qop=4), GSS_S_BAD_QOP,
                     what="initiator asks for a QOP outside the set")
    assert_gss_error(acc.call("get_mic", msg=HEX("z"), qop=3), GSS_S_BAD_QOP,
                     what="acceptor asks for a QOP outside the set")
    assert_gss_error(ini.call("get_mic", msg=HEX("z"), qop=99), GSS_S_BAD_QOP,
                     what="unknown QOP")


def test_no_common_mac_means_no_integrity(psk, env_for, peers):
    acc = peers(env_for({"psk_file": psk.server, "qop_allowed": "hmac-sha256"}), "acceptor")
    ini = peers(env_for({"psk_file": psk.client_alice, "qop_allowed": "aes256-gmac"}),
                "initiator")
    hs = handshake_until_done(ini, acc)
    assert not hs.init["flags"] & INTEG and not hs.acc["flags"] & INTEG
    ans = ini.call("get_mic", msg=HEX("x"))
    assert_gss_error(ans, GSS_S_BAD_QOP, "integrity", "no negotiated integrity")
