//! 统计汇总 the summaries behind the statistics (migration 0007).
//!
//! A report of a whole country must not scan a year's records, so three
//! tables hold what the statistics count, kept in step in the transaction
//! that changes the records:
//!
//! - `stats_flows`: per unit, month and activity kind, the filed activities,
//!   late filings, people received and participations, and per unit and
//!   month the problems found, problems solved and needs raised. Each record
//!   is counted at its own unit and at every ancestor, so a region's figures
//!   for a quarter are three rows per kind.
//! - `stats_officials` / `stats_items`: who took part and which service items
//!   were experienced, once per period (month, quarter, half, year), under the
//!   official's or item's own unit, so a distinct count is one index range.
//!
//! - `stats_open`: per unit and deadline, the open problems (not closed, not
//!   awaiting verification) of its subtree: a region's overdue count is a
//!   sum over the deadlines before a day.
//! - `stats_ranks`: per unit and rank, the active officials of its subtree.
//!
//! Filed activities are final and problems keep their unit, so the only
//! changes to follow are: filing, a problem found or its `closed_on` moving,
//! a need raised or edited, an official or item changing unit, and a unit
//! moving with its subtree. [`Store::rebuild_stats`] recomputes everything from
//! the records (after a bulk load, and when [`STATS_VERSION`] changes).

use crate::db::Tx;
use crate::{Arg, Result, Scope, Store, StoreError, args};
use chrono::NaiveDate;
use zlc_domain::period::{Period, PeriodKind};

/// The shape of the summaries; a database whose `stats_version` setting
/// differs is rebuilt when opened.
pub const STATS_VERSION: &str = "3";

/// A change to the flows of one unit, month and kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flow {
    pub activities: i64,
    pub late: i64,
    pub visitors: i64,
    pub participations: i64,
    pub problems_found: i64,
    pub problems_solved: i64,
    pub needs: i64,
}

const FLOW_COLS: [&str; 7] = [
    "activities",
    "late",
    "visitors",
    "participations",
    "problems_found",
    "problems_solved",
    "needs",
];

impl Flow {
    pub const ZERO: Flow = Flow {
        activities: 0,
        late: 0,
        visitors: 0,
        participations: 0,
        problems_found: 0,
        problems_solved: 0,
        needs: 0,
    };

    fn values(self) -> [i64; 7] {
        [
            self.activities,
            self.late,
            self.visitors,
            self.participations,
            self.problems_found,
            self.problems_solved,
            self.needs,
        ]
    }

    /// The sum of two flows.
    pub fn plus(self, o: Flow) -> Flow {
        let (a, b) = (self.values(), o.values());
        Flow {
            activities: a[0] + b[0],
            late: a[1] + b[1],
            visitors: a[2] + b[2],
            participations: a[3] + b[3],
            problems_found: a[4] + b[4],
            problems_solved: a[5] + b[5],
            needs: a[6] + b[6],
        }
    }

    pub fn negated(self) -> Flow {
        let v = self.values().map(|x| -x);
        Flow {
            activities: v[0],
            late: v[1],
            visitors: v[2],
            participations: v[3],
            problems_found: v[4],
            problems_solved: v[5],
            needs: v[6],
        }
    }
}

/// The unit ids of a materialised path (`/1/5/27/`), root first.
pub fn path_ids(path: &str) -> Vec<i64> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect()
}

fn date_of(date: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map_err(|_| StoreError::invalid("date", format!("日期「{date}」应为 YYYY-MM-DD")))
}

/// The month key (`2024-03`) of a date.
fn month_of(date: &str) -> Result<String> {
    Ok(Period::month_of(date_of(date)?).to_string())
}

/// The keys of every period a date falls in: month, quarter, half, year.
fn period_keys(date: &str) -> Result<[String; 4]> {
    let d = date_of(date)?;
    Ok([
        PeriodKind::Month,
        PeriodKind::Quarter,
        PeriodKind::Half,
        PeriodKind::Year,
    ]
    .map(|k| Period::of(k, d).to_string()))
}

