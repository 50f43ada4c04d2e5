//! Verdicts with an honest vocabulary, written from docs/evaluation.md
//! ("Coverage", "Verdicts", "Clocks and phases") and
//! docs/reading-a-verdict.md as an analyst reads them: nothing is "kept"
//! because nobody looked; unverified reports are allegations, shown beside
//! the verified figures; a positive obligation is not yet due, fulfilled or
//! overdue; clocks count only what could be assessed.
//!
//! Times: D-day is Monday 2 March 2026, 10:00 UTC; periods end at 17:30 UTC
//! (19:30 Kyiv) until 29 March.

mod common;

use accord::evaluate::{ClockStatus, Verdict};
use accord::statement::{Digest, Time};
use accord_example::{Script, Written};
use common::*;
use serde_json::{Value, json};

/// Adoption and one accredited monitor each for the Mission and the JCCC's
/// two parts, with no patrols: nothing covered unless a test says so.
fn unpatrolled(a: &accord::agreement::Agreement, h: Digest) -> Script<'_> {
    let mut s = Script::new(a, h, D.parse().unwrap());
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    s.accredit("JCCC_UA", 1).ok();
    s.accredit("JCCC_RU", 1).ok();
    s
}

fn verdict(s: &Script<'_>, clause: &str, party: &str) -> Option<Verdict> {
    status(s).clauses[clause].by_party[party].verdict
}

/// An open-source report (as imported datasets are) of shelling of
/// Kramatorsk attributed to the Russian Federation: reported, not verified.
fn osint_shelling(s: &mut Script<'_>) -> Written {
    s.observe(
        "OSINT",
        "ceasefire_violation",
        KRAMATORSK,
        json!({"events": [{"type": "explosion", "count": 3}]}),
        json!({
            "sensor": "open_source",
            "source": {"dataset": "ucdp-ged", "id": "1", "credibility": "probable"},
            "assessment": {"responsible": "RU", "confidence": "medium"},
        }),
    )
}

#[test]
fn nothing_covered_is_not_assessable_and_the_clock_says_so() {
    let (a, h) = example();
    let mut s = unpatrolled(&a, h);
    s.days(5);
    let st = status(&s);
    for party in ["UA", "RU"] {
        let pc = &st.clauses["ceasefire"].by_party[party];
        assert_eq!(pc.kept, Some(true), "no verified breach");
        assert_eq!(pc.verdict, Some(Verdict::NotAssessable));
        assert_eq!(pc.periods.get(&Verdict::NotAssessable), Some(&5));
        assert_eq!(pc.periods.get(&Verdict::NoVerifiedBreach), None);
    }
    assert_eq!(
        st.clauses["ceasefire"].verdict,
        Some(Verdict::NotAssessable)
    );
    // Five days without a verified violation, none of them with coverage:
    // the clock counts none.
    assert_eq!(
        st.clocks["quiet_days"],
        ClockStatus {
            days: 5,
            assessed: 0
        }
    );
    assert_eq!(st.coverage.periods, 5);
    assert_eq!(st.coverage.periods_covered, 0);
    assert!(st.coverage.last_period.is_none());
}

#[test]
fn covered_and_quiet_is_no_verified_breach_resting_on_the_coverage() {
    let (a, h) = example();
    let mut s = unpatrolled(&a, h);
    s.patrol("MISSION/1", &["donetsk", "luhansk"]);
    s.days(3);
    let st = status(&s);
    assert_eq!(
        verdict(&s, "ceasefire", "RU"),
        Some(Verdict::NoVerifiedBreach)
    );
    assert_eq!(st.clocks["quiet_days"].assessed, 3);
    let last = st.coverage.last_period.as_ref().expect("covered");
    assert_eq!(last.zones, vec!["donetsk", "luhansk"]);
    assert_eq!(last.organisations, vec!["MISSION"]);
    assert_eq!(st.coverage.by_zone["donetsk"], 3);
    assert!(!st.coverage.by_zone.contains_key("kharkiv"));
    // The regional withdrawal is about Kharkiv, Sumy and Dnipropetrovsk,
    // which nobody covered: from D+30 on it is not assessable, never kept.
    s.days(30);
    assert_eq!(
        verdict(&s, "regional_withdrawal", "RU"),
        Some(Verdict::NotAssessable)
    );
    assert_eq!(
        verdict(&s, "ceasefire", "RU"),
        Some(Verdict::NoVerifiedBreach)
    );
}

