//! 批量写入 a bulk path for generated data (the `zlc demo` data sets).
//!
//! Rows go in with explicit ids, on one connection. Nothing is audited row
//! by row: the caller writes one audit entry for the whole load (see
//! [`audit_load`]).
//!
//! On SQLite they go in as multi-row `INSERT`s, in large transactions
//! committed every [`Bulk::COMMIT_EVERY`] rows; the SQL text of each
//! statement depends only on the table and the number of rows, so the
//! driver's statement cache prepares it once and reuses it. On PostgreSQL
//! they are streamed with `COPY … FROM STDIN` (text format), all in one
//! transaction; the foreign keys and the indexes that back no constraint
//! are dropped at its start and made again at its end, where PostgreSQL
//! builds each index in one sorted pass and checks each key in one pass over
//! its table instead of once per row (so a reference the generator got wrong
//! still fails the load, and nothing of it is kept). Dropping them locks
//! the tables until the load commits: a server already using the database
//! waits for it, which is why the path is for filling an empty database.
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

/// FTS5's buffer of terms while a load's text indexes are rebuilt.
const FTS_LOAD_HASH_BYTES: i64 = 128 << 20;
/// FTS5's own default buffer, for everyday writes.
const FTS_DEFAULT_HASH_BYTES: i64 = 1 << 20;

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
    /// PostgreSQL's foreign keys dropped for the load: `ALTER TABLE … ADD
    /// CONSTRAINT …` statements that add them back at the end.
    foreign_keys: Vec<String>,
    /// PostgreSQL's indexes that back no constraint, dropped for the load:
    /// the `CREATE INDEX` statements that build them again at the end.
    indexes: Vec<String>,
}

/// Appends `a` as one field of `COPY`'s text format: `\N` for NULL, and a
/// backslash before the characters the format gives meaning to.
fn copy_field(out: &mut Vec<u8>, a: &Arg) {
    use std::io::Write;
    match a {
        Arg::I64(None) | Arg::F64(None) | Arg::Text(None) | Arg::Bool(None) | Arg::Bytes(None) => {
            out.extend_from_slice(b"\\N")
        }
        Arg::I64(Some(v)) => {
            let _ = write!(out, "{v}");
        }
        Arg::F64(Some(v)) => {
            let _ = write!(out, "{v}");
        }
        Arg::Bool(Some(v)) => out.push(if *v { b't' } else { b'f' }),
        Arg::Text(Some(t)) => {
            for b in t.bytes() {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    _ => out.push(b),
                }
            }
        }
        Arg::Bytes(Some(v)) => {
            // bytea's hex input `\x…`, its backslash escaped for COPY.
            out.extend_from_slice(b"\\\\x");
            for b in v {
                let _ = write!(out, "{b:02x}");
            }
        }
    }
}

