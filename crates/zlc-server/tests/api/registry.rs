use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A region with two departments, a supervisor over all and a liaison of one.
struct Tree {
    app: TestApp,
    root: i64,
    dept_a: i64,
    dept_b: i64,
    sup: Session,
    liaison: Session,
}

async fn tree() -> Tree {
    let app = spawn_app().await;
    let root = app.unit("示范区", None, "region").await["id"]
        .as_i64()
        .expect("id");
    let dept_a = app.unit("区市场监督管理局", Some(root), "department").await["id"]
        .as_i64()
        .expect("id");
    let dept_b = app
        .unit("区人力资源和社会保障局", Some(root), "department")
        .await["id"]
        .as_i64()
        .expect("id");
    let sup = app.user("sup", Some(root), &["supervisor"]).await;
    let liaison = app.user("liaison-a", Some(dept_a), &["liaison"]).await;
    Tree {
        app,
        root,
        dept_a,
        dept_b,
        sup,
        liaison,
    }
}

fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|u| u["name"].as_str().expect("name").to_string())
        .collect()
}

#[tokio::test]
async fn a_liaison_sees_only_its_own_unit_subtree() {
    let t = tree().await;
    let section = t
        .sup
        .post(
            "/api/v1/units",
            json!({"name": "登记注册科", "parent_id": t.dept_a, "kind": "科室"}),
        )
        .await;
    assert_eq!(section.status(), StatusCode::CREATED);
    assert_eq!(
        names(&t.liaison.json("/api/v1/units").await),
        ["区市场监督管理局", "登记注册科"]
    );
    assert_eq!(names(&t.sup.json("/api/v1/units").await).len(), 4);

    // Outside the scope a record does not exist: 404 to read, to change, to attach to.
    problem(
        t.liaison.get(&format!("/api/v1/units/{}", t.dept_b)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        t.liaison
            .patch(
                &format!("/api/v1/units/{}", t.dept_b),
                json!({"version": 1, "name": "x"}),
            )
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let o = t
        .sup
        .post(
            "/api/v1/officials",
            json!({"unit_id": t.dept_b, "name": "赵六", "rank": "head", "title": "局长"}),
        )
        .await;
    let o: Value = o.json().await.expect("json");
    problem(
        t.liaison
            .get(&format!("/api/v1/officials/{}", o["id"]))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let p = problem(
        t.liaison
            .post(
                "/api/v1/officials",
                json!({"unit_id": t.dept_b, "name": "孙七", "rank": "staff"}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "unit_id");
    // A filter naming a unit outside the scope is not found either.
    problem(
        t.liaison
            .get(&format!("/api/v1/officials?unit={}", t.dept_b))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(
        t.liaison.json("/api/v1/officials").await["items"],
        json!([])
    );
}

#[tokio::test]
async fn unit_names_are_readable_across_scopes_and_nothing_else_is() {
    let t = tree().await;
    // Names are told within reach only: B's name reaches A's liaison once a
    // record of A names B (security.rs), not by asking for its id.
    let ids = format!("{},{},{},999999", t.dept_b, t.dept_a, t.dept_b);
    let r = t
        .liaison
        .json(&format!("/api/v1/units/names?ids={ids}"))
        .await;
    assert_eq!(
        r["items"],
        json!([
            {"id": t.dept_a, "name": "区市场监督管理局"},
        ])
    );
    let p = problem(
        t.liaison.get("/api/v1/units/names?ids=1,abc").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "ids");
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("abc")
    );
    let many: Vec<String> = (1..=201).map(|i| i.to_string()).collect();
    let p = problem(
        t.liaison
            .get(&format!("/api/v1/units/names?ids={}", many.join(",")))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "ids");
    // Signed out, nothing.
    let anon = t.app.anonymous();
    assert_eq!(
        anon.get(&format!("/api/v1/units/names?ids={}", t.root))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn phones_are_sealed_at_rest_and_masked_without_the_permission() {
    let t = tree().await;
    let r = t.liaison.post("/api/v1/officials", json!({"unit_id": t.dept_a, "name": "张三", "title": "分管局长", "rank": "分管负责人", "phone": "138 1234 5678"})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let o: Value = r.json().await.expect("json");
    assert_eq!(o["phone"], "138****5678");
    assert_eq!(o["phone_masked"], true);
    assert_eq!(o["rank"], "deputy");
    let full = t.sup.json(&format!("/api/v1/officials/{}", o["id"])).await;
    assert_eq!(full["phone"], "13812345678");

    let stored: Vec<(Option<String>,)> = t
        .app
        .store
        .db
        .fetch_all("SELECT phone_enc FROM officials", vec![])
        .await
        .expect("rows");
    let sealed = stored[0].0.clone().expect("sealed");
    assert!(
        sealed.starts_with("sm4gcm1:") && !sealed.contains("5678"),
        "{sealed}"
    );
    // The audit trail records that a phone was set, never its digits.
    let audit = t
        .app
        .admin("auditadmin")
        .await
        .json("/api/v1/audit?entity=official")
        .await;
    assert!(!audit.to_string().contains("12345678"));

    let p = problem(t.liaison.post("/api/v1/officials", json!({"unit_id": t.dept_a, "name": "李四", "rank": "staff", "phone": "183XXXXXXXX"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p["errors"][0]["field"], "phone");
}

#[tokio::test]
async fn a_stale_version_is_refused_with_409_and_nothing_changes() {
    let t = tree().await;
    let path = format!("/api/v1/units/{}", t.dept_a);
    let read = t.sup.json(&path).await;
    let first = t
        .sup
        .patch(
            &path,
            json!({"version": read["version"], "name": "区市场监管局"}),
        )
        .await;
    assert_eq!(first.status(), StatusCode::OK);
    let second = t
        .sup
        .patch(
            &path,
            json!({"version": read["version"], "name": "区市场局"}),
        )
        .await;
    let p = problem(second, StatusCode::CONFLICT).await;
    assert_eq!(p["current_version"], 2);
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("已被他人修改")
    );
    assert_eq!(t.sup.json(&path).await["name"], "区市场监管局");
}

#[tokio::test]
async fn bad_input_names_the_field_in_chinese() {
    let t = tree().await;
    let cases = [
        (
            json!({"name": "区科技局", "kind": "department", "parent_id": t.root, "colour": "red"}),
            "colour",
            "未知字段「colour」",
        ),
        (
            json!({"name": "区科技局", "kind": "department", "parent_id": t.root, "sort": "first"}),
            "sort",
            "类型错误：应为整数，实为字符串",
        ),
        (
            json!({"kind": "department", "parent_id": t.root}),
            "name",
            "缺少必填字段",
        ),
        (
            json!({"name": "局".repeat(101), "kind": "department", "parent_id": t.root}),
            "name",
            "长度为 101 个字符，超过上限 100",
        ),
        (
            json!({"name": "区科技局", "kind": "department", "parent_id": t.root, "categories": ["审批"]}),
            "categories[0]",
            "「审批」不是有效的取值",
        ),
    ];
    for (body, field, message) in cases {
        let p = problem(
            t.sup.post("/api/v1/units", body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(p["errors"][0]["field"], field);
        assert!(
            p["errors"][0]["message"]
                .as_str()
                .expect("message")
                .starts_with(message),
            "{p}"
        );
    }
    let raw = t
        .sup
        .client
        .post(format!("{}/api/v1/units", t.app.base))
        .header("origin", &t.app.base)
        .header("content-type", "application/json")
        .body("{\"name\":")
        .send()
        .await
        .expect("send");
    let p = problem(raw, StatusCode::BAD_REQUEST).await;
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .starts_with("JSON 格式错误")
    );
    let raw = t
        .sup
        .client
        .post(format!("{}/api/v1/units", t.app.base))
        .header("origin", &t.app.base)
        .body("name=x")
        .send()
        .await
        .expect("send");
    problem(raw, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let p = problem(
        t.sup.get("/api/v1/units?limit=abc").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "limit");
    // Nothing of the refused requests was written.
    assert_eq!(names(&t.sup.json("/api/v1/units").await).len(), 3);
}

#[tokio::test]
async fn units_move_with_their_subtree_and_refuse_cycles_and_busy_deletes() {
    let t = tree().await;
    let sec: Value = t
        .sup
        .post(
            "/api/v1/units",
            json!({"name": "就业促进科", "parent_id": t.dept_b, "kind": "section"}),
        )
        .await
        .json()
        .await
        .expect("json");
    let hall: Value = t
        .sup
        .post(
            "/api/v1/units",
            json!({"name": "区政务服务中心", "parent_id": t.root, "kind": "hall"}),
        )
        .await
        .json()
        .await
        .expect("json");
    // Move department B under the hall: its section follows.
    let b = t.sup.json(&format!("/api/v1/units/{}", t.dept_b)).await;
    let moved = t
        .sup
        .patch(
            &format!("/api/v1/units/{}", t.dept_b),
            json!({"version": b["version"], "parent_id": hall["id"]}),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK);
    let sec_now = t.sup.json(&format!("/api/v1/units/{}", sec["id"])).await;
    assert_eq!(
        sec_now["path"],
        format!("/{}/{}/{}/{}/", t.root, hall["id"], t.dept_b, sec["id"])
    );
    assert_eq!(sec_now["depth"], 3);
    let subtree = t
        .sup
        .json(&format!("/api/v1/units?unit={}", hall["id"]))
        .await;
    assert_eq!(
        names(&subtree),
        ["区人力资源和社会保障局", "就业促进科", "区政务服务中心"]
    );
    // A unit cannot go under its own descendant.
    let h = t.sup.json(&format!("/api/v1/units/{}", hall["id"])).await;
    let p = problem(
        t.sup
            .patch(
                &format!("/api/v1/units/{}", hall["id"]),
                json!({"version": h["version"], "parent_id": sec["id"]}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "parent_id");
    // A unit with children cannot be deleted; a leaf can.
    let b = t.sup.json(&format!("/api/v1/units/{}", t.dept_b)).await;
    problem(
        t.sup
            .delete(
                &format!("/api/v1/units/{}", t.dept_b),
                Some(json!({"version": b["version"]})),
            )
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    let s = t.sup.json(&format!("/api/v1/units/{}", sec["id"])).await;
    assert_eq!(
        t.sup
            .delete(
                &format!("/api/v1/units/{}", sec["id"]),
                Some(json!({"version": s["version"]}))
            )
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    // Same name under the same parent is refused, naming the field.
    let p = problem(
        t.sup
            .post(
                "/api/v1/units",
                json!({"name": "区政务服务中心", "parent_id": t.root, "kind": "hall"}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "name");
}

#[tokio::test]
async fn items_keep_the_history_of_their_process_figures() {
    let t = tree().await;
    let body = json!({"unit_id": t.dept_a, "name": "食品经营许可", "item_type": "高频", "power_category": "行政许可",
        "service_object": "企业/个人", "handling_mode": "线上线下", "figures": {"materials": 6, "time_limit_days": 3, "steps": 4, "trips": 2, "online": true}});
    let r = t.liaison.post("/api/v1/items", body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let item: Value = r.json().await.expect("json");
    assert_eq!(item["item_type"], "high-frequency");
    assert_eq!(item["power_category_label"], "行政许可");
    let path = format!("/api/v1/items/{}", item["id"]);
    // "3 working days → same day" (seed 004) as an outcome.
    let r = t.liaison.patch(&path, json!({"version": item["version"], "figures": {"materials": 4, "time_limit_days": 0, "steps": 2, "trips": 0, "online": true}, "figures_source": "整改后"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    // A change that leaves the figures alone adds no history.
    let cur = t.liaison.json(&path).await;
    t.liaison
        .patch(
            &path,
            json!({"version": cur["version"], "note": "窗口前移"}),
        )
        .await;
    let history = t.liaison.json(&format!("{path}/figures")).await;
    let history = history.as_array().expect("array");
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["source"], "登记");
    assert_eq!(history[0]["figures"]["time_limit_days"], 3);
    assert_eq!(history[1]["source"], "整改后");
    assert_eq!(history[1]["figures"]["time_limit_days"], 0);

    let p = problem(t.liaison.patch(&path, json!({"version": cur["version"].as_i64().expect("v") + 1, "figures": {"materials": -1}})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p["errors"][0]["field"], "figures.materials");
    problem(
        t.app
            .login("liaison-a", PASSWORD)
            .await
            .get("/api/v1/items/999999")
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn lists_page_by_cursor_without_gaps_or_repeats() {
    let t = tree().await;
    for i in 0..7 {
        let r = t
            .sup
            .post(
                "/api/v1/officials",
                json!({"unit_id": t.dept_a, "name": format!("人员{i}"), "rank": "staff"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("/api/v1/officials?limit=3&cursor={c}"),
            None => "/api/v1/officials?limit=3".into(),
        };
        let page = t.sup.json(&q).await;
        seen.extend(names(&page));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    let expected: Vec<String> = (0..7).map(|i| format!("人员{i}")).collect();
    assert_eq!(seen, expected);
    let found = t.sup.json("/api/v1/officials?q=人员3").await;
    assert_eq!(names(&found), ["人员3"]);
}

/// The bulk path (the demo's load: multi-row inserts on SQLite, `COPY` on
/// PostgreSQL) keeps every value as given, the characters `COPY`'s text
/// format gives meaning to and NULLs included, and leaves the foreign keys
/// it set aside for the load checked again.
#[tokio::test]
async fn a_bulk_load_keeps_every_value_and_the_foreign_keys() {
    use zlc_store::bulk::Bulk;
    use zlc_store::rows::{OfficialRow, Row, UnitRow, Version};
    let app = spawn_app().await;
    let name = "测试\t单位\n第二行\\反斜杠\r'引号\"";
    let mut values = Vec::new();
    UnitRow {
        id: Some(900_001),
        parent_id: None,
        path: "/900001/".into(),
        depth: 0,
        name: name.into(),
        kind: "department".into(),
        categories: String::new(),
        code: None,
        sort: 3,
        version: Version::FIRST,
        created_at: 1,
        updated_at: 2,
        lead_office: Some("\\N".into()),
    }
    .args(&mut values);
    let mut officials = Vec::new();
    OfficialRow {
        id: Some(900_002),
        unit_id: 900_001,
        unit_path: "/900001/".into(),
        name: "张三".into(),
        title: String::new(),
        rank: "section".into(),
        phone_enc: None,
        active: false,
        version: Version::FIRST,
        created_at: 1,
        updated_at: 1,
    }
    .args(&mut officials);
    let mut bulk = Bulk::begin(&app.store.db).await.expect("begin");
    bulk.insert(&UnitRow::TABLE, values).await.expect("units");
    bulk.insert(&OfficialRow::TABLE, officials)
        .await
        .expect("officials");
    assert_eq!(bulk.finish().await.expect("finish"), 2);

    let unit: (String, Option<String>, Option<String>, i64) = app
        .store
        .db
        .fetch_one(
            "SELECT name, code, lead_office, sort FROM units WHERE id = $1",
            zlc_store::args![900_001i64],
        )
        .await
        .expect("unit");
    assert_eq!(unit, (name.into(), None, Some("\\N".into()), 3));
    let official: (Option<String>, bool) = app
        .store
        .db
        .fetch_one(
            "SELECT phone_enc, active FROM officials WHERE id = $1",
            zlc_store::args![900_002i64],
        )
        .await
        .expect("official");
    assert_eq!(official, (None, false));
    // The keys are checked again: an official of a unit that is not there
    // is refused.
    let orphan = app
        .store
        .db
        .execute(
            "INSERT INTO officials (unit_id, name, title, rank, active, created_at, updated_at) \
             VALUES ($1, '李四', '', 'section', $2, 1, 1)",
            zlc_store::args![987_654_321i64, true],
        )
        .await;
    assert!(orphan.is_err(), "a unit that is not there: {orphan:?}");
    if !postgres() {
        // SQLite's text indexes were rebuilt with a larger buffer, which is
        // set back to FTS5's default for everyday writes.
        for t in ["activities", "problems", "needs", "measures"] {
            let hash: Option<i64> = app
                .store
                .db
                .scalar(
                    &format!("SELECT v FROM {t}_fts_config WHERE k = 'hashsize'"),
                    vec![],
                )
                .await
                .expect("config");
            assert_eq!(hash.unwrap_or(1 << 20), 1 << 20, "{t}");
            app.store
                .db
                .execute(
                    &format!("INSERT INTO {t}_fts ({t}_fts, rank) VALUES ('integrity-check', 1)"),
                    vec![],
                )
                .await
                .expect("the text index matches its table");
        }
    }
}
