//! `accord import`: real conflict event data (UCDP GED, ACLED, GeoJSON)
//! into a log, as signed open-source observations.
//!
//! Three passes over what is on disk, none holding more than a chunk:
//! 1. the file is checked whole (every row mapped, every statement checked
//!    against the agreement), so that a broken file, or with `--strict` a
//!    bad row, stops the import before anything is appended;
//! 2. the log is read, keeping a 16-byte key of every imported event
//!    already in it, so that importing again adds nothing;
//! 3. the file is read again, and each new statement signed and appended
//!    through the sequencer, in chunks.

use crate::out::OrClosed as _;
use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{IsTerminal, Read, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Duration;

use accord::agreement::{Agreement, OrgKind};
use accord::import::{self, Format, Options, Reason, Row, Skip};
use accord::statement::{Body, Category, Digest, SignedStatement, Statement};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use miette::{IntoDiagnostic, Result, WrapErr, miette};
use tlog::SignerKey;
use tlog::checkpoint::SignedCheckpoint;
use tlog::client::{TileReader, TileSource};
use tlog::sequencer::{BatchOptions, Sequencer, SequencerThread};

use crate::check::load_agreement;
use crate::keys::read_secret_key;
use crate::logdir::{Appender, open_writer};
use crate::replay::Source;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// UCDP GED CSV (CC BY 4.0).
    Ucdp,
    /// ACLED CSV (its terms forbid redistributing rows: see --publish-acled).
    Acled,
    /// A GeoJSON FeatureCollection of Point features.
    Geojson,
}

impl FormatArg {
    fn format(self) -> Format {
        match self {
            FormatArg::Ucdp => Format::Ucdp,
            FormatArg::Acled => Format::Acled,
            FormatArg::Geojson => Format::GeoJson,
        }
    }
}

#[derive(Args)]
pub struct ImportArgs {
    /// The event file: CSV for ucdp and acled, GeoJSON for geojson.
    pub file: PathBuf,
    /// The agreement the observations are made under (checked first).
    #[arg(long)]
    pub agreement: PathBuf,
    /// What the file holds.
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// The log to append to (made by `accord log init`): a directory or
    /// s3://BUCKET/PREFIX.
    #[arg(long, value_name = "DIR_OR_S3", required_unless_present = "dry_run")]
    pub log: Option<String>,
    /// The importer's signer key file (an open-source organisation's key).
    #[arg(long, required_unless_present = "dry_run")]
    pub key: Option<PathBuf>,
    /// Stop at any bad row (bad coordinate, date, type...) before anything is
    /// appended, listing them; without it bad rows are reported and skipped.
    #[arg(long)]
    pub strict: bool,
    /// Append ACLED statements to the log even so: ACLED's terms forbid
    /// redistributing its rows, so say this only for a log you do not
    /// publish, or with ACLED's permission.
    #[arg(long)]
    pub publish_acled: bool,
    /// Check the file and count what would be imported; append nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// GeoJSON: the dataset's name, instead of the collection's `name`.
    #[arg(long)]
    pub dataset: Option<String>,
    /// Statements per commit request.
    #[arg(long, default_value_t = 8192)]
    pub chunk: usize,
}

/// Bad rows shown in full; the rest are counted.
const SHOWN: usize = 20;

