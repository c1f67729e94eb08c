//! What people really type into the seeds' tables (interface.md): marks
//! written `√ ✓ ✔ 是 1`, dates as `2024.3.5`, `2024-03-05`, `2024年3月5日`,
//! `3月5日上午` or Excel serial numbers, headers broken over lines, empty
//! and `...` rows.

use chrono::{Datelike, Duration, NaiveDate};
use zlc_domain::campaign::plan::HalfDay;

/// One cell as read from a sheet: its text, or the number Excel stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    /// A cell Excel formats as a date: the date itself.
    Date(NaiveDate),
}

impl Value {
    /// The cell as text, trimmed (numbers without a trailing `.0`).
    pub fn text(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(s) => s.trim().to_string(),
            Value::Number(n) => number_text(*n),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    pub fn is_blank(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A header as it is compared: without spaces, line breaks and the
/// difference between full- and half-width brackets and colons.
pub fn normalize_header(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            '“' | '”' | '"' => '"',
            c => c,
        })
        .collect()
}

/// Whether a cell is a mark that something applies: `√ ✓ ✔ ☑ 是 1 Y`.
pub fn is_mark(v: &Value) -> bool {
    match v {
        Value::Number(n) => *n == 1.0,
        Value::Text(s) => matches!(
            s.trim(),
            "√" | "✓" | "✔" | "☑" | "✅" | "是" | "1" | "Y" | "y" | "V" | "v" | "●" | "有"
        ),
        _ => false,
    }
}

/// Whether a cell, once trimmed, is only a placeholder: `...`, `……`, `… …`.
pub fn is_placeholder(s: &str) -> bool {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    !t.is_empty()
        && t.chars()
            .all(|c| matches!(c, '.' | '…' | '。' | '、' | '·'))
}

/// The Excel serial date (1900 system) as a date.
pub fn from_serial(n: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_465.0).contains(&n) {
        return None;
    }
    // Serial 60 is the 29 February 1900 that never was; Excel counts it.
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let days = n.floor() as i64;
    let days = if days < 60 { days + 1 } else { days };
    base.checked_add_signed(Duration::days(days))
}

/// Reads a date as people write it. `year` is the year to assume when the
/// cell gives only month and day (from the period or the 填报时间 line).
/// Returns the date and the half-day written after it, if any
/// (`3月5日上午`).
pub fn parse_date(v: &Value, year: Option<i32>) -> Result<(NaiveDate, Option<HalfDay>), String> {
    match v {
        Value::Date(d) => Ok((*d, None)),
        Value::Number(n) => {
            // 20240305 typed as a number is a date too.
            let i = *n as i64;
            if n.fract() == 0.0 && (19_000_101..=21_001_231).contains(&i) {
                return ymd(
                    (i / 10_000) as i32,
                    (i / 100 % 100) as u32,
                    (i % 100) as u32,
                )
                .map(|d| (d, None))
                .ok_or_else(|| format!("无法识别的日期「{i}」"));
            }
            from_serial(*n)
                .map(|d| (d, None))
                .ok_or_else(|| format!("无法识别的日期「{}」", number_text(*n)))
        }
        Value::Text(s) => parse_date_text(s, year),
        Value::Empty => Err("不能为空".into()),
    }
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// A date cell of the ledger and the window statistics, with what is
/// written after the date to tell walks of one day apart: 上午 / 下午, a
/// time (`14:30`) or `第2次` (returned without brackets or spaces).
pub fn parse_date_slot(
    v: &Value,
    year: Option<i32>,
) -> Result<(NaiveDate, Option<String>), String> {
    match v {
        Value::Text(s) => {
            let (date, rest) = date_and_rest(s, year)?;
            let slot: String = rest
                .chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '（' | '）'))
                .map(|c| if c == '：' { ':' } else { c })
                .collect();
            if slot.is_empty() {
                return Ok((date, None));
            }
            let time = slot.split_once(':').is_some_and(|(h, m)| {
                h.parse::<u32>().is_ok_and(|h| h < 24)
                    && m.get(..2)
                        .and_then(|m| m.parse::<u32>().ok())
                        .is_some_and(|m| m < 60)
            });
            let nth = slot
                .strip_prefix('第')
                .and_then(|x| x.strip_suffix('次'))
                .is_some_and(|n| n.parse::<u32>().is_ok_and(|n| n > 0));
            let half = ["上午", "下午", "全天", "全日", "中午", "晚上"].contains(&slot.as_str());
            if time || nth || half {
                Ok((date, Some(slot)))
            } else {
                Err(format!("无法识别的日期「{}」", s.trim()))
            }
        }
        other => parse_date(other, year).map(|(d, _)| (d, None)),
    }
}

