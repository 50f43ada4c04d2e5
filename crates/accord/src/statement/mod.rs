//! Statements: every log entry is one. A statement is a JSON object in its
//! RFC 8785 canonical form, carried as the text of a C2SP signed note with
//! one or more signature lines:
//!
//! ```text
//! {"agreement":"sha256:…","body":{…},"issued_at":"2026-03-01T04:30:00Z","kind":"observation","v":1}
//!
//! — monitors.example/patrol-7 base64(key ID || Ed25519 signature)
//! ```
//!
//! The text must be exactly the canonical form of what it parses to, so a
//! statement has one spelling and its SHA-256 names it. A statement signed
//! by several parties (an adoption, a certification) carries several lines.

mod types;

use std::collections::BTreeSet;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tlog_core::MAX_ENTRY_SIZE;
use tlog_core::note::{Note, NoteError, NoteSigner, NoteVerifier};

pub use crate::vocab::{Category, Digest, Sensor};
pub use types::*;

/// The statement format this code reads and writes.
pub const FORMAT: u64 = 1;

/// A statement that is malformed, not canonical, or badly signed. Field
/// errors name the field by its path, e.g. `body.details.events[0].count`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatementError {
    #[error("the signed note: {0}")]
    Note(#[from] NoteError),
    #[error("the statement is {size} bytes signed; a log entry is at most 65535")]
    TooLarge { size: usize },
    #[error("not JSON (line {line}, column {column}): {message}")]
    NotJson {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Field { path: String, message: String },
    #[error("the text is not in RFC 8785 canonical form; it should read:\n{canonical}")]
    NotCanonical { canonical: String },
}

fn field(path: impl Into<String>, message: impl Into<String>) -> StatementError {
    StatementError::Field {
        path: path.into(),
        message: message.into(),
    }
}

/// A statement's body, by kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    Adoption(Adoption),
    Accreditation(Accreditation),
    Observation(Box<Observation>, Details),
    Corroboration(Corroboration),
    Dispute(Dispute),
    Certification(Certification),
    Amendment(Amendment),
    Status(Status),
    Coverage(Coverage),
    Control(Control),
    Declaration(Declaration),
}

impl Body {
    pub fn kind(&self) -> Kind {
        match self {
            Body::Adoption(_) => Kind::Adoption,
            Body::Accreditation(_) => Kind::Accreditation,
            Body::Observation(..) => Kind::Observation,
            Body::Corroboration(_) => Kind::Corroboration,
            Body::Dispute(_) => Kind::Dispute,
            Body::Certification(_) => Kind::Certification,
            Body::Amendment(_) => Kind::Amendment,
            Body::Status(_) => Kind::Status,
            Body::Coverage(_) => Kind::Coverage,
            Body::Control(_) => Kind::Control,
            Body::Declaration(_) => Kind::Declaration,
        }
    }
}

/// A statement, before signing.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// The canonical hash of the agreement it is made under.
    pub agreement: Digest,
    /// When the signer says it was made.
    pub issued_at: Time,
    pub body: Body,
}

impl Statement {
    pub fn kind(&self) -> Kind {
        self.body.kind()
    }

    /// The statement as a JSON value.
    pub fn to_value(&self) -> Value {
        fn v<T: Serialize>(t: &T) -> Value {
            serde_json::to_value(t).expect("statement types serialise")
        }
        let body = match &self.body {
            Body::Adoption(b) => v(b),
            Body::Accreditation(b) => v(b),
            Body::Observation(b, _) => v(b),
            Body::Corroboration(b) => v(b),
            Body::Dispute(b) => v(b),
            Body::Certification(b) => v(b),
            Body::Amendment(b) => v(b),
            Body::Status(b) => v(b),
            Body::Coverage(b) => v(b),
            Body::Control(b) => v(b),
            Body::Declaration(b) => v(b),
        };
        serde_json::json!({
            "v": FORMAT,
            "kind": self.kind(),
            "agreement": self.agreement,
            "issued_at": self.issued_at,
            "body": body,
        })
    }

    /// The RFC 8785 canonical JSON text.
    pub fn canonical(&self) -> String {
        crate::jcs::to_string(&self.to_value())
    }

