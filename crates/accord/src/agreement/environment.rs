//! What conditions read, defined once: the names, their types (which the
//! agreement's check holds every condition to) and their values (which the
//! evaluator gives them, and the check samples). A name added here is read,
//! typed and sampled alike; nowhere else says what a condition may read.
//!
//! Two environments:
//! - a **clause's** condition reads its metrics for one party and period,
//!   `party` and `day`;
//! - **status** conditions (clocks' `while`, transitions' `when`, snapback
//!   and guarantee triggers) read `clauses.<id>.{kept, kept_by.<party>,
//!   verdict, verdict_by.<party>, assessable, allegations,
//!   metrics.<party>.<metric>}`, `clocks.<id>`, `tranches.<id>`,
//!   `guarantees.<id>`, `phase`, `phase_days` and `day`.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

use super::model::{Agreement, Clause};
use super::validate::Checker;
use crate::cel::types::Ty;
use crate::vocab::Verdict;

/// What `verdict` reads for a clause not in force in the period read.
pub const NOT_IN_FORCE: &str = "not_in_force";

/// A clause's result for one party and period, as status conditions read it.
pub struct ResultView<'r> {
    /// No verified breach.
    pub kept: bool,
    pub verdict: Verdict,
    /// Reports not verified that the metrics would count if they were.
    pub allegations: u64,
    pub metrics: &'r BTreeMap<String, i64>,
}

/// The parties each clause binds (its `binds`, groups expanded), by clause.
pub fn bound_parties(a: &Agreement) -> HashMap<String, Vec<String>> {
    a.clauses
        .iter()
        .map(|(id, c)| {
            let parties = c.binds.iter().flat_map(|b| Checker::expand(a, b.get_ref()));
            (id.clone(), parties.collect())
        })
        .collect()
}

/// The types of what a clause's condition reads.
pub fn clause_types(c: &Clause) -> BTreeMap<String, Ty> {
    let mut types: BTreeMap<String, Ty> = c.metrics.keys().map(|k| (k.clone(), Ty::Int)).collect();
    types.insert("party".into(), Ty::String);
    types.insert("day".into(), Ty::Int);
    types
}

/// What a clause's condition reads: its metrics' values for `party`, and the
/// day of the agreement.
pub fn clause_values<'m>(
    metrics: impl IntoIterator<Item = (&'m String, i64)>,
    party: &str,
    day: i64,
) -> Map<String, Value> {
    let mut vars: Map<String, Value> = metrics
        .into_iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    vars.insert("party".into(), json!(party));
    vars.insert("day".into(), json!(day));
    vars
}

/// The state a status condition reads, as whoever builds its values has it.
pub trait StatusReading {
    /// A clause's result for a party in the period read. `None` when there
    /// is none (the clause was not in force), which reads as kept, not
    /// assessable, verdict `not_in_force`, with every metric 0.
    fn result(&self, clause: &str, party: &str) -> Option<ResultView<'_>>;
    /// A clock's count of consecutive assessed periods.
    fn clock(&self, id: &str) -> u64;
    /// A tranche's state, by its name.
    fn tranche(&self, id: &str) -> &'static str;
    /// A guarantee's state, by its name.
    fn guarantee(&self, id: &str) -> &'static str;
    fn phase(&self) -> String;
    fn phase_days(&self) -> i64;
    fn day(&self) -> i64;
}

/// The types of everything status conditions may read.
pub fn status_types(a: &Agreement, bound: &HashMap<String, Vec<String>>) -> BTreeMap<String, Ty> {
    let clauses = a.clauses.iter().map(|(id, c)| {
        let parties = &bound[id];
        let metric_rec = Ty::record("metric", c.metrics.keys().map(|m| (m.clone(), Ty::Int)));
        let by_party = |t: &Ty| {
            Ty::record(
                "party bound by the clause",
                parties.iter().map(|p| (p.clone(), t.clone())),
            )
        };
        let fields = [
            ("kept".to_string(), Ty::Bool),
            ("kept_by".to_string(), by_party(&Ty::Bool)),
            ("verdict".to_string(), Ty::String),
            ("verdict_by".to_string(), by_party(&Ty::String)),
            ("assessable".to_string(), Ty::Bool),
            ("allegations".to_string(), Ty::Int),
            ("metrics".to_string(), by_party(&metric_rec)),
        ];
        (id.clone(), Ty::record("field of a clause", fields))
    });
    let mut t = BTreeMap::new();
    t.insert("clauses".into(), Ty::record("clause", clauses));
    t.insert(
        "clocks".into(),
        Ty::record("clock", a.clocks.keys().map(|k| (k.clone(), Ty::Int))),
    );
    t.insert(
        "tranches".into(),
        Ty::record(
            "relief tranche",
            a.relief.keys().map(|k| (k.clone(), Ty::String)),
        ),
    );
    t.insert(
        "guarantees".into(),
        Ty::record(
            "guarantee",
            a.guarantees.keys().map(|k| (k.clone(), Ty::String)),
        ),
    );
    t.insert("phase".into(), Ty::String);
    t.insert("phase_days".into(), Ty::Int);
    t.insert("day".into(), Ty::Int);
    t
}

