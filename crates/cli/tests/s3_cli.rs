//! Logs at `s3://bucket/prefix`: every command that takes a log directory
//! takes one, and says clearly where the store is when it cannot be used.

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

use common::logs::agreement_path;
use common::{accord, accord_with_env, text};

/// The AWS settings of a store that nothing answers: a loopback port that
/// was free a moment ago.
fn unreachable_store() -> Vec<(&'static str, String)> {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    vec![
        ("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}")),
        ("AWS_ALLOW_HTTP", "true".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID", "accord-test".into()),
        ("AWS_SECRET_ACCESS_KEY", "accord-test-secret".into()),
    ]
}

/// Runs `accord args` with the store's settings, asserting that it fails;
/// what it printed.
fn fails_with(args: &[&str], dir: &Path, env: &[(&'static str, String)]) -> String {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let started = Instant::now();
    let o = accord_with_env(args, dir, &env);
    let out = text(&o);
    assert!(
        !o.status.success(),
        "accord {args:?} should have failed:\n{out}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(120),
        "accord {args:?} took {:?} to say the store cannot be reached",
        started.elapsed()
    );
    out
}

#[test]
fn a_malformed_s3_location_is_named_with_what_one_looks_like() {
    let tmp = tempfile::tempdir().unwrap();
    for (args, bad) in [
        (
            vec![
                "log",
                "init",
                "s3://Bad_Bucket/p",
                "--origin",
                "test.example/s3",
            ],
            "s3://Bad_Bucket/p",
        ),
        (vec!["log", "verify", "s3://b/../p"], "s3://b/../p"),
        (vec!["log", "append", "s3://"], "s3://"),
    ] {
        let o = accord(&args, tmp.path());
        let out = text(&o);
        assert!(!o.status.success(), "{args:?}:\n{out}");
        assert!(
            out.contains(&format!("{bad:?}")) && out.contains("s3://BUCKET/PREFIX"),
            "{args:?}: {out}"
        );
    }
    // Nothing was made locally under a name that looks like the location.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn a_store_that_cannot_be_reached_is_named_with_where_its_settings_come_from() {
    let tmp = tempfile::tempdir().unwrap();
    let env = unreachable_store();
    let ag = agreement_path();
    let ag = ag.to_str().unwrap();
    let log = "s3://accord-test/ceasefire";
    let entries = tmp.path().join("entries.txt");
    std::fs::write(&entries, "one\n").unwrap();
    let entries = entries.to_str().unwrap();
    // An importer's key and an empty collection: `import` gets as far as
    // the log.
    let keyed = accord(
        &["keygen", "test.example/importer", "--out", "importer.key"],
        tmp.path(),
    );
    assert!(keyed.status.success(), "{}", text(&keyed));
    let events = tmp.path().join("events.geojson");
    std::fs::write(&events, r#"{"type":"FeatureCollection","features":[]}"#).unwrap();
    let events = events.to_str().unwrap();
    for args in [
        vec!["log", "init", log, "--origin", "test.example/s3"],
        vec!["log", "append", log, entries],
        vec!["log", "verify", log],
        vec!["log", "proof", log, "--index", "0"],
        vec!["log", "get", log, "--index", "0"],
        vec!["status", "--agreement", ag, log],
        vec!["audit", "--agreement", ag, log],
        vec!["report", "--agreement", ag, log, "--day", "2026-03-02"],
        vec![
            "reindex",
            "--agreement",
            ag,
            "--log",
            log,
            "--db",
            "index.db",
        ],
        vec!["classify", "--agreement", ag, log],
        vec![
            "import",
            "--agreement",
            ag,
            "--format",
            "geojson",
            "--log",
            log,
            "--key",
            "importer.key",
            "--dataset",
            "test",
            events,
        ],
    ] {
        let out = fails_with(&args, tmp.path(), &env);
        assert!(out.contains(log), "{args:?} does not name {log}: {out}");
        assert!(
            out.contains("AWS_ENDPOINT_URL"),
            "{args:?} does not say where the store's settings come from: {out}"
        );
    }
    // `log init` asked the store before making a key: none was left here.
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".key") && n != "importer.key")
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert!(
        !tmp.path().join("index.db").exists(),
        "reindex made a database"
    );
}

#[test]
fn log_init_help_says_where_the_store_settings_come_from() {
    let tmp = tempfile::tempdir().unwrap();
    let o = accord(&["log", "init", "--help"], tmp.path());
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    for setting in [
        "s3://BUCKET/PREFIX",
        "AWS_ENDPOINT_URL",
        "AWS_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_ALLOW_HTTP",
        ".tlog/config.toml",
        "working directory",
    ] {
        assert!(out.contains(setting), "{setting} is not in:\n{out}");
    }
}
