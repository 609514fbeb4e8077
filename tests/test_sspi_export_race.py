"""ExportSecurityContext racing MakeSignature, VerifySignature and
QueryContextAttributes on one context handle, under ThreadSanitizer.

tests/compat/t_sspi_export_race.c (make check runs it plainly, and under
ASan + UBSan in the --sanitize build) has worker threads use a Signet
client handle while other threads export it, with and without
SECPKG_CONTEXT_EXPORT_DELETE_OLD (docs/sspi.md, "Handles and threads").
Here the core, the SSPI layer and the test are compiled with
-fsanitize=thread, which checks the memory ordering of the handle table's
exclusive hold (compat/handles.c): any data race fails the test."""

import os
import re
import shutil
import subprocess

import pytest

from conftest import REPO


def makefile_sources(variable):
    """The .c files of a _SOURCES variable of Makefile.am."""
    text = (REPO / "Makefile.am").read_text()
    block = re.search(r"^%s\s*=((?:.*\\\n)*.*)" % re.escape(variable), text,
                      re.M).group(1)
    return [str(REPO / s) for s in block.replace("\\\n", " ").split()
            if s.endswith(".c")]


def pkg_flags(*names):
    out = subprocess.run(["pkg-config", "--cflags", "--libs"] + list(names),
                         capture_output=True, text=True, check=True).stdout
    return out.split()


@pytest.fixture(scope="module")
def tsan_binary(tmp_path_factory):
    if shutil.which("gcc") is None:
        pytest.skip("gcc not found")
    out = tmp_path_factory.mktemp("tsan-sspi") / "t_sspi_export_race"
    cmd = (["gcc", "-std=gnu11", "-D_GNU_SOURCE", "-O1", "-g",
            "-fsanitize=thread", "-pthread",
            "-I%s" % (REPO / "include"), "-I%s" % (REPO / "include/signet"),
            "-I%s" % (REPO / "mech"), "-I%s" % (REPO / "compat"),
            '-DSYSCONFDIR="/etc"']
           + makefile_sources("libsignet_core_la_SOURCES")
           + makefile_sources("compat_libsignet_sspi_la_SOURCES")
           + makefile_sources("tests_compat_t_sspi_export_race_SOURCES")
           + ["-o", str(out), "-ldl"]
           + pkg_flags("libssl", "libcrypto", "krb5-gssapi"))
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return out


@pytest.mark.parametrize("workers", [3, 6])
def test_export_races_per_message_calls_race_free(tsan_binary, workers):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SIGNET_", "GSS_", "LD_PRELOAD", "ASAN", "LSAN",
                                "UBSAN"))}
    env["TSAN_OPTIONS"] = "halt_on_error=1 exitcode=66 second_deadlock_stack=1"
    proc = subprocess.run([str(tsan_binary), str(workers), "400"], env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=600)
    assert "ThreadSanitizer" not in proc.stderr, proc.stderr[-6000:]
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "0 failure(s)" in proc.stdout, proc.stdout[-4000:]
    for phase in ("keep", "delete-old", "two-delete"):
        assert re.search(r"^%s: \d+ exports" % phase, proc.stdout, re.M), proc.stdout
