//! The security suite's input checks: what hostile text in a query or a name
//! cannot do.

use crate::campaign::{id_of, new_problem, today, world};
use reqwest::StatusCode;
use serde_json::json;

/// A write of the matrix: method, path, body.
type Write = (reqwest::Method, String, serde_json::Value);

/// `role` reads none of `reads` (404, or 403 where it may not read that
/// kind at all) and has every one of `writes` refused (never a 409, which
/// would mean the write reached the record's version).
async fn refused(role: &str, s: &crate::helpers::Session, reads: &[String], writes: &[Write]) {
    for path in reads {
        let r = s.get(path).await;
        assert!(
            [StatusCode::NOT_FOUND, StatusCode::FORBIDDEN].contains(&r.status()),
            "{role} GET {path}: {}",
            r.status()
        );
    }
    for (method, path, b) in writes {
        let r = s.send(method.clone(), path, Some(b.clone())).await;
        let status = r.status();
        assert!(
            status.is_client_error() && status != StatusCode::CONFLICT,
            "{role} {method} {path}: {status} {}",
            r.text().await.unwrap_or_default()
        );
    }
}

#[tokio::test]
async fn a_search_with_a_nul_byte_or_an_override_is_answered_not_an_error() {
    let w = world().await;
    new_problem(&w.la, w.a, today().to_string(), None, None).await;
    for list in ["problems", "activities", "needs", "measures", "plans"] {
        for q in ["%00", "材料%00重复", "%E2%80%AE材料"] {
            let r = w.la.get(&format!("/api/v1/{list}?q={q}")).await;
            assert_eq!(r.status(), StatusCode::OK, "{list}?q={q}");
        }
    }
    // What is left of the text still searches.
    let found = w.la.json("/api/v1/problems?q=%E2%80%AE材料重复").await;
    assert_eq!(found["items"].as_array().map(Vec::len), Some(1), "{found}");
}

