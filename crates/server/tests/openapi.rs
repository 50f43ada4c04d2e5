//! The API's description is the API: every route is documented with its
//! method, every documented operation is routed, the document is OpenAPI
//! 3.1, and the documentation page works with no network (its scripts and
//! styles are served by the server itself).

mod common;

use std::collections::BTreeSet;

use common::*;
use serde_json::Value;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// axum's `{*rest}` is OpenAPI's `{rest}`.
fn openapi_path(axum: &str) -> String {
    axum.replace("{*", "{")
}

fn routed() -> BTreeSet<(String, String)> {
    accord_server::routes::routes()
        .list()
        .iter()
        .map(|(m, p)| (m.as_str().to_lowercase(), openapi_path(p)))
        .collect()
}

fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (k, _) in item.as_object().expect("a path item") {
            if METHODS.contains(&k.as_str()) {
                out.insert((k.clone(), path.clone()));
            }
        }
    }
    out
}

#[test]
fn every_route_is_documented_and_every_documented_operation_is_routed() {
    let doc: Value = serde_json::from_str(&accord_server::openapi::json()).unwrap();
    let version = doc["openapi"].as_str().expect("an openapi member");
    assert!(version.starts_with("3.1."), "OpenAPI 3.1, not {version}");
    assert!(doc["info"]["title"].is_string());
    assert!(doc["info"]["version"].is_string());
    let routed = routed();
    let documented = documented(&doc);
    assert!(routed.len() >= 20, "{routed:?}");
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routed but not documented: {undocumented:?}"
    );
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        unrouted.is_empty(),
        "documented but not routed: {unrouted:?}"
    );
    // Each operation says what it answers, and the path parameters it
    // names are the path's.
    for (method, path) in &documented {
        let op = &doc["paths"][path][method];
        assert!(
            op["responses"].as_object().is_some_and(|r| !r.is_empty()),
            "{method} {path} documents no response"
        );
        let in_path: BTreeSet<String> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(str::to_string)
            .collect();
        let params: BTreeSet<String> = op["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter(|p| p["in"] == "path")
                    .map(|p| p["name"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(in_path, params, "{method} {path}: path parameters");
    }
    // Problems are described once, as a schema the errors refer to.
    assert!(doc["components"]["schemas"]["Problem"].is_object());
}

/// The values of `attr="..."` in an HTML page.
fn attributes(html: &str, attr: &str) -> Vec<String> {
    let needle = format!("{attr}=");
    let mut out = vec![];
    let mut rest = html;
    while let Some(at) = rest.find(&needle) {
        rest = &rest[at + needle.len()..];
        let quote = rest.chars().next().unwrap();
        if quote == '"' || quote == '\'' {
            let end = rest[1..].find(quote).unwrap();
            out.push(rest[1..1 + end].to_string());
        }
    }
    out
}

#[test]
fn the_docs_page_is_served_with_its_own_assets_and_no_cdn() {
    let dir = tempfile::tempdir().unwrap();
    make_log(dir.path(), &[]);
    let server = TestServer::start(dir.path());
    let page = get(&server.url("/docs"));
    assert_eq!(page.status, 200);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
    let mut linked = attributes(&page.body, "src");
    linked.extend(attributes(&page.body, "href"));
    assert!(!linked.is_empty(), "the page names its script and style");
    for l in &linked {
        assert!(
            !l.contains("http://") && !l.contains("https://") && !l.starts_with("//"),
            "the page loads {l} from elsewhere"
        );
    }
    assert!(
        !page.body.contains("http://") && !page.body.contains("https://"),
        "{}",
        page.body
    );
    for l in &linked {
        let r = get(&server.url(l));
        assert_eq!(r.status, 200, "{l}");
        assert!(r.body.len() > 1000, "{l} is the real asset");
    }
    // What the page reads is the document.
    let served = get(&server.url("/openapi.json"));
    assert_eq!(served.status, 200);
    assert!(served.content_type.starts_with("application/json"));
    let served: Value = serde_json::from_str(&served.body).unwrap();
    let doc: Value = serde_json::from_str(&accord_server::openapi::json()).unwrap();
    assert_eq!(served, doc);
    assert!(page.body.contains("/openapi.json"));
}

/// `/v1/agreement/versions`: every text the server judges by, the adopted
/// first, each the very canonical JSON `/v1/agreement` serves for it, under
/// its hash (what the dashboard's replay needs to judge as the server does).
#[test]
fn the_agreements_texts_are_served_with_their_hashes() {
    let dir = tempfile::tempdir().unwrap();
    make_log(dir.path(), &[]);
    let server = TestServer::start(dir.path());
    let adopted = get(&server.url("/v1/agreement"));
    let hash = adopted.header("x-accord-agreement").unwrap().to_string();
    let r = get(&server.url("/v1/agreement/versions"));
    assert_eq!(r.status, 200);
    assert!(r.content_type.starts_with("application/json"));
    let v = r.json();
    let versions = v["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 1, "{v}");
    assert_eq!(versions[0]["hash"], hash.as_str());
    assert_eq!(versions[0]["version"], "1.0.0");
    assert_eq!(versions[0]["canonical"], adopted.body.as_str());
    let digest = accord::statement::Digest::of(adopted.body.as_bytes());
    assert_eq!(digest.to_string(), hash);
}
