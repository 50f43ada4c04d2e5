//! accord's words in English, Ukrainian and Russian.
//!
//! One set of message files ([Project Fluent](https://projectfluent.org)),
//! `locales/<lang>/<domain>.ftl`, embedded in the binary; one [`Messages`]
//! per language, built once and shared between threads. Plurals are
//! Fluent's (CLDR rules: Ukrainian and Russian have one, few, many and
//! other); numbers and dates are ICU4X's, from its compiled CLDR data, so
//! that "1 234", "7 грудня 2026 р." and "7 декабря 2026 г." are what the
//! CLDR says and not a guess of ours.
//!
//! ```
//! use accord_i18n::{Args, Lang, Messages};
//! let uk = Messages::get(Lang::Uk);
//! assert_eq!(uk.text("common-violations", &Args::new().num("count", 5)), "5 порушень");
//! ```
//!
//! A message id that does not exist renders as `⟦id⟧`, visibly, rather
//! than failing: a report with one word missing is still a report. The
//! tests forbid it (every id used must exist in every language).

// A library does not print: it returns what it has to say.
#![deny(clippy::print_stdout, clippy::print_stderr)]

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::types::FluentNumber;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use icu_calendar::Gregorian;
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::YMD;
use icu_datetime::input::Date;
use icu_datetime::options::YearStyle;
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale_core::Locale;

/// A language accord speaks. The order is the order of [`Lang::ALL`]:
/// English (the language the agreement format and the code are written
/// in), then the parties' languages.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Uk,
    Ru,
}

impl Lang {
    /// Every language, in a fixed order.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Uk, Lang::Ru];

