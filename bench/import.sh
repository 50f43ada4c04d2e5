#!/usr/bin/env bash
# `accord import` of a 1,000,000-row UCDP GED CSV, against loading the same
# file with pandas, in the same run: wall time, rows/s, peak memory
# (/usr/bin/time's "Maximum resident set size").
#
# The CSV is made by repeating the real rows of the shared UCDP extract with
# fresh ids (bench/gen_ucdp.py), in a temporary directory; it is not kept.
#
#   bench/import.sh                 # about 2 minutes on 2 cores
#   ROWS=200000 bench/import.sh     # smaller
#   BENCH_DIR=/path bench/import.sh # choose the disk
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
rows=${ROWS:-1000000}
shared=${ACCORD_SHARED:-$root/../shared}
src="$shared/data/events/ucdp_ged_ukraine_2014-01_to_2022-02-23.csv"
[[ -f $src ]] || { echo "missing $src (set ACCORD_SHARED)" >&2; exit 1; }

if [[ ! -x /usr/bin/time ]]; then
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
if ! python3 -c 'import pandas' 2>/dev/null; then
  python3 -m pip install -q pandas 2>/dev/null || python3 -m pip install -q --break-system-packages pandas
fi
cargo build --release -q -p accord-cli --bin accord
accord="$root/target/release/accord"
agreement="$root/examples/ukraine-2025/agreement.toml"

work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/accord-import-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
csv="$work/ucdp_${rows}.csv"
python3 bench/gen_ucdp.py "$src" "$csv" "$rows"
"$accord" keygen osint.accord.example/importer --out "$work/importer.key" >/dev/null 2>&1
"$accord" log init "$work/log" --origin bench.example/import >/dev/null 2>&1

# Runs a command under /usr/bin/time -v, its output in $work/LABEL.out;
# prints "seconds kbytes".
measure() {
  local label=$1 out="$work/$1.time"
  shift
  /usr/bin/time -v "$@" >"$work/$label.out" 2>"$out" || { cat "$out" >&2; exit 1; }
  local wall rss
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out")
  python3 -c 'import sys
p=[float(x) for x in sys.argv[1].split(":")]
s=sum(v*60**i for i,v in enumerate(reversed(p)))
print(f"{s:.2f} {sys.argv[2]}")' "$wall" "$rss"
}

sync
dry=$(measure dry "$accord" import --agreement "$agreement" --format ucdp --dry-run "$csv")
sync
imp=$(measure import "$accord" import --agreement "$agreement" --format ucdp --log "$work/log" --key "$work/importer.key" "$csv")
statements=$(sed -n 's/^statements imported *\([0-9]*\).*/\1/p' "$work/import.out")
again=$(measure again "$accord" import --agreement "$agreement" --format ucdp --log "$work/log" --key "$work/importer.key" "$csv")
grep -q '^statements imported *0$' "$work/again.out" || { echo "importing again added statements" >&2; exit 1; }
pandas=$(measure pandas python3 -c 'import pandas, sys; df = pandas.read_csv(sys.argv[1]); assert len(df) == int(sys.argv[2])' "$csv" "$rows")
size=$(du -sm "$work/log" | cut -f1)

echo "# accord import benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1 /proc/loadavg))"
echo
echo "$rows rows of UCDP GED CSV ($(du -m "$csv" | cut -f1) MB, 49 columns, quoted multi-line fields); $statements statements; log $size MB."
echo
python3 - "$rows" "$dry" "$imp" "$again" "$pandas" <<'PY'
import sys
rows = int(sys.argv[1])
runs = [
    ("accord import --dry-run (check pass + mapping pass, no signing)", sys.argv[2]),
    ("accord import into a fresh log (check, sign, append durably)", sys.argv[3]),
    ("accord import again (reads the whole log; every statement a duplicate)", sys.argv[4]),
    ("pandas.read_csv (load only)", sys.argv[5]),
]
p_s, p_kb = map(float, sys.argv[5].split())
print("| run | wall s | rows/s | peak RSS MiB | time vs pandas | memory vs pandas |")
print("|---|---|---|---|---|---|")
for name, m in runs:
    s, kb = map(float, m.split())
    print(f"| {name} | {s:.1f} | {rows / s:,.0f} | {kb / 1024:,.0f} | {s / p_s:.2f}x | {kb / p_kb:.2f}x |")
PY
