//! Known renderings: plurals by Fluent under the CLDR rules, numbers and
//! dates by ICU4X, written here as a reader of each language expects them.

use accord_i18n::{Args, Lang, Messages};

fn count(lang: Lang, id: &str, n: i64) -> String {
    Messages::get(lang).text(id, &Args::new().num("count", n))
}

#[test]
fn ukrainian_plurals_have_one_few_many() {
    let cases = [
        (1, "1 порушення"),
        (2, "2 порушення"),
        (4, "4 порушення"),
        (5, "5 порушень"),
        (11, "11 порушень"),
        (21, "21 порушення"),
        (22, "22 порушення"),
        (25, "25 порушень"),
        (111, "111 порушень"),
        (0, "0 порушень"),
    ];
    for (n, expected) in cases {
        assert_eq!(count(Lang::Uk, "common-violations", n), expected);
    }
}

#[test]
fn russian_plurals_have_one_few_many() {
    let cases = [
        (1, "1 нарушение"),
        (3, "3 нарушения"),
        (5, "5 нарушений"),
        (12, "12 нарушений"),
        (21, "21 нарушение"),
        (23, "23 нарушения"),
        (0, "0 нарушений"),
    ];
    for (n, expected) in cases {
        assert_eq!(count(Lang::Ru, "common-violations", n), expected);
    }
}

#[test]
fn english_plurals_have_one_and_other() {
    assert_eq!(count(Lang::En, "common-violations", 1), "1 violation");
    assert_eq!(count(Lang::En, "common-violations", 0), "0 violations");
    assert_eq!(count(Lang::En, "common-violations", 2), "2 violations");
}

#[test]
fn numbers_in_messages_are_grouped_per_language() {
    assert_eq!(
        count(Lang::En, "common-violations", 1234),
        "1,234 violations"
    );
    // CLDR: a no-break space groups digits in Ukrainian and Russian.
    assert_eq!(
        count(Lang::Uk, "common-violations", 1234),
        "1\u{a0}234 порушення"
    );
    assert_eq!(
        count(Lang::Ru, "common-violations", 12345),
        "12\u{a0}345 нарушений"
    );
}

#[test]
fn numbers_and_decimals() {
    let en = Messages::get(Lang::En);
    let uk = Messages::get(Lang::Uk);
    let ru = Messages::get(Lang::Ru);
    assert_eq!(en.number(1_234_567), "1,234,567");
    assert_eq!(uk.number(1_234_567), "1\u{a0}234\u{a0}567");
    assert_eq!(ru.number(-42), "-42");
    assert_eq!(en.number(999), "999");
    assert_eq!(en.decimal(12.345, 1), "12.3");
    assert_eq!(uk.decimal(12.5, 2), "12,50");
    assert_eq!(ru.decimal(1234.5, 1), "1\u{a0}234,5");
    assert_eq!(en.decimal(3.0, 0), "3");
}

#[test]
fn dates_written_out() {
    // CLDR puts a narrow no-break space before the year's abbreviation.
    let d = jiff::civil::date(2026, 12, 7);
    assert_eq!(Messages::get(Lang::En).date(d), "7 December 2026");
    assert_eq!(Messages::get(Lang::Uk).date(d), "7 грудня 2026\u{202f}р.");
    assert_eq!(Messages::get(Lang::Ru).date(d), "7 декабря 2026\u{202f}г.");
    let march = jiff::civil::date(2025, 3, 1);
    assert_eq!(
        Messages::get(Lang::Uk).date(march),
        "1 березня 2025\u{202f}р."
    );
    assert_eq!(
        Messages::get(Lang::Ru).date(march),
        "1 марта 2025\u{202f}г."
    );
}

#[test]
fn dates_in_figures() {
    let d = jiff::civil::date(2026, 12, 7);
    assert_eq!(Messages::get(Lang::En).date_short(d), "07/12/2026");
    assert_eq!(Messages::get(Lang::Uk).date_short(d), "07.12.2026");
    assert_eq!(Messages::get(Lang::Ru).date_short(d), "07.12.2026");
}

#[test]
fn times_with_their_zone() {
    let t: jiff::ZonedDateTime = "2026-12-07T19:30[Europe/Kyiv]".parse().unwrap();
    for lang in Lang::ALL {
        assert_eq!(Messages::get(lang).time(&t), "19:30 EET");
    }
    let summer: jiff::ZonedDateTime = "2026-07-07T19:30[Europe/Kyiv]".parse().unwrap();
    assert_eq!(Messages::get(Lang::Uk).time(&summer), "19:30 EEST");
}

#[test]
fn languages_parse_from_codes_and_locales() {
    for lang in Lang::ALL {
        assert_eq!(lang.code().parse::<Lang>().unwrap(), lang);
        assert_eq!(lang.to_string(), lang.code());
    }
    assert_eq!("uk_UA.UTF-8".parse::<Lang>().unwrap(), Lang::Uk);
    assert_eq!("RU-ru".parse::<Lang>().unwrap(), Lang::Ru);
    assert_eq!("en-GB".parse::<Lang>().unwrap(), Lang::En);
    // In JSON (a report's model names its language) as its code.
    assert_eq!(serde_json::to_string(&Lang::Uk).unwrap(), "\"uk\"");
    assert_eq!(serde_json::from_str::<Lang>("\"ru\"").unwrap(), Lang::Ru);
    let error = "de".parse::<Lang>().unwrap_err();
    assert!(error.to_string().contains("\"de\""), "{error}");
    assert!("".parse::<Lang>().is_err());
}

#[test]
fn messages_are_built_once_per_language() {
    assert!(std::ptr::eq(
        Messages::get(Lang::Uk),
        Messages::get(Lang::Uk)
    ));
    assert_eq!(Messages::get(Lang::Ru).lang(), Lang::Ru);
    let handles: Vec<_> = (0..4)
        .map(|_| std::thread::spawn(|| Messages::get(Lang::Uk).number(1000)))
        .collect();
    for handle in handles {
        assert_eq!(handle.join().unwrap(), "1\u{a0}000");
    }
}

#[test]
fn other_counted_words_decline_too() {
    assert_eq!(count(Lang::Uk, "common-entries", 2), "2 записи");
    assert_eq!(count(Lang::Uk, "common-entries", 5), "5 записів");
    assert_eq!(count(Lang::Ru, "common-entries", 1), "1 запись");
    assert_eq!(count(Lang::Ru, "common-days", 22), "22 дня");
    assert_eq!(count(Lang::Ru, "common-days", 25), "25 дней");
    assert_eq!(count(Lang::En, "common-days", 1), "1 day");
}

#[test]
fn text_arguments_and_decimals_in_messages() {
    let uk = Messages::get(Lang::Uk);
    assert_eq!(
        uk.text("common-entry", &Args::new().num("index", 1200)),
        "запис 1\u{a0}200"
    );
    // An argument not given shows, rather than vanishing.
    assert!(uk.plain("common-entry").contains("index"));
}
