//! 导入 writing what a unit's table says (interface.md, "What an imported
//! row means"), all or nothing.
//!
//! The names in the rows are matched against the registry of the unit the
//! table is for (and of the unit below it that a row's 单位 names): an
//! official, item or section (责任科室) it does not have yet is added to it,
//! unless a section of nearly the same name (one character apart) is there,
//! which is an error naming it; a unit that does not exist is an error that
//! lists the closest names. What a new record says is checked as the web
//! forms check it (the policy's kinds, modes and statuses, dates in order,
//! rectification texts that say something). Every problem found is
//! collected as a [`RowError`]; with any, the transaction is rolled back and
//! nothing is written. A dry run does the same work and always rolls back.
//!
//! Each record written carries the key of its row (`import_key`, unique in
//! its unit), and the records already there have theirs derived from them
//! ([`crate::rowkeys`]), so that importing the same file again, or a table
//! exported and imported back, finds every row already there and changes
//! nothing. Records are written in multi-row statements
//! with ids taken up front, the statistics summed in memory and added once,
//! and the whole import is one audit entry naming the file by its SM3 digest.

use crate::audit::{self, Change};
use crate::campaign::region_of;
use crate::registry::Unit;
use crate::rowkeys::{self, RepeatCounter, TreeUnit, UnitTree, WalkCounter};
use crate::stats::{self, Flow};
use crate::{Actor, Arg, Kind, Result, Scope, Store, StoreError, Tx, args, now_ms};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use std::collections::{HashMap, HashSet, VecDeque};
use zlc_domain::calendar::WorkCalendar;
use zlc_domain::campaign::problem::{ProblemState, check_rectification_texts, imported};
use zlc_domain::kinds::{ActivityKind, Mode, ProblemStatus};
use zlc_domain::ledger::{ProblemCategory, ProblemSource};
use zlc_domain::policy::Policy;
use zlc_domain::registry::{PowerCategory, UnitKind};
use zlc_domain::sheets::{
    Entries, ItemEntry, LedgerEntry, ListsEntry, PersonRef, Rectified, RowError, ScheduleEntry,
    Seq, Sheet, SheetKind, SheetMeta, UnitEntry, WindowStatEntry, cause_text, closest, item_names,
    near_twin, not_found, one_char_apart, rectified,
};

/// What to import and under which rules.
pub struct ImportRequest<'a> {
    pub kind: SheetKind,
    /// The unit named by `--unit` (or chosen in the upload dialog); else
    /// each sheet's 填报单位 names it.
    pub unit: Option<i64>,
    pub dry_run: bool,
    /// The day of import: rectifications done by then are closed.
    pub today: NaiveDate,
    pub file_name: String,
    pub file_sm3: String,
    pub policy: &'a Policy,
    pub calendar: &'a WorkCalendar,
}

/// 导入结果 what an import wrote (or, in a dry run, would write).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportSummary {
    pub kind: String,
    pub dry_run: bool,
    /// Rows read.
    pub rows: u64,
    /// Rows whose records were all there already (imported before).
    pub unchanged: u64,
    pub activities: u64,
    /// Activities already there that the table told more of (the people a
    /// sitting received).
    pub activities_updated: u64,
    pub problems: u64,
    /// Problems already there that the table told more of (the source of a
    /// problem the ledger brought).
    pub problems_updated: u64,
    pub needs: u64,
    pub measures: u64,
    pub plans: u64,
    pub items: u64,
    pub items_updated: u64,
    pub units: u64,
    pub units_updated: u64,
    /// Officials the rows named that their unit did not have yet.
    pub officials_added: u64,
    /// Items the rows named that their unit did not have yet.
    pub items_added: u64,
    /// Sections (责任科室) the rows named that their unit did not have yet.
    pub sections_added: u64,
    /// Their names, each with its unit: `医保经办科（区医疗保障局）`.
    pub sections_added_names: Vec<String>,
    /// The import's number in the log; `None` for a dry run.
    pub import_id: Option<i64>,
}

/// SQLite's page cache during an import, in KiB (the connection's usual is
/// 64 MiB, set in sqlite.rs).
const IMPORT_CACHE_KIB: i64 = 512 * 1024;
const USUAL_CACHE_KIB: i64 = 64 * 1024;

/// Most bound values in one statement (SQLite allows 32766).
const MAX_PARAMS: usize = 30_000;

/// Rows of one table waiting to be written in multi-row statements.
struct Batch {
    table: &'static str,
    cols: &'static [&'static str],
    args: Vec<Arg>,
}

impl Batch {
    fn new(table: &'static str, cols: &'static [&'static str]) -> Self {
        Batch {
            table,
            cols,
            args: Vec::new(),
        }
    }

    fn rows_per_statement(&self) -> usize {
        (MAX_PARAMS / self.cols.len()).clamp(1, 1000)
    }

    async fn push(&mut self, tx: &mut Tx, row: Vec<Arg>) -> Result<()> {
        debug_assert_eq!(row.len(), self.cols.len());
        self.args.extend(row);
        if self.args.len() / self.cols.len() >= self.rows_per_statement() {
            self.flush(tx).await?;
        }
        Ok(())
    }

    async fn flush(&mut self, tx: &mut Tx) -> Result<()> {
        if self.args.is_empty() {
            return Ok(());
        }
        let n = self.cols.len();
        let rows = self.args.len() / n;
        // SQLite binds `?` by position; `$N` names it binds by looking the
        // name up, which grows with the square of a long statement's values.
        let sqlite = tx.kind() == Kind::Sqlite;
        let values: Vec<String> = (0..rows)
            .map(|r| {
                let marks: Vec<String> = (1..=n)
                    .map(|c| {
                        if sqlite {
                            "?".to_string()
                        } else {
                            format!("${}", r * n + c)
                        }
                    })
                    .collect();
                format!("({})", marks.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES {}",
            self.table,
            self.cols.join(", "),
            values.join(", ")
        );
        tx.execute(&sql, std::mem::take(&mut self.args)).await?;
        Ok(())
    }
}

const ACTIVITY_COLS: &[&str] = &[
    "id",
    "unit_id",
    "unit_path",
    "region_id",
    "kind",
    "mode",
    "channel",
    "trigger_kind",
    "unannounced",
    "date",
    "place",
    "content",
    "visitors",
    "status",
    "filed_on",
    "late",
    "notes",
    "created_by",
    "created_at",
    "updated_at",
    "import_key",
];
const PROBLEM_COLS: &[&str] = &[
    "id",
    "unit_id",
    "unit_path",
    "region_id",
    "section_id",
    "activity_id",
    "item_id",
    "source",
    "category",
    "description",
    "cause",
    "disposition",
    "deadline",
    "status",
    "measures",
    "effect",
    "found_on",
    "closed_on",
    "review_due",
    "created_by",
    "created_at",
    "updated_at",
    "import_key",
];
const EVENT_COLS: &[&str] = &[
    "problem_id",
    "at",
    "actor_id",
    "actor",
    "action",
    "from_status",
    "to_status",
    "note",
];
const NEED_COLS: &[&str] = &[
    "id",
    "unit_id",
    "unit_path",
    "region_id",
    "activity_id",
    "problem_id",
    "raised_by",
    "content",
    "response",
    "status",
    "raised_on",
    "closed_on",
    "created_by",
    "created_at",
    "updated_at",
    "import_key",
];
const MEASURE_COLS: &[&str] = &[
    "id",
    "unit_id",
    "unit_path",
    "region_id",
    "problem_id",
    "need_id",
    "activity_id",
    "content",
    "deadline",
    "done_on",
    "effect",
    "status",
    "created_by",
    "created_at",
    "updated_at",
    "import_key",
];
const PLAN_COLS: &[&str] = &[
    "id",
    "unit_id",
    "unit_path",
    "region_id",
    "kind",
    "mode",
    "date",
    "slot",
    "place",
    "status",
    "place_note",
    "created_by",
    "created_at",
    "updated_at",
    "import_key",
];

/// Ids for new rows, taken before they are written so that rows can refer
/// to each other within one statement batch.
#[derive(Default)]
struct Ids {
    /// PostgreSQL: ids drawn from the table's sequence, not used yet.
    drawn: HashMap<&'static str, VecDeque<i64>>,
    /// SQLite: the next id of each table.
    next: HashMap<&'static str, i64>,
}

impl Ids {
    async fn take(&mut self, tx: &mut Tx, table: &'static str) -> Result<i64> {
        match tx.kind() {
            Kind::Sqlite => {
                let next = match self.next.get(table) {
                    Some(n) => *n,
                    // The import holds SQLite's write lock (it wrote its log
                    // row first), so no one else takes ids meanwhile.
                    None => {
                        tx.scalar::<i64>(
                            &format!("SELECT COALESCE(MAX(id), 0) FROM {table}"),
                            vec![],
                        )
                        .await?
                        .unwrap_or(0)
                            + 1
                    }
                };
                self.next.insert(table, next + 1);
                Ok(next)
            }
            Kind::Postgres => {
                let queue = self.drawn.entry(table).or_default();
                if queue.is_empty() {
                    let ids: Vec<(i64,)> = tx
                        .fetch_all(
                            "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, 1024)",
                            args![table],
                        )
                        .await?;
                    queue.extend(ids.into_iter().map(|(i,)| i));
                }
                queue
                    .pop_front()
                    .ok_or_else(|| StoreError::Conflict(format!("无法为 {table} 分配编号")))
            }
        }
    }
}

/// The registry as one unit's rows need it, loaded once per unit.
struct UnitCtx {
    unit: Unit,
    region: i64,
    /// Officials of the subtree by name: (id, title, unit path, phone set).
    officials: HashMap<String, Vec<(i64, String, String, bool)>>,
    /// Items of the subtree and of the unit's ancestors, by name: (id, the item's unit path).
    items: HashMap<String, (i64, String)>,
    /// Keys of the unit's records, imported before or derived from them.
    keys: HashMap<&'static str, HashMap<String, i64>>,
    /// The window statistics: the people each sitting already there received.
    visitors: HashMap<i64, i64>,
}

/// The table being read, as far as the import has it.
struct Current {
    /// The table (its name, lines and no rows: those come in batches).
    sheet: Sheet,
    /// The unit the table is for (its 填报单位), once found.
    unit: Option<i64>,
    /// The units the table may name, around the table's own (from the unit
    /// its sections belong to down).
    tree: UnitTree,
    /// The registry of each unit the rows named so far.
    units: HashMap<i64, UnitCtx>,
    /// Rows kept until the table ends: the unit list (parents come in any
    /// order) and 三个清单 (its lines above decide every row).
    held: Option<Entries>,
    /// Sittings at the window created by this import: the people received
    /// is the largest figure any of their rows give.
    sittings: HashMap<String, (i64, i64, String, String)>,
}

/// 导入过程 an import under way: tables begin, their rows come in batches
/// as the file is read, row errors of the file are added, and `finish`
/// writes all or nothing. [`Store::import`] drives it over tables read
/// whole; the server feeds it while another thread reads the file.
pub struct ImportRun<'a> {
    store: &'a Store,
    current: Option<Current>,
    import_id: i64,
    /// Visitors raised on sittings already written: (activity, visitors).
    raised: HashMap<i64, i64>,
    /// Whether the file holds several tables: errors then name the sheet.
    several: bool,
    actor: &'a Actor,
    scope: &'a Scope,
    req: &'a ImportRequest<'a>,
    tx: Tx,
    now: i64,
    ids: Ids,
    errors: Vec<RowError>,
    sum: ImportSummary,
    activities: Batch,
    activity_officials: Batch,
    activity_items: Batch,
    problems: Batch,
    events: Batch,
    needs: Batch,
    measures: Batch,
    plans: Batch,
    plan_officials: Batch,
    flows: HashMap<(String, String, String), Flow>,
    took_officials: HashSet<(String, i64, String)>,
    took_items: HashSet<(String, i64, String)>,
    created_officials: Vec<i64>,
    created_items: Vec<i64>,
    updated_items: Vec<i64>,
    created_units: Vec<i64>,
    /// Items looked up by name across the import's reach: the one item of
    /// that name, or `None` when there are none or several.
    wide_items: HashMap<String, Option<(i64, String)>>,
}

/// A row's key as stored (`import_key`): the first 16 bytes of its SM3
/// digest in hex, short enough that a million of them index cheaply.
fn hashed(key: &str) -> String {
    let mut h = crate::crypto::sm3_hex(key.as_bytes());
    h.truncate(32);
    h
}

fn d(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// What a row says of its problem's rectification, column by column.
struct Rectification<'a> {
    row: u32,
    found_on: NaiveDate,
    measures: Option<&'a String>,
    effect: Option<&'a String>,
    /// 整改完成时间 (三个清单: 完成时限).
    done_on: Option<NaiveDate>,
    deadline: Option<NaiveDate>,
    status: Option<ProblemStatus>,
    /// The columns of this table: measures, effect, 整改完成时间.
    columns: (&'static str, &'static str, &'static str),
    /// 三个清单: a problem counts as done with its effect written, not its measures.
    done_with_effect: bool,
}

/// Where a problem goes: its unit, and the section (责任科室) in charge.
#[derive(Clone)]
struct Placement {
    unit: i64,
    /// The unit's path.
    path: String,
    section: Option<i64>,
}

impl Store {
    /// Imports tables read whole; see the module doc.
    pub async fn import(
        &self,
        actor: &Actor,
        scope: &Scope,
        req: &ImportRequest<'_>,
        sheets: &[Sheet],
    ) -> Result<ImportSummary> {
        let mut run = self.begin_import(actor, scope, req).await?;
        let several = sheets.len() > 1;
        for sheet in sheets {
            run.sheet(&sheet.name, &sheet.meta, several).await?;
            run.rows(sheet.entries.clone()).await?;
            run.end_sheet().await?;
        }
        run.finish().await
    }

    /// Starts an import: the transaction, the log row, the settings a
    /// large write wants.
    pub async fn begin_import<'a>(
        &'a self,
        actor: &'a Actor,
        scope: &'a Scope,
        req: &'a ImportRequest<'a>,
    ) -> Result<ImportRun<'a>> {
        let mut tx = self.db.begin().await?;
        // Rows of related tables are written in batches of their own, in
        // any order: their references are checked at commit.
        match tx.kind() {
            Kind::Sqlite => {
                tx.execute("PRAGMA defer_foreign_keys = ON", vec![]).await?;
                // A large import touches every index page of its tables;
                // the page cache grows for it and shrinks again at the end.
                tx.execute(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB}"), vec![])
                    .await?;
            }
            Kind::Postgres => {
                tx.execute("SET CONSTRAINTS ALL DEFERRED", vec![]).await?;
            }
        };
        let now = now_ms();
        // The log row comes first: on SQLite it takes the write lock that
        // keeps the ids taken below free.
        let rows: u64 = 0;
        let import_id: i64 = tx
            .scalar::<i64>(
                "INSERT INTO imports (kind, unit_id, file_name, file_sm3, rows, summary, actor, at) \
                 VALUES ($1, $2, $3, $4, $5, '{}', $6, $7) RETURNING id",
                args![req.kind.code(), req.unit, &req.file_name, &req.file_sm3, rows as i64, &actor.username, now],
            )
            .await?
            .unwrap_or_default();
        let run = ImportRun {
            current: None,
            import_id,
            raised: HashMap::new(),
            several: false,
            store: self,
            actor,
            scope,
            req,
            tx,
            now,
            ids: Ids::default(),
            errors: Vec::new(),
            sum: ImportSummary {
                kind: req.kind.code().to_string(),
                dry_run: req.dry_run,
                rows,
                ..ImportSummary::default()
            },
            activities: Batch::new("activities", ACTIVITY_COLS),
            activity_officials: Batch::new("activity_officials", &["activity_id", "official_id"]),
            activity_items: Batch::new("activity_items", &["activity_id", "item_id"]),
            problems: Batch::new("problems", PROBLEM_COLS),
            events: Batch::new("problem_events", EVENT_COLS),
            needs: Batch::new("needs", NEED_COLS),
            measures: Batch::new("measures", MEASURE_COLS),
            plans: Batch::new("plans", PLAN_COLS),
            plan_officials: Batch::new("plan_officials", &["plan_id", "official_id"]),
            flows: HashMap::new(),
            took_officials: HashSet::new(),
            took_items: HashSet::new(),
            created_officials: Vec::new(),
            created_items: Vec::new(),
            updated_items: Vec::new(),
            created_units: Vec::new(),
            wide_items: HashMap::new(),
        };
        Ok(run)
    }
}

impl ImportRun<'_> {
    fn err(&mut self, sheet: &Sheet, e: RowError) {
        let e = if self.several {
            e.in_sheet(&sheet.name)
        } else {
            e
        };
        self.errors.push(e);
    }

