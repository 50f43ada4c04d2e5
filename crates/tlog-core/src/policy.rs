//! C2SP tlog-policy: which logs a verifier accepts, which witnesses it
//! knows, and the quorum of their cosignatures that makes a checkpoint
//! valid.
//!
//! ```text
//! log <vkey> [<url>]
//! witness <name> <vkey> [<url>]
//! group <name> all|any|<k> <name>...
//! quorum <name>
//! ```
//!
//! [`Policy::parse`] applies every rule of the spec and names the line and
//! what is wrong; [`Policy::to_text`] writes a policy that parses back to
//! itself; [`PolicyBuilder`] makes one under the same rules from other
//! sources (an agreement's `[witnesses]`). [`Policy::check`] verifies a
//! checkpoint note against it: the log's signature, every cosignature by a
//! known witness, and the quorum.
//!
//! Names are the spec's opaque octet strings; accord reads them as UTF-8
//! (a name or URL that is not is refused with a clear error), which
//! compares them byte for byte just the same. Each name is listed as a
//! group member at most once in the whole file, as the spec has it ("each
//! witness can contribute to ... the quorum in only one way"): the groups
//! form a tree, and evaluating one is linear in its size.

use std::collections::BTreeMap;
use std::fmt;

use crate::checkpoint::{CheckpointError, SignedCheckpoint};
use crate::cosignature::CosignerKey;
use crate::keys::{KeyError, KeyType, VerifierKey};
use crate::note::{NoteError, NoteVerifier};

/// The name the spec predefines: no cosignature is required.
pub const NONE: &str = "none";

/// A log the policy accepts checkpoints from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyLog {
    /// Its key (type 0x01); the key's name is the log's origin.
    pub key: VerifierKey,
    pub url: Option<String>,
}

/// A witness the policy knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyWitness {
    /// Its name in the policy (not the key's name).
    pub name: String,
    pub key: CosignerKey,
    /// Its tlog-witness submission prefix, for those who ask it to cosign.
    pub url: Option<String>,
}

/// How many of a group's members must have witnessed a checkpoint, as
/// written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Threshold {
    All,
    Any,
    AtLeast(usize),
}

impl Threshold {
    /// The number of members needed out of `n`.
    pub fn needed(self, n: usize) -> usize {
        match self {
            Threshold::All => n,
            Threshold::Any => 1,
            Threshold::AtLeast(k) => k,
        }
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Threshold::All => f.write_str("all"),
            Threshold::Any => f.write_str("any"),
            Threshold::AtLeast(k) => write!(f, "{k}"),
        }
    }
}

/// A group: witnessed when at least its threshold of members are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub threshold: Threshold,
    /// Witnesses and groups, each defined before the group.
    pub members: Vec<String>,
}

impl Group {
    /// How many members must have witnessed.
    pub fn needed(&self) -> usize {
        self.threshold.needed(self.members.len())
    }
}

/// What a name stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Node {
    None,
    Witness(usize),
    Group(usize),
}

/// A definition, in the order written (for [`Policy::to_text`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Item {
    Log(usize),
    Witness(usize),
    Group(usize),
    Quorum,
}

/// A valid policy. Two policies are equal when they say the same things in
/// the same order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    logs: Vec<PolicyLog>,
    witnesses: Vec<PolicyWitness>,
    groups: Vec<Group>,
    quorum: String,
    names: BTreeMap<String, Node>,
    order: Vec<Item>,
}

