//! 时钟 the one clock every use case, handler and the daily 督办 run reads
//! "now" and "today" from: the local clock, or — for drills and tests that
//! must run a given day — `ZLC_CLOCK=YYYY-MM-DD[THH:MM[:SS]]`, a local time
//! the clock starts at when the process starts and runs on from.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use std::sync::OnceLock;
use std::time::Instant;

/// `ZLC_CLOCK` as read once: the start it names and when the process read it.
static START: OnceLock<Result<Option<(NaiveDateTime, Instant)>, String>> = OnceLock::new();

fn start() -> &'static Result<Option<(NaiveDateTime, Instant)>, String> {
    START.get_or_init(|| match std::env::var("ZLC_CLOCK") {
        Ok(s) if !s.trim().is_empty() => parse(s.trim())
            .map(|at| Some((at, Instant::now())))
            .ok_or_else(|| {
                format!("ZLC_CLOCK 应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM[:SS]，而不是「{s}」")
            }),
        _ => Ok(None),
    })
}

fn parse(s: &str) -> Option<NaiveDateTime> {
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d.and_time(NaiveTime::MIN));
    }
    [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
}

/// Checks `ZLC_CLOCK` once at start-up, so that a mistyped one stops the
/// command with its reason instead of being ignored.
pub fn check() -> Result<(), String> {
    start().as_ref().map(|_| ()).map_err(Clone::clone)
}

/// The local date and time now.
pub fn now() -> NaiveDateTime {
    match start() {
        Ok(Some((at, since))) => {
            *at + chrono::TimeDelta::from_std(since.elapsed()).unwrap_or_default()
        }
        _ => chrono::Local::now().naive_local(),
    }
}

/// The local date today.
pub fn today() -> NaiveDate {
    now().date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_setting_is_a_date_or_a_date_and_time() {
        let d = NaiveDate::from_ymd_opt(2024, 10, 8).expect("date");
        assert_eq!(parse("2024-10-08"), Some(d.and_time(NaiveTime::MIN)));
        assert_eq!(parse("2024-10-08T09:30"), d.and_hms_opt(9, 30, 0));
        assert_eq!(parse("2024-10-08 09:30:15"), d.and_hms_opt(9, 30, 15));
        assert_eq!(parse("2024-13-08"), None);
        assert_eq!(parse("10/08/2024"), None);
    }
}
