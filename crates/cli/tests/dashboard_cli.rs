//! The dashboard as its readers get it: `accord serve` loaded with the
//! demo, driven in headless Chromium by `browser/dashboard-check.mjs`
//! (playwright-core, axe-core). The page must draw the agreement's zones
//! and the observations, filter them, show an observation with its proof
//! verified in the browser, show the compliance table `accord status
//! --json` gives, replay the log in WebAssembly to the same status, and
//! pass axe-core; screenshots are saved under `target/screenshots/`.
//!
//! Then the server lies (the browser's requests are answered falsely by
//! the check script: a status that does not match the log, an entry whose
//! proof fails, a list that places an observation elsewhere than its
//! signed entry, a tile altered, a checkpoint stripped of the policy's
//! cosignatures) and the page must say so, in red.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use accord_example::Script;
use common::Running;
use common::logs::{D, append_log, history};
use serde_json::Value;
use testkit::browser;

/// The witness of the witnessed log: the Mission's.
const WITNESS: &str = "witness.mission.example";

/// A log under a witnessed agreement, served by `accord serve` with its
/// witness (`accord witness serve`) running: the server gathers the
/// witness's cosignature on its checkpoint. Returns (server, witness); the
/// next statement of the history, signed and not logged, is in
/// `dir/next-statement.txt`.
fn serve_witnessed(dir: &Path) -> (Running, Running) {
    let o = common::accord(
        &[
            "witness",
            "keygen",
            "--name",
            WITNESS,
            "--type",
            "ed25519",
            "--out",
            "witness.key",
        ],
        dir,
    );
    assert!(o.status.success(), "{}", common::text(&o));
    let vkey = String::from_utf8(o.stdout).unwrap().trim().to_string();
    let ag_dir = dir.join("agreement");
    let (ag, a, h) = common::logs::witnessed_agreement(
        &ag_dir,
        "[{ at_least = 1, of = [\"MISSION\"] }]",
        &[("mission", "MISSION", vkey)],
    );
    let mut s = Script::new(&a, h, D.parse().unwrap());
    history(&mut s);
    // One more observation, signed but not logged: the test submits it
    // while the page is open, to see the page follow the log.
    let logged = s.entries.len();
    s.wait_hours(3.0);
    s.observe(
        "MISSION/1",
        "ceasefire_violation",
        (37.9, 48.3),
        serde_json::json!({"events": [{"type": "explosion", "count": 2}]}),
        serde_json::json!({"sensor": "patrol"}),
    )
    .ok();
    assert_eq!(s.entries.len(), logged + 1);
    let next = s.entries.pop().unwrap();
    std::fs::write(dir.join("next-statement.txt"), &next).unwrap();
    let log_key = accord_example::key("log.mission.accord.example/log");
    std::fs::write(dir.join("log.key"), log_key.to_secret_string()).unwrap();
    let log_vkey = log_key.verifier().to_string();
    let log = dir.join("log");
    let o = common::accord(&["log", "init", "log", "--key", "log.key"], dir);
    assert!(o.status.success(), "{}", common::text(&o));
    append_log(&log, &s.entries);
    let witness = Running::start(
        dir,
        &[
            "witness",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--state",
            "witness-state",
            "--key",
            "witness.key",
            "--log",
            &log_vkey,
        ],
        "accord witness serve",
    );
    let server = Running::start(
        dir,
        &[
            "serve",
            "--agreement",
            ag.to_str().unwrap(),
            "--log",
            log.to_str().unwrap(),
            "--bind",
            "127.0.0.1:0",
            "--witness-url",
            &format!("mission={}/", witness.base),
        ],
        "accord serve",
    );
    // The first round of cosigning follows the start.
    let agent = common::http_agent(Duration::from_secs(10));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let cp = agent
            .get(&server.url("/checkpoint"))
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap();
        if cp.contains(&format!("— {WITNESS} ")) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the witness never cosigned the served checkpoint:\n{cp}\nserver:\n{}\nwitness:\n{}",
            server.stderr(),
            witness.stderr()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (server, witness)
}

