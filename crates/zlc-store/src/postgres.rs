//! PostgreSQL: for a region that outgrows one machine.

use crate::{Db, Options, Result};
use sqlx::postgres::PgPoolOptions;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

pub(crate) async fn open(url: &str, opts: &Options) -> Result<Db> {
    let pool = PgPoolOptions::new()
        .max_connections(opts.max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(Db::Postgres(pool))
}
