//! 批量写入 a bulk path for generated data (the `zlc demo` data sets).
//!
//! Rows go in as multi-row `INSERT`s with explicit ids, on one connection, in
//! large transactions committed every [`Bulk::COMMIT_EVERY`] rows. Nothing is
//! audited row by row: the caller writes one audit entry for the whole load
//! (see [`audit_load`]). The SQL text of each statement depends only on the
//! table and the number of rows, so the driver's statement cache prepares it
//! once and reuses it.
//!
//! On SQLite the triggers that keep the full-text (trigram) indexes in step
//! are dropped for the load and recreated at its end, after one `rebuild` of
//! each index: cheaper than indexing row by row. On SQLite the connection runs with `synchronous = OFF` and foreign-key
//! checks off for the duration of the load (the generator makes every
//! reference itself), and both are restored to what they were before the
//! connection goes back to the pool. On PostgreSQL the identity sequences are
//! moved past the ids written and the tables vacuumed and analysed.

use crate::audit::{self, Change};
use crate::db::Kind;
use crate::{Actor, Arg, Db, Result, Store};
use sqlx::pool::PoolConnection;
use sqlx::{Postgres, Sqlite};
use std::collections::{BTreeSet, HashMap};

pub use crate::rows::Table;

enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// An open bulk load.
pub struct Bulk {
    conn: Conn,
    in_tx: u64,
    written: u64,
    sql: HashMap<(&'static str, usize), String>,
    touched: BTreeSet<&'static str>,
    sqlite_restore: Option<(i64, i64)>,
    /// Full-text triggers dropped for the load, recreated (and their indexes
    /// rebuilt) at the end.
    fts_triggers: Vec<String>,
}

fn bind_sqlite<'q>(
    mut q: sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    args: Vec<Arg>,
) -> sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
    for a in args {
        q = match a {
            Arg::I64(v) => q.bind(v),
            Arg::F64(v) => q.bind(v),
            Arg::Text(v) => q.bind(v),
            Arg::Bool(v) => q.bind(v),
            Arg::Bytes(v) => q.bind(v),
        };
    }
    q
}

fn bind_pg<'q>(
    mut q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    args: Vec<Arg>,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    for a in args {
        q = match a {
            Arg::I64(v) => q.bind(v),
            Arg::F64(v) => q.bind(v),
            Arg::Text(v) => q.bind(v),
            Arg::Bool(v) => q.bind(v),
            Arg::Bytes(v) => q.bind(v),
        };
    }
    q
}

impl Bulk {
    /// Rows per transaction: big enough to amortise the commit, small enough
    /// that SQLite's write-ahead log is checkpointed as the load goes.
    pub const COMMIT_EVERY: u64 = 400_000;

    /// Takes one connection of the pool and opens the first transaction.
    pub async fn begin(db: &Db) -> Result<Bulk> {
        let (conn, sqlite_restore) = match db {
            Db::Sqlite(pool) => {
                let mut c = pool.acquire().await?;
                let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
                    .fetch_one(&mut *c)
                    .await?;
                let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
                    .fetch_one(&mut *c)
                    .await?;
                sqlx::query("PRAGMA synchronous = OFF")
                    .execute(&mut *c)
                    .await?;
                sqlx::query("PRAGMA foreign_keys = OFF")
                    .execute(&mut *c)
                    .await?;
                sqlx::query("PRAGMA cache_size = -524288")
                    .execute(&mut *c)
                    .await?;
                (Conn::Sqlite(c), Some((sync, fk)))
            }
            Db::Postgres(pool) => (Conn::Postgres(pool.acquire().await?), None),
        };
        let mut b = Bulk {
            conn,
            in_tx: 0,
            written: 0,
            sql: HashMap::new(),
            touched: BTreeSet::new(),
            sqlite_restore,
            fts_triggers: Vec::new(),
        };
        b.raw("BEGIN").await?;
        if let Conn::Postgres(_) = &b.conn {
            // Related rows arrive in any order: check their keys at commit.
            // PostgreSQL holds the whole load in this one transaction.
            b.raw("SET CONSTRAINTS ALL DEFERRED").await?;
        }
        if let Conn::Sqlite(c) = &mut b.conn {
            // Keeping a trigram index in step row by row costs more than the
            // rows themselves: drop the triggers that do it, rebuild at the end.
            let triggers: Vec<(String, String)> = sqlx::query_as(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%\\_fts%' ESCAPE '\\' ORDER BY name",
            )
            .fetch_all(&mut **c)
            .await?;
            for (name, sql) in triggers {
                sqlx::query(&format!("DROP TRIGGER \"{name}\""))
                    .execute(&mut **c)
                    .await?;
                b.fts_triggers.push(sql);
            }
        }
        Ok(b)
    }

