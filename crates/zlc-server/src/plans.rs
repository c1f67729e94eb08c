//! 计划 quarterly plans: draft, publish ahead (seed 003 四(一)), cancel with a
//! reason; each save answers the 扎堆 warnings of seed 004 二.1 (never refuses).

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::ledgers::{CampaignQuery, date};
use crate::{AppState, ListOf};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zlc_domain::auth::Permission;
use zlc_domain::campaign::{
    HalfDay, Place, PlanFacts, PlanStatus, check_plan, cluster_warnings, plan_outcome,
};
use zlc_domain::error::{self, Errors};
use zlc_domain::kinds::{ActivityKind, Mode, ProblemStatus};
use zlc_domain::ledger::ProblemCategory;
use zlc_domain::period::Period;
use zlc_store::campaign::{
    Plan, PlanDetail, PlanInput, PublicPlan, PublicRectification, region_of,
};
use zlc_store::{Page, PageRequest};

/// 扎堆提示
#[derive(Serialize, ToSchema)]
pub struct WarningOut {
    pub kind: String,
    pub other_plan_ids: Vec<i64>,
    /// The other plans by name (date, half-day, unit, officials), in the same order.
    pub other_plans: Vec<String>,
    pub message: String,
}

/// 计划
#[derive(Serialize, ToSchema)]
pub struct PlanOut {
    pub id: i64,
    pub version: i64,
    pub unit_id: i64,
    pub region_id: i64,
    pub official_ids: Vec<i64>,
    pub item_ids: Vec<i64>,
    pub kind: ActivityKind,
    pub kind_label: String,
    pub mode: Option<Mode>,
    pub date: String,
    pub slot: HalfDay,
    pub place: Place,
    pub window_unit_id: Option<i64>,
    /// 备注: internal, never on the public page.
    pub place_note: Option<String>,
    /// Stored status: draft, submitted (待发布), published, cancelled, done.
    pub status: PlanStatus,
    pub status_label: String,
    /// Plan versus actual: a published plan whose date passed unmatched is `missed`.
    pub outcome: String,
    pub outcome_label: String,
    pub cancel_reason: Option<String>,
    pub activity_id: Option<i64>,
    pub warnings: Vec<WarningOut>,
    /// The names beside the ids above: the unit's, the window unit's, each
    /// official's and item's (in the order of their ids), the activity's.
    pub unit_name: String,
    pub window_unit_name: Option<String>,
    pub official_names: Vec<String>,
    pub item_names: Vec<String>,
    /// The activity that fulfilled the plan: date, unit and officials.
    pub activity_label: Option<String>,
}

/// The names plans answer beside their ids, looked up once for a page.
#[derive(Default)]
struct Names {
    units: HashMap<i64, String>,
    officials: HashMap<i64, String>,
    items: HashMap<i64, String>,
    activities: HashMap<i64, String>,
}

impl Names {
    async fn of(s: &AppState, plans: &[PlanDetail]) -> ApiResult<Names> {
        let st = &s.store;
        Ok(Names {
            units: st
                .unit_name_map(
                    plans
                        .iter()
                        .flat_map(|d| [Some(d.plan.unit_id), d.plan.window_unit_id]),
                )
                .await?,
            officials: st
                .official_name_map(
                    plans
                        .iter()
                        .flat_map(|d| d.official_ids.iter().copied().map(Some)),
                )
                .await?,
            items: st
                .item_name_map(
                    plans
                        .iter()
                        .flat_map(|d| d.item_ids.iter().copied().map(Some)),
                )
                .await?,
            activities: st
                .activity_labels(plans.iter().map(|d| d.plan.activity_id))
                .await?,
        })
    }

    fn all(map: &HashMap<i64, String>, ids: &[i64]) -> Vec<String> {
        ids.iter()
            .map(|id| map.get(id).cloned().unwrap_or_default())
            .collect()
    }
}

fn facts(p: &Plan, official_ids: &[i64], label: &str) -> Option<PlanFacts> {
    Some(PlanFacts {
        id: p.id,
        region_id: p.region_id,
        official_ids: official_ids.to_vec(),
        kind: p.kind,
        mode: p.mode,
        date: NaiveDate::parse_from_str(&p.date, "%Y-%m-%d").ok()?,
        slot: p.slot,
        place: p.place,
        window_unit_id: p.window_unit_id,
        label: label.to_string(),
    })
}

/// One plan as answered, its names looked up.
async fn one_out(s: &AppState, d: PlanDetail, with_warnings: bool) -> ApiResult<PlanOut> {
    let names = Names::of(s, std::slice::from_ref(&d)).await?;
    plan_out(s, d, &names, with_warnings).await
}

