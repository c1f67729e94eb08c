//! The seeds' tables through the reader and the writer: what people really
//! type reads as it should, every bad cell is named, and what zlc writes
//! reads back as it was.

use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::io::Cursor;
use zlc_domain::campaign::plan::HalfDay;
use zlc_domain::kinds::{ActivityKind, Mode};
use zlc_domain::ledger::ProblemSource;
use zlc_domain::registry::{HandlingMode, ItemType, ServiceObject, UnitCategory, UnitKind};
use zlc_domain::sheets::{
    Entries, ItemEntry, LedgerEntry, ListsEntry, PersonRef, ScheduleEntry, SheetKind, SheetMeta,
    UnitEntry, WindowStatEntry,
};
use zlc_office::read::read;
use zlc_office::write::TableWriter;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

fn person(name: &str, title: &str) -> PersonRef {
    PersonRef {
        name: name.into(),
        title: title.into(),
    }
}

/// A sheet as a unit might type it: cells given row by row, `None` blank.
fn handmade(
    rows: &[Vec<&str>],
    merges: &[(u32, u16, u32, u16)],
    extra: impl Fn(&mut rust_xlsxwriter::Worksheet),
) -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    let f = Format::new();
    for &(r1, c1, r2, c2) in merges {
        let text = rows[r1 as usize].get(c1 as usize).copied().unwrap_or("");
        ws.merge_range(r1, c1, r2, c2, text, &f).expect("merge");
    }
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            if v.is_empty()
                || merges.iter().any(|&(r1, c1, r2, c2)| {
                    (r1..=r2).contains(&(r as u32)) && (c1..=c2).contains(&(c as u16))
                })
            {
                continue;
            }
            ws.write_string(r as u32, c as u16, *v).expect("write");
        }
    }
    extra(ws);
    book.save_to_buffer().expect("save")
}

#[test]
fn a_ledger_as_people_fill_it_in() {
    let rows: Vec<Vec<&str>> = vec![
        vec!["“干部走流程”问题整改台账"],
        vec!["填报单位(盖章):区行政审批局"],
        vec!["填报日期: 2024年4月10日"],
        vec![
            "序号",
            "时间",
            "流程人员\n及职务",
            "体验事项",
            "走流程形式",
            "",
            "",
            "",
            "存在问题及\n原因",
            "整改及\n优化措施",
            "整改完\n成时间",
            "责任科室",
        ],
        vec!["", "", "", "", "驻窗办", "亲身办", "陪同办", "检验办"],
        vec![
            "1",
            "2024.3.5",
            "张三 分管局长",
            "企业开办",
            "",
            "✓",
            "",
            "",
            "证明材料重复提交。原因：部门间数据未共享",
            "推行告知承诺制",
            "2024年3月20日",
            "审批科",
        ],
        vec![
            "2",
            "3月12日上午",
            "李四（局长）",
            "不动产登记",
            "√",
            "",
            "",
            "",
            "无",
            "",
            "",
            "",
        ],
        vec![
            "3",
            "",
            "王五 审批科科长",
            "",
            "",
            "",
            "是",
            "",
            "网办流程不畅",
            "优化网办指引",
            "",
            "审批科",
        ],
        vec!["4"],
        vec!["...", "", "", "", "", "", "", "", "", "", "", ""],
        vec!["填报人: 赵六"],
        vec!["联系方式: 0632-8355066"],
    ];
    let bytes = handmade(&rows, &[(3, 4, 3, 7), (3, 0, 4, 0), (3, 1, 4, 1)], |ws| {
        // Row 8 carries a real Excel date and a serial number.
        ws.write_datetime(7, 1, ExcelDateTime::from_ymd(2024, 3, 18).expect("date"))
            .expect("date");
        ws.write_number(7, 10, 45382.0).expect("serial");
    });
    let parsed = read(Cursor::new(bytes), SheetKind::Ledger).expect("read");
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(parsed.sheets.len(), 1);
    let sheet = &parsed.sheets[0];
    assert_eq!(sheet.meta.unit.as_deref(), Some("区行政审批局"));
    assert_eq!(sheet.meta.date, Some(d(2024, 4, 10)));
    assert_eq!(sheet.meta.filled_by.as_deref(), Some("赵六"));
    assert_eq!(sheet.meta.contact.as_deref(), Some("0632-8355066"));
    let Entries::Ledger(rows) = &sheet.entries else {
        panic!("ledger entries")
    };
    assert_eq!(
        rows.len(),
        3,
        "the numbered empty row and the ... row are skipped"
    );
    assert_eq!(
        rows[0],
        LedgerEntry {
            row: 6,
            date: d(2024, 3, 5),
            person: person("张三", "分管局长"),
            item: Some("企业开办".into()),
            mode: Mode::SelfService,
            problem: Some(("证明材料重复提交".into(), Some("部门间数据未共享".into()))),
            measures: Some("推行告知承诺制".into()),
            done_on: Some(d(2024, 3, 20)),
            section: Some("审批科".into()),
            slot: None,
            deadline: None,
            status: None,
            unit: None,
            seq: Default::default(),
        }
    );
    // The year of 3月12日 comes from the 填报日期 line; 无 is a walk that found nothing.
    assert_eq!(rows[1].date, d(2024, 3, 12));
    assert_eq!(rows[1].mode, Mode::Window);
    assert_eq!(rows[1].person, person("李四", "局长"));
    assert_eq!(rows[1].problem, None);
    assert_eq!(rows[2].date, d(2024, 3, 18));
    assert_eq!(rows[2].mode, Mode::Accompany);
    assert_eq!(rows[2].done_on, Some(d(2024, 3, 31)));
}

