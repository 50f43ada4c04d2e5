//! GeoJSON: a FeatureCollection of Point features, one observation each.
//! Read as a stream (one feature in memory at a time), with the line where
//! each feature starts.
//!
//! Properties: `id` (or the feature's own `id`), `category`, the time as
//! `date` (a calendar day, `date_end` optional) or `observed_at` (RFC 3339,
//! `observed_to` optional), and optionally `details`, `uncertainty_m`,
//! `credibility`, `attribution`, `reference`, `note`. The dataset is the
//! collection's `name` (before its `features`) or [`Options::dataset`].

use std::cell::Cell;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::ops::ControlFlow;
use std::rc::Rc;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value, json};

use super::{ImportError, Options, Reason, Row, Skip, date, days};
use crate::statement::{Category, Statement, Time};

/// Default position uncertainty when a feature gives none, in metres.
pub const DEFAULT_UNCERTAINTY_M: f64 = 1_000.0;

/// Where the reader is, shared between the byte counter and the visitors.
#[derive(Default)]
struct Place {
    /// 1 + the line breaks read so far.
    line: Cell<u64>,
    /// Set to record the line of the next byte that starts a value.
    armed: Cell<bool>,
    /// The line recorded once armed.
    start: Cell<u64>,
}

/// Counts lines as serde_json takes bytes (it reads them one at a time
/// from a buffered reader and looks ahead by one byte only, so the count
/// is exact at the end of each value).
struct Counter<R> {
    inner: BufReader<R>,
    place: Rc<Place>,
}

impl<R: Read> Read for Counter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let avail = self.inner.fill_buf()?;
            let n = avail.len().min(buf.len());
            buf[..n].copy_from_slice(&avail[..n]);
            n
        };
        self.inner.consume(n);
        let p = &self.place;
        for &b in &buf[..n] {
            if p.armed.get() && !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b',') {
                p.start.set(p.line.get());
                p.armed.set(false);
            }
            if b == b'\n' {
                p.line.set(p.line.get() + 1);
            }
        }
        Ok(n)
    }
}

struct State<'a> {
    options: &'a Options,
    f: &'a mut dyn FnMut(Row) -> ControlFlow<()>,
    place: Rc<Place>,
    dataset: Option<String>,
    kind: Option<String>,
    saw_features: bool,
    stopped: bool,
}

pub(super) fn read<R: Read>(
    input: R,
    options: &Options,
    f: &mut dyn FnMut(Row) -> ControlFlow<()>,
) -> Result<(), ImportError> {
    let place = Rc::new(Place::default());
    place.line.set(1);
    let counter = Counter {
        inner: BufReader::with_capacity(1 << 16, input),
        place: place.clone(),
    };
    let mut state = State {
        options,
        f,
        place: place.clone(),
        dataset: options.dataset.clone(),
        kind: None,
        saw_features: false,
        stopped: false,
    };
    let mut de = serde_json::Deserializer::from_reader(counter);
    let result =
        de::Deserializer::deserialize_map(&mut de, Collection(&mut state)).and_then(|()| de.end());
    if state.stopped {
        return Ok(());
    }
    result.map_err(|e| {
        if e.is_io() {
            ImportError::Io(std::io::Error::other(e.to_string()))
        } else {
            ImportError::Json {
                line: e.line() as u64,
                message: format!("not a GeoJSON FeatureCollection: {e}"),
            }
        }
    })?;
    match state.kind.as_deref() {
        Some("FeatureCollection") => {}
        Some(other) => {
            return Err(ImportError::Json {
                line: 1,
                message: format!("the GeoJSON is a {other}, not a FeatureCollection"),
            });
        }
        None => {
            return Err(ImportError::Json {
                line: 1,
                message: "the GeoJSON object has no `type` (a FeatureCollection is expected)"
                    .into(),
            });
        }
    }
    if !state.saw_features {
        return Err(ImportError::Json {
            line: 1,
            message: "the FeatureCollection has no `features`".into(),
        });
    }
    Ok(())
}

struct Collection<'s, 'a>(&'s mut State<'a>);

