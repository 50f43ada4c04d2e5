//! The evaluator: a pure function of (agreement, log prefix) to status.
//!
//! Entries are applied one by one, in log order; nothing else is read — no
//! clock, no file, no network. Time is the log's: each accepted statement's
//! `issued_at` moves the clock forward, and as it passes the end of a
//! reporting period or a deadline, what falls due is decided in time order
//! (clauses for the period, clocks, snapback conditions, guarantee triggers,
//! dispute and consultation deadlines). The whole state is serialisable, so
//! an evaluation can stop and resume where it stopped: applying entries k+1…n
//! to the state after k is the same as a full replay (a property test says so).
//!
//! The rules are written out in `docs/evaluation.md`.
//!
//! One type, [`Evaluator`], in rooms by concern: this file holds its state
//! and the path every entry takes ([`Evaluator::apply_prepared`], `accept`,
//! which dispatches by kind); `prepare` the stateless work done ahead on
//! any thread; `keys` who signed and accreditation; `observations`
//! corroboration and disputes; `certifications` quorums and amendments;
//! `claims` the operator's status statements; `time` deadlines and the
//! ends of periods; `clauses` metrics and revisions; `machines` the
//! phase, relief and guarantee machines; `due_process` consequences
//! provisional while their facts can be disputed; `conditions` what conditions
//! read; `view` the status shown. What one step derives for another is
//! passed as an argument, not left in a field.

mod certifications;
mod claims;
mod clauses;
mod conditions;
mod coverage;
mod due_process;
mod ground;
mod keys;
mod lookup;
mod machines;
mod measures;
mod observations;
pub mod periods;
mod prepare;
mod rejected;
pub mod status;
mod storage;
mod time;
mod verification;
mod versions;
mod view;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tlog_core::VerifierKey;
use tlog_core::ed25519::VerifiedSignature;
use tlog_core::note::NoteVerifier;

use crate::agreement::environment;
use crate::agreement::{
    Agreement, Anchor, Checker, Clause, Measure, Metric, OrgKind, Role, Window, ZoneKind,
};
use crate::cel::{Condition, Vars};
use crate::geography::{Placement, ZoneIndex};
use crate::statement::{Access, CrossingState, Facility, MinesKind, ViolationType, WeaponKind};
use crate::statement::{
    Accreditation, AccreditationAction, Amendment, Body, Category, Certification, Confidence,
    Corroboration, Details, Digest, Dispute, DisputeAction, DisputeOutcome, Kind, Observation,
    Sensor, SignedStatement, Time,
};
use certifications::PendingKey;
use conditions::Conditions;
pub use coverage::CoverageSeen;
pub use ground::ControlChange;
use keys::{Holder, KeyRing, Signers};
pub use periods::Periods;
pub use prepare::{Chunk, Prepared, Preparer};
use prepare::{Derived, Record, prefetch};
pub use rejected::{Duplicate, Rejected, SignedKind, StaleBefore};
pub use status::*;
pub use storage::{AbsentItem, SiteDeclared, SiteRecord, SiteVisit, Storage};
pub use versions::{
    AgreementVersions, NotApplied, Version, VersionError, VersionInForce, Versions, check_versions,
};
use versions::{Chain, Held, affiliations, agreement_keys, counts_unverified, coverage_counts};

/// A statement dated more than this after the log's clock is refused: one
/// statement cannot move the agreement's time far ahead.
pub const MAX_AHEAD_HOURS: i64 = 24;

/// An organisation of the agreement, by its place in the agreement's list
/// (which is in order of name). Observations and signers carry this rather
/// than the name: there is one per observation.
pub type OrgId = u16;

/// A withdrawal zone of the agreement (the zone a party's weapons of a class
/// must be withdrawn from), by its place in the zone index's list; its
/// names are [`Evaluator::withdrawal_zone`]'s. An observation carries one
/// for every zone it is in, so it is an index: names would be allocations
/// by the million.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct WithdrawalZone(pub u32);

/// One accepted observation, with what the evaluation needs of it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Obs {
    pub index: u64,
    pub digest: Digest,
    pub category: Category,
    pub issued: Timestamp,
    pub observed: Timestamp,
    pub period: Date,
    pub lon: f64,
    pub lat: f64,
    /// Where the monitors were (longitude, latitude), when they said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observer: Option<(f64, f64)>,
    /// The reporting organisation, and those that corroborated it.
    pub orgs: Orgs,
    /// The reporting organisation alone (one of `orgs`): it does not
    /// decide a dispute of its own report. A state stored before it was
    /// kept reads the agreement's first organisation.
    #[serde(default)]
    pub reporter: OrgId,
    pub sensor: Sensor,
    pub evidence: bool,
    /// The zones containing it, and the withdrawal zones.
    pub zones: Vec<String>,
    pub withdrawal: Vec<WithdrawalZone>,
    pub controlled_by: Option<String>,
    /// The party held responsible, and how that was decided.
    pub responsible: Option<String>,
    pub confidence: Option<Confidence>,
    pub attribution: String,
    /// Corroborations that disagreed, disputes lodged about it.
    pub dissent: u32,
    pub verified_at: Option<u64>,
    pub dispute: DisputeState,
    pub weapon_class: Option<String>,
    pub events: Vec<(Option<String>, u64)>,
    pub numbers: BTreeMap<String, u64>,
    pub texts: BTreeMap<String, String>,
    /// What a report says of it beyond counts, for the categories that
    /// have more (see [`ObsDetail`]). Absent in states stored before it
    /// was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Box<ObsDetail>>,
}

