//! What conditions read: the status environment, built from the state.

use super::*;

/// Names and states, as CEL variables.
pub(super) fn cel_states<'k>(
    states: impl Iterator<Item = (&'k String, &'static str)>,
) -> Map<String, Value> {
    states
        .map(|(k, v)| (k.clone(), Value::String(v.to_string())))
        .collect()
}

impl<'a> Evaluator<'a> {
    pub(super) fn status_env(&self) -> Map<String, Value> {
        let end = self.state.clock.unwrap_or(Timestamp::UNIX_EPOCH);
        self.status_env_for(self.state.done, end)
    }

    /// What status conditions read: the results of `period`, the clocks, the
    /// phase, the day.
    pub(super) fn status_env_for(
        &self,
        period: Option<Date>,
        now: Timestamp,
    ) -> Map<String, Value> {
        let mut clauses = Map::new();
        for (id, c) in &self.a.clauses {
            let parties = &self.bound[id];
            let mut kept_by = Map::new();
            let mut metrics = Map::new();
            let mut all = true;
            for p in parties {
                let r = period.and_then(|d| {
                    self.state
                        .results
                        .get(id)
                        .and_then(|x| x.get(p))
                        .and_then(|x| x.get(&d))
                });
                // Not in force (no result) counts as kept.
                let kept = r.is_none_or(|r| r.kept);
                all &= kept;
                kept_by.insert(p.clone(), json!(kept));
                let ms: Map<String, Value> = c
                    .metrics
                    .keys()
                    .map(|m| {
                        (
                            m.clone(),
                            json!(r.and_then(|r| r.metrics.get(m)).copied().unwrap_or(0)),
                        )
                    })
                    .collect();
                metrics.insert(p.clone(), Value::Object(ms));
            }
            clauses.insert(
                id.clone(),
                json!({"kept": all, "kept_by": kept_by, "metrics": metrics}),
            );
        }
        let tranches: Map<String, Value> =
            cel_states(self.state.tranches.iter().map(|(k, v)| (k, v.state.name())));
        let guarantees: Map<String, Value> = cel_states(
            self.state
                .guarantees
                .iter()
                .map(|(k, v)| (k, v.state.name())),
        );
        let phase_days = self
            .state
            .phase
            .since
            .map(|s| periods::days_between(s.time.0, now))
            .unwrap_or(0);
        match json!({
            "clauses": clauses,
            "clocks": self.state.clocks,
            "tranches": tranches,
            "guarantees": guarantees,
            "phase": self.state.phase.id.clone().unwrap_or_default(),
            "phase_days": phase_days,
            "day": self.day(now),
        }) {
            Value::Object(env) => env,
            _ => unreachable!("an object"),
        }
    }
}
