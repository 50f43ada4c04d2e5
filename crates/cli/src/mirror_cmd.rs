//! `accord mirror`: a party's own verified copy of the log (see
//! `accord_mirror`), pulled from the operator or another mirror, served,
//! and cosigned. This file reads the arguments and files, and runs the
//! library's pull loop beside its server.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use accord_mirror::{
    AgreementDoc, CosignatureType, CosignerSecret, Mirror, MirrorOptions, MirrorService, Published,
    Pulled,
};
use clap::{Args, Subcommand};
use miette::{IntoDiagnostic, Result, WrapErr, miette};
use tlog::{DirStorage, TileSource, VerifierKey};

use crate::replay::Source;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct MirrorArgs {
    #[command(subcommand)]
    pub command: Option<MirrorCommand>,
    /// Where to copy the log from: the operator's address
    /// (http(s)://...), another mirror's (its root or its /<origin hash>/
    /// prefix), a log directory, or a log on an object store
    /// (s3://BUCKET/PREFIX, read with the AWS settings of the environment).
    #[arg(long, value_name = "URL_DIR_OR_S3", required = true)]
    pub from: Option<String>,
    /// The mirror's directory (created when missing): the copy, in the
    /// C2SP tlog-tiles layout, and the evidence of refused checkpoints.
    #[arg(long, value_name = "DIR", required = true)]
    pub dir: Option<PathBuf>,
    /// The mirror's cosigner secret key (`accord mirror keygen`).
    #[arg(long, value_name = "FILE", required = true)]
    pub key: Option<PathBuf>,
    /// The address to serve the copy on.
    #[arg(long, value_name = "IP:PORT", required_unless_present = "once")]
    pub listen: Option<String>,
    /// The agreement: its `[operator] log` names the log's key, and it is
    /// served at /v1/agreement like the operator serves it.
    #[arg(long, value_name = "FILE")]
    pub agreement: Option<PathBuf>,
    /// The log's verifier key (default: the agreement's `[operator] log`,
    /// or the source directory's own, or the one this mirror was started with).
    #[arg(long, value_name = "VKEY")]
    pub log_key: Option<String>,
    /// How long to wait between two pulls (e.g. `2s`, `500ms`, `1m`).
    #[arg(long, default_value = "2s")]
    pub interval: String,
    /// Copy, verify and cosign once, then exit (without serving).
    #[arg(long)]
    pub once: bool,
    /// Where submissions go, named in the answer to a statement posted to
    /// the mirror (default: --from when it is an address).
    #[arg(long, value_name = "URL")]
    pub operator: Option<String>,
    /// Do not fetch the source's hash tiles to compare with those the
    /// mirror computes (they are never used either way).
    #[arg(long)]
    pub no_source_tiles: bool,
}

#[derive(Subcommand)]
pub enum MirrorCommand {
    /// Generate a mirror's cosigner key: writes the secret key to a file and prints the verifier key.
    Keygen(KeygenArgs),
    /// List the checkpoints a mirror refused, with why (its evidence/ directory).
    Evidence {
        /// The mirror's directory.
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
    },
}

