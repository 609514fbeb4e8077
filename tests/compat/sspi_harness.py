"""sspi_harness.py - starting the SSPI test programs and the python3-gssapi
peer (gss_peer.py) for tests/test_sspi_*.py.

Every program prints a JSON report as its last stdout line; servers first
print "listening <port>".  Servers are always stopped (ServerProc.close)."""

import json
import subprocess
from pathlib import Path

from conftest import (PYTHON, TIMEOUT, assert_no_crash, builddir, py_env,
                      require_module, stop, wait_for_line)

HERE = Path(__file__).resolve().parent
GSS_PEER = str(HERE / "gss_peer.py")
SIGNET_OID = "2.25.3215548014888410103"
NTLM_LINE = ("gssntlmssp_v1 1.3.6.1.4.1.311.2.2.10 "
             "/usr/lib/x86_64-linux-gnu/gssntlmssp/gssntlmssp.so")


def program(name):
    """The real executable (not libtool's wrapper script, whose shell tools
    would run with the ASan runtime preloaded); with_libdir() finds the
    uninstalled library."""
    path = builddir() / "tests" / "compat" / ".libs" / name
    if not path.exists():
        path = builddir() / "tests" / "compat" / name
    if not path.exists():
        raise AssertionError("%s not built (make -C %s check TESTS=)" % (path, builddir()))
    return str(path)


def with_libdir(env):
    env = dict(env)
    libdir = str(builddir() / "compat" / ".libs")
    old = env.get("LD_LIBRARY_PATH")
    env["LD_LIBRARY_PATH"] = libdir + (":" + old if old else "")
    return env


def last_json(text, what):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise AssertionError("%s printed no report:\n%s" % (what, text[-4000:]))


class ServerProc:
    def __init__(self, cmd, env, what):
        self.what = what
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        line = wait_for_line(self.proc, self.proc.stdout, "\n")
        assert line.startswith("listening "), "%s: %r" % (what, line)
        self.port = int(line.split()[1])

    def finish(self, timeout=TIMEOUT):
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop(self.proc)
            out, err = self.proc.communicate()
            raise AssertionError("%s did not finish: %r %r" % (self.what, out, err))
        out, err = out.decode(errors="replace"), err.decode(errors="replace")
        assert_no_crash(self.proc.returncode, self.what, out + err)
        return last_json(out, self.what + "\n" + err)

    def close(self):
        stop(self.proc)
        for f in (self.proc.stdout, self.proc.stderr):
            if f:
                f.close()


class Servers:
    """Collects servers so a fixture can stop them all."""

    def __init__(self):
        self.started = []

    def sspi(self, env, *args):
        srv = ServerProc([program("sspi_peer"), "server"] + list(args), with_libdir(env),
                         "sspi_peer server")
        self.started.append(srv)
        return srv

    def python(self, env, *args):
        require_module("gssapi", "python3-gssapi")
        srv = ServerProc([PYTHON, GSS_PEER, "server"] + list(args), py_env(env),
                         "gss_peer.py server")
        self.started.append(srv)
        return srv

    def close(self):
        for srv in self.started:
            srv.close()


def run(cmd, env, what, timeout=TIMEOUT):
    proc = subprocess.run(cmd, env=with_libdir(env), stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=timeout)
    assert_no_crash(proc.returncode, what, proc.stdout + proc.stderr)
    return proc


def sspi_client(env, port, *args):
    proc = run([program("sspi_peer"), "client", "--port", str(port)] + list(args), env,
               "sspi_peer client")
    return last_json(proc.stdout, "sspi_peer client\n" + proc.stderr)


def py_client(env, port, *args):
    require_module("gssapi", "python3-gssapi")
    proc = run([PYTHON, GSS_PEER, "client", "--port", str(port)] + list(args), py_env(env),
               "gss_peer.py client")
    return last_json(proc.stdout, "gss_peer.py client\n" + proc.stderr)
