//! accord's verifier and evaluator for the browser: what the dashboard
//! checks itself instead of trusting the server, with the project's own
//! code compiled to WebAssembly.
//!
//! - [`Verifier`]: the pinned agreement ([`agreement`]: rebuilt from its
//!   canonical JSON into the domain's `Agreement`, trusted only if it gives
//!   back the same bytes), the checkpoint (the log's signature, the
//!   witnesses' cosignatures under the agreement's policy), an entry (its
//!   inclusion proof, C2SP tlog-proof, and its signatures by the keys the
//!   agreement and the accreditations give), and the replay: the engine's
//!   audit over the tiles the page fetched ([`tiles`]), whose status is
//!   the server's own type, compared field by field ([`compare`]).
//! - `js` (in the WebAssembly build only): the thin `wasm-bindgen` layer,
//!   every answer a JSON string (see README.md).
//!
//! Everything here is plain Rust returning `serde_json::Value`, tested
//! natively. A check that fails is an answer (`"ok": false` and the
//! problems); an error ([`Misuse`]) is only for input that is not what was
//! asked for at all.

// A library does not print: it returns what it has to say.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod agreement;
pub mod annex;
pub mod compare;
pub mod tiles;

#[cfg(target_arch = "wasm32")]
mod js;

use std::cell::RefCell;
use std::collections::BTreeMap;

use accord::agreement::Agreement;
use accord::evaluate::{Version, Versions};
use accord::statement::{Digest, SignedStatement};
use accord_engine::{AuditOptions, ReplayOptions};
use serde_json::{Value, json};
use tlog_core::checkpoint::SignedCheckpoint;
use tlog_core::hash::leaf_hash;
use tlog_core::merkle::verify_inclusion;
use tlog_core::note::NoteVerifier;
use tlog_core::policy::{Policy, PolicyError};
use tlog_core::{KeyType, VerifierKey};

/// Input that is not what was asked for at all (not the problems a check
/// finds: those are answers).
#[derive(Debug, thiserror::Error)]
pub enum Misuse {
    #[error(transparent)]
    Agreement(#[from] agreement::RebuildError),
    #[error("the pinned hash {0:?} is not an agreement hash (sha256:<64 hex digits>)")]
    Pin(String),
    #[error("{0}")]
    Other(String),
}

/// Whose a key is, as the agreement (or an accreditation) says.
#[derive(Clone, Debug)]
struct Holder {
    /// The party's or organisation's id, or the operator's name.
    who: String,
    /// `party`, `organisation`, `operator` or `monitor`.
    role: &'static str,
}

/// The verifier of one agreement: what the page checks, and against what.
pub struct Verifier {
    agreement: Agreement,
    hash: Digest,
    pinned: Option<Digest>,
    /// Amended texts the log may adopt by amendment (`add_version`).
    amended: Vec<(Agreement, Digest)>,
    /// The version whose log key and witness policy checkpoints are held
    /// to: the adopted text until a replay finds an amendment in force.
    in_force: Digest,
    /// Every key statements may be signed with: every version's, and the
    /// monitors' accredited in the log (known once a replay has read them).
    keys: Vec<(VerifierKey, Holder)>,
    /// Checkpoints that passed, log signature and witness quorum, by their
    /// text (see [`Verifier::checkpoint`]).
    cosigned: RefCell<BTreeMap<String, SignedCheckpoint>>,
}

/// The keys an agreement gives, and whose each is.
fn agreement_keys(agreement: &Agreement) -> Vec<(VerifierKey, Holder)> {
    let mut keys = Vec::new();
    for (id, p) in &agreement.parties {
        for k in &p.keys {
            keys.push((k.get_ref().clone(), holder(id, "party")));
        }
    }
    for (id, o) in &agreement.organisations {
        for k in &o.keys {
            keys.push((k.get_ref().clone(), holder(id, "organisation")));
        }
    }
    if let Some(o) = &agreement.operator {
        for k in &o.keys {
            keys.push((k.get_ref().clone(), holder(o.name.get_ref(), "operator")));
        }
    }
    keys
}

impl Verifier {
    /// The agreement from its canonical JSON (`GET /v1/agreement`), and the
    /// hash the user was given for it (`sha256:...`), if any.
    pub fn new(canonical_json: &str, pinned: Option<&str>) -> Result<Verifier, Misuse> {
        let pinned = pinned
            .map(|p| Digest::parse(p.trim()).map_err(|_| Misuse::Pin(p.to_string())))
            .transpose()?;
        let (agreement, hash) = agreement::rebuild(canonical_json)?;
        let keys = agreement_keys(&agreement);
        Ok(Verifier {
            agreement,
            hash,
            pinned,
            amended: Vec::new(),
            in_force: hash,
            keys,
            cosigned: RefCell::default(),
        })
    }

