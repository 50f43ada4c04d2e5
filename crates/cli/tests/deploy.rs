//! `deploy/`: the Compose file, the servers' configurations, the load
//! balancer's and the Dockerfile agree with each other and with accord
//! (the services the configurations name, the ports, the log, the routes).
//! Nothing here needs Docker: the Compose file is read as YAML (by
//! Python's PyYAML, which scripts/test.sh installs), the rest as text.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use accord_server::config::FileConfig;
use serde_json::Value;
use tlog_s3::Location;

fn deploy() -> PathBuf {
    testkit::repo_root().join("deploy")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The Compose file, as JSON.
fn compose() -> Value {
    let path = deploy().join("compose.yaml");
    let o = Command::new("python3")
        .args([
            "-c",
            "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)",
        ])
        .arg(&path)
        .output()
        .expect("python3 runs (scripts/test.sh installs it and PyYAML)");
    assert!(
        o.status.success(),
        "{} does not parse as YAML (or python3 lacks PyYAML: pip install pyyaml):\n{}",
        path.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The accord services: their names and the configuration each runs.
fn accord_services(c: &Value) -> BTreeMap<String, PathBuf> {
    let mut out = BTreeMap::new();
    for (name, svc) in c["services"].as_object().unwrap() {
        let Some(cmd) = svc["command"].as_array() else {
            continue;
        };
        let cmd: Vec<&str> = cmd.iter().map(|v| v.as_str().unwrap()).collect();
        if cmd.first() != Some(&"serve") {
            continue;
        }
        let at = cmd.iter().position(|a| *a == "--config").unwrap();
        let file = cmd[at + 1]
            .strip_prefix("/etc/accord/config/")
            .unwrap_or_else(|| panic!("{name}: config outside the mounted directory"));
        out.insert(name.clone(), deploy().join("config").join(file));
    }
    out
}

#[test]
fn the_compose_file_runs_three_servers_on_one_log_with_their_own_configs() {
    let c = compose();
    let services = c["services"].as_object().unwrap();
    assert!(
        services["db"]["image"]
            .as_str()
            .unwrap()
            .starts_with("postgres:17"),
        "PostgreSQL 17"
    );
    let servers = accord_services(&c);
    assert_eq!(servers.len(), 3, "{servers:?}");

    // The log the one-shot service makes is the one every server serves.
    let init = services["log-init"]["command"][0].as_str().unwrap();
    let made = init
        .split_whitespace()
        .skip_while(|w| *w != "init")
        .nth(1)
        .unwrap();
    let made = Location::parse(made).unwrap();
    assert!(matches!(made, Location::S3 { .. }), "{made}");

    let mut roles = BTreeSet::new();
    for (name, path) in &servers {
        let svc = &services[name];
        let volumes: Vec<&str> = svc["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(
            volumes.contains(&"./config:/etc/accord/config:ro"),
            "{name}"
        );
        // It is a configuration `accord serve` takes.
        let text = read(path);
        let parsed = FileConfig::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let cluster = parsed
            .cluster
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: no [cluster]"));
        cluster
            .check()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let cfg: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(
            Location::parse(cfg["log"].as_str().unwrap()).unwrap(),
            made,
            "{name} serves the log log-init made"
        );
        // The agreement, relative to the config's directory, is in the
        // mounted agreement directory.
        assert_eq!(
            cfg["agreement"].as_str(),
            Some("../agreement/agreement.toml")
        );
        let cluster = cfg["cluster"].as_table().unwrap();
        let role = cluster["role"].as_str().unwrap();
        roles.insert(role.to_string());
        let port = cfg["bind"].as_str().unwrap().rsplit(':').next().unwrap();
        assert_eq!(
            cluster["advertise"].as_str().unwrap(),
            format!("http://{name}:{port}"),
            "{name}: the others reach it by its service name"
        );
        // The key is a secret, never in the image or the store, and only
        // the servers that may sequence hold it.
        if role == "reader" {
            assert!(
                svc.get("secrets").is_none(),
                "{name}: a reader holds no secret"
            );
            assert!(!cfg.contains_key("log_key"), "{name}");
        } else {
            assert_eq!(svc["secrets"][0].as_str(), Some("log.key"), "{name}");
            assert_eq!(cfg["log_key"].as_str(), Some("/run/secrets/log.key"));
        }
        // Its password comes from the environment, not from a file in git.
        let cmd = svc["command"].to_string();
        assert!(
            cmd.contains("postgres://accord:${ACCORD_DB_PASSWORD}@db:5432/accord"),
            "{name}: {cmd}"
        );
        assert!(!cfg.contains_key("database"), "{name}");
    }
    assert_eq!(
        roles,
        ["reader", "sequencer", "standby"]
            .map(String::from)
            .into_iter()
            .collect()
    );

    // The default agreement directory is there.
    let volumes = services["accord-1"]["volumes"].to_string();
    assert!(volumes.contains("${ACCORD_AGREEMENT_DIR:-../examples/ukraine-2025}"));
    assert!(
        deploy()
            .join("../examples/ukraine-2025/agreement.toml")
            .exists()
    );
}

#[test]
fn every_setting_the_compose_file_reads_is_in_the_example_environment() {
    let text = read(&deploy().join("compose.yaml"));
    let example = read(&deploy().join("env.example"));
    let mut used = BTreeSet::new();
    for part in text.split("${").skip(1) {
        let name: String = part
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        used.insert(name);
    }
    assert!(used.contains("ACCORD_DB_PASSWORD"), "{used:?}");
    for name in &used {
        assert!(
            example.contains(&format!("{name}=")),
            "{name} is not in deploy/env.example"
        );
    }
    // And the secrets stay out of git.
    let ignored = read(&deploy().join(".gitignore"));
    assert!(ignored.lines().any(|l| l == ".env") && ignored.lines().any(|l| l == "secrets/"));
}

#[test]
fn the_load_balancer_spreads_over_the_servers_and_never_serves_dot_paths() {
    let c = compose();
    let nginx = read(&deploy().join("nginx.conf"));
    let block = nginx
        .split_once("upstream accord {")
        .and_then(|(_, rest)| rest.split_once('}'))
        .expect("an upstream block")
        .0;
    let upstream: BTreeSet<String> = block
        .lines()
        .filter_map(|l| l.trim().strip_prefix("server "))
        .map(|s| s.split_whitespace().next().unwrap().to_string())
        .collect();
    let servers: BTreeSet<String> = accord_services(&c)
        .iter()
        .map(|(name, path)| {
            let cfg: toml::Table = toml::from_str(&read(path)).unwrap();
            let port = cfg["bind"].as_str().unwrap().rsplit(':').next().unwrap();
            format!("{name}:{port}")
        })
        .collect();
    assert_eq!(upstream, servers);
    assert!(nginx.contains("location ~ /\\. {\n            return 404;"));
    assert!(nginx.contains(
        "location /tile/ {\n            proxy_pass http://accord;\n            proxy_cache tiles;"
    ));
    let published = c["services"]["lb"]["ports"][0].as_str().unwrap();
    assert!(published.ends_with(":8080"), "{published}");
    assert!(nginx.contains("listen 8080;"));
}

#[test]
fn the_image_exposes_the_servers_port_and_checks_a_route_accord_has() {
    let docker = read(&deploy().join("Dockerfile"));
    assert!(docker.contains("FROM rust:1-bookworm AS build"));
    assert!(docker.contains("cargo build --release -p accord-cli --locked"));
    assert!(docker.contains("FROM debian:bookworm-slim"));
    assert!(docker.contains("USER accord"));
    assert!(docker.contains("ENTRYPOINT [\"accord\"]"));
    for path in accord_services(&compose()).values() {
        let cfg: toml::Table = toml::from_str(&read(path)).unwrap();
        let port = cfg["bind"].as_str().unwrap().rsplit(':').next().unwrap();
        assert!(docker.contains(&format!("EXPOSE {port}")), "{port}");
    }
    let check = docker
        .lines()
        .find_map(|l| l.trim().strip_prefix("CMD curl -fsS http://127.0.0.1:8470"))
        .expect("a health check on the server's port");
    let route = check.split_whitespace().next().unwrap();
    let ops = read(&testkit::repo_root().join("crates/server/src/routes/ops.rs"));
    assert!(
        ops.contains(&format!("path = \"{route}\"")),
        "the health check's {route} is not a route of the server"
    );
}
