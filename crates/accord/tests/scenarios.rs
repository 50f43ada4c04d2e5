//! Scenario tests of the evaluator on the Ukraine example: one per path of
//! every state machine (phases, relief tranches, the guarantee, disputes,
//! verification). Each writes a short history with the example's
//! demonstration keys and asserts the exact states and the statements that
//! caused them.
//!
//! Times: D-day is Monday 2 March 2026, 10:00 UTC. Reporting periods end at
//! 19:30 Kyiv time: 17:30 UTC until the clocks change on 29 March, 16:30
//! UTC after. The operator's daily status statements (issued at 11:00 UTC)
//! are what moves the log's clock when nothing else is logged.

mod common;

use common::*;

use accord::evaluate::{GuaranteeState, PhaseChange, TrancheState};
use accord::statement::{Digest, Time};
use accord_example::{self as example, Script, Written};
use serde_json::{Value, json};

// --- phases -------------------------------------------------------------------

#[test]
fn phase_transition_waits_for_its_condition_then_fires_at_the_period_end() {
    let (a, h) = example();
    let mut s = start(&a, h);
    to_verification(&mut s);
    let st = status(&s);
    assert_eq!(
        st.phase.history,
        vec![PhaseChange {
            from: "ceasefire".into(),
            to: "verification".into(),
            transition: "begin_verification".into(),
            at: at("2026-03-16T17:30:00Z", 36),
            statements: vec![4, 5, 6],
        }]
    );
    assert_eq!(st.phase.since, Some(at("2026-03-16T17:30:00Z", 36)));
    assert!(st.pending.is_empty());
}

#[test]
fn phase_transition_waits_while_the_condition_does_not_hold() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.certify("transition", "begin_verification", &["UA", "RU", "MISSION"])
        .ok();
    s.days(10);
    let st = status(&s);
    assert_eq!(st.phase.id.as_deref(), Some("ceasefire"));
    let p = &st.pending["transition:begin_verification"];
    assert_eq!(p.statements, vec![4]);
    assert_eq!(p.signers, vec!["MISSION", "RU", "UA"]);
    assert!(p.waiting_for.contains("day >= 14"), "{}", p.waiting_for);
}

#[test]
fn phase_transition_waits_for_every_signature() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.certify("transition", "begin_verification", &["UA", "MISSION"])
        .ok();
    s.days(20);
    let st = status(&s);
    assert_eq!(st.phase.id.as_deref(), Some("ceasefire"));
    assert_eq!(
        st.pending["transition:begin_verification"].waiting_for,
        "signatures"
    );
    // A signature by someone the quorum does not name changes nothing.
    s.certify("transition", "begin_verification", &["US"]).ok();
    assert_eq!(status(&s).phase.id.as_deref(), Some("ceasefire"));
    // The last signatory: it fires at once, caused by all three statements.
    let last = s.certify("transition", "begin_verification", &["RU"]).ok();
    let st = status(&s);
    assert_eq!(st.phase.id.as_deref(), Some("verification"));
    assert_eq!(st.phase.history[0].statements, vec![4, last - 1, last]);
    assert_eq!(st.phase.history[0].at.index, last);
}

#[test]
fn phase_verified_after_thirty_quiet_days_across_the_change_to_summer_time() {
    let (a, h) = example();
    let mut s = start(&a, h);
    to_verification(&mut s);
    to_stabilisation(&mut s);
    let st = status(&s);
    let change = &st.phase.history[1];
    assert_eq!(change.transition, "ceasefire_verified");
    assert_eq!(change.statements, vec![37, 38]);
    // Thirty days after 16 March 17:30 UTC is 15 April 17:30 UTC, but the
    // periods end at 16:30 UTC in summer: the first period end at least 30
    // whole days on is 16 April's.
    assert_eq!(change.at.time, t("2026-04-16T16:30:00Z"));
}

#[test]
fn phase_reverts_after_a_verified_armed_attack() {
    let (a, h) = example();
    let mut s = start(&a, h);
    to_verification(&mut s);
    s.days(3);
    s.wait_hours(1.0);
    let attack = armed_attack(&mut s).ok();
    s.wait_hours(1.0);
    // Certified at once, but it waits for the period's result.
    let cert = s
        .certify("transition", "verification_failed", &["MISSION"])
        .ok();
    assert_eq!(status(&s).phase.id.as_deref(), Some("verification"));
    s.wait_hours(-2.0);
    s.days(1);
    let st = status(&s);
    assert_eq!(
        st.phase.id.as_deref(),
        Some("ceasefire"),
        "{:#?} {:#?}",
        st.pending,
        st.clauses["no_armed_attack"]
    );
    let change = st.phase.history.last().unwrap();
    assert_eq!(
        (change.transition.as_str(), change.statements.clone()),
        ("verification_failed", vec![cert])
    );
    assert_eq!(change.at.time, t("2026-03-20T17:30:00Z"));
    // The attack broke the clause and stopped the clock.
    assert_eq!(
        st.clauses["no_armed_attack"].by_party["RU"]
            .last_breach
            .as_deref(),
        Some("2026-03-20")
    );
    assert_eq!(st.clocks["quiet_days"].assessed, 0);
    assert_eq!(st.guarantees["collective_defence"].cause, vec![attack]);
}

