"""kdc.py - a real MIT KDC for the SSPI tests (Kerberos and Negotiate).

Kdc(directory) makes a throwaway realm SIGNET.TEST with kdb5_util and
kadmin.local, starts krb5kdc in the foreground (-n) on a free loopback port
and waits for its "starting..." line; stop() always ends it.  Principals:
  alice@SIGNET.TEST        password "alice-password" (ticket in kdc.ccache)
  host/localhost@...       key in kdc.keytab (gss-server's host@localhost)
Everything lives in the directory: KRB5_CONFIG, KRB5_KDC_PROFILE, the
database, the keytab and the credential cache; /etc is never read or
written.  kdc.env(base) returns a child environment using them.
Modelled on MIT's src/util/k5test.py.
"""

import os
import select
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conftest import require_program

REALM = "SIGNET.TEST"
USER = "alice"
PASSWORD = "alice-password"
MASTER = "master-password"


def _free_port():
    # a port free for both TCP and UDP (the KDC listens on both)
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
            t.bind(("127.0.0.1", 0))
            port = t.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                    u.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for the KDC")


class Kdc:
    def __init__(self, directory):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = _free_port()
        self.krb5_conf = self.dir / "krb5.conf"
        self.kdc_conf = self.dir / "kdc.conf"
        self.keytab = self.dir / "kdc.keytab"
        self.ccache = self.dir / "kdc.ccache"
        self.proc = None
        self.krb5_conf.write_text(
            "[libdefaults]\n"
            "  default_realm = %(realm)s\n"
            "  dns_lookup_kdc = false\n"
            "  dns_lookup_realm = false\n"
            "  dns_canonicalize_hostname = false\n"
            "  rdns = false\n"
            "  qualify_shortname = \"\"\n"
            "  udp_preference_limit = 1\n"
            "[realms]\n"
            "  %(realm)s = {\n"
            "    kdc = 127.0.0.1:%(port)d\n"
            "  }\n"
            "[domain_realm]\n"
            "  localhost = %(realm)s\n" % {"realm": REALM, "port": self.port})
        self.kdc_conf.write_text(
            "[realms]\n"
            "  %(realm)s = {\n"
            "    database_name = %(dir)s/db\n"
            "    key_stash_file = %(dir)s/stash\n"
            "    acl_file = %(dir)s/acl\n"
            "    kdc_listen = 127.0.0.1:%(port)d\n"
            "    kdc_tcp_listen = 127.0.0.1:%(port)d\n"
            "  }\n"
            "[dbmodules]\n"
            "  %(realm)s = {\n"
            "    db_library = db2\n"
            "  }\n"
            "[logging]\n"
            "  kdc = FILE:%(dir)s/kdc.log\n"
            "  default = FILE:%(dir)s/others.log\n"
            % {"realm": REALM, "port": self.port, "dir": self.dir})
        (self.dir / "acl").write_text("")
        self.base = {
            "KRB5_CONFIG": str(self.krb5_conf),
            "KRB5_KDC_PROFILE": str(self.kdc_conf),
            "KRB5CCNAME": "FILE:%s" % self.ccache,
            "KRB5_KTNAME": "FILE:%s" % self.keytab,
            "KRB5_CLIENT_KTNAME": "FILE:%s" % (self.dir / "no-client-keytab"),
            "KRB5RCACHETYPE": "none",
        }

    def env(self, base=None, **extra):
        env = dict(base if base is not None else os.environ)
        env.update(self.base)
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def run(self, cmd, stdin=None):
        env = self.env({k: v for k, v in os.environ.items()
                        if k != "LD_PRELOAD"})
        proc = subprocess.run(cmd, env=env, input=stdin, capture_output=True,
                              text=True, timeout=60)
        if proc.returncode != 0:
            raise RuntimeError("%s failed: %s %s" % (cmd, proc.stdout, proc.stderr))
        return proc.stdout

    def start(self):
        self.run(["kdb5_util", "create", "-s", "-r", REALM, "-P", MASTER])
        env = self.env({k: v for k, v in os.environ.items() if k != "LD_PRELOAD"})
        self.proc = subprocess.Popen(["krb5kdc", "-n", "-r", REALM], env=env,
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        seen = b""
        while b"starting..." not in seen:
            left = deadline - time.monotonic()
            if left <= 0:
                self.stop()
                raise RuntimeError("krb5kdc did not start: %r" % seen)
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    self.stop()
                    raise RuntimeError("krb5kdc exited: %r" % seen)
                seen += chunk
        kadmin = ["kadmin.local", "-r", REALM, "-q"]
        self.run(kadmin + ["addprinc -pw %s %s" % (PASSWORD, USER)])
        self.run(kadmin + ["addprinc -randkey host/localhost"])
        self.run(kadmin + ["ktadd -k %s host/localhost" % self.keytab])
        self.kinit()
        return self

    def kinit(self):
        self.run(["kinit", "%s@%s" % (USER, REALM)], stdin=PASSWORD + "\n")

    def stop(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=10)
            self.proc.stdout.close()
            self.proc = None


@pytest.fixture(scope="session")
def kdc(tmp_path_factory):
    """A running KDC for the session (stopped at the end)."""
    for program, package in (("kdb5_util", "krb5-kdc"), ("krb5kdc", "krb5-kdc"),
                             ("kadmin.local", "krb5-admin-server"),
                             ("kinit", "krb5-user")):
        require_program(program, package)
    k = Kdc(tmp_path_factory.mktemp("kdc"))
    try:
        k.start()
        yield k
    finally:
        k.stop()
