//! The agreement in several languages: `languages` and `[texts.<lang>]`
//! check clean when complete, are in the hash only when written, and are
//! read through `Agreement::text_in`, which falls back to the main text.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests read fixtures; the rule is for the library (see crates/accord/clippy.toml)"
)]

use std::path::{Path, PathBuf};

use accord::agreement::{self, Checked};
use accord::diag::render_plain;
use accord_engine::files::DirLoader;

fn base_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/agreements/base")
}

fn base() -> String {
    std::fs::read_to_string(base_dir().join("agreement.toml")).unwrap()
}

/// The base agreement with a complete Ukrainian text: the one of the
/// broken corpus's file 81, with the clause's text put back.
fn bilingual() -> String {
    let broken =
        std::fs::read_to_string(base_dir().join("../broken/80-texts-unknown-clause.toml")).unwrap();
    broken
        .replace(
            "[texts.uk.clauses.ceasfire]",
            "[texts.uk.clauses.ceasefire]",
        )
        .replace("../base/zones/", "zones/")
}

fn check(text: &str) -> Checked {
    agreement::check("agreement.toml", text, &DirLoader { dir: base_dir() })
}

fn clean(text: &str) -> Checked {
    let c = check(text);
    assert!(
        c.diags.0.is_empty(),
        "{}",
        render_plain(&c.diags, &c.sources, 100)
    );
    c
}

#[test]
fn a_complete_text_checks_clean_and_is_in_the_hash() {
    let one = clean(&base());
    let two = clean(&bilingual());
    assert_ne!(one.hash, two.hash, "the Ukrainian text is in the hash");

    let plain = agreement::canonical::canonical_json(one.agreement.as_ref().unwrap());
    assert!(!plain.contains("\"languages\""), "{plain}");
    assert!(!plain.contains("\"texts\""), "{plain}");
    let both = agreement::canonical::canonical_json(two.agreement.as_ref().unwrap());
    assert!(both.contains("\"languages\":[\"en\",\"uk\"]"), "{both}");
    assert!(both.contains("Припинення вогню"), "{both}");

    // An empty table adds nothing (the clock's title missing is a
    // warning: the hash is given).
    let clock = "[texts.uk.clocks.quiet_days]\ntitle = \"Дні поспіль без підтвердженого порушення режиму припинення вогню\"\n";
    assert!(bilingual().contains(clock));
    let without = check(&bilingual().replace(clock, ""));
    let empty = check(&bilingual().replace(clock, "[texts.uk.clocks]\n"));
    assert!(without.hash.is_some());
    assert_eq!(without.hash, empty.hash);
    // A word changed in the Ukrainian text is another agreement.
    let changed = clean(&bilingual().replace("припиняє всі бойові дії", "припиняє бойові дії"));
    assert_ne!(changed.hash, two.hash);
    // A party's name in Ukrainian too.
    let renamed = clean(&bilingual().replace("name = \"Україна\"", "name = \"Україна (держава)\""));
    assert_ne!(renamed.hash, two.hash);
}

#[test]
fn text_in_gives_each_language_and_falls_back_to_the_main_text() {
    let a = clean(&bilingual()).agreement.unwrap();
    assert_eq!(a.languages(), ["en", "uk"]);
    assert_eq!(a.main_language(), "en");

    let uk = a.text_in("uk");
    assert!(uk.is_translated());
    assert_eq!(uk.lang(), Some("uk"));
    assert_eq!(
        uk.title(),
        "Тестова угода: припинення вогню, відведення і пункт пропуску"
    );
    assert_eq!(uk.clause_title("ceasefire"), "Припинення вогню");
    assert_eq!(
        uk.clause_text("ceasefire"),
        "З дня D кожна сторона припиняє всі бойові дії."
    );
    assert_eq!(uk.zone_title("kharkiv"), "Харківська область");
    assert_eq!(uk.phase_title("verification"), "Перевірка");
    assert_eq!(
        uk.tranche_title("us_tranche"),
        "Зупинення дії секторальних санкцій Сполучених Штатів"
    );
    assert_eq!(
        uk.guarantee_title("security"),
        "Гарантія безпеки для України"
    );
    assert_eq!(uk.party_name("RU"), "Російська Федерація");
    assert_eq!(uk.party_name("MISSION"), "Міжнародна моніторингова місія");
    assert_eq!(
        uk.weapon_class_title("mlrs"),
        "Реактивні системи залпового вогню"
    );
    assert_eq!(
        uk.clock_title("quiet_days"),
        "Дні поспіль без підтвердженого порушення режиму припинення вогню"
    );
    // A region or variant of the language is the language.
    assert_eq!(
        a.text_in("uk-UA").clause_title("ceasefire"),
        "Припинення вогню"
    );

    let en = a.text_in("en");
    assert!(en.is_translated());
    assert_eq!(en.lang(), None);
    assert_eq!(en.clause_title("ceasefire"), "Ceasefire");

    // No Russian text: the main text's words, and it says so.
    let ru = a.text_in("ru");
    assert!(!ru.is_translated());
    assert_eq!(
        ru.clause_title("heavy_weapons"),
        "Withdrawal of heavy weapons"
    );
    assert_eq!(ru.party_name("UA"), "Ukraine");

    // An id the agreement lacks is shown as it is.
    assert_eq!(uk.clause_title("no_such_clause"), "no_such_clause");
    assert_eq!(uk.clause_text("no_such_clause"), "");
    assert_eq!(uk.party_name("nobody"), "nobody");
}

