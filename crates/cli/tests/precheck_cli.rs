//! No silent refusals: `accord sign --log` and `accord log append
//! --agreement` check each statement as the evaluator will (its own dry
//! run), and refuse what it would refuse forever — dated ahead of the
//! log's clock, by an unknown signer, a duplicate, a name the agreement
//! lacks — with its reason, leaving the log as it was; `--force` logs it
//! with a warning, and `accord status` then lists the refused entry by
//! index. And `accord check` suggests `@signatories` for a group written
//! without its `@`.

mod common;

use std::path::{Path, PathBuf};

use common::logs::*;
use common::{accord, fails, text};

use accord::statement::{SignedStatement, Statement, Time};
use accord_example::{self as example, Script};
use serde_json::{Value, json};

/// A log made by `accord log init` with the operator's log key, holding
/// the adoption and the Mission's first monitor's accreditation (the log's
/// clock: D).
fn setup<'a>(
    a: &'a accord::agreement::Agreement,
    h: accord::statement::Digest,
    dir: &Path,
) -> (Script<'a>, PathBuf) {
    let key = example::key("log.mission.accord.example/log");
    std::fs::write(dir.join("log.key"), key.to_secret_string()).unwrap();
    let log = dir.join("log");
    ok(
        &["log", "init", log.to_str().unwrap(), "--key", "log.key"],
        dir,
    );
    let mut s = script(a, h);
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    append_log(&log, &s.entries);
    // The Mission's first monitor's key, as a file.
    let monitor = example::key(&example::monitor_key_name(s.signer("MISSION").name(), 1));
    std::fs::write(dir.join("monitor.key"), monitor.to_secret_string()).unwrap();
    let stranger = example::key("stranger.example/patrol");
    std::fs::write(dir.join("stranger.key"), stranger.to_secret_string()).unwrap();
    (s, log)
}

fn checkpoint(log: &Path) -> Vec<u8> {
    std::fs::read(log.join("checkpoint")).unwrap()
}

/// `accord sign` of an observation near Kramatorsk, issued at `issued`.
fn sign_args<'a>(key: &'a str, issued: &'a str, observed: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "sign",
        "--key",
        key,
        "--observation",
        "ceasefire_violation",
        "--at",
        observed,
        "--lon",
        "37.58",
        "--lat",
        "48.74",
        "--details",
        r#"{"events":[{"type":"explosion","count":2}]}"#,
        "--issued-at",
        issued,
        "-o",
        out,
    ]
}

fn with<'a>(mut args: Vec<&'a str>, more: &[&'a str]) -> Vec<String> {
    args.extend_from_slice(more);
    args.into_iter().map(String::from).collect()
}

fn run(args: &[String], dir: &Path) -> std::process::Output {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    accord(&a, dir)
}

