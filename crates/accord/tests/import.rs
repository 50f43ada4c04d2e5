//! Importers on real data: every row of the real UCDP GED extract (3,077
//! events) imported or skipped for a reason, the statements valid,
//! canonical and deterministic, known events checked field by field
//! against the CSV; bad rows reported at the line where they start; an
//! ACLED file with ACLED's real header (synthetic rows, one per sub-event
//! type) mapped as docs/import.md says; GeoJSON streamed with lines.
//!
//! The expected counts were checked against the CSV with Python's csv
//! module (see the comments by each number).
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests read fixtures; the rule is for the library (see crates/accord/clippy.toml)"
)]

use std::collections::{BTreeMap, HashSet};

use accord::import::{self, Format, ImportError, Options, Reason, Row};
use accord::statement::*;
use tlog::keys::{KeyType, SignerKey};

const UCDP_FILE: &str = "events/ucdp_ged_ukraine_2014-01_to_2022-02-23.csv";

fn agreement() -> Digest {
    Digest::parse("sha256:8368f85227d743452c33481fab88076165fc92429b82debb94b02907e8e64193")
        .unwrap()
}

fn kyiv() -> Options {
    Options {
        timezone: jiff::tz::TimeZone::get("Europe/Kyiv").unwrap(),
        ..Options::new(agreement())
    }
}

fn utc() -> Options {
    Options::new(agreement())
}

fn ucdp_rows() -> Vec<Row> {
    let f = std::fs::File::open(testkit::data(UCDP_FILE)).unwrap();
    import::read_all(Format::Ucdp, f, &kyiv()).unwrap()
}

fn obs(s: &Statement) -> (&Observation, &Details) {
    match &s.body {
        Body::Observation(o, d) => (o, d),
        other => panic!("not an observation: {other:?}"),
    }
}

fn t(s: &str) -> Time {
    Time::parse(s).unwrap()
}

#[test]
fn every_row_of_the_real_ucdp_file_is_imported_or_skipped_with_a_reason() {
    let rows = ucdp_rows();
    // 3,077 events (PROVENANCE.md; Python: len(list(csv.DictReader(f)))).
    assert_eq!(rows.len(), 3077);
    let skipped: Vec<&Row> = rows.iter().filter(|r| r.outcome.is_err()).collect();
    // Every row is type_of_violence 1 (state-based), with valid coordinates,
    // dates, precision and clarity codes: none is skipped.
    assert!(skipped.is_empty(), "skipped: {skipped:#?}");

    let mut by_category: BTreeMap<&str, usize> = BTreeMap::new();
    let mut credibility: BTreeMap<String, usize> = BTreeMap::new();
    let mut uncertainty: BTreeMap<u64, usize> = BTreeMap::new();
    let mut killed = 0u64;
    let mut keys = HashSet::new();
    let mut ids = HashSet::new();
    for r in &rows {
        let statements = r.outcome.as_ref().unwrap();
        let id = r.id.as_deref().unwrap();
        assert!(ids.insert(id.to_string()), "id {id} twice");
        for s in statements {
            s.check().unwrap();
            // Canonical round trip: the text parses back to the same
            // statement, whose canonical text is the same.
            let text = s.canonical();
            let back = Statement::from_json(text.as_bytes()).unwrap();
            assert_eq!(&back, s);
            assert_eq!(back.canonical(), text);
            let (o, d) = obs(s);
            *by_category.entry(o.category.name()).or_default() += 1;
            assert_eq!(o.sensor, Sensor::OpenSource);
            assert!(o.assessment.is_none(), "UCDP names no shooter");
            assert_eq!(s.issued_at, o.observed.to.unwrap());
            let src = o.source.as_ref().unwrap();
            assert_eq!(src.dataset, "ucdp-ged");
            assert_eq!(src.id, id);
            assert_eq!(
                src.attribution.as_deref(),
                Some(
                    "UCDP GED (Sundberg & Melander 2013; Davies, Pettersson & Öberg 2023), CC BY 4.0"
                )
            );
            if o.category == Category::CeasefireViolation {
                *credibility
                    .entry(format!("{:?}", src.credibility))
                    .or_default() += 1;
                *uncertainty
                    .entry(o.position.uncertainty_m as u64)
                    .or_default() += 1;
            }
            if let Details::CivilianCasualties(c) = d {
                killed += u64::from(c.killed);
                assert_eq!(c.injured, 0);
            }
            assert!(keys.insert(import::statement_key(s).unwrap()));
        }
    }
    // Python: sum(int(r['deaths_civilians']) > 0) = 338 rows with civilian
    // deaths, sum(int(r['deaths_civilians'])) = 1,245 (PROVENANCE.md too).
    assert_eq!(
        by_category,
        BTreeMap::from([("ceasefire_violation", 3077), ("civilian_casualties", 338)])
    );
    assert_eq!(killed, 1245);
    // event_clarity 2: 226 rows; of the 2,851 clear ones, 428 name two or
    // more distinct `source_office`s.
    assert_eq!(
        credibility,
        BTreeMap::from([
            ("Confirmed".to_string(), 428),
            ("Possible".to_string(), 226),
            ("Probable".to_string(), 2423),
        ])
    );
    // where_prec 1: 751; 2: 1,606; 3: 17 and 7: 1 (50 km); 4: 469 and
    // 5: 231 (150 km); 6: 2.
    assert_eq!(
        uncertainty,
        BTreeMap::from([
            (2_000, 751),
            (25_000, 1606),
            (50_000, 18),
            (150_000, 700),
            (750_000, 2)
        ])
    );
}

