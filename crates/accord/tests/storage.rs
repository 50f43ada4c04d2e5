//! Baseline declarations of storage sites and the monitors' visits to
//! them: what was absent is recorded against the declaration in force when
//! the visit was made, by serial where serials were declared and read, by
//! count otherwise; a visit without full access says nothing of absence;
//! a party declares only its own sites, itself. Under the Ukraine example
//! (see `common`).

mod common;

use accord::evaluate::{AbsentItem, SiteRecord};
use accord::statement::{Access, SiteKind};
use accord_example::{Script, Written};
use common::*;
use serde_json::{Value, json};

fn site(id: &str, inventory: Value) -> Value {
    json!({"id": id, "name": format!("site {id}"), "kind": "permanent_storage",
           "position": {"lon": 36.9, "lat": 48.9, "uncertainty_m": 100},
           "inventory": inventory})
}

fn declare(s: &mut Script<'_>, party: &str, sites: Vec<Value>, by: &[&str]) -> Written {
    s.write(
        "declaration",
        json!({"party": party, "sites": sites, "reference": "baseline annex"}),
        by,
    )
}

fn visit(s: &mut Script<'_>, by: &str, site: &str, access: &str, found: Value) -> Written {
    s.observe(
        by,
        "storage_visit",
        (36.9, 48.9),
        json!({"site": site, "access": access, "found": found}),
        json!({}),
    )
}

fn record<'s>(s: &'s Script<'_>, id: &str) -> &'s SiteRecord {
    &s.eval.state.storage[id]
}

fn absent(system: &str, count: u32, serials: &[&str]) -> AbsentItem {
    AbsentItem {
        system: system.into(),
        weapon_class: None,
        count,
        serials: serials.iter().map(|x| x.to_string()).collect(),
    }
}

#[test]
fn a_visit_records_what_is_absent_by_serial_or_by_count() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let ua = declare(
        &mut s,
        "UA",
        vec![site(
            "UA-1",
            json!([{"system": "2S1 Gvozdika", "count": 3, "serials": ["G1", "G2", "G3"]},
                   {"system": "BM-21 Grad", "count": 4}]),
        )],
        &["UA"],
    )
    .ok();
    let ru = declare(
        &mut s,
        "RU",
        vec![site("RU-1", json!([{"system": "T-72", "count": 10}]))],
        &["RU"],
    )
    .ok();
    s.wait_hours(2.0);
    // G2 was not there; the Grads were counted, one short.
    let v1 = visit(
        &mut s,
        "MISSION/1",
        "UA-1",
        "granted",
        json!([{"system": "2S1 Gvozdika", "count": 2, "serials": ["G1", "G3"]},
               {"system": "BM-21 Grad", "count": 3}]),
    )
    .ok();
    // Every tank there.
    let v2 = visit(
        &mut s,
        "MISSION/1",
        "RU-1",
        "granted",
        json!([{"system": "T-72", "count": 10}]),
    )
    .ok();
    // Seven tanks seen through the fence, hours later (so that the
    // Mission's report near it does not verify it): nothing can be said.
    s.wait_hours(3.0);
    let v3 = visit(
        &mut s,
        "JCCC_UA/1",
        "RU-1",
        "partial",
        json!([{"system": "T-72", "count": 7}]),
    )
    .ok();
    s.wait_hours(3.0);
    let v4 = visit(&mut s, "MISSION/1", "RU-1", "denied", json!([])).ok();

    let r = record(&s, "UA-1");
    assert_eq!(r.party.as_deref(), Some("UA"));
    assert_eq!(r.in_force().unwrap().entry, ua);
    assert_eq!(r.in_force().unwrap().kind, SiteKind::PermanentStorage);
    let v = &r.visits[0];
    assert_eq!(
        (v.entry, v.access, v.against),
        (v1, Access::Granted, Some(ua))
    );
    assert_eq!(
        v.absent.as_deref(),
        Some(
            &[
                absent("2S1 Gvozdika", 1, &["G2"]),
                absent("BM-21 Grad", 1, &[])
            ][..]
        )
    );
    assert!(s.eval.state.visit_verified(v), "the Mission, first-hand");

    let r = record(&s, "RU-1");
    assert_eq!(r.visits.len(), 3);
    assert_eq!(r.visits[0].entry, v2);
    assert_eq!(r.visits[0].against, Some(ru));
    assert_eq!(
        r.visits[0].absent.as_deref(),
        Some(&[][..]),
        "all present, said only when the whole site was seen"
    );
    assert_eq!(r.visits[1].entry, v3);
    assert_eq!(r.visits[1].absent, None, "partial access: not assessable");
    assert!(
        !s.eval.state.visit_verified(&r.visits[1]),
        "one side's officers alone"
    );
    assert_eq!(r.visits[2].entry, v4);
    assert_eq!(r.visits[2].absent, None, "access denied: not assessable");

    // The report's detail of the visit is kept with the observation.
    let o = s.eval.state.obs.iter().find(|o| o.index == v4).unwrap();
    assert_eq!(
        serde_json::to_value(&o.detail).unwrap(),
        json!({"of": "storage_visit", "site": "RU-1", "access": "denied", "abandoned": false})
    );
}