/// Runs `browser/dashboard-check.mjs` against `base`; what it saw.
fn check(base: &str, mode: &str, extra: &[&str]) -> Value {
    let out = browser::screenshots();
    let o = std::process::Command::new("node")
        .arg(browser::dir().join("dashboard-check.mjs"))
        .args([base, "--out", out.to_str().unwrap(), "--mode", mode])
        .args(extra)
        .output()
        .expect("run node browser/dashboard-check.mjs");
    let stdout = String::from_utf8_lossy(&o.stdout);
    let seen: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "dashboard-check printed no JSON ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&o.stderr)
        )
    });
    assert!(
        o.status.success() && seen.get("error").is_none(),
        "dashboard-check ({mode}) failed: {}\n{}",
        seen["error"],
        String::from_utf8_lossy(&o.stderr)
    );
    for p in seen["screenshots"].as_array().unwrap() {
        let len = std::fs::metadata(p.as_str().unwrap()).unwrap().len();
        assert!(len > 10_000, "screenshot {p} is {len} bytes");
    }
    seen
}

/// The page did nothing it should not: no console error, no uncaught
/// exception, no request beyond the server.
fn clean(seen: &Value, what: &str) {
    for k in [
        "console_errors",
        "page_errors",
        "foreign_requests",
        "error_responses",
    ] {
        assert_eq!(
            seen[k].as_array().map(Vec::len),
            Some(0),
            "{what}: {k}: {:#}",
            seen[k]
        );
    }
}

/// Whether a CSS colour (`rgb(r, g, b)`) is a red.
fn red(css: &Value) -> bool {
    let n: Vec<f64> = css
        .as_str()
        .unwrap_or_default()
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')')
        .split(',')
        .filter_map(|x| x.trim().parse().ok())
        .collect();
    n.len() >= 3 && n[0] >= 120.0 && n[0] > n[1] + 50.0 && n[0] > n[2] + 50.0
}

/// axe-core's serious and critical findings.
fn serious(axe: &Value) -> Vec<&Value> {
    axe.as_array()
        .expect("axe ran")
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect()
}