    /// A row error the file's reader found: nothing will be written, but
    /// the other rows are still checked.
    pub fn error(&mut self, e: RowError) {
        self.errors.push(e);
    }

    /// A table begins: its unit is found and the units around it loaded.
    pub async fn sheet(&mut self, name: &str, meta: &SheetMeta, several: bool) -> Result<()> {
        self.end_sheet().await?;
        self.several = several;
        let sheet = Sheet {
            name: name.to_string(),
            meta: meta.clone(),
            entries: Entries::Units(Vec::new()),
        };
        let mut c = Current {
            sheet: sheet.clone(),
            unit: None,
            tree: UnitTree::default(),
            units: HashMap::new(),
            held: None,
            sittings: HashMap::new(),
        };
        if self.req.kind != SheetKind::Units
            && let Some((unit, tree)) = self.unit_of(&sheet).await?
        {
            c.unit = Some(unit);
            c.tree = tree;
        }
        self.current = Some(c);
        Ok(())
    }

    /// A batch of the current table's rows.
    pub async fn rows(&mut self, entries: Entries) -> Result<()> {
        let Some(mut c) = self.current.take() else {
            return Ok(());
        };
        self.sum.rows += entries.len() as u64;
        match entries {
            Entries::Units(rows) => {
                if let Entries::Units(v) = c.held.get_or_insert_with(|| Entries::Units(Vec::new()))
                {
                    v.extend(rows);
                }
            }
            Entries::Lists(rows) => {
                if let Entries::Lists(v) = c.held.get_or_insert_with(|| Entries::Lists(Vec::new()))
                {
                    v.extend(rows);
                }
            }
            entries if c.unit.is_some() => match &entries {
                Entries::Items(rows) => {
                    for r in rows {
                        self.item_row(&mut c, r).await?;
                    }
                }
                Entries::Ledger(rows) => self.ledger(&mut c, rows).await?,
                Entries::WindowSchedule(rows) => {
                    for r in rows {
                        self.schedule_row(&mut c, r).await?;
                    }
                }
                Entries::WindowStats(rows) => self.window_stats(&mut c, rows).await?,
                Entries::Lists(_) | Entries::Units(_) => {}
            },
            _ => {}
        }
        self.current = Some(c);
        Ok(())
    }

    /// The current table ends: the rows held for its end are written.
    pub async fn end_sheet(&mut self) -> Result<()> {
        let Some(mut c) = self.current.take() else {
            return Ok(());
        };
        let sheet = c.sheet.clone();
        match c.held.take() {
            Some(Entries::Units(rows)) => self.units(&sheet, &rows).await?,
            Some(Entries::Lists(rows)) if c.unit.is_some() => self.lists(&mut c, &rows).await?,
            _ => {}
        }
        Ok(())
    }

    /// The unit a sheet is for and the units it may name. With a unit
    /// chosen (`--unit`, the upload dialog), the sheet's 填报单位 may name one
    /// below it (a table of several units exported together); else the
    /// chosen unit is the sheet's. Without, the 填报单位 names it.
    async fn unit_of(&mut self, sheet: &Sheet) -> Result<Option<(i64, UnitTree)>> {
        let named = sheet
            .meta
            .unit
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        let unit = match (self.req.unit, named) {
            // Outside the caller's scope reads as absent (404), as everywhere.
            (Some(id), _) => Some(self.store.unit(self.scope, id).await?),
            (None, Some(name)) => {
                let found: Vec<Unit> = self
                    .store
                    .unit_by_label(name)
                    .await?
                    .into_iter()
                    .filter(|u| self.scope.contains(&u.path))
                    .collect();
                match found.as_slice() {
                    [one] => Some(one.clone()),
                    [] => {
                        let near = self.store.similar_unit_names(self.scope, name, 5).await?;
                        self.err(
                            sheet,
                            RowError::new(2, "填报单位", not_found("单位", name, &near)),
                        );
                        None
                    }
                    several => {
                        let paths: Vec<String> = several
                            .iter()
                            .map(|u| format!("{}（编号 {}）", u.name, u.id))
                            .collect();
                        self.err(
                            sheet,
                            RowError::new(
                                2,
                                "填报单位",
                                format!(
                                    "有 {} 个单位名为「{name}」：{}，请用 --unit 指定编号",
                                    several.len(),
                                    paths.join("、")
                                ),
                            ),
                        );
                        None
                    }
                }
            }
            (None, None) => {
                self.err(
                    sheet,
                    RowError::new(2, "填报单位", "未填写填报单位，也未指定导入到哪个单位"),
                );
                None
            }
        };
        let Some(unit) = unit else { return Ok(None) };
        // The units a table may name: from the unit its sections belong to
        // (a section's table names its sibling sections) down.
        let mut top = unit.clone();
        while top.kind == UnitKind::Section.code() {
            let Some(p) = top.parent_id else { break };
            match self.store.unit(self.scope, p).await {
                Ok(parent) => top = parent,
                Err(_) => break,
            }
        }
        let tree = UnitTree::load(&mut self.tx, &top.path).await?;
        let mut id = unit.id;
        if self.req.unit.is_some()
            && let Some(name) = named
            && let [one] = tree
                .resolve(name)
                .into_iter()
                .filter(|u| tree.within(*u, unit.id))
                .collect::<Vec<_>>()
                .as_slice()
        {
            id = *one;
        }
        Ok(Some((id, tree)))
    }

