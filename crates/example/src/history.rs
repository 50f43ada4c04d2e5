//! The monitoring history `accord demo` scripts around its storyline, so
//! that every section of a daily report at a mission's standard has
//! something in it: the parties' baseline declarations of their storage
//! sites; routine days (crossings with queues and waiting times, demining,
//! windows of silence, storage visits, and after the breach small-arms and
//! mortar fire, verified and merely reported); and full days with every
//! kind of fact a Special Monitoring Mission report carried (violations of
//! every type, weapon kind and means of observation in several regions,
//! weapons in violation of withdrawal lines, absent from storage and
//! outside it, presence in the security zone and a disengagement area,
//! mines, casualties by cause, damage, windows of silence that held and
//! one that did not, crossings open, restricted and closed, restrictions
//! of movement).
//!
//! Nothing here is real: the caller's [`Marks`] say so in every statement.
//!
//! What it writes is chosen not to change the storyline's verdicts where
//! they matter: before the breach nothing is attributed to a party (the
//! Mission's own reports of fire carry no assessment, so they are counted,
//! verified, and charged to no one), and on later days no party's heavy
//! fire reaches an armed attack's threshold.

use jiff::Timestamp;
use serde_json::{Value, json};

use accord::statement::{Digest, Time};

use crate::{Script, Written};

/// What every scripted statement says of itself: its `note` and
/// `reference`, and the evidence a technical observation carries.
#[derive(Clone, Debug)]
pub struct Marks {
    pub note: String,
    pub reference: String,
    /// Evidence, as an observation's `evidence` list.
    pub evidence: Value,
}

impl Marks {
    /// Marks with `note` and `reference`, and evidence named by the
    /// SHA-256 of `footage` (a stand-in: a placeholder digest would not
    /// count as evidence).
    pub fn new(note: &str, reference: &str, footage: &str) -> Marks {
        Marks {
            note: note.into(),
            reference: reference.into(),
            evidence: json!([{"sha256": Digest::of(footage.as_bytes()), "media_type": "video/mp4"}]),
        }
    }

    fn extra(&self, extra: Value) -> Value {
        let mut x = extra;
        x["reference"] = json!(self.reference);
        x["note"] = json!(self.note);
        x
    }

    fn with_evidence(&self, extra: Value) -> Value {
        let mut x = self.extra(extra);
        x["evidence"] = self.evidence.clone();
        x
    }
}

/// Places the history uses (lon, lat), inside the example's annex zones.
pub mod places {
    /// Donetsk oblast, Ukrainian-held, 22.5 km from the line.
    pub const KRAMATORSK: (f64, f64) = (37.58, 48.74);
    /// Donetsk oblast, Russian-held, in the security zone.
    pub const HORLIVKA: (f64, f64) = (38.03, 48.33);
    /// Donetsk oblast, near the line.
    pub const AVDIIVKA: (f64, f64) = (37.75, 48.14);
    /// Donetsk oblast, on the coast.
    pub const MARIUPOL: (f64, f64) = (37.55, 47.10);
    /// Luhansk oblast.
    pub const LYSYCHANSK: (f64, f64) = (38.43, 48.90);
    /// Luhansk oblast, where exchanges took place in the Minsk years.
    pub const STAROBILSK: (f64, f64) = (38.93, 49.28);
    /// Luhansk oblast, a power line's crossing of the Siverskyi Donets.
    pub const SHCHASTIA: (f64, f64) = (39.23, 48.74);
    /// Zaporizhzhia oblast, far behind the line.
    pub const ZAPORIZHZHIA: (f64, f64) = (35.14, 47.84);
    /// Kharkiv oblast, the Kupiansk disengagement area's centre.
    pub const KUPIANSK: (f64, f64) = (37.62, 49.71);
    /// The Chasiv Yar disengagement area's centre.
    pub const CHASIV_YAR: (f64, f64) = (37.85, 48.59);
    /// The Huliaipole disengagement area's centre.
    pub const HULIAIPOLE: (f64, f64) = (36.26, 47.66);
    /// The crossings.
    pub const SIVERSK: (f64, f64) = (38.097, 48.862);
    pub const TORETSK: (f64, f64) = (37.844, 48.398);
    pub const ORIKHIV: (f64, f64) = (35.84, 47.45);
    pub const VASYLIVKA: (f64, f64) = (35.27, 47.44);
    /// Storage sites.
    pub const PAVLOHRAD: (f64, f64) = (35.87, 48.53);
    pub const ROVENKY: (f64, f64) = (39.44, 48.09);
    pub const ILOVAISK: (f64, f64) = (38.20, 47.92);
}

