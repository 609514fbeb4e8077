"""Settings: cred store keys > SIGNET_* environment > config file; trace log;
PSK file rules; PKCS#12; CA directory; max_lifetime; localname_map."""

import os
import shutil
import subprocess

import pytest

from conftest import (PSK_KEYS, assert_gss_error, handshake, handshake_until_done,
                      run_client)


def write(path, text, mode=0o600):
    path.write_text(text)
    os.chmod(path, mode)
    return path


def test_config_file(pki, env_for, peers, tmp_path):
    conf = write(tmp_path / "signet.conf",
                 "# client settings\n\n"
                 "certificate = %s\n"
                 "private_key = %s\n"
                 "  ca_file=%s\n" % (pki.client, pki.client_key, pki.ca))
    ini = peers(env_for({}, SIGNET_CONFIG=conf), "initiator")
    acc = peers(env_for(pki.server_settings()), "acceptor")
    hs = handshake_until_done(ini, acc)
    assert hs.acc["initiator"] == "x509:CN=alice"


def test_environment_overrides_config_file(psk, env_for, peers, tmp_path):
    conf = write(tmp_path / "signet.conf", "psk_file = %s\n" % psk.wrong_key)
    ini = peers(env_for({"psk_file": psk.client_bob}, SIGNET_CONFIG=conf), "initiator")
    acc = peers(env_for({"psk_file": psk.server}), "acceptor")
    hs = handshake_until_done(ini, acc)
    assert hs.acc["initiator"] == "psk:bob"


def test_cred_store_overrides_environment(psk, env_for, peers):
    # the environment's files would fail (unknown identity on both sides)
    ini = peers(env_for({"psk_file": psk.unknown}), "initiator")
    acc = peers(env_for({"psk_file": psk.wrong_key}), "acceptor")
    ini.ok("acquire", slot="c", usage="initiate",
           store={"psk_file": str(psk.client_alice)})
    acc.ok("acquire", slot="c", usage="accept", store={"psk_file": str(psk.server)})
    t1 = ini.ok("init", cred="c", new=True)["token"]
    a1 = acc.ok("accept", cred="c", token=t1, new=True)
    assert a1["continue"]
    t3 = ini.ok("init", cred="c", token=a1["token"])["token"]
    a3 = acc.ok("accept", cred="c", token=t3)
    assert a3["initiator"] == "psk:alice"
    ini.ok("init", cred="c", token=a3["token"])


def test_cred_store_psk_identity(psk, env_for, peers):
    ini = peers(env_for({}), "initiator")
    acc = peers(env_for({"psk_file": psk.server}), "acceptor")
    ans = ini.ok("acquire", slot="c", usage="initiate",
                 store={"psk_file": str(psk.server), "psk_identity": "carol"})
    hs = handshake_until_done(ini, acc, init_kw={"cred": "c"})
    assert hs.acc["initiator"] == "psk:carol"
    assert ans["name"] in (None, "psk:carol"), ans


def test_foreign_cred_store_keys_are_ignored(env_for, peers, psk):
    """mechglue hands the same store to every mechanism: keys of other
    mechanisms (krb5's ccache, keytab) must not make Signet fail."""
    p = peers(env_for({}), "initiator")
    p.ok("acquire", usage="initiate",
         store={"psk_file": str(psk.client_alice), "ccache": "FILE:/nonexistent",
                "keytab": "FILE:/nonexistent"})


@pytest.mark.parametrize("which", ["world", "group"])
def test_psk_file_must_be_private(which, psk, env_for, peers):
    path = psk.world_readable if which == "world" else psk.group_readable
    p = peers(env_for({"psk_file": path}), "initiator")
    ans = p.call("acquire", usage="initiate")
    assert not ans["ok"], "PSK file with mode %o accepted" % (os.stat(path).st_mode & 0o777)
    assert ans["major"] is not None
    p2 = peers(env_for({"psk_file": path}), "initiator2")
    assert not p2.call("init", new=True)["ok"]


@pytest.mark.parametrize("content", [
    "alice " + "ab" * 15 + "\n",            # 15 bytes: too short
    "alice " + "ab" * 65 + "\n",            # 65 bytes: too long
    "alice " + "abc" + "ab" * 16 + "\n",    # odd number of hex digits
    "alice " + "zz" * 16 + "\n",            # not hex
    "alice\n",                              # no key
    "",                                     # no entry at all
])
def test_malformed_psk_file(content, env_for, peers, tmp_path):
    path = write(tmp_path / "bad.psk", content)
    p = peers(env_for({"psk_file": path}), "initiator")
    ans = p.call("acquire", usage="initiate")
    assert not ans["ok"], "malformed PSK file accepted: %r" % content


def test_psk_key_length_bounds(env_for, peers, tmp_path, psk):
    """16 and 64 byte keys are both usable."""
    path = write(tmp_path / "bounds.psk",
                 "short %s\nlong %s\n" % ("11" * 16, "22" * 64))
    for ident in ("short", "long"):
        ini = peers(env_for({"psk_file": path, "psk_identity": ident}), "i-" + ident)
        acc = peers(env_for({"psk_file": path}), "a-" + ident)
        hs = handshake_until_done(ini, acc)
        assert hs.acc["initiator"] == "psk:" + ident


def test_pkcs12_certificate(pki, env_for, peers):
    ini = peers(env_for(pki.client_settings()), "initiator")
    acc = peers(env_for({"certificate": pki.server_p12,
                         "pkcs12_password": pki.p12_password,
                         "ca_file": pki.ca}), "acceptor")
    hs = handshake_until_done(ini, acc)
    assert hs.acc["initiator"] == "x509:CN=alice"