async fn plan_out(
    s: &AppState,
    d: PlanDetail,
    names: &Names,
    with_warnings: bool,
) -> ApiResult<PlanOut> {
    let p = d.plan;
    let today = zlc_app::clock::today();
    let status = p.status;
    let outcome = match (status, NaiveDate::parse_from_str(&p.date, "%Y-%m-%d")) {
        (PlanStatus::Published, Ok(d)) => plan_outcome(d, today, p.activity_id.is_some()),
        _ => status,
    };
    let mut warnings = Vec::new();
    if with_warnings
        && status != PlanStatus::Cancelled
        && let Some(me) = facts(&p, &d.official_ids, "")
    {
        let policy = s.policy();
        let days = u64::from(policy.formalism.clustered_dates.within_days);
        let from = me
            .date
            .checked_sub_days(Days::new(days))
            .unwrap_or(me.date)
            .to_string();
        let to = me
            .date
            .checked_add_days(Days::new(days))
            .unwrap_or(me.date)
            .to_string();
        let near = s
            .store
            .plans_near(p.region_id, p.window_unit_id, &from, &to)
            .await?;
        let labels = s
            .store
            .plan_labels(near.iter().map(|o| Some(o.plan.id)))
            .await?;
        let others: Vec<PlanFacts> = near
            .iter()
            .filter_map(|o| {
                let label = labels.get(&o.plan.id).map_or("", String::as_str);
                facts(&o.plan, &o.official_ids, label)
            })
            .collect();
        warnings = cluster_warnings(&policy, &me, &others)
            .into_iter()
            .map(|w| WarningOut {
                kind: w.kind.code().into(),
                other_plan_ids: w.other_plan_ids,
                other_plans: w.other_plans,
                message: w.message,
            })
            .collect();
    }
    Ok(PlanOut {
        unit_name: names.units.get(&p.unit_id).cloned().unwrap_or_default(),
        window_unit_name: p.window_unit_id.and_then(|w| names.units.get(&w).cloned()),
        official_names: Names::all(&names.officials, &d.official_ids),
        item_names: Names::all(&names.items, &d.item_ids),
        activity_label: p
            .activity_id
            .and_then(|a| names.activities.get(&a).cloned()),
        status_label: status.label_zh().into(),
        id: p.id,
        version: p.version,
        unit_id: p.unit_id,
        region_id: p.region_id,
        official_ids: d.official_ids,
        item_ids: d.item_ids,
        kind_label: p.kind.label_zh().into(),
        kind: p.kind,
        mode: p.mode,
        date: p.date,
        slot: p.slot,
        place: p.place,
        window_unit_id: p.window_unit_id,
        place_note: p.place_note,
        status: p.status,
        outcome: outcome.code().into(),
        outcome_label: outcome.label_zh().into(),
        cancel_reason: p.cancel_reason,
        activity_id: p.activity_id,
        warnings,
    })
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    pub unit_id: i64,
    pub official_ids: Vec<i64>,
    pub kind: ActivityKind,
    #[schema(example = "window")]
    pub mode: Option<Mode>,
    /// YYYY-MM-DD
    pub date: String,
    pub slot: HalfDay,
    pub place: Place,
    pub window_unit_id: Option<i64>,
    pub place_note: Option<String>,
    #[serde(default)]
    pub item_ids: Vec<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanPatch {
    pub version: i64,
    pub unit_id: Option<i64>,
    pub official_ids: Option<Vec<i64>>,
    pub kind: Option<ActivityKind>,
    pub mode: Option<Mode>,
    pub date: Option<String>,
    pub slot: Option<HalfDay>,
    pub place: Option<Place>,
    pub window_unit_id: Option<i64>,
    pub place_note: Option<String>,
    pub item_ids: Option<Vec<i64>>,
}

async fn validate(s: &AppState, user: &CurrentUser, b: &PlanBody) -> ApiResult<PlanInput> {
    let mut errs = Errors::default();
    let d = errs.take(date("date", &b.date));
    let note = errs
        .take(error::optional_text(
            "place_note",
            b.place_note.as_deref().unwrap_or(""),
            200,
        ))
        .flatten();
    let unit = s
        .store
        .unit(&user.scope, b.unit_id)
        .await
        .map_err(|_| ApiError::field("unit_id", "单位不存在或不在您的数据范围内"))?;
    if let Some(d) = d {
        let f = PlanFacts {
            id: 0,
            region_id: region_of(&unit.path).unwrap_or(unit.id),
            official_ids: b.official_ids.clone(),
            kind: b.kind,
            mode: b.mode,
            date: d,
            slot: b.slot,
            place: b.place,
            window_unit_id: b.window_unit_id,
            label: String::new(),
        };
        if let Err(e) = check_plan(&s.policy(), &f) {
            errs.0.extend(e.0);
        }
    }
    errs.into_result()?;
    Ok(PlanInput {
        unit_id: b.unit_id,
        kind: b.kind,
        mode: b.mode,
        date: d.map(|d| d.to_string()).unwrap_or_default(),
        slot: b.slot,
        place: b.place,
        window_unit_id: b.window_unit_id,
        place_note: note,
        official_ids: b.official_ids.clone(),
        item_ids: b.item_ids.clone(),
    })
}

#[utoipa::path(get, path = "/plans", tag = "计划", params(CampaignQuery), responses((status = 200, body = ListOf<PlanOut>)))]
async fn list(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<CampaignQuery>,
) -> ApiResult<Json<ListOf<PlanOut>>> {
    user.require(Permission::PlanRead)?;
    let f = q.filter(|x| PlanStatus::parse(x).map(|p| p.code()))?;
    let page = s.store.list_plans(&user.scope, &f, &q.page()?).await?;
    let details = s.store.plans_with_links(page.items).await?;
    let names = Names::of(&s, &details).await?;
    let mut items = Vec::with_capacity(details.len());
    for d in details {
        items.push(plan_out(&s, d, &names, false).await?);
    }
    Ok(Json(ListOf {
        items,
        next_cursor: page.next_cursor,
        total: page.total,
        total_capped: page.total_capped,
    }))
}

#[utoipa::path(get, path = "/plans/{id}", params(("id" = i64, Path, description = "编号")), tag = "计划", responses((status = 200, body = PlanOut)))]
async fn get_one(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<PlanOut>> {
    user.require(Permission::PlanRead)?;
    let d = s.store.plan(&user.scope, id).await?;
    Ok(Json(one_out(&s, d, true).await?))
}

/// A new draft plan; the answer carries any 扎堆 warnings.
#[utoipa::path(post, path = "/plans", tag = "计划", request_body = PlanBody, responses((status = 201, body = PlanOut), (status = 422, body = crate::error::Problem)))]
async fn create(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<PlanBody>,
) -> ApiResult<(StatusCode, Json<PlanOut>)> {
    user.require(Permission::PlanWrite)?;
    let input = validate(&s, &user, &b).await?;
    let d = s
        .store
        .save_plan(&user.actor(), &user.scope, None, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(one_out(&s, d, true).await?)))
}

#[utoipa::path(patch, path = "/plans/{id}", params(("id" = i64, Path, description = "编号")), tag = "计划", request_body = PlanPatch, responses((status = 200, body = PlanOut), (status = 409, body = crate::error::Problem)))]
async fn update(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    ApiJson(b): ApiJson<PlanPatch>,
) -> ApiResult<Json<PlanOut>> {
    user.require(Permission::PlanWrite)?;
    let cur = s.store.plan(&user.scope, id).await?;
    let p = &cur.plan;
    let body = PlanBody {
        unit_id: b.unit_id.unwrap_or(p.unit_id),
        official_ids: b.official_ids.unwrap_or(cur.official_ids.clone()),
        kind: b.kind.unwrap_or(p.kind),
        mode: b.mode.or(p.mode),
        date: b.date.unwrap_or(p.date.clone()),
        slot: b.slot.unwrap_or(p.slot),
        place: b.place.unwrap_or(p.place),
        window_unit_id: b.window_unit_id.or(p.window_unit_id),
        place_note: b.place_note.or(p.place_note.clone()),
        item_ids: b.item_ids.unwrap_or(cur.item_ids.clone()),
    };
    let input = validate(&s, &user, &body).await?;
    let d = s
        .store
        .save_plan(&user.actor(), &user.scope, Some((id, b.version)), &input)
        .await?;
    Ok(Json(one_out(&s, d, true).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    pub version: i64,
    /// Required to cancel.
    pub reason: Option<String>,
}

/// 提交发布: the writer of a draft hands it to the publisher; it waits as
/// 待发布 (and may still be corrected) until published or cancelled.
#[utoipa::path(post, path = "/plans/{id}/submit", params(("id" = i64, Path, description = "编号")), tag = "计划", request_body = StatusBody, responses((status = 200, body = PlanOut), (status = 409, body = crate::error::Problem)))]
async fn submit(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    ApiJson(b): ApiJson<StatusBody>,
) -> ApiResult<Json<PlanOut>> {
    user.require(Permission::PlanWrite)?;
    s.store
        .set_plan_status(
            &user.actor(),
            &user.scope,
            id,
            b.version,
            &[PlanStatus::Draft],
            PlanStatus::Submitted,
            None,
            None,
        )
        .await?;
    Ok(Json(
        one_out(&s, s.store.plan(&user.scope, id).await?, true).await?,
    ))
}

/// The statuses a plan may be published from.
fn publishable() -> Vec<PlanStatus> {
    PlanStatus::ALL
        .iter()
        .copied()
        .filter(|p| p.is_publishable())
        .collect()
}

/// Publishes a draft or a plan waiting for publication: from now on it is
/// public and can no longer be edited.
#[utoipa::path(post, path = "/plans/{id}/publish", params(("id" = i64, Path, description = "编号")), tag = "计划", request_body = StatusBody, responses((status = 200, body = PlanOut), (status = 409, body = crate::error::Problem)))]
async fn publish(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    ApiJson(b): ApiJson<StatusBody>,
) -> ApiResult<Json<PlanOut>> {
    user.require(Permission::PlanPublish)?;
    s.store
        .set_plan_status(
            &user.actor(),
            &user.scope,
            id,
            b.version,
            &publishable(),
            PlanStatus::Published,
            None,
            None,
        )
        .await?;
    Ok(Json(
        one_out(&s, s.store.plan(&user.scope, id).await?, true).await?,
    ))
}

/// One plan of a batch, at the version read.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRef {
    pub id: i64,
    pub version: i64,
}

/// 批量发布
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishBody {
    pub plans: Vec<PlanRef>,
}

/// Most plans one batch publishes.
const PUBLISH_BATCH_MAX: usize = 200;

/// 批量发布: publishes several plans at once, all or none (a plan changed
/// meanwhile, or no longer publishable, refuses the batch and is named).
#[utoipa::path(post, path = "/plans/publish", tag = "计划", request_body = PublishBody, responses((status = 200, body = ListOf<PlanOut>), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn publish_batch(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<PublishBody>,
) -> ApiResult<Json<ListOf<PlanOut>>> {
    user.require(Permission::PlanPublish)?;
    if b.plans.is_empty() {
        return Err(ApiError::field("plans", "请选择要发布的计划"));
    }
    if b.plans.len() > PUBLISH_BATCH_MAX {
        return Err(ApiError::field(
            "plans",
            format!("一次最多发布 {PUBLISH_BATCH_MAX} 项计划"),
        ));
    }
    let mut refs: Vec<(i64, i64)> = b.plans.iter().map(|p| (p.id, p.version)).collect();
    refs.sort_unstable();
    refs.dedup_by_key(|r| r.0);
    let published = s
        .store
        .set_plans_status(
            &user.actor(),
            &user.scope,
            &refs,
            &publishable(),
            PlanStatus::Published,
            None,
            None,
        )
        .await?;
    let details = s.store.plans_with_links(published).await?;
    let names = Names::of(&s, &details).await?;
    let mut items = Vec::with_capacity(details.len());
    for d in details {
        items.push(plan_out(&s, d, &names, false).await?);
    }
    Ok(Json(ListOf {
        items,
        next_cursor: None,
        total: None,
        total_capped: false,
    }))
}

/// Cancels a plan, with a reason; a published one only by whoever may publish.
#[utoipa::path(post, path = "/plans/{id}/cancel", params(("id" = i64, Path, description = "编号")), tag = "计划", request_body = StatusBody, responses((status = 200, body = PlanOut), (status = 409, body = crate::error::Problem)))]
async fn cancel(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    ApiJson(b): ApiJson<StatusBody>,
) -> ApiResult<Json<PlanOut>> {
    user.require(Permission::PlanWrite)?;
    let reason = error::text("reason", b.reason.as_deref().unwrap_or(""), 200)?;
    let cur = s.store.plan(&user.scope, id).await?;
    if cur.plan.status == PlanStatus::Published {
        user.require(Permission::PlanPublish)?;
    }
    s.store
        .set_plan_status(
            &user.actor(),
            &user.scope,
            id,
            b.version,
            &[
                PlanStatus::Draft,
                PlanStatus::Submitted,
                PlanStatus::Published,
            ],
            PlanStatus::Cancelled,
            Some(&reason),
            None,
        )
        .await?;
    Ok(Json(
        one_out(&s, s.store.plan(&user.scope, id).await?, false).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PublicQuery {
    /// Unit id of a region (default: all).
    pub region: Option<i64>,
    /// `2024Q2`, `2024-05` … (default: the current quarter).
    #[param(
        pattern = r"^[0-9]{4}(H[12]|Q[1-4]|-(0[1-9]|1[0-2]))?$",
        example = "2026Q3"
    )]
    pub period: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Records per page, 1–200 (default 50).
    pub limit: Option<i64>,
}

/// 公示 published plans, readable without signing in: name, title, unit, date,
/// kind and items (seed 003 四(一)); never a phone number.
#[utoipa::path(get, path = "/public/plans", tag = "公示", params(PublicQuery), responses((status = 200, body = ListOf<PublicPlanOut>)))]
async fn public_plans(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<PublicQuery>,
) -> ApiResult<Json<Page<PublicPlanOut>>> {
    let period = match &q.period {
        Some(p) => Period::parse(p).map_err(|e| ApiError::field("period", e.to_string()))?,
        None => Period::quarter_of(zlc_app::clock::today()),
    };
    let plans = s
        .store
        .public_plans(
            q.region,
            &period.start().to_string(),
            &period.end().to_string(),
            &PageRequest::new(q.cursor.as_deref(), q.limit)?,
        )
        .await?;
    Ok(Json(plans.map(PublicPlanOut::from)))
}

/// 整改公示 rectification progress, readable without signing in: unit,
/// category, what was wrong, what was done, status and dates — no person.
#[utoipa::path(get, path = "/public/rectifications", tag = "公示", params(PublicQuery), responses((status = 200, body = ListOf<PublicRectificationOut>)))]
async fn public_rectifications(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<PublicQuery>,
) -> ApiResult<Json<Page<PublicRectificationOut>>> {
    let period = match &q.period {
        Some(p) => Period::parse(p).map_err(|e| ApiError::field("period", e.to_string()))?,
        None => Period::quarter_of(zlc_app::clock::today()),
    };
    let rows = s
        .store
        .public_rectifications(
            q.region,
            &period.start().to_string(),
            &period.end().to_string(),
            &PageRequest::new(q.cursor.as_deref(), q.limit)?,
        )
        .await?;
    Ok(Json(rows.map(PublicRectificationOut::from)))
}

/// 公示计划 what the public sees of a plan: never a phone number, never
/// the plan's internal note.
#[derive(Serialize, ToSchema)]
pub struct PublicPlanOut {
    pub id: i64,
    pub date: String,
    pub slot: HalfDay,
    pub kind: ActivityKind,
    pub place: Place,
    /// The hall or window unit visited.
    pub window_unit: Option<String>,
    pub unit: String,
    pub officials: Vec<PublicOfficialOut>,
    /// The service items to be walked.
    pub items: Vec<String>,
}

/// A plan's official, as the public sees them: name, title, unit.
#[derive(Serialize, ToSchema)]
pub struct PublicOfficialOut {
    pub name: String,
    pub title: String,
    pub unit: String,
}

impl From<PublicPlan> for PublicPlanOut {
    fn from(p: PublicPlan) -> Self {
        PublicPlanOut {
            id: p.id,
            date: p.date,
            slot: p.slot,
            kind: p.kind,
            place: p.place,
            window_unit: p.window_unit,
            unit: p.unit,
            officials: p
                .officials
                .into_iter()
                .map(|o| PublicOfficialOut {
                    name: o.name,
                    title: o.title,
                    unit: o.unit,
                })
                .collect(),
            items: p.items,
        }
    }
}

/// 整改公示 one rectification as the public sees it: the unit, what was
/// wrong and what was done — never who reported or handled it.
#[derive(Serialize, ToSchema)]
pub struct PublicRectificationOut {
    pub id: i64,
    pub unit: String,
    pub category: ProblemCategory,
    /// The category in Chinese.
    pub category_label: String,
    pub description: String,
    pub status: ProblemStatus,
    /// The status in Chinese (待整改 / 整改中 / 已销号 …).
    pub status_label: String,
    pub found_on: String,
    pub deadline: Option<String>,
    pub closed_on: Option<String>,
    pub measures: Option<String>,
    pub effect: Option<String>,
}

impl From<PublicRectification> for PublicRectificationOut {
    fn from(r: PublicRectification) -> Self {
        PublicRectificationOut {
            status_label: r.status.label_zh().into(),
            category_label: r.category.label_zh().into(),
            id: r.id,
            unit: r.unit,
            category: r.category,
            description: r.description,
            status: r.status,
            found_on: r.found_on,
            deadline: r.deadline,
            closed_on: r.closed_on,
            measures: r.measures,
            effect: r.effect,
        }
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(public_rectifications))
        .routes(routes!(list, create))
        .routes(routes!(get_one, update))
        .routes(routes!(submit))
        .routes(routes!(publish))
        .routes(routes!(publish_batch))
        .routes(routes!(cancel))
        .routes(routes!(public_plans))
}
