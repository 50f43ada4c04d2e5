//! The corpus of broken agreements: `tests/agreements/base/agreement.toml` is
//! a small agreement that checks clean, and every file in
//! `tests/agreements/broken/` is that agreement with exactly one mistake,
//! named in its first line. Each is checked and its diagnostics, rendered as
//! `accord check` prints them, are compared with a snapshot in
//! `tests/snapshots/agreements/`: the exact message, file, line and column.
//!
//! To regenerate after a deliberate change to the checker's messages:
//! `INSTA_UPDATE=always cargo test -p accord --test agreement_errors`, then
//! read every changed snapshot.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests read fixtures; the rule is for the library (see crates/accord/clippy.toml)"
)]

use std::path::{Path, PathBuf};

use accord::agreement::{self, Checked, Loader};
use accord::diag::{Severity, render_plain};
use accord_engine::files::DirLoader;

/// Mistakes the checker does not detect (yet). Their snapshots record that
/// nothing is reported; when the checker learns to catch one, this test
/// fails and the entry must be removed (and the snapshot regenerated).
const UNDETECTED: &[(&str, &str)] = &[];

/// Errors that have no place to point at (`at` is None). None so far: even
/// the errors about something missing from the whole file point at its start.
const UNLOCATED: &[&str] = &[];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/agreements")
}

/// Reads zone files relative to the agreement's directory, and names them
/// relative to `tests/agreements/` (`broken/zones/x.geojson`,
/// `base/zones/y.geojson`) so that snapshots hold no absolute paths.
struct CorpusLoader {
    /// The agreement's directory, relative to the corpus: `base` or `broken`.
    dir: &'static str,
}

impl Loader for CorpusLoader {
    fn load(&self, path: &str) -> Result<(String, String), String> {
        let inner = DirLoader {
            dir: corpus().join(self.dir),
        };
        let (_, text) = inner.load(path)?;
        Ok((normalise(&format!("{}/{path}", self.dir)), text))
    }
}

/// Resolves `.` and `..` in a relative path, lexically.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            _ => parts.push(p),
        }
    }
    parts.join("/")
}

fn check(dir: &'static str, file: &str) -> (Checked, String) {
    let text = std::fs::read_to_string(corpus().join(dir).join(file))
        .unwrap_or_else(|e| panic!("reading {dir}/{file}: {e}"));
    let checked = agreement::check(&format!("{dir}/{file}"), &text, &CorpusLoader { dir });
    (checked, text)
}

#[test]
fn normalise_resolves_parent_directories() {
    assert_eq!(
        normalise("broken/../base/zones/lines.geojson"),
        "base/zones/lines.geojson"
    );
    assert_eq!(
        normalise("broken/./zones/bowtie.geojson"),
        "broken/zones/bowtie.geojson"
    );
}

#[test]
fn the_base_agreement_checks_clean() {
    let (checked, _) = check("base", "agreement.toml");
    assert!(
        checked.diags.0.is_empty(),
        "the base agreement must have no errors and no warnings:\n{}",
        render_plain(&checked.diags, &checked.sources, 100)
    );
    assert!(checked.agreement.is_some());
    let hash = checked.hash.expect("a clean agreement has a hash");
    assert!(hash.to_string().starts_with("sha256:"), "{hash}");
}

#[test]
fn every_broken_agreement_reports_its_mistake() {
    let dir = corpus().join("broken");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/agreements/broken")
        .map(|e| e.expect("directory entry").file_name())
        .filter_map(|n| n.into_string().ok())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 30, "only {} broken agreements", files.len());
    for (name, _) in UNDETECTED {
        assert!(
            files.iter().any(|f| f == name),
            "UNDETECTED names {name}, which is not in broken/"
        );
    }

    for file in &files {
        let (checked, text) = check("broken", file);
        let first = text.lines().next().unwrap_or("");
        let mistake = first.strip_prefix("# ").unwrap_or_else(|| {
            panic!("{file}: the first line must be a comment saying what the mistake is")
        });
        let rendered = render_plain(&checked.diags, &checked.sources, 100);
        let stem = file.trim_end_matches(".toml");

        insta::with_settings!({
            snapshot_path => "snapshots/agreements",
            prepend_module_to_snapshot => false,
            description => mistake,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(stem, rendered);
        });

        if let Some((_, why)) = UNDETECTED.iter().find(|(n, _)| n == file) {
            assert!(
                checked.diags.0.is_empty(),
                "{file} was listed as undetected ({why}) but is now reported: remove it from UNDETECTED\n{rendered}"
            );
            assert!(checked.hash.is_some());
            continue;
        }
        assert!(
            !checked.diags.0.is_empty(),
            "{file}: the mistake was not reported"
        );
        if checked.diags.has_errors() {
            assert!(checked.agreement.is_none() && checked.hash.is_none());
        }
        if !UNLOCATED.contains(&file.as_str()) {
            for d in &checked.diags.0 {
                if d.severity == Severity::Error {
                    assert!(
                        d.at.is_some(),
                        "{file}: the error `{}` has no location\n{rendered}",
                        d.message
                    );
                }
            }
        }
    }
}
