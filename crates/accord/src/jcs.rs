//! RFC 8785 (JSON Canonicalization Scheme) for `serde_json` values.
//!
//! Every statement is parsed and re-serialised to check that it is in
//! canonical form, and every status is serialised to be hashed, so this is
//! on the evaluator's hot path. `serde_jcs` does the same job but re-parses
//! every object key to sort it, which made canonicalisation most of the cost
//! of reading a log; this writer sorts keys by their UTF-16 code units
//! without allocating and writes numbers with `ryu-js` (ECMAScript's
//! `Number.prototype.toString`), as the RFC requires. A property test holds
//! it to `serde_jcs`'s output.

use serde_json::Value;

/// The canonical JSON of a value.
pub fn to_string(v: &Value) -> String {
    let mut out = String::with_capacity(512);
    write(&mut out, v);
    out
}

/// Appends the canonical JSON of a value.
pub fn write(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => {
            // Numbers are IEEE 754 doubles in JCS, integers included.
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f.is_finite() {
                out.push_str(ryu_js::Buffer::new().format_finite(f));
            } else {
                // serde_json cannot hold one; never reached.
                out.push_str("null");
            }
        }
        Value::String(s) => string(out, s),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(out, x);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<(&String, &Value)> = m.iter().collect();
            // UTF-16 code unit order; the same as byte order unless a key
            // holds characters beyond U+FFFF.
            if !keys.is_sorted_by(|a, b| a.0.as_bytes() < b.0.as_bytes())
                || keys.iter().any(|(k, _)| !k.is_ascii())
            {
                keys.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            }
            out.push('{');
            for (i, (k, x)) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(out, k);
                out.push(':');
                write(out, x);
            }
            out.push('}');
        }
    }
}

/// A string with the escapes RFC 8785 prescribes: `\"`, `\\`, the short
/// forms `\b \t \n \f \r`, and `\u00xx` (lower case) for other controls.
fn string(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0x08 => Some("\\b"),
            0x0c => Some("\\f"),
            0..=0x1f => None,
            _ => continue,
        };
        out.push_str(&s[start..i]);
        match escape {
            Some(e) => out.push_str(e),
            None => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 0xf) as usize] as char);
            }
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<u64>().prop_map(|n| json!(n)),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| json!(f)),
            (-1e6f64..1e6).prop_map(|f| json!(f)),
            any::<String>().prop_map(Value::String),
            "[a-z\\n\\t\"\\\\\u{0}-\u{1f}\u{7f}é€😀\u{e000}]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map("[a-zA-Z_\u{e000}😀é]{0,6}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn the_same_as_serde_jcs(v in value()) {
            prop_assert_eq!(to_string(&v), serde_jcs::to_string(&v).unwrap());
        }
    }

    #[test]
    fn the_rfc_8785_example() {
        // RFC 8785, section 3.2.2: numbers, escapes and key order.
        let v: Value = serde_json::from_str(
            r#"{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
                "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
                "literals": [null, true, false]}"#,
        )
        .unwrap();
        assert_eq!(
            to_string(&v),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
        // Keys in UTF-16 order: U+E000 sorts after U+1F600 (a surrogate pair).
        let v = json!({"\u{e000}": 1, "😀": 2, "a": 3});
        assert_eq!(to_string(&v), "{\"a\":3,\"😀\":2,\"\u{e000}\":1}");
    }
}
