//! 督办 for the signed-in account: its to-do list (待办), its inbox of
//! reminders (站内消息) and the address its daily digest is mailed to.
//! Every answer is the caller's own: the to-do list within its scope and
//! permissions, the inbox by its account id.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Id};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zlc_app::duty::Todo;
use zlc_domain::error::FieldError;
use zlc_store::duty::Message;

/// 待办 the caller's list.
#[derive(Serialize, ToSchema)]
pub struct TodosOut {
    pub items: Vec<Todo>,
    /// 已逾期 entries.
    pub overdue: usize,
    /// 即将到期 entries.
    pub due_soon: usize,
}

/// The caller's to-do list: overdue first, then due soon, then the rest.
#[utoipa::path(get, path = "/todos", tag = "督办", responses((status = 200, body = TodosOut)))]
async fn todos(State(s): State<AppState>, user: CurrentUser) -> ApiResult<Json<TodosOut>> {
    let today = zlc_app::clock::today();
    let items = zlc_app::duty::todos(
        &s,
        user.id,
        user.unit_id,
        &user.scope,
        &user.permissions,
        today,
    )
    .await?;
    let count = |st| items.iter().filter(|t| t.state == st).count();
    Ok(Json(TodosOut {
        overdue: count(zlc_app::duty::TodoState::Overdue),
        due_soon: count(zlc_app::duty::TodoState::DueSoon),
        items,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MessageQuery {
    /// Only the unread ones.
    #[serde(default)]
    pub unread: bool,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// 站内消息 one page of the caller's inbox.
#[derive(Serialize, ToSchema)]
pub struct MessagesOut {
    pub items: Vec<Message>,
    pub total: i64,
    pub unread: i64,
}

/// The caller's messages, newest first.
#[utoipa::path(get, path = "/messages", params(MessageQuery), tag = "督办", responses((status = 200, body = MessagesOut)))]
async fn messages(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<MessageQuery>,
) -> ApiResult<Json<MessagesOut>> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(FieldError::new("limit", "每页条数应在 1 到 200 之间").into());
    }
    let offset = q.offset.unwrap_or(0);
    if offset < 0 {
        return Err(FieldError::new("offset", "起始位置不能为负数").into());
    }
    let (items, total, unread) = s.store.messages(user.id, q.unread, limit, offset).await?;
    Ok(Json(MessagesOut {
        items,
        total,
        unread,
    }))
}

/// 未读消息数 for the bell.
#[derive(Serialize, ToSchema)]
pub struct UnreadOut {
    pub unread: i64,
}

/// How many of the caller's messages are unread.
#[utoipa::path(get, path = "/messages/unread", tag = "督办", responses((status = 200, body = UnreadOut)))]
async fn unread(State(s): State<AppState>, user: CurrentUser) -> ApiResult<Json<UnreadOut>> {
    Ok(Json(UnreadOut {
        unread: s.store.unread_count(user.id).await?,
    }))
}

/// Marks one of the caller's messages read; another account's is not found.
#[utoipa::path(post, path = "/messages/{id}/read", params(("id" = i64, Path, description = "编号")), tag = "督办", responses((status = 204), (status = 404)))]
async fn read_one(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    s.store.mark_read(user.id, Some(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Marks all the caller's messages read.
#[utoipa::path(post, path = "/messages/read-all", tag = "督办", responses((status = 200, body = UnreadOut)))]
async fn read_all(State(s): State<AppState>, user: CurrentUser) -> ApiResult<Json<UnreadOut>> {
    s.store.mark_read(user.id, None).await?;
    Ok(Json(UnreadOut { unread: 0 }))
}

/// 接收督办邮件的邮箱
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailBody {
    /// Empty or absent: no mail.
    pub email: Option<String>,
}

/// The address the caller's daily digest is mailed to, masked.
#[utoipa::path(get, path = "/me/email", tag = "督办", responses((status = 200, body = EmailBody)))]
async fn get_email(State(s): State<AppState>, user: CurrentUser) -> ApiResult<Json<EmailBody>> {
    let email = s.store.email_of(user.id).await?;
    Ok(Json(EmailBody {
        email: email.as_deref().map(zlc_domain::auth::mask_email),
    }))
}

/// Sets the address the caller's daily digest is mailed to.
#[utoipa::path(put, path = "/me/email", request_body = EmailBody, tag = "督办", responses((status = 200, body = EmailBody), (status = 422)))]
async fn put_email(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<EmailBody>,
) -> ApiResult<Json<EmailBody>> {
    let email = body
        .email
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty());
    if let Some(e) = &email {
        zlc_app::duty::check_email(e)?;
    }
    s.store
        .set_email(&user.actor(), user.id, email.as_deref())
        .await?;
    Ok(Json(EmailBody {
        email: email.as_deref().map(zlc_domain::auth::mask_email),
    }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(todos))
        .routes(routes!(messages))
        .routes(routes!(unread))
        .routes(routes!(read_one))
        .routes(routes!(read_all))
        .routes(routes!(get_email, put_email))
}
