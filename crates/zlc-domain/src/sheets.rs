//! 报表 the seeds' Excel tables and what one row of each means
//! (interface.md, "Import / export kinds" and "What an imported row means").
//!
//! The office crate reads a file into these entries (every cell already
//! parsed: dates, marks, names with titles); the store resolves the names
//! against the registry and writes them. The rules of meaning that do not
//! need the database live here: which mark column gives which kind and
//! mode, when a ledger row is a walk that found nothing, when a
//! rectification counts as closed.

use crate::kinds::{ActivityKind, Mode, ProblemStatus, Rank};
use crate::ledger::ProblemSource;
use crate::registry::{HandlingMode, ItemType, ServiceObject, UnitCategory, UnitKind, vocab};
use chrono::NaiveDate;
use std::fmt;
// The vocab! macro names these traits unqualified.
use serde::{Deserialize, Deserializer, Serialize, Serializer};

vocab!(
    /// 报表类型 one of the seeds' tables (the `KIND` of `zlc import` / `zlc export`)
    SheetKind {
        Items = "items", "“干部走流程”事项清单" | "事项清单";
        Ledger = "ledger", "“干部走流程”问题整改台账" | "问题整改台账";
        WindowSchedule = "window-schedule", "“局长科长坐窗口”活动人员时间安排表" | "坐窗口时间安排表";
        WindowStats = "window-stats", "“局长科长坐窗口”活动统计表" | "坐窗口统计表";
        Lists = "lists", "问题清单、需求清单和解决措施清单" | "三个清单";
        Units = "units", "参与活动单位名单" | "单位名单";
    }
);

impl SheetKind {
    /// The seed table it reproduces, for help texts.
    pub fn seed(self) -> &'static str {
        match self {
            SheetKind::Items => "001 附件2",
            SheetKind::Ledger => "001 附件3",
            SheetKind::WindowSchedule => "001 坐窗口 附件2",
            SheetKind::WindowStats => "001 坐窗口 附件3",
            SheetKind::Lists => "003 附件2",
            SheetKind::Units => "001 附件1 / 003 附件1",
        }
    }

    /// Whether an import of this kind writes into one unit (`--unit` or the
    /// sheet's 填报单位); only the unit list spans several.
    pub fn needs_unit(self) -> bool {
        self != SheetKind::Units
    }
}

/// 行错误 one problem with one row of an imported sheet, shown as
/// `row N, column 列名: reason` (interface.md). `row` is the row number the
/// spreadsheet program shows; `column` is the header of the column (empty
/// when the whole row or the sheet is meant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// The worksheet, when the file holds several tables (三个清单, one per
    /// official and activity).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub row: u32,
    pub column: String,
    pub reason: String,
}

impl RowError {
    pub fn new(row: u32, column: impl Into<String>, reason: impl Into<String>) -> Self {
        RowError {
            sheet: None,
            row,
            column: column.into(),
            reason: reason.into(),
        }
    }

    /// The same error, placed in a named worksheet.
    pub fn in_sheet(mut self, sheet: &str) -> Self {
        self.sheet = Some(sheet.to_string());
        self
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = &self.sheet {
            write!(f, "sheet {s}, ")?;
        }
        if self.column.is_empty() {
            write!(f, "row {}: {}", self.row, self.reason)
        } else {
            write!(
                f,
                "row {}, column {}: {}",
                self.row, self.column, self.reason
            )
        }
    }
}

/// 人员及职务 a person as a sheet names them: `张三 分管局长` in one cell,
/// or a name and a title in two.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PersonRef {
    pub name: String,
    /// 职务, as written (empty when the sheet gives none).
    pub title: String,
}

impl PersonRef {
    /// Splits `张三 分管局长`, `张三（分管局长）`, `张三，分管局长` or `张三/分管局长`
    /// into name and title; a cell with only a name has an empty title.
    pub fn parse(cell: &str) -> Option<PersonRef> {
        let s = cell.trim();
        if s.is_empty() {
            return None;
        }
        let s = s
            .replace(['（', '('], " ")
            .replace(['）', ')'], "")
            .replace(['，', ',', '、', '/', '／', '\u{3000}', '\n', '\t'], " ");
        let mut parts = s.split_whitespace();
        let name = parts.next()?.to_string();
        let title = parts.collect::<Vec<_>>().join("");
        Some(PersonRef { name, title })
    }

