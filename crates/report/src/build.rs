//! The report's builder: the model of a day, a week or a month, from a
//! replayed evaluator. It reads the evaluator's state and status only; it
//! says only what they hold, and cites every entry behind every figure.

use std::collections::{BTreeMap, BTreeSet};

use accord::agreement::ZoneKind;
use accord::evaluate::{At, DisputeState, Evaluator, Obs, ObsDetail, Status, Verdict};
use accord::geography::Pos;
use accord::statement::{Category, Sensor};
use jiff::Timestamp;
use jiff::civil::Date;

use crate::model::*;

/// The name of a serialisable code (an enum's `snake_case` name).
fn code<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn events(o: &Obs) -> u64 {
    o.events.iter().map(|(_, n)| n).sum()
}

/// An observation's violation events: type, weapon class, weapon kind and
/// count where the state keeps them (states stored before it kept only
/// class and count).
fn event_list(o: &Obs) -> Vec<Event> {
    match o.detail.as_deref() {
        Some(ObsDetail::Violations { events }) => events
            .iter()
            .map(|e| Event {
                kind: Some(code(&e.type_)),
                weapon_class: e.weapon_class.clone(),
                weapon: e.weapon.as_ref().map(code),
                count: e.count,
            })
            .collect(),
        _ => o
            .events
            .iter()
            .map(|(class, n)| Event {
                kind: None,
                weapon_class: class.clone(),
                weapon: None,
                count: *n,
            })
            .collect(),
    }
}

/// The distance between two points (longitude, latitude), in kilometres,
/// on the WGS 84 ellipsoid as the geography measures every distance: what
/// is near a window of silence.
fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    Pos::new(a.0, a.1).distance(&Pos::new(b.0, b.1)) / 1000.0
}

/// The reporting periods of a span ending with `last`.
fn window(ev: &Evaluator<'_>, last: Date, n: u32) -> Window {
    let p = ev.periods();
    let mut first = last;
    for _ in 1..n {
        first = p.previous(first);
    }
    Window {
        first,
        last,
        start: p.start(first),
        end: p.end(last),
    }
}

/// The span's reporting periods and the ones it is compared with: a day
/// or a week (7 periods) ending with `day` against as many before it; a
/// month, the calendar month of `day` to `day` (its reporting periods
/// dated in that month) against the whole calendar month before, as a
/// mission's monthly report compares month with month.
fn windows(ev: &Evaluator<'_>, day: Date, span: Span) -> (Window, Window) {
    let p = ev.periods();
    match span {
        Span::Day | Span::Week => {
            let now = window(ev, day, span.periods());
            let before = window(ev, p.previous(now.first), span.periods());
            (now, before)
        }
        Span::Month => {
            // The first period dated in the month of `last`.
            let first_in_month = |last: Date| {
                let mut first = last;
                while p.previous(first).first_of_month() == last.first_of_month() {
                    first = p.previous(first);
                }
                first
            };
            let bounds = |first: Date, last: Date| Window {
                first,
                last,
                start: p.start(first),
                end: p.end(last),
            };
            let first = first_in_month(day);
            let last_before = p.previous(first);
            (
                bounds(first, day),
                bounds(first_in_month(last_before), last_before),
            )
        }
    }
}

fn within(w: &Window, d: Date) -> bool {
    d >= w.first && d <= w.last
}

struct Builder {
    regions: Vec<String>,
}

impl Builder {
    fn item(&self, o: &Obs) -> Item {
        Item {
            index: o.index,
            category: o.category.name().to_string(),
            observed: o.observed,
            period: o.period,
            lat: o.lat,
            lon: o.lon,
            observer: o.observer.map(|(lon, lat)| (lat, lon)),
            regions: o
                .zones
                .iter()
                .filter(|z| self.regions.contains(z))
                .cloned()
                .collect(),
            zones: o
                .zones
                .iter()
                .filter(|z| !self.regions.contains(z))
                .cloned()
                .collect(),
            controlled_by: o.controlled_by.clone(),
            sensor: code(&o.sensor),
            verified: o.counts(),
            disputed: matches!(o.dispute, DisputeState::Open { .. }),
            responsible: o.responsible.clone(),
            confidence: o.confidence.as_ref().map(code),
            attribution: o.attribution.clone(),
            dissent: o.dissent,
            weapon_class: o.weapon_class.clone(),
            events: event_list(o),
            numbers: o.numbers.clone(),
            // Codes from the entry: made printable.
            codes: o
                .texts
                .iter()
                .map(|(k, v)| (k.clone(), accord::text::printable(v).into_owned()))
                .collect(),
            detail: o.detail.as_deref().cloned(),
        }
    }

