//! `accord audit`: the engine's audit (`accord_engine::audit`) from the
//! command line. This file reads the arguments and files, keeps the
//! checkpoint it remembers, prints what the audit found and writes its
//! evidence to files anyone can check again.

use std::path::{Path, PathBuf};
use std::time::Instant;

use accord::agreement::Agreement;
use accord::evaluate::Evaluator;
use accord_engine::audit::{AuditOptions, Expected, Finding};
use accord_engine::replay::ReplayOptions;
use clap::Args;
use miette::{IntoDiagnostic, Result, WrapErr, miette};
use tlog::{TileSource, VerifierKey};

use crate::replay::{self, SignatureCheck, Source};

#[derive(Args)]
pub struct AuditArgs {
    /// The agreement file.
    #[arg(long)]
    pub agreement: PathBuf,
    /// An amended text of the agreement (TOML, its GeoJSON beside it) that
    /// the log may adopt by an amendment statement (repeatable).
    #[arg(long = "amended", value_name = "FILE")]
    pub amended: Vec<PathBuf>,
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

pub fn run(a: AuditArgs) -> Result<()> {
    run_then(a, |_, _, _, _| Ok(()))
}

/// Runs the audit and, if it passes, `then` with the agreement, the
/// verified log, the replayed evaluator and the log's source (the demo
/// writes its report from them instead of replaying again).
pub fn run_then(
    a: AuditArgs,
    then: impl FnOnce(&Agreement, &replay::Verified, &Evaluator<'_>, &Source) -> Result<()>,
) -> Result<()> {
    let started = Instant::now();
    let (agreement, hash) = crate::check::load_agreement(&a.agreement)?;
    let amended = crate::amended::Amended::load(&a.amended)?;
    let versions = amended.versions(&agreement, hash)?;
    let source = Source::open(&a.log)?;
    let (key, whence) = replay::log_key(a.log_key.as_deref(), &agreement, &source)?;
    let witnesses = a
        .witnesses
        .iter()
        .map(|w| VerifierKey::parse(w).map_err(|e| miette!("--witness {w:?}: {e}")))
        .collect::<Result<Vec<_>>>()?;
    let read = |p: &Path| {
        std::fs::read(p)
            .into_diagnostic()
            .wrap_err_with(|| format!("reading {}", p.display()))
    };
    let since = a.since.as_deref().map(read).transpose()?;
    let expect = a
        .expect
        .iter()
        .map(|p| {
            Expected::new(p.display().to_string(), &read(p)?)
                .map_err(|e| miette!("{}: not a signed statement: {e}", p.display()))
        })
        .collect::<Result<Vec<_>>>()?;
    outln!(
        "auditing {} under {}",
        source.describe(),
        a.agreement.display()
    );
    outln!("agreement {hash}");

    // What this auditor remembers of the log, by the origin its checkpoint
    // names (read first, and checked by the audit).
    let memory = crate::remembered::Memory::open(a.state.as_deref())?;
    let served_origin = served_origin(&source);
    let remembered = match (&memory, &served_origin) {
        (Some(m), Some(origin)) => m.previous(origin, &key).inspect_err(|e| {
            outln!("LOG FAILED: {e}");
        })?,
        _ => None,
    };

    let bar = crate::logdir::progress_bar(0, "replaying");
    let progress = |n: u64| bar.set_position(n);
    let check = if a.strict {
        SignatureCheck::Single
    } else {
        SignatureCheck::Batch
    };
    let opts = AuditOptions {
        log_key: &key,
        witnesses: &witnesses,
        since: since.as_deref(),
        remembered: remembered.as_deref(),
        expect: &expect,
        replay: ReplayOptions {
            check,
            progress: Some(&progress),
        },
    };
    let replay_started = Instant::now();
    let report = accord_engine::audit_versions(&versions, &source, &opts);
    bar.finish_and_clear();

    // 1. The log itself.
    let Some(log) = &report.log else {
        let e = report
            .findings
            .first()
            .expect("a finding when the log fails");
        outln!("LOG FAILED: {}", log_failure(e));
        return Err(miette!(
            "audit FAILED: the log {} does not verify: {}",
            source.describe(),
            log_failure(e)
        ));
    };
    let v = log.report();
    let cp = &v.checkpoint.checkpoint;
    outln!(
        "checkpoint ok: {} entries, root {}, signed by {key} ({whence})",
        cp.size,
        cp.root
    );
    for c in &v.cosignatures {
        outln!("  cosigned by witness {} at {}", c.witness, c.timestamp);
    }
    outln!(
        "tiles ok: {} hash tiles (each entry bundle is checked against them as it is replayed)",
        v.hash_tiles
    );
    if let Some(m) = v.consistent_with {
        outln!("consistent with the earlier checkpoint of size {m}: nothing was rewritten");
    }
    match &memory {
        Some(memory) => {
            if let Some(Finding::Fork {
                why,
                remembered,
                served,
            }) = report.findings.first()
            {
                let kept = memory.keep_fork(remembered, served, why);
                let e = format!("{}; {kept}", report.findings[0]);
                outln!("LOG FAILED: {e}");
                return Err(miette!("audit FAILED: {e}"));
            }
            memory.remember(&key, log, report.seen)?;
            outln!("{}", crate::remembered::describe(report.seen, memory));
        }
        None => outln!(
            "no data directory to remember this checkpoint in (set --state or $ACCORD_STATE): a rewrite before the next run would go unnoticed"
        ),
    }

    // 2. Every statement, replayed.
    let Some(r) = &report.replay else {
        let e = report
            .findings
            .first()
            .expect("a finding when the replay fails");
        outln!("LOG FAILED: {}", log_failure(e));
        return Err(miette!(
            "audit FAILED: the log {} does not verify: {}",
            source.describe(),
            log_failure(e)
        ));
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
    let size = log.size();
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
                "in batches, {} batch(es) failed and were checked in parts",
                r.batches_failed
            )
        },
        size - refused,
        refused
    );
    for (index, why) in &ev.state.rejections {
        outln!("  entry {index} refused: {why}");
    }
    if ev.state.rejections.len() as u64 > 10_000 {
        outln!("  (only the first 10,000 refusals are listed)");
    }
    let claims = &ev.state.claims;
    outln!(
        "status statements: {} logged by the operator, {} match the replay",
        claims.len(),
        claims.iter().filter(|c| c.holds()).count()
    );
    for w in &report.expected {
        let at: Vec<String> = w.entries.iter().map(u64::to_string).collect();
        let refused: Vec<String> = w
            .refused
            .iter()
            .map(|(i, why)| format!(" (entry {i} was refused: {why})"))
            .collect();
        outln!(
            "  {} is in the log at entry {}, with every signature it carries{}",
            w.name,
            at.join(", "),
            refused.join("")
        );
    }

