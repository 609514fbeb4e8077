#!/bin/bash
# bench/run.sh - measure Signet against its peers and print one table.
#
# In one run, every program pinned to one CPU (taskset):
#   * gss_get_mic / gss_verify_mic through libgssapi_krb5 for 32 B, 1 KiB and
#     64 KiB: Signet (every QOP and the default), MIT krb5
#     (aes256-cts-hmac-sha1-96, against a KDC started here), gss-ntlmssp;
#   * the raw OpenSSL primitives Signet uses (bench_raw mac);
#   * callgrind instructions per call at 32 B;
#   * contexts established per second: Signet (certificates, PSK), krb5 (with
#     a cached ticket), NTLM, and raw OpenSSL TLS 1.3 in memory with the same
#     credentials;
#   * heap bytes retained per established context;
#   * the SSPI layer (bench_sspi): MakeSignature / VerifySignature against
#     gss_get_mic / gss_verify_mic on the same Signet and Kerberos contexts
#     (32 B, 64 KiB, time and callgrind instructions), and MakeSignature
#     calls per second with 1 thread (pinned to --cpu) and 2 threads (CPUs
#     0,1), each thread on its own Signet context, next to gss_get_mic
#     through mechglue, raw OpenSSL GMAC and a register-only loop.
# Figures only: nothing here fails because something is slow.
#
# Usage: bench/run.sh [--quick] [--cpu N] [--keep]
#   --quick  shorter cells (about 45 s; figures noisier)
#   --cpu N  the CPU to pin to (default 1, or 0 on a one-CPU machine)
#   --keep   keep the temporary directory (credentials, KDC, callgrind files)
# Environment: BENCH_BUILDDIR, a configured build directory (default
# <source>/build, else <source>/build-bench, else .); the plugin, the SSPI
# library and bench/bench_{mic,raw,sspi} are (re)built there with
# `make benchmark-programs`.
#
# Needs (Debian 12): krb5-kdc krb5-admin-server krb5-user gss-ntlmssp
# valgrind openssl util-linux (taskset) python3; nothing is installed here
# and nothing outside a temporary directory is written (no /etc, no
# /var/tmp: KRB5_CONFIG, KRB5_KDC_PROFILE, KRB5CCNAME, KRB5_KTNAME,
# KRB5RCACHEDIR, GSS_MECH_CONFIG, SIGNET_CONFIG all point into it).
set -euo pipefail

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=/usr/bin/python3
QUICK=0
KEEP=0
CPU=
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --keep) KEEP=1 ;;
        --cpu) CPU=$2; shift ;;
        *) echo "usage: $0 [--quick] [--cpu N] [--keep]" >&2; exit 2 ;;
    esac
    shift
done
if [ -z "$CPU" ]; then
    if [ "$(nproc)" -gt 1 ]; then CPU=1; else CPU=0; fi
fi

if [ -z "${BENCH_BUILDDIR:-}" ]; then
    for d in "$SRCDIR/build" "$SRCDIR/build-bench" "$PWD"; do
        if [ -f "$d/.libs/mech_signet.so" ] && [ -f "$d/Makefile" ]; then
            BENCH_BUILDDIR=$d; break
        fi
    done
fi
B=${BENCH_BUILDDIR:?set BENCH_BUILDDIR to a configured build directory}
PLUGIN=$B/.libs/mech_signet.so
# (re)build the plugin and the bench programs if anything is out of date
make -C "$B" -s benchmark-programs >&2
MIC=$B/bench/bench_mic
RAW=$B/bench/bench_raw
SSPI=$B/bench/bench_sspi
NTLM_SO=/usr/lib/x86_64-linux-gnu/gssntlmssp/gssntlmssp.so
[ -f "$NTLM_SO" ] || NTLM_SO=$(dpkg -L gss-ntlmssp 2>/dev/null | grep '/gssntlmssp\.so$' | head -1 || true)

if [ "$QUICK" = 1 ]; then
    SECONDS_PER_CELL=0.2; REPS=3; CG_CALLS=500; CG_EST=5; PAIRS=100
    THREAD_SECONDS=0.4; THREAD_ROUNDS=2
else
    SECONDS_PER_CELL=0.5; REPS=5; CG_CALLS=2000; CG_EST=20; PAIRS=200
    THREAD_SECONDS=1.0; THREAD_ROUNDS=2
fi

