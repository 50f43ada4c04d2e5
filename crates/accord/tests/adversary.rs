//! The evaluator against dishonest signers and a dishonest operator: each
//! trick one of them can play with statements that are validly signed —
//! logging an old statement again, holding one back to log after the state
//! it would undo, re-dating, reopening what was settled, moving the
//! agreement's clock, signing fields that say something other than the
//! status they name, smuggling control characters into what an auditor
//! reads — and the exact refusal or finding that stops it.
//!
//! (`crates/cli/tests/adversary.rs` plays the same against `accord audit`:
//! servers that answer differently, stripped signatures, forks, crafted
//! signatures.)

mod common;

use common::*;

use accord::evaluate::TrancheState;
use accord::statement::{SignedStatement, Statement, Time};
use accord_example::{self as example, Script, Written};
use serde_json::{Value, json};

/// A statement signed by `by` (names of the example's keys) at the
/// script's time, but not logged: what a signer can hold back and log
/// later.
fn held_back(s: &Script<'_>, kind: &str, body: Value, by: &[&str]) -> Vec<u8> {
    signed_at(s, Time(s.now), kind, body, by)
}

fn signed_at(s: &Script<'_>, at: Time, kind: &str, body: Value, by: &[&str]) -> Vec<u8> {
    // The agreement's hash, as the evaluator knows it.
    let hash = s.eval.status().agreement.unwrap();
    let v = json!({"v": 1, "kind": kind, "agreement": hash, "issued_at": at, "body": body});
    let st = Statement::from_value(v).unwrap();
    let mut signed = SignedStatement::sign(st, s.signer(by[0])).unwrap();
    for who in &by[1..] {
        signed.cosign(s.signer(who)).unwrap();
    }
    signed.to_bytes()
}

#[track_caller]
fn refused(w: &Written, starts: &str) {
    let why = w.rejected.as_deref().unwrap_or("(accepted)");
    assert!(
        why.starts_with(starts),
        "entry {}: expected a refusal starting {starts:?}, got {why:?}",
        w.index
    );
}

/// The first US tranche's state.
fn tranche(s: &Script<'_>) -> TrancheState {
    status(s).tranches["us_tranche_1"].state.clone()
}

/// The tranche in force snapped back by its condition: an armed attack,
/// and no vote to continue relief.
fn snap_back(s: &mut Script<'_>) {
    s.wait_hours(1.0);
    armed_attack(s).ok();
    s.wait_hours(-1.0);
    // UNSCR 2231's clocks: 35 days of dispute resolution, 30 of voting.
    s.days(67);
    assert_eq!(tranche(s), TrancheState::SnappedBack);
}

#[test]
fn a_certification_logged_again_after_snapback_does_not_restore_relief() {
    let (a, h) = example();
    let mut s = start(&a, h);
    let cert = tranche_in_force(&mut s);
    snap_back(&mut s);
    let again = s.append(s.entries[cert as usize].clone());
    refused(
        &again,
        "duplicate: the same certification, with no new signer, is already in the log",
    );
    assert_eq!(tranche(&s), TrancheState::SnappedBack);
}

#[test]
fn a_certification_held_back_until_after_snapback_does_not_restore_relief() {
    let (a, h) = example();
    let mut s = start(&a, h);
    tranche_in_force(&mut s);
    // Signed while the tranche is in force, kept for later.
    let kept = held_back(
        &s,
        "certification",
        json!({"of": "tranche", "target": "us_tranche_1", "statement": "held back"}),
        &["UA", "US"],
    );
    snap_back(&mut s);
    let snapped = status(&s).tranches["us_tranche_1"].since.unwrap();
    let w = s.append(kept);
    refused(&w, "stale: issued");
    assert!(
        w.rejected.as_deref().unwrap().contains(&format!(
            "before tranche us_tranche_1 became snapped_back at {}",
            snapped.time
        )),
        "{w:?}"
    );
    assert_eq!(tranche(&s), TrancheState::SnappedBack);
    // Certified afresh, by the same quorum, it is in force again.
    s.wait_hours(2.0);
    s.certify("tranche", "us_tranche_1", &["UA", "US"]).ok();
    assert_eq!(tranche(&s), TrancheState::InForce);
}