/// Adds `f` to the row of each unit in `units` for `month` and `kind`.
async fn add_flow(tx: &mut Tx, units: &[i64], month: &str, kind: &str, f: Flow) -> Result<()> {
    if units.is_empty() || f == Flow::default() {
        return Ok(());
    }
    let mut a: Vec<Arg> = Vec::new();
    let mut rows = Vec::new();
    for u in units {
        let start = a.len();
        a.push((*u).into());
        a.push(month.into());
        a.push(kind.into());
        a.extend(f.values().map(Arg::from));
        let marks: Vec<String> = (start + 1..=a.len()).map(|n| format!("${n}")).collect();
        rows.push(format!("({})", marks.join(", ")));
    }
    let set: Vec<String> = FLOW_COLS
        .iter()
        .map(|c| format!("{c} = stats_flows.{c} + excluded.{c}"))
        .collect();
    tx.execute(
        &format!(
            "INSERT INTO stats_flows (unit_id, month, kind, {}) VALUES {} ON CONFLICT (unit_id, month, kind) DO UPDATE SET {}",
            FLOW_COLS.join(", "),
            rows.join(", "),
            set.join(", ")
        ),
        a,
    )
    .await?;
    Ok(())
}

/// Counts `f` for a record of the unit at `path`, dated `date`.
pub(crate) async fn count(tx: &mut Tx, path: &str, date: &str, kind: &str, f: Flow) -> Result<()> {
    add_flow(tx, &path_ids(path), &month_of(date)?, kind, f).await
}

/// Who took part in an activity, and which items it experienced, in every
/// period its date falls in: rows for `stats_officials` / `stats_items`,
/// as (period, id, unit path).
pub(crate) fn took_part(
    date: &str,
    officials: &[(i64, String)],
    items: &[(i64, String)],
    out_officials: &mut std::collections::HashSet<(String, i64, String)>,
    out_items: &mut std::collections::HashSet<(String, i64, String)>,
) -> Result<()> {
    for key in period_keys(date)? {
        for (id, path) in officials {
            out_officials.insert((key.clone(), *id, path.clone()));
        }
        for (id, path) in items {
            out_items.insert((key.clone(), *id, path.clone()));
        }
    }
    Ok(())
}

/// Writes the rows [`took_part`] gathered, once each.
pub(crate) async fn insert_took_part(
    tx: &mut Tx,
    table: &str,
    rows: impl IntoIterator<Item = (String, i64, String)>,
) -> Result<()> {
    let col = match table {
        "stats_officials" => "official_id",
        _ => "item_id",
    };
    let rows: Vec<_> = rows.into_iter().collect();
    for chunk in rows.chunks(3000) {
        let mut a: Vec<Arg> = Vec::with_capacity(chunk.len() * 3);
        let mut marks = Vec::with_capacity(chunk.len());
        for (period, id, path) in chunk {
            a.push(period.as_str().into());
            a.push((*id).into());
            a.push(path.as_str().into());
            let n = a.len();
            // `?` on SQLite: see imports.rs on binding long statements.
            marks.push(if tx.kind() == crate::Kind::Sqlite {
                "(?, ?, ?)".to_string()
            } else {
                format!("(${}, ${}, ${})", n - 2, n - 1, n)
            });
        }
        tx.execute(
            &format!(
                "INSERT INTO {table} (period, {col}, unit_path) VALUES {} ON CONFLICT (period, {col}) DO NOTHING",
                marks.join(", ")
            ),
            a,
        )
        .await?;
    }
    Ok(())
}

/// The month key (`2024-03`) of a `YYYY-MM-DD` date, for callers that sum
/// flows before writing them.
pub(crate) fn month_key(date: &str) -> Result<String> {
    month_of(date)
}

/// Adds flows summed per (unit path, month, kind) to the unit of each path
/// and every ancestor.
pub(crate) async fn add_flows(
    tx: &mut Tx,
    flows: impl IntoIterator<Item = ((String, String, String), Flow)>,
) -> Result<()> {
    // Sum per unit first: many paths share their ancestors.
    let mut per_unit: std::collections::BTreeMap<(String, String, i64), Flow> = Default::default();
    for ((path, month, kind), f) in flows {
        for u in path_ids(&path) {
            let e = per_unit
                .entry((month.clone(), kind.clone(), u))
                .or_default();
            *e = e.plus(f);
        }
    }
    for ((month, kind, unit), f) in per_unit {
        add_flow(tx, &[unit], &month, &kind, f).await?;
    }
    Ok(())
}

