//! `accord demo`: the README's first command, on the embedded default.
//!
//! It builds a log under the built-in Ukraine example: real events from
//! UCDP GED, imported as open-source reports, under a hypothetical D-day
//! (the Minsk II ceasefire, 15 February 2015, by default, so that the
//! events fall inside the agreement's life), interleaved with a short
//! scripted sequence of monitors' and parties' statements that walks the
//! agreement through its phases: a held ceasefire, the verification phase,
//! a relief tranche certified, a breach, a guarantee triggered and decided,
//! snapback. Then it audits the log as an outsider would and writes the
//! daily report of the day of the breach.
//!
//! Everything is signed with the example's demonstration keys, whose
//! secrets are public (see `accord_example::key`).
//!
//! What is real and what is not is said wherever it shows: the scripted
//! observations and certifications carry [`SIMULATED_NOTE`] in the
//! statements themselves (and so in the log and the report), the demo's
//! lines about them say SIMULATED, and the UCDP events are called what they
//! are, UCDP fatal events. No event from before D-day is imported, and the
//! log stops at the end of the data: nothing is evaluated for days the data
//! does not cover.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use accord::import::{self, Format};
use accord::statement::{Body, SignedStatement, Statement, Time};
use accord_example::{self as example, Script, Written, history};
use accord_i18n::{Args as MsgArgs, Messages};
use clap::Args;
use jiff::Timestamp;
use jiff::civil::Date;
use miette::{IntoDiagnostic, Result, WrapErr, miette};
use serde_json::{Value, json};
use tlog::{DirStorage, Log};

use crate::logdir::{LogConfig, write_config};

/// Where the shared real data is looked for when no file is given.
const SHARED_UCDP: &str = "data/events/ucdp_ged_ukraine_2014-01_to_2022-02-23.csv";

/// What a scripted statement says of itself: its observation's `note`, its
/// certification's words. [`accord_report::SIMULATED`] begins it, so
/// that the report marks it.
const SIMULATED_NOTE: &str = "SIMULATED: scripted by accord demo, not a real event";
/// A scripted observation's `reference`.
const SIMULATED_REFERENCE: &str = "SIMULATED (accord demo)";

#[derive(Args)]
pub struct DemoArgs {
    /// Where to put the demonstration (replaced if it holds an earlier demo).
    #[arg(long, default_value = "accord-demo")]
    pub dir: PathBuf,
    /// A UCDP GED CSV file of events to import as open-source reports
    /// (default: the UCDP extract in ../shared/data, when it is there).
    #[arg(long, value_name = "CSV")]
    pub events: Option<PathBuf>,
    /// Run on the scripted statements alone, without real events.
    #[arg(long, conflicts_with = "events")]
    pub no_events: bool,
    /// The hypothetical D-day (local midnight, Kyiv time).
    #[arg(long, default_value = "2015-02-15", value_name = "YYYY-MM-DD")]
    pub d_day: String,
    /// How many days after D the log runs (default: to the end of the
    /// events; never past it).
    #[arg(long)]
    pub days: Option<u32>,
    #[command(flatten)]
    pub lang: crate::lang::LangArg,
}

/// When in the day (hours after midnight, Kyiv time) the routine
/// monitoring is reported: well before the 19:30 cut-off.
const ROUTINE_HOUR: f64 = 6.0;

/// Places the script uses (lon, lat), from the example's annex.
const KRAMATORSK: (f64, f64) = (37.58, 48.74);
const HORLIVKA: (f64, f64) = (38.03, 48.33);
const SIVERSK: (f64, f64) = (38.097, 48.862);
/// Near Starobilsk, where exchanges took place in the Minsk years.
const STAROBILSK: (f64, f64) = (38.93, 49.28);

fn events_file(a: &DemoArgs) -> Option<PathBuf> {
    if a.no_events {
        return None;
    }
    if let Some(f) = &a.events {
        return Some(f.clone());
    }
    let shared = std::env::var_os("ACCORD_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared"));
    let p = shared.join(SHARED_UCDP);
    p.exists().then_some(p)
}

