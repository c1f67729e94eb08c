//! 需求清单 needs and 整改清单 measures.

use super::*;
use zlc_domain::ledger::{MeasureStatus, NeedSource, NeedStatus};

/// 需求 as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Need {
    pub id: i64,
    pub unit_id: i64,
    pub unit_path: String,
    pub region_id: i64,
    pub activity_id: Option<i64>,
    pub problem_id: Option<i64>,
    pub raised_by: NeedSource,
    pub content: String,
    pub response: Option<String>,
    pub status: NeedStatus,
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
    pub status: MeasureStatus,
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
    pub raised_by: NeedSource,
    pub content: String,
    pub response: Option<String>,
    pub status: NeedStatus,
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
    pub status: MeasureStatus,
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
                rows::insert_returning(
                    &mut tx,
                    NeedRow {
                        unit_id: n.unit_id,
                        unit_path: path.clone(),
                        region_id: region,
                        activity_id: n.activity_id,
                        problem_id: n.problem_id,
                        raised_by: n.raised_by.code().into(),
                        content: n.content.clone(),
                        response: n.response.clone(),
                        status: n.status.code().into(),
                        raised_on: n.raised_on.clone(),
                        closed_on: n.closed_on.clone(),
                        created_by: actor.user_id,
                        created_at: now,
                        updated_at: now,
                        ..NeedRow::default()
                    },
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
        // 报送后锁定: neither the period it is in nor the one it leaves.
        crate::submissions::ensure_open(&mut tx, &need.unit_path, &need.raised_on).await?;
        if let Some(b) = &before {
            crate::submissions::ensure_open(&mut tx, &b.unit_path, &b.raised_on).await?;
        }
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
                before: before.map(serde_json::to_value).transpose()?,
                after: Some(serde_json::to_value(&need)?),
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
                rows::insert_returning(
                    &mut tx,
                    MeasureRow {
                        unit_id: m.unit_id,
                        unit_path: path.clone(),
                        region_id: region,
                        problem_id: m.problem_id,
                        need_id: m.need_id,
                        activity_id: m.activity_id,
                        content: m.content.clone(),
                        deadline: m.deadline.clone(),
                        done_on: m.done_on.clone(),
                        effect: m.effect.clone(),
                        status: m.status.code().into(),
                        created_by: actor.user_id,
                        created_at: now,
                        updated_at: now,
                        ..MeasureRow::default()
                    },
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
                before: before.map(serde_json::to_value).transpose()?,
                after: Some(serde_json::to_value(&measure)?),
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
