//! 督办 through the API: each account's to-do list follows what it may do
//! and what it holds, within its scope; the inbox is the account's own.

use crate::campaign::world;
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn kinds_of(todos: &Value, record: i64) -> Vec<String> {
    todos["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|t| t["record_id"] == record)
        .map(|t| t["kind"].as_str().expect("kind").to_string())
        .collect()
}

#[tokio::test]
async fn each_account_sees_its_own_to_dos_within_its_scope() {
    let w = world().await;
    let handler = w.app.user("handler-a", Some(w.a), &["handler"]).await;
    let r = w.la.post("/api/v1/problems", json!({"unit_id": w.a, "source": "企业群众提出", "category": "证明材料", "description": "办理食品经营许可需重复提交营业执照复印件", "disposition": "限期整改", "item_id": w.items_a[0]})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let p: Value = r.json().await.expect("json");
    let id = p["id"].as_i64().expect("id");
    // Nobody has taken it on yet: it is on the list of the unit's handlers.
    assert_eq!(
        kinds_of(&handler.json("/api/v1/todos").await, id),
        ["rectify"]
    );

    // The handler takes it on: a to-do of theirs, not yet overdue.
    let started: Value = handler
        .post(
            &format!("/api/v1/problems/{id}/actions"),
            json!({"version": p["version"], "action": "start"}),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(started["status"], "in-progress");
    let todos = handler.json("/api/v1/todos").await;
    assert_eq!(kinds_of(&todos, id), ["rectify"], "{todos}");
    let t = todos["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| t["record_id"] == id)
        .expect("entry");
    assert_eq!(t["kind_label"], "问题待整改");
    assert_eq!(t["unit_name"], "区市场监督管理局");
    assert_eq!(t["link"], format!("/problems?open={id}"));
    assert_eq!(t["state"], "normal", "{t}");
    assert!(
        t["due_note"].as_str().expect("note").starts_with("还剩"),
        "{t}"
    );
    // Another department's liaison never sees it.
    assert!(kinds_of(&w.lb.json("/api/v1/todos").await, id).is_empty());

    // Submitted for verification: the supervisor's turn, no longer the handler's.
    let r = handler
        .post(
            &format!("/api/v1/problems/{id}/actions"),
            json!({"version": started["version"], "action": "submit",
        "measures": "已与市场监管系统打通数据共享，营业执照信息自动调取，不再要求申请人提交复印件",
        "effect": "申请材料由6件减至4件", "evidence": ["系统截图"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(kinds_of(&handler.json("/api/v1/todos").await, id).is_empty());
    assert_eq!(kinds_of(&w.sup.json("/api/v1/todos").await, id), ["verify"]);
    assert!(kinds_of(&w.lb.json("/api/v1/todos").await, id).is_empty());
}

#[tokio::test]
async fn the_lead_office_sees_the_units_missing_each_report_owed_now_as_its_board_counts_them() {
    let w = world().await;
    let todos = w.sup.json("/api/v1/todos").await;
    let items = todos["items"].as_array().expect("items");
    let missing: Vec<&Value> = items
        .iter()
        .filter(|t| t["kind"] == "submit-report")
        .collect();
    // Preset 003 asks for a monthly report by the 20th: one is always owed.
    assert!(!missing.is_empty(), "{todos}");
    for t in &missing {
        let link = t["link"].as_str().expect("link");
        let query = link.strip_prefix("/submissions?").expect("the board");
        let board = w.sup.json(&format!("/api/v1/submissions?{query}")).await;
        let owing = board["not_submitted"].as_u64().expect("count")
            + board["returned"].as_u64().expect("count");
        let title = t["title"].as_str().expect("title");
        assert!(
            title.starts_with(board["period_label"].as_str().expect("label"))
                && title.ends_with(&format!("：{owing} 个单位未报送")),
            "{title} / {board}"
        );
        assert_eq!(t["due"], board["due"], "{t}");
        assert!(
            !t["unit_name"].as_str().expect("name").is_empty(),
            "the lead office's own name: {t}"
        );
    }
    // One unit hands in its package: one fewer is missing.
    let first = missing[0];
    let link = first["link"].as_str().expect("link");
    let board = w
        .sup
        .json(&format!(
            "/api/v1/submissions?{}",
            &link["/submissions?".len()..]
        ))
        .await;
    let r =
        w.la.post(
            "/api/v1/submissions",
            json!({"unit_id": w.a, "report": board["report"], "period": board["period"]}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let owing = board["not_submitted"].as_u64().expect("count") - 1;
    let after = w.sup.json("/api/v1/todos").await;
    let title = first["title"].as_str().expect("title");
    let prefix = title.rsplit_once('：').expect("count").0;
    let now: Vec<&Value> = after["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|t| t["title"].as_str().is_some_and(|s| s.starts_with(prefix)))
        .collect();
    if owing == 0 {
        assert!(now.is_empty(), "{after}");
    } else {
        assert_eq!(
            now[0]["title"],
            format!("{prefix}：{owing} 个单位未报送"),
            "{after}"
        );
    }
    // The quarter just ended is the lead office's to review, nobody else's.
    let review = |v: &Value| {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|t| t["kind"] == "review-findings")
            .count()
    };
    let expected =
        usize::from(zlc_app::duty::findings_to_review(crate::campaign::today()).is_some());
    assert_eq!(review(&after), expected, "{after}");
    let liaison = w.la.json("/api/v1/todos").await;
    assert_eq!(review(&liaison), 0);
    assert!(
        liaison["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|t| !t["title"].as_str().unwrap_or("").contains("个单位未报送")),
        "{liaison}"
    );
}

#[tokio::test]
async fn the_inbox_is_the_accounts_own_and_the_digest_address_is_checked_and_masked() {
    let w = world().await;
    let inbox = w.la.json("/api/v1/messages").await;
    assert_eq!(inbox["total"], 0);
    assert_eq!(w.la.json("/api/v1/messages/unread").await["unread"], 0);
    let e = problem(
        w.la.post("/api/v1/messages/999999/read", json!({})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(e["detail"].is_string());
    let e = problem(
        w.la.send(
            reqwest::Method::PUT,
            "/api/v1/me/email",
            Some(json!({"email": "liaison at example"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["errors"][0]["field"], "email");
    let r =
        w.la.send(
            reqwest::Method::PUT,
            "/api/v1/me/email",
            Some(json!({"email": "zhang.san@example.cn"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        w.la.json("/api/v1/me/email").await["email"],
        "z***@example.cn"
    );
    // Stored sealed, not as the address.
    let sealed: Option<String> = w
        .app
        .store
        .db
        .scalar(
            "SELECT email_enc FROM users WHERE username = 'liaison-a'",
            vec![],
        )
        .await
        .expect("read");
    let sealed = sealed.expect("an address is kept");
    assert!(!sealed.contains("example.cn"), "{sealed}");
    // The change is audited, the address masked there too.
    let audited: Vec<(String, String)> = w
        .app
        .store
        .db
        .fetch_all(
            "SELECT actor, after FROM audit_log WHERE action = 'set-email' ORDER BY seq",
            vec![],
        )
        .await
        .expect("read");
    assert_eq!(audited.len(), 1, "{audited:?}");
    assert_eq!(audited[0].0, "liaison-a");
    assert!(
        audited[0].1.contains("z***@example.cn") && !audited[0].1.contains("zhang.san"),
        "{audited:?}"
    );
    assert_eq!(w.lb.json("/api/v1/me/email").await["email"], Value::Null);
}

#[tokio::test]
async fn a_package_is_refused_while_incomplete_locks_its_period_when_in_and_opens_again_when_returned()
 {
    use crate::campaign::{today, window_record};
    let w = world().await;
    let day = today();
    let period = zlc_domain::period::Period::quarter_of(day).to_string();
    let walk = window_record(w.a, &w.officials_a[..1], &w.items_a[..2], day, 5);
    let r = w.la.post("/api/v1/activities", walk.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let draft: Value = r.json().await.expect("json");
    let submit = json!({"unit_id": w.a, "report": "quarterly-lists", "period": period});

    // A walk of the quarter is not filed yet: the package is incomplete.
    let e = problem(
        w.la.post("/api/v1/submissions", submit.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        e["detail"]
            .as_str()
            .expect("detail")
            .contains("1 条活动记录未报备"),
        "{e}"
    );
    let r =
        w.la.post(
            &format!("/api/v1/activities/{}/file", draft["id"]),
            json!({"version": draft["version"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let e = problem(
        w.la.post(
            "/api/v1/submissions",
            json!({"unit_id": w.a, "report": "no-such", "period": period}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["errors"][0]["field"], "report");

    let row: Value =
        w.la.post("/api/v1/submissions", submit.clone())
            .await
            .json()
            .await
            .expect("json");
    assert!(
        ["submitted", "late"].contains(&row["status"].as_str().expect("status")),
        "{row}"
    );
    problem(
        w.la.post("/api/v1/submissions", submit.clone()).await,
        StatusCode::CONFLICT,
    )
    .await;

    // The board: A in, B missing.
    let board = w
        .sup
        .json(&format!(
            "/api/v1/submissions?report=quarterly-lists&period={period}"
        ))
        .await;
    let status_of = |b: &Value, unit: i64| {
        b["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["unit_id"] == unit)
            .map(|r| r["status"].clone())
    };
    assert_eq!(
        status_of(&board, w.a),
        Some(row["status"].clone()),
        "{board}"
    );
    assert_eq!(status_of(&board, w.b), Some(json!("not-submitted")));
    assert_eq!(board["report_name"], "问题清单、需求清单和解决措施清单");

    // Locked: A's quarter takes no new walk; B's is open.
    let e = problem(
        w.la.post("/api/v1/activities", walk.clone()).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        e["detail"].as_str().expect("detail").contains("已锁定"),
        "{e}"
    );
    let b_walk = window_record(w.b, &[w.official_b], &[w.item_b], day, 3);
    assert_eq!(
        w.lb.post("/api/v1/activities", b_walk).await.status(),
        StatusCode::CREATED
    );

    // 催报 reaches B's accounts, not A's.
    let urged: Value = w
        .sup
        .post(
            "/api/v1/submissions/urge",
            json!({"report": "quarterly-lists", "period": period}),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(urged["units"], 1, "{urged}");
    assert_eq!(w.lb.json("/api/v1/messages/unread").await["unread"], 1);
    assert_eq!(w.la.json("/api/v1/messages/unread").await["unread"], 0);
    let msg = &w.lb.json("/api/v1/messages").await["items"][0];
    assert!(
        msg["title"].as_str().expect("title").starts_with("催报"),
        "{msg}"
    );

    // 退回 is the lead office's, with a reason; then A may write again.
    let id = row["submission_id"].as_i64().expect("id");
    let body = json!({"version": row["version"], "reason": "问题清单缺少整改时限"});
    assert_eq!(
        w.la.post(&format!("/api/v1/submissions/{id}/return"), body.clone())
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    problem(
        w.sup
            .post(
                &format!("/api/v1/submissions/{id}/return"),
                json!({"version": 99, "reason": "问题清单缺少整改时限"}),
            )
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    let back: Value = w
        .sup
        .post(&format!("/api/v1/submissions/{id}/return"), body)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(back["status"], "returned");
    let told = &w.la.json("/api/v1/messages").await["items"][0];
    assert!(
        told["body"]
            .as_str()
            .expect("body")
            .contains("问题清单缺少整改时限"),
        "{told}"
    );
    assert_eq!(
        w.la.post("/api/v1/activities", walk).await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn urging_and_returning_mail_each_account_with_an_address_at_once_and_once() {
    use zlc_notify::testkit::SmtpSink;
    let w = world().await;
    for (s, addr) in [
        (&w.la, "liaison.a@example.cn"),
        (&w.lb, "liaison.b@example.cn"),
    ] {
        let r = s
            .send(
                reqwest::Method::PUT,
                "/api/v1/me/email",
                Some(json!({ "email": addr })),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let period = zlc_domain::period::Period::quarter_of(crate::campaign::today()).to_string();
    let r = w
        .sup
        .post(
            "/api/v1/submissions/urge",
            json!({"report": "quarterly-lists", "period": period}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{}",
        r.text().await.unwrap_or_default()
    );
    // The mail goes by the daily run's deliveries, here called as serve does.
    let app = zlc_app::App::new(
        w.app.store.clone(),
        zlc_domain::policy::preset(zlc_app::setup::DEFAULT_PRESET)
            .expect("preset")
            .policy(),
        zlc_domain::calendar::WorkCalendar::builtin().clone(),
        zlc_app::settings::Uploads::default(),
    );
    let mut sink = SmtpSink::start();
    let channels = zlc_app::duty::Channels {
        mailer: Some(
            zlc_notify::Mailer::new(&sink.url(), "督办 <duban@example.cn>").expect("mailer"),
        ),
        webhook: None,
    };
    let sent = zlc_app::duty::deliver(&app, &channels)
        .await
        .expect("deliver");
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(
        sent.iter()
            .all(|o| o.channel == "notice" && o.error.is_none()),
        "{sent:?}"
    );
    let mails = sink.messages();
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    assert!(
        to[0].contains("liaison.a@example.cn") && to[1].contains("liaison.b@example.cn"),
        "{to:?}"
    );
    for m in &mails {
        assert!(m.subject.starts_with("走流程督办：催报："), "{}", m.subject);
        assert!(
            m.body.contains("/submissions?report=quarterly-lists"),
            "{}",
            m.body
        );
    }
    // Once: a second pass sends nothing; without a mail server nothing is taken.
    assert!(
        zlc_app::duty::deliver(&app, &channels)
            .await
            .expect("deliver")
            .is_empty()
    );
    let none = zlc_app::duty::Channels {
        mailer: None,
        webhook: None,
    };
    assert!(
        zlc_app::duty::deliver(&app, &none)
            .await
            .expect("deliver")
            .is_empty()
    );
    assert_eq!(sink.messages().len(), 2);
    // The inbox has it too.
    let inbox = w.la.json("/api/v1/messages").await;
    assert_eq!(inbox["total"], 1, "{inbox}");

    // 退回: unit a hands its package in, the lead office returns it with
    // the reason, and unit a's liaison is mailed the reason at once.
    let row: Value =
        w.la.post(
            "/api/v1/submissions",
            json!({"unit_id": w.a, "report": "quarterly-lists", "period": period}),
        )
        .await
        .json()
        .await
        .expect("json");
    let id = row["submission_id"].as_i64().expect("submitted");
    let r = w
        .sup
        .post(
            &format!("/api/v1/submissions/{id}/return"),
            json!({"version": row["version"], "reason": "整改清单缺少完成时限"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let sent = zlc_app::duty::deliver(&app, &channels)
        .await
        .expect("deliver");
    assert_eq!(sent.len(), 1, "{sent:?}");
    let mails = sink.messages();
    let last = mails.last().expect("mail");
    assert!(last.to[0].contains("liaison.a@example.cn"), "{:?}", last.to);
    assert!(
        last.subject.starts_with("走流程督办：退回："),
        "{}",
        last.subject
    );
    assert!(last.body.contains("整改清单缺少完成时限"), "{}", last.body);
    sink.stop();
}
