//! Zones from GeoJSON files: parse, pick features by their properties,
//! check every coordinate and every polygon, and say which feature of which
//! file is wrong.

use std::collections::BTreeMap;
use std::ops::Range;

use geo::{
    CoordsIter, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Validation,
};

/// A feature of a GeoJSON file, with where it is in the file.
pub struct Feature {
    /// Byte range of the feature in the file (the whole file for a bare
    /// geometry or feature).
    pub span: Range<usize>,
    pub properties: serde_json::Map<String, serde_json::Value>,
    pub geometry: Option<Geometry<f64>>,
}

/// A GeoJSON problem: a message and, when known, the byte range to point at.
pub type GeoError = (String, Option<Range<usize>>);

/// Parses a GeoJSON text into features.
pub fn parse(text: &str) -> Result<Vec<Feature>, GeoError> {
    let gj: geojson::GeoJson = text.parse().map_err(|e: geojson::Error| {
        let span = match &e {
            geojson::Error::MalformedGeoJson(j) => Some(offset_of(text, j.line(), j.column())),
            _ => None,
        };
        // The position is shown with the source; drop it from the message.
        let msg = e.to_string();
        let msg = match msg.rfind(" at line ") {
            Some(i) => msg[..i].to_string(),
            None => msg,
        };
        (msg, span.map(|o| o..o + 1))
    })?;
    let whole = 0..text.len();
    let convert = |g: Option<geojson::Geometry>,
                   span: &Range<usize>|
     -> Result<Option<Geometry<f64>>, GeoError> {
        match g {
            None => Ok(None),
            Some(g) => Geometry::<f64>::try_from(g)
                .map(Some)
                .map_err(|e| (format!("geometry cannot be read: {e}"), Some(span.clone()))),
        }
    };
    match gj {
        geojson::GeoJson::Geometry(g) => Ok(vec![Feature {
            span: whole.clone(),
            properties: Default::default(),
            geometry: convert(Some(g), &whole)?,
        }]),
        geojson::GeoJson::Feature(f) => Ok(vec![Feature {
            span: whole.clone(),
            properties: f.properties.unwrap_or_default(),
            geometry: convert(f.geometry, &whole)?,
        }]),
        geojson::GeoJson::FeatureCollection(fc) => {
            let spans = feature_spans(text).unwrap_or_default();
            fc.features
                .into_iter()
                .enumerate()
                .map(|(i, f)| {
                    let span = spans.get(i).cloned().unwrap_or_else(|| whole.clone());
                    let geometry = convert(f.geometry, &span)?;
                    Ok(Feature {
                        span,
                        properties: f.properties.unwrap_or_default(),
                        geometry,
                    })
                })
                .collect()
        }
    }
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut at = 0;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line {
            return (at + column.saturating_sub(1)).min(text.len());
        }
        at += l.len() + 1;
    }
    text.len().saturating_sub(1)
}

/// The byte ranges of the elements of the top-level `features` array,
/// found by a small scanner (serde_json keeps no positions).
pub fn feature_spans(text: &str) -> Option<Vec<Range<usize>>> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut depth = 0i32;
    let mut key_at_depth1: Option<String> = None;
    let mut in_features = false;
    let mut elem_start: Option<usize> = None;
    let mut out = Vec::new();
    let mut last_string: Option<String> = None;
    while i < b.len() {
        let c = b[i];
        match c {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                last_string = text.get(start..i).map(str::to_string);
                if in_features && depth == 2 && elem_start.is_none() {
                    elem_start = Some(start - 1);
                }
            }
            b':' if depth == 1 => key_at_depth1 = last_string.take(),
            b'{' | b'[' => {
                depth += 1;
                if depth == 2 && c == b'[' && key_at_depth1.as_deref() == Some("features") {
                    in_features = true;
                } else if in_features && depth == 3 && elem_start.is_none() {
                    elem_start = Some(i);
                }
            }
            b'}' | b']' => {
                if in_features
                    && depth == 3
                    && let Some(s) = elem_start.take()
                {
                    out.push(s..i + 1);
                }
                if in_features && depth == 2 && c == b']' {
                    return Some(out);
                }
                depth -= 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The value of a property as text, for matching `select`.
pub fn property_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Whether a feature's properties match every `select` pair.
pub fn matches(f: &Feature, select: &BTreeMap<String, String>) -> bool {
    select.iter().all(|(k, want)| {
        f.properties.get(k).and_then(property_text).as_deref() == Some(want.as_str())
    })
}

/// What shape a zone needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Line,
    Area,
    PointOrArea,
}

impl Shape {
    pub fn describe(self) -> &'static str {
        match self {
            Shape::Line => "LineString or MultiLineString",
            Shape::Area => "Polygon or MultiPolygon",
            Shape::PointOrArea => "Point, Polygon or MultiPolygon",
        }
    }
}

