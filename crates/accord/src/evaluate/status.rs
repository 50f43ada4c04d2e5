//! What the evaluator says, at a log size: the status that parties,
//! guarantors and the public read, and that the operator's status statements
//! are held to. Everything is in maps sorted by name, so that its canonical
//! JSON (and so its SHA-256) is the same on every machine.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::statement::{Digest, Time};
pub use crate::vocab::Verdict;

/// A moment in the log: when (the log's clock) and at which entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct At {
    pub time: Time,
    pub index: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Status {
    pub agreement: Option<Digest>,
    pub log_size: u64,
    /// The log's clock: the latest `issued_at` of an accepted statement.
    pub clock: Option<Time>,
    pub adopted: Option<At>,
    /// The latest reporting period that has ended, and the current one.
    pub last_complete_period: Option<String>,
    pub current_period: Option<String>,
    pub phase: PhaseStatus,
    pub clauses: BTreeMap<String, ClauseStatus>,
    pub clocks: BTreeMap<String, ClockStatus>,
    /// Where the monitors could see: what every "no verified breach" rests on.
    pub coverage: CoverageStatus,
    pub tranches: BTreeMap<String, TrancheStatus>,
    pub guarantees: BTreeMap<String, GuaranteeStatus>,
    pub observations: ObservationCounts,
    /// Accredited monitor keys, by organisation.
    pub monitors: BTreeMap<String, u64>,
    /// Entries that were not accepted, by reason.
    pub rejected: BTreeMap<String, u64>,
    /// Certifications waiting for signatures or conditions.
    pub pending: BTreeMap<String, Pending>,
    /// The ground as held: every change of who holds an area, in log
    /// order (left out while there is none, so that a status without one
    /// reads as it did before there were control statements).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ground: Vec<super::ControlChange>,
    /// The versions of the agreement that have judged the log, and
    /// amendments whose text could not be applied: left out until an
    /// amendment is accepted (see `super::versions`).
    #[serde(default, skip_serializing_if = "super::AgreementVersions::is_empty")]
    pub versions: super::AgreementVersions,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PhaseStatus {
    pub id: Option<String>,
    pub since: Option<At>,
    pub history: Vec<PhaseChange>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhaseChange {
    pub from: String,
    pub to: String,
    pub transition: String,
    pub at: At,
    /// The certification statements that made it (log indices).
    pub statements: Vec<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClauseStatus {
    /// No verified breach by any party it binds in the last complete period
    /// (null when not yet in force). Read [`ClauseStatus::verdict`] for what
    /// that rests on.
    pub kept: Option<bool>,
    /// The gravest of the parties' verdicts in the last complete period
    /// (null when not yet in force).
    pub verdict: Option<Verdict>,
    /// Reports of the last complete period that no party is held
    /// responsible for, and that the clause's metrics would count if one
    /// were (log indices): what happened, though no verdict can name who.
    #[serde(default)]
    pub unattributed: Vec<u64>,
    pub by_party: BTreeMap<String, PartyClause>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PartyClause {
    /// No verified breach in the last complete period.
    pub kept: Option<bool>,
    /// What can be said of the last complete period.
    pub verdict: Option<Verdict>,
    /// The metrics of the last complete period, on verified observations.
    pub metrics: BTreeMap<String, i64>,
    /// The same metrics counting every report not withdrawn, verified or
    /// not: beside every verified figure, what was reported.
    pub reported: BTreeMap<String, i64>,
    /// Reports in the last complete period, not (yet) verified, that the
    /// metrics would count if they were (log indices).
    pub allegations: Vec<u64>,
    /// Periods with a verified breach (for a positive obligation: periods
    /// past its deadline without it verified as done).
    pub breaches: u64,
    pub last_breach: Option<String>,
    /// Periods since the clause took effect, by verdict.
    pub periods: BTreeMap<Verdict, u64>,
    /// Periods whose result changed after they ended (late reports).
    pub revised: u64,
}

/// A clock: consecutive periods in which its condition held, and how many
/// of them could be assessed. Conditions read `assessed`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockStatus {
    /// Consecutive periods in which the condition held (e.g. days without a
    /// verified violation), whether or not anyone could see.
    pub days: u64,
    /// Of those, the periods in which the clauses it reads were assessable
    /// (covered by the monitors): what the clock counts.
    pub assessed: u64,
}

/// Where the monitors could see.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CoverageStatus {
    /// The last complete period: the zones covered and by whom (coverage
    /// statements, and first-hand reports by the mission or technical
    /// means).
    pub last_period: Option<PeriodCoverage>,
    /// Since the adoption: complete periods, and those with any coverage.
    pub periods: u64,
    pub periods_covered: u64,
    /// Since the adoption: complete periods in which each zone was covered.
    pub by_zone: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PeriodCoverage {
    pub period: String,
    pub zones: Vec<String>,
    pub organisations: Vec<String>,
    /// Coverage statements (log indices; the first 100).
    pub statements: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrancheState {
    Pending,
    InForce,
    /// A snapback dispute is running (joint commission, then ministers).
    InDispute,
    /// Dispute resolution is over: relief continues only if the quorum
    /// signs before the vote closes.
    InVote,
    SnappedBack,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrancheStatus {
    pub state: TrancheState,
    pub since: Option<At>,
    pub dispute: Option<SnapbackDispute>,
    pub history: Vec<TrancheChange>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapbackDispute {
    pub opened: At,
    /// What opened it, as the agreement says it: "notice signed by UK,
    /// US" (a notify quorum) or "condition `!clauses.x.kept_by.RU`" (the
    /// agreement's `when` held).
    pub opened_by: String,
    pub commission_until: Time,
    pub ministers_until: Time,
    pub vote_until: Time,
    /// Who has signed to continue relief.
    pub continue_signers: Vec<String>,
    /// Every stage of the dispute, in order (joint commission, ministers,
    /// the Advisory Board alongside them, the commission's review of its
    /// opinion, the continuation vote).
    #[serde(default)]
    pub stages: Vec<SnapbackStage>,
    /// Opened by condition on observations that can still be disputed:
    /// until when, as far as is known now (a dispute lodged in the window
    /// moves it to the dispute's deadline). Relief does not snap back while
    /// it is set; a dispute upheld may undo the opening. `None` once final
    /// (and for a notice).
    #[serde(default)]
    pub provisional_until: Option<Time>,
}

impl SnapbackDispute {
    /// When the continuation vote opens: dispute resolution is over.
    pub fn vote_opens(&self) -> Time {
        self.stages
            .iter()
            .find(|s| s.stage == "vote")
            .map_or(self.ministers_until, |s| s.from)
    }
}

/// One stage of a snapback dispute.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapbackStage {
    /// `joint_commission`, `ministers`, `advisory_board`,
    /// `commission_review` or `vote`.
    pub stage: String,
    pub from: Time,
    pub until: Time,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrancheChange {
    pub state: TrancheState,
    pub at: At,
    pub why: String,
    pub statements: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuaranteeState {
    Dormant,
    /// Triggered; the guarantors must decide by the deadline.
    Triggered,
    /// The deadline passed without a decision.
    Overdue,
    Decided,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GuaranteeStatus {
    pub state: GuaranteeState,
    pub triggered: Option<At>,
    pub consultation_due: Option<Time>,
    pub decided: Option<At>,
    /// The verified observations behind the trigger (log indices): those
    /// counted by the clause results the trigger reads.
    pub cause: Vec<u64>,
    pub history: Vec<GuaranteeChange>,
    /// Triggered on observations that can still be disputed: until when,
    /// as far as is known now. A dispute upheld in that time may undo the
    /// trigger. `None` once final.
    #[serde(default)]
    pub provisional_until: Option<Time>,
    /// What the guarantors decided: the `statement` of the certification
    /// whose signers made the decision quorum.
    #[serde(default)]
    pub decision: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GuaranteeChange {
    pub state: GuaranteeState,
    pub at: At,
    pub why: String,
    pub statements: Vec<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ObservationCounts {
    pub total: u64,
    pub verified: u64,
    /// Under a dispute not yet decided.
    pub disputed: u64,
    /// No longer counted: a dispute about them was upheld.
    pub withdrawn: u64,
    /// Counted without a party held responsible.
    pub unattributed: u64,
    pub by_category: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    pub signers: Vec<String>,
    pub statements: Vec<u64>,
    /// Why it has not taken effect yet.
    pub waiting_for: String,
}

impl TrancheState {
    /// Its name, as the status's JSON spells it.
    pub fn name(&self) -> &'static str {
        match self {
            TrancheState::Pending => "pending",
            TrancheState::InForce => "in_force",
            TrancheState::InDispute => "in_dispute",
            TrancheState::InVote => "in_vote",
            TrancheState::SnappedBack => "snapped_back",
        }
    }
}

impl GuaranteeState {
    /// Its name, as the status's JSON spells it.
    pub fn name(&self) -> &'static str {
        match self {
            GuaranteeState::Dormant => "dormant",
            GuaranteeState::Triggered => "triggered",
            GuaranteeState::Overdue => "overdue",
            GuaranteeState::Decided => "decided",
        }
    }
}

impl Status {
    /// Each tranche's state, by tranche.
    pub fn tranche_states(&self) -> BTreeMap<&str, &'static str> {
        self.tranches
            .iter()
            .map(|(k, v)| (k.as_str(), v.state.name()))
            .collect()
    }

    /// Each guarantee's state, by guarantee.
    pub fn guarantee_states(&self) -> BTreeMap<&str, &'static str> {
        self.guarantees
            .iter()
            .map(|(k, v)| (k.as_str(), v.state.name()))
            .collect()
    }

    /// The body of the operator's status statement about this status: its
    /// log size and digest, with the phase and tranches for people.
    pub fn statement_body(&self) -> serde_json::Value {
        serde_json::json!({
            "log_size": self.log_size,
            "status": self.digest(),
            "phase": self.phase.id.clone().unwrap_or_default(),
            "tranches": self.tranche_states(),
        })
    }

    /// The operator's status statement about this status (the status after
    /// its `log_size` entries), issued at `at`, to sign and append.
    pub fn statement(&self, agreement: Digest, at: Time) -> crate::statement::Statement {
        let v = serde_json::json!({"v": 1, "kind": "status", "agreement": agreement,
            "issued_at": at, "body": self.statement_body()});
        crate::statement::Statement::from_value(v).expect("a status's statement is well formed")
    }

    /// The status's canonical JSON (RFC 8785).
    pub fn canonical(&self) -> String {
        crate::jcs::to_string(&serde_json::to_value(self).expect("status serialises"))
    }

    /// What a status statement names: SHA-256 of the canonical JSON.
    pub fn digest(&self) -> Digest {
        Digest::of(self.canonical().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_names_are_the_json_names() {
        use GuaranteeState as G;
        use TrancheState as T;
        for t in [
            T::Pending,
            T::InForce,
            T::InDispute,
            T::InVote,
            T::SnappedBack,
        ] {
            assert_eq!(serde_json::to_value(&t).unwrap(), t.name());
        }
        for g in [G::Dormant, G::Triggered, G::Overdue, G::Decided] {
            assert_eq!(serde_json::to_value(&g).unwrap(), g.name());
        }
    }
}
