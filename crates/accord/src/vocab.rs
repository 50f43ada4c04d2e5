//! The words the agreement and the statements share: a statement names its
//! agreement by [`Digest`], and an agreement's clauses and verification
//! rules name the observation [`Category`] and [`Sensor`] that statements
//! carry. Kept apart from both so that neither imports the other for them.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A SHA-256 digest, as `sha256:` and 64 lower-case hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    pub fn of(bytes: &[u8]) -> Digest {
        use sha2::Digest as _;
        Digest(sha2::Sha256::digest(bytes).into())
    }
    pub fn parse(s: &str) -> Result<Digest, String> {
        let hex = s
            .strip_prefix("sha256:")
            .ok_or("a digest starts with \"sha256:\"")?;
        if hex.len() != 64
            || !hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err("a digest is \"sha256:\" and 64 lower-case hex digits".into());
        }
        let mut out = [0u8; 32];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
        }
        Ok(Digest(out))
    }
    pub fn hex(&self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(64);
        for b in self.0 {
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        }
        out
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.hex())
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Digest, D::Error> {
        let s = String::deserialize(d)?;
        Digest::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Digest {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Digest".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"})
    }
}

/// The observation categories.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    CeasefireViolation,
    WeaponSighting,
    TroopMovement,
    FreedomOfMovement,
    CivilianCasualties,
    InfrastructureDamage,
    CrossingStatus,
    DisengagementPresence,
    WithdrawalVerified,
    PrisonerExchange,
    Handover,
    DisplacedReturn,
    RemainsExchange,
    ForcePresence,
    RouteStatus,
    MinesUxo,
    LocalisedCeasefire,
    StorageVisit,
}

impl Category {
    pub const ALL: [Category; 18] = [
        Category::CeasefireViolation,
        Category::WeaponSighting,
        Category::TroopMovement,
        Category::FreedomOfMovement,
        Category::CivilianCasualties,
        Category::InfrastructureDamage,
        Category::CrossingStatus,
        Category::DisengagementPresence,
        Category::WithdrawalVerified,
        Category::PrisonerExchange,
        Category::Handover,
        Category::DisplacedReturn,
        Category::RemainsExchange,
        Category::ForcePresence,
        Category::RouteStatus,
        Category::MinesUxo,
        Category::LocalisedCeasefire,
        Category::StorageVisit,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Category::CeasefireViolation => "ceasefire_violation",
            Category::WeaponSighting => "weapon_sighting",
            Category::TroopMovement => "troop_movement",
            Category::FreedomOfMovement => "freedom_of_movement",
            Category::CivilianCasualties => "civilian_casualties",
            Category::InfrastructureDamage => "infrastructure_damage",
            Category::CrossingStatus => "crossing_status",
            Category::DisengagementPresence => "disengagement_presence",
            Category::WithdrawalVerified => "withdrawal_verified",
            Category::PrisonerExchange => "prisoner_exchange",
            Category::Handover => "handover",
            Category::DisplacedReturn => "displaced_return",
            Category::RemainsExchange => "remains_exchange",
            Category::ForcePresence => "force_presence",
            Category::RouteStatus => "route_status",
            Category::MinesUxo => "mines_uxo",
            Category::LocalisedCeasefire => "localised_ceasefire",
            Category::StorageVisit => "storage_visit",
        }
    }
    pub fn from_name(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.name() == s)
    }
    /// The details a metric may filter on, for this category, with their
    /// possible values.
    pub fn filterable(self) -> &'static [(&'static str, &'static [&'static str])] {
        const WEAPON_STATUS: &[&str] = &[
            "in_violation_of_withdrawal_line",
            "outside_storage",
            "missing_from_storage",
            "in_storage",
            "in_transit",
            "other",
        ];
        const RESTRICTION: &[&str] = &[
            "denial",
            "delay",
            "conditional_access",
            "uav_jamming",
            "fire_at_uav",
            "camera_interference",
            "threat",
        ];
        const CAUSE: &[&str] = &[
            "shelling",
            "small_arms",
            "mine_or_uxo",
            "airstrike",
            "missile",
            "drone",
            "other",
        ];
        const FACILITY: &[&str] = &[
            "residential",
            "water",
            "power",
            "gas",
            "school",
            "hospital",
            "road",
            "bridge",
            "other",
        ];
        const DAMAGE: &[&str] = &["minor", "major", "destroyed"];
        const CROSSING: &[&str] = &["open", "restricted", "closed"];
        const COMPLETED: &[&str] = &["true", "false"];
        const POPULATION: &[&str] = &["refugees", "idps"];
        const RETURN_KIND: &[&str] = &["organised", "spontaneous"];
        const MINES: &[&str] = &["new_mines", "minefield", "uxo", "demining", "warning_signs"];
        const ACCESS: &[&str] = &["granted", "denied", "partial"];
        const PRESENCE: &[&str] = &[
            "armed_personnel",
            "military_vehicles",
            "heavy_weapons",
            "fortification",
        ];
        match self {
            Category::WeaponSighting => &[("status", WEAPON_STATUS)],
            Category::FreedomOfMovement => &[("restriction", RESTRICTION)],
            Category::CivilianCasualties => &[("cause", CAUSE)],
            Category::InfrastructureDamage => &[("facility", FACILITY), ("damage", DAMAGE)],
            Category::CrossingStatus => &[("status", CROSSING)],
            Category::DisengagementPresence => &[("presence", PRESENCE)],
            Category::Handover => &[("completed", COMPLETED)],
            Category::DisplacedReturn => &[("population", POPULATION), ("kind", RETURN_KIND)],
            Category::RouteStatus => &[("status", CROSSING)],
            Category::MinesUxo => &[("kind", MINES)],
            Category::LocalisedCeasefire => &[("facility", FACILITY), ("held", COMPLETED)],
            Category::StorageVisit => &[("access", ACCESS)],
            _ => &[],
        }
    }

    /// The numeric details a metric may sum, for this category.
    pub fn summable(self) -> &'static [&'static str] {
        match self {
            Category::CeasefireViolation => &["events"],
            Category::WeaponSighting => &["count"],
            Category::TroopMovement => &["personnel", "vehicles"],
            Category::FreedomOfMovement => &["duration_minutes"],
            Category::CivilianCasualties => &["killed", "injured"],
            Category::InfrastructureDamage => &[],
            Category::CrossingStatus => &["people_waiting", "vehicles_waiting", "wait_minutes"],
            Category::DisengagementPresence => &["count"],
            Category::WithdrawalVerified => &["count"],
            Category::PrisonerExchange => &["count"],
            Category::Handover => &[],
            Category::DisplacedReturn => &["individuals", "households"],
            Category::RemainsExchange => &["count"],
            Category::ForcePresence => &["personnel", "vehicles", "armoured_vehicles"],
            Category::RouteStatus => &["vehicles_passed"],
            Category::MinesUxo => &["count", "area_m2"],
            Category::LocalisedCeasefire => &[],
            Category::StorageVisit => &[],
        }
    }
}

