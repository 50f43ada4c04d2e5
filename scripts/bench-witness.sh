#!/usr/bin/env bash
# Witnesses (issue 14), on loopback, each figure beside its peer in the
# same run:
#
# - a witness's add-checkpoint rate: `accord witness` (Ed25519 and
#   ML-DSA-44 keys) against the Go reference witness of tlogcheck, on the
#   same requests (16 logs, each growing 10 entries a request, one
#   connection a log; bench/src/bin/witness_load.rs);
# - `accord serve` under load with three local `accord witness`es and a
#   quorum of all three, acknowledging at quorum and once durable, against
#   the same server without witnesses: statements per second, p50/p99 of
#   the acknowledgement, cosignatures gathered per second, and the lag of
#   the cosigned checkpoint (from /metrics).
#
#   scripts/bench-witness.sh [WORKDIR]
#
# Environment: SINGLE (statements made, 100000), SECONDS_EACH (10),
# CONCURRENCY (64), LOGS (16), STEPS (2000), PORT (18480),
# CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SINGLE=${SINGLE:-100000}
SECS=${SECONDS_EACH:-10}
CONC=${CONCURRENCY:-64}
LOGS=${LOGS:-16}
STEPS=${STEPS:-2000}
PORT=${PORT:-18480}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
W=${1:-$(mktemp -d /tmp/accord-witness-bench.XXXXXX)}
mkdir -p "$W"
W=$(cd "$W" && pwd)
SHARED=${ACCORD_SHARED:-$(cd .. && pwd)/shared}
TLOGCHECK=$SHARED/tools/tlogcheck/tlogcheck

cargo build --release -q -p accord-cli --bin accord
cargo build --release -q -p accord-bench --bin serve_load --bin witness_load
ACCORD=$TARGET/release/accord
LOAD=$TARGET/release/serve_load
WLOAD=$TARGET/release/witness_load
"$TLOGCHECK" vectors -n 1 >/dev/null

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r)"
echo "== workdir $W"

PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

wait_up() { # URL
    for _ in $(seq 200); do
        curl -s -o /dev/null "$1" && return 0
        sleep 0.05
    done
    echo "$1 did not come up" >&2
    return 1
}