#[test]
fn phase_withdrawals_complete_needs_three_european_guarantors() {
    let (a, h) = example();
    let mut s = start(&a, h);
    to_verification(&mut s);
    to_stabilisation(&mut s);
    let first = s
        .certify(
            "transition",
            "withdrawals_complete",
            &["UA", "RU", "US", "UK", "FR"],
        )
        .ok();
    s.days(61);
    let st = status(&s);
    assert_eq!(st.phase.id.as_deref(), Some("stabilisation"));
    assert_eq!(
        st.pending["transition:withdrawals_complete"].waiting_for,
        "signatures"
    );
    let third = s
        .certify("transition", "withdrawals_complete", &["EU"])
        .ok();
    let st = status(&s);
    assert_eq!(st.phase.id.as_deref(), Some("settlement"));
    assert_eq!(st.phase.history[2].statements, vec![first, third]);
}

// --- relief tranches -----------------------------------------------------------

#[test]
fn tranche_waits_for_its_phase() {
    let (a, h) = example();
    let mut s = start(&a, h);
    to_verification(&mut s);
    let early = s.certify("tranche", "us_tranche_1", &["UA", "US"]).ok();
    let st = status(&s);
    assert_eq!(st.tranches["us_tranche_1"].state, TrancheState::Pending);
    assert!(
        st.pending["tranche:us_tranche_1"]
            .waiting_for
            .contains("not for phase verification")
    );
    to_stabilisation(&mut s);
    // It takes effect when stabilisation begins, caused by the early
    // certification.
    let st = status(&s);
    let tr = &st.tranches["us_tranche_1"];
    assert_eq!(tr.state, TrancheState::InForce);
    assert_eq!(tr.history.len(), 1);
    assert_eq!(tr.history[0].statements, vec![early]);
    assert_eq!(tr.since, Some(st.phase.history[1].at));
}

#[test]
fn tranche_certified_then_snapped_back_by_condition_when_no_one_votes_to_continue() {
    let (a, h) = example();
    let mut s = start(&a, h);
    let cert = tranche_in_force(&mut s);
    let st = status(&s);
    assert_eq!(
        st.tranches["us_tranche_1"].history[0].statements,
        vec![cert]
    );

    s.wait_hours(1.0);
    let attack = armed_attack(&mut s).ok();
    s.wait_hours(-1.0);
    s.days(1);
    let st = status(&s);
    let tr = &st.tranches["us_tranche_1"];
    assert_eq!(tr.state, TrancheState::InDispute);
    let d = tr.dispute.as_ref().unwrap();
    // The status names the condition, as the agreement writes it.
    assert_eq!(
        d.opened_by,
        "condition `!clauses.no_armed_attack.kept_by.RU`"
    );
    let opened = d.opened.time.0;
    assert_eq!(tr.history.last().unwrap().statements, vec![attack]);
    // UNSCR 2231's clocks (the example's since issue 12): 15 days of joint
    // commission, 15 of ministers with the Advisory Board alongside, 5 of
    // the commission's review, 30 of voting.
    let day = |n: i64| Time(jiff::Timestamp::from_second(opened.as_second() + n * 86_400).unwrap());
    assert_eq!(
        (d.commission_until, d.ministers_until, d.vote_until),
        (day(15), day(30), day(65))
    );

    s.days(36);
    assert_eq!(
        status(&s).tranches["us_tranche_1"].state,
        TrancheState::InVote
    );
    // Only one of the two needed signs to continue.
    s.certify("continue_relief", "us_tranche_1", &["US"]).ok();
    s.days(30);
    let st = status(&s);
    let tr = &st.tranches["us_tranche_1"];
    assert_eq!(tr.state, TrancheState::SnappedBack);
    let last = tr.history.last().unwrap();
    assert_eq!(last.at.time, day(65));
    assert_eq!(last.why, "no quorum to continue relief");
    let states: Vec<TrancheState> = tr.history.iter().map(|c| c.state.clone()).collect();
    assert_eq!(
        states,
        vec![
            TrancheState::InForce,
            TrancheState::InDispute,
            TrancheState::InVote,
            TrancheState::SnappedBack
        ]
    );
    // Relief can be certified again.
    let again = s.certify("tranche", "us_tranche_1", &["UA", "US"]).ok();
    let st = status(&s);
    let tr = &st.tranches["us_tranche_1"];
    assert_eq!(tr.state, TrancheState::InForce);
    assert_eq!(tr.history.last().unwrap().statements, vec![again]);
}

