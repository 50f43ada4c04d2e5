//! The two backends behind one small interface ([`Sql`]): run a statement,
//! run a query and read its rows ([`Get`]). The index's logic is written
//! once over it; only connections, transactions, parameter binding and
//! the migrations' SQL differ.

use std::sync::{Mutex, MutexGuard};

use super::IndexError;

/// The migrations, in order: version `k + 1` is the `k`th, one SQL file
/// per backend.
pub const MIGRATIONS: usize = SQLITE_MIGRATIONS.len();

const SQLITE_MIGRATIONS: &[&str] = &[include_str!("migrations/sqlite/001_initial.sql")];
const POSTGRES_MIGRATIONS: &[&str] = &[include_str!("migrations/postgres/001_initial.sql")];
const _: () = assert!(SQLITE_MIGRATIONS.len() == POSTGRES_MIGRATIONS.len());

/// The columns of a statement row, in the order `StatementRow::read`
/// reads them (a macro, so that `concat!` can spell each query whole).
macro_rules! statement_columns {
    () => {
        "idx, entry_hash, digest, kind, issued_at, signers, accepted, refused_kind, refused_why"
    };
}

/// The columns of an observation row, in the order
/// `ObservationRow::read` reads them and `ObservationRow::params` gives
/// them.
macro_rules! observation_columns {
    () => {
        "idx, digest, category, observed, issued, period, lon, lat, zones, controlled_by, responsible, confidence, attribution, reporter, organisations, sensor, evidence, standing, verified, verified_at, dispute_until, disputed_by, dissent, weapon_class, events"
    };
}
pub const OBSERVATION_COLUMNS: &str = observation_columns!();

pub const INSERT_STATEMENT: &str = "INSERT INTO statements (idx, entry_hash, digest, kind, issued_at, signers, accepted, refused_kind, refused_why) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
pub const UPSERT_OBSERVATION: &str = "INSERT INTO observations (idx, digest, category, observed, issued, period, lon, lat, zones, controlled_by, responsible, confidence, attribution, reporter, organisations, sensor, evidence, standing, verified, verified_at, dispute_until, disputed_by, dissent, weapon_class, events) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25) ON CONFLICT (idx) DO UPDATE SET digest = excluded.digest, category = excluded.category, observed = excluded.observed, issued = excluded.issued, period = excluded.period, lon = excluded.lon, lat = excluded.lat, zones = excluded.zones, controlled_by = excluded.controlled_by, responsible = excluded.responsible, confidence = excluded.confidence, attribution = excluded.attribution, reporter = excluded.reporter, organisations = excluded.organisations, sensor = excluded.sensor, evidence = excluded.evidence, standing = excluded.standing, verified = excluded.verified, verified_at = excluded.verified_at, dispute_until = excluded.dispute_until, disputed_by = excluded.disputed_by, dissent = excluded.dissent, weapon_class = excluded.weapon_class, events = excluded.events";
pub const DELETE_ZONES: &str = "DELETE FROM observation_zones WHERE idx = $1";
pub const INSERT_ZONE: &str = "INSERT INTO observation_zones (zone, idx) VALUES ($1, $2)";
pub const GET_SIZE: &str = "SELECT value FROM meta WHERE key = 'indexed_size'";
pub const SET_SIZE: &str = "UPDATE meta SET value = $1 WHERE key = 'indexed_size'";
pub const CLEAR: &[&str] = &[
    "DELETE FROM observation_zones",
    "DELETE FROM observations",
    "DELETE FROM statements",
    "UPDATE meta SET value = 0 WHERE key = 'indexed_size'",
];

pub const STATEMENT_BY_ENTRY_HASH: &str = concat!(
    "SELECT ",
    statement_columns!(),
    " FROM statements WHERE entry_hash = $1 ORDER BY idx LIMIT 1"
);
pub const STATEMENT_BY_DIGEST: &str = concat!(
    "SELECT ",
    statement_columns!(),
    " FROM statements WHERE digest = $1 ORDER BY accepted DESC, idx LIMIT 1"
);
pub const STATEMENT_AT: &str = concat!(
    "SELECT ",
    statement_columns!(),
    " FROM statements WHERE idx = $1"
);
pub const ALL_STATEMENTS: &str = concat!(
    "SELECT ",
    statement_columns!(),
    " FROM statements ORDER BY idx"
);
pub const OBSERVATION_AT: &str = concat!(
    "SELECT ",
    observation_columns!(),
    " FROM observations WHERE idx = $1"
);
pub const ALL_OBSERVATIONS: &str = concat!(
    "SELECT ",
    observation_columns!(),
    " FROM observations ORDER BY idx"
);