/// The open-source reports to interleave, sorted by when they were issued,
/// and how many events (rows) were read, imported and left out.
struct Imported {
    reports: Vec<Statement>,
    rows: u64,
    events: u64,
    /// Events that began before D-day.
    before: u64,
    /// Events that ended after the data's end.
    after: u64,
    /// The first imported event's first day and the data's last day.
    range: Option<(Date, Date)>,
    /// The end of the data's last day: the log runs no further.
    end: Option<Timestamp>,
}

/// When an imported report's event began: its observation's start.
fn observed_from(s: &Statement) -> Timestamp {
    match &s.body {
        Body::Observation(o, _) => o.observed.from.0,
        _ => s.issued_at.0,
    }
}

/// Reads the events, keeping only those wholly within the agreement's life
/// and the data: an event that began before D-day is left out even if it
/// ended after; so is one that ended after the data's last day (the day the
/// last event began: a dataset extracted up to a date holds no event that
/// began after it, so its days after that date are not quiet, only absent).
fn osint(path: &Path, hash: accord::statement::Digest, d: Timestamp) -> Result<Imported> {
    let file = std::fs::File::open(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("opening {}", path.display()))?;
    let mut options = import::Options::new(hash);
    options.timezone = kyiv();
    let (mut rows, mut before) = (0u64, 0u64);
    let mut kept: Vec<Vec<Statement>> = Vec::new();
    import::read(
        Format::Ucdp,
        std::io::BufReader::new(file),
        &options,
        |row| {
            rows += 1;
            if let Ok(statements) = row.outcome {
                if statements
                    .iter()
                    .any(|s| s.issued_at.0 < d || observed_from(s) < d)
                {
                    before += 1;
                } else if !statements.is_empty() {
                    kept.push(statements);
                }
            }
            ControlFlow::Continue(())
        },
    )
    .map_err(|e| miette!("{}: {e}", path.display()))?;
    let first = kept.iter().flatten().map(observed_from).min();
    let last = kept.iter().flatten().map(observed_from).max();
    let last_day = last.map(local_day);
    let end = match last_day {
        Some(day) => Some(
            day.tomorrow()
                .and_then(|t| t.to_zoned_datetime(kyiv()))
                .map_err(|e| miette!("the day after {day}: {e}"))?
                .timestamp(),
        ),
        None => None,
    };
    let (mut out, mut events, mut after) = (Vec::new(), 0u64, 0u64);
    for statements in kept {
        if end.is_some_and(|end| statements.iter().any(|s| s.issued_at.0 > end)) {
            after += 1;
        } else {
            events += 1;
            out.extend(statements);
        }
    }
    out.sort_by_key(|s| s.issued_at.0);
    Ok(Imported {
        reports: out,
        rows,
        events,
        before,
        after,
        range: first.map(local_day).zip(last_day),
        end,
    })
}

/// The script and the imported reports, merged in time order.
struct Story<'a> {
    s: Script<'a>,
    osint: std::iter::Peekable<std::vec::IntoIter<Statement>>,
    importer: tlog::SignerKey,
    imported: u64,
    /// The routine monitoring written each day (see
    /// `accord_example::history`): its marks, the number of the next day,
    /// and whether one side's allegations are part of it yet.
    marks: history::Marks,
    routine_day: u32,
    allegations: bool,
    m: &'static Messages,
}