#[test]
fn the_dashboard_shows_the_demo_verified_in_the_browser() {
    if !browser::available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let server = Running::start(
        tmp.path(),
        &[
            "serve",
            "--demo",
            "--demo-dir",
            "d",
            "--bind",
            "127.0.0.1:0",
        ],
        "accord serve --demo",
    );
    let o = common::accord(
        &[
            "status",
            "--agreement",
            "d/agreement/agreement.toml",
            "d/log",
            "--json",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", common::text(&o));
    let status: Value = serde_json::from_slice(&o.stdout).unwrap();
    let seen = check(&server.base, "demo", &[]);

    for (what, s) in [
        ("laptop", &seen["seen"]),
        ("keyboard", &seen["keyboard"]["seen"]),
        ("phone", &seen["phone"]["seen"]),
        ("uk", &seen["uk"]["seen"]),
    ] {
        clean(s, what);
    }
    // The demo's agreement names no witnesses: the log's signature is
    // verified, and the badge says that is all (amber, not green).
    assert_eq!(seen["trust"]["state"], "partial", "{:#}", seen["trust"]);
    let lines = seen["trust"]["lines"].to_string();
    assert!(lines.contains("witness"), "{lines}");

    // The map drew the agreement's zones and the observations.
    let layers = &seen["map"]["layers"];
    assert_eq!(seen["map"]["ready"], "true");
    for layer in [
        "line-of-contact",
        "controlled",
        "withdrawal-lines",
        "crossings",
        "borders",
    ] {
        assert!(
            layers[layer].as_u64().unwrap_or(0) > 0,
            "nothing drawn in {layer}: {layers:#}"
        );
    }
    // Dense: clustered at the whole view.
    assert!(layers["clusters"].as_u64().unwrap_or(0) > 0, "{layers:#}");
    let points =
        layers["obs-points"].as_u64().unwrap_or(0) + layers["clusters"].as_u64().unwrap_or(0);
    assert!(points > 0, "no observation drawn: {layers:#}");
    // Every observation the evaluator counts is on the page.
    let total = status["observations"]["total"].as_u64().unwrap();
    assert_eq!(seen["counts"]["total"], total, "{:#}", seen["counts"]);
    assert_eq!(seen["counts"]["shown"], total);
    assert_eq!(seen["counts"]["map_shown"], total);

    // The filter by kind shows that kind only, as many as the status
    // counts, and the address says so.
    let f = &seen["filtered"];
    let violations = status["observations"]["by_category"]["ceasefire_violation"]
        .as_u64()
        .unwrap();
    assert_eq!(f["shown"], violations, "{f:#}");
    assert_eq!(f["map_shown"], violations, "{f:#}");
    assert_eq!(
        f["row_categories"],
        serde_json::json!(["ceasefire_violation"])
    );
    assert!(
        f["url"]
            .as_str()
            .unwrap()
            .contains("category=ceasefire_violation"),
        "{f:#}"
    );
    assert!(violations < total);
    assert_eq!(seen["reset"]["shown"], total);

    // A click on the map opened that observation, its proof checked here.
    let d = &seen["map_click"];
    assert_eq!(d["index"], d["wanted"], "{d:#}");
    assert_eq!(d["proof"], "verified", "{d:#}");
    assert!(d["signers"].as_str().unwrap().len() > 3, "{d:#}");
    assert_eq!(seen["escape_closes"], true);

    // The compliance table is `accord status --json`'s, cell for cell.
    let cells: Vec<&Value> = seen["compliance"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["verdict"] != "not_bound")
        .collect();
    let mut expected = 0;
    for (clause, c) in status["clauses"].as_object().unwrap() {
        for (party, p) in c["by_party"].as_object().unwrap() {
            expected += 1;
            let cell = cells
                .iter()
                .find(|x| x["clause"] == clause.as_str() && x["party"] == party.as_str())
                .unwrap_or_else(|| panic!("no cell for {clause}/{party}"));
            assert_eq!(cell["verdict"], p["verdict"], "{clause}/{party}: {cell:#}");
        }
    }
    assert_eq!(cells.len(), expected);
    let current = status["phase"]["id"].as_str().unwrap();
    assert!(
        seen["phases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == current && p["current"] == true),
        "{:#}",
        seen["phases"]
    );
    for (id, t) in status["tranches"].as_object().unwrap() {
        assert!(
            seen["tranches"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["id"] == id.as_str() && x["state"] == t["state"]),
            "tranche {id}: {:#}",
            seen["tranches"]
        );
    }
    assert!(
        seen["charts"]["svgs"].as_u64().unwrap() > 0,
        "{:#}",
        seen["charts"]
    );
    assert_eq!(seen["charts"]["untitled"], 0);
    let downloads = seen["downloads"].to_string();
    for f in ["jsonl", "csv", "geojson"] {
        assert!(downloads.contains(&format!("format={f}")), "{downloads}");
    }
    let reports = seen["report_links"].to_string();
    for l in ["lang=en", "lang=uk", "lang=ru", "format=pdf"] {
        assert!(reports.contains(l), "{reports}");
    }

    // The journalist's replay: the log evaluated in the browser gives the
    // status the server shows.
    assert_eq!(seen["replay"]["state"], "same", "{:#}", seen["replay"]);

    // The keyboard reaches the observations and their details.
    let k = &seen["keyboard"];
    assert_eq!(k["first"], "skip-link", "{k:#}");
    assert!(k["reached"].is_u64(), "{k:#}");
    // Proved included; a monitor's signature is checked once a replay has
    // read the accreditations (the badge says which).
    assert!(
        matches!(k["opened"]["proof"].as_str(), Some("verified" | "included")),
        "{k:#}"
    );
    assert_eq!(k["opened"]["index"], k["reached"]);
    assert_eq!(k["closed"], true);
    assert_eq!(k["focus_back"], "observation-open", "{k:#}");

    // A phone: nothing wider than the screen.
    assert_eq!(seen["phone"]["wider_than_viewport"], false);
    assert!(seen["phone"]["map_width"].as_f64().unwrap() <= 390.0);
    assert_eq!(seen["uk"]["lang"], "uk");

    // axe-core: no serious or critical finding, on a laptop or a phone.
    for axe in [&seen["axe"], &seen["phone"]["axe"]] {
        let bad = serious(axe);
        assert!(bad.is_empty(), "axe-core: {bad:#?}");
    }
}

#[test]
fn a_lying_server_is_caught_by_the_page_in_red() {
    if !browser::available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (server, _witness) = serve_witnessed(tmp.path());
    let next = tmp.path().join("next-statement.txt");
    let seen = check(
        &server.base,
        "witnessed",
        &["--submit", next.to_str().unwrap()],
    );

    // Honestly served: the checkpoint is the log's and its witness's, the
    // entry is proved, the replay matches.
    let h = &seen["honest"];
    clean(&h["seen"], "honest");
    assert_eq!(h["trust"]["state"], "verified", "{:#}", h["trust"]);
    assert!(
        h["trust"]["lines"].to_string().contains("mission"),
        "{:#}",
        h["trust"]
    );
    // A monitor's entry: proved included at once; its signature checked
    // once the replay has read who the log accredits.
    assert_eq!(h["details"]["proof"], "included", "{:#}", h["details"]);
    assert!(h["details"]["problems"].as_array().unwrap().is_empty());
    // Its signature is unchecked until then, not shown as invalid.
    let signers = h["details"]["signers"].as_str().unwrap();
    assert!(!signers.contains('✗') && signers.contains('…'), "{signers}");
    assert_eq!(h["replay"]["state"], "same", "{:#}", h["replay"]);
    let after = &h["details_after_replay"];
    assert_eq!(after["index"], h["details"]["index"]);
    assert_eq!(after["proof"], "verified", "{after:#}");
    assert!(
        after["signers"].as_str().unwrap().contains('✓'),
        "{after:#}"
    );

    // Live: a statement logged while the page is open appears on it, and
    // the page verifies the new checkpoint (and its cosignature).
    let live = &h["live"];
    assert!(
        matches!(live["submitted"].as_u64(), Some(200 | 201)),
        "{live:#}"
    );
    assert_eq!(
        live["total_after"].as_u64().unwrap(),
        live["total_before"].as_u64().unwrap() + 1,
        "{live:#}"
    );
    assert!(live["listed"].as_bool().unwrap(), "{live:#}");
    assert_eq!(
        live["followed"], true,
        "the badge did not follow the new checkpoint: {live:#}"
    );
    assert_eq!(live["trust"]["state"], "verified", "{live:#}");
    assert!(
        live["announced"]
            .as_str()
            .unwrap()
            .contains(&live["size_after"].to_string()),
        "{live:#}"
    );

    // The witness's cosignature stripped from the checkpoint.
    let u = &seen["unwitnessed"];
    assert!(!u["seen"]["lied"].as_array().unwrap().is_empty());
    assert_eq!(u["trust"]["state"], "failed", "{:#}", u["trust"]);
    assert!(red(&u["trust"]["color"]), "{:#}", u["trust"]);

    // A status that is not the log's: the replay names the verdict.
    let s = &seen["lying_status"];
    assert_eq!(s["replay"]["state"], "differs", "{s:#}");
    let (clause, party) = (
        s["changed"]["clause"].as_str().unwrap(),
        s["changed"]["party"].as_str().unwrap(),
    );
    let differences = s["replay"]["differences"].to_string();
    assert!(
        differences.contains(clause) && differences.contains(party),
        "{differences}"
    );
    assert!(red(&s["replay"]["color"]), "{s:#}");

    // An entry changed on its way: its proof fails, in red.
    let e = &seen["lying_entry"];
    assert!(!e["seen"]["lied"].as_array().unwrap().is_empty(), "{e:#}");
    assert_eq!(e["details"]["index"], e["target"]);
    assert_eq!(e["details"]["proof"], "failed", "{e:#}");
    assert!(
        !e["details"]["problems"].as_array().unwrap().is_empty(),
        "{e:#}"
    );
    assert!(red(&e["details"]["proof_color"]), "{e:#}");

    // The list places an observation elsewhere than its signed entry says:
    // the entry's proof holds, but the page holds the list to the entry.
    let l = &seen["lying_listing"];
    assert!(!l["seen"]["lied"].as_array().unwrap().is_empty(), "{l:#}");
    assert_eq!(l["details"]["index"], l["target"]);
    assert_eq!(l["details"]["proof"], "failed", "{l:#}");
    assert!(
        l["details"]["problems"].to_string().contains("position"),
        "{l:#}"
    );
    assert_eq!(l["trust"]["state"], "failed", "{l:#}");

    // A tile altered: the replay refuses the log.
    let t = &seen["lying_tile"];
    assert!(!t["seen"]["lied"].as_array().unwrap().is_empty(), "{t:#}");
    assert_eq!(t["replay"]["state"], "failed", "{t:#}");
    assert!(red(&t["replay"]["color"]), "{t:#}");
}

#[test]
fn a_witnessed_log_is_served_with_its_cosignature() {
    let tmp = tempfile::tempdir().unwrap();
    let (server, _witness) = serve_witnessed(tmp.path());
    let cp: String = common::http_agent(Duration::from_secs(10))
        .get(&server.url("/checkpoint"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    assert!(cp.starts_with("log.mission.accord.example/log\n"), "{cp}");
    // A proof ends with the checkpoint it leads to: the cosigned one, so
    // that a reader holding the policy can check it alone.
    let proof: String = common::http_agent(Duration::from_secs(10))
        .get(&server.url("/v1/proof/3?format=text"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    assert!(proof.ends_with(&cp), "{proof}\n---\n{cp}");
    assert!(proof.contains(&format!("— {WITNESS} ")), "{proof}");
}
