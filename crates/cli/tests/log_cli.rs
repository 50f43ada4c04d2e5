//! `accord log ...` end to end, checked by the independent verifier.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use testkit::{tlogcheck, tlogcheck_ok};

fn accord() -> Command {
    Command::new(env!("CARGO_BIN_EXE_accord"))
}

fn run(args: &[&str]) -> Output {
    accord().args(args).output().expect("run accord")
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "accord {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fails(args: &[&str]) -> String {
    let out = run(args);
    assert!(!out.status.success(), "accord {args:?} should have failed");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn init(dir: &Path) -> String {
    ok(&[
        "log",
        "init",
        dir.to_str().unwrap(),
        "--origin",
        "test.example/cli",
    ])
    .trim()
    .to_string()
}

fn write_lines(path: &Path, lines: impl Iterator<Item = String>) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for l in lines {
        writeln!(f, "{l}").unwrap();
    }
}

fn line(i: u64) -> String {
    // Entries of varied length, some over 1 KiB.
    format!("entry {i} {}", "x".repeat((i % 1500) as usize))
}

fn checkpoint_size(dir: &Path) -> u64 {
    let cp = std::fs::read_to_string(dir.join("checkpoint")).unwrap();
    cp.lines().nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_log_of_100k_entries_built_by_the_cli_passes_tlogcheck_and_stays_consistent() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    let d = dir.to_str().unwrap();
    let vkey = init(&dir);
    let input = tmp.path().join("in.txt");
    write_lines(&input, (0..100_000).map(line));
    let out = ok(&["log", "append", d, input.to_str().unwrap()]);
    assert!(
        out.starts_with("appended 100000 entries at indices 0 to 99999\n"),
        "{out}"
    );
    assert!(
        out.contains("test.example/cli\n100000\n"),
        "prints the checkpoint: {out}"
    );
    tlogcheck_ok(&["verify", "-log", d, "-key", &vkey, "-entries"]);
    let old = tmp.path().join("old-checkpoint");
    std::fs::copy(dir.join("checkpoint"), &old).unwrap();

    // More entries, from standard input this time.
    let mut child = accord()
        .args(["log", "append", d])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        for i in 100_000..130_000 {
            writeln!(stdin, "{}", line(i)).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .starts_with("appended 30000 entries at indices 100000 to 129999")
    );
    let text = tlogcheck_ok(&[
        "verify",
        "-log",
        d,
        "-key",
        &vkey,
        "-entries",
        "-old",
        old.to_str().unwrap(),
    ]);
    assert!(
        text.contains("consistent with old checkpoint of size 100000"),
        "{text}"
    );
    let ours = ok(&[
        "log",
        "verify",
        d,
        "--key",
        &vkey,
        "--old",
        old.to_str().unwrap(),
    ]);
    assert!(
        ours.contains("consistent with the old checkpoint of size 100000")
            && ours.ends_with("OK\n"),
        "{ours}"
    );

    // Proofs printed by the CLI are accepted by the Go reference.
    let proof = ok(&[
        "log",
        "proof",
        d,
        "--index",
        "77777",
        "--old-size",
        "100000",
    ]);
    let (incl, cons) = proof.split_once("\nold ").unwrap();
    let mut lines = incl.lines();
    assert_eq!(lines.next(), Some("c2sp.org/tlog-proof@v1"));
    assert_eq!(lines.next(), Some("index 77777"));
    let hashes: Vec<&str> = lines.by_ref().take_while(|l| !l.is_empty()).collect();
    let origin = lines.next().unwrap();
    assert_eq!(origin, "test.example/cli");
    assert_eq!(lines.next(), Some("130000"));
    let root = lines.next().unwrap();
    use base64::Engine as _;
    let leaf = base64::engine::general_purpose::STANDARD.encode(line(77777));
    tlogcheck_ok(&[
        "inclusion",
        "-size",
        "130000",
        "-root",
        root,
        "-index",
        "77777",
        "-leaf",
        &leaf,
        "-proof",
        &hashes.join(","),
    ]);
    // The wrong leaf is refused by the reference too.
    let wrong = base64::engine::general_purpose::STANDARD.encode(line(77778));
    assert!(
        !tlogcheck(&[
            "inclusion",
            "-size",
            "130000",
            "-root",
            root,
            "-index",
            "77777",
            "-leaf",
            &wrong,
            "-proof",
            &hashes.join(",")
        ])
        .status
        .success()
    );

    let mut cl = cons.lines();
    assert_eq!(cl.next(), Some("100000"));
    let chashes: Vec<&str> = cl.take_while(|l| !l.is_empty()).collect();
    let old_text = std::fs::read_to_string(&old).unwrap();
    let old_root = old_text.lines().nth(2).unwrap();
    tlogcheck_ok(&[
        "consistency",
        "-old-size",
        "100000",
        "-old-root",
        old_root,
        "-size",
        "130000",
        "-root",
        root,
        "-proof",
        &chashes.join(","),
    ]);

    assert_eq!(
        ok(&["log", "get", d, "--index", "129999"]),
        format!("{}\n", line(129_999))
    );
}

