//! First start and every start: the data key checked, built-in roles, the
//! three administrators and an active policy, then the [`App`] the server
//! and the command line run with.

use crate::App;
use crate::accounts::{hash_password, one_time_password};
use crate::error::AppError;
use crate::settings::Uploads;
use zlc_domain::auth::PasswordRules;
use zlc_domain::policy::{Policy, preset};
use zlc_store::accounts::NewUser;
use zlc_store::{Actor, Store};

/// The preset made active on an empty database.
pub const DEFAULT_PRESET: &str = "003-beilin";

/// The three separated administrators created on an empty database.
pub const ADMINS: [(&str, &str, &str); 3] = [
    ("sysadmin", "系统管理员", "sysadmin"),
    ("secadmin", "安全管理员", "secadmin"),
    ("auditadmin", "审计管理员", "auditadmin"),
];

/// An administrator account made on first start, with the password to hand over.
pub struct CreatedAdmin {
    pub username: String,
    /// `None` when the operator set `ZLC_ADMIN_PASSWORD`.
    pub one_time_password: Option<String>,
}

/// 启动失败 why a database cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Store(#[from] zlc_store::StoreError),
    #[error(transparent)]
    App(#[from] AppError),
    #[error("ZLC_ADMIN_PASSWORD 不符合口令要求：{0}")]
    WeakAdminPassword(String),
    #[error("当前生效的活动规则（版本 {id}）无法读取：{errors}")]
    BadPolicy { id: i64, errors: String },
    #[error("数据密钥与数据库不匹配：请使用该数据库原来的 zlc.key 或 ZLC_DATA_KEY")]
    WrongKey,
    #[error("缺少默认预置方案「{0}」")]
    NoPreset(&'static str),
}

const KEY_CHECK: &str = "data_key_check";
const KEY_CHECK_PLAIN: &str = "zlc data key check";

/// Refuses a data key that does not open what this database sealed: a sealed
/// known value is kept in the settings on first start and opened on every
/// later one (a wrong `ZLC_DATA_KEY`, a restore with another installation's key).
pub async fn check_data_key(store: &Store) -> Result<(), SetupError> {
    match store.setting(KEY_CHECK).await? {
        Some(sealed) => match store.cipher.decrypt(&sealed) {
            Ok(p) if p == KEY_CHECK_PLAIN => Ok(()),
            _ => Err(SetupError::WrongKey),
        },
        None => {
            let sealed = store
                .cipher
                .encrypt(KEY_CHECK_PLAIN)
                .map_err(zlc_store::StoreError::from)?;
            let mut tx = store
                .db
                .begin()
                .await
                .map_err(zlc_store::StoreError::from)?;
            store.set_setting(&mut tx, KEY_CHECK, &sealed).await?;
            tx.commit().await.map_err(zlc_store::StoreError::from)?;
            Ok(())
        }
    }
}

/// Prepares the database and returns the [`App`] over it, plus the
/// administrators it had to create: with `admin_password` (checked against
/// `rules`) when the operator gave one, else each with a one-time password.
pub async fn prepare(
    store: Store,
    uploads: Uploads,
    rules: &PasswordRules,
    admin_password: Option<&str>,
) -> Result<(App, Vec<CreatedAdmin>), SetupError> {
    check_data_key(&store).await?;
    store.seed_builtin_roles().await?;
    let mut created = Vec::new();
    if store.count_users().await? == 0 {
        let actor = Actor::system("first-start");
        for (username, name, role) in ADMINS {
            let (password, must_change) = match admin_password {
                Some(p) => {
                    rules
                        .check(username, p)
                        .map_err(SetupError::WeakAdminPassword)?;
                    (p.to_string(), false)
                }
                None => (one_time_password()?, true),
            };
            let hash = hash_password(password.clone()).await?;
            store
                .create_user(
                    &actor,
                    NewUser {
                        username: username.into(),
                        display_name: name.into(),
                        password_hash: hash,
                        must_change_password: must_change,
                        unit_id: None,
                        official_id: None,
                        roles: vec![role.into()],
                    },
                )
                .await?;
            created.push(CreatedAdmin {
                username: username.into(),
                one_time_password: must_change.then_some(password),
            });
        }
    }
    let policy = match store.active_policy().await? {
        Some(v) => Policy::from_toml(&v.source).map_err(|e| SetupError::BadPolicy {
            id: v.id,
            errors: e.to_string(),
        })?,
        None => {
            let p = preset(DEFAULT_PRESET).ok_or(SetupError::NoPreset(DEFAULT_PRESET))?;
            let policy = p.policy();
            store
                .activate_policy(&Actor::system("first-start"), p.code, p.name, p.source)
                .await?;
            policy
        }
    };
    let calendar = store.work_calendar().await?;
    Ok((App::new(store, policy, calendar, uploads), created))
}
