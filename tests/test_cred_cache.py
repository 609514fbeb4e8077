"""Default credentials (GSS_C_NO_CREDENTIAL) are cached per process, and a
changed setting or file is noticed at the next context."""

import os

from conftest import (GSS_S_DEFECTIVE_CREDENTIAL, GSS_S_NO_CRED, PSK_KEYS,
                      assert_gss_error, handshake, handshake_until_done)


def test_cached_default_credential_follows_file_changes(psk, env_for, peers, tmp_path):
    mine = tmp_path / "initiator.psk"
    mine.write_text("alice %s\n" % PSK_KEYS["alice"])
    os.chmod(mine, 0o600)
    acc = peers(env_for({"psk_file": psk.server}), "acceptor")
    ini = peers(env_for({"psk_file": mine}), "initiator")
    for n in range(3):   # the same cached credential serves several contexts
        handshake_until_done(ini, acc, ctx="ok%d" % n)

    # Same identity, new key: the next context uses it (and fails).
    mine.write_text("alice %s\n" % ("5a" * 32))
    hs = handshake(ini, acc, ctx="newkey")
    assert not hs.ok
    assert_gss_error(hs.failed[1], GSS_S_DEFECTIVE_CREDENTIAL, "pre-shared key",
                     "acceptor after key change")

    # A chmod alone is noticed too.
    mine.write_text("alice %s\n" % PSK_KEYS["alice"])
    os.chmod(mine, 0o644)
    ans = ini.call("init", ctx="perm", new=True)
    assert_gss_error(ans, GSS_S_NO_CRED, "group or others", "world-readable file")

    os.chmod(mine, 0o600)
    handshake_until_done(ini, acc, ctx="restored")


def test_cached_default_credential_follows_environment(pki, psk, env_for, peers):
    """The acceptor's default credential is cached; a different process
    environment (another certificate) is a different cache entry."""
    acc = peers(env_for(pki.server_settings()), "acceptor")
    ini = peers(env_for(pki.client_settings()), "initiator")
    a = handshake_until_done(ini, acc, ctx="c1")
    b = handshake_until_done(ini, acc, ctx="c2")
    assert a.acc["initiator"] == b.acc["initiator"] == "x509:CN=alice"
    ini2 = peers(env_for(pki.client_settings(cert=pki.client2, key=pki.client2_key)),
                 "initiator2")
    c = handshake_until_done(ini2, acc, ctx="c3")
    assert c.acc["initiator"] == "x509:CN=bob"
