//! Importers of real conflict event data: UCDP GED and ACLED CSV files, and
//! GeoJSON FeatureCollections, turned into observations of the open-source
//! kind (`sensor = open_source`), each carrying the dataset's own event
//! identifier, a credibility and, where the licence asks for it, an
//! attribution. `docs/import.md` explains every mapping.
//!
//! Pure, like the rest of the crate: an importer reads any
//! [`std::io::Read`] and calls back once per row, so memory stays flat
//! however large the file. A row gives one or more statements, or is
//! skipped with a [`Reason`] and the 1-based line where it starts in the
//! file (for CSV, the line where the record starts, which is not the
//! record's number when quoted fields hold line breaks).
//!
//! Statements are deterministic: `issued_at` is the end of the event's
//! period, never the time of the import, so importing the same row twice
//! gives the same bytes, and [`dedup_key`] names what is already in a log.

mod acled;
mod features;
mod ucdp;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::io::Read;
use std::ops::ControlFlow;
use std::rc::Rc;

use jiff::civil::Date;
use serde_json::Value;

use crate::statement::{
    CeasefireViolation, CivilianCasualties, Credibility, Details, Digest, Interval, Observation,
    Position, Sensor, Source, Statement, Time, TroopMovement,
};

pub use acled::{ACLED_ATTRIBUTION, ACLED_DATASET, ACLED_GEO_PRECISION, ACLED_TYPES, AcledType};
pub use ucdp::{UCDP_ATTRIBUTION, UCDP_DATASET, UCDP_TYPES, UCDP_WHERE_PREC, UcdpType};

/// What an import reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// UCDP Georeferenced Event Dataset (GED) CSV, as UCDP publishes it.
    Ucdp,
    /// ACLED CSV, with the columns of ACLED's export.
    Acled,
    /// A GeoJSON FeatureCollection of Point features (see `docs/import.md`).
    GeoJson,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Ucdp => "ucdp",
            Format::Acled => "acled",
            Format::GeoJson => "geojson",
        }
    }

    /// The `source.dataset` of what it gives (GeoJSON names its own).
    pub fn dataset(self) -> Option<&'static str> {
        match self {
            Format::Ucdp => Some(UCDP_DATASET),
            Format::Acled => Some(ACLED_DATASET),
            Format::GeoJson => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How to import.
#[derive(Clone, Debug)]
pub struct Options {
    /// The canonical hash of the agreement the statements are made under.
    pub agreement: Digest,
    /// The time zone of the datasets' calendar dates: an event dated
    /// 2015-02-15 ran from midnight to midnight there. The agreement's own
    /// `timezone` is the natural choice; UTC by default.
    pub timezone: jiff::tz::TimeZone,
    /// GeoJSON only: the dataset's name, instead of the collection's `name`.
    pub dataset: Option<String>,
}

impl Options {
    pub fn new(agreement: Digest) -> Options {
        Options {
            agreement,
            timezone: jiff::tz::TimeZone::UTC,
            dataset: None,
        }
    }
}

/// One row (CSV record or GeoJSON feature) and what became of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The 1-based line of the file where the row starts.
    pub line: u64,
    /// The dataset's identifier of the event, when it could be read.
    pub id: Option<String>,
    /// Its statements (one or more), or why it was skipped.
    pub outcome: Result<Vec<Statement>, Skip>,
}

/// Why a row gives no statement.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{reason}: {message}")]
pub struct Skip {
    pub reason: Reason,
    pub message: String,
}

impl Skip {
    pub fn new(reason: Reason, message: impl Into<String>) -> Skip {
        Skip {
            reason,
            message: message.into(),
        }
    }
}

