//! SQLite: the embedded default.

use crate::{Db, Options, Result};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// Each pooled connection's page cache: 16 MiB (negative: KiB). Eight
/// connections stay well inside a server's memory budget; the operating
/// system's file cache holds the rest of a warm database.
pub(crate) const CACHE_SIZE: &str = "-16384";

pub(crate) async fn open(path: &str, opts: &Options) -> Result<Db> {
    let synchronous = SqliteSynchronous::from_str(&opts.sqlite_synchronous).map_err(|_| {
        crate::StoreError::BadUrl(format!(
            "sqlite synchronous 取值无效：{}",
            opts.sqlite_synchronous
        ))
    })?;
    let connect = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(synchronous)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        .pragma("temp_store", "memory")
        .pragma("cache_size", CACHE_SIZE);
    let pool = SqlitePoolOptions::new()
        .max_connections(opts.max_connections)
        .connect_with(connect)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(Db::Sqlite(pool))
}

/// The FTS5 (trigram) phrase that finds `q`, or `None` when `q` is too
/// short for trigrams (fewer than three characters).
pub(crate) fn fts_phrase(q: &str) -> Option<String> {
    if q.chars().count() < 3 {
        return None;
    }
    // One phrase: the user's text as typed, double quotes doubled.
    Some(format!("\"{}\"", q.replace('"', "\"\"")))
}