/// What a report needs of an observation beyond its counts: each
/// violation's type, weapon class, weapon kind and count; the kind of mine
/// or ordnance; a window of silence and whether it held; a crossing's
/// queues and waiting time; the storage site visited. Boxed in [`Obs`],
/// and only for these categories, so that the rest cost a pointer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "of", rename_all = "snake_case")]
pub enum ObsDetail {
    Violations {
        events: Vec<ViolationCount>,
    },
    Mines {
        kind: MinesKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        count: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        area_m2: Option<u32>,
    },
    /// A localised ceasefire ("window of silence").
    Window {
        facility: Facility,
        from: Timestamp,
        to: Timestamp,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        held: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        purpose: Option<String>,
    },
    Crossing {
        crossing: String,
        status: CrossingState,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        people_waiting: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vehicles_waiting: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wait_minutes: Option<u32>,
    },
    StorageVisit {
        site: String,
        access: Access,
        #[serde(default)]
        abandoned: bool,
    },
}

/// One line of a ceasefire violation: what was seen or heard, how many, and
/// with what, as far as the observer could tell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ViolationCount {
    #[serde(rename = "type")]
    pub type_: ViolationType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weapon_class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weapon: Option<WeaponKind>,
    pub count: u64,
}

/// A set of organisations (see [`OrgId`]; [`Evaluator::organisation`]
/// names them), in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Orgs(smallvec::SmallVec<[OrgId; 2]>);

impl Orgs {
    /// Adds an organisation; false if it was there already.
    pub fn insert(&mut self, org: OrgId) -> bool {
        match self.0.binary_search(&org) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, org);
                true
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = OrgId> + '_ {
        self.0.iter().copied()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Orgs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Orgs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let ids = BTreeSet::<OrgId>::deserialize(d)?;
        Ok(Orgs(ids.into_iter().collect()))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeState {
    None,
    /// A dispute is open until the deadline.
    Open {
        dispute: Digest,
        lodged_by: String,
        until: Timestamp,
    },
    /// The dispute was upheld: the observation no longer counts.
    Upheld,
    /// Decided against the dispute, withdrawn, or not decided in time.
    Stands,
}

impl Obs {
    /// Whether it counts as a verified fact now.
    pub fn counts(&self) -> bool {
        self.verified_at.is_some() && self.dispute != DisputeState::Upheld
    }
}

/// The result of a clause for one party and period.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PeriodResult {
    /// No verified breach: the condition held on verified observations
    /// (for a positive obligation before its deadline, true).
    pub kept: bool,
    /// What can be said of the period (see [`Verdict`]).
    #[serde(default)]
    pub verdict: Verdict,
    pub metrics: BTreeMap<String, i64>,
    /// The metrics counting every report not withdrawn, verified or not.
    #[serde(default)]
    pub reported: BTreeMap<String, i64>,
    /// Reports not (yet) verified that the metrics would count if they
    /// were (log indices).
    #[serde(default)]
    pub allegations: Vec<u64>,
    /// Observations counted in the metrics (log indices).
    pub counted: Vec<u64>,
    /// The result changed after the period ended (late or revised reports).
    pub revised: bool,
}

/// Certifications of one thing (a transition, a tranche, ...) gathered
/// until their signers make its quorum.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct PendingCert {
    /// Each certification: its entry, when it was issued, who signed it.
    entries: Vec<PendingEntry>,
    waiting_for: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct PendingEntry {
    index: u64,
    issued: Timestamp,
    signers: BTreeSet<String>,
    /// A guarantee decision's text (its `statement`): only those who
    /// signed the same text decide together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    statement: Option<String>,
}

impl PendingCert {
    fn signers(&self) -> BTreeSet<String> {
        self.entries
            .iter()
            .flat_map(|e| e.signers.iter().cloned())
            .collect()
    }

