//! The bodies of statements, one type per kind, and the observation
//! taxonomy, following what ceasefire monitoring missions record (the OSCE
//! Special Monitoring Mission's daily reports: ceasefire violations by type
//! with counts, direction and distance; weapons seen in violation of
//! withdrawal lines or missing from storage; restrictions of the monitors'
//! freedom of movement; civilian casualties; damage; crossings).
//!
//! Every type rejects unknown fields, so a typo is an error that names the
//! field, never a silently ignored value.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::vocab::{Category, Digest, Sensor};

/// An instant, written in UTC to the second: `2026-03-01T04:30:00Z`. One
/// form only, so that a statement has one canonical spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub jiff::Timestamp);

impl Time {
    /// The earliest time a statement may name: 1 January 1900.
    pub const EARLIEST: i64 = -2_208_988_800;
    /// The first instant a statement may not name: 1 January 2200. Times
    /// are bounded so that no statement can move an evaluation centuries
    /// away, and no arithmetic on them can leave the calendar.
    pub const END: i64 = 7_258_118_400;

    pub fn parse(s: &str) -> Result<Time, String> {
        let t = jiff::Timestamp::from_str(s).map_err(|e| format!("not an RFC 3339 time: {e}"))?;
        let t = Time(t);
        if t.to_string() != s {
            return Err(format!("times are written in UTC to the second, as {t}"));
        }
        if !(Time::EARLIEST..Time::END).contains(&t.0.as_second()) {
            return Err(format!(
                "{t} is not a time a statement may name (from 1900-01-01 to 2199-12-31)"
            ));
        }
        Ok(t)
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.strftime("%Y-%m-%dT%H:%M:%SZ"))
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
        let s = String::deserialize(d)?;
        Time::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Time {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Time".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "UTC to the second, e.g. 2026-03-01T04:30:00Z",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"
        })
    }
}

/// What kind of statement it is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Adoption,
    Accreditation,
    Observation,
    Corroboration,
    Dispute,
    Certification,
    Amendment,
    Status,
    Coverage,
    Control,
    Declaration,
}

impl Kind {
    pub const ALL: [Kind; 11] = [
        Kind::Adoption,
        Kind::Accreditation,
        Kind::Observation,
        Kind::Corroboration,
        Kind::Dispute,
        Kind::Certification,
        Kind::Amendment,
        Kind::Status,
        Kind::Coverage,
        Kind::Control,
        Kind::Declaration,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Kind::Adoption => "adoption",
            Kind::Accreditation => "accreditation",
            Kind::Observation => "observation",
            Kind::Corroboration => "corroboration",
            Kind::Dispute => "dispute",
            Kind::Certification => "certification",
            Kind::Amendment => "amendment",
            Kind::Status => "status",
            Kind::Coverage => "coverage",
            Kind::Control => "control",
            Kind::Declaration => "declaration",
        }
    }
}

/// The adoption of the agreement, signed by every signatory; the log's
/// first statement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Adoption {
    /// The agreement's title, for readers of the log.
    pub title: String,
    /// The agreement's version.
    pub version: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccreditationAction {
    Grant,
    Revoke,
}

/// A monitor's key added to or removed from an organisation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Accreditation {
    pub action: AccreditationAction,
    /// The organisation's id in the agreement.
    pub organisation: String,
    /// The monitor's verifier key (`name+hash+base64`).
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Where: WGS 84 longitude and latitude in degrees, and how uncertain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Position {
    pub lon: f64,
    pub lat: f64,
    /// Radius, in metres, within which the event is believed to be.
    pub uncertainty_m: f64,
}

/// When: an instant, or an interval from `from` to `to`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Interval {
    pub from: Time,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Time>,
}

/// Evidence kept outside the log, named by its SHA-256.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub sha256: Digest,
    /// e.g. `image/jpeg`, `video/mp4`.
    pub media_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Low,
    Medium,
    High,
    Confirmed,
}

