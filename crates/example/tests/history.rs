//! The scripted monitoring history: every statement it writes is
//! accepted, and a full day gives every section of a daily report
//! something, verified and reported apart, by every means of observation.

use std::collections::BTreeSet;

use accord::evaluate::ObsDetail;
use accord::statement::{Access, Category, Sensor, WeaponKind};
use accord_example::history::{self, Marks};
use accord_example::{Script, agreement};

fn marks() -> Marks {
    Marks::new("SIMULATED: test", "SIMULATED (test)", "test footage")
}

#[test]
fn a_full_day_gives_every_section_something_and_nothing_is_refused() {
    let (a, h) = agreement();
    let mut s = Script::new(&a, h, "2026-03-02T00:00:00Z".parse().unwrap());
    s.adopt().ok();
    for org in ["MISSION", "JCCC_UA", "JCCC_RU"] {
        s.accredit(org, 1).ok();
    }
    s.patrol("MISSION/1", &[]);
    let m = marks();
    let mut written = history::declarations(&mut s, &m);
    for n in 0..14 {
        s.wait_hours(6.0);
        written.extend(history::routine_day(&mut s, n, n >= 7, &m));
        s.wait_hours(-6.0);
        s.days(1);
    }
    s.wait_hours(12.0);
    let first_of_full_day = s.entries.len() as u64;
    written.extend(history::full_day(&mut s, &m));
    s.wait_hours(-12.0);
    s.days(1);
    for (w, what) in &written {
        assert!(w.rejected.is_none(), "{what}: {:?}", w.rejected);
    }

    let state = &s.eval.state;
    let day: Vec<_> = state
        .obs
        .iter()
        .filter(|o| o.index >= first_of_full_day)
        .collect();
    let categories: BTreeSet<Category> = day.iter().map(|o| o.category).collect();
    for c in [
        Category::CeasefireViolation,
        Category::WeaponSighting,
        Category::TroopMovement,
        Category::DisengagementPresence,
        Category::MinesUxo,
        Category::CivilianCasualties,
        Category::InfrastructureDamage,
        Category::LocalisedCeasefire,
        Category::CrossingStatus,
        Category::FreedomOfMovement,
        Category::StorageVisit,
    ] {
        assert!(categories.contains(&c), "no {} on the full day", c.name());
    }
    // Violations: verified by every technical and first-hand means, and
    // reported ones apart.
    let violations: Vec<_> = day
        .iter()
        .filter(|o| o.category == Category::CeasefireViolation)
        .collect();
    let verified: BTreeSet<Sensor> = violations
        .iter()
        .filter(|o| o.counts())
        .map(|o| o.sensor)
        .collect();
    for sensor in [
        Sensor::Patrol,
        Sensor::Camera,
        Sensor::Uav,
        Sensor::Satellite,
    ] {
        assert!(verified.contains(&sensor), "no verified {sensor:?} report");
    }
    let reported: BTreeSet<Sensor> = violations
        .iter()
        .filter(|o| !o.counts())
        .map(|o| o.sensor)
        .collect();
    assert!(reported.contains(&Sensor::OpenSource) && reported.contains(&Sensor::Acoustic));
    let kinds: BTreeSet<WeaponKind> = violations
        .iter()
        .filter_map(|o| match o.detail.as_deref() {
            Some(ObsDetail::Violations { events }) => Some(events.iter().filter_map(|e| e.weapon)),
            _ => None,
        })
        .flatten()
        .collect();
    for k in [
        WeaponKind::Artillery,
        WeaponKind::Mortar,
        WeaponKind::Mlrs,
        WeaponKind::SmallArms,
        WeaponKind::Drone,
        WeaponKind::Missile,
    ] {
        assert!(kinds.contains(&k), "no {} fire", k.name());
    }
    // Windows of silence: one held, one did not.
    let held: BTreeSet<Option<bool>> = day
        .iter()
        .filter_map(|o| match o.detail.as_deref() {
            Some(ObsDetail::Window { held, .. }) => Some(*held),
            _ => None,
        })
        .collect();
    assert_eq!(held, BTreeSet::from([Some(true), Some(false)]));
    // Storage: a visit found weapons absent, one was refused, and routine
    // visits found everything.
    let pss = &state.storage["UA-PSS-01"];
    let v = pss.visits.last().unwrap();
    let absent = v.absent.as_ref().unwrap();
    assert_eq!(absent.len(), 2);
    assert_eq!(absent[0].serials, vec!["UA-2S1-0103".to_string()]);
    assert_eq!(
        (absent[1].system.as_str(), absent[1].count),
        ("BM-21 Grad", 2)
    );
    assert!(state.visit_verified(v));
    let refused = state.storage["RU-PSS-01"].visits.last().unwrap();
    assert_eq!((refused.access, &refused.absent), (Access::Denied, &None));
    assert!(
        ["UA-HA-02", "RU-HA-02"].iter().all(|id| state.storage[*id]
            .visits
            .iter()
            .all(|v| v.absent == Some(vec![]))),
        "routine visits find everything declared"
    );
}

#[test]
fn routine_days_before_the_breach_charge_no_one() {
    let (a, h) = agreement();
    let mut s = Script::new(&a, h, "2026-03-02T00:00:00Z".parse().unwrap());
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    s.patrol("MISSION/1", &[]);
    let m = marks();
    history::declarations(&mut s, &m);
    for n in 0..20 {
        s.wait_hours(6.0);
        for (w, what) in history::routine_day(&mut s, n, false, &m) {
            assert!(w.rejected.is_none(), "{what}: {:?}", w.rejected);
        }
        s.wait_hours(-6.0);
        s.days(1);
    }
    let st = s.eval.status();
    for (id, clause) in &st.clauses {
        for (party, c) in &clause.by_party {
            assert_eq!(c.breaches, 0, "{id} broken by {party}");
        }
    }
    assert!(
        s.eval
            .state
            .obs
            .iter()
            .any(|o| o.category == Category::CeasefireViolation && o.counts()),
        "fire is heard, and verified"
    );
}
