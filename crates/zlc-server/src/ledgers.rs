//! 需求清单 and 整改清单 (解决措施清单): the needs raised on walks and the
//! measures taken, linked to problems and activities.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::{AppState, ListOf};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zlc_domain::auth::Permission;
use zlc_domain::error::{self, Errors, FieldError};
use zlc_domain::ledger::{MeasureStatus, NeedSource, NeedStatus};
use zlc_domain::period::Period;
use zlc_domain::registry::TEXT_MAX;
use zlc_store::campaign::{CampaignFilter, Measure, MeasureInput, Need, NeedInput};
use zlc_store::names::{NameIds, Names};

/// Parses a `YYYY-MM-DD` date, naming the field.
pub fn date(field: &str, s: &str) -> Result<NaiveDate, FieldError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        FieldError::new(
            field,
            format!("「{s}」不是有效日期，应为 2024-03-05 这样的格式"),
        )
    })
}

pub fn opt_date(field: &str, s: Option<&str>) -> Result<Option<String>, FieldError> {
    s.filter(|s| !s.trim().is_empty())
        .map(|s| date(field, s).map(|d| d.to_string()))
        .transpose()
}

/// Filters shared by the campaign lists.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CampaignQuery {
    pub cursor: Option<String>,
    pub limit: Option<i64>,
    /// `2024`, `2024H1`, `2024Q1` or `2024-03`.
    #[param(
        pattern = r"^[0-9]{4}(H[12]|Q[1-4]|-(0[1-9]|1[0-2]))?$",
        example = "2026Q3"
    )]
    pub period: Option<String>,
    /// Only this unit's subtree.
    pub unit: Option<i64>,
    pub status: Option<String>,
    /// Activity kind: walk, window, inspect, enforce, complaint.
    pub kind: Option<String>,
    pub mode: Option<String>,
    pub source: Option<String>,
    pub category: Option<String>,
    /// `true`: only records past their deadline and not closed.
    pub overdue: Option<bool>,
    /// Text contained in the description or content.
    pub q: Option<String>,
    /// Order: a date column of the list, `-` first for newest first
    /// (`-date`, `-found_on`, `deadline` …); default: by id.
    pub sort: Option<String>,
}

impl CampaignQuery {
    pub fn page(&self) -> ApiResult<zlc_store::PageRequest> {
        Ok(zlc_store::PageRequest::new(
            self.cursor.as_deref(),
            self.limit,
        )?)
    }

    /// The store filter, each vocabulary parsed to its code by `parse`.
    pub fn filter(&self, status: fn(&str) -> Option<&'static str>) -> ApiResult<CampaignFilter> {
        let mut f = CampaignFilter {
            unit: self.unit,
            ..Default::default()
        };
        if let Some(p) = &self.period {
            let p = Period::parse(p).map_err(|e| ApiError::field("period", e.to_string()))?;
            f.from = Some(p.start().to_string());
            f.to = Some(p.end().to_string());
        }
        if let Some(s) = &self.status {
            f.status = Some(
                status(s)
                    .ok_or_else(|| ApiError::field("status", format!("未知的状态「{s}」")))?
                    .to_string(),
            );
        }
        let vocab = |field: &str,
                     v: &Option<String>,
                     parse: fn(&str) -> Option<&'static str>|
         -> ApiResult<Option<String>> {
            v.as_deref()
                .map(|s| {
                    parse(s)
                        .map(str::to_string)
                        .ok_or_else(|| ApiError::field(field, format!("未知的取值「{s}」")))
                })
                .transpose()
        };
        f.kind = vocab("kind", &self.kind, |s| {
            zlc_domain::kinds::ActivityKind::parse(s).map(|k| k.code())
        })?;
        f.mode = vocab("mode", &self.mode, |s| {
            zlc_domain::kinds::Mode::parse(s).map(|k| k.code())
        })?;
        f.source = vocab("source", &self.source, |s| {
            zlc_domain::ledger::ProblemSource::parse(s).map(|k| k.code())
        })?;
        f.category = vocab("category", &self.category, |s| {
            zlc_domain::ledger::ProblemCategory::parse(s).map(|k| k.code())
        })?;
        if self.overdue == Some(true) {
            f.overdue_on = Some(zlc_app::clock::today().to_string());
        }
        f.q = crate::search_text(&self.q);
        f.sort = self
            .sort
            .as_deref()
            .filter(|x| !x.trim().is_empty())
            .map(|x| {
                zlc_store::campaign::Sort::parse(x)
                    .ok_or_else(|| ApiError::field("sort", format!("排序「{x}」无效")))
            })
            .transpose()?;
        Ok(f)
    }
}

