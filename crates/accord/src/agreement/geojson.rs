//! Zones from GeoJSON files: parse, pick features by their properties,
//! check every coordinate and every polygon, and say which feature of which
//! file is wrong, and where in it.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use geo::{Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Validation};
use geojson::{GeometryValue, Position};
use serde::Deserialize;
use serde_json::value::RawValue;

/// A feature of a GeoJSON file, with where it is in the file.
pub struct Feature {
    /// Byte range of the feature in the file (the whole file for a bare
    /// geometry or feature).
    pub span: Range<usize>,
    pub properties: serde_json::Map<String, serde_json::Value>,
    /// The geometry as written. It becomes a `geo` geometry only once
    /// [`check`]ed: `geo` closes an open ring itself, which would hide it.
    pub geometry: Option<geojson::Geometry>,
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
    Ok(match gj {
        geojson::GeoJson::Geometry(g) => vec![Feature {
            span: whole,
            properties: Default::default(),
            geometry: Some(g),
        }],
        geojson::GeoJson::Feature(f) => vec![Feature {
            span: whole,
            properties: f.properties.unwrap_or_default(),
            geometry: f.geometry,
        }],
        geojson::GeoJson::FeatureCollection(fc) => {
            let spans = feature_spans(text).unwrap_or_default();
            fc.features
                .into_iter()
                .enumerate()
                .map(|(i, f)| Feature {
                    span: spans.get(i).cloned().unwrap_or_else(|| whole.clone()),
                    properties: f.properties.unwrap_or_default(),
                    geometry: f.geometry,
                })
                .collect()
        }
    })
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

/// The features of a file by each of their properties' values (as
/// [`property_text`] gives them): which features have `key = value`, in
/// file order.
pub type Index = HashMap<(String, String), Vec<usize>>;

pub fn index(features: &[Feature]) -> Index {
    let mut index = Index::new();
    for (i, f) in features.iter().enumerate() {
        for (k, v) in &f.properties {
            if let Some(v) = property_text(v) {
                index.entry((k.clone(), v)).or_default().push(i);
            }
        }
    }
    index
}

/// The features a zone's `select` picks, in file order: those of its
/// rarest pair that match the others. Testing every feature for every zone
/// instead costs the zones times the features.
pub fn select<'f>(
    features: &'f [Feature],
    index: &Index,
    select: &BTreeMap<String, String>,
) -> Vec<&'f Feature> {
    if select.is_empty() {
        return features.iter().collect();
    }
    let rarest = select
        .iter()
        .map(|(k, v)| {
            index
                .get(&(k.clone(), v.clone()))
                .map_or(&[][..], Vec::as_slice)
        })
        .min_by_key(|fs| fs.len())
        .unwrap_or_default();
    rarest
        .iter()
        .map(|&i| &features[i])
        .filter(|f| matches(f, select))
        .collect()
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

/// What is wrong with a geometry, and where.
#[derive(Debug)]
pub struct Problem {
    pub message: String,
    /// Shown under the place.
    pub label: &'static str,
    /// The offending part: indices into the geometry's `coordinates`, from
    /// the outside in (polygon, ring, position), found in the text by
    /// [`locate`]; `None` for the geometry as a whole, shown at its feature.
    pub at: Option<Vec<usize>>,
}

impl Problem {
    fn whole(message: String) -> Problem {
        Problem {
            message,
            label: "this feature",
            at: None,
        }
    }
    fn at(message: String, label: &'static str, at: Vec<usize>) -> Problem {
        Problem {
            message,
            label,
            at: Some(at),
        }
    }
}

/// Checks one geometry and returns it as a `geo` geometry: every position
/// a longitude and a latitude in range, the right shape for the zone, the
/// structure RFC 7946 requires (lines of two positions or more; polygons
/// with an exterior ring; rings closed, of four positions or more; no empty
/// multi-geometry), and polygons valid. The first problem found is the one
/// reported: one mistake, one error.
pub fn check(g: &geojson::Geometry, shape: Shape) -> Result<Geometry<f64>, Problem> {
    check_positions(&g.value)?;
    let ok_shape = matches!(
        (shape, &g.value),
        (
            Shape::Line,
            GeometryValue::LineString { .. } | GeometryValue::MultiLineString { .. }
        ) | (
            Shape::Area | Shape::PointOrArea,
            GeometryValue::Polygon { .. } | GeometryValue::MultiPolygon { .. }
        ) | (
            Shape::PointOrArea,
            GeometryValue::Point { .. } | GeometryValue::MultiPoint { .. }
        )
    );
    if !ok_shape {
        return Err(Problem::whole(format!(
            "its geometry is a {}; this zone needs a {}",
            g.value.type_name(),
            shape.describe()
        )));
    }
    check_structure(&g.value)?;
    let geometry = Geometry::<f64>::try_from(&g.value)
        .map_err(|e| Problem::whole(format!("geometry cannot be read: {e}")))?;
    match &geometry {
        Geometry::Polygon(p) => p
            .check_validation()
            .map_err(|e| Problem::whole(format!("its polygon is invalid: {e}")))?,
        Geometry::MultiPolygon(m) => m
            .check_validation()
            .map_err(|e| Problem::whole(format!("its polygons are invalid: {e}")))?,
        _ => {}
    }
    Ok(geometry)
}