#[derive(Args)]
pub struct KeygenArgs {
    /// The mirror's name, e.g. `mirror.ua.example/1` (no spaces or '+').
    #[arg(long)]
    pub name: String,
    /// The cosignature type.
    #[arg(long = "type", value_enum, default_value = "ed25519")]
    pub kind: crate::keys::CosignerKind,
    /// Where to write the secret key (default: NAME with '/' as '_', plus `.key`).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

pub fn run(a: MirrorArgs) -> Result<()> {
    match a.command {
        Some(MirrorCommand::Keygen(k)) => return keygen(k),
        Some(MirrorCommand::Evidence { dir }) => return list_evidence(&dir),
        None => {}
    }
    let (Some(from), Some(dir), Some(keyfile)) = (a.from.clone(), a.dir.clone(), a.key.clone())
    else {
        return Err(miette!(
            "give --from URL_DIR_OR_S3, --dir DIR and --key FILE"
        ));
    };
    let key = read_cosigner_key(&keyfile)?;
    let interval = parse_interval(&a.interval)?;
    let source = Source::open(&from)?;
    let agreement = match &a.agreement {
        Some(p) => Some(crate::serve_cmd::load(p)?),
        None => None,
    };
    let log_key = resolve_log_key(&a, agreement.as_ref().map(|x| x.0), &source, &dir)?;
    let storage = Arc::new(
        DirStorage::new(&dir)
            .into_diagnostic()
            .wrap_err_with(|| format!("mirror directory {}", dir.display()))?,
    );
    // The agreement's witnesses: their lines are carried only if they verify.
    let cosigners = agreement
        .as_ref()
        .and_then(|x| x.0.witness_policy())
        .map(|p| p.witnesses().iter().map(|w| w.key.clone()).collect())
        .unwrap_or_default();
    let options = MirrorOptions {
        check_source_tiles: !a.no_source_tiles,
        cosigners,
        ..MirrorOptions::default()
    };
    let mut mirror = Mirror::open(storage, key, log_key.clone(), options)
        .map_err(|e| miette!("mirror in {}: {e}", dir.display()))?;
    let published = Arc::new(Published::default());
    accord_mirror::run::publish(&mirror, &published);

    if a.once {
        let r = accord_mirror::run::pull_once(&mut mirror, &source, &published)
            .map_err(|e| miette!("mirroring {from} into {}: {e}", dir.display()))?;
        return report(&r, &mirror, &from, &dir);
    }

    let listen = a
        .listen
        .clone()
        .expect("clap requires --listen without --once");
    let bind = accord_server::config::parse_bind(&listen).map_err(|e| miette!("--listen: {e}"))?;
    let operator = a.operator.clone().or_else(|| {
        (from.starts_with("http://") || from.starts_with("https://")).then(|| from.clone())
    });
    let doc = agreement.map(|(ag, hash, files)| AgreementDoc {
        hash,
        canonical_json: accord::agreement::canonical::canonical_json(ag),
        toml: files.toml,
        annex: files.annex,
    });
    let svc = Arc::new(MirrorService::new(
        dir.clone(),
        log_key.name().to_string(),
        mirror.cosigner().to_string(),
        source.describe(),
        operator,
        doc,
        published.clone(),
    ));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .into_diagnostic()?;
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .into_diagnostic()
            .wrap_err_with(|| format!("listening on {bind}"))?;
        let addr = listener.local_addr().into_diagnostic()?;
        outln!(
            "accord mirror: {} from {from}\n   cosigner {}\n   directory {} ({} entries)\n   listening on http://{addr}  (also under http://{addr}/{}/)",
            svc.origin,
            svc.cosigner,
            dir.display(),
            mirror.size(),
            svc.origin_hash,
        );
        let (puller, stop) = accord_mirror::run::spawn(mirror, source, interval, published);
        accord_mirror::serve(listener, svc, crate::serve_cmd::shutdown_signal())
            .await
            .into_diagnostic()?;
        stop.stop();
        // A pull in the middle of a long copy is not waited for: what it
        // committed is durable, and the next start recovers the rest.
        let joined = tokio::task::spawn_blocking(move || puller.join());
        match tokio::time::timeout(Duration::from_secs(5), joined).await {
            Ok(Ok(Ok(mirror))) => errln!(
                "accord mirror: stopped; the mirror holds {} entries",
                mirror.size()
            ),
            Ok(_) => return Err(miette!("the mirror's pull thread failed")),
            Err(_) => errln!(
                "accord mirror: stopped in the middle of a copy; the next start resumes it"
            ),
        }
        Ok(())
    });
    // Not waiting for a pull thread still copying (see above).
    runtime.shutdown_background();
    served
}

/// What `--once` did, said; a refusal is a failure.
fn report(r: &Pulled, mirror: &Mirror, from: &str, dir: &Path) -> Result<()> {
    match r {
        Pulled::Advanced {
            from: old,
            to,
            source_tiles,
        } => {
            outln!(
                "mirrored {from}: {old} -> {to} entries, verified and cosigned by {}",
                mirror.cosigner()
            );
            if let Some(e) = source_tiles {
                errln!(
                    "warning: the source serves hash tiles that do not match its entries (evidence in {}): {}",
                    dir.join(&e.path).display(),
                    e.why
                );
            }
            Ok(())
        }
        Pulled::Unchanged { size, signatures } => {
            outln!(
                "mirrored {from}: unchanged at {size} entries{}",
                if *signatures > 0 {
                    format!(" ({signatures} signature lines added)")
                } else {
                    String::new()
                }
            );
            Ok(())
        }
        Pulled::Refused(e) => Err(miette!(
            "REFUSED the checkpoint of {from} ({}): {}\nevidence kept in {}; the mirror still holds {} entries",
            e.kind,
            e.why,
            dir.join(&e.path).display(),
            mirror.size()
        )),
    }
}

