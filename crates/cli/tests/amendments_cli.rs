//! `accord status --amended FILE`: a log whose agreement was amended,
//! judged by the amended text from the amendment on when it is given, and
//! saying that it could not be when it is not; another agreement's file
//! refused as an amended text.

mod common;

use common::logs::*;
use common::{accord, text};

use accord::agreement::Agreement;
use accord::evaluate::{Status, Version, Versions};
use accord::statement::Digest;
use accord_example::{self as example, Script};
use serde_json::json;

/// The example with the regional withdrawal due by D+45, as a text.
fn amended_text(id_prefix: &str) -> String {
    let from = "from = \"D+30\"\ncondition = \"troop_movements == 0";
    assert_eq!(example::AGREEMENT_TOML.matches(from).count(), 1);
    example::AGREEMENT_TOML
        .replacen(
            from,
            "from = \"D+45\"\ncondition = \"troop_movements == 0",
            1,
        )
        .replacen("version = \"1.0.0\"", "version = \"1.1.0\"", 1)
        .replacen("id = \"", &format!("id = \"{id_prefix}"), 1)
}

fn parsed(text: &str) -> (Agreement, Digest) {
    let c = accord::agreement::check(example::AGREEMENT_PATH, text, &example::EmbeddedLoader);
    (c.agreement.unwrap(), c.hash.unwrap())
}

/// Writes `text` as an agreement file with the example's annex beside it.
fn write_agreement(dir: &std::path::Path, text: &str) -> std::path::PathBuf {
    let annex = dir.join("annex");
    std::fs::create_dir_all(&annex).unwrap();
    for (path, content) in example::ANNEX {
        std::fs::write(dir.join(path), content).unwrap();
    }
    let file = dir.join("agreement.toml");
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn status_with_the_amended_text_judges_by_it_and_without_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, h) = example::agreement();
    let (b, hb) = parsed(&amended_text(""));
    let versions = Versions::new(
        Version {
            agreement: &a,
            hash: h,
        },
        [Version {
            agreement: &b,
            hash: hb,
        }],
    )
    .unwrap();
    let mut s = Script::with_versions(&versions, D.parse().unwrap());
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    s.days(20);
    s.wait_hours(1.0);
    let amendment = s
        .write(
            "amendment",
            json!({"new_agreement": hb, "summary": "the regional withdrawal by D+45"}),
            &["UA", "RU", "US"],
        )
        .ok();
    s.name_version(hb);
    s.days(2);
    assert_eq!(s.eval.version_in_force().hash, hb);
    let log = tmp.path().join("log");
    write_log(&log, &s.entries);
    let ag = agreement_path();
    let amended = write_agreement(&tmp.path().join("amended"), &amended_text(""));

    let out = ok(
        &[
            "status",
            "--agreement",
            ag.to_str().unwrap(),
            "--amended",
            amended.to_str().unwrap(),
            log.to_str().unwrap(),
            "--json",
        ],
        tmp.path(),
    );
    let got: Status = serde_json::from_str(&out).unwrap();
    assert_eq!(got.canonical(), s.eval.status().canonical());
    assert_eq!(got.agreement, Some(hb));
    assert_eq!(got.versions.in_force.len(), 2);
    assert_eq!(got.versions.in_force[1].from, amendment);
    assert_eq!(got.versions.in_force[1].version, "1.1.0");
    // Statements after the amendment name the amended text: without it,
    // they are another agreement's, and the status says why.
    assert!(got.rejected.is_empty(), "{:?}", got.rejected);

    let out = ok(
        &[
            "status",
            "--agreement",
            ag.to_str().unwrap(),
            log.to_str().unwrap(),
            "--json",
        ],
        tmp.path(),
    );
    let got: Status = serde_json::from_str(&out).unwrap();
    assert_eq!(got.agreement, Some(h));
    assert_eq!(got.versions.not_applied.len(), 1);
    assert_eq!(got.versions.not_applied[0].entry, amendment);
    assert_eq!(got.versions.not_applied[0].hash, hb);
    assert!(
        got.rejected.contains_key("other agreement"),
        "{:?}",
        got.rejected
    );

    // Another agreement's file is not an amended text of this one.
    let other = write_agreement(&tmp.path().join("other"), &amended_text("other-"));
    let o = accord(
        &[
            "status",
            "--agreement",
            ag.to_str().unwrap(),
            "--amended",
            other.to_str().unwrap(),
            log.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert!(!o.status.success());
    let msg = text(&o);
    assert!(msg.contains("must be the same agreement"), "{msg}");
    assert!(msg.contains("other/agreement.toml"), "{msg}");
}
