//! 导入 reading a filled-in table: the title and 填报单位 / 填报时间 lines
//! above the header, the header (one row, or two under merged group cells),
//! the rows, and the 填报人 / 联系方式 lines below. Cells are streamed from
//! the file, so a ledger of a million rows is read without holding the
//! sheet in memory; each row becomes a typed entry or a [`RowError`] naming
//! its row and column.

use crate::OfficeError;
use crate::cells::{
    self, Value, is_mark, normalize_header, opt_text, parse_count, parse_date, parse_date_slot,
};
use crate::layout::{Layout, layout};
use calamine::{DataRef, Reader, Xlsx};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::io::{Read, Seek};
use zlc_domain::campaign::plan::HalfDay;
use zlc_domain::kinds::{ActivityKind, Mode, ProblemStatus};
use zlc_domain::registry::{HandlingMode, ItemType, ServiceObject, UnitCategory, UnitKind};
use zlc_domain::sheets::{
    Entries, ItemEntry, LEDGER_FORMS, LedgerEntry, ListsEntry, PersonRef, RowError, ScheduleEntry,
    Seq, Sheet, SheetKind, SheetMeta, UnitEntry, WINDOW_SOURCES, WindowStatEntry, found_nothing,
    split_cause, walk_of_note,
};

/// One row of a table, parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Item(ItemEntry),
    Ledger(LedgerEntry),
    Schedule(ScheduleEntry),
    WindowStat(WindowStatEntry),
    Lists(ListsEntry),
    Unit(UnitEntry),
}

/// What a reader hands on as it goes through a file.
pub trait Sink {
    /// The file holds this many worksheets (before any table begins).
    fn workbook(&mut self, _sheets: usize) {}
    /// A table begins, with the lines above its header.
    fn sheet(&mut self, name: &str, meta: &SheetMeta);
    fn entry(&mut self, entry: Entry);
    fn error(&mut self, error: RowError);
    /// The table ended; `meta` now has the lines below it too.
    fn end(&mut self, _meta: &SheetMeta) {}
    /// Why reading should stop now (nobody waits for the rows any more, or
    /// the time allowed is over); `None` to go on.
    fn stopped(&self) -> Option<String> {
        None
    }
}

/// 导入限制 what a table file may unpack to and hold. The defaults fit a
/// nation's yearly ledger; a server takes its own from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// All the package's parts together, unpacked.
    pub unzipped_bytes: u64,
    /// The shared-strings part, unpacked: every distinct text of the file,
    /// held in memory while the sheets are read.
    pub strings_bytes: u64,
    /// Parts in the package.
    pub parts: usize,
    /// Rows with content, over all its sheets.
    pub rows: u64,
    /// Characters in one cell.
    pub cell_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            unzipped_bytes: 1024 * 1024 * 1024,
            strings_bytes: 256 * 1024 * 1024,
            parts: 1000,
            rows: 2_000_000,
            cell_chars: 32_767,
        }
    }
}

fn mib(b: u64) -> u64 {
    b.div_ceil(1024 * 1024)
}

/// Checks an xlsx package before it is parsed: each part is unpacked through
/// a counter and thrown away, so that a small file that unpacks to gigabytes
/// (a "zip bomb") is refused without ever being held in memory.
pub fn check_package(bytes: &[u8], limits: &Limits) -> Result<(), OfficeError> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| OfficeError::NotXlsx(e.to_string()))?;
    if zip.len() > limits.parts {
        return Err(OfficeError::TooLarge(format!(
            "文件包含 {} 个部件，超过上限 {} 个",
            zip.len(),
            limits.parts
        )));
    }
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut part = zip
            .by_index(i)
            .map_err(|e| OfficeError::NotXlsx(e.to_string()))?;
        let strings = part
            .name()
            .is_ok_and(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"));
        let mut n: u64 = 0;
        let mut count = CountScan::default();
        loop {
            let k = part
                .read(&mut buf)
                .map_err(|e| OfficeError::NotXlsx(e.to_string()))?;
            if k == 0 {
                break;
            }
            n += k as u64;
            total += k as u64;
            if strings && n > limits.strings_bytes {
                return Err(OfficeError::TooLarge(format!(
                    "文件中的文字表（共享字符串）解压后超过上限 {} MB",
                    mib(limits.strings_bytes)
                )));
            }
            if total > limits.unzipped_bytes {
                return Err(OfficeError::TooLarge(format!(
                    "文件解压后超过上限 {} MB",
                    mib(limits.unzipped_bytes)
                )));
            }
            if strings {
                count.feed(&buf[..k]);
            }
        }
        // The reader reserves room for as many strings as the part's
        // `uniqueCount` says, before reading one: a 1 KB file that says
        // 100000000000 asked for 2.4 TB and aborted the process. Each
        // string takes 5 bytes at least (`<si/>`), so a true count fits.
        let claimed = count.max();
        if strings && claimed > n / 5 {
            return Err(OfficeError::NotXlsx(format!(
                "文字表（共享字符串）声称有 {claimed} 条文字，其内容最多容纳 {} 条",
                n / 5
            )));
        }
    }
    Ok(())
}

