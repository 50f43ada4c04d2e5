//! The `accord` command line: wires the `tlog` log (and, as it grows, the
//! `accord` domain) to files, terminals and exit codes.

// Output goes through `outln!` and `errln!` (see `out`), which do not
// panic when the reader goes away.
#![deny(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

// The replay allocates and frees millions of small values (parsed
// statements, observations); mimalloc does that markedly faster than glibc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[macro_use]
mod out;

mod amended;
mod audit_cmd;
mod check;
mod classify_cmd;
mod demo;
mod import_cmd;
mod keys;
mod lang;
mod logcmd;
mod logdir;
mod mirror_cmd;
mod policy_cmd;
mod precheck;
mod reindex_cmd;
mod remembered;
mod replay;
mod report_cmd;
mod serve_cmd;
mod statement_cmd;
mod status_cmd;
mod witness_cmd;

/// Verifiable ceasefire agreements: signed observations in a public,
/// tamper-evident log, and an evaluator anyone can re-run.
#[derive(Parser)]
#[command(name = "accord", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the demonstration: the Ukraine example with real events, evaluated, audited and reported.
    Demo(demo::DemoArgs),
    /// Build and sign a statement (from JSON or flags), or co-sign a signed one.
    Sign(Box<statement_cmd::SignArgs>),
    /// Check signed statements, print the statement JSON Schema.
    #[command(subcommand)]
    Statement(statement_cmd::StatementCommand),
    /// Place points among an agreement's zones: areas, sides, geodesic distances to the lines.
    Classify(classify_cmd::ClassifyArgs),
    /// Check an agreement file: syntax, names, zones, conditions, phases, quorums; print its canonical hash.
    Check(check::CheckArgs),
    /// Print the agreement's witness policy ([witnesses]) as a C2SP tlog-policy file, for any C2SP tool to enforce.
    Policy(policy_cmd::PolicyArgs),
    /// Generate a signing key; writes the secret key to a file and prints the verifier key.
    Keygen(keys::KeygenArgs),
    /// Create, append to, verify and prove from a transparency log.
    #[command(subcommand)]
    Log(LogCommand),
    /// Replay the evaluator over a log: phase, relief, guarantees, compliance by clause and party.
    Status(status_cmd::StatusArgs),
    /// Audit a log: checkpoint, witnesses, consistency, every signature and accreditation, and every status statement the operator logged against a replay.
    Audit(audit_cmd::AuditArgs),
    /// Write the daily report for a reporting period, built only from the log (Markdown or HTML).
    Report(report_cmd::ReportArgs),
    /// List the checkpoints remembered from earlier runs of audit, status and report, or export them for others to compare.
    Checkpoints(remembered::CheckpointsArgs),
    /// Serve the log over HTTP: submissions checked as the evaluator will, the C2SP read API, queries, status, reports, live events.
    Serve(Box<serve_cmd::ServeArgs>),
    /// Import real event data (UCDP GED, ACLED, GeoJSON) as signed open-source observations into a log.
    Import(import_cmd::ImportArgs),
    /// Rebuild the server's index database (SQLite or PostgreSQL) from the log alone.
    Reindex(reindex_cmd::ReindexArgs),
    /// Keep, serve and cosign a verified copy of the log (a C2SP tlog-mirror), pulled from the operator or another mirror.
    Mirror(Box<mirror_cmd::MirrorArgs>),
    /// Run a C2SP witness: cosign only checkpoints consistent with all a log showed before, keep the evidence when not.
    #[command(subcommand)]
    Witness(witness_cmd::WitnessCommand),
}

#[derive(Subcommand)]
enum LogCommand {
    /// Create a new, empty log in a directory or at s3://BUCKET/PREFIX on an object store.
    Init(logcmd::InitArgs),
    /// Append entries: one per line of each FILE (or of standard input), or each FILE whole with --raw.
    Append(logcmd::AppendArgs),
    /// Verify a log: checkpoint signature and cosignatures, every tile, every entry, consistency with an older checkpoint.
    Verify(logcmd::VerifyArgs),
    /// Print an inclusion proof for an entry (C2SP tlog-proof) and optionally a consistency proof.
    Proof(logcmd::ProofArgs),
    /// Print the entry at an index.
    Get(logcmd::GetArgs),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ACCORD_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    // Wrapped error lines read well on a terminal but break grep and logs.
    let wrap = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = miette::set_hook(Box::new(move |_| {
        Box::new(miette::MietteHandlerOpts::new().wrap_lines(wrap).build())
    }));
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(a) => demo::run(a),
        Command::Check(a) => check::run(a),
        Command::Policy(a) => policy_cmd::run(a),
        Command::Classify(a) => classify_cmd::run(a),
        Command::Sign(a) => statement_cmd::sign(*a),
        Command::Statement(c) => statement_cmd::run(c),
        Command::Keygen(a) => keys::keygen(a),
        Command::Log(LogCommand::Init(a)) => logcmd::init(a),
        Command::Log(LogCommand::Append(a)) => logcmd::append(a),
        Command::Log(LogCommand::Verify(a)) => logcmd::verify(a),
        Command::Log(LogCommand::Proof(a)) => logcmd::proof(a),
        Command::Log(LogCommand::Get(a)) => logcmd::get(a),
        Command::Import(a) => import_cmd::run(a),
        Command::Status(a) => status_cmd::run(a),
        Command::Audit(a) => audit_cmd::run(a),
        Command::Report(a) => report_cmd::run(a),
        Command::Checkpoints(a) => remembered::run(a),
        Command::Serve(a) => serve_cmd::run(*a),
        Command::Reindex(a) => reindex_cmd::run(a),
        Command::Mirror(a) => mirror_cmd::run(*a),
        Command::Witness(c) => witness_cmd::run(c),
    };
    let code = match result {
        Ok(()) => ExitCode::SUCCESS,
        // Output cut short by its reader (`| head`) is not a failure.
        Err(e) if out::is_closed(&e) => ExitCode::SUCCESS,
        Err(e) => {
            errln!("{e:?}");
            ExitCode::FAILURE
        }
    };
    match out::failure() {
        // Output that could not be written (a full disk, say) is a failure
        // even when the work was done: the user did not get it.
        Some(why) => {
            errln!("error: {why}");
            ExitCode::FAILURE
        }
        None => code,
    }
}
