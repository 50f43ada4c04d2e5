//! `accord witness` as a user runs it: keys made, the server started on a
//! free port, and the Go reference client (`tlogcheck add-checkpoint`)
//! submitting an honest log's checkpoints to it and a rogue operator's
//! forked ones; the evidence exported; the state surviving `kill -9` right
//! after a 200; SIGTERM ending it cleanly.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{accord, text};
use tlog::checkpoint::SignedCheckpoint;
use tlog::cosignature::CosignerKey;
use tlog::witness::{AddCheckpoint, SIZE_CONTENT_TYPE, parse_signature_lines};
use tlog::{DirSource, DirStorage, Hash, KeyType, Log, Note, SignerKey, TileReader};

const ORIGIN: &str = "accord.example/witnessed-log";

fn log_key() -> SignerKey {
    SignerKey::from_seed(ORIGIN, KeyType::Ed25519, [42; 32]).unwrap()
}

/// A log made with `tlog::Log`; `tag` makes forks (same key, other entries
/// after the first `common`).
struct TestLog {
    dir: PathBuf,
    log: Log,
    tag: &'static str,
    common: u64,
}

impl TestLog {
    fn new(dir: &Path, tag: &'static str, common: u64) -> TestLog {
        let storage = Arc::new(DirStorage::new(dir).unwrap());
        TestLog {
            dir: dir.to_path_buf(),
            log: Log::create(storage, log_key()).unwrap(),
            tag,
            common,
        }
    }

    fn grow_to(&mut self, size: u64) {
        let entries: Vec<String> = (self.log.size()..size)
            .map(|i| {
                if i < self.common {
                    format!("entry {i}")
                } else {
                    format!("{} entry {i}", self.tag)
                }
            })
            .collect();
        self.log.append_batch(&entries).unwrap();
    }

    fn size(&self) -> u64 {
        self.log.size()
    }

    fn checkpoint_file(&self) -> String {
        self.dir.join("checkpoint").to_str().unwrap().to_string()
    }

    fn request(&self, old: u64) -> Vec<u8> {
        let proof = if old == 0 || old == self.size() {
            vec![]
        } else {
            TileReader::new(DirSource::new(&self.dir))
                .consistency_proof(old, self.size())
                .unwrap()
        };
        AddCheckpoint {
            old_size: old,
            proof,
            checkpoint: self.log.checkpoint().to_bytes(),
        }
        .to_bytes()
    }
}

/// `accord witness serve` on a free port.
struct Served {
    child: Child,
    base: String,
    stderr: PathBuf,
}

