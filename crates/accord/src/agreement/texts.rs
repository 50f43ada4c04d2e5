//! The agreement in several languages: its equally authentic texts.
//!
//! `languages = ["en", "uk", "ru"]` names them, the first being the
//! language of the main text (the titles and texts written where each
//! thing is defined); `[texts.uk]` gives the Ukrainian title, and
//! `[texts.uk.clauses.<id>]`, `[texts.uk.zones.<id>]`... the Ukrainian
//! title (a party's or organisation's `name`) and, where the main text has
//! one, `text` of each thing. All of it is in the canonical form, and so in
//! the hash: a word changed in any language is a different agreement.
//!
//! Everyone reads them through [`Agreement::text_in`], which falls back to
//! the main text for what a language does not give.

use std::collections::BTreeMap;

use super::model::Agreement;
use crate::diag::Sp;

/// The parts of an agreement whose words can be given in another language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Clauses,
    Zones,
    Phases,
    Relief,
    Guarantees,
    Clocks,
    Parties,
    Organisations,
    WeaponClasses,
}

impl Section {
    pub const ALL: [Section; 9] = [
        Section::Clauses,
        Section::Zones,
        Section::Phases,
        Section::Relief,
        Section::Guarantees,
        Section::Clocks,
        Section::Parties,
        Section::Organisations,
        Section::WeaponClasses,
    ];

    /// The table's key, as in the main text (`[texts.uk.<key>.<id>]`).
    pub fn key(self) -> &'static str {
        match self {
            Section::Clauses => "clauses",
            Section::Zones => "zones",
            Section::Phases => "phases",
            Section::Relief => "relief",
            Section::Guarantees => "guarantees",
            Section::Clocks => "clocks",
            Section::Parties => "parties",
            Section::Organisations => "organisations",
            Section::WeaponClasses => "weapon_classes",
        }
    }

    /// What a thing of this section is called by: `name` for parties and
    /// organisations, `title` for the rest.
    pub fn name_key(self) -> &'static str {
        match self {
            Section::Parties | Section::Organisations => "name",
            _ => "title",
        }
    }

    /// Whether its things have a `text` in the main text, and so in each
    /// language.
    pub fn has_text(self) -> bool {
        matches!(
            self,
            Section::Clauses | Section::Phases | Section::Relief | Section::Guarantees
        )
    }

    /// A thing of this section, in messages ("clause", "zone").
    pub fn what(self) -> &'static str {
        match self {
            Section::Clauses => "clause",
            Section::Zones => "zone",
            Section::Phases => "phase",
            Section::Relief => "tranche",
            Section::Guarantees => "guarantee",
            Section::Clocks => "clock",
            Section::Parties => "party",
            Section::Organisations => "organisation",
            Section::WeaponClasses => "weapon class",
        }
    }
}

/// One thing's words in another language.
#[derive(Clone, Debug)]
pub struct Translation {
    /// Its id, as the main text defines it (the span is the key's in
    /// `[texts.<lang>.<section>]`).
    pub id: Sp<String>,
    /// Its title (a party's or organisation's `name`).
    pub title: Option<Sp<String>>,
    pub text: Option<Sp<String>>,
}

/// The agreement's words in one language other than the main text's.
#[derive(Clone, Debug)]
pub struct LanguageText {
    /// The language, as `[texts.<lang>]` names it (the key's span).
    pub lang: Sp<String>,
    /// The whole table's span, for "missing" messages.
    pub span: std::ops::Range<usize>,
    pub title: Option<Sp<String>>,
    pub sections: BTreeMap<Section, BTreeMap<String, Translation>>,
}

impl LanguageText {
    fn get(&self, section: Section, id: &str) -> Option<&Translation> {
        self.sections.get(&section)?.get(id)
    }
}

/// Whether two language tags name the same language: "uk" is "uk-UA"'s
/// language, in any case.
pub fn same_language(a: &str, b: &str) -> bool {
    let primary = |s: &str| {
        s.split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    a.eq_ignore_ascii_case(b) || primary(a) == primary(b)
}

impl Agreement {
    /// The languages of the agreement's equally authentic texts, the main
    /// text's first: `languages` as written, else `[language]`, else
    /// `["en"]`.
    pub fn languages(&self) -> Vec<String> {
        if let Some(list) = &self.languages
            && !list.get_ref().is_empty()
        {
            return list.get_ref().iter().map(|l| l.get_ref().clone()).collect();
        }
        match &self.language {
            Some(l) => vec![l.get_ref().clone()],
            None => vec!["en".to_string()],
        }
    }

    /// The language of the main text.
    pub fn main_language(&self) -> String {
        self.languages().swap_remove(0)
    }

    /// The agreement's words in `lang` ("uk", "uk-UA"): the text in that
    /// language where it gives them, the main text's otherwise.
    pub fn text_in(&self, lang: &str) -> Texts<'_> {
        let main = same_language(&self.main_language(), lang);
        let text = if main {
            None
        } else {
            self.texts
                .values()
                .find(|t| same_language(t.lang.get_ref(), lang))
        };
        Texts {
            agreement: self,
            text,
            translated: main || text.is_some(),
        }
    }
}

/// The agreement's words in one language, falling back to the main text
/// (and, for an id the agreement does not have, to the id itself).
#[derive(Clone, Copy, Debug)]
pub struct Texts<'a> {
    agreement: &'a Agreement,
    text: Option<&'a LanguageText>,
    translated: bool,
}

