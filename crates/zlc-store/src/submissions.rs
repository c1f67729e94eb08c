//! 报送 a unit hands a report of one period to the lead office (seed 003 四(二)
//! 五(二), seed 001 六(三)); the lead office sees every unit's status on one
//! board, urges the missing (催报) and returns a package with a reason (退回).
//! While a package is submitted, the unit's walks, problems and needs of that
//! period are locked, so the figures of the notice are those submitted.

use crate::audit::{self, Change};
use crate::{Actor, Result, Scope, Store, StoreError, Tx, args, now_ms};
use chrono::NaiveDate;
use serde::Serialize;
use zlc_domain::period::Period;

/// 报送记录 one unit's package of one report for one period.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Submission {
    pub id: i64,
    pub unit_id: i64,
    pub report_code: String,
    pub period: String,
    /// submitted | returned
    pub status: String,
    /// 逾期报送: after the report's due date.
    pub late: bool,
    pub submitted_at: i64,
    pub submitted_by: Option<i64>,
    pub returned_reason: Option<String>,
    pub returned_at: Option<i64>,
    pub returned_by: Option<i64>,
    pub version: i64,
}

/// 报送单位 a unit that owes the lead office its reports.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ReportingUnit {
    pub id: i64,
    pub name: String,
    pub path: String,
}

/// What a package still lacks before it can be submitted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Gaps {
    /// Walks of the period not yet filed (报备).
    pub unfiled_walks: i64,
    /// Open problems of the period without a deadline.
    pub without_deadline: i64,
    /// Problems of the period without a responsible section, in a unit that has sections.
    pub without_section: i64,
}

impl Gaps {
    pub fn is_empty(&self) -> bool {
        *self == Gaps::default()
    }

    /// 尚有 2 条活动记录未报备、1 个问题未明确整改时限
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.unfiled_walks > 0 {
            parts.push(format!("{} 条活动记录未报备", self.unfiled_walks));
        }
        if self.without_deadline > 0 {
            parts.push(format!("{} 个问题未明确整改时限", self.without_deadline));
        }
        if self.without_section > 0 {
            parts.push(format!("{} 个问题未明确责任科室", self.without_section));
        }
        format!("尚有{}", parts.join("、"))
    }
}

impl Store {
    /// The units that owe reports within `scope`: departments and public
    /// service enterprises (seed 003 一(三)), in the registry's order.
    pub async fn reporting_units(&self, scope: &Scope) -> Result<Vec<ReportingUnit>> {
        let mut args = Vec::new();
        let cond = scope.condition("path", &mut args);
        Ok(self
            .db
            .fetch_all(
                &format!(
                    "SELECT id, name, path FROM units WHERE kind IN ('department', 'enterprise') AND {cond} \
                     ORDER BY path"
                ),
                args,
            )
            .await?)
    }

    /// The unit `id` when it is in `scope` and owes reports (see
    /// [`Store::reporting_units`]).
    pub async fn reporting_unit(&self, scope: &Scope, id: i64) -> Result<Option<ReportingUnit>> {
        let mut args = vec![id.into()];
        let cond = scope.condition("path", &mut args);
        Ok(self
            .db
            .fetch_all(
                &format!(
                    "SELECT id, name, path FROM units \
                     WHERE id = $1 AND kind IN ('department', 'enterprise') AND {cond}"
                ),
                args,
            )
            .await?
            .pop())
    }

    /// Every package of `report` for `period` within `scope`.
    pub async fn submissions_of(
        &self,
        scope: &Scope,
        report: &str,
        period: Period,
    ) -> Result<Vec<Submission>> {
        let mut args = vec![report.into(), period.to_string().into()];
        let cond = scope.condition("unit_path", &mut args);
        Ok(self
            .db
            .fetch_all(
                &format!(
                    "SELECT id, unit_id, report_code, period, status, late, submitted_at, submitted_by, \
                            returned_reason, returned_at, returned_by, version \
                     FROM submissions WHERE report_code = $1 AND period = $2 AND {cond} ORDER BY unit_id"
                ),
                args,
            )
            .await?)
    }

