//! The Ukraine 2025 example: it checks clean; its canonical hash ignores
//! layout and changes with meaning; its annex follows the real geography in
//! ../shared/data; the published statement schema is the one the code makes.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests read fixtures; the rule is for the library (see crates/accord/clippy.toml)"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use accord::agreement::{self, Loader};
use accord::diag::render_plain;
use accord_engine::files::{self, DirLoader};
use geo::{Area, BooleanOps, Contains, Geometry, MultiPolygon};

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/ukraine-2025")
}

fn check_text(text: &str, loader: &dyn Loader) -> agreement::Checked {
    agreement::check("agreement.toml", text, loader)
}

fn example_text() -> String {
    std::fs::read_to_string(example_dir().join("agreement.toml")).unwrap()
}

#[test]
fn the_example_checks_clean() {
    let c = files::check_file(&example_dir().join("agreement.toml")).unwrap();
    assert!(
        c.diags.0.is_empty(),
        "the example has diagnostics:\n{}",
        render_plain(&c.diags, &c.sources, 100)
    );
    let a = c.agreement.expect("valid");
    assert_eq!(a.parties.len(), 8);
    assert!(
        a.clauses.values().all(|c| c.text.get_ref().len() > 60),
        "every clause has its plain-language text"
    );
    for z in a.zones.values() {
        let derived = z.kind == agreement::ZoneKind::Buffer;
        assert_eq!(
            z.geometry.is_some(),
            !derived,
            "zone {} geometry",
            z.id.get_ref()
        );
    }
    assert!(c.hash.unwrap().to_string().starts_with("sha256:"));
}

/// Reads GeoJSON from a map (path -> text), standing in for the files.
struct MapLoader(BTreeMap<String, String>);
impl Loader for MapLoader {
    fn load(&self, path: &str) -> Result<(String, String), String> {
        self.0
            .get(path)
            .map(|t| (path.to_string(), t.clone()))
            .ok_or_else(|| format!("{path}: not found"))
    }
}

fn annex() -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for e in std::fs::read_dir(example_dir().join("annex")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "geojson") {
            let name = format!("annex/{}", p.file_name().unwrap().to_string_lossy());
            m.insert(name, std::fs::read_to_string(&p).unwrap());
        }
    }
    m
}

/// Rewrites TOML with a different layout: every table inline where
/// possible, keys in another order, comments gone, strings re-quoted.
fn reformat_toml(text: &str) -> String {
    let table: toml::Table = toml::from_str(text).unwrap();
    fn reverse(v: toml::Value) -> toml::Value {
        match v {
            toml::Value::Table(t) => {
                let mut entries: Vec<(String, toml::Value)> = t.into_iter().collect();
                entries.reverse();
                toml::Value::Table(entries.into_iter().map(|(k, v)| (k, reverse(v))).collect())
            }
            toml::Value::Array(a) => toml::Value::Array(a.into_iter().map(reverse).collect()),
            other => other,
        }
    }
    let out = toml::to_string_pretty(&reverse(toml::Value::Table(table))).unwrap();
    assert_ne!(out, text);
    out
}

/// Rewrites GeoJSON compactly with every object's keys in reverse order.
fn reformat_json(text: &str) -> String {
    fn reverse(v: serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(o) => {
                let mut entries: Vec<(String, serde_json::Value)> = o.into_iter().collect();
                entries.reverse();
                // serde_json's map keeps insertion order only with a feature;
                // write by hand to be sure of the order.
                serde_json::Value::Object(
                    entries.into_iter().map(|(k, v)| (k, reverse(v))).collect(),
                )
            }
            serde_json::Value::Array(a) => {
                serde_json::Value::Array(a.into_iter().map(reverse).collect())
            }
            other => other,
        }
    }
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    let out = serde_json::to_string(&reverse(v)).unwrap();
    assert_ne!(out, text);
    out
}

