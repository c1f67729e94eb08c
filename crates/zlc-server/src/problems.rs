//! 问题清单 the problem ledger and its life cycle (挂账销号, 回头看): each
//! transition is decided by the domain's rules from the active policy, checked
//! for the caller's role here, stored with a timeline step and an audit entry.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::ledgers::{CampaignQuery, date, opt_date};
use crate::{AppState, ListOf};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zlc_domain::auth::Permission;
use zlc_domain::campaign::{
    ProblemAction, ProblemState, allowed_actions, apply, is_overdue, new_problem,
};
use zlc_domain::error::{self, Errors};
use zlc_domain::kinds::{Disposition, ProblemStatus};
use zlc_domain::ledger::{ProblemCategory, ProblemSource};
use zlc_domain::registry::TEXT_MAX;
use zlc_store::campaign::{Problem, ProblemEvent, ProblemInput, ProblemLife, split_ids};
use zlc_store::names::{NameIds, Names};

fn day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The domain's view of a stored problem.
fn state(p: &Problem) -> ApiResult<ProblemState> {
    let bad = || {
        ApiError::internal(format!(
            "problem {} holds values the rules cannot read",
            p.id
        ))
    };
    Ok(ProblemState {
        status: p.status,
        disposition: p.disposition,
        found_on: day(&p.found_on).ok_or_else(bad)?,
        deadline: p.deadline.as_deref().and_then(day),
        handler_id: p.handler_id,
        measures: p.measures.clone(),
        effect: p.effect.clone(),
        evidence_count: u32::try_from(p.evidence_count).unwrap_or(0),
        escalated_to: p.escalated_to.clone(),
        closed_on: p.closed_on.as_deref().and_then(day),
        review_due: p.review_due.as_deref().and_then(day),
        reopen_count: u32::try_from(p.reopen_count).unwrap_or(0),
        verifier_id: p.verifier_id,
    })
}

fn life(
    s: &ProblemState,
    reviewed_on: Option<String>,
    figures_after: Option<String>,
) -> ProblemLife {
    ProblemLife {
        status: s.status,
        disposition: s.disposition,
        deadline: s.deadline.map(|d| d.to_string()),
        escalated_to: s.escalated_to.clone(),
        handler_id: s.handler_id,
        measures: s.measures.clone(),
        effect: s.effect.clone(),
        evidence_count: i64::from(s.evidence_count),
        verifier_id: s.verifier_id,
        closed_on: s.closed_on.map(|d| d.to_string()),
        review_due: s.review_due.map(|d| d.to_string()),
        reviewed_on,
        reopen_count: i64::from(s.reopen_count),
        figures_after,
    }
}

/// 问题
#[derive(Serialize, ToSchema)]
pub struct ProblemOut {
    pub id: i64,
    pub version: i64,
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
    pub disposition: Disposition,
    pub deadline: Option<String>,
    pub escalated_to: Option<String>,
    pub status: ProblemStatus,
    pub status_label: String,
    pub handler_id: Option<i64>,
    pub measures: Option<String>,
    pub effect: Option<String>,
    pub evidence_count: i64,
    pub verifier_id: Option<i64>,
    pub found_on: String,
    pub closed_on: Option<String>,
    pub review_due: Option<String>,
    pub reopen_count: i64,
    /// 整改后流程要素 claimed by the rectification, applied to the item when verified.
    pub figures_after: Option<crate::items::Figures>,
    pub overdue: bool,
    /// The next actions the caller may take: start, submit, verify, reject, review, set-deadline.
    pub allowed_actions: Vec<String>,
    /// The names beside the ids above: units, the activity (date, unit,
    /// officials), the item, the handler's and verifier's display names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub names: Option<ProblemNames>,
}

/// 名称 what a problem's ids stand for.
#[derive(Serialize, ToSchema, Clone, Default)]
pub struct ProblemNames {
    pub unit: String,
    pub section: Option<String>,
    pub other_units: Vec<String>,
    pub activity: Option<String>,
    pub item: Option<String>,
    pub handler: Option<String>,
    pub verifier: Option<String>,
}

