//! Witnesses at the command line: `accord policy` exports the agreement's
//! `[witnesses]` as a C2SP tlog-policy; `audit`, `status` and `report` hold
//! the checkpoint to it (or to a policy file), say who cosigned when, and
//! refuse an unwitnessed checkpoint unless told; `audit --since` compares
//! with another party's checkpoint (a file or a URL) and catches a split
//! view; remembered checkpoints keep their cosignatures.

mod common;

use std::path::{Path, PathBuf};

use accord::agreement::Agreement;
use accord::statement::Digest;
use accord_example::{self as example, Script};
use common::logs::{D, append_log, history, ok, serve, write_log};
use common::{accord, fails, text};
use serde_json::Value;
use tlog::SignedCheckpoint;
use tlog::policy::Policy;

/// The Ukraine example with `[witnesses]` (a witness of each signatory and
/// the Mission's), written with its annex into `dir`.
fn witnessed_agreement(dir: &Path) -> (PathBuf, Agreement, Digest) {
    let keys: Vec<(&str, &str, String)> = example::witnesses()
        .into_iter()
        .map(|(n, by, s)| (n, by, s.verifier().to_string()))
        .collect();
    common::logs::witnessed_agreement(
        dir,
        "[{ all = \"@signatories\" }, { at_least = 1, of = [\"MISSION\"] }]",
        &keys,
    )
}

/// A log of the example's history under `a`, in `dir/log`, and the script
/// that wrote it.
fn logged<'a>(a: &'a Agreement, h: Digest, dir: &Path) -> (PathBuf, Script<'a>) {
    let mut s = Script::new(a, h, D.parse().unwrap());
    history(&mut s);
    let log = dir.join("log");
    write_log(&log, &s.entries);
    (log, s)
}