    /// The unit a row belongs to: the one its 单位 names below the table's
    /// unit, else the table's. `None` (with the error kept) when it names
    /// none or several.
    fn row_unit(&mut self, c: &Current, row: u32, named: Option<&String>) -> Option<i64> {
        let table = c.unit?;
        let Some(name) = named.map(|n| n.trim()).filter(|n| !n.is_empty()) else {
            return Some(table);
        };
        let found: Vec<i64> = c
            .tree
            .resolve(name)
            .into_iter()
            .filter(|u| c.tree.within(*u, table))
            .collect();
        match found.as_slice() {
            [one] => Some(*one),
            [] => {
                let below: Vec<&str> = c
                    .tree
                    .units
                    .values()
                    .filter(|u| c.tree.within(u.id, table))
                    .map(|u| u.name.as_str())
                    .collect();
                let near = closest(name, below, 5);
                let table_name = c.tree.units.get(&table).map(|u| u.name.clone());
                self.err(
                    &c.sheet,
                    RowError::new(
                        row,
                        "单位",
                        format!(
                            "{}（在「{}」之下）",
                            not_found("单位", name, &near),
                            table_name.unwrap_or_default()
                        ),
                    ),
                );
                None
            }
            several => {
                let names: Vec<String> = several.iter().map(|u| c.tree.name(*u)).collect();
                self.err(
                    &c.sheet,
                    RowError::new(
                        row,
                        "单位",
                        format!(
                            "有 {} 个单位名为「{name}」，请写明是哪一个：{}",
                            several.len(),
                            names.join("、")
                        ),
                    ),
                );
                None
            }
        }
    }