pub fn run(a: ImportArgs) -> Result<()> {
    let format = a.format.format();
    let (agreement, hash) = load_agreement(&a.agreement)?;
    let timezone = jiff::tz::TimeZone::get(agreement.timezone.get_ref())
        .map_err(|e| miette!("the agreement's timezone: {e}"))?;
    let options = Options {
        agreement: hash,
        timezone,
        dataset: a.dataset.clone(),
    };
    if format == Format::Acled && !a.dry_run && !a.publish_acled {
        return Err(miette!(
            help = "import ACLED data into a log that you keep to yourself and never serve \
                    (e.g. `accord log init ./acled-local --origin local.example/acled`), and say so \
                    with --publish-acled; or see what would be imported with --dry-run",
            "ACLED's terms of use forbid redistributing its rows, and a log is made to be \
             published: every entry is served to anyone who reads it. Nothing was appended."
        ));
    }
    if !a.file.is_file() {
        return Err(miette!("{}: no such file", a.file.display()));
    }
    let key = a.key.as_deref().map(read_secret_key).transpose()?;
    if let Some(k) = &key {
        note_signer(&agreement, k);
    }
    let name = a.file.display().to_string();

    // Pass 1: the whole file, before anything is written.
    let check = check_file(&a.file, format, &options, &agreement)?;
    if a.strict && check.errors > 0 {
        return Err(miette!(
            "nothing was appended: --strict and {} bad row(s) in {name}:\n{}",
            check.errors,
            listing(&name, &check.shown, check.errors)
        ));
    }

    // Hold the log's lock from here on, so that nothing is appended between
    // reading what is there and appending.
    let log = match (&a.log, a.dry_run) {
        (Some(at), false) => Some(open_writer(&crate::logdir::location(at)?)?),
        _ => None,
    };
    let mut seen = match &a.log {
        Some(at) => imported_keys(&Source::open(at)?)?,
        None => HashSet::new(),
    };

    if format == Format::Ucdp {
        errln!(
            "UCDP GED is licensed CC BY 4.0: whoever publishes this log must credit \"{}\"; \
             every imported statement carries it in source.attribution",
            import::UCDP_ATTRIBUTION
        );
    }
    if check.errors > 0 {
        errln!(
            "skipping {} bad row(s) (use --strict to stop instead):\n{}",
            check.errors,
            listing(&name, &check.shown, check.errors)
        );
    }

    // Pass 2: build, deduplicate, sign and append.
    let mut tally = Tally::default();
    let mut appender = match (log, &key) {
        (Some(log), Some(_)) => {
            let start = log.size();
            let (seq, thread) = Sequencer::start(log, BatchOptions::default());
            Some((
                Appender::new(seq, start, usize::MAX, ProgressBar::hidden()),
                thread,
            ))
        }
        _ => None,
    };
    let bar = progress_bar(&a.file, "importing");
    let mut failure: Option<miette::Report> = None;
    let input = Counted {
        inner: File::open(&a.file).into_diagnostic()?,
        bar: bar.clone(),
    };
    // New statements wait here, with their lines, to be signed a chunk at a
    // time on every core.
    let chunk_size = a.chunk.max(1);
    let mut batch: Vec<(u64, Statement)> = Vec::with_capacity(chunk_size);
    let submit = |batch: &mut Vec<(u64, Statement)>,
                  appender: &mut Option<(Appender, SequencerThread)>|
     -> Result<()> {
        let (Some((ap, _)), Some(key)) = (appender.as_mut(), &key) else {
            batch.clear();
            return Ok(());
        };
        let entries = sign_all(std::mem::take(batch), key)?;
        ap.submit(entries)
    };
    let read = import::read(format, input, &options, |row| {
        let row = against(row, &agreement);
        tally.row(&row);
        let Ok(statements) = row.outcome else {
            return ControlFlow::Continue(());
        };
        for s in statements {
            let (Some(k), Some(category)) = (import::statement_key(&s), category(&s)) else {
                continue;
            };
            if !seen.insert(k) {
                tally.duplicates += 1;
                continue;
            }
            *tally.imported.entry(category).or_default() += 1;
            batch.push((row.line, s));
        }
        if batch.len() >= chunk_size
            && let Err(e) = submit(&mut batch, &mut appender)
        {
            failure = Some(e);
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    if read.is_ok()
        && failure.is_none()
        && let Err(e) = submit(&mut batch, &mut appender)
    {
        failure = Some(e);
    }
    bar.finish_and_clear();
    if let Err(e) = read {
        failure.get_or_insert(miette!("{name}: {e}"));
    }
    let mut range = None;
    let mut size = None;
    if let Some((mut ap, thread)) = appender {
        // Whatever happened, wait for what was submitted and report it exactly.
        if let Err(e) = ap.drain(0) {
            failure.get_or_insert(e);
        }
        ap.seq = None;
        let log = thread.join();
        size = Some(log.size());
        range = ap.first.map(|s| (s, ap.end - 1));
        if let Some(f) = failure {
            let done = match range {
                Some((s, e)) => format!("entries {s} to {e} were appended before it"),
                None => "nothing was appended".to_string(),
            };
            return Err(miette!(
                "import failed: {f}\n{done}; the log is at size {} and intact. Importing the \
                 file again appends only what is missing.",
                log.size()
            ));
        }
    } else if let Some(f) = failure {
        return Err(f);
    }
    if tally.rows != check.rows {
        errln!(
            "warning: {name} changed while it was imported ({} rows when checked, {} when imported)",
            check.rows,
            tally.rows
        );
    }
    print_summary(&a, format, &hash, &agreement, &tally, range, size)
}

/// Says whose key signs: an open-source organisation's own key, or a key
/// the log must accredit before the evaluator counts what it signs.
fn note_signer(agreement: &Agreement, key: &SignerKey) {
    let v = key.verifier().to_string();
    let org = agreement.organisations.values().find(|o| {
        o.kind == OrgKind::OpenSource && o.keys.iter().any(|k| k.get_ref().to_string() == v)
    });
    match org {
        Some(o) => errln!(
            "signing as {} ({}), the agreement's open-source organisation",
            key.name(),
            o.id.get_ref()
        ),
        None => errln!(
            "note: {} is not the key of an open-source organisation of the agreement; what it \
             signs counts once the log holds an accreditation of it",
            key.name()
        ),
    }
}

/// What the check pass found.
struct Check {
    rows: u64,
    errors: u64,
    /// The first bad rows, in full.
    shown: Vec<String>,
}

fn check_file(
    path: &Path,
    format: Format,
    options: &Options,
    agreement: &Agreement,
) -> Result<Check> {
    let bar = progress_bar(path, "checking");
    let input = Counted {
        inner: File::open(path)
            .into_diagnostic()
            .wrap_err_with(|| format!("opening {}", path.display()))?,
        bar: bar.clone(),
    };
    let mut c = Check {
        rows: 0,
        errors: 0,
        shown: Vec::new(),
    };
    let mut bad = |line: u64, id: Option<&str>, what: String| {
        c.errors += 1;
        if c.shown.len() < SHOWN {
            let id = id.map(|i| format!(" (id {i})")).unwrap_or_default();
            c.shown.push(format!("{line}{id}: {what}"));
        }
    };
    let mut rows = 0;
    let result = import::read(format, input, options, |row: Row| {
        rows += 1;
        let row = against(row, agreement);
        if let Err(skip) = &row.outcome
            && skip.reason.is_error()
        {
            bad(row.line, row.id.as_deref(), skip.to_string());
        }
        ControlFlow::Continue(())
    });
    bar.finish_and_clear();
    result.map_err(|e| miette!("nothing was appended: {}: {e}", path.display()))?;
    c.rows = rows;
    Ok(c)
}

/// The row, with its statements checked against the agreement's names.
fn against(mut row: Row, agreement: &Agreement) -> Row {
    if let Ok(statements) = &row.outcome
        && let Some(e) = statements
            .iter()
            .find_map(|s| s.check_against(agreement).err())
    {
        row.outcome = Err(Skip::new(
            Reason::InvalidObservation,
            format!("against the agreement: {e}"),
        ));
    }
    row
}

fn listing(name: &str, shown: &[String], total: u64) -> String {
    let mut s: Vec<String> = shown.iter().map(|l| format!("  {name}:{l}")).collect();
    if total > shown.len() as u64 {
        s.push(format!("  ... and {} more", total - shown.len() as u64));
    }
    s.join("\n")
}

/// The keys of every imported observation already in the log: 16 bytes
/// each, read a bundle range at a time.
fn imported_keys(source: &Source) -> Result<HashSet<u128>> {
    let size = match source.fetch("checkpoint").map_err(|e| miette!("{e}"))? {
        Some(raw) => {
            SignedCheckpoint::parse(&raw)
                .map_err(|e| miette!("{}/checkpoint: {e}", source.describe()))?
                .checkpoint
                .size
        }
        None => {
            return Err(miette!(
                "{} has no checkpoint: not a log",
                source.describe()
            ));
        }
    };
    let mut keys = HashSet::new();
    let mut reader = TileReader::new(source);
    const STEP: u64 = 16 * 256;
    let bar = if std::io::stderr().is_terminal() && size > 0 {
        let b = ProgressBar::new(size);
        b.set_style(
            ProgressStyle::with_template(
                "reading the log {bar:40} {human_pos}/{human_len} entries ({eta} left)",
            )
            .expect("valid template"),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let mut at = 0;
    while at < size {
        let end = (at + STEP).min(size);
        let entries = reader.entries(size, at..end).map_err(|e| {
            miette!(
                "reading entries {at} to {} of {}: {e}",
                end - 1,
                source.describe()
            )
        })?;
        keys.extend(entry_keys(&entries));
        bar.set_position(end);
        at = end;
    }
    bar.finish_and_clear();
    Ok(keys)
}

/// The import keys of log entries, parsed on every core. Entries that are
/// not statements, or not imported observations, have none.
fn entry_keys(entries: &[Vec<u8>]) -> Vec<u128> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = entries.len().div_ceil(threads).max(64);
    std::thread::scope(|scope| {
        let handles: Vec<_> = entries
            .chunks(per)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .filter_map(|e| SignedStatement::parse(e).ok())
                        .filter_map(|s| import::statement_key(&s.statement))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("parsing thread panicked"))
            .collect()
    })
}

/// Counts of the import pass.
#[derive(Default)]
struct Tally {
    rows: u64,
    skipped: BTreeMap<Reason, u64>,
    imported: BTreeMap<Category, u64>,
    duplicates: u64,
}

impl Tally {
    fn row(&mut self, row: &Row) {
        self.rows += 1;
        if let Err(s) = &row.outcome {
            *self.skipped.entry(s.reason).or_default() += 1;
        }
    }
}

fn print_summary(
    a: &ImportArgs,
    format: Format,
    hash: &Digest,
    agreement: &Agreement,
    t: &Tally,
    range: Option<(u64, u64)>,
    size: Option<u64>,
) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let dataset = format
        .dataset()
        .map(str::to_string)
        .or_else(|| a.dataset.clone())
        .unwrap_or_else(|| "named in the file".into());
    let (verb, into) = match (&a.log, a.dry_run) {
        (Some(d), false) => ("imported", format!("into {}", d)),
        _ => ("checked", "(dry run: nothing appended)".to_string()),
    };
    let imported: u64 = t.imported.values().sum();
    let skipped: u64 = t.skipped.values().sum();
    let mut s = format!(
        "{verb} {} ({format}, dataset {dataset}) {into}, under agreement {} ({hash})\n",
        a.file.display(),
        agreement.id.get_ref()
    );
    let verb = if a.dry_run {
        "statements to import"
    } else {
        "statements imported"
    };
    s += &format!("{:<28}{rows:>9}\n", "rows read", rows = t.rows);
    s += &format!("{verb:<28}{imported:>9}");
    if let Some((first, last)) = range {
        s += &format!(" (indices {first} to {last})");
    }
    s.push('\n');
    for (c, n) in &t.imported {
        s += &format!("  {:<26}{n:>9}\n", c.name());
    }
    s += &format!(
        "{:<28}{:>9} (already in the log, or twice in the file)\n",
        "duplicates skipped", t.duplicates
    );
    s += &format!("{:<28}{skipped:>9}\n", "rows skipped");
    for (r, n) in &t.skipped {
        let kind = if r.is_error() { "bad row" } else { "by design" };
        s += &format!("  {:<26}{n:>9} ({kind})\n", r.name());
    }
    if let Some(size) = size {
        s += &format!("{:<28}{size:>9}\n", "log size");
    }
    out.write_all(s.as_bytes()).or_closed()
}

/// A reader that moves a progress bar by the bytes read.
struct Counted {
    inner: File,
    bar: ProgressBar,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

fn progress_bar(path: &Path, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{what} {{bar:40}} {{binary_bytes}}/{{binary_total_bytes}} ({{binary_bytes_per_sec}}, {{eta}} left)"
        ))
        .expect("valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Signs statements on every core, keeping their order; the entries.
fn sign_all(batch: Vec<(u64, Statement)>, key: &SignerKey) -> Result<Vec<Vec<u8>>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = batch.len().div_ceil(threads).max(256);
    let total = batch.len();
    let mut parts: Vec<Vec<(u64, Statement)>> = Vec::new();
    let mut rest = batch.into_iter();
    loop {
        let part: Vec<_> = rest.by_ref().take(per).collect();
        if part.is_empty() {
            break;
        }
        parts.push(part);
    }
    let signed: Vec<Result<Vec<Vec<u8>>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| {
                scope.spawn(move || {
                    part.into_iter()
                        .map(|(line, s)| {
                            SignedStatement::sign(s, key)
                                .map(|x| x.to_bytes())
                                .map_err(|e| miette!("line {line}: signing: {e}"))
                        })
                        .collect::<Result<Vec<_>>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("signing thread panicked"))
            .collect()
    });
    let mut out = Vec::with_capacity(total);
    for p in signed {
        out.extend(p?);
    }
    Ok(out)
}

fn category(s: &Statement) -> Option<Category> {
    match &s.body {
        Body::Observation(o, _) => Some(o.category),
        _ => None,
    }
}
