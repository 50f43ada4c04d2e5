//! The agreement as the rest of accord sees it, once parsed and checked.
//! Names that refer to other parts keep their position in the file, so that
//! later checks can point at them.

use std::collections::BTreeMap;

use geo::Geometry;
use tlog_core::VerifierKey;

use crate::diag::{FileId, Sp};
use crate::quorum::Quorum;
use crate::vocab::Category;

/// A whole agreement.
#[derive(Clone, Debug)]
pub struct Agreement {
    /// The agreement file, for diagnostics.
    pub file: FileId,
    pub id: Sp<String>,
    pub title: Sp<String>,
    pub version: Sp<String>,
    pub language: Option<Sp<String>>,
    /// The languages of the equally authentic texts, the main text's first
    /// (`languages`); `None` when not written.
    pub languages: Option<Sp<Vec<Sp<String>>>>,
    /// The texts in the other languages (`[texts.<lang>]`), by language.
    pub texts: BTreeMap<String, super::texts::LanguageText>,
    /// IANA time zone of local times (reporting cut-off).
    pub timezone: Sp<String>,
    pub anchors: BTreeMap<String, Anchor>,
    pub reporting: Reporting,
    pub groups: BTreeMap<String, Sp<Vec<Sp<String>>>>,
    pub parties: BTreeMap<String, Party>,
    pub organisations: BTreeMap<String, Organisation>,
    pub accreditation: Accreditation,
    /// Who runs the log and signs its status statements.
    pub operator: Option<Operator>,
    pub weapon_classes: BTreeMap<String, WeaponClass>,
    pub withdrawal: Withdrawal,
    pub zones: BTreeMap<String, Zone>,
    pub verification: Verification,
    pub clauses: BTreeMap<String, Clause>,
    pub clocks: BTreeMap<String, Clock>,
    pub phases: BTreeMap<String, Phase>,
    pub transitions: BTreeMap<String, Transition>,
    pub relief: BTreeMap<String, Tranche>,
    pub guarantees: BTreeMap<String, Guarantee>,
    pub amendments: Amendments,
    /// Who must sign a change of who holds an area (`[control]`); without
    /// it, control statements are refused.
    pub control: Option<ControlRules>,
    /// Who witnesses the log's checkpoints, and whose cosignatures make
    /// one valid (`[witnesses]`); without it, checkpoints need none.
    pub witnesses: Option<Witnesses>,
}

/// When the clock of the agreement starts.
#[derive(Clone, Debug, PartialEq)]
pub enum Anchor {
    /// A fixed instant.
    At(Sp<jiff::Timestamp>),
    /// The moment the adoption statement is logged (its `issued_at`).
    Adoption(Sp<()>),
    /// Written, but not readable (already reported).
    Invalid(Sp<()>),
}

/// A time relative to an anchor: `D`, `D+14` (days), `D+36h` (hours).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeRef {
    pub anchor: String,
    pub offset_hours: i64,
}

impl TimeRef {
    pub fn parse(s: &str) -> Option<TimeRef> {
        let s = s.trim();
        let (anchor, rest) = match s.find(['+', '-']) {
            Some(i) => (&s[..i], &s[i..]),
            None => (s, ""),
        };
        let anchor = anchor.trim();
        if anchor.is_empty()
            || !anchor
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return None;
        }
        let offset_hours = if rest.is_empty() {
            0
        } else {
            let sign: i64 = if rest.starts_with('-') { -1 } else { 1 };
            let body = rest[1..].trim();
            let (num, unit) = match body.strip_suffix('h') {
                Some(n) => (n, 1),
                None => (body.strip_suffix('d').unwrap_or(body), 24),
            };
            if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) || num.len() > 6 {
                return None;
            }
            sign * num.parse::<i64>().ok()? * unit
        };
        Some(TimeRef {
            anchor: anchor.to_string(),
            offset_hours,
        })
    }
}

impl std::fmt::Display for TimeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.offset_hours {
            0 => write!(f, "{}", self.anchor),
            h if h % 24 == 0 => write!(f, "{}{:+}", self.anchor, h / 24),
            h => write!(f, "{}{:+}h", self.anchor, h),
        }
    }
}

