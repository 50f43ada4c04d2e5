//! `accord classify` against an independent reference: scripts/geo_reference.py
//! (shapely 2 and pyproj, written from the definitions in docs/geography.md),
//! compared row by row by scripts/geo_compare.py (distances within 1 m; zones,
//! controlling party and withdrawal zones identical, except within 1 m of the
//! boundary that decides them; side identical except within 100 m of the line).
//!
//! On every one of the 3,077 real UCDP events, and on edge cases: points on
//! polygon edges and vertices, in holes, on the line of contact's vertices,
//! at the antimeridian and the poles, and invalid coordinates.
//!
//! Needs python3 with shapely (2.x) and pyproj; scripts/test.sh installs them.

mod common;

use common::text;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

fn scripts() -> PathBuf {
    testkit::repo_root().join("scripts")
}

fn example() -> PathBuf {
    testkit::repo_root().join("examples/ukraine-2025/agreement.toml")
}

/// Fails, saying what to install, unless python3 can import shapely 2 and pyproj.
fn require_python() {
    let probe = "import shapely, pyproj; \
                 assert int(shapely.__version__.split('.')[0]) >= 2, 'shapely ' + shapely.__version__ + ' is older than 2'";
    match Command::new("python3").args(["-c", probe]).output() {
        Err(e) => panic!(
            "this test needs python3 with shapely (2.x) and pyproj, but python3 could not be run: {e}. \
             Install Python 3, then `python3 -m pip install shapely pyproj` (scripts/test.sh does both)."
        ),
        Ok(o) if !o.status.success() => panic!(
            "this test needs the Python packages shapely (2.x) and pyproj:\n{}\
             Install them with `python3 -m pip install shapely pyproj` (scripts/test.sh does).",
            text(&o)
        ),
        Ok(_) => {}
    }
}

/// Runs `accord classify` (JSON Lines) and the reference on the same input,
/// then the comparison; panics with the comparison's report on any
/// unexplained difference. Returns accord's rows.
fn classify_and_compare(agreement: &Path, points: &Path, dir: &Path) -> Vec<Value> {
    let ours = dir.join("ours.jsonl");
    let reference = dir.join("reference.jsonl");
    let o = Command::new(env!("CARGO_BIN_EXE_accord"))
        .arg("classify")
        .arg("--agreement")
        .arg(agreement)
        .arg(points)
        .args(["--output", "jsonl", "--out"])
        .arg(&ours)
        .output()
        .expect("run accord");
    assert!(o.status.success(), "accord classify failed:\n{}", text(&o));

    let r = Command::new("python3")
        .arg(scripts().join("geo_reference.py"))
        .arg(agreement)
        .arg(points)
        .output()
        .expect("run python3");
    assert!(
        r.status.success(),
        "scripts/geo_reference.py failed:\n{}",
        String::from_utf8_lossy(&r.stderr)
    );
    std::fs::write(&reference, &r.stdout).unwrap();

    let c = Command::new("python3")
        .arg(scripts().join("geo_compare.py"))
        .arg(&ours)
        .arg(&reference)
        .arg("--agreement")
        .arg(agreement)
        .output()
        .expect("run python3");
    let report = text(&c);
    println!("{report}");
    assert!(
        c.status.success(),
        "accord classify and the reference disagree:\n{report}"
    );
    std::fs::read_to_string(&ours)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn every_real_event_is_placed_as_the_reference_places_it() {
    require_python();
    let tmp = tempfile::tempdir().unwrap();
    let events = testkit::data("events/ucdp_ged_ukraine_2014-01_to_2022-02-23.csv");
    let rows = classify_and_compare(&example(), &events, tmp.path());
    assert_eq!(rows.len(), 3077, "every UCDP event, one row each");
    assert!(rows.iter().all(|r| r.get("error").is_none()));
    // Not all in one place: both sides and the security zone are reached.
    let count = |f: &dyn Fn(&Value) -> bool| rows.iter().filter(|r| f(r)).count();
    assert!(count(&|r| r["controlled_by"] == "UA") > 50);
    assert!(count(&|r| r["controlled_by"] == "RU") > 1000);
    assert!(
        count(&|r| r["zones"]
            .as_array()
            .unwrap()
            .contains(&json!("security_zone")))
            > 100
    );
}

// --- Edge cases -------------------------------------------------------------------

/// The rings of a GeoJSON Polygon or MultiPolygon.
fn rings(g: &Value) -> Vec<Vec<(f64, f64)>> {
    let ring = |r: &Value| -> Vec<(f64, f64)> {
        r.as_array()
            .unwrap()
            .iter()
            .map(|c| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap()))
            .collect()
    };
    match g["type"].as_str().unwrap() {
        "Polygon" => g["coordinates"]
            .as_array()
            .unwrap()
            .iter()
            .map(ring)
            .collect(),
        "MultiPolygon" => g["coordinates"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p.as_array().unwrap().iter().map(ring))
            .collect(),
        _ => Vec::new(),
    }
}

