//! A verified checkpoint held to a witness policy: the agreement's
//! `[witnesses]` (of the version in force at the checkpoint), or a C2SP
//! tlog-policy given instead. What every verifier (audit, status, report)
//! asks before it trusts a checkpoint no party has to take on the
//! operator's word.

use accord::agreement::Agreement;
use tlog_core::VerifierKey;
use tlog_core::checkpoint::SignedCheckpoint;
use tlog_core::policy::{Cosigner, Policy, PolicyError, Witnessed};

/// Which witness policy a checkpoint is held to.
#[derive(Clone, Copy, Debug, Default)]
pub enum PolicyChoice<'p> {
    /// The `[witnesses]` of the agreement in force at the checkpoint; an
    /// agreement without them requires no cosignature.
    #[default]
    Agreement,
    /// A policy given (say, a C2SP tlog-policy file), whatever the
    /// agreement says.
    Given(&'p Policy),
}

impl PolicyChoice<'_> {
    /// The policy to hold the checkpoint to under `agreement`, and whether
    /// it was given rather than the agreement's; `None`: no policy.
    pub fn resolve(&self, agreement: &Agreement) -> Option<(Policy, bool)> {
        match self {
            PolicyChoice::Agreement => agreement.witness_policy().map(|p| (p, false)),
            PolicyChoice::Given(p) => Some(((*p).clone(), true)),
        }
    }
}

/// What the witnesses did for a checkpoint, under a policy.
#[derive(Clone, Debug)]
pub struct WitnessCheck {
    pub policy: Policy,
    /// Whether the policy was given (a file) rather than the agreement's.
    pub given: bool,
    /// The policy's witnesses that validly cosigned, with their times
    /// (empty when the note could not be trusted: see `error`).
    pub cosigners: Vec<Cosigner>,
    /// Why the checkpoint does not satisfy the policy, if it does not.
    pub error: Option<PolicyError>,
}

impl WitnessCheck {
    /// Whether the checkpoint satisfies the policy (the quorum is met).
    pub fn met(&self) -> bool {
        self.error.is_none()
    }

    /// Where the policy came from, for people.
    pub fn whence(&self) -> &'static str {
        if self.given {
            "the policy given"
        } else {
            "the agreement's [witnesses]"
        }
    }
}

/// Checks a verified checkpoint against `policy`. A policy that names no
/// log is checked with the log's key, known from elsewhere (tlog-policy
/// allows it); one that names logs is held to them.
pub fn check(
    policy: &Policy,
    log_key: &VerifierKey,
    checkpoint: &SignedCheckpoint,
) -> Result<Witnessed, PolicyError> {
    let context = if policy.logs().is_empty() {
        std::slice::from_ref(log_key)
    } else {
        &[]
    };
    policy.check_with_logs(&checkpoint.to_bytes(), context)
}

/// [`check`], as a [`WitnessCheck`].
pub fn witness_check(
    policy: Policy,
    given: bool,
    log_key: &VerifierKey,
    checkpoint: &SignedCheckpoint,
) -> WitnessCheck {
    let (cosigners, error) = match check(&policy, log_key, checkpoint) {
        Ok(w) => (w.cosigners, None),
        Err(PolicyError::QuorumNotMet(u)) => {
            (u.cosigners.clone(), Some(PolicyError::QuorumNotMet(u)))
        }
        Err(e) => (Vec::new(), Some(e)),
    };
    WitnessCheck {
        policy,
        given,
        cosigners,
        error,
    }
}

/// A cosignature's time, for people: RFC 3339 in UTC.
pub fn when(timestamp: u64) -> String {
    i64::try_from(timestamp)
        .ok()
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .map(|t| t.to_string())
        .unwrap_or_else(|| format!("{timestamp} (seconds since 1970)"))
}

/// Who cosigned, for people: `kyiv at 2026-03-02T10:00:00Z, moscow at ...`.
pub fn cosigners_text(cosigners: &[Cosigner]) -> String {
    if cosigners.is_empty() {
        return "no witness of the policy".into();
    }
    cosigners
        .iter()
        .map(|c| {
            format!(
                "{} at {}",
                accord::text::printable(&c.name),
                when(c.timestamp)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A witness check as JSON, for `--json` outputs.
pub fn to_json(w: &WitnessCheck) -> serde_json::Value {
    use tlog_core::policy::PolicyError as E;
    let short = match &w.error {
        Some(E::QuorumNotMet(u)) => u
            .short
            .iter()
            .map(|s| {
                serde_json::json!({
                    "name": s.name,
                    "needed": s.needed,
                    "witnessed": s.witnessed,
                    "missing": s.missing,
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    serde_json::json!({
        "policy": if w.given { "given" } else { "agreement" },
        "quorum": w.policy.quorum(),
        "quorum_met": w.met(),
        "cosigners": w.cosigners.iter().map(|c| serde_json::json!({
            "name": c.name,
            "key": c.key.to_string(),
            "timestamp": c.timestamp,
            "time": when(c.timestamp),
        })).collect::<Vec<_>>(),
        "short": short,
        "error": w.error.as_ref().map(ToString::to_string),
    })
}
