"""Context lifetime and revalidation of the peer's credential.

A context stops working (GSS_S_CONTEXT_EXPIRED) past its lifetime; when the
reason is the peer's credential - its certificate expired, or a reloaded CRL
now lists it - the minor code says the context must be revalidated (the
SSPI layer maps it to SEC_E_NO_AUTHENTICATING_AUTHORITY).  Also the
configurable receive window."""

import datetime
import shutil
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from conftest import (GSS_S_CONTEXT_EXPIRED, GSS_S_NO_CRED, GSS_S_OLD_TOKEN,
                      MUTUAL, REPLAY, INTEG, assert_gss_error,
                      handshake_until_done)


def _crl(pki, serials, number):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateRevocationListBuilder()
               .issuer_name(pki.ca_cert.subject)
               .last_update(now - datetime.timedelta(minutes=5))
               .next_update(now + datetime.timedelta(days=1))
               .add_extension(x509.CRLNumber(number), critical=False))
    for serial in serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial)
            .revocation_date(now - datetime.timedelta(minutes=1)).build())
    return builder.sign(pki.ca_keyobj, hashes.SHA256()).public_bytes(
        serialization.Encoding.PEM)


def _serial(path):
    return x509.load_pem_x509_certificate(path.read_bytes()).serial_number


def _crl_pair(pki, env_for, peers, tmp_path, interval):
    """An established pair whose acceptor re-reads a live CRL file (listing
    nobody yet) every interval seconds; returns (ini, acc, crl_path)."""
    crl = tmp_path / "live.crl.pem"
    crl.write_bytes(_crl(pki, [], 10))
    acc = peers(env_for(pki.server_settings(crl_file=crl,
                                            crl_check_interval=interval)),
                "acceptor")
    ini = peers(env_for(pki.client_settings()), "initiator")
    handshake_until_done(ini, acc)
    return ini, acc, crl


def _publish(pki, crl, serials, number):
    """Replaces the CRL file atomically, as an administrator would."""
    new = crl.with_suffix(".new")
    new.write_bytes(_crl(pki, serials, number))
    shutil.move(str(new), str(crl))


def _mic_ok(ini, acc, text):
    mic = ini.ok("get_mic", msg=text.encode().hex())["mic"]
    acc.ok("verify_mic", msg=text.encode().hex(), mic=mic)
    return mic


def _await_expiry(peer, timeout=15):
    """Calls get_mic until the context stops working (its expiry is the
    event awaited, not a fixed time); returns that answer."""
    deadline = time.monotonic() + timeout
    while True:
        ans = peer.call("get_mic", msg=b"x".hex())
        if not ans["ok"] or time.monotonic() > deadline:
            return ans
        time.sleep(0.05)


def test_revoked_by_reloaded_crl(pki, env_for, peers, tmp_path):
    ini, acc, crl = _crl_pair(pki, env_for, peers, tmp_path, 0)
    _mic_ok(ini, acc, "before revocation")
    # The administrator publishes a CRL that lists alice's certificate.
    _publish(pki, crl, [_serial(pki.client)], 11)
    mic = ini.ok("get_mic", msg=b"after".hex())["mic"]
    ans = acc.call("verify_mic", msg=b"after".hex(), mic=mic)
    assert_gss_error(ans, GSS_S_CONTEXT_EXPIRED, "revalidated", "verify after revocation")
    ans = acc.call("get_mic", msg=b"x".hex())
    assert_gss_error(ans, GSS_S_CONTEXT_EXPIRED, "revoked", "get_mic after revocation")
    # The initiator's own context is not affected (its peer is the server).
    ini.ok("get_mic", msg=b"still".hex())


def test_crl_change_that_does_not_list_the_peer(pki, env_for, peers, tmp_path):
    ini, acc, crl = _crl_pair(pki, env_for, peers, tmp_path, 0)
    _publish(pki, crl, [_serial(pki.client2)], 11)
    _mic_ok(ini, acc, "bob is revoked, alice is fine")
    # An unreadable CRL file keeps the previous verdict.
    crl.write_text("not a CRL\n")
    _mic_ok(ini, acc, "garbage CRL keeps the verdict")


def test_revocation_survives_export(pki, env_for, peers, tmp_path):
    ini, acc, crl = _crl_pair(pki, env_for, peers, tmp_path, 3600)
    _publish(pki, crl, [_serial(pki.client)], 11)
    # Within the check interval nothing is re-read ...
    _mic_ok(ini, acc, "interval not reached")
    # ... but an imported context looks at the file at once.
    token = acc.ok("export")["token"]
    acc.ok("import", token=token)
    ans = acc.call("get_mic", msg=b"x".hex())
    assert_gss_error(ans, GSS_S_CONTEXT_EXPIRED, "revalidated", "imported context")


