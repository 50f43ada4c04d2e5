//! `--lang`: the language of the human output (`status`, `demo`,
//! `report`), English, Ukrainian or Russian; `ACCORD_LANG` sets the
//! default. Error messages stay in English: they name fields, files and
//! spans of formats written in English.

use accord_i18n::Lang;
use clap::Args;

#[derive(Args, Clone, Copy, Debug)]
pub struct LangArg {
    /// The language of the human output: en, uk or ru (error messages stay
    /// in English).
    #[arg(
        long = "lang",
        env = "ACCORD_LANG",
        default_value = "en",
        value_name = "LANG",
        value_parser = parse
    )]
    pub lang: Lang,
}

fn parse(s: &str) -> Result<Lang, String> {
    s.parse()
        .map_err(|e: accord_i18n::UnknownLang| e.to_string())
}
