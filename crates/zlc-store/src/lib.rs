//! zlc-store: persistence for zlc on SQLite (the embedded default) or PostgreSQL.
//!
//! A `postgres://` URL selects PostgreSQL; `sqlite:` (or a bare path) the
//! embedded database. Each has its own migrations, applied on start. Every
//! write runs in one transaction together with its audit entry.

pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod bulk;
pub mod calendar;
pub mod campaign;
pub mod crypto;
pub mod db;
pub mod duty;
pub mod exports;
pub mod findings;
pub mod imports;
pub mod names;
pub mod objects;
pub mod policy;
pub mod registry;
pub mod reports;
pub mod rowkeys;
pub mod rows;
pub mod stats;
pub mod submissions;

mod postgres;
pub(crate) mod sqlite;

pub use db::{Arg, Db, Kind, Tx};

use crypto::FieldCipher;
use zlc_domain::error::Errors;

/// Errors of the store, each mapped by the server to one HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("记录不存在")]
    NotFound,
    /// The record changed since the caller read it (optimistic concurrency).
    #[error("记录已被他人修改（当前版本 {current}），请刷新后重试")]
    Stale { current: i64 },
    #[error("{0}")]
    Invalid(Errors),
    #[error("{0}")]
    Conflict(String),
    /// Rows of an imported table that cannot be written; nothing was.
    #[error("导入失败，共 {} 处错误：{}", .0.len(), .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("；"))]
    Rows(Vec<zlc_domain::sheets::RowError>),
    #[error("数据库地址无效：{0}")]
    BadUrl(String),
    #[error(transparent)]
    Crypto(#[from] crypto::CryptoError),
    #[error("数据库迁移失败：{0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("数据库错误：{0}")]
    Db(#[from] sqlx::Error),
    /// A record that could not be written as JSON (for its audit entry).
    #[error("记录无法写成 JSON：{0}")]
    Json(#[from] serde_json::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        StoreError::Invalid(zlc_domain::error::FieldError::new(field, message).into())
    }
}

/// Maps a unique-constraint violation to a field error naming `field`.
pub(crate) fn unique_as(
    field: &'static str,
    message: &'static str,
) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::invalid(field, message),
        _ => StoreError::Db(e),
    }
}

/// 操作人 who makes a change, from where: recorded in the audit trail.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    pub ip: String,
}

impl Actor {
    /// The command line or start-up itself, acting as the operator of the machine.
    pub fn system(what: &str) -> Self {
        Actor {
            user_id: None,
            username: format!("system:{what}"),
            ip: "local".into(),
        }
    }
}

/// 数据范围 the unit subtree a caller may see. `None` means every unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub path: Option<String>,
}

impl Scope {
    pub fn all() -> Self {
        Scope { path: None }
    }

    pub fn subtree(path: impl Into<String>) -> Self {
        Scope {
            path: Some(path.into()),
        }
    }

    /// Whether a unit with materialised path `p` lies inside this scope.
    pub fn contains(&self, p: &str) -> bool {
        self.path.as_deref().is_none_or(|s| p.starts_with(s))
    }

    /// SQL condition on a path column, with its two arguments appended to `args`.
    /// Uses a range on the path index: every path under `/1/5/` sorts at or after
    /// it and before `/1/50` (`0` is the byte after `/`).
    pub fn condition(&self, column: &str, args: &mut Vec<Arg>) -> String {
        match &self.path {
            None => "1=1".into(),
            Some(p) => {
                let upper = format!("{}0", &p[..p.len() - 1]);
                args.push(Arg::from(p.clone()));
                args.push(Arg::from(upper));
                format!(
                    "({column} >= ${} AND {column} < ${})",
                    args.len() - 1,
                    args.len()
                )
            }
        }
    }
}

/// A page of a list: at most `limit` records after the cursor.
///
/// A list in id order pages by the last id seen (cursor `123`); a list sorted
/// on another column pages by position (cursor `@100`, the rows to skip).
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub after: Option<i64>,
    /// Rows to skip, for a list sorted on another column than the id.
    pub offset: Option<i64>,
    pub limit: i64,
}

impl PageRequest {
    pub const MAX: i64 = 200;

    pub fn new(cursor: Option<&str>, limit: Option<i64>) -> Result<Self> {
        let bad = |_| StoreError::invalid("cursor", "翻页游标无效");
        let (after, offset) = match cursor {
            None | Some("") => (None, None),
            Some(c) => match c.strip_prefix('@') {
                Some(n) => (None, Some(n.parse::<i64>().map_err(bad)?.max(0))),
                None => (Some(c.parse::<i64>().map_err(bad)?), None),
            },
        };
        let limit = limit.unwrap_or(50);
        if !(1..=Self::MAX).contains(&limit) {
            return Err(StoreError::invalid(
                "limit",
                format!("每页条数应在 1 到 {} 之间", Self::MAX),
            ));
        }
        Ok(PageRequest {
            after,
            offset,
            limit,
        })
    }

