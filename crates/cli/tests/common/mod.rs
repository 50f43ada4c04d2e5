//! What the command-line tests share: running `accord` as a user would and
//! reading what it printed.
#![allow(dead_code)] // each test file uses its own part of it

pub mod logs;
pub mod serving;

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
                "{what} did not say where it listens ({:?}):\n{}",
                child.wait(),
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

/// A running `accord` server (`serve`, `witness serve`, `mirror`): where it
/// listens, killed when dropped.
pub struct Running {
    pub child: Child,
    pub base: String,
    pub stderr: std::path::PathBuf,
}

impl Running {
    /// Starts `accord args…` in `dir` (with its own state directory) and
    /// waits until it says where it listens; `what` names it in a failure.
    pub fn start(dir: &Path, args: &[&str], what: &str) -> Running {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let n = STARTED.fetch_add(1, Ordering::Relaxed);
        let stderr = dir.join(format!("{}-{n}.err", what.replace(' ', "-")));
        let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
            .args(args)
            .current_dir(dir)
            .env("ACCORD_STATE", dir.join(".accord-state"))
            .env_remove("ACCORD_LANG")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::fs::File::create(&stderr).expect("create the server's stderr file"))
            .spawn()
            .unwrap_or_else(|e| panic!("start {what}: {e}"));
        let base = listening_at(&mut child, &stderr, what);
        Running {
            child,
            base,
            stderr,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// What it wrote to stderr so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