#[test]
fn tranche_lapses_when_the_phase_steps_back_to_one_it_is_not_for() {
    // The example with a step back from stabilisation.
    let text = format!(
        "{}\n[transitions.stabilisation_failed]\nfrom = \"stabilisation\"\nto = \"verification\"\nwhen = \"!clauses.no_armed_attack.kept\"\ncertify = [{{ all = [\"MISSION\"] }}]\nrevert = true\n",
        example::AGREEMENT_TOML
    );
    let checked = accord::agreement::check("amended.toml", &text, &example::EmbeddedLoader);
    let (a, h) = (checked.agreement.unwrap(), checked.hash.unwrap());
    let mut s = start(&a, h);
    tranche_in_force(&mut s);
    s.wait_hours(1.0);
    armed_attack(&mut s).ok();
    let back = s
        .certify("transition", "stabilisation_failed", &["MISSION"])
        .ok();
    s.wait_hours(-1.0);
    s.days(1);
    let st = status(&s);
    assert_eq!(st.phase.id.as_deref(), Some("verification"));
    let tr = &st.tranches["us_tranche_1"];
    // The snapback condition and the step back fall due at the same period
    // end; the snapback comes first, then the tranche lapses with the phase.
    let states: Vec<TrancheState> = tr.history.iter().map(|c| c.state.clone()).collect();
    assert_eq!(
        states,
        vec![
            TrancheState::InForce,
            TrancheState::InDispute,
            TrancheState::Pending
        ]
    );
    assert_eq!(tr.history.last().unwrap().statements, vec![back]);
    assert!(tr.dispute.is_none());
}

#[test]
fn tranche_notice_then_continued_by_reverse_veto_vote() {
    let (a, h) = example();
    let mut s = start(&a, h);
    tranche_in_force(&mut s);
    let notice = s.certify("snapback_notice", "us_tranche_1", &["UK"]).ok();
    let st = status(&s);
    let tr = &st.tranches["us_tranche_1"];
    assert_eq!(tr.state, TrancheState::InDispute);
    assert_eq!(
        tr.dispute.as_ref().unwrap().opened_by,
        "notice signed by UK"
    );
    assert_eq!(tr.history.last().unwrap().statements, vec![notice]);
    // A vote before dispute resolution is over waits for it (35 days under
    // UNSCR 2231's clocks).
    s.days(36);
    assert_eq!(
        status(&s).tranches["us_tranche_1"].state,
        TrancheState::InVote
    );
    let v = s
        .certify("continue_relief", "us_tranche_1", &["US", "UA"])
        .ok();
    let st = status(&s);
    let tr = &st.tranches["us_tranche_1"];
    assert_eq!(tr.state, TrancheState::InForce);
    assert!(tr.dispute.is_none());
    assert_eq!(tr.history.last().unwrap().statements, vec![v]);
    assert_eq!(tr.history.last().unwrap().why, "continued by vote");
}

#[test]
fn tranche_notice_needs_a_notifying_party() {
    let (a, h) = example();
    let mut s = start(&a, h);
    tranche_in_force(&mut s);
    // The Russian Federation cannot notify a breach of the US tranche.
    s.certify("snapback_notice", "us_tranche_1", &["RU"]).ok();
    let st = status(&s);
    assert_eq!(st.tranches["us_tranche_1"].state, TrancheState::InForce);
    assert_eq!(
        st.pending["snapback_notice:us_tranche_1"].waiting_for,
        "signatures"
    );
}

// --- the guarantee ------------------------------------------------------------

#[test]
fn guarantee_triggered_by_an_armed_attack_then_decided_by_ukraine_and_four_guarantors() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let attack = armed_attack(&mut s).ok();
    s.wait_hours(-1.0);
    s.days(1);
    let st = status(&s);
    let g = &st.guarantees["collective_defence"];
    assert_eq!(g.state, GuaranteeState::Triggered);
    assert_eq!(g.cause, vec![attack]);
    assert_eq!(g.triggered.unwrap().time, t("2026-03-02T17:30:00Z"));
    assert_eq!(g.consultation_due, Some(t("2026-03-05T17:30:00Z")));
    // Three of the six are not enough.
    s.certify(
        "guarantee_decision",
        "collective_defence",
        &["US", "UK", "FR"],
    )
    .ok();
    assert_eq!(
        status(&s).guarantees["collective_defence"].state,
        GuaranteeState::Triggered
    );
    let fourth = s
        .certify("guarantee_decision", "collective_defence", &["DE"])
        .ok();
    // Four are not enough without Ukraine, which takes part in the
    // decision (the example's quorum since issue 12).
    assert_eq!(
        status(&s).guarantees["collective_defence"].state,
        GuaranteeState::Triggered
    );
    let ukraine = s
        .certify("guarantee_decision", "collective_defence", &["UA"])
        .ok();
    let st = status(&s);
    let g = &st.guarantees["collective_defence"];
    assert_eq!(g.state, GuaranteeState::Decided);
    assert_eq!(
        g.history.last().unwrap().statements,
        vec![fourth - 1, fourth, ukraine]
    );
    assert_eq!(
        g.decision.as_deref(),
        Some("guarantee_decision collective_defence")
    );
    // Another attack triggers it again.
    s.days(2);
    s.wait_hours(1.0);
    let second = armed_attack(&mut s).ok();
    s.wait_hours(-1.0);
    s.days(1);
    let st = status(&s);
    let g = &st.guarantees["collective_defence"];
    assert_eq!(
        (g.state.clone(), g.cause.clone(), g.history.len()),
        (GuaranteeState::Triggered, vec![second], 3)
    );
}

