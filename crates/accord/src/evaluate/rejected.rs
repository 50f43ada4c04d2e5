//! Why an entry was refused, typed: the evaluator decides with these, the
//! audit matches on them, and text for people is made only when one is
//! shown ([`std::fmt::Display`]), with anything quoted from the entry made
//! printable (`crate::text`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::statement::{Digest, Time};
use crate::text::printable;

/// Why an entry was not accepted. [`Rejected::kind`] names the reason as
/// the status counts it (`rejected` in the status).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Rejected {
    /// Not a canonical signed statement: what was wrong.
    Malformed {
        detail: String,
    },
    /// A signature by a key the evaluator knows does not verify.
    BadSignature {
        by: String,
    },
    /// No signature is by a key of the agreement or an accredited monitor.
    UnknownSigner,
    OtherAgreement {
        agreement: Digest,
    },
    /// Made under a version of the agreement that an amendment replaced
    /// (`by`, at `entry`, when the log's clock was `since`), and issued
    /// after that: signed under a text no longer in force.
    Superseded {
        agreement: Digest,
        by: Digest,
        entry: u64,
        issued: Time,
        since: Time,
    },
    BeforeAdoption,
    AdoptedTwice,
    AdoptionUnsigned {
        missing: Vec<String>,
    },
    /// Issued later than the log's clock allows.
    DatedAhead {
        issued: Time,
        clock: Time,
        latest: Time,
        status: bool,
    },
    /// A name the agreement does not have: what the check said.
    Names {
        detail: String,
    },
    /// Coordinates that are not a place on Earth.
    Position {
        detail: String,
    },
    ObservedLater {
        observed: Time,
        issued: Time,
    },
    NotAMonitor {
        kind: SignedKind,
    },
    Duplicate {
        of: Duplicate,
    },
    /// Issued before the state it would change began: signed for the
    /// state before.
    Stale {
        issued: Time,
        before: StaleBefore,
        since: Time,
    },
    AccreditationQuorum {
        organisation: String,
    },
    AccreditationKey {
        detail: String,
    },
    /// A key of the agreement itself named as a monitor's.
    AccreditationOwnKey,
    AccreditationGranted {
        key: String,
        organisation: String,
    },
    AccreditationNotGranted {
        key: String,
    },
    UnknownObservation {
        digest: Digest,
    },
    SelfCorroboration {
        organisation: String,
    },
    NoDisputes,
    DisputeQuorum {
        lodging: bool,
    },
    DisputeLate,
    DisputeOpen,
    DisputeDecided,
    UnknownDispute {
        digest: Digest,
    },
    DisputeClosed,
    /// A resolution that meets the quorum only with the signature of the
    /// organisation that made the disputed report.
    DisputeAuthor {
        organisation: String,
    },
    AmendmentQuorum,
    /// A control statement under an agreement without `[control]`.
    NoControl,
    /// A control statement not signed as `[control] change` requires.
    ControlQuorum,
    /// A declaration of storage sites not signed by the party declaring.
    DeclarationSigner {
        party: String,
    },
    /// A declaration naming a storage site another party declared.
    SiteOfAnother {
        site: String,
        party: String,
    },
    NotTheOperator,
    StatusAhead {
        log_size: u64,
        index: u64,
    },
    /// Coverage by an organisation whose coverage cannot count: one that
    /// answers to a party, or an open-source dataset.
    CoverageNotIndependent {
        organisation: String,
    },
}

/// What a statement refused as `not a monitor` was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignedKind {
    Observation,
    Corroboration,
    Coverage,
}

/// What a duplicate repeats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "of", rename_all = "snake_case")]
pub enum Duplicate {
    /// A statement accepted at `entry`.
    Statement { entry: u64 },
    /// An observation in the log.
    Observation,
    /// A certification, with no signer not counted already.
    Certification,
    /// An organisation's disagreement with an observation.
    Dissent {
        organisation: String,
        observation: Digest,
    },
    /// An amendment to the same agreement, at `entry`.
    Amendment { to: Digest, entry: u64 },
}

/// The state a stale statement was signed before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum StaleBefore {
    /// A monitor key's accreditation last changed.
    Accreditation { key: String },
    /// The observation a dispute disputes was issued.
    Observation,
    /// The dispute a decision decides was lodged.
    Dispute,
    /// The state a certification acts on began (`what`: "phase
    /// verification began", "tranche t became snapped_back", ...).
    Certified { what: String },
    /// Who holds the area last changed (a control statement).
    Control { area: String },
    /// The declaration of a storage site in force was issued.
    Declaration { site: String },
}