#[test]
fn an_agreement_in_one_language_says_so() {
    let a = clean(&base()).agreement.unwrap();
    assert_eq!(a.languages(), ["en"], "`language = \"en\"`");
    let without = base().replace("language = \"en\"\n", "");
    let a = clean(&without).agreement.unwrap();
    assert_eq!(a.languages(), ["en"], "English when nothing is written");
    assert!(!a.text_in("uk").is_translated());
    assert_eq!(a.text_in("uk").title(), a.title.get_ref());
}

#[test]
fn mistakes_in_texts_are_errors_where_they_are() {
    let cases = [
        // A text in the main text's own language.
        (
            bilingual().replace("[texts.uk", "[texts.en"),
            "`[texts.en]` is the main text's language",
        ),
        // A key a translation does not have.
        (
            bilingual().replace(
                "[texts.uk.zones.kharkiv]\ntitle",
                "[texts.uk.zones.kharkiv]\ntext",
            ),
            "unknown key `text` in [texts.uk.zones.kharkiv]",
        ),
        // An empty translation.
        (
            bilingual().replace(
                "[texts.uk.zones.kharkiv]\ntitle = \"Харківська область\"\n",
                "[texts.uk.zones.kharkiv]\n",
            ),
            "gives neither `title` nor `text`",
        ),
        // Twice the same language.
        (
            bilingual().replace(
                "languages = [\"en\", \"uk\"]",
                "languages = [\"en\", \"uk\", \"uk-UA\"]",
            ),
            "listed twice",
        ),
        // No title in a declared language.
        (
            bilingual().replace(
                "title = \"Тестова угода: припинення вогню, відведення і пункт пропуску\"\n",
                "",
            ),
            "`[texts.uk]` has no `title`",
        ),
    ];
    for (text, expected) in cases {
        let c = check(&text);
        let rendered = render_plain(&c.diags, &c.sources, 100);
        assert!(
            c.hash.is_none(),
            "expected an error: {expected}\n{rendered}"
        );
        assert!(
            rendered.contains(expected),
            "expected {expected:?} in\n{rendered}"
        );
    }
}

#[test]
fn the_example_without_its_translations_keeps_the_hash_it_had() {
    // The hash of examples/ukraine-2025 before its Ukrainian and Russian
    // texts: an agreement that does not write `languages` and `[texts]`
    // means what it meant before they existed.
    const BEFORE: &str = "sha256:38b0b78f7075d0772b4c3a4d9a41843530aa41d5558ba22ad1f70bbc00d2903c";
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/ukraine-2025");
    let text = std::fs::read_to_string(dir.join("agreement.toml")).unwrap();
    let main = text
        .find("\n# --- The Ukrainian text")
        .expect("the Ukrainian text");
    let english = text[..main].replace("languages = [\"en\", \"uk\", \"ru\"]\n", "") + "\n";
    let c = agreement::check("agreement.toml", &english, &DirLoader { dir: dir.clone() });
    assert_eq!(
        c.hash.unwrap().to_string(),
        BEFORE,
        "{}",
        render_plain(&c.diags, &c.sources, 100)
    );
    let c = agreement::check("agreement.toml", &text, &DirLoader { dir });
    assert_ne!(c.hash.unwrap().to_string(), BEFORE);
}