#[test]
fn the_hash_ignores_layout_and_follows_meaning() {
    let base = check_text(&example_text(), &MapLoader(annex()));
    let hash = base.hash.expect("valid");

    let reformatted = reformat_toml(&example_text());
    let c = check_text(&reformatted, &MapLoader(annex()));
    assert_eq!(
        c.hash,
        Some(hash),
        "reformatted TOML:\n{}",
        render_plain(&c.diags, &c.sources, 100)
    );

    let compact: BTreeMap<String, String> = annex()
        .into_iter()
        .map(|(k, v)| (k, reformat_json(&v)))
        .collect();
    assert_eq!(
        check_text(&example_text(), &MapLoader(compact.clone())).hash,
        Some(hash),
        "reformatted GeoJSON"
    );
    assert_eq!(
        check_text(&reformatted, &MapLoader(compact)).hash,
        Some(hash),
        "both reformatted"
    );

    // Zone files moved elsewhere: the same agreement.
    let moved: BTreeMap<String, String> = annex()
        .into_iter()
        .map(|(k, v)| (k.replace("annex/", "maps/"), v))
        .collect();
    let text = example_text().replace("\"annex/", "\"maps/");
    assert_eq!(
        check_text(&text, &MapLoader(moved)).hash,
        Some(hash),
        "moved zone files"
    );

    // Any change of meaning changes it: a word, a number, a coordinate, a key.
    let changes = [
        example_text().replace("ceases all hostilities", "ceases hostilities"),
        example_text().replace("distance_km = 15", "distance_km = 16"),
        example_text().replace("consultation_hours = 72", "consultation_hours = 48"),
        example_text().replace("weekends = \"daily\"", "weekends = \"combined\""),
        example_text().replace(
            "mid.ru.example/accord+ca078ece+AUzBVoB1crBJAV1E2FkzmgDDs0tJIL8GPN9blMWsaM5r",
            "eeas.europa.eu.example/accord+682e9e85+AfwjHXWk3/13ZCg0dByouvdTdNEUAD/uxZNlY+qDfyAU",
        ),
    ];
    for (i, changed) in changes.iter().enumerate() {
        assert_ne!(changed, &example_text(), "change {i} applied");
        let c = check_text(changed, &MapLoader(annex()));
        assert!(
            c.hash.is_some() && c.hash != Some(hash),
            "change {i} must change the hash"
        );
    }
    let mut moved_point = annex();
    let crossings = moved_point["annex/crossings.geojson"].clone();
    let first = crossings.find("\"coordinates\"").unwrap();
    let digit = first
        + crossings[first..]
            .find(|c: char| c.is_ascii_digit())
            .unwrap();
    let mut bytes = crossings.into_bytes();
    bytes[digit + 3] = if bytes[digit + 3] == b'1' { b'2' } else { b'1' };
    moved_point.insert(
        "annex/crossings.geojson".into(),
        String::from_utf8(bytes).unwrap(),
    );
    let c = check_text(&example_text(), &MapLoader(moved_point));
    assert!(
        c.hash.is_some() && c.hash != Some(hash),
        "a moved crossing changes the hash"
    );
}

fn real(rel: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(testkit::data(rel)).unwrap()).unwrap()
}

fn to_geo(v: &serde_json::Value) -> Geometry<f64> {
    let g: geojson::Geometry = serde_json::from_value(v.clone()).unwrap();
    Geometry::try_from(g).unwrap()
}

fn multipolygon(g: Geometry<f64>) -> MultiPolygon<f64> {
    match g {
        Geometry::Polygon(p) => MultiPolygon(vec![p]),
        Geometry::MultiPolygon(m) => m,
        other => panic!("not an area: {other:?}"),
    }
}

