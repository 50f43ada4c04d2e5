//! `accord import` as a user runs it, on the real UCDP GED extract: the
//! summary, re-importing adds nothing, an interrupted import completes,
//! `--strict` appends nothing and names the lines, ACLED is refused without
//! `--publish-acled`, and the log passes `accord log verify` and the
//! independent verifier.

mod common;

use common::{accord, fails, text};

use std::path::{Path, PathBuf};
use std::process::Output;

use testkit::tlogcheck_ok;

const UCDP_FILE: &str = "events/ucdp_ged_ukraine_2014-01_to_2022-02-23.csv";

fn ok(args: &[&str], dir: &Path) -> (String, String) {
    let o = accord(args, dir);
    assert!(o.status.success(), "accord {args:?} failed:\n{}", text(&o));
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn agreement() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/ukraine-2025/agreement.toml")
        .canonicalize()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn ucdp() -> String {
    testkit::data(UCDP_FILE).to_string_lossy().into_owned()
}

/// A fresh log and an importer key in `dir`; the log's verifier key.
fn setup(dir: &Path) -> String {
    ok(
        &[
            "keygen",
            "osint.accord.example/importer",
            "--out",
            "importer.key",
        ],
        dir,
    );
    let (vkey, _) = ok(
        &["log", "init", "log", "--origin", "test.example/import"],
        dir,
    );
    vkey.trim().to_string()
}

fn size(dir: &Path) -> u64 {
    let cp = std::fs::read_to_string(dir.join("log/checkpoint")).unwrap();
    cp.lines().nth(1).unwrap().parse().unwrap()
}

/// The value on a summary line, e.g. `rows read    3077` → "3077".
fn field<'a>(summary: &'a str, name: &str) -> &'a str {
    summary
        .lines()
        .find(|l| l.trim_start().starts_with(name))
        .unwrap_or_else(|| panic!("no `{name}` in:\n{summary}"))
        .trim_start()[name.len()..]
        .trim()
}

fn import(dir: &Path, file: &str, extra: &[&str]) -> Output {
    let ag = agreement();
    let mut args = vec![
        "import",
        "--agreement",
        &ag,
        "--log",
        "log",
        "--key",
        "importer.key",
    ];
    args.extend_from_slice(extra);
    args.push(file);
    accord(&args, dir)
}

