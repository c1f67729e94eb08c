//! 统计 monthly and quarterly statistics of a region, in interface.md's shape.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::extract::ApiQuery;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::Serialize;
use utoipa::IntoParams;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zlc_app::reports::{
    CaseOut, build, build_table, cases, findings, notice, period_of_kind, statistics_xlsx, window,
};
use zlc_domain::auth::Permission;
use zlc_domain::kinds::{ActivityKind, ProblemStatus};
use zlc_domain::ledger::ProblemCategory;
use zlc_domain::period::{Period, PeriodKind};
use zlc_domain::report::{Finding, StatTable};
use zlc_store::registry::Unit;
use zlc_store::reports::{TookPart, Window};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// `2024Q1` (quarterly) or `2024-03` (monthly).
    #[param(
        pattern = r"^[0-9]{4}(H[12]|Q[1-4]|-(0[1-9]|1[0-2]))?$",
        example = "2026Q3"
    )]
    pub period: String,
    /// Unit id of the region (default: the caller's unit).
    pub region: Option<i64>,
    /// json (default) | xlsx (the statistics table) | docx (the notice, 通报).
    pub format: Option<String>,
}

async fn report(
    s: &AppState,
    user: &CurrentUser,
    q: ReportQuery,
    kind: PeriodKind,
) -> ApiResult<Response> {
    user.require(Permission::ReportRead)?;
    let period = period_of_kind(&q.period, kind)?;
    let region = crate::auth::region_for(&s.store, user, q.region).await?;
    let today = zlc_app::clock::today();
    match q.format.as_deref().unwrap_or("json") {
        "json" => {
            Ok(Json(build(&s.store, &s.policy(), &region, period, today).await?).into_response())
        }
        "xlsx" => {
            let (bytes, name) = statistics_xlsx(s, &region, period, today).await?;
            crate::download::xlsx_response(bytes, &name)
        }
        "docx" => {
            let (bytes, title) = notice(s, &region, period, today, None, None).await?;
            crate::download::file_response(bytes, &format!("{title}.docx"), zlc_office::DOCX_MIME)
        }
        other => Err(ApiError::field(
            "format",
            format!("「{other}」不是可用的格式，可选：json、xlsx、docx"),
        )),
    }
}

/// 月度统计 (seed 003 四(二)).
#[utoipa::path(get, path = "/reports/monthly", tag = "统计", params(ReportQuery), responses((status = 200, description = "JSON; `format=xlsx` the statistics table, `format=docx` the notice", body = zlc_domain::report::Report)))]
async fn monthly(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    report(&s, &user, q, PeriodKind::Month).await
}

/// 季度统计 (seed 004 一、总体情况).
#[utoipa::path(get, path = "/reports/quarterly", tag = "统计", params(ReportQuery), responses((status = 200, description = "JSON; `format=xlsx` the statistics table, `format=docx` the notice", body = zlc_domain::report::Report)))]
async fn quarterly(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Response> {
    report(&s, &user, q, PeriodKind::Quarter).await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PeriodQuery {
    /// `2024`, `2024H1`, `2024Q1` or `2024-03`.
    #[param(
        pattern = r"^[0-9]{4}(H[12]|Q[1-4]|-(0[1-9]|1[0-2]))?$",
        example = "2026Q3"
    )]
    pub period: String,
    /// Unit id of the region (default: the caller's unit).
    pub region: Option<i64>,
}

async fn period_region(
    s: &AppState,
    user: &CurrentUser,
    q: &PeriodQuery,
) -> ApiResult<(Period, Unit)> {
    user.require(Permission::ReportRead)?;
    let period =
        Period::parse(q.period.trim()).map_err(|e| ApiError::field("period", e.to_string()))?;
    Ok((
        period,
        crate::auth::region_for(&s.store, user, q.region).await?,
    ))
}

