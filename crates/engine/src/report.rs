//! The daily report, in the manner of the OSCE Special Monitoring
//! Mission's, built only from a replayed log: its model ([`Report`], typed
//! rows) and its renderers (Markdown, HTML with inline SVG charts). Every
//! figure links to the log entries behind it, each with an inclusion proof
//! beside the report, so that a reader can check any number without
//! trusting whoever wrote it.
//!
//! Raw counts and attribution are kept apart, as the mission kept them:
//! violations are counted by region whoever caused them; who is held
//! responsible (and how sure, and who disagrees) is a separate table.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use accord::agreement::{Agreement, ZoneKind};
use accord::evaluate::{
    At, DisputeState, Evaluator, GuaranteeState, Obs, Periods, Status, TrancheState, Verdict,
};
use accord::statement::{Body, Category, Statement};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::titles;

/// How a report links a figure to the entries behind it: to each entry's
/// proof file in `dir` (relative to the report), in HTML or Markdown.
pub struct Links {
    pub dir: String,
    pub html: bool,
}

impl Links {
    /// Links to the entries behind a figure.
    pub fn to(&self, indices: &[u64]) -> String {
        let shown: Vec<String> = indices
            .iter()
            .take(12)
            .map(|i| {
                if self.html {
                    format!("<a href=\"{}/{i}.proof\">#{i}</a>", self.dir)
                } else {
                    format!("[#{i}]({}/{i}.proof)", self.dir)
                }
            })
            .collect();
        let more = if indices.len() > 12 {
            format!(" and {} more", indices.len() - 12)
        } else {
            String::new()
        };
        format!("{}{more}", shown.join(" "))
    }
}

/// How a statement says it is simulated (scripted for a demonstration or a
/// test, not a real event): its observation's or declaration's `note` or
/// `reference`, or its certification's words, begin with this.
pub const SIMULATED: &str = "SIMULATED";

/// Whether a statement says it is simulated (see [`SIMULATED`]).
pub fn says_simulated(s: &Statement) -> bool {
    let marked = |t: Option<&str>| t.is_some_and(|t| t.starts_with(SIMULATED));
    match &s.body {
        Body::Observation(o, _) => marked(o.note.as_deref()) || marked(o.reference.as_deref()),
        Body::Certification(c) => marked(Some(&c.statement)),
        Body::Declaration(d) => marked(d.note.as_deref()) || marked(d.reference.as_deref()),
        _ => false,
    }
}

/// Violation events in a region in a period.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub verified: u64,
    pub reported: u64,
    pub entries: Vec<u64>,
}

/// Something reported in the period, as a row of a report's table.
#[derive(Debug, Clone)]
pub struct Item {
    pub index: u64,
    pub observed: Timestamp,
    pub place: String,
    pub what: String,
    pub verified: bool,
    pub by: String,
    pub attribution: String,
}

/// Counts of something, verified and reported.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counted {
    pub verified: u64,
    pub reported: u64,
}

/// The phase at the period's end, and its changes during it.
#[derive(Debug, Clone)]
pub struct PhaseRow {
    pub at_end: String,
    pub changes: Vec<String>,
}

/// A relief tranche or a guarantee: its state at the period's end, and its
/// changes during it.
#[derive(Debug, Clone)]
pub struct MachineRow {
    pub title: String,
    pub state: String,
    pub changes: String,
}

/// A region's violations, this period and the one before.
#[derive(Debug, Clone)]
pub struct RegionRow {
    pub name: String,
    pub now: Tally,
    pub before: Tally,
}

/// Events attributed to one party (or to no one).
#[derive(Debug, Default, Clone)]
pub struct Attributed {
    pub verified: u64,
    pub reported: u64,
    pub entries: Vec<u64>,
}

/// A clause and its result for each party it binds.
#[derive(Debug, Clone)]
pub struct ClauseRow {
    pub id: String,
    pub title: String,
    pub parties: Vec<PartyRow>,
}

/// A clause's result for one party: its verdict (`None`: not in force),
/// what was measured (verified beside reported), the entries counted and
/// the reports not verified.
#[derive(Debug, Clone)]
pub struct PartyRow {
    pub party: String,
    pub verdict: Option<Verdict>,
    pub measured: String,
    pub entries: Vec<u64>,
    pub allegations: Vec<u64>,
}

/// Violation events in one period.
#[derive(Debug, Clone, Copy)]
pub struct DayCount {
    pub day: Date,
    pub verified: u64,
    pub reported: u64,
}

