//! The index, on SQLite and on PostgreSQL: the same checks, written once,
//! run on each backend.
//!
//! - A live index, built batch by batch (random boundaries) as the server
//!   builds it, holds exactly what the evaluator holds, and equals the
//!   index `reindex` rebuilds from the log alone.
//! - Every query returns exactly what a plain filter over the evaluator's
//!   observations returns, page after page (a property test over random
//!   queries).
//! - Each format parses back; a statement is found by both its hashes;
//!   deltas out of order are refused; a newer schema is refused.
//!
//! The histories: a scripted one (monitors reporting, corroborating,
//! dissenting; disputes upheld, rejected, reattributed, withdrawn and left
//! to expire; refused entries), and real events (UCDP GED, imported as
//! open-source reports).
//!
//! PostgreSQL runs as a throwaway local cluster (`testkit::postgres`):
//! one per test process, a database per check.

use std::ops::ControlFlow;
use std::sync::{Arc, OnceLock};

use accord::agreement::Agreement;
use accord::evaluate::{Evaluator, Versions};
use accord::import::{self, Format as ImportFormat};
use accord::statement::{Body, Digest, SignedStatement, Statement};
use accord_example::{self as example, Script, Written};
use accord_server::index::{
    Collector, Delta, Dump, Format, Index, IndexError, MAX_LIMIT, MIGRATIONS, ObservationQuery,
    ObservationRow, Standing, reindex, render,
};
use jiff::Timestamp;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::json;
use tlog::{DirSource, DirStorage, Log};

// --- histories ------------------------------------------------------------------------

fn agreement() -> &'static (Agreement, Digest) {
    static A: OnceLock<(Agreement, Digest)> = OnceLock::new();
    A.get_or_init(example::agreement)
}

/// A small deterministic generator, so that the histories are the same on
/// every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const PLACES: [(f64, f64); 5] = [
    (37.58, 48.74),   // Kramatorsk
    (37.80, 48.00),   // Donetsk
    (38.03, 48.33),   // Horlivka
    (38.097, 48.862), // Siversk
    (36.25, 49.99),   // Kharkiv
];
const MONITORS: [&str; 3] = ["MISSION/1", "JCCC_UA/1", "JCCC_RU/1"];

/// Twelve days of monitors at work: reports near each other (so that some
/// verify each other), corroborations and dissent, disputes of every
/// outcome, and entries the evaluator refuses.
fn scripted() -> &'static [Vec<u8>] {
    static H: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    H.get_or_init(|| {
        let (a, h) = agreement();
        let mut s = Script::new(a, *h, "2026-03-02T10:00:00Z".parse().unwrap());
        s.adopt().ok();
        for org in ["MISSION", "JCCC_UA", "JCCC_RU"] {
            s.accredit(org, 1).ok();
        }
        s.patrol("MISSION/1", &[]);
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut reports: Vec<Written> = Vec::new();
        let mut open: Vec<(Written, &str)> = Vec::new();
        for _day in 0..12 {
            for _ in 0..14 {
                s.wait_hours(0.2 + rng.unit());
                match rng.below(10) {
                    0..=4 => {
                        let (lon, lat) = PLACES[rng.below(PLACES.len())];
                        let at = (
                            lon + (rng.unit() - 0.5) * 0.02,
                            lat + (rng.unit() - 0.5) * 0.02,
                        );
                        let by = MONITORS[rng.below(3)];
                        let assessment = match rng.below(3) {
                            0 => json!({}),
                            1 => json!({"assessment": {"responsible": "RU", "confidence": "medium"}}),
                            _ => json!({"assessment": {"responsible": "UA", "confidence": "low"}}),
                        };
                        let w = if rng.below(3) == 0 {
                            s.observe(
                                by,
                                "troop_movement",
                                at,
                                json!({"personnel": 10 + rng.below(50), "vehicles": rng.below(8)}),
                                assessment,
                            )
                        } else {
                            s.observe(
                                by,
                                "ceasefire_violation",
                                at,
                                json!({"events": [{"type": "explosion", "count": 1 + rng.below(20)}]}),
                                assessment,
                            )
                        };
                        if w.rejected.is_none() {
                            reports.push(w);
                        }
                    }
                    5 | 6 if !reports.is_empty() => {
                        let of = reports[rng.below(reports.len())].clone();
                        s.corroborate(MONITORS[rng.below(3)], &of, rng.below(4) != 0);
                    }
                    7 if !reports.is_empty() => {
                        let of = reports[reports.len() - 1 - rng.below(reports.len().min(4))].clone();
                        let by = ["RU", "UA"][rng.below(2)];
                        let lodge = s.dispute(
                            "lodge",
                            &of,
                            json!({"subject": "facts", "grounds": "not so"}),
                            &[by],
                        );
                        if lodge.rejected.is_none() {
                            open.push((lodge, by));
                        }
                    }
                    8 if !open.is_empty() => {
                        let (lodge, by) = open.remove(rng.below(open.len()));
                        match rng.below(5) {
                            0 => s.dispute("resolve", &lodge, json!({"outcome": "upheld"}), &["UA", "RU"]),
                            1 => s.dispute("resolve", &lodge, json!({"outcome": "rejected"}), &["UA", "RU"]),
                            2 => s.dispute(
                                "resolve",
                                &lodge,
                                json!({"outcome": "reattributed", "assessment": {"responsible": "RU", "confidence": "high", "basis": "craters"}}),
                                &["UA", "RU"],
                            ),
                            3 => s.dispute("withdraw", &lodge, json!({}), &[by]),
                            // Left to run out its time.
                            _ => continue,
                        };
                    }
                    _ => {
                        // Refused entries: a duplicate, and junk.
                        if let Some(e) = s.entries.get(4 + rng.below(s.entries.len() - 4)).cloned() {
                            s.append(e);
                        }
                        s.append(b"not a statement\n".to_vec());
                    }
                }
            }
            s.days(1);
        }
        s.entries
    })
}