#[test]
fn sign_refuses_what_the_evaluator_would_refuse_and_force_writes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (a, h) = example::agreement();
    let (_s, log) = setup(&a, h, d);
    let ag = agreement_path();
    let (ag, logs) = (ag.to_str().unwrap(), log.to_str().unwrap());
    let checked = ["--agreement", ag, "--log", logs];

    // Accepted: an hour after the log's clock, by an accredited monitor.
    let good = run(
        &with(
            sign_args(
                "monitor.key",
                "2026-03-02T11:00:00Z",
                "2026-03-02T10:50:00Z",
                "good.note",
            ),
            &checked,
        ),
        d,
    );
    assert!(good.status.success(), "{}", text(&good));
    assert!(
        text(&good).contains("would accept it as entry 2"),
        "{}",
        text(&good)
    );

    // Thirty hours after the log's clock: refused, with the fix.
    let ahead = run(
        &with(
            sign_args(
                "monitor.key",
                "2026-03-03T16:00:00Z",
                "2026-03-03T15:50:00Z",
                "ahead.note",
            ),
            &checked,
        ),
        d,
    );
    assert!(!ahead.status.success(), "{}", text(&ahead));
    let t = text(&ahead);
    assert!(
        t.contains("dated ahead: issued 2026-03-03T16:00:00Z, 30 hours after the log's clock 2026-03-02T10:00:00Z"),
        "{t}"
    );
    assert!(
        t.contains("--issued-at 2026-03-03T10:00:00Z or earlier"),
        "{t}"
    );
    assert!(t.contains("nothing was written"), "{t}");
    assert!(!d.join("ahead.note").exists(), "nothing was written");

    // A key neither the agreement nor the log knows.
    let stranger = run(
        &with(
            sign_args(
                "stranger.key",
                "2026-03-02T11:00:00Z",
                "2026-03-02T10:50:00Z",
                "stranger.note",
            ),
            &checked,
        ),
        d,
    );
    assert!(!stranger.status.success(), "{}", text(&stranger));
    assert!(
        text(&stranger).contains("unknown signer"),
        "{}",
        text(&stranger)
    );
    assert!(!d.join("stranger.note").exists());

    // A crossing the agreement does not have.
    let nowhere = run(
        &with(
            vec![
                "sign",
                "--key",
                "monitor.key",
                "--observation",
                "crossing_status",
                "--at",
                "2026-03-02T10:50:00Z",
                "--lon",
                "38.097",
                "--lat",
                "48.862",
                "--details",
                r#"{"crossing":"crossing_nowhere","status":"closed"}"#,
                "--issued-at",
                "2026-03-02T11:00:00Z",
                "-o",
                "nowhere.note",
            ],
            &checked,
        ),
        d,
    );
    assert!(!nowhere.status.success(), "{}", text(&nowhere));
    assert!(
        text(&nowhere).contains("crossing_nowhere"),
        "{}",
        text(&nowhere)
    );
    assert!(!d.join("nowhere.note").exists());

    // --force writes it, with a warning.
    let forced = run(
        &with(
            sign_args(
                "monitor.key",
                "2026-03-03T16:00:00Z",
                "2026-03-03T15:50:00Z",
                "ahead.note",
            ),
            &[&checked[..], &["--force"]].concat(),
        ),
        d,
    );
    assert!(forced.status.success(), "{}", text(&forced));
    assert!(
        text(&forced).contains("warning: the evaluator would refuse it as entry 2: dated ahead"),
        "{}",
        text(&forced)
    );
    assert!(d.join("ahead.note").exists());

    // Without the log: what could be checked, and that the log was not.
    let alone = run(
        &with(
            sign_args(
                "monitor.key",
                "2026-03-02T11:00:00Z",
                "2026-03-02T10:50:00Z",
                "alone.note",
            ),
            &["--agreement", ag],
        ),
        d,
    );
    assert!(alone.status.success(), "{}", text(&alone));
    let t = text(&alone);
    assert!(t.contains("not a key of the agreement"), "{t}");
    assert!(t.contains("the log was not checked"), "{t}");
}

/// A statement signed with the example's keys, not logged.
fn signed(
    h: accord::statement::Digest,
    at: &str,
    kind: &str,
    body: Value,
    by: &tlog::SignerKey,
) -> Vec<u8> {
    let v = json!({"v": 1, "kind": kind, "agreement": h, "issued_at": Time(at.parse().unwrap()), "body": body});
    SignedStatement::sign(Statement::from_value(v).unwrap(), by)
        .unwrap()
        .to_bytes()
}

fn observation(at: &str) -> Value {
    let observed =
        jiff::Timestamp::from_second(at.parse::<jiff::Timestamp>().unwrap().as_second() - 600)
            .unwrap();
    json!({
        "category": "ceasefire_violation",
        "observed": {"from": Time(observed)},
        "position": {"lon": KRAMATORSK.0, "lat": KRAMATORSK.1, "uncertainty_m": 200},
        "sensor": "patrol",
        "details": {"events": [{"type": "explosion", "count": 2}]},
    })
}

