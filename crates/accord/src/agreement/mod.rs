//! Agreements as code: a TOML file (with GeoJSON files beside it) naming
//! the parties and their keys, the monitoring organisations, the zones, the
//! clauses with their conditions in CEL, how observations are verified, the
//! phases, the relief tranches with snapback, the guarantees, and who must
//! sign what. See `docs/agreement-format.md` for the format.
//!
//! [`check`] reads and checks it all, reporting every problem at once with
//! its file, line and column; a clean agreement gets its canonical hash,
//! which identifies it in every statement.

pub mod canonical;
pub mod geojson;
pub mod model;
mod parse;
pub mod reader;
mod validate;

use std::path::{Path, PathBuf};

pub use model::*;
pub use parse::FORMAT;
pub use validate::{Checker, Loader};

use crate::diag::{Diag, Diags, Sources, Span};
use crate::statement::Digest;

/// What checking an agreement found.
pub struct Checked {
    /// The agreement, if it has no errors.
    pub agreement: Option<Agreement>,
    /// Its canonical hash, if it has no errors.
    pub hash: Option<Digest>,
    /// Every file read, for rendering diagnostics.
    pub sources: Sources,
    pub diags: Diags,
}

/// Reads and checks an agreement. `name` is how the file is called in
/// messages; GeoJSON sources are read through `loader`.
pub fn check(name: &str, text: &str, loader: &dyn Loader) -> Checked {
    let mut sources = Sources::default();
    let mut diags = Diags::default();
    let file = sources.add(name, text);
    let (root, errors) = toml::de::DeTable::parse_recoverable(text);
    for e in &errors {
        let span = e.span().unwrap_or(0..0);
        let msg = e.message().trim().to_string();
        diags.push(
            Diag::error("toml::syntax", format!("TOML syntax: {msg}"))
                .at(Span::new(file, span), "here"),
        );
    }
    if !errors.is_empty() {
        // The rest would only repeat the syntax errors' consequences.
        return Checked {
            agreement: None,
            hash: None,
            sources,
            diags,
        };
    }
    let mut agreement = {
        let mut ctx = reader::Ctx {
            file,
            diags: &mut diags,
        };
        parse::parse(file, &root, &mut ctx)
    };
    Checker::new(&mut agreement, &mut sources, &mut diags).run(loader);
    if diags.has_errors() {
        return Checked {
            agreement: None,
            hash: None,
            sources,
            diags,
        };
    }
    let hash = canonical::hash(&agreement);
    Checked {
        agreement: Some(agreement),
        hash: Some(hash),
        sources,
        diags,
    }
}

/// Loads zone files from the agreement's directory.
pub struct DirLoader {
    pub dir: PathBuf,
}

impl Loader for DirLoader {
    fn load(&self, path: &str) -> Result<(String, String), String> {
        let full = self.dir.join(path);
        let text = std::fs::read_to_string(&full).map_err(|e| e.to_string())?;
        Ok((full.display().to_string(), text))
    }
}

/// Reads and checks the agreement file at `path`.
pub fn check_file(path: &Path) -> Result<Checked, std::io::Error> {
    let text = std::fs::read_to_string(path)?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(check(
        &path.display().to_string(),
        &text,
        &DirLoader { dir },
    ))
}
