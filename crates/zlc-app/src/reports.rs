//! 统计与通报 the statistics of a region over a period (the JSON report,
//! the statistics tables), its findings and the notice drafted from them.

use crate::App;
use crate::error::{AppError, AppResult};
use chrono::{Days, NaiveDate};
use serde::Serialize;
use zlc_domain::kinds::ActivityKind;
use zlc_domain::period::{Period, PeriodKind};
use zlc_domain::policy::Policy;
use zlc_domain::registry::ProcessFigures;
use zlc_domain::registry::UnitKind;
use zlc_domain::report::{
    ByKind, Finding, FindingCounts, RECTIFICATION_RATE_DEFINITION, Report, StatTable, TableRow,
    UnitCounts, UnitRow, assess, rectification_rate,
};
use zlc_office::stats::Which;
use zlc_store::registry::Unit;
use zlc_store::reports::{TookPart, Window};
use zlc_store::{Store, StoreError};

/// A period of `kind` (`2024-03` monthly, `2024Q1` quarterly), or why not.
pub fn period_of_kind(raw: &str, kind: PeriodKind) -> AppResult<Period> {
    let p = Period::parse(raw.trim()).map_err(|e| AppError::field("period", e.to_string()))?;
    if p.kind() != kind {
        return Err(AppError::field(
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

/// The report of `policy`'s `[[reports]]` named `code`, `raw` read as one
/// of its periods, and its due date then: what a unit hands in (报送).
pub fn report_due(
    policy: &Policy,
    code: &str,
    raw: &str,
) -> AppResult<(zlc_domain::policy::DueItem, Period, chrono::NaiveDate)> {
    let Some(item) = policy.reports.iter().find(|r| r.code == code).cloned() else {
        let names: Vec<String> = policy
            .reports
            .iter()
            .map(|r| format!("{}（{}）", r.code, r.name))
            .collect();
        return Err(AppError::field(
            "report",
            format!(
                "活动规则中没有报送事项「{code}」；可选：{}",
                names.join("、")
            ),
        ));
    };
    let period = period_of_kind(raw, item.period)?;
    let due = item
        .due_date(period)
        .ok_or_else(|| AppError::field("period", "该期间没有报送时限"))?;
    Ok((item, period, due))
}

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
    let children = store.children(region.id).await?;
    let mut counts = store.report_units(&children, &w).await?;
    for child in children {
        let c = counts.remove(&child.id).unwrap_or_default();
        if c.activities > 0 {
            match child.kind {
                UnitKind::Region => regions += 1,
                UnitKind::Department => departments += 1,
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

/// One row of the statistics tables for `unit`'s subtree, whose counts
/// [`Store::report_units`] read as `c`; `findings` are the row's (the total
/// row passes none and is not graded).
async fn table_row(
    store: &Store,
    policy: &Policy,
    unit: &Unit,
    w: &Window,
    c: UnitCounts,
    findings: Option<&[&Finding]>,
) -> Result<TableRow, StoreError> {
    let mut by_kind = ByKind::default();
    for (k, n) in &c.activities_by_kind {
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
        .took_part_page(TookPart::Items, unit, w.period, 0, NAMES_SHOWN)
        .await?
        .into_iter()
        .map(|r| r.name)
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
        visitors: c.visitors,
        items_experienced: store.items_experienced(unit, w).await?,
        items,
        enforce_participations,
        enforce_content,
        problems_found: c.problems_found,
        problems_solved: c.problems_solved,
        problems_found_closed: c.problems_found_closed,
        problems_closed_old: (c.problems_solved - c.problems_found_closed).max(0),
        rectification_rate: rectification_rate(c.problems_found, c.problems_found_closed),
        needs: c.needs,
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
    let children = store.children(region.id).await?;
    let mut counted = children.clone();
    counted.push(region.clone());
    let mut counts = store.report_units(&counted, &w).await?;
    for child in &children {
        let of_row: Vec<&Finding> = all
            .iter()
            .filter(|f| f.row_unit_id == child.id && !f.dismissed())
            .collect();
        let c = counts.remove(&child.id).unwrap_or_default();
        rows.push(table_row(store, policy, child, &w, c, Some(&of_row)).await?);
    }
    let c = counts.remove(&region.id).unwrap_or_default();
    let mut total = table_row(store, policy, region, &w, c, None).await?;
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

/// The window a report of `period` counts over, as of `today`.
pub fn window(period: Period, today: NaiveDate) -> Window {
    let day_after = period
        .end()
        .checked_add_days(Days::new(1))
        .unwrap_or(period.end());
    Window {
        period,
        overdue_before: day_after.min(today).to_string(),
    }
}

/// 统计表 the statistics table of `region` as an xlsx file in the seed's
/// layout (monthly for a month, the quarterly summary otherwise), with its
/// file name.
pub async fn statistics_xlsx(
    app: &App,
    region: &Unit,
    period: Period,
    today: NaiveDate,
) -> AppResult<(Vec<u8>, String)> {
    let t = build_table(&app.store, &app.policy(), region, period, today).await?;
    let which = if period.kind() == PeriodKind::Month {
        Which::Monthly
    } else {
        Which::Quarterly
    };
    let name = format!("{}.xlsx", zlc_office::stats::title(&t, which));
    let bytes =
        tokio::task::spawn_blocking(move || zlc_office::stats::write_table(&t, which)).await??;
    Ok((bytes, name))
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
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    app: &App,
    region: &Unit,
    period: Period,
    today: NaiveDate,
    chosen: Option<&[i64]>,
    issuer: Option<String>,
) -> AppResult<(Vec<u8>, String)> {
    let policy = app.policy();
    let report = build(&app.store, &policy, region, period, today).await?;
    let all = cases(&app.store, region, period, 200).await?;
    let picked: Vec<CaseOut> = match chosen {
        Some(ids) => {
            let mut v = Vec::new();
            for id in ids {
                match all.iter().find(|c| c.id == *id) {
                    Some(c) => v.push(c.clone()),
                    None => {
                        return Err(AppError::field(
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
    let below: Vec<String> = app
        .store
        .children(region.id)
        .await?
        .into_iter()
        .filter(|u| u.kind == UnitKind::Region)
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
    .await?
    .map_err(AppError::from)
}