impl Served {
    fn start(dir: &Path, args: &[&str]) -> Served {
        let stderr = dir.join(format!(
            "witness-{}.err",
            Instant::now().elapsed().as_nanos()
        ));
        let mut all = vec!["witness", "serve", "--listen", "127.0.0.1:0"];
        all.extend_from_slice(args);
        let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
            .args(&all)
            .current_dir(dir)
            .env("ACCORD_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("start accord witness serve");
        let base = common::listening_at(&mut child, &stderr, "accord witness serve");
        Served {
            child,
            base,
            stderr,
        }
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
    }

    fn wait(&mut self, patience: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + patience;
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "accord witness did not exit:\n{}",
                std::fs::read_to_string(&self.stderr).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    common::http_agent(Duration::from_secs(30))
}

fn post(url: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
    let mut r = agent().post(url).send(body).unwrap();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (r.status().as_u16(), ct, r.body_mut().read_to_vec().unwrap())
}

fn get(url: &str) -> (u16, Vec<u8>) {
    let mut r = agent().get(url).call().unwrap();
    (r.status().as_u16(), r.body_mut().read_to_vec().unwrap())
}

fn origin_hash(origin: &str) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(origin.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Makes a witness key with `accord witness keygen`; its verifier key.
fn keygen(dir: &Path, kind: &str, file: &str) -> String {
    let o = accord(
        &[
            "witness",
            "keygen",
            "--name",
            "witness.example/w1",
            "--type",
            kind,
            "--out",
            file,
        ],
        dir,
    );
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

fn tlogcheck_add(url: &str, log: &TestLog, witness: &str, extra: &[&str]) -> String {
    let vkey = log.log.verifier().to_string();
    let mut args = vec![
        "add-checkpoint",
        "-url",
        url,
        "-log",
        log.dir.to_str().unwrap(),
        "-key",
        &vkey,
        "-witness",
        witness,
    ];
    args.extend_from_slice(extra);
    testkit::tlogcheck_ok(&args)
}

#[test]
fn keygen_makes_both_types_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let ed = keygen(tmp.path(), "ed25519", "ed.key");
    let ml = keygen(tmp.path(), "ml-dsa-44", "ml.key");
    let ed = CosignerKey::parse(&ed).unwrap();
    let ml = CosignerKey::parse(&ml).unwrap();
    assert_eq!(ed.kind().label(), "ed25519");
    assert_eq!(ml.kind().label(), "ml-dsa-44");
    let again = common::fails(
        &[
            "witness", "keygen", "--name", "w", "--type", "ed25519", "--out", "ed.key",
        ],
        tmp.path(),
    );
    assert!(again.contains("never overwritten"), "{again}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(tmp.path().join("ml.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the secret is readable by others");
    }
}

/// The Go reference client submits an honest log's checkpoints to `accord
/// witness` (Ed25519 and ML-DSA-44 keys at once), following the 409 it gets
/// when it starts from 0; the checkpoint the witness then serves to
/// monitors passes the reference verifier with the witness's cosignature.
#[test]
fn the_reference_client_gets_cosignatures_on_an_honest_log() {
    let tmp = tempfile::tempdir().unwrap();
    let ed = keygen(tmp.path(), "ed25519", "ed.key");
    let ml = keygen(tmp.path(), "ml-dsa-44", "ml.key");
    let mut honest = TestLog::new(&tmp.path().join("honest"), "honest", 0);
    let vkey = honest.log.verifier().to_string();
    let served = Served::start(
        tmp.path(),
        &[
            "--state", "state", "--key", "ed.key", "--key", "ml.key", "--log", &vkey,
        ],
    );
    let url = served.base.clone();

    honest.grow_to(7);
    let out = tlogcheck_add(&url, &honest, &ed, &[]);
    assert!(out.contains("cosigned by witness.example/w1"), "{out}");
    assert!(!out.contains("resending"), "the first goes from 0: {out}");
    for size in [20, 300, 301, 700] {
        honest.grow_to(size);
        let out = tlogcheck_add(&url, &honest, &ed, &[]);
        assert!(
            out.contains("witness is at size") && out.contains(&format!("size {size}")),
            "{out}"
        );
    }
    // The ML-DSA-44 cosignature came with it (the client ignores it).
    let (s, _, body) = post(&format!("{url}/add-checkpoint"), &honest.request(700));
    assert_eq!(s, 200);
    let sigs = parse_signature_lines(&body).unwrap();
    let mut note = Note::parse(&honest.log.checkpoint().to_bytes()).unwrap();
    for s in sigs {
        note.add_signature(s).unwrap();
    }
    for k in [&ed, &ml] {
        assert!(
            CosignerKey::parse(k).unwrap().cosigned(&note).is_some(),
            "{k}"
        );
    }

    // What the witness serves to monitors is the log's checkpoint with its
    // cosignature: the reference verifier accepts it in place of the log's.
    let (s, cosigned) = get(&format!("{url}/{}/checkpoint", origin_hash(ORIGIN)));
    assert_eq!(s, 200);
    let copy = tmp.path().join("copy");
    copy_dir(&honest.dir, &copy);
    std::fs::write(copy.join("checkpoint"), &cosigned).unwrap();
    testkit::tlogcheck_ok(&[
        "verify",
        "-log",
        copy.to_str().unwrap(),
        "-key",
        &vkey,
        "-witness",
        &ed,
    ]);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(&name));
        } else {
            std::fs::copy(e.path(), to.join(&name)).unwrap();
        }
    }
}

