//! 统计 monthly and quarterly statistics of a region, in interface.md's shape.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::extract::ApiQuery;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{Days, NaiveDate};
use serde::Deserialize;
use serde::Serialize;
use utoipa::IntoParams;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zlc_domain::auth::Permission;
use zlc_domain::kinds::ProblemStatus;
use zlc_domain::ledger::ProblemCategory;

use zlc_domain::kinds::ActivityKind;
use zlc_domain::period::{Period, PeriodKind};
use zlc_domain::policy::Policy;
use zlc_domain::registry::ProcessFigures;
use zlc_domain::registry::UnitKind;
use zlc_domain::report::{
    ByKind, Finding, FindingCounts, RECTIFICATION_RATE_DEFINITION, Report, StatTable, TableRow,
    UnitRow, assess, rectification_rate,
};
use zlc_office::stats::Which;
use zlc_store::registry::Unit;
use zlc_store::reports::Window;
use zlc_store::{Store, StoreError};

/// Counts the statistics of `region`'s subtree over `period`, as of `today`
/// (a problem is overdue when its deadline passed before the period's end, or
/// before today while the period is still running), with the findings the
/// notice names and the grades that count them.
pub async fn build(
    store: &Store,
    policy: &Policy,
    region: &Unit,
    period: Period,
    today: NaiveDate,
) -> Result<Report, StoreError> {
    // First: it brings the facts the figures below read up to date.
    let all = findings(store, policy, region, period, today).await?;
    let w = window(period, today);
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
        let of_row: Vec<&Finding> = all
            .iter()
            .filter(|f| f.row_unit_id == child.id && !f.dismissed())
            .collect();
        let a = assess(
            policy,
            period,
            &c,
            &FindingCounts::of(of_row.iter().copied()),
        );
        units.push(UnitRow {
            unit: child.name,
            unit_id: child.id,
            activities: c.activities,
            problems_found: c.problems_found,
            problems_solved: c.problems_solved,
            problems_found_closed: c.problems_found_closed,
            rectification_rate: rectification_rate(c.problems_found, c.problems_found_closed),
            overdue: c.overdue,
            findings: of_row.len() as i64,
            grade: a.grade,
            score: a.score,
            score_parts: a.parts,
            grade_reason: a.reason,
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
        problems_found_closed: totals.problems_found_closed,
        problems_closed_old: (totals.problems_solved - totals.problems_found_closed).max(0),
        rectification_rate: rectification_rate(totals.problems_found, totals.problems_found_closed),
        rectification_rate_definition: RECTIFICATION_RATE_DEFINITION.to_string(),
        needs: totals.needs,
        units,
        findings: all.into_iter().filter(|f| !f.dismissed()).collect(),
    })
}

/// How many names a table cell lists before 等N项.
const NAMES_SHOWN: i64 = 10;

/// One row of the statistics tables for `unit`'s subtree; `findings` are
/// the row's (the total row passes none and is not graded).
async fn table_row(
    store: &Store,
    policy: &Policy,
    unit: &Unit,
    w: &Window,
    findings: Option<&[&Finding]>,
) -> Result<TableRow, StoreError> {
    let t = store.report_totals(unit, w).await?;
    let c = store.report_unit(unit, w).await?;
    let mut by_kind = ByKind::default();
    for (k, n) in &t.by_kind {
        by_kind.add(*k, *n);
    }
    let participations: i64 = c.participations_by_kind.iter().map(|(_, n)| n).sum();
    let enforce_participations = c
        .participations_by_kind
        .iter()
        .filter(|(k, _)| *k == ActivityKind::Enforce)
        .map(|(_, n)| n)
        .sum();
    let items = store
        .took_part_page("stats_items", unit, w.period, 0, NAMES_SHOWN)
        .await?
        .into_iter()
        .map(|(_, name, _, _)| name)
        .collect();
    let enforce_content = if enforce_participations > 0 {
        store.enforcement_contents(unit, w.period, 5).await?
    } else {
        Vec::new()
    };
    let a = findings.map(|f| assess(policy, w.period, &c, &FindingCounts::of(f.iter().copied())));
    Ok(TableRow {
        unit_id: unit.id,
        unit: unit.name.clone(),
        activities: by_kind.total(),
        by_kind,
        participations,
        visitors: t.visitors,
        items_experienced: t.items,
        items,
        enforce_participations,
        enforce_content,
        problems_found: t.problems_found,
        problems_solved: t.problems_solved,
        problems_found_closed: t.problems_found_closed,
        problems_closed_old: (t.problems_solved - t.problems_found_closed).max(0),
        rectification_rate: rectification_rate(t.problems_found, t.problems_found_closed),
        needs: t.needs,
        overdue: c.overdue,
        findings: findings.map_or(0, |f| f.len() as i64),
        grade: a.as_ref().map(|a| a.grade.clone()).unwrap_or_default(),
        score: a.as_ref().and_then(|a| a.score),
        score_parts: a.as_ref().map(|a| a.parts.clone()).unwrap_or_default(),
        grade_reason: a.map(|a| a.reason).unwrap_or_default(),
    })
}

