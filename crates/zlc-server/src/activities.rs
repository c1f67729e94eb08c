//! 活动记录 activity records: a draft until filed (报备); filing checks the
//! policy and says exactly what is missing; filing after the deadline is
//! allowed but marked late. Callbacks (回访) are personal data: sealed at rest,
//! masked in answers unless the caller may see them.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::ledgers::{CampaignQuery, date, opt_date};
use crate::{AppState, ListOf};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zlc_domain::auth::{Permission, mask_name, mask_phone};
use zlc_domain::campaign::{ActivityFacts, CallbackFacts, FilingCheck, filing_check};
use zlc_domain::error::{self, Errors, FieldError};
use zlc_domain::kinds::{ActivityKind, Channel, Mode, Trigger};
use zlc_domain::registry::{NAME_MAX, TEXT_MAX, phone};
use zlc_store::campaign::{Activity, ActivityDetail, ActivityInput, CallbackInput};

/// 回访
#[derive(Serialize, Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct CallbackBody {
    /// 回访对象 (masked in answers without `official:phone`).
    pub name: String,
    pub phone: Option<String>,
    /// When the person was served (must lie in the policy's look-back window).
    pub served_on: Option<String>,
    pub called_on: String,
    pub valid: bool,
    /// 满意 / 基本满意 / 不满意
    pub satisfaction: Option<String>,
    pub remarks: Option<String>,
}

/// 报备检查
#[derive(Serialize, ToSchema)]
pub struct FilingOut {
    pub can_file: bool,
    /// What keeps the record from being filed, each naming its field.
    pub missing: Vec<crate::error::ProblemField>,
    /// 报备截止日 (working days after the activity).
    pub due: String,
    pub late: bool,
}

impl From<FilingCheck> for FilingOut {
    fn from(c: FilingCheck) -> Self {
        FilingOut {
            can_file: c.can_file(),
            missing: c
                .missing
                .into_iter()
                .map(|b| crate::error::ProblemField {
                    field: b.field,
                    message: b.message,
                    ..Default::default()
                })
                .collect(),
            due: c.due.to_string(),
            late: c.late,
        }
    }
}

/// 活动记录
#[derive(Serialize, ToSchema)]
pub struct ActivityOut {
    pub id: i64,
    pub version: i64,
    pub unit_id: i64,
    pub plan_id: Option<i64>,
    pub official_ids: Vec<i64>,
    pub item_ids: Vec<i64>,
    pub kind: String,
    pub kind_label: String,
    pub mode: String,
    pub mode_label: String,
    pub channel: Option<String>,
    pub trigger: String,
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
    /// draft | filed
    pub status: String,
    pub filed_on: Option<String>,
    pub late: bool,
    pub callbacks: Vec<CallbackBody>,
    pub problem_count: i64,
    /// For a draft: whether it can be filed today, and what is missing.
    pub filing: Option<FilingOut>,
}

fn time(field: &str, s: Option<&str>) -> Result<Option<NaiveTime>, FieldError> {
    s.filter(|s| !s.trim().is_empty())
        .map(|s| {
            NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| {
                FieldError::new(field, format!("「{s}」不是有效时间，应为 09:00 这样的格式"))
            })
        })
        .transpose()
}

fn facts(a: &Activity, d: &ActivityDetail) -> Option<ActivityFacts> {
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    Some(ActivityFacts {
        kind: ActivityKind::parse(&a.kind)?,
        mode: Mode::parse(&a.mode)?,
        channel: a.channel.as_deref().and_then(Channel::parse),
        date: day(&a.date)?,
        started: time("started", a.started.as_deref()).ok().flatten(),
        ended: time("ended", a.ended.as_deref()).ok().flatten(),
        steps_done: a
            .steps_done
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        checked_items: u32::try_from(a.checked_items).unwrap_or(0),
        callbacks: d
            .callbacks
            .iter()
            .filter_map(|c| {
                Some(CallbackFacts {
                    valid: c.valid,
                    served_on: c.served_on.as_deref().and_then(day),
                    called_on: day(&c.called_on)?,
                })
            })
            .collect(),
        visitors: u32::try_from(a.visitors).unwrap_or(0),
        official_count: d.official_ids.len(),
        problems_recorded: usize::try_from(d.problem_count).unwrap_or(0),
    })
}

fn check(s: &AppState, d: &ActivityDetail, today: NaiveDate) -> Option<FilingCheck> {
    facts(&d.activity, d).map(|f| filing_check(&s.policy(), &s.calendar(), &f, today))
}

