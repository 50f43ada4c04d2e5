//! `accord status`, `audit`, `report` and `demo` as a user runs them, on
//! logs written with the example's demonstration keys: the status is the
//! evaluator's, byte for byte; the audit passes on an honest log (from a
//! directory and over HTTP) and catches a forged signature, an unaccredited
//! monitor, a status statement that lies, a rewritten log and a missing
//! entry, with evidence that checks; the report's figures link to proofs.

mod common;

use common::logs::*;
use common::{fails, text};

use accord::evaluate::Status;
use accord::statement::Digest;
use accord_example::{self as example, Script};
use serde_json::{Value, json};

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
    // What happened and when, party by party, in words: not "kept (1
    // breaches)".
    let lines: Vec<&str> = out.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == "Comprehensive ceasefire (ceasefire)")
        .unwrap_or_else(|| panic!("{out}"));
    let ru = lines[at + 1..]
        .iter()
        .take(4)
        .position(|l| l.trim_start().starts_with("Russian Federation: "))
        .map(|k| (lines[at + 1 + k], lines[at + 2 + k]))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(ru.0.contains("no verified breach"), "{}", ru.0);
    assert!(
        ru.1.contains("a verified breach in 1 period, the last ending"),
        "{}",
        ru.1
    );
    assert!(!out.contains("breaches)"), "{out}");
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
fn monitor(s: &Script<'_>, org: &str, n: u32) -> tlog::SignerKey {
    example::key(&example::monitor_key_name(s.signer(org).name(), n))
}

/// An observation body at Kramatorsk, observed now.
fn observation(s: &Script<'_>, category: &str, details: Value) -> Value {
    json!({
        "category": category,
        "observed": {"from": accord::statement::Time(s.now)},
        "position": {"lon": KRAMATORSK.0, "lat": KRAMATORSK.1, "uncertainty_m": 100},
        "sensor": "patrol",
        "details": details,
    })
}

