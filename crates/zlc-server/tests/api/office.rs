//! The seeds' tables through the API: upload all or nothing, again without
//! change, every bad row named; download in the seed's layout; templates;
//! scope and permissions on every one.

use crate::campaign::summaries;
use crate::helpers::*;
use chrono::{Days, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::Cursor;
use zlc_domain::campaign::plan::HalfDay;
use zlc_domain::kinds::{ActivityKind, Mode, ProblemStatus};
use zlc_domain::ledger::ProblemSource;
use zlc_domain::period::Period;
use zlc_domain::sheets::{
    Entries, LedgerEntry, ListsEntry, PersonRef, ScheduleEntry, SheetKind, SheetMeta,
    WindowStatEntry,
};
use zlc_office::write::TableWriter;

struct Office {
    app: TestApp,
    root: i64,
    a: i64,
    b: i64,
    sup: Session,
    la: Session,
}

async fn office() -> Office {
    office_on(spawn_app().await).await
}

async fn office_on(app: TestApp) -> Office {
    let root = app.unit("示范区", None, "region").await["id"]
        .as_i64()
        .expect("id");
    let a = app.unit("区行政审批服务局", Some(root), "department").await["id"]
        .as_i64()
        .expect("id");
    app.unit("审批科", Some(a), "section").await;
    app.unit("综合服务科", Some(a), "section").await;
    let b = app
        .unit("区人力资源和社会保障局", Some(root), "department")
        .await["id"]
        .as_i64()
        .expect("id");
    let sup = app.user("sup", Some(root), &["supervisor"]).await;
    let la = app.user("liaison-a", Some(a), &["liaison"]).await;
    let r = sup
        .post(
            "/api/v1/officials",
            json!({"unit_id": a, "name": "张三", "title": "局长", "rank": "head"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    Office {
        app,
        root,
        a,
        b,
        sup,
        la,
    }
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn ago(n: u64) -> NaiveDate {
    today().checked_sub_days(Days::new(n)).expect("date")
}

fn ahead(n: u64) -> NaiveDate {
    today().checked_add_days(Days::new(n)).expect("date")
}

fn person(name: &str, title: &str) -> PersonRef {
    PersonRef {
        name: name.into(),
        title: title.into(),
    }
}

fn table(kind: SheetKind, meta: &SheetMeta, rows: impl Fn(&mut TableWriter)) -> Vec<u8> {
    let mut w = TableWriter::new(kind);
    w.begin("表", meta).expect("begin");
    rows(&mut w);
    w.end(meta).expect("end");
    w.into_bytes().expect("bytes")
}

fn ledger_row(
    date: NaiveDate,
    who: PersonRef,
    item: &str,
    mode: Mode,
    problem: Option<&str>,
    measures: Option<&str>,
    done: Option<NaiveDate>,
    section: Option<&str>,
) -> LedgerEntry {
    LedgerEntry {
        row: 0,
        date,
        person: who,
        item: Some(item.into()),
        mode,
        problem: problem.map(|p| (p.to_string(), None)),
        measures: measures.map(str::to_string),
        done_on: done,
        section: section.map(str::to_string),
        slot: None,
        deadline: None,
        status: None,
        unit: None,
        seq: Default::default(),
    }
}

fn meta(unit: &str) -> SheetMeta {
    SheetMeta {
        unit: Some(unit.into()),
        date: Some(today()),
        ..SheetMeta::default()
    }
}

async fn upload(s: &Session, path: &str, bytes: Vec<u8>) -> reqwest::Response {
    s.client
        .post(format!("{}{path}", s.base))
        .header("origin", &s.base)
        .header("content-type", zlc_office::XLSX_MIME)
        .body(bytes)
        .send()
        .await
        .expect("send")
}

/// Every non-empty cell of the first sheet, as text.
fn cell_texts(bytes: &[u8]) -> Vec<String> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::Xlsx::new(Cursor::new(bytes.to_vec())).expect("xlsx");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).expect("sheet");
    range
        .cells()
        .map(|(_, _, v)| v.to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    app.store
        .db
        .scalar::<i64>(&format!("SELECT COUNT(*) FROM {table}"), vec![])
        .await
        .expect("count")
        .unwrap_or(0)
}

/// SQLite's text indexes hold exactly the texts of their tables' rows (FTS5's
/// integrity check against its content table): an import indexes what it
/// wrote at its end and leaves nothing deferred, however it ended.
async fn text_indexes_match(app: &TestApp) {
    if app.store.db.kind() != zlc_store::Kind::Sqlite {
        return;
    }
    for table in ["activities", "problems", "needs", "measures"] {
        let fts = format!("{table}_fts");
        app.store
            .db
            .execute(
                &format!("INSERT INTO {fts} ({fts}, rank) VALUES ('integrity-check', 1)"),
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("{fts} does not match {table}: {e}"));
    }
    assert_eq!(count(app, "fts_deferred").await, 0);
}

/// Every pooled SQLite connection has its usual page cache (16 MiB): an
/// import's larger one leaves with its own connection, however it ended.
async fn pooled_caches_are_usual(app: &TestApp) {
    let zlc_store::Db::Sqlite(pool) = &app.store.db else {
        return;
    };
    // Every open connection at once: the idle ones are handed out first.
    let mut held = Vec::new();
    for _ in 0..pool.size().max(1) {
        held.push(pool.acquire().await.expect("connection"));
    }
    for c in &mut held {
        let kib: i64 = sqlx::query_scalar("PRAGMA cache_size")
            .fetch_one(&mut **c)
            .await
            .expect("cache_size");
        assert_eq!(
            kib, -16384,
            "a pooled connection kept an import's page cache"
        );
    }
}

async fn download(s: &Session, path: &str) -> Vec<u8> {
    let r = s.get(path).await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{path}: {}",
        r.text().await.unwrap_or_default()
    );
    assert_eq!(r.headers()["content-type"], zlc_office::XLSX_MIME);
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    // A file name's quotation marks (“ ”) come in pairs, if at all.
    assert_eq!(
        disposition.matches("%E2%80%9C").count(),
        disposition.matches("%E2%80%9D").count(),
        "{disposition}"
    );
    r.bytes().await.expect("bytes").to_vec()
}

fn sample_ledger() -> Vec<u8> {
    table(SheetKind::Ledger, &meta("区行政审批服务局"), |w| {
        // Closed ten days ago; under way with a deadline ahead; a walk that found nothing;
        // a second problem on the first walk; a new official and a new item.
        w.ledger(&ledger_row(
            ago(20),
            person("张三", "局长"),
            "企业开办",
            Mode::SelfService,
            Some("证明材料重复提交"),
            Some("推行告知承诺制，取消营业执照复印件等2项证明材料"),
            Some(ago(10)),
            Some("审批科"),
        ))
        .expect("row");
        w.ledger(&ledger_row(
            ago(20),
            person("张三", "局长"),
            "企业开办",
            Mode::SelfService,
            Some("网办流程不畅"),
            Some("优化网办指引"),
            Some(ahead(30)),
            None,
        ))
        .expect("row");
        w.ledger(&ledger_row(
            ago(15),
            person("李明", "分管副局长"),
            "不动产登记",
            Mode::Window,
            None,
            None,
            None,
            None,
        ))
        .expect("row");
        w.ledger(&ledger_row(
            ago(12),
            person("李明", "分管副局长"),
            "不动产登记",
            Mode::Accompany,
            Some("窗口少、排队长"),
            None,
            None,
            Some("综合服务科"),
        ))
        .expect("row");
    })
}

#[tokio::test]
async fn a_ledger_imports_all_or_nothing_and_again_changes_nothing() {
    let o = office().await;
    let dry = upload(
        &o.la,
        &format!(
            "/api/v1/imports/ledger?unit={}&dry_run=true&name=台账.xlsx",
            o.a
        ),
        sample_ledger(),
    )
    .await;
    assert_eq!(dry.status(), StatusCode::OK);
    let dry: Value = dry.json().await.expect("json");
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["problems"], 3);
    assert_eq!(
        count(&o.app, "problems").await,
        0,
        "a dry run writes nothing"
    );
    assert_eq!(count(&o.app, "imports").await, 0);

    let r = upload(
        &o.la,
        &format!("/api/v1/imports/ledger?unit={}&name=台账.xlsx", o.a),
        sample_ledger(),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let s: Value = r.json().await.expect("json");
    assert_eq!(
        (
            s["rows"].clone(),
            s["activities"].clone(),
            s["problems"].clone(),
            s["officials_added"].clone(),
            s["items_added"].clone(),
            s["unchanged"].clone()
        ),
        (json!(4), json!(3), json!(3), json!(1), json!(2), json!(0))
    );
    let probs = o.la.json(&format!("/api/v1/problems?unit={}", o.a)).await;
    let by_text = |t: &str| {
        probs["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|p| p["description"] == t)
            .cloned()
            .expect(t)
    };
    let closed = by_text("证明材料重复提交");
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["closed_on"], ago(10).to_string());
    assert_eq!(closed["category"], "certificates");
    let open = by_text("网办流程不畅");
    assert_eq!(open["status"], "in-progress");
    assert_eq!(open["deadline"], ahead(30).to_string());
    let pending = by_text("窗口少、排队长");
    assert_eq!(pending["status"], "pending");
    assert!(pending["section_id"].is_i64());
    let timeline =
        o.la.json(&format!("/api/v1/problems/{}/timeline", closed["id"]))
            .await;
    assert!(
        timeline.to_string().contains("依《台账.xlsx》第"),
        "{timeline}"
    );
    // The new official takes the rank its title implies.
    let officials = o.la.json(&format!("/api/v1/officials?unit={}", o.a)).await;
    let li = officials["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|x| x["name"] == "李明")
        .cloned()
        .expect("李明");
    assert_eq!(li["rank"], "deputy");
    // The statistics count what was imported, as a rebuild from the records would.
    let q = Period::quarter_of(ago(20));
    if Period::quarter_of(ago(10)) == q && Period::quarter_of(ago(12)) == q {
        let r = o
            .sup
            .json(&format!("/api/v1/reports/quarterly?period={q}"))
            .await;
        assert_eq!(r["activities"], 3);
        assert_eq!(r["problems_found"], 3);
        assert_eq!(r["problems_solved"], 1);
        assert_eq!(r["officials"], 2);
    }
    let kept = summaries(&o.app.store).await;
    crate::campaign::rebuild_all(&o.app.store).await;
    assert_eq!(summaries(&o.app.store).await, kept);
    let audit_before = count(&o.app, "audit_log").await;

    // The same file again: nothing new, nothing changed.
    let r = upload(
        &o.la,
        &format!("/api/v1/imports/ledger?unit={}", o.a),
        sample_ledger(),
    )
    .await;
    let s: Value = r.json().await.expect("json");
    assert_eq!(
        (
            s["activities"].clone(),
            s["problems"].clone(),
            s["unchanged"].clone()
        ),
        (json!(0), json!(0), json!(4))
    );
    assert_eq!(count(&o.app, "problems").await, 3);
    assert_eq!(count(&o.app, "officials").await, 2);
    assert!(
        count(&o.app, "audit_log").await > audit_before,
        "the import itself is audited"
    );
    text_indexes_match(&o.app).await;
}

#[tokio::test]
async fn a_bad_ledger_names_every_row_and_writes_nothing() {
    let o = office().await;
    let bad = table(SheetKind::Ledger, &meta("区行政审批服务局"), |w| {
        w.ledger(&ledger_row(
            ago(5),
            person("张三", "局长"),
            "企业开办",
            Mode::SelfService,
            Some("材料多"),
            None,
            None,
            Some("审批股"),
        ))
        .expect("row");
        w.ledger(&ledger_row(
            ago(5),
            person("王五", ""),
            "企业开办",
            Mode::SelfService,
            Some("排队长"),
            None,
            None,
            None,
        ))
        .expect("row");
    });
    let parsed = zlc_office::read::read(Cursor::new(bad.clone()), SheetKind::Ledger).expect("read");
    assert!(parsed.errors.is_empty());
    let r = upload(&o.la, &format!("/api/v1/imports/ledger?unit={}", o.a), bad).await;
    let e = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    let errors = e["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{e}");
    assert_eq!(errors[0]["row"], 6);
    assert_eq!(errors[0]["column"], "责任科室");
    assert_eq!(errors[0]["field"], "row 6, column 责任科室");
    let msg = errors[0]["message"].as_str().expect("message");
    assert!(
        msg.contains("科室「审批股」与已有的科室「审批科」只差一个字"),
        "{msg}"
    );
    assert_eq!(count(&o.app, "problems").await, 0);
    assert_eq!(count(&o.app, "activities").await, 0);
    assert_eq!(
        count(&o.app, "officials").await,
        1,
        "王五 of the good row is not added either"
    );
    pooled_caches_are_usual(&o.app).await;

    // Cell errors and registry errors come together.
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (r, row) in [
        vec!["“干部走流程”问题整改台账"],
        vec!["填报单位(盖章):区行政审批服务局"],
        vec![
            "序号",
            "时间",
            "流程人员及职务",
            "体验事项",
            "驻窗办",
            "亲身办",
            "陪同办",
            "检验办",
            "存在问题及原因",
            "整改及优化措施",
            "整改完成时间",
            "责任科室",
        ],
        vec![
            "1",
            "2024.2.30",
            "张三 局长",
            "企业开办",
            "√",
            "",
            "",
            "",
            "材料多",
            "",
            "",
            "",
        ],
        vec![
            "2",
            "2024.3.1",
            "张三 局长",
            "企业开办",
            "√",
            "",
            "",
            "",
            "排队长",
            "",
            "",
            "审批股",
        ],
    ]
    .iter()
    .enumerate()
    {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).expect("write");
        }
    }
    let r = upload(
        &o.la,
        &format!("/api/v1/imports/ledger?unit={}", o.a),
        book.save_to_buffer().expect("xlsx"),
    )
    .await;
    let e = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    let fields: Vec<&str> = e["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|x| x["field"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        fields,
        ["row 4, column 时间", "row 5, column 责任科室"],
        "{e}"
    );
    // Not a spreadsheet at all.
    let r = upload(
        &o.la,
        &format!("/api/v1/imports/ledger?unit={}", o.a),
        b"hello".to_vec(),
    )
    .await;
    let e = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(e["errors"][0]["field"], "file");
    text_indexes_match(&o.app).await;
}

#[tokio::test]
async fn imports_and_exports_check_permission_and_scope() {
    let o = office().await;
    // Another department's unit is not the liaison's to write into: 404.
    let r = upload(
        &o.la,
        &format!("/api/v1/imports/ledger?unit={}", o.b),
        sample_ledger(),
    )
    .await;
    problem(r, StatusCode::NOT_FOUND).await;
    // The sheet's own 填报单位 outside the scope is "not found" too, with no names leaked.
    let other = table(
        SheetKind::Ledger,
        &meta("区人力资源和社会保障局"),
        |w| {
            w.ledger(&ledger_row(
                ago(3),
                person("赵六", ""),
                "失业保险金申领",
                Mode::SelfService,
                None,
                None,
                None,
                None,
            ))
            .expect("row");
        },
    );
    let e = problem(
        upload(&o.la, "/api/v1/imports/ledger", other).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["errors"][0]["column"], "填报单位");
    // A liaison may not import the unit list, nor read the export of another department.
    problem(
        upload(&o.la, "/api/v1/imports/units", sample_ledger()).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let q = Period::quarter_of(today());
    problem(
        o.la.get(&format!("/api/v1/exports/ledger?period={q}&unit={}", o.b))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let e = problem(
        o.la.get("/api/v1/exports/ledger").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["errors"][0]["field"], "period");
    problem(
        o.la.get("/api/v1/exports/nonsense?period=2024Q1").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    problem(
        o.app.anonymous().get("/api/v1/templates/ledger").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn what_is_imported_exports_in_the_seed_layout() {
    let o = office().await;
    let r = upload(
        &o.la,
        &format!("/api/v1/imports/ledger?unit={}", o.a),
        sample_ledger(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let year = Period::parse(&ago(20).format("%Y").to_string()).expect("year");
    let bytes = download(
        &o.sup,
        &format!("/api/v1/exports/ledger?period={year}&unit={}", o.a),
    )
    .await;
    let back =
        zlc_office::read::read(Cursor::new(bytes.clone()), SheetKind::Ledger).expect("read back");
    assert!(back.errors.is_empty(), "{:?}", back.errors);
    let Entries::Ledger(rows) = &back.sheets[0].entries else {
        panic!("ledger")
    };
    if Period::parse(&ago(10).format("%Y").to_string()).ok() == Some(year) {
        assert_eq!(rows.len(), 4);
        let texts: Vec<Option<&str>> = rows
            .iter()
            .map(|r| r.problem.as_ref().map(|p| p.0.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                Some("证明材料重复提交"),
                Some("网办流程不畅"),
                None,
                Some("窗口少、排队长")
            ]
        );
        assert_eq!(rows[0].done_on, Some(ago(10)));
        assert_eq!(rows[0].status, Some(ProblemStatus::Closed));
        // 整改完成时间 is for closed rows; the deadline of one under way has its own column.
        assert_eq!(rows[1].done_on, None);
        assert_eq!(rows[1].deadline, Some(ahead(30)));
        assert_eq!(rows[1].status, Some(ProblemStatus::InProgress));
        assert_eq!(rows[3].section.as_deref(), Some("综合服务科"));
        assert_eq!(
            back.sheets[0].meta.unit.as_deref(),
            Some("区行政审批服务局")
        );
    }
    // Importing the export back into the same unit changes nothing.
    let again: Value = upload(
        &o.la,
        &format!("/api/v1/imports/ledger?unit={}", o.a),
        bytes,
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(
        (again["problems"].clone(), again["activities"].clone()),
        (json!(0), json!(0)),
        "{again}"
    );

    // A template reads as an empty table of its kind.
    for kind in SheetKind::ALL {
        let t = download(&o.la, &format!("/api/v1/templates/{}", kind.code())).await;
        let parsed = zlc_office::read::read(Cursor::new(t), *kind).expect("template reads");
        assert!(parsed.errors.is_empty(), "{kind:?}: {:?}", parsed.errors);
        assert_eq!(parsed.rows(), 0, "{kind:?}");
        assert_eq!(
            parsed.sheets[0].meta.unit.as_deref(),
            Some("区行政审批服务局")
        );
    }
}

#[tokio::test]
async fn window_tables_lists_items_and_units_mean_what_the_interface_says() {
    let o = office().await;
    // 坐窗口 schedule: draft plans, phones sealed and masked for those who may not read them.
    let sched = table(
        SheetKind::WindowSchedule,
        &meta("区行政审批服务局"),
        |w| {
            w.schedule(&ScheduleEntry {
                row: 0,
                date: ahead(7),
                slot: HalfDay::Am,
                person: person("张三", "局长"),
                phone: Some("18300001234".into()),
                note: None,
                unit: None,
            })
            .expect("row");
            w.schedule(&ScheduleEntry {
                row: 0,
                date: ahead(8),
                slot: HalfDay::Pm,
                person: person("周七", "审批科科长"),
                phone: Some("18300005678".into()),
                note: Some("带班".into()),
                unit: None,
            })
            .expect("row");
        },
    );
    let s: Value = upload(
        &o.la,
        &format!("/api/v1/imports/window-schedule?unit={}", o.a),
        sched,
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(
        (s["plans"].clone(), s["officials_added"].clone()),
        (json!(2), json!(1))
    );
    let plans = o.la.json(&format!("/api/v1/plans?unit={}", o.a)).await;
    assert_eq!(plans["items"].as_array().map(Vec::len), Some(2));
    assert!(
        plans["items"]
            .as_array()
            .expect("plans")
            .iter()
            .all(|p| p["status"] == "draft" && p["kind"] == "window")
    );
    let sealed: Vec<(Option<String>,)> = o
        .app
        .store
        .db
        .fetch_all(
            "SELECT phone_enc FROM officials WHERE name = '周七'",
            vec![],
        )
        .await
        .expect("phone");
    assert!(
        sealed[0]
            .0
            .as_deref()
            .is_some_and(|p| !p.contains("18300005678")),
        "phones are sealed at rest"
    );
    let y = Period::parse(&ahead(7).format("%Y").to_string()).expect("year");
    let bytes = download(
        &o.la,
        &format!("/api/v1/exports/window-schedule?period={y}"),
    )
    .await;
    let cells = cell_texts(&bytes);
    assert!(
        cells.iter().any(|c| c == "183****1234"),
        "a liaison sees phones masked: {cells:?}"
    );
    let back = zlc_office::read::read(Cursor::new(bytes), SheetKind::WindowSchedule).expect("read");
    assert!(back.errors.is_empty(), "{:?}", back.errors);
    let Entries::WindowSchedule(rows) = &back.sheets[0].entries else {
        panic!("schedule")
    };
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0].phone.as_deref(),
        None,
        "a liaison sees phones masked"
    );

    // 坐窗口 statistics: rows of one sitting are one activity with its problems.
    let stats = table(
        SheetKind::WindowStats,
        &meta("区行政审批服务局"),
        |w| {
            for (desc, src) in [
                ("自助终端故障", ProblemSource::Staff),
                ("叫号系统失灵", ProblemSource::SelfCheck),
            ] {
                w.window_stat(&WindowStatEntry {
                    row: 0,
                    date: ago(2),
                    person: person("张三", "局长"),
                    visitors: 23,
                    problem: Some((src, desc.into())),
                    measures: None,
                    done_on: None,
                    section: None,
                    slot: None,
                    deadline: None,
                    status: None,
                    unit: None,
                    seq: Default::default(),
                })
                .expect("row");
            }
            w.window_stat(&WindowStatEntry {
                row: 0,
                date: ago(1),
                person: person("张三", "局长"),
                visitors: 9,
                problem: None,
                measures: None,
                done_on: None,
                section: None,
                slot: None,
                deadline: None,
                status: None,
                unit: None,
                seq: Default::default(),
            })
            .expect("row");
        },
    );
    let s: Value = upload(
        &o.la,
        &format!("/api/v1/imports/window-stats?unit={}", o.a),
        stats,
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(
        (s["activities"].clone(), s["problems"].clone()),
        (json!(2), json!(2)),
        "{s}"
    );
    let acts =
        o.la.json(&format!("/api/v1/activities?unit={}&kind=window", o.a))
            .await;
    let visitors: i64 = acts["items"]
        .as_array()
        .expect("acts")
        .iter()
        .map(|a| a["visitors"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(visitors, 32);
    let probs =
        o.la.json(&format!("/api/v1/problems?unit={}&source=staff", o.a))
            .await;
    assert_eq!(probs["items"].as_array().map(Vec::len), Some(1));

    // 三个清单: one activity per row, its problem, need and measure; effect on time closes it.
    let lm = SheetMeta {
        official: Some("张三".into()),
        activity_kind: Some(ActivityKind::Walk),
        date: Some(ago(4)),
        ..meta("区行政审批服务局")
    };
    let lists = table(SheetKind::Lists, &lm, |w| {
        w.lists(&ListsEntry {
            row: 0,
            place: "区政务服务中心".into(),
            content: "企业开办".into(),
            mode: Some(Mode::Proxy),
            problem: Some("窗口少、排队长".into()),
            need: Some("延长午间服务".into()),
            measure: Some("将窗口由2个增加到4个，高峰时段启用弹性窗口".into()),
            deadline: Some(ago(1)),
            effect: Some("等候由40分钟缩短至10分钟".into()),
            note: None,
            status: None,
            seq: Default::default(),
        })
        .expect("row");
        w.lists(&ListsEntry {
            row: 0,
            place: "网上办事大厅".into(),
            content: "社保转移".into(),
            mode: None,
            problem: None,
            need: Some("增加在线客服".into()),
            measure: None,
            deadline: None,
            effect: None,
            note: None,
            status: None,
            seq: Default::default(),
        })
        .expect("row");
    });
    let s: Value = upload(&o.la, "/api/v1/imports/lists", lists)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        (
            s["activities"].clone(),
            s["problems"].clone(),
            s["needs"].clone(),
            s["measures"].clone()
        ),
        (json!(2), json!(1), json!(2), json!(1)),
        "{s}"
    );
    // 体验内容 is the item experienced: the unit gains both, and its walks count them.
    assert_eq!(s["items_added"], 2, "{s}");
    let p = o.la.json("/api/v1/problems?q=窗口少").await;
    assert_eq!(p["items"][0]["status"], "closed");
    assert!(p["items"][0]["item_id"].is_i64(), "{}", p["items"][0]);
    assert_eq!(p["items"][0]["closed_on"], ago(1).to_string());
    // A mode the local policy does not use is refused by name.
    let lm2 = SheetMeta {
        activity_kind: Some(ActivityKind::Walk),
        ..lm.clone()
    };
    let bad = table(SheetKind::Lists, &lm2, |w| {
        w.lists(&ListsEntry {
            row: 0,
            place: "现场".into(),
            content: "x".into(),
            mode: Some(Mode::Window),
            problem: None,
            need: None,
            measure: None,
            deadline: None,
            effect: None,
            note: None,
            status: None,
            seq: Default::default(),
        })
        .expect("row");
    });
    let e = problem(
        upload(&o.la, "/api/v1/imports/lists", bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["errors"][0]["column"], "体验方式");

    // 事项清单: new items, and a changed one updated; the same file again changes nothing.
    let items = |mode: &str| {
        let mode = mode.to_string();
        table(
            SheetKind::Items,
            &meta("区行政审批服务局"),
            move |w| {
                w.item(&zlc_domain::sheets::ItemEntry {
                    row: 0,
                    name: "企业开办".into(),
                    item_type: zlc_domain::registry::ItemType::OneThing,
                    service_object: zlc_domain::registry::ServiceObject::Enterprise,
                    handling_mode: zlc_domain::registry::HandlingMode::parse(&mode).expect("mode"),
                    channel: Some("网址: https://zwfw.example".into()),
                    section: Some("审批科".into()),
                    contact: None,
                    note: None,
                    unit: None,
                })
                .expect("row");
                w.item(&zlc_domain::sheets::ItemEntry {
                    row: 0,
                    name: "食品经营许可".into(),
                    item_type: zlc_domain::registry::ItemType::HighFrequency,
                    service_object: zlc_domain::registry::ServiceObject::Enterprise,
                    handling_mode: zlc_domain::registry::HandlingMode::Both,
                    channel: None,
                    section: None,
                    contact: None,
                    note: None,
                    unit: None,
                })
                .expect("row");
            },
        )
    };
    let s: Value = upload(
        &o.la,
        &format!("/api/v1/imports/items?unit={}", o.a),
        items("线上线下"),
    )
    .await
    .json()
    .await
    .expect("json");
    // 企业开办 came with the 三个清单 above, without its type: now it has one.
    assert_eq!(
        (s["items"].clone(), s["items_updated"].clone()),
        (json!(1), json!(1)),
        "{s}"
    );
    let s: Value = upload(
        &o.la,
        &format!("/api/v1/imports/items?unit={}", o.a),
        items("线上线下"),
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(
        (
            s["items"].clone(),
            s["items_updated"].clone(),
            s["unchanged"].clone()
        ),
        (json!(0), json!(0), json!(2))
    );
    let s: Value = upload(
        &o.la,
        &format!("/api/v1/imports/items?unit={}", o.a),
        items("线上"),
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(s["items_updated"], 1);

    // 单位名单: the supervisor adds a department and its section, in any order.
    let units = table(SheetKind::Units, &meta("示范区"), |w| {
        w.unit(&zlc_domain::sheets::UnitEntry {
            row: 0,
            name: "窗口科".into(),
            parent: Some("区医疗保障局".into()),
            kind: zlc_domain::registry::UnitKind::Section,
            categories: vec![],
        })
        .expect("row");
        w.unit(&zlc_domain::sheets::UnitEntry {
            row: 0,
            name: "区医疗保障局".into(),
            parent: Some("示范区".into()),
            kind: zlc_domain::registry::UnitKind::Department,
            categories: vec![zlc_domain::registry::UnitCategory::Approval],
        })
        .expect("row");
    });
    let s: Value = upload(&o.sup, "/api/v1/imports/units", units.clone())
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(s["units"], 2, "{s}");
    let s: Value = upload(&o.sup, "/api/v1/imports/units", units)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        (s["units"].clone(), s["unchanged"].clone()),
        (json!(0), json!(2))
    );
    let tree = o
        .sup
        .json(&format!("/api/v1/units?parent={}", o.root))
        .await;
    assert!(tree.to_string().contains("区医疗保障局"));
    text_indexes_match(&o.app).await;
}

/// `n` days ago, but not before the first of January: every date of the
/// test falls in this year, whatever day it runs.
fn this_year(n: u64) -> NaiveDate {
    let jan1 = NaiveDate::from_ymd_opt(chrono::Datelike::year(&today()), 1, 1).expect("date");
    ago(n).max(jan1)
}

/// Every record a drill-down lists, page by page.
async fn drill_all(s: &Session, query: &str) -> (i64, Vec<Value>) {
    let mut items = Vec::new();
    let mut cursor = String::new();
    loop {
        let d = s
            .json(&format!("/api/v1/reports/drill?{query}&limit=2{cursor}"))
            .await;
        items.extend(d["items"].as_array().cloned().unwrap_or_default());
        match d["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => return (d["count"].as_i64().expect("count"), items),
        }
    }
}

fn part(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a docx is a zip");
    let mut s = String::new();
    z.by_name(name)
        .expect(name)
        .read_to_string(&mut s)
        .expect("utf-8");
    s
}

#[tokio::test]
async fn statistics_and_the_notice_come_from_records_each_figure_drills_down_to() {
    let o = office().await;
    let year = Period::parse(&today().format("%Y").to_string()).expect("year");
    let ledger = table(SheetKind::Ledger, &meta("区行政审批服务局"), |w| {
        w.ledger(&ledger_row(
            this_year(20),
            person("张三", "局长"),
            "企业开办",
            Mode::SelfService,
            Some("证明材料重复提交"),
            Some("推行告知承诺制，取消营业执照复印件等2项证明材料"),
            Some(this_year(10)),
            None,
        ))
        .expect("row");
        w.ledger(&ledger_row(
            this_year(15),
            person("李明", "分管副局长"),
            "不动产登记",
            Mode::Window,
            None,
            None,
            None,
            None,
        ))
        .expect("row");
        w.ledger(&ledger_row(
            this_year(12),
            person("李明", "分管副局长"),
            "不动产登记",
            Mode::Accompany,
            Some("灭火器摆放不规范"),
            None,
            None,
            None,
        ))
        .expect("row");
    });
    assert_eq!(
        upload(
            &o.la,
            &format!("/api/v1/imports/ledger?unit={}", o.a),
            ledger
        )
        .await
        .status(),
        StatusCode::OK
    );
    // The import judged its problems as the findings would (the trivial one,
    // the months they closed in): nothing is left for the next report to
    // judge, and judging every problem again changes nothing.
    assert_eq!(count(&o.app, "problems").await, 2);
    assert_eq!(count(&o.app, "problems WHERE judged IS NULL").await, 0);
    assert_eq!(count(&o.app, "problems WHERE shallow = '灭火器'").await, 1);
    let kept = summaries(&o.app.store).await;
    crate::campaign::rebuild_all(&o.app.store).await;
    assert_eq!(summaries(&o.app.store).await, kept);
    let stats = table(
        SheetKind::WindowStats,
        &meta("区行政审批服务局"),
        |w| {
            w.window_stat(&WindowStatEntry {
                row: 0,
                date: this_year(3),
                person: person("张三", "局长"),
                visitors: 17,
                problem: None,
                measures: None,
                done_on: None,
                section: None,
                slot: None,
                deadline: None,
                status: None,
                unit: None,
                seq: Default::default(),
            })
            .expect("row");
        },
    );
    assert_eq!(
        upload(
            &o.la,
            &format!("/api/v1/imports/window-stats?unit={}", o.a),
            stats
        )
        .await
        .status(),
        StatusCode::OK
    );
    let lm = SheetMeta {
        official: Some("张三".into()),
        activity_kind: Some(ActivityKind::Walk),
        date: Some(this_year(4)),
        ..meta("区行政审批服务局")
    };
    let lists = table(SheetKind::Lists, &lm, |w| {
        w.lists(&ListsEntry {
            row: 0,
            place: "区政务服务中心".into(),
            content: "企业开办".into(),
            mode: Some(Mode::Proxy),
            problem: Some("窗口少、排队长".into()),
            need: Some("延长午间服务".into()),
            measure: Some("增设2个综合受理窗口，高峰时段增派导办人员".into()),
            deadline: Some(this_year(1)),
            effect: Some("群众平均等候时间由40分钟缩短至10分钟".into()),
            note: None,
            status: None,
            seq: Default::default(),
        })
        .expect("row");
    });
    assert_eq!(
        upload(&o.la, "/api/v1/imports/lists", lists).await.status(),
        StatusCode::OK
    );

    // The table, for the region and for department A.
    let t = o
        .sup
        .json(&format!("/api/v1/reports/table?period={year}"))
        .await;
    let total = &t["total"];
    // Three walks of the ledger, a window sitting, the lists' walk.
    assert_eq!(total["activities"], 5);
    assert_eq!(total["visitors"], 17);
    assert_eq!(total["problems_found"], 3);
    assert_eq!(total["problems_solved"], 2);
    assert_eq!(total["needs"], 1);
    let row_a = t["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["unit_id"] == o.a)
        .cloned()
        .expect("row of A");
    assert_eq!(row_a["items_experienced"], 2);
    assert_eq!(row_a["items"], json!(["企业开办", "不动产登记"]));
    // Every figure is recounted from the records the drill-down lists.
    for (figure, key) in [
        ("activities", "activities"),
        ("participations", "participations"),
        ("visitors", "visitors"),
        ("problems_found", "problems_found"),
        ("problems_solved", "problems_solved"),
        ("needs", "needs"),
        ("officials", ""),
        ("items_experienced", "items_experienced"),
    ] {
        let (count, items) = drill_all(
            &o.sup,
            &format!("period={year}&unit={}&figure={figure}", o.a),
        )
        .await;
        if !key.is_empty() {
            assert_eq!(json!(count), row_a[key], "{figure}");
        }
        match figure {
            "visitors" => assert_eq!(
                items
                    .iter()
                    .map(|a| a["visitors"].as_i64().unwrap_or(0))
                    .sum::<i64>(),
                count
            ),
            "participations" => assert_eq!(
                items
                    .iter()
                    .map(|a| a["official_ids"].as_array().map_or(0, Vec::len) as i64)
                    .sum::<i64>(),
                count
            ),
            _ => assert_eq!(items.len() as i64, count, "{figure}"),
        }
    }
    let (_, window) = drill_all(
        &o.sup,
        &format!("period={year}&figure=activities&kind=window"),
    )
    .await;
    assert_eq!(window.len(), 2);
    problem(
        o.la.get(&format!(
            "/api/v1/reports/drill?period={year}&unit={}&figure=activities",
            o.b
        ))
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let e = problem(
        o.sup
            .get(&format!(
                "/api/v1/reports/drill?period={year}&figure=everything"
            ))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["errors"][0]["field"], "figure");

    // The monthly table as xlsx.
    let month = Period::month_of(this_year(1));
    let bytes = download(
        &o.sup,
        &format!("/api/v1/reports/monthly?period={month}&format=xlsx"),
    )
    .await;
    let cells = cell_texts(&bytes);
    assert!(
        cells
            .iter()
            .any(|c| c.contains("活动开展情况统计表") && c.contains(&month.to_string())),
        "{cells:?}"
    );
    assert!(cells.iter().any(|c| c == "合计"));

    // Findings: 李明's window sitting found nothing; a fire extinguisher is trivia.
    let f = o
        .sup
        .json(&format!("/api/v1/reports/findings?period={year}"))
        .await;
    let kinds: Vec<&str> = f
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|x| x["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"shallow-problem") && kinds.contains(&"empty-walk"),
        "{f}"
    );

    // Good cases: closed with measures and effect; the notice cites the chosen one.
    let cases = o
        .sup
        .json(&format!("/api/v1/reports/cases?period={year}"))
        .await;
    let case = cases
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["description"] == "窗口少、排队长")
        .cloned()
        .expect("the lists problem is a case");
    assert!(
        cases
            .as_array()
            .expect("cases")
            .iter()
            .all(|c| c["description"] != "证明材料重复提交"),
        "no effect written: not a case"
    );
    let r = o
        .sup
        .post(
            "/api/v1/reports/notice",
            json!({"period": year.to_string(), "cases": [case["id"]], "issuer": "示范区营商办"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], zlc_office::DOCX_MIME);
    let docx = r.bytes().await.expect("bytes").to_vec();
    let doc = part(&docx, "word/document.xml");
    for text in [
        &format!("关于示范区{}领导干部“走流程”情况的通报", year.label_zh()),
        "一、总体情况",
        "“走流程”5次",
        "发现问题3个，其中已整改销号2个",
        "区行政审批服务局领导干部在“走流程”中发现窗口少、排队长",
        "二、主要问题",
        "“走流程”发现问题比较浮浅。",
        "灭火器摆放不规范",
        "三、下步工作要求",
        "提高思想认识，强化组织领导",
        "示范区营商办",
    ] {
        assert!(doc.contains(text), "the notice lacks {text}");
    }
    let e = problem(
        o.sup
            .post(
                "/api/v1/reports/notice",
                json!({"period": year.to_string(), "cases": [999999]}),
            )
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["errors"][0]["field"], "cases");
    // The quarterly report as docx is the same notice with the best cases.
    let q = Period::quarter_of(this_year(1));
    let r = o
        .sup
        .get(&format!("/api/v1/reports/quarterly?period={q}&format=docx"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], zlc_office::DOCX_MIME);
}

#[tokio::test]
async fn pages_and_json_go_gzipped_office_files_as_they_are() {
    let o = office().await;
    let get = |path: &str| {
        o.la.client
            .get(format!("{}{path}", o.la.base))
            .header("accept-encoding", "gzip")
            .send()
    };
    let page = get("/").await.expect("page");
    assert_eq!(
        page.headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap_or("")),
        Some("gzip")
    );
    let json = get("/api/v1/me").await.expect("json");
    assert_eq!(
        json.headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap_or("")),
        Some("gzip")
    );
    let xlsx = get("/api/v1/templates/ledger").await.expect("xlsx");
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(
        xlsx.headers().get("content-encoding").is_none(),
        "an xlsx is a zip already"
    );
}

/// Creates and files an activity through the API, answering the filed record.
async fn filed(s: &Session, body: Value) -> Value {
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
    r.json().await.expect("json")
}

/// A 走流程 or 坐窗口 record that meets every requirement of preset 003.
fn record(unit: i64, official: i64, item: i64, kind: &str, mode: &str, date: NaiveDate) -> Value {
    let served = date.checked_sub_days(Days::new(30)).expect("date");
    let callbacks: Vec<Value> = (0..3)
        .map(|i| json!({"name": format!("群众{i}"), "phone": "13900001111", "served_on": served.to_string(), "called_on": date.to_string(), "valid": true, "satisfaction": "满意"}))
        .collect();
    json!({"unit_id": unit, "official_ids": [official], "item_ids": [item], "kind": kind, "mode": mode, "channel": "窗口",
           "date": date.to_string(), "started": "09:00", "ended": "11:30", "visitors": if kind == "window" { 23 } else { 0 },
           "place": "区政务服务中心", "checked_items": 2,
           "steps_done": ["approval-service", "business-check", "callback", "discussion"], "callbacks": callbacks})
}

/// A problem recorded through the API.
async fn recorded(s: &Session, body: Value) -> Value {
    let r = s.post("/api/v1/problems", body).await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap_or_default()
    );
    r.json().await.expect("json")
}

/// Takes a problem through one life-cycle step.
async fn act(s: &Session, p: &Value, body: Value) -> Value {
    let mut body = body;
    body["version"] = p["version"].clone();
    let r = s
        .post(&format!("/api/v1/problems/{}/actions", p["id"]), body)
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{}",
        r.text().await.unwrap_or_default()
    );
    r.json().await.expect("json")
}

/// Every row of every table of an exported file as text, sorted (rows of a
/// day come in the order their records were made, which may differ between
/// databases).
fn rows_of(bytes: &[u8], kind: SheetKind) -> Vec<String> {
    let parsed = zlc_office::read::read(Cursor::new(bytes.to_vec()), kind).expect("read");
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let mut out = Vec::new();
    for s in &parsed.sheets {
        let meta = format!(
            "{:?}|{:?}|{:?}",
            s.meta.unit, s.meta.official, s.meta.activity_kind
        );
        let rows = serde_json::to_value(&s.entries).expect("json");
        for mut r in rows
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(|v| v.as_array())
            .cloned()
            .unwrap_or_default()
        {
            r["row"] = json!(0);
            out.push(format!("{meta}|{r}"));
        }
    }
    out.sort();
    out
}

const COUNTED: [&str; 11] = [
    "units",
    "officials",
    "items",
    "plans",
    "activities",
    "activity_items",
    "problems",
    "problem_events",
    "needs",
    "measures",
    "stats_items",
];

async fn counts(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut out = Vec::new();
    for t in COUNTED {
        out.push((t, count(app, t).await));
    }
    out
}

#[tokio::test]
async fn records_entered_through_the_api_go_out_and_back_unchanged_and_into_another_database() {
    let o = office().await;
    let sys = o.app.admin("sysadmin").await;
    let officials = o.sup.json(&format!("/api/v1/officials?unit={}", o.a)).await;
    let zs = officials["items"][0]["id"].as_i64().expect("张三");
    let item = o
        .sup
        .post(
            "/api/v1/items",
            json!({"unit_id": o.a, "name": "企业开办", "item_type": "高频", "power_category": "行政许可", "service_object": "企业", "handling_mode": "线上线下"}),
        )
        .await;
    let item = item.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("item");
    let units = o.sup.json("/api/v1/units").await;
    let unit_id = |name: &str| {
        units["items"]
            .as_array()
            .expect("units")
            .iter()
            .find(|u| u["name"] == name)
            .and_then(|u| u["id"].as_i64())
            .expect(name)
    };
    let (approval, service) = (unit_id("审批科"), unit_id("综合服务科"));
    let d = ago(2);
    let period = Period::quarter_of(d).to_string();

    // Two walks that look alike (one day, one official, one item, one way), a
    // sitting at the window, and, under a policy that has it, a 交叉走.
    let w1 = filed(&o.la, record(o.a, zs, item, "walk", "陪同办", d)).await;
    let w2 = filed(&o.la, record(o.a, zs, item, "walk", "陪同办", d)).await;
    let sit = filed(&o.la, record(o.a, zs, item, "window", "驻窗办", d)).await;
    assert_eq!(
        sys.post("/api/v1/policy", json!({"preset": "000"}))
            .await
            .status(),
        StatusCode::OK
    );
    let mut cross = record(o.a, zs, item, "walk", "交叉", d);
    cross["steps_done"] = json!([]);
    cross["callbacks"] = json!([]);
    cross["place"] = json!("网上政务服务大厅");
    cross["channel"] = json!("网上");
    let cross = filed(&o.la, cross).await;
    assert_eq!(
        sys.post("/api/v1/policy", json!({"preset": "003"}))
            .await
            .status(),
        StatusCode::OK
    );
    // Problems in every status: one assigned to a section as its unit, a
    // cause typed with its prefix, the same problem written twice on a walk.
    let base = |activity: &Value, unit: i64, text: &str| {
        json!({"unit_id": unit, "activity_id": activity["id"], "item_id": item, "source": "企业群众提出", "category": "服务态度",
               "description": text, "disposition": "限期整改", "found_on": d.to_string()})
    };
    let mut b = base(&w1, approval, "窗口人员解释政策不耐心");
    b["cause"] = json!("原因：原因：窗口人员培训不足");
    let pending = recorded(&o.la, b).await;
    assert_eq!(
        pending["cause"], "窗口人员培训不足",
        "the cause is kept once"
    );
    let mut b = base(&w2, o.a, "自助终端故障，无法打印");
    b["section_id"] = json!(service);
    let started = recorded(&o.la, b.clone()).await;
    act(&o.la, &started, json!({"action": "start"})).await;
    let closing = recorded(&o.la, b).await;
    let s = act(&o.la, &closing, json!({"action": "start"})).await;
    let s = act(&o.la, &s, json!({"action": "submit", "measures": "联系厂家更换自助终端主板和打印模块", "effect": "自助终端恢复运行，当日打印办理结果32份"})).await;
    let closed = act(&o.sup, &s, json!({"action": "verify"})).await;
    assert_eq!(closed["status"], "closed", "{closed}");
    let mut b = base(&sit, o.a, "窗口高峰时段排队较长");
    b["source"] = json!("工作人员反映");
    let waiting = recorded(&o.la, b).await;
    let s = act(&o.la, &waiting, json!({"action": "start"})).await;
    act(&o.la, &s, json!({"action": "submit", "measures": "高峰时段增开2个弹性窗口，推行预约取号", "effect": "高峰等候时间由40分钟缩短至15分钟"})).await;
    recorded(&o.la, base(&cross, o.a, "网上申报页面加载缓慢")).await;
    let plan_day = ahead(3);
    let r = o
        .la
        .post(
            "/api/v1/plans",
            json!({"unit_id": o.a, "official_ids": [zs], "kind": "window", "mode": "驻窗办", "date": plan_day.to_string(), "slot": "am", "place": "window"}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap_or_default()
    );

    // Each table out and back in: nothing added, every row unchanged.
    let before = counts(&o.app).await;
    let kinds = [
        (SheetKind::Units, None),
        (SheetKind::Items, None),
        (
            SheetKind::WindowSchedule,
            Some(Period::quarter_of(plan_day).to_string()),
        ),
        (SheetKind::Ledger, Some(period.clone())),
        (SheetKind::WindowStats, Some(period.clone())),
        (SheetKind::Lists, Some(period.clone())),
    ];
    let mut files = Vec::new();
    for (kind, p) in &kinds {
        let q = p
            .as_ref()
            .map(|p| format!("period={p}&"))
            .unwrap_or_default();
        let bytes = download(
            &o.sup,
            &format!("/api/v1/exports/{}?{q}unit={}", kind.code(), o.root),
        )
        .await;
        let r = upload(
            &o.sup,
            &format!("/api/v1/imports/{}?unit={}", kind.code(), o.root),
            bytes.clone(),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{kind:?}");
        let s: Value = r.json().await.expect("json");
        for added in [
            "activities",
            "activities_updated",
            "problems",
            "problems_updated",
            "needs",
            "measures",
            "plans",
            "items",
            "items_updated",
            "units",
            "units_updated",
            "officials_added",
            "items_added",
            "sections_added",
        ] {
            assert_eq!(s[added], 0, "{kind:?} {added}: {s}");
        }
        assert!(s["rows"].as_u64().unwrap_or(0) > 0, "{kind:?}: {s}");
        assert_eq!(s["unchanged"], s["rows"], "{kind:?}: {s}");
        files.push((*kind, p.clone(), bytes));
    }
    assert_eq!(counts(&o.app).await, before, "no record was added");

    // What the ledger says of them.
    let ledger = &files[3].2;
    let parsed =
        zlc_office::read::read(Cursor::new(ledger.clone()), SheetKind::Ledger).expect("read");
    let Entries::Ledger(rows) = &parsed.sheets[0].entries else {
        panic!("ledger rows")
    };
    let by_text = |t: &str| -> Vec<&LedgerEntry> {
        rows.iter()
            .filter(|r| r.problem.as_ref().is_some_and(|p| p.0 == t))
            .collect()
    };
    let p1 = by_text("窗口人员解释政策不耐心");
    assert_eq!(
        p1[0].section.as_deref(),
        Some("审批科"),
        "a problem of a section names it"
    );
    assert_eq!(p1[0].status, Some(ProblemStatus::Pending));
    assert_eq!(
        p1[0].done_on, None,
        "an open problem has no completion date"
    );
    assert!(p1[0].deadline.is_some());
    let twice = by_text("自助终端故障，无法打印");
    assert_eq!(twice.len(), 2);
    assert!(
        twice.iter().all(|r| r.slot.as_deref() == Some("第2次")),
        "the second walk of the day says so"
    );
    let statuses: Vec<Option<ProblemStatus>> = twice.iter().map(|r| r.status).collect();
    assert!(
        statuses.contains(&Some(ProblemStatus::Closed))
            && statuses.contains(&Some(ProblemStatus::InProgress))
    );
    let cells = cell_texts(ledger);
    assert!(
        cells
            .iter()
            .any(|c| c == "窗口人员解释政策不耐心。原因：窗口人员培训不足"),
        "原因 written once: {cells:?}"
    );

    // Into another database: its units first, then each table; every record
    // reads out again as it went in.
    let city = spawn_app().await;
    let csup = city.user("city-sup", None, &["supervisor"]).await;
    for (kind, _, bytes) in &files {
        let r = upload(
            &csup,
            &format!("/api/v1/imports/{}", kind.code()),
            bytes.clone(),
        )
        .await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "{kind:?}: {}",
            r.text().await.unwrap_or_default()
        );
    }
    let croot = csup.json("/api/v1/units").await["items"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["name"] == "示范区")
        .and_then(|u| u["id"].as_i64())
        .expect("示范区 in the city's database");
    for (kind, p, bytes) in files.iter().skip(2) {
        let q = p
            .as_ref()
            .map(|p| format!("period={p}&"))
            .unwrap_or_default();
        let back = download(
            &csup,
            &format!("/api/v1/exports/{}?{q}unit={croot}", kind.code()),
        )
        .await;
        assert_eq!(rows_of(&back, *kind), rows_of(bytes, *kind), "{kind:?}");
    }
    let theirs = csup.json("/api/v1/problems?q=自助终端").await;
    let mut st: Vec<&str> = theirs["items"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p["status"].as_str())
        .collect();
    st.sort_unstable();
    assert_eq!(st, ["closed", "in-progress"]);
    for t in ["activities", "problems", "plans"] {
        assert_eq!(count(&city, t).await, count(&o.app, t).await, "{t}");
    }
}

#[tokio::test]
async fn hand_filled_tables_add_missing_sections_and_count_what_was_experienced() {
    let o = office().await;
    let d = ago(3);
    // 坐窗口统计表 naming a section the department has not registered yet.
    let stats = table(
        SheetKind::WindowStats,
        &meta("区行政审批服务局"),
        |w| {
            for (desc, section) in [
                ("叫号系统故障", Some("窗口服务科")),
                ("导办台无人值守", Some("窗口服务科")),
                ("填表台缺少样表", None),
            ] {
                w.window_stat(&WindowStatEntry {
                    row: 0,
                    date: d,
                    person: person("张三", "局长"),
                    visitors: 18,
                    problem: Some((ProblemSource::Public, desc.into())),
                    measures: None,
                    done_on: None,
                    section: section.map(str::to_string),
                    slot: None,
                    deadline: None,
                    status: None,
                    unit: None,
                    seq: Default::default(),
                })
                .expect("row");
            }
        },
    );
    let s: Value = upload(
        &o.la,
        &format!("/api/v1/imports/window-stats?unit={}", o.a),
        stats.clone(),
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(s["sections_added"], 1, "{s}");
    assert_eq!(
        s["sections_added_names"],
        json!(["窗口服务科（区行政审批服务局）"])
    );
    assert_eq!(s["problems"], 3, "{s}");
    let units = o.la.json("/api/v1/units").await;
    let made = units["items"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["name"] == "窗口服务科")
        .cloned()
        .expect("the new section");
    assert_eq!(made["kind"], "section");
    assert_eq!(made["parent_id"], o.a);
    let again: Value = upload(
        &o.la,
        &format!("/api/v1/imports/window-stats?unit={}", o.a),
        stats,
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(
        (again["sections_added"].clone(), again["problems"].clone()),
        (json!(0), json!(0))
    );

    // A closed row whose measures the close form would refuse is refused too,
    // by row and column; so is a way of walking the policy (003) does not use.
    let bad = table(SheetKind::Ledger, &meta("区行政审批服务局"), |w| {
        w.ledger(&ledger_row(
            d,
            person("张三", "局长"),
            "企业开办",
            Mode::SelfService,
            Some("排队时间长"),
            Some("已整改"),
            Some(d),
            None,
        ))
        .expect("row");
        w.ledger(&ledger_row(
            d,
            person("张三", "局长"),
            "企业开办",
            Mode::Inspect,
            Some("指南不清"),
            None,
            None,
            None,
        ))
        .expect("row");
    });
    let e = problem(
        upload(&o.la, &format!("/api/v1/imports/ledger?unit={}", o.a), bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let fields: Vec<&str> = e["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|x| x["field"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        fields,
        ["row 6, column 整改及优化措施", "row 7, column 走流程形式"],
        "{e}"
    );
    assert!(
        e["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("已整改"),
        "{e}"
    );

    // 三个清单: 体验内容 is the item experienced, counted as a ledger's 体验事项 is.
    let q = Period::quarter_of(d);
    let report = || async {
        o.sup
            .json(&format!("/api/v1/reports/quarterly?period={q}"))
            .await["items_experienced"]
            .as_i64()
            .unwrap_or(-1)
    };
    let before = report().await;
    let lm = SheetMeta {
        official: Some("张三".into()),
        activity_kind: Some(ActivityKind::Walk),
        date: Some(d),
        ..meta("区行政审批服务局")
    };
    let lists = table(SheetKind::Lists, &lm, |w| {
        w.lists(&ListsEntry {
            row: 0,
            place: "区政务服务中心".into(),
            content: "不动产登记\n企业开办".into(),
            mode: Some(Mode::SelfService),
            problem: None,
            need: None,
            measure: None,
            deadline: None,
            effect: None,
            note: None,
            status: None,
            seq: Default::default(),
        })
        .expect("row");
    });
    let s: Value = upload(&o.la, "/api/v1/imports/lists", lists)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        (s["activities"].clone(), s["items_added"].clone()),
        (json!(1), json!(2)),
        "{s}"
    );
    assert_eq!(report().await, before + 2, "two distinct items experienced");
}

/// A package whose shared strings unpack to `mb` megabytes of one letter:
/// a few kilobytes on the wire.
fn strings_bomb(mb: usize) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", opts).expect("part");
    zip.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#)
        .expect("write");
    zip.start_file("xl/sharedStrings.xml", opts).expect("part");
    zip.write_all(br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>"#)
        .expect("write");
    let chunk = vec![b'A'; 1024 * 1024];
    for _ in 0..mb {
        zip.write_all(&chunk).expect("write");
    }
    zip.write_all(b"</t></si></sst>").expect("write");
    zip.finish().expect("zip").into_inner()
}

#[tokio::test]
async fn a_table_beyond_the_import_limits_is_refused_naming_the_limit_and_writes_nothing() {
    let uploads = zlc_app::settings::Uploads {
        import_max_mb: 1,
        import_strings_mb: 2,
        import_max_rows: 8,
        ..test_uploads()
    };
    let o = office_on(spawn_configured(Default::default(), uploads).await).await;
    let path = format!("/api/v1/imports/ledger?unit={}", o.a);

    // A small file whose text unpacks beyond the limit is never opened.
    let bomb = strings_bomb(8);
    assert!(bomb.len() < 100 * 1024, "{} bytes", bomb.len());
    let p = problem(
        upload(&o.la, &path, bomb).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("共享字符串）解压后超过上限 2 MB"),
        "{p}"
    );
    // The import had begun (its log row, its page cache) when the file was
    // refused: its connection went with it.
    pooled_caches_are_usual(&o.app).await;
    // More rows than allowed (the sample's title, header and four rows).
    let p = problem(
        upload(&o.la, &path, sample_ledger()).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("超过 8 行的上限"),
        "{p}"
    );
    // A file bigger than the upload limit.
    let big: Vec<u8> = (0u64..(3 * 1024 * 1024 / 2))
        .map(|i| (i * 7919 % 251) as u8)
        .collect();
    let p = problem(
        upload(&o.la, &path, big).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("超过 1 MB 的上限"),
        "{p}"
    );
    assert_eq!(count(&o.app, "problems").await, 0);
    assert_eq!(count(&o.app, "activities").await, 0);
    // Within the limits the same server imports.
    let r = upload(
        &o.la,
        &path,
        table(SheetKind::Ledger, &meta("区行政审批服务局"), |w| {
            w.ledger(&ledger_row(
                ago(20),
                person("张三", "局长"),
                "企业开办",
                Mode::SelfService,
                Some("证明材料重复提交"),
                Some("推行告知承诺制，取消营业执照复印件等2项证明材料"),
                Some(ago(10)),
                Some("审批科"),
            ))
            .expect("row");
        }),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{}",
        r.text().await.unwrap_or_default()
    );
}

#[tokio::test]
async fn a_ledger_is_not_imported_into_a_period_its_unit_has_handed_in() {
    let o = office().await;
    let period = Period::quarter_of(ago(20)).to_string();
    let row: Value =
        o.la.post(
            "/api/v1/submissions",
            json!({"unit_id": o.a, "report": "quarterly-lists", "period": period}),
        )
        .await
        .json()
        .await
        .expect("json");
    let path = format!("/api/v1/imports/ledger?unit={}&name=台账.xlsx", o.a);
    let r = upload(&o.la, &path, sample_ledger()).await;
    let e = problem(r, StatusCode::CONFLICT).await;
    assert!(
        e["detail"].as_str().expect("detail").contains("已锁定"),
        "{e}"
    );
    assert_eq!(
        count(&o.app, "problems").await,
        0,
        "nothing is half-written"
    );
    assert_eq!(count(&o.app, "activities").await, 0);
    // Returned: the same file goes in.
    let id = row["submission_id"].as_i64().expect("id");
    let r = o
        .sup
        .post(
            &format!("/api/v1/submissions/{id}/return"),
            json!({"version": row["version"], "reason": "台账尚未导入，请补报"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        upload(&o.la, &path, sample_ledger()).await.status(),
        StatusCode::OK
    );
    assert_eq!(count(&o.app, "problems").await, 3);
}

#[tokio::test]
async fn a_units_table_imported_by_the_lead_office_counts_as_its_submission_or_nothing_is_written()
{
    let o = office().await;
    let period = Period::quarter_of(ago(20)).to_string();
    let path = |dry: bool| {
        format!(
            "/api/v1/imports/ledger?unit={}&name=台账.xlsx&submit_report=quarterly-lists&submit_period={period}{}",
            o.a,
            if dry { "&dry_run=true" } else { "" }
        )
    };
    // The sample has a problem with no 责任科室 in a unit that has sections:
    // as a submission it is incomplete, and nothing is written.
    let e = problem(
        upload(&o.sup, &path(false), sample_ledger()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let detail = e.to_string();
    assert!(
        detail.contains("区行政审批服务局") && detail.contains("未明确责任科室"),
        "{e}"
    );
    assert_eq!(
        count(&o.app, "problems").await,
        0,
        "nothing is half-written"
    );
    assert_eq!(count(&o.app, "activities").await, 0);
    assert_eq!(
        submission_status(&o.sup, &period, o.a).await,
        "not-submitted"
    );

    // A complete table: checked first (it would count, nothing is written) …
    let complete = table(SheetKind::Ledger, &meta("区行政审批服务局"), |w| {
        w.ledger(&ledger_row(
            ago(20),
            person("张三", "局长"),
            "企业开办",
            Mode::SelfService,
            Some("证明材料重复提交"),
            Some("推行告知承诺制，取消营业执照复印件等2项证明材料"),
            Some(ago(10)),
            Some("审批科"),
        ))
        .expect("row");
    });
    let r = upload(&o.sup, &path(true), complete.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let checked: Value = r.json().await.expect("json");
    assert_eq!(checked["submitted"], true, "{checked}");
    assert_eq!(count(&o.app, "problems").await, 0);
    assert_eq!(
        submission_status(&o.sup, &period, o.a).await,
        "not-submitted"
    );
    // … then imported: written and submitted together.
    let r = upload(&o.sup, &path(false), complete.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let done: Value = r.json().await.expect("json");
    assert_eq!(done["submitted"], true, "{done}");
    assert_eq!(count(&o.app, "problems").await, 1);
    assert!(
        ["submitted", "late"].contains(&submission_status(&o.sup, &period, o.a).await.as_str()),
        "unit a has handed in its lists"
    );
    // The period is locked now: the same table again changes nothing, and
    // one with more rows of the period is refused whole.
    let plain = format!("/api/v1/imports/ledger?unit={}&name=台账.xlsx", o.a);
    let again: Value = upload(&o.la, &plain, complete)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(again["unchanged"], 1, "{again}");
    let e = problem(
        upload(&o.la, &plain, sample_ledger()).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(e["detail"].as_str().unwrap_or("").contains("已锁定"), "{e}");
    assert_eq!(count(&o.app, "problems").await, 1);

    // Half a request is refused by name; a table of no unit cannot be one.
    let e = problem(
        upload(
            &o.sup,
            &format!(
                "/api/v1/imports/ledger?unit={}&submit_report=quarterly-lists",
                o.a
            ),
            sample_ledger(),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["errors"][0]["field"], "submit_period", "{e}");
    let e = problem(
        upload(
            &o.sup,
            &format!(
                "/api/v1/imports/ledger?unit={}&submit_report=no-such-report&submit_period={period}",
                o.b
            ),
            sample_ledger(),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(e["errors"][0]["field"], "report", "{e}");
}

/// Unit `unit`'s status on the 报送 board of 003's quarterly lists.
async fn submission_status(s: &Session, period: &str, unit: i64) -> String {
    let b = s
        .json(&format!(
            "/api/v1/submissions?report=quarterly-lists&period={period}"
        ))
        .await;
    b["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["unit_id"] == unit)
        .and_then(|r| r["status"].as_str())
        .expect("the unit is on the board")
        .to_string()
}
