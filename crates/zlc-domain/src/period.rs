//! Reporting periods (统计期间): a year, a half year, a quarter or a month,
//! written `2024`, `2024H1`, `2024Q1`, `2024-03` everywhere (CLI, API, files).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::registry::vocab;

/// The years a period may name. Four digits keep the text form unambiguous
/// and every date of these years is representable, so date arithmetic on a
/// period cannot fail.
pub const YEARS: std::ops::RangeInclusive<i32> = 1000..=9999;

vocab!(
    /// 期间类型 period kind: how long a period is
    PeriodKind {
        Month = "month", "月" | "每月" | "月度";
        Quarter = "quarter", "季度" | "每季度" | "季";
        Half = "half", "半年" | "每半年";
        Year = "year", "年" | "每年" | "年度";
    }
);

impl PeriodKind {
    /// How many periods of this kind make a year.
    pub fn per_year(self) -> u32 {
        match self {
            PeriodKind::Month => 12,
            PeriodKind::Quarter => 4,
            PeriodKind::Half => 2,
            PeriodKind::Year => 1,
        }
    }

    /// Length in months.
    pub fn months(self) -> u32 {
        12 / self.per_year()
    }
}

/// 统计期间 reporting period.
///
/// The variants are public for matching; build them with [`Period::parse`] or
/// the checked constructors. A hand-built out-of-range part (`Quarter(2024, 5)`)
/// is clamped into range by the date methods instead of panicking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// 年 a calendar year.
    Year(i32),
    /// 半年 1 = 上半年 (Jan–Jun), 2 = 下半年 (Jul–Dec).
    Half(i32, u8),
    /// 季度 1..=4.
    Quarter(i32, u8),
    /// 月 1..=12.
    Month(i32, u32),
}

/// 期间格式错误 the text is not a period.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("期间「{text}」无效：应为 2024、2024H1、2024Q1 或 2024-03")]
pub struct PeriodError {
    /// The text that was given.
    pub text: String,
}

impl PeriodError {
    fn new(text: &str) -> Self {
        PeriodError {
            text: text.to_string(),
        }
    }
}

/// A date that is valid by construction: callers pass a clamped year, a month
/// in 1..=12 and a day no later than the month's last day.
fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    // Cannot fail: year is within YEARS (far inside chrono's range), month is
    // 1..=12 and day is at most days_in_month(year, month).
    NaiveDate::from_ymd_opt(year, month, day).expect("clamped date is valid")
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in a month (1..=12) of a year.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn clamp_year(y: i32) -> i32 {
    y.clamp(*YEARS.start(), *YEARS.end())
}

/// Parses exactly four ASCII digits.
fn parse_year(s: &str) -> Option<i32> {
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = s.parse().ok()?;
        YEARS.contains(&y).then_some(y)
    } else {
        None
    }
}

