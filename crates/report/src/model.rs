//! The report's model: everything a report says, language-neutral (codes,
//! ids, numbers, dates and log indices; no sentence in any language), in
//! the order of an OSCE SMM daily report's sections. It is what the JSON
//! form publishes, for anyone who wants to build their own report, and
//! what every renderer reads.
//!
//! Every figure is a [`Figure`]: what it counts ([`Measure`]), the value,
//! and every entry behind it (all of them: the renderers may abbreviate, the
//! model never does). Verified and reported are kept apart ([`Count`]).

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// How long a report's period is: one reporting period (the agreement's
/// day, to its cut-off) or the 7 ending with the day named, each compared
/// with as many before it; or the calendar month of the day named, to that
/// day, compared with the whole month before.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Span {
    Day,
    Week,
    Month,
}

impl Span {
    pub const ALL: [Span; 3] = [Span::Day, Span::Week, Span::Month];

    /// How many reporting periods it covers at most (a month: the
    /// calendar month's, to the day reported).
    pub fn periods(self) -> u32 {
        match self {
            Span::Day => 1,
            Span::Week => 7,
            Span::Month => 31,
        }
    }

    /// Its name, as flags, query parameters and the JSON spell it.
    pub fn code(self) -> &'static str {
        match self {
            Span::Day => "day",
            Span::Week => "week",
            Span::Month => "month",
        }
    }
}

impl std::str::FromStr for Span {
    type Err = String;
    fn from_str(s: &str) -> Result<Span, String> {
        Span::ALL
            .into_iter()
            .find(|p| p.code() == s)
            .ok_or_else(|| format!("period {s:?}: use day, week or month"))
    }
}

/// What a figure counts in each entry behind it, so that anyone can
/// recompute it from the entries' statements.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "of", rename_all = "snake_case")]
pub enum Measure {
    /// Ceasefire-violation events (the `count` of each event); `only`
    /// those of one type and weapon class when given.
    Events {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        only: Option<EventKey>,
    },
    /// A number in the observation's details (`killed`, `injured`,
    /// `count`, `people_waiting`, ...), summed.
    Detail { field: String },
    /// One per entry.
    Entries,
}

/// Which events a figure counts: those of this type (null: of any type)
/// and of exactly this weapon kind (null: events that give none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventKey {
    pub kind: Option<String>,
    pub weapon: Option<String>,
}

/// A figure and the entries behind it: the value is the measure summed over
/// exactly these entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    pub measure: Measure,
    pub value: u64,
    pub entries: Vec<u64>,
}

impl Figure {
    pub fn new(measure: Measure) -> Figure {
        Figure {
            measure,
            value: 0,
            entries: Vec::new(),
        }
    }

    /// Counts `n` from entry `index`: an entry is listed once, however
    /// often it adds.
    pub fn add(&mut self, n: u64, index: u64) {
        self.value += n;
        if self.entries.last() != Some(&index) && !self.entries.contains(&index) {
            self.entries.push(index);
        }
    }
}

/// A figure verified and reported: reported counts every report not
/// withdrawn; verified, those verified under the agreement's rules (a
/// subset of them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub verified: Figure,
    pub reported: Figure,
}

impl Count {
    pub fn new(measure: Measure) -> Count {
        Count {
            verified: Figure::new(measure.clone()),
            reported: Figure::new(measure),
        }
    }

    pub fn add(&mut self, n: u64, index: u64, verified: bool) {
        self.reported.add(n, index);
        if verified {
            self.verified.add(n, index);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.reported.entries.is_empty()
    }
}

/// Reporting periods, from the first to the last, and the instants they
/// run between.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Window {
    pub first: Date,
    pub last: Date,
    pub start: Timestamp,
    pub end: Timestamp,
}

/// What the report is of.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// The agreement's canonical hash (of the version in force).
    pub agreement: String,
    /// Its equally authentic language versions (the first is the main text's).
    pub languages: Vec<String>,
    pub timezone: String,
    pub span: Span,
    /// The day the report is named by: its last reporting period.
    pub day: Date,
    pub period: Window,
    pub previous: Window,
    /// Whether the log says anything of the previous period: false when it
    /// ended before the adoption (its noughts would be no one's word).
    pub previous_known: bool,
    pub adopted: Option<Timestamp>,
    /// The log: the size evaluated, the log's clock, and (filled in by
    /// whoever verified the checkpoint) its root hash.
    pub log_size: u64,
    pub clock: Option<Timestamp>,
    #[serde(default)]
    pub root: Option<String>,
}

/// An argument of a summary sentence: a value, or an id the renderer turns
/// into a title in the reader's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Arg {
    Figure(Figure),
    Number(i64),
    Date(Date),
    Time(Timestamp),
    Phase(String),
    Tranche(String),
    Guarantee(String),
    Clause(String),
    Party(String),
    /// A region's id (null: outside the named regions).
    Region(Option<String>),
    /// A state of a tranche or guarantee (`in_force`, `triggered`, ...).
    State(String),
    /// A deadline's kind (`commission`, `ministers`, `vote`,
    /// `consultation`, `provisional`).
    Deadline(String),
}

