//! `accord serve`: the HTTP API over a log (see `accord_server`). This file
//! only reads the configuration, loads the agreement and keys, and starts
//! the server; everything it serves is the server crate's.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use accord::agreement::Loader;
use accord::evaluate::{Version, Versions};
use accord_engine::files::DirLoader;
use accord_server::config::{FileConfig, Limits, parse_bind};
use accord_server::{AgreementFiles, LogKey, ServerConfig};
use clap::Args;
use miette::{IntoDiagnostic, Result, WrapErr, miette};

use crate::keys::read_secret_key;
use crate::logdir::read_config_at;
use tlog_s3::Location;

#[derive(Args)]
pub struct ServeArgs {
    /// The configuration file (TOML; see the README). Flags override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The agreement the log follows.
    #[arg(long, value_name = "FILE")]
    pub agreement: Option<PathBuf>,
    /// Amended texts of the agreement the log may adopt.
    #[arg(long, value_name = "FILE")]
    pub amended: Vec<PathBuf>,
    /// The log (made by `accord log init`): a directory, or s3://BUCKET/PREFIX (settings from AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
    #[arg(long, value_name = "DIR|s3://…")]
    pub log: Option<String>,
    /// The log's signer key (default: the one the log's .tlog/config.toml names).
    #[arg(long, value_name = "FILE")]
    pub log_key: Option<PathBuf>,
    /// The address to listen on.
    #[arg(long, value_name = "IP:PORT")]
    pub bind: Option<String>,
    /// The index database: a SQLite file, or a postgres:// URL (default: SQLite beside the log).
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Serve the demonstration: runs `accord demo` into --demo-dir, then serves its log.
    #[arg(long, conflicts_with_all = ["config", "agreement", "log"])]
    pub demo: bool,
    /// Follow this C2SP tlog-policy file's witnesses and quorum instead of the agreement's [witnesses].
    #[arg(long, value_name = "FILE")]
    pub witness_policy: Option<PathBuf>,
    /// A witness's submission URL, by its name in the policy (repeatable): overrides the policy's.
    #[arg(long, value_name = "NAME=URL")]
    pub witness_url: Vec<String>,
    /// When to answer a submission: once a checkpoint covering it meets the witness quorum, or once durable.
    #[arg(long, value_name = "quorum|durable")]
    pub ack: Option<String>,
    /// Where --demo writes the demonstration.
    #[arg(long, value_name = "DIR", default_value = "accord-demo")]
    pub demo_dir: PathBuf,
}

/// The agreement's annex files, as the agreement names them, recorded as
/// the agreement is checked.
struct Recording {
    inner: DirLoader,
    seen: RefCell<BTreeMap<String, String>>,
}

impl Loader for Recording {
    fn load(&self, path: &str) -> std::result::Result<(String, String), String> {
        let r = self.inner.load(path);
        if let Ok((_, text)) = &r {
            self.seen
                .borrow_mut()
                .insert(path.to_string(), text.clone());
        }
        r
    }
}

pub(crate) fn load(
    path: &Path,
) -> Result<(
    &'static accord::agreement::Agreement,
    accord::statement::Digest,
    AgreementFiles,
)> {
    let text = accord_engine::files::read_bounded(
        path,
        accord::agreement::MAX_AGREEMENT_BYTES,
        "an agreement",
    )
    .into_diagnostic()
    .wrap_err_with(|| format!("reading {}", path.display()))?;
    let loader = Recording {
        inner: DirLoader {
            dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        },
        seen: RefCell::new(BTreeMap::new()),
    };
    let checked = accord::agreement::check(&path.display().to_string(), &text, &loader);
    let (Some(a), Some(hash)) = (checked.agreement, checked.hash) else {
        return Err(miette!(
            "{} is not a valid agreement (run `accord check {}`)",
            path.display(),
            path.display()
        ));
    };
    // The server keeps the agreement for its whole life.
    let a: &'static _ = Box::leak(Box::new(a));
    let files = AgreementFiles {
        toml: text,
        annex: loader.seen.into_inner(),
    };
    Ok((a, hash, files))
}

/// Resolves a path given in the configuration file against its directory.
fn beside(file: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        file.parent().unwrap_or(Path::new(".")).join(p)
    }
}

