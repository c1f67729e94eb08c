//! 计划 plans: drafted, submitted, published (公示) and done.

use super::*;
use zlc_domain::campaign::{HalfDay, Place, PlanStatus};
use zlc_domain::kinds::{ActivityKind, Mode};

/// 计划 as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Plan {
    pub id: i64,
    pub unit_id: i64,
    pub unit_path: String,
    pub region_id: i64,
    pub kind: zlc_domain::kinds::ActivityKind,
    pub mode: Option<Mode>,
    pub date: String,
    pub slot: HalfDay,
    pub place: Place,
    pub window_unit_id: Option<i64>,
    pub place_note: Option<String>,
    pub status: PlanStatus,
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
    pub kind: ActivityKind,
    pub mode: Option<Mode>,
    pub date: String,
    pub slot: HalfDay,
    pub place: Place,
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
                let p = rows::insert_returning(
                    &mut tx,
                    PlanRow {
                        unit_id: input.unit_id,
                        unit_path: path.clone(),
                        region_id: region,
                        kind: input.kind.code().into(),
                        mode: input.mode.map(|m| m.code().into()),
                        date: input.date.clone(),
                        slot: input.slot.code().into(),
                        place: input.place.code().into(),
                        window_unit_id: input.window_unit_id,
                        place_note: input.place_note.clone(),
                        status: "draft".into(),
                        created_by: actor.user_id,
                        created_at: now,
                        updated_at: now,
                        ..PlanRow::default()
                    },
                )
                .await?;
                (p, None)
            }
            Some((id, version)) => {
                tx.lock_row("plans", id).await?;
                let old: Plan = scoped(&mut tx, scope, "plans", id).await?;
                check_version(old.version, version)?;
                // A plan waiting for publication may still be corrected.
                if !old.status.is_editable() {
                    return Err(StoreError::Conflict(
                        "计划已发布或已取消，不能再修改".into(),
                    ));
                }
                let p = tx
                    .fetch_one(
                        "UPDATE plans SET unit_id = $1, unit_path = $2, region_id = $3, kind = $4, mode = $5, date = $6, slot = $7, place = $8, \
                         window_unit_id = $9, place_note = $10, version = version + 1, updated_at = $11 WHERE id = $12 RETURNING *",
                        args![input.unit_id, &path, region, input.kind, input.mode, &input.date, input.slot, input.place, input.window_unit_id, &input.place_note, now, id],
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
        let mut after = serde_json::to_value(&plan)?;
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
                before: before.map(serde_json::to_value).transpose()?,
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
        from: &[PlanStatus],
        to: PlanStatus,
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
        from: &[PlanStatus],
        to: PlanStatus,
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
            if !from.contains(&old.status) {
                return Err(StoreError::Conflict(format!(
                    "{}当前状态为「{}」，不能执行此操作",
                    name(),
                    old.status.label_zh()
                )));
            }
            let published_at = if to == PlanStatus::Published {
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
                    action: to.code(),
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
        self.list_scoped("plans", Some("date"), &["date"], scope, f, page, |w| {
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
            slot: HalfDay,
            kind: ActivityKind,
            place: Place,
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
            total_capped: false,
        })
    }
}

/// 整改公示 what the public sees of a problem and its rectification: the
/// unit, what was wrong and what was done — never who reported or handled it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PublicRectification {
    pub id: i64,
    pub unit: String,
    pub category: zlc_domain::ledger::ProblemCategory,
    pub description: String,
    pub status: zlc_domain::kinds::ProblemStatus,
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
    pub slot: HalfDay,
    pub kind: ActivityKind,
    pub place: Place,
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