#[test]
fn a_certification_signed_for_an_earlier_phase_does_not_count_in_a_later_one() {
    let (a, h) = example();
    let mut s = start(&a, h);
    to_verification(&mut s);
    // Ukraine signs the step to stabilisation now, and the phase steps
    // back to the ceasefire after an attack, then forward again.
    let kept = held_back(
        &s,
        "certification",
        json!({"of": "transition", "target": "ceasefire_verified", "statement": "early"}),
        &["UA"],
    );
    s.wait_hours(1.0);
    armed_attack(&mut s).ok();
    s.certify("transition", "verification_failed", &["MISSION"])
        .ok();
    s.wait_hours(-1.0);
    s.days(1);
    let st = status(&s);
    assert_eq!(st.phase.id.as_deref(), Some("ceasefire"), "{:?}", st.phase);
    let w = s.append(kept);
    refused(&w, "stale: issued");
    assert!(
        w.rejected
            .as_deref()
            .unwrap()
            .contains("before phase ceasefire began"),
        "{w:?}"
    );
}

#[test]
fn an_accreditation_logged_again_after_revocation_does_not_reaccredit() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let grant = s.accredit("MISSION", 2);
    grant.ok();
    let key = example::key(&example::monitor_key_name("mission.accord.example/hq", 2));
    let revoke_body =
        json!({"action": "revoke", "organisation": "MISSION", "key": key.verifier().to_string()});
    // A second grant, signed now and held back.
    let grant_body =
        json!({"action": "grant", "organisation": "MISSION", "key": key.verifier().to_string()});
    s.wait_hours(0.5);
    let kept = held_back(&s, "accreditation", grant_body.clone(), &["MISSION"]);
    s.wait_hours(0.5);
    s.write("accreditation", revoke_body, &["MISSION"]).ok();
    let again = s.append(s.entries[grant.index as usize].clone());
    refused(
        &again,
        "duplicate: the same statement is already in the log",
    );
    let w = s.append(kept);
    refused(&w, "stale: issued");
    assert!(
        w.rejected
            .as_deref()
            .unwrap()
            .contains("accreditation last changed"),
        "{w:?}"
    );
    // The revoked monitor signs nothing that counts.
    let obs = s.observe(
        "MISSION/2",
        "ceasefire_violation",
        HORLIVKA,
        json!({"events": [{"type": "explosion", "count": 2}]}),
        json!({}),
    );
    refused(&obs, "unknown signer");
    // Granted again, by a grant issued after the revocation, it does.
    s.wait_hours(1.0);
    s.write("accreditation", grant_body, &["MISSION"]).ok();
    s.observe(
        "MISSION/2",
        "ceasefire_violation",
        HORLIVKA,
        json!({"events": [{"type": "explosion", "count": 2}]}),
        json!({}),
    )
    .ok();
}

#[test]
fn a_grant_of_a_key_already_accredited_is_refused() {
    let (a, h) = example();
    let mut s = start(&a, h);
    let key = example::key(&example::monitor_key_name("mission.accord.example/hq", 1));
    s.wait_hours(1.0);
    let w = s.write(
        "accreditation",
        json!({"action": "grant", "organisation": "MISSION", "key": key.verifier().to_string()}),
        &["MISSION"],
    );
    refused(&w, "accreditation grant: ");
    assert!(
        w.rejected
            .as_deref()
            .unwrap()
            .contains("already accredited"),
        "{w:?}"
    );
}

