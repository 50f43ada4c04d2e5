//! The agreement file, read into the model. Every shape problem is
//! recorded with its place; the model is built from whatever is readable so
//! that later checks can find more problems in the same run.

use std::collections::BTreeMap;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::model::*;
use super::reader::{Ctx, Obj, strs_of, type_name};
use super::texts::{LanguageText, Section, Translation};
use crate::diag::{Diag, FileId, Sp, closest};
use crate::quorum::{Quorum, Requirement};
use crate::vocab::{Category, Sensor};

/// The agreement format this code reads.
pub const FORMAT: u64 = 1;

fn sp<T>(span: std::ops::Range<usize>, v: T) -> Sp<T> {
    Spanned::new(span, v)
}

/// "a" or "an", for messages.
pub fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// A placeholder for something required but missing (already reported).
fn missing() -> Sp<String> {
    sp(0..0, String::new())
}

/// Reads an enumeration value (one of `options`), reporting others.
fn choice<T: Copy>(
    ctx: &mut Ctx<'_>,
    v: &Sp<String>,
    what: &str,
    options: &[(&'static str, T)],
) -> Option<T> {
    if let Some((_, t)) = options.iter().find(|(n, _)| *n == v.get_ref()) {
        return Some(*t);
    }
    let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
    let mut d = Diag::error(
        "agreement::value",
        format!("`{}` is not {} {what}", v.get_ref(), article(what)),
    )
    .at(ctx.span(v.span()), format!("not {} {what}", article(what)));
    d = match closest(v.get_ref(), &names) {
        Some(c) => d.help(format!("did you mean `{c}`?")),
        None => d.help(format!("one of: {}", names.join(", "))),
    };
    ctx.push(d);
    None
}

pub fn parse(file: FileId, root: &Spanned<DeTable<'_>>, ctx: &mut Ctx<'_>) -> Agreement {
    let mut top = Obj::new("", root.span(), root.get_ref());
    match top.uint(ctx, "format") {
        Some(f) if *f.get_ref() == FORMAT => {}
        Some(f) => ctx.error(
            "agreement::format",
            f.span(),
            format!(
                "agreement format {} is not known to this version of accord",
                f.get_ref()
            ),
            format!("this version reads format {FORMAT}"),
        ),
        None => {
            if top.value("format").is_none() {
                let d = Diag::error(
                    "agreement::missing",
                    "the agreement does not say its format",
                )
                .at(ctx.span(0..0), "add `format = 1` at the top")
                .help("every agreement file starts with `format = 1`");
                ctx.push(d);
            }
        }
    }
    let id = top.req_str(ctx, "id").unwrap_or_else(missing);
    let title = top.req_str(ctx, "title").unwrap_or_else(missing);
    let version = top.req_str(ctx, "version").unwrap_or_else(missing);
    let language = top.str(ctx, "language");
    let timezone = top.req_str(ctx, "timezone").unwrap_or_else(missing);
    if !timezone.get_ref().is_empty() && jiff::tz::TimeZone::get(timezone.get_ref()).is_err() {
        ctx.error(
            "agreement::timezone",
            timezone.span(),
            format!("`{}` is not an IANA time zone", timezone.get_ref()),
            "unknown time zone",
        );
    }

    let anchors = anchors(&mut top, ctx);
    let reporting = reporting(&mut top, ctx);

    let mut groups = BTreeMap::new();
    if let Some(g) = top.table(ctx, "groups") {
        for (k, v) in g_entries(&g) {
            if let Some(list) = strs_of(ctx, &format!("groups.{}", k.get_ref()), v) {
                groups.insert(k.get_ref().clone(), sp(v.span(), list));
            }
        }
    }

    let parties = top
        .named(ctx, "parties")
        .into_iter()
        .map(|(name, mut o)| {
            let p = Party {
                name: o.req_str(ctx, "name").unwrap_or_else(missing),
                roles: o
                    .strs(ctx, "roles")
                    .map(|r| {
                        r.into_inner()
                            .iter()
                            .filter_map(|s| choice(ctx, s, "role", &Role::ALL))
                            .collect()
                    })
                    .unwrap_or_default(),
                keys_written: o.strs(ctx, "keys").map(|k| k.get_ref().len()).unwrap_or(0),
                keys: keys(&mut o, ctx),
                id: name.clone(),
            };
            o.finish(ctx);
            (name.into_inner(), p)
        })
        .collect();

    let organisations = top
        .named(ctx, "organisations")
        .into_iter()
        .map(|(name, mut o)| {
            let kind_s = o.req_str(ctx, "kind");
            let org = Organisation {
                name: o.req_str(ctx, "name").unwrap_or_else(missing),
                kind: kind_s
                    .and_then(|k| choice(ctx, &k, "kind of organisation", &OrgKind::ALL))
                    .unwrap_or(OrgKind::Mission),
                affiliation: o.str(ctx, "affiliation"),
                keys_written: o.strs(ctx, "keys").map(|k| k.get_ref().len()).unwrap_or(0),
                keys: keys(&mut o, ctx),
                id: name.clone(),
            };
            o.finish(ctx);
            (name.into_inner(), org)
        })
        .collect();

    let accreditation = match top.table(ctx, "accreditation") {
        Some(mut o) => {
            let grant = req_quorum(&mut o, ctx, "grant");
            let revoke = req_quorum(&mut o, ctx, "revoke");
            o.finish(ctx);
            Accreditation { grant, revoke }
        }
        None => {
            let d = Diag::error("agreement::missing", "the agreement does not say how monitors are accredited")
                .at(ctx.span(0..0), "add an [accreditation] table")
                .help("[accreditation] has `grant` and `revoke`: who signs the statements adding and removing monitor keys");
            ctx.push(d);
            Accreditation {
                grant: empty_quorum(),
                revoke: empty_quorum(),
            }
        }
    };

    let operator = top.table(ctx, "operator").map(|mut o| {
        let log =
            o.str(ctx, "log")
                .and_then(|k| match tlog_core::VerifierKey::parse(k.get_ref()) {
                    Ok(v) if v.key_type() == tlog_core::KeyType::Ed25519 => Some(sp(k.span(), v)),
                    Ok(_) => {
                        ctx.error(
                            "agreement::key",
                            k.span(),
                            "the log's key must be an Ed25519 (type 0x01) note key",
                            "this is a cosignature key",
                        );
                        None
                    }
                    Err(e) => {
                        ctx.error(
                            "agreement::key",
                            k.span(),
                            format!("not a verifier key: {e}"),
                            "bad key",
                        );
                        None
                    }
                });
        let op = Operator {
            name: o.req_str(ctx, "name").unwrap_or_else(missing),
            keys: keys(&mut o, ctx),
            log,
        };
        o.finish(ctx);
        op
    });

    let weapon_classes = top
        .named(ctx, "weapon_classes")
        .into_iter()
        .map(|(name, mut o)| {
            let w = WeaponClass {
                title: o.req_str(ctx, "title").unwrap_or_else(missing),
                min_calibre_mm: o.num(ctx, "min_calibre_mm"),
                max_calibre_mm: o.num(ctx, "max_calibre_mm"),
                systems: o
                    .strs(ctx, "systems")
                    .map(Spanned::into_inner)
                    .unwrap_or_default(),
                withdrawal_km: o.num(ctx, "withdrawal_km"),
                id: name.clone(),
            };
            o.finish(ctx);
            (name.into_inner(), w)
        })
        .collect();

    let withdrawal = match top.table(ctx, "withdrawal") {
        Some(mut o) => {
            let mut w = Withdrawal {
                span: Some(o.span.clone()),
                ..Default::default()
            };
            if let Some(lines) = o.table(ctx, "reference_lines") {
                for (k, v) in g_entries(&lines) {
                    match v.get_ref() {
                        DeValue::String(s) => {
                            w.reference_lines
                                .insert(k.get_ref().clone(), sp(v.span(), s.to_string()));
                        }
                        other => ctx.error(
                            "agreement::type",
                            v.span(),
                            format!(
                                "`withdrawal.reference_lines.{}` must be a zone name, not {}",
                                k.get_ref(),
                                type_name(other)
                            ),
                            "expected a zone name",
                        ),
                    }
                }
            }
            o.finish(ctx);
            w
        }
        None => Withdrawal::default(),
    };

    let zones = top
        .named(ctx, "zones")
        .into_iter()
        .map(|(name, mut o)| {
            let kind_s = o.req_str(ctx, "kind");
            let kind_span = kind_s.as_ref().map(|k| k.span()).unwrap_or(o.span.clone());
            let kind = kind_s.and_then(|k| choice(ctx, &k, "zone kind", &ZoneKind::ALL));
            let mut select = BTreeMap::new();
            if let Some(s) = o.table(ctx, "select") {
                for (k, v) in g_entries(&s) {
                    match v.get_ref() {
                        DeValue::String(x) => {
                            select.insert(k.get_ref().clone(), sp(v.span(), x.to_string()));
                        }
                        DeValue::Integer(i) => {
                            select
                                .insert(k.get_ref().clone(), sp(v.span(), i.as_str().to_string()));
                        }
                        other => ctx.error(
                            "agreement::type",
                            v.span(),
                            format!(
                                "a `select` value must be a string or integer, not {}",
                                type_name(other)
                            ),
                            "expected a property value",
                        ),
                    }
                }
            }
            let z = Zone {
                title: o.str(ctx, "title"),
                kind: kind.unwrap_or(ZoneKind::Region),
                kind_span,
                kind_ok: kind.is_some(),
                source: o.str(ctx, "source"),
                select,
                geometry: None,
                party: o.str(ctx, "party"),
                left: o.str(ctx, "left"),
                right: o.str(ctx, "right"),
                radius_m: o.num(ctx, "radius_m"),
                width_m: o.num(ctx, "width_m"),
                around: o.str(ctx, "around"),
                distance_km: o.num(ctx, "distance_km"),
                contested_m: o.num(ctx, "contested_m"),
                id: name.clone(),
            };
            o.finish(ctx);
            (name.into_inner(), z)
        })
        .collect();

    let verification = verification(&mut top, ctx);

    let clauses = top
        .named(ctx, "clauses")
        .into_iter()
        .map(|(name, mut o)| {
            let binds = o.strs(ctx, "binds");
            if binds.is_none() && o.value("binds").is_none() {
                let d = Diag::error(
                    "agreement::missing",
                    format!("clause `{}` does not say whom it binds", name.get_ref()),
                )
                .at(ctx.span(name.span()), "needs `binds`");
                ctx.push(d);
            }
            let c = Clause {
                title: o.req_str(ctx, "title").unwrap_or_else(missing),
                text: o.req_str(ctx, "text").unwrap_or_else(missing),
                binds: binds.map(Spanned::into_inner).unwrap_or_default(),
                from: time_ref(&mut o, ctx, "from"),
                until: time_ref(&mut o, ctx, "until"),
                due: time_ref(&mut o, ctx, "due"),
                coverage: o
                    .str(ctx, "coverage")
                    .and_then(|v| choice(ctx, &v, "coverage rule", &CoverageRule::ALL))
                    .unwrap_or(CoverageRule::Required),
                metrics: metrics(&mut o, ctx, name.get_ref()),
                condition: o.req_str(ctx, "condition").unwrap_or_else(missing),
                id: name.clone(),
            };
            o.finish(ctx);
            (name.into_inner(), c)
        })
        .collect();

    let clocks = top
        .named(ctx, "clocks")
        .into_iter()
        .map(|(name, mut o)| {
            let c = Clock {
                title: o.req_str(ctx, "title").unwrap_or_else(missing),
                while_: o.req_str(ctx, "while").unwrap_or_else(missing),
                id: name.clone(),
            };
            o.finish(ctx);
            (name.into_inner(), c)
        })
        .collect();

    let phases = top
        .named(ctx, "phases")
        .into_iter()
        .map(|(name, mut o)| {
            let p = Phase {
                title: o.req_str(ctx, "title").unwrap_or_else(missing),
                text: o.req_str(ctx, "text").unwrap_or_else(missing),
                initial: o
                    .bool(ctx, "initial")
                    .map(Spanned::into_inner)
                    .unwrap_or(false),
                min_days: o.uint(ctx, "min_days"),
                id: name.clone(),
            };
            o.finish(ctx);
            (name.into_inner(), p)
        })
        .collect();

    let transitions = top
        .named(ctx, "transitions")
        .into_iter()
        .map(|(name, mut o)| {
            let t = Transition {
                from: o.req_str(ctx, "from").unwrap_or_else(missing),
                to: o.req_str(ctx, "to").unwrap_or_else(missing),
                when: o.str(ctx, "when"),
                certify: req_quorum(&mut o, ctx, "certify"),
                revert: o
                    .bool(ctx, "revert")
                    .map(Spanned::into_inner)
                    .unwrap_or(false),
                id: name.clone(),
            };
            o.finish(ctx);
            (name.into_inner(), t)
        })
        .collect();

    let relief = top
        .named(ctx, "relief")
        .into_iter()
        .map(|(name, mut o)| {
            let snapback = o.table(ctx, "snapback").map(|mut s| {
                let sb = Snapback {
                    when: s.str(ctx, "when"),
                    notify: req_quorum(&mut s, ctx, "notify"),
                    joint_commission_days: req_uint(&mut s, ctx, "joint_commission_days"),
                    ministerial_days: req_uint(&mut s, ctx, "ministerial_days"),
                    advisory_board_days: s.uint(ctx, "advisory_board_days"),
                    commission_review_days: s.uint(ctx, "commission_review_days"),
                    vote_days: req_uint(&mut s, ctx, "vote_days"),
                    continue_: req_quorum(&mut s, ctx, "continue"),
                };
                s.finish(ctx);
                sb
            });
            let t = Tranche {
                title: o.req_str(ctx, "title").unwrap_or_else(missing),
                text: o.req_str(ctx, "text").unwrap_or_else(missing),
                authority: o.req_str(ctx, "authority").unwrap_or_else(missing),
                phases: o
                    .strs(ctx, "phases")
                    .map(Spanned::into_inner)
                    .unwrap_or_default(),
                certify: req_quorum(&mut o, ctx, "certify"),
                snapback,
                id: name.clone(),
            };
            o.finish(ctx);
            (name.into_inner(), t)
        })
        .collect();

    let guarantees = top
        .named(ctx, "guarantees")
        .into_iter()
        .map(|(name, mut o)| {
            let g = Guarantee {
                title: o.req_str(ctx, "title").unwrap_or_else(missing),
                text: o.req_str(ctx, "text").unwrap_or_else(missing),
                protects: o
                    .strs(ctx, "protects")
                    .map(Spanned::into_inner)
                    .unwrap_or_default(),
                guarantors: o
                    .strs(ctx, "guarantors")
                    .map(Spanned::into_inner)
                    .unwrap_or_default(),
                trigger: o.req_str(ctx, "trigger").unwrap_or_else(missing),
                consultation_hours: req_uint(&mut o, ctx, "consultation_hours"),
                decision: req_quorum(&mut o, ctx, "decision"),
                id: name.clone(),
            };
            o.finish(ctx);
            (name.into_inner(), g)
        })
        .collect();

    let amendments = match top.table(ctx, "amendments") {
        Some(mut o) => {
            let require = req_quorum(&mut o, ctx, "require");
            o.finish(ctx);
            Amendments { require }
        }
        None => {
            let d = Diag::error("agreement::missing", "the agreement does not say who must sign an amendment")
                .at(ctx.span(0..0), "add an [amendments] table")
                .help("[amendments] require = [{ all = \"@signatories\" }] at least: never without the parties bound");
            ctx.push(d);
            Amendments {
                require: empty_quorum(),
            }
        }
    };

    let control = top.table(ctx, "control").map(|mut o| {
        let change = req_quorum(&mut o, ctx, "change");
        o.finish(ctx);
        ControlRules { change }
    });

    let witnesses = top.table(ctx, "witnesses").map(|o| witnesses(o, ctx));
    let languages = top.strs(ctx, "languages");
    let texts = texts(&mut top, ctx);

    top.finish(ctx);
    Agreement {
        file,
        id,
        title,
        version,
        language,
        languages,
        texts,
        timezone,
        anchors,
        reporting,
        groups,
        parties,
        organisations,
        accreditation,
        operator,
        weapon_classes,
        withdrawal,
        zones,
        verification,
        clauses,
        clocks,
        phases,
        transitions,
        relief,
        guarantees,
        amendments,
        control,
        witnesses,
    }
}

/// `[witnesses]`: `quorum`, and a table for each witness.
fn witnesses(o: Obj<'_, '_>, ctx: &mut Ctx<'_>) -> Witnesses {
    let mut quorum_v = WitnessQuorum::Invalid;
    let mut list = BTreeMap::new();
    let mut saw_quorum = false;
    for (name, v) in o.entries() {
        if name.get_ref() == "quorum" {
            saw_quorum = true;
            quorum_v = match v.get_ref() {
                DeValue::String(s) if s.as_ref() == "none" => WitnessQuorum::None(v.span()),
                DeValue::String(s) => {
                    ctx.error(
                        "agreement::quorum",
                        v.span(),
                        format!(
                            "`witnesses.quorum` must be a quorum or \"none\", not the string {:?}",
                            s.as_ref()
                        ),
                        "expected [{ all = [...] }, { at_least = k, of = [...] }] or \"none\"",
                    );
                    WitnessQuorum::Invalid
                }
                _ => quorum(ctx, "witnesses.quorum", v)
                    .map(WitnessQuorum::Required)
                    .unwrap_or(WitnessQuorum::Invalid),
            };
            continue;
        }
        let Some(mut w) = Obj::of(ctx, format!("witnesses.{}", name.get_ref()), v) else {
            continue;
        };
        let run_by = w.req_str(ctx, "run_by").unwrap_or_else(missing);
        let key = w.req_str(ctx, "key").and_then(|k| cosigner_key(ctx, &k));
        let url = w.str(ctx, "url");
        w.finish(ctx);
        list.insert(
            name.get_ref().clone(),
            Witness {
                id: name,
                run_by,
                key,
                url,
            },
        );
    }
    if !saw_quorum {
        let d = Diag::error(
            "agreement::missing",
            "`[witnesses]` does not say whose cosignatures a checkpoint needs (`quorum`)",
        )
        .at(ctx.span(o.span.clone()), "needs `quorum`")
        .help("quorum = [{ all = \"@signatories\" }, { at_least = 1, of = [\"MISSION\"] }]: a witness of each signatory and one of the Mission's; or quorum = \"none\"");
        ctx.push(d);
    }
    Witnesses {
        span: o.span.clone(),
        list,
        quorum: quorum_v,
    }
}

/// A witness's key: a cosigner vkey (type 0x04 or 0x06).
fn cosigner_key(
    ctx: &mut Ctx<'_>,
    k: &Sp<String>,
) -> Option<Sp<tlog_core::cosignature::CosignerKey>> {
    match tlog_core::cosignature::CosignerKey::parse(k.get_ref()) {
        Ok(c) => Some(sp(k.span(), c)),
        Err(e) => {
            // A party's signing key given by mistake: say so plainly.
            let signing = tlog_core::VerifierKey::parse(k.get_ref())
                .is_ok_and(|v| v.key_type() == tlog_core::KeyType::Ed25519);
            if signing {
                ctx.push(
                    Diag::error(
                        "agreement::key",
                        "a witness cosigns with a cosigner key (type 0x04 Ed25519 or 0x06 ML-DSA-44), not a signing key (type 0x01)",
                    )
                    .at(ctx.span(k.span()), "a signing key")
                    .help("the witness prints its own verifier key when it is set up: use that"),
                );
            } else {
                ctx.error(
                    "agreement::key",
                    k.span(),
                    format!("not a witness's verifier key: {e}"),
                    "bad key",
                );
            }
            None
        }
    }
}

/// The entries of a table whose keys are all free-form names.
fn g_entries<'v, 'i>(o: &Obj<'v, 'i>) -> Vec<(Sp<String>, &'v Spanned<DeValue<'i>>)> {
    o.entries()
}

fn empty_quorum() -> Quorum {
    Quorum {
        requirements: Vec::new(),
        span: 0..0,
    }
}

fn req_uint(o: &mut Obj<'_, '_>, ctx: &mut Ctx<'_>, key: &'static str) -> Sp<u64> {
    if o.value(key).is_none() {
        let d = Diag::error(
            "agreement::missing",
            format!("`[{}]` is missing `{key}`", o.path),
        )
        .at(ctx.span(o.span.clone()), format!("needs `{key}`"));
        ctx.push(d);
        return sp(0..0, 0);
    }
    o.uint(ctx, key).unwrap_or_else(|| sp(0..0, 0))
}

fn keys(o: &mut Obj<'_, '_>, ctx: &mut Ctx<'_>) -> Vec<Sp<tlog_core::VerifierKey>> {
    let Some(list) = o.strs(ctx, "keys") else {
        return Vec::new();
    };
    list.into_inner()
        .into_iter()
        .filter_map(|k| match tlog_core::VerifierKey::parse(k.get_ref()) {
            Ok(v) if v.key_type() == tlog_core::KeyType::Ed25519 => Some(sp(k.span(), v)),
            Ok(_) => {
                ctx.error(
                    "agreement::key",
                    k.span(),
                    "a signing key must be an Ed25519 (type 0x01) note key",
                    "this is a cosignature key",
                );
                None
            }
            Err(e) => {
                ctx.error(
                    "agreement::key",
                    k.span(),
                    format!("not a verifier key: {e}"),
                    "bad key",
                );
                None
            }
        })
        .collect()
}

fn anchors(top: &mut Obj<'_, '_>, ctx: &mut Ctx<'_>) -> BTreeMap<String, Anchor> {
    let mut out = BTreeMap::new();
    let Some(t) = top.table(ctx, "anchors") else {
        let d = Diag::error("agreement::missing", "the agreement has no anchors (such as D-day)")
            .at(ctx.span(0..0), "add an [anchors] table")
            .help("[anchors] D = \"adoption\" or D = 2026-02-01T00:00:00+02:00: deadlines like \"D+14\" count from it");
        ctx.push(d);
        return out;
    };
    for (k, v) in t.entries() {
        let a = match v.get_ref() {
            DeValue::String(s) if s.as_ref() == "adoption" => {
                Some(Anchor::Adoption(sp(v.span(), ())))
            }
            DeValue::Datetime(dt) => match dt.to_string().parse::<jiff::Timestamp>() {
                Ok(ts) if dt.offset.is_some() => Some(Anchor::At(sp(v.span(), ts))),
                _ => {
                    ctx.error(
                        "agreement::anchor",
                        v.span(),
                        format!(
                            "anchor `{}` must be a date-time with a UTC offset",
                            k.get_ref()
                        ),
                        "e.g. 2026-02-01T00:00:00+02:00",
                    );
                    None
                }
            },
            DeValue::String(s) => match s.parse::<jiff::Timestamp>() {
                Ok(ts) => Some(Anchor::At(sp(v.span(), ts))),
                Err(_) => {
                    ctx.error(
                        "agreement::anchor",
                        v.span(),
                        format!(
                            "anchor `{}` must be \"adoption\" or a date-time with a UTC offset",
                            k.get_ref()
                        ),
                        "not an anchor",
                    );
                    None
                }
            },
            other => {
                ctx.error(
                    "agreement::type",
                    v.span(),
                    format!(
                        "anchor `{}` must be \"adoption\" or a date-time, not {}",
                        k.get_ref(),
                        type_name(other)
                    ),
                    "not an anchor",
                );
                None
            }
        };
        out.insert(
            k.into_inner(),
            a.unwrap_or(Anchor::Invalid(sp(v.span(), ()))),
        );
    }
    out
}

fn reporting(top: &mut Obj<'_, '_>, ctx: &mut Ctx<'_>) -> Reporting {
    let mut r = Reporting {
        cutoff_minutes: 0,
        weekends: Weekends::Daily,
    };
    let Some(mut o) = top.table(ctx, "reporting") else {
        return r;
    };
    if let Some(c) = o.str(ctx, "cutoff") {
        let parsed = c.get_ref().split_once(':').and_then(|(h, m)| {
            let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
            (h < 24 && m < 60 && c.get_ref().len() == 5).then_some(h * 60 + m)
        });
        match parsed {
            Some(m) => r.cutoff_minutes = m,
            None => ctx.error(
                "agreement::value",
                c.span(),
                "`reporting.cutoff` must be a local time HH:MM",
                "e.g. \"19:30\"",
            ),
        }
    }
    if let Some(w) = o.str(ctx, "weekends")
        && let Some(x) = choice(
            ctx,
            &w,
            "weekend rule",
            &[("daily", Weekends::Daily), ("combined", Weekends::Combined)],
        )
    {
        r.weekends = x;
    }
    o.finish(ctx);
    r
}

fn time_ref(o: &mut Obj<'_, '_>, ctx: &mut Ctx<'_>, key: &'static str) -> Option<Sp<TimeRef>> {
    let s = o.str(ctx, key)?;
    match TimeRef::parse(s.get_ref()) {
        Some(t) => Some(sp(s.span(), t)),
        None => {
            ctx.error(
                "agreement::time",
                s.span(),
                format!("`{}` is not a time relative to an anchor", s.get_ref()),
                "e.g. \"D\", \"D+14\" (days) or \"D+36h\"",
            );
            None
        }
    }
}

fn verification(top: &mut Obj<'_, '_>, ctx: &mut Ctx<'_>) -> Verification {
    let mut v = Verification::default();
    let Some(mut o) = top.table(ctx, "verification") else {
        let d = Diag::error("agreement::missing", "the agreement does not say when an observation counts as verified")
            .at(ctx.span(0..0), "add [[verification.rules]]")
            .help("for example: two independent organisations within 120 minutes and 5 km, or one with evidence");
        ctx.push(d);
        return v;
    };
    for mut r in o.tables(ctx, "rules") {
        let rule = VerificationRule {
            id: r.req_str(ctx, "id").unwrap_or_else(missing),
            organisations: req_uint(&mut r, ctx, "organisations"),
            independent: r
                .bool(ctx, "independent")
                .map(Spanned::into_inner)
                .unwrap_or(true),
            within_minutes: r.uint(ctx, "within_minutes"),
            within_km: r.num(ctx, "within_km"),
            with_evidence: r
                .bool(ctx, "with_evidence")
                .map(Spanned::into_inner)
                .unwrap_or(false),
            sensors: r
                .strs(ctx, "sensors")
                .map(Spanned::into_inner)
                .unwrap_or_default(),
            by: r
                .strs(ctx, "by")
                .map(Spanned::into_inner)
                .unwrap_or_default(),
            kinds: r
                .strs(ctx, "kinds")
                .map(Spanned::into_inner)
                .unwrap_or_default()
                .iter()
                .filter_map(|k| choice(ctx, k, "kind of organisation", &OrgKind::ALL))
                .collect(),
        };
        for s in &rule.sensors {
            if !Sensor::NAMES.contains(&s.get_ref().as_str()) {
                let opts: Vec<(&str, ())> = Sensor::NAMES.iter().map(|n| (*n, ())).collect();
                choice(ctx, s, "sensor", &opts);
            }
        }
        r.finish(ctx);
        v.rules.push(rule);
    }
    if let Some(mut d) = o.table(ctx, "disputes") {
        v.disputes = Some(DisputeRules {
            lodge: req_quorum(&mut d, ctx, "lodge"),
            window_hours: req_uint(&mut d, ctx, "window_hours"),
            resolve: req_quorum(&mut d, ctx, "resolve"),
            resolution_hours: req_uint(&mut d, ctx, "resolution_hours"),
        });
        d.finish(ctx);
    }
    o.finish(ctx);
    v
}

fn metrics(o: &mut Obj<'_, '_>, ctx: &mut Ctx<'_>, clause: &str) -> BTreeMap<String, Metric> {
    let mut out = BTreeMap::new();
    for (name, mut m) in o.named(ctx, "metrics") {
        let observations = m
            .strs(ctx, "observations")
            .map(|l| {
                l.into_inner()
                    .into_iter()
                    .filter_map(|s| {
                        let opts: Vec<(&str, Category)> =
                            Category::ALL.iter().map(|c| (c.name(), *c)).collect();
                        choice(ctx, &s, "observation category", &opts).map(|c| (c, s.span()))
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        if observations.is_empty() && m.value("observations").is_none() {
            let d = Diag::error(
                "agreement::missing",
                format!(
                    "metric `{}` of clause `{clause}` does not say which observations it counts",
                    name.get_ref()
                ),
            )
            .at(ctx.span(name.span()), "needs `observations`");
            ctx.push(d);
        }
        let measure = measure(&mut m, ctx, name.get_ref());
        let window = match m.str(ctx, "window") {
            None => Window::Period,
            Some(w) => match w.get_ref().as_str() {
                "period" => Window::Period,
                "cumulative" => Window::Cumulative,
                s => match s
                    .strip_prefix("rolling:")
                    .and_then(|n| n.parse::<u32>().ok())
                    .filter(|n| *n > 0)
                {
                    Some(n) => Window::Rolling(n),
                    None => {
                        ctx.error(
                            "agreement::value",
                            w.span(),
                            format!("`{s}` is not a window"),
                            "\"period\", \"cumulative\" or \"rolling:N\" (N periods)",
                        );
                        Window::Period
                    }
                },
            },
        };
        let mut details = BTreeMap::new();
        if let Some(d) = m.table(ctx, "details") {
            for (k, v) in d.entries() {
                if let Some(list) = strs_of(ctx, &format!("{}.details.{}", m.path, k.get_ref()), v)
                {
                    details.insert(k.into_inner(), list);
                }
            }
        }
        let metric = Metric {
            observations,
            details,
            zones: m
                .strs(ctx, "zones")
                .map(Spanned::into_inner)
                .unwrap_or_default(),
            weapon_classes: m
                .strs(ctx, "weapon_classes")
                .map(Spanned::into_inner)
                .unwrap_or_default(),
            in_withdrawal_zone: m
                .bool(ctx, "in_withdrawal_zone")
                .map(Spanned::into_inner)
                .unwrap_or(false),
            verified: m
                .bool(ctx, "verified")
                .map(Spanned::into_inner)
                .unwrap_or(true),
            attributed: m
                .bool(ctx, "attributed")
                .map(Spanned::into_inner)
                .unwrap_or(true),
            measure,
            window,
            id: name.clone(),
        };
        m.finish(ctx);
        out.insert(name.into_inner(), metric);
    }
    out
}

/// What a metric measures: the number of observations, or one of `sum`,
/// `latest` and `max` of a numeric detail (at most one).
fn measure(m: &mut Obj<'_, '_>, ctx: &mut Ctx<'_>, metric: &str) -> Measure {
    let sum = m.str(ctx, "sum").map(Measure::Sum);
    let latest = m.str(ctx, "latest").map(Measure::Latest);
    let max = m.str(ctx, "max").map(Measure::Max);
    let mut given = [sum, latest, max].into_iter().flatten();
    let first = given.next();
    if let Some(second) = given.next() {
        let f = second.field().expect("a measured detail");
        ctx.error(
            "agreement::metric",
            f.span(),
            format!(
                "metric `{metric}` says both `{}` and `{}`: a metric has one measure",
                first.as_ref().and_then(Measure::key).unwrap_or("sum"),
                second.key().unwrap_or("sum")
            ),
            "one of `sum`, `latest` or `max`",
        );
    }
    first.unwrap_or(Measure::Observations)
}

fn req_quorum(o: &mut Obj<'_, '_>, ctx: &mut Ctx<'_>, key: &'static str) -> Quorum {
    let path = format!("{}.{key}", o.path);
    match o.value(key) {
        Some(v) => quorum(ctx, &path, v).unwrap_or_else(empty_quorum),
        None => {
            let d = Diag::error("agreement::missing", format!("`[{}]` does not say who must sign (`{key}`)", o.path))
                .at(ctx.span(o.span.clone()), format!("needs `{key}`"))
                .help(format!("{key} = [{{ all = [\"UA\", \"RU\"] }}] or [{{ at_least = 3, of = \"@guarantors\" }}]"));
            ctx.push(d);
            empty_quorum()
        }
    }
}

/// A quorum: a list of requirements, or one requirement on its own.
fn quorum(ctx: &mut Ctx<'_>, path: &str, v: &Spanned<DeValue<'_>>) -> Option<Quorum> {
    let items: Vec<&Spanned<DeValue<'_>>> = match v.get_ref() {
        DeValue::Array(a) => a.iter().collect(),
        DeValue::Table(_) => vec![v],
        other => {
            ctx.error(
                "agreement::type",
                v.span(),
                format!("`{path}` must be a quorum, not {}", type_name(other)),
                "expected [{ all = [...] }, { at_least = k, of = [...] }]",
            );
            return None;
        }
    };
    let mut requirements = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let ipath = format!("{path}[{i}]");
        let Some(mut o) = Obj::of(ctx, ipath.clone(), item) else {
            continue;
        };
        let all = o.value("all");
        let at_least = o.value("at_least");
        let of = o.value("of");
        let any = o.value("any");
        let span = item.span();
        match (all, at_least, of, any) {
            (Some(all), None, None, None) => {
                if let Some(names) = strs_of(ctx, &format!("{ipath}.all"), all) {
                    requirements.push(Requirement::All { names, span });
                }
            }
            (None, Some(_), Some(of), None) => {
                let k = o.uint(ctx, "at_least");
                if let (Some(k), Some(of)) = (k, strs_of(ctx, &format!("{ipath}.of"), of)) {
                    requirements.push(Requirement::AtLeast { k, of, span });
                }
            }
            (None, None, None, Some(any)) => {
                let mut options = Vec::new();
                match any.get_ref() {
                    DeValue::Array(a) => {
                        for (j, opt) in a.iter().enumerate() {
                            if let Some(q) = quorum(ctx, &format!("{ipath}.any[{j}]"), opt) {
                                options.push(q);
                            }
                        }
                    }
                    other => ctx.error(
                        "agreement::type",
                        any.span(),
                        format!("`{ipath}.any` must list quorums, not {}", type_name(other)),
                        "expected a list of quorums",
                    ),
                }
                requirements.push(Requirement::Any { options, span });
            }
            _ => ctx.error(
                "agreement::quorum",
                span,
                format!("`{ipath}` must be one of {{ all = [...] }}, {{ at_least = k, of = [...] }} or {{ any = [quorum, ...] }}"),
                "not a requirement",
            ),
        }
        o.finish(ctx);
    }
    Some(Quorum {
        requirements,
        span: v.span(),
    })
}

/// `[texts.<lang>]`: the agreement's words in another language. Whether
/// the languages and ids exist is the check's (`validate/texts.rs`).
fn texts(top: &mut Obj<'_, '_>, ctx: &mut Ctx<'_>) -> BTreeMap<String, LanguageText> {
    let mut out = BTreeMap::new();
    let Some(all) = top.table(ctx, "texts") else {
        return out;
    };
    for (lang, v) in all.entries() {
        let Some(mut o) = Obj::of(ctx, format!("texts.{}", lang.get_ref()), v) else {
            continue;
        };
        let title = o.str(ctx, "title");
        let mut sections = BTreeMap::new();
        for section in Section::ALL {
            let Some(table) = o.table(ctx, section.key()) else {
                continue;
            };
            let mut items = BTreeMap::new();
            for (id, v) in table.entries() {
                let path = format!(
                    "texts.{}.{}.{}",
                    lang.get_ref(),
                    section.key(),
                    id.get_ref()
                );
                let Some(mut item) = Obj::of(ctx, path, v) else {
                    continue;
                };
                let title = item.str(ctx, section.name_key());
                let text = if section.has_text() {
                    item.str(ctx, "text")
                } else {
                    None
                };
                item.finish(ctx);
                items.insert(
                    id.get_ref().clone(),
                    Translation {
                        id: id.clone(),
                        title,
                        text,
                    },
                );
            }
            sections.insert(section, items);
        }
        o.finish(ctx);
        out.insert(
            lang.get_ref().clone(),
            LanguageText {
                lang,
                span: v.span(),
                title,
                sections,
            },
        );
    }
    out
}
