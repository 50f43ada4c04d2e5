#!/usr/bin/env bash
# Rebuilds the dashboard's vendored browser libraries from npm, pinned by
# crates/dashboard/vendor/package-lock.json: `npm ci` there, then copies
# the files the page loads into crates/dashboard/assets/vendor/ and writes
# VENDOR.md (package, version, licence, sha256 of each file). The copies
# are committed, so that the server builds and serves the dashboard on a
# machine with Rust only; `cargo test -p accord-dashboard --test vendor`
# checks them against node_modules whenever it exists.
#
#   scripts/vendor-dashboard.sh          # npm ci, copy, write VENDOR.md
#   scripts/vendor-dashboard.sh --no-ci  # copy from the node_modules there
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$here/crates/dashboard/vendor"
out="$here/crates/dashboard/assets/vendor"

if [[ "${1:-}" != "--no-ci" ]]; then
  (cd "$vendor" && npm ci --ignore-scripts --no-audit --no-fund)
fi

# package, file in the package, name served under /dashboard/vendor/.
# Keep in step with FILES in crates/dashboard/tests/vendor.rs.
files=(
  "maplibre-gl dist/maplibre-gl-csp.js maplibre-gl-csp.js"
  "maplibre-gl dist/maplibre-gl-csp-worker.js maplibre-gl-csp-worker.js"
  "maplibre-gl dist/maplibre-gl.css maplibre-gl.css"
  "maplibre-gl LICENSE.txt maplibre-gl.LICENSE.txt"
  "topojson-client dist/topojson-client.min.js topojson-client.min.js"
  "topojson-client LICENSE topojson-client.LICENSE.txt"
  "world-atlas countries-50m.json countries-50m.json"
  "world-atlas LICENSE world-atlas.LICENSE.txt"
)

rm -rf "$out"
mkdir -p "$out"
{
  echo "# Vendored browser libraries"
  echo
  echo "Written by \`scripts/vendor-dashboard.sh\` from npm (pinned by"
  echo "\`crates/dashboard/vendor/package-lock.json\`); do not edit by hand."
  echo "The borders are Natural Earth's (public domain), as world-atlas packs them."
  echo
  echo "| file | package | version | licence | sha256 |"
  echo "|---|---|---|---|---|"
} > "$out/VENDOR.md"
for f in "${files[@]}"; do
  read -r pkg src name <<< "$f"
  dir="$vendor/node_modules/$pkg"
  cp "$dir/$src" "$out/$name"
  version="$(node -p "require('$dir/package.json').version")"
  licence="$(node -p "require('$dir/package.json').license")"
  sum="$(sha256sum "$out/$name" | cut -d' ' -f1)"
  echo "| $name | $pkg ($src) | $version | $licence | $sum |" >> "$out/VENDOR.md"
done
echo "vendored ${#files[@]} files into $out"