#[test]
fn a_settled_dispute_is_not_reopened() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let attack = armed_attack(&mut s);
    attack.ok();
    let facts = json!({"subject": "attribution", "grounds": "not our unit"});
    let lodge = s.dispute("lodge", &attack, facts.clone(), &["RU"]);
    lodge.ok();
    // A resolution dated before the dispute was lodged.
    let early = signed_at(
        &s,
        Time(jiff::Timestamp::from_second(s.now.as_second() - 3600).unwrap()),
        "dispute",
        json!({"action": "resolve", "target": {"sha256": lodge.digest, "index": lodge.index}, "outcome": "rejected"}),
        &["MISSION"],
    );
    refused(&s.append(early), "stale: issued");
    s.wait_hours(1.0);
    // The Mission made the report: the two signatories decide.
    s.dispute(
        "resolve",
        &lodge,
        json!({"outcome": "rejected"}),
        &["UA", "RU"],
    )
    .ok();
    // Lodged again, by a new statement or the old one logged again.
    s.wait_hours(1.0);
    let again = s.dispute(
        "lodge",
        &attack,
        json!({"subject": "attribution", "grounds": "still not our unit"}),
        &["RU"],
    );
    refused(&again, "dispute decided: ");
    let relogged = s.append(s.entries[lodge.index as usize].clone());
    refused(&relogged, "duplicate: ");
    let st = status(&s);
    assert_eq!(st.observations.disputed, 0);
}

#[test]
fn each_organisation_dissents_once() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let attack = armed_attack(&mut s);
    attack.ok();
    s.corroborate("JCCC_RU/1", &attack, false).ok();
    s.wait_hours(0.5);
    let again = s.corroborate("JCCC_RU/1", &attack, false);
    refused(&again, "duplicate: JCCC_RU has already disagreed");
    assert_eq!(s.eval.state.obs[0].dissent, 1);
}

#[test]
fn an_amendment_counts_once() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let new = format!("sha256:{}", "ef".repeat(32));
    let by = ["UA", "RU", "US"];
    s.write(
        "amendment",
        json!({"new_agreement": new, "summary": "the 2026 annex"}),
        &by,
    )
    .ok();
    s.wait_hours(1.0);
    let w = s.write(
        "amendment",
        json!({"new_agreement": new, "summary": "the 2026 annex, again"}),
        &by,
    );
    refused(&w, "duplicate: the amendment to");
    assert_eq!(s.eval.state.amendments.len(), 1);
}

#[test]
fn a_status_statement_logged_again_is_refused_and_the_operator_answers_for_it() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.days(2);
    let last = s.entries.len() - 1;
    let again = s.append(s.entries[last].clone());
    refused(
        &again,
        "duplicate: the same statement is already in the log",
    );
    let r = &s.eval.state.operator_refusals;
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].index, again.index);
}

// --- time -----------------------------------------------------------------------

/// An observation by the Mission's monitor that the operator co-signs,
/// dated `at`.
fn cosigned_by_operator(s: &Script<'_>, at: Time) -> Vec<u8> {
    let body = json!({
        "category": "ceasefire_violation",
        "observed": {"from": at},
        "position": {"lon": HORLIVKA.0, "lat": HORLIVKA.1, "uncertainty_m": 200},
        "sensor": "patrol",
        "details": {"events": [{"type": "explosion", "count": 1}]},
    });
    signed_at(s, at, "observation", body, &["MISSION/1", "operator"])
}

#[test]
fn the_operator_cannot_move_the_clock_with_a_statement_it_cosigns() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.days(1);
    let clock = s.eval.state.clock;
    let w = s.append(cosigned_by_operator(&s, t("2030-01-01T00:00:00Z")));
    refused(&w, "dated ahead: issued 2030-01-01T00:00:00Z");
    assert_eq!(s.eval.state.clock, clock, "the clock did not move");
    let r = &s.eval.state.operator_refusals;
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(r[0].index, w.index);
}

/// The operator's status statement about the log so far, dated `at`.
fn status_dated(s: &Script<'_>, at: Time) -> Vec<u8> {
    let size = s.entries.len() as u64;
    let mut st = s.eval.status();
    st.log_size = size;
    signed_at(s, at, "status", s.status_body(size, &st), &["operator"])
}

