//! Every status of C2SP tlog-witness's add-checkpoint, over HTTP, in the
//! spec's order; the 200's cosignatures verified for both types; the
//! Monitor Retrieval endpoint; and the evidence a misbehaving log leaves.

mod common;

use accord_witness::evidence;
use accord_witness::state::EvidenceKind;
use accord_witness::{HttpConfig, origin_hash};
use common::*;
use tlog::checkpoint::{Checkpoint, SignedCheckpoint};
use tlog::cosignature::{CosignatureType, CosignerKey};
use tlog::witness::{AddCheckpoint, SIZE_CONTENT_TYPE, parse_signature_lines};
use tlog::{Hash, KeyType, Note, SignerKey};

const A: &str = "example.com/log-a";
const B: &str = "example.com/log-b";

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Checks a 200's body: one cosignature per witness key, each valid on the
/// checkpoint at a time within the request's.
fn assert_cosigned(body: &[u8], checkpoint: &[u8], keys: &[CosignerKey], sent: u64) {
    let sigs = parse_signature_lines(body).unwrap();
    assert_eq!(sigs.len(), keys.len(), "{}", String::from_utf8_lossy(body));
    let mut note = Note::parse(checkpoint).unwrap();
    for s in sigs {
        note.add_signature(s).unwrap();
    }
    for k in keys {
        let t = k
            .cosigned(&note)
            .unwrap_or_else(|| panic!("no valid cosignature by {k:?}"));
        assert!(t >= sent && t <= now() + 1, "{k:?}: timestamp {t}");
    }
}

