//! 事项 service items with their process figures and the history of those figures.

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::{AppState, ListOf, ListQuery, double_option};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zlc_domain::auth::Permission;
use zlc_domain::error::{self, Errors, FieldError};
use zlc_domain::registry::{
    HandlingMode, ItemType, NAME_MAX, PowerCategory, ProcessFigures, ServiceObject, TEXT_MAX,
};
use zlc_store::registry::{FiguresRecord, Item, ItemInput};

/// 办事流程要素
#[derive(Serialize, Deserialize, ToSchema, Clone, Copy, Default)]
#[serde(deny_unknown_fields)]
pub struct Figures {
    /// 要件数量
    pub materials: Option<i32>,
    /// 办理时限（工作日），0 为即办
    pub time_limit_days: Option<i32>,
    /// 办理环节
    pub steps: Option<i32>,
    /// 跑动次数
    pub trips: Option<i32>,
    /// 可网办
    pub online: Option<bool>,
}

impl From<Figures> for ProcessFigures {
    fn from(f: Figures) -> Self {
        ProcessFigures {
            materials: f.materials,
            time_limit_days: f.time_limit_days,
            steps: f.steps,
            trips: f.trips,
            online: f.online,
        }
    }
}

impl From<ProcessFigures> for Figures {
    fn from(f: ProcessFigures) -> Self {
        Figures {
            materials: f.materials,
            time_limit_days: f.time_limit_days,
            steps: f.steps,
            trips: f.trips,
            online: f.online,
        }
    }
}

/// 事项
#[derive(Serialize, ToSchema)]
pub struct ItemOut {
    pub id: i64,
    pub version: i64,
    pub unit_id: i64,
    /// 责任科室
    pub section_id: Option<i64>,
    pub name: String,
    pub item_type: ItemType,
    pub item_type_label: String,
    pub power_category: PowerCategory,
    pub power_category_label: String,
    pub service_object: ServiceObject,
    pub handling_mode: HandlingMode,
    /// 办理途径: URL or address
    pub channel: Option<String>,
    pub contact: Option<String>,
    pub note: Option<String>,
    pub figures: Figures,
}

