//! Accounts, roles, sessions, API tokens and the login log.

use crate::audit::{self, Change};
use crate::{Actor, Page, PageRequest, Result, Store, StoreError, Tx, args, now_ms, unique_as};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeSet;
use zlc_domain::auth::{Permission, check_separation};

/// 账号 an account as stored. The password hash never leaves the store's callers
/// that need it (sign-in): it is skipped when serialised.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub must_change_password: bool,
    pub unit_id: Option<i64>,
    pub official_id: Option<i64>,
    pub disabled: bool,
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
    pub password_changed_at: Option<i64>,
    pub last_login_at: Option<i64>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// 角色 a role: a named set of permission codes.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Role {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// JSON array of permission codes.
    #[serde(skip)]
    pub permissions: String,
    pub builtin: bool,
    pub version: i64,
}

impl Role {
    pub fn permission_set(&self) -> BTreeSet<Permission> {
        permission_codes(&self.permissions).collect()
    }
}

/// The permissions a role's stored JSON array names; unknown codes are skipped.
fn permission_codes(json: &str) -> impl Iterator<Item = Permission> {
    serde_json::from_str::<Vec<String>>(json)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|c| Permission::parse(&c))
}

/// A new account, its password already hashed by the caller.
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub unit_id: Option<i64>,
    pub official_id: Option<i64>,
    pub roles: Vec<String>,
}

/// 会话 a server-side session. The cookie holds a secret whose SM3 is `token_hash`.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Session {
    pub id: i64,
    #[serde(skip)]
    pub token_hash: String,
    pub user_id: i64,
    pub ip: String,
    pub user_agent: Option<String>,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

/// 接口令牌 an API token for scripts, stored as a hash.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    #[serde(skip)]
    pub token_hash: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// What a request is signed in with: the session cookie's or the API
/// token's hash (SM3 of the secret).
#[derive(Debug, Clone, Copy)]
pub enum Credential<'a> {
    Session(&'a str),
    Token(&'a str),
}

/// 调用者 who a credential stands for, read in one query per request: the
/// credential's own state (for the caller to judge expiry and revocation),
/// the account, its unit's path and its roles.
#[derive(Debug, Clone)]
pub struct Principal {
    pub signed_in: SignedIn,
    pub roles: Vec<String>,
    pub permissions: BTreeSet<Permission>,
}

/// 登录凭据与账号 a credential and the account it signs in.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SignedIn {
    /// The session's or the token's id.
    pub credential_id: i64,
    pub revoked_at: Option<i64>,
    pub expires_at: Option<i64>,
    /// The session's last activity, or the token's last use.
    pub last_seen_at: Option<i64>,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_id: Option<i64>,
    /// The path of the account's unit (its scope), none for a national account.
    pub unit_path: Option<String>,
    pub disabled: bool,
    pub must_change_password: bool,
}

/// One row of the principal query: the credential and account repeated per role.
#[derive(sqlx::FromRow)]
struct PrincipalRow {
    #[sqlx(flatten)]
    signed_in: SignedIn,
    role_code: Option<String>,
    role_permissions: Option<String>,
}

/// 登录日志 one sign-in attempt.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct LoginEntry {
    pub id: i64,
    pub at: i64,
    pub username: String,
    pub user_id: Option<i64>,
    pub ip: String,
    pub user_agent: Option<String>,
    pub success: bool,
    pub reason: String,
}

fn user_json(u: &User) -> serde_json::Value {
    json!({
        "username": u.username, "display_name": u.display_name, "unit_id": u.unit_id,
        "official_id": u.official_id, "disabled": u.disabled,
        "must_change_password": u.must_change_password, "version": u.version,
    })
}

/// Checks a username: 3–32 of `a-z 0-9 _ . -`, starting with a letter.
pub fn check_username(name: &str) -> Result<()> {
    let ok = (3..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "username",
            "账号名须为 3–32 位小写字母、数字或 _ . -，并以字母开头",
        ))
    }
}

impl Store {
    pub async fn role_by_code(&self, tx: &mut Tx, code: &str) -> Result<Role> {
        tx.fetch_optional("SELECT * FROM roles WHERE code = $1", args![code])
            .await?
            .ok_or_else(|| StoreError::invalid("roles", format!("角色「{code}」不存在")))
    }

