//! Diagnostics that say what is wrong and where: a file, a byte span in it,
//! a message, a label under the span, and help. They are collected, never
//! thrown one at a time, so that a user sees every mistake at once; and they
//! render as miette reports (file:line:column, the source line, the span
//! underlined).

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    NamedSource, SourceCode, SourceSpan, SpanContents,
};

/// Identifies a file in a [`Sources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub usize);

/// The text of every file a check read, so that diagnostics can quote them.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: Vec<(String, IndexedText)>,
}

impl Sources {
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        self.files
            .push((name.into(), IndexedText::new(text.into())));
        FileId(self.files.len() - 1)
    }
    pub fn name(&self, f: FileId) -> &str {
        &self.files[f.0].0
    }
    pub fn text(&self, f: FileId) -> &Arc<str> {
        &self.files[f.0].1.text
    }
    /// 1-based line and column (in characters) of a byte offset, lines
    /// counted as the rendered diagnostics count them.
    pub fn line_col(&self, f: FileId, offset: usize) -> (usize, usize) {
        self.files[f.0].1.line_col(offset)
    }
}

/// A file's text and where each of its lines starts, so that finding the
/// line of a byte offset is a binary search, not a count from the start of
/// the file: a diagnostic costs the lines it shows, whatever the file's
/// size.
#[derive(Clone, Debug)]
pub struct IndexedText {
    text: Arc<str>,
    /// Byte offsets of the first byte of every line, starting with 0.
    /// Lines end as miette ends them (at `\n`, `\r\n` or a lone `\r`), so
    /// that line numbers agree with the ones it prints.
    line_starts: Arc<[usize]>,
}

impl IndexedText {
    pub fn new(text: Arc<str>) -> IndexedText {
        let b = text.as_bytes();
        let mut line_starts = vec![0];
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\n' => line_starts.push(i + 1),
                b'\r' if b.get(i + 1) == Some(&b'\n') => {
                    i += 1;
                    line_starts.push(i + 1);
                }
                b'\r' => line_starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        IndexedText {
            text,
            line_starts: line_starts.into(),
        }
    }

    /// The 0-based line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset) - 1
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset);
        let before = &self.text.as_bytes()[self.line_starts[line]..offset];
        // Characters, not bytes: count every byte that starts one.
        let col = before.iter().filter(|&&b| (b as i8) >= -0x40).count();
        (line + 1, col + 1)
    }
}

impl SourceCode for IndexedText {
    /// What miette's own `str` implementation returns, but found in time
    /// proportional to the lines shown. miette scans from the start of the
    /// text for every label it renders, which made `accord check` on a
    /// large file with an error on every line quadratic (a megabyte of
    /// unterminated strings took minutes). Here its scan starts a line
    /// before the first line it will show, taken from the index, and what
    /// it finds is shifted back into place: the scan's state at the start
    /// of any line before the context is the same whichever line it
    /// started at, so the result is identical.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let first = self
            .line_of(span.offset().min(self.text.len()))
            .saturating_sub(context_lines_before + 1);
        let base = self.line_starts[first];
        let shifted = SourceSpan::new((span.offset().saturating_sub(base)).into(), span.len());
        let inner = self.text.as_bytes()[base..].read_span(
            &shifted,
            context_lines_before,
            context_lines_after,
        )?;
        Ok(Box::new(MietteSpanContents::new(
            inner.data(),
            SourceSpan::new((inner.span().offset() + base).into(), inner.span().len()),
            inner.line() + first,
            inner.column(),
            inner.line_count() + first,
        )))
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
    source: Option<NamedSource<IndexedText>>,
}

impl Report {
    pub fn new(diag: &Diag, sources: &Sources) -> Report {
        let source = diag.at.as_ref().map(|(s, _)| {
            NamedSource::new(sources.name(s.file), sources.files[s.file.0].1.clone())
        });
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn contents(c: &dyn SpanContents<'_>) -> (Vec<u8>, usize, usize, usize, usize, usize) {
        (
            c.data().to_vec(),
            c.span().offset(),
            c.span().len(),
            c.line(),
            c.column(),
            c.line_count(),
        )
    }

    proptest! {
        /// The indexed source reads exactly what miette's own reading of
        /// the whole text does, line breaks of every kind included, for
        /// every span inside the text (diagnostics point inside their
        /// file; miette itself can panic on some spans past the end).
        #[test]
        fn indexed_reads_what_miette_reads(
            text in "[ab\r\né]{0,60}",
            start in any::<prop::sample::Index>(),
            length in any::<prop::sample::Index>(),
            before in 0usize..4,
            after in 0usize..4,
        ) {
            let offset = start.index(text.len() + 1);
            let len = length.index(text.len() - offset + 1);
            let indexed = IndexedText::new(Arc::from(text.as_str()));
            let span = SourceSpan::new(offset.into(), len);
            let theirs = text.as_str().read_span(&span, before, after);
            let ours = indexed.read_span(&span, before, after);
            match (theirs, ours) {
                (Ok(t), Ok(o)) => prop_assert_eq!(contents(&*t), contents(&*o)),
                (Err(_), Err(_)) => {}
                (t, o) => prop_assert!(false, "miette: {:?}, indexed: {:?}", t.is_ok(), o.is_ok()),
            }
        }
    }

    #[test]
    fn line_and_column_count_characters() {
        let mut s = Sources::default();
        let f = s.add("f", "ab\r\néc\rd\n");
        assert_eq!(s.line_col(f, 0), (1, 1));
        assert_eq!(s.line_col(f, 1), (1, 2));
        assert_eq!(s.line_col(f, 4), (2, 1));
        assert_eq!(s.line_col(f, 6), (2, 2));
        assert_eq!(s.line_col(f, 8), (3, 1));
        assert_eq!(s.line_col(f, 99), (4, 1));
    }
}
