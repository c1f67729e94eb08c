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
use crate::campaign::{SEARCHED, region_of};
use crate::registry::Unit;
use crate::rowkeys::{self, RepeatCounter, TreeUnit, UnitTree, WalkCounter};
use crate::rows::{
    self, ActivityItemRow, ActivityOfficialRow, ActivityRow, Batch, ItemRow, MeasureRow, NeedRow,
    OfficialRow, PlanOfficialRow, PlanRow, ProblemEventRow, ProblemRow, UnitRow,
};
use crate::stats::{self, Flow};
use crate::{Actor, Arg, Kind, Result, Scope, Store, StoreError, Tx, args, now_ms};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use zlc_domain::calendar::WorkCalendar;
use zlc_domain::campaign::ActivityStatus;
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

mod items;
mod keys;
mod ledger;
mod lists;
mod registry;
mod units;
mod window;

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
    /// 报送: the table is the unit's package of this report and period, and
    /// counts as its submission — in the same transaction as its rows, and
    /// refused with them when the package is incomplete. Needs `unit`.
    pub submit: Option<crate::submissions::Submit<'a>>,
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
    /// The table counted as its unit's submission (报送) asked for with it
    /// (in a dry run: it would).
    #[serde(default)]
    pub submitted: bool,
}

/// SQLite's page cache during an import, in KiB (a pooled connection's is
/// 16 MiB, set in sqlite.rs). The import's connection is closed at its end.
/// A larger cache bought nothing measurable: a million-row ledger took
/// 51 s at a peak of 299 MB with 32 MiB, 54 s and 367 MB with 96 MiB, 57 s
/// and 473 MB with 192 MiB, 66 s and 832 MB with 512 MiB (the pages it
/// does not keep, the system's file cache serves).
const IMPORT_CACHE_KIB: i64 = 32 * 1024;

/// SQLite: the rows this import writes are left out of the text indexes'
/// triggers (from each table's next id on), to be indexed at once by
/// [`index_deferred_texts`]. Must follow the import's first write (its log
/// row), which takes the write lock that keeps those ids the import's own.
async fn defer_text_index(tx: &mut Tx) -> Result<()> {
    for &(table, _) in &SEARCHED {
        tx.execute(
            &format!(
                "INSERT INTO fts_deferred (tbl, from_id) SELECT $1, COALESCE(MAX(id), 0) + 1 FROM {table}"
            ),
            args![table],
        )
        .await?;
    }
    Ok(())
}

/// SQLite: indexes the texts of every row written since
/// [`defer_text_index`], as they are now, in one statement per table
/// (one flush of the index instead of one per multi-row statement), and
/// hands the triggers their rows back.
async fn index_deferred_texts(tx: &mut Tx) -> Result<()> {
    for &(table, [a, b]) in &SEARCHED {
        tx.execute(
            &format!(
                "INSERT INTO {table}_fts (rowid, {a}, {b}) SELECT id, {a}, {b} FROM {table} \
                 WHERE id >= (SELECT from_id FROM fts_deferred WHERE tbl = $1)"
            ),
            args![table],
        )
        .await?;
    }
    tx.execute("DELETE FROM fts_deferred", vec![]).await?;
    Ok(())
}

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
    keys: HashMap<&'static str, HashMap<KeyDigest, i64>>,
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
    pending: Pending,
    flows: HashMap<(String, String, String), Flow>,
    /// Open problems written, per (unit path, deadline): `stats_open`.
    open: HashMap<(String, String), i64>,
    /// Problems written closed, per (unit path, month found, month
    /// closed): `stats_closure`.
    closures: BTreeMap<(String, String, String), i64>,
    /// Activities this import wrote.
    new_activities: HashSet<i64>,
    /// Activities already there that a problem was added to: the findings
    /// count them again.
    recount: BTreeSet<i64>,
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

/// The rows an import has made and not written yet, a batch per table.
/// They are written together, parents before children (a walk before its
/// problems, a problem before its timeline and measures), whenever one
/// batch fills a statement: a child written before its parent leaves a
/// deferred reference open, and while one is open SQLite looks for the
/// children of every parent row it writes, in tables (measures) that have
/// no index for it — written in any order, a ledger took twice as long.
#[derive(Default)]
struct Pending {
    activities: Batch<ActivityRow>,
    activity_officials: Batch<ActivityOfficialRow>,
    activity_items: Batch<ActivityItemRow>,
    problems: Batch<ProblemRow>,
    events: Batch<ProblemEventRow>,
    needs: Batch<NeedRow>,
    measures: Batch<MeasureRow>,
    plans: Batch<PlanRow>,
    plan_officials: Batch<PlanOfficialRow>,
}

impl Pending {
    /// Writes every batch, parents first.
    async fn write(&mut self, tx: &mut Tx) -> Result<()> {
        self.activities.flush(tx).await?;
        self.activity_officials.flush(tx).await?;
        self.activity_items.flush(tx).await?;
        self.problems.flush(tx).await?;
        self.events.flush(tx).await?;
        self.needs.flush(tx).await?;
        self.measures.flush(tx).await?;
        self.plans.flush(tx).await?;
        self.plan_officials.flush(tx).await
    }
}