    /// The BCP 47 code: "en", "uk", "ru".
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Uk => "uk",
            Lang::Ru => "ru",
        }
    }

    /// The language's name in itself: "English", "Українська", "Русский".
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Uk => "Українська",
            Lang::Ru => "Русский",
        }
    }

    /// The locale for ICU4X. English is British English: the SMM wrote
    /// "7 December 2026", day before month, as the continent does.
    fn icu_locale(self) -> Locale {
        let tag = match self {
            Lang::En => "en-GB",
            Lang::Uk => "uk",
            Lang::Ru => "ru",
        };
        Locale::try_from_str(tag).expect("a valid locale tag")
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A language code accord does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {given:?}: accord speaks en, uk and ru")]
pub struct UnknownLang {
    pub given: String,
}

impl FromStr for Lang {
    type Err = UnknownLang;

    /// "en", "uk", "ru", in any case; a region ("uk-UA", "en_GB") or an
    /// encoding ("uk_UA.UTF-8", as in `LANG`) is ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let primary = s
            .split(['-', '_', '.', '@'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Ok(Lang::En),
            "uk" => Ok(Lang::Uk),
            "ru" => Ok(Lang::Ru),
            _ => Err(UnknownLang {
                given: s.to_owned(),
            }),
        }
    }
}

/// The message files, by language and domain. Domains: `common` (words
/// everyone uses), `status` (the status as people read it), `cli` (the
/// command line's own words), `report` (the daily report), `dashboard`.
pub const DOMAINS: [&str; 5] = ["common", "status", "cli", "report", "dashboard"];

macro_rules! ftl {
    ($lang:literal) => {
        [
            (
                "common",
                include_str!(concat!("../locales/", $lang, "/common.ftl")),
            ),
            (
                "status",
                include_str!(concat!("../locales/", $lang, "/status.ftl")),
            ),
            (
                "cli",
                include_str!(concat!("../locales/", $lang, "/cli.ftl")),
            ),
            (
                "report",
                include_str!(concat!("../locales/", $lang, "/report.ftl")),
            ),
            (
                "dashboard",
                include_str!(concat!("../locales/", $lang, "/dashboard.ftl")),
            ),
        ]
    };
}

/// The embedded message files of a language: (domain, source).
pub fn sources(lang: Lang) -> [(&'static str, &'static str); 5] {
    match lang {
        Lang::En => ftl!("en"),
        Lang::Uk => ftl!("uk"),
        Lang::Ru => ftl!("ru"),
    }
}

/// Arguments of a message: `Args::new().str("name", s).num("count", n)`.
/// A number chooses the plural form (`{ $count -> [one] ... *[other] ... }`)
/// and is shown with the language's digit grouping.
#[derive(Default)]
pub struct Args {
    inner: FluentArgs<'static>,
}

impl Args {
    pub fn new() -> Self {
        Args::default()
    }

    /// A text argument, shown as it is.
    pub fn str(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.inner
            .set(name, FluentValue::String(Cow::Owned(value.into())));
        self
    }

    /// A whole number: chooses the plural form, shown grouped ("1 234").
    pub fn num(mut self, name: &'static str, value: i64) -> Self {
        // Fluent keeps numbers as f64; counts in accord are far below 2^53.
        self.inner.set(name, FluentValue::from(value as f64));
        self
    }

    /// A decimal with exactly `digits` digits after the separator
    /// ("12,5" in Ukrainian and Russian).
    pub fn dec(mut self, name: &'static str, value: f64, digits: u8) -> Self {
        let mut number = FluentNumber::new(value, Default::default());
        number.options.minimum_fraction_digits = Some(digits.into());
        number.options.maximum_fraction_digits = Some(digits.into());
        self.inner.set(name, FluentValue::Number(number));
        self
    }
}

/// A language's messages and formatters. `Send + Sync`: one per language,
/// built once ([`Messages::get`]) and shared.
pub struct Messages {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
    formats: &'static Formats,
}

/// ICU4X's formatters for one language.
struct Formats {
    decimal: DecimalFormatter,
    date_long: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
    date_short: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
}

impl Formats {
    fn new(lang: Lang) -> Formats {
        let locale = lang.icu_locale();
        // Compiled data for these three locales is in the binary: these
        // cannot fail but by a bug in ICU4X's data.
        Formats {
            decimal: DecimalFormatter::try_new(locale.clone().into(), Default::default())
                .expect("ICU4X compiled decimal data"),
            date_long: FixedCalendarDateTimeFormatter::try_new(locale.clone().into(), YMD::long())
                .expect("ICU4X compiled date data"),
            // The full year: "07.12.26" would be ambiguous in a record kept
            // for decades.
            date_short: FixedCalendarDateTimeFormatter::try_new(
                locale.into(),
                YMD::short().with_year_style(YearStyle::Full),
            )
            .expect("ICU4X compiled date data"),
        }
    }

    fn get(lang: Lang) -> &'static Formats {
        static FORMATS: [OnceLock<Formats>; 3] =
            [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        FORMATS[lang as usize].get_or_init(|| Formats::new(lang))
    }

    fn number(&self, value: f64, digits: Option<usize>) -> String {
        let Some(mut decimal) = to_decimal(value, digits) else {
            // NaN or infinite: nothing to group.
            return value.to_string();
        };
        if let Some(digits) = digits {
            let position = -(digits.min(15) as i16);
            decimal.round(position);
            decimal.absolute.pad_end(position);
        }
        self.decimal.format(&decimal).to_string()
    }
}

fn to_decimal(value: f64, digits: Option<usize>) -> Option<Decimal> {
    use icu_decimal::input::FloatPrecision;
    if value.fract() == 0.0 && value.abs() < 9.0e15 && digits.is_none() {
        return Some(Decimal::from(value as i64));
    }
    Decimal::try_from_f64(value, FloatPrecision::RoundTrip).ok()
}

fn format_en(
    value: &FluentValue<'_>,
    _: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    format_value(Lang::En, value)
}
fn format_uk(
    value: &FluentValue<'_>,
    _: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    format_value(Lang::Uk, value)
}
fn format_ru(
    value: &FluentValue<'_>,
    _: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    format_value(Lang::Ru, value)
}

/// Numbers inside messages are formatted by ICU4X, as [`Messages::number`]
/// does; everything else as Fluent does.
fn format_value(lang: Lang, value: &FluentValue<'_>) -> Option<String> {
    match value {
        FluentValue::Number(n) => {
            Some(Formats::get(lang).number(n.value, n.options.minimum_fraction_digits))
        }
        _ => None,
    }
}

impl Messages {
    /// The messages of a language, built on first use.
    pub fn get(lang: Lang) -> &'static Messages {
        static MESSAGES: [OnceLock<Messages>; 3] =
            [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        MESSAGES[lang as usize].get_or_init(|| Messages::build(lang))
    }

    fn build(lang: Lang) -> Messages {
        let langid: unic_langid::LanguageIdentifier =
            lang.code().parse().expect("a valid language identifier");
        let mut bundle = FluentBundle::new_concurrent(vec![langid]);
        // Output is left-to-right text: terminals, Markdown, HTML. Fluent's
        // isolation marks (U+2068, U+2069) would show as boxes in some of
        // them and break copying a number out of a sentence.
        bundle.set_use_isolating(false);
        bundle.set_formatter(Some(match lang {
            Lang::En => format_en,
            Lang::Uk => format_uk,
            Lang::Ru => format_ru,
        }));
        for (domain, source) in sources(lang) {
            // The files are ours and tested (`tests/messages.rs`): a syntax
            // error or a duplicate id is a bug caught before release.
            let resource =
                FluentResource::try_new(source.to_owned()).unwrap_or_else(|(_, errors)| {
                    panic!("locales/{lang}/{domain}.ftl does not parse: {errors:?}")
                });
            bundle
                .add_resource(resource)
                .unwrap_or_else(|errors| panic!("locales/{lang}/{domain}.ftl: {errors:?}"));
        }
        Messages {
            lang,
            bundle,
            formats: Formats::get(lang),
        }
    }

    /// The language of these messages.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Whether the message exists.
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }

    /// The message `id` with its arguments; `⟦id⟧` if there is no such
    /// message. An attribute is named `id.attribute`.
    pub fn text(&self, id: &str, args: &Args) -> String {
        self.render(id, Some(&args.inner))
    }

    /// The message `id`, which takes no arguments.
    pub fn plain(&self, id: &str) -> String {
        self.render(id, None)
    }

    fn render(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        let (message_id, attribute) = match id.split_once('.') {
            Some((message, attribute)) => (message, Some(attribute)),
            None => (id, None),
        };
        let Some(message) = self.bundle.get_message(message_id) else {
            return missing(id);
        };
        let pattern = match attribute {
            Some(attribute) => message.get_attribute(attribute).map(|a| a.value()),
            None => message.value(),
        };
        let Some(pattern) = pattern else {
            return missing(id);
        };
        // Errors (an argument not given) leave `{$name}` in the text, where
        // it shows; the tests check that every message's arguments are
        // given where it is used.
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }

    /// A whole number with the language's grouping: "1,234", "1 234".
    pub fn number(&self, n: i64) -> String {
        self.formats.decimal.format(&Decimal::from(n)).to_string()
    }

    /// A decimal with exactly `digits` digits after the separator:
    /// "12.5", "12,5".
    pub fn decimal(&self, x: f64, digits: u8) -> String {
        self.formats.number(x, Some(digits.into()))
    }

    /// A date written out: "7 December 2026", "7 грудня 2026 р.",
    /// "7 декабря 2026 г.".
    pub fn date(&self, d: jiff::civil::Date) -> String {
        match gregorian(d) {
            Some(date) => self.formats.date_long.format(&date).to_string(),
            None => d.to_string(),
        }
    }

    /// A date in figures, full year: "07/12/2026", "07.12.2026".
    pub fn date_short(&self, d: jiff::civil::Date) -> String {
        match gregorian(d) {
            Some(date) => self.formats.date_short.format(&date).to_string(),
            None => d.to_string(),
        }
    }

    /// A time of day with its zone's abbreviation: "19:30 EET". The
    /// abbreviation is the time zone database's, the same in every
    /// language (as the SMM's reports wrote it).
    pub fn time(&self, t: &jiff::ZonedDateTime) -> String {
        t.strftime("%H:%M %Z").to_string()
    }
}

fn gregorian(d: jiff::civil::Date) -> Option<Date<Gregorian>> {
    Date::try_new_gregorian(
        i32::from(d.year()),
        u8::try_from(d.month()).ok()?,
        u8::try_from(d.day()).ok()?,
    )
    .ok()
}

fn missing(id: &str) -> String {
    format!("⟦{id}⟧")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_send_and_sync() {
        fn shared<T: Send + Sync>() {}
        shared::<Messages>();
    }
}