/// A sentence of the narrative summary: a message id of `report.ftl`, its
/// arguments, and the entries it rests on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    pub id: String,
    pub args: BTreeMap<String, Arg>,
    pub entries: Vec<u64>,
}

/// A ceasefire-violation event of an observation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `explosion`, `shot`, ... (null when the log's state does not keep it).
    pub kind: Option<String>,
    pub weapon_class: Option<String>,
    /// The weapon kind (`artillery`, `mortar`, `mlrs`, `small_arms`, ...).
    pub weapon: Option<String>,
    pub count: u64,
}

/// One observation, as a row of a section's table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub index: u64,
    pub category: String,
    pub observed: Timestamp,
    pub period: Date,
    pub lat: f64,
    pub lon: f64,
    /// Where the monitors were (latitude, longitude), when they said: the
    /// SMM's "positioned at", what they could see from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observer: Option<(f64, f64)>,
    /// The named regions it lies in, and every other zone (crossings,
    /// disengagement areas, ...).
    pub regions: Vec<String>,
    pub zones: Vec<String>,
    pub controlled_by: Option<String>,
    pub sensor: String,
    pub verified: bool,
    /// Under a dispute not yet decided.
    pub disputed: bool,
    pub responsible: Option<String>,
    pub confidence: Option<String>,
    /// How the responsibility was decided: `observer`, `location`,
    /// `details`, `contested`, `none`.
    pub attribution: String,
    pub dissent: u32,
    pub weapon_class: Option<String>,
    pub events: Vec<Event>,
    /// Numbers of its details (`killed`, `count`, `duration_minutes`, ...).
    pub numbers: BTreeMap<String, u64>,
    /// Codes of its details (`status`, `restriction`, `cause`, ...),
    /// printable.
    pub codes: BTreeMap<String, String>,
    /// What the evaluator keeps beyond counts, for the categories that have
    /// more (mines, windows of silence, crossings, storage visits).
    pub detail: Option<accord::evaluate::ObsDetail>,
}

/// A region's row (or a finer one: region, type, weapon, means of
/// observation), this period and the one before.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ViolationRow {
    /// The region's id; null: outside the named regions.
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The weapon kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weapon: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensor: Option<String>,
    pub now: Count,
    pub before: Count,
}

/// Events attributed to one party (null: to no one).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttributedRow {
    pub party: Option<String>,
    pub count: Count,
}

/// Ceasefire violations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Violations {
    pub total: Count,
    pub total_before: Count,
    /// Per region (every named region, and outside them when anything was).
    pub by_region: Vec<ViolationRow>,
    /// Region × type × weapon class × means of observation.
    pub breakdown: Vec<ViolationRow>,
    /// Who is held responsible: a layer apart from the counts.
    pub attribution: Vec<AttributedRow>,
    /// The per-location annex: every observation, its events, where.
    pub annex: Vec<Item>,
}

/// A monitors' visit to a declared storage site in the period, held
/// against the declaration in force: what was absent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StorageRow {
    pub site: String,
    /// As the declaration names it (free text, printable).
    pub name: Option<String>,
    /// `permanent_storage` or `holding_area`.
    pub kind: Option<String>,
    /// The declaring party (null: never declared).
    pub party: Option<String>,
    /// The visit's entry, and the declaration's it was held against.
    pub visit: u64,
    pub declaration: Option<u64>,
    pub observed: Timestamp,
    /// `granted`, `denied`, `partial`.
    pub access: String,
    pub abandoned: bool,
    pub verified: bool,
    /// What was absent (null: not assessable, the monitors could not see
    /// the whole site or it was not declared; empty: all found).
    pub absent: Option<Vec<accord::evaluate::AbsentItem>>,
    /// The entries behind the row: the visit and the declaration.
    pub entries: Vec<u64>,
}

/// Weapons.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Weapons {
    /// Seen inside the withdrawal zone of their class.
    pub in_violation: Vec<Item>,
    pub in_violation_count: Count,
    /// Visits to declared storage sites in the period.
    pub storage: Vec<StorageRow>,
    /// Seen beyond the withdrawal lines but outside the storage sites, or
    /// missing from them.
    pub outside_storage: Vec<Item>,
    pub outside_storage_count: Count,
}

/// A localised ceasefire: the monitors' word on whether it held, and the
/// violations the log holds near it during the window (cited).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WindowRow {
    pub item: Item,
    /// Violation events within [`NEAR_KM`] of the place, observed in the
    /// window.
    pub near: Count,
}

/// How near a violation must be to a window of silence to be cited
/// beside it, in kilometres.
pub const NEAR_KM: f64 = 5.0;

