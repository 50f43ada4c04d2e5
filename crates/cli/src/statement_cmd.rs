//! `accord sign` and `accord statement ...`: build, sign, co-sign and check
//! statements.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use accord::statement::{
    Assessment, Body, Category, Confidence, Digest, Evidence, Interval, Kind, Observation,
    Position, Sensor, SignedStatement, Statement, Time,
};
use clap::{Args, Subcommand};
use miette::{IntoDiagnostic, Result, WrapErr, miette};
use serde_json::{Value, json};
use tlog::VerifierKey;
use tlog::note::NoteVerifier;

use crate::check::load_agreement;
use crate::keys::read_secret_key;

#[derive(Args)]
pub struct SignArgs {
    /// A statement as JSON ('-' for standard input). `v`, `agreement` and
    /// `issued_at` may be left out: they are filled in from --agreement and
    /// the current time.
    pub input: Option<PathBuf>,
    /// The signer key file.
    #[arg(long)]
    pub key: PathBuf,
    /// The agreement the statement is made under: gives its hash, and the
    /// statement's names are checked against it.
    #[arg(long)]
    pub agreement: Option<PathBuf>,
    /// Add a signature to this already signed statement instead (co-signing).
    #[arg(long, conflicts_with_all = ["input", "observation"])]
    pub cosign: Option<PathBuf>,
    /// Write the signed statement here instead of standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Build an observation of this category from the flags below.
    #[arg(long, value_name = "CATEGORY", conflicts_with = "input")]
    pub observation: Option<String>,
    /// When it was observed (UTC, e.g. 2026-03-01T04:30:00Z) ...
    #[arg(long, requires = "observation")]
    pub at: Option<String>,
    /// ... and until when, for an interval.
    #[arg(long, requires = "observation")]
    pub to: Option<String>,
    #[arg(long, requires = "observation", allow_hyphen_values = true)]
    pub lon: Option<f64>,
    #[arg(long, requires = "observation", allow_hyphen_values = true)]
    pub lat: Option<f64>,
    /// Position uncertainty in metres.
    #[arg(long, default_value_t = 500.0)]
    pub uncertainty_m: f64,
    /// Where the monitors were, as LON,LAT (the report's annex gives it).
    #[arg(
        long,
        requires = "observation",
        value_name = "LON,LAT",
        allow_hyphen_values = true
    )]
    pub observer: Option<String>,
    /// patrol, camera, uav, acoustic, satellite or open_source.
    #[arg(long, default_value = "patrol")]
    pub sensor: String,
    /// The category's details, as JSON, e.g. '{"events":[{"type":"explosion","count":3}]}'.
    #[arg(long)]
    pub details: Option<String>,
    /// An evidence file (photo, video): its SHA-256 goes in the statement, the file stays with you. Repeatable.
    #[arg(long)]
    pub evidence: Vec<PathBuf>,
    /// The party the observer believes responsible ...
    #[arg(long)]
    pub responsible: Option<String>,
    /// ... and how sure: low, medium, high or confirmed.
    #[arg(long, default_value = "medium")]
    pub confidence: String,
    /// The observer's own reference (patrol report number, ...).
    #[arg(long)]
    pub reference: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
    /// The statement's time instead of now (UTC, to the second).
    #[arg(long)]
    pub issued_at: Option<String>,
    /// The log it is for (a directory, s3://BUCKET/PREFIX, or an http(s):// address): the
    /// statement is checked as the evaluator will check it as the log's
    /// next entry (needs --agreement).
    #[arg(long, value_name = "LOG")]
    pub log: Option<String>,
    /// The log's verifier key (default: the agreement's `[operator] log`).
    #[arg(long, requires = "log")]
    pub log_key: Option<String>,
    /// Write it even if the evaluator would refuse it (with a warning).
    #[arg(long)]
    pub force: bool,
}

#[derive(Subcommand)]
pub enum StatementCommand {
    /// Check signed statements: syntax, canonical form, every field, the names used, the signatures.
    Verify(VerifyArgs),
    /// Print the JSON Schema of statements.
    Schema,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// Signed statement files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The agreement: its hash must match, its parties' and organisations' keys are trusted, and names are checked.
    #[arg(long)]
    pub agreement: Option<PathBuf>,
    /// Further verifier keys to trust (monitors' keys, which the log accredits). Repeatable.
    #[arg(long = "key")]
    pub keys: Vec<String>,
}

