//! Campaign benchmark (not a test; prints figures, asserts nothing).
//!
//! `cargo bench -p zlc --bench campaign`
//!
//! For each scale it runs `zlc demo --scale SCALE --seed 1` into a fresh
//! temporary data directory (SQLite) and prints the generation time and rate,
//! then times the quarterly report of the root over the last full quarter
//! (`zlc_server::reports::build`, median of 3 after one warm-up) and, at the
//! largest scale, a filtered problem list page (`Store::list_problems` with a
//! unit subtree + status + period filter, limit 50; median of 25 over
//! different units).
//!
//! Scales: `ZLC_BENCH_SCALES` (comma-separated), default `city,national`;
//! national takes several minutes and ~10 GB of disk. `ZLC_DEMO_TODAY`
//! pins the demo's "today". `ZLC_BENCH_EXISTING=DIR` skips generating the
//! last scale and measures the data set already in DIR (kept afterwards);
//! `ZLC_BENCH_KEEP=1` keeps each generated data set and prints where it is. Targets from issue 3: the quarterly report under
//! 1 s at national scale on SQLite, a filtered list page under 20 ms.

use std::path::Path;
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

async fn measure(scale: &str, list: bool) -> anyhow::Result<()> {
    let existing = std::env::var("ZLC_BENCH_EXISTING").ok().filter(|_| list);
    let dir = match &existing {
        Some(d) => std::path::PathBuf::from(d),
        None => std::env::temp_dir().join(format!("zlc-bench-{scale}-{}", std::process::id())),
    };
    let t = Instant::now();
    if existing.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let out = Command::new(env!("CARGO_BIN_EXE_zlc"))
            .args([
                "--data-dir",
                &dir.to_string_lossy(),
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
                "zlc demo --scale {scale} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let key = std::fs::read_to_string(dir.join("zlc.key"))?;
    let store = Store::open(
        &format!("sqlite:{}", dir.join("zlc.db").display()),
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
    let acts: i64 = store
        .db
        .scalar("SELECT COUNT(*) FROM activities", vec![])
        .await?
        .unwrap_or(0);
    let probs: i64 = store
        .db
        .scalar("SELECT COUNT(*) FROM problems", vec![])
        .await?
        .unwrap_or(0);
    if existing.is_some() {
        println!(
            "{scale}: existing data set in {}: {rows} rows, {acts} activities, {probs} problems, database {:.2} GB",
            dir.display(),
            dir_size(&dir) as f64 / 1e9
        );
    } else {
        println!(
            "{scale}: demo generation {secs:.1} s, {rows} rows ({:.0} rows/s), {acts} activities, {probs} problems, database {:.2} GB",
            rows as f64 / secs,
            dir_size(&dir) as f64 / 1e9
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
    let mut times = Vec::new();
    let mut report = None;
    for k in 0..4 {
        let t = Instant::now();
        let r = zlc_app::reports::build(&store, &policy, &root, quarter, today).await?;
        if k > 0 {
            times.push(t.elapsed());
        }
        report = Some(r);
    }
    let r = report.ok_or_else(|| anyhow::anyhow!("no report"))?;
    println!(
        "{scale}: quarterly report {quarter} of {} with its findings and grades: median {:.3} s ({} activities, {} problems found, {} solved, {} unit rows, {} findings)",
        root.name,
        median(times).as_secs_f64(),
        r.activities,
        r.problems_found,
        r.problems_solved,
        r.units.len(),
        r.findings.len()
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
        let mut times = Vec::new();
        let mut n = 0;
        for k in 0..4 {
            let t = Instant::now();
            let f = zlc_app::reports::findings(&store, &policy, &unit, quarter, today).await?;
            if k > 0 {
                times.push(t.elapsed());
            }
            n = f.len();
        }
        println!(
            "{scale}: findings of {} for {quarter}: median {:.3} s ({n} findings)",
            unit.name,
            median(times).as_secs_f64()
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
            "{scale}: filtered problem list page (unit subtree + status + {quarter}, limit 50): median {:.1} ms over {} units ({found} rows returned)",
            median(times).as_secs_f64() * 1000.0,
            units.len()
        );
    }
    store.close().await;
    if std::env::var_os("ZLC_BENCH_KEEP").is_some() {
        println!("{scale}: data set kept in {}", dir.display());
    } else if existing.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let scales = std::env::var("ZLC_BENCH_SCALES").unwrap_or_else(|_| "city,national".into());
    let scales: Vec<&str> = scales
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    for (k, s) in scales.iter().enumerate() {
        rt.block_on(measure(s, k + 1 == scales.len()))?;
    }
    Ok(())
}
