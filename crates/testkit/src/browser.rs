//! Checks of rendered pages in headless Chromium, through
//! `browser/check-page.mjs` (see `browser/README.md`).
//!
//! A test that needs the browser and finds no Chromium or no
//! `browser/node_modules` fails and says how to get them, unless
//! `ACCORD_SKIP_BROWSER=1` (then [`available`] is false and the test says
//! it skipped).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository's `browser/` directory.
pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../browser")
        .canonicalize()
        .expect("the repository's browser/ directory")
}

/// Whether browser checks run: false only when `ACCORD_SKIP_BROWSER=1`.
/// Otherwise a missing Chromium or missing npm packages fail the test.
pub fn available() -> bool {
    if std::env::var_os("ACCORD_SKIP_BROWSER").is_some_and(|v| v == "1") {
        eprintln!("ACCORD_SKIP_BROWSER=1: browser checks skipped");
        return false;
    }
    let chromium = std::env::var_os("ACCORD_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        chromium.exists(),
        "browser checks need Chromium at {} (Debian: apt-get install chromium; or set ACCORD_CHROMIUM; ACCORD_SKIP_BROWSER=1 skips them)",
        chromium.display()
    );
    assert!(
        dir().join("node_modules/playwright-core").is_dir(),
        "browser checks need `npm ci` in {} (scripts/test.sh does it; ACCORD_SKIP_BROWSER=1 skips them)",
        dir().display()
    );
    true
}

/// Where a test run keeps its screenshots: `target/screenshots/`.
pub fn screenshots() -> PathBuf {
    // CARGO_TARGET_TMPDIR is only set for integration tests; this crate is
    // a library, so find the target directory from the test's own binary.
    let exe = std::env::current_exe().expect("test binary path");
    let target = exe
        .ancestors()
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n == "debug" || n == "release")
        })
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir);
    let d = target.join("screenshots");
    std::fs::create_dir_all(&d).expect("create target/screenshots");
    d
}

/// What the browser saw of one page: the checker's JSON, and whether it
/// found the page clean (exit 0).
#[derive(Debug)]
pub struct PageCheck {
    pub clean: bool,
    pub json: String,
}

impl PageCheck {
    /// The checker's list under `key` (`console_errors`, `requests`,
    /// `problems`, ...) as raw JSON text, for assertion messages.
    pub fn field(&self, key: &str) -> Option<&str> {
        let start = self.json.find(&format!("\"{key}\":"))?;
        let rest = &self.json[start..];
        Some(rest.split_once('\n').map_or(rest, |(l, _)| l))
    }
}

/// Loads `page` (a file) in headless Chromium, saving a full-page
/// screenshot at `screenshot` and, if given, the page printed at `pdf`;
/// `lang` is the `lang` the document must declare.
pub fn check_page(
    page: &Path,
    screenshot: &Path,
    pdf: Option<&Path>,
    lang: Option<&str>,
) -> PageCheck {
    let mut cmd = Command::new("node");
    cmd.current_dir(dir())
        .arg("check-page.mjs")
        .arg(page)
        .arg("--screenshot")
        .arg(screenshot);
    if let Some(p) = pdf {
        cmd.arg("--pdf").arg(p);
    }
    if let Some(l) = lang {
        cmd.args(["--lang", l]);
    }
    let out = cmd.output().expect("run node browser/check-page.mjs");
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "browser/check-page.mjs failed to run ({:?}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    PageCheck {
        clean: code == Some(0),
        json: String::from_utf8_lossy(&out.stdout).into_owned(),
    }
}