/// 需求
#[derive(Serialize, ToSchema)]
pub struct NeedOut {
    pub id: i64,
    pub version: i64,
    pub unit_id: i64,
    pub activity_id: Option<i64>,
    pub problem_id: Option<i64>,
    pub raised_by: NeedSource,
    pub content: String,
    pub response: Option<String>,
    pub status: NeedStatus,
    pub status_label: String,
    pub raised_on: String,
    pub closed_on: Option<String>,
    /// Names beside the ids: the unit's, the activity's (date, unit,
    /// officials) and the problem's (its first words).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub names: Option<LedgerNames>,
}

/// 名称 what a need's or measure's ids stand for.
#[derive(Serialize, ToSchema, Clone, Default)]
pub struct LedgerNames {
    pub unit: String,
    pub activity: Option<String>,
    pub problem: Option<String>,
    pub need: Option<String>,
}

/// The ids a need or measure refers to.
trait Linked {
    fn links(&self) -> (i64, Option<i64>, Option<i64>, Option<i64>);
    fn set_names(&mut self, n: LedgerNames);
}

impl Linked for NeedOut {
    fn links(&self) -> (i64, Option<i64>, Option<i64>, Option<i64>) {
        (self.unit_id, self.activity_id, self.problem_id, None)
    }
    fn set_names(&mut self, n: LedgerNames) {
        self.names = Some(n);
    }
}

impl Linked for MeasureOut {
    fn links(&self) -> (i64, Option<i64>, Option<i64>, Option<i64>) {
        (
            self.unit_id,
            self.activity_id,
            self.problem_id,
            self.need_id,
        )
    }
    fn set_names(&mut self, n: LedgerNames) {
        self.names = Some(n);
    }
}

/// Fills in the names of what the records refer to, looked up once for all.
async fn named<T: Linked>(s: &AppState, mut rows: Vec<T>) -> ApiResult<Vec<T>> {
    let links: Vec<_> = rows.iter().map(Linked::links).collect();
    let Names {
        units,
        activities,
        problems,
        needs,
        ..
    } = s
        .store
        .names(NameIds {
            units: links.iter().map(|l| Some(l.0)).collect(),
            activities: links.iter().map(|l| l.1).collect(),
            problems: links.iter().map(|l| l.2).collect(),
            needs: links.iter().map(|l| l.3).collect(),
            ..NameIds::default()
        })
        .await?;
    for (r, (unit, activity, problem, need)) in rows.iter_mut().zip(links) {
        r.set_names(LedgerNames {
            unit: units.get(&unit).cloned().unwrap_or_default(),
            activity: activity.and_then(|a| activities.get(&a).cloned()),
            problem: problem.and_then(|p| problems.get(&p).cloned()),
            need: need.and_then(|n| needs.get(&n).cloned()),
        });
    }
    Ok(rows)
}

/// One record with its names.
async fn one<T: Linked>(s: &AppState, r: T) -> ApiResult<T> {
    named(s, vec![r]).await?.pop().ok_or(ApiError::NotFound)
}

/// A page with its names.
async fn named_page<T: Linked>(s: &AppState, page: ListOf<T>) -> ApiResult<ListOf<T>> {
    Ok(ListOf {
        items: named(s, page.items).await?,
        next_cursor: page.next_cursor,
        total: page.total,
        total_capped: page.total_capped,
    })
}