fn read_input(p: &Path) -> Result<Vec<u8>> {
    if p.as_os_str() == "-" {
        let mut v = Vec::new();
        std::io::stdin().read_to_end(&mut v).into_diagnostic()?;
        Ok(v)
    } else {
        std::fs::read(p)
            .into_diagnostic()
            .wrap_err_with(|| format!("reading {}", p.display()))
    }
}

fn now() -> Time {
    let t = jiff::Timestamp::now();
    Time(jiff::Timestamp::from_second(t.as_second()).expect("in range"))
}

fn media_type(p: &Path) -> &'static str {
    match p
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("tif" | "tiff") => "image/tiff",
        Some("mp4") => "video/mp4",
        Some("mov") => "video/quicktime",
        Some("wav") => "audio/wav",
        Some("pdf") => "application/pdf",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

fn statement_error(e: accord::statement::StatementError, what: &str) -> miette::Report {
    miette!("{what}: {e}")
}

pub fn sign(a: SignArgs) -> Result<()> {
    let key = read_secret_key(&a.key)?;
    let agreement = a.agreement.as_deref().map(load_agreement).transpose()?;

    let signed = if let Some(path) = &a.cosign {
        let mut s = SignedStatement::parse(&read_input(path)?)
            .map_err(|e| statement_error(e, &path.display().to_string()))?;
        if let Some((ag, hash)) = &agreement {
            if s.statement.agreement != *hash {
                return Err(miette!(
                    "{} is made under agreement {}, not {hash}",
                    path.display(),
                    s.statement.agreement
                ));
            }
            if let Err(e) = s.statement.check_against(ag) {
                refuse_unless_forced(&a, statement_error(e, &path.display().to_string()))?;
            }
        }
        s.cosign(&key)
            .map_err(|e| statement_error(e, "co-signing"))?;
        s
    } else {
        let mut value = match (&a.input, &a.observation) {
            (Some(p), None) => serde_json::from_slice::<Value>(&read_input(p)?).map_err(|e| {
                miette!(
                    "{} is not JSON (line {}, column {}): {e}",
                    p.display(),
                    e.line(),
                    e.column()
                )
            })?,
            (None, Some(cat)) => observation_from_flags(&a, cat)?,
            (None, None) => {
                return Err(miette!(
                    "give a statement file (or '-'), --observation CATEGORY, or --cosign FILE"
                ));
            }
            (Some(_), Some(_)) => unreachable!("clap rejects both"),
        };
        let obj = value
            .as_object_mut()
            .ok_or_else(|| miette!("a statement is a JSON object"))?;
        obj.entry("v").or_insert(json!(accord::statement::FORMAT));
        if !obj.contains_key("agreement") {
            let (_, hash) = agreement.as_ref().ok_or_else(|| {
                miette!("the statement has no `agreement`: give --agreement FILE")
            })?;
            obj.insert("agreement".into(), json!(hash.to_string()));
        }
        if !obj.contains_key("issued_at") {
            let t = match &a.issued_at {
                Some(t) => Time::parse(t).map_err(|e| miette!("--issued-at: {e}"))?,
                None => now(),
            };
            obj.insert("issued_at".into(), json!(t.to_string()));
        }
        let statement =
            Statement::from_value(value).map_err(|e| statement_error(e, "the statement"))?;
        if let Some((ag, hash)) = &agreement {
            if statement.agreement != *hash {
                return Err(miette!(
                    "the statement names agreement {}, but --agreement is {hash}",
                    statement.agreement
                ));
            }
            if let Err(e) = statement.check_against(ag) {
                refuse_unless_forced(&a, statement_error(e, "the statement"))?;
            }
        }
        SignedStatement::sign(statement, &key).map_err(|e| statement_error(e, "signing"))?
    };

    check_before_writing(&a, agreement.as_ref(), &signed)?;
    let bytes = signed.to_bytes();
    match &a.out {
        Some(p) => {
            std::fs::write(p, &bytes)
                .into_diagnostic()
                .wrap_err_with(|| format!("writing {}", p.display()))?;
            errln!(
                "wrote {} ({} statement {})",
                p.display(),
                signed.statement.kind().name(),
                signed.digest()
            );
        }
        None => out!("{}", String::from_utf8_lossy(&bytes)),
    }
    Ok(())
}