/// The rogue operator: the log's own key, another history. The reference
/// client, submitting the forked checkpoints, gets the spec's 422 at the
/// size the witness holds and beyond it; the evidence `accord witness
/// evidence` exports holds both checkpoints of each contradiction, each
/// verifying under the log's key.
#[test]
fn a_rogue_operator_is_refused_and_the_evidence_is_exported() {
    let tmp = tempfile::tempdir().unwrap();
    let ed = keygen(tmp.path(), "ed25519", "ed.key");
    let mut honest = TestLog::new(&tmp.path().join("honest"), "honest", 100);
    let mut forked = TestLog::new(&tmp.path().join("forked"), "forked", 100);
    let vkey = honest.log.verifier().to_string();
    let served = Served::start(
        tmp.path(),
        &["--state", "state", "--key", "ed.key", "--log", &vkey],
    );
    let url = served.base.clone();
    honest.grow_to(150);
    tlogcheck_add(&url, &honest, &ed, &[]);
    honest.grow_to(300);
    tlogcheck_add(&url, &honest, &ed, &[]);

    // The same size, another root. The client's first request, from 0,
    // gets a 409 that already tells the witness (it cosigned 300): the
    // contradiction is kept once.
    forked.grow_to(300);
    assert_ne!(
        forked.log.checkpoint().checkpoint.root,
        honest.log.checkpoint().checkpoint.root
    );
    let out = tlogcheck_add(
        &url,
        &forked,
        &ed,
        &["-checkpoint", &forked.checkpoint_file(), "-expect", "422"],
    );
    assert!(out.contains("422"), "{out}");
    // Beyond it: the proof from 300 the fork has to send shows its tree
    // does not extend the one cosigned.
    forked.grow_to(420);
    tlogcheck_add(
        &url,
        &forked,
        &ed,
        &["-checkpoint", &forked.checkpoint_file(), "-expect", "422"],
    );
    // The honest log goes on being cosigned.
    honest.grow_to(333);
    tlogcheck_add(&url, &honest, &ed, &[]);
    drop(served);

    let o = accord(
        &[
            "witness", "evidence", "--state", "state", "--out", "evidence",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("wrote 2 pieces of evidence (2 proving misbehaviour)"),
        "{}",
        text(&o)
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("evidence/evidence.json")).unwrap())
            .unwrap();
    let items = summary.as_array().unwrap();
    let kinds: Vec<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["same_size_different_root", "proof_shows_fork"]);
    let log_key = log_key().verifier();
    for item in items {
        let files: Vec<&str> = item["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        let read = |suffix: &str| {
            let f = files.iter().find(|f| f.ends_with(suffix)).unwrap();
            std::fs::read(tmp.path().join("evidence").join(f)).unwrap()
        };
        let (received, _) =
            SignedCheckpoint::open(&read("received.checkpoint"), Some(&log_key), &[]).unwrap();
        let (held, _) =
            SignedCheckpoint::open(&read("held.checkpoint"), Some(&log_key), &[]).unwrap();
        assert_eq!(held.checkpoint.size, 300);
        assert_eq!(held.checkpoint.root, honest_root_at(&honest, 300));
        assert_eq!(
            received.checkpoint.root,
            TileReader::new(DirSource::new(&forked.dir))
                .root(received.checkpoint.size)
                .unwrap()
        );
        assert!(item["proves_misbehaviour"].as_bool().unwrap());
        // The request is kept byte for byte.
        let req = AddCheckpoint::parse(&read("request.txt")).unwrap();
        assert_eq!(req.checkpoint, read("received.checkpoint"));
    }
    let readme = std::fs::read_to_string(tmp.path().join("evidence/README.md")).unwrap();
    assert!(readme.contains("2 prove a log's misbehaviour"), "{readme}");
    // Without --out, the summary is printed.
    let o = accord(&["witness", "evidence", "--state", "state"], tmp.path());
    assert!(
        text(&o).contains("same_size_different_root"),
        "{}",
        text(&o)
    );
}

