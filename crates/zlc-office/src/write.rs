//! 导出 writing a table in its seed's layout: the title, the 填报单位 and
//! date lines, the header (two rows under merged group cells where the seed
//! has them), the rows, and the 填报人 / 联系方式 lines. Worksheets are
//! written in constant-memory mode: rows go to a temporary file as they
//! come, so a ledger of a million rows takes no more memory than one of ten.

use crate::OfficeError;
use crate::layout::{Layout, layout};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
};
use std::path::Path;
use zlc_domain::campaign::plan::HalfDay;
use zlc_domain::sheets::{
    ItemEntry, LEDGER_FORMS, LedgerEntry, ListsEntry, ScheduleEntry, SheetKind, SheetMeta,
    UnitEntry, WINDOW_SOURCES, WindowStatEntry,
};

/// The mark written in a mark column.
pub const MARK: &str = "√";

const FONT: &str = "宋体";

/// Formats shared by every table.
pub struct Formats {
    pub title: Format,
    pub line: Format,
    pub header: Format,
    pub cell: Format,
    pub center: Format,
    pub date: Format,
    pub number: Format,
}

impl Default for Formats {
    fn default() -> Self {
        Self::new()
    }
}

impl Formats {
    pub fn new() -> Self {
        let base = Format::new().set_font_name(FONT).set_font_size(11);
        let boxed = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap();
        Formats {
            title: base
                .clone()
                .set_font_name("方正小标宋简体")
                .set_font_size(18)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            line: base.clone(),
            header: boxed.clone().set_bold().set_align(FormatAlign::Center),
            cell: boxed.clone(),
            center: boxed.clone().set_align(FormatAlign::Center),
            date: boxed
                .clone()
                .set_align(FormatAlign::Center)
                .set_num_format("yyyy-mm-dd"),
            number: boxed.set_align(FormatAlign::Center),
        }
    }
}

/// One value of a row, as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    Blank,
    Text(String),
    Int(i64),
    Date(NaiveDate),
    Mark(bool),
}

impl From<&str> for Out {
    fn from(s: &str) -> Self {
        Out::Text(s.to_string())
    }
}

impl From<String> for Out {
    fn from(s: String) -> Self {
        Out::Text(s)
    }
}

impl From<Option<String>> for Out {
    fn from(s: Option<String>) -> Self {
        s.map(Out::Text).unwrap_or(Out::Blank)
    }
}

impl From<Option<&String>> for Out {
    fn from(s: Option<&String>) -> Self {
        s.cloned().into()
    }
}

impl From<Option<NaiveDate>> for Out {
    fn from(d: Option<NaiveDate>) -> Self {
        d.map(Out::Date).unwrap_or(Out::Blank)
    }
}

fn x<E: std::fmt::Display>(e: E) -> OfficeError {
    OfficeError::Write(e.to_string())
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, OfficeError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).map_err(x)
}

/// `2024年3月5日`.
pub fn date_zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A workbook of tables of one kind, written row by row.
pub struct TableWriter {
    book: Workbook,
    lay: Layout,
    f: Formats,
    sheets: usize,
    row: u32,
    number: u32,
    /// The current table's name and lines, for its continuation sheets.
    current: Option<(String, SheetMeta)>,
    /// Continuation sheets of the current table so far.
    parts: u32,
    rows_per_sheet: u32,
    /// Rows that may still be given a height of their own (see [`SIZED_ROWS`]).
    sized_left: u32,
    /// Columns written: the seed's and zlc's trailing ones, or (an empty
    /// template) the seed's alone.
    ncols: usize,
}

/// Rows one sheet takes before the table goes on in the next: Excel's
/// limit is 1,048,576 rows, less the title, lines and footer.
pub const ROWS_PER_SHEET: u32 = 1_000_000;