    /// Parses a statement from JSON in any layout (for input to signing).
    pub fn from_json(bytes: &[u8]) -> Result<Statement, StatementError> {
        let value: Value = serde_json::from_slice(bytes).map_err(|e| StatementError::NotJson {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        Statement::from_value(value)
    }

    /// Parses a statement from a JSON value, checking every field.
    pub fn from_value(value: Value) -> Result<Statement, StatementError> {
        let Value::Object(mut obj) = value else {
            return Err(field("(statement)", "must be a JSON object"));
        };
        for k in obj.keys() {
            if !["v", "kind", "agreement", "issued_at", "body"].contains(&k.as_str()) {
                return Err(field(
                    k.clone(),
                    "unknown field (expected v, kind, agreement, issued_at, body)",
                ));
            }
        }
        let mut take = |k: &str| obj.remove(k).ok_or_else(|| field(k, "missing"));
        match take("v")? {
            Value::Number(n) if n.as_u64() == Some(FORMAT) => {}
            other => {
                return Err(field(
                    "v",
                    format!("must be {FORMAT}, the statement format version; found {other}"),
                ));
            }
        }
        let kind: Kind = typed("kind", take("kind")?)?;
        let agreement: Digest = typed("agreement", take("agreement")?)?;
        let issued_at: Time = typed("issued_at", take("issued_at")?)?;
        let body = take("body")?;
        let body = match kind {
            Kind::Adoption => Body::Adoption(typed("body", body)?),
            Kind::Accreditation => Body::Accreditation(typed("body", body)?),
            Kind::Observation => {
                let o: Observation = typed("body", body)?;
                let d = details(o.category, o.details.clone())?;
                Body::Observation(Box::new(o), d)
            }
            Kind::Corroboration => Body::Corroboration(typed("body", body)?),
            Kind::Dispute => Body::Dispute(typed("body", body)?),
            Kind::Certification => Body::Certification(typed("body", body)?),
            Kind::Amendment => Body::Amendment(typed("body", body)?),
            Kind::Status => Body::Status(typed("body", body)?),
            Kind::Coverage => Body::Coverage(typed("body", body)?),
            Kind::Control => Body::Control(typed("body", body)?),
            Kind::Declaration => Body::Declaration(typed("body", body)?),
        };
        let s = Statement {
            agreement,
            issued_at,
            body,
        };
        s.check()?;
        Ok(s)
    }

    /// Checks what types alone cannot: ranges and rules between fields.
    pub fn check(&self) -> Result<(), StatementError> {
        match &self.body {
            Body::Observation(o, d) => check_observation(o, d),
            Body::Coverage(c) => check_coverage(c),
            Body::Declaration(d) => check_declaration(d),
            Body::Accreditation(a) => {
                tlog_core::VerifierKey::parse(&a.key)
                    .map_err(|e| field("body.key", e.to_string()))?;
                Ok(())
            }
            Body::Dispute(d) => {
                let need = |ok: bool, path: &str, msg: &str| {
                    if ok { Ok(()) } else { Err(field(path, msg)) }
                };
                match d.action {
                    DisputeAction::Lodge => {
                        need(
                            d.subject.is_some(),
                            "body.subject",
                            "a dispute lodged says what is disputed",
                        )?;
                        need(
                            d.grounds.is_some(),
                            "body.grounds",
                            "a dispute lodged gives its grounds",
                        )?;
                        need(
                            d.outcome.is_none(),
                            "body.outcome",
                            "only a resolution has an outcome",
                        )
                    }
                    DisputeAction::Resolve => {
                        need(
                            d.outcome.is_some(),
                            "body.outcome",
                            "a resolution has an outcome",
                        )?;
                        need(
                            d.outcome != Some(DisputeOutcome::Reattributed)
                                || d.assessment.is_some(),
                            "body.assessment",
                            "a reattribution gives the new assessment",
                        )
                    }
                    DisputeAction::Withdraw => need(
                        d.outcome.is_none(),
                        "body.outcome",
                        "a withdrawal has no outcome",
                    ),
                }
            }
            _ => Ok(()),
        }
    }
}

fn typed<T: DeserializeOwned>(path: &str, v: Value) -> Result<T, StatementError> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let inner = e.path().to_string();
        let p = if inner == "." || inner.is_empty() {
            path.to_string()
        } else {
            format!("{path}.{inner}")
        };
        field(p, e.inner().to_string())
    })
}

