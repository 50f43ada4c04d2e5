//! Clauses and their metrics: a clause's result per party and period,
//! and revising past periods when late reports change them.

use super::*;
use crate::agreement::CoverageRule;

/// A metric's value for a party and period (see [`Evaluator::metric`]).
#[derive(Default)]
pub(super) struct MetricValue {
    /// On verified observations (on every report, for a metric that counts
    /// unverified ones).
    pub(super) verified: i64,
    /// On every report not withdrawn by an upheld dispute.
    pub(super) reported: i64,
    /// Observations counted in `verified` (log indices).
    pub(super) counted: Vec<u64>,
    /// Reports not verified, counted in `reported` only (log indices).
    pub(super) alleged: Vec<u64>,
}

impl<'a> Evaluator<'a> {
    /// The moment a time relative to an anchor names, once the anchor is known.
    pub(super) fn time_of(&self, t: &crate::agreement::TimeRef) -> Option<Timestamp> {
        self.state
            .anchors
            .get(&t.anchor)
            .map(|a| add_seconds(*a, t.offset_hours.saturating_mul(3600)))
    }

    /// Whether a clause is in force during a period.
    pub(super) fn in_force(&self, c: &Clause, period: Date) -> bool {
        let (start, end) = (self.periods.start(period), self.periods.end(period));
        let from_ok = match &c.from {
            None => true,
            Some(f) => self.time_of(f.get_ref()).is_some_and(|f| end > f),
        };
        let until_ok = match &c.until {
            None => true,
            Some(u) => self.time_of(u.get_ref()).is_some_and(|u| start < u),
        };
        from_ok && until_ok && self.state.anchors.values().next().is_some()
    }

    /// Evaluates a clause for every party it binds, for one period: its
    /// metrics on verified observations and on every report, whether its
    /// condition held, and what can be said of it (its [`Verdict`]).
    pub(super) fn evaluate_clause(&mut self, id: &str, period: Date, revision: bool) {
        let c = &self.a.clauses[id];
        if !self.in_force(c, period) {
            return;
        }
        let bound = self.bound.clone();
        let end = self.periods.end(period);
        let day = self.day(end);
        let due = c.due.as_ref().and_then(|d| self.time_of(d.get_ref()));
        let covered = c.coverage == CoverageRule::NotRequired || self.covered(c, period);
        for p in &bound[id] {
            let mut metrics = BTreeMap::new();
            let mut reported = BTreeMap::new();
            let mut counted = BTreeSet::new();
            let mut alleged = BTreeSet::new();
            for (mid, m) in &c.metrics {
                let got = self.metric(c, m, p, period);
                metrics.insert(mid.clone(), got.verified);
                reported.insert(mid.clone(), got.reported);
                counted.extend(got.counted);
                alleged.extend(got.alleged);
            }
            let holds = |values: &BTreeMap<String, i64>| {
                let vars = environment::clause_values(values.iter().map(|(k, v)| (k, *v)), p, day);
                self.conditions
                    .clauses
                    .get(id)
                    .is_none_or(|cond| cond.eval(&vars) == Ok(true))
            };
            let held = holds(&metrics);
            let (kept, verdict) = match due {
                // A positive obligation: done (verified) or not, by its deadline.
                Some(due) if end <= due => (
                    true,
                    if held {
                        Verdict::Fulfilled
                    } else {
                        Verdict::NotYetDue
                    },
                ),
                Some(_) if held => (true, Verdict::Fulfilled),
                Some(_) => (false, Verdict::Overdue),
                None if !held => (false, Verdict::BreachVerified),
                None if !alleged.is_empty() && !holds(&reported) => {
                    (true, Verdict::AllegationsPending)
                }
                None if !covered => (true, Verdict::NotAssessable),
                None => (true, Verdict::NoVerifiedBreach),
            };
            let slot = self
                .state
                .results
                .entry(id.to_string())
                .or_default()
                .entry(p.clone())
                .or_default();
            let prev = slot
                .get(&period)
                .map(|r| (r.kept, r.verdict, r.metrics.clone()));
            let revised = revision
                && prev
                    .as_ref()
                    .is_some_and(|(k, v, ms)| *k != kept || *v != verdict || *ms != metrics);
            let was_revised = slot.get(&period).is_some_and(|r| r.revised);
            let was_kept = prev.as_ref().map(|(k, _, _)| *k);
            slot.insert(
                period,
                PeriodResult {
                    kept,
                    verdict,
                    metrics,
                    reported,
                    allegations: alleged.into_iter().collect(),
                    counted: counted.into_iter().collect(),
                    revised: revised || was_revised,
                },
            );
            let t = self
                .state
                .idx
                .tallies
                .entry((id.to_string(), p.clone()))
                .or_default();
            if revised && !was_revised {
                t.revised += 1;
            }
            if let Some((_, v, _)) = &prev
                && let Some(n) = t.verdicts.get_mut(v)
            {
                *n -= 1;
                if *n == 0 {
                    t.verdicts.remove(v);
                }
            }
            *t.verdicts.entry(verdict).or_default() += 1;
            match (was_kept, kept) {
                (Some(false), true) => {
                    t.breaches -= 1;
                    if t.last_breach == Some(period) {
                        t.last_breach = slot.iter().rfind(|(_, r)| !r.kept).map(|(d, _)| *d);
                    }
                }
                (Some(true) | None, false) => {
                    t.breaches += 1;
                    t.last_breach = t.last_breach.max(Some(period));
                }
                _ => {}
            }
        }
    }

