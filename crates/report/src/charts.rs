//! Charts as inline SVG, readable in print and by the colour-blind: the
//! Okabe–Ito palette, and a dash pattern or hatching beside every colour so
//! that no series is told by colour alone; labels written on the chart
//! itself; a `<title>` for screen readers; and the figures as a table
//! beside them.

use std::fmt::Write as _;

use accord_i18n::Args;
use jiff::civil::Date;

use crate::doc::{Block, Piece, esc};
use crate::model::*;
use crate::words::Words;

/// Okabe & Ito (2008), without the yellow, which does not print.
const COLOURS: [&str; 7] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
];
const DASHES: [&str; 7] = ["", "6 3", "2 2", "8 3 2 3", "1 3", "10 4", "4 1 1 1"];

fn style(i: usize) -> (&'static str, &'static str) {
    (COLOURS[i % COLOURS.len()], DASHES[i % DASHES.len()])
}

/// The `n` periods ending with the series' last.
fn periods(r: &Report, n: usize) -> Vec<Date> {
    let mut v = Vec::with_capacity(n);
    let mut d = r.series.last;
    for _ in 0..n {
        v.push(d);
        if d <= r.series.first {
            break;
        }
        d = d.yesterday().unwrap_or(d);
    }
    v.reverse();
    v
}

fn open(o: &mut String, w: f64, h: f64, title: &str) {
    let _ = write!(
        o,
        "<svg role=\"img\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\" font-size=\"11\"><title>{}</title>",
        esc(title)
    );
}

/// Reported violations per region per period, one line each, over the
/// last `n` periods.
pub fn regions_chart(r: &Report, w: &Words<'_>, n: usize) -> String {
    let days = periods(r, n);
    let title = w.t(
        "report-chart-violations",
        &Args::new().num("n", days.len() as i64),
    );
    let series: Vec<(String, Vec<u64>)> = r
        .series
        .violations
        .iter()
        .map(|s| {
            (
                w.region(s.region.as_deref()),
                days.iter()
                    .map(|d| {
                        s.points
                            .iter()
                            .find(|p| p.period == *d)
                            .map_or(0, |p| p.count.reported.value)
                    })
                    .collect(),
            )
        })
        .collect();
    let (width, height, left, right, top, bottom) = (760.0, 240.0, 40.0, 170.0, 24.0, 30.0);
    let mut o = String::new();
    open(&mut o, width, height, &title);
    let _ = write!(
        o,
        "<text x=\"{left}\" y=\"14\" font-weight=\"bold\">{}</text>",
        esc(&title)
    );
    if series.iter().all(|(_, v)| v.iter().all(|&x| x == 0)) {
        let _ = write!(
            o,
            "<text x=\"{left}\" y=\"{}\">{}</text></svg>",
            top + 30.0,
            esc(&w.p("report-none-violations"))
        );
        return o;
    }
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let x = |i: usize| left + plot_w * i as f64 / (days.len().max(2) - 1) as f64;
    let y = |v: u64| top + plot_h - plot_h * v as f64 / max;
    // Axes, the top value, the first and last period.
    let _ = write!(
        o,
        "<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{}\" stroke=\"#555\"/><line x1=\"{left}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\" stroke=\"#555\"/><text x=\"{2}\" y=\"{3}\" text-anchor=\"end\">{4}</text><text x=\"{2}\" y=\"{0}\" text-anchor=\"end\">0</text>",
        top + plot_h,
        left + plot_w,
        left - 4.0,
        top + 8.0,
        w.n(max as u64)
    );
    if let (Some(f), Some(l)) = (days.first(), days.last()) {
        let _ = write!(
            o,
            "<text x=\"{left}\" y=\"{}\">{}</text><text x=\"{}\" y=\"{0}\" text-anchor=\"end\">{}</text>",
            height - 10.0,
            esc(&w.m.date_short(*f)),
            left + plot_w,
            esc(&w.m.date_short(*l))
        );
    }
    let mut labels: Vec<(f64, String, &str)> = Vec::new();
    for (i, (name, values)) in series.iter().enumerate() {
        let (colour, dash) = style(i);
        let pts: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(k, v)| format!("{:.1},{:.1}", x(k), y(*v)))
            .collect();
        let total: u64 = values.iter().sum();
        let _ = write!(
            o,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\" points=\"{}\"><title>{}: {}</title></polyline>",
            pts.join(" "),
            esc(name),
            w.n(total)
        );
        labels.push((y(*values.last().unwrap_or(&0)), name.clone(), colour));
    }
    // Direct labels at the lines' ends, pushed apart so that none overlap.
    labels.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut last = f64::MIN;
    for (ly, name, colour) in labels {
        let ly = ly.max(last + 12.0);
        last = ly;
        let _ = write!(
            o,
            "<text x=\"{}\" y=\"{:.1}\" fill=\"{colour}\">{}</text>",
            left + plot_w + 6.0,
            ly + 4.0,
            esc(&name)
        );
    }
    o.push_str("</svg>");
    o
}

