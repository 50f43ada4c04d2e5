//! Who may verify what: verification rules that name organisations (`by`)
//! and kinds of organisation (`kinds`), the rule no agreement can switch off
//! (one party's organisations alone never verify a charge against another
//! party), evidence that is not evidence (placeholder digests), and the
//! author of a disputed report, who does not decide the dispute.
//!
//! Each test writes a short history under the Ukraine example (or the
//! example with other verification rules, where a test needs a rule the
//! example does not have) with the demonstration keys, as `scenarios.rs`
//! does: entries 0 to 3 are the adoption and three accreditations at D
//! (see `common::start`).

mod common;

use common::*;

use accord::agreement::Agreement;
use accord::diag::render_plain;
use accord::statement::Digest;
use accord_example::{self as example, Script, Written};
use serde_json::{Value, json};

/// The assessment of a reporter holding `party` responsible.
fn against(party: &str) -> Value {
    json!({"assessment": {"responsible": party, "confidence": "high", "basis": "direction of fire"}})
}

/// A ceasefire violation reported by `by` at `at`.
fn violation(s: &mut Script<'_>, by: &str, at: (f64, f64), extra: Value) -> Written {
    s.observe(
        by,
        "ceasefire_violation",
        at,
        json!({"events": [{"type": "explosion", "count": 3}]}),
        extra,
    )
}

/// `extra` with these fields too.
fn with(mut extra: Value, more: Value) -> Value {
    if let (Some(e), Some(m)) = (extra.as_object_mut(), more.as_object()) {
        for (k, v) in m {
            e.insert(k.clone(), v.clone());
        }
    }
    extra
}

/// Whether the observation written as `w` counts as verified now.
fn verified(s: &Script<'_>, w: &Written) -> bool {
    s.eval
        .state
        .obs
        .iter()
        .find(|o| o.index == w.ok())
        .expect("an accepted observation")
        .counts()
}

/// The name of the demonstration key of the Ukrainian police's monitoring
/// unit, an organisation only the variants of the example have.
const UA_POLICE_KEY: &str = "police.ua.accord.example/hq";

/// The example with `rules` as its `[[verification.rules]]`, and a second
/// organisation affiliated with Ukraine (`UA_POLICE`, of kind `party`).
fn example_with_rules(rules: &str) -> (Agreement, Digest) {
    let text = example::AGREEMENT_TOML;
    let from = text.find("[[verification.rules]]").expect("rules");
    let to = text.find("[verification.disputes]").expect("disputes");
    let operator = text.find("[operator]").expect("operator");
    assert!(operator < from);
    let police = format!(
        "[organisations.UA_POLICE]\nname = \"National Police of Ukraine, monitoring unit\"\nkind = \"party\"\naffiliation = \"UA\"\nkeys = [\"{}\"]\n\n",
        example::key(UA_POLICE_KEY).verifier()
    );
    let text = format!(
        "{}{police}{}{rules}\n{}",
        &text[..operator],
        &text[operator..from],
        &text[to..]
    );
    let checked =
        accord::agreement::check(example::AGREEMENT_PATH, &text, &example::EmbeddedLoader);
    match (checked.agreement, checked.hash) {
        (Some(a), Some(h)) => (a, h),
        _ => panic!(
            "the variant does not check:\n{}",
            render_plain(&checked.diags, &checked.sources, 100)
        ),
    }
}

/// The errors `accord check` reports for the example with `rules` as its
/// `[[verification.rules]]`, rendered as it prints them.
fn errors_with_rules(rules: &str) -> String {
    let text = example::AGREEMENT_TOML;
    let from = text.find("[[verification.rules]]").expect("rules");
    let to = text.find("[verification.disputes]").expect("disputes");
    let text = format!("{}{rules}\n{}", &text[..from], &text[to..]);
    let checked =
        accord::agreement::check(example::AGREEMENT_PATH, &text, &example::EmbeddedLoader);
    assert!(checked.agreement.is_none(), "it checked clean");
    render_plain(&checked.diags, &checked.sources, 100)
}

/// Any one organisation verifies, with no evidence: the rule that would
/// let one side's monitors verify anything, but for the built-in rule.
const ANY_ONE: &str = r#"
[[verification.rules]]
id = "any_one_organisation"
organisations = 1
"#;

/// One organisation with evidence from a drone: what the example's rule
/// `mission_with_evidence` said before it named the Mission.
const ANY_ONE_WITH_EVIDENCE: &str = r#"
[[verification.rules]]
id = "one_with_evidence"
organisations = 1
with_evidence = true
sensors = ["uav", "camera", "satellite"]
"#;

