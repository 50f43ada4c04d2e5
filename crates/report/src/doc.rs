//! A report as blocks (headings, paragraphs, lists, tables, charts),
//! written once by the renderer and serialised to Markdown or HTML, so that
//! both forms say the same things in the same order.

use std::collections::BTreeSet;
use std::fmt::Write as _;

/// How a report links an entry: to its proof file in `dir` (relative to
/// the report, or a route such as `/v1/proof`).
#[derive(Clone, Debug)]
pub struct Links {
    pub dir: String,
}

impl Links {
    pub fn href(&self, i: u64) -> String {
        format!("{}/{i}.proof", self.dir)
    }
}

/// Inline text.
#[derive(Clone, Debug)]
pub enum Piece {
    T(String),
    B(String),
    Code(String),
    /// Links to entries (the renderers may abbreviate; HTML keeps them all).
    Links(Vec<u64>),
}

pub type Cell = Vec<Piece>;

#[derive(Clone, Debug)]
pub enum Block {
    H(u8, String),
    P(Cell),
    List(Vec<Cell>),
    Table {
        head: Vec<String>,
        /// Right-aligned (numeric) columns.
        numeric: Vec<bool>,
        rows: Vec<Vec<Cell>>,
    },
    /// An inline SVG chart (HTML only; its table fallback is beside it).
    Svg(String),
    /// Side by side (HTML: a table, row against row, when the versions
    /// have as many blocks each), one after the other (Markdown): the
    /// agreement's language versions.
    Columns(Vec<(String, Vec<Block>)>),
    /// A section of the page, with a class (HTML).
    Class(&'static str, Vec<Block>),
}

/// Links shown in full before the rest are abbreviated (Markdown) or
/// folded away (HTML, where every one is kept).
const SHOWN: usize = 12;

pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Markdown special characters in a cell or line: escaped, so that text
/// from the agreement or an entry cannot make markup.
fn md(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '\\'
        ) {
            o.push('\\');
        }
        if c == '\n' {
            o.push(' ');
            continue;
        }
        o.push(c);
    }
    o
}

pub struct Markdown<'l> {
    pub links: &'l Links,
    /// "and N more", in the reader's language.
    pub more: &'l dyn Fn(usize) -> String,
}

impl Markdown<'_> {
    fn pieces(&self, c: &Cell) -> String {
        let mut o = String::new();
        for p in c {
            match p {
                Piece::T(t) => o.push_str(&md(t)),
                Piece::B(t) => {
                    let _ = write!(o, "**{}**", md(t));
                }
                Piece::Code(t) => {
                    let _ = write!(o, "`{}`", t.replace('`', "'"));
                }
                Piece::Links(v) => {
                    let shown: Vec<String> = v
                        .iter()
                        .take(SHOWN)
                        .map(|i| format!("[#{i}]({})", self.links.href(*i)))
                        .collect();
                    o.push_str(&shown.join(" "));
                    if v.len() > SHOWN {
                        let _ = write!(o, " {}", (self.more)(v.len() - SHOWN));
                    }
                }
            }
        }
        o
    }

    pub fn write(&self, blocks: &[Block], o: &mut String) {
        for b in blocks {
            match b {
                Block::H(l, t) => {
                    let _ = writeln!(o, "{} {}\n", "#".repeat(*l as usize), md(t));
                }
                Block::P(c) => {
                    let _ = writeln!(o, "{}\n", self.pieces(c));
                }
                Block::List(items) => {
                    for c in items {
                        let _ = writeln!(o, "- {}", self.pieces(c));
                    }
                    o.push('\n');
                }
                Block::Table {
                    head,
                    numeric,
                    rows,
                } => {
                    let _ = writeln!(
                        o,
                        "| {} |",
                        head.iter().map(|h| md(h)).collect::<Vec<_>>().join(" | ")
                    );
                    let _ = writeln!(
                        o,
                        "|{}|",
                        numeric
                            .iter()
                            .map(|&n| if n { "---:" } else { "---" })
                            .collect::<Vec<_>>()
                            .join("|")
                    );
                    for r in rows {
                        let _ = writeln!(
                            o,
                            "| {} |",
                            r.iter()
                                .map(|c| self.pieces(c))
                                .collect::<Vec<_>>()
                                .join(" | ")
                        );
                    }
                    o.push('\n');
                }
                Block::Svg(_) => {}
                Block::Columns(cols) => {
                    for (_, blocks) in cols {
                        self.write(blocks, o);
                    }
                }
                Block::Class(_, blocks) => self.write(blocks, o),
            }
        }
    }
}