#[test]
fn a_status_statement_moves_the_clock_to_the_next_cutoff_and_no_further() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.days(1);
    // The clock is 3 March 11:00 UTC; the next cut-off is 17:30 UTC.
    assert_eq!(s.eval.state.clock, Some(t("2026-03-03T10:00:00Z").0));
    // Three weeks ahead, past every dispute deadline: refused, and the
    // operator answers for it.
    let w = s.append(status_dated(&s, t("2026-03-24T10:00:00Z")));
    refused(&w, "dated ahead: issued 2026-03-24T10:00:00Z");
    assert!(
        w.rejected
            .as_deref()
            .unwrap()
            .contains("a status statement may be dated 2026-03-04T10:00:00Z at the latest"),
        "{w:?}"
    );
    assert_eq!(
        s.eval.state.operator_refusals.last().unwrap().index,
        w.index
    );
    // A day ahead is time passing.
    s.append(status_dated(&s, t("2026-03-04T10:00:00Z"))).ok();
}

#[test]
fn a_status_statement_may_reach_a_cutoff_more_than_a_day_away() {
    let (a, h) = example();
    let mut s = Script::new(&a, h, "2026-10-24T16:30:00Z".parse().unwrap());
    s.adopt().ok();
    // The clocks go back on 25 October: that period is 25 hours long, and
    // the operator's statement at its cut-off (16:30 UTC to 17:30 UTC)
    // must be accepted.
    s.append(status_dated(&s, t("2026-10-25T17:30:00Z"))).ok();
    assert_eq!(s.eval.state.clock, Some(t("2026-10-25T17:30:00Z").0));
}

#[test]
fn absurd_dates_are_refused_whoever_signs_them() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.days(1);
    // Not even parsed: a time a statement may not name.
    let text = String::from_utf8(status_dated(&s, t("2026-03-04T10:00:00Z"))).unwrap();
    let forged = text.replace("2026-03-04T10:00:00Z", "9999-12-30T00:00:00Z");
    // Re-signed by the operator, so that it is the operator's statement.
    let body = forged.split("\n\n").next().unwrap();
    let st: Value = serde_json::from_str(body).unwrap();
    assert_eq!(st["issued_at"], "9999-12-30T00:00:00Z");
    let mut note = tlog::Note::new(format!("{body}\n")).unwrap();
    note.sign(s.signer("operator")).unwrap();
    let w = s.append(note.to_bytes());
    refused(
        &w,
        "malformed: issued_at: 9999-12-30T00:00:00Z is not a time a statement may name",
    );
    assert_eq!(
        s.eval.state.operator_refusals.last().unwrap().index,
        w.index
    );
    assert_eq!(s.eval.state.clock, Some(t("2026-03-03T10:00:00Z").0));
}

#[test]
fn a_report_dated_long_before_adoption_creates_no_results_before_it() {
    // The example with its no-armed-attack clause in force from any
    // period, not from D: a late report could otherwise revise every
    // period back to its own.
    let text = example::AGREEMENT_TOML.replace(
        "from = \"D\"\ncondition = \"heavy_fire < 20",
        "condition = \"heavy_fire < 20",
    );
    assert_ne!(text, example::AGREEMENT_TOML);
    let checked = accord::agreement::check("always.toml", &text, &example::EmbeddedLoader);
    let (a, h) = (checked.agreement.unwrap(), checked.hash.unwrap());
    let mut s = start(&a, h);
    s.days(2);
    // A verified attack (video from a drone), dated 1901: a late report
    // like any other, but no period before the adoption has results.
    let at = t("1901-06-01T10:00:00Z");
    let body = json!({
        "category": "ceasefire_violation",
        "observed": {"from": at},
        "position": {"lon": KRAMATORSK.0, "lat": KRAMATORSK.1, "uncertainty_m": 200},
        "sensor": "uav",
        "evidence": evidence(),
        "assessment": {"responsible": "RU", "confidence": "high"},
        "details": {"events": [{"type": "explosion", "count": 24, "weapon_class": "artillery_100mm"}]},
    });
    s.append(signed_at(&s, at, "observation", body, &["MISSION/1"]))
        .ok();
    let first = s.eval.periods().period_of(t(D).0);
    for (clause, by_party) in &s.eval.state.results {
        for (party, periods) in by_party {
            let earliest = periods.keys().next().unwrap();
            assert!(
                *earliest >= first,
                "{clause} for {party} has a result for {earliest}, before the adoption's period {first}"
            );
        }
    }
}