/// The reasons a row is skipped. The first ones are problems with the
/// data ([`Reason::is_error`]: `--strict` stops on them); the last three
/// are rows that are fine but hold nothing the observation taxonomy
/// records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// Not a well-formed row: a CSV record with too few or too many
    /// fields, text that is not UTF-8, a feature that is not a Point.
    Malformed,
    /// A required value is empty.
    MissingValue,
    /// A latitude or longitude that is not a number in range.
    BadCoordinate,
    /// A date that is not a date, or an end before the start.
    BadDate,
    /// A number or code that is not one the dataset uses.
    BadValue,
    /// An event type the mapping does not know.
    UnknownType,
    /// The statement built from the row fails its own checks.
    InvalidObservation,
    /// Protests, riots, arrests and the like: not what a ceasefire governs.
    NotCeasefireMatter,
    /// A matter for a ceasefire, but no observation category records it
    /// (abductions, sexual violence, looting).
    NoCategory,
    /// Violence against civilians with no deaths recorded: nothing to count.
    NoCasualties,
}

impl Reason {
    pub const ALL: [Reason; 10] = [
        Reason::Malformed,
        Reason::MissingValue,
        Reason::BadCoordinate,
        Reason::BadDate,
        Reason::BadValue,
        Reason::UnknownType,
        Reason::InvalidObservation,
        Reason::NotCeasefireMatter,
        Reason::NoCategory,
        Reason::NoCasualties,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Reason::Malformed => "malformed row",
            Reason::MissingValue => "missing value",
            Reason::BadCoordinate => "bad coordinate",
            Reason::BadDate => "bad date",
            Reason::BadValue => "bad value",
            Reason::UnknownType => "unknown event type",
            Reason::InvalidObservation => "invalid observation",
            Reason::NotCeasefireMatter => "not a ceasefire matter",
            Reason::NoCategory => "no observation category for it",
            Reason::NoCasualties => "no casualties recorded",
        }
    }

    /// Whether the row is bad (as opposed to fine but out of scope).
    pub fn is_error(self) -> bool {
        !matches!(
            self,
            Reason::NotCeasefireMatter | Reason::NoCategory | Reason::NoCasualties
        )
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A problem with the whole input, which stops the import.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("reading the input: {0}")]
    Io(#[from] std::io::Error),
    #[error("the input is empty: a {0} file starts with a header line")]
    Empty(Format),
    #[error(
        "line {line}: the header lacks the required column{} {} (a {format} file has the columns {format} publishes, by name, in any order)",
        if columns.len() == 1 { "" } else { "s" },
        columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
    )]
    MissingColumns {
        format: Format,
        line: u64,
        columns: Vec<&'static str>,
    },
    #[error("line {line}: the header has column `{column}` twice")]
    DuplicateColumn { line: u64, column: String },
    #[error("line {line}: the header is not UTF-8 text")]
    HeaderNotUtf8 { line: u64 },
    #[error("line {line}: {message}")]
    Json { line: u64, message: String },
}

/// Reads `input` in `format` and calls `f` with each row, in file order,
/// until the input ends or `f` breaks. Errors only for the input as a
/// whole (unreadable, no header, a required column missing, GeoJSON that
/// is not a FeatureCollection); a bad row is a [`Row`] with a [`Skip`].
pub fn read<R: Read>(
    format: Format,
    input: R,
    options: &Options,
    mut f: impl FnMut(Row) -> ControlFlow<()>,
) -> Result<(), ImportError> {
    match format {
        Format::Ucdp => csv_rows(format, input, options, &mut f, ucdp::COLUMNS, ucdp::row),
        Format::Acled => csv_rows(format, input, options, &mut f, acled::COLUMNS, acled::row),
        Format::GeoJson => features::read(input, options, &mut f),
    }
}

/// Reads everything into memory: for tests and small files.
pub fn read_all<R: Read>(
    format: Format,
    input: R,
    options: &Options,
) -> Result<Vec<Row>, ImportError> {
    let mut rows = Vec::new();
    read(format, input, options, |r| {
        rows.push(r);
        ControlFlow::Continue(())
    })?;
    Ok(rows)
}