    /// Whether this is the first page of its list (no cursor).
    pub fn is_first(&self) -> bool {
        self.after.is_none() && self.offset.unwrap_or(0) == 0
    }
}

/// A page of records and the cursor of the next page, if there is one.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    /// How many records the whole list holds, where the list counts them
    /// (the campaign lists, on their first page), up to [`COUNT_CAP`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    /// The list holds more than `total` (the cap) records.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub total_capped: bool,
}

/// A list's first page counts its records up to this many and says "more
/// than" beyond: counting every problem of a nation on each first page
/// would read them all, and nobody pages through ten thousand rows.
pub const COUNT_CAP: i64 = 10_000;

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only says
    /// that another page exists, so no `COUNT(*)` is needed.
    pub fn from_rows(mut rows: Vec<T>, req: &PageRequest, id: impl Fn(&T) -> i64) -> Self {
        let more = rows.len() as i64 > req.limit;
        rows.truncate(req.limit as usize);
        let next_cursor = if more {
            rows.last().map(|r| id(r).to_string())
        } else {
            None
        };
        Page {
            items: rows,
            next_cursor,
            total: None,
            total_capped: false,
        }
    }

    /// Builds a page of a list sorted by position from `limit + 1` fetched
    /// rows: the next cursor skips the rows shown so far.
    pub fn from_sorted_rows(mut rows: Vec<T>, req: &PageRequest) -> Self {
        let more = rows.len() as i64 > req.limit;
        rows.truncate(req.limit as usize);
        Page {
            items: rows,
            next_cursor: more.then(|| format!("@{}", req.offset.unwrap_or(0) + req.limit)),
            total: None,
            total_capped: false,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
            total: self.total,
            total_capped: self.total_capped,
        }
    }
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Options for opening a store.
#[derive(Debug, Clone)]
pub struct Options {
    /// SQLite `synchronous`: `FULL` (default) survives power loss; `NORMAL` is
    /// faster and survives a crash of the process only.
    pub sqlite_synchronous: String,
    pub max_connections: u32,
    /// How far a list's first page counts its records ([`COUNT_CAP`]).
    pub count_cap: i64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            sqlite_synchronous: "FULL".into(),
            max_connections: 8,
            count_cap: COUNT_CAP,
        }
    }
}

/// The store: a database and the key that seals personal data.
#[derive(Clone, Debug)]
pub struct Store {
    pub db: Db,
    pub cipher: FieldCipher,
    /// One catch-up of the finding facts at a time ([`findings`]).
    findings_lock: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// How far a list's first page counts ([`Options::count_cap`]).
    count_cap: i64,
}

