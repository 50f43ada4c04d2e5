//! The status as people read it: the phase, relief and guarantees, and a
//! table of clauses by party, in plain text for a terminal.

use std::fmt::Write as _;

use accord::agreement::Agreement;
use accord::evaluate::{GuaranteeState, Status, TrancheState};
use accord::text::printable;

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
            "  {} -> {} by {} at entry {} ({}), certified in entries {}",
            ch.from,
            ch.to,
            ch.transition,
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
                d.opened_by,
                d.opened.index,
                d.commission_until,
                d.ministers_until,
                d.vote_until,
                if d.continue_signers.is_empty() {
                    "nobody".to_string()
                } else {
                    d.continue_signers.join(", ")
                }
            );
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
        let _ = write!(o, "  {id:<24} {}", guarantee_word(&g.state));
        if let Some(t) = &g.triggered {
            let _ = write!(o, "; triggered at entry {} ({})", t.index, t.time);
        }
        if let Some(due) = &g.consultation_due {
            let _ = write!(o, "; decision due by {due}");
        }
        if let Some(d) = &g.decided {
            let _ = write!(o, "; decided at entry {}", d.index);
        }
        if !g.cause.is_empty() {
            let _ = write!(o, "; caused by entries {}", list(&g.cause));
        }
        let _ = writeln!(o);
    }
    // The clause table.
    let parties: Vec<&String> = a
        .parties
        .keys()
        .filter(|p| s.clauses.values().any(|c| c.by_party.contains_key(*p)))
        .collect();
    let _ = writeln!(
        o,
        "\nCOMPLIANCE in the last complete period ({})",
        s.last_complete_period.as_deref().unwrap_or("none yet")
    );
    let width = s.clauses.keys().map(String::len).max().unwrap_or(6).max(6);
    let _ = write!(o, "  {:<width$}", "clause");
    for p in &parties {
        let _ = write!(o, "  {:<22}", p);
    }
    let _ = writeln!(o);
    for (id, c) in &s.clauses {
        let _ = write!(o, "  {id:<width$}");
        for p in &parties {
            let cell = match c.by_party.get(*p) {
                None => "".to_string(),
                Some(pc) => {
                    let word = match pc.kept {
                        None => "not in force",
                        Some(true) => "kept",
                        Some(false) => "BROKEN",
                    };
                    if pc.breaches > 0 {
                        format!("{word} ({} breaches)", pc.breaches)
                    } else {
                        word.to_string()
                    }
                }
            };
            let _ = write!(o, "  {cell:<22}");
        }
        let _ = writeln!(o);
    }
    if !s.clocks.is_empty() {
        let _ = writeln!(o, "\nCLOCKS");
        for (id, days) in &s.clocks {
            let _ = writeln!(o, "  {id:<width$}  {days} days");
        }
    }
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
                "  {k}: signed by {}; waiting for {}",
                if p.signers.is_empty() {
                    "nobody".into()
                } else {
                    p.signers.join(", ")
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
    o
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
