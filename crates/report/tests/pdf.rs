//! The PDF form: printed by a real Chromium when there is one; a browser
//! that fails, hangs or prints something else leaves nothing behind.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use accord_report::pdf::{Chromium, PdfError};

fn fake_browser(dir: &Path, script: &str) -> Chromium {
    let p = dir.join("fake-chromium");
    std::fs::write(&p, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    Chromium::at(p)
}

fn page(dir: &Path) -> std::path::PathBuf {
    let html = dir.join("r.html");
    std::fs::write(
        &html,
        "<!doctype html><html lang=\"uk\"><meta charset=\"utf-8\"><title>Звіт</title>\
         <style>@page { size: A4; margin: 2cm; @bottom-center { content: counter(page) } }</style>\
         <h1>Щоденний звіт</h1><p>Порушення режиму припинення вогню</p></html>",
    )
    .unwrap();
    html
}

#[test]
fn chromium_prints_the_page_to_a_pdf() {
    if !testkit::browser::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let chromium = std::env::var_os("ACCORD_CHROMIUM")
        .map(Chromium::at)
        .unwrap_or_else(|| Chromium::at("/usr/bin/chromium"));
    let out = dir.path().join("r.pdf");
    chromium
        .print(&page(dir.path()), &out, Duration::from_secs(120))
        .unwrap();
    let pdf = std::fs::read(&out).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    assert!(pdf.len() > 1000, "an empty PDF: {} bytes", pdf.len());
    // Only the PDF is left: no partial file beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn a_browser_that_prints_no_pdf_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let html = page(dir.path());
    let out = dir.path().join("r.pdf");
    // Writes HTML where the PDF should be.
    let liar = fake_browser(
        dir.path(),
        r#"for a in "$@"; do case $a in --print-to-pdf=*) echo '<html>' > "${a#--print-to-pdf=}";; esac; done"#,
    );
    let e = liar
        .print(&html, &out, Duration::from_secs(20))
        .unwrap_err();
    assert!(matches!(e, PdfError::NotPdf { .. }), "{e}");
    assert!(!out.exists());
    // Fails.
    let failing = fake_browser(dir.path(), "echo 'ERROR: no display' >&2; exit 3");
    let e = failing
        .print(&html, &out, Duration::from_secs(20))
        .unwrap_err();
    assert!(matches!(e, PdfError::Failed { .. }), "{e}");
    assert!(e.to_string().contains("no display"), "{e}");
    assert!(!out.exists());
    // Hangs.
    let hanging = fake_browser(dir.path(), "exec sleep 30");
    let e = hanging
        .print(&html, &out, Duration::from_millis(500))
        .unwrap_err();
    assert!(matches!(e, PdfError::Timeout { .. }), "{e}");
    assert!(!out.exists());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".accord-pdf-"))
        .collect();
    assert!(left.is_empty(), "partial files left: {left:?}");
}
