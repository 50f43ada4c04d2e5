//! The phase, relief and guarantee machines: what fires when its
//! certifications and conditions are met, snapback, and the clock of days.

use super::certifications::PendingKey;
use super::*;
use crate::statement::CertificationOf;

impl<'a> Evaluator<'a> {
    /// Fires every pending certification whose quorum and conditions hold,
    /// until none does: one taking effect (a phase beginning) may let
    /// another (a tranche for that phase).
    pub(super) fn fire_pending(&mut self, index: u64) {
        loop {
            let keys: Vec<PendingKey> = self.state.pending.keys().cloned().collect();
            let mut fired = false;
            for k in keys {
                fired |= self.try_fire(&k, index);
            }
            if !fired {
                return;
            }
        }
    }

    /// Fires a pending certification if its quorum and conditions hold.
    pub(super) fn try_fire(&mut self, key: &PendingKey, index: u64) -> bool {
        let target = key.target.as_str();
        // Certifications signed for a state that has since changed no
        // longer count.
        if let Some((since, _)) = self.epoch(key)
            && let Some(p) = self.state.pending.get_mut(key)
        {
            p.entries.retain(|e| e.issued >= since);
            if p.entries.is_empty() {
                self.state.pending.remove(key);
            }
        }
        let Some(p) = self.state.pending.get(key).cloned() else {
            return false;
        };
        let signers = p.signers();
        let expand = |n: &str| self.expand(n);
        // A guarantee is decided by a quorum that signed one text.
        let decision = match key.of {
            CertificationOf::GuaranteeDecision => {
                self.decision_of(&p, &self.a.guarantees[target].decision)
            }
            _ => None,
        };
        let waiting: Option<String> = match key.of {
            CertificationOf::Transition => {
                let t = &self.a.transitions[target];
                if self.state.phase.id.as_deref() != Some(t.from.get_ref()) {
                    Some(format!(
                        "the phase is {}, not {}",
                        self.state.phase.id.clone().unwrap_or_default(),
                        t.from.get_ref()
                    ))
                } else if !t.certify.is_met(&signers, &expand) {
                    Some("signatures".into())
                } else if let Some(min) = self
                    .a
                    .phases
                    .get(t.from.get_ref())
                    .and_then(|ph| ph.min_days.as_ref())
                    .filter(|_| !t.revert)
                {
                    let days = self.phase_days();
                    if days < *min.get_ref() as i64 {
                        Some(format!(
                            "the phase has lasted {days} of its {} days",
                            min.get_ref()
                        ))
                    } else {
                        self.condition_holds(self.conditions.transitions.get(target))
                    }
                } else {
                    self.condition_holds(self.conditions.transitions.get(target))
                }
            }
            CertificationOf::Tranche => {
                let t = &self.a.relief[target];
                let st = &self.state.tranches[target];
                if st.state != TrancheState::Pending && st.state != TrancheState::SnappedBack {
                    Some(format!("the tranche is {:?}", st.state))
                } else if !t
                    .phases
                    .iter()
                    .any(|ph| Some(ph.get_ref().as_str()) == self.state.phase.id.as_deref())
                {
                    Some(format!(
                        "the tranche is not for phase {}",
                        self.state.phase.id.clone().unwrap_or_default()
                    ))
                } else if !t.certify.is_met(&signers, &expand) {
                    Some("signatures".into())
                } else {
                    None
                }
            }
            CertificationOf::SnapbackNotice => {
                let t = &self.a.relief[target];
                let st = &self.state.tranches[target];
                match &t.snapback {
                    _ if st.state != TrancheState::InForce => {
                        Some("the tranche is not in force".into())
                    }
                    Some(sb) if !sb.notify.is_met(&signers, &expand) => Some("signatures".into()),
                    _ => None,
                }
            }
            CertificationOf::ContinueRelief => {
                let t = &self.a.relief[target];
                let st = &self.state.tranches[target];
                match &t.snapback {
                    _ if st.state != TrancheState::InVote => {
                        Some("the tranche is not in its continuation vote".into())
                    }
                    Some(sb) if !sb.continue_.is_met(&signers, &expand) => {
                        Some("signatures".into())
                    }
                    _ => None,
                }
            }
            CertificationOf::GuaranteeDecision => {
                let g = &self.a.guarantees[target];
                let st = &self.state.guarantees[target];
                if !matches!(
                    st.state,
                    GuaranteeState::Triggered | GuaranteeState::Overdue
                ) {
                    Some("the guarantee is not triggered".into())
                } else if decision.is_none() {
                    Some(if g.decision.is_met(&signers, &expand) {
                        "signatures of one decision (those signed differ)".into()
                    } else {
                        "signatures".into()
                    })
                } else {
                    None
                }
            }
        };
        if let Some(w) = waiting {
            if let Some(pp) = self.state.pending.get_mut(key) {
                pp.waiting_for = w;
            }
            return false;
        }
        self.state.pending.remove(key);
        let at = self.at(index);
        match key.of {
            CertificationOf::Transition => {
                let t = &self.a.transitions[target];
                self.state.phase.history.push(PhaseChange {
                    from: t.from.get_ref().clone(),
                    to: t.to.get_ref().clone(),
                    transition: target.to_string(),
                    at,
                    statements: p.statements(),
                });
                self.state.phase.id = Some(t.to.get_ref().clone());
                self.state.phase.since = Some(at);
                // Tranches not for the new phase lapse back to pending.
                let phase = t.to.get_ref().clone();
                for (id, tr) in &self.a.relief {
                    let st = self.state.tranches.get_mut(id).expect("every tranche");
                    let active = matches!(
                        st.state,
                        TrancheState::InForce | TrancheState::InDispute | TrancheState::InVote
                    );
                    if active && !tr.phases.iter().any(|p| p.get_ref() == &phase) {
                        st.state = TrancheState::Pending;
                        st.since = Some(at);
                        st.dispute = None;
                        st.history.push(TrancheChange {
                            state: TrancheState::Pending,
                            at,
                            why: format!("phase {phase}"),
                            statements: p.statements(),
                        });
                    }
                }
            }
            CertificationOf::Tranche => self.tranche_to(
                target,
                TrancheState::InForce,
                at,
                "certified".into(),
                p.statements(),
            ),
            CertificationOf::SnapbackNotice => {
                let by = signers.iter().cloned().collect::<Vec<_>>().join(", ");
                self.open_snapback(
                    target,
                    at,
                    &format!("notice signed by {by}"),
                    p.statements(),
                )
            }
            CertificationOf::ContinueRelief => {
                self.tranche_to(
                    target,
                    TrancheState::InForce,
                    at,
                    "continued by vote".into(),
                    p.statements(),
                );
                self.state
                    .tranches
                    .get_mut(target)
                    .expect("tranche")
                    .dispute = None;
            }
            CertificationOf::GuaranteeDecision => {
                let (text, statements) = decision.unwrap_or_default();
                let st = self.state.guarantees.get_mut(target).expect("guarantee");
                st.state = GuaranteeState::Decided;
                st.decided = Some(at);
                st.decision = Some(text.clone());
                st.history.push(GuaranteeChange {
                    state: GuaranteeState::Decided,
                    at,
                    why: format!("decided: {}", short(&text)),
                    statements,
                });
            }
        }
        true
    }

