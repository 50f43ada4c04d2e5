//! What conditions read and which conditions there are: the agreement's
//! conditions compiled once, by what they decide, and the status
//! environment (defined in [`crate::agreement::environment`]) read from the
//! evaluator's state.

use super::*;
use crate::agreement::environment::{self, StatusReading};

/// The agreement's conditions, compiled, by what each decides. (A condition
/// that does not compile has no entry; the agreement's check refuses such
/// an agreement, so only an unchecked one has none.)
#[derive(Default)]
pub(super) struct Conditions {
    /// A clause's condition: kept, for a party and period.
    pub(super) clauses: HashMap<String, Condition>,
    /// A clock's `while`: it counts on while this holds.
    pub(super) clocks: HashMap<String, Condition>,
    /// The clause results each clock's `while` reads.
    pub(super) clock_reads: HashMap<String, crate::cel::ClauseReads>,
    /// A transition's `when`, besides its certification.
    pub(super) transitions: HashMap<String, Condition>,
    /// A tranche's snapback trigger.
    pub(super) snapbacks: HashMap<String, Condition>,
    /// A guarantee's trigger.
    pub(super) guarantees: HashMap<String, Condition>,
}

impl Conditions {
    pub(super) fn compile(a: &Agreement) -> Conditions {
        fn add(to: &mut HashMap<String, Condition>, id: &str, src: &str) {
            if let Ok(c) = Condition::compile(src) {
                to.insert(id.to_string(), c);
            }
        }
        let mut cs = Conditions::default();
        for c in a.clauses.values() {
            add(&mut cs.clauses, c.id.get_ref(), c.condition.get_ref());
        }
        for c in a.clocks.values() {
            add(&mut cs.clocks, c.id.get_ref(), c.while_.get_ref());
            if let Some(compiled) = cs.clocks.get(c.id.get_ref()) {
                let reads = compiled.clause_reads();
                cs.clock_reads.insert(c.id.get_ref().clone(), reads);
            }
        }
        for t in a.transitions.values() {
            if let Some(w) = &t.when {
                add(&mut cs.transitions, t.id.get_ref(), w.get_ref());
            }
        }
        for t in a.relief.values() {
            if let Some(w) = t.snapback.as_ref().and_then(|s| s.when.as_ref()) {
                add(&mut cs.snapbacks, t.id.get_ref(), w.get_ref());
            }
        }
        for g in a.guarantees.values() {
            add(&mut cs.guarantees, g.id.get_ref(), g.trigger.get_ref());
        }
        cs
    }
}

/// The evaluator's state as status conditions read it: the results of
/// `period` (none before the first period ends), the day at `now`.
struct Reading<'e, 'a> {
    e: &'e Evaluator<'a>,
    period: Option<Date>,
    now: Timestamp,
}

impl StatusReading for Reading<'_, '_> {
    fn result(&self, clause: &str, party: &str) -> Option<environment::ResultView<'_>> {
        let r = self
            .e
            .state
            .results
            .get(clause)?
            .get(party)?
            .get(&self.period?)?;
        Some(environment::ResultView {
            kept: r.kept,
            verdict: r.verdict,
            allegations: r.allegations.len() as u64,
            metrics: &r.metrics,
        })
    }

    fn clock(&self, id: &str) -> u64 {
        self.e.state.clocks.get(id).map_or(0, |c| c.assessed)
    }

    fn tranche(&self, id: &str) -> &'static str {
        self.e
            .state
            .tranches
            .get(id)
            .map_or(TrancheState::Pending.name(), |t| t.state.name())
    }

    fn guarantee(&self, id: &str) -> &'static str {
        self.e
            .state
            .guarantees
            .get(id)
            .map_or(GuaranteeState::Dormant.name(), |g| g.state.name())
    }

    fn phase(&self) -> String {
        self.e.state.phase.id.clone().unwrap_or_default()
    }

    fn phase_days(&self) -> i64 {
        self.e
            .state
            .phase
            .since
            .map(|s| periods::days_between(s.time.0, self.now))
            .unwrap_or(0)
    }

    fn day(&self) -> i64 {
        self.e.day(self.now)
    }
}

impl<'a> Evaluator<'a> {
    /// What status conditions read now: the results of the last period
    /// ended, at the log's clock.
    pub(super) fn status_env(&self) -> Map<String, Value> {
        let end = self.state.clock.unwrap_or(Timestamp::UNIX_EPOCH);
        self.status_env_for(self.state.done, end)
    }

    /// What status conditions read: the results of `period`, the clocks, the
    /// phase, the day at `now`.
    pub(super) fn status_env_for(
        &self,
        period: Option<Date>,
        now: Timestamp,
    ) -> Map<String, Value> {
        let reading = Reading {
            e: self,
            period,
            now,
        };
        environment::status_values(self.a, &self.bound, &reading)
    }

    /// The value of `clocks` now.
    pub(super) fn clocks_env(&self) -> Value {
        let reading = Reading {
            e: self,
            period: None,
            now: Timestamp::UNIX_EPOCH,
        };
        environment::clock_values(self.a, &reading)
    }
}