/// Real events: UCDP GED's for the first 120 days after a D-day of 15
/// February 2015 (the Minsk II ceasefire), as open-source reports, with
/// the operator's status statement after each day.
fn ucdp() -> &'static [Vec<u8>] {
    static H: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    H.get_or_init(|| {
        let (a, h) = agreement();
        let kyiv = jiff::tz::TimeZone::get("Europe/Kyiv").unwrap();
        let d = jiff::civil::date(2015, 2, 15)
            .to_zoned_datetime(kyiv.clone())
            .unwrap()
            .timestamp();
        let end = Timestamp::from_second(d.as_second() + 120 * 86400).unwrap();
        let mut options = import::Options::new(*h);
        options.timezone = kyiv;
        let file = std::fs::File::open(testkit::data(
            "events/ucdp_ged_ukraine_2014-01_to_2022-02-23.csv",
        ))
        .unwrap();
        let mut reports: Vec<Statement> = Vec::new();
        import::read(
            ImportFormat::Ucdp,
            std::io::BufReader::new(file),
            &options,
            |row| {
                if let Ok(statements) = row.outcome {
                    for st in statements {
                        let from = match &st.body {
                            Body::Observation(o, _) => o.observed.from.0,
                            _ => st.issued_at.0,
                        };
                        if from >= d && st.issued_at.0 >= d && st.issued_at.0 < end {
                            reports.push(st);
                        }
                    }
                }
                ControlFlow::Continue(())
            },
        )
        .unwrap();
        reports.sort_by_key(|s| s.issued_at.0);
        assert!(reports.len() > 200, "{} reports", reports.len());
        let importer = example::key("osint.accord.example/importer");
        let mut s = Script::new(a, *h, d);
        s.adopt().ok();
        let mut next = reports.into_iter().peekable();
        while s.now < end {
            s.wait_hours(24.0);
            while let Some(st) = next.next_if(|st| st.issued_at.0 <= s.now) {
                s.append(SignedStatement::sign(st, &importer).unwrap().to_bytes());
            }
            s.status();
        }
        s.entries
    })
}

// --- building indexes -----------------------------------------------------------------

/// What an index should hold after `entries`: the evaluator's rows.
struct Expected {
    observations: Vec<ObservationRow>,
    refused: Vec<(u64, String)>,
}

fn expected(entries: &[Vec<u8>]) -> Expected {
    let (a, h) = agreement();
    let mut ev = Evaluator::new(a, *h);
    for e in entries {
        ev.apply(e);
    }
    Expected {
        observations: ev
            .state
            .obs
            .iter()
            .map(|o| ObservationRow::of(&ev, o))
            .collect(),
        refused: ev
            .state
            .rejections
            .iter()
            .map(|(i, why)| (*i, why.to_string()))
            .collect(),
    }
}

/// Builds an index as the live server does: entries applied one by one,
/// a delta per batch, the batches cut at random.
fn build_live(index: &Index, entries: &[Vec<u8>], seed: u64) {
    let (a, h) = agreement();
    let mut ev = Evaluator::new(a, *h);
    let mut c = Collector::new(&ev);
    let mut rng = Rng(seed | 1);
    let mut k = 0;
    while k < entries.len() {
        // Small batches mostly: an observation verified by a later report
        // near it, or a dispute running out, falls in a later batch.
        let most = if rng.below(4) == 0 { 60 } else { 6 };
        let n = 1 + rng.below(most);
        for e in &entries[k..(k + n).min(entries.len())] {
            let _ = ev.apply_entry(e);
            c.record(&ev, e).unwrap();
        }
        k = (k + n).min(entries.len());
        index.apply(&c.delta(&ev)).unwrap();
    }
    assert_eq!(index.indexed_size().unwrap(), entries.len() as u64);
}

