//! Certifications and amendments: statements that take effect when their
//! signers make a quorum, and the stale rule that orders them.

use super::*;

impl<'a> Evaluator<'a> {
    pub(super) fn certification(
        &mut self,
        index: u64,
        t: Timestamp,
        digest: Digest,
        c: &Certification,
        signers: &[Holder],
    ) -> Result<(), Rejected> {
        let of = serde_json::to_value(c.of)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
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
        if let Some((since, what)) = self.epoch(&of, &c.target)
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
        let key = format!("{of}:{}", c.target);
        let p = self.state.pending.entry(key).or_default();
        p.entries.push(PendingEntry {
            index,
            issued: t,
            signers: principals,
        });
        self.fire_pending(index);
        Ok(())
    }

    /// When the state a certification of `of` `target` acts on began, and
    /// what began then: certifications issued before it were signed for an
    /// earlier state and do not count.
    pub(super) fn epoch(&self, of: &str, target: &str) -> Option<(Timestamp, String)> {
        let adopted = self.state.adopted.map(|a| a.time.0)?;
        Some(match of {
            "transition" => (
                self.state.phase.since.map_or(adopted, |s| s.time.0),
                format!(
                    "phase {} began",
                    self.state.phase.id.as_deref().unwrap_or("")
                ),
            ),
            "tranche" | "snapback_notice" | "continue_relief" => {
                let st = self.state.tranches.get(target)?;
                match (&st.dispute, of) {
                    (Some(d), "continue_relief") => (
                        d.opened.time.0,
                        format!("the snapback dispute over {target} opened"),
                    ),
                    _ => (
                        st.since.map_or(adopted, |s| s.time.0),
                        format!("tranche {target} became {}", st.state.name()),
                    ),
                }
            }
            "guarantee_decision" => {
                let st = self.state.guarantees.get(target)?;
                (
                    st.triggered.map_or(adopted, |s| s.time.0),
                    format!("guarantee {target} was triggered"),
                )
            }
            _ => return None,
        })
    }

    pub(super) fn amendment(
        &mut self,
        index: u64,
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
        Ok(())
    }
}