    outln!();
    out!("{}", accord_engine::text::status(ev.agreement(), &status));
    outln!();
    if report.passed() {
        outln!(
            "AUDIT PASSED in {:.1} s: the log verifies, every status statement matches the replay",
            started.elapsed().as_secs_f64()
        );
        return then(ev.agreement(), log, ev, &source);
    }
    let dir = a
        .evidence
        .clone()
        .unwrap_or_else(|| PathBuf::from("audit-evidence"));
    write_evidence(&dir, &report.findings, &log.checkpoint().to_bytes())?;
    outln!("AUDIT FAILED: {} finding(s)", report.findings.len());
    for f in &report.findings {
        outln!("  - {f}");
    }
    outln!(
        "evidence (entries, inclusion proofs against the checkpoint, the replayed status) in {}",
        dir.display()
    );
    Err(miette!(
        "audit FAILED: {} finding(s)",
        report.findings.len()
    ))
}

/// The origin the log's checkpoint names, if it has one that parses (which
/// checkpoint to compare with is looked up by it; the audit verifies it).
fn served_origin(source: &Source) -> Option<String> {
    let raw = source.fetch("checkpoint").ok()??;
    tlog::SignedCheckpoint::parse(&raw)
        .ok()
        .map(|c| c.checkpoint.origin)
}

/// A finding that stops the audit before the replay, in words.
fn log_failure(f: &Finding) -> String {
    match f {
        Finding::Log(e) => e.to_string(),
        other => other.to_string(),
    }
}

fn write_evidence(dir: &Path, findings: &[Finding], checkpoint: &[u8]) -> Result<()> {
    std::fs::create_dir_all(dir)
        .into_diagnostic()
        .wrap_err_with(|| format!("creating {}", dir.display()))?;
    let mut index = String::from("# Audit findings\n\n");
    for f in findings {
        index.push_str(&format!("- {f}\n"));
        for (name, bytes) in f.evidence_files() {
            index.push_str(&format!("  - {name}\n"));
            std::fs::write(dir.join(&name), bytes)
                .into_diagnostic()
                .wrap_err_with(|| format!("writing {}", dir.join(&name).display()))?;
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
