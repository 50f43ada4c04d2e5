//! Test support: where the shared real data, test vectors and the
//! independent log verifier are.
//!
//! Tests read `../shared` (beside the repository) or `$ACCORD_SHARED`. In CI
//! it is always there; a test that needs it and does not find it fails with
//! a message saying so, rather than passing vacuously.

pub mod browser;
pub mod go_witness;
pub mod postgres;
pub mod s3;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The shared directory: `$ACCORD_SHARED`, or `shared/` beside the repository.
pub fn shared_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("ACCORD_SHARED") {
        return PathBuf::from(p);
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let p = repo.join("../shared");
    assert!(
        p.is_dir(),
        "these tests need the shared data and vectors at {} (or set ACCORD_SHARED)",
        p.display()
    );
    p.canonicalize().expect("canonical shared path")
}

/// A file or directory under `shared/vectors`.
pub fn vectors(rel: &str) -> PathBuf {
    let p = shared_dir().join("vectors").join(rel);
    assert!(p.exists(), "missing test vectors: {}", p.display());
    p
}

/// A file under `shared/data`.
pub fn data(rel: &str) -> PathBuf {
    let p = shared_dir().join("data").join(rel);
    assert!(p.exists(), "missing shared data: {}", p.display());
    p
}

/// Runs the independent verifier `tlogcheck` with `args`.
pub fn tlogcheck(args: &[&str]) -> Output {
    let tool = shared_dir().join("tools/tlogcheck/tlogcheck");
    assert!(tool.exists(), "missing {}", tool.display());
    Command::new(&tool)
        .args(args)
        .output()
        .expect("run tlogcheck")
}

/// Runs tlogcheck and panics with its output unless it succeeds.
pub fn tlogcheck_ok(args: &[&str]) -> String {
    let out = tlogcheck(args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "tlogcheck {args:?} failed:\n{text}");
    text
}

/// The workspace's root directory.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}