def test_pkcs12_wrong_password(pki, env_for, peers):
    acc = peers(env_for({"certificate": pki.server_p12, "pkcs12_password": "nope",
                         "ca_file": pki.ca}), "acceptor")
    ans = acc.call("acquire", usage="accept", name="host@localhost")
    assert not ans["ok"], "PKCS#12 opened with a wrong password"


def test_ca_dir(pki, env_for, peers, tmp_path):
    cadir = tmp_path / "cadir"
    cadir.mkdir()
    shutil.copy(pki.ca, cadir / "ca.pem")
    subprocess.run(["openssl", "rehash", str(cadir)], check=True)
    ini = peers(env_for(pki.client_settings(ca_file=None, ca_dir=cadir)), "initiator")
    acc = peers(env_for(pki.server_settings()), "acceptor")
    handshake_until_done(ini, acc)


def test_max_lifetime(pki, env_for, peers):
    ini = peers(env_for(pki.client_settings()), "initiator")
    acc = peers(env_for(pki.server_settings(max_lifetime=120)), "acceptor")
    handshake_until_done(ini, acc)
    a = acc.ok("inquire")
    assert 0 < a["lifetime"] <= 120, a
    i = ini.ok("inquire")
    assert 0 < i["lifetime"], i


def test_localname_map(pki, env_for, gss_server, tmp_path):
    """gss-server prints gss_localname() of the client."""
    mapfile = write(tmp_path / "localnames",
                    "# display-name local-user\nx509:CN=alice alice\npsk:bob bobby\n")
    srv = gss_server(env_for(pki.server_settings(localname_map=mapfile)))
    client = run_client(env_for(pki.client_settings()), srv.port)
    rc, out, err = srv.finish()
    assert client.returncode == 0, client.stdout
    assert "localname: alice" in out, out


# -------------------------------------------------------------- tracing

def test_trace_log_has_steps_but_no_keys(psk, pki, env_for, peers, tmp_path):
    ilog, alog = tmp_path / "init.trace", tmp_path / "acc.trace"
    ini = peers(env_for({"psk_file": psk.client_alice, "trace": ilog}), "initiator")
    acc = peers(env_for({"psk_file": psk.server, "trace": alog}), "acceptor")
    handshake_until_done(ini, acc)
    mic = ini.ok("get_mic", msg="00")["mic"]
    acc.ok("verify_mic", msg="00", mic=mic)
    ini.close()
    acc.close()
    for log in (ilog, alog):
        text = log.read_text()
        assert text.strip(), "%s is empty" % log
        low = text.lower()
        for key in PSK_KEYS.values():
            assert key not in low, "PSK key material in %s" % log
            assert key[:16] not in low, "PSK key prefix in %s" % log
    assert "alice" in alog.read_text()        # the identity is fine to log
    # PSK mode keeps forward secrecy: an (EC)DHE exchange runs as well.
    for log in (ilog, alog):
        assert "key exchange x25519, pre-shared key" in log.read_text(), log


def test_trace_shows_certificate_handshake(pki, env_for, peers, tmp_path):
    alog = tmp_path / "cert.trace"
    ini = peers(env_for(pki.client_settings()), "initiator")
    acc = peers(env_for(pki.server_settings(trace=alog)), "acceptor")
    handshake_until_done(ini, acc)
    acc.close()
    text = alog.read_text()
    assert "TLSv1.3" in text and ", certificate)" in text, text[-2000:]


def test_trace_records_failure_reason(psk, env_for, peers, tmp_path):
    alog = tmp_path / "fail.trace"
    ini = peers(env_for({"psk_file": psk.wrong_key}), "initiator")
    acc = peers(env_for({"psk_file": psk.server, "trace": alog}), "acceptor")
    hs = handshake(ini, acc)
    assert not hs.ok
    acc.close()
    text = alog.read_text()
    assert "pre-shared key" in text, text[-2000:]
    assert ("5a" * 32) not in text.lower()


def test_trace_setting_in_config_file_and_stderr(pki, env_for, gss_server, tmp_path):
    conf = write(tmp_path / "signet.conf", "trace = stderr\n")
    env = env_for(pki.server_settings(), SIGNET_CONFIG=conf)
    srv = gss_server(env)
    client = run_client(env_for(pki.client_settings()), srv.port)
    rc, out, err = srv.finish()
    assert client.returncode == 0, client.stdout
    assert err.replace("starting...", "").strip(), "no trace on stderr"
    key_pem = pki.server_key.read_text().splitlines()[1]
    assert key_pem not in err


def test_every_key_is_documented(plugin):
    """The registry (mech/settings.c, listed by t_settings --list-keys) and
    the documents agree: every key is in docs/configuration.md's table, the
    README and signet(7), and every key the table documents exists."""
    import re
    from conftest import REPO, builddir
    out = subprocess.run([str(builddir() / "tests/unit/t_settings"), "--list-keys"],
                         capture_output=True, text=True, check=True).stdout
    keys = [line.split("\t")[0] for line in out.splitlines() if line]
    assert len(keys) >= 20, keys
    conf = (REPO / "docs/configuration.md").read_text()
    readme = (REPO / "README.md").read_text()
    man = (REPO / "man/signet.7.in").read_text()
    for key in keys:
        assert re.search(r"^\| `%s` \|" % re.escape(key), conf, re.M), (
            "docs/configuration.md has no row for " + key)
        assert "`%s`" % key in readme, "README.md lacks " + key
        assert re.search(r"^\.B %s$" % re.escape(key), man, re.M), (
            "signet(7) lacks " + key)
    table = re.findall(r"^\| `([a-z0-9_]+)` \|", conf[conf.index("## Keys"):], re.M)
    unknown = [k for k in table if k not in keys]
    assert not unknown, "documented but not settings: %s" % unknown
