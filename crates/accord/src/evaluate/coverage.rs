//! Coverage: where and when the monitors could see. A verdict of "no
//! verified breach" rests on it; where nobody could see, the verdict is
//! "not assessable", never "kept" (docs/evaluation.md, "Verdicts").
//!
//! Two things cover a zone in a period: a coverage statement (a patrol's
//! route, a camera's or a drone's window, an area observed) and a
//! first-hand report from inside the zone (a patrol, camera, drone,
//! satellite or acoustic sensor was there). Both count only from
//! organisations that answer to no party (a mission, technical means): a
//! party's own patrols are not what its adversary's "no verified breach"
//! can rest on, and an open-source dataset covers nothing (it reports what
//! was found, not where someone looked).

use geo::{Contains, Coord, LineString, Point, Polygon};

use super::*;
use crate::statement::Coverage;

/// How densely a track is sampled: a zone narrower than this that a route
/// crosses may be missed, never one it does not reach.
const TRACK_STEP_M: f64 = 250.0;
/// At most this many points are placed for one coverage statement.
const MAX_SAMPLES: usize = 20_000;
/// An area is sampled on a grid of this many cells a side, with its corners.
const AREA_GRID: usize = 32;

/// What covered one reporting period.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CoverageSeen {
    /// Zones covered (areas, by id).
    pub zones: BTreeSet<String>,
    /// The organisations that covered something.
    pub orgs: BTreeSet<OrgId>,
    /// Coverage statements (log indices; the first 100).
    pub statements: Vec<u64>,
}

impl<'a> Evaluator<'a> {
    /// Whether an organisation's coverage counts: one that answers to no
    /// party and is not an open-source dataset.
    pub(super) fn covers(&self, org: OrgId) -> bool {
        self.org_covers.get(org as usize).copied().unwrap_or(false)
    }

    /// A coverage statement: the periods its window overlaps are covered,
    /// in the zones it names or reaches.
    pub(super) fn coverage_statement(
        &mut self,
        index: u64,
        t: Timestamp,
        c: &Coverage,
        signers: &[Holder],
    ) -> Result<(), Rejected> {
        let org = self.reporter(signers).ok_or(Rejected::NotAMonitor {
            kind: SignedKind::Coverage,
        })?;
        if !self.covers(org) {
            return Err(Rejected::CoverageNotIndependent {
                organisation: self.organisation(org).to_string(),
            });
        }
        let from = c.window.from.0;
        let Some(to) = c.window.to.map(|t| t.0) else {
            return Err(Rejected::Malformed {
                detail: "coverage without the end of its window".into(),
            });
        };
        // What was covered is reported after the fact, as what was seen.
        if to.as_second() > t.as_second() + 300 {
            return Err(Rejected::ObservedLater {
                observed: Time(to),
                issued: Time(t),
            });
        }
        let zones = self.zones_covered(c);
        let (mut first, last) = (self.periods.period_of(from), self.periods.period_of(to));
        // Nothing before the adoption is judged: coverage of it is kept nowhere.
        if let Some(adopted) = self.state.adopted {
            first = first.max(self.periods.period_of(adopted.time.0));
        }
        if first > last {
            return Ok(());
        }
        let mut period = first;
        loop {
            self.cover(period, org, zones.iter().map(String::as_str), Some(index));
            if period >= last {
                break;
            }
            period = self.periods.next(period);
        }
        Ok(())
    }