fn features(path: &Path) -> Vec<Value> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["features"].as_array().unwrap().clone()
}

fn feature(id: &str, geometry: Value) -> Value {
    json!({"type": "Feature", "properties": {"id": id}, "geometry": geometry})
}

fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Value {
    json!([[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]])
}

fn square_cw(x0: f64, y0: f64, x1: f64, y1: f64) -> Value {
    json!([[x0, y0], [x0, y1], [x1, y1], [x1, y0], [x0, y0]])
}

/// Zones added to the example for the edge cases: holes (Kyiv oblast, whose
/// hole is Kyiv City, and a square with a square hole), an area either side
/// of the antimeridian, caps at both poles, a line across the antimeridian, a
/// line in two parts, crossings as a point without a radius and as a polygon,
/// and buffers around an area with a hole, a point, a buffer, a polygon.
const EXTRA_ZONES: &str = r#"
[zones.kyiv_oblast]
title = "Kyiv oblast (its hole is Kyiv City)"
kind = "region"
source = "annex/regions.geojson"
select = { iso = "UA-32" }

[zones.holed_square]
title = "A square with a square hole"
kind = "region"
source = "synthetic.geojson"
select = { id = "holed-square" }

[zones.dateline_area]
title = "Either side of the antimeridian"
kind = "region"
source = "synthetic.geojson"
select = { id = "dateline-area" }

[zones.north_cap]
title = "North of 85 degrees"
kind = "region"
source = "synthetic.geojson"
select = { id = "north-cap" }

[zones.south_cap]
title = "South of -85 degrees"
kind = "region"
source = "synthetic.geojson"
select = { id = "south-cap" }

[zones.dateline_line]
title = "A line across the antimeridian"
kind = "reference_line"
party = "UA"
source = "synthetic.geojson"
select = { id = "dateline-line" }

[zones.split_line]
title = "A line in two parts"
kind = "reference_line"
party = "RU"
source = "synthetic.geojson"
select = { id = "split-line" }

[zones.crossing_dateline]
title = "A crossing point without a radius (500 m)"
kind = "crossing"
source = "synthetic.geojson"
select = { id = "crossing-dateline" }

[zones.crossing_square]
title = "A crossing given as a polygon"
kind = "crossing"
source = "synthetic.geojson"
select = { id = "crossing-square" }

[zones.kyiv_ring]
kind = "buffer"
around = "kyiv_oblast"
distance_km = 5

[zones.holed_square_ring]
kind = "buffer"
around = "holed_square"
distance_km = 3

[zones.siversk_wide]
kind = "buffer"
around = "crossing_siversk"
distance_km = 2

[zones.security_wide]
kind = "buffer"
around = "security_zone"
distance_km = 10

[zones.dateline_area_ring]
kind = "buffer"
around = "dateline_area"
distance_km = 20

[zones.crossing_dateline_ring]
kind = "buffer"
around = "crossing_dateline"
distance_km = 1

[zones.dateline_line_buffer]
kind = "buffer"
around = "dateline_line"
distance_km = 50

[zones.crossing_square_ring]
kind = "buffer"
around = "crossing_square"
distance_km = 0.5
"#;

