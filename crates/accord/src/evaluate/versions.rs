//! Versions of the agreement: the adopted text and the amended texts an
//! evaluator may meet, and what changes when an amendment takes effect.
//!
//! An evaluator is given a chain of versions ([`Version`]: a text, checked,
//! with its canonical hash), the adopted one first. An amendment statement
//! accepted with the quorum of the version in force names a new hash; when
//! the evaluator holds that text, it judges by it from that entry on:
//! everything derived from the agreement (zone index, periods, conditions,
//! keys, organisation ids, the parties clauses bind) is made again from
//! it, and what was decided before (results of periods, phase, histories)
//! stays as it was. When it does not hold the text, it keeps judging by
//! the one in force and says so in the status ([`AgreementVersions`]):
//! never silently.
//!
//! Statements name the version in force when they were signed: after an
//! amendment, one naming the text it replaced counts only if it was issued
//! before the amendment took effect ([`Rejected::Superseded`] otherwise).
//! The rules are in docs/evaluation.md, "Amendments".

use super::*;

/// A version of an agreement: its text (checked) and its canonical hash.
#[derive(Clone, Copy, Debug)]
pub struct Version<'a> {
    pub agreement: &'a Agreement,
    pub hash: Digest,
}

/// Why a chain of versions cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error("no version of the agreement was given")]
    Empty,
    #[error(
        "an amended text must be the same agreement: its id is `{id}`, the adopted text's is `{adopted}` (version {hash})"
    )]
    OtherAgreement {
        id: String,
        adopted: String,
        hash: Digest,
    },
    #[error("the text {hash} is given twice")]
    Twice { hash: Digest },
    #[error(
        "the stored state is judged by the version {hash} (amended at entry {entry}), whose text was not given"
    )]
    NotGiven { hash: Digest, entry: u64 },
}

/// The versions an evaluator may meet: the adopted text first, then the
/// amended texts (in any order: an amendment names the one it adopts by
/// hash), all of the same agreement (the same `id`), none twice.
#[derive(Clone, Debug)]
pub struct Versions<'a>(Vec<Version<'a>>);

impl<'a> Versions<'a> {
    /// The adopted text alone (what [`Evaluator::new`] judges by).
    pub fn one(agreement: &'a Agreement, hash: Digest) -> Versions<'a> {
        Versions(vec![Version { agreement, hash }])
    }

    /// The adopted text and amended texts, checked to be a chain (see
    /// [`check_versions`]).
    pub fn new(
        adopted: Version<'a>,
        amended: impl IntoIterator<Item = Version<'a>>,
    ) -> Result<Versions<'a>, VersionError> {
        let all: Vec<Version<'a>> = std::iter::once(adopted).chain(amended).collect();
        check_versions(&all)?;
        Ok(Versions(all))
    }

    pub fn adopted(&self) -> Version<'a> {
        self.0[0]
    }

    pub fn iter(&self) -> impl Iterator<Item = &Version<'a>> {
        self.0.iter()
    }
}

/// Checks that versions can be a chain: at least one, all of the same
/// agreement (the same `id`), none twice.
pub fn check_versions(versions: &[Version<'_>]) -> Result<(), VersionError> {
    let first = versions.first().ok_or(VersionError::Empty)?;
    for (k, v) in versions.iter().enumerate() {
        if v.agreement.id.get_ref() != first.agreement.id.get_ref() {
            return Err(VersionError::OtherAgreement {
                id: v.agreement.id.get_ref().clone(),
                adopted: first.agreement.id.get_ref().clone(),
                hash: v.hash,
            });
        }
        if versions[..k].iter().any(|w| w.hash == v.hash) {
            return Err(VersionError::Twice { hash: v.hash });
        }
    }
    Ok(())
}

/// What an evaluator and its preparers hold of one version: the text and
/// what is derived from it that never changes.
pub(super) struct Held<'a> {
    pub(super) a: &'a Agreement,
    pub(super) hash: Digest,
    pub(super) zones: Arc<ZoneIndex>,
    pub(super) periods: Periods,
}

