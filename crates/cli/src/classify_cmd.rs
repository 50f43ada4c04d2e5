//! `accord classify`: where each point is among an agreement's zones.
//! Streams its input in chunks, places each chunk on every core, and writes
//! the results in input order: memory stays flat however large the input.

use crate::out::OrClosed as _;
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use accord::geography::{Placement, ZoneIndex};
use accord::statement::{Body, SignedStatement};
use accord_engine::files;
use clap::{Args, ValueEnum};
use miette::{IntoDiagnostic, Result, WrapErr, miette};

use crate::check::print_diags;

#[derive(Clone, Copy, ValueEnum)]
pub enum InputFormat {
    /// CSV with longitude and latitude columns (found by name, or --lon/--lat).
    Csv,
    /// A GeoJSON FeatureCollection of Points.
    Geojson,
    /// Observation statements: a log (a directory or s3://BUCKET/PREFIX), or one signed statement file.
    Statements,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    Csv,
    Jsonl,
}

#[derive(Args)]
pub struct ClassifyArgs {
    /// The agreement whose zones to place the points in.
    #[arg(long)]
    pub agreement: PathBuf,
    /// The points: a CSV file ('-' for standard input), a GeoJSON file, or statements.
    pub input: PathBuf,
    /// What the input is (default: from the file name: .csv, .geojson/.json, or a log's directory or s3:// location).
    #[arg(long, value_enum)]
    pub format: Option<InputFormat>,
    /// The CSV column with longitudes (default: lon, lng, long, longitude, x).
    #[arg(long)]
    pub lon: Option<String>,
    /// The CSV column with latitudes (default: lat, latitude, y).
    #[arg(long)]
    pub lat: Option<String>,
    /// The CSV column identifying each row, copied to the output (default: id, if there is one).
    #[arg(long)]
    pub id: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    pub output: OutputFormat,
    /// Write here instead of standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// One point to place: where it came from, its id, its coordinates.
struct Point {
    row: u64,
    id: String,
    lon: f64,
    lat: f64,
    /// Why it could not even be read.
    bad: Option<String>,
}

const CHUNK: usize = 65_536;

pub fn run(a: ClassifyArgs) -> Result<()> {
    let checked = files::check_file(&a.agreement)
        .into_diagnostic()
        .wrap_err_with(|| format!("reading {}", a.agreement.display()))?;
    if checked.agreement.is_none() {
        print_diags(&checked.diags, &checked.sources);
    }
    let ag = checked.agreement.ok_or_else(|| {
        miette!(
            "{} is not a valid agreement (run `accord check` on it)",
            a.agreement.display()
        )
    })?;
    let index = ZoneIndex::new(&ag);
    let format = a.format.unwrap_or_else(|| guess_format(&a.input));
    let out: Box<dyn Write + Send> = match &a.out {
        Some(p) => Box::new(
            File::create(p)
                .into_diagnostic()
                .wrap_err_with(|| format!("creating {}", p.display()))?,
        ),
        None => Box::new(std::io::stdout()),
    };
    let mut out = BufWriter::with_capacity(1 << 20, out);
    let rows = Rows::new(a.output, &index);
    rows.header(&mut out)?;
    // Reading (this thread) overlaps placing and formatting (every core)
    // and writing (the writer thread), a chunk at a time and in order.
    let (send, recv) = std::sync::mpsc::sync_channel::<Vec<Point>>(2);
    let stats = std::thread::scope(|s| -> Result<Stats> {
        let rows = &rows;
        let writer = s.spawn(move || -> Result<Stats> {
            let mut stats = Stats::default();
            for chunk in recv {
                for (text, st) in rows.place_and_format(&chunk) {
                    out.write_all(&text).or_closed()?;
                    stats.placed += st.placed;
                    stats.failed += st.failed;
                }
            }
            out.flush().or_closed()?;
            Ok(stats)
        });
        let mut chunk = Vec::with_capacity(CHUNK);
        let mut push = |p: Point| -> Result<()> {
            chunk.push(p);
            if chunk.len() == CHUNK {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                // The writer stops early only on an error, which it reports.
                let _ = send.send(full);
            }
            Ok(())
        };
        let read = match format {
            InputFormat::Csv => read_csv(&a, &mut push),
            InputFormat::Geojson => {
                read_geojson(&a.input).and_then(|ps| ps.into_iter().try_for_each(&mut push))
            }
            InputFormat::Statements => read_statements(&a.input, &mut push),
        };
        if read.is_ok() {
            let _ = send.send(chunk);
        }
        drop(send);
        let written = writer.join().expect("writer thread panicked");
        read?;
        written
    })?;
    if std::io::stderr().is_terminal() || a.out.is_some() {
        errln!(
            "placed {} points ({} could not be placed)",
            stats.placed,
            stats.failed
        );
    }
    Ok(())
}

#[derive(Default)]
struct Stats {
    placed: u64,
    failed: u64,
}

fn guess_format(p: &Path) -> InputFormat {
    if p.is_dir() || p.to_str().is_some_and(|p| p.starts_with("s3://")) {
        return InputFormat::Statements;
    }
    match p
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("geojson" | "json") => InputFormat::Geojson,
        Some("note" | "statement") => InputFormat::Statements,
        _ => InputFormat::Csv,
    }
}