#[test]
fn unverified_reports_are_allegations_beside_the_verified_figures() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(2.0);
    let report = osint_shelling(&mut s);
    s.days(1);
    let st = status(&s);
    let ru = &st.clauses["ceasefire"].by_party["RU"];
    assert_eq!(ru.kept, Some(true));
    assert_eq!(ru.verdict, Some(Verdict::AllegationsPending));
    assert_eq!(ru.metrics["violations"], 0);
    assert_eq!(ru.reported["violations"], 1);
    assert_eq!(ru.allegations, vec![report.index]);
    // Ukraine is not accused: covered, nothing reported against it.
    let ua = &st.clauses["ceasefire"].by_party["UA"];
    assert_eq!(ua.verdict, Some(Verdict::NoVerifiedBreach));
    assert!(ua.allegations.is_empty());
    // The clause as a whole says the gravest.
    assert_eq!(
        st.clauses["ceasefire"].verdict,
        Some(Verdict::AllegationsPending)
    );
    // A report that would not break the clause is not an allegation of a
    // breach: three explosions are no armed attack (twenty are).
    assert_eq!(
        verdict(&s, "no_armed_attack", "RU"),
        Some(Verdict::NoVerifiedBreach)
    );
}

#[test]
fn an_allegation_verified_later_becomes_a_verified_breach_and_the_period_is_revised() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(2.0);
    let report = s.observe(
        "JCCC_UA/1",
        "ceasefire_violation",
        KRAMATORSK,
        json!({"events": [{"type": "explosion", "count": 3}]}),
        json!({"assessment": {"responsible": "RU", "confidence": "medium"}}),
    );
    s.days(1);
    assert_eq!(
        verdict(&s, "ceasefire", "RU"),
        Some(Verdict::AllegationsPending)
    );
    // The Mission confirms it: the period already decided is revised.
    s.corroborate("MISSION/1", &report, true).ok();
    let st = status(&s);
    let ru = &st.clauses["ceasefire"].by_party["RU"];
    assert_eq!(ru.verdict, Some(Verdict::BreachVerified));
    assert_eq!(ru.kept, Some(false));
    assert_eq!(ru.metrics["violations"], 1);
    assert!(ru.allegations.is_empty());
    assert_eq!(ru.revised, 1);
    assert_eq!(ru.breaches, 1);
    assert_eq!(ru.periods.get(&Verdict::BreachVerified), Some(&1));
    assert_eq!(ru.periods.get(&Verdict::AllegationsPending), None);
}

#[test]
fn a_positive_obligation_is_not_yet_due_then_fulfilled_or_overdue() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.days(3);
    assert_eq!(
        verdict(&s, "prisoner_exchange", "UA"),
        Some(Verdict::NotYetDue)
    );
    assert_eq!(
        status(&s).clauses["prisoner_exchange"].by_party["UA"].kept,
        Some(true)
    );
    // Ukraine releases prisoners, as the Mission verifies; Russia does not.
    s.observe(
        "MISSION/1",
        "prisoner_exchange",
        (38.93, 49.28),
        json!({"released_by": "UA", "count": 40}),
        json!({"evidence": evidence(), "sensor": "uav"}),
    )
    .ok();
    s.days(1);
    assert_eq!(
        verdict(&s, "prisoner_exchange", "UA"),
        Some(Verdict::Fulfilled)
    );
    assert_eq!(
        verdict(&s, "prisoner_exchange", "RU"),
        Some(Verdict::NotYetDue)
    );
    s.days(30);
    let st = status(&s);
    let ru = &st.clauses["prisoner_exchange"].by_party["RU"];
    assert_eq!(ru.verdict, Some(Verdict::Overdue));
    assert_eq!(ru.kept, Some(false));
    assert!(ru.periods[&Verdict::Overdue] >= 1);
    assert_eq!(
        st.clauses["prisoner_exchange"].by_party["UA"].verdict,
        Some(Verdict::Fulfilled)
    );
    assert_eq!(
        st.clauses["prisoner_exchange"].verdict,
        Some(Verdict::Overdue)
    );
}

