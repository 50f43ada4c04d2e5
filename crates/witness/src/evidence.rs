//! The evidence a witness kept, exported as files anyone can check with the
//! log's verifier key alone: each checkpoint note exactly as the log signed
//! it, the request as received, and a summary (JSON and Markdown) saying
//! what each shows and how to check it.

use std::path::{Path, PathBuf};

use serde::Serialize;
use tlog_core::Hash;
use tlog_core::checkpoint::SignedCheckpoint;
use tlog_core::witness::{AddCheckpoint, proven_prefix_root};

use crate::state::{Evidence, EvidenceKind, StateError, Store};

/// Why the evidence could not be exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    State(#[from] StateError),
    #[error("writing {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A checkpoint as the summary shows it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CheckpointSummary {
    pub size: u64,
    pub root: String,
}

/// One piece of evidence, summarised.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub id: i64,
    pub origin: String,
    /// When the witness received it, POSIX seconds.
    pub received_at: u64,
    /// The HTTP status it answered.
    pub status: u16,
    pub kind: EvidenceKind,
    /// Whether it proves the log's misbehaviour by itself.
    pub proves_misbehaviour: bool,
    pub reason: String,
    /// The checkpoint received (`None` if it no longer parses, which a
    /// kept request always does).
    pub received: Option<CheckpointSummary>,
    /// The checkpoint the witness held or had cosigned, that it
    /// contradicts.
    pub held: Option<CheckpointSummary>,
    /// For a proof that shows a fork: the root of the held size that the
    /// proof commits the received tree to.
    pub proven_prefix_root: Option<String>,
    /// The old size and consistency proof the request carried.
    pub old_size: Option<u64>,
    pub proof: Vec<String>,
    /// The files written for it, relative to the export directory.
    pub files: Vec<String>,
    /// How to check it by hand.
    pub how_to_check: String,
}

fn summary_of(cp: &SignedCheckpoint) -> CheckpointSummary {
    CheckpointSummary {
        size: cp.checkpoint.size,
        root: cp.checkpoint.root.to_base64(),
    }
}

/// Summarises one piece of evidence (without files).
pub fn summarize(e: &Evidence) -> Summary {
    let req = AddCheckpoint::parse(&e.request).ok();
    let received = req
        .as_ref()
        .and_then(|r| SignedCheckpoint::parse(&r.checkpoint).ok());
    let held = e
        .held
        .as_deref()
        .and_then(|h| SignedCheckpoint::parse(h).ok());
    let prefix = match (&req, &received, &held) {
        (Some(r), Some(rc), Some(h)) if e.kind == EvidenceKind::ProofShowsFork => {
            proven_prefix_root(
                h.checkpoint.size,
                rc.checkpoint.size,
                &rc.checkpoint.root,
                &r.proof,
            )
        }
        _ => None,
    };
    let proof: Vec<String> = req
        .as_ref()
        .map(|r| r.proof.iter().map(Hash::to_base64).collect())
        .unwrap_or_default();
    let how_to_check = match (e.kind, &received, &held) {
        (EvidenceKind::SameSizeDifferentRoot, Some(r), Some(h)) => format!(
            "received.checkpoint and held.checkpoint both verify under the log's key ({}); \
             both are of size {} and their roots differ ({} and {}): a log that appends only \
             has one tree of each size.",
            e.origin, r.checkpoint.size, r.checkpoint.root, h.checkpoint.root
        ),
        (EvidenceKind::ProofShowsFork, Some(r), Some(h)) => format!(
            "received.checkpoint (size {}) and held.checkpoint (size {}) both verify under the \
             log's key ({}). The consistency proof in request.txt reproduces the received root \
             from a tree of size {} whose root is {}, not the held root {}: \
             `tlogcheck consistency -old-size {} -old-root {} -size {} -root {} -proof {}` \
             passes, and the same with -old-root {} fails.",
            r.checkpoint.size,
            h.checkpoint.size,
            e.origin,
            h.checkpoint.size,
            prefix.map(|p| p.to_base64()).unwrap_or_default(),
            h.checkpoint.root,
            h.checkpoint.size,
            prefix.map(|p| p.to_base64()).unwrap_or_default(),
            r.checkpoint.size,
            r.checkpoint.root,
            proof.join(","),
            h.checkpoint.root,
        ),
        (EvidenceKind::EmptyTreeWrongRoot, Some(r), _) => format!(
            "received.checkpoint verifies under the log's key ({}) and claims an empty tree \
             with root {}; the empty tree's root is SHA-256 of nothing, {}.",
            e.origin,
            r.checkpoint.root,
            Hash::EMPTY_ROOT
        ),
        (EvidenceKind::ProofFailed, _, _) => "the consistency proof sent does not verify. \
             This proves nothing by itself (anyone can send bad hashes with a genuine \
             checkpoint); ask the log for a consistency proof between the two checkpoints: \
             if it has none, it forked."
            .to_string(),
        _ => "the kept request no longer parses".to_string(),
    };
    Summary {
        id: e.id,
        origin: e.origin.clone(),
        received_at: e.received_at,
        status: e.status,
        kind: e.kind,
        proves_misbehaviour: e.kind.proves(),
        reason: e.reason.clone(),
        received: received.as_ref().map(summary_of),
        held: held.as_ref().map(summary_of),
        proven_prefix_root: prefix.map(|p| p.to_base64()),
        old_size: req.as_ref().map(|r| r.old_size),
        proof,
        files: Vec::new(),
        how_to_check,
    }
}

