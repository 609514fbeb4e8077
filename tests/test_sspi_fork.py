"""A Signet context used through SSPI on both sides of fork() never makes
two MIC tokens with the same nonce (design.md, "Process model";
docs/tokens.md section 5).

tests/compat/t_sspi_fork.c establishes a pair, signs, forks, and signs the
same message in parent and child on the inherited client context; the
parent verifies every token on the server context and compares the nonces
(token bytes 12..23).  The child's copy of the context becomes a new
instance at its first token (mech/message.c, after_fork), so no nonce of
the parent is used again; before that fix the child repeated the parent's
nonces (DuplicateNonce)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "compat"))

from sspi_harness import last_json, program, run  # noqa: E402

COUNT = 4
BEFORE_FORK = 2


class DuplicateNonce(AssertionError):
    """Two MIC tokens of one context share a nonce."""


def test_forked_child_never_reuses_a_nonce(env_for):
    proc = run([program("t_sspi_fork"), str(COUNT)], env_for(None), "t_sspi_fork")
    report = last_json(proc.stdout, "t_sspi_fork\n" + proc.stderr)
    out = proc.stdout[-4000:] + proc.stderr[-2000:]
    assert report["errors"] == 0, out
    assert report["child_ok"] == 1, out
    assert report["child_tokens"] == COUNT, out
    assert report["tokens"] == BEFORE_FORK + 2 * COUNT, out
    assert report["verified"] == report["tokens"], out
    if report["duplicate_nonces"] != 0:
        raise DuplicateNonce("%d pair(s) of MIC tokens share a nonce:\n%s"
                             % (report["duplicate_nonces"], proc.stdout[-4000:]))
    assert proc.returncode == 0, out