    async fn raw(&mut self, sql: &str) -> Result<()> {
        match &mut self.conn {
            Conn::Sqlite(c) => {
                sqlx::query(sql).execute(&mut **c).await?;
            }
            Conn::Postgres(c) => {
                sqlx::query(sql).execute(&mut **c).await?;
            }
        }
        Ok(())
    }

    /// Rows written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    fn statement(&mut self, table: &Table, rows: usize) -> String {
        let kind = match self.conn {
            Conn::Postgres(_) => Kind::Postgres,
            Conn::Sqlite(_) => Kind::Sqlite,
        };
        self.sql
            .entry((table.name, rows))
            .or_insert_with(|| table.insert_sql(rows, kind))
            .clone()
    }

    /// Inserts `values` (row after row, `table.cols.len()` values each).
    pub async fn insert(&mut self, table: &Table, mut values: Vec<Arg>) -> Result<()> {
        let n = table.cols.len();
        debug_assert_eq!(values.len() % n, 0, "{}", table.name);
        let per = table.rows_per_statement();
        self.touched.insert(table.name);
        while !values.is_empty() {
            let rows = (values.len() / n).min(per);
            let rest = values.split_off(rows * n);
            let sql = self.statement(table, rows);
            match &mut self.conn {
                Conn::Sqlite(c) => {
                    bind_sqlite(sqlx::query(&sql), values)
                        .execute(&mut **c)
                        .await?;
                }
                Conn::Postgres(c) => {
                    bind_pg(sqlx::query(&sql), values).execute(&mut **c).await?;
                }
            }
            values = rest;
            self.written += rows as u64;
            self.in_tx += rows as u64;
        }
        if self.in_tx >= Self::COMMIT_EVERY && matches!(self.conn, Conn::Sqlite(_)) {
            self.raw("COMMIT").await?;
            self.raw("BEGIN").await?;
            self.in_tx = 0;
        }
        Ok(())
    }

    /// Commits, restores the connection's settings and moves PostgreSQL's
    /// identity sequences past the ids written.
    pub async fn finish(mut self) -> Result<u64> {
        if let Conn::Sqlite(c) = &mut self.conn
            && !self.fts_triggers.is_empty()
        {
            let tables: Vec<(String,)> = sqlx::query_as(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%' ORDER BY name",
            )
            .fetch_all(&mut **c)
            .await?;
            for (t,) in tables {
                sqlx::query(&format!("INSERT INTO \"{t}\" (\"{t}\") VALUES ('rebuild')"))
                    .execute(&mut **c)
                    .await?;
            }
            for sql in std::mem::take(&mut self.fts_triggers) {
                sqlx::query(&sql).execute(&mut **c).await?;
            }
        }
        self.raw("COMMIT").await?;
        match &mut self.conn {
            Conn::Sqlite(c) => {
                if let Some((sync, fk)) = self.sqlite_restore {
                    sqlx::query(&format!("PRAGMA synchronous = {sync}"))
                        .execute(&mut **c)
                        .await?;
                    sqlx::query(&format!("PRAGMA foreign_keys = {fk}"))
                        .execute(&mut **c)
                        .await?;
                    sqlx::query(&format!(
                        "PRAGMA cache_size = {}",
                        crate::sqlite::CACHE_SIZE
                    ))
                    .execute(&mut **c)
                    .await?;
                    // Fresh statistics (sampled, seconds even at national
                    // scale) so the planner knows the new tables' sizes.
                    for sql in [
                        "PRAGMA analysis_limit = 2000",
                        "ANALYZE",
                        "PRAGMA analysis_limit = 0",
                    ] {
                        sqlx::query(sql).execute(&mut **c).await?;
                    }
                    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                        .execute(&mut **c)
                        .await?;
                }
            }
            Conn::Postgres(c) => {
                for t in &self.touched {
                    let seq: Option<String> =
                        sqlx::query_scalar("SELECT pg_get_serial_sequence($1, 'id')")
                            .bind(*t)
                            .fetch_one(&mut **c)
                            .await
                            .unwrap_or(None);
                    if let Some(seq) = seq {
                        sqlx::query(&format!(
                            "SELECT setval('{seq}', GREATEST((SELECT COALESCE(MAX(id), 0) FROM {t}), 1))"
                        ))
                        .execute(&mut **c)
                        .await?;
                    }
                }
                // Statistics for the planner, and the visibility map that
                // lets counts be read from an index alone (autovacuum would
                // set it later; a fresh data set is read at once).
                sqlx::query("VACUUM (ANALYZE)").execute(&mut **c).await?;
            }
        }
        Ok(self.written)
    }
}

/// The one audit entry of a whole load, in its own transaction after the load.
pub async fn audit_load(store: &Store, actor: &Actor, change: Change<'_>) -> Result<i64> {
    let mut tx = store.db.begin().await?;
    let seq = audit::append(&mut tx, &store.cipher, actor, change).await?;
    tx.commit().await?;
    Ok(seq)
}
