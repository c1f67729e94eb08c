//! Administration under the separation of the three administrators (三员分立):
//! accounts and API tokens (系统管理员), roles, sessions and the login log
//! (安全管理员), the audit trail (审计管理员).

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery, Id};
use crate::{AppState, ListOf, PageQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zlc_app::accounts::NewAccount;
use zlc_domain::auth::Permission;
use zlc_store::accounts::{ApiToken, LoginEntry, Role, Session, User};
use zlc_store::audit::{self, AuditEntry, AuditFilter, Verification};
use zlc_store::crypto::{random_token, sm3_hex};
use zlc_store::now_ms;

/// 账号
#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub version: i64,
    pub username: String,
    pub display_name: String,
    pub unit_id: Option<i64>,
    /// The unit's name (also for administrators who may not read units).
    pub unit_name: Option<String>,
    pub roles: Vec<String>,
    pub disabled: bool,
    pub locked: bool,
    pub must_change_password: bool,
    pub last_login_at: Option<i64>,
}

async fn user_out(s: &AppState, u: User) -> ApiResult<UserOut> {
    let (roles, _) = s.store.user_roles(u.id).await?;
    let unit_name = s
        .store
        .unit_name_map([u.unit_id])
        .await?
        .into_values()
        .next();
    Ok(UserOut {
        unit_name,
        id: u.id,
        version: u.version,
        username: u.username,
        display_name: u.display_name,
        unit_id: u.unit_id,
        roles,
        disabled: u.disabled,
        locked: u.locked_until.is_some_and(|t| t > now_ms()),
        must_change_password: u.must_change_password,
        last_login_at: u.last_login_at,
    })
}