/// Writes `entries` as a log, verified.
fn write_log(entries: &[Vec<u8>]) -> (tempfile::TempDir, tlog::verify::VerifiedLog) {
    let dir = tempfile::tempdir().unwrap();
    let storage = Arc::new(DirStorage::new(dir.path()).unwrap());
    let mut log = Log::create(storage, example::key("log.mission.accord.example/log")).unwrap();
    log.append_batch(entries).unwrap();
    let key = example::key("log.mission.accord.example/log").verifier();
    let verified = accord_engine::verify_log(&DirSource::new(dir.path()), &key, &[], None).unwrap();
    (dir, verified)
}

/// Writes `entries` as a log and rebuilds `index` from it.
fn rebuild(index: &Index, entries: &[Vec<u8>]) {
    let (dir, verified) = write_log(entries);
    let (a, h) = agreement();
    let size = reindex(
        index,
        &Versions::one(a, *h),
        &DirSource::new(dir.path()),
        &verified,
    )
    .unwrap();
    assert_eq!(size, entries.len() as u64);
}

/// Catches `index` up with the log of `entries`.
fn catch_up(index: &Index, entries: &[Vec<u8>]) -> Result<u64, IndexError> {
    let (dir, verified) = write_log(entries);
    let (a, h) = agreement();
    let caught = accord_server::index::catch_up(
        index,
        &Versions::one(a, *h),
        &DirSource::new(dir.path()),
        &verified,
    )?;
    assert_eq!(caught.evaluator.state.size, entries.len() as u64);
    Ok(caught.size)
}

// --- the checks, for any backend ------------------------------------------------------

/// A new, empty index of the backend under test.
type Fresh<'a> = &'a dyn Fn() -> Index;

fn check_live_equals_rebuilt(fresh: Fresh<'_>, entries: &[Vec<u8>], seeds: &[u64]) -> Dump {
    let want = expected(entries);
    let rebuilt = fresh();
    // Something left over is cleared by a rebuild.
    build_live(&rebuilt, &entries[..entries.len() / 3], 5);
    rebuild(&rebuilt, entries);
    let rebuilt = rebuilt.dump().unwrap();
    assert_eq!(rebuilt.indexed_size, entries.len() as u64);
    assert_eq!(rebuilt.statements.len(), entries.len());
    assert_eq!(rebuilt.observations.len(), want.observations.len());
    for (got, want) in rebuilt.observations.iter().zip(&want.observations) {
        assert_eq!(got, want);
    }
    let refused: Vec<(u64, String)> = rebuilt
        .statements
        .iter()
        .filter_map(|s| {
            s.refused
                .as_ref()
                .map(|r| (s.index, r.why.clone().unwrap()))
        })
        .collect();
    assert_eq!(refused, want.refused);
    for (s, e) in rebuilt.statements.iter().zip(entries) {
        assert_eq!(s.entry_hash, tlog::leaf_hash(e).0);
        assert_eq!(s.accepted, s.refused.is_none());
        let parsed = SignedStatement::parse(e).ok();
        assert_eq!(s.digest, parsed.as_ref().map(|p| p.digest()));
        assert_eq!(s.kind, parsed.as_ref().map(|p| p.statement.kind()));
        assert_eq!(s.issued_at, parsed.as_ref().map(|p| p.statement.issued_at));
        if let Some(p) = &parsed {
            let names: Vec<&str> = p
                .note
                .signatures()
                .iter()
                .map(|l| l.name.as_str())
                .collect();
            assert_eq!(s.signers, names);
        }
    }
    for &seed in seeds {
        let live = fresh();
        build_live(&live, entries, seed);
        let live = live.dump().unwrap();
        assert!(
            live == rebuilt,
            "the live index (seed {seed}) differs from the rebuilt one"
        );
    }
    // A server stopped two thirds of the way, caught up from the log on
    // restart.
    let stopped = fresh();
    build_live(&stopped, &entries[..entries.len() * 2 / 3], 11);
    assert_eq!(catch_up(&stopped, entries).unwrap(), entries.len() as u64);
    assert!(stopped.dump().unwrap() == rebuilt, "caught up, it differs");
    // Caught up already: nothing to do.
    assert_eq!(catch_up(&stopped, entries).unwrap(), entries.len() as u64);
    assert!(stopped.dump().unwrap() == rebuilt);
    // An index of more than the log, or of another log: refused.
    let e = catch_up(&stopped, &entries[..entries.len() / 2]).unwrap_err();
    assert!(matches!(e, IndexError::NotThisLog(_)), "{e}");
    let other = fresh();
    build_live(&other, &entries[..30], 12);
    let mut forked = entries[..30].to_vec();
    forked[29] = b"another entry\n".to_vec();
    let e = catch_up(&other, &forked).unwrap_err();
    assert!(e.to_string().contains("not of this log"), "{e}");
    rebuilt
}

