#!/usr/bin/env bash
# The server under load (issue 13), on loopback, bounded in time, each
# figure beside its peer in the same run:
#
# - submissions: signed observations POSTed one a request and 100 a
#   request to `accord serve`, against the same statements appended with
#   `accord log append --raw` (with --agreement, checked as the evaluator
#   checks, and without);
# - tile reads: random full hash tiles and entry bundles from `accord
#   serve`, against nginx serving the same log directory;
# - reads: proofs, entries, the checkpoint and the status from `accord serve`.
#
#   scripts/bench-serve.sh [WORKDIR]
#
# Environment: SINGLE, BATCHED (statements made), SECONDS_EACH (per mode,
# 10), CONCURRENCY (64), HIGH_CONCURRENCY (512, a second single run), BATCH (100), THREADS (the load generator's, 1),
# PORT (18470), NGINX_PORT (18471), CARGO_TARGET_DIR. Needs nginx (Debian:
# nginx-light) for the tile peer; wrk, if present, is run too. The load
# generator is bench/src/bin/serve_load.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SINGLE=${SINGLE:-200000}
BATCHED=${BATCHED:-300000}
SECS=${SECONDS_EACH:-10}
CONC=${CONCURRENCY:-64}
BATCH=${BATCH:-100}
THREADS=${THREADS:-1}
PORT=${PORT:-18470}
NGINX_PORT=${NGINX_PORT:-18471}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
W=${1:-$(mktemp -d /tmp/accord-serve-bench.XXXXXX)}
mkdir -p "$W"
W=$(cd "$W" && pwd)
AGREEMENT=$ROOT/examples/ukraine-2025/agreement.toml

cargo build --release -q -p accord-cli --bin accord
cargo build --release -q -p accord-bench --bin serve_load
ACCORD=$TARGET/release/accord
LOAD=$TARGET/release/serve_load

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r)"
echo "== workdir $W"

# The log (adoption, accreditations) and the statements, made once.
if [[ ! -f $W/base/single.bin ]]; then
    rm -rf "$W/base"
    "$LOAD" prepare --dir "$W/base" --single "$SINGLE" --batched "$BATCHED"
fi

PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

# --- accord serve ------------------------------------------------------------
rm -rf "$W/serve-log"
cp -a "$W/base/log" "$W/serve-log"
# Rate limits are a policy for the public, not a capacity: raised here so
# that one load generator on one address measures the server.
cat >"$W/serve.toml" <<EOF
agreement = "$AGREEMENT"
log = "$W/serve-log"
bind = "127.0.0.1:$PORT"

[limits]
per_address_per_second = 10000000
per_address_burst = 10000000
per_key_per_second = 10000000
per_key_burst = 10000000
EOF
"$ACCORD" serve --config "$W/serve.toml" >"$W/serve.out" 2>"$W/serve.err" &
SERVE_PID=$!
PIDS+=("$SERVE_PID")
for _ in $(seq 1 600); do
    grep -q 'listening on' "$W/serve.out" 2>/dev/null && break
    sleep 0.1
done
grep -q 'listening on' "$W/serve.out" || { cat "$W/serve.out" "$W/serve.err"; exit 1; }
URL=http://127.0.0.1:$PORT

RESULTS=$W/results.txt
: >"$RESULTS"
load() {
    "$LOAD" run --threads "$THREADS" --concurrency "$CONC" --seconds "$SECS" "$@" | tee -a "$RESULTS"
}
load --url "$URL" --mode single --file "$W/base/single.bin" --label accord-single
# The first N statements were logged (each connection takes the next);
# the same statements are appended with `accord log append` below.
N=$(awk '/^  statements logged/ {gsub(",", "", $5); print $5; exit}' "$RESULTS")
HIGH=${HIGH_CONCURRENCY:-512}
CONC=$HIGH load --url "$URL" --mode single --file "$W/base/single.bin" --from "$N" --label accord-single-$HIGH
load --url "$URL" --mode batch --batch "$BATCH" --file "$W/base/batched.bin" --label accord-batch
load --url "$URL" --mode reads --label accord-reads