/// Adds closures summed per (unit path, found month, closed month) to the
/// unit of each path and every ancestor (整改率's numerator, `stats_closure`).
pub(crate) async fn add_closures(
    tx: &mut Tx,
    closures: impl IntoIterator<Item = ((String, String, String), i64)>,
) -> Result<()> {
    let mut per_unit: std::collections::BTreeMap<(i64, String, String), i64> = Default::default();
    for ((path, found, closed), n) in closures {
        for u in path_ids(&path) {
            *per_unit
                .entry((u, found.clone(), closed.clone()))
                .or_default() += n;
        }
    }
    for ((unit, found, closed), n) in per_unit.into_iter().filter(|e| e.1 != 0) {
        tx.execute(
            "INSERT INTO stats_closure (unit_id, found_month, closed_month, n) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (unit_id, found_month, closed_month) DO UPDATE SET n = stats_closure.n + excluded.n",
            args![unit, found, closed, n],
        )
        .await?;
    }
    Ok(())
}

/// Whether a problem in `status` is open for 整改逾期: neither closed nor
/// waiting for the verifier. With its deadline, what `stats_open` counts.
pub fn counts_open(status: &str) -> bool {
    status != "closed" && status != "awaiting-verification"
}

/// The `stats_open` key of a problem: its deadline while it is open.
pub(crate) fn open_key(status: &str, deadline: Option<&str>) -> Option<String> {
    deadline.filter(|_| counts_open(status)).map(str::to_string)
}

/// Adds counts summed per (unit path, key) to the unit of each path and
/// every ancestor, in `table` keyed by unit and `col`: `stats_open` by
/// deadline, `stats_ranks` by rank.
async fn add_keyed(
    tx: &mut Tx,
    table: &str,
    col: &str,
    changes: impl IntoIterator<Item = ((String, String), i64)>,
) -> Result<()> {
    let mut per_unit: std::collections::BTreeMap<(i64, String), i64> = Default::default();
    for ((path, key), n) in changes {
        for u in path_ids(&path) {
            *per_unit.entry((u, key.clone())).or_default() += n;
        }
    }
    for ((unit, key), n) in per_unit.into_iter().filter(|e| e.1 != 0) {
        tx.execute(
            &format!(
                "INSERT INTO {table} (unit_id, {col}, n) VALUES ($1, $2, $3) \
                 ON CONFLICT (unit_id, {col}) DO UPDATE SET n = {table}.n + excluded.n"
            ),
            args![unit, key, n],
        )
        .await?;
    }
    Ok(())
}

/// A record counted under `before` ((unit path, key)) now counts under `after`.
fn moved(
    before: Option<(String, String)>,
    after: Option<(String, String)>,
) -> Vec<((String, String), i64)> {
    if before == after {
        return Vec::new();
    }
    [(before, -1), (after, 1)]
        .into_iter()
        .filter_map(|(k, sign)| k.map(|k| (k, sign)))
        .collect()
}

/// Adds open problems summed per (unit path, deadline) to the unit of each
/// path and every ancestor (`stats_open`).
pub(crate) async fn add_open(
    tx: &mut Tx,
    open: impl IntoIterator<Item = ((String, String), i64)>,
) -> Result<()> {
    add_keyed(tx, "stats_open", "deadline", open).await
}

/// A problem at `path` went from `before` to `after` ([`open_key`]):
/// `stats_open` follows.
pub(crate) async fn open_changed(
    tx: &mut Tx,
    path: &str,
    before: Option<String>,
    after: Option<String>,
) -> Result<()> {
    let key = |d: String| (path.to_string(), d);
    add_open(tx, moved(before.map(key), after.map(key))).await
}

/// An official's key in `stats_ranks`: its unit's path and its rank, while active.
pub(crate) fn rank_key(active: bool, path: &str, rank: &str) -> Option<(String, String)> {
    active.then(|| (path.to_string(), rank.to_string()))
}