/// A rule of the spec broken, or a line accord cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("control character 0x{byte:02x} at column {column}: only tab and newline are allowed")]
    ControlCharacter { byte: u8, column: usize },
    #[error("{what} is not UTF-8: accord reads policy names and URLs as text")]
    NotUtf8 { what: &'static str },
    #[error("unknown keyword {0:?}: a line is `log`, `witness`, `group` or `quorum`")]
    UnknownKeyword(String),
    #[error("`{keyword}` line must be `{form}`")]
    Form {
        keyword: &'static str,
        form: &'static str,
    },
    #[error("log key {key:?}: {error}")]
    LogKey { key: String, error: KeyError },
    #[error("log key {key:?} is a cosignature key: a log signs with an Ed25519 (type 0x01) key")]
    LogKeyType { key: String },
    #[error("witness {name:?}: key {key:?}: {error}")]
    WitnessKey {
        name: String,
        key: String,
        error: KeyError,
    },
    #[error("the log key {key} is the same public key as the log key {first}, listed before")]
    DuplicateLog { key: String, first: String },
    #[error("witness {name:?} has the same public key as witness {first:?}")]
    DuplicateWitness { name: String, first: String },
    #[error("{0:?} is already defined")]
    DuplicateName(String),
    #[error("\"none\" is predefined: it cannot be defined again")]
    RedefinesNone,
    #[error("invalid name {0:?}: a name is non-empty, without whitespace or control characters")]
    BadName(String),
    #[error("invalid URL {0:?}: a URL is non-empty, without whitespace or control characters")]
    BadUrl(String),
    #[error("{0:?} is not defined on a line before")]
    Undefined(String),
    #[error("group {0:?} lists itself")]
    SelfMember(String),
    #[error("\"none\" cannot be a group member")]
    NoneAsMember,
    #[error("{name:?} is already a member of group {group:?}: each name is a member at most once")]
    MemberTwice { name: String, group: String },
    #[error("group {0:?} lists no member")]
    NoMembers(String),
    #[error("threshold {0:?} is not `all`, `any` or a decimal number")]
    BadThreshold(String),
    #[error("threshold {k} is out of range: a group of {n} needs 1 to {n}")]
    ThresholdRange { k: usize, n: usize },
    #[error("a second quorum line: a policy has exactly one")]
    QuorumTwice,
    #[error("no quorum line: a policy has exactly one (`quorum none` requires no cosignature)")]
    MissingQuorum,
}

/// A policy file that does not follow the spec: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The line (from 1), or `None` for the file as a whole (no quorum).
    pub line: Option<usize>,
    pub error: RuleError,
}

impl std::error::Error for ParseError {}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "policy line {l}: {}", self.error),
            None => write!(f, "policy: {}", self.error),
        }
    }
}

/// Makes a policy one definition at a time, under the spec's rules: each
/// call is a line of the file, in order.
#[derive(Debug, Default)]
pub struct PolicyBuilder {
    logs: Vec<PolicyLog>,
    witnesses: Vec<PolicyWitness>,
    groups: Vec<Group>,
    quorum: Option<String>,
    names: BTreeMap<String, Node>,
    /// Names already listed as a member, and the group listing them.
    members: BTreeMap<String, String>,
    order: Vec<Item>,
}

fn valid_token(s: &str) -> bool {
    !s.is_empty() && !s.bytes().any(|b| b <= b' ' || b == 0x7f)
}

impl PolicyBuilder {
    pub fn new() -> PolicyBuilder {
        PolicyBuilder::default()
    }

    fn check_url(url: Option<&str>) -> Result<(), RuleError> {
        match url {
            Some(u) if !valid_token(u) => Err(RuleError::BadUrl(u.to_string())),
            _ => Ok(()),
        }
    }

    fn define(&mut self, name: &str, node: Node) -> Result<(), RuleError> {
        if name == NONE {
            return Err(RuleError::RedefinesNone);
        }
        if !valid_token(name) {
            return Err(RuleError::BadName(name.to_string()));
        }
        if self.names.contains_key(name) {
            return Err(RuleError::DuplicateName(name.to_string()));
        }
        self.names.insert(name.to_string(), node);
        Ok(())
    }

    /// `log <vkey> [<url>]`.
    pub fn log(&mut self, key: VerifierKey, url: Option<String>) -> Result<&mut Self, RuleError> {
        if key.key_type() != KeyType::Ed25519 {
            return Err(RuleError::LogKeyType {
                key: key.to_string(),
            });
        }
        Self::check_url(url.as_deref())?;
        if let Some(first) = self
            .logs
            .iter()
            .find(|l| l.key.public_key().as_bytes() == key.public_key().as_bytes())
        {
            return Err(RuleError::DuplicateLog {
                key: key.to_string(),
                first: first.key.to_string(),
            });
        }
        self.order.push(Item::Log(self.logs.len()));
        self.logs.push(PolicyLog { key, url });
        Ok(self)
    }

