//! Diagnostics that say what is wrong and where: a file, a byte span in it,
//! a message, a label under the span, and help. They are collected, never
//! thrown one at a time, so that a user sees every mistake at once; and they
//! render as miette reports (file:line:column, the source line, the span
//! underlined).
//!
//! [`Sp`] is a value with its span, as read; [`closest`] is the "did you
//! mean" of the messages. The agreement's reader and checker, the quorums
//! and the conditions' type checker all use them.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    NamedSource, SourceCode, SourceSpan, SpanContents,
};

/// A value with its byte span in the file it was read from (an agreement),
/// so that a diagnostic about it can point at it.
pub type Sp<T> = toml::Spanned<T>;

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

/// A line longer than this many bytes is shown only around the place a
/// label points at. GeoJSON is often written a feature to a line of tens of
/// kilobytes, and garbage can be one line of megabytes: quoting the whole
/// line once per diagnostic made the output as large as the file times the
/// number of diagnostics, and miette cannot even underline a place past
/// column 65,535 (Rust's limit on a formatting width: it panics).
const LONG_LINE: usize = 1000;
/// Of a long line, this many bytes before a label's start are shown...
const WINDOW_BEFORE: usize = 60;
/// ... and this many from its start on.
const WINDOW_AFTER: usize = 120;
/// A label covering more lines than this is cut there: a mistyped array of
/// ten thousand lines is pointed at, not printed.
const MAX_LABEL_LINES: usize = 24;

impl IndexedText {
    fn last_line(&self) -> usize {
        self.line_starts.len() - 1
    }

    /// Where line `line`'s text ends, before its line break.
    fn line_end(&self, line: usize) -> usize {
        let Some(&next) = self.line_starts.get(line + 1) else {
            return self.text.len();
        };
        let b = self.text.as_bytes();
        match (b.get(next.wrapping_sub(2)), b[next - 1]) {
            (Some(b'\r'), b'\n') => next - 2,
            _ => next - 1,
        }
    }

    fn is_long(&self, line: usize) -> bool {
        self.line_end(line) - self.line_starts[line] > LONG_LINE
    }

    fn floor_char(&self, mut i: usize) -> usize {
        while !self.text.is_char_boundary(i) {
            i -= 1;
        }
        i
    }

    /// A label's span as it is shown: at most [`MAX_LABEL_LINES`] lines,
    /// not into a long line, and within the window shown of a long line
    /// it starts on.
    fn clip(&self, r: Range<usize>) -> Range<usize> {
        let start = r.start.min(self.text.len());
        let line = self.line_of(start);
        let mut end = r.end.max(start);
        if self.is_long(line) {
            end = end
                .min(self.line_end(line))
                .min(self.floor_char((start + WINDOW_AFTER).min(self.text.len())));
        } else {
            if let Some(&cut) = self.line_starts.get(line + MAX_LABEL_LINES) {
                end = end.min(cut);
            }
            let last = self.line_of(end.saturating_sub(1).clamp(start, self.text.len()));
            if let Some(long) = (line + 1..=last).find(|&l| self.is_long(l)) {
                end = self.line_starts[long];
            }
        }
        start..end.max(start)
    }

    /// What miette's own `str` implementation returns, found by scanning
    /// only from a line before the first line it will show (see
    /// [`SourceCode::read_span`] below).
    fn read_exact(
        &self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<MietteSpanContents<'_>, MietteError> {
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
        Ok(MietteSpanContents::new(
            inner.data(),
            SourceSpan::new((inner.span().offset() + base).into(), inner.span().len()),
            inner.line() + first,
            inner.column(),
            inner.line_count() + first,
        ))
    }