/// A row's key as the import compares it: the first 16 bytes of its SM3
/// digest (a million rows' keys in 16 bytes each, not in their text).
type KeyDigest = [u8; 16];

fn digest(key: &str) -> KeyDigest {
    let mut out = [0u8; 16];
    out.copy_from_slice(&crate::crypto::sm3(key.as_bytes())[..16]);
    out
}

/// A row's key as stored (`import_key`): its digest in hex, short enough
/// that a million of them index cheaply.
fn hashed(key: &str) -> String {
    crate::crypto::to_hex(&digest(key))
}

/// A stored key read back; `None` for one not in [`hashed`]'s form, which no
/// row's key can match.
fn stored(hex: &str) -> Option<KeyDigest> {
    crate::crypto::from_hex(hex)?.try_into().ok()
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
        let mut tx = self.db.begin_once().await?;
        // Rows of related tables are written in batches of their own, in
        // any order: their references are checked at commit.
        match tx.kind() {
            Kind::Sqlite => {
                tx.execute("PRAGMA defer_foreign_keys = ON", vec![]).await?;
                // A large import touches every index page of its tables;
                // the page cache grows for it (on a connection of its own,
                // closed at the end: see `Db::begin_once`).
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
        if tx.kind() == Kind::Sqlite {
            defer_text_index(&mut tx).await?;
        }
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
            pending: Pending::default(),
            flows: HashMap::new(),
            open: HashMap::new(),
            closures: BTreeMap::new(),
            new_activities: HashSet::new(),
            recount: BTreeSet::new(),
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
    /// Writes the pending rows once a batch of them is `full`.
    async fn write_if(&mut self, full: bool) -> Result<()> {
        if full {
            self.pending.write(&mut self.tx).await?;
        }
        Ok(())
    }

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

    /// Ends the import: with any row error (or a dry run) nothing is
    /// written; else the statistics are added, the import is logged and
    /// audited, and everything is committed at once.
    pub async fn finish(mut self) -> Result<ImportSummary> {
        self.end_sheet().await?;
        let import_id = self.import_id;
        if !self.errors.is_empty() {
            self.tx.rollback().await?;
            let mut errors = self.errors;
            errors.sort_by(|a, b| (&a.sheet, a.row).cmp(&(&b.sheet, b.row)));
            return Err(StoreError::Rows(errors));
        }
        self.pending.write(&mut self.tx).await?;
        for (id, visitors) in std::mem::take(&mut self.raised) {
            self.tx
                .execute(
                    "UPDATE activities SET visitors = $1 WHERE id = $2",
                    args![visitors, id],
                )
                .await?;
        }
        // 报送后锁定: nothing is imported into a month of a period its unit
        // (or a unit above it) has handed in; every record counts in a flow.
        let months: HashSet<(&String, &String)> =
            self.flows.keys().map(|(p, m, _)| (p, m)).collect();
        for (path, month) in months {
            crate::submissions::ensure_open(&mut self.tx, path, &format!("{month}-01")).await?;
        }
        stats::add_flows(&mut self.tx, std::mem::take(&mut self.flows)).await?;
        stats::add_open(&mut self.tx, std::mem::take(&mut self.open)).await?;
        stats::add_closures(&mut self.tx, std::mem::take(&mut self.closures)).await?;
        crate::findings::mark_activities(&mut self.tx, &self.recount).await?;
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
        if let Some(submit) = &self.req.submit {
            let unit = self
                .req
                .unit
                .ok_or_else(|| StoreError::invalid("unit", "作为报送导入时须选定填报单位"))?;
            crate::submissions::submit_in(
                &mut self.tx,
                &self.store.cipher,
                self.actor,
                self.scope,
                unit,
                submit,
            )
            .await?;
            self.sum.submitted = true;
        }
        if self.req.dry_run {
            self.tx.rollback().await?;
            return Ok(self.sum);
        }
        self.sum.import_id = Some(import_id);
        let summary = serde_json::to_value(&self.sum)?;
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
        if self.tx.kind() == Kind::Sqlite {
            index_deferred_texts(&mut self.tx).await?;
        }
        self.tx.commit().await?;
        Ok(self.sum)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_key_reads_back_as_the_digest_it_was_written_from() {
        let key = "2024-03-05|张三|企业开办|亲身办|0";
        assert_eq!(hashed(key).len(), 32);
        assert_eq!(stored(&hashed(key)), Some(digest(key)));
        assert_ne!(digest(key), digest("2024-03-05|张三|企业开办|亲身办|1"));
        // What no row's key can match is not read as one.
        assert_eq!(stored(&crate::crypto::sm3_hex(key.as_bytes())), None);
        assert_eq!(stored("zz".repeat(16).as_str()), None);
        assert_eq!(stored(""), None);
    }
}
