use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn every_write_is_audited_with_before_and_after() {
    let app = spawn_app().await;
    let root = app.unit("示范区", None, "region").await;
    let sys = app.admin("sysadmin").await;
    let r = sys
        .patch(
            &format!("/api/v1/units/{}", root["id"]),
            json!({"version": root["version"], "name": "新示范区"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let audit = app
        .admin("auditadmin")
        .await
        .json("/api/v1/audit?entity=unit")
        .await;
    let entries = audit["items"].as_array().expect("items");
    assert_eq!(entries.len(), 2);
    let update = &entries[0];
    assert_eq!(update["action"], "update");
    assert_eq!(update["actor"], "sysadmin");
    assert_eq!(update["ip"], "127.0.0.1");
    assert_eq!(update["before"]["name"], "示范区");
    assert_eq!(update["after"]["name"], "新示范区");
    assert_eq!(entries[1]["action"], "create");
}

#[tokio::test]
async fn the_audit_chain_detects_edits_and_deletions() {
    let app = spawn_app().await;
    let root = app.unit("示范区", None, "region").await;
    for name in ["区科技局", "区财政局", "区统计局"] {
        app.unit(name, root["id"].as_i64(), "department").await;
    }
    let auditor = app.admin("auditadmin").await;
    let v = auditor.json("/api/v1/audit/verify").await;
    assert_eq!(v["ok"], true, "{v}");
    let total = v["entries"].as_i64().expect("entries");
    assert!(total >= 7, "three admins + four units: {total}");

    // The database itself refuses to change the log.
    let db = &app.store.db;
    assert!(
        db.execute(
            "UPDATE audit_log SET actor = 'nobody' WHERE seq = 5",
            vec![]
        )
        .await
        .is_err()
    );
    assert!(
        db.execute("DELETE FROM audit_log WHERE seq = 5", vec![])
            .await
            .is_err()
    );

    // Someone with the database owner's rights goes around the guard…
    if postgres() {
        db.execute(
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
            vec![],
        )
        .await
        .expect("disable");
    } else {
        db.execute("DROP TRIGGER audit_log_no_update", vec![])
            .await
            .expect("drop");
        db.execute("DROP TRIGGER audit_log_no_delete", vec![])
            .await
            .expect("drop");
    }
    db.execute(
        "UPDATE audit_log SET after = '{\"name\":\"假单位\"}' WHERE seq = 5",
        vec![],
    )
    .await
    .expect("edit");
    let v = auditor.json("/api/v1/audit/verify").await;
    assert_eq!(v["ok"], false);
    assert_eq!(v["problems"], json!(["第 5 条记录内容被篡改（哈希不符）"]));

    db.execute("DELETE FROM audit_log WHERE seq = 6", vec![])
        .await
        .expect("delete");
    let v = auditor.json("/api/v1/audit/verify").await;
    let problems: Vec<&str> = v["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| p.as_str().expect("str"))
        .collect();
    assert!(
        problems.contains(&"第 6 至 6 条记录缺失（已被删除）"),
        "{problems:?}"
    );

    let last = total;
    db.execute(
        "DELETE FROM audit_log WHERE seq = $1",
        zlc_store::args![last],
    )
    .await
    .expect("delete last");
    let v = auditor.json("/api/v1/audit/verify").await;
    assert!(
        v["problems"].to_string().contains("日志末尾记录缺失"),
        "{v}"
    );
}

#[tokio::test]
async fn the_policy_can_be_viewed_switched_and_refuses_a_bad_file_whole() {
    let app = spawn_app().await;
    let sys = app.admin("sysadmin").await;
    let active = sys.json("/api/v1/policy").await;
    assert_eq!(active["code"], "003-beilin");
    assert_eq!(active["policy"]["filing"]["within_working_days"], 3);
    let presets = sys.json("/api/v1/policy/presets").await;
    assert_eq!(presets.as_array().expect("array").len(), 5);

    let r = sys.post("/api/v1/policy", json!({"preset": "001"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        sys.json("/api/v1/policy").await["code"],
        "001-zaozhuang-gaoxin"
    );

    let source = active["source"]
        .as_str()
        .expect("source")
        .replacen("[filing]", "[filling]", 1);
    let line = source
        .lines()
        .position(|l| l.contains("[filling]"))
        .expect("line")
        + 1;
    let p = problem(
        sys.post("/api/v1/policy", json!({"source": source})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let errors = p["errors"].as_array().expect("errors");
    assert!(
        errors.iter().any(|e| e["field"] == "filling"
            && e["message"]
                .as_str()
                .expect("m")
                .starts_with(&format!("第 {line} 行"))),
        "{p}"
    );
    // Refused whole: the active policy did not change.
    assert_eq!(
        sys.json("/api/v1/policy").await["code"],
        "001-zaozhuang-gaoxin"
    );
    let versions: Value = sys.json("/api/v1/policy/versions").await;
    assert_eq!(versions.as_array().expect("array").len(), 2);

    let p = problem(
        sys.post("/api/v1/policy", json!({"preset": "999"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(p["detail"].as_str().expect("detail").contains("003-beilin"));
    let root = app.unit("示范区", None, "region").await;
    let sup = app.user("sup", root["id"].as_i64(), &["supervisor"]).await;
    sup.json("/api/v1/policy").await;
    problem(
        sup.post("/api/v1/policy", json!({"preset": "003"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn accounts_can_be_disabled_and_reset() {
    let app = spawn_app().await;
    let root = app.unit("示范区", None, "region").await;
    let user = app.user("zhao", root["id"].as_i64(), &["official"]).await;
    user.json("/api/v1/units").await;
    let sys = app.admin("sysadmin").await;
    let me = user.json("/api/v1/me").await;
    let u = sys.json(&format!("/api/v1/users/{}", me["id"])).await;
    assert_eq!(u["roles"], json!(["official"]));
    let r = sys
        .patch(
            &format!("/api/v1/users/{}", me["id"]),
            json!({"version": u["version"], "disabled": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // Disabling ends the account's sessions at once.
    problem(user.get("/api/v1/units").await, StatusCode::UNAUTHORIZED).await;
    let p = problem(
        app.anonymous()
            .post(
                "/api/v1/auth/login",
                json!({"username": "zhao", "password": PASSWORD}),
            )
            .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert!(p["detail"].as_str().expect("detail").contains("已停用"));

    let r: Value = sys
        .post(&format!("/api/v1/users/{}/password", me["id"]), json!({}))
        .await
        .json()
        .await
        .expect("json");
    assert!(r["one_time_password"].as_str().expect("otp").len() >= 10);
    let p = problem(
        sys.patch(
            &format!("/api/v1/users/{}", me["id"]),
            json!({"version": 1, "disabled": false}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(p["current_version"].as_i64().expect("v") > 1);
}

#[tokio::test]
async fn parallel_writers_keep_the_audit_chain_whole() {
    let app = spawn_app().await;
    let root = app.unit("示范区", None, "region").await;
    let sys = std::sync::Arc::new(app.admin("sysadmin").await);
    let mut tasks = Vec::new();
    for i in 0..16 {
        let sys = sys.clone();
        let parent = root["id"].clone();
        tasks.push(tokio::spawn(async move {
            sys.post(
                "/api/v1/units",
                json!({"name": format!("部门{i}"), "parent_id": parent, "kind": "department"}),
            )
            .await
            .status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.expect("task"), StatusCode::CREATED);
    }
    let v = app
        .admin("auditadmin")
        .await
        .json("/api/v1/audit/verify")
        .await;
    assert_eq!(v["ok"], true, "{v}");
    // Three admins and the first policy (first start), the root and sixteen
    // departments: each audited once, in one unbroken sequence.
    assert_eq!(v["entries"], 3 + 1 + 1 + 16);
}