    pub(super) fn tranche_to(
        &mut self,
        id: &str,
        state: TrancheState,
        at: At,
        why: String,
        statements: Vec<u64>,
    ) {
        let st = self.state.tranches.get_mut(id).expect("tranche");
        st.state = state.clone();
        st.since = Some(at);
        st.history.push(TrancheChange {
            state,
            at,
            why,
            statements,
        });
    }

    pub(super) fn open_snapback(&mut self, id: &str, at: At, by: &str, statements: Vec<u64>) {
        let sb = self.a.relief[id].snapback.clone().expect("snapback");
        let day = |n: u64| {
            Time(add_seconds(
                at.time.0,
                i64::try_from(n).unwrap_or(i64::MAX).saturating_mul(86_400),
            ))
        };
        // UNSCR 2231's stages, in days from the opening: the joint
        // commission, then the ministers with the Advisory Board alongside
        // (JCPOA paragraph 36: "in parallel with"), then the commission's
        // review of the Board's opinion, then the continuation vote.
        let jc = *sb.joint_commission_days.get_ref();
        let mi = jc.saturating_add(*sb.ministerial_days.get_ref());
        let ab = sb
            .advisory_board_days
            .as_ref()
            .map(|d| jc.saturating_add(*d.get_ref()));
        let resolved = mi.max(ab.unwrap_or(0));
        let review = sb
            .commission_review_days
            .as_ref()
            .map(|d| resolved.saturating_add(*d.get_ref()));
        let vote_from = review.unwrap_or(resolved);
        let vo = vote_from.saturating_add(*sb.vote_days.get_ref());
        let mut stages = vec![("joint_commission", 0, jc), ("ministers", jc, mi)];
        if let Some(ab) = ab {
            stages.push(("advisory_board", jc, ab));
        }
        if let Some(review) = review {
            stages.push(("commission_review", resolved, review));
        }
        stages.push(("vote", vote_from, vo));
        self.tranche_to(
            id,
            TrancheState::InDispute,
            at,
            format!("snapback by {by}"),
            statements,
        );
        self.state.tranches.get_mut(id).expect("tranche").dispute = Some(SnapbackDispute {
            opened: at,
            opened_by: by.to_string(),
            commission_until: day(jc),
            ministers_until: day(mi),
            vote_until: day(vo),
            continue_signers: vec![],
            stages: stages
                .into_iter()
                .map(|(stage, from, until)| SnapbackStage {
                    stage: stage.to_string(),
                    from: day(from),
                    until: day(until),
                })
                .collect(),
            provisional_until: None,
        });
    }

    /// What a condition, if there is one, still waits for: `None` when it
    /// holds now.
    pub(super) fn condition_holds(&self, condition: Option<&Condition>) -> Option<String> {
        match condition {
            None => None,
            Some(c) => match c.eval(&self.status_env()) {
                Ok(true) => None,
                Ok(false) => Some(format!("the condition `{}`", c.source())),
                Err(e) => Some(format!("the condition could not be evaluated: {e}")),
            },
        }
    }

    pub(super) fn phase_days(&self) -> i64 {
        match (self.state.phase.since, self.state.clock) {
            (Some(s), Some(c)) => periods::days_between(s.time.0, c),
            _ => 0,
        }
    }

    pub(super) fn day(&self, at: Timestamp) -> i64 {
        let d = self
            .state
            .anchors
            .get("D")
            .or_else(|| self.state.anchors.values().next());
        d.map(|d| periods::days_between(*d, at)).unwrap_or(0)
    }
}
