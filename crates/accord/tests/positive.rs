//! Positive obligations: handovers, returns of displaced people, the
//! exchange of remains, a force's presence against a ceiling and routes
//! kept open, as statements and as the Nagorno-Karabakh example counts
//! them (examples/nagorno-karabakh-2020).
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests read fixtures; the rule is for the library (see crates/accord/clippy.toml)"
)]

use std::path::{Path, PathBuf};

use accord::agreement::{self, Agreement, Measure};
use accord::diag::render_plain;
use accord::evaluate::PeriodResult;
use accord::statement::{Digest, Statement, StatementError};
use accord_engine::files::DirLoader;
use accord_example::{Script, Written};
use serde_json::{Value, json};

/// Places (lon, lat) and what the example's annex says of them.
const STEPANAKERT: (f64, f64) = (46.7519, 39.8153);
const KALBAJAR: (f64, f64) = (46.0389, 40.1053);
/// On the corridor's road between Shusha and Lachin, on the Azerbaijani-held
/// side of the line of contact of 10 November 2020.
const CORRIDOR_NEAR_SHUSHA: (f64, f64) = (46.70, 39.730);
/// Lachin town, on the corridor's road, on the Armenian-held side.
const CORRIDOR_AT_LACHIN: (f64, f64) = (46.5461, 39.6394);

/// Half an hour after the ceasefire began (00:00 Moscow time, 10 November 2020).
const START: &str = "2020-11-09T21:30:00Z";

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/nagorno-karabakh-2020")
}

fn check_text(text: &str) -> agreement::Checked {
    let loader = DirLoader { dir: example_dir() };
    agreement::check("agreement.toml", text, &loader)
}

fn example_text() -> String {
    std::fs::read_to_string(example_dir().join("agreement.toml")).unwrap()
}

fn karabakh() -> (Agreement, Digest) {
    let c = check_text(&example_text());
    match (c.agreement, c.hash) {
        (Some(a), Some(h)) => (a, h),
        _ => panic!("{}", render_plain(&c.diags, &c.sources, 100)),
    }
}

fn evidence() -> Value {
    let photo = accord::statement::Digest::of(b"a photograph of what was seen");
    json!([{"sha256": photo, "media_type": "image/jpeg"}])
}

/// Adopted by the three signatories; one monitor each for the peacekeeping
/// centre, the Russian-Turkish centre and UNHCR.
fn start(a: &Agreement, h: Digest) -> Script<'_> {
    let mut s = Script::new(a, h, START.parse().unwrap());
    s.adopt().ok();
    s.accredit("PKF_CENTRE", 1).ok();
    s.accredit("RTJMC", 1).ok();
    s.accredit("UNHCR", 1).ok();
    s
}

/// An observation with evidence: verified by one organisation.
fn seen(s: &mut Script<'_>, by: &str, category: &str, at: (f64, f64), details: Value) -> Written {
    s.observe(by, category, at, details, json!({"evidence": evidence()}))
}

/// A clause's results for a party, period by period.
fn results(s: &Script<'_>, clause: &str, party: &str) -> Vec<PeriodResult> {
    s.eval.state.results[clause][party]
        .values()
        .cloned()
        .collect()
}

fn observation(category: &str, details: Value) -> Value {
    json!({
        "v": 1,
        "kind": "observation",
        "agreement": format!("sha256:{}", "00".repeat(32)),
        "issued_at": "2020-11-12T10:00:00Z",
        "body": {
            "category": category,
            "observed": {"from": "2020-11-12T09:00:00Z"},
            "position": {"lon": 46.75, "lat": 39.81, "uncertainty_m": 100},
            "sensor": "patrol",
            "details": details,
        },
    })
}

fn field_error(category: &str, details: Value) -> (String, String) {
    match Statement::from_value(observation(category, details)) {
        Err(StatementError::Field { path, message }) => (path, message),
        other => panic!("{category}: expected a field error, got {other:?}"),
    }
}