/// Every position, in the order written: at least two numbers, finite, a
/// longitude and a latitude in range.
fn check_positions(v: &GeometryValue) -> Result<(), Problem> {
    let mut n = 0;
    let mut each = |p: &Position, at: Vec<usize>, what: &dyn Fn() -> String| {
        n += 1;
        let c = p.as_slice();
        if c.len() < 2 {
            let numbers = if c.len() == 1 {
                "one number"
            } else {
                "no numbers"
            };
            return Err(Problem::at(
                format!(
                    "{} has {numbers}; a position is [longitude, latitude]",
                    what()
                ),
                "not a position",
                at,
            ));
        }
        let (x, y) = (c[0], c[1]);
        if !(x.is_finite() && y.is_finite()) {
            return Err(Problem::whole(format!(
                "coordinate {n} of its geometry is not a number"
            )));
        }
        if !(-180.0..=180.0).contains(&x) {
            return Err(Problem::whole(format!(
                "coordinate {n} of its geometry has longitude {x}, outside -180 to 180"
            )));
        }
        if !(-90.0..=90.0).contains(&y) {
            return Err(Problem::whole(format!(
                "coordinate {n} of its geometry has latitude {y}, outside -90 to 90"
            )));
        }
        Ok(())
    };
    match v {
        GeometryValue::Point { coordinates } => each(coordinates, vec![], &|| "its point".into()),
        GeometryValue::MultiPoint { coordinates } => {
            for (i, p) in coordinates.iter().enumerate() {
                each(p, vec![i], &|| format!("point {} of its MultiPoint", i + 1))?;
            }
            Ok(())
        }
        GeometryValue::LineString { coordinates } => {
            for (i, p) in coordinates.iter().enumerate() {
                each(p, vec![i], &|| format!("position {} of its line", i + 1))?;
            }
            Ok(())
        }
        GeometryValue::MultiLineString { coordinates } => {
            for (l, line) in coordinates.iter().enumerate() {
                for (i, p) in line.iter().enumerate() {
                    each(p, vec![l, i], &|| {
                        format!(
                            "position {} of line {} of its MultiLineString",
                            i + 1,
                            l + 1
                        )
                    })?;
                }
            }
            Ok(())
        }
        GeometryValue::Polygon { coordinates } => {
            for (r, ring) in coordinates.iter().enumerate() {
                for (i, p) in ring.iter().enumerate() {
                    each(p, vec![r, i], &|| {
                        format!("position {} of {}", i + 1, ring_name(None, r))
                    })?;
                }
            }
            Ok(())
        }
        GeometryValue::MultiPolygon { coordinates } => {
            for (k, polygon) in coordinates.iter().enumerate() {
                for (r, ring) in polygon.iter().enumerate() {
                    for (i, p) in ring.iter().enumerate() {
                        each(p, vec![k, r, i], &|| {
                            format!("position {} of {}", i + 1, ring_name(Some(k), r))
                        })?;
                    }
                }
            }
            Ok(())
        }
        GeometryValue::GeometryCollection { geometries } => {
            // Rejected by shape; checked so that it is never converted
            // with a short position. Its places are not located.
            for g in geometries {
                check_positions(&g.value).map_err(|p| Problem::whole(p.message))?;
            }
            Ok(())
        }
    }
}

/// How a ring is called in messages: `polygon` is its polygon's index in a
/// MultiPolygon, `None` in a Polygon.
fn ring_name(polygon: Option<usize>, ring: usize) -> String {
    let which = if ring == 0 {
        "the exterior ring".to_string()
    } else {
        format!("interior ring {ring}")
    };
    match polygon {
        None => format!("{which} of its polygon"),
        Some(k) => format!("{which} of polygon {} of its MultiPolygon", k + 1),
    }
}