#[test]
fn guarantee_overdue_when_no_decision_in_time() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    armed_attack(&mut s).ok();
    s.wait_hours(-1.0);
    s.days(4);
    let st = status(&s);
    let g = &st.guarantees["collective_defence"];
    assert_eq!(g.state, GuaranteeState::Overdue);
    assert_eq!(g.history.last().unwrap().at.time, t("2026-03-05T17:30:00Z"));
    // A late decision still counts, and is recorded as such.
    s.certify(
        "guarantee_decision",
        "collective_defence",
        &["UA", "US", "UK", "FR", "DE"],
    )
    .ok();
    let states: Vec<GuaranteeState> = status(&s).guarantees["collective_defence"]
        .history
        .iter()
        .map(|c| c.state.clone())
        .collect();
    assert_eq!(
        states,
        vec![
            GuaranteeState::Triggered,
            GuaranteeState::Overdue,
            GuaranteeState::Decided
        ]
    );
}

#[test]
fn guarantee_not_triggered_by_an_attack_on_the_other_side_or_by_small_arms() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    // Ukrainian heavy fire on Donetsk: a breach by UA, no trigger (the
    // guarantee protects Ukraine).
    s.observe(
        "MISSION/1",
        "ceasefire_violation",
        DONETSK,
        json!({"events": [{"type": "explosion", "count": 30, "weapon_class": "mlrs"}]}),
        json!({"sensor": "uav", "evidence": evidence(), "assessment": {"responsible": "UA", "confidence": "high"}}),
    )
    .ok();
    // Russian small-arms fire: a ceasefire violation, not an armed attack.
    s.observe(
        "MISSION/1",
        "ceasefire_violation",
        HORLIVKA,
        json!({"events": [{"type": "shot", "count": 40}]}),
        json!({"sensor": "camera", "evidence": evidence(), "assessment": {"responsible": "RU", "confidence": "medium"}}),
    )
    .ok();
    s.wait_hours(-1.0);
    s.days(1);
    let st = status(&s);
    assert_eq!(
        st.guarantees["collective_defence"].state,
        GuaranteeState::Dormant
    );
    let c = &st.clauses;
    assert_eq!(c["no_armed_attack"].by_party["UA"].breaches, 1);
    assert_eq!(c["no_armed_attack"].by_party["RU"].breaches, 0);
    assert_eq!(c["ceasefire"].by_party["RU"].breaches, 1);
    assert_eq!(c["ceasefire"].by_party["UA"].breaches, 1);
    assert_eq!(st.clocks["quiet_days"].assessed, 0);
}

// --- verification and attribution ------------------------------------------------

fn violation(s: &mut Script<'_>, by: &str, at: (f64, f64), extra: Value) -> Written {
    s.observe(
        by,
        "ceasefire_violation",
        at,
        json!({"events": [{"type": "explosion", "count": 3}]}),
        extra,
    )
}

#[test]
fn one_report_without_evidence_is_not_verified_until_corroborated() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let blame = json!({"assessment": {"responsible": "RU", "confidence": "medium"}});
    let w = violation(&mut s, "JCCC_UA/1", HORLIVKA, blame.clone());
    w.ok();
    assert_eq!(status(&s).observations.verified, 0);
    // Another monitor of the same side is not independent.
    s.corroborate("JCCC_UA", &w, true);
    assert_eq!(status(&s).observations.verified, 0);
    // The other side's officers are.
    s.corroborate("JCCC_RU/1", &w, true).ok();
    assert_eq!(status(&s).observations.verified, 1);
    s.wait_hours(-1.0);
    s.days(1);
    let st = status(&s);
    assert_eq!(st.clauses["ceasefire"].by_party["RU"].breaches, 1);
    assert_eq!(st.clauses["ceasefire"].by_party["UA"].breaches, 0);
}

