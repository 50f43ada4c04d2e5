//! Time passing: deadlines falling due, periods ending, in time order.

use super::*;

impl<'a> Evaluator<'a> {
    /// Decides everything that falls due before `to`, in time order.
    pub(super) fn advance(&mut self, to: Timestamp, index: u64) {
        loop {
            let Some(done) = self.state.done else { return };
            let (next, period_end) = match self.next_period {
                Some((d, next, end)) if d == done => (next, end),
                _ => {
                    let next = self.periods.next(done);
                    let end = self.periods.end(next);
                    self.next_period = Some((done, next, end));
                    (next, end)
                }
            };
            let deadline = self.next_deadline();
            let (when, is_period) = match deadline {
                Some(d) if d < period_end => (d, false),
                _ => (period_end, true),
            };
            if when >= to {
                return;
            }
            // Decisions are made as of that moment.
            let saved = self.state.clock;
            self.state.clock = Some(when.max(saved.unwrap_or(when)));
            if is_period {
                // Done first: conditions checked as it completes read its results.
                self.state.done = Some(next);
                self.complete_period(next, index);
            } else {
                self.deadlines(when, index);
            }
            self.state.clock = saved.map(|s| s.max(when)).or(Some(when));
        }
    }

    pub(super) fn next_deadline(&self) -> Option<Timestamp> {
        let mut out: Option<Timestamp> = None;
        let mut consider = |t: Timestamp| out = Some(out.map_or(t, |o| o.min(t)));
        for st in self.state.tranches.values() {
            if let Some(d) = &st.dispute {
                match st.state {
                    TrancheState::InDispute => consider(d.vote_opens().0),
                    // A provisional snapback's vote closes when it is final.
                    TrancheState::InVote if d.provisional_until.is_none() => {
                        consider(d.vote_until.0)
                    }
                    _ => {}
                }
            }
        }
        for st in self.state.guarantees.values() {
            if st.state == GuaranteeState::Triggered
                && let Some(d) = st.consultation_due
            {
                consider(d.0);
            }
        }
        if let Some(&(until, _)) = self.state.idx.open_disputes.first() {
            consider(until);
        }
        if let Some(until) = self.next_due() {
            consider(until);
        }
        out
    }

    pub(super) fn deadlines(&mut self, when: Timestamp, index: u64) {
        let at = At {
            time: Time(when),
            index,
        };
        let ids: Vec<String> = self.state.tranches.keys().cloned().collect();
        for id in ids {
            let st = &self.state.tranches[&id];
            let Some(d) = st.dispute.clone() else {
                continue;
            };
            match st.state {
                TrancheState::InDispute if d.vote_opens().0 <= when => {
                    self.tranche_to(
                        &id,
                        TrancheState::InVote,
                        at,
                        "dispute resolution ended".into(),
                        vec![],
                    );
                }
                TrancheState::InVote
                    if d.vote_until.0 <= when && !self.snapback_provisional(&id) =>
                {
                    self.tranche_to(
                        &id,
                        TrancheState::SnappedBack,
                        at,
                        "no quorum to continue relief".into(),
                        vec![],
                    );
                }
                _ => {}
            }
        }
        for st in self.state.guarantees.values_mut() {
            if st.state == GuaranteeState::Triggered
                && st.consultation_due.is_some_and(|d| d.0 <= when)
            {
                st.state = GuaranteeState::Overdue;
                st.history.push(GuaranteeChange {
                    state: GuaranteeState::Overdue,
                    at,
                    why: "no decision by the deadline".into(),
                    statements: vec![],
                });
            }
        }
        while let Some(&(until, i)) = self.state.idx.open_disputes.first() {
            if until > when {
                break;
            }
            self.state.idx.open_disputes.pop_first();
            if let DisputeState::Open { dispute, .. } = self.state.obs[i].dispute.clone() {
                // Not decided in time: the observation stands.
                let before = self.flags(i);
                self.state.obs[i].dispute = DisputeState::Stands;
                self.recount(i, before);
                if let Some(r) = self.state.disputes.get_mut(&dispute) {
                    r.open = false;
                }
                self.revise_counted(&[i]);
            }
        }
        self.due_deadlines(when, index);
        // A vote signed early counts once the vote opens.
        self.fire_pending(index);
    }

    /// Whether the clause results a condition reads could all be assessed
    /// in a period (clauses not in force then aside; none at all: no).
    pub(super) fn assessable(&self, reads: Option<&crate::cel::ClauseReads>, period: Date) -> bool {
        let Some(reads) = reads else {
            return false;
        };
        let mut any = false;
        for (clause, by_party) in &self.state.results {
            for (party, results) in by_party {
                if !reads.reads(clause, party) {
                    continue;
                }
                if let Some(r) = results.get(&period) {
                    if !r.verdict.assessable() {
                        return false;
                    }
                    any = true;
                }
            }
        }
        any
    }

    /// Decides a period that has ended.
    pub(super) fn complete_period(&mut self, period: Date, index: u64) {
        let end = self.periods.end(period);
        let clause_ids: Vec<String> = self.a.clauses.keys().cloned().collect();
        for c in &clause_ids {
            self.evaluate_clause(c, period, false);
        }
        self.count_coverage(period);
        // Clocks: a period counts in `assessed` only if the clauses the
        // clock reads could be assessed in it (a day nobody could see is
        // not a quiet day, nor a broken one).
        let mut env = Vars::new(&self.status_env_for(Some(period), end));
        let clock_ids: Vec<String> = self.a.clocks.keys().cloned().collect();
        for c in clock_ids {
            let holds = self
                .conditions
                .clocks
                .get(&c)
                .is_some_and(|cond| cond.eval_vars(&env) == Ok(true));
            let assessable = self.assessable(self.conditions.clock_reads.get(&c), period);
            let v = self.state.clocks.entry(c).or_default();
            *v = if holds {
                ClockStatus {
                    days: v.days + 1,
                    assessed: v.assessed + u64::from(assessable),
                }
            } else {
                ClockStatus::default()
            };
        }
        let at = At {
            time: Time(end),
            index,
        };
        // Snapback conditions and guarantee triggers, on the period's results
        // (and the clocks just moved).
        env.set("clocks", &self.clocks_env());
        let ids: Vec<String> = self.a.relief.keys().cloned().collect();
        for id in ids {
            if self.state.tranches[&id].state == TrancheState::InForce
                && self
                    .conditions
                    .snapbacks
                    .get(&id)
                    .is_some_and(|c| c.eval_vars(&env) == Ok(true))
            {
                self.snapback_by_condition(&id, period, at);
            }
        }
        let gids: Vec<String> = self.a.guarantees.keys().cloned().collect();
        for id in gids {
            let st = &self.state.guarantees[&id];
            if matches!(st.state, GuaranteeState::Dormant | GuaranteeState::Decided)
                && self
                    .conditions
                    .guarantees
                    .get(&id)
                    .is_some_and(|c| c.eval_vars(&env) == Ok(true))
            {
                self.trigger_guarantee(&id, period, at, end);
            }
        }
        // Certifications waiting for conditions may now fire.
        self.fire_pending(index);
    }
}
