//! The dashboard's routes: `/` sends a browser to the page; the page, its
//! modules, the vendored libraries and its words are served from the binary
//! with their content types, strong ETags (a 304 when unchanged), caching
//! that keeps the page fresh and the libraries long, a strict
//! Content-Security-Policy and nosniff; anything else under `/dashboard/` is
//! a 404 problem, never a file from the disk.

mod common;

use common::*;

fn no_redirects() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

fn header<'a>(r: &'a ureq::http::Response<ureq::Body>, name: &str) -> Option<&'a str> {
    r.headers().get(name).and_then(|v| v.to_str().ok())
}

fn start() -> (tempfile::TempDir, TestServer) {
    let dir = tempfile::tempdir().unwrap();
    make_log(dir.path(), &[]);
    let server = TestServer::start(dir.path());
    (dir, server)
}

#[test]
fn the_root_and_the_bare_path_redirect_to_the_dashboard() {
    let (_dir, server) = start();
    for path in ["/", "/dashboard"] {
        let r = no_redirects().get(server.url(path)).call().unwrap();
        assert_eq!(r.status().as_u16(), 307, "{path}");
        assert_eq!(header(&r, "location"), Some("/dashboard/"), "{path}");
    }
}

#[test]
fn the_page_and_its_files_are_served_with_their_types_and_security_headers() {
    let (_dir, server) = start();
    let cases = [
        (
            "/dashboard/",
            "text/html; charset=utf-8",
            "no-cache",
            "<!DOCTYPE html>",
        ),
        (
            "/dashboard/app.js",
            "text/javascript; charset=utf-8",
            "no-cache",
            "import",
        ),
        (
            "/dashboard/app.css",
            "text/css; charset=utf-8",
            "no-cache",
            ":root",
        ),
        (
            "/dashboard/vendor/maplibre-gl-csp.js",
            "text/javascript; charset=utf-8",
            "public, max-age=604800",
            "MapLibre",
        ),
        (
            "/dashboard/vendor/countries-50m.json",
            "application/json",
            "public, max-age=604800",
            "Topology",
        ),
        (
            "/dashboard/messages/uk.json",
            "application/json",
            "no-cache",
            "Панель",
        ),
    ];
    for (path, ct, cache, needle) in cases {
        let r = get(&server.url(path));
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        assert_eq!(r.content_type, ct, "{path}");
        assert_eq!(r.header("cache-control"), Some(cache), "{path}");
        assert!(r.body.contains(needle), "{path} lacks {needle:?}");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        let csp = r.header("content-security-policy").unwrap_or_default();
        for directive in [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(
                csp.contains(directive),
                "{path}: CSP lacks {directive:?}: {csp}"
            );
        }
        // Nothing lets a script of another origin, or inline code, run.
        assert!(
            !csp.contains("'unsafe-inline'") && !csp.contains("'unsafe-eval'"),
            "{csp}"
        );
        let etag = r.header("etag").unwrap_or_default();
        assert!(
            etag.starts_with('"') && etag.ends_with('"') && etag.len() > 10,
            "{path}: {etag}"
        );
    }
    // The page is the file index.html too, with the same tag.
    let a = get(&server.url("/dashboard/"));
    let b = get(&server.url("/dashboard/index.html"));
    assert_eq!(a.body, b.body);
    assert_eq!(a.header("etag"), b.header("etag"));
}

#[test]
fn an_unchanged_file_is_a_304_and_a_changed_tag_gets_the_file() {
    let (_dir, server) = start();
    let first = get(&server.url("/dashboard/app.js"));
    let tag = first.header("etag").unwrap().to_string();
    let r = client()
        .get(server.url("/dashboard/app.js"))
        .header("if-none-match", &tag)
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 304);
    assert_eq!(header(&r, "etag"), Some(tag.as_str()));
    let r = client()
        .get(server.url("/dashboard/app.js"))
        .header("if-none-match", "\"another\"")
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // Each language's words have their own tag.
    let en = get(&server.url("/dashboard/messages/en.json"));
    let ru = get(&server.url("/dashboard/messages/ru.json"));
    assert_ne!(en.header("etag"), ru.header("etag"));
    assert_eq!(
        en.json()["dashboard-title"],
        "Ceasefire monitoring dashboard"
    );
    assert_eq!(ru.json()["lang"], "ru");
}

#[test]
fn the_webassembly_is_served_as_such_when_it_is_built_in() {
    let (_dir, server) = start();
    let r = client()
        .get(server.url("/dashboard/wasm/accord_web_bg.wasm"))
        .call()
        .unwrap();
    if accord_dashboard::has_verifier() {
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(header(&r, "content-type"), Some("application/wasm"));
        let bytes = r.into_body().read_to_vec().unwrap();
        assert_eq!(&bytes[..4], b"\0asm");
    } else {
        // Not built into this binary: a problem, and the page says in red
        // that nothing was verified.
        assert_eq!(r.status().as_u16(), 404);
    }
}

#[test]
fn unknown_files_are_404_problems_and_nothing_escapes_the_table() {
    let (_dir, server) = start();
    for path in [
        "/dashboard/nope.js",
        "/dashboard/../Cargo.toml",
        "/dashboard/%2e%2e/%2e%2e/Cargo.toml",
        "/dashboard/vendor/../../build.rs",
        "/dashboard/messages/de.json",
        "/dashboard/messages/en",
        "/dashboard/messages/../index.html",
        "/dashboard/assets/index.html",
        "/dashboard/.tlog/config.toml",
    ] {
        let r = get(&server.url(path));
        // A path with `..` that the client or the router normalises may
        // land on another route; whatever answers, it is never a file of
        // the disk.
        assert!(
            !r.body.contains("[package]") && !r.body.contains("fn main"),
            "{path}"
        );
        if r.status == 200 {
            assert!(r.body.starts_with("<!DOCTYPE html>"), "{path}: {}", r.body);
            continue;
        }
        assert_eq!(r.status, 404, "{path}: {}", r.body);
        assert_eq!(r.content_type, "application/problem+json", "{path}");
        let p = r.json();
        assert_eq!(p["status"], 404);
        assert!(
            p["detail"].as_str().unwrap().contains("dashboard"),
            "{path}: {p}"
        );
    }
    let r = get(&server.url("/dashboard/nope.js"));
    assert_eq!(r.json()["file"], "nope.js");
}
