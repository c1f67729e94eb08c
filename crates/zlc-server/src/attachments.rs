//! 附件 photos and documents on activities, problems and measures: the type is
//! judged by the bytes, the size bounded, the owner's scope checked.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiQuery, Id, RawBody};
use axum::Json;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zlc_domain::auth::Permission;
use zlc_domain::files::AttachmentOwner;
use zlc_domain::files::{ACCEPTED_ZH, clean_name, sniff};
use zlc_store::attachments::Attachment;

/// 附件
#[derive(Serialize, ToSchema)]
pub struct AttachmentOut {
    pub id: i64,
    pub owner: AttachmentOwner,
    pub owner_id: i64,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    /// SM3 of the bytes.
    pub digest: String,
    pub created_at: i64,
    /// Where to download it.
    pub url: String,
}

impl From<Attachment> for AttachmentOut {
    fn from(a: Attachment) -> Self {
        AttachmentOut {
            url: format!("/api/v1/attachments/{}", a.id),
            id: a.id,
            owner: a.owner_kind,
            owner_id: a.owner_id,
            name: a.name,
            content_type: a.content_type,
            size: a.size,
            digest: a.digest,
            created_at: a.created_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OwnerQuery {
    /// What the attachment belongs to.
    #[param(value_type = AttachmentOwner)]
    pub owner: String,
    pub id: i64,
    /// The file's name (upload only).
    pub name: Option<String>,
}

fn owner(q: &OwnerQuery) -> ApiResult<AttachmentOwner> {
    AttachmentOwner::parse(&q.owner).ok_or_else(|| {
        ApiError::field(
            "owner",
            format!(
                "「{}」不是附件可属的记录，可选：{}",
                q.owner,
                AttachmentOwner::choices_zh()
            ),
        )
    })
}

fn may_attach(user: &CurrentUser, o: AttachmentOwner) -> ApiResult<()> {
    match o {
        AttachmentOwner::Activity => user.require(Permission::ActivityWrite),
        AttachmentOwner::Problem if user.can(Permission::ProblemHandle) => Ok(()),
        AttachmentOwner::Problem | AttachmentOwner::Measure => {
            user.require(Permission::ProblemWrite)
        }
    }
}

fn may_read(user: &CurrentUser, o: AttachmentOwner) -> ApiResult<()> {
    match o {
        AttachmentOwner::Activity => user.require(Permission::ActivityRead),
        AttachmentOwner::Problem | AttachmentOwner::Measure => {
            user.require(Permission::ProblemRead)
        }
    }
}

/// Upload: the request body is the file itself (a phone camera's photo, a
/// scanned document); `name` gives its file name.
#[utoipa::path(post, path = "/attachments", tag = "附件", params(OwnerQuery), request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = AttachmentOut), (status = 413, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn upload(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<OwnerQuery>,
    RawBody(body): RawBody,
) -> ApiResult<(StatusCode, Json<AttachmentOut>)> {
    let o = owner(&q)?;
    may_attach(&user, o)?;
    if body.is_empty() {
        return Err(ApiError::field("file", "文件为空"));
    }
    if body.len() as u64 > s.uploads.max_mb * 1024 * 1024 {
        return Err(ApiError::TooLarge);
    }
    let name = clean_name(q.name.as_deref().unwrap_or(""));
    let kind = sniff(&body, &name).ok_or_else(|| {
        ApiError::field(
            "file",
            format!("「{name}」的内容不是可接受的文件类型；可上传：{ACCEPTED_ZH}"),
        )
    })?;
    let a = s
        .store
        .add_attachment(
            &s.objects,
            &user.actor(),
            &user.scope,
            o,
            q.id,
            &name,
            kind.mime(),
            &body,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

#[utoipa::path(get, path = "/attachments", tag = "附件", params(OwnerQuery), responses((status = 200, body = Vec<AttachmentOut>)))]
async fn list(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<OwnerQuery>,
) -> ApiResult<Json<Vec<AttachmentOut>>> {
    let o = owner(&q)?;
    may_read(&user, o)?;
    Ok(Json(
        s.store
            .attachments(&user.scope, o, q.id)
            .await?
            .into_iter()
            .map(AttachmentOut::from)
            .collect(),
    ))
}

/// The file's bytes, with its type as judged on upload.
#[utoipa::path(get, path = "/attachments/{id}", params(("id" = i64, Path, description = "编号")), tag = "附件", responses((status = 200, content_type = "application/octet-stream")))]
async fn download(State(s): State<AppState>, user: CurrentUser, Id(id): Id) -> ApiResult<Response> {
    let a = s.store.attachment(&user.scope, id).await?;
    may_read(&user, a.owner_kind)?;
    let bytes = s.objects.get(&a.object_key).await?;
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&a.content_type).map_err(ApiError::internal)?,
    );
    let encoded: String = a
        .name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    // Only pictures show in the page; a PDF or an office file may carry
    // scripts (/OpenAction /JavaScript) and is downloaded, never rendered
    // from the application's own origin.
    let disposition = if matches!(
        a.content_type.as_str(),
        "image/jpeg" | "image/png" | "image/gif" | "image/webp"
    ) {
        "inline"
    } else {
        "attachment"
    };
    // And whatever a browser makes of it runs in a sandbox with nothing allowed.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
        ),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!(
            "{disposition}; filename=\"attachment\"; filename*=UTF-8''{encoded}"
        ))
        .map_err(ApiError::internal)?,
    );
    Ok(resp)
}

pub fn router(max_mb: u64) -> OpenApiRouter<AppState> {
    let limit = usize::try_from(max_mb * 1024 * 1024 + 1).unwrap_or(usize::MAX);
    OpenApiRouter::new()
        .routes(routes!(upload, list))
        .routes(routes!(download))
        .layer(DefaultBodyLimit::max(limit))
}