/// Every piece of evidence in the state directory, summarised.
pub fn list(state_dir: &Path) -> Result<Vec<(Evidence, Summary)>, StateError> {
    let store = Store::open_read_only(state_dir)?;
    Ok(store
        .evidence()?
        .into_iter()
        .map(|e| {
            let s = summarize(&e);
            (e, s)
        })
        .collect())
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    std::fs::write(path, bytes).map_err(|source| ExportError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes the evidence of `state_dir` to `out`: a directory per piece
/// (`<id>-<kind>/` with `request.txt`, `received.checkpoint`,
/// `held.checkpoint` and `evidence.json`), and `evidence.json` and
/// `README.md` over all of them. Returns the summaries.
pub fn export(state_dir: &Path, out: &Path) -> Result<Vec<Summary>, ExportError> {
    let items = list(state_dir)?;
    let mkdir = |p: &Path| {
        std::fs::create_dir_all(p).map_err(|source| ExportError::Write {
            path: p.to_path_buf(),
            source,
        })
    };
    mkdir(out)?;
    let mut all = Vec::with_capacity(items.len());
    for (e, mut s) in items {
        let name = format!("{:06}-{}", e.id, e.kind.label());
        let dir = out.join(&name);
        mkdir(&dir)?;
        write(&dir.join("request.txt"), &e.request)?;
        s.files.push(format!("{name}/request.txt"));
        if let Ok(req) = AddCheckpoint::parse(&e.request) {
            write(&dir.join("received.checkpoint"), &req.checkpoint)?;
            s.files.push(format!("{name}/received.checkpoint"));
        }
        if let Some(h) = &e.held {
            write(&dir.join("held.checkpoint"), h)?;
            s.files.push(format!("{name}/held.checkpoint"));
        }
        s.files.push(format!("{name}/evidence.json"));
        let json = serde_json::to_vec_pretty(&s).expect("a summary serialises");
        write(&dir.join("evidence.json"), &json)?;
        all.push(s);
    }
    let json = serde_json::to_vec_pretty(&all).expect("summaries serialise");
    write(&out.join("evidence.json"), &json)?;
    write(&out.join("README.md"), markdown(&all).as_bytes())?;
    Ok(all)
}

/// The summaries as Markdown.
pub fn markdown(items: &[Summary]) -> String {
    let proven = items.iter().filter(|s| s.proves_misbehaviour).count();
    let mut md = String::from("# Evidence kept by a C2SP witness\n\n");
    md.push_str(&format!(
        "{} refused requests kept; {} prove a log's misbehaviour by themselves, with \
         nothing but the log's verifier key.\n\n",
        items.len(),
        proven
    ));
    if items.is_empty() {
        return md;
    }
    md.push_str("| # | log | received (POSIX s) | answer | kind | proof? | received | held |\n");
    md.push_str("|---|---|---|---|---|---|---|---|\n");
    let cp = |c: &Option<CheckpointSummary>| {
        c.as_ref()
            .map(|c| format!("{} `{}`", c.size, c.root))
            .unwrap_or_else(|| "-".into())
    };
    for s in items {
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            s.id,
            s.origin.replace('|', "\\|"),
            s.received_at,
            s.status,
            s.kind.label(),
            if s.proves_misbehaviour { "yes" } else { "no" },
            cp(&s.received),
            cp(&s.held)
        ));
    }
    md.push('\n');
    for s in items {
        md.push_str(&format!(
            "## {} — {}\n\n{}\n\nHow to check: {}\n\n",
            s.id,
            s.kind.label(),
            s.reason,
            s.how_to_check
        ));
        if !s.files.is_empty() {
            md.push_str("Files: ");
            md.push_str(
                &s.files
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            md.push_str("\n\n");
        }
    }
    md
}