#[test]
fn serials_not_read_fall_back_to_counts_and_an_abandoned_site_misses_everything() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    declare(
        &mut s,
        "UA",
        vec![
            site(
                "UA-1",
                json!([{"system": "2S1 Gvozdika", "count": 3, "serials": ["G1", "G2", "G3"]}]),
            ),
            site(
                "UA-2",
                json!([{"system": "2A65 Msta-B", "weapon_class": "artillery_100mm", "count": 2}]),
            ),
        ],
        &["UA"],
    )
    .ok();
    s.wait_hours(1.0);
    // Three found, but only two serials read: by count, none absent.
    visit(
        &mut s,
        "MISSION/1",
        "UA-1",
        "granted",
        json!([{"system": "2S1 Gvozdika", "count": 3, "serials": ["G1", "G2"]}]),
    )
    .ok();
    let w = s.observe(
        "MISSION/1",
        "storage_visit",
        (36.9, 48.9),
        json!({"site": "UA-2", "access": "granted", "abandoned": true}),
        json!({}),
    );
    w.ok();
    assert_eq!(
        record(&s, "UA-1").visits[0].absent.as_deref(),
        Some(&[][..])
    );
    let mut both = absent("2A65 Msta-B", 2, &[]);
    both.weapon_class = Some("artillery_100mm".into());
    let v = &record(&s, "UA-2").visits[0];
    assert!(v.abandoned);
    assert_eq!(v.absent.as_deref(), Some(&[both][..]));
}