#[test]
fn line_numbers_are_where_records_start_despite_multi_line_fields() {
    let rows = ucdp_rows();
    let line = |id: &str| {
        rows.iter()
            .find(|r| r.id.as_deref() == Some(id))
            .unwrap()
            .line
    };
    // Python: the start line of each record is the previous record's
    // `reader.line_num` + 1; 145 quoted fields hold line breaks, so the
    // last record (number 3,078 with the header) starts on line 3,236.
    assert_eq!(line("147997"), 2);
    assert_eq!(line("154671"), 69);
    assert_eq!(line("156953"), 211);
    assert_eq!(line("204785"), 414);
    assert_eq!(line("428182"), 2081);
    assert_eq!(line("451298"), 3236);
    assert_eq!(rows.last().unwrap().line, 3236);
    assert!(rows.windows(2).all(|w| w[0].line < w[1].line));
}

#[test]
fn importing_twice_gives_the_same_bytes_and_signatures() {
    let a = ucdp_rows();
    let b = ucdp_rows();
    assert_eq!(a, b);
    let key =
        SignerKey::from_seed("osint.accord.example/importer", KeyType::Ed25519, [7u8; 32]).unwrap();
    for (ra, rb) in a.iter().zip(&b).take(200) {
        for (sa, sb) in ra
            .outcome
            .as_ref()
            .unwrap()
            .iter()
            .zip(rb.outcome.as_ref().unwrap())
        {
            let x = SignedStatement::sign(sa.clone(), &key).unwrap().to_bytes();
            let y = SignedStatement::sign(sb.clone(), &key).unwrap().to_bytes();
            assert_eq!(x, y);
            assert_eq!(SignedStatement::parse(&x).unwrap().statement, *sa);
        }
    }
}

fn statements_of<'a>(rows: &'a [Row], id: &str) -> &'a [Statement] {
    rows.iter()
        .find(|r| r.id.as_deref() == Some(id))
        .unwrap()
        .outcome
        .as_ref()
        .unwrap()
}

