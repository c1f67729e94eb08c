//! 账号 account set-up: passwords hashed with argon2id, new accounts and
//! resets with a one-time password shown once. The server's 系统管理 page,
//! the first start and `zlc user` all go through here.

use crate::error::{AppError, AppResult};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use zlc_store::accounts::{NewUser, User};
use zlc_store::{Actor, Store};

/// Hashes a password with argon2id (off the async runtime: it is slow on purpose).
pub async fn hash_password(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt_bytes = zlc_store::crypto::random_bytes::<16>()
            .map_err(|e| AppError::internal("生成口令盐值失败", e))?;
        let salt = SaltString::encode_b64(&salt_bytes)
            .map_err(|e| AppError::internal("生成口令盐值失败", e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal("口令摘要失败", e.to_string()))
    })
    .await?
}

/// Checks a password against its stored argon2id hash.
pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A fixed hash to verify against when the account does not exist, so that the
/// answer takes as long as for a real account.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$J0y7c0mF4xkY2q7c5m0H8Jm3lqkq2Qm0bS3n8r9Yk1A";

/// A one-time password that meets every complexity rule: 16 characters from
/// four classes.
pub fn one_time_password() -> AppResult<String> {
    let raw = zlc_store::crypto::random_token()
        .map_err(|e| AppError::internal("生成一次性口令失败", e))?;
    Ok(format!("Zl-{}{}", &raw[..12], "#9aA"))
}

/// 新账号 what an account is made of, besides its password.
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub unit_id: Option<i64>,
    pub roles: Vec<String>,
}

/// Creates an account with a one-time password, which it answers with
/// (shown this once; the holder must change it at first sign-in).
pub async fn create_account(
    store: &Store,
    actor: &Actor,
    account: NewAccount,
) -> AppResult<(User, String)> {
    let password = one_time_password()?;
    let user = store
        .create_user(
            actor,
            NewUser {
                username: account.username.trim().to_lowercase(),
                display_name: account.display_name,
                password_hash: hash_password(password.clone()).await?,
                must_change_password: true,
                unit_id: account.unit_id,
                official_id: None,
                roles: account.roles,
            },
        )
        .await?;
    Ok((user, password))
}

/// Resets account `id` to a one-time password (which also lifts a
/// lockout) and answers with it.
pub async fn reset_password(store: &Store, actor: &Actor, id: i64) -> AppResult<String> {
    let password = one_time_password()?;
    let hash = hash_password(password.clone()).await?;
    store
        .set_password(actor, id, &hash, true, None, false)
        .await?;
    Ok(password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("Walk-the-Process-2024".into())
            .await
            .expect("hash");
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("Walk-the-Process-2024".into(), h.clone()).await);
        assert!(!verify_password("walk-the-process-2024".into(), h).await);
        assert!(!verify_password("x".into(), DUMMY_HASH.into()).await);
    }

    #[test]
    fn one_time_passwords_meet_every_rule_and_differ() {
        let a = one_time_password().expect("password");
        let b = one_time_password().expect("password");
        assert_ne!(a, b);
        let rules = zlc_domain::auth::PasswordRules::default();
        assert!(rules.check("someone", &a).is_ok(), "{a}");
    }
}
