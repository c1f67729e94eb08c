//! The campaign's records: plans (计划), activities (活动记录) with callbacks
//! (回访), and the three ledgers — problems (问题清单) with their timeline,
//! needs (需求清单) and measures (整改清单). The rules (what may be filed,
//! which transition is allowed) are the domain's; this module stores what the
//! caller decided, in one transaction with its audit entry.

use crate::audit::{self, Change};
use crate::stats::{self, Flow};
use crate::{Actor, Arg, Page, PageRequest, Result, Scope, Store, StoreError, Tx, args, now_ms};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// The ancestor directly below the root (a region or department of the tree
/// root), from a materialised path; a root unit is its own region.
pub fn region_of(path: &str) -> Option<i64> {
    let ids: Vec<i64> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    ids.get(1).or_else(|| ids.first()).copied()
}

/// A problem solved: counted in the month of its `closed_on`.
const SOLVED: Flow = Flow {
    problems_solved: 1,
    ..Flow::ZERO
};

fn join_ids(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

pub fn split_ids(s: &str) -> Vec<i64> {
    s.split(',').filter_map(|x| x.trim().parse().ok()).collect()
}

/// A unit inside the caller's scope, as (path, region id); else a field error.
async fn placed(tx: &mut Tx, scope: &Scope, unit_id: i64, field: &str) -> Result<(String, i64)> {
    let path: Option<String> = tx
        .scalar("SELECT path FROM units WHERE id = $1", args![unit_id])
        .await?;
    match path {
        Some(p) if scope.contains(&p) => {
            let region = region_of(&p).unwrap_or(unit_id);
            Ok((p, region))
        }
        _ => Err(StoreError::invalid(
            field,
            format!("单位 {unit_id} 不存在或不在您的数据范围内"),
        )),
    }
}

/// Checks that every id names a row of `table` in the caller's scope.
async fn all_in_scope(
    tx: &mut Tx,
    scope: &Scope,
    table: &str,
    ids: &[i64],
    field: &str,
) -> Result<()> {
    for id in ids {
        let mut a = args![*id];
        let cond = scope.condition("u.path", &mut a);
        let found: Option<i64> = tx
            .scalar(&format!("SELECT t.id FROM {table} t JOIN units u ON u.id = t.unit_id WHERE t.id = $1 AND {cond}"), a)
            .await?;
        if found.is_none() {
            return Err(StoreError::invalid(
                field,
                format!("{id} 不存在或不在您的数据范围内"),
            ));
        }
    }
    Ok(())
}

async fn set_links(
    tx: &mut Tx,
    table: &str,
    owner: &str,
    other: &str,
    id: i64,
    ids: &[i64],
) -> Result<()> {
    tx.execute(
        &format!("DELETE FROM {table} WHERE {owner} = $1"),
        args![id],
    )
    .await?;
    let mut seen = std::collections::BTreeSet::new();
    for x in ids {
        if seen.insert(*x) {
            tx.execute(
                &format!("INSERT INTO {table} ({owner}, {other}) VALUES ($1, $2)"),
                args![id, *x],
            )
            .await?;
        }
    }
    Ok(())
}

/// `$1, $2, …` for `n` values, and the values as arguments.
pub(crate) fn id_list(ids: &[i64]) -> (String, Vec<Arg>) {
    let marks: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
    (
        marks.join(", "),
        ids.iter().map(|x| Arg::from(*x)).collect(),
    )
}

/// The `other` ids linked through `table` to each of `ids`, in one query.
async fn links_of(
    db: &crate::Db,
    table: &str,
    owner: &str,
    other: &str,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<i64>>> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let (marks, a) = id_list(ids);
    let rows: Vec<(i64, i64)> = db
        .fetch_all(
            &format!("SELECT {owner}, {other} FROM {table} WHERE {owner} IN ({marks}) ORDER BY {owner}, {other}"),
            a,
        )
        .await?;
    for (k, v) in rows {
        out.entry(k).or_default().push(v);
    }
    Ok(out)
}

/// Fetches a row of `table` by id if its `unit_path` lies in the scope.
async fn scoped<T: crate::db::Record>(
    db_or_tx: &mut Tx,
    scope: &Scope,
    table: &str,
    id: i64,
) -> Result<T> {
    let mut a = args![id];
    let cond = scope.condition("unit_path", &mut a);
    db_or_tx
        .fetch_optional(
            &format!("SELECT * FROM {table} WHERE id = $1 AND {cond}"),
            a,
        )
        .await?
        .ok_or(StoreError::NotFound)
}

async fn scoped_read<T: crate::db::Record>(
    db: &crate::Db,
    scope: &Scope,
    table: &str,
    id: i64,
) -> Result<T> {
    let mut a = args![id];
    let cond = scope.condition("unit_path", &mut a);
    db.fetch_optional(
        &format!("SELECT * FROM {table} WHERE id = $1 AND {cond}"),
        a,
    )
    .await?
    .ok_or(StoreError::NotFound)
}

fn check_version(found: i64, given: i64) -> Result<()> {
    if found == given {
        Ok(())
    } else {
        Err(StoreError::Stale { current: found })
    }
}

// ---------------------------------------------------------------- plans

/// 计划 as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Plan {
    pub id: i64,
    pub unit_id: i64,
    pub unit_path: String,
    pub region_id: i64,
    pub kind: String,
    pub mode: Option<String>,
    pub date: String,
    pub slot: String,
    pub place: String,
    pub window_unit_id: Option<i64>,
    pub place_note: Option<String>,
    pub status: String,
    pub cancel_reason: Option<String>,
    pub published_at: Option<i64>,
    pub activity_id: Option<i64>,
    pub version: i64,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A validated plan.
#[derive(Debug, Clone)]
pub struct PlanInput {
    pub unit_id: i64,
    pub kind: String,
    pub mode: Option<String>,
    pub date: String,
    pub slot: String,
    pub place: String,
    pub window_unit_id: Option<i64>,
    pub place_note: Option<String>,
    pub official_ids: Vec<i64>,
    pub item_ids: Vec<i64>,
}

/// A plan with its officials and items.
#[derive(Debug, Clone, Serialize)]
pub struct PlanDetail {
    pub plan: Plan,
    pub official_ids: Vec<i64>,
    pub item_ids: Vec<i64>,
}

/// Filters of the plan, activity and ledger lists.
#[derive(Debug, Default, Clone)]
pub struct CampaignFilter {
    /// Inclusive date range (YYYY-MM-DD) on the record's own date.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Narrow to this unit's subtree (inside the scope).
    pub unit: Option<i64>,
    pub status: Option<String>,
    pub kind: Option<String>,
    pub mode: Option<String>,
    pub source: Option<String>,
    pub category: Option<String>,
    /// Overdue on this date: not closed and past the deadline.
    pub overdue_on: Option<String>,
    /// Problems closed (已销号) between these dates, inclusive, whenever found.
    pub closed: Option<(String, String)>,
    pub q: Option<String>,
    /// The order of the list (default: by id, oldest first).
    pub sort: Option<Sort>,
}

/// 排序 the order of a list: one of the columns the list may be sorted by
/// (a date, mostly), then the id the same way, so equal dates keep one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sort {
    pub column: String,
    /// Newest (largest) first.
    pub desc: bool,
}

impl Sort {
    /// `date` (ascending) or `-date` (descending).
    pub fn parse(s: &str) -> Option<Sort> {
        let s = s.trim();
        let (column, desc) = match s.strip_prefix('-') {
            Some(c) => (c, true),
            None => (s.strip_prefix('+').unwrap_or(s), false),
        };
        let ok = !column.is_empty() && column.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        ok.then(|| Sort {
            column: column.to_string(),
            desc,
        })
    }
}

struct Where {
    sql: String,
    args: Vec<Arg>,
}

impl Where {
    fn new(after: Option<i64>) -> Self {
        Where {
            sql: "id > $1".into(),
            args: vec![after.unwrap_or(0).into()],
        }
    }

    fn push(&mut self, cond: &str, v: impl Into<Arg>) {
        self.args.push(v.into());
        self.sql += &format!(
            " AND {}",
            cond.replace("$?", &format!("${}", self.args.len()))
        );
    }
}

