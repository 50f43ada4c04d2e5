//! The narrative summary at the top of a report: what changed in the
//! period, as sentences (a message id of `report.ftl`, its arguments, the
//! entries each rests on), made from the model's own sections so that no
//! sentence says what the sections do not.

use std::collections::BTreeMap;

use accord::evaluate::Verdict;
use jiff::SignedDuration;

use crate::model::*;

fn sentence(id: &str, args: Vec<(&str, Arg)>, entries: Vec<u64>) -> Sentence {
    let mut entries = entries;
    entries.sort_unstable();
    entries.dedup();
    Sentence {
        id: id.to_string(),
        args: args
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<BTreeMap<_, _>>(),
        entries,
    }
}

/// How far ahead the summary looks for deadlines.
const AHEAD_DAYS: i64 = 7;

pub(crate) fn summary(r: &Report) -> Vec<Sentence> {
    let mut out = Vec::new();
    let v = &r.violations;
    if v.total.is_empty() && v.total_before.is_empty() {
        out.push(sentence("report-summary-violations-none", vec![], vec![]));
    } else {
        let mut entries = v.total.reported.entries.clone();
        entries.extend(&v.total_before.reported.entries);
        if r.header.previous_known {
            out.push(sentence(
                "report-summary-violations",
                vec![
                    ("verified", Arg::Figure(v.total.verified.clone())),
                    ("reported", Arg::Figure(v.total.reported.clone())),
                    (
                        "verified_before",
                        Arg::Figure(v.total_before.verified.clone()),
                    ),
                    (
                        "reported_before",
                        Arg::Figure(v.total_before.reported.clone()),
                    ),
                ],
                entries,
            ));
        } else {
            out.push(sentence(
                "report-summary-violations-first",
                vec![
                    ("verified", Arg::Figure(v.total.verified.clone())),
                    ("reported", Arg::Figure(v.total.reported.clone())),
                ],
                entries,
            ));
        }
        // Region by region, as the SMM opened its summary: more here,
        // fewer there.
        for row in &v.by_region {
            if row.now.is_empty() && row.before.is_empty() {
                continue;
            }
            let mut entries = row.now.reported.entries.clone();
            entries.extend(&row.before.reported.entries);
            let mut args = vec![
                ("region", Arg::Region(row.region.clone())),
                ("reported", Arg::Figure(row.now.reported.clone())),
                ("verified", Arg::Figure(row.now.verified.clone())),
            ];
            let id = if r.header.previous_known {
                args.push(("reported_before", Arg::Figure(row.before.reported.clone())));
                "report-summary-region"
            } else {
                "report-summary-region-first"
            };
            out.push(sentence(id, args, entries));
        }
    }
    for c in &r.clauses {
        for p in &c.parties {
            if p.verdict == Some(Verdict::BreachVerified) {
                out.push(sentence(
                    "report-summary-breach",
                    vec![
                        ("clause", Arg::Clause(c.id.clone())),
                        ("party", Arg::Party(p.party.clone())),
                        (
                            "periods",
                            Arg::Number(
                                p.periods.get("breach_verified").copied().unwrap_or(0) as i64
                            ),
                        ),
                    ],
                    p.counted.clone(),
                ));
            }
        }
    }
    for c in &r.relief.phase.changes {
        out.push(sentence(
            "report-summary-phase",
            vec![
                ("from", Arg::Phase(c.from.clone().unwrap_or_default())),
                ("to", Arg::Phase(c.to.clone())),
                ("time", Arg::Time(c.at)),
            ],
            c.entries.clone(),
        ));
    }
    for (of, machines) in [
        ("report-summary-tranche", &r.relief.tranches),
        ("report-summary-guarantee", &r.relief.guarantees),
    ] {
        for m in machines {
            for c in &m.changes {
                let id = if of == "report-summary-tranche" {
                    Arg::Tranche(m.id.clone())
                } else {
                    Arg::Guarantee(m.id.clone())
                };
                out.push(sentence(
                    of,
                    vec![
                        ("id", id),
                        ("state", Arg::State(c.to.clone())),
                        ("time", Arg::Time(c.at)),
                    ],
                    c.entries.clone(),
                ));
            }
        }
    }
    let horizon = r.header.period.end + SignedDuration::from_hours(24 * AHEAD_DAYS);
    for d in r.relief.deadlines.iter().filter(|d| d.due <= horizon) {
        out.push(sentence(
            "report-summary-deadline",
            vec![
                ("deadline", Arg::Deadline(d.kind.clone())),
                (
                    "id",
                    if d.of == "tranche" {
                        Arg::Tranche(d.id.clone())
                    } else {
                        Arg::Guarantee(d.id.clone())
                    },
                ),
                ("time", Arg::Time(d.due)),
            ],
            d.entries.clone(),
        ));
    }
    let cas = &r.casualties;
    if !cas.killed.is_empty() {
        out.push(sentence(
            "report-summary-casualties",
            vec![
                ("killed", Arg::Figure(cas.killed.reported.clone())),
                ("injured", Arg::Figure(cas.injured.reported.clone())),
                ("killed_verified", Arg::Figure(cas.killed.verified.clone())),
                (
                    "injured_verified",
                    Arg::Figure(cas.injured.verified.clone()),
                ),
            ],
            cas.killed.reported.entries.clone(),
        ));
    }
    let w = &r.weapons;
    if !w.in_violation_count.is_empty() {
        out.push(sentence(
            "report-summary-weapons",
            vec![
                (
                    "reported",
                    Arg::Figure(w.in_violation_count.reported.clone()),
                ),
                (
                    "verified",
                    Arg::Figure(w.in_violation_count.verified.clone()),
                ),
            ],
            w.in_violation_count.reported.entries.clone(),
        ));
    }
    if !r.movement.is_empty() {
        let mut f = Figure::new(Measure::Entries);
        for i in &r.movement {
            f.add(1, i.index);
        }
        let entries = f.entries.clone();
        out.push(sentence(
            "report-summary-movement",
            vec![("count", Arg::Figure(f))],
            entries,
        ));
    }
    out
}
