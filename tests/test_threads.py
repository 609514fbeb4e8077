"""Concurrent per-message calls on one context, under ThreadSanitizer.

tests/unit/t_threads.c establishes a real Signet context pair and has
several threads sign, verify, wrap and unwrap on both contexts at once.
make check runs it plainly; here the core and the test are compiled with
-fsanitize=thread (which, unlike helgrind, understands the C11 atomics of
the per-thread key cache and the send counter) and any data race fails the
test."""

import os
import re
import subprocess

import pytest

from conftest import REPO, require_program


def core_sources():
    text = (REPO / "Makefile.am").read_text()
    block = re.search(r"libsignet_core_la_SOURCES\s*=((?:.*\\\n)*.*)", text).group(1)
    return [str(REPO / s) for s in block.replace("\\\n", " ").split()
            if s.endswith(".c")]


def pkg_flags(*names):
    out = subprocess.run(["pkg-config", "--cflags", "--libs"] + list(names),
                         capture_output=True, text=True, check=True).stdout
    return out.split()


@pytest.fixture(scope="module")
def tsan_binary(tmp_path_factory):
    require_program("gcc", "build-essential")
    out = tmp_path_factory.mktemp("tsan") / "t_threads"
    cmd = (["gcc", "-std=gnu11", "-D_GNU_SOURCE", "-O1", "-g",
            "-fsanitize=thread", "-pthread", "-I%s" % (REPO / "include"),
            "-I%s" % (REPO / "mech"), '-DSYSCONFDIR="/etc"']
           + core_sources() + [str(REPO / "tests/unit/t_threads.c"),
                               str(REPO / "tests/unit/pair.c"), "-I%s" % (REPO / "tests/unit"),
                               "-o", str(out)]
           + pkg_flags("libssl", "libcrypto", "krb5-gssapi"))
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return out


@pytest.mark.parametrize("threads", [2, 4, 8])
def test_per_message_calls_race_free(tsan_binary, threads):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SIGNET_", "LD_PRELOAD", "ASAN", "LSAN", "UBSAN"))}
    env["TSAN_OPTIONS"] = "halt_on_error=1 exitcode=66 second_deadlock_stack=1"
    proc = subprocess.run([str(tsan_binary), str(threads), "1500"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert "ThreadSanitizer" not in proc.stderr, proc.stderr[-6000:]
    assert proc.returncode == 0, proc.stdout + proc.stderr[-4000:]
    assert "0 errors" in proc.stdout, proc.stdout