    /// The unit submits its package of `report` for `period` (again, after
    /// a return). Refused while anything is missing, or when already in.
    pub async fn submit_package(
        &self,
        actor: &Actor,
        scope: &Scope,
        unit_id: i64,
        submit: &Submit<'_>,
    ) -> Result<Submission> {
        let mut tx = self.db.begin().await?;
        let after = submit_in(&mut tx, &self.cipher, actor, scope, unit_id, submit).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The lead office returns a submitted package with its reason (退回):
    /// the unit's records of the period are open again.
    pub async fn return_package(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: i64,
        version: i64,
        reason: &str,
    ) -> Result<Submission> {
        let mut tx = self.db.begin().await?;
        tx.lock_row("submissions", id).await?;
        let before = fetch(&mut tx, id).await?;
        let path: Option<String> = tx
            .scalar("SELECT unit_path FROM submissions WHERE id = $1", args![id])
            .await?;
        if !path.is_some_and(|p| scope.contains(&p)) {
            return Err(StoreError::NotFound);
        }
        if before.version != version {
            return Err(StoreError::Stale {
                current: before.version,
            });
        }
        if before.status != "submitted" {
            return Err(StoreError::Conflict(
                "该材料已退回，等待单位重新报送".into(),
            ));
        }
        let now = now_ms();
        tx.execute(
            "UPDATE submissions SET status = 'returned', returned_reason = $1, returned_at = $2, returned_by = $3, \
             version = version + 1, updated_at = $2 WHERE id = $4",
            args![reason, now, actor.user_id, id],
        )
        .await?;
        let after = fetch(&mut tx, id).await?;
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: "return",
                entity: "submission",
                entity_id: Some(id.to_string()),
                before: Some(serde_json::to_value(&before)?),
                after: Some(serde_json::to_value(&after)?),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Leaves a message to each account of `user_ids` (催报, 退回) and, for
    /// each of them with a digest address, queues the message to be mailed
    /// now (`notice`), not in the next day's digest.
    pub async fn send_messages(
        &self,
        user_ids: &[i64],
        kind: &str,
        title: &str,
        body: &str,
        link: Option<&str>,
        day: NaiveDate,
    ) -> Result<()> {
        use crate::rows::{MessageRow, Row};
        let day = day.to_string();
        let now = now_ms();
        let message = crate::duty::NewMessage {
            reminder_id: None,
            kind,
            title,
            body,
            link,
            day: &day,
            at: now,
        };
        let mut tx = self.db.begin().await?;
        for chunk in user_ids.chunks(MessageRow::TABLE.rows_per_statement().min(500)) {
            let mut args = Vec::new();
            for u in chunk {
                message.row(*u).args(&mut args);
            }
            let sql = format!(
                "{} RETURNING id, user_id",
                MessageRow::TABLE.insert_sql(chunk.len(), tx.kind())
            );
            let written: Vec<(i64, i64)> = tx.fetch_all(&sql, args).await?;
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let with_address: std::collections::HashSet<i64> = tx
                .fetch_all::<(i64,)>(
                    &format!(
                        "SELECT id FROM users WHERE email_enc IS NOT NULL AND id IN ({})",
                        marks.join(", ")
                    ),
                    chunk.iter().map(|u| (*u).into()).collect(),
                )
                .await?
                .into_iter()
                .map(|(id,)| id)
                .collect();
            for (id, user) in written {
                if with_address.contains(&user) {
                    crate::duty::queue_delivery(
                        &mut tx,
                        "notice",
                        &format!("message:{id}"),
                        &day,
                        now,
                    )
                    .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

async fn fetch(tx: &mut Tx, id: i64) -> Result<Submission> {
    tx.fetch_optional(
        "SELECT id, unit_id, report_code, period, status, late, submitted_at, submitted_by, \
                returned_reason, returned_at, returned_by, version FROM submissions WHERE id = $1",
        args![id],
    )
    .await?
    .ok_or(StoreError::NotFound)
}

/// Refuses a write to a record of the unit at `unit_path` dated `date` while
/// a package of the period holding that date is submitted by the unit or a
/// unit above it (报送后锁定, until returned).
pub(crate) async fn ensure_open(tx: &mut Tx, unit_path: &str, date: &str) -> Result<()> {
    #[derive(sqlx::FromRow)]
    struct Lock {
        name: String,
        period: String,
    }
    let lock: Option<Lock> = tx
        .fetch_optional(
            "SELECT u.name, s.period FROM submissions s JOIN units u ON u.id = s.unit_id \
             WHERE s.status = 'submitted' AND s.period_start <= $1 AND s.period_end >= $1 \
               AND substr($2, 1, length(s.unit_path)) = s.unit_path \
             ORDER BY s.id LIMIT 1",
            args![date, unit_path],
        )
        .await?;
    match lock {
        None => Ok(()),
        Some(l) => {
            let period = Period::parse(&l.period).map_or(l.period.clone(), |p| p.label_zh());
            Err(StoreError::Conflict(format!(
                "{}已报送{}的材料，该期间的记录已锁定；如需修改，请牵头单位退回后再改",
                l.name, period
            )))
        }
    }
}

/// 报送 what is handed in: one report of the policy for one period, as of a day.
#[derive(Debug, Clone, Copy)]
pub struct Submit<'a> {
    /// The report's code in the policy's `[[reports]]`.
    pub report: &'a str,
    pub period: Period,
    /// Its due date for the period: a package after it is 逾期报送.
    pub due: NaiveDate,
    pub today: NaiveDate,
}

/// Submits `unit_id`'s package within `tx`: checked complete against what
/// the transaction sees (so an import that writes the package and submits
/// it is judged on the rows it wrote), refused when already in, audited.
pub(crate) async fn submit_in(
    tx: &mut Tx,
    cipher: &crate::crypto::FieldCipher,
    actor: &Actor,
    scope: &Scope,
    unit_id: i64,
    submit: &Submit<'_>,
) -> Result<Submission> {
    let Submit {
        report,
        period,
        due,
        today,
    } = *submit;
    let unit: Option<ReportingUnit> = tx
        .fetch_optional(
            "SELECT id, name, path FROM units WHERE id = $1",
            args![unit_id],
        )
        .await?;
    let unit = match unit {
        Some(u) if scope.contains(&u.path) => u,
        _ => {
            return Err(StoreError::invalid(
                "unit_id",
                "所选单位不存在或不在您的数据范围内",
            ));
        }
    };
    let gaps = package_gaps(tx, &unit.path, period).await?;
    if !gaps.is_empty() {
        return Err(StoreError::invalid(
            "unit_id",
            format!(
                "{}{}的材料不完整：{}，请补齐后再报送",
                unit.name,
                period.label_zh(),
                gaps.describe()
            ),
        ));
    }
    let now = now_ms();
    let late = today > due;
    let existing: Option<Submission> = tx
        .fetch_optional(
            "SELECT id, unit_id, report_code, period, status, late, submitted_at, submitted_by, \
                    returned_reason, returned_at, returned_by, version \
             FROM submissions WHERE unit_id = $1 AND report_code = $2 AND period = $3",
            args![unit_id, report, period.to_string()],
        )
        .await?;
    if let Some(e) = &existing {
        tx.lock_row("submissions", e.id).await?;
    }
    let id = match &existing {
        Some(e) if e.status == "submitted" => {
            return Err(StoreError::Conflict(format!(
                "{}{}的材料已报送，无需重复报送",
                unit.name,
                period.label_zh()
            )));
        }
        Some(e) => {
            let n = tx
                .execute(
                    "UPDATE submissions SET status = 'submitted', late = $1, submitted_at = $2, submitted_by = $3, \
                     version = version + 1, updated_at = $2 WHERE id = $4 AND status = 'returned'",
                    args![late, now, actor.user_id, e.id],
                )
                .await?;
            if n == 0 {
                return Err(StoreError::Conflict(format!(
                    "{}{}的材料已报送，无需重复报送",
                    unit.name,
                    period.label_zh()
                )));
            }
            e.id
        }
        None => tx
            .scalar::<i64>(
                "INSERT INTO submissions (unit_id, unit_path, report_code, period, period_start, period_end, \
                    status, late, submitted_at, submitted_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'submitted', $7, $8, $9, $8, $8) \
                 ON CONFLICT (unit_id, report_code, period) DO NOTHING RETURNING id",
                args![
                    unit_id,
                    unit.path.clone(),
                    report,
                    period.to_string(),
                    period.start().to_string(),
                    period.end().to_string(),
                    late,
                    now,
                    actor.user_id
                ],
            )
            .await?
            .ok_or_else(|| {
                StoreError::Conflict(format!(
                    "{}{}的材料已报送，无需重复报送",
                    unit.name,
                    period.label_zh()
                ))
            })?,
    };
    let after = fetch(tx, id).await?;
    audit::append(
        tx,
        cipher,
        actor,
        Change {
            action: "submit",
            entity: "submission",
            entity_id: Some(id.to_string()),
            before: existing.map(serde_json::to_value).transpose()?,
            after: Some(serde_json::to_value(&after)?),
        },
    )
    .await?;
    Ok(after)
}

/// What the unit's package of `period` still lacks, as `tx` sees it.
pub(crate) async fn package_gaps(tx: &mut Tx, unit_path: &str, period: Period) -> Result<Gaps> {
    let (from, to) = (period.start().to_string(), period.end().to_string());
    let sub = Scope::subtree(unit_path.to_string());
    let mut counts = [0i64; 3];
    let queries = [
        "SELECT COUNT(*) FROM activities t WHERE t.status = 'draft' AND t.date >= $1 AND t.date <= $2 AND {cond}",
        "SELECT COUNT(*) FROM problems t WHERE t.status IN ('pending', 'in-progress') \
         AND t.deadline IS NULL AND t.escalated_to IS NULL \
         AND t.found_on >= $1 AND t.found_on <= $2 AND {cond}",
        "SELECT COUNT(*) FROM problems t WHERE t.section_id IS NULL \
         AND t.found_on >= $1 AND t.found_on <= $2 AND {cond} \
         AND EXISTS (SELECT 1 FROM units s WHERE s.parent_id = t.unit_id AND s.kind = 'section')",
    ];
    for (n, sql) in counts.iter_mut().zip(queries) {
        let mut args = vec![from.clone().into(), to.clone().into()];
        let cond = sub.condition("t.unit_path", &mut args);
        let c: Option<i64> = tx.scalar(&sql.replace("{cond}", &cond), args).await?;
        *n = c.unwrap_or(0);
    }
    let [unfiled_walks, without_deadline, without_section] = counts;
    Ok(Gaps {
        unfiled_walks,
        without_deadline,
        without_section,
    })
}