/// The annex's regions are the real oblasts: each lies more than 95%
/// within the geoBoundaries unit of the same ISO code (the two sources
/// differ by 2–4% at borders and coasts). The two cities are drawn very
/// differently by the two sources (Natural Earth's Kyiv City is twice
/// geoBoundaries'), so for them only a substantial overlap is required.
#[test]
fn the_annex_regions_follow_the_real_boundaries() {
    let ours: serde_json::Value = serde_json::from_str(&annex()["annex/regions.geojson"]).unwrap();
    let theirs = real("boundaries/geoBoundaries-UKR-ADM1_simplified.geojson");
    let by_iso: BTreeMap<String, MultiPolygon<f64>> = theirs["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["properties"]["shapeISO"].as_str().unwrap().to_string(),
                multipolygon(to_geo(&f["geometry"])),
            )
        })
        .collect();
    let mut compared = 0;
    for f in ours["features"].as_array().unwrap() {
        let iso = f["properties"]["iso"].as_str().unwrap();
        let a = multipolygon(to_geo(&f["geometry"]));
        let b = by_iso
            .get(iso)
            .unwrap_or_else(|| panic!("{iso} not in geoBoundaries"));
        let inter = a.intersection(b).unsigned_area();
        let ratio = inter / a.unsigned_area();
        // geoBoundaries includes territorial sea, so compare how much of
        // ours lies within theirs.
        let need = if matches!(iso, "UA-30" | "UA-40") {
            0.4
        } else {
            0.95
        };
        assert!(
            ratio > need,
            "{iso}: only {:.1}% of our region lies in the real one",
            ratio * 100.0
        );
        compared += 1;
    }
    assert_eq!(compared, 27);
}

/// The annex's line of contact follows the real one (derived from
/// DeepStateMap for 1 July 2025): every vertex of ours within 12 km of it.
#[test]
fn the_annex_line_follows_the_real_line_of_contact() {
    let theirs = real("frontline/DERIVED_contact_line_from_deepstate.geojson");
    for (file, date) in [
        ("annex/line-of-contact.geojson", "2025-07-01"),
        ("annex/line-of-contact-2024.geojson", "2024-07-08"),
    ] {
        let feature = theirs["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["snapshot_date"] == date)
            .unwrap();
        let Geometry::MultiLineString(real_line) = to_geo(&feature["geometry"]) else {
            panic!("not lines")
        };
        let ours: serde_json::Value = serde_json::from_str(&annex()[file]).unwrap();
        let Geometry::LineString(line) = to_geo(&ours["features"][0]["geometry"]) else {
            panic!("not a line")
        };
        let places = ours["features"][0]["properties"]["places"]
            .as_array()
            .unwrap();
        assert!(places.len() >= 40, "{file}: a line through named places");
        let mut worst: f64 = 0.0;
        for p in places {
            let (lon, lat) = (p["lon"].as_f64().unwrap(), p["lat"].as_f64().unwrap());
            // Distance to the nearest vertex of the real line (densely
            // sampled), in km on a local equirectangular projection: ample
            // for a tolerance of kilometres.
            let km = real_line
                .0
                .iter()
                .flat_map(|l| l.0.iter())
                .map(|c| {
                    let dx = (c.x - lon) * 111.32 * lat.to_radians().cos();
                    let dy = (c.y - lat) * 110.57;
                    (dx * dx + dy * dy).sqrt()
                })
                .fold(f64::INFINITY, f64::min);
            worst = worst.max(km);
        }
        assert!(
            worst < 12.0,
            "{file}: a place {worst:.1} km from the real line of {date}"
        );
        // The places, the extended ends, and the points where it crosses
        // the border.
        assert!(
            line.0.len() >= places.len() && line.0.len() <= places.len() + 6,
            "{file}: {} vertices",
            line.0.len()
        );
    }
}

/// The controlled areas split Ukraine at the line: Crimea is Russian-held,
/// Kyiv and Kharkiv city Ukrainian-held, as on D-day.
#[test]
fn the_annex_control_areas_put_places_on_the_right_side() {
    let c = check_text(&example_text(), &MapLoader(annex()));
    let a = c.agreement.unwrap();
    let area = |id: &str| match a.zones[id].geometry.clone().unwrap() {
        Geometry::MultiPolygon(m) => m,
        Geometry::Polygon(p) => MultiPolygon(vec![p]),
        _ => panic!(),
    };
    let (ua, ru) = (area("ua_controlled"), area("ru_controlled"));
    for (name, lon, lat, ua_side) in [
        ("Kyiv", 30.52, 50.45, true),
        ("Kharkiv", 36.23, 49.99, true),
        ("Zaporizhzhia", 35.14, 47.84, true),
        ("Simferopol", 34.10, 44.95, false),
        ("Donetsk", 37.80, 48.00, false),
        ("Mariupol", 37.55, 47.10, false),
    ] {
        let p = geo::point!(x: lon, y: lat);
        assert_eq!(
            ua.contains(&p),
            ua_side,
            "{name} in the Ukrainian-held area"
        );
        assert_eq!(ru.contains(&p), !ua_side, "{name} in the Russian-held area");
    }
}

#[test]
fn the_published_schema_is_the_generated_one() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/statement.schema.json");
    let published: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        published,
        accord::statement::json_schema(),
        "schemas/statement.schema.json is stale: regenerate it with `accord statement schema > schemas/statement.schema.json`"
    );
}