fn find_column(
    headers: &csv::StringRecord,
    given: &Option<String>,
    defaults: &[&str],
    what: &str,
) -> Result<Option<usize>> {
    if let Some(name) = given {
        return headers
            .iter()
            .position(|h| h == name)
            .map(Some)
            .ok_or_else(|| {
                miette!(
                    "the CSV has no column {name:?} (its columns: {})",
                    headers.iter().collect::<Vec<_>>().join(", ")
                )
            });
    }
    let found = headers
        .iter()
        .position(|h| defaults.contains(&h.trim().to_ascii_lowercase().as_str()));
    if found.is_none() && what != "id" {
        return Err(miette!(
            "the CSV has no {what} column (looked for {}); name it with --{}",
            defaults.join(", "),
            if what == "longitude" { "lon" } else { "lat" }
        ));
    }
    Ok(found)
}

fn read_csv(a: &ClassifyArgs, mut each: impl FnMut(Point) -> Result<()>) -> Result<()> {
    let reader: Box<dyn std::io::Read> = if a.input.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(
            File::open(&a.input)
                .into_diagnostic()
                .wrap_err_with(|| format!("opening {}", a.input.display()))?,
        )
    };
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(std::io::BufReader::with_capacity(1 << 20, reader));
    let headers = r
        .headers()
        .into_diagnostic()
        .wrap_err("reading the CSV header")?
        .clone();
    let lon = find_column(
        &headers,
        &a.lon,
        &["lon", "lng", "long", "longitude", "x"],
        "longitude",
    )?
    .expect("required");
    let lat =
        find_column(&headers, &a.lat, &["lat", "latitude", "y"], "latitude")?.expect("required");
    let id = find_column(&headers, &a.id, &["id"], "id")?;
    let mut rec = csv::StringRecord::new();
    let mut row = 0u64;
    loop {
        let line = r.position().line();
        match r.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(miette!("{}:{line}: {e}", a.input.display())),
        }
        row += 1;
        let num = |i: usize, what: &str| -> std::result::Result<f64, String> {
            let s = rec.get(i).unwrap_or("").trim();
            s.parse::<f64>()
                .map_err(|_| format!("line {line}: {what} {s:?} is not a number"))
        };
        let (x, y) = (num(lon, "longitude"), num(lat, "latitude"));
        let bad = x.as_ref().err().or(y.as_ref().err()).cloned();
        each(Point {
            row,
            id: id.and_then(|i| rec.get(i)).unwrap_or("").to_string(),
            lon: x.unwrap_or(f64::NAN),
            lat: y.unwrap_or(f64::NAN),
            bad,
        })?;
    }
    Ok(())
}

fn read_geojson(path: &Path) -> Result<Vec<Point>> {
    let text = std::fs::read_to_string(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("reading {}", path.display()))?;
    let gj: geojson::GeoJson = text
        .parse()
        .map_err(|e| miette!("{}: not GeoJSON: {e}", path.display()))?;
    let features = match gj {
        geojson::GeoJson::FeatureCollection(fc) => fc.features,
        geojson::GeoJson::Feature(f) => vec![f],
        geojson::GeoJson::Geometry(g) => vec![geojson::Feature {
            geometry: Some(g),
            ..Default::default()
        }],
    };
    Ok(features
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let id =
                f.id.as_ref()
                    .map(|x| match x {
                        geojson::feature::Id::String(s) => s.clone(),
                        geojson::feature::Id::Number(n) => n.to_string(),
                    })
                    .or_else(|| {
                        f.properties
                            .as_ref()
                            .and_then(|p| p.get("id"))
                            .map(|v| v.as_str().map(str::to_string).unwrap_or(v.to_string()))
                    })
                    .unwrap_or_default();
            match f.geometry.map(|g| g.value) {
                Some(geojson::GeometryValue::Point { coordinates: c }) if c.len() >= 2 => Point {
                    row: i as u64 + 1,
                    id,
                    lon: c[0],
                    lat: c[1],
                    bad: None,
                },
                _ => Point {
                    row: i as u64 + 1,
                    id,
                    lon: f64::NAN,
                    lat: f64::NAN,
                    bad: Some("not a Point".into()),
                },
            }
        })
        .collect())
}