// --- what the operator signs ------------------------------------------------------

#[test]
fn a_status_statement_with_the_right_digest_and_other_fields_does_not_hold() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.days(1);
    let size = s.entries.len() as u64;
    let mut st = s.eval.status();
    st.log_size = size;
    let mut body = s.status_body(size, &st);
    body["phase"] = json!("settlement");
    body["tranches"]["us_tranche_1"] = json!("in_force");
    s.write("status", body, &["operator"]).ok();
    let claim = s.eval.state.claims.last().unwrap();
    assert_eq!(claim.computed, Some(claim.claimed), "the digest is right");
    assert!(!claim.holds());
    let fields: Vec<(&str, &str, &str)> = claim
        .fields
        .iter()
        .map(|f| (f.field.as_str(), f.claimed.as_str(), f.replayed.as_str()))
        .collect();
    assert_eq!(
        fields,
        vec![
            ("phase", "settlement", "ceasefire"),
            ("tranches.us_tranche_1", "in_force", "pending")
        ]
    );
}

#[test]
fn a_status_statement_about_entries_not_yet_logged_is_the_operators_fault() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let size = s.entries.len() as u64;
    let mut st = s.eval.status();
    st.log_size = size + 5;
    let body = s.status_body(size + 5, &st);
    let w = s.write("status", body, &["operator"]);
    refused(&w, "status ahead: about");
    assert_eq!(s.eval.state.operator_refusals[0].index, w.index);
}

// --- what an auditor reads ----------------------------------------------------------

#[test]
fn refusal_reasons_never_carry_control_characters() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let evil = "\u{1b}[2J\u{1b}[H\r\nAUDIT PASSED\u{0}\u{9b}31m\u{202e}";
    let w = s.observe(
        "MISSION/1",
        "ceasefire_violation",
        HORLIVKA,
        json!({"events": [{"type": "explosion", "count": 2}]}),
        json!({"assessment": {"responsible": evil, "confidence": "high"}}),
    );
    refused(&w, "names: body.assessment.responsible: `");
    let why = w.rejected.unwrap();
    assert!(!why.chars().any(char::is_control), "{why:?}");
    assert!(!why.contains('\u{202e}'), "{why:?}");
    assert!(
        why.contains("\\u{1b}[2J\\u{1b}[H\\u{d}\\u{a}AUDIT PASSED\\u{0}\\u{9b}31m\\u{202e}"),
        "{why}"
    );
    let (_, stored) = s.eval.state.rejections.last().unwrap();
    assert_eq!(stored.to_string(), why);
}

#[test]
fn a_status_statement_that_names_no_tranche_claims_nothing_of_them() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.days(1);
    let size = s.entries.len() as u64;
    let mut st = s.eval.status();
    st.log_size = size;
    let mut body = s.status_body(size, &st);
    body.as_object_mut().unwrap().remove("tranches");
    s.write("status", body, &["operator"]).ok();
    assert!(s.eval.state.claims.last().unwrap().holds());
    // But one it names that the agreement does not have is a lie.
    s.wait_hours(1.0);
    let size = s.entries.len() as u64;
    let mut st = s.eval.status();
    st.log_size = size;
    let mut body = s.status_body(size, &st);
    body["tranches"]["uk_tranche_9"] = json!("in_force");
    s.write("status", body, &["operator"]).ok();
    let claim = s.eval.state.claims.last().unwrap();
    assert!(!claim.holds());
    assert_eq!(claim.fields[0].field, "tranches.uk_tranche_9");
    assert_eq!(claim.fields[0].replayed, "(no such tranche)");
}
