//! 工作日历 edited at run time, and the deadlines that count by it.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn an_entered_year_moves_deadlines_and_bad_days_are_named() {
    let app = spawn_app().await;
    let root = app.unit("示范区", None, "region").await["id"]
        .as_i64()
        .expect("id");
    let sup = app.user("sup", Some(root), &["supervisor"]).await;
    let sys = app.admin("sysadmin").await;

    // 2027 is not in the shipped calendar: only weekends are days off.
    let y = sup.json("/api/v1/calendar?year=2027").await;
    assert_eq!(
        (y["covered"].clone(), y["days"].clone()),
        (json!(false), json!([]))
    );
    let shipped = sup.json("/api/v1/calendar?year=2024").await;
    assert!(shipped["days"].as_array().expect("days").len() > 20);
    assert!(
        shipped["days"]
            .as_array()
            .expect("days")
            .iter()
            .any(|d| d["date"] == "2024-10-01" && d["kind_label"] == "放假")
    );

    let problem = async || -> Value {
        let r = sup.post("/api/v1/problems", json!({"unit_id": root, "source": "窗口自查发现", "category": "流程环节", "description": "材料重复提交", "disposition": "限期整改", "found_on": "2027-09-30"})).await;
        assert_eq!(
            r.status(),
            StatusCode::CREATED,
            "{}",
            r.text().await.unwrap_or_default()
        );
        r.json().await.expect("json")
    };
    let before = problem().await["deadline"]
        .as_str()
        .expect("deadline")
        .to_string();

    // Only who may change the rules may change the calendar.
    let national_day: Vec<Value> = (1..=7)
        .map(|d| json!({"date": format!("2027-10-0{d}"), "kind": "holiday", "holiday": "国庆节"}))
        .chain([json!({"date": "2027-09-26", "kind": "workday", "holiday": "国庆节"})])
        .collect();
    let r = sup
        .send(
            reqwest::Method::PUT,
            "/api/v1/calendar",
            Some(json!({"year": 2027, "days": national_day})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = sys
        .send(
            reqwest::Method::PUT,
            "/api/v1/calendar",
            Some(json!({"year": 2027, "days": national_day})),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let y = sup.json("/api/v1/calendar?year=2027").await;
    assert_eq!(y["covered"], true);
    assert_eq!(y["days"].as_array().expect("days").len(), 8);

    // The same problem found the same day is now due a week later.
    let after = problem().await["deadline"]
        .as_str()
        .expect("deadline")
        .to_string();
    assert!(after > before, "{after} should fall after {before}");

    // A weekday listed as a make-up workday is refused, naming the day; nothing changes.
    let e = problem_of(
        sys.send(
            reqwest::Method::PUT,
            "/api/v1/calendar",
            Some(json!({"year": 2027, "days": [
                {"date": "2027-10-01", "kind": "holiday", "holiday": "国庆节"},
                {"date": "2027-10-11", "kind": "workday", "holiday": "国庆节"}
            ]})),
        )
        .await,
    )
    .await;
    assert_eq!(e["errors"][0]["field"], "days[1].date", "{e}");
    let e = problem_of(
        sys.send(reqwest::Method::PUT, "/api/v1/calendar", Some(json!({"year": 2027, "days": [{"date": "2027-13-01", "kind": "假日", "holiday": "x"}]}))).await,
    )
    .await;
    let fields: Vec<&str> = e["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|x| x["field"].as_str())
        .collect();
    assert_eq!(fields, ["days[0].date", "days[0].kind"]);
    assert_eq!(
        sup.json("/api/v1/calendar?year=2027").await["days"]
            .as_array()
            .expect("days")
            .len(),
        8
    );

    // The edit is audited and survives a restart of the calendar from the database.
    let cal = app.store.work_calendar().await.expect("calendar");
    assert_eq!(cal.year(2027).len(), 8);
}

async fn problem_of(r: reqwest::Response) -> Value {
    problem(r, StatusCode::UNPROCESSABLE_ENTITY).await
}
