//! `accord audit`: everything a party, a guarantor or a journalist needs to
//! hold the log and its operator to account, from the public log alone.
//!
//! It verifies the checkpoint (the log's signature, the witnesses'
//! cosignatures), every tile and entry bundle, consistency with a checkpoint
//! seen earlier; checks every statement's signatures and accreditation while
//! replaying the evaluator; and compares the replay with every status
//! statement the operator logged. A mismatch is reported with the entry, its
//! index, an inclusion proof and what the replay found, written to files
//! anyone can check again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use accord::agreement::Agreement;
use accord::evaluate::{Evaluator, Status};
use accord::statement::{Body, Digest, SignedStatement};
use clap::Args;
use miette::{IntoDiagnostic, Result, WrapErr, miette};
use tlog::client::TileReader;
use tlog::{TileSource, VerifierKey};

use crate::replay::{self, SignatureCheck, Source};

#[derive(Args)]
pub struct AuditArgs {
    /// The agreement file.
    #[arg(long)]
    pub agreement: PathBuf,
    /// The log: a directory or an http(s):// address.
    pub log: String,
    /// A witness whose cosignature the checkpoint must carry (repeatable).
    #[arg(long = "witness", value_name = "VKEY")]
    pub witnesses: Vec<String>,
    /// A checkpoint seen earlier (a file): the log must extend it.
    #[arg(long, value_name = "CHECKPOINT")]
    pub since: Option<PathBuf>,
    /// The log's verifier key (default: the agreement's `[operator] log`).
    #[arg(long)]
    pub log_key: Option<String>,
    /// Check every signature one by one instead of in batches (the same
    /// rule, ZIP-215, either way: the result cannot differ, only the time).
    #[arg(long, alias = "one-by-one")]
    pub strict: bool,
    /// A signed statement (a file) that must be in the log, such as a
    /// monitor's own report (repeatable).
    #[arg(long = "expect", value_name = "FILE")]
    pub expect: Vec<PathBuf>,
    /// Where to write the evidence for each finding (default:
    /// `audit-evidence` when there is something to write).
    #[arg(long)]
    pub evidence: Option<PathBuf>,
    /// Where checkpoints seen before are remembered (default:
    /// `$ACCORD_STATE`, else the user's data directory): the log must be
    /// consistent with the one remembered for it.
    #[arg(long, value_name = "DIR")]
    pub state: Option<PathBuf>,
}

/// Something the audit found wrong.
struct Finding {
    title: String,
    /// Files of evidence: name and contents.
    files: Vec<(String, String)>,
}

pub fn run(a: AuditArgs) -> Result<()> {
    run_then(a, |_, _, _, _| Ok(()))
}

