//! `accord report`: the daily report, in the manner of the OSCE Special
//! Monitoring Mission's, built only from the log. Every figure links to the
//! log entries behind it, each with an inclusion proof written beside the
//! report, so that a reader can check any number without trusting us.
//!
//! Raw counts and attribution are kept apart, as the mission kept them:
//! violations are counted by region whoever caused them; who is held
//! responsible (and how sure, and who disagrees) is a separate table.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use accord::agreement::{Agreement, ZoneKind};
use accord::evaluate::{
    DisputeState, Evaluator, GuaranteeState, Obs, Periods, Status, TrancheState,
};
use accord::statement::Category;
use clap::{Args, ValueEnum};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use miette::{IntoDiagnostic, Result, WrapErr, miette};
use tlog::TileReader;

use crate::replay::{self, SignatureCheck, Source};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Md,
    Html,
}

#[derive(Args)]
pub struct ReportArgs {
    /// The agreement file.
    #[arg(long)]
    pub agreement: PathBuf,
    /// The log: a directory or an http(s):// address.
    pub log: String,
    /// The reporting day (the local date on which its period ends at the cut-off).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub day: String,
    #[arg(long, value_enum, default_value = "md")]
    pub format: Format,
    /// Where to write it (default: report-DAY.md or .html); the proofs go in
    /// a directory beside it.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The log's verifier key (default: the agreement's `[operator] log`).
    #[arg(long)]
    pub log_key: Option<String>,
    /// Where checkpoints seen before are remembered (default:
    /// `$ACCORD_STATE`, else the user's data directory): the log must be
    /// consistent with the one remembered for it.
    #[arg(long, value_name = "DIR")]
    pub state: Option<PathBuf>,
}

pub fn run(a: ReportArgs) -> Result<()> {
    let day: Date = a
        .day
        .parse()
        .map_err(|e| miette!("--day {:?}: not a date (YYYY-MM-DD): {e}", a.day))?;
    let (agreement, hash) = crate::check::load_agreement(&a.agreement)?;
    let source = Source::open(&a.log)?;
    let (key, _) = replay::log_key(a.log_key.as_deref(), &agreement, &source)?;
    let log = crate::status_cmd::verified(&source, &key, a.state.as_deref())?;
    let r = replay::replay(&agreement, hash, &source, &log, SignatureCheck::Batch)?;
    let out = a.out.clone().unwrap_or_else(|| {
        PathBuf::from(format!(
            "report-{day}.{}",
            if a.format == Format::Html {
                "html"
            } else {
                "md"
            }
        ))
    });
    write(&agreement, &log, &r.evaluator, &source, day, a.format, &out)?;
    outln!("wrote {}", out.display());
    Ok(())
}

/// Builds the report for `day` and writes it, with its proofs, to `out`.
pub fn write(
    agreement: &Agreement,
    log: &replay::Verified,
    ev: &Evaluator,
    source: &Source,
    day: Date,
    format: Format,
    out: &Path,
) -> Result<()> {
    // Figures and proofs are of the checkpoint that was verified and
    // replayed, even if the log has grown since.
    let cp = log.checkpoint();
    let raw_checkpoint = cp.to_bytes();
    let report = Report::build(agreement, ev, day);
    let Some((adopted, _)) = report.adopted else {
        return Err(miette!(
            "the log holds no adoption: there is nothing to report"
        ));
    };
    // A period the log has not seen the end of would be reported as quiet.
    let clock = ev.state.clock.unwrap_or(adopted);
    let last = ev
        .state
        .done
        .map(|d| d.to_string())
        .unwrap_or_else(|| "none".into());
    if report.end > clock {
        return Err(miette!(
            "--day {day}: that period ends at {}, after the log's clock ({clock}); the last complete period is {last}",
            report.end
        ));
    }
    if report.end <= adopted {
        return Err(miette!(
            "--day {day}: that period ended before the agreement was adopted ({adopted})"
        ));
    }
    // Proofs of every entry the report cites.
    let proofs_name = format!(
        "{}.proofs",
        out.file_stem().and_then(|s| s.to_str()).unwrap_or("report")
    );
    let proofs_dir = out.parent().unwrap_or(Path::new(".")).join(&proofs_name);
    std::fs::create_dir_all(&proofs_dir)
        .into_diagnostic()
        .wrap_err_with(|| format!("creating {}", proofs_dir.display()))?;
    let size = cp.checkpoint.size;
    let mut reader = TileReader::new(source);
    for &i in &report.cited {
        if i >= size {
            continue;
        }
        let (text, entry) = crate::logdir::inclusion_proof(
            &mut reader,
            &raw_checkpoint,
            size,
            &cp.checkpoint.root,
            i,
        )?;
        std::fs::write(proofs_dir.join(format!("{i}.proof")), text).into_diagnostic()?;
        std::fs::write(proofs_dir.join(format!("{i}.entry")), &entry).into_diagnostic()?;
    }
    std::fs::write(proofs_dir.join("checkpoint"), &raw_checkpoint).into_diagnostic()?;
    let links = Links {
        dir: proofs_name,
        html: format == Format::Html,
    };
    let text = match format {
        Format::Md => report.markdown(&links, size, &cp.checkpoint.root.to_string()),
        Format::Html => report.html(&links, size, &cp.checkpoint.root.to_string()),
    };
    // Written whole, then renamed: a reader never sees half a report.
    let tmp = out.with_extension("tmp");
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, out))
        .into_diagnostic()
        .wrap_err_with(|| format!("writing {}", out.display()))?;
    Ok(())
}

