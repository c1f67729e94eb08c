//! 工作日历 the working-day calendar: view a year, and enter a year's
//! holidays and make-up workdays when the State Council announces them.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use axum::Json;
use axum::extract::State;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zlc_domain::auth::Permission;
use zlc_domain::calendar::{DayKind, SpecialDay, WorkCalendar};
use zlc_domain::error::{Errors, FieldError};

/// 特殊日
#[derive(Serialize, Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct DayBody {
    /// `2026-10-01`
    pub date: String,
    /// `holiday` (放假) or `workday` (调休上班).
    pub kind: String,
    /// The holiday it belongs to: 国庆节, 春节…
    pub holiday: String,
}

/// 一年的特殊日
#[derive(Serialize, ToSchema)]
pub struct YearOut {
    pub year: i32,
    /// Whether the calendar lists special days for this year; outside the
    /// covered years only weekends are days off.
    pub covered: bool,
    pub days: Vec<DayOut>,
}

#[derive(Serialize, ToSchema)]
pub struct DayOut {
    pub date: String,
    pub kind: String,
    pub kind_label: String,
    pub holiday: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct YearBody {
    pub year: i32,
    pub days: Vec<DayBody>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    /// Default: this year.
    pub year: Option<i32>,
}

fn year_out(cal: &WorkCalendar, year: i32) -> YearOut {
    let days: Vec<DayOut> = cal
        .year(year)
        .into_iter()
        .map(|d| DayOut {
            date: d.date.to_string(),
            kind: d.kind.code().into(),
            kind_label: d.kind.label_zh().into(),
            holiday: d.name.clone(),
        })
        .collect();
    YearOut {
        year,
        covered: !days.is_empty(),
        days,
    }
}

/// A year's special days.
#[utoipa::path(get, path = "/calendar", tag = "系统", params(YearQuery), responses((status = 200, body = YearOut)))]
async fn get_year(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<Json<YearOut>> {
    user.require(Permission::PolicyRead)?;
    let year = q.year.unwrap_or_else(|| zlc_app::clock::today().year());
    Ok(Json(year_out(&s.calendar(), year)))
}

/// Replaces a year's special days; deadlines count by them from now on.
#[utoipa::path(put, path = "/calendar", tag = "系统", request_body = YearBody, responses((status = 200, body = YearOut), (status = 422, body = crate::error::Problem)))]
async fn put_year(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<YearBody>,
) -> ApiResult<Json<YearOut>> {
    user.require(Permission::PolicyWrite)?;
    if !(2000..=2100).contains(&b.year) {
        return Err(ApiError::field("year", "年份应在 2000 至 2100 之间"));
    }
    let mut errs = Vec::new();
    let mut days = Vec::with_capacity(b.days.len());
    for (i, d) in b.days.iter().enumerate() {
        let date = NaiveDate::parse_from_str(d.date.trim(), "%Y-%m-%d").ok();
        let kind = DayKind::parse(d.kind.trim());
        if date.is_none() {
            errs.push(FieldError::new(
                format!("days[{i}].date"),
                format!("日期「{}」无效，应写作 2026-10-01", d.date),
            ));
        }
        if kind.is_none() {
            errs.push(FieldError::new(
                format!("days[{i}].kind"),
                format!(
                    "类型「{}」无效，应为 holiday（放假）或 workday（调休上班）",
                    d.kind
                ),
            ));
        }
        if let (Some(date), Some(kind)) = (date, kind) {
            days.push((
                i,
                SpecialDay {
                    date,
                    kind,
                    name: d.holiday.trim().to_string(),
                },
            ));
        }
    }
    if !errs.is_empty() {
        return Err(ApiError::Invalid(Errors(errs)));
    }
    let before = s.calendar();
    let list: Vec<SpecialDay> = days.iter().map(|(_, d)| d.clone()).collect();
    let next = before.with_year(b.year, &list).map_err(|(k, message)| {
        let i = days.get(k).map_or(k, |(i, _)| *i);
        ApiError::field(&format!("days[{i}].date"), message)
    })?;
    s.store
        .save_calendar_year(&user.actor(), b.year, &next, &before)
        .await?;
    let out = year_out(&next, b.year);
    s.set_calendar(next);
    Ok(Json(out))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_year, put_year))
}
