//! The report in words: the model's sections, in an SMM daily report's
//! order, as blocks in the reader's language ([`blocks`]), and those blocks
//! as Markdown or as one printable HTML page ([`Report::markdown`],
//! [`Report::html`]); the model itself as JSON ([`Report::json`]).

use std::fmt::Write as _;

use accord::agreement::Agreement;
use accord::evaluate::ObsDetail;
use accord_i18n::{Args, Lang};

use crate::charts;
use crate::doc::{Block, Cell, Html, Links, Markdown, Piece, esc};
use crate::model::*;
use crate::words::Words;

use Piece::{B, Code, Links as L, T};

fn h(level: u8, w: &Words<'_>, id: &str) -> Block {
    Block::H(level, w.p(id))
}

/// One line that says a section has nothing.
fn none(w: &Words<'_>, id: &str) -> Block {
    Block::P(vec![T(w.p(id))])
}

fn num(n: u64) -> Vec<Piece> {
    vec![T(n.to_string())]
}

fn change(now: u64, before: u64) -> String {
    match now as i64 - before as i64 {
        0 => "=".into(),
        d if d > 0 => format!("+{d}"),
        d => d.to_string(),
    }
}

/// A count as "verified / reported".
fn vr(w: &Words<'_>, c: &Count) -> Cell {
    vec![T(format!(
        "{} / {}",
        w.n(c.verified.value),
        w.n(c.reported.value)
    ))]
}

/// The previous period's count, or a dash when the log says nothing of it.
fn before(w: &Words<'_>, r: &Report, c: &Count) -> Cell {
    if r.header.previous_known {
        vr(w, c)
    } else {
        vec![T("–".into())]
    }
}

fn table(head: Vec<String>, numeric: Vec<bool>, rows: Vec<Vec<Cell>>) -> Block {
    Block::Table {
        head,
        numeric,
        rows,
    }
}

fn cols(w: &Words<'_>, ids: &[&str]) -> Vec<String> {
    ids.iter()
        .map(|id| w.p(&format!("report-col-{id}")))
        .collect()
}

/// Where an observation was: its regions, coordinates, who held the ground.
fn place(w: &Words<'_>, i: &Item) -> String {
    let mut names: Vec<String> = i.regions.iter().map(|z| w.zone(z)).collect();
    names.extend(i.zones.iter().map(|z| w.zone(z)));
    let at = w.t(
        "report-position",
        &Args::new().dec("lat", i.lat, 3).dec("lon", i.lon, 3),
    );
    let held = i
        .controlled_by
        .as_ref()
        .map(|p| {
            format!(
                "; {}",
                w.t("report-held-by", &Args::new().str("party", w.party(p)))
            )
        })
        .unwrap_or_default();
    let held = match i.observer {
        Some((lat, lon)) => format!(
            "{held}; {}",
            w.t(
                "report-observer-at",
                &Args::new().dec("lat", lat, 3).dec("lon", lon, 3)
            )
        ),
        None => held,
    };
    if names.is_empty() {
        format!("{at}{held}")
    } else {
        format!("{} ({at}{held})", names.join(", "))
    }
}