#[test]
fn bad_input_is_named_and_nothing_is_appended() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    let d = dir.to_str().unwrap();
    init(&dir);
    ok(&["log", "append", d, "/dev/null"]);
    let input = tmp.path().join("bad.txt");
    std::fs::write(&input, format!("one\ntwo\n{}\nfour\n", "z".repeat(70_000))).unwrap();
    let err = fails(&["log", "append", d, input.to_str().unwrap()]);
    assert!(err.contains("bad.txt:3: line is 70000 bytes"), "{err}");
    assert!(err.contains("nothing was appended"), "{err}");
    assert_eq!(checkpoint_size(&dir), 0);

    let err = fails(&["log", "append", d, "--raw", input.to_str().unwrap()]);
    assert!(err.contains("bad.txt: 70014 bytes"), "{err}");
    let err = fails(&[
        "log",
        "append",
        d,
        tmp.path().join("missing.txt").to_str().unwrap(),
    ]);
    assert!(err.contains("missing.txt: no such file"), "{err}");
    let err = fails(&["log", "init", d, "--origin", "again.example"]);
    assert!(err.contains("already holds a log"), "{err}");
    let err = fails(&[
        "log",
        "init",
        tmp.path().join("l2").to_str().unwrap(),
        "--origin",
        "has space",
    ]);
    assert!(err.contains("without spaces"), "{err}");
    let err = fails(&["log", "verify", d, "--key", "not-a-key"]);
    assert!(
        err.contains("--key") && err.contains("name+hash+base64"),
        "{err}"
    );
    let err = fails(&[
        "log",
        "append",
        tmp.path().to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert!(
        err.contains("is not a log made by `accord log init`"),
        "{err}"
    );
    let err = fails(&["log", "proof", d, "--index", "5"]);
    assert!(
        err.contains("index 5 is not in the log: its size is 0"),
        "{err}"
    );

    // Blank lines and CRLF endings: one entry per non-blank line, without
    // the line ending.
    std::fs::write(&input, "a\r\n\nb\n").unwrap();
    let out = ok(&["log", "append", d, input.to_str().unwrap()]);
    assert!(
        out.starts_with("appended 2 entries at indices 0 to 1"),
        "{out}"
    );
    assert_eq!(ok(&["log", "get", d, "--index", "0", "--raw"]), "a");

    // A key file is never overwritten.
    let key = tmp.path().join("k.key");
    ok(&["keygen", "patrol.example/7", "--out", key.to_str().unwrap()]);
    let err = fails(&["keygen", "patrol.example/7", "--out", key.to_str().unwrap()]);
    assert!(err.contains("never overwritten"), "{err}");
}

#[test]
fn a_second_writer_gets_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    let d = dir.to_str().unwrap();
    init(&dir);
    // The first writer holds the log while it waits for standard input.
    let mut first = accord()
        .args(["log", "append", d])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = first.stdin.take().unwrap();
    writeln!(stdin, "from the first writer").unwrap();
    stdin.flush().unwrap();
    let input = tmp.path().join("in.txt");
    std::fs::write(&input, "from the second\n").unwrap();
    // Wait until the first writer holds the lock (probing it takes and
    // releases it at once while it is free).
    let lock = std::fs::File::open(dir.join(".tlog/lock")).unwrap();
    for _ in 0..600 {
        match lock.try_lock() {
            Ok(()) => lock.unlock().unwrap(),
            Err(std::fs::TryLockError::WouldBlock) => break,
            Err(e) => panic!("{e:?}"),
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let err = fails(&["log", "append", d, input.to_str().unwrap()]);
    assert!(err.contains("locked by another writer"), "{err}");
    drop(stdin);
    let out = first.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(checkpoint_size(&dir), 1);
    ok(&["log", "append", d, input.to_str().unwrap()]);
    assert_eq!(checkpoint_size(&dir), 2);
}

#[test]
fn verify_names_what_was_tampered_with() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    let d = dir.to_str().unwrap();
    let vkey = init(&dir);
    let input = tmp.path().join("in.txt");
    write_lines(&input, (0..600).map(line));
    ok(&["log", "append", d, input.to_str().unwrap()]);
    let bundle: PathBuf = dir.join("tile/entries/001");
    let mut data = std::fs::read(&bundle).unwrap();
    let n = data.len();
    data[n - 1] ^= 0x20;
    std::fs::write(&bundle, &data).unwrap();
    let err = fails(&["log", "verify", d]);
    assert!(
        err.contains("verification FAILED") && err.contains("tile/entries/001"),
        "{err}"
    );
    // The independent verifier agrees.
    assert!(
        !tlogcheck(&["verify", "-log", d, "-key", &vkey, "-entries"])
            .status
            .success()
    );
    // Without the entries the tiles alone still verify.
    ok(&["log", "verify", d, "--skip-entries"]);
}

#[test]
fn relative_paths_work_as_in_the_readme() {
    let tmp = tempfile::tempdir().unwrap();
    let run_in = |args: &[&str]| {
        accord()
            .args(args)
            .current_dir(tmp.path())
            .output()
            .unwrap()
    };
    let out = run_in(&["log", "init", "mylog", "--origin", "example.org/readme"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(tmp.path().join("entries.txt"), "a\nb\nc\n").unwrap();
    let out = run_in(&["log", "append", "mylog", "entries.txt"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run_in(&["log", "verify", "mylog"]);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).ends_with("OK\n"));
    assert_eq!(checkpoint_size(&tmp.path().join("mylog")), 3);
}
