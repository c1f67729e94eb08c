//! Optimistic concurrency under real races: two writers send the same
//! `version` at the same moment — to one server, and to two servers over one
//! database (as behind a load balancer) — and exactly one wins; the other is
//! answered 409 and nothing it did lands. Run on SQLite and on PostgreSQL
//! (`ZLC_TEST_DB=postgres`), for every versioned resource and the problem
//! actions; afterwards the statistics summaries equal a rebuild.

use crate::campaign::{World, id_of, new_problem, today, window_record, world};
use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Rounds per resource: each a fresh race at the version the last one left.
const ROUNDS: i64 = 4;

/// The body a writer sends at a version, saying a label.
type Body = Box<dyn Fn(i64, &str) -> Value>;

/// One versioned resource to race on.
struct Case {
    name: &'static str,
    method: Method,
    path: String,
    /// The body a writer sends at `version`, saying `label`.
    body: Body,
    /// Where the label is read back (`GET path`, this key), if it can be.
    read_back: Option<&'static str>,
}

/// Sends two writes at once; the statuses and answers, in the writers' order.
async fn at_once(
    a: &Session,
    b: &Session,
    method: &Method,
    path: &str,
    body_a: Value,
    body_b: Value,
) -> [(StatusCode, Value); 2] {
    let (ra, rb) = tokio::join!(
        a.send(method.clone(), path, Some(body_a)),
        b.send(method.clone(), path, Some(body_b))
    );
    let sa = ra.status();
    let sb = rb.status();
    let va: Value = ra.json().await.unwrap_or(Value::Null);
    let vb: Value = rb.json().await.unwrap_or(Value::Null);
    [(sa, va), (sb, vb)]
}

/// Races `case` for [`ROUNDS`] rounds between `a` and `b`, starting from
/// `version`: one 200 and one 409 each time, the winner's change kept.
async fn race(case: &Case, a: &Session, b: &Session, mut version: i64) {
    let start = version;
    let mut last = String::new();
    for round in 0..ROUNDS {
        let (la, lb) = (format!("甲{round}"), format!("乙{round}"));
        let answers = at_once(
            a,
            b,
            &case.method,
            &case.path,
            (case.body)(version, &la),
            (case.body)(version, &lb),
        )
        .await;
        let ok: Vec<usize> = (0..2).filter(|i| answers[*i].0 == StatusCode::OK).collect();
        let stale: Vec<usize> = (0..2)
            .filter(|i| answers[*i].0 == StatusCode::CONFLICT)
            .collect();
        assert!(
            ok.len() == 1 && stale.len() == 1,
            "{} round {round}: {:?} / {:?}",
            case.name,
            answers[0],
            answers[1]
        );
        let won = &answers[ok[0]].1;
        assert_eq!(
            won["version"].as_i64(),
            Some(version + 1),
            "{}: {won}",
            case.name
        );
        let lost = &answers[stale[0]].1;
        assert_eq!(
            lost["current_version"].as_i64(),
            Some(version + 1),
            "{}: the loser is told the version that won: {lost}",
            case.name
        );
        last = if ok[0] == 0 { la } else { lb };
        version += 1;
    }
    if let Some(key) = case.read_back {
        let now = a.json(&case.path).await;
        assert_eq!(
            now["version"].as_i64(),
            Some(start + ROUNDS),
            "{}",
            case.name
        );
        assert_eq!(
            now[key].as_str(),
            Some(last.as_str()),
            "{}: {now}",
            case.name
        );
    }
}

async fn version_of(s: &Session, path: &str) -> i64 {
    s.json(path).await["version"].as_i64().expect("version")
}