/// The identity of an imported statement in a log: a 128-bit hash of its
/// dataset, the dataset's event id and its category (one event may give a
/// violation and a casualty count, each imported once).
pub fn dedup_key(dataset: &str, id: &str, category: crate::statement::Category) -> u128 {
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    for part in [dataset, id, category.name()] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    let d = h.finalize();
    u128::from_be_bytes(d[..16].try_into().expect("16 bytes"))
}

/// [`dedup_key`] of an observation with a source; `None` for anything else.
pub fn statement_key(s: &Statement) -> Option<u128> {
    match &s.body {
        crate::statement::Body::Observation(o, _) => o
            .source
            .as_ref()
            .map(|src| dedup_key(&src.dataset, &src.id, o.category)),
        _ => None,
    }
}

// --- CSV -------------------------------------------------------------------

/// A CSV format's columns: (name, required).
type Columns = &'static [(&'static str, bool)];

/// One CSV record with its columns found by name.
pub(crate) struct Record<'a> {
    record: &'a csv::ByteRecord,
    index: &'a [Option<usize>],
    columns: Columns,
}

impl<'a> Record<'a> {
    /// The trimmed value of column `c` (an index into the format's
    /// columns), or `None` when the column is absent or the value empty.
    pub(crate) fn opt(&self, c: usize) -> Result<Option<&'a str>, Skip> {
        let Some(i) = self.index[c] else {
            return Ok(None);
        };
        let bytes = self.record.get(i).unwrap_or_default();
        let s = std::str::from_utf8(bytes).map_err(|_| {
            Skip::new(
                Reason::Malformed,
                format!("`{}` is not UTF-8 text", self.columns[c].0),
            )
        })?;
        let s = s.trim();
        Ok((!s.is_empty()).then_some(s))
    }

    /// The trimmed, non-empty value of column `c`.
    pub(crate) fn get(&self, c: usize) -> Result<&'a str, Skip> {
        self.opt(c)?.ok_or_else(|| {
            Skip::new(
                Reason::MissingValue,
                format!("`{}` is empty", self.columns[c].0),
            )
        })
    }

    pub(crate) fn name(&self, c: usize) -> &'static str {
        self.columns[c].0
    }
}

