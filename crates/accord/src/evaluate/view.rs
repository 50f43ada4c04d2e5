//! The status the evaluator shows, built from its state.

use super::*;

impl<'a> Evaluator<'a> {
    /// The status after the entries applied so far.
    pub fn status(&self) -> Status {
        let s = &self.state;
        let mut clauses = BTreeMap::new();
        for id in self.a.clauses.keys() {
            let parties = &self.bound[id];
            let mut cs = ClauseStatus::default();
            let mut any = false;
            let mut all = true;
            for p in parties {
                let res = s.results.get(id).and_then(|x| x.get(p));
                let last = s.done.and_then(|d| res.and_then(|r| r.get(&d)));
                let tally = s.idx.tallies.get(&(id.clone(), p.clone()));
                let pc = PartyClause {
                    kept: last.map(|r| r.kept),
                    verdict: last.map(|r| r.verdict),
                    metrics: last.map(|r| r.metrics.clone()).unwrap_or_default(),
                    reported: last.map(|r| r.reported.clone()).unwrap_or_default(),
                    allegations: last.map(|r| r.allegations.clone()).unwrap_or_default(),
                    breaches: tally.map_or(0, |t| t.breaches),
                    last_breach: tally.and_then(|t| t.last_breach).map(|d| d.to_string()),
                    periods: tally.map(|t| t.verdicts.clone()).unwrap_or_default(),
                    revised: tally.map_or(0, |t| t.revised),
                };
                if let Some(k) = pc.kept {
                    any = true;
                    all &= k;
                }
                if let Some(v) = pc.verdict {
                    cs.verdict = Some(cs.verdict.map_or(v, |g| g.min(v)));
                }
                cs.by_party.insert(p.clone(), pc);
            }
            cs.kept = any.then_some(all);
            if let Some(done) = s.done
                && cs.verdict.is_some()
            {
                cs.unattributed = self.unattributed(&self.a.clauses[id], done);
            }
            clauses.insert(id.clone(), cs);
        }
        let counts = s.idx.counts.clone();
        let mut monitors = BTreeMap::new();
        for (org, _) in s.monitors.values() {
            *monitors.entry(org.clone()).or_default() += 1;
        }
        // Only certifications signed for the state as it is count.
        let pending = s
            .pending
            .iter()
            .filter_map(|(k, p)| {
                let since = self.epoch(k).map(|(t, _)| t);
                let current = PendingCert {
                    entries: p
                        .entries
                        .iter()
                        .filter(|e| since.is_none_or(|t| e.issued >= t))
                        .cloned()
                        .collect(),
                    waiting_for: p.waiting_for.clone(),
                };
                (!current.entries.is_empty()).then(|| {
                    (
                        // Shown as `of:target`, its stored form.
                        k.to_string(),
                        Pending {
                            signers: current.signers().into_iter().collect(),
                            statements: current.statements(),
                            waiting_for: current.waiting_for,
                        },
                    )
                })
            })
            .collect();
        Status {
            agreement: Some(self.hash),
            log_size: s.size,
            clock: s.clock.map(Time),
            adopted: s.adopted,
            last_complete_period: s.done.map(|d| d.to_string()),
            current_period: s.clock.map(|c| self.periods.period_of(c).to_string()),
            phase: s.phase.clone(),
            clauses,
            clocks: s.clocks.clone(),
            coverage: self.coverage_status(),
            tranches: s.tranches.clone(),
            guarantees: s.guarantees.clone(),
            observations: counts,
            monitors,
            rejected: s.rejected.clone(),
            pending,
            ground: self.ground_held(),
            versions: self.versions_status(),
        }
    }

    /// Reports of `period` that nobody is held responsible for and that a
    /// metric of `c` counting a party's observations would count if they
    /// were that party's (not withdrawn after a dispute, verified or not).
    fn unattributed(&self, c: &Clause, period: Date) -> Vec<u64> {
        let mut out = BTreeSet::new();
        for m in c.metrics.values() {
            // Withdrawal zones are a party's own: nothing to say without one.
            if !m.attributed || m.in_withdrawal_zone {
                continue;
            }
            let classes: Vec<&str> = m
                .weapon_classes
                .iter()
                .map(|w| w.get_ref().as_str())
                .collect();
            for (category, _) in &m.observations {
                let Some(found) = self.state.idx.by_period.get(&(period, *category)) else {
                    continue;
                };
                for &i in found {
                    let o = &self.state.obs[i];
                    if o.responsible.is_none()
                        && o.dispute != DisputeState::Upheld
                        && self.value_wherever_attributed(m, &classes, "", o).is_some()
                    {
                        out.insert(o.index);
                    }
                }
            }
        }
        out.into_iter().collect()
    }

    /// The organisation kinds, for reports.
    pub fn organisation_kind(&self, org: &str) -> Option<OrgKind> {
        self.a.organisations.get(org).map(|o| o.kind)
    }

    /// Zones of a kind, for reports.
    pub fn zones_of(&self, kind: ZoneKind) -> Vec<String> {
        self.a
            .zones
            .values()
            .filter(|z| z.kind == kind)
            .map(|z| z.id.get_ref().clone())
            .collect()
    }
}
