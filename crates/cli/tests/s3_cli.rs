//! Logs at `s3://bucket/prefix`: every command that takes a log directory
//! takes one (on SeaweedFS, and on moto's emulation of AWS, started by
//! `testkit::s3`), says the same of it as of a directory, and says clearly
//! where the store is when it cannot be used. And `accord log ...` reads a
//! log over HTTP as the other readers do.

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

use accord_example as example;
use common::logs::{agreement_path, history, script};
use common::{accord, accord_with_env, text};
use testkit::s3::{Kind, S3Server};

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

/// Runs `accord args` with the store's settings, asserting that it
/// succeeds; its standard output.
fn ok_with(args: &[&str], dir: &Path, env: &[(&'static str, String)]) -> String {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let o = accord_with_env(args, dir, &env);
    assert!(o.status.success(), "accord {args:?} failed:\n{}", text(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Output with its durations ("in 0.3 s") masked, to compare two runs.
fn untimed(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        let seconds = w.contains('.')
            && w.chars().all(|c| c.is_ascii_digit() || c == '.')
            && words.get(i + 1).is_some_and(|n| n.starts_with('s'));
        out.push(if seconds { "N" } else { w });
    }
    out.join(" ")
}

/// The AWS settings of a test server (which takes any credentials).
fn store(server: &S3Server) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ENDPOINT_URL", server.endpoint()),
        ("AWS_ALLOW_HTTP", "true".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID", "accord-test".into()),
        ("AWS_SECRET_ACCESS_KEY", "accord-test-secret".into()),
    ]
}

/// The example's statements, logged by `accord log init` and `append` on
/// S3 and in a directory: `log verify`, `proof`, `get`, `status`, `audit`,
/// `reindex` and `mirror` say the same of both, and tlogcheck verifies the
/// copy on S3 read over plain HTTP.
#[test]
fn a_log_on_s3_is_made_read_and_checked_as_a_directory_is() {
    made_read_and_checked_as_a_directory_is(Kind::SeaweedFs);
}

/// The same on moto's emulation of AWS S3.
#[test]
fn a_log_on_s3_is_made_read_and_checked_as_a_directory_is_on_moto_too() {
    made_read_and_checked_as_a_directory_is(Kind::Moto);
}

fn made_read_and_checked_as_a_directory_is(kind: Kind) {
    let Some(server) = S3Server::shared(kind) else {
        return; // ACCORD_SKIP_S3=1
    };
    let env = store(server);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let bucket = server.new_bucket("cli-example");
    let s3 = format!("s3://{bucket}/ceasefire");
    let local = dir.join("log");
    let local = local.to_str().unwrap();

    // The example's statements, one file each, and the log key the
    // agreement names.
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    history(&mut s);
    let mut files = Vec::new();
    for (i, e) in s.entries.iter().enumerate() {
        let f = dir.join(format!("entry-{i:04}.note"));
        std::fs::write(&f, e).unwrap();
        files.push(f.to_str().unwrap().to_string());
    }
    let key = example::key("log.mission.accord.example/log");
    std::fs::write(dir.join("log.key"), key.to_secret_string()).unwrap();
    let ag = agreement_path();
    let ag = ag.to_str().unwrap();

    for log in [s3.as_str(), local] {
        let vkey = ok_with(&["log", "init", log, "--key", "log.key"], dir, &env);
        assert_eq!(vkey.trim(), key.verifier().to_string());
        let mut args = vec!["log", "append", log, "--raw", "--agreement", ag];
        args.extend(files.iter().map(String::as_str));
        let out = ok_with(&args, dir, &env);
        assert!(
            out.starts_with(&format!(
                "appended {} entries at indices 0 to {}\n",
                files.len(),
                files.len() - 1
            )),
            "{out}"
        );
    }

    // What the commands say of the two logs is the same, but for its name.
    let same = |args: &[&str]| {
        let on = |log: &str| {
            let args: Vec<&str> = args
                .iter()
                .map(|a| if *a == "LOG" { log } else { *a })
                .collect();
            untimed(&ok_with(&args, dir, &env).replace(log, "LOG"))
        };
        let (from_s3, from_dir) = (on(&s3), on(local));
        assert_eq!(from_s3, from_dir, "accord {args:?}");
        from_s3
    };
    let verified = same(&["log", "verify", "LOG"]);
    assert!(
        verified.contains(&format!("size {}", files.len()))
            && verified.contains("(key from the log's own config)")
            && verified.ends_with("OK\n"),
        "{verified}"
    );
    same(&["log", "proof", "LOG", "--index", "3", "--old-size", "2"]);
    assert_eq!(same(&["log", "get", "LOG", "--index", "3"]).as_bytes(), {
        let mut e = s.entries[3].clone();
        e.push(b'\n');
        e
    });
    let status = same(&["status", "--agreement", ag, "LOG", "--json"]);
    let got: accord::evaluate::Status = serde_json::from_str(&status).unwrap();
    assert_eq!(got.canonical(), s.eval.status().canonical());
    same(&["audit", "--agreement", ag, "LOG"]);

    // The index rebuilt from S3, and a mirror copied from it.
    let out = ok_with(
        &[
            "reindex",
            "--agreement",
            ag,
            "--log",
            &s3,
            "--db",
            "index.db",
        ],
        dir,
        &env,
    );
    assert!(
        out.starts_with(&format!("indexed {} entries of {s3}", files.len())),
        "{out}"
    );
    ok_with(
        &[
            "mirror",
            "keygen",
            "--name",
            "mirror.test.example",
            "--out",
            "mirror.key",
        ],
        dir,
        &env,
    );
    ok_with(
        &[
            "mirror",
            "--from",
            &s3,
            "--dir",
            "mirror",
            "--key",
            "mirror.key",
            "--agreement",
            ag,
            "--once",
        ],
        dir,
        &env,
    );
    let mirrored = ok_with(
        &[
            "log",
            "verify",
            "mirror",
            "--key",
            &key.verifier().to_string(),
        ],
        dir,
        &env,
    );
    assert!(
        verified.contains(&format!("size {}", files.len())),
        "{mirrored}"
    );

    // The log's configuration is a private object of the store, naming the
    // key file on this machine; the key itself is not on the store.
    let cfg = server.request(
        "GET",
        &format!("/{bucket}/ceasefire/.tlog/config.toml"),
        &[],
        &[],
    );
    assert_eq!(cfg.status, 200);
    let cfg = String::from_utf8(cfg.body).unwrap();
    let keyfile = std::fs::canonicalize(dir.join("log.key")).unwrap();
    assert!(
        cfg.contains(&format!("key = {:?}", keyfile.display().to_string())),
        "{cfg}"
    );
    for name in ["log.key", "key"] {
        let r = server.request(
            "GET",
            &format!("/{bucket}/ceasefire/.tlog/{name}"),
            &[],
            &[],
        );
        assert_eq!(r.status, 404, "{name}");
    }

    // Any C2SP verifier reads it from the store as it is.
    let url = format!("{}/{bucket}/ceasefire", server.endpoint());
    testkit::tlogcheck_ok(&[
        "verify",
        "-log",
        &url,
        "-key",
        &key.verifier().to_string(),
        "-entries",
    ]);

    // A log is never made twice.
    let again = accord_with_env(
        &["log", "init", &s3, "--key", "log.key"],
        dir,
        &env.iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect::<Vec<_>>(),
    );
    assert!(!again.status.success());
    assert!(
        text(&again).contains(&format!("{s3} already holds a log")),
        "{}",
        text(&again)
    );
}

/// Without `--key`, `log init s3://…` writes the new key here, under its
/// origin, says where, and the log's configuration finds it from any
/// working directory.
#[test]
fn a_new_s3_log_keeps_its_key_here_and_says_where() {
    let Some(server) = S3Server::shared(Kind::SeaweedFs) else {
        return; // ACCORD_SKIP_S3=1
    };
    let env = store(server);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let s3 = format!("s3://{}/a/b", server.new_bucket("cli-newkey"));
    let envs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let o = accord_with_env(
        &["log", "init", &s3, "--origin", "test.example/s3-log"],
        dir,
        &envs,
    );
    assert!(o.status.success(), "{}", text(&o));
    let keyfile = std::fs::canonicalize(dir.join("test.example_s3-log.key")).unwrap();
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(
        said.contains(&format!("created log {s3} with origin test.example/s3-log"))
            && said.contains(&format!("secret signer key is in {}", keyfile.display()))
            && said.contains(&format!("{s3}/.tlog/ is private")),
        "{said}"
    );
    let vkey = String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert!(vkey.starts_with("test.example/s3-log+"), "{vkey}");
    // From another directory, entries go in with the key the config names.
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("in.txt"), "one\ntwo\n").unwrap();
    let out = ok_with(&["log", "append", &s3, "in.txt"], &elsewhere, &env);
    assert!(
        out.starts_with("appended 2 entries at indices 0 to 1\n"),
        "{out}"
    );
    let out = ok_with(&["log", "verify", &s3, "--key", &vkey], &elsewhere, &env);
    assert!(out.ends_with("OK\n"), "{out}");
    // Standard input too (spooled locally, not beside the log).
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["log", "append", &s3])
        .current_dir(&elsewhere)
        .envs(envs.iter().copied())
        .stdin(std::fs::File::open(elsewhere.join("in.txt")).unwrap())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).starts_with("appended 2 entries at indices 2 to 3\n")
    );
}

