#!/usr/bin/env bash
# `accord check` on 1, 2, 4 and 8 MB of TOML-like garbage of three kinds
# (bench/gen_garbage.py): wall time, CPU time (user + system: steadier than
# wall time on a shared machine), MB/s, peak memory (/usr/bin/time's
# "Maximum resident set size") and the problems found, so that linearity can
# be read down each column.
#
#   bench/check.sh                        # about a minute
#   ACCORD=/path/to/accord bench/check.sh # time another build (no cargo build)
#   SIZES="1 2" KINDS=syntax LIMIT_S=60 bench/check.sh
#
# Each is run REPEAT times (default 3) and the fastest kept: on a machine
# shared with others, time spent zeroing pages varies several-fold from run
# to run. A run longer than LIMIT_S seconds (default 300) is stopped and
# reported as "> LIMIT_S s", and the larger sizes of that kind are not run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
sizes=${SIZES:-1 2 4 8}
kinds=${KINDS:-syntax tables agreement}
limit=${LIMIT_S:-300}
repeat=${REPEAT:-3}

if [[ ! -x /usr/bin/time ]]; then
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
if [[ -z ${ACCORD:-} ]]; then
  cargo build --release -q -p accord-cli --bin accord
  ACCORD="${CARGO_TARGET_DIR:-$root/target}/release/accord"
fi

work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/accord-check-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "| garbage | MB | wall | CPU | MB/s | peak memory | problems found |"
echo "|---|---|---|---|---|---|---|"
for kind in $kinds; do
  stopped=""
  for mb in $sizes; do
    if [[ -n $stopped ]]; then
      echo "| $kind | $mb | not run ($stopped MB took > $limit s) | | | | |"
      continue
    fi
    file="$work/$kind-$mb.toml"
    python3 bench/gen_garbage.py "$kind" "$mb" "$file"
    best=""
    for _ in $(seq "$repeat"); do
      set +e
      /usr/bin/time -f '%e %U %S %M' -o "$work/time" \
        timeout "$limit" "$ACCORD" check "$file" >/dev/null 2>"$work/err"
      status=$?
      set -e
      [[ $status == 124 ]] && break
      run=$(tail -1 "$work/time")
      if [[ -z $best ]] || awk "BEGIN { exit !(${run%% *} < ${best%% *}) }"; then
        best=$run
      fi
    done
    if [[ $status == 124 ]]; then
      echo "| $kind | $mb | > $limit s | | | | |"
      stopped=$mb
      continue
    fi
    read -r secs user sys kb <<<"$best"
    # The summary line: "N errors, M warnings" (N error, … when one).
    found=$(grep -E '^[0-9]+ errors?, [0-9]+ warnings?$' "$work/err" | tail -1 || true)
    awk -v k="$kind" -v mb="$mb" -v s="$secs" -v cpu="$(awk "BEGIN { print $user + $sys }")" -v kb="$kb" -v f="$found" \
      'BEGIN { printf "| %s | %s | %.2f s | %.2f s | %.2f | %.0f MB | %s |\n", k, mb, s, cpu, (s > 0 ? mb / s : 0), kb / 1024, f }'
  done
done