/// Finds the largest `uniqueCount="N"` in a part read piece by piece:
/// wherever it stands (a superset of the attribute of the `<sst>` tag the
/// reader takes it from), with blanks around `=`, either quote and any
/// leading zeros, as the reader accepts them.
#[derive(Default)]
struct CountScan {
    /// Bytes of the name matched so far.
    at: usize,
    state: CountState,
    value: u64,
    max: u64,
}

#[derive(Default, PartialEq)]
enum CountState {
    #[default]
    Name,
    Equals,
    Quote,
    Digits,
}

impl CountScan {
    const NAME: &'static [u8] = b"uniqueCount";

    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.byte(b);
        }
    }

    fn byte(&mut self, b: u8) {
        match self.state {
            CountState::Equals if b.is_ascii_whitespace() => return,
            CountState::Equals if b == b'=' => {
                self.state = CountState::Quote;
                return;
            }
            CountState::Quote if b.is_ascii_whitespace() => return,
            CountState::Quote if b == b'"' || b == b'\'' => {
                self.state = CountState::Digits;
                self.value = 0;
                return;
            }
            CountState::Digits if b.is_ascii_digit() => {
                self.value = self
                    .value
                    .saturating_mul(10)
                    .saturating_add(u64::from(b - b'0'));
                return;
            }
            CountState::Digits => self.max = self.max.max(self.value),
            _ => {}
        }
        self.state = CountState::Name;
        // The longest start of the name that the bytes so far end with.
        let mut at = self.at;
        loop {
            if Self::NAME[at] == b {
                at += 1;
                break;
            }
            if at == 0 {
                break;
            }
            at = (1..at)
                .rev()
                .find(|&k| Self::NAME[..k] == Self::NAME[at - k..at])
                .unwrap_or(0);
        }
        if at == Self::NAME.len() {
            self.state = CountState::Equals;
            at = 0;
        }
        self.at = at;
    }

    fn max(&self) -> u64 {
        if self.state == CountState::Digits {
            self.max.max(self.value)
        } else {
            self.max
        }
    }
}

/// A whole file read into memory: its tables and every row error.
#[derive(Debug)]
pub struct Parsed {
    pub kind: SheetKind,
    pub sheets: Vec<Sheet>,
    pub errors: Vec<RowError>,
}

