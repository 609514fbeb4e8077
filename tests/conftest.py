"""Fixtures for the Signet integration tests.

Real components only: MIT's gss-server/gss-client (krb5-gss-samples),
python3-gssapi peers in their own processes (tests/peer.py), certificates
made here with python3-cryptography.  The mechanism is loaded through a
GSS_MECH_CONFIG file written by the tests; /etc/gss is never touched.

Missing dependencies: a test that needs a program or package that is not
installed calls require_program()/require_file()/require_module(); outside
CI that skips the test naming the Debian package to install
(tools/install-deps installs them all), with CI set it fails the test.

Environment:
  SIGNET_BUILDDIR   build directory holding .libs/mech_signet.so
                    (default: <repo>/build, else the source tree when it
                    is configured in place; `make check` sets it)
  CI                set (to anything): a missing dependency is a failure
  SIGNET_SANITIZE   "1": children get LD_PRELOAD of the ASan runtime
                    (SIGNET_ASAN_RUNTIME), ASAN_OPTIONS/UBSAN_OPTIONS from
                    the environment; any report file in SIGNET_SANITIZER_DIR
                    fails the test that produced it (tests/run.sh sets these).
"""

import datetime
import importlib.util
import ipaddress
import json
import os
import re
import select
import signal
import socket
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
except ImportError as exc:  # every test needs the certificates made here
    raise ImportError("python3-cryptography is not installed "
                      "(tools/install-deps installs it)") from exc

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"
PYTHON = "/usr/bin/python3"          # the interpreter with python3-gssapi
PEER = str(TESTS / "peer.py")
SIGNET_OID = "2.25.3215548014888410103"
MECH_ARG = "{%s}" % SIGNET_OID        # gss-client -mech spelling
SERVICE = "host@localhost"
TIMEOUT = 60

# GSS major status codes (RFC 2744)
GSS_S_COMPLETE = 0
GSS_S_BAD_MECH = 1 << 16
GSS_S_BAD_NAME = 2 << 16
GSS_S_BAD_BINDINGS = 4 << 16
GSS_S_BAD_SIG = 6 << 16
GSS_S_NO_CRED = 7 << 16
GSS_S_NO_CONTEXT = 8 << 16
GSS_S_DEFECTIVE_TOKEN = 9 << 16
GSS_S_DEFECTIVE_CREDENTIAL = 10 << 16
GSS_S_CREDENTIALS_EXPIRED = 11 << 16
GSS_S_CONTEXT_EXPIRED = 12 << 16
GSS_S_FAILURE = 13 << 16
GSS_S_BAD_QOP = 14 << 16
GSS_S_UNAUTHORIZED = 15 << 16
GSS_S_UNAVAILABLE = 16 << 16
GSS_S_CONTINUE_NEEDED = 1 << 0
GSS_S_DUPLICATE_TOKEN = 1 << 1
GSS_S_OLD_TOKEN = 1 << 2
GSS_S_UNSEQ_TOKEN = 1 << 3
GSS_S_GAP_TOKEN = 1 << 4

# context flags
DELEG, MUTUAL, REPLAY, SEQUENCE, CONF, INTEG, ANON = 1, 2, 4, 8, 16, 32, 64
PROT_READY, TRANS = 128, 256
DEFAULT_FLAGS = MUTUAL | REPLAY | SEQUENCE | CONF | INTEG

MAJOR_NAMES = {v: k for k, v in dict(globals()).items()
               if k.startswith("GSS_S_") and v & 0x00FF0000}


def major_name(major):
    if major is None:
        return "None"
    parts = [MAJOR_NAMES.get(major & 0x00FF0000, hex(major & 0x00FF0000))]
    for bit, name in ((GSS_S_DUPLICATE_TOKEN, "DUPLICATE_TOKEN"),
                      (GSS_S_OLD_TOKEN, "OLD_TOKEN"),
                      (GSS_S_UNSEQ_TOKEN, "UNSEQ_TOKEN"),
                      (GSS_S_GAP_TOKEN, "GAP_TOKEN")):
        if major & bit:
            parts.append(name)
    if major & 0xFF000000:
        parts.append("calling=%#x" % (major & 0xFF000000))
    return "|".join(parts)