fn problem_filters(w: &mut Where, f: &CampaignFilter) {
    if let Some(v) = &f.source {
        w.push("source = $?", v);
    }
    if let Some(v) = &f.category {
        w.push("category = $?", v);
    }
    if let Some(v) = &f.overdue_on {
        // Waiting for verification is the verifier's turn, not overdue (整改逾期).
        w.push(
            "status <> 'closed' AND status <> 'awaiting-verification' AND deadline < $?",
            v,
        );
    }
    if let Some((from, to)) = &f.closed {
        w.push("closed_on >= $?", from);
        w.push("closed_on <= $?", to);
    }
    if let Some(v) = &f.kind {
        w.push(
            "activity_id IN (SELECT id FROM activities WHERE kind = $?)",
            v,
        );
    }
    if let Some(v) = &f.mode {
        w.push(
            "activity_id IN (SELECT id FROM activities WHERE mode = $?)",
            v,
        );
    }
}

/// A LIKE pattern that finds `q` anywhere, its own `%`, `_` and `\` taken literally.
pub fn like_pattern(q: &str) -> String {
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

impl Where {
    /// Chinese substring search over `cols` of `table`: the trigram index where
    /// the database has one for the query (SQLite FTS5 for three characters or
    /// more; PostgreSQL's pg_trgm GIN indexes serve LIKE directly), else a scan
    /// narrowed by the other filters.
    fn text(&mut self, kind: crate::Kind, table: &str, cols: &[&str], q: Option<&str>) {
        let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) else {
            return;
        };
        if kind == crate::Kind::Sqlite
            && let Some((cond, phrase)) = crate::sqlite::fts_match(table, q)
        {
            self.push(&cond, phrase);
            return;
        }
        let ors: Vec<String> = cols
            .iter()
            .map(|c| format!("{c} LIKE $? ESCAPE '\\'"))
            .collect();
        self.push(&format!("({})", ors.join(" OR ")), like_pattern(q));
    }
}

async fn scope_for(store: &Store, scope: &Scope, unit: Option<i64>) -> Result<Scope> {
    Ok(match unit {
        Some(u) => Scope::subtree(store.unit(scope, u).await?.path),
        None => scope.clone(),
    })
}

/// A record type listed by [`Store::list_scoped`]: its id is its cursor.
pub trait Listed: crate::db::Record {
    fn id(&self) -> i64;
}

macro_rules! listed {
    ($($t:ty),*) => {$(impl Listed for $t { fn id(&self) -> i64 { self.id } })*};
}
listed!(Plan, Activity, Problem, Need, Measure);

impl Store {
    /// One page of `table` inside the scope (narrowed to `f.unit`), filtered by
    /// the period on `date_col`, the status, the text in `text_cols` and
    /// whatever `extra` adds; ordered by id (paged by cursor) or by one of
    /// `sortable` as `f.sort` asks (paged by position). The first page says
    /// how many records the whole list holds.
    #[allow(clippy::too_many_arguments)]
    async fn list_scoped<T: Listed>(
        &self,
        table: &str,
        date_col: Option<&str>,
        text_cols: &[&str],
        sortable: &[&str],
        scope: &Scope,
        f: &CampaignFilter,
        page: &PageRequest,
        extra: impl Fn(&mut Where),
    ) -> Result<Page<T>> {
        let total = if page.is_first() {
            let w = self
                .scoped_where(table, date_col, text_cols, scope, f, None, &extra)
                .await?;
            Some(
                self.db
                    .scalar::<i64>(
                        &format!("SELECT COUNT(*) FROM {table} WHERE {}", w.sql),
                        w.args,
                    )
                    .await?
                    .unwrap_or(0),
            )
        } else {
            None
        };
        let mut out = match &f.sort {
            Some(sort) => {
                if !sortable.contains(&sort.column.as_str()) {
                    return Err(StoreError::invalid(
                        "sort",
                        format!(
                            "不能按「{}」排序，可选：{}",
                            sort.column,
                            sortable.join("、")
                        ),
                    ));
                }
                let mut w = self
                    .scoped_where(table, date_col, text_cols, scope, f, None, &extra)
                    .await?;
                let dir = if sort.desc { "DESC" } else { "ASC" };
                w.args.push((page.limit + 1).into());
                w.args.push(page.offset.unwrap_or(0).into());
                // Empty values last either way, as a reader expects.
                let sql = format!(
                    "SELECT * FROM {table} WHERE {} ORDER BY ({col} IS NULL), {col} {dir}, id {dir} LIMIT ${} OFFSET ${}",
                    w.sql,
                    w.args.len() - 1,
                    w.args.len(),
                    col = sort.column,
                );
                let rows = self.db.fetch_all(&sql, w.args).await?;
                Page::from_sorted_rows(rows, page)
            }
            None => {
                let mut w = self
                    .scoped_where(table, date_col, text_cols, scope, f, page.after, &extra)
                    .await?;
                w.args.push((page.limit + 1).into());
                let sql = format!(
                    "SELECT * FROM {table} WHERE {} ORDER BY id LIMIT ${}",
                    w.sql,
                    w.args.len()
                );
                let rows = self.db.fetch_all(&sql, w.args).await?;
                Page::from_rows(rows, page, T::id)
            }
        };
        out.total = total;
        Ok(out)
    }

    /// What [`Store::list_scoped`] would list, counted (and `sum`, a column
    /// to add up, summed): the figures of a report drill down to exactly
    /// these records.
    #[allow(clippy::too_many_arguments)]
    async fn count_scoped(
        &self,
        table: &str,
        date_col: Option<&str>,
        scope: &Scope,
        f: &CampaignFilter,
        sum: Option<&str>,
        extra: impl FnOnce(&mut Where),
    ) -> Result<i64> {
        let w = self
            .scoped_where(table, date_col, &[], scope, f, None, extra)
            .await?;
        let what = sum
            .map(|c| format!("CAST(COALESCE(SUM({c}), 0) AS BIGINT)"))
            .unwrap_or_else(|| "COUNT(*)".into());
        Ok(self
            .db
            .scalar::<i64>(
                &format!("SELECT {what} FROM {table} WHERE {}", w.sql),
                w.args,
            )
            .await?
            .unwrap_or(0))
    }

    #[allow(clippy::too_many_arguments)]
    async fn scoped_where(
        &self,
        table: &str,
        date_col: Option<&str>,
        text_cols: &[&str],
        scope: &Scope,
        f: &CampaignFilter,
        after: Option<i64>,
        extra: impl FnOnce(&mut Where),
    ) -> Result<Where> {
        let scope = scope_for(self, scope, f.unit).await?;
        let mut w = Where::new(after);
        let cond = scope.condition("unit_path", &mut w.args);
        w.sql += &format!(" AND {cond}");
        if let Some(col) = date_col {
            if let Some(v) = &f.from {
                w.push(&format!("{col} >= $?"), v);
            }
            if let Some(v) = &f.to {
                w.push(&format!("{col} <= $?"), v);
            }
        }
        if let Some(v) = &f.status {
            w.push("status = $?", v);
        }
        if !text_cols.is_empty() {
            w.text(self.kind(), table, text_cols, f.q.as_deref());
        }
        extra(&mut w);
        Ok(w)
    }
}

impl Store {
    async fn plan_links(&self, plan: Plan) -> Result<PlanDetail> {
        let mut v = self.plans_with_links(vec![plan]).await?;
        v.pop().ok_or(StoreError::NotFound)
    }

    /// Plans with their officials and items, in two queries for all of them.
    pub async fn plans_with_links(&self, plans: Vec<Plan>) -> Result<Vec<PlanDetail>> {
        let ids: Vec<i64> = plans.iter().map(|p| p.id).collect();
        let mut officials =
            links_of(&self.db, "plan_officials", "plan_id", "official_id", &ids).await?;
        let mut items = links_of(&self.db, "plan_items", "plan_id", "item_id", &ids).await?;
        Ok(plans
            .into_iter()
            .map(|plan| PlanDetail {
                official_ids: officials.remove(&plan.id).unwrap_or_default(),
                item_ids: items.remove(&plan.id).unwrap_or_default(),
                plan,
            })
            .collect())
    }

    pub async fn plan(&self, scope: &Scope, id: i64) -> Result<PlanDetail> {
        let p: Plan = scoped_read(&self.db, scope, "plans", id).await?;
        self.plan_links(p).await
    }