impl Parsed {
    pub fn new(kind: SheetKind) -> Self {
        Parsed {
            kind,
            sheets: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// Every entry of every table.
    pub fn rows(&self) -> usize {
        self.sheets.iter().map(|s| s.entries.len()).sum()
    }
}

impl Sink for Parsed {
    fn sheet(&mut self, name: &str, meta: &SheetMeta) {
        self.sheets.push(Sheet {
            name: name.to_string(),
            meta: meta.clone(),
            entries: empty_entries(self.kind),
        });
    }

    fn entry(&mut self, entry: Entry) {
        let Some(sheet) = self.sheets.last_mut() else {
            return;
        };
        match (&mut sheet.entries, entry) {
            (Entries::Items(v), Entry::Item(e)) => v.push(e),
            (Entries::Ledger(v), Entry::Ledger(e)) => v.push(e),
            (Entries::WindowSchedule(v), Entry::Schedule(e)) => v.push(e),
            (Entries::WindowStats(v), Entry::WindowStat(e)) => v.push(e),
            (Entries::Lists(v), Entry::Lists(e)) => v.push(e),
            (Entries::Units(v), Entry::Unit(e)) => v.push(e),
            // One table holds one kind of row; the reader never mixes them.
            _ => {}
        }
    }

    fn error(&mut self, error: RowError) {
        self.errors.push(error);
    }

    fn end(&mut self, meta: &SheetMeta) {
        if let Some(sheet) = self.sheets.last_mut() {
            sheet.meta = meta.clone();
        }
    }
}

/// An empty list of entries of a kind.
pub fn empty_entries(kind: SheetKind) -> Entries {
    match kind {
        SheetKind::Items => Entries::Items(Vec::new()),
        SheetKind::Ledger => Entries::Ledger(Vec::new()),
        SheetKind::WindowSchedule => Entries::WindowSchedule(Vec::new()),
        SheetKind::WindowStats => Entries::WindowStats(Vec::new()),
        SheetKind::Lists => Entries::Lists(Vec::new()),
        SheetKind::Units => Entries::Units(Vec::new()),
    }
}

/// Reads a whole file of `kind` into memory.
pub fn read<RS: Read + Seek>(reader: RS, kind: SheetKind) -> Result<Parsed, OfficeError> {
    let mut parsed = Parsed::new(kind);
    read_into(reader, kind, &mut parsed)?;
    Ok(parsed)
}

/// Streams a file of `kind` into `sink`. Every worksheet whose header is
/// that of `kind` is read (三个清单 come one table per sheet); a file with
/// none is refused with what the first sheet's header lacks.
pub fn read_into<RS: Read + Seek>(
    reader: RS,
    kind: SheetKind,
    sink: &mut dyn Sink,
) -> Result<usize, OfficeError> {
    read_limited(reader, kind, sink, &Limits::default())
}

/// [`read_into`] within `limits` (rows, characters in a cell), stopping as
/// soon as the sink says so. Check the package first ([`check_package`]):
/// opening it reads its shared strings whole.
pub fn read_limited<RS: Read + Seek>(
    reader: RS,
    kind: SheetKind,
    sink: &mut dyn Sink,
    limits: &Limits,
) -> Result<usize, OfficeError> {
    let mut book: Xlsx<RS> = Xlsx::new(reader).map_err(|e| OfficeError::NotXlsx(e.to_string()))?;
    let mut rows: u64 = 0;
    let names = book.sheet_names();
    let lay = layout(kind);
    let several = names.len() > 1;
    sink.workbook(names.len());
    let mut tables = 0;
    let mut first_problem: Option<RowError> = None;
    for name in &names {
        let mut cells = book
            .worksheet_cells_reader(name)
            .map_err(|e| OfficeError::NotXlsx(e.to_string()))?;
        let mut table = Table::new(lay, name, several);
        let mut row: Vec<Value> = Vec::new();
        let mut row_at: Option<u32> = None;
        while let Some(cell) = cells
            .next_cell()
            .map_err(|e| OfficeError::NotXlsx(e.to_string()))?
        {
            let (r, c) = cell.get_position();
            let v = value_of(cell.get_value());
            if v.is_blank() {
                continue;
            }
            if let Value::Text(t) = &v
                && t.chars().count() > limits.cell_chars
            {
                return Err(OfficeError::TooLarge(format!(
                    "工作表「{name}」第 {} 行有单元格超过 {} 个字符",
                    r + 1,
                    limits.cell_chars
                )));
            }
            if row_at != Some(r) {
                rows += 1;
                if rows > limits.rows {
                    return Err(OfficeError::TooLarge(format!(
                        "文件超过 {} 行的上限",
                        limits.rows
                    )));
                }
                if let Some(why) = sink.stopped() {
                    return Err(OfficeError::Stopped(why));
                }
                if let Some(prev) = row_at {
                    table.row(prev + 1, &row, sink);
                    if table.done {
                        break;
                    }
                }
                row.clear();
                row_at = Some(r);
            }
            let c = c as usize;
            if c >= 64 {
                continue;
            }
            if row.len() <= c {
                row.resize(c + 1, Value::Empty);
            }
            row[c] = v;
        }
        if let (Some(prev), false) = (row_at, table.done) {
            table.row(prev + 1, &row, sink);
        }
        if table.started() {
            tables += 1;
            table.finish(sink);
        } else if first_problem.is_none() {
            first_problem = Some(table.missing_header());
        }
    }
    if tables == 0 {
        return Err(OfficeError::NoTable {
            kind,
            detail: first_problem.map(|e| e.reason).unwrap_or_default(),
        });
    }
    Ok(tables)
}

fn value_of(d: &DataRef<'_>) -> Value {
    match d {
        DataRef::Empty | DataRef::Error(_) => Value::Empty,
        DataRef::String(s) => Value::Text(s.clone()),
        DataRef::SharedString(s) => Value::Text((*s).to_string()),
        DataRef::Int(i) => Value::Number(*i as f64),
        DataRef::Float(f) => Value::Number(*f),
        DataRef::Bool(b) => Value::Text(if *b { "是" } else { "否" }.into()),
        DataRef::DateTime(dt) => match dt.as_datetime() {
            Some(x) if dt.is_datetime() => Value::Date(x.date()),
            _ => Value::Number(dt.as_f64()),
        },
        DataRef::DateTimeIso(s) => NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d")
            .map(Value::Date)
            .unwrap_or_else(|_| Value::Text(s.clone())),
        DataRef::DurationIso(s) => Value::Text(s.clone()),
    }
}

/// Where a table is in its reading.
#[derive(Debug, PartialEq, Eq)]
enum Stage {
    /// Title and 填报单位 lines, before the header.
    Above,
    /// The header's first row was read; the second may carry sub-headers.
    Header {
        row: u32,
    },
    Rows,
    /// 填报人 / 联系方式 and notes.
    Below,
}

/// The reading of one worksheet.
struct Table {
    lay: Layout,
    sheet: String,
    name_errors: bool,
    stage: Stage,
    meta: SheetMeta,
    /// Sheet column → layout column.
    map: HashMap<usize, usize>,
    header_cells: Vec<Value>,
    header_row: u32,
    /// Key of each row read, for repeated rows (of the tables where a
    /// repeated row is a mistake: items, units, the window schedule).
    seen: HashMap<String, u32>,
    /// Ledger and window statistics: the walks of each day, person and
    /// 体验事项 told apart so far, by what follows the date.
    walks: HashMap<String, Vec<Option<String>>>,
    /// How many rows of each walk and problem (三个清单: place and 体验内容) so far.
    repeats: Repeats,
    done: bool,
}

/// The labels of the lines above and below a table.
const LABELS: [&str; 10] = [
    "填报单位(盖章)",
    "填报单位",
    "填报时间",
    "填报日期",
    "负责人姓名",
    "参与活动名称",
    "时间",
    "填报人",
    "联系方式",
    "联系电话",
];

/// The values after each label of a line (`填报单位： 某局 负责人姓名 张三 …`).
fn labelled(line: &str) -> Vec<(&'static str, String)> {
    let mut hits: Vec<(usize, usize, &'static str)> = Vec::new();
    for label in LABELS {
        let mut from = 0;
        while let Some(at) = line[from..].find(label) {
            let start = from + at;
            let end = start + label.len();
            if !hits.iter().any(|(s, e, _)| start < *e && end > *s) {
                hits.push((start, end, label));
            }
            from = end;
        }
    }
    hits.sort();
    let mut out = Vec::new();
    for (k, (_, end, label)) in hits.iter().enumerate() {
        let until = hits.get(k + 1).map(|h| h.0).unwrap_or(line.len());
        let value = line[*end..until]
            .trim_start_matches(['(', ')', '盖', '章'])
            .trim_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '_' | '＿'))
            .to_string();
        let label = if *label == "填报单位(盖章)" {
            "填报单位"
        } else {
            label
        };
        out.push((label, value));
    }
    out
}

impl Table {
    fn new(lay: Layout, sheet: &str, name_errors: bool) -> Self {
        Table {
            lay,
            sheet: sheet.to_string(),
            name_errors,
            stage: Stage::Above,
            meta: SheetMeta::default(),
            map: HashMap::new(),
            header_cells: Vec::new(),
            header_row: 0,
            seen: HashMap::new(),
            walks: HashMap::new(),
            repeats: Repeats::default(),
            done: false,
        }
    }

