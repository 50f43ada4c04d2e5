//! The browser check itself can fail: a page that fetches, logs an error or
//! declares the wrong language is caught; a clean one passes and is
//! screenshot. The report's and the dashboard's checks rest on this.

use testkit::browser;

#[test]
fn the_checker_catches_network_requests_console_errors_and_a_wrong_language() {
    if !browser::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean.html");
    std::fs::write(
        &clean,
        "<!doctype html><html lang=\"uk\"><head><meta charset=\"utf-8\"><title>Звіт</title>\
         <style>@page { size: A4; @bottom-center { content: counter(page) } }</style></head>\
         <body><h1>Щоденний звіт</h1><svg width=\"20\" height=\"20\"><title>графік</title>\
         <rect width=\"20\" height=\"20\"/></svg></body></html>",
    )
    .unwrap();
    let shot = dir.path().join("clean.png");
    let pdf = dir.path().join("clean.pdf");
    let ok = browser::check_page(&clean, &shot, Some(&pdf), Some("uk"));
    assert!(ok.clean, "a clean page was refused: {}", ok.json);
    assert!(std::fs::read(&shot).unwrap().starts_with(b"\x89PNG"));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));

    // The same page, asked to be Russian.
    let wrong = browser::check_page(&clean, &shot, None, Some("ru"));
    assert!(!wrong.clean, "a wrong lang passed: {}", wrong.json);

    let dirty = dir.path().join("dirty.html");
    std::fs::write(
        &dirty,
        "<!doctype html><html lang=\"en\"><head><title>x</title>\
         <link rel=\"stylesheet\" href=\"https://example.com/tracker.css\"></head>\
         <body><script>console.error('boom'); fetch('http://example.org/beacon')</script>\
         </body></html>",
    )
    .unwrap();
    let bad = browser::check_page(&dirty, &dir.path().join("dirty.png"), None, Some("en"));
    assert!(
        !bad.clean,
        "a page that fetches and errs passed: {}",
        bad.json
    );
    let requests = bad.field("requests").unwrap_or_default().to_string();
    assert!(
        bad.json.contains("https://example.com/tracker.css")
            && bad.json.contains("http://example.org/beacon"),
        "every request is named: {requests} / {}",
        bad.json
    );
    assert!(
        bad.json.contains("boom"),
        "the console error is named: {}",
        bad.json
    );
}