/// A parameter, typed as its column is on both backends (PostgreSQL does
/// not convert between integer widths, or integers and booleans).
#[derive(Clone, Debug)]
pub enum Val {
    Int(Option<i64>),
    Real(f64),
    Text(Option<String>),
    Bool(bool),
    Bytes(Option<Vec<u8>>),
}

impl Val {
    /// A log index or size. Sizes beyond `i64::MAX` cannot occur (a log
    /// of that many entries would not fit on any disk); saturated rather
    /// than wrapped all the same.
    pub fn int(v: u64) -> Val {
        Val::Int(Some(i64::try_from(v).unwrap_or(i64::MAX)))
    }
    pub fn text(s: &str) -> Val {
        Val::Text(Some(s.to_string()))
    }
    pub fn bytes(b: &[u8]) -> Val {
        Val::Bytes(Some(b.to_vec()))
    }
}

/// Reads the columns of a result row by position.
pub trait Get {
    fn int(&self, i: usize) -> Result<Option<i64>, IndexError>;
    fn real(&self, i: usize) -> Result<f64, IndexError>;
    fn text(&self, i: usize) -> Result<Option<String>, IndexError>;
    fn boolean(&self, i: usize) -> Result<bool, IndexError>;
    fn bytes(&self, i: usize) -> Result<Option<Vec<u8>>, IndexError>;
}

/// A connection or a transaction, of either backend.
pub trait Sql {
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, IndexError>;
    fn query(
        &mut self,
        sql: &str,
        params: &[Val],
        row: &mut dyn FnMut(&dyn Get) -> Result<(), IndexError>,
    ) -> Result<(), IndexError>;
}

// SQLite.

impl rusqlite::ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value, ValueRef};
        Ok(match self {
            Val::Int(Some(v)) => ToSqlOutput::Owned(Value::Integer(*v)),
            Val::Real(v) => ToSqlOutput::Owned(Value::Real(*v)),
            Val::Text(Some(v)) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
            Val::Bool(v) => ToSqlOutput::Owned(Value::Integer(i64::from(*v))),
            Val::Bytes(Some(v)) => ToSqlOutput::Borrowed(ValueRef::Blob(v)),
            Val::Int(None) | Val::Text(None) | Val::Bytes(None) => ToSqlOutput::Owned(Value::Null),
        })
    }
}

impl Get for rusqlite::Row<'_> {
    fn int(&self, i: usize) -> Result<Option<i64>, IndexError> {
        Ok(self.get(i)?)
    }
    fn real(&self, i: usize) -> Result<f64, IndexError> {
        Ok(self.get(i)?)
    }
    fn text(&self, i: usize) -> Result<Option<String>, IndexError> {
        Ok(self.get(i)?)
    }
    fn boolean(&self, i: usize) -> Result<bool, IndexError> {
        Ok(self.get(i)?)
    }
    fn bytes(&self, i: usize) -> Result<Option<Vec<u8>>, IndexError> {
        Ok(self.get(i)?)
    }
}

// PostgreSQL.

fn pg_params(params: &[Val]) -> Vec<&(dyn postgres::types::ToSql + Sync)> {
    params
        .iter()
        .map(|p| -> &(dyn postgres::types::ToSql + Sync) {
            match p {
                Val::Int(v) => v,
                Val::Real(v) => v,
                Val::Text(v) => v,
                Val::Bool(v) => v,
                Val::Bytes(v) => v,
            }
        })
        .collect()
}

impl Get for postgres::Row {
    fn int(&self, i: usize) -> Result<Option<i64>, IndexError> {
        Ok(self.try_get(i)?)
    }
    fn real(&self, i: usize) -> Result<f64, IndexError> {
        Ok(self.try_get(i)?)
    }
    fn text(&self, i: usize) -> Result<Option<String>, IndexError> {
        Ok(self.try_get(i)?)
    }
    fn boolean(&self, i: usize) -> Result<bool, IndexError> {
        Ok(self.try_get(i)?)
    }
    fn bytes(&self, i: usize) -> Result<Option<Vec<u8>>, IndexError> {
        Ok(self.try_get(i)?)
    }
}

