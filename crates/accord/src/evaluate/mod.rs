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

mod lookup;
pub mod periods;
mod rejected;
pub mod status;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::Date;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use tlog_core::VerifierKey;
use tlog_core::ed25519::VerifiedSignature;
use tlog_core::note::NoteVerifier;

use crate::agreement::{
    Agreement, Anchor, Checker, Clause, Measure, Metric, OrgKind, Role, Window, ZoneKind,
};
use crate::cel::{Condition, Vars};
use crate::geography::{Placement, ZoneIndex};
use crate::statement::{
    Accreditation, AccreditationAction, Amendment, Body, Category, Certification, Confidence,
    Corroboration, Details, Digest, Dispute, DisputeAction, DisputeOutcome, Kind, Observation,
    Sensor, SignedStatement, Time,
};
pub use periods::Periods;
pub use rejected::{Duplicate, Rejected, SignedKind, StaleBefore};
pub use status::*;

/// A statement dated more than this after the log's clock is refused: one
/// statement cannot move the agreement's time far ahead.
pub const MAX_AHEAD_HOURS: i64 = 24;

/// An organisation of the agreement, by its place in the agreement's list
/// (which is in order of name). Observations and signers carry this rather
/// than the name: there is one per observation.
pub type OrgId = u16;

/// Who signed: the principals quorums are made of.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Holder {
    Party(Arc<str>),
    Org(OrgId),
    /// A monitor accredited by the organisation: it reports for the
    /// organisation but is not the organisation in a quorum.
    Monitor(OrgId),
    Operator,
}

/// Who signed a statement: almost always one or two.
type Signers = smallvec::SmallVec<[Holder; 2]>;

/// A key statements may be signed with: its name, whose it is, the key.
#[derive(Clone, Debug)]
struct KnownKey {
    name: String,
    holder: Holder,
    key: VerifierKey,
}

/// Keys by key ID (then name): looked up for every signature line, so
/// without building a `(String, u32)` to look up with.
#[derive(Clone, Debug, Default)]
struct KeyRing(FxHashMap<u32, Vec<KnownKey>>);

impl KeyRing {
    fn get(&self, name: &str, key_id: u32) -> Option<&KnownKey> {
        self.0.get(&key_id)?.iter().find(|k| k.name == name)
    }

    fn insert(&mut self, holder: Holder, key: VerifierKey) {
        let id = key.key_id();
        let list = self.0.entry(id).or_default();
        list.retain(|k| k.name != key.name());
        list.push(KnownKey {
            name: key.name().to_string(),
            holder,
            key,
        });
    }

    fn remove_monitor(&mut self, name: &str, key_id: u32) {
        if let Some(list) = self.0.get_mut(&key_id) {
            list.retain(|k| k.name != name || !matches!(k.holder, Holder::Monitor(_)));
        }
    }
}

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
    /// The reporting organisation, and those that corroborated it.
    pub orgs: Orgs,
    pub sensor: Sensor,
    pub evidence: bool,
    /// Zone indices containing it, withdrawal zones (class@party), holder.
    pub zones: Vec<String>,
    pub withdrawal: Vec<String>,
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
    pub kept: bool,
    pub metrics: BTreeMap<String, i64>,
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
    pub clocks: BTreeMap<String, u64>,
    pub phase: PhaseStatus,
    pub tranches: BTreeMap<String, TrancheStatus>,
    pub guarantees: BTreeMap<String, GuaranteeStatus>,
    pending: BTreeMap<String, PendingCert>,
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
}

#[derive(Clone, Debug, Default)]
struct Tally {
    breaches: u64,
    last_breach: Option<Date>,
    revised: u64,
}