/// The daily report's model: everything it says, built from the replayed
/// evaluator, rendered by [`Report::markdown`] and [`Report::html`].
#[derive(Debug, Clone)]
pub struct Report {
    pub title: String,
    pub agreement: String,
    pub adopted: Option<At>,
    pub day: Date,
    pub previous: Date,
    pub start: Timestamp,
    pub end: Timestamp,
    pub tz: TimeZone,
    pub phase: PhaseRow,
    pub tranches: Vec<MachineRow>,
    pub guarantees: Vec<MachineRow>,
    pub regions: Vec<RegionRow>,
    pub attribution: BTreeMap<String, Attributed>,
    pub weapons: Vec<Item>,
    pub movement: Vec<Item>,
    pub casualties: Vec<Item>,
    pub killed: Counted,
    pub injured: Counted,
    pub clauses: Vec<ClauseRow>,
    pub series: Vec<DayCount>,
    pub osint_sources: BTreeSet<String>,
    /// Every entry the report cites.
    pub cited: BTreeSet<u64>,
    /// The cited entries that say they are simulated (see
    /// [`says_simulated`]): whoever reads the entries fills it in, since the
    /// evaluator keeps no notes.
    pub simulated: BTreeSet<u64>,
    /// What the checkpoint's witnesses did, in a sentence (who cosigned
    /// it, whether the witness quorum is met): whoever checked the
    /// checkpoint against the policy fills it in.
    pub witnessed: Option<String>,
}

fn events(o: &Obs) -> u64 {
    o.events.iter().map(|(_, n)| n).sum::<u64>().max(1)
}

fn state_word<T: serde::Serialize>(s: &T) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
        .unwrap_or_default()
}