/// `values` (rows of `cols` values each) as `COPY`'s text format.
fn copy_text(values: &[Arg], cols: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() * 12);
    for row in values.chunks(cols) {
        for (i, a) in row.iter().enumerate() {
            if i > 0 {
                out.push(b'\t');
            }
            copy_field(&mut out, a);
        }
        out.push(b'\n');
    }
    out
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
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
        };
        b.raw("BEGIN").await?;
        if let Conn::Postgres(c) = &mut b.conn {
            // Related rows arrive in any order, and a key checked row by row
            // costs more than the row: drop the foreign keys (inside the
            // load's one transaction) and add them back at the end.
            let keys: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT conrelid::regclass::text, conname::text, pg_get_constraintdef(oid) FROM pg_constraint \
                 WHERE contype = 'f' AND connamespace = current_schema()::regnamespace ORDER BY conrelid::regclass::text, conname",
            )
            .fetch_all(&mut **c)
            .await?;
            for (table, name, def) in keys {
                sqlx::query(&format!("ALTER TABLE {table} DROP CONSTRAINT \"{name}\""))
                    .execute(&mut **c)
                    .await?;
                b.foreign_keys.push(format!(
                    "ALTER TABLE {table} ADD CONSTRAINT \"{name}\" {def}"
                ));
            }
            // Likewise the indexes (the trigram ones above all): one sorted
            // build each at the end costs less than keeping them row by row.
            let indexes: Vec<(String, String)> = sqlx::query_as(
                "SELECT c.relname::text, pg_get_indexdef(i.indexrelid) FROM pg_index i \
                 JOIN pg_class c ON c.oid = i.indexrelid \
                 WHERE c.relnamespace = current_schema()::regnamespace \
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) \
                 ORDER BY c.relname",
            )
            .fetch_all(&mut **c)
            .await?;
            for (name, def) in indexes {
                sqlx::query(&format!("DROP INDEX \"{name}\""))
                    .execute(&mut **c)
                    .await?;
                b.indexes.push(def);
            }
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

    /// SQLite's multi-row `INSERT` of `rows` rows into `table`.
    fn statement(&mut self, table: &Table, rows: usize) -> String {
        self.sql
            .entry((table.name, rows))
            .or_insert_with(|| table.insert_sql(rows, Kind::Sqlite))
            .clone()
    }

    /// Inserts `values` (row after row, `table.cols.len()` values each).
    pub async fn insert(&mut self, table: &Table, mut values: Vec<Arg>) -> Result<()> {
        let n = table.cols.len();
        debug_assert_eq!(values.len() % n, 0, "{}", table.name);
        self.touched.insert(table.name);
        let rows = (values.len() / n) as u64;
        match &mut self.conn {
            Conn::Postgres(c) => {
                let mut copy = c
                    .copy_in_raw(&format!(
                        "COPY {} ({}) FROM STDIN",
                        table.name,
                        table.cols.join(", ")
                    ))
                    .await?;
                copy.send(copy_text(&values, n)).await?;
                copy.finish().await?;
            }
            Conn::Sqlite(_) => {
                let per = table.rows_per_statement();
                while !values.is_empty() {
                    let rows = (values.len() / n).min(per);
                    let rest = values.split_off(rows * n);
                    let sql = self.statement(table, rows);
                    if let Conn::Sqlite(c) = &mut self.conn {
                        bind_sqlite(sqlx::query(&sql), values)
                            .execute(&mut **c)
                            .await?;
                    }
                    values = rest;
                }
            }
        }
        self.written += rows;
        self.in_tx += rows;
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
                // FTS5 writes its buffered terms out as a new segment every
                // `hashsize` bytes (1 MiB by default) and merges segments as
                // they pile up: over millions of rows the merging outgrows
                // the indexing. A larger buffer for the rebuild leaves far
                // fewer segments (2M problems: 17.6 s → 9.5 s); everyday
                // writes go back to the default after it.
                for sql in [
                    format!(
                        "INSERT INTO \"{t}\" (\"{t}\", rank) VALUES ('hashsize', {FTS_LOAD_HASH_BYTES})"
                    ),
                    format!("INSERT INTO \"{t}\" (\"{t}\") VALUES ('rebuild')"),
                    format!(
                        "INSERT INTO \"{t}\" (\"{t}\", rank) VALUES ('hashsize', {FTS_DEFAULT_HASH_BYTES})"
                    ),
                ] {
                    sqlx::query(&sql).execute(&mut **c).await?;
                }
            }
            for sql in std::mem::take(&mut self.fts_triggers) {
                sqlx::query(&sql).execute(&mut **c).await?;
            }
        }
        if !self.indexes.is_empty() {
            // Memory for the sorts of the builds, for this transaction only.
            self.raw("SET LOCAL maintenance_work_mem = '256MB'").await?;
        }
        for sql in std::mem::take(&mut self.indexes) {
            self.raw(&sql).await?;
        }
        for sql in std::mem::take(&mut self.foreign_keys) {
            self.raw(&sql).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_the_format_gives_meaning_to() {
        let values = vec![
            Arg::I64(Some(-7)),
            Arg::Text(Some("甲\t乙\n丙\r丁\\戊".into())),
            Arg::Text(None),
            Arg::Bool(Some(true)),
            Arg::Bool(Some(false)),
            Arg::F64(Some(0.25)),
            Arg::Bytes(Some(vec![0, 0xab, 0x5c])),
            Arg::I64(None),
        ];
        let text = String::from_utf8(copy_text(&values, 4)).expect("utf-8");
        assert_eq!(
            text,
            "-7\t甲\\t乙\\n丙\\r丁\\\\戊\t\\N\tt\nf\t0.25\t\\\\x00ab5c\t\\N\n"
        );
    }
}