/// Whether side-by-side versions can be read row against row: more than
/// one, each with as many blocks as the others.
fn aligned(cols: &[(String, Vec<Block>)]) -> bool {
    cols.len() > 1 && cols.iter().all(|(_, b)| b.len() == cols[0].1.len())
}

pub struct Html<'l> {
    pub links: &'l Links,
    pub more: &'l dyn Fn(usize) -> String,
    /// Every entry linked, for the endnotes.
    pub cited: std::cell::RefCell<BTreeSet<u64>>,
}

impl Html<'_> {
    fn link(&self, i: u64) -> String {
        self.cited.borrow_mut().insert(i);
        // The number is the endnote's: in print, the list of entries at
        // the end gives each one's proof.
        format!("<a class=e href=\"{}\">#{i}</a>", esc(&self.links.href(i)))
    }

    fn pieces(&self, c: &Cell) -> String {
        let mut o = String::new();
        for p in c {
            match p {
                Piece::T(t) => o.push_str(&esc(t)),
                Piece::B(t) => {
                    let _ = write!(o, "<strong>{}</strong>", esc(t));
                }
                Piece::Code(t) => {
                    let _ = write!(o, "<code>{}</code>", esc(t));
                }
                Piece::Links(v) => {
                    let shown: Vec<String> = v.iter().take(SHOWN).map(|&i| self.link(i)).collect();
                    o.push_str(&shown.join(" "));
                    if v.len() > SHOWN {
                        let rest: Vec<String> = v[SHOWN..].iter().map(|&i| self.link(i)).collect();
                        let _ = write!(
                            o,
                            " <details><summary>{}</summary>{}</details>",
                            esc(&(self.more)(v.len() - SHOWN)),
                            rest.join(" ")
                        );
                    }
                }
            }
        }
        o
    }

    pub fn write(&self, blocks: &[Block], o: &mut String) {
        for b in blocks {
            match b {
                Block::H(l, t) => {
                    let _ = write!(o, "<h{l}>{}</h{l}>", esc(t));
                }
                Block::P(c) => {
                    let _ = write!(o, "<p>{}</p>", self.pieces(c));
                }
                Block::List(items) => {
                    o.push_str("<ul>");
                    for c in items {
                        let _ = write!(o, "<li>{}</li>", self.pieces(c));
                    }
                    o.push_str("</ul>");
                }
                Block::Table {
                    head,
                    numeric,
                    rows,
                } => {
                    o.push_str("<table><thead><tr>");
                    for h in head {
                        let _ = write!(o, "<th>{}</th>", esc(h));
                    }
                    o.push_str("</tr></thead><tbody>");
                    for r in rows {
                        o.push_str("<tr>");
                        for (i, c) in r.iter().enumerate() {
                            let class = if numeric.get(i).copied().unwrap_or(false) {
                                " class=n"
                            } else {
                                ""
                            };
                            let _ = write!(o, "<td{class}>{}</td>", self.pieces(c));
                        }
                        o.push_str("</tr>");
                    }
                    o.push_str("</tbody></table>");
                }
                Block::Svg(s) => {
                    let _ = write!(o, "<figure>{s}</figure>");
                }
                Block::Columns(cols) if aligned(cols) => {
                    // Equally authentic texts are read against each other,
                    // clause by clause: one row per block, one column per
                    // language, each cell in its own language.
                    o.push_str("<table class=parallel><thead><tr>");
                    for (lang, _) in cols {
                        let name = lang
                            .parse::<accord_i18n::Lang>()
                            .map_or(lang.as_str(), |l| l.native_name());
                        let _ = write!(o, "<th lang=\"{}\">{}</th>", esc(lang), esc(name));
                    }
                    o.push_str("</tr></thead><tbody>");
                    for row in 0..cols[0].1.len() {
                        o.push_str("<tr>");
                        for (lang, blocks) in cols {
                            let _ = write!(o, "<td lang=\"{}\">", esc(lang));
                            self.write(std::slice::from_ref(&blocks[row]), o);
                            o.push_str("</td>");
                        }
                        o.push_str("</tr>");
                    }
                    o.push_str("</tbody></table>");
                }
                Block::Columns(cols) => {
                    o.push_str("<div class=columns>");
                    for (lang, blocks) in cols {
                        let _ = write!(o, "<div lang=\"{}\">", esc(lang));
                        self.write(blocks, o);
                        o.push_str("</div>");
                    }
                    o.push_str("</div>");
                }
                Block::Class(class, blocks) => {
                    let _ = write!(o, "<section class=\"{class}\">");
                    self.write(blocks, o);
                    o.push_str("</section>");
                }
            }
        }
    }
}
