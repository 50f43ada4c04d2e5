//! Two statuses compared, every difference named by its JSON path, so the
//! page can say exactly where the server's status departs from the replay.

use serde_json::{Value, json};

/// At most this many differences are listed (a status wholly different
/// would otherwise list every field); `same` still says the truth.
pub const MAX_DIFFERENCES: usize = 1000;

/// Every place where `served` differs from `replayed`: a path such as
/// `clauses[3].parties.RU.verdict` (a key that is not a plain name is
/// written `["key"]`), with both values (`null` where one side has none).
pub fn differences(replayed: &Value, served: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    walk(String::new(), Some(replayed), Some(served), &mut out);
    out
}

/// The comparison as the page gets it.
pub fn compare(replayed: &Value, served: &Value) -> Value {
    let differences = differences(replayed, served);
    json!({"same": differences.is_empty(), "differences": differences})
}

fn key_path(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (plain, path.is_empty()) {
        (true, true) => key.to_string(),
        (true, false) => format!("{path}.{key}"),
        (false, _) => format!("{path}[{}]", Value::String(key.to_string())),
    }
}

fn walk(path: String, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<Value>) {
    if out.len() >= MAX_DIFFERENCES {
        return;
    }
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                walk(key_path(&path, k), x.get(k), y.get(k), out);
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            for i in 0..x.len().max(y.len()) {
                walk(format!("{path}[{i}]"), x.get(i), y.get(i), out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(json!({
            "path": if path.is_empty() { "$".to_string() } else { path },
            "replayed": a.cloned().unwrap_or(Value::Null),
            "served": b.cloned().unwrap_or(Value::Null),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_each_difference_by_its_path() {
        let a = json!({"clauses": [{"parties": {"RU": {"verdict": "no_verified_breach"}}}], "log_size": 5, "x.y": 1});
        let b = json!({"clauses": [{"parties": {"RU": {"verdict": "breach_verified"}}}], "log_size": 5, "x.y": 2, "extra": true});
        let d = differences(&a, &b);
        let paths: Vec<&str> = d.iter().map(|d| d["path"].as_str().unwrap()).collect();
        assert_eq!(
            paths,
            vec!["clauses[0].parties.RU.verdict", "extra", "[\"x.y\"]"]
        );
        assert_eq!(d[0]["served"], "breach_verified");
        assert_eq!(d[1]["replayed"], Value::Null);
        assert_eq!(compare(&a, &a)["same"], true);
    }
}