/// Every versioned resource, raced by the two sessions `pick` gives for a role.
async fn every_resource<'a>(w: &World, pick: impl Fn(&str) -> (&'a Session, &'a Session)) {
    let sys = w.app.admin("sysadmin").await;
    let sec = w.app.admin("secadmin").await;
    let future = today()
        .checked_add_days(chrono::Days::new(12))
        .expect("date");

    // 需求清单, 整改清单 (department A's liaison).
    let need = id_of(w.la.post("/api/v1/needs", json!({"unit_id": w.a, "raised_by": "企业", "content": "希望开通周末延时服务", "raised_on": today().to_string()})).await).await;
    let measure = id_of(
        w.la.post(
            "/api/v1/measures",
            json!({"unit_id": w.a, "content": "增设周末窗口", "deadline": future.to_string()}),
        )
        .await,
    )
    .await;
    // 计划, 活动记录 (drafts).
    let plan = id_of(w.la.post("/api/v1/plans", json!({"unit_id": w.a, "official_ids": [w.officials_a[0]], "kind": "walk", "mode": "亲身办",
        "date": future.to_string(), "slot": "am", "place": "hall", "window_unit_id": w.hall, "item_ids": [w.items_a[0]]})).await).await;
    let draft = window_record(w.a, &[w.officials_a[1]], &[w.items_a[1]], today(), 3);
    let activity = id_of(w.la.post("/api/v1/activities", draft.clone()).await).await;
    // 问题 (set-deadline).
    let problem = new_problem(&w.la, w.a, today().to_string(), None, None).await;
    // A role of one's own (the built-in ones cannot be changed).
    let role = id_of(
        sec.post(
            "/api/v1/roles",
            json!({"code": "race-reader", "name": "统计查看", "permissions": ["report:read"]}),
        )
        .await,
    )
    .await;
    let user = w.app.user("race-user", Some(w.a), &["liaison"]).await;
    let user_id = user.json("/api/v1/me").await["id"].as_i64().expect("id");
    drop(user);

    let cases: Vec<(Case, &str)> = vec![
        (
            Case {
                name: "needs",
                method: Method::PATCH,
                path: format!("/api/v1/needs/{need}"),
                body: Box::new(|v, l| json!({"version": v, "content": l})),
                read_back: Some("content"),
            },
            "liaison",
        ),
        (
            Case {
                name: "measures",
                method: Method::PATCH,
                path: format!("/api/v1/measures/{measure}"),
                body: Box::new(|v, l| json!({"version": v, "content": l})),
                read_back: Some("content"),
            },
            "liaison",
        ),
        (
            Case {
                name: "plans",
                method: Method::PATCH,
                path: format!("/api/v1/plans/{plan}"),
                body: Box::new(|v, l| json!({"version": v, "place_note": l})),
                read_back: None,
            },
            "liaison",
        ),
        (
            Case {
                name: "activities",
                method: Method::PUT,
                path: format!("/api/v1/activities/{activity}"),
                body: Box::new(move |v, l| {
                    let mut b = draft.clone();
                    b["version"] = json!(v);
                    b["notes"] = json!(l);
                    b
                }),
                read_back: None,
            },
            "liaison",
        ),
        (
            Case {
                name: "problems: set-deadline",
                method: Method::POST,
                path: format!("/api/v1/problems/{}/actions", problem["id"]),
                body: Box::new(move |v, l| {
                    // Two deadlines, told apart by the writer's label.
                    let days = if l.starts_with('甲') { 20 } else { 25 };
                    let deadline = today()
                        .checked_add_days(chrono::Days::new(days))
                        .expect("date");
                    json!({"version": v, "action": "set-deadline", "deadline": deadline.to_string(), "reason": l})
                }),
                read_back: None,
            },
            "supervisor",
        ),
        (
            Case {
                name: "items",
                method: Method::PATCH,
                path: format!("/api/v1/items/{}", w.items_a[0]),
                body: Box::new(|v, l| json!({"version": v, "name": format!("食品经营许可{l}")})),
                read_back: None,
            },
            "supervisor",
        ),
        (
            Case {
                name: "officials",
                method: Method::PATCH,
                path: format!("/api/v1/officials/{}", w.officials_a[2]),
                body: Box::new(|v, l| json!({"version": v, "title": l})),
                read_back: Some("title"),
            },
            "supervisor",
        ),
        (
            Case {
                name: "units",
                method: Method::PATCH,
                path: format!("/api/v1/units/{}", w.street),
                body: Box::new(|v, l| json!({"version": v, "lead_office": l})),
                read_back: Some("lead_office"),
            },
            "sysadmin",
        ),
        (
            Case {
                name: "users",
                method: Method::PATCH,
                path: format!("/api/v1/users/{user_id}"),
                body: Box::new(|v, l| json!({"version": v, "display_name": l})),
                read_back: Some("display_name"),
            },
            "sysadmin",
        ),
        (
            Case {
                name: "roles",
                method: Method::PATCH,
                path: format!("/api/v1/roles/{role}"),
                body: Box::new(
                    |v, l| json!({"version": v, "name": l, "permissions": ["report:read"]}),
                ),
                read_back: None,
            },
            "secadmin",
        ),
    ];
    for (case, role_name) in &cases {
        let (a, b) = pick(role_name);
        let start = match case.name {
            "roles" => sec
                .json("/api/v1/roles")
                .await
                .as_array()
                .expect("roles")
                .iter()
                .find(|r| r["id"] == role)
                .expect("role")["version"]
                .as_i64()
                .expect("version"),
            n if n.starts_with("problems") => {
                version_of(a, &format!("/api/v1/problems/{}", problem["id"])).await
            }
            _ => version_of(a, &case.path).await,
        };
        race(case, a, b, start).await;
    }
    drop(sys);

    // Two verifiers at once close a problem once, with one timeline entry.
    let p = new_problem(&w.la, w.a, today().to_string(), None, None).await;
    let path = format!("/api/v1/problems/{}/actions", p["id"]);
    let s: Value =
        w.la.post(&path, json!({"version": p["version"], "action": "start"}))
            .await
            .json()
            .await
            .expect("json");
    let s: Value = w.la.post(&path, json!({"version": s["version"], "action": "submit", "measures": "精简材料清单并在窗口公示最新要求", "effect": "申请材料由6件减至4件，群众一次办结", "evidence": ["新版办事指南"]})).await.json().await.expect("json");
    let (a, b) = pick("supervisor");
    let answers = at_once(
        a,
        b,
        &Method::POST,
        &path,
        json!({"version": s["version"], "action": "verify"}),
        json!({"version": s["version"], "action": "verify"}),
    )
    .await;
    let mut statuses = [answers[0].0, answers[1].0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT],
        "{answers:?}"
    );
    let timeline =
        w.la.json(&format!("/api/v1/problems/{}/timeline", p["id"]))
            .await;
    let verified = timeline
        .as_array()
        .expect("timeline")
        .iter()
        .filter(|e| e["action"] == "verify")
        .count();
    assert_eq!(verified, 1, "{timeline}");

    // The summaries the writes kept are what a rebuild counts.
    let kept = crate::campaign::summaries(&w.app.store).await;
    crate::campaign::rebuild_all(&w.app.store).await;
    assert_eq!(crate::campaign::summaries(&w.app.store).await, kept);
}

