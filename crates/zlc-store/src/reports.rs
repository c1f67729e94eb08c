//! The counts behind the statistics, read from the summaries of
//! [`crate::stats`]: a region's flows over a period are a few rows of its
//! own, distinct officials and items one index range, and only the current
//! state (overdue problems, officials by rank) is counted from the records,
//! each over one index range of the unit's subtree.

use crate::registry::Unit;
use crate::{Arg, Result, Scope, Store, args};
use std::collections::HashMap;
use zlc_domain::kinds::{ActivityKind, Rank};
use zlc_domain::period::Period;
use zlc_domain::report::UnitCounts;

/// The period counted, and the day from which a deadline counts as overdue.
#[derive(Debug, Clone)]
pub struct Window {
    pub period: Period,
    /// Problems not closed with a deadline before this date are overdue.
    pub overdue_before: String,
}

impl Window {
    fn months(&self) -> (String, String) {
        let m = |d: chrono::NaiveDate| Period::month_of(d).to_string();
        (m(self.period.start()), m(self.period.end()))
    }
}

/// Totals over a region's subtree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub by_kind: Vec<(ActivityKind, i64)>,
    pub visitors: i64,
    pub officials: i64,
    pub items: i64,
    pub problems_found: i64,
    pub problems_solved: i64,
    /// Found in the window and closed by its end.
    pub problems_found_closed: i64,
    pub needs: i64,
}

/// One kind's sums over a unit's months: kind, activities, late filings,
/// people received, participations, problems found, solved, needs.
type Sums = (String, i64, i64, i64, i64, i64, i64, i64);

/// [`Sums`] of one of several units: the unit first.
type UnitSums = (i64, String, i64, i64, i64, i64, i64, i64, i64);

/// The sums of `stats_flows` in the order of [`Sums`] after the kind.
const SUM_COLS: &str = "CAST(SUM(activities) AS BIGINT), CAST(SUM(late) AS BIGINT), \
     CAST(SUM(visitors) AS BIGINT), CAST(SUM(participations) AS BIGINT), \
     CAST(SUM(problems_found) AS BIGINT), CAST(SUM(problems_solved) AS BIGINT), \
     CAST(SUM(needs) AS BIGINT)";

impl Store {
    async fn count(&self, sql: &str, a: Vec<Arg>) -> Result<i64> {
        Ok(self.db.scalar::<i64>(sql, a).await?.unwrap_or(0))
    }

    /// The unit's flows over the window, per kind ('' for the ledgers).
    async fn flows(&self, unit: &Unit, w: &Window) -> Result<Vec<Sums>> {
        let (from, to) = w.months();
        Ok(self
            .db
            .fetch_all(
                &format!("SELECT kind, {SUM_COLS} FROM stats_flows WHERE unit_id = $1 AND month >= $2 AND month <= $3 GROUP BY kind"),
                args![unit.id, from, to],
            )
            .await?)
    }

    /// 体验事项 how many items of the unit's subtree were experienced in the period.
    pub async fn items_experienced(&self, unit: &Unit, w: &Window) -> Result<i64> {
        self.took_part("stats_items", unit, w).await
    }

    /// How many officials (or items: `stats_items`) of the subtree took part in the period.
    async fn took_part(&self, table: &str, unit: &Unit, w: &Window) -> Result<i64> {
        let mut a = args![w.period.to_string()];
        let cond = Scope::subtree(unit.path.clone()).condition("unit_path", &mut a);
        // Planned for its range: a generic plan, blind to how much of the
        // tree the range holds, read a nation's period whole for a province.
        Ok(self
            .db
            .scalar_planned::<i64>(
                &format!("SELECT COUNT(*) FROM {table} WHERE period = $1 AND {cond}"),
                a,
            )
            .await?
            .unwrap_or(0))
    }

    /// Totals of the region `unit`.
    pub async fn report_totals(&self, unit: &Unit, w: &Window) -> Result<Totals> {
        let mut t = Totals::default();
        for (kind, n, _late, visitors, _part, found, solved, needs) in self.flows(unit, w).await? {
            if let Some(k) = ActivityKind::parse(&kind) {
                t.by_kind.push((k, n));
            }
            t.visitors += visitors;
            t.problems_found += found;
            t.problems_solved += solved;
            t.needs += needs;
        }
        t.officials = self.took_part("stats_officials", unit, w).await?;
        t.items = self.items_experienced(unit, w).await?;
        t.problems_found_closed = self.found_closed(unit, w).await?;
        Ok(t)
    }