    /// The regions an observation counts in (none: outside them all).
    fn regions_of(&self, o: &Obs) -> Vec<Option<String>> {
        let v: Vec<Option<String>> = o
            .zones
            .iter()
            .filter(|z| self.regions.contains(z))
            .map(|z| Some(z.clone()))
            .collect();
        if v.is_empty() { vec![None] } else { v }
    }
}

/// A machine's changes (phase, tranche, guarantee) from its history of
/// `(to, at, why, entries)`, each with the state it left.
fn changes(
    initial: Option<&str>,
    history: Vec<(String, Timestamp, String, Vec<u64>)>,
) -> Vec<Change> {
    let mut from = initial.map(str::to_string);
    history
        .into_iter()
        .map(|(to, at, why, entries)| {
            let c = Change {
                from: from.clone(),
                to: to.clone(),
                at,
                why: accord::text::printable(&why).into_owned(),
                entries,
            };
            from = Some(to);
            c
        })
        .collect()
}

fn machine(
    id: String,
    initial: Option<&str>,
    history: Vec<(String, Timestamp, String, Vec<u64>)>,
    w: &Window,
    provisional_until: Option<Timestamp>,
) -> Machine {
    let history = changes(initial, history);
    let state = history
        .iter()
        .rfind(|c| c.at <= w.end)
        .map(|c| c.to.clone())
        .or_else(|| initial.map(str::to_string));
    let changes = history
        .iter()
        .filter(|c| c.at > w.start && c.at <= w.end)
        .cloned()
        .collect();
    // Provisional as far as is known now, if the state it qualifies is the
    // one at the period's end.
    let last = history
        .last()
        .map(|c| c.to.clone())
        .or_else(|| initial.map(str::to_string));
    Machine {
        id,
        provisional_until: provisional_until.filter(|_| last == state),
        state,
        changes,
        history,
    }
}

