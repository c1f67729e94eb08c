//! Sign-in, sessions and the `CurrentUser` extractor.
//!
//! A browser signs in with a password and gets an HttpOnly, SameSite=Strict
//! cookie holding a random secret; the server keeps only its SM3 digest. A write
//! made with that cookie must come from the application's own origin (CSRF).
//! Scripts send `Authorization: Bearer TOKEN`. Handlers that take a
//! [`CurrentUser`] are signed in; their first line checks the permission.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zlc_app::accounts::{DUMMY_HASH, hash_password, verify_password};
use zlc_domain::auth::Permission;
use zlc_store::accounts::{Credential, Principal};
use zlc_store::crypto::{random_token, sm3_hex};
use zlc_store::{Actor, Scope, now_ms};

pub const COOKIE: &str = "zlc_session";

/// 当前用户 the signed-in caller of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_id: Option<i64>,
    pub roles: Vec<String>,
    pub permissions: BTreeSet<Permission>,
    pub scope: Scope,
    pub ip: String,
    pub session_id: Option<i64>,
    pub must_change_password: bool,
}

impl CurrentUser {
    /// Refuses the request unless the caller holds `p`.
    pub fn require(&self, p: Permission) -> ApiResult<()> {
        if self.permissions.contains(&p) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "缺少权限「{}」（{}）",
                p.label_zh(),
                p.code()
            )))
        }
    }

    pub fn can(&self, p: Permission) -> bool {
        self.permissions.contains(&p)
    }

    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.id),
            username: self.username.clone(),
            ip: self.ip.clone(),
        }
    }
}

/// The caller's address: the socket peer; or, when the peer is one of the
/// `trusted` proxies (`security.trusted_proxies`, e.g. the load balancer in
/// front of several servers), the nearest address of `X-Forwarded-For` that
/// is not one of them. Anyone else's `X-Forwarded-For` is ignored, so a
/// client cannot pick the address its guesses are counted against.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip,
            // A hop the proxies did not write: trust nothing before it.
            Err(_) => break,
        }
    }
    peer
}

