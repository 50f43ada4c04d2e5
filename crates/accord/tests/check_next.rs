//! `Evaluator::check_next`, the dry run `accord sign` and `accord log
//! append` ask before a statement is logged: over random histories (see
//! `common/ops.rs`), it refuses each entry exactly when applying it next
//! refuses it, for the same reason, and it leaves the evaluation as it
//! was.

mod common;

use common::ops::*;
use common::*;

use accord::evaluate::{Evaluator, Rejected};
use proptest::prelude::*;
use serde_json::json;

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (0u8..30).prop_map(Op::Wait),
        2 => (1u8..4).prop_map(Op::Days),
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
        1 => (0u16..2000, any::<bool>()).prop_map(|(hours, operator)| Op::Ahead { hours, operator }),
        1 => Just(Op::Revoke),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn check_next_says_what_applying_would_and_changes_nothing(ops in prop::collection::vec(op(), 1..80)) {
        let (a, h) = example();
        let entries = history(&a, h, &ops);
        let mut e = Evaluator::new(&a, h);
        for (i, x) in entries.iter().enumerate() {
            let before = outcome(&e);
            let dry = e.check_next(x);
            prop_assert_eq!(&outcome(&e), &before, "entry {}: the dry run changed the evaluation", i);
            let applied = e.apply_entry(x);
            prop_assert_eq!(&dry, &applied, "entry {}", i);
            // And what it says is what the evaluator counted.
            if let Err(why) = &applied {
                prop_assert_eq!(e.state.rejections.last().map(|(_, r)| r), Some(why));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// `Evaluator::screen`, the server's first check, refuses only what
    /// applying refuses, for the same reason, and changes nothing; and it
    /// finds the common refusals (signatures, signer, clock, names,
    /// duplicates) without applying anything.
    #[test]
    fn screen_refuses_only_what_applying_refuses(ops in prop::collection::vec(op(), 1..80)) {
        let (a, h) = example();
        let entries = history(&a, h, &ops);
        let mut e = Evaluator::new(&a, h);
        let preparer = e.preparer();
        let mut caught = 0;
        let mut refused = 0;
        for (i, x) in entries.iter().enumerate() {
            let before = outcome(&e);
            let p = preparer.prepare(x);
            let screened = e.screen(&p, &[]);
            let settles = e.settles(&p);
            prop_assert_eq!(&outcome(&e), &before, "entry {}: screening changed the evaluation", i);
            let applied = e.apply_entry(x);
            // What screening passes and settles is accepted: the server
            // applies it to the live evaluation without a copy.
            if screened.is_ok() && settles {
                prop_assert!(applied.is_ok(), "entry {}: screened and settled, yet {:?}", i, applied);
            }
            if let Err(why) = &screened {
                prop_assert_eq!(Err(why.clone()), applied.clone(), "entry {}", i);
                caught += 1;
            }
            if let Err(why) = &applied {
                refused += 1;
                let early = matches!(
                    why,
                    Rejected::Malformed { .. }
                        | Rejected::BadSignature { .. }
                        | Rejected::UnknownSigner
                        | Rejected::DatedAhead { .. }
                        | Rejected::BeforeAdoption
                        | Rejected::OtherAgreement { .. }
                );
                if early {
                    prop_assert!(screened.is_err(), "entry {}: screening missed {:?}", i, why);
                }
            }
        }
        prop_assert!(caught <= refused);
    }
}

#[test]
fn check_next_names_the_evaluators_reason() {
    let (a, h) = example();
    let mut s = start(&a, h);
    // Accepted: an observation by an accredited monitor.
    let e = s.eval.check_next(&observation(&s, 0.0));
    assert_eq!(e, Ok(()));
    // Dated two days ahead of the log's clock.
    let ahead = observation(&s, 48.0);
    assert!(matches!(
        s.eval.check_next(&ahead),
        Err(Rejected::DatedAhead { status: false, .. })
    ));
    // Logged once, the same statement again is a duplicate.
    let once = observation(&s, 0.0);
    s.append(once.clone()).ok();
    let size = s.eval.state.size;
    assert!(matches!(
        s.eval.check_next(&once),
        Err(Rejected::Duplicate { .. })
    ));
    assert_eq!(s.eval.state.size, size, "the dry run did not log it");
    // Not a statement at all.
    assert!(matches!(
        s.eval.check_next(b"not a statement"),
        Err(Rejected::Malformed { .. })
    ));
}

/// A monitor's observation of shelling near Kramatorsk, issued `hours`
/// after the script's time, signed but not logged.
fn observation(s: &accord_example::Script<'_>, hours: f64) -> Vec<u8> {
    let hash = s.eval.status().agreement.unwrap();
    let at = jiff::Timestamp::from_second(s.now.as_second() + (hours * 3600.0) as i64).unwrap();
    let observed = jiff::Timestamp::from_second(at.as_second() - 600).unwrap();
    let v = json!({"v": 1, "kind": "observation", "agreement": hash, "issued_at": accord::statement::Time(at), "body": {
        "category": "ceasefire_violation",
        "observed": {"from": accord::statement::Time(observed)},
        "position": {"lon": KRAMATORSK.0, "lat": KRAMATORSK.1, "uncertainty_m": 200},
        "sensor": "patrol",
        "details": {"events": [{"type": "explosion", "count": 2}]},
    }});
    let st = accord::statement::Statement::from_value(v).unwrap();
    accord::statement::SignedStatement::sign(st, s.signer("MISSION/1"))
        .unwrap()
        .to_bytes()
}