    /// Part of long line `line` around byte `start`, presented to miette as
    /// if it were the whole line: it places labels by byte offsets from
    /// the start of what it is given, so they still land under their text.
    fn window(&self, line: usize, start: usize, header: bool) -> MietteSpanContents<'_> {
        let line_start = self.line_starts[line];
        let from = self.floor_char(start.saturating_sub(WINDOW_BEFORE).max(line_start));
        let to = self.floor_char((start + WINDOW_AFTER).min(self.line_end(line)));
        let to = to.max(from);
        MietteSpanContents::new(
            &self.text.as_bytes()[from..to],
            SourceSpan::new(from.into(), to - from),
            line,
            // miette reads the column only for the header's line:column,
            // from a read without context, where it counts bytes.
            if header { start - line_start } else { 0 },
            line + 1,
        )
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
    ///
    /// Long lines ([`LONG_LINE`]) are the exception: context lines that
    /// are long are left out, and a span starting on a long line is shown
    /// as a window of that line around it.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset();
        if start > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.line_of(start);
        let span_last = self.line_of(
            (start + span.len())
                .saturating_sub(1)
                .max(start)
                .min(self.text.len()),
        );
        let header = context_lines_before == 0 && context_lines_after == 0;
        if self.is_long(first) {
            return Ok(Box::new(self.window(first, start, header)));
        }
        // A span running from short lines into a long one is shown up to
        // the long line (labels are clipped so; the contexts miette merges
        // from several labels may not be).
        let long_in_span = (first..=span_last).find(|&l| self.is_long(l));
        let last = long_in_span.map_or(span_last, |l| l - 1);
        let (want_before, want_after) = (
            context_lines_before.min(first),
            context_lines_after.min(self.last_line() - last),
        );
        let before = (1..=want_before)
            .take_while(|&k| !self.is_long(first - k))
            .count();
        let after = (1..=want_after)
            .take_while(|&k| !self.is_long(last + k))
            .count();
        if long_in_span.is_none() && before == want_before && after == want_after {
            // No long line: miette's own reading, to the byte (asked with
            // the counts miette was asked with: it reads differently when
            // asked for context lines that the file does not have).
            let exact = self.read_exact(span, context_lines_before, context_lines_after)?;
            return Ok(Box::new(exact));
        }
        // Long lines left out: the lines of the span and of the context
        // that are short, whole.
        let from = first - before;
        let to = last + after;
        let data_start = self.line_starts[from];
        let data_end = self.line_end(to);
        Ok(Box::new(MietteSpanContents::new(
            &self.text.as_bytes()[data_start..data_end],
            SourceSpan::new(data_start.into(), data_end - data_start),
            if header { first } else { from },
            if header {
                start - self.line_starts[first]
            } else {
                0
            },
            to + 1,
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

    /// The first [`MAX_SHOWN`] of [`Diags::sorted`], and how many more
    /// there are.
    pub fn shown(&self) -> (Vec<&Diag>, usize) {
        let mut v = self.sorted();
        let more = v.len().saturating_sub(MAX_SHOWN);
        v.truncate(MAX_SHOWN);
        (v, more)
    }
}

/// At most this many diagnostics are rendered; the rest are counted in one
/// line ([`not_shown`]). A file of garbage has a mistake on every line, and
/// nobody reads the ten-thousandth: the first hundred, in file order, say
/// what is wrong, and the output stays small whatever the input.
pub const MAX_SHOWN: usize = 100;

/// The line that stands for the diagnostics not rendered.
pub fn not_shown(more: usize) -> String {
    format!("{more} more problem{} not shown", plural(more))
}

/// A diagnostic with its file's text: what miette renders.
pub struct Report {
    diag: Diag,
    source: Option<NamedSource<IndexedText>>,
}

impl Report {
    /// The diagnostic's labels are clipped as [`IndexedText::clip`] says,
    /// so that what is shown of a file stays small whatever the file.
    pub fn new(diag: &Diag, sources: &Sources) -> Report {
        let mut diag = diag.clone();
        let source = diag.at.as_mut().map(|(at, _)| {
            let text = &sources.files[at.file.0].1;
            at.range = text.clip(at.range.clone());
            NamedSource::new(sources.name(at.file), text.clone())
        });
        if let Some((at, _)) = &diag.at {
            let text = &sources.files[at.file.0].1;
            let file = at.file;
            for (s, _) in diag.also.iter_mut().filter(|(s, _)| s.file == file) {
                s.range = text.clip(s.range.clone());
            }
        }
        Report { diag, source }
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
/// terminal itself. At most [`MAX_SHOWN`] of them, then the totals.
pub fn render_plain(diags: &Diags, sources: &Sources, width: usize) -> String {
    let handler =
        GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(width);
    let mut out = String::new();
    let (shown, more) = diags.shown();
    for d in shown {
        let r = Report::new(d, sources);
        handler
            .render_report(&mut out, &r)
            .expect("rendering to a String cannot fail");
    }
    if more > 0 {
        out.push_str(&not_shown(more));
        out.push('\n');
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

/// The known name closest to `word`, if it is close enough to be a typo.
/// A name whose length differs from the word's by more than the distance
/// allowed cannot be within it, and is not compared: a word of a megabyte
/// costs its length, not its length times every name's.
pub fn closest<'a, S: AsRef<str>>(word: &str, known: &'a [S]) -> Option<&'a str> {
    let n = word.chars().count();
    let mut best: Option<(usize, &str)> = None;
    for k in known {
        let k = k.as_ref();
        let m = k.chars().count();
        let limit = (m.max(n) / 3).clamp(1, 3);
        if m.abs_diff(n) > limit {
            continue;
        }
        let d = edit_distance(word, k);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

/// Levenshtein distance.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
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
    fn render_one(text: &str, range: Range<usize>) -> String {
        let mut sources = Sources::default();
        let f = sources.add("f", text);
        let mut diags = Diags::default();
        diags.push(Diag::error("test::here", "here").at(Span::new(f, range), "this"));
        render_plain(&diags, &sources, 100)
    }

    #[test]
    fn a_place_far_along_a_long_line_is_shown_in_a_window() {
        // Past column 65,535, where miette's own rendering panics.
        let text = format!(
            "x = 1\n{}BAD{}\nlast\n",
            "a".repeat(100_000),
            "é".repeat(1000)
        );
        let at = text.find("BAD").unwrap();
        let out = render_one(&text, at..at + 3);
        assert!(out.contains("[f:2:100001]"), "{out}");
        assert!(out.contains("aaaBADéé"), "{out}");
        assert!(out.len() < 2000, "{} bytes:\n{out}", out.len());
        assert!(!out.contains("x = 1") && !out.contains("last"), "{out}");
    }

    #[test]
    fn long_context_lines_are_left_out() {
        let long = "b".repeat(5000);
        let text = format!("{long}\nshort = 1\n{long}\n");
        let at = text.find("short").unwrap();
        let out = render_one(&text, at..at + 5);
        assert!(
            out.contains("[f:2:1]") && out.contains("short = 1"),
            "{out}"
        );
        assert!(!out.contains("bbbb"), "{out}");
    }

    #[test]
    fn a_label_over_many_lines_is_cut() {
        let text: String = (0..1000).map(|i| format!("line {i}\n")).collect();
        let out = render_one(&text, 0..text.len());
        assert!(out.contains("line 23") && !out.contains("line 30"), "{out}");
    }
}
