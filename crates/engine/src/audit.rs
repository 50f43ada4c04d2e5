//! The audit: everything a party, a guarantor or a journalist needs to hold
//! a log and its operator to account, from the public log alone.
//!
//! [`audit`] verifies the checkpoint (the log's signature, the witnesses'
//! cosignatures), every hash tile, consistency with an earlier checkpoint
//! and with the one remembered from an earlier run; replays the evaluator
//! over every entry, each read once and checked against the verified tree;
//! and compares the replay with everything the operator signed. What it
//! finds is a list of typed [`Finding`]s, each with its evidence (the
//! entry, proved against the verified checkpoint, and what the replay
//! found), for a front end to show and keep. It prints nothing and writes
//! nothing.

use std::collections::BTreeMap;

use accord::agreement::Agreement;
use accord::evaluate::{Claim, FieldMismatch, Prepared, Rejected, Status, Versions};
use accord::statement::{Body, Digest, SignedStatement, StatementError};
use tlog_core::VerifierKey;
use tlog_core::client::{TileReader, TileSource};
use tlog_core::proof::{ProvedEntry, prove};
use tlog_core::verify::{VerifiedLog, VerifyError};

use crate::gossip::{self, Gossip, GossipError};
use crate::remembered::{self, Seen};
use crate::replay::{ReplayOptions, Replayed, replay_versions_with, verify_log};
use crate::witnessed::{PolicyChoice, WitnessCheck, witness_check};
use tlog_core::policy::{Cosigner, PolicyError, Shortfall};

/// What to audit against.
pub struct AuditOptions<'o> {
    /// The log's key.
    pub log_key: &'o VerifierKey,
    /// Witnesses that must all have cosigned the checkpoint (besides the
    /// witness policy: see [`audit_versions_with_policy`]).
    pub witnesses: &'o [VerifierKey],
    /// Another party's checkpoint of this log (signed note), to compare
    /// with: gossip (see [`crate::gossip`]). A conflict is a split view.
    pub since: Option<&'o [u8]>,
    /// The checkpoint this auditor remembers from an earlier run, if any:
    /// the log must be consistent with it (see [`remembered`]).
    pub remembered: Option<&'o [u8]>,
    /// Statements that must be in the log, with every signature they carry.
    pub expect: &'o [Expected],
    pub replay: ReplayOptions<'o>,
}

/// A statement that must be in the log (a monitor's own report, a
/// party's certification), as its signers have it.
#[derive(Debug, Clone)]
pub struct Expected {
    /// What to call it (a file's name, say).
    pub name: String,
    pub digest: Digest,
    pub statement: SignedStatement,
}

impl Expected {
    pub fn new(name: impl Into<String>, bytes: &[u8]) -> Result<Expected, StatementError> {
        let statement = SignedStatement::parse(bytes)?;
        Ok(Expected {
            name: name.into(),
            digest: statement.digest(),
            statement,
        })
    }

    fn lines(&self) -> Vec<Line> {
        lines(&self.statement.note)
    }
}

/// A signature line: key name, key ID, signature.
type Line = (String, u32, Vec<u8>);

fn lines(note: &tlog_core::Note) -> Vec<Line> {
    note.signatures()
        .iter()
        .map(|l| (l.name.clone(), l.key_id, l.signature.clone()))
        .collect()
}

