//! `accord audit` against a dishonest operator and dishonest signers, as a
//! party's auditor runs it, alone, from public data: a server that answers
//! the same request differently, statements the operator signs that the
//! rules refuse, status statements whose plain fields lie, a co-signer's
//! signature stripped, entries that try to drive the auditor's terminal, a
//! signature crafted so that two ways of checking it disagree, and a
//! history rewritten between two audits. Each case asserts the finding.
//!
//! (`crates/accord/tests/adversary.rs` plays the evaluator's part: old
//! statements logged again, held back, re-dated.)

mod common;

use common::logs::*;
use common::{accord, text};

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use accord::statement::{Digest, SignedStatement, Statement, Time};
use accord_example::{self as example, Script};
use serde_json::{Value, json};

fn signed_at(s: &Script<'_>, h: Digest, at: Time, kind: &str, body: Value, by: &[&str]) -> Vec<u8> {
    let v = json!({"v": 1, "kind": kind, "agreement": h, "issued_at": at, "body": body});
    let st = Statement::from_value(v).unwrap();
    let mut signed = SignedStatement::sign(st, s.signer(by[0])).unwrap();
    for who in &by[1..] {
        signed.cosign(s.signer(who)).unwrap();
    }
    signed.to_bytes()
}

/// A history whose operator logged a status statement that lies (it
/// claims nobody broke anything), then days more: its entry, the log.
fn log_with_a_lie(dir: &Path) -> (u64, std::path::PathBuf) {
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    history(&mut s);
    s.wait_hours(24.0);
    let size = s.entries.len() as u64;
    let mut lie = s.eval.status();
    lie.log_size = size;
    for c in lie.clauses.values_mut() {
        for p in c.by_party.values_mut() {
            p.breaches = 0;
            p.kept = p.kept.map(|_| true);
        }
        c.kept = c.kept.map(|_| true);
    }
    let body = s.status_body(size, &lie);
    let w = s.write("status", body, &["operator"]);
    s.days(1);
    let log = dir.join("log");
    write_log(&log, &s.entries);
    (w.index, log)
}

/// The entry bundle of `log` with every entry replaced by `x`: well formed,
/// the same number of entries, none of them a statement.
fn doctored_bundle(log: &Path, path: &str) -> Vec<u8> {
    let real = std::fs::read(log.join(path)).unwrap();
    let mut at = 0;
    let mut out = Vec::new();
    while at < real.len() {
        let len = usize::from(u16::from_be_bytes([real[at], real[at + 1]]));
        at += 2 + len;
        out.extend_from_slice(&[0, 1, b'x']);
    }
    out
}

#[test]
fn an_http_audit_replays_the_bytes_it_verified() {
    let tmp = tempfile::tempdir().unwrap();
    let (lie, log) = log_with_a_lie(tmp.path());
    let bundle = "tile/entries/000.p/";
    // Honest the first time an entry bundle is asked for, doctored after:
    // the lie replaced by entries the evaluator merely refuses.
    let doctored_log = log.clone();
    let url = serve_with(&log, move |path, n| {
        (path.starts_with(bundle) && n > 1).then(|| doctored_bundle(&doctored_log, path))
    });
    let o = audit(&url, &["--evidence", "ev"], tmp.path());
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    assert!(
        out.contains(&format!("status statement at entry {lie} claims status")),
        "{out}"
    );
    assert!(!out.contains("AUDIT PASSED"), "{out}");
    // Asked again for the evidence, it served the doctored bundle: said too.
    assert!(
        out.contains("asked again for the evidence of what the replay found, the log served bytes its checkpoint does not commit to"),
        "{out}"
    );
}

#[test]
fn a_server_that_lies_from_the_first_read_fails_the_audit() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, log) = log_with_a_lie(tmp.path());
    let doctored_log = log.clone();
    let url = serve_with(&log, move |path, _| {
        path.starts_with("tile/entries/")
            .then(|| doctored_bundle(&doctored_log, path))
    });
    let out = text(&audit(&url, &[], tmp.path()));
    assert!(
        out.contains("LOG FAILED") && out.contains("entry 0 (in tile/entries/000.p/"),
        "{out}"
    );
    assert!(out.contains("audit FAILED"), "{out}");
}