/// The values of everything status conditions may read, as `r` has them.
pub fn status_values(
    a: &Agreement,
    bound: &HashMap<String, Vec<String>>,
    r: &dyn StatusReading,
) -> Map<String, Value> {
    let mut clauses = Map::new();
    for (id, c) in &a.clauses {
        let mut kept_by = Map::new();
        let mut verdict_by = Map::new();
        let mut metrics = Map::new();
        let mut all = true;
        let mut gravest: Option<Verdict> = None;
        let mut assessable = !bound[id].is_empty();
        let mut allegations = 0u64;
        for p in &bound[id] {
            let result = r.result(id, p);
            let kept = result.as_ref().is_none_or(|r| r.kept);
            all &= kept;
            kept_by.insert(p.clone(), json!(kept));
            let verdict = result.as_ref().map(|r| r.verdict);
            verdict_by.insert(
                p.clone(),
                json!(verdict.map_or(NOT_IN_FORCE, Verdict::name)),
            );
            assessable &= verdict.is_some_and(Verdict::assessable);
            gravest = match (gravest, verdict) {
                (Some(g), Some(v)) => Some(g.min(v)),
                (g, v) => g.or(v),
            };
            allegations += result.as_ref().map_or(0, |r| r.allegations);
            let ms: Map<String, Value> = c
                .metrics
                .keys()
                .map(|m| {
                    let v = result
                        .as_ref()
                        .and_then(|r| r.metrics.get(m))
                        .copied()
                        .unwrap_or(0);
                    (m.clone(), json!(v))
                })
                .collect();
            metrics.insert(p.clone(), Value::Object(ms));
        }
        clauses.insert(
            id.clone(),
            json!({
                "kept": all,
                "kept_by": kept_by,
                "verdict": gravest.map_or(NOT_IN_FORCE, Verdict::name),
                "verdict_by": verdict_by,
                "assessable": assessable,
                "allegations": allegations,
                "metrics": metrics,
            }),
        );
    }
    let states = |ids: &mut dyn Iterator<Item = &String>, state: &dyn Fn(&str) -> &'static str| {
        ids.map(|k| (k.clone(), json!(state(k))))
            .collect::<Map<String, Value>>()
    };
    let mut env = Map::new();
    env.insert("clauses".into(), Value::Object(clauses));
    env.insert("clocks".into(), clock_values(a, r));
    env.insert(
        "tranches".into(),
        Value::Object(states(&mut a.relief.keys(), &|k| r.tranche(k))),
    );
    env.insert(
        "guarantees".into(),
        Value::Object(states(&mut a.guarantees.keys(), &|k| r.guarantee(k))),
    );
    env.insert("phase".into(), json!(r.phase()));
    env.insert("phase_days".into(), json!(r.phase_days()));
    env.insert("day".into(), json!(r.day()));
    env
}

/// The value of `clocks`, which moves within a period's end (the clocks
/// are counted before the triggers that read them).
pub fn clock_values(a: &Agreement, r: &dyn StatusReading) -> Value {
    Value::Object(
        a.clocks
            .keys()
            .map(|k| (k.clone(), json!(r.clock(k))))
            .collect(),
    )
}

/// The state at adoption, which the check samples conditions on: every
/// clause kept, every count 0, tranches pending, guarantees dormant, the
/// initial phase.
pub struct AtAdoption<'a>(pub &'a Agreement);

impl StatusReading for AtAdoption<'_> {
    fn result(&self, _: &str, _: &str) -> Option<ResultView<'_>> {
        None
    }
    fn clock(&self, _: &str) -> u64 {
        0
    }
    fn tranche(&self, _: &str) -> &'static str {
        "pending"
    }
    fn guarantee(&self, _: &str) -> &'static str {
        "dormant"
    }
    fn phase(&self) -> String {
        self.0
            .phases
            .values()
            .find(|p| p.initial)
            .map(|p| p.id.get_ref().clone())
            .unwrap_or_default()
    }
    fn phase_days(&self) -> i64 {
        0
    }
    fn day(&self) -> i64 {
        0
    }
}