/// Something the audit found wrong, with what shows it.
#[derive(Debug)]
pub enum Finding {
    /// The log does not verify: its checkpoint (signature, a missing
    /// cosignature), a tile, an entry bundle, the root, or consistency
    /// with an earlier checkpoint.
    Log(VerifyError),
    /// Not the log seen before: two signed checkpoints that cannot be one
    /// history.
    Fork {
        why: String,
        remembered: Vec<u8>,
        served: Vec<u8>,
    },
    /// An entry the operator should never have logged, whoever signed it:
    /// a signature that does not verify, or no known signer.
    Unloggable {
        index: u64,
        why: Rejected,
        evidence: Option<ProvedEntry>,
    },
    /// More of them than are kept (the first 10,000).
    MoreUnloggable { count: u64 },
    /// An entry that bears the operator's valid signature but that the
    /// rules refuse: the operator answers for what it signs.
    RefusedOperatorStatement {
        index: u64,
        why: Rejected,
        evidence: Option<ProvedEntry>,
    },
    /// More of them than are kept (the first 10,000).
    MoreRefusedOperatorStatements { count: u64 },
    /// A status statement that does not hold: its digest, or a plain field,
    /// says something other than the replay.
    StatusFalse {
        claim: Claim,
        /// The status the replay found at the statement's `log_size`.
        replayed: Option<Box<Status>>,
        evidence: Option<ProvedEntry>,
    },
    /// A status statement about a size the replay did not keep.
    StatusUnchecked {
        claim: Claim,
        evidence: Option<ProvedEntry>,
    },
    /// A statement expected in the log (of `size` entries) is not in it.
    ExpectedMissing {
        name: String,
        digest: Digest,
        size: u64,
    },
    /// A statement expected in the log is in it without some of the
    /// signatures its signers gave it (key name and ID of each).
    ExpectedStripped {
        name: String,
        entries: Vec<u64>,
        missing: Vec<(String, u32)>,
    },
    /// Asked again for the evidence of a finding, the log served bytes its
    /// checkpoint does not commit to (it answers the same request
    /// differently): the entry, and why it could not be proved.
    ServedOtherBytes { failures: Vec<(u64, String)> },
    /// The checkpoint lacks the witness quorum: who did cosign, and which
    /// groups of the policy were short. The policy and the checkpoint are
    /// its evidence.
    Unwitnessed {
        quorum: String,
        cosigners: Vec<Cosigner>,
        short: Vec<Shortfall>,
        policy: String,
        checkpoint: Vec<u8>,
    },
    /// The checkpoint fails the witness policy otherwise: a cosignature by
    /// a witness of the policy that does not verify, or a log the policy
    /// does not name.
    WitnessPolicy {
        error: PolicyError,
        policy: String,
        checkpoint: Vec<u8>,
    },
    /// Another party's checkpoint of this log and this one, both signed by
    /// the log's key, cannot be one history: the operator showed two.
    SplitView {
        why: String,
        ours: Vec<u8>,
        theirs: Vec<u8>,
    },
    /// The checkpoint given to compare with (`since`) is not this log's.
    SinceUnusable { why: String },
}

/// An expected statement found in the log.
#[derive(Debug, Clone)]
pub struct ExpectedFound {
    pub name: String,
    pub entries: Vec<u64>,
    /// Those entries the evaluator refused, and why.
    pub refused: Vec<(u64, Rejected)>,
}

/// What an audit found.
pub struct AuditReport<'a> {
    /// The verified log (none if its checkpoint and tiles did not verify).
    pub log: Option<VerifiedLog>,
    /// How the checkpoint relates to the one remembered, if one was given.
    pub seen: Option<Seen>,
    /// How the log relates to the other party's checkpoint (`since`).
    pub since: Option<Gossip>,
    /// The checkpoint held to the witness policy, if there is one (the
    /// agreement's in force at the checkpoint, or the one given).
    pub witnesses: Option<WitnessCheck>,
    /// The replay (none if the log failed before it).
    pub replay: Option<Replayed<'a>>,
    pub findings: Vec<Finding>,
    /// Expected statements that are in the log, as they should be.
    pub expected: Vec<ExpectedFound>,
}

impl AuditReport<'_> {
    /// Whether the audit found nothing wrong.
    pub fn passed(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Audits a log under an agreement (checked, with its hash).
pub fn audit<'a, S: TileSource + Sync>(
    agreement: &'a Agreement,
    hash: Digest,
    source: &S,
    opts: &AuditOptions<'_>,
) -> AuditReport<'a> {
    audit_versions(&Versions::one(agreement, hash), source, opts)
}

