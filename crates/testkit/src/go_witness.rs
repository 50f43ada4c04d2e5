//! The independent C2SP witness of `tlogcheck` (Go, on the reference
//! note and tlog code), run as a process for a test: started on a free
//! port, killed when dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::shared_dir;

/// A running `tlogcheck witness`.
pub struct GoWitness {
    child: Child,
    /// Its submission prefix, e.g. `http://127.0.0.1:PORT`.
    pub url: String,
    /// Its cosignature verifier key (type 0x04).
    pub vkey: String,
    pub name: String,
    pub state: PathBuf,
    log_vkeys: Vec<String>,
    listen: String,
}

impl GoWitness {
    /// Starts a witness named `name` for the logs with these verifier keys,
    /// keeping its seed and state in `state` (made when missing), on any
    /// free port of loopback.
    pub fn start(name: &str, state: &Path, log_vkeys: &[&str]) -> GoWitness {
        Self::start_on(name, state, log_vkeys, "127.0.0.1:0")
    }

    fn start_on(name: &str, state: &Path, log_vkeys: &[&str], listen: &str) -> GoWitness {
        std::fs::create_dir_all(state).expect("witness state dir");
        let tool = shared_dir().join("tools/tlogcheck/tlogcheck");
        let mut cmd = Command::new(&tool);
        cmd.args(["witness", "-listen", listen, "-name", name])
            .arg("-seed")
            .arg(state.join("seed"))
            .arg("-state")
            .arg(state);
        for k in log_vkeys {
            cmd.args(["-log", k]);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start tlogcheck witness");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read the witness's first line");
        // "witness <vkey> listening on http://<addr>"
        let mut words = line.split_whitespace();
        let (Some("witness"), Some(vkey), Some("listening"), Some("on"), Some(url)) = (
            words.next(),
            words.next(),
            words.next(),
            words.next(),
            words.next(),
        ) else {
            let _ = child.kill();
            panic!("tlogcheck witness said {line:?}");
        };
        let listen = url.trim_start_matches("http://").to_string();
        GoWitness {
            child,
            url: url.to_string(),
            vkey: vkey.to_string(),
            name: name.to_string(),
            state: state.to_path_buf(),
            log_vkeys: log_vkeys.iter().map(|s| s.to_string()).collect(),
            listen,
        }
    }

    /// Kills the witness (as a crash would); its state stays.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts it again on the same address, from the same state.
    pub fn restart(&mut self) {
        self.kill();
        let keys: Vec<&str> = self.log_vkeys.iter().map(String::as_str).collect();
        // The port was just freed; retry briefly if the OS has not let go.
        for _ in 0..50 {
            let next = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                GoWitness::start_on(&self.name, &self.state, &keys, &self.listen)
            }));
            if let Ok(w) = next {
                *self = w;
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("tlogcheck witness did not restart on {}", self.listen);
    }
}

impl Drop for GoWitness {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
