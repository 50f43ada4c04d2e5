//! Observations: accepting them, indexing them in time and space,
//! verifying them by corroboration under the agreement's rules, and
//! disputes of them.

use super::*;

impl<'a> Evaluator<'a> {
    pub(super) fn observation(
        &mut self,
        index: u64,
        record: Record,
        signers: &[Holder],
    ) -> Result<(), Rejected> {
        let org = self.reporter(signers).ok_or(Rejected::NotAMonitor {
            kind: SignedKind::Observation,
        })?;
        // The record's own faults first: a duplicate has none (its first
        // copy was accepted, and a record depends only on the statement),
        // so this finds what checking for duplicates first would.
        let Record {
            obs,
            digest_hash: hash,
        } = record;
        let mut obs = obs?;
        let i = self.state.obs.len();
        if !self
            .state
            .idx
            .by_digest
            .insert_new(&self.state.obs, &obs.digest, hash, i)
        {
            return Err(Rejected::Duplicate {
                of: Duplicate::Observation,
            });
        }
        obs.index = index;
        obs.orgs.insert(org);
        obs.reporter = org;
        self.ground(&mut obs);
        self.state.obs.push(obs);
        self.index_observation(i);
        // A first-hand report shows that its monitors were there to see.
        let o = &self.state.obs[i];
        if o.sensor != Sensor::OpenSource && self.covers(org) {
            let seen = self.state.coverage.get(&o.period);
            let new = seen.is_none_or(|s| {
                !s.orgs.contains(&org) || o.zones.iter().any(|z| !s.zones.contains(z))
            });
            if new {
                let (period, zones) = (o.period, o.zones.clone());
                self.cover(period, org, zones.iter().map(String::as_str), None);
            }
        }
        self.verify_observation(i, index);
        // A late report not verified (yet) still counts where a metric
        // counts unverified observations (`verified = false`).
        let o = &self.state.obs[i];
        if self.counts_unverified
            && o.verified_at.is_none()
            && self.state.done.is_some_and(|d| o.period <= d)
        {
            let (period, category) = (o.period, o.category);
            let clauses = self.counted_in(i, |m| !m.verified);
            if !clauses.is_empty() {
                self.revise_where(period, category, |id| clauses.contains(&id));
            }
        }
        Ok(())
    }

    /// What an observation adds to the counts: verified, disputed,
    /// withdrawn, unattributed.
    pub(super) fn flags(&self, i: usize) -> [bool; 4] {
        let o = &self.state.obs[i];
        [
            o.counts(),
            matches!(o.dispute, DisputeState::Open { .. }),
            o.dispute == DisputeState::Upheld,
            o.responsible.is_none(),
        ]
    }

    /// Moves an observation's counts from `before` to what it is now.
    pub(super) fn recount(&mut self, i: usize, before: [bool; 4]) {
        let after = self.flags(i);
        let c = &mut self.state.idx.counts;
        for (field, (b, a)) in [
            &mut c.verified,
            &mut c.disputed,
            &mut c.withdrawn,
            &mut c.unattributed,
        ]
        .into_iter()
        .zip(before.into_iter().zip(after))
        {
            *field = *field + u64::from(a) - u64::from(b);
        }
    }

    /// Adds observation `i` to the lookups (but `by_digest`, which it is
    /// in already).
    pub(super) fn index_observation(&mut self, i: usize) {
        let cell = self.cell(i);
        self.state.idx.counts.total += 1;
        let by_category = &mut self.state.idx.counts.by_category;
        let name = self.state.obs[i].category.name();
        match by_category.get_mut(name) {
            Some(n) => *n += 1,
            None => {
                by_category.insert(name.to_string(), 1);
            }
        }
        self.recount(i, [false; 4]);
        let o = &self.state.obs[i];
        let idx = &mut self.state.idx;
        let key = (o.period, o.category);
        match idx.by_period.get_mut(&key) {
            Some(list) => list.push(i),
            None => {
                idx.by_period.insert(key, vec![i]);
                idx.periods_seen.insert(key);
            }
        }
        if let DisputeState::Open { until, .. } = o.dispute {
            self.state.idx.open_disputes.insert((until, i));
        }
        let (cat, tb, cy, cx) = cell;
        self.state.idx.grid.insert(cat, tb, cy, cx, i);
    }

