//! zlc-server: the HTTP surface of zlc.
//!
//! One module per resource, each with its own `router()`; all of them are
//! gathered here under `/api/v1`, described by OpenAPI 3 at `/api/openapi.json`
//! and browsable offline at `/api/docs`.

pub mod activities;
pub mod admin;
pub mod attachments;
pub mod auth;
pub mod bootstrap;
pub mod calendar;
pub mod download;
pub mod duty;
pub mod error;
pub mod extract;
pub mod items;
pub mod ledgers;
pub mod office;
pub mod officials;
pub mod plans;
pub mod policy;
pub mod problems;
pub mod reports;
pub mod settings;
pub mod submissions;
pub mod units;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use serde::{Deserialize, Deserializer, Serialize};
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;
use zlc_app::App;
use zlc_store::registry::RegistryFilter;
use zlc_store::{Page, PageRequest};

/// What every handler shares: the use cases' [`App`] (the store, the active
/// policy and calendar, the upload limits; reached through `Deref`, as
/// `s.store`, `s.policy()`), and what only the server holds.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub security: Arc<settings::Security>,
    /// Where attachment bytes live.
    pub objects: zlc_store::objects::ObjectStore,
}

impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}

/// A page of a list: `{"items": [...], "next_cursor": "…" | null}`.
#[derive(Serialize, ToSchema)]
pub struct ListOf<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    /// How many records the whole list holds: answered by the campaign lists
    /// (plans, activities, problems, needs, measures) on their first page.
    /// Counted up to 10,000: with `total_capped`, the list holds more.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    /// `true` when the list holds more than `total` records (absent otherwise).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub total_capped: bool,
}

impl<T> From<Page<T>> for ListOf<T> {
    fn from(p: Page<T>) -> Self {
        ListOf {
            items: p.items,
            next_cursor: p.next_cursor,
            total: p.total,
            total_capped: p.total_capped,
        }
    }
}

/// Search text as it may reach the database: control characters (a NUL
/// ends a C string in SQLite's full-text parser and is refused by
/// PostgreSQL) and bidirectional overrides taken out, trimmed; `None` when
/// nothing is left.
pub fn search_text(q: &Option<String>) -> Option<String> {
    let t: String = q
        .as_deref()?
        .chars()
        .filter(|c| !c.is_control() && !zlc_domain::error::is_bidi_control(*c))
        .collect();
    let t = t.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Paging and the common filters of registry lists.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// Only records in this unit's subtree.
    pub unit: Option<i64>,
    /// Units only: the direct children of this unit.
    pub parent: Option<i64>,
    /// Unit kind, official rank or item type.
    pub kind: Option<String>,
    /// Text contained in the name.
    pub q: Option<String>,
}

impl ListQuery {
    pub fn page(&self) -> Result<PageRequest, zlc_store::StoreError> {
        PageRequest::new(self.cursor.as_deref(), self.limit)
    }

    pub fn filter(&self) -> RegistryFilter {
        RegistryFilter {
            unit: self.unit,
            parent: self.parent,
            kind: self.kind.clone(),
            q: search_text(&self.q),
        }
    }
}

/// Paging only.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

impl PageQuery {
    pub fn page(&self) -> Result<PageRequest, zlc_store::StoreError> {
        PageRequest::new(self.cursor.as_deref(), self.limit)
    }
}

/// For PATCH fields where absent means "keep" and `null` means "clear".
pub fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "zlc 走流程 API",
        description = "领导干部走流程、坐窗口、跟执法、处投诉 活动管理系统接口。浏览器以会话 Cookie 登录；脚本使用 `Authorization: Bearer` 令牌。错误均为 application/problem+json。"
    ),
    components(schemas(error::Problem, error::ProblemField, zlc_domain::sheets::SheetKind))
)]
struct ApiDoc;