#[test]
fn the_example_loads_with_the_directory_loader_too() {
    let text = example_text();
    let c = agreement::check("agreement.toml", &text, &DirLoader { dir: example_dir() });
    assert!(c.hash.is_some());
}

/// The real boundaries and lines of ../shared/data pass every geometry
/// check, RFC 7946's exactly closed rings included: each of their features,
/// added to the example as a zone of its own, loads with no error.
#[test]
fn every_real_boundary_and_line_is_a_valid_zone() {
    let mut files = annex();
    let mut text = example_text();
    let mut zones = Vec::new();
    let mut add = |rel: &str, kind: &str, key: Option<&str>| {
        let source = format!("real/{rel}");
        let json = real(rel);
        // The file as published, byte for byte.
        let published = std::fs::read_to_string(testkit::data(rel)).unwrap();
        files.insert(source.clone(), published);
        for (i, f) in json["features"].as_array().unwrap().iter().enumerate() {
            let id = format!("real_{}_{i}", zones.len());
            text.push_str(&format!(
                "\n[zones.{id}]\ntitle = \"{rel} {i}\"\nkind = \"{kind}\"\nsource = \"{source}\"\n"
            ));
            if kind == "reference_line" {
                text.push_str("party = \"RU\"\n");
            }
            if let Some(key) = key {
                let value = f["properties"][key].as_str().unwrap();
                text.push_str(&format!("select = {{ {key} = \"{value}\" }}\n"));
            }
            zones.push(id);
        }
    };
    add(
        "boundaries/geoBoundaries-UKR-ADM1_simplified.geojson",
        "region",
        Some("shapeISO"),
    );
    add(
        "boundaries/naturalearth_admin1_ukr.geojson",
        "region",
        Some("adm1_code"),
    );
    for date in ["20240708", "20250701", "20260822"] {
        add(
            &format!("frontline/deepstate_occupied_{date}.geojson"),
            "disengagement_area",
            None,
        );
    }
    add(
        "frontline/DERIVED_contact_line_from_deepstate.geojson",
        "reference_line",
        Some("snapshot_date"),
    );
    assert_eq!(zones.len(), 27 + 27 + 3 + 3);
    let c = check_text(&text, &MapLoader(files));
    assert_eq!(
        c.diags.errors(),
        0,
        "{}",
        render_plain(&c.diags, &c.sources, 100)
    );
    let a = c.agreement.unwrap();
    for id in &zones {
        assert!(a.zones[id].geometry.is_some(), "zone {id} has no geometry");
    }
}