    /// The registry of unit `id`, loaded the first time a row names it.
    async fn unit_ctx<'c>(&mut self, c: &'c mut Current, id: i64) -> Result<&'c mut UnitCtx> {
        if !c.units.contains_key(&id) {
            let u = self.load_unit(&c.tree, id).await?;
            c.units.insert(id, u);
        }
        c.units
            .get_mut(&id)
            .ok_or_else(|| StoreError::Conflict(format!("单位 {id} 不存在")))
    }

    async fn load_unit(&mut self, tree: &UnitTree, id: i64) -> Result<UnitCtx> {
        let unit: Unit = self
            .tx
            .fetch_one("SELECT * FROM units WHERE id = $1", args![id])
            .await?;
        // Two imports into one unit at once would each miss the other's
        // keys: on PostgreSQL the second waits for the first (SQLite has
        // one writer anyway).
        if self.tx.kind() == Kind::Postgres {
            self.tx
                .execute(
                    "SELECT pg_advisory_xact_lock(7243, CAST($1 AS INTEGER))",
                    args![unit.id],
                )
                .await?;
        }
        let mut a = Vec::new();
        let cond = Scope::subtree(unit.path.clone()).condition("unit_path", &mut a);
        let rows: Vec<(i64, String, String, String, bool)> = self
            .tx
            .fetch_all(
                &format!("SELECT id, name, title, unit_path, phone_enc IS NOT NULL FROM officials WHERE active = TRUE AND {cond} ORDER BY id"),
                a,
            )
            .await?;
        let mut officials: HashMap<String, Vec<(i64, String, String, bool)>> = HashMap::new();
        for (id, name, title, path, phone) in rows {
            officials
                .entry(name)
                .or_default()
                .push((id, title, path, phone));
        }
        // Items of the subtree first, then of the ancestors the table knows,
        // nearest first (a section's walk experiences its department's items).
        let mut a = Vec::new();
        let cond = Scope::subtree(unit.path.clone()).condition("u.path", &mut a);
        let rows: Vec<(i64, String, String)> = self
            .tx
            .fetch_all(
                &format!("SELECT i.id, i.name, u.path FROM items i JOIN units u ON u.id = i.unit_id WHERE {cond} ORDER BY i.id"),
                a,
            )
            .await?;
        let mut items = HashMap::new();
        for (id, name, path) in rows {
            items.entry(name).or_insert((id, path));
        }
        let mut at = tree.units.get(&id).and_then(|u| u.parent);
        while let Some(p) = at.and_then(|p| tree.units.get(&p)) {
            let rows: Vec<(i64, String)> = self
                .tx
                .fetch_all(
                    "SELECT id, name FROM items WHERE unit_id = $1 ORDER BY id",
                    args![p.id],
                )
                .await?;
            for (iid, name) in rows {
                items.entry(name).or_insert((iid, p.path.clone()));
            }
            at = p.parent;
        }
        let mut keys: HashMap<&'static str, HashMap<String, i64>> = HashMap::new();
        let rows: Vec<(String, i64)> = self
            .tx
            .fetch_all(
                "SELECT import_key, id FROM activities WHERE unit_path = $1 AND unit_id = $2 AND import_key IS NOT NULL",
                args![&unit.path, unit.id],
            )
            .await?;
        keys.insert("activities", rows.into_iter().collect());
        let rows: Vec<(String, i64)> = self
            .tx
            .fetch_all(
                "SELECT import_key, id FROM plans WHERE unit_path = $1 AND unit_id = $2 AND import_key IS NOT NULL",
                args![&unit.path, unit.id],
            )
            .await?;
        keys.insert("plans", rows.into_iter().collect());
        // A walk's problems, needs and measures go with the walk, wherever
        // they were placed.
        for table in ["problems", "needs", "measures"] {
            let rows: Vec<(String, i64)> = self
                .tx
                .fetch_all(
                    &format!(
                        "SELECT x.import_key, x.id FROM {table} x JOIN activities a ON a.id = x.activity_id \
                         WHERE a.unit_path = $1 AND a.unit_id = $2 AND x.import_key IS NOT NULL"
                    ),
                    args![&unit.path, unit.id],
                )
                .await?;
            keys.insert(table, rows.into_iter().collect());
        }
        let mut visitors = HashMap::new();
        self.derived_keys(unit.id, &unit.path, &mut keys, &mut visitors)
            .await?;
        Ok(UnitCtx {
            region: region_of(&unit.path).unwrap_or(unit.id),
            unit,
            officials,
            items,
            keys,
            visitors,
        })
    }

    /// The keys the unit's records would have had, had this table brought
    /// them (records entered by hand, generated, or imported through
    /// another table): so that a table exported and imported back finds
    /// them and adds nothing twice. Walks are numbered as exports write
    /// them ([`crate::rowkeys`]).
    async fn derived_keys(
        &mut self,
        unit: i64,
        path: &str,
        keys: &mut HashMap<&'static str, HashMap<String, i64>>,
        visitors: &mut HashMap<i64, i64>,
    ) -> Result<()> {
        let kinds: &[&str] = match self.req.kind {
            SheetKind::Ledger => &["walk", "window", "inspect"],
            SheetKind::WindowStats => &["window"],
            SheetKind::Lists => &["walk", "window", "inspect", "enforce", "complaint"],
            SheetKind::WindowSchedule => {
                let rows: Vec<(i64, String, String, Option<String>)> = self
                    .tx
                    .fetch_all(
                        "SELECT p.id, p.date, p.slot, (SELECT o.name FROM plan_officials po JOIN officials o ON o.id = po.official_id \
                         WHERE po.plan_id = p.id ORDER BY o.id LIMIT 1) FROM plans p WHERE p.unit_path = $2 AND p.unit_id = $1 AND p.status <> 'cancelled'",
                        args![unit, path],
                    )
                    .await?;
                let k = keys.entry("plans").or_default();
                for (id, date, slot, name) in rows {
                    k.entry(hashed(&format!(
                        "{date}|{slot}|{}",
                        name.unwrap_or_default()
                    )))
                    .or_insert(id);
                }
                return Ok(());
            }
            SheetKind::Items | SheetKind::Units => return Ok(()),
        };
        let marks: Vec<String> = (0..kinds.len()).map(|i| format!("${}", i + 3)).collect();
        let mut a = args![unit, path];
        a.extend(kinds.iter().map(|k| Arg::from(*k)));
        type Row = (
            i64,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            i64,
            Option<String>,
        );
        let acts: Vec<Row> = self
            .tx
            .fetch_all(
                &format!(
                    "SELECT a.id, a.date, a.kind, a.mode, a.place, a.content, a.visitors, \
                     (SELECT o.name FROM activity_officials ao JOIN officials o ON o.id = ao.official_id WHERE ao.activity_id = a.id ORDER BY o.id LIMIT 1) \
                     FROM activities a WHERE a.unit_path = $2 AND a.unit_id = $1 AND a.status = 'filed' AND a.kind IN ({}) ORDER BY a.date, a.id",
                    marks.join(", ")
                ),
                a,
            )
            .await?;
        let ids: Vec<i64> = acts.iter().map(|r| r.0).collect();
        let mut names: HashMap<i64, Vec<String>> = HashMap::new();
        for chunk in ids.chunks(500) {
            let (sql, a) = rowkeys::items_query(chunk);
            let rows: Vec<(i64, String)> = self.tx.fetch_all(&sql, a).await?;
            for (id, name) in rows {
                names.entry(id).or_default().push(name);
            }
        }
        let mut walks = WalkCounter::default();
        let mut placeless = WalkCounter::default();
        // Each activity's keys: as this table writes it, and, for one that
        // came through another table lacking this table's column (a
        // sitting without items, a walk without a place), the key that
        // leaves that column out.
        let mut by_activity: HashMap<i64, Vec<String>> = HashMap::new();
        for (id, date, kind, mode, place, content, seen, official) in acts {
            let who = official.unwrap_or_default();
            let listed = names.get(&id).map(Vec::as_slice).unwrap_or(&[]);
            let items = rowkeys::items_key(listed, content.as_deref());
            let place = place.filter(|p| !p.is_empty());
            let mut own = Vec::new();
            match self.req.kind {
                SheetKind::Ledger => {
                    let form = crate::exports::ledger_mode(&mode).code();
                    let base = rowkeys::ledger_walk(&date, &who, &items, form, 0);
                    let walk = walks.next(&date, base);
                    own.push(rowkeys::ledger_walk(&date, &who, &items, form, walk));
                    if items.is_empty() {
                        own.push(rowkeys::ledger_walk(&date, &who, rowkeys::ANY, form, 0));
                    }
                }
                SheetKind::WindowStats => {
                    let walk = walks.next(&date, rowkeys::window_sitting(&date, &who, 0));
                    own.push(rowkeys::window_sitting(&date, &who, walk));
                    visitors.insert(id, seen);
                }
                _ => {
                    let base = rowkeys::lists_activity(
                        &date,
                        &who,
                        &kind,
                        place.as_deref().unwrap_or("—"),
                        &items,
                    );
                    let walk = walks.next(&date, base.clone());
                    own.push(format!("{base}{}", Seq::suffix(walk)));
                    if place.is_none() {
                        // The ledger's walks: no place, and the way of
                        // walking as the ledger's mark columns say it.
                        let form = crate::exports::ledger_mode(&mode).code();
                        let any = format!(
                            "{}|{form}",
                            rowkeys::lists_activity(&date, &who, &kind, rowkeys::ANY, &items)
                        );
                        let walk = placeless.next(&date, any.clone());
                        own.push(format!("{any}{}", Seq::suffix(walk)));
                    }
                }
            };
            let k = keys.entry("activities").or_default();
            for key in &own {
                k.entry(hashed(key)).or_insert(id);
            }
            by_activity.insert(id, own);
        }
        let lists = self.req.kind == SheetKind::Lists;
        let rows: Vec<(i64, i64, String, Option<String>)> = self
            .tx
            .fetch_all(
                "SELECT p.id, p.activity_id, p.description, p.measures FROM problems p JOIN activities a ON a.id = p.activity_id \
                 WHERE a.unit_path = $2 AND a.unit_id = $1 ORDER BY p.id",
                args![unit, path],
            )
            .await?;
        let mut repeats = RepeatCounter::default();
        for (id, activity, text, measures) in rows {
            let Some(akeys) = by_activity.get(&activity) else {
                continue;
            };
            let n = repeats.next(activity, &text);
            for akey in akeys {
                let key = if lists {
                    format!("{akey}|p|{text}{}", Seq::suffix(n))
                } else {
                    rowkeys::problem(akey, &text, n)
                };
                keys.entry("problems")
                    .or_default()
                    .entry(hashed(&key))
                    .or_insert(id);
                // 三个清单 writes a problem's measures as its 解决措施.
                if lists && let Some(m) = &measures {
                    keys.entry("measures")
                        .or_default()
                        .entry(hashed(&format!("{akey}|m|{m}")))
                        .or_insert(0);
                }
            }
        }
        if lists {
            for (table, tag) in [("needs", "n"), ("measures", "m")] {
                let rows: Vec<(i64, i64, String)> = self
                    .tx
                    .fetch_all(
                        &format!(
                            "SELECT x.id, x.activity_id, x.content FROM {table} x JOIN activities a ON a.id = x.activity_id \
                             WHERE a.unit_path = $2 AND a.unit_id = $1"
                        ),
                        args![unit, path],
                    )
                    .await?;
                let k = keys.entry(table).or_default();
                for (id, activity, text) in rows {
                    for akey in by_activity.get(&activity).into_iter().flatten() {
                        k.entry(hashed(&format!("{akey}|{tag}|{text}")))
                            .or_insert(id);
                    }
                }
            }
        }
        Ok(())
    }

    /// 责任科室 of a row of unit `unit`: a section of the unit's department
    /// (the unit itself, or the one it is a section of), else any unit the
    /// table knows by that name (another department, a section elsewhere),
    /// else a new section of the department — unless one of its sections is
    /// named one character apart, which is refused, naming it. `None` (with
    /// the error kept) when refused.
    async fn placement(
        &mut self,
        c: &mut Current,
        unit: i64,
        row: u32,
        name: Option<&String>,
        any_unit: bool,
    ) -> Result<Option<Placement>> {
        let at = |tree: &UnitTree, unit: i64, section: Option<i64>| Placement {
            unit,
            path: tree
                .units
                .get(&unit)
                .map(|u| u.path.clone())
                .unwrap_or_default(),
            section,
        };
        let Some(name) = name.map(|n| n.trim()).filter(|n| !n.is_empty()) else {
            return Ok(Some(at(&c.tree, unit, None)));
        };
        let home = c.tree.home(unit);
        let section = UnitKind::Section.code();
        let sections_of_home = |tree: &UnitTree| -> Vec<(i64, String)> {
            tree.units
                .values()
                .filter(|u| u.kind == section && u.id != home && tree.within(u.id, home))
                .map(|u| (u.id, u.name.clone()))
                .collect()
        };
        // A section goes with the row's unit when it is one of its own,
        // else with the unit it is a section of; another unit takes the
        // problem itself.
        let placed = |tree: &UnitTree, s: i64| {
            if tree.units.get(&s).is_none_or(|u| u.kind != section) {
                return at(tree, s, None);
            }
            let owner = if tree.within(s, unit) {
                unit
            } else {
                tree.units.get(&s).and_then(|u| u.parent).unwrap_or(unit)
            };
            at(tree, owner, Some(s))
        };
        if let Some((s, _)) = sections_of_home(&c.tree)
            .into_iter()
            .filter(|(_, n)| n == name)
            .min()
        {
            return Ok(Some(placed(&c.tree, s)));
        }
        let table = c.unit.unwrap_or(unit);
        let known: Vec<i64> = c
            .tree
            .resolve(name)
            .into_iter()
            .filter(|u| c.tree.within(*u, table) || c.tree.within(*u, home))
            .filter(|u| any_unit || c.tree.units.get(u).is_some_and(|x| x.kind == section))
            .collect();
        if let [one] = known.as_slice() {
            return Ok(Some(placed(&c.tree, *one)));
        }
        let mut siblings = sections_of_home(&c.tree);
        siblings.sort();
        if let Some((_, twin)) = siblings.into_iter().find(|(_, n)| one_char_apart(n, name)) {
            self.err(
                &c.sheet,
                RowError::new(row, "责任科室", near_twin("科室", name, &twin)),
            );
            return Ok(None);
        }
        let Some(h) = c.tree.units.get(&home).cloned() else {
            return Ok(Some(at(&c.tree, unit, None)));
        };
        if !self.errors.is_empty() {
            // Nothing will be written: the section is not made.
            return Ok(Some(at(&c.tree, unit, None)));
        }
        let depth = i64::try_from(h.path.matches('/').count().saturating_sub(1)).unwrap_or(0);
        let made: Unit = self
            .tx
            .fetch_one(
                "INSERT INTO units (parent_id, path, depth, name, kind, categories, sort, created_at, updated_at) \
                 VALUES ($1, '', $2, $3, $4, '', 0, $5, $5) RETURNING *",
                args![home, depth, name, UnitKind::Section.code(), self.now],
            )
            .await?;
        let path = format!("{}{}/", h.path, made.id);
        self.tx
            .execute(
                "UPDATE units SET path = $1 WHERE id = $2",
                args![&path, made.id],
            )
            .await?;
        c.tree.add(TreeUnit {
            id: made.id,
            parent: Some(home),
            name: name.to_string(),
            kind: UnitKind::Section.code().to_string(),
            path,
        });
        self.created_units.push(made.id);
        self.sum.sections_added += 1;
        self.sum
            .sections_added_names
            .push(format!("{name}（{}）", h.name));
        Ok(Some(placed(&c.tree, made.id)))
    }

    /// The official a row names: by name in the unit's subtree (the one
    /// whose title matches, if several), else added to the unit.
    async fn official(
        &mut self,
        u: &mut UnitCtx,
        p: &PersonRef,
        phone: Option<&str>,
    ) -> Result<(i64, String)> {
        if let Some(list) = u.officials.get(&p.name) {
            let pick = list
                .iter()
                .find(|o| !p.title.is_empty() && o.1 == p.title)
                .or_else(|| list.first())
                .cloned();
            if let Some((id, _, path, has_phone)) = pick {
                if let (Some(phone), false) = (phone, has_phone) {
                    let sealed = self.store.cipher.encrypt(phone)?;
                    self.tx
                        .execute(
                            "UPDATE officials SET phone_enc = $1, version = version + 1, updated_at = $2 WHERE id = $3",
                            args![sealed, self.now, id],
                        )
                        .await?;
                    if let Some(list) = u.officials.get_mut(&p.name) {
                        for o in list.iter_mut().filter(|o| o.0 == id) {
                            o.3 = true;
                        }
                    }
                }
                return Ok((id, path));
            }
        }
        let sealed = self.store.cipher.encrypt_opt(phone)?;
        let id: i64 = self
            .tx
            .scalar::<i64>(
                "INSERT INTO officials (unit_id, unit_path, name, title, rank, phone_enc, active, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $7) RETURNING id",
                args![u.unit.id, &u.unit.path, &p.name, &p.title, p.rank().code(), sealed, self.now],
            )
            .await?
            .unwrap_or_default();
        self.sum.officials_added += 1;
        self.created_officials.push(id);
        u.officials.entry(p.name.clone()).or_default().push((
            id,
            p.title.clone(),
            u.unit.path.clone(),
            phone.is_some(),
        ));
        Ok((id, u.unit.path.clone()))
    }

    /// The official a row of unit `unit` names (see [`Self::official`]).
    async fn official_in(
        &mut self,
        c: &mut Current,
        unit: i64,
        p: &PersonRef,
        phone: Option<&str>,
    ) -> Result<(i64, String)> {
        let u = self.unit_ctx(c, unit).await?;
        self.official(u, p, phone).await
    }

    /// The service item a row of unit `unit` names: by name in the unit's
    /// subtree or of its ancestors, else the one item of that name anywhere
    /// below the table's unit, else added to the unit. Returns the item and
    /// its unit's path.
    async fn item_in(&mut self, c: &mut Current, unit: i64, name: &str) -> Result<(i64, String)> {
        let name = name.trim();
        if let Some(found) = self.unit_ctx(c, unit).await?.items.get(name) {
            return Ok(found.clone());
        }
        // The one item of that name anywhere the import may reach (a
        // street's hotline shift handles departments' items).
        let found = match self.wide_items.get(name) {
            Some(f) => f.clone(),
            None => {
                let scope = match self.req.unit {
                    Some(_) => c
                        .unit
                        .and_then(|t| c.tree.units.get(&t))
                        .map(|t| Scope::subtree(t.path.clone()))
                        .unwrap_or(Scope {
                            path: self.scope.path.clone(),
                        }),
                    None => Scope {
                        path: self.scope.path.clone(),
                    },
                };
                let mut a = args![name];
                let cond = scope.condition("u.path", &mut a);
                let rows: Vec<(i64, String)> = self
                    .tx
                    .fetch_all(
                        &format!("SELECT i.id, u.path FROM items i JOIN units u ON u.id = i.unit_id WHERE i.name = $1 AND {cond} ORDER BY i.id LIMIT 2"),
                        a,
                    )
                    .await?;
                let one = match rows.as_slice() {
                    [one] => Some(one.clone()),
                    _ => None,
                };
                self.wide_items.insert(name.to_string(), one.clone());
                one
            }
        };
        if let Some(one) = found {
            self.unit_ctx(c, unit)
                .await?
                .items
                .insert(name.to_string(), one.clone());
            return Ok(one);
        }
        let u = self.unit_ctx(c, unit).await?;
        let id: i64 = self
            .tx
            .scalar::<i64>(
                "INSERT INTO items (unit_id, name, item_type, power_category, service_object, handling_mode, created_at, updated_at) \
                 VALUES ($1, $2, 'other', $3, 'both', 'both', $4, $4) RETURNING id",
                args![u.unit.id, name, PowerCategory::PublicService.code(), self.now],
            )
            .await?
            .unwrap_or_default();
        self.sum.items_added += 1;
        self.created_items.push(id);
        let path = u.unit.path.clone();
        u.items.insert(name.to_string(), (id, path.clone()));
        // Another unit of the table naming it would now find two: its own is made.
        self.wide_items.insert(name.to_string(), None);
        Ok((id, path))
    }

    fn known(u: &UnitCtx, table: &'static str, key: &str) -> Option<i64> {
        u.keys.get(table).and_then(|k| k.get(&hashed(key))).copied()
    }

    fn remember(u: &mut UnitCtx, table: &'static str, key: &str, id: i64) {
        u.keys.entry(table).or_default().insert(hashed(key), id);
    }

    /// A filed activity, or the one an earlier import wrote for the same key.
    #[allow(clippy::too_many_arguments)]
    async fn activity(
        &mut self,
        u: &mut UnitCtx,
        key: String,
        mode: Mode,
        date: NaiveDate,
        officials: &[(i64, String)],
        items: &[(i64, String)],
        place: Option<&str>,
        content: Option<&str>,
        visitors: i64,
    ) -> Result<(i64, bool)> {
        if let Some(id) = Self::known(u, "activities", &key) {
            return Ok((id, false));
        }
        let id = self.ids.take(&mut self.tx, "activities").await?;
        let kind = mode.kind();
        let channel = match kind {
            ActivityKind::Window => Some("window"),
            ActivityKind::Complaint => Some("hotline"),
            ActivityKind::Enforce => Some("on-site"),
            _ => None,
        };
        let date_s = d(date);
        self.activities
            .push(
                &mut self.tx,
                args![
                    id,
                    u.unit.id,
                    &u.unit.path,
                    u.region,
                    kind.code(),
                    mode.code(),
                    channel,
                    "regular",
                    false,
                    &date_s,
                    place,
                    content,
                    visitors,
                    "filed",
                    d(self.req.today),
                    false,
                    Some(format!("导入自《{}》", self.req.file_name)),
                    self.actor.user_id,
                    self.now,
                    self.now,
                    hashed(&key)
                ],
            )
            .await?;
        for (o, _) in officials {
            self.activity_officials
                .push(&mut self.tx, args![id, *o])
                .await?;
        }
        for (i, _) in items {
            self.activity_items
                .push(&mut self.tx, args![id, *i])
                .await?;
        }
        let f = self
            .flows
            .entry((
                u.unit.path.clone(),
                stats::month_key(&date_s)?,
                kind.code().to_string(),
            ))
            .or_default();
        *f = f.plus(Flow {
            activities: 1,
            visitors,
            participations: officials.len() as i64,
            ..Flow::ZERO
        });
        stats::took_part(
            &date_s,
            officials,
            items,
            &mut self.took_officials,
            &mut self.took_items,
        )?;
        self.sum.activities += 1;
        Self::remember(u, "activities", &key, id);
        Ok((id, true))
    }

    /// A problem in the unit, with its first timeline step.
    #[allow(clippy::too_many_arguments)]
    async fn problem(
        &mut self,
        u: &mut UnitCtx,
        key: String,
        row: u32,
        activity: i64,
        item: Option<i64>,
        place: Placement,
        source: ProblemSource,
        text: (&str, Option<&str>),
        found_on: NaiveDate,
        state: &ProblemState,
    ) -> Result<(i64, bool)> {
        if let Some(id) = Self::known(u, "problems", &key) {
            return Ok((id, false));
        }
        let id = self.ids.take(&mut self.tx, "problems").await?;
        let found = d(found_on);
        let category = ProblemCategory::guess(&format!("{}{}", text.0, text.1.unwrap_or("")));
        let cause = text.1.and_then(cause_text);
        let (unit, path, region) = if place.unit == u.unit.id {
            (u.unit.id, u.unit.path.clone(), u.region)
        } else {
            (
                place.unit,
                place.path.clone(),
                region_of(&place.path).unwrap_or(place.unit),
            )
        };
        self.problems
            .push(
                &mut self.tx,
                args![
                    id,
                    unit,
                    &path,
                    region,
                    place.section,
                    activity,
                    item,
                    source.code(),
                    category.code(),
                    text.0,
                    cause,
                    state.disposition.code(),
                    state.deadline.map(d),
                    state.status.code(),
                    &state.measures,
                    &state.effect,
                    &found,
                    state.closed_on.map(d),
                    state.review_due.map(d),
                    self.actor.user_id,
                    self.now,
                    self.now,
                    hashed(&key)
                ],
            )
            .await?;
        let note = format!("依《{}》第 {row} 行导入", self.req.file_name);
        self.events
            .push(
                &mut self.tx,
                args![
                    id,
                    self.now,
                    self.actor.user_id,
                    &self.actor.username,
                    "import",
                    None::<String>,
                    state.status.code(),
                    note
                ],
            )
            .await?;
        let f = self
            .flows
            .entry((path.clone(), stats::month_key(&found)?, String::new()))
            .or_default();
        *f = f.plus(Flow {
            problems_found: 1,
            ..Flow::ZERO
        });
        if let Some(closed) = state.closed_on {
            let f = self
                .flows
                .entry((path.clone(), stats::month_key(&d(closed))?, String::new()))
                .or_default();
            *f = f.plus(Flow {
                problems_solved: 1,
                ..Flow::ZERO
            });
        }
        self.sum.problems += 1;
        Self::remember(u, "problems", &key, id);
        Ok((id, true))
    }

    /// Checks a new walk's kind and mode against the policy, as the
    /// activity form does; the error names the row and `column`.
    fn check_mode(&mut self, sheet: &Sheet, row: u32, column: &str, mode: Mode) -> bool {
        let kind = mode.kind();
        let Some(rule) = self.req.policy.kind(kind) else {
            let kinds: Vec<&str> = ActivityKind::ALL
                .iter()
                .filter(|k| self.req.policy.kind(**k).is_some())
                .map(|k| k.label_zh())
                .collect();
            let what = if kind.label_zh() == mode.label_zh() {
                format!("「{}」", kind.label_zh())
            } else {
                format!("「{}」（{}）", kind.label_zh(), mode.label_zh())
            };
            self.err(
                sheet,
                RowError::new(
                    row,
                    column,
                    format!("本地规则未开展{what}活动，可选：{}", kinds.join("、")),
                ),
            );
            return false;
        };
        if !rule.modes.contains(&mode) {
            let allowed: Vec<&str> = rule.modes.iter().map(|m| m.label_zh()).collect();
            self.err(
                sheet,
                RowError::new(
                    row,
                    column,
                    format!(
                        "「{}」不是本地规则「{}」的方式，可选：{}",
                        mode.label_zh(),
                        kind.label_zh(),
                        allowed.join("、")
                    ),
                ),
            );
            return false;
        }
        true
    }

    /// The state a new problem starts in, from what its row says, under the
    /// rules the web form applies (the policy's statuses, dates in order,
    /// measures and effect that say something when the problem is closed or
    /// awaits verification). `None` (with the errors kept) when refused.
    fn rectification(&mut self, sheet: &Sheet, r: &Rectification<'_>) -> Option<ProblemState> {
        let policy = self.req.policy;
        let cal = self.req.calendar;
        let today = self.req.today;
        let (measures_col, effect_col, done_col) = r.columns;
        let mut ok = true;
        if let Some(s) = r.status
            && !policy.rectification.statuses.contains(&s)
        {
            let allowed: Vec<&str> = policy
                .rectification
                .statuses
                .iter()
                .map(|s| s.label_zh())
                .collect();
            self.err(
                sheet,
                RowError::new(
                    r.row,
                    "整改状态",
                    format!(
                        "本地规则没有「{}」这一状态，可选：{}",
                        s.label_zh(),
                        allowed.join("、")
                    ),
                ),
            );
            ok = false;
        }
        if let Some(dl) = r.deadline
            && dl < r.found_on
        {
            self.err(
                sheet,
                RowError::new(
                    r.row,
                    "整改时限",
                    format!("整改时限 {dl} 早于发现问题的日期 {}", r.found_on),
                ),
            );
            ok = false;
        }
        let closing = match r.status {
            Some(ProblemStatus::Closed) => true,
            Some(_) => false,
            None => r.done_on.is_some_and(|d| d <= today),
        };
        if let Some(done) = r.done_on
            && closing
        {
            if done < r.found_on {
                self.err(
                    sheet,
                    RowError::new(
                        r.row,
                        done_col,
                        format!("完成日期 {done} 早于发现问题的日期 {}", r.found_on),
                    ),
                );
                ok = false;
            }
            if done > today {
                self.err(
                    sheet,
                    RowError::new(
                        r.row,
                        done_col,
                        format!("已销号的问题完成日期 {done} 不能晚于今天"),
                    ),
                );
                ok = false;
            }
        }
        if r.status == Some(ProblemStatus::Closed) && r.done_on.is_none() {
            self.err(
                sheet,
                RowError::new(r.row, done_col, "整改状态为已销号，须填写完成日期"),
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        let measures = r.measures.cloned();
        let effect = r.effect.cloned();
        let deadline_or = |s: &mut ProblemState, d: Option<NaiveDate>| {
            if let Some(d) = d {
                s.deadline = Some(d);
            }
        };
        let state = match r.status {
            Some(ProblemStatus::Closed) => {
                let done = r.done_on.unwrap_or(today);
                let mut s = imported(
                    policy,
                    cal,
                    r.found_on,
                    Rectified::Closed(done),
                    measures,
                    effect,
                );
                deadline_or(&mut s, r.deadline);
                s
            }
            Some(status) => {
                // An open problem: its deadline is 整改时限 (or a date written
                // in 整改完成时间 by hand), else the policy's default.
                let due = r.deadline.or(r.done_on);
                let mut s = imported(
                    policy,
                    cal,
                    r.found_on,
                    Rectified::Pending,
                    measures,
                    effect,
                );
                deadline_or(&mut s, due);
                s.status = status;
                s
            }
            None => {
                let has = if r.done_with_effect {
                    r.effect.is_some()
                } else {
                    r.measures.is_some()
                };
                let read = match (r.done_on, r.deadline) {
                    (Some(done), _) => rectified(Some(done), has, today),
                    // A deadline and nothing done: under way once measures are written.
                    (None, Some(dl)) if r.measures.is_some() => Rectified::InProgress(dl),
                    _ => Rectified::Pending,
                };
                let mut s = imported(policy, cal, r.found_on, read, measures, effect);
                if let (None, Some(dl)) = (r.done_on, r.deadline) {
                    s.deadline = Some(dl);
                }
                s
            }
        };
        if matches!(
            state.status,
            ProblemStatus::Closed | ProblemStatus::AwaitingVerification
        ) && let Err(e) =
            check_rectification_texts(policy, state.measures.as_deref(), state.effect.as_deref())
        {
            let column = match e.field.as_deref() {
                Some("effect") => effect_col,
                _ => measures_col,
            };
            self.err(sheet, RowError::new(r.row, column, e.message));
            return None;
        }
        Some(state)
    }

    async fn ledger(&mut self, c: &mut Current, rows: &[LedgerEntry]) -> Result<()> {
        let sheet = c.sheet.clone();
        for r in rows {
            let Some(unit) = self.row_unit(c, r.row, r.unit.as_ref()) else {
                continue;
            };
            let names = r.item.as_deref().map(item_names).unwrap_or_default();
            let mut akey = rowkeys::ledger_walk(
                &d(r.date),
                &r.person.name,
                &rowkeys::items_key(&names, None),
                r.mode.code(),
                r.seq.walk,
            );
            let u = self.unit_ctx(c, unit).await?;
            let mut known_walk = Self::known(u, "activities", &akey);
            if known_walk.is_none() && r.seq.walk == 0 {
                // A sitting the window statistics brought, without its items.
                let any = rowkeys::ledger_walk(
                    &d(r.date),
                    &r.person.name,
                    rowkeys::ANY,
                    r.mode.code(),
                    0,
                );
                if let Some(id) = Self::known(u, "activities", &any) {
                    known_walk = Some(id);
                    akey = any;
                }
            }
            let pkey = r
                .problem
                .as_ref()
                .map(|(desc, _)| rowkeys::problem(&akey, desc, r.seq.repeat));
            let known_problem = pkey.as_ref().and_then(|k| Self::known(u, "problems", k));
            if known_walk.is_some() && (pkey.is_none() || known_problem.is_some()) {
                self.sum.unchanged += 1;
                continue;
            }
            // What is new is checked as the forms check it.
            if known_walk.is_none() {
                self.check_mode(&sheet, r.row, "走流程形式", r.mode);
            }
            let place = self
                .placement(c, unit, r.row, r.section.as_ref(), true)
                .await?;
            let state = match &r.problem {
                Some(_) => self.rectification(
                    &sheet,
                    &Rectification {
                        row: r.row,
                        found_on: r.date,
                        measures: r.measures.as_ref(),
                        effect: None,
                        done_on: r.done_on,
                        deadline: r.deadline,
                        status: r.status,
                        columns: ("整改及优化措施", "整改及优化措施", "整改完成时间"),
                        done_with_effect: false,
                    },
                ),
                None => None,
            };
            if !self.errors.is_empty() {
                // Once a row is refused nothing will be written; keep only checking.
                continue;
            }
            let Some(place) = place else { continue };
            let (activity, item) = match known_walk {
                Some(id) => {
                    let u = self.unit_ctx(c, unit).await?;
                    (id, names.first().and_then(|n| u.items.get(n).map(|i| i.0)))
                }
                None => {
                    let official = self.official_in(c, unit, &r.person, None).await?;
                    let mut items = Vec::new();
                    for n in &names {
                        items.push(self.item_in(c, unit, n).await?);
                    }
                    let u = self.unit_ctx(c, unit).await?;
                    let content = r.item.clone();
                    let (id, _) = self
                        .activity(
                            u,
                            akey.clone(),
                            r.mode,
                            r.date,
                            &[official],
                            &items,
                            None,
                            content.as_deref(),
                            0,
                        )
                        .await?;
                    (id, items.first().map(|i| i.0))
                }
            };
            if let (Some((desc, cause)), Some(pkey), Some(state)) = (&r.problem, pkey, state) {
                let u = self.unit_ctx(c, unit).await?;
                self.problem(
                    u,
                    pkey,
                    r.row,
                    activity,
                    item,
                    place,
                    ProblemSource::Walk,
                    (desc, cause.as_deref()),
                    r.date,
                    &state,
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn window_stats(&mut self, c: &mut Current, rows: &[WindowStatEntry]) -> Result<()> {
        let sheet = c.sheet.clone();
        // Rows of one sitting (same day, same person) are one activity; it
        // received as many people as the largest figure its rows give.
        let mut visitors: HashMap<(Option<&String>, NaiveDate, u32, &str), i64> = HashMap::new();
        for r in rows {
            let v = visitors
                .entry((r.unit.as_ref(), r.date, r.seq.walk, r.person.name.as_str()))
                .or_default();
            *v = (*v).max(r.visitors);
        }
        if self.req.policy.kind(ActivityKind::Window).is_none()
            && let Some(r) = rows.first()
        {
            self.err(
                &sheet,
                RowError::new(r.row, "", "本地规则未开展「坐窗口」活动"),
            );
            return Ok(());
        }
        for r in rows {
            let Some(unit) = self.row_unit(c, r.row, r.unit.as_ref()) else {
                continue;
            };
            let akey = rowkeys::window_sitting(&d(r.date), &r.person.name, r.seq.walk);
            let pkey = r
                .problem
                .as_ref()
                .map(|(_, desc)| rowkeys::problem(&akey, desc, r.seq.repeat));
            let received = visitors
                .get(&(r.unit.as_ref(), r.date, r.seq.walk, r.person.name.as_str()))
                .copied()
                .unwrap_or(r.visitors);
            let u = self.unit_ctx(c, unit).await?;
            let known_sitting = Self::known(u, "activities", &akey);
            let known_problem = pkey.as_ref().and_then(|k| Self::known(u, "problems", k));
            let sitting_key = format!("{unit}|{akey}");
            // A sitting already there (the ledger brings sittings without
            // the people received) takes the table's figure when larger.
            let mut raised = false;
            if let Some(id) = known_sitting
                && let Some(had) = u.visitors.get(&id).copied()
                && received > had
                && self.errors.is_empty()
            {
                let f = self
                    .flows
                    .entry((
                        u.unit.path.clone(),
                        stats::month_key(&d(r.date))?,
                        "window".into(),
                    ))
                    .or_default();
                *f = f.plus(Flow {
                    visitors: received - had,
                    ..Flow::ZERO
                });
                u.visitors.insert(id, received);
                self.raised.insert(id, received);
                self.sum.activities_updated += 1;
                raised = true;
            }
            // A problem the ledger brought (it has no 问题来源 column) takes
            // the source the statistics name.
            if let (Some(id), Some((source, _)), true) =
                (known_problem, &r.problem, self.errors.is_empty())
                && matches!(
                    source,
                    ProblemSource::Public | ProblemSource::Staff | ProblemSource::SelfCheck
                )
            {
                let n = self
                    .tx
                    .execute(
                        "UPDATE problems SET source = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND source = $4",
                        args![source.code(), self.now, id, ProblemSource::Walk.code()],
                    )
                    .await?;
                if n > 0 {
                    self.sum.problems_updated += 1;
                    raised = true;
                }
            }
            if known_sitting.is_some()
                && (pkey.is_none() || known_problem.is_some())
                && !c.sittings.contains_key(&sitting_key)
            {
                if !raised {
                    self.sum.unchanged += 1;
                }
                continue;
            }
            let place = self
                .placement(c, unit, r.row, r.section.as_ref(), true)
                .await?;
            let state = match &r.problem {
                Some(_) if known_problem.is_none() => self.rectification(
                    &sheet,
                    &Rectification {
                        row: r.row,
                        found_on: r.date,
                        measures: r.measures.as_ref(),
                        effect: None,
                        done_on: r.done_on,
                        deadline: r.deadline,
                        status: r.status,
                        columns: ("整改措施", "整改措施", "整改完成时间"),
                        done_with_effect: false,
                    },
                ),
                _ => None,
            };
            if !self.errors.is_empty() {
                continue;
            }
            let Some(place) = place else { continue };
            let official = match known_sitting {
                Some(_) => (0, String::new()),
                None => self.official_in(c, unit, &r.person, None).await?,
            };
            // A sitting this import wrote from an earlier batch takes the
            // larger figure; its statistics follow.
            if let Some((id, had, path, month)) = c.sittings.get_mut(&sitting_key)
                && received > *had
            {
                let f = self
                    .flows
                    .entry((path.clone(), month.clone(), "window".into()))
                    .or_default();
                *f = f.plus(Flow {
                    visitors: received - *had,
                    ..Flow::ZERO
                });
                *had = received;
                self.raised.insert(*id, received);
            }
            let u = self.unit_ctx(c, unit).await?;
            let path = u.unit.path.clone();
            let (activity, mut new) = self
                .activity(
                    u,
                    akey.clone(),
                    Mode::Window,
                    r.date,
                    &[official],
                    &[],
                    None,
                    None,
                    received,
                )
                .await?;
            if new {
                c.sittings.insert(
                    sitting_key,
                    (activity, received, path, stats::month_key(&d(r.date))?),
                );
            }
            if let (Some((source, desc)), Some(pkey), Some(state)) = (&r.problem, pkey, state) {
                let u = self.unit_ctx(c, unit).await?;
                let (_, p) = self
                    .problem(
                        u,
                        pkey,
                        r.row,
                        activity,
                        None,
                        place,
                        *source,
                        (desc, None),
                        r.date,
                        &state,
                    )
                    .await?;
                new |= p;
            }
            if !new {
                self.sum.unchanged += 1;
            }
        }
        Ok(())
    }

    async fn lists(&mut self, c: &mut Current, rows: &[ListsEntry]) -> Result<()> {
        let sheet = c.sheet.clone();
        let meta = &sheet.meta;
        let mut ok = true;
        if meta.official.is_none() {
            self.err(
                &sheet,
                RowError::new(2, "负责人姓名", "表头未填写负责人姓名"),
            );
            ok = false;
        }
        let kind = meta.activity_kind;
        if kind.is_none() {
            self.err(
                &sheet,
                RowError::new(
                    2,
                    "参与活动名称",
                    format!(
                        "表头未填写参与活动名称，可选：{}",
                        ActivityKind::choices_zh()
                    ),
                ),
            );
            ok = false;
        }
        if meta.date.is_none() {
            self.err(&sheet, RowError::new(2, "时间", "表头未填写活动时间"));
            ok = false;
        }
        let (Some(official_name), Some(kind), Some(date), true, Some(unit)) =
            (meta.official.as_deref(), kind, meta.date, ok, c.unit)
        else {
            return Ok(());
        };
        let person = PersonRef::parse(official_name).unwrap_or(PersonRef {
            name: official_name.to_string(),
            title: String::new(),
        });
        let default_mode = self
            .req
            .policy
            .kind(kind)
            .and_then(|r| r.modes.first().copied())
            .unwrap_or(kind.modes()[0]);
        // 体验内容 names the service items experienced, except at an
        // enforcement, where it says what was done.
        let experiences_items = kind != ActivityKind::Enforce;
        let mut official: Option<(i64, String)> = None;
        for r in rows {
            let mode = r.mode.unwrap_or(default_mode);
            let names = if experiences_items {
                item_names(&r.content)
            } else {
                Vec::new()
            };
            let place = r.place.trim();
            let items_key = rowkeys::items_key(&names, Some(&r.content));
            let walk = Seq::suffix(r.seq.walk);
            let mut akey = format!(
                "{}{walk}",
                rowkeys::lists_activity(&d(date), &person.name, kind.code(), place, &items_key)
            );
            {
                // A walk the ledger brought, without its place.
                let u = self.unit_ctx(c, unit).await?;
                let any = format!(
                    "{}|{}{walk}",
                    rowkeys::lists_activity(
                        &d(date),
                        &person.name,
                        kind.code(),
                        rowkeys::ANY,
                        &items_key,
                    ),
                    crate::exports::ledger_mode(mode.code()).code()
                );
                if Self::known(u, "activities", &akey).is_none()
                    && let Some(id) = Self::known(u, "activities", &any)
                {
                    akey = any;
                    // It takes the place and the way of walking this table names
                    // (the ledger writes 代理办 as 陪同办 and has no place).
                    if self.errors.is_empty() && mode.kind() == kind && place != "—" {
                        let n = self
                            .tx
                            .execute(
                                "UPDATE activities SET place = $1, mode = $2, version = version + 1, updated_at = $3, judged = NULL \
                                 WHERE id = $4 AND (place IS NULL OR place = '')",
                                args![place, mode.code(), self.now, id],
                            )
                            .await?;
                        if n > 0 {
                            self.sum.activities_updated += 1;
                        }
                    }
                }
            }
            let pkey = r
                .problem
                .as_ref()
                .map(|t| format!("{akey}|p|{t}{}", Seq::suffix(r.seq.repeat)));
            let u = self.unit_ctx(c, unit).await?;
            let known_activity = Self::known(u, "activities", &akey);
            let known_problem = pkey.as_ref().and_then(|k| Self::known(u, "problems", k));
            let need_key = r.need.as_ref().map(|t| format!("{akey}|n|{t}"));
            let known_need = need_key.as_ref().and_then(|k| Self::known(u, "needs", k));
            let measure_key = r.measure.as_ref().map(|t| format!("{akey}|m|{t}"));
            let known_measure = measure_key
                .as_ref()
                .is_some_and(|k| Self::known(u, "measures", k).is_some());
            // A problem the ledger brought (it has no 整改效果 column) takes
            // the effect this table writes, checked as the close form checks it.
            let mut told_more = false;
            if let (Some(id), Some(effect)) = (known_problem, &r.effect) {
                if let Err(e) = check_rectification_texts(self.req.policy, None, Some(effect)) {
                    self.err(&sheet, RowError::new(r.row, "整改效果", e.message));
                } else if self.errors.is_empty() {
                    let n = self
                        .tx
                        .execute(
                            "UPDATE problems SET effect = $1, version = version + 1, updated_at = $2, judged = NULL WHERE id = $3 AND effect IS NULL",
                            args![effect, self.now, id],
                        )
                        .await?;
                    if n > 0 {
                        self.sum.problems_updated += 1;
                        told_more = true;
                    }
                }
            }
            if known_activity.is_some()
                && (pkey.is_none() || known_problem.is_some())
                && (need_key.is_none() || known_need.is_some())
                && (measure_key.is_none() || known_measure)
            {
                if !told_more {
                    self.sum.unchanged += 1;
                }
                continue;
            }
            if known_activity.is_none() {
                if mode.kind() != kind {
                    let allowed: Vec<&str> = self
                        .req
                        .policy
                        .kind(kind)
                        .map(|rule| rule.modes.iter().map(|m| m.label_zh()).collect())
                        .unwrap_or_default();
                    self.err(
                        &sheet,
                        RowError::new(
                            r.row,
                            "体验方式",
                            format!(
                                "「{}」不是「{}」的方式，可选：{}",
                                mode.label_zh(),
                                kind.label_zh(),
                                allowed.join("、")
                            ),
                        ),
                    );
                } else if self.req.policy.kind(kind).is_none() {
                    self.err(
                        &sheet,
                        RowError::new(
                            2,
                            "参与活动名称",
                            format!("本地规则未开展「{}」活动", kind.label_zh()),
                        ),
                    );
                } else {
                    self.check_mode(&sheet, r.row, "体验方式", mode);
                }
            }
            let state = match &r.problem {
                Some(_) if known_problem.is_none() => self.rectification(
                    &sheet,
                    &Rectification {
                        row: r.row,
                        found_on: date,
                        measures: r.measure.as_ref(),
                        effect: r.effect.as_ref(),
                        done_on: r.deadline.filter(|_| {
                            r.status == Some(ProblemStatus::Closed)
                                || (r.status.is_none() && r.effect.is_some())
                        }),
                        deadline: r.deadline,
                        status: r.status,
                        columns: ("拟采取的解决措施", "整改效果", "完成时限"),
                        done_with_effect: true,
                    },
                ),
                _ => None,
            };
            if !self.errors.is_empty() {
                continue;
            }
            let official = match &official {
                Some(o) => o.clone(),
                None => {
                    let o = self.official_in(c, unit, &person, None).await?;
                    official = Some(o.clone());
                    o
                }
            };
            let mut items = Vec::new();
            if known_activity.is_none() {
                for n in &names {
                    items.push(self.item_in(c, unit, n).await?);
                }
            }
            let u = self.unit_ctx(c, unit).await?;
            let (activity, _) = self
                .activity(
                    u,
                    akey.clone(),
                    mode,
                    date,
                    std::slice::from_ref(&official),
                    &items,
                    Some(place),
                    Some(&r.content),
                    0,
                )
                .await?;
            let closed_on = state.as_ref().and_then(|s| s.closed_on);
            let mut problem_id = known_problem;
            if let (Some(text), Some(pkey), Some(state)) = (&r.problem, pkey, state.as_ref()) {
                let item = items.first().map(|i| i.0);
                let (id, _) = self
                    .problem(
                        u,
                        pkey,
                        r.row,
                        activity,
                        item,
                        Placement {
                            unit,
                            path: u.unit.path.clone(),
                            section: None,
                        },
                        ProblemSource::Walk,
                        (text, None),
                        date,
                        state,
                    )
                    .await?;
                problem_id = Some(id);
            }
            let mut need_id = known_need;
            if let (Some(text), Some(key), None) = (&r.need, need_key, known_need) {
                let id = self.ids.take(&mut self.tx, "needs").await?;
                let status = match (&r.measure, closed_on) {
                    (Some(_), Some(_)) => "met",
                    (Some(_), None) => "answered",
                    _ => "open",
                };
                self.needs
                    .push(
                        &mut self.tx,
                        args![
                            id,
                            u.unit.id,
                            &u.unit.path,
                            u.region,
                            activity,
                            problem_id,
                            "citizen",
                            text,
                            &r.measure,
                            status,
                            d(date),
                            closed_on.filter(|_| status == "met").map(d),
                            self.actor.user_id,
                            self.now,
                            self.now,
                            hashed(&key)
                        ],
                    )
                    .await?;
                let f = self
                    .flows
                    .entry((
                        u.unit.path.clone(),
                        stats::month_key(&d(date))?,
                        String::new(),
                    ))
                    .or_default();
                *f = f.plus(Flow {
                    needs: 1,
                    ..Flow::ZERO
                });
                self.sum.needs += 1;
                Self::remember(u, "needs", &key, id);
                need_id = Some(id);
            }
            if let (Some(text), Some(key), false) = (&r.measure, measure_key, known_measure) {
                let id = self.ids.take(&mut self.tx, "measures").await?;
                let status = match (closed_on, r.deadline) {
                    (Some(_), _) => "done",
                    (None, Some(_)) => "in-progress",
                    _ => "planned",
                };
                self.measures
                    .push(
                        &mut self.tx,
                        args![
                            id,
                            u.unit.id,
                            &u.unit.path,
                            u.region,
                            problem_id,
                            need_id,
                            activity,
                            text,
                            r.deadline.map(d),
                            closed_on.map(d),
                            &r.effect,
                            status,
                            self.actor.user_id,
                            self.now,
                            self.now,
                            hashed(&key)
                        ],
                    )
                    .await?;
                self.sum.measures += 1;
                Self::remember(u, "measures", &key, id);
            }
        }
        Ok(())
    }

    async fn schedule_row(&mut self, c: &mut Current, r: &ScheduleEntry) -> Result<()> {
        let sheet = c.sheet.clone();
        if self.req.policy.kind(ActivityKind::Window).is_none() {
            self.err(
                &sheet,
                RowError::new(r.row, "", "本地规则未开展「坐窗口」活动"),
            );
            return Ok(());
        }
        let Some(unit) = self.row_unit(c, r.row, r.unit.as_ref()) else {
            return Ok(());
        };
        if !self.errors.is_empty() {
            return Ok(());
        }
        let key = format!("{}|{}|{}", r.date, r.slot.code(), r.person.name);
        let u = self.unit_ctx(c, unit).await?;
        if Self::known(u, "plans", &key).is_some() {
            self.sum.unchanged += 1;
            return Ok(());
        }
        let (official, _) = self
            .official_in(c, unit, &r.person, r.phone.as_deref())
            .await?;
        let u = self.unit_ctx(c, unit).await?;
        let id = self.ids.take(&mut self.tx, "plans").await?;
        self.plans
            .push(
                &mut self.tx,
                args![
                    id,
                    u.unit.id,
                    &u.unit.path,
                    u.region,
                    "window",
                    "window",
                    d(r.date),
                    r.slot.code(),
                    "window",
                    "draft",
                    &r.note,
                    self.actor.user_id,
                    self.now,
                    self.now,
                    hashed(&key)
                ],
            )
            .await?;
        self.plan_officials
            .push(&mut self.tx, args![id, official])
            .await?;
        self.sum.plans += 1;
        Self::remember(u, "plans", &key, id);
        Ok(())
    }

    async fn item_row(&mut self, c: &mut Current, r: &ItemEntry) -> Result<()> {
        let Some(unit) = self.row_unit(c, r.row, r.unit.as_ref()) else {
            return Ok(());
        };
        let Some(place) = self
            .placement(c, unit, r.row, r.section.as_ref(), false)
            .await?
        else {
            return Ok(());
        };
        if !self.errors.is_empty() {
            return Ok(());
        }
        let section = place.section;
        let u = self.unit_ctx(c, unit).await?;
        let unit_path = u.unit.path.clone();
        type Row = (
            i64,
            Option<i64>,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let existing: Option<Row> = self
            .tx
            .fetch_optional(
                "SELECT id, section_id, item_type, service_object, handling_mode, channel, contact, note FROM items WHERE unit_id = $1 AND name = $2",
                args![unit, r.name.trim()],
            )
            .await?;
        let wanted: Row = (
            0,
            section,
            r.item_type.code().into(),
            r.service_object.code().into(),
            r.handling_mode.code().into(),
            r.channel.clone(),
            r.contact.clone(),
            r.note.clone(),
        );
        match existing {
            Some(old)
                if (old.1, &old.2, &old.3, &old.4, &old.5, &old.6, &old.7)
                    == (
                        wanted.1, &wanted.2, &wanted.3, &wanted.4, &wanted.5, &wanted.6, &wanted.7,
                    ) =>
            {
                self.sum.unchanged += 1;
            }
            Some(old) => {
                self.tx
                    .execute(
                        "UPDATE items SET section_id = $1, item_type = $2, service_object = $3, handling_mode = $4, channel = $5, contact = $6, note = $7, \
                         version = version + 1, updated_at = $8 WHERE id = $9",
                        args![section, r.item_type.code(), r.service_object.code(), r.handling_mode.code(), &r.channel, &r.contact, &r.note, self.now, old.0],
                    )
                    .await?;
                self.sum.items_updated += 1;
                self.updated_items.push(old.0);
            }
            None => {
                let id: i64 = self
                    .tx
                    .scalar::<i64>(
                        "INSERT INTO items (unit_id, section_id, name, item_type, power_category, service_object, handling_mode, channel, contact, note, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
                        args![unit, section, r.name.trim(), r.item_type.code(), PowerCategory::PublicService.code(), r.service_object.code(),
                              r.handling_mode.code(), &r.channel, &r.contact, &r.note, self.now],
                    )
                    .await?
                    .unwrap_or_default();
                self.sum.items += 1;
                self.created_items.push(id);
                let u = self.unit_ctx(c, unit).await?;
                u.items
                    .insert(r.name.trim().to_string(), (id, unit_path.clone()));
                self.wide_items.remove(r.name.trim());
            }
        }
        Ok(())
    }

    /// 单位名单: each unit under its 上级单位, which exists already or comes
    /// in another row of the file (in any order).
    async fn units(&mut self, sheet: &Sheet, rows: &[UnitEntry]) -> Result<()> {
        let mut pending: Vec<&UnitEntry> = rows.iter().collect();
        // Names of units in the file, to tell "comes later" from "does not exist".
        let in_file: HashSet<&str> = rows.iter().map(|r| r.name.trim()).collect();
        let mut made: HashMap<String, Unit> = HashMap::new();
        loop {
            let mut progress = false;
            let mut later = Vec::new();
            for r in pending {
                let parent = match r.parent.as_deref().map(str::trim) {
                    None => None,
                    Some(p) => match made.get(p) {
                        Some(u) => Some(u.clone()),
                        None => {
                            let found: Vec<Unit> = self
                                .tx
                                .fetch_all(
                                    "SELECT * FROM units WHERE name = $1 ORDER BY id",
                                    args![p],
                                )
                                .await?;
                            let found: Vec<Unit> = found
                                .into_iter()
                                .filter(|u| self.scope.contains(&u.path))
                                .collect();
                            match found.as_slice() {
                                [one] => Some(one.clone()),
                                [] if in_file.contains(p) && p != r.name.trim() => {
                                    later.push(r);
                                    continue;
                                }
                                [] => {
                                    let near =
                                        self.store.similar_unit_names(self.scope, p, 5).await?;
                                    self.err(
                                        sheet,
                                        RowError::new(
                                            r.row,
                                            "上级单位",
                                            not_found("单位", p, &near),
                                        ),
                                    );
                                    continue;
                                }
                                several => {
                                    let ids: Vec<String> =
                                        several.iter().map(|u| u.id.to_string()).collect();
                                    self.err(
                                        sheet,
                                        RowError::new(
                                            r.row,
                                            "上级单位",
                                            format!(
                                                "有 {} 个单位名为「{p}」（编号 {}），无法确定",
                                                several.len(),
                                                ids.join("、")
                                            ),
                                        ),
                                    );
                                    continue;
                                }
                            }
                        }
                    },
                };
                progress = true;
                // A scoped account may name its own top unit (a table it
                // exported), not add another.
                let own_top = match (&parent, &self.scope.path) {
                    (None, Some(_)) => {
                        let tops: Vec<Unit> = self
                            .tx
                            .fetch_all(
                                "SELECT * FROM units WHERE parent_id IS NULL AND name = $1",
                                args![r.name.trim()],
                            )
                            .await?;
                        tops.iter().any(|u| self.scope.contains(&u.path))
                    }
                    _ => false,
                };
                if parent.is_none() && self.scope.path.is_some() && !own_top {
                    self.err(
                        sheet,
                        RowError::new(r.row, "上级单位", "不能为空：只有全域账号可以添加顶级单位"),
                    );
                    continue;
                }
                if !self.errors.is_empty() {
                    continue;
                }
                let cats: Vec<&str> = r.categories.iter().map(|c| c.code()).collect();
                let cats = cats.join(",");
                let parent_id = parent.as_ref().map(|p| p.id);
                let existing: Option<Unit> = self
                    .tx
                    .fetch_optional(
                        "SELECT * FROM units WHERE COALESCE(parent_id, 0) = $1 AND name = $2",
                        args![parent_id.unwrap_or(0), r.name.trim()],
                    )
                    .await?;
                let unit = match existing {
                    Some(old) if old.kind == r.kind.code() && old.categories == cats => {
                        self.sum.unchanged += 1;
                        old
                    }
                    Some(old) => {
                        self.sum.units_updated += 1;
                        self.tx
                            .fetch_one(
                                "UPDATE units SET kind = $1, categories = $2, version = version + 1, updated_at = $3 WHERE id = $4 RETURNING *",
                                args![r.kind.code(), &cats, self.now, old.id],
                            )
                            .await?
                    }
                    None => {
                        let (ppath, depth) = parent
                            .as_ref()
                            .map(|p| (p.path.clone(), p.depth + 1))
                            .unwrap_or(("/".into(), 0));
                        let u: Unit = self
                            .tx
                            .fetch_one(
                                "INSERT INTO units (parent_id, path, depth, name, kind, categories, sort, created_at, updated_at) \
                                 VALUES ($1, '', $2, $3, $4, $5, 0, $6, $6) RETURNING *",
                                args![parent_id, depth, r.name.trim(), r.kind.code(), &cats, self.now],
                            )
                            .await?;
                        let path = format!("{ppath}{}/", u.id);
                        let u: Unit = self
                            .tx
                            .fetch_one(
                                "UPDATE units SET path = $1 WHERE id = $2 RETURNING *",
                                args![&path, u.id],
                            )
                            .await?;
                        self.sum.units += 1;
                        self.created_units.push(u.id);
                        u
                    }
                };
                made.insert(unit.name.clone(), unit);
            }
            if later.is_empty() {
                break;
            }
            if !progress {
                for r in later {
                    let p = r.parent.as_deref().unwrap_or_default();
                    self.err(
                        sheet,
                        RowError::new(
                            r.row,
                            "上级单位",
                            format!("上级单位「{p}」与本表其他行互为上级，无法确定层级"),
                        ),
                    );
                }
                break;
            }
            pending = later;
        }
        Ok(())
    }

    async fn restore_cache(&mut self) -> Result<()> {
        if self.tx.kind() == Kind::Sqlite {
            self.tx
                .execute(&format!("PRAGMA cache_size = -{USUAL_CACHE_KIB}"), vec![])
                .await?;
        }
        Ok(())
    }

    /// Ends the import: with any row error (or a dry run) nothing is
    /// written; else the statistics are added, the import is logged and
    /// audited, and everything is committed at once.
    pub async fn finish(mut self) -> Result<ImportSummary> {
        self.end_sheet().await?;
        let import_id = self.import_id;
        if !self.errors.is_empty() {
            self.restore_cache().await?;
            self.tx.rollback().await?;
            let mut errors = self.errors;
            errors.sort_by(|a, b| (&a.sheet, a.row).cmp(&(&b.sheet, b.row)));
            return Err(StoreError::Rows(errors));
        }
        for b in [
            &mut self.activities,
            &mut self.activity_officials,
            &mut self.activity_items,
            &mut self.problems,
            &mut self.events,
            &mut self.needs,
            &mut self.measures,
            &mut self.plans,
            &mut self.plan_officials,
        ] {
            b.flush(&mut self.tx).await?;
        }
        for (id, visitors) in std::mem::take(&mut self.raised) {
            self.tx
                .execute(
                    "UPDATE activities SET visitors = $1 WHERE id = $2",
                    args![visitors, id],
                )
                .await?;
        }
        stats::add_flows(&mut self.tx, std::mem::take(&mut self.flows)).await?;
        stats::insert_took_part(
            &mut self.tx,
            "stats_officials",
            std::mem::take(&mut self.took_officials),
        )
        .await?;
        stats::insert_took_part(
            &mut self.tx,
            "stats_items",
            std::mem::take(&mut self.took_items),
        )
        .await?;
        if self.req.dry_run {
            self.restore_cache().await?;
            self.tx.rollback().await?;
            return Ok(self.sum);
        }
        self.sum.import_id = Some(import_id);
        let summary = serde_json::to_value(&self.sum).unwrap_or_default();
        self.tx
            .execute(
                "UPDATE imports SET summary = $1, rows = $2 WHERE id = $3",
                args![summary.to_string(), self.sum.rows as i64, import_id],
            )
            .await?;
        audit::append(
            &mut self.tx,
            &self.store.cipher,
            self.actor,
            Change {
                action: "import",
                entity: "import",
                entity_id: Some(import_id.to_string()),
                before: None,
                after: Some(json!({
                    "kind": self.req.kind.code(),
                    "file": self.req.file_name,
                    "sm3": self.req.file_sm3,
                    "summary": summary,
                    "officials_added": self.created_officials,
                    "items_added": self.created_items,
                    "items_updated": self.updated_items,
                    "units_added": self.created_units,
                })),
            },
        )
        .await?;
        self.restore_cache().await?;
        self.tx.commit().await?;
        Ok(self.sum)
    }
}
