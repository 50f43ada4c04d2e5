//! Logs for the command-line tests: the example's scripted histories
//! written to a log directory, the audit run on them, proofs checked, and
//! a log served over HTTP (honestly, or not).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;

use accord::statement::Digest;
use accord_example::{self as example, Script, Written};
use serde_json::{Value, json};
use tlog::{DirStorage, Hash, Log};

use super::{accord, text};

pub const D: &str = "2026-03-02T10:00:00Z";
pub const KRAMATORSK: (f64, f64) = (37.58, 48.74);

pub fn agreement_path() -> PathBuf {
    testkit::repo_root().join("examples/ukraine-2025/agreement.toml")
}

pub fn ok(args: &[&str], dir: &Path) -> String {
    let o = accord(args, dir);
    assert!(o.status.success(), "accord {args:?} failed:\n{}", text(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn evidence() -> Value {
    let photo = Digest::of(b"a photograph of the craters");
    json!([{"sha256": photo, "media_type": "image/jpeg"}])
}

/// Adoption, three accredited monitors, the Mission's daily coverage, the
/// verification phase reached, a verified attack on Kramatorsk, and the
/// operator's daily statuses.
pub fn history(s: &mut Script<'_>) -> Written {
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    s.accredit("JCCC_UA", 1).ok();
    s.accredit("JCCC_RU", 1).ok();
    s.patrol("MISSION/1", &[]);
    s.wait_hours(1.0);
    s.certify("transition", "begin_verification", &["UA", "RU", "MISSION"])
        .ok();
    s.wait_hours(-1.0);
    s.days(15);
    s.wait_hours(2.0);
    let attack = s.observe(
        "MISSION/1",
        "ceasefire_violation",
        KRAMATORSK,
        json!({"events": [{"type": "explosion", "count": 7, "weapon_class": "artillery_100mm"}]}),
        json!({"sensor": "uav", "evidence": evidence(), "assessment": {"responsible": "RU", "confidence": "high"}}),
    );
    attack.ok();
    s.wait_hours(-2.0);
    s.days(2);
    attack
}

pub fn write_log(dir: &Path, entries: &[Vec<u8>]) {
    let key = example::key("log.mission.accord.example/log");
    let storage = Arc::new(DirStorage::new(dir).unwrap());
    let mut log = Log::create(storage, key).unwrap();
    log.append_batch(entries).unwrap();
}

/// Appends entries to a log made by [`write_log`].
pub fn append_log(dir: &Path, entries: &[Vec<u8>]) {
    let storage = Arc::new(DirStorage::new(dir).unwrap());
    let mut log = Log::open(storage, example::key("log.mission.accord.example/log")).unwrap();
    log.append_batch(entries).unwrap();
}

/// The operator's key, written to a file in `dir` as `--sign` reads it.
pub fn operator_keyfile(
    a: &accord::agreement::Agreement,
    dir: &Path,
) -> (tlog::SignerKey, PathBuf) {
    let operator = example::key(a.operator.as_ref().unwrap().keys[0].get_ref().name());
    let keyfile = dir.join("operator.key");
    std::fs::write(&keyfile, operator.to_secret_string()).unwrap();
    (operator, keyfile)
}

/// `accord status --sign`: the operator's signed status statement for the
/// log, dated `at`.
pub fn signed_status(log: &Path, keyfile: &Path, at: jiff::Timestamp, dir: &Path) -> String {
    let ag = agreement_path();
    let at = accord::statement::Time(at).to_string();
    ok(
        &[
            "status",
            "--agreement",
            ag.to_str().unwrap(),
            log.to_str().unwrap(),
            "--sign",
            keyfile.to_str().unwrap(),
            "--at",
            &at,
        ],
        dir,
    )
}

pub fn script(a: &accord::agreement::Agreement, h: Digest) -> Script<'_> {
    Script::new(a, h, D.parse().unwrap())
}

pub fn audit(log: &str, extra: &[&str], dir: &Path) -> Output {
    let ag = agreement_path();
    let mut args = vec!["audit", "--agreement", ag.to_str().unwrap(), log];
    args.extend_from_slice(extra);
    accord(&args, dir)
}

/// Checks a C2SP tlog-proof file against the checkpoint it carries.
pub fn check_proof(proof: &str, entry: &[u8]) -> u64 {
    let mut lines = proof.lines();
    assert_eq!(lines.next(), Some("c2sp.org/tlog-proof@v1"));
    let index: u64 = lines
        .next()
        .and_then(|l| l.strip_prefix("index "))
        .unwrap()
        .parse()
        .unwrap();
    let mut hashes = vec![];
    for l in lines.by_ref() {
        if l.is_empty() {
            break;
        }
        hashes.push(Hash::from_base64(l).unwrap());
    }
    let rest: Vec<&str> = lines.collect();
    let size: u64 = rest[1].parse().unwrap();
    let root = Hash::from_base64(rest[2]).unwrap();
    tlog::merkle::verify_inclusion(index, size, &tlog::leaf_hash(entry), &hashes, &root)
        .expect("the proof verifies");
    index
}

/// Serves a directory over HTTP/1.1, one connection at a time, until the
/// test ends.
pub fn serve(dir: &Path) -> String {
    serve_with(dir, |_, _| None)
}

/// [`serve`], but `respond(path, n)` may answer the `n`-th request (from 1)
/// for `path` with other bytes: a server that does not always tell the
/// same story.
pub fn serve_with(
    dir: &Path,
    respond: impl Fn(&str, usize) -> Option<Vec<u8>> + Send + 'static,
) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        let mut asked: HashMap<String, usize> = HashMap::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).is_err() || h == "\r\n" || h.is_empty() {
                    break;
                }
            }
            let path = line
                .split(' ')
                .nth(1)
                .unwrap_or("/")
                .trim_start_matches('/')
                .to_string();
            let n = asked.entry(path.clone()).or_default();
            *n += 1;
            let body = match respond(&path, *n) {
                Some(b) => Ok(b),
                None if path.contains("..") => Err(()),
                None => std::fs::read(dir.join(&path)).map_err(|_| ()),
            };
            let resp = match body {
                Ok(body) => {
                    let mut r = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend(body);
                    r
                }
                Err(()) => {
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .to_vec()
                }
            };
            let _ = stream.write_all(&resp);
        }
    });
    format!("http://{addr}/")
}

/// The example with a `[witnesses]` policy (see
/// `accord_example::witnessed_toml`), written with its annex into `dir`:
/// its file, the agreement and its hash.
pub fn witnessed_agreement(
    dir: &Path,
    quorum: &str,
    witnesses: &[(&str, &str, String)],
) -> (PathBuf, accord::agreement::Agreement, Digest) {
    for (path, text) in example::ANNEX {
        let to = dir.join(path);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, text).unwrap();
    }
    let path = dir.join("agreement.toml");
    std::fs::write(&path, example::witnessed_toml(quorum, witnesses)).unwrap();
    let c = accord_engine::files::check_file(&path).unwrap();
    (path, c.agreement.unwrap(), c.hash.unwrap())
}