    /// The rank a title implies (职级), for an official the registry does not
    /// have yet: 主要负责人 for the head of a unit, 分管负责人 for a deputy,
    /// 业务科长 for a section head, else 业务骨干.
    pub fn rank(&self) -> Rank {
        rank_of_title(&self.title)
    }
}

/// The rank a 职务 implies (see [`PersonRef::rank`]).
pub fn rank_of_title(title: &str) -> Rank {
    let t = title.trim();
    if let Some(r) = Rank::parse(t) {
        return r;
    }
    if t.contains("分管") || t.contains('副') || t.contains("党组成员") {
        return Rank::Deputy;
    }
    if t.contains("科长") || t.contains("股长") || t.contains("所长") || t.contains("队长")
    {
        return Rank::SectionChief;
    }
    const HEADS: [&str; 12] = [
        "局长",
        "主任",
        "书记",
        "区长",
        "县长",
        "市长",
        "州长",
        "镇长",
        "总经理",
        "行长",
        "董事长",
        "主要负责",
    ];
    if HEADS
        .iter()
        .any(|h| t.ends_with(h) || t.contains("主要负责"))
    {
        return Rank::Head;
    }
    Rank::Staff
}

/// Whether a 存在问题 / 发现问题 cell records that nothing was found
/// (empty, 无, 暂无, 未发现问题 …): the walk counts, without a problem.
pub fn found_nothing(text: &str) -> bool {
    let t: String = text
        .trim()
        .trim_end_matches(['。', '.', '；', ';'])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    matches!(
        t.as_str(),
        "" | "无"
            | "暂无"
            | "没有"
            | "/"
            | "-"
            | "—"
            | "——"
            | "未发现问题"
            | "暂未发现问题"
            | "未发现"
            | "无问题"
    )
}

/// Splits `窗口少、排队长。原因：人手不足` into the problem and its cause
/// (the text after 原因：/原因:).
pub fn split_cause(text: &str) -> (String, Option<String>) {
    for marker in CAUSE_MARKERS {
        if let Some(at) = text.find(marker) {
            let problem = text[..at]
                .trim()
                .trim_end_matches(['，', ',', '；', ';', '。'])
                .trim();
            return (problem.to_string(), cause_text(&text[at..]));
        }
    }
    (text.trim().to_string(), None)
}

const CAUSE_MARKERS: [&str; 2] = ["原因：", "原因:"];

/// 原因 as it is kept: without the 原因：/原因: that people type before it
/// (once or more), the tables writing that prefix themselves; `None` when
/// nothing is left.
pub fn cause_text(text: &str) -> Option<String> {
    let mut t = text.trim();
    while let Some(rest) = CAUSE_MARKERS.iter().find_map(|m| t.strip_prefix(m)) {
        t = rest.trim_start();
    }
    let t = t.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Whether `a` and `b` are one character apart (one changed, added or left
/// out: 综合科 and 综合股) without being a numbered series (审批一科 and
/// 审批二科, 审批科 and 审批一科): a name typed with a slip rather than
/// another section.
pub fn one_char_apart(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.trim().chars().collect();
    let b: Vec<char> = b.trim().chars().collect();
    if a == b {
        return false;
    }
    let numeral = |c: char| {
        c.is_ascii_digit() || "一二三四五六七八九十甲乙丙丁０１２３４５６７８９".contains(c)
    };
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    match long.len() - short.len() {
        0 => {
            let diffs: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            matches!(diffs.as_slice(), [i] if !(numeral(a[*i]) && numeral(b[*i])))
        }
        1 => {
            let at = (0..short.len())
                .find(|&i| short[i] != long[i])
                .unwrap_or(short.len());
            short[at..] == long[at + 1..] && !numeral(long[at])
        }
        _ => false,
    }
}

/// `科室「综合股」与已有的科室「综合科」只差一个字` — refused rather than
/// created as a twin of the section meant.
pub fn near_twin(what: &str, name: &str, existing: &str) -> String {
    format!(
        "{what}「{name}」与已有的{what}「{existing}」只差一个字：如是同一{what}，请改为「{existing}」；如确是另一{what}，请先在单位管理中添加"
    )
}

/// The names among `candidates` closest to `name`, best first, at most
/// `limit`: those sharing the most characters, then the shortest. Offered
/// when a typed name matches nothing in the registry.
pub fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Vec<String> {
    let chars: Vec<char> = name.chars().filter(|c| !c.is_whitespace()).collect();
    let mut scored: Vec<(usize, usize, &str)> = candidates
        .into_iter()
        .map(|c| {
            let shared = c.chars().filter(|x| chars.contains(x)).count();
            (shared, c.chars().count(), c)
        })
        .filter(|(shared, _, _)| *shared > 0)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(b.2)));
    scored.dedup_by(|a, b| a.2 == b.2);
    scored
        .into_iter()
        .take(limit)
        .map(|(_, _, c)| c.to_string())
        .collect()
}