/// Problems as answered, with their names looked up once for all.
pub async fn outs(
    s: &AppState,
    user: &CurrentUser,
    problems: Vec<Problem>,
) -> ApiResult<Vec<ProblemOut>> {
    let names = s
        .store
        .names(NameIds {
            units: problems
                .iter()
                .flat_map(|p| {
                    let mut v = vec![Some(p.unit_id), p.section_id];
                    v.extend(split_ids(&p.other_units).into_iter().map(Some));
                    v
                })
                .collect(),
            items: problems.iter().map(|p| p.item_id).collect(),
            users: problems
                .iter()
                .flat_map(|p| [p.handler_id, p.verifier_id])
                .collect(),
            activities: problems.iter().map(|p| p.activity_id).collect(),
            ..NameIds::default()
        })
        .await?;
    let Names {
        units,
        items,
        users,
        activities,
        ..
    } = names;
    problems
        .into_iter()
        .map(|p| {
            let unit = |id: i64| units.get(&id).cloned().unwrap_or_default();
            let names = ProblemNames {
                unit: unit(p.unit_id),
                section: p.section_id.map(unit),
                other_units: split_ids(&p.other_units).into_iter().map(unit).collect(),
                activity: p.activity_id.and_then(|a| activities.get(&a).cloned()),
                item: p.item_id.and_then(|i| items.get(&i).cloned()),
                handler: p.handler_id.and_then(|u| users.get(&u).cloned()),
                verifier: p.verifier_id.and_then(|u| users.get(&u).cloned()),
            };
            let mut o = out(s, user, p)?;
            o.names = Some(names);
            Ok(o)
        })
        .collect()
}

/// One problem as answered, with its names.
async fn one(s: &AppState, user: &CurrentUser, p: Problem) -> ApiResult<ProblemOut> {
    outs(s, user, vec![p])
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
}

pub fn out(s: &AppState, user: &CurrentUser, p: Problem) -> ApiResult<ProblemOut> {
    let st = state(&p)?;
    let today = zlc_app::clock::today();
    let actions = allowed_actions(
        &s.policy(),
        &st,
        user.id,
        user.can(Permission::ProblemHandle),
        user.can(Permission::ProblemVerify),
    );
    Ok(ProblemOut {
        overdue: is_overdue(&st, today),
        allowed_actions: actions.into_iter().map(str::to_string).collect(),
        status_label: st.status.label_zh().into(),
        other_units: split_ids(&p.other_units),
        id: p.id,
        version: p.version,
        unit_id: p.unit_id,
        section_id: p.section_id,
        activity_id: p.activity_id,
        item_id: p.item_id,
        source: p.source,
        category: p.category,
        description: p.description,
        cause: p.cause,
        urgent: p.urgent,
        disposition: p.disposition,
        deadline: p.deadline,
        escalated_to: p.escalated_to,
        status: p.status,
        handler_id: p.handler_id,
        measures: p.measures,
        effect: p.effect,
        evidence_count: p.evidence_count,
        verifier_id: p.verifier_id,
        found_on: p.found_on,
        closed_on: p.closed_on,
        review_due: p.review_due,
        reopen_count: p.reopen_count,
        figures_after: p
            .figures_after
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok()),
        names: None,
    })
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProblemBody {
    /// 责任单位
    pub unit_id: i64,
    /// 责任科室
    pub section_id: Option<i64>,
    /// The walk that found it; none for 12345, 好差评, 信访, 巡视巡察, 审计 …
    pub activity_id: Option<i64>,
    pub item_id: Option<i64>,
    pub source: ProblemSource,
    pub category: ProblemCategory,
    pub description: String,
    pub cause: Option<String>,
    /// 急难愁盼
    #[serde(default)]
    pub urgent: bool,
    #[serde(default)]
    pub other_units: Vec<i64>,
    pub disposition: Disposition,
    /// YYYY-MM-DD; 限期整改 without one gets the policy's default.
    pub deadline: Option<String>,
    /// 需上级统筹: the higher authority.
    pub escalated_to: Option<String>,
    /// YYYY-MM-DD (default: today)
    pub found_on: Option<String>,
}

#[utoipa::path(get, path = "/problems", tag = "问题清单", params(CampaignQuery), responses((status = 200, body = ListOf<ProblemOut>)))]
async fn list(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<CampaignQuery>,
) -> ApiResult<Json<ListOf<ProblemOut>>> {
    user.require(Permission::ProblemRead)?;
    let f = q.filter(|x| ProblemStatus::parse(x).map(|p| p.code()))?;
    let page = s.store.list_problems(&user.scope, &f, &q.page()?).await?;
    let items = outs(&s, &user, page.items).await?;
    Ok(Json(ListOf {
        items,
        next_cursor: page.next_cursor,
        total: page.total,
        total_capped: page.total_capped,
    }))
}