/// An official went from `before` to `after` ([`rank_key`]): `stats_ranks` follows.
pub(crate) async fn ranks_changed(
    tx: &mut Tx,
    before: Option<(String, String)>,
    after: Option<(String, String)>,
) -> Result<()> {
    add_keyed(tx, "stats_ranks", "rank", moved(before, after)).await
}

/// What the statistics need of an activity just filed.
pub(crate) struct Filed<'a> {
    pub id: i64,
    pub unit_path: &'a str,
    pub date: &'a str,
    pub kind: &'a str,
    pub late: bool,
    pub visitors: i64,
}

/// Counts an activity just filed: its flows, its officials and its items.
pub(crate) async fn count_filed(tx: &mut Tx, a: &Filed<'_>) -> Result<()> {
    let participations: i64 = tx
        .scalar(
            "SELECT COUNT(*) FROM activity_officials WHERE activity_id = $1",
            args![a.id],
        )
        .await?
        .unwrap_or(0);
    let f = Flow {
        activities: 1,
        late: i64::from(a.late),
        visitors: a.visitors,
        participations,
        ..Flow::default()
    };
    count(tx, a.unit_path, a.date, a.kind, f).await?;
    for key in period_keys(a.date)? {
        tx.execute(
            "INSERT INTO stats_officials (period, official_id, unit_path) SELECT $1, o.id, o.unit_path \
             FROM activity_officials ao JOIN officials o ON o.id = ao.official_id WHERE ao.activity_id = $2 \
             ON CONFLICT (period, official_id) DO NOTHING",
            args![&key, a.id],
        )
        .await?;
        tx.execute(
            "INSERT INTO stats_items (period, item_id, unit_path) SELECT $1, i.id, u.path \
             FROM activity_items ai JOIN items i ON i.id = ai.item_id JOIN units u ON u.id = i.unit_id WHERE ai.activity_id = $2 \
             ON CONFLICT (period, item_id) DO NOTHING",
            args![&key, a.id],
        )
        .await?;
    }
    Ok(())
}

/// An official or item (`table` is `stats_officials` or `stats_items`) now
/// belongs to the unit at `path`: the periods it took part in follow it.
pub(crate) async fn follow_unit(tx: &mut Tx, table: &str, id: i64, path: &str) -> Result<()> {
    let col = match table {
        "stats_officials" => "official_id",
        _ => "item_id",
    };
    tx.execute(
        &format!("UPDATE {table} SET unit_path = $1 WHERE {col} = $2"),
        args![path, id],
    )
    .await?;
    Ok(())
}

/// Tables whose rows keep their unit's path (and, where they have one, the
/// region: the ancestor directly below the root).
const PATH_TABLES: [(&str, bool); 10] = [
    ("plans", true),
    ("activities", true),
    ("problems", true),
    ("needs", true),
    ("measures", true),
    ("officials", false),
    ("stats_officials", false),
    ("stats_items", false),
    ("finding_days", false),
    ("finding_modes", false),
];

