//! Consequences only after due process: a snapback opened by condition and
//! a guarantee triggered are provisional while the observations behind
//! them can be disputed; a dispute upheld undoes them, a rejected one or
//! the window's end makes them final. Their cause is what the trigger
//! reads; a notice or condition is named as the agreement says it; the
//! snapback runs UNSCR 2231's stages; a guarantee decision has content.

mod common;

use accord::evaluate::{GuaranteeState, TrancheState};
use accord::statement::Time;
use accord_example::{self as example, Script, Written};
use common::*;
use serde_json::json;

const TRIGGER: &str = "condition `!clauses.no_armed_attack.kept_by.RU`";

/// `t` moved by `hours`.
fn plus_hours(t: jiff::Timestamp, hours: i64) -> Time {
    Time(jiff::Timestamp::from_second(t.as_second() + hours * 3600).unwrap())
}

/// An armed attack seen from orbit by the imagery provider, with its
/// images: reported by IMAGERY, so that the Mission, which did not make the
/// report, may decide a dispute of it (an author never decides its own).
fn imagery_attack(s: &mut Script<'_>) -> Written {
    s.observe(
        "IMAGERY",
        "ceasefire_violation",
        KRAMATORSK,
        json!({"events": [{"type": "explosion", "count": 24, "weapon_class": "artillery_100mm", "direction": "incoming"}]}),
        json!({"sensor": "satellite", "evidence": evidence(), "assessment": {"responsible": "RU", "confidence": "high", "basis": "crater analysis"}}),
    )
}

/// An armed attack an hour after the script's time, then the period's
/// end: the attack's entry and when it was issued.
fn attack_then_period_end(s: &mut Script<'_>) -> (Written, jiff::Timestamp) {
    s.wait_hours(1.0);
    let issued = s.now;
    let attack = imagery_attack(s);
    attack.ok();
    s.wait_hours(-1.0);
    s.days(1);
    (attack, issued)
}

/// The Russian Federation disputes the attack's attribution.
fn lodge(s: &mut Script<'_>, attack: &Written) -> Written {
    let w = s.dispute(
        "lodge",
        attack,
        json!({"subject": "attribution", "grounds": "not our unit"}),
        &["RU"],
    );
    w.ok();
    w
}

fn decide(s: &mut Script<'_>, lodged: &Written, outcome: &str) -> u64 {
    s.dispute("resolve", lodged, json!({"outcome": outcome}), &["MISSION"])
        .ok()
}

#[test]
fn a_trigger_inside_the_dispute_window_is_provisional_then_final_when_it_closes() {
    let (a, h) = example();
    let mut s = start(&a, h);
    tranche_in_force(&mut s);
    let (attack, issued) = attack_then_period_end(&mut s);
    let window_closes = plus_hours(issued, 72);
    let st = status(&s);
    let tr = &st.tranches["us_tranche_1"];
    assert_eq!(tr.state, TrancheState::InDispute);
    let d = tr.dispute.as_ref().unwrap();
    assert_eq!(d.opened_by, TRIGGER);
    assert_eq!(d.provisional_until, Some(window_closes));
    let g = &st.guarantees["collective_defence"];
    assert_eq!(g.state, GuaranteeState::Triggered);
    assert_eq!(g.provisional_until, Some(window_closes));
    assert_eq!(g.cause, vec![attack.index]);

    // Two days on, the window is still open.
    s.days(2);
    let st = status(&s);
    assert!(
        st.tranches["us_tranche_1"]
            .dispute
            .as_ref()
            .unwrap()
            .provisional_until
            .is_some()
    );
    assert_eq!(
        st.guarantees["collective_defence"].provisional_until,
        Some(window_closes)
    );

    // Once it has closed, undisputed: final.
    s.days(1);
    let st = status(&s);
    let tr = &st.tranches["us_tranche_1"];
    assert_eq!(tr.state, TrancheState::InDispute);
    assert_eq!(tr.dispute.as_ref().unwrap().provisional_until, None);
    assert_eq!(st.guarantees["collective_defence"].provisional_until, None);
    // A dispute now is too late, and could not undo it.
    let late = s.dispute(
        "lodge",
        &attack,
        json!({"subject": "attribution", "grounds": "not our unit"}),
        &["RU"],
    );
    assert!(late.rejected.is_some(), "{late:?}");
    assert_eq!(
        status(&s).tranches["us_tranche_1"].state,
        TrancheState::InDispute
    );
}

