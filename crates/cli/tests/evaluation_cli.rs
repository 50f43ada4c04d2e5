//! `accord status`, `audit`, `report` and `demo` as a user runs them, on
//! logs written with the example's demonstration keys: the status is the
//! evaluator's, byte for byte; the audit passes on an honest log (from a
//! directory and over HTTP) and catches a forged signature, an unaccredited
//! monitor, a status statement that lies, a rewritten log and a missing
//! entry, with evidence that checks; the report's figures link to proofs.

mod common;

use common::{accord, fails, text};

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;

use accord::evaluate::Status;
use accord::example::{self, Script, Written};
use accord::statement::Digest;
use serde_json::{Value, json};
use tlog::{DirStorage, Hash, Log};

const D: &str = "2026-03-02T10:00:00Z";
const KRAMATORSK: (f64, f64) = (37.58, 48.74);

fn agreement_path() -> PathBuf {
    testkit::repo_root().join("examples/ukraine-2025/agreement.toml")
}

fn ok(args: &[&str], dir: &Path) -> String {
    let o = accord(args, dir);
    assert!(o.status.success(), "accord {args:?} failed:\n{}", text(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn evidence() -> Value {
    json!([{"sha256": format!("sha256:{}", "cd".repeat(32)), "media_type": "image/jpeg"}])
}

/// Adoption, three accredited monitors, the verification phase reached,
/// a verified attack on Kramatorsk, and the operator's daily statuses.
fn history(s: &mut Script) -> Written {
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    s.accredit("JCCC_UA", 1).ok();
    s.accredit("JCCC_RU", 1).ok();
    s.wait_hours(1.0);
    s.certify("transition", "begin_verification", &["UA", "RU", "MISSION"])
        .ok();
    s.wait_hours(-1.0);
    s.days(15);
    s.wait_hours(2.0);
    let attack = s.observe(
        "MISSION/1",
        "ceasefire_violation",
        KRAMATORSK,
        json!({"events": [{"type": "explosion", "count": 7, "weapon_class": "artillery_100mm"}]}),
        json!({"sensor": "uav", "evidence": evidence(), "assessment": {"responsible": "RU", "confidence": "high"}}),
    );
    attack.ok();
    s.wait_hours(-2.0);
    s.days(2);
    attack
}

fn write_log(dir: &Path, entries: &[Vec<u8>]) {
    let key = example::key("log.mission.accord.example/log");
    let storage = Arc::new(DirStorage::new(dir).unwrap());
    let mut log = Log::create(storage, key).unwrap();
    log.append_batch(entries).unwrap();
}

/// Appends entries to a log made by [`write_log`].
fn append_log(dir: &Path, entries: &[Vec<u8>]) {
    let storage = Arc::new(DirStorage::new(dir).unwrap());
    let mut log = Log::open(storage, example::key("log.mission.accord.example/log")).unwrap();
    log.append_batch(entries).unwrap();
}

/// The operator's key, written to a file in `dir` as `--sign` reads it.
fn operator_keyfile(a: &accord::agreement::Agreement, dir: &Path) -> (tlog::SignerKey, PathBuf) {
    let operator = example::key(a.operator.as_ref().unwrap().keys[0].get_ref().name());
    let keyfile = dir.join("operator.key");
    std::fs::write(&keyfile, operator.to_secret_string()).unwrap();
    (operator, keyfile)
}

/// `accord status --sign`: the operator's signed status statement for the
/// log, dated `at`.
fn signed_status(log: &Path, keyfile: &Path, at: jiff::Timestamp, dir: &Path) -> String {
    let ag = agreement_path();
    let at = accord::statement::Time(at).to_string();
    ok(
        &[
            "status",
            "--agreement",
            ag.to_str().unwrap(),
            log.to_str().unwrap(),
            "--sign",
            keyfile.to_str().unwrap(),
            "--at",
            &at,
        ],
        dir,
    )
}

fn script(a: &accord::agreement::Agreement, h: Digest) -> Script<'_> {
    Script::new(a, h, D.parse().unwrap())
}

fn audit(log: &str, extra: &[&str], dir: &Path) -> Output {
    let ag = agreement_path();
    let mut args = vec!["audit", "--agreement", ag.to_str().unwrap(), log];
    args.extend_from_slice(extra);
    accord(&args, dir)
}

/// Checks a C2SP tlog-proof file against the checkpoint it carries.
fn check_proof(proof: &str, entry: &[u8]) -> u64 {
    let mut lines = proof.lines();
    assert_eq!(lines.next(), Some("c2sp.org/tlog-proof@v1"));
    let index: u64 = lines
        .next()
        .and_then(|l| l.strip_prefix("index "))
        .unwrap()
        .parse()
        .unwrap();
    let mut hashes = vec![];
    for l in lines.by_ref() {
        if l.is_empty() {
            break;
        }
        hashes.push(Hash::from_base64(l).unwrap());
    }
    let rest: Vec<&str> = lines.collect();
    let size: u64 = rest[1].parse().unwrap();
    let root = Hash::from_base64(rest[2]).unwrap();
    tlog::merkle::verify_inclusion(index, size, &tlog::leaf_hash(entry), &hashes, &root)
        .expect("the proof verifies");
    index
}

#[test]
fn status_is_the_evaluators_status_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    history(&mut s);
    let log = tmp.path().join("log");
    write_log(&log, &s.entries);
    let ag = agreement_path();
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
    assert_eq!(got.canonical(), s.eval.status().canonical());
    assert_eq!(got.phase.id.as_deref(), Some("verification"));
    let out = ok(
        &[
            "status",
            "--agreement",
            ag.to_str().unwrap(),
            log.to_str().unwrap(),
            "--strict",
        ],
        tmp.path(),
    );
    assert!(out.contains("Verification (verification) since"), "{out}");
    let ceasefire = out
        .lines()
        .find(|l| l.trim_start().starts_with("ceasefire ") && !l.contains("->"))
        .unwrap();
    assert!(
        ceasefire.contains("BROKEN (1 breaches)") || ceasefire.contains("kept (1 breaches)"),
        "{ceasefire}"
    );
}

#[test]
fn the_operator_signs_its_status_statement_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    history(&mut s);
    let log = tmp.path().join("log");
    write_log(&log, &s.entries);
    let (_, keyfile) = operator_keyfile(&a, tmp.path());
    let at = jiff::Timestamp::from_second(s.now.as_second() + 3600).unwrap();
    let note = signed_status(&log, &keyfile, at, tmp.path());
    // Appended as the next entry, it is a claim the audit checks and finds true.
    let size = s.entries.len();
    append_log(&log, &[note.as_bytes().to_vec()]);
    let claims = s.eval.state.claims.len() + 1;
    let out = text(&audit(log.to_str().unwrap(), &[], tmp.path()));
    assert!(
        out.contains(&format!(
            "status statements: {claims} logged by the operator, {claims} match"
        )),
        "{out}"
    );
    s.append(note.into_bytes());
    assert_eq!(s.entries.len(), size + 1);
    assert_eq!(s.eval.state.claims.last().unwrap().log_size, size as u64);
}

