"""The layout rules of the core (HACKING.md, style.md), checked on the built
objects rather than on comments: no dependency cycles between the files of
mech/, tracing depends on nothing, and only crypto.c calls libcrypto's
primitives (the TLS/X.509 files use libssl and X.509 objects)."""

import re
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, builddir

PRIMITIVES = re.compile(r"^(EVP_(MAC|KDF|Cipher|Encrypt|Decrypt|Digest|MD_CTX)|"
                        r"RAND_|CRYPTO_memcmp|OPENSSL_cleanse|HMAC|AES_|SHA\d)")
OPENSSL_FILES = {"crypto", "tls", "x509", "reval"}


def symbols(obj):
    out = subprocess.run(["nm", str(obj)], capture_output=True, text=True,
                         check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBR":
            defined.add(parts[2])
    return defined, undefined


@pytest.fixture(scope="module")
def core():
    objs = sorted((builddir() / "mech" / ".libs").glob("*.o"))
    if not objs:
        pytest.fail("no objects in %s/mech/.libs (build first)" % builddir())
    table = {o.stem: symbols(o) for o in objs}
    owner = {s: name for name, (d, _) in table.items() for s in d}
    graph = {name: {owner[s] for s in u if s in owner and owner[s] != name}
             for name, (_, u) in table.items()}
    return table, graph


def reachable(graph, start):
    seen, stack = set(), [start]
    while stack:
        for nxt in graph[stack.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def test_no_dependency_cycles(core):
    _, graph = core
    cycles = sorted({tuple(sorted((a, b))) for a in graph for b in graph[a]
                     if a in reachable(graph, b)})
    assert not cycles, "files of mech/ that depend on each other: %s" % cycles


def test_tracing_depends_on_nothing(core):
    _, graph = core
    assert graph["trace"] <= {"fork"}, graph["trace"]
    assert not graph["fork"], graph["fork"]


def test_only_crypto_calls_libcrypto_primitives(core):
    table, _ = core
    bad = {name: sorted(s for s in u if PRIMITIVES.match(s))
           for name, (_, u) in table.items() if name != "crypto"}
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, "libcrypto primitives outside crypto.c: %s" % bad


def test_openssl_headers_only_where_allowed():
    offenders = []
    for src in sorted((REPO / "mech").glob("*.c")):
        if src.stem not in OPENSSL_FILES and "#include <openssl/" in src.read_text():
            offenders.append(src.name)
    assert not offenders, "OpenSSL included by %s" % offenders