/// Runs the audit and, if it passes, `then` with the agreement, the
/// verified log, the replayed evaluator and the log's source (the demo
/// writes its report from them instead of replaying again).
pub fn run_then(
    a: AuditArgs,
    then: impl FnOnce(&Agreement, &replay::Verified, &Evaluator, &Source) -> Result<()>,
) -> Result<()> {
    let started = Instant::now();
    let (agreement, hash) = crate::check::load_agreement(&a.agreement)?;
    let source = Source::open(&a.log)?;
    let (key, whence) = replay::log_key(a.log_key.as_deref(), &agreement, &source)?;
    let witnesses = a
        .witnesses
        .iter()
        .map(|w| VerifierKey::parse(w).map_err(|e| miette!("--witness {w:?}: {e}")))
        .collect::<Result<Vec<_>>>()?;
    let old = match &a.since {
        Some(p) => Some(
            std::fs::read(p)
                .into_diagnostic()
                .wrap_err_with(|| format!("reading {}", p.display()))?,
        ),
        None => None,
    };
    outln!(
        "auditing {} under {}",
        source.describe(),
        a.agreement.display()
    );
    outln!("agreement {hash}");

    // 1. The log itself.
    let log = match replay::verify(&source, &key, &witnesses, old.as_deref()) {
        Ok(log) => log,
        Err(e) => {
            outln!("LOG FAILED: {e}");
            return Err(miette!(
                "audit FAILED: the log {} does not verify: {e}",
                source.describe()
            ));
        }
    };
    let report = log.report();
    let cp = &report.checkpoint.checkpoint;
    outln!(
        "checkpoint ok: {} entries, root {}, signed by {key} ({whence})",
        cp.size,
        cp.root
    );
    for c in &report.cosignatures {
        outln!("  cosigned by witness {} at {}", c.witness, c.timestamp);
    }
    outln!(
        "tiles ok: {} hash tiles (each entry bundle is checked against them as it is replayed)",
        report.hash_tiles
    );
    if let Some(m) = report.consistent_with {
        outln!("consistent with the earlier checkpoint of size {m}: nothing was rewritten");
    }
    match crate::remembered::Memory::open(a.state.as_deref())? {
        Some(memory) => match memory.check(&source, &key, &log) {
            Ok(seen) => outln!("{}", crate::remembered::describe(&seen, &memory)),
            Err(e) => {
                outln!("LOG FAILED: {e}");
                return Err(miette!("audit FAILED: {e}"));
            }
        },
        None => outln!(
            "no data directory to remember this checkpoint in (set --state or $ACCORD_STATE): a rewrite before the next run would go unnoticed"
        ),
    }
    // Proofs are against the checkpoint verified above, even if the log
    // has grown since.
    let raw_checkpoint = report.checkpoint.to_bytes();
    let size = cp.size;
    let root = cp.root;

    // 2. Every statement, replayed.
    let check = if a.strict {
        SignatureCheck::Single
    } else {
        SignatureCheck::Batch
    };
    let replay_started = Instant::now();
    // Statements that must be there: their logged copies are noted as the
    // replay reads them (each entry is read once).
    let wanted = expected(&a.expect)?;
    let mut copies: BTreeMap<u64, (Digest, Vec<Line>)> = BTreeMap::new();
    let note_copies = |index: u64, p: &accord::evaluate::Prepared| {
        if let Ok(s) = &p.statement
            && wanted.iter().any(|w| w.digest == p.digest)
        {
            copies.insert(index, (p.digest, lines(&s.note)));
        }
    };
    let r = match replay::replay_with(&agreement, hash, &source, &log, check, note_copies) {
        Ok(r) => r,
        Err(e) => {
            outln!("LOG FAILED: {e}");
            return Err(miette!("audit FAILED: {e}"));
        }
    };
    outln!(
        "entries ok: {} entry bundles, each checked against the verified tree as it was read{}",
        log.bundles(),
        if r.replayed_twice {
            " (twice: status statements speak of sizes the first replay had passed)"
        } else {
            ""
        }
    );
    let ev = &r.evaluator;
    let status = ev.status();
    let refused: u64 = status.rejected.values().sum();
    outln!(
        "statements: {} entries replayed in {:.1} s, {} signatures verified ({}), {} accepted, {} refused",
        size,
        replay_started.elapsed().as_secs_f64(),
        r.signatures,
        if a.strict {
            "one by one".to_string()
        } else {
            format!(
                "in batches, {} batch(es) failed and were checked one by one",
                r.batches_failed
            )
        },
        size - refused,
        refused
    );
    let mut findings: Vec<Finding> = Vec::new();
    let mut reader = TileReader::new(&source);
    // Evidence is read again from the log, checked against the verified
    // tree; a log that now serves other bytes is itself a finding, not a
    // reason to stop.
    let mut unprovable: Vec<String> = Vec::new();
    let mut evidence = |index: u64, prefix: &str| -> Vec<(String, String)> {
        match crate::logdir::inclusion_proof(&mut reader, &raw_checkpoint, size, &root, index) {
            Ok((p, entry)) => vec![
                (
                    format!("{prefix}-{index}.note"),
                    String::from_utf8_lossy(&entry).into(),
                ),
                (format!("{prefix}-{index}.proof"), p),
            ],
            Err(e) => {
                unprovable.push(format!("entry {index}: {e}"));
                vec![]
            }
        }
    };
    // Entries the operator should never have logged: signatures that do not
    // verify, signers the agreement does not know; and anything refused
    // that bears the operator's own signature (a status statement about
    // entries not yet logged or dated too far ahead, an observation it
    // co-signed to move the clock, a statement not in canonical form...).
    // Reasons are printable: they may quote the entry, and are escaped.
    let by_operator: BTreeMap<u64, &accord::evaluate::Rejected> = ev
        .state
        .operator_refusals
        .iter()
        .map(|r| (r.index, &r.why))
        .collect();
    for (index, why) in &ev.state.rejections {
        let serious = why.is_unloggable();
        outln!("  entry {index} refused: {why}");
        if serious && !by_operator.contains_key(index) {
            findings.push(Finding {
                title: format!("entry {index} is in the log but {why}"),
                files: evidence(*index, "entry"),
            });
        }
    }
    if ev.state.rejections.len() as u64 > 10_000 {
        outln!("  (only the first 10,000 refusals are listed)");
    }
    for (index, why) in &by_operator {
        findings.push(Finding {
            title: format!(
                "entry {index} bears the operator's signature, but the evaluator refuses it: {why}"
            ),
            files: evidence(*index, "entry"),
        });
    }
    if ev.state.operator_refused > ev.state.operator_refusals.len() as u64 {
        findings.push(Finding {
            title: format!(
                "{} more entries bear the operator's signature and are refused (only the first 10,000 are listed)",
                ev.state.operator_refused - ev.state.operator_refusals.len() as u64
            ),
            files: vec![],
        });
    }

    // 3. The operator's status statements: the digest and every plain
    // field it signs, held to the replay.
    let claims = &ev.state.claims;
    let mut matched = 0;
    for c in claims {
        if c.holds() {
            matched += 1;
            continue;
        }
        let mut files = evidence(c.index, "status");
        let claimed_summary = files
            .first()
            .and_then(|(_, note)| SignedStatement::parse(note.as_bytes()).ok())
            .and_then(|s| match s.statement.body {
                Body::Status(sc) => Some(serde_json::to_string_pretty(&sc).ok()?),
                _ => None,
            })
            .unwrap_or_default();
        let found = ev.found(c.index);
        files.push((format!("status-{}.claimed.json", c.index), claimed_summary));
        if let Some(st) = found {
            files.push((format!("status-{}.replayed.json", c.index), st.canonical()));
        }
        let title = match c.computed {
            Some(d) if d != c.claimed => format!(
                "status statement at entry {} claims status {} for log size {}, but the replay finds {}{}",
                c.index,
                c.claimed,
                c.log_size,
                d,
                found.map(summary).unwrap_or_default()
            ),
            Some(_) => format!(
                "status statement at entry {} names the right status digest for log size {}, but says {}",
                c.index,
                c.log_size,
                c.fields
                    .iter()
                    .map(|f| format!(
                        "{} `{}` where the replay finds `{}`",
                        f.field,
                        accord::text::printable(&f.claimed),
                        f.replayed
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => format!(
                "status statement at entry {} about log size {} could not be checked",
                c.index, c.log_size
            ),
        };
        findings.push(Finding { title, files });
    }
    outln!(
        "status statements: {} logged by the operator, {} match the replay",
        claims.len(),
        matched
    );

    if !unprovable.is_empty() {
        findings.push(Finding {
            title: format!(
                "asked again for the evidence of what the replay found, the log served bytes its checkpoint does not commit to (it answers the same request differently): {}",
                unprovable.join("; ")
            ),
            files: vec![],
        });
    }

    // 4. Statements that must be there, with every signature they carry:
    // a copy logged with a co-signer's line stripped is not the statement
    // its signers gave.
    for w in &wanted {
        let logged: Vec<(u64, &Vec<Line>)> = copies
            .iter()
            .filter(|(_, (d, _))| *d == w.digest)
            .map(|(i, (_, l))| (*i, l))
            .collect();
        let at: Vec<String> = logged.iter().map(|(i, _)| i.to_string()).collect();
        // A certification's signers count in whichever entries they come;
        // any other statement must carry them all in one entry.
        let certification = matches!(w.statement.body, Body::Certification(_));
        let missing: Vec<&Line> = if certification {
            w.lines
                .iter()
                .filter(|l| !logged.iter().any(|(_, ls)| ls.contains(l)))
                .collect()
        } else {
            logged
                .iter()
                .map(|(_, ls)| {
                    w.lines
                        .iter()
                        .filter(|l| !ls.contains(l))
                        .collect::<Vec<_>>()
                })
                .min_by_key(Vec::len)
                .unwrap_or_default()
        };
        if logged.is_empty() {
            findings.push(Finding {
                title: format!(
                    "{} ({}) is NOT in the log of {size} entries",
                    w.path.display(),
                    w.digest
                ),
                files: vec![],
            });
        } else if !missing.is_empty() {
            let names: Vec<String> = missing
                .iter()
                .map(|l| format!("{}+{:08x}", accord::text::printable(&l.0), l.1))
                .collect();
            findings.push(Finding {
                title: format!(
                    "{} is in the log (entry {}) but without the signature of {}: the statement was logged with a signer's line stripped",
                    w.path.display(),
                    at.join(", "),
                    names.join(", ")
                ),
                files: vec![],
            });
        } else {
            let refused: Vec<String> = logged
                .iter()
                .filter_map(|(i, _)| {
                    ev.state
                        .rejections
                        .iter()
                        .find(|(j, _)| j == i)
                        .map(|(_, why)| format!(" (entry {i} was refused: {why})"))
                })
                .collect();
            outln!(
                "  {} is in the log at entry {}, with every signature it carries{}",
                w.path.display(),
                at.join(", "),
                refused.join("")
            );
        }
    }

    outln!();
    out!("{}", crate::status_cmd::render(&agreement, &status));
    outln!();
    if findings.is_empty() {
        outln!(
            "AUDIT PASSED in {:.1} s: the log verifies, every status statement matches the replay",
            started.elapsed().as_secs_f64()
        );
        return then(&agreement, &log, ev, &source);
    }
    let dir = a
        .evidence
        .clone()
        .unwrap_or_else(|| PathBuf::from("audit-evidence"));
    write_evidence(&dir, &findings, &raw_checkpoint)?;
    outln!("AUDIT FAILED: {} finding(s)", findings.len());
    for f in &findings {
        outln!("  - {}", f.title);
    }
    outln!(
        "evidence (entries, inclusion proofs against the checkpoint, the replayed status) in {}",
        dir.display()
    );
    Err(miette!("audit FAILED: {} finding(s)", findings.len()))
}

/// What the replay found, in a few words.
fn summary(st: &Status) -> String {
    let tranches: Vec<String> = st
        .tranche_states()
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    format!(
        " (phase {}; {})",
        st.phase.id.as_deref().unwrap_or("none"),
        tranches.join(", ")
    )
}

/// A signature line: key name, key ID, signature.
type Line = (String, u32, Vec<u8>);

fn lines(note: &tlog::Note) -> Vec<Line> {
    note.signatures()
        .iter()
        .map(|l| (l.name.clone(), l.key_id, l.signature.clone()))
        .collect()
}

/// A statement that must be in the log (`--expect`).
struct Expected {
    path: PathBuf,
    digest: Digest,
    statement: accord::statement::Statement,
    lines: Vec<Line>,
}

fn expected(paths: &[PathBuf]) -> Result<Vec<Expected>> {
    paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p)
                .into_diagnostic()
                .wrap_err_with(|| format!("reading {}", p.display()))?;
            let s = SignedStatement::parse(&bytes)
                .map_err(|e| miette!("{}: not a signed statement: {e}", p.display()))?;
            Ok(Expected {
                path: p.clone(),
                digest: s.digest(),
                lines: lines(&s.note),
                statement: s.statement,
            })
        })
        .collect()
}

fn write_evidence(dir: &Path, findings: &[Finding], checkpoint: &[u8]) -> Result<()> {
    std::fs::create_dir_all(dir)
        .into_diagnostic()
        .wrap_err_with(|| format!("creating {}", dir.display()))?;
    let mut index = String::from("# Audit findings\n\n");
    for f in findings {
        index.push_str(&format!("- {}\n", f.title));
        for (name, text) in &f.files {
            index.push_str(&format!("  - {name}\n"));
            std::fs::write(dir.join(name), text)
                .into_diagnostic()
                .wrap_err_with(|| format!("writing {}", dir.join(name).display()))?;
        }
    }
    index.push_str(
        "\nEach `.proof` file is a C2SP tlog-proof of the entry beside it against `checkpoint`:\n\
         check it with any tlog verifier, then re-run `accord audit` to see the replay.\n",
    );
    std::fs::write(dir.join("checkpoint"), checkpoint).into_diagnostic()?;
    std::fs::write(dir.join("FINDINGS.md"), index).into_diagnostic()?;
    Ok(())
}
