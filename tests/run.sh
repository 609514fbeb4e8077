#!/bin/bash
# tests/run.sh - build Signet and run every test.
#
#   bash tests/run.sh              build in ./build (or reuse the README's
#                                  build there), make check (the C unit
#                                  tests, then tests/*.py with pytest), demo
#   bash tests/run.sh --sanitize   the same in ./build-asan with
#                                  --enable-sanitizers (ASan + UBSan); the
#                                  ASan runtime is preloaded into python and
#                                  the sample programs, and any sanitizer
#                                  report fails the run
#   extra arguments after "--" go to pytest (e.g. -- -k psk -x)
#
# Environment: SIGNET_BUILDDIR overrides the build directory; JOBS (default
# 2); SIGNET_CONFIGURE_FLAGS, more configure options (.ci/run:
# --enable-werror); CI set: a missing dependency fails its test.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

sanitize=0
pytest_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --sanitize) sanitize=1 ;;
        --) shift; pytest_args=("$@"); break ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

JOBS=${JOBS:-2}

# A tree configured in place (./configure && make, as in the README) cannot
# also host VPATH builds: the plain run then uses the in-place build.
inplace=0
[ -f "$here/config.status" ] && inplace=1
if [ $sanitize = 1 ]; then
    builddir=${SIGNET_BUILDDIR:-$here/build-asan}
    configure_args=(--enable-sanitizers)
    if [ $inplace = 1 ] && [ -z "${SIGNET_BUILDDIR:-}" ]; then
        echo "run.sh: the source tree is configured in place; --sanitize needs a" >&2
        echo "separate build directory: run 'make distclean' first" >&2
        exit 2
    fi
elif [ $inplace = 1 ] && [ -z "${SIGNET_BUILDDIR:-}" ]; then
    builddir=$here
    configure_args=()
else
    builddir=${SIGNET_BUILDDIR:-$here/build}
    configure_args=()
fi

step() { printf '\n=== %s\n' "$*"; }

# ---- build -----------------------------------------------------------------
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
    step "autoreconf -fi"
    autoreconf -fi
fi

mkdir -p "$builddir"
if [ ! -f "$builddir/Makefile" ] || [ configure -nt "$builddir/config.status" ]; then
    step "configure ${configure_args[*]:-} (in $builddir)"
    # shellcheck disable=SC2086 # SIGNET_CONFIGURE_FLAGS is a list of words
    (cd "$builddir" && "$here/configure" -q ${configure_args[@]+"${configure_args[@]}"} \
        ${SIGNET_CONFIGURE_FLAGS:-})
fi

step "make -j$JOBS all check-programs"
make -C "$builddir" -j"$JOBS" all check-programs

# ---- sanitizer environment ------------------------------------------------
if [ $sanitize = 1 ]; then
    asan_rt=$(gcc -print-file-name=libasan.so)
    if [ ! -e "$asan_rt" ]; then
        echo "run.sh: ASan runtime not found (gcc -print-file-name=libasan.so)" >&2
        exit 1
    fi
    sandir=$(mktemp -d /tmp/signet-sanitizer.XXXXXX)
    trap 'rm -rf "$sandir"' EXIT
    # Programs built here (unit tests, demo) link ASan themselves; python and
    # the sample programs get the runtime preloaded by the pytest fixtures.
    # Leak checking stays on for C programs (suppressing only third-party
    # frames, tests/lsan.supp); the python interpreter keeps objects alive
    # until exit by design, so its children run with detect_leaks=0 unless
    # SIGNET_PY_LEAKS=1.
    common="abort_on_error=1:halt_on_error=1:log_path=$sandir/asan:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
    export ASAN_OPTIONS="$common:detect_leaks=1:fast_unwind_on_malloc=0"
    export LSAN_OPTIONS="suppressions=$here/tests/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$sandir/ubsan"
    export SIGNET_SANITIZE=1
    export SIGNET_ASAN_RUNTIME="$asan_rt"
    export SIGNET_SANITIZER_DIR="$sandir"
    export SIGNET_PY_ASAN_OPTIONS="$common:detect_leaks=${SIGNET_PY_LEAKS:-0}"
fi

status=0

# ---- unit tests, then the integration tests (check-local: pytest) ---------
step "make check"
pytest_flags="-v${pytest_args[*]+ ${pytest_args[*]@Q}}"
if ! make -C "$builddir" -k check PYTEST_ARGS="$pytest_flags"; then
    status=1
    for log in "$builddir"/test-suite.log "$builddir"/tests/unit/*.log; do
        [ -f "$log" ] && { echo "--- $log"; cat "$log"; }
    done
fi

# ---- demo ------------------------------------------------------------------
step "tools/signet-demo"
if ! "$builddir/tools/signet-demo"; then
    echo "run.sh: signet-demo failed" >&2
    status=1
fi

# ---- sanitizer reports -----------------------------------------------------
if [ $sanitize = 1 ]; then
    if [ -n "$(ls -A "$sandir")" ]; then
        step "sanitizer reports"
        for f in "$sandir"/*; do echo "--- $f"; cat "$f"; done
        status=1
    fi
fi

if [ $status = 0 ]; then
    step "all tests passed"
else
    step "FAILED"
fi
exit $status
