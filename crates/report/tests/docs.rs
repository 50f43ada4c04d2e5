//! docs/report.md tells a reader of the SMM's reports where each of its
//! sections is in accord's, in three languages: its titles must be the
//! report's own, and every section of the report must be in it.

use accord_i18n::{Lang, Messages};

fn root(rel: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The section headings' message ids (`report-h-*`), from the English file.
fn heading_ids() -> Vec<String> {
    root("crates/i18n/locales/en/report.ftl")
        .lines()
        .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_string()))
        .filter(|k| k.starts_with("report-h-"))
        .collect()
}

#[test]
fn the_smm_table_names_every_section_by_the_reports_own_titles() {
    let doc = root("docs/report.md");
    let rows: Vec<Vec<&str>> = doc
        .lines()
        .skip_while(|l| !l.starts_with("| SMM daily report |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.trim_matches('|').split(" | ").collect())
        .collect();
    assert!(
        rows.len() >= 11,
        "the SMM's eleven sections at least: {rows:?}"
    );
    let ids = heading_ids();
    let mut found_en = std::collections::BTreeSet::new();
    for (column, lang) in [(1, Lang::En), (2, Lang::Uk), (3, Lang::Ru)] {
        let m = Messages::get(lang);
        let titles: Vec<(String, String)> =
            ids.iter().map(|id| (id.clone(), m.plain(id))).collect();
        for row in &rows {
            let cell = row
                .get(column)
                .unwrap_or_else(|| panic!("short row {row:?}"));
            for named in cell.split("**").skip(1).step_by(2) {
                let hit = titles.iter().find(|(_, t)| t == named);
                assert!(
                    hit.is_some(),
                    "docs/report.md names \"{named}\" ({lang}), which is no section title of the report"
                );
                if lang == Lang::En {
                    found_en.insert(hit.unwrap().0.clone());
                }
            }
        }
    }
    for id in &ids {
        if id == "report-h-endnotes" {
            continue; // the HTML's printed endnotes, not a section
        }
        assert!(
            found_en.contains(id),
            "docs/report.md does not say where the report's section {id} (\"{}\") is",
            Messages::get(Lang::En).plain(id)
        );
    }
}