impl<'a> Held<'a> {
    pub(super) fn new(v: &Version<'a>) -> Held<'a> {
        Held {
            a: v.agreement,
            hash: v.hash,
            zones: Arc::new(ZoneIndex::new(v.agreement)),
            periods: Periods::new(v.agreement),
        }
    }
}

/// Every version held, the adopted one first.
pub(super) type Chain<'a> = Arc<[Held<'a>]>;

/// A version that took effect by an amendment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInForce {
    pub hash: Digest,
    /// The text's `version`.
    pub version: String,
    /// The entry from which it judges (the adopted text: its adoption's;
    /// an amended text: the amendment's).
    pub from: u64,
    /// The log's clock when it took effect: statements naming the text
    /// before it count only if issued earlier.
    pub since: Time,
}

/// An amendment accepted whose text the evaluator was not given: the text
/// in force went on judging.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotApplied {
    /// The amendment's entry.
    pub entry: u64,
    /// The amended text's hash.
    pub hash: Digest,
    pub why: String,
}

/// The versions in the status: those that have judged the log, in order
/// (the last judges now), and amendments that could not be applied. Empty
/// (and left out of the status) until an amendment is accepted, so that a
/// status without one, and its digest, are what they were.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementVersions {
    pub in_force: Vec<VersionInForce>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_applied: Vec<NotApplied>,
}

impl AgreementVersions {
    pub fn is_empty(&self) -> bool {
        self.in_force.is_empty() && self.not_applied.is_empty()
    }

    /// The version that judges now, if an amendment was accepted.
    pub fn judging(&self) -> Option<&VersionInForce> {
        self.in_force.last()
    }
}

