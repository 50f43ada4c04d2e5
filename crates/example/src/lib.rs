//! The Ukraine example, built into the program, and a way to write histories
//! under it: the demonstration and the evaluator's scenario tests both use
//! it.
//!
//! The example's keys are demonstration keys: each secret is the SHA-256 of a
//! published phrase naming the key (see [`key`]), so anyone can sign as
//! anyone. That is the point of a demonstration and the reason the keys must
//! never be used for anything else.
//!
//! A crate apart from the domain (`accord`), which holds no keys: only what
//! depends on this crate can sign with the demonstration keys.

// A library does not print: it returns what it has to say.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod history;

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use tlog_core::keys::{KeyType, SignerKey};

use accord::agreement::{Agreement, Loader};
use accord::evaluate::{Evaluator, Status, Version, Versions};
use accord::statement::{Digest, SignedStatement, Statement, Time};

/// The example agreement's file name, as messages show it.
pub const AGREEMENT_PATH: &str = "examples/ukraine-2025/agreement.toml";
/// The example agreement's text.
pub const AGREEMENT_TOML: &str = include_str!("../../../examples/ukraine-2025/agreement.toml");

/// The annex files the example reads, by the path it names them with.
pub const ANNEX: &[(&str, &str)] = &[
    (
        "annex/control.geojson",
        include_str!("../../../examples/ukraine-2025/annex/control.geojson"),
    ),
    (
        "annex/crossings.geojson",
        include_str!("../../../examples/ukraine-2025/annex/crossings.geojson"),
    ),
    (
        "annex/disengagement.geojson",
        include_str!("../../../examples/ukraine-2025/annex/disengagement.geojson"),
    ),
    (
        "annex/line-of-contact-2024.geojson",
        include_str!("../../../examples/ukraine-2025/annex/line-of-contact-2024.geojson"),
    ),
    (
        "annex/line-of-contact.geojson",
        include_str!("../../../examples/ukraine-2025/annex/line-of-contact.geojson"),
    ),
    (
        "annex/regions.geojson",
        include_str!("../../../examples/ukraine-2025/annex/regions.geojson"),
    ),
    (
        "annex/SOURCES.md",
        include_str!("../../../examples/ukraine-2025/annex/SOURCES.md"),
    ),
];

/// Reads the annex from the program itself.
pub struct EmbeddedLoader;

impl Loader for EmbeddedLoader {
    fn load(&self, path: &str) -> Result<(String, String), String> {
        ANNEX
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(p, text)| (format!("examples/ukraine-2025/{p}"), text.to_string()))
            .ok_or_else(|| format!("{path} is not part of the built-in example"))
    }
}

/// The example agreement and its canonical hash.
pub fn agreement() -> (Agreement, Digest) {
    let checked = accord::agreement::check(AGREEMENT_PATH, AGREEMENT_TOML, &EmbeddedLoader);
    match (checked.agreement, checked.hash) {
        (Some(a), Some(h)) => (a, h),
        _ => panic!(
            "the built-in example does not check:\n{}",
            accord::diag::render_plain(&checked.diags, &checked.sources, 100)
        ),
    }
}

/// A demonstration key: its secret is SHA-256 of
/// "accord example ukraine-2025 demonstration key: NAME".
pub fn key(name: &str) -> SignerKey {
    let seed: [u8; 32] =
        Sha256::digest(format!("accord example ukraine-2025 demonstration key: {name}").as_bytes())
            .into();
    SignerKey::from_seed(name, KeyType::Ed25519, seed).expect("a valid key name")
}

/// A demonstration cosigner (witness or mirror) key, of either type: its
/// seed is SHA-256 of "accord example ukraine-2025 demonstration key:
/// NAME", as for [`key`].
pub fn cosigner_key(
    name: &str,
    kind: tlog_core::cosignature::CosignatureType,
) -> tlog_core::cosignature::CosignerSecret {
    let seed: [u8; 32] =
        Sha256::digest(format!("accord example ukraine-2025 demonstration key: {name}").as_bytes())
            .into();
    tlog_core::cosignature::CosignerSecret::from_seed(name, kind, seed).expect("a valid key name")
}