/// The Minsk II distances: the zones of point 2 of the Package of Measures
/// (50, 70 and 140 km wide) are made by each side withdrawing half their
/// width from its own line; the Addendum's 15 km is each side's own.
#[test]
fn each_side_withdraws_half_the_width_of_the_minsk_zones() {
    use accord::geography::{Placement, ZoneIndex};
    let c = files::check_file(&example_dir().join("agreement.toml")).unwrap();
    let a = c.agreement.expect("valid");
    let km = |id: &str| {
        a.weapon_classes[id]
            .withdrawal_km
            .as_ref()
            .map(|k| *k.get_ref())
    };
    assert_eq!(km("artillery_100mm"), Some(25.0));
    assert_eq!(km("mlrs"), Some(35.0));
    assert_eq!(km("heavy_mlrs_and_missiles"), Some(70.0));
    for class in ["tanks", "artillery_under_100mm", "mortars"] {
        assert_eq!(km(class), Some(15.0), "{class}");
    }
    // The long-range weapons of 2025 have no withdrawal distance.
    for class in [
        "attack_drones",
        "loitering_munitions",
        "glide_bombs",
        "cruise_missiles",
        "ballistic_missiles",
    ] {
        assert_eq!(km(class), None, "{class}");
    }

    // Points on Ukraine's side, due west or east of Kramatorsk, at a given
    // distance from the line of contact (Ukraine's reference line).
    let index = ZoneIndex::new(&a);
    let loc = index
        .line_zones()
        .position(|z| z == "line_of_contact")
        .unwrap();
    let ua = |p: &Placement| p.controlled_by.map(|i| index.party(i)) == Some("UA");
    let at = |target_km: f64| -> Placement {
        let lat = 48.74;
        let distance = |lon: f64| index.place(lon, lat).unwrap().distances_m[loc] / 1000.0;
        // `far` is farther from the line than the target, `near` nearer.
        let (mut far, mut near) = (36.6, 37.9);
        assert!(distance(far) > target_km && distance(near) < target_km);
        for _ in 0..50 {
            let mid = (far + near) / 2.0;
            if distance(mid) > target_km {
                far = mid;
            } else {
                near = mid;
            }
        }
        let p = index.place(far, lat).unwrap();
        assert!((p.distances_m[loc] / 1000.0 - target_km).abs() < 0.01);
        assert!(ua(&p), "{far} E, {lat} N is on Ukraine's side");
        p
    };
    let in_zone = |p: &Placement, class: &str| {
        p.withdrawal
            .iter()
            .any(|&w| index.withdrawal_zone(w) == Some((class, "UA")))
    };
    // Artillery of 100 mm and above 30 km from the line: outside its 25 km.
    let p30 = at(30.0);
    assert!(!in_zone(&p30, "artillery_100mm"));
    assert!(in_zone(&p30, "mlrs"), "35 km");
    assert!(in_zone(&p30, "heavy_mlrs_and_missiles"), "70 km");
    // At 20 km: inside it; a tank is not (15 km).
    let p20 = at(20.0);
    assert!(in_zone(&p20, "artillery_100mm"));
    assert!(!in_zone(&p20, "tanks"));
    assert!(in_zone(&at(10.0), "tanks"));
    // No withdrawal zone for the classes without a distance.
    assert!(!in_zone(&p20, "cruise_missiles"));
}