/// 统计表 the statistics of seed 003 四(二) per unit and in total, for any period.
#[utoipa::path(get, path = "/reports/table", tag = "统计", params(PeriodQuery), responses((status = 200, body = zlc_domain::report::StatTable)))]
async fn table(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<StatTable>> {
    let (period, region) = period_region(&s, &user, &q).await?;
    let today = zlc_app::clock::today();
    Ok(Json(
        build_table(&s.store, &s.policy(), &region, period, today).await?,
    ))
}

/// 形式主义与合规发现 of the period, judged by the active policy.
#[utoipa::path(get, path = "/reports/findings", tag = "统计", params(PeriodQuery), responses((status = 200, body = Vec<zlc_domain::report::Finding>)))]
async fn findings_of(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<Vec<Finding>>> {
    let (period, region) = period_region(&s, &user, &q).await?;
    let today = zlc_app::clock::today();
    Ok(Json(
        findings(&s.store, &s.policy(), &region, period, today).await?,
    ))
}

/// 审核 a supervisor's decision on a finding before it goes into a notice.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// The period the finding is of (`2024Q1`).
    #[schema(
        pattern = r"^[0-9]{4}(H[12]|Q[1-4]|-(0[1-9]|1[0-2]))?$",
        example = "2026Q3"
    )]
    pub period: String,
    /// The region the findings were read for (default: the caller's unit).
    pub region: Option<i64>,
    /// The finding's `key`.
    pub key: String,
    /// `confirmed` (确认) or `dismissed` (排除: leaves the notice and the grade).
    pub decision: String,
    /// Why; required to dismiss.
    #[serde(default)]
    pub reason: String,
}

/// 审核: confirm or dismiss a finding (audited); the newest decision counts.
#[utoipa::path(post, path = "/reports/findings/review", tag = "统计", request_body = ReviewBody,
    responses((status = 200, body = zlc_domain::report::Finding), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn review(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<ReviewBody>,
) -> ApiResult<Json<Finding>> {
    user.require(Permission::FindingReview)?;
    let q = PeriodQuery {
        period: b.period.clone(),
        region: b.region,
    };
    let (period, region) = period_region(&s, &user, &q).await?;
    let decision = match b.decision.as_str() {
        "confirmed" | "确认" => "confirmed",
        "dismissed" | "排除" => "dismissed",
        other => {
            return Err(ApiError::field(
                "decision",
                format!("「{other}」不是审核结论，可选：确认（confirmed）、排除（dismissed）"),
            ));
        }
    };
    let reason = b.reason.trim();
    if decision == "dismissed" && reason.is_empty() {
        return Err(ApiError::field("reason", "排除须写明理由"));
    }
    if reason.chars().count() > 500 {
        return Err(ApiError::field("reason", "理由不能超过 500 个字"));
    }
    let today = zlc_app::clock::today();
    let policy = s.policy();
    let all = findings(&s.store, &policy, &region, period, today).await?;
    let Some(mut f) = all.into_iter().find(|f| f.key == b.key) else {
        return Err(ApiError::NotFound);
    };
    s.store
        .review_finding(&user.actor(), period, &f.key, f.unit_id, decision, reason)
        .await?;
    f.review = s.store.finding_reviews(period).await?.remove(&f.key);
    Ok(Json(f))
}

/// 典型做法候选: problems closed in the period with measures and effect, for the notice.
#[utoipa::path(get, path = "/reports/cases", tag = "统计", params(PeriodQuery), responses((status = 200, body = Vec<CaseOut>)))]
async fn cases_of(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<Vec<CaseOut>>> {
    let (period, region) = period_region(&s, &user, &q).await?;
    Ok(Json(cases(&s.store, &region, period, 50).await?))
}

/// What the notice is drafted from.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeBody {
    /// `2024Q1` (or any period).
    #[schema(
        pattern = r"^[0-9]{4}(H[12]|Q[1-4]|-(0[1-9]|1[0-2]))?$",
        example = "2026Q3"
    )]
    pub period: String,
    pub region: Option<i64>,
    /// Ids of the closed problems to cite as good cases (default: the best three).
    pub cases: Option<Vec<i64>>,
    /// 发文机关 (default: the region's lead office, else the active policy's issuer).
    pub issuer: Option<String>,
}