# ------------------------------------------------------ missing dependencies

# The test packages (SIGNET_TEST_PACKAGES=1, run by .ci/run after installing
# the .debs) are collected only when asked for: they use the system's
# /etc/gss, which no other test reads.
collect_ignore = ([] if os.environ.get("SIGNET_TEST_PACKAGES") == "1"
                  else ["test_package.py"])


def missing_dependency(what, package):
    """what is not installed: fail in CI (CI set), else skip naming the
    Debian package that provides it."""
    text = "%s is not installed: apt-get install %s (tools/install-deps)" % (
        what, package)
    if os.environ.get("CI"):
        pytest.fail("missing dependency in CI: " + text, pytrace=False)
    pytest.skip(text)


def require_program(name, package):
    """The path of program name; a missing one is missing_dependency()."""
    path = shutil.which(name)
    if path is None:
        missing_dependency("program %s" % name, package)
    return path


def require_file(path, package):
    if not os.path.exists(path):
        missing_dependency(str(path), package)
    return path


def require_module(name, package):
    """A python module the children of /usr/bin/python3 import."""
    if importlib.util.find_spec(name) is None:
        missing_dependency("python module %s" % name, package)


# ------------------------------------------------------------ build / config

def builddir():
    env = os.environ.get("SIGNET_BUILDDIR")
    if env:
        return Path(env).resolve()
    for cand in (REPO / "build", REPO):
        if (cand / ".libs" / "mech_signet.so").exists():
            return cand
    return REPO / "build"


@pytest.fixture(scope="session")
def plugin():
    path = builddir() / ".libs" / "mech_signet.so"
    if not path.exists():
        pytest.fail("mech_signet.so not built: %s (set SIGNET_BUILDDIR or "
                    "run tests/run.sh)" % path)
    return path


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("signet")


@pytest.fixture(scope="session")
def mech_config(plugin, workdir):
    path = workdir / "mech.conf"
    path.write_text("signet %s %s\n" % (SIGNET_OID, plugin))
    return path