    /// Creates (id `None`) or updates a draft plan at the version read.
    pub async fn save_plan(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: Option<(i64, i64)>,
        input: &PlanInput,
    ) -> Result<PlanDetail> {
        let mut tx = self.db.begin().await?;
        let (path, region) = placed(&mut tx, scope, input.unit_id, "unit_id").await?;
        all_in_scope(
            &mut tx,
            scope,
            "officials",
            &input.official_ids,
            "official_ids",
        )
        .await?;
        all_in_scope(&mut tx, scope, "items", &input.item_ids, "item_ids").await?;
        if let Some(w) = input.window_unit_id {
            // The window walked to: one of the caller's units, or a hall
            // (政务服务中心), which every department's officials walk to.
            let kind: Option<String> = tx
                .scalar("SELECT kind FROM units WHERE id = $1", args![w])
                .await?;
            let scope_of_window = if kind.as_deref() == Some("hall") {
                Scope::all()
            } else {
                scope.clone()
            };
            placed(&mut tx, &scope_of_window, w, "window_unit_id").await?;
        }
        let now = now_ms();
        let (plan, before): (Plan, Option<Plan>) = match id {
            None => {
                let p = tx
                    .fetch_one(
                        "INSERT INTO plans (unit_id, unit_path, region_id, kind, mode, date, slot, place, window_unit_id, place_note, status, created_by, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11, $12, $12) RETURNING *",
                        args![input.unit_id, &path, region, &input.kind, &input.mode, &input.date, &input.slot, &input.place, input.window_unit_id, &input.place_note, actor.user_id, now],
                    )
                    .await?;
                (p, None)
            }
            Some((id, version)) => {
                tx.lock_row("plans", id).await?;
                let old: Plan = scoped(&mut tx, scope, "plans", id).await?;
                check_version(old.version, version)?;
                // A plan waiting for publication may still be corrected.
                if old.status != "draft" && old.status != "submitted" {
                    return Err(StoreError::Conflict(
                        "计划已发布或已取消，不能再修改".into(),
                    ));
                }
                let p = tx
                    .fetch_one(
                        "UPDATE plans SET unit_id = $1, unit_path = $2, region_id = $3, kind = $4, mode = $5, date = $6, slot = $7, place = $8, \
                         window_unit_id = $9, place_note = $10, version = version + 1, updated_at = $11 WHERE id = $12 RETURNING *",
                        args![input.unit_id, &path, region, &input.kind, &input.mode, &input.date, &input.slot, &input.place, input.window_unit_id, &input.place_note, now, id],
                    )
                    .await?;
                (p, Some(old))
            }
        };
        set_links(
            &mut tx,
            "plan_officials",
            "plan_id",
            "official_id",
            plan.id,
            &input.official_ids,
        )
        .await?;
        set_links(
            &mut tx,
            "plan_items",
            "plan_id",
            "item_id",
            plan.id,
            &input.item_ids,
        )
        .await?;
        let mut after = serde_json::to_value(&plan).unwrap_or_default();
        after["official_ids"] = json!(input.official_ids);
        after["item_ids"] = json!(input.item_ids);
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: if before.is_some() { "update" } else { "create" },
                entity: "plan",
                entity_id: Some(plan.id.to_string()),
                before: before.map(|b| serde_json::to_value(b).unwrap_or_default()),
                after: Some(after),
            },
        )
        .await?;
        tx.commit().await?;
        self.plan_links(plan).await
    }

    /// Moves a plan to `to` from one of `from` (submit, publish, cancel, mark done or missed).
    #[allow(clippy::too_many_arguments)]
    pub async fn set_plan_status(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: i64,
        version: i64,
        from: &[&str],
        to: &str,
        reason: Option<&str>,
        activity_id: Option<i64>,
    ) -> Result<Plan> {
        let mut v = self
            .set_plans_status(
                actor,
                scope,
                &[(id, version)],
                from,
                to,
                reason,
                activity_id,
            )
            .await?;
        v.pop().ok_or(StoreError::NotFound)
    }

    /// Moves several plans (`(id, version)` each, as read) to `to`, all or
    /// none: one stale or out-of-step plan refuses the whole batch, naming it.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_plans_status(
        &self,
        actor: &Actor,
        scope: &Scope,
        plans: &[(i64, i64)],
        from: &[&str],
        to: &str,
        reason: Option<&str>,
        activity_id: Option<i64>,
    ) -> Result<Vec<Plan>> {
        let mut tx = self.db.begin().await?;
        let ids: Vec<i64> = plans.iter().map(|p| p.0).collect();
        tx.lock_rows("plans", &ids).await?;
        let now = now_ms();
        let many = plans.len() > 1;
        let mut out = Vec::with_capacity(plans.len());
        for &(id, version) in plans {
            let old: Plan = scoped(&mut tx, scope, "plans", id).await?;
            let name = || -> String {
                if many {
                    format!("{} 的计划", old.date)
                } else {
                    "计划".into()
                }
            };
            if old.version != version {
                return Err(if many {
                    StoreError::Conflict(format!("{}已被他人修改，请刷新后重试", name()))
                } else {
                    StoreError::Stale {
                        current: old.version,
                    }
                });
            }
            if !from.contains(&old.status.as_str()) {
                return Err(StoreError::Conflict(format!(
                    "{}当前状态为「{}」，不能执行此操作",
                    name(),
                    plan_status_zh(&old.status)
                )));
            }
            let published_at = if to == "published" {
                Some(now)
            } else {
                old.published_at
            };
            let p: Plan = tx
                .fetch_one(
                    "UPDATE plans SET status = $1, cancel_reason = $2, published_at = $3, activity_id = $4, version = version + 1, updated_at = $5 WHERE id = $6 RETURNING *",
                    args![to, reason.or(old.cancel_reason.as_deref()), published_at, activity_id.or(old.activity_id), now, id],
                )
                .await?;
            audit::append(
                &mut tx,
                &self.cipher,
                actor,
                Change {
                    action: to,
                    entity: "plan",
                    entity_id: Some(id.to_string()),
                    before: Some(json!({"status": old.status})),
                    after: Some(
                        json!({"status": p.status, "reason": reason, "activity_id": p.activity_id}),
                    ),
                },
            )
            .await?;
            out.push(p);
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Plans of a region, or at a window, between two dates (not cancelled),
    /// with their officials: what the clustering check compares a plan against.
    pub async fn plans_near(
        &self,
        region_id: i64,
        window_unit_id: Option<i64>,
        from: &str,
        to: &str,
    ) -> Result<Vec<PlanDetail>> {
        let plans: Vec<Plan> = self
            .db
            .fetch_all(
                "SELECT * FROM plans WHERE (region_id = $1 OR window_unit_id = $4) AND date >= $2 AND date <= $3 AND status <> 'cancelled' ORDER BY id",
                args![region_id, from, to, window_unit_id],
            )
            .await?;
        self.plans_with_links(plans).await
    }

    pub async fn list_plans(
        &self,
        scope: &Scope,
        f: &CampaignFilter,
        page: &PageRequest,
    ) -> Result<Page<Plan>> {
        self.list_scoped("plans", Some("date"), &[], &["date"], scope, f, page, |w| {
            if let Some(v) = &f.kind {
                w.push("kind = $?", v);
            }
            // A plan is found by its unit, window, officials or note.
            if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
                w.push(
                    "(place_note LIKE $? ESCAPE '\\' \
                     OR unit_id IN (SELECT id FROM units WHERE name LIKE $? ESCAPE '\\') \
                     OR window_unit_id IN (SELECT id FROM units WHERE name LIKE $? ESCAPE '\\') \
                     OR id IN (SELECT po.plan_id FROM plan_officials po JOIN officials o ON o.id = po.official_id WHERE o.name LIKE $? ESCAPE '\\'))",
                    like_pattern(q),
                );
            }
        })
        .await
    }

    /// Published plans for the public page: no sign-in, so only what seed 003
    /// 四(一) makes public — name, title, unit, date, kind, items; never a phone.
    pub async fn public_plans(
        &self,
        region: Option<i64>,
        from: &str,
        to: &str,
        page: &PageRequest,
    ) -> Result<Page<PublicPlan>> {
        let mut a = args![from, to];
        let mut sql = String::from(
            "SELECT p.id, p.date, p.slot, p.kind, p.place, w.name AS window_unit, u.name AS unit_name FROM plans p JOIN units u ON u.id = p.unit_id \
             LEFT JOIN units w ON w.id = p.window_unit_id \
             WHERE p.status IN ('published', 'done', 'missed') AND p.date >= $1 AND p.date <= $2",
        );
        if let Some(path) = self.region_path(region).await? {
            sql += &format!(
                " AND {}",
                Scope::subtree(path).condition("p.unit_path", &mut a)
            );
        }
        a.push((page.limit + 1).into());
        a.push(page.offset.unwrap_or(0).into());
        sql += &format!(
            " ORDER BY p.date, p.id LIMIT ${} OFFSET ${}",
            a.len() - 1,
            a.len()
        );
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            date: String,
            slot: String,
            kind: String,
            place: String,
            window_unit: Option<String>,
            unit_name: String,
        }
        let rows: Vec<Row> = self.db.fetch_all(&sql, a).await?;
        let Page {
            items: rows,
            next_cursor,
            ..
        } = Page::from_sorted_rows(rows, page);
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut officials: HashMap<i64, Vec<PublicOfficial>> = HashMap::new();
        let mut items: HashMap<i64, Vec<String>> = HashMap::new();
        if !ids.is_empty() {
            let (marks, a) = id_list(&ids);
            let rows: Vec<(i64, String, String, String)> = self
                .db
                .fetch_all(
                    &format!("SELECT po.plan_id, o.name, o.title, u.name FROM plan_officials po JOIN officials o ON o.id = po.official_id \
                              JOIN units u ON u.id = o.unit_id WHERE po.plan_id IN ({marks}) ORDER BY po.plan_id, o.id"),
                    a,
                )
                .await?;
            for (plan, name, title, unit) in rows {
                officials
                    .entry(plan)
                    .or_default()
                    .push(PublicOfficial { name, title, unit });
            }
            let (marks, a) = id_list(&ids);
            let rows: Vec<(i64, String)> = self
                .db
                .fetch_all(
                    &format!("SELECT pi.plan_id, i.name FROM plan_items pi JOIN items i ON i.id = pi.item_id WHERE pi.plan_id IN ({marks}) ORDER BY pi.plan_id, i.id"),
                    a,
                )
                .await?;
            for (plan, name) in rows {
                items.entry(plan).or_default().push(name);
            }
        }
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(PublicPlan {
                date: r.date,
                slot: r.slot,
                kind: r.kind,
                place: r.place,
                window_unit: r.window_unit,
                unit: r.unit_name,
                officials: officials.remove(&r.id).unwrap_or_default(),
                items: items.remove(&r.id).unwrap_or_default(),
                id: r.id,
            });
        }
        Ok(Page {
            items: out,
            next_cursor,
            total: None,
        })
    }
}

