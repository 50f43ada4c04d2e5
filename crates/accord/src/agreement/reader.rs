//! Reading a TOML document with every value's position kept, checking its
//! shape as it goes and recording every problem (missing keys, wrong types,
//! unknown keys with a suggestion) instead of stopping at the first.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Diag, Diags, FileId, Sp, Span, closest};

/// Where problems go, and which file they are in.
pub struct Ctx<'d> {
    pub file: FileId,
    pub diags: &'d mut Diags,
}

impl Ctx<'_> {
    pub fn span(&self, r: Range<usize>) -> Span {
        Span::new(self.file, r)
    }
    pub fn error(
        &mut self,
        code: &'static str,
        at: Range<usize>,
        msg: impl Into<String>,
        label: impl Into<String>,
    ) {
        let s = self.span(at);
        self.diags.push(Diag::error(code, msg).at(s, label));
    }
    pub fn push(&mut self, d: Diag) {
        self.diags.push(d);
    }
}

pub fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// A table being read: the keys asked for are remembered, so that the
/// others can be reported as unknown.
pub struct Obj<'v, 'i> {
    pub path: String,
    pub span: Range<usize>,
    table: &'v DeTable<'i>,
    known: Vec<&'static str>,
}

impl<'v, 'i> Obj<'v, 'i> {
    pub fn new(path: impl Into<String>, span: Range<usize>, table: &'v DeTable<'i>) -> Obj<'v, 'i> {
        Obj {
            path: path.into(),
            span,
            table,
            known: Vec::new(),
        }
    }

    /// Reads `v` as a table, or reports that it is not one.
    pub fn of(
        ctx: &mut Ctx<'_>,
        path: impl Into<String>,
        v: &'v Spanned<DeValue<'i>>,
    ) -> Option<Obj<'v, 'i>> {
        let path = path.into();
        match v.get_ref() {
            DeValue::Table(t) => Some(Obj::new(path, v.span(), t)),
            other => {
                ctx.error(
                    "agreement::type",
                    v.span(),
                    format!("`{path}` must be a table, not {}", type_name(other)),
                    "expected a table",
                );
                None
            }
        }
    }

    fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The raw value of `key`, if present.
    pub fn value(&mut self, key: &'static str) -> Option<&'v Spanned<DeValue<'i>>> {
        self.known.push(key);
        self.table.get(key)
    }

    fn missing(&self, ctx: &mut Ctx<'_>, key: &str, what: &str) {
        let at = self.span.clone();
        let d = Diag::error(
            "agreement::missing",
            format!("`{}` is missing {what} `{key}`", self.path_or_root()),
        )
        .at(ctx.span(at), format!("needs `{key}`"));
        ctx.push(d);
    }

    fn path_or_root(&self) -> String {
        if self.path.is_empty() {
            "the agreement".into()
        } else {
            format!("[{}]", self.path)
        }
    }

    fn wrong(&self, ctx: &mut Ctx<'_>, key: &str, v: &Spanned<DeValue<'_>>, want: &str) {
        ctx.error(
            "agreement::type",
            v.span(),
            format!(
                "`{}` must be {want}, not {}",
                self.key_path(key),
                type_name(v.get_ref())
            ),
            format!("expected {want}"),
        );
    }

    pub fn str(&mut self, ctx: &mut Ctx<'_>, key: &'static str) -> Option<Sp<String>> {
        let v = self.value(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some(Spanned::new(v.span(), s.to_string())),
            _ => {
                self.wrong(ctx, key, v, "a string");
                None
            }
        }
    }

    pub fn req_str(&mut self, ctx: &mut Ctx<'_>, key: &'static str) -> Option<Sp<String>> {
        if self.table.get(key).is_none() {
            self.known.push(key);
            self.missing(ctx, key, "the string");
            return None;
        }
        self.str(ctx, key)
    }

    pub fn bool(&mut self, ctx: &mut Ctx<'_>, key: &'static str) -> Option<Sp<bool>> {
        let v = self.value(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(Spanned::new(v.span(), *b)),
            _ => {
                self.wrong(ctx, key, v, "true or false");
                None
            }
        }
    }

    /// A non-negative integer.
    pub fn uint(&mut self, ctx: &mut Ctx<'_>, key: &'static str) -> Option<Sp<u64>> {
        let v = self.value(key)?;
        match v.get_ref() {
            DeValue::Integer(i) => match i.as_str().replace('_', "").parse::<u64>() {
                Ok(n) if i.radix() == 10 => Some(Spanned::new(v.span(), n)),
                _ => {
                    ctx.error(
                        "agreement::value",
                        v.span(),
                        format!(
                            "`{}` must be a non-negative decimal integer",
                            self.key_path(key)
                        ),
                        "not a count",
                    );
                    None
                }
            },
            _ => {
                self.wrong(ctx, key, v, "a whole number");
                None
            }
        }
    }

