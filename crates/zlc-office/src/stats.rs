//! 统计表 the monthly statistics of seed 003 四(二) (参与人次、接待企业群众数量、
//! 体验事项数量及内容、参与执法次数及内容、发现和解决问题情况) and the quarterly
//! summary (activities by kind, problems found and solved, overdue, grade),
//! a row per unit and the total, as xlsx.

use crate::OfficeError;
use crate::write::Formats;
use rust_xlsxwriter::{DocProperties, Workbook, Worksheet};
use zlc_domain::report::{StatTable, TableRow};

fn x<E: std::fmt::Display>(e: E) -> OfficeError {
    OfficeError::Write(e.to_string())
}

/// Which table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// 月度统计 (seed 003 四(二)).
    Monthly,
    /// 季度汇总.
    Quarterly,
}

/// A column: its header, the merged group above it (if any), its width and
/// the cell of a row.
struct Col {
    header: &'static str,
    group: Option<&'static str>,
    width: f64,
    value: fn(&TableRow) -> Cell,
}

enum Cell {
    Text(String),
    Int(i64),
    Number(f64),
}

/// 整改率 as a cell: `51.9%`, or `—` when nothing was found.
fn rate_text(rate: Option<f64>) -> String {
    match rate {
        Some(r) => {
            let p = (r * 1000.0).round() / 10.0;
            if p.fract() == 0.0 {
                format!("{p:.0}%")
            } else {
                format!("{p:.1}%")
            }
        }
        None => "—".into(),
    }
}

/// 评分说明: the score's parts, then why the grade.
fn score_text(r: &TableRow) -> String {
    let parts: Vec<String> = r
        .score_parts
        .iter()
        .map(|p| format!("{}{}（{}）", p.label, signed(p.points), p.detail))
        .collect();
    if parts.is_empty() {
        r.grade_reason.clone()
    } else {
        format!("{}；{}", parts.join("，"), r.grade_reason)
    }
}

fn signed(v: f64) -> String {
    let t = if v.fract() == 0.0 {
        format!("{}", v.abs() as i64)
    } else {
        format!("{:.1}", v.abs())
    };
    if v < 0.0 {
        format!("−{t}")
    } else {
        format!("+{t}")
    }
}

/// `a、b、c等N项`.
fn names(list: &[String], total: i64) -> String {
    let shown = list.join("、");
    let more = total - list.len() as i64;
    if more > 0 && !shown.is_empty() {
        format!("{shown}等{total}项")
    } else {
        shown
    }
}

/// 问题(个): found, of those closed, 整改率, 销号旧账 and all closed — one
/// definition for both tables.
fn problem_cols() -> [Col; 5] {
    [
        Col {
            header: "发现",
            group: Some("问题(个)"),
            width: 7.0,
            value: |r| Cell::Int(r.problems_found),
        },
        Col {
            header: "其中已销号",
            group: Some("问题(个)"),
            width: 8.0,
            value: |r| Cell::Int(r.problems_found_closed),
        },
        Col {
            header: "整改率",
            group: Some("问题(个)"),
            width: 8.0,
            value: |r| Cell::Text(rate_text(r.rectification_rate)),
        },
        Col {
            header: "销号旧账",
            group: Some("问题(个)"),
            width: 8.0,
            value: |r| Cell::Int(r.problems_closed_old),
        },
        Col {
            header: "解决",
            group: Some("问题(个)"),
            width: 7.0,
            value: |r| Cell::Int(r.problems_solved),
        },
    ]
}

fn monthly_cols() -> Vec<Col> {
    vec![
        Col {
            header: "单位",
            group: None,
            width: 26.0,
            value: |r| Cell::Text(r.unit.clone()),
        },
        Col {
            header: "参与人次",
            group: None,
            width: 9.0,
            value: |r| Cell::Int(r.participations),
        },
        Col {
            header: "接待企业群众(人次)",
            group: None,
            width: 11.0,
            value: |r| Cell::Int(r.visitors),
        },
        Col {
            header: "数量",
            group: Some("体验事项"),
            width: 7.0,
            value: |r| Cell::Int(r.items_experienced),
        },
        Col {
            header: "内容",
            group: Some("体验事项"),
            width: 34.0,
            value: |r| Cell::Text(names(&r.items, r.items_experienced)),
        },
        Col {
            header: "次数",
            group: Some("参与执法"),
            width: 7.0,
            value: |r| Cell::Int(r.enforce_participations),
        },
        Col {
            header: "内容",
            group: Some("参与执法"),
            width: 28.0,
            value: |r| Cell::Text(r.enforce_content.join("、")),
        },
    ]
    .into_iter()
    .chain(problem_cols())
    .collect()
}

