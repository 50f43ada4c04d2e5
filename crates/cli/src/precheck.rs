//! Before a statement is signed or logged: checked as the evaluator will
//! check it (`Evaluator::check_next` over a replay of the log, the
//! evaluator's own path), so that what it would refuse forever is refused
//! here, with its reason and what to do, instead of being found by
//! `accord audit` later. `--force` lets it through with a warning.

use accord::agreement::Agreement;
use accord::evaluate::Evaluator;
use accord::statement::{Digest, SignedStatement};
use accord::text::printable;
use miette::{Result, miette};
use tlog::TileSource;

use crate::replay::{self, SignatureCheck, Source};

/// The evaluation of a log as it stands, replayed to check what comes next.
pub fn replay_log<'a>(
    agreement: &'a Agreement,
    hash: Digest,
    location: &str,
    log_key: Option<&str>,
) -> Result<Evaluator<'a>> {
    let source = Source::open(location)?;
    let (key, _) = replay::log_key(log_key, agreement, &source)?;
    let log = replay::verify(&source, &key, &[], None)
        .map_err(|e| miette!("{}: the log does not verify: {e}", source.describe()))?;
    let versions = accord::evaluate::Versions::one(agreement, hash);
    let r = replay::replay_versions(&versions, &source, &log, SignatureCheck::Batch)?;
    Ok(r.evaluator)
}

pub use accord_engine::refusal::{explain, needs_more_signatures};

/// What `accord sign` can check of a statement without the log: it is
/// made under the agreement and uses its names (checked before), and is
/// signed by a key the agreement knows, or perhaps by a monitor's key,
/// which only the log accredits. Lines for the user.
pub fn without_log(agreement: &Agreement, signed: &SignedStatement) -> Vec<String> {
    let mut known = Vec::new();
    for p in agreement.parties.values() {
        known.extend(p.keys.iter().map(|k| k.get_ref().name().to_string()));
    }
    for o in agreement.organisations.values() {
        known.extend(o.keys.iter().map(|k| k.get_ref().name().to_string()));
    }
    if let Some(op) = &agreement.operator {
        known.extend(op.keys.iter().map(|k| k.get_ref().name().to_string()));
    }
    let mut lines = vec![
        "checked against the agreement: its hash, and the names the statement uses".to_string(),
    ];
    for sig in signed.note.signatures() {
        let name = printable(&sig.name);
        if known.contains(&sig.name) {
            lines.push(format!("signed by {name}, a key of the agreement"));
        } else {
            lines.push(format!(
                "signed by {name}, not a key of the agreement: it counts only if the log accredits it as a monitor's key (not checked)"
            ));
        }
    }
    lines.push(
        "the log was not checked (its clock, duplicates, accreditations, what is open to dispute): give --log DIR to check it as the evaluator will"
            .into(),
    );
    lines
}