/// The regions chart's figures as a table (its text fallback): the
/// periods with any violation, per region verified / reported.
pub fn regions_table(r: &Report, w: &Words<'_>, n: usize) -> Vec<Block> {
    let days = periods(r, n);
    let mut head = vec![w.p("report-col-period")];
    head.extend(
        r.series
            .violations
            .iter()
            .map(|s| w.region(s.region.as_deref())),
    );
    let mut rows = Vec::new();
    for d in &days {
        let cells: Vec<Option<&Point>> = r
            .series
            .violations
            .iter()
            .map(|s| s.points.iter().find(|p| p.period == *d))
            .collect();
        if cells.iter().all(Option::is_none) {
            continue;
        }
        let mut row = vec![vec![Piece::T(w.m.date_short(*d))]];
        row.extend(cells.into_iter().map(|p| match p {
            None => vec![Piece::T("0 / 0".into())],
            Some(p) => vec![
                Piece::T(format!(
                    "{} / {} ",
                    w.n(p.count.verified.value),
                    w.n(p.count.reported.value)
                )),
                Piece::Links(p.count.reported.entries.clone()),
            ],
        }));
        rows.push(row);
    }
    if rows.is_empty() {
        return vec![];
    }
    vec![
        Block::P(vec![Piece::T(w.t(
            "report-series-table",
            &Args::new().num("n", days.len() as i64),
        ))]),
        Block::Table {
            numeric: vec![false; head.len()],
            head,
            rows,
        },
    ]
}

/// Civilians killed and injured per period, the last 30 periods: killed
/// solid, injured hatched.
pub fn casualties_chart(r: &Report, w: &Words<'_>) -> String {
    let days = periods(r, 30);
    let title = w.p("report-chart-casualties");
    let value = |s: &[Point], d: &Date| {
        s.iter()
            .find(|p| p.period == *d)
            .map_or(0, |p| p.count.reported.value)
    };
    let killed: Vec<u64> = days.iter().map(|d| value(&r.series.killed, d)).collect();
    let injured: Vec<u64> = days.iter().map(|d| value(&r.series.injured, d)).collect();
    let (width, height, left, top, bottom) = (760.0, 200.0, 40.0, 24.0, 40.0);
    let mut o = String::new();
    open(&mut o, width, height, &title);
    let _ = write!(
        o,
        "<defs><pattern id=\"hatch\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"5\" height=\"5\" fill=\"#fff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"5\" stroke=\"{}\" stroke-width=\"3\"/></pattern></defs><text x=\"{left}\" y=\"14\" font-weight=\"bold\">{}</text>",
        COLOURS[0],
        esc(&title)
    );
    let max = killed.iter().chain(&injured).copied().max().unwrap_or(0);
    if max == 0 {
        let _ = write!(
            o,
            "<text x=\"{left}\" y=\"{}\">{}</text></svg>",
            top + 30.0,
            esc(&w.p("report-none-casualties"))
        );
        return o;
    }
    let plot_h = height - top - bottom;
    let col = (width - left - 20.0) / days.len().max(1) as f64;
    let bar = col * 0.4;
    for (k, d) in days.iter().enumerate() {
        let x0 = left + col * k as f64;
        for (j, (v, fill)) in [
            (killed[k], COLOURS[1].to_string()),
            (injured[k], "url(#hatch)".to_string()),
        ]
        .into_iter()
        .enumerate()
        {
            if v == 0 {
                continue;
            }
            let h = plot_h * v as f64 / max as f64;
            let _ = write!(
                o,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"{fill}\" stroke=\"#333\" stroke-width=\"0.5\"><title>{}: {}</title></rect><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\">{}</text>",
                x0 + bar * j as f64,
                top + plot_h - h,
                esc(&w.m.date_short(*d)),
                esc(&w.t(
                    if j == 0 {
                        "report-num-killed"
                    } else {
                        "report-num-injured"
                    },
                    &Args::new().num("n", v as i64)
                )),
                x0 + bar * j as f64 + bar / 2.0,
                top + plot_h - h - 2.0,
                w.n(v)
            );
        }
    }
    let ly = height - 12.0;
    let _ = write!(
        o,
        "<rect x=\"{left}\" y=\"{}\" width=\"12\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{ly}\">{}</text><rect x=\"{}\" y=\"{0}\" width=\"12\" height=\"10\" fill=\"url(#hatch)\" stroke=\"#333\" stroke-width=\"0.5\"/><text x=\"{}\" y=\"{ly}\">{}</text></svg>",
        ly - 9.0,
        COLOURS[1],
        left + 16.0,
        esc(&w.p("report-col-killed")),
        left + 140.0,
        left + 156.0,
        esc(&w.p("report-col-injured")),
    );
    o
}

