//! A static type check of conditions, before any is evaluated: every name
//! and field exists, comparisons compare like with like, arithmetic is on
//! numbers, and the whole gives true or false. Evaluating on sample values
//! cannot do this: CEL's `&&` and `||` skip the side that does not matter,
//! so a mistake there would stay hidden until the day it mattered.

use std::collections::BTreeMap;
use std::sync::Arc;

use cel::common::ast::{Expr, IdedExpr, LiteralValue};

use super::Condition;
use crate::diag::closest;

/// The type of a value a condition reads or computes.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    Int,
    Double,
    Bool,
    String,
    Null,
    List(Box<Ty>),
    /// A map whose keys are known (the clauses, the parties, ...): `what`
    /// names one key, for messages ("clause", "party"). Shared, so that a
    /// copy costs nothing: the type of `clauses` holds every clause's
    /// fields for every party it binds, and checking copies a name's type
    /// each time a condition reads it.
    Record {
        what: &'static str,
        fields: Arc<BTreeMap<String, Ty>>,
    },
    /// Anything (inside comprehensions over unknown data).
    Dyn,
}

impl Ty {
    pub fn record(what: &'static str, fields: impl IntoIterator<Item = (String, Ty)>) -> Ty {
        Ty::Record {
            what,
            fields: Arc::new(fields.into_iter().collect()),
        }
    }

    fn describe(&self) -> String {
        match self {
            Ty::Int => "a whole number".into(),
            Ty::Double => "a number".into(),
            Ty::Bool => "true or false".into(),
            Ty::String => "text".into(),
            Ty::Null => "null".into(),
            Ty::List(_) => "a list".into(),
            Ty::Record { what, .. } => format!("a map of {what}s"),
            Ty::Dyn => "a value".into(),
        }
    }

    fn numeric(&self) -> bool {
        matches!(self, Ty::Int | Ty::Double | Ty::Dyn)
    }

    fn boolish(&self) -> bool {
        matches!(self, Ty::Bool | Ty::Dyn)
    }
}

/// A type error, with where in the condition's text it is.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeError {
    pub message: String,
    /// Byte range in the condition's text.
    pub range: Option<std::ops::Range<usize>>,
    pub help: Option<String>,
}

struct Checker<'a> {
    c: &'a Condition,
    scopes: Vec<BTreeMap<String, Ty>>,
}

