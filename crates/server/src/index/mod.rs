//! The index: a database of the log's statements and of the observations
//! as the evaluator sees them now, for queries and for the dashboard.
//!
//! It is derived, never a source of truth: [`reindex`] rebuilds it from the
//! log alone, through the same [`Collector`] the live server feeds as it
//! applies entries, so that a live index and a rebuilt one cannot differ by
//! construction (a test compares them). It records the log size it
//! reflects ([`Index::indexed_size`]); each [`Delta`] moves it on in one
//! transaction, so after a crash the server catches up from that size
//! ([`catch_up`]).
//!
//! How the server uses it:
//!
//! ```text
//! let index = Index::open(url)?;                      // migrates
//! let mut up = catch_up(&index, &versions, &source, &verified_log)?;
//! // then for each batch the log appends, once it is durable:
//! for e in &batch {
//!     let _ = up.evaluator.apply_entry(e);
//!     up.collector.record(&up.evaluator, e)?;
//! }
//! index.apply(&up.collector.delta(&up.evaluator))?;   // one transaction
//! // and for requests, from any thread:
//! let q = ObservationQuery::from_pairs(&pairs)?;      // QueryError: a 400
//! let page = index.observations(&q)?;
//! let body = render(&page, q.format.unwrap_or(Format::Json));
//! ```
//!
//! Two backends behind one synchronous API (the server calls it from its
//! own threads): SQLite by default, embedded, nothing to set up; PostgreSQL
//! when given a `postgres://` URL. Both run the same SQL (numbered
//! parameters, which SQLite takes too), and the same test suite.
//! Migrations are numbered SQL files per backend (`migrations/`), applied
//! in a transaction each; a database newer than this code is refused.
//!
//! Every value from a user reaches SQL as a bound parameter: the only text
//! put together is the choice of fixed `WHERE` fragments (see `query`).

mod collect;
mod db;
mod query;
mod reindex;
mod render;
mod rows;

pub use collect::{Collector, Delta};
pub use db::MIGRATIONS;
pub use query::{DEFAULT_LIMIT, MAX_LIMIT, ObservationQuery, Page, QueryError};
pub use reindex::{CaughtUp, REINDEX_CHUNK_BUNDLES, catch_up, reindex};
pub use render::{CSV_COLUMNS, Format, render};
pub use rows::{Event, ObservationRow, Refusal, Standing, StatementRow};

use db::{Backend, Reads, Sql, Val};