    /// An amended text of the agreement (its canonical JSON, as `GET
    /// /v1/agreement/versions` serves it), which an amendment statement in
    /// the log may adopt: the replay judges by it from then on, as the
    /// server does. Refused (an answer, `ok: false`) if it is not the same
    /// agreement or is given twice.
    pub fn add_version(&mut self, canonical_json: &str) -> Result<Value, Misuse> {
        let (a, h) = agreement::rebuild(canonical_json)?;
        let chain = Versions::new(
            self.version(self.hash),
            self.amended
                .iter()
                .map(|(a, h)| Version {
                    agreement: a,
                    hash: *h,
                })
                .chain([Version {
                    agreement: &a,
                    hash: h,
                }]),
        );
        if let Err(e) = chain {
            return Ok(json!({"ok": false, "hash": h.to_string(), "problems": [e.to_string()]}));
        }
        let version = a.version.get_ref().clone();
        for (k, holder) in agreement_keys(&a) {
            if !self.keys.iter().any(|(x, _)| x == &k) {
                self.keys.push((k, holder));
            }
        }
        self.amended.push((a, h));
        Ok(json!({"ok": true, "hash": h.to_string(), "version": version, "problems": []}))
    }

    /// The text of `hash` (the adopted one if it is none of them).
    fn version(&self, hash: Digest) -> Version<'_> {
        match self.amended.iter().find(|(_, h)| *h == hash) {
            Some((agreement, hash)) => Version {
                agreement,
                hash: *hash,
            },
            None => Version {
                agreement: &self.agreement,
                hash: self.hash,
            },
        }
    }

