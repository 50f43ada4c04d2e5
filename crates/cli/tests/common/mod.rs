//! What the command-line tests share: running `accord` as a user would and
//! reading what it printed.
#![allow(dead_code)] // each test file uses its own part of it

pub mod logs;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output};
use std::time::Duration;

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

/// The address a server started with `--bind`/`--listen 127.0.0.1:0`
/// says it listens on (its first stdout line naming one); the rest of its
/// stdout is drained on a thread. Panics with its stderr (`stderr`) if it
/// ends without saying: `what` names it.
pub fn listening_at(child: &mut Child, stderr: &Path, what: &str) -> String {
    let mut lines = BufReader::new(child.stdout.take().expect("stdout piped")).lines();
    let base = loop {
        match lines.next() {
            Some(Ok(l)) => {
                if let Some(at) = l.find("listening on http://") {
                    break l[at + "listening on ".len()..]
                        .split_whitespace()
                        .next()
                        .unwrap()
                        .to_string();
                }
            }
            _ => panic!(
                "{what} did not say where it listens:\n{}",
                std::fs::read_to_string(stderr).unwrap_or_default()
            ),
        }
    };
    std::thread::spawn(move || for _ in lines {});
    base
}

/// An HTTP client for the tests: statuses are answers, not errors.
pub fn http_agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .into()
}