#[test]
fn an_upheld_dispute_undoes_the_provisional_snapback_and_guarantee() {
    let (a, h) = example();
    let mut s = start(&a, h);
    tranche_in_force(&mut s);
    let in_force_since = status(&s).tranches["us_tranche_1"].since;
    let (attack, _) = attack_then_period_end(&mut s);
    s.wait_hours(1.0);
    let clock = status(&s).clock.unwrap();
    let lodged = lodge(&mut s, &attack);
    // The dispute's deadline (seven days from the log's clock) is later
    // than the window.
    let st = status(&s);
    let until = st.tranches["us_tranche_1"]
        .dispute
        .as_ref()
        .unwrap()
        .provisional_until;
    assert_eq!(until, Some(plus_hours(clock.0, 168)));
    assert_eq!(st.guarantees["collective_defence"].provisional_until, until);
    s.wait_hours(1.0);
    let upheld = decide(&mut s, &lodged, "upheld");
    let st = status(&s);
    let tr = &st.tranches["us_tranche_1"];
    assert_eq!(tr.state, TrancheState::InForce);
    assert!(tr.dispute.is_none());
    assert_eq!(
        tr.since, in_force_since,
        "in force as before, without a break"
    );
    let last = tr.history.last().unwrap();
    assert_eq!(last.statements, vec![upheld]);
    assert!(last.why.starts_with("undone"), "{}", last.why);
    let states: Vec<TrancheState> = tr.history.iter().map(|c| c.state.clone()).collect();
    assert_eq!(
        states,
        vec![
            TrancheState::InForce,
            TrancheState::InDispute,
            TrancheState::InForce
        ]
    );
    let g = &st.guarantees["collective_defence"];
    assert_eq!(g.state, GuaranteeState::Dormant);
    assert_eq!(
        (g.triggered, g.consultation_due, g.provisional_until),
        (None, None, None)
    );
    assert!(g.cause.is_empty());
    let last = g.history.last().unwrap();
    assert_eq!(
        (last.state.clone(), last.statements.clone()),
        (GuaranteeState::Dormant, vec![upheld])
    );
    // Time passing changes nothing more: relief stays.
    s.days(70);
    assert_eq!(
        status(&s).tranches["us_tranche_1"].state,
        TrancheState::InForce
    );
}

#[test]
fn a_rejected_dispute_makes_it_final() {
    let (a, h) = example();
    let mut s = start(&a, h);
    tranche_in_force(&mut s);
    let (attack, _) = attack_then_period_end(&mut s);
    s.wait_hours(1.0);
    let lodged = lodge(&mut s, &attack);
    // The window closes; the dispute is still open: still provisional.
    s.days(3);
    let st = status(&s);
    assert!(
        st.tranches["us_tranche_1"]
            .dispute
            .as_ref()
            .unwrap()
            .provisional_until
            .is_some()
    );
    assert!(
        st.guarantees["collective_defence"]
            .provisional_until
            .is_some()
    );
    decide(&mut s, &lodged, "rejected");
    let st = status(&s);
    let tr = &st.tranches["us_tranche_1"];
    assert_eq!(tr.state, TrancheState::InDispute);
    assert_eq!(tr.dispute.as_ref().unwrap().provisional_until, None);
    let g = &st.guarantees["collective_defence"];
    assert_eq!(g.provisional_until, None);
    assert_eq!(g.cause, vec![attack.index]);
    assert_ne!(g.state, GuaranteeState::Dormant);
}

#[test]
fn the_cause_is_only_what_the_trigger_reads() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let attack = imagery_attack(&mut s).ok();
    // Small-arms fire by Ukraine, filmed by the Mission: a breach of the
    // ceasefire by Ukraine, which the guarantee's trigger does not read.
    let ua = s
        .observe(
            "MISSION/1",
            "ceasefire_violation",
            DONETSK,
            json!({"events": [{"type": "shot", "count": 3}]}),
            json!({"sensor": "uav", "evidence": evidence(), "assessment": {"responsible": "UA", "confidence": "high", "basis": "seen"}}),
        )
        .ok();
    s.wait_hours(-1.0);
    s.days(1);
    let st = status(&s);
    assert_eq!(
        st.clauses["ceasefire"].by_party["UA"].breaches, 1,
        "the other breach counts"
    );
    let g = &st.guarantees["collective_defence"];
    assert_eq!(g.state, GuaranteeState::Triggered);
    assert_eq!(g.cause, vec![attack]);
    assert!(!g.cause.contains(&ua));
}