    fn started(&self) -> bool {
        !matches!(self.stage, Stage::Above)
    }

    fn err(&self, e: RowError) -> RowError {
        if self.name_errors {
            e.in_sheet(&self.sheet)
        } else {
            e
        }
    }

    fn missing_header(&self) -> RowError {
        let wanted: Vec<&str> = self
            .lay
            .columns
            .iter()
            .filter(|c| c.required)
            .map(|c| c.header)
            .collect();
        self.err(RowError::new(
            1,
            "",
            format!(
                "找不到「{}」的表头（应有：{}）",
                self.lay.title,
                wanted.join("、")
            ),
        ))
    }

    /// How many cells of a row are headers of this layout.
    fn header_hits(&self, row: &[Value]) -> usize {
        row.iter()
            .filter(|v| matches!(v, Value::Text(t) if self.lay.column_for(t).is_some()))
            .count()
    }

    fn row(&mut self, n: u32, row: &[Value], sink: &mut dyn Sink) {
        match self.stage {
            Stage::Above => {
                let hits = self.header_hits(row);
                let has_no = row.iter().any(|v| normalize_header(&v.text()) == "序号");
                if has_no && hits >= 3 || hits >= self.lay.columns.len().div_ceil(2).max(3) {
                    self.header_cells = row.to_vec();
                    self.header_row = n;
                    self.stage = Stage::Header { row: n };
                    sink.sheet(&self.sheet, &self.meta);
                } else {
                    self.read_meta(row);
                }
            }
            Stage::Header { row: first } => {
                // A second header row holds the sub-headers under merged group cells.
                let sub = self.lay.has_groups()
                    && row.iter().any(|v| {
                        matches!(v, Value::Text(t) if self.lay.column_for(t).is_some_and(|i| self.lay.columns[i].group.is_some()))
                    });
                let mut cells = std::mem::take(&mut self.header_cells);
                if sub {
                    for (c, v) in row.iter().enumerate() {
                        if !v.is_blank() {
                            if cells.len() <= c {
                                cells.resize(c + 1, Value::Empty);
                            }
                            cells[c] = v.clone();
                        }
                    }
                }
                if let Err(e) = self.map_header(&cells, first) {
                    sink.error(self.err(e));
                    self.stage = Stage::Below;
                    self.done = true;
                    return;
                }
                self.stage = Stage::Rows;
                if !sub {
                    self.data(n, row, sink);
                }
            }
            Stage::Rows => self.data(n, row, sink),
            Stage::Below => self.read_meta(row),
        }
    }

    fn finish(&mut self, sink: &mut dyn Sink) {
        if let Stage::Header { row } = self.stage {
            let cells = std::mem::take(&mut self.header_cells);
            if let Err(e) = self.map_header(&cells, row) {
                sink.error(self.err(e));
            }
        }
        sink.end(&self.meta);
    }

    fn read_meta(&mut self, row: &[Value]) {
        let line: String = row
            .iter()
            .map(Value::text)
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let line = normalize_line(&line);
        for (label, value) in labelled(&line) {
            let v = (!value.is_empty()).then(|| value.clone());
            match label {
                "填报单位" => self.meta.unit = v.or(self.meta.unit.take()),
                "填报时间" | "填报日期" | "时间" => {
                    if let Some(d) = v.as_deref().and_then(parse_meta_date) {
                        self.meta.date = Some(d);
                    }
                }
                "负责人姓名" => self.meta.official = v.or(self.meta.official.take()),
                "参与活动名称" => {
                    if let Some(k) = v.as_deref().and_then(parse_kind) {
                        self.meta.activity_kind = Some(k);
                    }
                }
                "填报人" => self.meta.filled_by = v,
                "联系方式" | "联系电话" => self.meta.contact = v,
                _ => {}
            }
        }
    }

