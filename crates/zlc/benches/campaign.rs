//! Campaign benchmark (not a test; prints figures, asserts nothing).
//!
//! `cargo bench -p zlc --bench campaign`
//!
//! For each scale and database it runs `zlc demo --scale SCALE --seed 1`
//! into a fresh data set (SQLite in a temporary directory; PostgreSQL in a
//! database of its own) and prints the generation time and rate, then, over
//! the last full quarter, each the median of 3 after one warm-up:
//! - the quarterly report of the root with its findings and grades
//!   (`zlc_app::reports::build`), and its statistics table (`build_table`);
//! - the findings of a region one level down;
//! - and, at the largest scale, the list pages a supervisor opens: a
//!   filtered problem list page (unit subtree + status + period, limit 50)
//!   over 25 units, the whole problem list's first page, and text searches
//!   of two and four characters, each with its median and p99 over 25 runs.
//!
//! Scales: `ZLC_BENCH_SCALES` (comma-separated), default `city,national`;
//! national takes an hour and ~15 GB of disk. Databases:
//! `ZLC_BENCH_DATABASES`, default `sqlite`; `postgres` uses the server of
//! `ZLC_BENCH_PG_URL` (an admin URL such as `scripts/pg-up.sh` prints).
//! `ZLC_DEMO_TODAY` pins the demo's "today". `ZLC_BENCH_EXISTING=DIR` skips
//! generating the last scale on SQLite and measures the data set already in
//! DIR (kept afterwards); `ZLC_BENCH_EXISTING_PG=DIR` does the same on
//! PostgreSQL, for a demo generated into the bench's database of that scale
//! (`zlc_bench_SCALE`) with `--data-dir DIR`, which holds its key.
//! `ZLC_BENCH_KEEP=1` keeps each generated data set and prints where it is.