# --- nginx on the same directory ---------------------------------------------
NG=$W/nginx
mkdir -p "$NG"
cat >"$NG/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $NG/nginx.pid;
error_log $NG/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 10000000;
    open_file_cache max=100000 inactive=60s;
    client_body_temp_path $NG/body;
    proxy_temp_path $NG/proxy;
    fastcgi_temp_path $NG/fastcgi;
    uwsgi_temp_path $NG/uwsgi;
    scgi_temp_path $NG/scgi;
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $W/serve-log;
        location /.tlog { deny all; }
    }
}
EOF
nginx -p "$NG" -c "$NG/nginx.conf" &
PIDS+=("$!")
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$NGINX_PORT/checkpoint" >/dev/null 2>&1 && break
    sleep 0.1
done
NGURL=http://127.0.0.1:$NGINX_PORT

for mode in tiles bundles; do
    load --url "$URL" --mode $mode --label accord-$mode
    load --url "$NGURL" --mode $mode --label nginx-$mode
done
if command -v wrk >/dev/null; then
    TILE=/tile/0/000
    echo "== wrk, one hash tile ($TILE), 1 thread, $CONC connections, 5 s"
    for u in "$URL" "$NGURL"; do
        wrk -t1 -c"$CONC" -d5s --latency "$u$TILE" | grep -E 'Requests/sec|50%|99%|Non-2xx' | sed "s|^|  $u |"
    done
fi
kill "$SERVE_PID"
wait "$SERVE_PID" || true

# --- accord log append, the same statements ------------------------------------
echo "== accord log append --raw of the same $N statements (one file each)"
append() {
    local name=$1
    shift
    rm -rf "$W/append-log"
    cp -a "$W/base/log" "$W/append-log"
    sync
    local t0 t1
    t0=$(date +%s.%N)
    # One process for all the files: a larger stack allows a longer
    # argument list.
    (cd "$W/base/notes" && ulimit -s 262144 &&
        "$ACCORD" log append "$W/append-log" --raw "$@" $(seq 0 $((N - 1))) >/dev/null)
    t1=$(date +%s.%N)
    local secs
    secs=$(echo "$t1 - $t0" | bc -l)
    local size
    size=$(sed -n 2p "$W/append-log/checkpoint")
    printf 'RESULT label=%s statements=%s seconds=%.3f items_per_s=%.0f log_size=%s\n' \
        "$name" "$N" "$secs" "$(echo "$N / $secs" | bc -l)" "$size" | tee -a "$RESULTS"
}
append append-agreement --agreement "$AGREEMENT"
append append-plain

# --- the table -----------------------------------------------------------------
field() { grep "^RESULT label=$1 " "$RESULTS" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }
echo
echo "| what | per second | p50 ms | p99 ms | max ms | statuses | vs peer |"
echo "|---|---|---|---|---|---|---|"
row() { # label, what, peer label
    local r="| $2 | $(field "$1" items_per_s) | $(field "$1" p50_ms) | $(field "$1" p99_ms) | $(field "$1" max_ms) | $(field "$1" statuses) |"
    if [[ -n ${3:-} ]]; then r="$r $(ratio "$(field "$1" items_per_s)" "$(field "$3" items_per_s)")x |"; else r="$r |"; fi
    echo "$r"
}
row accord-single "accord serve: single submissions ($CONC connections), statements" append-agreement
row accord-single-$HIGH "accord serve: single submissions ($HIGH connections), statements" append-agreement
row accord-batch "accord serve: batches of $BATCH, statements" append-agreement
row accord-reads "accord serve: reads (proofs, entries, checkpoint, status)"
row accord-tiles "accord serve: full hash tiles" nginx-tiles
row nginx-tiles "nginx: full hash tiles"
row accord-bundles "accord serve: full entry bundles" nginx-bundles
row nginx-bundles "nginx: full entry bundles"
echo "| accord log append --raw --agreement, statements | $(field append-agreement items_per_s) | | | | $(field append-agreement seconds) s for $N | |"
echo "| accord log append --raw, statements | $(field append-plain items_per_s) | | | | $(field append-plain seconds) s for $N | |"
