//! `accord mirror` as a party runs it: the demo's log and a served log
//! copied, verified by the independent verifier with the mirror's
//! cosignature, and served; a mirror of a mirror; a forked operator
//! refused with its evidence; `kill -9` in the middle of a copy, again and
//! again; and the operator vanishing while audit, status and report go on
//! from the mirror with the same results.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use accord_example as example;
use common::logs::*;
use common::{accord, text};
use tlog::{DirStorage, KeyType, Log, SignerKey};

/// A running `accord serve` or `accord mirror`.
struct Running {
    child: Child,
    base: String,
    stderr: PathBuf,
}

impl Running {
    fn start(tmp: &Path, args: &[&str], name: &str) -> Running {
        let stderr = tmp.join(format!("{name}.err"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
            .args(args)
            .current_dir(tmp)
            .env("ACCORD_STATE", tmp.join(".accord-state"))
            .env("ACCORD_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("start accord");
        let base = common::listening_at(&mut child, &stderr, &format!("accord {args:?}"));
        Running {
            child,
            base,
            stderr,
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    common::http_agent(Duration::from_secs(30))
}

fn get(url: &str) -> (u16, Vec<u8>) {
    match agent().get(url).call() {
        Ok(mut r) => (
            r.status().as_u16(),
            r.body_mut().read_to_vec().unwrap_or_default(),
        ),
        Err(_) => (0, vec![]),
    }
}

/// Waits until the mirror at `base` serves a checkpoint of `size`.
fn wait_for_size(m: &Running, size: u64) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (code, body) = get(&format!("{}/healthz", m.base));
        if code == 200 {
            let h: serde_json::Value = serde_json::from_slice(&body).unwrap();
            if h["size"] == size {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the mirror did not reach {size} entries:\n{}",
            m.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Makes a mirror key with `accord mirror keygen`; its verifier key.
fn mirror_keygen(tmp: &Path, name: &str, file: &str) -> String {
    let out = ok(&["mirror", "keygen", "--name", name, "-o", file], tmp);
    out.trim().to_string()
}

fn origin_hash(origin: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(origin.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const ORIGIN: &str = "log.mission.accord.example/log";

fn log_vkey() -> String {
    example::key(ORIGIN).verifier().to_string()
}

#[test]
fn the_demo_log_is_mirrored_served_and_verified_and_a_mirror_copies_the_mirror() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    ok(&["demo", "--dir", "d"], t);
    let size: u64 = std::fs::read_to_string(t.join("d/log/checkpoint"))
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert!(size > 100, "the demo's log has {size} entries");
    let akey = mirror_keygen(t, "mirror.ua.example/1", "a.key");
    let bkey = mirror_keygen(t, "mirror.osce.example/1", "b.key");
    let ag = t.join("d/agreement/agreement.toml");
    let a = Running::start(
        t,
        &[
            "mirror",
            "--from",
            "d/log",
            "--dir",
            "a",
            "--key",
            "a.key",
            "--listen",
            "127.0.0.1:0",
            "--interval",
            "100ms",
            "--agreement",
            ag.to_str().unwrap(),
            "--operator",
            "https://operator.example",
        ],
        "a",
    );
    wait_for_size(&a, size);
    let prefixed = format!("{}/{}", a.base, origin_hash(ORIGIN));
    let vkey = log_vkey();
    for log in [
        a.base.as_str(),
        prefixed.as_str(),
        t.join("a").to_str().unwrap(),
    ] {
        testkit::tlogcheck_ok(&[
            "verify", "-log", log, "-key", &vkey, "-witness", &akey, "-entries",
        ]);
    }
    // The agreement as the operator serves it; no statements taken.
    let (code, body) = get(&format!("{}/v1/agreement.toml", a.base));
    assert_eq!(code, 200);
    assert_eq!(body, std::fs::read(&ag).unwrap());
    let r = agent()
        .post(format!("{}/v1/statements", a.base))
        .send("x")
        .unwrap();
    assert_eq!(r.status().as_u16(), 421);
    // A second process on the same directory is refused.
    let e = common::fails(
        &[
            "mirror", "--from", "d/log", "--dir", "a", "--key", "a.key", "--once",
        ],
        t,
    );
    assert!(e.contains("locked"), "{e}");

    // A mirror of the mirror, over HTTP: it carries both cosignatures.
    let out = ok(
        &[
            "mirror",
            "--from",
            &prefixed,
            "--dir",
            "b",
            "--key",
            "b.key",
            "--log-key",
            &vkey,
            "--once",
        ],
        t,
    );
    assert!(out.contains(&format!("0 -> {size} entries")), "{out}");
    testkit::tlogcheck_ok(&[
        "verify",
        "-log",
        t.join("b").to_str().unwrap(),
        "-key",
        &vkey,
        "-witness",
        &akey,
        "-witness",
        &bkey,
        "-entries",
    ]);
    // The audit passes against the mirror, naming its cosignature.
    let o = accord(
        &[
            "audit",
            "--agreement",
            ag.to_str().unwrap(),
            &a.base,
            "--witness",
            &akey,
        ],
        t,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("cosigned by witness mirror.ua.example/1"),
        "{}",
        text(&o)
    );
    // SIGTERM: it stops serving and exits cleanly.
    let mut a = a;
    let ok = Command::new("kill")
        .args(["-TERM", &a.child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = a.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "no exit after SIGTERM:\n{}",
            a.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{}", a.log());
    assert!(a.log().contains("stopped; the mirror holds"), "{}", a.log());
}

#[test]
fn a_forked_operator_is_refused_with_evidence_and_the_mirror_keeps_its_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    history(&mut s);
    let honest = &s.entries;
    write_log(&t.join("honest"), honest);
    // The same key, another history: the last entries differ.
    let mut forked = honest[..honest.len() - 3].to_vec();
    forked.push(b"another history".to_vec());
    forked.push(b"and more".to_vec());
    forked.push(b"of it".to_vec());
    write_log(&t.join("forked"), &forked);
    let mkey = mirror_keygen(t, "mirror.ua.example/1", "m.key");
    let ag = agreement_path();
    let base = [
        "mirror",
        "--dir",
        "m",
        "--key",
        "m.key",
        "--agreement",
        ag.to_str().unwrap(),
        "--once",
        "--from",
    ];
    let run = |from: &str| accord(&[&base[..], &[from]].concat(), t);
    let o = run("honest");
    assert!(o.status.success(), "{}", text(&o));
    let before = std::fs::read(t.join("m/checkpoint")).unwrap();
    let o = run("forked");
    assert!(!o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("REFUSED") && out.contains("fork"), "{out}");
    assert!(out.contains("evidence kept in"), "{out}");
    assert_eq!(std::fs::read(t.join("m/checkpoint")).unwrap(), before);
    let listed = ok(&["mirror", "evidence", "--dir", "m"], t);
    assert!(listed.contains("fork-"), "{listed}");
    assert!(listed.contains("two checkpoints"), "{listed}");
    testkit::tlogcheck_ok(&[
        "verify",
        "-log",
        t.join("m").to_str().unwrap(),
        "-key",
        &log_vkey(),
        "-witness",
        &mkey,
        "-entries",
    ]);
}

/// A large log, written directly.
fn big_log(dir: &Path, key: &SignerKey, from: u64, to: u64) {
    let storage = Arc::new(DirStorage::new(dir).unwrap());
    let mut log = if from == 0 {
        Log::create(storage, key.clone()).unwrap()
    } else {
        Log::open(storage, key.clone()).unwrap()
    };
    let entries: Vec<Vec<u8>> = (from..to)
        .map(|i| format!("entry {i}: {}", "x".repeat((i % 50) as usize)).into_bytes())
        .collect();
    for chunk in entries.chunks(50_000) {
        log.append_batch(chunk).unwrap();
    }
}

#[test]
fn kill_9_in_the_middle_of_a_copy_again_and_again_then_it_completes_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let key = SignerKey::from_seed("big.log.example/1", KeyType::Ed25519, [11; 32]).unwrap();
    let vkey = key.verifier().to_string();
    let mkey = mirror_keygen(t, "mirror.ua.example/1", "m.key");
    let args = [
        "mirror",
        "--from",
        "log",
        "--dir",
        "m",
        "--key",
        "m.key",
        "--log-key",
        &vkey,
        "--once",
    ];
    // A first copy, whole; then a large batch to copy beyond it.
    big_log(&t.join("log"), &key, 0, 20_000);
    assert!(ok(&args, t).contains("0 -> 20000 entries"));
    let mut size = 200_000;
    big_log(&t.join("log"), &key, 20_000, size);
    // Kill at varied moments; the log grows between some of them, so that
    // some runs commit a checkpoint and later ones are killed after it.
    let waits = [150u64, 400, 80, 900, 250, 1500, 40, 700];
    let mut killed = 0;
    for (k, wait) in waits.iter().enumerate() {
        if k == 3 || k == 6 {
            big_log(&t.join("log"), &key, size, size + 60_000);
            size += 60_000;
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
            .args(args)
            .current_dir(t)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(*wait));
        if child.try_wait().unwrap().is_none() {
            killed += 1;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // Whatever it committed is whole.
        if let Ok(cp) = std::fs::read_to_string(t.join("m/checkpoint")) {
            eprintln!(
                "killed after {wait} ms; the mirror holds {}",
                cp.lines().nth(1).unwrap()
            );
            testkit::tlogcheck_ok(&[
                "verify",
                "-log",
                t.join("m").to_str().unwrap(),
                "-key",
                &vkey,
                "-witness",
                &mkey,
            ]);
        }
    }
    assert!(killed >= 4, "only {killed} runs were killed mid-copy");
    let started = Instant::now();
    let out = ok(&args, t);
    eprintln!(
        "the rest copied in {:.1} s: {out}",
        started.elapsed().as_secs_f64()
    );
    // The last kill may land after the copy completed: then there is
    // nothing left, and the copy is whole either way.
    assert!(
        out.contains(&format!("-> {size} entries"))
            || out.contains(&format!("unchanged at {size} entries")),
        "{out}"
    );
    testkit::tlogcheck_ok(&[
        "verify",
        "-log",
        t.join("m").to_str().unwrap(),
        "-key",
        &vkey,
        "-witness",
        &mkey,
        "-entries",
    ]);
    // Every tile is the log's, byte for byte.
    let mut reader = tlog::TileReader::new(tlog::DirSource::new(t.join("m")));
    let mut theirs = tlog::TileReader::new(tlog::DirSource::new(t.join("log")));
    assert_eq!(reader.root(size).unwrap(), theirs.root(size).unwrap());
    for i in [0, 1, 255, 256, 65_535, 65_536, size - 1] {
        assert_eq!(
            reader.entry(size, i).unwrap(),
            theirs.entry(size, i).unwrap()
        );
    }
}

/// What a command printed, with the log's address, the directory it ran
/// in and timings made neutral, so that runs against two servers compare.
fn neutral(out: &str, base: &str, dir: &Path) -> String {
    out.replace(base, "LOG")
        .replace(&dir.display().to_string(), "DIR")
        .lines()
        .map(|l| {
            // "... in 1.2 s" and the like.
            let mut words: Vec<String> = l.split(' ').map(String::from).collect();
            for i in 1..words.len() {
                let unit = words[i].trim_end_matches(|c: char| c.is_ascii_punctuation());
                if matches!(unit, "s" | "ms") && words[i - 1].parse::<f64>().is_ok() {
                    words[i - 1] = "T".into();
                }
            }
            words.join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Audit, status and the report of `day` against `base`, each run in a
/// directory of its own (its own memory of checkpoints).
fn audit_status_report(t: &Path, run: &str, base: &str, day: &str) -> Vec<(String, String)> {
    let dir = t.join(run);
    std::fs::create_dir_all(&dir).unwrap();
    let ag = agreement_path();
    let ag = ag.to_str().unwrap();
    let mut out = Vec::new();
    for args in [
        vec!["audit", "--agreement", ag, base],
        vec!["status", "--agreement", ag, base],
        vec!["status", "--agreement", ag, base, "--json"],
        vec!["report", "--agreement", ag, base, "--day", day],
    ] {
        let o = accord(&args, &dir);
        assert!(o.status.success(), "accord {args:?}:\n{}", text(&o));
        out.push((
            args[0].to_string(),
            neutral(&String::from_utf8_lossy(&o.stdout), base, &dir),
        ));
    }
    out.push((
        "report.md".into(),
        std::fs::read_to_string(dir.join(format!("report-{day}.md"))).unwrap(),
    ));
    let proofs = dir.join(format!("report-{day}.proofs"));
    let mut names: Vec<_> = std::fs::read_dir(&proofs)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for n in names {
        // The checkpoint in each proof carries the signatures of the
        // copy it was read from: the mirror's adds its own cosignature.
        let text = std::fs::read_to_string(proofs.join(&n)).unwrap();
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with("\u{2014} mirror."))
            .collect();
        out.push((n.to_string_lossy().into_owned(), kept.join("\n")));
    }
    out
}

#[test]
fn the_operator_vanishes_and_audit_status_and_report_go_on_from_the_mirror() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    history(&mut s);
    let day = s.eval.state.obs.last().unwrap().period.to_string();
    // The operator's log, made as an operator makes it.
    let keyfile = t.join("log.key");
    std::fs::write(&keyfile, example::key(ORIGIN).to_secret_string()).unwrap();
    ok(
        &["log", "init", "log", "--key", keyfile.to_str().unwrap()],
        t,
    );
    append_log(&t.join("log"), &s.entries);
    let size = s.entries.len() as u64;
    let ag = agreement_path();
    let operator = Running::start(
        t,
        &[
            "serve",
            "--agreement",
            ag.to_str().unwrap(),
            "--log",
            "log",
            "--bind",
            "127.0.0.1:0",
        ],
        "operator",
    );
    mirror_keygen(t, "mirror.ua.example/1", "m.key");
    let mirror = Running::start(
        t,
        &[
            "mirror",
            "--from",
            &operator.base,
            "--dir",
            "m",
            "--key",
            "m.key",
            "--agreement",
            ag.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
            "--interval",
            "100ms",
        ],
        "mirror",
    );
    wait_for_size(&mirror, size);
    let before = audit_status_report(t, "at-operator", &operator.base, &day);

    // The operator goes, without warning.
    let gone = operator.base.clone();
    drop(operator);
    assert_eq!(
        get(&format!("{gone}/checkpoint")).0,
        0,
        "the operator is gone"
    );
    let after = audit_status_report(t, "at-mirror", &mirror.base, &day);
    assert_eq!(before.len(), after.len());
    for ((what, b), (_, a)) in before.iter().zip(&after) {
        assert_eq!(b, a, "{what} differs between the operator and the mirror");
    }
    assert!(before[0].1.contains("AUDIT PASSED"), "{}", before[0].1);
    // The mirror says what it cannot reach, and serves on.
    std::thread::sleep(Duration::from_millis(400));
    let (code, body) = get(&format!("{}/healthz", mirror.base));
    assert_eq!(code, 200);
    let h: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(h["size"], size);
    assert!(h["last_error"].is_string(), "{h}");
    // Submissions are sent to the operator, wherever it went.
    let mut r = agent()
        .post(format!("{}/v1/statements", mirror.base))
        .send("x")
        .unwrap();
    assert_eq!(r.status().as_u16(), 421);
    let p: serde_json::Value =
        serde_json::from_slice(&r.body_mut().read_to_vec().unwrap()).unwrap();
    assert!(
        p["operator"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
}