impl<'de> Visitor<'de> for Collection<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON FeatureCollection object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => self.0.kind = Some(map.next_value::<String>()?),
                "name" => {
                    let name: Value = map.next_value()?;
                    if self.0.dataset.is_none()
                        && let Value::String(s) = name
                    {
                        self.0.dataset = Some(s);
                    }
                }
                "features" => {
                    self.0.saw_features = true;
                    map.next_value_seed(Features(&mut *self.0))?;
                    if self.0.stopped {
                        return Err(de::Error::custom("stopped"));
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct Features<'s, 'a>(&'s mut State<'a>);

impl<'de> DeserializeSeed<'de> for Features<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Features<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of features")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let st = self.0;
        loop {
            st.place.armed.set(true);
            let Some(feature) = seq.next_element::<Value>()? else {
                return Ok(());
            };
            let line = st.place.start.get();
            let Some(dataset) = st.dataset.clone() else {
                return Err(de::Error::custom(
                    "the FeatureCollection names no dataset: give it a `name` before its \
                     `features`, or give the dataset's name (--dataset)",
                ));
            };
            let row = feature_row(feature, line, &dataset, st.options);
            if (st.f)(row).is_break() {
                st.stopped = true;
                return Err(de::Error::custom("stopped"));
            }
        }
    }
}

fn skip(reason: Reason, message: impl Into<String>) -> Skip {
    Skip::new(reason, message)
}

fn feature_row(feature: Value, line: u64, dataset: &str, options: &Options) -> Row {
    let mut id = None;
    let outcome = feature_statement(feature, dataset, options, &mut id).map(|s| vec![s]);
    Row { line, id, outcome }
}

fn feature_statement(
    feature: Value,
    dataset: &str,
    options: &Options,
    id_out: &mut Option<String>,
) -> Result<Statement, Skip> {
    let Value::Object(mut feature) = feature else {
        return Err(skip(Reason::Malformed, "a feature is a JSON object"));
    };
    if feature.get("type").and_then(Value::as_str) != Some("Feature") {
        return Err(skip(
            Reason::Malformed,
            "not a Feature (`type` is not \"Feature\")",
        ));
    }
    let mut props = match feature.remove("properties") {
        Some(Value::Object(p)) => p,
        Some(Value::Null) | None => Map::new(),
        Some(_) => return Err(skip(Reason::Malformed, "`properties` is not an object")),
    };
    let id = match props.remove("id").or_else(|| feature.remove("id")) {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(skip(Reason::MissingValue, "the feature has no `id`")),
    };
    *id_out = Some(id.clone());
    super::ident(&id, "id")?;

    let (lon, lat) = point(feature.get("geometry"))?;
    let category = match props.remove("category") {
        Some(Value::String(c)) => Category::from_name(&c).ok_or_else(|| {
            let names: Vec<&str> = Category::ALL.iter().map(|c| c.name()).collect();
            skip(
                Reason::UnknownType,
                format!("`category` {c:?} is not one of: {}", names.join(", ")),
            )
        })?,
        _ => return Err(skip(Reason::MissingValue, "the feature has no `category`")),
    };
    let observed = when(&props, options)?;
    let details = match props.remove("details") {
        Some(Value::Object(d)) => Value::Object(d),
        None | Some(Value::Null) if category == Category::CeasefireViolation => {
            json!({"events": [{"type": "undetermined", "count": 1}]})
        }
        None | Some(Value::Null) => json!({}),
        Some(_) => {
            return Err(skip(
                Reason::InvalidObservation,
                "`details` is not an object",
            ));
        }
    };
    let uncertainty_m = match props.get("uncertainty_m") {
        None | Some(Value::Null) => DEFAULT_UNCERTAINTY_M,
        Some(Value::Number(n)) => n.as_f64().unwrap_or(-1.0),
        Some(_) => -1.0,
    };
    if !(uncertainty_m.is_finite() && uncertainty_m >= 0.0) {
        return Err(skip(
            Reason::BadValue,
            "`uncertainty_m` is not a distance in metres (0 or more)",
        ));
    }
    let text = |k: &str| -> Result<Option<String>, Skip> {
        match props.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(skip(Reason::BadValue, format!("`{k}` is not text"))),
        }
    };
    let credibility = text("credibility")?.unwrap_or_else(|| "possible".into());
    let mut source = json!({"dataset": dataset, "id": id, "credibility": credibility});
    if let Some(a) = text("attribution")? {
        source["attribution"] = json!(a);
    }
    let mut body = json!({
        "category": category,
        "observed": observed,
        "position": {"lon": lon, "lat": lat, "uncertainty_m": uncertainty_m},
        "sensor": "open_source",
        "details": details,
        "source": source,
    });
    for k in ["reference", "note"] {
        if let Some(v) = text(k)? {
            body[k] = json!(v);
        }
    }
    let issued_at = observed.to.unwrap_or(observed.from);
    let value = json!({
        "v": crate::statement::FORMAT,
        "kind": "observation",
        "agreement": options.agreement,
        "issued_at": issued_at,
        "body": body,
    });
    let s = Statement::from_value(value)
        .map_err(|e| skip(Reason::InvalidObservation, e.to_string()))?;
    let size = s.canonical().len();
    if size > super::MAX_STATEMENT_BYTES {
        return Err(skip(
            Reason::InvalidObservation,
            format!(
                "the statement would be {size} bytes; with its signature it must fit in a log entry (at most {} bytes before signing)",
                super::MAX_STATEMENT_BYTES
            ),
        ));
    }
    Ok(s)
}

