//! Text from log entries, made safe to show.
//!
//! Anything derived from an entry (a refusal that quotes a name, a field)
//! may be printed to an auditor's terminal or written into a report. An
//! entry must not be able to drive the terminal (escape sequences, a
//! carriage return that overwrites a line, a NUL), start a line of its own
//! (a newline followed by a fake `AUDIT PASSED`), or reorder what is shown
//! (Unicode bidirectional controls). [`printable`] writes every such
//! character as a visible escape.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal or a report as it is: C0 and C1
/// controls (newline and tab included), DEL, and the Unicode
/// bidirectional formatting characters.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `s` with every unsafe character (see [`is_unsafe`]) written as a
/// `\u{…}` escape; unchanged (and not copied) when there is none.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_escaped_and_the_rest_kept() {
        assert!(matches!(printable("Kramatorsk, Донецьк"), Cow::Borrowed(_)));
        assert_eq!(
            printable("a\u{1b}[2J\rb\nAUDIT PASSED\0\u{9b}\u{202e}c\t"),
            "a\\u{1b}[2J\\u{d}b\\u{a}AUDIT PASSED\\u{0}\\u{9b}\\u{202e}c\\u{9}"
        );
        assert_eq!(printable("\u{7f}"), "\\u{7f}");
    }
}