fn parse_date_text(raw: &str, year: Option<i32>) -> Result<(NaiveDate, Option<HalfDay>), String> {
    let (date, rest) = date_and_rest(raw, year)?;
    let slot = match rest.as_str() {
        "" => None,
        r if r.starts_with("上午") => Some(HalfDay::Am),
        r if r.starts_with("下午") => Some(HalfDay::Pm),
        r if r.starts_with("全天") || r.starts_with("全日") => Some(HalfDay::Day),
        _ => return Err(format!("无法识别的日期「{}」", raw.trim())),
    };
    Ok((date, slot))
}

/// The digit groups of a text and what follows the last one.
fn date_and_rest(raw: &str, year: Option<i32>) -> Result<(NaiveDate, String), String> {
    let s = raw.trim();
    let bad = || format!("无法识别的日期「{s}」");
    if s.is_empty() {
        return Err("不能为空".into());
    }
    // Full-width digits are common in pasted text.
    let s_norm: String = s
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect();
    let mut groups: Vec<u32> = Vec::new();
    let mut cur = String::new();
    let mut rest_at = s_norm.len();
    for (i, c) in s_norm.char_indices() {
        if c.is_ascii_digit() && groups.len() < 3 {
            cur.push(c);
            continue;
        }
        if !cur.is_empty() {
            groups.push(cur.parse().map_err(|_| bad())?);
            cur.clear();
        }
        let separator = matches!(c, '.' | '-' | '/' | '年' | '月' | ' ' | '．' | '—' | '－');
        if !separator || groups.len() == 3 {
            // What follows the date (日, 上午…) is read below.
            if groups.len() < 2 {
                return Err(bad());
            }
            rest_at = i;
            break;
        }
    }
    if !cur.is_empty() {
        groups.push(cur.parse().map_err(|_| bad())?);
    }
    let rest = s_norm
        .get(rest_at..)
        .unwrap_or("")
        .trim_start_matches(['日', '号'])
        .trim()
        .to_string();
    let date = match groups.as_slice() {
        [y, m, d] if *y >= 1900 => ymd(*y as i32, *m, *d),
        // 24.3.5
        [y, m, d] if *y < 100 => ymd(2000 + *y as i32, *m, *d),
        [m, d] => {
            let y =
                year.ok_or_else(|| format!("日期「{s}」没有年份，且无法从期间或填报时间推定"))?;
            ymd(y, *m, *d)
        }
        [n] if *n >= 19_000_101 => ymd((*n / 10_000) as i32, *n / 100 % 100, *n % 100),
        _ => None,
    };
    date.map(|d| (d, rest)).ok_or_else(bad)
}

/// The year a 填报时间 line or a period gives, for dates written without one.
pub fn year_of(d: Option<NaiveDate>) -> Option<i32> {
    d.map(|d| d.year())
}

/// Reads a whole number (人次): `12`, `12人次`, `12.0`.
pub fn parse_count(v: &Value) -> Result<i64, String> {
    match v {
        Value::Empty => Ok(0),
        Value::Number(n) if n.fract() == 0.0 && *n >= 0.0 => Ok(*n as i64),
        Value::Number(n) => Err(format!("应为非负整数，而不是「{}」", number_text(*n))),
        Value::Date(_) => Err("应为非负整数，而不是日期".into()),
        Value::Text(s) => {
            let t = s
                .trim()
                .trim_end_matches("人次")
                .trim_end_matches('人')
                .trim();
            if t.is_empty() {
                return Ok(0);
            }
            t.parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| format!("应为非负整数，而不是「{}」", s.trim()))
        }
    }
}