/// 200 when the database answers.
async fn healthz(State(s): State<AppState>) -> impl IntoResponse {
    match s.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// The web application: a built file when the path names one, else the
/// application's page, whose router handles the path in the browser (deep
/// links such as `/problems` or `/public/`).
async fn web(method: axum::http::Method, uri: axum::http::Uri) -> axum::response::Response {
    if method != axum::http::Method::GET && method != axum::http::Method::HEAD {
        return error::ApiError::NotFound.into_response();
    }
    let path = uri.path().trim_start_matches('/');
    let found = zlc_web::asset(path).filter(|_| !path.is_empty());
    // A missing file with an extension is a 404, not the page: a stale
    // script reference must fail visibly rather than load HTML as code.
    let looks_like_file = path.rsplit('/').next().is_some_and(|f| f.contains('.'));
    let (asset, page) = match found {
        Some(a) => (a, false),
        None if looks_like_file => return error::ApiError::NotFound.into_response(),
        None => match zlc_web::index() {
            Some(a) => (a, true),
            None => return error::ApiError::NotFound.into_response(),
        },
    };
    let cache = if asset.immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut res = (
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, cache.to_string()),
        ],
        asset.bytes.into_owned(),
    )
        .into_response();
    if page {
        res.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
            ),
        );
    }
    res
}

/// The API's routes with their OpenAPI description; the body limits of
/// uploads and imports are the configuration's.
fn api_routes(upload_max_mb: u64, import_max_mb: u64) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(attachments::router(upload_max_mb))
        .merge(auth::router())
        .merge(admin::router())
        .nest("/units", units::router())
        .nest("/officials", officials::router())
        .nest("/items", items::router())
        .merge(policy::router())
        .merge(calendar::router())
        .merge(duty::router())
        .merge(submissions::router())
        .merge(ledgers::router())
        .merge(plans::router())
        .merge(activities::router())
        .merge(problems::router())
        .merge(reports::router())
        .merge(office::router(import_max_mb))
}

/// The OpenAPI document served at `/api/openapi.json` (what `zlc openapi`
/// prints and the web app's types are generated from).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, doc) = api_routes(1, 1).split_for_parts();
    finished(doc)
}

/// The document as served: its base path, each operation's id once.
fn finished(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    doc.servers = Some(vec![utoipa::openapi::Server::new("/api/v1")]);
    unique_operation_ids(&mut doc);
    doc
}

/// Handlers of several resources share names (`list`, `create` …); the
/// document needs each operation's id once, so a shared name is prefixed
/// with its resource: `problems_list`, `plans_list`.
fn unique_operation_ids(doc: &mut utoipa::openapi::OpenApi) {
    let mut count: std::collections::HashMap<String, usize> = Default::default();
    for item in doc.paths.paths.values() {
        for op in [&item.get, &item.put, &item.post, &item.delete, &item.patch]
            .into_iter()
            .flatten()
        {
            if let Some(id) = &op.operation_id {
                *count.entry(id.clone()).or_default() += 1;
            }
        }
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        let resource = path
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or_default()
            .replace('-', "_");
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            if let Some(id) = op.operation_id.take() {
                op.operation_id = Some(if count[&id] > 1 {
                    format!("{resource}_{id}")
                } else {
                    id
                });
            }
        }
    }
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let (api, doc) =
        api_routes(state.uploads.max_mb, state.uploads.import_max_mb).split_for_parts();
    let doc = finished(doc);
    Router::new()
        .route("/healthz", get(healthz))
        .nest(
            "/api/v1",
            api.fallback(|| async { error::ApiError::NotFound }),
        )
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", doc))
        .fallback(web)
        .layer(DefaultBodyLimit::max(2 * 1024 * 1024))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        // The app's scripts and the API's JSON go gzipped (a phone in a
        // service hall is often on a slow network); office files and
        // photos are compressed already.
        .layer({
            use tower_http::compression::Predicate;
            tower_http::compression::CompressionLayer::new().compress_when(
                tower_http::compression::predicate::DefaultPredicate::new()
                    .and(
                        tower_http::compression::predicate::NotForContentType::const_new(
                            "application/vnd.openxmlformats",
                        ),
                    )
                    .and(
                        tower_http::compression::predicate::NotForContentType::const_new(
                            "application/pdf",
                        ),
                    ),
            )
        })
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves the application on a bound listener until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
