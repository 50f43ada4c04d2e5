//! What entries did, as rows for the index: a [`Collector`] watches an
//! evaluator as entries are applied to it and hands out a [`Delta`] per
//! batch. The live server and [`super::reindex`] both go through it, so a
//! live index and a rebuilt one are made by the same code.
//!
//! Which observations an entry changes is the evaluator's business: a
//! report verifies others near it, a corroboration or a dispute names one,
//! time passing closes disputes, an amendment renames organisations. Rather
//! than follow those rules from outside, the collector keeps, for each
//! observation, the fields that move when anything about it changes, and a
//! delta carries every observation whose fields moved:
//!
//! - organisations are only ever added (a corroboration), so their count;
//! - dissent only grows; `verified_at`, as it is;
//! - the dispute's state: lodging opens it, and resolving, withdrawing or
//!   a deadline passing closes it; a dispute reattributing the observation
//!   (its party, confidence and basis) closes it in the same step, and an
//!   observation once disputed is never disputed again;
//! - an amendment that takes effect may renumber organisations: then every
//!   row is sent again.
//!
//! The rest of a row is fixed when the observation is accepted. Comparing
//! a few integers per observation costs a pass over the observations per
//! delta (a few nanoseconds each), which is why deltas are per batch, not
//! per entry; the tests build live indexes at random batch boundaries and
//! compare them, row for row, with the evaluator's own view.

use std::collections::BTreeMap;

use accord::evaluate::{DisputeState, Evaluator, Obs};
use accord::statement::{Digest, Kind, SignedStatement, Time};

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
    /// What moves of each observation, as last handed out.
    seen: Vec<Seen>,
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
            seen: ev.state.obs.iter().map(|o| Seen::of(o)).collect(),
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

    /// Records entries the evaluator has just applied and accepted, every
    /// one of them (the server logs nothing else): `entries` are their
    /// bytes, in order, and the evaluator must be just past the last.
    pub fn record_accepted(
        &mut self,
        ev: &Evaluator<'_>,
        entries: &[&[u8]],
    ) -> Result<(), IndexError> {
        let expected = self.next + entries.len() as u64;
        if ev.state.size != expected {
            return Err(IndexError::OutOfStep {
                expected,
                found: ev.state.size,
            });
        }
        for e in entries {
            let index = self.next;
            self.next += 1;
            self.statements.push(statement_row(index, e, None));
        }
        // Nothing was refused; the counts stay in step with the evaluator's.
        self.refused = ev.state.rejected.clone();
        self.refused_total = self.refused.values().sum();
        Ok(())
    }

    /// The delta since the last one (or since the collector was made):
    /// the entries recorded, and every observation new or changed.
    pub fn delta(&mut self, ev: &Evaluator<'_>) -> Delta {
        let everything = ev.state.amended.len() != self.amended;
        self.amended = ev.state.amended.len();
        let mut observations = Vec::new();
        for (i, o) in ev.state.obs.iter().enumerate() {
            let now = Seen::of(o);
            match self.seen.get_mut(i) {
                Some(old) if *old == now && !everything => continue,
                Some(old) => *old = now,
                None => self.seen.push(now),
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
    // An accepted entry is a well-formed statement: its kind and time are
    // read from its JSON, without the canonical form checked again (which
    // costs ten times as much). A refused one is parsed whole, to say
    // nothing of what is not a statement.
    let head = match &refused {
        None => tlog_core::Note::parse(entry).ok().and_then(|n| {
            let text = n.text();
            let head: Head = serde_json::from_str(text.strip_suffix('\n').unwrap_or(text)).ok()?;
            Some((Digest::of(text.as_bytes()), head, signer_names(&n)))
        }),
        Some(_) => SignedStatement::parse(entry).ok().map(|s| {
            let head = Head {
                kind: s.statement.kind(),
                issued_at: s.statement.issued_at,
            };
            (s.digest(), head, signer_names(&s.note))
        }),
    };
    let (digest, kind, issued_at, signers) = match head {
        Some((digest, head, signers)) => {
            (Some(digest), Some(head.kind), Some(head.issued_at), signers)
        }
        None => match tlog_core::Note::parse(entry) {
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

/// What a statement row needs of a statement's JSON.
#[derive(serde::Deserialize)]
struct Head {
    kind: Kind,
    issued_at: Time,
}

fn signer_names(n: &tlog_core::Note) -> Vec<String> {
    n.signatures().iter().map(|l| l.name.clone()).collect()
}

/// What of an observation moves when anything about it changes (see the
/// module's comment).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Seen {
    verified_at: Option<u64>,
    dissent: u32,
    organisations: usize,
    dispute: u8,
}

impl Seen {
    fn of(o: &Obs) -> Seen {
        Seen {
            verified_at: o.verified_at,
            dissent: o.dissent,
            organisations: o.orgs.len(),
            dispute: match o.dispute {
                DisputeState::None => 0,
                DisputeState::Open { .. } => 1,
                DisputeState::Upheld => 2,
                DisputeState::Stands => 3,
            },
        }
    }
}
