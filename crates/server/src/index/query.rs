//! Queries over observations: filters from URL query parameters, results
//! in log order, a page at a time behind an opaque cursor.
//!
//! The SQL is put together from fixed fragments only, one per filter
//! given; every value is a bound parameter.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use accord::statement::Category;

use super::db::{OBSERVATION_COLUMNS, Val};
use super::render::Format;
use super::rows::{ObservationRow, Standing};

/// Rows per page when the query does not say.
pub const DEFAULT_LIMIT: u32 = 100;
/// The most rows a page may ask for.
pub const MAX_LIMIT: u32 = 1000;

/// Which observations, and which page of them. Every filter given must
/// hold; none given, every observation.
#[derive(Clone, Debug, PartialEq)]
pub struct ObservationQuery {
    /// Observed at or after (`from`), and before (`to`): Unix seconds.
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// In this zone of the agreement.
    pub zone: Option<String>,
    pub category: Option<Category>,
    /// The party held responsible.
    pub party: Option<String>,
    /// The reporting organisation.
    pub reporter: Option<String>,
    /// Counts as verified (see [`ObservationRow::verified`]), or not.
    pub verified: Option<bool>,
    pub standing: Option<Standing>,
    /// West, south, east, north, in degrees; west greater than east is a
    /// box across the antimeridian.
    pub bbox: Option<[f64; 4]>,
    pub limit: u32,
    /// After this log index (from a cursor).
    pub after: Option<u64>,
    /// The format asked for, if the parameters name one (the server may
    /// take it from `Accept` instead).
    pub format: Option<Format>,
}

impl Default for ObservationQuery {
    fn default() -> Self {
        ObservationQuery {
            from: None,
            to: None,
            zone: None,
            category: None,
            party: None,
            reporter: None,
            verified: None,
            standing: None,
            bbox: None,
            limit: DEFAULT_LIMIT,
            after: None,
            format: None,
        }
    }
}

/// A query parameter that cannot be used: which, and what it may be.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("query parameter `{parameter}`: {message}")]
pub struct QueryError {
    pub parameter: String,
    pub message: String,
}

impl QueryError {
    fn new(parameter: &str, message: impl Into<String>) -> QueryError {
        QueryError {
            parameter: parameter.to_string(),
            message: message.into(),
        }
    }
}

/// The parameters a query takes, for messages.
pub const PARAMETERS: &[&str] = &[
    "from", "to", "zone", "category", "party", "reporter", "verified", "standing", "bbox", "limit",
    "cursor", "format",
];

