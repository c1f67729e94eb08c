//! The Chinese working-day calendar (工作日历): weekends, statutory holidays
//! (法定节假日) and the weekend days worked in exchange (调休上班).
//!
//! Every deadline of the campaign that the seeds give "in days" is counted
//! here: filing within 3 days (seed 003), 限期整改 deadlines, reminders.
//!
//! # Deadline semantics
//! "Within N working days after day D" is [`WorkCalendar::add_working_days`]
//! `(D, N)`: the N-th working day strictly after D. D itself never counts,
//! whether or not it is a working day, so an activity on Saturday with a
//! 3-day filing rule is due on Wednesday, and one on 2024-09-30 (before the
//! National Day week) is due on 2024-10-10. The deadline day is inclusive:
//! filing on it is on time. [`WorkCalendar::working_days_between`] is the
//! inverse: `working_days_between(D, add_working_days(D, N)) == N` for N ≥ 1.
//!
//! # Coverage
//! The table lists the special days of the years in
//! [`WorkCalendar::covered_years`]. Outside them only weekends are days off:
//! holidays of a year the State Council has not announced yet are unknown,
//! and deadlines there count Monday to Friday.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::{Bound, RangeInclusive};
use std::sync::OnceLock;

/// The calendar shipped with the program, 2022–2026.
const BUILTIN_TSV: &str = include_str!("../../../calendar/cn-holidays.tsv");

/// The header line of the TSV format.
pub const TSV_HEADER: &str = "date\tkind\tholiday";

/// 特殊日类型 kind of a special day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DayKind {
    /// 放假 a day off (a weekday or a weekend day inside a holiday period).
    Holiday,
    /// 调休上班 a weekend day that is worked.
    Workday,
}

impl DayKind {
    /// The code written in the TSV file.
    pub fn code(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            DayKind::Holiday => "放假",
            DayKind::Workday => "调休上班",
        }
    }

    pub fn parse(s: &str) -> Option<DayKind> {
        match s {
            "holiday" | "放假" => Some(DayKind::Holiday),
            "workday" | "调休上班" | "上班" => Some(DayKind::Workday),
            _ => None,
        }
    }
}

/// 特殊日 one line of the calendar: a holiday or a make-up workday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpecialDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// The holiday it belongs to (春节, 国庆节…); for a workday, the holiday
    /// it makes up for.
    pub name: String,
}

/// 日历文件错误 a malformed line of the calendar file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("工作日历第 {line} 行：{message}")]
pub struct CalendarError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong, in Chinese.
    pub message: String,
}

/// 工作日历 Chinese working-day calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    days: BTreeMap<NaiveDate, SpecialDay>,
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Monday to Friday in (a, b], a ≤ b, by whole weeks plus a remainder.
fn weekdays_between(a: NaiveDate, b: NaiveDate) -> i64 {
    let span = (b - a).num_days();
    let mut count = span / 7 * 5;
    // a + whole weeks stays within [a, b], so the addition cannot overflow.
    let mut d = a + chrono::Days::new((span / 7 * 7) as u64);
    while d < b {
        match d.succ_opt() {
            Some(n) => d = n,
            None => break,
        }
        if !is_weekend(d) {
            count += 1;
        }
    }
    count
}

impl WorkCalendar {
    /// A calendar without special days: Monday to Friday are working days.
    pub fn weekends_only() -> WorkCalendar {
        WorkCalendar::default()
    }