use places::*;

/// The storage sites the parties declare: (party, id).
pub const SITES: [(&str, &str); 4] = [
    ("UA", "UA-PSS-01"),
    ("UA", "UA-HA-02"),
    ("RU", "RU-PSS-01"),
    ("RU", "RU-HA-02"),
];

fn pos(at: (f64, f64)) -> Value {
    json!({"lon": at.0, "lat": at.1, "uncertainty_m": 250})
}

/// Each party's baseline declaration of its storage sites and what they
/// hold, signed by the party: the list visits are held against. Each entry
/// comes with the id of the message (accord-i18n's `cli.ftl`) that says
/// what it is, in the reader's language.
pub fn declarations(s: &mut Script<'_>, m: &Marks) -> Vec<(Written, String)> {
    let ua = json!({
        "party": "UA",
        "reference": m.reference,
        "note": m.note,
        "sites": [
            {"id": "UA-PSS-01", "name": "Pavlohrad permanent storage site", "kind": "permanent_storage",
             "position": pos(PAVLOHRAD),
             "inventory": [
                {"system": "2S1 Gvozdika", "weapon_class": "artillery_100mm", "count": 6,
                 "serials": ["UA-2S1-0101", "UA-2S1-0102", "UA-2S1-0103", "UA-2S1-0104", "UA-2S1-0105", "UA-2S1-0106"]},
                {"system": "BM-21 Grad", "weapon_class": "mlrs", "count": 4,
                 "serials": ["UA-BM21-0201", "UA-BM21-0202", "UA-BM21-0203", "UA-BM21-0204"]}
             ]},
            {"id": "UA-HA-02", "name": "Zaporizhzhia holding area", "kind": "holding_area",
             "position": pos((35.30, 47.90)),
             "inventory": [{"system": "T-64BV", "weapon_class": "tanks", "count": 12}]}
        ]
    });
    let ru = json!({
        "party": "RU",
        "reference": m.reference,
        "note": m.note,
        "sites": [
            {"id": "RU-PSS-01", "name": "Rovenky permanent storage site", "kind": "permanent_storage",
             "position": pos(ROVENKY),
             "inventory": [
                {"system": "2S19 Msta-S", "weapon_class": "artillery_100mm", "count": 8,
                 "serials": ["RU-2S19-0301", "RU-2S19-0302", "RU-2S19-0303", "RU-2S19-0304",
                             "RU-2S19-0305", "RU-2S19-0306", "RU-2S19-0307", "RU-2S19-0308"]},
                {"system": "BM-27 Uragan", "weapon_class": "heavy_mlrs_and_missiles", "count": 3}
             ]},
            {"id": "RU-HA-02", "name": "Ilovaisk holding area", "kind": "holding_area",
             "position": pos(ILOVAISK),
             "inventory": [{"system": "T-72B3", "weapon_class": "tanks", "count": 10}]}
        ]
    });
    vec![
        (
            s.write("declaration", ua, &["UA"]),
            "cli-demo-h-declare-ua".into(),
        ),
        (
            s.write("declaration", ru, &["RU"]),
            "cli-demo-h-declare-ru".into(),
        ),
    ]
}

/// `hours` before the script's clock, as a statement time.
fn ago(s: &Script<'_>, hours: i64) -> Time {
    Time(Timestamp::from_second(s.now.as_second() - hours * 3600).expect("in range"))
}

const CROSSINGS: [(&str, (f64, f64)); 4] = [
    ("crossing_siversk", SIVERSK),
    ("crossing_toretsk", TORETSK),
    ("crossing_orikhiv", ORIKHIV),
    ("crossing_vasylivka", VASYLIVKA),
];

/// Where the Mission's cameras and patrols hear fire on routine days, and
/// the region of each.
const FIRE: [((f64, f64), &str); 4] = [
    (AVDIIVKA, "Avdiivka"),
    (LYSYCHANSK, "Lysychansk"),
    (MARIUPOL, "Mariupol"),
    (HORLIVKA, "Horlivka"),
];

