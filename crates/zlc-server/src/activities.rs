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
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zlc_domain::auth::{Permission, mask_name, mask_phone};
use zlc_domain::campaign::{
    ActivityFacts, ActivityStatus, CallbackFacts, FilingCheck, filing_check,
};
use zlc_domain::error::{self, Errors, FieldError};
use zlc_domain::kinds::{ActivityKind, Channel, Mode, Trigger};
use zlc_domain::registry::{NAME_MAX, TEXT_MAX, phone};
use zlc_store::campaign::{Activity, ActivityDetail, ActivityInput, CallbackInput};

/// 回访 as sent. A callback read back carries its `id`: sent again with it,
/// a `name` or `phone` left out, or equal to the masked value the caller was
/// shown, keeps the sealed original, so a record is saved again without
/// anyone retyping what they may not see. An empty `phone` clears it.
#[derive(Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct CallbackBody {
    /// The stored callback this one is (absent for a new one).
    pub id: Option<i64>,
    /// 回访对象: required for a new callback.
    pub name: Option<String>,
    pub phone: Option<String>,
    /// When the person was served (must lie in the policy's look-back window).
    pub served_on: Option<String>,
    pub called_on: String,
    pub valid: bool,
    /// 满意 / 基本满意 / 不满意
    pub satisfaction: Option<String>,
    pub remarks: Option<String>,
}

/// 回访 as answered: name and phone masked without `official:phone`.
#[derive(Serialize, ToSchema, Clone)]
pub struct CallbackOut {
    pub id: Option<i64>,
    /// 回访对象 (masked in answers without `official:phone`).
    pub name: String,
    pub phone: Option<String>,
    pub served_on: Option<String>,
    pub called_on: String,
    pub valid: bool,
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
    pub kind: ActivityKind,
    pub kind_label: String,
    pub mode: Mode,
    pub mode_label: String,
    pub channel: Option<Channel>,
    pub trigger: Trigger,
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
    pub status: ActivityStatus,
    pub filed_on: Option<String>,
    pub late: bool,
    pub callbacks: Vec<CallbackOut>,
    pub problem_count: i64,
    /// For a draft: whether it can be filed today, and what is missing.
    pub filing: Option<FilingOut>,
    /// What the record is called: date, unit and officials
    /// (`2024-03-05 区市场监督管理局 宋超`); the names below stand beside
    /// the ids above, in their order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub official_names: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_names: Option<Vec<String>>,
    /// The plan it fulfils, by date, half-day, unit and officials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_label: Option<String>,
}