    /// The calendar shipped with the program (calendar/cn-holidays.tsv).
    pub fn builtin() -> &'static WorkCalendar {
        static BUILTIN: OnceLock<WorkCalendar> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            // The embedded file is checked by the test `builtin_file_parses`;
            // should an edit ever break it, weekends still count rather than
            // the program refusing to start.
            WorkCalendar::parse_tsv(BUILTIN_TSV).unwrap_or_default()
        })
    }

    /// Reads the TSV format: a `date<TAB>kind<TAB>holiday` header, then one
    /// line per special day `2024-02-10<TAB>holiday<TAB>春节`. Lines starting
    /// with `#` and blank lines are skipped. A `holiday` may fall on any day;
    /// a `workday` must be a Saturday or Sunday (a weekday is worked anyway).
    /// Returns the first error, naming its 1-based line.
    pub fn parse_tsv(src: &str) -> Result<WorkCalendar, CalendarError> {
        let mut days = BTreeMap::new();
        let mut header_seen = false;
        for (i, raw) in src.lines().enumerate() {
            let line = i + 1;
            let text = raw.trim_end_matches('\r');
            if text.trim().is_empty() || text.trim_start().starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = text.split('\t').map(str::trim).collect();
            if !header_seen {
                header_seen = true;
                if fields.first() == Some(&"date") {
                    if fields != ["date", "kind", "holiday"] {
                        return Err(CalendarError {
                            line,
                            message: format!(
                                "表头应为「date、kind、holiday」三列（以制表符分隔），实际为「{}」",
                                fields.join("、")
                            ),
                        });
                    }
                    continue;
                }
            }
            let err = |message: String| CalendarError { line, message };
            if fields.len() != 3 {
                return Err(err(format!(
                    "应有 3 列（日期、类型、节日名称，以制表符分隔），实际有 {} 列",
                    fields.len()
                )));
            }
            // Only as written back (to_tsv): `+21024-1-1` parses too, and a
            // calendar holding it would be saved as text that reads no more.
            let date = NaiveDate::parse_from_str(fields[0], "%Y-%m-%d")
                .ok()
                .filter(|d| d.format("%Y-%m-%d").to_string() == fields[0])
                .ok_or_else(|| err(format!("日期「{}」无效，应写作 2024-02-10", fields[0])))?;
            let kind = DayKind::parse(fields[1]).ok_or_else(|| {
                err(format!(
                    "类型「{}」无效，应为 holiday（放假）或 workday（调休上班）",
                    fields[1]
                ))
            })?;
            let name = fields[2];
            if name.is_empty() {
                return Err(err("缺少节日名称".to_string()));
            }
            if kind == DayKind::Workday && !is_weekend(date) {
                return Err(err(format!(
                    "{date} 是工作日（{}），无需列为调休上班",
                    weekday_zh(date.weekday())
                )));
            }
            if days.contains_key(&date) {
                return Err(err(format!("日期 {date} 重复")));
            }
            days.insert(
                date,
                SpecialDay {
                    date,
                    kind,
                    name: name.to_string(),
                },
            );
        }
        Ok(WorkCalendar { days })
    }

    /// Writes the TSV format back (header and one line per special day), so an
    /// edited calendar can be saved in the same shape it was read.
    pub fn to_tsv(&self) -> String {
        let mut out = String::from(TSV_HEADER);
        out.push('\n');
        for d in self.days.values() {
            out.push_str(&format!("{}\t{}\t{}\n", d.date, d.kind.code(), d.name));
        }
        out
    }

    /// Whether people work on `date`: a listed make-up workday, or a Monday to
    /// Friday that is not a listed holiday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.days.get(&date) {
            Some(s) => s.kind == DayKind::Workday,
            None => !is_weekend(date),
        }
    }

    /// The holiday `date` belongs to, when it is a listed day off.
    pub fn holiday_name(&self, date: NaiveDate) -> Option<&str> {
        self.days
            .get(&date)
            .filter(|s| s.kind == DayKind::Holiday)
            .map(|s| s.name.as_str())
    }

    /// The special day listed for `date`, if any.
    pub fn special_day(&self, date: NaiveDate) -> Option<&SpecialDay> {
        self.days.get(&date)
    }

    /// The first working day strictly after `date`. Saturates at the last
    /// date chrono can represent.
    pub fn next_working_day(&self, date: NaiveDate) -> NaiveDate {
        self.add_working_days(date, 1)
    }

    /// The last working day strictly before `date`.
    pub fn previous_working_day(&self, date: NaiveDate) -> NaiveDate {
        self.add_working_days(date, -1)
    }

    /// Moves `n` working days from `date` (see the module's deadline
    /// semantics): n > 0 is the n-th working day strictly after `date`; n < 0
    /// the |n|-th strictly before; n = 0 is `date` itself when it is a working
    /// day, else the next working day. Saturates at chrono's date range.
    pub fn add_working_days(&self, date: NaiveDate, n: i64) -> NaiveDate {
        if n == 0 {
            return if self.is_working_day(date) {
                date
            } else {
                self.add_working_days(date, 1)
            };
        }
        let forward = n > 0;
        let mut left = n.unsigned_abs();
        let mut d = date;
        while left > 0 {
            // Past the last (before the first) special day every 7 calendar
            // days hold exactly 5 working days: jump whole weeks.
            let plain_ahead = if forward {
                self.days
                    .range((Bound::Excluded(d), Bound::Unbounded))
                    .next()
                    .is_none()
            } else {
                self.days.range(..d).next_back().is_none()
            };
            if plain_ahead && left > 5 {
                let weeks = (left - 1) / 5;
                let jump = chrono::Days::new(weeks * 7);
                let next = if forward {
                    d.checked_add_days(jump)
                } else {
                    d.checked_sub_days(jump)
                };
                match next {
                    Some(n) => {
                        d = n;
                        left -= weeks * 5;
                        continue;
                    }
                    None => return d,
                }
            }
            let step = if forward { d.succ_opt() } else { d.pred_opt() };
            match step {
                Some(n) => d = n,
                None => return d,
            }
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days in (a, b]; negative (the count in (b, a]) when b < a.
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        if b < a {
            return -self.working_days_between(b, a);
        }
        let mut count = weekdays_between(a, b);
        for s in self
            .days
            .range((Bound::Excluded(a), Bound::Included(b)))
            .map(|(_, s)| s)
        {
            match (s.kind, is_weekend(s.date)) {
                (DayKind::Holiday, false) => count -= 1,
                (DayKind::Workday, true) => count += 1,
                _ => {}
            }
        }
        count
    }

    /// The years the table lists special days for; `None` when it is empty.
    /// Outside these years only weekends are days off.
    pub fn covered_years(&self) -> Option<RangeInclusive<i32>> {
        let first = self.days.keys().next()?.year();
        let last = self.days.keys().next_back()?.year();
        Some(first..=last)
    }

    /// Whether `date` lies in a covered year.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.covered_years()
            .is_some_and(|r| r.contains(&date.year()))
    }

    /// The special days, in date order, for display and editing.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &SpecialDay> + ExactSizeIterator {
        self.days.values()
    }

    /// The special days of one year, in date order.
    pub fn year(&self, year: i32) -> Vec<&SpecialDay> {
        self.days
            .values()
            .filter(|d| d.date.year() == year)
            .collect()
    }

    /// This calendar with the special days of `year` replaced by `days`
    /// (what the 系统 page saves when the State Council announces a year).
    /// An error names the 0-based index of the offending day.
    pub fn with_year(
        &self,
        year: i32,
        days: &[SpecialDay],
    ) -> Result<WorkCalendar, (usize, String)> {
        let mut out: BTreeMap<NaiveDate, SpecialDay> = self
            .days
            .iter()
            .filter(|(d, _)| d.year() != year)
            .map(|(d, s)| (*d, s.clone()))
            .collect();
        let mut seen = std::collections::BTreeSet::new();
        for (i, d) in days.iter().enumerate() {
            if d.date.year() != year {
                return Err((i, format!("{} 不在 {year} 年", d.date)));
            }
            if d.name.trim().is_empty() {
                return Err((i, "缺少节日名称".to_string()));
            }
            if d.kind == DayKind::Workday && !is_weekend(d.date) {
                return Err((
                    i,
                    format!(
                        "{} 是工作日（{}），无需列为调休上班",
                        d.date,
                        weekday_zh(d.date.weekday())
                    ),
                ));
            }
            if !seen.insert(d.date) {
                return Err((i, format!("日期 {} 重复", d.date)));
            }
            out.insert(d.date, d.clone());
        }
        Ok(WorkCalendar { days: out })
    }
}