pub fn plan_status_zh(s: &str) -> &str {
    match s {
        "draft" => "草稿",
        "submitted" => "待发布",
        "published" => "已发布",
        "cancelled" => "已取消",
        "done" => "已完成",
        "missed" => "未开展",
        other => other,
    }
}

/// 整改公示 what the public sees of a problem and its rectification: the
/// unit, what was wrong and what was done — never who reported or handled it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PublicRectification {
    pub id: i64,
    pub unit: String,
    pub category: String,
    pub description: String,
    pub status: String,
    pub found_on: String,
    pub deadline: Option<String>,
    pub closed_on: Option<String>,
    pub measures: Option<String>,
    pub effect: Option<String>,
}

impl Store {
    /// The path of a public page's region, if one was asked for (404 if unknown).
    async fn region_path(&self, region: Option<i64>) -> Result<Option<String>> {
        let Some(r) = region else { return Ok(None) };
        let path: Option<String> = self
            .db
            .scalar("SELECT path FROM units WHERE id = $1", args![r])
            .await?;
        path.map(Some).ok_or(StoreError::NotFound)
    }

    /// Problems found between two dates, newest first, for the public page.
    pub async fn public_rectifications(
        &self,
        region: Option<i64>,
        from: &str,
        to: &str,
        page: &PageRequest,
    ) -> Result<Page<PublicRectification>> {
        let mut a = args![from, to];
        let mut sql = String::from(
            "SELECT p.id, u.name AS unit, p.category, p.description, p.status, p.found_on, p.deadline, p.closed_on, p.measures, p.effect \
             FROM problems p JOIN units u ON u.id = p.unit_id WHERE p.found_on >= $1 AND p.found_on <= $2",
        );
        if let Some(path) = self.region_path(region).await? {
            sql += &format!(
                " AND {}",
                Scope::subtree(path).condition("p.unit_path", &mut a)
            );
        }
        a.push((page.limit + 1).into());
        a.push(page.offset.unwrap_or(0).into());
        sql += &format!(
            " ORDER BY p.found_on DESC, p.id DESC LIMIT ${} OFFSET ${}",
            a.len() - 1,
            a.len()
        );
        let rows = self.db.fetch_all(&sql, a).await?;
        Ok(Page::from_sorted_rows(rows, page))
    }
}

/// 公示计划 what the public sees of a plan.
#[derive(Debug, Clone, Serialize)]
pub struct PublicPlan {
    pub id: i64,
    pub date: String,
    pub slot: String,
    pub kind: String,
    pub place: String,
    /// The hall or window unit visited (the plan's 备注 is internal, never public).
    pub window_unit: Option<String>,
    pub unit: String,
    pub officials: Vec<PublicOfficial>,
    pub items: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicOfficial {
    pub name: String,
    pub title: String,
    pub unit: String,
}

// ---------------------------------------------------------------- activities

/// 活动记录 as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Activity {
    pub id: i64,
    pub unit_id: i64,
    pub unit_path: String,
    pub region_id: i64,
    pub plan_id: Option<i64>,
    pub kind: String,
    pub mode: String,
    pub channel: Option<String>,
    pub trigger_kind: String,
    pub unannounced: bool,
    pub date: String,
    pub started: Option<String>,
    pub ended: Option<String>,
    pub place: Option<String>,
    pub content: Option<String>,
    pub visitors: i64,
    pub checked_items: i64,
    pub steps_done: String,
    pub notes: Option<String>,
    pub status: String,
    pub filed_on: Option<String>,
    pub filing_due: Option<String>,
    pub late: bool,
    pub version: i64,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// 回访 as given by the caller, in clear (sealed by the store).
#[derive(Debug, Clone, PartialEq)]
pub struct CallbackInput {
    /// The stored callback this one updates in place (read back: its id);
    /// `None` adds a new one.
    pub id: Option<i64>,
    pub name: String,
    pub phone: Option<String>,
    pub served_on: Option<String>,
    pub called_on: String,
    pub valid: bool,
    pub satisfaction: Option<String>,
    pub remarks: Option<String>,
}

/// 回访 as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CallbackRow {
    pub id: i64,
    pub activity_id: i64,
    pub name_enc: String,
    pub phone_enc: Option<String>,
    pub served_on: Option<String>,
    pub called_on: String,
    pub valid: bool,
    pub satisfaction: Option<String>,
    pub remarks: Option<String>,
    pub created_at: i64,
}

/// A validated activity record.
#[derive(Debug, Clone)]
pub struct ActivityInput {
    pub unit_id: i64,
    pub plan_id: Option<i64>,
    pub kind: String,
    pub mode: String,
    pub channel: Option<String>,
    pub trigger_kind: String,
    pub unannounced: bool,
    pub date: String,
    pub started: Option<String>,
    pub ended: Option<String>,
    pub place: Option<String>,
    pub content: Option<String>,
    pub visitors: i64,
    pub checked_items: i64,
    pub steps_done: Vec<String>,
    pub notes: Option<String>,
    pub official_ids: Vec<i64>,
    pub item_ids: Vec<i64>,
    pub callbacks: Vec<CallbackInput>,
}

/// An activity with its officials, items and (opened) callbacks.
#[derive(Debug, Clone)]
pub struct ActivityDetail {
    pub activity: Activity,
    pub official_ids: Vec<i64>,
    pub item_ids: Vec<i64>,
    pub callbacks: Vec<CallbackInput>,
    pub problem_count: i64,
}

impl Store {
    pub async fn activity(&self, scope: &Scope, id: i64) -> Result<ActivityDetail> {
        let a: Activity = scoped_read(&self.db, scope, "activities", id).await?;
        self.activity_links(a).await
    }

    async fn activity_links(&self, activity: Activity) -> Result<ActivityDetail> {
        let mut v = self.activities_with_links(vec![activity]).await?;
        v.pop().ok_or(StoreError::NotFound)
    }

