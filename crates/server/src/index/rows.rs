//! What the index holds: a row per log entry, and a row per observation
//! as the evaluator sees it now.

use accord::evaluate::{DisputeState, Evaluator, Obs};
use accord::statement::{Category, Confidence, Digest, Kind, Sensor, Time};
use serde::{Deserialize, Serialize};

use super::IndexError;
use super::db::{Get, Val};

/// A log entry: what it is and whether the evaluator accepted it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatementRow {
    pub index: u64,
    /// RFC 6962's leaf hash of the entry, `SHA-256(0x00 || entry)`: what
    /// an inclusion proof proves.
    #[serde(with = "hex32")]
    pub entry_hash: [u8; 32],
    /// The statement's digest (SHA-256 of its signed text); none for an
    /// entry that is not a statement.
    pub digest: Option<Digest>,
    pub kind: Option<Kind>,
    pub issued_at: Option<Time>,
    /// The names on its signature lines, as written (which of them
    /// verified, the evaluator decided; accepted says whether enough did).
    pub signers: Vec<String>,
    pub accepted: bool,
    /// Why it was refused.
    pub refused: Option<Refusal>,
}

/// Why an entry was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// The kind of refusal (`duplicate`, `dated_ahead`, ...), as the
    /// status counts them.
    pub kind: String,
    /// The evaluator's reason, in words; none past the first 10,000
    /// refusals, whose reasons the evaluator does not keep.
    pub why: Option<String>,
}

/// What can be said of an observation now, to filter on. One of four, the
/// first that applies:
///
/// - `withdrawn`: a dispute of it was upheld; it no longer counts.
/// - `disputed`: a dispute of it is open (it may be verified too).
/// - `verified`: verified under the agreement's rules.
/// - `reported`: none of these: reported, not (yet) verified.
///
/// A dispute that failed, was withdrawn or was not decided in time leaves
/// it `verified` or `reported`, as it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Reported,
    Verified,
    Disputed,
    Withdrawn,
}

impl Standing {
    pub const ALL: [Standing; 4] = [
        Standing::Reported,
        Standing::Verified,
        Standing::Disputed,
        Standing::Withdrawn,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Standing::Reported => "reported",
            Standing::Verified => "verified",
            Standing::Disputed => "disputed",
            Standing::Withdrawn => "withdrawn",
        }
    }

    pub fn from_name(name: &str) -> Option<Standing> {
        Standing::ALL.into_iter().find(|s| s.name() == name)
    }

    /// An observation's standing now.
    pub fn of(o: &Obs) -> Standing {
        match o.dispute {
            DisputeState::Upheld => Standing::Withdrawn,
            DisputeState::Open { .. } => Standing::Disputed,
            _ if o.verified_at.is_some() => Standing::Verified,
            _ => Standing::Reported,
        }
    }
}

/// Events an observation reports: their type (when the category has
/// types) and how many.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub count: u64,
}

/// An accepted observation as the evaluator sees it now: where and when,
/// who reported it, who is held responsible and how, and its standing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObservationRow {
    /// Its log index.
    pub index: u64,
    pub digest: Digest,
    pub category: Category,
    /// When it was observed (the start of the observation).
    pub observed: Time,
    pub issued: Time,
    /// The reporting period (day) it falls in, in the agreement's time
    /// zone.
    pub period: String,
    pub lon: f64,
    pub lat: f64,
    /// The agreement's zones it is in.
    pub zones: Vec<String>,
    /// Who held the ground there when it was observed.
    pub controlled_by: Option<String>,
    /// The party held responsible, if any, and how that was decided
    /// (`assessment`, `location`, `dispute`, ...) and how surely.
    pub responsible: Option<String>,
    pub confidence: Option<Confidence>,
    pub attribution: String,
    /// The organisation that reported it.
    pub reporter: String,
    /// The reporter and the organisations that corroborated it.
    pub organisations: Vec<String>,
    pub sensor: Sensor,
    /// Whether it references evidence (photos, video, imagery).
    pub evidence: bool,
    pub standing: Standing,
    /// Whether it counts as a verified fact: verified, and no dispute of
    /// it upheld.
    pub verified: bool,
    /// The entry that verified it.
    pub verified_at: Option<u64>,
    /// An open dispute's deadline, and who lodged it.
    pub dispute_until: Option<Time>,
    pub disputed_by: Option<String>,
    /// Corroborations that disagreed, and disputes lodged.
    pub dissent: u32,
    pub weapon_class: Option<String>,
    pub events: Vec<Event>,
}