pub fn run(a: ServeArgs) -> Result<()> {
    let mut file = match &a.config {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .into_diagnostic()
                .wrap_err_with(|| format!("reading {}", p.display()))?;
            let mut c = FileConfig::parse(&text).map_err(|e| miette!("{}: {e}", p.display()))?;
            c.agreement = beside(p, &c.agreement);
            if !c.log.starts_with("s3://") {
                c.log = beside(p, Path::new(&c.log)).display().to_string();
            }
            c.amended = c.amended.iter().map(|x| beside(p, x)).collect();
            c.log_key = c.log_key.as_ref().map(|k| beside(p, k));
            c.witnessing.policy = c.witnessing.policy.as_ref().map(|x| beside(p, x));
            if let Some(db) = &c.database
                && !db.contains("://")
            {
                let path = db.strip_prefix("sqlite:").unwrap_or(db);
                c.database = Some(beside(p, Path::new(path)).display().to_string());
            }
            Some(c)
        }
        None => None,
    };
    if a.demo {
        crate::demo::run(crate::demo::DemoArgs {
            dir: a.demo_dir.clone(),
            events: None,
            no_events: false,
            d_day: "2015-02-15".into(),
            days: None,
            lang: crate::lang::LangArg {
                lang: accord_i18n::Lang::En,
            },
        })?;
        file = Some(FileConfig {
            agreement: a.demo_dir.join("agreement").join("agreement.toml"),
            amended: vec![],
            log: a.demo_dir.join("log").display().to_string(),
            log_key: None,
            bind: accord_server::config::DEFAULT_BIND.into(),
            database: None,
            limits: Limits::default(),
            witnessing: Default::default(),
            cluster: None,
        });
    }
    let agreement = a
        .agreement
        .clone()
        .or_else(|| file.as_ref().map(|f| f.agreement.clone()))
        .ok_or_else(|| {
            miette!("give --agreement FILE and --log DIR (or --config FILE, or --demo)")
        })?;
    let log_at = a
        .log
        .clone()
        .or_else(|| file.as_ref().map(|f| f.log.clone()))
        .ok_or_else(|| miette!("give --log DIR (or --config FILE, or --demo)"))?;
    let location = Location::parse(&log_at).map_err(|e| miette!("--log: {e}"))?;
    let cluster = file.as_ref().and_then(|f| f.cluster.clone());
    if let (Some(c), Some(p)) = (&cluster, &a.config) {
        c.check().map_err(|e| miette!("{}: {e}", p.display()))?;
    }
    let mut amended = file.as_ref().map(|f| f.amended.clone()).unwrap_or_default();
    amended.extend(a.amended.iter().cloned());
    let bind = a
        .bind
        .clone()
        .or_else(|| file.as_ref().map(|f| f.bind.clone()))
        .unwrap_or_else(|| accord_server::config::DEFAULT_BIND.into());
    let bind = parse_bind(&bind).map_err(|e| miette!("{e}"))?;
    let limits = file.as_ref().map(|f| f.limits.clone()).unwrap_or_default();
    // The index is derived: by default a SQLite file in the log's private
    // directory, rebuilt from the log whenever it is lost.
    let database = a
        .database
        .clone()
        .or_else(|| file.as_ref().and_then(|f| f.database.clone()))
        .map(Ok)
        .unwrap_or_else(|| match location.as_dir() {
            Some(dir) => Ok(format!(
                "sqlite:{}",
                dir.join(".tlog").join("index.sqlite").display()
            )),
            None => Err(miette!(
                "a log at {location} needs `database` (a postgres:// URL, which replicas share, or a SQLite file)"
            )),
        })?;

    let (adopted, hash, files) = load(&agreement)?;
    let mut later = Vec::new();
    for p in &amended {
        let (x, h, _) = load(p).wrap_err_with(|| format!("amended text {}", p.display()))?;
        later.push(Version {
            agreement: x,
            hash: h,
        });
    }
    let versions = Versions::new(
        Version {
            agreement: adopted,
            hash,
        },
        later,
    )
    .map_err(|e| miette!("amended texts: {e}"))?;
    // The log's own record of its origin, key and key file: in a
    // directory's .tlog/, or the store's private objects.
    let log_cfg = read_config_at(&location)?;
    let given_key = a
        .log_key
        .clone()
        .or_else(|| file.as_ref().and_then(|f| f.log_key.clone()));
    let reader = cluster
        .as_ref()
        .is_some_and(|c| c.role == accord_server::config::Role::Reader);
    let key: LogKey = match given_key {
        Some(k) => read_secret_key(&k)?.into(),
        // A reader never writes the log: it needs only the verifier key,
        // from the log's own record, and holds no secret.
        None if reader => LogKey::Verifier(log_cfg.verifier()?),
        None => log_cfg.signer_at(&location)?.into(),
    };
    if key.verifier().to_string() != log_cfg.vkey {
        return Err(miette!(
            "the log key given is not the key of the log at {location} ({})",
            log_cfg.vkey
        ));
    }
    let witnessing = witnessing(&a, file.as_ref(), adopted)?;
    let witnessed = match &witnessing {
        Some(w) => format!(
            "\n   witnesses {} ({}), answering once {}",
            w.witnesses.len(),
            w.witnesses
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            match w.ack {
                accord_server::witnessing::AckAfter::Quorum => "their quorum has cosigned",
                accord_server::witnessing::AckAfter::Durable => "durable",
            }
        ),
        None => String::new(),
    };
    let title = adopted.title.get_ref().clone();
    let cfg = ServerConfig {
        versions,
        files,
        log: location.clone(),
        key,
        limits,
        database: Some(database),
        witnessing,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .into_diagnostic()?;
    runtime.block_on(async move {
        // The address first: a server that cannot listen is not started
        // (nor dropped here, where its index's client may not close).
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .into_diagnostic()
            .wrap_err_with(|| format!("listening on {bind}"))?;
        if let Some(cluster) = cluster {
            let addr = listener.local_addr().into_diagnostic()?;
            outln!(
                "accord serve: {title}\n   agreement {hash}\n   log {location}{witnessed}\n   replica ({:?}, advertised as {}) listening on http://{addr}",
                cluster.role,
                cluster.advertise
            );
            let (closing_tx, closing_rx) = tokio::sync::watch::channel(false);
            let shutdown = async move {
                shutdown_signal().await;
                errln!("accord serve: shutting down");
                let _ = closing_tx.send(true);
            };
            let end = accord_server::cluster::serve(cfg, cluster, listener, shutdown, closing_rx)
                .await
                .map_err(|e| miette!("{e}"))?;
            errln!("accord serve: stopped: {end}");
            return Ok(());
        }
        let started = tokio::task::spawn_blocking(move || accord_server::start(cfg))
            .await
            .into_diagnostic()?
            .map_err(|e| miette!("{e}"))?;
        let addr = listener.local_addr().into_diagnostic()?;
        let live = started.state.live.clone();
        outln!(
            "accord serve: {title}\n   agreement {hash}\n   log {location} ({} entries){witnessed}\n   listening on http://{addr}  (dashboard: http://{addr}/dashboard/, API docs: http://{addr}/docs)",
            live.durable().size
        );
        let closing = live.clone();
        let shutdown = async move {
            shutdown_signal().await;
            errln!("accord serve: shutting down: taking no more statements, finishing those in flight");
            closing.begin_shutdown();
        };
        let size = started.serve(listener, shutdown).await.into_diagnostic()?;
        errln!("accord serve: stopped; the log is durable at {size} entries");
        Ok(())
    })
}

