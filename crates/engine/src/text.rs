//! The status as people read it: the phase, relief and guarantees, and a
//! table of clauses by party, in plain text for a terminal, in English,
//! Ukrainian or Russian (`accord_i18n`'s `status` messages; the
//! agreement's own words through `Agreement::text_in`).
//!
//! What the evaluator says in its own words (why an entry was refused, why
//! a tranche changed, who is still awaited) stays as it says it: those
//! are reasons it gives, in English, and are shown as given.

use std::fmt::Write as _;

use accord::agreement::{Agreement, Texts};
use accord::evaluate::{
    ClockStatus, GuaranteeState, PartyClause, Rejected, Status, TrancheState, Verdict,
};
use accord::text::printable;
use accord_i18n::{Args, Lang, Messages};

/// The messages of a language and the agreement's words in it.
struct Words<'a> {
    m: &'static Messages,
    t: Texts<'a>,
}

impl Words<'_> {
    fn say(&self, id: &str, args: Args) -> String {
        self.m.text(id, &args)
    }

    fn plain(&self, id: &str) -> String {
        self.m.plain(id)
    }

    /// A short list of entry indices: "3, 7, 9 and 4 more", or "none".
    fn list(&self, v: &[u64]) -> String {
        let mut s: Vec<String> = v.iter().take(8).map(u64::to_string).collect();
        if v.len() > 8 {
            s.push(self.say(
                "common-and-more",
                Args::new().num("count", (v.len() - 8) as i64),
            ));
        }
        if s.is_empty() {
            self.plain("common-none")
        } else {
            s.join(", ")
        }
    }

    /// Parties and organisations by name, in a list; "nobody" if empty.
    fn names(&self, ids: &[String]) -> String {
        if ids.is_empty() {
            return self.plain("common-nobody");
        }
        ids.iter()
            .map(|id| self.t.party_name(id).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn tranche_word(&self, s: &TrancheState) -> String {
        self.plain(match s {
            TrancheState::Pending => "status-tranche-pending",
            TrancheState::InForce => "status-tranche-in-force",
            TrancheState::InDispute => "status-tranche-in-dispute",
            TrancheState::InVote => "status-tranche-in-vote",
            TrancheState::SnappedBack => "status-tranche-snapped-back",
        })
    }

    fn guarantee_word(&self, s: &GuaranteeState) -> String {
        self.plain(match s {
            GuaranteeState::Dormant => "status-guarantee-dormant",
            GuaranteeState::Triggered => "status-guarantee-triggered",
            GuaranteeState::Overdue => "status-guarantee-overdue",
            GuaranteeState::Decided => "status-guarantee-decided",
        })
    }
}

/// The message id of a verdict's words, as every part of accord says it.
pub fn verdict_id(v: Verdict) -> &'static str {
    match v {
        Verdict::BreachVerified => "common-verdict-breach-verified",
        Verdict::Overdue => "common-verdict-overdue",
        Verdict::AllegationsPending => "common-verdict-allegations-pending",
        Verdict::NotAssessable => "common-verdict-not-assessable",
        Verdict::NoVerifiedBreach => "common-verdict-no-verified-breach",
        Verdict::Fulfilled => "common-verdict-fulfilled",
        Verdict::NotYetDue => "common-verdict-not-yet-due",
    }
}

/// The status as a person reads it, in English.
pub fn status(a: &Agreement, s: &Status) -> String {
    status_in(a, s, Lang::En)
}

