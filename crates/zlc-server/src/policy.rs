//! 活动规则 the active policy: view it, choose a preset, or load an edited file.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zlc_domain::auth::Permission;
use zlc_domain::error::{Errors, FieldError};
use zlc_domain::policy::{Policy, PolicyErrors, preset, presets};
use zlc_store::policy::PolicyVersion;

/// The active policy: its stored version, its text and its parsed rules.
#[derive(Serialize, ToSchema)]
pub struct ActivePolicy {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub created_at: i64,
    /// The TOML text, for editing: only to whoever may change the policy
    /// (the system administrator); empty for everyone else, who read the
    /// parsed rules below.
    pub source: String,
    #[schema(value_type = HashMap<String, serde_json::Value>)]
    pub policy: serde_json::Value,
}

/// 预置方案
#[derive(Serialize, ToSchema)]
pub struct PresetOut {
    pub code: String,
    pub name: String,
}

/// 规则版本
#[derive(Serialize, ToSchema)]
pub struct VersionOut {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub active: bool,
    pub created_by: Option<i64>,
    pub created_at: i64,
}

impl From<PolicyVersion> for VersionOut {
    fn from(v: PolicyVersion) -> Self {
        VersionOut {
            id: v.id,
            code: v.code,
            name: v.name,
            active: v.active,
            created_by: v.created_by,
            created_at: v.created_at,
        }
    }
}

/// Either a preset's code or an edited TOML text.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivateBody {
    pub preset: Option<String>,
    pub source: Option<String>,
}

/// Policy file errors as field errors: the key is the field, the line leads the message.
pub fn policy_errors(errs: PolicyErrors) -> ApiError {
    ApiError::Invalid(Errors(
        errs.iter()
            .map(|e| {
                FieldError::new(
                    if e.key.is_empty() {
                        "source".into()
                    } else {
                        e.key.clone()
                    },
                    format!("第 {} 行：{}", e.line, e.message),
                )
            })
            .collect(),
    ))
}

#[utoipa::path(get, path = "/policy", tag = "活动规则", responses((status = 200, body = ActivePolicy)))]
async fn active(State(s): State<AppState>, user: CurrentUser) -> ApiResult<Json<ActivePolicy>> {
    user.require(Permission::PolicyRead)?;
    let v = s.store.active_policy().await?.ok_or(ApiError::NotFound)?;
    let policy = serde_json::to_value(&*s.policy()).map_err(ApiError::internal)?;
    Ok(Json(ActivePolicy {
        id: v.id,
        code: v.code,
        name: v.name,
        created_at: v.created_at,
        source: if user.can(Permission::PolicyWrite) {
            v.source
        } else {
            String::new()
        },
        policy,
    }))
}

#[utoipa::path(get, path = "/policy/presets", tag = "活动规则", responses((status = 200, body = Vec<PresetOut>)))]
async fn list_presets(user: CurrentUser) -> ApiResult<Json<Vec<PresetOut>>> {
    user.require(Permission::PolicyRead)?;
    Ok(Json(
        presets()
            .iter()
            .map(|p| PresetOut {
                code: p.code.into(),
                name: p.name.into(),
            })
            .collect(),
    ))
}

#[utoipa::path(get, path = "/policy/versions", tag = "活动规则", responses((status = 200, body = Vec<VersionOut>)))]
async fn versions(
    State(s): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<VersionOut>>> {
    user.require(Permission::PolicyRead)?;
    Ok(Json(
        s.store
            .policy_versions()
            .await?
            .into_iter()
            .map(VersionOut::from)
            .collect(),
    ))
}

/// Activates a preset or an edited policy; a file with errors is refused whole,
/// each error naming its key and line.
#[utoipa::path(post, path = "/policy", tag = "活动规则", request_body = ActivateBody,
    responses((status = 200, body = VersionOut), (status = 422, body = crate::error::Problem)))]
async fn activate(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<ActivateBody>,
) -> ApiResult<Json<VersionOut>> {
    user.require(Permission::PolicyWrite)?;
    let source = match (b.preset, b.source) {
        (Some(code), None) => preset(&code)
            .ok_or_else(|| {
                let names: Vec<&str> = presets().iter().map(|p| p.code).collect();
                ApiError::field(
                    "preset",
                    format!("没有预置方案「{code}」，可选：{}", names.join("、")),
                )
            })?
            .source
            .to_string(),
        (None, Some(src)) => src,
        _ => {
            return Err(ApiError::field(
                "preset",
                "请给出 preset（预置方案）或 source（规则文件内容）之一",
            ));
        }
    };
    if source.len() > 256 * 1024 {
        return Err(ApiError::field("source", "规则文件超过 256 KB"));
    }
    let policy = Policy::from_toml(&source).map_err(policy_errors)?;
    let v = s
        .store
        .activate_policy(&user.actor(), &policy.meta.code, &policy.meta.name, &source)
        .await?;
    s.set_policy(policy);
    Ok(Json(v.into()))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(active, activate))
        .routes(routes!(list_presets))
        .routes(routes!(versions))
}