impl Store {
    /// Opens the database named by `url` and brings its schema up to date.
    pub async fn open(url: &str, cipher: FieldCipher, opts: &Options) -> Result<Store> {
        let db = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            postgres::open(url, opts).await?
        } else if let Some(path) = url.strip_prefix("sqlite:") {
            sqlite::open(path.trim_start_matches("//"), opts).await?
        } else if url.contains("://") {
            let scheme = url.split("://").next().unwrap_or_default();
            return Err(StoreError::BadUrl(format!(
                "不支持的协议「{scheme}」：请使用 sqlite:路径 或 postgres://用户:口令@主机/库名"
            )));
        } else {
            sqlite::open(url, opts).await?
        };
        let store = Store {
            db,
            cipher,
            findings_lock: Default::default(),
            count_cap: opts.count_cap.max(1),
        };
        store.ensure_stats().await?;
        Ok(store)
    }

    pub fn kind(&self) -> Kind {
        self.db.kind()
    }

    /// Answers when the database does.
    pub async fn ping(&self) -> Result<()> {
        self.db
            .scalar::<i64>("SELECT CAST(1 AS BIGINT)", vec![])
            .await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.db.close().await;
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .db
            .scalar::<String>("SELECT value FROM settings WHERE key = $1", args![key])
            .await?)
    }

    pub async fn set_setting(&self, tx: &mut Tx, key: &str, value: &str) -> Result<()> {
        let n = tx
            .execute(
                "UPDATE settings SET value = $2 WHERE key = $1",
                args![key, value],
            )
            .await?;
        if n == 0 {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ($1, $2)",
                args![key, value],
            )
            .await?;
        }
        Ok(())
    }

    /// A consistent copy of the whole database into one SQLite file (`VACUUM INTO`).
    pub async fn backup_sqlite(&self, dest: &str) -> Result<()> {
        match &self.db {
            Db::Sqlite(_) => {
                self.db.execute("VACUUM INTO $1", args![dest]).await?;
                Ok(())
            }
            Db::Postgres(_) => Err(StoreError::Conflict(
                "PostgreSQL 请使用 pg_dump 备份".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_ranges_cover_exactly_the_subtree() {
        let s = Scope::subtree("/1/5/");
        assert!(s.contains("/1/5/"));
        assert!(s.contains("/1/5/23/"));
        assert!(!s.contains("/1/50/"));
        let mut args = vec![Arg::from(7i64)];
        let cond = s.condition("u.path", &mut args);
        assert_eq!(cond, "(u.path >= $2 AND u.path < $3)");
        assert_eq!(args[2], Arg::from("/1/50"));
        // '/1/50/' sorts at or after '/1/50', so it is excluded; '/1/5/9/' before it.
        assert!("/1/50/" >= "/1/50" && "/1/5/9/" < "/1/50");
        assert!(Scope::all().contains("/9/"));
    }

    #[test]
    fn page_request_bounds() {
        assert!(PageRequest::new(Some("abc"), None).is_err());
        assert!(PageRequest::new(None, Some(0)).is_err());
        assert!(PageRequest::new(None, Some(201)).is_err());
        let p = PageRequest::new(Some("42"), Some(2)).expect("ok");
        assert_eq!(p.after, Some(42));
        let page = Page::from_rows(vec![1i64, 2, 3], &p, |x| *x);
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(page.next_cursor.as_deref(), Some("2"));
        let page = Page::from_rows(vec![1i64, 2], &p, |x| *x);
        assert_eq!(page.next_cursor, None);
    }
}

#[cfg(test)]
mod open_tests {
    use super::*;

    #[tokio::test]
    async fn an_unknown_url_scheme_is_named_plainly() {
        let cipher =
            FieldCipher::from_hex(&FieldCipher::generate_key_hex().expect("key")).expect("cipher");
        let err = Store::open("mysql://u:p@localhost/zlc", cipher, &Options::default())
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "数据库地址无效：不支持的协议「mysql」：请使用 sqlite:路径 或 postgres://用户:口令@主机/库名"
        );
    }

    /// A fresh SQLite store in its own directory, removed by the caller.
    async fn temp_store(name: &str) -> (Store, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("zlc-store-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let cipher =
            FieldCipher::from_hex(&FieldCipher::generate_key_hex().expect("key")).expect("cipher");
        let store = Store::open(
            &format!("sqlite:{}", dir.join("t.db").display()),
            cipher,
            &Options::default(),
        )
        .await
        .expect("open");
        (store, dir)
    }

    #[tokio::test]
    async fn sqlite_opens_with_wal_foreign_keys_and_full_sync() {
        let (store, dir) = temp_store("open").await;
        let mode: Option<String> = store
            .db
            .scalar("PRAGMA journal_mode", vec![])
            .await
            .expect("pragma");
        assert_eq!(mode.as_deref(), Some("wal"));
        let fk: Option<i64> = store
            .db
            .scalar("PRAGMA foreign_keys", vec![])
            .await
            .expect("pragma");
        assert_eq!(fk, Some(1));
        let sync: Option<i64> = store
            .db
            .scalar("PRAGMA synchronous", vec![])
            .await
            .expect("pragma");
        assert_eq!(sync, Some(2), "FULL");
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn a_vocabulary_column_reads_as_its_enum_and_an_unknown_code_is_an_error() {
        use zlc_domain::kinds::Mode;
        let (store, dir) = temp_store("vocab").await;
        #[derive(sqlx::FromRow)]
        struct Row {
            mode: Mode,
            maybe: Option<Mode>,
        }
        let r: Row = store
            .db
            .fetch_one("SELECT 'accompany' AS mode, NULL AS maybe", vec![])
            .await
            .expect("read");
        assert_eq!((r.mode, r.maybe), (Mode::Accompany, None));
        let r: Row = store
            .db
            .fetch_one("SELECT 'self' AS mode, 'proxy' AS maybe", vec![])
            .await
            .expect("read");
        assert_eq!(r.maybe, Some(Mode::Proxy));
        let bad = store
            .db
            .fetch_one::<Row>("SELECT 'self' AS mode, 'walk-ish' AS maybe", vec![])
            .await;
        let Err(e) = bad else {
            panic!("an unknown code must not read as a mode")
        };
        assert!(e.to_string().contains("walk-ish"), "{e}");
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