/// What went wrong with the index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] postgres::Error),
    #[error(
        "the index database {url} is at schema version {found}, newer than this program knows (up to {supported}): run a newer accord, or rebuild the index into a new database with `accord reindex`"
    )]
    NewerSchema {
        url: String,
        found: i64,
        supported: i64,
    },
    #[error(
        "a delta from log size {from} cannot be applied to an index at log size {indexed}: deltas apply in log order, each from the size the index reflects"
    )]
    OutOfOrder { indexed: u64, from: u64 },
    #[error("the index is not of this log ({0}): rebuild it with `accord reindex`")]
    NotThisLog(String),
    #[error("the index database {0}")]
    Url(String),
    #[error("a malformed delta: {0}")]
    BadDelta(String),
    #[error(
        "the collector expected the evaluator at log size {expected}, and it is at {found}: record each entry once, right after applying it"
    )]
    OutOfStep { expected: u64, found: u64 },
    #[error("the index holds a value it cannot read ({0}): rebuild it with `accord reindex`")]
    Corrupt(String),
    #[error(transparent)]
    Replay(#[from] accord_engine::ReplayError),
    #[error("the log does not verify: {0}")]
    Verify(#[from] tlog_core::verify::VerifyError),
}

/// The index database: SQLite or PostgreSQL. Safe to share between
/// threads: writes go through one connection, one at a time; reads take a
/// connection of their own, so a query never waits for a write.
pub struct Index {
    db: Backend,
}

/// Everything an index holds, in log order: for comparing two indexes
/// (a live one and one rebuilt from the log) and for audits.
#[derive(Clone, Debug, PartialEq)]
pub struct Dump {
    pub indexed_size: u64,
    pub statements: Vec<StatementRow>,
    pub observations: Vec<ObservationRow>,
}

impl Index {
    /// Opens (creating if need be) the index at `url`: a file path or
    /// `sqlite:PATH` for SQLite, `postgres://...` (or `postgresql://`) for
    /// PostgreSQL; brings its schema up to date.
    pub fn open(url: &str) -> Result<Index, IndexError> {
        Ok(Index {
            db: Backend::open(url)?,
        })
    }

    /// Which backend it is: `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        self.db.name()
    }

    /// The log size the index reflects: entries `0..size` are in it.
    pub fn indexed_size(&self) -> Result<u64, IndexError> {
        self.db.read(Reads::Latest, |c| indexed_size(c))
    }

    /// Applies a delta in one transaction, moving the indexed size from
    /// `delta.from` to `delta.to`. A delta that does not start at the
    /// indexed size is refused ([`IndexError::OutOfOrder`]): applied twice
    /// or out of order, it would leave the index saying it reflects a log
    /// it does not. (After an error, [`Index::indexed_size`] says where
    /// the index is: a PostgreSQL connection lost as a commit went through
    /// gives an error, then `OutOfOrder` for the same delta again.)
    pub fn apply(&self, delta: &Delta) -> Result<(), IndexError> {
        delta.check()?;
        self.db.write(|c| {
            let indexed = indexed_size(c)?;
            if indexed != delta.from {
                return Err(IndexError::OutOfOrder {
                    indexed,
                    from: delta.from,
                });
            }
            for s in &delta.statements {
                c.exec(db::INSERT_STATEMENT, &s.params())?;
            }
            for o in &delta.observations {
                c.exec(db::UPSERT_OBSERVATION, &o.params())?;
                // Zones never change, but an upsert is whole: the row's
                // zones are what it says now.
                c.exec(db::DELETE_ZONES, &[Val::int(o.index)])?;
                for z in &o.zones {
                    c.exec(db::INSERT_ZONE, &[Val::text(z), Val::int(o.index)])?;
                }
            }
            c.exec(db::SET_SIZE, &[Val::int(delta.to)])?;
            Ok(())
        })
    }

    /// The entry with this hash: its entry (leaf) hash, RFC 6962's
    /// `SHA-256(0x00 || entry)`, or its statement's digest (the SHA-256 of
    /// its signed text, which co-signing does not change). Where several
    /// entries carry the same statement (a duplicate refused, a
    /// certification co-signed in another entry), the first accepted one,
    /// else the first.
    pub fn statement(&self, hash: &[u8; 32]) -> Result<Option<StatementRow>, IndexError> {
        self.db.read(Reads::Latest, |c| {
            let mut found = None;
            for sql in [db::STATEMENT_BY_ENTRY_HASH, db::STATEMENT_BY_DIGEST] {
                c.query(sql, &[Val::bytes(hash)], &mut |r| {
                    found = Some(StatementRow::read(r)?);
                    Ok(())
                })?;
                if found.is_some() {
                    break;
                }
            }
            Ok(found)
        })
    }

    /// The statement at a log index.
    pub fn statement_at(&self, index: u64) -> Result<Option<StatementRow>, IndexError> {
        self.db.read(Reads::Latest, |c| {
            let mut found = None;
            c.query(db::STATEMENT_AT, &[Val::int(index)], &mut |r| {
                found = Some(StatementRow::read(r)?);
                Ok(())
            })?;
            Ok(found)
        })
    }

    /// The observation logged at a log index.
    pub fn observation_at(&self, index: u64) -> Result<Option<ObservationRow>, IndexError> {
        self.db.read(Reads::Latest, |c| {
            let mut found = None;
            c.query(db::OBSERVATION_AT, &[Val::int(index)], &mut |r| {
                found = Some(ObservationRow::read(r)?);
                Ok(())
            })?;
            Ok(found)
        })
    }

    /// Observations that pass the query's filters, in log order, a page
    /// at a time (see [`ObservationQuery`]).
    pub fn observations(&self, q: &ObservationQuery) -> Result<Page, IndexError> {
        let (sql, params) = q.sql();
        let rows = self.db.read(Reads::Latest, |c| {
            let mut rows = Vec::with_capacity(q.limit as usize + 1);
            c.query(&sql, &params, &mut |r| {
                rows.push(ObservationRow::read(r)?);
                Ok(())
            })?;
            Ok(rows)
        })?;
        Ok(Page::of(rows, q.limit as usize))
    }

    /// How many observations pass the query's filters, on every page
    /// (its cursor and limit aside): for a dashboard's totals.
    pub fn count(&self, q: &ObservationQuery) -> Result<u64, IndexError> {
        let (sql, params) = q.count_sql();
        self.db.read(Reads::Latest, |c| {
            let mut n = 0;
            c.query(&sql, &params, &mut |r| {
                n = r.int(0)?.unwrap_or(0);
                Ok(())
            })?;
            u64::try_from(n).map_err(|_| IndexError::Corrupt(format!("a count of {n}")))
        })
    }

    /// Empties the index (to rebuild it): the schema stays.
    pub fn clear(&self) -> Result<(), IndexError> {
        self.db.write(|c| {
            for sql in db::CLEAR {
                c.exec(sql, &[])?;
            }
            Ok(())
        })
    }

    /// Everything in the index, in log order (see [`Dump`]); as large as
    /// the index.
    pub fn dump(&self) -> Result<Dump, IndexError> {
        self.db.read(Reads::Snapshot, |c| {
            let indexed_size = indexed_size(c)?;
            let mut statements = Vec::new();
            c.query(db::ALL_STATEMENTS, &[], &mut |r| {
                statements.push(StatementRow::read(r)?);
                Ok(())
            })?;
            let mut observations = Vec::new();
            c.query(db::ALL_OBSERVATIONS, &[], &mut |r| {
                observations.push(ObservationRow::read(r)?);
                Ok(())
            })?;
            Ok(Dump {
                indexed_size,
                statements,
                observations,
            })
        })
    }

    /// The schema version of the database.
    pub fn schema_version(&self) -> Result<i64, IndexError> {
        self.db.read(Reads::Latest, |c| db::schema_version(c))
    }
}

// The server shares one index between its threads.
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    shared::<Index>();
};

fn indexed_size(c: &mut dyn Sql) -> Result<u64, IndexError> {
    let mut size = None;
    c.query(db::GET_SIZE, &[], &mut |r| {
        size = r.int(0)?;
        Ok(())
    })?;
    let size = size.ok_or_else(|| IndexError::Corrupt("no indexed size".into()))?;
    u64::try_from(size).map_err(|_| IndexError::Corrupt(format!("indexed size {size}")))
}