    /// 整改逾期: the open problems of the unit's subtree (not closed, not
    /// waiting for the verifier) whose deadline is before `before`, summed
    /// from `stats_open` over the deadlines.
    pub async fn overdue(&self, unit: i64, before: &str) -> Result<i64> {
        self.count(
            "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM stats_open WHERE unit_id = $1 AND deadline < $2",
            args![unit, before],
        )
        .await
    }

    /// Problems of the unit's subtree found in the window and closed by its
    /// end: the numerator of 整改率, so that it never passes 100%.
    pub async fn found_closed(&self, unit: &Unit, w: &Window) -> Result<i64> {
        let (from, to) = w.months();
        self.count(
            "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM stats_closure WHERE unit_id = $1 AND found_month >= $2 AND found_month <= $3 AND closed_month <= $3",
            args![unit.id, from, to],
        )
        .await
    }

    /// What each of `units`' subtrees did in the period, for its row of a
    /// report and its grade: in four queries whatever their number (a
    /// province's report has a row for each of its cities and departments).
    pub async fn report_units(
        &self,
        units: &[Unit],
        w: &Window,
    ) -> Result<HashMap<i64, UnitCounts>> {
        let mut out: HashMap<i64, UnitCounts> = units
            .iter()
            .map(|u| (u.id, UnitCounts::default()))
            .collect();
        if units.is_empty() {
            return Ok(out);
        }
        let (from, to) = w.months();
        // The units' ids follow the statement's own `leading` values.
        let ids = |leading: Vec<Arg>| {
            let n = leading.len();
            let marks: Vec<String> = (n + 1..=n + units.len()).map(|i| format!("${i}")).collect();
            let mut a = leading;
            a.extend(units.iter().map(|u| Arg::from(u.id)));
            (marks.join(", "), a)
        };
        let (marks, a) = ids(args![from.clone(), to.clone()]);
        let flows: Vec<UnitSums> = self
            .db
            .fetch_all(
                &format!(
                    "SELECT unit_id, kind, {SUM_COLS} FROM stats_flows \
                     WHERE month >= $1 AND month <= $2 AND unit_id IN ({marks}) GROUP BY unit_id, kind ORDER BY unit_id, kind"
                ),
                a,
            )
            .await?;
        for (unit, kind, n, late, visitors, part, found, solved, needs) in flows {
            let c = out.entry(unit).or_default();
            c.activities += n;
            c.late_filings += late;
            c.problems_found += found;
            c.problems_solved += solved;
            c.visitors += visitors;
            c.needs += needs;
            if let Some(k) = ActivityKind::parse(&kind) {
                c.activities_by_kind.push((k, n));
                c.participations_by_kind.push((k, part));
            }
        }
        let (marks, a) = ids(args![w.overdue_before.clone()]);
        let overdue: Vec<(i64, i64)> = self
            .db
            .fetch_all(
                &format!(
                    "SELECT unit_id, CAST(SUM(n) AS BIGINT) FROM stats_open \
                     WHERE deadline < $1 AND unit_id IN ({marks}) GROUP BY unit_id"
                ),
                a,
            )
            .await?;
        for (unit, n) in overdue {
            out.entry(unit).or_default().overdue = n;
        }
        let (marks, a) = ids(args![from, to]);
        let closed: Vec<(i64, i64)> = self
            .db
            .fetch_all(
                &format!(
                    "SELECT unit_id, CAST(SUM(n) AS BIGINT) FROM stats_closure \
                     WHERE found_month >= $1 AND found_month <= $2 AND closed_month <= $2 \
                     AND unit_id IN ({marks}) GROUP BY unit_id"
                ),
                a,
            )
            .await?;
        for (unit, n) in closed {
            out.entry(unit).or_default().problems_found_closed = n;
        }
        let (marks, a) = ids(Vec::new());
        let ranks: Vec<(i64, String, i64)> = self
            .db
            .fetch_all(
                &format!(
                    "SELECT unit_id, rank, CAST(n AS BIGINT) FROM stats_ranks \
                     WHERE n <> 0 AND unit_id IN ({marks}) ORDER BY unit_id, rank"
                ),
                a,
            )
            .await?;
        for (unit, rank, n) in ranks {
            if let Some(r) = Rank::parse(&rank) {
                out.entry(unit).or_default().officials_by_rank.push((r, n));
            }
        }
        Ok(out)
    }