#[test]
fn the_snapback_runs_the_stages_of_unscr_2231() {
    let (a, h) = example();
    let mut s = start(&a, h);
    tranche_in_force(&mut s);
    let notice = s.certify("snapback_notice", "us_tranche_1", &["UK"]).ok();
    let st = status(&s);
    let tr = &st.tranches["us_tranche_1"];
    let d = tr.dispute.as_ref().unwrap();
    assert_eq!(d.opened_by, "notice signed by UK");
    assert_eq!(
        d.provisional_until, None,
        "a notice is the signers' own act"
    );
    assert_eq!(tr.history.last().unwrap().statements, vec![notice]);
    let opened = d.opened.time.0;
    let day = |n: i64| plus_hours(opened, 24 * n);
    let stages: Vec<(&str, Time, Time)> = d
        .stages
        .iter()
        .map(|x| (x.stage.as_str(), x.from, x.until))
        .collect();
    assert_eq!(
        stages,
        vec![
            ("joint_commission", day(0), day(15)),
            ("ministers", day(15), day(30)),
            ("advisory_board", day(15), day(30)),
            ("commission_review", day(30), day(35)),
            ("vote", day(35), day(65)),
        ]
    );
    assert_eq!(
        (d.commission_until, d.ministers_until, d.vote_until),
        (day(15), day(30), day(65))
    );
    // Still resolving after the ministers: the commission reviews.
    s.days(33);
    assert_eq!(
        status(&s).tranches["us_tranche_1"].state,
        TrancheState::InDispute
    );
    s.days(3);
    assert_eq!(
        status(&s).tranches["us_tranche_1"].state,
        TrancheState::InVote
    );
    s.days(30);
    let st = status(&s);
    let tr = &st.tranches["us_tranche_1"];
    assert_eq!(tr.state, TrancheState::SnappedBack);
    assert_eq!(tr.history.last().unwrap().at.time, day(65));
}

#[test]
fn a_vote_that_closes_while_provisional_waits_for_the_dispute() {
    // The example with a one-day snapback, shorter than the dispute window.
    let text = example::AGREEMENT_TOML
        .replace("advisory_board_days = 15\n", "")
        .replace("commission_review_days = 5\n", "")
        .replace("joint_commission_days = 15", "joint_commission_days = 0")
        .replace("ministerial_days = 15", "ministerial_days = 0")
        .replace("vote_days = 30", "vote_days = 1");
    let checked = accord::agreement::check("short.toml", &text, &example::EmbeddedLoader);
    let (a, h) = (checked.agreement.unwrap(), checked.hash.unwrap());
    let mut s = start(&a, h);
    tranche_in_force(&mut s);
    let (attack, issued) = attack_then_period_end(&mut s);
    s.days(1);
    let st = status(&s);
    let tr = &st.tranches["us_tranche_1"];
    let d = tr.dispute.as_ref().unwrap();
    assert!(d.vote_until.0 < s.now, "the vote's time is over");
    assert_eq!(
        tr.state,
        TrancheState::InVote,
        "but relief does not snap back yet"
    );
    // The window closes without a dispute: relief snaps back then.
    s.days(2);
    let st = status(&s);
    let tr = &st.tranches["us_tranche_1"];
    assert_eq!(tr.state, TrancheState::SnappedBack);
    let last = tr.history.last().unwrap();
    assert_eq!(last.at.time, plus_hours(issued, 72));
    assert!(last.why.contains("provisional"), "{}", last.why);
    let _ = attack;
}

#[test]
fn a_guarantee_decision_records_what_was_decided_with_ukraine() {
    let (a, h) = example();
    let mut s = start(&a, h);
    attack_then_period_end(&mut s);
    let decide = |s: &mut Script<'_>, text: &str, by: &[&str]| {
        s.write(
            "certification",
            json!({"of": "guarantee_decision", "target": "collective_defence", "statement": text}),
            by,
        )
        .ok()
    };
    // Four guarantors, without Ukraine: not a decision.
    decide(
        &mut s,
        "air defence and artillery ammunition",
        &["US", "UK", "FR", "DE"],
    );
    assert_eq!(
        status(&s).guarantees["collective_defence"].state,
        GuaranteeState::Triggered
    );
    // Ukraine signs another text: the quorum did not sign one decision.
    decide(&mut s, "a no-fly zone", &["UA"]);
    let st = status(&s);
    assert_eq!(
        st.guarantees["collective_defence"].state,
        GuaranteeState::Triggered
    );
    assert!(
        st.pending["guarantee_decision:collective_defence"]
            .waiting_for
            .contains("one decision"),
        "{:?}",
        st.pending
    );
    // Ukraine signs the guarantors' text: decided, and the text recorded.
    let yes = decide(&mut s, "air defence and artillery ammunition", &["UA"]);
    let st = status(&s);
    let g = &st.guarantees["collective_defence"];
    assert_eq!(g.state, GuaranteeState::Decided);
    assert_eq!(
        g.decision.as_deref(),
        Some("air defence and artillery ammunition")
    );
    assert_eq!(g.history.last().unwrap().statements, vec![yes - 2, yes]);
}