#[test]
fn every_bad_cell_is_named_by_row_and_column() {
    let rows: Vec<Vec<&str>> = vec![
        vec!["“干部走流程”问题整改台账"],
        vec!["填报单位(盖章):区行政审批局"],
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
            "2024.13.5",
            "张三 分管局长",
            "企业开办",
            "√",
            "",
            "",
            "",
            "排队时间长",
            "",
            "",
            "",
        ],
        vec![
            "2",
            "2024.3.6",
            "",
            "企业开办",
            "",
            "",
            "",
            "",
            "排队时间长",
            "",
            "下周",
            "",
        ],
        vec![
            "3",
            "3月7日",
            "王五",
            "企业开办",
            "√",
            "√",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        vec![
            "4",
            "2024.3.8",
            "赵六",
            "企业开办",
            "√",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        vec![
            "5",
            "2024.3.8",
            "赵六",
            "企业开办",
            "√",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ];
    let bytes = handmade(&rows, &[], |_| {});
    let parsed = read(Cursor::new(bytes), SheetKind::Ledger).expect("read");
    let errors: Vec<String> = parsed.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "row 4, column 时间: 无法识别的日期「2024.13.5」",
            "row 5, column 流程人员及职务: 不能为空",
            "row 5, column 走流程形式: 须在驻窗办、亲身办、陪同办、检验办中勾选一项",
            "row 5, column 整改完成时间: 无法识别的日期「下周」",
            "row 6, column 时间: 日期「3月7日」没有年份，且无法从期间或填报时间推定",
            "row 6, column 走流程形式: 只能勾选一项，却勾选了驻窗办、亲身办",
        ]
    );
    // Rows 7 and 8 read alike: two walks that found nothing, not a mistake.
    let Entries::Ledger(read) = &parsed.sheets[0].entries else {
        panic!("ledger rows")
    };
    let walks: Vec<(u32, u32)> = read.iter().map(|e| (e.row, e.seq.walk)).collect();
    assert_eq!(walks, [(7, 0), (8, 1)]);
}

