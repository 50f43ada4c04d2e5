//! The agreement's canonical form: everything it means, as JSON in RFC 8785
//! canonical form, and its SHA-256. Layout, comments, key order, quoting and
//! where the GeoJSON files are do not change it; any change of meaning does
//! (a word of a clause, a key, a coordinate).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::model::*;
use crate::quorum::{Quorum, Requirement};
use crate::vocab::Digest;

fn s(v: &crate::diag::Sp<String>) -> Value {
    json!(v.get_ref())
}

fn strs(v: &[crate::diag::Sp<String>]) -> Value {
    Value::Array(v.iter().map(s).collect())
}

fn opt<T>(v: &Option<T>, f: impl Fn(&T) -> Value) -> Value {
    v.as_ref().map(f).unwrap_or(Value::Null)
}

fn map<T>(m: &BTreeMap<String, T>, f: impl Fn(&T) -> Value) -> Value {
    Value::Object(m.iter().map(|(k, v)| (k.clone(), f(v))).collect())
}

pub fn quorum(q: &Quorum) -> Value {
    Value::Array(
        q.requirements
            .iter()
            .map(|r| match r {
                Requirement::All { names, .. } => json!({"all": strs(names)}),
                Requirement::AtLeast { k, of, .. } => {
                    json!({"at_least": k.get_ref(), "of": strs(of)})
                }
                Requirement::Any { options, .. } => {
                    json!({"any": options.iter().map(quorum).collect::<Vec<_>>()})
                }
            })
            .collect(),
    )
}

/// Drops nulls, so that an absent optional value and one never written
/// give the same canonical form.
fn prune(v: Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, prune(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(prune).collect()),
        other => other,
    }
}