pub fn out(s: &AppState, user: &CurrentUser, d: ActivityDetail) -> ActivityOut {
    let full = user.can(Permission::OfficialPhone);
    let filing = (d.activity.status == "draft")
        .then(|| check(s, &d, chrono::Local::now().date_naive()))
        .flatten()
        .map(FilingOut::from);
    let a = &d.activity;
    ActivityOut {
        id: a.id,
        version: a.version,
        unit_id: a.unit_id,
        plan_id: a.plan_id,
        official_ids: d.official_ids.clone(),
        item_ids: d.item_ids.clone(),
        kind_label: ActivityKind::parse(&a.kind)
            .map(|k| k.label_zh().to_string())
            .unwrap_or_default(),
        kind: a.kind.clone(),
        mode_label: Mode::parse(&a.mode)
            .map(|k| k.label_zh().to_string())
            .unwrap_or_default(),
        mode: a.mode.clone(),
        channel: a.channel.clone(),
        trigger: a.trigger_kind.clone(),
        unannounced: a.unannounced,
        date: a.date.clone(),
        started: a.started.clone(),
        ended: a.ended.clone(),
        place: a.place.clone(),
        content: a.content.clone(),
        visitors: a.visitors,
        checked_items: a.checked_items,
        steps_done: a
            .steps_done
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        notes: a.notes.clone(),
        status: a.status.clone(),
        filed_on: a.filed_on.clone(),
        late: a.late,
        callbacks: d
            .callbacks
            .iter()
            .map(|c| CallbackBody {
                name: if full {
                    c.name.clone()
                } else {
                    mask_name(&c.name)
                },
                phone: c
                    .phone
                    .as_deref()
                    .map(|p| if full { p.to_string() } else { mask_phone(p) }),
                served_on: c.served_on.clone(),
                called_on: c.called_on.clone(),
                valid: c.valid,
                satisfaction: c.satisfaction.clone(),
                remarks: c.remarks.clone(),
            })
            .collect(),
        problem_count: d.problem_count,
        filing,
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityBody {
    /// Required to replace a draft (the version read); absent on create.
    pub version: Option<i64>,
    pub unit_id: i64,
    pub plan_id: Option<i64>,
    pub official_ids: Vec<i64>,
    #[serde(default)]
    pub item_ids: Vec<i64>,
    #[schema(value_type = String, example = "window")]
    pub kind: ActivityKind,
    #[schema(value_type = String, example = "window")]
    pub mode: Mode,
    #[schema(value_type = Option<String>, example = "window")]
    pub channel: Option<Channel>,
    #[schema(value_type = Option<String>, example = "regular")]
    pub trigger: Option<Trigger>,
    #[serde(default)]
    pub unannounced: bool,
    /// YYYY-MM-DD
    pub date: String,
    /// HH:MM
    pub started: Option<String>,
    pub ended: Option<String>,
    pub place: Option<String>,
    pub content: Option<String>,
    #[serde(default)]
    pub visitors: i64,
    #[serde(default)]
    pub checked_items: i64,
    /// Codes of the policy's sub-steps done.
    #[serde(default)]
    pub steps_done: Vec<String>,
    pub notes: Option<String>,
    #[serde(default)]
    pub callbacks: Vec<CallbackBody>,
}

fn validate(b: &ActivityBody) -> Result<ActivityInput, Errors> {
    let mut errs = Errors::default();
    let d = errs.take(date("date", &b.date));
    if b.mode.kind() != b.kind {
        errs.push(
            "mode",
            format!(
                "方式「{}」不属于活动类型「{}」",
                b.mode.label_zh(),
                b.kind.label_zh()
            ),
        );
    }
    let started = errs.take(time("started", b.started.as_deref())).flatten();
    let ended = errs.take(time("ended", b.ended.as_deref())).flatten();
    if let (Some(s), Some(e)) = (started, ended)
        && e <= s
    {
        errs.push("ended", "结束时间须晚于开始时间");
    }
    let place = errs
        .take(error::optional_text(
            "place",
            b.place.as_deref().unwrap_or(""),
            200,
        ))
        .flatten();
    let content = errs
        .take(error::optional_text(
            "content",
            b.content.as_deref().unwrap_or(""),
            TEXT_MAX,
        ))
        .flatten();
    let notes = errs
        .take(error::optional_text(
            "notes",
            b.notes.as_deref().unwrap_or(""),
            TEXT_MAX,
        ))
        .flatten();
    for (field, v) in [("visitors", b.visitors), ("checked_items", b.checked_items)] {
        if !(0..=100_000).contains(&v) {
            errs.push(field, "应在 0 到 100000 之间");
        }
    }
    let mut callbacks = Vec::new();
    for (i, c) in b.callbacks.iter().enumerate() {
        let f = |name: &str| format!("callbacks[{i}].{name}");
        let name = errs.take(error::text(&f("name"), &c.name, NAME_MAX));
        let ph = errs
            .take(
                c.phone
                    .as_deref()
                    .map_or(Ok(None), |p| phone(&f("phone"), p)),
            )
            .flatten();
        let served = errs
            .take(opt_date(&f("served_on"), c.served_on.as_deref()))
            .flatten();
        let called = errs.take(date(&f("called_on"), &c.called_on));
        let satisfaction = errs
            .take(error::optional_text(
                &f("satisfaction"),
                c.satisfaction.as_deref().unwrap_or(""),
                20,
            ))
            .flatten();
        let remarks = errs
            .take(error::optional_text(
                &f("remarks"),
                c.remarks.as_deref().unwrap_or(""),
                TEXT_MAX,
            ))
            .flatten();
        if let (Some(name), Some(called)) = (name, called) {
            callbacks.push(CallbackInput {
                name,
                phone: ph,
                served_on: served,
                called_on: called.to_string(),
                valid: c.valid,
                satisfaction,
                remarks,
            });
        }
    }
    errs.into_result()?;
    Ok(ActivityInput {
        unit_id: b.unit_id,
        plan_id: b.plan_id,
        kind: b.kind.code().into(),
        mode: b.mode.code().into(),
        channel: b.channel.map(|c| c.code().into()),
        trigger_kind: b.trigger.unwrap_or(Trigger::Regular).code().into(),
        unannounced: b.unannounced,
        date: d.map(|d| d.to_string()).unwrap_or_default(),
        started: started.map(|t| t.format("%H:%M").to_string()),
        ended: ended.map(|t| t.format("%H:%M").to_string()),
        place,
        content,
        visitors: b.visitors,
        checked_items: b.checked_items,
        steps_done: b
            .steps_done
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        notes,
        official_ids: b.official_ids.clone(),
        item_ids: b.item_ids.clone(),
        callbacks,
    })
}

#[utoipa::path(get, path = "/activities", tag = "活动记录", params(CampaignQuery), responses((status = 200, body = ListOf<ActivityOut>)))]
async fn list(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<CampaignQuery>,
) -> ApiResult<Json<ListOf<ActivityOut>>> {
    user.require(Permission::ActivityRead)?;
    let f = q.filter(|x| match x {
        "draft" | "草稿" => Some("draft"),
        "filed" | "已报备" => Some("filed"),
        _ => None,
    })?;
    let page = s.store.list_activities(&user.scope, &f, &q.page()?).await?;
    let items = s
        .store
        .activities_with_links(page.items)
        .await?
        .into_iter()
        .map(|d| out(&s, &user, d))
        .collect();
    Ok(Json(ListOf {
        items,
        next_cursor: page.next_cursor,
    }))
}

#[utoipa::path(get, path = "/activities/{id}", tag = "活动记录", responses((status = 200, body = ActivityOut)))]
async fn get_one(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<ActivityOut>> {
    user.require(Permission::ActivityRead)?;
    Ok(Json(out(
        &s,
        &user,
        s.store.activity(&user.scope, id).await?,
    )))
}

/// A new draft record.
#[utoipa::path(post, path = "/activities", tag = "活动记录", request_body = ActivityBody, responses((status = 201, body = ActivityOut), (status = 422, body = crate::error::Problem)))]
async fn create(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<ActivityBody>,
) -> ApiResult<(StatusCode, Json<ActivityOut>)> {
    user.require(Permission::ActivityWrite)?;
    if b.version.is_some() {
        return Err(ApiError::field("version", "新建记录不应带版本号"));
    }
    let input = validate(&b)?;
    let d = s
        .store
        .save_activity(&user.actor(), &user.scope, None, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(out(&s, &user, d))))
}

/// Replaces a draft record at the version read (a filed one is refused with 409).
#[utoipa::path(put, path = "/activities/{id}", tag = "活动记录", request_body = ActivityBody, responses((status = 200, body = ActivityOut), (status = 409, body = crate::error::Problem)))]
async fn replace(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    ApiJson(b): ApiJson<ActivityBody>,
) -> ApiResult<Json<ActivityOut>> {
    user.require(Permission::ActivityWrite)?;
    let version = b
        .version
        .ok_or_else(|| ApiError::field("version", "缺少必填字段"))?;
    let input = validate(&b)?;
    let d = s
        .store
        .save_activity(&user.actor(), &user.scope, Some((id, version)), &input)
        .await?;
    Ok(Json(out(&s, &user, d)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileBody {
    pub version: i64,
}

/// 报备: refused (422) while the policy's requirements are unmet, each missing
/// thing named; accepted after the deadline but marked late.
#[utoipa::path(post, path = "/activities/{id}/file", tag = "活动记录", request_body = FileBody, responses((status = 200, body = ActivityOut), (status = 422, body = crate::error::Problem)))]
async fn file(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    ApiJson(b): ApiJson<FileBody>,
) -> ApiResult<Json<ActivityOut>> {
    user.require(Permission::ActivityWrite)?;
    let d = s.store.activity(&user.scope, id).await?;
    if d.activity.status != "draft" {
        return Err(ApiError::Conflict {
            detail: "活动已报备".into(),
            current_version: Some(d.activity.version),
        });
    }
    let today = chrono::Local::now().date_naive();
    let c = check(&s, &d, today).ok_or_else(|| {
        ApiError::Internal(format!("activity {id} holds values the rules cannot read"))
    })?;
    if !c.can_file() {
        return Err(ApiError::Invalid(Errors(
            c.missing
                .into_iter()
                .map(|b| FieldError::new(b.field, b.message))
                .collect(),
        )));
    }
    let d = s
        .store
        .file_activity(
            &user.actor(),
            &user.scope,
            id,
            b.version,
            &today.to_string(),
            &c.due.to_string(),
            c.late,
        )
        .await?;
    Ok(Json(out(&s, &user, d)))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, replace))
        .routes(routes!(file))
}