#[test]
fn log_append_refuses_a_batch_with_a_bad_statement_and_status_lists_what_force_let_in() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (a, h) = example::agreement();
    let (s, log) = setup(&a, h, d);
    let ag = agreement_path();
    let (ag, logs) = (ag.to_str().unwrap(), log.to_str().unwrap());
    let monitor = example::key(&example::monitor_key_name(s.signer("MISSION").name(), 1));
    std::fs::write(
        d.join("good.note"),
        signed(
            h,
            "2026-03-02T11:00:00Z",
            "observation",
            observation("2026-03-02T11:00:00Z"),
            &monitor,
        ),
    )
    .unwrap();
    std::fs::write(
        d.join("ahead.note"),
        signed(
            h,
            "2026-03-03T16:00:00Z",
            "observation",
            observation("2026-03-03T16:00:00Z"),
            &monitor,
        ),
    )
    .unwrap();
    std::fs::write(d.join("dup.note"), &s.entries[1]).unwrap();
    let mut nowhere = observation("2026-03-02T11:00:00Z");
    nowhere["category"] = json!("crossing_status");
    nowhere["details"] = json!({"crossing": "crossing_nowhere", "status": "closed"});
    std::fs::write(
        d.join("nowhere.note"),
        signed(h, "2026-03-02T11:00:00Z", "observation", nowhere, &monitor),
    )
    .unwrap();
    let stranger = example::key("stranger.example/patrol");
    std::fs::write(
        d.join("stranger.note"),
        signed(
            h,
            "2026-03-02T11:00:00Z",
            "observation",
            observation("2026-03-02T11:00:00Z"),
            &stranger,
        ),
    )
    .unwrap();

    let before = checkpoint(&log);
    let append = |files: &[&str], more: &[&str]| {
        let mut args = vec!["log", "append", logs, "--raw", "--agreement", ag];
        args.extend_from_slice(more);
        args.extend_from_slice(files);
        accord(&args, d)
    };
    // One bad statement in a batch: nothing appended, the bad one named by
    // its place and the evaluator's reason.
    let o = append(&["good.note", "ahead.note"], &[]);
    assert!(!o.status.success(), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("nothing was appended"), "{t}");
    // (After the good one, the clock is 11:00.)
    assert!(
        t.contains("ahead.note (entry 3): dated ahead: issued 2026-03-03T16:00:00Z, 29 hours after the log's clock 2026-03-02T11:00:00Z"),
        "{t}"
    );
    assert!(
        !t.contains("good.note ("),
        "the good one is not refused: {t}"
    );
    assert_eq!(checkpoint(&log), before, "the log is unchanged");
    // Each alone: a duplicate, a name the agreement lacks, an unknown signer.
    for (file, why) in [
        (
            "dup.note",
            "duplicate: the same statement is already in the log (entry 1)",
        ),
        ("nowhere.note", "crossing_nowhere"),
        ("stranger.note", "unknown signer"),
    ] {
        let o = append(&[file], &[]);
        assert!(!o.status.success(), "{file}: {}", text(&o));
        assert!(
            text(&o).contains(&format!("{file} (entry 2): ")),
            "{}",
            text(&o)
        );
        assert!(text(&o).contains(why), "{file}: {}", text(&o));
        assert_eq!(checkpoint(&log), before, "{file}: the log is unchanged");
    }
    // Forced: appended, with a warning naming it.
    let o = append(&["good.note", "ahead.note"], &["--force"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("warning: appending 1 entries the evaluator will refuse"),
        "{}",
        text(&o)
    );
    assert!(
        text(&o).contains("appended 2 entries at indices 2 to 3"),
        "{}",
        text(&o)
    );
    assert_ne!(checkpoint(&log), before);

    // The status lists the refused entry by index, for people and machines.
    let out = ok(&["status", "--agreement", ag, logs], d);
    assert!(out.contains("REFUSED, BY ENTRY"), "{out}");
    assert!(
        out.contains("  entry 3: dated ahead: issued 2026-03-03T16:00:00Z"),
        "{out}"
    );
    let json: Value =
        serde_json::from_str(&ok(&["status", "--json", "--agreement", ag, logs], d)).unwrap();
    let listed = &json["refused_entries"]["listed"];
    assert_eq!(json["refused_entries"]["total"], 1, "{json}");
    assert_eq!(listed[0]["index"], 3, "{json}");
    assert_eq!(listed[0]["why"]["reason"], "dated_ahead", "{json}");
    // And the status beside it is the evaluator's, whose digest is signed.
    let status: accord::evaluate::Status = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(status.log_size, 4);
}

#[test]
fn check_suggests_the_group_for_a_group_name_written_without_its_at() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../accord/tests/agreements/broken/72-binds-group-without-at.toml");
    let t = fails(&["check", broken.to_str().unwrap()], tmp.path());
    assert!(t.contains("did you mean `@signatories`?"), "{t}");
    assert!(
        t.contains("`signatories` is not a party or organisation: it is a group's name"),
        "{t}"
    );
}