    /// Activities with their officials, items, opened callbacks and problem
    /// counts, in four queries for all of them.
    pub async fn activities_with_links(&self, acts: Vec<Activity>) -> Result<Vec<ActivityDetail>> {
        let ids: Vec<i64> = acts.iter().map(|a| a.id).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let (marks, a) = id_list(&ids);
        let rows: Vec<CallbackRow> = self
            .db
            .fetch_all(
                &format!("SELECT * FROM callbacks WHERE activity_id IN ({marks}) ORDER BY activity_id, id"),
                a,
            )
            .await?;
        let mut callbacks: HashMap<i64, Vec<CallbackInput>> = HashMap::new();
        for r in rows {
            callbacks
                .entry(r.activity_id)
                .or_default()
                .push(CallbackInput {
                    id: Some(r.id),
                    name: self.cipher.decrypt(&r.name_enc)?,
                    phone: self.cipher.decrypt_opt(r.phone_enc.as_deref())?,
                    served_on: r.served_on,
                    called_on: r.called_on,
                    valid: r.valid,
                    satisfaction: r.satisfaction,
                    remarks: r.remarks,
                });
        }
        let (marks, a) = id_list(&ids);
        let counts: HashMap<i64, i64> = self
            .db
            .fetch_all::<(i64, i64)>(
                &format!("SELECT activity_id, COUNT(*) FROM problems WHERE activity_id IN ({marks}) GROUP BY activity_id"),
                a,
            )
            .await?
            .into_iter()
            .collect();
        let mut officials = links_of(
            &self.db,
            "activity_officials",
            "activity_id",
            "official_id",
            &ids,
        )
        .await?;
        let mut items =
            links_of(&self.db, "activity_items", "activity_id", "item_id", &ids).await?;
        Ok(acts
            .into_iter()
            .map(|activity| {
                let id = activity.id;
                ActivityDetail {
                    official_ids: officials.remove(&id).unwrap_or_default(),
                    item_ids: items.remove(&id).unwrap_or_default(),
                    callbacks: callbacks.remove(&id).unwrap_or_default(),
                    problem_count: counts.get(&id).copied().unwrap_or(0),
                    activity,
                }
            })
            .collect())
    }

    /// Creates (id `None`) or updates a draft activity at the version read.
    pub async fn save_activity(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: Option<(i64, i64)>,
        input: &ActivityInput,
    ) -> Result<ActivityDetail> {
        let mut tx = self.db.begin().await?;
        let (path, region) = placed(&mut tx, scope, input.unit_id, "unit_id").await?;
        all_in_scope(
            &mut tx,
            scope,
            "officials",
            &input.official_ids,
            "official_ids",
        )
        .await?;
        all_in_scope(&mut tx, scope, "items", &input.item_ids, "item_ids").await?;
        if let Some(p) = input.plan_id {
            scoped::<Plan>(&mut tx, scope, "plans", p)
                .await
                .map_err(|_| {
                    StoreError::invalid("plan_id", "所选计划不存在或不在您的数据范围内")
                })?;
        }
        let now = now_ms();
        let steps = input.steps_done.join(",");
        let (activity, before): (Activity, Option<Activity>) = match id {
            None => {
                let a = tx
                    .fetch_one(
                        "INSERT INTO activities (unit_id, unit_path, region_id, plan_id, kind, mode, channel, trigger_kind, unannounced, date, started, ended, \
                         place, content, visitors, checked_items, steps_done, notes, status, created_by, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 'draft', $19, $20, $20) RETURNING *",
                        args![input.unit_id, &path, region, input.plan_id, &input.kind, &input.mode, &input.channel, &input.trigger_kind, input.unannounced,
                              &input.date, &input.started, &input.ended, &input.place, &input.content, input.visitors, input.checked_items, &steps,
                              &input.notes, actor.user_id, now],
                    )
                    .await?;
                (a, None)
            }
            Some((id, version)) => {
                tx.lock_row("activities", id).await?;
                let old: Activity = scoped(&mut tx, scope, "activities", id).await?;
                check_version(old.version, version)?;
                if old.status != "draft" {
                    return Err(StoreError::Conflict("活动已报备，不能再修改".into()));
                }
                let a = tx
                    .fetch_one(
                        "UPDATE activities SET unit_id = $1, unit_path = $2, region_id = $3, plan_id = $4, kind = $5, mode = $6, channel = $7, trigger_kind = $8, \
                         unannounced = $9, date = $10, started = $11, ended = $12, place = $13, content = $14, visitors = $15, checked_items = $16, \
                         steps_done = $17, notes = $18, version = version + 1, updated_at = $19 WHERE id = $20 RETURNING *",
                        args![input.unit_id, &path, region, input.plan_id, &input.kind, &input.mode, &input.channel, &input.trigger_kind, input.unannounced,
                              &input.date, &input.started, &input.ended, &input.place, &input.content, input.visitors, input.checked_items, &steps,
                              &input.notes, now, id],
                    )
                    .await?;
                (a, Some(old))
            }
        };
        set_links(
            &mut tx,
            "activity_officials",
            "activity_id",
            "official_id",
            activity.id,
            &input.official_ids,
        )
        .await?;
        set_links(
            &mut tx,
            "activity_items",
            "activity_id",
            "item_id",
            activity.id,
            &input.item_ids,
        )
        .await?;
        // Callbacks sent with their id are updated in place, the others added;
        // stored ones not sent any more are removed.
        let kept: Vec<i64> = input.callbacks.iter().filter_map(|c| c.id).collect();
        let stored: Vec<i64> = tx
            .fetch_all::<(i64,)>(
                "SELECT id FROM callbacks WHERE activity_id = $1",
                args![activity.id],
            )
            .await?
            .into_iter()
            .map(|(id,)| id)
            .collect();
        for (i, c) in input.callbacks.iter().enumerate() {
            if let Some(id) = c.id
                && !stored.contains(&id)
            {
                return Err(StoreError::invalid(
                    &format!("callbacks[{i}].id"),
                    "该回访记录不属于本活动，请刷新后重试",
                ));
            }
        }
        for id in stored.iter().filter(|id| !kept.contains(id)) {
            tx.execute("DELETE FROM callbacks WHERE id = $1", args![*id])
                .await?;
        }
        for c in &input.callbacks {
            let name = self.cipher.encrypt(&c.name)?;
            let phone = self.cipher.encrypt_opt(c.phone.as_deref())?;
            match c.id {
                Some(id) => {
                    tx.execute(
                        "UPDATE callbacks SET name_enc = $1, phone_enc = $2, served_on = $3, called_on = $4, valid = $5, satisfaction = $6, remarks = $7 \
                         WHERE id = $8",
                        args![name, phone, &c.served_on, &c.called_on, c.valid, &c.satisfaction, &c.remarks, id],
                    )
                    .await?;
                }
                None => {
                    tx.execute(
                        "INSERT INTO callbacks (activity_id, name_enc, phone_enc, served_on, called_on, valid, satisfaction, remarks, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                        args![activity.id, name, phone, &c.served_on, &c.called_on, c.valid, &c.satisfaction, &c.remarks, now],
                    )
                    .await?;
                }
            }
        }
        let mut after = serde_json::to_value(&activity).unwrap_or_default();
        after["official_ids"] = json!(input.official_ids);
        after["item_ids"] = json!(input.item_ids);
        // Callbacks are personal data: the trail keeps how many, not who.
        after["callbacks"] = json!(input.callbacks.len());
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: if before.is_some() { "update" } else { "create" },
                entity: "activity",
                entity_id: Some(activity.id.to_string()),
                before: before.map(|b| serde_json::to_value(b).unwrap_or_default()),
                after: Some(after),
            },
        )
        .await?;
        tx.commit().await?;
        self.activity_links(activity).await
    }

    /// 报备 files a draft; the caller has checked the policy and computed the due date.
    pub async fn file_activity(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: i64,
        version: i64,
        filed_on: &str,
        due: &str,
        late: bool,
    ) -> Result<ActivityDetail> {
        let mut tx = self.db.begin().await?;
        tx.lock_row("activities", id).await?;
        let old: Activity = scoped(&mut tx, scope, "activities", id).await?;
        check_version(old.version, version)?;
        if old.status != "draft" {
            return Err(StoreError::Conflict("活动已报备".into()));
        }
        let a: Activity = tx
            .fetch_one(
                "UPDATE activities SET status = 'filed', filed_on = $1, filing_due = $2, late = $3, version = version + 1, updated_at = $4 WHERE id = $5 RETURNING *",
                args![filed_on, due, late, now_ms(), id],
            )
            .await?;
        crate::stats::count_filed(&mut tx, &a).await?;
        // Plan versus actual: the plan this activity fulfils is done.
        if let Some(p) = a.plan_id {
            tx.execute(
                "UPDATE plans SET status = 'done', activity_id = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND status IN ('published', 'missed')",
                args![id, now_ms(), p],
            )
            .await?;
        }
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: "file",
                entity: "activity",
                entity_id: Some(id.to_string()),
                before: Some(json!({"status": "draft"})),
                after: Some(
                    json!({"status": "filed", "filed_on": filed_on, "due": due, "late": late}),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        self.activity_links(a).await
    }

    pub async fn list_activities(
        &self,
        scope: &Scope,
        f: &CampaignFilter,
        page: &PageRequest,
    ) -> Result<Page<Activity>> {
        self.list_scoped(
            "activities",
            Some("date"),
            &["content", "place"],
            &["date"],
            scope,
            f,
            page,
            |w| activity_filters(w, f),
        )
        .await
    }

    /// The activities [`Store::list_activities`] lists, counted; with `sum`
    /// (`visitors`), that column added up.
    pub async fn count_activities(
        &self,
        scope: &Scope,
        f: &CampaignFilter,
        sum: Option<&str>,
    ) -> Result<i64> {
        self.count_scoped("activities", Some("date"), scope, f, sum, |w| {
            activity_filters(w, f)
        })
        .await
    }

    /// Official participations (人次) in the activities [`Store::list_activities`] lists.
    pub async fn count_participations(&self, scope: &Scope, f: &CampaignFilter) -> Result<i64> {
        let w = self
            .scoped_where("activities", Some("date"), &[], scope, f, None, |w| {
                activity_filters(w, f)
            })
            .await?;
        Ok(self
            .db
            .scalar::<i64>(
                &format!("SELECT COUNT(*) FROM activity_officials WHERE activity_id IN (SELECT id FROM activities WHERE {})", w.sql),
                w.args,
            )
            .await?
            .unwrap_or(0))
    }
}