/// A ledger of zlc's own columns and of rows that look alike, as a county's
/// export of several units writes it.
#[test]
fn rows_that_look_alike_are_told_apart_and_zlc_columns_read_back() {
    let header = vec![
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
        "整改时限",
        "整改状态",
        "单位",
    ];
    let row = |no: &'static str,
               date: &'static str,
               problem: &'static str,
               done: &'static str,
               due: &'static str,
               status: &'static str,
               unit: &'static str| {
        vec![
            no,
            date,
            "张三 局长",
            "企业开办\n个体工商户登记",
            "",
            "√",
            "",
            "",
            problem,
            "",
            done,
            "",
            due,
            status,
            unit,
        ]
    };
    let rows: Vec<Vec<&str>> = vec![
        vec!["“干部走流程”问题整改台账"],
        vec!["填报单位(盖章): 示范区"],
        vec!["填报日期: 2024年4月10日"],
        header,
        row(
            "1",
            "2024年3月5日",
            "排队长",
            "",
            "2024年4月30日",
            "待整改",
            "",
        ),
        row(
            "2",
            "2024年3月5日",
            "排队长",
            "",
            "2024年4月30日",
            "待整改",
            "",
        ),
        row("3", "2024年3月5日（第2次）", "排队长", "整改中", "", "", ""),
        row("4", "2024年3月5日下午", "无", "", "", "", ""),
        row(
            "5",
            "2024年3月5日",
            "排队长",
            "",
            "",
            "已整改·待验收",
            "南门街道办事处便民服务中心",
        ),
    ];
    let parsed = read(Cursor::new(handmade(&rows, &[], |_| {})), SheetKind::Ledger).expect("read");
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let Entries::Ledger(read) = &parsed.sheets[0].entries else {
        panic!("ledger rows")
    };
    let seen: Vec<(u32, u32, Option<&str>)> = read
        .iter()
        .map(|e| (e.seq.walk, e.seq.repeat, e.slot.as_deref()))
        .collect();
    assert_eq!(
        seen,
        [
            (0, 0, None),
            (0, 1, None),
            (1, 0, Some("第2次")),
            (2, 0, Some("下午")),
            (0, 0, None),
        ],
        "the same problem twice is two problems; later walks of a day are told apart"
    );
    assert_eq!(read[0].deadline, Some(d(2024, 4, 30)));
    assert_eq!(
        read[0].status,
        Some(zlc_domain::kinds::ProblemStatus::Pending)
    );
    assert_eq!(read[0].done_on, None);
    // 整改中 written where the completion date goes.
    assert_eq!(
        read[2].status,
        Some(zlc_domain::kinds::ProblemStatus::InProgress)
    );
    assert_eq!(read[2].done_on, None);
    assert_eq!(
        read[4].status,
        Some(zlc_domain::kinds::ProblemStatus::AwaitingVerification)
    );
    assert_eq!(read[4].unit.as_deref(), Some("南门街道办事处便民服务中心"));
    assert_eq!(read[0].item.as_deref(), Some("企业开办\n个体工商户登记"));
}

/// 整改时限 written instead of 整改完成时间 is a deadline, and the table
/// still reads; an unknown status is named.
#[test]
fn a_deadline_column_instead_of_completion_and_bad_statuses() {
    let rows: Vec<Vec<&str>> = vec![
        vec!["“干部走流程”问题整改台账"],
        vec!["填报日期: 2024年4月10日"],
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
            "整改时限",
            "整改状态",
        ],
        vec![
            "1",
            "2024.3.5",
            "张三",
            "企业开办",
            "",
            "√",
            "",
            "",
            "排队长",
            "",
            "2024.4.30",
            "",
        ],
        vec![
            "2",
            "2024.3.6",
            "张三",
            "企业开办",
            "",
            "√",
            "",
            "",
            "排队长",
            "",
            "",
            "差不多了",
        ],
    ];
    let parsed = read(Cursor::new(handmade(&rows, &[], |_| {})), SheetKind::Ledger).expect("read");
    let errors: Vec<String> = parsed.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "row 5, column 整改状态: 「差不多了」不是有效的取值，可选：待整改、整改中、已整改·待验收、已销号"
        ]
    );
    let Entries::Ledger(read) = &parsed.sheets[0].entries else {
        panic!("ledger rows")
    };
    assert_eq!(read[0].deadline, Some(d(2024, 4, 30)));
    assert_eq!(read[0].done_on, None);
}

