//! Due process: a consequence drawn from facts that can still be disputed
//! is provisional until they cannot.
//!
//! A snapback opened by condition and a guarantee triggered at a period's
//! end rest on verified observations, and the party held responsible may
//! dispute each of them within the agreement's window
//! (`[verification.disputes] window_hours`, from the observation's
//! issue). Until the last of those windows has closed and every dispute
//! lodged in it is decided, the consequence is *provisional*: the status
//! says until when (`provisional_until`), relief does not snap back, and a
//! dispute upheld (or an observation reattributed) that leaves the trigger
//! false on the period's revised results undoes it, the dispute's entry
//! recorded as the cause. Once final, it stays: a later report does not
//! rewind it.
//!
//! What stays while provisional, and why: the snapback's stages run (the
//! joint commission's days are for resolving exactly such doubts), and a
//! continuation vote may be signed; only the vote's closing, which takes
//! relief away, waits. The guarantors' consultation runs too, and the
//! guarantee goes overdue when its deadline passes: the guarantee is for
//! an armed attack, and 72 hours of consultation cannot wait for a 72-hour
//! dispute window. Going overdue is a record, not an act, and is undone
//! with the trigger. A decision the guarantors took stands: it is theirs,
//! not the evaluator's, and the record says its cause was withdrawn.

use super::*;
use crate::cel::ClauseReads;

/// The provisional consequences, and what each would go back to.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(super) struct Provisionals {
    tranches: BTreeMap<String, Provisional>,
    guarantees: BTreeMap<String, Provisional>,
}

impl Provisionals {
    fn is_empty(&self) -> bool {
        self.tranches.is_empty() && self.guarantees.is_empty()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Provisional {
    /// The period whose results met the trigger.
    period: Date,
    /// When it happened: a tranche's dispute opened then, a guarantee was
    /// triggered then (a later opening or trigger is another).
    at: At,
    /// The observations behind it (log indices).
    cause: Vec<u64>,
    /// Until when, as far as is known now.
    until: Timestamp,
    before: Before,
}

/// What a provisional consequence goes back to if it is undone.
#[derive(Clone, Debug, Serialize, Deserialize)]
enum Before {
    /// The tranche was in force since then.
    Tranche { since: Option<At> },
    Guarantee {
        state: GuaranteeState,
        triggered: Option<At>,
        consultation_due: Option<Time>,
        decided: Option<At>,
        cause: Vec<u64>,
        decision: Option<String>,
    },
}

/// Which machine.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Of {
    Tranche,
    Guarantee,
}

impl<'a> Evaluator<'a> {
    /// The observations behind a trigger on `period`'s results: those
    /// counted by the clause results the condition reads that are broken
    /// (for `!clauses.x.kept_by.RU`, clause x's for RU, not every broken
    /// clause's); if none it reads is broken (a trigger on metrics), those
    /// counted by every result it reads.
    pub(super) fn trigger_cause(&self, reads: &ClauseReads, period: Date) -> Vec<u64> {
        let mut broken: BTreeSet<u64> = BTreeSet::new();
        let mut read: BTreeSet<u64> = BTreeSet::new();
        for (clause, by_party) in &self.state.results {
            for (party, results) in by_party {
                if !reads.reads(clause, party) {
                    continue;
                }
                if let Some(r) = results.get(&period) {
                    read.extend(r.counted.iter().copied());
                    if !r.kept {
                        broken.extend(r.counted.iter().copied());
                    }
                }
            }
        }
        if broken.is_empty() { read } else { broken }
            .into_iter()
            .collect()
    }

    /// The reads of a tranche's snapback condition or a guarantee's
    /// trigger.
    fn reads_of(&self, of: Of, id: &str) -> ClauseReads {
        let c = match of {
            Of::Tranche => self.conditions.snapbacks.get(id),
            Of::Guarantee => self.conditions.guarantees.get(id),
        };
        c.map(|c| c.clause_reads()).unwrap_or_default()
    }