/// Whether an observation passes a query's filters: what the SQL must
/// find, said plainly.
fn passes(q: &ObservationQuery, r: &ObservationRow) -> bool {
    let t = r.observed.0.as_second();
    q.from.is_none_or(|f| t >= f)
        && q.to.is_none_or(|to| t < to)
        && q.zone.as_ref().is_none_or(|z| r.zones.contains(z))
        && q.category.is_none_or(|c| r.category == c)
        && q.party
            .as_ref()
            .is_none_or(|p| r.responsible.as_ref() == Some(p))
        && q.reporter.as_ref().is_none_or(|p| &r.reporter == p)
        && q.verified.is_none_or(|v| r.verified == v)
        && q.standing.is_none_or(|s| r.standing == s)
        && q.bbox.is_none_or(|[w, s, e, n]| {
            let lon = if w <= e {
                r.lon >= w && r.lon <= e
            } else {
                r.lon >= w || r.lon <= e
            };
            lon && r.lat >= s && r.lat <= n
        })
}

/// Every page of a query, following the cursors through the query
/// parameters as a client does.
fn all_pages(index: &Index, pairs: &[(String, String)]) -> Vec<ObservationRow> {
    let mut q = ObservationQuery::from_pairs(pairs).unwrap();
    let mut out: Vec<ObservationRow> = Vec::new();
    loop {
        let page = index.observations(&q).unwrap();
        assert!(page.rows.len() <= q.limit as usize);
        let Some(next) = page.next_cursor else {
            out.extend(page.rows);
            return out;
        };
        // A page with a next one is full.
        assert_eq!(page.rows.len(), q.limit as usize);
        out.extend(page.rows);
        let mut more = pairs.to_vec();
        more.push(("cursor".into(), next));
        q = ObservationQuery::from_pairs(&more).unwrap();
    }
}

fn check_queries(index: &Index, rows: &[ObservationRow], cases: u32) {
    // Everything, once each, in log order.
    let every = all_pages(index, &[("limit".into(), "7".into())]);
    assert_eq!(every, rows);
    assert_eq!(all_pages(index, &[]), rows);

    let mut zones: Vec<String> = rows.iter().flat_map(|r| r.zones.clone()).collect();
    zones.sort();
    zones.dedup();
    zones.push("no_such_zone".into());
    let mut categories: Vec<String> = rows.iter().map(|r| r.category.name().into()).collect();
    categories.sort();
    categories.dedup();
    categories.push("prisoner_exchange".into());
    let mut parties: Vec<String> = rows.iter().filter_map(|r| r.responsible.clone()).collect();
    parties.sort();
    parties.dedup();
    parties.push("NOBODY".into());
    let mut reporters: Vec<String> = rows.iter().map(|r| r.reporter.clone()).collect();
    reporters.sort();
    reporters.dedup();
    let t0 = rows.iter().map(|r| r.observed.0.as_second()).min().unwrap() - 86400;
    let t1 = rows.iter().map(|r| r.observed.0.as_second()).max().unwrap() + 86400;
    let lon0 = rows.iter().map(|r| r.lon).fold(f64::INFINITY, f64::min) - 0.1;
    let lon1 = rows.iter().map(|r| r.lon).fold(f64::NEG_INFINITY, f64::max) + 0.1;
    let lat0 = rows.iter().map(|r| r.lat).fold(f64::INFINITY, f64::min) - 0.1;
    let lat1 = rows.iter().map(|r| r.lat).fold(f64::NEG_INFINITY, f64::max) + 0.1;
    let time = |s: i64| Timestamp::from_second(s).unwrap().to_string();

    // Times of observations themselves half the time: the edges of the
    // range are where a filter goes wrong.
    let times: Vec<i64> = rows.iter().map(|r| r.observed.0.as_second()).collect();
    let a_time = prop_oneof![proptest::sample::select(times), t0..t1];
    let lons: Vec<f64> = rows.iter().map(|r| r.lon).collect();
    let lats: Vec<f64> = rows.iter().map(|r| r.lat).collect();
    let a_lon = prop_oneof![proptest::sample::select(lons), lon0..lon1];
    let a_lat = prop_oneof![proptest::sample::select(lats), lat0..lat1];
    let strategy = (
        proptest::option::weighted(0.25, a_time.clone()),
        proptest::option::weighted(0.25, a_time),
        proptest::option::weighted(0.25, proptest::sample::select(zones)),
        proptest::option::weighted(0.25, proptest::sample::select(categories)),
        proptest::option::weighted(0.25, proptest::sample::select(parties)),
        proptest::option::weighted(0.2, proptest::sample::select(reporters)),
        proptest::option::weighted(0.25, any::<bool>()),
        proptest::option::weighted(0.25, proptest::sample::select(Standing::ALL.to_vec())),
        proptest::option::weighted(0.25, (a_lon.clone(), a_lat.clone(), a_lon, a_lat)),
        proptest::option::weighted(0.8, 1u32..40),
    );
    // Queries that find something, and that need more than one page: a
    // property test of empty results would prove little.
    let found = std::cell::Cell::new((0u32, 0u32));
    // The same queries on every run, so that a failure can be had again
    // (and the count of queries finding something is stable).
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    runner
        .run(
            &strategy,
            |(from, to, zone, category, party, reporter, verified, standing, bbox, limit)| {
                let mut pairs: Vec<(String, String)> = Vec::new();
                let (from, to) = match (from, to) {
                    (Some(f), Some(t)) if f > t => (Some(t), Some(f)),
                    other => other,
                };
                let mut put = |k: &str, v: Option<String>| {
                    if let Some(v) = v {
                        pairs.push((k.to_string(), v));
                    }
                };
                put("from", from.map(time));
                put("to", to.map(time));
                put("zone", zone);
                put("category", category);
                put("party", party);
                put("reporter", reporter);
                put("verified", verified.map(|v| v.to_string()));
                put("standing", standing.map(|s| s.name().to_string()));
                put(
                    "bbox",
                    bbox.map(|(w, s, e, n)| {
                        // West past east stays: a box across the
                        // antimeridian.
                        format!("{w},{},{e},{}", s.min(n), s.max(n))
                    }),
                );
                put("limit", limit.map(|l| l.to_string()));
                let q = ObservationQuery::from_pairs(&pairs).unwrap();
                let want: Vec<&ObservationRow> = rows.iter().filter(|r| passes(&q, r)).collect();
                prop_assert_eq!(index.count(&q).unwrap(), want.len() as u64);
                let got = all_pages(index, &pairs);
                let got: Vec<&ObservationRow> = got.iter().collect();
                let (some, paged) = found.get();
                found.set((
                    some + u32::from(!want.is_empty()),
                    paged + u32::from(want.len() > q.limit as usize),
                ));
                prop_assert_eq!(got, want, "query {:?}", pairs);
                Ok(())
            },
        )
        .unwrap();
    let (some, paged) = found.get();
    assert!(
        some >= cases / 4 && paged >= cases / 10,
        "of {cases} queries, {some} found something and {paged} took pages"
    );
}