    fn map_header(&mut self, cells: &[Value], row: u32) -> Result<(), RowError> {
        for (c, v) in cells.iter().enumerate() {
            if let Value::Text(t) = v
                && let Some(i) = self.lay.column_for(t)
            {
                self.map.entry(i).or_insert(c);
            }
        }
        let missing: Vec<&str> = self
            .lay
            .columns
            .iter()
            .enumerate()
            .filter(|(i, c)| {
                c.required
                    && !self.map.contains_key(i)
                    && !c
                        .unless
                        .is_some_and(|u| self.map.contains_key(&self.lay.index(u)))
            })
            .map(|(_, c)| c.header)
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(RowError::new(
                row,
                "",
                format!("表头缺少「{}」列", missing.join("」「")),
            ))
        }
    }

    fn data(&mut self, n: u32, row: &[Value], sink: &mut dyn Sink) {
        let first = row
            .iter()
            .find(|v| !v.is_blank())
            .map(Value::text)
            .unwrap_or_default();
        let first_n = normalize_header(&first);
        if ["填报人", "联系方式", "注:", "注", "说明", "审核人"]
            .iter()
            .any(|p| first_n.starts_with(p))
        {
            self.stage = Stage::Below;
            self.read_meta(row);
            return;
        }
        // Only the mapped columns count; 序号 alone (a numbered empty template row) is empty.
        let no = self.lay.index("序号");
        let filled = self.map.iter().any(|(i, c)| {
            *i != no
                && row
                    .get(*c)
                    .is_some_and(|v| !v.is_blank() && !cells::is_placeholder(&v.text()))
        });
        if !filled {
            return;
        }
        let r = RowReader {
            n,
            row,
            map: &self.map,
            lay: &self.lay,
            year: self.meta.date.map(|d| chrono::Datelike::year(&d)),
        };
        let mut errors = Vec::new();
        let mut entry = match self.lay.kind {
            SheetKind::Items => r.item(&mut errors).map(Entry::Item),
            SheetKind::Ledger => r.ledger(&mut errors).map(Entry::Ledger),
            SheetKind::WindowSchedule => r.schedule(&mut errors).map(Entry::Schedule),
            SheetKind::WindowStats => r.window_stat(&mut errors).map(Entry::WindowStat),
            SheetKind::Lists => r.lists(&mut errors).map(Entry::Lists),
            SheetKind::Units => r.unit(&mut errors).map(Entry::Unit),
        };
        match &mut entry {
            // Walks and activities that look alike are told apart, and a
            // problem written twice is two problems: each row is a record.
            Some(Entry::Ledger(e)) => {
                let base = format!(
                    "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
                    e.unit.as_deref().unwrap_or(""),
                    e.date,
                    e.person.name,
                    e.item.as_deref().unwrap_or(""),
                    e.mode.code()
                );
                let same = e.problem.as_ref().map(|p| p.0.as_str()).unwrap_or("");
                e.seq = self.count(base, e.slot.clone(), same, e.problem.is_none());
            }
            Some(Entry::WindowStat(e)) => {
                let base = format!(
                    "{}\u{1f}{}\u{1f}{}",
                    e.unit.as_deref().unwrap_or(""),
                    e.date,
                    e.person.name
                );
                let same = e.problem.as_ref().map(|p| p.1.as_str()).unwrap_or("");
                e.seq = self.count(base, e.slot.clone(), same, e.problem.is_none());
            }
            Some(Entry::Lists(e)) => {
                // Rows at one place with one 体验内容 are one activity (a
                // later one that day says 第2次 in 备注); the same problem
                // written twice there is two problems.
                let walk = walk_of_note(e.note.as_deref());
                let key = format!(
                    "{}\u{1f}{}\u{1f}{walk}\u{1f}{}",
                    e.place,
                    e.content,
                    e.problem.as_deref().unwrap_or("")
                );
                e.seq = Seq {
                    walk,
                    repeat: self.repeats.next(&key),
                };
            }
            _ => {
                // A row repeated in these tables would be imported twice.
                let key = r.key();
                if let Some(prev) = self.seen.get(&key) {
                    errors.push(RowError::new(n, "", format!("与第 {prev} 行重复")));
                } else {
                    self.seen.insert(key, n);
                }
            }
        }
        if errors.is_empty() {
            if let Some(e) = entry {
                sink.entry(e);
            }
        } else {
            for e in errors {
                sink.error(self.err(e));
            }
        }
    }
}

/// How many rows with each key a table has had so far. A key is kept as a
/// 128-bit fingerprint (two hashes under keys of their own), not its text:
/// nearly every row of a ledger has a key of its own, and a million rows'
/// texts held a hundred megabytes until the table ended. Two keys of one
/// table sharing a fingerprint is beyond any table's size (about 2⁻⁶⁵ for
/// a million rows).
#[derive(Default)]
struct Repeats {
    hashers: (std::hash::RandomState, std::hash::RandomState),
    seen: HashMap<u128, u32>,
}

impl Repeats {
    /// The number of rows with `key` before this one.
    fn next(&mut self, key: &str) -> u32 {
        use std::hash::BuildHasher;
        let print = (u128::from(self.hashers.0.hash_one(key)) << 64)
            | u128::from(self.hashers.1.hash_one(key));
        let n = self.seen.entry(print).or_insert(0);
        *n += 1;
        *n - 1
    }
}