#[test]
fn late_coverage_revises_a_period_that_was_not_assessable() {
    let (a, h) = example();
    let mut s = unpatrolled(&a, h);
    let from = s.now;
    s.days(1);
    assert_eq!(verdict(&s, "ceasefire", "UA"), Some(Verdict::NotAssessable));
    // The Mission's camera log for the day arrives the next morning.
    let zones = vec!["donetsk".to_string()];
    s.cover("MISSION/1", &zones, from).ok();
    let st = status(&s);
    let ua = &st.clauses["ceasefire"].by_party["UA"];
    assert_eq!(ua.verdict, Some(Verdict::NoVerifiedBreach));
    assert_eq!(ua.revised, 1);
    assert_eq!(st.coverage.periods_covered, 1);
    assert_eq!(st.coverage.by_zone["donetsk"], 1);
}

#[test]
fn a_track_covers_the_zones_it_passes_through_and_no_others() {
    let (a, h) = example();
    let mut s = unpatrolled(&a, h);
    s.wait_hours(5.0);
    let from = Time("2026-03-02T11:00:00Z".parse().unwrap());
    let body = json!({
        "sensor": "patrol",
        "window": {"from": from, "to": Time(s.now)},
        "track": [[KRAMATORSK.0, KRAMATORSK.1], [HORLIVKA.0, HORLIVKA.1]],
    });
    s.write("coverage", body, &["MISSION/1"]).ok();
    s.days(1);
    let st = status(&s);
    let zones = &st.coverage.last_period.as_ref().expect("covered").zones;
    assert!(zones.contains(&"donetsk".to_string()), "{zones:?}");
    assert!(zones.contains(&"security_zone".to_string()), "{zones:?}");
    assert!(!zones.contains(&"kharkiv".to_string()), "{zones:?}");
    assert!(!zones.contains(&"luhansk".to_string()), "{zones:?}");
}

#[test]
fn coverage_that_cannot_count_is_refused_with_its_reason() {
    let (a, h) = example();
    let mut s = unpatrolled(&a, h);
    s.wait_hours(3.0);
    let zones = vec!["donetsk".to_string()];
    let from = s.now;
    // A party's own commission: its patrols cannot be what its adversary's
    // "no verified breach" rests on.
    let w = s.cover("JCCC_UA/1", &zones, from);
    assert!(
        w.rejected
            .as_deref()
            .is_some_and(|r| r.starts_with("coverage not independent")),
        "{:?}",
        w.rejected
    );
    // Coverage is reported after the fact: a window ending in the future.
    let to = Time(jiff::Timestamp::from_second(s.now.as_second() + 3 * 3600).unwrap());
    let w = s.write(
        "coverage",
        json!({"sensor": "camera", "window": {"from": Time(from), "to": to}, "zones": ["donetsk"]}),
        &["MISSION/1"],
    );
    assert!(
        w.rejected
            .as_deref()
            .is_some_and(|r| r.starts_with("observed later")),
        "{:?}",
        w.rejected
    );
    // A zone the agreement does not have.
    let w = s.write(
        "coverage",
        json!({"sensor": "camera", "window": {"from": Time(from), "to": Time(s.now)}, "zones": ["atlantis"]}),
        &["MISSION/1"],
    );
    assert!(
        w.rejected
            .as_deref()
            .is_some_and(|r| r.contains("atlantis")),
        "{:?}",
        w.rejected
    );
    s.days(1);
    assert_eq!(status(&s).coverage.periods_covered, 0);
}