fn synthetic_geojson() -> Value {
    json!({"type": "FeatureCollection", "features": [
        feature("holed-square", json!({"type": "Polygon", "coordinates": [
            square(32.0, 43.0, 34.0, 44.5), square_cw(32.5, 43.5, 33.5, 44.0)]})),
        feature("dateline-area", json!({"type": "MultiPolygon", "coordinates": [
            [square(179.0, -1.0, 180.0, 1.0)], [square(-180.0, -1.0, -179.0, 1.0)]]})),
        feature("north-cap", json!({"type": "Polygon", "coordinates": [square(-180.0, 85.0, 180.0, 90.0)]})),
        feature("south-cap", json!({"type": "Polygon", "coordinates": [square(-180.0, -90.0, 180.0, -85.0)]})),
        feature("dateline-line", json!({"type": "LineString", "coordinates": [[179.5, -0.5], [-179.5, 0.5]]})),
        feature("split-line", json!({"type": "MultiLineString", "coordinates": [
            [[30.0, 44.0], [31.0, 44.2]], [[31.5, 44.4], [32.5, 44.1]]]})),
        feature("crossing-dateline", json!({"type": "Point", "coordinates": [179.9995, 0.2]})),
        feature("crossing-square", json!({"type": "Polygon", "coordinates": [square(36.0, 47.0, 36.01, 47.01)]})),
    ]})
}