/// The log's key: given, the agreement's, the source directory's own, or
/// the one this mirror was started with.
fn resolve_log_key(
    a: &MirrorArgs,
    agreement: Option<&accord::agreement::Agreement>,
    source: &Source,
    dir: &Path,
) -> Result<VerifierKey> {
    if let Some(k) = &a.log_key {
        return VerifierKey::parse(k).map_err(|e| miette!("--log-key {k:?}: {e}"));
    }
    if let Some(k) = agreement
        .and_then(|ag| ag.operator.as_ref())
        .and_then(|o| o.log.as_ref())
    {
        return Ok(k.get_ref().clone());
    }
    if let Some(k) = source.local_key() {
        return Ok(k);
    }
    if let Ok(text) = std::fs::read_to_string(dir.join(".tlog").join("mirror"))
        && let Some(k) = text
            .lines()
            .find_map(|l| l.strip_prefix("log_key = \""))
            .and_then(|l| l.strip_suffix('"'))
    {
        return VerifierKey::parse(k).map_err(|e| miette!("{}/.tlog/mirror: {e}", dir.display()));
    }
    Err(miette!(
        "no log key: pass --log-key VKEY, or --agreement FILE whose [operator] log names it"
    ))
}

fn read_cosigner_key(path: &Path) -> Result<CosignerSecret> {
    let text = std::fs::read_to_string(path)
        .into_diagnostic()
        .wrap_err_with(|| format!("reading the mirror's key file {}", path.display()))?;
    CosignerSecret::parse(text.trim()).map_err(|e| {
        miette!(
            "key file {}: {e} (a mirror's key is a cosigner key: make one with `accord mirror keygen`)",
            path.display()
        )
    })
}

/// `2s`, `500ms`, `1m`, `1.5s`.
fn parse_interval(s: &str) -> Result<Duration> {
    let bad = || miette!("--interval {s:?}: give a duration such as 2s, 500ms or 1m");
    let t = s.trim();
    let (num, unit) = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map_or((t, "s"), |i| (&t[..i], t[i..].trim()));
    let n: f64 = num.parse().map_err(|_| bad())?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(bad()),
    };
    if !secs.is_finite() || secs <= 0.0 || secs > 86_400.0 {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(secs))
}

fn keygen(a: KeygenArgs) -> Result<()> {
    let kind: CosignatureType = a.kind.into();
    let key = CosignerSecret::generate(&a.name, kind)
        .map_err(|e| miette!("mirror name {:?}: {e}", a.name))?;
    let out = a
        .out
        .unwrap_or_else(|| PathBuf::from(format!("{}.key", a.name.replace('/', "_"))));
    crate::keys::write_secret(&out, &key.to_secret_string())?;
    errln!(
        "wrote the mirror's secret key to {} (keep it private)",
        out.display()
    );
    outln!("{}", key.verifier());
    Ok(())
}

fn list_evidence(dir: &Path) -> Result<()> {
    let records = accord_mirror::evidence::list(dir)
        .into_diagnostic()
        .wrap_err_with(|| format!("reading the evidence in {}", dir.display()))?;
    if records.is_empty() {
        outln!("{}: no checkpoint refused", dir.display());
    }
    for (path, why) in records {
        outln!("{}\n{}", dir.join(path).display(), why);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_interval;
    use std::time::Duration;

    #[test]
    fn intervals_parse_with_their_units_and_nonsense_is_refused() {
        assert_eq!(parse_interval("2s").unwrap(), Duration::from_secs(2));
        assert_eq!(parse_interval("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_interval("1m").unwrap(), Duration::from_secs(60));
        assert_eq!(parse_interval("3").unwrap(), Duration::from_secs(3));
        for bad in ["", "0s", "-1s", "2x", "s", "1e9s"] {
            assert!(parse_interval(bad).is_err(), "{bad}");
        }
    }
}