impl Report {
    /// The report of the `span` ending with the reporting period named
    /// `day`, from the evaluator as it stands (the agreement in force).
    pub fn build(ev: &Evaluator<'_>, day: Date, span: Span) -> Report {
        let a = ev.agreement();
        let st: Status = ev.status();
        let (now, before) = windows(ev, day, span);
        let b = Builder {
            regions: ev.zones_of(ZoneKind::Region),
        };
        let mut region_rows: BTreeMap<Option<String>, (Count, Count)> = b
            .regions
            .iter()
            .map(|r| {
                (
                    Some(r.clone()),
                    (Count::new(events_measure()), Count::new(events_measure())),
                )
            })
            .collect();
        type Key = (Option<String>, Option<String>, Option<String>, String);
        let mut breakdown: BTreeMap<Key, (Count, Count)> = BTreeMap::new();
        let mut total = Count::new(events_measure());
        let mut total_before = Count::new(events_measure());
        let mut attribution: BTreeMap<Option<String>, Count> = BTreeMap::new();
        let mut annex = Vec::new();
        let count_of = || {
            Count::new(Measure::Detail {
                field: "count".into(),
            })
        };
        let (mut in_violation, mut in_violation_count) = (vec![], count_of());
        let (mut outside_storage, mut outside_storage_count) = (vec![], count_of());
        let (mut presence, mut infrastructure, mut crossings, mut movement) =
            (vec![], vec![], vec![], vec![]);
        let (mut mines, mut windows) = (vec![], vec![]);
        let detail = |f: &str| Count::new(Measure::Detail { field: f.into() });
        let mut casualties = Casualties {
            items: vec![],
            killed: detail("killed"),
            injured: detail("injured"),
            by_cause: vec![],
        };
        let mut by_cause: BTreeMap<Option<String>, (Count, Count)> = BTreeMap::new();
        let mut open_source = BTreeSet::new();
        // The series: the last 365 reporting periods to the report's end.
        let mut year = window(ev, day, 365);
        // Nothing is known of the time before the adoption: the series
        // does not show it as quiet.
        if let Some(adopted) = st.adopted {
            year.first = year.first.max(ev.periods().period_of(adopted.time.0));
        }
        let mut series: BTreeMap<Option<String>, BTreeMap<Date, Count>> = BTreeMap::new();
        let mut killed_series: BTreeMap<Date, Count> = BTreeMap::new();
        let mut injured_series: BTreeMap<Date, Count> = BTreeMap::new();

        for o in &ev.state.obs {
            // Withdrawn after an upheld dispute: no longer reported.
            if o.dispute == DisputeState::Upheld {
                continue;
            }
            let verified = o.counts();
            if within(&year, o.period) {
                match o.category {
                    Category::CeasefireViolation => {
                        for r in b.regions_of(o) {
                            series
                                .entry(r)
                                .or_default()
                                .entry(o.period)
                                .or_insert_with(|| Count::new(events_measure()))
                                .add(events(o), o.index, verified);
                        }
                    }
                    Category::CivilianCasualties => {
                        for (field, s) in [
                            ("killed", &mut killed_series),
                            ("injured", &mut injured_series),
                        ] {
                            let k = o.numbers.get(field).copied().unwrap_or(0);
                            s.entry(o.period)
                                .or_insert_with(|| detail(field))
                                .add(k, o.index, verified);
                        }
                    }
                    _ => {}
                }
            }
            let this = within(&now, o.period);
            if this && o.sensor == Sensor::OpenSource {
                open_source.extend(o.orgs.iter().map(|id| ev.organisation(id).to_string()));
            }
            if o.category == Category::CeasefireViolation && (this || within(&before, o.period)) {
                let n = events(o);
                let t = if this { &mut total } else { &mut total_before };
                t.add(n, o.index, verified);
                for r in b.regions_of(o) {
                    let (c_now, c_before) = region_rows.entry(r.clone()).or_insert_with(|| {
                        (Count::new(events_measure()), Count::new(events_measure()))
                    });
                    if this { c_now } else { c_before }.add(n, o.index, verified);
                    for e in event_list(o) {
                        let key = (r.clone(), e.kind.clone(), e.weapon.clone(), code(&o.sensor));
                        let m = || {
                            Count::new(Measure::Events {
                                only: Some(EventKey {
                                    kind: e.kind.clone(),
                                    weapon: e.weapon.clone(),
                                }),
                            })
                        };
                        let (bn, bb) = breakdown.entry(key).or_insert_with(|| (m(), m()));
                        if this { bn } else { bb }.add(e.count, o.index, verified);
                    }
                }
                if this {
                    attribution
                        .entry(o.responsible.clone())
                        .or_insert_with(|| Count::new(events_measure()))
                        .add(n, o.index, verified);
                    annex.push(b.item(o));
                }
                continue;
            }
            if !this {
                continue;
            }
            let count = o.numbers.get("count").copied().unwrap_or(0);
            match o.category {
                Category::WeaponSighting => {
                    // In violation only of its own class's zone, when the
                    // class is known.
                    let named = o.withdrawal.iter().filter_map(|&w| ev.withdrawal_zone(w));
                    let inside = match &o.weapon_class {
                        Some(c) => named.filter(|(class, _)| class == c).count(),
                        None => named.count(),
                    };
                    let status = o.texts.get("status").map(String::as_str);
                    if inside > 0 || status == Some("in_violation_of_withdrawal_line") {
                        in_violation_count.add(count, o.index, verified);
                        in_violation.push(b.item(o));
                    } else if matches!(status, Some("outside_storage" | "missing_from_storage")) {
                        outside_storage_count.add(count, o.index, verified);
                        outside_storage.push(b.item(o));
                    }
                }
                Category::TroopMovement
                | Category::DisengagementPresence
                | Category::ForcePresence => presence.push(b.item(o)),
                Category::CivilianCasualties => {
                    let k = o.numbers.get("killed").copied().unwrap_or(0);
                    let i = o.numbers.get("injured").copied().unwrap_or(0);
                    casualties.killed.add(k, o.index, verified);
                    casualties.injured.add(i, o.index, verified);
                    let (ck, ci) = by_cause
                        .entry(o.texts.get("cause").cloned())
                        .or_insert_with(|| (detail("killed"), detail("injured")));
                    ck.add(k, o.index, verified);
                    ci.add(i, o.index, verified);
                    casualties.items.push(b.item(o));
                }
                Category::InfrastructureDamage => infrastructure.push(b.item(o)),
                Category::CrossingStatus | Category::RouteStatus => crossings.push(b.item(o)),
                Category::MinesUxo => mines.push(b.item(o)),
                Category::LocalisedCeasefire => windows.push(b.item(o)),
                Category::FreedomOfMovement => movement.push(b.item(o)),
                _ => {}
            }
        }
        let windows = windows.into_iter().map(|w| window_row(ev, w)).collect();
        let storage = storage(ev, &now);
        casualties.by_cause = by_cause
            .into_iter()
            .map(|(cause, (killed, injured))| CauseRow {
                cause,
                killed,
                injured,
            })
            .collect();
        // Every named region, and outside them only when something was.
        let by_region = region_rows
            .into_iter()
            .filter(|(r, (n, b))| r.is_some() || !n.is_empty() || !b.is_empty())
            .map(|(region, (now, before))| ViolationRow {
                region,
                kind: None,
                weapon: None,
                sensor: None,
                now,
                before,
            })
            .collect();
        let breakdown = breakdown
            .into_iter()
            .map(
                |((region, kind, weapon, sensor), (now, before))| ViolationRow {
                    region,
                    kind,
                    weapon,
                    sensor: Some(sensor),
                    now,
                    before,
                },
            )
            .collect();
        let violations = Violations {
            total,
            total_before,
            by_region,
            breakdown,
            attribution: attribution
                .into_iter()
                .map(|(party, count)| AttributedRow { party, count })
                .collect(),
            annex,
        };

        let relief = relief(&st, &now);
        let clauses = clauses(ev, &now);
        let coverage = coverage(ev, &now);
        let points = |m: BTreeMap<Date, Count>| {
            m.into_iter()
                .map(|(period, count)| Point { period, count })
                .collect::<Vec<_>>()
        };
        let series = Series {
            first: year.first,
            last: year.last,
            violations: series
                .into_iter()
                .map(|(region, m)| RegionSeries {
                    region,
                    points: points(m),
                })
                .collect(),
            killed: points(killed_series),
            injured: points(injured_series),
        };
        let mut r = Report {
            header: Header {
                agreement: st.agreement.map(|d| d.to_string()).unwrap_or_default(),
                languages: a.languages(),
                timezone: a.timezone.get_ref().clone(),
                span,
                day,
                period: now,
                previous_known: st.adopted.is_some_and(|at| before.end > at.time.0),
                previous: before,
                adopted: st.adopted.map(|at| at.time.0),
                log_size: ev.state.size,
                clock: ev.state.clock,
                root: None,
            },
            summary: vec![],
            violations,
            weapons: Weapons {
                in_violation,
                in_violation_count,
                storage,
                outside_storage,
                outside_storage_count,
            },
            presence,
            mines,
            casualties,
            infrastructure,
            windows,
            crossings,
            movement,
            relief,
            clauses,
            coverage,
            series,
            sources: Sources {
                open_source: open_source.into_iter().collect(),
                ..Sources::default()
            },
            cited: BTreeSet::new(),
        };
        r.summary = crate::summary::summary(&r);
        r.cited = r.entries();
        r
    }

