//! How a metric combines the values of the observations it counts: summed
//! (the number of observations, or the sum of a detail), or, for a presence
//! held against a ceiling, the latest value or the largest. A presence is
//! counted at a time, so adding reports together would count the same
//! soldiers every day they are seen.

use jiff::Timestamp;

use super::Obs;
use crate::agreement::Measure;

/// A metric's value, built one counted observation at a time.
pub(super) enum Measured {
    /// Every observation counted adds its value.
    Total { total: i64, used: Vec<u64> },
    /// The value of the observation seen last (observed time, then log
    /// order) of those that give the detail: the presence now.
    Latest(String, Option<(Timestamp, u64, i64)>),
    /// The largest value of one observation (ties: the earlier in the log).
    Max(String, Option<(i64, u64)>),
}

impl Measured {
    pub(super) fn new(m: &Measure) -> Measured {
        match m {
            Measure::Observations | Measure::Sum(_) => Measured::Total {
                total: 0,
                used: Vec::new(),
            },
            Measure::Latest(f) => Measured::Latest(f.get_ref().clone(), None),
            Measure::Max(f) => Measured::Max(f.get_ref().clone(), None),
        }
    }

    /// Counts an observation, worth `value` to the metric. An observation
    /// that does not give the detail (a presence reported without its
    /// vehicles) says nothing of it: it is not a zero.
    pub(super) fn add(&mut self, o: &Obs, value: i64) {
        match self {
            Measured::Latest(f, _) | Measured::Max(f, _) if !o.numbers.contains_key(f) => {}
            Measured::Total { total, used } => {
                *total += value;
                used.push(o.index);
            }
            Measured::Latest(_, best) => {
                if best.is_none_or(|(t, i, _)| (o.observed, o.index) > (t, i)) {
                    *best = Some((o.observed, o.index, value));
                }
            }
            Measured::Max(_, best) => {
                if best.is_none_or(|(v, i)| value > v || (value == v && o.index < i)) {
                    *best = Some((value, o.index));
                }
            }
        }
    }

    /// The value, and the observations it rests on (0 and none when no
    /// observation counted).
    pub(super) fn finish(self) -> (i64, Vec<u64>) {
        match self {
            Measured::Total { total, used } => (total, used),
            Measured::Latest(_, best) => best.map_or((0, Vec::new()), |(_, i, v)| (v, vec![i])),
            Measured::Max(_, best) => best.map_or((0, Vec::new()), |(v, i)| (v, vec![i])),
        }
    }
}