/// A history to the verification phase, and `extra` entries logged after.
fn log_with(dir: &Path, extra: impl FnOnce(&mut Script<'_>, Digest)) -> std::path::PathBuf {
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    history(&mut s);
    extra(&mut s, h);
    s.days(1);
    let log = dir.join("log");
    write_log(&log, &s.entries);
    log
}

#[test]
fn statements_the_operator_signs_and_the_rules_refuse_are_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let mut at = (0, 0, 0);
    let log = log_with(tmp.path(), |s, h| {
        // An observation dated 2030, co-signed by the operator to move the
        // agreement's time there.
        let when = Time("2030-01-01T00:00:00Z".parse().unwrap());
        let body = json!({
            "category": "ceasefire_violation",
            "observed": {"from": when},
            "position": {"lon": KRAMATORSK.0, "lat": KRAMATORSK.1, "uncertainty_m": 100},
            "sensor": "patrol",
            "details": {"events": [{"type": "explosion", "count": 1}]},
        });
        let entry = signed_at(s, h, when, "observation", body, &["MISSION/1", "operator"]);
        at.0 = s.append(entry).index;
        // A status statement three weeks ahead, past dispute deadlines.
        let size = s.entries.len() as u64;
        let mut st = s.eval.status();
        st.log_size = size;
        let weeks = Time(jiff::Timestamp::from_second(s.now.as_second() + 21 * 86_400).unwrap());
        let body = s.status_body(size, &st);
        at.1 = s
            .append(signed_at(s, h, weeks, "status", body, &["operator"]))
            .index;
        // One about entries not yet in the log.
        let size = s.entries.len() as u64 + 3;
        st.log_size = size;
        let body = s.status_body(size, &st);
        at.2 = s.write("status", body, &["operator"]).index;
    });
    let o = audit(log.to_str().unwrap(), &["--evidence", "ev"], tmp.path());
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    for (i, why) in [
        (at.0, "dated ahead: issued 2030-01-01T00:00:00Z"),
        (at.1, "dated ahead: issued"),
        (at.2, "status ahead: about"),
    ] {
        assert!(
            out.contains(&format!(
                "entry {i} bears the operator's signature, but the evaluator refuses it: {why}"
            )),
            "entry {i}: {out}"
        );
        // With the entry and its inclusion proof as evidence.
        let note = std::fs::read(tmp.path().join(format!("ev/entry-{i}.note"))).unwrap();
        let proof =
            std::fs::read_to_string(tmp.path().join(format!("ev/entry-{i}.proof"))).unwrap();
        assert_eq!(check_proof(&proof, &note), i);
    }
}

#[test]
fn a_status_statement_whose_plain_fields_lie_is_a_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let mut at = 0;
    let log = log_with(tmp.path(), |s, _| {
        s.wait_hours(1.0);
        let size = s.entries.len() as u64;
        let mut st = s.eval.status();
        st.log_size = size;
        // The right digest; the phase and a tranche that people read, not.
        let mut body = s.status_body(size, &st);
        body["phase"] = json!("settlement");
        body["tranches"]["us_tranche_1"] = json!("in_force");
        at = s.write("status", body, &["operator"]).index;
    });
    let o = audit(log.to_str().unwrap(), &[], tmp.path());
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    assert!(
        out.contains(&format!(
            "status statement at entry {at} names the right status digest for log size {at}, but says phase `settlement` where the replay finds `verification`, tranches.us_tranche_1 `in_force` where the replay finds `pending`"
        )),
        "{out}"
    );
}

