//! 统计 monthly and quarterly statistics of a region, in interface.md's shape.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use axum::Json;
use axum::extract::State;
use chrono::{Days, NaiveDate};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zlc_domain::auth::Permission;
use zlc_domain::kinds::ProblemStatus;
use zlc_domain::ledger::ProblemCategory;

use zlc_domain::period::{Period, PeriodKind};
use zlc_domain::policy::Policy;
use zlc_domain::registry::UnitKind;
use zlc_domain::report::{ByKind, Report, UnitRow, grade};
use zlc_store::registry::Unit;
use zlc_store::reports::Window;
use zlc_store::{Store, StoreError};

/// Counts the statistics of `region`'s subtree over `period`, as of `today`
/// (a problem is overdue when its deadline passed before the period's end, or
/// before today while the period is still running).
pub async fn build(
    store: &Store,
    policy: &Policy,
    region: &Unit,
    period: Period,
    today: NaiveDate,
) -> Result<Report, StoreError> {
    let day_after = period
        .end()
        .checked_add_days(Days::new(1))
        .unwrap_or(period.end());
    let w = Window {
        period,
        overdue_before: day_after.min(today).to_string(),
    };
    let totals = store.report_totals(region, &w).await?;
    let mut by_kind = ByKind::default();
    for (k, n) in &totals.by_kind {
        by_kind.add(*k, *n);
    }
    let (mut regions, mut departments) = (0, 0);
    let mut units = Vec::new();
    for child in store.children(region.id).await? {
        let c = store.report_unit(&child, &w).await?;
        if c.activities > 0 {
            match UnitKind::parse(&child.kind) {
                Some(UnitKind::Region) => regions += 1,
                Some(UnitKind::Department) => departments += 1,
                _ => {}
            }
        }
        let g = grade(policy, period, &c, 0);
        units.push(UnitRow {
            unit: child.name,
            activities: c.activities,
            problems_found: c.problems_found,
            problems_solved: c.problems_solved,
            overdue: c.overdue,
            grade: g.label_zh().to_string(),
        });
    }
    Ok(Report {
        period: period.to_string(),
        region: region.name.clone(),
        regions,
        departments,
        officials: totals.officials,
        activities: by_kind.total(),
        by_kind,
        visitors_received: totals.visitors,
        items_experienced: totals.items,
        problems_found: totals.problems_found,
        problems_solved: totals.problems_solved,
        needs: totals.needs,
        units,
        findings: Vec::new(),
    })
}

/// The unit a report is about: the one asked for (inside the caller's scope),
/// else the caller's own unit, else the first root.
pub async fn region_for(store: &Store, user: &CurrentUser, region: Option<i64>) -> ApiResult<Unit> {
    let id = match region.or(user.unit_id) {
        Some(id) => id,
        None => store
            .root_units()
            .await?
            .first()
            .map(|u| u.id)
            .ok_or(ApiError::NotFound)?,
    };
    Ok(store.unit(&user.scope, id).await?)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// `2024Q1` (quarterly) or `2024-03` (monthly).
    pub period: String,
    /// Unit id of the region (default: the caller's unit).
    pub region: Option<i64>,
}

fn period_of(raw: &str, kind: PeriodKind) -> ApiResult<Period> {
    let p = Period::parse(raw).map_err(|e| ApiError::field("period", e.to_string()))?;
    if p.kind() != kind {
        return Err(ApiError::field(
            "period",
            format!(
                "应为{}，如 {}",
                kind.label_zh(),
                if kind == PeriodKind::Month {
                    "2024-03"
                } else {
                    "2024Q1"
                }
            ),
        ));
    }
    Ok(p)
}

async fn report(
    s: &AppState,
    user: &CurrentUser,
    q: ReportQuery,
    kind: PeriodKind,
) -> ApiResult<Json<Report>> {
    user.require(Permission::ReportRead)?;
    let period = period_of(&q.period, kind)?;
    let region = region_for(&s.store, user, q.region).await?;
    let today = chrono::Local::now().date_naive();
    Ok(Json(
        build(&s.store, &s.policy(), &region, period, today).await?,
    ))
}

/// 月度统计 (seed 003 四(二)).
#[utoipa::path(get, path = "/reports/monthly", tag = "统计", params(ReportQuery), responses((status = 200, body = Object)))]
async fn monthly(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Json<Report>> {
    report(&s, &user, q, PeriodKind::Month).await
}

/// 季度统计 (seed 004 一、总体情况).
#[utoipa::path(get, path = "/reports/quarterly", tag = "统计", params(ReportQuery), responses((status = 200, body = Object)))]
async fn quarterly(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Json<Report>> {
    report(&s, &user, q, PeriodKind::Quarter).await
}

/// One category's count.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CategoryCount {
    pub category: String,
    pub label: String,
    pub count: i64,
}

/// One status's count, with its label.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct StatusCount {
    pub status: String,
    pub label: String,
    pub count: i64,
}

/// 问题分布 problems found in a period, by category and by status now.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProblemBreakdown {
    pub by_category: Vec<CategoryCount>,
    pub by_status: Vec<StatusCount>,
}

/// 问题分布 for the dashboard's charts: any period (`2024`, `2024Q1`, `2024-03`).
#[utoipa::path(get, path = "/reports/problems", tag = "统计", params(ReportQuery), responses((status = 200, body = ProblemBreakdown)))]
async fn problems(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Json<ProblemBreakdown>> {
    user.require(Permission::ReportRead)?;
    let period = Period::parse(&q.period).map_err(|e| ApiError::field("period", e.to_string()))?;
    let region = region_for(&s.store, &user, q.region).await?;
    let w = Window {
        period,
        overdue_before: period.end().to_string(),
    };
    let (cats, statuses) = s.store.problem_breakdown(&region, &w).await?;
    Ok(Json(ProblemBreakdown {
        by_category: cats
            .into_iter()
            .map(|(category, count)| CategoryCount {
                label: ProblemCategory::parse(&category)
                    .map(|x| x.label_zh().to_string())
                    .unwrap_or_else(|| category.clone()),
                category,
                count,
            })
            .collect(),
        by_status: statuses
            .into_iter()
            .map(|(status, count)| StatusCount {
                label: ProblemStatus::parse(&status)
                    .map(|x| x.label_zh().to_string())
                    .unwrap_or_else(|| status.clone()),
                status,
                count,
            })
            .collect(),
    }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(problems))
        .routes(routes!(monthly))
        .routes(routes!(quarterly))
}