    /// `witness <name> <vkey> [<url>]`.
    pub fn witness(
        &mut self,
        name: &str,
        key: CosignerKey,
        url: Option<String>,
    ) -> Result<&mut Self, RuleError> {
        Self::check_url(url.as_deref())?;
        // Duplicate keys are the same underlying public key, whatever the
        // key's name and ID.
        if let Some(first) = self
            .witnesses
            .iter()
            .find(|w| w.key.public_key_bytes() == key.public_key_bytes())
        {
            return Err(RuleError::DuplicateWitness {
                name: name.to_string(),
                first: first.name.clone(),
            });
        }
        self.define(name, Node::Witness(self.witnesses.len()))?;
        self.order.push(Item::Witness(self.witnesses.len()));
        self.witnesses.push(PolicyWitness {
            name: name.to_string(),
            key,
            url,
        });
        Ok(self)
    }

    /// `group <name> <threshold> <member>...`.
    pub fn group(
        &mut self,
        name: &str,
        threshold: Threshold,
        members: Vec<String>,
    ) -> Result<&mut Self, RuleError> {
        if members.is_empty() {
            return Err(RuleError::NoMembers(name.to_string()));
        }
        if let Threshold::AtLeast(k) = threshold
            && (k < 1 || k > members.len())
        {
            return Err(RuleError::ThresholdRange {
                k,
                n: members.len(),
            });
        }
        // Checked before the name is defined: a group cannot list itself.
        let mut listed: BTreeMap<&str, ()> = BTreeMap::new();
        for m in &members {
            if m == name {
                return Err(RuleError::SelfMember(name.to_string()));
            }
            match self.names.get(m.as_str()) {
                None if m == NONE => return Err(RuleError::NoneAsMember),
                None => return Err(RuleError::Undefined(m.clone())),
                Some(Node::None) => return Err(RuleError::NoneAsMember),
                Some(_) => {}
            }
            if let Some(g) = self.members.get(m.as_str()) {
                return Err(RuleError::MemberTwice {
                    name: m.clone(),
                    group: g.clone(),
                });
            }
            if listed.insert(m, ()).is_some() {
                return Err(RuleError::MemberTwice {
                    name: m.clone(),
                    group: name.to_string(),
                });
            }
        }
        self.define(name, Node::Group(self.groups.len()))?;
        for m in &members {
            self.members.insert(m.clone(), name.to_string());
        }
        self.order.push(Item::Group(self.groups.len()));
        self.groups.push(Group {
            name: name.to_string(),
            threshold,
            members,
        });
        Ok(self)
    }

    /// `quorum <name>`.
    pub fn quorum(&mut self, name: &str) -> Result<&mut Self, RuleError> {
        if self.quorum.is_some() {
            return Err(RuleError::QuorumTwice);
        }
        if name != NONE && !self.names.contains_key(name) {
            return Err(RuleError::Undefined(name.to_string()));
        }
        self.quorum = Some(name.to_string());
        self.order.push(Item::Quorum);
        Ok(self)
    }

    pub fn build(self) -> Result<Policy, RuleError> {
        let quorum = self.quorum.ok_or(RuleError::MissingQuorum)?;
        let mut names = self.names;
        names.insert(NONE.to_string(), Node::None);
        Ok(Policy {
            logs: self.logs,
            witnesses: self.witnesses,
            groups: self.groups,
            quorum,
            names,
            order: self.order,
        })
    }
}

/// A witness that validly cosigned a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cosigner {
    /// Its name in the policy.
    pub name: String,
    pub key: CosignerKey,
    /// When it cosigned (POSIX seconds), as its cosignature says.
    pub timestamp: u64,
}

/// A group (or the quorum's witness) that has not witnessed the
/// checkpoint: how many of its members it needs, how many have, and which
/// have not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shortfall {
    pub name: String,
    pub needed: usize,
    pub witnessed: usize,
    /// Members (witnesses or groups) that have not witnessed.
    pub missing: Vec<String>,
}

impl fmt::Display for Shortfall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} needs {}, has {} (not: {})",
            self.name,
            self.needed,
            self.witnessed,
            self.missing.join(", ")
        )
    }
}