impl Table {
    /// Where a row of a walk stands: which of the day's walks that look
    /// alike (by what its date cell says after the date), and how many rows
    /// of that walk said the same before. A walk that found nothing written
    /// twice is two walks.
    fn count(&mut self, base: String, slot: Option<String>, same: &str, nothing: bool) -> Seq {
        let slots = self.walks.entry(base.clone()).or_default();
        let walk = match slots.iter().position(|s| *s == slot) {
            Some(w) => w,
            None => {
                slots.push(slot);
                slots.len() - 1
            }
        };
        let repeat = self
            .repeats
            .next(&format!("{base}\u{1f}{walk}\u{1f}{same}"));
        if repeat > 0 && nothing {
            // Not a slot anyone can write: this walk has none.
            slots.push(Some(format!("\u{1f}{repeat}")));
            return Seq {
                walk: u32::try_from(slots.len() - 1).unwrap_or(u32::MAX),
                repeat: 0,
            };
        }
        Seq {
            walk: u32::try_from(walk).unwrap_or(u32::MAX),
            repeat,
        }
    }
}

fn normalize_line(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            c => c,
        })
        .collect()
}

fn parse_meta_date(s: &str) -> Option<NaiveDate> {
    if let Ok((d, _)) = parse_date(&Value::Text(s.to_string()), None) {
        return Some(d);
    }
    // 2024年3月 / 2024年第一季度: the first day of what it names.
    let digits: Vec<u32> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|x| !x.is_empty())
        .filter_map(|x| x.parse().ok())
        .collect();
    match digits.as_slice() {
        [y, m, ..] if *y >= 1900 && (1..=12).contains(m) => {
            NaiveDate::from_ymd_opt(*y as i32, *m, 1)
        }
        [y] if *y >= 1900 => NaiveDate::from_ymd_opt(*y as i32, 1, 1),
        _ => None,
    }
}

fn parse_kind(s: &str) -> Option<ActivityKind> {
    let t: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '“' | '”' | '"'))
        .collect();
    ActivityKind::parse(&t).or_else(|| {
        ActivityKind::ALL
            .iter()
            .copied()
            .find(|k| t.contains(k.label_zh()))
    })
}

/// One data row, read against the table's columns.
struct RowReader<'a> {
    n: u32,
    row: &'a [Value],
    map: &'a HashMap<usize, usize>,
    lay: &'a Layout,
    year: Option<i32>,
}

