//! Certifications and amendments: statements that take effect when their
//! signers make a quorum, and the stale rule that orders them.

use std::fmt;

use super::*;
use crate::statement::CertificationOf;

/// What a pending certification certifies: its kind and its target (a
/// transition, tranche or guarantee of the agreement). Written `of:target`
/// where it is stored or shown (`tranche:t1`), and ordered as that text is,
/// so that pending certifications are tried in the same order everywhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingKey {
    pub of: CertificationOf,
    pub target: String,
}

impl PendingKey {
    /// The kind as statements write it (`snapback_notice`).
    pub fn of_name(&self) -> &'static str {
        match self.of {
            CertificationOf::Transition => "transition",
            CertificationOf::Tranche => "tranche",
            CertificationOf::SnapbackNotice => "snapback_notice",
            CertificationOf::ContinueRelief => "continue_relief",
            CertificationOf::GuaranteeDecision => "guarantee_decision",
        }
    }
}

impl Ord for PendingKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // No kind's name is a prefix of another's, so this is the order of
        // the `of:target` texts.
        (self.of_name(), &self.target).cmp(&(other.of_name(), &other.target))
    }
}

impl PartialOrd for PendingKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for PendingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.of_name(), self.target)
    }
}

impl std::str::FromStr for PendingKey {
    type Err = String;

    fn from_str(s: &str) -> Result<PendingKey, String> {
        let (of, target) = s
            .split_once(':')
            .ok_or_else(|| format!("`{s}` is not `kind:target`"))?;
        let of: CertificationOf = serde_json::from_value(Value::String(of.to_string()))
            .map_err(|_| format!("`{of}` is not a kind of certification"))?;
        Ok(PendingKey {
            of,
            target: target.to_string(),
        })
    }
}

impl Serialize for PendingKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PendingKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl<'a> Evaluator<'a> {
    pub(super) fn certification(
        &mut self,
        index: u64,
        t: Timestamp,
        digest: Digest,
        c: &Certification,
        signers: &[Holder],
    ) -> Result<(), Rejected> {
        let key = PendingKey {
            of: c.of,
            target: c.target.clone(),
        };
        // Each signer of a certification counts once, however many entries
        // carry its signature.
        let mut principals = self.principals(signers);
        if let Some(seen) = self.state.certified.get(&digest) {
            principals.retain(|p| !seen.contains(p));
            if principals.is_empty() {
                return Err(Rejected::Duplicate {
                    of: Duplicate::Certification,
                });
            }
        }
        // A certification counts only for the state it was signed for: one
        // issued before the change it would undo (a snapback, a phase
        // reverted, a new trigger) does not undo it.
        if let Some((since, what)) = self.epoch(&key)
            && t < since
        {
            return Err(Rejected::Stale {
                issued: Time(t),
                before: StaleBefore::Certified { what },
                since: Time(since),
            });
        }
        self.state
            .certified
            .entry(digest)
            .or_default()
            .extend(principals.iter().cloned());
        let p = self.state.pending.entry(key).or_default();
        p.entries.push(PendingEntry {
            index,
            issued: t,
            signers: principals,
            statement: (c.of == CertificationOf::GuaranteeDecision).then(|| c.statement.clone()),
        });
        self.fire_pending(index);
        Ok(())
    }

    /// When the state a certification of `of` `target` acts on began, and
    /// what began then: certifications issued before it were signed for an
    /// earlier state and do not count.
    pub(super) fn epoch(&self, key: &PendingKey) -> Option<(Timestamp, String)> {
        let adopted = self.state.adopted.map(|a| a.time.0)?;
        let target = &key.target;
        Some(match key.of {
            CertificationOf::Transition => (
                self.state.phase.since.map_or(adopted, |s| s.time.0),
                format!(
                    "phase {} began",
                    self.state.phase.id.as_deref().unwrap_or("")
                ),
            ),
            CertificationOf::Tranche
            | CertificationOf::SnapbackNotice
            | CertificationOf::ContinueRelief => {
                let st = self.state.tranches.get(target)?;
                match (&st.dispute, key.of) {
                    (Some(d), CertificationOf::ContinueRelief) => (
                        d.opened.time.0,
                        format!("the snapback dispute over {target} opened"),
                    ),
                    _ => (
                        st.since.map_or(adopted, |s| s.time.0),
                        format!("tranche {target} became {}", st.state.name()),
                    ),
                }
            }
            CertificationOf::GuaranteeDecision => {
                let st = self.state.guarantees.get(target)?;
                (
                    st.triggered.map_or(adopted, |s| s.time.0),
                    format!("guarantee {target} was triggered"),
                )
            }
        })
    }

    pub(super) fn amendment(
        &mut self,
        index: u64,
        t: Timestamp,
        am: &Amendment,
        signers: &[Holder],
    ) -> Result<(), Rejected> {
        let signed = self.principals(signers);
        if !self
            .a
            .amendments
            .require
            .is_met(&signed, &|n| self.expand(n))
        {
            return Err(Rejected::AmendmentQuorum);
        }
        if let Some((at, _)) = self
            .state
            .amendments
            .iter()
            .find(|(_, to)| *to == am.new_agreement)
        {
            return Err(Rejected::Duplicate {
                of: Duplicate::Amendment {
                    to: am.new_agreement,
                    entry: *at,
                },
            });
        }
        self.state.amendments.push((index, am.new_agreement));
        // From here on, the amended text judges (see `versions`).
        self.amended(index, t, am.new_agreement);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const KINDS: [CertificationOf; 5] = [
        CertificationOf::Transition,
        CertificationOf::Tranche,
        CertificationOf::SnapbackNotice,
        CertificationOf::ContinueRelief,
        CertificationOf::GuaranteeDecision,
    ];

    fn keys() -> Vec<PendingKey> {
        let targets = ["", "a", "t1", "t1:x", "t10", "tranche", "z"];
        KINDS
            .iter()
            .flat_map(|&of| {
                targets.iter().map(move |t| PendingKey {
                    of,
                    target: t.to_string(),
                })
            })
            .collect()
    }

    #[test]
    fn a_kind_is_named_as_statements_write_it() {
        for of in KINDS {
            let key = PendingKey {
                of,
                target: "x".into(),
            };
            assert_eq!(json!(key.of_name()), serde_json::to_value(of).unwrap());
        }
    }

    #[test]
    fn pending_keys_are_ordered_as_their_text() {
        let keys = keys();
        for a in &keys {
            for b in &keys {
                assert_eq!(a.cmp(b), a.to_string().cmp(&b.to_string()), "{a} {b}");
            }
        }
    }

    #[test]
    fn pending_keys_are_stored_as_text_and_read_back() {
        for key in keys() {
            let stored = serde_json::to_value(&key).unwrap();
            assert_eq!(stored, json!(key.to_string()));
            assert_eq!(serde_json::from_value::<PendingKey>(stored).unwrap(), key);
        }
        assert!("tranche".parse::<PendingKey>().is_err());
        assert!("treaty:t1".parse::<PendingKey>().is_err());
    }
}