fn details(c: Category, v: Value) -> Result<Details, StatementError> {
    const P: &str = "body.details";
    Ok(match c {
        Category::CeasefireViolation => Details::CeasefireViolation(typed(P, v)?),
        Category::WeaponSighting => Details::WeaponSighting(typed(P, v)?),
        Category::TroopMovement => Details::TroopMovement(typed(P, v)?),
        Category::FreedomOfMovement => Details::FreedomOfMovement(typed(P, v)?),
        Category::CivilianCasualties => Details::CivilianCasualties(typed(P, v)?),
        Category::InfrastructureDamage => Details::InfrastructureDamage(typed(P, v)?),
        Category::CrossingStatus => Details::CrossingStatus(typed(P, v)?),
        Category::DisengagementPresence => Details::DisengagementPresence(typed(P, v)?),
        Category::WithdrawalVerified => Details::WithdrawalVerified(typed(P, v)?),
        Category::PrisonerExchange => Details::PrisonerExchange(typed(P, v)?),
        Category::Handover => Details::Handover(typed(P, v)?),
        Category::DisplacedReturn => Details::DisplacedReturn(typed(P, v)?),
        Category::RemainsExchange => Details::RemainsExchange(typed(P, v)?),
        Category::ForcePresence => Details::ForcePresence(typed(P, v)?),
        Category::RouteStatus => Details::RouteStatus(typed(P, v)?),
        Category::MinesUxo => Details::MinesUxo(typed(P, v)?),
        Category::LocalisedCeasefire => Details::LocalisedCeasefire(typed(P, v)?),
        Category::StorageVisit => Details::StorageVisit(typed(P, v)?),
    })
}

/// The longest window one coverage statement may claim: a month of a
/// camera's log, not a standing claim to see everything.
pub const MAX_COVERAGE_DAYS: i64 = 31;

/// The most positions a coverage statement's track or area may have.
pub const MAX_COVERAGE_POSITIONS: usize = 2_000;

fn check_coverage(c: &Coverage) -> Result<(), StatementError> {
    let Some(to) = c.window.to else {
        return Err(field(
            "body.window.to",
            "coverage says when it ended: `to` is required",
        ));
    };
    if to < c.window.from {
        return Err(field("body.window.to", "ends before it starts"));
    }
    if to.0.as_second() - c.window.from.0.as_second() > MAX_COVERAGE_DAYS * 86_400 {
        return Err(field(
            "body.window",
            format!("a coverage window is at most {MAX_COVERAGE_DAYS} days long"),
        ));
    }
    if c.zones.is_empty() && c.track.is_empty() && c.area.is_empty() {
        return Err(field(
            "body",
            "coverage names what was observed: `zones`, a `track` or an `area`",
        ));
    }
    for (name, positions) in [("track", &c.track), ("area", &c.area)] {
        if positions.len() > MAX_COVERAGE_POSITIONS {
            return Err(field(
                format!("body.{name}"),
                format!("at most {MAX_COVERAGE_POSITIONS} positions"),
            ));
        }
        for (i, [lon, lat]) in positions.iter().enumerate() {
            if !(lon.is_finite() && (-180.0..=180.0).contains(lon)) {
                return Err(field(
                    format!("body.{name}[{i}][0]"),
                    format!("{lon} is not a longitude (-180 to 180)"),
                ));
            }
            if !(lat.is_finite() && (-90.0..=90.0).contains(lat)) {
                return Err(field(
                    format!("body.{name}[{i}][1]"),
                    format!("{lat} is not a latitude (-90 to 90)"),
                ));
            }
        }
    }
    if !c.area.is_empty() && (c.area.len() < 4 || c.area.first() != c.area.last()) {
        return Err(field(
            "body.area",
            "an area is a closed ring: at least four positions, the last the same as the first",
        ));
    }
    Ok(())
}

/// The most sites one declaration may name, and the most serial numbers
/// one item may list: a declaration is one log entry (at most 64 KiB).
pub const MAX_DECLARED_SITES: usize = 200;