/// Who the observer believes is responsible, and how sure: kept apart from
/// the raw facts, so that counts and attributions can each be read (and
/// disputed) on their own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// A party id, or null when responsibility cannot be determined.
    pub responsible: Option<String>,
    pub confidence: Confidence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Credibility {
    /// Confirmed by several independent sources.
    Confirmed,
    /// One credible source.
    Probable,
    /// Reported, not confirmed.
    Possible,
    Doubtful,
}

/// Where an open-source observation came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// e.g. `ucdp-ged`, `acled`.
    pub dataset: String,
    /// The dataset's own identifier of the event: importing again adds nothing.
    pub id: String,
    pub credibility: Credibility,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
}

/// An observation: what was seen, where, when, how, and the evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    pub category: Category,
    pub observed: Interval,
    pub position: Position,
    /// Where the monitors were when they saw or heard it (the SMM's
    /// "positioned at ..."): what they could see depends on it, and the
    /// report's annex gives it beside the event's place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observer: Option<Position>,
    pub sensor: Sensor,
    /// Category-specific facts; their shape depends on `category`.
    pub details: serde_json::Value,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<Assessment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// The observer's own reference (patrol report number, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ViolationType {
    Explosion,
    ProjectileInFlight,
    MuzzleFlash,
    IlluminationFlare,
    Burst,
    Shot,
    Undetermined,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Outgoing,
    Incoming,
    Undetermined,
}

/// The kind of weapon a violation was made with, as far as the observer
/// can tell (the SMM's categories): independent of the agreement's weapon
/// classes, which are legal categories and may not distinguish them.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum WeaponKind {
    Artillery,
    Mortar,
    /// Multiple-launch rocket systems.
    Mlrs,
    Tank,
    SmallArms,
    AntiAircraft,
    GrenadeLauncher,
    Drone,
    Missile,
    Undetermined,
}

impl WeaponKind {
    pub const ALL: [WeaponKind; 10] = [
        WeaponKind::Artillery,
        WeaponKind::Mortar,
        WeaponKind::Mlrs,
        WeaponKind::Tank,
        WeaponKind::SmallArms,
        WeaponKind::AntiAircraft,
        WeaponKind::GrenadeLauncher,
        WeaponKind::Drone,
        WeaponKind::Missile,
        WeaponKind::Undetermined,
    ];
    /// Its name, as statements spell it.
    pub fn name(self) -> &'static str {
        match self {
            WeaponKind::Artillery => "artillery",
            WeaponKind::Mortar => "mortar",
            WeaponKind::Mlrs => "mlrs",
            WeaponKind::Tank => "tank",
            WeaponKind::SmallArms => "small_arms",
            WeaponKind::AntiAircraft => "anti_aircraft",
            WeaponKind::GrenadeLauncher => "grenade_launcher",
            WeaponKind::Drone => "drone",
            WeaponKind::Missile => "missile",
            WeaponKind::Undetermined => "undetermined",
        }
    }
}