impl Rejected {
    /// The reason's name, as the status counts refusals.
    pub fn kind(&self) -> &'static str {
        use Rejected::*;
        match self {
            Malformed { .. } => "malformed",
            BadSignature { .. } => "bad signature",
            UnknownSigner => "unknown signer",
            OtherAgreement { .. } => "other agreement",
            Superseded { .. } => "superseded",
            BeforeAdoption => "before adoption",
            AdoptedTwice => "adopted twice",
            AdoptionUnsigned { .. } => "adoption unsigned",
            DatedAhead { .. } => "dated ahead",
            Names { .. } => "names",
            Position { .. } => "position",
            ObservedLater { .. } => "observed later",
            NotAMonitor { .. } => "not a monitor",
            Duplicate { .. } => "duplicate",
            Stale { .. } => "stale",
            AccreditationQuorum { .. } => "accreditation quorum",
            AccreditationKey { .. } | AccreditationOwnKey => "accreditation key",
            AccreditationGranted { .. } => "accreditation grant",
            AccreditationNotGranted { .. } => "accreditation revoke",
            UnknownObservation { .. } => "unknown observation",
            SelfCorroboration { .. } => "self-corroboration",
            NoDisputes => "no disputes",
            DisputeQuorum { .. } => "dispute quorum",
            DisputeLate => "dispute late",
            DisputeOpen => "dispute open",
            DisputeDecided => "dispute decided",
            UnknownDispute { .. } => "unknown dispute",
            DisputeClosed => "dispute closed",
            DisputeAuthor { .. } => "dispute author",
            AmendmentQuorum => "amendment quorum",
            NoControl => "no control",
            ControlQuorum => "control quorum",
            DeclarationSigner { .. } => "declaration signer",
            SiteOfAnother { .. } => "site of another",
            NotTheOperator => "not the operator",
            StatusAhead { .. } => "status ahead",
            CoverageNotIndependent { .. } => "coverage not independent",
        }
    }

    /// Whether the operator should never have logged it, whoever signed
    /// it: a signature that does not verify, or no known signer.
    pub fn is_unloggable(&self) -> bool {
        matches!(
            self,
            Rejected::BadSignature { .. } | Rejected::UnknownSigner
        )
    }
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Rejected::*;
        let p = |s: &str| printable(s).into_owned();
        write!(f, "{}: ", self.kind())?;
        match self {
            Malformed { detail } => write!(f, "{}", p(detail)),
            BadSignature { by } => write!(f, "by {}", p(by)),
            UnknownSigner => write!(
                f,
                "no signature by a key of the agreement or an accredited monitor"
            ),
            OtherAgreement { agreement } => write!(f, "made under {agreement}"),
            Superseded {
                agreement,
                by,
                entry,
                issued,
                since,
            } => write!(
                f,
                "made under {agreement}, which the amendment at entry {entry} replaced by {by} at {since}; issued {issued}, after that"
            ),
            BeforeAdoption => write!(f, "the agreement is not adopted yet"),
            AdoptedTwice => write!(f, "the agreement was already adopted"),
            AdoptionUnsigned { missing } => write!(
                f,
                "needs every signatory, missing {}",
                p(&missing.join(", "))
            ),
            DatedAhead {
                issued,
                clock,
                latest,
                status,
            } => write!(
                f,
                "issued {issued}, {} after the log's clock {clock}: {} may be dated {latest} at the latest{}",
                duration(issued.0.as_second().saturating_sub(clock.0.as_second())),
                if *status {
                    "a status statement"
                } else {
                    "a statement"
                },
                if *status {
                    format!(
                        " (the next reporting cut-off, or {} hours ahead)",
                        super::MAX_AHEAD_HOURS
                    )
                } else {
                    format!(" (at most {} hours ahead)", super::MAX_AHEAD_HOURS)
                }
            ),
            Names { detail } | Position { detail } | AccreditationKey { detail } => {
                write!(f, "{}", p(detail))
            }
            ObservedLater { observed, issued } => {
                write!(f, "observed at {observed} but issued at {issued}")
            }
            NotAMonitor {
                kind: SignedKind::Observation,
            } => write!(
                f,
                "observations are signed by monitoring organisations or their accredited monitors"
            ),
            NotAMonitor {
                kind: SignedKind::Corroboration,
            } => write!(f, "corroborations are signed by monitors"),
            NotAMonitor {
                kind: SignedKind::Coverage,
            } => write!(f, "coverage is reported by monitors"),
            Duplicate { of } => match of {
                self::Duplicate::Statement { entry } => {
                    write!(
                        f,
                        "the same statement is already in the log (entry {entry})"
                    )
                }
                self::Duplicate::Observation => {
                    write!(f, "the same observation is already in the log")
                }
                self::Duplicate::Certification => write!(
                    f,
                    "the same certification, with no new signer, is already in the log"
                ),
                self::Duplicate::Dissent {
                    organisation,
                    observation,
                } => write!(
                    f,
                    "{} has already disagreed with {observation}",
                    p(organisation)
                ),
                self::Duplicate::Amendment { to, entry } => write!(
                    f,
                    "the amendment to {to} is already in the log (entry {entry})"
                ),
            },
            Stale {
                issued,
                before,
                since,
            } => match before {
                StaleBefore::Accreditation { key } => write!(
                    f,
                    "issued {issued} before {}'s accreditation last changed, at {since}",
                    p(key)
                ),
                StaleBefore::Observation => write!(
                    f,
                    "issued {issued} before the observation it disputes ({since})"
                ),
                StaleBefore::Dispute => write!(
                    f,
                    "issued {issued} before the dispute it decides was lodged ({since})"
                ),
                StaleBefore::Control { area } => write!(
                    f,
                    "issued {issued} before who holds {} last changed, at {since}",
                    p(area)
                ),
                StaleBefore::Declaration { site } => write!(
                    f,
                    "issued {issued} before the declaration of site {} in force, issued {since}",
                    p(site)
                ),
                StaleBefore::Certified { what } => write!(
                    f,
                    "issued {issued} before {} at {since}; it was signed for the state before",
                    p(what)
                ),
            },
            AccreditationQuorum { organisation } => write!(
                f,
                "not signed as [accreditation] requires for {}",
                p(organisation)
            ),
            AccreditationOwnKey => write!(f, "a key of the agreement itself cannot be a monitor's"),
            AccreditationGranted { key, organisation } => write!(
                f,
                "{} is already accredited (for {})",
                p(key),
                p(organisation)
            ),
            AccreditationNotGranted { key } => write!(f, "{} is not accredited", p(key)),
            UnknownObservation { digest } => {
                write!(f, "{digest} is not an observation in the log")
            }
            SelfCorroboration { organisation } => {
                write!(f, "{} reported or corroborated it already", p(organisation))
            }
            NoDisputes => write!(f, "the agreement provides none"),
            DisputeQuorum { lodging: true } => {
                write!(f, "not lodged by whom [verification.disputes] says")
            }
            DisputeQuorum { lodging: false } => write!(f, "not signed by whom it needs"),
            DisputeLate => write!(f, "the window for disputing it has closed"),
            DisputeOpen => write!(f, "it is already disputed"),
            DisputeDecided => write!(f, "it was disputed already, and that is settled"),
            UnknownDispute { digest } => write!(f, "{digest}"),
            DisputeClosed => write!(f, "it was already decided"),
            DisputeAuthor { organisation } => write!(
                f,
                "{} made the disputed report and does not decide the dispute; without its signature the resolution is not signed by whom it needs",
                p(organisation)
            ),
            AmendmentQuorum => write!(f, "not signed by whom [amendments] requires"),
            NoControl => write!(
                f,
                "the agreement has no [control] section: it provides for no change of who holds an area"
            ),
            ControlQuorum => write!(f, "not signed by whom [control] change requires"),
            DeclarationSigner { party } => write!(
                f,
                "a declaration of {}'s storage sites is signed by {} itself",
                p(party),
                p(party)
            ),
            SiteOfAnother { site, party } => write!(
                f,
                "site {} was declared by {}: a party declares only its own sites",
                p(site),
                p(party)
            ),
            NotTheOperator => write!(f, "status statements are signed by the log's operator"),
            StatusAhead { log_size, index } => {
                write!(f, "about {log_size} entries, but it is entry {index}")
            }
            CoverageNotIndependent { organisation } => write!(
                f,
                "{} answers to a party or is an open-source dataset; what the monitors of a mission or technical means covered is what a verdict rests on",
                p(organisation)
            ),
        }
    }
}