/// The unit `id` moved from `old` to `new` (paths): the records of its
/// subtree take the new paths and region, and its figures leave the old
/// ancestors for the new ones.
pub(crate) async fn unit_moved(tx: &mut Tx, id: i64, old: &str, new: &str) -> Result<()> {
    let new_ids = path_ids(new);
    let region = new_ids.get(1).or(new_ids.first()).copied().unwrap_or(id);
    for (table, has_region) in PATH_TABLES {
        let mut a = args![new, old.len() as i64 + 1];
        let cond = Scope::subtree(old.to_string()).condition("unit_path", &mut a);
        let region_set = if has_region {
            a.push(region.into());
            format!(", region_id = ${}", a.len())
        } else {
            String::new()
        };
        tx.execute(
            &format!("UPDATE {table} SET unit_path = $1 || SUBSTR(unit_path, CAST($2 AS INTEGER)){region_set} WHERE {cond}"),
            a,
        )
        .await?;
    }
    let old_ids = path_ids(old);
    let leaving: Vec<i64> = old_ids
        .iter()
        .copied()
        .filter(|u| *u != id && !new_ids.contains(u))
        .collect();
    let joining: Vec<i64> = new_ids
        .iter()
        .copied()
        .filter(|u| *u != id && !old_ids.contains(u))
        .collect();
    let cols = FLOW_COLS
        .iter()
        .map(|c| format!("CAST({c} AS BIGINT)"))
        .collect::<Vec<_>>()
        .join(", ");
    let rows: Vec<FlowRow> = tx
        .fetch_all(
            &format!("SELECT month, kind, {cols} FROM stats_flows WHERE unit_id = $1"),
            args![id],
        )
        .await?;
    for r in rows {
        let f = r.flow();
        add_flow(tx, &leaving, &r.0, &r.1, f.negated()).await?;
        add_flow(tx, &joining, &r.0, &r.1, f).await?;
    }
    let closures: Vec<(String, String, i64)> = tx
        .fetch_all(
            "SELECT found_month, closed_month, CAST(n AS BIGINT) FROM stats_closure WHERE unit_id = $1",
            args![id],
        )
        .await?;
    for (found, closed, n) in closures {
        for (units, sign) in [(&leaving, -1), (&joining, 1)] {
            for u in units {
                tx.execute(
                    "INSERT INTO stats_closure (unit_id, found_month, closed_month, n) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (unit_id, found_month, closed_month) DO UPDATE SET n = stats_closure.n + excluded.n",
                    args![*u, &found, &closed, sign * n],
                )
                .await?;
            }
        }
    }
    // The summaries keyed by unit and one more column move the same way.
    for (table, col) in [("stats_open", "deadline"), ("stats_ranks", "rank")] {
        let rows: Vec<(String, i64)> = tx
            .fetch_all(
                &format!("SELECT {col}, CAST(n AS BIGINT) FROM {table} WHERE unit_id = $1"),
                args![id],
            )
            .await?;
        for (key, n) in rows {
            for (units, sign) in [(&leaving, -1), (&joining, 1)] {
                for u in units {
                    tx.execute(
                        &format!(
                            "INSERT INTO {table} (unit_id, {col}, n) VALUES ($1, $2, $3) \
                             ON CONFLICT (unit_id, {col}) DO UPDATE SET n = {table}.n + excluded.n"
                        ),
                        args![*u, &key, sign * n],
                    )
                    .await?;
                }
            }
        }
    }
    Ok(())
}

type FlowRow = (String, String, i64, i64, i64, i64, i64, i64, i64);

trait AsFlow {
    fn flow(&self) -> Flow;
}

impl AsFlow for FlowRow {
    fn flow(&self) -> Flow {
        Flow {
            activities: self.2,
            late: self.3,
            visitors: self.4,
            participations: self.5,
            problems_found: self.6,
            problems_solved: self.7,
            needs: self.8,
        }
    }
}

/// SQL for the key of the period of kind `kind` that the date column `col`
/// falls in, the same text as [`Period`]'s `Display`.
fn period_sql(kind: PeriodKind, col: &str) -> String {
    let month = format!("CAST(SUBSTR({col}, 6, 2) AS INTEGER)");
    match kind {
        PeriodKind::Month => format!("SUBSTR({col}, 1, 7)"),
        PeriodKind::Quarter => {
            format!("SUBSTR({col}, 1, 4) || 'Q' || CAST(({month} + 2) / 3 AS TEXT)")
        }
        PeriodKind::Half => {
            format!("SUBSTR({col}, 1, 4) || 'H' || CAST(({month} + 5) / 6 AS TEXT)")
        }
        PeriodKind::Year => format!("SUBSTR({col}, 1, 4)"),
    }
}

impl Store {
    /// Rebuilds the summaries from the records when their shape changed
    /// since this database last built them.
    pub(crate) async fn ensure_stats(&self) -> Result<()> {
        if self.setting("stats_version").await?.as_deref() != Some(STATS_VERSION) {
            self.rebuild_stats().await?;
        }
        Ok(())
    }