/// Rows of a workbook written with a height fitted to their wrapped text.
///
/// LibreOffice shows a row at the height stored in the file, so a row of
/// wrapped text needs one; but rust_xlsxwriter keeps every stored height
/// (a few hundred bytes each) until the workbook is saved, which would make
/// a million-row export grow by a gigabyte. Rows past this many are left
/// without one: Excel and WPS fit such rows to their text when they open
/// the file, and the export stays within constant memory.
pub const SIZED_ROWS: u32 = 100_000;

impl TableWriter {
    pub fn new(kind: SheetKind) -> Self {
        let mut book = Workbook::new();
        book.set_properties(
            &DocProperties::new()
                .set_title(layout(kind).title)
                .set_author("走流程工作平台"),
        );
        TableWriter {
            book,
            lay: layout(kind),
            f: Formats::new(),
            sheets: 0,
            row: 0,
            number: 0,
            current: None,
            parts: 1,
            rows_per_sheet: ROWS_PER_SHEET,
            sized_left: SIZED_ROWS,
            ncols: layout(kind).columns.len(),
        }
    }

    /// A writer of empty templates: the seed's columns only, without zlc's
    /// trailing ones (which say what a round trip needs, not what a unit fills in).
    pub fn template(kind: SheetKind) -> Self {
        let mut w = Self::new(kind);
        w.ncols = layout(kind).written(false).count();
        w
    }

    /// The columns each row has values for (序号 excluded).
    pub fn values_per_row(&self) -> usize {
        self.ncols - 1
    }

    /// Goes on in a new sheet after `n` rows (default [`ROWS_PER_SHEET`]).
    pub fn set_rows_per_sheet(&mut self, n: u32) {
        self.rows_per_sheet = n.clamp(1, ROWS_PER_SHEET);
    }

    /// Gives at most `n` rows a fitted height (default [`SIZED_ROWS`]).
    pub fn set_sized_rows(&mut self, n: u32) {
        self.sized_left = n;
    }

    /// Writes temporary row data under `dir` instead of the system's temporary directory.
    pub fn set_tempdir(&mut self, dir: &Path) -> Result<(), OfficeError> {
        self.book.set_tempdir(dir).map_err(x)?;
        Ok(())
    }

    fn ws(&mut self) -> Result<&mut Worksheet, OfficeError> {
        self.book.worksheet_from_index(self.sheets - 1).map_err(x)
    }

    /// Starts a table on a new worksheet named `name` (at most 31
    /// characters, as Excel allows).
    pub fn begin(&mut self, name: &str, meta: &SheetMeta) -> Result<(), OfficeError> {
        self.current = Some((name.to_string(), meta.clone()));
        self.parts = 1;
        self.start_sheet(name, meta)
    }

