//! Checks of `[witnesses]`: who runs each witness, its key and URL, and a
//! quorum that can be met and written as a C2SP tlog-policy (each witness
//! counting toward it in one way only).

use std::collections::BTreeMap;
use std::ops::Range;

use super::Checker;
use crate::agreement::model::{WitnessQuorum, Witnesses};
use crate::agreement::witnesses::{Unit, policy, run_by, units};
use crate::diag::{Sp, Span};
use crate::quorum::{Quorum, Requirement};

pub(super) fn check(ch: &mut Checker<'_>) {
    let Some(w) = ch.a.witnesses.clone() else {
        return;
    };
    let log = ch.a.operator.as_ref().and_then(|o| o.log.clone());
    if log.is_none() {
        let d = ch.err(
            "agreement::witnesses",
            w.span.clone(),
            "`[witnesses]` says whose cosignatures make a checkpoint valid, but the agreement does not name the log's key",
            "whose checkpoints?",
        );
        d.help = Some(
            "add `log = \"<the log's verifier key>\"` to [operator]: witnesses cosign that log's checkpoints".into(),
        );
    }
    let principals: Vec<String> =
        ch.a.parties
            .keys()
            .chain(ch.a.organisations.keys())
            .cloned()
            .collect();
    // The first witness with each public key.
    let mut keys: BTreeMap<Vec<u8>, (String, Range<usize>)> = BTreeMap::new();
    // In file order: the later of two is the one reported.
    let mut in_order: Vec<_> = w.list.values().collect();
    in_order.sort_by_key(|x| x.id.span().start);
    for x in in_order {
        let id = x.id.get_ref();
        if id == "none" || id.is_empty() || id.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            ch.err(
                "agreement::witnesses",
                x.id.span(),
                format!("`{id}` cannot name a witness: a C2SP policy name has no whitespace, and `none` is taken"),
                "not a witness name",
            );
        }
        if principals.contains(id) {
            let d = ch.err(
                "agreement::duplicate",
                x.id.span(),
                format!("`{id}` names both a witness and a party or organisation"),
                "already a party or organisation",
            );
            d.help = Some(format!(
                "a quorum counts `{id}` as whoever it names; call the witness something else, e.g. `{id}_1`"
            ));
        }
        let by = x.run_by.get_ref();
        if !by.is_empty() && !principals.contains(by) {
            if by.starts_with('@') {
                ch.err(
                    "agreement::witnesses",
                    x.run_by.span(),
                    format!("witness `{id}` is run by `{by}`, a group: one party or organisation runs a witness"),
                    "a group",
                );
            } else {
                ch.unknown(&x.run_by, "party or organisation", &principals);
            }
        }
        if let Some(k) = &x.key {
            let bytes = k.get_ref().public_key_bytes().to_vec();
            if let Some(log) = &log
                && log.get_ref().public_key().as_bytes().as_slice() == bytes.as_slice()
            {
                let span = Span::new(ch.file, log.span());
                let d = ch.err(
                    "agreement::witnesses",
                    k.span(),
                    format!("witness `{id}` has the log's own key: the log cannot witness itself"),
                    "the log's key",
                );
                d.also.push((span, "the log's key".into()));
            }
            match keys.get(&bytes) {
                Some((first, at)) => {
                    let span = Span::new(ch.file, at.clone());
                    let msg = format!(
                        "witness `{id}` has the same key as witness `{first}`: one witness under two names would count twice"
                    );
                    let d = ch.err("agreement::duplicate", k.span(), msg, "the same public key");
                    d.also.push((span, format!("`{first}`'s key")));
                }
                None => {
                    keys.insert(bytes, (id.clone(), k.span()));
                }
            }
        }
        if let Some(u) = &x.url {
            let s = u.get_ref();
            let ok = (s.starts_with("https://") || s.starts_with("http://"))
                && !s.chars().any(|c| c.is_whitespace() || c.is_control());
            if !ok {
                ch.err(
                    "agreement::witnesses",
                    u.span(),
                    format!("`witnesses.{id}.url` must be an http(s):// address without spaces: the witness's C2SP tlog-witness submission prefix"),
                    "not a witness URL",
                );
            }
        }
    }
    let mut counted = Counted {
        // A witness whose runner is unknown (reported) may be the one a
        // party seems to lack: one mistake, one error.
        runner_unknown: w
            .list
            .values()
            .any(|x| !principals.contains(x.run_by.get_ref())),
        ..Counted::default()
    };
    if let WitnessQuorum::Required(q) = &w.quorum {
        quorum(ch, &w, q, "witnesses.quorum", &mut counted);
        for x in w.list.values() {
            if !counted.witness(&w, x.id.get_ref())
                && !counted.unknown_name
                && principals.contains(x.run_by.get_ref())
            {
                ch.warn(
                    "agreement::unused",
                    x.id.span(),
                    format!(
                        "witness `{}` never counts toward the quorum (neither it nor `{}` is named in it)",
                        x.id.get_ref(),
                        x.run_by.get_ref()
                    ),
                    "not counted",
                );
            }
        }
    }
    // Belt and braces: what the check let pass is a valid C2SP policy
    // (an error anywhere, a bad key say, leaves it incomplete).
    if !ch.diags.has_errors()
        && let Err(e) = policy(ch.a)
    {
        ch.err(
            "agreement::witnesses",
            w.span.clone(),
            format!("the witness policy cannot be written as C2SP tlog-policy: {e}"),
            "here",
        );
    }
}