#[test]
fn known_events_match_the_csv_field_by_field() {
    let rows = ucdp_rows();

    // 147997: Kyiv, 22 January 2014, Government of Ukraine - Maidan,
    // where_prec 1, event_clarity 1, five AFP articles (one office),
    // deaths_civilians 0, best 5.
    let s = statements_of(&rows, "147997");
    assert_eq!(s.len(), 1);
    let (o, d) = obs(&s[0]);
    assert_eq!(o.category, Category::CeasefireViolation);
    assert_eq!(
        *d,
        Details::CeasefireViolation(CeasefireViolation {
            events: vec![ViolationEvent {
                type_: ViolationType::Undetermined,
                count: 1,
                weapon_class: None,
                weapon: None,
                bearing_deg: None,
                distance_km: None,
                direction: None,
            }]
        })
    );
    assert_eq!(
        o.position,
        Position {
            lon: 30.52333,
            lat: 50.45,
            uncertainty_m: 2000.0
        }
    );
    // Kyiv was at UTC+2 in January.
    assert_eq!(o.observed.from, t("2014-01-21T22:00:00Z"));
    assert_eq!(o.observed.to, Some(t("2014-01-22T22:00:00Z")));
    assert_eq!(s[0].issued_at, t("2014-01-22T22:00:00Z"));
    let src = o.source.as_ref().unwrap();
    assert_eq!(src.credibility, Credibility::Probable);
    assert_eq!(o.reference.as_deref(), Some("UKR-2014-1-14085-0"));
    assert_eq!(
        o.note.as_deref(),
        Some("Government of Ukraine - Maidan; Kiev city; 5 deaths (best estimate)")
    );
    assert_eq!(s[0].agreement, agreement());

    // 156953: Donets Basin Area, 1 to 31 October 2014 (date_prec 4),
    // where_prec 5, event_clarity 2, 54 civilians killed. Kyiv moved from
    // UTC+3 to UTC+2 on 26 October 2014.
    let s = statements_of(&rows, "156953");
    assert_eq!(s.len(), 2);
    let (o, _) = obs(&s[0]);
    assert_eq!(o.observed.from, t("2014-09-30T21:00:00Z"));
    assert_eq!(o.observed.to, Some(t("2014-10-31T22:00:00Z")));
    assert_eq!((o.position.lon, o.position.lat), (38.65, 48.15));
    assert_eq!(o.position.uncertainty_m, 150_000.0);
    assert_eq!(
        o.source.as_ref().unwrap().credibility,
        Credibility::Possible
    );
    let (o2, d2) = obs(&s[1]);
    assert_eq!(o2.category, Category::CivilianCasualties);
    assert_eq!(
        *d2,
        Details::CivilianCasualties(CivilianCasualties {
            killed: 54,
            injured: 0,
            cause: None
        })
    );
    assert_eq!(o2.source, o.source);
    assert_eq!(o2.observed, o.observed);

    // 154671: "Donetsk town", adm_1 Rostov oblast, in Russia: imported
    // as UCDP places it (where it falls is the geography's business).
    // AFP;AFP;Reuters News: two offices, so confirmed. 1 civilian killed.
    let s = statements_of(&rows, "154671");
    assert_eq!(s.len(), 2);
    let (o, _) = obs(&s[0]);
    assert_eq!((o.position.lon, o.position.lat), (39.933333, 48.333333));
    assert_eq!(
        o.source.as_ref().unwrap().credibility,
        Credibility::Confirmed
    );
    assert_eq!(s[1].body.kind(), Kind::Observation);
    assert_eq!(obs(&s[1]).1.number("killed"), Some(1));

    // 204785: "Waters off Mariupol", where_prec 7 (50 km).
    let (o, _) = obs(&statements_of(&rows, "204785")[0]);
    assert_eq!(o.position.uncertainty_m, 50_000.0);
    assert_eq!((o.position.lon, o.position.lat), (37.600157, 47.064607));

    // 428182: the country centroid (49.0, 32.0), where_prec 6.
    let (o, _) = obs(&statements_of(&rows, "428182")[0]);
    assert_eq!(o.position.uncertainty_m, 750_000.0);
    assert_eq!(o.observed.from, t("2015-03-12T22:00:00Z"));
}

// --- Bad rows ----------------------------------------------------------------

/// The real header and the real first event's fields, to vary.
fn ucdp_header_and_row() -> (csv::StringRecord, csv::StringRecord) {
    let mut r = csv::Reader::from_path(testkit::data(UCDP_FILE)).unwrap();
    let h = r.headers().unwrap().clone();
    let row = r.records().next().unwrap().unwrap();
    (h, row)
}

fn with(h: &csv::StringRecord, row: &csv::StringRecord, changes: &[(&str, &str)]) -> Vec<String> {
    let mut v: Vec<String> = row.iter().map(str::to_string).collect();
    for (k, val) in changes {
        let i = h.iter().position(|x| x == *k).unwrap();
        v[i] = val.to_string();
    }
    v
}

fn write_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