#[test]
fn an_expected_statement_must_carry_every_signature_it_was_given() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    s.wait_hours(1.0);
    // Signed by Ukraine, Russia and the Mission together...
    let full = signed_at(
        &s,
        h,
        Time(s.now),
        "certification",
        json!({"of": "transition", "target": "begin_verification", "statement": "together"}),
        &["UA", "RU", "MISSION"],
    );
    // ...and logged with Russia's line stripped.
    let text_full = String::from_utf8(full.clone()).unwrap();
    let ru = s.signer("RU").name().to_string();
    let stripped: String = text_full
        .split_inclusive('\n')
        .filter(|l| !l.starts_with(&format!("\u{2014} {ru} ")))
        .collect();
    assert!(stripped.len() < text_full.len());
    s.append(stripped.into_bytes()).ok();
    s.days(2);
    let log = tmp.path().join("log");
    write_log(&log, &s.entries);
    std::fs::write(tmp.path().join("ours.note"), &full).unwrap();
    let o = audit(
        log.to_str().unwrap(),
        &["--expect", "ours.note"],
        tmp.path(),
    );
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    let ru_key = s.signer("RU").verifier();
    assert!(
        out.contains(&format!(
            "ours.note is in the log (entry 2) but without the signature of {}+{:08x}",
            ru_key.name(),
            ru_key.key_id()
        )),
        "{out}"
    );
}

#[test]
fn entries_cannot_drive_the_auditors_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let log = log_with(tmp.path(), |s, _| {
        s.wait_hours(1.0);
        let evil = "\u{1b}[2J\u{1b}[H\r\nAUDIT PASSED in 0.1 s\u{0}\u{9b}2K\u{202e}";
        let w = s.observe(
            "MISSION/1",
            "ceasefire_violation",
            KRAMATORSK,
            json!({"events": [{"type": "explosion", "count": 2}]}),
            json!({"assessment": {"responsible": evil, "confidence": "high"}}),
        );
        assert!(w.rejected.is_some());
        // And a real lie, so that the audit must fail.
        let size = s.entries.len() as u64;
        let mut st = s.eval.status();
        st.log_size = size;
        let mut body = s.status_body(size, &st);
        body["phase"] = json!("settlement");
        s.write("status", body, &["operator"]);
    });
    let o = audit(log.to_str().unwrap(), &[], tmp.path());
    assert!(!o.status.success());
    let stdout = String::from_utf8(o.stdout.clone()).unwrap();
    for c in ['\u{1b}', '\r', '\0', '\u{9b}', '\u{202e}'] {
        assert!(!stdout.contains(c), "{c:?} reached the terminal:\n{stdout}");
    }
    assert!(
        !stdout.lines().any(|l| l.starts_with("AUDIT PASSED")),
        "{stdout}"
    );
    assert!(
        stdout.contains("\\u{1b}[2J\\u{1b}[H\\u{d}\\u{a}AUDIT PASSED in 0.1 s\\u{0}"),
        "{stdout}"
    );
}

/// Runs `accord args`, reads one line of its output and closes the pipe.
fn first_line_then_close(args: &[&str], dir: &Path) -> (std::process::ExitStatus, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .current_dir(dir)
        .env("ACCORD_STATE", dir.join(".accord-state"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    drop(out);
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    (child.wait().unwrap(), err)
}

#[test]
fn every_command_exits_quietly_when_its_output_is_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    history(&mut s);
    let log = tmp.path().join("log");
    write_log(&log, &s.entries);
    let ag = agreement_path();
    let (ag, log) = (ag.to_str().unwrap(), log.to_str().unwrap());
    let day = s.eval.state.done.unwrap().to_string();
    let key = example::key("log.mission.accord.example/log")
        .verifier()
        .to_string();
    for args in [
        vec!["audit", "--agreement", ag, log],
        vec!["status", "--agreement", ag, log],
        vec!["status", "--json", "--agreement", ag, log],
        vec!["report", "--agreement", ag, log, "--day", &day],
        vec!["log", "verify", log, "--key", &key],
        vec!["statement", "schema"],
        vec!["check", ag],
        vec!["checkpoints"],
    ] {
        let (status, err) = first_line_then_close(&args, tmp.path());
        assert!(
            status.success(),
            "accord {args:?} ended {status} when its output was closed:\n{err}"
        );
        assert!(!err.contains("panicked"), "accord {args:?}:\n{err}");
        assert!(!err.contains("Broken pipe"), "accord {args:?}:\n{err}");
    }
}

/// An Ed25519 signature by the example key `name` whose `R` carries a
/// small-order component: valid under the cofactored equation (batch
/// verification, ZIP-215), invalid under the cofactorless one
/// (`verify_strict`). A signer can make one with its own key, to be
/// accepted by one auditor and refused by another.
struct TorsionSigner {
    name: String,
    key_id: u32,
    seed: [u8; 32],
}

impl tlog::note::NoteSigner for TorsionSigner {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.key_id
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, tlog::note::NoteError> {
        use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT as B, EIGHT_TORSION};
        use curve25519_dalek::scalar::Scalar;
        use sha2::{Digest as _, Sha512};
        let h = Sha512::digest(self.seed);
        let mut a = [0u8; 32];
        a.copy_from_slice(&h[..32]);
        a[0] &= 248;
        a[31] &= 127;
        a[31] |= 64;
        let a = Scalar::from_bytes_mod_order(a);
        let public = (a * B).compress();
        let wide = |parts: &[&[u8]]| {
            let mut d = Sha512::new();
            for p in parts {
                d.update(p);
            }
            let out: [u8; 64] = d.finalize().into();
            Scalar::from_bytes_mod_order_wide(&out)
        };
        let r = wide(&[&h[32..], msg]);
        let big_r = (r * B + EIGHT_TORSION[1]).compress();
        let k = wide(&[big_r.as_bytes(), public.as_bytes(), msg]);
        let s = r + k * a;
        let mut sig = big_r.to_bytes().to_vec();
        sig.extend_from_slice(s.as_bytes());
        Ok(sig)
    }
}