/// A cause of civilian casualties and its counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CauseRow {
    /// `shelling`, `small_arms`, ...; null when not given.
    pub cause: Option<String>,
    pub killed: Count,
    pub injured: Count,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Casualties {
    pub items: Vec<Item>,
    pub killed: Count,
    pub injured: Count,
    pub by_cause: Vec<CauseRow>,
}

/// A change of a phase, tranche or guarantee.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub from: Option<String>,
    pub to: String,
    pub at: Timestamp,
    /// The evaluator's note of why (its own words; not translated).
    pub why: String,
    pub entries: Vec<u64>,
}

/// A phase, tranche or guarantee: its state at the period's end, whether
/// that is provisional (it can still be undone by a dispute), and its
/// changes in the period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    pub id: String,
    pub state: Option<String>,
    pub provisional_until: Option<Timestamp>,
    pub changes: Vec<Change>,
    /// Every change since the adoption, for the timeline.
    pub history: Vec<Change>,
}

/// A deadline: what falls due, when, and the entries that set it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Deadline {
    /// `commission`, `ministers`, `vote`, `consultation`, `provisional`.
    pub kind: String,
    /// `tranche` or `guarantee`, and its id.
    pub of: String,
    pub id: String,
    pub due: Timestamp,
    pub entries: Vec<u64>,
}

/// A clock: consecutive periods in which its condition held, and of those
/// the ones the monitors could assess.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Clock {
    pub id: String,
    pub days: u64,
    pub assessed: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Relief {
    pub phase: Machine,
    pub tranches: Vec<Machine>,
    pub guarantees: Vec<Machine>,
    /// Deadlines after the period's end, soonest first.
    pub deadlines: Vec<Deadline>,
    /// As of the log's clock.
    pub clocks: Vec<Clock>,
}

/// A clause's result for one party over the period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartyResult {
    pub party: String,
    /// The gravest verdict of its periods (null: not in force).
    pub verdict: Option<accord::evaluate::Verdict>,
    /// Periods by verdict.
    pub periods: BTreeMap<String, u64>,
    /// The last period's metrics: verified, and reported.
    pub metrics: BTreeMap<String, i64>,
    pub reported: BTreeMap<String, i64>,
    /// Observations counted (verified), and reports not verified that
    /// would count if they were.
    pub counted: Vec<u64>,
    pub allegations: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClauseResult {
    pub id: String,
    pub parties: Vec<PartyResult>,
}

/// Whether a zone was covered by the monitors in the period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZoneCoverage {
    pub zone: String,
    /// `region`, `disengagement_area`, `crossing`, ...
    pub kind: String,
    /// Periods of the report's period in which it was covered, of all.
    pub covered: u64,
    pub of: u64,
    /// The coverage statements and first-hand reports behind it.
    pub entries: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub zones: Vec<ZoneCoverage>,
    /// The organisations whose coverage counted.
    pub organisations: Vec<String>,
}

/// Violations in one period (a point of a series; periods with none are
/// left out).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub period: Date,
    pub count: Count,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegionSeries {
    pub region: Option<String>,
    pub points: Vec<Point>,
}

/// The charts' data: the last 365 reporting periods to the report's end
/// (the 30-period chart is its tail).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub first: Date,
    pub last: Date,
    pub violations: Vec<RegionSeries>,
    pub killed: Vec<Point>,
    pub injured: Vec<Point>,
}

/// A witness that cosigned the checkpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cosigned {
    pub name: String,
    pub at: Timestamp,
}

/// What the checkpoint's witnesses did (filled in by whoever checked it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Witnessed {
    pub met: bool,
    /// The policy: `agreement` (its `[witnesses]`) or `given`.
    pub policy: String,
    pub cosigners: Vec<Cosigned>,
    /// Why the quorum is not met (the checker's words).
    pub error: Option<String>,
}

/// Where the report's facts come from, beyond the log.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sources {
    /// Imported open-source datasets reporting in the period.
    pub open_source: Vec<String>,
    /// Cited entries that say they are simulated (filled in by whoever
    /// reads the entries: the evaluator keeps no notes).
    pub simulated: BTreeSet<u64>,
    pub witnessed: Option<Witnessed>,
}

/// The report: a day, a week or a month, every section of an SMM daily
/// report in its order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub header: Header,
    pub summary: Vec<Sentence>,
    pub violations: Violations,
    pub weapons: Weapons,
    /// Military presence in the security zone and disengagement areas.
    pub presence: Vec<Item>,
    /// Mines and unexploded ordnance.
    pub mines: Vec<Item>,
    pub casualties: Casualties,
    pub infrastructure: Vec<Item>,
    /// Localised ceasefires ("windows of silence") for repairs.
    pub windows: Vec<WindowRow>,
    pub crossings: Vec<Item>,
    /// Restrictions of the monitors' freedom of movement.
    pub movement: Vec<Item>,
    pub relief: Relief,
    pub clauses: Vec<ClauseResult>,
    pub coverage: Coverage,
    pub series: Series,
    pub sources: Sources,
    /// Every entry the report cites.
    pub cited: BTreeSet<u64>,
}
