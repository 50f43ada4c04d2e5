//! The report as PDF: its HTML printed by headless Chromium, with the
//! report's own print style sheet (A4, page numbers, links as endnotes).
//!
//! Why Chromium and not a Rust crate: the HTML is the report, and a PDF
//! that differs from what a browser prints (fonts, Cyrillic shaping, the
//! `@page` margin boxes that number the pages) would be a second report to
//! check. Chromium is what the mission's readers print with anyway. It is
//! found at `$ACCORD_CHROMIUM`, or as `chromium`, `chromium-browser`,
//! `google-chrome-stable` or `google-chrome` on `PATH`; without it, PDF is
//! refused with a message that says how to get it, and every other form
//! still works.
//!
//! The browser is started with a profile of its own (a temporary
//! directory), no network (every host name resolves to nothing: the report
//! needs none, and text from log entries must not make it fetch anything),
//! and a time limit. The PDF is written beside its final name and renamed
//! into place only once it is whole, so a failure leaves nothing
//! half-written.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "no Chromium to print the PDF with: install it (Debian: `apt-get install chromium`) or set ACCORD_CHROMIUM to its path; the HTML and Markdown forms need nothing"
    )]
    NoChromium,
    #[error("ACCORD_CHROMIUM is {}, which is not an executable file", .0.display())]
    BadChromium(PathBuf),
    #[error("could not run {}: {source}", browser.display())]
    Spawn {
        browser: PathBuf,
        source: std::io::Error,
    },
    #[error("{} did not print the PDF within {seconds} s", browser.display())]
    Timeout { browser: PathBuf, seconds: u64 },
    #[error("{} failed to print {} ({status}): {stderr}", browser.display(), html.display())]
    Failed {
        browser: PathBuf,
        html: PathBuf,
        status: String,
        stderr: String,
    },
    #[error("{} printed something that is not a PDF for {}", browser.display(), pdf.display())]
    NotPdf { pdf: PathBuf, browser: PathBuf },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A Chromium (or Chrome) that can print.
#[derive(Debug, Clone)]
pub struct Chromium {
    path: PathBuf,
}

const NAMES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome-stable",
    "google-chrome",
];

fn executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

impl Chromium {
    /// `$ACCORD_CHROMIUM`, or the first of the usual names on `PATH`.
    pub fn find() -> Result<Chromium, PdfError> {
        if let Some(p) = std::env::var_os("ACCORD_CHROMIUM").filter(|p| !p.is_empty()) {
            let path = PathBuf::from(p);
            return if executable(&path) {
                Ok(Chromium { path })
            } else {
                Err(PdfError::BadChromium(path))
            };
        }
        let dirs = std::env::var_os("PATH").unwrap_or_default();
        for dir in std::env::split_paths(&dirs) {
            for name in NAMES {
                let path = dir.join(name);
                if executable(&path) {
                    return Ok(Chromium { path });
                }
            }
        }
        Err(PdfError::NoChromium)
    }

    /// The browser at `path`.
    pub fn at(path: impl Into<PathBuf>) -> Chromium {
        Chromium { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Prints the page `html` to `pdf`: the page is written beside the PDF
    /// (so that its relative links resolve as they would from the PDF's
    /// place), printed, and removed whatever happens.
    pub fn print_html(&self, html: &str, pdf: &Path, limit: Duration) -> Result<(), PdfError> {
        let dir = pdf
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut page = tempfile::Builder::new()
            .prefix(".accord-page-")
            .suffix(".html")
            .tempfile_in(dir)
            .map_err(|source| PdfError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        std::io::Write::write_all(&mut page, html.as_bytes()).map_err(|source| PdfError::Io {
            path: page.path().to_path_buf(),
            source,
        })?;
        self.print(page.path(), pdf, limit)
    }

    /// Prints the HTML file `html` to `pdf` (A4 unless the page's CSS says
    /// otherwise), within `limit`.
    pub fn print(&self, html: &Path, pdf: &Path, limit: Duration) -> Result<(), PdfError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| PdfError::Io { path, source }
        };
        let html = std::fs::canonicalize(html).map_err(io(html))?;
        let dir = pdf
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let profile = tempfile::tempdir().map_err(io(Path::new("(temporary directory)")))?;
        let partial = tempfile::Builder::new()
            .prefix(".accord-pdf-")
            .suffix(".pdf")
            .tempfile_in(dir)
            .map_err(io(dir))?;
        let mut print_to = OsString::from("--print-to-pdf=");
        print_to.push(partial.path());
        let mut profile_arg = OsString::from("--user-data-dir=");
        profile_arg.push(profile.path());
        let mut url = OsString::from("file://");
        url.push(&html);
        let mut child = Command::new(&self.path)
            .args([
                "--headless",
                // Chromium's sandbox needs user namespaces, often missing
                // in containers and refused to root; the page is our own
                // HTML, with no scripts and no network.
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-extensions",
                "--no-first-run",
                "--no-pdf-header-footer",
                "--host-resolver-rules=MAP * ~NOTFOUND",
            ])
            .arg(profile_arg)
            .arg(print_to)
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| PdfError::Spawn {
                browser: self.path.clone(),
                source,
            })?;
        // Read stderr on a thread so that a chatty browser never blocks on
        // a full pipe while we wait for it.
        let mut stderr = child.stderr.take();
        let reader = std::thread::spawn(move || {
            let mut s = String::new();
            if let Some(e) = stderr.as_mut() {
                let _ = std::io::Read::read_to_string(e, &mut s);
            }
            s
        });
        let started = Instant::now();
        let status = loop {
            match child.try_wait().map_err(|source| PdfError::Spawn {
                browser: self.path.clone(),
                source,
            })? {
                Some(status) => break status,
                None if started.elapsed() > limit => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(PdfError::Timeout {
                        browser: self.path.clone(),
                        seconds: limit.as_secs(),
                    });
                }
                None => std::thread::sleep(Duration::from_millis(50)),
            }
        };
        let stderr = reader.join().unwrap_or_default();
        let written = std::fs::read(partial.path()).map_err(io(partial.path()))?;
        if !status.success() || written.is_empty() {
            // Chromium's stderr is mostly noise (D-Bus, GPU); keep the
            // lines that say ERROR, and only the last few.
            let lines: Vec<&str> = stderr.lines().filter(|l| !l.contains("dbus")).collect();
            let tail = lines[lines.len().saturating_sub(5)..].join("\n");
            return Err(PdfError::Failed {
                browser: self.path.clone(),
                html,
                status: status.to_string(),
                stderr: tail,
            });
        }
        if !written.starts_with(b"%PDF-") {
            return Err(PdfError::NotPdf {
                pdf: pdf.to_path_buf(),
                browser: self.path.clone(),
            });
        }
        partial.as_file().sync_all().map_err(io(partial.path()))?;
        partial.persist(pdf).map_err(|e| PdfError::Io {
            path: pdf.to_path_buf(),
            source: e.error,
        })?;
        Ok(())
    }
}