/// 星期 the Chinese name of a weekday.
pub fn weekday_zh(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

impl fmt::Display for SpecialDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.date, self.name, self.kind.label_zh())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test reports failure
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn cal() -> &'static WorkCalendar {
        WorkCalendar::builtin()
    }

    #[test]
    fn builtin_file_parses() {
        let parsed = WorkCalendar::parse_tsv(BUILTIN_TSV).unwrap();
        assert!(parsed.entries().len() > 150);
        assert_eq!(&parsed, cal());
        assert_eq!(cal().covered_years(), Some(2022..=2026));
    }

    #[test]
    fn spring_festival_2024() {
        for day in 10..=17 {
            let date = d(&format!("2024-02-{day:02}"));
            assert!(!cal().is_working_day(date), "{date}");
            assert_eq!(cal().holiday_name(date), Some("春节"));
        }
        // Sundays worked in exchange.
        assert!(cal().is_working_day(d("2024-02-04")));
        assert!(cal().is_working_day(d("2024-02-18")));
        assert_eq!(cal().holiday_name(d("2024-02-18")), None);
        assert_eq!(
            cal().special_day(d("2024-02-18")).map(|s| s.kind),
            Some(DayKind::Workday)
        );
        assert!(cal().is_working_day(d("2024-02-09")));
        assert!(!cal().is_working_day(d("2024-02-03"))); // an ordinary Saturday
        assert_eq!(cal().next_working_day(d("2024-02-09")), d("2024-02-18"));
        assert_eq!(cal().previous_working_day(d("2024-02-18")), d("2024-02-09"));
    }

    #[test]
    fn national_day_2024() {
        for day in 1..=7 {
            let date = d(&format!("2024-10-{day:02}"));
            assert!(!cal().is_working_day(date), "{date}");
            assert_eq!(cal().holiday_name(date), Some("国庆节"));
        }
        assert!(cal().is_working_day(d("2024-09-29"))); // Sunday worked
        assert!(cal().is_working_day(d("2024-10-12"))); // Saturday worked
        assert!(!cal().is_working_day(d("2024-10-13")));
        assert_eq!(cal().next_working_day(d("2024-09-30")), d("2024-10-08"));
    }

    #[test]
    fn a_deadline_spanning_a_holiday() {
        // 3 working days after Monday 2024-09-30: Oct 8, 9, 10.
        assert_eq!(cal().add_working_days(d("2024-09-30"), 3), d("2024-10-10"));
        assert_eq!(
            cal().working_days_between(d("2024-09-30"), d("2024-10-10")),
            3
        );
        // From the worked Sunday before it: Sep 30, Oct 8, Oct 9.
        assert_eq!(cal().add_working_days(d("2024-09-29"), 3), d("2024-10-09"));
        // 5 working days after 2024-10-08 include the worked Saturday Oct 12.
        assert_eq!(cal().add_working_days(d("2024-10-08"), 5), d("2024-10-14"));
    }

    #[test]
    fn spring_festival_2025() {
        for day in ["2025-01-28", "2025-01-31", "2025-02-03", "2025-02-04"] {
            assert!(!cal().is_working_day(d(day)), "{day}");
        }
        assert!(cal().is_working_day(d("2025-01-26"))); // Sunday worked
        assert!(cal().is_working_day(d("2025-02-08"))); // Saturday worked
        assert!(cal().is_working_day(d("2025-01-27")));
        assert!(cal().is_working_day(d("2025-02-05")));
        assert_eq!(cal().next_working_day(d("2025-01-27")), d("2025-02-05"));
        assert_eq!(cal().add_working_days(d("2025-01-24"), 3), d("2025-02-05"));
        assert_eq!(
            cal().working_days_between(d("2025-01-24"), d("2025-02-08")),
            6
        );
    }

    #[test]
    fn zero_and_negative_offsets() {
        // A working day stays; a day off moves to the next working day.
        assert_eq!(cal().add_working_days(d("2024-10-08"), 0), d("2024-10-08"));
        assert_eq!(cal().add_working_days(d("2024-10-03"), 0), d("2024-10-08"));
        assert_eq!(cal().add_working_days(d("2024-10-08"), -1), d("2024-09-30"));
        assert_eq!(cal().add_working_days(d("2024-10-10"), -3), d("2024-09-30"));
        assert_eq!(
            cal().working_days_between(d("2024-10-10"), d("2024-09-30")),
            -3
        );
        assert_eq!(
            cal().working_days_between(d("2024-10-10"), d("2024-10-10")),
            0
        );
    }

    #[test]
    fn weekends_count_outside_the_covered_years() {
        let c = cal();
        // 2030-01-01 is a Tuesday; no holidays are known for 2030.
        assert!(!c.covers(d("2030-01-01")));
        assert!(c.is_working_day(d("2030-01-01")));
        assert!(!c.is_working_day(d("2030-01-05")));
        // Long jumps use whole weeks and agree with day-by-day counting.
        for n in [1, 4, 5, 6, 10, 11, 250, 1000] {
            for start in ["2030-01-01", "2030-01-05", "2030-01-06", "2021-06-04"] {
                let a = d(start);
                let b = c.add_working_days(a, n);
                assert_eq!(c.working_days_between(a, b), n, "{start} + {n}");
                assert!(c.is_working_day(b));
                let back = c.add_working_days(b, -n);
                assert_eq!(c.working_days_between(back, b), n, "{start} - {n}");
            }
        }
    }

    #[test]
    fn add_and_between_agree_across_the_table() {
        let c = cal();
        let mut a = d("2021-12-20");
        while a < d("2027-01-10") {
            for n in [1, 3, 7, 20] {
                let b = c.add_working_days(a, n);
                assert_eq!(c.working_days_between(a, b), n, "{a} + {n}");
                assert!(c.add_working_days(b, -n) <= a);
            }
            a = a + chrono::Days::new(3);
        }
        // A whole covered year: 2024 had 251 working days.
        assert_eq!(
            c.working_days_between(d("2023-12-31"), d("2024-12-31")),
            251
        );
    }

    #[test]
    fn weekends_only_calendar() {
        let c = WorkCalendar::weekends_only();
        assert_eq!(c.covered_years(), None);
        assert!(c.is_working_day(d("2024-10-01")));
        assert_eq!(c.add_working_days(d("2024-09-27"), 1), d("2024-09-30"));
        assert_eq!(c.working_days_between(d("2024-09-27"), d("2024-10-07")), 6);
    }

    #[test]
    fn tsv_round_trips() {
        let c = cal();
        let again = WorkCalendar::parse_tsv(&c.to_tsv()).unwrap();
        assert_eq!(&again, c);
        let first = c.entries().next().unwrap();
        assert_eq!(first.to_string(), "2022-01-01 元旦 放假");
    }

    #[test]
    fn parsing_skips_comments_blank_lines_and_crlf() {
        let src = "# comment\r\n\r\ndate\tkind\tholiday\r\n# another\r\n2024-10-01\tholiday\t国庆节\r\n2024-10-12\tworkday\t国庆节\r\n";
        let c = WorkCalendar::parse_tsv(src).unwrap();
        assert_eq!(c.entries().len(), 2);
        assert_eq!(c.holiday_name(d("2024-10-01")), Some("国庆节"));
        // Without a header the first line is data.
        let c = WorkCalendar::parse_tsv("2024-10-01\tholiday\t国庆节").unwrap();
        assert_eq!(c.entries().len(), 1);
    }

    fn error_of(src: &str) -> CalendarError {
        WorkCalendar::parse_tsv(src).unwrap_err()
    }

    #[test]
    fn malformed_lines_name_the_line_and_the_fault() {
        let head = "# c\ndate\tkind\tholiday\n";
        let e = error_of(&format!("{head}2024-10-01 holiday 国庆节\n"));
        assert_eq!(e.line, 3);
        assert!(e.message.contains("应有 3 列"), "{e}");

        let e = error_of(&format!(
            "{head}2024-10-01\tholiday\t国庆节\n2024-13-01\tholiday\t国庆节\n"
        ));
        assert_eq!(e.line, 4);
        assert!(e.message.contains("日期「2024-13-01」无效"), "{e}");

        let e = error_of(&format!("{head}2024-1-1\tholiday\t元旦\n"));
        assert!(e.message.contains("日期「2024-1-1」无效"), "{e}");

        let e = error_of(&format!("{head}2024-10-01\toff\t国庆节\n"));
        assert!(e.message.contains("类型「off」无效"), "{e}");

        let e = error_of(&format!("{head}2024-10-01\tholiday\t\n"));
        assert!(e.message.contains("缺少节日名称"), "{e}");

        let e = error_of(&format!("{head}2024-10-08\tworkday\t国庆节\n"));
        assert!(e.message.contains("星期二"), "{e}");

        let e = error_of(&format!(
            "{head}2024-10-01\tholiday\t国庆节\n2024-10-01\tholiday\t国庆节\n"
        ));
        assert_eq!(e.line, 4);
        assert!(e.message.contains("重复"), "{e}");

        let e = error_of("date\tkind\n");
        assert_eq!(e.line, 1);
        assert!(e.message.contains("表头"), "{e}");
        assert_eq!(e.to_string(), format!("工作日历第 1 行：{}", e.message));
    }
}