#[tokio::test]
async fn two_writers_at_one_version_on_one_server_one_wins_one_is_refused() {
    let w = world().await;
    let sup2 = w.app.login("sup", PASSWORD).await;
    let la2 = w.app.login("liaison-a", PASSWORD).await;
    let sys = (w.app.admin("sysadmin").await, w.app.admin("sysadmin").await);
    let sec = (w.app.admin("secadmin").await, w.app.admin("secadmin").await);
    every_resource(&w, |role| match role {
        "liaison" => (&w.la, &la2),
        "supervisor" => (&w.sup, &sup2),
        "sysadmin" => (&sys.0, &sys.1),
        _ => (&sec.0, &sec.1),
    })
    .await;
}

#[tokio::test]
async fn two_writers_at_one_version_on_two_servers_over_one_database_one_wins() {
    let w = world().await;
    let other = w.app.second_server().await;
    let sup2 = other.login("sup", PASSWORD).await;
    let la2 = other.login("liaison-a", PASSWORD).await;
    let sys = (w.app.admin("sysadmin").await, other.admin("sysadmin").await);
    let sec = (w.app.admin("secadmin").await, other.admin("secadmin").await);
    every_resource(&w, |role| match role {
        "liaison" => (&w.la, &la2),
        "supervisor" => (&w.sup, &sup2),
        "sysadmin" => (&sys.0, &sys.1),
        _ => (&sec.0, &sec.1),
    })
    .await;
}