#[test]
fn reports_near_in_time_and_place_corroborate_each_other() {
    let (a, h) = example();
    let mut s = start(&a, h);
    // Not the Mission's patrols: the example verifies those on their own.
    s.accredit("JCCC_UA", 2).ok();
    s.wait_hours(1.0);
    let first = violation(&mut s, "JCCC_UA/1", HORLIVKA, json!({}));
    // The same organisation again: still one organisation.
    violation(
        &mut s,
        "JCCC_UA/2",
        (HORLIVKA.0 + 0.01, HORLIVKA.1),
        json!({}),
    )
    .ok();
    assert_eq!(status(&s).observations.verified, 0);
    // Too far (about 15 km): not the same event.
    violation(
        &mut s,
        "JCCC_RU/1",
        (HORLIVKA.0 + 0.2, HORLIVKA.1),
        json!({}),
    )
    .ok();
    assert_eq!(status(&s).observations.verified, 0);
    // 3 km away, another organisation: the two JCCC reports and this one.
    violation(
        &mut s,
        "IMAGERY",
        (HORLIVKA.0 + 0.04, HORLIVKA.1),
        json!({}),
    )
    .ok();
    let st = status(&s);
    assert_eq!(st.observations.verified, 3);
    assert_eq!(st.observations.total, 4);
    // None is attributed: the raw count is kept apart from attribution.
    assert_eq!(st.observations.unattributed, 4);
    assert!(first.rejected.is_none());
}

#[test]
fn obstruction_of_monitors_counts_against_the_party_holding_the_ground() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    s.observe(
        "MISSION/1",
        "freedom_of_movement",
        HORLIVKA,
        json!({"restriction": "uav_jamming", "duration_minutes": 40}),
        json!({"sensor": "uav", "evidence": evidence()}),
    )
    .ok();
    s.wait_hours(-1.0);
    s.days(1);
    let st = status(&s);
    let fom = &st.clauses["freedom_of_movement"];
    assert_eq!(fom.by_party["RU"].breaches, 1);
    assert_eq!(fom.by_party["UA"].breaches, 0);
    assert_eq!(
        fom.kept,
        Some(false),
        "the last complete period is that day"
    );
    s.days(1);
    assert_eq!(
        status(&s).clauses["freedom_of_movement"].kept,
        Some(true),
        "the day after is clean"
    );
}

#[test]
fn crossing_closed_is_a_breach_from_d_plus_7_only() {
    let (a, h) = example();
    let mut s = start(&a, h);
    let closed = |s: &mut Script<'_>| {
        s.wait_hours(1.0);
        s.observe(
            "MISSION/1",
            "crossing_status",
            SIVERSK,
            json!({"crossing": "crossing_siversk", "status": "closed", "people_waiting": 120}),
            // The crossing is on the line of contact, on contested ground:
            // its closure is charged by the observer's assessment, not by
            // location.
            json!({"sensor": "camera", "evidence": evidence(), "assessment": {"responsible": "RU", "confidence": "medium"}}),
        )
        .ok();
        s.wait_hours(-1.0);
    };
    closed(&mut s);
    s.days(8);
    closed(&mut s);
    s.days(1);
    let st = status(&s);
    let c = &st.clauses["humanitarian_crossings"].by_party["RU"];
    assert_eq!(c.breaches, 1);
    assert_eq!(c.last_breach.as_deref(), Some("2026-03-10"));
}

// --- disputes -------------------------------------------------------------------

/// An armed attack seen by the imagery provider's drone, with video, and
/// disputed by Russia. Not the Mission's own report: the Mission, which
/// decides disputes, does not decide one of its own reports (see
/// `verification.rs`).
fn disputed_attack(s: &mut Script<'_>) -> (Written, Written) {
    s.wait_hours(1.0);
    let attack = s.observe(
        "IMAGERY",
        "ceasefire_violation",
        KRAMATORSK,
        json!({"events": [{"type": "explosion", "count": 24, "weapon_class": "artillery_100mm", "direction": "incoming"}]}),
        json!({"sensor": "uav", "evidence": evidence(), "assessment": {"responsible": "RU", "confidence": "high", "basis": "crater analysis"}}),
    );
    s.wait_hours(1.0);
    let lodge = s.dispute(
        "lodge",
        &attack,
        json!({"subject": "attribution", "grounds": "not our unit"}),
        &["RU"],
    );
    lodge.ok();
    s.wait_hours(-2.0);
    (attack, lodge)
}

#[test]
fn dispute_upheld_withdraws_the_observation_and_revises_the_period() {
    let (a, h) = example();
    let mut s = start(&a, h);
    let (_attack, lodge) = disputed_attack(&mut s);
    s.days(1);
    let st = status(&s);
    assert_eq!(st.observations.disputed, 1);
    // Counted meanwhile: a dispute does not suspend a verified observation.
    assert_eq!(st.clauses["no_armed_attack"].by_party["RU"].breaches, 1);
    s.dispute(
        "resolve",
        &lodge,
        json!({"outcome": "upheld"}),
        &["MISSION"],
    )
    .ok();
    let st = status(&s);
    let c = &st.clauses["no_armed_attack"].by_party["RU"];
    assert_eq!((c.breaches, c.revised), (0, 1));
    assert_eq!(
        (
            st.observations.disputed,
            st.observations.withdrawn,
            st.observations.verified
        ),
        (0, 1, 0)
    );
    // The trigger was provisional (its only cause was under dispute):
    // the dispute upheld undoes it (issue 12, due process).
    let g = &st.guarantees["collective_defence"];
    assert_eq!(g.state, GuaranteeState::Dormant);
    assert_eq!(g.provisional_until, None);
}

