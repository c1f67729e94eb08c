//! 人员 officials. Phones are personal data: sealed at rest, masked on display
//! unless the caller may see them (`official:phone`).

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
use zlc_domain::auth::{Permission, mask_phone};
use zlc_domain::error::{self, Errors, FieldError};
use zlc_domain::kinds::Rank;
use zlc_domain::registry::{NAME_MAX, phone};
use zlc_store::Store;
use zlc_store::registry::{Official, OfficialInput};

/// 人员
#[derive(Serialize, ToSchema)]
pub struct OfficialOut {
    pub id: i64,
    pub version: i64,
    pub unit_id: i64,
    pub name: String,
    /// 职务
    pub title: String,
    /// 职级
    pub rank: Rank,
    pub rank_label: String,
    /// Masked (`138****1234`) unless the caller holds `official:phone`.
    pub phone: Option<String>,
    pub phone_masked: bool,
    pub active: bool,
}

pub fn official_out(store: &Store, user: &CurrentUser, o: Official) -> ApiResult<OfficialOut> {
    let full = user.can(Permission::OfficialPhone);
    let phone = store
        .official_phone(&o)?
        .map(|p| if full { p } else { mask_phone(&p) });
    Ok(OfficialOut {
        id: o.id,
        version: o.version,
        unit_id: o.unit_id,
        rank_label: o.rank.label_zh().to_string(),
        rank: o.rank,
        name: o.name,
        title: o.title,
        phone_masked: phone.is_some() && !full,
        phone,
        active: o.active,
    })
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficialBody {
    pub unit_id: i64,
    pub name: String,
    #[serde(default)]
    pub title: String,
    pub rank: Rank,
    pub phone: Option<String>,
    pub active: Option<bool>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficialPatch {
    pub version: i64,
    pub unit_id: Option<i64>,
    pub name: Option<String>,
    pub title: Option<String>,
    pub rank: Option<Rank>,
    /// Absent keeps the phone; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    pub active: Option<bool>,
}

fn validate(
    unit_id: i64,
    name: &str,
    title: &str,
    rank: Rank,
    ph: Option<&str>,
    active: bool,
) -> Result<OfficialInput, Errors> {
    let mut errs = Errors::default();
    let name = errs.take(error::text("name", name, 50));
    let title = errs.take(error::optional_text("title", title, NAME_MAX));
    let phone = errs.take(ph.map_or(Ok(None), |p| phone("phone", p)));
    errs.into_result()?;
    Ok(OfficialInput {
        unit_id,
        name: name.unwrap_or_default(),
        title: title.flatten().unwrap_or_default(),
        rank: rank.code().to_string(),
        phone: phone.flatten(),
        active,
    })
}

#[utoipa::path(get, path = "", tag = "人员", params(ListQuery), responses((status = 200, body = ListOf<OfficialOut>)))]
async fn list(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<ListOf<OfficialOut>>> {
    user.require(Permission::OfficialRead)?;
    if let Some(k) = &q.kind {
        Rank::parse(k).ok_or_else(|| FieldError::new("kind", format!("未知的职级「{k}」")))?;
    }
    let mut f = q.filter();
    f.kind = f
        .kind
        .as_deref()
        .and_then(Rank::parse)
        .map(|r| r.code().to_string());
    let page = s.store.list_officials(&user.scope, &f, &q.page()?).await?;
    let items = page
        .items
        .into_iter()
        .map(|o| official_out(&s.store, &user, o))
        .collect::<ApiResult<_>>()?;
    Ok(Json(ListOf {
        items,
        next_cursor: page.next_cursor,
        total: page.total,
        total_capped: page.total_capped,
    }))
}

#[utoipa::path(get, path = "/{id}", params(("id" = i64, Path, description = "编号")), tag = "人员", responses((status = 200, body = OfficialOut), (status = 404, body = crate::error::Problem)))]
async fn get_one(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<OfficialOut>> {
    user.require(Permission::OfficialRead)?;
    let o = s.store.official(&user.scope, id).await?;
    Ok(Json(official_out(&s.store, &user, o)?))
}

#[utoipa::path(post, path = "", tag = "人员", request_body = OfficialBody, responses((status = 201, body = OfficialOut), (status = 422, body = crate::error::Problem)))]
async fn create(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<OfficialBody>,
) -> ApiResult<(StatusCode, Json<OfficialOut>)> {
    user.require(Permission::OfficialWrite)?;
    let input = validate(
        b.unit_id,
        &b.name,
        &b.title,
        b.rank,
        b.phone.as_deref(),
        b.active.unwrap_or(true),
    )?;
    let o = s
        .store
        .create_official(&user.actor(), &user.scope, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(official_out(&s.store, &user, o)?)))
}

#[utoipa::path(patch, path = "/{id}", params(("id" = i64, Path, description = "编号")), tag = "人员", request_body = OfficialPatch,
    responses((status = 200, body = OfficialOut), (status = 409, body = crate::error::Problem)))]
async fn update(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    ApiJson(b): ApiJson<OfficialPatch>,
) -> ApiResult<Json<OfficialOut>> {
    user.require(Permission::OfficialWrite)?;
    let cur = s.store.official(&user.scope, id).await?;
    let rank = b.rank.unwrap_or(cur.rank);
    let phone_given = b.phone.is_some();
    let phone = b.phone.flatten();
    let input = validate(
        b.unit_id.unwrap_or(cur.unit_id),
        b.name.as_deref().unwrap_or(&cur.name),
        b.title.as_deref().unwrap_or(&cur.title),
        rank,
        phone.as_deref(),
        b.active.unwrap_or(cur.active),
    )?;
    let o = s
        .store
        .update_official(
            &user.actor(),
            &user.scope,
            id,
            b.version,
            &input,
            phone_given,
        )
        .await?;
    Ok(Json(official_out(&s.store, &user, o)?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update))
}
