//! The status as people read it: the phase, relief and guarantees, and a
//! table of clauses by party, in plain text for a terminal.

use std::fmt::Write as _;

use accord::agreement::Agreement;
use accord::evaluate::{
    ClockStatus, GuaranteeState, PartyClause, Rejected, Status, TrancheState, Verdict,
};
use accord::text::printable;

use crate::titles;

fn tranche_word(s: &TrancheState) -> &'static str {
    match s {
        TrancheState::Pending => "pending",
        TrancheState::InForce => "IN FORCE",
        TrancheState::InDispute => "in dispute (snapback)",
        TrancheState::InVote => "in vote (continue relief?)",
        TrancheState::SnappedBack => "SNAPPED BACK",
    }
}

fn guarantee_word(s: &GuaranteeState) -> &'static str {
    match s {
        GuaranteeState::Dormant => "dormant",
        GuaranteeState::Triggered => "TRIGGERED",
        GuaranteeState::Overdue => "OVERDUE (no decision by the deadline)",
        GuaranteeState::Decided => "decided",
    }
}

/// The status as a person reads it.
pub fn status(a: &Agreement, s: &Status) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}", a.title.get_ref());
    if let Some(h) = &s.agreement {
        let _ = writeln!(o, "agreement {h}");
    }
    let _ = writeln!(
        o,
        "log: {} entries; clock {}",
        s.log_size,
        s.clock.map(|c| c.to_string()).unwrap_or("-".into())
    );
    // Which text judges, once the agreement was amended; and, never
    // silently, amendments whose text was not given.
    for v in s.versions.in_force.iter().skip(1) {
        let _ = writeln!(
            o,
            "amended: version {} ({}) judges from entry {} ({})",
            printable(&v.version),
            v.hash,
            v.from,
            v.since
        );
    }
    for n in &s.versions.not_applied {
        let _ = writeln!(
            o,
            "NOT APPLIED: the amendment at entry {} to {}: {}",
            n.entry,
            n.hash,
            printable(&n.why)
        );
    }
    match &s.adopted {
        Some(at) => {
            let _ = writeln!(o, "adopted: {} (entry {})", at.time, at.index);
        }
        None => {
            let _ = writeln!(o, "adopted: not yet");
        }
    }
    let _ = writeln!(
        o,
        "reporting period: {} (last complete: {})",
        s.current_period.as_deref().unwrap_or("-"),
        s.last_complete_period.as_deref().unwrap_or("none yet")
    );
    let phase_title = |id: &str| {
        a.phases
            .get(id)
            .map(|p| p.title.get_ref().clone())
            .unwrap_or_else(|| id.to_string())
    };
    let _ = writeln!(o, "\nPHASE");
    match (&s.phase.id, &s.phase.since) {
        (Some(id), Some(since)) => {
            let _ = writeln!(
                o,
                "  {} ({id}) since {} (entry {})",
                phase_title(id),
                since.time,
                since.index
            );
        }
        (Some(id), None) => {
            let _ = writeln!(o, "  {} ({id})", phase_title(id));
        }
        _ => {
            let _ = writeln!(o, "  none");
        }
    }
    for ch in &s.phase.history {
        let _ = writeln!(
            o,
            "  {} -> {} at entry {} ({}), certified in entries {}",
            phase_title(&ch.from),
            phase_title(&ch.to),
            ch.at.index,
            ch.at.time,
            list(&ch.statements)
        );
    }
    let _ = writeln!(o, "\nRELIEF");
    for (id, t) in &s.tranches {
        let title = a
            .relief
            .get(id)
            .map(|t| t.title.get_ref().as_str())
            .unwrap_or("");
        let _ = write!(o, "  {id:<24} {:<28} {title}", tranche_word(&t.state));
        if let Some(since) = &t.since {
            let _ = write!(o, " (since entry {})", since.index);
        }
        let _ = writeln!(o);
        if let Some(d) = &t.dispute {
            let _ = writeln!(
                o,
                "  {:<24} snapback opened by {} at entry {}: commission until {}, ministers until {}, vote until {}; signed to continue: {}",
                "",
                titles::party(a, &d.opened_by),
                d.opened.index,
                d.commission_until,
                d.ministers_until,
                d.vote_until,
                if d.continue_signers.is_empty() {
                    "nobody".to_string()
                } else {
                    names(a, &d.continue_signers)
                }
            );
            if let Some(until) = &d.provisional_until {
                let _ = writeln!(
                    o,
                    "  {:<24} provisional until {until}: its cause can still be disputed",
                    ""
                );
            }
        }
        if let Some(last) = t.history.last() {
            let _ = writeln!(
                o,
                "  {:<24} last change: {} at entry {} ({}), statements {}",
                "",
                tranche_word(&last.state),
                last.at.index,
                last.why,
                list(&last.statements)
            );
        }
    }
    let _ = writeln!(o, "\nGUARANTEES");
    for (id, g) in &s.guarantees {
        let _ = write!(
            o,
            "  {} ({id}): {}",
            titles::guarantee(a, id),
            guarantee_word(&g.state)
        );
        // The entries that caused the trigger, not the one (often a status
        // statement) whose time closed the period they broke a clause in.
        match &g.triggered {
            Some(t) if !g.cause.is_empty() => {
                let _ = write!(
                    o,
                    "; triggered by entries {} (known at {}, entry {})",
                    list(&g.cause),
                    t.time,
                    t.index
                );
            }
            Some(t) => {
                let _ = write!(o, "; triggered at {} (entry {})", t.time, t.index);
            }
            None => {}
        }
        if let Some(due) = &g.consultation_due {
            let _ = write!(o, "; decision due by {due}");
        }
        if let Some(d) = &g.decided {
            let _ = write!(o, "; decided at entry {}", d.index);
        }
        if g.triggered.is_none() && !g.cause.is_empty() {
            let _ = write!(o, "; caused by entries {}", list(&g.cause));
        }
        if let Some(until) = &g.provisional_until {
            let _ = write!(o, "; provisional until {until}");
        }
        if let Some(text) = &g.decision {
            let _ = write!(o, "; decision: {}", accord::text::printable(text));
        }
        let _ = writeln!(o);
    }
    // What can be said of each clause, party by party.
    let _ = writeln!(
        o,
        "\nCOMPLIANCE in the last complete period ({})",
        s.last_complete_period.as_deref().unwrap_or("none yet")
    );
    for (id, c) in &s.clauses {
        let title = a
            .clauses
            .get(id)
            .map_or(id.as_str(), |c| c.title.get_ref().as_str());
        let _ = writeln!(o, "  {title} ({id})");
        if !c.unattributed.is_empty() {
            let n = c.unattributed.len();
            let _ = writeln!(
                o,
                "    {n} {} of the period attributed to no party, which would count if one were held responsible (entries {})",
                if n == 1 { "report" } else { "reports" },
                list(&c.unattributed)
            );
        }
        for (p, pc) in &c.by_party {
            let _ = writeln!(o, "    {}: {}", titles::party(a, p), party_clause(pc));
            let history = clause_history(pc);
            if !history.is_empty() {
                let _ = writeln!(o, "      {history}");
            }
        }
    }
    if !s.clocks.is_empty() {
        let _ = writeln!(o, "\nCLOCKS");
        for (id, clock) in &s.clocks {
            let title = a
                .clocks
                .get(id)
                .map_or(id.as_str(), |c| c.title.get_ref().as_str());
            let _ = writeln!(o, "  {title} ({id}): {}", clock_words(clock));
        }
    }
    let cov = &s.coverage;
    let _ = writeln!(o, "\nCOVERAGE");
    match &cov.last_period {
        Some(lp) => {
            let _ = writeln!(
                o,
                "  {}: {} covered by {}",
                lp.period,
                if lp.zones.is_empty() {
                    "places outside every zone".to_string()
                } else {
                    lp.zones
                        .iter()
                        .map(|z| zone_title(a, z))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                lp.organisations.join(", ")
            );
        }
        None => {
            let _ = writeln!(
                o,
                "  {}: nothing covered: no verdict of that period rests on what the monitors saw",
                s.last_complete_period
                    .as_deref()
                    .unwrap_or("no period ended yet")
            );
        }
    }
    let _ = writeln!(
        o,
        "  since the adoption: {} of {} periods with some coverage",
        cov.periods_covered, cov.periods
    );
    let ob = &s.observations;
    let _ = writeln!(
        o,
        "\nOBSERVATIONS: {} accepted, {} verified, {} under dispute, {} withdrawn after a dispute, {} unattributed",
        ob.total, ob.verified, ob.disputed, ob.withdrawn, ob.unattributed
    );
    if !s.pending.is_empty() {
        let _ = writeln!(o, "\nPENDING CERTIFICATIONS");
        for (k, p) in &s.pending {
            let _ = writeln!(
                o,
                "  {}: signed by {}; waiting for {}",
                titles::pending(a, k),
                if p.signers.is_empty() {
                    "nobody".into()
                } else {
                    names(a, &p.signers)
                },
                p.waiting_for
            );
        }
    }
    if !s.rejected.is_empty() {
        let _ = writeln!(o, "\nREFUSED ENTRIES");
        for (why, n) in &s.rejected {
            let _ = writeln!(o, "  {n:>8}  {why}");
        }
    }
    if !s.ground.is_empty() {
        let _ = writeln!(o, "\nGROUND AS HELD (changes of control)");
        for c in &s.ground {
            let _ = writeln!(
                o,
                "  {}: {} -> {} ({}), from {} (entry {})",
                c.area,
                c.from.as_deref().unwrap_or("no single holder"),
                c.to,
                c.basis.name(),
                c.at.time,
                list(&c.entries)
            );
        }
    }
    o
}