#[test]
fn every_status_of_the_spec_in_its_order() {
    let tmp = tempfile::tempdir().unwrap();
    let mut a = TestLog::new(&tmp.path().join("a"), log_key(A), "honest");
    let b = TestLog::new(&tmp.path().join("b"), log_key(B), "honest");
    let ed = witness_key(CosignatureType::Ed25519, 1);
    let ml = witness_key(CosignatureType::MlDsa44, 2);
    let keys = vec![ed.verifier(), ml.verifier()];
    let w = open_witness(
        &tmp.path().join("state"),
        vec![ed, ml],
        &[&a.vkey(), &b.vkey()],
    );
    let served = Served::start(
        w,
        HttpConfig {
            submission_prefix: "/submit".into(),
            monitoring_prefix: "/monitor".into(),
            ..HttpConfig::default()
        },
    );
    let add = format!("{}/submit/add-checkpoint", served.url);
    let monitor =
        |origin: &str| format!("{}/monitor/{}/checkpoint", served.url, origin_hash(origin));

    // Nothing cosigned yet: monitoring says 404.
    assert_eq!(get(&monitor(A)).0, 404);

    // 400: the body's syntax.
    for bad in [
        b"old 01\n\n".to_vec(),
        b"old 1\nnot base64\n\n".to_vec(),
        b"old 0\n".to_vec(),
        format!("old 0\n\n{}", "x\n").into_bytes(),
    ] {
        let (s, ..) = post(&add, &bad);
        assert_eq!(s, 400, "{:?}", String::from_utf8_lossy(&bad));
    }
    // A body beyond the limit is refused before it is read: the headers
    // alone, announcing 600 KiB, get the 413. (Sending the body too races
    // the server closing the connection after its answer.)
    {
        use std::io::{Read, Write};
        let hostport = add
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap()
            .to_string();
        let path = &add[add.find(&hostport).unwrap() + hostport.len()..];
        let mut tcp = std::net::TcpStream::connect(&hostport).unwrap();
        write!(
            tcp,
            "POST {path} HTTP/1.1\r\nHost: {hostport}\r\nContent-Length: {}\r\n\r\n",
            600 << 10
        )
        .unwrap();
        tcp.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        let mut head = [0u8; 12];
        tcp.read_exact(&mut head).unwrap();
        assert_eq!(
            &head,
            b"HTTP/1.1 413",
            "{:?}",
            String::from_utf8_lossy(&head)
        );
    }

    // 404: a log the witness does not know.
    let stranger = TestLog::new(&tmp.path().join("c"), log_key("example.com/stranger"), "x");
    let (s, _, body) = post(&add, &stranger.request(0));
    assert_eq!(s, 404, "{}", String::from_utf8_lossy(&body));

    // 403: signed by another key of the same name; a trusted key's line
    // that does not verify; no signature by a trusted key at all.
    a.grow(5, 3);
    let cp = a.log.checkpoint().checkpoint.clone();
    let impostor = SignerKey::from_seed(A, KeyType::Ed25519, [99; 32]).unwrap();
    let forged = cp.sign(&impostor).unwrap().to_bytes();
    let (s, ..) = post(&add, &req(0, vec![], forged));
    assert_eq!(s, 403);
    let mut broken = Note::parse(&a.checkpoint()).unwrap();
    let mut sig = broken.signatures()[0].clone();
    sig.signature[10] ^= 1;
    let mut only_broken = Note::new(broken.text()).unwrap();
    only_broken.add_signature(sig.clone()).unwrap();
    let (s, _, body) = post(&add, &req(0, vec![], only_broken.to_bytes()));
    assert_eq!(s, 403, "{}", String::from_utf8_lossy(&body));
    // A good signature beside a bad one by the same key is still 403
    // (the note is malformed).
    broken.add_signature(sig).unwrap();
    let (s, ..) = post(&add, &req(0, vec![], broken.to_bytes()));
    assert_eq!(s, 403);
    let cosigner_only = {
        let other = SignerKey::from_seed("someone.else", KeyType::Ed25519, [3; 32]).unwrap();
        cp.sign(&other).unwrap().to_bytes()
    };
    assert_eq!(post(&add, &req(0, vec![], cosigner_only)).0, 403);

    // 400: old size above the checkpoint's.
    let (s, ..) = post(&add, &a.request(6));
    assert_eq!(s, 400);

    // 409 from a first request with the wrong old size: the size held (0).
    let (s, ct, body) = post(&add, &a.request(3));
    assert_eq!(
        (s, ct.as_str(), body.as_slice()),
        (409, SIZE_CONTENT_TYPE, &b"0\n"[..])
    );

    // 200: the first checkpoint, from 0, cosigned by both keys.
    let sent = now();
    let (s, ct, body) = post(&add, &a.request(0));
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&body));
    assert!(ct.starts_with("text/plain"), "{ct}");
    assert_cosigned(&body, &a.checkpoint(), &keys, sent);
    assert_eq!(served.witness.held(A), Some((5, a.root())));

    // 409 with the exact content type and the size held.
    let (s, ct, body) = post(&add, &a.request(0));
    assert_eq!(s, 409);
    assert_eq!(ct, SIZE_CONTENT_TYPE);
    assert_eq!(body, b"5\n");

    // The same checkpoint again from the size held: cosigned again.
    let (s, _, body) = post(&add, &a.request(5));
    assert_eq!(s, 200);
    assert_cosigned(&body, &a.checkpoint(), &keys, sent);

    // A consistent extension: 200.
    a.grow(5, 3);
    let (s, _, body) = post(&add, &a.request(5));
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&body));
    assert_cosigned(&body, &a.checkpoint(), &keys, sent);
    assert_eq!(served.witness.held(A), Some((10, a.root())));

    // Monitor Retrieval: the latest, with the log's signature and the
    // witness's cosignatures, verifiable with all three keys.
    let (s, _, body) = get(&monitor(A));
    assert_eq!(s, 200);
    let served_cp = SignedCheckpoint::parse(&body).unwrap();
    assert_eq!(served_cp.checkpoint.size, 10);
    served_cp
        .verify(Some(a.log.verifier()), &[])
        .expect("the log's signature");
    for k in &keys {
        assert!(k.cosigned(&served_cp.note).is_some(), "{k:?}");
    }
    assert_eq!(get(&monitor(B)).0, 404, "never cosigned");
    assert_eq!(
        get(&format!(
            "{}/monitor/{}/checkpoint",
            served.url,
            "ab".repeat(32)
        ))
        .0,
        404
    );
    assert_eq!(
        get(&format!("{}/monitor/XYZ/checkpoint", served.url)).0,
        404
    );

    // 422: a proof that does not verify (kept, as proving nothing alone).
    a.grow(3, 3);
    let mut bad_proof = a.proof(10);
    bad_proof[0] = Hash([1; 32]);
    let (s, _, body) = post(&add, &req(10, bad_proof, a.checkpoint()));
    assert_eq!(s, 422, "{}", String::from_utf8_lossy(&body));
    // 422: a proof from the size held that has one hash too many.
    let mut long = a.proof(10);
    long.push(Hash([2; 32]));
    assert_eq!(post(&add, &req(10, long, a.checkpoint())).0, 422);

    // 422: a proof given from size 0.
    let (s, ..) = post(&add, &req(0, vec![Hash([3; 32])], b.checkpoint()));
    assert_eq!(s, 422);
    // 422: an empty tree with a root other than the empty tree's.
    let empty_wrong = Checkpoint {
        origin: B.into(),
        size: 0,
        root: Hash([4; 32]),
        extensions: vec![],
    }
    .sign(&log_key(B))
    .unwrap()
    .to_bytes();
    let (s, ..) = post(&add, &req(0, vec![], empty_wrong));
    assert_eq!(s, 422);
    // The empty tree itself is fine (and then held at 0).
    assert_eq!(post(&add, &b.request(0)).0, 200);

    // 422: same size, another root: the log forked.
    let mut fork = TestLog::new(&tmp.path().join("a-fork"), log_key(A), "fork");
    fork.grow(10, 3);
    assert_ne!(fork.root(), Hash::EMPTY_ROOT);
    let (s, _, body) = post(&add, &fork.request(10));
    assert_eq!(s, 422, "{}", String::from_utf8_lossy(&body));
    assert_eq!(served.witness.held(A).unwrap().0, 10, "nothing changed");

    // GET on add-checkpoint is not a thing.
    assert_eq!(get(&add).0, 405);

    served.stop();
    let items = evidence::list(&tmp.path().join("state")).unwrap();
    let kinds: Vec<EvidenceKind> = items.iter().map(|(e, _)| e.kind).collect();
    assert_eq!(
        kinds,
        vec![
            EvidenceKind::ProofFailed,
            EvidenceKind::ProofFailed,
            EvidenceKind::EmptyTreeWrongRoot,
            EvidenceKind::SameSizeDifferentRoot,
        ],
        "the malformed requests and the 4xx before the log's signature was checked are not kept"
    );
}

