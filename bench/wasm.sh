#!/usr/bin/env bash
# The journalist's laptop as an auditor: the dashboard's replay (the
# evaluator compiled to WebAssembly, run by Node's V8 as Chromium runs it)
# against the native replay a user would otherwise run (`accord status
# --json`), on the same log: the demo's (with the UCDP events of
# ../shared/data when they are there). Needs node and hyperfine.
#
#   bench/wasm.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p accord-cli >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
target/release/accord demo --dir "$tmp/d" >/dev/null
target/release/accord check --canonical "$tmp/d/agreement/agreement.toml" > "$tmp/agreement.json"
echo "# one replay in WebAssembly, by phase (ms):"
node bench/wasm-replay.mjs "$tmp/d/log" "$tmp/agreement.json"
hyperfine --warmup 1 --runs 10 -N \
  "node bench/wasm-replay.mjs $tmp/d/log $tmp/agreement.json" \
  "target/release/accord status --agreement $tmp/d/agreement/agreement.toml $tmp/d/log --json --state $tmp/state"
