//! The embedded page is whole: every file the page and its modules load is
//! in the table, with the right content type; the page's own files name no
//! other origin; and every word they ask for exists in every language, with
//! its arguments left for the page to fill in.

use std::collections::BTreeSet;

use accord_dashboard::{ARGUMENTS, Lang, asset, assets, message_ids, messages_json};

fn text(path: &str) -> &'static str {
    std::str::from_utf8(
        asset(path)
            .unwrap_or_else(|| panic!("{path} is embedded"))
            .bytes,
    )
    .expect("UTF-8")
}

/// The page's own files (not vendored, not generated).
fn own_files() -> Vec<&'static str> {
    assets()
        .iter()
        .map(|a| a.path)
        .filter(|p| !p.starts_with("vendor/") && !p.starts_with("wasm/"))
        .filter(|p| p.ends_with(".html") || p.ends_with(".js") || p.ends_with(".css"))
        .collect()
}

/// Values of `attr="…"` in an HTML text.
fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let pat = format!("{attr}=\"");
    html.match_indices(&pat)
        .filter_map(|(i, _)| {
            let rest = &html[i + pat.len()..];
            rest.split_once('"').map(|(v, _)| v)
        })
        .collect()
}

#[test]
fn the_page_and_what_it_loads_are_embedded_with_their_content_types() {
    let page = asset("").expect("the empty path is the page");
    assert_eq!(page.path, "index.html");
    assert_eq!(page.content_type, "text/html; charset=utf-8");
    let html = text("index.html");
    let mut loaded: Vec<&str> = attribute_values(html, "src");
    loaded.extend(
        attribute_values(html, "href")
            .into_iter()
            .filter(|h| !h.starts_with('#') && !h.starts_with('/') && !h.starts_with("data:")),
    );
    assert!(
        loaded.contains(&"app.js") && loaded.contains(&"app.css"),
        "{loaded:?}"
    );
    for path in loaded {
        assert!(
            asset(path).is_some(),
            "index.html loads {path}, which is not embedded"
        );
    }
    // Every module a module imports.
    for js in own_files().into_iter().filter(|p| p.ends_with(".js")) {
        for (i, _) in text(js).match_indices("from './") {
            let rest = &text(js)[i + "from './".len()..];
            let (name, _) = rest.split_once('\'').expect("a quoted module path");
            assert!(
                asset(name).is_some(),
                "{js} imports ./{name}, which is not embedded"
            );
        }
    }
    assert_eq!(
        asset("app.js").unwrap().content_type,
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        asset("app.css").unwrap().content_type,
        "text/css; charset=utf-8"
    );
    assert_eq!(
        asset("vendor/countries-50m.json").unwrap().content_type,
        "application/json"
    );
    if let Some(w) = asset("wasm/accord_web_bg.wasm") {
        assert_eq!(w.content_type, "application/wasm");
    }
    // No path escapes the table.
    for p in [
        "../Cargo.toml",
        "/index.html",
        "assets/index.html",
        "INDEX.HTML",
    ] {
        assert!(asset(p).is_none(), "{p} must not be found");
    }
}

#[test]
fn the_pages_own_files_name_no_other_origin() {
    for path in own_files() {
        let t = text(path);
        for scheme in ["http://", "https://", "//cdn", "//fonts", "//unpkg"] {
            for (i, _) in t.match_indices(scheme) {
                let around = &t[i.saturating_sub(40)..(i + 60).min(t.len())];
                // The placeholder of the mirror field and the SVG namespace
                // are not requests.
                let allowed = around.contains("placeholder=")
                    || around.contains("http://www.w3.org/2000/svg");
                assert!(allowed, "{path} names another origin: …{around}…");
            }
        }
    }
}

#[test]
fn etags_are_strong_and_differ_between_files() {
    let tags: BTreeSet<&str> = assets().iter().map(|a| a.etag()).collect();
    assert_eq!(tags.len(), assets().len(), "two files share an ETag");
    for a in assets() {
        let tag = a.etag();
        assert!(
            tag.starts_with('"') && tag.ends_with('"') && tag.len() == 34,
            "{tag}"
        );
    }
}

/// Every `dashboard-…` id the page's files name literally, and the
/// families they build from data.
fn ids_used() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for path in own_files() {
        let t = text(path);
        for (i, _) in t.match_indices("dashboard-") {
            let id: String = t[i..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
                .collect();
            // A family built from data ends with '-' here, or is the
            // prefix `word()` is given (`dashboard-stage`): listed below.
            if !id.ends_with('-') && !["dashboard-stage"].contains(&id.as_str()) {
                out.insert(id);
            }
        }
    }
    let families: &[(&str, &[&str])] = &[
        (
            "dashboard-state",
            &["verified", "reported", "disputed", "withdrawn"],
        ),
        ("dashboard-vstate", &["verified", "reported", "disputed"]),
        (
            "dashboard-group",
            &[
                "violence",
                "weapons",
                "movement",
                "crossings",
                "humanitarian",
                "mines",
                "local",
                "other",
            ],
        ),
        (
            "dashboard-attribution",
            &[
                "none",
                "contested",
                "observer",
                "location",
                "details",
                "assessment",
                "dispute",
            ],
        ),
        (
            "dashboard-confidence",
            &["low", "medium", "high", "confirmed"],
        ),
        (
            "dashboard-stage",
            &[
                "joint-commission",
                "ministers",
                "advisory-board",
                "commission-review",
                "vote",
            ],
        ),
    ];
    for (prefix, values) in families {
        for v in *values {
            out.insert(format!("{prefix}-{v}"));
        }
    }
    out
}

#[test]
fn every_word_the_page_asks_for_exists_in_every_language() {
    for lang in Lang::ALL {
        let json: serde_json::Value = serde_json::from_str(&messages_json(lang)).unwrap();
        let words = json.as_object().unwrap();
        assert_eq!(words["lang"], lang.code());
        for id in ids_used() {
            let w = words.get(&id).and_then(|v| v.as_str());
            assert!(w.is_some_and(|w| !w.is_empty()), "{lang}: no message {id}");
        }
        for (id, w) in words {
            let w = w.as_str().unwrap();
            assert!(!w.contains('⟦'), "{lang}: {id} renders as missing: {w}");
            assert!(
                !w.contains("{$"),
                "{lang}: {id} has an argument left unnamed: {w}"
            );
        }
        // Words shared with the rest of accord come too.
        assert!(words.contains_key("common-verdict-breach-verified"));
        assert!(words.contains_key("common-category-ceasefire-violation"));
    }
    let en: serde_json::Value = serde_json::from_str(&messages_json(Lang::En)).unwrap();
    assert_eq!(en["dashboard-updated"], "Updated {time}");
    assert_eq!(en["dashboard-entry"], "entry {index}");
}

#[test]
fn every_argument_of_a_served_message_is_one_the_server_names() {
    for lang in Lang::ALL {
        for (domain, source) in accord_i18n::sources(lang) {
            if !accord_dashboard::DOMAINS.contains(&domain) {
                continue;
            }
            for (i, _) in source.match_indices('$') {
                let name: String = source[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                assert!(
                    ARGUMENTS.contains(&name.as_str()),
                    "{lang}/{domain}.ftl uses ${name}, which accord_dashboard::ARGUMENTS lacks"
                );
            }
        }
    }
    assert_eq!(
        message_ids("a-b = x\n# c = d\n  e = f\nterm-x = y\n-t = z"),
        vec!["a-b", "term-x"]
    );
}