impl Story<'_> {
    /// Logs every open-source report issued up to the script's clock.
    fn catch_up(&mut self) {
        while let Some(st) = self.osint.next_if(|st| st.issued_at.0 <= self.s.now) {
            let signed =
                SignedStatement::sign(st, &self.importer).expect("an imported statement signs");
            self.s.append(signed.to_bytes());
            self.imported += 1;
        }
    }
    fn days(&mut self, n: u32) {
        let mut routine = 0;
        let first = self.s.entries.len();
        for _ in 0..n {
            // The day's routine monitoring, in the morning.
            self.s.wait_hours(ROUTINE_HOUR);
            for (w, what) in
                history::routine_day(&mut self.s, self.routine_day, self.allegations, &self.marks)
            {
                match &w.rejected {
                    None => routine += 1,
                    Some(_) => say(self.m, &w, &what),
                }
            }
            self.routine_day += 1;
            self.s.wait_hours(-ROUTINE_HOUR);
            // The Mission's coverage of the day, before its cut-off.
            self.s.patrol_report();
            self.s.wait_hours(24.0);
            self.catch_up();
            self.s.status();
        }
        if routine > 0 {
            let simulated = self.m.plain("cli-simulated");
            let entry = self.m.plain("cli-entries");
            let said = self.m.text(
                "cli-demo-routine",
                &MsgArgs::new()
                    .num("count", routine as i64)
                    .num("days", i64::from(n))
                    .str("allegations", if self.allegations { "yes" } else { "no" }),
            );
            outln!("   {entry} {first:>5}… {simulated}  {said}");
        }
    }
    fn hours(&mut self, h: f64) {
        self.s.wait_hours(h);
        self.catch_up();
    }
}

/// Prints what a scripted entry is: every one of them is SIMULATED.
fn say(m: &Messages, w: &Written, what: &str) {
    let simulated = m.plain("cli-simulated");
    let entry = m.plain("cli-entry");
    match &w.rejected {
        None => outln!("   {entry} {:>5}  {simulated}  {what}", w.index),
        Some(why) => outln!(
            "   {entry} {:>5}  {simulated}  {what}: {}",
            w.index,
            m.text(
                "cli-demo-refused",
                &MsgArgs::new().str("why", why.to_string())
            )
        ),
    }
}

/// A scripted observation's `extra`, with the SIMULATED marks added.
fn simulated(extra: Value) -> Value {
    let mut extra = extra;
    extra["reference"] = json!(SIMULATED_REFERENCE);
    extra["note"] = json!(SIMULATED_NOTE);
    extra
}

/// A scripted certification, whose words say it is SIMULATED.
fn certify(s: &mut Script<'_>, of: &str, target: &str, by: &[&str]) -> Written {
    let body = json!({"of": of, "target": target, "statement": format!("{SIMULATED_NOTE}: {of} {target}")});
    s.write("certification", body, by)
}

