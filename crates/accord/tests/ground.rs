//! The ground as it was held: control statements change who holds an area
//! from the moment they take effect, and what is observed there is charged
//! by location to whoever held it then; ground near the line of contact is
//! contested, held by no one. Under the Ukraine example (see `common`).

mod common;

use accord::evaluate::Obs;
use accord::statement::ControlBasis;
use accord_example::{self as example, Script, Written};
use common::*;
use serde_json::{Value, json};

/// Horlivka is in Donetsk oblast, Russian-held on D-day, 14.9 km from the
/// line: not contested.
const AREA: &str = "donetsk";
/// The centre of the Kupiansk disengagement area, on the line of contact.
const KUPIANSK: (f64, f64) = (37.62, 49.7105);
/// Who `[control] change` requires in the example.
const QUORUM: [&str; 3] = ["UA", "RU", "MISSION"];

fn control(s: &mut Script<'_>, area: &str, to: &str, basis: &str, by: &[&str]) -> Written {
    s.write(
        "control",
        json!({"area": area, "to": to, "basis": basis, "summary": "recorded by the joint commission"}),
        by,
    )
}

/// A restriction of the Mission's movement at `at`, seen by its drone
/// (verified alone, with evidence), observed `observed_hours_ago` before
/// it is reported, with `extra` fields.
fn restriction(
    s: &mut Script<'_>,
    at: (f64, f64),
    observed_hours_ago: f64,
    extra: Value,
) -> Written {
    let observed = accord::statement::Time(
        jiff::Timestamp::from_second(s.now.as_second() - (observed_hours_ago * 3600.0) as i64)
            .unwrap(),
    );
    let mut x = json!({"sensor": "uav", "evidence": evidence(), "observed": {"from": observed}});
    if let (Some(o), Some(e)) = (x.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    s.observe(
        "MISSION/1",
        "freedom_of_movement",
        at,
        json!({"restriction": "denial", "duration_minutes": 30}),
        x,
    )
}

fn obs<'s>(s: &'s Script<'_>, w: &Written) -> &'s Obs {
    let index = w.ok();
    s.eval
        .state
        .obs
        .iter()
        .find(|o| o.index == index)
        .map(|o| &**o)
        .expect("an accepted observation")
}

fn charged(o: &Obs) -> (Option<&str>, &str) {
    (o.responsible.as_deref(), o.attribution.as_str())
}

#[test]
fn a_handover_charges_the_new_holder_from_then_on_and_not_before_even_when_reported_late() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let before = restriction(&mut s, HORLIVKA, 0.5, json!({}));
    assert_eq!(charged(obs(&s, &before)), (Some("RU"), "location"));
    s.wait_hours(1.0);
    let change = control(&mut s, AREA, "UA", "change", &QUORUM).ok();
    let handed_at = s.now;
    s.wait_hours(1.0);
    let after = restriction(&mut s, HORLIVKA, 0.5, json!({}));
    // Observed an hour before the change, reported after it.
    let late = restriction(&mut s, HORLIVKA, 2.0, json!({}));
    // An observer's own assessment is never overridden.
    let assessed = restriction(
        &mut s,
        HORLIVKA,
        0.5,
        json!({"assessment": {"responsible": "RU", "confidence": "medium"}}),
    );
    assert_eq!(charged(obs(&s, &after)), (Some("UA"), "location"));
    assert_eq!(obs(&s, &after).controlled_by.as_deref(), Some("UA"));
    assert_eq!(charged(obs(&s, &late)), (Some("RU"), "location"));
    assert_eq!(obs(&s, &late).controlled_by.as_deref(), Some("RU"));
    assert_eq!(charged(obs(&s, &assessed)), (Some("RU"), "observer"));
    s.wait_hours(-3.0);
    s.days(1);
    let st = status(&s);
    let fom = &st.clauses["freedom_of_movement"];
    assert_eq!(
        fom.by_party["UA"].breaches, 1,
        "the restriction after the change"
    );
    assert_eq!(fom.by_party["RU"].breaches, 1, "those observed before it");
    assert_eq!(st.ground.len(), 1);
    let g = &st.ground[0];
    assert_eq!(
        (g.area.as_str(), g.from.as_deref(), g.to.as_str(), g.basis),
        (AREA, None, "UA", ControlBasis::Change)
    );
    assert_eq!(
        (g.at.index, g.at.time.0, &g.entries),
        (change, handed_at, &vec![change])
    );
}

#[test]
fn a_controlled_area_handed_over_names_who_held_it() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    control(&mut s, "ru_controlled", "UA", "handover", &QUORUM).ok();
    s.wait_hours(1.0);
    control(&mut s, "ru_controlled", "RU", "change", &QUORUM).ok();
    let st = status(&s);
    let held: Vec<(Option<&str>, &str)> = st
        .ground
        .iter()
        .map(|g| (g.from.as_deref(), g.to.as_str()))
        .collect();
    assert_eq!(held, [(Some("RU"), "UA"), (Some("UA"), "RU")]);
    // Observed between the two changes, and after the second.
    let between = restriction(&mut s, HORLIVKA, 0.5, json!({}));
    assert_eq!(charged(obs(&s, &between)), (Some("UA"), "location"));
    s.wait_hours(1.0);
    let w = restriction(&mut s, HORLIVKA, 0.5, json!({}));
    assert_eq!(charged(obs(&s, &w)), (Some("RU"), "location"));
}

