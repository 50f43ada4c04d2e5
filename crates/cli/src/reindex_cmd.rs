//! `accord reindex`: rebuilds the server's index database from the log
//! alone (verified, then replayed), for a new database, after a schema
//! change, or to check a live one against it.

use std::path::PathBuf;

use accord_server::index::{self, Index};
use clap::Args;
use miette::{Result, miette};
use tlog::TileSource;

use crate::replay::{self, Source};

#[derive(Args)]
pub struct ReindexArgs {
    /// The agreement file.
    #[arg(long)]
    pub agreement: PathBuf,
    /// An amended text of the agreement (TOML, its GeoJSON beside it) that
    /// the log may adopt by an amendment statement (repeatable).
    #[arg(long = "amended", value_name = "FILE")]
    pub amended: Vec<PathBuf>,
    /// The log: a directory, s3://BUCKET/PREFIX, or an http(s):// address.
    #[arg(long)]
    pub log: String,
    /// The index database: a file path or sqlite:PATH (SQLite), or a
    /// postgres:// URL. Emptied, then filled from the log: not one a
    /// running server is writing to.
    #[arg(long)]
    pub db: String,
    /// The log's verifier key (default: the agreement's `[operator] log`).
    #[arg(long)]
    pub log_key: Option<String>,
}

pub fn run(a: ReindexArgs) -> Result<()> {
    let (agreement, hash) = crate::check::load_agreement(&a.agreement)?;
    let amended = crate::amended::Amended::load(&a.amended)?;
    let versions = amended.versions(&agreement, hash)?;
    let source = Source::open(&a.log)?;
    let (key, _) = replay::log_key(a.log_key.as_deref(), &agreement, &source)?;
    let log = replay::verify(&source, &key, &[], None)
        .map_err(|e| miette!("{}: the log does not verify: {e}", source.describe()))?;
    let db = Index::open(&a.db).map_err(|e| miette!("{}: {e}", a.db))?;
    let started = std::time::Instant::now();
    let size = index::reindex(&db, &versions, &source, &log)
        .map_err(|e| miette!("reindexing {} into {}: {e}", source.describe(), a.db))?;
    outln!(
        "indexed {size} entries of {} into {} ({}) in {:.1} s",
        source.describe(),
        a.db,
        db.backend(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