fn check_formats(index: &Index, rows: &[ObservationRow]) {
    let q = ObservationQuery::from_pairs(&[("limit".into(), "9".into())]).unwrap();
    let page = index.observations(&q).unwrap();
    assert_eq!(page.rows, rows[..9]);
    let next = page.next_cursor.clone().unwrap();

    let v: serde_json::Value = serde_json::from_slice(&render(&page, Format::Json)).unwrap();
    assert_eq!(v["next"], json!(next));
    let back: Vec<ObservationRow> = serde_json::from_value(v["observations"].clone()).unwrap();
    assert_eq!(back, page.rows);

    let text = String::from_utf8(render(&page, Format::JsonLines)).unwrap();
    let back: Vec<ObservationRow> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(back, page.rows);

    let bytes = render(&page, Format::Csv);
    let mut r = csv::Reader::from_reader(&bytes[..]);
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, accord_server::index::CSV_COLUMNS);
    let records: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), page.rows.len());
    for (rec, row) in records.iter().zip(&page.rows) {
        let col = |name: &str| &rec[header.iter().position(|h| h == name).unwrap()];
        assert_eq!(col("index"), row.index.to_string());
        assert_eq!(col("digest"), row.digest.to_string());
        assert_eq!(col("lon").parse::<f64>().unwrap(), row.lon);
        assert_eq!(col("lat").parse::<f64>().unwrap(), row.lat);
        assert_eq!(col("zones"), row.zones.join(";"));
        assert_eq!(col("standing"), row.standing.name());
        assert_eq!(col("observed"), row.observed.to_string());
        let events: serde_json::Value = serde_json::from_str(col("events")).unwrap();
        assert_eq!(events, serde_json::to_value(&row.events).unwrap());
    }

    let text = String::from_utf8(render(&page, Format::GeoJson)).unwrap();
    let gj: geojson::GeoJson = text.parse().unwrap();
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        panic!("not a FeatureCollection: {text}")
    };
    assert_eq!(fc.foreign_members.as_ref().unwrap()["next"], json!(next));
    assert_eq!(fc.features.len(), page.rows.len());
    for (f, row) in fc.features.iter().zip(&page.rows) {
        match &f.geometry.as_ref().unwrap().value {
            geojson::GeometryValue::Point { coordinates } => {
                assert_eq!(coordinates.as_slice(), [row.lon, row.lat]);
            }
            other => panic!("{other:?}"),
        }
        let props = serde_json::Value::Object(f.properties.clone().unwrap());
        let back: ObservationRow = serde_json::from_value(props).unwrap();
        assert_eq!(&back, row);
    }

    for f in Format::ALL {
        assert_eq!(Format::from_name(f.name()), Some(f));
        assert!(!f.content_type().is_empty());
    }
    // The last page has no next.
    let mut pairs = vec![("limit".to_string(), MAX_LIMIT.to_string())];
    let mut last = index
        .observations(&ObservationQuery::from_pairs(&pairs).unwrap())
        .unwrap();
    while let Some(c) = last.next_cursor.clone() {
        pairs.truncate(1);
        pairs.push(("cursor".into(), c));
        last = index
            .observations(&ObservationQuery::from_pairs(&pairs).unwrap())
            .unwrap();
    }
    let v: serde_json::Value = serde_json::from_slice(&render(&last, Format::Json)).unwrap();
    assert_eq!(v["next"], serde_json::Value::Null);
}

