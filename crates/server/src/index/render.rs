//! A page of observations as JSON, JSON Lines, CSV or GeoJSON.
//!
//! JSON and GeoJSON carry the next page's cursor in the body (`next`);
//! JSON Lines and CSV are rows only, so the server gives the cursor in a
//! header (a `Link` with `rel="next"`).

use serde_json::{Map, Value, json};

use super::query::Page;
use super::rows::ObservationRow;

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `{"observations": [...], "next": cursor or null}`
    Json,
    /// One row per line, as JSON.
    JsonLines,
    /// A header row, then one row per observation; lists are joined with
    /// `;`, events are JSON.
    Csv,
    /// A FeatureCollection of Points, each with the row as its properties,
    /// and `next`.
    GeoJson,
}

/// The CSV columns, in order.
pub const CSV_COLUMNS: &[&str] = &[
    "index",
    "digest",
    "category",
    "observed",
    "issued",
    "period",
    "lon",
    "lat",
    "zones",
    "controlled_by",
    "responsible",
    "confidence",
    "attribution",
    "reporter",
    "organisations",
    "sensor",
    "evidence",
    "standing",
    "verified",
    "verified_at",
    "dispute_until",
    "disputed_by",
    "dissent",
    "weapon_class",
    "events",
];

impl Format {
    pub const ALL: [Format; 4] = [
        Format::Json,
        Format::JsonLines,
        Format::Csv,
        Format::GeoJson,
    ];

    /// `json`, `jsonl`, `csv` or `geojson`.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::JsonLines => "jsonl",
            Format::Csv => "csv",
            Format::GeoJson => "geojson",
        }
    }

    /// The `Content-Type` of a body in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::JsonLines => "application/jsonl",
            Format::Csv => "text/csv; charset=utf-8; header=present",
            Format::GeoJson => "application/geo+json",
        }
    }
}

/// A page in a format.
pub fn render(page: &Page, format: Format) -> Vec<u8> {
    match format {
        Format::Json => {
            let v = json!({"observations": page.rows, "next": page.next_cursor});
            serde_json::to_vec(&v).expect("rows serialise")
        }
        Format::JsonLines => {
            let mut out = Vec::new();
            for r in &page.rows {
                serde_json::to_writer(&mut out, r).expect("rows serialise");
                out.push(b'\n');
            }
            out
        }
        Format::Csv => csv(&page.rows),
        Format::GeoJson => {
            let features: Vec<geojson::Feature> = page.rows.iter().map(feature).collect();
            let mut foreign = Map::new();
            foreign.insert(
                "next".into(),
                page.next_cursor.clone().map_or(Value::Null, Value::String),
            );
            let fc = geojson::FeatureCollection {
                bbox: None,
                features,
                foreign_members: Some(foreign),
            };
            serde_json::to_vec(&fc).expect("features serialise")
        }
    }
}

fn feature(r: &ObservationRow) -> geojson::Feature {
    let properties = match serde_json::to_value(r).expect("rows serialise") {
        Value::Object(m) => m,
        _ => unreachable!("a row serialises as an object"),
    };
    geojson::Feature {
        bbox: None,
        geometry: Some(geojson::Geometry::new_point([r.lon, r.lat])),
        id: Some(geojson::feature::Id::Number(r.index.into())),
        properties: Some(properties),
        foreign_members: None,
    }
}

fn csv(rows: &[ObservationRow]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_COLUMNS).expect("writes to memory");
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let name = |v: Value| match v {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    };
    for r in rows {
        let record = [
            r.index.to_string(),
            r.digest.to_string(),
            r.category.name().to_string(),
            r.observed.to_string(),
            r.issued.to_string(),
            r.period.clone(),
            r.lon.to_string(),
            r.lat.to_string(),
            r.zones.join(";"),
            opt(&r.controlled_by),
            opt(&r.responsible),
            name(serde_json::to_value(r.confidence).expect("serialises")),
            r.attribution.clone(),
            r.reporter.clone(),
            r.organisations.join(";"),
            name(serde_json::to_value(r.sensor).expect("serialises")),
            r.evidence.to_string(),
            r.standing.name().to_string(),
            r.verified.to_string(),
            r.verified_at.map(|v| v.to_string()).unwrap_or_default(),
            r.dispute_until.map(|t| t.to_string()).unwrap_or_default(),
            opt(&r.disputed_by),
            r.dissent.to_string(),
            opt(&r.weapon_class),
            serde_json::to_string(&r.events).expect("serialises"),
        ];
        w.write_record(&record).expect("writes to memory");
    }
    w.into_inner().expect("writes to memory")
}