/// A row mapper: the record, the options, the row's line; its id and outcome.
type RowFn = fn(&Record<'_>, &Options) -> (Option<String>, Result<Vec<Statement>, Skip>);

fn csv_rows<R: Read>(
    format: Format,
    input: R,
    options: &Options,
    f: &mut dyn FnMut(Row) -> ControlFlow<()>,
    columns: Columns,
    row: RowFn,
) -> Result<(), ImportError> {
    let newlines = Rc::new(RefCell::new(Newlines::default()));
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(LineCounter {
            inner: input,
            offset: 0,
            newlines: newlines.clone(),
        });
    let mut rec = csv::ByteRecord::new();
    if !read_record(&mut rdr, &mut rec)? {
        return Err(ImportError::Empty(format));
    }
    let header_line = start_line(&rdr, &rec, &newlines);
    let index = header_index(format, &rec, header_line, columns)?;
    let width = rec.len();
    while read_record(&mut rdr, &mut rec)? {
        let line = start_line(&rdr, &rec, &newlines);
        let r = if rec.len() != width {
            Row {
                line,
                id: None,
                outcome: Err(Skip::new(
                    Reason::Malformed,
                    format!(
                        "{} field{}, but the header has {width}",
                        rec.len(),
                        if rec.len() == 1 { "" } else { "s" }
                    ),
                )),
            }
        } else {
            let record = Record {
                record: &rec,
                index: &index,
                columns,
            };
            let (id, outcome) = row(&record, options);
            Row { line, id, outcome }
        };
        if f(r).is_break() {
            break;
        }
    }
    Ok(())
}

/// The offsets of the line breaks read ahead of the CSV parser, and how
/// many it has gone past.
#[derive(Default)]
struct Newlines {
    ahead: VecDeque<u64>,
    passed: u64,
    last_passed: Option<u64>,
}

/// Notes where the line breaks are as the CSV reader fills its buffer.
/// (csv's own `Position` counts a CRLF's `\n`, and blank lines, towards the
/// next record, so it cannot say where a record starts.)
struct LineCounter<R> {
    inner: R,
    offset: u64,
    newlines: Rc<RefCell<Newlines>>,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut nl = self.newlines.borrow_mut();
        for (i, b) in buf[..n].iter().enumerate() {
            if *b == b'\n' {
                nl.ahead.push_back(self.offset + i as u64);
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// The 1-based line where the record just read starts: the line of its
/// last byte, less the line breaks inside its (quoted) fields.
fn start_line<R: Read>(
    rdr: &csv::Reader<LineCounter<R>>,
    rec: &csv::ByteRecord,
    newlines: &RefCell<Newlines>,
) -> u64 {
    let end = rdr.position().byte();
    let mut nl = newlines.borrow_mut();
    while let Some(&o) = nl.ahead.front() {
        if o >= end {
            break;
        }
        nl.ahead.pop_front();
        nl.passed += 1;
        nl.last_passed = Some(o);
    }
    // A terminating `\n` the parser has consumed is not inside the record.
    let terminator = u64::from(end > 0 && nl.last_passed == Some(end - 1));
    let inside = rec.as_slice().iter().filter(|&&b| b == b'\n').count() as u64;
    (1 + nl.passed - terminator).saturating_sub(inside)
}

/// Reads the next record; I/O errors stop the import, and nothing else can
/// fail with a flexible reader of byte records.
fn read_record<R: Read>(
    rdr: &mut csv::Reader<R>,
    rec: &mut csv::ByteRecord,
) -> Result<bool, ImportError> {
    rdr.read_byte_record(rec).map_err(|e| match e.into_kind() {
        csv::ErrorKind::Io(io) => ImportError::Io(io),
        other => ImportError::Io(std::io::Error::other(format!("{other:?}"))),
    })
}

/// Finds each column by name (trimmed, case-insensitive; a UTF-8 byte
/// order mark is ignored); every missing required one is named at once.
fn header_index(
    format: Format,
    header: &csv::ByteRecord,
    line: u64,
    columns: Columns,
) -> Result<Vec<Option<usize>>, ImportError> {
    let mut index = vec![None; columns.len()];
    let mut seen = std::collections::HashSet::new();
    for (i, raw) in header.iter().enumerate() {
        let raw = if i == 0 {
            raw.strip_prefix(b"\xef\xbb\xbf").unwrap_or(raw)
        } else {
            raw
        };
        let name = std::str::from_utf8(raw)
            .map_err(|_| ImportError::HeaderNotUtf8 { line })?
            .trim()
            .to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        if !seen.insert(name.clone()) {
            return Err(ImportError::DuplicateColumn { line, column: name });
        }
        if let Some(c) = columns.iter().position(|(n, _)| *n == name) {
            index[c] = Some(i);
        }
    }
    let missing: Vec<&'static str> = columns
        .iter()
        .zip(&index)
        .filter(|((_, required), i)| *required && i.is_none())
        .map(|((n, _), _)| *n)
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::MissingColumns {
            format,
            line,
            columns: missing,
        });
    }
    Ok(index)
}

// --- Values ----------------------------------------------------------------

/// A position from latitude and longitude text, in degrees.
pub(crate) fn coordinate(lat: &str, lon: &str) -> Result<(f64, f64), Skip> {
    let num = |s: &str, what: &str, max: f64| -> Result<f64, Skip> {
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() && (-max..=max).contains(&v) => Ok(v),
            Ok(v) if v.is_finite() => Err(Skip::new(
                Reason::BadCoordinate,
                format!("{what} {s} is out of range (-{max} to {max})"),
            )),
            _ => Err(Skip::new(
                Reason::BadCoordinate,
                format!("{what} {s:?} is not a number"),
            )),
        }
    };
    let la = num(lat, "latitude", 90.0)?;
    let lo = num(lon, "longitude", 180.0)?;
    coordinate_value(la, lo)
}

/// Checks a position in degrees (already numbers).
pub(crate) fn coordinate_value(la: f64, lo: f64) -> Result<(f64, f64), Skip> {
    for (v, what, max) in [(la, "latitude", 90.0), (lo, "longitude", 180.0)] {
        if !(v.is_finite() && (-max..=max).contains(&v)) {
            return Err(Skip::new(
                Reason::BadCoordinate,
                format!("{what} {v} is out of range (-{max} to {max})"),
            ));
        }
    }
    if la == 0.0 && lo == 0.0 {
        return Err(Skip::new(
            Reason::BadCoordinate,
            "latitude 0, longitude 0 is a placeholder, not a place",
        ));
    }
    Ok((la, lo))
}

/// A calendar date: `2015-02-15`, with or without a time of day after it
/// (`2015-02-15 00:00:00.000`, as GED's own CSV writes it), `15 February
/// 2015`, `15-02-2015` or `15/02/2015` (day first, as ACLED writes it).
pub(crate) fn date(s: &str, column: &str) -> Result<Date, Skip> {
    let bad = |why: &str| Skip::new(Reason::BadDate, format!("`{column}` {s:?} {why}"));
    let s = s.trim();
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i16> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (y, m, d) = if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        let rest = s.get(10..).unwrap_or("?");
        if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('T')) {
            return Err(bad("is not a date (YYYY-MM-DD)"));
        }
        (num(0..4), num(5..7), num(8..10))
    } else if b.len() == 10 && (b[2] == b'-' || b[2] == b'/') && b[5] == b[2] {
        (num(6..10), num(3..5), num(0..2))
    } else if let Ok(d) = Date::strptime("%d %B %Y", s) {
        return Ok(d);
    } else {
        return Err(bad(
            "is not a date (YYYY-MM-DD, DD-MM-YYYY, DD/MM/YYYY or 15 February 2015)",
        ));
    };
    match (y, m, d) {
        (Some(y), Some(m), Some(d)) => {
            Date::new(y, m as i8, d as i8).map_err(|_| bad("is not a day of the calendar"))
        }
        _ => Err(bad("is not a date")),
    }
}

