//! Reads a policy from TOML by walking the toml_edit document, so that every
//! problem is collected (not only the first, as serde would) with the dotted
//! key and the line it is on.

use super::*;
use crate::kinds::{ActivityKind, Channel, Disposition, Mode, ProblemStatus, Rank, Trigger};
use std::collections::BTreeSet;
use std::ops::{Range, RangeInclusive};
use toml_edit::{ImDocument, Item, TableLike, Value};

/// A closed vocabulary as the reader needs it: its Chinese noun for error
/// messages, parsing, the choices and a word's label.
trait Word: Copy + PartialEq {
    const NOUN: &'static str;
    fn parse_word(s: &str) -> Option<Self>;
    fn choices() -> String;
    fn label(self) -> &'static str;
}

macro_rules! words {
    ($($t:ty: $noun:literal),+ $(,)?) => {$(
        impl Word for $t {
            const NOUN: &'static str = $noun;
            fn parse_word(s: &str) -> Option<Self> {
                <$t>::parse(s)
            }
            fn choices() -> String {
                <$t>::choices_zh()
            }
            fn label(self) -> &'static str {
                self.label_zh()
            }
        }
    )+};
}

words!(
    ActivityKind: "活动类型",
    Mode: "方式",
    Channel: "渠道",
    Rank: "职级",
    Trigger: "触发方式",
    ProblemStatus: "整改状态",
    Disposition: "处置方式",
    PeriodKind: "期间类型",
    PeriodEdge: "期间端点",
    InstantEvent: "事由",
    InstantDeadline: "完成时限",
    CloseField: "销号要件",
    ListKind: "清单",
);

/// The reader: the source (for line numbers) and the errors so far.
struct Reader<'s> {
    src: &'s str,
    errors: Vec<PolicyError>,
}

/// A table being read: its dotted path, contents and header line.
struct Tab<'a> {
    path: String,
    t: &'a dyn TableLike,
    line: usize,
}

/// A value with where it is: its path and line.
struct At<'a> {
    path: String,
    line: usize,
    v: &'a Value,
}

fn type_zh(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "字符串",
        Value::Integer(_) => "整数",
        Value::Float(_) => "小数",
        Value::Boolean(_) => "布尔值",
        Value::Datetime(_) => "日期",
        Value::Array(_) => "数组",
        Value::InlineTable(_) => "表",
    }
}

fn item_type_zh(i: &Item) -> &'static str {
    match i {
        Item::None => "空",
        Item::Value(v) => type_zh(v),
        Item::Table(_) => "表",
        Item::ArrayOfTables(_) => "表数组",
    }
}

/// Edit distance, for "did you mean" on typo'd keys.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

impl<'s> Reader<'s> {
    fn line(&self, span: Option<Range<usize>>) -> Option<usize> {
        let start = span?.start.min(self.src.len());
        Some(self.src[..start].bytes().filter(|&b| b == b'\n').count() + 1)
    }

    fn push(&mut self, key: impl Into<String>, line: usize, message: impl Into<String>) {
        self.errors.push(PolicyError {
            key: key.into(),
            line,
            message: message.into(),
        });
    }

