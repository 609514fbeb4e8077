"""Coverage-guided fuzzing of everything Signet parses from the outside.

Each target in tests/fuzz/ is built with clang's libFuzzer and
AddressSanitizer + UndefinedBehaviorSanitizer against the core's sources,
seeded with real tokens it writes itself (FUZZ_WRITE_SEEDS), and run for a
bounded time.  Any crash, sanitizer report or leak fails the test; the
input that caused it is left in the test's temporary directory.

SIGNET_FUZZ_SECONDS sets the time per target (default 15)."""

import os
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, missing_dependency, require_program
from test_threads import core_sources, pkg_flags

TARGETS = ["fuzz_context", "fuzz_message", "fuzz_import"]
SECONDS = int(os.environ.get("SIGNET_FUZZ_SECONDS", "15"))


def clean_env():
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("SIGNET_", "LD_PRELOAD", "ASAN", "LSAN", "UBSAN"))}


@pytest.fixture(scope="module")
def clang():
    path = require_program("clang", "clang libclang-rt-14-dev")
    rtdir = subprocess.run([path, "-print-runtime-dir"], capture_output=True,
                           text=True).stdout.strip()
    if not list(Path(rtdir).glob("libclang_rt.fuzzer*.a")):
        missing_dependency("libFuzzer runtime in %s" % rtdir, "libclang-rt-14-dev")
    return path


@pytest.mark.parametrize("target", TARGETS)
def test_fuzz(target, clang, tmp_path):
    binary = tmp_path / target
    build = ([clang, "-std=gnu11", "-D_GNU_SOURCE", "-g", "-O1",
              "-fsanitize=fuzzer,address,undefined", "-fno-sanitize-recover=all",
              "-I%s" % (REPO / "include"), "-I%s" % (REPO / "mech"),
              "-I%s" % (REPO / "tests/unit"), '-DSYSCONFDIR="/etc"']
             + core_sources()
             + [str(REPO / "tests/unit/pair.c"), str(REPO / "tests/fuzz" / (target + ".c")),
                "-o", str(binary)]
             + pkg_flags("libssl", "libcrypto", "krb5-gssapi"))
    proc = subprocess.run(build, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-4000:]

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    env = clean_env()
    seeds = subprocess.run([str(binary)], env=dict(env, FUZZ_WRITE_SEEDS=str(corpus)),
                           capture_output=True, text=True, timeout=120)
    assert seeds.returncode == 0, seeds.stderr[-4000:]
    assert any(corpus.iterdir()), "no seeds written"

    env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=1"
    env["UBSAN_OPTIONS"] = "halt_on_error=1:print_stacktrace=1"
    run = subprocess.run([str(binary), str(corpus), "-max_total_time=%d" % SECONDS,
                          "-timeout=10", "-rss_limit_mb=2048", "-print_final_stats=1",
                          "-artifact_prefix=%s/" % tmp_path],
                         env=env, capture_output=True, text=True,
                         timeout=SECONDS + 180, cwd=tmp_path)
    tail = run.stderr[-6000:]
    assert run.returncode == 0, tail
    assert "ERROR:" not in run.stderr and "runtime error" not in run.stderr, tail
    assert "stat::number_of_executed_units" in run.stderr, tail
