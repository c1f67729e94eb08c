//! The lists of the campaign records: their filters, sorting and paging
//! inside the caller's scope.

use super::*;

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

pub(super) struct Where {
    pub(super) sql: String,
    pub(super) args: Vec<Arg>,
    /// The full-text table the search reads (SQLite FTS5), joined in
    /// [`Where::from`] so that its matches come in id order.
    fts: Option<String>,
}

impl Where {
    pub(super) fn new(after: Option<i64>) -> Self {
        Where {
            sql: "id > $1".into(),
            args: vec![after.unwrap_or(0).into()],
            fts: None,
        }
    }

    /// Every row: conditions are added to it.
    pub(super) fn new_all() -> Self {
        Where {
            sql: "1 = 1".into(),
            args: Vec::new(),
            fts: None,
        }
    }

    /// The FROM clause over `table`: with a full-text search, its matches
    /// in id order joined to their rows, so that a page (or a capped count)
    /// stops at its last row instead of collecting every match first.
    pub(super) fn from(&self, table: &str) -> String {
        match &self.fts {
            Some(fts) => format!("{fts} CROSS JOIN {table} ON {table}.id = {fts}.rowid"),
            None => table.to_string(),
        }
    }

    /// The id order of [`Where::from`]'s rows.
    pub(super) fn id_order(&self, table: &str) -> String {
        match &self.fts {
            Some(fts) => format!("{fts}.rowid"),
            None => format!("{table}.id"),
        }
    }

    pub(super) fn push(&mut self, cond: &str, v: impl Into<Arg>) {
        self.args.push(v.into());
        self.sql += &format!(
            " AND {}",
            cond.replace("$?", &format!("${}", self.args.len()))
        );
    }
}