/// What the quorum has counted so far, and where.
#[derive(Default)]
struct Counted {
    units: BTreeMap<Unit, Range<usize>>,
    /// Principals already reported as running no witness.
    keyless: Vec<String>,
    /// Whether some witness is run by an unknown name (reported).
    runner_unknown: bool,
    /// Whether the quorum names something unknown (reported): it may be
    /// the witness that seems not to count.
    unknown_name: bool,
}

impl Counted {
    /// Whether a witness counts: by its name, or through who runs it.
    fn witness(&self, w: &Witnesses, id: &str) -> bool {
        self.units.contains_key(&Unit::Witness(id.into()))
            || w.list.get(id).is_some_and(|x| {
                self.units
                    .contains_key(&Unit::Principal(x.run_by.get_ref().clone()))
            })
    }

    /// Where `u`, or a unit that overlaps it, was counted already, and
    /// how to say so.
    fn overlap(&self, w: &Witnesses, u: &Unit) -> Option<(String, Range<usize>)> {
        let at = |unit: &Unit| self.units.get(unit).cloned();
        let already = "already counts toward the witness quorum";
        match u {
            Unit::Witness(x) => at(u).map(|s| (format!("`{x}` {already}"), s)).or_else(|| {
                let p = w.list.get(x)?.run_by.get_ref().clone();
                at(&Unit::Principal(p.clone()))
                    .map(|s| (format!("`{x}` {already}, through `{p}`, which runs it"), s))
            }),
            Unit::Principal(p) => at(u).map(|s| (format!("`{p}` {already}"), s)).or_else(|| {
                run_by(w, p).into_iter().find_map(|x| {
                    at(&Unit::Witness(x.to_string()))
                        .map(|s| (format!("`{p}` {already}, through its witness `{x}`"), s))
                })
            }),
        }
    }
}

fn quorum(ch: &mut Checker<'_>, w: &Witnesses, q: &Quorum, path: &str, counted: &mut Counted) {
    if q.requirements.is_empty() {
        let d = ch.err(
            "agreement::quorum",
            q.span.clone(),
            format!("`{path}` requires no witness"),
            "empty quorum",
        );
        d.help = Some("to require no cosignature, say so: quorum = \"none\"".into());
        return;
    }
    for r in &q.requirements {
        match r {
            Requirement::All { names, span } => {
                if names.is_empty() {
                    ch.err(
                        "agreement::quorum",
                        span.clone(),
                        format!("`{path}`: `all` lists no one"),
                        "empty",
                    );
                }
                members(ch, w, names, path, counted);
            }
            Requirement::AtLeast { k, of, .. } => {
                let n = members(ch, w, of, path, counted);
                if *k.get_ref() == 0 {
                    ch.err(
                        "agreement::quorum",
                        k.span(),
                        format!("`{path}`: at_least = 0 requires no witness"),
                        "must be 1 or more",
                    );
                } else if *k.get_ref() > n as u64 {
                    let d = ch.err(
                        "agreement::quorum",
                        k.span(),
                        format!(
                            "`{path}` needs {} of a list of {n}: it can never be met",
                            k.get_ref()
                        ),
                        format!("only {n} can witness"),
                    );
                    d.help = Some(
                        "a party or organisation counts once, however many witnesses it runs; to count its witnesses one by one, name them".into(),
                    );
                }
            }
            Requirement::Any { options, span } => {
                if options.is_empty() {
                    ch.err(
                        "agreement::quorum",
                        span.clone(),
                        format!("`{path}`: `any` lists no quorum"),
                        "empty",
                    );
                }
                for (i, o) in options.iter().enumerate() {
                    quorum(ch, w, o, &format!("{path}.any[{i}]"), counted);
                }
            }
        }
    }
}

/// Checks and counts a requirement's names; returns how many units they
/// stand for.
fn members(
    ch: &mut Checker<'_>,
    w: &Witnesses,
    names: &[Sp<String>],
    path: &str,
    counted: &mut Counted,
) -> usize {
    let mut n = 0;
    for name in names {
        let s = name.get_ref();
        if s.starts_with('@') {
            // Reports an unknown group and marks it used.
            ch.check_principal_or_group(name, false);
        }
        let us = units(ch.a, w, s);
        if us.is_empty() && !s.starts_with('@') {
            let known: Vec<String> = w
                .list
                .keys()
                .cloned()
                .chain(ch.a.parties.keys().cloned())
                .chain(ch.a.organisations.keys().cloned())
                .chain(ch.group_names.iter().cloned())
                .collect();
            ch.unknown(name, "witness, party or organisation", &known);
            // Counted as what it was meant to be: one mistake, one error.
            counted.unknown_name = true;
            n += 1;
            continue;
        }
        for u in us {
            n += 1;
            if let Unit::Principal(p) = &u
                && run_by(w, p).is_empty()
                && !counted.runner_unknown
                && !counted.keyless.contains(p)
            {
                counted.keyless.push(p.clone());
                let d = ch.err(
                    "agreement::quorum",
                    name.span(),
                    format!("`{path}` counts on `{p}`, which runs no witness: it can never be met"),
                    "runs no witness",
                );
                d.help = Some(format!(
                    "add a witness run by it: [witnesses.{}_1] run_by = \"{p}\", key = \"...\"",
                    p.to_lowercase()
                ));
            }
            if let Some((what, first)) = counted.overlap(w, &u) {
                let span = Span::new(ch.file, first);
                let d = ch.err(
                    "agreement::quorum",
                    name.span(),
                    format!(
                        "`{path}`: {what}; in a C2SP policy each witness counts in one way only"
                    ),
                    "counted again",
                );
                d.also.push((span, "counted here".into()));
                d.help = Some(
                    "name each witness, party or organisation once in the whole quorum".into(),
                );
                continue;
            }
            counted.units.insert(u, name.span());
        }
    }
    n
}
