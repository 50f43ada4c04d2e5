//! `accord check`, `accord sign` and `accord statement` as a user runs them.

mod common;

use common::{accord, text};
use std::path::{Path, PathBuf};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/ukraine-2025/agreement.toml")
        .canonicalize()
        .unwrap()
}

#[test]
fn check_prints_the_hash_of_a_valid_agreement_and_every_error_of_a_broken_one() {
    let tmp = tempfile::tempdir().unwrap();
    let ok = accord(&["check", example().to_str().unwrap()], tmp.path());
    assert!(ok.status.success(), "{}", text(&ok));
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(
        out.contains("is a valid agreement") && out.contains("canonical hash: sha256:"),
        "{out}"
    );
    let canonical = accord(
        &["check", "--canonical", example().to_str().unwrap()],
        tmp.path(),
    );
    let json: serde_json::Value = serde_json::from_slice(&canonical.stdout).unwrap();
    assert_eq!(json["id"], "ukraine-2025");

    // Two mistakes in a copy: both reported, with file, line and column.
    let dir = tmp.path().join("broken");
    std::fs::create_dir(&dir).unwrap();
    let src = std::fs::read_to_string(example()).unwrap();
    let broken = src
        .replace(
            "condition = \"violations == 0\"",
            "condition = \"violatons == 0\"",
        )
        .replace("cutoff = \"19:30\"", "cutoff = \"7.30pm\"");
    std::fs::write(dir.join("agreement.toml"), broken).unwrap();
    let annex = example().parent().unwrap().join("annex");
    std::os::unix::fs::symlink(annex, dir.join("annex")).unwrap();
    let bad = accord(&["check", "agreement.toml"], &dir);
    assert!(!bad.status.success());
    let t = text(&bad);
    assert!(
        t.contains("`reporting.cutoff` must be a local time HH:MM")
            && t.contains("agreement.toml:30:10"),
        "{t}"
    );
    assert!(
        t.contains("reads `violatons`") && t.contains("did you mean `violations`?"),
        "{t}"
    );
    assert!(t.contains("2 errors"), "{t}");
    assert!(t.contains("is not a valid agreement"), "{t}");
}

#[test]
fn sign_and_verify_a_statement_and_catch_tampering() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let a = example();
    let a = a.to_str().unwrap();
    let keygen = accord(
        &["keygen", "monitors.example/patrol-7", "--out", "p.key"],
        d,
    );
    let vkey = String::from_utf8(keygen.stdout).unwrap().trim().to_string();
    let signed = accord(
        &[
            "sign",
            "--key",
            "p.key",
            "--agreement",
            a,
            "--observation",
            "weapon_sighting",
            "--at",
            "2026-03-02T04:10:00Z",
            "--lon",
            "37.62",
            "--lat",
            "48.53",
            "--details",
            r#"{"system":"2S1 Gvozdika","calibre_mm":122,"count":3,"weapon_class":"artillery_100mm","status":"in_violation_of_withdrawal_line"}"#,
            "-o",
            "obs.note",
        ],
        d,
    );
    assert!(signed.status.success(), "{}", text(&signed));
    let ok = accord(
        &[
            "statement",
            "verify",
            "obs.note",
            "--agreement",
            a,
            "--key",
            &vkey,
        ],
        d,
    );
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(
        text(&ok).contains("OK observation (weapon_sighting)"),
        "{}",
        text(&ok)
    );

    // Without the monitor's key, nothing vouches for it.
    let unknown = accord(&["statement", "verify", "obs.note", "--agreement", a], d);
    assert!(!unknown.status.success());
    assert!(
        text(&unknown).contains("no signature by a known key"),
        "{}",
        text(&unknown)
    );

    // One digit changed: the signature no longer verifies.
    let body = std::fs::read_to_string(d.join("obs.note"))
        .unwrap()
        .replace("\"count\":3", "\"count\":2");
    std::fs::write(d.join("tampered.note"), body).unwrap();
    let bad = accord(
        &[
            "statement",
            "verify",
            "tampered.note",
            "--agreement",
            a,
            "--key",
            &vkey,
        ],
        d,
    );
    assert!(!bad.status.success());
    assert!(text(&bad).contains("does not verify"), "{}", text(&bad));

    // Bad input names the field.
    let bad_flag = accord(
        &[
            "sign",
            "--key",
            "p.key",
            "--agreement",
            a,
            "--observation",
            "weapon_sighting",
            "--at",
            "2026-03-02T04:10:00Z",
            "--lon",
            "37.62",
            "--lat",
            "48.53",
            "--details",
            r#"{"system":"D-30","count":"three","status":"in_storage"}"#,
        ],
        d,
    );
    assert!(!bad_flag.status.success());
    assert!(
        text(&bad_flag).contains("body.details.count: invalid type: string \"three\""),
        "{}",
        text(&bad_flag)
    );
    let wrong_class = accord(
        &[
            "sign",
            "--key",
            "p.key",
            "--agreement",
            a,
            "--observation",
            "weapon_sighting",
            "--at",
            "2026-03-02T04:10:00Z",
            "--lon",
            "37.62",
            "--lat",
            "48.53",
            "--details",
            r#"{"system":"D-30","count":1,"status":"in_storage","weapon_class":"cannons"}"#,
        ],
        d,
    );
    assert!(
        text(&wrong_class).contains("`cannons` is not a weapon class"),
        "{}",
        text(&wrong_class)
    );

    // Co-signing adds a line and keeps the statement's identity.
    accord(
        &["keygen", "mission.example/observer-2", "--out", "o.key"],
        d,
    );
    let co = accord(
        &[
            "sign",
            "--cosign",
            "obs.note",
            "--key",
            "o.key",
            "-o",
            "obs2.note",
        ],
        d,
    );
    assert!(co.status.success(), "{}", text(&co));
    let n1 = std::fs::read_to_string(d.join("obs.note")).unwrap();
    let n2 = std::fs::read_to_string(d.join("obs2.note")).unwrap();
    assert!(n2.starts_with(&n1) && n2.lines().count() == n1.lines().count() + 1);

    // A statement from JSON with the agreement and time filled in.
    std::fs::write(
        d.join("cert.json"),
        r#"{"kind":"certification","body":{"of":"transition","target":"begin_verification","statement":"Seven quiet days."}}"#,
    )
    .unwrap();
    let cert = accord(
        &[
            "sign",
            "cert.json",
            "--key",
            "p.key",
            "--agreement",
            a,
            "--issued-at",
            "2026-03-20T12:00:00Z",
        ],
        d,
    );
    assert!(cert.status.success(), "{}", text(&cert));
    assert!(
        String::from_utf8_lossy(&cert.stdout).contains("\"issued_at\":\"2026-03-20T12:00:00Z\"")
    );
}

#[test]
fn the_schema_command_prints_the_published_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let out = accord(&["statement", "schema"], tmp.path());
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let published: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/statement.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(printed, published);
}