pub(super) fn problem_filters(w: &mut Where, f: &CampaignFilter) {
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

/// Dates every record of a list has, with the index that holds them in
/// order: (table, column, index).
const REQUIRED_DATES: [(&str, &str, &str); 2] = [
    ("problems", "found_on", "problems_found"),
    ("activities", "date", "activities_date"),
];

/// A text search's first page counts its rows up to this many.
pub const TEXT_COUNT_CAP: i64 = 1_000;

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
    pub(super) fn text(&mut self, kind: crate::Kind, table: &str, cols: &[&str], q: Option<&str>) {
        let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) else {
            return;
        };
        if kind == crate::Kind::Sqlite
            && let Some(phrase) = crate::sqlite::fts_phrase(q)
        {
            let fts = format!("{table}_fts");
            self.push(&format!("{fts} MATCH $?"), phrase);
            self.fts = Some(fts);
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

/// 检索字段 the tables whose texts are searched, each with the two columns
/// its trigram index holds (migrations 0003 and 0023 name the same): what a
/// list's `q` searches and what an import indexes at its end.
pub(crate) static SEARCHED: [(&str, [&str; 2]); 4] = [
    ("activities", ["content", "place"]),
    ("problems", ["description", "cause"]),
    ("needs", ["content", "response"]),
    ("measures", ["content", "effect"]),
];

/// The searched columns of `table`: none for a table not searched.
fn searched_cols(table: &str) -> &'static [&'static str] {
    SEARCHED
        .iter()
        .find(|(t, _)| *t == table)
        .map_or(&[], |(_, cols)| cols.as_slice())
}

/// The counts and pages below are planned for their values on PostgreSQL
/// (`Db::*_planned`): how many rows a scope, a status or a text pattern
/// holds decides the plan, which a prepared statement's generic plan
/// cannot see.
impl Store {
    /// One page of `table` inside the scope (narrowed to `f.unit`), filtered by
    /// the period on `date_col`, the status, the text in its [`SEARCHED`] columns and
    /// whatever `extra` adds; ordered by id (paged by cursor) or by one of
    /// `sortable` as `f.sort` asks (paged by position). The first page says
    /// how many records the whole list holds.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn list_scoped<T: Listed>(
        &self,
        table: &str,
        date_col: Option<&str>,
        sortable: &[&str],
        scope: &Scope,
        f: &CampaignFilter,
        page: &PageRequest,
        extra: impl Fn(&mut Where),
    ) -> Result<Page<T>> {
        let text_cols = searched_cols(table);
        // Counted up to the cap (lower for a text search, whose count reads
        // each row's text): one more row says there are more.
        let cap = if f.q.as_deref().is_some_and(|q| !q.trim().is_empty()) {
            self.count_cap.min(TEXT_COUNT_CAP)
        } else {
            self.count_cap
        };
        // SQLite counts every page: how large the list is decides how it is read.
        let counted = if page.is_first() || self.kind() == crate::Kind::Sqlite {
            let w = self
                .scoped_where(table, date_col, text_cols, scope, f, None, &extra)
                .await?;
            Some(
                self.db
                    .scalar_planned::<i64>(
                        &format!(
                            "SELECT COUNT(*) FROM (SELECT 1 FROM {} WHERE {} LIMIT {}) c",
                            w.from(table),
                            w.sql,
                            cap + 1
                        ),
                        w.args,
                    )
                    .await?
                    .unwrap_or(0),
            )
        } else {
            None
        };
        let total = counted.filter(|_| page.is_first());
        // A list above the cap is dense enough that SQLite may find its page
        // soonest by reading in the list's order (the table by id, or a date's
        // own index) and stopping at the page: by another index (of the path,
        // the status) it would read every row that index holds and sort them.
        // (Its planner cannot tell a nation from a county.) PostgreSQL's
        // planner weighs its own statistics.
        let dense = counted.is_some_and(|n| n > cap) && self.kind() == crate::Kind::Sqlite;
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
                // Empty values last either way, as a reader expects; a date
                // every record has needs no such term, and has its index.
                let required = REQUIRED_DATES
                    .iter()
                    .find(|(t, c, _)| *t == table && *c == sort.column);
                let empty_last = match required {
                    Some(_) => String::new(),
                    None => format!("({} IS NULL), ", sort.column),
                };
                let from = match required {
                    Some((_, _, index)) if dense && w.fts.is_none() => {
                        format!("{table} INDEXED BY {index}")
                    }
                    _ => w.from(table),
                };
                let sql = format!(
                    "SELECT {table}.* FROM {from} WHERE {} ORDER BY {empty_last}{col} {dir}, {table}.id {dir} LIMIT ${} OFFSET ${}",
                    w.sql,
                    w.args.len() - 1,
                    w.args.len(),
                    col = sort.column,
                );
                let rows = self.db.fetch_all_planned(&sql, w.args).await?;
                Page::from_sorted_rows(rows, page)
            }
            None => {
                let mut w = self
                    .scoped_where(table, date_col, text_cols, scope, f, page.after, &extra)
                    .await?;
                // Dense, the page is looked for first among the next twice
                // the cap of ids alone (a range of the table itself, read in
                // order: a few milliseconds): enough when the list's records
                // are spread through the table. When they lie together further
                // on (a unit's ledger imported at once), the planner's own way
                // finds them.
                let mut rows = Vec::new();
                if dense && w.fts.is_none() {
                    let mut probe = Where {
                        sql: w.sql.clone(),
                        args: w.args.clone(),
                        fts: None,
                    };
                    probe.push(
                        &format!("{table}.id <= $?"),
                        page.after
                            .unwrap_or(0)
                            .saturating_add(cap.saturating_mul(2)),
                    );
                    probe.args.push((page.limit + 1).into());
                    let sql = format!(
                        "SELECT {table}.* FROM {table} NOT INDEXED WHERE {} ORDER BY {table}.id LIMIT ${}",
                        probe.sql,
                        probe.args.len()
                    );
                    rows = self.db.fetch_all_planned(&sql, probe.args).await?;
                }
                if rows.len() as i64 <= page.limit {
                    // SQLite's planner is kept from reading the table in id
                    // order (`+id`: no index gives that order): it takes the
                    // index of the scope or the status, and sorts what it
                    // holds. Dense, the probe has failed; sparse, the count
                    // says the index holds at most the cap — while in id order
                    // a few rows spread through a large table are found only
                    // by reading all of it (the planner, not knowing how many
                    // rows a bound range holds, would).
                    let order = if self.kind() == crate::Kind::Sqlite && w.fts.is_none() {
                        format!("+{table}.id")
                    } else {
                        w.id_order(table)
                    };
                    w.args.push((page.limit + 1).into());
                    let sql = format!(
                        "SELECT {table}.* FROM {} WHERE {} ORDER BY {order} LIMIT ${}",
                        w.from(table),
                        w.sql,
                        w.args.len()
                    );
                    rows = self.db.fetch_all_planned(&sql, w.args).await?;
                }
                Page::from_rows(rows, page, T::id)
            }
        };
        out.total_capped = total.is_some_and(|n| n > cap);
        out.total = total.map(|n| n.min(cap));
        Ok(out)
    }

    /// What [`Store::list_scoped`] would list, counted (and `sum`, a column
    /// to add up, summed): the figures of a report drill down to exactly
    /// these records.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn count_scoped(
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
            .scalar_planned::<i64>(
                &format!("SELECT {what} FROM {} WHERE {}", w.from(table), w.sql),
                w.args,
            )
            .await?
            .unwrap_or(0))
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) async fn scoped_where(
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
        // Without a cursor PostgreSQL is given no condition on the id: the
        // id is in none of its indexes but the key, so `id > 0` kept every
        // count from an index-only scan (a first page read up to the cap's
        // rows from the table: 23-33 ms against 3-12 ms at province scale).
        // SQLite's indexes all end in the rowid; its plans stay as measured.
        let mut w = match after {
            None if self.kind() == crate::Kind::Postgres => Where::new_all(),
            _ => Where::new(after),
        };
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