#[test]
fn a_status_statement_about_an_earlier_size_is_checked_against_that_size() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    history(&mut s);
    let log = tmp.path().join("log");
    write_log(&log, &s.entries);
    let (operator, keyfile) = operator_keyfile(&a, tmp.path());
    let at = jiff::Timestamp::from_second(s.now.as_second() + 3600).unwrap();
    let true_claim = signed_status(&log, &keyfile, at, tmp.path());
    // A claim about the same size that the replay will not find.
    let mut wrong = s.eval.status();
    wrong.log_size = s.entries.len() as u64;
    wrong.phase.id = Some("stabilisation".into());
    let lie = signed(
        &s,
        h,
        "status",
        s.status_body(wrong.log_size, &wrong),
        &operator,
    );
    // Something else is logged first: both claims are then about an earlier
    // size than their own index.
    append_log(
        &log,
        &[b"not a statement".to_vec(), true_claim.into_bytes(), lie],
    );
    let claims = s.eval.state.claims.len();
    let size = s.entries.len();
    let out = text(&audit(
        log.to_str().unwrap(),
        &["--evidence", "ev"],
        tmp.path(),
    ));
    assert!(
        out.contains(&format!(
            "status statements: {} logged by the operator, {} match the replay",
            claims + 2,
            claims + 1
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("status statement at entry {} ", size + 2)),
        "{out}"
    );
    assert!(
        out.contains(&format!("for log size {size}, but the replay finds")),
        "{out}"
    );
}

