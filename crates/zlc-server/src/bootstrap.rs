//! The server's state on start: the use cases' [`zlc_app::App`] prepared by
//! [`zlc_app::setup::prepare`], with what only the server holds (the
//! sign-in settings, where attachment bytes live).

use crate::AppState;
use crate::settings::Security;
use std::sync::Arc;
use zlc_app::settings::Uploads;
use zlc_app::setup::{CreatedAdmin, SetupError};
use zlc_store::Store;

/// What the server runs with besides the database.
pub struct ServerConfig {
    pub security: Security,
    pub objects: zlc_store::objects::ObjectStore,
    pub uploads: Uploads,
}

/// Prepares the database and returns the state the server runs with, plus the
/// administrators it had to create.
pub async fn prepare(
    store: Store,
    config: ServerConfig,
    admin_password: Option<&str>,
) -> Result<(AppState, Vec<CreatedAdmin>), SetupError> {
    let ServerConfig {
        security,
        objects,
        uploads,
    } = config;
    let (app, created) =
        zlc_app::setup::prepare(store, uploads, &security.password, admin_password).await?;
    let state = AppState {
        app,
        security: Arc::new(security),
        objects,
    };
    Ok((state, created))
}
