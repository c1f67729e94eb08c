//! Office benchmark (not a test; prints figures, asserts nothing).
//!
//! `cargo bench -p zlc --bench office`
//!
//! For each size (`ZLC_BENCH_ROWS`, default `10000,100000,1000000`) and
//! database (`ZLC_BENCH_DATABASES`, default `sqlite`; `postgres` with
//! `ZLC_BENCH_PG_URL`; `ZLC_BENCH_KEEP=1` keeps each size's files and
//! data sets) it:
//! 1. writes a 问题整改台账 of that many rows in the seed's layout, for one
//!    department of the `small` demo (its real officials and items, a
//!    quarter of dates, ~70 % of rows with a problem, some rectified), once
//!    per size, and times calamine alone reading every cell of it;
//! 2. generates the demo into a fresh data set of the database and times
//!    `zlc import ledger` end to end (parse, validate, write, commit) as a
//!    separate process, sampling its peak memory (VmHWM);
//! 3. times `zlc report quarterly` of the department: what the quarter's
//!    notice waits on once the last ledger is in;
//! 4. exports the department's ledger with `zlc export` (time, peak memory);
//! 5. gives the first export to the analyst's way: pandas + openpyxl
//!    reading it and counting the quarter (`benches/pandas_quarterly.py`),
//!    timed; pandas and openpyxl are installed with pip when missing.
//!
//! Then it prints zlc's import and report (the fastest database's) against
//! pandas as a ratio. Targets from issue 15: a 100k-row ledger imported in
//! under 3 s, a 1M-row import under 300 MB, import and report together 10×
//! faster than pandas.

#[path = "common/databases.rs"]
mod databases;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use zlc_domain::kinds::Mode;
use zlc_domain::period::Period;
use zlc_domain::sheets::{LedgerEntry, PersonRef, SheetKind, SheetMeta};
use zlc_office::write::TableWriter;

const ADMIN_PASSWORD: &str = "Bench-Admin-2024!";

fn zlc(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_zlc"));
    c.arg("--data-dir")
        .arg(dir)
        .env("ZLC_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RUST_LOG", "warn")
        .env_remove("ZLC_DATABASE_URL")
        .env_remove("ZLC_DATA_DIR");
    c
}