    /// Every entry the model cites, anywhere: each figure's, each
    /// sentence's, each row's.
    pub fn entries(&self) -> BTreeSet<u64> {
        let mut out = BTreeSet::new();
        let v = serde_json::to_value(self).unwrap_or_default();
        collect_entries(&v, &mut out);
        out
    }
}

fn collect_entries(v: &serde_json::Value, out: &mut BTreeSet<u64>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    // `cited` is what is being computed.
                    ("cited", _) | ("simulated", _) => {}
                    ("entries" | "counted" | "allegations", serde_json::Value::Array(a)) => {
                        out.extend(a.iter().filter_map(serde_json::Value::as_u64));
                    }
                    ("index", serde_json::Value::Number(n)) => out.extend(n.as_u64()),
                    _ => collect_entries(v, out),
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect_entries(v, out)),
        _ => {}
    }
}

/// A window of silence and the violations near it in its window.
fn window_row(ev: &Evaluator<'_>, item: Item) -> WindowRow {
    let mut near = Count::new(events_measure());
    if let Some(ObsDetail::Window { from, to, .. }) = &item.detail {
        for o in &ev.state.obs {
            if o.category == Category::CeasefireViolation
                && o.dispute != DisputeState::Upheld
                && o.observed >= *from
                && o.observed <= *to
                && km((o.lon, o.lat), (item.lon, item.lat)) <= NEAR_KM
            {
                near.add(events(o), o.index, o.counts());
            }
        }
    }
    WindowRow { item, near }
}

