//! Statements: sign, serialise, parse, verify for every kind; any change to
//! the text or a signature is caught; unknown fields and wrong types are
//! refused with the field named; only the canonical spelling is accepted;
//! the published JSON Schema agrees with the parser.

use accord::statement::*;
use proptest::prelude::*;
use serde_json::{Value, json};
use tlog::keys::{KeyType, SignerKey};
use tlog::note::NoteVerifier;

fn key(name: &str) -> SignerKey {
    let mut seed = [0u8; 32];
    seed[..name.len().min(32)].copy_from_slice(&name.as_bytes()[..name.len().min(32)]);
    SignerKey::from_seed(name, KeyType::Ed25519, seed).unwrap()
}

const AGREEMENT: &str = "sha256:8368f85227d743452c33481fab88076165fc92429b82debb94b02907e8e64193";

fn envelope(kind: &str, body: Value) -> Value {
    json!({"v": 1, "kind": kind, "agreement": AGREEMENT, "issued_at": "2026-03-02T05:00:00Z", "body": body})
}

fn observation(category: &str, details: Value) -> Value {
    envelope(
        "observation",
        json!({
            "category": category,
            "observed": {"from": "2026-03-02T04:10:00Z", "to": "2026-03-02T04:25:00Z"},
            "position": {"lon": 37.62, "lat": 48.53, "uncertainty_m": 800},
            "sensor": "patrol",
            "details": details,
            "evidence": [{"sha256": format!("sha256:{}", "ab".repeat(32)), "media_type": "image/jpeg"}],
            "assessment": {"responsible": "RU", "confidence": "medium", "basis": "crater analysis"},
            "reference": "SMM-2026-03-02-07",
        }),
    )
}

