//! `accord report`: the engine's daily report (`accord_engine::report`)
//! from the command line: the log replayed, the report written with the
//! inclusion proofs of every entry it cites beside it.

use std::path::{Path, PathBuf};

use accord::agreement::Agreement;
use accord::evaluate::Evaluator;
use accord::statement::SignedStatement;
use accord_engine::report::{Links, Report, says_simulated};
use clap::{Args, ValueEnum};
use jiff::civil::Date;
use miette::{IntoDiagnostic, Result, WrapErr, miette};
use tlog::TileReader;

use crate::replay::{self, SignatureCheck, Source};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Md,
    Html,
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
    /// The log: a directory or an http(s):// address.
    pub log: String,
    /// The reporting day (the local date on which its period ends at the cut-off).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub day: String,
    #[arg(long, value_enum, default_value = "md")]
    pub format: Format,
    /// Where to write it (default: report-DAY.md or .html); the proofs go in
    /// a directory beside it.
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
    #[command(flatten)]
    pub lang: crate::lang::LangArg,
}

pub fn run(a: ReportArgs) -> Result<()> {
    let day: Date = a
        .day
        .parse()
        .map_err(|e| miette!("--day {:?}: not a date (YYYY-MM-DD): {e}", a.day))?;
    let (agreement, hash) = crate::check::load_agreement(&a.agreement)?;
    let policy = replay::read_policy(a.policy.as_deref())?;
    let amended = crate::amended::Amended::load(&a.amended)?;
    let versions = amended.versions(&agreement, hash)?;
    let source = Source::open(&a.log)?;
    let (key, _) = replay::log_key(a.log_key.as_deref(), &agreement, &source)?;
    let log = crate::status_cmd::verified(&source, &key, a.state.as_deref())?;
    let r = replay::replay_versions(&versions, &source, &log, SignatureCheck::Batch)?;
    let out = a.out.clone().unwrap_or_else(|| {
        PathBuf::from(format!(
            "report-{day}.{}",
            if a.format == Format::Html {
                "html"
            } else {
                "md"
            }
        ))
    });
    // Reported under the version in force, and held to its witnesses.
    let in_force = r.evaluator.agreement();
    let witnessed = replay::witnessed(&source, &key, &log, in_force, &policy, a.allow_unwitnessed)?;
    let sentence = witnessed.as_ref().map(replay::witnessed_sentence);
    if let Some(w) = witnessed.as_ref().filter(|w| !w.met()) {
        errln!("warning: {}", replay::witnessed_sentence(w));
    }
    write(
        in_force,
        &log,
        &r.evaluator,
        &source,
        day,
        a.format,
        &out,
        sentence.as_deref(),
        a.lang.lang,
    )?;
    outln!("wrote {}", out.display());
    Ok(())
}

/// Builds the report for `day` and writes it, with its proofs, to `out`;
/// `witnessed` says what the checkpoint's witnesses did.
#[allow(clippy::too_many_arguments)]
pub fn write(
    agreement: &Agreement,
    log: &replay::Verified,
    ev: &Evaluator<'_>,
    source: &Source,
    day: Date,
    format: Format,
    out: &Path,
    witnessed: Option<&str>,
    // The report's language (`--lang`): accord-report renders in it; the
    // engine's report, until then, is in English.
    _lang: accord_i18n::Lang,
) -> Result<()> {
    // Figures and proofs are of the checkpoint that was verified and
    // replayed, even if the log has grown since.
    let cp = log.checkpoint();
    let raw_checkpoint = cp.to_bytes();
    let mut report = Report::build(agreement, ev, day);
    report.witnessed = witnessed.map(str::to_string);
    let Some(adopted) = report.adopted.map(|at| at.time.0) else {
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
    if report.end > clock {
        return Err(miette!(
            "--day {day}: that period ends at {}, after the log's clock ({clock}); the last complete period is {last}",
            report.end
        ));
    }
    if report.end <= adopted {
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
            report.simulated.insert(i);
        }
    }
    std::fs::write(proofs_dir.join("checkpoint"), &raw_checkpoint).into_diagnostic()?;
    let links = Links {
        dir: proofs_name,
        html: format == Format::Html,
    };
    let text = match format {
        Format::Md => report.markdown(&links, size, &cp.checkpoint.root.to_string()),
        Format::Html => report.html(&links, size, &cp.checkpoint.root.to_string()),
    };
    // Written whole, then renamed: a reader never sees half a report.
    let tmp = out.with_extension("tmp");
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, out))
        .into_diagnostic()
        .wrap_err_with(|| format!("writing {}", out.display()))?;
    Ok(())
}