/// Visits to storage sites in the period, held against the declarations.
fn storage(ev: &Evaluator<'_>, w: &Window) -> Vec<StorageRow> {
    let mut rows = Vec::new();
    for (site, rec) in &ev.state.storage {
        for v in &rec.visits {
            if v.observed <= w.start || v.observed > w.end {
                continue;
            }
            let decl = v
                .against
                .and_then(|e| rec.declarations.iter().find(|d| d.entry == e));
            let mut entries = vec![v.entry];
            entries.extend(v.against);
            rows.push(StorageRow {
                site: site.clone(),
                name: decl.map(|d| accord::text::printable(&d.name).into_owned()),
                kind: decl.map(|d| d.kind.name().to_string()),
                party: rec.party.clone(),
                visit: v.entry,
                declaration: v.against,
                observed: v.observed,
                access: v.access.name().to_string(),
                abandoned: v.abandoned,
                verified: ev.state.visit_verified(v),
                absent: v.absent.clone(),
                entries,
            });
        }
    }
    rows.sort_by_key(|r| r.visit);
    rows
}

fn events_measure() -> Measure {
    Measure::Events { only: None }
}

fn relief(st: &Status, w: &Window) -> Relief {
    let adopted = st.adopted.map(|at| at.time.0);
    let initial_phase = st
        .phase
        .history
        .first()
        .map(|c| c.from.clone())
        .or_else(|| st.phase.id.clone())
        .filter(|_| adopted.is_some_and(|t| t <= w.end));
    let phase = machine(
        "phase".into(),
        initial_phase.as_deref(),
        st.phase
            .history
            .iter()
            .map(|c| {
                (
                    c.to.clone(),
                    c.at.time.0,
                    c.transition.clone(),
                    // The entry that made it, and the certifications.
                    std::iter::once(c.at.index)
                        .chain(c.statements.iter().copied())
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect(),
                )
            })
            .collect(),
        w,
        None,
    );
    let tranches = st
        .tranches
        .iter()
        .map(|(id, t)| {
            machine(
                id.clone(),
                Some("pending"),
                t.history
                    .iter()
                    .map(|c| {
                        (
                            c.state.name().to_string(),
                            c.at.time.0,
                            c.why.clone(),
                            c.statements.clone(),
                        )
                    })
                    .collect(),
                w,
                t.dispute
                    .as_ref()
                    .and_then(|d| d.provisional_until.map(|t| t.0)),
            )
        })
        .collect();
    let guarantees = st
        .guarantees
        .iter()
        .map(|(id, g)| {
            machine(
                id.clone(),
                Some("dormant"),
                g.history
                    .iter()
                    .map(|c| {
                        (
                            c.state.name().to_string(),
                            c.at.time.0,
                            c.why.clone(),
                            c.statements.clone(),
                        )
                    })
                    .collect(),
                w,
                g.provisional_until.map(|t| t.0),
            )
        })
        .collect();
    // What fell due after the period, as it stood at its end: a dispute
    // opened or a guarantee triggered later is not yet in a report of an
    // earlier day, and a consultation decided later was still awaited.
    let by_end = |at: &At| at.time.0 <= w.end;
    let mut deadlines = Vec::new();
    for (id, t) in &st.tranches {
        if let Some(d) = t.dispute.as_ref().filter(|d| by_end(&d.opened)) {
            let entries = vec![d.opened.index];
            for s in &d.stages {
                deadlines.push(Deadline {
                    kind: s.stage.clone(),
                    of: "tranche".into(),
                    id: id.clone(),
                    due: s.until.0,
                    entries: entries.clone(),
                });
            }
            if let Some(p) = d.provisional_until {
                deadlines.push(Deadline {
                    kind: "provisional".into(),
                    of: "tranche".into(),
                    id: id.clone(),
                    due: p.0,
                    entries: entries.clone(),
                });
            }
        }
    }
    for (id, g) in &st.guarantees {
        if !g.triggered.as_ref().is_some_and(by_end) {
            continue;
        }
        let mut entries: Vec<u64> = g.triggered.iter().map(|at| at.index).collect();
        entries.extend(&g.cause);
        let decided_by_end = g.decided.as_ref().is_some_and(by_end);
        if let (Some(due), false) = (g.consultation_due, decided_by_end) {
            deadlines.push(Deadline {
                kind: "consultation".into(),
                of: "guarantee".into(),
                id: id.clone(),
                due: due.0,
                entries: entries.clone(),
            });
        }
        if let Some(p) = g.provisional_until {
            deadlines.push(Deadline {
                kind: "provisional".into(),
                of: "guarantee".into(),
                id: id.clone(),
                due: p.0,
                entries,
            });
        }
    }
    deadlines.retain(|d| d.due > w.end);
    for d in &mut deadlines {
        d.entries.sort_unstable();
        d.entries.dedup();
    }
    deadlines.sort_by(|a, b| (a.due, &a.id, &a.kind).cmp(&(b.due, &b.id, &b.kind)));
    Relief {
        phase,
        tranches,
        guarantees,
        deadlines,
        clocks: st
            .clocks
            .iter()
            .map(|(id, c)| Clock {
                id: id.clone(),
                days: c.days,
                assessed: c.assessed,
            })
            .collect(),
    }
}