/// A routine day, number `n` of the history: a crossing's queue every day,
/// and by turns fire heard by the Mission (charged to no one), demining,
/// a window of silence that held, a storage visit that found everything.
/// With `allegations`, also a report of fire by one side's officers against
/// the other, which their report alone does not verify (only after the
/// breach: a report near it by another organisation would verify it).
pub fn routine_day(
    s: &mut Script<'_>,
    n: u32,
    allegations: bool,
    m: &Marks,
) -> Vec<(Written, String)> {
    let mut out = vec![];
    let (crossing, at) = CROSSINGS[n as usize % CROSSINGS.len()];
    let people = 80 + (n * 37) % 400;
    let vehicles = 20 + (n * 13) % 90;
    let wait = 30 + (n * 17) % 150;
    out.push((
        s.observe(
            "MISSION/1",
            "crossing_status",
            at,
            json!({"crossing": crossing, "status": "open", "people_waiting": people, "vehicles_waiting": vehicles, "wait_minutes": wait}),
            m.extra(json!({})),
        ),
        format!("the Mission counts {people} people and {vehicles} vehicles queueing at {crossing}, open, {wait} minutes' wait"),
    ));
    if n.is_multiple_of(2) {
        let (place, name) = FIRE[(n / 2) as usize % FIRE.len()];
        let (sensor, kind) = if n.is_multiple_of(4) {
            ("camera", "shot")
        } else {
            ("patrol", "burst")
        };
        let count = 3 + n % 9;
        out.push((
            s.observe(
                "MISSION/1",
                "ceasefire_violation",
                place,
                json!({"events": [
                    {"type": kind, "count": count, "weapon": "small_arms", "direction": "undetermined"},
                    {"type": "illumination_flare", "count": 1, "weapon": "undetermined"}
                ]}),
                m.extra(json!({"sensor": sensor})),
            ),
            format!("the Mission's {sensor} records {count} small-arms {kind}s and a flare near {name}, origin undetermined"),
        ));
    }
    if n % 4 == 1 {
        out.push((
            s.observe(
                "MISSION/1",
                "mines_uxo",
                CHASIV_YAR,
                json!({"kind": "demining", "count": 4 + n % 5, "area_m2": 12_000 + 500 * n}),
                m.extra(json!({})),
            ),
            "the Mission sees demining near Chasiv Yar".into(),
        ));
    }
    if n % 5 == 2 {
        let facility = ["water", "power", "gas"][(n / 5) as usize % 3];
        out.push((
            s.observe(
                "MISSION/1",
                "localised_ceasefire",
                AVDIIVKA,
                json!({"facility": facility, "window": {"from": ago(s, 10), "to": ago(s, 2)}, "held": true,
                       "purpose": format!("repairs to the {facility} network near Avdiivka")}),
                m.extra(json!({})),
            ),
            format!("a window of silence for {facility} repairs near Avdiivka held"),
        ));
    }
    if n % 7 == 3 {
        let site = if n % 2 == 1 { "UA-HA-02" } else { "RU-HA-02" };
        let (system, count) = if site == "UA-HA-02" {
            ("T-64BV", 12)
        } else {
            ("T-72B3", 10)
        };
        out.push((
            s.observe(
                "MISSION/1",
                "storage_visit",
                if site == "UA-HA-02" { (35.30, 47.90) } else { ILOVAISK },
                json!({"site": site, "access": "granted", "found": [{"system": system, "count": count}]}),
                m.extra(json!({})),
            ),
            format!("the Mission visits {site}: all {count} {system} declared there are present"),
        ));
    }
    if allegations && n.is_multiple_of(3) {
        out.push((
            s.observe(
                "JCCC_RU/1",
                "ceasefire_violation",
                KRAMATORSK,
                json!({"events": [{"type": "explosion", "count": 2 + n % 3, "weapon_class": "mortars", "weapon": "mortar", "direction": "outgoing"}]}),
                m.extra(json!({"sensor": "acoustic", "assessment": {"responsible": "UA", "confidence": "low", "basis": "sound ranging"}})),
            ),
            "JCCC (Russian officers) report mortar fire from near Kramatorsk, charged to Ukraine (their report alone does not verify it)".into(),
        ));
    }
    out
}

