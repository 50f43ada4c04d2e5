//! The WebAssembly checked in (crates/dashboard/assets/wasm/) is built from
//! the source as it is: `SOURCES.sha256`, written by scripts/build-wasm.sh,
//! is recomputed here from the files, and any change (a source edited,
//! added or removed, a package it is built from in Cargo.lock, the script)
//! fails with what to run.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

const OUT: &str = "crates/dashboard/assets/wasm";

fn files_under(root: &Path, rel: &str, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
        return;
    };
    for e in entries {
        let e = e.unwrap();
        let name = format!("{rel}/{}", e.file_name().to_str().unwrap());
        if e.file_type().unwrap().is_dir() {
            files_under(root, &name, out);
        } else {
            out.push(name);
        }
    }
}

/// The manifest as scripts/build-wasm.sh writes it, for the crates it
/// lists (which accord-web's own Cargo.toml, hashed too, decides).
fn recompute(root: &Path, manifest: &str) -> String {
    let mut crates: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.split_once("  ").map(|(_, p)| p))
        .filter_map(|p| {
            let mut parts = p.splitn(3, '/');
            match (parts.next(), parts.next()) {
                (Some("crates"), Some(c)) => Some(&p[..("crates/".len() + c.len())]),
                _ => None,
            }
        })
        .collect();
    if !crates.contains(&"crates/web") {
        crates.push("crates/web");
    }
    crates.sort_unstable();
    crates.dedup();
    let mut files = Vec::new();
    for c in crates {
        for f in ["Cargo.toml", "build.rs"] {
            if root.join(c).join(f).is_file() {
                files.push(format!("{c}/{f}"));
            }
        }
        files_under(root, &format!("{c}/src"), &mut files);
        files_under(root, &format!("{c}/locales"), &mut files);
    }
    files.push("scripts/build-wasm.sh".into());
    files.sort();
    let mut out: String = files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(root.join(f)).unwrap();
            format!("{}  {f}\n", hex(&Sha256::digest(&bytes)))
        })
        .collect();
    out.push_str(&format!("{}  Cargo.lock[accord-web]\n", locked(root)));
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Of Cargo.lock, the packages accord-web can be built from (its closure
/// in the lock), as scripts/build-wasm.sh hashes them: one line each,
/// "name version source checksum", sorted.
fn locked(root: &Path) -> String {
    let lock: toml::Table = std::fs::read_to_string(root.join("Cargo.lock"))
        .unwrap()
        .parse()
        .unwrap();
    let packages = lock["package"].as_array().unwrap();
    let get =
        |p: &toml::Value, k: &str| p.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
    let find = |dep: &str| -> &toml::Value {
        let mut parts = dep.split(' ');
        let (name, version) = (parts.next().unwrap(), parts.next());
        packages
            .iter()
            .find(|p| get(p, "name") == name && version.is_none_or(|v| get(p, "version") == v))
            .unwrap_or_else(|| panic!("{dep} is not in Cargo.lock"))
    };
    let mut seen = std::collections::BTreeMap::new();
    let mut todo = vec![find("accord-web")];
    while let Some(p) = todo.pop() {
        let key = (get(p, "name"), get(p, "version"));
        if seen.contains_key(&key) {
            continue;
        }
        seen.insert(key, p);
        for d in p
            .get("dependencies")
            .and_then(|d| d.as_array())
            .into_iter()
            .flatten()
        {
            todo.push(find(d.as_str().unwrap()));
        }
    }
    let mut lines: Vec<String> = seen
        .values()
        .map(|p| {
            format!(
                "{} {} {} {}\n",
                get(p, "name"),
                get(p, "version"),
                get(p, "source"),
                get(p, "checksum")
            )
        })
        .collect();
    lines.sort();
    hex(&Sha256::digest(lines.concat().as_bytes()))
}

#[test]
fn the_checked_in_webassembly_is_built_from_this_source() {
    let root: PathBuf = testkit::repo_root();
    let out = root.join(OUT);
    for f in ["accord_web.js", "accord_web_bg.wasm", "SOURCES.sha256"] {
        assert!(
            out.join(f).is_file(),
            "{OUT}/{f} is missing: run scripts/build-wasm.sh"
        );
    }
    let manifest = std::fs::read_to_string(out.join("SOURCES.sha256")).unwrap();
    let now = recompute(&root, &manifest);
    if now != manifest {
        let old: std::collections::BTreeSet<&str> = manifest.lines().collect();
        let new: std::collections::BTreeSet<&str> = now.lines().collect();
        let changed: std::collections::BTreeSet<&str> = old
            .symmetric_difference(&new)
            .map(|l| l.split_once("  ").map_or(*l, |(_, p)| p))
            .collect();
        panic!(
            "the WebAssembly in {OUT} is stale (changed since it was built: {}): run scripts/build-wasm.sh",
            changed.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
    for needed in [
        "crates/web/src/lib.rs",
        "crates/tlog-core/src/ed25519.rs",
        "crates/accord/src/evaluate/mod.rs",
        "crates/engine/src/replay.rs",
    ] {
        assert!(
            manifest.contains(&format!("  {needed}\n")),
            "{needed} is not among the inputs hashed: run scripts/build-wasm.sh"
        );
    }
}