fn require_any(user: &CurrentUser, perms: &[Permission]) -> ApiResult<()> {
    if perms.iter().any(|p| user.can(*p)) {
        Ok(())
    } else {
        user.require(perms[0])
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UserQuery {
    pub cursor: Option<String>,
    pub limit: Option<i64>,
    pub q: Option<String>,
}

#[utoipa::path(get, path = "/users", tag = "系统管理", params(UserQuery), responses((status = 200, body = ListOf<UserOut>)))]
async fn list_users(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<UserQuery>,
) -> ApiResult<Json<ListOf<UserOut>>> {
    require_any(&user, &[Permission::UserManage, Permission::RoleManage])?;
    let page = s
        .store
        .list_users(
            crate::search_text(&q.q).as_deref(),
            &zlc_store::PageRequest::new(q.cursor.as_deref(), q.limit)?,
        )
        .await?;
    let mut items = Vec::with_capacity(page.items.len());
    for u in page.items {
        items.push(user_out(&s, u).await?);
    }
    Ok(Json(ListOf {
        items,
        next_cursor: page.next_cursor,
        total: page.total,
        total_capped: page.total_capped,
    }))
}

#[utoipa::path(get, path = "/users/{id}", params(("id" = i64, Path, description = "编号")), tag = "系统管理", responses((status = 200, body = UserOut)))]
async fn get_user(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<UserOut>> {
    require_any(&user, &[Permission::UserManage, Permission::RoleManage])?;
    let u = s.store.user(id).await?;
    Ok(Json(user_out(&s, u).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserBody {
    pub username: String,
    pub display_name: String,
    pub unit_id: Option<i64>,
    /// Assigning roles is the security administrator's duty (`role:manage`).
    #[serde(default)]
    pub roles: Vec<String>,
}

/// A new account, with the one-time password shown this once.
#[derive(Serialize, ToSchema)]
pub struct CreatedUser {
    pub user: UserOut,
    pub one_time_password: String,
}

#[utoipa::path(post, path = "/users", tag = "系统管理", request_body = UserBody, responses((status = 201, body = CreatedUser)))]
async fn create_user(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<UserBody>,
) -> ApiResult<(StatusCode, Json<CreatedUser>)> {
    user.require(Permission::UserManage)?;
    if !b.roles.is_empty() {
        user.require(Permission::RoleManage)
            .map_err(|_| ApiError::Forbidden("分配角色须由安全管理员操作".into()))?;
    }
    let account = NewAccount {
        username: b.username,
        display_name: b.display_name,
        unit_id: b.unit_id,
        roles: b.roles,
    };
    let (u, password) = zlc_app::accounts::create_account(&s.store, &user.actor(), account).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedUser {
            user: user_out(&s, u).await?,
            one_time_password: password,
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    pub version: i64,
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "crate::double_option")]
    #[schema(value_type = Option<i64>)]
    pub unit_id: Option<Option<i64>>,
    pub disabled: Option<bool>,
    pub roles: Option<Vec<String>>,
}

#[utoipa::path(patch, path = "/users/{id}", params(("id" = i64, Path, description = "编号")), tag = "系统管理", request_body = UserPatch, responses((status = 200, body = UserOut), (status = 409, body = crate::error::Problem)))]
async fn update_user(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    ApiJson(b): ApiJson<UserPatch>,
) -> ApiResult<Json<UserOut>> {
    if b.display_name.is_some() || b.unit_id.is_some() || b.disabled.is_some() {
        user.require(Permission::UserManage)?;
    }
    if b.roles.is_some() {
        user.require(Permission::RoleManage)?;
    }
    if b.disabled == Some(true) && id == user.id {
        return Err(ApiError::field("disabled", "不能停用自己的账号"));
    }
    if b.roles.is_some() && id == user.id {
        return Err(ApiError::Forbidden("不能修改自己的角色".into()));
    }
    if (b.roles.is_some() || b.disabled.is_some()) && id != user.id {
        another_administrator(&s, id, "停用、启用或修改角色").await?;
    }
    let u = s
        .store
        .update_user(
            &user.actor(),
            id,
            b.version,
            b.display_name.as_deref(),
            b.unit_id,
            b.disabled,
            b.roles,
        )
        .await?;
    Ok(Json(user_out(&s, u).await?))
}

/// Refuses what one administrator would do to another (三员分立): mint a
/// token for, reset, disable or change the roles of account `id` when it is
/// an administrator. An administrator is recovered only on the server's
/// console (`zlc user reset-admin NAME`).
async fn another_administrator(s: &AppState, id: i64, what: &str) -> ApiResult<()> {
    let (_, perms) = s.store.user_roles(id).await?;
    if zlc_domain::auth::is_administrator(&perms) {
        return Err(ApiError::Forbidden(format!(
            "三员分立：不能为其他管理员账号{what}；管理员账号只能在服务器上用 zlc user reset-admin 恢复"
        )));
    }
    Ok(())
}

#[derive(Serialize, ToSchema)]
pub struct ResetPassword {
    pub one_time_password: String,
}

/// Resets an account to a one-time password (also lifts a lockout).
#[utoipa::path(post, path = "/users/{id}/password", params(("id" = i64, Path, description = "编号")), tag = "系统管理", responses((status = 200, body = ResetPassword)))]
async fn reset_password(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> ApiResult<Json<ResetPassword>> {
    user.require(Permission::UserManage)?;
    if id == user.id {
        return Err(ApiError::Forbidden("请在“修改口令”中修改自己的口令".into()));
    }
    another_administrator(&s, id, "重置口令").await?;
    let password = zlc_app::accounts::reset_password(&s.store, &user.actor(), id).await?;
    Ok(Json(ResetPassword {
        one_time_password: password,
    }))
}

/// 角色
#[derive(Serialize, ToSchema)]
pub struct RoleOut {
    pub id: i64,
    pub version: i64,
    pub code: String,
    pub name: String,
    pub permissions: Vec<Permission>,
    pub builtin: bool,
}

impl From<Role> for RoleOut {
    fn from(r: Role) -> Self {
        RoleOut {
            permissions: r.permission_set().into_iter().collect(),
            id: r.id,
            version: r.version,
            code: r.code,
            name: r.name,
            builtin: r.builtin,
        }
    }
}

#[utoipa::path(get, path = "/roles", tag = "安全管理", responses((status = 200, body = Vec<RoleOut>)))]
async fn list_roles(State(s): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<RoleOut>>> {
    require_any(&user, &[Permission::RoleManage, Permission::UserManage])?;
    Ok(Json(
        s.store
            .list_roles()
            .await?
            .into_iter()
            .map(RoleOut::from)
            .collect(),
    ))
}

/// 权限
#[derive(Serialize, ToSchema)]
pub struct PermissionOut {
    pub code: Permission,
    pub label: String,
}

#[utoipa::path(get, path = "/permissions", tag = "安全管理", responses((status = 200, body = Vec<PermissionOut>)))]
async fn list_permissions(user: CurrentUser) -> ApiResult<Json<Vec<PermissionOut>>> {
    user.require(Permission::RoleManage)?;
    Ok(Json(
        Permission::ALL
            .iter()
            .map(|p| PermissionOut {
                code: *p,
                label: p.label_zh().into(),
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    pub code: String,
    pub name: String,
    /// Permission codes; an unknown one is refused with its name.
    #[schema(value_type = Vec<Permission>)]
    pub permissions: Vec<String>,
}

#[utoipa::path(post, path = "/roles", tag = "安全管理", request_body = RoleBody, responses((status = 201, body = RoleOut)))]
async fn create_role(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<RoleBody>,
) -> ApiResult<(StatusCode, Json<RoleOut>)> {
    user.require(Permission::RoleManage)?;
    let r = s
        .store
        .save_role(&user.actor(), None, b.code.trim(), &b.name, &b.permissions)
        .await?;
    Ok((StatusCode::CREATED, Json(r.into())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RolePatch {
    pub version: i64,
    pub name: String,
    /// Permission codes; an unknown one is refused with its name.
    #[schema(value_type = Vec<Permission>)]
    pub permissions: Vec<String>,
}

#[utoipa::path(patch, path = "/roles/{id}", params(("id" = i64, Path, description = "编号")), tag = "安全管理", request_body = RolePatch, responses((status = 200, body = RoleOut)))]
async fn update_role(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
    ApiJson(b): ApiJson<RolePatch>,
) -> ApiResult<Json<RoleOut>> {
    user.require(Permission::RoleManage)?;
    Ok(Json(
        s.store
            .save_role(
                &user.actor(),
                Some((id, b.version)),
                "",
                &b.name,
                &b.permissions,
            )
            .await?
            .into(),
    ))
}

/// 接口令牌 (the secret is never shown again after creation)
#[derive(Serialize, ToSchema)]
pub struct TokenOut {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked: bool,
}

impl From<ApiToken> for TokenOut {
    fn from(t: ApiToken) -> Self {
        TokenOut {
            id: t.id,
            user_id: t.user_id,
            name: t.name,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            revoked: t.revoked_at.is_some(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    pub user_id: i64,
    pub name: String,
    /// Days until it expires; none: until revoked.
    pub expires_days: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    pub token: TokenOut,
    /// Send as `Authorization: Bearer …`. Shown this once.
    pub secret: String,
}

#[utoipa::path(get, path = "/tokens", tag = "系统管理", responses((status = 200, body = Vec<TokenOut>)))]
async fn list_tokens(
    State(s): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<TokenOut>>> {
    user.require(Permission::TokenManage)?;
    Ok(Json(
        s.store
            .list_tokens()
            .await?
            .into_iter()
            .map(TokenOut::from)
            .collect(),
    ))
}

#[utoipa::path(post, path = "/tokens", tag = "系统管理", request_body = TokenBody, responses((status = 201, body = CreatedToken)))]
async fn create_token(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<TokenBody>,
) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    user.require(Permission::TokenManage)?;
    if let Some(d) = b.expires_days
        && !(1..=3650).contains(&d)
    {
        return Err(ApiError::field(
            "expires_days",
            "有效天数应在 1 到 3650 之间",
        ));
    }
    if b.user_id != user.id {
        another_administrator(&s, b.user_id, "签发接口令牌").await?;
    }
    let secret = format!("zlc_{}", random_token().map_err(ApiError::internal)?);
    let expires = b.expires_days.map(|d| now_ms() + d * 86_400_000);
    let t = s
        .store
        .create_token(
            &user.actor(),
            b.user_id,
            &b.name,
            &sm3_hex(secret.as_bytes()),
            expires,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            token: t.into(),
            secret,
        }),
    ))
}

#[utoipa::path(delete, path = "/tokens/{id}", params(("id" = i64, Path, description = "编号")), tag = "系统管理", responses((status = 204)))]
async fn revoke_token(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    user.require(Permission::TokenManage)?;
    s.store.revoke_token(&user.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 会话
#[derive(Serialize, ToSchema)]
pub struct SessionOut {
    pub id: i64,
    pub user_id: i64,
    pub ip: String,
    pub user_agent: Option<String>,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

impl From<Session> for SessionOut {
    fn from(s: Session) -> Self {
        SessionOut {
            id: s.id,
            user_id: s.user_id,
            ip: s.ip,
            user_agent: s.user_agent,
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            expires_at: s.expires_at,
        }
    }
}

#[utoipa::path(get, path = "/sessions", tag = "安全管理", params(PageQuery), responses((status = 200, body = ListOf<SessionOut>)))]
async fn list_sessions(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<ListOf<SessionOut>>> {
    user.require(Permission::SessionManage)?;
    Ok(Json(
        s.store
            .list_sessions(&q.page()?)
            .await?
            .map(SessionOut::from)
            .into(),
    ))
}

#[utoipa::path(delete, path = "/sessions/{id}", params(("id" = i64, Path, description = "编号")), tag = "安全管理", responses((status = 204)))]
async fn revoke_session(
    State(s): State<AppState>,
    user: CurrentUser,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    user.require(Permission::SessionManage)?;
    s.store.revoke_session(&user.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 登录日志
#[derive(Serialize, ToSchema)]
pub struct LoginOut {
    pub id: i64,
    pub at: i64,
    pub username: String,
    pub ip: String,
    pub success: bool,
    pub reason: String,
}

impl From<LoginEntry> for LoginOut {
    fn from(e: LoginEntry) -> Self {
        LoginOut {
            id: e.id,
            at: e.at,
            username: e.username,
            ip: e.ip,
            success: e.success,
            reason: e.reason,
        }
    }
}

#[utoipa::path(get, path = "/login-log", tag = "安全管理", params(PageQuery), responses((status = 200, body = ListOf<LoginOut>)))]
async fn login_log(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<ListOf<LoginOut>>> {
    user.require(Permission::LoginLogRead)?;
    Ok(Json(
        s.store
            .login_log(&q.page()?)
            .await?
            .map(LoginOut::from)
            .into(),
    ))
}

/// Who an audit entry or a timeline names when no account made the change:
/// the machine's operator (`system:demo` → 系统（演示数据）); else the login.
pub fn actor_label(login: &str) -> String {
    match login.strip_prefix("system:") {
        None => login.to_string(),
        Some(what) => {
            let what = match what {
                "demo" => "演示数据",
                "cli" => "命令行",
                "cli import" => "命令行导入",
                "first-start" => "首次启动",
                "remind" => "督办提醒",
                _ => "",
            };
            if what.is_empty() {
                "系统".into()
            } else {
                format!("系统（{what}）")
            }
        }
    }
}

/// What kind of record an id in an audit entry's before/after stands for, by its key.
pub fn ref_kind(key: &str) -> Option<&'static str> {
    Some(match key {
        "unit_id" | "section_id" | "window_unit_id" | "parent_id" | "other_units" => "unit",
        "official_id" | "official_ids" => "official",
        "item_id" | "item_ids" => "item",
        "activity_id" => "activity",
        "problem_id" => "problem",
        "need_id" => "need",
        "plan_id" => "plan",
        "handler_id" | "verifier_id" | "user_id" | "created_by" | "recorded_by" => "user",
        _ => return None,
    })
}

/// The ids a value holds: a number, an array of numbers, or `"1,2"`.
pub fn ids_in(v: &serde_json::Value) -> Vec<i64> {
    match v {
        serde_json::Value::Number(n) => n.as_i64().into_iter().collect(),
        serde_json::Value::Array(a) => a.iter().flat_map(ids_in).collect(),
        serde_json::Value::String(s) => s
            .split(',')
            .filter_map(|p| p.trim().parse::<i64>().ok())
            .collect(),
        _ => Vec::new(),
    }
}

/// The names of the records `objects` refer to (their keys read by
/// [`ref_kind`]: `unit_id: 12` → `unit:12`), and of the `own` records
/// (`("problem", 5)`), keyed `kind:id`.
pub async fn referenced_names(
    s: &AppState,
    objects: &[&serde_json::Value],
    own: &[(&'static str, i64)],
) -> ApiResult<std::collections::HashMap<String, String>> {
    use std::collections::{BTreeSet, HashMap};
    let mut wanted: HashMap<&'static str, BTreeSet<i64>> = HashMap::new();
    for (kind, id) in own {
        wanted.entry(kind).or_default().insert(*id);
    }
    for o in objects.iter().filter_map(|v| v.as_object()) {
        for (k, v) in o {
            if let Some(kind) = ref_kind(k) {
                wanted.entry(kind).or_default().extend(ids_in(v));
            }
        }
    }
    let st = &s.store;
    let mut out = HashMap::new();
    for (kind, ids) in wanted {
        let ids = ids.into_iter().map(Some);
        let names = match kind {
            "unit" => st.unit_name_map(ids).await?,
            "official" => st.official_name_map(ids).await?,
            "item" => st.item_name_map(ids).await?,
            "activity" => st.activity_labels(ids).await?,
            "problem" => st.problem_labels(ids).await?,
            "need" => st.need_labels(ids).await?,
            "measure" => st.measure_labels(ids).await?,
            "plan" => st.plan_labels(ids).await?,
            "user" => st.user_name_map(ids).await?,
            _ => HashMap::new(),
        };
        out.extend(names.into_iter().map(|(id, n)| (format!("{kind}:{id}"), n)));
    }
    Ok(out)
}

/// The record an audit entry is about, as a name kind and id, when it has a name.
fn own_record(e: &AuditOut) -> Option<(&'static str, i64)> {
    let kind = match e.entity.as_str() {
        "unit" | "official" | "item" | "plan" | "activity" | "problem" | "need" | "measure"
        | "user" => kind_of_entity(&e.entity),
        _ => return None,
    };
    Some((kind, e.entity_id.as_deref()?.parse().ok()?))
}

/// The names of every record the entries refer to (their own record and
/// the ids in their before/after), keyed `kind:id`.
async fn audit_names(
    s: &AppState,
    entries: &[AuditOut],
) -> ApiResult<std::collections::HashMap<String, String>> {
    let objects: Vec<&serde_json::Value> = entries
        .iter()
        .flat_map(|e| [&e.before, &e.after])
        .flatten()
        .collect();
    let own: Vec<(&'static str, i64)> = entries.iter().filter_map(own_record).collect();
    referenced_names(s, &objects, &own).await
}

/// The name kind of an audited entity (they are the same words).
fn kind_of_entity(entity: &str) -> &'static str {
    match entity {
        "unit" => "unit",
        "official" => "official",
        "item" => "item",
        "plan" => "plan",
        "activity" => "activity",
        "problem" => "problem",
        "need" => "need",
        "measure" => "measure",
        _ => "user",
    }
}

/// 审计日志条目
#[derive(Serialize, ToSchema)]
pub struct AuditOut {
    pub seq: i64,
    pub at: i64,
    /// The account's login name (or `system:…`).
    pub actor: String,
    /// The account's display name (姓名), or what the system did it as.
    pub actor_name: String,
    pub ip: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    #[schema(value_type = Option<HashMap<String, serde_json::Value>>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<HashMap<String, serde_json::Value>>)]
    pub after: Option<serde_json::Value>,
    pub hash: String,
    /// The record's name (a unit's, an activity's date, unit and officials …).
    pub object_label: Option<String>,
    /// Names of the records the before/after values refer to, keyed
    /// `unit:12`, `official:3`, `item:5`, `activity:806`, `user:4` ….
    pub names: std::collections::HashMap<String, String>,
}

impl From<AuditEntry> for AuditOut {
    fn from(e: AuditEntry) -> Self {
        let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        AuditOut {
            seq: e.seq,
            at: e.at,
            actor_name: actor_label(&e.actor),
            object_label: None,
            names: Default::default(),
            actor: e.actor,
            ip: e.ip,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            before: parse(e.before),
            after: parse(e.after),
            hash: e.hash,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    pub cursor: Option<String>,
    pub limit: Option<i64>,
    pub entity: Option<String>,
    /// The account's login name.
    pub actor: Option<String>,
    /// First day, YYYY-MM-DD (local time), inclusive.
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (local time), inclusive.
    pub to: Option<String>,
}

/// The first instant of a local day, in Unix milliseconds.
fn day_start_ms(field: &str, day: &str) -> ApiResult<i64> {
    use chrono::TimeZone;
    let d = crate::ledgers::date(field, day)?;
    let start = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    chrono::Local
        .from_local_datetime(&start)
        .earliest()
        .map(|t| t.timestamp_millis())
        .ok_or_else(|| ApiError::field(field, format!("「{day}」不是有效日期")))
}

/// The audit trail, newest first. Only the audit administrator reads it.
#[utoipa::path(get, path = "/audit", tag = "审计", params(AuditQuery), responses((status = 200, body = ListOf<AuditOut>)))]
async fn audit_list(
    State(s): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<ListOf<AuditOut>>> {
    user.require(Permission::AuditRead)?;
    let blank = |v: Option<String>| v.filter(|x| !x.trim().is_empty());
    let from_ms = blank(q.from)
        .map(|d| day_start_ms("from", &d))
        .transpose()?;
    let to_ms = match blank(q.to) {
        Some(d) => {
            let last = crate::ledgers::date("to", &d)?;
            let next = last.succ_opt().unwrap_or(last).to_string();
            Some(day_start_ms("to", &next)?)
        }
        None => None,
    };
    if let (Some(a), Some(b)) = (from_ms, to_ms)
        && b <= a
    {
        return Err(ApiError::field("to", "结束日期不能早于开始日期"));
    }
    let f = AuditFilter {
        entity: blank(q.entity),
        actor: blank(q.actor),
        from_ms,
        to_ms,
    };
    let page = zlc_store::PageRequest::new(q.cursor.as_deref(), q.limit)?;
    let mut list: ListOf<AuditOut> = audit::list(&s.store.db, &f, &page)
        .await?
        .map(AuditOut::from)
        .into();
    let names = audit_names(&s, &list.items).await?;
    let logins = s
        .store
        .user_names_by_login(list.items.iter().map(|e| e.actor.clone()))
        .await?;
    for e in &mut list.items {
        if let Some(n) = logins.get(&e.actor) {
            e.actor_name = n.clone();
        }
        e.object_label =
            own_record(e).and_then(|(kind, id)| names.get(&format!("{kind}:{id}")).cloned());
        let mut mine = std::collections::HashMap::new();
        for side in [&e.before, &e.after].into_iter().flatten() {
            if let Some(o) = side.as_object() {
                for (k, v) in o {
                    if let Some(kind) = ref_kind(k) {
                        for id in ids_in(v) {
                            let key = format!("{kind}:{id}");
                            if let Some(n) = names.get(&key) {
                                mine.insert(key, n.clone());
                            }
                        }
                    }
                }
            }
        }
        e.names = mine;
    }
    Ok(Json(list))
}

/// 审计链校验结果
#[derive(Serialize, ToSchema)]
pub struct VerificationOut {
    pub entries: i64,
    /// The first entry chained with HMAC-SM3 under the audit key (those
    /// before it were written before the chain was keyed, with SM3).
    pub keyed_from: i64,
    pub ok: bool,
    pub problems: Vec<String>,
}

impl From<Verification> for VerificationOut {
    fn from(v: Verification) -> Self {
        VerificationOut {
            entries: v.entries,
            keyed_from: v.keyed_from,
            ok: v.ok,
            problems: v.problems,
        }
    }
}

/// Recomputes the keyed (HMAC-SM3) hash chain of the whole trail.
#[utoipa::path(get, path = "/audit/verify", tag = "审计", responses((status = 200, body = VerificationOut)))]
async fn audit_verify(
    State(s): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<VerificationOut>> {
    user.require(Permission::AuditRead)?;
    Ok(Json(
        audit::verify(&s.store.db, &s.store.cipher).await?.into(),
    ))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user))
        .routes(routes!(reset_password))
        .routes(routes!(list_roles, create_role))
        .routes(routes!(update_role))
        .routes(routes!(list_permissions))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(list_sessions))
        .routes(routes!(revoke_session))
        .routes(routes!(login_log))
        .routes(routes!(audit_list))
        .routes(routes!(audit_verify))
}
