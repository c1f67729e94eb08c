use crate::helpers::*;
use chrono::{Days, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};
use zlc_domain::period::Period;

/// A region with two departments (A with a section), a hall and a street;
/// officials and items; a supervisor, a liaison of each department.
pub(crate) struct World {
    pub(crate) app: TestApp,
    pub(crate) root: i64,
    pub(crate) a: i64,
    pub(crate) b: i64,
    pub(crate) hall: i64,
    pub(crate) street: i64,
    pub(crate) officials_a: Vec<i64>,
    pub(crate) official_b: i64,
    pub(crate) items_a: Vec<i64>,
    pub(crate) item_b: i64,
    pub(crate) sup: Session,
    pub(crate) la: Session,
    pub(crate) lb: Session,
}

pub(crate) async fn id_of(r: reqwest::Response) -> i64 {
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.expect("json");
    v["id"].as_i64().expect("id")
}

pub(crate) async fn world() -> World {
    let app = spawn_app().await;
    let root = app.unit("示范区", None, "region").await["id"]
        .as_i64()
        .expect("id");
    let a = app.unit("区市场监督管理局", Some(root), "department").await["id"]
        .as_i64()
        .expect("id");
    let b = app
        .unit("区人力资源和社会保障局", Some(root), "department")
        .await["id"]
        .as_i64()
        .expect("id");
    let hall = app.unit("区政务服务中心", Some(root), "hall").await["id"]
        .as_i64()
        .expect("id");
    let street = app.unit("南门街道办事处", Some(root), "region").await["id"]
        .as_i64()
        .expect("id");
    let sup = app.user("sup", Some(root), &["supervisor"]).await;
    let la = app.user("liaison-a", Some(a), &["liaison"]).await;
    let lb = app.user("liaison-b", Some(b), &["liaison"]).await;
    let mut officials_a = Vec::new();
    for (name, rank) in [
        ("张三", "head"),
        ("李四", "deputy"),
        ("王五", "section-chief"),
    ] {
        officials_a.push(
            id_of(
                sup.post(
                    "/api/v1/officials",
                    json!({"unit_id": a, "name": name, "rank": rank, "phone": "13812345678"}),
                )
                .await,
            )
            .await,
        );
    }
    let official_b = id_of(
        sup.post(
            "/api/v1/officials",
            json!({"unit_id": b, "name": "赵六", "rank": "head"}),
        )
        .await,
    )
    .await;
    let item = |unit: i64, name: &str| json!({"unit_id": unit, "name": name, "item_type": "高频", "power_category": "行政许可", "service_object": "企业", "handling_mode": "线上线下"});
    let items_a = vec![
        id_of(sup.post("/api/v1/items", item(a, "食品经营许可")).await).await,
        id_of(sup.post("/api/v1/items", item(a, "个体工商户登记")).await).await,
    ];
    let item_b = id_of(sup.post("/api/v1/items", item(b, "失业保险金申领")).await).await;
    World {
        app,
        root,
        a,
        b,
        hall,
        street,
        officials_a,
        official_b,
        items_a,
        item_b,
        sup,
        la,
        lb,
    }
}

pub(crate) fn today() -> NaiveDate {
    zlc_app::clock::today()
}

pub(crate) fn days_before(d: NaiveDate, n: u64) -> String {
    d.checked_sub_days(Days::new(n)).expect("date").to_string()
}

pub(crate) fn callbacks(date: NaiveDate, n: usize) -> Value {
    (0..n).map(|i| json!({"name": format!("群众{i}"), "phone": "13900001111", "served_on": days_before(date, 30), "called_on": date.to_string(), "valid": true, "satisfaction": "满意"})).collect()
}

/// A 坐窗口 record that meets every requirement of preset 003.
pub(crate) fn window_record(
    unit: i64,
    officials: &[i64],
    items: &[i64],
    date: NaiveDate,
    visitors: i64,
) -> Value {
    json!({"unit_id": unit, "official_ids": officials, "item_ids": items, "kind": "window", "mode": "驻窗办", "channel": "窗口",
           "date": date.to_string(), "started": "09:00", "ended": "12:00", "visitors": visitors, "checked_items": 2,
           "steps_done": ["approval-service", "business-check", "callback", "discussion"], "callbacks": callbacks(date, 3)})
}

