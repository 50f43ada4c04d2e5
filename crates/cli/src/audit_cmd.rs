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
    /// The log: a directory, s3://BUCKET/PREFIX, or an http(s):// address.
    pub log: String,
    /// A witness whose cosignature the checkpoint must carry (repeatable).
    #[arg(long = "witness", value_name = "VKEY")]
    pub witnesses: Vec<String>,
    /// Another party's latest checkpoint of this log, to compare with
    /// (gossip): a file, or an http(s):// address (a mirror's or auditor's
    /// `/checkpoint`; `/checkpoint` is added to an address without it).
    /// Of the same size it must have the same root; an older one must be a
    /// prefix of this log; a newer one means this log is behind. Two
    /// histories signed by the log are a split view.
    #[arg(long, value_name = "FILE_OR_URL")]
    pub since: Option<String>,
    /// A C2SP tlog-policy file the checkpoint must satisfy, instead of the
    /// agreement's [witnesses].
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Print the audit as one JSON document (what was checked, the
    /// witnesses, the findings) instead of text.
    #[arg(long)]
    pub json: bool,
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
    /// The language of the status the audit shows (the audit's own lines
    /// stay in English).
    #[command(flatten)]
    pub lang: crate::lang::LangArg,
}

pub fn run(a: AuditArgs) -> Result<()> {
    run_then(a, |_, _, _, _, _| Ok(()))
}

/// Prints a line of the text report (nothing with `--json`).
macro_rules! say {
    ($json:expr) => { if !$json { outln!(); } };
    ($json:expr, $($arg:tt)*) => { if !$json { outln!($($arg)*); } };
}

/// What the witnesses did, for `then` (none without a policy).
pub type WitnessSentence<'w> = Option<&'w accord_engine::witnessed::WitnessCheck>;