/// 通报 the notice as a Word document in the official layout (GB/T 9704-2012).
#[utoipa::path(post, path = "/reports/notice", tag = "统计", request_body = NoticeBody,
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document")))]
async fn notice_docx(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<NoticeBody>,
) -> ApiResult<Response> {
    let q = PeriodQuery {
        period: b.period.clone(),
        region: b.region,
    };
    let (period, region) = period_region(&s, &user, &q).await?;
    let today = zlc_app::clock::today();
    let (bytes, title) = notice(&s, &region, period, today, b.cases.as_deref(), b.issuer).await?;
    crate::download::file_response(bytes, &format!("{title}.docx"), zlc_office::DOCX_MIME)
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
    let region = crate::auth::region_for(&s.store, &user, q.region).await?;
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
        .routes(routes!(table))
        .routes(routes!(findings_of))
        .routes(routes!(review))
        .routes(routes!(cases_of))
        .routes(routes!(notice_docx))
        .routes(routes!(drill))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DrillQuery {
    /// `2024`, `2024H1`, `2024Q1` or `2024-03`.
    #[param(
        pattern = r"^[0-9]{4}(H[12]|Q[1-4]|-(0[1-9]|1[0-2]))?$",
        example = "2026Q3"
    )]
    pub period: String,
    /// The report's region (default: the caller's unit).
    pub region: Option<i64>,
    /// The row's unit (default: the region, for the total).
    pub unit: Option<i64>,
    /// activities | participations | visitors | enforce | officials |
    /// items_experienced | problems_found | problems_found_closed | problems_solved | overdue | needs
    pub figure: String,
    /// Activity kind, for `activities` (walk, window, inspect, enforce, complaint).
    pub kind: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// 数据溯源 the records behind one figure of a report.
#[derive(Serialize, ToSchema)]
pub struct Drill {
    pub figure: String,
    /// The figure's Chinese name.
    pub label: String,
    /// The figure itself, counted from exactly these records.
    pub count: i64,
    /// activities | problems | needs | officials | items
    pub records: String,
    #[schema(value_type = Vec<HashMap<String, serde_json::Value>>)]
    pub items: Vec<serde_json::Value>,
    pub next_cursor: Option<String>,
}

