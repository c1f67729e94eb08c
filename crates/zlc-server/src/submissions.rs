//! 报送 the lead office's board of who has handed in which report of a
//! period (seed 003 四(二) 五(二), seed 001 六(三)), the unit's submission,
//! 催报 to every unit still missing, and 退回 with a reason.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery, Id};
use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zlc_domain::auth::Permission;
use zlc_domain::error::FieldError;
use zlc_domain::period::Period;
use zlc_domain::policy::DueItem;
use zlc_store::submissions::Submission;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BoardQuery {
    /// The report's code in the policy's `[[reports]]`, e.g. `quarterly-lists`.
    pub report: String,
    /// The period it covers, of the report's kind: `2024Q3`, `2024-09`.
    pub period: String,
}

/// 报送状态 one unit's row on the board.
#[derive(Serialize, ToSchema)]
pub struct BoardRow {
    pub unit_id: i64,
    pub unit_name: String,
    /// not-submitted | submitted | late | returned
    pub status: String,
    /// 未报送 / 已报送 / 逾期报送 / 已退回
    pub status_label: String,
    /// Past the due date and still not in.
    pub overdue: bool,
    pub submission_id: Option<i64>,
    pub version: Option<i64>,
    /// Milliseconds since the epoch.
    pub submitted_at: Option<i64>,
    pub returned_reason: Option<String>,
}

/// 报送情况 one report of one period, every unit in the caller's scope.
#[derive(Serialize, ToSchema)]
pub struct BoardOut {
    pub report: String,
    pub report_name: String,
    pub period: String,
    pub period_label: String,
    pub due: NaiveDate,
    /// 报送对象.
    pub to: Option<String>,
    pub rows: Vec<BoardRow>,
    pub not_submitted: usize,
    pub submitted: usize,
    pub late: usize,
    pub returned: usize,
    /// The reports the policy names, to choose from: code → name.
    pub reports: BTreeMap<String, String>,
}

/// The report of the active policy named `code`, `raw` read as one of its
/// periods, and its due date then.
fn report_and_period(
    s: &AppState,
    code: &str,
    raw: &str,
) -> ApiResult<(DueItem, Period, NaiveDate)> {
    Ok(zlc_app::reports::report_due(&s.policy(), code, raw)?)
}

fn row_of(unit_id: i64, unit_name: String, sub: Option<&Submission>, overdue: bool) -> BoardRow {
    let (status, label) = match sub {
        None => ("not-submitted", "未报送"),
        Some(s) if s.status == "returned" => ("returned", "已退回"),
        Some(s) if s.late => ("late", "逾期报送"),
        Some(_) => ("submitted", "已报送"),
    };
    BoardRow {
        unit_id,
        unit_name,
        status: status.into(),
        status_label: label.into(),
        overdue: overdue && matches!(status, "not-submitted" | "returned"),
        submission_id: sub.map(|s| s.id),
        version: sub.map(|s| s.version),
        submitted_at: sub.map(|s| s.submitted_at),
        returned_reason: sub.and_then(|s| s.returned_reason.clone()),
    }
}

/// Every unit's status for one report of one period.
#[utoipa::path(get, path = "/submissions", params(BoardQuery), tag = "督办", responses((status = 200, body = BoardOut), (status = 422)))]
async fn board(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<BoardQuery>,
) -> ApiResult<Json<BoardOut>> {
    user.require(Permission::ReportRead)?;
    let (item, period, due) = report_and_period(&s, &q.report, &q.period)?;
    let today = zlc_app::clock::today();
    let units = s.store.reporting_units(&user.scope).await?;
    let subs: BTreeMap<i64, Submission> = s
        .store
        .submissions_of(&user.scope, &item.code, period)
        .await?
        .into_iter()
        .map(|x| (x.unit_id, x))
        .collect();
    let rows: Vec<BoardRow> = units
        .into_iter()
        .map(|u| row_of(u.id, u.name, subs.get(&u.id), today > due))
        .collect();
    let count = |st: &str| rows.iter().filter(|r| r.status == st).count();
    Ok(Json(BoardOut {
        not_submitted: count("not-submitted"),
        submitted: count("submitted"),
        late: count("late"),
        returned: count("returned"),
        reports: s
            .policy()
            .reports
            .iter()
            .map(|r| (r.code.clone(), r.name.clone()))
            .collect(),
        report: item.code,
        report_name: item.name,
        period: period.to_string(),
        period_label: period.label_zh(),
        due,
        to: item.to,
        rows,
    }))
}

/// 报送 a unit's package.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitBody {
    pub unit_id: i64,
    pub report: String,
    pub period: String,
}

/// The unit hands in its package of the period: refused, naming what is
/// missing, while a walk of the period is unfiled or an open problem has no
/// deadline (or no section, where the unit has sections). Its records of
/// the period are then locked until the lead office returns it.
#[utoipa::path(post, path = "/submissions", request_body = SubmitBody, tag = "督办", responses((status = 200, body = BoardRow), (status = 409), (status = 422)))]
async fn submit(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<SubmitBody>,
) -> ApiResult<Json<BoardRow>> {
    user.require(Permission::ProblemWrite)?;
    let (item, period, due) = report_and_period(&s, &b.report, &b.period)?;
    let submit = zlc_store::submissions::Submit {
        report: &item.code,
        period,
        due,
        today: zlc_app::clock::today(),
    };
    let sub = s
        .store
        .submit_package(&user.actor(), &user.scope, b.unit_id, &submit)
        .await?;
    let name = unit_name(&s, &user, b.unit_id).await?;
    Ok(Json(row_of(b.unit_id, name, Some(&sub), false)))
}

