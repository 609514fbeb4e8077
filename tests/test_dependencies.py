"""One dependency list, and what a missing dependency does to a test.

tools/install-deps is the only list of Debian packages: the README's first
command and .ci/run call it, and every package a test names when something
is missing is on it.  A missing dependency skips its test naming the package
to install, except in CI (CI set), where it fails the test.
"""

import os
import re
import subprocess

from conftest import PYTHON, REPO, TESTS

INSTALL_DEPS = REPO / "tools" / "install-deps"


def listed_packages():
    out = subprocess.run(["bash", str(INSTALL_DEPS), "--list"], capture_output=True,
                         text=True, check=True).stdout
    return set(out.split())


def test_readme_and_ci_use_install_deps():
    readme = (REPO / "README.md").read_text()
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S).group(1)
    assert "tools/install-deps" in first_block, first_block
    ci = (REPO / ".ci" / "run").read_text()
    assert re.search(r"^\s*(bash )?\S*tools/install-deps\b", ci, re.M), "no install-deps in .ci/run"
    # no second list: apt-get installs only the packages built here
    for text, where in ((readme, "README.md"), (ci, ".ci/run")):
        for line in re.findall(r"apt-get install[^\n]*", text):
            assert "./" in line, "%s installs packages itself: %s" % (where, line)


def test_packages_named_by_tests_are_listed():
    """Every package a require_*() call names is installed by install-deps."""
    named = set()
    for path in list(TESTS.glob("*.py")) + list((TESTS / "compat").glob("*.py")):
        for m in re.finditer(r'require_(?:program|file|module)\([^,]+,\s*"([^"]+)"\)',
                             path.read_text()):
            named.update(m.group(1).split())
        for m in re.finditer(r'missing_dependency\([^,]+,\s*"([^"]+)"\)', path.read_text()):
            named.update(m.group(1).split())
    assert named, "no require_*() calls found"
    assert named <= listed_packages(), sorted(named - listed_packages())


def run_missing(tmp_path, ci):
    test = tmp_path / "test_missing.py"
    test.write_text("import sys\nsys.path.insert(0, %r)\n"
                    "from conftest import require_program\n\n"
                    "def test_needs_it():\n"
                    "    require_program('signet-no-such-program', 'signet-no-such-package')\n"
                    % str(TESTS))
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if ci:
        env["CI"] = "1"
    return subprocess.run([PYTHON, "-m", "pytest", "-p", "no:cacheprovider", "-rs",
                           "--rootdir", str(tmp_path), str(test)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def test_missing_dependency_is_a_skip_naming_the_package(tmp_path):
    proc = run_missing(tmp_path, ci=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 skipped" in proc.stdout, proc.stdout
    assert "apt-get install signet-no-such-package" in proc.stdout, proc.stdout


def test_missing_dependency_fails_in_ci(tmp_path):
    proc = run_missing(tmp_path, ci=True)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "1 failed" in proc.stdout and "skipped" not in proc.stdout, proc.stdout
    assert "missing dependency in CI" in proc.stdout, proc.stdout
    assert "signet-no-such-package" in proc.stdout, proc.stdout