/// [`audit`] under a chain of versions of the agreement: the adopted text
/// and the amended texts the log may adopt by amendment. The checkpoint is
/// held to the witness policy of the version in force at it.
pub fn audit_versions<'a, S: TileSource + Sync>(
    versions: &Versions<'a>,
    source: &S,
    opts: &AuditOptions<'_>,
) -> AuditReport<'a> {
    audit_versions_with_policy(versions, source, opts, PolicyChoice::Agreement)
}

/// [`audit_versions`], the checkpoint held to the witness policy chosen.
pub fn audit_versions_with_policy<'a, S: TileSource + Sync>(
    versions: &Versions<'a>,
    source: &S,
    opts: &AuditOptions<'_>,
    policy: PolicyChoice<'_>,
) -> AuditReport<'a> {
    let mut report = AuditReport {
        log: None,
        seen: None,
        since: None,
        witnesses: None,
        replay: None,
        findings: vec![],
        expected: vec![],
    };
    // 1. The log itself: checkpoint, tiles, consistency.
    let log = match verify_log(source, opts.log_key, opts.witnesses, None) {
        Ok(log) => log,
        Err(e) => {
            report.findings.push(Finding::Log(e));
            return report;
        }
    };
    if let Some(old) = opts.remembered {
        match remembered::check(source, opts.log_key, &log, old) {
            Ok(seen) => report.seen = Some(seen),
            Err(fork) => {
                report.findings.push(Finding::Fork {
                    why: fork.why,
                    remembered: old.to_vec(),
                    served: log.checkpoint().to_bytes(),
                });
                report.log = Some(log);
                return report;
            }
        }
    }

    if let Some(theirs) = opts.since {
        match gossip::compare(source, opts.log_key, &log, theirs) {
            Ok(g) => report.since = Some(g),
            Err(GossipError::SplitView(why)) => report.findings.push(Finding::SplitView {
                why,
                ours: log.checkpoint().to_bytes(),
                theirs: theirs.to_vec(),
            }),
            Err(GossipError::NotThisLog(why)) => {
                report.findings.push(Finding::SinceUnusable { why });
            }
        }
    }

    // 2. Every entry, replayed; the copies of expected statements noted as
    // they pass.
    let mut copies: BTreeMap<u64, (Digest, Vec<Line>)> = BTreeMap::new();
    let note_copies = |index: u64, p: &Prepared| {
        if let Ok(s) = &p.statement
            && opts.expect.iter().any(|w| w.digest == p.digest)
        {
            copies.insert(index, (p.digest, lines(&s.note)));
        }
    };
    let r = match replay_versions_with(versions, source, &log, &opts.replay, note_copies) {
        Ok(r) => r,
        Err(e) => {
            report.findings.push(Finding::Log(e.error));
            report.log = Some(log);
            return report;
        }
    };

    // The witnesses, under the version in force at the checkpoint (an
    // amendment may change them).
    if let Some((policy, given)) = policy.resolve(r.evaluator.agreement()) {
        let check = witness_check(policy, given, opts.log_key, log.checkpoint());
        let policy_text = check.policy.to_text();
        match &check.error {
            None => {}
            Some(PolicyError::QuorumNotMet(u)) => report.findings.push(Finding::Unwitnessed {
                quorum: u.quorum.clone(),
                cosigners: u.cosigners.clone(),
                short: u.short.clone(),
                policy: policy_text,
                checkpoint: log.checkpoint().to_bytes(),
            }),
            Some(e) => report.findings.push(Finding::WitnessPolicy {
                error: e.clone(),
                policy: policy_text,
                checkpoint: log.checkpoint().to_bytes(),
            }),
        }
        report.witnesses = Some(check);
    }

    // 3. What the replay found.
    let mut reader = TileReader::new(source);
    let mut unprovable: Vec<(u64, String)> = vec![];
    let mut evidence = |index: u64| match prove(&mut reader, &log, index) {
        Ok(p) => Some(p),
        Err(e) => {
            unprovable.push((index, e.to_string()));
            None
        }
    };
    let state = &r.evaluator.state;
    let by_operator: BTreeMap<u64, &Rejected> = state
        .operator_refusals
        .iter()
        .map(|r| (r.index, &r.why))
        .collect();
    for (index, why) in &state.unloggable {
        if !by_operator.contains_key(index) {
            report.findings.push(Finding::Unloggable {
                index: *index,
                why: why.clone(),
                evidence: evidence(*index),
            });
        }
    }
    for (index, why) in &by_operator {
        report.findings.push(Finding::RefusedOperatorStatement {
            index: *index,
            why: (*why).clone(),
            evidence: evidence(*index),
        });
    }
    let listed = state.unloggable.len() as u64;
    if state.unloggable_count > listed {
        report.findings.push(Finding::MoreUnloggable {
            count: state.unloggable_count - listed,
        });
    }
    let listed = state.operator_refusals.len() as u64;
    if state.operator_refused > listed {
        report
            .findings
            .push(Finding::MoreRefusedOperatorStatements {
                count: state.operator_refused - listed,
            });
    }
    for c in &state.claims {
        if c.holds() {
            continue;
        }
        let proved = evidence(c.index);
        report.findings.push(match c.computed {
            Some(_) => Finding::StatusFalse {
                claim: c.clone(),
                replayed: r.evaluator.found(c.index).cloned().map(Box::new),
                evidence: proved,
            },
            None => Finding::StatusUnchecked {
                claim: c.clone(),
                evidence: proved,
            },
        });
    }
    if !unprovable.is_empty() {
        report.findings.push(Finding::ServedOtherBytes {
            failures: unprovable,
        });
    }

    // 4. Statements that must be there, with every signature they carry:
    // a copy logged with a co-signer's line stripped is not the statement
    // its signers gave.
    for w in opts.expect {
        let logged: Vec<(u64, &Vec<Line>)> = copies
            .iter()
            .filter(|(_, (d, _))| *d == w.digest)
            .map(|(i, (_, l))| (*i, l))
            .collect();
        let entries: Vec<u64> = logged.iter().map(|(i, _)| *i).collect();
        let want = w.lines();
        // A certification's signers count in whichever entries they come;
        // any other statement must carry them all in one entry.
        let certification = matches!(w.statement.statement.body, Body::Certification(_));
        let missing: Vec<&Line> = if certification {
            want.iter()
                .filter(|l| !logged.iter().any(|(_, ls)| ls.contains(l)))
                .collect()
        } else {
            logged
                .iter()
                .map(|(_, ls)| want.iter().filter(|l| !ls.contains(l)).collect::<Vec<_>>())
                .min_by_key(Vec::len)
                .unwrap_or_default()
        };
        if logged.is_empty() {
            report.findings.push(Finding::ExpectedMissing {
                name: w.name.clone(),
                digest: w.digest,
                size: log.size(),
            });
        } else if !missing.is_empty() {
            report.findings.push(Finding::ExpectedStripped {
                name: w.name.clone(),
                entries,
                missing: missing.iter().map(|l| (l.0.clone(), l.1)).collect(),
            });
        } else {
            let refused = state
                .rejections
                .iter()
                .filter(|(i, _)| entries.contains(i))
                .cloned()
                .collect();
            report.expected.push(ExpectedFound {
                name: w.name.clone(),
                entries,
                refused,
            });
        }
    }
    report.log = Some(log);
    report.replay = Some(r);
    report
}

