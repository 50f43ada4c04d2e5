//! The status as people read it, in English, Ukrainian and Russian: the
//! same status says the same numbers in each, in the language's words and
//! with the agreement's own texts in that language.

use accord::evaluate::Verdict;
use accord_engine::text::{refused_entries_in, status, status_in, verdict_id};
use accord_example::{self as example, Script};
use accord_i18n::{Lang, Messages};
use serde_json::json;

const KRAMATORSK: (f64, f64) = (37.58, 48.74);

/// A short history: adoption, accreditation, the verification phase, 15
/// quiet days, an attack verified, two more days.
fn statuses() -> [String; 3] {
    let (a, h) = example::agreement();
    let mut s = Script::new(&a, h, "2026-03-01T00:00:00+02:00".parse().unwrap());
    s.adopt().ok();
    for org in ["MISSION", "JCCC_UA", "JCCC_RU"] {
        s.accredit(org, 1).ok();
    }
    s.patrol("MISSION/1", &["donetsk", "security_zone"]);
    s.wait_hours(1.0);
    s.certify("transition", "begin_verification", &["UA", "RU", "MISSION"])
        .ok();
    s.wait_hours(-1.0);
    s.days(15);
    s.wait_hours(2.0);
    s.observe(
        "MISSION/1",
        "ceasefire_violation",
        KRAMATORSK,
        json!({"events": [{"type": "explosion", "count": 1234, "weapon_class": "artillery_100mm"}]}),
        json!({"sensor": "uav", "evidence": [{"sha256": accord::statement::Digest::of(b"video"), "media_type": "video/mp4"}], "assessment": {"responsible": "RU", "confidence": "high"}}),
    )
    .ok();
    s.wait_hours(-2.0);
    s.days(2);
    let st = s.eval.status();
    Lang::ALL.map(|lang| status_in(&a, &st, lang))
}

/// Every number in a text, its grouping separators (",", no-break
/// spaces) dropped, sorted.
fn numbers(text: &str) -> Vec<u64> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for (i, c) in chars.iter().enumerate() {
        let grouping = matches!(c, ',' | '\u{a0}' | '\u{202f}')
            && !current.is_empty()
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit())
            && chars.get(i + 4).is_none_or(|n| !n.is_ascii_digit());
        if c.is_ascii_digit() {
            current.push(*c);
        } else if !grouping && !current.is_empty() {
            // Hashes and times are long runs of digits: keep what fits.
            out.push(current.parse().unwrap_or(u64::MAX));
            current.clear();
        }
    }
    if !current.is_empty() {
        out.push(current.parse().unwrap_or(u64::MAX));
    }
    out.sort_unstable();
    out
}

#[test]
fn the_same_status_says_the_same_numbers_in_three_languages() {
    let [en, uk, ru] = statuses();
    assert!(numbers(&en).len() > 20, "{en}");
    assert_eq!(numbers(&en), numbers(&uk), "\n{en}\n{uk}");
    assert_eq!(numbers(&en), numbers(&ru), "\n{en}\n{ru}");
    for text in [&en, &uk, &ru] {
        assert!(!text.contains('⟦'), "a message is missing:\n{text}");
        assert!(!text.contains("{$"), "an argument is missing:\n{text}");
    }
}

#[test]
fn the_ukrainian_status_is_in_ukrainian_with_the_agreements_ukrainian_text() {
    let [en, uk, ru] = statuses();
    for heading in [
        "ЕТАП",
        "ПОСЛАБЛЕННЯ САНКЦІЙ",
        "ГАРАНТІЇ",
        "ДОТРИМАННЯ",
        "ОХОПЛЕННЯ СПОСТЕРЕЖЕННЯМ",
    ] {
        assert!(uk.contains(heading), "{heading}:\n{uk}");
    }
    for english in [
        "PHASE",
        "RELIEF",
        "GUARANTEES",
        "COMPLIANCE",
        "COVERAGE",
        "Comprehensive ceasefire",
        "Russian Federation",
    ] {
        assert!(en.contains(english), "{english}:\n{en}");
        assert!(
            !uk.contains(english),
            "{english} in the Ukrainian status:\n{uk}"
        );
        assert!(
            !ru.contains(english),
            "{english} in the Russian status:\n{ru}"
        );
    }
    assert!(uk.starts_with("Рамкова угода про припинення вогню"), "{uk}");
    assert!(
        uk.contains("Всеосяжне припинення вогню (ceasefire)"),
        "{uk}"
    );
    assert!(uk.contains("Російська Федерація: "), "{uk}");
    assert!(uk.contains("Перевірка (verification) з "), "{uk}");
    assert!(uk.contains("підтверджене порушення в 1 періоді"), "{uk}");
    assert!(
        ru.starts_with("Рамочное соглашение о прекращении огня"),
        "{ru}"
    );
    assert!(
        ru.contains("Всеобъемлющее прекращение огня (ceasefire)"),
        "{ru}"
    );
    assert!(ru.contains("Российская Федерация: "), "{ru}");
    assert!(ru.contains("ЭТАП"), "{ru}");
}

#[test]
fn english_is_the_default_and_says_what_it_said() {
    let [en, _, _] = statuses();
    let (a, h) = example::agreement();
    let _ = h;
    assert!(en.starts_with(a.title.get_ref()), "{en}");
    assert!(en.contains("Verification (verification) since"), "{en}");
    assert!(
        en.contains("a verified breach in 1 period, the last ending"),
        "{en}"
    );
    // The verdicts in the common messages are the domain's own words.
    let m = Messages::get(Lang::En);
    for v in Verdict::ALL {
        assert_eq!(m.plain(verdict_id(v)), v.words(), "{v:?}");
    }
    let empty = accord::evaluate::Status::default();
    assert_eq!(status(&a, &empty), status_in(&a, &empty, Lang::En));
    assert_eq!(refused_entries_in(&[], 0, Lang::Uk), "");
}