/// A count: a whole number, also when written `5.0`.
pub(crate) fn count(s: &str, column: &str) -> Result<u32, Skip> {
    if let Ok(n) = s.parse::<u32>() {
        return Ok(n);
    }
    match s.parse::<f64>() {
        Ok(v) if v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v) => Ok(v as u32),
        _ => Err(Skip::new(
            Reason::BadValue,
            format!("`{column}` {s:?} is not a count (a whole number, 0 or more)"),
        )),
    }
}

/// A small numeric code such as a precision level.
/// The location uncertainty, in metres, a dataset's precision code stands
/// for (`table`: code, meaning, metres).
pub(crate) fn precision(
    table: &[(u8, &str, f64)],
    code: u8,
    column: &str,
    known: &str,
) -> Result<f64, Skip> {
    table
        .iter()
        .find(|(c, ..)| *c == code)
        .map(|(_, _, m)| *m)
        .ok_or_else(|| {
            Skip::new(
                Reason::BadValue,
                format!("`{column}` {code} is not one of {known}"),
            )
        })
}

pub(crate) fn code(s: &str, column: &str) -> Result<u8, Skip> {
    count(s, column).and_then(|n| {
        u8::try_from(n).map_err(|_| {
            Skip::new(
                Reason::BadValue,
                format!("`{column}` {s:?} is not one of the dataset's codes"),
            )
        })
    })
}

