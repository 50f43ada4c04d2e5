//! `accord report` as a reader gets it: the demo's report in each language,
//! loaded in headless Chromium (no console error, no request of any kind,
//! the language it declares), with a screenshot per language saved under
//! `target/screenshots/`; the PDF printed from it; a week and a month.

mod common;

use std::path::Path;

use common::{accord, fails, text};
use testkit::browser;

/// The demo's log, and the day its report is of.
fn demo(dir: &Path) -> String {
    let o = accord(&["demo", "--dir", "d", "--no-events"], dir);
    assert!(o.status.success(), "{}", text(&o));
    std::fs::read_dir(dir.join("d"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find_map(|n| {
            n.strip_prefix("report-")?
                .strip_suffix(".html")
                .map(str::to_string)
        })
        .expect("the demo writes its day's report")
}

fn report(dir: &Path, day: &str, extra: &[&str]) {
    let mut args = vec![
        "report",
        "--agreement",
        "d/agreement/agreement.toml",
        "d/log",
        "--day",
        day,
    ];
    args.extend_from_slice(extra);
    let o = accord(&args, dir);
    assert!(o.status.success(), "accord {args:?}: {}", text(&o));
}

#[test]
fn the_report_in_each_language_loads_clean_in_chromium_and_prints_to_pdf() {
    if !browser::available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let day = demo(dir);
    let shots = browser::screenshots();
    let mut texts = Vec::new();
    for lang in ["en", "uk", "ru"] {
        let out = format!("report-{lang}.html");
        report(
            dir,
            &day,
            &["--lang", lang, "--format", "html", "--out", &out],
        );
        let html = std::fs::read_to_string(dir.join(&out)).unwrap();
        // Self-contained: nothing a browser would fetch.
        for fetch in ["<script", "<link", "@import", "url(http", "src=\"http"] {
            assert!(!html.contains(fetch), "{lang}: the page fetches ({fetch})");
        }
        let check = browser::check_page(
            &dir.join(&out),
            &shots.join(format!("report-{lang}.png")),
            None,
            Some(lang),
        );
        assert!(check.clean, "{lang}: {}", check.json);
        assert!(
            check.json.contains("\"svg_without_title\": 0"),
            "{lang}: every chart has a title: {}",
            check.json
        );
        texts.push(html);
    }
    // Three languages, three different pages of the same report.
    assert_ne!(texts[0], texts[1]);
    assert_ne!(texts[1], texts[2]);
    assert!(
        texts[1].contains("Порушення"),
        "Ukrainian words in the uk report"
    );
    assert!(
        texts[2].contains("Нарушения"),
        "Russian words in the ru report"
    );

    // A week and a month, in the browser too.
    for period in ["week", "month"] {
        let out = format!("report-{period}.html");
        report(
            dir,
            &day,
            &["--period", period, "--format", "html", "--out", &out],
        );
        let check = browser::check_page(
            &dir.join(&out),
            &shots.join(format!("report-{period}-en.png")),
            None,
            Some("en"),
        );
        assert!(check.clean, "{period}: {}", check.json);
    }

    // The PDF, printed from the page; nothing else left beside it.
    report(
        dir,
        &day,
        &["--lang", "uk", "--format", "pdf", "--out", "report-uk.pdf"],
    );
    let pdf = std::fs::read(dir.join("report-uk.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // Read back with poppler (installed with Chromium by scripts/test.sh):
    // A4, numbered "n / N" on every page, the Ukrainian words in it.
    let info = std::process::Command::new("pdfinfo")
        .arg(dir.join("report-uk.pdf"))
        .output()
        .expect("pdfinfo (Debian: poppler-utils) to read the PDF back");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("(A4)"), "{info}");
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count: {info}"));
    assert!(pages > 1, "{info}");
    let text = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(dir.join("report-uk.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    for n in 1..=pages {
        assert!(
            text.contains(&format!("{n} / {pages}")),
            "page {n} is not numbered \"{n} / {pages}\""
        );
    }
    assert!(text.contains("Порушення режиму припинення вогню"), "{text}");
    assert!(!dir.join("report-uk.print.html").exists());
    assert!(dir.join("report-uk.proofs/checkpoint").exists());
}

#[test]
fn pdf_without_a_browser_is_refused_before_anything_is_done() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_accord"))
        .args([
            "report",
            "--agreement",
            "no-such-agreement.toml",
            "no-such-log",
            "--day",
            "2026-01-01",
            "--format",
            "pdf",
        ])
        .current_dir(dir)
        .env("ACCORD_CHROMIUM", dir.join("no-chromium-here"))
        .output()
        .unwrap();
    let err = text(&o);
    assert!(!o.status.success(), "{err}");
    assert!(
        err.contains("ACCORD_CHROMIUM") && err.contains("not an executable"),
        "says why, before reading the agreement: {err}"
    );
    assert!(!err.contains("no-such-agreement"), "{err}");
    let _ = fails;
}

/// What a report of a past day says falls due is what stood at that day's
/// end: not a dispute opened later, and a consultation decided later was
/// still awaited then.
#[test]
fn a_report_of_a_past_day_says_what_fell_due_as_it_stood_then() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let breach = demo(dir);
    let day: jiff::civil::Date = breach.parse().unwrap();
    let before = day.yesterday().unwrap().to_string();
    let deadlines = |d: &str| -> Vec<(String, String, String)> {
        let out = format!("r-{d}.json");
        report(dir, d, &["--format", "json", "--out", &out]);
        let r: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(&out)).unwrap()).unwrap();
        r["relief"]["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                let s = |k: &str| x[k].as_str().unwrap().to_string();
                (s("of"), s("id"), s("kind"))
            })
            .collect()
    };
    assert_eq!(
        deadlines(&before),
        vec![],
        "nothing was due the day before the breach"
    );
    let on_the_day = deadlines(&breach);
    assert!(
        on_the_day.contains(&(
            "guarantee".into(),
            "collective_defence".into(),
            "consultation".into()
        )),
        "the guarantors' consultation was due on the breach day, though decided later: {on_the_day:?}"
    );
    assert!(
        on_the_day.iter().any(|(of, _, _)| of == "tranche"),
        "{on_the_day:?}"
    );
}