    fn statements(&self) -> Vec<u64> {
        self.entries.iter().map(|e| e.index).collect()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct DisputeRec {
    target: usize,
    lodged_by: String,
    lodged: Timestamp,
    /// When the statement lodging it was issued.
    #[serde(default)]
    issued: Timestamp,
    open: bool,
}

/// A claim by the operator about the status, and what the replay found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    pub index: u64,
    pub log_size: u64,
    pub claimed: Digest,
    /// The status digest the replay computed, when the claim could be
    /// checked (its `log_size` is its own index, or a size the replay was
    /// asked to keep with [`Evaluator::watch`]).
    pub computed: Option<Digest>,
    /// The plain fields of the statement (its phase, its tranches) that
    /// say something other than the replay: the operator signs them too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldMismatch>,
}

impl Claim {
    /// Whether everything the statement says was checked and is true.
    pub fn holds(&self) -> bool {
        self.computed == Some(self.claimed) && self.fields.is_empty()
    }
}

/// A plain field of a status statement that the replay contradicts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMismatch {
    /// `phase`, or `tranches.<id>`.
    pub field: String,
    pub claimed: String,
    pub replayed: String,
}

/// An entry that bears a valid signature of the operator but that the
/// evaluator refused: a statement the operator should never have signed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorRefusal {
    pub index: u64,
    pub why: Rejected,
}

/// The evaluator's whole state: serialisable, so an evaluation can be
/// stored and resumed.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct State {
    pub size: u64,
    pub clock: Option<Timestamp>,
    pub adopted: Option<At>,
    pub anchors: BTreeMap<String, Timestamp>,
    /// Accredited monitor keys: "name key_id" to (organisation, vkey).
    pub monitors: BTreeMap<String, (String, String)>,
    /// Boxed: each is made on the thread that prepared its statement, and
    /// the evaluator's thread only moves a pointer (see [`Prepared`]).
    pub obs: Vec<Box<Obs>>,
    /// Lookups derived from `obs`: not stored, rebuilt on resume.
    #[serde(skip)]
    idx: Indices,
    /// The last period whose end has been processed.
    pub done: Option<Date>,
    /// Clause results: clause -> party -> period -> result.
    pub results: BTreeMap<String, BTreeMap<String, BTreeMap<Date, PeriodResult>>>,
    pub clocks: BTreeMap<String, ClockStatus>,
    /// What the monitors covered, by reporting period.
    #[serde(default)]
    pub coverage: BTreeMap<Date, CoverageSeen>,
    /// Coverage of the periods decided so far, counted as they end.
    #[serde(default)]
    pub coverage_totals: CoverageStatus,
    pub phase: PhaseStatus,
    pub tranches: BTreeMap<String, TrancheStatus>,
    pub guarantees: BTreeMap<String, GuaranteeStatus>,
    pending: BTreeMap<PendingKey, PendingCert>,
    disputes: BTreeMap<Digest, DisputeRec>,
    pub rejected: BTreeMap<String, u64>,
    /// Why each rejected entry was refused (the first 10,000).
    pub rejections: Vec<(u64, Rejected)>,
    /// Refused entries the operator signed (the first 10,000), and how
    /// many there were.
    #[serde(default)]
    pub operator_refusals: Vec<OperatorRefusal>,
    #[serde(default)]
    pub operator_refused: u64,
    /// Refused entries the operator should never have logged, whoever
    /// signed them (see [`Rejected::is_unloggable`]): the first 10,000,
    /// and how many there were.
    #[serde(default)]
    pub unloggable: Vec<(u64, Rejected)>,
    #[serde(default)]
    pub unloggable_count: u64,
    pub claims: Vec<Claim>,
    pub amendments: Vec<(u64, Digest)>,
    /// Every accepted statement but observations (which are in `obs`) and
    /// certifications, by digest, with its index: a statement counts once.
    #[serde(default)]
    pub statements: BTreeMap<Digest, u64>,
    /// Certifications, by digest: who has signed each so far. The same
    /// certification may reach the log in several entries, each with
    /// other signers' lines; each signer counts once.
    #[serde(default)]
    pub certified: BTreeMap<Digest, BTreeSet<String>>,
    /// When each monitor key's accreditation last changed (granted or
    /// revoked), by "name key_id": an accreditation statement issued
    /// before that does not undo it.
    #[serde(default)]
    pub accreditation_changed: BTreeMap<String, Timestamp>,
    /// Disagreeing corroborations, by observation and organisation: each
    /// organisation dissents once.
    #[serde(default)]
    dissents: BTreeSet<(usize, OrgId)>,
    /// Changes of who holds an area (control statements), in log order.
    #[serde(default)]
    pub ground: Vec<ControlChange>,
    /// Snapbacks and guarantee triggers still provisional (see
    /// `due_process`).
    #[serde(default)]
    due: due_process::Provisionals,
    /// The amended versions that took effect, in order (the last judges;
    /// none: the adopted one), and amendments whose text the evaluator
    /// was not given (see `versions`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amended: Vec<VersionInForce>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_applied: Vec<NotApplied>,
    /// Storage sites the parties declared, and the monitors' visits to
    /// them (see `storage`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub storage: Storage,
}