def test_peer_certificate_expiry(pki, env_for, peers, tmp_path):
    now = datetime.datetime.now(datetime.timezone.utc)
    cert, key, _, _ = pki._leaf("shortlived", "alice", server=False,
                                not_after=now + datetime.timedelta(seconds=3))
    acc = peers(env_for(pki.server_settings()), "acceptor")
    ini = peers(env_for(pki.client_settings(cert=cert, key=key)), "initiator")
    handshake_until_done(ini, acc)
    info = acc.ok("inquire")
    assert info["lifetime"] is not None and info["lifetime"] <= 4, info
    _mic_ok(ini, acc, "while valid")
    ans = _await_expiry(acc)
    assert_gss_error(ans, GSS_S_CONTEXT_EXPIRED, "revalidated", "acceptor")
    ans = ini.call("get_mic", msg=b"x".hex())
    assert_gss_error(ans, GSS_S_CONTEXT_EXPIRED, "expired", "initiator")


def test_max_lifetime_expiry_is_not_revalidation(psk, env_for, peers):
    acc = peers(env_for({"psk_file": psk.server, "max_lifetime": 1}), "acceptor")
    ini = peers(env_for({"psk_file": psk.client_alice}), "initiator")
    handshake_until_done(ini, acc)
    ans = _await_expiry(acc)
    assert_gss_error(ans, GSS_S_CONTEXT_EXPIRED, "has expired", "acceptor")
    assert "revalidated" not in ans.get("minor_text", "")
    # The acceptor's lifetime reached the initiator with leg 4.
    ans = ini.call("get_mic", msg=b"x".hex())
    assert_gss_error(ans, GSS_S_CONTEXT_EXPIRED, "has expired", "initiator")


def _old_token_after(env_for, peers, psk, window):
    settings = {"psk_file": psk.server}
    if window is not None:
        settings["replay_window"] = window
    acc = peers(env_for(settings), "acceptor")
    ini = peers(env_for({"psk_file": psk.client_alice}), "initiator")
    handshake_until_done(ini, acc, flags=MUTUAL | REPLAY | INTEG)
    mics = [ini.ok("get_mic", msg=("m%d" % i).encode().hex())["mic"]
            for i in range(100)]
    acc.ok("verify_mic", msg=b"m99".hex(), mic=mics[99])
    return acc.call("verify_mic", msg=b"m0".hex(), mic=mics[0])


def test_replay_window_is_configurable(psk, env_for, peers):
    # Replay detection only: a token 99 behind is within the default window
    # (1024) and accepted, but older than a 64-number window (OLD_TOKEN).
    ans = _old_token_after(env_for, peers, psk, None)
    assert ans["ok"], ans
    ans = _old_token_after(env_for, peers, psk, 64)
    assert_gss_error(ans, GSS_S_OLD_TOKEN, what="window 64")


def test_replay_window_must_be_a_power_of_two(psk, env_for, peers):
    acc = peers(env_for({"psk_file": psk.server, "replay_window": 100}), "acceptor")
    ans = acc.call("acquire", usage="accept")
    assert_gss_error(ans, GSS_S_NO_CRED, "replay_window", "acquire")


def test_rekey_limit_requires_renegotiation(psk, env_for, peers):
    """After rekey_limit protected messages a side refuses to protect more
    (SSPI: SEC_I_RENEGOTIATE); the count survives export and import."""
    acc = peers(env_for({"psk_file": psk.server}), "acceptor")
    ini = peers(env_for({"psk_file": psk.client_alice, "rekey_limit": 4}), "initiator")
    handshake_until_done(ini, acc)
    _mic_ok(ini, acc, "one")
    acc.ok("unwrap", token=ini.ok("wrap", msg=HEXMSG)["token"])
    token = ini.ok("export")["token"]
    ini.ok("import", token=token)
    _mic_ok(ini, acc, "three")
    _mic_ok(ini, acc, "four")
    for op, kw in (("get_mic", {"msg": HEXMSG}), ("wrap", {"msg": HEXMSG})):
        ans = ini.call(op, **kw)
        assert_gss_error(ans, GSS_S_CONTEXT_EXPIRED, "renegotiation required", op)
    # The acceptor has no limit of its own and still signs and verifies.
    mic = acc.ok("get_mic", msg=HEXMSG)["mic"]
    ini.ok("verify_mic", msg=HEXMSG, mic=mic)


HEXMSG = b"limited".hex()