fn client_ip(parts: &Parts, trusted: &[IpAddr]) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| client_address(c.0.ip(), &parts.headers, trusted).to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A cookie-authenticated write must come from this application's own origin:
/// the `Origin` header (or, lacking one, the `Referer`) must name the host the
/// request was sent to.
fn same_origin(parts: &Parts) -> bool {
    let Some(host) = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
    else {
        return false;
    };
    let origin = parts
        .headers
        .get(header::ORIGIN)
        .or_else(|| parts.headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    let Some(origin) = origin else { return false };
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    match rest {
        Some(r) => r.split('/').next() == Some(host),
        None => false,
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let ip = client_ip(parts, &state.security.trusted_proxies);
        let now = now_ms();
        let store = &state.store;
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let p = if let Some(token) = bearer {
            let hash = sm3_hex(token.as_bytes());
            let p = store
                .principal(Credential::Token(&hash))
                .await?
                .filter(|t| {
                    t.signed_in.revoked_at.is_none()
                        && t.signed_in.expires_at.is_none_or(|e| e > now)
                })
                .ok_or_else(|| ApiError::Unauthorized("接口令牌无效、已过期或已吊销".into()))?;
            if p.signed_in.last_seen_at.is_none_or(|u| now - u > 60_000) {
                store.token_used(p.signed_in.credential_id).await?;
            }
            p
        } else {
            let secret = cookie_value(&parts.headers, COOKIE)
                .ok_or_else(|| ApiError::Unauthorized("请先登录".into()))?;
            let hash = sm3_hex(secret.as_bytes());
            let p = store
                .principal(Credential::Session(&hash))
                .await?
                .filter(|s| s.signed_in.revoked_at.is_none())
                .ok_or_else(|| ApiError::Unauthorized("登录已失效，请重新登录".into()))?;
            let idle_ms = state.security.session_idle_minutes * 60_000;
            let last_seen = p.signed_in.last_seen_at.unwrap_or(0);
            if p.signed_in.expires_at.is_none_or(|e| e <= now) || now - last_seen > idle_ms {
                return Err(ApiError::Unauthorized("登录已超时，请重新登录".into()));
            }
            let unsafe_method =
                !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
            if unsafe_method && !same_origin(parts) {
                return Err(ApiError::Forbidden(
                    "跨站请求被拒绝：请求来源与本系统不一致".into(),
                ));
            }
            // Idle expiry needs no write per request: a minute's precision is enough.
            if now - last_seen > 60_000 {
                store.touch_session(p.signed_in.credential_id, now).await?;
            }
            p
        };
        let Principal {
            signed_in: a,
            roles,
            permissions,
        } = p;
        if a.disabled {
            return Err(ApiError::Unauthorized("账号已停用".into()));
        }
        let session_id = bearer.is_none().then_some(a.credential_id);
        // An account of a unit is scoped to its subtree; were the unit ever
        // unreadable, the request is refused rather than widened to all.
        let scope = match (a.unit_id, a.unit_path) {
            (Some(_), Some(path)) => Scope::subtree(path),
            (None, _) => Scope::all(),
            (Some(_), None) => return Err(ApiError::Unauthorized("账号所属单位不存在".into())),
        };
        let me = CurrentUser {
            id: a.user_id,
            username: a.username,
            display_name: a.display_name,
            unit_id: a.unit_id,
            roles,
            permissions,
            scope,
            ip,
            session_id,
            must_change_password: a.must_change_password,
        };
        // With a one-time password, nothing but changing it (and signing out) is allowed.
        let path = parts.uri.path();
        if me.must_change_password
            && !path.ends_with("/me")
            && !path.ends_with("/me/password")
            && !path.ends_with("/auth/logout")
        {
            return Err(ApiError::Forbidden("请先修改初始口令".into()));
        }
        Ok(me)
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
}

/// 当前账号 the caller's own account.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_id: Option<i64>,
    pub roles: Vec<String>,
    pub permissions: Vec<Permission>,
    pub must_change_password: bool,
}

impl From<&CurrentUser> for Me {
    fn from(u: &CurrentUser) -> Self {
        Me {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            unit_id: u.unit_id,
            roles: u.roles.clone(),
            permissions: u.permissions.iter().copied().collect(),
            must_change_password: u.must_change_password,
        }
    }
}

/// Sign in with a password; sets the session cookie.
#[utoipa::path(post, path = "/auth/login", tag = "登录", request_body = LoginBody,
    responses((status = 200, body = Me), (status = 401, body = crate::error::Problem), (status = 423, body = crate::error::Problem)))]