impl Tally {
    fn of(results: &BTreeMap<Date, PeriodResult>) -> Tally {
        Tally {
            breaches: results.values().filter(|r| !r.kept).count() as u64,
            last_breach: results.iter().rfind(|(_, r)| !r.kept).map(|(d, _)| *d),
            revised: results.values().filter(|r| r.revised).count() as u64,
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

/// Evaluates a log under an agreement.
pub struct Evaluator<'a> {
    a: &'a Agreement,
    hash: Digest,
    zones: std::sync::Arc<ZoneIndex>,
    periods: Periods,
    /// The agreement's keys, and the monitors' accredited so far (no key
    /// is both: an accreditation of an agreement's key is refused).
    keys: KeyRing,
    conditions: HashMap<String, Condition>,
    pub state: State,
    /// Log sizes at which to keep the status digest, and those kept.
    watch: BTreeSet<u64>,
    snapshots: BTreeMap<u64, Status>,
    /// What the replay found where a status statement's claim did not
    /// match (by the statement's index; the first hundred).
    found: BTreeMap<u64, Status>,
    /// What was derived from the entry being applied beforehand (see
    /// [`Prepared`]), for `accept` to use instead of deriving it again.
    names: Option<Result<(), Rejected>>,
    record: Option<Result<Box<Obs>, Rejected>>,
    digest_hash: Option<u64>,
    digest: Option<Digest>,
    /// The parties each clause binds (its `binds`, expanded), by clause.
    bound: Arc<HashMap<String, Vec<String>>>,
    /// Whether some metric counts observations not verified.
    counts_unverified: bool,
    /// The agreement's organisations' names, in its order (see [`OrgId`]).
    org_names: Vec<String>,
    /// The party each answers to, if any.
    org_affiliations: Vec<Option<&'a str>>,
    /// See [`Evaluator::cell_sizes`].
    cells: (f64, i64),
    /// Scratch space for a group of observations found together (kept to
    /// save an allocation per observation).
    group: Vec<usize>,
    /// The period after `done` and when it ends.
    next_period: Option<(Date, Date, Timestamp)>,
}

/// A log entry made ready to apply, by work that needs no state and so can
/// run on many threads (see [`Preparer`]): parsed, its names checked
/// against the agreement, and for an observation, its record (placed among
/// the zones, its period found, its attribution by location, its weapons
/// classed). What is left for the evaluator is what depends on the log so
/// far: who signed, and what the observation does to the others.
pub struct Prepared {
    pub statement: Result<SignedStatement, Rejected>,
    /// When the statement is malformed but is a signed note: the note, so
    /// that who signed it can still be known (the operator answers for
    /// what it signs, well formed or not).
    pub malformed_note: Option<tlog_core::Note>,
    pub digest: Digest,
    names: Result<(), Rejected>,
    record: Option<Result<Box<Obs>, Rejected>>,
    /// The digest's hash in the table of observations by digest.
    digest_hash: u64,
}

impl Prepared {
    /// The signed note the entry is, if it is one: its text and signature
    /// lines are what signatures are verified over.
    pub fn note(&self) -> Option<&tlog_core::Note> {
        match &self.statement {
            Ok(s) => Some(&s.note),
            Err(_) => self.malformed_note.as_ref(),
        }
    }

    /// Asks the processor to fetch the parts of this entry that
    /// [`Prepared::prefetch`] then reads.
    fn prefetch_own(&self) {
        if let Ok(s) = &self.statement {
            prefetch(s.note.signatures().as_ptr());
        }
    }

    /// Asks the processor to fetch what applying this entry reads first.
    fn prefetch(&self) {
        if let Ok(s) = &self.statement
            && let Some(line) = s.note.signatures().first()
        {
            prefetch(line.name.as_ptr());
        }
        if let Some(Ok(record)) = &self.record {
            let at: *const Obs = &**record;
            for line in (0..std::mem::size_of::<Obs>()).step_by(64) {
                prefetch(at.cast::<u8>().wrapping_add(line));
            }
        }
    }
}

/// A hint to fetch the cache line at `at` (nothing where there is no such
/// instruction).
#[inline(always)]
#[allow(unsafe_code, reason = "a prefetch hint: reads nothing, cannot fault")]
fn prefetch<T>(at: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint: it reads nothing the program sees and
    // cannot fault, whatever the address; SSE is in every x86-64.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(at.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

/// Prepares entries for an [`Evaluator`], on any thread: what it holds
/// (the agreement, its zone index, its periods) never changes as a log is
/// applied.
#[derive(Clone)]
pub struct Preparer<'a> {
    a: &'a Agreement,
    zones: Arc<ZoneIndex>,
    periods: Periods,
}

impl<'a> Preparer<'a> {
    /// Parses an entry and derives from it all that needs no state.
    pub fn prepare(&self, entry: &[u8]) -> Prepared {
        let statement = SignedStatement::parse(entry).map_err(|e| Rejected::Malformed {
            detail: short(&e.to_string()),
        });
        let Ok(s) = &statement else {
            let malformed_note = tlog_core::Note::parse(entry).ok();
            // What its signatures are over, if it is a note.
            let digest = malformed_note
                .as_ref()
                .map_or(Digest([0; 32]), |n| Digest::of(n.text().as_bytes()));
            return Prepared {
                statement,
                malformed_note,
                digest,
                names: Ok(()),
                record: None,
                digest_hash: 0,
            };
        };
        let digest = s.digest();
        let record = match &s.statement.body {
            Body::Observation(o, d) => Some(self.record(s, digest, o, d)),
            _ => None,
        };
        // Only observations are looked up by digest as they are applied.
        let digest_hash = match record {
            Some(_) => lookup::digest_hash(&digest),
            None => 0,
        };
        Prepared {
            names: self.names(s),
            statement,
            malformed_note: None,
            digest,
            record,
            digest_hash,
        }
    }

    fn names(&self, s: &SignedStatement) -> Result<(), Rejected> {
        s.statement
            .check_against(self.a)
            .map_err(|e| Rejected::Names {
                detail: e.to_string(),
            })
    }

    /// An observation's record, less what depends on the log: its index
    /// (set when applied), the organisations, verification and disputes.
    fn record(
        &self,
        s: &SignedStatement,
        digest: Digest,
        o: &Observation,
        d: &Details,
    ) -> Result<Box<Obs>, Rejected> {
        let pl = self
            .zones
            .place(o.position.lon, o.position.lat)
            .map_err(|e| Rejected::Position {
                detail: e.to_string(),
            })?;
        let issued = s.statement.issued_at.0;
        let observed = o.observed.from.0;
        if observed.as_second() > issued.as_second() + 300 {
            return Err(Rejected::ObservedLater {
                observed: o.observed.from,
                issued: s.statement.issued_at,
            });
        }
        let period = self.periods.period_of(observed);
        Ok(Box::new(self.observation_record(
            digest, issued, observed, period, o, d, &pl,
        )))
    }

    #[allow(clippy::too_many_arguments)]
    fn observation_record(
        &self,
        digest: Digest,
        issued: Timestamp,
        observed: Timestamp,
        period: Date,
        o: &Observation,
        d: &Details,
        pl: &Placement,
    ) -> Obs {
        let holder = pl
            .controlled_by
            .or(pl.side)
            .map(|p| self.zones.party(p).to_string());
        let by_location = matches!(
            o.category,
            Category::FreedomOfMovement
                | Category::CrossingStatus
                | Category::DisengagementPresence
        );
        // Weapons and troops are presumed the holder's, weakly: an observer's
        // assessment, when there is one, is what counts.
        let presumed = matches!(
            o.category,
            Category::WeaponSighting | Category::TroopMovement | Category::WithdrawalVerified
        );
        let (responsible, confidence, attribution) = match (&o.assessment, d) {
            (_, Details::PrisonerExchange(p)) => (
                Some(p.released_by.clone()),
                Some(Confidence::Confirmed),
                "details".to_string(),
            ),
            (Some(a), _) => (
                a.responsible.clone(),
                Some(a.confidence),
                "observer".to_string(),
            ),
            (None, _) if by_location && holder.is_some() => (
                holder.clone(),
                Some(Confidence::Medium),
                "location".to_string(),
            ),
            (None, _) if presumed && holder.is_some() => (
                holder.clone(),
                Some(Confidence::Low),
                "location".to_string(),
            ),
            (None, _) => (None, None, "none".to_string()),
        };
        let classify = |system: Option<&str>, calibre: Option<f64>| -> Option<String> {
            self.a.weapon_classes.iter().find_map(|(id, w)| {
                let by_system = system.is_some_and(|s| {
                    w.systems
                        .iter()
                        .any(|x| x.get_ref().eq_ignore_ascii_case(s))
                });
                let by_calibre = calibre.is_some_and(|c| {
                    let lo = w.min_calibre_mm.as_ref().map(|x| *x.get_ref());
                    let hi = w.max_calibre_mm.as_ref().map(|x| *x.get_ref());
                    (lo.is_some() || hi.is_some())
                        && lo.is_none_or(|l| c >= l)
                        && hi.is_none_or(|h| c < h)
                });
                (by_system || by_calibre).then(|| id.clone())
            })
        };
        let (weapon_class, events) = match d {
            Details::WeaponSighting(w) => (
                w.weapon_class
                    .clone()
                    .or_else(|| classify(Some(&w.system), w.calibre_mm)),
                vec![],
            ),
            Details::WithdrawalVerified(w) => (Some(w.weapon_class.clone()), vec![]),
            Details::CeasefireViolation(v) => (
                None,
                v.events
                    .iter()
                    .map(|e| (e.weapon_class.clone(), u64::from(e.count)))
                    .collect(),
            ),
            _ => (None, vec![]),
        };
        let numbers = o
            .category
            .summable()
            .iter()
            .filter_map(|f| d.number(f).map(|n| (f.to_string(), n)))
            .collect();
        let texts = o
            .category
            .filterable()
            .iter()
            .filter_map(|(f, _)| d.text(f).map(|v| (f.to_string(), v)))
            .collect();
        let withdrawal = pl
            .withdrawal
            .iter()
            .filter_map(|&w| self.zones.withdrawal_zones().nth(w))
            .map(|(c, p)| format!("{c}@{p}"))
            .collect();
        Obs {
            index: 0,
            digest,
            category: o.category,
            issued,
            observed,
            period,
            lon: o.position.lon,
            lat: o.position.lat,
            // The reporter's is added when applied.
            orgs: Orgs::default(),
            sensor: o.sensor,
            evidence: !o.evidence.is_empty(),
            zones: pl
                .zones
                .iter()
                .map(|&z| self.zones.zone_id(z).to_string())
                .collect(),
            withdrawal,
            controlled_by: pl.controlled_by.map(|p| self.zones.party(p).to_string()),
            responsible,
            confidence,
            attribution,
            dissent: 0,
            verified_at: None,
            dispute: DisputeState::None,
            weapon_class,
            events,
            numbers,
            texts,
        }
    }
}

/// Entries prepared, with the signatures of each that verified (see
/// [`Evaluator::apply_prepared_all`]).
pub type Chunk = (Vec<Prepared>, Vec<Vec<VerifiedSignature>>);

impl<'a> Evaluator<'a> {
    /// An evaluator for an agreement (checked, with its canonical hash), at
    /// the start of the log.
    pub fn new(a: &'a Agreement, hash: Digest) -> Evaluator<'a> {
        Evaluator::resume(a, hash, State::default())
    }

    /// An evaluator that continues from a stored state.
    pub fn resume(a: &'a Agreement, hash: Digest, state: State) -> Evaluator<'a> {
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
        let mut conditions = HashMap::new();
        let mut add = |key: String, src: &str| {
            if let Ok(c) = Condition::compile(src) {
                conditions.insert(key, c);
            }
        };
        for c in a.clauses.values() {
            add(format!("clause:{}", c.id.get_ref()), c.condition.get_ref());
        }
        for c in a.clocks.values() {
            add(format!("clock:{}", c.id.get_ref()), c.while_.get_ref());
        }
        for t in a.transitions.values() {
            if let Some(w) = &t.when {
                add(format!("transition:{}", t.id.get_ref()), w.get_ref());
            }
        }
        for t in a.relief.values() {
            if let Some(w) = t.snapback.as_ref().and_then(|s| s.when.as_ref()) {
                add(format!("snapback:{}", t.id.get_ref()), w.get_ref());
            }
        }
        for g in a.guarantees.values() {
            add(format!("guarantee:{}", g.id.get_ref()), g.trigger.get_ref());
        }
        let mut e = Evaluator {
            a,
            hash,
            zones: std::sync::Arc::new(ZoneIndex::new(a)),
            periods: Periods::new(a),
            keys,
            conditions,
            state,
            watch: BTreeSet::new(),
            snapshots: BTreeMap::new(),
            found: BTreeMap::new(),
            names: None,
            record: None,
            digest_hash: None,
            digest: None,
            next_period: None,
            group: Vec::new(),
            cells: Self::cell_sizes(a),
            org_names: a.organisations.keys().cloned().collect(),
            bound: Arc::new(
                a.clauses
                    .iter()
                    .map(|(id, c)| {
                        let parties = c.binds.iter().flat_map(|b| Checker::expand(a, b.get_ref()));
                        (id.clone(), parties.collect())
                    })
                    .collect(),
            ),
            counts_unverified: a
                .clauses
                .values()
                .any(|c| c.metrics.values().any(|m| !m.verified)),
            org_affiliations: a
                .organisations
                .values()
                .map(|o| o.affiliation.as_ref().map(|p| p.get_ref().as_str()))
                .collect(),
        };
        if !e.state.idx.built {
            e.state.idx = Indices {
                built: true,
                ..Indices::default()
            };
            for i in 0..e.state.obs.len() {
                e.state.idx.by_digest.insert(&e.state.obs, i);
                e.index_observation(i);
            }
            for (clause, by_party) in &e.state.results {
                for (party, results) in by_party {
                    e.state
                        .idx
                        .tallies
                        .insert((clause.clone(), party.clone()), Tally::of(results));
                }
            }
        }
        let monitors: Vec<(String, String)> = e.state.monitors.values().cloned().collect();
        for (org, vkey) in monitors {
            if let Ok(k) = VerifierKey::parse(&vkey)
                && let Some(id) = e.org_id(&org)
            {
                e.keys.insert(Holder::Monitor(id), k);
            }
        }
        if e.state.tranches.is_empty() {
            for t in a.relief.keys() {
                e.state.tranches.insert(
                    t.clone(),
                    TrancheStatus {
                        state: TrancheState::Pending,
                        since: None,
                        dispute: None,
                        history: vec![],
                    },
                );
            }
            for g in a.guarantees.keys() {
                e.state.guarantees.insert(
                    g.clone(),
                    GuaranteeStatus {
                        state: GuaranteeState::Dormant,
                        triggered: None,
                        consultation_due: None,
                        decided: None,
                        cause: vec![],
                        history: vec![],
                    },
                );
            }
            for c in a.clocks.keys() {
                e.state.clocks.insert(c.clone(), 0);
            }
        }
        e
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

    /// What prepares entries for this evaluator, on other threads while it
    /// applies the ones before.
    pub fn preparer(&self) -> Preparer<'a> {
        Preparer {
            a: self.a,
            zones: self.zones.clone(),
            periods: self.periods.clone(),
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
    /// counted, with the reason, and change nothing else.
    pub fn apply(&mut self, entry: &[u8]) {
        self.snapshot();
        let index = self.state.size;
        self.state.size += 1;
        let mut by_operator = false;
        let result = match SignedStatement::parse(entry) {
            Err(e) => {
                if let Ok(note) = tlog_core::Note::parse(entry) {
                    let text = note.text().as_bytes();
                    by_operator =
                        self.operator_signed(&note, |_, _, sig, key| key.verify(text, sig));
                }
                Err(Rejected::Malformed {
                    detail: short(&e.to_string()),
                })
            }
            Ok(s) => {
                let text = s.note.text().as_bytes();
                let (signers, operator) = self.holders(&s, |_, _, sig, key| key.verify(text, sig));
                by_operator = operator;
                signers.and_then(|signers| self.accept(index, &s, signers))
            }
        };
        if let Err(why) = result {
            self.refuse(index, why, by_operator);
        }
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
        let ok = |_: &str, _: u32, sig: &[u8], key: &VerifierKey| {
            verified
                .iter()
                .any(|v| v.is(key.public_key(), &message, sig))
        };
        match &p.statement {
            Ok(s) => {
                self.names = Some(std::mem::replace(&mut p.names, Ok(())));
                self.record = p.record.take();
                self.digest_hash = Some(p.digest_hash);
                self.digest = Some(p.digest);
                self.snapshot();
                let index = self.state.size;
                self.state.size += 1;
                let (signers, by_operator) = self.holders(s, ok);
                let result = signers.and_then(|signers| self.accept(index, s, signers));
                self.names = None;
                self.record = None;
                self.digest_hash = None;
                self.digest = None;
                if let Err(why) = result {
                    self.refuse(index, why, by_operator);
                }
            }
            Err(why) => {
                let by_operator = p
                    .malformed_note
                    .as_ref()
                    .is_some_and(|n| self.operator_signed(n, ok));
                self.snapshot();
                let index = self.state.size;
                self.state.size += 1;
                self.refuse(index, why.clone(), by_operator);
            }
        }
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

    /// The keys a statement may be signed by at this point of the log: the
    /// agreement's, and the monitors accredited so far. (Key name, ID.)
    pub fn known_key(&self, name: &str, key_id: u32) -> Option<&VerifierKey> {
        self.known(name, key_id).map(|k| &k.key)
    }

    fn known(&self, name: &str, key_id: u32) -> Option<&KnownKey> {
        self.keys.get(name, key_id)
    }

    /// Who signed: every line by a known key must pass `ok` (given the
    /// line's name, key ID, signature and the key known by them). Also
    /// says whether a line by the operator's key passed, even when the
    /// statement is refused: the operator answers for what it signs.
    fn holders(
        &self,
        s: &SignedStatement,
        ok: impl Fn(&str, u32, &[u8], &VerifierKey) -> bool,
    ) -> (Result<Signers, Rejected>, bool) {
        let mut out = Signers::new();
        let mut known = 0;
        let mut bad: Option<&str> = None;
        let mut operator = false;
        for sig in s.note.signatures() {
            let Some(k) = self.known(&sig.name, sig.key_id) else {
                continue;
            };
            known += 1;
            if !ok(&sig.name, sig.key_id, &sig.signature, &k.key) {
                bad.get_or_insert(&sig.name);
                continue;
            }
            operator |= k.holder == Holder::Operator;
            if !out.contains(&k.holder) {
                out.push(k.holder.clone());
            }
        }
        let result = match bad {
            Some(name) => Err(Rejected::BadSignature {
                by: name.to_string(),
            }),
            None if known == 0 => Err(Rejected::UnknownSigner),
            None => Ok(out),
        };
        (result, operator)
    }

    /// Whether a line of `note` by the operator's key passes `ok`.
    fn operator_signed(
        &self,
        note: &tlog_core::Note,
        ok: impl Fn(&str, u32, &[u8], &VerifierKey) -> bool,
    ) -> bool {
        note.signatures().iter().any(|sig| {
            self.known(&sig.name, sig.key_id).is_some_and(|k| {
                k.holder == Holder::Operator && ok(&sig.name, sig.key_id, &sig.signature, &k.key)
            })
        })
    }

    fn accept(
        &mut self,
        index: u64,
        s: &SignedStatement,
        signers: Signers,
    ) -> Result<(), Rejected> {
        let st = &s.statement;
        if st.agreement != self.hash {
            return Err(Rejected::OtherAgreement {
                agreement: st.agreement,
            });
        }
        let t = st.issued_at.0;
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
        match self.names.take() {
            Some(names) => names,
            None => st.check_against(self.a).map_err(|e| Rejected::Names {
                detail: e.to_string(),
            }),
        }?;
        // A statement counts once: the same statement logged again (to
        // count again, or to undo what happened since) is refused.
        // Observations are kept by digest already (see `observation`), and
        // certifications by digest and signer (see `certification`).
        let digest = match &st.body {
            Body::Observation(..) => None,
            _ => Some(self.digest.take().unwrap_or_else(|| s.digest())),
        };
        let once = digest.filter(|_| !matches!(st.body, Body::Certification(_)));
        if let Some(d) = &once
            && let Some(at) = self.state.statements.get(d)
        {
            return Err(Rejected::Duplicate {
                of: Duplicate::Statement { entry: *at },
            });
        }
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
            Body::Observation(o, d) => self.observation(index, s, o, d, &signers),
            Body::Corroboration(c) => self.corroboration(index, c, &signers),
            Body::Dispute(d) => self.dispute(index, t, s, d, &signers),
            Body::Certification(c) => {
                let digest = digest.expect("a certification's digest");
                self.certification(index, t, digest, c, &signers)
            }
            Body::Amendment(am) => self.amendment(index, am, &signers),
            Body::Status(sc) => self.status_claim(index, sc, &signers, before),
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

    fn principals(&self, signers: &[Holder]) -> BTreeSet<String> {
        signers
            .iter()
            .filter_map(|h| match h {
                Holder::Party(p) => Some(p.to_string()),
                Holder::Org(o) => Some(self.organisation(*o).to_string()),
                Holder::Monitor(_) | Holder::Operator => None,
            })
            .collect()
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

    // --- statements ----------------------------------------------------------

    fn adoption(&mut self, index: u64, t: Timestamp, signers: &[Holder]) -> Result<(), Rejected> {
        if self.state.adopted.is_some() {
            return Err(Rejected::AdoptedTwice);
        }
        let signed = self.principals(signers);
        let missing: Vec<String> = self
            .a
            .parties
            .values()
            .filter(|p| p.roles.contains(&Role::Signatory) && !signed.contains(p.id.get_ref()))
            .map(|p| p.id.get_ref().clone())
            .collect();
        if !missing.is_empty() {
            return Err(Rejected::AdoptionUnsigned { missing });
        }
        self.state.adopted = Some(At {
            time: Time(t),
            index,
        });
        self.state.clock = Some(t);
        for (name, anchor) in &self.a.anchors {
            match anchor {
                Anchor::At(ts) => {
                    self.state.anchors.insert(name.clone(), *ts.get_ref());
                }
                Anchor::Adoption(_) => {
                    self.state.anchors.insert(name.clone(), t);
                }
                Anchor::Invalid(_) => {}
            }
        }
        if let Some(p) = self.a.phases.values().find(|p| p.initial) {
            self.state.phase.id = Some(p.id.get_ref().clone());
            self.state.phase.since = Some(At {
                time: Time(t),
                index,
            });
        }
        // Periods are processed from the one containing the adoption.
        self.state.done = Some(self.periods.previous(self.periods.period_of(t)));
        Ok(())
    }

    fn accreditation(
        &mut self,
        index: u64,
        t: Timestamp,
        ac: &Accreditation,
        signers: &[Holder],
    ) -> Result<(), Rejected> {
        let org = &ac.organisation;
        let signed = self.principals(signers);
        let quorum = match ac.action {
            AccreditationAction::Grant => &self.a.accreditation.grant,
            AccreditationAction::Revoke => &self.a.accreditation.revoke,
        };
        let expand = |n: &str| {
            if n == "@organisation" {
                vec![org.clone()]
            } else {
                self.expand(n)
            }
        };
        if !quorum.is_met(&signed, &expand) {
            return Err(Rejected::AccreditationQuorum {
                organisation: org.clone(),
            });
        }
        let key = VerifierKey::parse(&ac.key).map_err(|e| Rejected::AccreditationKey {
            detail: e.to_string(),
        })?;
        let id = format!("{} {:08x}", key.name(), key.key_id());
        // An accreditation counts only for the state it was signed for: a
        // grant issued before the key's revocation does not undo it, nor a
        // revocation issued before its grant.
        if let Some(&changed) = self.state.accreditation_changed.get(&id)
            && t < changed
        {
            return Err(Rejected::Stale {
                issued: Time(t),
                before: StaleBefore::Accreditation {
                    key: key.name().to_string(),
                },
                since: Time(changed),
            });
        }
        match ac.action {
            AccreditationAction::Grant => {
                if let Some((by, _)) = self.state.monitors.get(&id) {
                    return Err(Rejected::AccreditationGranted {
                        key: key.name().to_string(),
                        organisation: by.clone(),
                    });
                }
                if self
                    .keys
                    .get(key.name(), key.key_id())
                    .is_some_and(|k| !matches!(k.holder, Holder::Monitor(_)))
                {
                    return Err(Rejected::AccreditationOwnKey);
                }
                self.state
                    .monitors
                    .insert(id.clone(), (org.clone(), ac.key.clone()));
                // The agreement's own (names: checked when prepared).
                let id = self.org_id(org).ok_or_else(|| Rejected::Names {
                    detail: format!("`{org}` is not an organisation of the agreement"),
                })?;
                self.keys.insert(Holder::Monitor(id), key);
            }
            AccreditationAction::Revoke => {
                if self.state.monitors.remove(&id).is_none() {
                    return Err(Rejected::AccreditationNotGranted {
                        key: key.name().to_string(),
                    });
                }
                self.keys.remove_monitor(key.name(), key.key_id());
            }
        }
        self.state.accreditation_changed.insert(id, t);
        let _ = index;
        Ok(())
    }

    /// The organisation a reporting signer belongs to.
    fn reporter(&self, signers: &[Holder]) -> Option<OrgId> {
        signers.iter().find_map(|h| match h {
            Holder::Org(o) | Holder::Monitor(o) => Some(*o),
            _ => None,
        })
    }

    fn observation(
        &mut self,
        index: u64,
        s: &SignedStatement,
        o: &Observation,
        d: &Details,
        signers: &[Holder],
    ) -> Result<(), Rejected> {
        let org = self.reporter(signers).ok_or(Rejected::NotAMonitor {
            kind: SignedKind::Observation,
        })?;
        // The record's own faults first: a duplicate has none (its first
        // copy was accepted, and a record depends only on the statement),
        // so this finds what checking for duplicates first would.
        let mut obs = match self.record.take() {
            Some(r) => r,
            None => self.preparer().record(s, s.digest(), o, d),
        }?;
        let i = self.state.obs.len();
        let hash = self
            .digest_hash
            .take()
            .unwrap_or_else(|| lookup::digest_hash(&obs.digest));
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
        self.state.obs.push(obs);
        self.index_observation(i);
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
    fn flags(&self, i: usize) -> [bool; 4] {
        let o = &self.state.obs[i];
        [
            o.counts(),
            matches!(o.dispute, DisputeState::Open { .. }),
            o.dispute == DisputeState::Upheld,
            o.responsible.is_none(),
        ]
    }

    /// Moves an observation's counts from `before` to what it is now.
    fn recount(&mut self, i: usize, before: [bool; 4]) {
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
    fn index_observation(&mut self, i: usize) {
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

    fn bucket_minutes(&self) -> i64 {
        self.cells.1
    }

    fn cell_degrees(&self) -> f64 {
        self.cells.0
    }

    /// The corroboration grid's cell size in degrees, and time bucket in
    /// minutes: the largest tolerances of the verification rules.
    fn cell_sizes(a: &Agreement) -> (f64, i64) {
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

    fn cell(&self, i: usize) -> (u8, i64, i32, i32) {
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
    fn independent_count(&self, orgs: &[OrgId], independent: bool) -> u64 {
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
    /// corroborates in space and time).
    fn verify_observation(&mut self, i: usize, index: u64) {
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
                .collect();
            orgs.sort_unstable();
            orgs.dedup();
            let verified = self.independent_count(&orgs, r.independent) >= need;
            if verified {
                // Verified together: each completed period they fall in is
                // revised once, after all of them are.
                let mut late: Vec<usize> = Vec::new();
                for &j in &group {
                    let o = &self.state.obs[j];
                    if o.verified_at.is_none() {
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

    fn corroboration(
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

    fn dispute(
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
                    DisputeAction::Resolve => rules.resolve.is_met(&signed, &expand),
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
                self.state.obs[i].dispute = match (d.action, d.outcome) {
                    (DisputeAction::Resolve, Some(DisputeOutcome::Upheld)) => DisputeState::Upheld,
                    (DisputeAction::Resolve, Some(DisputeOutcome::Reattributed)) => {
                        if let Some(a) = &d.assessment {
                            let o = &mut self.state.obs[i];
                            o.responsible = a.responsible.clone();
                            o.confidence = Some(a.confidence);
                            o.attribution = "dispute".into();
                        }
                        DisputeState::Stands
                    }
                    _ => DisputeState::Stands,
                };
                self.recount(i, before);
                if let Some(r) = self.state.disputes.get_mut(&d.target.sha256) {
                    r.open = false;
                }
                self.revise(self.state.obs[i].period, self.state.obs[i].category);
            }
        }
        let _ = index;
        Ok(())
    }

    fn amendment(
        &mut self,
        index: u64,
        am: &Amendment,
        signers: &[Holder],
    ) -> Result<(), Rejected> {
        let signed = self.principals(signers);
        if !self
            .a
            .amendments
            .require
            .is_met(&signed, &|n| self.expand(n))
        {
            return Err(Rejected::AmendmentQuorum);
        }
        if let Some((at, _)) = self
            .state
            .amendments
            .iter()
            .find(|(_, to)| *to == am.new_agreement)
        {
            return Err(Rejected::Duplicate {
                of: Duplicate::Amendment {
                    to: am.new_agreement,
                    entry: *at,
                },
            });
        }
        self.state.amendments.push((index, am.new_agreement));
        Ok(())
    }

    fn status_claim(
        &mut self,
        index: u64,
        sc: &crate::statement::Status,
        signers: &[Holder],
        found: Option<Status>,
    ) -> Result<(), Rejected> {
        if !signers.contains(&Holder::Operator) {
            return Err(Rejected::NotTheOperator);
        }
        if sc.log_size > index {
            return Err(Rejected::StatusAhead {
                log_size: sc.log_size,
                index,
            });
        }
        let computed = found.as_ref().map(Status::digest);
        let fields = found
            .as_ref()
            .map(|st| claimed_fields(sc, st))
            .unwrap_or_default();
        if let Some(st) = found
            && (computed != Some(sc.status) || !fields.is_empty())
            && self.found.len() < 100
        {
            self.found.insert(index, st);
        }
        self.state.claims.push(Claim {
            index,
            log_size: sc.log_size,
            claimed: sc.status,
            computed,
            fields,
        });
        Ok(())
    }

    /// The digest of the status after the first `size` entries (which must
    /// be all applied so far, the one being applied aside).
    fn status_at(&self, size: u64) -> Status {
        let mut st = self.status();
        st.log_size = size;
        st
    }

    /// What the replay found at a status statement (by its index) whose
    /// claim did not match (kept for the first hundred).
    pub fn found(&self, index: u64) -> Option<&Status> {
        self.found.get(&index)
    }

    /// Asks for the status digest at these log sizes to be kept, so that
    /// status statements about an earlier size can be checked (the audit
    /// finds the sizes in a first pass).
    pub fn watch(&mut self, sizes: impl IntoIterator<Item = u64>) {
        self.watch.extend(sizes);
    }

    // --- certifications ----------------------------------------------------

    fn certification(
        &mut self,
        index: u64,
        t: Timestamp,
        digest: Digest,
        c: &Certification,
        signers: &[Holder],
    ) -> Result<(), Rejected> {
        let of = serde_json::to_value(c.of)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        // Each signer of a certification counts once, however many entries
        // carry its signature.
        let mut principals = self.principals(signers);
        if let Some(seen) = self.state.certified.get(&digest) {
            principals.retain(|p| !seen.contains(p));
            if principals.is_empty() {
                return Err(Rejected::Duplicate {
                    of: Duplicate::Certification,
                });
            }
        }
        // A certification counts only for the state it was signed for: one
        // issued before the change it would undo (a snapback, a phase
        // reverted, a new trigger) does not undo it.
        if let Some((since, what)) = self.epoch(&of, &c.target)
            && t < since
        {
            return Err(Rejected::Stale {
                issued: Time(t),
                before: StaleBefore::Certified { what },
                since: Time(since),
            });
        }
        self.state
            .certified
            .entry(digest)
            .or_default()
            .extend(principals.iter().cloned());
        let key = format!("{of}:{}", c.target);
        let p = self.state.pending.entry(key).or_default();
        p.entries.push(PendingEntry {
            index,
            issued: t,
            signers: principals,
        });
        self.fire_pending(index);
        Ok(())
    }

    /// When the state a certification of `of` `target` acts on began, and
    /// what began then: certifications issued before it were signed for an
    /// earlier state and do not count.
    fn epoch(&self, of: &str, target: &str) -> Option<(Timestamp, String)> {
        let adopted = self.state.adopted.map(|a| a.time.0)?;
        Some(match of {
            "transition" => (
                self.state.phase.since.map_or(adopted, |s| s.time.0),
                format!(
                    "phase {} began",
                    self.state.phase.id.as_deref().unwrap_or("")
                ),
            ),
            "tranche" | "snapback_notice" | "continue_relief" => {
                let st = self.state.tranches.get(target)?;
                match (&st.dispute, of) {
                    (Some(d), "continue_relief") => (
                        d.opened.time.0,
                        format!("the snapback dispute over {target} opened"),
                    ),
                    _ => (
                        st.since.map_or(adopted, |s| s.time.0),
                        format!("tranche {target} became {}", st.state.name()),
                    ),
                }
            }
            "guarantee_decision" => {
                let st = self.state.guarantees.get(target)?;
                (
                    st.triggered.map_or(adopted, |s| s.time.0),
                    format!("guarantee {target} was triggered"),
                )
            }
            _ => return None,
        })
    }

    /// Fires every pending certification whose quorum and conditions hold,
    /// until none does: one taking effect (a phase beginning) may let
    /// another (a tranche for that phase).
    fn fire_pending(&mut self, index: u64) {
        loop {
            let keys: Vec<String> = self.state.pending.keys().cloned().collect();
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
    fn try_fire(&mut self, key: &str, index: u64) -> bool {
        let (of, target) = key.split_once(':').expect("of:target");
        // Certifications signed for a state that has since changed no
        // longer count.
        if let Some((since, _)) = self.epoch(of, target)
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
        let waiting: Option<String> = match of {
            "transition" => {
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
                        self.condition_holds(&format!("transition:{target}"))
                    }
                } else {
                    self.condition_holds(&format!("transition:{target}"))
                }
            }
            "tranche" => {
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
            "snapback_notice" => {
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
            "continue_relief" => {
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
            "guarantee_decision" => {
                let g = &self.a.guarantees[target];
                let st = &self.state.guarantees[target];
                if !matches!(
                    st.state,
                    GuaranteeState::Triggered | GuaranteeState::Overdue
                ) {
                    Some("the guarantee is not triggered".into())
                } else if !g.decision.is_met(&signers, &expand) {
                    Some("signatures".into())
                } else {
                    None
                }
            }
            _ => Some("unknown".into()),
        };
        if let Some(w) = waiting {
            if let Some(pp) = self.state.pending.get_mut(key) {
                pp.waiting_for = w;
            }
            return false;
        }
        self.state.pending.remove(key);
        let at = self.at(index);
        match of {
            "transition" => {
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
            "tranche" => self.tranche_to(
                target,
                TrancheState::InForce,
                at,
                "certified".into(),
                p.statements(),
            ),
            "snapback_notice" => self.open_snapback(target, at, "notice", p.statements()),
            "continue_relief" => {
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
            "guarantee_decision" => {
                let st = self.state.guarantees.get_mut(target).expect("guarantee");
                st.state = GuaranteeState::Decided;
                st.decided = Some(at);
                st.history.push(GuaranteeChange {
                    state: GuaranteeState::Decided,
                    at,
                    why: "decided".into(),
                    statements: p.statements(),
                });
            }
            _ => {}
        }
        true
    }

    fn tranche_to(
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

    fn open_snapback(&mut self, id: &str, at: At, by: &str, statements: Vec<u64>) {
        let sb = self.a.relief[id].snapback.clone().expect("snapback");
        let day = |n: u64| {
            Time(add_seconds(
                at.time.0,
                i64::try_from(n).unwrap_or(i64::MAX).saturating_mul(86_400),
            ))
        };
        let jc = *sb.joint_commission_days.get_ref();
        let mi = jc + *sb.ministerial_days.get_ref();
        let vo = mi + *sb.vote_days.get_ref();
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
        });
    }

    fn condition_holds(&self, key: &str) -> Option<String> {
        match self.conditions.get(key) {
            None => None,
            Some(c) => match c.eval(&self.status_env()) {
                Ok(true) => None,
                Ok(false) => Some(format!("the condition `{}`", c.source())),
                Err(e) => Some(format!("the condition could not be evaluated: {e}")),
            },
        }
    }

    fn phase_days(&self) -> i64 {
        match (self.state.phase.since, self.state.clock) {
            (Some(s), Some(c)) => periods::days_between(s.time.0, c),
            _ => 0,
        }
    }

    fn day(&self, at: Timestamp) -> i64 {
        let d = self
            .state
            .anchors
            .get("D")
            .or_else(|| self.state.anchors.values().next());
        d.map(|d| periods::days_between(*d, at)).unwrap_or(0)
    }

    // --- time ----------------------------------------------------------------

    /// Decides everything that falls due before `to`, in time order.
    fn advance(&mut self, to: Timestamp, index: u64) {
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

    fn next_deadline(&self) -> Option<Timestamp> {
        let mut out: Option<Timestamp> = None;
        let mut consider = |t: Timestamp| out = Some(out.map_or(t, |o| o.min(t)));
        for st in self.state.tranches.values() {
            if let Some(d) = &st.dispute {
                match st.state {
                    TrancheState::InDispute => consider(d.ministers_until.0),
                    TrancheState::InVote => consider(d.vote_until.0),
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
        out
    }

    fn deadlines(&mut self, when: Timestamp, index: u64) {
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
                TrancheState::InDispute if d.ministers_until.0 <= when => {
                    self.tranche_to(
                        &id,
                        TrancheState::InVote,
                        at,
                        "dispute resolution ended".into(),
                        vec![],
                    );
                }
                TrancheState::InVote if d.vote_until.0 <= when => {
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
        // A vote signed early counts once the vote opens.
        self.fire_pending(index);
    }

    /// Decides a period that has ended.
    fn complete_period(&mut self, period: Date, index: u64) {
        let end = self.periods.end(period);
        let clause_ids: Vec<String> = self.a.clauses.keys().cloned().collect();
        for c in &clause_ids {
            self.evaluate_clause(c, period, false);
        }
        // Clocks.
        let mut env = Vars::new(&self.status_env_for(Some(period), end));
        let clock_ids: Vec<String> = self.a.clocks.keys().cloned().collect();
        for c in clock_ids {
            let holds = self
                .conditions
                .get(&format!("clock:{c}"))
                .is_some_and(|cond| cond.eval_vars(&env) == Ok(true));
            let v = self.state.clocks.entry(c).or_default();
            *v = if holds { *v + 1 } else { 0 };
        }
        let at = At {
            time: Time(end),
            index,
        };
        // Snapback conditions and guarantee triggers, on the period's results
        // (and the clocks just moved).
        env.set("clocks", &json!(self.state.clocks));
        let ids: Vec<String> = self.a.relief.keys().cloned().collect();
        for id in ids {
            if self.state.tranches[&id].state == TrancheState::InForce
                && self
                    .conditions
                    .get(&format!("snapback:{id}"))
                    .is_some_and(|c| c.eval_vars(&env) == Ok(true))
            {
                let cause = self.breach_statements(period);
                self.open_snapback(&id, at, "condition", cause);
            }
        }
        let gids: Vec<String> = self.a.guarantees.keys().cloned().collect();
        for id in gids {
            let st = &self.state.guarantees[&id];
            if matches!(st.state, GuaranteeState::Dormant | GuaranteeState::Decided)
                && self
                    .conditions
                    .get(&format!("guarantee:{id}"))
                    .is_some_and(|c| c.eval_vars(&env) == Ok(true))
            {
                let hours = *self.a.guarantees[&id].consultation_hours.get_ref() as i64;
                let cause = self.breach_statements(period);
                let st = self.state.guarantees.get_mut(&id).expect("guarantee");
                st.state = GuaranteeState::Triggered;
                st.triggered = Some(at);
                st.consultation_due = Some(Time(add_seconds(end, hours.saturating_mul(3600))));
                st.decided = None;
                st.cause = cause.clone();
                st.history.push(GuaranteeChange {
                    state: GuaranteeState::Triggered,
                    at,
                    why: "armed attack verified".into(),
                    statements: cause,
                });
            }
        }
        // Certifications waiting for conditions may now fire.
        self.fire_pending(index);
    }

    /// The observations counted in clauses broken in a period.
    fn breach_statements(&self, period: Date) -> Vec<u64> {
        let mut v: BTreeSet<u64> = BTreeSet::new();
        for by_party in self.state.results.values() {
            for res in by_party.values() {
                if let Some(r) = res.get(&period)
                    && !r.kept
                {
                    v.extend(r.counted.iter().copied());
                }
            }
        }
        v.into_iter().collect()
    }

    /// Whether a clause is in force during a period.
    fn in_force(&self, c: &Clause, period: Date) -> bool {
        let at = |t: &crate::agreement::TimeRef| {
            self.state
                .anchors
                .get(&t.anchor)
                .map(|a| add_seconds(*a, t.offset_hours.saturating_mul(3600)))
        };
        let (start, end) = (self.periods.start(period), self.periods.end(period));
        let from_ok = match &c.from {
            None => true,
            Some(f) => at(f.get_ref()).is_some_and(|f| end > f),
        };
        let until_ok = match &c.until {
            None => true,
            Some(u) => at(u.get_ref()).is_some_and(|u| start < u),
        };
        from_ok && until_ok && self.state.anchors.values().next().is_some()
    }

    /// Evaluates a clause for every party it binds, for one period.
    fn evaluate_clause(&mut self, id: &str, period: Date, revision: bool) {
        let c = &self.a.clauses[id];
        if !self.in_force(c, period) {
            return;
        }
        let bound = self.bound.clone();
        let day = self.day(self.periods.end(period));
        for p in &bound[id] {
            let mut metrics = BTreeMap::new();
            let mut counted = BTreeSet::new();
            for (mid, m) in &c.metrics {
                let (v, used) = self.metric(c, m, p, period);
                metrics.insert(mid.clone(), v);
                counted.extend(used);
            }
            let mut vars: Map<String, Value> =
                metrics.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
            vars.insert("party".into(), json!(p));
            vars.insert("day".into(), json!(day));
            let kept = self
                .conditions
                .get(&format!("clause:{id}"))
                .is_none_or(|cond| cond.eval(&vars) == Ok(true));
            let slot = self
                .state
                .results
                .entry(id.to_string())
                .or_default()
                .entry(p.clone())
                .or_default();
            let prev = slot.get(&period).map(|r| (r.kept, r.metrics.clone()));
            let revised = revision
                && prev
                    .as_ref()
                    .is_some_and(|(k, ms)| *k != kept || *ms != metrics);
            let was_revised = slot.get(&period).is_some_and(|r| r.revised);
            let was_kept = prev.as_ref().map(|(k, _)| *k);
            slot.insert(
                period,
                PeriodResult {
                    kept,
                    metrics,
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

    /// A metric's value for a party and period, and the observations counted.
    fn metric(&self, c: &Clause, m: &Metric, party: &str, period: Date) -> (i64, Vec<u64>) {
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
        let mut total: i64 = 0;
        let mut used = Vec::new();
        for d in periods {
            let in_period = m
                .observations
                .iter()
                .flat_map(|(cat, _)| self.state.idx.by_period.get(&(d, *cat)))
                .flatten();
            for &i in in_period {
                let o = &self.state.obs[i];
                if m.verified && !o.counts() {
                    continue;
                }
                if o.dispute == DisputeState::Upheld {
                    continue;
                }
                if let Some(value) = Self::value_of(m, &classes, party, o) {
                    total += value;
                    used.push(o.index);
                }
            }
        }
        (total, used)
    }

    /// What an observation adds to a metric for a party, if it is of the
    /// kind the metric counts (whether it is verified aside). `classes`
    /// are the metric's weapon classes.
    fn value_of(m: &Metric, classes: &[&str], party: &str, o: &Obs) -> Option<i64> {
        if m.attributed && o.responsible.as_deref() != Some(party) {
            return None;
        }
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
            let here = o.withdrawal.iter().any(|w| {
                w.strip_prefix(class)
                    .and_then(|rest| rest.strip_prefix('@'))
                    == Some(party)
            });
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
                Measure::Sum(_) => matching.iter().sum::<u64>() as i64,
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
                Measure::Sum(f) => o.numbers.get(f.get_ref()).copied().unwrap_or(0) as i64,
            })
        }
    }

    /// A completed period's results may change when an observation in it is
    /// verified, disputed or reattributed late: those of the clauses with
    /// a metric that counts its category (a clause's result depends on
    /// nothing else the observation could change).
    fn revise(&mut self, period: Date, category: Category) {
        self.revise_where(period, category, |_| true);
    }

    /// Revises what observations' verification or withdrawal may have
    /// changed: only the clauses with a metric that would count one of
    /// them for one of their parties (their attribution is as it was), once
    /// for each period. Most observations verified late count for no clause
    /// at all: unattributed violations, say, under clauses that count
    /// attributed ones.
    fn revise_counted(&mut self, obs: &[usize]) {
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
    fn counted_in(&self, i: usize, which: impl Fn(&Metric) -> bool) -> Vec<&'a str> {
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
                            .any(|p| Self::value_of(m, &classes, p, o).is_some())
                })
            })
            .map(|(id, _)| id.as_str())
            .collect()
    }

    /// Re-evaluates, for the periods whose windows include `period`, the
    /// clauses `which` names with a metric that counts `category`.
    fn revise_where(&mut self, period: Date, category: Category, which: impl Fn(&str) -> bool) {
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

    // --- status ----------------------------------------------------------------

    fn status_env(&self) -> Map<String, Value> {
        let end = self.state.clock.unwrap_or(Timestamp::UNIX_EPOCH);
        self.status_env_for(self.state.done, end)
    }

    /// What status conditions read: the results of `period`, the clocks, the
    /// phase, the day.
    fn status_env_for(&self, period: Option<Date>, now: Timestamp) -> Map<String, Value> {
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
                    metrics: last.map(|r| r.metrics.clone()).unwrap_or_default(),
                    breaches: tally.map_or(0, |t| t.breaches),
                    last_breach: tally.and_then(|t| t.last_breach).map(|d| d.to_string()),
                    revised: tally.map_or(0, |t| t.revised),
                };
                if let Some(k) = pc.kept {
                    any = true;
                    all &= k;
                }
                cs.by_party.insert(p.clone(), pc);
            }
            cs.kept = any.then_some(all);
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
                let (of, target) = k.split_once(':')?;
                let since = self.epoch(of, target).map(|(t, _)| t);
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
                        k.clone(),
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
            tranches: s.tranches.clone(),
            guarantees: s.guarantees.clone(),
            observations: counts,
            monitors,
            rejected: s.rejected.clone(),
            pending,
        }
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

/// The plain fields of a status statement that the status it speaks of
/// contradicts.
fn claimed_fields(sc: &crate::statement::Status, st: &Status) -> Vec<FieldMismatch> {
    let mut out = Vec::new();
    let phase = st.phase.id.clone().unwrap_or_default();
    if sc.phase != phase {
        out.push(FieldMismatch {
            field: "phase".into(),
            claimed: sc.phase.clone(),
            replayed: phase,
        });
    }
    // Tranches are optional in a status statement: one it does not name,
    // it says nothing of; one it names must be in the state it says.
    let replayed = st.tranche_states();
    for (id, claimed) in &sc.tranches {
        let found = replayed
            .get(id.as_str())
            .copied()
            .unwrap_or("(no such tranche)");
        if claimed != found {
            out.push(FieldMismatch {
                field: format!("tranches.{id}"),
                claimed: claimed.clone(),
                replayed: found.to_string(),
            });
        }
    }
    out
}

fn short(s: &str) -> String {
    s.chars().take(200).collect()
}

/// Names and states, as CEL variables.
fn cel_states<'k>(states: impl Iterator<Item = (&'k String, &'static str)>) -> Map<String, Value> {
    states
        .map(|(k, v)| (k.clone(), Value::String(v.to_string())))
        .collect()
}