#[test]
fn audit_passes_on_an_honest_log_from_a_directory_and_over_http() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    history(&mut s);
    let log = tmp.path().join("log");
    write_log(&log, &s.entries);
    let claims = s.eval.state.claims.len();
    assert!(claims > 10);
    let o = audit(log.to_str().unwrap(), &[], tmp.path());
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("AUDIT PASSED"), "{out}");
    assert!(
        out.contains(&format!(
            "status statements: {claims} logged by the operator, {claims} match the replay"
        )),
        "{out}"
    );
    // Strictly, one signature at a time, the same verdict.
    let o = audit(log.to_str().unwrap(), &["--strict"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));

    let url = serve(&log);
    let o = audit(&url, &[], tmp.path());
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains(&format!("auditing {}", url.trim_end_matches('/'))),
        "{out}"
    );
    assert!(out.contains("AUDIT PASSED"), "{out}");
    // A witness that did not cosign.
    let w = tlog::SignerKey::from_seed("witness.example/w1", tlog::KeyType::Cosignature, [7; 32])
        .unwrap()
        .verifier()
        .to_string();
    let out = text(&audit(&url, &["--witness", &w], tmp.path()));
    assert!(out.contains("audit FAILED"), "{out}");
    assert!(out.contains("witness.example/w1"), "{out}");
}

#[test]
fn audit_catches_a_forged_signature() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    history(&mut s);
    // A monitor's report with one bit of its signature altered.
    let w = signed(
        &s,
        h,
        "observation",
        observation(
            &s,
            "ceasefire_violation",
            json!({"events": [{"type": "shot", "count": 3}]}),
        ),
        &monitor(&s, "MISSION", 1),
    );
    let forged = flip_signature_bit(&w);
    let written = s.append(forged.clone());
    let why = written.rejected.clone().expect("the evaluator refuses it");
    assert!(why.starts_with("bad signature"), "{why}");
    s.days(1);
    let log = tmp.path().join("log");
    write_log(&log, &s.entries);
    let evidence = tmp.path().join("ev");
    let o = audit(
        log.to_str().unwrap(),
        &["--evidence", evidence.to_str().unwrap()],
        tmp.path(),
    );
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    let i = written.index;
    assert!(
        out.contains(&format!(
            "entry {i} is in the log but bad signature: by mission.accord.example/monitor-01"
        )),
        "{out}"
    );
    let proof = std::fs::read_to_string(evidence.join(format!("entry-{i}.proof"))).unwrap();
    assert_eq!(check_proof(&proof, &forged), i);
    assert_eq!(
        std::fs::read(evidence.join(format!("entry-{i}.note"))).unwrap(),
        forged
    );
}

/// The key of an organisation's accredited monitor number `n`.
fn monitor(s: &Script, org: &str, n: u32) -> tlog::SignerKey {
    example::key(&example::monitor_key_name(s.signer(org).name(), n))
}

/// An observation body at Kramatorsk, observed now.
fn observation(s: &Script, category: &str, details: Value) -> Value {
    json!({
        "category": category,
        "observed": {"from": accord::statement::Time(s.now)},
        "position": {"lon": KRAMATORSK.0, "lat": KRAMATORSK.1, "uncertainty_m": 100},
        "sensor": "patrol",
        "details": details,
    })
}

/// A signed statement's bytes, not appended anywhere.
fn signed(s: &Script, h: Digest, kind: &str, body: Value, key: &tlog::SignerKey) -> Vec<u8> {
    let v = json!({"v": 1, "kind": kind, "agreement": h, "issued_at": accord::statement::Time(s.now), "body": body});
    let st = accord::statement::Statement::from_value(v).unwrap();
    accord::statement::SignedStatement::sign(st, key)
        .unwrap()
        .to_bytes()
}