/// The agreement's meaning as JSON.
pub fn to_value(a: &Agreement) -> Value {
    let geometry = |z: &Zone| -> Value {
        z.geometry
            .as_ref()
            .map(|g| serde_json::to_value(geojson::Geometry::from(g)).expect("geometry serialises"))
            .unwrap_or(Value::Null)
    };
    let v = json!({
        "format": super::parse::FORMAT,
        "id": s(&a.id),
        "title": s(&a.title),
        "version": s(&a.version),
        "language": opt(&a.language, s),
        "timezone": s(&a.timezone),
        "anchors": map(&a.anchors, |x| match x {
            Anchor::At(t) => json!(t.get_ref().to_string()),
            Anchor::Adoption(_) => json!("adoption"),
            Anchor::Invalid(_) => Value::Null,
        }),
        "reporting": json!({
            "cutoff_minutes": a.reporting.cutoff_minutes,
            "weekends": match a.reporting.weekends { Weekends::Daily => "daily", Weekends::Combined => "combined" },
        }),
        "groups": map(&a.groups, |g| strs(g.get_ref())),
        "parties": map(&a.parties, |p| json!({
            "name": s(&p.name),
            "roles": p.roles.iter().map(|r| r.name()).collect::<Vec<_>>(),
            "keys": p.keys.iter().map(|k| k.get_ref().to_string()).collect::<Vec<_>>(),
        })),
        "organisations": map(&a.organisations, |o| json!({
            "name": s(&o.name),
            "kind": o.kind.name(),
            "affiliation": opt(&o.affiliation, s),
            "keys": o.keys.iter().map(|k| k.get_ref().to_string()).collect::<Vec<_>>(),
        })),
        "accreditation": json!({"grant": quorum(&a.accreditation.grant), "revoke": quorum(&a.accreditation.revoke)}),
        "operator": opt(&a.operator, |o| json!({
            "name": s(&o.name),
            "keys": o.keys.iter().map(|k| k.get_ref().to_string()).collect::<Vec<_>>(),
            "log": opt(&o.log, |k| json!(k.get_ref().to_string())),
        })),
        "weapon_classes": map(&a.weapon_classes, |w| json!({
            "title": s(&w.title),
            "min_calibre_mm": opt(&w.min_calibre_mm, |x| json!(x.get_ref())),
            "max_calibre_mm": opt(&w.max_calibre_mm, |x| json!(x.get_ref())),
            "systems": strs(&w.systems),
            "withdrawal_km": opt(&w.withdrawal_km, |x| json!(x.get_ref())),
        })),
        "withdrawal": json!({"reference_lines": map(&a.withdrawal.reference_lines, s)}),
        "zones": map(&a.zones, |z| json!({
            "kind": z.kind.name(),
            "title": opt(&z.title, s),
            "party": opt(&z.party, s),
            "left": opt(&z.left, s),
            "right": opt(&z.right, s),
            "radius_m": opt(&z.radius_m, |x| json!(x.get_ref())),
            "width_m": opt(&z.width_m, |x| json!(x.get_ref())),
            "around": opt(&z.around, s),
            "distance_km": opt(&z.distance_km, |x| json!(x.get_ref())),
            "contested_m": opt(&z.contested_m, |x| json!(x.get_ref())),
            "geometry": geometry(z),
        })),
        "verification": json!({
            "rules": a.verification.rules.iter().map(|r| {
                let mut rule = json!({
                    "id": s(&r.id),
                    "organisations": r.organisations.get_ref(),
                    "independent": r.independent,
                    "within_minutes": opt(&r.within_minutes, |x| json!(x.get_ref())),
                    "within_km": opt(&r.within_km, |x| json!(x.get_ref())),
                    "with_evidence": r.with_evidence,
                    "sensors": strs(&r.sensors),
                });
                // Written only when a rule names whom it counts: a rule
                // without them means what it meant before the keys
                // existed, and keeps its hash.
                if !r.by.is_empty() {
                    rule["by"] = strs(&r.by);
                }
                if !r.kinds.is_empty() {
                    rule["kinds"] = json!(r.kinds.iter().map(|k| k.name()).collect::<Vec<_>>());
                }
                rule
            }).collect::<Vec<_>>(),
            "disputes": opt(&a.verification.disputes, |d| json!({
                "lodge": quorum(&d.lodge),
                "window_hours": d.window_hours.get_ref(),
                "resolve": quorum(&d.resolve),
                "resolution_hours": d.resolution_hours.get_ref(),
            })),
        }),
        "clauses": map(&a.clauses, |c| json!({
            "title": s(&c.title),
            "text": s(&c.text),
            "binds": strs(&c.binds),
            "from": opt(&c.from, |t| json!(t.get_ref().to_string())),
            "until": opt(&c.until, |t| json!(t.get_ref().to_string())),
            "due": opt(&c.due, |t| json!(t.get_ref().to_string())),
            "coverage": CoverageRule::ALL.iter().find(|(_, r)| *r == c.coverage).map(|(n, _)| *n),
            "metrics": map(&c.metrics, |m| json!({
                "observations": m.observations.iter().map(|(c, _)| c.name()).collect::<Vec<_>>(),
                "zones": strs(&m.zones),
                "weapon_classes": strs(&m.weapon_classes),
                "details": map(&m.details, |v| strs(v)),
                "in_withdrawal_zone": m.in_withdrawal_zone,
                "verified": m.verified,
                "attributed": m.attributed,
                "sum": match &m.measure { Measure::Sum(f) => s(f), _ => Value::Null },
                "latest": match &m.measure { Measure::Latest(f) => s(f), _ => Value::Null },
                "max": match &m.measure { Measure::Max(f) => s(f), _ => Value::Null },
                "window": match m.window {
                    Window::Period => "period".to_string(),
                    Window::Cumulative => "cumulative".to_string(),
                    Window::Rolling(n) => format!("rolling:{n}"),
                },
            })),
            "condition": s(&c.condition),
        })),
        "clocks": map(&a.clocks, |c| json!({"title": s(&c.title), "while": s(&c.while_)})),
        "phases": map(&a.phases, |p| json!({
            "title": s(&p.title),
            "text": s(&p.text),
            "initial": p.initial,
            "min_days": opt(&p.min_days, |x| json!(x.get_ref())),
        })),
        "transitions": map(&a.transitions, |t| json!({
            "from": s(&t.from),
            "to": s(&t.to),
            "when": opt(&t.when, s),
            "certify": quorum(&t.certify),
            "revert": t.revert,
        })),
        "relief": map(&a.relief, |t| json!({
            "title": s(&t.title),
            "text": s(&t.text),
            "authority": s(&t.authority),
            "phases": strs(&t.phases),
            "certify": quorum(&t.certify),
            "snapback": opt(&t.snapback, |sb| {
                let mut v = json!({
                    "when": opt(&sb.when, s),
                    "notify": quorum(&sb.notify),
                    "joint_commission_days": sb.joint_commission_days.get_ref(),
                    "ministerial_days": sb.ministerial_days.get_ref(),
                    "vote_days": sb.vote_days.get_ref(),
                    "continue": quorum(&sb.continue_),
                });
                // Only when given: an agreement without them keeps its hash.
                for (k, d) in [
                    ("advisory_board_days", &sb.advisory_board_days),
                    ("commission_review_days", &sb.commission_review_days),
                ] {
                    if let Some(d) = d {
                        v[k] = json!(d.get_ref());
                    }
                }
                v
            }),
        })),
        "guarantees": map(&a.guarantees, |g| json!({
            "title": s(&g.title),
            "text": s(&g.text),
            "protects": strs(&g.protects),
            "guarantors": strs(&g.guarantors),
            "trigger": s(&g.trigger),
            "consultation_hours": g.consultation_hours.get_ref(),
            "decision": quorum(&g.decision),
        })),
        "amendments": json!({"require": quorum(&a.amendments.require)}),
        "control": opt(&a.control, |c| json!({"change": quorum(&c.change)})),
        // Absent (and so pruned) without `[witnesses]`: an agreement
        // written before witnesses existed keeps its hash.
        "witnesses": opt(&a.witnesses, |w| json!({
            "quorum": match &w.quorum {
                WitnessQuorum::None(_) => json!("none"),
                WitnessQuorum::Required(q) => quorum(q),
                WitnessQuorum::Invalid => Value::Null,
            },
            "list": map(&w.list, |x| json!({
                "run_by": s(&x.run_by),
                "key": opt(&x.key, |k| json!(k.get_ref().to_string())),
                "url": opt(&x.url, s),
            })),
        })),
    });
    let mut v = v;
    // Only when written: an agreement in one language keeps its hash.
    if let Some(list) = &a.languages {
        v["languages"] = strs(list.get_ref());
    }
    if !a.texts.is_empty() {
        v["texts"] = map(&a.texts, language_text);
    }
    prune(v)
}

/// A text in another language, as its tables are written.
fn language_text(t: &super::texts::LanguageText) -> Value {
    let mut o = serde_json::Map::new();
    o.insert("title".into(), opt(&t.title, s));
    // An empty table means nothing: written or not, the same hash.
    for (section, items) in t.sections.iter().filter(|(_, items)| !items.is_empty()) {
        let items = map(items, |item| {
            json!({
                section.name_key(): opt(&item.title, s),
                "text": opt(&item.text, s),
            })
        });
        o.insert(section.key().into(), items);
    }
    Value::Object(o)
}

/// The RFC 8785 canonical JSON of the agreement.
pub fn canonical_json(a: &Agreement) -> String {
    crate::jcs::to_string(&to_value(a))
}

/// The agreement's identity: SHA-256 of its canonical JSON.
pub fn hash(a: &Agreement) -> Digest {
    Digest::of(canonical_json(a).as_bytes())
}
