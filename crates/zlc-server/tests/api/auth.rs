use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;
use zlc_server::settings::Security;

#[tokio::test]
async fn health_openapi_and_docs_answer() {
    let app = spawn_app().await;
    let anon = app.anonymous();
    assert_eq!(anon.get("/healthz").await.status(), StatusCode::OK);
    let doc = anon.json("/api/openapi.json").await;
    assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
    for path in [
        "/auth/login",
        "/units",
        "/units/{id}",
        "/officials",
        "/items/{id}/figures",
        "/audit/verify",
        "/policy",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    let docs = anon.get("/api/docs/").await;
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(docs.text().await.expect("html").contains("swagger"));
}

/// Every parameter the document declares in the path is named in the path's
/// template, and the filters of the lists are query parameters: a client
/// generated from the document (or schemathesis) can then call them.
#[tokio::test]
async fn openapi_parameters_are_where_the_server_reads_them() {
    let app = spawn_app().await;
    let doc = app.anonymous().json("/api/openapi.json").await;
    let mut wrong = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            let params: Vec<&serde_json::Value> =
                op["parameters"].as_array().into_iter().flatten().collect();
            for p in &params {
                let name = p["name"].as_str().expect("name");
                let in_path = path.contains(&format!("{{{name}}}"));
                if (p["in"] == "path") != in_path {
                    wrong.push(format!("{method} {path} {name} in {}", p["in"]));
                }
            }
            for part in path.split('/').filter(|s| s.starts_with('{')) {
                let name = part.trim_matches(|c| c == '{' || c == '}');
                if !params
                    .iter()
                    .any(|p| p["in"] == "path" && p["name"] == name)
                {
                    wrong.push(format!("{method} {path} {name} not declared"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    let list = &doc["paths"]["/problems"]["get"]["parameters"];
    let q = list
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "q")
        .expect("q documented");
    assert_eq!((&q["in"], &q["required"]), (&json!("query"), &json!(false)));
}

/// Every JSON answer of a success is described by a schema, not a bare
/// object, and every reference resolves: the document is what a client
/// is generated from.
#[tokio::test]
async fn openapi_answers_have_their_schemas() {
    let app = spawn_app().await;
    let doc = app.anonymous().json("/api/openapi.json").await;
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for r in text.split("#/components/schemas/").skip(1) {
        let name: String = r.chars().take_while(|c| *c != '"').collect();
        assert!(
            schemas.contains_key(&name),
            "{name} is referred to, not defined"
        );
    }
    let bare = json!({"type": "object"});
    let mut vague = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            for (code, answer) in op["responses"].as_object().expect("responses") {
                let schema = &answer["content"]["application/json"]["schema"];
                if code.starts_with('2') && (schema == &bare || schema["items"] == bare) {
                    vague.push(format!("{method} {path} {code}"));
                }
            }
        }
    }
    assert!(vague.is_empty(), "{vague:#?}");
    let kind = &schemas["UnitKind"];
    assert_eq!(kind["enum"][0], "region", "{kind}");
    // Closed vocabularies are enums wherever they are read: a path's
    // table kind, a query's attachment owner, a patch's optional mode.
    let import = &doc["paths"]["/imports/{kind}"]["post"]["parameters"][0];
    assert_eq!(import["schema"]["$ref"], "#/components/schemas/SheetKind");
    assert_eq!(schemas["SheetKind"]["enum"][1], "ledger");
    let owner = doc["paths"]["/attachments"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "owner")
        .expect("owner");
    assert_eq!(
        owner["schema"]["$ref"],
        "#/components/schemas/AttachmentOwner"
    );
    let mode = &schemas["PlanPatch"]["properties"]["mode"]["oneOf"];
    assert!(
        mode.as_array()
            .expect("oneOf")
            .iter()
            .any(|m| m["$ref"] == "#/components/schemas/Mode"),
        "{mode}"
    );
}

#[tokio::test]
async fn data_endpoints_need_a_sign_in() {
    let app = spawn_app().await;
    let anon = app.anonymous();
    let p = problem(anon.get("/api/v1/units").await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(p["detail"], "请先登录");
    problem(
        anon.get("/api/v1/no-such-thing").await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn wrong_passwords_lock_the_account_and_are_logged() {
    let app = spawn_with(Security {
        max_failed_logins: 3,
        ..Security::default()
    })
    .await;
    let anon = app.anonymous();
    let try_login = |pw: &'static str| {
        anon.post(
            "/api/v1/auth/login",
            json!({"username": "sysadmin", "password": pw}),
        )
    };
    let p = problem(try_login("wrong-1").await, StatusCode::UNAUTHORIZED).await;
    let first = "账号或口令错误，再失败 2 次将暂停登录 15 分钟";
    assert_eq!(p["detail"], first);
    problem(try_login("wrong-2").await, StatusCode::UNAUTHORIZED).await;
    let p = problem(try_login("wrong-3").await, StatusCode::LOCKED).await;
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("请 15 分钟后再试"),
        "{p}"
    );
    // Paused: even the right password is refused from this address.
    let p = problem(try_login(ADMIN_PASSWORD).await, StatusCode::LOCKED).await;
    assert!(p["detail"].as_str().expect("detail").contains("分钟后再试"));
    // An unknown account is answered exactly as a real one.
    let p = problem(
        anon.post(
            "/api/v1/auth/login",
            json!({"username": "nobody", "password": "x"}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(p["detail"], first);

    let sec = app.admin("secadmin").await;
    let log = sec.json("/api/v1/login-log?limit=10").await;
    let reasons: Vec<&str> = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["reason"].as_str().expect("reason"))
        .collect();
    assert_eq!(
        reasons[..6],
        [
            "登录成功",
            "账号不存在",
            "登录暂停",
            "口令错误",
            "口令错误",
            "口令错误"
        ]
    );
}

#[tokio::test]
async fn a_one_time_password_must_be_changed_first() {
    let app = spawn_app().await;
    let sys = app.admin("sysadmin").await;
    let created: serde_json::Value = sys
        .post(
            "/api/v1/users",
            json!({"username": "li.si", "display_name": "李四"}),
        )
        .await
        .json()
        .await
        .expect("json");
    let otp = created["one_time_password"]
        .as_str()
        .expect("otp")
        .to_string();

    let user = app.login("li.si", &otp).await;
    assert_eq!(user.json("/api/v1/me").await["must_change_password"], true);
    let p = problem(user.get("/api/v1/units").await, StatusCode::FORBIDDEN).await;
    assert_eq!(p["detail"], "请先修改初始口令");

    let p = problem(
        user.post(
            "/api/v1/me/password",
            json!({"old_password": otp, "new_password": "short"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "new_password");
    let p = problem(
        user.post(
            "/api/v1/me/password",
            json!({"old_password": "bad", "new_password": PASSWORD}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "old_password");
    let r = user
        .post(
            "/api/v1/me/password",
            json!({"old_password": otp, "new_password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(user.json("/api/v1/me").await["must_change_password"], false);
    // Without roles the account may do nothing yet, but it is past the password gate.
    problem(user.get("/api/v1/units").await, StatusCode::FORBIDDEN).await;
    app.login("li.si", PASSWORD).await;
}

#[tokio::test]
async fn cookie_writes_must_come_from_the_own_origin() {
    let app = spawn_app().await;
    let mut sys = app.admin("sysadmin").await;
    let body = json!({"name": "示范区", "kind": "region"});
    sys.origin = None;
    let p = problem(
        sys.post("/api/v1/units", body.clone()).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(p["detail"].as_str().expect("detail").contains("跨站请求"));
    sys.origin = Some("http://evil.example".into());
    problem(
        sys.post("/api/v1/units", body.clone()).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // Reads need no origin.
    sys.json("/api/v1/units").await;
    sys.origin = Some(app.base.clone());
    assert_eq!(
        sys.post("/api/v1/units", body).await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn bearer_tokens_work_without_origin_until_revoked() {
    let app = spawn_app().await;
    let root = app.unit("示范区", None, "region").await;
    let sup = app
        .user("supervisor1", root["id"].as_i64(), &["supervisor"])
        .await;
    let me = sup.json("/api/v1/me").await;
    let sys = app.admin("sysadmin").await;
    let created: serde_json::Value = sys
        .post(
            "/api/v1/tokens",
            json!({"user_id": me["id"], "name": "nightly"}),
        )
        .await
        .json()
        .await
        .expect("json");
    let secret = created["secret"].as_str().expect("secret").to_string();
    assert!(secret.starts_with("zlc_"));
    // The secret is stored only as its digest.
    let stored: Vec<(String,)> = app
        .store
        .db
        .fetch_all("SELECT token_hash FROM api_tokens", vec![])
        .await
        .expect("rows");
    assert!(stored.iter().all(|(h,)| !h.contains(&secret[4..])));

    let script = Session {
        client: reqwest::Client::new(),
        base: app.base.clone(),
        origin: None,
        bearer: Some(secret.clone()),
    };
    let r = script
        .post(
            "/api/v1/units",
            json!({"name": "区科技局", "parent_id": root["id"], "kind": "department"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    let id = created["token"]["id"].as_i64().expect("id");
    assert_eq!(
        sys.delete(&format!("/api/v1/tokens/{id}"), None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let p = problem(script.get("/api/v1/units").await, StatusCode::UNAUTHORIZED).await;
    assert!(p["detail"].as_str().expect("detail").contains("已吊销"));
}

#[tokio::test]
async fn sessions_end_on_logout_revocation_and_idle() {
    let app = spawn_app().await;
    let a = app.admin("auditadmin").await;
    assert_eq!(
        a.post("/api/v1/auth/logout", json!({})).await.status(),
        StatusCode::NO_CONTENT
    );
    problem(a.get("/api/v1/me").await, StatusCode::UNAUTHORIZED).await;

    let b = app.admin("auditadmin").await;
    let sec = app.admin("secadmin").await;
    let sessions = sec.json("/api/v1/sessions").await;
    let sid = sessions["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|s| s["user_id"] == 3)
        .expect("auditadmin session")["id"]
        .clone();
    assert_eq!(
        sec.delete(&format!("/api/v1/sessions/{sid}"), None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    problem(b.get("/api/v1/me").await, StatusCode::UNAUTHORIZED).await;

    let c = app.admin("auditadmin").await;
    c.json("/api/v1/me").await;
    // Two hours without a request: past the idle limit (30 minutes by default).
    app.store
        .db
        .execute(
            "UPDATE sessions SET last_seen_at = last_seen_at - $1",
            zlc_store::args![2 * 3_600_000i64],
        )
        .await
        .expect("age sessions");
    let p = problem(c.get("/api/v1/me").await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(p["detail"], "登录已超时，请重新登录");
}

#[tokio::test]
async fn the_three_administrators_stay_separate() {
    let app = spawn_app().await;
    let sys = app.admin("sysadmin").await;
    let created: serde_json::Value = sys
        .post(
            "/api/v1/users",
            json!({"username": "wang", "display_name": "王五"}),
        )
        .await
        .json()
        .await
        .expect("json");
    let (id, version) = (
        created["user"]["id"].clone(),
        created["user"]["version"].clone(),
    );
    // Giving roles is the security administrator's duty, not the system administrator's.
    let p = problem(
        sys.patch(
            &format!("/api/v1/users/{id}"),
            json!({"version": version, "roles": ["supervisor"]}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("role:manage")
    );

    let sec = app.admin("secadmin").await;
    let p = problem(
        sec.patch(
            &format!("/api/v1/users/{id}"),
            json!({"version": version, "roles": ["sysadmin", "auditadmin"]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "roles");
    assert!(p["detail"].as_str().expect("detail").contains("三员分立"));
    // Nor may a custom role smuggle two duties in.
    let p = problem(
        sec.post(
            "/api/v1/roles",
            json!({"code": "super", "name": "超级", "permissions": ["user:manage", "audit:read"]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(p["detail"].as_str().expect("detail").contains("三员分立"));
    // Nothing was half-written: the account still has no roles.
    assert_eq!(
        sys.json(&format!("/api/v1/users/{id}")).await["roles"],
        json!([])
    );
    // The audit log is the audit administrator's alone.
    problem(sys.get("/api/v1/audit").await, StatusCode::FORBIDDEN).await;
    problem(sec.get("/api/v1/audit").await, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn guesses_sent_at_once_check_no_more_passwords_than_the_lockout_allows() {
    let app = spawn_app().await;
    let max = Security::default().max_failed_logins;
    // 40 wrong passwords and the right one, all at once, each its own client.
    let mut tasks = Vec::new();
    for i in 0..41 {
        let s = app.anonymous();
        let password = if i == 20 {
            ADMIN_PASSWORD.to_string()
        } else {
            format!("wrong-{i}")
        };
        tasks.push(tokio::spawn(async move {
            s.post(
                "/api/v1/auth/login",
                json!({"username": "auditadmin", "password": password}),
            )
            .await
            .status()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.expect("task"));
    }
    let count = |s: StatusCode| statuses.iter().filter(|x| **x == s).count() as i64;
    let (ok, wrong, locked) = (
        count(StatusCode::OK),
        count(StatusCode::UNAUTHORIZED),
        count(StatusCode::LOCKED),
    );
    assert_eq!(ok + wrong + locked, 41, "{statuses:?}");
    // At most `max` passwords were checked: the wrong ones answered 401
    // (or 423 for the one that locked), the right one, if it got a turn, 200.
    assert!(ok + wrong <= max, "{statuses:?}");
    let sec = app.admin("secadmin").await;
    let log = sec.json("/api/v1/login-log?limit=100").await;
    let checked = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["username"] == "auditadmin")
        .filter(|e| e["reason"] == "口令错误" || e["reason"] == "登录成功")
        .count() as i64;
    assert!(
        (1..=max).contains(&checked),
        "{checked} passwords checked: {log}"
    );
    if ok == 0 {
        // The wrong guesses used every turn: the account is locked, the
        // right password waits like the others.
        problem(
            app.anonymous()
                .post(
                    "/api/v1/auth/login",
                    json!({"username": "auditadmin", "password": ADMIN_PASSWORD}),
                )
                .await,
            StatusCode::LOCKED,
        )
        .await;
    }
}

#[tokio::test]
async fn no_administrator_takes_over_another_and_none_holds_business_roles() {
    let app = spawn_app().await;
    let sys = app.admin("sysadmin").await;
    let sec = app.admin("secadmin").await;
    let users = sys.json("/api/v1/users?limit=50").await;
    let account = |name: &str| -> (i64, i64) {
        let u = users["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|u| u["username"] == name)
            .expect("account");
        (
            u["id"].as_i64().expect("id"),
            u["version"].as_i64().expect("version"),
        )
    };
    let (audit, audit_v) = account("auditadmin");
    let (system, system_v) = account("sysadmin");
    let (security, security_v) = account("secadmin");

    // A token for the audit administrator would read the audit log as it.
    problem(
        sys.post(
            "/api/v1/tokens",
            json!({"user_id": audit, "name": "代查审计"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // Nor reset its password, nor disable it.
    let p = problem(
        sys.post(&format!("/api/v1/users/{audit}/password"), json!({}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("reset-admin"),
        "{p}"
    );
    problem(
        sys.patch(
            &format!("/api/v1/users/{audit}"),
            json!({"version": audit_v, "disabled": true}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // The security administrator changes no administrator's roles, nor its own.
    problem(
        sec.patch(
            &format!("/api/v1/users/{system}"),
            json!({"version": system_v, "roles": ["sysadmin", "supervisor"]}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        sec.patch(
            &format!("/api/v1/users/{security}"),
            json!({"version": security_v, "roles": ["secadmin", "supervisor"]}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // An administrator's duty and a business role never go to one account:
    // a liaison with the audit role would read every unit through /audit.
    let created: serde_json::Value = sys
        .post(
            "/api/v1/users",
            json!({"username": "lisi", "display_name": "李四"}),
        )
        .await
        .json()
        .await
        .expect("json");
    let (id, version) = (
        created["user"]["id"].as_i64().expect("id"),
        created["user"]["version"].clone(),
    );
    let p = problem(
        sec.patch(
            &format!("/api/v1/users/{id}"),
            json!({"version": version, "roles": ["auditadmin", "liaison"]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        p.to_string().contains("管理员账号不能同时拥有业务权限"),
        "{p}"
    );
    // What stays allowed: a token for oneself, and for a business account.
    let r = sec
        .patch(
            &format!("/api/v1/users/{id}"),
            json!({"version": version, "roles": ["liaison"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    for user_id in [system, id] {
        let r = sys
            .post(
                "/api/v1/tokens",
                json!({"user_id": user_id, "name": "脚本"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "token for {user_id}");
    }
    // The audit log still answers only its administrator.
    let v = app
        .admin("auditadmin")
        .await
        .json("/api/v1/audit/verify")
        .await;
    assert_eq!(v["ok"], true, "{v}");
}

#[tokio::test]
async fn a_new_password_signs_out_every_other_session_and_tokens_when_asked() {
    let app = spawn_app().await;
    let root = app.unit("示范区", None, "region").await;
    let here = app.user("zhou", root["id"].as_i64(), &["supervisor"]).await;
    let there = app.login("zhou", PASSWORD).await;
    let me = here.json("/api/v1/me").await;
    let sys = app.admin("sysadmin").await;
    let created: serde_json::Value = sys
        .post(
            "/api/v1/tokens",
            json!({"user_id": me["id"], "name": "nightly"}),
        )
        .await
        .json()
        .await
        .expect("json");
    let script = Session {
        client: reqwest::Client::new(),
        base: app.base.clone(),
        origin: None,
        bearer: Some(created["secret"].as_str().expect("secret").to_string()),
    };
    assert_eq!(there.get("/api/v1/me").await.status(), StatusCode::OK);

    // Changed here: the session elsewhere ends, this one and the token go on.
    let second = "Another-Walk-2024!";
    let r = here
        .post(
            "/api/v1/me/password",
            json!({"old_password": PASSWORD, "new_password": second}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::NO_CONTENT,
        "{}",
        r.text().await.unwrap_or_default()
    );
    assert_eq!(
        there.get("/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(here.get("/api/v1/me").await.status(), StatusCode::OK);
    assert_eq!(script.get("/api/v1/me").await.status(), StatusCode::OK);

    // Asked to, the tokens end too.
    let r = here
        .post(
            "/api/v1/me/password",
            json!({"old_password": second, "new_password": "Third-Walk-2024!x", "revoke_tokens": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        script.get("/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(here.get("/api/v1/me").await.status(), StatusCode::OK);

    // A reset by the system administrator ends every session.
    let id = me["id"].as_i64().expect("id");
    let r = sys
        .post(&format!("/api/v1/users/{id}/password"), json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        here.get("/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn guessing_from_one_address_pauses_it_not_the_owner_and_tells_no_name_apart() {
    let app = spawn_app().await;
    // Someone else guesses auditadmin's password from 127.0.0.2 until paused.
    let from = |ip: [u8; 4]| Session {
        client: reqwest::Client::builder()
            .local_address(std::net::IpAddr::from(ip))
            .cookie_store(true)
            .build()
            .expect("client"),
        base: app.base.clone(),
        origin: Some(app.base.clone()),
        bearer: None,
    };
    let guesser = from([127, 0, 0, 2]);
    let answers = |name: &'static str| {
        let guesser = &guesser;
        async move {
            let mut out = Vec::new();
            for i in 0..6 {
                let r = guesser
                    .post(
                        "/api/v1/auth/login",
                        json!({"username": name, "password": format!("guess-{i}")}),
                    )
                    .await;
                let status = r.status();
                let body: serde_json::Value = r.json().await.expect("json");
                out.push((status, body["detail"].clone()));
            }
            out
        }
    };
    // A real administrator and a name that does not exist get the same answers.
    let real = answers("auditadmin").await;
    let ghost = answers("auditadmin2").await;
    assert_eq!(real, ghost);
    assert_eq!(real[5].0, StatusCode::LOCKED, "{real:?}");
    // The owner, from its own address, still signs in.
    let owner = from([127, 0, 0, 3]);
    let r = owner
        .post(
            "/api/v1/auth/login",
            json!({"username": "auditadmin", "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

/// Behind a load balancer every client arrives from its address: the pause
/// must count the client named by the trusted proxy's `X-Forwarded-For`,
/// and a client talking to the server directly must not escape it by
/// writing that header itself.
#[tokio::test]
async fn the_pause_counts_the_client_a_trusted_proxy_names_and_no_one_else_s_header() {
    let guess = |s: &Session, xff: String, password: &'static str| {
        let client = s.client.clone();
        let base = s.base.clone();
        async move {
            client
                .post(format!("{base}/api/v1/auth/login"))
                .header("origin", &base)
                .header("x-forwarded-for", xff)
                .json(&json!({"username": "auditadmin", "password": password}))
                .send()
                .await
                .expect("send")
                .status()
        }
    };
    // Direct clients: a new X-Forwarded-For on each guess changes nothing.
    let direct = spawn_app().await;
    let anon = direct.anonymous();
    let mut last = StatusCode::OK;
    for i in 0..6 {
        last = guess(&anon, format!("203.0.113.{i}"), "wrong-guess").await;
    }
    assert_eq!(last, StatusCode::LOCKED);

    // Behind a trusted proxy (here the loopback peer itself): the guesser's
    // address is paused, another client's is not.
    let proxied = spawn_with(Security {
        trusted_proxies: vec!["127.0.0.1".parse().expect("ip")],
        ..Security::default()
    })
    .await;
    let lb = proxied.anonymous();
    let mut last = StatusCode::OK;
    for _ in 0..6 {
        last = guess(&lb, "203.0.113.7".into(), "wrong-guess").await;
    }
    assert_eq!(last, StatusCode::LOCKED);
    assert_eq!(
        guess(&lb, "198.51.100.9".into(), ADMIN_PASSWORD).await,
        StatusCode::OK
    );
    // The sign-in log names the clients, not the proxy.
    let sec = proxied.login("secadmin", ADMIN_PASSWORD).await;
    let log = sec.json("/api/v1/login-log").await;
    let ips: Vec<&str> = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["username"] == "auditadmin")
        .filter_map(|e| e["ip"].as_str())
        .collect();
    assert!(
        ips.contains(&"203.0.113.7") && ips.contains(&"198.51.100.9"),
        "{ips:?}"
    );
    assert!(!ips.contains(&"127.0.0.1"), "{ips:?}");
}

/// Guesses at invented names leave counts behind; those of addresses that
/// went quiet are pruned, those of a paused address stay until it ends.
#[tokio::test]
async fn sign_in_counts_of_quiet_addresses_are_pruned_and_a_pause_is_kept() {
    let app = spawn_app().await;
    let anon = app.anonymous();
    for name in ["ghost-1", "ghost-2"] {
        anon.post(
            "/api/v1/auth/login",
            json!({"username": name, "password": "wrong-guess"}),
        )
        .await;
    }
    for _ in 0..5 {
        anon.post(
            "/api/v1/auth/login",
            json!({"username": "auditadmin", "password": "wrong-guess"}),
        )
        .await;
    }
    let rows = || async {
        app.store
            .db
            .scalar::<i64>("SELECT COUNT(*) FROM login_throttle", vec![])
            .await
            .expect("count")
            .unwrap_or(0)
    };
    assert_eq!(rows().await, 3);
    // Nothing is older than an hour ago: nothing goes.
    assert_eq!(
        app.store
            .prune_login_turns(zlc_store::now_ms() - 3_600_000)
            .await
            .expect("prune"),
        0
    );
    // All are older than a moment from now: the unpaused counts go.
    let gone = app
        .store
        .prune_login_turns(zlc_store::now_ms() + 1)
        .await
        .expect("prune");
    assert_eq!((gone, rows().await), (2, 1));
    let r = anon
        .post(
            "/api/v1/auth/login",
            json!({"username": "auditadmin", "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::LOCKED,
        "the pause outlives the pruning"
    );
}