/// `单位「区审批局」下没有科室「综合科」，最接近的：综合服务科、审批科`.
pub fn not_found(what: &str, name: &str, near: &[String]) -> String {
    if near.is_empty() {
        format!("{what}「{name}」不存在")
    } else {
        format!("{what}「{name}」不存在，最接近的：{}", near.join("、"))
    }
}

/// 整改结果 what the rectification columns of a row say, read on the day of
/// import: done and closed on a date, under way with a deadline, or not
/// started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Rectified {
    /// 已销号 on this date.
    Closed(NaiveDate),
    /// 整改中, due on this date.
    InProgress(NaiveDate),
    /// 待整改.
    Pending,
}

/// Reads 整改完成时间 and whether measures (or an effect, for the lists) are
/// written: a date on or before `today` with them → closed on that date; a
/// later date → under way with that deadline; no date → pending.
pub fn rectified(done_on: Option<NaiveDate>, has_measures: bool, today: NaiveDate) -> Rectified {
    match done_on {
        Some(d) if d <= today && has_measures => Rectified::Closed(d),
        Some(d) if d > today => Rectified::InProgress(d),
        // A past date without measures: the claim is not a rectification;
        // it stays open and overdue against that date.
        Some(d) => Rectified::InProgress(d),
        None => Rectified::Pending,
    }
}

/// 第几次 where a row stands among rows that read alike in one table:
/// `walk` counts the earlier walks (sittings, activities) of the same day,
/// person and 体验事项 that the table tells apart (by 上午/下午, a time or
/// 第N次 after the date), `repeat` the earlier rows of the same walk with
/// the same problem. Both are 0 for the first; two walks that look alike,
/// or a problem written down twice, are kept as two records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Seq {
    pub walk: u32,
    pub repeat: u32,
}

impl Seq {
    /// The key suffix of the `n`th (0-based) of its kind: none for the
    /// first, so keys stay as they were before rows were counted.
    pub fn suffix(n: u32) -> String {
        if n == 0 {
            String::new()
        } else {
            format!("#{}", n + 1)
        }
    }
}

/// What the 时间 cell writes after the date to tell the `walk`th (0-based)
/// walk of a day from the earlier ones that look alike: `第2次`.
pub fn walk_label(walk: u32) -> Option<String> {
    (walk > 0).then(|| format!("第{}次", walk + 1))
}

/// The four mark columns of 附件3 走流程形式, in order, with the kind and
/// mode each mark means.
pub const LEDGER_FORMS: [(&str, Mode); 4] = [
    ("驻窗办", Mode::Window),
    ("亲身办", Mode::SelfService),
    ("陪同办", Mode::Accompany),
    ("检验办", Mode::Inspect),
];

/// The mark columns of 坐窗口统计表 问题来源, in order.
pub const WINDOW_SOURCES: [(&str, ProblemSource); 4] = [
    ("企业群众提出", ProblemSource::Public),
    ("工作人员反映", ProblemSource::Staff),
    ("窗口自查发现", ProblemSource::SelfCheck),
    ("其他", ProblemSource::Other),
];

/// The lines above and below a table: 填报单位(盖章)、填报时间、填报人、联系方式.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SheetMeta {
    /// 填报单位 as written on the sheet.
    pub unit: Option<String>,
    /// 填报时间 / 填报日期.
    pub date: Option<NaiveDate>,
    pub filled_by: Option<String>,
    pub contact: Option<String>,
    /// 三个清单 only: 负责人姓名.
    pub official: Option<String>,
    /// 三个清单 only: 参与活动名称.
    pub activity_kind: Option<ActivityKind>,
}