fn flip_signature_bit(entry: &[u8]) -> Vec<u8> {
    use base64::Engine as _;
    let text = String::from_utf8(entry.to_vec()).unwrap();
    let (body, sig) = text.trim_end().rsplit_once('\n').unwrap();
    let (prefix, b64) = sig.rsplit_once(' ').unwrap();
    let mut raw = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    raw[10] ^= 1;
    format!(
        "{body}\n{prefix} {}\n",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
    .into_bytes()
}

#[test]
fn audit_catches_an_unaccredited_monitor() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    history(&mut s);
    let stranger = example::key(&example::monitor_key_name("mission.accord.example/x", 9));
    let body = observation(
        &s,
        "ceasefire_violation",
        json!({"events": [{"type": "explosion", "count": 40}]}),
    );
    let w = s.write_signed_by("observation", body, &[&stranger]);
    assert!(w.rejected.as_deref().unwrap().starts_with("unknown signer"));
    s.days(1);
    let log = tmp.path().join("log");
    write_log(&log, &s.entries);
    let out = text(&audit(
        log.to_str().unwrap(),
        &["--evidence", "ev"],
        tmp.path(),
    ));
    assert!(out.contains("AUDIT FAILED: 1 finding(s)"), "{out}");
    assert!(
        out.contains(&format!(
            "entry {} is in the log but unknown signer",
            w.index
        )),
        "{out}"
    );
    // What it claimed did not count: the one verified attack remains.
    assert!(out.contains("1 verified"), "{out}");
}

#[test]
fn audit_catches_a_status_statement_that_lies() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    history(&mut s);
    s.wait_hours(24.0);
    // The operator claims the ceasefire has been kept by everyone.
    let size = s.entries.len() as u64;
    let mut honest = s.eval.status();
    honest.log_size = size;
    let mut lie = honest.clone();
    for c in lie.clauses.values_mut() {
        for p in c.by_party.values_mut() {
            p.breaches = 0;
            p.kept = p.kept.map(|_| true);
        }
        c.kept = c.kept.map(|_| true);
    }
    assert_ne!(lie.digest(), honest.digest());
    let body = s.status_body(size, &lie);
    let w = s.write("status", body, &["operator"]);
    assert_eq!(
        s.eval.state.claims.last().unwrap().computed,
        Some(honest.digest())
    );
    s.days(1);
    let log = tmp.path().join("log");
    write_log(&log, &s.entries);
    let o = audit(log.to_str().unwrap(), &["--evidence", "ev"], tmp.path());
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    let i = w.index;
    assert!(
        out.contains(&format!(
            "status statement at entry {i} claims status {} for log size {size}, but the replay finds {}",
            lie.digest(),
            honest.digest()
        )),
        "{out}"
    );
    // The evidence: the statement, its proof, and the replayed status,
    // whose SHA-256 is what the replay found.
    let ev = tmp.path().join("ev");
    let replayed = std::fs::read_to_string(ev.join(format!("status-{i}.replayed.json"))).unwrap();
    assert_eq!(Digest::of(replayed.as_bytes()), honest.digest());
    let note = std::fs::read(ev.join(format!("status-{i}.note"))).unwrap();
    let proof = std::fs::read_to_string(ev.join(format!("status-{i}.proof"))).unwrap();
    assert_eq!(check_proof(&proof, &note), i);
    assert!(
        std::fs::read_to_string(ev.join("FINDINGS.md"))
            .unwrap()
            .contains("claims status")
    );
}