/// A full day: every kind of fact a mission's daily report carries, by
/// every means of observation, in several regions. No party's heavy fire
/// reaches twenty events and no missile is verified, so that on its own it
/// makes no armed attack (the breach day's attack is the storyline's).
/// Each entry comes with the id of the message (accord-i18n's `cli.ftl`)
/// that says what it is.
pub fn full_day(s: &mut Script<'_>, m: &Marks) -> Vec<(Written, String)> {
    let mut out = vec![];
    let mut say = |w: Written, what: &str| out.push((w, what.to_string()));
    // Ceasefire violations: every type, several weapon kinds, every means.
    say(
        s.observe(
            "MISSION/1",
            "ceasefire_violation",
            HORLIVKA,
            json!({"events": [
                {"type": "explosion", "count": 6, "weapon_class": "artillery_100mm", "weapon": "artillery", "direction": "incoming", "bearing_deg": 95, "distance_km": 4},
                {"type": "projectile_in_flight", "count": 2, "weapon_class": "mlrs", "weapon": "mlrs", "direction": "outgoing"},
                {"type": "muzzle_flash", "count": 3, "weapon": "tank"}
            ]}),
            m.with_evidence(json!({"sensor": "uav", "assessment": {"responsible": "RU", "confidence": "medium", "basis": "firing positions seen"}})),
        ),
        "cli-demo-h-horlivka-fire",
    );
    say(
        s.observe(
            "MISSION/1",
            "ceasefire_violation",
            LYSYCHANSK,
            json!({"events": [
                {"type": "burst", "count": 14, "weapon": "small_arms"},
                {"type": "shot", "count": 22, "weapon": "small_arms"},
                {"type": "burst", "count": 4, "weapon": "anti_aircraft"},
                {"type": "explosion", "count": 3, "weapon": "grenade_launcher"}
            ]}),
            // The patrol's own position, as the SMM gave it: what it could
            // hear depends on where it stood.
            m.extra(json!({"sensor": "patrol", "observer": {"lon": 38.36, "lat": 48.91, "uncertainty_m": 50}})),
        ),
        "cli-demo-h-lysychansk-fire",
    );
    say(
        s.observe(
            "MISSION/1",
            "ceasefire_violation",
            MARIUPOL,
            json!({"events": [
                {"type": "illumination_flare", "count": 5, "weapon": "undetermined"},
                {"type": "explosion", "count": 2, "weapon_class": "attack_drones", "weapon": "drone"}
            ]}),
            m.with_evidence(json!({"sensor": "camera", "assessment": {"responsible": "RU", "confidence": "low"}})),
        ),
        "cli-demo-h-mariupol-flares",
    );
    say(
        s.observe(
            "IMAGERY",
            "ceasefire_violation",
            KUPIANSK,
            json!({"events": [{"type": "explosion", "count": 5, "weapon_class": "artillery_100mm", "weapon": "artillery"}]}),
            m.with_evidence(json!({"sensor": "satellite"})),
        ),
        "cli-demo-h-kupiansk-craters",
    );
    say(
        s.observe(
            "JCCC_RU/1",
            "ceasefire_violation",
            AVDIIVKA,
            json!({"events": [{"type": "explosion", "count": 5, "weapon_class": "mortars", "weapon": "mortar", "direction": "incoming"}]}),
            m.extra(json!({"sensor": "acoustic", "assessment": {"responsible": "UA", "confidence": "medium"}})),
        ),
        "cli-demo-h-avdiivka-mortar",
    );
    say(
        s.observe(
            "OSINT",
            "ceasefire_violation",
            ZAPORIZHZHIA,
            json!({"events": [{"type": "explosion", "count": 1, "weapon_class": "cruise_missiles", "weapon": "missile"}]}),
            m.extra(json!({"sensor": "open_source", "source": {"dataset": "demo-osint", "id": format!("demo-{}", s.now.as_second()), "credibility": "possible"}})),
        ),
        "cli-demo-h-zaporizhzhia-missile",
    );
    // Weapons: in violation of the withdrawal lines, outside storage
    // beyond them, absent from a declared storage site.
    say(
        s.observe(
            "MISSION/1",
            "weapon_sighting",
            (38.05, 48.30),
            json!({"system": "2A65 Msta-B", "calibre_mm": 152, "count": 2, "weapon_class": "artillery_100mm", "status": "in_violation_of_withdrawal_line"}),
            m.with_evidence(json!({"sensor": "uav"})),
        ),
        "cli-demo-h-horlivka-howitzers",
    );
    say(
        s.observe(
            "MISSION/1",
            "weapon_sighting",
            ZAPORIZHZHIA,
            json!({"system": "T-64BV", "count": 3, "weapon_class": "tanks", "status": "outside_storage"}),
            m.extra(json!({})),
        ),
        "cli-demo-h-zaporizhzhia-tanks",
    );
    say(
        s.observe(
            "MISSION/1",
            "storage_visit",
            PAVLOHRAD,
            json!({"site": "UA-PSS-01", "access": "granted", "found": [
                {"system": "2S1 Gvozdika", "count": 5, "serials": ["UA-2S1-0101", "UA-2S1-0102", "UA-2S1-0104", "UA-2S1-0105", "UA-2S1-0106"]},
                {"system": "BM-21 Grad", "count": 2}
            ]}),
            m.extra(json!({})),
        ),
        "cli-demo-h-pavlohrad-absent",
    );
    say(
        s.observe(
            "MISSION/1",
            "storage_visit",
            ROVENKY,
            json!({"site": "RU-PSS-01", "access": "denied"}),
            m.extra(json!({})),
        ),
        "cli-demo-h-rovenky-denied",
    );
    // Military presence.
    say(
        s.observe(
            "MISSION/1",
            "disengagement_presence",
            HULIAIPOLE,
            json!({"area": "disengagement_huliaipole", "presence": "armed_personnel", "count": 6}),
            m.extra(json!({})),
        ),
        "cli-demo-h-huliaipole-armed",
    );
    say(
        s.observe(
            "MISSION/1",
            "troop_movement",
            (38.00, 48.35),
            json!({"unit": "motorised company", "personnel": 60, "vehicles": 9, "heading_deg": 270}),
            m.with_evidence(json!({"sensor": "uav"})),
        ),
        "cli-demo-h-horlivka-company",
    );
    // Mines and UXO.
    say(
        s.observe(
            "MISSION/1",
            "mines_uxo",
            CHASIV_YAR,
            json!({"kind": "new_mines", "count": 30, "area_m2": 5000}),
            m.extra(json!({})),
        ),
        "cli-demo-h-chasiv-yar-mines",
    );
    say(
        s.observe(
            "MISSION/1",
            "mines_uxo",
            AVDIIVKA,
            json!({"kind": "uxo", "count": 2}),
            m.extra(json!({})),
        ),
        "cli-demo-h-avdiivka-uxo",
    );
    say(
        s.observe(
            "MISSION/1",
            "mines_uxo",
            STAROBILSK,
            json!({"kind": "warning_signs", "count": 12}),
            m.extra(json!({})),
        ),
        "cli-demo-h-starobilsk-signs",
    );
    // Civilians.
    say(
        s.observe(
            "MISSION/1",
            "civilian_casualties",
            (37.70, 48.20),
            json!({"killed": 0, "injured": 2, "cause": "mine_or_uxo"}),
            m.extra(json!({})),
        ),
        "cli-demo-h-avdiivka-casualties",
    );
    say(
        s.observe(
            "MISSION/1",
            "infrastructure_damage",
            SHCHASTIA,
            json!({"facility": "power", "damage": "major"}),
            m.extra(json!({})),
        ),
        "cli-demo-h-shchastia-damage",
    );
    // Windows of silence: one held, one did not.
    say(
        s.observe(
            "MISSION/1",
            "localised_ceasefire",
            (37.84, 48.10),
            json!({"facility": "water", "window": {"from": ago(s, 12), "to": ago(s, 4)}, "held": true,
                   "purpose": "repairs to the Donetsk Filter Station"}),
            m.extra(json!({})),
        ),
        "cli-demo-h-dfs-window-held",
    );
    say(
        s.observe(
            "MISSION/1",
            "localised_ceasefire",
            SHCHASTIA,
            json!({"facility": "power", "window": {"from": ago(s, 8), "to": ago(s, 2)}, "held": false,
                   "purpose": "repairs to the power line near Shchastia"}),
            m.extra(json!({})),
        ),
        "cli-demo-h-shchastia-window-broken",
    );
    // Crossings: open with a queue, restricted, closed.
    say(
        s.observe(
            "MISSION/1",
            "crossing_status",
            SIVERSK,
            json!({"crossing": "crossing_siversk", "status": "open", "people_waiting": 420, "vehicles_waiting": 150, "wait_minutes": 180}),
            m.extra(json!({})),
        ),
        "cli-demo-h-siversk-queue",
    );
    say(
        s.observe(
            "MISSION/1",
            "crossing_status",
            ORIKHIV,
            json!({"crossing": "crossing_orikhiv", "status": "restricted", "people_waiting": 90, "wait_minutes": 240}),
            m.extra(json!({})),
        ),
        "cli-demo-h-orikhiv-restricted",
    );
    say(
        s.observe(
            "MISSION/1",
            "crossing_status",
            TORETSK,
            json!({"crossing": "crossing_toretsk", "status": "closed"}),
            m.extra(json!({})),
        ),
        "cli-demo-h-toretsk-closed",
    );
    // The monitors' freedom of movement.
    say(
        s.observe(
            "MISSION/1",
            "freedom_of_movement",
            LYSYCHANSK,
            json!({"restriction": "uav_jamming", "duration_minutes": 40}),
            m.extra(json!({"sensor": "uav"})),
        ),
        "cli-demo-h-lysychansk-jammed",
    );
    say(
        s.observe(
            "MISSION/1",
            "freedom_of_movement",
            (35.90, 47.50),
            json!({"restriction": "delay", "duration_minutes": 50, "route": "Orikhiv to Robotyne"}),
            m.extra(json!({})),
        ),
        "cli-demo-h-orikhiv-held",
    );
    out
}