impl ObservationRow {
    /// The row of an observation of the evaluator's state.
    pub fn of(ev: &Evaluator<'_>, o: &Obs) -> ObservationRow {
        let (dispute_until, disputed_by) = match &o.dispute {
            DisputeState::Open {
                lodged_by, until, ..
            } => (Some(Time(*until)), Some(lodged_by.clone())),
            _ => (None, None),
        };
        ObservationRow {
            index: o.index,
            digest: o.digest,
            category: o.category,
            observed: Time(o.observed),
            issued: Time(o.issued),
            period: o.period.to_string(),
            lon: o.lon,
            lat: o.lat,
            zones: o.zones.clone(),
            controlled_by: o.controlled_by.clone(),
            responsible: o.responsible.clone(),
            confidence: o.confidence,
            attribution: o.attribution.clone(),
            reporter: ev.organisation(o.reporter).to_string(),
            organisations: o
                .orgs
                .iter()
                .map(|id| ev.organisation(id).to_string())
                .collect(),
            sensor: o.sensor,
            evidence: o.evidence,
            standing: Standing::of(o),
            verified: o.counts(),
            verified_at: o.verified_at,
            dispute_until,
            disputed_by,
            dissent: o.dissent,
            weapon_class: o.weapon_class.clone(),
            events: o
                .events
                .iter()
                .map(|(kind, count)| Event {
                    kind: kind.clone(),
                    count: *count,
                })
                .collect(),
        }
    }

    /// Its values, in the order of the observation columns.
    pub(super) fn params(&self) -> Vec<Val> {
        vec![
            Val::int(self.index),
            Val::bytes(&self.digest.0),
            Val::text(self.category.name()),
            Val::Int(Some(self.observed.0.as_second())),
            Val::Int(Some(self.issued.0.as_second())),
            Val::text(&self.period),
            Val::Real(self.lon),
            Val::Real(self.lat),
            Val::Text(Some(json(&self.zones))),
            Val::Text(self.controlled_by.clone()),
            Val::Text(self.responsible.clone()),
            Val::Text(self.confidence.map(name_of)),
            Val::text(&self.attribution),
            Val::text(&self.reporter),
            Val::Text(Some(json(&self.organisations))),
            Val::Text(Some(name_of(self.sensor))),
            Val::Bool(self.evidence),
            Val::text(self.standing.name()),
            Val::Bool(self.verified),
            Val::Int(self.verified_at.map(|v| v as i64)),
            Val::Int(self.dispute_until.map(|t| t.0.as_second())),
            Val::Text(self.disputed_by.clone()),
            Val::Int(Some(i64::from(self.dissent))),
            Val::Text(self.weapon_class.clone()),
            Val::Text(Some(json(&self.events))),
        ]
    }

    pub(super) fn read(r: &dyn Get) -> Result<ObservationRow, IndexError> {
        Ok(ObservationRow {
            index: index(r, 0)?,
            digest: Digest(hash32(need(r.bytes(1)?, "digest")?, "digest")?),
            category: parse_name(&need(r.text(2)?, "category")?)?,
            observed: time(need(r.int(3)?, "observed")?)?,
            issued: time(need(r.int(4)?, "issued")?)?,
            period: need(r.text(5)?, "period")?,
            lon: r.real(6)?,
            lat: r.real(7)?,
            zones: from_json(&need(r.text(8)?, "zones")?)?,
            controlled_by: r.text(9)?,
            responsible: r.text(10)?,
            confidence: r.text(11)?.map(|c| parse_name(&c)).transpose()?,
            attribution: need(r.text(12)?, "attribution")?,
            reporter: need(r.text(13)?, "reporter")?,
            organisations: from_json(&need(r.text(14)?, "organisations")?)?,
            sensor: parse_name(&need(r.text(15)?, "sensor")?)?,
            evidence: r.boolean(16)?,
            standing: {
                let s = need(r.text(17)?, "standing")?;
                Standing::from_name(&s)
                    .ok_or_else(|| IndexError::Corrupt(format!("standing {s:?}")))?
            },
            verified: r.boolean(18)?,
            verified_at: r.int(19)?.map(u64_of).transpose()?,
            dispute_until: r.int(20)?.map(time).transpose()?,
            disputed_by: r.text(21)?,
            dissent: u32::try_from(need(r.int(22)?, "dissent")?)
                .map_err(|_| IndexError::Corrupt("dissent".into()))?,
            weapon_class: r.text(23)?,
            events: from_json(&need(r.text(24)?, "events")?)?,
        })
    }
}

