//! Who must sign: quorums, as the agreement writes them and as statements
//! satisfy them.
//!
//! A quorum is a list of requirements, all of which must hold:
//!
//! ```toml
//! certify = [{ all = ["UA"] }, { at_least = 3, of = "@european_guarantors" }]
//! revoke  = { any = [[{ all = ["@organisation"] }], [{ all = "@signatories" }]] }
//! ```
//!
//! Names are party and organisation ids, groups (`@name`, including the
//! built-in `@signatories`, `@guarantors`, `@mediators`), and, in an
//! accreditation, `@organisation`: the organisation the monitor belongs to.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::diag::Sp;

/// One requirement of a quorum.
#[derive(Clone, Debug, PartialEq)]
pub enum Requirement {
    /// Every one of these must sign.
    All {
        names: Vec<Sp<String>>,
        span: Range<usize>,
    },
    /// At least `k` of these must sign.
    AtLeast {
        k: Sp<u64>,
        of: Vec<Sp<String>>,
        span: Range<usize>,
    },
    /// One of these quorums must be met.
    Any {
        options: Vec<Quorum>,
        span: Range<usize>,
    },
}

/// Requirements that must all hold.
#[derive(Clone, Debug, PartialEq)]
pub struct Quorum {
    pub requirements: Vec<Requirement>,
    pub span: Range<usize>,
}

impl Quorum {
    /// Whether the principals in `signed` meet the quorum. `expand` turns a
    /// name (`UA`, `@guarantors`, `@organisation`) into principals.
    pub fn is_met(&self, signed: &BTreeSet<String>, expand: &dyn Fn(&str) -> Vec<String>) -> bool {
        self.requirements.iter().all(|r| match r {
            Requirement::All { names, .. } => names
                .iter()
                .flat_map(|n| expand(n.get_ref()))
                .all(|p| signed.contains(&p)),
            Requirement::AtLeast { k, of, .. } => {
                let candidates: BTreeSet<String> =
                    of.iter().flat_map(|n| expand(n.get_ref())).collect();
                candidates.intersection(signed).count() as u64 >= *k.get_ref()
            }
            Requirement::Any { options, .. } => options.iter().any(|q| q.is_met(signed, expand)),
        })
    }

    /// Every name the quorum mentions, with its span.
    pub fn names(&self) -> Vec<&Sp<String>> {
        let mut out = Vec::new();
        for r in &self.requirements {
            match r {
                Requirement::All { names, .. } => out.extend(names.iter()),
                Requirement::AtLeast { of, .. } => out.extend(of.iter()),
                Requirement::Any { options, .. } => {
                    for q in options {
                        out.extend(q.names());
                    }
                }
            }
        }
        out
    }

    /// Principals that certainly must sign in every way of meeting the
    /// quorum (used to check that amendments never bypass a bound party).
    pub fn always_required(&self, expand: &dyn Fn(&str) -> Vec<String>) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for r in &self.requirements {
            match r {
                Requirement::All { names, .. } => {
                    out.extend(names.iter().flat_map(|n| expand(n.get_ref())))
                }
                Requirement::AtLeast { k, of, .. } => {
                    let c: BTreeSet<String> = of.iter().flat_map(|n| expand(n.get_ref())).collect();
                    // k of n with k == n is everyone.
                    if *k.get_ref() as usize >= c.len() {
                        out.extend(c);
                    }
                }
                Requirement::Any { options, .. } => {
                    let mut common: Option<BTreeSet<String>> = None;
                    for q in options {
                        let s = q.always_required(expand);
                        common = Some(match common {
                            None => s,
                            Some(c) => c.intersection(&s).cloned().collect(),
                        });
                    }
                    out.extend(common.unwrap_or_default());
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use toml::Spanned;

    fn sp(s: &str) -> Sp<String> {
        Spanned::new(0..0, s.to_string())
    }

    fn expand(n: &str) -> Vec<String> {
        match n {
            "@eu" => vec!["FR".into(), "DE".into(), "IT".into()],
            other => vec![other.to_string()],
        }
    }

    #[test]
    fn all_and_at_least_and_any() {
        let q = Quorum {
            requirements: vec![
                Requirement::All {
                    names: vec![sp("UA")],
                    span: 0..0,
                },
                Requirement::AtLeast {
                    k: Spanned::new(0..0, 2),
                    of: vec![sp("@eu")],
                    span: 0..0,
                },
            ],
            span: 0..0,
        };
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        assert!(q.is_met(&set(&["UA", "FR", "DE"]), &expand));
        assert!(!q.is_met(&set(&["UA", "FR"]), &expand));
        assert!(!q.is_met(&set(&["FR", "DE", "IT"]), &expand));
        assert_eq!(q.always_required(&expand), set(&["UA"]));
        let any = Quorum {
            requirements: vec![Requirement::Any {
                options: vec![
                    Quorum {
                        requirements: vec![Requirement::All {
                            names: vec![sp("UA"), sp("RU")],
                            span: 0..0,
                        }],
                        span: 0..0,
                    },
                    Quorum {
                        requirements: vec![Requirement::All {
                            names: vec![sp("UA"), sp("US")],
                            span: 0..0,
                        }],
                        span: 0..0,
                    },
                ],
                span: 0..0,
            }],
            span: 0..0,
        };
        assert!(any.is_met(&set(&["UA", "US"]), &expand));
        assert!(!any.is_met(&set(&["RU", "US"]), &expand));
        assert_eq!(any.always_required(&expand), set(&["UA"]));
    }
}