    /// Problems found in the window in the unit's subtree, by category and
    /// by their status now.
    pub async fn problem_breakdown(
        &self,
        unit: &Unit,
        w: &Window,
    ) -> Result<(Vec<(String, i64)>, Vec<(String, i64)>)> {
        let mut out = Vec::new();
        for col in ["category", "status"] {
            let mut a = Vec::new();
            let cond = Scope::subtree(unit.path.clone()).condition("unit_path", &mut a);
            a.push(w.period.start().to_string().into());
            a.push(w.period.end().to_string().into());
            let n = a.len();
            let rows: Vec<(String, i64)> = self
                .db
                .fetch_all_planned(
                    &format!("SELECT {col}, COUNT(*) FROM problems WHERE {cond} AND found_on >= ${} AND found_on <= ${n} GROUP BY {col} ORDER BY COUNT(*) DESC, {col}", n - 1),
                    a,
                )
                .await?;
            out.push(rows);
        }
        let status = out.pop().unwrap_or_default();
        let category = out.pop().unwrap_or_default();
        Ok((category, status))
    }

    /// Who took part or what was experienced in the unit's subtree over
    /// the period, a page after the id `after`: the records a report's
    /// `officials` and `items_experienced` count.
    pub async fn took_part_page(
        &self,
        which: TookPart,
        unit: &Unit,
        period: Period,
        after: i64,
        limit: i64,
    ) -> Result<Vec<TookPartRow>> {
        let (table, records, id, detail) = match which {
            TookPart::Officials => ("stats_officials", "officials", "official_id", "r.title"),
            TookPart::Items => ("stats_items", "items", "item_id", "r.item_type"),
        };
        let mut a = args![period.to_string(), after];
        let cond = Scope::subtree(unit.path.clone()).condition("unit_path", &mut a);
        a.push(limit.into());
        // The page's ids first, from the index of the period and path
        // (which holds the id), then their names. A subtree's ids are
        // clustered (a unit's records are made together), which the
        // planner, taking them for spread evenly, does not know: led by the
        // id's index it walks a nation's period to reach a province's last
        // ones. Below the root the subtree's range is read and sorted
        // instead (`+ 0` keeps the order off the index), planned for that
        // range as `took_part`'s count is.
        let order = if unit.parent_id.is_some() {
            format!("{id} + 0")
        } else {
            id.to_string()
        };
        Ok(self
            .db
            .fetch_all_planned(
                &format!(
                    "SELECT t.id, r.name AS name, {detail} AS detail, u.name AS unit \
                     FROM (SELECT {id} AS id FROM {table} WHERE period = $1 AND {id} > $2 AND {cond} ORDER BY {order} LIMIT ${}) t \
                     JOIN {records} r ON r.id = t.id JOIN units u ON u.id = r.unit_id ORDER BY t.id",
                    a.len()
                ),
                a,
            )
            .await?)
    }

    /// What the enforcement activities (跟执法) of the unit's subtree dealt
    /// with over the period: their content, most frequent first.
    pub async fn enforcement_contents(
        &self,
        unit: &Unit,
        period: Period,
        limit: i64,
    ) -> Result<Vec<String>> {
        let mut a = args![period.start().to_string(), period.end().to_string()];
        let cond = Scope::subtree(unit.path.clone()).condition("unit_path", &mut a);
        a.push(limit.into());
        // The enforcement activities' own index (migration 0020): SQLite is
        // kept off the index of every filed activity by `+status`.
        let status = match self.kind() {
            crate::Kind::Sqlite => "+status",
            crate::Kind::Postgres => "status",
        };
        let rows: Vec<(String, i64)> = self
            .db
            .fetch_all_planned(
                &format!(
                    "SELECT COALESCE(NULLIF(content, ''), place, '') AS c, COUNT(*) FROM activities \
                     WHERE kind = 'enforce' AND {status} = 'filed' AND date >= $1 AND date <= $2 AND {cond} \
                     GROUP BY c ORDER BY COUNT(*) DESC, c LIMIT ${}",
                    a.len()
                ),
                a,
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|(c, _)| c)
            .filter(|c| !c.is_empty())
            .collect())
    }

    /// The units directly below a unit, in order.
    pub async fn children(&self, id: i64) -> Result<Vec<Unit>> {
        Ok(self
            .db
            .fetch_all(
                "SELECT * FROM units WHERE parent_id = $1 ORDER BY sort, id",
                args![id],
            )
            .await?)
    }
}

