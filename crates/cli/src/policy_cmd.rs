//! `accord policy`: the agreement's witness policy (`[witnesses]`, with the
//! log named by `[operator] log`) as a C2SP tlog-policy file, so that any
//! C2SP tool enforces the rule the parties agreed.

use std::path::PathBuf;

use clap::Args;
use miette::{IntoDiagnostic, Result, WrapErr, miette};

#[derive(Args)]
pub struct PolicyArgs {
    /// The agreement file.
    #[arg(long)]
    pub agreement: PathBuf,
    /// Write the policy to FILE instead of printing it.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(a: PolicyArgs) -> Result<()> {
    let (agreement, hash) = crate::check::load_agreement(&a.agreement)?;
    let Some(policy) = agreement.witness_policy() else {
        return Err(miette!(
            "{} has no [witnesses]: it requires no witness's cosignature, and there is no policy to export",
            a.agreement.display()
        ));
    };
    // The header is comments: C2SP tools read the lines after it alone.
    let text = format!(
        "# C2SP tlog-policy of the agreement {} (version {}), {hash}.\n\
         # Made by `accord policy` from its [witnesses] and [operator] log: the\n\
         # agreement is the authority; a checkpoint is valid when signed by the log\n\
         # and cosigned by the quorum.\n{}",
        accord::text::printable(agreement.id.get_ref()),
        accord::text::printable(agreement.version.get_ref()),
        policy.to_text()
    );
    match &a.out {
        Some(path) => {
            std::fs::write(path, &text)
                .into_diagnostic()
                .wrap_err_with(|| format!("writing {}", path.display()))?;
            errln!(
                "wrote the witness policy ({} witness(es), quorum {}) to {}",
                policy.witnesses().len(),
                policy.quorum(),
                path.display()
            );
        }
        None => out!("{text}"),
    }
    Ok(())
}