/// The demonstration's witnesses: Ukraine's, Russia's and the Mission's,
/// as (name in a policy, the organisation that runs it, its key, made by
/// [`cosigner_key`] from `witness.NAME.example`).
pub fn witnesses() -> Vec<(
    &'static str,
    &'static str,
    tlog_core::cosignature::CosignerSecret,
)> {
    [("kyiv", "UA"), ("moscow", "RU"), ("mission", "MISSION")]
        .into_iter()
        .map(|(n, by)| {
            let key = cosigner_key(
                &format!("witness.{n}.example"),
                tlog_core::cosignature::CosignatureType::Ed25519,
            );
            (n, by, key)
        })
        .collect()
}

/// The example's text with a `[witnesses]` policy, for tests and
/// demonstrations of witnessing: `quorum` is the policy's quorum as TOML
/// (`[{ at_least = 1, of = ["MISSION"] }]`); each witness is (its name in
/// the policy, the organisation that runs it, its verifier key).
pub fn witnessed_toml(quorum: &str, witnesses: &[(&str, &str, String)]) -> String {
    let mut text = AGREEMENT_TOML.to_string();
    text.push_str(&format!("\n[witnesses]\nquorum = {quorum}\n"));
    for (name, run_by, key) in witnesses {
        text.push_str(&format!(
            "\n[witnesses.{name}]\nrun_by = \"{run_by}\"\nkey = \"{key}\"\nurl = \"https://{name}.witness.example/\"\n"
        ));
    }
    text
}

/// The name of a monitor's key: `mission.accord.example/monitor-03`.
pub fn monitor_key_name(org_key_name: &str, n: u32) -> String {
    let host = org_key_name.split('/').next().unwrap_or(org_key_name);
    format!("{host}/monitor-{n:02}")
}

/// A history being written: statements signed with demonstration keys,
/// applied to an evaluator as they are written, so that the operator's
/// status statements can name the status they see.
pub struct Script<'a> {
    pub eval: Evaluator<'a>,
    pub entries: Vec<Vec<u8>>,
    hash: Digest,
    /// The time the next statement is issued at.
    pub now: Timestamp,
    /// Signers by who they are: a party, an organisation, the operator
    /// (`operator`), or a monitor (`MISSION/2`).
    signers: BTreeMap<String, SignerKey>,
    /// Who patrols, and the zones the patrols cover, every day
    /// [`Script::days`] passes (see [`Script::patrol`]).
    patrols: Option<(String, Vec<String>)>,
}

/// What happened to a statement written by a [`Script`].
#[derive(Clone, Debug)]
pub struct Written {
    pub index: u64,
    pub digest: Digest,
    /// Why the evaluator refused it, if it did.
    pub rejected: Option<String>,
}

impl Written {
    /// The index, asserting that the statement was accepted.
    #[track_caller]
    pub fn ok(&self) -> u64 {
        assert!(
            self.rejected.is_none(),
            "entry {} was refused: {:?}",
            self.index,
            self.rejected
        );
        self.index
    }
}