async fn login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginBody>,
) -> ApiResult<Response> {
    let ip = client_address(addr.ip(), &headers, &state.security.trusted_proxies).to_string();
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(200).collect::<String>());
    let store = &state.store;
    let sec = &state.security;
    let username = body.username.trim().to_lowercase();
    let fail = |msg: String| ApiError::Unauthorized(msg);
    let now = now_ms();
    let max = sec.max_failed_logins;
    let lock_ms = sec.lockout_minutes * 60_000;
    let user = store.user_by_name(&username).await?;
    let user_id = user.as_ref().map(|u| u.id);
    let refused = |reason: &'static str| {
        store.log_login(&username, user_id, &ip, ua.as_deref(), false, reason)
    };
    // Until the password is right, every name is answered alike: the pause
    // counts guesses per client address and name, known or not, and is
    // taken before the slow check, so that guesses sent at once check no
    // more passwords than it allows. The owner signs in from elsewhere.
    let turn = match store.take_login_turn(&ip, &username, max).await? {
        Ok(n) => n,
        Err(until) => {
            refused("登录暂停").await?;
            let minutes = until.map_or(sec.lockout_minutes, |u| (u - now + 59_999) / 60_000);
            return Err(ApiError::Locked(format!(
                "登录失败次数过多，请 {minutes} 分钟后再试"
            )));
        }
    };
    // And an account's failures from every address, against a higher limit.
    let account_max = max.saturating_mul(4);
    let attempt = match &user {
        Some(u) => match store.begin_login_attempt(u.id, account_max).await? {
            Some(n) => Some(n),
            None => {
                refused("账号已锁定").await?;
                return Err(ApiError::Locked(
                    "该账号连续登录失败次数过多，已暂停登录，请稍后再试或联系安全管理员".into(),
                ));
            }
        },
        None => None,
    };
    let right = match &user {
        Some(u) => verify_password(body.password, u.password_hash.clone()).await,
        None => {
            verify_password(body.password, DUMMY_HASH.into()).await;
            false
        }
    };
    let Some(user) = user.filter(|_| right) else {
        if let (Some(id), Some(n)) = (user_id, attempt) {
            store.login_failed(id, n, account_max, lock_ms).await?;
        }
        let paused = store
            .login_turn_failed(&ip, &username, turn, max, lock_ms)
            .await?;
        let reason = if user_id.is_some() {
            "口令错误"
        } else {
            "账号不存在"
        };
        refused(reason).await?;
        if paused.is_some() {
            return Err(ApiError::Locked(format!(
                "连续 {max} 次登录失败，请 {} 分钟后再试",
                sec.lockout_minutes
            )));
        }
        return Err(fail(format!(
            "账号或口令错误，再失败 {} 次将暂停登录 {} 分钟",
            max - turn,
            sec.lockout_minutes
        )));
    };
    if user.disabled {
        refused("账号已停用").await?;
        return Err(fail("账号已停用，请联系系统管理员".into()));
    }
    store.login_turns_clear(&ip, &username).await?;
    store.login_succeeded(user.id).await?;
    store
        .log_login(
            &username,
            Some(user.id),
            &ip,
            ua.as_deref(),
            true,
            "登录成功",
        )
        .await?;
    let secret = random_token().map_err(ApiError::internal)?;
    let max_age_s = sec.session_absolute_hours * 3600;
    let session = store
        .create_session(
            user.id,
            &sm3_hex(secret.as_bytes()),
            &ip,
            ua.as_deref(),
            now + max_age_s * 1000,
        )
        .await?;
    let (roles, permissions) = store.user_roles(user.id).await?;
    let me = Me {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        unit_id: user.unit_id,
        roles,
        permissions: permissions.iter().copied().collect(),
        must_change_password: user.must_change_password,
    };
    tracing::info!(user = me.id, session = session.id, "signed in");
    // Secure whenever the configuration says so or the request came over
    // TLS to the proxy in front (X-Forwarded-Proto: https).
    let over_tls = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    let secure = if sec.cookie_secure || over_tls {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_s}{secure}"
    );
    let mut resp = Json(me).into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(ApiError::internal)?,
    );
    Ok(resp)
}

/// Sign out: the session is revoked on the server and the cookie cleared.
#[utoipa::path(post, path = "/auth/logout", tag = "登录", responses((status = 204)))]
async fn logout(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    if let Some(sid) = user.session_id {
        state.store.revoke_session(&user.actor(), sid).await?;
    }
    let mut resp = axum::http::StatusCode::NO_CONTENT.into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("zlc_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(resp)
}

/// The signed-in account, its roles and permissions.
#[utoipa::path(get, path = "/me", tag = "登录", responses((status = 200, body = Me)))]
async fn me(user: CurrentUser) -> Json<Me> {
    Json(Me::from(&user))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    pub old_password: String,
    pub new_password: String,
    /// End the account's API tokens as well (its other sessions always end).
    #[serde(default)]
    pub revoke_tokens: bool,
}

/// Change one's own password (required after a one-time password).
#[utoipa::path(post, path = "/me/password", tag = "登录", request_body = PasswordBody, responses((status = 204)))]
async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<PasswordBody>,
) -> ApiResult<axum::http::StatusCode> {
    let stored = state.store.user(user.id).await?;
    if !verify_password(body.old_password.clone(), stored.password_hash).await {
        return Err(ApiError::field("old_password", "原口令不正确"));
    }
    if body.old_password == body.new_password {
        return Err(ApiError::field("new_password", "新口令不能与原口令相同"));
    }
    state
        .security
        .password
        .check(&user.username, &body.new_password)
        .map_err(|m| ApiError::field("new_password", m))?;
    let hash = hash_password(body.new_password).await?;
    state
        .store
        .set_password(
            &user.actor(),
            user.id,
            &hash,
            false,
            user.session_id,
            body.revoke_tokens,
        )
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(change_password))
}