#[test]
fn templates_carry_the_seeds_columns_only() {
    let mut w = TableWriter::template(SheetKind::Ledger);
    let meta = SheetMeta::default();
    w.begin("台账", &meta).expect("begin");
    w.row(vec![zlc_office::write::Out::Blank; w.values_per_row()])
        .expect("row");
    w.end(&meta).expect("end");
    let bytes = w.into_bytes().expect("bytes");
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes)).expect("xlsx");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).expect("sheet");
    let cells: Vec<String> = range.cells().map(|(_, _, v)| v.to_string()).collect();
    assert!(cells.iter().any(|c| c == "责任科室"), "{cells:?}");
    for extra in ["整改时限", "整改状态", "单位"] {
        assert!(!cells.iter().any(|c| c == extra), "{extra} in {cells:?}");
    }
}

#[test]
fn a_file_of_another_kind_says_what_its_header_lacks() {
    let rows: Vec<Vec<&str>> = vec![vec!["序号", "姓名", "职务", "联系电话"]];
    let err = read(Cursor::new(handmade(&rows, &[], |_| {})), SheetKind::Items).unwrap_err();
    assert!(err.to_string().contains("“干部走流程”事项清单"), "{err}");
    let err = read(Cursor::new(b"not a spreadsheet".to_vec()), SheetKind::Items).unwrap_err();
    assert!(err.to_string().contains("不是有效的 Excel"), "{err}");
    // A header that has most columns but not all names the missing ones.
    let rows: Vec<Vec<&str>> = vec![
        vec!["序号", "日期", "姓名", "备注"],
        vec!["1", "2024.4.1", "张三", ""],
    ];
    let parsed = read(
        Cursor::new(handmade(&rows, &[], |_| {})),
        SheetKind::WindowSchedule,
    )
    .expect("read");
    assert_eq!(parsed.errors[0].to_string(), "row 1: 表头缺少「职务」列");
}

fn meta(unit: &str) -> SheetMeta {
    SheetMeta {
        unit: Some(unit.into()),
        date: Some(d(2024, 4, 10)),
        filled_by: Some("赵六".into()),
        contact: Some("8355066".into()),
        ..SheetMeta::default()
    }
}

fn round_trip(
    kind: SheetKind,
    meta: &SheetMeta,
    write: impl Fn(&mut TableWriter),
) -> (SheetMeta, Entries) {
    let mut w = TableWriter::new(kind);
    w.begin("表1", meta).expect("begin");
    write(&mut w);
    w.end(meta).expect("end");
    let bytes = w.into_bytes().expect("bytes");
    let parsed = read(Cursor::new(bytes), kind).expect("read back");
    assert!(parsed.errors.is_empty(), "{kind:?}: {:?}", parsed.errors);
    let s = parsed.sheets.into_iter().next().expect("a sheet");
    (s.meta, s.entries)
}

