//! A throwaway PostgreSQL cluster for tests: `initdb` into a temporary
//! directory, started on a free port of 127.0.0.1 with its socket in that
//! directory, stopped (`pg_ctl stop -m immediate`) and removed on drop.
//!
//! Debian's binaries are looked for in `/usr/lib/postgresql/<version>/bin`
//! (the newest), then on `PATH`. Missing, the test fails and says to
//! install `postgresql` (or to run `scripts/test.sh`, which does), unless
//! `ACCORD_SKIP_POSTGRES=1`, when [`Cluster::start`] gives `None`.
//!
//! `initdb` refuses to run as root: as root, the cluster is made and run
//! by the `postgres` user (which Debian's package creates), through
//! `runuser`, in a directory handed to it.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output};

/// A running cluster; stopped and deleted when dropped.
pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    /// The user the server runs as, when the tests run as root.
    run_as: Option<String>,
}

/// The user a cluster's superuser is called (whoever runs it).
const SUPERUSER: &str = "accord";

impl Cluster {
    /// Starts a cluster, or `None` when `ACCORD_SKIP_POSTGRES=1`.
    ///
    /// # Panics
    ///
    /// When PostgreSQL is not installed, or does not start; the message
    /// says why and what to do.
    pub fn start() -> Option<Cluster> {
        if std::env::var("ACCORD_SKIP_POSTGRES").is_ok_and(|v| v == "1") {
            return None;
        }
        let bin = find_bin().unwrap_or_else(|| {
            panic!(
                "these tests run against PostgreSQL too, and its server binaries (initdb, pg_ctl) were not found in /usr/lib/postgresql/*/bin or on PATH: install Debian's `postgresql` package (apt-get install postgresql), or run scripts/test.sh, which does; or set ACCORD_SKIP_POSTGRES=1 to skip them"
            )
        });
        let run_as = is_root().then(|| "postgres".to_string());
        let dir = tempfile::Builder::new()
            .prefix("accord-pg-")
            .tempdir()
            .expect("a temporary directory");
        if let Some(user) = &run_as {
            let ok = Command::new("chown")
                .arg(format!("{user}:"))
                .arg(dir.path())
                .status()
                .is_ok_and(|s| s.success());
            assert!(
                ok,
                "running as root, the test cluster is run by the `{user}` user (initdb refuses root), and handing it {} failed: does the user exist? Debian's `postgresql` package creates it",
                dir.path().display()
            );
        }
        let mut c = Cluster {
            dir,
            bin,
            port: 0,
            run_as,
        };
        let data = c.data();
        c.run_ok(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ],
        );
        // A free port can be taken between finding it and starting on it:
        // a few tries.
        let mut last = String::new();
        for _ in 0..5 {
            c.port = free_port();
            let options = format!(
                "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                c.port,
                c.dir.path().display()
            );
            let log = c.dir.path().join("server.log");
            let out = c.run(
                "pg_ctl",
                &[
                    "-D",
                    &data,
                    "-o",
                    &options,
                    "-l",
                    &log.to_string_lossy(),
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
            );
            if out.status.success() {
                return Some(c);
            }
            last = format!(
                "{}{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        panic!("the test PostgreSQL cluster did not start:\n{last}");
    }

    /// The port it listens on, on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL of database `db` (which [`Cluster::create_db`] makes).
    pub fn url(&self, db: &str) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{db}", self.port)
    }

    /// Makes a new, empty database and gives its URL.
    pub fn create_db(&self, db: &str) -> String {
        self.run_ok(
            "createdb",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                SUPERUSER,
                db,
            ],
        );
        self.url(db)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").to_string_lossy().into_owned()
    }

    fn run(&self, tool: &str, args: &[&str]) -> Output {
        let exe = self.bin.join(tool);
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        cmd.args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap_or_else(|e| panic!("running {}: {e}", exe.display()))
    }

    fn run_ok(&self, tool: &str, args: &[&str]) {
        let out = self.run(tool, args);
        assert!(
            out.status.success(),
            "{tool} {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.port != 0 {
            let data = self.data();
            let _ = self.run("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]);
        }
    }
}

/// The directory of the newest PostgreSQL's binaries.
fn find_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find(|d| d.join("initdb").exists() && d.join("pg_ctl").exists())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}
