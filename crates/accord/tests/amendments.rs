//! Amendments that change the text that judges: the example's regional
//! withdrawal (Kharkiv, Sumy, Dnipropetrovsk; Russian forces out by D+30)
//! extended to D+45 by an amendment signed by Ukraine, Russia and the
//! United States (`[amendments] require`).

mod common;

use common::*;

use accord::agreement::Agreement;
use accord::evaluate::{Evaluator, State, Version, Versions};
use accord::statement::Digest;
use accord_example::{Script, Written};
use serde_json::json;

/// In Kharkiv oblast, Russian-held.
const KHARKIV: (f64, f64) = (36.94, 50.29);

fn versions<'a>(a: &'a Agreement, h: Digest, b: &'a Agreement, hb: Digest) -> Versions<'a> {
    Versions::new(
        Version {
            agreement: a,
            hash: h,
        },
        [Version {
            agreement: b,
            hash: hb,
        }],
    )
    .unwrap()
}

/// Adoption and accreditations, as `common::start`, under a chain.
fn start_versions<'a>(v: &Versions<'a>) -> Script<'a> {
    let mut s = Script::with_versions(v, D.parse().unwrap());
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    s.accredit("JCCC_UA", 1).ok();
    s.accredit("JCCC_RU", 1).ok();
    s
}

/// Russian troops seen in Kharkiv oblast an hour from now.
fn move_in(s: &mut Script<'_>) -> Written {
    s.wait_hours(1.0);
    let w = s.observe(
        "MISSION/1",
        "troop_movement",
        KHARKIV,
        json!({"personnel": 40, "vehicles": 6}),
        // The Mission's own patrol: first-hand, verified on its own.
        json!({"sensor": "patrol", "assessment": {"responsible": "RU", "confidence": "medium"}}),
    );
    s.wait_hours(-1.0);
    w
}

fn amend(s: &mut Script<'_>, to: Digest, by: &[&str]) -> Written {
    s.wait_hours(2.0);
    let w = s.write(
        "amendment",
        json!({"new_agreement": to, "summary": "the regional withdrawal by D+45"}),
        by,
    );
    s.wait_hours(-2.0);
    w
}

const QUORUM: [&str; 3] = ["UA", "RU", "US"];

fn regional_breaches(s: &Script<'_>) -> (u64, Option<String>) {
    let st = status(s);
    let p = &st.clauses["regional_withdrawal"].by_party["RU"];
    (p.breaches, p.last_breach.clone())
}

/// Day 31 (after D+30, before D+45) and day 46: troops in Kharkiv oblast;
/// `amend_on` is the day of the amendment (none: never).
fn history(s: &mut Script<'_>, amend_on: Option<u32>, hb: Digest) {
    let mut day = 0;
    for (on, what) in [(amend_on, 0), (Some(31), 1), (Some(46), 1)]
        .into_iter()
        .filter_map(|(d, w)| d.map(|d| (d, w)))
        .collect::<std::collections::BTreeSet<_>>()
    {
        s.days(on - day);
        day = on;
        if what == 0 {
            amend(s, hb, &QUORUM).ok();
            s.name_version(hb);
        } else {
            move_in(s).ok();
        }
    }
    s.days(2);
}

#[test]
fn an_extended_deadline_changes_the_verdict_from_the_amendment_on() {
    let (a, h) = example();
    let (b, hb) = amended_example();
    let v = versions(&a, h, &b, hb);

    // Never amended: both days are breaches.
    let mut s = start_versions(&v);
    history(&mut s, None, hb);
    assert_eq!(regional_breaches(&s), (2, Some("2026-04-17".into())));

    // Amended on day 20: day 31 is before D+45, only day 46 counts.
    let mut s = start_versions(&v);
    history(&mut s, Some(20), hb);
    assert_eq!(regional_breaches(&s), (1, Some("2026-04-17".into())));
    assert_eq!(s.eval.version_in_force().hash, hb);
    let st = status(&s);
    let versions: Vec<(Digest, &str)> = st
        .versions
        .in_force
        .iter()
        .map(|v| (v.hash, v.version.as_str()))
        .collect();
    assert_eq!(versions, vec![(h, "1.0.0"), (hb, "1.1.0")]);
    assert!(st.versions.not_applied.is_empty());
    assert!(st.versions.in_force[1].from > st.versions.in_force[0].from);

    // Amended on day 40: day 31 was decided under the text then in force
    // and keeps its result; day 46 is a breach under either.
    let mut s = start_versions(&v);
    history(&mut s, Some(40), hb);
    assert_eq!(regional_breaches(&s), (2, Some("2026-04-17".into())));
}