impl ViolationType {
    pub const ALL: [ViolationType; 7] = [
        ViolationType::Explosion,
        ViolationType::ProjectileInFlight,
        ViolationType::MuzzleFlash,
        ViolationType::IlluminationFlare,
        ViolationType::Burst,
        ViolationType::Shot,
        ViolationType::Undetermined,
    ];
    /// Its name, as statements spell it.
    pub fn name(self) -> &'static str {
        match self {
            ViolationType::Explosion => "explosion",
            ViolationType::ProjectileInFlight => "projectile_in_flight",
            ViolationType::MuzzleFlash => "muzzle_flash",
            ViolationType::IlluminationFlare => "illumination_flare",
            ViolationType::Burst => "burst",
            ViolationType::Shot => "shot",
            ViolationType::Undetermined => "undetermined",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ViolationEvent {
    #[serde(rename = "type")]
    pub type_: ViolationType,
    pub count: u32,
    /// A weapon class of the agreement, when it can be told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weapon_class: Option<String>,
    /// The kind of weapon, when it can be told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weapon: Option<WeaponKind>,
    /// Bearing from the observer towards the origin, degrees from north.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bearing_deg: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
}

/// Ceasefire violations: explosions, projectiles, flashes, flares, bursts
/// and shots, with counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CeasefireViolation {
    pub events: Vec<ViolationEvent>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum WeaponStatus {
    /// Inside the withdrawal zone of its class.
    InViolationOfWithdrawalLine,
    /// Outside the agreed storage site.
    OutsideStorage,
    /// Listed at a storage site and not found there.
    MissingFromStorage,
    InStorage,
    InTransit,
    Other,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeaponSighting {
    /// e.g. `2S1 Gvozdika`, `BM-21 Grad`.
    pub system: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibre_mm: Option<f64>,
    pub count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weapon_class: Option<String>,
    pub status: WeaponStatus,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TroopMovement {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personnel: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vehicles: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading_deg: Option<f64>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Restriction {
    Denial,
    Delay,
    ConditionalAccess,
    UavJamming,
    FireAtUav,
    CameraInterference,
    Threat,
}

/// A restriction of the monitors' freedom of movement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FreedomOfMovement {
    pub restriction: Restriction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    Shelling,
    SmallArms,
    MineOrUxo,
    Airstrike,
    Missile,
    Drone,
    Other,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CivilianCasualties {
    pub killed: u32,
    pub injured: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Facility {
    Residential,
    Water,
    Power,
    Gas,
    School,
    Hospital,
    Road,
    Bridge,
    Other,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Damage {
    Minor,
    Major,
    Destroyed,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InfrastructureDamage {
    pub facility: Facility,
    pub damage: Damage,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CrossingState {
    Open,
    Restricted,
    Closed,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CrossingStatus {
    /// The crossing's zone id in the agreement.
    pub crossing: String,
    pub status: CrossingState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people_waiting: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vehicles_waiting: Option<u32>,
    /// How long those crossing waited, in minutes, as observed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_minutes: Option<u32>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MinesKind {
    /// Mines newly laid.
    NewMines,
    /// A minefield (marked or not) seen.
    Minefield,
    /// Unexploded ordnance.
    Uxo,
    /// Demining under way or done.
    Demining,
    /// Mine warning signs.
    WarningSigns,
}

impl MinesKind {
    pub const ALL: [MinesKind; 5] = [
        MinesKind::NewMines,
        MinesKind::Minefield,
        MinesKind::Uxo,
        MinesKind::Demining,
        MinesKind::WarningSigns,
    ];
    /// Its name, as statements spell it.
    pub fn name(self) -> &'static str {
        match self {
            MinesKind::NewMines => "new_mines",
            MinesKind::Minefield => "minefield",
            MinesKind::Uxo => "uxo",
            MinesKind::Demining => "demining",
            MinesKind::WarningSigns => "warning_signs",
        }
    }
}

/// Mines and unexploded ordnance: new mines, minefields, UXO, demining.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MinesUxo {
    pub kind: MinesKind,
    /// How many (mines, items of ordnance, signs), when counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// The area concerned, in square metres, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_m2: Option<u32>,
}

/// A localised ceasefire (a "window of silence") agreed so that a facility
/// can be repaired, and whether it held, as observed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalisedCeasefire {
    pub facility: Facility,
    /// When the window was agreed for: `from` and `to` (both required).
    pub window: Interval,
    /// Whether it held (null or absent: not known yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<bool>,
    /// What the window was for, in words (e.g. repairs to a pumping station).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Granted,
    Denied,
    /// Part of the site could be seen.
    Partial,
}

impl Access {
    pub fn name(self) -> &'static str {
        match self {
            Access::Granted => "granted",
            Access::Denied => "denied",
            Access::Partial => "partial",
        }
    }
}

/// Weapons found at a storage site.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FoundItem {
    /// e.g. `2S1 Gvozdika`, as the declaration names it.
    pub system: String,
    pub count: u32,
    /// The serial numbers read, when they could be.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub serials: Vec<String>,
}

/// A monitors' visit to a storage site a party declared: what was found.
/// The evaluator holds it against the declaration in force and records
/// what was absent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StorageVisit {
    /// The site's id, as a party's declaration names it.
    pub site: String,
    pub access: Access,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub found: Vec<FoundItem>,
    /// The site was found abandoned.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub abandoned: bool,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    ArmedPersonnel,
    MilitaryVehicles,
    HeavyWeapons,
    Fortification,
}

/// Military presence inside a disengagement area.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DisengagementPresence {
    /// The area's zone id in the agreement.
    pub area: String,
    pub presence: Presence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalVerified {
    pub weapon_class: String,
    pub count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_site: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrisonerExchange {
    /// The party releasing them.
    pub released_by: String,
    pub count: u32,
}

/// An area handed over from one party to another, as monitors saw it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Handover {
    /// The area's zone id in the agreement.
    pub area: String,
    /// The party handing it over (the one the obligation binds).
    pub from: String,
    /// The party receiving it.
    pub to: String,
    /// Whether the handover was completed (false: begun, or partial).
    pub completed: bool,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Population {
    Refugees,
    /// Internally displaced persons.
    Idps,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ReturnKind {
    /// Organised or facilitated (by UNHCR, a government, ...).
    Organised,
    Spontaneous,
}

/// Returns of refugees or internally displaced people, counted as UNHCR
/// counts them: individuals and, when known, households.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DisplacedReturn {
    pub individuals: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub households: Option<u32>,
    pub population: Population,
    pub kind: ReturnKind,
    /// Where they returned from, as a place name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Where they returned to, as a place name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// The remains of the dead handed over: kept apart from prisoners.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemainsExchange {
    /// The party handing them over.
    pub released_by: String,
    /// How many bodies.
    pub count: u32,
}

/// A force's presence, counted at a time: what is there, not what arrived,
/// so that it can be held against a ceiling.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForcePresence {
    /// Which force, e.g. `peacekeeping`.
    pub force: String,
    pub personnel: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vehicles: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub armoured_vehicles: Option<u32>,
}

/// Whether a transport route (a corridor, a road, a railway) is open.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteStatus {
    /// The route's zone id in the agreement.
    pub route: String,
    pub status: CrossingState,
    /// Vehicles seen passing while observed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vehicles_passed: Option<u32>,
}

/// An observation's details, by category.
#[derive(Clone, Debug, PartialEq)]
pub enum Details {
    CeasefireViolation(CeasefireViolation),
    WeaponSighting(WeaponSighting),
    TroopMovement(TroopMovement),
    FreedomOfMovement(FreedomOfMovement),
    CivilianCasualties(CivilianCasualties),
    InfrastructureDamage(InfrastructureDamage),
    CrossingStatus(CrossingStatus),
    DisengagementPresence(DisengagementPresence),
    WithdrawalVerified(WithdrawalVerified),
    PrisonerExchange(PrisonerExchange),
    Handover(Handover),
    DisplacedReturn(DisplacedReturn),
    RemainsExchange(RemainsExchange),
    ForcePresence(ForcePresence),
    RouteStatus(RouteStatus),
    MinesUxo(MinesUxo),
    LocalisedCeasefire(LocalisedCeasefire),
    StorageVisit(StorageVisit),
}

impl Details {
    /// A filterable detail's value by name (see [`Category::filterable`]).
    pub fn text(&self, name: &str) -> Option<String> {
        fn n<T: Serialize>(t: &T) -> Option<String> {
            serde_json::to_value(t)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
        }
        match (self, name) {
            (Details::WeaponSighting(w), "status") => n(&w.status),
            (Details::FreedomOfMovement(f), "restriction") => n(&f.restriction),
            (Details::CivilianCasualties(c), "cause") => c.cause.as_ref().and_then(n),
            (Details::InfrastructureDamage(d), "facility") => n(&d.facility),
            (Details::InfrastructureDamage(d), "damage") => n(&d.damage),
            (Details::CrossingStatus(c), "status") => n(&c.status),
            (Details::DisengagementPresence(d), "presence") => n(&d.presence),
            (Details::Handover(h), "completed") => Some(h.completed.to_string()),
            (Details::DisplacedReturn(r), "population") => n(&r.population),
            (Details::DisplacedReturn(r), "kind") => n(&r.kind),
            (Details::RouteStatus(r), "status") => n(&r.status),
            (Details::MinesUxo(m), "kind") => n(&m.kind),
            (Details::LocalisedCeasefire(l), "facility") => n(&l.facility),
            (Details::LocalisedCeasefire(l), "held") => l.held.map(|h| h.to_string()),
            (Details::StorageVisit(v), "access") => n(&v.access),
            _ => None,
        }
    }

    /// A numeric detail by name (those listed by [`Category::summable`]).
    pub fn number(&self, name: &str) -> Option<u64> {
        match (self, name) {
            (Details::CeasefireViolation(v), "events") => {
                Some(v.events.iter().map(|e| u64::from(e.count)).sum())
            }
            (Details::WeaponSighting(w), "count") => Some(w.count.into()),
            (Details::TroopMovement(t), "personnel") => t.personnel.map(u64::from),
            (Details::TroopMovement(t), "vehicles") => t.vehicles.map(u64::from),
            (Details::FreedomOfMovement(f), "duration_minutes") => {
                f.duration_minutes.map(u64::from)
            }
            (Details::CivilianCasualties(c), "killed") => Some(c.killed.into()),
            (Details::CivilianCasualties(c), "injured") => Some(c.injured.into()),
            (Details::CrossingStatus(c), "people_waiting") => c.people_waiting.map(u64::from),
            (Details::CrossingStatus(c), "vehicles_waiting") => c.vehicles_waiting.map(u64::from),
            (Details::DisengagementPresence(d), "count") => d.count.map(u64::from),
            (Details::WithdrawalVerified(w), "count") => Some(w.count.into()),
            (Details::PrisonerExchange(p), "count") => Some(p.count.into()),
            (Details::DisplacedReturn(r), "individuals") => Some(r.individuals.into()),
            (Details::DisplacedReturn(r), "households") => r.households.map(u64::from),
            (Details::RemainsExchange(r), "count") => Some(r.count.into()),
            (Details::ForcePresence(f), "personnel") => Some(f.personnel.into()),
            (Details::ForcePresence(f), "vehicles") => f.vehicles.map(u64::from),
            (Details::ForcePresence(f), "armoured_vehicles") => f.armoured_vehicles.map(u64::from),
            (Details::RouteStatus(r), "vehicles_passed") => r.vehicles_passed.map(u64::from),
            (Details::CrossingStatus(c), "wait_minutes") => c.wait_minutes.map(u64::from),
            (Details::MinesUxo(m), "count") => m.count.map(u64::from),
            (Details::MinesUxo(m), "area_m2") => m.area_m2.map(u64::from),
            _ => None,
        }
    }
}

/// A reference to another statement: its SHA-256 (of the signed text) and,
/// as a hint, its index in the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatementRef {
    pub sha256: Digest,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
}

/// One monitor's confirmation (or contradiction) of another's observation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Corroboration {
    pub observation: StatementRef,
    /// Whether the corroborating monitor saw the same.
    pub agrees: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<Assessment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisputeAction {
    /// A party disputes a statement.
    Lodge,
    /// The dispute is decided.
    Resolve,
    /// The party that lodged it withdraws it.
    Withdraw,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisputeSubject {
    /// That it happened as reported.
    Facts,
    /// Who is responsible.
    Attribution,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisputeOutcome {
    /// The disputed statement stands.
    Rejected,
    /// The disputed statement no longer counts.
    Upheld,
    /// The attribution changes to the resolution's assessment.
    Reattributed,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dispute {
    pub action: DisputeAction,
    /// The disputed statement (for lodge) or the dispute (for resolve and withdraw).
    pub target: StatementRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<DisputeSubject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grounds: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<DisputeOutcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<Assessment>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CertificationOf {
    /// A phase transition.
    Transition,
    /// A relief tranche entering into force.
    Tranche,
    /// Notice of an alleged breach, opening snapback dispute resolution.
    SnapbackNotice,
    /// A vote to continue relief after a snapback dispute.
    ContinueRelief,
    /// Guarantors' decision after a guarantee was triggered.
    GuaranteeDecision,
}

/// A decision that needs a quorum of signatures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Certification {
    pub of: CertificationOf,
    /// The transition, tranche or guarantee id in the agreement.
    pub target: String,
    /// What was decided, in words.
    pub statement: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Amendment {
    /// The amended agreement's canonical hash.
    pub new_agreement: Digest,
    pub summary: String,
}

/// Where and when monitors could see: a patrol's route, a camera's or a
/// drone's window, an area observed. A verdict of "no verified breach"
/// rests on it: where nobody could see, nothing is known, and the
/// evaluator says so ("not assessable") rather than "kept".
///
/// A monitor reports what it covered, after the fact, as it reports what
/// it saw: the window ends no later than the statement is issued.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    pub sensor: Sensor,
    /// When: `from` and `to` (both required), at most 31 days apart.
    pub window: Interval,
    /// Zones of the agreement observed (areas: a region, a disengagement
    /// area, a crossing, a buffer), e.g. a camera's field named in the annex.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<String>,
    /// A route travelled, as `[lon, lat]` positions: the zones it passes
    /// through are covered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub track: Vec<[f64; 2]>,
    /// An area observed (a drone's flight, a satellite image's footprint),
    /// as a closed ring of `[lon, lat]` positions: the zones it reaches are
    /// covered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub area: Vec<[f64; 2]>,
    /// The observer's own reference (patrol report number, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The operator's digest of the evaluated status at a log size, which
/// audits hold the operator to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Status {
    pub log_size: u64,
    pub status: Digest,
    pub phase: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tranches: BTreeMap<String, String>,
}

/// Why the holder of an area changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ControlBasis {
    /// A transfer the agreement provides for (a disengagement area handed
    /// over, a withdrawal completed).
    Handover,
    /// Control changed on the ground.
    Change,
}

impl ControlBasis {
    pub fn name(self) -> &'static str {
        match self {
            ControlBasis::Handover => "handover",
            ControlBasis::Change => "change",
        }
    }
}

/// A change of who holds an area of the agreement, signed as the
/// agreement's `[control] change` requires. From its `issued_at` on, what
/// is observed in the area is attributed by location to `to`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Control {
    /// The area: a zone of the agreement drawn as polygons.
    pub area: String,
    /// The party that holds it from then on.
    pub to: String,
    pub basis: ControlBasis,
    /// What happened, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Where it is recorded: the article providing for the handover, a
    /// protocol, a report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    /// A permanent storage site, where weapons withdrawn are kept.
    PermanentStorage,
    /// A holding area, short of permanent storage.
    HoldingArea,
}

impl SiteKind {
    pub fn name(self) -> &'static str {
        match self {
            SiteKind::PermanentStorage => "permanent_storage",
            SiteKind::HoldingArea => "holding_area",
        }
    }
}

/// Weapons of one system declared at a site.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InventoryItem {
    /// e.g. `2S1 Gvozdika`.
    pub system: String,
    /// A weapon class of the agreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weapon_class: Option<String>,
    pub count: u32,
    /// Their serial numbers: none, or one for each (`count` of them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub serials: Vec<String>,
}

/// A storage site a party declares, with what it holds there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StorageSite {
    /// The site's id: what monitors' visits name.
    pub id: String,
    pub name: String,
    pub kind: SiteKind,
    pub position: Position,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inventory: Vec<InventoryItem>,
}

/// A party's baseline declaration of its storage sites and their
/// inventories (as in Colombia's verification mechanism), signed by the
/// party. A later declaration by the same party replaces its earlier one
/// for the sites it names; the others stand.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    /// The declaring party (who signs it).
    pub party: String,
    pub sites: Vec<StorageSite>,
    /// Where it is recorded: an annex, a protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