#[test]
fn each_new_category_parses_and_a_malformed_one_is_refused_where_it_is_wrong() {
    let good = [
        (
            "handover",
            json!({"area": "kalbajar", "from": "AM", "to": "AZ", "completed": true}),
        ),
        (
            "displaced_return",
            json!({"individuals": 120, "households": 31, "population": "idps", "kind": "organised", "from": "Baku", "to": "Aghdam"}),
        ),
        (
            "displaced_return",
            json!({"individuals": 5, "population": "refugees", "kind": "spontaneous"}),
        ),
        (
            "remains_exchange",
            json!({"released_by": "AZ", "count": 30}),
        ),
        (
            "force_presence",
            json!({"force": "peacekeeping", "personnel": 1960, "vehicles": 380, "armoured_vehicles": 90}),
        ),
        (
            "force_presence",
            json!({"force": "peacekeeping", "personnel": 400}),
        ),
        (
            "route_status",
            json!({"route": "lachin_corridor", "status": "open", "vehicles_passed": 42}),
        ),
    ];
    let (a, _) = karabakh();
    for (category, details) in good {
        let s = Statement::from_value(observation(category, details.clone()))
            .unwrap_or_else(|e| panic!("{category} {details}: {e}"));
        s.check_against(&a)
            .unwrap_or_else(|e| panic!("{category} {details}: {e}"));
        // One spelling: it serialises back to what was read.
        assert_eq!(
            s.to_value()["body"]["details"],
            details,
            "{category} round trip"
        );
    }

    let bad = [
        (
            "handover",
            json!({"area": "kalbajar", "from": "AM", "to": "AZ"}),
            "body.details",
            "completed",
        ),
        (
            "handover",
            json!({"area": "kalbajar", "from": "AM", "to": "AZ", "completed": true, "date": "x"}),
            "body.details.date",
            "unknown field `date`",
        ),
        (
            "handover",
            json!({"area": "kalbajar", "from": "AM", "to": "AM", "completed": true}),
            "body.details.to",
            "hands the area over to itself",
        ),
        (
            "displaced_return",
            json!({"individuals": 10, "population": "migrants", "kind": "organised"}),
            "body.details.population",
            "unknown variant `migrants`",
        ),
        (
            "displaced_return",
            json!({"individuals": 10, "households": 11, "population": "idps", "kind": "organised"}),
            "body.details.households",
            "11 households of 10 individuals",
        ),
        (
            "displaced_return",
            json!({"individuals": 0, "population": "idps", "kind": "organised"}),
            "body.details.individuals",
            "at least 1",
        ),
        (
            "remains_exchange",
            json!({"released_by": "AZ", "count": 0}),
            "body.details.count",
            "at least 1",
        ),
        (
            "remains_exchange",
            json!({"released_by": "AZ", "bodies": 3}),
            "body.details.bodies",
            "unknown field `bodies`",
        ),
        (
            "force_presence",
            json!({"force": "peacekeeping", "vehicles": 10}),
            "body.details",
            "personnel",
        ),
        (
            "force_presence",
            json!({"force": "peacekeeping", "personnel": -5}),
            "body.details.personnel",
            "invalid value",
        ),
        (
            "route_status",
            json!({"route": "lachin_corridor", "status": "blocked"}),
            "body.details.status",
            "unknown variant `blocked`",
        ),
    ];
    for (category, details, path, message) in bad {
        let (p, m) = field_error(category, details.clone());
        assert_eq!(p, path, "{category} {details}: {m}");
        assert!(m.contains(message), "{category} {details}: {m}");
    }

    // Names checked against the agreement.
    let named = [
        (
            "handover",
            json!({"area": "lachin_corridor", "from": "AM", "to": "AZ", "completed": true}),
            "body.details.area: `lachin_corridor` is not an area of the agreement",
        ),
        (
            "handover",
            json!({"area": "lachin", "from": "AM", "to": "TR", "completed": false}),
            "body.details.to: `TR` is not a party to the agreement",
        ),
        (
            "route_status",
            json!({"route": "kalbajar", "status": "closed"}),
            "body.details.route: `kalbajar` is not a route of the agreement (known: lachin_corridor, nakhchivan_link)",
        ),
        (
            "remains_exchange",
            json!({"released_by": "NK", "count": 2}),
            "body.details.released_by: `NK` is not a party to the agreement",
        ),
    ];
    for (category, details, message) in named {
        let s = Statement::from_value(observation(category, details)).unwrap();
        let e = s.check_against(&a).unwrap_err().to_string();
        assert!(e.starts_with(message), "{e}");
    }
}