#[test]
fn malformed_coverage_is_refused_where_it_is_wrong() {
    let (a, h) = example();
    let s = unpatrolled(&a, h);
    let statement = |body: Value| {
        let v = json!({"v": 1, "kind": "coverage", "agreement": h, "issued_at": Time(s.now), "body": body});
        accord::statement::Statement::from_value(v)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    let from = "2026-03-01T00:00:00Z";
    assert!(
        statement(json!({"sensor": "patrol", "window": {"from": from}, "zones": ["donetsk"]}))
            .contains("body.window.to")
    );
    assert!(statement(json!({"sensor": "patrol", "window": {"from": from, "to": "2026-04-15T00:00:00Z"}, "zones": ["donetsk"]})).contains("at most 31 days"));
    assert!(
        statement(json!({"sensor": "patrol", "window": {"from": from, "to": from}}))
            .contains("`zones`, a `track` or an `area`")
    );
    assert!(statement(json!({"sensor": "patrol", "window": {"from": from, "to": from}, "area": [[37.0, 48.0], [37.5, 48.0], [37.5, 48.5]]})).contains("closed ring"));
    assert!(statement(json!({"sensor": "patrol", "window": {"from": from, "to": from}, "track": [[37.0, 148.0]]})).contains("body.track[0][1]"));
}

#[test]
fn a_phase_resting_on_quiet_days_waits_for_days_someone_could_see() {
    let (a, h) = example();
    let mut s = start(&a, h);
    to_verification(&mut s);
    let counted = status(&s).clocks["quiet_days"].assessed;
    s.certify("transition", "ceasefire_verified", &["UA", "MISSION", "US"])
        .ok();
    // The Mission stops patrolling: thirty-one quiet days nobody saw.
    s.stop_patrols();
    s.days(31);
    let st = status(&s);
    assert_eq!(st.phase.id.as_deref(), Some("verification"));
    let clock = st.clocks["quiet_days"];
    assert_eq!(clock.assessed, counted, "days nobody saw count for nothing");
    assert!(clock.days >= counted + 31, "{clock:?}");
    let waiting = &st.pending["transition:ceasefire_verified"].waiting_for;
    assert!(waiting.contains("clocks.quiet_days >= 30"), "{waiting}");
    assert_eq!(
        st.clauses["heavy_weapons_withdrawal"].verdict,
        Some(Verdict::NotAssessable)
    );
    // Patrols again: thirty covered days later, the phase moves on.
    s.patrol("MISSION/1", &[]);
    s.days(31);
    assert_eq!(status(&s).phase.id.as_deref(), Some("stabilisation"));
}

#[test]
fn reports_nobody_is_held_responsible_for_are_said_not_dropped() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(2.0);
    // An open-source report of shelling with no one named: no party's
    // verdict can count it, and the clause says it happened.
    let report = s.observe(
        "OSINT",
        "ceasefire_violation",
        KRAMATORSK,
        json!({"events": [{"type": "explosion", "count": 3}]}),
        json!({
            "sensor": "open_source",
            "source": {"dataset": "ucdp-ged", "id": "2", "credibility": "probable"},
        }),
    );
    s.days(1);
    let st = status(&s);
    let ceasefire = &st.clauses["ceasefire"];
    assert_eq!(ceasefire.unattributed, vec![report.index]);
    for party in ["UA", "RU"] {
        let pc = &ceasefire.by_party[party];
        assert_eq!(pc.verdict, Some(Verdict::NoVerifiedBreach), "{party}");
        assert!(pc.allegations.is_empty());
    }
    // A clause about other things does not list it.
    assert!(st.clauses["freedom_of_movement"].unattributed.is_empty());
    // The next day, nothing reported: nothing listed.
    s.days(1);
    assert!(status(&s).clauses["ceasefire"].unattributed.is_empty());
}