fn clauses(ev: &Evaluator<'_>, w: &Window) -> Vec<ClauseResult> {
    let a = ev.agreement();
    a.clauses
        .keys()
        .map(|id| {
            let mut parties = Vec::new();
            if let Some(by_party) = ev.state.results.get(id) {
                for (p, res) in by_party {
                    let mut r = PartyResult {
                        party: p.clone(),
                        verdict: None,
                        periods: BTreeMap::new(),
                        metrics: BTreeMap::new(),
                        reported: BTreeMap::new(),
                        counted: vec![],
                        allegations: vec![],
                    };
                    let (mut counted, mut allegations) = (BTreeSet::new(), BTreeSet::new());
                    for (_, pr) in res.range(w.first..=w.last) {
                        r.verdict =
                            Some(r.verdict.map_or(pr.verdict, |v: Verdict| v.min(pr.verdict)));
                        *r.periods.entry(code(&pr.verdict)).or_default() += 1;
                        r.metrics = pr.metrics.clone();
                        r.reported = pr.reported.clone();
                        counted.extend(&pr.counted);
                        allegations.extend(&pr.allegations);
                    }
                    r.counted = counted.into_iter().collect();
                    r.allegations = allegations.into_iter().collect();
                    parties.push(r);
                }
            }
            ClauseResult {
                id: id.clone(),
                parties,
            }
        })
        .collect()
}

fn coverage(ev: &Evaluator<'_>, w: &Window) -> Coverage {
    let kinds = [
        ZoneKind::Region,
        ZoneKind::DisengagementArea,
        ZoneKind::Crossing,
    ];
    let seen: Vec<_> = ev.state.coverage.range(w.first..=w.last).collect();
    // The periods of the window (the state keeps only periods with any).
    let mut of = 0;
    let mut d = w.first;
    while d <= w.last {
        of += 1;
        d = ev.periods().next(d);
    }
    let mut organisations = BTreeSet::new();
    for (_, s) in &seen {
        organisations.extend(s.orgs.iter().map(|&o| ev.organisation(o).to_string()));
    }
    let mut zones = Vec::new();
    for kind in kinds {
        let kind_name = ZoneKind::ALL
            .iter()
            .find(|(_, k)| *k == kind)
            .map_or("", |(n, _)| n);
        for z in ev.zones_of(kind) {
            let mut entries = BTreeSet::new();
            let mut covered = 0;
            for (_, s) in &seen {
                if s.zones.contains(&z) {
                    covered += 1;
                    entries.extend(&s.statements);
                }
            }
            zones.push(ZoneCoverage {
                zone: z,
                kind: kind_name.to_string(),
                covered,
                of,
                entries: entries.into_iter().collect(),
            });
        }
    }
    Coverage {
        zones,
        organisations: organisations.into_iter().collect(),
    }
}
