//! An annex file (GeoJSON) against the agreement.
//!
//! The agreement's hash does not cover its annex files as files: the
//! canonical JSON holds each zone's geometry itself (the features the TOML
//! picks from a file, joined), and not the file's name, its layout or the
//! features no zone uses. So a file is checked by what it draws: each
//! feature's geometry, part by part (a point, a line, a polygon with its
//! holes), is either a part of a zone's geometry in the agreement, with the
//! same coordinates, or it is not bound by the agreement at all. The page
//! should draw zones from the canonical JSON (`zones.ID.geometry`), which
//! the hash covers; this says whether a file it shows says the same.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// The primitive parts of a GeoJSON geometry, each as its coordinates with
/// every number as a float (so `30` and `30.0` are one coordinate).
fn parts(geometry: &Value, out: &mut Vec<Value>) {
    let coords = geometry.get("coordinates").map(floats);
    match (geometry.get("type").and_then(Value::as_str), coords) {
        (Some("Point" | "LineString" | "Polygon"), Some(c)) => out.push(c),
        (Some("MultiPoint" | "MultiLineString" | "MultiPolygon"), Some(Value::Array(cs))) => {
            out.extend(cs)
        }
        (Some("GeometryCollection"), _) => {
            for g in geometry
                .get("geometries")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                parts(g, out);
            }
        }
        _ => {}
    }
}

fn floats(v: &Value) -> Value {
    match v {
        Value::Array(a) => Value::Array(a.iter().map(floats).collect()),
        Value::Number(n) => n.as_f64().map_or(Value::Null, |f| json!(f)),
        other => other.clone(),
    }
}

/// The geometries of a GeoJSON text (a FeatureCollection, a Feature or a
/// bare geometry), or why it is none.
fn geometries(v: &Value) -> Result<Vec<&Value>, String> {
    match v.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {
            let fs = v
                .get("features")
                .and_then(Value::as_array)
                .ok_or("a FeatureCollection without `features`")?;
            Ok(fs.iter().filter_map(|f| f.get("geometry")).collect())
        }
        Some("Feature") => Ok(v.get("geometry").into_iter().collect()),
        Some(_) => Ok(vec![v]),
        None => Err("not GeoJSON (no `type`)".into()),
    }
}

/// Checks an annex file against the zones of the agreement (`zones`: the
/// canonical JSON's `zones` object).
pub fn check(zones: &Value, name: &str, bytes: &[u8]) -> Value {
    let text = match serde_json::from_slice::<Value>(bytes) {
        Ok(v) => v,
        Err(e) => {
            return json!({"ok": false, "zones": [], "unbound": 0, "problems": [
                format!("{name} is not GeoJSON: {e}; the agreement binds zone geometry only")
            ]});
        }
    };
    let geoms = match geometries(&text) {
        Ok(g) => g,
        Err(e) => {
            return json!({"ok": false, "zones": [], "unbound": 0, "problems": [format!("{name}: {e}")]});
        }
    };
    let mut of_zone: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for (id, z) in zones.as_object().into_iter().flatten() {
        let mut p = Vec::new();
        if let Some(g) = z.get("geometry") {
            parts(g, &mut p);
        }
        of_zone.insert(id, p);
    }
    let mut drawn: Vec<&str> = Vec::new();
    let mut unbound = 0usize;
    for g in geoms {
        let mut p = Vec::new();
        parts(g, &mut p);
        for part in p {
            let zones: Vec<&str> = of_zone
                .iter()
                .filter(|(_, ps)| ps.contains(&part))
                .map(|(id, _)| *id)
                .collect();
            if zones.is_empty() {
                unbound += 1;
            }
            drawn.extend(zones);
        }
    }
    drawn.sort_unstable();
    drawn.dedup();
    let mut problems = Vec::new();
    if drawn.is_empty() {
        problems.push(format!(
            "{name} draws no zone of the agreement: none of its geometry is, coordinate for coordinate, a zone's"
        ));
    }
    json!({
        "ok": problems.is_empty(),
        "zones": drawn,
        // Parts of the file that are no zone's: shown, they would be the
        // file's word, not the agreement's.
        "unbound": unbound,
        "problems": problems,
    })
}