/// A checkpoint the policy accepts.
#[derive(Clone, Debug)]
pub struct Witnessed {
    pub checkpoint: SignedCheckpoint,
    /// The policy's log that signed it.
    pub log: VerifierKey,
    /// The policy's witnesses that validly cosigned it, in policy order.
    pub cosigners: Vec<Cosigner>,
}

/// A checkpoint the quorum was not met for: who did cosign, and which
/// groups were short.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unwitnessed {
    pub quorum: String,
    pub cosigners: Vec<Cosigner>,
    /// Every group on the quorum's tree that is short, from the quorum down.
    pub short: Vec<Shortfall>,
}

impl fmt::Display for Unwitnessed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let who: Vec<&str> = self.cosigners.iter().map(|c| c.name.as_str()).collect();
        let short: Vec<String> = self.short.iter().map(ToString::to_string).collect();
        write!(
            f,
            "the witness quorum {:?} is not met: cosigned by {}; short: {}",
            self.quorum,
            if who.is_empty() {
                "no witness of the policy".to_string()
            } else {
                who.join(", ")
            },
            short.join("; ")
        )
    }
}

/// Why a checkpoint does not satisfy a policy.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PolicyError {
    #[error("not a checkpoint: {0}")]
    Checkpoint(CheckpointError),
    #[error("the policy names no log, and no log key was given to check the checkpoint with")]
    NoLog,
    #[error("the checkpoint's origin {origin:?} is not a log of the policy (logs: {})", .logs.join(", "))]
    UnknownLog { origin: String, logs: Vec<String> },
    #[error("the checkpoint is not signed by the log {0}")]
    NotSignedByLog(String),
    #[error(
        "the signature by {name} (key ID {key_id:08x}) does not verify: a note with a bad signature by a known key is refused whole"
    )]
    BadSignature { name: String, key_id: u32 },
    #[error("{0}")]
    QuorumNotMet(Box<Unwitnessed>),
}

impl Policy {
    /// Parses a policy file under every rule of the spec.
    pub fn parse(text: &[u8]) -> Result<Policy, ParseError> {
        let mut b = PolicyBuilder::new();
        let body = text.strip_suffix(b"\n").unwrap_or(text);
        for (i, raw) in body.split(|&c| c == b'\n').enumerate() {
            let line = i + 1;
            let at = |error| ParseError {
                line: Some(line),
                error,
            };
            if let Some(column) = raw
                .iter()
                .position(|&c| (c < 0x20 && c != b'\t') || c == 0x7f)
            {
                return Err(at(RuleError::ControlCharacter {
                    byte: raw[column],
                    column: column + 1,
                }));
            }
            let fields: Vec<&[u8]> = raw
                .split(|&c| c == b' ' || c == b'\t')
                .filter(|f| !f.is_empty())
                .collect();
            let Some((&keyword, args)) = fields.split_first() else {
                continue;
            };
            if keyword.starts_with(b"#") {
                continue;
            }
            let text = |f: &[u8], what| {
                std::str::from_utf8(f)
                    .map(str::to_string)
                    .map_err(|_| at(RuleError::NotUtf8 { what }))
            };
            let keyword = text(keyword, "the keyword")?;
            let args: Vec<String> = args
                .iter()
                .map(|a| text(a, "a name or URL"))
                .collect::<Result<_, _>>()?;
            Self::line(&mut b, &keyword, &args).map_err(at)?;
        }
        b.build().map_err(|error| ParseError { line: None, error })
    }