    pub(super) fn bucket_minutes(&self) -> i64 {
        self.cells.1
    }

    pub(super) fn cell_degrees(&self) -> f64 {
        self.cells.0
    }

    /// The corroboration grid's cell size in degrees, and time bucket in
    /// minutes: the largest tolerances of the verification rules.
    pub(super) fn cell_sizes(a: &Agreement) -> (f64, i64) {
        let minutes = a
            .verification
            .rules
            .iter()
            .filter_map(|r| r.within_minutes.as_ref().map(|m| *m.get_ref() as i64))
            .max()
            .unwrap_or(60)
            .max(1);
        let km = a
            .verification
            .rules
            .iter()
            .filter_map(|r| r.within_km.as_ref().map(|k| *k.get_ref()))
            .fold(1.0, f64::max);
        // A degree of latitude is at least 110.5 km: a cell is never
        // smaller than the tolerance in latitude.
        ((km / 110.0).max(0.01), minutes)
    }

    pub(super) fn cell(&self, i: usize) -> (u8, i64, i32, i32) {
        let o = &self.state.obs[i];
        let deg = self.cell_degrees();
        (
            o.category as u8,
            o.observed
                .as_second()
                .div_euclid(self.bucket_minutes() * 60),
            (o.lat / deg).floor() as i32,
            (o.lon / deg).floor() as i32,
        )
    }

    /// Organisations count as independent unless they answer to the same party.
    /// `orgs` is without repeats.
    pub(super) fn independent_count(&self, orgs: &[OrgId], independent: bool) -> u64 {
        if !independent {
            return orgs.len() as u64;
        }
        let mut parties: Vec<&str> = Vec::new();
        let mut free = 0;
        for &o in orgs {
            match self.org_affiliations[o as usize] {
                Some(p) if !parties.contains(&p) => parties.push(p),
                Some(_) => {}
                None => free += 1,
            }
        }
        free + parties.len() as u64
    }

    /// Applies the verification rules to observation `i` (and any it
    /// corroborates in space and time), each counting only the
    /// organisations it names (see `verification`), and never letting one
    /// party's organisations alone verify a charge against another.
    pub(super) fn verify_observation(&mut self, i: usize, index: u64) {
        if self.state.obs[i].verified_at.is_some() {
            return;
        }
        let a = self.a;
        for r in &a.verification.rules {
            let o = &self.state.obs[i];
            let sensor_ok = r.sensors.is_empty()
                || r.sensors.iter().any(|s| {
                    Sensor::NAMES.iter().position(|n| n == s.get_ref()) == Some(o.sensor as usize)
                });
            if !sensor_ok {
                continue;
            }
            if r.with_evidence && !o.evidence {
                continue;
            }
            let need = *r.organisations.get_ref();
            // The group: this observation and those of the same kind near it.
            let mut group = std::mem::take(&mut self.group);
            group.clear();
            group.push(i);
            if need > 1 {
                let (mins, km) = (
                    r.within_minutes
                        .as_ref()
                        .map(|m| *m.get_ref() as i64)
                        .unwrap_or(60),
                    r.within_km.as_ref().map(|k| *k.get_ref()).unwrap_or(1.0),
                );
                let (cat, tb, cy, cx) = self.cell(i);
                // Cells to look in: enough to cover `km` (degrees of
                // latitude are at least 110.5 km, of longitude that times
                // the cosine of the latitude, taken where it is smallest)
                // and `mins`.
                let deg = self.cell_degrees();
                let reach_y = ((km / 110.5 / deg).ceil() as i32).max(1);
                let far_lat = (o.lat.abs() + km / 110.5).min(89.0);
                let lon_km = 110.5 * far_lat.to_radians().cos().max(0.01);
                let reach_x = ((km / lon_km / deg).ceil() as i32).max(1);
                let tspan = (mins as f64 / self.bucket_minutes() as f64).ceil() as i64;
                // Nearer than `km` only if within these of degrees: a
                // cheap test before the distance on the ellipsoid.
                let (dlat, dlon) = (km / 110.5, km / lon_km);
                // On the ellipsoid only for those that pass the cheap tests.
                let mut here = None;
                let obs = &self.state.obs;
                self.state.idx.grid.near(
                    cat,
                    tb - tspan..=tb + tspan,
                    cy - reach_y..=cy + reach_y,
                    cx - reach_x..=cx + reach_x,
                    |j| {
                        let p = &obs[j];
                        if j == i
                            || (p.observed.as_second() - o.observed.as_second()).abs() > mins * 60
                            || (p.lat - o.lat).abs() > dlat
                            || (p.lon - o.lon).abs() > dlon
                        {
                            return;
                        }
                        let here =
                            here.get_or_insert_with(|| crate::geography::Pos::new(o.lon, o.lat));
                        if here.distance(&crate::geography::Pos::new(p.lon, p.lat)) <= km * 1000.0 {
                            group.push(j);
                        }
                    },
                );
            }
            let mut orgs: smallvec::SmallVec<[OrgId; 4]> = group
                .iter()
                .flat_map(|&j| self.state.obs[j].orgs.iter())
                .filter(|&org| self.counts_for(r, org))
                .collect();
            orgs.sort_unstable();
            orgs.dedup();
            let enough = self.independent_count(&orgs, r.independent) >= need;
            let mut verified = false;
            if enough {
                // Verified together: each completed period they fall in is
                // revised once, after all of them are.
                let mut late: Vec<usize> = Vec::new();
                for &j in &group {
                    let o = &self.state.obs[j];
                    if o.verified_at.is_none() && self.party_allows(o, &orgs) {
                        verified |= j == i;
                        if self.state.done.is_some_and(|d| o.period <= d) {
                            late.push(j);
                        }
                        let before = self.flags(j);
                        self.state.obs[j].verified_at = Some(index);
                        self.recount(j, before);
                    }
                }
                if !late.is_empty() {
                    self.revise_counted(&late);
                }
            }
            self.group = group;
            if verified {
                return;
            }
        }
    }

