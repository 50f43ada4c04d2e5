//! The evaluator over signed sequences: arbitrary bytes decoded into what
//! monitors, parties and a dishonest operator do (see
//! `crates/accord/tests/common/ops.rs`), written as entries signed with the
//! example's keys, then replayed three ways that must agree byte for byte:
//! one entry at a time, prepared on another thread with signatures checked
//! beforehand, and stopped and resumed from a stored state. Nothing may
//! panic on the way.
#![no_main]

use std::sync::OnceLock;

use accord::agreement::Agreement;
use accord::evaluate::{Evaluator, State};
use accord::statement::Digest;
use libfuzzer_sys::fuzz_target;

#[path = "../../crates/accord/tests/common/ops.rs"]
#[allow(dead_code)]
mod ops;

fn agreement() -> &'static (Agreement, Digest) {
    static A: OnceLock<(Agreement, Digest)> = OnceLock::new();
    A.get_or_init(accord_example::agreement)
}

fuzz_target!(|data: &[u8]| {
    let (a, h) = agreement();
    let ops = ops::decode(data);
    let entries = ops::history(a, *h, &ops);
    let full = ops::replay(a, *h, &entries);
    assert_eq!(full, ops::replay_prepared(a, *h, &entries));
    let cut = data.first().map_or(0, |b| usize::from(*b)) % (entries.len() + 1);
    let mut first = Evaluator::new(a, *h);
    for e in &entries[..cut] {
        first.apply(e);
    }
    let stored = serde_json::to_string(&first.state).unwrap();
    let state: State = serde_json::from_str(&stored).unwrap();
    let mut second = Evaluator::resume(a, *h, state);
    for e in &entries[cut..] {
        second.apply(e);
    }
    assert_eq!(full, ops::outcome(&second));
});