/// The witnesses to ask and the quorum: the agreement's `[witnesses]`, or
/// a policy file's; none when neither names a witness.
fn witnessing(
    a: &ServeArgs,
    file: Option<&FileConfig>,
    agreement: &accord::agreement::Agreement,
) -> Result<Option<accord_server::witnessing::Witnessing>> {
    let mut config = file.map(|f| f.witnessing.clone()).unwrap_or_default();
    if let Some(p) = &a.witness_policy {
        config.policy = Some(p.clone());
    }
    for pair in &a.witness_url {
        let (name, url) = pair
            .split_once('=')
            .ok_or_else(|| miette!("--witness-url {pair:?}: write it as NAME=URL"))?;
        config.urls.insert(name.to_string(), url.to_string());
    }
    if let Some(ack) = &a.ack {
        config.ack = match ack.as_str() {
            "quorum" => accord_server::witnessing::AckAfter::Quorum,
            "durable" => accord_server::witnessing::AckAfter::Durable,
            other => return Err(miette!("--ack {other:?}: it is quorum or durable")),
        };
    }
    let policy = match &config.policy {
        Some(p) => {
            let text = std::fs::read(p)
                .into_diagnostic()
                .wrap_err_with(|| format!("reading the witness policy {}", p.display()))?;
            tlog::policy::Policy::parse(&text).map_err(|e| miette!("{}: {e}", p.display()))?
        }
        None => match agreement.witness_policy() {
            Some(p) => p,
            None => return Ok(None),
        },
    };
    accord_server::witnessing::Witnessing::from_policy(policy, &config).map_err(|e| miette!("{e}"))
}

pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
