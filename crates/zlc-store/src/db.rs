//! The two databases behind one handle.
//!
//! Queries are written once, in portable SQL with `$1` placeholders, and run on
//! whichever database the URL chose: [`Db`] for reads on the pool, [`Tx`] for a
//! write's transaction. Arguments go through [`Arg`], rows decode through
//! `sqlx::FromRow`, so a record type serves both. What truly differs per
//! database (connect options, migrations, bulk paths) lives in `sqlite.rs` and
//! `postgres.rs`. An enum rather than a `dyn` trait keeps one copy of every
//! caller and needs no boxed futures.

use sqlx::postgres::{PgArguments, PgPool, PgRow};
use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::sqlite::{SqliteArguments, SqlitePool, SqliteRow};
use sqlx::{Decode, FromRow, Postgres, Sqlite, Transaction, Type};

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// A connection pool on one of the two databases.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open write transaction on one of the two databases.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// One bound query argument. Nullable by construction: `None` binds SQL NULL
/// with the column's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    I64(Option<i64>),
    F64(Option<f64>),
    Text(Option<String>),
    Bool(Option<bool>),
    Bytes(Option<Vec<u8>>),
}

macro_rules! arg_from {
    ($t:ty, $v:ident, $e:expr) => {
        impl From<$t> for Arg {
            fn from($v: $t) -> Arg {
                $e
            }
        }
    };
}
arg_from!(i64, v, Arg::I64(Some(v)));
arg_from!(Option<i64>, v, Arg::I64(v));
arg_from!(i32, v, Arg::I64(Some(i64::from(v))));
arg_from!(Option<i32>, v, Arg::I64(v.map(i64::from)));
arg_from!(f64, v, Arg::F64(Some(v)));
arg_from!(bool, v, Arg::Bool(Some(v)));
arg_from!(Option<bool>, v, Arg::Bool(v));
arg_from!(String, v, Arg::Text(Some(v)));
arg_from!(&String, v, Arg::Text(Some(v.clone())));
arg_from!(&str, v, Arg::Text(Some(v.to_string())));
arg_from!(Option<String>, v, Arg::Text(v));
arg_from!(Option<&str>, v, Arg::Text(v.map(str::to_string)));
arg_from!(&Option<String>, v, Arg::Text(v.clone()));
arg_from!(Vec<u8>, v, Arg::Bytes(Some(v)));
arg_from!(Option<Vec<u8>>, v, Arg::Bytes(v));

/// The closed vocabularies are stored as their codes.
macro_rules! arg_from_code {
    ($($t:ty),* $(,)?) => {$(
        arg_from!($t, v, Arg::Text(Some(v.code().to_string())));
        arg_from!(&$t, v, Arg::Text(Some(v.code().to_string())));
        arg_from!(Option<$t>, v, Arg::Text(v.map(|c| c.code().to_string())));
    )*};
}
arg_from_code!(
    zlc_domain::kinds::ProblemStatus,
    zlc_domain::kinds::Disposition,
    zlc_domain::ledger::ProblemSource,
    zlc_domain::ledger::ProblemCategory,
    zlc_domain::ledger::NeedSource,
    zlc_domain::ledger::NeedStatus,
    zlc_domain::ledger::MeasureStatus,
    zlc_domain::kinds::ActivityKind,
    zlc_domain::kinds::Mode,
    zlc_domain::kinds::Trigger,
    zlc_domain::campaign::PlanStatus,
    zlc_domain::campaign::ActivityStatus,
    zlc_domain::campaign::HalfDay,
    zlc_domain::campaign::Place,
    zlc_domain::files::AttachmentOwner,
);

/// Builds a `Vec<Arg>` from values of mixed types.
#[macro_export]
macro_rules! args {
    ($($e:expr),* $(,)?) => { vec![$($crate::db::Arg::from($e)),*] };
}