fn activity_filters(w: &mut Where, f: &CampaignFilter) {
    if let Some(v) = &f.kind {
        w.push("kind = $?", v);
    }
    if let Some(v) = &f.mode {
        w.push("mode = $?", v);
    }
}

// ---------------------------------------------------------------- problems

/// 问题 as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Problem {
    pub id: i64,
    pub unit_id: i64,
    pub unit_path: String,
    pub region_id: i64,
    pub section_id: Option<i64>,
    pub activity_id: Option<i64>,
    pub item_id: Option<i64>,
    pub source: String,
    pub category: String,
    pub description: String,
    pub cause: Option<String>,
    pub urgent: bool,
    pub other_units: String,
    pub disposition: String,
    pub deadline: Option<String>,
    pub escalated_to: Option<String>,
    pub status: String,
    pub handler_id: Option<i64>,
    pub measures: Option<String>,
    pub effect: Option<String>,
    pub evidence_count: i64,
    pub verifier_id: Option<i64>,
    pub found_on: String,
    pub closed_on: Option<String>,
    pub review_due: Option<String>,
    pub reviewed_on: Option<String>,
    pub reopen_count: i64,
    pub version: i64,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// JSON of the item's process figures after the rectification, until verified.
    pub figures_after: Option<String>,
}

/// What a problem says (as opposed to where it is in its life cycle).
#[derive(Debug, Clone)]
pub struct ProblemInput {
    pub unit_id: i64,
    pub section_id: Option<i64>,
    pub activity_id: Option<i64>,
    pub item_id: Option<i64>,
    pub source: String,
    pub category: String,
    pub description: String,
    pub cause: Option<String>,
    pub urgent: bool,
    pub other_units: Vec<i64>,
    pub found_on: String,
}

/// Where a problem is in its life cycle: what a transition changes.
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemLife {
    pub status: String,
    pub disposition: String,
    pub deadline: Option<String>,
    pub escalated_to: Option<String>,
    pub handler_id: Option<i64>,
    pub measures: Option<String>,
    pub effect: Option<String>,
    pub evidence_count: i64,
    pub verifier_id: Option<i64>,
    pub closed_on: Option<String>,
    pub review_due: Option<String>,
    pub reviewed_on: Option<String>,
    pub reopen_count: i64,
    pub figures_after: Option<String>,
}

impl Problem {
    pub fn life(&self) -> ProblemLife {
        ProblemLife {
            status: self.status.clone(),
            disposition: self.disposition.clone(),
            deadline: self.deadline.clone(),
            escalated_to: self.escalated_to.clone(),
            handler_id: self.handler_id,
            measures: self.measures.clone(),
            effect: self.effect.clone(),
            evidence_count: self.evidence_count,
            verifier_id: self.verifier_id,
            closed_on: self.closed_on.clone(),
            review_due: self.review_due.clone(),
            reviewed_on: self.reviewed_on.clone(),
            reopen_count: self.reopen_count,
            figures_after: self.figures_after.clone(),
        }
    }
}

/// 整改过程 one step of a problem's timeline.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ProblemEvent {
    pub id: i64,
    pub problem_id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: Option<String>,
}

async fn event(
    tx: &mut Tx,
    actor: &Actor,
    problem_id: i64,
    action: &str,
    from: Option<&str>,
    to: &str,
    note: Option<&str>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO problem_events (problem_id, at, actor_id, actor, action, from_status, to_status, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        args![problem_id, now_ms(), actor.user_id, &actor.username, action, from, to, note],
    )
    .await?;
    Ok(())
}

impl Store {
    pub async fn problem(&self, scope: &Scope, id: i64) -> Result<Problem> {
        scoped_read(&self.db, scope, "problems", id).await
    }

    pub async fn create_problem(
        &self,
        actor: &Actor,
        scope: &Scope,
        input: &ProblemInput,
        life: &ProblemLife,
    ) -> Result<Problem> {
        let mut tx = self.db.begin().await?;
        let p = self
            .insert_problem(&mut tx, actor, scope, input, life)
            .await?;
        tx.commit().await?;
        Ok(p)
    }

    pub(crate) async fn insert_problem(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        scope: &Scope,
        input: &ProblemInput,
        life: &ProblemLife,
    ) -> Result<Problem> {
        let (path, region) = placed(tx, scope, input.unit_id, "unit_id").await?;
        if let Some(s) = input.section_id {
            let (spath, _) = placed(tx, scope, s, "section_id").await?;
            if !spath.starts_with(&path) {
                return Err(StoreError::invalid(
                    "section_id",
                    "责任科室须是责任单位的下级科室",
                ));
            }
        }
        if let Some(a) = input.activity_id {
            scoped::<Activity>(tx, scope, "activities", a)
                .await
                .map_err(|_| {
                    StoreError::invalid(
                        "activity_id",
                        format!("活动 {a} 不存在或不在您的数据范围内"),
                    )
                })?;
        }
        if let Some(i) = input.item_id {
            // An item of the caller's units; or, the one exception, an item
            // the walk it was found on experienced (a walk may cross into
            // another department's item). Verifying the rectification
            // changes the item's figures, so no other item may be named.
            let experienced = match input.activity_id {
                Some(a) => tx
                    .scalar::<i64>(
                        "SELECT item_id FROM activity_items WHERE activity_id = $1 AND item_id = $2",
                        args![a, i],
                    )
                    .await?
                    .is_some(),
                None => false,
            };
            if !experienced {
                all_in_scope(tx, scope, "items", &[i], "item_id").await?;
            }
        }
        // 协办单位 may be any unit: naming one gives no access to its records.
        for u in &input.other_units {
            placed(tx, &Scope::all(), *u, "other_units").await?;
        }
        let now = now_ms();
        // 原因 is kept without the 原因：people type before it; the tables write it once.
        let cause = input
            .cause
            .as_deref()
            .and_then(zlc_domain::sheets::cause_text);
        let p: Problem = tx
            .fetch_one(
                "INSERT INTO problems (unit_id, unit_path, region_id, section_id, activity_id, item_id, source, category, description, cause, urgent, other_units, \
                 disposition, deadline, escalated_to, status, handler_id, measures, effect, evidence_count, verifier_id, found_on, closed_on, review_due, reviewed_on, \
                 reopen_count, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, \
                 $21, $22, $23, $24, $25, $26, $27, $28, $28) RETURNING *",
                args![input.unit_id, &path, region, input.section_id, input.activity_id, input.item_id, &input.source, &input.category, &input.description,
                      &cause, input.urgent, join_ids(&input.other_units), &life.disposition, &life.deadline, &life.escalated_to, &life.status,
                      life.handler_id, &life.measures, &life.effect, life.evidence_count, life.verifier_id, &input.found_on, &life.closed_on,
                      &life.review_due, &life.reviewed_on, life.reopen_count, actor.user_id, now],
            )
            .await?;
        let found = Flow {
            problems_found: 1,
            ..Flow::ZERO
        };
        stats::count(tx, &p.unit_path, &p.found_on, "", found).await?;
        if let Some(closed) = &p.closed_on {
            stats::count(tx, &p.unit_path, closed, "", SOLVED).await?;
        }
        event(tx, actor, p.id, "create", None, &p.status, None).await?;
        audit::append(
            tx,
            &self.cipher,
            actor,
            Change {
                action: "create",
                entity: "problem",
                entity_id: Some(p.id.to_string()),
                before: None,
                after: Some(serde_json::to_value(&p).unwrap_or_default()),
            },
        )
        .await?;
        Ok(p)
    }