/// A party's result in the last complete period, in words: the verdict,
/// then each figure verified beside what was reported.
fn party_clause(pc: &PartyClause) -> String {
    let Some(verdict) = pc.verdict else {
        return "not in force".into();
    };
    let mut out = match verdict {
        Verdict::BreachVerified => "BREACH VERIFIED".to_string(),
        Verdict::Overdue => "OVERDUE: not verified as done".to_string(),
        v => v.words().to_string(),
    };
    let figures: Vec<String> = pc
        .metrics
        .iter()
        .map(|(k, v)| {
            let reported = pc.reported.get(k).copied().unwrap_or(*v);
            if reported == *v {
                format!("{k} {v}")
            } else {
                format!("{k} {v} verified, {reported} reported")
            }
        })
        .collect();
    if !figures.is_empty() {
        out.push_str(&format!(" ({})", figures.join("; ")));
    }
    if !pc.allegations.is_empty() {
        let n = pc.allegations.len();
        out.push_str(&format!(
            "; {n} {} not verified (entries {})",
            if n == 1 { "report" } else { "reports" },
            list(&pc.allegations)
        ));
    }
    out
}

/// A party's record under a clause since it took effect: what happened, and
/// when, rather than a bare count.
fn clause_history(pc: &PartyClause) -> String {
    let mut parts = Vec::new();
    let n = |v: Verdict| pc.periods.get(&v).copied().unwrap_or(0);
    let periods = |k: u64| if k == 1 { "period" } else { "periods" };
    let breaches = n(Verdict::BreachVerified);
    if breaches > 0 {
        parts.push(format!(
            "a verified breach in {breaches} {}{}",
            periods(breaches),
            pc.last_breach
                .as_deref()
                .map(|d| format!(", the last ending {d}"))
                .unwrap_or_default()
        ));
    }
    let overdue = n(Verdict::Overdue);
    if overdue > 0 {
        parts.push(format!("overdue in {overdue} {}", periods(overdue)));
    }
    for (v, what) in [
        (Verdict::AllegationsPending, "allegations pending"),
        (Verdict::NotAssessable, "not assessable"),
        (Verdict::NoVerifiedBreach, "no verified breach"),
        (Verdict::Fulfilled, "fulfilled"),
        (Verdict::NotYetDue, "not yet due"),
    ] {
        let k = n(v);
        if k > 0 {
            parts.push(format!("{what} in {k} {}", periods(k)));
        }
    }
    if pc.revised > 0 {
        parts.push(format!(
            "{} {} revised by late reports",
            pc.revised,
            periods(pc.revised)
        ));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("since it took effect: {}", parts.join("; "))
    }
}

