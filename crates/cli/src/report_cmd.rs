//! `accord report`: the engine's daily report (`accord_report`)
//! from the command line: the log replayed, the report written with the
//! inclusion proofs of every entry it cites beside it.

use std::path::{Path, PathBuf};

use accord::agreement::Agreement;
use accord::evaluate::Evaluator;
use accord::statement::SignedStatement;
use accord_engine::witnessed::WitnessCheck;
use accord_report::model::{Cosigned, Witnessed};
use accord_report::pdf::Chromium;
use accord_report::{Lang, Links, Report, Span, says_simulated};
use clap::{Args, ValueEnum};
use jiff::civil::Date;
use miette::{IntoDiagnostic, Result, WrapErr, miette};
use tlog::TileReader;

use crate::replay::{self, SignatureCheck, Source};

/// How long Chromium may take to print a report: a month's report with
/// every chart is a few seconds' work; a browser that hangs is not waited on.
const PDF_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Md,
    Html,
    /// The report's model, for anyone who wants to build their own.
    Json,
    /// The HTML printed by headless Chromium (`$ACCORD_CHROMIUM`, or
    /// `chromium` on PATH).
    Pdf,
}

impl Format {
    fn ext(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
            Format::Json => "json",
            Format::Pdf => "pdf",
        }
    }
}

/// How long a report's period is (`accord_report::Span`).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Period {
    /// One reporting period: the agreement's day, to its cut-off.
    Day,
    /// The 7 reporting periods ending with --day.
    Week,
    /// The calendar month of --day, to --day, against the month before.
    Month,
}

impl From<Period> for Span {
    fn from(p: Period) -> Span {
        match p {
            Period::Day => Span::Day,
            Period::Week => Span::Week,
            Period::Month => Span::Month,
        }
    }
}

#[derive(Args)]
pub struct ReportArgs {
    /// The agreement file.
    #[arg(long)]
    pub agreement: PathBuf,
    /// An amended text of the agreement (TOML, its GeoJSON beside it) that
    /// the log may adopt by an amendment statement (repeatable).
    #[arg(long = "amended", value_name = "FILE")]
    pub amended: Vec<PathBuf>,
    /// The log: a directory, s3://BUCKET/PREFIX, or an http(s):// address.
    pub log: String,
    /// The reporting day (the local date on which its period ends at the
    /// cut-off); a week's or a month's report ends with it.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub day: String,
    #[arg(long, value_enum, default_value = "md")]
    pub format: Format,
    /// A day, or the 7 reporting periods ending with --day, each against
    /// the same length before it; or the calendar month to --day, against
    /// the whole month before.
    #[arg(long, value_enum, default_value = "day")]
    pub period: Period,
    /// Where to write it (default: report-DAY.md, .html or .json; a week's
    /// and a month's: report-week-DAY..., report-month-DAY...); the proofs
    /// go in a directory beside it.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The log's verifier key (default: the agreement's `[operator] log`).
    #[arg(long)]
    pub log_key: Option<String>,
    /// Where checkpoints seen before are remembered (default:
    /// `$ACCORD_STATE`, else the user's data directory): the log must be
    /// consistent with the one remembered for it.
    #[arg(long, value_name = "DIR")]
    pub state: Option<PathBuf>,
    /// A C2SP tlog-policy file the checkpoint must satisfy, instead of the
    /// agreement's [witnesses].
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Write the report even when the checkpoint lacks the witness quorum
    /// (the report says that it is not witnessed).
    #[arg(long)]
    pub allow_unwitnessed: bool,
    /// The report's language: `--lang uk|ru|en`, default `$ACCORD_LANG`,
    /// else English.
    #[command(flatten)]
    pub lang: crate::lang::LangArg,
}

pub fn run(a: ReportArgs) -> Result<()> {
    let day: Date = a
        .day
        .parse()
        .map_err(|e| miette!("--day {:?}: not a date (YYYY-MM-DD): {e}", a.day))?;
    // Whether a PDF can be printed at all is known before the replay.
    if a.format == Format::Pdf {
        Chromium::find().map_err(|e| miette!("--format pdf: {e}"))?;
    }
    let (agreement, hash) = crate::check::load_agreement(&a.agreement)?;
    let policy = replay::read_policy(a.policy.as_deref())?;
    let amended = crate::amended::Amended::load(&a.amended)?;
    let versions = amended.versions(&agreement, hash)?;
    let source = Source::open(&a.log)?;
    let (key, _) = replay::log_key(a.log_key.as_deref(), &agreement, &source)?;
    let log = crate::status_cmd::verified(&source, &key, a.state.as_deref())?;
    let r = replay::replay_versions(&versions, &source, &log, SignatureCheck::Batch)?;
    let span = Span::from(a.period);
    let out = a.out.clone().unwrap_or_else(|| {
        let kind = match span {
            Span::Day => String::new(),
            s => format!("{}-", s.code()),
        };
        PathBuf::from(format!("report-{kind}{day}.{}", a.format.ext()))
    });
    // Reported under the version in force, and held to its witnesses.
    let in_force = r.evaluator.agreement();
    let witnessed = replay::witnessed(&source, &key, &log, in_force, &policy, a.allow_unwitnessed)?;
    if let Some(w) = witnessed.as_ref().filter(|w| !w.met()) {
        errln!("warning: {}", replay::witnessed_sentence(w));
    }
    write_with(
        in_force,
        &log,
        &r.evaluator,
        &source,
        Options {
            day,
            span,
            lang: a.lang.lang,
            format: a.format,
        },
        &out,
        witnessed.as_ref(),
    )?;
    outln!("wrote {}", out.display());
    Ok(())
}

