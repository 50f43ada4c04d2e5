//! The adversary at the door: a catalogue of bad requests. Each is refused
//! with the right status and an RFC 9457 problem whose `detail` says what
//! to fix; the log is unchanged after each (its checkpoint is the same);
//! and every refusal of a statement is the evaluator's own verdict on it
//! (`Evaluator::check_next` on the log says the same reason). Paths that
//! try to climb out of `tile/` never serve a file outside it, and the
//! log's private `.tlog/` (its secret key) never appears in any answer.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use accord::evaluate::Rejected;
use accord::statement::{Digest, SignedStatement, Statement, Time};
use accord_example::{self as example, Script, Written};
use common::*;
use serde_json::{Value, json};
use tlog::SignerKey;
use tlog::note::Note;

const KRAMATORSK: (f64, f64) = (37.58, 48.74);

/// Adoption, four accredited monitors, two days of the Mission's patrols
/// and the operator's statuses, then an observation of shelling attributed
/// to the Russian Federation. All of it is in the log the server starts
/// from.
fn history() -> (Script<'static>, Written) {
    let (a, h) = agreement();
    let mut s = Script::new(a, h, "2026-03-02T10:00:00Z".parse().unwrap());
    s.adopt().ok();
    s.accredit("MISSION", 1).ok();
    s.accredit("MISSION", 2).ok();
    s.accredit("JCCC_UA", 1).ok();
    s.accredit("JCCC_RU", 1).ok();
    s.patrol("MISSION/1", &[]);
    s.days(2);
    s.wait_hours(2.0);
    let obs = s.observe(
        "MISSION/1",
        "ceasefire_violation",
        KRAMATORSK,
        json!({"events": [{"type": "explosion", "count": 3}]}),
        json!({"assessment": {"responsible": "RU", "confidence": "medium"}}),
    );
    obs.ok();
    s.wait_hours(1.0);
    (s, obs)
}

/// A statement's JSON, as `Script` writes it, issued `hours` after the
/// script's clock under `agreement`.
fn statement_value(
    s: &Script<'_>,
    agreement: Digest,
    kind: &str,
    hours: f64,
    body: Value,
) -> Value {
    let at = jiff::Timestamp::from_second(s.now.as_second() + (hours * 3600.0) as i64).unwrap();
    json!({"v": 1, "kind": kind, "agreement": agreement, "issued_at": Time(at), "body": body})
}

fn observation_body(s: &Script<'_>, count: u32, hours: f64) -> Value {
    let observed =
        jiff::Timestamp::from_second(s.now.as_second() + (hours * 3600.0) as i64 - 600).unwrap();
    json!({
        "category": "ceasefire_violation",
        "observed": {"from": Time(observed)},
        "position": {"lon": KRAMATORSK.0, "lat": KRAMATORSK.1, "uncertainty_m": 200},
        "sensor": "patrol",
        "details": {"events": [{"type": "explosion", "count": count}]},
    })
}

fn sign(v: Value, keys: &[&SignerKey]) -> Vec<u8> {
    let st = Statement::from_value(v).unwrap();
    let mut s = SignedStatement::sign(st, keys[0]).unwrap();
    for k in &keys[1..] {
        s.cosign(*k).unwrap();
    }
    s.to_bytes()
}

/// A new observation of `count` explosions by `by`, not logged.
fn fresh_observation(s: &Script<'_>, by: &str, count: u32) -> Vec<u8> {
    let v = statement_value(
        s,
        agreement().1,
        "observation",
        0.0,
        observation_body(s, count, 0.0),
    );
    sign(v, &[s.signer(by)])
}

