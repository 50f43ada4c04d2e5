//! Which clause results a status condition reads: `clauses.ID.kept_by.P`
//! and `clauses.ID.metrics.P.M` read clause ID for party P;
//! `clauses.ID.kept` (or `clauses.ID` read any other way) reads it for
//! every party; `clauses` read whole reads every clause. The evaluator
//! names the facts behind a trigger from this: the observations counted by
//! the results the condition reads, not by every clause broken.

use std::collections::{BTreeMap, BTreeSet};

use cel::common::ast::{Expr, IdedExpr, LiteralValue};

use super::Condition;

/// The clause results a condition reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClauseReads {
    /// Every clause, for every party (the condition reads `clauses` whole,
    /// e.g. iterates over it).
    pub all: bool,
    /// By clause: the parties read, or `None` for every party it binds.
    pub clauses: BTreeMap<String, Option<BTreeSet<String>>>,
}

impl ClauseReads {
    /// Whether the condition reads clause `clause`'s result for `party`.
    pub fn reads(&self, clause: &str, party: &str) -> bool {
        self.all
            || self
                .clauses
                .get(clause)
                .is_some_and(|p| p.as_ref().is_none_or(|ps| ps.contains(party)))
    }

    fn add(&mut self, clause: &str, party: Option<&str>) {
        let entry = self
            .clauses
            .entry(clause.to_string())
            .or_insert_with(|| Some(BTreeSet::new()));
        match (entry.as_mut(), party) {
            (Some(ps), Some(p)) => {
                ps.insert(p.to_string());
            }
            _ => *entry = None,
        }
    }
}

impl Condition {
    /// The clause results the condition reads (see [`ClauseReads`]).
    pub fn clause_reads(&self) -> ClauseReads {
        let mut out = ClauseReads::default();
        walk(self.program.expression(), &mut out);
        out
    }
}

/// The path an expression names from a variable: `clauses.a.kept_by.RU`
/// (selections and indexing by a string literal alike), innermost first.
fn path(e: &IdedExpr) -> Option<Vec<&str>> {
    match &e.expr {
        Expr::Ident(name) => Some(vec![name.as_str()]),
        Expr::Select(s) if !s.test => {
            let mut p = path(&s.operand)?;
            p.push(s.field.as_str());
            Some(p)
        }
        Expr::Call(c) if c.func_name == "_[_]" && c.args.len() == 2 && c.target.is_none() => {
            let Expr::Literal(LiteralValue::String(key)) = &c.args[1].expr else {
                return None;
            };
            let mut p = path(&c.args[0])?;
            p.push(&**key);
            Some(p)
        }
        _ => None,
    }
}

fn walk(e: &IdedExpr, out: &mut ClauseReads) {
    if let Some(p) = path(e)
        && p.first() == Some(&"clauses")
    {
        match p.as_slice() {
            [_] => out.all = true,
            [_, id, "kept_by" | "verdict_by" | "metrics", party, ..] => out.add(id, Some(party)),
            [_, id, ..] => out.add(id, None),
            [] => {}
        }
        return;
    }
    match &e.expr {
        Expr::Select(s) => walk(&s.operand, out),
        Expr::Call(c) => {
            if let Some(t) = &c.target {
                walk(t, out);
            }
            for a in &c.args {
                walk(a, out);
            }
        }
        Expr::List(l) => l.elements.iter().for_each(|x| walk(x, out)),
        Expr::Map(m) => {
            for entry in &m.entries {
                if let cel::common::ast::EntryExpr::MapEntry(me) = &entry.expr {
                    walk(&me.key, out);
                    walk(&me.value, out);
                }
            }
        }
        Expr::Comprehension(c) => {
            for x in [
                &c.iter_range,
                &c.accu_init,
                &c.loop_cond,
                &c.loop_step,
                &c.result,
            ] {
                walk(x, out);
            }
        }
        Expr::Ident(_) | Expr::Literal(_) | Expr::Struct(_) | Expr::Unspecified => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(src: &str) -> ClauseReads {
        Condition::compile(src).unwrap().clause_reads()
    }

    #[test]
    fn a_party_read_names_the_clause_and_party() {
        let r = reads("!clauses.no_armed_attack.kept_by.RU");
        assert!(!r.all);
        assert!(r.reads("no_armed_attack", "RU"));
        assert!(!r.reads("no_armed_attack", "UA"));
        assert!(!r.reads("ceasefire", "RU"));
    }

    #[test]
    fn kept_reads_every_party_and_metrics_one() {
        let r =
            reads("!clauses.a.kept_by.RU || !clauses.b.kept || clauses[\"c\"].metrics.UA.x > 2");
        assert!(r.reads("a", "RU") && !r.reads("a", "UA"));
        assert!(r.reads("b", "RU") && r.reads("b", "UA"));
        assert!(r.reads("c", "UA") && !r.reads("c", "RU"));
        assert!(!r.reads("d", "RU"));
    }

    #[test]
    fn verdicts_read_one_party_or_every_party() {
        let r = reads("clauses.a.verdict_by.RU == 'breach_verified' || clauses.b.assessable");
        assert!(r.reads("a", "RU") && !r.reads("a", "UA"));
        assert!(r.reads("b", "RU") && r.reads("b", "UA"));
    }

    #[test]
    fn a_party_read_and_a_whole_read_of_one_clause_is_every_party() {
        let r = reads("clauses.a.kept_by.RU && clauses.a.kept");
        assert_eq!(r.clauses["a"], None);
    }

    #[test]
    fn clauses_read_whole_is_everything() {
        let r = reads("clauses.exists(c, !clauses[c].kept)");
        assert!(r.all);
        assert!(r.reads("anything", "anyone"));
        assert!(!reads("phase == \"x\" && clocks.quiet >= 3").all);
    }
}
