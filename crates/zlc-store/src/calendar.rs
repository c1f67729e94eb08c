//! 工作日历 the years of the working-day calendar edited at run time.

use crate::audit::{self, Change};
use crate::{Actor, Result, Store, StoreError, args, now_ms};
use zlc_domain::calendar::{CalendarError, TSV_HEADER, WorkCalendar};

impl Store {
    /// The shipped calendar with every edited year applied.
    pub async fn work_calendar(&self) -> Result<WorkCalendar> {
        let rows: Vec<(i64, String)> = self
            .db
            .fetch_all(
                "SELECT year, days FROM calendar_years ORDER BY year",
                vec![],
            )
            .await?;
        let mut cal = WorkCalendar::builtin().clone();
        for (year, days) in rows {
            let parsed = WorkCalendar::parse_tsv(&days).map_err(|e: CalendarError| {
                StoreError::Conflict(format!("已保存的 {year} 年工作日历无法读取：{e}"))
            })?;
            let days: Vec<_> = parsed.entries().cloned().collect();
            cal = cal.with_year(year as i32, &days).map_err(|(i, m)| {
                StoreError::Conflict(format!("已保存的 {year} 年工作日历第 {} 天：{m}", i + 1))
            })?;
        }
        Ok(cal)
    }

    /// Saves the special days of `year` (already checked by
    /// [`WorkCalendar::with_year`]), audited with the year's days before and after.
    pub async fn save_calendar_year(
        &self,
        actor: &Actor,
        year: i32,
        cal: &WorkCalendar,
        before: &WorkCalendar,
    ) -> Result<()> {
        let tsv = |c: &WorkCalendar| {
            let mut out = String::from(TSV_HEADER);
            out.push('\n');
            for d in c.year(year) {
                out.push_str(&format!("{}\t{}\t{}\n", d.date, d.kind.code(), d.name));
            }
            out
        };
        let days = tsv(cal);
        let mut tx = self.db.begin().await?;
        let now = now_ms();
        tx.execute(
            "INSERT INTO calendar_years (year, days, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (year) DO UPDATE SET days = excluded.days, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            args![i64::from(year), &days, actor.user_id, now],
        )
        .await?;
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: "update",
                entity: "calendar",
                entity_id: Some(year.to_string()),
                before: Some(serde_json::json!({ "days": tsv(before) })),
                after: Some(serde_json::json!({ "days": days })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