pub fn run(a: DemoArgs) -> Result<()> {
    let d_date: Date = a
        .d_day
        .parse()
        .map_err(|e| miette!("--d-day {:?}: not a date: {e}", a.d_day))?;
    let d = d_date
        .to_zoned_datetime(
            jiff::tz::TimeZone::get("Europe/Kyiv").unwrap_or(jiff::tz::TimeZone::UTC),
        )
        .map_err(|e| miette!("{e}"))?
        .timestamp();
    prepare_dir(&a.dir)?;
    let m = Messages::get(a.lang.lang);
    let (agreement, hash) = example::agreement();
    let agreement_dir = a.dir.join("agreement");
    write_agreement(&agreement_dir)?;
    outln!(
        "{}",
        m.text(
            "cli-demo-intro",
            &MsgArgs::new().str("title", agreement.text_in(m.lang().code()).title())
        )
    );
    outln!(
        "   {}",
        m.text(
            "cli-demo-agreement",
            &MsgArgs::new()
                .str("hash", hash.to_string())
                .str("dir", agreement_dir.display().to_string())
        )
    );
    outln!(
        "   {}",
        m.text(
            "cli-demo-d-day",
            &MsgArgs::new().str("day", d_date.to_string())
        )
    );
    outln!("   {}", m.plain("cli-demo-simulated-note"));

    let events = events_file(&a);
    let (reports, data_end) = match &events {
        Some(p) => {
            let i = osint(p, hash, d)?;
            outln!(
                "   {}",
                m.text(
                    "cli-demo-imported",
                    &MsgArgs::new()
                        .str("what", m.plain("cli-demo-ucdp"))
                        .str("file", p.display().to_string())
                        .str("rows", i.rows.to_string())
                        .str("events", i.events.to_string())
                        .str("reports", i.reports.len().to_string())
                        .str("before", i.before.to_string())
                        .str("after", i.after.to_string())
                )
            );
            let (Some((first, last)), Some(end)) = (i.range, i.end) else {
                return Err(miette!(
                    "{}: no UCDP fatal events from D-day ({d_date}) on: choose an earlier --d-day",
                    p.display()
                ));
            };
            outln!(
                "   {}",
                m.text(
                    "cli-demo-imported-range",
                    &MsgArgs::new()
                        .str("first", first.to_string())
                        .str("last", last.to_string())
                )
            );
            (i.reports, Some(end))
        }
        None => {
            outln!("   {}", m.plain("cli-demo-no-events"));
            (vec![], None)
        }
    };

    outln!("\n{}", m.plain("cli-demo-step-history"));
    let mut story = Story {
        s: Script::new(&agreement, hash, d),
        osint: reports.into_iter().peekable(),
        importer: example::key("osint.accord.example/importer"),
        imported: 0,
        marks: history::Marks::new(
            SIMULATED_NOTE,
            SIMULATED_REFERENCE,
            "SIMULATED: accord demo footage",
        ),
        routine_day: 0,
        allegations: false,
        m,
    };
    say(m, &story.s.adopt(), &m.plain("cli-demo-adoption"));
    for org in ["MISSION", "JCCC_UA", "JCCC_RU"] {
        say(
            m,
            &story.s.accredit(org, 1),
            &m.text("cli-demo-accredits", &MsgArgs::new().str("org", org)),
        );
    }
    // Each party's baseline: where its heavy weapons are stored, and which.
    for (w, what) in history::declarations(&mut story.s, &story.marks) {
        say(m, &w, &m.plain(&what));
    }
    // The Mission's patrols cover the Donbas, the security zone, the
    // crossings and the disengagement areas every day, and report it: what
    // its "no verified breach" rests on. They do not reach Kharkiv, Sumy or
    // Dnipropetrovsk oblasts, so the withdrawal from them stays *not
    // assessable* rather than kept.
    story.s.patrol(
        "MISSION/1",
        &[
            "donetsk",
            "luhansk",
            "zaporizhzhia",
            "kherson",
            "security_zone",
            "crossing_siversk",
            "crossing_toretsk",
            "crossing_orikhiv",
            "crossing_vasylivka",
            "disengagement_kupiansk",
            "disengagement_chasiv_yar",
            "disengagement_huliaipole",
        ],
    );
    outln!("   {}", m.plain("cli-demo-patrols"));
    story.hours(1.0);
    for who in ["UA", "RU", "MISSION"] {
        say(
            m,
            &certify(&mut story.s, "transition", "begin_verification", &[who]),
            &m.text("cli-demo-certifies-begin", &MsgArgs::new().str("who", who)),
        );
    }
    story.s.wait_hours(-1.0);
    story.days(10);
    story.hours(3.0);
    for (by, count, at) in [("RU", 139, STAROBILSK), ("UA", 52, STAROBILSK)] {
        say(
            m,
            &story.s.observe(
                "MISSION/1",
                "prisoner_exchange",
                at,
                json!({"released_by": by, "count": count}),
                simulated(json!({"sensor": "camera", "evidence": evidence()})),
            ),
            &m.text(
                "cli-demo-prisoners",
                &MsgArgs::new().str("count", count.to_string()).str("by", by),
            ),
        );
    }
    story.s.wait_hours(-3.0);
    story.days(5);
    report_phase(m, &story.s, "cli-demo-when-quiet");
    story.hours(2.0);
    say(
        m,
        &certify(&mut story.s, "transition", "ceasefire_verified", &["UA"]),
        &m.plain("cli-demo-ua-certifies-verified"),
    );
    say(
        m,
        &certify(
            &mut story.s,
            "transition",
            "ceasefire_verified",
            &["MISSION", "US"],
        ),
        &m.plain("cli-demo-others-certify-verified"),
    );
    story.s.wait_hours(-2.0);
    story.days(31);
    report_phase(m, &story.s, "cli-demo-when-verified");
    story.hours(1.0);
    say(
        m,
        &certify(&mut story.s, "tranche", "us_tranche_1", &["UA", "US"]),
        &m.plain("cli-demo-tranche-certified"),
    );
    story.s.wait_hours(-1.0);
    story.days(3);

    // The day of the breach.
    story.hours(2.0);
    say(
        m,
        &story.s.observe(
            "JCCC_UA/1",
            "weapon_sighting",
            HORLIVKA,
            json!({"system": "2S19 Msta-S", "calibre_mm": 152, "count": 4, "status": "in_violation_of_withdrawal_line"}),
            simulated(json!({"sensor": "uav", "evidence": evidence()})),
        ),
        &m.plain("cli-demo-howitzers"),
    );
    say(
        m,
        &story.s.observe(
            "MISSION/1",
            "freedom_of_movement",
            SIVERSK,
            json!({"restriction": "denial", "duration_minutes": 95}),
            simulated(json!({})),
        ),
        &m.plain("cli-demo-denied"),
    );
    story.hours(1.0);
    let attack = story.s.observe(
        "MISSION/1",
        "ceasefire_violation",
        KRAMATORSK,
        json!({"events": [{"type": "explosion", "count": 24, "weapon_class": "artillery_100mm", "direction": "incoming"}]}),
        simulated(json!({"sensor": "uav", "evidence": evidence(), "assessment": {"responsible": "RU", "confidence": "high", "basis": "crater analysis"}})),
    );
    say(m, &attack, &m.plain("cli-demo-impacts"));
    say(
        m,
        &story.s.observe(
            "MISSION/1",
            "civilian_casualties",
            KRAMATORSK,
            json!({"killed": 3, "injured": 11, "cause": "shelling"}),
            simulated(json!({"evidence": evidence()})),
        ),
        &m.plain("cli-demo-casualties"),
    );
    // Everything else a mission's daily report carries, that day.
    for (w, what) in history::full_day(&mut story.s, &story.marks) {
        say(m, &w, &m.plain(&what));
    }
    // From now on, one side's officers report the other's fire too.
    story.allegations = true;
    let breach_day = story.s.eval.periods().period_of(story.s.now);
    story.s.wait_hours(-3.0);
    story.days(1);
    report_phase(m, &story.s, "cli-demo-when-breach");
    story.hours(3.0);
    say(
        m,
        &certify(
            &mut story.s,
            "guarantee_decision",
            "collective_defence",
            &["UA", "US", "UK", "FR", "DE"],
        ),
        &m.plain("cli-demo-guarantee-decision"),
    );
    story.s.wait_hours(-3.0);
    // UNSCR 2231's clocks: the Joint Commission, the ministers with the
    // Advisory Board beside them, the Commission's five more days; then the
    // vote opens.
    story.days(36);
    story.hours(1.0);
    say(
        m,
        &certify(&mut story.s, "continue_relief", "us_tranche_1", &["US"]),
        &m.plain("cli-demo-continue-relief"),
    );
    story.s.wait_hours(-1.0);
    story.days(29);
    // The story's last day: again everything a daily report carries.
    story.hours(12.0);
    for (w, what) in history::full_day(&mut story.s, &story.marks) {
        say(m, &w, &m.plain(&what));
    }
    story.s.wait_hours(-12.0);
    story.days(1);
    report_phase(m, &story.s, "cli-demo-when-vote");
    // The story must not run past the data: its days would be evaluated
    // as if nothing had happened in them.
    if let Some(end) = data_end
        && story.s.now > end
    {
        return Err(miette!(
            "the UCDP fatal events end at {}, before the scripted story does ({}): choose a --d-day at least {} days before the end of the events",
            local(end),
            local(story.s.now),
            ((story.s.now - d).as_hours() + 23) / 24
        ));
    }
    // Then time runs on, with the open-source reports, to the end of the
    // data (or of --days, if that comes first), and never past it.
    let asked = a
        .days
        .map(|n| d + jiff::SignedDuration::from_hours(24 * i64::from(n)));
    let until = match (asked, data_end) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    };
    if let Some(until) = until {
        let mut n = 0;
        while story.s.now + jiff::SignedDuration::from_hours(24) <= until {
            story.days(1);
            n += 1;
        }
        if n > 0 {
            outln!(
                "   {}",
                m.text(
                    "cli-demo-more-days",
                    &MsgArgs::new().str("count", n.to_string())
                )
            );
        }
    }
    story.catch_up();
    let left = story.osint.len();
    outln!(
        "   {}",
        m.text(
            "cli-demo-log-ends",
            &MsgArgs::new()
                .str("time", local(story.s.now))
                .str(
                    "period",
                    story
                        .s
                        .eval
                        .state
                        .done
                        .map_or_else(|| m.plain("common-none"), |p| p.to_string())
                )
                .str(
                    "left",
                    if left > 0 {
                        m.text(
                            "cli-demo-left-out",
                            &MsgArgs::new().str("count", left.to_string()),
                        )
                    } else {
                        String::new()
                    }
                )
        )
    );
    outln!(
        "   {}",
        m.text(
            "cli-demo-entries",
            &MsgArgs::new()
                .str("count", story.s.entries.len().to_string())
                .str("imported", story.imported.to_string())
        )
    );

    outln!("\n{}", m.plain("cli-demo-step-log"));
    let log_dir = a.dir.join("log");
    write_log(&log_dir, &story.s.entries)?;
    outln!(
        "   {}",
        m.text(
            "cli-demo-log-written",
            &MsgArgs::new().str("dir", log_dir.display().to_string())
        )
    );

    let agreement_file = agreement_dir.join("agreement.toml");
    outln!("\n{}\n", m.plain("cli-demo-step-audit"));
    let mut written = vec![];
    // The report is written from the audit's own replay.
    let args = crate::audit_cmd::AuditArgs {
        agreement: agreement_file.clone(),
        amended: vec![],
        log: log_dir.display().to_string(),
        witnesses: vec![],
        since: None,
        policy: None,
        json: false,
        log_key: None,
        strict: false,
        expect: vec![],
        evidence: Some(a.dir.join("audit-evidence")),
        // The demonstration's log is made anew on every run: its auditor's
        // memory goes with it.
        state: Some(a.dir.join("auditor-state")),
        lang: a.lang,
    };
    crate::audit_cmd::run_then(args, |agreement, log, ev, source, witnessed| {
        outln!(
            "\n{}",
            m.text(
                "cli-demo-step-report",
                &MsgArgs::new().str("day", breach_day.to_string())
            )
        );
        for (format, ext) in [
            (crate::report_cmd::Format::Html, "html"),
            (crate::report_cmd::Format::Md, "md"),
        ] {
            let out = a.dir.join(format!("report-{breach_day}.{ext}"));
            // The report in the demo's language.
            let options = crate::report_cmd::Options {
                day: breach_day,
                span: accord_report::Span::Day,
                lang: m.lang(),
                format,
            };
            crate::report_cmd::write_with(agreement, log, ev, source, options, &out, witnessed)?;
            written.push(out);
        }
        Ok(())
    })?;
    for w in &written {
        outln!("   {}", w.display());
    }

    let ag = agreement_file.display();
    let lg = log_dir.display();
    outln!("\n{}", m.plain("cli-demo-where"));
    outln!(
        "   {}",
        m.text(
            "cli-demo-where-report",
            &MsgArgs::new().str("file", written[0].display().to_string())
        )
    );
    outln!(
        "   {}",
        m.text(
            "cli-demo-where-agreement",
            &MsgArgs::new().str("dir", agreement_dir.display().to_string())
        )
    );
    outln!("   accord status --agreement {ag} {lg}");
    outln!("   accord audit --agreement {ag} {lg}");
    outln!("   accord report --agreement {ag} {lg} --day {breach_day} --format html");
    outln!(
        "   accord log verify {lg}                {}",
        m.plain("cli-demo-where-verify")
    );
    Ok(())
}