/// How reporting periods are cut.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reporting {
    /// Local time of day at which a 24-hour reporting period ends, in
    /// minutes after midnight (19:30 = 1170).
    pub cutoff_minutes: u32,
    pub weekends: Weekends,
}

/// How weekends are reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weekends {
    /// Every day its own period.
    Daily,
    /// Friday's cut-off to Monday's is one period, as the OSCE mission's
    /// weekend reports were.
    Combined,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Signatory,
    Guarantor,
    Mediator,
    Observer,
}

impl Role {
    pub const ALL: [(&'static str, Role); 4] = [
        ("signatory", Role::Signatory),
        ("guarantor", Role::Guarantor),
        ("mediator", Role::Mediator),
        ("observer", Role::Observer),
    ];
    pub fn name(self) -> &'static str {
        Role::ALL
            .iter()
            .find(|(_, r)| *r == self)
            .expect("listed")
            .0
    }
}

#[derive(Clone, Debug)]
pub struct Party {
    pub id: Sp<String>,
    pub name: Sp<String>,
    pub roles: Vec<Role>,
    pub keys: Vec<Sp<VerifierKey>>,
    /// How many keys were written, valid or not (so that a bad key is not
    /// also reported as a missing one).
    pub keys_written: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrgKind {
    /// An international monitoring mission.
    Mission,
    /// Monitors affiliated with a party.
    Party,
    /// Technical means: satellite imagery, acoustic sensors.
    Technical,
    /// Open-source reporting imported from datasets.
    OpenSource,
}

impl OrgKind {
    pub const ALL: [(&'static str, OrgKind); 4] = [
        ("mission", OrgKind::Mission),
        ("party", OrgKind::Party),
        ("technical", OrgKind::Technical),
        ("open_source", OrgKind::OpenSource),
    ];
    pub fn name(self) -> &'static str {
        OrgKind::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .expect("listed")
            .0
    }
}

#[derive(Clone, Debug)]
pub struct Organisation {
    pub id: Sp<String>,
    pub name: Sp<String>,
    pub kind: OrgKind,
    /// The party monitors of a party organisation answer to.
    pub affiliation: Option<Sp<String>>,
    /// The organisation's own keys: they sign the accreditation of its monitors.
    pub keys: Vec<Sp<VerifierKey>>,
    pub keys_written: usize,
}

/// The log's operator: signs the status statements audits hold it to.
#[derive(Clone, Debug)]
pub struct Operator {
    pub name: Sp<String>,
    pub keys: Vec<Sp<VerifierKey>>,
    /// The key the log's checkpoints are signed with, when known when the
    /// agreement is written: audits check checkpoints against it.
    pub log: Option<Sp<VerifierKey>>,
}

/// Who signs the statements that add and remove monitor keys.
#[derive(Clone, Debug)]
pub struct Accreditation {
    pub grant: Quorum,
    pub revoke: Quorum,
}

#[derive(Clone, Debug)]
pub struct WeaponClass {
    pub id: Sp<String>,
    pub title: Sp<String>,
    pub min_calibre_mm: Option<Sp<f64>>,
    pub max_calibre_mm: Option<Sp<f64>>,
    pub systems: Vec<Sp<String>>,
    /// How far from its reference line a party must keep weapons of this class.
    pub withdrawal_km: Option<Sp<f64>>,
}

/// Where each party measures withdrawal distances from.
#[derive(Clone, Debug, Default)]
pub struct Withdrawal {
    pub reference_lines: BTreeMap<String, Sp<String>>,
    pub span: Option<std::ops::Range<usize>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZoneKind {
    LineOfContact,
    ReferenceLine,
    ControlledArea,
    Region,
    Crossing,
    DisengagementArea,
    /// Derived: everything within `distance_km` of another zone.
    Buffer,
    /// A transport route (a corridor's road, a railway): a line, with the
    /// ground `width_m` wide along it counting as on the route.
    Route,
}

impl ZoneKind {
    pub const ALL: [(&'static str, ZoneKind); 8] = [
        ("line_of_contact", ZoneKind::LineOfContact),
        ("reference_line", ZoneKind::ReferenceLine),
        ("controlled_area", ZoneKind::ControlledArea),
        ("region", ZoneKind::Region),
        ("crossing", ZoneKind::Crossing),
        ("disengagement_area", ZoneKind::DisengagementArea),
        ("buffer", ZoneKind::Buffer),
        ("route", ZoneKind::Route),
    ];
    pub fn name(self) -> &'static str {
        ZoneKind::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .expect("listed")
            .0
    }
    /// Whether the zone is a line (measured from) rather than an area.
    pub fn is_line(self) -> bool {
        matches!(self, ZoneKind::LineOfContact | ZoneKind::ReferenceLine)
    }
}

#[derive(Clone, Debug)]
pub struct Zone {
    pub id: Sp<String>,
    pub title: Option<Sp<String>>,
    pub kind: ZoneKind,
    pub kind_span: std::ops::Range<usize>,
    /// False when `kind` could not be read (already reported): the zone
    /// exists for references, nothing else is checked.
    pub kind_ok: bool,
    /// The GeoJSON file (relative to the agreement) and which features.
    pub source: Option<Sp<String>>,
    pub select: BTreeMap<String, Sp<String>>,
    /// Loaded and checked geometry (lines, areas, points).
    pub geometry: Option<Geometry<f64>>,
    /// Whose it is: a controlled area's or reference line's party.
    pub party: Option<Sp<String>>,
    /// For a line: the party holding each side, looking along the line.
    pub left: Option<Sp<String>>,
    pub right: Option<Sp<String>>,
    /// For a crossing given as a point: how far around it counts.
    pub radius_m: Option<Sp<f64>>,
    /// For a route: how wide the corridor along it is (half on each side).
    pub width_m: Option<Sp<f64>>,
    /// For a buffer: the zone it surrounds and how far.
    pub around: Option<Sp<String>>,
    pub distance_km: Option<Sp<f64>>,
    /// For a line of contact: how far from it (metres) the ground counts
    /// as contested, held by neither side.
    pub contested_m: Option<Sp<f64>>,
}

impl Zone {
    /// Whether it is an area that a party can hold, and so the `area` of a
    /// control statement: a zone drawn as polygons (not a line, a crossing
    /// drawn as points, or a buffer, which is derived from another zone).
    pub fn is_area(&self) -> bool {
        !self.kind.is_line()
            && self.kind != ZoneKind::Buffer
            && matches!(
                self.geometry,
                Some(Geometry::Polygon(_) | Geometry::MultiPolygon(_))
            )
    }
}

/// When an observation counts as verified.
#[derive(Clone, Debug, Default)]
pub struct Verification {
    pub rules: Vec<VerificationRule>,
    pub disputes: Option<DisputeRules>,
}

#[derive(Clone, Debug)]
pub struct VerificationRule {
    pub id: Sp<String>,
    /// How many organisations, independent of each other, must report it.
    pub organisations: Sp<u64>,
    /// Organisations count as independent only if none is affiliated with
    /// a party another is affiliated with.
    pub independent: bool,
    pub within_minutes: Option<Sp<u64>>,
    pub within_km: Option<Sp<f64>>,
    /// At least one report must reference evidence (by SHA-256).
    pub with_evidence: bool,
    /// Only reports from these sensors count (empty: any).
    pub sensors: Vec<Sp<String>>,
    /// Only reports and corroborations by these organisations count
    /// (empty: any).
    pub by: Vec<Sp<String>>,
    /// Only reports and corroborations by organisations of these kinds
    /// count (empty: any).
    pub kinds: Vec<OrgKind>,
}

#[derive(Clone, Debug)]
pub struct DisputeRules {
    pub lodge: Quorum,
    pub window_hours: Sp<u64>,
    pub resolve: Quorum,
    pub resolution_hours: Sp<u64>,
}

#[derive(Clone, Debug)]
pub struct Clause {
    pub id: Sp<String>,
    pub title: Sp<String>,
    /// The clause in plain language: what the parties signed.
    pub text: Sp<String>,
    pub binds: Vec<Sp<String>>,
    pub from: Option<Sp<TimeRef>>,
    pub until: Option<Sp<TimeRef>>,
    /// For a positive obligation (an exchange, a handover): the deadline.
    /// Before it the clause is *not yet due*; from it, *fulfilled* or
    /// *overdue*.
    pub due: Option<Sp<TimeRef>>,
    /// Whether "no verified breach" needs the monitors to have covered the
    /// clause's zones in the period (the default), or rests on reports alone.
    pub coverage: CoverageRule,
    pub metrics: BTreeMap<String, Metric>,
    /// CEL over the metrics (and `party`, `day`): true when kept.
    pub condition: Sp<String>,
}

/// What a clause's "no verified breach" rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoverageRule {
    /// The monitors covered the clause's zones (anywhere, for a clause
    /// with a metric that counts anywhere) during the period: a coverage
    /// statement, or a first-hand report from there. Without it the period
    /// is *not assessable*.
    Required,
    /// Reports alone: a period nobody covered reads as no verified breach.
    /// For obligations whose breach every report would show.
    NotRequired,
}

impl CoverageRule {
    pub const ALL: [(&'static str, CoverageRule); 2] = [
        ("required", CoverageRule::Required),
        ("not_required", CoverageRule::NotRequired),
    ];
}

/// What a clause measures, per bound party and reporting period.
#[derive(Clone, Debug)]
pub struct Metric {
    pub id: Sp<String>,
    pub observations: Vec<(Category, std::ops::Range<usize>)>,
    /// Only observations inside one of these zones (empty: anywhere).
    pub zones: Vec<Sp<String>>,
    pub weapon_classes: Vec<Sp<String>>,
    /// Only observations whose details have one of the listed values, e.g.
    /// `status = ["closed"]` for crossings.
    pub details: BTreeMap<String, Vec<Sp<String>>>,
    /// Only weapons seen inside their class's withdrawal zone of the party.
    pub in_withdrawal_zone: bool,
    /// Only verified observations (the default).
    pub verified: bool,
    /// Count those attributed to the party (the default), or all.
    pub attributed: bool,
    pub measure: Measure,
    pub window: Window,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Measure {
    /// The number of observations.
    Observations,
    /// The sum of a numeric detail over observations (e.g. `events`,
    /// `killed`, `count`).
    Sum(Sp<String>),
    /// The value of a numeric detail in the most recent observation of the
    /// window, by observed time (ties: the later in the log): a presence
    /// held against a ceiling.
    Latest(Sp<String>),
    /// The largest value of a numeric detail in one observation of the
    /// window.
    Max(Sp<String>),
}

impl Measure {
    /// The numeric detail measured, if any.
    pub fn field(&self) -> Option<&Sp<String>> {
        match self {
            Measure::Observations => None,
            Measure::Sum(f) | Measure::Latest(f) | Measure::Max(f) => Some(f),
        }
    }
    /// The agreement key that names it: `sum`, `latest` or `max`.
    pub fn key(&self) -> Option<&'static str> {
        match self {
            Measure::Observations => None,
            Measure::Sum(_) => Some("sum"),
            Measure::Latest(_) => Some("latest"),
            Measure::Max(_) => Some("max"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    /// The reporting period.
    Period,
    /// Since the clause took effect.
    Cumulative,
    /// The last N periods.
    Rolling(u32),
}

#[derive(Clone, Debug)]
pub struct Clock {
    pub id: Sp<String>,
    pub title: Sp<String>,
    /// CEL over the status: the clock counts consecutive periods in which
    /// it holds, and restarts at zero when it does not.
    pub while_: Sp<String>,
}

#[derive(Clone, Debug)]
pub struct Phase {
    pub id: Sp<String>,
    pub title: Sp<String>,
    pub text: Sp<String>,
    pub initial: bool,
    /// The phase lasts at least this many days before any transition out.
    pub min_days: Option<Sp<u64>>,
}

#[derive(Clone, Debug)]
pub struct Transition {
    pub id: Sp<String>,
    pub from: Sp<String>,
    pub to: Sp<String>,
    /// CEL over the status: must hold when the transition is certified.
    pub when: Option<Sp<String>>,
    pub certify: Quorum,
    /// A step back (e.g. after a breach); exempt from the rule that phases
    /// only move forward.
    pub revert: bool,
}

#[derive(Clone, Debug)]
pub struct Tranche {
    pub id: Sp<String>,
    pub title: Sp<String>,
    pub text: Sp<String>,
    /// The party whose measures these are.
    pub authority: Sp<String>,
    /// Phases in which the tranche may be in force.
    pub phases: Vec<Sp<String>>,
    pub certify: Quorum,
    pub snapback: Option<Snapback>,
}

/// Snapback after JCPOA paragraphs 36-37 and UNSCR 2231 paragraphs 11-12:
/// an alleged breach opens dispute resolution; when its clocks run out,
/// relief ends unless enough sign to continue it (UNSCR 2231's reverse
/// veto).
#[derive(Clone, Debug)]
pub struct Snapback {
    /// CEL over the status; when it holds, the dispute opens on its own.
    pub when: Option<Sp<String>>,
    /// Who may open the dispute by notice.
    pub notify: Quorum,
    pub joint_commission_days: Sp<u64>,
    pub ministerial_days: Sp<u64>,
    /// The optional Advisory Board (JCPOA paragraph 36): it sits alongside
    /// the ministers, from the end of the joint commission's days.
    pub advisory_board_days: Option<Sp<u64>>,
    /// The joint commission's review of the Advisory Board's opinion, after
    /// both the ministers and the Board are done.
    pub commission_review_days: Option<Sp<u64>>,
    /// The continuation vote (UNSCR 2231's 30 days for a resolution to
    /// continue relief).
    pub vote_days: Sp<u64>,
    /// Who must sign to continue relief.
    pub continue_: Quorum,
}

#[derive(Clone, Debug)]
pub struct Guarantee {
    pub id: Sp<String>,
    pub title: Sp<String>,
    pub text: Sp<String>,
    pub protects: Vec<Sp<String>>,
    pub guarantors: Vec<Sp<String>>,
    /// CEL over the status: a verified armed attack as the clauses define it.
    pub trigger: Sp<String>,
    pub consultation_hours: Sp<u64>,
    pub decision: Quorum,
}

#[derive(Clone, Debug)]
pub struct Amendments {
    pub require: Quorum,
}

/// `[control]`: who must sign a control statement (a change of who holds
/// an area).
#[derive(Clone, Debug)]
pub struct ControlRules {
    pub change: Quorum,
}

/// `[witnesses]`: the witnesses that cosign the log's checkpoints, each run
/// by a party or an organisation, and the quorum of their cosignatures a
/// checkpoint needs to be valid (exported as a C2SP tlog-policy by
/// [`Agreement::witness_policy`]).
#[derive(Clone, Debug)]
pub struct Witnesses {
    /// The `[witnesses]` table.
    pub span: std::ops::Range<usize>,
    pub list: BTreeMap<String, Witness>,
    pub quorum: WitnessQuorum,
}

/// A witness: who runs it, its cosigner key, where to reach it.
#[derive(Clone, Debug)]
pub struct Witness {
    pub id: Sp<String>,
    /// The party or organisation that runs it.
    pub run_by: Sp<String>,
    /// Its cosigner key (type 0x04 Ed25519 or 0x06 ML-DSA-44); `None`
    /// when it could not be read (already reported).
    pub key: Option<Sp<tlog_core::cosignature::CosignerKey>>,
    /// Its C2SP tlog-witness submission prefix, for the log to ask it.
    pub url: Option<Sp<String>>,
}

/// Whose cosignatures a checkpoint needs.
#[derive(Clone, Debug)]
pub enum WitnessQuorum {
    /// `quorum = "none"`: none (witnesses listed are asked, not required).
    None(std::ops::Range<usize>),
    /// A quorum over witnesses (by name) and parties and organisations
    /// (each counts when one of the witnesses it runs has cosigned), and
    /// groups of them.
    Required(Quorum),
    /// Missing or unreadable (already reported).
    Invalid,
}