#[test]
fn batch_and_single_verification_agree_on_a_crafted_signature() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    history(&mut s);
    s.wait_hours(1.0);
    let name = s.signer("MISSION/1").name().to_string();
    let seed = sha2::Digest::finalize(sha2::Digest::chain_update(
        <sha2::Sha256 as sha2::Digest>::new(),
        format!("accord example ukraine-2025 demonstration key: {name}"),
    ));
    let signer = TorsionSigner {
        key_id: s.signer("MISSION/1").key_id(),
        name,
        seed: seed.into(),
    };
    let body = json!({
        "category": "ceasefire_violation",
        "observed": {"from": Time(s.now)},
        "position": {"lon": KRAMATORSK.0, "lat": KRAMATORSK.1, "uncertainty_m": 100},
        "sensor": "patrol",
        "details": {"events": [{"type": "explosion", "count": 5}]},
    });
    let v = json!({"v": 1, "kind": "observation", "agreement": h, "issued_at": Time(s.now), "body": body});
    let st = Statement::from_value(v).unwrap();
    let crafted = SignedStatement::sign(st, &signer).unwrap().to_bytes();
    // The crafted signature is one the strict single check refuses.
    let parsed = SignedStatement::parse(&crafted).unwrap();
    let line = &parsed.note.signatures()[0];
    let dalek = ed25519_dalek_key(&s.signer("MISSION/1").verifier().public_key().to_bytes());
    let sig = ed25519_dalek_sig(&line.signature);
    assert!(
        dalek
            .verify_strict(parsed.note.text().as_bytes(), &sig)
            .is_err()
    );
    s.append(crafted);
    s.days(1);
    let log = tmp.path().join("log");
    write_log(&log, &s.entries);
    let ag = agreement_path();
    let status = |extra: &[&str]| {
        let mut args = vec!["status", "--json", "--agreement", ag.to_str().unwrap()];
        args.push(log.to_str().unwrap());
        args.extend_from_slice(extra);
        let o = accord(&args, tmp.path());
        assert!(o.status.success(), "{}", text(&o));
        String::from_utf8(o.stdout).unwrap()
    };
    let batch = status(&[]);
    let single = status(&["--strict"]);
    assert_eq!(batch, single, "two auditors, one verdict");
    let st: Value = serde_json::from_str(&batch).unwrap();
    assert!(st["rejected"].as_object().unwrap().is_empty(), "{st}");
}

fn ed25519_dalek_key(bytes: &[u8; 32]) -> ed25519_dalek::VerifyingKey {
    ed25519_dalek::VerifyingKey::from_bytes(bytes).unwrap()
}

