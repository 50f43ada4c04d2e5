//! What the evaluator's tests share: the Ukraine example walked through
//! its phases with the demonstration keys (see `scenarios.rs` for the
//! times and places).
#![allow(dead_code)] // each test file uses its own part of it

pub mod ops;

use accord::agreement::Agreement;
use accord::evaluate::{At, Status, TrancheState};
use accord::statement::{Digest, Time};
use accord_example::{self as example, Script, Written};
use serde_json::{Value, json};

pub const D: &str = "2026-03-02T10:00:00Z";

/// Places (lon, lat), with what the example's annex says of them.
/// Kramatorsk: Ukrainian-held, 22.5 km from the line.
pub const KRAMATORSK: (f64, f64) = (37.58, 48.74);
/// Donetsk city: Russian-held, 39 km from the 2025 line, 18 km from 2024's.
pub const DONETSK: (f64, f64) = (37.80, 48.00);
/// Horlivka: Russian-held, in the security zone (14.9 km from the line).
pub const HORLIVKA: (f64, f64) = (38.03, 48.33);
/// Near the Siversk crossing, Russian-held side.
pub const SIVERSK: (f64, f64) = (38.097, 48.862);

pub fn example() -> (Agreement, Digest) {
    example::agreement()
}

/// The example amended: the regional withdrawal (Kharkiv, Sumy,
/// Dnipropetrovsk) due by D+45 instead of D+30, as version 1.1.0.
pub fn amended_example() -> (Agreement, Digest) {
    let text = example::AGREEMENT_TOML;
    let from = "from = \"D+30\"\ncondition = \"troop_movements == 0";
    assert_eq!(
        text.matches(from).count(),
        1,
        "the regional withdrawal's deadline"
    );
    let text = text
        .replacen(
            from,
            "from = \"D+45\"\ncondition = \"troop_movements == 0",
            1,
        )
        .replacen("version = \"1.0.0\"", "version = \"1.1.0\"", 1);
    let checked =
        accord::agreement::check(example::AGREEMENT_PATH, &text, &example::EmbeddedLoader);
    match (checked.agreement, checked.hash) {
        (Some(a), Some(h)) => (a, h),
        _ => panic!(
            "the amended example does not check:\n{}",
            accord::diag::render_plain(&checked.diags, &checked.sources, 100)
        ),
    }
}

pub fn t(s: &str) -> Time {
    Time(s.parse().unwrap())
}

pub fn at(time: &str, index: u64) -> At {
    At {
        time: t(time),
        index,
    }
}

/// Evidence as a report cites it: the SHA-256 of a (pretend) video file. A
/// placeholder digest (`sha256:abab…`) would not count as evidence.
pub fn evidence() -> Value {
    json!([{"sha256": Digest::of(b"video of the event, 4 minutes"), "media_type": "video/mp4"}])
}

/// Adoption and accreditation of one monitor each for the Mission and the
/// two parts of the JCCC: entries 0 to 3, all at D. From then on the
/// Mission's patrols cover every zone each day (a coverage statement a
/// minute before each cut-off, see `Script::patrol`): without coverage no
/// period could be assessed.
pub fn start(a: &Agreement, h: Digest) -> Script<'_> {
    let mut s = Script::new(a, h, D.parse().unwrap());
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    s.accredit("JCCC_UA", 1).ok();
    s.accredit("JCCC_RU", 1).ok();
    s.patrol("MISSION/1", &[]);
    s
}

/// A heavy bombardment of Kramatorsk seen by the Mission's drone, with
/// video, attributed to the Russian Federation: an armed attack.
pub fn armed_attack(s: &mut Script<'_>) -> Written {
    s.observe(
        "MISSION/1",
        "ceasefire_violation",
        KRAMATORSK,
        json!({"events": [{"type": "explosion", "count": 24, "weapon_class": "artillery_100mm", "direction": "incoming"}]}),
        json!({"sensor": "uav", "evidence": evidence(), "assessment": {"responsible": "RU", "confidence": "high", "basis": "crater analysis"}}),
    )
}

/// Walks to the verification phase: the three certifications at D+1h
/// (entries 4, 5, 6), then quiet days (each with the Mission's coverage
/// statement and the operator's status statement) until the transition
/// fires at the end of the period of D+14 (16 March, 17:30 UTC), in entry
/// 36.
pub fn to_verification(s: &mut Script<'_>) {
    s.wait_hours(1.0);
    s.certify("transition", "begin_verification", &["UA"]).ok();
    s.certify("transition", "begin_verification", &["RU"]).ok();
    s.certify("transition", "begin_verification", &["MISSION"])
        .ok();
    s.wait_hours(-1.0);
    s.days(15);
    let st = s.eval.status();
    assert_eq!(
        st.phase.id.as_deref(),
        Some("verification"),
        "{:#?}",
        st.pending
    );
}

/// Walks on to stabilisation: certified ahead by Ukraine (entry 37), the
/// Mission and the United States (entry 38), effective when the verification phase has
/// lasted 30 days with 30 quiet days.
pub fn to_stabilisation(s: &mut Script<'_>) {
    s.wait_hours(2.0);
    s.certify("transition", "ceasefire_verified", &["UA"]).ok();
    s.wait_hours(-2.0);
    let w = {
        let body =
            json!({"of": "transition", "target": "ceasefire_verified", "statement": "verified"});
        s.write("certification", body, &["MISSION", "US"])
    };
    w.ok();
    s.days(31);
    assert_eq!(s.eval.status().phase.id.as_deref(), Some("stabilisation"));
}

pub fn status(s: &Script<'_>) -> Status {
    s.eval.status()
}

/// In stabilisation with the first tranche certified: returns its entry.
pub fn tranche_in_force(s: &mut Script<'_>) -> u64 {
    to_verification(s);
    to_stabilisation(s);
    let w = s.certify("tranche", "us_tranche_1", &["UA", "US"]).ok();
    assert_eq!(
        status(s).tranches["us_tranche_1"].state,
        TrancheState::InForce
    );
    w
}