impl RowReader<'_> {
    fn cell(&self, header: &str) -> &Value {
        const EMPTY: Value = Value::Empty;
        let i = self.lay.index(header);
        self.map
            .get(&i)
            .and_then(|c| self.row.get(*c))
            .unwrap_or(&EMPTY)
    }

    fn text(&self, header: &str) -> Option<String> {
        opt_text(self.cell(header))
    }

    fn e(&self, header: &str, reason: impl Into<String>) -> RowError {
        RowError::new(self.n, header, reason)
    }

    fn required(&self, header: &str, errors: &mut Vec<RowError>) -> Option<String> {
        let t = self.text(header);
        if t.is_none() {
            errors.push(self.e(header, "不能为空"));
        }
        t
    }

    fn date(
        &self,
        header: &str,
        errors: &mut Vec<RowError>,
    ) -> Option<(NaiveDate, Option<HalfDay>)> {
        match parse_date(self.cell(header), self.year) {
            Ok(d) => Some(d),
            Err(reason) => {
                errors.push(self.e(header, reason));
                None
            }
        }
    }

    fn opt_date(&self, header: &str, errors: &mut Vec<RowError>) -> Option<NaiveDate> {
        self.text(header)?;
        self.date(header, errors).map(|d| d.0)
    }

    /// The date of a walk and what follows it (上午, 14:30, 第2次).
    fn walk_date(
        &self,
        header: &str,
        errors: &mut Vec<RowError>,
    ) -> Option<(NaiveDate, Option<String>)> {
        match parse_date_slot(self.cell(header), self.year) {
            Ok(d) => Some(d),
            Err(reason) => {
                errors.push(self.e(header, reason));
                None
            }
        }
    }

    /// 整改完成时间 as people fill it: a date, or a word saying where the
    /// rectification stands (整改中, 正在整改, 待整改, 未整改) instead.
    fn done_on(
        &self,
        header: &str,
        errors: &mut Vec<RowError>,
    ) -> (Option<NaiveDate>, Option<ProblemStatus>) {
        if let Some(t) = self.text(header)
            && let Some(s) = status_word(&t)
            && s != ProblemStatus::Closed
        {
            return (None, Some(s));
        }
        (self.opt_date(header, errors), None)
    }

    /// 整改状态 (zlc's column).
    fn status(&self, errors: &mut Vec<RowError>) -> Option<ProblemStatus> {
        let t = self.text("整改状态")?;
        let s = status_word(&t);
        if s.is_none() {
            errors.push(self.e(
                "整改状态",
                format!(
                    "「{t}」不是有效的取值，可选：{}",
                    ProblemStatus::choices_zh()
                ),
            ));
        }
        s
    }

    fn person(&self, header: &str, errors: &mut Vec<RowError>) -> Option<PersonRef> {
        let t = self.required(header, errors)?;
        let p = PersonRef::parse(&t);
        if p.is_none() {
            errors.push(self.e(header, "应填写姓名及职务，如「张三 分管局长」"));
        }
        p
    }

    /// The marked columns among `headers`.
    fn marked<'h>(&self, headers: impl Iterator<Item = &'h str>) -> Vec<&'h str> {
        headers.filter(|h| is_mark(self.cell(h))).collect()
    }

    /// What identifies the row within its table (its cells but 序号).
    fn key(&self) -> String {
        let no = self.lay.index("序号");
        let mut cols: Vec<(&usize, &usize)> = self.map.iter().filter(|(i, _)| **i != no).collect();
        cols.sort();
        cols.iter()
            .map(|(_, c)| self.row.get(**c).map(Value::text).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\u{1f}")
    }

    fn vocab<T>(
        &self,
        header: &str,
        parse: fn(&str) -> Option<T>,
        choices: fn() -> String,
        default: T,
        errors: &mut Vec<RowError>,
    ) -> T {
        match self.text(header) {
            None => default,
            Some(t) => {
                let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
                parse(&t).or_else(|| parse(&compact)).unwrap_or_else(|| {
                    errors.push(self.e(
                        header,
                        format!("「{t}」不是有效的取值，可选：{}", choices()),
                    ));
                    default
                })
            }
        }
    }

    fn item(&self, errors: &mut Vec<RowError>) -> Option<ItemEntry> {
        let name = self.required("事项名称", errors);
        let item_type = self.vocab(
            "类型",
            parse_item_type,
            ItemType::choices_zh,
            ItemType::Other,
            errors,
        );
        let service_object = self.vocab(
            "服务对象",
            parse_service_object,
            ServiceObject::choices_zh,
            ServiceObject::Both,
            errors,
        );
        let handling_mode = self.vocab(
            "办理方式",
            parse_handling_mode,
            HandlingMode::choices_zh,
            HandlingMode::Both,
            errors,
        );
        Some(ItemEntry {
            row: self.n,
            name: name?,
            item_type,
            service_object,
            handling_mode,
            channel: self.text("办理途径"),
            section: self.text("责任科室"),
            contact: self.text("联系方式"),
            note: self.text("备注"),
            unit: self.text("单位"),
        })
    }

    fn ledger(&self, errors: &mut Vec<RowError>) -> Option<LedgerEntry> {
        let date = self.walk_date("时间", errors);
        let person = self.person("流程人员及职务", errors);
        let marks = self.marked(LEDGER_FORMS.iter().map(|(h, _)| *h));
        let mode = match marks.as_slice() {
            [one] => LEDGER_FORMS.iter().find(|(h, _)| h == one).map(|(_, m)| *m),
            [] => {
                errors.push(self.e("走流程形式", "须在驻窗办、亲身办、陪同办、检验办中勾选一项"));
                None
            }
            _ => {
                errors.push(self.e(
                    "走流程形式",
                    format!("只能勾选一项，却勾选了{}", marks.join("、")),
                ));
                None
            }
        };
        let problem = self
            .text("存在问题及原因")
            .filter(|t| !found_nothing(t))
            .map(|t| split_cause(&t));
        let (done_on, said) = self.done_on("整改完成时间", errors);
        let status = self.status(errors).or(said);
        let deadline = self.opt_date("整改时限", errors);
        let (date, slot) = date?;
        Some(LedgerEntry {
            row: self.n,
            date,
            slot,
            person: person?,
            item: self.text("体验事项"),
            mode: mode?,
            problem,
            measures: self.text("整改及优化措施").filter(|t| !found_nothing(t)),
            done_on,
            section: self.text("责任科室"),
            deadline,
            status,
            unit: self.text("单位"),
            seq: Seq::default(),
        })
    }

    fn schedule(&self, errors: &mut Vec<RowError>) -> Option<ScheduleEntry> {
        let date = self.date("日期", errors);
        let name = self.required("姓名", errors);
        // A masked number (183****1234) comes from an export by someone who may
        // not read phones; it reads as no number.
        let phone = self.text("联系电话").filter(|p| !p.contains('*'));
        if let Some(p) = &phone
            && !p
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+'))
        {
            errors.push(self.e("联系电话", format!("「{p}」不是电话号码")));
        }
        let (date, slot) = date?;
        Some(ScheduleEntry {
            row: self.n,
            date,
            slot: slot.unwrap_or(HalfDay::Day),
            person: PersonRef {
                name: name?,
                title: self.text("职务").unwrap_or_default(),
            },
            phone,
            note: self.text("备注"),
            unit: self.text("单位"),
        })
    }

    fn window_stat(&self, errors: &mut Vec<RowError>) -> Option<WindowStatEntry> {
        let date = self.walk_date("时间", errors);
        let person = self.person("坐窗口人员及职务", errors);
        let visitors = match parse_count(self.cell("接待企业群众(人次)")) {
            Ok(n) => Some(n),
            Err(reason) => {
                errors.push(self.e("接待企业群众(人次)", reason));
                None
            }
        };
        let description = self.text("问题描述").filter(|t| !found_nothing(t));
        let marks = self.marked(WINDOW_SOURCES.iter().map(|(h, _)| *h));
        let problem = match (description, marks.as_slice()) {
            (None, _) => None,
            (Some(d), [one]) => WINDOW_SOURCES
                .iter()
                .find(|(h, _)| h == one)
                .map(|(_, s)| (*s, d)),
            (Some(_), []) => {
                errors.push(self.e("问题来源", "有问题描述时须勾选问题来源"));
                None
            }
            (Some(_), several) => {
                errors.push(self.e(
                    "问题来源",
                    format!("只能勾选一项，却勾选了{}", several.join("、")),
                ));
                None
            }
        };
        let (done_on, said) = self.done_on("整改完成时间", errors);
        let status = self.status(errors).or(said);
        let deadline = self.opt_date("整改时限", errors);
        let (date, slot) = date?;
        Some(WindowStatEntry {
            row: self.n,
            date,
            slot,
            person: person?,
            visitors: visitors?,
            problem,
            measures: self.text("整改措施").filter(|t| !found_nothing(t)),
            done_on,
            section: self.text("责任科室"),
            deadline,
            status,
            unit: self.text("单位"),
            seq: Seq::default(),
        })
    }

    fn lists(&self, errors: &mut Vec<RowError>) -> Option<ListsEntry> {
        let place = self.required("参与活动地点", errors);
        let mode = self.text("体验方式").and_then(|t| {
            let m = Mode::parse(&t);
            if m.is_none() {
                errors.push(self.e(
                    "体验方式",
                    format!("「{t}」不是有效的取值，可选：{}", Mode::choices_zh()),
                ));
            }
            m
        });
        let deadline = self.opt_date("完成时限", errors);
        Some(ListsEntry {
            row: self.n,
            place: place?,
            content: self.text("体验内容").unwrap_or_default(),
            mode,
            problem: self.text("发现问题").filter(|t| !found_nothing(t)),
            need: self
                .text("企业群众或一线工作人员反映的需求")
                .filter(|t| !found_nothing(t)),
            measure: self.text("拟采取的解决措施").filter(|t| !found_nothing(t)),
            deadline,
            effect: self.text("整改效果").filter(|t| !found_nothing(t)),
            note: self.text("备注"),
            status: self.status(errors),
            seq: Seq::default(),
        })
    }

    fn unit(&self, errors: &mut Vec<RowError>) -> Option<UnitEntry> {
        let name = self.required("单位名称", errors);
        let kind = match self.text("单位类型") {
            None => {
                errors.push(self.e(
                    "单位类型",
                    format!("不能为空，可选：{}", UnitKind::choices_zh()),
                ));
                None
            }
            Some(t) => {
                let k = UnitKind::parse(&t);
                if k.is_none() {
                    errors.push(self.e(
                        "单位类型",
                        format!("「{t}」不是有效的取值，可选：{}", UnitKind::choices_zh()),
                    ));
                }
                k
            }
        };
        let mut categories = Vec::new();
        if let Some(t) = self.text("单位类别") {
            for part in t
                .split(['、', ',', '，', ';', '；', '/', ' '])
                .filter(|p| !p.trim().is_empty())
            {
                match UnitCategory::parse(part) {
                    Some(c) if !categories.contains(&c) => categories.push(c),
                    Some(_) => {}
                    None => errors.push(self.e(
                        "单位类别",
                        format!(
                            "「{part}」不是有效的取值，可选：{}",
                            UnitCategory::choices_zh()
                        ),
                    )),
                }
            }
        }
        Some(UnitEntry {
            row: self.n,
            name: name?,
            parent: self.text("上级单位"),
            kind: kind?,
            categories,
        })
    }
}

