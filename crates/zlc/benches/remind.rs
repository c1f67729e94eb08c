//! 督办 benchmark (not a test; prints figures, asserts nothing).
//!
//! `cargo bench -p zlc --bench remind`
//!
//! For each scale it generates `zlc demo --scale SCALE --seed 1` into a fresh
//! SQLite data directory (as of `ZLC_DEMO_TODAY`, default 2024-10-08, the
//! working day after National Day), then runs the day's reminders the way an
//! operator or the server's daily task does, each as its own process:
//! `zlc remind --date DAY --dry-run` (reads every open duty up to the
//! horizon, computes its ladder, writes nothing), then `zlc remind --date DAY`
//! (records each rung, the messages, the timeline steps, the digests owed),
//! then the same again (the day is done: nothing is sent twice), then the
//! next working day (an ordinary day once the backlog is out). It prints
//! the wall time, the reminders and the peak resident memory of each.
//!
//! Scales: `ZLC_BENCH_SCALES` (comma-separated), default `city,province`;
//! `ZLC_BENCH_EXISTING=DIR` measures the data set in DIR instead of
//! generating the last scale (the national demo takes about an hour and a
//! half to generate here, so it is measured that way). Target from the 督办
//! issue: the national daily run under 60 s on a 2-core machine, memory
//! bounded; measured 48.4 s (first run, 558,486 rungs, 258 MB) and 22.2 s
//! (next working day, 129,243 rungs, 185 MB).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `zlc ARGS` on `dir`, polling its peak resident set (VmHWM).
fn timed(dir: &Path, args: &[&str]) -> anyhow::Result<(Duration, u64, String, String)> {
    let t = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_zlc"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("ZLC_ADMIN_PASSWORD", "Bench-Admin-2024!x")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let status = format!("/proc/{}/status", child.id());
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let watch = {
        let peak = peak.clone();
        std::thread::spawn(move || {
            while let Ok(s) = std::fs::read_to_string(&status) {
                if let Some(kb) = s
                    .lines()
                    .find_map(|l| l.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                {
                    peak.fetch_max(kb, std::sync::atomic::Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let out = child.wait_with_output()?;
    let took = t.elapsed();
    let _ = watch.join();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        anyhow::bail!("zlc {args:?} failed: {stderr}");
    }
    Ok((
        took,
        peak.load(std::sync::atomic::Ordering::Relaxed) / 1024,
        stdout,
        stderr,
    ))
}

fn measure(scale: &str, last: bool, day: &str) -> anyhow::Result<()> {
    let existing = std::env::var("ZLC_BENCH_EXISTING").ok().filter(|_| last);
    let dir = match &existing {
        Some(d) => std::path::PathBuf::from(d),
        None => std::env::temp_dir().join(format!("zlc-remind-{scale}-{}", std::process::id())),
    };
    if existing.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let t = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_zlc"))
            .arg("--data-dir")
            .arg(&dir)
            .args(["demo", "--scale", scale, "--seed", "1"])
            .env("ZLC_DEMO_TODAY", day)
            .env("ZLC_ADMIN_PASSWORD", "Bench-Admin-2024!x")
            .output()?;
        if !out.status.success() {
            anyhow::bail!("demo failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        println!(
            "{scale}: demo generated in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    // The working day after: what an ordinary day sends once the backlog of
    // the first run is out.
    let next = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").map(|d| {
        zlc_domain::calendar::WorkCalendar::builtin()
            .next_working_day(d)
            .to_string()
    })?;
    for (label, args) in [
        ("dry run", vec!["remind", "--date", day, "--dry-run"]),
        ("run", vec!["remind", "--date", day]),
        ("again", vec!["remind", "--date", day]),
        ("next day", vec!["remind", "--date", next.as_str()]),
    ] {
        let (took, peak_mb, stdout, _) = timed(&dir, &args)?;
        println!(
            "{scale} {label:<8} {:>8.2} s  {:>7} reminders  peak RSS {:>5} MB",
            took.as_secs_f64(),
            stdout.lines().count(),
            peak_mb
        );
    }
    if existing.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let scales = std::env::var("ZLC_BENCH_SCALES").unwrap_or_else(|_| "city,province".into());
    let day = std::env::var("ZLC_DEMO_TODAY").unwrap_or_else(|_| "2024-10-08".into());
    let scales: Vec<&str> = scales
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    println!(
        "督办 daily run, SQLite, as of {day} ({} cores)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    for (i, s) in scales.iter().enumerate() {
        measure(s, i + 1 == scales.len(), &day)?;
    }
    Ok(())
}
