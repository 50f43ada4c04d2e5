//! `accord status`: the evaluator's verdict on a log, for people (the
//! engine's text: a table of clauses by party, the phase, relief and
//! guarantees) or machines (`--json`: the status whose digest the operator
//! signs); with `--sign`, the operator's status statement.

use std::path::PathBuf;

use accord::statement::{SignedStatement, Time};
use clap::Args;
use miette::{Result, miette};
use tlog::{TileSource, VerifierKey};

use crate::replay::{self, SignatureCheck, Source};

#[derive(Args)]
pub struct StatusArgs {
    /// The agreement file.
    #[arg(long)]
    pub agreement: PathBuf,
    /// An amended text of the agreement (TOML, its GeoJSON beside it) that
    /// the log may adopt by an amendment statement (repeatable).
    #[arg(long = "amended", value_name = "FILE")]
    pub amended: Vec<PathBuf>,
    /// The log: a directory, s3://BUCKET/PREFIX, or an http(s):// address.
    pub log: String,
    /// Print the status as JSON (the document whose SHA-256 status
    /// statements name), with the entries the evaluator refused beside its
    /// fields under `refused_entries`, which is not part of it.
    #[arg(long)]
    pub json: bool,
    /// The log's verifier key (default: the agreement's `[operator] log`).
    #[arg(long)]
    pub log_key: Option<String>,
    /// Check every signature one by one instead of in batches (the same
    /// rule either way: only the time differs).
    #[arg(long)]
    pub strict: bool,
    /// As the operator: print a status statement about the log as it is,
    /// signed with this key file, to append as the log's next entry.
    #[arg(long, value_name = "KEYFILE")]
    pub sign: Option<PathBuf>,
    /// With --sign: when the statement is issued (RFC 3339; default now).
    #[arg(long, requires = "sign")]
    pub at: Option<String>,
    /// Where checkpoints seen before are remembered (default:
    /// `$ACCORD_STATE`, else the user's data directory): the log must be
    /// consistent with the one remembered for it.
    #[arg(long, value_name = "DIR")]
    pub state: Option<PathBuf>,
    /// A C2SP tlog-policy file the checkpoint must satisfy, instead of the
    /// agreement's [witnesses].
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Go on when the checkpoint lacks the witness quorum (the output says
    /// that it is not witnessed).
    #[arg(long)]
    pub allow_unwitnessed: bool,
    #[command(flatten)]
    pub lang: crate::lang::LangArg,
}

pub fn run(a: StatusArgs) -> Result<()> {
    let (agreement, hash) = crate::check::load_agreement(&a.agreement)?;
    let policy = replay::read_policy(a.policy.as_deref())?;
    let amended = crate::amended::Amended::load(&a.amended)?;
    let versions = amended.versions(&agreement, hash)?;
    let source = Source::open(&a.log)?;
    let (key, _) = replay::log_key(a.log_key.as_deref(), &agreement, &source)?;
    let log = verified(&source, &key, a.state.as_deref())?;
    let check = if a.strict {
        SignatureCheck::Single
    } else {
        SignatureCheck::Batch
    };
    let r = replay::replay_versions(&versions, &source, &log, check)?;
    let status = r.evaluator.status();
    // The version in force: what the status judges by, and what a status
    // statement names.
    let in_force = r.evaluator.version_in_force();
    // The operator signing its claim about its own log needs no witness;
    // anyone reading the status does.
    let witnessed = match a.sign {
        Some(_) => None,
        None => replay::witnessed(
            &source,
            &key,
            &log,
            in_force.agreement,
            &policy,
            a.allow_unwitnessed,
        )?,
    };
    if let Some(keyfile) = &a.sign {
        let key = crate::keys::read_secret_key(keyfile)?;
        let at: jiff::Timestamp = match &a.at {
            Some(t) => t
                .parse()
                .map_err(|e| miette!("--at {t:?}: not an RFC 3339 time: {e}"))?,
            None => jiff::Timestamp::now(),
        };
        let signed = SignedStatement::sign(status.statement(in_force.hash, Time(at)), &key)
            .map_err(|e| miette!("{e}"))?;
        out!("{}", String::from_utf8_lossy(&signed.to_bytes()));
        return Ok(());
    }
    let state = &r.evaluator.state;
    let refused_total: u64 = state.rejected.values().sum();
    if a.json {
        let doc = StatusJson {
            status: &status,
            witnesses: witnessed.as_ref().map(accord_engine::witnessed::to_json),
            refused_entries: RefusedEntries {
                total: refused_total,
                listed: state
                    .rejections
                    .iter()
                    .map(|(index, why)| RefusedEntry {
                        index: *index,
                        text: why.to_string(),
                        why,
                    })
                    .collect(),
            },
        };
        outln!(
            "{}",
            serde_json::to_string_pretty(&doc).expect("status serialises")
        );
    } else {
        if let Some(w) = &witnessed {
            outln!("{}\n", replay::witnessed_sentence(w));
        }
        out!(
            "{}",
            accord_engine::text::status_in(in_force.agreement, &status, a.lang.lang)
        );
        out!(
            "{}",
            accord_engine::text::refused_entries_in(&state.rejections, refused_total, a.lang.lang)
        );
    }
    Ok(())
}

/// `status --json`: the status's own fields (its digest is over those
/// alone: see `Status::canonical`), and beside them the refused entries,
/// which the evaluator keeps in its state and not in the status.
#[derive(serde::Serialize)]
struct StatusJson<'s> {
    #[serde(flatten)]
    status: &'s accord::evaluate::Status,
    /// The checkpoint held to the witness policy (absent when none
    /// applies): who cosigned, whether the quorum is met.
    #[serde(skip_serializing_if = "Option::is_none")]
    witnesses: Option<serde_json::Value>,
    refused_entries: RefusedEntries<'s>,
}

#[derive(serde::Serialize)]
struct RefusedEntries<'s> {
    /// How many entries were refused.
    total: u64,
    /// The first 10,000, by index, with the evaluator's reason.
    listed: Vec<RefusedEntry<'s>>,
}

#[derive(serde::Serialize)]
struct RefusedEntry<'s> {
    index: u64,
    /// The reason as people read it.
    text: String,
    /// The reason, typed (`reason` names it).
    why: &'s accord::evaluate::Rejected,
}

/// Verifies the log (see [`replay::verify`]), saying where a failure is,
/// and checks it against the checkpoint remembered for it (see
/// [`crate::remembered`]).
pub fn verified(
    source: &Source,
    key: &VerifierKey,
    state: Option<&std::path::Path>,
) -> Result<replay::Verified> {
    let log = replay::verify(source, key, &[], None)
        .map_err(|e| miette!("{}: the log does not verify: {e}", source.describe()))?;
    match crate::remembered::Memory::open(state)? {
        Some(memory) => {
            let seen = memory
                .check(source, key, &log)
                .map_err(|e| miette!("{}: {e}", source.describe()))?;
            if let Some(crate::remembered::Seen::Older { .. }) = seen {
                errln!("warning: {}", crate::remembered::describe(seen, &memory));
            }
        }
        None => errln!(
            "warning: no data directory to remember this log's checkpoint in (set --state or $ACCORD_STATE): a rewrite would go unnoticed"
        ),
    }
    Ok(log)
}