    /// A metric's value for a party and period: on verified observations,
    /// and on every report not withdrawn; and the observations counted.
    pub(super) fn metric(&self, c: &Clause, m: &Metric, party: &str, period: Date) -> MetricValue {
        let periods: Vec<Date> = match m.window {
            Window::Period => vec![period],
            Window::Rolling(n) => {
                let mut v = vec![period];
                while v.len() < n as usize {
                    let prev = self.periods.previous(*v.last().expect("non-empty"));
                    v.push(prev);
                }
                v
            }
            Window::Cumulative => {
                // Periods with observations of the metric's categories, up
                // to this one, while the clause was in force. Whether a
                // period is in force is asked once per period.
                let mut v: Vec<Date> = Vec::new();
                let mut last: Option<(Date, bool)> = None;
                for (d, cat) in &self.state.idx.periods_seen {
                    if *d > period {
                        break;
                    }
                    if !m.observations.iter().any(|(c2, _)| c2 == cat) {
                        continue;
                    }
                    let ok = match last {
                        Some((ld, ok)) if ld == *d => ok,
                        _ => self.in_force(c, *d),
                    };
                    if ok && last.is_none_or(|(ld, _)| ld != *d) {
                        v.push(*d);
                    }
                    last = Some((*d, ok));
                }
                v
            }
        };
        let classes: Vec<&str> = m
            .weapon_classes
            .iter()
            .map(|w| w.get_ref().as_str())
            .collect();
        let mut verified = super::measures::Measured::new(&m.measure);
        let mut reported = super::measures::Measured::new(&m.measure);
        let mut alleged = Vec::new();
        for d in periods {
            let in_period = m
                .observations
                .iter()
                .flat_map(|(cat, _)| self.state.idx.by_period.get(&(d, *cat)))
                .flatten();
            for &i in in_period {
                let o = &self.state.obs[i];
                if o.dispute == DisputeState::Upheld {
                    continue;
                }
                if let Some(value) = self.value_of(m, &classes, party, o) {
                    reported.add(o, value);
                    if !m.verified || o.counts() {
                        verified.add(o, value);
                    } else {
                        alleged.push(o.index);
                    }
                }
            }
        }
        let (verified, counted) = verified.finish();
        MetricValue {
            verified,
            reported: reported.finish().0,
            counted,
            alleged,
        }
    }

    /// What an observation adds to a metric for a party, if it is of the
    /// kind the metric counts (whether it is verified aside). `classes`
    /// are the metric's weapon classes.
    pub(super) fn value_of(
        &self,
        m: &Metric,
        classes: &[&str],
        party: &str,
        o: &Obs,
    ) -> Option<i64> {
        if m.attributed && o.responsible.as_deref() != Some(party) {
            return None;
        }
        self.value_wherever_attributed(m, classes, party, o)
    }