#[derive(Clone, Debug, Default)]
struct Tally {
    breaches: u64,
    last_breach: Option<Date>,
    revised: u64,
    /// Periods by verdict.
    verdicts: BTreeMap<Verdict, u64>,
}

impl Tally {
    fn of(results: &BTreeMap<Date, PeriodResult>) -> Tally {
        let mut verdicts = BTreeMap::new();
        for r in results.values() {
            *verdicts.entry(r.verdict).or_default() += 1;
        }
        Tally {
            breaches: results.values().filter(|r| !r.kept).count() as u64,
            last_breach: results.iter().rfind(|(_, r)| !r.kept).map(|(d, _)| *d),
            revised: results.values().filter(|r| r.revised).count() as u64,
            verdicts,
        }
    }
}

/// Lookups over the observations, derived from them.
#[derive(Clone, Debug, Default)]
struct Indices {
    by_digest: lookup::ByDigest,
    /// Observations by (period, category), in log order.
    by_period: FxHashMap<(Date, Category), Vec<usize>>,
    /// The keys of `by_period`, in order (for cumulative windows).
    periods_seen: BTreeSet<(Date, Category)>,
    /// For corroboration in space and time.
    grid: lookup::Grid,
    /// Disputes not yet decided: (deadline, observation).
    open_disputes: BTreeSet<(Timestamp, usize)>,
    /// Per clause and party: periods broken, the last one, periods
    /// revised (what the status shows, kept as results change).
    tallies: FxHashMap<(String, String), Tally>,
    /// The observation counts the status shows, kept as observations
    /// change.
    counts: ObservationCounts,
    built: bool,
}

/// Evaluates a log under an agreement. A clone is a copy of the whole
/// evaluation, which goes on apart (see [`Evaluator::check_next`]).
#[derive(Clone)]
pub struct Evaluator<'a> {
    a: &'a Agreement,
    hash: Digest,
    zones: std::sync::Arc<ZoneIndex>,
    periods: Periods,
    /// The agreement's keys, and the monitors' accredited so far (no key
    /// is both: an accreditation of an agreement's key is refused).
    keys: KeyRing,
    /// Shared, so that a dry run ([`Evaluator::check_next`]) can copy
    /// the evaluator without compiling them again.
    conditions: Arc<Conditions>,
    pub state: State,
    /// Log sizes at which to keep the status digest, and those kept.
    watch: BTreeSet<u64>,
    snapshots: BTreeMap<u64, Status>,
    /// What the replay found where a status statement's claim did not
    /// match (by the statement's index; the first hundred).
    found: BTreeMap<u64, Status>,
    /// The parties each clause binds (its `binds`, expanded), by clause.
    bound: Arc<HashMap<String, Vec<String>>>,
    /// Whether some metric counts observations not verified.
    counts_unverified: bool,
    /// The agreement's organisations' names, in its order (see [`OrgId`]).
    org_names: Vec<String>,
    /// The party each answers to, if any.
    org_affiliations: Vec<Option<&'a str>>,
    /// Whether each one's coverage counts (see [`Evaluator::covers`]).
    org_covers: Vec<bool>,
    /// The kind of each.
    org_kinds: Vec<OrgKind>,
    /// See [`Evaluator::cell_sizes`].
    cells: (f64, i64),
    /// Scratch space for a group of observations found together (kept to
    /// save an allocation per observation).
    group: Vec<usize>,
    /// The period after `done` and when it ends.
    next_period: Option<(Date, Date, Timestamp)>,
    /// Every version it may meet, the adopted one first; `a`, `hash`,
    /// `zones` and `periods` are the one in force's (see `versions`).
    chain: Chain<'a>,
}

