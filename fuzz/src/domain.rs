//! The text formats zlc-domain reads from outside: the working-day calendar
//! (TSV, uploaded by an administrator or read from a file), the policy
//! (TOML) and periods (`2024Q1`, from URLs and the command line).
//!
//! Shared by the fuzz targets `csv_import`, `policy_parse` and
//! `period_parse` and the stable replay test
//! crates/zlc-domain/tests/fuzz_corpus.rs (included there by path), so both
//! run exactly this code. Bytes that are not UTF-8 are read lossily, as a
//! server reading an upload as text would.

use zlc_domain::calendar::WorkCalendar;
use zlc_domain::period::Period;
use zlc_domain::policy::Policy;

/// `WorkCalendar::parse_tsv`, the only CSV/TSV reader of the importers:
/// it returns a calendar or the first bad line, never panics; a calendar it
/// reads writes back (`to_tsv`) to text that reads as the same calendar;
/// and its deadlines keep their documented inverse.
pub fn csv_import(data: &[u8]) -> Option<WorkCalendar> {
    let src = String::from_utf8_lossy(data);
    match WorkCalendar::parse_tsv(&src) {
        Ok(cal) => {
            let back = WorkCalendar::parse_tsv(&cal.to_tsv())
                .unwrap_or_else(|e| panic!("the written calendar does not read: {e}"));
            assert_eq!(back, cal, "the calendar changed on its way through to_tsv");
            assert_eq!(cal.covered_years().is_some(), cal.entries().len() > 0);
            // working_days_between(D, add_working_days(D, N)) == N for N ≥ 1,
            // around the first few special days.
            for day in cal.entries().take(4) {
                let before = day.date.pred_opt().and_then(|d| d.pred_opt());
                let Some(d) = before.and_then(|d| d.pred_opt()) else {
                    continue;
                };
                for n in 1..=4 {
                    let due = cal.add_working_days(d, n);
                    assert_eq!(
                        cal.working_days_between(d, due),
                        n,
                        "{n} working days after {d} is {due}"
                    );
                    assert!(cal.is_working_day(due), "{due} is a deadline");
                }
            }
            Some(cal)
        }
        Err(e) => {
            assert!(e.line >= 1, "{e:?}");
            assert!(e.line <= src.lines().count(), "{e:?} is past the end");
            assert!(!e.message.is_empty(), "{e:?}");
            None
        }
    }
}

/// `Policy::from_toml`: a policy, or every problem with a message and a
/// line in the file; never a panic. A policy it reads serde reads too, and
/// it writes back (serde) to TOML that reads as the same policy.
pub fn policy_parse(data: &[u8]) -> Option<Policy> {
    let src = String::from_utf8_lossy(data);
    match Policy::from_toml(&src) {
        Ok(policy) => {
            // The serde types read every file the checked reader takes. (Not
            // always to the same policy: the checked reader trims the words
            // of a list, `"  取消"` is `取消`, where serde keeps them as
            // written — found by this target; the presets' unit test holds
            // the two equal on the files zlc ships.)
            if let Err(e) = toml::from_str::<Policy>(&src) {
                panic!("the checked reader took what serde refuses: {e}");
            }
            // Written back as TOML (where toml can write it), it reads again.
            if let Ok(text) = toml::to_string(&policy) {
                let back: Policy = toml::from_str(&text).unwrap_or_else(|e| {
                    panic!("the written policy does not read: {e}\n--- written:\n{text}")
                });
                assert_eq!(back, policy, "the policy changed on its way through TOML");
            }
            Some(policy)
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "refused without a reason");
            let lines = src.lines().count().max(1);
            for e in errors.iter() {
                assert!(!e.message.is_empty(), "{e:?}");
                assert!(e.line <= lines + 1, "{e:?} is past the end ({lines} lines)");
            }
            None
        }
    }
}

/// `Period::parse`: strict, so a period it reads is its own canonical text;
/// its days and neighbours are consistent.
pub fn period_parse(data: &[u8]) -> Option<Period> {
    let src = String::from_utf8_lossy(data);
    match Period::parse(&src) {
        Ok(p) => {
            assert_eq!(p.to_string(), src, "a period reads only as it is written");
            assert!(p.start() <= p.end());
            assert!(p.contains(p.start()) && p.contains(p.end()));
            let months = p.months();
            assert!(!months.is_empty());
            assert_eq!(months.first().map(|m| m.start()), Some(p.start()));
            assert_eq!(months.last().map(|m| m.end()), Some(p.end()));
            // Neighbours touch (but at the ends of the years supported).
            if p.next() != p {
                assert_eq!(p.end().succ_opt(), Some(p.next().start()));
                assert_eq!(p.next().previous(), p);
            }
            if p.previous() != p {
                assert_eq!(p.previous().end().succ_opt(), Some(p.start()));
            }
            assert!(!p.label_zh().is_empty());
            Some(p)
        }
        Err(e) => {
            assert_eq!(e.text, src);
            None
        }
    }
}