impl Report {
    /// The report of the period named `day`.
    pub fn build(a: &Agreement, ev: &Evaluator<'_>, day: Date) -> Report {
        let periods: &Periods = ev.periods();
        let previous = periods.previous(day);
        let (start, end) = (periods.start(day), periods.end(day));
        let st: Status = ev.status();
        let tz = TimeZone::get(a.timezone.get_ref()).unwrap_or(TimeZone::UTC);
        let mut cited = BTreeSet::new();
        let title_of = |id: &str| {
            a.zones
                .get(id)
                .and_then(|z| z.title.as_ref().map(|t| t.get_ref().clone()))
                .unwrap_or_else(|| id.to_string())
        };
        // Phase, relief and guarantees as they stood at the period's end.
        let phase_at_end = st
            .phase
            .history
            .iter()
            .rfind(|c| c.at.time.0 <= end)
            .map(|c| c.to.clone())
            .or_else(|| {
                st.adopted
                    .filter(|at| at.time.0 <= end)
                    .and_then(|_| st.phase.history.first().map(|c| c.from.clone()))
                    .or_else(|| st.phase.id.clone().filter(|_| st.phase.history.is_empty()))
            })
            .map(|id| titles::phase(a, &id))
            .unwrap_or_else(|| "-".into());
        let mut phase_changes = Vec::new();
        for c in &st.phase.history {
            if c.at.time.0 > start && c.at.time.0 <= end {
                cited.insert(c.at.index);
                cited.extend(&c.statements);
                phase_changes.push(format!(
                    "{} → {}, certified in entries {}",
                    titles::phase(a, &c.from),
                    titles::phase(a, &c.to),
                    c.statements
                        .iter()
                        .map(u64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        // A machine's state at the period's end and its changes during it,
        // from its history: (when, state, why, statements).
        let mut at_end =
            |title: String,
             initial: &'static str,
             history: Vec<(Timestamp, &'static str, &str, &[u64])>| {
                let state = history
                    .iter()
                    .rfind(|c| c.0 <= end)
                    .map_or(initial, |c| c.1)
                    .replace('_', " ");
                let changed: Vec<String> = history
                    .iter()
                    .filter(|c| c.0 > start && c.0 <= end)
                    .map(|(_, state, why, statements)| {
                        cited.extend(*statements);
                        format!(
                            "became {} ({why}; entries {statements:?})",
                            state.replace('_', " ")
                        )
                    })
                    .collect();
                MachineRow {
                    title,
                    state,
                    changes: changed.join("; "),
                }
            };
        let tranches = st
            .tranches
            .iter()
            .map(|(id, t)| {
                let title = a
                    .relief
                    .get(id)
                    .map_or(id.clone(), |t| t.title.get_ref().clone());
                let history = t.history.iter();
                at_end(
                    title,
                    TrancheState::Pending.name(),
                    history
                        .map(|c| {
                            (
                                c.at.time.0,
                                c.state.name(),
                                c.why.as_str(),
                                &c.statements[..],
                            )
                        })
                        .collect(),
                )
            })
            .collect();
        let guarantees = st
            .guarantees
            .iter()
            .map(|(id, g)| {
                let title = a
                    .guarantees
                    .get(id)
                    .map_or(id.clone(), |g| g.title.get_ref().clone());
                let history = g.history.iter();
                at_end(
                    title,
                    GuaranteeState::Dormant.name(),
                    history
                        .map(|c| {
                            (
                                c.at.time.0,
                                c.state.name(),
                                c.why.as_str(),
                                &c.statements[..],
                            )
                        })
                        .collect(),
                )
            })
            .collect();

        let regions_ids = ev.zones_of(ZoneKind::Region);
        let mut regions: BTreeMap<String, (Tally, Tally)> = regions_ids
            .iter()
            .map(|r| (r.clone(), Default::default()))
            .collect();
        let elsewhere = "(outside the named regions)".to_string();
        let mut attribution: BTreeMap<String, Attributed> = BTreeMap::new();
        let (mut weapons, mut movement, mut casualties) = (vec![], vec![], vec![]);
        let (mut killed, mut injured) = (Counted::default(), Counted::default());
        let mut series: BTreeMap<Date, Counted> = BTreeMap::new();
        let first_day = {
            let mut d = day;
            for _ in 0..29 {
                d = periods.previous(d);
            }
            d
        };
        let mut osint_sources = BTreeSet::new();
        let place = |o: &Obs| {
            let names: Vec<String> = o
                .zones
                .iter()
                .filter(|z| regions_ids.contains(z))
                .map(|z| title_of(z))
                .collect();
            let side = o
                .controlled_by
                .as_ref()
                .map(|p| format!(", held by {p}"))
                .unwrap_or_default();
            format!(
                "{} ({:.3}° N, {:.3}° E{side})",
                if names.is_empty() {
                    "-".into()
                } else {
                    names.join(", ")
                },
                o.lat,
                o.lon
            )
        };
        for o in &ev.state.obs {
            // Withdrawn after an upheld dispute: no longer reported.
            if o.dispute == DisputeState::Upheld {
                continue;
            }
            if o.category == Category::CeasefireViolation
                && o.period >= first_day
                && o.period <= day
            {
                let e = series.entry(o.period).or_default();
                e.reported += events(o);
                if o.counts() {
                    e.verified += events(o);
                }
            }
            let this = o.period == day;
            if !this && o.period != previous {
                continue;
            }
            if this && o.sensor == accord::statement::Sensor::OpenSource {
                osint_sources.extend(o.orgs.iter().map(|id| ev.organisation(id).to_string()));
            }
            let verified = o.counts();
            let by = match (&o.responsible, &o.confidence) {
                (Some(p), Some(c)) => format!("{p} ({})", state_word(c)),
                (Some(p), None) => p.clone(),
                _ => "not attributed".into(),
            };
            let attribution_note = format!(
                "{}{}",
                o.attribution,
                if o.dissent > 0 {
                    format!(", {} dissenting", o.dissent)
                } else {
                    String::new()
                }
            );
            let item = |what: String| Item {
                index: o.index,
                observed: o.observed,
                place: place(o),
                what,
                verified,
                by: by.clone(),
                attribution: attribution_note.clone(),
            };
            match o.category {
                Category::CeasefireViolation => {
                    let n = events(o);
                    let keys: Vec<String> = {
                        let v: Vec<String> = o
                            .zones
                            .iter()
                            .filter(|z| regions_ids.contains(z))
                            .cloned()
                            .collect();
                        if v.is_empty() {
                            vec![elsewhere.clone()]
                        } else {
                            v
                        }
                    };
                    for k in keys {
                        let (now, before) = regions.entry(k).or_default();
                        let t = if this { now } else { before };
                        t.reported += n;
                        if verified {
                            t.verified += n;
                        }
                        if this {
                            t.entries.push(o.index);
                        }
                    }
                    if this {
                        cited.insert(o.index);
                        let who = o
                            .responsible
                            .clone()
                            .unwrap_or_else(|| "not attributed".into());
                        let e = attribution.entry(who).or_default();
                        e.reported += n;
                        if verified {
                            e.verified += n;
                        }
                        e.entries.push(o.index);
                    }
                }
                Category::WeaponSighting if this && !o.withdrawal.is_empty() => {
                    // In violation only of its own class's zone, when the
                    // class is known.
                    let named = o.withdrawal.iter().filter_map(|&w| ev.withdrawal_zone(w));
                    let zones: Vec<(&str, &str)> = match &o.weapon_class {
                        Some(c) => named.filter(|(class, _)| class == c).collect(),
                        None => named.collect(),
                    };
                    if zones.is_empty() {
                        continue;
                    }
                    cited.insert(o.index);
                    weapons.push(item(format!(
                        "{} {}, inside {}",
                        o.numbers.get("count").copied().unwrap_or(1),
                        o.weapon_class
                            .as_deref()
                            .map_or_else(|| "weapons".into(), |c| titles::weapon_class(a, c)),
                        zones
                            .iter()
                            .map(|(class, party)| titles::withdrawal_zone(a, class, party))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
                Category::FreedomOfMovement if this => {
                    cited.insert(o.index);
                    // Free text from the entry: made printable.
                    let kind: Vec<String> = o
                        .texts
                        .values()
                        .map(|t| accord::text::printable(t).into_owned())
                        .collect();
                    movement.push(item(format!(
                        "{}{}",
                        if kind.is_empty() {
                            "restriction".into()
                        } else {
                            kind.join(", ")
                        },
                        o.numbers
                            .get("duration_minutes")
                            .map(|m| format!(", {m} minutes"))
                            .unwrap_or_default()
                    )));
                }
                Category::CivilianCasualties if this => {
                    cited.insert(o.index);
                    let k = o.numbers.get("killed").copied().unwrap_or(0);
                    let i = o.numbers.get("injured").copied().unwrap_or(0);
                    killed.reported += k;
                    injured.reported += i;
                    if verified {
                        killed.verified += k;
                        injured.verified += i;
                    }
                    casualties.push(item(format!("{k} killed, {i} injured")));
                }
                _ => {}
            }
        }
        let regions = regions
            .into_iter()
            .map(|(k, (now, before))| RegionRow {
                name: if k == elsewhere { k } else { title_of(&k) },
                now,
                before,
            })
            .collect();
        // Clause results for the day.
        let mut clauses = Vec::new();
        for (id, c) in &a.clauses {
            let mut rows = Vec::new();
            if let Some(by_party) = ev.state.results.get(id) {
                for (p, res) in by_party {
                    let r = res.get(&day);
                    let metrics = r
                        .map(|r| {
                            r.metrics
                                .iter()
                                .map(|(k, v)| match r.reported.get(k) {
                                    Some(rep) if rep != v => {
                                        format!("{k} {v} verified, {rep} reported")
                                    }
                                    _ => format!("{k} {v}"),
                                })
                                .collect::<Vec<_>>()
                                .join(", ")
                        })
                        .unwrap_or_default();
                    let counted = r.map(|r| r.counted.clone()).unwrap_or_default();
                    let allegations = r.map(|r| r.allegations.clone()).unwrap_or_default();
                    cited.extend(&counted);
                    cited.extend(&allegations);
                    rows.push(PartyRow {
                        party: p.clone(),
                        verdict: r.map(|r| r.verdict),
                        measured: metrics,
                        entries: counted,
                        allegations,
                    });
                }
            }
            clauses.push(ClauseRow {
                id: id.clone(),
                title: c.title.get_ref().clone(),
                parties: rows,
            });
        }
        let mut series_v = Vec::new();
        let mut d = first_day;
        for _ in 0..30 {
            let c = series.get(&d).copied().unwrap_or_default();
            series_v.push(DayCount {
                day: d,
                verified: c.verified,
                reported: c.reported,
            });
            if d >= day {
                break;
            }
            d = periods.next(d);
        }
        Report {
            title: a.title.get_ref().clone(),
            agreement: st.agreement.map(|d| d.to_string()).unwrap_or_default(),
            adopted: st.adopted,
            day,
            previous,
            start,
            end,
            tz,
            phase: PhaseRow {
                at_end: phase_at_end,
                changes: phase_changes,
            },
            tranches,
            guarantees,
            regions,
            attribution,
            weapons,
            movement,
            casualties,
            killed,
            injured,
            clauses,
            series: series_v,
            osint_sources,
            cited,
            simulated: BTreeSet::new(),
            witnessed: None,
        }
    }

    /// A time in the agreement's time zone.
    pub fn local(&self, t: Timestamp) -> String {
        t.to_zoned_datetime(self.tz.clone())
            .strftime("%Y-%m-%d %H:%M %Z")
            .to_string()
    }

    fn change(now: u64, before: u64) -> String {
        match now as i64 - before as i64 {
            0 => "=".into(),
            d if d > 0 => format!("+{d}"),
            d => d.to_string(),
        }
    }

    /// The report in Markdown, for a log of `size` entries with `root`.
    pub fn markdown(&self, l: &Links, size: u64, root: &str) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "# Daily report, {}\n", self.day);
        let _ = writeln!(o, "**{}**  ", self.title);
        let _ = writeln!(
            o,
            "Reporting period {} to {}. Built only from the public log ({size} entries, root `{root}`), under agreement `{}`. Every figure links to the entries behind it, each with an inclusion proof; `accord audit` re-checks everything.\n",
            self.local(self.start),
            self.local(self.end),
            self.agreement
        );
        if let Some(w) = &self.witnessed {
            let _ = writeln!(o, "**{}**\n", accord::text::printable(w));
        }
        if !self.simulated.is_empty() {
            let _ = writeln!(o, "**{}**\n", self.simulated_note(l));
        }
        let _ = writeln!(o, "## Phase and relief\n");
        let _ = writeln!(
            o,
            "- Phase at the end of the period: **{}**",
            self.phase.at_end
        );
        for c in &self.phase.changes {
            let _ = writeln!(o, "- Phase change in the period: {c}");
        }
        for MachineRow {
            title: t,
            state: s,
            changes: ch,
        } in &self.tranches
        {
            let _ = writeln!(
                o,
                "- Relief: {t}: **{s}**{}",
                if ch.is_empty() {
                    String::new()
                } else {
                    format!(" ({ch})")
                }
            );
        }
        for MachineRow {
            title: t,
            state: s,
            changes: ch,
        } in &self.guarantees
        {
            let _ = writeln!(
                o,
                "- Guarantee: {t}: **{s}**{}",
                if ch.is_empty() {
                    String::new()
                } else {
                    format!(" ({ch})")
                }
            );
        }
        let _ = writeln!(o, "\n## Ceasefire violations by region\n");
        let _ = writeln!(
            o,
            "Events (explosions, shots, …) reported in the period; *verified* under the agreement's rules (two independent organisations, or one with evidence). Previous period: {}.\n",
            self.previous
        );
        let _ = writeln!(
            o,
            "| Region | Verified | Reported | Previous (verified / reported) | Change (reported) | Entries |"
        );
        let _ = writeln!(o, "|---|---:|---:|---:|---:|---|");
        for RegionRow { name, now, before } in &self.regions {
            if now.reported == 0 && before.reported == 0 {
                continue;
            }
            let _ = writeln!(
                o,
                "| {name} | {} | {} | {} / {} | {} | {} |",
                now.verified,
                now.reported,
                before.verified,
                before.reported,
                Self::change(now.reported, before.reported),
                l.to(&now.entries)
            );
        }
        let _ = writeln!(o, "\n### Attribution (a separate layer)\n");
        let _ = writeln!(
            o,
            "| Held responsible | Verified events | Reported events | Entries |"
        );
        let _ = writeln!(o, "|---|---:|---:|---|");
        for (
            p,
            Attributed {
                verified: v,
                reported: r,
                entries: e,
            },
        ) in &self.attribution
        {
            let _ = writeln!(o, "| {p} | {v} | {r} | {} |", l.to(e));
        }
        let items = |o: &mut String, title: &str, v: &[Item]| {
            let _ = writeln!(o, "\n## {title}\n");
            if v.is_empty() {
                let _ = writeln!(o, "None reported.");
                return;
            }
            let _ = writeln!(
                o,
                "| Entry | Observed | Where | What | Verified | Responsible | Basis |"
            );
            let _ = writeln!(o, "|---|---|---|---|---|---|---|");
            for i in v {
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    l.to(&[i.index]),
                    self.local(i.observed),
                    i.place,
                    // A cell: a bar would end it early.
                    self.what(i).replace('|', "\\|"),
                    if i.verified { "yes" } else { "no" },
                    i.by,
                    i.attribution
                );
            }
        };
        items(
            &mut o,
            "Weapons seen in violation of withdrawal lines",
            &self.weapons,
        );
        items(
            &mut o,
            "Restrictions of the monitors' freedom of movement",
            &self.movement,
        );
        items(&mut o, "Civilian casualties", &self.casualties);
        let _ = writeln!(
            o,
            "\nTotal: {} killed and {} injured reported ({} and {} verified).",
            self.killed.reported,
            self.injured.reported,
            self.killed.verified,
            self.injured.verified
        );
        let _ = writeln!(o, "\n## Clauses\n");
        let _ = writeln!(
            o,
            "| Clause | Party | Verdict | Measured | Entries counted | Reports not verified |"
        );
        let _ = writeln!(o, "|---|---|---|---|---|---|");
        for ClauseRow {
            id: _,
            title,
            parties,
        } in &self.clauses
        {
            for PartyRow {
                party: p,
                verdict,
                measured: m,
                entries: e,
                allegations,
            } in parties
            {
                let _ = writeln!(
                    o,
                    "| {title} | {p} | {} | {m} | {} | {} |",
                    match verdict {
                        None => "not in force".to_string(),
                        Some(v @ (Verdict::BreachVerified | Verdict::Overdue)) => {
                            format!("**{}**", v.words())
                        }
                        Some(v) => v.words().to_string(),
                    },
                    l.to(e),
                    l.to(allegations)
                );
            }
        }
        let _ = writeln!(o, "\n## The last 30 periods\n");
        let _ = writeln!(o, "| Period | Verified events | Reported events |");
        let _ = writeln!(o, "|---|---:|---:|");
        for DayCount {
            day: d,
            verified: v,
            reported: r,
        } in &self.series
        {
            let _ = writeln!(o, "| {d} | {v} | {r} |");
        }
        o.push_str(&self.sources_note());
        o
    }

    /// What the report says of the simulated entries it cites.
    fn simulated_note(&self, l: &Links) -> String {
        let entries: Vec<u64> = self.simulated.iter().copied().collect();
        format!(
            "{SIMULATED}: entries {} cited in this report say they are simulated (scripted, not real events); every figure that counts them counts something that did not happen.",
            l.to(&entries)
        )
    }

    /// An item's description, marked when its entry says it is simulated.
    fn what(&self, i: &Item) -> String {
        if self.simulated.contains(&i.index) {
            format!("{SIMULATED}: {}", i.what)
        } else {
            i.what.clone()
        }
    }

    fn sources_note(&self) -> String {
        let mut o = String::from("\n---\n");
        if !self.osint_sources.is_empty() {
            let _ = writeln!(
                o,
                "Open-source reports in this period come from imported datasets ({}); they count as reported, not verified, until monitors corroborate them. UCDP GED records only fatal events (incidents of organised violence with at least one death): its events are UCDP fatal events, not every violation. UCDP GED data: Sundberg & Melander 2013; Davies, Pettersson & Öberg 2023 (CC BY 4.0).",
                self.osint_sources
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let _ = writeln!(
            o,
            "Proof files are C2SP tlog-proof inclusion proofs against the checkpoint beside them."
        );
        o
    }

    /// The report as one HTML page with inline SVG charts.
    pub fn html(&self, l: &Links, size: u64, root: &str) -> String {
        let md_free = |s: &str| esc(s);
        let mut o = String::new();
        let _ = write!(
            o,
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Daily report {}</title><style>{}</style></head><body>",
            self.day, CSS
        );
        let _ = write!(
            o,
            "<h1>Daily report, {}</h1><p><strong>{}</strong><br>",
            self.day,
            esc(&self.title)
        );
        let _ = write!(
            o,
            "Reporting period {} to {}. Built only from the public log ({size} entries, root <code>{}</code>) under agreement <code>{}</code>. Every figure links to the entries behind it, each with an inclusion proof; <code>accord audit</code> re-checks everything.</p>",
            esc(&self.local(self.start)),
            esc(&self.local(self.end)),
            esc(root),
            esc(&self.agreement)
        );
        if let Some(w) = &self.witnessed {
            let _ = write!(o, "<p class=witnessed><strong>{}</strong></p>", esc(w));
        }
        if !self.simulated.is_empty() {
            let _ = write!(
                o,
                "<p class=simulated><strong>{}</strong></p>",
                self.simulated_note(l)
            );
        }
        let _ = write!(
            o,
            "<h2>Phase and relief</h2><ul><li>Phase at the end of the period: <strong>{}</strong></li>",
            esc(&self.phase.at_end)
        );
        for c in &self.phase.changes {
            let _ = write!(o, "<li>Phase change in the period: {}</li>", esc(c));
        }
        for MachineRow {
            title: t,
            state: s,
            changes: ch,
        } in &self.tranches
        {
            let _ = write!(
                o,
                "<li>Relief: {}: <strong>{}</strong> {}</li>",
                esc(t),
                esc(s),
                esc(ch)
            );
        }
        for MachineRow {
            title: t,
            state: s,
            changes: ch,
        } in &self.guarantees
        {
            let _ = write!(
                o,
                "<li>Guarantee: {}: <strong>{}</strong> {}</li>",
                esc(t),
                esc(s),
                esc(ch)
            );
        }
        o.push_str("</ul><h2>Ceasefire violations by region</h2>");
        o.push_str(&self.region_chart());
        let _ = write!(
            o,
            "<table><tr><th>Region</th><th>Verified</th><th>Reported</th><th>Previous ({}) verified / reported</th><th>Change</th><th>Entries</th></tr>",
            self.previous
        );
        for RegionRow { name, now, before } in &self.regions {
            if now.reported == 0 && before.reported == 0 {
                continue;
            }
            let _ = write!(
                o,
                "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{} / {}</td><td class=n>{}</td><td>{}</td></tr>",
                md_free(name),
                now.verified,
                now.reported,
                before.verified,
                before.reported,
                Self::change(now.reported, before.reported),
                l.to(&now.entries)
            );
        }
        o.push_str("</table><h3>Attribution (a separate layer)</h3><table><tr><th>Held responsible</th><th>Verified events</th><th>Reported events</th><th>Entries</th></tr>");
        for (
            p,
            Attributed {
                verified: v,
                reported: r,
                entries: e,
            },
        ) in &self.attribution
        {
            let _ = write!(
                o,
                "<tr><td>{}</td><td class=n>{v}</td><td class=n>{r}</td><td>{}</td></tr>",
                esc(p),
                l.to(e)
            );
        }
        o.push_str("</table>");
        let items = |o: &mut String, title: &str, v: &[Item]| {
            let _ = write!(o, "<h2>{}</h2>", esc(title));
            if v.is_empty() {
                o.push_str("<p>None reported.</p>");
                return;
            }
            o.push_str("<table><tr><th>Entry</th><th>Observed</th><th>Where</th><th>What</th><th>Verified</th><th>Responsible</th><th>Basis</th></tr>");
            for i in v {
                let _ = write!(
                    o,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    l.to(&[i.index]),
                    esc(&self.local(i.observed)),
                    esc(&i.place),
                    esc(&self.what(i)),
                    if i.verified { "yes" } else { "no" },
                    esc(&i.by),
                    esc(&i.attribution)
                );
            }
            o.push_str("</table>");
        };
        items(
            &mut o,
            "Weapons seen in violation of withdrawal lines",
            &self.weapons,
        );
        items(
            &mut o,
            "Restrictions of the monitors' freedom of movement",
            &self.movement,
        );
        items(&mut o, "Civilian casualties", &self.casualties);
        let _ = write!(
            o,
            "<p>Total: {} killed and {} injured reported ({} and {} verified).</p>",
            self.killed.reported,
            self.injured.reported,
            self.killed.verified,
            self.injured.verified
        );
        o.push_str("<h2>Clauses</h2><table><tr><th>Clause</th><th>Party</th><th>Verdict</th><th>Measured</th><th>Entries counted</th><th>Reports not verified</th></tr>");
        for ClauseRow {
            id: _,
            title,
            parties,
        } in &self.clauses
        {
            for PartyRow {
                party: p,
                verdict,
                measured: m,
                entries: e,
                allegations,
            } in parties
            {
                let _ = write!(
                    o,
                    "<tr><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(title),
                    esc(p),
                    match verdict {
                        Some(Verdict::BreachVerified | Verdict::Overdue) => "broken",
                        _ => "",
                    },
                    verdict.map_or("not in force", |v| v.words()),
                    esc(m),
                    l.to(e),
                    l.to(allegations)
                );
            }
        }
        o.push_str("</table><h2>The last 30 periods</h2>");
        o.push_str(&self.series_chart());
        let note = self.sources_note();
        let _ = write!(
            o,
            "<footer>{}</footer></body></html>",
            esc(note.trim_start_matches("\n---\n"))
        );
        o
    }

    /// Horizontal bars: reported events per region this period (verified
    /// part darker), with a tick at the previous period's count.
    fn region_chart(&self) -> String {
        let rows: Vec<&RegionRow> = self
            .regions
            .iter()
            .filter(|r| r.now.reported + r.before.reported > 0)
            .collect();
        if rows.is_empty() {
            return "<p>No ceasefire violations reported in this period or the one before.</p>"
                .into();
        }
        let max = rows
            .iter()
            .map(|r| r.now.reported.max(r.before.reported))
            .max()
            .unwrap_or(1)
            .max(1) as f64;
        let (label_w, bar_w, row_h) = (230.0, 420.0, 26.0);
        let h = row_h * rows.len() as f64 + 30.0;
        let mut s = format!(
            "<svg role=\"img\" aria-label=\"Ceasefire violations by region\" width=\"{}\" height=\"{h}\" viewBox=\"0 0 {} {h}\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\" font-size=\"12\">",
            label_w + bar_w + 60.0,
            label_w + bar_w + 60.0
        );
        for (i, RegionRow { name, now, before }) in rows.iter().enumerate() {
            let y = i as f64 * row_h + 4.0;
            let w = |n: u64| n as f64 / max * bar_w;
            let _ = write!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{:.1}\" height=\"18\" fill=\"#9ecae1\"><title>{} reported</title></rect><rect x=\"{label_w}\" y=\"{y}\" width=\"{:.1}\" height=\"18\" fill=\"#08519c\"><title>{} verified</title></rect><line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{}\" y2=\"{}\" stroke=\"#d62728\" stroke-width=\"2\"><title>previous period: {} reported</title></line><text x=\"{:.1}\" y=\"{}\">{}</text>",
                label_w - 6.0,
                y + 13.0,
                esc(name),
                w(now.reported),
                now.reported,
                w(now.verified),
                now.verified,
                label_w + w(before.reported),
                label_w + w(before.reported),
                y - 2.0,
                y + 20.0,
                before.reported,
                label_w + w(now.reported).max(w(before.reported)) + 6.0,
                y + 13.0,
                now.reported
            );
        }
        let _ = write!(
            s,
            "<text x=\"{label_w}\" y=\"{}\" fill=\"#555\">dark: verified; light: reported; red tick: previous period</text></svg>",
            h - 6.0
        );
        s
    }

    /// Columns: verified and reported violation events per period.
    fn series_chart(&self) -> String {
        let max = self
            .series
            .iter()
            .map(|c| c.reported)
            .max()
            .unwrap_or(0)
            .max(1) as f64;
        let (w, h, pad) = (720.0, 180.0, 30.0);
        let n = self.series.len().max(1) as f64;
        let col = (w - 2.0 * pad) / n;
        let mut s = format!(
            "<svg role=\"img\" aria-label=\"Violations per period\" width=\"{w}\" height=\"{}\" viewBox=\"0 0 {w} {}\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\" font-size=\"11\">",
            h + 40.0,
            h + 40.0
        );
        for (
            i,
            DayCount {
                day: d,
                verified: v,
                reported: r,
            },
        ) in self.series.iter().enumerate()
        {
            let x = pad + i as f64 * col;
            let hr = *r as f64 / max * h;
            let hv = *v as f64 / max * h;
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{hr:.1}\" fill=\"#9ecae1\"><title>{d}: {r} reported, {v} verified</title></rect><rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{hv:.1}\" fill=\"#08519c\"/>",
                h - hr + 10.0,
                col * 0.8,
                h - hv + 10.0,
                col * 0.8
            );
            if i % 5 == 0 || *d == self.day {
                let _ = write!(
                    s,
                    "<text x=\"{x:.1}\" y=\"{}\">{}</text>",
                    h + 24.0,
                    &d.to_string()[5..]
                );
            }
        }
        let _ = write!(
            s,
            "<text x=\"{pad}\" y=\"{}\" fill=\"#555\">max {max} events per period; dark: verified, light: reported</text></svg>",
            h + 38.0
        );
        s
    }
}

const CSS: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top}td.n{text-align:right}td.broken{color:#b00;font-weight:bold}code{font-size:.85em}footer{margin-top:2rem;color:#555;font-size:.9em}";

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