/// How an observation was made.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Sensor {
    Patrol,
    Camera,
    Uav,
    Acoustic,
    Satellite,
    OpenSource,
}

impl Sensor {
    pub const NAMES: [&'static str; 6] = [
        "patrol",
        "camera",
        "uav",
        "acoustic",
        "satellite",
        "open_source",
    ];
}

/// What can be said of a clause, for a party and a reporting period, and
/// no more than that: a mission's words, not "kept" by default.
///
/// In order from the gravest: where several parties or periods are summed
/// up in one word, the gravest is said.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Verified observations show the clause broken.
    BreachVerified,
    /// A positive obligation past its deadline, not verified as done.
    Overdue,
    /// No verified breach, but reports not (yet) verified would make one
    /// if they were.
    AllegationsPending,
    /// Nothing can be said: the monitors did not cover the clause's zones
    /// in the period (or the log holds no data for it).
    NotAssessable,
    /// Covered, and no verified breach (nor unverified reports of one).
    #[default]
    NoVerifiedBreach,
    /// A positive obligation verified as done by its deadline or since.
    Fulfilled,
    /// A positive obligation whose deadline has not come.
    NotYetDue,
}

impl Verdict {
    pub const ALL: [Verdict; 7] = [
        Verdict::BreachVerified,
        Verdict::Overdue,
        Verdict::AllegationsPending,
        Verdict::NotAssessable,
        Verdict::NoVerifiedBreach,
        Verdict::Fulfilled,
        Verdict::NotYetDue,
    ];

    /// Its name, as the status's JSON and conditions spell it.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::BreachVerified => "breach_verified",
            Verdict::Overdue => "overdue",
            Verdict::AllegationsPending => "allegations_pending",
            Verdict::NotAssessable => "not_assessable",
            Verdict::NoVerifiedBreach => "no_verified_breach",
            Verdict::Fulfilled => "fulfilled",
            Verdict::NotYetDue => "not_yet_due",
        }
    }

    /// In words a mission would put its name to.
    pub fn words(self) -> &'static str {
        match self {
            Verdict::BreachVerified => "breach verified",
            Verdict::Overdue => "overdue: not verified as done",
            Verdict::AllegationsPending => "no verified breach; allegations pending",
            Verdict::NotAssessable => "not assessable: no coverage",
            Verdict::NoVerifiedBreach => "no verified breach",
            Verdict::Fulfilled => "fulfilled (verified)",
            Verdict::NotYetDue => "not yet due",
        }
    }

    /// Whether something could be said of the period (it was covered, or
    /// what it says needs no coverage).
    pub fn assessable(self) -> bool {
        self != Verdict::NotAssessable
    }
}