    /// Recomputes every summary from the records, in one transaction.
    pub async fn rebuild_stats(&self) -> Result<()> {
        let mut tx = self.db.begin().await?;
        for t in [
            "stats_flows",
            "stats_officials",
            "stats_items",
            "stats_closure",
            "stats_open",
            "stats_ranks",
        ] {
            tx.execute(&format!("DELETE FROM {t}"), vec![]).await?;
        }
        tx.execute(
            "UPDATE officials SET unit_path = (SELECT path FROM units WHERE units.id = officials.unit_id)",
            vec![],
        )
        .await?;
        tx.execute(
            "INSERT INTO stats_flows (unit_id, month, kind, activities, late, visitors, participations) \
             SELECT a.unit_id, SUBSTR(a.date, 1, 7), a.kind, COUNT(*), SUM(CASE WHEN a.late THEN 1 ELSE 0 END), SUM(a.visitors), SUM(COALESCE(p.n, 0)) \
             FROM activities a LEFT JOIN (SELECT activity_id, COUNT(*) AS n FROM activity_officials GROUP BY activity_id) p ON p.activity_id = a.id \
             WHERE a.status = 'filed' GROUP BY a.unit_id, SUBSTR(a.date, 1, 7), a.kind",
            vec![],
        )
        .await?;
        for (col, table, date, filter) in [
            ("problems_found", "problems", "found_on", "TRUE"),
            (
                "problems_solved",
                "problems",
                "closed_on",
                "closed_on IS NOT NULL",
            ),
            ("needs", "needs", "raised_on", "TRUE"),
        ] {
            tx.execute(
                &format!(
                    "INSERT INTO stats_flows (unit_id, month, kind, {col}) SELECT unit_id, SUBSTR({date}, 1, 7), '', COUNT(*) FROM {table} \
                     WHERE {filter} GROUP BY unit_id, SUBSTR({date}, 1, 7) \
                     ON CONFLICT (unit_id, month, kind) DO UPDATE SET {col} = stats_flows.{col} + excluded.{col}"
                ),
                vec![],
            )
            .await?;
        }
        // Roll each level up into its parent, deepest first, so that a
        // parent's row holds its whole subtree before it is rolled up itself.
        let max_depth: i64 = tx
            .scalar(
                "SELECT CAST(COALESCE(MAX(depth), 0) AS BIGINT) FROM units",
                vec![],
            )
            .await?
            .unwrap_or(0);
        let sums = FLOW_COLS
            .iter()
            .map(|c| format!("SUM(s.{c})"))
            .collect::<Vec<_>>()
            .join(", ");
        let set = FLOW_COLS
            .iter()
            .map(|c| format!("{c} = stats_flows.{c} + excluded.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        tx.execute(
            "INSERT INTO stats_closure (unit_id, found_month, closed_month, n) \
             SELECT unit_id, SUBSTR(found_on, 1, 7), SUBSTR(closed_on, 1, 7), COUNT(*) FROM problems \
             WHERE closed_on IS NOT NULL GROUP BY unit_id, SUBSTR(found_on, 1, 7), SUBSTR(closed_on, 1, 7)",
            vec![],
        )
        .await?;
        tx.execute(
            // Only the rows whose month is missing or wrong: a writer that
            // derived it as it wrote (the import, the demo) leaves none, and
            // rewriting every row costs PostgreSQL a new version of each.
            "UPDATE problems SET closure_month = SUBSTR(closed_on, 1, 7) \
             WHERE (closure_month IS NULL) <> (closed_on IS NULL) OR closure_month <> SUBSTR(closed_on, 1, 7)",
            vec![],
        )
        .await?;
        tx.execute(
            "INSERT INTO stats_open (unit_id, deadline, n) \
             SELECT unit_id, deadline, COUNT(*) FROM problems \
             WHERE status <> 'closed' AND status <> 'awaiting-verification' AND deadline IS NOT NULL GROUP BY unit_id, deadline",
            vec![],
        )
        .await?;
        tx.execute(
            "INSERT INTO stats_ranks (unit_id, rank, n) \
             SELECT unit_id, rank, COUNT(*) FROM officials WHERE active = $1 GROUP BY unit_id, rank",
            args![true],
        )
        .await?;
        for depth in (0..=max_depth).rev() {
            for (table, col) in [("stats_open", "deadline"), ("stats_ranks", "rank")] {
                tx.execute(
                    &format!(
                        "INSERT INTO {table} (unit_id, {col}, n) \
                         SELECT u.parent_id, s.{col}, SUM(s.n) FROM {table} s JOIN units u ON u.id = s.unit_id \
                         WHERE u.depth = $1 AND u.parent_id IS NOT NULL GROUP BY u.parent_id, s.{col} \
                         ON CONFLICT (unit_id, {col}) DO UPDATE SET n = {table}.n + excluded.n"
                    ),
                    args![depth],
                )
                .await?;
            }
            tx.execute(
                "INSERT INTO stats_closure (unit_id, found_month, closed_month, n) \
                 SELECT u.parent_id, s.found_month, s.closed_month, SUM(s.n) FROM stats_closure s JOIN units u ON u.id = s.unit_id \
                 WHERE u.depth = $1 AND u.parent_id IS NOT NULL GROUP BY u.parent_id, s.found_month, s.closed_month \
                 ON CONFLICT (unit_id, found_month, closed_month) DO UPDATE SET n = stats_closure.n + excluded.n",
                args![depth],
            )
            .await?;
            tx.execute(
                &format!(
                    "INSERT INTO stats_flows (unit_id, month, kind, {}) SELECT u.parent_id, s.month, s.kind, {sums} \
                     FROM stats_flows s JOIN units u ON u.id = s.unit_id WHERE u.depth = $1 AND u.parent_id IS NOT NULL \
                     GROUP BY u.parent_id, s.month, s.kind ON CONFLICT (unit_id, month, kind) DO UPDATE SET {set}",
                    FLOW_COLS.join(", ")
                ),
                args![depth],
            )
            .await?;
        }
        // Who took part and which items were walked, by month from the
        // records (one pass over the activities each); the longer periods
        // from the month rows, a far smaller table (a month's key, `YYYY-MM`,
        // is the only one of seven characters).
        let month = period_sql(PeriodKind::Month, "a.date");
        tx.execute(
            &format!(
                "INSERT INTO stats_officials (period, official_id, unit_path) SELECT DISTINCT {month}, o.id, o.unit_path \
                 FROM activities a JOIN activity_officials ao ON ao.activity_id = a.id JOIN officials o ON o.id = ao.official_id \
                 WHERE a.status = 'filed'"
            ),
            vec![],
        )
        .await?;
        tx.execute(
            &format!(
                "INSERT INTO stats_items (period, item_id, unit_path) SELECT DISTINCT {month}, i.id, u.path \
                 FROM activities a JOIN activity_items ai ON ai.activity_id = a.id JOIN items i ON i.id = ai.item_id \
                 JOIN units u ON u.id = i.unit_id WHERE a.status = 'filed'"
            ),
            vec![],
        )
        .await?;
        for kind in [PeriodKind::Quarter, PeriodKind::Half, PeriodKind::Year] {
            let key = period_sql(kind, "s.period");
            for (table, id) in [
                ("stats_officials", "official_id"),
                ("stats_items", "item_id"),
            ] {
                tx.execute(
                    &format!(
                        "INSERT INTO {table} (period, {id}, unit_path) SELECT DISTINCT {key}, s.{id}, s.unit_path \
                         FROM {table} s WHERE LENGTH(s.period) = 7"
                    ),
                    vec![],
                )
                .await?;
            }
        }
        self.set_setting(&mut tx, "stats_version", STATS_VERSION)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_ids_read_root_first() {
        assert_eq!(path_ids("/1/5/27/"), vec![1, 5, 27]);
        assert_eq!(path_ids("/"), Vec::<i64>::new());
    }

    #[test]
    fn period_keys_are_the_periods_display() {
        assert_eq!(
            period_keys("2024-08-15").expect("date"),
            ["2024-08", "2024Q3", "2024H2", "2024"].map(String::from)
        );
        assert!(period_keys("2024/08/15").is_err());
    }

    #[test]
    fn negation_flips_every_count() {
        let f = Flow {
            activities: 1,
            late: 1,
            visitors: 7,
            participations: 2,
            problems_found: 3,
            problems_solved: 4,
            needs: 5,
        };
        assert_eq!(f.negated().values(), [-1, -1, -7, -2, -3, -4, -5]);
    }
}