/// One statement of every kind and every observation category.
fn samples() -> Vec<Value> {
    let sref = json!({"sha256": format!("sha256:{}", "cd".repeat(32)), "index": 41});
    vec![
        envelope(
            "adoption",
            json!({"title": "Framework", "version": "1.0.0"}),
        ),
        envelope(
            "accreditation",
            json!({"action": "grant", "organisation": "MISSION", "key": key("mission.example/m1").verifier().to_string()}),
        ),
        observation(
            "ceasefire_violation",
            json!({"events": [
                {"type": "explosion", "count": 4, "weapon_class": "artillery_100mm", "bearing_deg": 120, "distance_km": 3.5, "direction": "incoming"},
                {"type": "burst", "count": 12, "weapon": "small_arms"},
                {"type": "explosion", "count": 2, "weapon": "mlrs"}
            ]}),
        ),
        observation(
            "weapon_sighting",
            json!({"system": "2S1 Gvozdika", "calibre_mm": 122, "count": 3, "weapon_class": "artillery_100mm", "status": "in_violation_of_withdrawal_line"}),
        ),
        observation(
            "troop_movement",
            json!({"unit": "company", "personnel": 80, "vehicles": 12, "heading_deg": 270}),
        ),
        observation(
            "freedom_of_movement",
            json!({"restriction": "uav_jamming", "duration_minutes": 45}),
        ),
        observation(
            "civilian_casualties",
            json!({"killed": 1, "injured": 2, "cause": "shelling"}),
        ),
        observation(
            "infrastructure_damage",
            json!({"facility": "water", "damage": "major"}),
        ),
        observation(
            "crossing_status",
            json!({"crossing": "crossing_orikhiv", "status": "closed", "people_waiting": 300}),
        ),
        observation(
            "crossing_status",
            json!({"crossing": "crossing_siversk", "status": "open", "people_waiting": 120, "vehicles_waiting": 35, "wait_minutes": 90}),
        ),
        observation(
            "mines_uxo",
            json!({"kind": "demining", "count": 14, "area_m2": 25000}),
        ),
        observation(
            "localised_ceasefire",
            json!({"facility": "water", "window": {"from": "2026-03-01T06:00:00Z", "to": "2026-03-01T16:00:00Z"},
                   "held": true, "purpose": "repairs to the Donetsk Filter Station"}),
        ),
        observation(
            "storage_visit",
            json!({"site": "UA-PS-03", "access": "granted",
                   "found": [{"system": "2S1 Gvozdika", "count": 2, "serials": ["A1", "A2"]}]}),
        ),
        envelope(
            "declaration",
            json!({"party": "UA", "reference": "Annex 3", "sites": [
                {"id": "UA-PS-03", "name": "Permanent storage site 3", "kind": "permanent_storage",
                 "position": {"lon": 36.9, "lat": 48.9, "uncertainty_m": 100},
                 "inventory": [{"system": "2S1 Gvozdika", "weapon_class": "artillery_100mm", "count": 3, "serials": ["A1", "A2", "A3"]},
                               {"system": "BM-21 Grad", "count": 4}]}]}),
        ),
        observation(
            "disengagement_presence",
            json!({"area": "disengagement_huliaipole", "presence": "armed_personnel", "count": 6}),
        ),
        observation(
            "withdrawal_verified",
            json!({"weapon_class": "mlrs", "count": 4, "storage_site": "site 12"}),
        ),
        observation(
            "prisoner_exchange",
            json!({"released_by": "UA", "count": 150}),
        ),
        envelope(
            "corroboration",
            json!({"observation": sref, "agrees": true, "note": "heard from OP-3"}),
        ),
        envelope(
            "dispute",
            json!({"action": "lodge", "target": sref, "subject": "attribution", "grounds": "the fire came from the east"}),
        ),
        envelope(
            "dispute",
            json!({"action": "resolve", "target": sref, "outcome": "reattributed",
                   "assessment": {"responsible": "UA", "confidence": "high"}}),
        ),
        envelope(
            "certification",
            json!({"of": "transition", "target": "begin_verification", "statement": "Seven quiet days verified."}),
        ),
        envelope(
            "amendment",
            json!({"new_agreement": format!("sha256:{}", "ef".repeat(32)), "summary": "adds a crossing"}),
        ),
        envelope(
            "control",
            json!({"area": "disengagement_huliaipole", "to": "UA", "basis": "handover",
                   "summary": "handed over under the disengagement schedule", "reference": "Art. 4"}),
        ),
        envelope(
            "coverage",
            json!({"sensor": "patrol", "window": {"from": "2026-03-01T06:00:00Z", "to": "2026-03-01T14:00:00Z"},
                   "zones": ["donetsk"], "track": [[37.58, 48.74], [37.6, 48.6]], "reference": "patrol 12/3"}),
        ),
        envelope(
            "status",
            json!({"log_size": 1200, "status": format!("sha256:{}", "01".repeat(32)), "phase": "ceasefire",
                   "tranches": {"us_tranche_1": "pending"}}),
        ),
    ]
}

#[test]
fn every_kind_round_trips_through_signing() {
    let k1 = key("monitors.example/patrol-7");
    let k2 = key("mission.example/hq");
    let (v1, v2) = (k1.verifier(), k2.verifier());
    let mut kinds = std::collections::BTreeSet::new();
    for v in samples() {
        let s = Statement::from_value(v.clone()).unwrap_or_else(|e| panic!("{v}: {e}"));
        kinds.insert(s.kind());
        // The JSON a statement gives back is what it was made from.
        assert_eq!(
            serde_jcs::to_string(&s.to_value()).unwrap(),
            serde_jcs::to_string(&v).unwrap()
        );
        let mut signed = SignedStatement::sign(s.clone(), &k1).unwrap();
        let digest = signed.digest();
        signed.cosign(&k2).unwrap();
        assert_eq!(
            signed.digest(),
            digest,
            "co-signing does not change a statement's identity"
        );
        let bytes = signed.to_bytes();
        let parsed = SignedStatement::parse(&bytes).unwrap();
        assert_eq!(parsed.statement, s);
        assert_eq!(parsed.to_bytes(), bytes);
        let signers = parsed
            .verified_signers(&[&v1 as &dyn NoteVerifier, &v2])
            .unwrap();
        assert_eq!(signers.len(), 2);
        // Knowing one key is enough; the other signature is ignored.
        assert_eq!(
            parsed
                .verified_signers(&[&v2 as &dyn NoteVerifier])
                .unwrap()
                .len(),
            1
        );
    }
    assert_eq!(kinds.len(), Kind::ALL.len(), "every kind is covered");
}