macro_rules! pg_sql {
    ($t:ty) => {
        impl Sql for $t {
            fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, IndexError> {
                Ok(self.execute(sql, &pg_params(params))?)
            }

            fn query(
                &mut self,
                sql: &str,
                params: &[Val],
                f: &mut dyn FnMut(&dyn Get) -> Result<(), IndexError>,
            ) -> Result<(), IndexError> {
                for r in self.query(sql, &pg_params(params))? {
                    f(&r)?;
                }
                Ok(())
            }
        }
    };
}
pg_sql!(postgres::Client);
pg_sql!(postgres::Transaction<'_>);

// Connections.

/// Connections kept for reads, opened as needed: a query takes one of its
/// own, so readers never wait for each other or for the writer.
pub struct Pool<C> {
    idle: Mutex<Vec<C>>,
    open: Box<dyn Fn() -> Result<C, IndexError> + Send + Sync>,
}

/// Idle read connections kept; more are opened when more readers come at
/// once, and closed after.
const IDLE_READERS: usize = 4;

impl<C> Pool<C> {
    /// Runs `f` on a connection of the pool. One kept idle may have died
    /// meanwhile (the database restarted): if `f` fails and `healthy` says
    /// the connection is gone, `f` runs again once on a new one.
    fn with<T>(
        &self,
        healthy: impl Fn(&C) -> bool,
        mut f: impl FnMut(&mut C) -> Result<T, IndexError>,
    ) -> Result<T, IndexError> {
        let taken = lock(&self.idle).pop();
        let was_idle = taken.is_some();
        let mut c = match taken {
            Some(c) => c,
            None => (self.open)()?,
        };
        let mut result = f(&mut c);
        if result.is_err() && was_idle && !healthy(&c) {
            c = (self.open)()?;
            result = f(&mut c);
        }
        if healthy(&c) {
            let mut idle = lock(&self.idle);
            if idle.len() < IDLE_READERS {
                idle.push(c);
            }
        }
        result
    }
}

/// A lock whose holder panicked is still good: every write is one
/// transaction, rolled back if it did not commit.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub enum Backend {
    Sqlite {
        writer: Mutex<rusqlite::Connection>,
        readers: Pool<rusqlite::Connection>,
    },
    Postgres {
        writer: Mutex<postgres::Client>,
        readers: Pool<postgres::Client>,
    },
}

/// How a transaction reads: each statement the latest committed state, or
/// all of them one snapshot.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    Latest,
    Snapshot,
}