/// 事项清单 row (001 附件2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemEntry {
    pub row: u32,
    pub name: String,
    pub item_type: ItemType,
    pub service_object: ServiceObject,
    pub handling_mode: HandlingMode,
    /// 办理途径: 网址 / 地址.
    pub channel: Option<String>,
    /// 责任科室, a section of the unit.
    pub section: Option<String>,
    pub contact: Option<String>,
    pub note: Option<String>,
    /// 单位 (zlc's trailing column): the unit the item belongs to, when the
    /// table spans several; `None` for the table's 填报单位.
    pub unit: Option<String>,
}

/// 问题整改台账 row (001 附件3): one problem found on one walk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerEntry {
    pub row: u32,
    pub date: NaiveDate,
    /// What 时间 says after the date (上午, 14:30, 第2次), as written.
    pub slot: Option<String>,
    pub person: PersonRef,
    /// 体验事项: one name, or several on lines of their own.
    pub item: Option<String>,
    pub mode: Mode,
    /// 存在问题 and its 原因; `None` for a walk that found nothing.
    pub problem: Option<(String, Option<String>)>,
    pub measures: Option<String>,
    /// 整改完成时间.
    pub done_on: Option<NaiveDate>,
    pub section: Option<String>,
    /// 整改时限 (zlc's trailing column).
    pub deadline: Option<NaiveDate>,
    /// 整改状态 (zlc's trailing column).
    pub status: Option<ProblemStatus>,
    /// 单位 (zlc's trailing column): the unit whose walk it was, when the
    /// table spans several.
    pub unit: Option<String>,
    pub seq: Seq,
}

/// Splits a 体验事项 / 体验内容 cell into the names of the items it lists
/// (one per line, or separated by ；), in order, without repeats.
pub fn item_names(cell: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in cell.split(['\n', '；', ';']) {
        let n = n.trim();
        if !n.is_empty() && !out.iter().any(|x| x == n) {
            out.push(n.to_string());
        }
    }
    out
}

/// 坐窗口时间安排表 row: one planned half-day at the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScheduleEntry {
    pub row: u32,
    pub date: NaiveDate,
    pub slot: crate::campaign::plan::HalfDay,
    pub person: PersonRef,
    pub phone: Option<String>,
    pub note: Option<String>,
    /// 单位 (zlc's trailing column), as for items.
    pub unit: Option<String>,
}

/// 坐窗口统计表 row: one half-day at the window and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WindowStatEntry {
    pub row: u32,
    pub date: NaiveDate,
    /// What 时间 says after the date, as for the ledger.
    pub slot: Option<String>,
    pub person: PersonRef,
    pub visitors: i64,
    /// `None` when no problem was found.
    pub problem: Option<(ProblemSource, String)>,
    pub measures: Option<String>,
    pub done_on: Option<NaiveDate>,
    pub section: Option<String>,
    /// 整改时限, 整改状态 and 单位: zlc's trailing columns, as for the ledger.
    pub deadline: Option<NaiveDate>,
    pub status: Option<ProblemStatus>,
    pub unit: Option<String>,
    pub seq: Seq,
}

/// 问题清单、需求清单和解决措施清单 row (003 附件2): one activity at one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListsEntry {
    pub row: u32,
    pub place: String,
    /// 体验内容: the service item or what was experienced.
    pub content: String,
    /// 体验方式; `None` takes the kind's only mode.
    pub mode: Option<Mode>,
    pub problem: Option<String>,
    pub need: Option<String>,
    pub measure: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub effect: Option<String>,
    pub note: Option<String>,
    /// 整改状态 (zlc's trailing column).
    pub status: Option<ProblemStatus>,
    /// Rows of one place and 体验内容 are one activity, unless 备注 says
    /// `第2次` (a later activity there that day): `walk` counts those, and
    /// `repeat` the earlier rows of the same activity with the same problem.
    pub seq: Seq,
}

