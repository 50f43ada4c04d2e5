//! `accord witness`: a C2SP tlog-witness (see `accord_witness`). This file
//! reads flags, the configuration file and key files, starts the server,
//! makes keys and writes the evidence out; the witness itself is the
//! library's.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use accord_witness::config::{
    DEFAULT_KEEP_HISTORY, DEFAULT_KEEP_UNPROVEN, DEFAULT_LISTEN, normalize_prefix,
};
use accord_witness::{FileConfig, HttpConfig, Witness, WitnessConfig, evidence};
use clap::{Args, Subcommand, ValueEnum};
use miette::{IntoDiagnostic, Result, WrapErr, miette};
use tlog::cosignature::{CosignatureType, CosignerSecret};
use tlog::keys::VerifierKey;

#[derive(Subcommand)]
pub enum WitnessCommand {
    /// Serve C2SP tlog-witness add-checkpoint (and the latest checkpoint of each log, for monitors).
    Serve(ServeArgs),
    /// Make a witness key (Ed25519 cosignature/v1 or ML-DSA-44); writes the secret, prints the verifier key.
    Keygen(KeygenArgs),
    /// List the evidence of logs' misbehaviour a witness kept, or export it as files.
    Evidence(EvidenceArgs),
}

#[derive(Args)]
pub struct ServeArgs {
    /// A TOML file with the same settings (listen, state, keys, logs, ...); flags add to it or override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The address to listen on.
    #[arg(long, value_name = "IP:PORT")]
    pub listen: Option<String>,
    /// The witness's state directory (made when missing).
    #[arg(long, value_name = "DIR")]
    pub state: Option<PathBuf>,
    /// A file holding one of the witness's secret keys (repeat for several: each cosigns).
    #[arg(long = "key", value_name = "SECRET_FILE")]
    pub keys: Vec<PathBuf>,
    /// A log's verifier key (its text, or a file holding it); its name is the log's origin. Repeat for more logs.
    #[arg(long = "log", value_name = "VKEY")]
    pub logs: Vec<String>,
    /// Where add-checkpoint is served (default: at the root).
    #[arg(long, value_name = "PATH")]
    pub submission_prefix: Option<String>,
    /// Where <origin hash>/checkpoint is served (default: at the root).
    #[arg(long, value_name = "PATH")]
    pub monitoring_prefix: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum KeyKind {
    /// Ed25519 cosignature/v1 (vkey type 0x04), what most clients check today.
    Ed25519,
    /// ML-DSA-44 (vkey type 0x06), post-quantum, what the spec recommends.
    #[value(name = "ml-dsa-44")]
    MlDsa44,
}

#[derive(Args)]
pub struct KeygenArgs {
    /// The witness's name, e.g. `witness.example.org/w1` (no spaces or '+').
    #[arg(long)]
    pub name: String,
    /// The kind of cosignature.
    #[arg(long = "type", value_enum, default_value = "ed25519")]
    pub kind: KeyKind,
    /// Where to write the secret key (never overwritten).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct EvidenceArgs {
    /// The witness's state directory.
    #[arg(long, value_name = "DIR")]
    pub state: PathBuf,
    /// Write the evidence here as files (each checkpoint as the log signed it, the request as received, JSON and Markdown summaries); without it, print the summary.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn run(c: WitnessCommand) -> Result<()> {
    match c {
        WitnessCommand::Serve(a) => serve(a),
        WitnessCommand::Keygen(a) => keygen(a),
        WitnessCommand::Evidence(a) => export(a),
    }
}

fn keygen(a: KeygenArgs) -> Result<()> {
    let kind = match a.kind {
        KeyKind::Ed25519 => CosignatureType::Ed25519,
        KeyKind::MlDsa44 => CosignatureType::MlDsa44,
    };
    let key = CosignerSecret::generate(&a.name, kind)
        .map_err(|e| miette!("witness name {:?}: {e}", a.name))?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&a.out).into_diagnostic().wrap_err_with(|| {
        format!(
            "cannot create key file {} (an existing key is never overwritten)",
            a.out.display()
        )
    })?;
    f.write_all(format!("{}\n", key.to_secret_string()).as_bytes())
        .and_then(|()| f.sync_all())
        .into_diagnostic()
        .wrap_err_with(|| format!("writing {}", a.out.display()))?;
    errln!(
        "wrote the {kind} witness key to {} (keep it private)",
        a.out.display()
    );
    outln!("{}", key.verifier());
    Ok(())
}

fn read_witness_key(path: &Path) -> Result<CosignerSecret> {
    let text = std::fs::read_to_string(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("reading witness key file {}", path.display()))?;
    CosignerSecret::parse(text.trim()).map_err(|e| {
        miette!(
            "witness key file {}: {e} (make one with `accord witness keygen`)",
            path.display()
        )
    })
}

/// A log key given as its text, or as a file holding it.
fn read_log_key(arg: &str, base: &Path) -> Result<VerifierKey> {
    match VerifierKey::parse(arg) {
        Ok(k) => Ok(k),
        Err(parse) => {
            let path = base.join(arg);
            if path.is_file() {
                let text = std::fs::read_to_string(&path)
                    .into_diagnostic()
                    .wrap_err_with(|| format!("reading log key file {}", path.display()))?;
                VerifierKey::parse(text.trim())
                    .map_err(|e| miette!("log key file {}: {e}", path.display()))
            } else {
                Err(miette!("log key {arg:?}: {parse}"))
            }
        }
    }
}