fn check_position(p: &Position, path: &str) -> Result<(), StatementError> {
    if !(p.lon.is_finite() && (-180.0..=180.0).contains(&p.lon)) {
        return Err(field(
            format!("{path}.lon"),
            format!("{} is not a longitude (-180 to 180)", p.lon),
        ));
    }
    if !(p.lat.is_finite() && (-90.0..=90.0).contains(&p.lat)) {
        return Err(field(
            format!("{path}.lat"),
            format!("{} is not a latitude (-90 to 90)", p.lat),
        ));
    }
    if !(p.uncertainty_m.is_finite() && p.uncertainty_m >= 0.0) {
        return Err(field(
            format!("{path}.uncertainty_m"),
            "must be a distance in metres, 0 or more",
        ));
    }
    Ok(())
}

/// A declaration's own rules: sites named once, serial numbers once in the
/// whole declaration and one for each weapon when given, so that a visit
/// can be held against it without ambiguity.
fn check_declaration(d: &Declaration) -> Result<(), StatementError> {
    if d.sites.is_empty() {
        return Err(field("body.sites", "declares at least one site"));
    }
    if d.sites.len() > MAX_DECLARED_SITES {
        return Err(field(
            "body.sites",
            format!("at most {MAX_DECLARED_SITES} sites in one declaration"),
        ));
    }
    let mut ids = BTreeSet::new();
    let mut serials: std::collections::BTreeMap<&str, String> = Default::default();
    for (i, site) in d.sites.iter().enumerate() {
        let at = format!("body.sites[{i}]");
        if site.id.trim().is_empty() {
            return Err(field(format!("{at}.id"), "a site has an id"));
        }
        if !ids.insert(site.id.as_str()) {
            return Err(field(
                format!("{at}.id"),
                format!("site `{}` is declared twice", site.id),
            ));
        }
        check_position(&site.position, &format!("{at}.position"))?;
        let mut systems = BTreeSet::new();
        for (j, item) in site.inventory.iter().enumerate() {
            let at = format!("{at}.inventory[{j}]");
            if !systems.insert(item.system.as_str()) {
                return Err(field(
                    format!("{at}.system"),
                    format!(
                        "`{}` is listed twice at site `{}`: one item per system",
                        item.system, site.id
                    ),
                ));
            }
            if !item.serials.is_empty() && item.serials.len() != item.count as usize {
                return Err(field(
                    format!("{at}.serials"),
                    format!(
                        "{} serial numbers for a count of {}: none, or one for each",
                        item.serials.len(),
                        item.count
                    ),
                ));
            }
            for (k, serial) in item.serials.iter().enumerate() {
                let here = format!("{at}.serials[{k}]");
                if let Some(first) = serials.insert(serial.as_str(), here.clone()) {
                    return Err(field(
                        here,
                        format!("serial number `{serial}` is declared twice (first at {first})"),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn check_observation(o: &Observation, d: &Details) -> Result<(), StatementError> {
    let p = &o.position;
    if !(p.lon.is_finite() && (-180.0..=180.0).contains(&p.lon)) {
        return Err(field(
            "body.position.lon",
            format!("{} is not a longitude (-180 to 180)", p.lon),
        ));
    }
    if !(p.lat.is_finite() && (-90.0..=90.0).contains(&p.lat)) {
        return Err(field(
            "body.position.lat",
            format!("{} is not a latitude (-90 to 90)", p.lat),
        ));
    }
    if !(p.uncertainty_m.is_finite() && p.uncertainty_m >= 0.0) {
        return Err(field(
            "body.position.uncertainty_m",
            "must be a distance in metres, 0 or more",
        ));
    }
    if let Some(observer) = &o.observer {
        check_position(observer, "body.observer")?;
    }
    if let Some(to) = o.observed.to
        && to < o.observed.from
    {
        return Err(field("body.observed.to", "ends before it starts"));
    }
    let angle = |v: Option<f64>, path: &str| match v {
        Some(a) if !(a.is_finite() && (0.0..360.0).contains(&a)) => Err(field(
            path,
            format!("{a} is not a bearing in degrees (0 to 360)"),
        )),
        _ => Ok(()),
    };
    let nonneg = |v: Option<f64>, path: &str| match v {
        Some(a) if !(a.is_finite() && a >= 0.0) => {
            Err(field(path, format!("{a} must be 0 or more")))
        }
        _ => Ok(()),
    };
    match d {
        Details::CeasefireViolation(v) => {
            if v.events.is_empty() {
                return Err(field("body.details.events", "lists at least one event"));
            }
            for (i, e) in v.events.iter().enumerate() {
                if e.count == 0 {
                    return Err(field(
                        format!("body.details.events[{i}].count"),
                        "must be at least 1",
                    ));
                }
                angle(
                    e.bearing_deg,
                    &format!("body.details.events[{i}].bearing_deg"),
                )?;
                nonneg(
                    e.distance_km,
                    &format!("body.details.events[{i}].distance_km"),
                )?;
            }
        }
        Details::WeaponSighting(w) => {
            if w.count == 0 {
                return Err(field("body.details.count", "must be at least 1"));
            }
            nonneg(w.calibre_mm, "body.details.calibre_mm")?;
        }
        Details::TroopMovement(t) => angle(t.heading_deg, "body.details.heading_deg")?,
        Details::Handover(h) if h.from == h.to => {
            return Err(field(
                "body.details.to",
                format!("`{}` hands the area over to itself", h.from),
            ));
        }
        Details::DisplacedReturn(r) => {
            if r.individuals == 0 {
                return Err(field("body.details.individuals", "must be at least 1"));
            }
            if let Some(h) = r.households
                && (h == 0 || h > r.individuals)
            {
                return Err(field(
                    "body.details.households",
                    format!(
                        "{h} households of {} individuals: from 1 to the number of individuals",
                        r.individuals
                    ),
                ));
            }
        }
        Details::RemainsExchange(r) if r.count == 0 => {
            return Err(field("body.details.count", "must be at least 1"));
        }
        Details::LocalisedCeasefire(l) => match l.window.to {
            None => {
                return Err(field(
                    "body.details.window.to",
                    "a window of silence says when it ends: `to` is required",
                ));
            }
            Some(to) if to < l.window.from => {
                return Err(field("body.details.window.to", "ends before it starts"));
            }
            Some(_) => {}
        },
        Details::StorageVisit(v) => {
            if v.access == Access::Denied && !v.found.is_empty() {
                return Err(field(
                    "body.details.found",
                    "access was denied: nothing can have been found",
                ));
            }
            for (i, item) in v.found.iter().enumerate() {
                if !item.serials.is_empty() && item.serials.len() > item.count as usize {
                    return Err(field(
                        format!("body.details.found[{i}].serials"),
                        format!(
                            "{} serial numbers for a count of {}",
                            item.serials.len(),
                            item.count
                        ),
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// A statement with its signed note: a log entry.
#[derive(Clone, Debug, PartialEq)]
pub struct SignedStatement {
    pub statement: Statement,
    pub note: Note,
}

impl SignedStatement {
    /// Signs a statement, making a note with one signature line.
    pub fn sign(
        statement: Statement,
        signer: &dyn NoteSigner,
    ) -> Result<SignedStatement, StatementError> {
        let mut note = Note::new(format!("{}\n", statement.canonical()))?;
        note.sign(signer)?;
        let s = SignedStatement { statement, note };
        s.check_size()?;
        Ok(s)
    }

    /// Adds another signer's line (a co-signature).
    pub fn cosign(&mut self, signer: &dyn NoteSigner) -> Result<(), StatementError> {
        self.note.sign(signer)?;
        self.check_size()
    }

    fn check_size(&self) -> Result<(), StatementError> {
        let size = self.note.to_bytes().len();
        if size > MAX_ENTRY_SIZE {
            return Err(StatementError::TooLarge { size });
        }
        Ok(())
    }

    /// Parses a log entry: the note, the JSON, every field, canonical form.
    /// No signature is verified here (see [`SignedStatement::verified_signers`]).
    pub fn parse(entry: &[u8]) -> Result<SignedStatement, StatementError> {
        if entry.len() > MAX_ENTRY_SIZE {
            return Err(StatementError::TooLarge { size: entry.len() });
        }
        let note = Note::parse(entry)?;
        let text = note.text();
        let json = text.strip_suffix('\n').unwrap_or(text);
        let statement = Statement::from_json(json.as_bytes())?;
        let canonical = statement.canonical();
        if canonical != json {
            return Err(StatementError::NotCanonical { canonical });
        }
        Ok(SignedStatement { statement, note })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        self.note.to_bytes()
    }

    /// The statement's identity: SHA-256 of its signed text (signatures
    /// excluded, so co-signing does not change it).
    pub fn digest(&self) -> Digest {
        Digest::of(self.note.text().as_bytes())
    }

    /// Which of `keys` signed it. Every signature by a known key must verify
    /// (strictly); signatures by unknown keys are ignored. Errors if a known
    /// key's signature is bad or no known key signed.
    pub fn verified_signers(
        &self,
        keys: &[&dyn NoteVerifier],
    ) -> Result<BTreeSet<String>, StatementError> {
        let v = self.note.verify(keys)?;
        Ok(v.verified
            .iter()
            .map(|&i| self.note.signatures()[i].name.clone())
            .collect())
    }
}

/// The JSON Schema of statements (draft 2020-12), generated from the types
/// that parse them, so the two cannot drift apart.
pub fn json_schema() -> Value {
    let mut generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let mut kinds = Vec::new();
    let mut body_schema = |kind: Kind, s: schemars::Schema| {
        kinds.push(serde_json::json!({
            "if": {"properties": {"kind": {"const": kind.name()}}},
            "then": {"properties": {"body": s}},
        }));
    };
    body_schema(Kind::Adoption, generator.subschema_for::<Adoption>());
    body_schema(
        Kind::Accreditation,
        generator.subschema_for::<Accreditation>(),
    );
    body_schema(Kind::Observation, generator.subschema_for::<Observation>());
    body_schema(
        Kind::Corroboration,
        generator.subschema_for::<Corroboration>(),
    );
    body_schema(Kind::Dispute, generator.subschema_for::<Dispute>());
    body_schema(
        Kind::Certification,
        generator.subschema_for::<Certification>(),
    );
    body_schema(Kind::Amendment, generator.subschema_for::<Amendment>());
    body_schema(Kind::Status, generator.subschema_for::<Status>());
    body_schema(Kind::Coverage, generator.subschema_for::<Coverage>());
    body_schema(Kind::Control, generator.subschema_for::<Control>());
    body_schema(Kind::Declaration, generator.subschema_for::<Declaration>());
    let mut details = Vec::new();
    let mut detail = |c: Category, s: schemars::Schema| {
        details.push(serde_json::json!({
            "if": {"properties": {"kind": {"const": "observation"}, "body": {"properties": {"category": {"const": c.name()}}}}},
            "then": {"properties": {"body": {"properties": {"details": s}}}},
        }));
    };
    detail(
        Category::CeasefireViolation,
        generator.subschema_for::<CeasefireViolation>(),
    );
    detail(
        Category::WeaponSighting,
        generator.subschema_for::<WeaponSighting>(),
    );
    detail(
        Category::TroopMovement,
        generator.subschema_for::<TroopMovement>(),
    );
    detail(
        Category::FreedomOfMovement,
        generator.subschema_for::<FreedomOfMovement>(),
    );
    detail(
        Category::CivilianCasualties,
        generator.subschema_for::<CivilianCasualties>(),
    );
    detail(
        Category::InfrastructureDamage,
        generator.subschema_for::<InfrastructureDamage>(),
    );
    detail(
        Category::CrossingStatus,
        generator.subschema_for::<CrossingStatus>(),
    );
    detail(
        Category::DisengagementPresence,
        generator.subschema_for::<DisengagementPresence>(),
    );
    detail(
        Category::WithdrawalVerified,
        generator.subschema_for::<WithdrawalVerified>(),
    );
    detail(
        Category::PrisonerExchange,
        generator.subschema_for::<PrisonerExchange>(),
    );
    detail(Category::Handover, generator.subschema_for::<Handover>());
    detail(
        Category::DisplacedReturn,
        generator.subschema_for::<DisplacedReturn>(),
    );
    detail(
        Category::RemainsExchange,
        generator.subschema_for::<RemainsExchange>(),
    );
    detail(
        Category::ForcePresence,
        generator.subschema_for::<ForcePresence>(),
    );
    detail(
        Category::RouteStatus,
        generator.subschema_for::<RouteStatus>(),
    );
    detail(Category::MinesUxo, generator.subschema_for::<MinesUxo>());
    detail(
        Category::LocalisedCeasefire,
        generator.subschema_for::<LocalisedCeasefire>(),
    );
    detail(
        Category::StorageVisit,
        generator.subschema_for::<StorageVisit>(),
    );
    let kind_names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
    let defs: Map<String, Value> = generator
        .take_definitions(true)
        .into_iter()
        .collect::<Map<String, Value>>();
    let mut all_of = kinds;
    all_of.extend(details);
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://accord.example/schemas/statement.schema.json",
        "title": "accord statement",
        "description": "The JSON text of an accord statement. In the log it is in RFC 8785 canonical form and is the text of a C2SP signed note.",
        "type": "object",
        "additionalProperties": false,
        "required": ["v", "kind", "agreement", "issued_at", "body"],
        "properties": {
            "v": {"const": FORMAT},
            "kind": {"enum": kind_names},
            "agreement": {"$ref": "#/$defs/Digest"},
            "issued_at": {"$ref": "#/$defs/Time"},
            "body": {"type": "object"},
        },
        "allOf": all_of,
        "$defs": defs,
    })
}

impl Statement {
    /// Checks the names a statement uses against its agreement: weapon
    /// classes, crossings and areas, parties, organisations, the
    /// transitions, tranches and guarantees certified, and the area whose
    /// control changes. (Signatures and
    /// accreditation are checked against the log, by the evaluator.)
    pub fn check_against(&self, a: &crate::agreement::Agreement) -> Result<(), StatementError> {
        use crate::agreement::ZoneKind;
        let party = |p: &str, path: &str| -> Result<(), StatementError> {
            if a.parties.contains_key(p) {
                Ok(())
            } else {
                Err(field(
                    path,
                    format!("`{p}` is not a party to the agreement"),
                ))
            }
        };
        let class = |c: &str, path: &str| -> Result<(), StatementError> {
            if a.weapon_classes.contains_key(c) {
                Ok(())
            } else {
                let known: Vec<&str> = a.weapon_classes.keys().map(String::as_str).collect();
                Err(field(
                    path,
                    format!(
                        "`{c}` is not a weapon class of the agreement (known: {})",
                        known.join(", ")
                    ),
                ))
            }
        };
        let zone = |z: &str, kind: ZoneKind, path: &str| -> Result<(), StatementError> {
            match a.zones.get(z) {
                Some(zz) if zz.kind == kind => Ok(()),
                _ => {
                    let known: Vec<&str> = a
                        .zones
                        .values()
                        .filter(|x| x.kind == kind)
                        .map(|x| x.id.get_ref().as_str())
                        .collect();
                    Err(field(
                        path,
                        format!(
                            "`{z}` is not a {} of the agreement (known: {})",
                            kind.name(),
                            known.join(", ")
                        ),
                    ))
                }
            }
        };
        match &self.body {
            Body::Adoption(ad) => {
                if &ad.title != a.title.get_ref() || &ad.version != a.version.get_ref() {
                    return Err(field(
                        "body",
                        format!(
                            "adopts \"{}\" {}, but the agreement is \"{}\" {}",
                            ad.title,
                            ad.version,
                            a.title.get_ref(),
                            a.version.get_ref()
                        ),
                    ));
                }
            }
            Body::Accreditation(ac) => {
                if !a.organisations.contains_key(&ac.organisation) {
                    return Err(field(
                        "body.organisation",
                        format!(
                            "`{}` is not an organisation of the agreement",
                            ac.organisation
                        ),
                    ));
                }
            }
            Body::Observation(o, d) => {
                if let Some(r) = o.assessment.as_ref().and_then(|x| x.responsible.as_deref()) {
                    party(r, "body.assessment.responsible")?;
                }
                match d {
                    Details::CeasefireViolation(v) => {
                        for (i, e) in v.events.iter().enumerate() {
                            if let Some(c) = &e.weapon_class
                                && !a.weapon_classes.contains_key(c)
                            {
                                class(c, &format!("body.details.events[{i}].weapon_class"))?;
                            }
                        }
                    }
                    Details::WeaponSighting(w) => {
                        if let Some(c) = &w.weapon_class {
                            class(c, "body.details.weapon_class")?;
                        }
                    }
                    Details::WithdrawalVerified(w) => {
                        class(&w.weapon_class, "body.details.weapon_class")?
                    }
                    Details::CrossingStatus(c) => {
                        zone(&c.crossing, ZoneKind::Crossing, "body.details.crossing")?
                    }
                    Details::DisengagementPresence(dp) => {
                        zone(&dp.area, ZoneKind::DisengagementArea, "body.details.area")?
                    }
                    Details::PrisonerExchange(p) => {
                        party(&p.released_by, "body.details.released_by")?
                    }
                    Details::RemainsExchange(r) => {
                        party(&r.released_by, "body.details.released_by")?
                    }
                    Details::Handover(h) => {
                        match a.zones.get(&h.area) {
                            Some(z) if !z.kind.is_line() && z.kind != ZoneKind::Route => {}
                            _ => {
                                let known: Vec<&str> = a
                                    .zones
                                    .values()
                                    .filter(|x| !x.kind.is_line() && x.kind != ZoneKind::Route)
                                    .map(|x| x.id.get_ref().as_str())
                                    .collect();
                                return Err(field(
                                    "body.details.area",
                                    format!(
                                        "`{}` is not an area of the agreement (known: {})",
                                        h.area,
                                        known.join(", ")
                                    ),
                                ));
                            }
                        }
                        party(&h.from, "body.details.from")?;
                        party(&h.to, "body.details.to")?;
                    }
                    Details::RouteStatus(r) => {
                        zone(&r.route, ZoneKind::Route, "body.details.route")?
                    }
                    _ => {}
                }
            }
            Body::Corroboration(c) => {
                if let Some(r) = c.assessment.as_ref().and_then(|x| x.responsible.as_deref()) {
                    party(r, "body.assessment.responsible")?;
                }
            }
            Body::Dispute(d) => {
                if let Some(r) = d.assessment.as_ref().and_then(|x| x.responsible.as_deref()) {
                    party(r, "body.assessment.responsible")?;
                }
            }
            Body::Certification(c) => {
                let (ok, what) = match c.of {
                    CertificationOf::Transition => {
                        (a.transitions.contains_key(&c.target), "transition")
                    }
                    CertificationOf::Tranche | CertificationOf::ContinueRelief => {
                        (a.relief.contains_key(&c.target), "relief tranche")
                    }
                    CertificationOf::SnapbackNotice => (
                        a.relief
                            .get(&c.target)
                            .is_some_and(|t| t.snapback.is_some()),
                        "relief tranche with snapback",
                    ),
                    CertificationOf::GuaranteeDecision => {
                        (a.guarantees.contains_key(&c.target), "guarantee")
                    }
                };
                if !ok {
                    return Err(field(
                        "body.target",
                        format!("`{}` is not a {what} of the agreement", c.target),
                    ));
                }
            }
            Body::Coverage(c) => {
                for (i, z) in c.zones.iter().enumerate() {
                    match a.zones.get(z) {
                        Some(zz) if !zz.kind.is_line() => {}
                        _ => {
                            let known: Vec<&str> = a
                                .zones
                                .values()
                                .filter(|x| !x.kind.is_line())
                                .map(|x| x.id.get_ref().as_str())
                                .collect();
                            return Err(field(
                                format!("body.zones[{i}]"),
                                format!(
                                    "`{z}` is not an area of the agreement (known: {})",
                                    known.join(", ")
                                ),
                            ));
                        }
                    }
                }
            }
            Body::Control(c) => {
                match a.zones.get(&c.area) {
                    Some(z) if z.is_area() => {}
                    _ => {
                        let known: Vec<&str> = a
                            .zones
                            .values()
                            .filter(|z| z.is_area())
                            .map(|z| z.id.get_ref().as_str())
                            .collect();
                        return Err(field(
                            "body.area",
                            format!(
                                "`{}` is not an area of the agreement (a zone drawn as polygons; known: {})",
                                c.area,
                                known.join(", ")
                            ),
                        ));
                    }
                }
                party(&c.to, "body.to")?;
            }
            Body::Declaration(d) => {
                party(&d.party, "body.party")?;
                for (i, site) in d.sites.iter().enumerate() {
                    for (j, item) in site.inventory.iter().enumerate() {
                        if let Some(c) = &item.weapon_class {
                            class(c, &format!("body.sites[{i}].inventory[{j}].weapon_class"))?;
                        }
                    }
                }
            }
            Body::Amendment(_) | Body::Status(_) => {}
        }
        Ok(())
    }
}