    pub(super) fn corroboration(
        &mut self,
        index: u64,
        c: &Corroboration,
        signers: &[Holder],
    ) -> Result<(), Rejected> {
        let org = self.reporter(signers).ok_or(Rejected::NotAMonitor {
            kind: SignedKind::Corroboration,
        })?;
        let i = self
            .state
            .idx
            .by_digest
            .get(&self.state.obs, &c.observation.sha256)
            .ok_or(Rejected::UnknownObservation {
                digest: c.observation.sha256,
            })?;
        if c.agrees {
            if !self.state.obs[i].orgs.insert(org) {
                return Err(Rejected::SelfCorroboration {
                    organisation: self.organisation(org).to_string(),
                });
            }
            self.verify_observation(i, index);
        } else {
            // Each organisation dissents once, however often it says so.
            if !self.state.dissents.insert((i, org)) {
                return Err(Rejected::Duplicate {
                    of: Duplicate::Dissent {
                        organisation: self.organisation(org).to_string(),
                        observation: c.observation.sha256,
                    },
                });
            }
            self.state.obs[i].dissent += 1;
        }
        Ok(())
    }

    pub(super) fn dispute(
        &mut self,
        index: u64,
        t: Timestamp,
        s: &SignedStatement,
        d: &Dispute,
        signers: &[Holder],
    ) -> Result<(), Rejected> {
        let rules = self
            .a
            .verification
            .disputes
            .clone()
            .ok_or(Rejected::NoDisputes)?;
        let signed = self.principals(signers);
        let now = self.state.clock.unwrap_or(Timestamp::UNIX_EPOCH);
        let expand = |n: &str| self.expand(n);
        match d.action {
            DisputeAction::Lodge => {
                if !rules.lodge.is_met(&signed, &expand) {
                    return Err(Rejected::DisputeQuorum { lodging: true });
                }
                let i = self
                    .state
                    .idx
                    .by_digest
                    .get(&self.state.obs, &d.target.sha256)
                    .ok_or(Rejected::UnknownObservation {
                        digest: d.target.sha256,
                    })?;
                let o = &self.state.obs[i];
                if now.as_second() - o.issued.as_second()
                    > *rules.window_hours.get_ref() as i64 * 3600
                {
                    return Err(Rejected::DisputeLate);
                }
                if t < o.issued {
                    return Err(Rejected::Stale {
                        issued: Time(t),
                        before: StaleBefore::Observation,
                        since: Time(o.issued),
                    });
                }
                match o.dispute {
                    DisputeState::None => {}
                    DisputeState::Open { .. } => {
                        return Err(Rejected::DisputeOpen);
                    }
                    // Once decided (or withdrawn, or left undecided past its
                    // deadline), an observation is not disputed again: a
                    // second dispute would reopen what was settled.
                    DisputeState::Upheld | DisputeState::Stands => {
                        return Err(Rejected::DisputeDecided);
                    }
                }
                let until = add_seconds(now, *rules.resolution_hours.get_ref() as i64 * 3600);
                let by = signed.iter().next().cloned().unwrap_or_default();
                let before = self.flags(i);
                self.state.obs[i].dispute = DisputeState::Open {
                    dispute: s.digest(),
                    lodged_by: by.clone(),
                    until,
                };
                self.recount(i, before);
                self.state.idx.open_disputes.insert((until, i));
                self.state.obs[i].dissent += 1;
                self.state.disputes.insert(
                    s.digest(),
                    DisputeRec {
                        target: i,
                        lodged_by: by,
                        lodged: now,
                        issued: t,
                        open: true,
                    },
                );
                self.cause_disputed(i, index);
            }
            DisputeAction::Resolve | DisputeAction::Withdraw => {
                let rec = self.state.disputes.get(&d.target.sha256).cloned().ok_or(
                    Rejected::UnknownDispute {
                        digest: d.target.sha256,
                    },
                )?;
                if !rec.open {
                    return Err(Rejected::DisputeClosed);
                }
                if t < rec.issued {
                    return Err(Rejected::Stale {
                        issued: Time(t),
                        before: StaleBefore::Dispute,
                        since: Time(rec.issued),
                    });
                }
                let ok = match d.action {
                    DisputeAction::Resolve => {
                        // The organisation that made the report does not
                        // judge it: its signature is set aside.
                        let author = self.organisation(self.state.obs[rec.target].reporter);
                        let mut judges = signed.clone();
                        let set_aside = judges.remove(author);
                        if set_aside
                            && !rules.resolve.is_met(&judges, &expand)
                            && rules.resolve.is_met(&signed, &expand)
                        {
                            return Err(Rejected::DisputeAuthor {
                                organisation: author.to_string(),
                            });
                        }
                        rules.resolve.is_met(&judges, &expand)
                    }
                    _ => signed.contains(&rec.lodged_by),
                };
                if !ok {
                    return Err(Rejected::DisputeQuorum { lodging: false });
                }
                let i = rec.target;
                if let DisputeState::Open { until, .. } = self.state.obs[i].dispute {
                    self.state.idx.open_disputes.remove(&(until, i));
                }
                let before = self.flags(i);
                let mut reattributed = false;
                self.state.obs[i].dispute = match (d.action, d.outcome) {
                    (DisputeAction::Resolve, Some(DisputeOutcome::Upheld)) => DisputeState::Upheld,
                    (DisputeAction::Resolve, Some(DisputeOutcome::Reattributed)) => {
                        if let Some(a) = &d.assessment {
                            let o = &mut self.state.obs[i];
                            o.responsible = a.responsible.clone();
                            o.confidence = Some(a.confidence);
                            o.attribution = "dispute".into();
                            reattributed = true;
                        }
                        DisputeState::Stands
                    }
                    _ => DisputeState::Stands,
                };
                self.recount(i, before);
                // Whoever verified it must be allowed to verify what it now
                // charges (see `Evaluator::reverify`).
                if reattributed {
                    self.reverify(i, index);
                }
                if let Some(r) = self.state.disputes.get_mut(&d.target.sha256) {
                    r.open = false;
                }
                self.revise(self.state.obs[i].period, self.state.obs[i].category);
                self.cause_disputed(i, index);
            }
        }
        Ok(())
    }
}