fn quarterly_cols() -> Vec<Col> {
    vec![
        Col {
            header: "单位",
            group: None,
            width: 26.0,
            value: |r| Cell::Text(r.unit.clone()),
        },
        Col {
            header: "走流程",
            group: Some("活动次数"),
            width: 8.0,
            value: |r| Cell::Int(r.by_kind.walk),
        },
        Col {
            header: "坐窗口",
            group: Some("活动次数"),
            width: 8.0,
            value: |r| Cell::Int(r.by_kind.window),
        },
        Col {
            header: "检验办",
            group: Some("活动次数"),
            width: 8.0,
            value: |r| Cell::Int(r.by_kind.inspect),
        },
        Col {
            header: "跟执法",
            group: Some("活动次数"),
            width: 8.0,
            value: |r| Cell::Int(r.by_kind.enforce),
        },
        Col {
            header: "处投诉",
            group: Some("活动次数"),
            width: 8.0,
            value: |r| Cell::Int(r.by_kind.complaint),
        },
        Col {
            header: "合计",
            group: Some("活动次数"),
            width: 8.0,
            value: |r| Cell::Int(r.activities),
        },
        Col {
            header: "参与人次",
            group: None,
            width: 9.0,
            value: |r| Cell::Int(r.participations),
        },
        Col {
            header: "接待企业群众(人次)",
            group: None,
            width: 11.0,
            value: |r| Cell::Int(r.visitors),
        },
    ]
    .into_iter()
    .chain(problem_cols())
    .chain([
        Col {
            header: "逾期未整改",
            group: Some("问题(个)"),
            width: 9.0,
            value: |r| Cell::Int(r.overdue),
        },
        Col {
            header: "需求(个)",
            group: None,
            width: 8.0,
            value: |r| Cell::Int(r.needs),
        },
        Col {
            header: "形式主义等问题(项)",
            group: None,
            width: 10.0,
            value: |r| Cell::Int(r.findings),
        },
        Col {
            header: "得分",
            group: Some("考评"),
            width: 7.0,
            value: |r| match r.score {
                Some(v) => Cell::Number(v),
                None => Cell::Text(String::new()),
            },
        },
        Col {
            header: "等次",
            group: Some("考评"),
            width: 8.0,
            value: |r| Cell::Text(r.grade.clone()),
        },
        Col {
            header: "评分说明",
            group: Some("考评"),
            width: 44.0,
            value: |r| Cell::Text(score_text(r)),
        },
    ])
    .collect()
}

/// The title of a table.
pub fn title(t: &StatTable, which: Which) -> String {
    match which {
        Which::Monthly => format!(
            "{}领导干部“走流程”活动开展情况统计表（{}）",
            t.region, t.period
        ),
        Which::Quarterly => format!("{}领导干部“走流程”活动季度汇总表（{}）", t.region, t.period),
    }
}

/// Writes the table: title, 填报单位 and period lines, the two-row header
/// with its merged groups, a row per unit, 合计.
pub fn write_table(t: &StatTable, which: Which) -> Result<Vec<u8>, OfficeError> {
    let cols = match which {
        Which::Monthly => monthly_cols(),
        Which::Quarterly => quarterly_cols(),
    };
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title(title(t, which))
            .set_author("走流程工作平台"),
    );
    let f = Formats::new();
    let ws = book.add_worksheet();
    ws.set_name(match which {
        Which::Monthly => "月度统计",
        Which::Quarterly => "季度汇总",
    })
    .map_err(x)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    let last = cols.len() as u16; // 序号 is column 0
    ws.set_column_width(0, 6).map_err(x)?;
    for (i, c) in cols.iter().enumerate() {
        ws.set_column_width(i as u16 + 1, c.width).map_err(x)?;
    }
    ws.set_row_height(0, 36).map_err(x)?;
    ws.merge_range(0, 0, 0, last, &title(t, which), &f.title)
        .map_err(x)?;
    ws.merge_range(
        1,
        0,
        1,
        last,
        &format!("填报单位(盖章): {}", t.region),
        &f.line,
    )
    .map_err(x)?;
    ws.merge_range(2, 0, 2, last, &format!("统计期间: {}", t.period), &f.line)
        .map_err(x)?;
    header(ws, &cols, 3, &f)?;
    let mut r = 5;
    for (n, row) in t.rows.iter().enumerate() {
        ws.write_number_with_format(r, 0, (n + 1) as f64, &f.number)
            .map_err(x)?;
        cells(ws, &cols, r, row, &f)?;
        r += 1;
    }
    let mut total = t.total.clone();
    total.unit = "合计".into();
    ws.write_blank(r, 0, &f.cell).map_err(x)?;
    cells(ws, &cols, r, &total, &f)?;
    ws.merge_range(r + 2, 0, r + 2, last, "填报人:", &f.line)
        .map_err(x)?;
    ws.merge_range(r + 3, 0, r + 3, last, "联系方式:", &f.line)
        .map_err(x)?;
    ws.merge_range(
        r + 4,
        0,
        r + 4,
        last,
        &format!(
            "注: 参与人次按每名领导干部每参与一次活动计；体验事项数量为统计期内体验的不重复政务服务事项数；{}解决问题＝统计期内销号的问题（含销号旧账）。",
            t.rectification_rate_definition
        ),
        &f.line,
    )
    .map_err(x)?;
    ws.set_repeat_rows(3, 4).map_err(x)?;
    book.save_to_buffer().map_err(x)
}