/// A row type that decodes from both databases.
pub trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// A single value that decodes from both databases.
pub trait Scalar:
    for<'r> Decode<'r, Sqlite>
    + Type<Sqlite>
    + for<'r> Decode<'r, Postgres>
    + Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
        + Send
        + Unpin
{
}

macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Arg::I64(v) => q.bind(v),
                Arg::F64(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
                Arg::Bool(v) => q.bind(v),
                Arg::Bytes(v) => q.bind(v),
            };
        }
        q
    }};
}

fn sqlite_q(sql: &str, args: Vec<Arg>) -> Query<'_, Sqlite, SqliteArguments<'_>> {
    bind_all!(sqlx::query(sql), args)
}
fn pg_q(sql: &str, args: Vec<Arg>) -> Query<'_, Postgres, PgArguments> {
    bind_all!(sqlx::query(sql), args)
}
fn sqlite_qa<T: Record>(sql: &str, args: Vec<Arg>) -> QueryAs<'_, Sqlite, T, SqliteArguments<'_>> {
    bind_all!(sqlx::query_as(sql), args)
}
fn pg_qa<T: Record>(sql: &str, args: Vec<Arg>) -> QueryAs<'_, Postgres, T, PgArguments> {
    bind_all!(sqlx::query_as(sql), args)
}
fn sqlite_qs<T: Scalar>(
    sql: &str,
    args: Vec<Arg>,
) -> QueryScalar<'_, Sqlite, T, SqliteArguments<'_>> {
    bind_all!(sqlx::query_scalar(sql), args)
}
fn pg_qs<T: Scalar>(sql: &str, args: Vec<Arg>) -> QueryScalar<'_, Postgres, T, PgArguments> {
    bind_all!(sqlx::query_scalar(sql), args)
}

/// The same five operations on a pool and on a transaction.
macro_rules! ops {
    ($self:ident, [$($recv:tt)*], $sq:ident => $s:expr, $pq:ident => $p:expr) => {
        /// Runs a statement; returns the number of rows it touched.
        pub async fn execute($($recv)* $self, sql: &str, args: Vec<Arg>) -> sqlx::Result<u64> {
            match $self {
                Self::Sqlite($sq) => Ok(sqlite_q(sql, args).execute($s).await?.rows_affected()),
                Self::Postgres($pq) => Ok(pg_q(sql, args).execute($p).await?.rows_affected()),
            }
        }

        pub async fn fetch_all<T: Record>($($recv)* $self, sql: &str, args: Vec<Arg>) -> sqlx::Result<Vec<T>> {
            match $self {
                Self::Sqlite($sq) => sqlite_qa(sql, args).fetch_all($s).await,
                Self::Postgres($pq) => pg_qa(sql, args).fetch_all($p).await,
            }
        }

        pub async fn fetch_optional<T: Record>($($recv)* $self, sql: &str, args: Vec<Arg>) -> sqlx::Result<Option<T>> {
            match $self {
                Self::Sqlite($sq) => sqlite_qa(sql, args).fetch_optional($s).await,
                Self::Postgres($pq) => pg_qa(sql, args).fetch_optional($p).await,
            }
        }

        pub async fn fetch_one<T: Record>($($recv)* $self, sql: &str, args: Vec<Arg>) -> sqlx::Result<T> {
            match $self {
                Self::Sqlite($sq) => sqlite_qa(sql, args).fetch_one($s).await,
                Self::Postgres($pq) => pg_qa(sql, args).fetch_one($p).await,
            }
        }

        /// Fetches the first column of the first row, if there is a row.
        pub async fn scalar<T: Scalar>($($recv)* $self, sql: &str, args: Vec<Arg>) -> sqlx::Result<Option<T>> {
            match $self {
                Self::Sqlite($sq) => sqlite_qs(sql, args).fetch_optional($s).await,
                Self::Postgres($pq) => pg_qs(sql, args).fetch_optional($p).await,
            }
        }
    };
}

