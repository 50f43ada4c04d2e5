//! The operator's status statements: each claim held to what the replay
//! says at the log size it speaks of.

use super::*;

/// The plain fields of a status statement that the status it speaks of
/// contradicts.
pub(super) fn claimed_fields(sc: &crate::statement::Status, st: &Status) -> Vec<FieldMismatch> {
    let mut out = Vec::new();
    let phase = st.phase.id.clone().unwrap_or_default();
    if sc.phase != phase {
        out.push(FieldMismatch {
            field: "phase".into(),
            claimed: sc.phase.clone(),
            replayed: phase,
        });
    }
    // Tranches are optional in a status statement: one it does not name,
    // it says nothing of; one it names must be in the state it says.
    let replayed = st.tranche_states();
    for (id, claimed) in &sc.tranches {
        let found = replayed
            .get(id.as_str())
            .copied()
            .unwrap_or("(no such tranche)");
        if claimed != found {
            out.push(FieldMismatch {
                field: format!("tranches.{id}"),
                claimed: claimed.clone(),
                replayed: found.to_string(),
            });
        }
    }
    out
}

impl<'a> Evaluator<'a> {
    pub(super) fn status_claim(
        &mut self,
        index: u64,
        sc: &crate::statement::Status,
        signers: &[Holder],
        found: Option<Status>,
    ) -> Result<(), Rejected> {
        if !signers.contains(&Holder::Operator) {
            return Err(Rejected::NotTheOperator);
        }
        if sc.log_size > index {
            return Err(Rejected::StatusAhead {
                log_size: sc.log_size,
                index,
            });
        }
        let computed = found.as_ref().map(Status::digest);
        let fields = found
            .as_ref()
            .map(|st| claimed_fields(sc, st))
            .unwrap_or_default();
        if let Some(st) = found
            && (computed != Some(sc.status) || !fields.is_empty())
            && self.found.len() < 100
        {
            self.found.insert(index, st);
        }
        self.state.claims.push(Claim {
            index,
            log_size: sc.log_size,
            claimed: sc.status,
            computed,
            fields,
        });
        Ok(())
    }

    /// The digest of the status after the first `size` entries (which must
    /// be all applied so far, the one being applied aside).
    pub(super) fn status_at(&self, size: u64) -> Status {
        let mut st = self.status();
        st.log_size = size;
        st
    }

    /// What the replay found at a status statement (by its index) whose
    /// claim did not match (kept for the first hundred).
    pub fn found(&self, index: u64) -> Option<&Status> {
        self.found.get(&index)
    }

    /// Asks for the status digest at these log sizes to be kept, so that
    /// status statements about an earlier size can be checked (the audit
    /// finds the sizes in a first pass).
    pub fn watch(&mut self, sizes: impl IntoIterator<Item = u64>) {
        self.watch.extend(sizes);
    }

    /// The status kept at a watched log size (see [`Evaluator::watch`]),
    /// once the evaluation has passed it.
    pub fn watched(&self, size: u64) -> Option<&Status> {
        self.snapshots.get(&size)
    }
}