/// Checks one geometry: coordinates in range, the right shape, valid
/// polygons. Returns a description of the first problem.
pub fn check(g: &Geometry<f64>, shape: Shape) -> Result<(), String> {
    for (i, c) in g.coords_iter().enumerate() {
        if !(c.x.is_finite() && c.y.is_finite()) {
            return Err(format!(
                "coordinate {} of its geometry is not a number",
                i + 1
            ));
        }
        if !(-180.0..=180.0).contains(&c.x) {
            return Err(format!(
                "coordinate {} of its geometry has longitude {}, outside -180 to 180",
                i + 1,
                c.x
            ));
        }
        if !(-90.0..=90.0).contains(&c.y) {
            return Err(format!(
                "coordinate {} of its geometry has latitude {}, outside -90 to 90",
                i + 1,
                c.y
            ));
        }
    }
    let ok_shape = matches!(
        (shape, g),
        (
            Shape::Line,
            Geometry::LineString(_) | Geometry::MultiLineString(_)
        ) | (
            Shape::Area | Shape::PointOrArea,
            Geometry::Polygon(_) | Geometry::MultiPolygon(_)
        ) | (
            Shape::PointOrArea,
            Geometry::Point(_) | Geometry::MultiPoint(_)
        )
    );
    if !ok_shape {
        return Err(format!(
            "its geometry is a {}; this zone needs a {}",
            geometry_name(g),
            shape.describe()
        ));
    }
    match g {
        Geometry::LineString(l) if l.0.len() < 2 => {
            Err("its line has fewer than two points".into())
        }
        Geometry::MultiLineString(m) if m.0.iter().any(|l| l.0.len() < 2) => {
            Err("one of its lines has fewer than two points".into())
        }
        Geometry::Polygon(p) => p
            .check_validation()
            .map_err(|e| format!("its polygon is invalid: {e}")),
        Geometry::MultiPolygon(m) => m
            .check_validation()
            .map_err(|e| format!("its polygons are invalid: {e}")),
        _ => Ok(()),
    }
}

pub fn geometry_name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) => "Line",
        Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        Geometry::Rect(_) => "Rect",
        Geometry::Triangle(_) => "Triangle",
    }
}

/// Joins the geometries of several selected features into one.
pub fn combine(gs: Vec<Geometry<f64>>) -> Option<Geometry<f64>> {
    if gs.len() <= 1 {
        return gs.into_iter().next();
    }
    let mut lines: Vec<LineString<f64>> = Vec::new();
    let mut polys = Vec::new();
    let mut points = Vec::new();
    for g in gs {
        match g {
            Geometry::LineString(l) => lines.push(l),
            Geometry::MultiLineString(m) => lines.extend(m.0),
            Geometry::Polygon(p) => polys.push(p),
            Geometry::MultiPolygon(m) => polys.extend(m.0),
            Geometry::Point(p) => points.push(p),
            Geometry::MultiPoint(m) => points.extend(m.0),
            _ => {}
        }
    }
    if !lines.is_empty() {
        Some(Geometry::MultiLineString(MultiLineString(lines)))
    } else if !polys.is_empty() {
        Some(Geometry::MultiPolygon(MultiPolygon(polys)))
    } else {
        Some(Geometry::MultiPoint(MultiPoint(points)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_feature_in_the_text() {
        let text = r#"{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"a":"x"},"geometry":{"type":"Point","coordinates":[1,2]}},
 {"type":"Feature","properties":{"a":"[}"},"geometry":null}
]}"#;
        let spans = feature_spans(text).unwrap();
        assert_eq!(spans.len(), 2);
        assert!(text[spans[0].clone()].starts_with("{\"type\":\"Feature\""));
        assert!(text[spans[1].clone()].ends_with("null}"));
        let fs = parse(text).unwrap();
        assert_eq!(fs.len(), 2);
        assert_eq!(fs[1].span, spans[1]);
    }

    #[test]
    fn checks_coordinates_shape_and_validity() {
        let ring = |pts: &[(f64, f64)]| LineString::from(pts.to_vec());
        let bow = Geometry::Polygon(geo::Polygon::new(
            ring(&[(0., 0.), (1., 1.), (1., 0.), (0., 1.), (0., 0.)]),
            vec![],
        ));
        assert!(
            check(&bow, Shape::Area)
                .unwrap_err()
                .contains("its polygon is invalid")
        );
        let swapped = Geometry::Point(geo::point!(x: 48.0, y: 137.0));
        assert!(
            check(&swapped, Shape::PointOrArea)
                .unwrap_err()
                .contains("latitude 137")
        );
        let line = Geometry::LineString(ring(&[(0., 0.), (1., 1.)]));
        assert!(
            check(&line, Shape::Area)
                .unwrap_err()
                .contains("needs a Polygon")
        );
        assert!(check(&line, Shape::Line).is_ok());
    }
}