impl Checker<'_> {
    fn range(&self, e: &IdedExpr) -> Option<std::ops::Range<usize>> {
        let (start, stop) = self.c.program.source_info().offset_for(e.id)?;
        // Offsets count characters; conditions are mostly ASCII, but be exact.
        let src = self.c.source();
        let byte = |ch: u32| {
            src.char_indices()
                .nth(ch as usize)
                .map(|(b, _)| b)
                .unwrap_or(src.len())
        };
        let (s, e) = (byte(start), byte(stop.max(start + 1)));
        Some(s..e.max(s + 1).min(src.len()))
    }

    /// The whole text of an expression: its own token joined with its parts'.
    fn extent(&self, e: &IdedExpr) -> Option<std::ops::Range<usize>> {
        let mut r = self.range(e);
        let mut join = |x: Option<std::ops::Range<usize>>| {
            if let Some(x) = x {
                r = Some(match r.take() {
                    Some(y) => y.start.min(x.start)..y.end.max(x.end),
                    None => x,
                });
            }
        };
        match &e.expr {
            Expr::Call(c) => {
                if let Some(t) = &c.target {
                    join(self.extent(t));
                }
                for a in &c.args {
                    join(self.extent(a));
                }
            }
            Expr::Select(s) => {
                join(self.extent(&s.operand));
                join(self.field_range(e, &s.field));
            }
            Expr::List(l) => l.elements.iter().for_each(|x| join(self.extent(x))),
            _ => {}
        }
        r
    }

    /// The `.field` of a selection.
    fn field_range(&self, e: &IdedExpr, field: &str) -> Option<std::ops::Range<usize>> {
        self.range(e).map(|r| r.start..r.start + 1 + field.len())
    }

    fn err(&self, e: &IdedExpr, message: String, help: Option<String>) -> TypeError {
        TypeError {
            message,
            range: self.extent(e),
            help,
        }
    }

    fn lookup(&self, name: &str) -> Option<Ty> {
        self.scopes.iter().rev().find_map(|s| s.get(name).cloned())
    }

    fn field(&self, e: &IdedExpr, on: Ty, field: &str) -> Result<Ty, TypeError> {
        match on {
            Ty::Record { what, fields } => match fields.get(field) {
                Some(t) => Ok(t.clone()),
                None => {
                    let known: Vec<&str> = fields.keys().map(String::as_str).collect();
                    let help = match closest(field, &known) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None if known.is_empty() => format!("there is no {what} here"),
                        None => format!("known: {}", known.join(", ")),
                    };
                    Err(TypeError {
                        message: format!("unknown {what} `{field}`"),
                        range: self.field_range(e, field),
                        help: Some(help),
                    })
                }
            },
            Ty::Dyn => Ok(Ty::Dyn),
            other => Err(self.err(
                e,
                format!("`{field}` cannot be read from {}", other.describe()),
                None,
            )),
        }
    }

    fn check(&mut self, e: &IdedExpr) -> Result<Ty, TypeError> {
        match &e.expr {
            Expr::Literal(l) => Ok(match l {
                LiteralValue::Boolean(_) => Ty::Bool,
                LiteralValue::Int(_) | LiteralValue::UInt(_) => Ty::Int,
                LiteralValue::Double(_) => Ty::Double,
                LiteralValue::String(_) | LiteralValue::Bytes(_) => Ty::String,
                LiteralValue::Null => Ty::Null,
            }),
            Expr::Ident(name) => self.lookup(name).ok_or_else(|| {
                let known: Vec<String> =
                    self.scopes.iter().flat_map(|s| s.keys().cloned()).collect();
                let k: Vec<&str> = known.iter().map(String::as_str).collect();
                let help = closest(name, &k).map(|s| format!("did you mean `{s}`?"));
                self.err(e, format!("`{name}` is not defined here"), help)
            }),
            Expr::Select(s) => {
                let on = self.check(&s.operand)?;
                if s.test {
                    // has(x.f): a presence test, true or false.
                    return Ok(Ty::Bool);
                }
                self.field(e, on, &s.field)
            }
            Expr::List(l) => {
                let mut elem = None;
                for x in &l.elements {
                    let t = self.check(x)?;
                    elem = Some(match elem {
                        None => t,
                        Some(prev) if prev == t => prev,
                        Some(_) => Ty::Dyn,
                    });
                }
                Ok(Ty::List(Box::new(elem.unwrap_or(Ty::Dyn))))
            }
            Expr::Map(_) | Expr::Struct(_) => Ok(Ty::Dyn),
            Expr::Comprehension(c) => {
                let range = self.check(&c.iter_range)?;
                let item = match &range {
                    Ty::List(t) => (**t).clone(),
                    Ty::Record { .. } => Ty::String,
                    Ty::Dyn => Ty::Dyn,
                    other => {
                        return Err(self.err(
                            &c.iter_range,
                            format!("cannot iterate over {}", other.describe()),
                            None,
                        ));
                    }
                };
                let accu = self.check(&c.accu_init)?;
                let mut scope = BTreeMap::new();
                scope.insert(c.iter_var.clone(), item);
                if let Some(v2) = &c.iter_var2 {
                    scope.insert(v2.clone(), Ty::Dyn);
                }
                scope.insert(c.accu_var.clone(), accu);
                self.scopes.push(scope);
                let r = (|| {
                    self.check(&c.loop_cond)?;
                    self.check(&c.loop_step)?;
                    self.check(&c.result)
                })();
                self.scopes.pop();
                r
            }
            Expr::Call(call) => self.call(e, &call.func_name, call.target.as_deref(), &call.args),
            Expr::Unspecified => Ok(Ty::Dyn),
        }
    }

    fn call(
        &mut self,
        e: &IdedExpr,
        f: &str,
        target: Option<&IdedExpr>,
        args: &[IdedExpr],
    ) -> Result<Ty, TypeError> {
        let mut ts = Vec::new();
        if let Some(t) = target {
            ts.push(self.check(t)?);
        }
        for a in args {
            ts.push(self.check(a)?);
        }
        let all: Vec<&IdedExpr> = target.into_iter().chain(args.iter()).collect();
        let arg = |i: usize| all.get(i).copied().unwrap_or(e);
        match (f, ts.as_slice()) {
            ("_&&_" | "_||_" | "@not_strictly_false", _) => {
                for (i, t) in ts.iter().enumerate() {
                    if !t.boolish() {
                        let op = if f == "_&&_" { "&&" } else { "||" };
                        return Err(self.err(arg(i), format!("`{op}` joins conditions; this is {}", t.describe()), None));
                    }
                }
                Ok(Ty::Bool)
            }
            ("!_", [t]) => {
                if t.boolish() {
                    Ok(Ty::Bool)
                } else {
                    Err(self.err(arg(0), format!("`!` negates a condition; this is {}", t.describe()), None))
                }
            }
            ("_==_" | "_!=_", [a, b]) => {
                let comparable = a == b
                    || matches!((a, b), (Ty::Dyn, _) | (_, Ty::Dyn) | (Ty::Null, _) | (_, Ty::Null))
                    || (a.numeric() && b.numeric())
                    || matches!((a, b), (Ty::List(_), Ty::List(_)));
                if comparable {
                    Ok(Ty::Bool)
                } else {
                    Err(self.err(
                        e,
                        format!("compares {} with {}: it would never be equal", a.describe(), b.describe()),
                        hint_quotes(b),
                    ))
                }
            }
            ("_<_" | "_<=_" | "_>_" | "_>=_", [a, b]) => {
                if (a.numeric() && b.numeric()) || (matches!(a, Ty::String | Ty::Dyn) && matches!(b, Ty::String | Ty::Dyn)) {
                    Ok(Ty::Bool)
                } else {
                    Err(self.err(e, format!("compares {} with {}", a.describe(), b.describe()), hint_quotes(b)))
                }
            }
            ("_+_", [a, b]) => match (a, b) {
                (Ty::Int, Ty::Int) => Ok(Ty::Int),
                (x, y) if x.numeric() && y.numeric() => Ok(if *x == Ty::Dyn || *y == Ty::Dyn { Ty::Dyn } else { Ty::Double }),
                (Ty::String, Ty::String) => Ok(Ty::String),
                (Ty::List(t), Ty::List(_)) => Ok(Ty::List(t.clone())),
                _ => Err(self.err(e, format!("adds {} to {}", b.describe(), a.describe()), None)),
            },
            ("_-_" | "_*_" | "_/_" | "_%_", [a, b]) => {
                if a.numeric() && b.numeric() {
                    Ok(if *a == Ty::Int && *b == Ty::Int { Ty::Int } else if *a == Ty::Dyn || *b == Ty::Dyn { Ty::Dyn } else { Ty::Double })
                } else {
                    Err(self.err(e, format!("arithmetic on {} and {}", a.describe(), b.describe()), None))
                }
            }
            ("-_", [a]) => {
                if a.numeric() {
                    Ok(a.clone())
                } else {
                    Err(self.err(e, format!("negates {}", a.describe()), None))
                }
            }
            ("_?_:_", [c, a, b]) => {
                if !c.boolish() {
                    return Err(self.err(arg(0), format!("the test of `? :` must be true or false, not {}", c.describe()), None));
                }
                Ok(if a == b { a.clone() } else if a.numeric() && b.numeric() { Ty::Double } else { Ty::Dyn })
            }
            ("_[_]", [on, idx]) => match (on, &arg(1).expr) {
                (Ty::Record { .. }, Expr::Literal(LiteralValue::String(s))) => {
                    let key: &str = s.inner();
                    self.field(arg(1), on.clone(), key)
                }
                (Ty::Record { fields, .. }, _) => Ok(fields.values().next().cloned().unwrap_or(Ty::Dyn)),
                (Ty::List(t), _) if idx.numeric() => Ok((**t).clone()),
                (Ty::Dyn, _) => Ok(Ty::Dyn),
                _ => Err(self.err(e, format!("cannot index {} with {}", on.describe(), idx.describe()), None)),
            },
            ("@in", [_, coll]) => match coll {
                Ty::List(_) | Ty::Record { .. } | Ty::Dyn => Ok(Ty::Bool),
                other => Err(self.err(e, format!("`in` needs a list or map, not {}", other.describe()), None)),
            },
            ("size", [t]) => match t {
                Ty::String | Ty::List(_) | Ty::Record { .. } | Ty::Dyn => Ok(Ty::Int),
                other => Err(self.err(e, format!("size of {}", other.describe()), None)),
            },
            ("int", [_]) => Ok(Ty::Int),
            ("double", [_]) => Ok(Ty::Double),
            ("string", [_]) => Ok(Ty::String),
            ("min" | "max", ts) if ts.iter().all(Ty::numeric) => Ok(Ty::Double),
            ("startsWith" | "endsWith" | "contains" | "matches", [Ty::String | Ty::Dyn, Ty::String | Ty::Dyn]) => Ok(Ty::Bool),
            _ => Err(self.err(
                e,
                format!("`{}` is not a function conditions can use here", f.trim_matches('_')),
                Some("conditions use comparisons, && || !, arithmetic, size(), `in`, has(), and the macros all/exists".into()),
            )),
        }
    }
}

fn hint_quotes(t: &Ty) -> Option<String> {
    (*t == Ty::String).then(|| "counts and days are numbers, written without quotes".into())
}

impl Condition {
    /// Checks the condition's types against the names it may read; it must
    /// give true or false.
    pub fn type_check(&self, env: &BTreeMap<String, Ty>) -> Result<(), TypeError> {
        let mut c = Checker {
            c: self,
            scopes: vec![env.clone()],
        };
        let t = c.check(self.program.expression())?;
        if t.boolish() {
            Ok(())
        } else {
            Err(TypeError {
                message: format!("the condition gives {}, not true or false", t.describe()),
                range: None,
                help: Some("compare the value, e.g. `violations == 0`".into()),
            })
        }
    }
}