#[test]
fn what_zlc_writes_reads_back_as_it_was() {
    let m = meta("区行政审批局");
    // The row numbers follow the layout: title, two lines, the header.
    let items = vec![ItemEntry {
        row: 5,
        name: "企业开办".into(),
        item_type: ItemType::OneThing,
        service_object: ServiceObject::Enterprise,
        handling_mode: HandlingMode::Both,
        channel: Some("网址: https://zwfw.example.gov.cn".into()),
        section: Some("审批科".into()),
        contact: Some("8355066".into()),
        note: None,
        unit: None,
    }];
    let (back, entries) = round_trip(SheetKind::Items, &m, |w| w.item(&items[0]).expect("row"));
    assert_eq!(back, m);
    assert_eq!(entries, Entries::Items(items));

    let ledger = vec![
        LedgerEntry {
            row: 6,
            date: d(2024, 3, 5),
            person: person("张三", "分管局长"),
            item: Some("企业开办".into()),
            mode: Mode::Inspect,
            problem: Some(("证明材料重复提交".into(), Some("数据未共享".into()))),
            measures: Some("推行告知承诺制".into()),
            done_on: Some(d(2024, 3, 20)),
            section: Some("审批科".into()),
            slot: None,
            deadline: None,
            status: None,
            unit: None,
            seq: Default::default(),
        },
        LedgerEntry {
            row: 7,
            date: d(2024, 3, 6),
            person: person("李四", ""),
            item: None,
            mode: Mode::Window,
            problem: None,
            measures: None,
            done_on: None,
            section: None,
            slot: None,
            deadline: None,
            status: None,
            unit: None,
            seq: Default::default(),
        },
    ];
    let (_, entries) = round_trip(SheetKind::Ledger, &m, |w| {
        for e in &ledger {
            w.ledger(e).expect("row");
        }
    });
    assert_eq!(entries, Entries::Ledger(ledger));

    let schedule = vec![ScheduleEntry {
        row: 5,
        date: d(2024, 4, 8),
        slot: HalfDay::Am,
        person: person("张三", "分管局长"),
        phone: Some("18300000000".into()),
        note: None,
        unit: None,
    }];
    let (_, entries) = round_trip(SheetKind::WindowSchedule, &m, |w| {
        w.schedule(&schedule[0]).expect("row")
    });
    assert_eq!(entries, Entries::WindowSchedule(schedule));

    let stats = vec![
        WindowStatEntry {
            row: 6,
            date: d(2024, 4, 8),
            person: person("张三", "分管局长"),
            visitors: 23,
            problem: Some((ProblemSource::Staff, "自助终端故障".into())),
            measures: Some("联系厂家维修".into()),
            done_on: Some(d(2024, 4, 9)),
            section: Some("审批科".into()),
            slot: None,
            deadline: None,
            status: None,
            unit: None,
            seq: Default::default(),
        },
        WindowStatEntry {
            row: 7,
            date: d(2024, 4, 9),
            person: person("李四", "科长"),
            visitors: 0,
            problem: None,
            measures: None,
            done_on: None,
            section: None,
            slot: None,
            deadline: None,
            status: None,
            unit: None,
            seq: Default::default(),
        },
    ];
    let (_, entries) = round_trip(SheetKind::WindowStats, &m, |w| {
        for e in &stats {
            w.window_stat(e).expect("row");
        }
    });
    assert_eq!(entries, Entries::WindowStats(stats));

    let lm = SheetMeta {
        official: Some("张三".into()),
        activity_kind: Some(ActivityKind::Walk),
        filled_by: None,
        contact: None,
        ..meta("区行政审批局")
    };
    let lists = vec![ListsEntry {
        row: 4,
        place: "区政务服务中心".into(),
        content: "企业开办".into(),
        mode: Some(Mode::Proxy),
        problem: Some("窗口少、排队长".into()),
        need: Some("延长午间服务".into()),
        measure: Some("增设2个窗口".into()),
        deadline: Some(d(2024, 5, 1)),
        effect: Some("等候时间由40分钟缩短至10分钟".into()),
        note: None,
        status: None,
        seq: Default::default(),
    }];
    let (back, entries) = round_trip(SheetKind::Lists, &lm, |w| w.lists(&lists[0]).expect("row"));
    assert_eq!(back.unit, lm.unit);
    assert_eq!(back.official, lm.official);
    assert_eq!(back.activity_kind, lm.activity_kind);
    assert_eq!(back.date, lm.date);
    assert_eq!(entries, Entries::Lists(lists));

    let units = vec![UnitEntry {
        row: 5,
        name: "区行政审批局".into(),
        parent: Some("碑林区".into()),
        kind: UnitKind::Department,
        categories: vec![UnitCategory::Approval, UnitCategory::Enforcement],
    }];
    let (_, entries) = round_trip(SheetKind::Units, &m, |w| w.unit(&units[0]).expect("row"));
    assert_eq!(entries, Entries::Units(units));
}