/// What an observation says, from its details' codes and numbers.
fn what(w: &Words<'_>, i: &Item) -> String {
    let mut parts = Vec::new();
    if i.category == "weapon_sighting" {
        let class = i
            .weapon_class
            .as_deref()
            .map_or_else(|| w.p("report-weapons-unclassed"), |c| w.weapon_class(c));
        parts.push(format!(
            "{} × {class}",
            w.n(i.numbers.get("count").copied().unwrap_or(0))
        ));
    } else if i.category != "ceasefire_violation" {
        parts.push(w.code("category", &i.category));
    }
    for e in &i.events {
        let mut s = w.t("report-num-events", &Args::new().num("n", e.count as i64));
        if let Some(k) = &e.kind {
            s = format!("{s}: {}", w.code("event", k));
        }
        let with: Vec<String> = e
            .weapon
            .iter()
            .map(|k| w.code("weapon", k))
            .chain(e.weapon_class.iter().map(|c| w.weapon_class(c)))
            .collect();
        if !with.is_empty() {
            s = format!("{s} ({})", with.join(", "));
        }
        parts.push(s);
    }
    if let Some(ObsDetail::Window {
        from, to, purpose, ..
    }) = &i.detail
    {
        parts.push(
            w.t(
                "report-window-time",
                &Args::new()
                    .str("from", w.time(*from))
                    .str("to", w.time(*to)),
            ),
        );
        if let Some(p) = purpose {
            parts.push(accord::text::printable(p).into_owned());
        }
    }
    for (field, value) in &i.codes {
        parts.push(w.code(field, value));
    }
    // The killed before the injured, as every casualty report says them.
    let mut numbers: Vec<(&String, &u64)> = i.numbers.iter().collect();
    numbers.sort_by_key(|(f, _)| (f.as_str() != "killed", f.as_str() != "injured", f.as_str()));
    for (field, n) in numbers {
        // A weapon's count leads its words; a violation's events are listed.
        if (i.category == "weapon_sighting" && field == "count") || field == "events" {
            continue;
        }
        parts.push(w.t(
            &format!("report-num-{}", field.replace('_', "-")),
            &Args::new().num("n", *n as i64),
        ));
    }
    parts.join("; ")
}

fn verified(w: &Words<'_>, i: &Item) -> String {
    if i.disputed {
        w.p("report-disputed")
    } else if i.verified {
        w.p("report-yes")
    } else {
        w.p("report-no")
    }
}

fn responsible(w: &Words<'_>, i: &Item) -> String {
    let who = match &i.responsible {
        Some(p) => w.party(p),
        None => w.p("report-not-attributed"),
    };
    let mut s = who;
    if let Some(c) = &i.confidence {
        s = format!("{s} ({})", w.code("confidence", c));
    }
    s = format!("{s}; {}", w.code("attribution", &i.attribution));
    if i.dissent > 0 {
        s = format!(
            "{s}; {}",
            w.t("report-dissent", &Args::new().num("n", i.dissent as i64))
        );
    }
    s
}

/// Observations as a table, or the line that says there are none; an
/// entry that says it is simulated is marked so.
fn items(w: &Words<'_>, r: &Report, v: &[Item], none_id: &str) -> Vec<Block> {
    if v.is_empty() {
        return vec![none(w, none_id)];
    }
    vec![table(
        cols(
            w,
            &[
                "entry",
                "observed",
                "where",
                "what",
                "means",
                "verified",
                "responsible",
            ],
        ),
        vec![false; 7],
        v.iter()
            .map(|i| {
                vec![
                    vec![L(vec![i.index])],
                    vec![T(w.time(i.observed))],
                    vec![T(place(w, i))],
                    vec![T(if r.sources.simulated.contains(&i.index) {
                        format!("{} {}", w.p("report-simulated-mark"), what(w, i))
                    } else {
                        what(w, i)
                    })],
                    vec![T(w.code("sensor", &i.sensor))],
                    vec![T(verified(w, i))],
                    vec![T(responsible(w, i))],
                ]
            })
            .collect(),
    )]
}

fn arg_text(w: &Words<'_>, a: &Arg) -> Result<i64, String> {
    match a {
        Arg::Figure(f) => Ok(f.value as i64),
        Arg::Number(n) => Ok(*n),
        Arg::Date(d) => Err(w.date(*d)),
        Arg::Time(t) => Err(w.time(*t)),
        Arg::Phase(id) => Err(w.phase(id)),
        Arg::Tranche(id) => Err(w.tranche(id)),
        Arg::Guarantee(id) => Err(w.guarantee(id)),
        Arg::Clause(id) => Err(w.clause(id)),
        Arg::Party(id) => Err(w.party(id)),
        Arg::Region(id) => Err(w.region(id.as_deref())),
        Arg::State(s) => Err(w.code("state", s)),
        Arg::Deadline(s) => Err(w.code("deadline", s)),
    }
}