fn check_lookup(index: &Index, entries: &[Vec<u8>], dump: &Dump) {
    for (i, e) in entries.iter().enumerate() {
        let by_entry = index.statement(&tlog::leaf_hash(e).0).unwrap().unwrap();
        // The same bytes logged twice: the first.
        let first = entries.iter().position(|x| x == e).unwrap();
        assert_eq!(by_entry.index, first as u64);
        assert_eq!(
            index.statement_at(i as u64).unwrap().as_ref(),
            Some(&dump.statements[i])
        );
        if let Some(d) = dump.statements[i].digest {
            let by_digest = index.statement(&d.0).unwrap().unwrap();
            assert_eq!(by_digest.digest, Some(d));
            // The accepted one, if one is.
            let accepted = dump
                .statements
                .iter()
                .find(|s| s.digest == Some(d) && s.accepted);
            match accepted {
                Some(a) => assert_eq!(by_digest.index, a.index),
                None => assert!(!by_digest.accepted),
            }
        }
    }
    assert_eq!(index.statement(&[7; 32]).unwrap(), None);
    assert_eq!(index.statement_at(entries.len() as u64).unwrap(), None);
    let o = &dump.observations[3];
    assert_eq!(index.observation_at(o.index).unwrap().as_ref(), Some(o));
    // A duplicate was refused, and says so.
    let dup = dump
        .statements
        .iter()
        .find(|s| s.refused.as_ref().is_some_and(|r| r.kind == "duplicate"))
        .expect("the history has a duplicate");
    assert!(
        dup.refused
            .as_ref()
            .unwrap()
            .why
            .as_ref()
            .unwrap()
            .contains("duplicate")
    );
}