impl Backend {
    pub fn open(url: &str) -> Result<Backend, IndexError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Backend::open_postgres(url);
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url)
            .to_string();
        // Each connection would have a database of its own.
        if path.is_empty() || path == ":memory:" || path.starts_with("file::memory:") {
            return Err(IndexError::Url(format!(
                "{url:?}: the index is shared by several connections, so it needs a file (a path, or sqlite:PATH), not a database in memory"
            )));
        }
        Backend::open_sqlite(path)
    }

    fn open_sqlite(path: String) -> Result<Backend, IndexError> {
        let mut writer = sqlite_connection(&path)?;
        // WAL: readers see the last committed state while a write goes on,
        // and a write does not wait for them. synchronous=NORMAL: a commit
        // is not synced until the next checkpoint of the WAL, so a power
        // cut may lose the last few transactions, but never corrupts the
        // database. For a derived index that is the right trade: the
        // indexed size is written in the same transaction as the rows, so
        // what is lost is caught up from the log on restart.
        writer.pragma_update(None, "journal_mode", "WAL")?;
        writer.pragma_update(None, "synchronous", "NORMAL")?;
        migrate(&mut SqliteMigrator(&mut writer), &path)?;
        let open_path = path.clone();
        Ok(Backend::Sqlite {
            writer: Mutex::new(writer),
            readers: Pool {
                idle: Mutex::new(Vec::new()),
                open: Box::new(move || sqlite_connection(&open_path)),
            },
        })
    }

    fn open_postgres(url: &str) -> Result<Backend, IndexError> {
        let connect = {
            let url = url.to_string();
            move || -> Result<postgres::Client, IndexError> {
                Ok(postgres::Client::connect(&url, postgres::NoTls)?)
            }
        };
        let mut writer = connect()?;
        migrate(&mut PostgresMigrator(&mut writer), &redact(url))?;
        Ok(Backend::Postgres {
            writer: Mutex::new(writer),
            readers: Pool {
                idle: Mutex::new(Vec::new()),
                open: Box::new(connect),
            },
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite { .. } => "sqlite",
            Backend::Postgres { .. } => "postgres",
        }
    }

    /// Runs `f` in a write transaction, committed if it succeeds. On
    /// PostgreSQL a connection found dead is replaced, and `f` run again
    /// on the new one (once: what `f` writes checks the indexed size, so a
    /// second run of a write that did commit is refused, not doubled).
    pub fn write<T>(
        &self,
        mut f: impl FnMut(&mut dyn Sql) -> Result<T, IndexError>,
    ) -> Result<T, IndexError> {
        match self {
            Backend::Sqlite { writer, .. } => {
                let mut c = lock(writer);
                let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                // A Transaction derefs to its connection; what runs on it
                // runs in the transaction.
                let out = f(&mut SqliteRef(&tx))?;
                tx.commit()?;
                Ok(out)
            }
            Backend::Postgres { writer, readers } => {
                let mut c = lock(writer);
                let mut attempt = |c: &mut postgres::Client| -> Result<T, IndexError> {
                    let mut tx = c.transaction()?;
                    let out = f(&mut tx)?;
                    tx.commit()?;
                    Ok(out)
                };
                // The server restarted, or the network dropped: reconnect
                // rather than fail for ever.
                if c.is_closed() {
                    *c = (readers.open)()?;
                }
                match attempt(&mut c) {
                    Err(_) if c.is_closed() => {
                        *c = (readers.open)()?;
                        attempt(&mut c)
                    }
                    other => other,
                }
            }
        }
    }

    /// Runs `f` on a read connection of its own: each statement reads the
    /// latest committed state, or with [`Reads::Snapshot`] all of them
    /// the same one (a read transaction, which costs a round trip or two
    /// more: for reads of several statements that must agree).
    pub fn read<T>(
        &self,
        reads: Reads,
        mut f: impl FnMut(&mut dyn Sql) -> Result<T, IndexError>,
    ) -> Result<T, IndexError> {
        match (self, reads) {
            (Backend::Sqlite { readers, .. }, Reads::Latest) => {
                readers.with(|_| true, |c| f(&mut SqliteRef(c)))
            }
            (Backend::Sqlite { readers, .. }, Reads::Snapshot) => readers.with(
                |_| true,
                |c| {
                    // In WAL mode a read transaction sees one snapshot.
                    let tx = c.transaction()?;
                    let out = f(&mut SqliteRef(&tx))?;
                    tx.commit()?;
                    Ok(out)
                },
            ),
            (Backend::Postgres { readers, .. }, Reads::Latest) => {
                readers.with(|c| !c.is_closed(), |c| f(c))
            }
            (Backend::Postgres { readers, .. }, Reads::Snapshot) => readers.with(
                |c| !c.is_closed(),
                |c| {
                    let mut tx = c
                        .build_transaction()
                        .isolation_level(postgres::IsolationLevel::RepeatableRead)
                        .read_only(true)
                        .start()?;
                    let out = f(&mut tx)?;
                    tx.commit()?;
                    Ok(out)
                },
            ),
        }
    }
}

/// A SQLite connection borrowed from a transaction.
struct SqliteRef<'c>(&'c rusqlite::Connection);

impl Sql for SqliteRef<'_> {
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, IndexError> {
        let mut st = self.0.prepare_cached(sql)?;
        Ok(st.execute(rusqlite::params_from_iter(params))? as u64)
    }

    fn query(
        &mut self,
        sql: &str,
        params: &[Val],
        f: &mut dyn FnMut(&dyn Get) -> Result<(), IndexError>,
    ) -> Result<(), IndexError> {
        let mut st = self.0.prepare_cached(sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(params))?;
        while let Some(r) = rows.next()? {
            f(r)?;
        }
        Ok(())
    }
}

fn sqlite_connection(path: &str) -> Result<rusqlite::Connection, IndexError> {
    let c = rusqlite::Connection::open(path)?;
    // A reader may meet the writer checkpointing the WAL; wait rather than
    // fail.
    c.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(c)
}

/// A URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

// Migrations.

const CREATE_VERSION_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)";

/// The schema version: 0 for an empty database.
pub fn schema_version(c: &mut dyn Sql) -> Result<i64, IndexError> {
    let mut v = None;
    c.query("SELECT MAX(version) FROM schema_version", &[], &mut |r| {
        v = r.int(0)?;
        Ok(())
    })?;
    Ok(v.unwrap_or(0))
}