    /// Until when the observations `cause` can still be disputed: the end
    /// of the latest dispute window, or the deadline of an open dispute
    /// about one of them; `None` if that is not after `now` (or the
    /// agreement has no disputes).
    fn disputable_until(&self, cause: &[u64], now: Timestamp) -> Option<Timestamp> {
        let window = &self.a.verification.disputes.as_ref()?.window_hours;
        let window = i64::try_from(*window.get_ref())
            .unwrap_or(i64::MAX)
            .saturating_mul(3600);
        let mut until: Option<Timestamp> = None;
        for &index in cause {
            let Ok(i) = self.state.obs.binary_search_by_key(&index, |o| o.index) else {
                continue;
            };
            let o = &self.state.obs[i];
            let closes = add_seconds(o.issued, window);
            let t = match o.dispute {
                // Decided: no more disputes about it.
                DisputeState::Upheld | DisputeState::Stands => continue,
                DisputeState::None => closes,
                DisputeState::Open { until, .. } => closes.max(until),
            };
            until = until.max(Some(t));
        }
        until.filter(|u| *u > now)
    }

    /// Opens a tranche's snapback because its condition held on `period`'s
    /// results, provisionally if its cause can still be disputed.
    pub(super) fn snapback_by_condition(&mut self, id: &str, period: Date, at: At) {
        let reads = self.reads_of(Of::Tranche, id);
        let cause = self.trigger_cause(&reads, period);
        let source = self
            .conditions
            .snapbacks
            .get(id)
            .map(|c| c.source().to_string())
            .unwrap_or_default();
        let since = self.state.tranches[id].since;
        // A record of an earlier opening is about a dispute no longer there.
        self.state.due.tranches.remove(id);
        self.open_snapback(id, at, &format!("condition `{source}`"), cause.clone());
        if let Some(until) = self.disputable_until(&cause, at.time.0) {
            self.state.due.tranches.insert(
                id.to_string(),
                Provisional {
                    period,
                    at,
                    cause,
                    until,
                    before: Before::Tranche { since },
                },
            );
            self.show_until(Of::Tranche, id, Some(until));
        }
    }

    /// Triggers a guarantee because its trigger held on `period`'s
    /// results, which ended at `end`; provisionally if its cause can still
    /// be disputed.
    pub(super) fn trigger_guarantee(&mut self, id: &str, period: Date, at: At, end: Timestamp) {
        let reads = self.reads_of(Of::Guarantee, id);
        let cause = self.trigger_cause(&reads, period);
        let source = self
            .conditions
            .guarantees
            .get(id)
            .map(|c| c.source().to_string())
            .unwrap_or_default();
        let hours = *self.a.guarantees[id].consultation_hours.get_ref() as i64;
        let until = self.disputable_until(&cause, at.time.0);
        let st = self.state.guarantees.get_mut(id).expect("guarantee");
        let before = Before::Guarantee {
            state: st.state.clone(),
            triggered: st.triggered,
            consultation_due: st.consultation_due,
            decided: st.decided,
            cause: st.cause.clone(),
            decision: st.decision.clone(),
        };
        st.state = GuaranteeState::Triggered;
        st.triggered = Some(at);
        st.consultation_due = Some(Time(add_seconds(end, hours.saturating_mul(3600))));
        st.decided = None;
        st.decision = None;
        st.cause = cause.clone();
        st.provisional_until = until.map(Time);
        st.history.push(GuaranteeChange {
            state: GuaranteeState::Triggered,
            at,
            why: format!("trigger `{source}` held"),
            statements: cause.clone(),
        });
        match until {
            Some(until) => {
                self.state.due.guarantees.insert(
                    id.to_string(),
                    Provisional {
                        period,
                        at,
                        cause,
                        until,
                        before,
                    },
                );
            }
            None => {
                self.state.due.guarantees.remove(id);
            }
        }
    }

    /// Whether a tranche's snapback is provisional now: what its dispute
    /// shows, which `next_deadline` reads too (so that a vote held open
    /// is never a deadline due again and again).
    pub(super) fn snapback_provisional(&self, id: &str) -> bool {
        self.state
            .tranches
            .get(id)
            .and_then(|t| t.dispute.as_ref())
            .is_some_and(|d| d.provisional_until.is_some())
    }

    /// The earliest time a provisional consequence may become final.
    pub(super) fn next_due(&self) -> Option<Timestamp> {
        let d = &self.state.due;
        d.tranches
            .values()
            .chain(d.guarantees.values())
            .map(|p| p.until)
            .min()
    }