#[test]
fn a_presence_is_held_against_its_ceiling_by_the_latest_count_not_the_sum() {
    let (a, h) = karabakh();
    let mut s = start(&a, h);
    let presence = |personnel: u32, armoured: u32| json!({"force": "peacekeeping", "personnel": personnel, "vehicles": 300, "armoured_vehicles": armoured});
    // Day 1 (10 November): 1,900 deployed.
    s.wait_hours(2.0);
    seen(
        &mut s,
        "PKF_CENTRE/1",
        "force_presence",
        STEPANAKERT,
        presence(1900, 80),
    )
    .ok();
    s.wait_hours(-2.0);
    s.days(2);
    // Day 3 (12 November): 2,000 present, above 1,960.
    s.wait_hours(2.0);
    seen(
        &mut s,
        "PKF_CENTRE/1",
        "force_presence",
        STEPANAKERT,
        presence(2000, 80),
    )
    .ok();
    s.wait_hours(-2.0);
    s.days(1);
    // Day 4: a few arrive, more leave: 1,950, within the ceiling.
    s.wait_hours(2.0);
    seen(
        &mut s,
        "PKF_CENTRE/1",
        "force_presence",
        STEPANAKERT,
        presence(1950, 80),
    )
    .ok();
    s.wait_hours(-2.0);
    s.days(1);

    let by_day = results(&s, "peacekeeping_ceiling", "RU");
    let personnel: Vec<i64> = by_day.iter().map(|r| r.metrics["personnel"]).collect();
    let kept: Vec<bool> = by_day.iter().map(|r| r.kept).collect();
    assert_eq!(personnel, [1900, 0, 2000, 1950], "{by_day:?}");
    assert_eq!(kept, [true, true, false, true], "{by_day:?}");
    // The breach rests on the one report of 2,000.
    assert_eq!(by_day[2].counted.len(), 1);
    let st = s.eval.status();
    let ru = &st.clauses["peacekeeping_ceiling"].by_party["RU"];
    assert_eq!(ru.breaches, 1);
}

#[test]
fn latest_takes_the_later_report_of_the_same_moment_and_max_the_largest() {
    let (a, h) = karabakh();
    let mut s = start(&a, h);
    s.wait_hours(2.0);
    // Same moment observed: the later in the log is the latest.
    let first = json!({"force": "peacekeeping", "personnel": 2100, "armoured_vehicles": 95});
    let second = json!({"force": "peacekeeping", "personnel": 1900, "armoured_vehicles": 70});
    seen(&mut s, "PKF_CENTRE/1", "force_presence", STEPANAKERT, first).ok();
    seen(
        &mut s,
        "PKF_CENTRE/1",
        "force_presence",
        STEPANAKERT,
        second,
    )
    .ok();
    s.wait_hours(-2.0);
    s.days(1);
    let day1 = &results(&s, "peacekeeping_ceiling", "RU")[0];
    assert_eq!(day1.metrics["personnel"], 1900, "{day1:?}");
    // The largest count of armoured vehicles: 95, above 90.
    assert_eq!(day1.metrics["armoured_vehicles"], 95, "{day1:?}");
    // Neither report gave vehicles: nothing is known of them, not a zero
    // count replacing an earlier one.
    assert_eq!(day1.metrics["vehicles"], 0, "{day1:?}");
    assert!(!day1.kept);
}