impl<'a> Script<'a> {
    pub fn new(a: &'a Agreement, hash: Digest, start: Timestamp) -> Script<'a> {
        Script::with_versions(&Versions::one(a, hash), start)
    }

    /// A script whose evaluator holds amended texts too (see
    /// [`Versions`]); its statements name the adopted text until
    /// [`Script::name_version`] says otherwise.
    pub fn with_versions(versions: &Versions<'a>, start: Timestamp) -> Script<'a> {
        let Version { agreement: a, hash } = versions.adopted();
        let mut signers = BTreeMap::new();
        for p in a.parties.values() {
            if let Some(k) = p.keys.first() {
                signers.insert(p.id.get_ref().clone(), key(k.get_ref().name()));
            }
        }
        for o in a.organisations.values() {
            if let Some(k) = o.keys.first() {
                signers.insert(o.id.get_ref().clone(), key(k.get_ref().name()));
            }
        }
        if let Some(k) = a.operator.as_ref().and_then(|o| o.keys.first()) {
            signers.insert("operator".into(), key(k.get_ref().name()));
        }
        Script {
            eval: Evaluator::with_versions(versions),
            entries: vec![],
            hash,
            now: start,
            signers,
            patrols: None,
        }
    }

    /// From now on, every day [`Script::days`] passes, `by` (a monitor,
    /// `MISSION/1`) reports that it covered `zones` (every area of the
    /// agreement when empty) during the reporting period, just before its
    /// cut-off: what a verdict of "no verified breach" rests on.
    pub fn patrol(&mut self, by: &str, zones: &[&str]) -> &mut Self {
        let zones = if zones.is_empty() {
            self.eval
                .agreement()
                .zones
                .values()
                .filter(|z| !z.kind.is_line())
                .map(|z| z.id.get_ref().clone())
                .collect()
        } else {
            zones.iter().map(|z| z.to_string()).collect()
        };
        self.patrols = Some((by.to_string(), zones));
        self
    }

    /// Stops the daily patrols.
    pub fn stop_patrols(&mut self) -> &mut Self {
        self.patrols = None;
        self
    }

    /// A coverage statement by `by`: `zones` covered from `from` until the
    /// script's clock.
    pub fn cover(&mut self, by: &str, zones: &[String], from: Timestamp) -> Written {
        let body = json!({
            "sensor": "patrol",
            "window": {"from": Time(from), "to": Time(self.now)},
            "zones": zones,
        });
        self.write("coverage", body, &[by])
    }

    /// The version of the agreement the statements written from now on
    /// name (an amended text's hash, once the amendment is in the log).
    pub fn name_version(&mut self, hash: Digest) -> &mut Self {
        self.hash = hash;
        self
    }

    /// The signer called `who` (see [`Script`]).
    pub fn signer(&self, who: &str) -> &SignerKey {
        self.signers
            .get(who)
            .unwrap_or_else(|| panic!("no demonstration key for {who}"))
    }

    /// Moves the script's clock on.
    pub fn wait_hours(&mut self, hours: f64) -> &mut Self {
        self.now = Timestamp::from_second(self.now.as_second() + (hours * 3600.0) as i64)
            .expect("in range");
        self
    }

    /// Signs `body` as a statement of `kind` by each of `by`, appends it and
    /// applies it.
    pub fn write(&mut self, kind: &str, body: Value, by: &[&str]) -> Written {
        let v = json!({"v": 1, "kind": kind, "agreement": self.hash, "issued_at": Time(self.now), "body": body});
        let st = Statement::from_value(v).unwrap_or_else(|e| panic!("a bad {kind} statement: {e}"));
        let mut s = SignedStatement::sign(st, self.signer(by[0])).expect("signs");
        for who in &by[1..] {
            s.cosign(self.signer(who)).expect("co-signs");
        }
        self.append(s.to_bytes())
    }

    /// Signs `body` with keys that need not be the agreement's (an
    /// unaccredited monitor, an impostor), appends it and applies it.
    pub fn write_signed_by(&mut self, kind: &str, body: Value, keys: &[&SignerKey]) -> Written {
        let v = json!({"v": 1, "kind": kind, "agreement": self.hash, "issued_at": Time(self.now), "body": body});
        let st = Statement::from_value(v).unwrap_or_else(|e| panic!("a bad {kind} statement: {e}"));
        let mut s = SignedStatement::sign(st, keys[0]).expect("signs");
        for k in &keys[1..] {
            s.cosign(*k).expect("co-signs");
        }
        self.append(s.to_bytes())
    }

    /// Appends an entry as it is (forged or otherwise) and applies it.
    pub fn append(&mut self, entry: Vec<u8>) -> Written {
        let index = self.entries.len() as u64;
        let digest = SignedStatement::parse(&entry)
            .map(|s| s.digest())
            .unwrap_or(Digest([0; 32]));
        let before = self.eval.state.rejections.len();
        self.eval.apply(&entry);
        self.entries.push(entry);
        let rejected = self
            .eval
            .state
            .rejections
            .get(before)
            .map(|(_, why)| why.to_string());
        Written {
            index,
            digest,
            rejected,
        }
    }

    /// The adoption, signed by every signatory.
    pub fn adopt(&mut self) -> Written {
        let a = self.eval.agreement();
        let signatories: Vec<String> = a
            .parties
            .values()
            .filter(|p| p.roles.contains(&accord::agreement::Role::Signatory))
            .map(|p| p.id.get_ref().clone())
            .collect();
        let body = json!({"title": a.title.get_ref(), "version": a.version.get_ref()});
        let by: Vec<&str> = signatories.iter().map(String::as_str).collect();
        self.write("adoption", body, &by)
    }

    /// Accredits monitor number `n` of `org` (its key becomes `ORG/n`).
    pub fn accredit(&mut self, org: &str, n: u32) -> Written {
        let org_key = self.signer(org).name().to_string();
        let k = key(&monitor_key_name(&org_key, n));
        let body = json!({"action": "grant", "organisation": org, "key": k.verifier().to_string()});
        self.signers.insert(format!("{org}/{n}"), k);
        self.write("accreditation", body, &[org])
    }

    /// An observation by `by` (an organisation or `ORG/n`), observed half an
    /// hour before it is issued. `extra` is merged into the body
    /// (`assessment`, `evidence`, `sensor`…).
    pub fn observe(
        &mut self,
        by: &str,
        category: &str,
        at: (f64, f64),
        details: Value,
        extra: Value,
    ) -> Written {
        let observed = Time(Timestamp::from_second(self.now.as_second() - 1800).expect("in range"));
        let mut body = json!({
            "category": category,
            "observed": {"from": observed},
            "position": {"lon": at.0, "lat": at.1, "uncertainty_m": 200},
            "sensor": "patrol",
            "details": details,
        });
        if let (Some(b), Some(x)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in x {
                b.insert(k.clone(), v.clone());
            }
        }
        self.write("observation", body, &[by])
    }

    /// A corroboration of observation `of` by `by`.
    pub fn corroborate(&mut self, by: &str, of: &Written, agrees: bool) -> Written {
        let body =
            json!({"observation": {"sha256": of.digest, "index": of.index}, "agrees": agrees});
        self.write("corroboration", body, &[by])
    }

    /// A dispute statement (`lodge`, `resolve`, `withdraw`) about `target`.
    pub fn dispute(
        &mut self,
        action: &str,
        target: &Written,
        extra: Value,
        by: &[&str],
    ) -> Written {
        let mut body =
            json!({"action": action, "target": {"sha256": target.digest, "index": target.index}});
        if let (Some(b), Some(x)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in x {
                b.insert(k.clone(), v.clone());
            }
        }
        self.write("dispute", body, by)
    }

    /// A certification (`transition`, `tranche`, `snapback_notice`,
    /// `continue_relief`, `guarantee_decision`) of `target`, signed by `by`.
    pub fn certify(&mut self, of: &str, target: &str, by: &[&str]) -> Written {
        let body = json!({"of": of, "target": target, "statement": format!("{of} {target}")});
        self.write("certification", body, by)
    }

    /// The operator's status statement about everything logged so far.
    pub fn status(&mut self) -> Written {
        let size = self.entries.len() as u64;
        let mut st = self.eval.status();
        // What the evaluator will see at that index, after the clock moves.
        st.log_size = size;
        let body = self.status_body(size, &st);
        self.write("status", body, &["operator"])
    }

    /// A status statement's body for a status.
    pub fn status_body(&self, size: u64, st: &Status) -> Value {
        let mut body = st.statement_body();
        body["log_size"] = json!(size);
        body
    }

    /// Lets days pass: the operator logs a status statement after each
    /// reporting period's cut-off, which moves the log's clock.
    ///
    /// With [`Script::patrol`], the patrol reports its coverage of each
    /// period a minute before the period's cut-off (so that the period is
    /// decided with it), before the status statement after it.
    pub fn days(&mut self, n: u32) -> &mut Self {
        for _ in 0..n {
            self.patrol_report();
            self.wait_hours(24.0);
            self.status();
        }
        self
    }

    /// With [`Script::patrol`], and if the current period's cut-off falls
    /// within the next 24 hours: the patrol's coverage of the period,
    /// reported a minute before its cut-off (so that the period is decided
    /// with it). What [`Script::days`] does each day, for whoever passes
    /// days its own way.
    pub fn patrol_report(&mut self) -> Option<Written> {
        let (by, zones) = self.patrols.clone()?;
        let periods = self.eval.periods().clone();
        let period = periods.period_of(self.now);
        let (start, end) = (periods.start(period), periods.end(period));
        let next = self.now.as_second() + 24 * 3600;
        if end.as_second() > next || end <= self.now {
            return None;
        }
        let resume = self.now;
        self.now = Timestamp::from_second(end.as_second() - 60).expect("in range");
        let from = Timestamp::from_second(start.as_second() + 60).expect("in range");
        let w = self.cover(&by, &zones, from);
        self.now = resume;
        Some(w)
    }
}