impl Period {
    /// Parses `2024`, `2024H1`/`2024H2`, `2024Q1`..`2024Q4` or `2024-03`.
    /// Nothing else is accepted: no spaces, no lower case, no one-digit month.
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let err = || PeriodError::new(text);
        if !text.is_ascii() || text.len() < 4 {
            return Err(err());
        }
        let (y, rest) = text.split_at(4);
        let year = parse_year(y).ok_or_else(err)?;
        let rest = rest.as_bytes();
        match rest {
            [] => Ok(Period::Year(year)),
            [b'H', h @ b'1'..=b'2'] => Ok(Period::Half(year, h - b'0')),
            [b'Q', q @ b'1'..=b'4'] => Ok(Period::Quarter(year, q - b'0')),
            [b'-', m1 @ b'0'..=b'1', m2 @ b'0'..=b'9'] => {
                let m = u32::from(m1 - b'0') * 10 + u32::from(m2 - b'0');
                if (1..=12).contains(&m) {
                    Ok(Period::Month(year, m))
                } else {
                    Err(err())
                }
            }
            _ => Err(err()),
        }
    }

    /// The checked constructor of a year.
    pub fn year(year: i32) -> Option<Period> {
        YEARS.contains(&year).then_some(Period::Year(year))
    }

    /// The checked constructor of a half year (1 or 2).
    pub fn half(year: i32, half: u8) -> Option<Period> {
        (YEARS.contains(&year) && (1..=2).contains(&half)).then_some(Period::Half(year, half))
    }

    /// The checked constructor of a quarter (1..=4).
    pub fn quarter(year: i32, quarter: u8) -> Option<Period> {
        (YEARS.contains(&year) && (1..=4).contains(&quarter))
            .then_some(Period::Quarter(year, quarter))
    }

    /// The checked constructor of a month (1..=12).
    pub fn month(year: i32, month: u32) -> Option<Period> {
        (YEARS.contains(&year) && (1..=12).contains(&month)).then_some(Period::Month(year, month))
    }

    /// The period of `kind` that contains `date` (a date outside [`YEARS`] is
    /// taken as the nearest supported year).
    pub fn of(kind: PeriodKind, date: NaiveDate) -> Period {
        let y = clamp_year(date.year());
        let m = if y == date.year() {
            date.month()
        } else if date.year() < y {
            1
        } else {
            12
        };
        match kind {
            PeriodKind::Year => Period::Year(y),
            // m is 1..=12, so the quotient is 0..=1 / 0..=3 and fits u8.
            PeriodKind::Half => Period::Half(y, ((m - 1) / 6 + 1) as u8),
            PeriodKind::Quarter => Period::Quarter(y, ((m - 1) / 3 + 1) as u8),
            PeriodKind::Month => Period::Month(y, m),
        }
    }

    /// The quarter that contains `date`.
    pub fn quarter_of(date: NaiveDate) -> Period {
        Period::of(PeriodKind::Quarter, date)
    }

    /// The month that contains `date`.
    pub fn month_of(date: NaiveDate) -> Period {
        Period::of(PeriodKind::Month, date)
    }

    /// The year that contains `date`.
    pub fn year_of(date: NaiveDate) -> Period {
        Period::of(PeriodKind::Year, date)
    }

    /// The half year that contains `date`.
    pub fn half_of(date: NaiveDate) -> Period {
        Period::of(PeriodKind::Half, date)
    }

    /// How long the period is.
    pub fn kind(self) -> PeriodKind {
        match self {
            Period::Year(_) => PeriodKind::Year,
            Period::Half(..) => PeriodKind::Half,
            Period::Quarter(..) => PeriodKind::Quarter,
            Period::Month(..) => PeriodKind::Month,
        }
    }

    /// The calendar year the period lies in.
    pub fn year_number(self) -> i32 {
        match self {
            Period::Year(y) | Period::Half(y, _) | Period::Quarter(y, _) | Period::Month(y, _) => {
                clamp_year(y)
            }
        }
    }

    /// Position inside the year, 1-based (a year is 1 of 1).
    pub fn index(self) -> u32 {
        match self {
            Period::Year(_) => 1,
            Period::Half(_, h) => u32::from(h.clamp(1, 2)),
            Period::Quarter(_, q) => u32::from(q.clamp(1, 4)),
            Period::Month(_, m) => m.clamp(1, 12),
        }
    }

    /// First month (1..=12).
    pub fn first_month(self) -> u32 {
        (self.index() - 1) * self.kind().months() + 1
    }

    /// Last month (1..=12).
    pub fn last_month(self) -> u32 {
        self.index() * self.kind().months()
    }

    /// First day.
    pub fn start(self) -> NaiveDate {
        ymd(self.year_number(), self.first_month(), 1)
    }

    /// Last day (inclusive).
    pub fn end(self) -> NaiveDate {
        let (y, m) = (self.year_number(), self.last_month());
        ymd(y, m, days_in_month(y, m))
    }

    /// Whether `date` lies in the period.
    pub fn contains(self, date: NaiveDate) -> bool {
        self.start() <= date && date <= self.end()
    }

    /// Whether `other` lies entirely in this period.
    pub fn contains_period(self, other: Period) -> bool {
        self.start() <= other.start() && other.end() <= self.end()
    }

    /// The months inside the period, in order.
    pub fn months(self) -> Vec<Period> {
        let y = self.year_number();
        (self.first_month()..=self.last_month())
            .map(|m| Period::Month(y, m))
            .collect()
    }

    /// The periods of `kind` inside this period, in order; empty when `kind`
    /// is longer than this period.
    pub fn split(self, kind: PeriodKind) -> Vec<Period> {
        if kind.months() > self.kind().months() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut p = Period::of(kind, self.start());
        while self.contains_period(p) {
            out.push(p);
            if p.end() >= self.end() {
                break;
            }
            p = p.next();
        }
        out
    }

    /// The period of the same kind just before (saturates at year 1000).
    pub fn previous(self) -> Period {
        let y = self.year_number();
        let i = self.index();
        if i > 1 {
            self.with_index(y, i - 1)
        } else if y > *YEARS.start() {
            self.with_index(y - 1, self.kind().per_year())
        } else {
            self.with_index(y, i)
        }
    }

    /// The period of the same kind just after (saturates at year 9999).
    pub fn next(self) -> Period {
        let y = self.year_number();
        let i = self.index();
        if i < self.kind().per_year() {
            self.with_index(y, i + 1)
        } else if y < *YEARS.end() {
            self.with_index(y + 1, 1)
        } else {
            self.with_index(y, i)
        }
    }

    fn with_index(self, year: i32, index: u32) -> Period {
        match self {
            Period::Year(_) => Period::Year(year),
            // index never exceeds per_year (2 or 4), so it fits u8.
            Period::Half(..) => Period::Half(year, index as u8),
            Period::Quarter(..) => Period::Quarter(year, index as u8),
            Period::Month(..) => Period::Month(year, index),
        }
    }

    /// The Chinese name: 2024年、2024年上半年、2024年第一季度、2024年3月.
    pub fn label_zh(self) -> String {
        let y = self.year_number();
        match self {
            Period::Year(_) => format!("{y}年"),
            Period::Half(..) => {
                let h = if self.index() == 1 {
                    "上半年"
                } else {
                    "下半年"
                };
                format!("{y}年{h}")
            }
            Period::Quarter(..) => {
                let q = ["一", "二", "三", "四"][(self.index() - 1) as usize];
                format!("{y}年第{q}季度")
            }
            Period::Month(..) => format!("{y}年{}月", self.index()),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let y = self.year_number();
        match self {
            Period::Year(_) => write!(f, "{y}"),
            Period::Half(..) => write!(f, "{y}H{}", self.index()),
            Period::Quarter(..) => write!(f, "{y}Q{}", self.index()),
            Period::Month(..) => write!(f, "{y}-{:02}", self.index()),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Period::parse(s)
    }
}

/// Earlier start first; of two periods starting together the longer one first
/// (2024, 2024H1, 2024Q1, 2024-01), so a sorted list reads like a report's index.
impl Ord for Period {
    fn cmp(&self, other: &Self) -> Ordering {
        self.start()
            .cmp(&other.start())
            .then_with(|| other.end().cmp(&self.end()))
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Period::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test reports failure
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    #[test]
    fn parses_the_four_forms() {
        assert_eq!(p("2024"), Period::Year(2024));
        assert_eq!(p("2024H1"), Period::Half(2024, 1));
        assert_eq!(p("2024H2"), Period::Half(2024, 2));
        assert_eq!(p("2024Q1"), Period::Quarter(2024, 1));
        assert_eq!(p("2024Q4"), Period::Quarter(2024, 4));
        assert_eq!(p("2024-03"), Period::Month(2024, 3));
        assert_eq!(p("2024-12"), Period::Month(2024, 12));
    }

    #[test]
    fn rejects_everything_else_naming_the_text() {
        for bad in [
            "",
            "24",
            "202",
            "20241",
            "2024Q5",
            "2024Q0",
            "2024H3",
            "2024h1",
            "2024q1",
            "2024-3",
            "2024-13",
            "2024-00",
            "2024-1a",
            " 2024",
            "2024 ",
            "2024-03-01",
            "２０２４",
            "0999",
            "+202",
            "2024Q",
            "2024H",
            "2024年",
            "-2024",
        ] {
            let e = Period::parse(bad).unwrap_err();
            assert_eq!(e.text, bad);
            assert!(e.to_string().contains(&format!("「{bad}」")), "{e}");
        }
        assert_eq!(
            Period::parse("2024Q5").unwrap_err().to_string(),
            "期间「2024Q5」无效：应为 2024、2024H1、2024Q1 或 2024-03"
        );
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "2024", "2024H1", "2024H2", "2024Q3", "2024-01", "2024-10", "1000", "9999-12",
        ] {
            assert_eq!(p(s).to_string(), s);
            assert_eq!(s.parse::<Period>().unwrap(), p(s));
        }
    }

    #[test]
    fn bounds_are_inclusive_and_exact() {
        assert_eq!(p("2024").start(), d(2024, 1, 1));
        assert_eq!(p("2024").end(), d(2024, 12, 31));
        assert_eq!(p("2024H1").end(), d(2024, 6, 30));
        assert_eq!(p("2024H2").start(), d(2024, 7, 1));
        assert_eq!(p("2024Q1").end(), d(2024, 3, 31));
        assert_eq!(p("2024Q2").start(), d(2024, 4, 1));
        assert_eq!(p("2024Q2").end(), d(2024, 6, 30));
        assert_eq!(p("2024Q4").end(), d(2024, 12, 31));
        assert_eq!(p("2024-02").end(), d(2024, 2, 29));
        assert_eq!(p("2023-02").end(), d(2023, 2, 28));
        assert_eq!(p("2100-02").end(), d(2100, 2, 28));
        assert_eq!(p("2000-02").end(), d(2000, 2, 29));
        assert_eq!(p("2024-04").end(), d(2024, 4, 30));
        assert!(p("2024Q1").contains(d(2024, 3, 31)));
        assert!(!p("2024Q1").contains(d(2024, 4, 1)));
        assert!(p("2024").contains_period(p("2024Q3")));
        assert!(!p("2024Q3").contains_period(p("2024")));
    }

    #[test]
    fn months_and_split() {
        let names: Vec<String> = p("2024Q2").months().iter().map(|m| m.to_string()).collect();
        assert_eq!(names, ["2024-04", "2024-05", "2024-06"]);
        assert_eq!(p("2024").months().len(), 12);
        assert_eq!(p("2024-07").months(), vec![p("2024-07")]);
        assert_eq!(
            p("2024H2").split(PeriodKind::Quarter),
            vec![p("2024Q3"), p("2024Q4")]
        );
        assert_eq!(
            p("2024").split(PeriodKind::Half),
            vec![p("2024H1"), p("2024H2")]
        );
        assert_eq!(p("2024").split(PeriodKind::Year), vec![p("2024")]);
        assert!(p("2024Q1").split(PeriodKind::Year).is_empty());
    }

    #[test]
    fn periods_of_a_date() {
        assert_eq!(Period::quarter_of(d(2024, 3, 31)), p("2024Q1"));
        assert_eq!(Period::quarter_of(d(2024, 4, 1)), p("2024Q2"));
        assert_eq!(Period::quarter_of(d(2024, 12, 31)), p("2024Q4"));
        assert_eq!(Period::month_of(d(2024, 2, 29)), p("2024-02"));
        assert_eq!(Period::half_of(d(2024, 7, 1)), p("2024H2"));
        assert_eq!(Period::year_of(d(2024, 7, 1)), p("2024"));
    }

    #[test]
    fn previous_and_next_cross_years() {
        assert_eq!(p("2024Q1").previous(), p("2023Q4"));
        assert_eq!(p("2023Q4").next(), p("2024Q1"));
        assert_eq!(p("2024-01").previous(), p("2023-12"));
        assert_eq!(p("2024-12").next(), p("2025-01"));
        assert_eq!(p("2024H2").next(), p("2025H1"));
        assert_eq!(p("2024H1").previous(), p("2023H2"));
        assert_eq!(p("2024").next(), p("2025"));
        assert_eq!(p("2024").previous(), p("2023"));
        assert_eq!(p("9999Q4").next(), p("9999Q4"));
        assert_eq!(p("1000-01").previous(), p("1000-01"));
    }

    #[test]
    fn chinese_labels() {
        assert_eq!(p("2024").label_zh(), "2024年");
        assert_eq!(p("2024H1").label_zh(), "2024年上半年");
        assert_eq!(p("2024H2").label_zh(), "2024年下半年");
        assert_eq!(p("2024Q1").label_zh(), "2024年第一季度");
        assert_eq!(p("2024Q4").label_zh(), "2024年第四季度");
        assert_eq!(p("2024-03").label_zh(), "2024年3月");
        assert_eq!(p("2024-11").label_zh(), "2024年11月");
    }

    #[test]
    fn hand_built_out_of_range_parts_do_not_panic() {
        assert_eq!(Period::Quarter(2024, 5).end(), d(2024, 12, 31));
        assert_eq!(Period::Month(2024, 0).start(), d(2024, 1, 1));
        assert_eq!(Period::Year(20000).start(), d(9999, 1, 1));
        assert!(Period::quarter(2024, 5).is_none());
        assert!(Period::month(2024, 13).is_none());
        assert!(Period::half(2024, 0).is_none());
        assert!(Period::year(10000).is_none());
        assert_eq!(Period::month(2024, 3), Some(p("2024-03")));
    }

    #[test]
    fn ordering_reads_like_an_index() {
        let mut v = [
            p("2024-01"),
            p("2024Q1"),
            p("2023Q4"),
            p("2024"),
            p("2024H1"),
        ];
        v.sort();
        let s: Vec<String> = v.iter().map(|x| x.to_string()).collect();
        assert_eq!(s, ["2023Q4", "2024", "2024H1", "2024Q1", "2024-01"]);
    }

    #[test]
    fn serde_uses_the_canonical_string() {
        assert_eq!(serde_json::to_string(&p("2024Q1")).unwrap(), "\"2024Q1\"");
        let back: Period = serde_json::from_str("\"2024-03\"").unwrap();
        assert_eq!(back, p("2024-03"));
        let err = serde_json::from_str::<Period>("\"2024Q9\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("期间「2024Q9」无效"), "{err}");
    }

    #[test]
    fn period_kinds() {
        assert_eq!(PeriodKind::parse("每季度"), Some(PeriodKind::Quarter));
        assert_eq!(PeriodKind::parse("half"), Some(PeriodKind::Half));
        assert_eq!(PeriodKind::Quarter.months(), 3);
        assert_eq!(p("2024H2").kind(), PeriodKind::Half);
        assert_eq!(p("2024Q3").first_month(), 7);
        assert_eq!(p("2024Q3").last_month(), 9);
    }
}