#[test]
fn without_the_amended_text_the_status_says_so() {
    let (a, h) = example();
    let (_, hb) = amended_example();
    let mut s = start(&a, h);
    s.days(20);
    let at = amend(&mut s, hb, &QUORUM).ok();
    // Judged by the old text, and said so.
    s.days(11);
    move_in(&mut s).ok();
    s.days(2);
    assert_eq!(regional_breaches(&s).0, 1);
    let st = status(&s);
    assert_eq!(st.versions.in_force.len(), 1);
    assert_eq!(st.versions.in_force[0].hash, h);
    assert_eq!(st.versions.not_applied.len(), 1);
    assert_eq!(st.versions.not_applied[0].entry, at);
    assert_eq!(st.versions.not_applied[0].hash, hb);
    assert!(
        st.versions.not_applied[0].why.contains("not supplied"),
        "{}",
        st.versions.not_applied[0].why
    );
    let json = serde_json::to_value(&st).unwrap();
    assert_eq!(json["versions"]["not_applied"][0]["entry"], json!(at));
    // Statements under the text nobody gave the evaluator: another agreement.
    s.name_version(hb);
    let w = move_in(&mut s);
    assert!(
        w.rejected
            .as_deref()
            .unwrap()
            .starts_with("other agreement"),
        "{:?}",
        w.rejected
    );
}

#[test]
fn statements_name_the_version_in_force_when_signed() {
    let (a, h) = example();
    let (b, hb) = amended_example();
    let v = versions(&a, h, &b, hb);
    let mut s = start_versions(&v);
    s.days(3);
    // Naming the amended text before the amendment is in the log.
    s.name_version(hb);
    let early = move_in(&mut s);
    assert!(
        early
            .rejected
            .as_deref()
            .unwrap()
            .starts_with("other agreement"),
        "{:?}",
        early.rejected
    );
    s.name_version(h);
    // Signed under the old text before the amendment, logged after it.
    s.wait_hours(1.0);
    let before = s.observe(
        "MISSION/1",
        "troop_movement",
        KHARKIV,
        json!({"personnel": 10}),
        json!({"sensor": "satellite", "evidence": evidence()}),
    );
    before.ok();
    s.wait_hours(1.0);
    amend(&mut s, hb, &QUORUM).ok();
    // After the amendment: the old name is refused, the new accepted.
    s.wait_hours(3.0);
    let after = move_in(&mut s);
    let why = after.rejected.expect("refused");
    assert!(why.starts_with("superseded: made under"), "{why}");
    assert!(why.contains(&hb.to_string()), "{why}");
    s.name_version(hb);
    move_in(&mut s).ok();
    // Signed under the old text before the amendment took effect (issued
    // before it), logged after it: it counts.
    s.name_version(h);
    s.wait_hours(-2.0);
    s.write(
        "certification",
        json!({"of": "transition", "target": "begin_verification", "statement": "ready"}),
        &["UA"],
    )
    .ok();
}

#[test]
fn an_amendment_short_of_quorum_changes_nothing() {
    let (a, h) = example();
    let (b, hb) = amended_example();
    let v = versions(&a, h, &b, hb);
    let mut s = start_versions(&v);
    s.days(20);
    let w = amend(&mut s, hb, &["UA", "RU"]);
    assert!(
        w.rejected
            .as_deref()
            .unwrap()
            .starts_with("amendment quorum"),
        "{:?}",
        w.rejected
    );
    s.days(11);
    move_in(&mut s).ok();
    s.days(2);
    assert_eq!(regional_breaches(&s).0, 1);
    assert_eq!(s.eval.version_in_force().hash, h);
    let st = status(&s);
    assert!(st.versions.in_force.is_empty() && st.versions.not_applied.is_empty());
    assert!(serde_json::to_value(&st).unwrap().get("versions").is_none());
}

#[test]
fn resuming_after_an_amendment_equals_a_full_replay() {
    let (a, h) = example();
    let (b, hb) = amended_example();
    let v = versions(&a, h, &b, hb);
    let mut s = start_versions(&v);
    history(&mut s, Some(20), hb);
    let entries = s.entries.clone();
    let full = {
        let mut e = Evaluator::with_versions(&v);
        for x in &entries {
            e.apply(x);
        }
        e.status().canonical()
    };
    assert_eq!(full, status(&s).canonical());
    let amendment = s.eval.state.amended[0].from as usize;
    for k in [amendment, amendment + 1, amendment + 5, entries.len()] {
        let mut first = Evaluator::with_versions(&v);
        for x in &entries[..k] {
            first.apply(x);
        }
        let stored = serde_json::to_string(&first.state).unwrap();
        let state: State = serde_json::from_str(&stored).unwrap();
        let mut second = Evaluator::resume_versions(&v, state.clone()).unwrap();
        for x in &entries[k..] {
            second.apply(x);
        }
        assert_eq!(full, second.status().canonical(), "resumed after {k}");
        // Without the amended text, a state it judges cannot be resumed.
        if k > amendment {
            let one = Versions::one(&a, h);
            assert!(Evaluator::resume_versions(&one, state).is_err());
        }
    }
}

#[test]
fn an_amended_text_must_be_the_same_agreement() {
    let (a, h) = example();
    let (b, _) = amended_example();
    let other = accord_example::AGREEMENT_TOML.replacen("id = \"", "id = \"other-", 1);
    let checked = accord::agreement::check(
        accord_example::AGREEMENT_PATH,
        &other,
        &accord_example::EmbeddedLoader,
    );
    let (c, hc) = (checked.agreement.unwrap(), checked.hash.unwrap());
    let e = Versions::new(
        Version {
            agreement: &a,
            hash: h,
        },
        [Version {
            agreement: &c,
            hash: hc,
        }],
    )
    .unwrap_err();
    assert!(e.to_string().contains("must be the same agreement"), "{e}");
    let _ = b;
}