    fn versions(&self) -> Versions<'_> {
        Versions::new(
            self.version(self.hash),
            self.amended.iter().map(|(a, h)| Version {
                agreement: a,
                hash: *h,
            }),
        )
        .expect("each amended text was checked when it was added")
    }

    /// The log's key, by the version in force.
    fn log_key(&self) -> Option<VerifierKey> {
        self.version(self.in_force)
            .agreement
            .operator
            .as_ref()
            .and_then(|o| o.log.as_ref())
            .map(|k| k.get_ref().clone())
    }

    /// The witness policy of the version in force.
    fn policy(&self) -> Option<Policy> {
        self.version(self.in_force).agreement.witness_policy()
    }

    /// The agreement as rebuilt from its canonical JSON (for tests and
    /// callers in Rust).
    pub fn agreement_model(&self) -> &Agreement {
        &self.agreement
    }

    fn matches_pin(&self) -> Option<bool> {
        self.pinned.map(|p| p == self.hash)
    }

    /// A problem when the agreement is not the one pinned: every check
    /// under it is then of the wrong agreement.
    fn pin_problem(&self) -> Option<String> {
        match self.pinned {
            Some(p) if p != self.hash => Some(format!(
                "the agreement served is {}, not the one pinned ({p}): nothing checked under it is about the pinned agreement",
                self.hash
            )),
            _ => None,
        }
    }

    fn run_by(&self, witness: &str) -> Value {
        self.version(self.in_force)
            .agreement
            .witnesses
            .as_ref()
            .and_then(|w| w.list.get(witness))
            .map(|w| json!(w.run_by.get_ref()))
            .unwrap_or(Value::Null)
    }

    /// What the agreement is: its hash against the pin, the log's key, the
    /// witness policy.
    pub fn agreement(&self) -> Value {
        let log_key = self.log_key();
        let policy = self.policy();
        let versions: Vec<Value> = self
            .versions()
            .iter()
            .map(|v| json!({"hash": v.hash.to_string(), "version": v.agreement.version.get_ref()}))
            .collect();
        json!({
            "hash": self.hash.to_string(),
            "pinned": self.pinned.map(|p| p.to_string()),
            "matches_pin": self.matches_pin(),
            "title": self.agreement.title.get_ref(),
            "versions": versions,
            "in_force": self.in_force.to_string(),
            "log": log_key.as_ref().map(|k| json!({"origin": k.name(), "key": k.to_string()})),
            "witness_policy": policy.as_ref().map(|p| json!({
                "quorum": p.quorum(),
                "witnesses": p.witnesses().iter().map(|w| json!({
                    "name": w.name,
                    "run_by": self.run_by(&w.name),
                })).collect::<Vec<_>>(),
                "policy": p.to_text(),
            })),
        })
    }

    /// A checkpoint (the text of `GET /checkpoint`): the log's signature by
    /// the agreement's log key, and the cosignatures against the
    /// agreement's witness policy. One that passes is remembered: a proof
    /// whose checkpoint has the same text (signed by the log, perhaps not
    /// yet cosigned) is witnessed by its cosignatures.
    pub fn checkpoint(&self, text: &[u8]) -> Value {
        self.check_checkpoint(text).0
    }

    /// [`Verifier::checkpoint`], with the checkpoint parsed (if it was).
    fn check_checkpoint(&self, text: &[u8]) -> (Value, Option<SignedCheckpoint>) {
        let mut problems: Vec<String> = self.pin_problem().into_iter().collect();
        let cp = match SignedCheckpoint::parse(text) {
            Ok(cp) => cp,
            Err(e) => {
                problems.push(format!("not a checkpoint: {e}"));
                let v = json!({
                    "ok": false, "origin": null, "size": null, "root_hash": null,
                    "log_signature": "missing",
                    "witnesses": {"policy": self.policy().is_some(), "met": null, "cosigned": [], "short": []},
                    "problems": problems,
                });
                return (v, None);
            }
        };
        let log_signature = match &self.log_key() {
            None => {
                problems.push(
                    "the agreement names no log key ([operator] log): the checkpoint's signature cannot be checked"
                        .into(),
                );
                "missing"
            }
            Some(key) => {
                if cp.checkpoint.origin != key.name() {
                    problems.push(format!(
                        "the checkpoint is of the log {:?}, not the agreement's ({:?})",
                        cp.checkpoint.origin,
                        key.name()
                    ));
                }
                let lines = cp
                    .note
                    .signatures()
                    .iter()
                    .filter(|s| s.name == key.name() && s.key_id == key.key_id());
                let (mut any, mut all_valid) = (false, true);
                for s in lines {
                    any = true;
                    all_valid &= key.verify(cp.note.text().as_bytes(), &s.signature);
                }
                match (any, all_valid) {
                    (false, _) => {
                        problems.push(format!(
                            "the checkpoint is not signed by the agreement's log key {key}"
                        ));
                        "missing"
                    }
                    (true, false) => {
                        problems.push(format!(
                            "the checkpoint's signature by the log key {key} does not verify"
                        ));
                        "invalid"
                    }
                    (true, true) => "valid",
                }
            }
        };
        // A proof's checkpoint may be the log's own, before the witnesses
        // cosigned it (the server proves against its durable checkpoint):
        // cosignatures verified on the same text, fetched from
        // `/checkpoint`, witness this one as well.
        let cosigned = self.cosigned.borrow().get(cp.note.text()).cloned();
        let mut witnesses = self.witnesses(cosigned.as_ref().unwrap_or(&cp), &mut problems);
        if cosigned.is_some() {
            witnesses["cosigned_on"] = json!("the same checkpoint, as served at /checkpoint");
        }
        let ok = log_signature == "valid" && problems.is_empty();
        if ok && witnesses["met"] == true && cosigned.is_none() {
            self.cosigned
                .borrow_mut()
                .insert(cp.note.text().to_string(), cp.clone());
        }
        let v = json!({
            "ok": ok,
            "origin": cp.checkpoint.origin,
            "size": cp.checkpoint.size,
            "root_hash": cp.checkpoint.root.to_base64(),
            "log_signature": log_signature,
            "witnesses": witnesses,
            "problems": problems,
        });
        (v, Some(cp))
    }

    /// The checkpoint held to the witness policy, with the engine's check
    /// (the audit's): who cosigned, and which groups are short.
    fn witnesses(&self, cp: &SignedCheckpoint, problems: &mut Vec<String>) -> Value {
        let (Some(policy), Some(log_key)) = (self.policy(), self.log_key()) else {
            return json!({"policy": self.policy().is_some(), "met": null, "cosigned": [], "short": []});
        };
        let cosigned = |cosigners: &[tlog_core::policy::Cosigner]| -> Vec<Value> {
            cosigners
                .iter()
                .map(|c| {
                    json!({
                        "name": c.name,
                        "run_by": self.run_by(&c.name),
                        "time": accord_engine::witnessed::when(c.timestamp),
                    })
                })
                .collect()
        };
        match accord_engine::witnessed::check(&policy, &log_key, cp) {
            Ok(w) => {
                json!({"policy": true, "met": true, "cosigned": cosigned(&w.cosigners), "short": []})
            }
            Err(PolicyError::QuorumNotMet(u)) => {
                problems.push(u.to_string());
                json!({
                    "policy": true, "met": false,
                    "cosigned": cosigned(&u.cosigners),
                    "short": u.short.iter().map(ToString::to_string).collect::<Vec<_>>(),
                })
            }
            Err(e) => {
                // A cosignature by a witness of the policy that does not
                // verify (forged), or the log's signature: the note is
                // refused whole.
                problems.push(e.to_string());
                json!({"policy": true, "met": false, "cosigned": cosigned(&policy.cosigners(cp)), "short": []})
            }
        }
    }

    /// One entry (the text of `GET /v1/entries/{index}`) with its C2SP
    /// tlog-proof (`GET /v1/proof/{index}?format=text`): the checkpoint in
    /// the proof, the inclusion of the entry at `index`, and the
    /// statement's signatures by the keys known.
    pub fn entry(&self, index: u64, entry: &[u8], proof_text: &[u8]) -> Value {
        let mut problems = Vec::new();
        let entry_hash = leaf_hash(entry);
        let (checkpoint, included) = match tlog_core::proof::parse(proof_text) {
            Err(e) => {
                problems.push(e.to_string());
                (Value::Null, false)
            }
            Ok(p) => {
                let (checkpoint, cp) = self.check_checkpoint(&p.checkpoint);
                if p.index != index {
                    problems.push(format!(
                        "the proof is for entry {}, not entry {index}",
                        p.index
                    ));
                }
                let included = cp.is_some_and(|cp| {
                    let c = &cp.checkpoint;
                    match verify_inclusion(p.index, c.size, &entry_hash, &p.hashes, &c.root) {
                        Ok(()) => true,
                        Err(e) => {
                            problems.push(format!(
                                "the entry is not proved at index {} of the checkpoint's tree ({} entries, root {}): {e}",
                                p.index, c.size, c.root
                            ));
                            false
                        }
                    }
                }) && p.index == index;
                if checkpoint["ok"] != true {
                    problems.push("the checkpoint the proof leads to does not verify".into());
                }
                (checkpoint, included)
            }
        };
        let (statement, signatures) = match SignedStatement::parse(entry) {
            Err(e) => {
                problems.push(format!("the entry is not a statement: {e}"));
                (Value::Null, vec![])
            }
            Ok(s) => {
                let named = s.statement.agreement;
                if named != self.hash && !self.amended.iter().any(|(_, h)| *h == named) {
                    problems.push(format!(
                        "the statement is made under the agreement {named}, not {} (nor an amended text given)",
                        self.hash
                    ));
                }
                let sigs = self.signatures(&s, &mut problems);
                (s.statement.to_value(), sigs)
            }
        };
        json!({
            "ok": problems.is_empty(),
            "index": index,
            "entry_hash": entry_hash.to_hex(),
            "included": included,
            "checkpoint": checkpoint,
            "signatures": signatures,
            "statement": statement,
            "problems": problems,
        })
    }

    /// Each signature line of the statement: whether it verifies under the
    /// key known by its name and ID (ZIP-215, tlog-core's one rule), and
    /// whose that key is. A statement needs at least one valid signature by
    /// a known key, and every line by a known key must verify.
    fn signatures(&self, s: &SignedStatement, problems: &mut Vec<String>) -> Vec<Value> {
        let text = s.note.text().as_bytes();
        let mut out = Vec::new();
        let mut valid_known = 0;
        for line in s.note.signatures() {
            let candidates: Vec<&(VerifierKey, Holder)> = self
                .keys
                .iter()
                .filter(|(k, _)| {
                    k.name() == line.name
                        && k.key_id() == line.key_id
                        && k.key_type() == KeyType::Ed25519
                })
                .collect();
            let found = candidates
                .iter()
                .find(|(k, _)| k.verify(text, &line.signature));
            match (found, candidates.first()) {
                (Some((k, h)), _) => {
                    valid_known += 1;
                    out.push(
                        json!({"valid": true, "key": k.to_string(), "who": h.who, "role": h.role}),
                    );
                }
                (None, Some((k, h))) => {
                    problems.push(format!(
                        "the signature by {} ({}) does not verify",
                        k.name(),
                        h.who
                    ));
                    out.push(
                        json!({"valid": false, "key": k.to_string(), "who": h.who, "role": h.role}),
                    );
                }
                (None, None) => {
                    out.push(json!({
                        "valid": false,
                        "key": format!("{}+{:08x}", line.name, line.key_id),
                        "who": null,
                        "role": null,
                    }));
                }
            }
        }
        if valid_known == 0 {
            let names: Vec<String> = s
                .note
                .signatures()
                .iter()
                .map(|l| format!("{}+{:08x}", l.name, l.key_id))
                .collect();
            problems.push(format!(
                "no signature by a key the agreement gives (or an accredited monitor's, known after a replay): signed by {}",
                names.join(", ")
            ));
        }
        out
    }

    /// An annex file (GeoJSON, as `GET /v1/agreement/annex/{file}` serves
    /// it) against the zone geometry the agreement's hash covers (see
    /// [`annex`]).
    pub fn annex(&self, name: &str, bytes: &[u8]) -> Value {
        let zones = accord::agreement::canonical::to_value(&self.agreement);
        annex::check(&zones["zones"], name, bytes)
    }

    /// The tiles and entry bundles to fetch to replay the log up to
    /// `size`.
    pub fn tiles_for(&self, size: u64) -> Value {
        json!(tiles::tiles_for(size))
    }

    /// The evaluator replayed over the fetched tiles, after the checkpoint
    /// and every tile are verified: the engine's audit (the log's
    /// signature, the witness policy, every hash tile and entry bundle, the
    /// operator's status statements held to the replay). Its status is the
    /// server's type, serialised the same way. The monitors' keys the log
    /// accredits are learned, for [`Verifier::entry`].
    pub fn replay(&mut self, checkpoint: &[u8], tiles: BTreeMap<String, Vec<u8>>) -> Value {
        let mut problems: Vec<String> = self.pin_problem().into_iter().collect();
        let Some(log_key) = self.log_key() else {
            problems.push(
                "the agreement names no log key ([operator] log): the log cannot be verified"
                    .into(),
            );
            return json!({"ok": false, "size": null, "status": null, "findings": [], "problems": problems});
        };
        let source = tiles::MemorySource::new(checkpoint.to_vec(), tiles);
        let versions = self.versions();
        let opts = AuditOptions {
            log_key: &log_key,
            witnesses: &[],
            since: None,
            remembered: None,
            expect: &[],
            replay: ReplayOptions::default(),
        };
        let report = accord_engine::audit_versions(&versions, &source, &opts);
        let findings: Vec<Value> = report
            .findings
            .iter()
            .map(|f| json!({"kind": f.kind(), "detail": f.to_string()}))
            .collect();
        let size = report.log.as_ref().map(|l| l.size());
        let mut learned = Vec::new();
        let mut in_force = None;
        let status = report.replay.as_ref().map(|r| {
            in_force = Some(r.evaluator.version_in_force().hash);
            for (org, vkey) in r.evaluator.state.monitors.values() {
                if let Ok(k) = VerifierKey::parse(vkey) {
                    learned.push((k, holder(org, "monitor")));
                }
            }
            serde_json::to_value(r.evaluator.status()).expect("a status serialises")
        });
        if status.is_none() {
            problems.push("the log did not verify, so it was not replayed".into());
        }
        let ok = report.findings.is_empty() && problems.is_empty();
        drop(report);
        drop(versions);
        if let Some(h) = in_force
            && h != self.in_force
        {
            // Checkpoints are now held to another version's policy.
            self.in_force = h;
            self.cosigned.borrow_mut().clear();
        }
        for (k, h) in learned {
            let known = self
                .keys
                .iter()
                .any(|(x, _)| x.name() == k.name() && x.public_key() == k.public_key());
            if !known {
                self.keys.push((k, h));
            }
        }
        json!({"ok": ok, "size": size, "status": status, "findings": findings, "problems": problems})
    }
}

/// The replayed status against the one the server showed (both JSON
/// texts): every difference, by JSON path.
pub fn compare_status(replayed: &str, served: &str) -> Result<Value, Misuse> {
    let parse = |what: &str, t: &str| {
        serde_json::from_str::<Value>(t)
            .map_err(|e| Misuse::Other(format!("the {what} status is not JSON: {e}")))
    };
    Ok(compare::compare(
        &parse("replayed", replayed)?,
        &parse("served", served)?,
    ))
}

fn holder(who: &str, role: &'static str) -> Holder {
    Holder {
        who: who.to_string(),
        role,
    }
}