    fn start_sheet(&mut self, name: &str, meta: &SheetMeta) -> Result<(), OfficeError> {
        let ws = self.book.add_worksheet_with_constant_memory().map_err(x)?;
        let name: String = name
            .chars()
            .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
            .take(31)
            .collect();
        if !name.is_empty() {
            ws.set_name(&name).map_err(x)?;
        }
        self.sheets += 1;
        self.row = 0;
        self.number = 0;
        let lay = self.lay;
        let columns = &lay.columns[..self.ncols];
        let last = (columns.len() - 1) as u16;
        let f = Formats::new();
        let ws = self.ws()?;
        ws.set_landscape();
        ws.set_paper_size(9); // A4
        ws.set_print_fit_to_pages(1, 0);
        for (i, c) in columns.iter().enumerate() {
            ws.set_column_width(i as u16, c.width).map_err(x)?;
        }
        ws.set_row_height(0, 36).map_err(x)?;
        ws.merge_range(0, 0, 0, last, lay.title, &f.title)
            .map_err(x)?;
        let mut row = 1;
        if lay.kind == SheetKind::Lists {
            let line = format!(
                "填报单位：{}    负责人姓名：{}    参与活动名称：{}    时间：{}",
                meta.unit.as_deref().unwrap_or(""),
                meta.official.as_deref().unwrap_or(""),
                meta.activity_kind.map(|k| k.label_zh()).unwrap_or(""),
                meta.date.map(date_zh).unwrap_or_default(),
            );
            ws.merge_range(row, 0, row, last, &line, &f.line)
                .map_err(x)?;
            row += 1;
        } else {
            let unit = format!("填报单位(盖章): {}", meta.unit.as_deref().unwrap_or(""));
            ws.merge_range(row, 0, row, last, &unit, &f.line)
                .map_err(x)?;
            let date = format!(
                "{} {}",
                lay.date_label,
                meta.date.map(date_zh).unwrap_or_default()
            );
            ws.merge_range(row + 1, 0, row + 1, last, &date, &f.line)
                .map_err(x)?;
            row += 2;
        }
        // The header: one row, or two with the group cells merged across
        // their sub-headers and the other headers merged down.
        if lay.has_groups() {
            let mut c = 0;
            while c < columns.len() {
                let col = &columns[c];
                match col.group {
                    Some(g) => {
                        let end = c + columns[c..]
                            .iter()
                            .take_while(|k| k.group == Some(g))
                            .count()
                            - 1;
                        ws.merge_range(row, c as u16, row, end as u16, g, &f.header)
                            .map_err(x)?;
                        c = end + 1;
                    }
                    None => {
                        ws.merge_range(row, c as u16, row + 1, c as u16, col.header, &f.header)
                            .map_err(x)?;
                        c += 1;
                    }
                }
            }
            for (c, col) in columns.iter().enumerate() {
                if col.group.is_some() {
                    ws.write_string_with_format(row + 1, c as u16, col.header, &f.header)
                        .map_err(x)?;
                }
            }
            row += 2;
        } else {
            for (c, col) in columns.iter().enumerate() {
                ws.write_string_with_format(row, c as u16, col.header, &f.header)
                    .map_err(x)?;
            }
            row += 1;
        }
        ws.set_repeat_rows(row - if lay.has_groups() { 2 } else { 1 }, row - 1)
            .map_err(x)?;
        self.row = row;
        Ok(())
    }

    /// Writes one row; 序号 is numbered here.
    pub fn row(&mut self, values: Vec<Out>) -> Result<(), OfficeError> {
        if self.number > 0
            && self.number.is_multiple_of(self.rows_per_sheet)
            && let Some((name, meta)) = self.current.clone()
        {
            // The table goes on in a sheet of its own, numbering on.
            let number = self.number;
            self.end(&meta)?;
            self.parts += 1;
            let part: String = name.chars().take(26).collect();
            self.start_sheet(&format!("{part}({})", self.parts), &meta)?;
            self.number = number;
        }
        self.number += 1;
        let (r, n) = (self.row, self.number);
        // Wrapped text needs a row tall enough for its lines: spreadsheet
        // programs do not grow rows written without a height.
        let lines = values
            .iter()
            .zip(self.lay.columns.iter().skip(1))
            .map(|(v, c)| match v {
                Out::Text(s) => text_lines(s, c.width),
                _ => 1,
            })
            .max()
            .unwrap_or(1);
        let f = &self.f;
        let ws = self.book.worksheet_from_index(self.sheets - 1).map_err(x)?;
        if lines > 1 && self.sized_left > 0 {
            ws.set_row_height(r, 15.0 * f64::from(lines.min(12)))
                .map_err(x)?;
            self.sized_left -= 1;
        }
        ws.write_number_with_format(r, 0, f64::from(n), &f.number)
            .map_err(x)?;
        for (i, v) in values.into_iter().enumerate() {
            let c = (i + 1) as u16;
            match v {
                Out::Blank => ws.write_blank(r, c, &f.cell).map(|_| ()),
                Out::Text(s) => ws.write_string_with_format(r, c, &s, &f.cell).map(|_| ()),
                Out::Int(n) => ws
                    .write_number_with_format(r, c, n as f64, &f.number)
                    .map(|_| ()),
                Out::Date(d) => {
                    let d = excel_date(d)?;
                    ws.write_datetime_with_format(r, c, &d, &f.date).map(|_| ())
                }
                Out::Mark(true) => ws
                    .write_string_with_format(r, c, MARK, &f.center)
                    .map(|_| ()),
                Out::Mark(false) => ws.write_blank(r, c, &f.center).map(|_| ()),
            }
            .map_err(x)?;
        }
        self.row += 1;
        Ok(())
    }

