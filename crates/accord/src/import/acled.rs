//! ACLED (Armed Conflict Location & Event Data), with the columns of
//! ACLED's export (`event_id_cnty`, `event_date`, `time_precision`,
//! `event_type`, `sub_event_type`, `civilian_targeting`, `latitude`,
//! `longitude`, `geo_precision`, `source`, `source_scale`, `fatalities`,
//! ...) and its event taxonomy (6 event types, 25 sub-event types, as in
//! the 2019 codebook and after).
//!
//! ACLED's terms of use forbid redistributing its rows: statements made
//! from them belong in a log that is not published, unless the user has
//! ACLED's permission (the command line asks for `--publish-acled`).

use super::{
    Event, Options, Reason, Record, Skip, casualties, code, coordinate, count,
    credibility_from_sources, date, distinct_sources, ident, precision, troop_movement, violation,
};
use crate::statement::{Cause, Credibility, Interval, Position, Source, Statement, ViolationType};

/// `source.dataset` of ACLED events.
pub const ACLED_DATASET: &str = "acled";

/// ACLED's requested citation, carried in every statement.
pub const ACLED_ATTRIBUTION: &str = "ACLED (Raleigh et al. 2010), acleddata.com; \
redistribution restricted by ACLED's terms of use";

/// What one (event type, sub-event type) of ACLED becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcledType {
    /// A `ceasefire_violation` (one event of this type); and when ACLED
    /// marks civilian targeting and counts fatalities, a
    /// `civilian_casualties` with `killed = fatalities` and this cause.
    Violation(ViolationType, Option<Cause>),
    /// A `civilian_casualties` with `killed = fatalities` (skipped when 0).
    CivilianCasualties(Option<Cause>),
    /// A `troop_movement` (no unit or numbers: ACLED gives none).
    TroopMovement,
    /// Skipped, for this reason.
    Skip(Reason),
}

/// The mapping of ACLED's taxonomy, compared without regard to case.
/// Any other pair is an unknown type.
pub const ACLED_TYPES: &[(&str, &str, AcledType)] = {
    use AcledType::*;
    use Cause::*;
    use ViolationType::{Explosion, Undetermined};
    &[
        ("Battles", "Armed clash", Violation(Undetermined, None)),
        (
            "Battles",
            "Government regains territory",
            Violation(Undetermined, None),
        ),
        (
            "Battles",
            "Non-state actor overtakes territory",
            Violation(Undetermined, None),
        ),
        (
            "Explosions/Remote violence",
            "Shelling/artillery/missile attack",
            Violation(Explosion, Some(Shelling)),
        ),
        (
            "Explosions/Remote violence",
            "Air/drone strike",
            Violation(Explosion, Some(Airstrike)),
        ),
        (
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
            Violation(Explosion, Some(MineOrUxo)),
        ),
        (
            "Explosions/Remote violence",
            "Grenade",
            Violation(Explosion, Some(Other)),
        ),
        (
            "Explosions/Remote violence",
            "Suicide bomb",
            Violation(Explosion, Some(Other)),
        ),
        (
            "Explosions/Remote violence",
            "Chemical weapon",
            Violation(Undetermined, Some(Other)),
        ),
        (
            "Violence against civilians",
            "Attack",
            CivilianCasualties(None),
        ),
        (
            "Violence against civilians",
            "Sexual violence",
            Skip(Reason::NoCategory),
        ),
        (
            "Violence against civilians",
            "Abduction/forced disappearance",
            Skip(Reason::NoCategory),
        ),
        (
            "Protests",
            "Peaceful protest",
            Skip(Reason::NotCeasefireMatter),
        ),
        (
            "Protests",
            "Protest with intervention",
            Skip(Reason::NotCeasefireMatter),
        ),
        (
            "Protests",
            "Excessive force against protesters",
            Skip(Reason::NotCeasefireMatter),
        ),
        // The codebook spells it so; the data, as above.
        (
            "Protests",
            "Excessive force against protestors",
            Skip(Reason::NotCeasefireMatter),
        ),
        (
            "Riots",
            "Violent demonstration",
            Skip(Reason::NotCeasefireMatter),
        ),
        ("Riots", "Mob violence", Skip(Reason::NotCeasefireMatter)),
        (
            "Strategic developments",
            "Agreement",
            Skip(Reason::NotCeasefireMatter),
        ),
        (
            "Strategic developments",
            "Arrests",
            Skip(Reason::NotCeasefireMatter),
        ),
        (
            "Strategic developments",
            "Change to group/activity",
            Skip(Reason::NotCeasefireMatter),
        ),
        (
            "Strategic developments",
            "Disrupted weapons use",
            Violation(Undetermined, None),
        ),
        (
            "Strategic developments",
            "Headquarters or base established",
            TroopMovement,
        ),
        (
            "Strategic developments",
            "Looting/property destruction",
            Skip(Reason::NoCategory),
        ),
        (
            "Strategic developments",
            "Non-violent transfer of territory",
            TroopMovement,
        ),
        (
            "Strategic developments",
            "Other",
            Skip(Reason::NotCeasefireMatter),
        ),
    ]
};