fn honest_root_at(log: &TestLog, size: u64) -> Hash {
    TileReader::new(DirSource::new(&log.dir))
        .root(size)
        .unwrap()
}

/// `kill -9` right after each 200, then a restart (with a configuration
/// file this time): the size held is the one answered, every time.
#[test]
fn kill_9_right_after_a_200_keeps_what_was_answered() {
    let tmp = tempfile::tempdir().unwrap();
    keygen(tmp.path(), "ml-dsa-44", "ml.key");
    let mut log = TestLog::new(&tmp.path().join("log"), "x", 0);
    let vkey = log.log.verifier().to_string();
    std::fs::write(
        tmp.path().join("witness.toml"),
        format!("state = \"state\"\nkeys = [\"ml.key\"]\nlogs = [\"{vkey}\"]\n"),
    )
    .unwrap();
    let cfg = tmp.path().join("witness.toml");
    let cfg = cfg.to_str().unwrap();
    let mut answered = 0;
    for round in 1..=6u64 {
        let served = Served::start(tmp.path(), &["--config", cfg]);
        let add = format!("{}/add-checkpoint", served.base);
        let monitor = format!("{}/{}/checkpoint", served.base, origin_hash(ORIGIN));
        // After the restart: the size answered last is the size held.
        let (s, ct, body) = post(&add, &log.request(0));
        if answered == 0 {
            assert_eq!(s, 200);
            answered = log.size();
        } else {
            assert_eq!((s, ct.as_str()), (409, SIZE_CONTENT_TYPE));
            assert_eq!(body, format!("{answered}\n").into_bytes());
            let (s, cp) = get(&monitor);
            assert_eq!(s, 200);
            assert_eq!(
                SignedCheckpoint::parse(&cp).unwrap().checkpoint.size,
                answered
            );
        }
        log.grow_to(log.size() + round * 37);
        let (s, _, body) = post(&add, &log.request(answered));
        assert_eq!(s, 200, "{}", String::from_utf8_lossy(&body));
        // No grace: the process dies the moment the answer is read.
        served.signal("-KILL");
        answered = log.size();
        drop(served);
    }
}

/// SIGTERM: the witness stops taking connections and exits 0; a second
/// witness cannot run on the same state meanwhile.
#[test]
fn sigterm_stops_it_cleanly_and_the_state_has_one_witness() {
    let tmp = tempfile::tempdir().unwrap();
    keygen(tmp.path(), "ed25519", "ed.key");
    let vkey = log_key().verifier().to_string();
    let args = [
        "--state",
        "state",
        "--key",
        "ed.key",
        "--log",
        vkey.as_str(),
    ];
    let mut served = Served::start(tmp.path(), &args);
    let second = common::fails(
        &[
            "witness",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--state",
            "state",
            "--key",
            "ed.key",
            "--log",
            &vkey,
        ],
        tmp.path(),
    );
    assert!(second.contains("another witness is running"), "{second}");
    served.signal("-TERM");
    let status = served.wait(Duration::from_secs(20));
    assert!(status.success(), "{status:?}: {}", served.stderr());
    assert!(served.stderr().contains("stopped"), "{}", served.stderr());
    // Bad configurations say what is wrong.
    let e = common::fails(
        &[
            "witness", "serve", "--state", "s2", "--key", "ed.key", "--log", "nonsense",
        ],
        tmp.path(),
    );
    assert!(e.contains("log key \"nonsense\""), "{e}");
    let e = common::fails(
        &["witness", "serve", "--state", "s2", "--log", &vkey],
        tmp.path(),
    );
    assert!(e.contains("--key"), "{e}");
}