/// 退回 with its reason.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnBody {
    pub version: i64,
    pub reason: String,
}

/// The lead office returns a package; the unit's accounts are told why and
/// its records of the period are open again.
#[utoipa::path(post, path = "/submissions/{id}/return", params(("id" = i64, Path, description = "编号")), request_body = ReturnBody, tag = "督办", responses((status = 200, body = BoardRow), (status = 404), (status = 409), (status = 422)))]
async fn return_one(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    ApiJson(b): ApiJson<ReturnBody>,
) -> ApiResult<Json<BoardRow>> {
    user.require(Permission::FindingReview)?;
    let reason = b.reason.trim();
    if reason.chars().count() < 4 {
        return Err(FieldError::new("reason", "请写明退回原因（至少 4 个字）").into());
    }
    let sub = s
        .store
        .return_package(&user.actor(), &user.scope, id, b.version, reason)
        .await?;
    let name = unit_name(&s, &user, sub.unit_id).await?;
    let report = s
        .policy()
        .reports
        .iter()
        .find(|r| r.code == sub.report_code)
        .map_or(sub.report_code.clone(), |r| r.name.clone());
    let period = Period::parse(&sub.period).map_or(sub.period.clone(), |p| p.label_zh());
    tell_unit(
        &s,
        &submitters(&s).await?,
        sub.unit_id,
        "return",
        &format!("退回：{period}{report}"),
        &format!("退回原因：{reason}。请修改后重新报送。"),
        &format!(
            "/submissions?report={}&period={}",
            sub.report_code, sub.period
        ),
    )
    .await?;
    Ok(Json(row_of(sub.unit_id, name, Some(&sub), false)))
}

/// 催报 for one report of one period.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UrgeBody {
    pub report: String,
    pub period: String,
}

/// 催报 what was sent.
#[derive(Serialize, ToSchema)]
pub struct UrgeOut {
    /// Units still missing (not submitted, or returned), each told.
    pub units: usize,
    /// Messages left, one per account of those units that can submit.
    pub messages: usize,
}

/// Urges every unit in scope that has not handed in (or was returned) at once.
#[utoipa::path(post, path = "/submissions/urge", request_body = UrgeBody, tag = "督办", responses((status = 200, body = UrgeOut), (status = 422)))]
async fn urge(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<UrgeBody>,
) -> ApiResult<Json<UrgeOut>> {
    user.require(Permission::FindingReview)?;
    let (item, period, due) = report_and_period(&s, &b.report, &b.period)?;
    let subs: BTreeMap<i64, String> = s
        .store
        .submissions_of(&user.scope, &item.code, period)
        .await?
        .into_iter()
        .map(|x| (x.unit_id, x.status))
        .collect();
    let missing: Vec<i64> = s
        .store
        .reporting_units(&user.scope)
        .await?
        .into_iter()
        .filter(|u| subs.get(&u.id).is_none_or(|st| st == "returned"))
        .map(|u| u.id)
        .collect();
    let title = format!("催报：{}{}", period.label_zh(), item.name);
    let body = format!(
        "请于 {} 前报送{}。",
        due.format("%Y年%-m月%-d日"),
        item.to
            .as_deref()
            .map(|t| format!("至{t}"))
            .unwrap_or_default()
    );
    let link = format!("/submissions?report={}&period={period}", item.code);
    let submitters = submitters(&s).await?;
    let mut messages = 0;
    for unit in &missing {
        messages += tell_unit(&s, &submitters, *unit, "urge-report", &title, &body, &link).await?;
    }
    Ok(Json(UrgeOut {
        units: missing.len(),
        messages,
    }))
}

async fn unit_name(s: &AppState, user: &CurrentUser, unit: i64) -> ApiResult<String> {
    Ok(s.store
        .unit_names(&user.scope, &[unit])
        .await?
        .into_iter()
        .next()
        .map(|(_, n)| n)
        .unwrap_or_default())
}

/// The accounts that can hand in a unit's package, by unit: read once per
/// request, however many units are told.
async fn submitters(s: &AppState) -> ApiResult<BTreeMap<i64, Vec<i64>>> {
    let mut by_unit: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for r in s.store.recipients().await? {
        if let Some(u) = r.unit_id
            && r.permissions.contains(&Permission::ProblemWrite)
        {
            by_unit.entry(u).or_default().push(r.id);
        }
    }
    Ok(by_unit)
}

/// Leaves a message to every account of `unit` that can hand in its package.
async fn tell_unit(
    s: &AppState,
    submitters: &BTreeMap<i64, Vec<i64>>,
    unit: i64,
    kind: &str,
    title: &str,
    body: &str,
    link: &str,
) -> ApiResult<usize> {
    let to = submitters.get(&unit).map_or(&[][..], Vec::as_slice);
    let today = zlc_app::clock::today();
    s.store
        .send_messages(to, kind, title, body, Some(link), today)
        .await
        .map_err(ApiError::from)?;
    Ok(to.len())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(board, submit))
        .routes(routes!(return_one))
        .routes(routes!(urge))
}