#[test]
fn dispute_reattributed_moves_the_breach() {
    let (a, h) = example();
    let mut s = start(&a, h);
    let (_attack, lodge) = disputed_attack(&mut s);
    s.days(1);
    s.dispute(
        "resolve",
        &lodge,
        json!({"outcome": "reattributed", "assessment": {"responsible": null, "confidence": "low", "basis": "origin not established"}}),
        &["MISSION"],
    )
    .ok();
    let st = status(&s);
    assert_eq!(st.clauses["no_armed_attack"].by_party["RU"].breaches, 0);
    assert_eq!(st.observations.unattributed, 1);
    assert_eq!(
        st.observations.verified, 1,
        "the fact stands, only its attribution changed"
    );
}

#[test]
fn dispute_not_decided_in_time_lets_the_observation_stand() {
    let (a, h) = example();
    let mut s = start(&a, h);
    let (_attack, lodge) = disputed_attack(&mut s);
    s.days(8);
    let st = status(&s);
    assert_eq!(st.observations.disputed, 0);
    assert_eq!(st.clauses["no_armed_attack"].by_party["RU"].breaches, 1);
    // Too late to decide it now.
    let late = s.dispute(
        "resolve",
        &lodge,
        json!({"outcome": "upheld"}),
        &["MISSION"],
    );
    assert!(
        late.rejected
            .as_deref()
            .unwrap()
            .starts_with("dispute closed"),
        "{late:?}"
    );
}

#[test]
fn dispute_rules_who_and_when() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let attack = armed_attack(&mut s).ok();
    let attack = Written {
        index: attack,
        digest: s_digest(&s, attack),
        rejected: None,
    };
    // A guarantor is not a signatory: it cannot lodge.
    let facts = json!({"subject": "facts", "grounds": "no such shelling"});
    let w = s.dispute("lodge", &attack, facts.clone(), &["UK"]);
    assert!(
        w.rejected.as_deref().unwrap().starts_with("dispute quorum"),
        "{w:?}"
    );
    let lodge = s.dispute("lodge", &attack, facts.clone(), &["RU"]);
    lodge.ok();
    // Only whoever lodged it may withdraw it.
    let w = s.dispute("withdraw", &lodge, json!({}), &["UA"]);
    assert!(w.rejected.is_some());
    s.dispute("withdraw", &lodge, json!({}), &["RU"]).ok();
    assert_eq!(status(&s).observations.disputed, 0);
    // After 72 hours it is too late to dispute.
    s.wait_hours(-1.0);
    s.days(4);
    let w = s.dispute("lodge", &attack, facts, &["RU"]);
    assert!(
        w.rejected.as_deref().unwrap().starts_with("dispute late"),
        "{w:?}"
    );
}

fn s_digest(s: &Script<'_>, index: u64) -> Digest {
    accord::statement::SignedStatement::parse(&s.entries[index as usize])
        .unwrap()
        .digest()
}

// --- what is refused ----------------------------------------------------------------

#[test]
fn refused_entries_are_counted_with_their_reason_and_change_nothing() {
    let (a, h) = example();
    let mut s = Script::new(&a, h, D.parse().unwrap());
    // Before adoption, nothing counts.
    let w = s.certify("transition", "begin_verification", &["UA"]);
    assert!(
        w.rejected
            .as_deref()
            .unwrap()
            .starts_with("before adoption")
    );
    // Adoption needs both signatories.
    let body = json!({"title": a.title.get_ref(), "version": a.version.get_ref()});
    let w = s.write("adoption", body, &["UA"]);
    assert!(
        w.rejected.as_deref().unwrap().contains("missing RU"),
        "{w:?}"
    );
    s.adopt().ok();
    // An unaccredited monitor key.
    let k = example::key("mission.accord.example/monitor-09");
    let body = json!({"category": "ceasefire_violation", "observed": {"from": "2026-03-02T09:00:00Z"},
        "position": {"lon": 38.0, "lat": 48.3, "uncertainty_m": 100}, "sensor": "patrol",
        "details": {"events": [{"type": "shot", "count": 1}]}});
    let st = accord::statement::Statement::from_value(
        json!({"v": 1, "kind": "observation", "agreement": h, "issued_at": "2026-03-02T10:00:00Z", "body": body}),
    )
    .unwrap();
    let signed = accord::statement::SignedStatement::sign(st, &k).unwrap();
    let w = s.append(signed.to_bytes());
    assert!(
        w.rejected.as_deref().unwrap().starts_with("unknown signer"),
        "{w:?}"
    );
    // A forged signature by a known key.
    let mut bytes = s.entries[0].clone();
    let n = bytes.len();
    bytes[n - 5] ^= 1;
    let w = s.append(bytes);
    assert!(w.rejected.is_some());
    // Dated far ahead.
    s.wait_hours(30.0);
    let w = s.certify("transition", "begin_verification", &["UA"]);
    assert!(
        w.rejected.as_deref().unwrap().starts_with("dated ahead"),
        "{w:?}"
    );
    let st = status(&s);
    assert_eq!(st.log_size, s.entries.len() as u64);
    assert_eq!(st.rejected.values().sum::<u64>(), 5);
    assert!(st.pending.is_empty());
}