/// SQL run as a batch (several statements, no parameters).
type Batch<'a> = dyn FnMut(&str) -> Result<(), IndexError> + 'a;
/// What runs in a migrator's transaction: given statements and batches.
type Step<'a> = dyn FnMut(&mut dyn Sql, &mut Batch<'_>) -> Result<(), IndexError> + 'a;

/// What migrating needs of a backend: a transaction that holds off other
/// migrators (two servers started at once), and its migrations.
trait Migrator {
    fn migrations(&self) -> &'static [&'static str];
    /// Runs `f` in a transaction that no other migrator runs alongside.
    fn exclusive(&mut self, f: &mut Step<'_>) -> Result<(), IndexError>;
}

struct SqliteMigrator<'a>(&'a mut rusqlite::Connection);
struct PostgresMigrator<'a>(&'a mut postgres::Client);

impl Migrator for SqliteMigrator<'_> {
    fn migrations(&self) -> &'static [&'static str] {
        SQLITE_MIGRATIONS
    }
    fn exclusive(&mut self, f: &mut Step<'_>) -> Result<(), IndexError> {
        // IMMEDIATE: the write lock is taken at the start, so a second
        // migrator waits, then finds the version moved on.
        let tx = self
            .0
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let conn: &rusqlite::Connection = &tx;
            let mut batch = |sql: &str| -> Result<(), IndexError> { Ok(conn.execute_batch(sql)?) };
            f(&mut SqliteRef(&tx), &mut batch)?;
        }
        tx.commit()?;
        Ok(())
    }
}

impl Migrator for PostgresMigrator<'_> {
    fn migrations(&self) -> &'static [&'static str] {
        POSTGRES_MIGRATIONS
    }
    fn exclusive(&mut self, f: &mut Step<'_>) -> Result<(), IndexError> {
        // A transaction-scoped advisory lock: a second migrator waits for
        // the first to commit. The key is arbitrary, fixed for accord.
        let mut tx = self.0.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock(7243598735)", &[])?;
        // DDL is transactional in PostgreSQL: a migration that fails
        // leaves nothing behind. Statements and batches go through the
        // same transaction, one after the other.
        let cell = std::cell::RefCell::new(tx);
        {
            let mut batch =
                |sql: &str| -> Result<(), IndexError> { Ok(cell.borrow_mut().batch_execute(sql)?) };
            let mut sql = PgCell(&cell);
            f(&mut sql, &mut batch)?;
        }
        cell.into_inner().commit()?;
        Ok(())
    }
}

struct PgCell<'a, 'b>(&'a std::cell::RefCell<postgres::Transaction<'b>>);

impl Sql for PgCell<'_, '_> {
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, IndexError> {
        Sql::exec(&mut *self.0.borrow_mut(), sql, params)
    }
    fn query(
        &mut self,
        sql: &str,
        params: &[Val],
        f: &mut dyn FnMut(&dyn Get) -> Result<(), IndexError>,
    ) -> Result<(), IndexError> {
        Sql::query(&mut *self.0.borrow_mut(), sql, params, f)
    }
}

/// Brings the schema up to the latest version, each migration in the
/// transaction that records it; refuses a database newer than the code.
fn migrate(m: &mut dyn Migrator, url: &str) -> Result<(), IndexError> {
    let migrations = m.migrations();
    let supported = migrations.len() as i64;
    m.exclusive(&mut |c, batch| {
        batch(CREATE_VERSION_TABLE)?;
        let found = schema_version(c)?;
        if found > supported {
            return Err(IndexError::NewerSchema {
                url: url.to_string(),
                found,
                supported,
            });
        }
        for (k, sql) in migrations.iter().enumerate().skip(found as usize) {
            batch(sql)?;
            c.exec(
                "INSERT INTO schema_version (version) VALUES ($1)",
                &[Val::int(k as u64 + 1)],
            )?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_spelled_whole() {
        assert_eq!(
            STATEMENT_AT,
            "SELECT idx, entry_hash, digest, kind, issued_at, signers, accepted, refused_kind, refused_why FROM statements WHERE idx = $1"
        );
    }

    #[test]
    fn passwords_are_kept_out_of_messages() {
        assert_eq!(
            redact("postgres://u:secret@host/db"),
            "postgres://u:***@host/db"
        );
        assert_eq!(redact("postgres://u@host/db"), "postgres://u@host/db");
    }
}
