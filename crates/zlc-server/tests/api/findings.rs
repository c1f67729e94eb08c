//! Findings, grades and the notice: what zlc says about a unit is true,
//! fair and traceable, and a supervisor reviews it before it is published.

use crate::campaign::{World, file, new_problem, today, window_record, world};
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use zlc_domain::period::Period;

fn quarter() -> Period {
    Period::quarter_of(today())
}

/// A walk of department B's official that records nothing.
async fn empty_walk(w: &World) -> Value {
    let mut walk = window_record(w.b, &[w.official_b], &[w.item_b], quarter().start(), 1);
    walk["kind"] = json!("walk");
    walk["mode"] = json!("亲身办");
    walk["channel"] = json!("网上");
    file(&w.lb, walk).await
}

async fn findings(w: &World) -> Vec<Value> {
    w.sup
        .json(&format!("/api/v1/reports/findings?period={}", quarter()))
        .await
        .as_array()
        .expect("findings")
        .clone()
}

async fn quarterly(w: &World) -> Value {
    w.sup
        .json(&format!("/api/v1/reports/quarterly?period={}", quarter()))
        .await
}

fn row<'a>(report: &'a Value, unit: &str) -> &'a Value {
    report["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["unit"] == unit)
        .expect("row")
}

fn labels(row: &Value) -> Vec<String> {
    row["score_parts"]
        .as_array()
        .expect("parts")
        .iter()
        .map(|p| p["label"].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn notice_text(w: &World) -> String {
    let r = w
        .sup
        .post(
            "/api/v1/reports/notice",
            json!({"period": quarter().to_string()}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.expect("bytes").to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("word/document.xml").expect("document"),
        &mut xml,
    )
    .expect("read");
    xml
}

#[tokio::test]
async fn a_dismissed_finding_leaves_the_notice_and_the_grade() {
    let w = world().await;
    let walk = empty_walk(&w).await;
    let all = findings(&w).await;
    let empty = all
        .iter()
        .find(|f| f["kind"] == "empty-walk")
        .cloned()
        .expect("an empty walk is found");
    assert_eq!(empty["unit"], "区人力资源和社会保障局");
    assert_eq!(empty["records"][0]["id"], walk["id"]);
    assert!(
        empty["records"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("赵六"),
        "{empty}"
    );
    assert!(
        labels(row(&quarterly(&w).await, "区人力资源和社会保障局"))
            .contains(&"形式主义问题".into())
    );
    assert!(notice_text(&w).await.contains("“空走”"));

    // Only the supervisor reviews, and a dismissal says why.
    let body = |decision: &str, reason: &str| json!({"period": quarter().to_string(), "key": empty["key"], "decision": decision, "reason": reason});
    problem(
        w.lb.post("/api/v1/reports/findings/review", body("dismissed", "x"))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let e = problem(
        w.sup
            .post("/api/v1/reports/findings/review", body("dismissed", " "))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["errors"][0]["field"], "reason");
    let r = w
        .sup
        .post(
            "/api/v1/reports/findings/review",
            body("dismissed", "当天系统故障，已另行补走"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let reviewed: Value = r.json().await.expect("json");
    assert_eq!(reviewed["review"]["decision"], "dismissed");
    assert_eq!(reviewed["review"]["reason"], "当天系统故障，已另行补走");

    // Gone from the report, the grade and the notice; still listed for review.
    let report = quarterly(&w).await;
    assert!(
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f["key"] != empty["key"]),
        "{report}"
    );
    assert!(!labels(row(&report, "区人力资源和社会保障局")).contains(&"形式主义问题".into()));
    assert!(!notice_text(&w).await.contains("“空走”"));
    let listed = findings(&w).await;
    let again = listed
        .iter()
        .find(|f| f["key"] == empty["key"])
        .expect("listed");
    assert_eq!(again["review"]["decision"], "dismissed");

    // The decision is in the audit trail; a later confirmation counts instead.
    let audited: i64 = w
        .app
        .store
        .db
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'finding' AND action = 'dismiss'",
            vec![],
        )
        .await
        .expect("count")
        .unwrap_or(0);
    assert_eq!(audited, 1);
    let r = w
        .sup
        .post(
            "/api/v1/reports/findings/review",
            body("confirmed", "复核后仍属空走"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        labels(row(&quarterly(&w).await, "区人力资源和社会保障局"))
            .contains(&"形式主义问题".into())
    );
    // A key that names no finding of the period is not found.
    let mut wrong = body("confirmed", "");
    wrong["key"] = json!("empty-walk:999999");
    problem(
        w.sup.post("/api/v1/reports/findings/review", wrong).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_walk_is_no_longer_empty_once_it_records_a_problem() {
    let w = world().await;
    let walk = empty_walk(&w).await;
    assert!(findings(&w).await.iter().any(|f| f["kind"] == "empty-walk"));
    // The problem is recorded afterwards, on the walk: the facts follow.
    new_problem(
        &w.lb,
        w.b,
        quarter().start().to_string(),
        walk["id"].as_i64(),
        None,
    )
    .await;
    assert!(
        !findings(&w).await.iter().any(|f| f["kind"] == "empty-walk"),
        "the walk found a problem"
    );
    let kept = crate::campaign::summaries(&w.app.store).await;
    crate::campaign::rebuild_all(&w.app.store).await;
    assert_eq!(crate::campaign::summaries(&w.app.store).await, kept);
}

#[tokio::test]
async fn awaiting_verification_is_not_overdue_and_a_rebound_restores_the_item() {
    let w = world().await;
    let q = quarter();
    let found = q.start();
    // Found on the quarter's first day with that day as deadline: overdue once past.
    let mut p = new_problem(&w.la, w.a, found.to_string(), None, Some(found.to_string())).await;
    let overdue = today() > found;
    let figure = |r: &Value| row(r, "区市场监督管理局")["overdue"].clone();
    assert_eq!(figure(&quarterly(&w).await), json!(i64::from(overdue)));

    // Linked to an item, started and submitted with the item's new figures.
    let item = w.items_a[0];
    let path = format!("/api/v1/problems/{}/actions", p["id"]);
    sqlx_link_item(&w, p["id"].as_i64().expect("id"), item).await;
    p = w.la.json(&format!("/api/v1/problems/{}", p["id"])).await;
    for body in [
        json!({"version": p["version"], "action": "start"}),
        json!({"action": "submit", "measures": "取消营业执照复印件，改为系统内核验", "effect": "申请材料由5件减至4件", "evidence": ["新版办事指南"], "figures": {"materials": 4}}),
    ] {
        let mut body = body;
        body["version"] = p["version"].clone();
        let r = w.la.post(&path, body).await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "{}",
            r.text().await.unwrap_or_default()
        );
        p = r.json().await.expect("json");
    }
    assert_eq!(p["status"], "awaiting-verification");
    // Waiting for the verifier is not overdue, in the report and in its drill-down.
    assert_eq!(figure(&quarterly(&w).await), json!(0));
    let drill = w
        .sup
        .json(&format!(
            "/api/v1/reports/drill?period={q}&unit={}&figure=overdue",
            w.a
        ))
        .await;
    assert_eq!(drill["count"], 0, "{drill}");

    // Verified: the item takes the figures. A rebound puts them back.
    let r = w
        .sup
        .post(&path, json!({"version": p["version"], "action": "verify"}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    p = r.json().await.expect("json");
    let materials = |v: &Value| v["figures"]["materials"].clone();
    assert_eq!(
        materials(&w.sup.json(&format!("/api/v1/items/{item}")).await),
        json!(4)
    );
    let r = w
        .sup
        .post(
            &path,
            json!({"version": p["version"], "action": "review", "holds": false, "note": "复印件要求又出现在窗口"}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{}",
        r.text().await.unwrap_or_default()
    );
    assert_eq!(
        materials(&w.sup.json(&format!("/api/v1/items/{item}")).await),
        Value::Null
    );
    let history = w.sup.json(&format!("/api/v1/items/{item}/figures")).await;
    assert!(history.to_string().contains("反弹"), "{history}");
}

/// Links a problem to an item (the form does it at creation; the helper
/// records problems without one).
async fn sqlx_link_item(w: &World, problem: i64, item: i64) {
    w.app
        .store
        .db
        .execute(
            "UPDATE problems SET item_id = $1 WHERE id = $2",
            zlc_store::args![item, problem],
        )
        .await
        .expect("link");
}

#[tokio::test]
async fn the_notice_is_signed_by_the_lead_office_and_words_the_units_below() {
    let w = world().await;
    file(
        &w.la,
        window_record(w.a, &w.officials_a[..1], &w.items_a, quarter().start(), 3),
    )
    .await;
    // Without a lead office the policy's issuer signs (preset 003).
    assert!(notice_text(&w).await.contains("西安市碑林区人民政府办公室"));
    let root = w.sup.json(&format!("/api/v1/units/{}", w.root)).await;
    let r = w
        .sup
        .patch(
            &format!("/api/v1/units/{}", w.root),
            json!({"version": root["version"], "lead_office": "示范区营商环境建设办公室"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = notice_text(&w).await;
    assert!(
        text.contains("示范区营商环境建设办公室"),
        "the lead office signs"
    );
    assert!(!text.contains("碑林区人民政府办公室"));
    // The district's units: its departments are 区直部门, not 县（市）区.
    assert!(text.contains("全区"), "{text}");
    assert!(text.contains("1家区直部门"), "{text}");
    assert!(!text.contains("县（市）区"));
}

#[tokio::test]
async fn an_official_who_took_part_in_nothing_over_a_past_quarter_is_named_with_the_rule() {
    let w = world().await;
    let last = quarter().previous();
    // The officials were registered well before the quarter (the test's
    // records are all made today).
    let year_ago = last
        .start()
        .checked_sub_days(chrono::Days::new(365))
        .expect("date")
        .and_hms_opt(0, 0, 0)
        .expect("time")
        .and_utc()
        .timestamp_millis();
    w.app
        .store
        .db
        .execute(
            "UPDATE officials SET created_at = $1",
            zlc_store::args![year_ago],
        )
        .await
        .expect("backdate");
    // 张三, A's head, sat at a window in the quarter; 赵六, B's head, did nothing.
    let day = last
        .start()
        .checked_add_days(chrono::Days::new(10))
        .expect("date");
    file(
        &w.la,
        window_record(w.a, &[w.officials_a[0]], &[w.items_a[0]], day, 3),
    )
    .await;

    let found: Vec<Value> = w
        .sup
        .json(&format!("/api/v1/reports/findings?period={last}"))
        .await
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["kind"] == "missing-walk")
        .cloned()
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert_eq!(f["unit"], "区人力资源和社会保障局");
    assert_eq!(f["detail"], "1名领导干部未按规定频次参加活动");
    assert_eq!(
        f["records"],
        json!([{"kind": "official", "id": w.official_b, "text": "赵六（主要负责人）"}])
    );
    let reason = f["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("每季度至少体验一批次"), "{reason}");
    assert!(reason.contains("期初前已登记"), "{reason}");

    // The quarterly report carries it under B's row; the notice words it.
    let report = w
        .sup
        .json(&format!("/api/v1/reports/quarterly?period={last}"))
        .await;
    assert!(
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|x| x["key"] == format!("missing-walk:{}", w.b)),
        "{report}"
    );
    // While a quarter runs, its walks may still come: nobody is named.
    assert!(
        !findings(&w)
            .await
            .iter()
            .any(|f| f["kind"] == "missing-walk"),
        "the current quarter is not over"
    );
}
