//! `accord check AGREEMENT`: every problem at once, each with its file, line
//! and column and the source line underlined.

use std::io::IsTerminal;
use std::path::PathBuf;

use accord::agreement;
use accord::diag::{Diags, Report, Severity, Sources, not_shown, render_plain};
use accord_engine::files;
use clap::Args;
use miette::{IntoDiagnostic, Result, WrapErr, miette};

#[derive(Args)]
pub struct CheckArgs {
    /// The agreement file (TOML, with its GeoJSON zone files beside it).
    pub agreement: PathBuf,
    /// Print the agreement's canonical JSON (RFC 8785), whose SHA-256 is its hash.
    #[arg(long)]
    pub canonical: bool,
    /// Treat warnings (unused names) as errors.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// Prints diagnostics to standard error: with colour on a terminal,
/// plain otherwise; the first hundred in file order, then how many more.
pub fn print_diags(diags: &Diags, sources: &Sources) {
    if diags.0.is_empty() {
        return;
    }
    if std::io::stderr().is_terminal() {
        let (shown, more) = diags.shown();
        for d in shown {
            errln!("{:?}", miette::Report::new(Report::new(d, sources)));
        }
        if more > 0 {
            errln!("{}", not_shown(more));
        }
        let (e, w) = (diags.errors(), diags.warnings());
        errln!("{e} error(s), {w} warning(s)");
    } else {
        err!("{}", render_plain(diags, sources, 100));
    }
}

pub fn run(a: CheckArgs) -> Result<()> {
    let checked = files::check_file(&a.agreement)
        .into_diagnostic()
        .wrap_err_with(|| format!("reading {}", a.agreement.display()))?;
    print_diags(&checked.diags, &checked.sources);
    let warnings = checked
        .diags
        .0
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let (Some(ag), Some(hash)) = (&checked.agreement, checked.hash) else {
        return Err(miette!(
            "{} is not a valid agreement",
            a.agreement.display()
        ));
    };
    if a.deny_warnings && warnings > 0 {
        return Err(miette!(
            "{warnings} warning(s), and --deny-warnings was given"
        ));
    }
    if a.canonical {
        outln!("{}", agreement::canonical::canonical_json(ag));
        return Ok(());
    }
    outln!(
        "{} (version {}) is a valid agreement.",
        ag.title.get_ref(),
        ag.version.get_ref()
    );
    outln!(
        "  {} parties, {} organisations, {} zones, {} clauses, {} phases, {} relief tranches, {} guarantees",
        ag.parties.len(),
        ag.organisations.len(),
        ag.zones.len(),
        ag.clauses.len(),
        ag.phases.len(),
        ag.relief.len(),
        ag.guarantees.len()
    );
    if let Some(w) = &ag.witnesses {
        outln!(
            "  {} witness(es); `accord policy` writes the quorum a checkpoint needs as a C2SP tlog-policy",
            w.list.len()
        );
    }
    outln!("  canonical hash: {hash}");
    Ok(())
}

/// Reads and checks an agreement file for a command that needs a valid one:
/// prints its diagnostics and fails if it has errors.
pub fn load_agreement(
    path: &std::path::Path,
) -> Result<(accord::agreement::Agreement, accord::statement::Digest)> {
    let checked = files::check_file(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("reading {}", path.display()))?;
    if checked.agreement.is_none() {
        print_diags(&checked.diags, &checked.sources);
    }
    match (checked.agreement, checked.hash) {
        (Some(a), Some(h)) => Ok((a, h)),
        _ => Err(miette!(
            "{} is not a valid agreement (run `accord check` on it)",
            path.display()
        )),
    }
}