    /// Ends the table with the 填报人 and 联系方式 lines.
    pub fn end(&mut self, meta: &SheetMeta) -> Result<(), OfficeError> {
        let r = self.row + 1;
        let lay = self.lay;
        let last = (self.ncols - 1) as u16;
        let f = Formats::new();
        let ws = self.ws()?;
        let by = format!("填报人: {}", meta.filled_by.as_deref().unwrap_or(""));
        ws.merge_range(r, 0, r, last, &by, &f.line).map_err(x)?;
        let contact = format!("联系方式: {}", meta.contact.as_deref().unwrap_or(""));
        ws.merge_range(r + 1, 0, r + 1, last, &contact, &f.line)
            .map_err(x)?;
        if let Some(note) = lay.note {
            ws.merge_range(r + 2, 0, r + 2, last, note, &f.line)
                .map_err(x)?;
        }
        self.row = r + 3;
        Ok(())
    }

    /// Rows written to the current table.
    pub fn rows(&self) -> u32 {
        self.number
    }

    pub fn save(mut self, path: &Path) -> Result<(), OfficeError> {
        self.ensure_sheet()?;
        self.book.save(path).map_err(x)
    }

    pub fn into_bytes(mut self) -> Result<Vec<u8>, OfficeError> {
        self.ensure_sheet()?;
        self.book.save_to_buffer().map_err(x)
    }

    /// A workbook needs a sheet; an empty export is an empty table.
    fn ensure_sheet(&mut self) -> Result<(), OfficeError> {
        if self.sheets == 0 {
            let meta = SheetMeta::default();
            self.begin(self.lay.title, &meta)?;
            self.end(&meta)?;
        }
        Ok(())
    }

    /// A row of values, zlc's trailing ones dropped in a template.
    fn values(&mut self, mut v: Vec<Out>) -> Result<(), OfficeError> {
        v.truncate(self.values_per_row());
        self.row(v)
    }

    pub fn item(&mut self, e: &ItemEntry) -> Result<(), OfficeError> {
        self.values(vec![
            e.name.as_str().into(),
            e.item_type.label_zh().into(),
            e.service_object.label_zh().into(),
            e.handling_mode.label_zh().into(),
            e.channel.as_ref().into(),
            e.section.as_ref().into(),
            e.contact.as_ref().into(),
            e.note.as_ref().into(),
            e.unit.as_ref().into(),
        ])
    }

    pub fn ledger(&mut self, e: &LedgerEntry) -> Result<(), OfficeError> {
        let mut v: Vec<Out> = vec![
            walk_date(e.date, e.slot.as_deref()),
            person_cell(&e.person.name, &e.person.title).into(),
            e.item.as_ref().into(),
        ];
        v.extend(LEDGER_FORMS.iter().map(|(_, m)| Out::Mark(*m == e.mode)));
        v.push(problem_cell(e.problem.as_ref()).into());
        v.push(e.measures.as_ref().into());
        v.push(e.done_on.into());
        v.push(e.section.as_ref().into());
        v.push(e.deadline.into());
        v.push(e.status.map(|s| s.label_zh().to_string()).into());
        v.push(e.unit.as_ref().into());
        self.values(v)
    }