/// The unit a report is about: the one asked for (inside the caller's scope),
/// else the caller's own unit, else the first root.
pub async fn region_for(
    store: &zlc_store::Store,
    user: &CurrentUser,
    region: Option<i64>,
) -> ApiResult<zlc_store::registry::Unit> {
    let id = match region.or(user.unit_id) {
        Some(id) => id,
        None => store
            .root_units()
            .await?
            .first()
            .map(|u| u.id)
            .ok_or(ApiError::NotFound)?,
    };
    Ok(store.unit(&user.scope, id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_address_is_believed_only_from_a_trusted_proxy() {
        let ip = |s: &str| s.parse::<IpAddr>().expect("ip");
        let headers = |xff: &[&str]| {
            let mut h = HeaderMap::new();
            for v in xff {
                h.append("x-forwarded-for", v.parse().expect("header"));
            }
            h
        };
        let lb = [ip("10.0.0.5"), ip("10.0.0.6")];
        let forwarded = headers(&["198.51.100.1, 203.0.113.7", "10.0.0.6"]);
        // Not from a proxy: the header is whatever the client wrote.
        assert_eq!(
            client_address(ip("192.0.2.9"), &forwarded, &lb),
            ip("192.0.2.9")
        );
        assert_eq!(
            client_address(ip("10.0.0.5"), &forwarded, &[]),
            ip("10.0.0.5")
        );
        // From the proxies: the nearest hop they did not write; what the
        // client put before it (198.51.100.1) is not believed.
        assert_eq!(
            client_address(ip("10.0.0.5"), &forwarded, &lb),
            ip("203.0.113.7")
        );
        // A hop that is not an address, or no header: the proxy itself.
        let garbled = headers(&["203.0.113.7, unknown"]);
        assert_eq!(
            client_address(ip("10.0.0.5"), &garbled, &lb),
            ip("10.0.0.5")
        );
        assert_eq!(
            client_address(ip("10.0.0.5"), &HeaderMap::new(), &lb),
            ip("10.0.0.5")
        );
    }

    fn parts(headers: &[(&str, &str)]) -> Parts {
        let mut b = axum::http::Request::builder()
            .method("POST")
            .uri("/api/v1/units");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).expect("request").into_parts().0
    }

    #[test]
    fn origin_must_be_the_host_itself() {
        assert!(same_origin(&parts(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080")
        ])));
        assert!(same_origin(&parts(&[
            ("host", "zlc.gov.cn"),
            ("referer", "https://zlc.gov.cn/plans?x=1")
        ])));
        assert!(!same_origin(&parts(&[
            ("host", "zlc.gov.cn"),
            ("origin", "https://evil.example")
        ])));
        assert!(!same_origin(&parts(&[
            ("host", "zlc.gov.cn"),
            ("origin", "https://zlc.gov.cn.evil.example")
        ])));
        assert!(!same_origin(&parts(&[("host", "zlc.gov.cn")])));
    }

    #[test]
    fn cookies_are_found_among_others() {
        let p = parts(&[("cookie", "a=1; zlc_session=abc; b=2")]);
        assert_eq!(cookie_value(&p.headers, COOKIE).as_deref(), Some("abc"));
    }
}
