//! What conditions read is defined once (`agreement::environment`): the
//! types the check holds conditions to and the values they are given must
//! describe the same names, for every clause, clock, tranche and guarantee.

use std::collections::BTreeMap;

use accord::agreement::environment::{self, AtAdoption};
use accord::cel::types::Ty;
use serde_json::Value;

/// Where `value` does not have type `ty` (names the path), or `None`.
fn mismatch(path: &str, ty: &Ty, value: &Value) -> Option<String> {
    let ok = match (ty, value) {
        (Ty::Int, Value::Number(n)) => n.is_i64() || n.is_u64(),
        (Ty::Bool, Value::Bool(_)) | (Ty::String, Value::String(_)) => true,
        (Ty::Record { fields, .. }, Value::Object(m)) => {
            return record(path, fields, m);
        }
        _ => false,
    };
    (!ok).then(|| format!("{path}: {value} is not {ty:?}"))
}

fn record(
    path: &str,
    fields: &BTreeMap<String, Ty>,
    m: &serde_json::Map<String, Value>,
) -> Option<String> {
    let typed: Vec<&String> = fields.keys().collect();
    let valued: Vec<&String> = m.keys().collect();
    if typed != valued {
        return Some(format!("{path}: typed {typed:?}, valued {valued:?}"));
    }
    fields
        .iter()
        .find_map(|(k, t)| mismatch(&format!("{path}.{k}"), t, &m[k]))
}

#[test]
fn status_conditions_are_given_what_they_are_typed_to_read() {
    let (a, _) = accord_example::agreement();
    let bound = environment::bound_parties(&a);
    let types = environment::status_types(&a, &bound);
    let values = environment::status_values(&a, &bound, &AtAdoption(&a));
    assert_eq!(record("status", &types, &values), None);
    // The example has something of everything, so this is not vacuous.
    let Value::Object(clauses) = &values["clauses"] else {
        panic!("clauses")
    };
    assert_eq!(clauses.len(), a.clauses.len());
    assert!(!a.clocks.is_empty() && !a.relief.is_empty() && !a.guarantees.is_empty());
    assert_eq!(values["phase"], Value::String("ceasefire".into()));
}

#[test]
fn a_clause_condition_is_given_what_it_is_typed_to_read() {
    let (a, _) = accord_example::agreement();
    for c in a.clauses.values() {
        let types = environment::clause_types(c);
        let values = environment::clause_values(c.metrics.keys().map(|m| (m, 3)), "UA", 12);
        assert_eq!(record(c.id.get_ref(), &types, &values), None);
        assert_eq!(values["day"], Value::from(12));
    }
}