impl<'a> Evaluator<'a> {
    /// An evaluator for an agreement (checked, with its canonical hash), at
    /// the start of the log.
    pub fn new(a: &'a Agreement, hash: Digest) -> Evaluator<'a> {
        Evaluator::resume(a, hash, State::default())
    }

    /// An evaluator that continues from a stored state.
    ///
    /// # Panics
    ///
    /// If the state was judged by an amended text (which only an evaluator
    /// given it, [`Evaluator::resume_versions`], can have stored).
    pub fn resume(a: &'a Agreement, hash: Digest, state: State) -> Evaluator<'a> {
        match Evaluator::resume_versions(&Versions::one(a, hash), state) {
            Ok(e) => e,
            Err(e) => panic!("{e}"),
        }
    }

    /// An evaluator for a chain of versions (see
    /// [`Evaluator::with_versions`]) that continues from a stored state,
    /// under the version in force there.
    pub fn resume_versions(
        versions: &Versions<'a>,
        state: State,
    ) -> Result<Evaluator<'a>, VersionError> {
        let chain: Chain<'a> = versions.iter().map(Held::new).collect();
        let held = &chain[versions::in_force_of(&chain, &state)?];
        let a = held.a;
        let mut e = Evaluator {
            a,
            hash: held.hash,
            zones: held.zones.clone(),
            periods: held.periods.clone(),
            keys: agreement_keys(a),
            conditions: Arc::new(Conditions::compile(a)),
            state,
            watch: BTreeSet::new(),
            snapshots: BTreeMap::new(),
            found: BTreeMap::new(),
            next_period: None,
            group: Vec::new(),
            cells: Self::cell_sizes(a),
            org_names: a.organisations.keys().cloned().collect(),
            bound: Arc::new(environment::bound_parties(a)),
            counts_unverified: counts_unverified(a),
            org_affiliations: affiliations(a),
            chain: chain.clone(),
            org_covers: coverage_counts(a),
            org_kinds: a.organisations.values().map(|o| o.kind).collect(),
        };
        if !e.state.idx.built {
            e.build_indices();
        }
        e.add_monitor_keys();
        e.add_machines();
        Ok(e)
    }

    /// The lookups over the observations, made from them.
    fn build_indices(&mut self) {
        self.state.idx = Indices {
            built: true,
            ..Indices::default()
        };
        for i in 0..self.state.obs.len() {
            self.state.idx.by_digest.insert(&self.state.obs, i);
            self.index_observation(i);
        }
        for (clause, by_party) in &self.state.results {
            for (party, results) in by_party {
                self.state
                    .idx
                    .tallies
                    .insert((clause.clone(), party.clone()), Tally::of(results));
            }
        }
    }

    /// The accredited monitors' keys, of organisations of the text in
    /// force.
    fn add_monitor_keys(&mut self) {
        let monitors: Vec<(String, String)> = self.state.monitors.values().cloned().collect();
        for (org, vkey) in monitors {
            if let Ok(k) = VerifierKey::parse(&vkey)
                && let Some(id) = self.org_id(&org)
            {
                self.keys.insert(Holder::Monitor(id), k);
            }
        }
    }

    /// The tranches, guarantees and clocks of the text in force that the
    /// state does not have yet, at their start.
    fn add_machines(&mut self) {
        let a = self.a;
        for t in a.relief.keys() {
            self.state
                .tranches
                .entry(t.clone())
                .or_insert_with(|| TrancheStatus {
                    state: TrancheState::Pending,
                    since: None,
                    dispute: None,
                    history: vec![],
                });
        }
        for g in a.guarantees.keys() {
            self.state
                .guarantees
                .entry(g.clone())
                .or_insert_with(|| GuaranteeStatus {
                    state: GuaranteeState::Dormant,
                    triggered: None,
                    consultation_due: None,
                    decided: None,
                    cause: vec![],
                    history: vec![],
                    provisional_until: None,
                    decision: None,
                });
        }
        for c in a.clocks.keys() {
            self.state.clocks.entry(c.clone()).or_default();
        }
    }

    /// The name of an organisation of the agreement.
    pub fn organisation(&self, id: OrgId) -> &str {
        &self.org_names[id as usize]
    }

    fn org_id(&self, name: &str) -> Option<OrgId> {
        let at = self
            .org_names
            .binary_search_by(|n| n.as_str().cmp(name))
            .ok()?;
        OrgId::try_from(at).ok()
    }

    pub fn agreement(&self) -> &Agreement {
        self.a
    }

    pub fn zones(&self) -> &ZoneIndex {
        &self.zones
    }

    /// A withdrawal zone's weapon class and party (none for an index the
    /// agreement does not have, as a damaged stored state might hold).
    pub fn withdrawal_zone(&self, z: WithdrawalZone) -> Option<(&str, &str)> {
        self.zones.withdrawal_zone(z.0 as usize)
    }

    /// What prepares entries for this evaluator, on other threads while it
    /// applies the ones before.
    pub fn preparer(&self) -> Preparer<'a> {
        Preparer {
            chain: self.chain.clone(),
        }
    }

    /// Makes room for the observations of a log of `entries` entries, so
    /// that a long replay does not copy them again and again as it grows.
    pub fn reserve(&mut self, entries: usize) {
        let more = entries.saturating_sub(self.state.obs.len());
        self.state.obs.reserve(more);
        self.state.idx.by_digest.reserve(more);
    }

    pub fn periods(&self) -> &Periods {
        &self.periods
    }

    /// Applies the next log entry. Entries that are not acceptable are
    /// counted, with the reason, and change nothing else. The same path as
    /// [`Evaluator::apply_prepared`], with each signature verified here,
    /// under the same rule.
    pub fn apply(&mut self, entry: &[u8]) {
        let _ = self.apply_entry(entry);
    }

    /// [`Evaluator::apply`], saying whether the entry was accepted and,
    /// if not, why (the reason it was counted under).
    pub fn apply_entry(&mut self, entry: &[u8]) -> Result<(), Rejected> {
        let mut p = self.preparer().prepare(entry);
        self.apply_entry_prepared(&mut p)
    }