/// Two organisations, not necessarily independent.
const ANY_TWO: &str = r#"
[[verification.rules]]
id = "two_organisations"
organisations = 2
independent = false
within_minutes = 120
within_km = 5
"#;

// --- the Mission's own reports ----------------------------------------------------

#[test]
fn a_mission_patrol_report_alone_is_verified_and_counts() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    // `Script::observe` reports from a patrol unless told otherwise.
    let patrol = violation(&mut s, "MISSION/1", HORLIVKA, against("UA"));
    assert!(verified(&s, &patrol));
    // Heard, not seen: acoustic sensors are not first-hand for the rule,
    // and nobody else reported it.
    let heard = violation(
        &mut s,
        "MISSION/1",
        DONETSK,
        with(against("UA"), json!({"sensor": "acoustic"})),
    );
    assert!(!verified(&s, &heard));
    s.wait_hours(-1.0);
    s.days(1);
    let st = status(&s);
    assert_eq!(st.observations.verified, 1);
    assert_eq!(st.clauses["ceasefire"].by_party["UA"].breaches, 1);
    assert_eq!(st.clauses["ceasefire"].by_party["RU"].breaches, 0);
}

// --- one side's monitors against the other side -------------------------------------

#[test]
fn jccc_ua_alone_never_verifies_a_charge_against_ru_in_the_example() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let seen = violation(&mut s, "JCCC_UA/1", HORLIVKA, against("RU"));
    let filmed = violation(
        &mut s,
        "JCCC_UA/1",
        DONETSK,
        with(
            against("RU"),
            json!({"sensor": "uav", "evidence": evidence()}),
        ),
    );
    // Its own headquarters agreeing is the same organisation.
    s.corroborate("JCCC_UA", &filmed, true);
    assert!(!verified(&s, &seen));
    assert!(!verified(&s, &filmed));
    s.wait_hours(-1.0);
    s.days(1);
    let st = status(&s);
    assert_eq!(st.observations.verified, 0);
    assert_eq!(st.clauses["ceasefire"].by_party["RU"].breaches, 0);
}

#[test]
fn one_side_alone_never_verifies_a_charge_against_the_other_even_under_a_one_organisation_rule() {
    for rules in [ANY_ONE, ANY_ONE_WITH_EVIDENCE] {
        let (a, h) = example_with_rules(rules);
        let mut s = start(&a, h);
        s.wait_hours(1.0);
        let drone = |blame: Value| with(blame, json!({"sensor": "uav", "evidence": evidence()}));
        let charge = violation(&mut s, "JCCC_UA/1", HORLIVKA, drone(against("RU")));
        assert!(!verified(&s, &charge), "{rules}");
        // The same rule verifies what is no charge against the other side:
        // an unattributed report, and an admission.
        let unattributed = violation(&mut s, "JCCC_UA/1", DONETSK, drone(json!({})));
        assert!(verified(&s, &unattributed), "{rules}");
        let admission = violation(&mut s, "JCCC_UA/1", KRAMATORSK, drone(against("UA")));
        assert!(verified(&s, &admission), "{rules}");
        // And the other side, against the first.
        let other = violation(&mut s, "JCCC_RU/1", SIVERSK, drone(against("UA")));
        assert!(!verified(&s, &other), "{rules}");
        s.wait_hours(-1.0);
        s.days(1);
        let st = status(&s);
        assert_eq!(
            st.clauses["ceasefire"].by_party["RU"].breaches, 0,
            "{rules}"
        );
        assert_eq!(
            st.clauses["ceasefire"].by_party["UA"].breaches, 1,
            "{rules}"
        );
    }
}

#[test]
fn a_charge_reported_by_one_side_is_verified_later_only_by_a_corroboration_that_may_verify_it() {
    let (a, h) = example_with_rules(ANY_ONE);
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let charge = violation(&mut s, "JCCC_UA/1", HORLIVKA, against("RU"));
    // Another organisation of the same side agreeing changes nothing.
    s.corroborate("UA_POLICE", &charge, true).ok();
    assert!(!verified(&s, &charge));
    // The Mission agreeing verifies it (a quarter of an hour later: the
    // same corroboration at the same time would be the same statement).
    s.wait_hours(0.25);
    let mission = s.corroborate("MISSION/1", &charge, true).ok();
    assert!(verified(&s, &charge));
    let o = s.eval.state.obs.iter().find(|o| o.index == charge.index);
    assert_eq!(o.and_then(|o| o.verified_at), Some(mission));
}