fn kyiv() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/Kyiv").unwrap_or(jiff::tz::TimeZone::UTC)
}

/// A time as Kyiv's clocks showed it.
fn local(t: Timestamp) -> String {
    t.to_zoned_datetime(kyiv())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// The day, in Kyiv, a time falls on.
fn local_day(t: Timestamp) -> Date {
    t.to_zoned_datetime(kyiv()).date()
}

/// Evidence named by its SHA-256 (of a stand-in for the video: the demo
/// has no footage, and a placeholder digest would not count as evidence).
fn evidence() -> Value {
    let digest = accord::statement::Digest::of(b"SIMULATED: accord demo footage");
    json!([{"sha256": digest, "media_type": "video/mp4"}])
}

/// The state at a point of the story; `when` is the message saying which.
fn report_phase(m: &Messages, s: &Script<'_>, when: &str) {
    let st = s.eval.status();
    let join = |m: std::collections::BTreeMap<&str, &str>| {
        m.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // A trigger is shown with the entries that caused it, not the status
    // statement whose time closed the period.
    let causes: Vec<String> = st
        .guarantees
        .iter()
        .filter(|(_, g)| g.triggered.is_some() && !g.cause.is_empty())
        .map(|(id, g)| {
            let entries: Vec<String> = g.cause.iter().map(u64::to_string).collect();
            m.text(
                "cli-demo-triggered-by",
                &MsgArgs::new()
                    .str("id", id.clone())
                    .str("entries", entries.join(", ")),
            )
        })
        .collect();
    // Phases, tranches and guarantees by id and state name, as the
    // status's JSON has them: what a reader greps the log's statements for.
    outln!(
        "   {}",
        m.text(
            "cli-demo-phase",
            &MsgArgs::new()
                .str("when", m.plain(when))
                .str("time", Time(s.now).to_string())
                .str("phase", st.phase.id.as_deref().unwrap_or("none"))
                .str("relief", join(st.tranche_states()))
                .str("guarantee", join(st.guarantee_states()))
                .str("causes", causes.concat())
        )
    );
}

fn prepare_dir(dir: &Path) -> Result<()> {
    if dir.join(".accord-demo").exists() {
        std::fs::remove_dir_all(dir).into_diagnostic()?;
    } else if dir.exists() && std::fs::read_dir(dir).into_diagnostic()?.next().is_some() {
        return Err(miette!(
            "{} exists and is not an earlier demo; choose another place with --dir",
            dir.display()
        ));
    }
    std::fs::create_dir_all(dir).into_diagnostic()?;
    std::fs::write(
        dir.join(".accord-demo"),
        "made by `accord demo`; replaced by the next one\n",
    )
    .into_diagnostic()
}

/// The built-in agreement and its annex, as files a user can read and pass
/// to `accord check`, `status`, `audit` and `report`.
fn write_agreement(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir.join("annex")).into_diagnostic()?;
    std::fs::write(dir.join("agreement.toml"), example::AGREEMENT_TOML).into_diagnostic()?;
    for (path, text) in example::ANNEX {
        std::fs::write(dir.join(path), text).into_diagnostic()?;
    }
    Ok(())
}

fn write_log(dir: &Path, entries: &[Vec<u8>]) -> Result<()> {
    let key = example::key("log.mission.accord.example/log");
    let storage = Arc::new(DirStorage::new(dir).map_err(|e| miette!("{e}"))?);
    let mut log = Log::create(storage.clone(), key.clone()).map_err(|e| miette!("{e}"))?;
    crate::keys::write_secret_key(&dir.join(".tlog/log.key"), &key)?;
    write_config(
        storage.as_ref(),
        &tlog_s3::Location::Dir(dir.to_path_buf()),
        &LogConfig {
            origin: key.name().into(),
            vkey: key.verifier().to_string(),
            key: ".tlog/log.key".into(),
        },
    )?;
    for chunk in entries.chunks(16_384) {
        log.append_batch(chunk).map_err(|e| miette!("{e}"))?;
    }
    Ok(())
}