impl StatementRow {
    pub(super) fn params(&self) -> Vec<Val> {
        vec![
            Val::int(self.index),
            Val::bytes(&self.entry_hash),
            Val::Bytes(self.digest.map(|d| d.0.to_vec())),
            Val::Text(self.kind.map(|k| k.name().to_string())),
            Val::Int(self.issued_at.map(|t| t.0.as_second())),
            Val::Text(Some(json(&self.signers))),
            Val::Bool(self.accepted),
            Val::Text(self.refused.as_ref().map(|r| r.kind.clone())),
            Val::Text(self.refused.as_ref().and_then(|r| r.why.clone())),
        ]
    }

    pub(super) fn read(r: &dyn Get) -> Result<StatementRow, IndexError> {
        let refused = match r.text(7)? {
            Some(kind) => Some(Refusal {
                kind,
                why: r.text(8)?,
            }),
            None => None,
        };
        Ok(StatementRow {
            index: index(r, 0)?,
            entry_hash: hash32(need(r.bytes(1)?, "entry_hash")?, "entry_hash")?,
            digest: r
                .bytes(2)?
                .map(|b| hash32(b, "digest").map(Digest))
                .transpose()?,
            kind: r.text(3)?.map(|k| parse_name(&k)).transpose()?,
            issued_at: r.int(4)?.map(time).transpose()?,
            signers: from_json(&need(r.text(5)?, "signers")?)?,
            accepted: r.boolean(6)?,
            refused,
        })
    }
}

fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("plain data serialises")
}

fn from_json<T: for<'de> Deserialize<'de>>(s: &str) -> Result<T, IndexError> {
    serde_json::from_str(s).map_err(|e| IndexError::Corrupt(format!("{s:?}: {e}")))
}

/// A unit enum's serde name (`open_source`, `high`).
fn name_of<T: Serialize>(v: T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => unreachable!("unit variants serialise as strings"),
    }
}

fn parse_name<T: for<'de> Deserialize<'de>>(s: &str) -> Result<T, IndexError> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|e| IndexError::Corrupt(format!("{s:?}: {e}")))
}

fn need<T>(v: Option<T>, column: &str) -> Result<T, IndexError> {
    v.ok_or_else(|| IndexError::Corrupt(format!("{column} is null")))
}

fn u64_of(v: i64) -> Result<u64, IndexError> {
    u64::try_from(v).map_err(|_| IndexError::Corrupt(format!("a negative index {v}")))
}

fn index(r: &dyn Get, i: usize) -> Result<u64, IndexError> {
    u64_of(need(r.int(i)?, "idx")?)
}

fn time(s: i64) -> Result<Time, IndexError> {
    jiff::Timestamp::from_second(s)
        .map(Time)
        .map_err(|e| IndexError::Corrupt(format!("time {s}: {e}")))
}

fn hash32(b: Vec<u8>, column: &str) -> Result<[u8; 32], IndexError> {
    b.try_into()
        .map_err(|_| IndexError::Corrupt(format!("{column} is not 32 bytes")))
}

/// A 32-byte hash as lowercase hex.
pub(super) mod hex32 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(h: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&accord::statement::Digest(*h).hex())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let s = String::deserialize(d)?;
        let bad = || serde::de::Error::custom("not 64 hex digits");
        if s.len() != 64 {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (k, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(s.get(2 * k..2 * k + 2).ok_or_else(bad)?, 16)
                .map_err(|_| bad())?;
        }
        Ok(out)
    }
}