/// The whole days `first` to `last`, midnight to midnight in the options'
/// time zone.
pub(crate) fn days(options: &Options, first: Date, last: Date) -> Result<Interval, Skip> {
    if last < first {
        return Err(Skip::new(
            Reason::BadDate,
            format!("the event ends ({last}) before it starts ({first})"),
        ));
    }
    let at = |d: Date| -> Result<Time, Skip> {
        d.to_zoned_datetime(options.timezone.clone())
            .map(|z| Time(z.timestamp()))
            .map_err(|e| Skip::new(Reason::BadDate, format!("{d}: {e}")))
    };
    let end = last
        .tomorrow()
        .map_err(|e| Skip::new(Reason::BadDate, format!("{last}: {e}")))?;
    Ok(Interval {
        from: at(first)?,
        to: Some(at(end)?),
    })
}

/// The longest identifier or reference kept, in bytes: real ones are a few
/// dozen; a longer one is a wrong column.
pub const MAX_ID_BYTES: usize = 256;

/// Notes made from a row's text are cut to this many characters, so that
/// every statement of a CSV row fits in a log entry with room to spare.
pub const MAX_NOTE_CHARS: usize = 400;

/// The longest statement text an importer gives, leaving room in a log
/// entry (65,535 bytes) for signature lines.
pub const MAX_STATEMENT_BYTES: usize = tlog_core::MAX_ENTRY_SIZE - 1024;

/// An identifier or reference, checked for length.
pub(crate) fn ident<'a>(s: &'a str, what: &str) -> Result<&'a str, Skip> {
    if s.len() > MAX_ID_BYTES {
        return Err(Skip::new(
            Reason::BadValue,
            format!(
                "`{what}` is {} bytes long; an identifier is at most {MAX_ID_BYTES}",
                s.len()
            ),
        ));
    }
    Ok(s)
}