    /// What the status shows of a provisional consequence.
    fn show_until(&mut self, of: Of, id: &str, until: Option<Timestamp>) {
        match of {
            Of::Tranche => {
                if let Some(d) = self
                    .state
                    .tranches
                    .get_mut(id)
                    .and_then(|t| t.dispute.as_mut())
                {
                    d.provisional_until = until.map(Time);
                }
            }
            Of::Guarantee => {
                if let Some(g) = self.state.guarantees.get_mut(id) {
                    g.provisional_until = until.map(Time);
                }
            }
        }
    }

    /// Whether the consequence a record is about is still there: the
    /// tranche's dispute it opened, the guarantee's trigger it made.
    fn still_there(&self, of: Of, id: &str, p: &Provisional) -> bool {
        match of {
            Of::Tranche => self.state.tranches.get(id).is_some_and(|t| {
                matches!(t.state, TrancheState::InDispute | TrancheState::InVote)
                    && t.dispute.as_ref().is_some_and(|d| d.opened == p.at)
            }),
            Of::Guarantee => self
                .state
                .guarantees
                .get(id)
                .is_some_and(|g| g.triggered == Some(p.at)),
        }
    }

    /// Time has reached `when`: consequences whose cause can no longer be
    /// disputed become final (a dispute lodged meanwhile moves the time
    /// on), and relief whose vote closed while its snapback was
    /// provisional snaps back now.
    pub(super) fn due_deadlines(&mut self, when: Timestamp, index: u64) {
        if self.state.due.is_empty() {
            return;
        }
        for of in [Of::Tranche, Of::Guarantee] {
            let ids: Vec<String> = self.records(of).keys().cloned().collect();
            for id in ids {
                let p = self.records(of)[&id].clone();
                if p.until > when {
                    continue;
                }
                if !self.still_there(of, &id, &p) {
                    self.records_mut(of).remove(&id);
                    continue;
                }
                match self.disputable_until(&p.cause, when) {
                    Some(later) => {
                        self.records_mut(of).get_mut(&id).expect("record").until = later;
                        self.show_until(of, &id, Some(later));
                    }
                    None => {
                        self.records_mut(of).remove(&id);
                        self.show_until(of, &id, None);
                        if of == Of::Tranche {
                            self.vote_closed_while_provisional(&id, when, index);
                        }
                    }
                }
            }
        }
    }

    /// A snapback became final after its vote closed without a quorum to
    /// continue relief: relief snaps back now.
    fn vote_closed_while_provisional(&mut self, id: &str, when: Timestamp, index: u64) {
        let st = &self.state.tranches[id];
        if st.state == TrancheState::InVote
            && st.dispute.as_ref().is_some_and(|d| d.vote_until.0 <= when)
        {
            let at = At {
                time: Time(when),
                index,
            };
            self.tranche_to(
                id,
                TrancheState::SnappedBack,
                at,
                "no quorum to continue relief (the vote closed while the snapback was provisional)"
                    .into(),
                vec![],
            );
        }
    }

    /// A dispute about observation `i` was lodged or decided (by entry
    /// `index`): a provisional consequence it is behind waits for it, or,
    /// if the decision leaves its trigger false on the period's revised
    /// results, is undone.
    pub(super) fn cause_disputed(&mut self, i: usize, index: u64) {
        if self.state.due.is_empty() {
            return;
        }
        let entry = self.state.obs[i].index;
        let now = self.state.clock.unwrap_or(Timestamp::UNIX_EPOCH);
        let mut undone = false;
        for of in [Of::Tranche, Of::Guarantee] {
            let ids: Vec<String> = self
                .records(of)
                .iter()
                .filter(|(_, p)| p.cause.contains(&entry))
                .map(|(id, _)| id.clone())
                .collect();
            for id in ids {
                let p = self.records(of)[&id].clone();
                if !self.still_there(of, &id, &p) {
                    self.records_mut(of).remove(&id);
                    continue;
                }
                if !self.still_holds(of, &id, p.period) {
                    self.undo(of, &id, p, index);
                    undone = true;
                    continue;
                }
                // It still holds, on what the period counts now.
                let reads = self.reads_of(of, &id);
                let cause = self.trigger_cause(&reads, p.period);
                let until = self.disputable_until(&cause, now);
                if of == Of::Guarantee {
                    self.state.guarantees.get_mut(&id).expect("guarantee").cause = cause.clone();
                }
                match until {
                    Some(until) => {
                        let r = self.records_mut(of).get_mut(&id).expect("record");
                        r.cause = cause;
                        r.until = until;
                        self.show_until(of, &id, Some(until));
                    }
                    // Everything behind it is decided: final now.
                    None => {
                        self.records_mut(of).remove(&id);
                        self.show_until(of, &id, None);
                        if of == Of::Tranche {
                            self.vote_closed_while_provisional(&id, now, index);
                        }
                    }
                }
            }
        }
        if undone {
            // A notice or decision signed meanwhile may take effect now.
            self.fire_pending(index);
        }
    }