/// Where a rectification stands, as people write it.
fn status_word(t: &str) -> Option<ProblemStatus> {
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    ProblemStatus::parse(&compact).or(match compact.as_str() {
        "正在整改" | "整改中。" | "持续整改" => Some(ProblemStatus::InProgress),
        "未整改" | "尚未整改" => Some(ProblemStatus::Pending),
        "已整改,待验收" | "已整改，待验收" => {
            Some(ProblemStatus::AwaitingVerification)
        }
        _ => None,
    })
}

fn parse_item_type(s: &str) -> Option<ItemType> {
    ItemType::parse(s.trim_matches(|c| matches!(c, '“' | '”' | '"')))
}

fn parse_service_object(s: &str) -> Option<ServiceObject> {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    ServiceObject::parse(&t).or(match t.as_str() {
        "企业/个人" | "企业和群众" | "企业、群众" | "企业群众" | "全部" => {
            Some(ServiceObject::Both)
        }
        "群众" | "自然人" => Some(ServiceObject::Person),
        "法人" => Some(ServiceObject::Enterprise),
        _ => None,
    })
}

fn parse_handling_mode(s: &str) -> Option<HandlingMode> {
    let t: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '/' && *c != '、')
        .collect();
    HandlingMode::parse(&t).or(match t.as_str() {
        "线下线上" | "线上+线下" | "网上" | "网办" => {
            if t == "网上" || t == "网办" {
                Some(HandlingMode::Online)
            } else {
                Some(HandlingMode::Both)
            }
        }
        "窗口" | "现场" => Some(HandlingMode::Offline),
        _ => None,
    })
}