impl ObservationQuery {
    /// Parses URL query pairs (already percent-decoded). Each parameter at
    /// most once; an unknown one is an error, so that a misspelt filter
    /// does not silently return everything.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<ObservationQuery, QueryError> {
        let mut q = ObservationQuery::default();
        let mut seen: Vec<&str> = Vec::new();
        for (k, v) in pairs {
            let k = k.as_str();
            if !PARAMETERS.contains(&k) {
                return Err(QueryError::new(
                    k,
                    format!("unknown; the parameters are {}", PARAMETERS.join(", ")),
                ));
            }
            if seen.contains(&k) {
                return Err(QueryError::new(k, "given twice; give it once"));
            }
            seen.push(k);
            match k {
                "from" => q.from = Some(time(k, v)?),
                "to" => q.to = Some(time(k, v)?),
                "zone" => q.zone = Some(name(k, v)?),
                "party" => q.party = Some(name(k, v)?),
                "reporter" => q.reporter = Some(name(k, v)?),
                "category" => {
                    q.category = Some(
                        Category::ALL
                            .into_iter()
                            .find(|c| c.name() == v)
                            .ok_or_else(|| {
                                let names: Vec<&str> =
                                    Category::ALL.iter().map(|c| c.name()).collect();
                                QueryError::new(
                                    k,
                                    format!("{v:?} is not a category; one of {}", names.join(", ")),
                                )
                            })?,
                    )
                }
                "verified" => {
                    q.verified = Some(match v.as_str() {
                        "true" => true,
                        "false" => false,
                        _ => return Err(QueryError::new(k, format!("{v:?}: true or false"))),
                    })
                }
                "standing" => {
                    q.standing = Some(Standing::from_name(v).ok_or_else(|| {
                        QueryError::new(
                            k,
                            format!("{v:?}: one of reported, verified, disputed, withdrawn"),
                        )
                    })?)
                }
                "bbox" => q.bbox = Some(bbox(v)?),
                "limit" => {
                    let n: u32 = v.parse().map_err(|_| {
                        QueryError::new(k, format!("{v:?}: a number of rows, 1 to {MAX_LIMIT}"))
                    })?;
                    if !(1..=MAX_LIMIT).contains(&n) {
                        return Err(QueryError::new(
                            k,
                            format!(
                                "{n} rows: a page holds 1 to {MAX_LIMIT}; follow `next` for more"
                            ),
                        ));
                    }
                    q.limit = n;
                }
                "cursor" => q.after = Some(decode_cursor(v)?),
                "format" => {
                    q.format = Some(Format::from_name(v).ok_or_else(|| {
                        QueryError::new(k, format!("{v:?}: one of json, jsonl, csv, geojson"))
                    })?)
                }
                _ => unreachable!("every parameter of PARAMETERS is matched"),
            }
        }
        if let (Some(f), Some(t)) = (q.from, q.to)
            && f > t
        {
            return Err(QueryError::new(
                "to",
                "before `from`: the range is from `from` (included) to `to` (excluded)",
            ));
        }
        Ok(q)
    }

    /// The SQL and its parameters: a page and one row more (to know
    /// whether there is a next page).
    pub(super) fn sql(&self) -> (String, Vec<Val>) {
        let mut w = Where::default();
        w.add(
            "idx > ",
            Val::Int(Some(self.after.map_or(-1, |a| a as i64))),
            "",
        );
        self.filters(&mut w);
        let limit = w.param(Val::Int(Some(i64::from(self.limit) + 1)));
        let sql = format!(
            "SELECT {OBSERVATION_COLUMNS} FROM observations WHERE {} ORDER BY idx LIMIT {limit}",
            w.clauses.join(" AND ")
        );
        (sql, w.params)
    }

    /// The SQL counting every observation that passes the filters (the
    /// cursor and limit aside).
    pub(super) fn count_sql(&self) -> (String, Vec<Val>) {
        let mut w = Where::default();
        w.clauses.push("TRUE".into());
        self.filters(&mut w);
        let sql = format!(
            "SELECT COUNT(*) FROM observations WHERE {}",
            w.clauses.join(" AND ")
        );
        (sql, w.params)
    }

    fn filters(&self, w: &mut Where) {
        if let Some(t) = self.from {
            w.add("observed >= ", Val::Int(Some(t)), "");
        }
        if let Some(t) = self.to {
            w.add("observed < ", Val::Int(Some(t)), "");
        }
        if let Some(z) = &self.zone {
            w.add(
                "idx IN (SELECT idx FROM observation_zones WHERE zone = ",
                Val::text(z),
                ")",
            );
        }
        if let Some(c) = self.category {
            w.add("category = ", Val::text(c.name()), "");
        }
        if let Some(p) = &self.party {
            w.add("responsible = ", Val::text(p), "");
        }
        if let Some(r) = &self.reporter {
            w.add("reporter = ", Val::text(r), "");
        }
        if let Some(v) = self.verified {
            w.add("verified = ", Val::Bool(v), "");
        }
        if let Some(s) = self.standing {
            w.add("standing = ", Val::text(s.name()), "");
        }
        if let Some([west, south, east, north]) = self.bbox {
            w.add("lat >= ", Val::Real(south), "");
            w.add("lat <= ", Val::Real(north), "");
            if west <= east {
                w.add("lon >= ", Val::Real(west), "");
                w.add("lon <= ", Val::Real(east), "");
            } else {
                let (a, b) = (w.param(Val::Real(west)), w.param(Val::Real(east)));
                w.clauses.push(format!("(lon >= {a} OR lon <= {b})"));
            }
        }
    }
}

/// `WHERE` clauses from fixed fragments, with numbered parameters (`$1`:
/// PostgreSQL's form, which SQLite reads too, numbering them in order of
/// first appearance, which is their order here).
#[derive(Default)]
struct Where {
    clauses: Vec<String>,
    params: Vec<Val>,
}

impl Where {
    fn param(&mut self, v: Val) -> String {
        self.params.push(v);
        format!("${}", self.params.len())
    }

    fn add(&mut self, before: &'static str, v: Val, after: &'static str) {
        let p = self.param(v);
        self.clauses.push(format!("{before}{p}{after}"));
    }
}

/// A page of observations, and the cursor of the next page if there is one.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    pub rows: Vec<ObservationRow>,
    pub next_cursor: Option<String>,
}

impl Page {
    /// A page of `limit` rows from `rows`, which holds one more when there
    /// is a next page.
    pub(super) fn of(mut rows: Vec<ObservationRow>, limit: usize) -> Page {
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next_cursor = match (more, rows.last()) {
            (true, Some(last)) => Some(encode_cursor(last.index)),
            _ => None,
        };
        Page { rows, next_cursor }
    }
}

/// A cursor: the last log index of the page, as URL-safe base64 of its 8
/// bytes. Opaque to users; stable, since log indices never change.
pub fn encode_cursor(index: u64) -> String {
    URL_SAFE_NO_PAD.encode(index.to_be_bytes())
}