#[test]
fn bad_rows_are_reported_at_the_line_where_they_start() {
    let (h, row) = ucdp_header_and_row();
    let header: Vec<String> = h.iter().map(str::to_string).collect();
    let ok = |id: &str| with(&h, &row, &[("id", id)]);
    let rows = vec![
        header,
        ok("1"),                                              // line 2
        with(&h, &row, &[("id", "2"), ("latitude", "95.2")]), // line 3
        // A quoted field over three lines (lines 4-6)...
        with(
            &h,
            &row,
            &[("id", "3"), ("source_headline", "one\ntwo\nthree")],
        ),
        // ...so this bad date is on line 7, record 6.
        with(
            &h,
            &row,
            &[
                ("id", "4"),
                ("date_start", "2015-02-30"),
                ("date_end", "2015-02-30"),
            ],
        ),
        with(&h, &row, &[("id", "5"), ("type_of_violence", "4")]), // line 8
        with(&h, &row, &[("id", "6"), ("date_end", "2014-01-01")]), // line 9: ends before it starts
        with(&h, &row, &[("id", "7"), ("longitude", "east")]),     // line 10
        with(&h, &row, &[("id", "8"), ("where_prec", "9")]),       // line 11
        with(&h, &row, &[("id", "9"), ("deaths_civilians", "-1")]), // line 12
        with(&h, &row, &[("id", ""), ("best", "3")]),              // line 13
        with(
            &h,
            &row,
            &[("id", "11"), ("latitude", "0"), ("longitude", "0")],
        ), // line 14
        // GED's own CSV writes dates with a time of day: fine.
        with(
            &h,
            &row,
            &[
                ("id", "12"),
                ("date_start", "2014-01-22 00:00:00.000"),
                ("date_end", "2014-01-22 00:00:00.000"),
            ],
        ), // line 15
        with(
            &h,
            &row,
            &[
                ("id", "13"),
                ("type_of_violence", "3"),
                ("deaths_civilians", "0"),
            ],
        ), // line 16
        with(
            &h,
            &row,
            &[
                ("id", "14"),
                ("type_of_violence", "3"),
                ("deaths_civilians", "4"),
            ],
        ), // line 17
    ];
    let mut bytes = write_csv(&rows);
    // A record with too few fields, on line 18.
    bytes.extend_from_slice(b"15,UKR-x,2014\n");
    let got = import::read_all(Format::Ucdp, &bytes[..], &utc()).unwrap();
    let summary: Vec<(u64, Option<&str>, Result<usize, Reason>)> = got
        .iter()
        .map(|r| {
            (
                r.line,
                r.id.as_deref(),
                r.outcome.as_ref().map(Vec::len).map_err(|s| s.reason),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (2, Some("1"), Ok(1)),
            (3, Some("2"), Err(Reason::BadCoordinate)),
            (4, Some("3"), Ok(1)),
            (7, Some("4"), Err(Reason::BadDate)),
            (8, Some("5"), Err(Reason::UnknownType)),
            (9, Some("6"), Err(Reason::BadDate)),
            (10, Some("7"), Err(Reason::BadCoordinate)),
            (11, Some("8"), Err(Reason::BadValue)),
            (12, Some("9"), Err(Reason::BadValue)),
            (13, None, Err(Reason::MissingValue)),
            (14, Some("11"), Err(Reason::BadCoordinate)),
            (15, Some("12"), Ok(1)),
            (16, Some("13"), Err(Reason::NoCasualties)),
            (17, Some("14"), Ok(1)),
            (18, None, Err(Reason::Malformed)),
        ]
    );
    let msg = |line: u64| {
        got.iter()
            .find(|r| r.line == line)
            .unwrap()
            .outcome
            .as_ref()
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        msg(3),
        "bad coordinate: latitude 95.2 is out of range (-90 to 90)"
    );
    assert!(
        msg(7).contains("\"2015-02-30\" is not a day of the calendar"),
        "{}",
        msg(7)
    );
    assert!(msg(8).contains("`type_of_violence` \"4\""), "{}", msg(8));
    assert!(
        msg(9).contains("ends (2014-01-01) before it starts (2014-01-22)"),
        "{}",
        msg(9)
    );
    assert!(
        msg(18).contains("3 fields, but the header has 49"),
        "{}",
        msg(18)
    );
    // One-sided violence gives casualties only.
    let one_sided = &got[13].outcome.as_ref().unwrap()[0];
    assert_eq!(obs(one_sided).0.category, Category::CivilianCasualties);
    assert_eq!(obs(one_sided).1.number("killed"), Some(4));
    // Only data problems are errors; a row out of scope is not.
    assert!(Reason::BadDate.is_error() && !Reason::NoCasualties.is_error());
}

#[test]
fn a_missing_column_is_reported_once_by_name() {
    let (h, row) = ucdp_header_and_row();
    let drop = |names: &[&str]| -> Vec<u8> {
        let keep: Vec<usize> = (0..h.len()).filter(|&i| !names.contains(&&h[i])).collect();
        let pick =
            |r: &csv::StringRecord| keep.iter().map(|&i| r[i].to_string()).collect::<Vec<_>>();
        write_csv(&[pick(&h), pick(&row), pick(&row)])
    };
    let err = import::read_all(Format::Ucdp, &drop(&["latitude"])[..], &utc()).unwrap_err();
    assert!(
        matches!(&err, ImportError::MissingColumns { columns, line: 1, .. } if columns == &["latitude"]),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("lacks the required column `latitude`"),
        "{err}"
    );
    let err =
        import::read_all(Format::Ucdp, &drop(&["date_end", "where_prec"])[..], &utc()).unwrap_err();
    assert!(
        err.to_string().contains("columns `where_prec`, `date_end`"),
        "{err}"
    );
    // Optional columns may go; order does not matter; a BOM and case are ignored.
    let mut cols: Vec<(String, String)> = h
        .iter()
        .zip(row.iter())
        .filter(|(k, _)| {
            ![
                "relid",
                "dyad_name",
                "best",
                "source_office",
                "where_coordinates",
            ]
            .contains(k)
        })
        .map(|(k, v)| (k.to_uppercase(), v.to_string()))
        .collect();
    cols.reverse();
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend(write_csv(&[
        cols.iter().map(|c| c.0.clone()).collect(),
        cols.iter().map(|c| c.1.clone()).collect(),
    ]));
    let got = import::read_all(Format::Ucdp, &bytes[..], &utc()).unwrap();
    let (o, _) = obs(&got[0].outcome.as_ref().unwrap()[0]);
    assert_eq!(o.source.as_ref().unwrap().id, "147997");
    assert_eq!(o.reference, None);
    assert_eq!(o.note, None);
    // Empty input; a header named twice.
    assert!(matches!(
        import::read_all(Format::Ucdp, &b""[..], &utc()),
        Err(ImportError::Empty(Format::Ucdp))
    ));
    let twice = b"id,latitude,ID\n1,2,3\n";
    assert!(matches!(
        import::read_all(Format::Ucdp, &twice[..], &utc()),
        Err(ImportError::DuplicateColumn { line: 1, .. })
    ));
}

// --- ACLED -----------------------------------------------------------------

const ACLED_HEADER: &str = "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp";

/// A synthetic ACLED row (not ACLED data): the given fields, the rest
/// plausible filler.
fn acled_row(fields: &[(&str, &str)]) -> Vec<String> {
    let h: Vec<&str> = ACLED_HEADER.split(',').collect();
    let mut v: Vec<String> = h
        .iter()
        .map(|k| {
            match *k {
                "event_date" => "2024-03-01",
                "year" => "2024",
                "time_precision" => "1",
                "disorder_type" => "Political violence",
                "actor1" => "Actor A",
                "actor2" => "Actor B",
                "inter1" => "1",
                "inter2" => "8",
                "interaction" => "18",
                "iso" => "804",
                "region" => "Europe",
                "country" => "Ukraine",
                "admin1" => "Donetsk",
                "location" => "Testville",
                "latitude" => "48.0",
                "longitude" => "37.8",
                "geo_precision" => "1",
                "source" => "Source One",
                "source_scale" => "National",
                "notes" => "Synthetic test row.",
                "fatalities" => "0",
                "timestamp" => "1709300000",
                _ => "",
            }
            .to_string()
        })
        .collect();
    for (k, val) in fields {
        let i = h.iter().position(|x| x == k).unwrap();
        v[i] = val.to_string();
    }
    v
}

fn acled_import(rows: &[Vec<String>]) -> Vec<Row> {
    let mut all = vec![ACLED_HEADER.split(',').map(str::to_string).collect()];
    all.extend(rows.iter().cloned());
    import::read_all(Format::Acled, &write_csv(&all)[..], &utc()).unwrap()
}

/// (category, violation type or cause) of each statement of a row, or the reason.
fn shape(r: &Row) -> Result<Vec<(Category, String)>, Reason> {
    match &r.outcome {
        Err(s) => Err(s.reason),
        Ok(v) => Ok(v
            .iter()
            .map(|s| {
                let (o, d) = obs(s);
                let what = match d {
                    Details::CeasefireViolation(c) => format!("{:?}", c.events[0].type_),
                    Details::CivilianCasualties(c) => format!("{:?} killed {}", c.cause, c.killed),
                    _ => String::new(),
                };
                (o.category, what)
            })
            .collect()),
    }
}

#[test]
fn acled_rows_map_as_documented() {
    let types: &[(&str, &str, &str, &str)] = &[
        // event_type, sub_event_type, civilian_targeting, fatalities
        ("Battles", "Armed clash", "", "3"),
        ("Battles", "Government regains territory", "", "0"),
        ("Battles", "Non-state actor overtakes territory", "", "1"),
        (
            "Explosions/Remote violence",
            "Shelling/artillery/missile attack",
            "Civilian targeting",
            "2",
        ),
        (
            "Explosions/Remote violence",
            "Shelling/artillery/missile attack",
            "",
            "2",
        ),
        (
            "Explosions/Remote violence",
            "Air/drone strike",
            "Civilian targeting",
            "1",
        ),
        (
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
            "Civilian targeting",
            "1",
        ),
        ("Explosions/Remote violence", "Grenade", "", "0"),
        (
            "Explosions/Remote violence",
            "Suicide bomb",
            "Civilian targeting",
            "0",
        ),
        ("Explosions/Remote violence", "Chemical weapon", "", "0"),
        (
            "Violence against civilians",
            "Attack",
            "Civilian targeting",
            "4",
        ),
        (
            "Violence against civilians",
            "Attack",
            "Civilian targeting",
            "0",
        ),
        (
            "Violence against civilians",
            "Sexual violence",
            "Civilian targeting",
            "0",
        ),
        (
            "Violence against civilians",
            "Abduction/forced disappearance",
            "Civilian targeting",
            "0",
        ),
        ("Protests", "Peaceful protest", "", "0"),
        ("Protests", "Protest with intervention", "", "0"),
        ("Protests", "Excessive force against protesters", "", "1"),
        ("Riots", "Violent demonstration", "", "0"),
        ("Riots", "Mob violence", "", "0"),
        ("Strategic developments", "Agreement", "", "0"),
        ("Strategic developments", "Arrests", "", "0"),
        (
            "Strategic developments",
            "Change to group/activity",
            "",
            "0",
        ),
        ("Strategic developments", "Disrupted weapons use", "", "0"),
        (
            "Strategic developments",
            "Headquarters or base established",
            "",
            "0",
        ),
        (
            "Strategic developments",
            "Looting/property destruction",
            "",
            "0",
        ),
        (
            "Strategic developments",
            "Non-violent transfer of territory",
            "",
            "0",
        ),
        ("Strategic developments", "Other", "", "0"),
        ("Battles", "Tank duel", "", "0"),
        (
            "Remote violence",
            "Shelling/artillery/missile attack",
            "",
            "0",
        ),
    ];
    let rows: Vec<Vec<String>> = types
        .iter()
        .enumerate()
        .map(|(i, (e, s, c, f))| {
            acled_row(&[
                ("event_id_cnty", &format!("UKR{}", 1000 + i)),
                ("event_type", e),
                ("sub_event_type", s),
                ("civilian_targeting", c),
                ("fatalities", f),
            ])
        })
        .collect();
    let got = acled_import(&rows);
    use Category::*;
    let v = |t: &str| (CeasefireViolation, t.to_string());
    let cas = |c: &str, k: u32| (CivilianCasualties, format!("{c} killed {k}"));
    let expected: Vec<Result<Vec<(Category, String)>, Reason>> = vec![
        Ok(vec![v("Undetermined")]),
        Ok(vec![v("Undetermined")]),
        Ok(vec![v("Undetermined")]),
        Ok(vec![v("Explosion"), cas("Some(Shelling)", 2)]),
        Ok(vec![v("Explosion")]),
        Ok(vec![v("Explosion"), cas("Some(Airstrike)", 1)]),
        Ok(vec![v("Explosion"), cas("Some(MineOrUxo)", 1)]),
        Ok(vec![v("Explosion")]),
        Ok(vec![v("Explosion")]),
        Ok(vec![v("Undetermined")]),
        Ok(vec![cas("None", 4)]),
        Err(Reason::NoCasualties),
        Err(Reason::NoCategory),
        Err(Reason::NoCategory),
        Err(Reason::NotCeasefireMatter),
        Err(Reason::NotCeasefireMatter),
        Err(Reason::NotCeasefireMatter),
        Err(Reason::NotCeasefireMatter),
        Err(Reason::NotCeasefireMatter),
        Err(Reason::NotCeasefireMatter),
        Err(Reason::NotCeasefireMatter),
        Err(Reason::NotCeasefireMatter),
        Ok(vec![v("Undetermined")]),
        Ok(vec![(TroopMovement, String::new())]),
        Err(Reason::NoCategory),
        Ok(vec![(TroopMovement, String::new())]),
        Err(Reason::NotCeasefireMatter),
        Err(Reason::UnknownType),
        Err(Reason::UnknownType),
    ];
    let shapes: Vec<_> = got.iter().map(shape).collect();
    for (i, (g, e)) in shapes.iter().zip(&expected).enumerate() {
        assert_eq!(g, e, "row {} ({:?})", i + 2, types[i]);
    }
    assert_eq!(got.len(), expected.len());
    // Every sub-event type of ACLED's taxonomy is in the table.
    assert_eq!(
        import::ACLED_TYPES
            .iter()
            .map(|(_, s, _)| s.to_ascii_lowercase().replace("protestors", "protesters"))
            .collect::<HashSet<_>>()
            .len(),
        25
    );
    // Line numbers, ids, attribution, sensor, no assessment.
    assert_eq!(got[0].line, 2);
    assert_eq!(got[28].line, 30);
    let s = &got[0].outcome.as_ref().unwrap()[0];
    let (o, _) = obs(s);
    let src = o.source.as_ref().unwrap();
    assert_eq!(
        (src.dataset.as_str(), src.id.as_str()),
        ("acled", "UKR1000")
    );
    assert!(src.attribution.as_deref().unwrap().starts_with("ACLED"));
    assert_eq!(o.sensor, Sensor::OpenSource);
    assert!(o.assessment.is_none());
    assert_eq!(
        o.note.as_deref(),
        Some("Battles: Armed clash; Testville; 3 fatalities")
    );
    assert_eq!(o.observed.from, t("2024-03-01T00:00:00Z"));
    assert_eq!(o.observed.to, Some(t("2024-03-02T00:00:00Z")));
}

#[test]
fn acled_dates_precision_and_credibility() {
    let base = [("event_type", "Battles"), ("sub_event_type", "Armed clash")];
    let row = |id: &str, more: &[(&str, &str)]| {
        let mut f: Vec<(&str, &str)> = base.to_vec();
        f.push(("event_id_cnty", id));
        f.extend_from_slice(more);
        acled_row(&f)
    };
    let got = acled_import(&[
        row("A1", &[("event_date", "24 February 2022")]),
        row(
            "A2",
            &[("event_date", "24-02-2022"), ("time_precision", "2")],
        ),
        row(
            "A3",
            &[("event_date", "2022-02-24"), ("time_precision", "3")],
        ),
        row(
            "A4",
            &[("geo_precision", "2"), ("source", "Source One; Source Two")],
        ),
        row(
            "A5",
            &[("geo_precision", "3"), ("source_scale", "New media")],
        ),
        row("A6", &[("geo_precision", "4")]),
        row("A7", &[("event_date", "2022-02-31")]),
        row("A8", &[("latitude", "48,0")]),
        row("A9", &[("fatalities", "many")]),
        row("A10", &[("time_precision", "5")]),
    ]);
    let o = |i: usize| obs(&got[i].outcome.as_ref().unwrap()[0]).0.clone();
    assert_eq!(o(0).observed.from, t("2022-02-24T00:00:00Z"));
    assert_eq!(o(1).observed.from, t("2022-02-21T00:00:00Z"));
    assert_eq!(o(1).observed.to, Some(t("2022-02-28T00:00:00Z")));
    assert_eq!(o(2).observed.from, t("2022-02-01T00:00:00Z"));
    assert_eq!(o(2).observed.to, Some(t("2022-03-01T00:00:00Z")));
    assert_eq!(o(0).position.uncertainty_m, 2_000.0);
    assert_eq!(o(3).position.uncertainty_m, 25_000.0);
    assert_eq!(o(4).position.uncertainty_m, 150_000.0);
    let cred = |i: usize| o(i).source.unwrap().credibility;
    assert_eq!(cred(0), Credibility::Probable);
    assert_eq!(cred(3), Credibility::Confirmed);
    assert_eq!(cred(4), Credibility::Possible);
    let reason = |i: usize| got[i].outcome.as_ref().unwrap_err().reason;
    assert_eq!(reason(5), Reason::BadValue);
    assert_eq!(reason(6), Reason::BadDate);
    assert_eq!(reason(7), Reason::BadCoordinate);
    assert_eq!(reason(8), Reason::BadValue);
    assert_eq!(reason(9), Reason::BadValue);
    // A missing required column, named.
    let err = import::read_all(
        Format::Acled,
        &b"event_id_cnty,event_date,event_type,latitude,longitude,geo_precision\n"[..],
        &utc(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("columns `sub_event_type`, `fatalities`"),
        "{err}"
    );
}

// --- GeoJSON ---------------------------------------------------------------

#[test]
fn geojson_features_stream_with_their_lines() {
    let text = r#"{
  "type": "FeatureCollection",
  "name": "field-reports",
  "features": [
    {
      "type": "Feature",
      "geometry": {"type": "Point", "coordinates": [37.8, 48.0]},
      "properties": {"id": "r-1", "date": "2025-09-01", "category": "ceasefire_violation"}
    },
    {"type": "Feature", "id": 7,
     "geometry": {"type": "Point", "coordinates": [37.9, 48.1]},
     "properties": {"observed_at": "2025-09-01T04:30:00+03:00", "observed_to": "2025-09-01T05:00:00+03:00",
                    "category": "civilian_casualties", "details": {"killed": 1, "injured": 2, "cause": "shelling"},
                    "uncertainty_m": 300, "credibility": "probable", "attribution": "Field team (CC BY 4.0)",
                    "note": "hospital report", "extra": "ignored"}},
    {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[37, 48], [38, 48]]},
     "properties": {"id": "r-3", "date": "2025-09-01", "category": "ceasefire_violation"}},
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [37.9, 98.1]},
     "properties": {"id": "r-4", "date": "2025-09-01", "category": "ceasefire_violation"}},
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [37.9, 48.1]},
     "properties": {"id": "r-5", "date": "2025-09-01", "category": "shelling"}},
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [37.9, 48.1]},
     "properties": {"id": "r-6", "category": "troop_movement"}},
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [37.9, 48.1]},
     "properties": {"id": "r-7", "date": "2025-09-01", "category": "weapon_sighting", "details": {"system": "T-72"}}}
  ]
}
"#;
    let got = import::read_all(Format::GeoJson, text.as_bytes(), &kyiv()).unwrap();
    let lines: Vec<(u64, Option<&str>, Result<usize, Reason>)> = got
        .iter()
        .map(|r| {
            (
                r.line,
                r.id.as_deref(),
                r.outcome.as_ref().map(Vec::len).map_err(|s| s.reason),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            (5, Some("r-1"), Ok(1)),
            (10, Some("7"), Ok(1)),
            (16, Some("r-3"), Err(Reason::Malformed)),
            (18, Some("r-4"), Err(Reason::BadCoordinate)),
            (20, Some("r-5"), Err(Reason::UnknownType)),
            (22, Some("r-6"), Err(Reason::MissingValue)),
            (24, Some("r-7"), Err(Reason::InvalidObservation)),
        ]
    );
    let (o, d) = obs(&got[0].outcome.as_ref().unwrap()[0]);
    assert_eq!(o.source.as_ref().unwrap().dataset, "field-reports");
    assert_eq!(
        o.source.as_ref().unwrap().credibility,
        Credibility::Possible
    );
    assert_eq!(o.position.uncertainty_m, 1_000.0);
    assert_eq!(d.number("events"), Some(1));
    assert_eq!(o.observed.from, t("2025-08-31T21:00:00Z"));
    let s = &got[1].outcome.as_ref().unwrap()[0];
    let (o, d) = obs(s);
    assert_eq!(o.observed.from, t("2025-09-01T01:30:00Z"));
    assert_eq!(s.issued_at, t("2025-09-01T02:00:00Z"));
    assert_eq!(d.number("injured"), Some(2));
    assert_eq!(o.position.uncertainty_m, 300.0);
    assert_eq!(o.note.as_deref(), Some("hospital report"));
    assert_eq!(
        o.source.as_ref().unwrap().attribution.as_deref(),
        Some("Field team (CC BY 4.0)")
    );
    let msg = got[6].outcome.as_ref().unwrap_err().to_string();
    assert!(msg.contains("body.details"), "{msg}");

    // The dataset's name may be given instead; without either, the
    // collection is refused before any row.
    let no_name = text.replace("\"name\": \"field-reports\",", "");
    let err = import::read_all(Format::GeoJson, no_name.as_bytes(), &kyiv()).unwrap_err();
    assert!(err.to_string().contains("names no dataset"), "{err}");
    let named = Options {
        dataset: Some("reports-2025".into()),
        ..kyiv()
    };
    let got = import::read_all(Format::GeoJson, no_name.as_bytes(), &named).unwrap();
    assert_eq!(
        obs(&got[0].outcome.as_ref().unwrap()[0])
            .0
            .source
            .as_ref()
            .unwrap()
            .dataset,
        "reports-2025"
    );
    // Not a FeatureCollection; broken JSON, with its line.
    let err = import::read_all(
        Format::GeoJson,
        &br#"{"type": "Feature", "features": []}"#[..],
        &kyiv(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("not a FeatureCollection"), "{err}");
    let err = import::read_all(
        Format::GeoJson,
        &b"{\"type\": \"FeatureCollection\",\n \"features\": [\n {]}"[..],
        &kyiv(),
    )
    .unwrap_err();
    assert!(matches!(err, ImportError::Json { line: 3, .. }), "{err:?}");
}

#[test]
fn a_reader_can_stop_early_and_memory_does_not_depend_on_the_file() {
    // The callback sees one row at a time and may stop.
    let f = std::fs::File::open(testkit::data(UCDP_FILE)).unwrap();
    let mut n = 0;
    import::read(Format::Ucdp, f, &utc(), |_| {
        n += 1;
        if n == 10 {
            std::ops::ControlFlow::Break(())
        } else {
            std::ops::ControlFlow::Continue(())
        }
    })
    .unwrap();
    assert_eq!(n, 10);
}