#[test]
fn status_statements_are_checked_against_the_replay() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.days(2);
    let claims = &s.eval.state.claims;
    assert_eq!(claims.len(), 2);
    for c in claims {
        assert_eq!(c.computed, Some(c.claimed), "claim at {}", c.index);
    }
    // A lie: the operator says the phase is verification.
    let mut st = status(&s);
    st.phase.id = Some("verification".into());
    let size = s.entries.len() as u64;
    let body = s.status_body(size, &st);
    s.write("status", body, &["operator"]).ok();
    let c = s.eval.state.claims.last().unwrap();
    assert_ne!(c.computed, Some(c.claimed));
    // Only the operator signs status statements.
    let body = s.status_body(s.entries.len() as u64, &status(&s));
    let w = s.write("status", body, &["MISSION"]);
    assert!(
        w.rejected
            .as_deref()
            .unwrap()
            .starts_with("not the operator"),
        "{w:?}"
    );
}

// --- clauses ------------------------------------------------------------------------

fn sighting(s: &mut Script<'_>, at: (f64, f64), system: &str, responsible: &str) -> Written {
    s.observe(
        "MISSION/1",
        "weapon_sighting",
        at,
        json!({"system": system, "count": 2, "status": "in_violation_of_withdrawal_line"}),
        json!({"sensor": "uav", "evidence": evidence(), "assessment": {"responsible": responsible, "confidence": "high"}}),
    )
}

#[test]
fn withdrawal_is_measured_from_each_party_own_reference_line() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.days(14);
    s.wait_hours(1.0);
    // Donetsk city is 39 km from the 2025 line but 17.8 km from the 2024
    // line, which the Russian Federation measures from: artillery (25 km)
    // there is in violation, a tank (15 km) is not.
    let artillery = sighting(&mut s, DONETSK, "2S19 Msta-S", "RU").ok();
    sighting(&mut s, DONETSK, "T-72", "RU").ok();
    // A Ukrainian tank at Kramatorsk, 22.5 km from its line: not in violation.
    sighting(&mut s, KRAMATORSK, "T-64", "UA").ok();
    s.wait_hours(-1.0);
    s.days(1);
    let st = status(&s);
    let w = &st.clauses["heavy_weapons_withdrawal"];
    assert_eq!(
        w.by_party["RU"].metrics["weapons_within_withdrawal_lines"], 2,
        "the two guns of the one sighting"
    );
    assert_eq!(w.by_party["RU"].kept, Some(false));
    assert_eq!(w.by_party["UA"].kept, Some(true));
    // The clause's counted observations name the sighting.
    assert_eq!(
        s.eval.state.results["heavy_weapons_withdrawal"]["RU"]
            .values()
            .last()
            .unwrap()
            .counted,
        vec![artillery]
    );
    // Not in the security zone either (that is 15 km of the 2025 line).
    assert_eq!(st.clauses["security_zone"].by_party["RU"].kept, Some(true));
}

#[test]
fn security_zone_and_regional_withdrawal_start_on_their_days() {
    let (a, h) = example();
    let mut s = start(&a, h);
    let move_in = |s: &mut Script<'_>, at: (f64, f64)| {
        s.wait_hours(1.0);
        // Satellite imagery is the imagery provider's (technical means,
        // verified with the image), not the Mission's first-hand.
        s.observe(
            "IMAGERY",
            "troop_movement",
            at,
            json!({"personnel": 40, "vehicles": 6}),
            json!({"sensor": "satellite", "evidence": evidence(), "assessment": {"responsible": "RU", "confidence": "medium"}}),
        )
        .ok();
        s.wait_hours(-1.0);
    };
    // Day 2: in the security zone before D+14 and in Kharkiv oblast before D+30.
    s.days(2);
    move_in(&mut s, HORLIVKA);
    move_in(&mut s, (36.94, 50.29));
    s.days(13);
    // Day 15: the security zone clause is in force, the regional one not yet.
    move_in(&mut s, HORLIVKA);
    move_in(&mut s, (36.94, 50.29));
    s.days(16);
    // Day 31: both.
    move_in(&mut s, (36.94, 50.29));
    s.days(1);
    let st = status(&s);
    assert_eq!(st.clauses["security_zone"].by_party["RU"].breaches, 1);
    assert_eq!(
        st.clauses["security_zone"].by_party["RU"]
            .last_breach
            .as_deref(),
        Some("2026-03-17")
    );
    assert_eq!(st.clauses["regional_withdrawal"].by_party["RU"].breaches, 1);
    assert_eq!(
        st.clauses["regional_withdrawal"].by_party["RU"]
            .last_breach
            .as_deref(),
        Some("2026-04-02")
    );
}