impl<'a> Texts<'a> {
    /// Whether the agreement has a text in the language asked for (the
    /// main text's language counts); if not, every word is the main text's.
    pub fn is_translated(&self) -> bool {
        self.translated
    }

    /// The language these words are in where they are not the main text's
    /// (`None`: all the main text's).
    pub fn lang(&self) -> Option<&'a str> {
        self.text.map(|t| t.lang.get_ref().as_str())
    }

    fn given(&self, section: Section, id: &str) -> Option<&'a Translation> {
        self.text?.get(section, id)
    }

    fn title_of<'s>(&self, section: Section, id: &'s str, main: Option<&'a str>) -> &'s str
    where
        'a: 's,
    {
        self.given(section, id)
            .and_then(|t| t.title.as_ref())
            .map(|t| t.get_ref().as_str())
            .or(main)
            .unwrap_or(id)
    }

    fn text_of<'s>(&self, section: Section, id: &'s str, main: Option<&'a str>) -> &'s str
    where
        'a: 's,
    {
        self.given(section, id)
            .and_then(|t| t.text.as_ref())
            .map(|t| t.get_ref().as_str())
            .or(main)
            .unwrap_or("")
    }

    /// The agreement's title.
    pub fn title(&self) -> &'a str {
        self.text
            .and_then(|t| t.title.as_ref())
            .unwrap_or(&self.agreement.title)
            .get_ref()
    }

    pub fn clause_title<'s>(&self, id: &'s str) -> &'s str
    where
        'a: 's,
    {
        let main = self
            .agreement
            .clauses
            .get(id)
            .map(|c| c.title.get_ref().as_str());
        self.title_of(Section::Clauses, id, main)
    }

    /// The clause's text, what the parties signed ("" for an unknown id).
    pub fn clause_text<'s>(&self, id: &'s str) -> &'s str
    where
        'a: 's,
    {
        let main = self
            .agreement
            .clauses
            .get(id)
            .map(|c| c.text.get_ref().as_str());
        self.text_of(Section::Clauses, id, main)
    }

    pub fn zone_title<'s>(&self, id: &'s str) -> &'s str
    where
        'a: 's,
    {
        let main = self
            .agreement
            .zones
            .get(id)
            .and_then(|z| z.title.as_ref())
            .map(|t| t.get_ref().as_str());
        self.title_of(Section::Zones, id, main)
    }

    pub fn phase_title<'s>(&self, id: &'s str) -> &'s str
    where
        'a: 's,
    {
        let main = self
            .agreement
            .phases
            .get(id)
            .map(|p| p.title.get_ref().as_str());
        self.title_of(Section::Phases, id, main)
    }

    pub fn phase_text<'s>(&self, id: &'s str) -> &'s str
    where
        'a: 's,
    {
        let main = self
            .agreement
            .phases
            .get(id)
            .map(|p| p.text.get_ref().as_str());
        self.text_of(Section::Phases, id, main)
    }

    pub fn tranche_title<'s>(&self, id: &'s str) -> &'s str
    where
        'a: 's,
    {
        let main = self
            .agreement
            .relief
            .get(id)
            .map(|t| t.title.get_ref().as_str());
        self.title_of(Section::Relief, id, main)
    }

    pub fn tranche_text<'s>(&self, id: &'s str) -> &'s str
    where
        'a: 's,
    {
        let main = self
            .agreement
            .relief
            .get(id)
            .map(|t| t.text.get_ref().as_str());
        self.text_of(Section::Relief, id, main)
    }

    pub fn guarantee_title<'s>(&self, id: &'s str) -> &'s str
    where
        'a: 's,
    {
        let main = self
            .agreement
            .guarantees
            .get(id)
            .map(|g| g.title.get_ref().as_str());
        self.title_of(Section::Guarantees, id, main)
    }

    pub fn guarantee_text<'s>(&self, id: &'s str) -> &'s str
    where
        'a: 's,
    {
        let main = self
            .agreement
            .guarantees
            .get(id)
            .map(|g| g.text.get_ref().as_str());
        self.text_of(Section::Guarantees, id, main)
    }

    pub fn clock_title<'s>(&self, id: &'s str) -> &'s str
    where
        'a: 's,
    {
        let main = self
            .agreement
            .clocks
            .get(id)
            .map(|c| c.title.get_ref().as_str());
        self.title_of(Section::Clocks, id, main)
    }

    /// A party's name, or an organisation's (statements name both alike).
    pub fn party_name<'s>(&self, id: &'s str) -> &'s str
    where
        'a: 's,
    {
        if let Some(p) = self.agreement.parties.get(id) {
            return self.title_of(Section::Parties, id, Some(p.name.get_ref()));
        }
        let main = self
            .agreement
            .organisations
            .get(id)
            .map(|o| o.name.get_ref().as_str());
        self.title_of(Section::Organisations, id, main)
    }

    pub fn weapon_class_title<'s>(&self, id: &'s str) -> &'s str
    where
        'a: 's,
    {
        let main = self
            .agreement
            .weapon_classes
            .get(id)
            .map(|w| w.title.get_ref().as_str());
        self.title_of(Section::WeaponClasses, id, main)
    }
}
