//! UCDP Georeferenced Event Dataset (GED), as UCDP publishes it (the 49
//! columns of GED 23.1 and 24.1: `id`, `relid`, `type_of_violence`,
//! `where_prec`, `latitude`, `longitude`, `date_start`, `date_end`,
//! `deaths_civilians`, `event_clarity`, ...). Licence: CC BY 4.0, so every
//! statement carries the attribution UCDP asks for.

use super::{
    Event, Options, Reason, Record, Skip, casualties, code, coordinate, count,
    credibility_from_sources, date, days, distinct_sources, ident, precision, violation,
};
use crate::statement::{Credibility, Position, Source, Statement, ViolationType};

/// `source.dataset` of UCDP GED events.
pub const UCDP_DATASET: &str = "ucdp-ged";

/// The attribution CC BY 4.0 requires, carried in every statement.
pub const UCDP_ATTRIBUTION: &str =
    "UCDP GED (Sundberg & Melander 2013; Davies, Pettersson & Öberg 2023), CC BY 4.0";

/// What one value of GED's `type_of_violence` becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UcdpType {
    pub code: u8,
    /// UCDP's name for it.
    pub name: &'static str,
    /// A `ceasefire_violation` (one event, type `undetermined`: GED does
    /// not say what weapons were used).
    pub violation: bool,
    /// A `civilian_casualties` statement with `killed = deaths_civilians`,
    /// when that is above 0.
    pub civilian_casualties: bool,
}

/// The mapping of `type_of_violence`. Any other value is an unknown type.
pub const UCDP_TYPES: &[UcdpType] = &[
    UcdpType {
        code: 1,
        name: "state-based conflict",
        violation: true,
        civilian_casualties: true,
    },
    UcdpType {
        code: 2,
        name: "non-state conflict",
        violation: true,
        civilian_casualties: true,
    },
    UcdpType {
        code: 3,
        name: "one-sided violence",
        violation: false,
        civilian_casualties: true,
    },
];

/// `where_prec` → (what UCDP means by it, position uncertainty in metres).
pub const UCDP_WHERE_PREC: &[(u8, &str, f64)] = &[
    (1, "exact location (a town or village)", 2_000.0),
    (2, "within 25 km of a known point", 25_000.0),
    (
        3,
        "second-order administrative division (district)",
        50_000.0,
    ),
    (
        4,
        "first-order administrative division (province, oblast)",
        150_000.0,
    ),
    (
        5,
        "a linear feature or an area (a road, a front, a region)",
        150_000.0,
    ),
    (6, "the country only", 750_000.0),
    (7, "international waters or airspace", 50_000.0),
];

// Column indices into COLUMNS.
const ID: usize = 0;
const TYPE: usize = 1;
const LAT: usize = 2;
const LON: usize = 3;
const WHERE_PREC: usize = 4;
const DATE_START: usize = 5;
const DATE_END: usize = 6;
const DEATHS_CIVILIANS: usize = 7;
const EVENT_CLARITY: usize = 8;
const RELID: usize = 9;
const DYAD: usize = 10;
const WHERE_COORDINATES: usize = 11;
const BEST: usize = 12;
const SOURCE_OFFICE: usize = 13;

/// The GED columns read, by their published names: (name, required).
pub(super) const COLUMNS: &[(&str, bool)] = &[
    ("id", true),
    ("type_of_violence", true),
    ("latitude", true),
    ("longitude", true),
    ("where_prec", true),
    ("date_start", true),
    ("date_end", true),
    ("deaths_civilians", true),
    ("event_clarity", true),
    ("relid", false),
    ("dyad_name", false),
    ("where_coordinates", false),
    ("best", false),
    ("source_office", false),
];

pub(super) fn row(
    r: &Record<'_>,
    options: &Options,
) -> (Option<String>, Result<Vec<Statement>, Skip>) {
    let id = r.get(ID).ok().map(str::to_string);
    (id, statements(r, options))
}

fn statements(r: &Record<'_>, options: &Options) -> Result<Vec<Statement>, Skip> {
    let id = ident(r.get(ID)?, r.name(ID))?;
    let tov = r.get(TYPE)?;
    let tov_code = code(tov, r.name(TYPE)).ok();
    let t = UCDP_TYPES
        .iter()
        .find(|t| tov_code == Some(t.code))
        .ok_or_else(|| {
            Skip::new(
                Reason::UnknownType,
                format!("`type_of_violence` {tov:?} is not one of UCDP's (1, 2, 3)"),
            )
        })?;
    let (lat, lon) = coordinate(r.get(LAT)?, r.get(LON)?)?;
    let prec = code(r.get(WHERE_PREC)?, r.name(WHERE_PREC))?;
    let uncertainty_m = precision(UCDP_WHERE_PREC, prec, "where_prec", "UCDP's (1 to 7)")?;
    let start = date(r.get(DATE_START)?, r.name(DATE_START))?;
    let end = date(r.get(DATE_END)?, r.name(DATE_END))?;
    let observed = days(options, start, end)?;
    let civilians = count(r.get(DEATHS_CIVILIANS)?, r.name(DEATHS_CIVILIANS))?;
    let credibility = match code(r.get(EVENT_CLARITY)?, r.name(EVENT_CLARITY))? {
        1 => credibility_from_sources(r.opt(SOURCE_OFFICE)?.map_or(1, distinct_sources)),
        2 => Credibility::Possible,
        c => {
            return Err(Skip::new(
                Reason::BadValue,
                format!("`event_clarity` {c} is not one of UCDP's (1, 2)"),
            ));
        }
    };
    let mut note = Vec::new();
    if let Some(d) = r.opt(DYAD)? {
        note.push(d.to_string());
    }
    if let Some(w) = r.opt(WHERE_COORDINATES)? {
        note.push(w.to_string());
    }
    if let Some(b) = r.opt(BEST)? {
        note.push(format!("{b} deaths (best estimate)"));
    }
    let event = Event {
        observed,
        position: Position {
            lon,
            lat,
            uncertainty_m,
        },
        source: Source {
            dataset: UCDP_DATASET.to_string(),
            id: id.to_string(),
            credibility,
            attribution: Some(UCDP_ATTRIBUTION.to_string()),
        },
        reference: r
            .opt(RELID)?
            .map(|x| ident(x, r.name(RELID)).map(str::to_string))
            .transpose()?,
        note: (!note.is_empty()).then(|| super::note(note.join("; "))),
    };
    let mut out = Vec::with_capacity(2);
    if t.violation {
        out.push(event.statement(options, violation(ViolationType::Undetermined))?);
    }
    if t.civilian_casualties && civilians > 0 {
        out.push(event.statement(options, casualties(civilians, None))?);
    }
    if out.is_empty() {
        return Err(Skip::new(
            Reason::NoCasualties,
            format!(
                "{} with no civilian deaths recorded (`deaths_civilians` 0)",
                t.name
            ),
        ));
    }
    Ok(out)
}