#[cfg(test)]
mod year_edit_tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn day(date: &str, kind: DayKind, name: &str) -> SpecialDay {
        SpecialDay {
            date: d(date),
            kind,
            name: name.into(),
        }
    }

    #[test]
    fn a_year_is_replaced_and_the_others_kept() {
        let base = WorkCalendar::builtin();
        // 2027: not announced in the shipped file; the 系统 page enters it.
        assert!(base.is_working_day(d("2027-10-04")));
        let edited = base
            .with_year(
                2027,
                &[
                    day("2027-10-04", DayKind::Holiday, "国庆节"),
                    day("2027-09-26", DayKind::Workday, "国庆节"),
                ],
            )
            .expect("valid");
        assert!(!edited.is_working_day(d("2027-10-04")));
        assert!(edited.is_working_day(d("2027-09-26")), "a Sunday worked");
        assert_eq!(edited.year(2027).len(), 2);
        assert_eq!(edited.year(2024), base.year(2024), "other years untouched");
        // Replacing 2024 with nothing makes 2024-10-01 an ordinary Tuesday.
        let cleared = base.with_year(2024, &[]).expect("valid");
        assert!(cleared.is_working_day(d("2024-10-01")));
    }

    #[test]
    fn bad_days_are_named_by_index() {
        let base = WorkCalendar::builtin();
        let e = base
            .with_year(
                2027,
                &[
                    day("2027-01-01", DayKind::Holiday, "元旦"),
                    day("2027-01-04", DayKind::Workday, "元旦"),
                ],
            )
            .expect_err("a Monday cannot be a make-up workday");
        assert_eq!(e.0, 1);
        assert!(e.1.contains("无需列为调休上班"), "{}", e.1);
        let e = base
            .with_year(2027, &[day("2028-01-01", DayKind::Holiday, "元旦")])
            .expect_err("wrong year");
        assert_eq!(e.0, 0);
        let e = base
            .with_year(
                2027,
                &[
                    day("2027-01-01", DayKind::Holiday, "元旦"),
                    day("2027-01-01", DayKind::Holiday, "元旦"),
                ],
            )
            .expect_err("duplicate");
        assert_eq!(e.0, 1);
    }
}