#[test]
fn latest_and_max_are_read_checked_and_exclusive() {
    let (a, _) = karabakh();
    let m = &a.clauses["peacekeeping_ceiling"].metrics;
    assert!(matches!(&m["personnel"].measure, Measure::Latest(f) if f.get_ref() == "personnel"));
    assert!(
        matches!(&m["armoured_vehicles"].measure, Measure::Max(f) if f.get_ref() == "armoured_vehicles")
    );
    assert_eq!(
        a.clauses["return_kalbajar"]
            .due
            .as_ref()
            .map(|d| d.get_ref().to_string()),
        Some("D+16".to_string())
    );

    let broken = |from: &str, to: &str| {
        let text = example_text();
        assert!(text.contains(from), "{from}");
        let c = check_text(&text.replacen(from, to, 1));
        assert!(c.agreement.is_none(), "{from} -> {to} should not check");
        render_plain(&c.diags, &c.sources, 200)
    };
    let two = broken(
        "latest = \"personnel\"",
        "latest = \"personnel\"\nsum = \"personnel\"",
    );
    assert!(
        two.contains("metric `personnel` says both `sum` and `latest`: a metric has one measure"),
        "{two}"
    );
    let no_number = broken("max = \"armoured_vehicles\"", "max = \"tanks\"");
    assert!(
        no_number
            .contains("`force_presence` observations have no number `tanks` to take the max of"),
        "{no_number}"
    );
    let early = broken("due = \"D+16\"", "due = \"D\"");
    assert!(
        early.contains("clause `return_kalbajar` is due at D, not after it takes effect at D"),
        "{early}"
    );
    let anchor = broken("due = \"D+11\"", "due = \"E+11\"");
    assert!(anchor.contains("`E`"), "{anchor}");
    let width = broken("width_m = 5000", "width_m = 0");
    assert!(
        width.contains("route `lachin_corridor` is 0 m wide"),
        "{width}"
    );
    let not_route = broken("distance_km = 5\n", "distance_km = 5\nwidth_m = 100\n");
    assert!(
        not_route.contains("zone `contact_zone` is a buffer: only a route has a corridor width"),
        "{not_route}"
    );
    let route_shape = broken(
        "source = \"annex/routes.geojson\"\nselect = { id = \"lachin-corridor\" }",
        "source = \"annex/districts.geojson\"\nselect = { id = \"lachin\" }",
    );
    assert!(
        route_shape.contains("LineString or MultiLineString"),
        "{route_shape}"
    );
}

#[test]
fn remains_are_counted_apart_from_prisoners_and_credited_to_who_released_them() {
    let (a, h) = karabakh();
    let mut s = start(&a, h);
    s.wait_hours(2.0);
    seen(
        &mut s,
        "RTJMC/1",
        "prisoner_exchange",
        STEPANAKERT,
        json!({"released_by": "AM", "count": 12}),
    )
    .ok();
    let remains = seen(
        &mut s,
        "RTJMC/1",
        "remains_exchange",
        STEPANAKERT,
        json!({"released_by": "AM", "count": 40}),
    )
    .ok();
    seen(
        &mut s,
        "RTJMC/1",
        "remains_exchange",
        STEPANAKERT,
        json!({"released_by": "AZ", "count": 3}),
    )
    .ok();
    s.wait_hours(-2.0);
    s.days(1);
    let o = s
        .eval
        .state
        .obs
        .iter()
        .find(|o| o.index == remains)
        .unwrap();
    assert_eq!(o.responsible.as_deref(), Some("AM"));
    assert_eq!(o.attribution, "details");
    let am = &results(&s, "exchange", "AM")[0];
    assert_eq!(am.metrics["prisoners_released"], 12, "{am:?}");
    assert_eq!(am.metrics["remains_returned"], 40, "{am:?}");
    let az = &results(&s, "exchange", "AZ")[0];
    assert_eq!(az.metrics["prisoners_released"], 0, "{az:?}");
    assert_eq!(az.metrics["remains_returned"], 3, "{az:?}");
    let st = s.eval.status();
    assert_eq!(st.observations.by_category["remains_exchange"], 2);
    assert_eq!(st.observations.by_category["prisoner_exchange"], 1);
}