impl From<Need> for NeedOut {
    fn from(n: Need) -> Self {
        NeedOut {
            status_label: n.status.label_zh().into(),
            id: n.id,
            version: n.version,
            unit_id: n.unit_id,
            activity_id: n.activity_id,
            problem_id: n.problem_id,
            raised_by: n.raised_by,
            content: n.content,
            response: n.response,
            status: n.status,
            raised_on: n.raised_on,
            closed_on: n.closed_on,
            names: None,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedBody {
    pub unit_id: i64,
    pub activity_id: Option<i64>,
    pub problem_id: Option<i64>,
    pub raised_by: NeedSource,
    pub content: String,
    pub response: Option<String>,
    #[schema(example = "open")]
    pub status: Option<NeedStatus>,
    /// YYYY-MM-DD
    pub raised_on: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedPatch {
    pub version: i64,
    pub response: Option<String>,
    pub status: Option<NeedStatus>,
    pub content: Option<String>,
}

fn need_input(b: &NeedBody, status: NeedStatus, today: NaiveDate) -> Result<NeedInput, Errors> {
    let mut errs = Errors::default();
    let content = errs.take(error::text("content", &b.content, TEXT_MAX));
    let response = errs
        .take(error::optional_text(
            "response",
            b.response.as_deref().unwrap_or(""),
            TEXT_MAX,
        ))
        .flatten();
    let raised_on = errs.take(date("raised_on", &b.raised_on));
    if status == NeedStatus::CannotMeet && response.is_none() {
        errs.push("response", "无法满足的需求须说明理由");
    }
    errs.into_result()?;
    Ok(NeedInput {
        unit_id: b.unit_id,
        activity_id: b.activity_id,
        problem_id: b.problem_id,
        raised_by: b.raised_by,
        content: content.unwrap_or_default(),
        response,
        status,
        raised_on: raised_on.map(|d| d.to_string()).unwrap_or_default(),
        closed_on: status.is_closed().then(|| today.to_string()),
    })
}

#[utoipa::path(get, path = "/needs", tag = "需求清单", params(CampaignQuery), responses((status = 200, body = ListOf<NeedOut>)))]
async fn list_needs(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<CampaignQuery>,
) -> ApiResult<Json<ListOf<NeedOut>>> {
    user.require(Permission::ProblemRead)?;
    let f = q.filter(|s| NeedStatus::parse(s).map(|x| x.code()))?;
    let page: ListOf<NeedOut> = s
        .store
        .list_needs(&user.scope, &f, &q.page()?)
        .await?
        .map(NeedOut::from)
        .into();
    Ok(Json(named_page(&s, page).await?))
}

#[utoipa::path(get, path = "/needs/{id}", params(("id" = i64, Path, description = "编号")), tag = "需求清单", responses((status = 200, body = NeedOut)))]
async fn get_need(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<NeedOut>> {
    user.require(Permission::ProblemRead)?;
    Ok(Json(
        one(&s, NeedOut::from(s.store.need(&user.scope, id).await?)).await?,
    ))
}

/// 办理过程 one step of a need's or measure's history: who changed what, when.
#[derive(Serialize, ToSchema)]
pub struct HistoryStep {
    pub at: i64,
    /// The account's login name.
    pub actor: String,
    /// The account's display name (姓名), as the timeline shows it.
    pub actor_name: String,
    /// create | update
    pub action: String,
    /// The fields that changed: name → [before, after].
    #[schema(value_type = HashMap<String, serde_json::Value>)]
    pub changes: serde_json::Map<String, serde_json::Value>,
    /// Names of the records the changed values refer to, keyed `unit:12`,
    /// `problem:5`, `activity:806` ….
    pub names: std::collections::HashMap<String, String>,
}

/// The record's history from the audit trail: each write with the fields it changed.
async fn history(s: &AppState, entity: &str, id: i64) -> ApiResult<Vec<HistoryStep>> {
    let entries = zlc_store::audit::record_history(&s.store.db, entity, id).await?;
    let names = s
        .store
        .user_names_by_login(entries.iter().map(|e| e.actor.clone()))
        .await?;
    let parse = |v: &Option<String>| -> serde_json::Map<String, serde_json::Value> {
        v.as_deref()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default()
    };
    let mut steps = entries
        .into_iter()
        .map(|e| {
            let before = parse(&e.before);
            let after = parse(&e.after);
            let mut changes = serde_json::Map::new();
            for (k, v) in &after {
                // Bookkeeping fields say nothing to a reader.
                if matches!(
                    k.as_str(),
                    "version" | "updated_at" | "created_at" | "unit_path" | "region_id"
                ) {
                    continue;
                }
                let old = before.get(k).cloned().unwrap_or(serde_json::Value::Null);
                if &old != v {
                    changes.insert(k.clone(), serde_json::json!([old, v]));
                }
            }
            HistoryStep {
                names: Default::default(),
                at: e.at,
                actor_name: names
                    .get(&e.actor)
                    .cloned()
                    .unwrap_or_else(|| crate::admin::actor_label(&e.actor)),
                actor: e.actor,
                action: e.action,
                changes,
            }
        })
        .collect::<Vec<_>>();
    let changes: Vec<serde_json::Value> = steps
        .iter()
        .map(|st| serde_json::Value::Object(st.changes.clone()))
        .collect();
    let names = crate::admin::referenced_names(s, &changes.iter().collect::<Vec<_>>(), &[]).await?;
    for st in &mut steps {
        st.names = names
            .iter()
            .filter(|(key, _)| {
                st.changes.iter().any(|(field, v)| {
                    key.split_once(':').is_some_and(|(kind, id)| {
                        crate::admin::ref_kind(field) == Some(kind)
                            && crate::admin::ids_in(v).iter().any(|x| x.to_string() == id)
                    })
                })
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
    }
    Ok(steps)
}

/// 办理过程 the need's history: each change with who made it and when.
#[utoipa::path(get, path = "/needs/{id}/history", params(("id" = i64, Path, description = "编号")), tag = "需求清单", responses((status = 200, body = Vec<HistoryStep>)))]
async fn need_history(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Vec<HistoryStep>>> {
    user.require(Permission::ProblemRead)?;
    s.store.need(&user.scope, id).await?;
    Ok(Json(history(&s, "need", id).await?))
}

/// 办理过程 the measure's history: each change with who made it and when.
#[utoipa::path(get, path = "/measures/{id}/history", params(("id" = i64, Path, description = "编号")), tag = "整改清单", responses((status = 200, body = Vec<HistoryStep>)))]
async fn measure_history(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Vec<HistoryStep>>> {
    user.require(Permission::ProblemRead)?;
    s.store.measure(&user.scope, id).await?;
    Ok(Json(history(&s, "measure", id).await?))
}

#[utoipa::path(post, path = "/needs", tag = "需求清单", request_body = NeedBody, responses((status = 201, body = NeedOut)))]
async fn create_need(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<NeedBody>,
) -> ApiResult<(StatusCode, Json<NeedOut>)> {
    user.require(Permission::ProblemWrite)?;
    let input = need_input(
        &b,
        b.status.unwrap_or(NeedStatus::Open),
        zlc_app::clock::today(),
    )?;
    let n = s
        .store
        .save_need(&user.actor(), &user.scope, None, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(one(&s, NeedOut::from(n)).await?)))
}

#[utoipa::path(patch, path = "/needs/{id}", params(("id" = i64, Path, description = "编号")), tag = "需求清单", request_body = NeedPatch, responses((status = 200, body = NeedOut), (status = 409, body = crate::error::Problem)))]
async fn update_need(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    ApiJson(b): ApiJson<NeedPatch>,
) -> ApiResult<Json<NeedOut>> {
    user.require(Permission::ProblemWrite)?;
    let cur = s.store.need(&user.scope, id).await?;
    let status = b.status.unwrap_or(cur.status);
    let body = NeedBody {
        unit_id: cur.unit_id,
        activity_id: cur.activity_id,
        problem_id: cur.problem_id,
        raised_by: cur.raised_by,
        content: b.content.unwrap_or(cur.content),
        response: b.response.or(cur.response),
        status: Some(status),
        raised_on: cur.raised_on,
    };
    let mut input = need_input(&body, status, zlc_app::clock::today())?;
    if status.is_closed() && cur.closed_on.is_some() {
        input.closed_on = cur.closed_on;
    }
    let n = s
        .store
        .save_need(&user.actor(), &user.scope, Some((id, b.version)), &input)
        .await?;
    Ok(Json(one(&s, NeedOut::from(n)).await?))
}

/// 整改措施
#[derive(Serialize, ToSchema)]
pub struct MeasureOut {
    pub id: i64,
    pub version: i64,
    pub unit_id: i64,
    pub problem_id: Option<i64>,
    pub need_id: Option<i64>,
    pub activity_id: Option<i64>,
    pub content: String,
    pub deadline: Option<String>,
    pub done_on: Option<String>,
    pub effect: Option<String>,
    pub status: MeasureStatus,
    pub status_label: String,
    /// Names beside the ids: unit, activity, problem, need.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub names: Option<LedgerNames>,
}

impl From<Measure> for MeasureOut {
    fn from(m: Measure) -> Self {
        MeasureOut {
            status_label: m.status.label_zh().into(),
            id: m.id,
            version: m.version,
            unit_id: m.unit_id,
            problem_id: m.problem_id,
            need_id: m.need_id,
            activity_id: m.activity_id,
            content: m.content,
            deadline: m.deadline,
            done_on: m.done_on,
            effect: m.effect,
            status: m.status,
            names: None,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureBody {
    pub unit_id: i64,
    pub problem_id: Option<i64>,
    pub need_id: Option<i64>,
    pub activity_id: Option<i64>,
    pub content: String,
    pub deadline: Option<String>,
    pub done_on: Option<String>,
    pub effect: Option<String>,
    #[schema(example = "planned")]
    pub status: Option<MeasureStatus>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasurePatch {
    pub version: i64,
    pub content: Option<String>,
    pub deadline: Option<String>,
    pub done_on: Option<String>,
    pub effect: Option<String>,
    pub status: Option<MeasureStatus>,
}

fn measure_input(b: &MeasureBody) -> Result<MeasureInput, Errors> {
    let mut errs = Errors::default();
    let content = errs.take(error::text("content", &b.content, TEXT_MAX));
    let effect = errs
        .take(error::optional_text(
            "effect",
            b.effect.as_deref().unwrap_or(""),
            TEXT_MAX,
        ))
        .flatten();
    let deadline = errs
        .take(opt_date("deadline", b.deadline.as_deref()))
        .flatten();
    let done_on = errs
        .take(opt_date("done_on", b.done_on.as_deref()))
        .flatten();
    let status = b.status.unwrap_or(MeasureStatus::Planned);
    if status == MeasureStatus::Done && (done_on.is_none() || effect.is_none()) {
        errs.push("status", "措施完成须填写完成日期和整改效果");
    }
    errs.into_result()?;
    Ok(MeasureInput {
        unit_id: b.unit_id,
        problem_id: b.problem_id,
        need_id: b.need_id,
        activity_id: b.activity_id,
        content: content.unwrap_or_default(),
        deadline,
        done_on,
        effect,
        status,
    })
}

#[utoipa::path(get, path = "/measures", tag = "整改清单", params(CampaignQuery), responses((status = 200, body = ListOf<MeasureOut>)))]
async fn list_measures(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<CampaignQuery>,
) -> ApiResult<Json<ListOf<MeasureOut>>> {
    user.require(Permission::ProblemRead)?;
    let f = q.filter(|s| MeasureStatus::parse(s).map(|x| x.code()))?;
    let page: ListOf<MeasureOut> = s
        .store
        .list_measures(&user.scope, &f, &q.page()?)
        .await?
        .map(MeasureOut::from)
        .into();
    Ok(Json(named_page(&s, page).await?))
}

#[utoipa::path(get, path = "/measures/{id}", params(("id" = i64, Path, description = "编号")), tag = "整改清单", responses((status = 200, body = MeasureOut)))]
async fn get_measure(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<MeasureOut>> {
    user.require(Permission::ProblemRead)?;
    Ok(Json(
        one(
            &s,
            MeasureOut::from(s.store.measure(&user.scope, id).await?),
        )
        .await?,
    ))
}

#[utoipa::path(post, path = "/measures", tag = "整改清单", request_body = MeasureBody, responses((status = 201, body = MeasureOut)))]
async fn create_measure(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<MeasureBody>,
) -> ApiResult<(StatusCode, Json<MeasureOut>)> {
    user.require(Permission::ProblemWrite)?;
    let input = measure_input(&b)?;
    let m = s
        .store
        .save_measure(&user.actor(), &user.scope, None, &input)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(one(&s, MeasureOut::from(m)).await?),
    ))
}

#[utoipa::path(patch, path = "/measures/{id}", params(("id" = i64, Path, description = "编号")), tag = "整改清单", request_body = MeasurePatch, responses((status = 200, body = MeasureOut), (status = 409, body = crate::error::Problem)))]
async fn update_measure(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    ApiJson(b): ApiJson<MeasurePatch>,
) -> ApiResult<Json<MeasureOut>> {
    user.require(Permission::ProblemWrite)?;
    let cur = s.store.measure(&user.scope, id).await?;
    let body = MeasureBody {
        unit_id: cur.unit_id,
        problem_id: cur.problem_id,
        need_id: cur.need_id,
        activity_id: cur.activity_id,
        content: b.content.unwrap_or(cur.content),
        deadline: b.deadline.or(cur.deadline),
        done_on: b.done_on.or(cur.done_on),
        effect: b.effect.or(cur.effect),
        status: b.status.or(Some(cur.status)),
    };
    let input = measure_input(&body)?;
    let m = s
        .store
        .save_measure(&user.actor(), &user.scope, Some((id, b.version)), &input)
        .await?;
    Ok(Json(one(&s, MeasureOut::from(m)).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_needs, create_need))
        .routes(routes!(get_need, update_need))
        .routes(routes!(list_measures, create_measure))
        .routes(routes!(get_measure, update_measure))
        .routes(routes!(need_history))
        .routes(routes!(measure_history))
}