    /// Whether a trigger still holds on `period`'s results as they are now.
    fn still_holds(&self, of: Of, id: &str, period: Date) -> bool {
        let c = match of {
            Of::Tranche => self.conditions.snapbacks.get(id),
            Of::Guarantee => self.conditions.guarantees.get(id),
        };
        let end = self.periods.end(period);
        c.is_some_and(|c| c.eval(&self.status_env_for(Some(period), end)) == Ok(true))
    }

    /// Undoes a provisional consequence: the dispute decided by entry
    /// `index` left its trigger false.
    fn undo(&mut self, of: Of, id: &str, p: Provisional, index: u64) {
        self.records_mut(of).remove(id);
        let at = self.at(index);
        let why = format!(
            "undone: the dispute decided by entry {index} leaves the trigger false for {}",
            p.period
        );
        match p.before {
            Before::Tranche { since } => {
                self.tranche_to(id, TrancheState::InForce, at, why, vec![index]);
                let st = self.state.tranches.get_mut(id).expect("tranche");
                st.since = since;
                st.dispute = None;
            }
            Before::Guarantee {
                state,
                triggered,
                consultation_due,
                decided,
                cause,
                decision,
            } => {
                let st = self.state.guarantees.get_mut(id).expect("guarantee");
                st.provisional_until = None;
                if st.state == GuaranteeState::Decided {
                    // The guarantors' decision is theirs: it stands.
                    st.history.push(GuaranteeChange {
                        state: GuaranteeState::Decided,
                        at,
                        why: format!("{why}; the decision taken stands"),
                        statements: vec![index],
                    });
                    return;
                }
                st.state = state.clone();
                st.triggered = triggered;
                st.consultation_due = consultation_due;
                st.decided = decided;
                st.cause = cause;
                st.decision = decision;
                st.history.push(GuaranteeChange {
                    state,
                    at,
                    why,
                    statements: vec![index],
                });
            }
        }
    }

    fn records(&self, of: Of) -> &BTreeMap<String, Provisional> {
        match of {
            Of::Tranche => &self.state.due.tranches,
            Of::Guarantee => &self.state.due.guarantees,
        }
    }

    fn records_mut(&mut self, of: Of) -> &mut BTreeMap<String, Provisional> {
        match of {
            Of::Tranche => &mut self.state.due.tranches,
            Of::Guarantee => &mut self.state.due.guarantees,
        }
    }

    /// The guarantee decision a pending certification makes, if the
    /// signers of one text (its `statement`) meet `quorum`: that text,
    /// and the entries that signed it. Texts are tried in order, so the
    /// same log decides the same way.
    pub(super) fn decision_of(
        &self,
        p: &PendingCert,
        quorum: &crate::quorum::Quorum,
    ) -> Option<(String, Vec<u64>)> {
        let mut by_text: BTreeMap<&str, (BTreeSet<String>, Vec<u64>)> = BTreeMap::new();
        for e in &p.entries {
            let slot = by_text
                .entry(e.statement.as_deref().unwrap_or(""))
                .or_default();
            slot.0.extend(e.signers.iter().cloned());
            slot.1.push(e.index);
        }
        let expand = |n: &str| self.expand(n);
        by_text
            .into_iter()
            .find(|(_, (signers, _))| quorum.is_met(signers, &expand))
            .map(|(text, (_, entries))| (text.to_string(), entries))
    }
}
