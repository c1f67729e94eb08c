//! `spawn_app()`: the real server on port 0 over a fresh database — SQLite, or
//! PostgreSQL when `ZLC_TEST_DB=postgres` (a new database on `ZLC_TEST_PG_URL`).

use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU32, Ordering};
use zlc_app::settings::Uploads;
use zlc_server::settings::Security;
use zlc_store::crypto::FieldCipher;
use zlc_store::{Options, Store};

pub const ADMIN_PASSWORD: &str = "Admin-Pass-2024!x";
pub const PASSWORD: &str = "Walk-the-Process-9!";

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub dir: std::path::PathBuf,
    /// The database it serves, for a second server over the same one.
    pub url: String,
}

/// A signed-in (or anonymous) client that sends the app's own Origin on writes.
pub struct Session {
    pub client: Client,
    pub base: String,
    pub origin: Option<String>,
    pub bearer: Option<String>,
}

fn unique() -> String {
    format!(
        "{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        zlc_store::now_ms()
    )
}

pub fn postgres() -> bool {
    std::env::var("ZLC_TEST_DB").is_ok_and(|v| v == "postgres")
}

async fn database_url(dir: &std::path::Path) -> String {
    if !postgres() {
        return format!("sqlite:{}", dir.join("zlc.db").display());
    }
    let admin = std::env::var("ZLC_TEST_PG_URL").expect(
        "ZLC_TEST_PG_URL must be set for ZLC_TEST_DB=postgres (scripts/pg-up.sh prints it)",
    );
    let name = format!("zlc_test_{}", unique());
    let pool = sqlx::PgPool::connect(&admin)
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&pool)
        .await
        .expect("create test database");
    pool.close().await;
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    format!("{base}/{name}")
}

pub async fn spawn_app() -> TestApp {
    spawn_with(Security::default()).await
}

pub async fn spawn_with(security: Security) -> TestApp {
    spawn_configured(security, test_uploads()).await
}

/// The uploads' configuration of the tests: attachments up to 1 MB.
pub fn test_uploads() -> Uploads {
    Uploads {
        max_mb: 1,
        ..Uploads::default()
    }
}

pub async fn spawn_configured(security: Security, uploads: Uploads) -> TestApp {
    let dir = std::env::temp_dir().join(format!("zlc-api-{}", unique()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = database_url(&dir).await;
    let cipher =
        FieldCipher::from_hex(&FieldCipher::generate_key_hex().expect("key")).expect("cipher");
    let (app, created) = serve_on(url, cipher, security, uploads, dir).await;
    assert_eq!(
        created, 3,
        "the three administrators are created on an empty database"
    );
    app
}

/// A server over the database at `url`: its store, bootstrap and listener.
async fn serve_on(
    url: String,
    cipher: FieldCipher,
    security: Security,
    uploads: Uploads,
    dir: std::path::PathBuf,
) -> (TestApp, usize) {
    let store = Store::open(&url, cipher, &Options::default())
        .await
        .expect("open store");
    let config = zlc_server::bootstrap::ServerConfig {
        security,
        objects: zlc_store::objects::ObjectStore::Local(dir.join("objects")),
        uploads,
    };
    let (state, created) =
        zlc_server::bootstrap::prepare(store.clone(), config, Some(ADMIN_PASSWORD))
            .await
            .expect("bootstrap");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(zlc_server::serve(listener, state, std::future::pending()));
    (
        TestApp {
            base,
            store,
            dir,
            url,
        },
        created.len(),
    )
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl TestApp {
    /// A second server over the same database, as behind a load balancer
    /// (its own files directory; the database's one data key).
    pub async fn second_server(&self) -> TestApp {
        let dir = std::env::temp_dir().join(format!("zlc-api-{}", unique()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let (app, created) = serve_on(
            self.url.clone(),
            self.store.cipher.clone(),
            Security::default(),
            test_uploads(),
            dir,
        )
        .await;
        assert_eq!(created, 0, "the second server finds the administrators");
        app
    }

    pub fn anonymous(&self) -> Session {
        Session {
            client: Client::builder()
                .cookie_store(true)
                .build()
                .expect("client"),
            base: self.base.clone(),
            origin: Some(self.base.clone()),
            bearer: None,
        }
    }

    /// Signs in; panics unless it works.
    pub async fn login(&self, username: &str, password: &str) -> Session {
        let s = self.anonymous();
        let r = s
            .post(
                "/api/v1/auth/login",
                json!({"username": username, "password": password}),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "login {username}: {}",
            r.text().await.unwrap_or_default()
        );
        s
    }

    pub async fn admin(&self, name: &str) -> Session {
        self.login(name, ADMIN_PASSWORD).await
    }

    /// Creates an account (as sysadmin), gives it roles (as secadmin), and
    /// signs it in with a permanent password.
    pub async fn user(&self, username: &str, unit_id: Option<i64>, roles: &[&str]) -> Session {
        let sys = self.admin("sysadmin").await;
        let r = sys
            .post(
                "/api/v1/users",
                json!({"username": username, "display_name": username, "unit_id": unit_id}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let body: Value = r.json().await.expect("json");
        let otp = body["one_time_password"].as_str().expect("otp").to_string();
        let id = body["user"]["id"].as_i64().expect("id");
        let sec = self.admin("secadmin").await;
        let r = sec
            .patch(
                &format!("/api/v1/users/{id}"),
                json!({"version": body["user"]["version"], "roles": roles}),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "{}",
            r.text().await.unwrap_or_default()
        );
        let s = self.login(username, &otp).await;
        let r = s
            .post(
                "/api/v1/me/password",
                json!({"old_password": otp, "new_password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        s
    }

    /// A unit created by sysadmin (whole-system scope).
    pub async fn unit(&self, name: &str, parent: Option<i64>, kind: &str) -> Value {
        let sys = self.admin("sysadmin").await;
        let r = sys
            .post(
                "/api/v1/units",
                json!({"name": name, "parent_id": parent, "kind": kind}),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::CREATED,
            "{}",
            r.text().await.unwrap_or_default()
        );
        r.json().await.expect("json")
    }
}

impl Session {
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Response {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(o) = &self.origin {
            req = req.header("origin", o);
        }
        if let Some(t) = &self.bearer {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.expect("request")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Response {
        self.send(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str, body: Option<Value>) -> Response {
        self.send(Method::DELETE, path, body).await
    }

    /// GET that must answer 200; returns the JSON.
    pub async fn json(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "GET {path}: {}",
            r.text().await.unwrap_or_default()
        );
        r.json().await.expect("json")
    }
}

/// Asserts a problem+json answer with this status; returns its body.
pub async fn problem(r: Response, status: StatusCode) -> Value {
    assert_eq!(r.status(), status);
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert_eq!(ct, "application/problem+json");
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["status"], status.as_u16());
    v
}

/// The ids of the records in a JSON array (a page's `items`, a record's
/// `callbacks`), in order.
pub fn ids_of(list: &Value) -> Vec<i64> {
    list.as_array()
        .expect("an array")
        .iter()
        .map(|r| r["id"].as_i64().expect("a record answers its id"))
        .collect()
}
