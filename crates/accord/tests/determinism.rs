//! The evaluator is a function: the same log gives the same status, byte
//! for byte; and stopping after any entry, storing the state, and resuming
//! gives what a full replay gives. Checked over random histories under the
//! Ukraine example (observations of every kind, corroborations, disputes,
//! certifications by random signers, status statements, days passing,
//! forged and malformed entries, and a dishonest operator's and signers'
//! tricks: entries logged again or held back, clocks moved ahead, text of
//! any kind signed by the operator). See `common/ops.rs`.

mod common;

use common::ops::*;

use accord::evaluate::{Evaluator, State, Version, Versions};
use accord_example as example;
use proptest::prelude::*;

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
        1 => any::<u8>().prop_map(|of| Op::Relog { of }),
        1 => (0u8..9, any::<u16>()).prop_map(|(what, signers)| Op::Hold { what, signers }),
        1 => any::<u8>().prop_map(|of| Op::Release { of }),
        1 => (0u16..2000, any::<bool>()).prop_map(|(hours, operator)| Op::Ahead { hours, operator }),
        1 => (0u16..2000).prop_map(|hours| Op::StatusAhead { hours }),
        1 => prop::collection::vec(any::<u8>(), 0..300).prop_map(|text| Op::OperatorSigns { text }),
        1 => Just(Op::Revoke),
        2 => (0u8..6, 0u8..72, any::<bool>()).prop_map(|(by, back_hours, track)| Op::Cover { by, back_hours, track }),
        2 => (0u8..4, any::<bool>(), any::<bool>(), 0u8..30).prop_map(|(area, to_ua, short, back_hours)| Op::Control { area, to_ua, short, back_hours }),
        1 => (0u8..3, 0u8..200).prop_map(|(outcome, wait)| Op::Attack { outcome, wait }),
        1 => (any::<bool>(), any::<bool>()).prop_map(|(text, quorum)| Op::Amend { text, quorum }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn incremental_evaluation_equals_a_full_replay(ops in prop::collection::vec(op(), 1..120), cut in any::<prop::sample::Index>()) {
        // The example, and an amended text that amendments in the history
        // may adopt (statements naming either, before and after).
        let (a, h) = example::agreement();
        let (b, hb) = common::amended_example();
        let versions = Versions::new(
            Version { agreement: &a, hash: h },
            [Version { agreement: &b, hash: hb }],
        )
        .unwrap();
        let entries = history_versions(&versions, &ops);
        let full = replay_versions(&versions, &entries);
        // Again: the same bytes; and the same prepared elsewhere.
        prop_assert_eq!(&full, &replay_versions(&versions, &entries));
        prop_assert_eq!(&full, &replay_prepared_versions(&versions, &entries));
        // Stop anywhere, store the state as JSON, resume.
        let k = cut.index(entries.len() + 1);
        let mut first = Evaluator::with_versions(&versions);
        for x in &entries[..k] {
            first.apply(x);
        }
        let stored = serde_json::to_string(&first.state).unwrap();
        let state: State = serde_json::from_str(&stored).unwrap();
        let mut second = Evaluator::resume_versions(&versions, state).unwrap();
        for x in &entries[k..] {
            second.apply(x);
        }
        prop_assert_eq!(&full, &outcome(&second));
        // And the whole stored state agrees too.
        let mut whole = Evaluator::with_versions(&versions);
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
            // Attacks disputed: provisional consequences undone or final.
            _ if i % 21 == 6 => Op::Attack {
                outcome: ((i / 21) % 3) as u8,
                wait: (i % 50) as u8,
            },
            _ => Op::Status,
        })
        .collect();
    let entries = history(&a, h, &ops);
    let one = replay(&a, h, &entries);
    assert_eq!(one, replay(&a, h, &entries));
    assert_eq!(one, replay_prepared(&a, h, &entries));
    let st: serde_json::Value = serde_json::from_str(one.lines().next().unwrap()).unwrap();
    assert!(
        st["observations"]["verified"].as_u64().unwrap() > 10,
        "{}",
        st["observations"]
    );
    assert!(st["last_complete_period"].is_string());
}
