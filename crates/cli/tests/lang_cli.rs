//! `--lang` (and `ACCORD_LANG`) on `status`, `demo` and `report`: the
//! human output in English, Ukrainian or Russian, with the agreement's own
//! texts in that language, and the same numbers in each.

mod common;

use common::{accord, accord_with_env, fails, text};

use std::path::Path;

/// Runs the demo (no real events, 100 days) in `lang`; what it printed.
fn demo(dir: &Path, lang: &str) -> String {
    let o = accord(
        &[
            "demo",
            "--dir",
            "d",
            "--no-events",
            "--days",
            "100",
            "--lang",
            lang,
        ],
        dir,
    );
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8(o.stdout).unwrap()
}

fn status(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut all = vec![
        "status",
        "--agreement",
        "d/agreement/agreement.toml",
        "d/log",
    ];
    all.extend_from_slice(args);
    let o = accord_with_env(&all, dir, env);
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8(o.stdout).unwrap()
}

/// Every number, grouping separators dropped, sorted.
fn numbers(text: &str) -> Vec<String> {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c == '\u{a0}' || c == '\u{202f}' {
                ' '
            } else {
                c
            }
        })
        .collect();
    let mut out: Vec<String> = cleaned
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    out.sort();
    out
}

#[test]
fn status_in_ukrainian_and_russian_on_the_demo() {
    let tmp = tempfile::tempdir().unwrap();
    demo(tmp.path(), "en");
    let en = status(tmp.path(), &[], &[]);
    let uk = status(tmp.path(), &["--lang", "uk"], &[]);
    let ru = status(tmp.path(), &["--lang", "ru"], &[]);

    assert!(
        en.contains("PHASE") && en.contains("Comprehensive ceasefire (ceasefire)"),
        "{en}"
    );
    // Ukrainian words, and the agreement's Ukrainian text.
    for words in [
        "Рамкова угода про припинення вогню",
        "ЕТАП",
        "ГАРАНТІЇ",
        "ДОТРИМАННЯ за останній завершений період",
        "Всеосяжне припинення вогню (ceasefire)",
        "Відмова від збройного нападу (no_armed_attack)",
        "Російська Федерація: ",
        "САНКЦІЇ ВІДНОВЛЕНО",
    ] {
        assert!(uk.contains(words), "{words}:\n{uk}");
    }
    for words in [
        "Рамочное соглашение о прекращении огня",
        "ЭТАП",
        "Всеобъемлющее прекращение огня (ceasefire)",
        "Российская Федерация: ",
        "САНКЦИИ ВОССТАНОВЛЕНЫ",
    ] {
        assert!(ru.contains(words), "{words}:\n{ru}");
    }
    for english in [
        "PHASE",
        "GUARANTEES",
        "Comprehensive ceasefire",
        "SNAPPED BACK",
    ] {
        assert!(!uk.contains(english), "{english}:\n{uk}");
        assert!(!ru.contains(english), "{english}:\n{ru}");
    }
    // The same status: the same numbers (entries, counts, dates, times).
    assert!(numbers(&en).len() > 50, "{en}");
    assert_eq!(numbers(&en), numbers(&uk), "\n{en}\n{uk}");
    assert_eq!(numbers(&en), numbers(&ru), "\n{en}\n{ru}");

    // ACCORD_LANG is the default; --lang wins over it.
    assert_eq!(status(tmp.path(), &[], &[("ACCORD_LANG", "uk")]), uk);
    assert_eq!(
        status(tmp.path(), &["--lang", "ru"], &[("ACCORD_LANG", "uk")]),
        ru
    );
    assert_eq!(
        status(tmp.path(), &[], &[("ACCORD_LANG", "uk_UA.UTF-8")]),
        uk
    );
    // The machine's output is the same in every language.
    assert_eq!(
        status(tmp.path(), &["--json"], &[]),
        status(tmp.path(), &["--json", "--lang", "uk"], &[])
    );
}

#[test]
fn the_demo_speaks_the_language_asked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let uk = demo(tmp.path(), "uk");
    for words in [
        "accord demo: вбудований приклад, Рамкова угода про припинення вогню",
        "1. Запис історії",
        "запис     0  ЗМОДЕЛЬОВАНО  ухвалення, підписане Україною та Російською Федерацією (день D)",
        "після 15 днів тиші",
        "2. Запис до журналу прозорості",
        "Де дивитися:",
    ] {
        assert!(uk.contains(words), "{words}:\n{uk}");
    }
    // The scripted full days say what each entry is in Ukrainian too, and
    // no message is missing.
    assert!(
        uk.contains("Місія відвідує місце зберігання в Павлограді: відсутні"),
        "{uk}"
    );
    assert!(!uk.contains("Mission"), "English left in:\n{uk}");
    assert!(!uk.contains("cli-demo-h-") && !uk.contains('⟦'), "{uk}");
    // The audit shows the status in Ukrainian too.
    assert!(
        uk.contains("ДОТРИМАННЯ за останній завершений період"),
        "{uk}"
    );
    // Ids and state names stay as the status's JSON has them.
    assert!(uk.contains("us_tranche_1 snapped_back"), "{uk}");
    let ru = demo(tmp.path(), "ru");
    assert!(ru.contains("1. Запись истории"), "{ru}");
    assert!(ru.contains("СМОДЕЛИРОВАНО"), "{ru}");
    assert!(ru.contains("пункт пропуска «Торецк» закрыт"), "{ru}");
    assert!(!ru.contains("Mission") && !ru.contains('⟦'), "{ru}");
    let en = demo(tmp.path(), "en");
    assert!(en.contains("1. Writing the history"), "{en}");
    assert!(
        en.contains("SIMULATED  adoption, signed by Ukraine"),
        "{en}"
    );
    assert!(en.contains("the Toretsk crossing is closed"), "{en}");
    // The same story in each language: the same entries.
    let entries = |s: &str| {
        s.lines()
            .filter_map(|l| {
                let l = l.trim_start();
                ["entry ", "запис ", "запись "]
                    .iter()
                    .find_map(|w| l.strip_prefix(w))
            })
            .map(|l| l.split_whitespace().next().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert!(entries(&en).len() > 10, "{en}");
    assert_eq!(entries(&en), entries(&uk));
    assert_eq!(entries(&en), entries(&ru));
}

#[test]
fn an_unknown_language_is_refused_with_the_languages_known() {
    let tmp = tempfile::tempdir().unwrap();
    let err = fails(
        &["status", "--agreement", "a.toml", "log", "--lang", "de"],
        tmp.path(),
    );
    assert!(
        err.contains("unknown language \"de\": accord speaks en, uk and ru"),
        "{err}"
    );
    let err = fails(
        &[
            "report",
            "--agreement",
            "a.toml",
            "log",
            "--day",
            "2026-01-01",
            "--lang",
            "fr",
        ],
        tmp.path(),
    );
    assert!(err.contains("unknown language \"fr\""), "{err}");
}
