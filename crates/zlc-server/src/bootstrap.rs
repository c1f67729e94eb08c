//! First start and every start: built-in roles, the three administrators and
//! an active policy, then the shared state of the server.

use crate::AppState;
use crate::admin::one_time_password;
use crate::auth::hash_password;
use crate::settings::Security;
use std::sync::{Arc, RwLock};
use zlc_domain::policy::{Policy, preset};
use zlc_store::accounts::NewUser;
use zlc_store::{Actor, Store};

/// What the server runs with besides the database.
pub struct ServerConfig {
    pub security: Security,
    pub objects: zlc_store::objects::ObjectStore,
    pub uploads: crate::settings::Uploads,
}

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

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error(transparent)]
    Store(#[from] zlc_store::StoreError),
    #[error("ZLC_ADMIN_PASSWORD 不符合口令要求：{0}")]
    WeakAdminPassword(String),
    #[error("当前生效的活动规则（版本 {id}）无法读取：{errors}")]
    BadPolicy { id: i64, errors: String },
    #[error("数据密钥与数据库不匹配：请使用该数据库原来的 zlc.key 或 ZLC_DATA_KEY")]
    WrongKey,
    #[error("{0}")]
    Other(String),
}

const KEY_CHECK: &str = "data_key_check";
const KEY_CHECK_PLAIN: &str = "zlc data key check";

/// Refuses a data key that does not open what this database sealed: a sealed
/// known value is kept in the settings on first start and opened on every
/// later one (a wrong `ZLC_DATA_KEY`, a restore with another installation's key).
pub async fn check_data_key(store: &Store) -> Result<(), BootstrapError> {
    match store.setting(KEY_CHECK).await? {
        Some(sealed) => match store.cipher.decrypt(&sealed) {
            Ok(p) if p == KEY_CHECK_PLAIN => Ok(()),
            _ => Err(BootstrapError::WrongKey),
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

/// Prepares the database and returns the state the server runs with, plus the
/// administrators it had to create.
pub async fn prepare(
    store: Store,
    config: ServerConfig,
    admin_password: Option<&str>,
) -> Result<(AppState, Vec<CreatedAdmin>), BootstrapError> {
    let ServerConfig {
        security,
        objects,
        uploads,
    } = config;
    check_data_key(&store).await?;
    store.seed_builtin_roles().await?;
    let mut created = Vec::new();
    if store.count_users().await? == 0 {
        let actor = Actor::system("first-start");
        for (username, name, role) in ADMINS {
            let (password, must_change) = match admin_password {
                Some(p) => {
                    security
                        .password
                        .check(username, p)
                        .map_err(BootstrapError::WeakAdminPassword)?;
                    (p.to_string(), false)
                }
                None => (
                    one_time_password().map_err(|e| BootstrapError::Other(format!("{e:?}")))?,
                    true,
                ),
            };
            let hash = hash_password(password.clone())
                .await
                .map_err(|e| BootstrapError::Other(format!("{e:?}")))?;
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
        Some(v) => Policy::from_toml(&v.source).map_err(|e| BootstrapError::BadPolicy {
            id: v.id,
            errors: e.to_string(),
        })?,
        None => {
            let p = preset(DEFAULT_PRESET)
                .ok_or_else(|| BootstrapError::Other("缺少默认预置方案".into()))?;
            let policy = p.policy();
            store
                .activate_policy(&Actor::system("first-start"), p.code, p.name, p.source)
                .await?;
            policy
        }
    };
    let calendar = store.work_calendar().await?;
    let state = AppState {
        store,
        security: Arc::new(security),
        policy: Arc::new(RwLock::new(Arc::new(policy))),
        objects,
        imports: Arc::new(crate::office::ImportGate::new(uploads.imports_at_once)),
        uploads: Arc::new(uploads),
        calendar: Arc::new(RwLock::new(Arc::new(calendar))),
    };
    Ok((state, created))
}