    /// Stores the outcome of a life-cycle transition the domain allowed, with
    /// its timeline step, at the version the caller read.
    pub async fn transition_problem(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: i64,
        version: i64,
        action: &str,
        life: &ProblemLife,
        note: Option<&str>,
        apply_figures: bool,
    ) -> Result<Problem> {
        let mut tx = self.db.begin().await?;
        tx.lock_row("problems", id).await?;
        let old: Problem = scoped(&mut tx, scope, "problems", id).await?;
        check_version(old.version, version)?;
        // A verified rectification's process figures become the item's, kept in its history.
        if apply_figures
            && let (Some(item), Some(json)) = (old.item_id, life.figures_after.as_deref())
        {
            let claimed: zlc_domain::registry::ProcessFigures = serde_json::from_str(json)
                .map_err(|e| {
                    StoreError::Conflict(format!("问题 {id} 的整改后流程要素无法读取：{e}"))
                })?;
            // The rectification names only the figures it changed; the others stay.
            let now: crate::registry::Item = tx
                .fetch_one("SELECT * FROM items WHERE id = $1", args![item])
                .await?;
            let was = now.figures();
            let f = zlc_domain::registry::ProcessFigures {
                materials: claimed.materials.or(was.materials),
                time_limit_days: claimed.time_limit_days.or(was.time_limit_days),
                steps: claimed.steps.or(was.steps),
                trips: claimed.trips.or(was.trips),
                online: claimed.online.or(was.online),
            };
            tx.execute(
                "UPDATE items SET materials = $1, time_limit_days = $2, steps = $3, trips = $4, online = $5, version = version + 1, updated_at = $6 WHERE id = $7",
                args![f.materials, f.time_limit_days, f.steps, f.trips, f.online, now_ms(), item],
            )
            .await?;
            self.insert_figures(
                &mut tx,
                actor,
                item,
                &f,
                "整改验收",
                Some(&format!("问题 {id}")),
            )
            .await?;
        }
        // Once applied, the claim is the item's history; the problem keeps none.
        let figures_after = if apply_figures {
            None
        } else {
            life.figures_after.clone()
        };
        let p: Problem = tx
            .fetch_one(
                "UPDATE problems SET status = $1, disposition = $2, deadline = $3, escalated_to = $4, handler_id = $5, measures = $6, effect = $7, \
                 evidence_count = $8, verifier_id = $9, closed_on = $10, review_due = $11, reviewed_on = $12, reopen_count = $13, version = version + 1, \
                 updated_at = $14, figures_after = $16, judged = NULL WHERE id = $15 RETURNING *",
                args![&life.status, &life.disposition, &life.deadline, &life.escalated_to, life.handler_id, &life.measures, &life.effect, life.evidence_count,
                      life.verifier_id, &life.closed_on, &life.review_due, &life.reviewed_on, life.reopen_count, now_ms(), id, figures_after],
            )
            .await?;
        // 反弹: a rectification that did not hold no longer changes the item;
        // its figures go back to what they were, unless changed since.
        if old.status == "closed"
            && p.status != "closed"
            && let Some(item) = p.item_id
        {
            self.revert_figures(&mut tx, actor, id, item).await?;
        }
        if old.closed_on != p.closed_on {
            if let Some(d) = &old.closed_on {
                stats::count(&mut tx, &p.unit_path, d, "", SOLVED.negated()).await?;
            }
            if let Some(d) = &p.closed_on {
                stats::count(&mut tx, &p.unit_path, d, "", SOLVED).await?;
            }
        }
        event(
            &mut tx,
            actor,
            id,
            action,
            Some(&old.status),
            &p.status,
            note,
        )
        .await?;
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action,
                entity: "problem",
                entity_id: Some(id.to_string()),
                before: Some(serde_json::to_value(old.life_json()).unwrap_or_default()),
                after: Some(serde_json::to_value(p.life_json()).unwrap_or_default()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(p)
    }

    /// Puts an item's process figures back to what they were before problem
    /// `id`'s verification applied its own, when those are still the item's
    /// latest; the history keeps both steps.
    async fn revert_figures(&self, tx: &mut Tx, actor: &Actor, id: i64, item: i64) -> Result<()> {
        type Row = (
            i64,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<bool>,
            Option<String>,
        );
        let rows: Vec<Row> = tx
            .fetch_all(
                "SELECT id, materials, time_limit_days, steps, trips, online, note FROM item_figures WHERE item_id = $1 ORDER BY id DESC LIMIT 2",
                args![item],
            )
            .await?;
        let note = format!("问题 {id}");
        let Some(latest) = rows.first() else {
            return Ok(());
        };
        if latest.6.as_deref() != Some(note.as_str()) {
            return Ok(());
        }
        // No earlier record: the item had no figures (an item registered
        // without them keeps no history row).
        let before = rows
            .get(1)
            .cloned()
            .unwrap_or((0, None, None, None, None, None, None));
        let i = |v: Option<i64>| v.and_then(|x| i32::try_from(x).ok());
        let f = zlc_domain::registry::ProcessFigures {
            materials: i(before.1),
            time_limit_days: i(before.2),
            steps: i(before.3),
            trips: i(before.4),
            online: before.5,
        };
        tx.execute(
            "UPDATE items SET materials = $1, time_limit_days = $2, steps = $3, trips = $4, online = $5, version = version + 1, updated_at = $6 WHERE id = $7",
            args![f.materials, f.time_limit_days, f.steps, f.trips, f.online, now_ms(), item],
        )
        .await?;
        self.insert_figures(
            tx,
            actor,
            item,
            &f,
            "问题反弹",
            Some(&format!("问题 {id} 反弹，恢复整改前")),
        )
        .await
    }

    pub async fn problem_events(&self, scope: &Scope, id: i64) -> Result<Vec<ProblemEvent>> {
        self.problem(scope, id).await?;
        Ok(self
            .db
            .fetch_all(
                "SELECT * FROM problem_events WHERE problem_id = $1 ORDER BY id",
                args![id],
            )
            .await?)
    }

    pub async fn list_problems(
        &self,
        scope: &Scope,
        f: &CampaignFilter,
        page: &PageRequest,
    ) -> Result<Page<Problem>> {
        self.list_scoped(
            "problems",
            Some("found_on"),
            &["description", "cause"],
            &["found_on", "deadline", "closed_on"],
            scope,
            f,
            page,
            |w| problem_filters(w, f),
        )
        .await
    }

    /// The problems [`Store::list_problems`] lists, counted.
    pub async fn count_problems(&self, scope: &Scope, f: &CampaignFilter) -> Result<i64> {
        self.count_scoped("problems", Some("found_on"), scope, f, None, |w| {
            problem_filters(w, f)
        })
        .await
    }
}

impl Problem {
    fn life_json(&self) -> serde_json::Value {
        let l = self.life();
        json!({"status": l.status, "disposition": l.disposition, "deadline": l.deadline, "escalated_to": l.escalated_to, "handler_id": l.handler_id,
               "measures": l.measures, "effect": l.effect, "evidence_count": l.evidence_count, "verifier_id": l.verifier_id, "closed_on": l.closed_on,
               "review_due": l.review_due, "reviewed_on": l.reviewed_on, "reopen_count": l.reopen_count, "version": self.version})
    }
}

// ---------------------------------------------------------------- needs and measures

/// 需求 as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Need {
    pub id: i64,
    pub unit_id: i64,
    pub unit_path: String,
    pub region_id: i64,
    pub activity_id: Option<i64>,
    pub problem_id: Option<i64>,
    pub raised_by: String,
    pub content: String,
    pub response: Option<String>,
    pub status: String,
    pub raised_on: String,
    pub closed_on: Option<String>,
    pub version: i64,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// 整改措施 as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Measure {
    pub id: i64,
    pub unit_id: i64,
    pub unit_path: String,
    pub region_id: i64,
    pub problem_id: Option<i64>,
    pub need_id: Option<i64>,
    pub activity_id: Option<i64>,
    pub content: String,
    pub deadline: Option<String>,
    pub done_on: Option<String>,
    pub effect: Option<String>,
    pub status: String,
    pub version: i64,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A validated need.
#[derive(Debug, Clone)]
pub struct NeedInput {
    pub unit_id: i64,
    pub activity_id: Option<i64>,
    pub problem_id: Option<i64>,
    pub raised_by: String,
    pub content: String,
    pub response: Option<String>,
    pub status: String,
    pub raised_on: String,
    pub closed_on: Option<String>,
}

/// A validated measure.
#[derive(Debug, Clone)]
pub struct MeasureInput {
    pub unit_id: i64,
    pub problem_id: Option<i64>,
    pub need_id: Option<i64>,
    pub activity_id: Option<i64>,
    pub content: String,
    pub deadline: Option<String>,
    pub done_on: Option<String>,
    pub effect: Option<String>,
    pub status: String,
}

/// Checks that the records a need or measure links to lie in the scope.
async fn check_refs(
    tx: &mut Tx,
    scope: &Scope,
    activity: Option<i64>,
    problem: Option<i64>,
    need: Option<i64>,
) -> Result<()> {
    if let Some(a) = activity {
        scoped::<Activity>(tx, scope, "activities", a)
            .await
            .map_err(|_| {
                StoreError::invalid(
                    "activity_id",
                    format!("活动 {a} 不存在或不在您的数据范围内"),
                )
            })?;
    }
    if let Some(p) = problem {
        scoped::<Problem>(tx, scope, "problems", p)
            .await
            .map_err(|_| {
                StoreError::invalid("problem_id", format!("问题 {p} 不存在或不在您的数据范围内"))
            })?;
    }
    if let Some(n) = need {
        scoped::<Need>(tx, scope, "needs", n).await.map_err(|_| {
            StoreError::invalid("need_id", format!("需求 {n} 不存在或不在您的数据范围内"))
        })?;
    }
    Ok(())
}

impl Store {
    pub async fn need(&self, scope: &Scope, id: i64) -> Result<Need> {
        scoped_read(&self.db, scope, "needs", id).await
    }