/// The status as a person reads it, in `lang`.
pub fn status_in(a: &Agreement, s: &Status, lang: Lang) -> String {
    let w = Words {
        m: Messages::get(lang),
        t: a.text_in(lang.code()),
    };
    let none_yet = w.plain("common-none-yet");
    let mut o = String::new();
    let _ = writeln!(o, "{}", w.t.title());
    if let Some(h) = &s.agreement {
        let _ = writeln!(
            o,
            "{}",
            w.say("status-agreement", Args::new().str("hash", h.to_string()))
        );
    }
    let _ = writeln!(
        o,
        "{}",
        w.say(
            "status-log",
            Args::new().num("size", s.log_size as i64).str(
                "clock",
                s.clock.map(|c| c.to_string()).unwrap_or("-".into())
            )
        )
    );
    // Which text judges, once the agreement was amended; and, never
    // silently, amendments whose text was not given.
    for v in s.versions.in_force.iter().skip(1) {
        let _ = writeln!(
            o,
            "{}",
            w.say(
                "status-amended",
                Args::new()
                    .str("version", printable(&v.version))
                    .str("hash", v.hash.to_string())
                    .str("from", v.from.to_string())
                    .str("since", v.since.to_string())
            )
        );
    }
    for n in &s.versions.not_applied {
        let _ = writeln!(
            o,
            "{}",
            w.say(
                "status-not-applied",
                Args::new()
                    .str("entry", n.entry.to_string())
                    .str("hash", n.hash.to_string())
                    .str("why", printable(&n.why))
            )
        );
    }
    let adopted = match &s.adopted {
        Some(at) => w.say(
            "status-adopted",
            Args::new()
                .str("time", at.time.to_string())
                .str("entry", at.index.to_string()),
        ),
        None => w.plain("status-adopted-not-yet"),
    };
    let _ = writeln!(o, "{adopted}");
    let _ = writeln!(
        o,
        "{}",
        w.say(
            "status-reporting-period",
            Args::new()
                .str("current", s.current_period.as_deref().unwrap_or("-"))
                .str(
                    "last",
                    s.last_complete_period.as_deref().unwrap_or(&none_yet)
                )
        )
    );
    let _ = writeln!(o, "\n{}", w.plain("status-heading-phase"));
    match (&s.phase.id, &s.phase.since) {
        (Some(id), Some(since)) => {
            let _ = writeln!(
                o,
                "  {}",
                w.say(
                    "status-phase-since",
                    Args::new()
                        .str("title", w.t.phase_title(id))
                        .str("id", id.as_str())
                        .str("time", since.time.to_string())
                        .str("entry", since.index.to_string())
                )
            );
        }
        (Some(id), None) => {
            let _ = writeln!(
                o,
                "  {}",
                w.say(
                    "status-phase",
                    Args::new()
                        .str("title", w.t.phase_title(id))
                        .str("id", id.as_str())
                )
            );
        }
        _ => {
            let _ = writeln!(o, "  {}", w.plain("common-none"));
        }
    }
    for ch in &s.phase.history {
        let _ = writeln!(
            o,
            "  {}",
            w.say(
                "status-phase-change",
                Args::new()
                    .str("from", w.t.phase_title(&ch.from))
                    .str("to", w.t.phase_title(&ch.to))
                    .str("entry", ch.at.index.to_string())
                    .str("time", ch.at.time.to_string())
                    .str("entries", w.list(&ch.statements))
            )
        );
    }
    let _ = writeln!(o, "\n{}", w.plain("status-heading-relief"));
    for (id, t) in &s.tranches {
        let title = if a.relief.contains_key(id) {
            w.t.tranche_title(id)
        } else {
            ""
        };
        let _ = write!(o, "  {id:<24} {:<28} {title}", w.tranche_word(&t.state));
        if let Some(since) = &t.since {
            let _ = write!(
                o,
                " {}",
                w.say(
                    "status-tranche-since",
                    Args::new().str("entry", since.index.to_string())
                )
            );
        }
        let _ = writeln!(o);
        if let Some(d) = &t.dispute {
            let _ = writeln!(
                o,
                "  {:<24} {}",
                "",
                w.say(
                    "status-tranche-dispute",
                    Args::new()
                        .str("party", w.t.party_name(&d.opened_by))
                        .str("entry", d.opened.index.to_string())
                        .str("commission", d.commission_until.to_string())
                        .str("ministers", d.ministers_until.to_string())
                        .str("vote", d.vote_until.to_string())
                        .str("signers", w.names(&d.continue_signers))
                )
            );
            if let Some(until) = &d.provisional_until {
                let _ = writeln!(
                    o,
                    "  {:<24} {}",
                    "",
                    w.say(
                        "status-tranche-provisional",
                        Args::new().str("until", until.to_string())
                    )
                );
            }
        }
        if let Some(last) = t.history.last() {
            let _ = writeln!(
                o,
                "  {:<24} {}",
                "",
                w.say(
                    "status-tranche-last-change",
                    Args::new()
                        .str("state", w.tranche_word(&last.state))
                        .str("entry", last.at.index.to_string())
                        .str("why", last.why.to_string())
                        .str("entries", w.list(&last.statements))
                )
            );
        }
    }
    let _ = writeln!(o, "\n{}", w.plain("status-heading-guarantees"));
    for (id, g) in &s.guarantees {
        let _ = write!(
            o,
            "  {} ({id}): {}",
            w.t.guarantee_title(id),
            w.guarantee_word(&g.state)
        );
        // The entries that caused the trigger, not the one (often a status
        // statement) whose time closed the period they broke a clause in.
        match &g.triggered {
            Some(t) if !g.cause.is_empty() => {
                o.push_str(
                    &w.say(
                        "status-guarantee-triggered-by",
                        Args::new()
                            .str("entries", w.list(&g.cause))
                            .str("time", t.time.to_string())
                            .str("entry", t.index.to_string()),
                    ),
                );
            }
            Some(t) => {
                o.push_str(
                    &w.say(
                        "status-guarantee-triggered-at",
                        Args::new()
                            .str("time", t.time.to_string())
                            .str("entry", t.index.to_string()),
                    ),
                );
            }
            None => {}
        }
        if let Some(due) = &g.consultation_due {
            o.push_str(&w.say(
                "status-guarantee-due",
                Args::new().str("due", due.to_string()),
            ));
        }
        if let Some(d) = &g.decided {
            o.push_str(&w.say(
                "status-guarantee-decided-at",
                Args::new().str("entry", d.index.to_string()),
            ));
        }
        if g.triggered.is_none() && !g.cause.is_empty() {
            o.push_str(&w.say(
                "status-guarantee-caused-by",
                Args::new().str("entries", w.list(&g.cause)),
            ));
        }
        if let Some(until) = &g.provisional_until {
            o.push_str(&w.say(
                "status-guarantee-provisional",
                Args::new().str("until", until.to_string()),
            ));
        }
        if let Some(text) = &g.decision {
            o.push_str(&w.say(
                "status-guarantee-decision",
                Args::new().str("text", printable(text)),
            ));
        }
        let _ = writeln!(o);
    }
    // What can be said of each clause, party by party.
    let _ = writeln!(
        o,
        "\n{}",
        w.say(
            "status-heading-compliance",
            Args::new().str(
                "period",
                s.last_complete_period.as_deref().unwrap_or(&none_yet)
            )
        )
    );
    for (id, c) in &s.clauses {
        let _ = writeln!(o, "  {} ({id})", w.t.clause_title(id));
        if !c.unattributed.is_empty() {
            let _ = writeln!(
                o,
                "    {}",
                w.say(
                    "status-unattributed",
                    Args::new()
                        .num("count", c.unattributed.len() as i64)
                        .str("entries", w.list(&c.unattributed))
                )
            );
        }
        for (p, pc) in &c.by_party {
            let _ = writeln!(o, "    {}: {}", w.t.party_name(p), party_clause(&w, pc));
            let history = clause_history(&w, pc);
            if !history.is_empty() {
                let _ = writeln!(o, "      {history}");
            }
        }
    }
    if !s.clocks.is_empty() {
        let _ = writeln!(o, "\n{}", w.plain("status-heading-clocks"));
        for (id, clock) in &s.clocks {
            let _ = writeln!(
                o,
                "  {} ({id}): {}",
                w.t.clock_title(id),
                clock_words(&w, clock)
            );
        }
    }
    let cov = &s.coverage;
    let _ = writeln!(o, "\n{}", w.plain("status-heading-coverage"));
    match &cov.last_period {
        Some(lp) => {
            let zones = if lp.zones.is_empty() {
                w.plain("status-coverage-outside-zones")
            } else {
                lp.zones
                    .iter()
                    .map(|z| w.t.zone_title(z).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let _ = writeln!(
                o,
                "  {}",
                w.say(
                    "status-coverage",
                    Args::new()
                        .str("period", lp.period.to_string())
                        .str("zones", zones)
                        .str("organisations", w.names(&lp.organisations))
                )
            );
        }
        None => {
            let no_period = w.plain("status-coverage-no-period");
            let _ = writeln!(
                o,
                "  {}",
                w.say(
                    "status-coverage-none",
                    Args::new().str(
                        "period",
                        s.last_complete_period.as_deref().unwrap_or(&no_period)
                    )
                )
            );
        }
    }
    let _ = writeln!(
        o,
        "  {}",
        w.say(
            "status-coverage-since",
            Args::new()
                .num("covered", cov.periods_covered as i64)
                .num("periods", cov.periods as i64)
        )
    );
    let ob = &s.observations;
    let _ = writeln!(
        o,
        "\n{}",
        w.say(
            "status-observations",
            Args::new()
                .num("total", ob.total as i64)
                .num("verified", ob.verified as i64)
                .num("disputed", ob.disputed as i64)
                .num("withdrawn", ob.withdrawn as i64)
                .num("unattributed", ob.unattributed as i64)
        )
    );
    if !s.pending.is_empty() {
        let _ = writeln!(o, "\n{}", w.plain("status-heading-pending"));
        for (k, p) in &s.pending {
            let _ = writeln!(
                o,
                "  {}",
                w.say(
                    "status-pending",
                    Args::new()
                        .str("what", pending(a, &w, k))
                        .str("signers", w.names(&p.signers))
                        .str("waiting", p.waiting_for.clone())
                )
            );
        }
    }
    if !s.rejected.is_empty() {
        let _ = writeln!(o, "\n{}", w.plain("status-heading-refused"));
        for (why, n) in &s.rejected {
            let _ = writeln!(o, "  {:>8}  {why}", w.m.number(*n as i64));
        }
    }
    if !s.ground.is_empty() {
        let _ = writeln!(o, "\n{}", w.plain("status-heading-ground"));
        for c in &s.ground {
            let _ = writeln!(
                o,
                "  {}",
                w.say(
                    "status-ground",
                    Args::new()
                        .str("area", c.area.to_string())
                        .str(
                            "from",
                            c.from
                                .clone()
                                .unwrap_or_else(|| w.plain("status-ground-no-holder"))
                        )
                        .str("to", c.to.to_string())
                        .str("basis", c.basis.name())
                        .str("time", c.at.time.to_string())
                        .str("entries", w.list(&c.entries))
                )
            );
        }
    }
    o
}

/// A pending certification, stored as `kind:target`
/// (`tranche:us_tranche_1`): what it certifies, by title, with the target's
/// id as a certification names it.
fn pending(a: &Agreement, w: &Words<'_>, key: &str) -> String {
    let Some((of, target)) = key.split_once(':') else {
        return key.to_string();
    };
    let titled = |id: &str, title: &str| {
        w.say(
            id,
            Args::new()
                .str("title", title)
                .str("id", target.to_string()),
        )
    };
    match of {
        "transition" => match a.transitions.get(target) {
            Some(t) => w.say(
                "status-pending-transition",
                Args::new()
                    .str("from", w.t.phase_title(t.from.get_ref()))
                    .str("to", w.t.phase_title(t.to.get_ref()))
                    .str("id", target.to_string()),
            ),
            None => w.say(
                "status-pending-transition-unknown",
                Args::new().str("id", target.to_string()),
            ),
        },
        "tranche" => titled("status-pending-tranche", w.t.tranche_title(target)),
        "snapback_notice" => titled("status-pending-snapback-notice", w.t.tranche_title(target)),
        "continue_relief" => titled("status-pending-continue-relief", w.t.tranche_title(target)),
        "guarantee_decision" => titled(
            "status-pending-guarantee-decision",
            w.t.guarantee_title(target),
        ),
        _ => key.to_string(),
    }
}

/// A party's result in the last complete period, in words: the verdict,
/// then each figure verified beside what was reported.
fn party_clause(w: &Words<'_>, pc: &PartyClause) -> String {
    let Some(verdict) = pc.verdict else {
        return w.plain("common-verdict-not-in-force");
    };
    let mut out = match verdict {
        Verdict::BreachVerified => w.plain("status-verdict-breach-verified"),
        Verdict::Overdue => w.plain("status-verdict-overdue"),
        v => w.plain(verdict_id(v)),
    };
    let figures: Vec<String> = pc
        .metrics
        .iter()
        .map(|(k, v)| {
            let reported = pc.reported.get(k).copied().unwrap_or(*v);
            let args = Args::new()
                .str("metric", k.clone())
                .str("value", v.to_string());
            if reported == *v {
                w.say("status-figure", args)
            } else {
                w.say(
                    "status-figure-reported",
                    args.str("reported", reported.to_string()),
                )
            }
        })
        .collect();
    if !figures.is_empty() {
        out.push_str(&format!(" ({})", figures.join("; ")));
    }
    if !pc.allegations.is_empty() {
        out.push_str(
            &w.say(
                "status-not-verified",
                Args::new()
                    .num("count", pc.allegations.len() as i64)
                    .str("entries", w.list(&pc.allegations)),
            ),
        );
    }
    out
}

/// A party's record under a clause since it took effect: what happened, and
/// when, rather than a bare count.
fn clause_history(w: &Words<'_>, pc: &PartyClause) -> String {
    let mut parts = Vec::new();
    let n = |v: Verdict| pc.periods.get(&v).copied().unwrap_or(0);
    let count = |k: u64| Args::new().num("count", k as i64);
    let breaches = n(Verdict::BreachVerified);
    if breaches > 0 {
        parts.push(match pc.last_breach.as_deref() {
            Some(day) => w.say(
                "status-history-breach-last",
                count(breaches).str("day", day),
            ),
            None => w.say("status-history-breach", count(breaches)),
        });
    }
    let overdue = n(Verdict::Overdue);
    if overdue > 0 {
        parts.push(w.say("status-history-overdue", count(overdue)));
    }
    for (v, id) in [
        (
            Verdict::AllegationsPending,
            "status-history-allegations-pending",
        ),
        (Verdict::NotAssessable, "status-history-not-assessable"),
        (
            Verdict::NoVerifiedBreach,
            "status-history-no-verified-breach",
        ),
        (Verdict::Fulfilled, "status-history-fulfilled"),
        (Verdict::NotYetDue, "status-history-not-yet-due"),
    ] {
        let k = n(v);
        if k > 0 {
            parts.push(w.say(id, count(k)));
        }
    }
    if pc.revised > 0 {
        parts.push(w.say("status-history-revised", count(pc.revised)));
    }
    if parts.is_empty() {
        String::new()
    } else {
        w.say("status-history", Args::new().str("parts", parts.join("; ")))
    }
}

/// A clock in words: what it counts and what that rests on ("days without
/// a verified violation, 12 of them with coverage").
fn clock_words(w: &Words<'_>, c: &ClockStatus) -> String {
    if c.days == 0 {
        return w.plain("status-clock-zero");
    }
    w.say(
        "status-clock",
        Args::new()
            .num("assessed", c.assessed as i64)
            .num("days", c.days as i64),
    )
}

/// The refused entries the evaluator kept (`State::rejections`), by index
/// and reason, in English: the first 20, and how many more (`total` counts
/// them all). Empty when none was refused.
pub fn refused_entries(rejections: &[(u64, Rejected)], total: u64) -> String {
    refused_entries_in(rejections, total, Lang::En)
}

/// [`refused_entries`] in `lang` (the reasons stay the evaluator's words).
pub fn refused_entries_in(rejections: &[(u64, Rejected)], total: u64, lang: Lang) -> String {
    const SHOWN: usize = 20;
    let m = Messages::get(lang);
    let mut o = String::new();
    if rejections.is_empty() {
        return o;
    }
    let _ = writeln!(o, "\n{}", m.plain("status-heading-refused-by-entry"));
    for (index, why) in rejections.iter().take(SHOWN) {
        let _ = writeln!(
            o,
            "  {}",
            m.text(
                "status-refused-entry",
                &Args::new()
                    .str("entry", index.to_string())
                    .str("why", why.to_string())
            )
        );
    }
    let more = total.saturating_sub(SHOWN.min(rejections.len()) as u64);
    if more > 0 {
        let _ = writeln!(
            o,
            "  {}",
            m.text(
                "status-refused-more",
                &Args::new().num("count", more as i64)
            )
        );
    }
    o
}
