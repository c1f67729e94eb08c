//! 活动记录 activities and their callbacks (回访).

use super::*;
use crate::rows::CallbackRow;
use zlc_domain::campaign::ActivityStatus;
use zlc_domain::kinds::{ActivityKind, Channel, Mode, Trigger};

/// 活动记录 as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Activity {
    pub id: i64,
    pub unit_id: i64,
    pub unit_path: String,
    pub region_id: i64,
    pub plan_id: Option<i64>,
    pub kind: ActivityKind,
    pub mode: Mode,
    pub channel: Option<Channel>,
    pub trigger_kind: Trigger,
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
    pub status: ActivityStatus,
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
pub struct Callback {
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
        let rows: Vec<Callback> = self
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
                let a = rows::insert_returning(
                    &mut tx,
                    ActivityRow {
                        unit_id: input.unit_id,
                        unit_path: path.clone(),
                        region_id: region,
                        plan_id: input.plan_id,
                        kind: input.kind.clone(),
                        mode: input.mode.clone(),
                        channel: input.channel.clone(),
                        trigger_kind: input.trigger_kind.clone(),
                        unannounced: input.unannounced,
                        date: input.date.clone(),
                        started: input.started.clone(),
                        ended: input.ended.clone(),
                        place: input.place.clone(),
                        content: input.content.clone(),
                        visitors: input.visitors,
                        checked_items: input.checked_items,
                        steps_done: steps.clone(),
                        notes: input.notes.clone(),
                        status: ActivityStatus::Draft.code().into(),
                        created_by: actor.user_id,
                        created_at: now,
                        updated_at: now,
                        ..ActivityRow::default()
                    },
                )
                .await?;
                (a, None)
            }
            Some((id, version)) => {
                tx.lock_row("activities", id).await?;
                let old: Activity = scoped(&mut tx, scope, "activities", id).await?;
                check_version(old.version, version)?;
                if old.status != ActivityStatus::Draft {
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
        // 报送后锁定: neither the period it is in nor the one it leaves.
        crate::submissions::ensure_open(&mut tx, &activity.unit_path, &activity.date).await?;
        if let Some(b) = &before {
            crate::submissions::ensure_open(&mut tx, &b.unit_path, &b.date).await?;
        }
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
                    rows::insert(
                        &mut tx,
                        CallbackRow {
                            activity_id: activity.id,
                            name_enc: name,
                            phone_enc: phone,
                            served_on: c.served_on.clone(),
                            called_on: c.called_on.clone(),
                            valid: c.valid,
                            satisfaction: c.satisfaction.clone(),
                            remarks: c.remarks.clone(),
                            created_at: now,
                        },
                    )
                    .await?;
                }
            }
        }
        let mut after = serde_json::to_value(&activity)?;
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
                before: before.map(serde_json::to_value).transpose()?,
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
        if old.status != ActivityStatus::Draft {
            return Err(StoreError::Conflict("活动已报备".into()));
        }
        let a: Activity = tx
            .fetch_one(
                "UPDATE activities SET status = 'filed', filed_on = $1, filing_due = $2, late = $3, version = version + 1, updated_at = $4 WHERE id = $5 RETURNING *",
                args![filed_on, due, late, now_ms(), id],
            )
            .await?;
        let filed = stats::Filed {
            id: a.id,
            unit_path: &a.unit_path,
            date: &a.date,
            kind: a.kind.code(),
            late: a.late,
            visitors: a.visitors,
        };
        stats::count_filed(&mut tx, &filed).await?;
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
                    json!({"status": ActivityStatus::Filed, "filed_on": filed_on, "due": due, "late": late}),
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
        self.list_scoped("activities", Some("date"), &["date"], scope, f, page, |w| {
            activity_filters(w, f)
        })
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