#[test]
fn three_lists_come_one_table_per_sheet() {
    let mut w = TableWriter::new(SheetKind::Lists);
    for (name, kind) in [
        ("张三", ActivityKind::Walk),
        ("李四", ActivityKind::Enforce),
    ] {
        let m = SheetMeta {
            unit: Some("区司法局".into()),
            official: Some(name.into()),
            activity_kind: Some(kind),
            date: Some(d(2024, 3, 1)),
            ..SheetMeta::default()
        };
        w.begin(&format!("{}-{name}", kind.label_zh()), &m)
            .expect("begin");
        w.lists(&ListsEntry {
            row: 0,
            place: "现场".into(),
            content: "执法检查".into(),
            mode: None,
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
        w.end(&m).expect("end");
    }
    let parsed = read(
        Cursor::new(w.into_bytes().expect("bytes")),
        SheetKind::Lists,
    )
    .expect("read");
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let who: Vec<_> = parsed
        .sheets
        .iter()
        .map(|s| {
            (
                s.name.clone(),
                s.meta.official.clone(),
                s.meta.activity_kind,
            )
        })
        .collect();
    assert_eq!(
        who,
        [
            (
                "走流程-张三".to_string(),
                Some("张三".to_string()),
                Some(ActivityKind::Walk)
            ),
            (
                "跟执法-李四".to_string(),
                Some("李四".to_string()),
                Some(ActivityKind::Enforce)
            ),
        ]
    );
}

#[test]
fn a_table_too_long_for_one_sheet_goes_on_in_the_next_and_reads_back_whole() {
    let mut w = TableWriter::new(SheetKind::Units);
    w.set_rows_per_sheet(3);
    let m = meta("示范区");
    w.begin("单位名单", &m).expect("begin");
    for i in 0..7 {
        w.unit(&UnitEntry {
            row: 0,
            name: format!("单位{i}"),
            parent: Some("示范区".into()),
            kind: UnitKind::Department,
            categories: vec![],
        })
        .expect("row");
    }
    w.end(&m).expect("end");
    let parsed = read(
        Cursor::new(w.into_bytes().expect("bytes")),
        SheetKind::Units,
    )
    .expect("read");
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let names: Vec<&str> = parsed.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["单位名单", "单位名单(2)", "单位名单(3)"]);
    assert_eq!(parsed.rows(), 7);
}

/// The `<row …>` start tags of the first sheet, in order.
fn row_tags(xlsx: &[u8]) -> Vec<String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(Cursor::new(xlsx)).expect("zip");
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .expect("sheet1")
        .read_to_string(&mut xml)
        .expect("xml");
    xml.split("<row ")
        .skip(1)
        .map(|r| r[..r.find('>').expect("tag end")].to_string())
        .collect()
}

#[test]
fn wrapped_rows_are_sized_up_to_the_budget_and_the_rest_left_to_the_reader() {
    let mut w = TableWriter::new(SheetKind::Units);
    w.set_sized_rows(2);
    let m = meta("示范区");
    w.begin("单位名单", &m).expect("begin");
    let long = "市场监督管理局登记注册科窗口服务与行政审批协调办公室".repeat(3);
    for name in [long.as_str(), "短名", long.as_str(), long.as_str()] {
        w.unit(&UnitEntry {
            row: 0,
            name: name.to_string(),
            parent: None,
            kind: UnitKind::Department,
            categories: vec![],
        })
        .expect("row");
    }
    w.end(&m).expect("end");
    let tags = row_tags(&w.into_bytes().expect("bytes"));
    // Title, two lines, header; then the four rows.
    let data = &tags[4..8];
    let sized: Vec<bool> = data.iter().map(|t| t.contains("customHeight")).collect();
    // The short row needs no height and takes none of the budget.
    assert_eq!(sized, [true, false, true, false], "{data:?}");
}