#[path = "common/databases.rs"]
mod databases;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use zlc_domain::period::Period;
use zlc_store::campaign::CampaignFilter;
use zlc_store::crypto::FieldCipher;
use zlc_store::{Options, PageRequest, Scope, Store};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The 99th percentile of `v` (its largest value under 100 samples).
fn p99(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[(v.len() * 99 / 100).min(v.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn dir_size(p: &Path) -> u64 {
    std::fs::read_dir(p)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// Runs `f` once to warm up, then `n` times: the durations.
async fn timed<T, F: AsyncFnMut() -> anyhow::Result<T>>(
    n: usize,
    mut f: F,
) -> anyhow::Result<(Vec<Duration>, T)> {
    let mut last = f().await?;
    let mut times = Vec::new();
    for _ in 0..n {
        let t = Instant::now();
        last = f().await?;
        times.push(t.elapsed());
    }
    Ok((times, last))
}

/// Where the data set of `scale` on `db` lives: the URL and the directory
/// of its data key.
fn target(scale: &str, db: &str, existing: Option<&str>) -> anyhow::Result<(String, PathBuf)> {
    let dir = existing.map_or_else(
        || std::env::temp_dir().join(format!("zlc-bench-{scale}-{db}-{}", std::process::id())),
        PathBuf::from,
    );
    match db {
        "sqlite" => Ok((format!("sqlite:{}", dir.join("zlc.db").display()), dir)),
        "postgres" => Ok((databases::pg_url(&format!("zlc_bench_{scale}"))?, dir)),
        other => anyhow::bail!("unknown database {other}: sqlite or postgres"),
    }
}

async fn measure(scale: &str, db: &str, list: bool) -> anyhow::Result<()> {
    let existing = match db {
        "postgres" => std::env::var("ZLC_BENCH_EXISTING_PG"),
        _ => std::env::var("ZLC_BENCH_EXISTING"),
    }
    .ok()
    .filter(|_| list);
    let (url, dir) = target(scale, db, existing.as_deref())?;
    let t = Instant::now();
    if existing.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        if db == "postgres" {
            databases::recreate_pg(&url).await?;
        }
        let out = Command::new(env!("CARGO_BIN_EXE_zlc"))
            .args([
                "--data-dir",
                &dir.to_string_lossy(),
                "--database-url",
                &url,
                "demo",
                "--scale",
                scale,
                "--seed",
                "1",
            ])
            .env("ZLC_ADMIN_PASSWORD", "Bench-Admin-2024!")
            .output()?;
        if !out.status.success() {
            anyhow::bail!(
                "zlc demo --scale {scale} on {db} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let key = std::fs::read_to_string(dir.join("zlc.key"))?;
    let store = Store::open(
        &url,
        FieldCipher::from_hex(key.trim())?,
        &Options::default(),
    )
    .await?;
    let mut rows = 0i64;
    for t in [
        "units",
        "officials",
        "items",
        "item_figures",
        "plans",
        "plan_officials",
        "plan_items",
        "activities",
        "activity_officials",
        "activity_items",
        "callbacks",
        "problems",
        "problem_events",
        "needs",
        "measures",
    ] {
        rows += store
            .db
            .scalar::<i64>(&format!("SELECT COUNT(*) FROM {t}"), vec![])
            .await?
            .unwrap_or(0);
    }
    let count = async |t: &str| -> anyhow::Result<i64> {
        Ok(store
            .db
            .scalar(&format!("SELECT COUNT(*) FROM {t}"), vec![])
            .await?
            .unwrap_or(0))
    };
    let (acts, probs) = (count("activities").await?, count("problems").await?);
    let at = format!("{scale} {db}");
    let bytes = if db == "sqlite" {
        dir_size(&dir)
    } else {
        store
            .db
            .scalar::<i64>("SELECT pg_database_size(current_database())", vec![])
            .await?
            .unwrap_or(0) as u64
    };
    let size = format!("database {:.2} GB", bytes as f64 / 1e9);
    if existing.is_some() {
        println!(
            "{at}: existing data set ({}): {rows} rows, {acts} activities, {probs} problems, {size}",
            dir.display(),
        );
    } else {
        println!(
            "{at}: demo generation {secs:.1} s, {rows} rows ({:.0} rows/s), {acts} activities, {probs} problems, {size}",
            rows as f64 / secs,
        );
    }

    let today = match std::env::var("ZLC_DEMO_TODAY") {
        Ok(s) => chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")?,
        Err(_) => chrono::Local::now().date_naive(),
    };
    let quarter = Period::quarter_of(today).previous();
    let preset = zlc_domain::policy::preset(zlc_app::setup::DEFAULT_PRESET)
        .ok_or_else(|| anyhow::anyhow!("no default preset"))?;
    let policy = zlc_domain::policy::Policy::from_toml(preset.source)
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let root = store
        .root_units()
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("no root"))?;
    let (times, r) = timed(3, async || {
        Ok(zlc_app::reports::build(&store, &policy, &root, quarter, today).await?)
    })
    .await?;
    println!(
        "{at}: quarterly report {quarter} of {} with its findings and grades: median {:.3} s ({} activities, {} problems found, {} solved, {} unit rows, {} findings)",
        root.name,
        median(times).as_secs_f64(),
        r.activities,
        r.problems_found,
        r.problems_solved,
        r.units.len(),
        r.findings.len()
    );
    let (times, t) = timed(3, async || {
        Ok(zlc_app::reports::build_table(&store, &policy, &root, quarter, today).await?)
    })
    .await?;
    println!(
        "{at}: statistics table {quarter} of {}: median {:.3} s ({} rows)",
        root.name,
        median(times).as_secs_f64(),
        t.rows.len()
    );
    // The findings of a unit one level down (a city of the province, a
    // county of the city): its own rows' findings.
    let below: Vec<(i64,)> = store
        .db
        .fetch_all(
            "SELECT id FROM units WHERE parent_id = $1 AND kind = 'region' ORDER BY id LIMIT 1",
            zlc_store::args![root.id],
        )
        .await?;
    if let Some((id,)) = below.first() {
        let unit = store.unit(&Scope::all(), *id).await?;
        let (times, f) = timed(3, async || {
            Ok(zlc_app::reports::findings(&store, &policy, &unit, quarter, today).await?)
        })
        .await?;
        println!(
            "{at}: findings of {} for {quarter}: median {:.3} s ({} findings)",
            unit.name,
            median(times).as_secs_f64(),
            f.len()
        );
    }

    if list {
        let units: Vec<(i64,)> = store
            .db
            .fetch_all(
                "SELECT id FROM units WHERE kind = 'region' AND depth = 3 ORDER BY id LIMIT 25",
                vec![],
            )
            .await?;
        let units = if units.is_empty() {
            store
                .db
                .fetch_all(
                    "SELECT id FROM units WHERE depth = 1 ORDER BY id LIMIT 25",
                    vec![],
                )
                .await?
        } else {
            units
        };
        let mut times = Vec::new();
        let mut found = 0;
        for (k, (u,)) in units.iter().enumerate() {
            let f = CampaignFilter {
                unit: Some(*u),
                status: Some(["in-progress", "closed", "pending"][k % 3].into()),
                from: Some(quarter.start().to_string()),
                to: Some(quarter.end().to_string()),
                ..Default::default()
            };
            let t = Instant::now();
            let page = store
                .list_problems(&Scope::all(), &f, &PageRequest::new(None, Some(50))?)
                .await?;
            times.push(t.elapsed());
            found += page.items.len();
        }
        println!(
            "{at}: filtered problem list page (unit subtree + status + {quarter}, limit 50): median {:.1} ms, p99 {:.1} ms over {} units ({found} rows returned)",
            ms(median(times.clone())),
            ms(p99(times)),
            units.len()
        );
        // What a supervisor of the whole tree opens: the first page, and searches.
        for (label, q) in [
            ("problem list, first page", None),
            ("text search of two characters (排队)", Some("排队")),
            (
                "text search of four characters (办理时限)",
                Some("办理时限"),
            ),
        ] {
            let f = CampaignFilter {
                q: q.map(str::to_string),
                ..Default::default()
            };
            let (times, page) = timed(25, async || {
                Ok(store
                    .list_problems(&Scope::all(), &f, &PageRequest::new(None, Some(50))?)
                    .await?)
            })
            .await?;
            println!(
                "{at}: {label}, limit 50: median {:.1} ms, p99 {:.1} ms ({} rows, total {}{})",
                ms(median(times.clone())),
                ms(p99(times)),
                page.items.len(),
                if page.total_capped { "more than " } else { "" },
                page.total.unwrap_or(0)
            );
        }
    }
    store.close().await;
    if std::env::var_os("ZLC_BENCH_KEEP").is_some() {
        println!("{at}: data set kept in {} ({url})", dir.display());
    } else if existing.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let scales = databases::list("ZLC_BENCH_SCALES", "city,national");
    let databases = databases::list("ZLC_BENCH_DATABASES", "sqlite");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    for db in &databases {
        for (k, s) in scales.iter().enumerate() {
            rt.block_on(measure(s, db, k + 1 == scales.len()))?;
        }
    }
    Ok(())
}
