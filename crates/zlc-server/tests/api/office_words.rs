//! Issue 11 §4, "every screen in the office's words, every record by its
//! name": answers name what their ids stand for, masked callbacks survive a
//! second save, plans wait for their publisher and keep their 备注 inside,
//! lists sort and count, the audit trail names people and records, the
//! policy's text is for whoever may change it.

use crate::campaign::{World, callbacks, days_before, new_problem, today, window_record, world};
use crate::helpers::*;
use chrono::Days;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use zlc_domain::period::Period;

async fn created(r: reqwest::Response) -> Value {
    let status = r.status();
    let body = r.text().await.unwrap_or_default();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    serde_json::from_str(&body).expect("json")
}

async fn ok(r: reqwest::Response) -> Value {
    let status = r.status();
    let body = r.text().await.unwrap_or_default();
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).expect("json")
}

#[tokio::test]
async fn a_record_with_masked_callbacks_saves_again_and_keeps_the_sealed_originals() {
    // Arrange: the liaison (who sees callbacks masked) records a draft with three.
    let w = world().await;
    let date = Period::quarter_of(today()).start();
    let mut record = window_record(w.a, &w.officials_a[..1], &w.items_a, date, 12);
    record["steps_done"] = json!(["approval-service", "business-check"]);
    let draft = created(w.la.post("/api/v1/activities", record).await).await;
    let path = format!("/api/v1/activities/{}", draft["id"]);
    assert_eq!(draft["callbacks"][0]["name"], "群**");
    let ids = ids_of(&draft["callbacks"]);

    // Act: the form sends back what it was shown, masked values and all,
    // with one more step ticked; then a second save leaves name and phone out.
    let mut again = draft.clone();
    for k in [
        "id",
        "kind_label",
        "mode_label",
        "status",
        "filed_on",
        "late",
        "problem_count",
        "filing",
        "label",
        "unit_name",
        "official_names",
        "item_names",
        "plan_label",
    ] {
        again.as_object_mut().expect("object").remove(k);
    }
    again["trigger"] = json!("regular");
    again["steps_done"] = json!([
        "approval-service",
        "business-check",
        "callback",
        "discussion"
    ]);
    let saved = ok(w.la.send(Method::PUT, &path, Some(again.clone())).await).await;
    let mut partial = again.clone();
    partial["version"] = saved["version"].clone();
    for c in partial["callbacks"].as_array_mut().expect("callbacks") {
        let c = c.as_object_mut().expect("callback");
        c.remove("name");
        c.remove("phone");
    }
    partial["callbacks"][1]["remarks"] = json!("希望增加周末服务");
    let saved = ok(w.la.send(Method::PUT, &path, Some(partial)).await).await;

    // Assert: the same callbacks, their originals intact for whoever may read them.
    let same = ids_of(&saved["callbacks"]);
    assert_eq!(same, ids, "updated in place, not replaced");
    assert_eq!(saved["callbacks"][0]["name"], "群**");
    assert_eq!(saved["filing"]["can_file"], true, "{saved}");
    let full = w.sup.json(&path).await;
    let names: Vec<&str> = full["callbacks"]
        .as_array()
        .expect("callbacks")
        .iter()
        .map(|c| c["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["群众0", "群众1", "群众2"]);
    assert_eq!(full["callbacks"][2]["phone"], "13900001111");
    assert_eq!(full["callbacks"][1]["remarks"], "希望增加周末服务");
}

#[tokio::test]
async fn a_masked_value_is_never_sealed_as_a_new_name_nor_an_id_borrowed_from_another_record() {
    // Arrange: two drafts of the liaison.
    let w = world().await;
    let date = Period::quarter_of(today()).start();
    let first = created(
        w.la.post(
            "/api/v1/activities",
            window_record(w.a, &w.officials_a[..1], &w.items_a, date, 3),
        )
        .await,
    )
    .await;
    let second = created(
        w.la.post(
            "/api/v1/activities",
            window_record(w.a, &w.officials_a[..1], &w.items_a, date, 4),
        )
        .await,
    )
    .await;
    let body = |callbacks: Value, version: &Value| {
        let mut b = window_record(w.a, &w.officials_a[..1], &w.items_a, date, 4);
        b["version"] = version.clone();
        b["callbacks"] = callbacks;
        b
    };
    let path = format!("/api/v1/activities/{}", second["id"]);

    // Act: a masked name without an id; then the first record's callback id.
    let mut masked = callbacks(date, 1);
    masked[0]["name"] = json!("群**");
    let e1 = problem(
        w.la.send(Method::PUT, &path, Some(body(masked, &second["version"])))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let mut borrowed = callbacks(date, 1);
    borrowed[0]["id"] = first["callbacks"][0]["id"].clone();
    let e2 = problem(
        w.la.send(Method::PUT, &path, Some(body(borrowed, &second["version"])))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;

    // Assert: each names its field; nothing changed.
    assert_eq!(e1["errors"][0]["field"], "callbacks[0].name", "{e1}");
    assert!(
        e1["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("完整姓名")
    );
    assert_eq!(e2["errors"][0]["field"], "callbacks[0].id", "{e2}");
    assert_eq!(w.la.json(&path).await["version"], second["version"]);
}

async fn plan(w: &World, official: i64, date: &str, note: &str) -> Value {
    created(
        w.la.post(
            "/api/v1/plans",
            json!({"unit_id": w.a, "official_ids": [official], "kind": "window", "mode": "驻窗办", "date": date,
                   "slot": "am", "place": "window", "window_unit_id": w.hall, "item_ids": [w.items_a[0]], "place_note": note}),
        )
        .await,
    )
    .await
}

#[tokio::test]
async fn a_liaison_submits_plans_the_supervisor_publishes_them_in_one_batch_and_the_note_stays_inside()
 {
    // Arrange: two plans of the liaison, on different days.
    let w = world().await;
    let day = |n: u64| {
        today()
            .checked_add_days(Days::new(n))
            .expect("date")
            .to_string()
    };
    let (d1, d2) = (day(8), day(9));
    let p1 = plan(&w, w.officials_a[0], &d1, "内部备注：车辆待协调").await;
    let p2 = plan(&w, w.officials_a[1], &d2, "内部备注：请办公室复核").await;
    assert_eq!(p1["unit_name"], "区市场监督管理局");
    assert_eq!(p1["official_names"], json!(["张三"]));
    assert_eq!(p1["window_unit_name"], "区政务服务中心");
    assert_eq!(p1["item_names"], json!(["食品经营许可"]));

    // Act: the liaison submits both; may not publish them.
    let mut waiting = Vec::new();
    for p in [&p1, &p2] {
        let s = ok(w
            .la
            .post(
                &format!("/api/v1/plans/{}/submit", p["id"]),
                json!({"version": p["version"]}),
            )
            .await)
        .await;
        assert_eq!(s["status"], "submitted");
        assert_eq!(s["status_label"], "待发布");
        waiting.push(s);
    }
    let batch = |plans: &[&Value]| json!({"plans": plans.iter().map(|p| json!({"id": p["id"], "version": p["version"]})).collect::<Vec<_>>()});
    problem(
        w.la.post("/api/v1/plans/publish", batch(&[&waiting[0], &waiting[1]]))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;

    // The supervisor sees what waits, across quarters, with how many.
    let list = w.sup.json("/api/v1/plans?status=submitted").await;
    assert_eq!(list["total"], 2, "{list}");

    // A stale version refuses the whole batch, naming the plan; nothing is published.
    let mut stale = waiting[1].clone();
    stale["version"] = json!(stale["version"].as_i64().expect("version") - 1);
    let e = problem(
        w.sup
            .post("/api/v1/plans/publish", batch(&[&waiting[0], &stale]))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(e["detail"].as_str().expect("detail").contains(&d2), "{e}");
    assert_eq!(
        w.sup.json("/api/v1/plans?status=submitted").await["total"],
        2
    );
    let published = ok(w
        .sup
        .post("/api/v1/plans/publish", batch(&[&waiting[0], &waiting[1]]))
        .await)
    .await;

    // Assert: both public, named; the internal 备注 never leaves the office.
    let statuses: Vec<&str> = published["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| p["status"].as_str().expect("status"))
        .collect();
    assert_eq!(statuses, ["published", "published"]);
    let period = Period::quarter_of(today().checked_add_days(Days::new(8)).expect("date"));
    let anon = w.app.anonymous();
    let mut public = anon
        .json(&format!("/api/v1/public/plans?period={period}"))
        .await["items"]
        .take();
    let period2 = Period::quarter_of(today().checked_add_days(Days::new(9)).expect("date"));
    if period2 != period {
        let more = anon
            .json(&format!("/api/v1/public/plans?period={period2}"))
            .await["items"]
            .take();
        public
            .as_array_mut()
            .expect("array")
            .extend(more.as_array().expect("array").iter().cloned());
    }
    let text = public.to_string();
    assert_eq!(public.as_array().expect("array").len(), 2, "{text}");
    assert!(
        !text.contains("内部备注") && !text.contains("place_note"),
        "{text}"
    );
    assert_eq!(public[0]["window_unit"], "区政务服务中心");
    // Published is final: no second publication, no edit.
    problem(
        w.sup
            .post("/api/v1/plans/publish", batch(&[&published["items"][0]]))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
}

#[tokio::test]
async fn a_plan_warned_of_clustering_names_the_other_plans_not_their_numbers() {
    // Arrange: two officials at one window on one day (preset 003: two make a cluster there).
    let w = world().await;
    let date = today()
        .checked_add_days(Days::new(12))
        .expect("date")
        .to_string();
    plan(&w, w.officials_a[0], &date, "").await;

    // Act
    let second = plan(&w, w.officials_a[1], &date, "").await;

    // Assert
    let warning = &second["warnings"][0];
    assert_eq!(warning["kind"], "same-window", "{second}");
    let label = format!("{date} 上午 区市场监督管理局 张三");
    assert_eq!(warning["other_plans"], json!([label]));
    let message = warning["message"].as_str().expect("message");
    assert!(message.contains(&label), "{message}");
    assert!(!message.chars().any(|c| c == '#'), "{message}");
}

#[tokio::test]
async fn lists_sort_newest_first_and_count_the_whole_list() {
    // Arrange: three problems found on three days.
    let w = world().await;
    for n in [20, 5, 12] {
        new_problem(&w.la, w.a, days_before(today(), n), None, None).await;
    }

    // Act
    let first = w.la.json("/api/v1/problems?sort=-found_on&limit=2").await;
    let next = first["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_string();
    let second =
        w.la.json(&format!(
            "/api/v1/problems?sort=-found_on&limit=2&cursor={next}"
        ))
        .await;
    let oldest_first = w.la.json("/api/v1/problems?sort=found_on").await;

    // Assert
    let dates = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|p| p["found_on"].as_str().expect("date").to_string())
            .collect()
    };
    assert_eq!(
        dates(&first),
        [days_before(today(), 5), days_before(today(), 12)]
    );
    assert_eq!(dates(&second), [days_before(today(), 20)]);
    assert_eq!(second["next_cursor"], Value::Null);
    assert_eq!(first["total"], 3);
    assert_eq!(oldest_first["total"], 3);
    assert_eq!(dates(&oldest_first)[0], days_before(today(), 20));
    let e = problem(
        w.la.get("/api/v1/problems?sort=-description").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["errors"][0]["field"], "sort");
}

#[tokio::test]
async fn a_problem_and_its_timeline_name_the_walk_the_item_and_the_people() {
    // Arrange: a filed walk of two officials finds a problem about an item.
    let w = world().await;
    let date = Period::quarter_of(today()).start();
    let r =
        w.la.post(
            "/api/v1/activities",
            window_record(w.a, &w.officials_a[..2], &w.items_a, date, 5),
        )
        .await;
    let activity = created(r).await;
    let body = json!({"unit_id": w.a, "activity_id": activity["id"], "item_id": w.items_a[1], "source": "走流程发现",
                      "category": "要件材料", "description": "窗口要求重复提交营业执照复印件", "disposition": "限期整改"});
    let p = created(w.la.post("/api/v1/problems", body).await).await;
    let action = format!("/api/v1/problems/{}/actions", p["id"]);
    ok(w.la
        .post(&action, json!({"version": p["version"], "action": "start"}))
        .await)
    .await;
    let need = created(
        w.la.post(
            "/api/v1/needs",
            json!({"unit_id": w.a, "activity_id": activity["id"], "problem_id": p["id"], "raised_by": "enterprise",
                   "content": "希望开通全程网办", "raised_on": date.to_string()}),
        )
        .await,
    )
    .await;

    // Act
    let read = w.sup.json(&format!("/api/v1/problems/{}", p["id"])).await;
    let timeline = w
        .sup
        .json(&format!("/api/v1/problems/{}/timeline", p["id"]))
        .await;
    let history = w
        .sup
        .json(&format!("/api/v1/needs/{}/history", need["id"]))
        .await;

    // Assert
    let walk = format!("{date} 区市场监督管理局 张三、李四");
    assert_eq!(activity["label"], walk);
    assert_eq!(read["names"]["activity"], walk);
    assert_eq!(read["names"]["item"], "个体工商户登记");
    assert_eq!(read["names"]["unit"], "区市场监督管理局");
    assert_eq!(read["names"]["handler"], "liaison-a");
    assert_eq!(need["names"]["activity"], walk);
    assert_eq!(need["names"]["problem"], "窗口要求重复提交营业执照复印件");
    // Display names: the test accounts' display names are their logins, so
    // rename one and see the timeline follow.
    assert_eq!(timeline[1]["actor_name"], "liaison-a");
    assert_eq!(history[0]["actor_name"], "liaison-a");
    assert_eq!(
        history[0]["names"][format!("problem:{}", p["id"])],
        "窗口要求重复提交营业执照复印件"
    );
    assert_eq!(
        history[0]["names"][format!("activity:{}", activity["id"])],
        walk
    );
}

#[tokio::test]
async fn timelines_show_display_names_not_logins() {
    // Arrange: an account whose display name differs from its login.
    let w = world().await;
    let sys = w.app.admin("sysadmin").await;
    let users = sys.json("/api/v1/users?q=liaison-a").await;
    let me = &users["items"][0];
    ok(sys
        .patch(
            &format!("/api/v1/users/{}", me["id"]),
            json!({"version": me["version"], "display_name": "刘联络"}),
        )
        .await)
    .await;
    let p = new_problem(&w.la, w.a, today().to_string(), None, None).await;

    // Act
    let timeline = w
        .sup
        .json(&format!("/api/v1/problems/{}/timeline", p["id"]))
        .await;

    // Assert
    assert_eq!(timeline[0]["actor"], "liaison-a");
    assert_eq!(timeline[0]["actor_name"], "刘联络");
}

#[tokio::test]
async fn the_policy_text_is_for_whoever_may_change_it_the_rules_for_everyone() {
    // Arrange
    let w = world().await;
    let sys = w.app.admin("sysadmin").await;

    // Act
    let liaison = w.la.json("/api/v1/policy").await;
    let admin = sys.json("/api/v1/policy").await;

    // Assert
    assert_eq!(liaison["source"], "");
    assert!(liaison["policy"]["kinds"]["window"]["steps"].is_array());
    assert!(
        admin["source"]
            .as_str()
            .expect("source")
            .contains("within_working_days")
    );
}

#[tokio::test]
async fn verified_figures_change_only_what_the_rectification_named() {
    // Arrange: an item with all five figures; a problem about it.
    let w = world().await;
    let item = created(
        w.sup
            .post(
                "/api/v1/items",
                json!({"unit_id": w.a, "name": "股权出质登记", "item_type": "高频", "power_category": "行政许可",
                       "service_object": "企业", "handling_mode": "线上线下",
                       "figures": {"materials": 5, "time_limit_days": 3, "steps": 4, "trips": 1, "online": false}}),
            )
            .await,
    )
    .await;
    let body = json!({"unit_id": w.a, "item_id": item["id"], "source": "走流程发现", "category": "要件材料",
                      "description": "要求提交已共享的证照复印件", "disposition": "限期整改"});
    let p = created(w.la.post("/api/v1/problems", body).await).await;
    let action = format!("/api/v1/problems/{}/actions", p["id"]);
    let s = ok(w
        .la
        .post(&action, json!({"version": p["version"], "action": "start"}))
        .await)
    .await;

    // Act: the fix names the documents only.
    let s = ok(w
        .la
        .post(
            &action,
            json!({"version": s["version"], "action": "submit", "measures": "通过共享平台调取营业执照电子证照",
                   "effect": "要件由5件减至3件", "evidence": ["共享调取截图"], "figures": {"materials": 3}}),
        )
        .await)
    .await;
    ok(w.sup
        .post(
            &action,
            json!({"version": s["version"], "action": "verify", "note": "现场核验，要件已减少"}),
        )
        .await)
    .await;

    // Assert: the rest as they were, in the item and in its history.
    let path = format!("/api/v1/items/{}", item["id"]);
    assert_eq!(
        w.la.json(&path).await["figures"],
        json!({"materials": 3, "time_limit_days": 3, "steps": 4, "trips": 1, "online": false})
    );
    let history = w.la.json(&format!("{path}/figures")).await;
    let last = history
        .as_array()
        .expect("history")
        .last()
        .expect("entry")
        .clone();
    assert_eq!(last["figures"]["steps"], 4);
    assert_eq!(last["problem_label"], "要求提交已共享的证照复印件");
    // The verification's opinion (验收意见) is in the timeline.
    let timeline =
        w.la.json(&format!("/api/v1/problems/{}/timeline", p["id"]))
            .await;
    let verify = timeline
        .as_array()
        .expect("timeline")
        .last()
        .expect("step")
        .clone();
    assert_eq!(verify["action"], "verify");
    assert_eq!(verify["note"], "现场核验，要件已减少");
}

#[tokio::test]
async fn evidence_counts_each_file_as_it_comes_and_each_line_when_submitted() {
    // Arrange: a problem being worked.
    let w = world().await;
    let p = new_problem(&w.la, w.a, today().to_string(), None, None).await;
    let path = format!("/api/v1/problems/{}", p["id"]);
    let s = ok(w
        .la
        .post(
            &format!("{path}/actions"),
            json!({"version": p["version"], "action": "start"}),
        )
        .await)
    .await;
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    jpeg.extend(std::iter::repeat_n(7u8, 512));

    // Act: two photos, then the submission with two lines described.
    for name in ["整改前.jpg", "整改后.jpg"] {
        let r =
            w.la.client
                .post(format!(
                    "{}/api/v1/attachments?owner=problem&id={}&name={name}",
                    w.la.base, p["id"]
                ))
                .header("origin", &w.la.base)
                .body(jpeg.clone())
                .send()
                .await
                .expect("send");
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let after_uploads = w.la.json(&path).await["evidence_count"].clone();
    let submitted = ok(w
        .la
        .post(
            &format!("{path}/actions"),
            json!({"version": s["version"], "action": "submit", "measures": "精简材料清单并在窗口公示最新要求",
                   "effect": "申请材料由6件减至4件", "evidence": ["整改通知书", "窗口公示照片说明"]}),
        )
        .await)
    .await;

    // Assert: one meaning — every piece of evidence, files and lines.
    assert_eq!(after_uploads, 2);
    assert_eq!(submitted["evidence_count"], 4);
}

#[tokio::test]
async fn the_audit_log_names_people_and_records_and_filters_by_day() {
    // Arrange: a problem recorded today by the liaison.
    let w = world().await;
    let p = new_problem(&w.la, w.a, today().to_string(), None, None).await;
    let aud = w.app.admin("auditadmin").await;
    let day = today().to_string();
    let yesterday = days_before(today(), 1);

    // Act
    let todays = aud
        .json(&format!("/api/v1/audit?entity=problem&from={day}&to={day}"))
        .await;
    let before = aud
        .json(&format!(
            "/api/v1/audit?entity=problem&from={yesterday}&to={yesterday}"
        ))
        .await;
    let backwards = aud
        .get(&format!("/api/v1/audit?from={day}&to={yesterday}"))
        .await;

    // Assert
    let e = &todays["items"][0];
    assert_eq!(e["entity_id"], p["id"].to_string());
    assert_eq!(e["object_label"], "材料重复提交");
    assert_eq!(e["actor_name"], "liaison-a");
    assert_eq!(e["names"][format!("unit:{}", w.a)], "区市场监督管理局");
    assert_eq!(before["items"], json!([]));
    let err = problem(backwards, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(err["errors"][0]["field"], "to");
    // Who made the demo or the first start is the system, said in Chinese.
    let all = aud.json("/api/v1/audit?entity=policy").await;
    assert_eq!(all["items"][0]["actor_name"], "系统（首次启动）", "{all}");
}

#[tokio::test]
async fn a_form_is_checked_for_filing_as_it_is_filled_in_without_saving() {
    // Arrange: a 坐窗口 form short of one callback and one step, never saved.
    let w = world().await;
    let date = Period::quarter_of(today()).start();
    let mut form = window_record(w.a, &w.officials_a[..1], &w.items_a, date, 6);
    form["steps_done"] = json!(["approval-service", "business-check", "callback"]);
    form["callbacks"] = callbacks(date, 2);

    // Act
    let short = ok(w
        .la
        .post("/api/v1/activities/filing-check", form.clone())
        .await)
    .await;
    let complete = ok(w
        .la
        .post(
            "/api/v1/activities/filing-check",
            window_record(w.a, &w.officials_a[..1], &w.items_a, date, 6),
        )
        .await)
    .await;

    // Assert: the same rules as filing, each naming its field; nothing stored.
    let fields: Vec<&str> = short["missing"]
        .as_array()
        .expect("missing")
        .iter()
        .map(|m| m["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["steps_done", "callbacks"], "{short}");
    assert_eq!(short["can_file"], false);
    assert_eq!(complete["can_file"], true, "{complete}");
    assert_eq!(w.la.json("/api/v1/activities").await["total"], 0);
    // Checking is for those who write records.
    let handler = w.app.user("handler-a", Some(w.a), &["handler"]).await;
    problem(
        handler.post("/api/v1/activities/filing-check", form).await,
        StatusCode::FORBIDDEN,
    )
    .await;
}