#[test]
fn two_organisations_of_one_side_do_not_verify_a_charge_against_the_other() {
    let (a, h) = example_with_rules(ANY_TWO);
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    // Reported by one and corroborated by the other.
    let corroborated = violation(&mut s, "JCCC_UA/1", HORLIVKA, against("RU"));
    s.corroborate("UA_POLICE", &corroborated, true).ok();
    assert!(!verified(&s, &corroborated));
    // Reported by both, 1 km apart.
    let first = violation(&mut s, "JCCC_UA/1", DONETSK, against("RU"));
    let second = violation(
        &mut s,
        "UA_POLICE",
        (DONETSK.0 + 0.013, DONETSK.1),
        against("RU"),
    );
    assert!(!verified(&s, &first) && !verified(&s, &second));
    // The rule itself would verify two of them: an unattributed report.
    let unattributed = violation(&mut s, "JCCC_UA/1", KRAMATORSK, json!({}));
    s.corroborate("UA_POLICE", &unattributed, true).ok();
    assert!(verified(&s, &unattributed));
    // And the other side's officers agreeing is an admission.
    s.wait_hours(0.25);
    s.corroborate("JCCC_RU/1", &corroborated, true).ok();
    assert!(verified(&s, &corroborated));
}

#[test]
fn jccc_ua_and_jccc_ru_together_verify() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let by_ua = violation(&mut s, "JCCC_UA/1", HORLIVKA, against("RU"));
    s.corroborate("JCCC_RU/1", &by_ua, true).ok();
    assert!(verified(&s, &by_ua));
    // Both reporting the same event, 2 km apart.
    let by_ru = violation(&mut s, "JCCC_RU/1", KRAMATORSK, against("UA"));
    assert!(!verified(&s, &by_ru));
    let again = violation(
        &mut s,
        "JCCC_UA/1",
        (KRAMATORSK.0 + 0.027, KRAMATORSK.1),
        against("UA"),
    );
    assert!(verified(&s, &by_ru) && verified(&s, &again));
    s.wait_hours(-1.0);
    s.days(1);
    let st = status(&s);
    assert_eq!(st.clauses["ceasefire"].by_party["RU"].breaches, 1);
    assert_eq!(st.clauses["ceasefire"].by_party["UA"].breaches, 1);
}

// --- evidence ----------------------------------------------------------------------

#[test]
fn a_placeholder_digest_is_not_evidence() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let imagery = |s: &mut Script<'_>, at: (f64, f64), digest: String| {
        violation(
            s,
            "IMAGERY",
            at,
            with(
                against("RU"),
                json!({"sensor": "satellite", "evidence": [{"sha256": digest, "media_type": "image/tiff"}]}),
            ),
        )
    };
    for (digest, at) in [
        (format!("sha256:{}", "ab".repeat(32)), HORLIVKA),
        (format!("sha256:{}", "00".repeat(32)), DONETSK),
        // The SHA-256 of an empty file.
        (Digest::of(b"").to_string(), SIVERSK),
    ] {
        let w = imagery(&mut s, at, digest.clone());
        assert!(!verified(&s, &w), "{digest} counted as evidence");
    }
    let real = imagery(
        &mut s,
        KRAMATORSK,
        Digest::of(b"scene 2026-03-02, tile 37-48").to_string(),
    );
    assert!(verified(&s, &real));
    assert_eq!(status(&s).observations.verified, 1);
}

// --- `by` and `kinds` ----------------------------------------------------------------

#[test]
fn by_and_kinds_count_only_the_organisations_they_name() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let filmed = json!({"sensor": "uav", "evidence": evidence()});
    // Open sources with the video: neither the Mission nor technical means.
    let osint = violation(&mut s, "OSINT", HORLIVKA, with(json!({}), filmed.clone()));
    assert!(!verified(&s, &osint));
    // The imagery provider's drone with the video: technical means.
    let imagery = violation(&mut s, "IMAGERY", DONETSK, with(json!({}), filmed.clone()));
    assert!(verified(&s, &imagery));
    // The imagery provider without it: `with_evidence` holds for technical
    // means, and the first-hand rule is the Mission's alone.
    let told = violation(&mut s, "IMAGERY", SIVERSK, json!({}));
    assert!(!verified(&s, &told));
    // An agreeing corroboration by the Mission counts as the Mission's:
    // a JCCC patrol report the Mission's patrol confirms.
    let jccc = violation(&mut s, "JCCC_RU/1", KRAMATORSK, json!({}));
    assert!(!verified(&s, &jccc));
    s.corroborate("MISSION/1", &jccc, true).ok();
    assert!(verified(&s, &jccc));
}