#[tokio::test]
async fn plans_warn_of_clustering_publish_and_show_publicly_without_phones() {
    let w = world().await;
    let r = w
        .app
        .admin("sysadmin")
        .await
        .post("/api/v1/policy", json!({"preset": "004"}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let date = today()
        .checked_add_days(Days::new(10))
        .expect("date")
        .to_string();
    let plan = |officials: Vec<i64>| {
        json!({"unit_id": w.a, "official_ids": officials, "kind": "walk", "mode": "亲身办", "date": date,
        "slot": "am", "place": "hall", "window_unit_id": w.hall, "item_ids": [w.items_a[0]]})
    };
    let first: Value =
        w.la.post("/api/v1/plans", plan(vec![w.officials_a[0]]))
            .await
            .json()
            .await
            .expect("json");
    assert_eq!(first["status"], "draft");
    assert_eq!(first["warnings"], json!([]));
    w.la.post("/api/v1/plans", plan(vec![w.officials_a[1]]))
        .await;
    // The third official of the same department on the same day: 扎堆 (seed 004 二.1), warned, not refused.
    let r =
        w.la.post("/api/v1/plans", plan(vec![w.officials_a[2]]))
            .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let third: Value = r.json().await.expect("json");
    let kinds: Vec<&str> = third["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| w["kind"].as_str().expect("kind"))
        .collect();
    assert!(kinds.contains(&"same-region"), "{third}");
    assert!(third["warnings"].to_string().contains("扎堆"));

    // A mode that does not belong to the kind is refused, naming the field.
    let p = problem(w.la.post("/api/v1/plans", json!({"unit_id": w.a, "official_ids": [w.officials_a[0]], "kind": "walk", "mode": "驻窗办", "date": date, "slot": "am", "place": "hall"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p["errors"][0]["field"], "mode");

    // Publishing is the supervisor's; a published plan can no longer be edited.
    let path = format!("/api/v1/plans/{}", first["id"]);
    problem(
        w.la.post(
            &format!("{path}/publish"),
            json!({"version": first["version"]}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let published: Value = w
        .sup
        .post(
            &format!("{path}/publish"),
            json!({"version": first["version"]}),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(published["status"], "published");
    let p = problem(
        w.la.patch(
            &path,
            json!({"version": published["version"], "slot": "pm"}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(p["detail"].as_str().expect("detail").contains("不能再修改"));
    // Cancelling needs a reason.
    let p = problem(
        w.sup
            .post(
                &format!("{path}/cancel"),
                json!({"version": published["version"]}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "reason");

    // The public page, signed out: name, title, unit, date, kind, items — no phone, no drafts.
    let anon = app_anonymous(&w.app);
    let period = Period::quarter_of(today().checked_add_days(Days::new(10)).expect("date"));
    let list = anon
        .json(&format!("/api/v1/public/plans?period={period}"))
        .await;
    assert_eq!(list["next_cursor"], serde_json::Value::Null);
    let list = list["items"].as_array().expect("items");
    assert_eq!(list.len(), 1, "only the published plan: {list:?}");
    assert_eq!(list[0]["officials"][0]["name"], "张三");
    assert_eq!(list[0]["officials"][0]["unit"], "区市场监督管理局");
    assert_eq!(list[0]["items"], json!(["食品经营许可"]));
    assert!(
        !serde_json::to_string(&list)
            .expect("json")
            .contains("1381234")
    );
}

fn app_anonymous(app: &TestApp) -> Session {
    app.anonymous()
}

#[tokio::test]
async fn filing_says_exactly_what_is_missing_then_files_and_locks_the_record() {
    let w = world().await;
    let date = Period::quarter_of(today()).start();
    let mut record = window_record(w.a, &w.officials_a[..2], &w.items_a, date, 12);
    record["steps_done"] = json!(["approval-service", "business-check"]);
    record["callbacks"] = callbacks(date, 2);
    let r = w.la.post("/api/v1/activities", record.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let draft: Value = r.json().await.expect("json");
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["filing"]["can_file"], false);
    // Callback names are personal data: masked for a liaison, whole for the supervisor.
    assert_eq!(draft["callbacks"][0]["name"], "群**");
    assert_eq!(draft["callbacks"][0]["phone"], "139****1111");
    let full = w
        .sup
        .json(&format!("/api/v1/activities/{}", draft["id"]))
        .await;
    assert_eq!(full["callbacks"][0]["name"], "群众0");

    let path = format!("/api/v1/activities/{}", draft["id"]);
    let p = problem(
        w.la.post(
            &format!("{path}/file"),
            json!({"version": draft["version"]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let messages = p["errors"].to_string();
    assert!(
        messages.contains("服务回访") && messages.contains("座谈交流"),
        "{messages}"
    );

    // Complete it: the steps and a third valid callback.
    let mut fixed = window_record(w.a, &w.officials_a[..2], &w.items_a, date, 12);
    fixed["version"] = draft["version"].clone();
    let r = w.la.send(reqwest::Method::PUT, &path, Some(fixed)).await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let ready = w.la.json(&path).await;
    assert_eq!(ready["filing"]["can_file"], true, "{ready}");
    let filed: Value =
        w.la.post(
            &format!("{path}/file"),
            json!({"version": ready["version"]}),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(filed["status"], "filed");
    assert_eq!(filed["filed_on"], today().to_string());
    // Filed: no more edits, and filing twice is refused.
    let mut again = window_record(w.a, &w.officials_a[..2], &w.items_a, date, 12);
    again["version"] = filed["version"].clone();
    problem(
        w.la.send(reqwest::Method::PUT, &path, Some(again)).await,
        StatusCode::CONFLICT,
    )
    .await;
    problem(
        w.la.post(
            &format!("{path}/file"),
            json!({"version": filed["version"]}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    // Out of scope: the other department's liaison sees nothing of it.
    problem(w.lb.get(&path).await, StatusCode::NOT_FOUND).await;
    // Callbacks are sealed at rest.
    let stored: Vec<(String,)> = w
        .app
        .store
        .db
        .fetch_all("SELECT name_enc FROM callbacks", vec![])
        .await
        .expect("rows");
    assert!(
        stored
            .iter()
            .all(|(n,)| n.starts_with("sm4gcm1:") && !n.contains("群众"))
    );
}

#[tokio::test]
async fn filing_long_after_the_deadline_is_allowed_but_marked_late() {
    let w = world().await;
    // 2024-09-30 is due 3 working days later across National Day: 2024-10-10.
    let date = NaiveDate::from_ymd_opt(2024, 9, 30).expect("date");
    let r =
        w.la.post(
            "/api/v1/activities",
            window_record(w.a, &[w.officials_a[0]], &w.items_a, date, 3),
        )
        .await;
    let draft: Value = r.json().await.expect("json");
    assert_eq!(draft["filing"]["due"], "2024-10-10");
    let filed: Value =
        w.la.post(
            &format!("/api/v1/activities/{}/file", draft["id"]),
            json!({"version": draft["version"]}),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(filed["status"], "filed");
    assert_eq!(filed["late"], true);
}

#[tokio::test]
async fn a_problem_walks_its_life_cycle_with_every_forbidden_step_refused() {
    let w = world().await;
    // A handler who may also verify, to prove the rule (not only the role) stops self-verification.
    let sec = w.app.admin("secadmin").await;
    let r = sec.post("/api/v1/roles", json!({"code": "handler-verifier", "name": "经办兼验收", "permissions": ["problem:read", "problem:write", "problem:handle", "problem:verify"]})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let both = w.app.user("both", Some(w.a), &["handler-verifier"]).await;

    let r = w.la.post("/api/v1/problems", json!({"unit_id": w.a, "source": "企业群众提出", "category": "证明材料", "description": "办理食品经营许可需重复提交营业执照复印件", "cause": "系统间未共享", "disposition": "限期整改", "item_id": w.items_a[0]})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let p: Value = r.json().await.expect("json");
    assert_eq!(p["status"], "pending");
    assert!(
        p["deadline"].is_string(),
        "限期整改 gets the policy's default deadline: {p}"
    );
    let path = format!("/api/v1/problems/{}", p["id"]);
    let act = async |s: &Session, body: Value| {
        s.send(
            reqwest::Method::POST,
            &format!("{path}/actions"),
            Some(body),
        )
        .await
    };

    // Seed 003 knows no 需上级统筹; under seed 001 it must name the higher authority.
    let escalate = json!({"unit_id": w.a, "source": "审计", "category": "政策制度", "description": "证照互认需省级系统支持", "disposition": "需上级统筹"});
    let e = problem(
        w.la.post("/api/v1/problems", escalate.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["errors"][0]["field"], "disposition");
    let sys = w.app.admin("sysadmin").await;
    assert_eq!(
        sys.post("/api/v1/policy", json!({"preset": "001"}))
            .await
            .status(),
        StatusCode::OK
    );
    let e = problem(
        w.la.post("/api/v1/problems", escalate).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["errors"][0]["field"], "escalated_to");
    assert_eq!(
        sys.post("/api/v1/policy", json!({"preset": "003"}))
            .await
            .status(),
        StatusCode::OK
    );

    let started: Value = act(&both, json!({"version": p["version"], "action": "start"}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(started["status"], "in-progress");
    // Stale version: someone else moved first.
    problem(act(&both, json!({"version": p["version"], "action": "submit", "measures": "x", "effect": "y", "evidence": ["z"]})).await, StatusCode::CONFLICT).await;
    // Closing needs what the policy's close_requires names (003: measures and effect).
    let e = problem(act(&both, json!({"version": started["version"], "action": "submit", "measures": "已与市场监管系统打通数据共享，营业执照信息自动调取"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(e["errors"][0]["field"], "effect");
    assert!(
        e["detail"].as_str().expect("detail").contains("整改效果"),
        "{e}"
    );
    let submitted: Value = act(&both, json!({"version": started["version"], "action": "submit",
        "measures": "已与市场监管系统打通数据共享，营业执照信息自动调取，不再要求申请人提交复印件",
        "effect": "申请材料由6件减至4件，办理时限由3个工作日压缩至当日办结", "evidence": ["整改前后办事指南对比", "系统截图"],
        "figures": {"materials": 4, "time_limit_days": 0, "steps": 2, "trips": 0, "online": true}})).await.json().await.expect("json");
    assert_eq!(submitted["status"], "awaiting-verification");
    assert_eq!(submitted["figures_after"]["time_limit_days"], 0);
    // Claimed, not yet true: the item keeps its figures until the fix is verified.
    let item_path = format!("/api/v1/items/{}", w.items_a[0]);
    assert_eq!(
        w.la.json(&item_path).await["figures"]["time_limit_days"],
        json!(null)
    );
    // The handler may not verify their own fix, even holding the permission.
    let e = problem(
        act(
            &both,
            json!({"version": submitted["version"], "action": "verify"}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        e["detail"].as_str().expect("detail").contains("经办人"),
        "{e}"
    );
    // A liaison without the permission is refused by role.
    problem(
        act(
            &w.la,
            json!({"version": submitted["version"], "action": "verify"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let closed: Value = act(
        &w.sup,
        json!({"version": submitted["version"], "action": "verify"}),
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["closed_on"], today().to_string());
    // Verified: "3 working days → same day" is now the item's, and in its history.
    assert_eq!(w.la.json(&item_path).await["figures"]["materials"], 4);
    let history = w.la.json(&format!("{item_path}/figures")).await;
    let last = history
        .as_array()
        .expect("array")
        .last()
        .expect("entry")
        .clone();
    assert_eq!(
        (last["source"].clone(), last["note"].clone()),
        (json!("整改验收"), json!(format!("问题 {}", p["id"])))
    );
    assert_eq!(last["figures"]["time_limit_days"], 0);
    assert!(closed["review_due"].is_string());
    // 回头看: the fix did not hold — reopened (反弹).
    let reopened: Value = act(&w.sup, json!({"version": closed["version"], "action": "review", "holds": false, "note": "窗口仍要求提交复印件"})).await.json().await.expect("json");
    assert_eq!(reopened["status"], "in-progress");
    assert_eq!(reopened["reopen_count"], 1);
    // Submitting from the wrong state is refused with the reason.
    let e = problem(
        act(
            &w.sup,
            json!({"version": reopened["version"], "action": "verify"}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(e["detail"].is_string());

    let timeline = w.la.json(&format!("{path}/timeline")).await;
    let steps: Vec<&str> = timeline
        .as_array()
        .expect("array")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(steps, ["create", "start", "submit", "verify", "review"]);
    assert_eq!(timeline[4]["note"], "窗口仍要求提交复印件");
    // The other department's liaison cannot see it.
    problem(w.lb.get(&path).await, StatusCode::NOT_FOUND).await;
    assert_eq!(w.lb.json("/api/v1/problems").await["items"], json!([]));
}

/// One page of the problems `filter` lists in the whole tree, from `store`
/// (the API's lists with options of the test's own), after `cursor`.
async fn problems_page(
    store: &zlc_store::Store,
    filter: zlc_store::campaign::CampaignFilter,
    cursor: Option<&str>,
    limit: i64,
) -> zlc_store::Page<zlc_store::campaign::Problem> {
    store
        .list_problems(
            &zlc_store::Scope::all(),
            &filter,
            &zlc_store::PageRequest::new(cursor, Some(limit)).expect("page"),
        )
        .await
        .expect("list")
}

#[tokio::test]
async fn ledgers_filter_and_a_need_may_end_as_cannot_be_met_explained() {
    let w = world().await;
    for (desc, cat) in [
        ("窗口少，排队时间长", "设施环境"),
        ("网办流程不畅，页面反复跳转", "网上办事"),
        ("中介收费不规范", "中介服务"),
    ] {
        let r = w.la.post("/api/v1/problems", json!({"unit_id": w.a, "source": "窗口自查发现", "category": cat, "description": desc, "disposition": "立行立改"})).await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    // Two characters: a scan; three or more: the trigram index (FTS5 / pg_trgm).
    let found = w.sup.json("/api/v1/problems?q=排队").await;
    assert_eq!(found["items"].as_array().expect("items").len(), 1);
    let found = w
        .sup
        .json(&format!("/api/v1/problems?q={}", "网办流程"))
        .await;
    assert_eq!(
        found["items"][0]["description"],
        "网办流程不畅，页面反复跳转"
    );
    assert_eq!(
        w.sup.json("/api/v1/problems?q=流程不畅通顺").await["items"],
        json!([])
    );
    // Wildcards typed by the user are taken literally.
    assert_eq!(
        w.sup.json("/api/v1/problems?q=%25").await["items"],
        json!([])
    );
    assert_eq!(w.sup.json("/api/v1/problems?q=_").await["items"], json!([]));
    let listed = w.sup.json("/api/v1/problems?q=收费不规范").await;
    assert_eq!(listed["items"].as_array().expect("items").len(), 1);
    // Counted in full below the cap: no "more than" said.
    let all = w.sup.json("/api/v1/problems?limit=1").await;
    assert_eq!(all["total"], 3, "{all}");
    assert!(all.get("total_capped").is_none(), "{all}");
    // Above it, the first page says "more than the cap", and the rows are
    // the same: only the count stops early.
    let capped = zlc_store::Store::open(
        &w.app.url,
        w.app.store.cipher.clone(),
        &zlc_store::Options {
            count_cap: 2,
            ..Default::default()
        },
    )
    .await
    .expect("store");
    let page = problems_page(&capped, Default::default(), None, 1).await;
    let page = serde_json::to_value(&page).expect("json");
    assert_eq!(
        (&page["total"], &page["total_capped"]),
        (&json!(2), &json!(true))
    );
    assert_eq!(page["items"][0]["id"], all["items"][0]["id"]);
    // Later pages read in id order too (SQLite leaves the path index for a
    // list above the cap) and follow on exactly.
    let second = problems_page(&capped, Default::default(), page["next_cursor"].as_str(), 5).await;
    let rest = w
        .sup
        .json(&format!(
            "/api/v1/problems?limit=5&cursor={}",
            all["next_cursor"].as_str().expect("cursor")
        ))
        .await;
    let ids: Vec<i64> = second.items.iter().map(|p| p.id).collect();
    let expected = ids_of(&rest["items"]);
    assert_eq!((ids.len(), ids), (2, expected));
    // Newest first, as the page opens: the same order above the cap (SQLite
    // reads the date's index), page after page.
    let by_date = || zlc_store::campaign::CampaignFilter {
        sort: zlc_store::campaign::Sort::parse("-found_on"),
        ..Default::default()
    };
    let first = problems_page(&capped, by_date(), None, 2).await;
    let rest = problems_page(&capped, by_date(), first.next_cursor.as_deref(), 2).await;
    let ids: Vec<i64> = first
        .items
        .iter()
        .chain(&rest.items)
        .map(|p| p.id)
        .collect();
    let api = w.sup.json("/api/v1/problems?sort=-found_on").await;
    let expected = ids_of(&api["items"]);
    assert_eq!((first.total_capped, ids), (true, expected));
    let narrow = problems_page(
        &capped,
        zlc_store::campaign::CampaignFilter {
            q: Some("收费不规范".into()),
            ..Default::default()
        },
        None,
        1,
    )
    .await;
    assert_eq!((narrow.total, narrow.total_capped), (Some(1), false));
    // A dense list whose records lie together beyond the first ids read in
    // order (a unit's ledger entered after the others' records) pages on
    // exactly: the first ids hold too few of them, the index finds the rest.
    let mut b_ids = Vec::new();
    for n in 0..5 {
        let r = w.lb.post("/api/v1/problems", json!({"unit_id": w.b, "source": "窗口自查发现", "category": "设施环境", "description": format!("叫号屏第{n}号窗口显示错误"), "disposition": "立行立改"})).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let p: Value = r.json().await.expect("json");
        b_ids.push(p["id"].as_i64().expect("id"));
    }
    let of_b = || zlc_store::campaign::CampaignFilter {
        unit: Some(w.b),
        ..Default::default()
    };
    let mut paged = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = problems_page(&capped, of_b(), cursor.as_deref(), 2).await;
        paged.extend(page.items.iter().map(|p| p.id));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(paged, b_ids, "every page full, in id order, none left out");
    capped.close().await;
    let found = w.sup.json("/api/v1/problems?category=中介服务").await;
    assert_eq!(found["items"][0]["description"], "中介收费不规范");
    let p = problem(
        w.sup.get("/api/v1/problems?category=外星").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "category");

    let e = problem(w.la.post("/api/v1/needs", json!({"unit_id": w.a, "raised_by": "企业", "content": "希望开通周末延时服务", "status": "cannot-meet", "raised_on": today().to_string()})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(e["errors"][0]["field"], "response");
    let r = w.la.post("/api/v1/needs", json!({"unit_id": w.a, "raised_by": "企业", "content": "希望开通周末延时服务", "status": "cannot-meet", "response": "编制所限暂无法开通，已提供预约上门服务", "raised_on": today().to_string()})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let need: Value = r.json().await.expect("json");
    assert_eq!(need["closed_on"], today().to_string());
    // Its history: who created it, then each change with its fields.
    let r = w.la.patch(&format!("/api/v1/needs/{}", need["id"]), json!({"version": need["version"], "response": "编制所限暂无法开通，已提供预约上门服务和电话预约"})).await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let h =
        w.la.json(&format!("/api/v1/needs/{}/history", need["id"]))
            .await;
    let steps = h.as_array().expect("steps");
    assert_eq!(steps.len(), 2, "{h}");
    assert_eq!(steps[0]["action"], "create");
    assert_eq!(steps[0]["actor"], "liaison-a");
    assert_eq!(
        steps[1]["changes"]["response"][1],
        "编制所限暂无法开通，已提供预约上门服务和电话预约"
    );
    assert!(steps[1]["changes"].get("version").is_none());
    problem(
        w.lb.get(&format!("/api/v1/needs/{}/history", need["id"]))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let m = w.la.post("/api/v1/measures", json!({"unit_id": w.a, "need_id": need["id"], "content": "推出预约上门服务", "status": "done"})).await;
    let e = problem(m, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(e["errors"][0]["field"], "status");
    problem(
        w.lb.post(
            "/api/v1/measures",
            json!({"unit_id": w.b, "need_id": need["id"], "content": "x"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
}

/// Creates and files an activity, answering the filed record.
pub(crate) async fn file(s: &Session, body: Value) -> Value {
    let r = s.post("/api/v1/activities", body).await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let d: Value = r.json().await.expect("json");
    let r = s
        .post(
            &format!("/api/v1/activities/{}/file", d["id"]),
            json!({"version": d["version"]}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{}",
        r.text().await.unwrap_or_default()
    );
    r.json::<Value>().await.expect("json")
}

/// Records a 限期整改 problem of `unit`.
pub(crate) async fn new_problem(
    s: &Session,
    unit: i64,
    found: String,
    activity: Option<i64>,
    deadline: Option<String>,
) -> Value {
    let body = json!({"unit_id": unit, "activity_id": activity, "source": "企业群众提出", "category": "流程环节", "description": "材料重复提交", "disposition": "限期整改", "found_on": found, "deadline": deadline});
    let r = s.post("/api/v1/problems", body).await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap_or_default()
    );
    r.json::<Value>().await.expect("json")
}

/// Takes a problem of department A to 已销号: A's liaison fixes it, the supervisor verifies.
pub(crate) async fn close(w: &World, p: Value) -> Value {
    let path = format!("/api/v1/problems/{}/actions", p["id"]);
    let s: Value =
        w.la.post(&path, json!({"version": p["version"], "action": "start"}))
            .await
            .json()
            .await
            .expect("json");
    let s: Value = w.la.post(&path, json!({"version": s["version"], "action": "submit", "measures": "精简材料清单并在窗口公示最新要求", "effect": "申请材料由6件减至4件，群众一次办结", "evidence": ["新版办事指南"]})).await.json().await.expect("json");
    let s: Value = w
        .sup
        .post(&path, json!({"version": s["version"], "action": "verify"}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(s["status"], "closed", "{s}");
    s
}

#[tokio::test]
async fn the_quarterly_report_matches_a_hand_count() {
    let w = world().await;
    let q = Period::quarter_of(today());
    let d0 = q.start();
    // Department A: a window activity (2 officials, 2 items, 12 people) and an enforcement one.
    let a1 = file(
        &w.la,
        window_record(w.a, &w.officials_a[..2], &w.items_a, d0, 12),
    )
    .await;
    file(&w.la, json!({"unit_id": w.a, "official_ids": [w.officials_a[0]], "item_ids": [w.items_a[0]], "kind": "enforce", "mode": "执法人员", "channel": "现场",
        "date": d0.to_string(), "steps_done": ["enforcement-inspection", "case-handling", "case-file-review"]})).await;
    // Department B: a walk, online (1 official, 1 item, 1 person).
    let mut walk = window_record(w.b, &[w.official_b], &[w.item_b], d0, 1);
    walk["kind"] = json!("walk");
    walk["mode"] = json!("亲身办");
    walk["channel"] = json!("网上");
    file(&w.lb, walk.clone()).await;
    // Not counted: a draft, and an activity of the quarter before.
    w.lb.post("/api/v1/activities", walk.clone()).await;
    let before = q.previous().start();
    file(
        &w.la,
        window_record(w.a, &[w.officials_a[2]], &w.items_a, before, 40),
    )
    .await;

    // Problems: two found this quarter (one closed today), one found last quarter and closed today.
    let p1 = new_problem(
        &w.la,
        w.a,
        d0.to_string(),
        a1["id"].as_i64(),
        Some(q.end().to_string()),
    )
    .await;
    close(&w, p1).await;
    // Deadline on the day it was found: overdue once that day is past.
    new_problem(&w.lb, w.b, d0.to_string(), None, Some(d0.to_string())).await;
    let p3 = new_problem(
        &w.la,
        w.a,
        days_before(d0, 1),
        None,
        Some(q.end().to_string()),
    )
    .await;
    close(&w, p3).await;
    w.la.post("/api/v1/needs", json!({"unit_id": w.a, "raised_by": "群众", "content": "希望增加自助终端", "raised_on": d0.to_string()})).await;

    let r = w
        .sup
        .json(&format!("/api/v1/reports/quarterly?period={q}"))
        .await;
    assert_eq!(r["period"], q.to_string());
    assert_eq!(r["region"], "示范区");
    assert_eq!(r["activities"], 3);
    assert_eq!(
        r["by_kind"],
        json!({"walk": 1, "window": 1, "inspect": 0, "enforce": 1, "complaint": 0})
    );
    assert_eq!(r["officials"], 3);
    assert_eq!(r["visitors_received"], 13);
    assert_eq!(r["items_experienced"], 3);
    assert_eq!(r["problems_found"], 2);
    assert_eq!(r["problems_solved"], 2);
    assert_eq!(r["needs"], 1);
    assert_eq!(r["departments"], 2);
    assert_eq!(r["regions"], 0, "the street walked nowhere");
    // 整改率: one of the two found this quarter is closed; the older one closed today is 销号旧账.
    assert_eq!(r["problems_found_closed"], 1);
    assert_eq!(r["problems_closed_old"], 1);
    assert_eq!(r["rectification_rate"], 0.5);
    // The findings, counted by hand: walks that found nothing, the overdue
    // problem, and filings late by the calendar (3 working days after d0).
    let late = today() > zlc_domain::calendar::WorkCalendar::builtin().add_working_days(d0, 3);
    let mut expected = vec![
        ("empty-walk", "区市场监督管理局", 1),
        ("empty-walk", "区人力资源和社会保障局", 1),
    ];
    if overdue_today(d0) {
        expected.push(("overdue", "区人力资源和社会保障局", 1));
    }
    if late {
        expected.push(("late-filing", "区市场监督管理局", 2));
        expected.push(("late-filing", "区人力资源和社会保障局", 1));
    }
    let found: Vec<(String, String, i64)> = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap_or_default().to_string(),
                f["unit"].as_str().unwrap_or_default().to_string(),
                f["record_count"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    let expected: Vec<(String, String, i64)> = expected
        .into_iter()
        .map(|(k, u, n)| (k.to_string(), u.to_string(), n))
        .collect();
    assert_eq!(found, expected);
    for f in r["findings"].as_array().expect("findings") {
        assert!(!f["reason"].as_str().unwrap_or_default().is_empty(), "{f}");
        assert!(!f["records"].as_array().expect("records").is_empty(), "{f}");
    }
    let units = r["units"].as_array().expect("units");
    let row = |name: &str| {
        units
            .iter()
            .find(|u| u["unit"] == name)
            .expect("row")
            .clone()
    };
    let a = row("区市场监督管理局");
    assert_eq!(
        (
            a["activities"].clone(),
            a["problems_found"].clone(),
            a["problems_solved"].clone(),
            a["overdue"].clone()
        ),
        (json!(2), json!(1), json!(2), json!(0))
    );
    let b = row("区人力资源和社会保障局");
    let overdue = i64::from(overdue_today(d0));
    assert_eq!(
        (
            b["activities"].clone(),
            b["problems_found"].clone(),
            b["problems_solved"].clone(),
            b["overdue"].clone()
        ),
        (json!(1), json!(1), json!(0), json!(overdue))
    );
    for u in units {
        let grade = u["grade"].as_str().expect("grade");
        assert!(
            !u["grade_reason"].as_str().unwrap_or_default().is_empty(),
            "{u}"
        );
        if u["activities"] == 0 {
            // Nothing recorded: never 优秀 or 良好.
            assert!(["较差", "未参评"].contains(&grade), "{u}");
        } else {
            assert!(["优秀", "良好", "一般", "较差"].contains(&grade), "{u}");
            assert!(
                !u["score_parts"].as_array().expect("parts").is_empty(),
                "{u}"
            );
        }
    }
    // Its findings count against B's grade: one formalism finding (空走), its
    // overdue problem and late filing, each named in the score's parts.
    let parts: Vec<String> = b["score_parts"]
        .as_array()
        .expect("parts")
        .iter()
        .map(|p| p["label"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(parts.contains(&"形式主义问题".to_string()), "{parts:?}");
    // A liaison's report covers its own department only.
    let own =
        w.la.json(&format!("/api/v1/reports/quarterly?period={q}"))
            .await;
    assert_eq!(own["region"], "区市场监督管理局");
    assert_eq!(own["activities"], 2);
    problem(
        w.la.get(&format!(
            "/api/v1/reports/quarterly?period={q}&region={}",
            w.root
        ))
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let e = problem(
        w.sup
            .get(&format!(
                "/api/v1/reports/quarterly?period={}",
                q.months()[0]
            ))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["errors"][0]["field"], "period");
    let monthly = w
        .sup
        .json(&format!(
            "/api/v1/reports/monthly?period={}",
            Period::month_of(d0)
        ))
        .await;
    assert_eq!(monthly["activities"], 3);
}

/// Whether a deadline on `d` has passed today.
fn overdue_today(d: NaiveDate) -> bool {
    today() > d
}

/// A row of `stats_flows`: unit, month, kind and the seven counts.
type FlowRow = (i64, String, String, i64, i64, i64, i64, i64, i64, i64);

/// Every row of the statistics' summaries that counts something, in order.
pub(crate) async fn summaries(store: &zlc_store::Store) -> Vec<String> {
    // The facts kept lazily are brought up to date first, as a report would.
    let policy = zlc_domain::policy::preset(zlc_app::setup::DEFAULT_PRESET)
        .expect("preset")
        .policy();
    store.catch_up_findings(&policy).await.expect("catch up");
    let flows: Vec<FlowRow> = store
        .db
        .fetch_all(
            "SELECT unit_id, month, kind, activities, late, visitors, participations, problems_found, problems_solved, needs FROM stats_flows \
             WHERE activities <> 0 OR late <> 0 OR visitors <> 0 OR participations <> 0 OR problems_found <> 0 OR problems_solved <> 0 OR needs <> 0 \
             ORDER BY unit_id, month, kind",
            vec![],
        )
        .await
        .expect("flows");
    let mut rows: Vec<String> = flows.iter().map(|r| format!("{r:?}")).collect();
    for t in ["stats_officials", "stats_items"] {
        let who: Vec<(String, String)> = store
            .db
            .fetch_all(
                &format!("SELECT period, unit_path FROM {t} ORDER BY period, unit_path"),
                vec![],
            )
            .await
            .expect("took part");
        rows.extend(who.iter().map(|r| format!("{t} {r:?}")));
    }
    let closure: Vec<(i64, String, String, i64)> = store
        .db
        .fetch_all(
            "SELECT unit_id, found_month, closed_month, CAST(n AS BIGINT) FROM stats_closure WHERE n <> 0 ORDER BY unit_id, found_month, closed_month",
            vec![],
        )
        .await
        .expect("closure");
    rows.extend(closure.iter().map(|r| format!("closure {r:?}")));
    let open: Vec<(i64, String, i64)> = store
        .db
        .fetch_all(
            "SELECT unit_id, deadline, CAST(n AS BIGINT) FROM stats_open WHERE n <> 0 ORDER BY unit_id, deadline",
            vec![],
        )
        .await
        .expect("open");
    rows.extend(open.iter().map(|r| format!("open {r:?}")));
    let ranks: Vec<(i64, String, i64)> = store
        .db
        .fetch_all(
            "SELECT unit_id, rank, CAST(n AS BIGINT) FROM stats_ranks WHERE n <> 0 ORDER BY unit_id, rank",
            vec![],
        )
        .await
        .expect("ranks");
    rows.extend(ranks.iter().map(|r| format!("ranks {r:?}")));
    let days: Vec<(i64, String, String, String, i64, String)> = store
        .db
        .fetch_all(
            "SELECT unit_id, unit_path, day, place, officials, detail FROM finding_days ORDER BY unit_id, day, place",
            vec![],
        )
        .await
        .expect("days");
    rows.extend(days.iter().map(|r| format!("day {r:?}")));
    let modes: Vec<ModesRow> = store
        .db
        .fetch_all(
            "SELECT period, unit_id, unit_path, walks, online, cross_mode, citizen, unannounced FROM finding_modes ORDER BY period, unit_id",
            vec![],
        )
        .await
        .expect("modes");
    rows.extend(modes.iter().map(|r| format!("modes {r:?}")));
    let found: Vec<(i64, i64)> = store
        .db
        .fetch_all(
            "SELECT id, found FROM activities WHERE status = 'filed' ORDER BY id",
            vec![],
        )
        .await
        .expect("found");
    rows.extend(found.iter().map(|r| format!("found {r:?}")));
    let judged: Vec<JudgedRow> = store
        .db
        .fetch_all(
            "SELECT id, shallow, perfunctory, closure_month FROM problems \
             WHERE shallow IS NOT NULL OR perfunctory IS NOT NULL OR closure_month IS NOT NULL ORDER BY id",
            vec![],
        )
        .await
        .expect("judged");
    rows.extend(judged.iter().map(|r| format!("judged {r:?}")));
    rows
}

/// A problem's judged facts: id, shallow, perfunctory, closure month.
type JudgedRow = (i64, Option<String>, Option<String>, Option<String>);

/// A row of `finding_modes`: period, unit, path and the five counts.
type ModesRow = (String, i64, String, i64, i64, i64, i64, i64);

/// Rebuilds every summary and fact from the records; every problem's texts
/// are judged again at the next catch-up.
pub(crate) async fn rebuild_all(store: &zlc_store::Store) {
    store.rebuild_stats().await.expect("rebuild");
    store.rebuild_activity_facts().await.expect("rebuild facts");
    store
        .db
        .execute(
            "UPDATE problems SET judged = NULL, shallow = NULL, perfunctory = NULL",
            vec![],
        )
        .await
        .expect("judge again");
}

#[tokio::test]
async fn the_summaries_follow_reopenings_edits_and_moves_and_equal_a_rebuild() {
    let w = world().await;
    let q = Period::quarter_of(today());
    let d0 = q.start();
    let report = async |region: i64| {
        w.sup
            .json(&format!(
                "/api/v1/reports/quarterly?period={q}&region={region}"
            ))
            .await
    };
    file(
        &w.la,
        window_record(w.a, &w.officials_a[..2], &w.items_a, d0, 12),
    )
    .await;
    let mut walk = window_record(w.b, &[w.official_b], &[w.item_b], d0, 5);
    walk["kind"] = json!("walk");
    walk["mode"] = json!("亲身办");
    walk["channel"] = json!("网上");
    file(&w.lb, walk).await;

    // A problem closed, then reopened by 回头看: no longer solved.
    let p = new_problem(&w.la, w.a, d0.to_string(), None, Some(q.end().to_string())).await;
    let closed = close(&w, p).await;
    assert_eq!(report(w.root).await["problems_solved"], 1);
    let r = w
        .sup
        .post(
            &format!("/api/v1/problems/{}/actions", closed["id"]),
            json!({"version": closed["version"], "action": "review", "holds": false, "note": "窗口仍要求提交复印件"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = report(w.root).await;
    assert_eq!(
        (r["problems_found"].clone(), r["problems_solved"].clone()),
        (json!(1), json!(0))
    );

    // A need raised in the quarter, then answered: counted once.
    let need: Value = w.la.post("/api/v1/needs", json!({"unit_id": w.a, "raised_by": "群众", "content": "希望增加自助终端", "raised_on": d0.to_string()})).await.json().await.expect("json");
    let r = w
        .la
        .patch(
            &format!("/api/v1/needs/{}", need["id"]),
            json!({"version": need["version"], "status": "已满足", "response": "已增设两台自助终端"}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{}",
        r.text().await.unwrap_or_default()
    );
    assert_eq!(report(w.root).await["needs"], 1);

    // Department B moves under the street: its figures go with it.
    let before = report(w.root).await;
    assert_eq!(before["regions"], 0);
    let b = w.sup.json(&format!("/api/v1/units/{}", w.b)).await;
    let r = w
        .sup
        .patch(
            &format!("/api/v1/units/{}", w.b),
            json!({"version": b["version"], "parent_id": w.street}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let after = report(w.root).await;
    for key in [
        "activities",
        "officials",
        "items_experienced",
        "visitors_received",
        "problems_found",
    ] {
        assert_eq!(after[key], before[key], "{key}");
    }
    assert_eq!(after["regions"], 1, "the street now walked, through B");
    let street = report(w.street).await;
    assert_eq!(
        (
            street["activities"].clone(),
            street["officials"].clone(),
            street["items_experienced"].clone(),
            street["visitors_received"].clone()
        ),
        (json!(1), json!(1), json!(1), json!(5))
    );
    // B's liaison still sees B's records (their paths moved with the unit).
    let list = w.lb.json("/api/v1/activities").await;
    assert_eq!(list["items"].as_array().expect("items").len(), 1, "{list}");

    // B's official transfers to department A: counted among A's officials now.
    let o = w
        .sup
        .json(&format!("/api/v1/officials/{}", w.official_b))
        .await;
    let r = w
        .sup
        .patch(
            &format!("/api/v1/officials/{}", w.official_b),
            json!({"version": o["version"], "unit_id": w.a}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{}",
        r.text().await.unwrap_or_default()
    );
    assert_eq!(report(w.a).await["officials"], 3);
    assert_eq!(report(w.street).await["officials"], 0);

    // What was kept in step is exactly what the records rebuild.
    let kept = summaries(&w.app.store).await;
    assert!(!kept.is_empty());
    rebuild_all(&w.app.store).await;
    assert_eq!(summaries(&w.app.store).await, kept);
}

#[tokio::test]
async fn attachments_are_judged_by_content_bounded_and_scoped() {
    let w = world().await;
    let p: Value = w.la.post("/api/v1/problems", json!({"unit_id": w.a, "source": "窗口自查发现", "category": "设施环境", "description": "等候区座椅不足", "disposition": "立行立改"})).await.json().await.expect("json");
    let upload = |s: &Session, name: &str, bytes: Vec<u8>| {
        let req = s
            .client
            .post(format!(
                "{}/api/v1/attachments?owner=problem&id={}&name={name}",
                s.base, p["id"]
            ))
            .header("origin", &s.base)
            .body(bytes);
        async move { req.send().await.expect("send") }
    };
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    jpeg.extend(std::iter::repeat_n(7u8, 2048));
    let r = upload(&w.la, "整改后.jpg", jpeg.clone()).await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let a: Value = r.json().await.expect("json");
    assert_eq!(a["content_type"], "image/jpeg");
    assert_eq!(a["name"], "整改后.jpg");
    assert_eq!(a["size"], 2058);

    // A program renamed to .jpg is refused by its content; so is an empty file.
    let e = problem(
        upload(&w.la, "photo.jpg", b"MZ\x90\x00\x03".to_vec()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["errors"][0]["field"], "file");
    assert!(
        e["detail"]
            .as_str()
            .expect("detail")
            .contains("不是可接受的文件类型")
    );
    problem(
        upload(&w.la, "empty.pdf", vec![]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    // Over the limit (1 MB in tests).
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(1024 * 1024 + 10, b' ');
    problem(
        upload(&w.la, "big.pdf", big).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    // Not in scope: the other department can neither attach nor read.
    problem(
        upload(&w.lb, "x.jpg", jpeg.clone()).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        w.lb.get(&format!("/api/v1/attachments/{}", a["id"])).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    let r = w.sup.get(&format!("/api/v1/attachments/{}", a["id"])).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .expect("ascii")
            .contains("filename*=UTF-8''%E6%95%B4")
    );
    assert_eq!(r.bytes().await.expect("bytes").to_vec(), jpeg);
    let listed =
        w.la.json(&format!("/api/v1/attachments?owner=problem&id={}", p["id"]))
            .await;
    assert_eq!(listed.as_array().expect("array").len(), 1);
    // The bytes live in the object store, not in the database.
    let keys: Vec<(String,)> = w
        .app
        .store
        .db
        .fetch_all("SELECT object_key FROM attachments", vec![])
        .await
        .expect("rows");
    assert!(w.app.dir.join("objects").join(&keys[0].0).is_file());

    // An attachment counts as evidence (seed 004's policy requires evidence to close).
    let sys = w.app.admin("sysadmin").await;
    assert_eq!(
        sys.post("/api/v1/policy", json!({"preset": "004"}))
            .await
            .status(),
        StatusCode::OK
    );
    let path = format!("/api/v1/problems/{}/actions", p["id"]);
    let r = w.la.post(&path, json!({"version": p["version"], "action": "submit", "measures": "增设等候座椅20个并设置叫号屏", "effect": "群众平均等候时间由40分钟降至15分钟"})).await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let done: Value = r.json().await.expect("json");
    assert_eq!(done["evidence_count"], 1);

    // Without any evidence, 004's policy refuses to close, naming it.
    let bare: Value = w.la.post("/api/v1/problems", json!({"unit_id": w.a, "source": "窗口自查发现", "category": "设施环境", "description": "自助终端故障", "disposition": "立行立改"})).await.json().await.expect("json");
    let e = problem(
        w.la.post(&format!("/api/v1/problems/{}/actions", bare["id"]), json!({"version": bare["version"], "action": "submit", "measures": "联系厂家更换主板并恢复使用", "effect": "自助终端恢复运行，当日办理32笔"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["errors"][0]["field"], "evidence");
    assert_eq!(e["errors"][0]["message"], "销号须上传佐证材料");
}

#[tokio::test]
async fn rectification_progress_is_public_without_people_and_problems_break_down() {
    let w = world().await;
    let q = Period::quarter_of(today());
    let d0 = q.start();
    let p1 = new_problem(&w.la, w.a, d0.to_string(), None, Some(q.end().to_string())).await;
    close(&w, p1).await;
    new_problem(&w.lb, w.b, d0.to_string(), None, Some(q.end().to_string())).await;
    let r = w.la.post("/api/v1/problems", json!({"unit_id": w.a, "source": "窗口自查发现", "category": "设施环境", "description": "等候区座椅不足", "disposition": "立行立改", "found_on": d0.to_string()})).await;
    assert_eq!(r.status(), StatusCode::CREATED);

    let public = w
        .app
        .anonymous()
        .json(&format!("/api/v1/public/rectifications?period={q}"))
        .await;
    let items = public["items"].as_array().expect("items");
    assert_eq!(items.len(), 3, "{public}");
    // Paged like every list: two pages of two read the same three.
    let anon = w.app.anonymous();
    let first = anon
        .json(&format!("/api/v1/public/rectifications?period={q}&limit=2"))
        .await;
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let second = anon
        .json(&format!(
            "/api/v1/public/rectifications?period={q}&limit=2&cursor={cursor}"
        ))
        .await;
    assert_eq!(second["next_cursor"], serde_json::Value::Null);
    let paged: Vec<_> = [&first, &second]
        .iter()
        .flat_map(|p| p["items"].as_array().expect("items").iter().cloned())
        .collect();
    assert_eq!(&paged, items);
    let closed = items
        .iter()
        .find(|i| i["status"] == "closed")
        .expect("closed one");
    assert_eq!(closed["status_label"], "已销号");
    assert_eq!(closed["category_label"], "流程环节");
    assert_eq!(closed["unit"], "区市场监督管理局");
    assert!(
        closed["measures"]
            .as_str()
            .expect("measures")
            .contains("精简材料")
    );
    for i in items {
        for hidden in ["handler_id", "verifier_id", "created_by", "unit_path"] {
            assert!(i.get(hidden).is_none(), "{hidden} must not be public: {i}");
        }
    }
    let only_b = w
        .app
        .anonymous()
        .json(&format!(
            "/api/v1/public/rectifications?period={q}&region={}",
            w.b
        ))
        .await;
    assert_eq!(only_b["items"].as_array().expect("items").len(), 1);

    let b = w
        .sup
        .json(&format!("/api/v1/reports/problems?period={q}"))
        .await;
    assert_eq!(
        b["by_category"],
        json!([{"category": "process", "label": "流程环节", "count": 2}, {"category": "facilities", "label": "设施环境", "count": 1}])
    );
    let statuses: Vec<(String, i64)> = b["by_status"]
        .as_array()
        .expect("by_status")
        .iter()
        .map(|s| {
            (
                s["label"].as_str().unwrap_or_default().to_string(),
                s["count"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    let count = |label: &str| {
        statuses
            .iter()
            .find(|(l, _)| l == label)
            .map_or(0, |(_, n)| *n)
    };
    assert_eq!((count("已销号"), count("待整改")), (1, 2), "{statuses:?}");
    // A liaison's breakdown covers its own department only.
    let own =
        w.lb.json(&format!("/api/v1/reports/problems?period={q}"))
            .await;
    assert_eq!(
        own["by_category"],
        json!([{"category": "process", "label": "流程环节", "count": 1}])
    );
}