/// Runs the audit and, if it passes, `then` with the agreement, the
/// verified log, the replayed evaluator, the log's source and what the
/// witnesses did (the demo writes its report from them instead of
/// replaying again).
pub fn run_then(
    a: AuditArgs,
    then: impl FnOnce(
        &Agreement,
        &replay::Verified,
        &Evaluator<'_>,
        &Source,
        WitnessSentence<'_>,
    ) -> Result<()>,
) -> Result<()> {
    let started = Instant::now();
    let json = a.json;
    let lang = a.lang.lang;
    let (agreement, hash) = crate::check::load_agreement(&a.agreement)?;
    let policy = replay::read_policy(a.policy.as_deref())?;
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
    let since = a.since.as_deref().map(read_since).transpose()?;
    let expect = a
        .expect
        .iter()
        .map(|p| {
            Expected::new(p.display().to_string(), &read(p)?)
                .map_err(|e| miette!("{}: not a signed statement: {e}", p.display()))
        })
        .collect::<Result<Vec<_>>>()?;
    say!(
        json,
        "auditing {} under {}",
        source.describe(),
        a.agreement.display()
    );
    say!(json, "agreement {hash}");

    // What this auditor remembers of the log, by the origin its checkpoint
    // names (read first, and checked by the audit).
    let memory = crate::remembered::Memory::open(a.state.as_deref())?;
    let served_origin = served_origin(&source);
    let remembered = match (&memory, &served_origin) {
        (Some(m), Some(origin)) => m.previous(origin, &key).inspect_err(|e| {
            say!(json, "LOG FAILED: {e}");
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
    let report = accord_engine::audit_versions_with_policy(
        &versions,
        &source,
        &opts,
        replay::policy_choice(&policy),
    );
    bar.finish_and_clear();

    // 1. The log itself.
    let Some(log) = &report.log else {
        let e = report
            .findings
            .first()
            .expect("a finding when the log fails");
        say!(json, "LOG FAILED: {}", log_failure(e));
        if json {
            print_json(&hash, &source, None, &report, started);
        }
        return Err(miette!(
            "audit FAILED: the log {} does not verify: {}",
            source.describe(),
            log_failure(e)
        ));
    };
    let v = log.report();
    let cp = &v.checkpoint.checkpoint;
    say!(
        json,
        "checkpoint ok: {} entries, root {}, signed by {key} ({whence})",
        cp.size,
        cp.root
    );
    for c in &v.cosignatures {
        say!(
            json,
            "  cosigned by witness {} at {} (--witness)",
            accord::text::printable(&c.witness),
            accord_engine::witnessed::when(c.timestamp)
        );
    }
    say!(
        json,
        "tiles ok: {} hash tiles (each entry bundle is checked against them as it is replayed)",
        v.hash_tiles
    );
    if let Some(g) = &report.since {
        say!(json, "gossip: {g}");
    }
    if let Some(w) = &report.witnesses {
        match &w.error {
            None => say!(json, "witnessed: the quorum of {} is met", w.whence()),
            Some(e) => say!(
                json,
                "NOT WITNESSED under {}: {}",
                w.whence(),
                accord::text::printable(&e.to_string())
            ),
        }
        for c in &w.cosigners {
            say!(
                json,
                "  cosigned by {} ({}) at {}",
                accord::text::printable(&c.name),
                accord::text::printable(c.key.name()),
                accord_engine::witnessed::when(c.timestamp)
            );
        }
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
                say!(json, "LOG FAILED: {e}");
                if json {
                    print_json(&hash, &source, Some(log), &report, started);
                }
                return Err(miette!("audit FAILED: {e}"));
            }
            memory.remember(&key, log, report.seen)?;
            say!(json, "{}", crate::remembered::describe(report.seen, memory));
        }
        None => say!(
            json,
            "no data directory to remember this checkpoint in (set --state or $ACCORD_STATE): a rewrite before the next run would go unnoticed"
        ),
    }

    // 2. Every statement, replayed.
    let Some(r) = &report.replay else {
        let e = report
            .findings
            .first()
            .expect("a finding when the replay fails");
        say!(json, "LOG FAILED: {}", log_failure(e));
        if json {
            print_json(&hash, &source, Some(log), &report, started);
        }
        return Err(miette!(
            "audit FAILED: the log {} does not verify: {}",
            source.describe(),
            log_failure(e)
        ));
    };
    say!(
        json,
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
    say!(
        json,
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
        say!(json, "  entry {index} refused: {why}");
    }
    if ev.state.rejections.len() as u64 > 10_000 {
        say!(json, "  (only the first 10,000 refusals are listed)");
    }
    let claims = &ev.state.claims;
    say!(
        json,
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
        say!(
            json,
            "  {} is in the log at entry {}, with every signature it carries{}",
            w.name,
            at.join(", "),
            refused.join("")
        );
    }

    say!(json);
    if !json {
        out!(
            "{}",
            accord_engine::text::status_in(ev.agreement(), &status, lang)
        );
    }
    say!(json);
    if report.passed() {
        say!(
            json,
            "AUDIT PASSED in {:.1} s: the log verifies, every status statement matches the replay{}",
            started.elapsed().as_secs_f64(),
            if report.witnesses.is_some() {
                ", the witnesses' quorum cosigned the checkpoint"
            } else {
                ""
            }
        );
        if json {
            print_json(&hash, &source, Some(log), &report, started);
        }
        return then(ev.agreement(), log, ev, &source, report.witnesses.as_ref());
    }
    let dir = a
        .evidence
        .clone()
        .unwrap_or_else(|| PathBuf::from("audit-evidence"));
    write_evidence(&dir, &report.findings, &log.checkpoint().to_bytes())?;
    say!(json, "AUDIT FAILED: {} finding(s)", report.findings.len());
    for f in &report.findings {
        say!(json, "  - {f}");
    }
    say!(
        json,
        "evidence (entries, inclusion proofs against the checkpoint, the replayed status) in {}",
        dir.display()
    );
    if json {
        print_json(&hash, &source, Some(log), &report, started);
    }
    Err(miette!(
        "audit FAILED: {} finding(s)",
        report.findings.len()
    ))
}

/// `--since`: a checkpoint from a file, or fetched from an http(s)://
/// address (its `/checkpoint`).
fn read_since(where_: &str) -> Result<Vec<u8>> {
    if where_.starts_with("http://") || where_.starts_with("https://") {
        let base = where_
            .trim_end_matches('/')
            .strip_suffix("/checkpoint")
            .unwrap_or(where_.trim_end_matches('/'));
        return replay::HttpSource::new(base)
            .fetch("checkpoint")
            .map_err(|e| miette!("--since {where_}: {e}"))?
            .ok_or_else(|| miette!("--since {where_}: no checkpoint there (404)"));
    }
    std::fs::read(where_)
        .into_diagnostic()
        .wrap_err_with(|| format!("reading {where_}"))
}

/// `--json`: the audit as one document.
fn print_json(
    hash: &accord::statement::Digest,
    source: &Source,
    log: Option<&replay::Verified>,
    report: &accord_engine::AuditReport<'_>,
    started: Instant,
) {
    use serde_json::json;
    let checkpoint = log.map(|l| {
        let cp = l.checkpoint();
        json!({
            "origin": cp.checkpoint.origin,
            "size": cp.checkpoint.size,
            "root": cp.checkpoint.root.to_string(),
            "note": String::from_utf8_lossy(&cp.to_bytes()),
        })
    });
    let statements = report.replay.as_ref().map(|r| {
        let st = &r.evaluator.state;
        json!({
            "signatures_verified": r.signatures,
            "refused": st.rejected.values().sum::<u64>(),
            "status_statements": st.claims.len(),
            "status_statements_matching": st.claims.iter().filter(|c| c.holds()).count(),
        })
    });
    let since = report.since.map(|g| {
        use accord_engine::gossip::Gossip;
        let (relation, size, proved) = match g {
            Gossip::Same { size } => ("same", size, true),
            Gossip::Extends { from } => ("extends", from, true),
            Gossip::Behind { theirs, proved } => ("behind", theirs, proved),
        };
        json!({"relation": relation, "their_size": size, "proved": proved, "text": g.to_string()})
    });
    let doc = json!({
        "agreement": hash.to_string(),
        "log": source.describe(),
        "passed": report.passed(),
        "checkpoint": checkpoint,
        "witnesses": report.witnesses.as_ref().map(accord_engine::witnessed::to_json),
        "since": since,
        "remembered": report.seen.map(|s| format!("{s:?}")),
        "statements": statements,
        "findings": report.findings.iter().map(|f| json!({
            "kind": f.kind(),
            "text": f.to_string(),
            "evidence": f.evidence_files().into_iter().map(|(n, _)| n).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "seconds": started.elapsed().as_secs_f64(),
    });
    outln!(
        "{}",
        serde_json::to_string_pretty(&doc).expect("the audit serialises")
    );
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