fn point(geometry: Option<&Value>) -> Result<(f64, f64), Skip> {
    let g = geometry
        .and_then(Value::as_object)
        .ok_or_else(|| skip(Reason::Malformed, "the feature has no geometry"))?;
    match g.get("type").and_then(Value::as_str) {
        Some("Point") => {}
        Some(t) => {
            return Err(skip(
                Reason::Malformed,
                format!("the geometry is a {t}, not a Point"),
            ));
        }
        None => return Err(skip(Reason::Malformed, "the geometry has no `type`")),
    }
    let c = g
        .get("coordinates")
        .and_then(Value::as_array)
        .filter(|c| c.len() == 2 || c.len() == 3)
        .ok_or_else(|| {
            skip(
                Reason::BadCoordinate,
                "a Point's `coordinates` are [longitude, latitude]",
            )
        })?;
    let (Some(lon), Some(lat)) = (c[0].as_f64(), c[1].as_f64()) else {
        return Err(skip(
            Reason::BadCoordinate,
            "the coordinates are not numbers",
        ));
    };
    let (lat, lon) = super::coordinate_value(lat, lon)?;
    Ok((lon, lat))
}

/// The observed period: `observed_at` (and `observed_to`) instants, or
/// `date` (and `date_end`) whole days in the options' time zone.
fn when(props: &Map<String, Value>, options: &Options) -> Result<crate::statement::Interval, Skip> {
    let s = |k: &str| -> Result<Option<&str>, Skip> {
        match props.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(skip(Reason::BadDate, format!("`{k}` is not text"))),
        }
    };
    if let Some(at) = s("observed_at")? {
        let instant = |k: &str, v: &str| -> Result<Time, Skip> {
            let t: jiff::Timestamp = v.parse().map_err(|e| {
                skip(
                    Reason::BadDate,
                    format!("`{k}` {v:?} is not an RFC 3339 time: {e}"),
                )
            })?;
            Ok(Time(
                jiff::Timestamp::from_second(t.as_second()).expect("in range"),
            ))
        };
        let from = instant("observed_at", at)?;
        let to = s("observed_to")?
            .map(|v| instant("observed_to", v))
            .transpose()?;
        if let Some(t) = to
            && t < from
        {
            return Err(skip(
                Reason::BadDate,
                "`observed_to` is before `observed_at`",
            ));
        }
        return Ok(crate::statement::Interval { from, to });
    }
    let Some(first) = s("date")? else {
        return Err(skip(
            Reason::MissingValue,
            "the feature has neither `date` nor `observed_at`",
        ));
    };
    let first = date(first, "date")?;
    let last = match s("date_end")? {
        Some(e) => date(e, "date_end")?,
        None => first,
    };
    days(options, first, last)
}