/// `geo_precision` → (what ACLED means by it, uncertainty in metres).
pub const ACLED_GEO_PRECISION: &[(u8, &str, f64)] = &[
    (1, "the town or village named", 2_000.0),
    (2, "near a town, or a small part of a region", 25_000.0),
    (
        3,
        "only the larger region (its capital's coordinates)",
        150_000.0,
    ),
];

const ID: usize = 0;
const DATE: usize = 1;
const EVENT_TYPE: usize = 2;
const SUB_EVENT_TYPE: usize = 3;
const LAT: usize = 4;
const LON: usize = 5;
const GEO_PRECISION: usize = 6;
const FATALITIES: usize = 7;
const TIME_PRECISION: usize = 8;
const CIVILIAN_TARGETING: usize = 9;
const SOURCE: usize = 10;
const SOURCE_SCALE: usize = 11;
const LOCATION: usize = 12;

/// The ACLED columns read, by their published names: (name, required).
pub(super) const COLUMNS: &[(&str, bool)] = &[
    ("event_id_cnty", true),
    ("event_date", true),
    ("event_type", true),
    ("sub_event_type", true),
    ("latitude", true),
    ("longitude", true),
    ("geo_precision", true),
    ("fatalities", true),
    ("time_precision", false),
    ("civilian_targeting", false),
    ("source", false),
    ("source_scale", false),
    ("location", false),
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
    let et = r.get(EVENT_TYPE)?;
    let sub = r.get(SUB_EVENT_TYPE)?;
    let (_, _, mapping) = ACLED_TYPES
        .iter()
        .find(|(e, s, _)| e.eq_ignore_ascii_case(et) && s.eq_ignore_ascii_case(sub))
        .ok_or_else(|| {
            Skip::new(
                Reason::UnknownType,
                format!("event type {et:?} / sub-event type {sub:?} is not in ACLED's taxonomy"),
            )
        })?;
    // Check the whole row even when it is skipped by design, so that
    // `--strict` finds every bad value.
    let (lat, lon) = coordinate(r.get(LAT)?, r.get(LON)?)?;
    let gp = code(r.get(GEO_PRECISION)?, r.name(GEO_PRECISION))?;
    let uncertainty_m = precision(
        ACLED_GEO_PRECISION,
        gp,
        "geo_precision",
        "ACLED's (1, 2, 3)",
    )?;
    let day = date(r.get(DATE)?, r.name(DATE))?;
    let tp = match r.opt(TIME_PRECISION)? {
        Some(t) => code(t, r.name(TIME_PRECISION))?,
        None => 1,
    };
    let step = |d: jiff::civil::Date, n: i64| {
        d.checked_add(jiff::Span::new().days(n))
            .map_err(|e| Skip::new(Reason::BadDate, format!("{d}: {e}")))
    };
    let (first, last) = match tp {
        1 => (day, day),
        // The week around the date ACLED gives (the middle of the week).
        2 => (step(day, -3)?, step(day, 3)?),
        // The month ACLED gives (the date is within it).
        3 => (day.first_of_month(), day.last_of_month()),
        _ => {
            return Err(Skip::new(
                Reason::BadValue,
                format!("`time_precision` {tp} is not one of ACLED's (1, 2, 3)"),
            ));
        }
    };
    let observed: Interval = super::days(options, first, last)?;
    let fatalities = count(r.get(FATALITIES)?, r.name(FATALITIES))?;
    let civilian_targeting = r
        .opt(CIVILIAN_TARGETING)?
        .is_some_and(|v| v.eq_ignore_ascii_case("Civilian targeting"));
    let credibility = match r.opt(SOURCE_SCALE)? {
        Some(s) if s.eq_ignore_ascii_case("New media") => Credibility::Possible,
        _ => credibility_from_sources(r.opt(SOURCE)?.map_or(1, distinct_sources)),
    };
    let mut note = format!("{et}: {sub}");
    if let Some(l) = r.opt(LOCATION)? {
        note.push_str(&format!("; {l}"));
    }
    note.push_str(&format!("; {fatalities} fatalities"));
    let event = Event {
        observed,
        position: Position {
            lon,
            lat,
            uncertainty_m,
        },
        source: Source {
            dataset: ACLED_DATASET.to_string(),
            id: id.to_string(),
            credibility,
            attribution: Some(ACLED_ATTRIBUTION.to_string()),
        },
        reference: None,
        note: Some(super::note(note)),
    };
    match *mapping {
        AcledType::Violation(kind, cause) => {
            let mut out = vec![event.statement(options, violation(kind))?];
            if civilian_targeting && fatalities > 0 {
                out.push(event.statement(options, casualties(fatalities, cause))?);
            }
            Ok(out)
        }
        AcledType::CivilianCasualties(cause) => {
            if fatalities == 0 {
                return Err(Skip::new(
                    Reason::NoCasualties,
                    format!("{et}: {sub} with no fatalities (ACLED counts no injuries)"),
                ));
            }
            Ok(vec![
                event.statement(options, casualties(fatalities, cause))?,
            ])
        }
        AcledType::TroopMovement => Ok(vec![event.statement(options, troop_movement())?]),
        AcledType::Skip(reason) => Err(Skip::new(reason, format!("{et}: {sub}"))),
    }
}