/// Where a state is in a chain: which held version judges it.
pub(super) fn in_force_of(chain: &[Held<'_>], state: &State) -> Result<usize, VersionError> {
    match state.amended.last() {
        None => Ok(0),
        Some(v) => chain
            .iter()
            .position(|h| h.hash == v.hash)
            .ok_or(VersionError::NotGiven {
                hash: v.hash,
                entry: v.from,
            }),
    }
}

impl<'a> Evaluator<'a> {
    /// An evaluator for a chain of versions of an agreement, at the start
    /// of the log. [`Evaluator::new`] is a chain of one.
    pub fn with_versions(versions: &Versions<'a>) -> Evaluator<'a> {
        match Evaluator::resume_versions(versions, State::default()) {
            Ok(e) => e,
            Err(_) => unreachable!("the adopted version judges a new state"),
        }
    }

    /// The versions this evaluator holds, the adopted one first.
    pub fn versions(&self) -> impl Iterator<Item = Version<'a>> + '_ {
        self.chain.iter().map(|h| Version {
            agreement: h.a,
            hash: h.hash,
        })
    }

    /// The version that judges now.
    pub fn version_in_force(&self) -> Version<'a> {
        Version {
            agreement: self.a,
            hash: self.hash,
        }
    }

    /// The versions for the status (see [`AgreementVersions`]).
    pub(super) fn versions_status(&self) -> AgreementVersions {
        let s = &self.state;
        if s.amended.is_empty() && s.not_applied.is_empty() {
            return AgreementVersions::default();
        }
        let first = &self.chain[0];
        let adopted = VersionInForce {
            hash: first.hash,
            version: first.a.version.get_ref().clone(),
            from: s.adopted.map_or(0, |a| a.index),
            since: s.adopted.map_or(Time(Timestamp::UNIX_EPOCH), |a| a.time),
        };
        AgreementVersions {
            in_force: std::iter::once(adopted)
                .chain(s.amended.iter().cloned())
                .collect(),
            not_applied: s.not_applied.clone(),
        }
    }

    /// A statement that names a version other than the one in force: the
    /// held version it was signed under, if it was signed while that
    /// version was in force; refused otherwise.
    pub(super) fn signed_under(&self, st: &crate::statement::Statement) -> Result<usize, Rejected> {
        let mut before = self.chain[0].hash;
        let mut superseded = None;
        for next in &self.state.amended {
            if before == st.agreement {
                if st.issued_at.0 < next.since.0 {
                    let held = self.chain.iter().position(|h| h.hash == before);
                    // Every version that took effect is held (see
                    // `in_force_of`).
                    return held.ok_or(Rejected::OtherAgreement {
                        agreement: st.agreement,
                    });
                }
                superseded = Some(next);
            }
            before = next.hash;
        }
        match superseded {
            Some(next) => Err(Rejected::Superseded {
                agreement: st.agreement,
                by: next.hash,
                entry: next.from,
                issued: st.issued_at,
                since: next.since,
            }),
            None => Err(Rejected::OtherAgreement {
                agreement: st.agreement,
            }),
        }
    }

    /// An observation's record made under the held version `v`, for the
    /// version in force: its withdrawal zones named by the index in force.
    pub(super) fn carried_over(&self, v: usize, mut record: Record) -> Record {
        if let Ok(obs) = &mut record.obs {
            let map = withdrawal_map(&self.chain[v].zones, &self.zones);
            remap_withdrawal(&map, &mut obs.withdrawal);
        }
        record
    }

    /// An amendment accepted at `index` (issued at `t`): from it on, the
    /// text it names judges, if this evaluator holds it.
    pub(super) fn amended(&mut self, index: u64, t: Timestamp, to: Digest) {
        let Some(next) = self.chain.iter().position(|h| h.hash == to) else {
            self.state.not_applied.push(NotApplied {
                entry: index,
                hash: to,
                why: format!(
                    "its text was not supplied; version {} ({}) still judges",
                    self.a.version.get_ref(),
                    self.hash
                ),
            });
            return;
        };
        let since = self.state.clock.map_or(t, |c| c.max(t));
        self.state.amended.push(VersionInForce {
            hash: to,
            version: self.chain[next].a.version.get_ref().clone(),
            from: index,
            since: Time(since),
        });
        self.judge_by(next);
    }

    /// Makes the held version `next` the one in force: everything derived
    /// from the text is made again from it; what was decided stays.
    fn judge_by(&mut self, next: usize) {
        let old_zones = self.zones.clone();
        let old_orgs = std::mem::take(&mut self.org_names);
        let held = &self.chain[next];
        let a = held.a;
        self.a = a;
        self.hash = held.hash;
        self.zones = held.zones.clone();
        self.periods = held.periods.clone();
        self.conditions = Arc::new(Conditions::compile(a));
        self.cells = Self::cell_sizes(a);
        self.org_names = a.organisations.keys().cloned().collect();
        self.org_affiliations = affiliations(a);
        self.org_covers = coverage_counts(a);
        self.org_kinds = a.organisations.values().map(|o| o.kind).collect();
        self.bound = Arc::new(environment::bound_parties(a));
        self.counts_unverified = counts_unverified(a);
        self.next_period = None;

        // Observations carry organisations and withdrawal zones by their
        // places in the text's lists: placed again in the new ones, by
        // name (one no longer in the text is no longer counted).
        if old_orgs != self.org_names {
            let map: Vec<Option<OrgId>> = old_orgs.iter().map(|n| self.org_id(n)).collect();
            let moved = |id: OrgId| map.get(id as usize).copied().flatten();
            for o in &mut self.state.obs {
                let mut orgs = Orgs::default();
                for id in o.orgs.iter().filter_map(moved) {
                    orgs.insert(id);
                }
                o.orgs = orgs;
                // An author the new text no longer has is no one's: the
                // first organisation stands in, as for a state stored
                // before authors were kept.
                o.reporter = moved(o.reporter).unwrap_or_default();
            }
            for seen in self.state.coverage.values_mut() {
                seen.orgs = std::mem::take(&mut seen.orgs)
                    .into_iter()
                    .filter_map(moved)
                    .collect();
            }
            self.state.dissents = std::mem::take(&mut self.state.dissents)
                .into_iter()
                .filter_map(|(i, id)| moved(id).map(|id| (i, id)))
                .collect();
        }
        let map = withdrawal_map(&old_zones, &self.zones);
        if map.iter().enumerate().any(|(i, m)| *m != Some(i as u32)) {
            for o in &mut self.state.obs {
                remap_withdrawal(&map, &mut o.withdrawal);
            }
        }

        self.keys = agreement_keys(a);
        self.add_monitor_keys();
        // Machines the amended text no longer has are gone, with what was
        // pending for them; those it adds begin.
        self.state
            .tranches
            .retain(|id, _| a.relief.contains_key(id));
        self.state
            .guarantees
            .retain(|id, _| a.guarantees.contains_key(id));
        self.state.clocks.retain(|id, _| a.clocks.contains_key(id));
        self.state.pending.retain(|k, _| match k.of {
            CertificationOf::Transition => a.transitions.contains_key(&k.target),
            CertificationOf::GuaranteeDecision => a.guarantees.contains_key(&k.target),
            _ => a.relief.contains_key(&k.target),
        });
        self.add_machines();
        // The lookups depend on the text (the corroboration grid's cells):
        // made again, as on resume.
        self.state.idx = Indices::default();
        self.build_indices();
    }
}

use crate::statement::CertificationOf;

/// For each withdrawal zone of `from`, its place in `to` (by weapon class
/// and party), if `to` has it.
fn withdrawal_map(from: &ZoneIndex, to: &ZoneIndex) -> Vec<Option<u32>> {
    let names: Vec<(&str, &str)> = to.withdrawal_zones().collect();
    from.withdrawal_zones()
        .map(|z| {
            names
                .iter()
                .position(|n| *n == z)
                .and_then(|i| u32::try_from(i).ok())
        })
        .collect()
}

fn remap_withdrawal(map: &[Option<u32>], zones: &mut Vec<WithdrawalZone>) {
    *zones = zones
        .iter()
        .filter_map(|z| map.get(z.0 as usize).copied().flatten().map(WithdrawalZone))
        .collect();
}

/// The agreement's own keys: parties', organisations', the operator's.
pub(super) fn agreement_keys(a: &Agreement) -> KeyRing {
    let mut keys = KeyRing::default();
    for p in a.parties.values() {
        let holder = Holder::Party(p.id.get_ref().as_str().into());
        for k in &p.keys {
            keys.insert(holder.clone(), k.get_ref().clone());
        }
    }
    for (id, o) in a.organisations.values().enumerate() {
        let holder = Holder::Org(OrgId::try_from(id).expect("fewer than 65,536 organisations"));
        for k in &o.keys {
            keys.insert(holder.clone(), k.get_ref().clone());
        }
    }
    if let Some(op) = &a.operator {
        for k in &op.keys {
            keys.insert(Holder::Operator, k.get_ref().clone());
        }
    }
    keys
}

pub(super) fn affiliations(a: &Agreement) -> Vec<Option<&str>> {
    a.organisations
        .values()
        .map(|o| o.affiliation.as_ref().map(|p| p.get_ref().as_str()))
        .collect()
}

/// Whether each organisation's coverage counts (see
/// [`Evaluator::covers`](super::Evaluator)): one that answers to no party
/// and is a mission or technical means.
pub(super) fn coverage_counts(a: &Agreement) -> Vec<bool> {
    a.organisations
        .values()
        .map(|o| {
            o.affiliation.is_none()
                && matches!(
                    o.kind,
                    crate::agreement::OrgKind::Mission | crate::agreement::OrgKind::Technical
                )
        })
        .collect()
}

pub(super) fn counts_unverified(a: &Agreement) -> bool {
    a.clauses
        .values()
        .any(|c| c.metrics.values().any(|m| !m.verified))
}
