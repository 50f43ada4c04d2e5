//! Checks of the agreement's texts in several languages (`languages`,
//! `[texts.<lang>]`): the languages are tags, each once, and agree with
//! `language`; a text is in a declared language other than the main
//! text's; every id it translates exists; and every declared language has
//! a complete text.
//!
//! What "complete" asks: the title and every clause's title and text are
//! errors when missing, because a clause the parties signed in only some
//! of the equally authentic languages is not equally authentic. The names
//! of other things (zones, phases, tranches, guarantees, clocks, parties,
//! organisations, weapon classes) are warnings: a report shows the main
//! text's name in their place, and says nothing false.

use std::collections::BTreeSet;

use super::Checker;
use crate::agreement::texts::{LanguageText, Section, same_language};
use crate::diag::Sp;

/// A BCP 47 tag as agreements use them: a language of two or three
/// letters, then subtags of letters and digits ("uk", "uk-UA",
/// "sr-Latn").
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or("");
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

pub(super) fn check(ch: &mut Checker<'_>) {
    let declared: Vec<Sp<String>> =
        ch.a.languages
            .as_ref()
            .map(|l| l.get_ref().clone())
            .unwrap_or_default();
    if let Some(list) = &ch.a.languages
        && list.get_ref().is_empty()
    {
        let span = list.span();
        ch.err(
            "agreement::languages",
            span,
            "`languages` is empty",
            "name at least the main text's language",
        )
        .help =
            Some("`languages = [\"en\", \"uk\", \"ru\"]`: the main text's language first".into());
    }
    let mut seen: Vec<&Sp<String>> = Vec::new();
    for tag in &declared {
        if !is_language_tag(tag.get_ref()) {
            ch.err(
                "agreement::languages",
                tag.span(),
                format!("`{}` is not a language tag", tag.get_ref()),
                "not a language",
            )
            .help = Some("a BCP 47 tag in lower case: \"en\", \"uk\", \"ru\", \"uk-UA\"".into());
        }
        if let Some(first) = seen
            .iter()
            .find(|s| same_language(s.get_ref(), tag.get_ref()))
        {
            let first = first.get_ref().clone();
            ch.err(
                "agreement::languages",
                tag.span(),
                format!(
                    "`{}` is listed twice in `languages` (as `{first}` before)",
                    tag.get_ref()
                ),
                "again",
            );
        }
        seen.push(tag);
    }
    if let (Some(main), Some(language)) = (declared.first(), &ch.a.language)
        && !same_language(main.get_ref(), language.get_ref())
    {
        let (main, span) = (main.get_ref().clone(), language.span());
        let language = language.get_ref().clone();
        ch.err(
            "agreement::languages",
            span,
            format!(
                "`language` is `{language}` but `languages` puts `{main}` first: the first is the main text's"
            ),
            "not the first of `languages`",
        )
        .help = Some("drop `language`, or put it first in `languages`".into());
    }

    let main = ch.a.main_language();
    let texts: Vec<LanguageText> = ch.a.texts.values().cloned().collect();
    for text in &texts {
        let lang = text.lang.get_ref();
        if same_language(lang, &main) {
            ch.err(
                "agreement::texts",
                text.lang.span(),
                format!("`[texts.{lang}]` is the main text's language"),
                "the main text",
            )
            .help = Some(format!(
                "the words where each thing is defined are the `{main}` text; `[texts.*]` gives the others"
            ));
            continue;
        }
        if !declared.iter().any(|d| same_language(d.get_ref(), lang)) {
            let help = if declared.is_empty() {
                format!("declare the texts: `languages = [\"{main}\", \"{lang}\"]`")
            } else {
                format!(
                    "`languages` lists {}: add `{lang}` there if its text is authentic",
                    declared
                        .iter()
                        .map(|d| format!("`{}`", d.get_ref()))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            ch.err(
                "agreement::texts",
                text.lang.span(),
                format!("`[texts.{lang}]` is in a language `languages` does not list"),
                "not a declared language",
            )
            .help = Some(help);
        }
        for section in Section::ALL {
            let known = ids(ch, section);
            let Some(items) = text.sections.get(&section) else {
                continue;
            };
            for item in items.values() {
                if !known.contains(item.id.get_ref()) {
                    let known: Vec<String> = known.iter().cloned().collect();
                    ch.unknown(&item.id, section.what(), &known);
                } else if item.title.is_none() && item.text.is_none() {
                    ch.err(
                        "agreement::texts",
                        item.id.span(),
                        format!(
                            "`[texts.{lang}.{}.{}]` gives neither `{}` nor `text`",
                            section.key(),
                            item.id.get_ref(),
                            section.name_key()
                        ),
                        "empty",
                    );
                }
            }
        }
    }

    // Completeness, for each declared language other than the main text's.
    for tag in declared.iter().skip(1) {
        let lang = tag.get_ref().clone();
        let Some(text) = texts
            .iter()
            .find(|t| same_language(t.lang.get_ref(), &lang))
        else {
            ch.err(
                "agreement::texts",
                tag.span(),
                format!("`languages` lists `{lang}`, but the agreement has no `[texts.{lang}]`"),
                "no text in this language",
            )
            .help = Some(format!(
                "add `[texts.{lang}]` with the title, and `[texts.{lang}.clauses.<id>]` with each clause's title and text"
            ));
            continue;
        };
        if text.title.is_none() {
            ch.err(
                "agreement::texts",
                text.lang.span(),
                format!("`[texts.{lang}]` has no `title`"),
                "needs `title`",
            );
        }
        let clause_ids: Vec<String> = ch.a.clauses.keys().cloned().collect();
        for id in clause_ids {
            let given = text
                .sections
                .get(&Section::Clauses)
                .and_then(|c| c.get(&id));
            let lacks: Vec<&str> = [
                ("title", given.and_then(|g| g.title.as_ref()).is_none()),
                ("text", given.and_then(|g| g.text.as_ref()).is_none()),
            ]
            .into_iter()
            .filter_map(|(k, missing)| missing.then_some(k))
            .collect();
            if !lacks.is_empty() {
                let span = given.map_or(text.lang.span(), |g| g.id.span());
                ch.err(
                    "agreement::texts",
                    span,
                    format!(
                        "clause `{id}` has no {} in `{lang}`: every clause is in every language of `languages`",
                        lacks.join(" and ")
                    ),
                    format!("needs `[texts.{lang}.clauses.{id}]` {}", lacks.join(", ")),
                );
            }
        }
        for section in Section::ALL.into_iter().filter(|s| *s != Section::Clauses) {
            let wanted = named_ids(ch, section);
            let given = text.sections.get(&section);
            let missing: Vec<String> = wanted
                .into_iter()
                .filter(|(id, has_text)| {
                    let item = given.and_then(|g| g.get(id));
                    item.and_then(|i| i.title.as_ref()).is_none()
                        || (*has_text && item.and_then(|i| i.text.as_ref()).is_none())
                })
                .map(|(id, _)| id)
                .collect();
            if !missing.is_empty() {
                ch.warn(
                    "agreement::texts",
                    text.lang.span(),
                    format!(
                        "`[texts.{lang}.{}]` does not give the words of {}: they are shown in `{main}`",
                        section.key(),
                        missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
                    ),
                    "incomplete",
                );
            }
        }
    }
}

/// The ids the main text defines in a section.
fn ids(ch: &Checker<'_>, section: Section) -> BTreeSet<String> {
    named_ids(ch, section)
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

/// The things of a section that have words to translate, with whether
/// they have a text as well as a name (a zone without a title has none).
fn named_ids(ch: &Checker<'_>, section: Section) -> Vec<(String, bool)> {
    let a = &*ch.a;
    let keys = |m: Vec<&String>, has_text: bool| -> Vec<(String, bool)> {
        m.into_iter().map(|k| (k.clone(), has_text)).collect()
    };
    match section {
        Section::Clauses => keys(a.clauses.keys().collect(), true),
        Section::Zones => keys(
            a.zones
                .iter()
                .filter(|(_, z)| z.title.is_some())
                .map(|(k, _)| k)
                .collect(),
            false,
        ),
        Section::Phases => a
            .phases
            .iter()
            .map(|(k, p)| (k.clone(), !p.text.get_ref().is_empty()))
            .collect(),
        Section::Relief => a
            .relief
            .iter()
            .map(|(k, t)| (k.clone(), !t.text.get_ref().is_empty()))
            .collect(),
        Section::Guarantees => a
            .guarantees
            .iter()
            .map(|(k, g)| (k.clone(), !g.text.get_ref().is_empty()))
            .collect(),
        Section::Clocks => keys(a.clocks.keys().collect(), false),
        Section::Parties => keys(a.parties.keys().collect(), false),
        Section::Organisations => keys(a.organisations.keys().collect(), false),
        Section::WeaponClasses => keys(a.weapon_classes.keys().collect(), false),
    }
}