stop() { # PID
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# --- a witness's add-checkpoint rate -----------------------------------------
if [[ ! -f $W/wl/logs.txt ]]; then
    rm -rf "$W/wl"
    "$WLOAD" prepare --dir "$W/wl" --logs "$LOGS" --steps "$STEPS" --grow 10 >/dev/null
fi
LOG_ARGS=()
while read -r k; do LOG_ARGS+=(--log "$k"); done <"$W/wl/logs.txt"
GO_LOG_ARGS=()
while read -r k; do GO_LOG_ARGS+=(-log "$k"); done <"$W/wl/logs.txt"

for kind in ed25519 ml-dsa-44; do
    rm -rf "$W/aw-$kind"
    mkdir -p "$W/aw-$kind"
    "$ACCORD" witness keygen --name "bench.example/w-$kind" --type "$kind" --out "$W/aw-$kind/key" >/dev/null
    "$ACCORD" witness serve --listen "127.0.0.1:$PORT" --state "$W/aw-$kind/state" --key "$W/aw-$kind/key" \
        "${LOG_ARGS[@]}" >"$W/aw-$kind/out" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    wait_up "http://127.0.0.1:$PORT/"
    echo "== accord witness ($kind): add-checkpoint, $LOGS logs, one connection each"
    "$WLOAD" run --url "http://127.0.0.1:$PORT" --dir "$W/wl" --seconds "$SECS" | tee "$W/aw-$kind/result"
    stop "$pid"
done

rm -rf "$W/gw"
mkdir -p "$W/gw"
"$TLOGCHECK" witness -listen "127.0.0.1:$PORT" -seed "$W/gw/seed" -state "$W/gw" "${GO_LOG_ARGS[@]}" >"$W/gw/out" 2>&1 &
pid=$!
PIDS+=("$pid")
wait_up "http://127.0.0.1:$PORT/"
echo "== Go reference witness (tlogcheck): the same requests"
"$WLOAD" run --url "http://127.0.0.1:$PORT" --dir "$W/wl" --seconds "$SECS" | tee "$W/gw/result"
stop "$pid"

# --- the server with three witnesses -----------------------------------------
if [[ ! -f $W/base/single.bin ]]; then
    rm -rf "$W/base"
    "$LOAD" prepare --dir "$W/base" --single "$SINGLE" --batched 0 >/dev/null
fi
LOG_VKEY=$(grep '^vkey' "$W/base/log/.tlog/config.toml" | cut -d'"' -f2)

# Three witnesses of the log, and a policy that needs all three.
rm -rf "$W/w3"
mkdir -p "$W/w3"
{
    echo "log $LOG_VKEY"
} >"$W/w3/policy"
members=()
for i in 1 2 3; do
    vkey=$("$ACCORD" witness keygen --name "bench.example/w$i" --out "$W/w3/key$i" | grep -o 'bench.example/w[0-9]+[0-9a-f]*+[A-Za-z0-9+/=]*' | head -1)
    wport=$((PORT + i))
    echo "witness w$i $vkey http://127.0.0.1:$wport" >>"$W/w3/policy"
    members+=("w$i")
done
echo "group all3 all ${members[*]}" >>"$W/w3/policy"
echo "quorum all3" >>"$W/w3/policy"

serve_run() { # NAME EXTRA_ARGS...
    local name=$1
    shift
    rm -rf "$W/$name"
    cp -a "$W/base/log" "$W/$name"
    local wpids=()
    if [[ $name != plain ]]; then
        for i in 1 2 3; do
            rm -rf "$W/w3/state$i"
            "$ACCORD" witness serve --listen "127.0.0.1:$((PORT + i))" --state "$W/w3/state$i" \
                --key "$W/w3/key$i" --log "$LOG_VKEY" >"$W/w3/out$i" 2>&1 &
            wpids+=($!)
            PIDS+=($!)
            wait_up "http://127.0.0.1:$((PORT + i))/"
        done
    fi
    cat >"$W/$name.toml" <<EOF
agreement = "$ROOT/examples/ukraine-2025/agreement.toml"
log = "$W/$name"
bind = "127.0.0.1:$PORT"
[limits]
per_address_per_second = 1000000
per_address_burst = 1000000
per_key_per_second = 1000000
per_key_burst = 1000000
EOF
    "$ACCORD" serve --config "$W/$name.toml" "$@" >"$W/$name.out" 2>&1 &
    local spid=$!
    PIDS+=("$spid")
    wait_up "http://127.0.0.1:$PORT/healthz"
    echo "== accord serve ($name): single submissions, $CONC connections"
    "$LOAD" run --url "http://127.0.0.1:$PORT" --mode single --concurrency "$CONC" --seconds "$SECS" \
        --file "$W/base/single.bin" | tee "$W/$name.result"
    curl -s "http://127.0.0.1:$PORT/metrics" >"$W/$name.metrics"
    if [[ $name != plain ]]; then
        local cosigned
        cosigned=$(grep -E '^accord_witness_requests_total\{.*outcome="cosigned"' "$W/$name.metrics" | awk '{s+=$2} END {print s+0}')
        echo "   cosignatures gathered: $cosigned in ${SECS} s (about $((cosigned / SECS))/s from 3 witnesses)"
        for m in witness_round_seconds witness_lag_seconds quorum_wait_seconds; do
            awk -v m="accord_$m" '$1 == m"_sum" {s=$2} $1 == m"_count" {c=$2}
                END {if (c > 0) printf "   %s: %d, mean %.2f ms\n", m, c, 1000*s/c}' "$W/$name.metrics"
        done
    fi
    stop "$spid"
    for p in "${wpids[@]}"; do stop "$p"; done
    # Every statement answered is in the log; with witnesses, the
    # checkpoint the server left carries the cosignatures.
    if [[ $name != plain ]]; then
        "$TLOGCHECK" verify -log "$W/$name" -key "$LOG_VKEY" \
            -witness "$(cut -d' ' -f3 <<<"$(grep '^witness w1' "$W/w3/policy")")" >/dev/null &&
            echo "   the log verifies with tlogcheck, cosigned by w1"
    fi
}

serve_run plain
serve_run quorum --witness-policy "$W/w3/policy" --ack quorum
serve_run durable --witness-policy "$W/w3/policy" --ack durable

echo
echo "== summary"
for f in aw-ed25519 aw-ml-dsa-44 gw; do
    printf '%-28s %s\n' "$f" "$(grep '^RESULT' "$W/$f/result")"
done
for f in plain quorum durable; do
    printf '%-28s %s\n' "serve-$f" "$(grep '^RESULT' "$W/$f.result")"
done