/// What report to write: of which period, in which language and form.
#[derive(Clone, Copy)]
pub struct Options {
    pub day: Date,
    pub span: Span,
    pub lang: Lang,
    pub format: Format,
}

/// What the checkpoint's witnesses did, as the report's model keeps it.
pub fn witnessed_model(w: &WitnessCheck) -> Witnessed {
    Witnessed {
        met: w.met(),
        policy: if w.given { "given" } else { "agreement" }.into(),
        cosigners: w
            .cosigners
            .iter()
            .map(|c| Cosigned {
                name: c.name.clone(),
                at: jiff::Timestamp::from_second(c.timestamp as i64)
                    .unwrap_or(jiff::Timestamp::UNIX_EPOCH),
            })
            .collect(),
        error: w.error.as_ref().map(|e| e.to_string()),
    }
}

/// Builds the report and writes it, with its proofs, to `out`;
/// `witnessed` says what the checkpoint's witnesses did.
pub fn write_with(
    agreement: &Agreement,
    log: &replay::Verified,
    ev: &Evaluator<'_>,
    source: &Source,
    o: Options,
    out: &Path,
    witnessed: Option<&WitnessCheck>,
) -> Result<()> {
    let Options {
        day,
        span,
        lang,
        format,
    } = o;
    // Figures and proofs are of the checkpoint that was verified and
    // replayed, even if the log has grown since.
    let cp = log.checkpoint();
    let raw_checkpoint = cp.to_bytes();
    let mut report = Report::build(ev, day, span);
    report.sources.witnessed = witnessed.map(witnessed_model);
    report.header.root = Some(cp.checkpoint.root.to_string());
    let Some(adopted) = report.header.adopted else {
        return Err(miette!(
            "the log holds no adoption: there is nothing to report"
        ));
    };
    // A period the log has not seen the end of would be reported as quiet.
    let clock = ev.state.clock.unwrap_or(adopted);
    let last = ev
        .state
        .done
        .map(|d| d.to_string())
        .unwrap_or_else(|| "none".into());
    if report.header.period.end > clock {
        return Err(miette!(
            "--day {day}: that period ends at {}, after the log's clock ({clock}); the last complete period is {last}",
            report.header.period.end
        ));
    }
    if report.header.period.end <= adopted {
        return Err(miette!(
            "--day {day}: that period ended before the agreement was adopted ({adopted})"
        ));
    }
    // Proofs of every entry the report cites.
    let proofs_name = format!(
        "{}.proofs",
        out.file_stem().and_then(|s| s.to_str()).unwrap_or("report")
    );
    let proofs_dir = out.parent().unwrap_or(Path::new(".")).join(&proofs_name);
    std::fs::create_dir_all(&proofs_dir)
        .into_diagnostic()
        .wrap_err_with(|| format!("creating {}", proofs_dir.display()))?;
    let size = cp.checkpoint.size;
    let mut reader = TileReader::new(source);
    for &i in &report.cited {
        if i >= size {
            continue;
        }
        // The entry read through the verified tree, its proof checked
        // against the verified checkpoint before it is written.
        let proved = tlog::proof::prove(&mut reader, log, i).map_err(|e| miette!("{e}"))?;
        std::fs::write(proofs_dir.join(format!("{i}.proof")), proved.text()).into_diagnostic()?;
        std::fs::write(proofs_dir.join(format!("{i}.entry")), &proved.entry).into_diagnostic()?;
        // The evaluator keeps no notes: the entry itself says whether it is
        // simulated, and the report marks it.
        if SignedStatement::parse(&proved.entry).is_ok_and(|s| says_simulated(&s.statement)) {
            report.sources.simulated.insert(i);
        }
    }
    std::fs::write(proofs_dir.join("checkpoint"), &raw_checkpoint).into_diagnostic()?;
    let links = Links { dir: proofs_name };
    let text = match format {
        Format::Md => report.markdown(agreement, lang, &links),
        Format::Html | Format::Pdf => report.html(agreement, lang, &links),
        Format::Json => report.json(),
    };
    if format == Format::Pdf {
        // Printed from a page beside it, so that its links to the proofs
        // resolve alike; the PDF appears whole or not at all.
        let chromium = Chromium::find().map_err(|e| miette!("--format pdf: {e}"))?;
        return chromium
            .print_html(&text, out, PDF_TIME_LIMIT)
            .map_err(|e| miette!("{e}"));
    }
    // Written whole, then renamed: a reader never sees half a report.
    let tmp = out.with_extension("tmp");
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, out))
        .into_diagnostic()
        .wrap_err_with(|| format!("writing {}", out.display()))?;
    Ok(())
}
