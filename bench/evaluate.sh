#!/usr/bin/env bash
# The evaluator and the audit on a log of 1,000,000 statements of the
# Ukraine example (made once by the `replay` benchmark, then reused):
#
# - replay of statements already known to be validly signed (the evaluator
#   alone, and from the log's bytes), against applying them one at a time
#   with signature checks, the first thing a user would write;
# - the full audit with the `accord` binary: batch verification with strict
#   fall-back, against `--strict` (every signature with verify_strict).
#
#   bench/evaluate.sh                      # about 4 minutes the first time on 2 cores
#   STATEMENTS=200000 bench/evaluate.sh    # smaller
#   BENCH_DIR=/path bench/evaluate.sh      # where the log is kept
#   BASELINE=/path/to/accord bench/evaluate.sh
#                                          # also audit with another build (an
#                                          # earlier commit's), runs interleaved
set -euo pipefail
cd "$(dirname "$0")/.."
n=${STATEMENTS:-1000000}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}}/accord-replay-$n
if [[ ! -x /usr/bin/time ]]; then
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
cargo build --release -q -p accord-cli -p accord-bench --bin accord --bin replay
out=$(target/release/replay "$n" "$dir")
echo "$out"
agreement=examples/ukraine-2025/agreement.toml
audit() { # BINARY MODE
  local flag=""
  [[ $2 == strict ]] && flag="--strict"
  echo "$1 audit ($2):"
  ACCORD_STATE="$dir.state" /usr/bin/time -f "  wall %e s, user %U s, peak memory %M KB" \
    "$1" audit --agreement "$agreement" "$dir" $flag --evidence "$dir.evidence" \
    | grep -E "^(statements|status statements|AUDIT)" | sed 's/^/  /'
}
for mode in batch strict; do
  audit target/release/accord "$mode"
done
if [[ -n ${BASELINE:-} ]]; then
  # Interleaved, three times each, so that both see the same machine.
  for _ in 1 2 3; do
    audit "$BASELINE" batch
    audit target/release/accord batch
  done
fi