impl std::error::Error for Rejected {}

/// A length of time for people: "30 hours", "2 hours 5 minutes".
fn duration(seconds: i64) -> String {
    let (hours, minutes) = (seconds / 3600, seconds % 3600 / 60);
    let h = if hours == 1 {
        "1 hour".to_string()
    } else {
        format!("{hours} hours")
    };
    match minutes {
        0 => h,
        1 => format!("{h} 1 minute"),
        m => format!("{h} {m} minutes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_made_printable_and_names_the_kind_first() {
        let r = Rejected::Names {
            detail: "`\u{1b}[2J` is not a party".into(),
        };
        assert_eq!(r.kind(), "names");
        assert_eq!(r.to_string(), "names: `\\u{1b}[2J` is not a party");
        let r = Rejected::Duplicate {
            of: Duplicate::Statement { entry: 4 },
        };
        assert_eq!(
            r.to_string(),
            "duplicate: the same statement is already in the log (entry 4)"
        );
        let t = |s: &str| Time(s.parse().unwrap());
        let r = Rejected::DatedAhead {
            issued: t("2026-03-05T10:00:00Z"),
            clock: t("2026-03-04T04:00:00Z"),
            latest: t("2026-03-05T04:00:00Z"),
            status: false,
        };
        assert_eq!(
            r.to_string(),
            "dated ahead: issued 2026-03-05T10:00:00Z, 30 hours after the log's clock 2026-03-04T04:00:00Z: a statement may be dated 2026-03-05T04:00:00Z at the latest (at most 24 hours ahead)"
        );
    }
}
