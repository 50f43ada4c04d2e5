//! The agreement as the browser gets it: its canonical JSON (what its hash
//! is of, `GET /v1/agreement`), rebuilt into the domain's `Agreement` so
//! that the same code as the CLI's checks and replays under it.
//!
//! The canonical form keeps everything the agreement means, in the TOML's
//! own key names but for three things: the reporting cut-off is in minutes,
//! zone geometry is inline (where the TOML names a GeoJSON file and picks
//! features from it) and the witnesses are listed under `list`. So the
//! JSON is written back as TOML with those three undone, each zone's
//! geometry given as a GeoJSON file of its own, and checked by the
//! domain's own `accord::agreement::check`. The result is trusted only if
//! its canonical JSON is, byte for byte, the text given: a rebuild that
//! lost or changed anything fails there, and is refused.

use std::collections::BTreeMap;

use accord::agreement::{Agreement, Loader};
use accord::statement::Digest;
use serde_json::{Map, Value, json};

/// Why a text is not an agreement's canonical JSON.
#[derive(Debug, thiserror::Error)]
pub enum RebuildError {
    #[error("the agreement is not JSON: {0}")]
    NotJson(String),
    #[error("the agreement's canonical JSON is not an object")]
    NotObject,
    #[error("the agreement's canonical JSON does not read as an agreement: {0}")]
    Invalid(String),
    #[error(
        "the text is not the canonical JSON (RFC 8785) of the agreement it describes: its hash would be {canonical}, not the SHA-256 of the text ({given})"
    )]
    NotCanonical { given: Digest, canonical: Digest },
}

/// Zone geometry, one GeoJSON file per zone, by the name the rebuilt TOML
/// gives it.
struct Geometry(BTreeMap<String, String>);

impl Loader for Geometry {
    fn load(&self, path: &str) -> Result<(String, String), String> {
        self.0
            .get(path)
            .map(|t| (path.to_string(), t.clone()))
            .ok_or_else(|| format!("{path} is not a zone of the agreement"))
    }
}

/// The agreement rebuilt from its canonical JSON, with its hash (the
/// SHA-256 of that text).
pub fn rebuild(canonical_json: &str) -> Result<(Agreement, Digest), RebuildError> {
    let value: Value =
        serde_json::from_str(canonical_json).map_err(|e| RebuildError::NotJson(e.to_string()))?;
    let Value::Object(mut top) = value else {
        return Err(RebuildError::NotObject);
    };
    let mut files = BTreeMap::new();
    undo_canonical(&mut top, &mut files);
    let toml = toml::to_string(&Value::Object(top))
        .map_err(|e| RebuildError::Invalid(format!("cannot be written as TOML: {e}")))?;
    let checked = accord::agreement::check("agreement.toml", &toml, &Geometry(files));
    let (Some(agreement), Some(hash)) = (checked.agreement, checked.hash) else {
        return Err(RebuildError::Invalid(accord::diag::render_plain(
            &checked.diags,
            &checked.sources,
            5,
        )));
    };
    let given = Digest::of(canonical_json.as_bytes());
    if hash != given {
        return Err(RebuildError::NotCanonical {
            given,
            canonical: hash,
        });
    }
    Ok((agreement, hash))
}

/// The canonical form's three departures from the TOML, undone.
fn undo_canonical(top: &mut Map<String, Value>, files: &mut BTreeMap<String, String>) {
    if let Some(Value::Object(r)) = top.get_mut("reporting")
        && let Some(m) = r.remove("cutoff_minutes").and_then(|m| m.as_u64())
    {
        r.insert(
            "cutoff".into(),
            json!(format!("{:02}:{:02}", m / 60, m % 60)),
        );
    }
    if let Some(Value::Object(zones)) = top.get_mut("zones") {
        for (id, zone) in zones.iter_mut() {
            let Value::Object(z) = zone else { continue };
            if let Some(geometry) = z.remove("geometry") {
                let file = format!("zones/{id}.geojson");
                let collection = json!({
                    "type": "FeatureCollection",
                    "features": [{"type": "Feature", "properties": {}, "geometry": geometry}],
                });
                files.insert(file.clone(), collection.to_string());
                z.insert("source".into(), json!(file));
            }
        }
    }
    if let Some(Value::Object(w)) = top.get_mut("witnesses")
        && let Some(Value::Object(list)) = w.remove("list")
    {
        w.extend(list);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_rebuilds_from_its_canonical_json_to_the_same_hash() {
        let (a, hash) = accord_example::agreement();
        let json = accord::agreement::canonical::canonical_json(&a);
        let (b, h) = rebuild(&json).expect("rebuilds");
        assert_eq!(h, hash);
        assert_eq!(accord::agreement::canonical::canonical_json(&b), json);
    }

    #[test]
    fn a_text_that_is_not_canonical_is_refused() {
        let (a, _) = accord_example::agreement();
        let json = accord::agreement::canonical::canonical_json(&a);
        let pretty =
            serde_json::to_string_pretty(&serde_json::from_str::<Value>(&json).unwrap()).unwrap();
        let e = rebuild(&pretty).unwrap_err();
        assert!(matches!(e, RebuildError::NotCanonical { .. }), "{e}");
    }
}