    fn line(b: &mut PolicyBuilder, keyword: &str, args: &[String]) -> Result<(), RuleError> {
        let form = |keyword, form| RuleError::Form { keyword, form };
        match keyword {
            "log" => {
                let (key, url) = match args {
                    [k] => (k, None),
                    [k, u] => (k, Some(u.clone())),
                    _ => return Err(form("log", "log <vkey> [<url>]")),
                };
                let key = VerifierKey::parse(key).map_err(|error| RuleError::LogKey {
                    key: key.clone(),
                    error,
                })?;
                b.log(key, url)?;
            }
            "witness" => {
                let (name, key, url) = match args {
                    [n, k] => (n, k, None),
                    [n, k, u] => (n, k, Some(u.clone())),
                    _ => return Err(form("witness", "witness <name> <vkey> [<url>]")),
                };
                let key = CosignerKey::parse(key).map_err(|error| RuleError::WitnessKey {
                    name: name.clone(),
                    key: key.clone(),
                    error,
                })?;
                b.witness(name, key, url)?;
            }
            "group" => {
                let [name, threshold, members @ ..] = args else {
                    return Err(form("group", "group <name> all|any|<k> <name>..."));
                };
                if members.is_empty() {
                    return Err(RuleError::NoMembers(name.clone()));
                }
                let threshold = match threshold.as_str() {
                    "all" => Threshold::All,
                    "any" => Threshold::Any,
                    k if !k.is_empty() && k.bytes().all(|c| c.is_ascii_digit()) => {
                        // Too large to hold is out of range all the same.
                        Threshold::AtLeast(k.parse().unwrap_or(usize::MAX))
                    }
                    other => return Err(RuleError::BadThreshold(other.to_string())),
                };
                b.group(name, threshold, members.to_vec())?;
            }
            "quorum" => match args {
                [name] => {
                    b.quorum(name)?;
                }
                _ => return Err(form("quorum", "quorum <name>")),
            },
            other => return Err(RuleError::UnknownKeyword(other.to_string())),
        }
        Ok(())
    }