#[test]
fn a_rule_of_one_kind_ignores_every_other_kind() {
    let rules = r#"
[[verification.rules]]
id = "party_monitors"
organisations = 1
kinds = ["party"]
"#;
    let (a, h) = example_with_rules(rules);
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    // The Mission is not a party's: its report is not verified here.
    let mission = violation(&mut s, "MISSION/1", HORLIVKA, json!({}));
    assert!(!verified(&s, &mission));
    // A party's organisation, admitting: verified.
    let admission = violation(&mut s, "JCCC_RU/1", DONETSK, against("RU"));
    assert!(verified(&s, &admission));
    // A party's organisation against the other side: the built-in rule,
    // whatever `kinds` says.
    let charge = violation(&mut s, "JCCC_RU/1", KRAMATORSK, against("UA"));
    assert!(!verified(&s, &charge));
    // The Mission agreeing does not count under this rule either.
    s.corroborate("MISSION/1", &charge, true).ok();
    assert!(!verified(&s, &charge));
}

// --- disputes: who decides -------------------------------------------------------------

#[test]
fn the_author_of_a_report_cannot_resolve_its_dispute() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let attack = armed_attack(&mut s);
    assert!(verified(&s, &attack));
    s.wait_hours(1.0);
    let lodge = s.dispute(
        "lodge",
        &attack,
        json!({"subject": "attribution", "grounds": "not our unit"}),
        &["RU"],
    );
    lodge.ok();
    // The Mission reported it: its decision is refused.
    let own = s.dispute(
        "resolve",
        &lodge,
        json!({"outcome": "rejected"}),
        &["MISSION"],
    );
    let why = own.rejected.expect("the author's resolution is refused");
    assert!(
        why.starts_with("dispute author: MISSION made the disputed report"),
        "{why}"
    );
    assert_eq!(status(&s).observations.disputed, 1);
    // Not even with one signatory beside it.
    let with_ua = s.dispute(
        "resolve",
        &lodge,
        json!({"outcome": "rejected"}),
        &["MISSION", "UA"],
    );
    assert!(with_ua.rejected.is_some());
    // The two signatories together decide it.
    s.dispute(
        "resolve",
        &lodge,
        json!({"outcome": "upheld"}),
        &["UA", "RU"],
    )
    .ok();
    let st = status(&s);
    assert_eq!(
        (st.observations.disputed, st.observations.withdrawn),
        (0, 1)
    );
    assert_eq!(st.rejected["dispute author"], 2);
}

#[test]
fn a_corroborator_may_resolve_a_dispute_of_another_organisations_report() {
    let (a, h) = example();
    let mut s = start(&a, h);
    s.wait_hours(1.0);
    let charge = violation(&mut s, "JCCC_UA/1", HORLIVKA, against("RU"));
    s.corroborate("MISSION/1", &charge, true).ok();
    assert!(verified(&s, &charge));
    s.wait_hours(1.0);
    let lodge = s.dispute(
        "lodge",
        &charge,
        json!({"subject": "facts", "grounds": "no fire that day"}),
        &["RU"],
    );
    lodge.ok();
    s.dispute(
        "resolve",
        &lodge,
        json!({"outcome": "upheld"}),
        &["MISSION"],
    )
    .ok();
    assert_eq!(status(&s).observations.withdrawn, 1);
}

// --- disputes: reattribution ------------------------------------------------------------

/// Under `ANY_TWO`: a violation reported by Ukraine's JCCC officers,
/// attributed to nobody, corroborated by Ukraine's police (verified), and
/// disputed by Russia. Returns the report and the dispute.
fn verified_unattributed_then_disputed(s: &mut Script<'_>) -> (Written, Written) {
    s.wait_hours(1.0);
    let report = violation(s, "JCCC_UA/1", HORLIVKA, json!({}));
    s.corroborate("UA_POLICE", &report, true).ok();
    assert!(verified(s, &report));
    let lodge = s.dispute(
        "lodge",
        &report,
        json!({"subject": "attribution", "grounds": "the origin is not established"}),
        &["RU"],
    );
    lodge.ok();
    (report, lodge)
}