/// Resolves a path given in the configuration file against its directory.
fn beside(file: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        file.parent().unwrap_or(Path::new(".")).join(p)
    }
}

fn serve(a: ServeArgs) -> Result<()> {
    let (file, base) = match &a.config {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .into_diagnostic()
                .wrap_err_with(|| format!("reading {}", p.display()))?;
            let c = FileConfig::parse(&text).map_err(|e| miette!("{}: {e}", p.display()))?;
            let base = p.parent().unwrap_or(Path::new(".")).to_path_buf();
            (c, base)
        }
        None => (FileConfig::default(), PathBuf::from(".")),
    };
    let in_file = |p: &Path| match &a.config {
        Some(cfg) => beside(cfg, p),
        None => p.to_path_buf(),
    };
    let listen = a
        .listen
        .clone()
        .or(file.listen.clone())
        .unwrap_or_else(|| DEFAULT_LISTEN.to_string());
    let listen: std::net::SocketAddr = listen
        .parse()
        .map_err(|e| miette!("--listen {listen:?}: {e} (give IP:PORT)"))?;
    let state = a
        .state
        .clone()
        .or_else(|| file.state.as_deref().map(in_file))
        .ok_or_else(|| miette!("give --state DIR (or `state` in --config)"))?;
    let mut key_files: Vec<PathBuf> = file.keys.iter().map(|p| in_file(p)).collect();
    key_files.extend(a.keys.iter().cloned());
    if key_files.is_empty() {
        return Err(miette!(
            "give the witness's key with --key SECRET_FILE (make one with `accord witness keygen`)"
        ));
    }
    let keys = key_files
        .iter()
        .map(|p| read_witness_key(p))
        .collect::<Result<Vec<_>>>()?;
    let mut logs = Vec::new();
    for l in &file.logs {
        logs.push(read_log_key(l, &base)?);
    }
    for l in &a.logs {
        logs.push(read_log_key(l, Path::new("."))?);
    }
    if logs.is_empty() {
        return Err(miette!("give each log to witness with --log VKEY"));
    }
    let prefix = |flag: &Option<String>, from_file: &Option<String>, what: &str| {
        normalize_prefix(flag.as_ref().or(from_file.as_ref()).map_or("", |s| s))
            .map_err(|e| miette!("{what}: {e}"))
    };
    let http = HttpConfig {
        submission_prefix: prefix(
            &a.submission_prefix,
            &file.submission_prefix,
            "submission prefix",
        )?,
        monitoring_prefix: prefix(
            &a.monitoring_prefix,
            &file.monitoring_prefix,
            "monitoring prefix",
        )?,
        request_timeout: file
            .request_timeout_ms
            .map_or(HttpConfig::default().request_timeout, Duration::from_millis),
        header_timeout: file
            .header_timeout_ms
            .map_or(HttpConfig::default().header_timeout, Duration::from_millis),
    };
    let verifiers: Vec<String> = keys.iter().map(|k| k.verifier().to_string()).collect();
    let witness = Witness::open(
        WitnessConfig {
            keys,
            logs,
            keep_history: file.keep_history.unwrap_or(DEFAULT_KEEP_HISTORY),
            keep_unproven: file.keep_unproven.unwrap_or(DEFAULT_KEEP_UNPROVEN),
        },
        &state,
    )
    .map_err(|e| miette!("{e}"))?;
    let witness = Arc::new(witness);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .into_diagnostic()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .into_diagnostic()
            .wrap_err_with(|| format!("listening on {listen}"))?;
        let addr = listener.local_addr().into_diagnostic()?;
        outln!("accord witness: state {}", state.display());
        for v in &verifiers {
            outln!("   witness key {v}");
        }
        for o in witness.origins() {
            let held = witness
                .held(o)
                .map_or("nothing cosigned yet".to_string(), |(n, _)| {
                    format!("holds size {n}")
                });
            outln!("   log {o} ({held})");
        }
        outln!(
            "   listening on http://{addr}  (POST {}/add-checkpoint, GET {}/<origin hash>/checkpoint)",
            http.submission_prefix,
            http.monitoring_prefix
        );
        let app = accord_witness::http::router(witness.clone(), &http);
        let shutdown = async {
            crate::serve_cmd::shutdown_signal().await;
            errln!("accord witness: shutting down: finishing the requests in flight");
        };
        accord_witness::http::serve(listener, app, http.header_timeout, shutdown)
            .await
            .into_diagnostic()?;
        errln!("accord witness: stopped; everything answered is durable");
        Ok(())
    })
}

fn export(a: EvidenceArgs) -> Result<()> {
    match &a.out {
        Some(out) => {
            let items = evidence::export(&a.state, out).map_err(|e| miette!("{e}"))?;
            let proven = items.iter().filter(|s| s.proves_misbehaviour).count();
            outln!(
                "wrote {} pieces of evidence ({proven} proving misbehaviour) to {}",
                items.len(),
                out.display()
            );
        }
        None => {
            let items: Vec<_> = evidence::list(&a.state)
                .map_err(|e| miette!("{e}"))?
                .into_iter()
                .map(|(_, s)| s)
                .collect();
            outln!("{}", evidence::markdown(&items).trim_end());
        }
    }
    Ok(())
}