/// Text of a cell, `None` when blank or a placeholder.
pub fn opt_text(v: &Value) -> Option<String> {
    let t = v.text();
    (!t.is_empty() && !is_placeholder(&t)).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }
    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).expect("date")
    }

    #[test]
    fn dates_as_people_write_them() {
        for s in [
            "2024.3.5",
            "2024-03-05",
            "2024/3/5",
            "2024年3月5日",
            "2024年03月05日",
            "24.3.5",
            "２０２４年３月５日",
            "20240305",
        ] {
            assert_eq!(
                parse_date(&t(s), None).map(|x| x.0),
                Ok(d(2024, 3, 5)),
                "{s}"
            );
        }
        assert_eq!(
            parse_date(&t("3月5日上午"), Some(2024)),
            Ok((d(2024, 3, 5), Some(HalfDay::Am)))
        );
        assert_eq!(
            parse_date(&t("2024.3.5下午"), None),
            Ok((d(2024, 3, 5), Some(HalfDay::Pm)))
        );
        assert_eq!(
            parse_date(&Value::Number(45356.0), None).map(|x| x.0),
            Ok(d(2024, 3, 5))
        );
        assert_eq!(
            parse_date(&Value::Date(d(2024, 3, 5)), None).map(|x| x.0),
            Ok(d(2024, 3, 5))
        );
    }

    #[test]
    fn bad_dates_say_what_was_written() {
        assert_eq!(
            parse_date(&t("2024.13.5"), None),
            Err("无法识别的日期「2024.13.5」".into())
        );
        assert_eq!(
            parse_date(&t("下周"), None),
            Err("无法识别的日期「下周」".into())
        );
        assert!(
            parse_date(&t("3月5日"), None)
                .unwrap_err()
                .contains("没有年份")
        );
        assert_eq!(parse_date(&Value::Empty, None), Err("不能为空".into()));
        assert!(parse_date(&t("2024.3.5 随便"), None).is_err());
    }

    #[test]
    fn walks_of_one_day_told_apart_after_the_date() {
        let slot = |s: &str| parse_date_slot(&t(s), Some(2024));
        assert_eq!(slot("2024年3月5日"), Ok((d(2024, 3, 5), None)));
        assert_eq!(
            slot("2024年3月5日（第2次）"),
            Ok((d(2024, 3, 5), Some("第2次".into())))
        );
        assert_eq!(slot("3月5日下午"), Ok((d(2024, 3, 5), Some("下午".into()))));
        assert_eq!(
            slot("2024-03-05 14：30"),
            Ok((d(2024, 3, 5), Some("14:30".into())))
        );
        assert_eq!(
            parse_date_slot(&Value::Date(d(2024, 3, 5)), None),
            Ok((d(2024, 3, 5), None))
        );
        assert!(slot("2024.3.5 随便").is_err());
        assert!(slot("2024.3.5 第零次").is_err());
    }

    #[test]
    fn serial_numbers_count_like_excel() {
        assert_eq!(from_serial(1.0), Some(d(1900, 1, 1)));
        assert_eq!(from_serial(61.0), Some(d(1900, 3, 1)));
        assert_eq!(from_serial(45292.0), Some(d(2024, 1, 1)));
        assert_eq!(from_serial(-3.0), None);
    }

    #[test]
    fn marks() {
        for s in ["√", "✓", "✔", "是", "1", " √ "] {
            assert!(is_mark(&t(s)), "{s}");
        }
        assert!(is_mark(&Value::Number(1.0)));
        for s in ["", "否", "0", "无"] {
            assert!(!is_mark(&t(s)), "{s}");
        }
        assert!(!is_mark(&Value::Number(0.0)));
    }

    #[test]
    fn headers_compare_without_layout() {
        assert_eq!(normalize_header("流程人员\n及职务"), "流程人员及职务");
        assert_eq!(
            normalize_header("接待企业群众 （人次）"),
            "接待企业群众(人次)"
        );
        assert_eq!(normalize_header("填报单位（盖章）："), "填报单位(盖章):");
    }

    #[test]
    fn placeholders_and_counts() {
        assert!(is_placeholder("..."));
        assert!(is_placeholder("… …"));
        assert!(is_placeholder("......"));
        assert!(!is_placeholder("1"));
        assert!(!is_placeholder(""));
        assert_eq!(parse_count(&t("12人次")), Ok(12));
        assert_eq!(parse_count(&Value::Number(7.0)), Ok(7));
        assert_eq!(parse_count(&Value::Empty), Ok(0));
        assert!(parse_count(&t("很多")).unwrap_err().contains("很多"));
        assert!(parse_count(&Value::Number(2.5)).is_err());
    }
}