    pub async fn save_need(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: Option<(i64, i64)>,
        n: &NeedInput,
    ) -> Result<Need> {
        let mut tx = self.db.begin().await?;
        let (path, region) = placed(&mut tx, scope, n.unit_id, "unit_id").await?;
        check_refs(&mut tx, scope, n.activity_id, n.problem_id, None).await?;
        let now = now_ms();
        let (need, before): (Need, Option<Need>) = match id {
            None => (
                tx.fetch_one(
                    "INSERT INTO needs (unit_id, unit_path, region_id, activity_id, problem_id, raised_by, content, response, status, raised_on, closed_on, created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING *",
                    args![n.unit_id, &path, region, n.activity_id, n.problem_id, &n.raised_by, &n.content, &n.response, &n.status, &n.raised_on, &n.closed_on, actor.user_id, now],
                )
                .await?,
                None,
            ),
            Some((id, version)) => {
                tx.lock_row("needs", id).await?;
                let old: Need = scoped(&mut tx, scope, "needs", id).await?;
                check_version(old.version, version)?;
                let new = tx
                    .fetch_one(
                        "UPDATE needs SET unit_id = $1, unit_path = $2, region_id = $3, activity_id = $4, problem_id = $5, raised_by = $6, content = $7, response = $8, \
                         status = $9, raised_on = $10, closed_on = $11, version = version + 1, updated_at = $12, judged = NULL WHERE id = $13 RETURNING *",
                        args![n.unit_id, &path, region, n.activity_id, n.problem_id, &n.raised_by, &n.content, &n.response, &n.status, &n.raised_on, &n.closed_on, now, id],
                    )
                    .await?;
                // The activity it leaves has one need fewer: counted again for 空走.
                if old.activity_id != n.activity_id
                    && let Some(a) = old.activity_id
                {
                    tx.execute(
                        "UPDATE activities SET judged = NULL WHERE id = $1",
                        args![a],
                    )
                    .await?;
                }
                (new, Some(old))
            }
        };
        let raised = Flow {
            needs: 1,
            ..Flow::ZERO
        };
        if let Some(b) = &before {
            stats::count(&mut tx, &b.unit_path, &b.raised_on, "", raised.negated()).await?;
        }
        stats::count(&mut tx, &need.unit_path, &need.raised_on, "", raised).await?;
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: if before.is_some() { "update" } else { "create" },
                entity: "need",
                entity_id: Some(need.id.to_string()),
                before: before.map(|b| serde_json::to_value(b).unwrap_or_default()),
                after: Some(serde_json::to_value(&need).unwrap_or_default()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(need)
    }

    pub async fn list_needs(
        &self,
        scope: &Scope,
        f: &CampaignFilter,
        page: &PageRequest,
    ) -> Result<Page<Need>> {
        self.list_scoped(
            "needs",
            Some("raised_on"),
            &["content", "response"],
            &["raised_on"],
            scope,
            f,
            page,
            |_| {},
        )
        .await
    }

    /// The needs [`Store::list_needs`] lists, counted.
    pub async fn count_needs(&self, scope: &Scope, f: &CampaignFilter) -> Result<i64> {
        self.count_scoped("needs", Some("raised_on"), scope, f, None, |_| {})
            .await
    }

    pub async fn measure(&self, scope: &Scope, id: i64) -> Result<Measure> {
        scoped_read(&self.db, scope, "measures", id).await
    }

    pub async fn save_measure(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: Option<(i64, i64)>,
        m: &MeasureInput,
    ) -> Result<Measure> {
        let mut tx = self.db.begin().await?;
        let (path, region) = placed(&mut tx, scope, m.unit_id, "unit_id").await?;
        check_refs(&mut tx, scope, m.activity_id, m.problem_id, m.need_id).await?;
        let now = now_ms();
        let (measure, before): (Measure, Option<Measure>) = match id {
            None => (
                tx.fetch_one(
                    "INSERT INTO measures (unit_id, unit_path, region_id, problem_id, need_id, activity_id, content, deadline, done_on, effect, status, created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING *",
                    args![m.unit_id, &path, region, m.problem_id, m.need_id, m.activity_id, &m.content, &m.deadline, &m.done_on, &m.effect, &m.status, actor.user_id, now],
                )
                .await?,
                None,
            ),
            Some((id, version)) => {
                tx.lock_row("measures", id).await?;
                let old: Measure = scoped(&mut tx, scope, "measures", id).await?;
                check_version(old.version, version)?;
                let new = tx
                    .fetch_one(
                        "UPDATE measures SET unit_id = $1, unit_path = $2, region_id = $3, problem_id = $4, need_id = $5, activity_id = $6, content = $7, deadline = $8, \
                         done_on = $9, effect = $10, status = $11, version = version + 1, updated_at = $12 WHERE id = $13 RETURNING *",
                        args![m.unit_id, &path, region, m.problem_id, m.need_id, m.activity_id, &m.content, &m.deadline, &m.done_on, &m.effect, &m.status, now, id],
                    )
                    .await?;
                (new, Some(old))
            }
        };
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: if before.is_some() { "update" } else { "create" },
                entity: "measure",
                entity_id: Some(measure.id.to_string()),
                before: before.map(|b| serde_json::to_value(b).unwrap_or_default()),
                after: Some(serde_json::to_value(&measure).unwrap_or_default()),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(measure)
    }

    pub async fn list_measures(
        &self,
        scope: &Scope,
        f: &CampaignFilter,
        page: &PageRequest,
    ) -> Result<Page<Measure>> {
        self.list_scoped(
            "measures",
            // A period narrows measures to those due in it (完成时限).
            Some("deadline"),
            &["content", "effect"],
            &["deadline", "done_on"],
            scope,
            f,
            page,
            |w| {
                if let Some(v) = &f.overdue_on {
                    w.push("status <> 'done' AND deadline < $?", v);
                }
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_the_ancestors_below_the_root() {
        assert_eq!(region_of("/1/"), Some(1));
        assert_eq!(region_of("/1/5/"), Some(5));
        assert_eq!(region_of("/1/5/23/40/"), Some(5));
        assert_eq!(region_of(""), None);
    }

    #[test]
    fn where_binds_one_value_to_every_placeholder_of_a_condition() {
        let mut w = Where::new(Some(7));
        w.push("(a LIKE $? OR b LIKE $?)", "%x%");
        w.push("c = $?", 3i64);
        assert_eq!(w.sql, "id > $1 AND (a LIKE $2 OR b LIKE $2) AND c = $3");
        assert_eq!(w.args.len(), 3);
        assert_eq!(split_ids("1, 2,x,3"), vec![1, 2, 3]);
        assert_eq!(like_pattern("100%_a\\b"), "%100\\%\\_a\\\\b%");
        assert_eq!(join_ids(&[4, 5]), "4,5");
    }
}
