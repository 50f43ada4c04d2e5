//! `accord reindex`: the server's index rebuilt from a log, as an operator
//! runs it.

mod common;

use common::{accord, fails, text};

#[test]
fn a_log_is_reindexed_into_sqlite() {
    let tmp = tempfile::tempdir().unwrap();
    let o = accord(
        &["demo", "--dir", "d", "--no-events", "--days", "30"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let args = [
        "reindex",
        "--agreement",
        "d/agreement/agreement.toml",
        "--log",
        "d/log",
        "--db",
        "d/index.db",
    ];
    let o = accord(&args, tmp.path());
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.starts_with("indexed "), "{out}");
    let index =
        accord_server::index::Index::open(tmp.path().join("d/index.db").to_str().unwrap()).unwrap();
    let size = index.indexed_size().unwrap();
    assert!(out.contains(&format!("indexed {size} entries")), "{out}");
    assert!(size > 30, "{size}");
    let dump = index.dump().unwrap();
    assert_eq!(dump.statements.len() as u64, size);
    assert!(!dump.observations.is_empty());
    // Again: the same index.
    assert!(accord(&args, tmp.path()).status.success());
    assert!(index.dump().unwrap() == dump);

    let mut bad = args;
    bad[6] = ":memory:";
    let err = fails(&bad, tmp.path());
    assert!(err.contains("needs a file"), "{err}");
}