#[tokio::test]
async fn plans_are_found_by_official_unit_and_window() {
    let w = world().await;
    let date = today()
        .checked_add_days(chrono::Days::new(10))
        .expect("date")
        .to_string();
    let plan = id_of(w.la.post("/api/v1/plans", json!({"unit_id": w.a, "official_ids": [w.officials_a[0]], "kind": "walk", "mode": "亲身办",
        "date": date, "slot": "am", "place": "hall", "window_unit_id": w.hall, "item_ids": [w.items_a[0]]})).await).await;
    for q in ["张三", "市场监督", "政务服务中心"] {
        let found = w.la.json(&format!("/api/v1/plans?q={q}")).await;
        let ids: Vec<i64> = found["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|p| p["id"].as_i64())
            .collect();
        assert_eq!(ids, [plan], "q={q}: {found}");
    }
    let none = w.la.json("/api/v1/plans?q=李四").await;
    assert_eq!(none["items"], json!([]), "{none}");
}

#[tokio::test]
async fn names_lose_their_bidirectional_overrides() {
    let w = world().await;
    let r = w
        .sup
        .post(
            "/api/v1/officials",
            json!({"unit_id": w.a, "name": "孙\u{202E}七", "rank": "staff"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let o: serde_json::Value = r.json().await.expect("json");
    assert_eq!(o["name"], "孙七");
}

#[tokio::test]
async fn an_uploaded_pdf_with_a_script_is_downloaded_in_a_sandbox_never_shown_inline() {
    let w = world().await;
    let p = new_problem(&w.la, w.a, today().to_string(), None, None).await;
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec();
    let r =
        w.la.client
            .post(format!(
                "{}/api/v1/attachments?owner=problem&id={}&name=整改报告.pdf",
                w.la.base, p["id"]
            ))
            .header("origin", &w.la.base)
            .body(pdf)
            .send()
            .await
            .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let a: serde_json::Value = r.json().await.expect("json");
    let r = w.la.get(&format!("/api/v1/attachments/{}", a["id"])).await;
    assert_eq!(r.status(), StatusCode::OK);
    let h = r.headers();
    let header = |k: &str| {
        h.get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        header("content-disposition").starts_with("attachment;"),
        "{h:?}"
    );
    assert!(
        header("content-security-policy").starts_with("sandbox"),
        "{h:?}"
    );
    assert_eq!(header("x-content-type-options"), "nosniff");
}

#[tokio::test]
async fn unit_names_are_told_only_within_reach() {
    let w = world().await;
    let names = |ids: String| {
        let la = &w.la;
        async move {
            let v = la.json(&format!("/api/v1/units/names?ids={ids}")).await;
            let mut got: Vec<i64> = v["items"]
                .as_array()
                .expect("items")
                .iter()
                .filter_map(|u| u["id"].as_i64())
                .collect();
            got.sort_unstable();
            got
        }
    };
    let ids = format!("{},{},{},{}", w.root, w.a, w.b, w.street);
    // Its own unit and the region above it; not the department beside it.
    let mut expected = vec![w.root, w.a];
    expected.sort_unstable();
    assert_eq!(names(ids.clone()).await, expected);
    // Once a problem of its own names B as a unit involved, B's name is told.
    let r = w
        .la
        .post(
            "/api/v1/problems",
            json!({"unit_id": w.a, "source": "企业群众提出", "category": "流程环节", "description": "跨部门材料重复提交",
                   "disposition": "限期整改", "found_on": today().to_string(), "other_units": [w.b]}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap_or_default()
    );
    expected.push(w.b);
    expected.sort_unstable();
    assert_eq!(names(ids).await, expected);
}

#[tokio::test]
async fn a_write_names_only_records_within_reach() {
    let w = world().await;
    // Department B's item cannot be named by A's problem: verifying it would
    // rewrite B's figures.
    let body = |item: i64| {
        json!({"unit_id": w.a, "source": "企业群众提出", "category": "流程环节", "description": "材料重复提交",
               "disposition": "限期整改", "found_on": today().to_string(), "item_id": item})
    };
    let r = w.la.post("/api/v1/problems", body(w.item_b)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: serde_json::Value = r.json().await.expect("json");
    assert_eq!(p["errors"][0]["field"], "item_id", "{p}");
    let r = w.la.post("/api/v1/problems", body(w.items_a[0])).await;
    assert_eq!(r.status(), StatusCode::CREATED);

    // A plan's window: a hall, or one of its own units; not another department.
    let plan = |window: i64| {
        json!({"unit_id": w.a, "official_ids": [w.officials_a[0]], "kind": "walk", "mode": "亲身办",
               "date": today().checked_add_days(chrono::Days::new(10)).expect("date").to_string(),
               "slot": "am", "place": "hall", "window_unit_id": window, "item_ids": [w.items_a[0]]})
    };
    let r = w.la.post("/api/v1/plans", plan(w.b)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = w.la.post("/api/v1/plans", plan(w.hall)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_the_request_came_over_tls() {
    let app = crate::helpers::spawn_app().await;
    let login = |proto: Option<&'static str>| {
        let mut req = reqwest::Client::new()
            .post(format!("{}/api/v1/auth/login", app.base))
            .header("origin", &app.base)
            .json(&json!({"username": "auditadmin", "password": crate::helpers::ADMIN_PASSWORD}));
        if let Some(p) = proto {
            req = req.header("x-forwarded-proto", p);
        }
        async move {
            let r = req.send().await.expect("send");
            assert_eq!(r.status(), StatusCode::OK);
            r.headers()["set-cookie"]
                .to_str()
                .expect("cookie")
                .to_string()
        }
    };
    let over_tls = login(Some("https")).await;
    let plain = login(None).await;
    assert!(over_tls.contains("; Secure"), "{over_tls}");
    assert!(over_tls.contains("HttpOnly") && over_tls.contains("SameSite=Strict"));
    assert!(!plain.contains("Secure"), "{plain}");
}

#[tokio::test]
async fn a_common_password_is_refused_though_long_and_mixed() {
    let w = world().await;
    for weak in ["Password123", "Summer2024!!"] {
        let r = w
            .sup
            .post(
                "/api/v1/me/password",
                json!({"old_password": crate::helpers::PASSWORD, "new_password": weak}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{weak}");
        let p: serde_json::Value = r.json().await.expect("json");
        assert_eq!(p["errors"][0]["field"], "new_password");
        assert!(p.to_string().contains("过于常见"), "{p}");
    }
}

/// The scope matrix: every endpoint that takes an id, for each working role
/// of another department, against department A's records. Reads answer 404
/// (or 403 where the role may not read that kind at all); writes are refused;
/// nothing of A's changes.
#[tokio::test]
async fn another_departments_roles_reach_none_of_a_departments_records() {
    let w = world().await;
    let future = today()
        .checked_add_days(chrono::Days::new(12))
        .expect("date")
        .to_string();
    let plan = id_of(w.la.post("/api/v1/plans", json!({"unit_id": w.a, "official_ids": [w.officials_a[0]], "kind": "walk", "mode": "亲身办",
        "date": future, "slot": "am", "place": "hall", "window_unit_id": w.hall, "item_ids": [w.items_a[0]]})).await).await;
    let draft =
        crate::campaign::window_record(w.a, &[w.officials_a[1]], &[w.items_a[1]], today(), 3);
    let activity = id_of(w.la.post("/api/v1/activities", draft.clone()).await).await;
    let problem = new_problem(&w.la, w.a, today().to_string(), None, None).await["id"]
        .as_i64()
        .expect("id");
    let need = id_of(w.la.post("/api/v1/needs", json!({"unit_id": w.a, "raised_by": "企业", "content": "希望开通周末延时服务", "raised_on": today().to_string()})).await).await;
    let measure = id_of(
        w.la.post(
            "/api/v1/measures",
            json!({"unit_id": w.a, "content": "增设周末窗口", "deadline": future}),
        )
        .await,
    )
    .await;
    let (item, official, unit) = (w.items_a[0], w.officials_a[0], w.a);

    let reads = [
        format!("/api/v1/plans/{plan}"),
        format!("/api/v1/activities/{activity}"),
        format!("/api/v1/problems/{problem}"),
        format!("/api/v1/problems/{problem}/timeline"),
        format!("/api/v1/needs/{need}"),
        format!("/api/v1/needs/{need}/history"),
        format!("/api/v1/measures/{measure}"),
        format!("/api/v1/measures/{measure}/history"),
        format!("/api/v1/items/{item}"),
        format!("/api/v1/officials/{official}"),
        format!("/api/v1/units/{unit}"),
        format!("/api/v1/problems?unit={unit}"),
        format!("/api/v1/activities?unit={unit}"),
    ];
    let mut body = draft.clone();
    body["version"] = json!(1);
    let writes: Vec<Write> = vec![
        (
            reqwest::Method::PATCH,
            format!("/api/v1/plans/{plan}"),
            json!({"version": 1, "place_note": "越权"}),
        ),
        (
            reqwest::Method::POST,
            format!("/api/v1/plans/{plan}/submit"),
            json!({"version": 1}),
        ),
        (
            reqwest::Method::POST,
            format!("/api/v1/plans/{plan}/cancel"),
            json!({"version": 1, "reason": "越权"}),
        ),
        (
            reqwest::Method::PUT,
            format!("/api/v1/activities/{activity}"),
            body,
        ),
        (
            reqwest::Method::POST,
            format!("/api/v1/activities/{activity}/file"),
            json!({"version": 1}),
        ),
        (
            reqwest::Method::POST,
            format!("/api/v1/problems/{problem}/actions"),
            json!({"version": 1, "action": "start"}),
        ),
        (
            reqwest::Method::POST,
            format!("/api/v1/problems/{problem}/actions"),
            json!({"version": 1, "action": "set-deadline", "deadline": future, "reason": "越权"}),
        ),
        (
            reqwest::Method::PATCH,
            format!("/api/v1/needs/{need}"),
            json!({"version": 1, "content": "越权"}),
        ),
        (
            reqwest::Method::PATCH,
            format!("/api/v1/measures/{measure}"),
            json!({"version": 1, "content": "越权"}),
        ),
        (
            reqwest::Method::PATCH,
            format!("/api/v1/items/{item}"),
            json!({"version": 1, "name": "越权"}),
        ),
        (
            reqwest::Method::PATCH,
            format!("/api/v1/officials/{official}"),
            json!({"version": 1, "title": "越权"}),
        ),
        (
            reqwest::Method::PATCH,
            format!("/api/v1/units/{unit}"),
            json!({"version": 1, "name": "越权"}),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/problems".into(),
            json!({"unit_id": unit, "source": "企业群众提出", "category": "流程环节", "description": "越权", "disposition": "限期整改", "found_on": today().to_string()}),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/needs".into(),
            json!({"unit_id": unit, "raised_by": "企业", "content": "越权", "raised_on": today().to_string()}),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/measures".into(),
            json!({"unit_id": unit, "content": "越权", "problem_id": problem}),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/plans".into(),
            json!({"unit_id": unit, "official_ids": [official], "kind": "walk", "mode": "亲身办", "date": future, "slot": "am", "place": "hall", "window_unit_id": w.hall, "item_ids": [item]}),
        ),
    ];
    let handler = w.app.user("handler-b", Some(w.b), &["handler"]).await;
    let official_b = w.app.user("official-b", Some(w.b), &["official"]).await;
    for (role, s) in [
        ("liaison", &w.lb),
        ("handler", &handler),
        ("official", &official_b),
    ] {
        refused(role, s, &reads, &writes).await;
    }
    // A's records are as A left them.
    for path in [
        format!("/api/v1/plans/{plan}"),
        format!("/api/v1/activities/{activity}"),
        format!("/api/v1/problems/{problem}"),
        format!("/api/v1/needs/{need}"),
        format!("/api/v1/measures/{measure}"),
    ] {
        assert_eq!(w.la.json(&path).await["version"], 1, "{path}");
    }
    let counted = |table: &'static str| {
        let store = &w.app.store;
        async move {
            store
                .db
                .scalar::<i64>(&format!("SELECT COUNT(*) FROM {table}"), vec![])
                .await
                .expect("count")
                .unwrap_or(0)
        }
    };
    assert_eq!(counted("problems").await, 1);
    assert_eq!(counted("needs").await, 1);
    assert_eq!(counted("measures").await, 1);
    assert_eq!(counted("plans").await, 1);
}

/// The rest of the matrix: files, an item's figures, the reports of a region,
/// registrations under another department, and the administrators' pages.
/// Another department's liaison, handler and official read none of A's and
/// write nothing under A; a business role reads no administration page.
#[tokio::test]
async fn another_departments_roles_reach_none_of_a_departments_files_figures_or_reports() {
    let w = world().await;
    let problem = new_problem(&w.la, w.a, today().to_string(), None, None).await["id"]
        .as_i64()
        .expect("id");
    let photo = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde\0\0\0\x0cIDATx\x9cc\xf8\xcf\xc0\0\0\x03\x01\x01\0\xc9\xfe\x92\xef\0\0\0\0IEND\xaeB`\x82".to_vec();
    let upload = |s: &crate::helpers::Session, bytes: Vec<u8>| {
        s.client
            .post(format!(
                "{}/api/v1/attachments?owner=problem&id={problem}&name=现场.png",
                s.base
            ))
            .header("origin", &s.base)
            .header("content-type", "image/png")
            .body(bytes)
            .send()
    };
    let r = upload(&w.la, photo.clone()).await.expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let attachment = r.json::<serde_json::Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    let (a, item) = (w.a, w.items_a[0]);
    let q = zlc_domain::period::Period::quarter_of(today()).to_string();
    let m = zlc_domain::period::Period::month_of(today()).to_string();
    let reads = [
        format!("/api/v1/attachments?owner=problem&id={problem}"),
        format!("/api/v1/attachments/{attachment}"),
        format!("/api/v1/items/{item}/figures"),
        format!("/api/v1/reports/monthly?period={m}&region={a}"),
        format!("/api/v1/reports/quarterly?period={q}&region={a}"),
        format!("/api/v1/reports/table?period={q}&region={a}"),
        format!("/api/v1/reports/findings?period={q}&region={a}"),
        format!("/api/v1/reports/cases?period={q}&region={a}"),
        format!("/api/v1/reports/problems?period={q}&region={a}"),
        format!("/api/v1/reports/drill?period={q}&unit={a}&figure=problems"),
        format!("/api/v1/exports/ledger?period={q}&unit={a}"),
    ];
    let writes: Vec<Write> = vec![
        (
            reqwest::Method::DELETE,
            format!("/api/v1/units/{a}"),
            json!({"version": 1}),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/officials".into(),
            json!({"unit_id": a, "name": "越权", "rank": "deputy"}),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/items".into(),
            json!({"unit_id": a, "name": "越权事项", "item_type": "高频", "power_category": "行政许可", "service_object": "企业", "handling_mode": "线上线下"}),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/activities".into(),
            crate::campaign::window_record(a, &[w.officials_a[1]], &[item], today(), 3),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/reports/notice".into(),
            json!({"period": q, "region": a}),
        ),
    ];
    let handler = w.app.user("handler-b", Some(w.b), &["handler"]).await;
    let official_b = w.app.user("official-b", Some(w.b), &["official"]).await;
    for (role, s) in [
        ("liaison", &w.lb),
        ("handler", &handler),
        ("official", &official_b),
    ] {
        refused(role, s, &reads, &writes).await;
        let r = upload(s, photo.clone()).await.expect("send");
        assert!(
            [StatusCode::NOT_FOUND, StatusCode::FORBIDDEN].contains(&r.status()),
            "{role} attaches a file to A's problem: {}",
            r.status()
        );
        for path in [
            "/api/v1/users",
            "/api/v1/roles",
            "/api/v1/tokens",
            "/api/v1/sessions",
            "/api/v1/login-log",
            "/api/v1/audit",
            "/api/v1/audit/verify",
        ] {
            assert_eq!(
                s.get(path).await.status(),
                StatusCode::FORBIDDEN,
                "{role} GET {path}"
            );
        }
    }
    // A's files, registrations and unit are as A left them.
    let files =
        w.la.json(&format!("/api/v1/attachments?owner=problem&id={problem}"))
            .await;
    assert_eq!(files.as_array().map(Vec::len), Some(1), "{files}");
    assert_eq!(w.la.json(&format!("/api/v1/units/{a}")).await["version"], 1);
    let count = |table: &'static str| {
        let store = &w.app.store;
        async move {
            store
                .db
                .scalar::<i64>(
                    &format!("SELECT COUNT(*) FROM {table} WHERE unit_id = $1"),
                    zlc_store::args![a],
                )
                .await
                .expect("count")
                .unwrap_or(0)
        }
    };
    assert_eq!(count("officials").await, 3);
    assert_eq!(count("items").await, 2);
    assert_eq!(count("activities").await, 0);
}