T=$(mktemp -d /tmp/signet-bench.XXXXXX)
KDC_PID=
cleanup() {
    if [ -n "$KDC_PID" ] && kill -0 "$KDC_PID" 2>/dev/null; then
        kill "$KDC_PID" 2>/dev/null || true
        wait "$KDC_PID" 2>/dev/null || true
    fi
    if [ "$KEEP" = 1 ]; then
        echo "kept $T" >&2
    else
        rm -rf "$T"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

RES=$T/results.txt
: > "$RES"
note() { echo "bench: $*" >&2; }
pin() { taskset -c "$CPU" "$@"; }

# ---- a clean environment: nothing from the caller's Kerberos/Signet setup ----
for v in $(env | sed -n 's/^\(SIGNET_[A-Z_]*\|KRB5[A-Z_]*\|GSS_[A-Z_]*\|NTLM_[A-Z_]*\)=.*/\1/p'); do
    unset "$v"
done
export LC_ALL=C
: > "$T/signet.conf"
export SIGNET_CONFIG=$T/signet.conf
{
    echo "signet 2.25.3215548014888410103 $PLUGIN"
    if [ -n "$NTLM_SO" ] && [ -f "$NTLM_SO" ]; then
        echo "gssntlmssp_v1 1.3.6.1.4.1.311.2.2.10 $NTLM_SO"
    fi
} > "$T/mech.conf"
export GSS_MECH_CONFIG=$T/mech.conf

# ---- certificates (ECDSA P-256) and a PSK ---------------------------------------
mkdir "$T/pki"
P=$T/pki
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$P/ca.key" -out "$P/ca.pem" -subj "/CN=Signet Bench CA" -days 2 \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
leaf() {   # leaf NAME CN SAN
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$P/$1.key" -out "$P/$1.csr" -subj "/CN=$2" 2>/dev/null
    {
        echo "basicConstraints=critical,CA:FALSE"
        echo "extendedKeyUsage=serverAuth,clientAuth"
        [ -n "$3" ] && echo "subjectAltName=$3"
    } > "$P/$1.ext"
    openssl x509 -req -in "$P/$1.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" \
        -set_serial "0x$(openssl rand -hex 8)" -days 2 -extfile "$P/$1.ext" \
        -out "$P/$1.pem" 2>/dev/null
    chmod 600 "$P/$1.key"
}
leaf server localhost "DNS:localhost,IP:127.0.0.1"
leaf client alice ""
(umask 077; printf 'alice %s\n' "$(openssl rand -hex 32)" > "$P/alice.psk")

SIGNET_CERT_INIT="certificate=$P/client.pem;private_key=$P/client.key;ca_file=$P/ca.pem"
SIGNET_CERT_ACC="certificate=$P/server.pem;private_key=$P/server.key;ca_file=$P/ca.pem"
SIGNET_PSK="psk_file=$P/alice.psk"
TLS_CERT_ARGS=(--ca "$P/ca.pem" --server-cert "$P/server.pem" --server-key "$P/server.key"
               --client-cert "$P/client.pem" --client-key "$P/client.key")
TLS_PSK_ARGS=(--psk-file "$P/alice.psk")

signet_cert() { BENCH_INIT_STORE=$SIGNET_CERT_INIT BENCH_ACC_STORE=$SIGNET_CERT_ACC "$@"; }
signet_psk() { BENCH_INIT_STORE=$SIGNET_PSK BENCH_ACC_STORE=$SIGNET_PSK "$@"; }
# SSPI "Signet": the PSK in a SIGNET_AUTH_DATA (pAuthData) on both ends
sspi_psk() { BENCH_SIGNET_PSK_FILE=$P/alice.psk "$@"; }

# ---- a KDC of our own ------------------------------------------------------------
REALM=BENCH.SIGNET.TEST
KRB_OK=0
start_kdc() {
    local port k=$T/krb5
    command -v krb5kdc >/dev/null && command -v kdb5_util >/dev/null &&
        command -v kadmin.local >/dev/null && command -v kinit >/dev/null ||
        { note "krb5kdc/kadmin.local/kinit missing (krb5-kdc krb5-admin-server krb5-user)"; return 1; }
    mkdir "$k"
    port=$($PYTHON -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    cat > "$k/krb5.conf" <<EOF
[libdefaults]
    default_realm = $REALM
    dns_lookup_kdc = false
    dns_lookup_realm = false
    dns_canonicalize_hostname = false
    rdns = false
    default_tkt_enctypes = aes256-cts-hmac-sha1-96
    default_tgs_enctypes = aes256-cts-hmac-sha1-96
    permitted_enctypes = aes256-cts-hmac-sha1-96
[realms]
    $REALM = {
        kdc = 127.0.0.1:$port
    }
[domain_realm]
    localhost = $REALM
EOF
    cat > "$k/kdc.conf" <<EOF
[kdcdefaults]
    kdc_listen = 127.0.0.1:$port
    kdc_tcp_listen = 127.0.0.1:$port
[realms]
    $REALM = {
        database_name = $k/principal
        key_stash_file = $k/stash
        acl_file = $k/kadm5.acl
        master_key_type = aes256-cts-hmac-sha1-96
        supported_enctypes = aes256-cts-hmac-sha1-96:normal
        max_life = 1d
    }
[logging]
    kdc = FILE:$k/kdc.log
    default = FILE:$k/kdc.log
EOF
    : > "$k/kadm5.acl"
    export KRB5_CONFIG=$k/krb5.conf KRB5_KDC_PROFILE=$k/kdc.conf
    export KRB5CCNAME=FILE:$k/ccache KRB5_KTNAME=FILE:$k/keytab
    export KRB5RCACHEDIR=$k KRB5_CLIENT_KTNAME=FILE:$k/no-client-keytab
    kdb5_util create -s -P "bench-master-$$" -r "$REALM" >"$k/setup.log" 2>&1 || return 1
    kadmin.local -r "$REALM" -q "addprinc -randkey host/localhost" >>"$k/setup.log" 2>&1 &&
    kadmin.local -r "$REALM" -q "addprinc -pw bench-user-pw alice" >>"$k/setup.log" 2>&1 &&
    kadmin.local -r "$REALM" -q "ktadd -k $k/keytab host/localhost" >>"$k/setup.log" 2>&1 ||
        return 1
    krb5kdc -n -r "$REALM" >"$k/kdc.out" 2>&1 &
    KDC_PID=$!
    # ready when kinit gets a ticket (connect loop, 15 s at most)
    local i
    for i in $(seq 1 150); do
        if echo bench-user-pw | kinit alice >>"$k/kinit.log" 2>&1; then
            note "KDC for $REALM on 127.0.0.1:$port (pid $KDC_PID), ticket for alice@$REALM"
            return 0
        fi
        kill -0 "$KDC_PID" 2>/dev/null || { note "krb5kdc exited: $(tail -3 "$k/kdc.log" "$k/kdc.out" 2>/dev/null)"; return 1; }
        sleep 0.1
    done
    note "the KDC did not answer kinit within 15 s"
    return 1
}
if start_kdc; then KRB_OK=1; else note "Kerberos figures skipped"; fi

NTLM_OK=0
if grep -q gssntlmssp "$T/mech.conf"; then
    printf 'BENCH:alice:bench-ntlm-pw\n' > "$T/ntlm.users"
    chmod 600 "$T/ntlm.users"
    export NTLM_USER_FILE=$T/ntlm.users
    if pin "$MIC" --mech ntlm --seconds 0.05 --reps 1 --sizes 32 mic >/dev/null 2>"$T/ntlm-check.err"; then
        NTLM_OK=1
    else
        note "gss-ntlmssp does not work here, NTLM skipped: $(tr '\n' ' ' < "$T/ntlm-check.err" | cut -c1-300)"
    fi
else
    note "gss-ntlmssp is not installed (package gss-ntlmssp): NTLM skipped"
fi

run() {   # run LABEL CMD...: append the result lines, keep going on failure
    local what=$1; shift
    note "$what"
    if ! "$@" >>"$RES" 2>"$T/last.err"; then
        note "FAILED: $what: $(tr '\n' ' ' < "$T/last.err" | cut -c1-400)"
        echo "error what=$(echo "$what" | tr ' ' _)" >>"$RES"
    fi
}

COMMON=(--seconds "$SECONDS_PER_CELL" --reps "$REPS")

# ---- per-message calls -----------------------------------------------------------
run "Signet get/verify_mic, QOP 0-4" signet_psk pin "$MIC" --mech signet "${COMMON[@]}" mic
[ "$KRB_OK" = 1 ] && run "krb5 get/verify_mic" pin "$MIC" --mech krb5 "${COMMON[@]}" mic
[ "$NTLM_OK" = 1 ] && run "NTLM get/verify_mic" pin "$MIC" --mech ntlm "${COMMON[@]}" mic
run "raw OpenSSL MACs" pin "$RAW" "${COMMON[@]}" mac
run "raw OpenSSL keyed-context heap" "$RAW" heap

# ---- SSPI against GSS on the same contexts -------------------------------------
# bench_sspi establishes SSPI pairs (InitializeSecurityContext /
# AcceptSecurityContext) and copies each end into mechglue
# (ExportSecurityContext, gss_import_sec_context): MakeSignature and
# gss_get_mic then run on the same keys and state, alternately.
run "SSPI Signet MakeSignature vs gss_get_mic" sspi_psk pin "$SSPI" --package Signet --label signet "${COMMON[@]}" mic
[ "$KRB_OK" = 1 ] && run "SSPI Kerberos MakeSignature vs gss_get_mic" pin "$SSPI" --package Kerberos --label krb5 --target host/localhost "${COMMON[@]}" mic

# ---- calls per second, 1 and 2 threads ------------------------------------------
# 1 thread pinned to $CPU, 2 threads to CPUs 0,1 (each on its own context);
# the four APIs alternate, THREAD_ROUNDS times, and report.py keeps the best.
if [ "$(nproc)" -gt 1 ]; then
    TH=(--seconds "$THREAD_SECONDS" --reps 4 --sizes 32)
    for round in $(seq 1 "$THREAD_ROUNDS"); do
        for api in sspi gss raw spin; do
            run "threads round $round: $api, 1 thread" sspi_psk taskset -c "$CPU" "$SSPI" --package Signet --label signet --api "$api" --threads 1 "${TH[@]}" threads
            run "threads round $round: $api, 2 threads" sspi_psk taskset -c 0,1 "$SSPI" --package Signet --label signet --api "$api" --threads 2 "${TH[@]}" threads
        done
    done
else
    note "one CPU: no 2-thread figures"
fi

# ---- context establishment -----------------------------------------------------
EST=(--seconds "$(awk "BEGIN { print $SECONDS_PER_CELL * 2 }")" --reps "$REPS")
run "Signet establishment (certificates)" signet_cert pin "$MIC" --mech signet --label signet-cert "${EST[@]}" establish
run "Signet establishment (PSK)" signet_psk pin "$MIC" --mech signet --label signet-psk "${EST[@]}" establish
[ "$KRB_OK" = 1 ] && run "krb5 establishment" pin "$MIC" --mech krb5 "${EST[@]}" establish
[ "$NTLM_OK" = 1 ] && run "NTLM establishment" pin "$MIC" --mech ntlm "${EST[@]}" establish
run "raw TLS 1.3 handshakes (certificates)" pin "$RAW" "${EST[@]}" tls "${TLS_CERT_ARGS[@]}"
run "raw TLS 1.3 handshakes (PSK)" pin "$RAW" "${EST[@]}" tls "${TLS_PSK_ARGS[@]}"

# ---- heap retained per context -------------------------------------------------
run "Signet heap per context (certificates)" signet_cert "$MIC" --mech signet --label signet-cert --pairs "$PAIRS" heap
run "Signet heap per context (PSK)" signet_psk "$MIC" --mech signet --label signet-psk --pairs "$PAIRS" heap
[ "$KRB_OK" = 1 ] && run "krb5 heap per context" "$MIC" --mech krb5 --pairs "$PAIRS" heap
[ "$NTLM_OK" = 1 ] && run "NTLM heap per context" "$MIC" --mech ntlm --pairs "$PAIRS" heap

# ---- callgrind: instructions per call --------------------------------------------
CG=$T/callgrind
mkdir "$CG"
cg() {   # cg NAME TOGGLE CMD...: callgrind counting only inside TOGGLE
    local name=$1 toggle=$2; shift 2
    local out
    note "callgrind: $name"
    if out=$(valgrind --tool=callgrind --collect-atstart=no --toggle-collect="$toggle" \
                 --callgrind-out-file="$CG/$name.out" "$@" 2>"$CG/$name.log"); then
        echo "$out" | sed "s|^cg |cg file=$CG/$name.out name=$name |" >>"$RES"
    else
        note "FAILED: callgrind $name: $(tail -3 "$CG/$name.log" | tr '\n' ' ')"
    fi
}
if command -v valgrind >/dev/null; then
    signet_psk cg signet-get bench_cg_get_mic "$MIC" --mech signet --label signet cg-get 32 "$CG_CALLS"
    signet_psk cg signet-verify bench_cg_verify_mic "$MIC" --mech signet --label signet cg-verify 32 "$CG_CALLS"
    if [ "$KRB_OK" = 1 ]; then
        cg krb5-get bench_cg_get_mic "$MIC" --mech krb5 cg-get 32 "$CG_CALLS"
        cg krb5-verify bench_cg_verify_mic "$MIC" --mech krb5 cg-verify 32 "$CG_CALLS"
    fi
    if [ "$NTLM_OK" = 1 ]; then
        cg ntlm-get bench_cg_get_mic "$MIC" --mech ntlm cg-get 32 "$CG_CALLS"
        cg ntlm-verify bench_cg_verify_mic "$MIC" --mech ntlm cg-verify 32 "$CG_CALLS"
    fi
    # SSPI and GSS on the same contexts (bench_sspi), 32 B
    sspi_psk cg sspi-signet-sign bench_cg_make_signature "$SSPI" --package Signet --label signet --api sspi cg-sign 32 "$CG_CALLS"
    sspi_psk cg sspi-signet-verify bench_cg_verify_signature "$SSPI" --package Signet --label signet --api sspi cg-verify 32 "$CG_CALLS"
    sspi_psk cg glue-signet-sign bench_cg_get_mic "$SSPI" --package Signet --label signet --api gss cg-sign 32 "$CG_CALLS"
    sspi_psk cg glue-signet-release bench_cg_release_buffer "$SSPI" --package Signet --label signet --api gss cg-sign 32 "$CG_CALLS"
    sspi_psk cg glue-signet-verify bench_cg_verify_mic "$SSPI" --package Signet --label signet --api gss cg-verify 32 "$CG_CALLS"
    if [ "$KRB_OK" = 1 ]; then
        K=(--package Kerberos --label krb5 --target host/localhost)
        cg sspi-krb5-sign bench_cg_make_signature "$SSPI" "${K[@]}" --api sspi cg-sign 32 "$CG_CALLS"
        cg sspi-krb5-verify bench_cg_verify_signature "$SSPI" "${K[@]}" --api sspi cg-verify 32 "$CG_CALLS"
        cg glue-krb5-sign bench_cg_get_mic "$SSPI" "${K[@]}" --api gss cg-sign 32 "$CG_CALLS"
        cg glue-krb5-release bench_cg_release_buffer "$SSPI" "${K[@]}" --api gss cg-sign 32 "$CG_CALLS"
        cg glue-krb5-verify bench_cg_verify_mic "$SSPI" "${K[@]}" --api gss cg-verify 32 "$CG_CALLS"
    fi
    cg raw-gmac bench_cg_raw_mac "$RAW" cg-mac aes256-gmac 32 "$CG_CALLS"
    cg raw-hmac-sha256 bench_cg_raw_mac "$RAW" cg-mac hmac-sha256 32 "$CG_CALLS"
    signet_cert cg signet-cert-establish bench_cg_establish "$MIC" --mech signet --label signet-cert cg-establish "$CG_EST"
    signet_psk cg signet-psk-establish bench_cg_establish "$MIC" --mech signet --label signet-psk cg-establish "$CG_EST"
    [ "$KRB_OK" = 1 ] && cg krb5-establish bench_cg_establish "$MIC" --mech krb5 cg-establish "$CG_EST"
    cg tls-cert-establish bench_cg_tls "$RAW" cg-tls "${TLS_CERT_ARGS[@]}" "$CG_EST"
    cg tls-psk-establish bench_cg_tls "$RAW" cg-tls "${TLS_PSK_ARGS[@]}" "$CG_EST"
else
    note "valgrind not installed: no instruction counts"
fi

# ---- stop the KDC before the report --------------------------------------------
if [ -n "$KDC_PID" ]; then
    kill "$KDC_PID" 2>/dev/null || true
    wait "$KDC_PID" 2>/dev/null || true
    KDC_PID=
fi

{
    echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), CPU $CPU of $(nproc):" \
         "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    echo "# $(openssl version), krb5 $(dpkg-query -W -f='${Version}' libkrb5-3 2>/dev/null || echo '?')," \
         "gss-ntlmssp $(dpkg-query -W -f='${Version}' gss-ntlmssp 2>/dev/null || echo '-')," \
         "Signet $(git -C "$SRCDIR" describe --always --dirty 2>/dev/null || echo '?')"
} > "$T/header.txt"
$PYTHON "$SRCDIR/bench/report.py" "$T/header.txt" "$RES"