fn decode_cursor(v: &str) -> Result<u64, QueryError> {
    let bad = || {
        QueryError::new(
            "cursor",
            "not a cursor this server gave: pass `next` as it was",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(v).map_err(|_| bad())?;
    let bytes: [u8; 8] = bytes.try_into().map_err(|_| bad())?;
    let index = u64::from_be_bytes(bytes);
    if index > i64::MAX as u64 {
        return Err(bad());
    }
    Ok(index)
}

fn time(k: &str, v: &str) -> Result<i64, QueryError> {
    let t: jiff::Timestamp = v.parse().map_err(|e| {
        QueryError::new(
            k,
            format!("{v:?} is not an RFC 3339 time, as 2026-03-01T04:30:00Z: {e}"),
        )
    })?;
    Ok(t.as_second())
}

fn name(k: &str, v: &str) -> Result<String, QueryError> {
    if v.is_empty() {
        return Err(QueryError::new(
            k,
            "empty; leave the parameter out to match any",
        ));
    }
    Ok(v.to_string())
}

fn bbox(v: &str) -> Result<[f64; 4], QueryError> {
    let bad = |why: &str| {
        QueryError::new(
            "bbox",
            format!("{v:?}: {why}; give west,south,east,north in degrees, as 37.5,47.8,38.2,48.3"),
        )
    };
    let parts: Vec<&str> = v.split(',').collect();
    let [w, s, e, n] = parts[..] else {
        return Err(bad("four numbers"));
    };
    let mut out = [0.0; 4];
    for (o, p) in out.iter_mut().zip([w, s, e, n]) {
        *o = p
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| bad("not a number"))?;
    }
    let [w, s, e, n] = out;
    if !(-180.0..=180.0).contains(&w) || !(-180.0..=180.0).contains(&e) {
        return Err(bad("longitudes are from -180 to 180"));
    }
    if !(-90.0..=90.0).contains(&s) || !(-90.0..=90.0).contains(&n) {
        return Err(bad("latitudes are from -90 to 90"));
    }
    if s > n {
        return Err(bad("south is north of north"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<ObservationQuery, QueryError> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ObservationQuery::from_pairs(&pairs)
    }

    #[test]
    fn parameters_parse() {
        let q = parse(&[
            ("from", "2026-03-01T00:00:00Z"),
            ("to", "2026-03-02T00:00:00+01:00"),
            ("category", "ceasefire_violation"),
            ("verified", "true"),
            ("standing", "disputed"),
            ("bbox", "37.5,47.8,38.2,48.3"),
            ("limit", "1000"),
            ("cursor", &encode_cursor(41)),
            ("format", "geojson"),
        ])
        .unwrap();
        assert_eq!(q.from, Some(1_772_323_200));
        assert_eq!(q.to, Some(1_772_323_200 + 23 * 3600));
        assert_eq!(q.category, Some(Category::CeasefireViolation));
        assert_eq!(q.bbox, Some([37.5, 47.8, 38.2, 48.3]));
        assert_eq!((q.limit, q.after), (1000, Some(41)));
        assert_eq!(q.format, Some(Format::GeoJson));
    }

    #[test]
    fn bad_parameters_say_what_is_allowed() {
        for (pairs, parameter, says) in [
            (&[("limit", "1001")][..], "limit", "1 to 1000"),
            (&[("limit", "0")][..], "limit", "1 to 1000"),
            (&[("limit", "ten")][..], "limit", "a number"),
            (
                &[("colour", "red")][..],
                "colour",
                "the parameters are from, to",
            ),
            (&[("zone", "a"), ("zone", "b")][..], "zone", "given twice"),
            (
                &[("category", "shelling")][..],
                "category",
                "ceasefire_violation",
            ),
            (&[("verified", "yes")][..], "verified", "true or false"),
            (
                &[("standing", "kept")][..],
                "standing",
                "reported, verified",
            ),
            (&[("bbox", "1,2,3")][..], "bbox", "four numbers"),
            (&[("bbox", "1,2,3,x")][..], "bbox", "not a number"),
            (&[("bbox", "1,50,3,40")][..], "bbox", "south"),
            (&[("bbox", "1,2,300,4")][..], "bbox", "-180 to 180"),
            (&[("from", "yesterday")][..], "from", "RFC 3339"),
            (
                &[
                    ("from", "2026-03-02T00:00:00Z"),
                    ("to", "2026-03-01T00:00:00Z"),
                ][..],
                "to",
                "before",
            ),
            (&[("cursor", "%%%")][..], "cursor", "pass `next`"),
            (&[("cursor", "AAAA")][..], "cursor", "pass `next`"),
            (&[("format", "xml")][..], "format", "geojson"),
            (&[("party", "")][..], "party", "empty"),
        ] {
            let e = parse(pairs).unwrap_err();
            assert_eq!(e.parameter, parameter, "{pairs:?}");
            assert!(e.to_string().contains(says), "{pairs:?}: {e}");
        }
    }

    #[test]
    fn cursors_round_trip() {
        for i in [0, 1, 255, 1 << 40, i64::MAX as u64] {
            assert_eq!(decode_cursor(&encode_cursor(i)), Ok(i));
        }
    }

    #[test]
    fn values_are_parameters_never_sql() {
        let q = parse(&[("zone", "x' OR 1=1 --"), ("bbox", "170,-10,-170,10")]).unwrap();
        let (sql, params) = q.sql();
        assert!(!sql.contains("OR 1=1"), "{sql}");
        assert!(sql.contains("(lon >= $5 OR lon <= $6)"), "{sql}");
        assert!(sql.ends_with("ORDER BY idx LIMIT $7"), "{sql}");
        assert_eq!(params.len(), 7);
    }
}