#[test]
fn audit_catches_a_rewritten_log() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    let attack = history(&mut s);
    let log = tmp.path().join("log");
    write_log(&log, &s.entries);
    let earlier = tmp.path().join("checkpoint-seen");
    std::fs::copy(log.join("checkpoint"), &earlier).unwrap();

    // Honest growth: consistent.
    let grown = tmp.path().join("grown");
    s.days(2);
    write_log(&grown, &s.entries);
    let out = text(&audit(
        grown.to_str().unwrap(),
        &["--since", earlier.to_str().unwrap()],
        tmp.path(),
    ));
    assert!(
        out.contains("consistent with the earlier checkpoint"),
        "{out}"
    );
    assert!(out.contains("AUDIT PASSED"), "{out}");

    // The operator rewrites history: the attack is gone, the rest re-signed.
    let mut r = script(&a, h);
    for (i, e) in s.entries.iter().enumerate() {
        if i as u64 != attack.index {
            r.append(e.clone());
        }
    }
    let rewritten = tmp.path().join("rewritten");
    write_log(&rewritten, &r.entries);
    let o = audit(
        rewritten.to_str().unwrap(),
        &["--since", earlier.to_str().unwrap()],
        tmp.path(),
    );
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    assert!(out.contains("NOT a prefix of this log"), "{out}");
}

#[test]
fn audit_catches_a_missing_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    history(&mut s);
    // A monitor keeps its own signed report, which the operator left out.
    let report = signed(
        &s,
        h,
        "observation",
        observation(&s, "freedom_of_movement", json!({"restriction": "denial"})),
        &monitor(&s, "JCCC_UA", 1),
    );
    let left_out = tmp.path().join("left-out.note");
    std::fs::write(&left_out, &report).unwrap();
    let kept = tmp.path().join("kept.note");
    std::fs::write(&kept, &s.entries[5]).unwrap();
    let log = tmp.path().join("log");
    write_log(&log, &s.entries);
    let o = audit(
        log.to_str().unwrap(),
        &[
            "--expect",
            kept.to_str().unwrap(),
            "--expect",
            left_out.to_str().unwrap(),
        ],
        tmp.path(),
    );
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    assert!(out.contains("kept.note is in the log at entry 5"), "{out}");
    assert!(out.contains("left-out.note (sha256:"), "{out}");
    assert!(out.contains("is NOT in the log of"), "{out}");

    // An entry bundle gone from the published log.
    let bundle = std::fs::read_dir(log.join("tile/entries/000.p"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::remove_file(bundle).unwrap();
    let out = fails(
        &[
            "audit",
            "--agreement",
            agreement_path().to_str().unwrap(),
            log.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert!(out.contains("tile/entries/000.p/"), "{out}");
    assert!(out.contains("does not verify"), "{out}");
}

#[test]
fn report_figures_link_to_entries_with_proofs() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, h) = example::agreement();
    let mut s = script(&a, h);
    let attack = history(&mut s);
    let day = s.eval.state.obs.last().unwrap().period.to_string();
    let log = tmp.path().join("log");
    write_log(&log, &s.entries);
    let ag = agreement_path();
    ok(
        &[
            "report",
            "--agreement",
            ag.to_str().unwrap(),
            log.to_str().unwrap(),
            "--day",
            &day,
        ],
        tmp.path(),
    );
    let md = std::fs::read_to_string(tmp.path().join(format!("report-{day}.md"))).unwrap();
    let row = md
        .lines()
        .find(|l| l.starts_with("| Donetsk oblast |"))
        .expect("a Donetsk row");
    let i = attack.index;
    assert!(
        row.starts_with(&format!(
            "| Donetsk oblast | 7 | 7 | 0 / 0 | +7 | [#{i}](report-{day}.proofs/{i}.proof) |"
        )),
        "{row}"
    );
    assert!(
        md.contains("| Comprehensive ceasefire (`ceasefire`) | RU | **broken** |"),
        "{md}"
    );
    let proofs = tmp.path().join(format!("report-{day}.proofs"));
    let proof = std::fs::read_to_string(proofs.join(format!("{i}.proof"))).unwrap();
    assert_eq!(check_proof(&proof, &s.entries[i as usize]), i);

    let out = tmp.path().join("r.html");
    ok(
        &[
            "report",
            "--agreement",
            ag.to_str().unwrap(),
            log.to_str().unwrap(),
            "--day",
            &day,
            "--format",
            "html",
            "--out",
            out.to_str().unwrap(),
        ],
        tmp.path(),
    );
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("<svg"), "charts");
    assert!(
        html.contains(&format!("<a href=\"r.proofs/{i}.proof\">#{i}</a>")),
        "{html}"
    );
    assert!(tmp.path().join(format!("r.proofs/{i}.proof")).exists());

    let err = fails(
        &[
            "report",
            "--agreement",
            ag.to_str().unwrap(),
            log.to_str().unwrap(),
            "--day",
            "2026-13-01",
        ],
        tmp.path(),
    );
    assert!(err.contains("--day \"2026-13-01\": not a date"), "{err}");
    for (day, why) in [
        ("2027-01-01", "after the log's clock"),
        ("2026-02-01", "before the agreement was adopted"),
    ] {
        let err = fails(
            &[
                "report",
                "--agreement",
                ag.to_str().unwrap(),
                log.to_str().unwrap(),
                "--day",
                day,
            ],
            tmp.path(),
        );
        assert!(err.contains(why), "{err}");
    }
}