#[utoipa::path(get, path = "/problems/{id}", params(("id" = i64, Path, description = "编号")), tag = "问题清单", responses((status = 200, body = ProblemOut)))]
async fn get_one(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<ProblemOut>> {
    user.require(Permission::ProblemRead)?;
    Ok(Json(
        one(&s, &user, s.store.problem(&user.scope, id).await?).await?,
    ))
}

#[utoipa::path(post, path = "/problems", tag = "问题清单", request_body = ProblemBody, responses((status = 201, body = ProblemOut), (status = 422, body = crate::error::Problem)))]
async fn create(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<ProblemBody>,
) -> ApiResult<(StatusCode, Json<ProblemOut>)> {
    user.require(Permission::ProblemWrite)?;
    let mut errs = Errors::default();
    let description = errs.take(error::text("description", &b.description, TEXT_MAX));
    let cause = errs
        .take(error::optional_text(
            "cause",
            b.cause.as_deref().unwrap_or(""),
            TEXT_MAX,
        ))
        .flatten();
    let escalated = errs
        .take(error::optional_text(
            "escalated_to",
            b.escalated_to.as_deref().unwrap_or(""),
            100,
        ))
        .flatten();
    let deadline = errs
        .take(opt_date("deadline", b.deadline.as_deref()))
        .flatten()
        .and_then(|d| day(&d));
    let found_on = match b.found_on.as_deref() {
        Some(f) => errs.take(date("found_on", f)),
        None => Some(zlc_app::clock::today()),
    };
    errs.into_result()?;
    let found_on = found_on.unwrap_or_default();
    let st = new_problem(
        &s.policy(),
        &s.calendar(),
        b.disposition,
        found_on,
        deadline,
        escalated,
    )?;
    let input = ProblemInput {
        unit_id: b.unit_id,
        section_id: b.section_id,
        activity_id: b.activity_id,
        item_id: b.item_id,
        source: b.source,
        category: b.category,
        description: description.unwrap_or_default(),
        cause,
        urgent: b.urgent,
        other_units: b.other_units,
        found_on: found_on.to_string(),
    };
    let p = s
        .store
        .create_problem(&user.actor(), &user.scope, &input, &life(&st, None, None))
        .await?;
    Ok((StatusCode::CREATED, Json(one(&s, &user, p).await?)))
}

/// One step of the life cycle.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionBody {
    pub version: i64,
    /// start | submit | verify | reject | review | set-deadline
    pub action: String,
    /// start: the handler's account (default: the caller).
    pub handler_id: Option<i64>,
    /// submit: 整改措施
    pub measures: Option<String>,
    /// submit: 整改效果
    pub effect: Option<String>,
    /// submit: 佐证材料, one line each (photos before and after, documents).
    #[serde(default)]
    pub evidence: Vec<String>,
    /// reject: why.
    pub reason: Option<String>,
    /// review (回头看): whether the fix holds.
    pub holds: Option<bool>,
    pub note: Option<String>,
    /// set-deadline: YYYY-MM-DD
    pub deadline: Option<String>,
    /// submit: the service item's process figures after the rectification
    /// (要件、时限、环节、跑动); applied to the item when verified.
    pub figures: Option<crate::items::Figures>,
}

