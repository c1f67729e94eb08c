//! One error type for the HTTP layer: every failure becomes an RFC 9457
//! `application/problem+json` answer with a Chinese `detail`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use zlc_app::AppError;
use zlc_app::error::Cause;
use zlc_domain::error::{Errors, FieldError};
use zlc_store::StoreError;

/// A field named by a validation error.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub message: String,
    /// For a row of an imported table: its row number as the spreadsheet shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    /// For a row of an imported table: the column's header (empty for the whole row).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// For a table of several: the worksheet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
}

/// RFC 9457 problem details.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

#[derive(Debug)]
pub enum ApiError {
    /// 400: the request is malformed (not JSON, bad query string).
    BadRequest(String),
    /// 401: not signed in, or the session expired.
    Unauthorized(String),
    /// 403: signed in, not allowed.
    Forbidden(String),
    /// 404: absent, or outside the caller's data scope.
    NotFound,
    /// 409: a stale version, or a state that forbids the change.
    Conflict {
        detail: String,
        current_version: Option<i64>,
    },
    /// 413
    TooLarge,
    /// 413: a limit of the configuration, named in the message.
    Limit(String),
    /// 429: too much at once (another import of the account still runs).
    Busy(String),
    /// 415
    UnsupportedMedia,
    /// 422: validation, naming each field.
    Invalid(Errors),
    /// 422: rows of an imported table, each as `row N, column 列名: reason`.
    Rows(Vec<zlc_domain::sheets::RowError>),
    /// 423: the account is locked.
    Locked(String),
    /// 500: logged once with its whole chain of causes, shown briefly.
    Internal(Cause),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        ApiError::Invalid(FieldError::new(field, message).into())
    }

    /// A fault of the machine, keeping its cause for the log.
    pub fn internal(cause: impl Into<Cause>) -> Self {
        ApiError::Internal(cause.into())
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad-request", "请求格式错误"),
            ApiError::Unauthorized(_) => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "未登录或登录已过期",
            ),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", "无权执行此操作"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not-found", "记录不存在"),
            ApiError::Conflict { .. } => (StatusCode::CONFLICT, "conflict", "操作冲突"),
            ApiError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too-large", "请求体过大"),
            ApiError::Limit(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too-large", "超出上限"),
            ApiError::Busy(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                "busy",
                "请求过多，请稍后再试",
            ),
            ApiError::UnsupportedMedia => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "请求类型不支持",
            ),
            ApiError::Invalid(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "提交的数据有误",
            ),
            ApiError::Rows(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "import-rows",
                "表格有误，未导入任何数据",
            ),
            ApiError::Locked(_) => (StatusCode::LOCKED, "locked", "账号已锁定"),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "服务器内部错误",
            ),
        }
    }
}

impl From<StoreError> for ApiError {
    /// A store error means to a request what it means to a use case.
    fn from(e: StoreError) -> Self {
        ApiError::from(AppError::from(e))
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => ApiError::NotFound,
            AppError::Invalid(errs) => ApiError::Invalid(errs),
            AppError::Rows(rows) => ApiError::Rows(rows),
            AppError::Conflict {
                detail,
                current_version,
            } => ApiError::Conflict {
                detail,
                current_version,
            },
            AppError::Limit(m) => ApiError::Limit(m),
            AppError::Busy(m) => ApiError::Busy(m),
            internal @ AppError::Internal { .. } => ApiError::Internal(Box::new(internal)),
        }
    }
}

impl From<Errors> for ApiError {
    fn from(e: Errors) -> Self {
        ApiError::Invalid(e)
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::Invalid(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, kind, title) = self.parts();
        let mut errors = Vec::new();
        let mut current_version = None;
        let detail = match self {
            ApiError::BadRequest(d)
            | ApiError::Unauthorized(d)
            | ApiError::Forbidden(d)
            | ApiError::Locked(d)
            | ApiError::Limit(d)
            | ApiError::Busy(d) => d,
            ApiError::NotFound => "记录不存在，或不在您的数据范围内".into(),
            ApiError::Conflict {
                detail,
                current_version: v,
            } => {
                current_version = v;
                detail
            }
            ApiError::TooLarge => "请求体超过上限".into(),
            ApiError::UnsupportedMedia => "请求须为 JSON（Content-Type: application/json）".into(),
            ApiError::Invalid(errs) => {
                let d = errs.to_string();
                errors = errs
                    .0
                    .into_iter()
                    .map(|e| ProblemField {
                        field: e.field,
                        message: e.message,
                        row: None,
                        column: None,
                        sheet: None,
                    })
                    .collect();
                d
            }
            ApiError::Rows(rows) => {
                let d = format!("表格有 {} 处错误，未导入任何数据", rows.len());
                errors = rows
                    .into_iter()
                    .map(|e| {
                        let field = e.to_string();
                        let field = field
                            .strip_suffix(&format!(": {}", e.reason))
                            .unwrap_or(&field)
                            .to_string();
                        ProblemField {
                            field,
                            message: e.reason,
                            row: Some(e.row),
                            column: Some(e.column),
                            sheet: e.sheet,
                        }
                    })
                    .collect();
                d
            }
            ApiError::Internal(cause) => {
                tracing::error!(error = %zlc_app::error::chain(&*cause), "internal error");
                "服务器内部错误，已记录，请稍后重试或联系管理员".into()
            }
        };
        let body = Problem {
            kind: format!("/problems/{kind}"),
            title: title.into(),
            status: status.as_u16(),
            detail,
            errors,
            current_version,
        };
        let mut resp = (status, axum::Json(body)).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        resp
    }
}