@pytest.fixture(scope="session")
def base_env(mech_config, workdir):
    """Environment for every child: only Signet configured, krb5 quiet and
    without credentials, no stray SIGNET_* settings."""
    krb5conf = workdir / "krb5.conf"
    krb5conf.write_text("# empty: no realms, no KDC\n")
    empty_signet_conf = workdir / "signet-empty.conf"
    empty_signet_conf.write_text("# no settings\n")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SIGNET_", "KRB5", "GSS_"))}
    env.update({
        "GSS_MECH_CONFIG": str(mech_config),
        "KRB5_CONFIG": str(krb5conf),
        "KRB5CCNAME": "FILE:%s" % (workdir / "no-ccache"),
        "KRB5_KTNAME": "FILE:%s" % (workdir / "no-keytab"),
        "KRB5_CLIENT_KTNAME": "FILE:%s" % (workdir / "no-client-keytab"),
        "SIGNET_CONFIG": str(empty_signet_conf),
        "LC_ALL": "C",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    if os.environ.get("SIGNET_SANITIZE") == "1":
        runtime = os.environ.get("SIGNET_ASAN_RUNTIME", "")
        if runtime:
            env["LD_PRELOAD"] = runtime
        for key in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if key in os.environ:
                env[key] = os.environ[key]
    return env


def py_env(env):
    """Environment for a python child: under --sanitize python runs with its
    own ASAN_OPTIONS (leak checking off: the interpreter keeps objects)."""
    env = dict(env)
    if "ASAN_OPTIONS" in env and os.environ.get("SIGNET_PY_ASAN_OPTIONS"):
        env["ASAN_OPTIONS"] = os.environ["SIGNET_PY_ASAN_OPTIONS"]
    return env


def make_env(base, settings=None, **extra):
    """A child environment: base plus SIGNET_<KEY> for each setting."""
    env = dict(base)
    for key, value in (settings or {}).items():
        if value is None:
            env.pop("SIGNET_" + key.upper(), None)
        else:
            env["SIGNET_" + key.upper()] = str(value)
    env.update({k: str(v) for k, v in extra.items()})
    return env


@pytest.fixture
def env_for(base_env):
    """env_for(settings_dict, **extra_env) -> dict for subprocesses."""
    def make(settings=None, **extra):
        return make_env(base_env, settings, **extra)
    return make


# ------------------------------------------------------ sanitizer reports

@pytest.fixture(autouse=True)
def no_sanitizer_reports():
    """Fail the test during which a sanitizer report file appeared."""
    directory = os.environ.get("SIGNET_SANITIZER_DIR")
    if not directory:
        yield
        return
    before = set(os.listdir(directory))
    yield
    new = sorted(set(os.listdir(directory)) - before)
    if new:
        texts = []
        for name in new:
            try:
                texts.append("== %s ==\n%s" % (name, Path(directory, name)
                                               .read_text(errors="replace")))
            except OSError:
                pass
        pytest.fail("sanitizer report(s):\n" + "\n".join(texts)[:20000])


HEX_LINE = re.compile(r"^\s*([0-9a-f]{2} )+[0-9a-f]{0,2}\s*$")


def tidy(text, limit=4000):
    """Sample-program output without its hex dumps, for failure messages."""
    lines = [ln for ln in text.splitlines() if not HEX_LINE.match(ln)]
    return "\n".join(lines)[-limit:]


def sample_errors(text, allow=("gss_inquire_name",)):
    """'GSS-API error ...' lines of sample-program output, except those about
    the operations in allow (reported by a dedicated test)."""
    return [ln for ln in text.splitlines()
            if "GSS-API error" in ln and not any(a in ln for a in allow)]


def assert_no_crash(proc_rc, what, output=""):
    """A child ended by a signal (crash, ASan abort) fails the test."""
    assert proc_rc is not None, "%s still running" % what
    assert proc_rc >= 0, "%s killed by signal %d\n%s" % (
        what, -proc_rc, output[-4000:])
    for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:",
                   "Segmentation fault", "Traceback (most recent call last)"):
        assert marker not in output, "%s: %s\n%s" % (what, marker,
                                                     output[-6000:])


# ------------------------------------------------------------------- PKI

def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _write_key(path, key):
    path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    os.chmod(path, 0o600)


def _write_cert(path, *certs):
    path.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM)
                              for c in certs))