/// The walk a 三个清单 row's 备注 says it is: `第2次` (or 第2次体验…) is the
/// second (1, 0-based), nothing the first.
pub fn walk_of_note(note: Option<&str>) -> u32 {
    let Some(n) = note else { return 0 };
    let Some(at) = n.find('第') else { return 0 };
    let rest = &n[at + '第'.len_utf8()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    match (
        digits.parse::<u32>(),
        rest[digits.len()..].starts_with('次'),
    ) {
        (Ok(k), true) if k > 1 => k - 1,
        _ => 0,
    }
}

/// 单位名单 row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitEntry {
    pub row: u32,
    pub name: String,
    /// 上级单位; `None` for a root.
    pub parent: Option<String>,
    pub kind: UnitKind,
    pub categories: Vec<UnitCategory>,
}

/// The rows of one sheet, of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Entries {
    Items(Vec<ItemEntry>),
    Ledger(Vec<LedgerEntry>),
    WindowSchedule(Vec<ScheduleEntry>),
    WindowStats(Vec<WindowStatEntry>),
    Lists(Vec<ListsEntry>),
    Units(Vec<UnitEntry>),
}

impl Entries {
    pub fn kind(&self) -> SheetKind {
        match self {
            Entries::Items(_) => SheetKind::Items,
            Entries::Ledger(_) => SheetKind::Ledger,
            Entries::WindowSchedule(_) => SheetKind::WindowSchedule,
            Entries::WindowStats(_) => SheetKind::WindowStats,
            Entries::Lists(_) => SheetKind::Lists,
            Entries::Units(_) => SheetKind::Units,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Entries::Items(v) => v.len(),
            Entries::Ledger(v) => v.len(),
            Entries::WindowSchedule(v) => v.len(),
            Entries::WindowStats(v) => v.len(),
            Entries::Lists(v) => v.len(),
            Entries::Units(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A sheet read from a file: its header lines and its rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sheet {
    /// The worksheet's name in the file.
    pub name: String,
    pub meta: SheetMeta,
    pub entries: Entries,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn a_row_error_reads_as_the_interface_says() {
        assert_eq!(
            RowError::new(7, "时间", "无法识别的日期「2024.13.5」").to_string(),
            "row 7, column 时间: 无法识别的日期「2024.13.5」"
        );
        assert_eq!(
            RowError::new(3, "", "表头缺少「事项名称」").to_string(),
            "row 3: 表头缺少「事项名称」"
        );
    }

    #[test]
    fn name_and_title_in_one_cell() {
        let p = PersonRef::parse("张三 分管局长").expect("person");
        assert_eq!((p.name.as_str(), p.title.as_str()), ("张三", "分管局长"));
        assert_eq!(p.rank(), Rank::Deputy);
        let p = PersonRef::parse("李四（局长）").expect("person");
        assert_eq!((p.name.as_str(), p.title.as_str()), ("李四", "局长"));
        assert_eq!(p.rank(), Rank::Head);
        let p = PersonRef::parse(" 王五\n审批科科长").expect("person");
        assert_eq!((p.name.as_str(), p.title.as_str()), ("王五", "审批科科长"));
        assert_eq!(p.rank(), Rank::SectionChief);
        let p = PersonRef::parse("赵六").expect("person");
        assert_eq!(p.title, "");
        assert_eq!(p.rank(), Rank::Staff);
        assert!(PersonRef::parse("  ").is_none());
    }

    #[test]
    fn titles_imply_ranks() {
        assert_eq!(rank_of_title("副局长"), Rank::Deputy);
        assert_eq!(rank_of_title("党组书记、局长"), Rank::Head);
        assert_eq!(rank_of_title("主要负责人"), Rank::Head);
        assert_eq!(rank_of_title("业务科长"), Rank::SectionChief);
        assert_eq!(rank_of_title("科员"), Rank::Staff);
    }

    #[test]
    fn walks_that_found_nothing() {
        for t in ["", " 无 ", "暂无", "未发现问题。", "无问题"] {
            assert!(found_nothing(t), "{t}");
        }
        assert!(!found_nothing("窗口少、排队长"));
        assert!(!found_nothing("无障碍通道被占用"));
    }

    #[test]
    fn cause_after_its_marker() {
        assert_eq!(
            split_cause("证明材料重复提交。原因：部门间数据未共享"),
            (
                "证明材料重复提交".to_string(),
                Some("部门间数据未共享".to_string())
            )
        );
        assert_eq!(
            split_cause("网办流程不畅，原因:系统未对接"),
            ("网办流程不畅".to_string(), Some("系统未对接".to_string()))
        );
        assert_eq!(split_cause("排队时间长"), ("排队时间长".to_string(), None));
        // The form's old placeholder invited typing the prefix; the table adds its own.
        assert_eq!(
            split_cause("排队时间长。原因：原因：人手不足"),
            ("排队时间长".to_string(), Some("人手不足".to_string()))
        );
    }

    #[test]
    fn a_cause_is_kept_without_its_prefix() {
        assert_eq!(cause_text("原因：人手不足").as_deref(), Some("人手不足"));
        assert_eq!(
            cause_text(" 原因: 原因：人手不足 ").as_deref(),
            Some("人手不足")
        );
        assert_eq!(
            cause_text("人手不足，原因复杂").as_deref(),
            Some("人手不足，原因复杂")
        );
        assert_eq!(cause_text("原因："), None);
        assert_eq!(cause_text("  "), None);
    }

    #[test]
    fn names_one_character_apart_are_slips_not_series() {
        assert!(one_char_apart("综合股", "综合科"));
        assert!(one_char_apart("医保经办科", "医保经办股"));
        assert!(one_char_apart("登记注册科", "登记注册"));
        assert!(one_char_apart("审批服务科", "审批服科"));
        assert!(!one_char_apart("综合科", "综合科"));
        assert!(!one_char_apart("审批一科", "审批二科"), "a numbered series");
        assert!(!one_char_apart("审批科", "审批一科"), "a numbered series");
        assert!(!one_char_apart("医保经办科", "医保科"));
        assert!(!one_char_apart("执法大队", "执法一中队"));
    }

    #[test]
    fn an_item_cell_lists_one_name_a_line() {
        assert_eq!(item_names("企业开办"), ["企业开办"]);
        assert_eq!(
            item_names("企业开办\n 个体工商户登记；企业开办"),
            ["企业开办", "个体工商户登记"]
        );
        assert!(item_names(" \n ").is_empty());
        assert_eq!(walk_label(0), None);
        assert_eq!(walk_label(1).as_deref(), Some("第2次"));
        assert_eq!(walk_of_note(Some("第2次")), 1);
        assert_eq!(walk_of_note(Some("同日第3次体验")), 2);
        assert_eq!(walk_of_note(Some("第1次")), 0);
        assert_eq!(walk_of_note(Some("第二次")), 0);
        assert_eq!(walk_of_note(None), 0);
        assert_eq!(Seq::suffix(0), "");
        assert_eq!(Seq::suffix(2), "#3");
    }

    #[test]
    fn rectification_read_on_the_day_of_import() {
        let today = d("2024-04-10");
        assert_eq!(
            rectified(Some(d("2024-03-20")), true, today),
            Rectified::Closed(d("2024-03-20"))
        );
        assert_eq!(
            rectified(Some(d("2024-04-10")), true, today),
            Rectified::Closed(d("2024-04-10"))
        );
        assert_eq!(
            rectified(Some(d("2024-05-01")), true, today),
            Rectified::InProgress(d("2024-05-01"))
        );
        assert_eq!(
            rectified(Some(d("2024-03-20")), false, today),
            Rectified::InProgress(d("2024-03-20"))
        );
        assert_eq!(rectified(None, true, today), Rectified::Pending);
    }

    #[test]
    fn closest_names_first() {
        let names = ["区行政审批局", "区市场监管局", "区审批服务中心", "区卫健局"];
        assert_eq!(
            closest("区审批局", names, 2),
            ["区行政审批局", "区审批服务中心"]
        );
        assert!(closest("xyz", names, 3).is_empty());
        assert_eq!(
            not_found("单位", "区审批局", &closest("区审批局", names, 1)),
            "单位「区审批局」不存在，最接近的：区行政审批局"
        );
    }

    #[test]
    fn sheet_kinds_by_code_and_title() {
        for k in SheetKind::ALL {
            assert_eq!(SheetKind::parse(k.code()), Some(*k));
            assert_eq!(SheetKind::parse(k.label_zh()), Some(*k));
        }
        assert_eq!(
            SheetKind::parse("window-stats"),
            Some(SheetKind::WindowStats)
        );
        assert!(!SheetKind::Units.needs_unit());
    }
}