    pub fn schedule(&mut self, e: &ScheduleEntry) -> Result<(), OfficeError> {
        let slot = match e.slot {
            HalfDay::Day => "",
            s => s.label_zh(),
        };
        self.values(vec![
            format!("{}{slot}", date_zh(e.date)).into(),
            e.person.name.as_str().into(),
            e.person.title.as_str().into(),
            e.phone.as_ref().into(),
            e.note.as_ref().into(),
            e.unit.as_ref().into(),
        ])
    }

    pub fn window_stat(&mut self, e: &WindowStatEntry) -> Result<(), OfficeError> {
        let mut v: Vec<Out> = vec![
            walk_date(e.date, e.slot.as_deref()),
            person_cell(&e.person.name, &e.person.title).into(),
            Out::Int(e.visitors),
        ];
        v.extend(
            WINDOW_SOURCES
                .iter()
                .map(|(_, s)| Out::Mark(e.problem.as_ref().is_some_and(|p| p.0 == *s))),
        );
        v.push(
            e.problem
                .as_ref()
                .map(|p| p.1.clone())
                .unwrap_or_else(|| "无".into())
                .into(),
        );
        v.push(e.measures.as_ref().into());
        v.push(e.done_on.into());
        v.push(e.section.as_ref().into());
        v.push(e.deadline.into());
        v.push(e.status.map(|s| s.label_zh().to_string()).into());
        v.push(e.unit.as_ref().into());
        self.values(v)
    }

    pub fn lists(&mut self, e: &ListsEntry) -> Result<(), OfficeError> {
        self.values(vec![
            e.place.as_str().into(),
            e.content.as_str().into(),
            e.mode.map(|m| m.label_zh().to_string()).into(),
            e.problem.clone().unwrap_or_else(|| "无".into()).into(),
            e.need.clone().unwrap_or_else(|| "无".into()).into(),
            e.measure.as_ref().into(),
            e.deadline.into(),
            e.effect.as_ref().into(),
            e.note.as_ref().into(),
            e.status.map(|s| s.label_zh().to_string()).into(),
        ])
    }

    pub fn unit(&mut self, e: &UnitEntry) -> Result<(), OfficeError> {
        let cats: Vec<&str> = e.categories.iter().map(|c| c.label_zh()).collect();
        self.row(vec![
            e.name.as_str().into(),
            e.parent.as_ref().into(),
            e.kind.label_zh().into(),
            cats.join("、").into(),
        ])
    }
}

/// How many lines `s` takes in a column `width` characters wide (a Chinese
/// character is two of them).
fn text_lines(s: &str, width: f64) -> u32 {
    let units: usize = s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    let per_line = (width - 1.0).max(2.0) as usize;
    u32::try_from(units.div_ceil(per_line))
        .unwrap_or(u32::MAX)
        .max(1)
}

/// 时间 of a walk: the date, or, for a later walk of a day that looks like
/// an earlier one, the date with what tells it apart (`2024年3月5日（第2次）`,
/// `2024年3月5日下午`, `2024年3月5日 14:30`).
fn walk_date(d: NaiveDate, slot: Option<&str>) -> Out {
    match slot {
        None => Out::Date(d),
        Some(s) if s.starts_with('第') => Out::Text(format!("{}（{s}）", date_zh(d))),
        Some(s) if s.contains(':') => Out::Text(format!("{} {s}", date_zh(d))),
        Some(s) => Out::Text(format!("{}{s}", date_zh(d))),
    }
}

/// `张三 分管局长`.
pub fn person_cell(name: &str, title: &str) -> String {
    if title.is_empty() {
        name.to_string()
    } else {
        format!("{name} {title}")
    }
}

/// `问题。原因：原因`, or 无 for a walk that found nothing.
pub fn problem_cell(p: Option<&(String, Option<String>)>) -> String {
    match p {
        None => "无".into(),
        Some((d, None)) => d.clone(),
        Some((d, Some(c))) => format!("{d}。原因：{c}"),
    }
}
