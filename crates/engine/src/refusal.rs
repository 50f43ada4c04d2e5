//! A refusal as a person reads it: the evaluator's reason, and what to do
//! about it. The command line and the server say the same.

use accord::evaluate::Rejected;

/// Whether a refusal only means that more signatures are needed: a
/// statement still to be co-signed is not wrong yet.
pub fn needs_more_signatures(why: &Rejected) -> bool {
    matches!(
        why,
        Rejected::AdoptionUnsigned { .. }
            | Rejected::AccreditationQuorum { .. }
            | Rejected::DisputeQuorum { lodging: false }
            | Rejected::AmendmentQuorum
    )
}

/// The evaluator's reason, on one line, with what to do about it.
pub fn explain(why: &Rejected) -> String {
    let reason = why.to_string();
    match fix(why) {
        Some(f) => format!("{reason}; {f}"),
        None => reason,
    }
}

/// What to do about a refusal, where something can be done.
fn fix(why: &Rejected) -> Option<String> {
    Some(match why {
        Rejected::DatedAhead { latest, .. } => format!(
            "sign it with --issued-at {latest} or earlier, or log it once the log's clock has moved on"
        ),
        Rejected::UnknownSigner => "sign with a key of the agreement, or have the monitor's key accredited in the log first".into(),
        Rejected::BadSignature { .. } => "sign it again: a signature does not verify".into(),
        Rejected::Duplicate { .. } => "it counts once: there is nothing to log".into(),
        Rejected::Names { .. } => "use a name the agreement has (`accord check` lists the agreement's names)".into(),
        Rejected::BeforeAdoption => "the adoption must be logged first".into(),
        Rejected::OtherAgreement { .. } => "sign it under the agreement the log follows (--agreement)".into(),
        Rejected::ObservedLater { .. } => "an observation is issued after it was observed: check --at and --issued-at".into(),
        Rejected::NotAMonitor { .. } => "sign with a monitoring organisation's key or an accredited monitor's".into(),
        Rejected::AdoptionUnsigned { .. }
        | Rejected::AccreditationQuorum { .. }
        | Rejected::DisputeQuorum { .. }
        | Rejected::AmendmentQuorum => "co-sign it (`accord sign --cosign FILE`) until it has the signatures it needs".into(),
        _ => return None,
    })
}