/// The log's checkpoint cosigned by `who`, at 2026-03-20T00:00:00Z.
fn cosign(log: &Path, who: &[&str]) {
    let mut cp = SignedCheckpoint::parse(&std::fs::read(log.join("checkpoint")).unwrap()).unwrap();
    for (n, _, s) in example::witnesses() {
        if who.contains(&n) {
            cp.note
                .add_signature(s.cosign(&cp.checkpoint, 1_773_964_800).unwrap())
                .unwrap();
        }
    }
    std::fs::write(log.join("checkpoint"), cp.to_bytes()).unwrap();
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn accord_policy_exports_the_agreements_witness_policy() {
    let tmp = tempfile::tempdir().unwrap();
    let (ag, a, h) = witnessed_agreement(tmp.path());
    let out = ok(&["check", s(&ag)], tmp.path());
    assert!(
        out.contains("  3 witness(es); `accord policy` writes"),
        "{out}"
    );
    let out = ok(&["policy", "--agreement", s(&ag)], tmp.path());
    assert!(
        out.starts_with("# C2SP tlog-policy of the agreement"),
        "{out}"
    );
    assert!(out.contains(&h.to_string()), "{out}");
    let p = Policy::parse(out.as_bytes()).unwrap();
    assert_eq!(p, a.witness_policy().unwrap());
    assert!(
        out.contains("\nlog log.mission.accord.example/log+"),
        "{out}"
    );
    assert!(
        out.contains("\nwitness kyiv witness.kyiv.example+"),
        "{out}"
    );
    assert!(out.ends_with("quorum quorum\n"), "{out}");
    assert_eq!(p.witnesses_with_urls().count(), 3);

    // To a file.
    let o = accord(
        &["policy", "--agreement", s(&ag), "-o", "p.txt"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let written = std::fs::read(tmp.path().join("p.txt")).unwrap();
    assert_eq!(written, out.as_bytes());
    assert!(text(&o).contains("3 witness(es)"), "{}", text(&o));

    // The example has none: said plainly.
    let plain = testkit::repo_root().join("examples/ukraine-2025/agreement.toml");
    let out = fails(&["policy", "--agreement", s(&plain)], tmp.path());
    assert!(out.contains("has no [witnesses]"), "{out}");
}

#[test]
fn audit_says_who_cosigned_and_fails_without_the_quorum() {
    let tmp = tempfile::tempdir().unwrap();
    let (ag, a, h) = witnessed_agreement(tmp.path());
    let (log, _) = logged(&a, h, tmp.path());

    // Kyiv and the Mission only: Russia's is missing.
    cosign(&log, &["kyiv", "mission"]);
    let o = accord(&["audit", "--agreement", s(&ag), s(&log)], tmp.path());
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    assert!(
        out.contains("NOT WITNESSED under the agreement's [witnesses]"),
        "{out}"
    );
    assert!(
        out.contains("  cosigned by kyiv (witness.kyiv.example) at 2026-03-20T00:00:00Z"),
        "{out}"
    );
    assert!(out.contains("RU needs 1, has 0 (not: moscow)"), "{out}");
    let ev = tmp.path().join("audit-evidence");
    let policy = std::fs::read(ev.join("witness-policy.txt")).unwrap();
    let cp = std::fs::read(ev.join("unwitnessed.checkpoint")).unwrap();
    assert!(Policy::parse(&policy).unwrap().check(&cp).is_err());

    // --json: the same, as data.
    let o = accord(
        &["audit", "--agreement", s(&ag), s(&log), "--json"],
        tmp.path(),
    );
    assert!(!o.status.success());
    let doc: Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert_eq!(doc["passed"], false);
    assert_eq!(doc["witnesses"]["quorum_met"], false);
    assert_eq!(doc["witnesses"]["cosigners"][0]["name"], "kyiv");
    assert_eq!(
        doc["witnesses"]["cosigners"][0]["time"],
        "2026-03-20T00:00:00Z"
    );
    assert_eq!(doc["findings"][0]["kind"], "unwitnessed");
    assert_eq!(
        doc["findings"][0]["evidence"],
        serde_json::json!(["witness-policy.txt", "unwitnessed.checkpoint"])
    );

    // With Russia's: the quorum is met.
    cosign(&log, &["moscow"]);
    let out = ok(&["audit", "--agreement", s(&ag), s(&log)], tmp.path());
    assert!(
        out.contains("witnessed: the quorum of the agreement's [witnesses] is met"),
        "{out}"
    );
    for w in ["kyiv", "moscow", "mission"] {
        assert!(
            out.contains(&format!(
                "  cosigned by {w} (witness.{w}.example) at 2026-03-20T00:00:00Z"
            )),
            "{out}"
        );
    }
    assert!(out.contains("AUDIT PASSED"), "{out}");
    let out = ok(
        &["audit", "--agreement", s(&ag), s(&log), "--json"],
        tmp.path(),
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["passed"], true);
    assert_eq!(doc["witnesses"]["quorum_met"], true);
    assert_eq!(doc["witnesses"]["cosigners"].as_array().unwrap().len(), 3);
}

#[test]
fn status_and_report_refuse_an_unwitnessed_checkpoint_unless_told() {
    let tmp = tempfile::tempdir().unwrap();
    let (ag, a, h) = witnessed_agreement(tmp.path());
    let (log, script) = logged(&a, h, tmp.path());
    cosign(&log, &["kyiv"]);

    let out = fails(&["status", "--agreement", s(&ag), s(&log)], tmp.path());
    assert!(out.contains("the checkpoint is NOT WITNESSED"), "{out}");
    assert!(out.contains("--allow-unwitnessed"), "{out}");
    let out = ok(
        &[
            "status",
            "--agreement",
            s(&ag),
            s(&log),
            "--allow-unwitnessed",
        ],
        tmp.path(),
    );
    assert!(
        out.starts_with("NOT WITNESSED: the checkpoint does not meet the witness quorum"),
        "{out}"
    );
    let out = ok(
        &[
            "status",
            "--agreement",
            s(&ag),
            s(&log),
            "--allow-unwitnessed",
            "--json",
        ],
        tmp.path(),
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["witnesses"]["quorum_met"], false);
    assert_eq!(doc["witnesses"]["short"][0]["name"], "quorum");

    let day = &script.eval.state.obs.last().unwrap().period.to_string();
    let out = fails(
        &["report", "--agreement", s(&ag), s(&log), "--day", day],
        tmp.path(),
    );
    assert!(out.contains("NOT WITNESSED"), "{out}");
    ok(
        &[
            "report",
            "--agreement",
            s(&ag),
            s(&log),
            "--day",
            day,
            "--allow-unwitnessed",
            "--out",
            "r.md",
        ],
        tmp.path(),
    );
    let md = std::fs::read_to_string(tmp.path().join("r.md")).unwrap();
    assert!(
        md.contains("**NOT WITNESSED: the checkpoint does not meet"),
        "{md}"
    );

    // Witnessed: no flag needed, and the report says who cosigned.
    cosign(&log, &["moscow", "mission"]);
    let out = ok(&["status", "--agreement", s(&ag), s(&log)], tmp.path());
    assert!(
        out.starts_with("The checkpoint is witnessed: cosigned by kyiv at 2026-03-20T00:00:00Z"),
        "{out}"
    );
    ok(
        &[
            "report",
            "--agreement",
            s(&ag),
            s(&log),
            "--day",
            day,
            "--out",
            "w.html",
            "--format",
            "html",
        ],
        tmp.path(),
    );
    let html = std::fs::read_to_string(tmp.path().join("w.html")).unwrap();
    assert!(
        html.contains("The checkpoint is witnessed: cosigned by kyiv (")
            && html.contains("meeting the quorum of the agreement's witnesses"),
        "{html}"
    );
}

#[test]
fn a_policy_file_overrides_the_agreement_and_a_bad_one_says_where() {
    let tmp = tempfile::tempdir().unwrap();
    let (ag, a, h) = witnessed_agreement(tmp.path());
    let (log, _) = logged(&a, h, tmp.path());
    cosign(&log, &["kyiv"]);
    let kyiv = &example::witnesses()[0].2;
    std::fs::write(
        tmp.path().join("kyiv-alone.policy"),
        format!(
            "# Kyiv's word suffices\nwitness k {}\nquorum k\n",
            kyiv.verifier()
        ),
    )
    .unwrap();
    let out = ok(
        &[
            "status",
            "--agreement",
            s(&ag),
            s(&log),
            "--policy",
            "kyiv-alone.policy",
        ],
        tmp.path(),
    );
    assert!(
        out.contains("meeting the witness quorum of the policy given"),
        "{out}"
    );
    let out = ok(
        &[
            "audit",
            "--agreement",
            s(&ag),
            s(&log),
            "--policy",
            "kyiv-alone.policy",
        ],
        tmp.path(),
    );
    assert!(
        out.contains("witnessed: the quorum of the policy given is met"),
        "{out}"
    );
    // The example agreement, which asks for no witness, held to a policy
    // file that does: it fails.
    let plain = testkit::repo_root().join("examples/ukraine-2025/agreement.toml");
    let (pa, ph) = example::agreement();
    // (Another auditor: this one remembers the other log of that origin.)
    let other = tmp.path().join("plain");
    let (plog, _) = logged(&pa, ph, &other);
    let lone = tmp.path().join("kyiv-alone.policy");
    let out = fails(
        &[
            "status",
            "--agreement",
            s(&plain),
            s(&plog),
            "--policy",
            s(&lone),
        ],
        &other,
    );
    assert!(
        out.contains("NOT WITNESSED under the policy given"),
        "{out}"
    );
    // Without it, nothing changes for that agreement.
    let out = ok(&["status", "--agreement", s(&plain), s(&plog)], &other);
    assert!(!out.contains("witness"), "{out}");

    std::fs::write(
        tmp.path().join("bad.policy"),
        "witness k not-a-key\nquorum k\n",
    )
    .unwrap();
    let out = fails(
        &[
            "audit",
            "--agreement",
            s(&ag),
            s(&log),
            "--policy",
            "bad.policy",
        ],
        tmp.path(),
    );
    assert!(
        out.contains("bad.policy: policy line 1: witness \"k\""),
        "{out}"
    );
}

#[test]
fn gossip_by_url_catches_a_split_view() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, h) = example::agreement();
    let ag = testkit::repo_root().join("examples/ukraine-2025/agreement.toml");
    let (ours, script) = logged(&a, h, &tmp.path().join("ours"));
    let entries = script.entries.clone();
    // Another auditor's mirror: the same history, older.
    let mirror = tmp.path().join("mirror");
    write_log(&mirror, &entries[..entries.len() - 3]);
    let url = serve(&mirror);
    let out = ok(
        &[
            "audit",
            "--agreement",
            s(&ag),
            s(&ours),
            "--since",
            &format!("{url}/checkpoint"),
        ],
        tmp.path(),
    );
    assert!(
        out.contains(&format!(
            "gossip: consistent with their checkpoint of size {}",
            entries.len() - 3
        )),
        "{out}"
    );
    // The mirror ahead: this log is behind (said, not failed).
    let ahead = tmp.path().join("ahead");
    write_log(&ahead, &entries);
    let mut s2 = Script::new(&a, h, "2026-03-25T10:00:00Z".parse().unwrap());
    s2.adopt().ok();
    append_log(&ahead, &s2.entries);
    let url_ahead = serve(&ahead);
    let out = ok(
        &[
            "audit",
            "--agreement",
            s(&ag),
            s(&ours),
            "--since",
            &url_ahead,
        ],
        tmp.path(),
    );
    assert!(
        out.contains("gossip: BEHIND their checkpoint of size"),
        "{out}"
    );

    // The operator showed the other party another history, signed by the
    // same key.
    let mut other = Script::new(&a, h, "2026-03-03T10:00:00Z".parse().unwrap());
    history(&mut other);
    let forked = tmp.path().join("forked");
    write_log(&forked, &other.entries);
    let url_forked = serve(&forked);
    let o = accord(
        &[
            "audit",
            "--agreement",
            s(&ag),
            s(&ours),
            "--since",
            &url_forked,
            "--evidence",
            "ev",
        ],
        tmp.path(),
    );
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    assert!(out.contains("SPLIT VIEW"), "{out}");
    let theirs = std::fs::read(tmp.path().join("ev/split-view-theirs.checkpoint")).unwrap();
    assert_eq!(theirs, std::fs::read(forked.join("checkpoint")).unwrap());
    let mine = std::fs::read(tmp.path().join("ev/split-view-ours.checkpoint")).unwrap();
    assert_eq!(mine, std::fs::read(ours.join("checkpoint")).unwrap());
}

#[test]
fn the_remembered_checkpoint_keeps_its_cosignatures() {
    let tmp = tempfile::tempdir().unwrap();
    let (ag, a, h) = witnessed_agreement(tmp.path());
    let (log, _) = logged(&a, h, tmp.path());
    cosign(&log, &["kyiv"]);
    ok(
        &[
            "status",
            "--agreement",
            s(&ag),
            s(&log),
            "--allow-unwitnessed",
        ],
        tmp.path(),
    );
    // The same checkpoint, cosigned since by the others.
    cosign(&log, &["moscow", "mission"]);
    ok(&["status", "--agreement", s(&ag), s(&log)], tmp.path());
    let dir = tmp.path().join(".accord-state/checkpoints");
    let files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    let kept = std::fs::read(&files[0]).unwrap();
    let p = a.witness_policy().unwrap();
    let w = p
        .check(&kept)
        .expect("the remembered checkpoint carries the quorum");
    assert_eq!(w.cosigners.len(), 3);
}
