//! What the serving tests share: a history and monitors' queues of
//! statements, a log made of it, submitting and keeping what was
//! acknowledged.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use accord::statement::{SignedStatement, Statement, Time};
use accord_example::{self as example, Script};
use serde_json::{Value, json};

use super::logs::*;

pub const LOG_KEY: &str = "log.mission.accord.example/log";

/// The monitors that submit, each from a thread of its own.
pub const MONITORS: &[&str] = &["MISSION/1", "MISSION/2", "JCCC_UA/1", "JCCC_RU/1"];

pub fn example_agreement() -> &'static (accord::agreement::Agreement, accord::statement::Digest) {
    static A: std::sync::OnceLock<(accord::agreement::Agreement, accord::statement::Digest)> =
        std::sync::OnceLock::new();
    A.get_or_init(example::agreement)
}

/// Adoption, the monitors accredited, two days of patrols and statuses;
/// and for each monitor, `per_monitor` observations of its own, not
/// logged, each accepted whatever order they arrive in.
pub fn monitors_history(per_monitor: usize) -> (Script<'static>, Vec<Vec<Vec<u8>>>) {
    let (a, h) = example_agreement();
    let mut s = script(a, *h);
    s.adopt().ok();
    for m in MONITORS {
        let (org, n) = m.split_once('/').unwrap();
        s.accredit(org, n.parse().unwrap()).ok();
    }
    s.patrol("MISSION/1", &[]);
    s.days(2);
    let now = s.now;
    let queues = MONITORS
        .iter()
        .enumerate()
        .map(|(t, m)| {
            (0..per_monitor)
                .map(|k| {
                    let observed =
                        jiff::Timestamp::from_second(now.as_second() - 600 - k as i64).unwrap();
                    let v = json!({"v": 1, "kind": "observation", "agreement": h, "issued_at": Time(now), "body": {
                        "category": "ceasefire_violation",
                        "observed": {"from": Time(observed)},
                        "position": {"lon": 37.40 + 0.001 * (k % 200) as f64, "lat": 48.60 + 0.01 * t as f64 + 0.0001 * (k / 200) as f64, "uncertainty_m": 200},
                        "sensor": "patrol",
                        "details": {"events": [{"type": "explosion", "count": 1 + k % 5}]},
                    }});
                    let st = Statement::from_value(v).unwrap();
                    SignedStatement::sign(st, s.signer(m)).unwrap().to_bytes()
                })
                .collect()
        })
        .collect();
    (s, queues)
}

/// `accord log init` with the example's log key, then the history
/// appended.
pub fn make_log(tmp: &Path, entries: &[Vec<u8>]) -> (PathBuf, String) {
    let key = example::key(LOG_KEY);
    let keyfile = tmp.join("log.key");
    std::fs::write(&keyfile, key.to_secret_string()).unwrap();
    let log = tmp.join("log");
    let o = super::accord(
        &[
            "log",
            "init",
            log.to_str().unwrap(),
            "--key",
            keyfile.to_str().unwrap(),
        ],
        tmp,
    );
    assert!(o.status.success(), "{}", super::text(&o));
    append_log(&log, entries);
    (log, key.verifier().to_string())
}

/// Submits one statement; its index when the server acknowledged it
/// (201, or 200 for bytes logged before), None when it could not answer
/// (shutting down, killed).
pub fn submit(agent: &ureq::Agent, base: &str, entry: &[u8]) -> Result<Option<u64>, String> {
    let r = agent
        .post(format!("{base}/v1/statements"))
        .header("content-type", "text/plain")
        .send(entry);
    let r = match r {
        Ok(r) => r,
        Err(_) => return Ok(None),
    };
    let status = r.status().as_u16();
    let body = r.into_body().read_to_string().unwrap_or_default();
    match status {
        200 | 201 => {
            let v: Value = serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"))?;
            Ok(Some(v["index"].as_u64().unwrap()))
        }
        503 => Ok(None),
        _ => Err(format!("{status}: {body}")),
    }
}

/// What the monitors were told was logged: index → entry.
pub type Acked = Arc<Mutex<BTreeMap<u64, Vec<u8>>>>;

pub fn record(acked: &Acked, index: u64, entry: &[u8]) {
    let mut a = acked.lock().unwrap();
    if let Some(before) = a.insert(index, entry.to_vec()) {
        assert_eq!(
            before, entry,
            "two statements acknowledged at index {index}"
        );
    }
}

/// A small deterministic generator, so that a failure can be replayed
/// (`SERVE_CRASH_SEED`).
pub struct Lcg(pub u64);
impl Lcg {
    pub fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}