fn read_statements(path: &Path, mut each: impl FnMut(Point) -> Result<()>) -> Result<()> {
    let mut one = |row: u64, bytes: &[u8]| -> Result<()> {
        let Ok(s) = SignedStatement::parse(bytes) else {
            return Ok(());
        };
        if let Body::Observation(o, _) = &s.statement.body {
            each(Point {
                row,
                id: s.digest().to_string(),
                lon: o.position.lon,
                lat: o.position.lat,
                bad: None,
            })?;
        }
        Ok(())
    };
    let s3 = path.to_str().is_some_and(|p| p.starts_with("s3://"));
    if !path.is_dir() && !s3 {
        let bytes = std::fs::read(path)
            .into_diagnostic()
            .wrap_err_with(|| format!("reading {}", path.display()))?;
        return one(0, &bytes);
    }
    use tlog::client::{TileReader, TileSource};
    let src = crate::replay::Source::open(&path.to_string_lossy())?;
    let raw = src
        .fetch("checkpoint")
        .map_err(|e| miette!("{e}"))?
        .ok_or_else(|| miette!("{} is not a log", src.describe()))?;
    let size = tlog::SignedCheckpoint::parse(&raw)
        .map_err(|e| miette!("{e}"))?
        .checkpoint
        .size;
    let mut reader = TileReader::new(&src);
    let mut at = 0;
    while at < size {
        let end = (at + 4096).min(size);
        for (i, e) in reader
            .entries(size, at..end)
            .map_err(|e| miette!("{e}"))?
            .iter()
            .enumerate()
        {
            one(at + i as u64, e)?;
        }
        at = end;
    }
    Ok(())
}

/// How many points of a piece are written per task.
const PIECE: usize = 4096;

/// Formats placements as CSV or JSON Lines.
struct Rows<'a> {
    format: OutputFormat,
    index: &'a ZoneIndex,
    lines: Vec<String>,
    /// Names of the withdrawal zones (class@party).
    withdrawal: Vec<String>,
}