/// 数据溯源: where a figure of the statistics comes from — the records it
/// counts, page by page, with the figure recounted from them.
#[utoipa::path(get, path = "/reports/drill", tag = "统计", params(DrillQuery), responses((status = 200, body = Drill)))]
async fn drill(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<DrillQuery>,
) -> ApiResult<Json<Drill>> {
    use zlc_store::PageRequest;
    use zlc_store::campaign::CampaignFilter;
    let pq = PeriodQuery {
        period: q.period.clone(),
        region: q.region,
    };
    let (period, region) = period_region(&s, &user, &pq).await?;
    let unit = match q.unit {
        Some(id) => s.store.unit(&user.scope, id).await?,
        None => region,
    };
    let page = PageRequest::new(q.cursor.as_deref(), q.limit)?;
    let today = zlc_app::clock::today();
    let w = window(period, today);
    let (from, to) = (period.start().to_string(), period.end().to_string());
    let scope = &user.scope;
    let base = CampaignFilter {
        unit: Some(unit.id),
        ..CampaignFilter::default()
    };
    let filed = |kind: Option<String>| CampaignFilter {
        from: Some(from.clone()),
        to: Some(to.clone()),
        status: Some(zlc_domain::campaign::ActivityStatus::Filed.code().into()),
        kind,
        ..base.clone()
    };
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(
            ActivityKind::parse(k)
                .ok_or_else(|| {
                    ApiError::field(
                        "kind",
                        format!("「{k}」不是活动类型，可选：{}", ActivityKind::choices_zh()),
                    )
                })?
                .code()
                .to_string(),
        ),
        None => None,
    };
    let store = &s.store;
    let (label, records, count, items, next): (
        &str,
        &str,
        i64,
        Vec<serde_json::Value>,
        Option<String>,
    ) = match q.figure.as_str() {
        "activities" | "participations" | "visitors" | "enforce" => {
            let f = if q.figure == "enforce" {
                filed(Some("enforce".into()))
            } else {
                filed(kind)
            };
            let p = store.list_activities(scope, &f, &page).await?;
            let (label, count) = match q.figure.as_str() {
                "activities" => ("活动次数", store.count_activities(scope, &f, None).await?),
                "visitors" => (
                    "接待企业群众(人次)",
                    store.count_activities(scope, &f, Some("visitors")).await?,
                ),
                "enforce" => ("参与执法次数", store.count_participations(scope, &f).await?),
                _ => ("参与人次", store.count_participations(scope, &f).await?),
            };
            // Named as everywhere else: units and officials by name.
            let details =
                crate::activities::outs(&s, &user, store.activities_with_links(p.items).await?)
                    .await?;
            (
                label,
                "activities",
                count,
                to_values(&details)?,
                p.next_cursor,
            )
        }
        "problems_found" | "problems_found_closed" | "problems_solved" | "overdue" => {
            let (label, f) = match q.figure.as_str() {
                "problems_found_closed" => (
                    "本期发现已销号",
                    CampaignFilter {
                        from: Some(from.clone()),
                        to: Some(to.clone()),
                        closed: Some((from.clone(), to.clone())),
                        ..base.clone()
                    },
                ),
                "problems_found" => (
                    "发现问题",
                    CampaignFilter {
                        from: Some(from.clone()),
                        to: Some(to.clone()),
                        ..base.clone()
                    },
                ),
                "problems_solved" => (
                    "解决问题",
                    CampaignFilter {
                        closed: Some((from.clone(), to.clone())),
                        ..base.clone()
                    },
                ),
                _ => (
                    "逾期未整改",
                    CampaignFilter {
                        overdue_on: Some(w.overdue_before.clone()),
                        ..base.clone()
                    },
                ),
            };
            let p = store.list_problems(scope, &f, &page).await?;
            (
                label,
                "problems",
                store.count_problems(scope, &f).await?,
                to_values(&p.items)?,
                p.next_cursor,
            )
        }
        "needs" => {
            user.require(Permission::ProblemRead)?;
            let f = CampaignFilter {
                from: Some(from.clone()),
                to: Some(to.clone()),
                ..base.clone()
            };
            let p = store.list_needs(scope, &f, &page).await?;
            (
                "收集需求",
                "needs",
                store.count_needs(scope, &f).await?,
                to_values(&p.items)?,
                p.next_cursor,
            )
        }
        "officials" | "items_experienced" => {
            let officials = q.figure == "officials";
            let (which, label, records, detail_key) = if officials {
                (TookPart::Officials, "参与领导干部", "officials", "title")
            } else {
                (TookPart::Items, "体验事项", "items", "item_type")
            };
            let rows = store
                .took_part_page(
                    which,
                    &unit,
                    period,
                    page.after.unwrap_or(0),
                    page.limit + 1,
                )
                .await?;
            let total = store.report_totals(&unit, &w).await?;
            let count = if officials {
                total.officials
            } else {
                total.items
            };
            let more = rows.len() as i64 > page.limit;
            let rows: Vec<_> = rows.into_iter().take(page.limit as usize).collect();
            let next = if more {
                rows.last().map(|r| r.id.to_string())
            } else {
                None
            };
            let items = rows
                .into_iter()
                .map(|r| serde_json::json!({"id": r.id, "name": r.name, detail_key: r.detail, "unit": r.unit}))
                .collect();
            (label, records, count, items, next)
        }
        other => {
            return Err(ApiError::field(
                "figure",
                format!(
                    "「{other}」不是统计项，可选：activities、participations、visitors、enforce、officials、items_experienced、problems_found、problems_found_closed、problems_solved、overdue、needs"
                ),
            ));
        }
    };
    Ok(Json(Drill {
        figure: q.figure,
        label: label.to_string(),
        count,
        records: records.to_string(),
        items,
        next_cursor: next,
    }))
}

fn to_values<T: Serialize>(v: &[T]) -> ApiResult<Vec<serde_json::Value>> {
    v.iter()
        .map(|x| serde_json::to_value(x).map_err(ApiError::internal))
        .collect()
}
