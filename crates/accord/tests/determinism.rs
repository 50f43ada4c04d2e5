//! The evaluator is a function: the same log gives the same status, byte
//! for byte; and stopping after any entry, storing the state, and resuming
//! gives what a full replay gives. Checked over random histories under the
//! Ukraine example (observations of every kind, corroborations, disputes,
//! certifications by random signers, status statements, days passing,
//! forged and malformed entries).

use accord::agreement::Agreement;
use accord::evaluate::{Evaluator, Prepared, State};
use accord::example::{self, Script, Written};
use accord::statement::Digest;
use proptest::prelude::*;
use serde_json::json;
use tlog::note::NoteVerifier;

#[derive(Clone, Debug)]
enum Op {
    Wait(u8),
    Days(u8),
    Observe {
        category: u8,
        place: u8,
        by: u8,
        evidence: bool,
        blame: u8,
        back_hours: u8,
    },
    Corroborate {
        of: u8,
        by: u8,
        agrees: bool,
    },
    Lodge {
        of: u8,
        by: u8,
    },
    Decide {
        of: u8,
        outcome: u8,
    },
    Certify {
        what: u8,
        signers: u16,
    },
    Status,
    Forge {
        of: u8,
    },
    Garbage,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (0u8..30).prop_map(Op::Wait),
        2 => (1u8..6).prop_map(Op::Days),
        8 => (0u8..8, 0u8..6, 0u8..6, any::<bool>(), 0u8..3, 0u8..60).prop_map(|(category, place, by, evidence, blame, back_hours)| {
            Op::Observe { category, place, by, evidence, blame, back_hours }
        }),
        3 => (any::<u8>(), 0u8..6, any::<bool>()).prop_map(|(of, by, agrees)| Op::Corroborate { of, by, agrees }),
        1 => (any::<u8>(), 0u8..3).prop_map(|(of, by)| Op::Lodge { of, by }),
        1 => (any::<u8>(), 0u8..4).prop_map(|(of, outcome)| Op::Decide { of, outcome }),
        3 => (0u8..9, any::<u16>()).prop_map(|(what, signers)| Op::Certify { what, signers }),
        1 => Just(Op::Status),
        1 => any::<u8>().prop_map(|of| Op::Forge { of }),
        1 => Just(Op::Garbage),
    ]
}

const PLACES: [(f64, f64); 6] = [
    (37.58, 48.74),
    (37.80, 48.00),
    (38.03, 48.33),
    (38.097, 48.862),
    (36.94, 50.29),
    (37.85, 48.60),
];
const REPORTERS: [&str; 6] = [
    "MISSION/1",
    "MISSION/2",
    "JCCC_UA/1",
    "JCCC_RU/1",
    "IMAGERY",
    "OSINT",
];
const SIGNERS: [&str; 10] = [
    "UA", "RU", "US", "UK", "FR", "DE", "IT", "EU", "MISSION", "JCCC_UA",
];
const CERTS: [(&str, &str); 9] = [
    ("transition", "begin_verification"),
    ("transition", "ceasefire_verified"),
    ("transition", "verification_failed"),
    ("transition", "withdrawals_complete"),
    ("tranche", "us_tranche_1"),
    ("tranche", "eu_tranche_2"),
    ("snapback_notice", "us_tranche_1"),
    ("continue_relief", "us_tranche_1"),
    ("guarantee_decision", "collective_defence"),
];

fn details(category: u8) -> (&'static str, serde_json::Value) {
    match category {
        0 => (
            "ceasefire_violation",
            json!({"events": [{"type": "explosion", "count": 25, "weapon_class": "artillery_100mm"}]}),
        ),
        1 => (
            "ceasefire_violation",
            json!({"events": [{"type": "shot", "count": 3}]}),
        ),
        2 => (
            "weapon_sighting",
            json!({"system": "2S19 Msta-S", "count": 1, "status": "in_violation_of_withdrawal_line"}),
        ),
        3 => ("troop_movement", json!({"personnel": 30})),
        4 => ("freedom_of_movement", json!({"restriction": "denial"})),
        5 => (
            "civilian_casualties",
            json!({"killed": 1, "injured": 2, "cause": "shelling"}),
        ),
        6 => (
            "crossing_status",
            json!({"crossing": "crossing_siversk", "status": "closed"}),
        ),
        _ => (
            "prisoner_exchange",
            json!({"released_by": "UA", "count": 10}),
        ),
    }
}