/// Asserts an RFC 9457 problem with a useful detail; the problem.
#[track_caller]
fn problem(r: &Reply, status: u16, what: &str) -> Value {
    assert_eq!(r.status, status, "{what}: {}", r.body);
    assert_eq!(r.content_type, "application/problem+json", "{what}");
    let p = r.json();
    assert_eq!(p["status"], status, "{what}: {p}");
    assert!(
        p["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("https://")),
        "{what}: {p}"
    );
    assert!(p["title"].as_str().is_some_and(|t| !t.is_empty()), "{what}");
    let detail = p["detail"].as_str().unwrap_or_default();
    assert!(
        detail.len() > 20,
        "{what}: a detail that says what to fix: {p}"
    );
    p
}

/// The evaluator's reason, as the server names it.
fn reason(why: &Rejected) -> String {
    why.kind().replace(' ', "_")
}

/// The status the server gives a refusal of this kind.
fn status_for(why: &Rejected) -> u16 {
    match why {
        Rejected::Malformed { .. } => 400,
        Rejected::Duplicate { .. } => 409,
        _ => 422,
    }
}

#[test]
fn bad_statements_are_refused_as_the_evaluator_would_and_the_log_is_unchanged() {
    let (s, obs) = history();
    let dir = tempfile::tempdir().unwrap();
    make_log(dir.path(), &s.entries);
    let server = TestServer::start(dir.path());
    let before = checkpoint(&server);
    let (_, hash) = agreement();

    // A statement whose JSON is not canonical (spaces, keys reordered),
    // signed as it is.
    let noncanonical = {
        let v = statement_value(&s, hash, "observation", 0.0, observation_body(&s, 5, 0.0));
        let mut reordered = serde_json::Map::new();
        for k in ["v", "kind", "issued_at", "body", "agreement"] {
            reordered.insert(k.into(), v[k].clone());
        }
        let text = serde_json::to_string_pretty(&Value::Object(reordered)).unwrap();
        let mut note = Note::new(format!("{text}\n")).unwrap();
        note.sign(s.signer("MISSION/1")).unwrap();
        note.to_bytes()
    };
    // A signature with one byte changed.
    let bad_signature = {
        let good = String::from_utf8(fresh_observation(&s, "MISSION/1", 6)).unwrap();
        let sig_line = good.rfind("\u{2014} ").unwrap();
        let at = good.len() - 20;
        assert!(at > sig_line);
        let mut b = good.into_bytes();
        b[at] = if b[at] == b'A' { b'B' } else { b'A' };
        b
    };
    // Signed by a monitor no one accredited.
    let stranger = example::key(&example::monitor_key_name(s.signer("MISSION").name(), 9));
    let unaccredited = sign(
        statement_value(&s, hash, "observation", 0.0, observation_body(&s, 7, 0.0)),
        &[&stranger],
    );
    // A party's own key reporting an observation: only monitors observe.
    let by_a_party = sign(
        statement_value(&s, hash, "observation", 0.0, observation_body(&s, 8, 0.0)),
        &[s.signer("UA")],
    );
    // Ukraine alone deciding a dispute of the observation that no one
    // lodged: a party does not judge alone, nor what is not disputed.
    let dispute_by_other_party = sign(
        statement_value(
            &s,
            hash,
            "dispute",
            0.0,
            json!({"action": "resolve", "target": {"sha256": obs.digest, "index": obs.index},
                   "outcome": "upheld"}),
        ),
        &[s.signer("UA")],
    );
    // Made under another agreement.
    let other_agreement = sign(
        statement_value(
            &s,
            Digest::of(b"another agreement"),
            "observation",
            0.0,
            observation_body(&s, 9, 0.0),
        ),
        &[s.signer("MISSION/1")],
    );
    // Dated three days ahead of the log's clock.
    let dated_ahead = sign(
        statement_value(
            &s,
            hash,
            "observation",
            72.0,
            observation_body(&s, 10, 72.0),
        ),
        &[s.signer("MISSION/1")],
    );
    // The logged observation again, with another set of signatures.
    let logged = SignedStatement::parse(&s.entries[obs.index as usize]).unwrap();
    let resigned = {
        let mut x = SignedStatement::sign(logged.statement.clone(), s.signer("MISSION/1")).unwrap();
        x.cosign(s.signer("MISSION/2")).unwrap();
        x.to_bytes()
    };
    assert_ne!(resigned, s.entries[obs.index as usize]);

    let cases: Vec<(&str, Vec<u8>, Option<&str>)> = vec![
        ("not canonical", noncanonical, Some("malformed")),
        ("bad signature", bad_signature, Some("bad_signature")),
        ("unaccredited key", unaccredited, Some("unknown_signer")),
        ("a party observing", by_a_party, Some("not_a_monitor")),
        (
            "a party deciding a dispute alone",
            dispute_by_other_party,
            None,
        ),
        (
            "another agreement",
            other_agreement,
            Some("other_agreement"),
        ),
        ("dated ahead", dated_ahead, Some("dated_ahead")),
        (
            "the same statement, other signatures",
            resigned,
            Some("duplicate"),
        ),
        (
            "not a statement",
            b"hello, log\n".to_vec(),
            Some("malformed"),
        ),
    ];
    for (what, bytes, want) in &cases {
        let judged = s.eval.check_next(bytes);
        let Err(why) = &judged else {
            panic!("{what}: the evaluator refuses it")
        };
        if let Some(want) = want {
            assert_eq!(reason(why), *want, "{what}: the evaluator's reason");
        }
        let r = post(&server.url("/v1/statements"), "text/plain", bytes);
        let p = problem(&r, status_for(why), what);
        assert_eq!(
            p["reason"],
            reason(why),
            "{what}: the server says the evaluator's reason: {p}"
        );
        if let Rejected::Duplicate { .. } = why {
            assert_eq!(
                p["entry"], obs.index,
                "{what}: names the entry it repeats: {p}"
            );
        }
        if *what == "not canonical" {
            assert!(p["detail"].as_str().unwrap().contains("canonical"), "{p}");
        }
        assert_eq!(checkpoint(&server), before, "{what}: the log is unchanged");
        // The same refusal in a batch names the item and logs nothing.
        let good = fresh_observation(&s, "MISSION/2", 40);
        let batch = json!({"statements": [
            String::from_utf8_lossy(&good), String::from_utf8_lossy(bytes)
        ]});
        if std::str::from_utf8(bytes).is_ok() {
            let r = post(
                &server.url("/v1/statements/batch"),
                "application/json",
                batch.to_string().as_bytes(),
            );
            let p = problem(&r, status_for(why), what);
            assert_eq!(p["item"], 1, "{what}: {p}");
            assert_eq!(p["reason"], reason(why), "{what}: {p}");
            assert_eq!(
                checkpoint(&server),
                before,
                "{what}: nothing of the batch is logged"
            );
        }
    }

    // A replay of the same bytes: its index, nothing appended.
    let r = post(
        &server.url("/v1/statements"),
        "text/plain",
        &s.entries[obs.index as usize],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["index"], obs.index);
    assert_eq!(r.json()["logged_now"], false);
    assert_eq!(checkpoint(&server), before);

    // Bodies that are not what the route takes.
    let batch_url = server.url("/v1/statements/batch");
    let p = problem(
        &post(&batch_url, "application/json", b"{\"statements\": [\"x\""),
        400,
        "malformed JSON",
    );
    assert!(p["detail"].as_str().unwrap().contains("statements"), "{p}");
    let p = problem(
        &post(
            &batch_url,
            "application/json",
            br#"{"statements": [], "signatures": ["x"]}"#,
        ),
        400,
        "an unknown field",
    );
    assert!(
        p["detail"].as_str().unwrap().contains("signatures"),
        "names the field: {p}"
    );
    problem(
        &post(&batch_url, "application/json", br#"{"statements": []}"#),
        400,
        "an empty batch",
    );
    problem(
        &post(&batch_url, "application/json", br#"{"statements": "x"}"#),
        400,
        "statements not a list",
    );
    problem(
        &post(
            &server.url("/v1/statements"),
            "application/json",
            br#"{"statements": []}"#,
        ),
        415,
        "JSON sent to the route for one signed note",
    );
    assert_eq!(checkpoint(&server), before);
    // Bodies larger than the server takes, on a server that takes little
    // (so that the client has sent the whole body before it is answered).
    {
        let dir2 = tempfile::tempdir().unwrap();
        make_log(dir2.path(), &s.entries);
        let small = TestServer::start_with(
            dir2.path(),
            accord_server::Limits {
                body_bytes: 8_000,
                batch_statements: 2,
                ..Default::default()
            },
        );
        let small_before = checkpoint(&small);
        let huge = vec![b'a'; 20_000];
        let p = problem(
            &post(&small.url("/v1/statements"), "text/plain", &huge),
            413,
            "an oversized statement",
        );
        assert!(p["detail"].as_str().unwrap().contains("8000"), "{p}");
        problem(
            &post(
                &small.url("/v1/statements/batch"),
                "application/json",
                &huge,
            ),
            413,
            "an oversized batch",
        );
        let three: Vec<String> = (0..3)
            .map(|k| String::from_utf8(fresh_observation(&s, "MISSION/2", 50 + k)).unwrap())
            .collect();
        let p = problem(
            &post(
                &small.url("/v1/statements/batch"),
                "application/json",
                json!({"statements": three}).to_string().as_bytes(),
            ),
            413,
            "a batch of more statements than the server takes",
        );
        assert!(p["detail"].as_str().unwrap().contains("at most 2"), "{p}");
        assert_eq!(checkpoint(&small), small_before);
    }

    // The batch refused above is accepted once its bad half is gone: it
    // was refused whole, not half logged.
    let good = fresh_observation(&s, "MISSION/2", 40);
    let r = post(&server.url("/v1/statements"), "text/plain", &good);
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["index"], s.entries.len() as u64);
    assert_eq!(server.shutdown(), s.entries.len() as u64 + 1);
}

/// Sends a request line as it is (no client normalises it); the status and
/// the whole answer.
fn raw_get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    let mut c = TcpStream::connect(addr).unwrap();
    write!(c, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").unwrap();
    let mut out = Vec::new();
    c.read_to_end(&mut out).unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

#[test]
fn paths_never_leave_tile_and_bad_parameters_are_named() {
    let (s, _) = history();
    let dir = tempfile::tempdir().unwrap();
    make_log(dir.path(), &s.entries);
    // Private things beside the log: the log key's secret, as `accord log
    // init` keeps it in .tlog/, and a file outside tile/.
    let secret = example::key(LOG_KEY).to_secret_string();
    let secret_b64 = secret.rsplit('+').next().unwrap().trim().to_string();
    std::fs::create_dir_all(dir.path().join(".tlog")).unwrap();
    std::fs::write(
        dir.path().join(".tlog/config.toml"),
        format!("origin = \"{LOG_KEY}\"\nkey = \"log.key\"\n"),
    )
    .unwrap();
    std::fs::write(dir.path().join(".tlog/log.key"), &secret).unwrap();
    std::fs::write(dir.path().join("tile/secret.txt"), "MARKER-OUTSIDE-TILES").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "MARKER-OUTSIDE-TILES").unwrap();
    let server = TestServer::start(dir.path());
    let before = checkpoint(&server);
    let size = s.entries.len() as u64;
    assert!(size < 256, "the log fits one partial tile");
    let mut answers: Vec<String> = Vec::new();

    for path in [
        "/tile/../checkpoint",
        "/tile/../.tlog/log.key",
        "/tile/0/../../.tlog/config.toml",
        "/tile/0/../../.tlog/log.key",
        "/tile/%2e%2e/.tlog/log.key",
        "/tile/%2e%2e/%2e%2e/.tlog/log.key",
        "/tile/%2E%2E%2F.tlog%2Flog.key",
        "/tile/..%2f.tlog%2flog.key",
        "/tile/0%2f..%2f..%2f.tlog%2flog.key",
        "/tile/entries/x001/../..",
        "/tile/entries/x001/../../../.tlog/log.key",
        "/tile/entries/000/../../secret.txt",
        "/tile/secret.txt",
        "/tile//.tlog/log.key",
        "/tile/0/000.p/../../../.tlog/log.key",
        "/tile/%00",
        "/tile/0/%2fetc%2fpasswd",
        "/tile//etc/passwd",
        "/tile/0/x001/x002/../../../../secret.txt",
    ] {
        let (status, text) = raw_get(server.addr, path);
        assert!(status == 400 || status == 404, "{path}: {status}\n{text}");
        assert!(
            !text.contains("MARKER-OUTSIDE-TILES"),
            "{path} served a file outside tile/"
        );
        answers.push(text);
    }
    // The same through the ordinary client.
    for path in [
        "/tile/0/..%2F..%2F.tlog%2Flog.key",
        "/tile/entries/..%2f..%2fsecret.txt",
    ] {
        let r = get(&server.url(path));
        problem(&r, r.status, path);
        assert!(r.status == 400 || r.status == 404, "{path}: {}", r.body);
        answers.push(r.body);
    }

    // Tiles the checkpoint covers are served; those beyond it are not.
    let r = get(&server.url(&format!("/tile/0/000.p/{size}")));
    assert_eq!(r.status, 200, "{}", r.body);
    let r = get(&server.url(&format!("/tile/entries/000.p/{size}")));
    assert_eq!(r.status, 200, "{}", r.body);
    for path in [
        format!("/tile/0/000.p/{}", size + 1),
        format!("/tile/entries/000.p/{}", size + 1),
        "/tile/0/000".to_string(),
        "/tile/entries/000".to_string(),
        "/tile/0/001".to_string(),
        "/tile/1/000.p/1".to_string(),
        "/tile/0/x001/000".to_string(),
    ] {
        let r = get(&server.url(&path));
        problem(&r, 404, &path);
        answers.push(r.body);
    }

    // Bad query parameters and path values, each named.
    for (path, status, parameter) in [
        ("/v1/status?size=x", 400, Some("size")),
        ("/v1/status?size=-1", 400, Some("size")),
        ("/v1/status?size=999999", 404, None),
        ("/v1/status?format=bad", 400, Some("format")),
        ("/v1/status?colour=red", 400, Some("colour")),
        ("/v1/report/notaday", 400, Some("day")),
        ("/v1/report/2026-02-30", 400, Some("day")),
        ("/v1/report/2026-03-03?format=docx", 400, Some("format")),
        ("/v1/report/2026-03-03?lang=de", 400, Some("lang")),
        ("/v1/report/2026-03-03?period=year", 400, Some("period")),
        ("/v1/report/2026-03-03?colour=red", 400, Some("colour")),
        ("/v1/report/2099-01-01", 404, None),
        ("/v1/proof/-1", 400, Some("index")),
        ("/v1/proof/x", 400, Some("index")),
        ("/v1/proof/1?format=bad", 400, Some("format")),
        ("/v1/proof/999999", 404, None),
        ("/v1/entries/999999", 404, None),
        ("/v1/entries/18446744073709551616", 400, Some("index")),
        ("/v1/entries/-1", 400, Some("index")),
        ("/v1/statements/nothex", 400, Some("hash")),
        ("/v1/agreement/annex/nothing.geojson", 404, None),
        ("/v1/agreement/annex/../../../etc/passwd", 404, None),
        ("/docs/../../etc/passwd", 404, None),
        ("/docs/nothing.js", 404, None),
        ("/nowhere", 404, None),
        ("/v2/status", 404, None),
    ] {
        let r = get(&server.url(path));
        let p = problem(&r, status, path);
        if let Some(param) = parameter {
            assert_eq!(p["parameter"], param, "{path}: {p}");
        }
        answers.push(r.body);
    }
    // A route asked with a method it does not take.
    for (r, allow) in [
        (
            post(&server.url("/checkpoint"), "text/plain", b"x"),
            "GET,HEAD",
        ),
        (
            post(&server.url("/tile/0/000.p/1"), "text/plain", b"x"),
            "GET,HEAD",
        ),
        (get(&server.url("/v1/statements")), "POST"),
        (get(&server.url("/v1/statements/batch")), "POST"),
    ] {
        let p = problem(&r, 405, "a wrong method");
        assert!(p["detail"].as_str().unwrap().contains("Allow"), "{p}");
        assert_eq!(r.header("allow"), Some(allow), "{p}");
        answers.push(r.body);
    }
    let p = problem(&get(&server.url("/nowhere")), 404, "no route");
    assert!(
        p["detail"].as_str().unwrap().contains("/openapi.json"),
        "{p}"
    );

    // The traversals and probes through raw requests too (nothing between
    // the test and the server normalises a path).
    for path in [
        "/v1/agreement/annex/../../../.tlog/log.key",
        "/v1/agreement/annex/%2e%2e/%2e%2e/.tlog/log.key",
        "/docs/%2e%2e%2f%2e%2e%2f.tlog%2flog.key",
        "/../.tlog/log.key",
        "/.tlog/log.key",
        "/.tlog/config.toml",
        "/secret.txt",
    ] {
        let (status, text) = raw_get(server.addr, path);
        assert!(status == 400 || status == 404, "{path}: {status}\n{text}");
        assert!(!text.contains("MARKER-OUTSIDE-TILES"), "{path}");
        answers.push(text);
    }

    // Whatever was asked, the log key's secret was never in an answer.
    for a in &answers {
        assert!(
            !a.contains(&secret_b64),
            "the log key's secret was served:\n{a}"
        );
        assert!(!a.contains("PRIVATE+KEY"), "a secret key was served:\n{a}");
    }
    assert_eq!(checkpoint(&server), before, "reads change nothing");
}