/// A signed statement's bytes, not appended anywhere.
fn signed(s: &Script<'_>, h: Digest, kind: &str, body: Value, key: &tlog::SignerKey) -> Vec<u8> {
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
    assert!(out.contains("consistent with their checkpoint"), "{out}");
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
    // Another auditor, who remembers nothing (this one would see a fork
    // with what it remembers): the checkpoint it was given is enough.
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let o = audit(
        rewritten.to_str().unwrap(),
        &["--since", earlier.to_str().unwrap()],
        &other,
    );
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    assert!(out.contains("SPLIT VIEW"), "{out}");
    assert!(
        other
            .join("audit-evidence/split-view-theirs.checkpoint")
            .exists(),
        "{out}"
    );
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
        md.contains("| Comprehensive ceasefire | Russian Federation | **breach verified** |"),
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
        html.contains(&format!("<a class=e href=\"r.proofs/{i}.proof\">#{i}</a>")),
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
        .find_map(|l| {
            l.trim()
                .split_once(" of them open-source reports of UCDP fatal events")
        })
        .and_then(|(l, _)| l.rsplit(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(imported > 100, "{imported}");
    let md = std::fs::read_to_string(tmp.path().join("d/report-2015-04-05.md")).unwrap();
    assert!(md.contains("UCDP GED"), "attribution");
    assert!(md.contains("UCDP fatal events"), "what they are");
}

/// The entries of a log written in a directory, parsed.
fn logged_statements(log: &std::path::Path) -> Vec<accord::statement::SignedStatement> {
    use tlog::checkpoint::SignedCheckpoint;
    use tlog::client::{DirSource, TileReader};
    let cp = std::fs::read(log.join("checkpoint")).unwrap();
    let size = SignedCheckpoint::parse(&cp).unwrap().checkpoint.size;
    let mut reader = TileReader::new(DirSource::new(log));
    reader
        .entries(size, 0..size)
        .unwrap()
        .iter()
        .map(|e| accord::statement::SignedStatement::parse(e).unwrap())
        .collect()
}

#[test]
fn demo_imports_only_events_within_d_day_and_the_data_and_marks_its_script_simulated() {
    use accord::statement::{Body, Kind};
    let ucdp = testkit::data("events/ucdp_ged_ukraine_2014-01_to_2022-02-23.csv");
    let tmp = tempfile::tempdir().unwrap();
    // Two UCDP events run from 1 to 31 October 2021: begun before this
    // D-day, they are left out although they end after it. The data's last
    // event began on 23 February 2022; one that began on the 18th ends on
    // the 25th, after it.
    let out = ok(
        &[
            "demo",
            "--dir",
            "d",
            "--events",
            ucdp.to_str().unwrap(),
            "--d-day",
            "2021-10-15",
        ],
        tmp.path(),
    );
    assert!(out.contains("AUDIT PASSED"), "{out}");
    assert!(
        out.contains("run from 2021-10-18 to 2022-02-23"),
        "the data's range: {out}"
    );
    assert!(
        out.contains("the last reporting period it evaluates is 2022-02-23"),
        "{out}"
    );
    assert!(
        out.contains("1 that ended after the data's last day"),
        "{out}"
    );
    // Kyiv's midnight: D-day's start and the end of the data's last day.
    let d_day = jiff::Timestamp::from_second(1_634_245_200).unwrap(); // 2021-10-15T00:00+03:00
    let data_end = jiff::Timestamp::from_second(1_645_653_600).unwrap(); // 2022-02-24T00:00+02:00
    let entries = logged_statements(&tmp.path().join("d/log"));
    let (mut imported, mut scripted) = (0, 0);
    for e in &entries {
        let st = &e.statement;
        // Nothing in the log is after the data's end.
        assert!(st.issued_at.0 <= data_end, "{:?}", st.issued_at);
        match &st.body {
            Body::Observation(o, _) if o.source.is_some() => {
                imported += 1;
                assert!(o.observed.from.0 >= d_day, "began before D-day: {o:?}");
                assert!(st.issued_at.0 >= d_day, "{o:?}");
                assert!(o.observed.to.is_none_or(|t| t.0 <= data_end), "{o:?}");
                assert!(!o.note.as_deref().unwrap_or("").starts_with("SIMULATED"));
            }
            // Every scripted observation and certification says it is
            // simulated, in the log itself.
            Body::Observation(o, _) => {
                scripted += 1;
                assert!(
                    o.note
                        .as_deref()
                        .is_some_and(|n| n.starts_with("SIMULATED: scripted by accord demo")),
                    "{o:?}"
                );
            }
            Body::Certification(c) => {
                scripted += 1;
                assert!(c.statement.starts_with("SIMULATED"), "{c:?}");
            }
            _ => {}
        }
    }
    assert!(imported > 40, "{imported}");
    assert!(scripted >= 10, "{scripted}");
    // The log ends with a status statement on the data's last day (the
    // script's clock runs in whole days from D-day, so after the change of
    // clocks it is 23:00 in Kyiv), after that day's 19:30 cut-off.
    let last = &entries.last().unwrap().statement;
    assert_eq!(last.kind(), Kind::Status);
    let early = data_end.as_second() - last.issued_at.0.as_second();
    assert!((0..=3 * 3600).contains(&early), "{:?}", last.issued_at);
    // The demo's lines about its script say SIMULATED.
    let line = out
        .lines()
        .find(|l| l.contains("24 artillery impacts"))
        .unwrap();
    assert!(line.contains("SIMULATED"), "{line}");
    // The report marks the scripted entries it shows.
    let day = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("d/report-")?.strip_suffix(".md"))
        .unwrap();
    let md = std::fs::read_to_string(tmp.path().join(format!("d/report-{day}.md"))).unwrap();
    let casualties = md
        .lines()
        .find(|l| l.contains("3 killed; 11 injured"))
        .unwrap();
    assert!(
        casualties.contains("SIMULATED: civilian casualties; shelling; 3 killed"),
        "{casualties}"
    );
    assert!(md.contains("say they are simulated"), "{md}");

    // A D-day that leaves the data too short for the script is refused.
    let err = fails(
        &[
            "demo",
            "--dir",
            "d",
            "--events",
            ucdp.to_str().unwrap(),
            "--d-day",
            "2022-01-01",
        ],
        tmp.path(),
    );
    assert!(err.contains("before the scripted story does"), "{err}");
}
