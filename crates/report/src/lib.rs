//! The report at a monitoring mission's standard, built only from a
//! replayed log: a day (the agreement's reporting period, to its cut-off),
//! a week or a month, each against the one before it.
//!
//! - [`model`]: what a report says, language-neutral and serialisable (the
//!   JSON form): every section of an OSCE SMM daily report, in its order,
//!   every figure with all the entries behind it, verified and reported
//!   apart. [`Report::build`] makes it from an evaluator ([`build`]); the
//!   narrative summary is made from the model's own sections
//!   ([`summary`]).
//! - [`render`]: the model in words, in English, Ukrainian or Russian
//!   (`accord-i18n`, `report.ftl`): Markdown, and one HTML page that prints
//!   well (A4, page numbers, entry links kept as endnotes, no external
//!   resource, no script), with inline SVG charts ([`charts`]); and the
//!   model as JSON.
//!
//! Every figure links to the log entries behind it, each with an inclusion
//! proof beside the report, so that a reader can check any number without
//! trusting whoever wrote it. Raw counts and attribution are kept apart, as
//! the mission kept them.

// A library does not print: it returns what it has to say.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod build;
pub mod charts;
pub mod doc;
pub mod model;
pub mod pdf;
pub mod render;
pub mod summary;
pub mod words;

pub use accord_i18n::Lang;
pub use doc::Links;
pub use model::{Report, Span};

use accord::statement::{Body, Statement};

/// How a statement says it is simulated (scripted for a demonstration or a
/// test, not a real event): its observation's `note` or `reference`, or its
/// certification's words, begin with this.
pub const SIMULATED: &str = "SIMULATED";

/// Whether a statement says it is simulated (see [`SIMULATED`]).
pub fn says_simulated(s: &Statement) -> bool {
    let marked = |t: Option<&str>| t.is_some_and(|t| t.starts_with(SIMULATED));
    match &s.body {
        Body::Observation(o, _) => marked(o.note.as_deref()) || marked(o.reference.as_deref()),
        Body::Certification(c) => marked(Some(&c.statement)),
        _ => false,
    }
}