/// What a status statement's plain fields say against the replay, in
/// words.
fn fields_text(fields: &[FieldMismatch]) -> String {
    fields
        .iter()
        .map(|f| {
            format!(
                "{} `{}` where the replay finds `{}`",
                f.field,
                accord::text::printable(&f.claimed),
                f.replayed
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the replay found, in a few words.
fn summary(st: &Status) -> String {
    let tranches: Vec<String> = st
        .tranche_states()
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    format!(
        " (phase {}; {})",
        st.phase.id.as_deref().unwrap_or("none"),
        tranches.join(", ")
    )
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use accord::text::printable;
        match self {
            Finding::Log(e) => write!(f, "the log does not verify: {e}"),
            Finding::Fork { why, .. } => write!(
                f,
                "FORK: this log is not the one seen before: {why}. The operator has shown two histories"
            ),
            Finding::Unloggable { index, why, .. } => {
                write!(f, "entry {index} is in the log but {why}")
            }
            Finding::MoreUnloggable { count } => write!(
                f,
                "{count} more entries are in the log that should never have been (only the first 10,000 are listed)"
            ),
            Finding::RefusedOperatorStatement { index, why, .. } => write!(
                f,
                "entry {index} bears the operator's signature, but the evaluator refuses it: {why}"
            ),
            Finding::MoreRefusedOperatorStatements { count } => write!(
                f,
                "{count} more entries bear the operator's signature and are refused (only the first 10,000 are listed)"
            ),
            Finding::StatusFalse {
                claim: c, replayed, ..
            } => match c.computed {
                Some(d) if d != c.claimed => write!(
                    f,
                    "status statement at entry {} claims status {} for log size {}, but the replay finds {}{}",
                    c.index,
                    c.claimed,
                    c.log_size,
                    d,
                    replayed.as_deref().map(summary).unwrap_or_default()
                ),
                _ => write!(
                    f,
                    "status statement at entry {} names the right status digest for log size {}, but says {}",
                    c.index,
                    c.log_size,
                    fields_text(&c.fields)
                ),
            },
            Finding::StatusUnchecked { claim: c, .. } => write!(
                f,
                "status statement at entry {} about log size {} could not be checked",
                c.index, c.log_size
            ),
            Finding::ExpectedMissing { name, digest, size } => write!(
                f,
                "{} ({digest}) is NOT in the log of {size} entries",
                printable(name)
            ),
            Finding::ExpectedStripped {
                name,
                entries,
                missing,
            } => {
                let at: Vec<String> = entries.iter().map(u64::to_string).collect();
                let names: Vec<String> = missing
                    .iter()
                    .map(|(n, id)| format!("{}+{id:08x}", printable(n)))
                    .collect();
                write!(
                    f,
                    "{} is in the log (entry {}) but without the signature of {}: the statement was logged with a signer's line stripped",
                    printable(name),
                    at.join(", "),
                    names.join(", ")
                )
            }
            Finding::ServedOtherBytes { failures } => {
                let each: Vec<String> = failures
                    .iter()
                    .map(|(i, why)| format!("entry {i}: {why}"))
                    .collect();
                write!(
                    f,
                    "asked again for the evidence of what the replay found, the log served bytes its checkpoint does not commit to (it answers the same request differently): {}",
                    each.join("; ")
                )
            }
            Finding::Unwitnessed {
                quorum,
                cosigners,
                short,
                ..
            } => {
                let short: Vec<String> = short
                    .iter()
                    .map(|s| printable(&s.to_string()).into_owned())
                    .collect();
                write!(
                    f,
                    "NOT WITNESSED: the checkpoint lacks the witness quorum {}: cosigned by {}; short: {}",
                    printable(quorum),
                    crate::witnessed::cosigners_text(cosigners),
                    short.join("; ")
                )
            }
            Finding::WitnessPolicy { error, .. } => write!(
                f,
                "the checkpoint fails the witness policy: {}",
                printable(&error.to_string())
            ),
            Finding::SplitView { why, .. } => write!(
                f,
                "SPLIT VIEW: {why}. The operator has shown another party another history"
            ),
            Finding::SinceUnusable { why } => write!(
                f,
                "the checkpoint to compare with cannot be: {}",
                printable(why)
            ),
        }
    }
}

/// An entry and its proof, as files named `<prefix>-<index>.note` and
/// `.proof`.
fn proved(prefix: &str, p: &ProvedEntry) -> Vec<(String, Vec<u8>)> {
    vec![
        (format!("{prefix}-{}.note", p.index), p.entry.clone()),
        (format!("{prefix}-{}.proof", p.index), p.text().into_bytes()),
    ]
}

/// A status statement's files: the entry proved, and what it claimed.
fn status_files(claim: &Claim, evidence: Option<&ProvedEntry>) -> Vec<(String, Vec<u8>)> {
    let mut files = evidence.map(|p| proved("status", p)).unwrap_or_default();
    files.push((
        format!("status-{}.claimed.json", claim.index),
        claimed_json(evidence).into_bytes(),
    ));
    files
}

impl Finding {
    /// Its kind, as a stable name (for JSON).
    pub fn kind(&self) -> &'static str {
        match self {
            Finding::Log(_) => "log",
            Finding::Fork { .. } => "fork",
            Finding::Unloggable { .. } => "unloggable",
            Finding::MoreUnloggable { .. } => "more_unloggable",
            Finding::RefusedOperatorStatement { .. } => "refused_operator_statement",
            Finding::MoreRefusedOperatorStatements { .. } => "more_refused_operator_statements",
            Finding::StatusFalse { .. } => "status_false",
            Finding::StatusUnchecked { .. } => "status_unchecked",
            Finding::ExpectedMissing { .. } => "expected_missing",
            Finding::ExpectedStripped { .. } => "expected_stripped",
            Finding::ServedOtherBytes { .. } => "served_other_bytes",
            Finding::Unwitnessed { .. } => "unwitnessed",
            Finding::WitnessPolicy { .. } => "witness_policy",
            Finding::SplitView { .. } => "split_view",
            Finding::SinceUnusable { .. } => "since_unusable",
        }
    }

    /// The files that show it, to keep beside the checkpoint: each entry
    /// concerned with its C2SP tlog-proof, and for a status statement what
    /// it claimed and the status the replay found.
    pub fn evidence_files(&self) -> Vec<(String, Vec<u8>)> {
        match self {
            Finding::Unloggable {
                evidence: Some(p), ..
            }
            | Finding::RefusedOperatorStatement {
                evidence: Some(p), ..
            } => proved("entry", p),
            Finding::StatusFalse {
                claim,
                replayed,
                evidence,
            } => {
                let mut files = status_files(claim, evidence.as_ref());
                if let Some(st) = replayed {
                    files.push((
                        format!("status-{}.replayed.json", claim.index),
                        st.canonical().into_bytes(),
                    ));
                }
                files
            }
            Finding::StatusUnchecked { claim, evidence } => status_files(claim, evidence.as_ref()),
            Finding::Fork {
                remembered, served, ..
            } => vec![
                ("remembered.checkpoint".into(), remembered.clone()),
                ("served.checkpoint".into(), served.clone()),
            ],
            // The policy and the checkpoint: any C2SP tool can check the
            // one against the other.
            Finding::Unwitnessed {
                policy, checkpoint, ..
            }
            | Finding::WitnessPolicy {
                policy, checkpoint, ..
            } => vec![
                ("witness-policy.txt".into(), policy.clone().into_bytes()),
                ("unwitnessed.checkpoint".into(), checkpoint.clone()),
            ],
            Finding::SplitView {
                why, ours, theirs, ..
            } => vec![
                ("split-view-ours.checkpoint".into(), ours.clone()),
                ("split-view-theirs.checkpoint".into(), theirs.clone()),
                ("split-view.txt".into(), format!("{why}\n").into_bytes()),
            ],
            _ => vec![],
        }
    }
}

/// A status statement's body as it claims it, pretty.
fn claimed_json(evidence: Option<&ProvedEntry>) -> String {
    evidence
        .and_then(|p| SignedStatement::parse(&p.entry).ok())
        .and_then(|s| match s.statement.body {
            Body::Status(sc) => serde_json::to_string_pretty(&sc).ok(),
            _ => None,
        })
        .unwrap_or_default()
}