/// A clock in words: what it counts and what that rests on ("days without
/// a verified violation, 12 of them with coverage").
fn clock_words(c: &ClockStatus) -> String {
    let periods = |k: u64| if k == 1 { "period" } else { "periods" };
    if c.days == 0 {
        return "0: its condition did not hold in the last period".into();
    }
    format!(
        "{}: held for {} consecutive {}, {} of them with coverage (the clock counts those)",
        c.assessed,
        c.days,
        periods(c.days),
        c.assessed
    )
}

/// A zone's title, or its id when it has none.
fn zone_title(a: &Agreement, id: &str) -> String {
    a.zones
        .get(id)
        .and_then(|z| z.title.as_ref())
        .map_or_else(|| id.to_string(), |t| t.get_ref().clone())
}

/// Parties and organisations by name, in a list.
fn names(a: &Agreement, ids: &[String]) -> String {
    ids.iter()
        .map(|id| titles::party(a, id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A short list of entry indices.
fn list(v: &[u64]) -> String {
    let mut s: Vec<String> = v.iter().take(8).map(u64::to_string).collect();
    if v.len() > 8 {
        s.push(format!("and {} more", v.len() - 8));
    }
    if s.is_empty() {
        "none".into()
    } else {
        s.join(", ")
    }
}

/// The refused entries the evaluator kept (`State::rejections`), by index
/// and reason: the first 20, and how many more (`total` counts them all).
/// Empty when none was refused.
pub fn refused_entries(rejections: &[(u64, Rejected)], total: u64) -> String {
    const SHOWN: usize = 20;
    let mut o = String::new();
    if rejections.is_empty() {
        return o;
    }
    let _ = writeln!(o, "\nREFUSED, BY ENTRY");
    for (index, why) in rejections.iter().take(SHOWN) {
        let _ = writeln!(o, "  entry {index}: {why}");
    }
    let more = total.saturating_sub(SHOWN.min(rejections.len()) as u64);
    if more > 0 {
        let _ = writeln!(o, "  and {more} more (`accord audit` lists every one)");
    }
    o
}
