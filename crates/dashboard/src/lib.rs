//! The accord dashboard, embedded: the page (`assets/index.html`), its
//! style and ES modules, the vendored map libraries (`assets/vendor/`,
//! rebuilt by `scripts/vendor-dashboard.sh`) and the WebAssembly verifier
//! (`assets/wasm/`, built by `scripts/build-wasm.sh`), as a static table
//! the server looks files up in; and the page's words, from the Fluent
//! files of `accord-i18n`, as JSON.
//!
//! The server serves them under `/dashboard/` (see `accord-server`'s
//! `routes::dashboard`): nothing is fetched from anywhere else, so the
//! dashboard works offline and from the binary alone.

// A library does not print.
#![deny(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::sync::OnceLock;

pub use accord_i18n::Lang;
use accord_i18n::{Args, Messages};
use sha2::{Digest, Sha256};

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    /// Its path under `assets/` (and under `/dashboard/`), with `/`.
    pub path: &'static str,
    /// The `Content-Type` it is served with.
    pub content_type: &'static str,
    /// Its bytes, as they were at build time.
    pub bytes: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// How long a browser may keep a file without asking again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caching {
    /// Ask every time (with the ETag, so that an unchanged file costs a
    /// 304): the page and its own modules, which change with each release
    /// under the same names, and the verifier, which must match its glue.
    Revalidate,
    /// Keep for a week: the vendored libraries, which change only when
    /// `scripts/vendor-dashboard.sh` pins a new version.
    Long,
}

impl Asset {
    /// A strong ETag: the first 128 bits of the file's SHA-256, quoted.
    pub fn etag(&self) -> &'static str {
        static TAGS: OnceLock<Vec<String>> = OnceLock::new();
        let tags = TAGS.get_or_init(|| {
            ASSETS
                .iter()
                .map(|a| {
                    let h = Sha256::digest(a.bytes);
                    format!("\"{}\"", hex(&h[..16]))
                })
                .collect()
        });
        let i = ASSETS
            .iter()
            .position(|a| a.path == self.path)
            .unwrap_or_default();
        tags.get(i).map_or("\"\"", String::as_str)
    }

    /// How the file may be cached.
    pub fn caching(&self) -> Caching {
        if self.path.starts_with("vendor/") {
            Caching::Long
        } else {
            Caching::Revalidate
        }
    }
}

/// The file at `path` under `/dashboard/`; the empty path is the page.
/// Paths are matched exactly: there is no file system behind them, so
/// `..` and the like simply find nothing.
pub fn asset(path: &str) -> Option<&'static Asset> {
    let path = if path.is_empty() { "index.html" } else { path };
    ASSETS.iter().find(|a| a.path == path)
}

/// Every embedded file.
pub fn assets() -> &'static [Asset] {
    ASSETS
}

/// Whether the WebAssembly verifier was built into this binary.
pub fn has_verifier() -> bool {
    asset("wasm/accord_web.js").is_some() && asset("wasm/accord_web_bg.wasm").is_some()
}

/// The Fluent domains the page's words come from.
pub const DOMAINS: [&str; 2] = ["common", "dashboard"];

/// The names of the arguments the served messages may take. Each is
/// rendered as `{name}`, which the page replaces (`i18n.js`); a test
/// checks that every argument of a served message is here.
pub const ARGUMENTS: &[&str] = &[
    "count",
    "index",
    "time",
    "size",
    "hash",
    "pin",
    "reason",
    "what",
    "from",
    "to",
    "day",
    "party",
    "total",
    "shown",
    "url",
    "done",
    "of",
    "name",
    "value",
    "before",
    "now",
    "region",
    "state",
    "until",
    "days",
    "clause",
    "path",
    "replayed",
    "served",
    "key",
    "quorum",
    "witnesses",
    "origin",
];

/// The ids of the messages a Fluent source defines (`id = ...` at the
/// start of a line; terms and comments are not messages).
pub fn message_ids(source: &str) -> Vec<&str> {
    source
        .lines()
        .filter_map(|l| {
            let (id, _) = l.split_once('=')?;
            let id = id.trim_end();
            let ok = !id.is_empty()
                && l.starts_with(|c: char| c.is_ascii_lowercase())
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            ok.then_some(id)
        })
        .collect()
}

/// The page's words in `lang`: a JSON object from message id to text,
/// every message of the [`DOMAINS`], with each argument left as `{name}`
/// for the page to fill in. Plural choices fall to their default form
/// (the dashboard's own messages have none).
pub fn messages_json(lang: Lang) -> String {
    let m = Messages::get(lang);
    let mut args = Args::new();
    for name in ARGUMENTS {
        args = args.str(name, format!("{{{name}}}"));
    }
    let mut out = BTreeMap::new();
    for (domain, source) in accord_i18n::sources(lang) {
        if !DOMAINS.contains(&domain) {
            continue;
        }
        for id in message_ids(source) {
            out.insert(id.to_string(), m.text(id, &args));
        }
    }
    out.insert("lang".to_string(), lang.code().to_string());
    serde_json::to_string(&out).unwrap_or_else(|_| "{}".to_string())
}

/// The page's words in `lang` as [`messages_json`] makes them, with a
/// strong ETag of them; made once per language (the Fluent files are
/// embedded and fixed).
pub fn messages(lang: Lang) -> (&'static str, &'static str) {
    static MADE: OnceLock<Vec<(String, String)>> = OnceLock::new();
    let made = MADE.get_or_init(|| {
        Lang::ALL
            .iter()
            .map(|l| {
                let json = messages_json(*l);
                let tag = format!(
                    "\"{}-{}\"",
                    l.code(),
                    hex(&Sha256::digest(json.as_bytes())[..16])
                );
                (json, tag)
            })
            .collect()
    });
    let i = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0);
    (made[i].0.as_str(), made[i].1.as_str())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
