//! 问题清单 problems and their timeline, to 销号 and 回头看.

use super::*;
use zlc_domain::kinds::{Disposition, ProblemStatus};
use zlc_domain::ledger::{ProblemCategory, ProblemSource};

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
    pub source: ProblemSource,
    pub category: ProblemCategory,
    pub description: String,
    pub cause: Option<String>,
    pub urgent: bool,
    pub other_units: String,
    pub disposition: Disposition,
    pub deadline: Option<String>,
    pub escalated_to: Option<String>,
    pub status: ProblemStatus,
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
    pub source: ProblemSource,
    pub category: ProblemCategory,
    pub description: String,
    pub cause: Option<String>,
    pub urgent: bool,
    pub other_units: Vec<i64>,
    pub found_on: String,
}

/// Where a problem is in its life cycle: what a transition changes.
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemLife {
    pub status: ProblemStatus,
    pub disposition: Disposition,
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
            status: self.status,
            disposition: self.disposition,
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
    from: Option<ProblemStatus>,
    to: ProblemStatus,
    note: Option<&str>,
) -> Result<()> {
    rows::insert(
        tx,
        ProblemEventRow {
            problem_id,
            at: now_ms(),
            actor_id: actor.user_id,
            actor: actor.username.clone(),
            action: action.into(),
            from_status: from.map(|s| s.code().into()),
            to_status: to.code().into(),
            note: note.map(Into::into),
        },
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
        let p: Problem = rows::insert_returning(
            tx,
            ProblemRow {
                unit_id: input.unit_id,
                unit_path: path.clone(),
                region_id: region,
                section_id: input.section_id,
                activity_id: input.activity_id,
                item_id: input.item_id,
                source: input.source.code().into(),
                category: input.category.code().into(),
                description: input.description.clone(),
                cause,
                urgent: input.urgent,
                other_units: join_ids(&input.other_units),
                disposition: life.disposition.code().into(),
                deadline: life.deadline.clone(),
                escalated_to: life.escalated_to.clone(),
                status: life.status.code().into(),
                handler_id: life.handler_id,
                measures: life.measures.clone(),
                effect: life.effect.clone(),
                evidence_count: life.evidence_count,
                verifier_id: life.verifier_id,
                found_on: input.found_on.clone(),
                closed_on: life.closed_on.clone(),
                review_due: life.review_due.clone(),
                reviewed_on: life.reviewed_on.clone(),
                reopen_count: life.reopen_count,
                created_by: actor.user_id,
                created_at: now,
                updated_at: now,
                ..ProblemRow::default()
            },
        )
        .await?;
        let found = Flow {
            problems_found: 1,
            ..Flow::ZERO
        };
        // 报送后锁定: no new problem in a submitted period.
        crate::submissions::ensure_open(tx, &p.unit_path, &p.found_on).await?;
        stats::count(tx, &p.unit_path, &p.found_on, "", found).await?;
        if let Some(closed) = &p.closed_on {
            stats::count(tx, &p.unit_path, closed, "", SOLVED).await?;
        }
        let open = stats::open_key(p.status.code(), p.deadline.as_deref());
        stats::open_changed(tx, &p.unit_path, None, open).await?;
        event(tx, actor, p.id, "create", None, p.status, None).await?;
        audit::append(
            tx,
            &self.cipher,
            actor,
            Change {
                action: "create",
                entity: "problem",
                entity_id: Some(p.id.to_string()),
                before: None,
                after: Some(serde_json::to_value(&p)?),
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
        if old.status == ProblemStatus::Closed
            && p.status != ProblemStatus::Closed
            && let Some(item) = p.item_id
        {
            self.revert_figures(&mut tx, actor, id, item).await?;
        }
        stats::open_changed(
            &mut tx,
            &p.unit_path,
            stats::open_key(old.status.code(), old.deadline.as_deref()),
            stats::open_key(p.status.code(), p.deadline.as_deref()),
        )
        .await?;
        if old.closed_on != p.closed_on {
            if let Some(d) = &old.closed_on {
                stats::count(&mut tx, &p.unit_path, d, "", SOLVED.negated()).await?;
            }
            if let Some(d) = &p.closed_on {
                stats::count(&mut tx, &p.unit_path, d, "", SOLVED).await?;
            }
        }
        event(&mut tx, actor, id, action, Some(old.status), p.status, note).await?;
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action,
                entity: "problem",
                entity_id: Some(id.to_string()),
                before: Some(serde_json::to_value(old.life_json())?),
                after: Some(serde_json::to_value(p.life_json())?),
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