/// Records as answered, with their names: [`out`] for each, the names of
/// their units, officials, items and plans looked up once for all.
pub async fn outs(
    s: &AppState,
    user: &CurrentUser,
    details: Vec<ActivityDetail>,
) -> ApiResult<Vec<ActivityOut>> {
    let st = &s.store;
    let units = st
        .unit_name_map(details.iter().map(|d| Some(d.activity.unit_id)))
        .await?;
    let officials = st
        .official_name_map(
            details
                .iter()
                .flat_map(|d| d.official_ids.iter().copied().map(Some)),
        )
        .await?;
    let items = st
        .item_name_map(
            details
                .iter()
                .flat_map(|d| d.item_ids.iter().copied().map(Some)),
        )
        .await?;
    let plans = st
        .plan_labels(details.iter().map(|d| d.activity.plan_id))
        .await?;
    let all = |m: &std::collections::HashMap<i64, String>, ids: &[i64]| -> Vec<String> {
        ids.iter()
            .map(|i| m.get(i).cloned().unwrap_or_default())
            .collect()
    };
    Ok(details
        .into_iter()
        .map(|d| {
            let mut o = out(s, user, d);
            let unit = units.get(&o.unit_id).cloned().unwrap_or_default();
            let names = all(&officials, &o.official_ids);
            o.label = Some(
                [o.date.as_str(), unit.as_str(), names.join("、").as_str()]
                    .iter()
                    .filter(|p| !p.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            o.unit_name = Some(unit);
            o.official_names = Some(names);
            o.item_names = Some(all(&items, &o.item_ids));
            o.plan_label = o.plan_id.and_then(|p| plans.get(&p).cloned());
            o
        })
        .collect())
}

/// One record as answered, with its names.
async fn one(s: &AppState, user: &CurrentUser, d: ActivityDetail) -> ApiResult<ActivityOut> {
    outs(s, user, vec![d])
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
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
        kind: a.kind,
        mode: a.mode,
        channel: a.channel,
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
    let filing = (d.activity.status == ActivityStatus::Draft)
        .then(|| check(s, &d, zlc_app::clock::today()))
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
        kind_label: a.kind.label_zh().into(),
        kind: a.kind,
        mode_label: a.mode.label_zh().into(),
        mode: a.mode,
        channel: a.channel,
        trigger: a.trigger_kind,
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
        status: a.status,
        filed_on: a.filed_on.clone(),
        late: a.late,
        callbacks: d
            .callbacks
            .iter()
            .map(|c| CallbackOut {
                id: c.id,
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
        label: None,
        unit_name: None,
        official_names: None,
        item_names: None,
        plan_label: None,
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
    pub kind: ActivityKind,
    pub mode: Mode,
    #[schema(example = "window")]
    pub channel: Option<Channel>,
    #[schema(example = "regular")]
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

/// The activity as sent, checked; `stored` are the callbacks it holds now
/// (in clear), which callbacks sent with their id stand for.
fn validate(b: &ActivityBody, stored: &[CallbackInput]) -> Result<ActivityInput, Errors> {
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
        let original = match c.id {
            Some(id) => match stored.iter().find(|s| s.id == Some(id)) {
                Some(o) => Some(o),
                None => {
                    errs.push(f("id"), "该回访记录不属于本活动，请刷新后重试");
                    continue;
                }
            },
            None => None,
        };
        // What the caller was shown (masked, or in clear) stands for the original.
        let name = match (c.name.as_deref(), original) {
            (None, Some(o)) => Some(o.name.clone()),
            (Some(n), Some(o)) if n.trim() == o.name || n.trim() == mask_name(&o.name) => {
                Some(o.name.clone())
            }
            (Some(n), _) if n.contains('*') => {
                // A masked value sent as a new name would seal the asterisks.
                errs.push(f("name"), "姓名含 * 号，像是脱敏显示的值，请填写完整姓名");
                None
            }
            (n, _) => errs.take(error::text(&f("name"), n.unwrap_or(""), NAME_MAX)),
        };
        let ph = match (c.phone.as_deref(), original) {
            (None, Some(o)) => o.phone.clone(),
            (Some(p), Some(o))
                if o.phone
                    .as_deref()
                    .is_some_and(|op| p.trim() == op || p.trim() == mask_phone(op)) =>
            {
                o.phone.clone()
            }
            (None, None) => None,
            (Some(p), _) if p.trim().is_empty() => None,
            (Some(p), _) => errs.take(phone(&f("phone"), p)).flatten(),
        };
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
                id: c.id,
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
    let f = q.filter(|x| ActivityStatus::parse(x).map(|a| a.code()))?;
    let page = s.store.list_activities(&user.scope, &f, &q.page()?).await?;
    let items = outs(&s, &user, s.store.activities_with_links(page.items).await?).await?;
    Ok(Json(ListOf {
        items,
        next_cursor: page.next_cursor,
        total: page.total,
        total_capped: page.total_capped,
    }))
}

#[utoipa::path(get, path = "/activities/{id}", params(("id" = i64, Path, description = "编号")), tag = "活动记录", responses((status = 200, body = ActivityOut)))]
async fn get_one(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<ActivityOut>> {
    user.require(Permission::ActivityRead)?;
    Ok(Json(
        one(&s, &user, s.store.activity(&user.scope, id).await?).await?,
    ))
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
    let input = validate(&b, &[])?;
    let d = s
        .store
        .save_activity(&user.actor(), &user.scope, None, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(one(&s, &user, d).await?)))
}

/// Replaces a draft record at the version read (a filed one is refused with 409).
#[utoipa::path(put, path = "/activities/{id}", params(("id" = i64, Path, description = "编号")), tag = "活动记录", request_body = ActivityBody, responses((status = 200, body = ActivityOut), (status = 409, body = crate::error::Problem)))]
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
    let current = s.store.activity(&user.scope, id).await?;
    let input = validate(&b, &current.callbacks)?;
    let d = s
        .store
        .save_activity(&user.actor(), &user.scope, Some((id, version)), &input)
        .await?;
    Ok(Json(one(&s, &user, d).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CheckQuery {
    /// The record being edited, if it is saved already (its problems count).
    pub id: Option<i64>,
}

/// 报备检查 of a form as it stands, saved or not: what would still keep it
/// from being filed today, each thing naming its field — the same rules as
/// filing, so the form can say 还缺 N 项 while it is being filled in.
#[utoipa::path(post, path = "/activities/filing-check", tag = "活动记录", params(CheckQuery), request_body = ActivityBody, responses((status = 200, body = FilingOut), (status = 422, body = crate::error::Problem)))]
async fn filing_check_draft(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<CheckQuery>,
    ApiJson(b): ApiJson<ActivityBody>,
) -> ApiResult<Json<FilingOut>> {
    user.require(Permission::ActivityWrite)?;
    let problems_recorded = match q.id {
        Some(id) => {
            usize::try_from(s.store.activity(&user.scope, id).await?.problem_count).unwrap_or(0)
        }
        None => 0,
    };
    let day = |v: &str| NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok();
    let date = day(&b.date).ok_or_else(|| {
        ApiError::field(
            "date",
            format!("「{}」不是有效日期，应为 2024-03-05 这样的格式", b.date),
        )
    })?;
    let facts = ActivityFacts {
        kind: b.kind,
        mode: b.mode,
        channel: b.channel,
        date,
        started: time("started", b.started.as_deref()).ok().flatten(),
        ended: time("ended", b.ended.as_deref()).ok().flatten(),
        steps_done: b
            .steps_done
            .iter()
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect(),
        checked_items: u32::try_from(b.checked_items).unwrap_or(0),
        callbacks: b
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
        visitors: u32::try_from(b.visitors).unwrap_or(0),
        official_count: b.official_ids.len(),
        problems_recorded,
    };
    let today = zlc_app::clock::today();
    Ok(Json(
        filing_check(&s.policy(), &s.calendar(), &facts, today).into(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileBody {
    pub version: i64,
}

/// 报备: refused (422) while the policy's requirements are unmet, each missing
/// thing named; accepted after the deadline but marked late.
#[utoipa::path(post, path = "/activities/{id}/file", params(("id" = i64, Path, description = "编号")), tag = "活动记录", request_body = FileBody, responses((status = 200, body = ActivityOut), (status = 422, body = crate::error::Problem)))]
async fn file(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    ApiJson(b): ApiJson<FileBody>,
) -> ApiResult<Json<ActivityOut>> {
    user.require(Permission::ActivityWrite)?;
    let d = s.store.activity(&user.scope, id).await?;
    if d.activity.status != ActivityStatus::Draft {
        return Err(ApiError::Conflict {
            detail: "活动已报备".into(),
            current_version: Some(d.activity.version),
        });
    }
    let today = zlc_app::clock::today();
    let c = check(&s, &d, today).ok_or_else(|| {
        ApiError::internal(format!("activity {id} holds values the rules cannot read"))
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
    Ok(Json(one(&s, &user, d).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, replace))
        .routes(routes!(file))
        .routes(routes!(filing_check_draft))
}