fn check_deltas_in_order(fresh: Fresh<'_>) {
    let index = fresh();
    let entries = &scripted()[..30];
    let (a, h) = agreement();
    let mut ev = Evaluator::new(a, *h);
    let mut c = Collector::new(&ev);
    for e in &entries[..10] {
        ev.apply(e);
        c.record(&ev, e).unwrap();
    }
    let first = c.delta(&ev);
    for e in &entries[10..] {
        ev.apply(e);
        c.record(&ev, e).unwrap();
    }
    let second = c.delta(&ev);
    assert_eq!((second.from, second.to), (10, 30));
    // The second before the first: refused, and nothing written.
    let e = index.apply(&second).unwrap_err();
    assert!(
        matches!(
            e,
            IndexError::OutOfOrder {
                indexed: 0,
                from: 10
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("log order"), "{e}");
    assert_eq!(index.indexed_size().unwrap(), 0);
    assert_eq!(index.dump().unwrap().statements, vec![]);
    index.apply(&first).unwrap();
    // Twice: refused.
    assert!(matches!(
        index.apply(&first),
        Err(IndexError::OutOfOrder {
            indexed: 10,
            from: 0
        })
    ));
    // Malformed: a statement missing.
    let mut short = second.clone();
    short.statements.pop();
    assert!(matches!(index.apply(&short), Err(IndexError::BadDelta(_))));
    index.apply(&second).unwrap();
    assert_eq!(index.indexed_size().unwrap(), 30);
    // An empty delta moves nothing, and is fine.
    index
        .apply(&Delta {
            from: 30,
            to: 30,
            ..Delta::default()
        })
        .unwrap();
    // A collector told of an entry twice says so.
    let mut ev2 = Evaluator::new(a, *h);
    let mut c2 = Collector::new(&ev2);
    ev2.apply(&entries[0]);
    c2.record(&ev2, &entries[0]).unwrap();
    assert!(matches!(
        c2.record(&ev2, &entries[0]),
        Err(IndexError::OutOfStep {
            expected: 2,
            found: 1
        })
    ));
    index.clear().unwrap();
    assert_eq!(index.indexed_size().unwrap(), 0);
    assert_eq!(index.dump().unwrap().observations, vec![]);
}

/// The database server drops every connection (a restart, a network
/// cut): writes and reads reconnect.
fn check_reconnects(cluster: &testkit::postgres::Cluster) {
    let url = cluster.create_db("reconnects");
    let index = Index::open(&url).unwrap();
    let entries = &scripted()[..40];
    let (a, h) = agreement();
    let mut ev = Evaluator::new(a, *h);
    let mut c = Collector::new(&ev);
    let mut delta = |range: std::ops::Range<usize>| {
        for e in &entries[range] {
            ev.apply(e);
            c.record(&ev, e).unwrap();
        }
        c.delta(&ev)
    };
    index.apply(&delta(0..20)).unwrap();
    assert_eq!(index.indexed_size().unwrap(), 20);
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'reconnects' AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap();
    // Both the writer's connection and the idle reader's are gone.
    index.apply(&delta(20..40)).unwrap();
    assert_eq!(index.indexed_size().unwrap(), 40);
}

// --- SQLite ---------------------------------------------------------------------------

/// New SQLite indexes, each in a file of its own.
struct Sqlite {
    dir: tempfile::TempDir,
    n: std::sync::atomic::AtomicUsize,
}

impl Sqlite {
    fn new() -> Sqlite {
        Sqlite {
            dir: tempfile::tempdir().unwrap(),
            n: Default::default(),
        }
    }
    fn url(&self) -> String {
        let n = self.n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        format!(
            "sqlite:{}",
            self.dir.path().join(format!("{n}.db")).display()
        )
    }
    fn fresh(&self) -> Index {
        Index::open(&self.url()).unwrap()
    }
}

#[test]
fn sqlite_scripted_history() {
    let db = Sqlite::new();
    let entries = scripted();
    let dump = check_live_equals_rebuilt(&|| db.fresh(), entries, &[1, 2]);
    let index = db.fresh();
    rebuild(&index, entries);
    check_queries(&index, &dump.observations, 150);
    check_formats(&index, &dump.observations);
    check_lookup(&index, entries, &dump);
    // The history has what the checks are about.
    let standings: std::collections::BTreeSet<Standing> =
        dump.observations.iter().map(|o| o.standing).collect();
    assert_eq!(standings.len(), 4, "{standings:?}");
    assert!(dump.observations.iter().any(|o| o.organisations.len() > 1));
    assert!(dump.observations.iter().any(|o| o.attribution == "dispute"));
}

#[test]
fn sqlite_real_events() {
    let db = Sqlite::new();
    let entries = ucdp();
    let dump = check_live_equals_rebuilt(&|| db.fresh(), entries, &[3]);
    let index = db.fresh();
    rebuild(&index, entries);
    check_queries(&index, &dump.observations, 60);
    check_formats(&index, &dump.observations);
}

#[test]
fn sqlite_deltas_apply_in_order() {
    let db = Sqlite::new();
    check_deltas_in_order(&|| db.fresh());
}

#[test]
fn sqlite_refuses_a_newer_schema() {
    let db = Sqlite::new();
    let url = db.url();
    let index = Index::open(&url).unwrap();
    assert_eq!(index.backend(), "sqlite");
    assert_eq!(index.schema_version().unwrap(), MIGRATIONS as i64);
    build_live(&index, &scripted()[..40], 9);
    drop(index);
    // Opened again: nothing migrates, nothing is lost.
    let index = Index::open(&url).unwrap();
    assert_eq!(index.indexed_size().unwrap(), 40);
    drop(index);
    let path = url.strip_prefix("sqlite:").unwrap();
    rusqlite::Connection::open(path)
        .unwrap()
        .execute("INSERT INTO schema_version (version) VALUES (99)", [])
        .unwrap();
    let e = Index::open(&url).err().expect("a newer schema is refused");
    assert!(
        matches!(e, IndexError::NewerSchema { found: 99, .. }),
        "{e}"
    );
    assert!(
        e.to_string().contains("newer than this program knows"),
        "{e}"
    );
}

#[test]
fn sqlite_needs_a_file() {
    for url in [":memory:", "sqlite::memory:", "sqlite:"] {
        let e = Index::open(url).err().expect("refused");
        assert!(e.to_string().contains("needs a file"), "{e}");
    }
}

#[test]
fn sqlite_reads_do_not_wait_for_a_write() {
    let db = Sqlite::new();
    let index = db.fresh();
    build_live(&index, &scripted()[..60], 4);
    let before = index.dump().unwrap();
    // A write transaction held open (as a long batch would) on another
    // connection: reads go on, and see the last committed state.
    let path = db.dir.path().join("0.db");
    let mut other = rusqlite::Connection::open(&path).unwrap();
    let tx = other
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    tx.execute("DELETE FROM observations", []).unwrap();
    let started = std::time::Instant::now();
    assert_eq!(index.dump().unwrap(), before);
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    drop(tx);
}

// --- PostgreSQL -----------------------------------------------------------------------

/// Every check on PostgreSQL, one cluster for them all, a database each.
#[test]
fn postgres() {
    let Some(cluster) = testkit::postgres::Cluster::start() else {
        eprintln!("ACCORD_SKIP_POSTGRES=1: the PostgreSQL checks are skipped");
        return;
    };
    let n = std::sync::atomic::AtomicUsize::new(0);
    let fresh = || {
        let k = n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Index::open(&cluster.create_db(&format!("t{k}"))).unwrap()
    };

    let url = cluster.create_db("schema");
    let index = Index::open(&url).unwrap();
    assert_eq!(index.backend(), "postgres");
    assert_eq!(index.schema_version().unwrap(), MIGRATIONS as i64);
    drop(index);
    let index = Index::open(&url).unwrap();
    assert_eq!(index.schema_version().unwrap(), MIGRATIONS as i64);
    drop(index);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .execute("INSERT INTO schema_version (version) VALUES (99)", &[])
        .unwrap();
    let e = Index::open(&url).err().expect("a newer schema is refused");
    assert!(
        matches!(e, IndexError::NewerSchema { found: 99, .. }),
        "{e}"
    );

    check_deltas_in_order(&fresh);
    check_reconnects(&cluster);

    let entries = scripted();
    let dump = check_live_equals_rebuilt(&fresh, entries, &[1]);
    let index = fresh();
    rebuild(&index, entries);
    check_queries(&index, &dump.observations, 60);
    check_formats(&index, &dump.observations);
    check_lookup(&index, entries, &dump);

    let entries = ucdp();
    let dump = check_live_equals_rebuilt(&fresh, entries, &[3]);
    let index = fresh();
    rebuild(&index, entries);
    check_queries(&index, &dump.observations, 30);
}

/// How fast the index is built, live and rebuilt, from a log of many
/// reports (`cargo test --release -p accord-server --test index -- --ignored
/// --nocapture timing`): not a check, a measurement.
#[test]
#[ignore]
fn timing() {
    let n: usize = std::env::var("INDEX_TIMING_REPORTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let (a, h) = agreement();
    let mut s = Script::new(a, *h, "2026-03-02T10:00:00Z".parse().unwrap());
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    let mut rng = Rng(7);
    for k in 0..n {
        s.wait_hours(0.01);
        let (lon, lat) = PLACES[rng.below(PLACES.len())];
        s.observe(
            "MISSION/1",
            "ceasefire_violation",
            (lon + rng.unit() * 0.1, lat + rng.unit() * 0.1),
            json!({"events": [{"type": "explosion", "count": 1 + k % 5}]}),
            json!({}),
        );
        if k % 200 == 199 {
            s.days(1);
        }
    }
    let entries = s.entries.clone();
    let db = Sqlite::new();
    for batch in [100usize, 1000] {
        let index = db.fresh();
        let (mut ev, started) = (Evaluator::new(a, *h), std::time::Instant::now());
        let mut c = Collector::new(&ev);
        let zero = std::time::Duration::ZERO;
        let (mut evaluating, mut collecting, mut writing) = (zero, zero, zero);
        for chunk in entries.chunks(batch) {
            for e in chunk {
                let t = std::time::Instant::now();
                ev.apply(e);
                evaluating += t.elapsed();
                c.record(&ev, e).unwrap();
            }
            let t = std::time::Instant::now();
            let d = c.delta(&ev);
            collecting += t.elapsed();
            let t = std::time::Instant::now();
            index.apply(&d).unwrap();
            writing += t.elapsed();
        }
        eprintln!(
            "live, batches of {batch}: {} entries ({} reports) in {:.2} s: evaluating {:.2} s, finding changed rows {:.2} s, writing {:.2} s",
            entries.len(),
            ev.state.obs.len(),
            started.elapsed().as_secs_f64(),
            evaluating.as_secs_f64(),
            collecting.as_secs_f64(),
            writing.as_secs_f64()
        );
    }
    let index = db.fresh();
    let started = std::time::Instant::now();
    rebuild(&index, &entries);
    eprintln!(
        "rebuilt (with writing the log): {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let started = std::time::Instant::now();
    let q = ObservationQuery::from_pairs(&[
        ("bbox".into(), "37.5,48.7,37.6,48.8".into()),
        ("limit".into(), "100".into()),
    ])
    .unwrap();
    for _ in 0..100 {
        index.observations(&q).unwrap();
    }
    eprintln!(
        "a bbox query, first page of 100: {:.2} ms",
        started.elapsed().as_secs_f64() * 10.0
    );
}