    /// [`Evaluator::value_of`], whoever the observation is attributed to.
    pub(super) fn value_wherever_attributed(
        &self,
        m: &Metric,
        classes: &[&str],
        party: &str,
        o: &Obs,
    ) -> Option<i64> {
        if !m.zones.is_empty() && !m.zones.iter().any(|z| o.zones.contains(z.get_ref())) {
            return None;
        }
        if !m.details.iter().all(|(f, vals)| {
            o.texts
                .get(f)
                .is_some_and(|v| vals.iter().any(|x| x.get_ref() == v))
        }) {
            return None;
        }
        if m.in_withdrawal_zone {
            let class = o.weapon_class.as_deref()?;
            if !classes.is_empty() && !classes.contains(&class) {
                return None;
            }
            let here = o
                .withdrawal
                .iter()
                .any(|&w| self.withdrawal_zone(w) == Some((class, party)));
            if !here {
                return None;
            }
        }
        if o.category == Category::CeasefireViolation && !classes.is_empty() {
            let matching: Vec<u64> = o
                .events
                .iter()
                .filter(|(cl, _)| cl.as_deref().is_some_and(|x| classes.contains(&x)))
                .map(|(_, n)| *n)
                .collect();
            if matching.is_empty() {
                return None;
            }
            Some(match &m.measure {
                Measure::Observations => 1,
                Measure::Sum(_) | Measure::Latest(_) | Measure::Max(_) => {
                    matching.iter().sum::<u64>() as i64
                }
            })
        } else {
            if !classes.is_empty()
                && !o
                    .weapon_class
                    .as_deref()
                    .is_some_and(|x| classes.contains(&x))
            {
                return None;
            }
            Some(match &m.measure {
                Measure::Observations => 1,
                Measure::Sum(f) | Measure::Latest(f) | Measure::Max(f) => {
                    o.numbers.get(f.get_ref()).copied().unwrap_or(0) as i64
                }
            })
        }
    }

    /// A completed period's results may change when an observation in it is
    /// verified, disputed or reattributed late: those of the clauses with
    /// a metric that counts its category (a clause's result depends on
    /// nothing else the observation could change).
    pub(super) fn revise(&mut self, period: Date, category: Category) {
        self.revise_where(period, category, |_| true);
    }

    /// Revises what observations' verification or withdrawal may have
    /// changed: only the clauses with a metric that would count one of
    /// them for one of their parties (their attribution is as it was), once
    /// for each period. Most observations verified late count for no clause
    /// at all: unattributed violations, say, under clauses that count
    /// attributed ones.
    pub(super) fn revise_counted(&mut self, obs: &[usize]) {
        let mut todo: BTreeSet<(Date, Category, &str)> = BTreeSet::new();
        for &i in obs {
            let o = &self.state.obs[i];
            if self.state.done.is_some_and(|done| o.period <= done) {
                for c in self.counted_in(i, |_| true) {
                    todo.insert((o.period, o.category, c));
                }
            }
        }
        let mut keys: Vec<(Date, Category)> = todo.iter().map(|(d, c, _)| (*d, *c)).collect();
        keys.dedup();
        for (period, category) in keys {
            self.revise_where(period, category, |id| {
                todo.contains(&(period, category, id))
            });
        }
    }

    /// The clauses with a metric (of those `which` accepts) that would
    /// count observation `i` for one of their parties, whether it is
    /// verified aside.
    pub(super) fn counted_in(&self, i: usize, which: impl Fn(&Metric) -> bool) -> Vec<&'a str> {
        let a = self.a;
        let o = &self.state.obs[i];
        let category = o.category;
        a.clauses
            .iter()
            .filter(|(id, c)| {
                let parties = &self.bound[id.as_str()];
                c.metrics.values().any(|m| {
                    let classes: Vec<&str> = m
                        .weapon_classes
                        .iter()
                        .map(|w| w.get_ref().as_str())
                        .collect();
                    which(m)
                        && m.observations.iter().any(|(cat, _)| *cat == category)
                        && parties
                            .iter()
                            .any(|p| self.value_of(m, &classes, p, o).is_some())
                })
            })
            .map(|(id, _)| id.as_str())
            .collect()
    }

    /// Re-evaluates, for the periods whose windows include `period`, the
    /// clauses `which` names with a metric that counts `category`.
    pub(super) fn revise_where(
        &mut self,
        period: Date,
        category: Category,
        which: impl Fn(&str) -> bool,
    ) {
        let Some(done) = self.state.done else { return };
        if period > done {
            return;
        }
        // No period before the adoption's has results to revise: a report
        // dated long before it costs nothing more than one dated at it.
        let first = self
            .state
            .adopted
            .map_or(period, |a| self.periods.period_of(a.time.0));
        let a = self.a;
        for (c, clause) in a.clauses.iter().filter(|(id, _)| which(id)) {
            // The periods whose windows include this one.
            let Some(span) = clause
                .metrics
                .values()
                .filter(|m| m.observations.iter().any(|(cat, _)| *cat == category))
                .map(|m| match m.window {
                    Window::Period => 1,
                    Window::Rolling(n) => n as usize,
                    Window::Cumulative => usize::MAX,
                })
                .max()
            else {
                continue;
            };
            let mut d = period.max(first);
            for _ in 0..span {
                self.evaluate_clause(c, d, true);
                d = self.periods.next(d);
                if d > done {
                    break;
                }
            }
        }
    }
}