class Pki:
    """Certificates and keys in one directory.

    Attributes are paths: ca, ca_key, ca2, server/server_key (CN=localhost,
    SAN DNS:localhost, IP:127.0.0.1), client/client_key (CN=alice),
    expired/expired_key (localhost, notAfter in the past), expired_client,
    wronghost (CN=other.example), wrongca (localhost, issued by ca2),
    revoked (localhost, serial in crl), crl, server_p12 (password "secret"),
    client2 (CN=bob).
    """

    def __init__(self, directory):
        self.dir = directory
        now = datetime.datetime.now(datetime.timezone.utc)
        self._now = now
        self.ca_keyobj, self.ca_cert = self._ca("Signet Test CA")
        self.ca2_keyobj, self.ca2_cert = self._ca("Signet Wrong CA")
        self.ca = directory / "ca.pem"
        _write_cert(self.ca, self.ca_cert)
        self.ca2 = directory / "ca2.pem"
        _write_cert(self.ca2, self.ca2_cert)
        self.both_cas = directory / "both-cas.pem"
        _write_cert(self.both_cas, self.ca_cert, self.ca2_cert)
        _write_key(directory / "ca.key", self.ca_keyobj)
        self.ca_key = directory / "ca.key"

        self.server, self.server_key, server_cert, server_key = self._leaf(
            "server", "localhost", server=True)
        self.client, self.client_key, _, _ = self._leaf(
            "client", "alice", server=False)
        self.client2, self.client2_key, _, _ = self._leaf(
            "client2", "bob", server=False)
        self.expired, self.expired_key, _, _ = self._leaf(
            "expired", "localhost", server=True,
            not_before=now - datetime.timedelta(days=30),
            not_after=now - datetime.timedelta(days=1))
        self.expired_client, self.expired_client_key, _, _ = self._leaf(
            "expired-client", "alice", server=False,
            not_before=now - datetime.timedelta(days=30),
            not_after=now - datetime.timedelta(days=1))
        self.wronghost, self.wronghost_key, _, _ = self._leaf(
            "wronghost", "other.example", server=True,
            dns=["other.example"], ips=[])
        self.wrongca, self.wrongca_key, _, _ = self._leaf(
            "wrongca", "localhost", server=True,
            issuer=(self.ca2_keyobj, self.ca2_cert))
        self.wrongca_client, self.wrongca_client_key, _, _ = self._leaf(
            "wrongca-client", "mallory", server=False,
            issuer=(self.ca2_keyobj, self.ca2_cert))
        self.revoked, self.revoked_key, revoked_cert, _ = self._leaf(
            "revoked", "localhost", server=True)

        crl = (x509.CertificateRevocationListBuilder()
               .issuer_name(self.ca_cert.subject)
               .last_update(now - datetime.timedelta(hours=1))
               .next_update(now + datetime.timedelta(days=30))
               .add_revoked_certificate(
                   x509.RevokedCertificateBuilder()
                   .serial_number(revoked_cert.serial_number)
                   .revocation_date(now - datetime.timedelta(minutes=30))
                   .build())
               .add_extension(x509.CRLNumber(1), critical=False)
               .sign(self.ca_keyobj, hashes.SHA256()))
        self.crl = directory / "ca.crl.pem"
        self.crl.write_bytes(crl.public_bytes(serialization.Encoding.PEM))
        self.revoked_serial = revoked_cert.serial_number

        self.server_p12 = directory / "server.p12"
        self.server_p12.write_bytes(pkcs12.serialize_key_and_certificates(
            b"localhost", server_key, server_cert, [self.ca_cert],
            serialization.BestAvailableEncryption(b"secret")))
        os.chmod(self.server_p12, 0o600)
        self.p12_password = "secret"

    def _ca(self, cn):
        key = ec.generate_private_key(ec.SECP256R1())
        now = self._now
        cert = (x509.CertificateBuilder()
                .subject_name(_name(cn)).issuer_name(_name(cn))
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=365))
                .add_extension(x509.BasicConstraints(ca=True, path_length=None),
                               critical=True)
                .add_extension(x509.KeyUsage(
                    digital_signature=True, content_commitment=False,
                    key_encipherment=False, data_encipherment=False,
                    key_agreement=False, key_cert_sign=True, crl_sign=True,
                    encipher_only=False, decipher_only=False), critical=True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(
                    key.public_key()), critical=False)
                .sign(key, hashes.SHA256()))
        return key, cert

    def _leaf(self, stem, cn, server, issuer=None, dns=None, ips=None,
              not_before=None, not_after=None):
        ikey, icert = issuer or (self.ca_keyobj, self.ca_cert)
        key = ec.generate_private_key(ec.SECP256R1())
        now = self._now
        builder = (x509.CertificateBuilder()
                   .subject_name(_name(cn)).issuer_name(icert.subject)
                   .public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(not_before or now - datetime.timedelta(days=1))
                   .not_valid_after(not_after or now + datetime.timedelta(days=90))
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None),
                                  critical=True)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                       ikey.public_key()), critical=False)
                   .add_extension(x509.ExtendedKeyUsage(
                       [ExtendedKeyUsageOID.SERVER_AUTH,
                        ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False))
        if server:
            dns = ["localhost"] if dns is None else dns
            ips = ["127.0.0.1"] if ips is None else ips
            sans = ([x509.DNSName(d) for d in dns] +
                    [x509.IPAddress(ipaddress.ip_address(i)) for i in ips])
            if sans:
                builder = builder.add_extension(
                    x509.SubjectAlternativeName(sans), critical=False)
        cert = builder.sign(ikey, hashes.SHA256())
        cpath = self.dir / (stem + ".pem")
        kpath = self.dir / (stem + ".key")
        _write_cert(cpath, cert)
        _write_key(kpath, key)
        return cpath, kpath, cert, key

    # -- settings dictionaries for the usual roles
    def server_settings(self, cert=None, key=None, **more):
        s = {"certificate": cert or self.server,
             "private_key": key or self.server_key, "ca_file": self.ca}
        s.update(more)
        return s

    def client_settings(self, cert=None, key=None, **more):
        s = {"certificate": cert or self.client,
             "private_key": key or self.client_key, "ca_file": self.ca}
        s.update(more)
        return s


@pytest.fixture(scope="session")
def pki(workdir):
    directory = workdir / "pki"
    directory.mkdir()
    return Pki(directory)


# -------------------------------------------------------------------- PSK

PSK_KEYS = {
    "alice": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
    "bob": "f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f",
    "carol": "a1" * 16,
}


class Psk:
    """PSK files (mode 0600): server (alice, bob, carol), client_alice (only
    alice), client_bob, wrong_key (alice with another key), unknown (dave),
    world_readable (0644 copy of server)."""

    def __init__(self, directory):
        self.dir = directory
        self.server = self._write("server.psk", "# Signet test PSKs\n\n" +
                                  "".join("%s %s\n" % kv for kv in PSK_KEYS.items()))
        self.client_alice = self._write("alice.psk",
                                        "alice %s\n" % PSK_KEYS["alice"])
        self.client_bob = self._write("bob.psk", "bob %s\n" % PSK_KEYS["bob"])
        self.wrong_key = self._write("alice-wrong.psk", "alice %s\n" % ("5a" * 32))
        self.unknown = self._write("dave.psk", "dave %s\n" % ("77" * 32))
        self.world_readable = self._write(
            "world.psk", "alice %s\n" % PSK_KEYS["alice"], mode=0o644)
        self.group_readable = self._write(
            "group.psk", "alice %s\n" % PSK_KEYS["alice"], mode=0o640)

    def _write(self, name, text, mode=0o600):
        path = self.dir / name
        path.write_text(text)
        os.chmod(path, mode)
        return path


@pytest.fixture(scope="session")
def psk(workdir):
    directory = workdir / "psk"
    directory.mkdir()
    return Psk(directory)


# --------------------------------------------------------------- processes

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("", 0))
        return s.getsockname()[1]