/// Writes the example agreement with the extra zones into `dir` (the annex
/// linked beside it) and returns its path.
fn synthetic_agreement(dir: &Path, extra: &str, geojson: &Value) -> PathBuf {
    let annex = example().parent().unwrap().join("annex");
    std::os::unix::fs::symlink(&annex, dir.join("annex")).unwrap();
    std::fs::write(dir.join("synthetic.geojson"), geojson.to_string()).unwrap();
    let text = std::fs::read_to_string(example()).unwrap() + extra;
    let path = dir.join("agreement.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The edge cases, as (id, longitude, latitude) in text, exactly as written.
fn edge_points(dir: &Path, geojson: &Value) -> Vec<(String, String, String)> {
    let mut pts: Vec<(String, f64, f64)> = Vec::new();
    let mut add = |tag: &str, x: f64, y: f64| pts.push((format!("{tag}-{}", pts.len()), x, y));
    let annex = dir.join("annex");
    // Every vertex and edge of the areas: the vertex, the edge's midpoint in
    // floating point (on the edge or within a rounding of it), and the
    // midpoint one ulp north and south.
    let mut areas: Vec<Value> = Vec::new();
    areas.extend(features(&annex.join("control.geojson")));
    areas.extend(features(&annex.join("disengagement.geojson")));
    areas.extend(
        features(&annex.join("regions.geojson"))
            .into_iter()
            .filter(|f| {
                ["UA-63", "UA-59", "UA-12", "UA-32"]
                    .contains(&f["properties"]["iso"].as_str().unwrap_or(""))
            }),
    );
    areas.extend(geojson["features"].as_array().unwrap().iter().cloned());
    for f in &areas {
        for r in rings(&f["geometry"]) {
            for w in r.windows(2) {
                let ((x1, y1), (x2, y2)) = (w[0], w[1]);
                add("vertex", x1, y1);
                let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
                add("edge", mx, my);
                add("edge-north", mx, my.next_up());
                add("edge-south", mx, my.next_down());
            }
        }
    }
    // Exactly on the synthetic square's edges and its hole's, in the hole.
    for (x, y) in [
        (33.0, 43.0),
        (32.0, 43.75),
        (34.0, 44.0),
        (33.0, 44.5),
        (33.0, 43.5),
        (32.5, 43.75),
        (33.5, 44.0),
    ] {
        add("on-edge", x, y);
    }
    for (x, y) in [
        (33.0, 43.75),
        (32.75, 43.6),
        (33.47, 43.8),
        (30.5234, 50.4501),
        (30.45, 50.42),
    ] {
        add("in-hole", x, y);
    }
    // The lines' vertices, points 0.0005 degrees off them, and midpoints in
    // longitude and latitude (off the geodesic by up to metres).
    for file in ["line-of-contact.geojson", "line-of-contact-2024.geojson"] {
        for f in features(&annex.join(file)) {
            let c: Vec<(f64, f64)> = f["geometry"]["coordinates"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap()))
                .collect();
            for (k, &(x, y)) in c.iter().enumerate() {
                add(
                    if file == "line-of-contact.geojson" {
                        "loc-vertex"
                    } else {
                        "loc2024-vertex"
                    },
                    x,
                    y,
                );
                for (dx, dy) in [(0.0005, 0.0), (-0.0005, 0.0), (0.0, 0.0005), (0.0, -0.0005)] {
                    add("line-near", x + dx, y + dy);
                }
                if let Some(&(x2, y2)) = c.get(k + 1) {
                    add("line-mid", (x + x2) / 2.0, (y + y2) / 2.0);
                }
            }
        }
    }
    // Crossings: the centre, and near 1 km (the radius) and 3 km (the
    // radius and a buffer of 2 km) to the north.
    for f in features(&annex.join("crossings.geojson")) {
        let c = &f["geometry"]["coordinates"];
        let (x, y) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        add("crossing", x, y);
        for dy in [0.00899, 0.009, 0.00901, 0.02696, 0.027, 0.02704] {
            add("crossing-radius", x, y + dy);
        }
    }
    // The antimeridian: both spellings of the same meridian, and either side.
    for (x, y) in [
        (180.0, 0.0),
        (-180.0, 0.0),
        (180.0, 1.0),
        (-180.0, -1.0),
        (180.0, 0.2),
        (-180.0, 0.2),
        (179.99999, 0.5),
        (-179.99999, 0.5),
        (179.9995, 0.2),
        (-179.9995, 0.2),
        (-179.9, 0.2),
        (179.5, -0.5),
        (-179.5, 0.5),
        (180.0, 1.00001),
        (-180.0, -0.99999),
        (179.8, 1.1),
        (-179.8, -1.1),
    ] {
        add("antimeridian", x, y);
    }
    // The poles, at several longitudes, and the caps' edges.
    for (x, y) in [
        (0.0, 90.0),
        (180.0, 90.0),
        (-180.0, 90.0),
        (37.0, 90.0),
        (0.0, -90.0),
        (-180.0, -90.0),
        (123.4, -90.0),
        (37.0, 89.9999),
        (0.0, 85.0),
        (10.0, 85.0),
        (-180.0, 85.0),
        (180.0, -85.0),
    ] {
        add("pole", x, y);
    }
    // Far away, down to the antipodes of the line of contact.
    for (x, y) in [
        (-145.0, -48.0),
        (-144.7, -48.2),
        (0.0, 0.0),
        (-100.0, 40.0),
        (150.0, -30.0),
    ] {
        add("far", x, y);
    }
    // Around the line of contact, for the buffers' and withdrawal zones'
    // limits (a fixed pseudo-random sequence).
    let mut seed = 2025u64;
    let mut rnd = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    for _ in 0..2000 {
        let (x, y) = (30.5 + rnd() * 10.0, 45.5 + rnd() * 5.0);
        add("near-line", x, y);
    }
    let mut out: Vec<(String, String, String)> = pts
        .into_iter()
        .map(|(id, x, y)| (id, format!("{x}"), format!("{y}")))
        .collect();
    // Points that cannot be placed.
    for (x, y) in [
        ("NaN", "48"),
        ("37", "nan"),
        ("inf", "48"),
        ("37", "-inf"),
        ("180.0000001", "48"),
        ("-180.5", "48"),
        ("37", "90.0001"),
        ("37", "-91"),
        ("abc", "48"),
        ("", "48"),
        ("1e3", "2"),
    ] {
        out.push((
            format!("invalid-{}", out.len()),
            x.to_string(),
            y.to_string(),
        ));
    }
    out
}

#[test]
fn edge_cases_are_placed_as_the_reference_places_them() {
    require_python();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let geojson = synthetic_geojson();
    let agreement = synthetic_agreement(dir, EXTRA_ZONES, &geojson);
    let points = edge_points(dir, &geojson);
    let mut csv = String::from("id,lon,lat\n");
    for (id, x, y) in &points {
        csv.push_str(&format!("{id},{x},{y}\n"));
    }
    let csv_path = dir.join("edge-cases.csv");
    std::fs::write(&csv_path, csv).unwrap();
    let rows = classify_and_compare(&agreement, &csv_path, dir);
    assert_eq!(rows.len(), points.len());

    // A few of the definitions, checked on accord's output directly too.
    let at = |x: f64, y: f64| -> &Value {
        rows.iter()
            .find(|r| r["lon"].as_f64() == Some(x) && r["lat"].as_f64() == Some(y))
            .unwrap_or_else(|| panic!("no row at ({x}, {y})"))
    };
    let zones = |r: &Value| -> Vec<String> {
        r["zones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|z| z.as_str().unwrap().to_string())
            .collect()
    };
    let has = |r: &Value, z: &str| zones(r).iter().any(|x| x == z);
    assert!(!has(at(33.0, 43.75), "holed_square"), "in the hole");
    assert!(
        !has(at(33.0, 43.75), "holed_square_ring"),
        "in the hole, more than 3 km from its edge"
    );
    assert!(
        has(at(33.47, 43.8), "holed_square_ring"),
        "in the hole, within 3 km of its edge"
    );
    assert!(has(at(33.0, 43.5), "holed_square"), "on the hole's edge");
    assert!(has(at(33.5, 44.0), "holed_square"), "on the hole's vertex");
    assert!(has(at(33.0, 43.0), "holed_square"), "on the outer edge");
    assert!(
        !has(at(30.5234, 50.4501), "kyiv_oblast"),
        "Kyiv City is a hole in Kyiv oblast"
    );
    for (x, y) in [(180.0, 0.0), (-180.0, 0.0), (180.0, 1.0), (-180.0, -1.0)] {
        assert!(
            has(at(x, y), "dateline_area"),
            "({x}, {y}) on the antimeridian"
        );
    }
    assert!(
        has(at(-179.9995, 0.2), "crossing_dateline"),
        "110 m across the antimeridian, within the default 500 m"
    );
    for (x, y) in [(0.0, 90.0), (180.0, 90.0), (37.0, 90.0)] {
        assert!(has(at(x, y), "north_cap"), "({x}, {y})");
    }
    assert!(has(at(123.4, -90.0), "south_cap"));
    let loc0 = rows
        .iter()
        .find(|r| r["id"].as_str().unwrap().starts_with("loc-vertex"))
        .unwrap();
    assert_eq!(
        loc0["distance_m"]["line_of_contact"],
        json!(0.0),
        "a vertex of the line is on it"
    );
    let invalid: Vec<&Value> = rows
        .iter()
        .filter(|r| r["id"].as_str().unwrap().starts_with("invalid"))
        .collect();
    assert_eq!(invalid.len(), 11);
    assert!(
        invalid
            .iter()
            .all(|r| r.get("error").is_some() && r.get("zones").is_none()),
        "{invalid:?}"
    );
}

/// A crossing whose `select` picks several Point features (a MultiPoint):
/// `accord check` accepts it, so `classify` must place points in it.
#[test]
fn a_crossing_of_several_points_is_placed_as_the_reference_places_it() {
    require_python();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let extra = r#"
[zones.all_crossings]
title = "Every humanitarian crossing, 1 km around each"
kind = "crossing"
source = "annex/crossings.geojson"
select = { kind = "humanitarian_crossing" }
radius_m = 1000

[zones.all_crossings_ring]
kind = "buffer"
around = "all_crossings"
distance_km = 1
"#;
    let agreement = synthetic_agreement(
        dir,
        extra,
        &json!({"type": "FeatureCollection", "features": []}),
    );
    let mut csv = String::from("id,lon,lat\n");
    for f in features(&dir.join("annex/crossings.geojson")) {
        let c = &f["geometry"]["coordinates"];
        let (x, y) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        csv.push_str(&format!(
            "{},{x},{y}\n",
            f["properties"]["id"].as_str().unwrap()
        ));
        csv.push_str(&format!(
            "{}-1500m,{x},{}\n",
            f["properties"]["id"].as_str().unwrap(),
            y + 0.0135
        ));
    }
    let csv_path = dir.join("crossings.csv");
    std::fs::write(&csv_path, csv).unwrap();
    classify_and_compare(&agreement, &csv_path, dir);
}