/// Writes a history; returns its entries.
fn history(a: &Agreement, h: Digest, ops: &[Op]) -> Vec<Vec<u8>> {
    let mut s = Script::new(a, h, "2026-03-02T10:00:00Z".parse().unwrap());
    s.adopt();
    s.accredit("MISSION", 1);
    s.accredit("MISSION", 2);
    s.accredit("JCCC_UA", 1);
    s.accredit("JCCC_RU", 1);
    let mut observations: Vec<Written> = vec![];
    let mut disputes: Vec<Written> = vec![];
    for op in ops {
        match op {
            Op::Wait(h) => {
                s.wait_hours(f64::from(*h));
            }
            Op::Days(n) => {
                s.days(u32::from(*n));
            }
            Op::Observe {
                category,
                place,
                by,
                evidence,
                blame,
                back_hours,
            } => {
                let (cat, d) = details(*category);
                let mut extra = json!({"sensor": if *evidence { "uav" } else { "patrol" }});
                if *evidence {
                    extra["evidence"] = json!([{"sha256": format!("sha256:{}", "ab".repeat(32)), "media_type": "image/jpeg"}]);
                }
                if *blame > 0 {
                    let party = ["UA", "RU"][usize::from(*blame - 1)];
                    extra["assessment"] = json!({"responsible": party, "confidence": "medium"});
                }
                // Some reports arrive late.
                s.wait_hours(-f64::from(*back_hours));
                let now = s.now;
                s.wait_hours(f64::from(*back_hours));
                let when = accord::statement::Time(now);
                extra["observed"] = json!({"from": when});
                let w = s.observe(
                    REPORTERS[usize::from(*by)],
                    cat,
                    PLACES[usize::from(*place)],
                    d,
                    extra,
                );
                observations.push(w);
            }
            Op::Corroborate { of, by, agrees } if !observations.is_empty() => {
                let target = observations[usize::from(*of) % observations.len()].clone();
                s.corroborate(REPORTERS[usize::from(*by)], &target, *agrees);
            }
            Op::Lodge { of, by } if !observations.is_empty() => {
                let target = observations[usize::from(*of) % observations.len()].clone();
                let party = ["RU", "UA", "US"][usize::from(*by)];
                let w = s.dispute(
                    "lodge",
                    &target,
                    json!({"subject": "facts", "grounds": "denied"}),
                    &[party],
                );
                disputes.push(w);
            }
            Op::Decide { of, outcome } if !disputes.is_empty() => {
                let target = disputes[usize::from(*of) % disputes.len()].clone();
                let (action, extra, by) = match outcome {
                    0 => ("resolve", json!({"outcome": "upheld"}), "MISSION"),
                    1 => ("resolve", json!({"outcome": "rejected"}), "MISSION"),
                    2 => (
                        "resolve",
                        json!({"outcome": "reattributed", "assessment": {"responsible": "UA", "confidence": "low"}}),
                        "MISSION",
                    ),
                    _ => ("withdraw", json!({}), "RU"),
                };
                s.dispute(action, &target, extra, &[by]);
            }
            Op::Certify { what, signers } => {
                let (of, target) = CERTS[usize::from(*what)];
                let by: Vec<&str> = SIGNERS
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| signers & (1 << i) != 0)
                    .map(|(_, s)| *s)
                    .collect();
                let by = if by.is_empty() { vec!["UA"] } else { by };
                s.certify(of, target, &by);
            }
            Op::Status => {
                s.status();
            }
            Op::Forge { of } => {
                let mut e = s.entries[usize::from(*of) % s.entries.len()].clone();
                let n = e.len();
                e[n - 3] ^= 4;
                s.append(e);
            }
            Op::Garbage => {
                s.append(b"not a statement\n".to_vec());
            }
            _ => {}
        }
    }
    s.entries
}

fn replay(a: &Agreement, h: Digest, entries: &[Vec<u8>]) -> String {
    let mut e = Evaluator::new(a, h);
    for x in entries {
        e.apply(x);
    }
    e.status().canonical()
}