#[test]
fn prisoner_exchange_counts_cumulatively_and_is_due_by_d_plus_30() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.days(10);
    s.wait_hours(1.0);
    s.observe(
        "MISSION/1",
        "prisoner_exchange",
        (34.80, 50.91),
        json!({"released_by": "RU", "count": 150}),
        json!({"sensor": "camera", "evidence": evidence()}),
    )
    .ok();
    s.wait_hours(-1.0);
    s.days(22);
    let st = status(&s);
    let p = &st.clauses["prisoner_exchange"];
    assert_eq!(p.by_party["RU"].kept, Some(true));
    assert_eq!(p.by_party["RU"].metrics["released"], 150);
    assert_eq!(p.by_party["UA"].kept, Some(false));
    // Breached from the period of day 30 (1 April) on, every day.
    assert_eq!(p.by_party["UA"].breaches, 2);
    assert_eq!(p.by_party["RU"].breaches, 0);
}

#[test]
fn a_late_report_revises_a_period_already_decided() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.days(3);
    assert_eq!(status(&s).clauses["ceasefire"].by_party["RU"].breaches, 0);
    // Issued on day 3 about an observation on day 1 (3 March).
    let w = {
        let body = json!({"category": "ceasefire_violation", "observed": {"from": "2026-03-03T12:00:00Z"},
            "position": {"lon": HORLIVKA.0, "lat": HORLIVKA.1, "uncertainty_m": 100}, "sensor": "camera",
            "details": {"events": [{"type": "explosion", "count": 2}]}, "evidence": evidence(),
            "assessment": {"responsible": "RU", "confidence": "high"}});
        s.write("observation", body, &["MISSION/1"])
    };
    w.ok();
    let st = status(&s);
    let c = &st.clauses["ceasefire"].by_party["RU"];
    assert_eq!(
        (c.breaches, c.revised, c.last_breach.as_deref()),
        (1, 1, Some("2026-03-03"))
    );
    // The clock is not rewound: those days were quiet when they ended.
    assert_eq!(st.clocks["quiet_days"].assessed, 3);
}

#[test]
fn a_late_unverified_report_revises_a_metric_that_counts_unverified_ones() {
    // A variant of the example whose ceasefire counts violations as
    // reported, verified or not.
    let (mut a, h) = example();
    let clause = a.clauses.get_mut("ceasefire").unwrap();
    clause.metrics.get_mut("violations").unwrap().verified = false;
    let mut s = start(&a, h);
    s.days(3);
    assert_eq!(status(&s).clauses["ceasefire"].by_party["RU"].breaches, 0);
    // Issued on day 3 about day 1, by Ukraine's JCCC officers against
    // Russia: no rule verifies that on their word alone (the Mission's own
    // patrol would be verified).
    let body = json!({"category": "ceasefire_violation", "observed": {"from": "2026-03-03T12:00:00Z"},
        "position": {"lon": HORLIVKA.0, "lat": HORLIVKA.1, "uncertainty_m": 100}, "sensor": "patrol",
        "details": {"events": [{"type": "explosion", "count": 2}]},
        "assessment": {"responsible": "RU", "confidence": "high"}});
    s.write("observation", body, &["JCCC_UA/1"]).ok();
    let st = status(&s);
    assert_eq!(st.observations.verified, 0);
    let c = &st.clauses["ceasefire"].by_party["RU"];
    assert_eq!(
        (c.breaches, c.revised, c.last_breach.as_deref()),
        (1, 1, Some("2026-03-03"))
    );
}

#[test]
fn a_revoked_monitor_signs_nothing_more() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    violation(&mut s, "MISSION/1", HORLIVKA, json!({})).ok();
    let k = example::key(&example::monitor_key_name("mission.accord.example/hq", 1));
    s.write(
        "accreditation",
        json!({"action": "revoke", "organisation": "MISSION", "key": k.verifier().to_string()}),
        &["MISSION"],
    )
    .ok();
    let w = violation(
        &mut s,
        "MISSION/1",
        HORLIVKA,
        json!({"reference": "second"}),
    );
    assert!(
        w.rejected.as_deref().unwrap().starts_with("unknown signer"),
        "{w:?}"
    );
    assert!(!status(&s).monitors.contains_key("MISSION"));
    // Another organisation cannot revoke the Mission's monitor.
    s.accredit("MISSION", 2).ok();
    let k2 = example::key(&example::monitor_key_name("mission.accord.example/hq", 2));
    let w = s.write(
        "accreditation",
        json!({"action": "revoke", "organisation": "MISSION", "key": k2.verifier().to_string()}),
        &["JCCC_RU"],
    );
    assert!(
        w.rejected
            .as_deref()
            .unwrap()
            .starts_with("accreditation quorum"),
        "{w:?}"
    );
    // Both signatories together can.
    s.write(
        "accreditation",
        json!({"action": "revoke", "organisation": "MISSION", "key": k2.verifier().to_string()}),
        &["UA", "RU"],
    )
    .ok();
}
