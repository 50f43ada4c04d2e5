#!/usr/bin/env bash
# Fuzzes the parsers that read untrusted input, each for a bounded time:
#   agreement  the agreement checker (TOML, GeoJSON, CEL), on arbitrary text
#   statement  log entries as statements (note, JSON, canonical form)
#   note       signed notes and checkpoints
#   policy     C2SP tlog-policy files (the witnesses and the quorum)
#   evaluator  the evaluator over signed sequences (honest and dishonest
#              signers and operator), three ways of replaying that must agree
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]      # default 60
#
# Uses cargo-fuzz (installed when missing) with libFuzzer; no sanitizer, so
# it runs on the stable toolchain. Crashes are saved in fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs=${1:-60}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
mkdir -p corpus/agreement corpus/statement corpus/note corpus/evaluator corpus/policy
# Seeds: the repository's own agreements and statements.
cp ../examples/ukraine-2025/agreement.toml corpus/agreement/ukraine-2025.toml
cp ../crates/accord/tests/agreements/base/agreement.toml corpus/agreement/base.toml
cp ../crates/accord/tests/agreements/broken/*.toml corpus/agreement/
cp seeds/statement/* corpus/statement/
cp seeds/note/* corpus/note/
cp seeds/evaluator/* corpus/evaluator/
cp seeds/policy/* corpus/policy/
cargo fuzz build -s none
for t in agreement statement note policy evaluator; do
  echo "fuzzing $t for ${secs}s"
  cargo fuzz run -s none "$t" corpus/"$t" -- -max_total_time="$secs" -rss_limit_mb=4096 -max_len=65536 2>&1 |
    grep -E '^(#[0-9]+ +DONE|==|SUMMARY|thread|panicked|Done)' || true
  if ls artifacts/"$t"/crash-* >/dev/null 2>&1; then
    echo "fuzz target $t crashed: see fuzz/artifacts/$t/" >&2
    exit 1
  fi
done
echo "fuzzing found nothing in ${secs}s per target"