def wait_for_line(proc, stream, sentinel, timeout=TIMEOUT):
    """Read stream until a line containing sentinel; returns what was read.
    Fails if the process exits first or the deadline passes."""
    deadline = time.monotonic() + timeout
    seen = b""
    fd = stream.fileno()
    while sentinel.encode() not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError("no %r within %ss; got %r" % (sentinel, timeout, seen))
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            raise AssertionError("process exited (rc=%s) before %r; output %r" % (
                proc.poll(), sentinel, seen))
        seen += chunk
    return seen.decode(errors="replace")


def stop(proc):
    """Always leave no child behind."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


class GssServer:
    """gss-server -once on a free port; output collected at finish()."""

    def __init__(self, env, args=(), service=SERVICE, workdir=None, once=True):
        require_program("gss-server", "krb5-gss-samples")
        self.port = free_port()
        self.out_path = Path(workdir) / ("gss-server-%d.out" % self.port)
        self.out = open(self.out_path, "wb")
        cmd = (["gss-server", "-port", str(self.port)] + (["-once"] if once else [])
               + list(args) + [service])
        self.cmd = cmd
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.out,
                                     stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        self.stderr = wait_for_line(self.proc, self.proc.stderr, "starting...")

    def finish(self, timeout=TIMEOUT):
        """Wait for the -once server to exit; returns (rc, stdout, stderr)."""
        try:
            rest = self.proc.communicate(timeout=timeout)[1]
        except subprocess.TimeoutExpired:
            stop(self.proc)
            rest = self.proc.communicate()[1]
            self.out.close()
            raise AssertionError("gss-server did not finish: %s" % self.read())
        self.out.close()
        self.stderr += rest.decode(errors="replace")
        stdout = self.read()
        assert_no_crash(self.proc.returncode, "gss-server", stdout + self.stderr)
        return self.proc.returncode, stdout, self.stderr

    def read(self):
        return self.out_path.read_text(errors="replace")

    def close(self):
        stop(self.proc)
        if self.proc.stderr:
            self.proc.stderr.close()
        if not self.out.closed:
            self.out.close()


@pytest.fixture
def gss_server(workdir):
    """gss_server(env, args=[...]) -> GssServer (stopped after the test)."""
    started = []

    def start(env, args=(), service=SERVICE, once=True):
        srv = GssServer(env, args, service, workdir, once)
        started.append(srv)
        return srv
    yield start
    for srv in started:
        srv.close()


def run_client(env, port, args=(), service=SERVICE, msg="hello signet",
               mech=True, timeout=TIMEOUT):
    """gss-client against 127.0.0.1:port; returns CompletedProcess (text)."""
    require_program("gss-client", "krb5-gss-samples")
    cmd = ["gss-client", "-port", str(port)]
    if mech:
        cmd += ["-mech", MECH_ARG]
    cmd += list(args) + ["127.0.0.1", service, msg]
    proc = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout)
    assert_no_crash(proc.returncode, "gss-client", proc.stdout + proc.stderr)
    return proc


class PeerServer:
    """tests/peer.py server on a port it picked itself."""

    def __init__(self, env, args=()):
        require_module("gssapi", "python3-gssapi")
        self.proc = subprocess.Popen([PYTHON, PEER, "server"] + list(args),
                                     env=py_env(env), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL)
        line = wait_for_line(self.proc, self.proc.stdout, "\n")
        assert line.startswith("listening "), line
        self.port = int(line.split()[1])

    def finish(self, timeout=TIMEOUT):
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop(self.proc)
            out, err = self.proc.communicate()
            raise AssertionError("peer server did not finish: %r %r" % (out, err))
        out, err = out.decode(errors="replace"), err.decode(errors="replace")
        assert_no_crash(self.proc.returncode, "peer.py server", out + err)
        assert self.proc.returncode == 0, err
        return json.loads(out.strip().splitlines()[-1])

    def close(self):
        stop(self.proc)
        for f in (self.proc.stdout, self.proc.stderr):
            if f:
                f.close()


@pytest.fixture
def peer_server():
    started = []

    def start(env, args=()):
        srv = PeerServer(env, args)
        started.append(srv)
        return srv
    yield start
    for srv in started:
        srv.close()


def run_peer_client(env, port, args=(), timeout=TIMEOUT):
    require_module("gssapi", "python3-gssapi")
    proc = subprocess.run([PYTHON, PEER, "client", "--port", str(port)] + list(args),
                          env=py_env(env), stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=timeout)
    assert_no_crash(proc.returncode, "peer.py client", proc.stdout + proc.stderr)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


class Peer:
    """A python3-gssapi process driven by JSON commands (peer.py rpc)."""

    def __init__(self, env, label):
        require_module("gssapi", "python3-gssapi")
        self.label = label
        self.proc = subprocess.Popen([PYTHON, PEER, "rpc"], env=py_env(env),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1)

    def call(self, op, **kw):
        req = dict(kw, op=op)
        try:
            self.proc.stdin.write(json.dumps(req) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass
        line = self._readline()
        if not line:
            err = self._drain_stderr()
            rc = self.proc.wait(timeout=10)
            raise AssertionError("%s peer died during %s (rc=%s)\n%s" % (
                self.label, op, rc, err[-6000:]))
        return json.loads(line)

    def _readline(self):
        fd = self.proc.stdout
        ready, _, _ = select.select([fd], [], [], TIMEOUT)
        if not ready:
            raise AssertionError("%s peer: no answer within %ss" % (self.label, TIMEOUT))
        return fd.readline()

    def _drain_stderr(self):
        try:
            return self.proc.stderr.read()
        except Exception:
            return ""

    def ok(self, op, **kw):
        ans = self.call(op, **kw)
        assert ans["ok"], "%s %s failed: %s %s" % (
            self.label, op, major_name(ans.get("major")), ans)
        return ans

    def close(self):
        """Ends the process and checks it did not crash."""
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(json.dumps({"op": "exit"}) + "\n")
                self.proc.stdin.close()
            except (BrokenPipeError, ValueError):
                pass
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                stop(self.proc)
        err = self._drain_stderr()
        rc = self.proc.returncode
        self.proc.stdout.close()
        self.proc.stderr.close()
        return rc, err


@pytest.fixture
def peers():
    """peers(env, label) -> Peer; each is stopped and checked after the test."""
    started = []

    def start(env, label="peer"):
        p = Peer(env, label)
        started.append(p)
        return p
    yield start
    failures = []
    for p in started:
        rc, err = p.close()
        if rc is None or rc < 0 or "AddressSanitizer" in err or "runtime error:" in err:
            failures.append("%s: rc=%s\n%s" % (p.label, rc, err[-4000:]))
    if failures:
        pytest.fail("peer process crashed:\n" + "\n".join(failures))


# ---------------------------------------------------------- handshakes

class Handshake:
    """Result of driving a context establishment between two rpc peers.

    legs: list of (side, answer) in order; init/acc: the final answers.
    failed: (side, answer) of the first failing call, or None.
    """

    def __init__(self):
        self.legs = []
        self.tokens = []
        self.failed = None
        self.peer_failed = None

    @property
    def ok(self):
        return self.failed is None


def handshake(ini, acc, target=SERVICE, flags=None, init_cb=None, acc_cb=None,
              mangle=None, ctx="default", max_legs=10, forward_error=True,
              init_kw=None):
    """Run init/accept legs between two peers, carrying tokens.

    mangle(leg_no, token_bytes) -> bytes may change a token in flight
    (leg_no counts tokens from 1).  When a side fails and produced an error
    token, it is forwarded to the other side (forward_error) and that
    side's answer is recorded in peer_failed.
    """
    hs = Handshake()
    token = None
    leg = 0
    side = "init"
    while leg < max_legs:
        if side == "init":
            kw = dict(ctx=ctx, target=target, flags=flags, cb=init_cb,
                      token=token, new=(leg == 0))
            kw.update(init_kw or {})
            ans = ini.call("init", **kw)
        else:
            ans = acc.call("accept", ctx=ctx, token=token, cb=acc_cb,
                           new=(leg == 1))
        hs.legs.append((side, ans))
        other, other_op = (acc, "accept") if side == "init" else (ini, "init")
        if not ans["ok"]:
            hs.failed = (side, ans)
            if forward_error and ans.get("token"):
                kw = {"ctx": ctx, "token": ans["token"]}
                if other_op == "init":
                    kw.update(target=target, flags=flags, cb=init_cb)
                else:
                    kw.update(cb=acc_cb)
                hs.peer_failed = (other_op, other.call(other_op, **kw))
            return hs
        out = ans.get("token")
        if out:
            leg += 1
            raw = bytes.fromhex(out)
            if mangle:
                raw = mangle(leg, raw)
            hs.tokens.append(raw)
            token = raw.hex()
        else:
            token = None
        if side == "init":
            hs.init = ans
        else:
            hs.acc = ans
        if not ans["continue"] and not out:
            break
        if not ans["continue"] and out:
            # the other side must consume this last token
            side = "acc" if side == "init" else "init"
            continue
        side = "acc" if side == "init" else "init"
    return hs


def handshake_until_done(ini, acc, **kw):
    """Like handshake() but asserts success; returns the Handshake."""
    hs = handshake(ini, acc, **kw)
    assert hs.ok, "handshake failed at %s: %s %s" % (
        hs.failed[0], major_name(hs.failed[1].get("major")), hs.failed[1])
    return hs


def assert_gss_error(ans, major, text=None, what=""):
    """ans is a peer answer: failed with routine error major (exact, plus
    supplementary bits if major has them) and minor text containing text."""
    assert not ans["ok"], "%s: expected %s, got success %s" % (
        what, major_name(major), ans)
    got = ans["major"]
    assert got is not None, "%s: not a GSS error: %s" % (what, ans)
    if True:  # routine error compared exactly (0 for supplementary-only)
        assert got & 0x00FF0000 == major & 0x00FF0000, (
            "%s: expected %s, got %s (%s / %s)" % (
                what, major_name(major), major_name(got),
                ans.get("major_text"), ans.get("minor_text")))
    if major & 0xFFFF:
        assert got & 0xFFFF & major, "%s: expected %s, got %s (%s)" % (
            what, major_name(major), major_name(got), ans.get("minor_text"))
    if text is not None:
        assert text.lower() in (ans.get("minor_text") or "").lower(), (
            "%s: minor text %r does not contain %r (major %s)" % (
                what, ans.get("minor_text"), text, major_name(got)))