#[test]
fn a_control_statement_short_of_the_quorum_is_refused_and_changes_nothing() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let w = control(&mut s, AREA, "UA", "change", &["UA", "MISSION"]);
    assert!(
        w.rejected
            .as_deref()
            .is_some_and(|r| r.starts_with("control quorum")),
        "{w:?}"
    );
    s.wait_hours(1.0);
    let after = restriction(&mut s, HORLIVKA, 0.5, json!({}));
    assert_eq!(charged(obs(&s, &after)), (Some("RU"), "location"));
    let st = status(&s);
    assert!(st.ground.is_empty());
    assert_eq!(st.rejected.get("control quorum"), Some(&1));
}

#[test]
fn a_control_statement_counts_once_and_not_for_an_earlier_state() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(2.0);
    let first = control(&mut s, AREA, "UA", "change", &QUORUM);
    first.ok();
    let again = s.append(s.entries[first.index as usize].clone());
    assert!(
        again
            .rejected
            .as_deref()
            .is_some_and(|r| r.starts_with("duplicate"))
    );
    // Signed an hour before the change it would undo.
    s.wait_hours(-1.0);
    let stale = control(&mut s, AREA, "RU", "change", &QUORUM);
    assert!(
        stale
            .rejected
            .as_deref()
            .is_some_and(|r| r.starts_with("stale")),
        "{stale:?}"
    );
    // Another area is not held back by it.
    control(&mut s, "luhansk", "RU", "change", &QUORUM).ok();
    assert_eq!(status(&s).ground.len(), 2);
}

#[test]
fn without_a_control_section_control_statements_are_refused() {
    let text = example::AGREEMENT_TOML;
    let at = text.find("\n[control]").expect("the example has [control]");
    let end = text[at + 1..]
        .find("\n[")
        .map_or(text.len(), |e| at + 1 + e);
    let without = format!("{}{}", &text[..at], &text[end..]);
    let checked =
        accord::agreement::check(example::AGREEMENT_PATH, &without, &example::EmbeddedLoader);
    let (a, h) = (checked.agreement.unwrap(), checked.hash.unwrap());
    assert!(a.control.is_none());
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let w = control(&mut s, AREA, "UA", "change", &QUORUM);
    assert!(
        w.rejected
            .as_deref()
            .is_some_and(|r| r.starts_with("no control")),
        "{w:?}"
    );
}

#[test]
fn a_control_statement_names_an_area_and_a_party() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    for (area, to) in [
        ("line_of_contact", "UA"),
        ("crossing_siversk", "UA"),
        ("security_zone", "UA"),
        ("nowhere", "UA"),
        (AREA, "MISSION"),
    ] {
        let w = control(&mut s, area, to, "change", &QUORUM);
        assert!(
            w.rejected
                .as_deref()
                .is_some_and(|r| r.starts_with("names")),
            "{area} to {to}: {w:?}"
        );
    }
    control(&mut s, "disengagement_kupiansk", "UA", "handover", &QUORUM).ok();
}

#[test]
fn ground_near_the_line_is_contested_and_not_attributed_by_location() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    // At the Siversk crossing, on the line.
    let closed = s.observe(
        "MISSION/1",
        "crossing_status",
        SIVERSK,
        json!({"crossing": "crossing_siversk", "status": "closed"}),
        json!({"sensor": "camera", "evidence": evidence()}),
    );
    let o = obs(&s, &closed);
    assert_eq!(charged(o), (None, "contested"));
    assert_eq!((o.controlled_by.as_deref(), o.confidence), (None, None));
    // An observer's own assessment still counts.
    let assessed = s.observe(
        "MISSION/1",
        "crossing_status",
        SIVERSK,
        json!({"crossing": "crossing_siversk", "status": "restricted"}),
        json!({"sensor": "camera", "evidence": evidence(), "assessment": {"responsible": "RU", "confidence": "high"}}),
    );
    assert_eq!(charged(obs(&s, &assessed)), (Some("RU"), "observer"));
    // 14.9 km from the line, Horlivka is not contested.
    let horlivka = restriction(&mut s, HORLIVKA, 0.5, json!({}));
    assert_eq!(charged(obs(&s, &horlivka)), (Some("RU"), "location"));
    // Only categories location attributes are marked contested.
    let shot = s.observe(
        "MISSION/1",
        "ceasefire_violation",
        SIVERSK,
        json!({"events": [{"type": "shot", "count": 2}]}),
        json!({}),
    );
    assert_eq!(charged(obs(&s, &shot)), (None, "none"));
    assert_eq!(status(&s).observations.unattributed, 2);
}

#[test]
fn a_disengagement_area_handed_over_is_no_longer_contested() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let presence = |s: &mut Script<'_>, extra: Value| {
        s.observe(
            "MISSION/1",
            "disengagement_presence",
            KUPIANSK,
            json!({"area": "disengagement_kupiansk", "presence": "armed_personnel", "count": 4}),
            extra,
        )
    };
    let before = presence(&mut s, json!({}));
    assert_eq!(charged(obs(&s, &before)), (None, "contested"));
    s.wait_hours(1.0);
    control(&mut s, "disengagement_kupiansk", "UA", "handover", &QUORUM).ok();
    s.wait_hours(1.0);
    let after = presence(&mut s, json!({}));
    assert_eq!(charged(obs(&s, &after)), (Some("UA"), "location"));
    assert_eq!(obs(&s, &after).controlled_by.as_deref(), Some("UA"));
    let assessed = presence(
        &mut s,
        json!({"assessment": {"responsible": "RU", "confidence": "low"}}),
    );
    assert_eq!(charged(obs(&s, &assessed)), (Some("RU"), "observer"));
    let g = &status(&s).ground[0];
    assert_eq!((g.from.as_deref(), g.basis), (None, ControlBasis::Handover));
}