/// The way an audit replays: entries prepared on another thread, their
/// signatures checked beforehand (here strictly, one by one, with the key
/// the example derives from each line's name), then applied in order.
fn replay_prepared(a: &Agreement, h: Digest, entries: &[Vec<u8>]) -> String {
    let mut e = Evaluator::new(a, h);
    let preparer = e.preparer();
    let mut prepared: Vec<Prepared> = std::thread::scope(|s| {
        s.spawn(|| entries.iter().map(|x| preparer.prepare(x)).collect())
            .join()
            .unwrap()
    });
    let verified: Vec<Vec<(String, u32, [u8; 32])>> = prepared
        .iter()
        .map(|p| match &p.statement {
            Ok(s) => s
                .note
                .signatures()
                .iter()
                .filter_map(|line| {
                    let k = example::key(&line.name).verifier();
                    (k.key_id() == line.key_id
                        && k.verify(s.note.text().as_bytes(), &line.signature))
                    .then(|| (line.name.clone(), line.key_id, k.public_key().to_bytes()))
                })
                .collect(),
            Err(_) => vec![],
        })
        .collect();
    // In two chunks, as a replay applies them.
    let half = prepared.len() / 2;
    let (first, second) = prepared.split_at_mut(half);
    e.apply_prepared_all(first, &verified[..half]);
    e.apply_prepared_all(second, &verified[half..]);
    e.status().canonical()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn incremental_evaluation_equals_a_full_replay(ops in prop::collection::vec(op(), 1..120), cut in any::<prop::sample::Index>()) {
        let (a, h) = example::agreement();
        let entries = history(&a, h, &ops);
        let full = replay(&a, h, &entries);
        // Again: the same bytes; and the same prepared elsewhere.
        prop_assert_eq!(&full, &replay(&a, h, &entries));
        prop_assert_eq!(&full, &replay_prepared(&a, h, &entries));
        // Stop anywhere, store the state as JSON, resume.
        let k = cut.index(entries.len() + 1);
        let mut first = Evaluator::new(&a, h);
        for x in &entries[..k] {
            first.apply(x);
        }
        let stored = serde_json::to_string(&first.state).unwrap();
        let state: State = serde_json::from_str(&stored).unwrap();
        let mut second = Evaluator::resume(&a, h, state);
        for x in &entries[k..] {
            second.apply(x);
        }
        prop_assert_eq!(&full, &second.status().canonical());
        // And the whole stored state agrees too.
        let mut whole = Evaluator::new(&a, h);
        for x in &entries {
            whole.apply(x);
        }
        prop_assert_eq!(serde_json::to_string(&whole.state).unwrap(), serde_json::to_string(&second.state).unwrap());
    }
}

/// A long, eventful history: how many of its entries are accepted, and that
/// its status names every part of the agreement.
#[test]
fn long_history_is_deterministic_and_nontrivial() {
    let (a, h) = example::agreement();
    let ops: Vec<Op> = (0..600u32)
        .map(|i| match i % 7 {
            0 => Op::Days(1),
            1 | 2 => Op::Observe {
                category: (i % 8) as u8,
                place: (i % 6) as u8,
                by: (i % 6) as u8,
                evidence: i % 3 == 0,
                blame: (i % 3) as u8,
                back_hours: (i % 5) as u8,
            },
            3 => Op::Corroborate {
                of: (i % 251) as u8,
                by: ((i / 7) % 6) as u8,
                agrees: i % 11 != 0,
            },
            4 => Op::Certify {
                what: (i % 9) as u8,
                signers: (i.wrapping_mul(2654435761) >> 7) as u16,
            },
            5 => Op::Wait((i % 13) as u8),
            _ => Op::Status,
        })
        .collect();
    let entries = history(&a, h, &ops);
    let one = replay(&a, h, &entries);
    assert_eq!(one, replay(&a, h, &entries));
    assert_eq!(one, replay_prepared(&a, h, &entries));
    let st: serde_json::Value = serde_json::from_str(&one).unwrap();
    assert!(
        st["observations"]["verified"].as_u64().unwrap() > 10,
        "{}",
        st["observations"]
    );
    assert!(st["last_complete_period"].is_string());
}
