//! `accord demo`: the README's first command. It shows the log at work on
//! its own, with no server to set up: create a log, append entries, verify
//! everything, prove one entry. (Later issues grow it into the full
//! walk-through of an agreement.)

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use miette::{IntoDiagnostic, Result, miette};
use tlog::client::{DirSource, TileReader};
use tlog::keys::{KeyType, SignerKey};
use tlog::merkle::verify_inclusion;
use tlog::sequencer::{BatchOptions, Sequencer};
use tlog::verify::{VerifyOptions, verify_log};
use tlog::{DirStorage, Log, leaf_hash};

use crate::keys::write_secret_key;
use crate::logdir::{LogConfig, write_config};

#[derive(Args)]
pub struct DemoArgs {
    /// Where to put the demonstration (replaced if it holds an earlier demo).
    #[arg(long, default_value = "accord-demo")]
    pub dir: PathBuf,
    /// How many entries to append.
    #[arg(long, default_value_t = 100_000)]
    pub entries: u64,
}

pub fn run(a: DemoArgs) -> Result<()> {
    let log_dir = a.dir.join("log");
    if a.dir.join(".accord-demo").exists() {
        std::fs::remove_dir_all(&a.dir).into_diagnostic()?;
    } else if a.dir.exists()
        && std::fs::read_dir(&a.dir)
            .into_diagnostic()?
            .next()
            .is_some()
    {
        return Err(miette!(
            "{} exists and is not an earlier demo; choose another place with --dir",
            a.dir.display()
        ));
    }
    std::fs::create_dir_all(&a.dir).into_diagnostic()?;
    std::fs::write(
        a.dir.join(".accord-demo"),
        "made by `accord demo`; replaced by the next one\n",
    )
    .into_diagnostic()?;

    println!("1. Creating a transparency log in {}", log_dir.display());
    let key = SignerKey::generate("demo.accord.example/log", KeyType::Ed25519)
        .map_err(|e| miette!("{e}"))?;
    let storage = Arc::new(DirStorage::new(&log_dir).map_err(|e| miette!("{e}"))?);
    write_secret_key(&log_dir.join(".tlog/log.key"), &key)?;
    write_config(
        &log_dir,
        &LogConfig {
            origin: key.name().into(),
            vkey: key.verifier().to_string(),
            key: ".tlog/log.key".into(),
        },
    )?;
    let log = Log::create(storage, key.clone()).map_err(|e| miette!("{e}"))?;
    println!("   its public key: {}", key.verifier());

    println!(
        "2. Appending {} statements, durably, in group-committed batches",
        a.entries
    );
    let start = Instant::now();
    let (seq, thread) = Sequencer::start(log, BatchOptions::default());
    let mut pending = std::collections::VecDeque::new();
    let mut i = 0;
    while i < a.entries {
        let end = (i + 8192).min(a.entries);
        let batch = (i..end).map(demo_entry).collect();
        pending.push_back(seq.submit(batch).map_err(|e| miette!("{e}"))?);
        if pending.len() > 4 {
            pending
                .pop_front()
                .expect("non-empty")
                .wait()
                .map_err(|e| miette!("{e}"))?;
        }
        i = end;
    }
    for p in pending {
        p.wait().map_err(|e| miette!("{e}"))?;
    }
    drop(seq);
    let log = thread.join();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "   {} entries in {secs:.2} s ({:.0} entries/s)",
        log.size(),
        log.size() as f64 / secs
    );
    println!("   the signed checkpoint:\n");
    for line in String::from_utf8_lossy(&log.checkpoint().to_bytes()).lines() {
        println!("      {line}");
    }
    println!();
    drop(log);

    println!("3. Verifying all of it as an outsider would: signature, every tile, every entry");
    let vkey = key.verifier();
    let report = verify_log(
        &DirSource::new(&log_dir),
        &VerifyOptions {
            log_key: Some(&vkey),
            entries: true,
            ..Default::default()
        },
        |_| {},
    )
    .map_err(|e| miette!("verification failed: {e}"))?;
    println!(
        "   OK: {} hash tiles, {} entries",
        report.hash_tiles, report.entries
    );

    let size = report.checkpoint.checkpoint.size;
    let index = size / 3;
    println!("4. Proving that entry {index} is in the log, from the tiles alone");
    let mut reader = TileReader::new(DirSource::new(&log_dir));
    let entry = reader.entry(size, index).map_err(|e| miette!("{e}"))?;
    let proof = reader
        .inclusion_proof(size, index)
        .map_err(|e| miette!("{e}"))?;
    verify_inclusion(
        index,
        size,
        &leaf_hash(&entry),
        &proof,
        &report.checkpoint.checkpoint.root,
    )
    .map_err(|e| miette!("{e}"))?;
    println!("   entry: {}", String::from_utf8_lossy(&entry));
    println!(
        "   proof: {} hashes, checked against the checkpoint's root",
        proof.len()
    );

    println!("\nWhere to look next:");
    println!(
        "   {}/checkpoint and {}/tile/  the public log (C2SP tlog-tiles)",
        log_dir.display(),
        log_dir.display()
    );
    println!(
        "   accord log verify {}            check it again",
        log_dir.display()
    );
    println!(
        "   accord log proof {} --index {index}   print the proof (C2SP tlog-proof)",
        log_dir.display()
    );
    println!(
        "   accord log get {} --index {index}     print the entry",
        log_dir.display()
    );
    Ok(())
}

/// A plausible monitoring statement, for show only (statements proper are
/// signed, with a schema; see `accord sign`).
fn demo_entry(i: u64) -> Vec<u8> {
    let kinds = [
        "ceasefire_violation",
        "weapon_sighting",
        "freedom_of_movement",
        "crossing_status",
    ];
    format!(
        r#"{{"demo":true,"seq":{i},"kind":"{}","observed_by":"patrol-{}","note":"demonstration entry"}}"#,
        kinds[(i % 4) as usize],
        i % 17
    )
    .into_bytes()
}