/// 整改操作: applies one transition, refused (409/422) with the reason when the
/// rules or the caller's role do not allow it.
#[utoipa::path(post, path = "/problems/{id}/actions", params(("id" = i64, Path, description = "编号")), tag = "问题清单", request_body = ActionBody,
    responses((status = 200, body = ProblemOut), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn act(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    ApiJson(b): ApiJson<ActionBody>,
) -> ApiResult<Json<ProblemOut>> {
    user.require(Permission::ProblemRead)?;
    let p = s.store.problem(&user.scope, id).await?;
    if p.version != b.version {
        // Judged on what the caller saw: someone else moved first.
        return Err(zlc_store::StoreError::Stale { current: p.version }.into());
    }
    let today = zlc_app::clock::today();
    let text = |field: &str, v: &Option<String>| {
        error::optional_text(field, v.as_deref().unwrap_or(""), TEXT_MAX)
    };
    let action = match b.action.as_str() {
        "start" => {
            user.require(Permission::ProblemHandle)?;
            ProblemAction::Start {
                handler_id: b.handler_id.unwrap_or(user.id),
            }
        }
        "submit" => {
            user.require(Permission::ProblemHandle)?;
            // Evidence: the attachments on the problem and any lines described.
            let lines = b
                .evidence
                .iter()
                .map(|e| e.trim())
                .filter(|e| !e.is_empty())
                .count();
            let files = s
                .store
                .attachment_count(zlc_domain::files::AttachmentOwner::Problem, id)
                .await?;
            let evidence = lines + usize::try_from(files).unwrap_or(0);
            ProblemAction::Submit {
                by: user.id,
                measures: text("measures", &b.measures)?,
                effect: text("effect", &b.effect)?,
                evidence_count: u32::try_from(evidence).unwrap_or(u32::MAX),
                today,
            }
        }
        "verify" => {
            user.require(Permission::ProblemVerify)?;
            ProblemAction::Verify {
                verifier_id: user.id,
                today,
            }
        }
        "reject" => {
            user.require(Permission::ProblemVerify)?;
            ProblemAction::Reject {
                reason: text("reason", &b.reason)?.unwrap_or_default(),
            }
        }
        "review" => {
            user.require(Permission::ProblemVerify)?;
            let holds = b
                .holds
                .ok_or_else(|| ApiError::field("holds", "回头看须说明整改是否巩固（holds）"))?;
            ProblemAction::Review {
                holds,
                today,
                note: text("note", &b.note)?,
            }
        }
        "set-deadline" => {
            user.require(Permission::ProblemVerify)?;
            let d = b
                .deadline
                .as_deref()
                .ok_or_else(|| ApiError::field("deadline", "缺少必填字段"))?;
            ProblemAction::SetDeadline {
                deadline: date("deadline", d)?,
            }
        }
        other => {
            return Err(ApiError::field(
                "action",
                format!(
                    "未知的操作「{other}」，可选：start、submit、verify、reject、review、set-deadline"
                ),
            ));
        }
    };
    // Errors on what the caller sent name its field (422); errors on who acts
    // or on the problem's state (the verifier, the day) are conflicts (409).
    const SERVER_SUPPLIED: [&str; 3] = ["verifier_id", "by", "today"];
    let next =
        apply(&s.policy(), &s.calendar(), &state(&p)?, &action).map_err(|e| match e.field {
            Some(f) if !SERVER_SUPPLIED.contains(&f.as_str()) => ApiError::field(&f, e.message),
            _ => ApiError::Conflict {
                detail: e.message,
                current_version: Some(p.version),
            },
        })?;
    let reviewed_on = if matches!(action, ProblemAction::Review { .. }) {
        Some(today.to_string())
    } else {
        p.reviewed_on.clone()
    };
    let note = match &action {
        ProblemAction::Reject { reason } => Some(reason.clone()),
        ProblemAction::Review { note, .. } => note.clone(),
        ProblemAction::Submit { .. } if !b.evidence.is_empty() => {
            Some(format!("佐证材料：{}", b.evidence.join("；")))
        }
        _ => b.note.clone(),
    };
    // Figures travel with the submission and take effect on verification.
    let verifying = matches!(action, ProblemAction::Verify { .. });
    let figures_after = match (&action, b.figures) {
        (ProblemAction::Submit { .. }, Some(f)) => {
            if p.item_id.is_none() {
                return Err(ApiError::field(
                    "figures",
                    "问题未关联服务事项，不能记录流程要素",
                ));
            }
            let pf: zlc_domain::registry::ProcessFigures = f.into();
            pf.validate("figures")?;
            Some(serde_json::to_string(&pf).map_err(ApiError::internal)?)
        }
        (_, Some(_)) => return Err(ApiError::field("figures", "只有提交整改时可以记录流程要素")),
        _ => p.figures_after.clone(),
    };
    let stored_figures = if verifying {
        None
    } else {
        figures_after.clone()
    };
    let mut new_life = life(&next, reviewed_on, stored_figures);
    // The store applies the figures, then clears them, in one transaction.
    if verifying {
        new_life.figures_after = figures_after;
    }
    let p = s
        .store
        .transition_problem(
            &user.actor(),
            &user.scope,
            id,
            b.version,
            action.code(),
            &new_life,
            note.as_deref(),
            verifying,
        )
        .await?;
    Ok(Json(one(&s, &user, p).await?))
}

/// 整改过程
#[derive(Serialize, ToSchema)]
pub struct EventOut {
    pub at: i64,
    /// The account's login name.
    pub actor: String,
    /// The account's display name (姓名), as the timeline shows it.
    pub actor_name: String,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: Option<String>,
}

impl From<ProblemEvent> for EventOut {
    fn from(e: ProblemEvent) -> Self {
        EventOut {
            at: e.at,
            actor_name: e.actor.clone(),
            actor: e.actor,
            action: e.action,
            from_status: e.from_status,
            to_status: e.to_status,
            note: e.note,
        }
    }
}

/// The full history of a problem, oldest first.
#[utoipa::path(get, path = "/problems/{id}/timeline", params(("id" = i64, Path, description = "编号")), tag = "问题清单", responses((status = 200, body = Vec<EventOut>)))]
async fn timeline(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Vec<EventOut>>> {
    user.require(Permission::ProblemRead)?;
    let events = s.store.problem_events(&user.scope, id).await?;
    let names = s
        .store
        .user_names_by_login(events.iter().map(|e| e.actor.clone()))
        .await?;
    Ok(Json(
        events
            .into_iter()
            .map(|e| {
                let name = names.get(&e.actor).cloned();
                let mut o = EventOut::from(e);
                o.actor_name = name.unwrap_or_else(|| crate::admin::actor_label(&o.actor));
                o
            })
            .collect(),
    ))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one))
        .routes(routes!(act))
        .routes(routes!(timeline))
}