fn header(ws: &mut Worksheet, cols: &[Col], row: u32, f: &Formats) -> Result<(), OfficeError> {
    ws.merge_range(row, 0, row + 1, 0, "序号", &f.header)
        .map_err(x)?;
    let mut i = 0;
    while i < cols.len() {
        let c = i as u16 + 1;
        match cols[i].group {
            None => {
                ws.merge_range(row, c, row + 1, c, cols[i].header, &f.header)
                    .map_err(x)?;
                i += 1;
            }
            Some(g) => {
                let n = cols[i..].iter().take_while(|k| k.group == Some(g)).count();
                ws.merge_range(row, c, row, c + n as u16 - 1, g, &f.header)
                    .map_err(x)?;
                for k in 0..n {
                    ws.write_string_with_format(
                        row + 1,
                        c + k as u16,
                        cols[i + k].header,
                        &f.header,
                    )
                    .map_err(x)?;
                }
                i += n;
            }
        }
    }
    Ok(())
}

fn cells(
    ws: &mut Worksheet,
    cols: &[Col],
    r: u32,
    row: &TableRow,
    f: &Formats,
) -> Result<(), OfficeError> {
    for (i, c) in cols.iter().enumerate() {
        let col = i as u16 + 1;
        match (c.value)(row) {
            Cell::Text(s) => ws
                .write_string_with_format(r, col, &s, &f.cell)
                .map_err(x)?,
            Cell::Int(n) => ws
                .write_number_with_format(r, col, n as f64, &f.number)
                .map_err(x)?,
            Cell::Number(v) => ws
                .write_number_with_format(r, col, v, &f.number)
                .map_err(x)?,
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Reader, Xlsx};
    use std::io::Cursor;

    fn row(unit: &str, found: i64) -> TableRow {
        TableRow {
            unit_id: 1,
            unit: unit.into(),
            participations: 3,
            visitors: 12,
            items_experienced: 12,
            items: vec!["企业开办".into(), "食品经营许可".into()],
            enforce_participations: 1,
            enforce_content: vec!["餐饮燃气安全检查".into()],
            problems_found: found,
            problems_solved: 1,
            problems_found_closed: found.min(1),
            rectification_rate: (found > 0).then(|| 1.0 / found as f64),
            grade: "良好".into(),
            score: Some(85.0),
            score_parts: vec![zlc_domain::report::ScorePart {
                label: "整改率".into(),
                detail: "本期发现2个，已销号1个".into(),
                points: 25.0,
            }],
            grade_reason: "得分85分，评为良好".into(),
            ..TableRow::default()
        }
    }

    #[test]
    fn the_monthly_table_has_the_seed_figures_and_a_total() {
        let t = StatTable {
            period: "2024-03".into(),
            region: "碑林区".into(),
            region_id: 1,
            rows: vec![row("区行政审批服务局", 2), row("区司法局", 0)],
            total: row("碑林区", 2),
            rectification_rate_definition: zlc_domain::report::RECTIFICATION_RATE_DEFINITION.into(),
        };
        let bytes = write_table(&t, Which::Monthly).expect("xlsx");
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("open");
        let range = book.worksheet_range("月度统计").expect("sheet");
        let text = |r: u32, c: u32| {
            range
                .get_value((r, c))
                .map(|v| v.to_string())
                .unwrap_or_default()
        };
        assert_eq!(
            text(0, 0),
            "碑林区领导干部“走流程”活动开展情况统计表（2024-03）"
        );
        assert_eq!(text(3, 4), "体验事项");
        assert_eq!(text(4, 4), "数量");
        assert_eq!(text(4, 5), "内容");
        assert_eq!(text(5, 1), "区行政审批服务局");
        assert_eq!(text(5, 5), "企业开办、食品经营许可等12项");
        assert_eq!(text(5, 7), "餐饮燃气安全检查");
        assert_eq!(text(7, 1), "合计");
        assert_eq!(text(7, 8), "2");
        assert_eq!(
            (text(4, 9), text(4, 10)),
            ("其中已销号".into(), "整改率".into())
        );
        assert_eq!(text(5, 10), "50%");
        assert_eq!(text(6, 10), "—");
        assert!(
            text(11, 0).contains("整改率＝本期发现的问题中已销号的个数"),
            "{}",
            text(11, 0)
        );

        let q = write_table(&t, Which::Quarterly).expect("xlsx");
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(q)).expect("open");
        let range = book.worksheet_range("季度汇总").expect("sheet");
        let header: Vec<String> = (1..30)
            .map(|c| {
                range
                    .get_value((4, c))
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            })
            .collect();
        let at = |h: &str| header.iter().position(|x| x == h).map(|i| i as u32 + 1);
        let explain = at("评分说明").expect("评分说明 column");
        let said = range
            .get_value((5, explain))
            .map(|v| v.to_string())
            .unwrap_or_default();
        assert_eq!(
            said,
            "整改率+25（本期发现2个，已销号1个）；得分85分，评为良好"
        );
    }
}