impl From<Item> for ItemOut {
    fn from(i: Item) -> Self {
        let figures = i.figures().into();
        ItemOut {
            id: i.id,
            version: i.version,
            unit_id: i.unit_id,
            section_id: i.section_id,
            item_type_label: i.item_type.label_zh().to_string(),
            power_category_label: i.power_category.label_zh().to_string(),
            name: i.name,
            item_type: i.item_type,
            power_category: i.power_category,
            service_object: i.service_object,
            handling_mode: i.handling_mode,
            channel: i.channel,
            contact: i.contact,
            note: i.note,
            figures,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemBody {
    pub unit_id: i64,
    pub section_id: Option<i64>,
    pub name: String,
    pub item_type: ItemType,
    pub power_category: PowerCategory,
    pub service_object: ServiceObject,
    pub handling_mode: HandlingMode,
    pub channel: Option<String>,
    pub contact: Option<String>,
    pub note: Option<String>,
    #[serde(default)]
    pub figures: Figures,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemPatch {
    pub version: i64,
    pub unit_id: Option<i64>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub section_id: Option<Option<i64>>,
    pub name: Option<String>,
    pub item_type: Option<ItemType>,
    pub power_category: Option<PowerCategory>,
    pub service_object: Option<ServiceObject>,
    pub handling_mode: Option<HandlingMode>,
    pub channel: Option<String>,
    pub contact: Option<String>,
    pub note: Option<String>,
    pub figures: Option<Figures>,
    /// Why the figures changed (kept in their history), e.g. 整改后.
    pub figures_source: Option<String>,
}

fn validate(b: ItemBody) -> Result<ItemInput, Errors> {
    let mut errs = Errors::default();
    let name = errs.take(error::text("name", &b.name, NAME_MAX));
    let channel = errs.take(error::optional_text(
        "channel",
        b.channel.as_deref().unwrap_or(""),
        TEXT_MAX,
    ));
    let contact = errs.take(error::optional_text(
        "contact",
        b.contact.as_deref().unwrap_or(""),
        NAME_MAX,
    ));
    let note = errs.take(error::optional_text(
        "note",
        b.note.as_deref().unwrap_or(""),
        TEXT_MAX,
    ));
    let figures: ProcessFigures = b.figures.into();
    if let Err(e) = figures.validate("figures") {
        errs.0.extend(e.0);
    }
    errs.into_result()?;
    Ok(ItemInput {
        unit_id: b.unit_id,
        section_id: b.section_id,
        name: name.unwrap_or_default(),
        item_type: b.item_type.code().into(),
        power_category: b.power_category.code().into(),
        service_object: b.service_object.code().into(),
        handling_mode: b.handling_mode.code().into(),
        channel: channel.flatten(),
        contact: contact.flatten(),
        note: note.flatten(),
        figures,
    })
}

#[utoipa::path(get, path = "", tag = "事项", params(ListQuery), responses((status = 200, body = ListOf<ItemOut>)))]
async fn list(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<ListOf<ItemOut>>> {
    user.require(Permission::ItemRead)?;
    let mut f = q.filter();
    if let Some(k) = &q.kind {
        f.kind = Some(
            ItemType::parse(k)
                .ok_or_else(|| FieldError::new("kind", format!("未知的事项类型「{k}」")))?
                .code()
                .into(),
        );
    }
    let page = s.store.list_items(&user.scope, &f, &q.page()?).await?;
    Ok(Json(page.map(ItemOut::from).into()))
}

#[utoipa::path(get, path = "/{id}", params(("id" = i64, Path, description = "编号")), tag = "事项", responses((status = 200, body = ItemOut), (status = 404, body = crate::error::Problem)))]
async fn get_one(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<ItemOut>> {
    user.require(Permission::ItemRead)?;
    Ok(Json(s.store.item(&user.scope, id).await?.into()))
}

/// 流程要素历史
#[derive(Serialize, ToSchema)]
pub struct FiguresOut {
    pub recorded_at: i64,
    pub source: String,
    pub note: Option<String>,
    pub figures: Figures,
    /// The rectification that changed the figures (its note reads `问题 N`).
    pub problem_id: Option<i64>,
    /// That problem by its first words.
    pub problem_label: Option<String>,
    /// Who recorded them (display name).
    pub recorded_by_name: Option<String>,
}

impl From<FiguresRecord> for FiguresOut {
    fn from(r: FiguresRecord) -> Self {
        let i = |v: Option<i64>| v.and_then(|x| i32::try_from(x).ok());
        FiguresOut {
            problem_id: r
                .note
                .as_deref()
                .and_then(|n| n.strip_prefix("问题 "))
                .and_then(|n| n.trim().parse().ok()),
            problem_label: None,
            recorded_by_name: None,
            recorded_at: r.recorded_at,
            source: r.source,
            note: r.note,
            figures: Figures {
                materials: i(r.materials),
                time_limit_days: i(r.time_limit_days),
                steps: i(r.steps),
                trips: i(r.trips),
                online: r.online,
            },
        }
    }
}

/// The history of an item's process figures, oldest first.
#[utoipa::path(get, path = "/{id}/figures", params(("id" = i64, Path, description = "编号")), tag = "事项", responses((status = 200, body = Vec<FiguresOut>)))]
async fn figures(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<Vec<FiguresOut>>> {
    user.require(Permission::ItemRead)?;
    let records = s.store.item_figures(&user.scope, id).await?;
    let users = s
        .store
        .user_name_map(records.iter().map(|r| r.recorded_by))
        .await?;
    let by: Vec<Option<i64>> = records.iter().map(|r| r.recorded_by).collect();
    let mut out: Vec<FiguresOut> = records.into_iter().map(FiguresOut::from).collect();
    let problems = s
        .store
        .problem_labels(out.iter().map(|f| f.problem_id))
        .await?;
    for (f, by) in out.iter_mut().zip(by) {
        f.problem_label = f.problem_id.and_then(|p| problems.get(&p).cloned());
        f.recorded_by_name = by.and_then(|u| users.get(&u).cloned());
    }
    Ok(Json(out))
}

#[utoipa::path(post, path = "", tag = "事项", request_body = ItemBody, responses((status = 201, body = ItemOut), (status = 422, body = crate::error::Problem)))]
async fn create(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<ItemBody>,
) -> ApiResult<(StatusCode, Json<ItemOut>)> {
    user.require(Permission::ItemWrite)?;
    let input = validate(b)?;
    let item = s
        .store
        .create_item(&user.actor(), &user.scope, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(item.into())))
}

#[utoipa::path(patch, path = "/{id}", params(("id" = i64, Path, description = "编号")), tag = "事项", request_body = ItemPatch,
    responses((status = 200, body = ItemOut), (status = 409, body = crate::error::Problem)))]
async fn update(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    ApiJson(b): ApiJson<ItemPatch>,
) -> ApiResult<Json<ItemOut>> {
    user.require(Permission::ItemWrite)?;
    let cur = s.store.item(&user.scope, id).await?;
    let source = error::optional_text(
        "figures_source",
        b.figures_source.as_deref().unwrap_or(""),
        50,
    )?
    .unwrap_or_else(|| "手工修改".into());
    let merged = ItemBody {
        unit_id: b.unit_id.unwrap_or(cur.unit_id),
        section_id: b.section_id.unwrap_or(cur.section_id),
        name: b.name.unwrap_or(cur.name.clone()),
        item_type: b.item_type.unwrap_or(cur.item_type),
        power_category: b.power_category.unwrap_or(cur.power_category),
        service_object: b.service_object.unwrap_or(cur.service_object),
        handling_mode: b.handling_mode.unwrap_or(cur.handling_mode),
        channel: b.channel.or(cur.channel.clone()),
        contact: b.contact.or(cur.contact.clone()),
        note: b.note.or(cur.note.clone()),
        figures: b.figures.unwrap_or_else(|| cur.figures().into()),
    };
    let input = validate(merged)?;
    Ok(Json(
        s.store
            .update_item(&user.actor(), &user.scope, id, b.version, &input, &source)
            .await?
            .into(),
    ))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update))
        .routes(routes!(figures))
}
