#!/usr/bin/env bash
# Reproduces the log figures in BENCHMARKS.md, each beside its peer in the
# same run:
#   - tree building and proofs vs Go's reference (golang.org/x/mod/sumdb/tlog)
#   - proofs from the tiles of a 10-million-entry log on disk, vs Go's
#     TileHashReader on the same directory
#   - durable bulk and concurrent appends vs a plain file and SQLite
#
#   bench/tlog.sh            # about 3 minutes; BENCH_DIR=/path to choose the disk
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=${BENCH_DIR:-${TMPDIR:-/tmp}}/accord-bench
mkdir -p "$work"

if ! command -v go >/dev/null || [[ ! -d /usr/share/gocode/src/golang.org/x/mod/sumdb ]]; then
  apt-get update -qq && apt-get install -y -qq golang-go golang-golang-x-mod-dev >/dev/null
fi
(cd bench/go/tlogbench && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$work/gocache" go build -o "$work/tlogbench" .)
cargo build --release -q -p accord-bench

echo "# tlog benchmarks ($(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
echo
# Disk-bound work first, on a quiet disk.
sync
BENCH_DIR="$work" "$root/target/release/tlog_append" --bulk 300000 --seconds 5 --tasks 64
sync
echo
echo "## Tree building and proofs, in memory, vs Go's reference"
echo
echo "| leaves | work | accord tlog | Go x/mod/sumdb/tlog | Go / accord |"
echo "|---|---|---|---|---|"
for n in 1000000 10000000; do
  proofs=$(( n >= 10000000 ? 20000 : 100000 ))
  rs=$("$root/target/release/tlog_tree" -n "$n" --proofs "$proofs")
  go=$("$work/tlogbench" -n "$n" -proofs "$proofs")
  python3 - "$n" "$rs" "$go" <<'PY'
import json, sys
n, rs, go = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
assert rs["root"] == go["root"], "roots differ!"
rows = [
    ("build tree from entries, per leaf", "build_ns_per_leaf", "build_ns_per_leaf", "ns"),
    ("inclusion proof (accord: from tiles; Go: from all stored hashes)", "inclusion_tiles_ns", "inclusion_mem_ns", "ns"),
    ("inclusion proof from tiles (Go: TileHashReader)", "inclusion_tiles_ns", "inclusion_tiles_ns", "ns"),
    ("consistency proof (accord: from tiles; Go: from all stored hashes)", "consistency_tiles_ns", "consistency_mem_ns", "ns"),
    ("verify an inclusion proof", "verify_inclusion_ns", "verify_inclusion_ns", "ns"),
]
for name, r, g, unit in rows:
    print(f"| {int(n):,} | {name} | {rs[r]:,.0f} {unit} | {go[g]:,.0f} {unit} | {go[g]/rs[r]:.1f}x |")
PY
done
echo
echo "## Inclusion proofs from the tiles of a 10,000,000-entry log on disk"
echo
rs=$("$root/target/release/tlog_proofs" --dir "$work/log10m" --size 10000000 --proofs 20000)
go=$("$work/tlogbench" -dir "$work/log10m" -proofs 5000)
python3 - "$rs" "$go" <<'PY'
import json, sys
rs, go = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print("| proof | accord tlog | Go TileHashReader | Go / accord |")
print("|---|---|---|---|")
for name, k in [("cold (no cache: every tile read from disk)", "inclusion_cold_us"), ("warm (tiles cached as read)", "inclusion_warm_us")]:
    print(f"| {name} | {rs[k]:.1f} µs | {go[k]:.1f} µs | {go[k]/rs[k]:.1f}x |")
print(f"| consistency, warm | {rs['consistency_warm_us']:.1f} µs | | |")
PY