/// 典型做法候选 a closed problem that may serve as a good case.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct CaseCandidate {
    pub id: i64,
    pub unit_path: String,
    pub description: String,
    pub measures: Option<String>,
    pub effect: Option<String>,
    pub closed_on: Option<String>,
    pub urgent: bool,
    pub item_id: Option<i64>,
}

/// An item's process figures as recorded: materials, time limit, steps, trips, online.
type FiguresRow = (
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<bool>,
);

impl Store {
    /// Problems closed in the period with their measures and effect written,
    /// the most telling first (urgent ones, then the fullest accounts): the
    /// good cases a notice may cite.
    pub async fn case_candidates(
        &self,
        region: &Unit,
        period: Period,
        limit: i64,
    ) -> Result<Vec<CaseCandidate>> {
        let mut a = args![period.start().to_string(), period.end().to_string()];
        let cond = Scope::subtree(region.path.clone()).condition("unit_path", &mut a);
        a.push(limit.into());
        Ok(self
            .db
            .fetch_all(
                &format!(
                    "SELECT id, unit_path, description, measures, effect, closed_on, urgent, item_id FROM problems \
                     WHERE status = 'closed' AND closed_on >= $1 AND closed_on <= $2 AND {cond} \
                     AND measures IS NOT NULL AND measures <> '' AND effect IS NOT NULL AND effect <> '' \
                     ORDER BY urgent DESC, LENGTH(measures) + LENGTH(effect) DESC, id LIMIT ${}",
                    a.len()
                ),
                a,
            )
            .await?)
    }

    /// The item's process figures before and after the rectification of
    /// problem `id` was verified, if it changed them.
    pub async fn figures_change(
        &self,
        problem_id: i64,
        item_id: i64,
    ) -> Result<
        Option<(
            zlc_domain::registry::ProcessFigures,
            zlc_domain::registry::ProcessFigures,
        )>,
    > {
        let rows: Vec<FiguresRow> = self
            .db
            .fetch_all(
                "SELECT id, materials, time_limit_days, steps, trips, online FROM item_figures WHERE item_id = $1 ORDER BY id",
                args![item_id],
            )
            .await?;
        let note = format!("问题 {problem_id}");
        let after_id: Option<i64> = self
            .db
            .scalar(
                "SELECT id FROM item_figures WHERE item_id = $1 AND note = $2 ORDER BY id DESC LIMIT 1",
                args![item_id, &note],
            )
            .await?;
        let Some(after_id) = after_id else {
            return Ok(None);
        };
        let at = rows.iter().position(|r| r.0 == after_id);
        let figures = |r: &FiguresRow| {
            let i = |v: Option<i64>| v.and_then(|x| i32::try_from(x).ok());
            zlc_domain::registry::ProcessFigures {
                materials: i(r.1),
                time_limit_days: i(r.2),
                steps: i(r.3),
                trips: i(r.4),
                online: r.5,
            }
        };
        Ok(match at {
            Some(k) if k > 0 => Some((figures(&rows[k - 1]), figures(&rows[k]))),
            _ => None,
        })
    }
}

/// Who took part in a period (参与领导干部) or what was experienced (体验事项).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TookPart {
    Officials,
    Items,
}

/// One official who took part, or one item experienced.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TookPartRow {
    pub id: i64,
    pub name: String,
    /// The official's title, or the item's type.
    pub detail: String,
    /// The name of the unit the official or item belongs to.
    pub unit: String,
}