/// A note, cut to [`MAX_NOTE_CHARS`].
pub(crate) fn note(s: String) -> String {
    match s.char_indices().nth(MAX_NOTE_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

/// Distinct non-empty items of a `;`-separated list of sources.
pub(crate) fn distinct_sources(list: &str) -> usize {
    let mut seen: Vec<&str> = list
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

// --- Statements ------------------------------------------------------------

/// What every statement of one event shares.
pub(crate) struct Event {
    pub observed: Interval,
    pub position: Position,
    pub source: Source,
    pub reference: Option<String>,
    pub note: Option<String>,
}

impl Event {
    /// The observation statement of one category, checked. `issued_at` is
    /// the end of the observed period: when the event was over and could
    /// be reported, and the same however often it is imported.
    pub(crate) fn statement(&self, options: &Options, details: Details) -> Result<Statement, Skip> {
        let (category, value) = details_value(&details);
        let o = Observation {
            category,
            observed: self.observed.clone(),
            position: self.position.clone(),
            observer: None,
            sensor: Sensor::OpenSource,
            details: value,
            evidence: Vec::new(),
            assessment: None,
            source: Some(self.source.clone()),
            reference: self.reference.clone(),
            note: self.note.clone(),
        };
        let s = Statement {
            agreement: options.agreement,
            issued_at: self.observed.to.unwrap_or(self.observed.from),
            body: crate::statement::Body::Observation(Box::new(o), details),
        };
        s.check()
            .map_err(|e| Skip::new(Reason::InvalidObservation, e.to_string()))?;
        Ok(s)
    }
}

fn details_value(d: &Details) -> (crate::statement::Category, Value) {
    use crate::statement::Category as C;
    fn v<T: serde::Serialize>(t: &T) -> Value {
        serde_json::to_value(t).expect("details serialise")
    }
    match d {
        Details::CeasefireViolation(x) => (C::CeasefireViolation, v(x)),
        Details::WeaponSighting(x) => (C::WeaponSighting, v(x)),
        Details::TroopMovement(x) => (C::TroopMovement, v(x)),
        Details::FreedomOfMovement(x) => (C::FreedomOfMovement, v(x)),
        Details::CivilianCasualties(x) => (C::CivilianCasualties, v(x)),
        Details::InfrastructureDamage(x) => (C::InfrastructureDamage, v(x)),
        Details::CrossingStatus(x) => (C::CrossingStatus, v(x)),
        Details::DisengagementPresence(x) => (C::DisengagementPresence, v(x)),
        Details::WithdrawalVerified(x) => (C::WithdrawalVerified, v(x)),
        Details::PrisonerExchange(x) => (C::PrisonerExchange, v(x)),
        Details::Handover(x) => (C::Handover, v(x)),
        Details::DisplacedReturn(x) => (C::DisplacedReturn, v(x)),
        Details::RemainsExchange(x) => (C::RemainsExchange, v(x)),
        Details::ForcePresence(x) => (C::ForcePresence, v(x)),
        Details::RouteStatus(x) => (C::RouteStatus, v(x)),
        Details::MinesUxo(x) => (C::MinesUxo, v(x)),
        Details::LocalisedCeasefire(x) => (C::LocalisedCeasefire, v(x)),
        Details::StorageVisit(x) => (C::StorageVisit, v(x)),
    }
}

/// One ceasefire-violation event of a type, counted once.
pub(crate) fn violation(kind: crate::statement::ViolationType) -> Details {
    Details::CeasefireViolation(CeasefireViolation {
        events: vec![crate::statement::ViolationEvent {
            type_: kind,
            count: 1,
            weapon_class: None,
            weapon: None,
            bearing_deg: None,
            distance_km: None,
            direction: None,
        }],
    })
}

/// Deaths of civilians; the datasets count no injuries, so `injured` is 0.
pub(crate) fn casualties(killed: u32, cause: Option<crate::statement::Cause>) -> Details {
    Details::CivilianCasualties(CivilianCasualties {
        killed,
        injured: 0,
        cause,
    })
}

pub(crate) fn troop_movement() -> Details {
    Details::TroopMovement(TroopMovement {
        unit: None,
        personnel: None,
        vehicles: None,
        heading_deg: None,
    })
}

/// The credibility rule shared by the CSV datasets: several distinct
/// sources make an event confirmed, one makes it probable.
pub(crate) fn credibility_from_sources(distinct: usize) -> Credibility {
    if distinct >= 2 {
        Credibility::Confirmed
    } else {
        Credibility::Probable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(u64, Option<String>)> {
        let opts = Options::new(Digest([0; 32]));
        read_all(Format::Ucdp, text.as_bytes(), &opts)
            .unwrap()
            .into_iter()
            .map(|r| (r.line, r.id))
            .collect()
    }

    const H: &str = "id,type_of_violence,latitude,longitude,where_prec,date_start,date_end,deaths_civilians,event_clarity";

    #[test]
    fn lines_with_crlf_and_blank_lines() {
        let row = |id: u32| format!("{id},1,48.0,37.8,1,2015-02-15,2015-02-15,0,1");
        let crlf = format!("{H}\r\n{}\r\n{}\r\n", row(1), row(2));
        assert_eq!(
            lines(&crlf),
            vec![(2, Some("1".into())), (3, Some("2".into()))]
        );
        let blank = format!("{H}\n\n{}\n\n\n{}\n", row(1), row(2));
        assert_eq!(
            lines(&blank),
            vec![(3, Some("1".into())), (6, Some("2".into()))]
        );
        let quoted = format!(
            "{H}\n{}\n\"3\",1,48.0,37.8,1,\"2015-02-15\n\",2015-02-15,0,1\n{}\n",
            row(1),
            row(2)
        );
        assert_eq!(
            lines(&quoted).iter().map(|l| l.0).collect::<Vec<_>>(),
            vec![2, 3, 5]
        );
    }
}