/// The structure RFC 7946 requires of lines, polygons and their multis
/// (§3.1.3 to §3.1.7), which `geo` would not see: it closes rings itself.
fn check_structure(v: &GeometryValue) -> Result<(), Problem> {
    match v {
        GeometryValue::MultiPoint { coordinates } if coordinates.is_empty() => Err(Problem::at(
            "its MultiPoint has no points".into(),
            "no points",
            vec![],
        )),
        GeometryValue::LineString { coordinates } if coordinates.len() < 2 => Err(Problem::at(
            "its line has fewer than two points".into(),
            "fewer than two points",
            vec![],
        )),
        GeometryValue::MultiLineString { coordinates } => {
            if coordinates.is_empty() {
                return Err(Problem::at(
                    "its MultiLineString has no lines".into(),
                    "no lines",
                    vec![],
                ));
            }
            match coordinates.iter().position(|l| l.len() < 2) {
                Some(l) => Err(Problem::at(
                    format!(
                        "line {} of its MultiLineString has fewer than two points",
                        l + 1
                    ),
                    "fewer than two points",
                    vec![l],
                )),
                None => Ok(()),
            }
        }
        GeometryValue::Polygon { coordinates } => check_rings(coordinates, None, vec![]),
        GeometryValue::MultiPolygon { coordinates } => {
            if coordinates.is_empty() {
                return Err(Problem::at(
                    "its MultiPolygon has no polygons".into(),
                    "no polygons",
                    vec![],
                ));
            }
            for (k, polygon) in coordinates.iter().enumerate() {
                check_rings(polygon, Some(k), vec![k])?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A polygon's rings: at least the exterior; each closed, of four
/// positions or more (RFC 7946 §3.1.6). `at` is where the polygon is.
fn check_rings(
    rings: &[Vec<Position>],
    polygon: Option<usize>,
    at: Vec<usize>,
) -> Result<(), Problem> {
    if rings.is_empty() {
        let which = match polygon {
            None => "its polygon".to_string(),
            Some(k) => format!("polygon {} of its MultiPolygon", k + 1),
        };
        return Err(Problem::at(
            format!("{which} has no rings; a polygon needs at least its exterior ring"),
            "no rings",
            at,
        ));
    }
    for (r, ring) in rings.iter().enumerate() {
        let mut place = at.clone();
        place.push(r);
        if ring.len() < 4 {
            return Err(Problem::at(
                format!(
                    "{} has {} position{}; a ring needs at least four, the last the same as the first",
                    ring_name(polygon, r),
                    ring.len(),
                    if ring.len() == 1 { "" } else { "s" }
                ),
                "too few positions",
                place,
            ));
        }
        let (first, last) = (&ring[0], &ring[ring.len() - 1]);
        // Exactly, as RFC 7946 says ("identical values"): a ring closed
        // only up to rounding is not closed.
        if first.as_slice() != last.as_slice() {
            return Err(Problem::at(
                format!(
                    "{} is not closed: it ends at {}, not at its first position {}",
                    ring_name(polygon, r),
                    show(last),
                    show(first)
                ),
                "not closed",
                place,
            ));
        }
    }
    Ok(())
}

fn show(p: &Position) -> String {
    let numbers: Vec<String> = p.as_slice().iter().map(|x| format!("{x:?}")).collect();
    format!("[{}]", numbers.join(", "))
}

/// Where, in `text`, the part of a geometry at `path` (see [`Problem::at`])
/// is written: the geometry is that of the feature written at `feature`
/// (or the bare geometry there). None if the text does not say (a scanner
/// mistake, duplicate keys): the caller then points at the feature.
pub fn locate(text: &str, feature: &Range<usize>, path: &[usize]) -> Option<Range<usize>> {
    /// Either a feature (with `geometry`) or a geometry (with
    /// `coordinates`), each member kept as the text it was written as.
    #[derive(Deserialize)]
    struct Members<'a> {
        #[serde(borrow)]
        geometry: Option<&'a RawValue>,
        #[serde(borrow)]
        coordinates: Option<&'a RawValue>,
    }
    let members: Members<'_> = serde_json::from_str(text.get(feature.clone())?).ok()?;
    let mut raw = match (members.coordinates, members.geometry) {
        (Some(c), _) => c,
        (None, Some(g)) => {
            serde_json::from_str::<Members<'_>>(g.get())
                .ok()?
                .coordinates?
        }
        (None, None) => return None,
    };
    for &i in path {
        let items: Vec<&RawValue> = serde_json::from_str(raw.get()).ok()?;
        raw = *items.get(i)?;
    }
    // Borrowed members are slices of `text` itself.
    let start = (raw.get().as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    let end = start + raw.get().len();
    (end <= text.len()).then_some(start..end)
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
    fn selects_by_the_rarest_pair_what_testing_every_feature_selects() {
        let mut text = String::from(r#"{"type":"FeatureCollection","features":["#);
        for i in 0..40 {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&format!(
                r#"{{"type":"Feature","properties":{{"n":{i},"even":{},"kind":"k{}"}},"geometry":null}}"#,
                i % 2 == 0,
                i % 3
            ));
        }
        text.push_str("]}");
        let fs = parse(&text).unwrap();
        let index = index(&fs);
        let pairs = |ps: &[(&str, &str)]| -> BTreeMap<String, String> {
            ps.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        for want in [
            pairs(&[]),
            pairs(&[("n", "7")]),
            pairs(&[("even", "true"), ("kind", "k1")]),
            pairs(&[("even", "false"), ("n", "8")]),
            pairs(&[("kind", "k9")]),
            pairs(&[("missing", "x")]),
        ] {
            let every: Vec<*const Feature> = fs
                .iter()
                .filter(|f| matches(f, &want))
                .map(|f| f as *const Feature)
                .collect();
            let by_index: Vec<*const Feature> = select(&fs, &index, &want)
                .into_iter()
                .map(|f| f as *const Feature)
                .collect();
            assert_eq!(by_index, every, "{want:?}");
        }
        assert_eq!(
            select(&fs, &index, &pairs(&[("even", "true"), ("kind", "k1")])).len(),
            6
        );
    }

    fn geometry(json: &str) -> geojson::Geometry {
        json.parse().expect("a GeoJSON geometry")
    }

    #[test]
    fn checks_coordinates_shape_and_validity() {
        let bow = geometry(r#"{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}"#);
        let e = check(&bow, Shape::Area).unwrap_err();
        assert!(e.message.contains("its polygon is invalid"), "{e:?}");
        assert_eq!(e.at, None);
        let swapped = geometry(r#"{"type":"Point","coordinates":[48.0,137.0]}"#);
        let e = check(&swapped, Shape::PointOrArea).unwrap_err();
        assert!(e.message.contains("latitude 137"), "{e:?}");
        let line = geometry(r#"{"type":"LineString","coordinates":[[0,0],[1,1]]}"#);
        let e = check(&line, Shape::Area).unwrap_err();
        assert!(e.message.contains("needs a Polygon"), "{e:?}");
        assert!(check(&line, Shape::Line).is_ok());
    }

    #[test]
    fn rings_must_be_closed_and_of_four_positions() {
        let cases = [
            (
                r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}"#,
                "the exterior ring of its polygon is not closed: it ends at [0.0, 1.0], not at its first position [0.0, 0.0]",
                vec![0],
            ),
            (
                r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}"#,
                "the exterior ring of its polygon has 3 positions; a ring needs at least four, the last the same as the first",
                vec![0],
            ),
            (
                r#"{"type":"Polygon","coordinates":[]}"#,
                "its polygon has no rings; a polygon needs at least its exterior ring",
                vec![],
            ),
            (
                r#"{"type":"MultiPolygon","coordinates":[]}"#,
                "its MultiPolygon has no polygons",
                vec![],
            ),
            (
                r#"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]],[]]]}"#,
                "interior ring 1 of polygon 2 of its MultiPolygon has 0 positions; a ring needs at least four, the last the same as the first",
                vec![1, 1],
            ),
            (
                r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1],[0,0]]]}"#,
                "position 3 of the exterior ring of its polygon has one number; a position is [longitude, latitude]",
                vec![0, 2],
            ),
            (
                r#"{"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[2,2]]]}"#,
                "line 2 of its MultiLineString has fewer than two points",
                vec![1],
            ),
        ];
        for (json, message, at) in cases {
            let shape = if json.contains("Line") {
                Shape::Line
            } else {
                Shape::Area
            };
            let e = check(&geometry(json), shape).unwrap_err();
            assert_eq!(e.message, message, "{json}");
            assert_eq!(e.at, Some(at), "{json}");
        }
        // Closed only up to rounding is not closed.
        let almost = geometry(
            r#"{"type":"Polygon","coordinates":[[[0.1,0],[1,0],[1,1],[0.10000000000000002,0]]]}"#,
        );
        assert!(
            check(&almost, Shape::Area)
                .unwrap_err()
                .message
                .contains("not closed")
        );
    }

    #[test]
    fn locates_a_part_of_a_geometry_in_the_text() {
        let text = r#"{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"coordinates":[9]},"geometry":{"type":"MultiPolygon",
  "coordinates":[ [[[0,0],[1,0],[1,1],[0,0]]], [ [[5,5],[6,5],[6,6],[5,5]] , [] ] ]}}
]}"#;
        let spans = feature_spans(text).unwrap();
        let at = |path: &[usize]| &text[locate(text, &spans[0], path).unwrap()];
        assert_eq!(at(&[1, 1]), "[]");
        assert_eq!(at(&[1, 0, 2]), "[6,6]");
        assert!(at(&[]).starts_with("[ [[[0,0]"));
        assert_eq!(locate(text, &spans[0], &[7]), None);
        // A bare geometry.
        let bare = r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}"#;
        assert_eq!(
            &bare[locate(bare, &(0..bare.len()), &[0]).unwrap()],
            "[[0,0],[1,0],[1,1]]"
        );
    }
}
