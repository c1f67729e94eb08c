//! 单位 units: the tree that scopes every record.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::{AppState, ListOf, ListQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zlc_domain::auth::Permission;
use zlc_domain::ids::UnitId;
use zlc_domain::registry::{UnitCategory, UnitInput, UnitKind, categories_zh};
use zlc_store::registry::Unit;

/// 单位
#[derive(Serialize, ToSchema)]
pub struct UnitOut {
    pub id: i64,
    pub version: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub kind: UnitKind,
    pub kind_label: String,
    /// Category codes: approval, enforcement, complaints, policy-making, public-enterprise.
    pub categories: Vec<String>,
    pub categories_label: String,
    pub code: Option<String>,
    pub sort: i64,
    pub depth: i64,
    pub path: String,
    /// 牵头单位（发文机关）: who issues the region's notices.
    pub lead_office: Option<String>,
}

impl From<Unit> for UnitOut {
    fn from(u: Unit) -> Self {
        let cats: Vec<UnitCategory> = u
            .categories
            .split(',')
            .filter_map(UnitCategory::parse)
            .collect();
        UnitOut {
            id: u.id,
            version: u.version,
            parent_id: u.parent_id,
            kind_label: u.kind.label_zh().to_string(),
            kind: u.kind,
            categories: cats.iter().map(|c| c.code().to_string()).collect(),
            categories_label: categories_zh(&cats),
            name: u.name,
            code: u.code,
            sort: u.sort,
            depth: u.depth,
            path: u.path,
            lead_office: u.lead_office,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitBody {
    pub name: String,
    pub parent_id: Option<i64>,
    pub kind: UnitKind,
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub categories: Vec<UnitCategory>,
    pub code: Option<String>,
    #[serde(default)]
    pub sort: i64,
    /// 牵头单位（发文机关）, for a region.
    pub lead_office: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitPatch {
    pub version: i64,
    pub name: Option<String>,
    pub parent_id: Option<i64>,
    pub kind: Option<UnitKind>,
    #[schema(value_type = Option<Vec<String>>)]
    pub categories: Option<Vec<UnitCategory>>,
    pub code: Option<String>,
    pub sort: Option<i64>,
    /// 牵头单位（发文机关）; an empty string clears it.
    pub lead_office: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionBody {
    pub version: i64,
}

/// Units in the caller's scope; `parent` lists one level, `unit` a subtree.
#[utoipa::path(get, path = "", tag = "单位", params(ListQuery), responses((status = 200, body = ListOf<UnitOut>)))]
async fn list(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<ListOf<UnitOut>>> {
    user.require(Permission::UnitRead)?;
    let page = s
        .store
        .list_units(&user.scope, &q.filter(), &q.page()?)
        .await?;
    Ok(Json(page.map(UnitOut::from).into()))
}

/// Most ids one names request takes.
const MAX_NAMES: usize = 200;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NamesQuery {
    /// Unit ids separated by commas, at most 200.
    pub ids: String,
}

/// 单位名称: a unit's id and name, nothing else.
#[derive(Serialize, ToSchema)]
pub struct UnitName {
    pub id: i64,
    pub name: String,
}

/// The names of units by id, also of units outside the caller's scope: a
/// problem names the units it involves (协办单位) and its readers must see
/// who they are. Names only (they are public on the 公示 page too).
#[utoipa::path(get, path = "/names", tag = "单位", params(NamesQuery), responses((status = 200, body = ListOf<UnitName>), (status = 422, body = crate::error::Problem)))]
async fn names(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<NamesQuery>,
) -> ApiResult<Json<ListOf<UnitName>>> {
    user.require(Permission::UnitRead)?;
    let mut ids = Vec::new();
    for part in q.ids.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let id: i64 = part
            .parse()
            .map_err(|_| ApiError::field("ids", format!("「{part}」不是单位编号")))?;
        ids.push(id);
    }
    ids.sort_unstable();
    ids.dedup();
    if ids.len() > MAX_NAMES {
        return Err(ApiError::field(
            "ids",
            format!("一次最多查询 {MAX_NAMES} 个单位，收到 {} 个", ids.len()),
        ));
    }
    let items = s
        .store
        .unit_names(&user.scope, &ids)
        .await?
        .into_iter()
        .map(|(id, name)| UnitName { id, name })
        .collect();
    Ok(Json(ListOf {
        items,
        next_cursor: None,
        total: None,
        total_capped: false,
    }))
}

#[utoipa::path(get, path = "/{id}", params(("id" = i64, Path, description = "编号")), tag = "单位", responses((status = 200, body = UnitOut), (status = 404, body = crate::error::Problem)))]
async fn get_one(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<UnitOut>> {
    user.require(Permission::UnitRead)?;
    Ok(Json(s.store.unit(&user.scope, id).await?.into()))
}

#[utoipa::path(post, path = "", tag = "单位", request_body = UnitBody, responses((status = 201, body = UnitOut), (status = 422, body = crate::error::Problem)))]
async fn create(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<UnitBody>,
) -> ApiResult<(StatusCode, Json<UnitOut>)> {
    user.require(Permission::UnitWrite)?;
    let input = UnitInput::new(
        &b.name,
        b.parent_id.map(UnitId),
        b.kind,
        b.categories,
        b.code.as_deref(),
        b.sort,
    )?
    .with_lead_office(b.lead_office.as_deref())?;
    let unit = s
        .store
        .create_unit(&user.actor(), &user.scope, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(unit.into())))
}

/// Change fields of a unit; `version` must be the one read (else 409).
#[utoipa::path(patch, path = "/{id}", params(("id" = i64, Path, description = "编号")), tag = "单位", request_body = UnitPatch,
    responses((status = 200, body = UnitOut), (status = 409, body = crate::error::Problem)))]
async fn update(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    ApiJson(b): ApiJson<UnitPatch>,
) -> ApiResult<Json<UnitOut>> {
    user.require(Permission::UnitWrite)?;
    let cur = s.store.unit(&user.scope, id).await?;
    let cats = match b.categories {
        Some(c) => c,
        None => cur
            .categories
            .split(',')
            .filter_map(UnitCategory::parse)
            .collect(),
    };
    let kind = b.kind.unwrap_or(cur.kind);
    let input = UnitInput::new(
        b.name.as_deref().unwrap_or(&cur.name),
        b.parent_id.or(cur.parent_id).map(UnitId),
        kind,
        cats,
        b.code.as_deref().or(cur.code.as_deref()),
        b.sort.unwrap_or(cur.sort),
    )?
    .with_lead_office(b.lead_office.as_deref().or(cur.lead_office.as_deref()))?;
    Ok(Json(
        s.store
            .update_unit(&user.actor(), &user.scope, id, b.version, &input)
            .await?
            .into(),
    ))
}

#[utoipa::path(delete, path = "/{id}", params(("id" = i64, Path, description = "编号")), tag = "单位", request_body = VersionBody, responses((status = 204), (status = 409, body = crate::error::Problem)))]
async fn remove(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    ApiJson(b): ApiJson<VersionBody>,
) -> ApiResult<StatusCode> {
    user.require(Permission::UnitWrite)?;
    s.store
        .delete_unit(&user.actor(), &user.scope, id, b.version)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(names))
        .routes(routes!(get_one, update, remove))
}
