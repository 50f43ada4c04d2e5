//! Shared helpers for the benchmark binaries.

use std::time::Duration;

use accord::statement::{Digest, Statement, Time};
use jiff::Timestamp;
use serde_json::{Value, json};

/// The `q` quantile (0..=1) of a sorted slice of durations.
pub fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i]
}

/// Reads `--name value` from the command line, or a default.
pub fn arg<T: std::str::FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Milliseconds, for printing.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// A small deterministic generator (SplitMix64).
pub struct Rng(pub u64);
impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

pub fn statement(hash: Digest, kind: &str, at: Timestamp, body: Value) -> Statement {
    Statement::from_value(
        json!({"v": 1, "kind": kind, "agreement": hash, "issued_at": Time(at), "body": body}),
    )
    .expect("a valid statement")
}

/// One observation's body (over the whole front of the Ukraine example), of a category drawn at random.
pub fn observation(r: &mut Rng, at: Timestamp) -> Value {
    let lon = 35.5 + r.unit() * 4.0;
    let lat = 46.6 + r.unit() * 3.0;
    let observed = Time(Timestamp::from_second(at.as_second() - 1800).expect("in range"));
    const TYPES: [&str; 4] = ["explosion", "burst", "shot", "muzzle_flash"];
    const CLASSES: [&str; 3] = ["artillery_100mm", "mortars", "tanks"];
    const RESTRICTIONS: [&str; 3] = ["denial", "delay", "uav_jamming"];
    const SENSORS: [&str; 4] = ["patrol", "uav", "camera", "acoustic"];
    let (t, c) = (TYPES[r.below(4) as usize], CLASSES[r.below(3) as usize]);
    let restriction = RESTRICTIONS[r.below(3) as usize];
    let sensor = SENSORS[r.below(4) as usize];
    let (category, details) = match r.below(20) {
        0..=12 => (
            "ceasefire_violation",
            json!({"events": [{"type": t, "count": 1 + r.below(30), "weapon_class": c}]}),
        ),
        13..=14 => (
            "weapon_sighting",
            json!({"system": "2S19 Msta-S", "calibre_mm": 152, "count": 1 + r.below(6), "status": "in_violation_of_withdrawal_line"}),
        ),
        15 => (
            "freedom_of_movement",
            json!({"restriction": restriction, "duration_minutes": 10 + r.below(120)}),
        ),
        16 => (
            "civilian_casualties",
            json!({"killed": r.below(3), "injured": r.below(6), "cause": "shelling"}),
        ),
        _ => (
            "troop_movement",
            json!({"personnel": 10 + r.below(200), "vehicles": r.below(20)}),
        ),
    };
    let mut body = json!({
        "category": category,
        "observed": {"from": observed},
        "position": {"lon": lon, "lat": lat, "uncertainty_m": 200},
        "sensor": sensor,
        "details": details,
    });
    if r.below(4) == 0 {
        body["evidence"] = json!([{"sha256": format!("sha256:{:064x}", r.next_u64()), "media_type": "image/jpeg"}]);
    }
    body
}

/// `tasks` tasks appending through a sequencer over `log` for `seconds`,
/// each one entry (`entry(n)`, every `n` distinct) at a time, waiting for
/// it to be durable: how long it ran and every append's latency, sorted.
/// The log is checked to hold exactly the appends answered.
pub fn concurrent_appends(
    log: tlog::Log,
    opts: tlog::sequencer::BatchOptions,
    tasks: u64,
    seconds: f64,
    entry: fn(u64) -> Vec<u8>,
) -> (Duration, Vec<Duration>) {
    use std::time::Instant;
    let (seq, thread) = tlog::sequencer::Sequencer::start(log, opts);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let stop = Instant::now() + Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut latencies = rt.block_on(async {
        let mut hs = Vec::new();
        for t in 0..tasks {
            let seq = seq.clone();
            hs.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut k = 0u64;
                while Instant::now() < stop {
                    let t0 = Instant::now();
                    seq.append(entry(t * 1_000_000_000 + k)).await.unwrap();
                    lat.push(t0.elapsed());
                    k += 1;
                }
                lat
            }));
        }
        let mut all = Vec::new();
        for h in hs {
            all.extend(h.await.unwrap());
        }
        all
    });
    let elapsed = start.elapsed();
    drop(seq);
    let log = thread.join();
    assert_eq!(log.size(), latencies.len() as u64);
    latencies.sort();
    (elapsed, latencies)
}