impl Db {
    pub fn kind(&self) -> Kind {
        match self {
            Db::Sqlite(_) => Kind::Sqlite,
            Db::Postgres(_) => Kind::Postgres,
        }
    }

    /// Begins a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two writers queue on the busy timeout instead of
    /// failing when a read transaction tries to upgrade.
    pub async fn begin(&self) -> sqlx::Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// [`Db::begin`] on a connection closed when the transaction ends, for a
    /// large write that changes its connection's settings (an import grows
    /// SQLite's page cache): however it ends — committed, refused, or
    /// dropped when its client leaves — no pooled connection keeps them.
    pub async fn begin_once(&self) -> sqlx::Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => {
                let mut c = p.acquire().await?;
                c.close_on_drop();
                Tx::Sqlite(sqlx::Transaction::begin(c, Some("BEGIN IMMEDIATE".into())).await?)
            }
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// [`Db::fetch_all`] planned for the values it is given: PostgreSQL
    /// plans an unnamed statement for them each time, where a prepared one
    /// settles after five runs on a generic plan blind to the values (to a
    /// text pattern too short for the trigram index, which it then reads
    /// whole; to the size of a scope's range). SQLite prepares as usual.
    pub async fn fetch_all_planned<T: Record>(
        &self,
        sql: &str,
        args: Vec<Arg>,
    ) -> sqlx::Result<Vec<T>> {
        match self {
            Db::Sqlite(p) => sqlite_qa(sql, args).fetch_all(p).await,
            Db::Postgres(p) => pg_qa(sql, args).persistent(false).fetch_all(p).await,
        }
    }

    /// [`Db::scalar`] planned for its values, as [`Db::fetch_all_planned`].
    pub async fn scalar_planned<T: Scalar>(
        &self,
        sql: &str,
        args: Vec<Arg>,
    ) -> sqlx::Result<Option<T>> {
        match self {
            Db::Sqlite(p) => sqlite_qs(sql, args).fetch_optional(p).await,
            Db::Postgres(p) => pg_qs(sql, args).persistent(false).fetch_optional(p).await,
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }
}

impl Db {
    ops!(self, [&], p => p, p => p);
}

impl Tx {
    ops!(self, [&mut], t => &mut **t, t => &mut **t);

    pub fn kind(&self) -> Kind {
        match self {
            Tx::Sqlite(_) => Kind::Sqlite,
            Tx::Postgres(_) => Kind::Postgres,
        }
    }

    /// Takes row `id` of `table` for this transaction before it is read to be
    /// changed at a version: on PostgreSQL a row lock (`FOR UPDATE`), so that
    /// a concurrent writer of the same row waits, then reads the version this
    /// one wrote and is refused as stale (READ COMMITTED would otherwise let
    /// both pass the check). SQLite's write lock, taken when the transaction
    /// begins (`BEGIN IMMEDIATE`), already serialises writers.
    pub async fn lock_row(&mut self, table: &str, id: i64) -> sqlx::Result<()> {
        if let Tx::Postgres(t) = self {
            sqlx::query(&format!("SELECT 1 FROM {table} WHERE id = $1 FOR UPDATE"))
                .bind(id)
                .execute(&mut **t)
                .await?;
        }
        Ok(())
    }

    /// [`Tx::lock_row`] for several rows, in id order (two writers taking the
    /// same rows never wait on each other in a circle).
    pub async fn lock_rows(&mut self, table: &str, ids: &[i64]) -> sqlx::Result<()> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            self.lock_row(table, id).await?;
        }
        Ok(())
    }

    pub async fn commit(self) -> sqlx::Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }

    /// Undoes everything the transaction wrote (dropping it does too; this says so).
    pub async fn rollback(self) -> sqlx::Result<()> {
        match self {
            Tx::Sqlite(t) => t.rollback().await,
            Tx::Postgres(t) => t.rollback().await,
        }
    }
}