fn req(old: u64, proof: Vec<Hash>, checkpoint: Vec<u8>) -> Vec<u8> {
    AddCheckpoint {
        old_size: old,
        proof,
        checkpoint,
    }
    .to_bytes()
}

/// A rogue operator (the log's own key, another history) is refused, and
/// what it sent is kept as evidence anyone can check with the log's key:
/// at the size held, beyond it (the proof it must send gives it away), and
/// below it (a checkpoint of a size the witness cosigned before).
#[test]
fn a_forked_log_is_refused_and_the_evidence_checks_out() {
    let tmp = tempfile::tempdir().unwrap();
    let state = tmp.path().join("state");
    let mut honest = TestLog::new(&tmp.path().join("honest"), log_key(A), "honest");
    let mut forked = TestLog::new(&tmp.path().join("forked"), log_key(A), "forked");
    let w = open_witness(
        &state,
        vec![witness_key(CosignatureType::Ed25519, 5)],
        &[&honest.vkey()],
    );
    honest.grow(6, 4);
    assert_eq!(w.add_checkpoint(&honest.request(0)).status(), 200);
    honest.grow(4, 4);
    assert_eq!(w.add_checkpoint(&honest.request(6)).status(), 200);
    assert_eq!(w.held(A), Some((10, honest.root())));

    // The fork shares the first 4 leaves.
    forked.grow(6, 4);
    // Below the size held, of a size cosigned before: 409, but kept.
    assert_eq!(w.add_checkpoint(&forked.request(0)).status(), 409);
    forked.grow(4, 4);
    // At the size held.
    assert_eq!(w.add_checkpoint(&forked.request(10)).status(), 422);
    // Beyond it, with the proof from 10 built from the fork's own tree.
    forked.grow(5, 4);
    let fork_prefix = {
        let r = tlog::TileReader::new(tlog::DirSource::new(&forked.dir))
            .root(10)
            .unwrap();
        assert_ne!(r, honest.root());
        r
    };
    assert_eq!(w.add_checkpoint(&forked.request(10)).status(), 422);
    // The same again is refused again but kept once.
    assert_eq!(w.add_checkpoint(&forked.request(10)).status(), 422);
    assert_eq!(
        w.held(A),
        Some((10, honest.root())),
        "never rolled or forked"
    );
    drop(w);

    let out = tmp.path().join("export");
    let items = evidence::export(&state, &out).unwrap();
    let kinds: Vec<_> = items.iter().map(|s| (s.kind, s.status)).collect();
    assert_eq!(
        kinds,
        vec![
            (EvidenceKind::SameSizeDifferentRoot, 409),
            (EvidenceKind::SameSizeDifferentRoot, 422),
            (EvidenceKind::ProofShowsFork, 422),
        ]
    );
    let log_vkey = honest.log.verifier().clone();
    for s in &items {
        assert!(s.proves_misbehaviour);
        let dir = out.join(format!("{:06}-{}", s.id, s.kind.label()));
        let received = std::fs::read(dir.join("received.checkpoint")).unwrap();
        let held = std::fs::read(dir.join("held.checkpoint")).unwrap();
        let (r, _) = SignedCheckpoint::open(&received, Some(&log_vkey), &[]).unwrap();
        let (h, _) = SignedCheckpoint::open(&held, Some(&log_vkey), &[]).unwrap();
        assert_eq!(
            std::fs::read(dir.join("request.txt")).unwrap()[..],
            AddCheckpoint::parse(&std::fs::read(dir.join("request.txt")).unwrap())
                .unwrap()
                .to_bytes()[..]
        );
        match s.kind {
            EvidenceKind::SameSizeDifferentRoot => {
                assert_eq!(r.checkpoint.size, h.checkpoint.size);
                assert_ne!(r.checkpoint.root, h.checkpoint.root);
            }
            EvidenceKind::ProofShowsFork => {
                assert_eq!((r.checkpoint.size, h.checkpoint.size), (15, 10));
                assert_eq!(s.proven_prefix_root, Some(fork_prefix.to_base64()));
                // What the summary tells a reader to run does pass, with the
                // reference implementation.
                let proof = s.proof.join(",");
                testkit::tlogcheck_ok(&[
                    "consistency",
                    "-old-size",
                    "10",
                    "-old-root",
                    &fork_prefix.to_base64(),
                    "-size",
                    "15",
                    "-root",
                    &r.checkpoint.root.to_base64(),
                    "-proof",
                    &proof,
                ]);
            }
            k => panic!("unexpected {k:?}"),
        }
    }
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(
        readme.contains("3 refused requests kept; 3 prove"),
        "{readme}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("evidence.json")).unwrap()).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 3);
}

/// The spec's own example request follows the syntax: a witness that does
/// not know its log answers 404, and one that trusts another key under its
/// origin 403 (never 400).
#[test]
fn the_spec_example_request_reaches_the_origin_and_signature_checks() {
    let body = std::fs::read(testkit::vectors(
        "c2sp-spec-examples/tlog-witness-add-checkpoint-request.txt",
    ))
    .unwrap();
    let req = AddCheckpoint::parse(&body).unwrap();
    assert_eq!((req.old_size, req.proof.len()), (20852014, 4));
    let tmp = tempfile::tempdir().unwrap();
    let other = log_key("example.com/other").verifier().to_string();
    let w = open_witness(
        &tmp.path().join("a"),
        vec![witness_key(CosignatureType::Ed25519, 1)],
        &[&other],
    );
    let a = w.add_checkpoint(&body);
    assert_eq!(a.status(), 404, "{a:?}");
    let sofa = log_key("example.com/behind-the-sofa")
        .verifier()
        .to_string();
    let w = open_witness(
        &tmp.path().join("b"),
        vec![witness_key(CosignatureType::Ed25519, 1)],
        &[&sofa],
    );
    let a = w.add_checkpoint(&body);
    assert_eq!(a.status(), 403, "{a:?}");
}

/// A client that stalls is cut off: one that never finishes its headers
/// is disconnected, one that never sends the body it announced gets a 408.
#[test]
fn slow_clients_are_cut_off() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::{Duration, Instant};
    let tmp = tempfile::tempdir().unwrap();
    let a = TestLog::new(&tmp.path().join("a"), log_key(A), "x");
    let w = open_witness(
        &tmp.path().join("state"),
        vec![witness_key(CosignatureType::Ed25519, 1)],
        &[&a.vkey()],
    );
    let served = Served::start(
        w,
        HttpConfig {
            request_timeout: Duration::from_millis(400),
            header_timeout: Duration::from_millis(400),
            ..HttpConfig::default()
        },
    );
    let addr = served.url.trim_start_matches("http://").to_string();
    let read_all = |s: &mut TcpStream| {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        out
    };

    let started = Instant::now();
    let mut headers = TcpStream::connect(&addr).unwrap();
    headers
        .write_all(b"POST /add-checkpoint HTTP/1.1\r\nHost: w\r\n")
        .unwrap();
    let got = read_all(&mut headers);
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(5),
        "still connected after {waited:?}"
    );
    assert!(
        got.is_empty() || String::from_utf8_lossy(&got).starts_with("HTTP/1.1 408"),
        "{}",
        String::from_utf8_lossy(&got)
    );

    let started = Instant::now();
    let mut body = TcpStream::connect(&addr).unwrap();
    body.write_all(
        b"POST /add-checkpoint HTTP/1.1\r\nHost: w\r\nContent-Length: 100\r\n\r\nold 0\n",
    )
    .unwrap();
    let got = read_all(&mut body);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        String::from_utf8_lossy(&got).starts_with("HTTP/1.1 408"),
        "{}",
        String::from_utf8_lossy(&got)
    );

    // And the witness still answers everyone else.
    assert_eq!(
        post(&format!("{}/add-checkpoint", served.url), &a.request(0)).0,
        200
    );
    served.stop();
}