    fn path(t: &Tab, key: &str) -> String {
        if t.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", t.path)
        }
    }

    /// The line of `key` in `t` (of the table itself when the key is absent).
    fn key_line(&self, t: &Tab, key: &str) -> usize {
        t.t.get_key_value(key)
            .and_then(|(k, i)| self.line(k.span()).or_else(|| self.line(i.span())))
            .unwrap_or(t.line)
    }

    fn value_line(&self, v: &Value, fallback: usize) -> usize {
        self.line(v.span()).unwrap_or(fallback)
    }

    /// Reports keys of `t` that are not in `known`.
    fn check_keys(&mut self, t: &Tab, known: &[&str]) {
        for (k, _) in t.t.iter() {
            if known.contains(&k) {
                continue;
            }
            let line = self.key_line(t, k);
            let near = known
                .iter()
                .map(|c| (distance(k, c), *c))
                .filter(|(d, _)| *d <= 2)
                .min();
            let msg = match near {
                Some((_, c)) => format!("未知的键「{k}」，是否应为「{c}」？"),
                None => format!("未知的键「{k}」，可用的键：{}", known.join("、")),
            };
            self.push(Self::path(t, k), line, msg);
        }
    }

    /// Turns an item into a table (a `[header]` table or an inline one).
    fn as_tab<'a>(
        &mut self,
        path: String,
        item: &'a Item,
        line: usize,
        known: &[&str],
    ) -> Option<Tab<'a>> {
        match item.as_table_like() {
            Some(t) => {
                let line = self.line(item.span()).unwrap_or(line);
                let tab = Tab { path, t, line };
                self.check_keys(&tab, known);
                Some(tab)
            }
            None => {
                self.push(
                    path,
                    line,
                    format!("类型错误：应为表，实际为{}", item_type_zh(item)),
                );
                None
            }
        }
    }

    fn missing(&mut self, t: &Tab, key: &str) {
        let line = t.line;
        self.push(Self::path(t, key), line, format!("缺少必填的键「{key}」"));
    }

    /// A sub-table.
    fn sub<'a>(
        &mut self,
        t: &Tab<'a>,
        key: &str,
        required: bool,
        known: &[&str],
    ) -> Option<Tab<'a>> {
        match t.t.get(key) {
            Some(item) => {
                let line = self.key_line(t, key);
                self.as_tab(Self::path(t, key), item, line, known)
            }
            None => {
                if required {
                    self.missing(t, key);
                }
                None
            }
        }
    }

    /// A plain value of `t`; reports a missing required key or a table where
    /// a value belongs.
    fn value<'a>(&mut self, t: &Tab<'a>, key: &str, required: bool) -> Option<At<'a>> {
        let path = Self::path(t, key);
        match t.t.get(key) {
            None => {
                if required {
                    self.missing(t, key);
                }
                None
            }
            Some(Item::Value(v)) => Some(At {
                line: self.key_line(t, key),
                path,
                v,
            }),
            Some(other) => {
                let line = self.key_line(t, key);
                self.push(
                    path,
                    line,
                    format!("类型错误：应为值，实际为{}", item_type_zh(other)),
                );
                None
            }
        }
    }

    fn wrong_type(&mut self, at: &At, want: &str) {
        self.push(
            at.path.clone(),
            at.line,
            format!("类型错误：应为{want}，实际为{}", type_zh(at.v)),
        );
    }

    fn as_str(&mut self, at: &At) -> Option<String> {
        match at.v.as_str() {
            Some(s) if s.trim().is_empty() => {
                self.push(at.path.clone(), at.line, "不能为空");
                None
            }
            Some(s) => Some(s.trim().to_string()),
            None => {
                self.wrong_type(at, "字符串");
                None
            }
        }
    }

    fn string(&mut self, t: &Tab, key: &str, required: bool) -> Option<String> {
        let at = self.value(t, key, required)?;
        self.as_str(&at)
    }

    fn code(&mut self, t: &Tab, key: &str) -> Option<String> {
        let at = self.value(t, key, true)?;
        let s = self.as_str(&at)?;
        if is_code(&s) {
            Some(s)
        } else {
            self.push(
                at.path,
                at.line,
                format!("代码「{s}」无效：只能用小写英文字母、数字和连字符"),
            );
            None
        }
    }

    fn as_int(&mut self, at: &At, range: RangeInclusive<i64>) -> Option<i64> {
        match at.v.as_integer() {
            Some(n) if n < 0 && *range.start() >= 0 => {
                self.push(at.path.clone(), at.line, format!("不能为负数（{n}）"));
                None
            }
            Some(n) if !range.contains(&n) => {
                self.push(
                    at.path.clone(),
                    at.line,
                    format!(
                        "{n} 超出范围：应在 {} 到 {} 之间",
                        range.start(),
                        range.end()
                    ),
                );
                None
            }
            Some(n) => Some(n),
            None => {
                self.wrong_type(at, "整数");
                None
            }
        }
    }

    fn int(
        &mut self,
        t: &Tab,
        key: &str,
        required: bool,
        range: RangeInclusive<i64>,
    ) -> Option<i64> {
        let at = self.value(t, key, required)?;
        self.as_int(&at, range)
    }

    /// A count: an integer that fits u32, at least `min`.
    fn count(&mut self, t: &Tab, key: &str, required: bool, min: u32) -> Option<u32> {
        let n = self.int(t, key, required, i64::from(min)..=i64::from(u32::MAX))?;
        u32::try_from(n).ok()
    }

    fn number(
        &mut self,
        t: &Tab,
        key: &str,
        required: bool,
        range: RangeInclusive<f64>,
    ) -> Option<f64> {
        let at = self.value(t, key, required)?;
        let n = match at.v {
            Value::Integer(i) => *i.value() as f64,
            Value::Float(f) => *f.value(),
            _ => {
                self.wrong_type(&at, "数字");
                return None;
            }
        };
        if n < 0.0 && *range.start() >= 0.0 {
            self.push(at.path, at.line, format!("不能为负数（{n}）"));
            None
        } else if !range.contains(&n) {
            self.push(
                at.path,
                at.line,
                format!(
                    "{n} 超出范围：应在 {} 到 {} 之间",
                    range.start(),
                    range.end()
                ),
            );
            None
        } else {
            Some(n)
        }
    }

    fn boolean(&mut self, t: &Tab, key: &str, default: Option<bool>) -> Option<bool> {
        let at = self.value(t, key, default.is_none());
        let Some(at) = at else { return default };
        match at.v.as_bool() {
            Some(b) => Some(b),
            None => {
                self.wrong_type(&at, "布尔值（true 或 false）");
                None
            }
        }
    }

    fn as_date(&mut self, at: &At) -> Option<NaiveDate> {
        match at.v {
            Value::Datetime(dt) => {
                let dt = dt.value();
                match (dt.date, dt.time) {
                    (Some(d), None) => NaiveDate::from_ymd_opt(
                        i32::from(d.year),
                        u32::from(d.month),
                        u32::from(d.day),
                    ),
                    _ => {
                        self.push(
                            at.path.clone(),
                            at.line,
                            "应为日期（如 2024-03-05），不要带时间",
                        );
                        None
                    }
                }
            }
            Value::String(s) => match NaiveDate::parse_from_str(s.value(), "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    self.push(
                        at.path.clone(),
                        at.line,
                        format!("「{}」不是有效的日期，应写作 2024-03-05", s.value()),
                    );
                    None
                }
            },
            _ => {
                self.wrong_type(at, "日期");
                None
            }
        }
    }

    fn date(&mut self, t: &Tab, key: &str, required: bool) -> Option<NaiveDate> {
        let at = self.value(t, key, required)?;
        self.as_date(&at)
    }

    fn as_vocab<T: Word>(&mut self, at: &At) -> Option<T> {
        let s = match at.v.as_str() {
            Some(s) => s,
            None => {
                self.wrong_type(at, "字符串");
                return None;
            }
        };
        match T::parse_word(s) {
            Some(v) => Some(v),
            None => {
                self.push(
                    at.path.clone(),
                    at.line,
                    format!("未知的{}「{s}」，可选：{}", T::NOUN, T::choices()),
                );
                None
            }
        }
    }

    fn vocab<T: Word>(&mut self, t: &Tab, key: &str, required: bool) -> Option<T> {
        let at = self.value(t, key, required)?;
        self.as_vocab(&at)
    }

    /// An array of values, each read by `f`; elements in error are dropped
    /// (after reporting). `None` when the key is missing or not an array.
    fn list<'a, T>(
        &mut self,
        t: &Tab<'a>,
        key: &str,
        required: bool,
        mut f: impl FnMut(&mut Self, &At<'a>) -> Option<T>,
    ) -> Option<Vec<T>> {
        let at = self.value(t, key, required)?;
        let Some(arr) = at.v.as_array() else {
            self.wrong_type(&at, "数组");
            return None;
        };
        let mut out = Vec::new();
        for v in arr.iter() {
            let el = At {
                path: at.path.clone(),
                line: self.value_line(v, at.line),
                v,
            };
            if let Some(x) = f(self, &el) {
                out.push(x);
            }
        }
        Some(out)
    }

    /// A list of vocabulary words, duplicates reported.
    fn vocab_list<T: Word>(&mut self, t: &Tab, key: &str, required: bool) -> Option<Vec<T>> {
        let items = self.list(t, key, required, |r, el| {
            r.as_vocab::<T>(el).map(|v| (v, el.line))
        })?;
        let mut out: Vec<T> = Vec::new();
        for (v, line) in items {
            if out.contains(&v) {
                self.push(Self::path(t, key), line, format!("「{}」重复", v.label()));
            } else {
                out.push(v);
            }
        }
        Some(out)
    }

    fn strings(&mut self, t: &Tab, key: &str, required: bool) -> Option<Vec<String>> {
        self.list(t, key, required, |r, el| r.as_str(el))
    }

    /// An array of tables: `[[key]]` or `key = [{…}, {…}]`.
    fn tables<'a>(&mut self, t: &Tab<'a>, key: &str, known: &[&str]) -> Vec<Tab<'a>> {
        let Some(item) = t.t.get(key) else {
            return Vec::new();
        };
        let base = Self::path(t, key);
        let line = self.key_line(t, key);
        let mut out = Vec::new();
        match item {
            Item::ArrayOfTables(a) => {
                for (i, tbl) in a.iter().enumerate() {
                    let l = self.line(tbl.span()).unwrap_or(line);
                    let tab = Tab {
                        path: format!("{base}[{i}]"),
                        t: tbl,
                        line: l,
                    };
                    self.check_keys(&tab, known);
                    out.push(tab);
                }
            }
            Item::Value(Value::Array(a)) => {
                for (i, v) in a.iter().enumerate() {
                    let l = self.value_line(v, line);
                    match v.as_inline_table() {
                        Some(tbl) => {
                            let tab = Tab {
                                path: format!("{base}[{i}]"),
                                t: tbl,
                                line: l,
                            };
                            self.check_keys(&tab, known);
                            out.push(tab);
                        }
                        None => self.push(
                            format!("{base}[{i}]"),
                            l,
                            format!("类型错误：应为表，实际为{}", type_zh(v)),
                        ),
                    }
                }
            }
            other => self.push(
                base,
                line,
                format!("类型错误：应为表数组，实际为{}", item_type_zh(other)),
            ),
        }
        out
    }
}

