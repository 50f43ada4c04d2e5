//! Words in the reader's language: the report's messages (`report.ftl`
//! and the common ones, through `accord-i18n`), numbers and dates per
//! language, and the agreement's titles for what the model names by id.

use accord::agreement::{Agreement, Texts};
use accord_i18n::{Args, Lang, Messages};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// The words of one report in one language.
pub struct Words<'a> {
    pub m: &'static Messages,
    pub a: &'a Agreement,
    /// The agreement's words in this language (its main text's where it
    /// has none in it).
    pub texts: Texts<'a>,
    pub tz: TimeZone,
}

/// `snake_case` to the `kebab-case` of message ids.
fn kebab(s: &str) -> String {
    s.replace('_', "-")
}

impl<'a> Words<'a> {
    pub fn new(lang: Lang, a: &'a Agreement) -> Words<'a> {
        Words {
            m: Messages::get(lang),
            a,
            texts: a.text_in(lang.code()),
            tz: TimeZone::get(a.timezone.get_ref()).unwrap_or(TimeZone::UTC),
        }
    }

    pub fn lang(&self) -> Lang {
        self.m.lang()
    }

    pub fn t(&self, id: &str, args: &Args) -> String {
        self.m.text(id, args)
    }

    pub fn p(&self, id: &str) -> String {
        self.m.plain(id)
    }

    /// A code's word (`report-code-FIELD-VALUE`, or a common one), or the
    /// code itself when there is no word for it: codes of the entries'
    /// details are open-ended enough that a missing one must still show.
    pub fn code(&self, field: &str, value: &str) -> String {
        let id = match field {
            "sensor" => format!("common-sensor-{}", kebab(value)),
            "category" => format!("common-category-{}", kebab(value)),
            "verdict" => format!("common-verdict-{}", kebab(value)),
            "tranche" => format!("common-tranche-{}", kebab(value)),
            "guarantee" => format!("common-guarantee-{}", kebab(value)),
            // A tranche's or a guarantee's: their states do not overlap.
            "state" => {
                let t = format!("common-tranche-{}", kebab(value));
                if self.m.has(&t) {
                    t
                } else {
                    format!("common-guarantee-{}", kebab(value))
                }
            }
            _ => format!("report-code-{}-{}", kebab(field), kebab(value)),
        };
        if self.m.has(&id) {
            self.m.plain(&id)
        } else {
            accord::text::printable(value).into_owned()
        }
    }

    pub fn n(&self, v: u64) -> String {
        self.m.number(v as i64)
    }

    pub fn date(&self, d: Date) -> String {
        self.m.date(d)
    }

    /// A moment in the agreement's time zone: its date and time.
    pub fn time(&self, t: Timestamp) -> String {
        let z = t.to_zoned_datetime(self.tz.clone());
        format!("{} {}", self.m.date_short(z.date()), self.m.time(&z))
    }

    // The agreement's titles for ids (an id it lacks is shown as it is).

    pub fn region(&self, id: Option<&str>) -> String {
        match id {
            Some(id) => self.zone(id),
            None => self.p("report-outside-regions"),
        }
    }

    pub fn zone(&self, id: &str) -> String {
        self.texts.zone_title(id).to_string()
    }

    pub fn party(&self, id: &str) -> String {
        self.texts.party_name(id).to_string()
    }

    pub fn phase(&self, id: &str) -> String {
        self.texts.phase_title(id).to_string()
    }

    pub fn tranche(&self, id: &str) -> String {
        self.texts.tranche_title(id).to_string()
    }

    pub fn guarantee(&self, id: &str) -> String {
        self.texts.guarantee_title(id).to_string()
    }

    pub fn clause(&self, id: &str) -> String {
        self.texts.clause_title(id).to_string()
    }

    pub fn weapon_class(&self, id: &str) -> String {
        self.texts.weapon_class_title(id).to_string()
    }
}