fn reattribute(s: &mut Script<'_>, lodge: &Written, to: &str) -> Written {
    s.dispute(
        "resolve",
        lodge,
        json!({"outcome": "reattributed", "assessment": {"responsible": to, "confidence": "medium", "basis": "crater analysis"}}),
        &["MISSION"],
    )
}

#[test]
fn a_reattribution_does_not_smuggle_in_a_verification_by_one_side_alone() {
    let (a, h) = example_with_rules(ANY_TWO);
    let mut s = start(&a, h);
    let (report, lodge) = verified_unattributed_then_disputed(&mut s);
    reattribute(&mut s, &lodge, "RU").ok();
    // Now a charge against Russia that only Ukraine's organisations made.
    assert!(!verified(&s, &report));
    assert_eq!(status(&s).observations.verified, 0);
    s.wait_hours(-1.0);
    s.days(1);
    assert_eq!(status(&s).clauses["ceasefire"].by_party["RU"].breaches, 0);
    // Verified again once an organisation that may verify it agrees.
    let mission = s.corroborate("MISSION/1", &report, true).ok();
    let o = s.eval.state.obs.iter().find(|o| o.index == report.index);
    assert_eq!(o.and_then(|o| o.verified_at), Some(mission));
    let st = status(&s);
    assert_eq!(st.clauses["ceasefire"].by_party["RU"].breaches, 1);
    assert_eq!(st.clauses["ceasefire"].by_party["RU"].revised, 1);
}

#[test]
fn a_reattribution_the_verifiers_may_verify_keeps_the_verification() {
    let (a, h) = example_with_rules(ANY_TWO);
    let mut s = start(&a, h);
    let (report, lodge) = verified_unattributed_then_disputed(&mut s);
    let first = s
        .eval
        .state
        .obs
        .iter()
        .find(|o| o.index == report.index)
        .and_then(|o| o.verified_at);
    // Charged to Ukraine, whose organisations reported it: an admission.
    reattribute(&mut s, &lodge, "UA").ok();
    let o = s.eval.state.obs.iter().find(|o| o.index == report.index);
    assert_eq!(o.and_then(|o| o.verified_at), first);
    assert_eq!(status(&s).observations.verified, 1);
}

// --- the agreement ---------------------------------------------------------------------

#[test]
fn the_example_names_who_verifies() {
    let (a, _) = example();
    let rules: Vec<(&str, Vec<&str>)> = a
        .verification
        .rules
        .iter()
        .map(|r| {
            (
                r.id.get_ref().as_str(),
                r.by.iter().map(|b| b.get_ref().as_str()).collect(),
            )
        })
        .collect();
    assert!(
        rules.contains(&("mission_first_hand", vec!["MISSION"])),
        "{rules:?}"
    );
    let first_hand = &a.verification.rules[0];
    assert!(first_hand.sensors.iter().any(|s| s.get_ref() == "patrol"));
    assert!(!first_hand.with_evidence);
}

#[test]
fn an_unknown_organisation_in_by_is_an_error_with_a_suggestion() {
    let out = errors_with_rules(
        r#"[[verification.rules]]
id = "mission_first_hand"
organisations = 1
by = ["MISION"]
"#,
    );
    assert!(out.contains("unknown organisation `MISION`"), "{out}");
    assert!(out.contains("did you mean `MISSION`?"), "{out}");
    assert!(
        out.contains("examples/ukraine-2025/agreement.toml:"),
        "{out}"
    );
}

#[test]
fn an_unknown_kind_is_an_error_with_a_suggestion() {
    let out = errors_with_rules(
        r#"[[verification.rules]]
id = "technical_means"
organisations = 1
kinds = ["technicle"]
"#,
    );
    assert!(
        out.contains("`technicle` is not a kind of organisation"),
        "{out}"
    );
    assert!(out.contains("did you mean `technical`?"), "{out}");
}

#[test]
fn a_rule_needing_more_organisations_than_it_counts_is_an_error() {
    let out = errors_with_rules(
        r#"[[verification.rules]]
id = "two_missions"
organisations = 2
by = ["MISSION"]
"#,
    );
    assert!(
        out.contains(
            "rule `two_missions` needs 2 organisations; those its `by` and `kinds` admit count as 1"
        ),
        "{out}"
    );
    // The two sides of the JCCC answer to two parties: two independent ones.
    let (a, _) = example_with_rules(
        r#"[[verification.rules]]
id = "jccc"
organisations = 2
by = ["JCCC_UA", "JCCC_RU"]
"#,
    );
    assert_eq!(*a.verification.rules[0].organisations.get_ref(), 2);
}