/// Reads and checks a whole policy.
pub(super) fn read(src: &str) -> Result<Policy, PolicyErrors> {
    let mut r = Reader {
        src,
        errors: Vec::new(),
    };
    let doc = match ImDocument::parse(src) {
        Ok(doc) => doc,
        Err(e) => {
            let line = r.line(e.span()).unwrap_or(1);
            let detail = e.message().lines().next().unwrap_or("").trim().to_string();
            return Err(PolicyErrors(vec![PolicyError {
                key: String::new(),
                line,
                message: format!("TOML 语法错误（{detail}）"),
            }]));
        }
    };
    let root = Tab {
        path: String::new(),
        t: doc.as_table(),
        line: 1,
    };
    r.check_keys(
        &root,
        &[
            "meta",
            "kinds",
            "frequency",
            "coverage",
            "instant",
            "filing",
            "plan",
            "reports",
            "rectification",
            "grading",
            "formalism",
            "requirements",
            "reminders",
        ],
    );

    let meta = read_meta(&mut r, &root);
    let (kinds, named_kinds) = read_kinds(&mut r, &root);
    let frequency = read_frequency(&mut r, &root, &named_kinds);
    let coverage = r
        .sub(&root, "coverage", false, &["all_items_every"])
        .and_then(|t| {
            let every = r.vocab::<PeriodKind>(&t, "all_items_every", true)?;
            Some(CoverageRule {
                all_items_every: every,
            })
        });
    let instant = read_instant(&mut r, &root);
    let filing = read_filing(&mut r, &root);
    let plan = read_plan(&mut r, &root);
    let reports = read_due_items(&mut r, &root, "reports");
    let rectification = read_rectification(&mut r, &root);
    let grading = read_grading(&mut r, &root);
    let formalism = read_formalism(&mut r, &root);
    let reminders = read_reminders(&mut r, &root);
    let requirements = r
        .tables(&root, "requirements", &["title", "text"])
        .into_iter()
        .filter_map(|t| {
            let title = r.string(&t, "title", true);
            let text = r.string(&t, "text", true);
            Some(Requirement {
                title: title?,
                text: text?,
            })
        })
        .collect();

    if !r.errors.is_empty() {
        let mut errors = r.errors;
        errors.sort_by(|a, b| a.line.cmp(&b.line).then_with(|| a.key.cmp(&b.key)));
        errors.dedup();
        return Err(PolicyErrors(errors));
    }
    match (meta, filing, plan, rectification, grading, formalism) {
        (
            Some(meta),
            Some(filing),
            Some(plan),
            Some(rectification),
            Some(grading),
            Some(formalism),
        ) => Ok(Policy {
            meta,
            kinds,
            frequency,
            coverage,
            instant,
            filing,
            plan,
            reports,
            rectification,
            grading,
            formalism,
            requirements,
            reminders,
        }),
        // Every None above was reported; this arm is reached only if a reader
        // returned None without an error, which would be a bug here.
        _ => Err(PolicyErrors(vec![PolicyError {
            key: String::new(),
            line: 1,
            message: "政策文件不完整".to_string(),
        }])),
    }
}