/// Every weapon class a clause names is one the agreement defines, and the
/// clauses on armed attacks count the long-range strikes of 2025.
#[test]
fn the_clauses_name_only_weapon_classes_the_agreement_defines() {
    let c = files::check_file(&example_dir().join("agreement.toml")).unwrap();
    let a = c.agreement.expect("valid");
    let mut named = std::collections::BTreeSet::new();
    for clause in a.clauses.values() {
        for m in clause.metrics.values() {
            for w in &m.weapon_classes {
                assert!(
                    a.weapon_classes.contains_key(w.get_ref()),
                    "clause {} names weapon class {}, which the agreement does not define",
                    clause.id.get_ref(),
                    w.get_ref()
                );
                named.insert(w.get_ref().as_str());
            }
        }
    }
    for class in [
        "attack_drones",
        "loitering_munitions",
        "glide_bombs",
        "cruise_missiles",
        "ballistic_missiles",
    ] {
        assert!(named.contains(class), "no clause counts {class}");
    }
    // One system, one entry: the Grad is listed once (9K51 is its GRAU
    // index, BM-21 its launch vehicle).
    let systems: Vec<&str> = a
        .weapon_classes
        .values()
        .flat_map(|w| w.systems.iter().map(|s| s.get_ref().as_str()))
        .collect();
    assert_eq!(
        systems.iter().filter(|s| s.contains("Grad")).count(),
        1,
        "{systems:?}"
    );
    let unique: std::collections::BTreeSet<String> =
        systems.iter().map(|s| s.to_lowercase()).collect();
    assert_eq!(unique.len(), systems.len(), "a system in two places");
}

#[test]
fn the_example_is_in_english_ukrainian_and_russian() {
    let c = files::check_file(&example_dir().join("agreement.toml")).unwrap();
    let a = c.agreement.expect("valid");
    assert_eq!(a.languages(), ["en", "uk", "ru"]);
    let cyrillic = |s: &str| s.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c));
    for lang in ["uk", "ru"] {
        let t = a.text_in(lang);
        assert!(t.is_translated(), "{lang}");
        assert!(cyrillic(t.title()), "{lang}: {}", t.title());
        for (id, clause) in &a.clauses {
            assert_ne!(t.clause_title(id), clause.title.get_ref(), "{lang}: {id}");
            assert!(cyrillic(t.clause_title(id)), "{lang}: {id}");
            assert!(cyrillic(t.clause_text(id)), "{lang}: {id}");
        }
        for id in a.parties.keys().chain(a.organisations.keys()) {
            assert!(cyrillic(t.party_name(id)), "{lang}: {id}");
        }
        for id in a.phases.keys() {
            assert!(
                cyrillic(t.phase_title(id)) && cyrillic(t.phase_text(id)),
                "{lang}: {id}"
            );
        }
        for id in a.relief.keys() {
            assert!(
                cyrillic(t.tranche_title(id)) && cyrillic(t.tranche_text(id)),
                "{lang}: {id}"
            );
        }
        for id in a.guarantees.keys() {
            assert!(cyrillic(t.guarantee_title(id)), "{lang}: {id}");
        }
        for id in a.weapon_classes.keys() {
            assert!(cyrillic(t.weapon_class_title(id)), "{lang}: {id}");
        }
        for (id, z) in &a.zones {
            if z.title.is_some() {
                assert!(cyrillic(t.zone_title(id)), "{lang}: {id}");
            }
        }
    }
    // The OSCE mission's and the Minsk Package's own terms.
    let uk = a.text_in("uk");
    let ru = a.text_in("ru");
    assert!(
        uk.clause_text("ceasefire")
            .contains("порушення режиму припинення вогню")
    );
    assert!(
        ru.clause_text("ceasefire")
            .contains("нарушение режима прекращения огня")
    );
    assert!(
        uk.clause_text("heavy_weapons_withdrawal")
            .contains("Комплексу заходів")
    );
    assert!(
        ru.clause_text("heavy_weapons_withdrawal")
            .contains("Комплекса мер")
    );
    assert_eq!(
        uk.zone_title("line_of_contact")
            .split(' ')
            .take(2)
            .collect::<Vec<_>>(),
        ["Лінія", "зіткнення"]
    );
    assert_eq!(
        ru.zone_title("disengagement_kupiansk"),
        "Участок разведения «Купянск»"
    );
    // The English text is the main text's.
    assert_eq!(a.text_in("en").title(), a.title.get_ref());
}