    /// [`Evaluator::apply_entry`] of an entry already prepared (by this
    /// evaluator's [`Preparer`]), each signature verified here: for a
    /// caller that also wants what the preparation found (a replica telling
    /// its live stream of the entry), without preparing it twice. What the
    /// state keeps is taken out of `p`; its statement is left.
    pub fn apply_entry_prepared(&mut self, p: &mut Prepared) -> Result<(), Rejected> {
        let Some(note) = p.note() else {
            return self.apply_checked(p, |_, _, _, _| false);
        };
        let text = note.text().as_bytes().to_vec();
        self.apply_checked(p, |_, _, sig, key| key.verify(&text, sig))
    }

    /// Whether `entry`, logged next, would be accepted, and if not why: a
    /// dry run of [`Evaluator::apply_entry`] on a copy of the evaluation,
    /// so that the answer is the evaluator's own and nothing here changes.
    /// (The copy costs as much as the state is large: for checking a
    /// statement before it is logged, not for a replay.)
    pub fn check_next(&self, entry: &[u8]) -> Result<(), Rejected> {
        self.clone().apply_entry(entry)
    }

    /// What of [`Evaluator::check_next`] can be known without changing
    /// anything, cheaply: the signatures (as [`Evaluator::apply_verified`]
    /// counts them), the checks every statement passes before it takes
    /// effect (`admit`), and for an observation its own faults, who
    /// reported it and whether it was logged before. A refusal here is one
    /// the evaluator would make, for the same reason; passing it does not
    /// mean that the entry will be accepted (a room may still refuse it).
    /// For a server, which refuses most bad entries this way and only the
    /// rest after applying them.
    pub fn screen(&self, p: &Prepared, verified: &[VerifiedSignature]) -> Result<(), Rejected> {
        let s = match &p.statement {
            Ok(s) => s,
            Err(why) => return Err(why.clone()),
        };
        let text = s.note.text().as_bytes();
        let message = p.digest.0;
        let (signers, _) = self.holders(s, |_, _, sig, key| {
            verified
                .iter()
                .any(|v| v.is(key.public_key(), &message, sig))
                || key.verify(text, sig)
        });
        let signers = signers?;
        let derived = Derived {
            names: p.names.clone(),
            digest: p.digest,
            record: None,
        };
        self.admit(s, &signers, &derived)?;
        if let Body::Observation(..) = &s.statement.body {
            self.reporter(&signers).ok_or(Rejected::NotAMonitor {
                kind: SignedKind::Observation,
            })?;
            if let Some(Err(why)) = &p.record {
                return Err(why.clone());
            }
            if self
                .state
                .idx
                .by_digest
                .get(&self.state.obs, &p.digest)
                .is_some()
            {
                return Err(Rejected::Duplicate {
                    of: Duplicate::Observation,
                });
            }
        }
        Ok(())
    }

    /// Whether an entry that passes [`Evaluator::screen`] is certain to be
    /// accepted when applied next: an observation, whose room refuses
    /// nothing that `screen` has not checked (who reported it, its own
    /// faults, a duplicate). Every other kind may still be refused by its
    /// room (a corroboration of nothing, a quorum not met).
    pub fn settles(&self, p: &Prepared) -> bool {
        matches!(
            &p.statement,
            Ok(s) if matches!(s.statement.body, Body::Observation(..))
        ) && p.record.is_some()
    }

    /// Applies a prepared entry, saying whether it was accepted and if not
    /// why. A signature line counts if one of `verified` is its signature
    /// by the key the evaluator knows for it (as in
    /// [`Evaluator::apply_prepared`]), or else if it verifies here, under
    /// the same rule: so that what was verified elsewhere against a key
    /// list that has since grown (a monitor accredited meanwhile) is not
    /// refused for that.
    pub fn apply_verified(
        &mut self,
        p: &mut Prepared,
        verified: &[VerifiedSignature],
    ) -> Result<(), Rejected> {
        let message = p.digest.0;
        let text = p.note().map(|n| n.text().as_bytes().to_vec());
        self.apply_checked(p, |_, _, sig, key| {
            verified
                .iter()
                .any(|v| v.is(key.public_key(), &message, sig))
                || text.as_deref().is_some_and(|t| key.verify(t, sig))
        })
    }

    /// Applies a prepared entry whose signatures were verified elsewhere:
    /// `verified` holds the signatures of its lines that verified, each
    /// saying by which key, of which message and with which bytes (only
    /// `tlog_core::ed25519` makes one, after verifying it). A line counts
    /// only if one of them is its signature, of this entry's text, by the
    /// key the agreement or an accreditation gave the line's name and ID at
    /// this point of the log (a key ID is only 32 bits: a forger can match
    /// one).
    ///
    /// What the state keeps is taken out of `p`; the rest is left to the
    /// caller to drop, on another thread if it likes (freeing a statement
    /// costs about as much as applying it).
    pub fn apply_prepared(&mut self, p: &mut Prepared, verified: &[VerifiedSignature]) {
        let message = p.digest.0;
        let _ = self.apply_checked(p, |_, _, sig, key| {
            verified
                .iter()
                .any(|v| v.is(key.public_key(), &message, sig))
        });
    }