    /// The zones a coverage statement covers: those it names, and those
    /// its track or area reaches (sampled: see [`TRACK_STEP_M`]).
    fn zones_covered(&self, c: &Coverage) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = c.zones.iter().cloned().collect();
        let mut samples: Vec<(f64, f64)> = Vec::new();
        for w in c.track.windows(2) {
            let (a, b) = (w[0], w[1]);
            let (pa, pb) = (
                crate::geography::Pos::new(a[0], a[1]),
                crate::geography::Pos::new(b[0], b[1]),
            );
            let steps = ((pa.distance(&pb) / TRACK_STEP_M).ceil() as usize).clamp(1, MAX_SAMPLES);
            for k in 0..steps {
                let f = k as f64 / steps as f64;
                samples.push((a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f));
            }
            if samples.len() > MAX_SAMPLES {
                break;
            }
        }
        if let Some(last) = c.track.last() {
            samples.push((last[0], last[1]));
        }
        if !c.area.is_empty() {
            let ring: Vec<Coord<f64>> = c.area.iter().map(|p| Coord { x: p[0], y: p[1] }).collect();
            let polygon = Polygon::new(LineString::new(ring), vec![]);
            samples.extend(c.area.iter().map(|p| (p[0], p[1])));
            let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
            for p in &c.area {
                (x0, y0, x1, y1) = (x0.min(p[0]), y0.min(p[1]), x1.max(p[0]), y1.max(p[1]));
            }
            for i in 0..=AREA_GRID {
                for j in 0..=AREA_GRID {
                    let x = x0 + (x1 - x0) * i as f64 / AREA_GRID as f64;
                    let y = y0 + (y1 - y0) * j as f64 / AREA_GRID as f64;
                    if polygon.contains(&Point::new(x, y)) {
                        samples.push((x, y));
                    }
                }
            }
        }
        samples.truncate(MAX_SAMPLES);
        let mut pl = Placement::default();
        for (lon, lat) in samples {
            if self.zones.place_into(lon, lat, &mut pl).is_ok() {
                out.extend(pl.zones.iter().map(|&z| self.zones.zone_id(z).to_string()));
            }
        }
        out
    }

    /// Records that `org` covered `zones` in `period` (by a coverage
    /// statement, when `statement` says which). Coverage that reaches a
    /// period already decided revises its verdicts, as a late report does.
    pub(super) fn cover<'z>(
        &mut self,
        period: Date,
        org: OrgId,
        zones: impl Iterator<Item = &'z str>,
        statement: Option<u64>,
    ) {
        // Nothing before the adoption is judged, nor kept.
        if self
            .state
            .adopted
            .is_none_or(|a| period < self.periods.period_of(a.time.0))
        {
            return;
        }
        let decided = self.state.done.is_some_and(|d| period <= d);
        let seen = self.state.coverage.entry(period).or_default();
        let totals = &mut self.state.coverage_totals;
        let mut new = seen.orgs.is_empty();
        if new && decided {
            totals.periods_covered += 1;
        }
        seen.orgs.insert(org);
        for z in zones {
            if !seen.zones.contains(z) {
                seen.zones.insert(z.to_string());
                new = true;
                if decided {
                    *totals.by_zone.entry(z.to_string()).or_default() += 1;
                }
            }
        }
        if let Some(i) = statement
            && seen.statements.len() < 100
        {
            seen.statements.push(i);
        }
        if new && decided {
            let ids: Vec<&'a str> = self.a.clauses.keys().map(String::as_str).collect();
            for id in ids {
                self.evaluate_clause(id, period, true);
            }
        }
    }

    /// Whether the monitors covered a clause's zones in a period (anywhere,
    /// when one of its metrics counts anywhere).
    pub(super) fn covered(&self, c: &Clause, period: Date) -> bool {
        let Some(seen) = self.state.coverage.get(&period) else {
            return false;
        };
        if c.metrics.is_empty() || c.metrics.values().any(|m| m.zones.is_empty()) {
            return true;
        }
        c.metrics
            .values()
            .flat_map(|m| &m.zones)
            .any(|z| seen.zones.contains(z.get_ref()))
    }

    /// Counts a period that has just ended in the totals.
    pub(super) fn count_coverage(&mut self, period: Date) {
        let totals = &mut self.state.coverage_totals;
        totals.periods += 1;
        if let Some(seen) = self.state.coverage.get(&period) {
            totals.periods_covered += 1;
            for z in &seen.zones {
                *totals.by_zone.entry(z.clone()).or_default() += 1;
            }
        }
    }

    /// The coverage the status shows.
    pub(super) fn coverage_status(&self) -> CoverageStatus {
        let s = &self.state;
        let mut status = s.coverage_totals.clone();
        status.last_period = s.done.and_then(|done| {
            s.coverage.get(&done).map(|seen| PeriodCoverage {
                period: done.to_string(),
                zones: seen.zones.iter().cloned().collect(),
                organisations: seen
                    .orgs
                    .iter()
                    .map(|&o| self.organisation(o).to_string())
                    .collect(),
                statements: seen.statements.clone(),
            })
        });
        status
    }
}