#[test]
fn a_route_closure_is_attributed_by_where_it_is_seen() {
    // Seen by the Russian-Turkish centre: the peacekeepers' own centre
    // answers to the Russian Federation, and a party's organisations alone
    // never verify a charge against another party.
    let (a, h) = karabakh();
    let mut s = start(&a, h);
    s.wait_hours(2.0);
    let near_shusha = seen(
        &mut s,
        "RTJMC/1",
        "route_status",
        CORRIDOR_NEAR_SHUSHA,
        json!({"route": "lachin_corridor", "status": "closed"}),
    )
    .ok();
    let at_lachin = seen(
        &mut s,
        "RTJMC/1",
        "route_status",
        CORRIDOR_AT_LACHIN,
        json!({"route": "lachin_corridor", "status": "restricted"}),
    )
    .ok();
    // Open: not a closure.
    seen(
        &mut s,
        "RTJMC/1",
        "route_status",
        CORRIDOR_AT_LACHIN,
        json!({"route": "lachin_corridor", "status": "open", "vehicles_passed": 120}),
    )
    .ok();
    s.wait_hours(-2.0);
    s.days(1);
    let obs = |i: u64| s.eval.state.obs.iter().find(|o| o.index == i).unwrap();
    for (i, holder) in [(near_shusha, "AZ"), (at_lachin, "AM")] {
        let o = obs(i);
        assert_eq!(o.responsible.as_deref(), Some(holder), "{o:?}");
        assert_eq!(o.attribution, "location");
        assert!(o.zones.iter().any(|z| z == "lachin_corridor"), "{o:?}");
    }
    for party in ["AZ", "AM"] {
        let r = &results(&s, "lachin_corridor", party)[0];
        assert_eq!(r.metrics["closures"], 1, "{party}: {r:?}");
        assert!(!r.kept);
    }
    // 2.5 km from the road is on the corridor; 4 km is not.
    let off = seen(
        &mut s,
        "RTJMC/1",
        "route_status",
        (46.5461, 39.6394 + 4.0 / 111.0),
        json!({"route": "lachin_corridor", "status": "closed"}),
    )
    .ok();
    let off = s.eval.state.obs.iter().find(|o| o.index == off).unwrap();
    assert!(!off.zones.iter().any(|z| z == "lachin_corridor"), "{off:?}");
}

#[test]
fn a_handover_is_credited_to_the_party_handing_over_and_returns_are_summed() {
    let (a, h) = karabakh();
    let mut s = start(&a, h);
    s.days(14);
    s.wait_hours(2.0);
    let handover = seen(
        &mut s,
        "RTJMC/1",
        "handover",
        KALBAJAR,
        json!({"area": "kalbajar", "from": "AM", "to": "AZ", "completed": true}),
    )
    .ok();
    // Begun, not completed, elsewhere: not counted for Kalbajar.
    seen(
        &mut s,
        "RTJMC/1",
        "handover",
        (46.93, 39.99),
        json!({"area": "aghdam", "from": "AM", "to": "AZ", "completed": false}),
    )
    .ok();
    seen(
        &mut s,
        "UNHCR/1",
        "displaced_return",
        (46.93, 39.99),
        json!({"individuals": 120, "households": 30, "population": "idps", "kind": "organised"}),
    )
    .ok();
    seen(
        &mut s,
        "UNHCR/1",
        "displaced_return",
        STEPANAKERT,
        json!({"individuals": 7, "population": "refugees", "kind": "spontaneous", "from": "Yerevan"}),
    )
    .ok();
    s.wait_hours(-2.0);
    s.days(1);
    let o = s
        .eval
        .state
        .obs
        .iter()
        .find(|o| o.index == handover)
        .unwrap();
    assert_eq!(o.responsible.as_deref(), Some("AM"));
    assert_eq!(o.attribution, "details");
    let kalbajar = results(&s, "return_kalbajar", "AM");
    assert_eq!(kalbajar.last().unwrap().metrics["handed_over"], 1);
    assert!(kalbajar.last().unwrap().kept);
    let aghdam = results(&s, "return_aghdam", "AM");
    assert_eq!(aghdam.last().unwrap().metrics["handed_over"], 0);
    let returned = results(&s, "displaced_return", "AZ");
    assert_eq!(returned.last().unwrap().metrics["returned"], 127);
}
