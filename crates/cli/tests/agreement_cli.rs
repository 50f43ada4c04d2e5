//! `accord check`, `accord sign` and `accord statement` as a user runs them.

mod common;

use common::{accord, fails, text};
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
            && t.contains("agreement.toml:34:10"),
        "{t}"
    );
    assert!(
        t.contains("reads `violatons`") && t.contains("did you mean `violations`?"),
        "{t}"
    );
    assert!(t.contains("2 errors"), "{t}");
    assert!(t.contains("is not a valid agreement"), "{t}");
}

/// Megabytes of TOML-like garbage, the same every run: unterminated
/// strings, repeated keys and tables, unbalanced brackets, stray words,
/// bare words for values. (No unclosed array or inline table: one swallows
/// the rest of the file, leaving a single error.)
fn garbage(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 100);
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    while out.len() < bytes {
        // xorshift: varied lines without a dependency.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let n = x % 1000;
        let line = match x % 7 {
            0 => format!("key{n} = \"unterminated {n}"),
            1 => format!("parties = {n}"),
            2 => format!("[zones.z{}]", n % 10),
            3 => format!("value{n} = bare{n}"),
            4 => format!("[[clauses{n}"),
            5 => "]] }} stray words = = =".to_string(),
            _ => format!("ok{n} = {n}"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The number of diagnostics rendered, the number said not to be shown, and
/// the total the summary line gives.
fn counted(stderr: &str) -> (usize, usize, usize) {
    let shown = stderr.lines().filter(|l| l.starts_with("  × ")).count();
    let more = stderr
        .lines()
        .find_map(|l| l.strip_suffix(" more problems not shown"))
        .map_or(0, |n| n.parse().unwrap());
    let total = stderr
        .lines()
        .find_map(|l| l.strip_suffix(" errors, 0 warnings"))
        .map_or(0, |n| n.parse().unwrap());
    (shown, more, total)
}

#[test]
fn check_on_megabytes_of_garbage_shows_the_first_hundred_problems() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("garbage.toml"), garbage(3 << 20)).unwrap();
    let o = accord(&["check", "garbage.toml"], tmp.path());
    assert!(!o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("garbage.toml is not a valid agreement"),
        "{}",
        &stderr[stderr.len().saturating_sub(2000)..]
    );
    let (shown, more, total) = counted(&stderr);
    assert_eq!(shown, 100, "{shown} shown, {more} more, {total} in all");
    assert!(more > 10_000, "{more} more");
    assert_eq!(shown + more, total);
    // The first hundred in file order.
    let places: Vec<(usize, usize)> = stderr
        .lines()
        .filter_map(|l| l.split_once("[garbage.toml:")?.1.strip_suffix(']'))
        .map(|lc| {
            let (l, c) = lc.split_once(':').unwrap();
            (l.parse().unwrap(), c.parse().unwrap())
        })
        .collect();
    assert_eq!(places.len(), 100);
    assert!(places.is_sorted() && places[0].0 <= 3, "{places:?}");
    assert!(
        stderr.len() < 100_000,
        "{} bytes of diagnostics",
        stderr.len()
    );
}

#[test]
fn check_on_garbage_written_on_one_line_shows_where_without_the_line() {
    // An array of bare words: each is an error, and all lie past column
    // 65,535 (after a long string), where miette itself cannot underline.
    let tmp = tempfile::tempdir().unwrap();
    let mut line = format!("a = [\"{}\",", "y".repeat(100_000));
    while line.len() < 2 << 20 {
        line.push_str(" x,");
    }
    line.push(']');
    std::fs::write(tmp.path().join("line.toml"), line + "\n").unwrap();
    let o = accord(&["check", "line.toml"], tmp.path());
    assert!(!o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("line.toml is not a valid agreement"),
        "{stderr:.3000}"
    );
    let (shown, more, total) = counted(&stderr);
    assert_eq!((shown, shown + more), (100, total), "{stderr:.3000}");
    assert!(
        stderr.len() < 100_000,
        "{} bytes of diagnostics",
        stderr.len()
    );
}

#[test]
fn check_refuses_files_too_large_to_be_agreements_or_zones() {
    let tmp = tempfile::tempdir().unwrap();
    // Sparse: refused on its size, before a byte is read.
    let big = std::fs::File::create(tmp.path().join("big.toml")).unwrap();
    big.set_len(17 << 20).unwrap();
    let t = fails(&["check", "big.toml"], tmp.path());
    assert!(
        t.contains("the file is larger than 16 MiB, the most accord reads for an agreement"),
        "{t}"
    );

    // A zone file over its limit: reported where the agreement names it.
    let dir = tmp.path().join("example");
    let annex = dir.join("annex");
    std::fs::create_dir_all(&annex).unwrap();
    std::fs::copy(example(), dir.join("agreement.toml")).unwrap();
    for e in std::fs::read_dir(example().parent().unwrap().join("annex")).unwrap() {
        let p = e.unwrap().path();
        std::os::unix::fs::symlink(&p, annex.join(p.file_name().unwrap())).unwrap();
    }
    std::fs::remove_file(annex.join("crossings.geojson")).unwrap();
    let big = std::fs::File::create(annex.join("crossings.geojson")).unwrap();
    big.set_len(65 << 20).unwrap();
    let t = fails(&["check", "agreement.toml"], &dir);
    assert!(
        t.contains(
            "cannot read zone file `annex/crossings.geojson`: the file is larger than 64 MiB"
        ),
        "{t}"
    );
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
