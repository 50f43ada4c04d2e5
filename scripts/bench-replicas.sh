#!/usr/bin/env bash
# Replicas of one log (issue 17), on loopback, each figure beside its peer
# in the same run: reads from one `accord serve` against the same load
# spread over three replicas of the log ([cluster]: a sequencer, a standby
# and a reader) sharing one PostgreSQL index:
#
# - tiles: random full hash tiles (what a CDN or a mirror fetches);
# - queries: observations in a random box, from the index (PostgreSQL,
#   through each replica's connection pool);
# - reads: proofs, entries, the checkpoint and the status.
#
#   scripts/bench-replicas.sh [WORKDIR]
#
# Environment: STATEMENTS (logged before the reads, 100000), SECONDS_EACH
# (10), CONCURRENCY (64), THREADS (the load generator's, 1), PORT (18480,
# and the two after it), PG_PORT (18490), CARGO_TARGET_DIR. Needs Debian's
# postgresql (initdb, pg_ctl; run as the `postgres` user when root). On a
# machine of few cores, three replicas share them with the load generator:
# the figure says what a second and third process buy there, not what
# three machines would.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N=${STATEMENTS:-100000}
SECS=${SECONDS_EACH:-10}
CONC=${CONCURRENCY:-64}
THREADS=${THREADS:-1}
PORT=${PORT:-18480}
PG_PORT=${PG_PORT:-18490}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
W=${1:-$(mktemp -d /tmp/accord-replicas-bench.XXXXXX)}
mkdir -p "$W"
W=$(cd "$W" && pwd)
AGREEMENT=$ROOT/examples/ukraine-2025/agreement.toml

cargo build --release -q -p accord-cli --bin accord
cargo build --release -q -p accord-bench --bin serve_load
ACCORD=$TARGET/release/accord
LOAD=$TARGET/release/serve_load

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r)"
echo "== workdir $W"

PIDS=()
PG_CTL=
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [[ -n $PG_CTL ]] && $PG_CTL stop -m fast >/dev/null 2>&1 || true
}
trap cleanup EXIT

# --- PostgreSQL, a throwaway cluster -------------------------------------------
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x $PGBIN/initdb ]] || { echo "PostgreSQL's initdb not found (apt-get install postgresql)"; exit 1; }
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
rm -rf "$W/pg"
mkdir -p "$W/pg"
[[ $(id -u) == 0 ]] && chown postgres: "$W/pg"
as_pg "$PGBIN/initdb" -D "$W/pg/data" -U accord --auth=trust --no-sync -E UTF8 --locale=C >/dev/null
PG_CTL="as_pg $PGBIN/pg_ctl -D $W/pg/data"
as_pg "$PGBIN/pg_ctl" -D "$W/pg/data" -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $W/pg -c max_connections=200" \
    -l "$W/pg/server.log" -w start >/dev/null
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U accord accord
DB="postgres://accord@127.0.0.1:$PG_PORT/accord"

# --- the log: adoption, accreditations, then $N observations submitted ---------
if [[ ! -f $W/base/batched.bin ]]; then
    rm -rf "$W/base"
    "$LOAD" prepare --dir "$W/base" --single 0 --batched "$N"
fi
rm -rf "$W/log"
cp -a "$W/base/log" "$W/log"
LIMITS='[limits]
per_address_per_second = 10000000
per_address_burst = 10000000
per_key_per_second = 10000000
per_key_burst = 10000000'

wait_listening() {
    for _ in $(seq 1 1200); do
        grep -q 'listening on' "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    cat "$1" "${1%.out}.err"
    exit 1
}

cat >"$W/fill.toml" <<EOF2
agreement = "$AGREEMENT"
log = "$W/log"
bind = "127.0.0.1:$PORT"
database = "$DB"
$LIMITS
EOF2
"$ACCORD" serve --config "$W/fill.toml" >"$W/fill.out" 2>"$W/fill.err" &
FILL=$!
PIDS+=("$FILL")
wait_listening "$W/fill.out"
"$LOAD" run --url "http://127.0.0.1:$PORT" --mode batch --batch 100 --file "$W/base/batched.bin" \
    --seconds 600 --concurrency 8 --label fill | grep -v RESULT
kill -TERM "$FILL"
wait "$FILL" || true

# --- three replicas ---------------------------------------------------------------
ROLES=(sequencer standby reader)
URLS=()
for i in 0 1 2; do
    P=$((PORT + i))
    cat >"$W/replica-$i.toml" <<EOF2
agreement = "$AGREEMENT"
log = "$W/log"
bind = "127.0.0.1:$P"
database = "$DB"
$LIMITS

[cluster]
role = "${ROLES[$i]}"
advertise = "http://127.0.0.1:$P"
EOF2
    "$ACCORD" serve --config "$W/replica-$i.toml" >"$W/replica-$i.out" 2>"$W/replica-$i.err" &
    PIDS+=("$!")
    wait_listening "$W/replica-$i.out"
    URLS+=("http://127.0.0.1:$P")
done
for u in "${URLS[@]}"; do
    for _ in $(seq 1 600); do
        curl -sf "$u/readyz" >/dev/null && break
        sleep 0.1
    done
done
ONE=${URLS[0]}
THREE=$(IFS=,; echo "${URLS[*]}")

RESULTS=$W/results.txt
: >"$RESULTS"
load() { "$LOAD" run --threads "$THREADS" --concurrency "$CONC" --seconds "$SECS" "$@" | tee -a "$RESULTS"; }
for mode in tiles queries reads; do
    load --url "$ONE" --mode $mode --label one-$mode
    load --url "$THREE" --mode $mode --label three-$mode
done

field() { awk -v l="$1" -v f="$2" '$1=="RESULT" { for (i=2;i<=NF;i++) { split($i,kv,"="); v[kv[1]]=kv[2] } if (v["label"]==l) print v[f] }' "$RESULTS"; }
echo
echo "| reads | one replica (req/s, p99 ms) | three replicas (req/s, p99 ms) | three / one |"
echo "|---|---|---|---|"
for mode in tiles queries reads; do
    a=$(field one-$mode rps); ap=$(field one-$mode p99_ms)
    b=$(field three-$mode rps); bp=$(field three-$mode p99_ms)
    echo "| $mode | $a, $ap | $b, $bp | $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f×", b/a }') |"
done