fn ed25519_dalek_sig(bytes: &[u8]) -> ed25519_dalek::Signature {
    ed25519_dalek::Signature::from_slice(bytes).unwrap()
}

#[test]
fn an_auditor_alone_catches_a_rewritten_history() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    history(&mut s);
    let log = tmp.path().join("log");
    write_log(&log, &s.entries);
    let o = audit(log.to_str().unwrap(), &[], tmp.path());
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("first time this log is seen here"), "{out}");

    // The operator rewrites its history (the attack is gone) and
    // recomputes every status: a log that verifies on its own.
    let mut s2 = script(&a, h);
    s2.adopt().ok();
    s2.accredit("MISSION", 1).ok();
    // Longer than the history it replaces, so that it cannot be told
    // apart by its size.
    s2.days(60);
    std::fs::remove_dir_all(&log).unwrap();
    write_log(&log, &s2.entries);
    let o = audit(log.to_str().unwrap(), &[], tmp.path());
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    assert!(
        out.contains("FORK: this log is not the one seen before"),
        "{out}"
    );
    // The two signed checkpoints are kept.
    let forks = tmp.path().join(".accord-state/forks");
    let kept = std::fs::read_dir(&forks)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    for f in ["remembered.checkpoint", "served.checkpoint"] {
        assert!(kept.join(f).exists(), "{f}");
    }
    // Status and report refuse it too.
    let ag = agreement_path();
    let out = text(&accord(
        &[
            "status",
            "--agreement",
            ag.to_str().unwrap(),
            log.to_str().unwrap(),
        ],
        tmp.path(),
    ));
    assert!(out.contains("FORK"), "{out}");

    // The remembered checkpoint, exported, is what others compare with.
    let o = accord(&["checkpoints", "--export", "gossip"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let exported: Vec<_> = std::fs::read_dir(tmp.path().join("gossip"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(exported.len(), 1);
    // Another auditor, who never saw the log, catches the rewrite with it.
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let o = audit(
        log.to_str().unwrap(),
        &["--since", exported[0].to_str().unwrap()],
        &other,
    );
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("SPLIT VIEW"), "{}", text(&o));
}

#[test]
fn an_older_copy_of_the_log_is_told_apart_from_a_fork() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    history(&mut s);
    let n = s.entries.len();
    let log = tmp.path().join("log");
    write_log(&log, &s.entries[..n - 5]);
    let older = std::fs::read(log.join("checkpoint")).unwrap();
    append_log(&log, &s.entries[n - 5..]);
    let o = audit(log.to_str().unwrap(), &[], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    // A cache in front of the log still serves yesterday's checkpoint.
    let url = serve_with(&log, move |path, _| {
        (path == "checkpoint").then(|| older.clone())
    });
    let o = audit(&url, &[], tmp.path());
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains(&format!("OLDER than the checkpoint of size {n} remembered")),
        "{out}"
    );
}

#[test]
fn a_log_resigned_under_another_key_is_not_taken_for_a_new_one() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    history(&mut s);
    let log = tmp.path().join("log");
    write_log(&log, &s.entries);
    let o = audit(log.to_str().unwrap(), &[], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    // The same origin, a new key, another history: what an operator who
    // keeps its own log's key in the log's own config could serve.
    let other = tlog::SignerKey::from_seed(
        "log.mission.accord.example/log",
        tlog::KeyType::Ed25519,
        [42; 32],
    )
    .unwrap();
    let mut s2 = script(&a, h);
    s2.adopt().ok();
    s2.days(3);
    std::fs::remove_dir_all(&log).unwrap();
    let storage = std::sync::Arc::new(tlog::DirStorage::new(&log).unwrap());
    let mut l = tlog::Log::create(storage, other.clone()).unwrap();
    l.append_batch(&s2.entries).unwrap();
    drop(l);
    let vkey = other.verifier().to_string();
    let o = audit(log.to_str().unwrap(), &["--log-key", &vkey], tmp.path());
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    assert!(
        out.contains("KEY CHANGED: this log (log.mission.accord.example/log) was seen before signed by another key"),
        "{out}"
    );
}
