//! What entries did, as rows for the index: a [`Collector`] watches an
//! evaluator as entries are applied to it and hands out a [`Delta`] per
//! batch. The live server and [`super::reindex`] both go through it, so a
//! live index and a rebuilt one are made by the same code.
//!
//! Which observations an entry changes is the evaluator's business: a
//! report verifies others near it, a corroboration or a dispute names one,
//! time passing closes disputes, an amendment renames organisations. Rather
//! than follow each of those rules from outside (and miss the next one
//! added), the collector keeps a fingerprint of what each observation's row
//! shows that can change, and a delta carries every observation whose
//! fingerprint moved. That costs a pass over the observations per delta
//! (tens of nanoseconds each: some milliseconds for 100,000), which is why
//! deltas are per batch, not per entry.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use accord::evaluate::{DisputeState, Evaluator, Obs};
use accord::statement::SignedStatement;

use super::IndexError;
use super::rows::{ObservationRow, Refusal, StatementRow};

/// Rows for entries `from..to` of the log: one statement row per entry,
/// and every observation that is new or changed (upserts).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Delta {
    pub from: u64,
    pub to: u64,
    pub statements: Vec<StatementRow>,
    pub observations: Vec<ObservationRow>,
}

impl Delta {
    /// Whether it is whole: one statement per entry of `from..to`, in
    /// order.
    pub(super) fn check(&self) -> Result<(), IndexError> {
        if self.to < self.from {
            return Err(IndexError::BadDelta(format!(
                "it ends ({}) before it starts ({})",
                self.to, self.from
            )));
        }
        if self.statements.len() as u64 != self.to - self.from
            || self
                .statements
                .iter()
                .zip(self.from..)
                .any(|(s, i)| s.index != i)
        {
            return Err(IndexError::BadDelta(format!(
                "entries {}..{} need one statement row each, in order",
                self.from, self.to
            )));
        }
        if let Some(o) = self.observations.iter().find(|o| o.index >= self.to) {
            return Err(IndexError::BadDelta(format!(
                "observation {} is not in the log before {}",
                o.index, self.to
            )));
        }
        Ok(())
    }
}

/// Watches an evaluator for the index. Call [`Collector::record`] right
/// after each entry is applied (by any path: `apply_entry`,
/// `apply_prepared`), and [`Collector::delta`] at the end of each batch.
pub struct Collector {
    /// The index of the next entry to record.
    next: u64,
    /// Where the current delta starts.
    from: u64,
    statements: Vec<StatementRow>,
    /// Refusals counted by the evaluator so far, by kind.
    refused: BTreeMap<String, u64>,
    refused_total: u64,
    /// A fingerprint of each observation's changeable fields, as last
    /// handed out.
    fingerprints: Vec<u64>,
    /// Amended versions in force: an amendment may rename organisations,
    /// which the rows show by name.
    amended: usize,
}

impl Collector {
    /// A collector for an evaluator whose state the index already holds
    /// (at the start of the log, or resumed at the indexed size).
    pub fn new(ev: &Evaluator<'_>) -> Collector {
        let refused = ev.state.rejected.clone();
        Collector {
            next: ev.state.size,
            from: ev.state.size,
            statements: Vec::new(),
            refused_total: refused.values().sum(),
            refused,
            fingerprints: ev.state.obs.iter().map(|o| fingerprint(o)).collect(),
            amended: ev.state.amended.len(),
        }
    }

    /// Records the entry the evaluator has just applied: `entry` is its
    /// bytes, and the evaluator must be just past it.
    pub fn record(&mut self, ev: &Evaluator<'_>, entry: &[u8]) -> Result<(), IndexError> {
        if ev.state.size != self.next + 1 {
            return Err(IndexError::OutOfStep {
                expected: self.next + 1,
                found: ev.state.size,
            });
        }
        let index = self.next;
        self.next += 1;
        // Every refusal is counted by kind; the first 10,000 are kept with
        // their reasons. A count that moved is this entry's refusal.
        let total: u64 = ev.state.rejected.values().sum();
        let refused = if total != self.refused_total {
            self.refused_total = total;
            let why = match ev.state.rejections.last() {
                Some((i, why)) if *i == index => Some(why),
                _ => None,
            };
            let kind = match why {
                Some(w) => w.kind().to_string(),
                None => ev
                    .state
                    .rejected
                    .iter()
                    .find(|(k, n)| self.refused.get(*k) != Some(n))
                    .map(|(k, _)| k.clone())
                    .unwrap_or_default(),
            };
            self.refused = ev.state.rejected.clone();
            Some(Refusal {
                kind,
                why: why.map(|w| w.to_string()),
            })
        } else {
            None
        };
        self.statements.push(statement_row(index, entry, refused));
        Ok(())
    }