/// A name the agreement lacks (the evaluator refuses such a statement
/// forever): an error, or with --force a warning.
fn refuse_unless_forced(a: &SignArgs, problem: miette::Report) -> Result<()> {
    if a.force {
        errln!("warning: {problem}; the evaluator will refuse it (signed anyway: --force)");
        Ok(())
    } else {
        Err(miette!(
            "{problem}\nthe evaluator would refuse it: nothing was written (--force signs it anyway)"
        ))
    }
}

/// Checks the statement as the evaluator will (see [`crate::precheck`]):
/// against the log when there is one, else against the agreement alone,
/// saying what was not checked.
fn check_before_writing(
    a: &SignArgs,
    agreement: Option<&(accord::agreement::Agreement, Digest)>,
    signed: &SignedStatement,
) -> Result<()> {
    let Some((ag, hash)) = agreement else {
        if a.log.is_some() {
            return Err(miette!(
                "--log needs --agreement: the log is evaluated under it"
            ));
        }
        errln!(
            "note: not checked: give --agreement FILE (and --log DIR) to check it as the evaluator will"
        );
        return Ok(());
    };
    let Some(log) = &a.log else {
        for line in crate::precheck::without_log(ag, signed) {
            errln!("note: {line}");
        }
        return Ok(());
    };
    let evaluator = crate::precheck::replay_log(ag, *hash, log, a.log_key.as_deref())?;
    let next = evaluator.state.size;
    match evaluator.check_next(&signed.to_bytes()) {
        Ok(()) => {
            errln!(
                "checked against the log ({next} entries): the evaluator would accept it as entry {next}"
            );
            Ok(())
        }
        Err(why) if crate::precheck::needs_more_signatures(&why) => {
            errln!(
                "note: not acceptable yet as entry {next}: {}",
                crate::precheck::explain(&why)
            );
            Ok(())
        }
        Err(why) if a.force => {
            errln!(
                "warning: the evaluator would refuse it as entry {next}: {}; written anyway (--force)",
                crate::precheck::explain(&why)
            );
            Ok(())
        }
        Err(why) => Err(miette!(
            "the evaluator would refuse it as entry {next} of the log: {}\nnothing was written (--force writes it anyway)",
            crate::precheck::explain(&why)
        )),
    }
}

fn observation_from_flags(a: &SignArgs, category: &str) -> Result<Value> {
    let cat = Category::from_name(category).ok_or_else(|| {
        let names: Vec<&str> = Category::ALL.iter().map(|c| c.name()).collect();
        miette!(
            "--observation: `{category}` is not a category (one of: {})",
            names.join(", ")
        )
    })?;
    let at =
        a.at.as_deref()
            .ok_or_else(|| miette!("--observation needs --at TIME"))?;
    let from = Time::parse(at).map_err(|e| miette!("--at: {e}"))?;
    let to =
        a.to.as_deref()
            .map(|t| Time::parse(t).map_err(|e| miette!("--to: {e}")))
            .transpose()?;
    let (lon, lat) = match (a.lon, a.lat) {
        (Some(x), Some(y)) => (x, y),
        _ => return Err(miette!("--observation needs --lon and --lat")),
    };
    let sensor: Sensor = serde_json::from_value(json!(a.sensor)).map_err(|_| {
        miette!(
            "--sensor: `{}` is not one of: {}",
            a.sensor,
            Sensor::NAMES.join(", ")
        )
    })?;
    let details: Value = match &a.details {
        Some(d) => serde_json::from_str(d).map_err(|e| miette!("--details is not JSON: {e}"))?,
        None => json!({}),
    };
    let mut evidence = Vec::new();
    for p in &a.evidence {
        let bytes = std::fs::read(p)
            .into_diagnostic()
            .wrap_err_with(|| format!("reading evidence {}", p.display()))?;
        evidence.push(Evidence {
            sha256: Digest::of(&bytes),
            media_type: media_type(p).to_string(),
            description: p.file_name().map(|n| n.to_string_lossy().into_owned()),
        });
    }
    let assessment = match &a.responsible {
        Some(r) => Some(Assessment {
            responsible: Some(r.clone()),
            confidence: serde_json::from_value::<Confidence>(json!(a.confidence))
                .map_err(|_| miette!("--confidence: one of low, medium, high, confirmed"))?,
            basis: None,
        }),
        None => None,
    };
    let observer = match &a.observer {
        None => None,
        Some(s) => {
            let parsed = s
                .split_once(',')
                .and_then(|(lon, lat)| Some((lon.trim().parse().ok()?, lat.trim().parse().ok()?)));
            let Some((lon, lat)) = parsed else {
                return Err(miette!(
                    "--observer {s:?}: give the monitors' position as LON,LAT"
                ));
            };
            Some(Position {
                lon,
                lat,
                uncertainty_m: a.uncertainty_m,
            })
        }
    };
    let o = Observation {
        category: cat,
        observed: Interval { from, to },
        position: Position {
            lon,
            lat,
            uncertainty_m: a.uncertainty_m,
        },
        observer,
        sensor,
        details,
        evidence,
        assessment,
        source: None,
        reference: a.reference.clone(),
        note: a.note.clone(),
    };
    Ok(json!({"kind": Kind::Observation, "body": o}))
}

