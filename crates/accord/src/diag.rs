//! Diagnostics that say what is wrong and where: a file, a byte span in it,
//! a message, a label under the span, and help. They are collected, never
//! thrown one at a time, so that a user sees every mistake at once; and they
//! render as miette reports (file:line:column, the source line, the span
//! underlined).

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

/// Identifies a file in a [`Sources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub usize);

/// The text of every file a check read, so that diagnostics can quote them.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: Vec<(String, Arc<str>)>,
}

impl Sources {
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        self.files.push((name.into(), text.into()));
        FileId(self.files.len() - 1)
    }
    pub fn name(&self, f: FileId) -> &str {
        &self.files[f.0].0
    }
    pub fn text(&self, f: FileId) -> &Arc<str> {
        &self.files[f.0].1
    }
    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, f: FileId, offset: usize) -> (usize, usize) {
        let text = self.text(f);
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let col = before
            .rsplit('\n')
            .next()
            .map(|l| l.chars().count())
            .unwrap_or(0)
            + 1;
        (line, col)
    }
}

/// A place in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub file: FileId,
    pub range: Range<usize>,
}

impl Span {
    pub fn new(file: FileId, range: Range<usize>) -> Span {
        Span { file, range }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diag {
    pub severity: Severity,
    /// A stable identifier, e.g. `agreement::unknown-key`.
    pub code: &'static str,
    pub message: String,
    /// Where, with the label shown under the span.
    pub at: Option<(Span, String)>,
    /// Further places in the same file.
    pub also: Vec<(Span, String)>,
    pub help: Option<String>,
}

impl Diag {
    pub fn error(code: &'static str, message: impl Into<String>) -> Diag {
        Diag {
            severity: Severity::Error,
            code,
            message: message.into(),
            at: None,
            also: vec![],
            help: None,
        }
    }
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diag {
        Diag {
            severity: Severity::Warning,
            ..Diag::error(code, message)
        }
    }
    pub fn at(mut self, span: Span, label: impl Into<String>) -> Diag {
        self.at = Some((span, label.into()));
        self
    }
    pub fn also(mut self, span: Span, label: impl Into<String>) -> Diag {
        self.also.push((span, label.into()));
        self
    }
    pub fn help(mut self, help: impl Into<String>) -> Diag {
        self.help = Some(help.into());
        self
    }
}

/// Findings, in the order they were made.
#[derive(Clone, Debug, Default)]
pub struct Diags(pub Vec<Diag>);

impl Diags {
    pub fn push(&mut self, d: Diag) {
        self.0.push(d);
    }
    pub fn errors(&self) -> usize {
        self.0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
    pub fn warnings(&self) -> usize {
        self.0
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }
    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }
    /// Sorted by file, then position, errors and warnings interleaved, so
    /// that output follows the files.
    pub fn sorted(&self) -> Vec<&Diag> {
        let mut v: Vec<&Diag> = self.0.iter().collect();
        v.sort_by_key(|d| {
            d.at.as_ref()
                .map(|(s, _)| (s.file, s.range.start))
                .unwrap_or((FileId(usize::MAX), 0))
        });
        v
    }
}

/// A diagnostic with its file's text: what miette renders.
pub struct Report {
    diag: Diag,
    source: Option<NamedSource<Arc<str>>>,
}

impl Report {
    pub fn new(diag: &Diag, sources: &Sources) -> Report {
        let source = diag
            .at
            .as_ref()
            .map(|(s, _)| NamedSource::new(sources.name(s.file), sources.text(s.file).clone()));
        Report {
            diag: diag.clone(),
            source,
        }
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.diag.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (s, label) = self.diag.at.as_ref()?;
        let mut v = vec![LabeledSpan::new_primary_with_span(
            Some(label.clone()),
            span_of(&s.range),
        )];
        for (s2, l2) in &self.diag.also {
            if s2.file == s.file {
                v.push(LabeledSpan::new_with_span(
                    Some(l2.clone()),
                    span_of(&s2.range),
                ));
            }
        }
        Some(Box::new(v.into_iter()))
    }
}

fn span_of(r: &Range<usize>) -> miette::SourceSpan {
    (r.start, r.end.saturating_sub(r.start)).into()
}

/// Renders diagnostics as text: plain (no colour) and wrapped to `width`,
/// for files, logs and snapshot tests; the CLI renders with colour on a
/// terminal itself.
pub fn render_plain(diags: &Diags, sources: &Sources, width: usize) -> String {
    let handler =
        GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(width);
    let mut out = String::new();
    for d in diags.sorted() {
        let r = Report::new(d, sources);
        handler
            .render_report(&mut out, &r)
            .expect("rendering to a String cannot fail");
    }
    let (e, w) = (diags.errors(), diags.warnings());
    out.push_str(&format!(
        "{e} error{}, {w} warning{}\n",
        plural(e),
        plural(w)
    ));
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
