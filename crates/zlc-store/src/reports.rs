//! The counts behind the statistics, read from the summaries of
//! [`crate::stats`]: a region's flows over a period are a few rows of its
//! own, distinct officials and items one index range, and only the current
//! state (overdue problems, officials by rank) is counted from the records,
//! each over one index range of the unit's subtree.

use crate::registry::Unit;
use crate::{Arg, Result, Scope, Store, args};
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
    pub needs: i64,
}

/// One kind's sums over a unit's months: kind, activities, late filings,
/// people received, participations, problems found, solved, needs.
type Sums = (String, i64, i64, i64, i64, i64, i64, i64);

impl Store {
    async fn count(&self, sql: &str, a: Vec<Arg>) -> Result<i64> {
        Ok(self.db.scalar::<i64>(sql, a).await?.unwrap_or(0))
    }

    /// The unit's flows over the window, per kind ('' for the ledgers).
    async fn flows(&self, unit: &Unit, w: &Window) -> Result<Vec<Sums>> {
        let (from, to) = w.months();
        let cols = [
            "activities",
            "late",
            "visitors",
            "participations",
            "problems_found",
            "problems_solved",
            "needs",
        ]
        .map(|c| format!("CAST(SUM({c}) AS BIGINT)"))
        .join(", ");
        Ok(self
            .db
            .fetch_all(
                &format!("SELECT kind, {cols} FROM stats_flows WHERE unit_id = $1 AND month >= $2 AND month <= $3 GROUP BY kind"),
                args![unit.id, from, to],
            )
            .await?)
    }

    /// How many officials (or items: `stats_items`) of the subtree took part in the period.
    async fn took_part(&self, table: &str, unit: &Unit, w: &Window) -> Result<i64> {
        let mut a = args![w.period.to_string()];
        let cond = Scope::subtree(unit.path.clone()).condition("unit_path", &mut a);
        self.count(
            &format!("SELECT COUNT(*) FROM {table} WHERE period = $1 AND {cond}"),
            a,
        )
        .await
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
        t.items = self.took_part("stats_items", unit, w).await?;
        Ok(t)
    }

    /// What one unit's subtree did in the period, for its row and its grade.
    pub async fn report_unit(&self, unit: &Unit, w: &Window) -> Result<UnitCounts> {
        let mut c = UnitCounts::default();
        for (kind, n, late, _visitors, part, found, solved, _needs) in self.flows(unit, w).await? {
            c.activities += n;
            c.late_filings += late;
            c.problems_found += found;
            c.problems_solved += solved;
            if let Some(k) = ActivityKind::parse(&kind) {
                c.participations_by_kind.push((k, part));
            }
        }
        // The condition is the partial index's: open problems by deadline.
        let mut a = Vec::new();
        let cond = Scope::subtree(unit.path.clone()).condition("unit_path", &mut a);
        a.push(w.overdue_before.clone().into());
        c.overdue = self
            .count(&format!("SELECT COUNT(*) FROM problems WHERE {cond} AND status <> 'closed' AND deadline < ${}", a.len()), a)
            .await?;
        let mut a = vec![Arg::from(true)];
        let cond = Scope::subtree(unit.path.clone()).condition("unit_path", &mut a);
        let ranks: Vec<(String, i64)> = self
            .db
            .fetch_all(&format!("SELECT rank, COUNT(*) FROM officials WHERE active = $1 AND {cond} GROUP BY rank"), a)
            .await?;
        c.officials_by_rank = ranks
            .into_iter()
            .filter_map(|(r, n)| Rank::parse(&r).map(|r| (r, n)))
            .collect();
        Ok(c)
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
                .fetch_all(
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