#[test]
fn a_later_declaration_supersedes_for_the_sites_it_names_and_visits_keep_theirs() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let first = declare(
        &mut s,
        "UA",
        vec![
            site("UA-1", json!([{"system": "T-64", "count": 5}])),
            site("UA-2", json!([{"system": "T-64", "count": 1}])),
        ],
        &["UA"],
    )
    .ok();
    s.wait_hours(2.0);
    let second = declare(
        &mut s,
        "UA",
        vec![site("UA-1", json!([{"system": "T-64", "count": 3}]))],
        &["UA"],
    )
    .ok();
    s.wait_hours(1.0);
    // Observed three hours ago, before the second declaration: held
    // against the first.
    let observed = accord::statement::Time(
        jiff::Timestamp::from_second(s.now.as_second() - 3 * 3600).unwrap(),
    );
    s.observe(
        "MISSION/1",
        "storage_visit",
        (36.9, 48.9),
        json!({"site": "UA-1", "access": "granted", "found": [{"system": "T-64", "count": 3}]}),
        json!({"observed": {"from": observed}}),
    )
    .ok();
    visit(
        &mut s,
        "MISSION/1",
        "UA-1",
        "granted",
        json!([{"system": "T-64", "count": 3}]),
    )
    .ok();
    let r = record(&s, "UA-1");
    assert_eq!(
        r.declarations.iter().map(|d| d.entry).collect::<Vec<_>>(),
        vec![first, second]
    );
    assert_eq!(r.visits[0].against, Some(first));
    assert_eq!(
        r.visits[0].absent.as_deref(),
        Some(&[absent("T-64", 2, &[])][..])
    );
    assert_eq!(r.visits[1].against, Some(second));
    assert_eq!(r.visits[1].absent.as_deref(), Some(&[][..]));
    // The site the second did not name keeps the first.
    assert_eq!(record(&s, "UA-2").in_force().unwrap().entry, first);

    // A declaration issued before the one in force is stale.
    s.wait_hours(-2.0);
    let stale = declare(
        &mut s,
        "UA",
        vec![site("UA-1", json!([{"system": "T-64", "count": 9}]))],
        &["UA"],
    );
    assert!(
        stale.rejected.as_deref().unwrap().starts_with("stale:"),
        "{:?}",
        stale.rejected
    );
    assert_eq!(record(&s, "UA-1").declarations.len(), 2);
}

#[test]
fn adversaries_cannot_declare_for_others_and_undeclared_sites_say_nothing() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    declare(
        &mut s,
        "UA",
        vec![site("UA-1", json!([{"system": "T-64", "count": 5}]))],
        &["UA"],
    )
    .ok();
    // The Russian Federation declares a Ukrainian site, emptied.
    let w = declare(
        &mut s,
        "RU",
        vec![site("UA-1", json!([{"system": "T-64", "count": 0}]))],
        &["RU"],
    );
    assert_eq!(
        w.rejected.as_deref(),
        Some("site of another: site UA-1 was declared by UA: a party declares only its own sites")
    );
    // A declaration in Ukraine's name signed by the Russian Federation.
    let w = declare(
        &mut s,
        "UA",
        vec![site("UA-9", json!([{"system": "T-64", "count": 1}]))],
        &["RU"],
    );
    assert_eq!(
        w.rejected.as_deref(),
        Some("declaration signer: a declaration of UA's storage sites is signed by UA itself")
    );
    // Signed by the Mission, or by its monitor.
    for by in ["MISSION", "MISSION/1"] {
        let w = declare(
            &mut s,
            "UA",
            vec![site("UA-9", json!([{"system": "T-64", "count": 1}]))],
            &[by],
        );
        assert!(
            w.rejected
                .as_deref()
                .is_some_and(|r| r.starts_with("declaration signer:")),
            "{by}: {:?}",
            w.rejected
        );
    }
    // A party the agreement does not have.
    let w = declare(
        &mut s,
        "XX",
        vec![site("XX-1", json!([{"system": "T-64", "count": 1}]))],
        &["UA"],
    );
    assert!(w.rejected.as_deref().unwrap().starts_with("names:"));
    assert!(!s.eval.state.storage.contains_key("UA-9"));
    assert_eq!(record(&s, "UA-1").declarations.len(), 1);
    assert_eq!(record(&s, "UA-1").in_force().unwrap().inventory[0].count, 5);

    // A visit to a site nobody declared is a report like any other, held
    // against nothing.
    let v = visit(
        &mut s,
        "MISSION/1",
        "NOWHERE",
        "granted",
        json!([{"system": "T-72", "count": 4}]),
    )
    .ok();
    let r = record(&s, "NOWHERE");
    assert_eq!(r.party, None);
    assert!(r.declarations.is_empty());
    assert_eq!((r.visits[0].entry, r.visits[0].against), (v, None));
    assert_eq!(r.visits[0].absent, None);
}

