//! What the command-line tests share: running `accord` as a user would and
//! reading what it printed.
#![allow(dead_code)] // each test file uses its own part of it

pub mod logs;

use std::path::Path;
use std::process::{Command, Output};

/// Runs `accord` with `args` in `dir`, as a user whose data directory
/// (where checkpoints seen are remembered) is `dir/.accord-state`, in
/// English unless the arguments say otherwise (`ACCORD_LANG` is not
/// inherited).
pub fn accord(args: &[&str], dir: &Path) -> Output {
    accord_with_env(args, dir, &[])
}

/// [`accord`] with environment variables set.
pub fn accord_with_env(args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .current_dir(dir)
        .env("ACCORD_STATE", dir.join(".accord-state"))
        .env_remove("ACCORD_LANG")
        .envs(env.iter().copied())
        .output()
        .expect("run accord")
}

/// Everything it printed, standard output then standard error.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Runs it, asserting that it fails; what it printed.
pub fn fails(args: &[&str], dir: &Path) -> String {
    let o = accord(args, dir);
    assert!(
        !o.status.success(),
        "accord {args:?} should have failed:\n{}",
        text(&o)
    );
    text(&o)
}