/// 统计表 the monthly statistics (seed 003 四(二)) or the quarterly
/// summary of `region`: a row per unit directly below it, and the total.
pub async fn build_table(
    store: &Store,
    policy: &Policy,
    region: &Unit,
    period: Period,
    today: NaiveDate,
) -> Result<StatTable, StoreError> {
    let all = findings(store, policy, region, period, today).await?;
    let w = window(period, today);
    let mut rows = Vec::new();
    for child in store.children(region.id).await? {
        let of_row: Vec<&Finding> = all
            .iter()
            .filter(|f| f.row_unit_id == child.id && !f.dismissed())
            .collect();
        rows.push(table_row(store, policy, &child, &w, Some(&of_row)).await?);
    }
    let mut total = table_row(store, policy, region, &w, None).await?;
    total.findings = all.iter().filter(|f| !f.dismissed()).count() as i64;
    Ok(StatTable {
        period: period.to_string(),
        region: region.name.clone(),
        region_id: region.id,
        rows,
        total,
        rectification_rate_definition: RECTIFICATION_RATE_DEFINITION.to_string(),
    })
}

fn window(period: Period, today: NaiveDate) -> Window {
    let day_after = period
        .end()
        .checked_add_days(Days::new(1))
        .unwrap_or(period.end());
    Window {
        period,
        overdue_before: day_after.min(today).to_string(),
    }
}

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
) -> ApiResult<Response> {
    user.require(Permission::ReportRead)?;
    let period = period_of(&q.period, kind)?;
    let region = crate::auth::region_for(&s.store, user, q.region).await?;
    let today = chrono::Local::now().date_naive();
    match q.format.as_deref().unwrap_or("json") {
        "json" => {
            Ok(Json(build(&s.store, &s.policy(), &region, period, today).await?).into_response())
        }
        "xlsx" => {
            let t = build_table(&s.store, &s.policy(), &region, period, today).await?;
            let which = if kind == PeriodKind::Month {
                Which::Monthly
            } else {
                Which::Quarterly
            };
            let name = format!("{}.xlsx", zlc_office::stats::title(&t, which));
            let bytes =
                tokio::task::spawn_blocking(move || zlc_office::stats::write_table(&t, which))
                    .await
                    .map_err(|e| ApiError::Internal(e.to_string()))?
                    .map_err(|e| ApiError::Internal(e.to_string()))?;
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

/// How many good cases a notice cites when the supervisor chose none.
pub const DEFAULT_CASES: usize = 3;

/// The good cases a notice may cite, best first.
pub async fn cases(
    store: &Store,
    region: &Unit,
    period: Period,
    limit: i64,
) -> Result<Vec<CaseOut>, StoreError> {
    let children = store.children(region.id).await?;
    let mut out = Vec::new();
    for c in store.case_candidates(region, period, limit).await? {
        let figures = match c.item_id {
            Some(item) => store
                .figures_change(c.id, item)
                .await?
                .and_then(|(b, a)| ProcessFigures::improvement_zh(&b, &a)),
            None => None,
        };
        let unit = children
            .iter()
            .find(|u| c.unit_path.starts_with(&u.path))
            .map(|u| u.name.clone())
            .unwrap_or_else(|| region.name.clone());
        out.push(CaseOut {
            id: c.id,
            unit,
            description: c.description,
            measures: c.measures.unwrap_or_default(),
            effect: c.effect.unwrap_or_default(),
            closed_on: c.closed_on,
            figures,
        });
    }
    // Those whose process figures improved tell the most.
    out.sort_by_key(|c| c.figures.is_none());
    // A case is cited once: the same account written for several problems
    // (one rectification answering several rows) reads as a repeat.
    let mut seen = std::collections::HashSet::new();
    out.retain(|c| {
        seen.insert((
            c.description.trim().to_string(),
            c.measures.trim().to_string(),
        )) && seen.insert((String::new(), c.measures.trim().to_string()))
    });
    // Prefer examples from different units: the first case of each unit first.
    let mut units = std::collections::HashSet::new();
    let (first, rest): (Vec<CaseOut>, Vec<CaseOut>) =
        out.into_iter().partition(|c| units.insert(c.unit.clone()));
    Ok(first.into_iter().chain(rest).collect())
}

/// 典型做法候选.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseOut {
    pub id: i64,
    pub unit: String,
    pub description: String,
    pub measures: String,
    pub effect: String,
    pub closed_on: Option<String>,
    /// The item's process figures improved, in words.
    pub figures: Option<String>,
}

/// The findings of a period in a region's subtree, judged by the policy,
/// each with the supervisor's review if one was made (dismissed ones
/// included: callers leave them out of the notice and the grades).
pub async fn findings(
    store: &Store,
    policy: &Policy,
    region: &Unit,
    period: Period,
    today: NaiveDate,
) -> Result<Vec<Finding>, StoreError> {
    let children = store.children(region.id).await?;
    let facts = store
        .finding_facts(policy, &children, &window(period, today), today)
        .await?;
    let mut found = zlc_domain::findings::find(policy, &facts);
    let reviews = store.finding_reviews(period).await?;
    for f in &mut found {
        f.review = reviews.get(&f.key).cloned();
    }
    Ok(found)
}

/// 发文机关 of a region's notice: the one the supervisor typed, else the
/// region's lead office (牵头单位), and only then the policy's issuer.
pub fn issuer_of(region: &Unit, policy: &Policy, typed: Option<String>) -> String {
    typed
        .map(|i| i.trim().to_string())
        .filter(|i| !i.is_empty())
        .or_else(|| {
            region
                .lead_office
                .as_deref()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
        })
        .unwrap_or_else(|| policy.meta.issuer.clone())
}

/// Drafts the notice (通报) of `region` for `period`: the cases chosen (or
/// the best [`DEFAULT_CASES`]), the findings, the policy's requirements.
/// Returns the document and its title.
pub async fn notice(
    s: &AppState,
    region: &Unit,
    period: Period,
    today: NaiveDate,
    chosen: Option<&[i64]>,
    issuer: Option<String>,
) -> ApiResult<(Vec<u8>, String)> {
    let policy = s.policy();
    let report = build(&s.store, &policy, region, period, today).await?;
    let all = cases(&s.store, region, period, 200).await?;
    let picked: Vec<CaseOut> = match chosen {
        Some(ids) => {
            let mut v = Vec::new();
            for id in ids {
                match all.iter().find(|c| c.id == *id) {
                    Some(c) => v.push(c.clone()),
                    None => {
                        return Err(ApiError::field(
                            "cases",
                            format!(
                                "问题 {id} 不是本期已销号且写明措施和效果的问题，不能作为典型做法"
                            ),
                        ));
                    }
                }
            }
            v
        }
        None => all.into_iter().take(DEFAULT_CASES).collect(),
    };
    let cases: Vec<zlc_office::notice::Case> = picked
        .into_iter()
        .map(|c| zlc_office::notice::Case {
            unit: c.unit,
            description: c.description,
            measures: c.measures,
            effect: c.effect,
            figures: c.figures,
        })
        .collect();
    // The report's findings are the notice's: dismissed ones already left out.
    let found = report.findings.clone();
    let issuer = issuer_of(region, &policy, issuer);
    let below: Vec<String> = s
        .store
        .children(region.id)
        .await?
        .into_iter()
        .filter(|u| u.kind == UnitKind::Region.code())
        .map(|u| u.name)
        .collect();
    let wording = zlc_office::notice::Wording::of(&region.name, below.iter().map(String::as_str));
    let requirements = policy.requirements.clone();
    let label = period.label_zh();
    tokio::task::spawn_blocking(move || {
        let input = zlc_office::notice::NoticeInput {
            report: &report,
            wording,
            period_label: label,
            issuer,
            date: today,
            cases: &cases,
            findings: &found,
            requirements: &requirements,
        };
        let title = zlc_office::notice::title(&input);
        zlc_office::notice::write(&input).map(|b| (b, title))
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
    .map_err(|e| ApiError::Internal(e.to_string()))
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
    let today = chrono::Local::now().date_naive();
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
    let today = chrono::Local::now().date_naive();
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
    let today = chrono::Local::now().date_naive();
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
    let today = chrono::Local::now().date_naive();
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
    let today = chrono::Local::now().date_naive();
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
                to_values(&details),
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
                to_values(&p.items),
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
                to_values(&p.items),
                p.next_cursor,
            )
        }
        "officials" | "items_experienced" => {
            let (table, label, records) = if q.figure == "officials" {
                ("stats_officials", "参与领导干部", "officials")
            } else {
                ("stats_items", "体验事项", "items")
            };
            let rows = store
                .took_part_page(
                    table,
                    &unit,
                    period,
                    page.after.unwrap_or(0),
                    page.limit + 1,
                )
                .await?;
            let total = store.report_totals(&unit, &w).await?;
            let count = if records == "officials" {
                total.officials
            } else {
                total.items
            };
            let more = rows.len() as i64 > page.limit;
            let rows: Vec<_> = rows.into_iter().take(page.limit as usize).collect();
            let next = if more {
                rows.last().map(|r| r.0.to_string())
            } else {
                None
            };
            let detail_key = if records == "officials" {
                "title"
            } else {
                "item_type"
            };
            let items = rows
                .into_iter()
                .map(|(id, name, detail, unit)| serde_json::json!({"id": id, "name": name, detail_key: detail, "unit": unit}))
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

fn to_values<T: Serialize>(v: &[T]) -> Vec<serde_json::Value> {
    v.iter()
        .map(|x| serde_json::to_value(x).unwrap_or_default())
        .collect()
}