    async fn roles_permissions(
        &self,
        tx: &mut Tx,
        codes: &[String],
    ) -> Result<(Vec<Role>, BTreeSet<Permission>)> {
        let mut roles = Vec::new();
        let mut perms = BTreeSet::new();
        for c in codes {
            let r = self.role_by_code(tx, c).await?;
            perms.extend(r.permission_set());
            roles.push(r);
        }
        check_separation(&perms).map_err(|m| StoreError::invalid("roles", m))?;
        Ok((roles, perms))
    }

    /// Creates an account with its roles; refuses one that would hold two of
    /// the separated administrator duties.
    pub async fn create_user(&self, actor: &Actor, new: NewUser) -> Result<User> {
        check_username(&new.username)?;
        let display = zlc_domain::error::text("display_name", &new.display_name, 50)
            .map_err(|e| StoreError::Invalid(e.into()))?;
        let mut tx = self.db.begin().await?;
        let (roles, _) = self.roles_permissions(&mut tx, &new.roles).await?;
        if let Some(u) = new.unit_id {
            self.unit_path_tx(&mut tx, u).await?;
        }
        let now = now_ms();
        let user: User = tx
            .fetch_one(
                "INSERT INTO users (username, display_name, password_hash, must_change_password, unit_id, official_id, \
                 password_changed_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7) RETURNING *",
                args![&new.username, display, &new.password_hash, new.must_change_password, new.unit_id, new.official_id, now],
            )
            .await
            .map_err(unique_as("username", "账号名已存在"))?;
        for r in &roles {
            tx.execute(
                "INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)",
                args![user.id, r.id],
            )
            .await?;
        }
        let mut after = user_json(&user);
        after["roles"] = json!(new.roles);
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: "create",
                entity: "user",
                entity_id: Some(user.id.to_string()),
                before: None,
                after: Some(after),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    pub async fn user(&self, id: i64) -> Result<User> {
        self.db
            .fetch_optional("SELECT * FROM users WHERE id = $1", args![id])
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        Ok(self
            .db
            .fetch_optional("SELECT * FROM users WHERE username = $1", args![username])
            .await?)
    }

    pub async fn count_users(&self) -> Result<i64> {
        Ok(self
            .db
            .scalar::<i64>("SELECT COUNT(*) FROM users", vec![])
            .await?
            .unwrap_or(0))
    }

    pub async fn list_users(&self, q: Option<&str>, page: &PageRequest) -> Result<Page<User>> {
        let mut a = vec![page.after.unwrap_or(0).into()];
        let mut sql = String::from("SELECT * FROM users WHERE id > $1");
        if let Some(q) = q.filter(|q| !q.is_empty()) {
            a.push(crate::campaign::like_pattern(q).into());
            sql += " AND (username LIKE $2 ESCAPE '\\' OR display_name LIKE $2 ESCAPE '\\')";
        }
        a.push((page.limit + 1).into());
        sql += &format!(" ORDER BY id LIMIT ${}", a.len());
        let rows = self.db.fetch_all(&sql, a).await?;
        Ok(Page::from_rows(rows, page, |u: &User| u.id))
    }

    /// Role codes and the union of permissions of an account.
    pub async fn user_roles(&self, user_id: i64) -> Result<(Vec<String>, BTreeSet<Permission>)> {
        let roles: Vec<Role> = self
            .db
            .fetch_all(
                "SELECT r.* FROM roles r JOIN user_roles ur ON ur.role_id = r.id WHERE ur.user_id = $1 ORDER BY r.id",
                args![user_id],
            )
            .await?;
        let perms = roles.iter().flat_map(Role::permission_set).collect();
        Ok((roles.into_iter().map(|r| r.code).collect(), perms))
    }

    /// Updates an account's profile and roles at the version the caller read.
    pub async fn update_user(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        display_name: Option<&str>,
        unit_id: Option<Option<i64>>,
        disabled: Option<bool>,
        roles: Option<Vec<String>>,
    ) -> Result<User> {
        let mut tx = self.db.begin().await?;
        tx.lock_row("users", id).await?;
        let before: User = tx
            .fetch_optional("SELECT * FROM users WHERE id = $1", args![id])
            .await?
            .ok_or(StoreError::NotFound)?;
        if before.version != version {
            return Err(StoreError::Stale {
                current: before.version,
            });
        }
        let display = match display_name {
            Some(d) => zlc_domain::error::text("display_name", d, 50)
                .map_err(|e| StoreError::Invalid(e.into()))?,
            None => before.display_name.clone(),
        };
        let unit = unit_id.unwrap_or(before.unit_id);
        if let Some(u) = unit {
            self.unit_path_tx(&mut tx, u).await?;
        }
        let after: User = tx
            .fetch_one(
                "UPDATE users SET display_name = $1, unit_id = $2, disabled = $3, version = version + 1, updated_at = $4 \
                 WHERE id = $5 RETURNING *",
                args![display, unit, disabled.unwrap_or(before.disabled), now_ms(), id],
            )
            .await?;
        let mut before_json = user_json(&before);
        let mut after_json = user_json(&after);
        if let Some(codes) = roles {
            let (new_roles, _) = self.roles_permissions(&mut tx, &codes).await?;
            let old: Vec<String> = tx
                .fetch_all::<Role>(
                    "SELECT r.* FROM roles r JOIN user_roles ur ON ur.role_id = r.id WHERE ur.user_id = $1 ORDER BY r.id",
                    args![id],
                )
                .await?
                .into_iter()
                .map(|r| r.code)
                .collect();
            tx.execute("DELETE FROM user_roles WHERE user_id = $1", args![id])
                .await?;
            for r in &new_roles {
                tx.execute(
                    "INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)",
                    args![id, r.id],
                )
                .await?;
            }
            before_json["roles"] = json!(old);
            after_json["roles"] = json!(codes);
        }
        if after.disabled {
            tx.execute(
                "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
                args![now_ms(), id],
            )
            .await?;
        }
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: "update",
                entity: "user",
                entity_id: Some(id.to_string()),
                before: Some(before_json),
                after: Some(after_json),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Sets a new password hash. `must_change` marks a one-time password.
    /// Every session of the account but `keep_session` (the caller's own,
    /// when it changes its password) ends; its tokens too with `revoke_tokens`.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_password(
        &self,
        actor: &Actor,
        id: i64,
        hash: &str,
        must_change: bool,
        keep_session: Option<i64>,
        revoke_tokens: bool,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let now = now_ms();
        let n = tx
            .execute(
                "UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $3, \
                 failed_logins = 0, locked_until = NULL, version = version + 1, updated_at = $3 WHERE id = $4",
                args![hash, must_change, now, id],
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        // Whoever held the old password is signed out: every other session
        // ends, and the account's tokens too when asked.
        let sessions = tx
            .execute(
                "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND id <> $3",
                args![now, id, keep_session.unwrap_or(0)],
            )
            .await?;
        let tokens = if revoke_tokens {
            tx.execute(
                "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
                args![now, id],
            )
            .await?
        } else {
            0
        };
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: if must_change {
                    "reset-password"
                } else {
                    "change-password"
                },
                entity: "user",
                entity_id: Some(id.to_string()),
                before: None,
                after: Some(json!({"must_change_password": must_change, "sessions_ended": sessions, "tokens_revoked": tokens})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes a turn at the pause for sign-ins from `ip` as `username` (an
    /// account or not): counted at once, in one statement, before the
    /// password is checked. `Ok(n)`: this is guess `n` of `max`; `Err(until)`:
    /// paused (until then, or while the turns are taken by guesses still
    /// being checked). A pause that has ended starts the count again.
    pub async fn take_login_turn(
        &self,
        ip: &str,
        username: &str,
        max: i64,
    ) -> Result<std::result::Result<i64, Option<i64>>> {
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let n: Option<i64> = tx
            .scalar(
                "INSERT INTO login_throttle (ip, username, failures, last_at) VALUES ($1, $2, 1, $4) \
                 ON CONFLICT (ip, username) DO UPDATE SET \
                 failures = CASE WHEN login_throttle.locked_until IS NOT NULL THEN 1 ELSE login_throttle.failures + 1 END, \
                 locked_until = NULL, last_at = $4 \
                 WHERE (login_throttle.locked_until IS NULL AND login_throttle.failures < $3) OR login_throttle.locked_until <= $4 \
                 RETURNING failures",
                args![ip, username, max, now],
            )
            .await?;
        let out = match n {
            Some(n) => Ok(n),
            None => Err(tx
                .scalar::<Option<i64>>(
                    "SELECT locked_until FROM login_throttle WHERE ip = $1 AND username = $2",
                    args![ip, username],
                )
                .await?
                .flatten()),
        };
        tx.commit().await?;
        Ok(out)
    }

    /// Turn `n` from `ip` as `username` was a wrong guess: the last of `max`
    /// pauses that address for that name for `lock_ms`. Returns the pause's end.
    pub async fn login_turn_failed(
        &self,
        ip: &str,
        username: &str,
        n: i64,
        max: i64,
        lock_ms: i64,
    ) -> Result<Option<i64>> {
        if n < max {
            return Ok(None);
        }
        let t = now_ms() + lock_ms;
        let mut tx = self.db.begin().await?;
        tx.execute(
            "UPDATE login_throttle SET locked_until = $1 WHERE ip = $2 AND username = $3",
            args![t, ip, username],
        )
        .await?;
        tx.commit().await?;
        Ok(Some(t))
    }

    /// A right password from `ip`: its count for `username` starts again.
    pub async fn login_turns_clear(&self, ip: &str, username: &str) -> Result<()> {
        self.db
            .execute(
                "DELETE FROM login_throttle WHERE ip = $1 AND username = $2",
                args![ip, username],
            )
            .await?;
        Ok(())
    }

    /// Forgets the counts of addresses that last guessed a name before
    /// `before` (and are not paused now). Returns how many went.
    pub async fn prune_login_turns(&self, before: i64) -> Result<u64> {
        Ok(self
            .db
            .execute(
                "DELETE FROM login_throttle WHERE last_at < $1 \
                 AND (locked_until IS NULL OR locked_until <= $2)",
                args![before, now_ms()],
            )
            .await?)
    }

    /// Takes one of the `max` guesses an account allows before its password
    /// is checked: counted at once, in one statement, so that guesses sent in
    /// parallel can never check more than `max` passwords between a success
    /// and a lock. `None` when the account is locked or its guesses are all
    /// taken (by guesses still being checked); else this guess's number.
    pub async fn begin_login_attempt(&self, id: i64, max: i64) -> Result<Option<i64>> {
        let mut tx = self.db.begin().await?;
        let n: Option<i64> = tx
            .scalar(
                "UPDATE users SET failed_logins = failed_logins + 1 \
                 WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2) AND failed_logins < $3 \
                 RETURNING failed_logins",
                args![id, now_ms(), max],
            )
            .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// A guess taken by [`Store::begin_login_attempt`] was wrong: the last of
    /// the `max` locks the account for `lock_ms`. Returns the lock's end if
    /// it is now locked.
    pub async fn login_failed(
        &self,
        id: i64,
        attempt: i64,
        max: i64,
        lock_ms: i64,
    ) -> Result<Option<i64>> {
        if attempt < max {
            return Ok(None);
        }
        let t = now_ms() + lock_ms;
        let mut tx = self.db.begin().await?;
        tx.execute(
            "UPDATE users SET locked_until = $1, failed_logins = 0 WHERE id = $2",
            args![t, id],
        )
        .await?;
        tx.commit().await?;
        Ok(Some(t))
    }

    pub async fn login_succeeded(&self, id: i64) -> Result<()> {
        let mut tx = self.db.begin().await?;
        tx.execute(
            "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = $1 WHERE id = $2",
            args![now_ms(), id],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn log_login(
        &self,
        username: &str,
        user_id: Option<i64>,
        ip: &str,
        ua: Option<&str>,
        success: bool,
        reason: &str,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        tx.execute(
            "INSERT INTO login_log (at, username, user_id, ip, user_agent, success, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            args![now_ms(), username, user_id, ip, ua, success, reason],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Newest first.
    pub async fn login_log(&self, page: &PageRequest) -> Result<Page<LoginEntry>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT * FROM login_log WHERE id < $1 ORDER BY id DESC LIMIT $2",
                args![page.after.unwrap_or(i64::MAX), page.limit + 1],
            )
            .await?;
        Ok(Page::from_rows(rows, page, |e: &LoginEntry| e.id))
    }

    // ---- roles ----

    pub async fn list_roles(&self) -> Result<Vec<Role>> {
        Ok(self
            .db
            .fetch_all("SELECT * FROM roles ORDER BY id", vec![])
            .await?)
    }

    /// Creates or updates the built-in roles to match the code (idempotent).
    pub async fn seed_builtin_roles(&self) -> Result<()> {
        let mut tx = self.db.begin().await?;
        for r in zlc_domain::auth::BUILTIN_ROLES {
            let perms =
                json!(r.permissions.iter().map(|p| p.code()).collect::<Vec<_>>()).to_string();
            let n = tx
                .execute(
                    "UPDATE roles SET name = $1, permissions = $2, builtin = $3 WHERE code = $4",
                    args![r.name, &perms, true, r.code],
                )
                .await?;
            if n == 0 {
                let now = now_ms();
                tx.execute(
                    "INSERT INTO roles (code, name, permissions, builtin, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
                    args![r.code, r.name, &perms, true, now],
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Creates or updates a custom role; built-in roles are fixed. A role may
    /// not itself span two administrator duties, nor make any holder do so.
    pub async fn save_role(
        &self,
        actor: &Actor,
        id: Option<(i64, i64)>,
        code: &str,
        name: &str,
        perms: &[String],
    ) -> Result<Role> {
        let mut set = BTreeSet::new();
        for p in perms {
            set.insert(
                Permission::parse(p).ok_or_else(|| {
                    StoreError::invalid("permissions", format!("未知的权限「{p}」"))
                })?,
            );
        }
        check_separation(&set).map_err(|m| StoreError::invalid("permissions", m))?;
        let name =
            zlc_domain::error::text("name", name, 50).map_err(|e| StoreError::Invalid(e.into()))?;
        let perms_json = json!(set.iter().map(|p| p.code()).collect::<Vec<_>>()).to_string();
        let mut tx = self.db.begin().await?;
        let now = now_ms();
        let (role, before) = match id {
            None => {
                if code.is_empty()
                    || !code
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    return Err(StoreError::invalid(
                        "code",
                        "角色编码须为字母、数字、- 或 _",
                    ));
                }
                let r: Role = tx
                    .fetch_one(
                        "INSERT INTO roles (code, name, permissions, builtin, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING *",
                        args![code, &name, &perms_json, false, now],
                    )
                    .await
                    .map_err(unique_as("code", "角色编码已存在"))?;
                (r, None)
            }
            Some((id, version)) => {
                tx.lock_row("roles", id).await?;
                let old: Role = tx
                    .fetch_optional("SELECT * FROM roles WHERE id = $1", args![id])
                    .await?
                    .ok_or(StoreError::NotFound)?;
                if old.builtin {
                    return Err(StoreError::Conflict("内置角色不能修改".into()));
                }
                if old.version != version {
                    return Err(StoreError::Stale {
                        current: old.version,
                    });
                }
                let r: Role = tx
                    .fetch_one(
                        "UPDATE roles SET name = $1, permissions = $2, version = version + 1, updated_at = $3 WHERE id = $4 RETURNING *",
                        args![&name, &perms_json, now, id],
                    )
                    .await?;
                // Every holder must still respect the separation of duties.
                let holders: Vec<i64> = tx
                    .fetch_all::<(i64,)>(
                        "SELECT user_id FROM user_roles WHERE role_id = $1",
                        args![id],
                    )
                    .await?
                    .into_iter()
                    .map(|(u,)| u)
                    .collect();
                for u in holders {
                    let roles: Vec<Role> = tx
                        .fetch_all("SELECT r.* FROM roles r JOIN user_roles ur ON ur.role_id = r.id WHERE ur.user_id = $1", args![u])
                        .await?;
                    let all: BTreeSet<Permission> =
                        roles.iter().flat_map(Role::permission_set).collect();
                    check_separation(&all).map_err(|m| {
                        StoreError::invalid("permissions", format!("账号 {u}：{m}"))
                    })?;
                }
                (
                    r,
                    Some(json!({"name": old.name, "permissions": old.permissions})),
                )
            }
        };
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: if before.is_some() { "update" } else { "create" },
                entity: "role",
                entity_id: Some(role.id.to_string()),
                before,
                after: Some(
                    json!({"code": role.code, "name": role.name, "permissions": role.permissions}),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(role)
    }

    /// Revokes a live session or token, with its audit entry; an absent or
    /// already revoked one is not found.
    async fn revoke(&self, table: &str, entity: &str, actor: &Actor, id: i64) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let n = tx
            .execute(
                &format!("UPDATE {table} SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL"),
                args![now_ms(), id],
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: "revoke",
                entity,
                entity_id: Some(id.to_string()),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- sessions ----

    pub async fn create_session(
        &self,
        user_id: i64,
        token_hash: &str,
        ip: &str,
        ua: Option<&str>,
        expires_at: i64,
    ) -> Result<Session> {
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let s = tx
            .fetch_one(
                "INSERT INTO sessions (token_hash, user_id, ip, user_agent, created_at, last_seen_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING *",
                args![token_hash, user_id, ip, ua, now, expires_at],
            )
            .await?;
        tx.commit().await?;
        Ok(s)
    }

    /// The caller a session or API token stands for, with its account, unit
    /// path and roles, in one query: every request asks this first.
    pub async fn principal(&self, credential: Credential<'_>) -> Result<Option<Principal>> {
        let (from, hash) = match credential {
            Credential::Session(h) => (
                "c.id AS credential_id, c.revoked_at, c.expires_at, c.last_seen_at \
                 FROM sessions c",
                h,
            ),
            Credential::Token(h) => (
                "c.id AS credential_id, c.revoked_at, c.expires_at, c.last_used_at AS last_seen_at \
                 FROM api_tokens c",
                h,
            ),
        };
        let rows: Vec<PrincipalRow> = self
            .db
            .fetch_all(
                &format!(
                    "SELECT u.id AS user_id, u.username, u.display_name, u.unit_id, n.path AS unit_path, \
                     u.disabled, u.must_change_password, r.code AS role_code, r.permissions AS role_permissions, {from} \
                     JOIN users u ON u.id = c.user_id \
                     LEFT JOIN units n ON n.id = u.unit_id \
                     LEFT JOIN user_roles ur ON ur.user_id = u.id \
                     LEFT JOIN roles r ON r.id = ur.role_id \
                     WHERE c.token_hash = $1 ORDER BY r.id"
                ),
                args![hash],
            )
            .await?;
        let mut roles = Vec::new();
        let mut permissions = BTreeSet::new();
        for r in &rows {
            if let Some(code) = &r.role_code {
                roles.push(code.clone());
            }
            if let Some(p) = &r.role_permissions {
                permissions.extend(permission_codes(p));
            }
        }
        Ok(rows.into_iter().next().map(|r| Principal {
            signed_in: r.signed_in,
            roles,
            permissions,
        }))
    }

    /// Records activity on a session (idle expiry counts from here).
    pub async fn touch_session(&self, id: i64, now: i64) -> Result<()> {
        let mut tx = self.db.begin().await?;
        tx.execute(
            "UPDATE sessions SET last_seen_at = $1 WHERE id = $2",
            args![now, id],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn revoke_session(&self, actor: &Actor, id: i64) -> Result<()> {
        self.revoke("sessions", "session", actor, id).await
    }

    /// Live sessions, newest first.
    pub async fn list_sessions(&self, page: &PageRequest) -> Result<Page<Session>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT * FROM sessions WHERE revoked_at IS NULL AND expires_at > $1 AND id < $2 ORDER BY id DESC LIMIT $3",
                args![now_ms(), page.after.unwrap_or(i64::MAX), page.limit + 1],
            )
            .await?;
        Ok(Page::from_rows(rows, page, |s: &Session| s.id))
    }

    // ---- API tokens ----

    pub async fn create_token(
        &self,
        actor: &Actor,
        user_id: i64,
        name: &str,
        token_hash: &str,
        expires_at: Option<i64>,
    ) -> Result<ApiToken> {
        let name =
            zlc_domain::error::text("name", name, 50).map_err(|e| StoreError::Invalid(e.into()))?;
        let mut tx = self.db.begin().await?;
        let t: ApiToken = tx
            .fetch_one(
                "INSERT INTO api_tokens (user_id, name, token_hash, created_by, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
                args![user_id, &name, token_hash, actor.user_id, now_ms(), expires_at],
            )
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(d) if d.is_foreign_key_violation() => StoreError::invalid("user_id", "账号不存在"),
                _ => StoreError::Db(e),
            })?;
        audit::append(
            &mut tx,
            &self.cipher,
            actor,
            Change {
                action: "create",
                entity: "api_token",
                entity_id: Some(t.id.to_string()),
                before: None,
                after: Some(json!({"user_id": user_id, "name": name, "expires_at": expires_at})),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(t)
    }

    pub async fn token_used(&self, id: i64) -> Result<()> {
        let mut tx = self.db.begin().await?;
        tx.execute(
            "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2",
            args![now_ms(), id],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn revoke_token(&self, actor: &Actor, id: i64) -> Result<()> {
        self.revoke("api_tokens", "api_token", actor, id).await
    }

    pub async fn list_tokens(&self) -> Result<Vec<ApiToken>> {
        Ok(self
            .db
            .fetch_all("SELECT * FROM api_tokens ORDER BY id DESC", vec![])
            .await?)
    }
}