    /// The delta since the last one (or since the collector was made):
    /// the entries recorded, and every observation new or changed.
    pub fn delta(&mut self, ev: &Evaluator<'_>) -> Delta {
        let everything = ev.state.amended.len() != self.amended;
        self.amended = ev.state.amended.len();
        let mut observations = Vec::new();
        for (i, o) in ev.state.obs.iter().enumerate() {
            let f = fingerprint(o);
            match self.fingerprints.get_mut(i) {
                Some(old) if *old == f && !everything => continue,
                Some(old) => *old = f,
                None => self.fingerprints.push(f),
            }
            observations.push(ObservationRow::of(ev, o));
        }
        let delta = Delta {
            from: self.from,
            to: self.next,
            statements: std::mem::take(&mut self.statements),
            observations,
        };
        self.from = self.next;
        delta
    }
}

/// The row of entry `index`.
fn statement_row(index: u64, entry: &[u8], refused: Option<Refusal>) -> StatementRow {
    let entry_hash = tlog_core::leaf_hash(entry).0;
    let (digest, kind, issued_at, signers) = match SignedStatement::parse(entry) {
        Ok(s) => (
            Some(s.digest()),
            Some(s.statement.kind()),
            Some(s.statement.issued_at),
            signer_names(&s.note),
        ),
        Err(_) => match tlog_core::Note::parse(entry) {
            Ok(n) => (None, None, None, signer_names(&n)),
            Err(_) => (None, None, None, vec![]),
        },
    };
    StatementRow {
        index,
        entry_hash,
        digest,
        kind,
        issued_at,
        signers,
        accepted: refused.is_none(),
        refused,
    }
}

fn signer_names(n: &tlog_core::Note) -> Vec<String> {
    n.signatures().iter().map(|l| l.name.clone()).collect()
}

/// A hash of what an observation's row shows that can change after it is
/// accepted (the rest is fixed by its statement). Organisations are
/// hashed by id: a change of names comes with an amendment, which the
/// collector watches apart.
fn fingerprint(o: &Obs) -> u64 {
    let mut h = Fx(0);
    for org in o.orgs.iter() {
        org.hash(&mut h);
    }
    o.reporter.hash(&mut h);
    o.dissent.hash(&mut h);
    o.verified_at.hash(&mut h);
    match &o.dispute {
        DisputeState::None => 0u8.hash(&mut h),
        DisputeState::Open {
            dispute,
            lodged_by,
            until,
        } => {
            1u8.hash(&mut h);
            dispute.0.hash(&mut h);
            lodged_by.hash(&mut h);
            until.as_second().hash(&mut h);
        }
        DisputeState::Upheld => 2u8.hash(&mut h),
        DisputeState::Stands => 3u8.hash(&mut h),
    }
    o.responsible.hash(&mut h);
    o.confidence.map(|c| c as u8).hash(&mut h);
    o.attribution.hash(&mut h);
    o.controlled_by.hash(&mut h);
    o.zones.hash(&mut h);
    h.finish()
}

/// FxHash's mixing: fast, and good enough to tell a changed row from an
/// unchanged one (a collision would need 64 bits to agree by chance).
struct Fx(u64);

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u8(&mut self, v: u8) {
        self.write_u64(u64::from(v));
    }
    fn write_u16(&mut self, v: u16) {
        self.write_u64(u64::from(v));
    }
    fn write_u32(&mut self, v: u32) {
        self.write_u64(u64::from(v));
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
}