    /// A number (integers accepted), finite and non-negative.
    pub fn num(&mut self, ctx: &mut Ctx<'_>, key: &'static str) -> Option<Sp<f64>> {
        let v = self.value(key)?;
        let n = match v.get_ref() {
            DeValue::Integer(i) if i.radix() == 10 => {
                i.as_str().replace('_', "").parse::<f64>().ok()
            }
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            _ => {
                self.wrong(ctx, key, v, "a number");
                return None;
            }
        };
        match n {
            Some(x) if x.is_finite() && x >= 0.0 => Some(Spanned::new(v.span(), x)),
            _ => {
                ctx.error(
                    "agreement::value",
                    v.span(),
                    format!(
                        "`{}` must be a finite, non-negative number",
                        self.key_path(key)
                    ),
                    "not usable here",
                );
                None
            }
        }
    }

    /// A list of strings; a single string is accepted as a list of one.
    pub fn strs(&mut self, ctx: &mut Ctx<'_>, key: &'static str) -> Option<Sp<Vec<Sp<String>>>> {
        let v = self.value(key)?;
        Some(Spanned::new(
            v.span(),
            strs_of(ctx, &self.key_path(key), v)?,
        ))
    }

    pub fn table(&mut self, ctx: &mut Ctx<'_>, key: &'static str) -> Option<Obj<'v, 'i>> {
        let path = self.key_path(key);
        let v = self.value(key)?;
        Obj::of(ctx, path, v)
    }

    /// The entries of a table of named things (`[parties.UA]`, ...), each
    /// with its name's span.
    pub fn named(
        &mut self,
        ctx: &mut Ctx<'_>,
        key: &'static str,
    ) -> Vec<(Sp<String>, Obj<'v, 'i>)> {
        let Some(t) = self.table(ctx, key) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in t.table.iter() {
            let name = k.get_ref().to_string();
            if let Some(o) = Obj::of(ctx, format!("{key}.{name}"), v) {
                out.push((Spanned::new(k.span(), name), o));
            }
        }
        out
    }

    /// An array of tables (`[[verification.rules]]`).
    pub fn tables(&mut self, ctx: &mut Ctx<'_>, key: &'static str) -> Vec<Obj<'v, 'i>> {
        let path = self.key_path(key);
        let Some(v) = self.value(key) else {
            return Vec::new();
        };
        match v.get_ref() {
            DeValue::Array(a) => a
                .iter()
                .enumerate()
                .filter_map(|(i, item)| Obj::of(ctx, format!("{path}[{i}]"), item))
                .collect(),
            _ => {
                self.wrong(ctx, key, v, "an array of tables");
                Vec::new()
            }
        }
    }

    /// Every entry, for tables whose keys are free-form names.
    pub fn entries(&self) -> Vec<(Sp<String>, &'v Spanned<DeValue<'i>>)> {
        self.table
            .iter()
            .map(|(k, v)| (Spanned::new(k.span(), k.get_ref().to_string()), v))
            .collect()
    }

    /// Reports every key that was not asked for.
    pub fn finish(self, ctx: &mut Ctx<'_>) {
        for (k, _) in self.table.iter() {
            let key = k.get_ref().as_ref();
            if self.known.contains(&key) {
                continue;
            }
            let mut d = Diag::error(
                "agreement::unknown-key",
                format!("unknown key `{key}` in {}", self.path_or_root()),
            )
            .at(ctx.span(k.span()), "not a key this table has");
            match closest(key, &self.known) {
                Some(s) => d = d.help(format!("did you mean `{s}`?")),
                None if !self.known.is_empty() => {
                    let mut ks = self.known.clone();
                    ks.sort();
                    ks.dedup();
                    d = d.help(format!("known keys: {}", ks.join(", ")));
                }
                None => {}
            }
            ctx.push(d);
        }
    }
}

/// Reads a string or a list of strings.
pub fn strs_of(ctx: &mut Ctx<'_>, path: &str, v: &Spanned<DeValue<'_>>) -> Option<Vec<Sp<String>>> {
    match v.get_ref() {
        DeValue::String(s) => Some(vec![Spanned::new(v.span(), s.to_string())]),
        DeValue::Array(a) => {
            let mut out = Vec::new();
            for item in a.iter() {
                match item.get_ref() {
                    DeValue::String(s) => out.push(Spanned::new(item.span(), s.to_string())),
                    other => ctx.error(
                        "agreement::type",
                        item.span(),
                        format!("`{path}` must list strings, not {}", type_name(other)),
                        "expected a string",
                    ),
                }
            }
            Some(out)
        }
        other => {
            ctx.error(
                "agreement::type",
                v.span(),
                format!(
                    "`{path}` must be a string or a list of strings, not {}",
                    type_name(other)
                ),
                "expected strings",
            );
            None
        }
    }
}