/// A summary sentence in words.
pub fn sentence(w: &Words<'_>, s: &Sentence) -> String {
    let mut args = Args::new();
    for (k, a) in &s.args {
        // Message arguments are named by the model's keys, a fixed set.
        let k: &'static str = match k.as_str() {
            "verified" => "verified",
            "reported" => "reported",
            "verified_before" => "verified_before",
            "reported_before" => "reported_before",
            "clause" => "clause",
            "party" => "party",
            "periods" => "periods",
            "from" => "from",
            "to" => "to",
            "time" => "time",
            "id" => "id",
            "state" => "state",
            "deadline" => "deadline",
            "killed" => "killed",
            "injured" => "injured",
            "killed_verified" => "killed_verified",
            "injured_verified" => "injured_verified",
            "count" => "count",
            "region" => "region",
            _ => continue,
        };
        args = match arg_text(w, a) {
            Ok(n) => args.num(k, n),
            Err(t) => args.str(k, t),
        };
    }
    w.t(&s.id, &args)
}

fn title(w: &Words<'_>, r: &Report) -> String {
    w.t(
        &format!("report-title-{}", r.header.span.code()),
        &Args::new()
            .str("date", w.date(r.header.day))
            .str("from", w.date(r.header.period.first)),
    )
}

/// The report as blocks in `w`'s language.
pub fn blocks(r: &Report, w: &Words<'_>) -> Vec<Block> {
    let mut o = Vec::new();
    let hd = &r.header;
    o.push(Block::H(1, title(w, r)));
    o.push(Block::P(vec![B(w.texts.title().to_string())]));
    o.push(Block::P(vec![
        T(w.t(
            "report-period",
            &Args::new()
                .str("from", w.time(hd.period.start))
                .str("to", w.time(hd.period.end)),
        )),
        T(" ".into()),
        T(if hd.previous_known {
            w.t(
                "report-previous",
                &Args::new()
                    .str("from", w.time(hd.previous.start))
                    .str("to", w.time(hd.previous.end)),
            )
        } else {
            w.p("report-previous-unknown")
        }),
    ]));
    let mut built = vec![T(
        w.t("report-built", &Args::new().num("size", hd.log_size as i64))
    )];
    if let Some(root) = &hd.root {
        built.push(T(format!(" {} ", w.p("report-root"))));
        built.push(Code(root.clone()));
    }
    built.push(T(format!(" {} ", w.p("report-agreement-hash"))));
    built.push(Code(hd.agreement.clone()));
    built.push(T(format!(" {}", w.p("report-every-figure"))));
    o.push(Block::P(built));
    if let Some(wi) = &r.sources.witnessed {
        let policy = w.p(&format!("report-policy-{}", wi.policy));
        let line = if wi.met {
            let who: Vec<String> = wi
                .cosigners
                .iter()
                .map(|c| format!("{} ({})", accord::text::printable(&c.name), w.time(c.at)))
                .collect();
            w.t(
                "report-witnessed",
                &Args::new()
                    .str("cosigners", who.join(", "))
                    .str("policy", policy),
            )
        } else {
            w.t(
                "report-not-witnessed",
                &Args::new().str("policy", policy).str(
                    "error",
                    accord::text::printable(wi.error.as_deref().unwrap_or("")).into_owned(),
                ),
            )
        };
        o.push(Block::Class("witnessed", vec![Block::P(vec![B(line)])]));
    }
    if !r.sources.simulated.is_empty() {
        o.push(Block::Class(
            "simulated",
            vec![Block::P(vec![
                B(w.p("report-simulated")),
                T(" ".into()),
                L(r.sources.simulated.iter().copied().collect()),
            ])],
        ));
    }

    // 1. Summary.
    o.push(h(2, w, "report-h-summary"));
    o.push(Block::List(
        r.summary
            .iter()
            .map(|s| {
                let mut c = vec![T(sentence(w, s))];
                if !s.entries.is_empty() {
                    c.push(T(" ".into()));
                    c.push(L(s.entries.clone()));
                }
                c
            })
            .collect(),
    ));

    // 2. Ceasefire violations.
    let v = &r.violations;
    o.push(h(2, w, "report-h-violations"));
    o.push(Block::P(vec![T(w.p("report-violations-intro"))]));
    if v.total.is_empty() && v.total_before.is_empty() {
        o.push(none(w, "report-none-violations"));
    } else {
        o.push(Block::P(vec![T(w.t(
            if hd.previous_known {
                "report-violations-total"
            } else {
                "report-violations-total-first"
            },
            &Args::new()
                .num("verified", v.total.verified.value as i64)
                .num("reported", v.total.reported.value as i64)
                .num("verified_before", v.total_before.verified.value as i64)
                .num("reported_before", v.total_before.reported.value as i64),
        ))]));
        o.push(h(3, w, "report-h-by-region"));
        o.push(table(
            cols(
                w,
                &[
                    "region", "verified", "reported", "previous", "change", "entries",
                ],
            ),
            vec![false, true, true, true, true, false],
            v.by_region
                .iter()
                // Every region is in the model; a row of noughts is not shown.
                .filter(|row| !row.now.is_empty() || !row.before.is_empty())
                .map(|row| {
                    vec![
                        vec![T(w.region(row.region.as_deref()))],
                        num(row.now.verified.value),
                        num(row.now.reported.value),
                        before(w, r, &row.before),
                        vec![T(if r.header.previous_known {
                            change(row.now.reported.value, row.before.reported.value)
                        } else {
                            "–".into()
                        })],
                        vec![L(row.now.reported.entries.clone())],
                    ]
                })
                .collect(),
        ));
        o.push(Block::Svg(charts::regions_chart(r, w, 30)));
        o.push(h(3, w, "report-h-breakdown"));
        o.push(table(
            cols(
                w,
                &[
                    "region", "type", "weapon", "means", "verified", "reported", "previous",
                    "entries",
                ],
            ),
            vec![false, false, false, false, true, true, true, false],
            v.breakdown
                .iter()
                .map(|row| {
                    vec![
                        vec![T(w.region(row.region.as_deref()))],
                        vec![T(row.kind.as_deref().map_or_else(
                            || w.p("report-not-given"),
                            |k| w.code("event", k),
                        ))],
                        vec![T(row.weapon.as_deref().map_or_else(
                            || w.p("report-not-given"),
                            |k| w.code("weapon", k),
                        ))],
                        vec![T(row
                            .sensor
                            .as_deref()
                            .map_or_else(String::new, |s| w.code("sensor", s)))],
                        num(row.now.verified.value),
                        num(row.now.reported.value),
                        before(w, r, &row.before),
                        vec![L(row.now.reported.entries.clone())],
                    ]
                })
                .collect(),
        ));
        o.push(h(3, w, "report-h-attribution"));
        o.push(table(
            cols(w, &["responsible", "verified", "reported", "entries"]),
            vec![false, true, true, false],
            v.attribution
                .iter()
                .map(|a| {
                    vec![
                        vec![T(a.party.as_deref().map_or_else(
                            || w.p("report-not-attributed"),
                            |p| w.party(p),
                        ))],
                        num(a.count.verified.value),
                        num(a.count.reported.value),
                        vec![L(a.count.reported.entries.clone())],
                    ]
                })
                .collect(),
        ));
        o.push(h(3, w, "report-h-annex"));
        o.extend(items(w, r, &v.annex, "report-none-violations"));
    }

    // 3. Weapons.
    let wp = &r.weapons;
    o.push(h(2, w, "report-h-weapons"));
    o.push(h(3, w, "report-h-weapons-in-violation"));
    if !wp.in_violation.is_empty() {
        o.push(Block::P(vec![T(w.t(
            "report-weapons-count",
            &Args::new()
                .num("verified", wp.in_violation_count.verified.value as i64)
                .num("reported", wp.in_violation_count.reported.value as i64),
        ))]));
    }
    o.extend(items(
        w,
        r,
        &wp.in_violation,
        "report-none-weapons-in-violation",
    ));
    o.push(h(3, w, "report-h-weapons-absent"));
    if wp.storage.is_empty() {
        o.push(none(w, "report-none-weapons-absent"));
    } else {
        o.push(table(
            cols(
                w,
                &[
                    "site", "party", "observed", "access", "absent", "verified", "entries",
                ],
            ),
            vec![false; 7],
            wp.storage
                .iter()
                .map(|v| {
                    let site = match (&v.name, &v.kind) {
                        (Some(n), Some(k)) => format!("{n} ({}; {})", v.site, w.code("site", k)),
                        _ => format!("{} ({})", v.site, w.p("report-site-undeclared")),
                    };
                    let mut access = w.code("access", &v.access);
                    if v.abandoned {
                        access = format!("{access}; {}", w.p("report-site-abandoned"));
                    }
                    let absent = match &v.absent {
                        None => vec![T(w.p("report-absent-not-assessable"))],
                        Some(a) if a.is_empty() => vec![T(w.p("report-absent-none"))],
                        Some(a) => vec![B(a
                            .iter()
                            .map(|x| {
                                let mut t = format!("{} × {}", w.n(u64::from(x.count)), x.system);
                                if !x.serials.is_empty() {
                                    t = format!("{t} ({})", x.serials.join(", "));
                                }
                                accord::text::printable(&t).into_owned()
                            })
                            .collect::<Vec<_>>()
                            .join("; "))],
                    };
                    vec![
                        vec![T(accord::text::printable(&site).into_owned())],
                        vec![T(v
                            .party
                            .as_deref()
                            .map_or_else(|| "-".into(), |p| w.party(p)))],
                        vec![T(w.time(v.observed))],
                        vec![T(access)],
                        absent,
                        vec![T(if v.verified {
                            w.p("report-yes")
                        } else {
                            w.p("report-no")
                        })],
                        vec![L(v.entries.clone())],
                    ]
                })
                .collect(),
        ));
    }
    o.push(h(3, w, "report-h-weapons-outside-storage"));
    o.extend(items(
        w,
        r,
        &wp.outside_storage,
        "report-none-weapons-outside-storage",
    ));

    // 4. Military presence, mines, casualties, infrastructure.
    o.push(h(2, w, "report-h-presence"));
    o.extend(items(w, r, &r.presence, "report-none-presence"));
    o.push(h(2, w, "report-h-mines"));
    o.extend(items(w, r, &r.mines, "report-none-mines"));
    let c = &r.casualties;
    o.push(h(2, w, "report-h-casualties"));
    if c.items.is_empty() {
        o.push(none(w, "report-none-casualties"));
    } else {
        o.push(Block::P(vec![T(w.t(
            "report-casualties-total",
            &Args::new()
                .num("killed", c.killed.reported.value as i64)
                .num("injured", c.injured.reported.value as i64)
                .num("killed_verified", c.killed.verified.value as i64)
                .num("injured_verified", c.injured.verified.value as i64),
        ))]));
        o.push(table(
            cols(w, &["cause", "killed", "injured", "entries"]),
            vec![false, true, true, false],
            c.by_cause
                .iter()
                .map(|row| {
                    vec![
                        vec![T(row.cause.as_deref().map_or_else(
                            || w.p("report-not-given"),
                            |k| w.code("cause", k),
                        ))],
                        vr(w, &row.killed),
                        vr(w, &row.injured),
                        vec![L(row.killed.reported.entries.clone())],
                    ]
                })
                .collect(),
        ));
        o.extend(items(w, r, &c.items, "report-none-casualties"));
    }
    o.push(Block::Svg(charts::casualties_chart(r, w)));
    o.push(h(2, w, "report-h-infrastructure"));
    o.extend(items(w, r, &r.infrastructure, "report-none-infrastructure"));

    // 5. Windows of silence, crossings, freedom of movement.
    o.push(h(2, w, "report-h-windows"));
    if r.windows.is_empty() {
        o.push(none(w, "report-none-windows"));
    } else {
        o.push(table(
            cols(w, &["entry", "where", "what", "held", "near", "entries"]),
            vec![false, false, false, false, true, false],
            r.windows
                .iter()
                .map(|x| {
                    let held = match &x.item.detail {
                        Some(ObsDetail::Window {
                            held: Some(true), ..
                        }) => w.p("report-held-yes"),
                        Some(ObsDetail::Window {
                            held: Some(false), ..
                        }) => w.p("report-held-no"),
                        _ => w.p("report-held-unknown"),
                    };
                    let mut item = x.item.clone();
                    // Said in its own column.
                    item.codes.remove("held");
                    vec![
                        vec![L(vec![x.item.index])],
                        vec![T(place(w, &x.item))],
                        vec![T(what(w, &item))],
                        vec![B(held)],
                        vr(w, &x.near),
                        vec![L(x.near.reported.entries.clone())],
                    ]
                })
                .collect(),
        ));
        o.push(Block::P(vec![T(w.t(
            "report-windows-near",
            &Args::new().num("km", NEAR_KM as i64),
        ))]));
    }
    o.push(h(2, w, "report-h-crossings"));
    o.extend(items(w, r, &r.crossings, "report-none-crossings"));
    o.push(h(2, w, "report-h-movement"));
    o.extend(items(w, r, &r.movement, "report-none-movement"));

    // 6. Relief, guarantees and deadlines.
    let rl = &r.relief;
    o.push(h(2, w, "report-h-relief"));
    let machine_rows =
        |kind: &str, ms: &[Machine], title: &dyn Fn(&str) -> String| -> Vec<Vec<Cell>> {
            ms.iter()
                .map(|m| {
                    let changes: Cell = m
                        .changes
                        .iter()
                        .enumerate()
                        .flat_map(|(k, c)| {
                            // Changes apart by "; ", with none after the last.
                            let sep = (k > 0).then(|| T("; ".into()));
                            sep.into_iter().chain([
                                T(format!(
                                    "{} → {}, {} ",
                                    c.from
                                        .as_deref()
                                        .map_or_else(String::new, |f| state_word(w, kind, f)),
                                    state_word(w, kind, &c.to),
                                    w.time(c.at)
                                )),
                                L(c.entries.clone()),
                            ])
                        })
                        .collect();
                    vec![
                        vec![T(w.p(&format!("report-kind-{kind}")))],
                        vec![T(title(&m.id))],
                        vec![B(m
                            .state
                            .as_deref()
                            .map_or_else(|| "-".into(), |s| state_word(w, kind, s)))],
                        vec![T(m
                            .provisional_until
                            .map_or_else(String::new, |t| w.time(t)))],
                        changes,
                    ]
                })
                .collect()
        };
    let mut rows = machine_rows("phase", std::slice::from_ref(&rl.phase), &|_| {
        w.p("report-phase")
    });
    rows.extend(machine_rows("tranche", &rl.tranches, &|id| w.tranche(id)));
    rows.extend(machine_rows("guarantee", &rl.guarantees, &|id| {
        w.guarantee(id)
    }));
    o.push(table(
        cols(w, &["kind", "title", "state", "provisional", "changes"]),
        vec![false; 5],
        rows,
    ));
    o.push(Block::Svg(charts::timeline_chart(r, w)));
    o.push(h(3, w, "report-h-deadlines"));
    if rl.deadlines.is_empty() {
        o.push(none(w, "report-none-deadlines"));
    } else {
        o.push(table(
            cols(w, &["deadline", "of", "due", "entries"]),
            vec![false; 4],
            rl.deadlines
                .iter()
                .map(|d| {
                    vec![
                        vec![T(w.code("deadline", &d.kind))],
                        vec![T(if d.of == "tranche" {
                            w.tranche(&d.id)
                        } else {
                            w.guarantee(&d.id)
                        })],
                        vec![T(w.time(d.due))],
                        vec![L(d.entries.clone())],
                    ]
                })
                .collect(),
        ));
    }
    if !rl.clocks.is_empty() {
        o.push(h(3, w, "report-h-clocks"));
        o.push(table(
            cols(w, &["clock", "days", "assessed"]),
            vec![false, true, true],
            rl.clocks
                .iter()
                .map(|c| vec![vec![Code(c.id.clone())], num(c.days), num(c.assessed)])
                .collect(),
        ));
    }

    // 7. Clauses by party.
    o.push(h(2, w, "report-h-clauses"));
    let mut rows = Vec::new();
    for cl in &r.clauses {
        for p in &cl.parties {
            let metrics: Vec<String> = p
                .metrics
                .iter()
                .map(|(k, v)| match p.reported.get(k) {
                    Some(rep) if rep != v => w.t(
                        "report-metric-both",
                        &Args::new()
                            .str("name", k.clone())
                            .num("verified", *v)
                            .num("reported", *rep),
                    ),
                    _ => w.t(
                        "report-metric",
                        &Args::new().str("name", k.clone()).num("value", *v),
                    ),
                })
                .collect();
            rows.push(vec![
                vec![T(w.clause(&cl.id))],
                vec![T(w.party(&p.party))],
                vec![match p.verdict {
                    None => T(w.p("common-verdict-not-in-force")),
                    Some(
                        v @ (accord::evaluate::Verdict::BreachVerified
                        | accord::evaluate::Verdict::Overdue),
                    ) => B(w.code("verdict", &code_of(&v))),
                    Some(v) => T(w.code("verdict", &code_of(&v))),
                }],
                vec![T(metrics.join(", "))],
                vec![L(p.counted.clone())],
                vec![L(p.allegations.clone())],
            ]);
        }
    }
    if rows.is_empty() {
        o.push(none(w, "report-none-clauses"));
    } else {
        o.push(table(
            cols(
                w,
                &[
                    "clause",
                    "party",
                    "verdict",
                    "measured",
                    "counted",
                    "allegations",
                ],
            ),
            vec![false; 6],
            rows,
        ));
    }

    // 8. Coverage.
    o.push(h(2, w, "report-h-coverage"));
    let cv = &r.coverage;
    if cv.zones.iter().all(|z| z.covered == 0) {
        o.push(none(w, "report-none-coverage"));
    }
    let (seen, unseen): (Vec<&ZoneCoverage>, Vec<&ZoneCoverage>) =
        cv.zones.iter().partition(|z| z.covered > 0);
    if !unseen.is_empty() {
        o.push(Block::P(vec![T(w.t(
            "report-coverage-unseen",
            &Args::new().str(
                "zones",
                unseen
                    .iter()
                    .map(|z| w.zone(&z.zone))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ))]));
    }
    if !seen.is_empty() {
        o.push(table(
            cols(w, &["zone", "covered", "entries"]),
            vec![false, true, false],
            seen.iter()
                .map(|z| {
                    vec![
                        vec![T(w.zone(&z.zone))],
                        vec![T(w.t(
                            "report-covered-of",
                            &Args::new()
                                .num("covered", z.covered as i64)
                                .num("of", z.of as i64),
                        ))],
                        vec![L(z.entries.clone())],
                    ]
                })
                .collect(),
        ));
        o.push(Block::P(vec![T(w.t(
            "report-coverage-organisations",
            &Args::new().str(
                "organisations",
                cv.organisations
                    .iter()
                    .map(|o| w.party(o))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ))]));
    }

    // 9. The year's series.
    o.push(h(2, w, "report-h-series"));
    o.push(Block::Svg(charts::regions_chart(r, w, 365)));
    o.extend(charts::regions_table(r, w, 30));

    // 10. The agreement's language versions.
    o.push(h(2, w, "report-h-texts"));
    o.push(Block::P(vec![T(w.p("report-texts-intro"))]));
    o.push(Block::Columns(texts(w.a, &hd.languages)));

    // Sources.
    o.push(h(2, w, "report-h-sources"));
    let mut notes = Vec::new();
    if !r.sources.open_source.is_empty() {
        notes.push(vec![T(w.t(
            "report-open-source",
            &Args::new().str("sources", r.sources.open_source.join(", ")),
        ))]);
    }
    notes.push(vec![T(w.p("report-proofs"))]);
    o.push(Block::List(notes));
    o
}

fn code_of<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A state of a machine in words (a phase is its title).
fn state_word(w: &Words<'_>, kind: &str, s: &str) -> String {
    match kind {
        "phase" => w.phase(s),
        k => w.code(k, s),
    }
}

/// The agreement's title and clauses in each of its language versions.
fn texts(a: &Agreement, languages: &[String]) -> Vec<(String, Vec<Block>)> {
    languages
        .iter()
        .map(|lang| {
            let t = a.text_in(lang);
            let mut b = vec![Block::H(3, t.title().to_string())];
            for id in a.clauses.keys() {
                b.push(Block::P(vec![B(t.clause_title(id).to_string())]));
                b.push(Block::P(vec![T(t.clause_text(id).to_string())]));
            }
            (lang.clone(), b)
        })
        .collect()
}

const CSS: &str = include_str!("report.css");

impl Report {
    /// The report in Markdown, in `lang`, linking entries through `links`.
    pub fn markdown(&self, a: &Agreement, lang: Lang, links: &Links) -> String {
        let w = Words::new(lang, a);
        let more = |n: usize| w.t("common-and-more", &Args::new().num("count", n as i64));
        let mut o = String::new();
        Markdown { links, more: &more }.write(&blocks(self, &w), &mut o);
        o
    }

    /// The report as one HTML page that prints well (A4, page numbers,
    /// entry links kept as endnotes), with no external resource: inline
    /// CSS and SVG, no script.
    pub fn html(&self, a: &Agreement, lang: Lang, links: &Links) -> String {
        let w = Words::new(lang, a);
        let more = |n: usize| w.t("common-and-more", &Args::new().num("count", n as i64));
        let html = Html {
            links,
            more: &more,
            cited: Default::default(),
        };
        let mut body = String::new();
        html.write(&blocks(self, &w), &mut body);
        let mut o = String::new();
        let _ = write!(
            o,
            "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{}</title><style>{CSS}</style></head><body>{body}",
            lang.code(),
            esc(&title(&w, self)),
        );
        // Endnotes: in print, each entry number's proof.
        let cited = html.cited.into_inner();
        if !cited.is_empty() {
            let _ = write!(
                o,
                "<section class=endnotes><h2>{}</h2><p>{}</p><ol>",
                esc(&w.p("report-h-endnotes")),
                esc(&w.p("report-endnotes-intro"))
            );
            for i in cited {
                let _ = write!(o, "<li value=\"{i}\">{}</li>", esc(&links.href(i)));
            }
            o.push_str("</ol></section>");
        }
        o.push_str("</body></html>");
        o
    }

    /// The model as JSON, for anyone who wants to build their own report.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
