//! The databases a benchmark runs on: `ZLC_BENCH_DATABASES` (comma-separated,
//! `sqlite` by default; `postgres` uses the server of `ZLC_BENCH_PG_URL`, an
//! admin URL such as `scripts/pg-up.sh` prints), each in a data set of its own.

/// The values of a comma-separated variable, or of `default`.
pub fn list(var: &str, default: &str) -> Vec<String> {
    std::env::var(var)
        .unwrap_or_else(|_| default.into())
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The URL of a PostgreSQL database named `name` on the benchmark's server.
pub fn pg_url(name: &str) -> anyhow::Result<String> {
    let admin = std::env::var("ZLC_BENCH_PG_URL").map_err(|_| {
        anyhow::anyhow!("ZLC_BENCH_PG_URL is needed for postgres (scripts/pg-up.sh prints one)")
    })?;
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    Ok(format!("{base}/{name}"))
}

/// A fresh PostgreSQL database for the URL's last path segment.
pub async fn recreate_pg(url: &str) -> anyhow::Result<()> {
    use sqlx::Executor;
    let (base, name) = url
        .rsplit_once('/')
        .ok_or_else(|| anyhow::anyhow!("bad url"))?;
    let admin = sqlx::PgPool::connect(&format!("{base}/postgres")).await?;
    admin
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await?;
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await?;
    admin.close().await;
    Ok(())
}