#[test]
fn every_byte_of_the_text_is_covered_by_the_signature() {
    let k = key("monitors.example/patrol-7");
    let v = k.verifier();
    let s = Statement::from_value(samples()[2].clone()).unwrap();
    let bytes = SignedStatement::sign(s, &k).unwrap().to_bytes();
    let text_len = bytes.iter().position(|&b| b == b'\n').unwrap();
    for i in 0..bytes.len() {
        for bit in [0x01u8, 0x20] {
            let mut b = bytes.clone();
            b[i] ^= bit;
            let caught = match SignedStatement::parse(&b) {
                Err(_) => true,
                Ok(p) => p.verified_signers(&[&v as &dyn NoteVerifier]).is_err(),
            };
            assert!(
                caught,
                "flipping {bit:#x} at byte {i} ({}) went unnoticed",
                if i < text_len { "text" } else { "signature" }
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]
    /// Any edit anywhere in a signed statement (several bytes changed) is
    /// either refused when parsed or fails its signature.
    #[test]
    fn random_edits_are_caught(which in 0usize..18, edits in proptest::collection::vec((any::<usize>(), 1u8..=255), 1..4)) {
        let k = key("monitors.example/patrol-7");
        let v = k.verifier();
        let samples = samples();
        let s = Statement::from_value(samples[which % samples.len()].clone()).unwrap();
        let mut b = SignedStatement::sign(s, &k).unwrap().to_bytes();
        for (at, x) in edits {
            let i = at % b.len();
            b[i] ^= x;
        }
        let caught = match SignedStatement::parse(&b) {
            Err(_) => true,
            Ok(p) => p.verified_signers(&[&v as &dyn NoteVerifier]).is_err(),
        };
        prop_assert!(caught);
    }
}

fn err_of(v: Value) -> String {
    match Statement::from_value(v) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_fields_are_refused_with_their_path() {
    let with = |mut v: Value, path: &[&str], new: Value| -> Value {
        let mut at = &mut v;
        for p in &path[..path.len() - 1] {
            at = at.get_mut(*p).unwrap_or_else(|| panic!("no {p}"));
        }
        match new {
            Value::Null => {
                at.as_object_mut().unwrap().remove(path[path.len() - 1]);
            }
            x => {
                at[path[path.len() - 1]] = x;
            }
        }
        v
    };
    let cv = samples()[2].clone();
    let cases: Vec<(Value, &str)> = vec![
        (
            with(
                cv.clone(),
                &["body", "details", "events"],
                json!([{"type": "explosion", "count": "4"}]),
            ),
            "body.details.events[0].count: invalid type: string \"4\"",
        ),
        (
            with(
                cv.clone(),
                &["body", "details", "events"],
                json!([{"type": "boom", "count": 4}]),
            ),
            "body.details.events[0].type: unknown variant `boom`",
        ),
        (
            with(
                cv.clone(),
                &["body", "details", "events"],
                json!([{"type": "explosion", "count": 4, "colour": "red"}]),
            ),
            "body.details.events[0].colour: unknown field `colour`",
        ),
        (
            with(cv.clone(), &["body", "position", "lat"], json!(148.5)),
            "body.position.lat: 148.5 is not a latitude",
        ),
        (
            with(
                cv.clone(),
                &["body", "observer"],
                json!({"lon": 37.6, "lat": -91.0, "uncertainty_m": 50}),
            ),
            "body.observer.lat: -91 is not a latitude",
        ),
        (
            with(
                cv.clone(),
                &["body", "observer"],
                json!({"lon": 37.6, "lat": 48.1}),
            ),
            "body.observer: missing field `uncertainty_m`",
        ),
        (
            with(cv.clone(), &["body", "position", "lon"], json!("37.6")),
            "body.position.lon: invalid type: string",
        ),
        (
            with(
                cv.clone(),
                &["body", "position", "uncertainty_m"],
                Value::Null,
            ),
            "body.position: missing field `uncertainty_m`",
        ),
        (
            with(cv.clone(), &["body", "sensor"], json!("drone")),
            "body.sensor: unknown variant `drone`",
        ),
        (
            with(cv.clone(), &["body", "category"], json!("shelling")),
            "body.category: unknown variant `shelling`",
        ),
        (
            with(
                cv.clone(),
                &["body", "observed", "from"],
                json!("2026-03-02 04:10"),
            ),
            "body.observed.from: not an RFC 3339 time",
        ),
        (
            with(
                cv.clone(),
                &["body", "observed", "from"],
                json!("2026-03-02T06:10:00+02:00"),
            ),
            "body.observed.from: times are written in UTC to the second, as 2026-03-02T04:10:00Z",
        ),
        (
            with(
                cv.clone(),
                &["body", "observed", "to"],
                json!("2026-03-01T00:00:00Z"),
            ),
            "body.observed.to: ends before it starts",
        ),
        (
            with(cv.clone(), &["body", "details", "events"], json!([])),
            "body.details.events: lists at least one event",
        ),
        (
            with(cv.clone(), &["body", "extra"], json!(1)),
            "body.extra: unknown field `extra`",
        ),
        (
            with(cv.clone(), &["agreement"], json!("sha256:ABC")),
            "agreement: a digest is",
        ),
        (
            with(cv.clone(), &["kind"], json!("rumour")),
            "kind: unknown variant `rumour`",
        ),
        (with(cv.clone(), &["v"], json!(2)), "v: must be 1"),
        (
            with(cv.clone(), &["signature"], json!("x")),
            "signature: unknown field",
        ),
        (
            with(cv.clone(), &["issued_at"], Value::Null),
            "issued_at: missing",
        ),
        (
            with(
                samples()[3].clone(),
                &["body", "details", "count"],
                json!(0),
            ),
            "body.details.count: must be at least 1",
        ),
        (
            with(samples()[1].clone(), &["body", "key"], json!("not a key")),
            "body.key: key must have the form",
        ),
        (
            with(samples()[18].clone(), &["body", "grounds"], Value::Null),
            "body.grounds: a dispute lodged gives its grounds",
        ),
        (
            with(samples()[19].clone(), &["body", "assessment"], Value::Null),
            "body.assessment: a reattribution gives the new assessment",
        ),
    ];
    for (v, want) in cases {
        let got = err_of(v);
        assert!(got.starts_with(want), "got: {got}\nwant: {want}");
    }
}

#[test]
fn only_the_canonical_spelling_is_accepted() {
    let k = key("monitors.example/patrol-7");
    let s = Statement::from_value(samples()[2].clone()).unwrap();
    let canonical = s.canonical();
    let sign_text = |text: &str| {
        let mut n = tlog::Note::new(format!("{text}\n")).unwrap();
        n.sign(&k).unwrap();
        n.to_bytes()
    };
    assert!(SignedStatement::parse(&sign_text(&canonical)).is_ok());
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<Value>(&canonical).unwrap()).unwrap();
    let reordered = canonical
        .replacen("{\"agreement\":", "{\"v\":1,\"agreement\":", 1)
        .replacen(",\"v\":1}", "}", 1);
    let number = canonical.replacen("\"lat\":48.53", "\"lat\":48.530", 1);
    let escaped = canonical.replacen("crater analysis", "crater\\u0020analysis", 1);
    for (text, why) in [
        (pretty, "pretty-printed"),
        (reordered, "keys out of order"),
        (number, "48.530"),
        (escaped, "needless escape"),
    ] {
        assert_ne!(text, canonical, "{why}: the edit applied");
        match SignedStatement::parse(&sign_text(&text)) {
            Err(StatementError::NotCanonical { canonical: c }) => assert_eq!(c, canonical, "{why}"),
            Err(StatementError::Note(_)) if why == "pretty-printed" => {} // blank lines split the note
            other => panic!("{why}: {other:?}"),
        }
    }
}

#[test]
fn oversized_statements_are_refused() {
    let k = key("monitors.example/patrol-7");
    let mut v = samples()[2].clone();
    v["body"]["note"] = json!("x".repeat(70_000));
    let s = Statement::from_value(v).unwrap();
    assert!(matches!(
        SignedStatement::sign(s, &k),
        Err(StatementError::TooLarge { .. })
    ));
}

#[test]
fn the_json_schema_accepts_what_the_parser_accepts_and_refuses_what_it_refuses() {
    let schema = json_schema();
    let validator = jsonschema::draft202012::new(&schema).expect("the schema is valid JSON Schema");
    for v in samples() {
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{v}\n{errors:?}");
    }
    let mut bad = samples()[2].clone();
    bad["body"]["details"]["events"][0]["count"] = json!("4");
    assert!(!validator.is_valid(&bad), "a string count");
    let mut bad = samples()[3].clone();
    bad["body"]["details"]["status"] = json!("parked");
    assert!(!validator.is_valid(&bad), "an unknown weapon status");
    let mut bad = samples()[0].clone();
    bad["extra"] = json!(true);
    assert!(!validator.is_valid(&bad), "an unknown top-level field");
    let mut bad = samples()[8].clone();
    bad["body"]["details"] = json!({"killed": 1, "injured": 0});
    assert!(
        !validator.is_valid(&bad),
        "casualty details on a crossing observation"
    );
}

#[test]
fn names_are_checked_against_the_agreement() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/ukraine-2025/agreement.toml");
    let a = accord_engine::files::check_file(&dir)
        .unwrap()
        .agreement
        .unwrap();
    for v in samples() {
        let s = Statement::from_value(v.clone()).unwrap();
        if s.kind() != Kind::Adoption && s.kind() != Kind::Accreditation {
            s.check_against(&a).unwrap_or_else(|e| panic!("{v}: {e}"));
        }
    }
    let cases = [
        (
            samples()[3].clone(),
            "/body/details/weapon_class",
            json!("howitzers"),
            "body.details.weapon_class: `howitzers` is not a weapon class",
        ),
        (
            samples()[8].clone(),
            "/body/details/crossing",
            json!("crossing_moon"),
            "body.details.crossing: `crossing_moon` is not a crossing",
        ),
        (
            samples()[2].clone(),
            "/body/assessment/responsible",
            json!("XX"),
            "body.assessment.responsible: `XX` is not a party",
        ),
        (
            samples()[13].clone(),
            "/body/party",
            json!("XX"),
            "body.party: `XX` is not a party",
        ),
        (
            samples()[13].clone(),
            "/body/sites/0/inventory/0/weapon_class",
            json!("howitzers"),
            "body.sites[0].inventory[0].weapon_class: `howitzers` is not a weapon class",
        ),
        (
            samples()[20].clone(),
            "/body/target",
            json!("begin_peace"),
            "body.target: `begin_peace` is not a transition",
        ),
        (
            samples()[1].clone(),
            "/body/organisation",
            json!("NOBODY"),
            "body.organisation: `NOBODY` is not an organisation",
        ),
    ];
    for (mut v, pointer, new, want) in cases {
        *v.pointer_mut(pointer).unwrap() = new;
        let got = Statement::from_value(v)
            .unwrap()
            .check_against(&a)
            .unwrap_err()
            .to_string();
        assert!(got.starts_with(want), "got: {got}\nwant: {want}");
    }
}

/// The fields added for the daily report (weapon kinds, waiting times,
/// mines, windows of silence, storage sites and visits) are refused with
/// the field named when wrong.
#[test]
fn the_report_fields_name_the_field_when_wrong() {
    let parse = |v: Value| {
        Statement::from_value(v)
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    let cases: Vec<(Value, &str)> = vec![
        (
            observation(
                "ceasefire_violation",
                json!({"events": [{"type": "shot", "count": 3, "weapon": "rifle"}]}),
            ),
            "body.details.events[0].weapon: unknown variant `rifle`",
        ),
        (
            observation(
                "crossing_status",
                json!({"crossing": "crossing_siversk", "status": "open", "wait_minutes": -5}),
            ),
            "body.details.wait_minutes: invalid value: integer `-5`",
        ),
        (
            observation("mines_uxo", json!({"kind": "landmine"})),
            "body.details.kind: unknown variant `landmine`",
        ),
        (
            observation("mines_uxo", json!({"kind": "uxo", "area": 4})),
            "body.details.area: unknown field `area`",
        ),
        (
            observation(
                "localised_ceasefire",
                json!({"facility": "water", "window": {"from": "2026-03-01T06:00:00Z"}}),
            ),
            "body.details.window.to: a window of silence says when it ends",
        ),
        (
            observation(
                "localised_ceasefire",
                json!({"facility": "water", "window": {"from": "2026-03-01T06:00:00Z", "to": "2026-03-01T05:00:00Z"}}),
            ),
            "body.details.window.to: ends before it starts",
        ),
        (
            observation("storage_visit", json!({"site": "S1", "access": "refused"})),
            "body.details.access: unknown variant `refused`",
        ),
        (
            observation(
                "storage_visit",
                json!({"site": "S1", "access": "denied", "found": [{"system": "T-72", "count": 1}]}),
            ),
            "body.details.found: access was denied",
        ),
        (
            observation(
                "storage_visit",
                json!({"site": "S1", "access": "granted", "found": [{"system": "T-72", "count": 1, "serials": ["a", "b"]}]}),
            ),
            "body.details.found[0].serials: 2 serial numbers for a count of 1",
        ),
        (
            envelope("declaration", json!({"party": "UA", "sites": []})),
            "body.sites: declares at least one site",
        ),
        (
            envelope(
                "declaration",
                json!({"party": "UA", "sites": [
                {"id": "S1", "name": "one", "kind": "holding_area", "position": {"lon": 36.9, "lat": 48.9, "uncertainty_m": 1}},
                {"id": "S1", "name": "again", "kind": "holding_area", "position": {"lon": 36.9, "lat": 48.9, "uncertainty_m": 1}}]}),
            ),
            "body.sites[1].id: site `S1` is declared twice",
        ),
        (
            envelope(
                "declaration",
                json!({"party": "UA", "sites": [
                {"id": "S1", "name": "one", "kind": "depot", "position": {"lon": 36.9, "lat": 48.9, "uncertainty_m": 1}}]}),
            ),
            "body.sites[0].kind: unknown variant `depot`",
        ),
        (
            envelope(
                "declaration",
                json!({"party": "UA", "sites": [
                {"id": "S1", "name": "one", "kind": "holding_area", "position": {"lon": 236.9, "lat": 48.9, "uncertainty_m": 1}}]}),
            ),
            "body.sites[0].position.lon: 236.9 is not a longitude",
        ),
        (
            envelope(
                "declaration",
                json!({"party": "UA", "sites": [
                {"id": "S1", "name": "one", "kind": "holding_area", "position": {"lon": 36.9, "lat": 48.9, "uncertainty_m": 1},
                 "inventory": [{"system": "T-72", "count": 3, "serials": ["a", "b"]}]}]}),
            ),
            "body.sites[0].inventory[0].serials: 2 serial numbers for a count of 3",
        ),
        (
            // The same serial number at two sites of one declaration: one
            // weapon cannot be in two places.
            envelope(
                "declaration",
                json!({"party": "UA", "sites": [
                {"id": "S1", "name": "one", "kind": "holding_area", "position": {"lon": 36.9, "lat": 48.9, "uncertainty_m": 1},
                 "inventory": [{"system": "T-72", "count": 2, "serials": ["a", "b"]}]},
                {"id": "S2", "name": "two", "kind": "holding_area", "position": {"lon": 36.8, "lat": 48.9, "uncertainty_m": 1},
                 "inventory": [{"system": "T-72", "count": 1, "serials": ["b"]}]}]}),
            ),
            "body.sites[1].inventory[0].serials[0]: serial number `b` is declared twice (first at body.sites[0].inventory[0].serials[1])",
        ),
        (
            envelope(
                "declaration",
                json!({"party": "UA", "sites": [
                {"id": "S1", "name": "one", "kind": "holding_area", "position": {"lon": 36.9, "lat": 48.9, "uncertainty_m": 1},
                 "inventory": [{"system": "T-72", "count": 2}, {"system": "T-72", "count": 1}]}]}),
            ),
            "body.sites[0].inventory[1].system: `T-72` is listed twice",
        ),
        (
            envelope("declaration", json!({"sites": []})),
            "body: missing field `party`",
        ),
    ];
    for (v, want) in cases {
        let got = parse(v.clone()).expect_err(&format!("accepted: {v}"));
        assert!(got.starts_with(want), "{v}\n  got:  {got}\n  want: {want}");
    }
}