pub fn run(cmd: StatementCommand) -> Result<()> {
    match cmd {
        StatementCommand::Schema => {
            outln!(
                "{}",
                serde_json::to_string_pretty(&accord::statement::json_schema())
                    .into_diagnostic()?
            );
            Ok(())
        }
        StatementCommand::Verify(a) => verify(a),
    }
}

fn verify(a: VerifyArgs) -> Result<()> {
    let agreement = a.agreement.as_deref().map(load_agreement).transpose()?;
    // Trusted keys, and who holds each.
    let mut holders: BTreeMap<String, String> = BTreeMap::new();
    let mut keys: Vec<VerifierKey> = Vec::new();
    if let Some((ag, _)) = &agreement {
        for p in ag.parties.values() {
            for k in &p.keys {
                holders.insert(
                    k.get_ref().name().to_string(),
                    format!("party {}", p.id.get_ref()),
                );
                keys.push(k.get_ref().clone());
            }
        }
        for o in ag.organisations.values() {
            for k in &o.keys {
                holders.insert(
                    k.get_ref().name().to_string(),
                    format!("organisation {}", o.id.get_ref()),
                );
                keys.push(k.get_ref().clone());
            }
        }
    }
    for k in &a.keys {
        let v = VerifierKey::parse(k).map_err(|e| miette!("--key {k:?}: {e}"))?;
        holders
            .entry(v.name().to_string())
            .or_insert_with(|| "given key".into());
        keys.push(v);
    }
    let verifiers: Vec<&dyn NoteVerifier> = keys.iter().map(|k| k as &dyn NoteVerifier).collect();
    let mut failures = 0;
    for f in &a.files {
        let name = f.display().to_string();
        let result = (|| -> std::result::Result<String, String> {
            let bytes = std::fs::read(f).map_err(|e| e.to_string())?;
            let s = SignedStatement::parse(&bytes).map_err(|e| e.to_string())?;
            if let Some((ag, hash)) = &agreement {
                if s.statement.agreement != *hash {
                    return Err(format!(
                        "made under agreement {}, not {} ({hash})",
                        s.statement.agreement,
                        ag.id.get_ref()
                    ));
                }
                s.statement.check_against(ag).map_err(|e| e.to_string())?;
            }
            let signers = if verifiers.is_empty() {
                return Err(
                    "no keys to check the signatures with: give --agreement or --key".into(),
                );
            } else {
                s.verified_signers(&verifiers).map_err(|e| e.to_string())?
            };
            let by: Vec<String> = signers
                .iter()
                .map(|n| format!("{} ({n})", holders.get(n).cloned().unwrap_or_default()))
                .collect();
            let unknown: Vec<String> = s
                .note
                .signatures()
                .iter()
                .filter(|sig| !signers.contains(&sig.name))
                .map(|sig| sig.name.clone())
                .collect();
            let what = match &s.statement.body {
                Body::Observation(o, _) => format!("observation ({})", o.category.name()),
                other => other.kind().name().to_string(),
            };
            let mut line = format!(
                "OK {what} issued {}, {}, signed by {}",
                s.statement.issued_at,
                s.digest(),
                by.join(", ")
            );
            if !unknown.is_empty() {
                line.push_str(&format!(
                    "; not checked (unknown keys, e.g. monitors accredited in the log): {}",
                    unknown.join(", ")
                ));
            }
            Ok(line)
        })();
        // What is printed may quote the statement (a name it uses, a
        // field): made printable, as the audit's findings are.
        match result {
            Ok(line) => outln!("{name}: {}", accord::text::printable(&line)),
            Err(e) => {
                failures += 1;
                outln!("{name}: INVALID: {}", accord::text::printable(&e));
            }
        }
    }
    if failures > 0 {
        return Err(miette!(
            "{failures} of {} statement(s) failed",
            a.files.len()
        ));
    }
    Ok(())
}
