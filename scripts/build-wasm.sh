#!/usr/bin/env bash
# Rebuilds the dashboard's WebAssembly (crates/dashboard/assets/wasm/) from
# the source: accord-web (crates/web) compiled for wasm32-unknown-unknown,
# its JavaScript glue made by wasm-bindgen-cli of exactly the version in
# Cargo.lock (installed from crates.io into a cache), and SOURCES.sha256,
# the SHA-256 of every input, which crates/web/tests/fresh.rs recomputes to
# say when the checked-in build is stale.
#
#   scripts/build-wasm.sh
#
# Environment: CARGO_TARGET_DIR (default target/), ACCORD_WASM_TOOLS (where
# wasm-bindgen-cli is installed; default ~/.cache/accord/wasm-bindgen-<version>).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out=crates/dashboard/assets/wasm
target=wasm32-unknown-unknown
target_dir="${CARGO_TARGET_DIR:-$root/target}"

if ! rustup target list --installed | grep -qx "$target"; then
    rustup target add "$target"
fi

# The CLI must be the version of the wasm-bindgen crate the build links.
version="$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')"
if [ -z "$version" ]; then
    echo "build-wasm: no wasm-bindgen in Cargo.lock" >&2
    exit 1
fi
tools="${ACCORD_WASM_TOOLS:-${HOME}/.cache/accord/wasm-bindgen-$version}"
if ! "$tools/bin/wasm-bindgen" --version 2>/dev/null | grep -qF "$version"; then
    echo "build-wasm: installing wasm-bindgen-cli $version into $tools" >&2
    # --locked builds the CLI from its own Cargo.lock; a registry mirror
    # that lacks one of those exact versions gets the newest compatible.
    cargo install --locked --version "$version" wasm-bindgen-cli --root "$tools" ||
        cargo install --version "$version" wasm-bindgen-cli --root "$tools"
fi

# Paths of this machine are kept out of the build (panic messages name
# source files), so that the same source gives the same bytes anywhere.
export RUSTFLAGS="--remap-path-prefix=$root=/accord --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo --remap-path-prefix=$target_dir=/target"
cargo build --locked --profile wasm -p accord-web --target "$target"

mkdir -p "$out"
rm -f "$out/accord_web.js" "$out/accord_web_bg.wasm"
"$tools/bin/wasm-bindgen" --target web --no-typescript --remove-name-section \
    --remove-producers-section --out-dir "$out" \
    "$target_dir/$target/wasm/accord_web.wasm"

# The inputs: of every crate of this workspace that accord-web is built
# from, its Cargo.toml, build.rs, src/ and locales/ (embedded messages);
# this script. One line per file, sorted by path.
crates="$(cargo tree --locked -p accord-web --target "$target" -e normal --prefix none \
    | sed -n "s|.*($root/\(crates/[^)]*\)).*|\1|p" | sort -u)"
{
    for c in $crates; do
        for f in "$c/Cargo.toml" "$c/build.rs"; do
            [ -f "$f" ] && echo "$f"
        done
        for d in "$c/src" "$c/locales"; do
            [ -d "$d" ] && find "$d" -type f
        done
    done
    echo scripts/build-wasm.sh
} | LC_ALL=C sort | xargs sha256sum > "$out/SOURCES.sha256"
# Of Cargo.lock, the packages accord-web can be built from (its closure in
# the lock, which also holds its dev- and other targets' dependencies: a
# little more than the build, never less), one line each, "name version
# source checksum", sorted; so that a dependency added elsewhere in the
# workspace does not make this build stale. tests/fresh.rs computes the same.
python3 - >> "$out/SOURCES.sha256" <<'PY'
import hashlib, tomllib
lock = tomllib.load(open("Cargo.lock", "rb"))["package"]
by_name = {}
for p in lock:
    by_name.setdefault(p["name"], []).append(p)
def find(dep):
    parts = dep.split(" ")
    cands = by_name[parts[0]]
    if len(parts) > 1:
        cands = [p for p in cands if p["version"] == parts[1]]
    return cands[0]
seen, todo = {}, [find("accord-web")]
while todo:
    p = todo.pop()
    key = (p["name"], p["version"])
    if key in seen:
        continue
    seen[key] = p
    todo.extend(find(d) for d in p.get("dependencies", []))
lines = sorted(f'{p["name"]} {p["version"]} {p.get("source", "")} {p.get("checksum", "")}\n' for p in seen.values())
print(f'{hashlib.sha256("".join(lines).encode()).hexdigest()}  Cargo.lock[accord-web]')
PY

ls -l "$out"
for f in accord_web_bg.wasm accord_web.js; do
    echo "$f: $(wc -c < "$out/$f") bytes, $(gzip -9 < "$out/$f" | wc -c) gzipped"
done
