//! The vendored libraries are npm's files, unchanged: each served copy has
//! the sha256 VENDOR.md gives for it and, when `npm ci` has been run in
//! `crates/dashboard/vendor` (scripts/test.sh does), equals its original in
//! node_modules byte for byte, at the version the lockfile pins.

use std::path::PathBuf;

use sha2::{Digest, Sha256};

/// (package, file in the package, name served). Keep in step with
/// `scripts/vendor-dashboard.sh`.
const FILES: &[(&str, &str, &str)] = &[
    (
        "maplibre-gl",
        "dist/maplibre-gl-csp.js",
        "maplibre-gl-csp.js",
    ),
    (
        "maplibre-gl",
        "dist/maplibre-gl-csp-worker.js",
        "maplibre-gl-csp-worker.js",
    ),
    ("maplibre-gl", "dist/maplibre-gl.css", "maplibre-gl.css"),
    ("maplibre-gl", "LICENSE.txt", "maplibre-gl.LICENSE.txt"),
    (
        "topojson-client",
        "dist/topojson-client.min.js",
        "topojson-client.min.js",
    ),
    ("topojson-client", "LICENSE", "topojson-client.LICENSE.txt"),
    ("world-atlas", "countries-50m.json", "countries-50m.json"),
    ("world-atlas", "LICENSE", "world-atlas.LICENSE.txt"),
];

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// VENDOR.md's rows: (file, version, sha256).
fn vendor_md() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(crate_dir().join("assets/vendor/VENDOR.md"))
        .expect("assets/vendor/VENDOR.md");
    text.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| file"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (
                cells[1].to_string(),
                cells[3].to_string(),
                cells[5].to_string(),
            )
        })
        .collect()
}

#[test]
fn every_vendored_file_is_embedded_and_has_the_hash_vendor_md_gives() {
    let rows = vendor_md();
    assert_eq!(rows.len(), FILES.len(), "VENDOR.md rows: {rows:?}");
    for (_, _, name) in FILES {
        let (_, _, sum) = rows
            .iter()
            .find(|(f, _, _)| f == name)
            .unwrap_or_else(|| panic!("{name} is not in VENDOR.md"));
        let served = accord_dashboard::asset(&format!("vendor/{name}"))
            .unwrap_or_else(|| panic!("vendor/{name} is not embedded"));
        assert_eq!(
            &sha256_hex(served.bytes),
            sum,
            "vendor/{name} differs from what VENDOR.md records: rerun scripts/vendor-dashboard.sh"
        );
    }
}

#[test]
fn every_vendored_file_equals_its_npm_original_when_node_modules_exists() {
    let modules = crate_dir().join("vendor/node_modules");
    if !modules.exists() {
        // Nothing to compare with on a machine without npm; scripts/test.sh
        // runs `npm ci` first, so CI always compares.
        return;
    }
    let rows = vendor_md();
    for (pkg, file, name) in FILES {
        let original = std::fs::read(modules.join(pkg).join(file))
            .unwrap_or_else(|e| panic!("{pkg}/{file} in node_modules: {e}"));
        let served = accord_dashboard::asset(&format!("vendor/{name}"))
            .unwrap_or_else(|| panic!("vendor/{name} is not embedded"));
        assert!(
            served.bytes == original.as_slice(),
            "vendor/{name} is not npm's {pkg}/{file}: rerun scripts/vendor-dashboard.sh"
        );
        let manifest: serde_json::Value = serde_json::from_slice(
            &std::fs::read(modules.join(pkg).join("package.json")).expect("package.json"),
        )
        .expect("package.json is JSON");
        let (_, version, _) = rows.iter().find(|(f, _, _)| f == name).expect("a row");
        assert_eq!(
            manifest["version"].as_str(),
            Some(version.as_str()),
            "{pkg}'s version in node_modules is not VENDOR.md's"
        );
    }
}