    /// The policy as a file, one definition a line in the order made;
    /// [`Policy::parse`] reads it back to an equal policy.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let url = |u: &Option<String>| u.as_ref().map(|u| format!(" {u}")).unwrap_or_default();
        for item in &self.order {
            match *item {
                Item::Log(i) => {
                    let l = &self.logs[i];
                    out.push_str(&format!("log {}{}\n", l.key, url(&l.url)));
                }
                Item::Witness(i) => {
                    let w = &self.witnesses[i];
                    out.push_str(&format!("witness {} {}{}\n", w.name, w.key, url(&w.url)));
                }
                Item::Group(i) => {
                    let g = &self.groups[i];
                    out.push_str(&format!(
                        "group {} {} {}\n",
                        g.name,
                        g.threshold,
                        g.members.join(" ")
                    ));
                }
                Item::Quorum => out.push_str(&format!("quorum {}\n", self.quorum)),
            }
        }
        out
    }

    pub fn logs(&self) -> &[PolicyLog] {
        &self.logs
    }

    pub fn witnesses(&self) -> &[PolicyWitness] {
        &self.witnesses
    }

    /// The witnesses with a URL, and their URLs: those a log server asks
    /// to cosign.
    pub fn witnesses_with_urls(&self) -> impl Iterator<Item = (&PolicyWitness, &str)> {
        self.witnesses
            .iter()
            .filter_map(|w| w.url.as_deref().map(|u| (w, u)))
    }

    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The quorum's name: a witness, a group, or [`NONE`].
    pub fn quorum(&self) -> &str {
        &self.quorum
    }

    /// Whether any cosignature is required.
    pub fn requires_cosignatures(&self) -> bool {
        self.quorum != NONE
    }

    /// Whether the quorum is met when the witnesses for which `cosigned`
    /// says so have cosigned.
    pub fn quorum_met(&self, cosigned: impl Fn(&PolicyWitness) -> bool) -> bool {
        let done = self.witnessed(&cosigned);
        self.met(self.node(&self.quorum), &done)
    }

    /// The groups short of the quorum (empty when it is met), from the
    /// quorum down.
    pub fn shortfalls(&self, cosigned: impl Fn(&PolicyWitness) -> bool) -> Vec<Shortfall> {
        let done = self.witnessed(&cosigned);
        let mut out = Vec::new();
        self.short(&self.quorum, &done, &mut out);
        out
    }

    fn witnessed(&self, cosigned: &dyn Fn(&PolicyWitness) -> bool) -> Vec<bool> {
        self.witnesses.iter().map(cosigned).collect()
    }

    fn node(&self, name: &str) -> Node {
        *self
            .names
            .get(name)
            .expect("names are defined when a policy is built")
    }

    // Recursion is as deep as the groups nest; each group is defined after
    // its members and is a member once, so a policy is a tree no deeper than
    // its number of groups.
    fn met(&self, node: Node, done: &[bool]) -> bool {
        match node {
            Node::None => true,
            Node::Witness(i) => done[i],
            Node::Group(g) => {
                let g = &self.groups[g];
                let n = g
                    .members
                    .iter()
                    .filter(|m| self.met(self.node(m), done))
                    .count();
                n >= g.needed()
            }
        }
    }

    fn short(&self, name: &str, done: &[bool], out: &mut Vec<Shortfall>) {
        match self.node(name) {
            Node::None => {}
            Node::Witness(i) => {
                if !done[i] {
                    out.push(Shortfall {
                        name: name.to_string(),
                        needed: 1,
                        witnessed: 0,
                        missing: vec![name.to_string()],
                    });
                }
            }
            Node::Group(gi) => {
                let g = &self.groups[gi];
                let (ok, missing): (Vec<&String>, Vec<&String>) =
                    g.members.iter().partition(|m| self.met(self.node(m), done));
                if ok.len() >= g.needed() {
                    return;
                }
                out.push(Shortfall {
                    name: name.to_string(),
                    needed: g.needed(),
                    witnessed: ok.len(),
                    missing: missing.iter().map(|m| m.to_string()).collect(),
                });
                for m in missing {
                    if let Node::Group(_) = self.node(m) {
                        self.short(m, done, out);
                    }
                }
            }
        }
    }

    /// Checks a checkpoint note against the policy: signed by one of its
    /// logs (the origin is the log key's name), every signature by a known
    /// key valid, and the quorum met by the witnesses that validly
    /// cosigned it.
    pub fn check(&self, note: &[u8]) -> Result<Witnessed, PolicyError> {
        self.check_with_logs(note, &[])
    }

    /// [`Policy::check`], with logs known from elsewhere accepted beside
    /// the policy's own (the spec lets a policy name no log when the
    /// application knows it).
    pub fn check_with_logs(
        &self,
        note: &[u8],
        context: &[VerifierKey],
    ) -> Result<Witnessed, PolicyError> {
        let checkpoint = SignedCheckpoint::parse(note).map_err(PolicyError::Checkpoint)?;
        let logs: Vec<&VerifierKey> = self
            .logs
            .iter()
            .map(|l| &l.key)
            .chain(context.iter())
            .collect();
        if logs.is_empty() {
            return Err(PolicyError::NoLog);
        }
        let origin = &checkpoint.checkpoint.origin;
        let log =
            *logs
                .iter()
                .find(|k| k.name() == origin)
                .ok_or_else(|| PolicyError::UnknownLog {
                    origin: origin.clone(),
                    logs: logs.iter().map(|k| k.name().to_string()).collect(),
                })?;
        let mut known: Vec<&dyn NoteVerifier> =
            logs.iter().map(|k| *k as &dyn NoteVerifier).collect();
        known.extend(self.witnesses.iter().map(|w| &w.key as &dyn NoteVerifier));
        match checkpoint.note.verify(&known) {
            Ok(_) => {}
            Err(NoteError::InvalidSignature { name, key_id }) => {
                return Err(PolicyError::BadSignature { name, key_id });
            }
            Err(_) => return Err(PolicyError::NotSignedByLog(log.to_string())),
        }
        if !checkpoint.note.is_signed_by(log) {
            return Err(PolicyError::NotSignedByLog(log.to_string()));
        }
        let cosigners = self.cosigners(&checkpoint);
        let cosigned = |w: &PolicyWitness| cosigners.iter().any(|c| c.name == w.name);
        if !self.quorum_met(cosigned) {
            let short = self.shortfalls(cosigned);
            return Err(PolicyError::QuorumNotMet(Box::new(Unwitnessed {
                quorum: self.quorum.clone(),
                cosigners,
                short,
            })));
        }
        Ok(Witnessed {
            checkpoint,
            log: log.clone(),
            cosigners,
        })
    }

    /// The policy's witnesses that validly cosigned the checkpoint, with
    /// the time each says it did, in policy order. Checks no quorum.
    pub fn cosigners(&self, checkpoint: &SignedCheckpoint) -> Vec<Cosigner> {
        self.witnesses
            .iter()
            .filter_map(|w| {
                w.key.cosigned(&checkpoint.note).map(|timestamp| Cosigner {
                    name: w.name.clone(),
                    key: w.key.clone(),
                    timestamp,
                })
            })
            .collect()
    }
}
