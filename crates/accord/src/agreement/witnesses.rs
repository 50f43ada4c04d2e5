//! The agreement's `[witnesses]` as a C2SP tlog-policy: the log named by
//! `[operator] log`, every witness, and the quorum as groups.
//!
//! The quorum is written in the agreement's terms: a witness by its name,
//! or a party or organisation, which counts once any witness it runs has
//! cosigned (a group `P any w1 w2 ...`), or a group of them (`@signatories`
//! is each signatory). Each requirement becomes a group with its
//! threshold, and a quorum of several requirements a group `all` of them,
//! so that any C2SP tool enforces the rule the parties agreed.

use std::collections::{BTreeMap, BTreeSet};

use tlog_core::policy::{NONE, Policy, PolicyBuilder, RuleError, Threshold};

use super::model::{Agreement, WitnessQuorum, Witnesses};
use super::validate::Checker;
use crate::quorum::{Quorum, Requirement};

impl Agreement {
    /// The agreement's witness policy, if it has `[witnesses]`. For a
    /// checked agreement it is always valid (the check builds it).
    pub fn witness_policy(&self) -> Option<Policy> {
        policy(self).unwrap_or_else(|e| {
            panic!("the witness policy of a checked agreement is valid, but: {e}")
        })
    }
}

/// What a name in a witness quorum stands for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Unit {
    /// A witness, by its name.
    Witness(String),
    /// A party or organisation: witnessed once one of its witnesses is.
    Principal(String),
}

/// The units a name of a witness quorum stands for (groups expanded).
/// Names that are none of them give nothing (the check reports them).
pub(crate) fn units(a: &Agreement, w: &Witnesses, name: &str) -> Vec<Unit> {
    if w.list.contains_key(name) {
        return vec![Unit::Witness(name.to_string())];
    }
    if name.starts_with('@') {
        return Checker::expand(a, name)
            .into_iter()
            .filter(|p| a.parties.contains_key(p) || a.organisations.contains_key(p))
            .map(Unit::Principal)
            .collect();
    }
    if a.parties.contains_key(name) || a.organisations.contains_key(name) {
        return vec![Unit::Principal(name.to_string())];
    }
    Vec::new()
}

/// The witnesses a principal runs, by name.
pub(crate) fn run_by<'w>(w: &'w Witnesses, principal: &str) -> Vec<&'w str> {
    w.list
        .values()
        .filter(|x| x.run_by.get_ref() == principal)
        .map(|x| x.id.get_ref().as_str())
        .collect()
}

/// The policy, or the rule of C2SP tlog-policy it breaks (never, for a
/// checked agreement).
pub(crate) fn policy(a: &Agreement) -> Result<Option<Policy>, RuleError> {
    let Some(w) = &a.witnesses else {
        return Ok(None);
    };
    let mut b = PolicyBuilder::new();
    if let Some(log) = a.operator.as_ref().and_then(|o| o.log.as_ref()) {
        b.log(log.get_ref().clone(), None)?;
    }
    for x in w.list.values() {
        if let Some(k) = &x.key {
            b.witness(
                x.id.get_ref(),
                k.get_ref().clone(),
                x.url.as_ref().map(|u| u.get_ref().clone()),
            )?;
        }
    }
    let mut names = Names {
        taken: w.list.keys().cloned().chain([NONE.to_string()]).collect(),
        principals: BTreeMap::new(),
    };
    let quorum = match &w.quorum {
        WitnessQuorum::None(_) => NONE.to_string(),
        WitnessQuorum::Required(q) => quorum(a, w, q, "quorum", &mut b, &mut names)?,
        WitnessQuorum::Invalid => return Err(RuleError::MissingQuorum),
    };
    b.quorum(&quorum)?;
    b.build().map(Some)
}

/// The policy's names: witnesses' (the agreement's), and those made for
/// principals and requirements, each unique.
struct Names {
    taken: BTreeSet<String>,
    /// The group made for each principal counted.
    principals: BTreeMap<String, String>,
}

impl Names {
    /// `want`, made a valid policy name and unique.
    fn fresh(&mut self, want: &str) -> String {
        let base: String = want
            .chars()
            .map(|c| {
                if c.is_whitespace() || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        let base = if base.is_empty() { "_".into() } else { base };
        let mut name = base.clone();
        let mut n = 1;
        while self.taken.contains(&name) {
            n += 1;
            name = format!("{base}~{n}");
        }
        self.taken.insert(name.clone());
        name
    }
}

fn quorum(
    a: &Agreement,
    w: &Witnesses,
    q: &Quorum,
    name: &str,
    b: &mut PolicyBuilder,
    names: &mut Names,
) -> Result<String, RuleError> {
    if let [only] = q.requirements.as_slice() {
        return requirement(a, w, only, name, b, names);
    }
    let mut members = Vec::new();
    for (i, r) in q.requirements.iter().enumerate() {
        members.push(requirement(
            a,
            w,
            r,
            &format!("{name}.{}", i + 1),
            b,
            names,
        )?);
    }
    let name = names.fresh(name);
    b.group(&name, Threshold::All, members)?;
    Ok(name)
}

fn requirement(
    a: &Agreement,
    w: &Witnesses,
    r: &Requirement,
    name: &str,
    b: &mut PolicyBuilder,
    names: &mut Names,
) -> Result<String, RuleError> {
    let (threshold, members) = match r {
        Requirement::All { names: list, .. } => (Threshold::All, members(a, w, list, b, names)?),
        Requirement::AtLeast { k, of, .. } => (
            Threshold::AtLeast(usize::try_from(*k.get_ref()).unwrap_or(usize::MAX)),
            members(a, w, of, b, names)?,
        ),
        Requirement::Any { options, .. } => {
            let mut members = Vec::new();
            for (j, o) in options.iter().enumerate() {
                members.push(quorum(a, w, o, &format!("{name}.any{}", j + 1), b, names)?);
            }
            (Threshold::Any, members)
        }
    };
    let name = names.fresh(name);
    b.group(&name, threshold, members)?;
    Ok(name)
}

/// The policy names of a requirement's members: witnesses as they are, a
/// principal as the group of the witnesses it runs (made when first met).
fn members(
    a: &Agreement,
    w: &Witnesses,
    list: &[crate::diag::Sp<String>],
    b: &mut PolicyBuilder,
    names: &mut Names,
) -> Result<Vec<String>, RuleError> {
    let mut out = Vec::new();
    for n in list {
        for u in units(a, w, n.get_ref()) {
            match u {
                Unit::Witness(x) => out.push(x),
                Unit::Principal(p) => {
                    if let Some(g) = names.principals.get(&p) {
                        out.push(g.clone());
                        continue;
                    }
                    let g = names.fresh(&p);
                    let ws = run_by(w, &p).into_iter().map(str::to_string).collect();
                    b.group(&g, Threshold::Any, ws)?;
                    names.principals.insert(p, g.clone());
                    out.push(g);
                }
            }
        }
    }
    Ok(out)
}
