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
use accord::statement::{Body, SignedStatement};
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
    println!(
        "auditing {} under {}",
        source.describe(),
        a.agreement.display()
    );
    println!("agreement {hash}");

    // 1. The log itself.
    let log = match replay::verify(&source, &key, &witnesses, old.as_deref()) {
        Ok(log) => log,
        Err(e) => {
            println!("LOG FAILED: {e}");
            return Err(miette!(
                "audit FAILED: the log {} does not verify: {e}",
                source.describe()
            ));
        }
    };
    let report = log.report();
    let cp = &report.checkpoint.checkpoint;
    println!(
        "checkpoint ok: {} entries, root {}, signed by {key} ({whence})",
        cp.size, cp.root
    );
    for c in &report.cosignatures {
        println!("  cosigned by witness {} at {}", c.witness, c.timestamp);
    }
    println!(
        "tiles ok: {} hash tiles (each entry bundle is checked against them as it is replayed)",
        report.hash_tiles
    );
    if let Some(m) = report.consistent_with {
        println!("consistent with the earlier checkpoint of size {m}: nothing was rewritten");
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
    let r = match replay::replay(&agreement, hash, &source, &log, check) {
        Ok(r) => r,
        Err(e) => {
            println!("LOG FAILED: {e}");
            return Err(miette!("audit FAILED: {e}"));
        }
    };
    println!(
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
    println!(
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
    let proof = |reader: &mut TileReader<&Source>, index: u64| -> Result<(String, Vec<u8>)> {
        crate::logdir::inclusion_proof(reader, &raw_checkpoint, size, &root, index)
    };
    // Entries the operator should never have logged: signatures that do not
    // verify, signers the agreement does not know.
    for (index, why) in &ev.state.rejections {
        let serious = why.starts_with("bad signature") || why.starts_with("unknown signer");
        println!("  entry {index} refused: {why}");
        if serious {
            let (p, entry) = proof(&mut reader, *index)?;
            findings.push(Finding {
                title: format!("entry {index} is in the log but {why}"),
                files: vec![
                    (
                        format!("entry-{index}.note"),
                        String::from_utf8_lossy(&entry).into(),
                    ),
                    (format!("entry-{index}.proof"), p),
                ],
            });
        }
    }
    if ev.state.rejections.len() as u64 > 10_000 {
        println!("  (only the first 10,000 refusals are listed)");
    }

    // 3. The operator's status statements.
    let claims = &ev.state.claims;
    let mut matched = 0;
    for c in claims {
        match c.computed {
            Some(d) if d == c.claimed => matched += 1,
            computed => {
                let (p, entry) = proof(&mut reader, c.index)?;
                let claimed_summary = SignedStatement::parse(&entry)
                    .ok()
                    .and_then(|s| match s.statement.body {
                        Body::Status(sc) => Some(serde_json::to_string_pretty(&sc).ok()?),
                        _ => None,
                    })
                    .unwrap_or_default();
                let found = ev.found(c.index);
                let mut files = vec![
                    (
                        format!("status-{}.note", c.index),
                        String::from_utf8_lossy(&entry).into(),
                    ),
                    (format!("status-{}.proof", c.index), p),
                    (format!("status-{}.claimed.json", c.index), claimed_summary),
                ];
                if let Some(st) = found {
                    files.push((format!("status-{}.replayed.json", c.index), st.canonical()));
                }
                let title = match computed {
                    Some(d) => format!(
                        "status statement at entry {} claims status {} for log size {}, but the replay finds {}{}",
                        c.index,
                        c.claimed,
                        c.log_size,
                        d,
                        found.map(summary).unwrap_or_default()
                    ),
                    None => format!(
                        "status statement at entry {} about log size {} could not be checked",
                        c.index, c.log_size
                    ),
                };
                findings.push(Finding { title, files });
            }
        }
    }
    println!(
        "status statements: {} logged by the operator, {} match the replay",
        claims.len(),
        matched
    );

    // 4. Statements that must be there.
    if !a.expect.is_empty() {
        let wanted = expected(&a.expect)?;
        let mut found: BTreeMap<accord::statement::Digest, u64> = BTreeMap::new();
        let mut from = 0;
        while from < size && found.len() < wanted.len() {
            let entries = reader
                .entries(size, from..(from + 65_536).min(size))
                .map_err(|e| miette!("{e}"))?;
            for (i, e) in entries.iter().enumerate() {
                if let Ok(s) = SignedStatement::parse(e)
                    && wanted.iter().any(|(_, d)| *d == s.digest())
                {
                    found.entry(s.digest()).or_insert(from + i as u64);
                }
            }
            from += entries.len() as u64;
        }
        for (path, d) in &wanted {
            match found.get(d) {
                Some(i) => println!("  {} is in the log at entry {i}", path.display()),
                None => findings.push(Finding {
                    title: format!(
                        "{} ({d}) is NOT in the log of {size} entries",
                        path.display()
                    ),
                    files: vec![],
                }),
            }
        }
    }

    println!();
    print!("{}", crate::status_cmd::render(&agreement, &status));
    println!();
    if findings.is_empty() {
        println!(
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
    println!("AUDIT FAILED: {} finding(s)", findings.len());
    for f in &findings {
        println!("  - {}", f.title);
    }
    println!(
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

fn expected(paths: &[PathBuf]) -> Result<Vec<(PathBuf, accord::statement::Digest)>> {
    paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p)
                .into_diagnostic()
                .wrap_err_with(|| format!("reading {}", p.display()))?;
            let s = SignedStatement::parse(&bytes)
                .map_err(|e| miette!("{}: not a signed statement: {e}", p.display()))?;
            Ok((p.clone(), s.digest()))
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