    /// Applies a prepared entry, a signature line counting when `ok` says
    /// it verifies (given the line's name, key ID, signature and the key
    /// known by them); says why it was refused, if it was.
    fn apply_checked(
        &mut self,
        p: &mut Prepared,
        ok: impl Fn(&str, u32, &[u8], &VerifierKey) -> bool,
    ) -> Result<(), Rejected> {
        self.snapshot();
        let index = self.state.size;
        self.state.size += 1;
        let derived = p.take_derived();
        let (result, by_operator) = match &p.statement {
            Ok(s) => {
                let (signers, by_operator) = self.holders(s, ok);
                let result = signers.and_then(|signers| self.accept(index, s, signers, derived));
                (result, by_operator)
            }
            Err(why) => {
                let by_operator = p
                    .malformed_note
                    .as_ref()
                    .is_some_and(|n| self.operator_signed(n, ok));
                (Err(why.clone()), by_operator)
            }
        };
        if let Err(why) = &result {
            self.refuse(index, why.clone(), by_operator);
        }
        result
    }

    /// Applies prepared entries in order, as [`Evaluator::apply_prepared`]
    /// would one by one, `verified[k]` being what verified of
    /// `prepared[k]`. While it applies one entry it has the processor fetch
    /// what a later one will need: most of a long replay's time is spent
    /// waiting for memory written by the threads that prepared them.
    pub fn apply_prepared_all(
        &mut self,
        prepared: &mut [Prepared],
        verified: &[Vec<VerifiedSignature>],
    ) {
        // Two stages: a later entry's own parts first, then (once they are
        // in cache) what they point to.
        const AHEAD: usize = 4;
        for k in 0..prepared.len() {
            if let Some(later) = prepared.get(k + 2 * AHEAD) {
                later.prefetch_own();
            }
            if let Some(next) = prepared.get(k + AHEAD) {
                next.prefetch();
                if next.record.is_some() {
                    self.state.idx.by_digest.prefetch(next.digest_hash);
                }
                if let Some(v) = verified.get(k + AHEAD) {
                    prefetch(v.as_ptr());
                }
            }
            let v = verified.get(k).map_or(&[][..], Vec::as_slice);
            self.apply_prepared(&mut prepared[k], v);
        }
    }

    /// Records a refusal: counted by its kind; the first 10,000 kept with
    /// their entries, and those the operator signed apart.
    fn refuse(&mut self, index: u64, why: Rejected, by_operator: bool) {
        *self
            .state
            .rejected
            .entry(why.kind().to_string())
            .or_default() += 1;
        if by_operator {
            self.state.operator_refused += 1;
            if self.state.operator_refusals.len() < 10_000 {
                self.state.operator_refusals.push(OperatorRefusal {
                    index,
                    why: why.clone(),
                });
            }
        }
        // Kept apart from the rest, so that entries anyone can log (junk
        // that nobody signed) cannot crowd out those the operator should
        // never have logged.
        if why.is_unloggable() {
            self.state.unloggable_count += 1;
            if self.state.unloggable.len() < 10_000 {
                self.state.unloggable.push((index, why.clone()));
            }
        }
        if self.state.rejections.len() < 10_000 {
            self.state.rejections.push((index, why));
        }
    }

    fn snapshot(&mut self) {
        let size = self.state.size;
        if self.watch.remove(&size) {
            let st = self.status_at(size);
            self.snapshots.insert(size, st);
        }
    }

    /// The checks every statement passes before it changes anything: the
    /// version it was signed under, adoption first, the log's clock, the
    /// names it uses, and that it was not logged before. Shared by
    /// [`Evaluator::accept`] and [`Evaluator::screen`], so that a refusal
    /// here is the evaluator's own. Returns the earlier version it was
    /// signed under, if not the one in force.
    fn admit(
        &self,
        s: &SignedStatement,
        signers: &Signers,
        derived: &Derived,
    ) -> Result<Option<usize>, Rejected> {
        let st = &s.statement;
        let t = st.issued_at.0;
        // A statement names the version it was signed under: another than
        // the one in force only if signed while that one was.
        let earlier = match st.agreement != self.hash {
            true => Some(self.signed_under(st)?),
            false => None,
        };
        if self.state.adopted.is_none() {
            if st.kind() != Kind::Adoption {
                return Err(Rejected::BeforeAdoption);
            }
        } else if let Some(clock) = self.state.clock {
            // The operator's status statements are how time passes when
            // nothing else is logged, so they may move the clock to the
            // next reporting cut-off even when it is more than 24 hours
            // away (a 25-hour day when the clocks change, a combined
            // weekend); no statement may move it further (see
            // docs/evaluation.md, "Time").
            let status = st.kind() == Kind::Status && signers.contains(&Holder::Operator);
            let limit = self.latest_allowed(clock, status);
            if t > limit {
                return Err(Rejected::DatedAhead {
                    issued: st.issued_at,
                    clock: Time(clock),
                    latest: Time(limit),
                    status,
                });
            }
        }
        derived.names.clone()?;
        // A statement counts once: the same statement logged again (to
        // count again, or to undo what happened since) is refused.
        // Observations are kept by digest already (see `observation`), and
        // certifications by digest and signer (see `certification`).
        let once = match &st.body {
            Body::Observation(..) | Body::Certification(_) => None,
            _ => Some(derived.digest),
        };
        if let Some(d) = &once
            && let Some(at) = self.state.statements.get(d)
        {
            return Err(Rejected::Duplicate {
                of: Duplicate::Statement { entry: *at },
            });
        }
        Ok(earlier)
    }