struct Links {
    dir: String,
    html: bool,
}

impl Links {
    /// Links to the entries behind a figure.
    fn to(&self, indices: &[u64]) -> String {
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

/// Violation events in a region in a period.
#[derive(Default, Clone)]
struct Tally {
    verified: u64,
    reported: u64,
    entries: Vec<u64>,
}

struct Item {
    index: u64,
    observed: Timestamp,
    place: String,
    what: String,
    verified: bool,
    by: String,
    attribution: String,
}

/// A clause (id, title) and, per party: result, metrics, entries counted.
type ClauseRows = (
    String,
    String,
    Vec<(String, Option<bool>, String, Vec<u64>)>,
);

struct Report {
    title: String,
    agreement: String,
    adopted: Option<(Timestamp, u64)>,
    day: Date,
    previous: Date,
    start: Timestamp,
    end: Timestamp,
    tz: TimeZone,
    phase: (String, Vec<String>),
    tranches: Vec<(String, String, String)>,
    guarantees: Vec<(String, String, String)>,
    /// Region title → (this period, previous period).
    regions: Vec<(String, Tally, Tally)>,
    attribution: BTreeMap<String, (u64, u64, Vec<u64>)>,
    weapons: Vec<Item>,
    movement: Vec<Item>,
    casualties: Vec<Item>,
    killed: (u64, u64),
    injured: (u64, u64),
    clauses: Vec<ClauseRows>,
    series: Vec<(Date, u64, u64)>,
    osint_sources: BTreeSet<String>,
    cited: BTreeSet<u64>,
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
    fn build(a: &Agreement, ev: &Evaluator, day: Date) -> Report {
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
            .unwrap_or_else(|| "-".into());
        let mut phase_changes = Vec::new();
        for c in &st.phase.history {
            if c.at.time.0 > start && c.at.time.0 <= end {
                cited.insert(c.at.index);
                cited.extend(&c.statements);
                phase_changes.push(format!(
                    "{} → {} ({}), certified in {:?}",
                    c.from, c.to, c.transition, c.statements
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
                (title, state, changed.join("; "))
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
        let mut attribution: BTreeMap<String, (u64, u64, Vec<u64>)> = BTreeMap::new();
        let (mut weapons, mut movement, mut casualties) = (vec![], vec![], vec![]);
        let (mut killed, mut injured) = ((0, 0), (0, 0));
        let mut series: BTreeMap<Date, (u64, u64)> = BTreeMap::new();
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
                e.1 += events(o);
                if o.counts() {
                    e.0 += events(o);
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
                        e.1 += n;
                        if verified {
                            e.0 += n;
                        }
                        e.2.push(o.index);
                    }
                }
                Category::WeaponSighting if this && !o.withdrawal.is_empty() => {
                    // In violation only of its own class's zone, when the
                    // class is known.
                    let zones: Vec<&String> = match &o.weapon_class {
                        Some(c) => o
                            .withdrawal
                            .iter()
                            .filter(|w| w.starts_with(&format!("{c}@")))
                            .collect(),
                        None => o.withdrawal.iter().collect(),
                    };
                    if zones.is_empty() {
                        continue;
                    }
                    cited.insert(o.index);
                    weapons.push(item(format!(
                        "{} {}, inside the withdrawal zone {}",
                        o.numbers.get("count").copied().unwrap_or(1),
                        o.weapon_class.clone().unwrap_or_else(|| "weapons".into()),
                        zones
                            .iter()
                            .map(|z| z.as_str())
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
                    killed.1 += k;
                    injured.1 += i;
                    if verified {
                        killed.0 += k;
                        injured.0 += i;
                    }
                    casualties.push(item(format!("{k} killed, {i} injured")));
                }
                _ => {}
            }
        }
        let regions = regions
            .into_iter()
            .map(|(k, (a_, b))| (if k == elsewhere { k } else { title_of(&k) }, a_, b))
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
                                .map(|(k, v)| format!("{k} {v}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        })
                        .unwrap_or_default();
                    let counted = r.map(|r| r.counted.clone()).unwrap_or_default();
                    cited.extend(&counted);
                    rows.push((p.clone(), r.map(|r| r.kept), metrics, counted));
                }
            }
            clauses.push((id.clone(), c.title.get_ref().clone(), rows));
        }
        let mut series_v = Vec::new();
        let mut d = first_day;
        for _ in 0..30 {
            let (v, r) = series.get(&d).copied().unwrap_or_default();
            series_v.push((d, v, r));
            if d >= day {
                break;
            }
            d = periods.next(d);
        }
        Report {
            title: a.title.get_ref().clone(),
            agreement: st.agreement.map(|d| d.to_string()).unwrap_or_default(),
            adopted: st.adopted.map(|at| (at.time.0, at.index)),
            day,
            previous,
            start,
            end,
            tz,
            phase: (phase_at_end, phase_changes),
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
        }
    }

    fn local(&self, t: Timestamp) -> String {
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

    fn markdown(&self, l: &Links, size: u64, root: &str) -> String {
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
        let _ = writeln!(o, "## Phase and relief\n");
        let _ = writeln!(o, "- Phase at the end of the period: **{}**", self.phase.0);
        for c in &self.phase.1 {
            let _ = writeln!(o, "- Phase change in the period: {c}");
        }
        for (t, s, ch) in &self.tranches {
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
        for (t, s, ch) in &self.guarantees {
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
        for (name, now, before) in &self.regions {
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
        for (p, (v, r, e)) in &self.attribution {
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
                    i.what.replace('|', "\\|"),
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
            self.killed.1, self.injured.1, self.killed.0, self.injured.0
        );
        let _ = writeln!(o, "\n## Clauses\n");
        let _ = writeln!(
            o,
            "| Clause | Party | Result | Measured | Entries counted |"
        );
        let _ = writeln!(o, "|---|---|---|---|---|");
        for (id, title, rows) in &self.clauses {
            for (p, kept, m, e) in rows {
                let _ = writeln!(
                    o,
                    "| {title} (`{id}`) | {p} | {} | {m} | {} |",
                    match kept {
                        None => "not in force",
                        Some(true) => "kept",
                        Some(false) => "**broken**",
                    },
                    l.to(e)
                );
            }
        }
        let _ = writeln!(o, "\n## The last 30 periods\n");
        let _ = writeln!(o, "| Period | Verified events | Reported events |");
        let _ = writeln!(o, "|---|---:|---:|");
        for (d, v, r) in &self.series {
            let _ = writeln!(o, "| {d} | {v} | {r} |");
        }
        o.push_str(&self.sources_note());
        o
    }

    fn sources_note(&self) -> String {
        let mut o = String::from("\n---\n");
        if !self.osint_sources.is_empty() {
            let _ = writeln!(
                o,
                "Open-source reports in this period come from imported datasets ({}); they count as reported, not verified, until monitors corroborate them. UCDP GED data: Sundberg & Melander 2013; Davies, Pettersson & Öberg 2023 (CC BY 4.0).",
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

    fn html(&self, l: &Links, size: u64, root: &str) -> String {
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
        let _ = write!(
            o,
            "<h2>Phase and relief</h2><ul><li>Phase at the end of the period: <strong>{}</strong></li>",
            esc(&self.phase.0)
        );
        for c in &self.phase.1 {
            let _ = write!(o, "<li>Phase change in the period: {}</li>", esc(c));
        }
        for (t, s, ch) in &self.tranches {
            let _ = write!(
                o,
                "<li>Relief: {}: <strong>{}</strong> {}</li>",
                esc(t),
                esc(s),
                esc(ch)
            );
        }
        for (t, s, ch) in &self.guarantees {
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
        for (name, now, before) in &self.regions {
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
        for (p, (v, r, e)) in &self.attribution {
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
                    esc(&i.what),
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
            self.killed.1, self.injured.1, self.killed.0, self.injured.0
        );
        o.push_str("<h2>Clauses</h2><table><tr><th>Clause</th><th>Party</th><th>Result</th><th>Measured</th><th>Entries counted</th></tr>");
        for (id, title, rows) in &self.clauses {
            for (p, kept, m, e) in rows {
                let _ = write!(
                    o,
                    "<tr><td>{} (<code>{}</code>)</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td></tr>",
                    esc(title),
                    esc(id),
                    esc(p),
                    match kept {
                        Some(false) => "broken",
                        _ => "",
                    },
                    match kept {
                        None => "not in force",
                        Some(true) => "kept",
                        Some(false) => "broken",
                    },
                    esc(m),
                    l.to(e)
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
        let rows: Vec<&(String, Tally, Tally)> = self
            .regions
            .iter()
            .filter(|(_, a, b)| a.reported + b.reported > 0)
            .collect();
        if rows.is_empty() {
            return "<p>No ceasefire violations reported in this period or the one before.</p>"
                .into();
        }
        let max = rows
            .iter()
            .map(|(_, a, b)| a.reported.max(b.reported))
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
        for (i, (name, now, before)) in rows.iter().enumerate() {
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
            .map(|(_, _, r)| *r)
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
        for (i, (d, v, r)) in self.series.iter().enumerate() {
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