#[test]
fn the_real_ucdp_file_imports_once_and_the_log_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let vkey = setup(dir);

    let o = import(dir, &ucdp(), &["--format", "ucdp"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    // 3,077 rows; 3,077 violations and 338 rows with civilian deaths
    // (counted with Python's csv module, as in crates/accord/tests/import.rs).
    assert_eq!(field(&out, "rows read"), "3077");
    assert_eq!(
        field(&out, "statements imported"),
        "3415 (indices 0 to 3414)"
    );
    assert_eq!(field(&out, "ceasefire_violation"), "3077");
    assert_eq!(field(&out, "civilian_casualties"), "338");
    assert!(field(&out, "duplicates skipped").starts_with('0'));
    assert_eq!(field(&out, "rows skipped"), "0");
    assert_eq!(field(&out, "log size"), "3415");
    assert!(
        err.contains("CC BY 4.0") && err.contains("Sundberg & Melander 2013"),
        "the attribution reminder: {err}"
    );
    assert_eq!(size(dir), 3415);

    // The entries are the statements, signed by the importer.
    let (entry, _) = ok(&["log", "get", "log", "--index", "0"], dir);
    let json: serde_json::Value = serde_json::from_str(entry.lines().next().unwrap()).unwrap();
    assert_eq!(json["body"]["sensor"], "open_source");
    assert_eq!(json["body"]["source"]["dataset"], "ucdp-ged");
    assert_eq!(json["body"]["source"]["id"], "147997");
    assert!(
        entry.contains("\n— osint.accord.example/importer "),
        "{entry}"
    );

    // Again: nothing is added.
    let o = import(dir, &ucdp(), &["--format", "ucdp"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(field(&out, "statements imported"), "0");
    assert!(
        field(&out, "duplicates skipped").starts_with("3415 "),
        "{out}"
    );
    assert_eq!(size(dir), 3415);

    let (verify, _) = ok(&["log", "verify", "log"], dir);
    assert!(
        verify.contains("3415 entries") && verify.ends_with("OK\n"),
        "{verify}"
    );
    let log = dir.join("log");
    tlogcheck_ok(&[
        "verify",
        "-log",
        log.to_str().unwrap(),
        "-key",
        &vkey,
        "-entries",
    ]);
}

/// The header and the first `n` records of the real file, as CSV.
fn head(n: usize) -> Vec<u8> {
    let mut r = csv::Reader::from_path(testkit::data(UCDP_FILE)).unwrap();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(r.headers().unwrap()).unwrap();
    for rec in r.records().take(n) {
        w.write_record(&rec.unwrap()).unwrap();
    }
    w.into_inner().unwrap()
}

#[test]
fn an_import_cut_short_is_completed_by_importing_the_whole_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);
    let part = dir.join("part.csv");
    std::fs::write(&part, head(1000)).unwrap();
    let o = import(dir, part.to_str().unwrap(), &["--format", "ucdp"]);
    assert!(o.status.success(), "{}", text(&o));
    let first = size(dir);
    // Python: 214 of the first 1,000 rows have civilian deaths.
    assert_eq!(first, 1214);
    let o = import(dir, &ucdp(), &["--format", "ucdp"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(
        field(&out, "statements imported"),
        "2201 (indices 1214 to 3414)"
    );
    assert!(
        field(&out, "duplicates skipped").starts_with("1214 "),
        "{out}"
    );
    assert_eq!(size(dir), 3415);
}

#[test]
fn strict_appends_nothing_and_names_the_bad_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);
    let mut r = csv::Reader::from_path(testkit::data(UCDP_FILE)).unwrap();
    let h = r.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = r.records().take(49).map(|x| x.unwrap()).collect();
    let set = |rec: &csv::StringRecord, k: &str, v: &str| {
        let i = h.iter().position(|x| x == k).unwrap();
        let mut f: Vec<String> = rec.iter().map(str::to_string).collect();
        f[i] = v.to_string();
        f
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&h).unwrap();
    w.write_record(&rows[0]).unwrap(); // line 2
    w.write_record(set(&rows[1], "latitude", "148.5")).unwrap(); // line 3
    // Record 49 of the real file (id 154408) has a where_description over
    // two lines (4-5)...
    w.write_record(&rows[48]).unwrap();
    // ...so this is line 6.
    w.write_record(set(&rows[0], "date_start", "22/13/2014"))
        .unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, w.into_inner().unwrap()).unwrap();
    let bad = bad.to_str().unwrap();
    let text_of = |o: &Output| text(o);

    let o = import(dir, bad, &["--format", "ucdp", "--strict"]);
    assert!(!o.status.success());
    let msg = text_of(&o);
    assert!(msg.contains("nothing was appended"), "{msg}");
    assert!(
        msg.contains("bad.csv:3 (id 149221): bad coordinate: latitude 148.5 is out of range"),
        "{msg}"
    );
    assert!(msg.contains("bad.csv:6 (id 147997): bad date"), "{msg}");
    assert_eq!(size(dir), 0);

    // Without --strict the good rows go in and the bad ones are reported.
    let o = import(dir, bad, &["--format", "ucdp"]);
    assert!(o.status.success(), "{}", text_of(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        err.contains("skipping 2 bad row(s)") && err.contains("bad.csv:3 (id 149221)"),
        "{err}"
    );
    assert_eq!(field(&out, "rows read"), "4");
    assert_eq!(field(&out, "rows skipped"), "2");
    assert_eq!(field(&out, "bad coordinate"), "1 (bad row)");
    assert_eq!(field(&out, "bad date"), "1 (bad row)");
    assert_eq!(size(dir), 2);

    // A file without a required column stops before anything is appended.
    let no_lat = std::fs::read_to_string(ucdp())
        .unwrap()
        .replacen(",latitude,", ",lat,", 1);
    let f = dir.join("nolat.csv");
    std::fs::write(&f, no_lat).unwrap();
    let o = import(dir, f.to_str().unwrap(), &["--format", "ucdp"]);
    assert!(!o.status.success());
    let msg = text_of(&o);
    assert!(
        msg.contains("nothing was appended")
            && msg.contains("lacks the required column `latitude`"),
        "{msg}"
    );
    assert_eq!(size(dir), 2);
}

const ACLED_HEADER: &str = "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp";

#[test]
fn acled_needs_publish_acled_to_go_into_a_log() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);
    // Synthetic rows (not ACLED data) with ACLED's header.
    let rows = [
        "UKR1,2024-03-01,2024,1,Political violence,Battles,Armed clash,A,,1,B,,8,18,,804,Europe,Ukraine,Donetsk,,,Testville,48.0,37.8,1,Source One,National,Synthetic.,2,,1709300000",
        "UKR2,2024-03-01,2024,1,Political violence,Explosions/Remote violence,Shelling/artillery/missile attack,A,,8,Civilians (Ukraine),,7,78,Civilian targeting,804,Europe,Ukraine,Donetsk,,,Testville,48.0,37.8,1,Source One; Source Two,National,Synthetic.,3,,1709300000",
        "UKR3,2024-03-02,2024,1,Demonstrations,Protests,Peaceful protest,Protesters (Ukraine),,6,,,0,60,,804,Europe,Ukraine,Kyiv,,,Kyiv,50.45,30.52,1,Source One,National,Synthetic.,0,,1709300000",
    ];
    let f = dir.join("acled.csv");
    std::fs::write(&f, format!("{ACLED_HEADER}\n{}\n", rows.join("\n"))).unwrap();
    let f = f.to_str().unwrap();

    let o = import(dir, f, &["--format", "acled"]);
    assert!(!o.status.success());
    let msg = text(&o);
    assert!(
        msg.contains("ACLED's terms of use forbid redistributing its rows")
            && msg.contains("--publish-acled")
            && msg.contains("Nothing was appended"),
        "{msg}"
    );
    assert_eq!(size(dir), 0);

    // A dry run appends nothing and needs no flag.
    let ag = agreement();
    let (out, _) = ok(
        &[
            "import",
            "--agreement",
            &ag,
            "--format",
            "acled",
            "--dry-run",
            f,
        ],
        dir,
    );
    assert_eq!(field(&out, "statements to import"), "3");
    assert_eq!(field(&out, "not a ceasefire matter"), "1 (by design)");
    assert_eq!(size(dir), 0);

    let o = import(dir, f, &["--format", "acled", "--publish-acled"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(field(&out, "statements imported"), "3 (indices 0 to 2)");
    assert_eq!(field(&out, "ceasefire_violation"), "2");
    assert_eq!(field(&out, "civilian_casualties"), "1");
    assert_eq!(size(dir), 3);
}

#[test]
fn geojson_imports_with_the_dataset_named() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    setup(dir);
    let fc = r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "geometry": {"type": "Point", "coordinates": [37.8, 48.0]},
   "properties": {"id": "r-1", "date": "2025-09-01", "category": "ceasefire_violation"}},
  {"type": "Feature", "geometry": {"type": "Point", "coordinates": [37.8, 48.0]},
   "properties": {"id": "r-2", "date": "2025-09-01", "category": "crossing_status",
                  "details": {"crossing": "nowhere", "status": "closed"}}}
]}"#;
    let f: PathBuf = dir.join("reports.geojson");
    std::fs::write(&f, fc).unwrap();
    let f = f.to_str().unwrap();
    let msg = fails(
        &[
            "import",
            "--agreement",
            &agreement(),
            "--format",
            "geojson",
            "--log",
            "log",
            "--key",
            "importer.key",
            f,
        ],
        dir,
    );
    assert!(msg.contains("names no dataset"), "{msg}");
    let o = import(
        dir,
        f,
        &["--format", "geojson", "--dataset", "field-reports"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(field(&out, "statements imported"), "1 (indices 0 to 0)");
    // The crossing is not one of the agreement's: checked against it.
    assert!(
        err.contains("reports.geojson:4 (id r-2): invalid observation: against the agreement"),
        "{err}"
    );
    assert_eq!(size(dir), 1);
}