fn read_meta(r: &mut Reader, root: &Tab) -> Option<Meta> {
    let t = r.sub(
        root,
        "meta",
        true,
        &[
            "code",
            "name",
            "issuer",
            "issued",
            "document_no",
            "seed",
            "scope",
        ],
    )?;
    let code = r.code(&t, "code");
    let name = r.string(&t, "name", true);
    let issuer = r.string(&t, "issuer", true);
    let issued = r.date(&t, "issued", false);
    let document_no = r.string(&t, "document_no", false);
    let seed = r.string(&t, "seed", true);
    let scope = r.string(&t, "scope", false);
    Some(Meta {
        code: code?,
        name: name?,
        issuer: issuer?,
        issued,
        document_no,
        seed: seed?,
        scope,
    })
}

const KIND_KEYS: &[&str] = &[
    "modes",
    "channels",
    "min_duration_hours",
    "lead",
    "focus",
    "steps",
];
const STEP_KEYS: &[&str] = &["code", "label", "detail", "required", "items", "callbacks"];

/// The kinds table: each key is a kind. Returns the rules read and every
/// kind named (even one whose rules are broken), for the checks that follow.
fn read_kinds(
    r: &mut Reader,
    root: &Tab,
) -> (BTreeMap<ActivityKind, KindRule>, BTreeSet<ActivityKind>) {
    let mut out = BTreeMap::new();
    let mut named = BTreeSet::new();
    let Some(item) = root.t.get("kinds") else {
        r.missing(root, "kinds");
        return (out, named);
    };
    let line = r.key_line(root, "kinds");
    let Some(t) = item.as_table_like() else {
        r.push(
            "kinds",
            line,
            format!("类型错误：应为表，实际为{}", item_type_zh(item)),
        );
        return (out, named);
    };
    // Keys are kinds, not fixed names, so they are checked here.
    let kinds = Tab {
        path: "kinds".to_string(),
        t,
        line: r.line(item.span()).unwrap_or(line),
    };
    if kinds.t.is_empty() {
        r.push("kinds", kinds.line, "至少要允许一种活动类型");
    }
    for (name, item) in kinds.t.iter() {
        let line = r.key_line(&kinds, name);
        let path = Reader::path(&kinds, name);
        let Some(kind) = ActivityKind::parse(name) else {
            r.push(
                path,
                line,
                format!(
                    "未知的活动类型「{name}」，可选：{}",
                    ActivityKind::choices_zh()
                ),
            );
            continue;
        };
        if !named.insert(kind) {
            r.push(path, line, format!("活动类型「{}」重复", kind.label_zh()));
            continue;
        }
        let Some(t) = r.as_tab(path, item, line, KIND_KEYS) else {
            continue;
        };
        let rule = read_kind(r, &t, kind);
        out.insert(kind, rule);
    }
    (out, named)
}