impl<'a> Rows<'a> {
    fn new(format: OutputFormat, index: &'a ZoneIndex) -> Rows<'a> {
        Rows {
            format,
            index,
            lines: index.line_zones().map(str::to_string).collect(),
            withdrawal: index
                .withdrawal_zones()
                .map(|(c, p)| format!("{c}@{p}"))
                .collect(),
        }
    }

    fn header(&self, w: &mut impl Write) -> Result<()> {
        if let OutputFormat::Csv = self.format {
            let mut h = vec![
                "row".to_string(),
                "id".into(),
                "lon".into(),
                "lat".into(),
                "zones".into(),
                "controlled_by".into(),
                "side".into(),
            ];
            h.extend(self.lines.iter().map(|l| format!("distance_m.{l}")));
            h.extend(["withdrawal".to_string(), "error".into()]);
            writeln!(w, "{}", h.join(",")).into_diagnostic()?;
        }
        Ok(())
    }

    /// Places the points on every core and formats them, in pieces, in order.
    fn place_and_format(&self, points: &[Point]) -> Vec<(Vec<u8>, Stats)> {
        use rayon::prelude::*;
        points
            .par_chunks(PIECE)
            .map_init(Placement::default, |pl, piece| {
                let mut text = Vec::with_capacity(piece.len() * 128);
                let mut stats = Stats::default();
                for p in piece {
                    let placed = match &p.bad {
                        Some(why) => Err(why.clone()),
                        None => self
                            .index
                            .place_into(p.lon, p.lat, pl)
                            .map_err(|e| e.to_string()),
                    };
                    match placed {
                        Ok(()) => {
                            stats.placed += 1;
                            self.row(&mut text, p, Ok(pl));
                        }
                        Err(e) => {
                            stats.failed += 1;
                            self.row(&mut text, p, Err(&e));
                        }
                    }
                }
                (text, stats)
            })
            .collect()
    }

    fn row(&self, w: &mut Vec<u8>, p: &Point, r: std::result::Result<&Placement, &str>) {
        use std::io::Write as _;
        let ix = self.index;
        // Writing to a Vec cannot fail.
        let _ = match (self.format, r) {
            (OutputFormat::Csv, Ok(pl)) => {
                let _ = write!(w, "{},", p.row);
                write_csv_field(w, &p.id);
                let _ = write!(w, ",{},{},", Coord(p.lon), Coord(p.lat));
                for (k, &z) in pl.zones.iter().enumerate() {
                    if k > 0 {
                        w.push(b';');
                    }
                    w.extend_from_slice(ix.zone_id(z).as_bytes());
                }
                w.push(b',');
                if let Some(i) = pl.controlled_by {
                    w.extend_from_slice(ix.party(i).as_bytes());
                }
                w.push(b',');
                if let Some(i) = pl.side {
                    w.extend_from_slice(ix.party(i).as_bytes());
                }
                for &d in &pl.distances_m {
                    w.push(b',');
                    write_metres(w, d);
                }
                w.push(b',');
                for (k, &i) in pl.withdrawal.iter().enumerate() {
                    if k > 0 {
                        w.push(b';');
                    }
                    w.extend_from_slice(self.withdrawal[i].as_bytes());
                }
                writeln!(w, ",")
            }
            (OutputFormat::Csv, Err(e)) => {
                let _ = write!(w, "{},", p.row);
                write_csv_field(w, &p.id);
                let _ = write!(w, ",{},{},,,", Coord(p.lon), Coord(p.lat));
                for _ in &self.lines {
                    w.push(b',');
                }
                w.push(b',');
                write_csv_field(w, e);
                writeln!(w)
            }
            (OutputFormat::Jsonl, Ok(pl)) => {
                let distances: serde_json::Map<String, serde_json::Value> = self
                    .lines
                    .iter()
                    .zip(&pl.distances_m)
                    .map(|(l, d)| (l.clone(), serde_json::json!((d * 1000.0).round() / 1000.0)))
                    .collect();
                let v = serde_json::json!({
                    "row": p.row, "id": p.id, "lon": p.lon, "lat": p.lat,
                    "zones": pl.zones.iter().map(|&z| ix.zone_id(z)).collect::<Vec<_>>(),
                    "controlled_by": pl.controlled_by.map(|i| ix.party(i)),
                    "side": pl.side.map(|i| ix.party(i)),
                    "distance_m": distances,
                    "withdrawal": pl.withdrawal.iter().map(|&i| &self.withdrawal[i]).collect::<Vec<_>>(),
                });
                writeln!(w, "{v}")
            }
            (OutputFormat::Jsonl, Err(e)) => {
                let lon = if p.lon.is_finite() {
                    serde_json::json!(p.lon)
                } else {
                    serde_json::Value::Null
                };
                let lat = if p.lat.is_finite() {
                    serde_json::json!(p.lat)
                } else {
                    serde_json::Value::Null
                };
                let v = serde_json::json!({"row": p.row, "id": p.id, "lon": lon, "lat": lat, "error": e});
                writeln!(w, "{v}")
            }
        };
    }
}

/// Metres to the millimetre, as `{:.3}` writes them but faster.
fn write_metres(w: &mut Vec<u8>, d: f64) {
    use std::io::Write as _;
    let mm = (d * 1000.0).round();
    if d.is_finite() && (0.0..1e15).contains(&mm) {
        let mm = mm as u64;
        let _ = write!(w, "{}.{:03}", mm / 1000, mm % 1000);
    } else {
        let _ = write!(w, "{d:.3}");
    }
}

/// A coordinate as written: as given, or nothing if it is not a number.
struct Coord(f64);

impl std::fmt::Display for Coord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_finite() {
            write!(f, "{}", self.0)
        } else {
            Ok(())
        }
    }
}

fn write_csv_field(w: &mut Vec<u8>, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        w.push(b'"');
        w.extend_from_slice(s.replace('"', "\"\"").as_bytes());
        w.push(b'"');
    } else {
        w.extend_from_slice(s.as_bytes());
    }
}