/// `accord import --log s3://…`: the real UCDP extract imported into a log
/// on S3, and imported again adding nothing (what is there is read back
/// from the store).
#[test]
fn events_import_into_a_log_on_s3_once() {
    let Some(server) = S3Server::shared(Kind::SeaweedFs) else {
        return; // ACCORD_SKIP_S3=1
    };
    let env = store(server);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let s3 = format!("s3://{}/events", server.new_bucket("cli-import"));
    ok_with(
        &[
            "keygen",
            "osint.accord.example/importer",
            "--out",
            "importer.key",
        ],
        dir,
        &env,
    );
    ok_with(
        &["log", "init", &s3, "--origin", "test.example/import"],
        dir,
        &env,
    );
    let ag = agreement_path();
    let ucdp = testkit::data("events/ucdp_ged_ukraine_2014-01_to_2022-02-23.csv");
    let import = [
        "import",
        "--agreement",
        ag.to_str().unwrap(),
        "--format",
        "ucdp",
        "--log",
        &s3,
        "--key",
        "importer.key",
        ucdp.to_str().unwrap(),
    ];
    let first = ok_with(&import, dir, &env);
    assert!(
        first.contains("statements imported") && first.contains("(indices 0 to 3414)"),
        "{first}"
    );
    let again = ok_with(&import, dir, &env);
    let line = |name: &str| {
        again
            .lines()
            .find_map(|l| l.trim_start().strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("no {name} in {again}"))
    };
    assert_eq!(line("statements imported"), "0", "{again}");
    assert!(line("duplicates skipped").starts_with("3415 "), "{again}");
    let verified = ok_with(&["log", "verify", &s3], dir, &env);
    assert!(
        verified.contains("size 3415") && verified.ends_with("OK\n"),
        "{verified}"
    );
}

/// `accord log verify`, `proof` and `get` read a log served over HTTP as
/// well; its key must then be given, since its private configuration is
/// not served.
#[test]
fn log_commands_read_a_log_over_http_given_its_key() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    history(&mut s);
    let log = dir.join("log");
    common::logs::write_log(&log, &s.entries);
    let url = common::logs::serve(&log);
    let o = accord(&["log", "verify", &url], dir);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("a log read over HTTP does not show its private .tlog/config.toml, so pass the log's verifier key with --key"),
        "{}",
        text(&o)
    );
    let vkey = example::key("log.mission.accord.example/log")
        .verifier()
        .to_string();
    let o = accord(&["log", "verify", &url, "--key", &vkey], dir);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).ends_with("OK\n"),
        "{}",
        text(&o)
    );
    let o = accord(&["log", "get", &url, "--index", "2", "--raw"], dir);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(o.stdout, s.entries[2]);
}