#[test]
fn demo_walks_the_agreement_through_its_phases_and_audits_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ok(
        &["demo", "--dir", "d", "--no-events", "--days", "100"],
        tmp.path(),
    );
    assert!(out.contains("AUDIT PASSED"), "{out}");
    assert!(out.contains("phase verification"), "{out}");
    assert!(out.contains("us_tranche_1 in_dispute"), "{out}");
    assert!(
        out.contains("us_tranche_1 snapped_back; guarantee: collective_defence decided"),
        "{out}"
    );
    let d = tmp.path().join("d");
    assert!(d.join("report-2015-04-05.html").exists());
    assert!(d.join("agreement/annex/line-of-contact.geojson").exists());
    // Its log passes the independent verifier, with the key the agreement names.
    let vkey =
        "log.mission.accord.example/log+fea7c395+ATk3zC2sRC6cZbDRzcU9cK712RNA2motkumCpFiJIV86";
    let log = d.join("log");
    testkit::tlogcheck_ok(&[
        "verify",
        "-log",
        log.to_str().unwrap(),
        "-key",
        vkey,
        "-entries",
    ]);
    // Running it again replaces the earlier demo.
    ok(
        &["demo", "--dir", "d", "--no-events", "--days", "80"],
        tmp.path(),
    );
    // Not a directory it made: refused.
    std::fs::create_dir(tmp.path().join("mine")).unwrap();
    std::fs::write(tmp.path().join("mine/precious"), "x").unwrap();
    let err = fails(&["demo", "--dir", "mine", "--no-events"], tmp.path());
    assert!(err.contains("is not an earlier demo"), "{err}");
}

#[test]
fn demo_imports_the_real_events_as_open_source_reports() {
    let ucdp = testkit::data("events/ucdp_ged_ukraine_2014-01_to_2022-02-23.csv");
    let tmp = tempfile::tempdir().unwrap();
    let out = ok(
        &[
            "demo",
            "--dir",
            "d",
            "--events",
            ucdp.to_str().unwrap(),
            "--days",
            "120",
        ],
        tmp.path(),
    );
    assert!(out.contains("AUDIT PASSED"), "{out}");
    let line = out.lines().find(|l| l.contains("rows;")).unwrap();
    assert!(line.contains("(3077 rows;"), "{line}");
    let imported: u64 = out
        .lines()
        .find_map(|l| l.trim().strip_suffix(" of them open-source reports"))
        .and_then(|l| l.rsplit(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(imported > 100, "{imported}");
    let md = std::fs::read_to_string(tmp.path().join("d/report-2015-04-05.md")).unwrap();
    assert!(md.contains("UCDP GED"), "attribution");
}

/// Serves a directory over HTTP/1.1, one connection at a time, until the
/// test ends.
fn serve(dir: &Path) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).is_err() || h == "\r\n" || h.is_empty() {
                    break;
                }
            }
            let path = line
                .split(' ')
                .nth(1)
                .unwrap_or("/")
                .trim_start_matches('/');
            let resp = match std::fs::read(dir.join(path)) {
                Ok(body) if !path.contains("..") => {
                    let mut r = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend(body);
                    r
                }
                _ => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_vec(),
            };
            let _ = stream.write_all(&resp);
        }
    });
    format!("http://{addr}/")
}
