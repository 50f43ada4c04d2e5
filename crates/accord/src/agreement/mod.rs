//! Agreements as code: a TOML file (with GeoJSON files beside it) naming
//! the parties and their keys, the monitoring organisations, the zones, the
//! clauses with their conditions in CEL, how observations are verified, the
//! phases, the relief tranches with snapback, the guarantees, and who must
//! sign what. See `docs/agreement-format.md` for the format.
//!
//! [`check`] reads and checks it all, reporting every problem at once with
//! its file, line and column; a clean agreement gets its canonical hash,
//! which identifies it in every statement. It is given the agreement's text
//! and reads zone files through a [`Loader`]: reading them from disk is the
//! engine's (`accord_engine::files`), the domain touches no files.

pub mod canonical;
pub mod environment;
pub mod geojson;
pub mod model;
mod parse;
pub mod reader;
pub mod texts;
mod validate;
mod witnesses;

pub use model::*;
pub use parse::FORMAT;
pub use texts::{LanguageText, Section, Texts, Translation};
pub use validate::{Checker, Loader};

use crate::diag::{Diag, Diags, Sources, Span};
use crate::vocab::Digest;

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
    if text.len() as u64 > MAX_AGREEMENT_BYTES {
        // Not even parsed: what a check costs grows with what it reads.
        let file = sources.add(name, "");
        diags.push(
            Diag::error(
                "agreement::too-large",
                format!(
                    "the agreement is {} bytes; accord checks agreements of at most {} MiB",
                    text.len(),
                    MAX_AGREEMENT_BYTES >> 20
                ),
            )
            .at(Span::new(file, 0..0), "too large"),
        );
        return Checked {
            agreement: None,
            hash: None,
            sources,
            diags,
        };
    }
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

/// The largest agreement file accord reads or checks. Agreements are small
/// (the Ukraine example is 60 KB in three languages), and a check takes time and memory in
/// proportion to what it reads: this bounds both, generously.
pub const MAX_AGREEMENT_BYTES: u64 = 16 << 20;

/// The largest zone (GeoJSON) file accord reads. Boundary files are larger
/// than agreements (the real ones in the tests are under 1 MB), so the limit
/// is larger too.
pub const MAX_ZONE_FILE_BYTES: u64 = 64 << 20;