fn read_kind(r: &mut Reader, t: &Tab, kind: ActivityKind) -> KindRule {
    let modes = r.vocab_list::<Mode>(t, "modes", true).unwrap_or_default();
    let empty_array =
        t.t.get("modes")
            .and_then(Item::as_array)
            .is_some_and(|a| a.is_empty());
    if empty_array {
        let line = r.key_line(t, "modes");
        r.push(Reader::path(t, "modes"), line, "至少要有一种方式");
    }
    for m in &modes {
        if m.kind() != kind {
            let line = r.key_line(t, "modes");
            r.push(
                Reader::path(t, "modes"),
                line,
                format!(
                    "方式「{}」属于{}，不能用于{}；{}可用的方式：{}",
                    m.label_zh(),
                    m.kind().label_zh(),
                    kind.label_zh(),
                    kind.label_zh(),
                    kind.modes()
                        .iter()
                        .map(|m| m.label_zh())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            );
        }
    }
    let channels = r
        .vocab_list::<Channel>(t, "channels", false)
        .unwrap_or_default();
    let min_duration_hours = r.number(t, "min_duration_hours", false, 0.0..=24.0);
    let lead = r.string(t, "lead", false);
    let focus = r.strings(t, "focus", false).unwrap_or_default();
    let mut steps: Vec<Step> = Vec::new();
    for st in r.tables(t, "steps", STEP_KEYS) {
        let code = r.code(&st, "code");
        let label = r.string(&st, "label", true);
        let detail = r.string(&st, "detail", false);
        let required = r.boolean(&st, "required", Some(true)).unwrap_or(true);
        let items = r.sub(&st, "items", false, &["min", "max"]).and_then(|it| {
            let min = r.count(&it, "min", true, 1);
            let max = r.count(&it, "max", true, 1);
            let (min, max) = (min?, max?);
            if max < min {
                let line = r.key_line(&it, "max");
                r.push(
                    Reader::path(&it, "max"),
                    line,
                    format!("上限 {max} 小于下限 {min}"),
                );
                return None;
            }
            Some(CountRange { min, max })
        });
        let callbacks = r
            .sub(&st, "callbacks", false, &["min_valid", "lookback_months"])
            .and_then(|cb| {
                let min_valid = r.count(&cb, "min_valid", true, 1);
                let lookback_months = r.count(&cb, "lookback_months", true, 1);
                Some(CallbackRule {
                    min_valid: min_valid?,
                    lookback_months: lookback_months?,
                })
            });
        let (Some(code), Some(label)) = (code, label) else {
            continue;
        };
        if steps.iter().any(|s| s.code == code) {
            let line = r.key_line(&st, "code");
            r.push(
                Reader::path(&st, "code"),
                line,
                format!("环节代码「{code}」重复"),
            );
            continue;
        }
        steps.push(Step {
            code,
            label,
            detail,
            required,
            items,
            callbacks,
        });
    }
    KindRule {
        modes,
        channels,
        min_duration_hours,
        lead,
        focus,
        steps,
    }
}

fn read_frequency(
    r: &mut Reader,
    root: &Tab,
    kinds: &BTreeSet<ActivityKind>,
) -> Vec<FrequencyRule> {
    let known = [
        "kinds",
        "ranks",
        "every",
        "times",
        "first_due",
        "delegate_to",
        "note",
    ];
    let mut out = Vec::new();
    for t in r.tables(root, "frequency", &known) {
        let ks = r.vocab_list::<ActivityKind>(&t, "kinds", true);
        if let Some(ks) = &ks {
            let line = r.key_line(&t, "kinds");
            if ks.is_empty() {
                r.push(Reader::path(&t, "kinds"), line, "至少要有一种活动类型");
            }
            for k in ks {
                // A missing or broken [kinds] table was reported already.
                if !kinds.is_empty() && !kinds.contains(k) {
                    r.push(
                        Reader::path(&t, "kinds"),
                        line,
                        format!("活动类型「{}」未在 [kinds] 中允许", k.label_zh()),
                    );
                }
            }
        }
        let ranks = r.vocab_list::<Rank>(&t, "ranks", true);
        if ranks.as_ref().is_some_and(Vec::is_empty) {
            let line = r.key_line(&t, "ranks");
            r.push(Reader::path(&t, "ranks"), line, "至少要有一种职级");
        }
        let every = r.vocab::<PeriodKind>(&t, "every", true);
        let times = if t.t.get("times").is_some() {
            r.count(&t, "times", true, 1)
        } else {
            Some(1)
        };
        let first_due = r.date(&t, "first_due", false);
        let delegate_to = r
            .vocab_list::<Rank>(&t, "delegate_to", false)
            .unwrap_or_default();
        if let Some(ranks) = &ranks {
            for d in &delegate_to {
                if ranks.contains(d) {
                    let line = r.key_line(&t, "delegate_to");
                    r.push(
                        Reader::path(&t, "delegate_to"),
                        line,
                        format!("「{}」已在 ranks 中，无需委托", d.label_zh()),
                    );
                }
            }
        }
        let note = r.string(&t, "note", false);
        if let (Some(kinds), Some(ranks), Some(every), Some(times)) = (ks, ranks, every, times) {
            out.push(FrequencyRule {
                kinds,
                ranks,
                every,
                times,
                first_due,
                delegate_to,
                note,
            });
        }
    }
    out
}

fn read_instant(r: &mut Reader, root: &Tab) -> Vec<InstantRule> {
    let known = ["event", "trigger", "deadline", "working_days", "cluster"];
    let mut out: Vec<InstantRule> = Vec::new();
    for t in r.tables(root, "instant", &known) {
        let event = r.vocab::<InstantEvent>(&t, "event", true);
        let trigger = r.vocab::<Trigger>(&t, "trigger", true);
        if trigger == Some(Trigger::Regular) {
            let line = r.key_line(&t, "trigger");
            r.push(
                Reader::path(&t, "trigger"),
                line,
                "即时规则的触发方式应为即时或跟踪，不能是定期",
            );
        }
        let deadline = r.vocab::<InstantDeadline>(&t, "deadline", true);
        let working_days = r.count(&t, "working_days", false, 0);
        match (deadline, working_days) {
            (Some(InstantDeadline::Immediately), None) if t.t.get("working_days").is_none() => {
                r.push(
                    Reader::path(&t, "working_days"),
                    t.line,
                    "时限为「立即」时须用 working_days 写明几个工作日内完成",
                );
            }
            (Some(d), Some(_)) if d != InstantDeadline::Immediately => {
                let line = r.key_line(&t, "working_days");
                r.push(
                    Reader::path(&t, "working_days"),
                    line,
                    format!(
                        "只有时限为「立即」时才能设置 working_days（当前为「{}」）",
                        d.label_zh()
                    ),
                );
            }
            _ => {}
        }
        let cluster = r
            .sub(&t, "cluster", false, &["min_tickets", "within_days"])
            .and_then(|c| {
                let min_tickets = r.count(&c, "min_tickets", true, 2);
                let within_days = r.count(&c, "within_days", true, 1);
                Some(ClusterRule {
                    min_tickets: min_tickets?,
                    within_days: within_days?,
                })
            });
        if cluster.is_some() && event.is_some_and(|e| e != InstantEvent::ComplaintCluster) {
            let line = r.key_line(&t, "cluster");
            r.push(
                Reader::path(&t, "cluster"),
                line,
                "cluster 只适用于事由「投诉集中」",
            );
        }
        if let (Some(event), Some(trigger), Some(deadline)) = (event, trigger, deadline) {
            if out.iter().any(|o| o.event == event) {
                let line = r.key_line(&t, "event");
                r.push(
                    Reader::path(&t, "event"),
                    line,
                    format!("事由「{}」重复", event.label_zh()),
                );
                continue;
            }
            out.push(InstantRule {
                event,
                trigger,
                deadline,
                working_days,
                cluster,
            });
        }
    }
    out
}

fn read_filing(r: &mut Reader, root: &Tab) -> Option<FilingRule> {
    let t = r.sub(root, "filing", true, &["within_working_days", "to"])?;
    let within = r.count(&t, "within_working_days", true, 0);
    let to = r.string(&t, "to", false);
    Some(FilingRule {
        within_working_days: within?,
        to,
    })
}

/// `[reminders]` is optional: without it the ladder runs on its defaults.
fn read_reminders(r: &mut Reader, root: &Tab) -> ReminderRule {
    let default = ReminderRule::default();
    let Some(t) = r.sub(
        root,
        "reminders",
        false,
        &[
            "before_working_days",
            "escalate_after_working_days",
            "chase_days",
        ],
    ) else {
        return default;
    };
    ReminderRule {
        before_working_days: r
            .count(&t, "before_working_days", false, 0)
            .unwrap_or(default.before_working_days),
        escalate_after_working_days: r
            .count(&t, "escalate_after_working_days", false, 1)
            .unwrap_or(default.escalate_after_working_days),
        chase_days: r
            .count(&t, "chase_days", false, 0)
            .unwrap_or(default.chase_days),
    }
}

fn read_plan(r: &mut Reader, root: &Tab) -> Option<PlanRule> {
    let t = r.sub(
        root,
        "plan",
        true,
        &["publish", "publish_ahead_working_days", "schedules"],
    )?;
    let publish = r.boolean(&t, "publish", None);
    let ahead = r.count(&t, "publish_ahead_working_days", false, 0);
    if ahead.is_some() && publish == Some(false) {
        let line = r.key_line(&t, "publish_ahead_working_days");
        r.push(
            Reader::path(&t, "publish_ahead_working_days"),
            line,
            "publish 为 false 时不应设置提前公示天数",
        );
    }
    let schedules = read_due_items(r, &t, "schedules");
    Some(PlanRule {
        publish: publish?,
        publish_ahead_working_days: ahead,
        schedules,
    })
}

fn read_due_items(r: &mut Reader, parent: &Tab, key: &str) -> Vec<DueItem> {
    let known = [
        "code",
        "name",
        "period",
        "due",
        "to",
        "content",
        "overrides",
    ];
    let mut out: Vec<DueItem> = Vec::new();
    for t in r.tables(parent, key, &known) {
        let code = r.code(&t, "code");
        let name = r.string(&t, "name", true);
        let period = r.vocab::<PeriodKind>(&t, "period", true);
        let due = r
            .sub(&t, "due", true, &["from", "offset_months", "months", "day"])
            .and_then(|d| read_due_rule(r, &d, period));
        let to = r.string(&t, "to", false);
        let content = r.string(&t, "content", false);
        let mut overrides = Vec::new();
        for o in r.tables(&t, "overrides", &["period", "date"]) {
            let p = r
                .value(&o, "period", true)
                .and_then(|at| match at.v.as_str() {
                    Some(s) => match Period::parse(s) {
                        Ok(p) => Some((p, at)),
                        Err(e) => {
                            r.push(at.path.clone(), at.line, e.to_string());
                            None
                        }
                    },
                    None => {
                        r.wrong_type(&at, "字符串");
                        None
                    }
                });
            let date = r.date(&o, "date", true);
            if let (Some((p, at)), Some(period)) = (&p, period)
                && p.kind() != period
            {
                r.push(
                    at.path.clone(),
                    at.line,
                    format!("期间「{p}」应为{}", period.label_zh()),
                );
            }
            if let (Some((p, _)), Some(date)) = (p, date) {
                overrides.push(DueOverride { period: p, date });
            }
        }
        if let (Some(code), Some(name), Some(period), Some(due)) = (code, name, period, due) {
            if out.iter().any(|o| o.code == code) {
                let line = r.key_line(&t, "code");
                r.push(
                    Reader::path(&t, "code"),
                    line,
                    format!("代码「{code}」重复"),
                );
                continue;
            }
            out.push(DueItem {
                code,
                name,
                period,
                due,
                to,
                content,
                overrides,
            });
        }
    }
    out
}

fn read_due_rule(r: &mut Reader, t: &Tab, period: Option<PeriodKind>) -> Option<DueRule> {
    let has_months = t.t.get("months").is_some();
    let from = if t.t.get("from").is_some() {
        r.vocab::<PeriodEdge>(t, "from", true)
    } else {
        Some(PeriodEdge::End)
    };
    let offset = if t.t.get("offset_months").is_some() {
        r.int(t, "offset_months", true, -12..=12)
            .and_then(|n| i32::try_from(n).ok())
    } else {
        Some(0)
    };
    let months = if has_months {
        let m = r.list(t, "months", true, |r, el| {
            r.as_int(el, 1..=12).and_then(|n| u32::try_from(n).ok())
        });
        if let (Some(m), Some(p)) = (&m, period)
            && m.len() != p.per_year() as usize
        {
            let line = r.key_line(t, "months");
            r.push(
                Reader::path(t, "months"),
                line,
                format!(
                    "期间为{}时应列 {} 个月份，实际 {} 个",
                    p.label_zh(),
                    p.per_year(),
                    m.len()
                ),
            );
        }
        if t.t.get("from").is_some() || t.t.get("offset_months").is_some() {
            let line = r.key_line(t, "months");
            r.push(
                Reader::path(t, "months"),
                line,
                "months 与 from/offset_months 只能用其一",
            );
        }
        m
    } else {
        Some(Vec::new())
    };
    let day = r.value(t, "day", true).and_then(|at| match at.v {
        Value::String(s) if matches!(s.value().as_str(), "last" | "月底" | "月末") => {
            Some(DueDay::Last)
        }
        Value::Integer(_) => r
            .as_int(&at, 1..=31)
            .and_then(|d| u32::try_from(d).ok())
            .map(DueDay::Day),
        _ => {
            r.push(
                at.path.clone(),
                at.line,
                "应为 1 到 31 的日期或 \"last\"（月底）",
            );
            None
        }
    });
    Some(DueRule {
        from: from?,
        offset_months: offset?,
        months: months?,
        day: day?,
    })
}

fn read_rectification(r: &mut Reader, root: &Tab) -> Option<RectificationRule> {
    let t = r.sub(
        root,
        "rectification",
        true,
        &[
            "statuses",
            "dispositions",
            "immediate_working_days",
            "deadline_working_days",
            "review_after_days",
            "close_requires",
            "verifier_distinct",
            "lists",
        ],
    )?;
    let statuses = r.vocab_list::<ProblemStatus>(&t, "statuses", true);
    if let Some(s) = &statuses {
        let line = r.key_line(&t, "statuses");
        let ordered = s.windows(2).all(|w| {
            ProblemStatus::ALL.iter().position(|x| *x == w[0])
                < ProblemStatus::ALL.iter().position(|x| *x == w[1])
        });
        if s.first() != Some(&ProblemStatus::Pending)
            || s.last() != Some(&ProblemStatus::Closed)
            || !ordered
        {
            r.push(
                Reader::path(&t, "statuses"),
                line,
                format!(
                    "状态应按「{}」的顺序排列，以待整改开始、以已销号结束",
                    ProblemStatus::choices_zh()
                ),
            );
        }
    }
    let dispositions = r.vocab_list::<Disposition>(&t, "dispositions", true);
    if dispositions.as_ref().is_some_and(Vec::is_empty) {
        let line = r.key_line(&t, "dispositions");
        r.push(
            Reader::path(&t, "dispositions"),
            line,
            "至少要有一种处置方式",
        );
    }
    let immediate = r.count(&t, "immediate_working_days", true, 0);
    let deadline = r.count(&t, "deadline_working_days", true, 1);
    if let (Some(i), Some(d)) = (immediate, deadline)
        && i > d
    {
        let line = r.key_line(&t, "immediate_working_days");
        r.push(
            Reader::path(&t, "immediate_working_days"),
            line,
            format!("立行立改时限 {i} 个工作日不应长于限期整改的 {d} 个工作日"),
        );
    }
    let review = r.count(&t, "review_after_days", true, 0);
    let close_requires = r
        .vocab_list::<CloseField>(&t, "close_requires", false)
        .unwrap_or_default();
    let verifier = r.boolean(&t, "verifier_distinct", None);
    let lists = r
        .vocab_list::<ListKind>(&t, "lists", false)
        .unwrap_or_default();
    Some(RectificationRule {
        statuses: statuses?,
        dispositions: dispositions?,
        immediate_working_days: immediate?,
        deadline_working_days: deadline?,
        review_after_days: review?,
        close_requires,
        verifier_distinct: verifier?,
        lists,
    })
}

fn read_grading(r: &mut Reader, root: &Tab) -> Option<GradingRule> {
    let t = r.sub(
        root,
        "grading",
        true,
        &["weights", "penalties", "thresholds"],
    )?;
    let weights = r
        .sub(
            &t,
            "weights",
            true,
            &["walk_completion", "rectification_rate"],
        )
        .and_then(|w| {
            let wc = r.number(&w, "walk_completion", true, 0.0..=100.0);
            let rr = r.number(&w, "rectification_rate", true, 0.0..=100.0);
            let (wc, rr) = (wc?, rr?);
            if (wc + rr - 100.0).abs() > 1e-9 {
                r.push(
                    w.path.clone(),
                    w.line,
                    format!("权重之和应为 100，实际为 {}", wc + rr),
                );
            }
            Some(GradeWeights {
                walk_completion: wc,
                rectification_rate: rr,
            })
        });
    let penalties = r
        .sub(
            &t,
            "penalties",
            true,
            &["overdue", "formalism", "late_filing"],
        )
        .and_then(|p| {
            let overdue = r.number(&p, "overdue", true, 0.0..=100.0);
            let formalism = r.number(&p, "formalism", true, 0.0..=100.0);
            let late = r.number(&p, "late_filing", true, 0.0..=100.0);
            Some(GradePenalties {
                overdue: overdue?,
                formalism: formalism?,
                late_filing: late?,
            })
        });
    let thresholds = r
        .sub(&t, "thresholds", true, &["excellent", "good", "fair"])
        .and_then(|th| {
            let ex = r.number(&th, "excellent", true, 0.0..=100.0);
            let good = r.number(&th, "good", true, 0.0..=100.0);
            let fair = r.number(&th, "fair", true, 0.0..=100.0);
            if let (Some(ex), Some(good)) = (ex, good)
                && good >= ex
            {
                let line = r.key_line(&th, "good");
                r.push(
                    Reader::path(&th, "good"),
                    line,
                    format!("良好分数线 {good} 应低于优秀分数线 {ex}"),
                );
            }
            if let (Some(good), Some(fair)) = (good, fair)
                && fair >= good
            {
                let line = r.key_line(&th, "fair");
                r.push(
                    Reader::path(&th, "fair"),
                    line,
                    format!("一般分数线 {fair} 应低于良好分数线 {good}"),
                );
            }
            Some(GradeThresholds {
                excellent: ex?,
                good: good?,
                fair: fair?,
            })
        });
    Some(GradingRule {
        weights: weights?,
        penalties: penalties?,
        thresholds: thresholds?,
    })
}

fn read_formalism(r: &mut Reader, root: &Tab) -> Option<FormalismRule> {
    let t = r.sub(
        root,
        "formalism",
        true,
        &[
            "clustered_dates",
            "shallow_problems",
            "one_sided_modes",
            "perfunctory_rectification",
            "empty_walks",
        ],
    )?;
    let enabled = |r: &mut Reader, t: &Tab| r.boolean(t, "enabled", Some(true));

    let clustered = r
        .sub(
            &t,
            "clustered_dates",
            true,
            &[
                "enabled",
                "min_officials",
                "within_days",
                "same_window_min_officials",
            ],
        )
        .and_then(|c| {
            let en = enabled(r, &c);
            let min = r.count(&c, "min_officials", true, 2);
            let within = r.count(&c, "within_days", true, 0);
            if within.is_some_and(|w| w > 31) {
                let line = r.key_line(&c, "within_days");
                r.push(
                    Reader::path(&c, "within_days"),
                    line,
                    "相隔天数不应超过 31 天",
                );
            }
            let window = r.count(&c, "same_window_min_officials", true, 2);
            Some(ClusteredDatesRule {
                enabled: en?,
                min_officials: min?,
                within_days: within?,
                same_window_min_officials: window?,
            })
        });

    let shallow = r
        .sub(&t, "shallow_problems", true, &["enabled", "keywords"])
        .and_then(|c| {
            let en = enabled(r, &c);
            let kw = r.strings(&c, "keywords", true);
            if kw.as_ref().is_some_and(Vec::is_empty) && en == Some(true) {
                let line = r.key_line(&c, "keywords");
                r.push(
                    Reader::path(&c, "keywords"),
                    line,
                    "启用时至少要有一个关键词",
                );
            }
            Some(ShallowProblemsRule {
                enabled: en?,
                keywords: kw?,
            })
        });

    let one_sided = r
        .sub(
            &t,
            "one_sided_modes",
            true,
            &[
                "enabled",
                "min_walks",
                "min_online_share",
                "min_cross_share",
                "min_citizen_share",
                "min_unannounced_share",
            ],
        )
        .and_then(|c| {
            let en = enabled(r, &c);
            let min_walks = r.count(&c, "min_walks", true, 1);
            let online = r.number(&c, "min_online_share", true, 0.0..=1.0);
            let cross = r.number(&c, "min_cross_share", true, 0.0..=1.0);
            let citizen = r.number(&c, "min_citizen_share", true, 0.0..=1.0);
            let unannounced = r.number(&c, "min_unannounced_share", true, 0.0..=1.0);
            Some(OneSidedModesRule {
                enabled: en?,
                min_walks: min_walks?,
                min_online_share: online?,
                min_cross_share: cross?,
                min_citizen_share: citizen?,
                min_unannounced_share: unannounced?,
            })
        });

    let perfunctory = r
        .sub(
            &t,
            "perfunctory_rectification",
            true,
            &[
                "enabled",
                "min_measures_chars",
                "min_effect_chars",
                "vague_phrases",
                "vague_words",
                "concrete_words",
                "max_residue_chars",
            ],
        )
        .and_then(|c| {
            let en = enabled(r, &c);
            let m = r.count(&c, "min_measures_chars", true, 0);
            let e = r.count(&c, "min_effect_chars", true, 0);
            let vague = r.strings(&c, "vague_phrases", false).unwrap_or_default();
            let vague_words = r.strings(&c, "vague_words", false).unwrap_or_default();
            let concrete_words = r.strings(&c, "concrete_words", false).unwrap_or_default();
            let residue = if c.t.get("max_residue_chars").is_some() {
                r.count(&c, "max_residue_chars", true, 0)
            } else {
                Some(1)
            };
            Some(PerfunctoryRule {
                enabled: en?,
                min_measures_chars: m?,
                min_effect_chars: e?,
                vague_phrases: vague,
                vague_words,
                concrete_words,
                max_residue_chars: residue?,
            })
        });

    let empty = r
        .sub(&t, "empty_walks", true, &["enabled", "min_per_official"])
        .and_then(|c| {
            let en = enabled(r, &c);
            let min = r.count(&c, "min_per_official", true, 1);
            Some(EmptyWalksRule {
                enabled: en?,
                min_per_official: min?,
            })
        });

    Some(FormalismRule {
        clustered_dates: clustered?,
        shallow_problems: shallow?,
        one_sided_modes: one_sided?,
        perfunctory_rectification: perfunctory?,
        empty_walks: empty?,
    })
}