#[test]
fn a_declaration_with_a_serial_twice_is_malformed_in_the_log() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    // Signed as it is, past the statement parser that would refuse to
    // make it: the evaluator refuses it too.
    let value = json!({"v": 1, "kind": "declaration", "agreement": h, "issued_at": accord::statement::Time(s.now),
        "body": {"party": "UA", "sites": [site("UA-1", json!([{"system": "T-64", "count": 2, "serials": ["S", "S"]}]))]}});
    let text = format!("{}\n", serde_jcs::to_string(&value).unwrap());
    let mut note = tlog::note::Note::new(text).unwrap();
    note.sign(s.signer("UA")).unwrap();
    let w = s.append(note.to_bytes());
    let why = w.rejected.expect("refused");
    assert!(
        why.starts_with("malformed:")
            && why.contains(
                "body.sites[0].inventory[0].serials[1]: serial number `S` is declared twice"
            ),
        "{why}"
    );
    assert!(s.eval.state.storage.is_empty());
}

#[test]
fn the_new_observation_details_are_kept_for_the_report() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let v = s
        .observe(
            "MISSION/1",
            "ceasefire_violation",
            KRAMATORSK,
            json!({"events": [{"type": "explosion", "count": 4, "weapon_class": "artillery_100mm", "weapon": "artillery"},
                              {"type": "burst", "count": 9, "weapon": "small_arms"}]}),
            json!({}),
        )
        .ok();
    let c = s
        .observe(
            "MISSION/1",
            "crossing_status",
            SIVERSK,
            json!({"crossing": "crossing_siversk", "status": "open", "people_waiting": 140, "wait_minutes": 75}),
            json!({}),
        )
        .ok();
    let w = s
        .observe(
            "MISSION/1",
            "localised_ceasefire",
            DONETSK,
            json!({"facility": "water", "window": {"from": "2026-03-02T06:00:00Z", "to": "2026-03-02T10:00:00Z"}, "held": false}),
            json!({}),
        )
        .ok();
    let m = s
        .observe(
            "MISSION/1",
            "mines_uxo",
            HORLIVKA,
            json!({"kind": "new_mines", "count": 12}),
            json!({}),
        )
        .ok();
    let detail = |i: u64| {
        let o = s.eval.state.obs.iter().find(|o| o.index == i).unwrap();
        serde_json::to_value(&o.detail).unwrap()
    };
    assert_eq!(
        detail(v),
        json!({"of": "violations", "events": [
            {"type": "explosion", "weapon_class": "artillery_100mm", "weapon": "artillery", "count": 4},
            {"type": "burst", "weapon": "small_arms", "count": 9}]})
    );
    assert_eq!(
        detail(c),
        json!({"of": "crossing", "crossing": "crossing_siversk", "status": "open", "people_waiting": 140, "wait_minutes": 75})
    );
    assert_eq!(
        detail(w),
        json!({"of": "window", "facility": "water", "from": "2026-03-02T06:00:00Z", "to": "2026-03-02T10:00:00Z", "held": false})
    );
    assert_eq!(
        detail(m),
        json!({"of": "mines", "kind": "new_mines", "count": 12})
    );
    // What counted before is counted as before.
    let o = s.eval.state.obs.iter().find(|o| o.index == v).unwrap();
    assert_eq!(
        o.events,
        vec![(Some("artillery_100mm".to_string()), 4), (None, 9)]
    );
    let o = s.eval.state.obs.iter().find(|o| o.index == c).unwrap();
    assert_eq!(o.numbers["wait_minutes"], 75);

    // A state stored before these details were kept still loads.
    let mut stored = serde_json::to_value(&s.eval.state).unwrap();
    for o in stored["obs"].as_array_mut().unwrap() {
        o.as_object_mut().unwrap().remove("detail");
    }
    stored.as_object_mut().unwrap().remove("storage");
    let old: accord::evaluate::State = serde_json::from_value(stored).unwrap();
    assert!(old.obs.iter().all(|o| o.detail.is_none()));
}