/// The phase, each relief tranche and each guarantee, as bars of their
/// states from the adoption to the period's end.
pub fn timeline_chart(r: &Report, w: &Words<'_>) -> String {
    let title = w.p("report-chart-timeline");
    let end = r.header.period.end;
    let start = r.header.adopted.unwrap_or(r.header.period.start).min(end);
    let rows: Vec<(String, &Machine, &str)> =
        std::iter::once((w.p("report-phase"), &r.relief.phase, "phase"))
            .chain(
                r.relief
                    .tranches
                    .iter()
                    .map(|m| (w.tranche(&m.id), m, "tranche")),
            )
            .chain(
                r.relief
                    .guarantees
                    .iter()
                    .map(|m| (w.guarantee(&m.id), m, "guarantee")),
            )
            .collect();
    // Each row's name above its bar, across the whole width: titles of
    // relief and guarantees are long, and in Ukrainian and Russian longer
    // still; a column of names beside the bars would cut them.
    let (width, left, row_h, top) = (760.0, 10.0, 40.0, 24.0);
    let height = top + row_h * rows.len() as f64 + 24.0;
    let mut o = String::new();
    open(&mut o, width, height, &title);
    let _ = write!(
        o,
        "<defs><pattern id=\"dispute\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"{}\" stroke-width=\"3\"/></pattern></defs><text x=\"4\" y=\"14\" font-weight=\"bold\">{}</text>",
        COLOURS[1],
        esc(&title)
    );
    let span = (end.as_second() - start.as_second()).max(1) as f64;
    let plot_w = width - left - 10.0;
    let x = |t: jiff::Timestamp| {
        left + plot_w * ((t.as_second() - start.as_second()).clamp(0, span as i64) as f64) / span
    };
    // States by their kind of meaning: settled, moving, in dispute.
    let fill = |kind: &str, s: &str, k: usize| -> String {
        match (kind, s) {
            (_, "in_dispute" | "in_vote" | "triggered" | "overdue") => "url(#dispute)".into(),
            (_, "snapped_back") => COLOURS[1].into(),
            (_, "in_force" | "decided") => COLOURS[2].into(),
            (_, "pending" | "dormant") => "#ddd".into(),
            _ => COLOURS[[0, 5, 3, 4][k % 4]].into(),
        }
    };
    for (i, (name, m, kind)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let _ = write!(
            o,
            "<text x=\"{left}\" y=\"{:.1}\">{}</text>",
            y + 12.0,
            esc(name)
        );
        // Segments: the initial state, then each change before the end.
        let mut segs: Vec<(jiff::Timestamp, String)> = Vec::new();
        if let Some(first) = m
            .history
            .first()
            .and_then(|c| c.from.clone())
            .or_else(|| m.state.clone())
        {
            segs.push((start, first));
        }
        segs.extend(
            m.history
                .iter()
                .filter(|c| c.at <= end)
                .map(|c| (c.at, c.to.clone())),
        );
        for (k, (t0, s)) in segs.iter().enumerate() {
            let t1 = segs.get(k + 1).map_or(end, |n| n.0);
            let (x0, x1) = (x(*t0), x(t1));
            let word = state_word(w, kind, s);
            let _ = write!(
                o,
                "<rect x=\"{x0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"18\" fill=\"{}\" stroke=\"#333\" stroke-width=\"0.5\"><title>{}: {}</title></rect>",
                y + 16.0,
                (x1 - x0).max(1.0),
                fill(kind, s, k),
                esc(name),
                esc(&word)
            );
            if x1 - x0 > 50.0 {
                let _ = write!(
                    o,
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#000\" paint-order=\"stroke\" stroke=\"#fff\" stroke-width=\"3\">{}</text>",
                    x0 + 3.0,
                    y + 29.0,
                    esc(&word)
                );
            }
        }
    }
    let _ = write!(
        o,
        "<text x=\"{left}\" y=\"{:.1}\">{}</text><text x=\"{}\" y=\"{0:.1}\" text-anchor=\"end\">{}</text></svg>",
        height - 6.0,
        esc(&w.time(start)),
        width - 10.0,
        esc(&w.time(end))
    );
    o
}

fn state_word(w: &Words<'_>, kind: &str, s: &str) -> String {
    match kind {
        "phase" => w.phase(s),
        k => w.code(k, s),
    }
}
