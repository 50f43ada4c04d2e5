//! The second example, the Nagorno-Karabakh statement of 9/10 November
//! 2020 (examples/nagorno-karabakh-2020), as a user runs it: it checks
//! clean, and a short history under it is evaluated, audited and reported.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use accord_example::{self as example, Script};
use common::logs::ok;
use common::{accord, text};
use serde_json::json;
use tlog::cosignature::CosignatureType;
use tlog::{DirStorage, Log};

fn agreement_path() -> PathBuf {
    testkit::repo_root().join("examples/nagorno-karabakh-2020/agreement.toml")
}

fn write_log(dir: &Path, entries: &[Vec<u8>]) {
    // The log's key named in the agreement's [operator] `log`.
    let key = example::key("log.pkf-centre.accord.example/log");
    let storage = Arc::new(DirStorage::new(dir).unwrap());
    let mut log = Log::create(storage, key).unwrap();
    log.append_batch(entries).unwrap();
}

/// The agreement's witnesses (demonstration keys) that cosign.
const WITNESSES: [(&str, CosignatureType); 4] = [
    ("witness.az.accord.example/baku", CosignatureType::Ed25519),
    (
        "witness.am.accord.example/yerevan",
        CosignatureType::Ed25519,
    ),
    ("witness.ru.accord.example/moscow", CosignatureType::Ed25519),
    (
        "witness.unhcr.accord.example/geneva",
        CosignatureType::MlDsa44,
    ),
];

/// Adds the cosignatures of these witnesses to the log's checkpoint, as
/// the witnesses would give them.
fn cosign(dir: &Path, which: &[usize]) {
    let key = example::key("log.pkf-centre.accord.example/log");
    let mut log = Log::open(Arc::new(DirStorage::new(dir).unwrap()), key).unwrap();
    let cp = log.checkpoint().checkpoint.clone();
    let lines: Vec<_> = which
        .iter()
        .map(|&i| {
            let (name, kind) = WITNESSES[i];
            example::cosigner_key(name, kind)
                .cosign(&cp, 1_605_000_000)
                .unwrap()
        })
        .collect();
    assert!(log.add_cosignatures(&cp, &lines).unwrap());
}

#[test]
fn the_karabakh_example_checks_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let ag = agreement_path();
    let o = accord(&["check", ag.to_str().unwrap()], tmp.path());
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(t.contains("is a valid agreement"), "{t}");
    assert!(!t.contains("warning"), "no warnings: {t}");
}

#[test]
fn a_short_history_under_the_karabakh_example_is_evaluated_audited_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let checked = accord_engine::files::check_file(&agreement_path()).unwrap();
    let (a, h) = (checked.agreement.unwrap(), checked.hash.unwrap());
    let mut s = Script::new(&a, h, "2020-11-09T21:30:00Z".parse().unwrap());
    s.adopt().ok();
    s.accredit("PKF_CENTRE", 1).ok();
    s.accredit("RTJMC", 1).ok();
    s.accredit("UNHCR", 1).ok();
    let photo = accord::statement::Digest::of(b"a photograph of the column");
    let evidence = json!({"evidence": [{"sha256": photo, "media_type": "image/jpeg"}]});
    s.wait_hours(2.0);
    s.observe(
        "PKF_CENTRE/1",
        "force_presence",
        (46.7519, 39.8153),
        json!({"force": "peacekeeping", "personnel": 2000, "vehicles": 300, "armoured_vehicles": 80}),
        evidence.clone(),
    )
    .ok();
    s.observe(
        "RTJMC/1",
        "remains_exchange",
        (46.7519, 39.8153),
        json!({"released_by": "AZ", "count": 12}),
        evidence.clone(),
    )
    .ok();
    s.wait_hours(-2.0);
    s.days(2);
    let day = s.eval.state.obs.last().unwrap().period.to_string();

    let log = tmp.path().join("log");
    write_log(&log, &s.entries);
    let ag = agreement_path();
    let (ag, log) = (ag.to_str().unwrap(), log.to_str().unwrap());
    // The agreement names witnesses: without the neutral one's cosignature
    // the checkpoint does not meet the quorum; status refuses it, and the
    // audit fails, each saying who is missing.
    cosign(Path::new(log), &[0, 1, 2]);
    let o = accord(&["status", "--agreement", ag, log, "--json"], tmp.path());
    let t = text(&o);
    assert!(!o.status.success(), "{t}");
    assert!(t.contains("NOT WITNESSED") && t.contains("geneva"), "{t}");
    let o = accord(&["audit", "--agreement", ag, log], tmp.path());
    let t = text(&o);
    assert!(!o.status.success(), "{t}");
    assert!(t.contains("geneva"), "names who is missing: {t}");
    cosign(Path::new(log), &[3]);
    let status = ok(&["status", "--agreement", ag, log, "--json"], tmp.path());
    let got: accord::evaluate::Status = serde_json::from_str(&status).unwrap();
    assert_eq!(got.canonical(), s.eval.status().canonical());
    assert_eq!(
        got.clauses["peacekeeping_ceiling"].by_party["RU"].breaches,
        1
    );
    let audit = ok(&["audit", "--agreement", ag, log], tmp.path());
    for w in ["baku", "yerevan", "moscow", "geneva"] {
        assert!(audit.contains(w), "names the witness {w}: {audit}");
    }
    ok(
        &["report", "--agreement", ag, log, "--day", &day],
        tmp.path(),
    );
    let md = std::fs::read_to_string(tmp.path().join(format!("report-{day}.md"))).unwrap();
    assert!(
        md.contains("The Russian peacekeeping force and its ceiling"),
        "{md}"
    );
}