    fn accept(
        &mut self,
        index: u64,
        s: &SignedStatement,
        signers: Signers,
        derived: Derived,
    ) -> Result<(), Rejected> {
        let st = &s.statement;
        let earlier = self.admit(s, &signers, &derived)?;
        let t = st.issued_at.0;
        let digest = match &st.body {
            Body::Observation(..) => None,
            _ => Some(derived.digest),
        };
        let once = digest.filter(|_| !matches!(st.body, Body::Certification(_)));
        // A status statement is about the entries before it, as they stood.
        let before = match &st.body {
            Body::Status(sc) if sc.log_size == index => Some(self.status_at(index)),
            Body::Status(sc) => self.snapshots.get(&sc.log_size).cloned(),
            _ => None,
        };
        // Time moves first: what fell due before this statement is decided
        // before it takes effect.
        if self.state.adopted.is_some() {
            self.advance(t, index);
        }
        match &st.body {
            Body::Adoption(_) => self.adoption(index, t, &signers),
            Body::Accreditation(ac) => self.accreditation(index, t, ac, &signers),
            Body::Observation(o, d) => {
                // Prepared with the statement, unless this `Prepared` was
                // applied before (see `Prepared::take_derived`).
                let mut record = derived
                    .record
                    .unwrap_or_else(|| self.preparer().record_of(s, o, d));
                if let Some(v) = earlier {
                    record = self.carried_over(v, record);
                }
                let accepted = self.observation(index, record, &signers);
                if accepted.is_ok()
                    && let Details::StorageVisit(v) = d
                {
                    self.storage_visit(index, o.observed.from.0, v);
                }
                accepted
            }
            Body::Corroboration(c) => self.corroboration(index, c, &signers),
            Body::Dispute(d) => self.dispute(index, t, s, d, &signers),
            Body::Certification(c) => {
                let digest = digest.expect("a certification's digest");
                self.certification(index, t, digest, c, &signers)
            }
            Body::Amendment(am) => self.amendment(index, t, am, &signers),
            Body::Status(sc) => self.status_claim(index, sc, &signers, before),
            Body::Coverage(c) => self.coverage_statement(index, t, c, &signers),
            Body::Control(c) => self.control(index, t, c, &signers),
            Body::Declaration(d) => self.declaration(index, t, d, &signers),
        }?;
        if let Some(d) = once {
            self.state.statements.insert(d, index);
        }
        if self.state.clock.is_none_or(|c| t > c) {
            self.state.clock = Some(t);
        }
        Ok(())
    }

    /// The latest `issued_at` a statement may have with the log's clock at
    /// `clock`: 24 hours ahead, or for a status statement the next
    /// reporting cut-off after the clock if that is later.
    fn latest_allowed(&self, clock: Timestamp, status: bool) -> Timestamp {
        let day = add_seconds(clock, MAX_AHEAD_HOURS * 3600);
        if !status {
            return day;
        }
        let period = self.periods.period_of(clock);
        let cutoff = match self.periods.end(period) {
            end if end > clock => end,
            _ => self.periods.end(self.periods.next(period)),
        };
        day.max(cutoff)
    }

    fn expand(&self, name: &str) -> Vec<String> {
        Checker::expand(self.a, name)
    }

    fn at(&self, index: u64) -> At {
        At {
            time: Time(self.state.clock.unwrap_or(Timestamp::UNIX_EPOCH)),
            index,
        }
    }
}

/// `t` moved by `seconds`, kept within the times jiff can represent (the
/// statement format bounds times far inside them, but an agreement's
/// hours are added too).
fn add_seconds(t: Timestamp, seconds: i64) -> Timestamp {
    let s = t
        .as_second()
        .saturating_add(seconds)
        .clamp(Timestamp::MIN.as_second(), Timestamp::MAX.as_second());
    Timestamp::from_second(s).expect("clamped to the representable range")
}

fn short(s: &str) -> String {
    s.chars().take(200).collect()
}