/// Runs a command to its end, sampling its peak resident memory; returns
/// (wall time, peak MB, stdout).
fn measured(mut cmd: Command) -> anyhow::Result<(Duration, f64, String)> {
    let t = Instant::now();
    // stderr goes to a file: a pipe nobody reads would stall the child.
    let log = tempfile_path("stderr");
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log)?)
        .spawn()?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    let out = loop {
        if let Ok(s) = std::fs::read_to_string(&status_path)
            && let Some(line) = s.lines().find(|l| l.starts_with("VmHWM:"))
        {
            let kb: u64 = line
                .split_whitespace()
                .nth(1)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            peak_kb = peak_kb.max(kb);
        }
        if child.try_wait()?.is_some() {
            break child.wait_with_output()?;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let took = t.elapsed();
    let stderr = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    if !out.status.success() {
        anyhow::bail!(
            "{cmd:?} failed: {}{stderr}",
            String::from_utf8_lossy(&out.stdout),
        );
    }
    Ok((
        took,
        peak_kb as f64 / 1024.0,
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

fn tempfile_path(what: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    std::env::temp_dir().join(format!("zlc-bench-{what}-{}-{n}", std::process::id()))
}

const PROBLEMS: [&str; 10] = [
    "窗口少、排队长",
    "证明材料重复提交",
    "网办流程不畅",
    "中介收费不规范",
    "办事指南与实际要求不一致",
    "自助终端故障",
    "一次性告知不到位",
    "部门间数据未共享，需重复填报",
    "审批环节多、时限长",
    "帮办代办人员不熟悉业务",
];

/// A ledger of `rows` rows for the department, dated over `quarter`.
fn write_ledger(
    path: &Path,
    rows: usize,
    unit: &str,
    people: &[(String, String)],
    items: &[String],
    quarter: Period,
) -> anyhow::Result<()> {
    let mut w = TableWriter::new(SheetKind::Ledger);
    if let Some(dir) = path.parent() {
        w.set_tempdir(dir)?;
    }
    let meta = SheetMeta {
        unit: Some(unit.to_string()),
        date: Some(quarter.end()),
        ..SheetMeta::default()
    };
    w.begin("台账", &meta)?;
    let days = (quarter.end() - quarter.start()).num_days() as usize + 1;
    // The ledger's mode columns (驻窗办、亲身办、陪同办、检验办) less 检验办,
    // which the demo's policy (碑林区) does not run: the import checks each
    // row's mode against the active policy.
    let modes = [Mode::SelfService, Mode::Window, Mode::Accompany];
    // A cheap deterministic generator: the same file for the same size.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut empty = 0usize;
    for i in 0..rows {
        let r = next() % 100;
        // One row in twenty is a walk that found nothing: those are told
        // apart only by day, person, item and form, so they take the
        // combinations in turn and no two are the same row.
        let combos = days * people.len() * items.len() * modes.len();
        let (day, who, item, mode, problem) = if r < 5 && empty < combos {
            let mut k = empty;
            empty += 1;
            let d = k % days;
            k /= days;
            let p = k % people.len();
            k /= people.len();
            let it = k % items.len();
            k /= items.len();
            (d, p, it, k % modes.len(), None)
        } else {
            let text = format!("{}（第{}条）", PROBLEMS[(next() % 10) as usize], i + 1);
            (
                (next() % days as u64) as usize,
                (next() % people.len() as u64) as usize,
                (next() % items.len() as u64) as usize,
                (next() % modes.len() as u64) as usize,
                Some((text, Some("流程设计未从群众视角出发".to_string()))),
            )
        };
        let day = quarter.start() + chrono::Duration::days(day as i64);
        let (name, title) = &people[who];
        let done = match r {
            5..=45 => Some(day + chrono::Duration::days(5).min(quarter.end() - day)),
            46..=55 => Some(quarter.end() + chrono::Duration::days(30)),
            _ => None,
        };
        w.ledger(&LedgerEntry {
            row: 0,
            date: day,
            person: PersonRef {
                name: name.clone(),
                title: title.clone(),
            },
            item: Some(items[item].clone()),
            mode: modes[mode],
            problem: problem.clone(),
            measures: problem
                .as_ref()
                .and(done)
                .map(|_| "优化办事流程，推行告知承诺制".to_string()),
            done_on: problem.as_ref().and(done),
            section: None,
            slot: None,
            deadline: None,
            status: None,
            unit: None,
            seq: Default::default(),
        })?;
    }
    w.end(&meta)?;
    w.save(path)?;
    Ok(())
}

/// Calamine alone reading every cell: the floor an import cannot beat.
fn calamine_floor(path: &Path) -> anyhow::Result<(Duration, u64)> {
    use calamine::{Reader, Xlsx};
    let t = Instant::now();
    let mut book: Xlsx<_> = calamine::open_workbook(path)?;
    let name = book.sheet_names()[0].clone();
    let mut cells = book.worksheet_cells_reader(&name)?;
    let mut n = 0u64;
    while let Some(c) = cells.next_cell()? {
        if !matches!(c.get_value(), calamine::DataRef::Empty) {
            n += 1;
        }
    }
    Ok((t.elapsed(), n))
}

fn ensure_pandas() -> bool {
    let ok = |c: &mut Command| {
        c.stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if ok(Command::new("python3").args(["-c", "import pandas, openpyxl"])) {
        return true;
    }
    eprintln!("installing pandas and openpyxl with pip …");
    ok(Command::new("python3").args(["-m", "pip", "install", "--quiet", "pandas", "openpyxl"]))
}

async fn department(
    url: &str,
    dir: &Path,
) -> anyhow::Result<(String, Vec<(String, String)>, Vec<String>)> {
    let key = std::fs::read_to_string(dir.join("zlc.key"))?;
    let store = zlc_store::Store::open(
        url,
        zlc_store::crypto::FieldCipher::from_hex(key.trim())?,
        &zlc_store::Options::default(),
    )
    .await?;
    let user = store
        .user_by_name("demo-liaison")
        .await?
        .ok_or_else(|| anyhow::anyhow!("no demo liaison"))?;
    let unit = store
        .unit(
            &zlc_store::Scope::all(),
            user.unit_id.ok_or_else(|| anyhow::anyhow!("no unit"))?,
        )
        .await?;
    let people: Vec<(String, String)> = store
        .db
        .fetch_all(
            "SELECT name, title FROM officials WHERE unit_id = $1 ORDER BY id",
            zlc_store::args![unit.id],
        )
        .await?;
    let items: Vec<(String,)> = store
        .db
        .fetch_all(
            "SELECT name FROM items WHERE unit_id = $1 ORDER BY id",
            zlc_store::args![unit.id],
        )
        .await?;
    store.close().await;
    let mut people = people;
    // A few officials the department does not have yet: the import adds them.
    people.extend([
        ("钱八".to_string(), "分管副局长".to_string()),
        ("孙九".to_string(), "审批科科长".to_string()),
    ]);
    let mut items: Vec<String> = items.into_iter().map(|(n,)| n).collect();
    items.extend(["企业开办“一件事”".to_string(), "不动产登记".to_string()]);
    Ok((unit.name, people, items))
}

fn main() -> anyhow::Result<()> {
    let sizes: Vec<usize> = databases::list("ZLC_BENCH_ROWS", "10000,100000,1000000")
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
    let dbs = databases::list("ZLC_BENCH_DATABASES", "sqlite");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let pandas = ensure_pandas();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/pandas_quarterly.py");
    let quarter = Period::quarter_of(chrono::Local::now().date_naive()).previous();
    println!("office benchmark: ledgers of {sizes:?} rows for the quarter {quarter} on {dbs:?}");
    for n in sizes {
        let root: PathBuf =
            std::env::temp_dir().join(format!("zlc-bench-office-{n}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let file = root.join(format!("ledger-{n}.xlsx"));
        // What pandas is timed against: the fastest database's import and report.
        let mut ours: Option<Duration> = None;
        let mut exported: Option<PathBuf> = None;
        for db in &dbs {
            let data = root.join(db);
            std::fs::create_dir_all(&data)?;
            let url = match db.as_str() {
                "sqlite" => format!("sqlite:{}", data.join("zlc.db").display()),
                "postgres" => {
                    let url = databases::pg_url(&format!("zlc_bench_office_{n}"))?;
                    rt.block_on(databases::recreate_pg(&url))?;
                    url
                }
                other => anyhow::bail!("unknown database {other}: sqlite or postgres"),
            };
            let zlc = |dir: &Path| {
                let mut c = zlc(dir);
                c.env("ZLC_DATABASE_URL", &url);
                c
            };
            let out = zlc(&data)
                .args(["demo", "--scale", "small", "--seed", "1"])
                .output()?;
            anyhow::ensure!(
                out.status.success(),
                "demo: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let (unit, people, items) = rt.block_on(department(&url, &data))?;
            if !file.exists() {
                let t = Instant::now();
                write_ledger(&file, n, &unit, &people, &items, quarter)?;
                let size_mb = std::fs::metadata(&file)?.len() as f64 / 1e6;
                println!(
                    "{n} rows: generated {} in {:.1} s ({size_mb:.1} MB)",
                    file.display(),
                    t.elapsed().as_secs_f64()
                );
                let (floor, cells) = calamine_floor(&file)?;
                println!(
                    "{n} rows: calamine alone reads {cells} cells in {:.2} s (the floor)",
                    floor.as_secs_f64()
                );
            }

            let mut cmd = zlc(&data);
            cmd.args([
                "import",
                "ledger",
                file.to_str().unwrap_or_default(),
                "--unit",
                &unit,
            ]);
            let (import, import_mb, said) = measured(cmd)?;
            let secs = import.as_secs_f64();
            println!(
                "{n} rows, {db}: zlc import {:.2} s ({:.0} rows/s), peak memory {import_mb:.0} MB — {}",
                secs,
                n as f64 / secs,
                said.lines().last().unwrap_or_default()
            );

            let mut cmd = zlc(&data);
            cmd.args([
                "report",
                "quarterly",
                "--period",
                &quarter.to_string(),
                "--region",
                &unit,
                "-o",
                "-",
            ]);
            let (report, report_mb, json) = measured(cmd)?;
            let r: serde_json::Value = serde_json::from_str(&json)?;
            println!(
                "{n} rows, {db}: zlc report quarterly {:.2} s (peak {report_mb:.0} MB): {} activities, {} problems found, {} solved",
                report.as_secs_f64(),
                r["activities"],
                r["problems_found"],
                r["problems_solved"]
            );
            println!(
                "{n} rows, {db}: import + report {:.2} s",
                (import + report).as_secs_f64()
            );
            ours = Some(ours.map_or(import + report, |o| o.min(import + report)));

            let file_out = root.join(format!("exported-{db}.xlsx"));
            let mut cmd = zlc(&data);
            cmd.args([
                "export",
                "ledger",
                "--period",
                &quarter.to_string(),
                "--unit",
                &unit,
                "-o",
                file_out.to_str().unwrap_or_default(),
            ]);
            let (export, export_mb, _) = measured(cmd)?;
            println!(
                "{n} rows, {db}: zlc export {:.2} s, peak memory {export_mb:.0} MB",
                export.as_secs_f64()
            );
            exported.get_or_insert(file_out);
        }

        match (pandas, ours, &exported) {
            (true, Some(ours), Some(exported)) => {
                let mut cmd = Command::new("python3");
                cmd.arg(&script)
                    .arg(exported)
                    .arg(quarter.start().to_string())
                    .arg(quarter.end().to_string());
                let (pd, pd_mb, counted) = measured(cmd)?;
                println!(
                    "{n} rows: pandas + openpyxl {:.2} s (peak {pd_mb:.0} MB): {}",
                    pd.as_secs_f64(),
                    counted.trim()
                );
                println!(
                    "{n} rows: zlc import + counts {:.2} s vs pandas {:.2} s: {:.1}× faster",
                    ours.as_secs_f64(),
                    pd.as_secs_f64(),
                    pd.as_secs_f64() / ours.as_secs_f64()
                );
            }
            _ => println!("{n} rows: pandas is not available; the comparison is skipped"),
        }
        if std::env::var_os("ZLC_BENCH_KEEP").is_some() {
            println!("{n} rows: kept {}", root.display());
        } else {
            let _ = std::fs::remove_dir_all(&root);
        }
    }
    Ok(())
}
