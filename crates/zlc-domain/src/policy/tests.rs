#![allow(clippy::unwrap_used)] // a panic is how a test reports failure

use super::*;
use crate::kinds::{ActivityKind as K, Disposition, Grade, Mode, Rank};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn p(s: &str) -> Period {
    Period::parse(s).unwrap()
}

fn load(code: &str) -> Policy {
    let pr = preset(code).unwrap();
    match Policy::from_toml(pr.source) {
        Ok(p) => p,
        Err(e) => panic!("{code}: {e}"),
    }
}

/// 1-based line of the first line containing `needle`.
fn line_of(src: &str, needle: &str) -> usize {
    src.lines().position(|l| l.contains(needle)).unwrap() + 1
}

fn errors_of(src: &str) -> Vec<PolicyError> {
    Policy::from_toml(src).unwrap_err().0
}

/// The 003 preset with `from` replaced by `to` (which must occur).
fn edited(from: &str, to: &str) -> String {
    let src = preset("003").unwrap().source;
    assert!(src.contains(from), "{from}");
    src.replacen(from, to, 1)
}

#[test]
fn every_preset_loads() {
    assert_eq!(presets().len(), 5);
    for pr in presets() {
        let policy = Policy::from_toml(pr.source).unwrap_or_else(|e| panic!("{}: {e}", pr.code));
        assert_eq!(policy.meta.code, pr.code);
        assert_eq!(pr.policy(), policy);
        assert!(policy.meta.seed.starts_with(&pr.code[..3]), "{}", pr.code);
        assert!(!policy.requirements.is_empty(), "{}", pr.code);
    }
}

#[test]
fn presets_by_code_or_prefix() {
    assert_eq!(preset("003").unwrap().code, "003-beilin");
    assert_eq!(preset("003-beilin").unwrap().code, "003-beilin");
    assert_eq!(preset("001").unwrap().code, "001-zaozhuang-gaoxin");
    assert!(preset("005").is_none());
    assert!(preset("beilin").is_none());
    assert!(preset("").is_none());
}

#[test]
fn serde_reading_agrees_with_the_checked_reader() {
    // The serde types (deny_unknown_fields) and the hand reader must agree
    // on every valid file.
    for pr in presets() {
        let via_serde: Policy =
            toml::from_str(pr.source).unwrap_or_else(|e| panic!("{}: {e}", pr.code));
        assert_eq!(via_serde, pr.policy(), "{}", pr.code);
    }
}

#[test]
fn json_round_trip() {
    for pr in presets() {
        let policy = pr.policy();
        let json = serde_json::to_string(&policy).unwrap();
        let back: Policy = serde_json::from_str(&json).unwrap();
        assert_eq!(back, policy, "{}", pr.code);
    }
    let json = serde_json::to_value(load("003")).unwrap();
    assert_eq!(json["filing"]["within_working_days"], 3);
    assert_eq!(json["kinds"]["walk"]["modes"][0], "self");
    assert_eq!(json["reports"][0]["due"]["day"], 20);
    assert_eq!(json["meta"]["issued"], "2022-05-27");
    let mut bad = json.clone();
    bad["filing"]["within_workingdays"] = serde_json::json!(3);
    assert!(serde_json::from_value::<Policy>(bad).is_err());
}

#[test]
fn preset_003_beilin() {
    let p003 = load("003");
    assert_eq!(p003.filing.within_working_days, 3);
    let kinds: Vec<K> = p003.kinds.keys().copied().collect();
    assert_eq!(kinds, [K::Walk, K::Window, K::Enforce, K::Complaint]);
    let walk = p003.kind(K::Walk).unwrap();
    let labels: Vec<&str> = walk.steps.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, ["审批服务", "业务检查", "服务回访", "座谈交流"]);
    assert_eq!(walk.check_items(), Some(&CountRange { min: 2, max: 3 }));
    assert_eq!(
        walk.callback_rule(),
        Some(&CallbackRule {
            min_valid: 3,
            lookback_months: 3
        })
    );
    assert_eq!(
        walk.callback_rule()
            .unwrap()
            .earliest_service_date(d("2024-05-31")),
        d("2024-02-29")
    );
    assert_eq!(p003.kind(K::Window).unwrap().required_steps().count(), 4);
    let enforce: Vec<&str> = p003.kinds[&K::Enforce]
        .steps
        .iter()
        .map(|s| s.label.as_str())
        .collect();
    assert_eq!(enforce, ["执法检查", "执法案件处理", "案卷评查"]);
    let complaint: Vec<&str> = p003.kinds[&K::Complaint]
        .steps
        .iter()
        .map(|s| s.label.as_str())
        .collect();
    assert_eq!(complaint, ["转办机制体验", "投诉问题分析", "全程参与处理"]);
    assert!(p003.allows(K::Walk, Mode::Proxy));
    assert!(!p003.allows(K::Walk, Mode::Cross));
    assert!(!p003.allows(K::Inspect, Mode::Inspect));

    let monthly = p003.report("monthly-stats").unwrap();
    assert_eq!(monthly.due.day, DueDay::Day(20));
    assert_eq!(monthly.due_date(p("2024-03")), Some(d("2024-03-20")));
    assert_eq!(monthly.due_date(p("2024Q1")), None);
    let quarterly = p003.report("quarterly-summary").unwrap();
    assert_eq!(quarterly.due.day, DueDay::Day(22));
    assert_eq!(quarterly.due_date(p("2024Q1")), Some(d("2024-03-22")));
    assert_eq!(quarterly.due_date(p("2024Q4")), Some(d("2024-12-22")));
    assert_eq!(
        p003.report("quarterly-lists")
            .unwrap()
            .due_date(p("2024Q2")),
        Some(d("2024-06-20"))
    );

    let freq = &p003.frequency[0];
    assert_eq!(freq.every, PeriodKind::Quarter);
    assert_eq!(freq.ranks, [Rank::Head]);
    assert_eq!(freq.delegate_to, [Rank::Deputy]);
    assert_eq!(
        p003.coverage.as_ref().unwrap().all_items_every,
        PeriodKind::Year
    );
    assert!(p003.plan.publish);
    assert_eq!(p003.instant.len(), 7);
    assert!(p003.rectification.lists.contains(&ListKind::Needs));
}

#[test]
fn preset_001_zaozhuang() {
    let p001 = load("001");
    assert_eq!(
        p001.meta.document_no.as_deref(),
        Some("枣高行审〔2024〕18号")
    );
    let window_every = |rank: Rank| -> Vec<PeriodKind> {
        p001.frequency
            .iter()
            .filter(|f| f.kinds == [K::Window] && f.ranks.contains(&rank))
            .map(|f| f.every)
            .collect()
    };
    assert_eq!(window_every(Rank::Head), [PeriodKind::Year]);
    assert_eq!(window_every(Rank::Deputy), [PeriodKind::Half]);
    assert_eq!(window_every(Rank::SectionChief), [PeriodKind::Quarter]);
    assert!(window_every(Rank::Staff).is_empty());
    let window = p001.kind(K::Window).unwrap();
    assert_eq!(window.min_duration_hours, Some(3.0));
    assert_eq!(window.modes, [Mode::Window]);
    assert_eq!(p001.kind(K::Inspect).unwrap().modes, [Mode::Inspect]);
    let schedule = p001
        .plan
        .schedules
        .iter()
        .find(|s| s.code == "window-schedule")
        .unwrap();
    assert_eq!(schedule.due_date(p("2024Q2")), Some(d("2024-04-20")));
    assert_eq!(schedule.due_date(p("2024Q3")), Some(d("2024-06-30")));
    assert_eq!(schedule.due_date(p("2025Q1")), Some(d("2024-12-31")));
    let items = p001
        .plan
        .schedules
        .iter()
        .find(|s| s.code == "item-list")
        .unwrap();
    assert_eq!(items.due_date(p("2024")), Some(d("2024-04-30")));
    assert_eq!(p001.rectification.immediate_working_days, 0);
    assert!(
        p001.rectification
            .dispositions
            .contains(&Disposition::Escalate)
    );
    // A yearly rule is checkable only in the period that ends the year.
    let head = p001
        .frequency_for(Rank::Head)
        .find(|f| f.kinds == [K::Window])
        .unwrap();
    assert!(head.due_in(p("2024Q1")).is_empty());
    assert_eq!(head.due_in(p("2024Q4")), [p("2024")]);
    assert_eq!(head.required_in(p("2024")), 1);
    let chief = p001
        .frequency_for(Rank::SectionChief)
        .find(|f| f.kinds == [K::Window])
        .unwrap();
    assert_eq!(chief.required_in(p("2024")), 4);
    assert_eq!(chief.required_in(p("2024H2")), 2);
    assert_eq!(chief.required_in(p("2024-03")), 1);
    assert_eq!(chief.required_in(p("2024-02")), 0);
}

#[test]
fn preset_000_bayingolin() {
    let p000 = load("000");
    let f = &p000.frequency[0];
    assert_eq!(f.every, PeriodKind::Quarter);
    assert_eq!(f.times, 1);
    assert_eq!(f.ranks.len(), 4);
    assert_eq!(f.first_due, Some(d("2024-02-09")));
    assert_eq!(
        p000.kind(K::Walk).unwrap().modes,
        [Mode::SelfService, Mode::Proxy, Mode::Accompany, Mode::Cross]
    );
    let cal = WorkCalendar::builtin();
    let change = p000
        .instant
        .iter()
        .find(|i| i.event == InstantEvent::ProcessChange)
        .unwrap();
    assert_eq!(change.deadline, InstantDeadline::SameMonth);
    assert_eq!(change.due_date(d("2024-03-05"), cal), Some(d("2024-03-31")));
    let cluster = p000
        .instant
        .iter()
        .find(|i| i.event == InstantEvent::ComplaintCluster)
        .unwrap();
    assert_eq!(cluster.deadline, InstantDeadline::Immediately);
    assert_eq!(
        cluster.due_date(d("2024-09-30"), cal),
        Some(d("2024-10-10"))
    );
    let plan = &p000.plan.schedules[0];
    assert_eq!(plan.due_date(p("2024")), Some(d("2023-12-31")));
    let record = p000.report("quarterly-record").unwrap();
    let dues: Vec<NaiveDate> = p("2024")
        .split(PeriodKind::Quarter)
        .into_iter()
        .filter_map(|q| record.due_date(q))
        .collect();
    assert_eq!(
        dues,
        [
            d("2024-04-30"),
            d("2024-07-31"),
            d("2024-10-31"),
            d("2024-12-31")
        ]
    );
}

#[test]
fn presets_002_and_004() {
    let p002 = load("002");
    assert_eq!(p002.frequency.len(), 1);
    assert_eq!(p002.frequency[0].every, PeriodKind::Half);
    assert_eq!(p002.frequency[0].ranks, [Rank::Head]);
    assert_eq!(p002.meta.issued, None);
    assert_eq!(p002.rectification.lists.len(), 3);
    assert_eq!(
        p002.report("quarterly-report")
            .unwrap()
            .due_date(p("2024Q4")),
        Some(d("2025-01-10"))
    );

    let p004 = load("004");
    let titles: Vec<&str> = p004.requirements.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "压实落靠责任",
            "持续守正创新",
            "紧盯问题整改",
            "强化考核督导"
        ]
    );
    let f = &p004.formalism;
    assert_eq!(f.clustered_dates.within_days, 1);
    assert_eq!(
        f.shallow_problems.matched_keyword("灭火器摆放不规范"),
        Some("灭火器")
    );
    assert_eq!(f.shallow_problems.matched_keyword("证明材料重复提交"), None);
    let r = &f.perfunctory_rectification;
    assert!(r.judge("排队时间长", "已整改。", "群众满意").is_some());
    assert!(
        r.judge(
            "排队时间长",
            "将医保窗口由2个增加到4个，并增加2个电子服务终端",
            "等待时间由40分钟缩短到10分钟"
        )
        .is_none()
    );
    assert_eq!(f.empty_walks.min_per_official, 1);
    assert!(
        p004.rectification
            .close_requires
            .contains(&CloseField::Evidence)
    );
}

#[test]
fn grading_score_and_grade() {
    let g = load("003").grading;
    let full = ScoreInput {
        walks_done: 4,
        walks_required: 4,
        problems_found: 10,
        problems_closed: 10,
        ..ScoreInput::default()
    };
    assert_eq!(g.score(&full), 100.0);
    assert_eq!(g.grade(g.score(&full)), Grade::Excellent);
    let half = ScoreInput {
        walks_done: 2,
        problems_closed: 8,
        overdue: 1,
        late_filings: 1,
        ..full
    };
    // 50 * 0.5 + 50 * 0.8 - 2 - 1 = 62
    assert_eq!(g.score(&half), 62.0);
    assert_eq!(g.grade(62.0), Grade::Fair);
    assert_eq!(g.grade(85.0), Grade::Good);
    assert_eq!(g.grade(10.0), Grade::Poor);
    let awful = ScoreInput {
        formalism_findings: 100,
        ..ScoreInput::default()
    };
    assert_eq!(g.score(&awful), 0.0);
    // Nothing required and nothing found counts as complete.
    assert_eq!(g.score(&ScoreInput::default()), 100.0);
}

#[test]
fn deadlines_from_the_calendar() {
    let p003 = load("003");
    let cal = WorkCalendar::builtin();
    assert_eq!(p003.filing.due_date(d("2024-09-30"), cal), d("2024-10-10"));
    let r = &p003.rectification;
    assert_eq!(
        r.default_deadline(d("2024-09-30"), Disposition::Immediate, cal),
        Some(d("2024-10-08"))
    );
    assert_eq!(
        r.default_deadline(d("2024-09-30"), Disposition::Escalate, cal),
        None
    );
    assert_eq!(r.review_date(d("2024-01-01")), d("2024-03-31"));
    assert!(r.needs_verification());
}

#[test]
fn a_typo_in_a_key_is_named_with_its_line() {
    let src = edited("[[frequency]]", "[[frequncy]]");
    let errs = errors_of(&src);
    let e = errs.iter().find(|e| e.key == "frequncy").unwrap();
    assert_eq!(e.line, line_of(&src, "[[frequncy]]"));
    assert!(e.message.contains("是否应为「frequency」"), "{e}");

    let src = edited("within_working_days = 3", "within_workingdays = 3");
    let errs = errors_of(&src);
    let line = line_of(&src, "within_workingdays");
    assert!(
        errs.iter()
            .any(|e| e.key == "filing.within_workingdays" && e.line == line)
    );
    // …and the key it replaced is now missing.
    assert!(
        errs.iter()
            .any(|e| e.key == "filing.within_working_days" && e.message.contains("缺少"))
    );
}

#[test]
fn a_wrong_type_is_named_with_its_line() {
    let src = edited("times = 1", "times = \"一次\"");
    let errs = errors_of(&src);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].key, "frequency[0].times");
    assert_eq!(errs[0].line, line_of(&src, "times = \"一次\""));
    assert_eq!(errs[0].message, "类型错误：应为整数，实际为字符串");

    let src = edited("publish = true", "publish = \"yes\"");
    let e = &errors_of(&src)[0];
    assert_eq!(e.key, "plan.publish");
    assert!(e.message.contains("布尔值"), "{e}");
}

#[test]
fn an_unknown_mode_is_named_with_its_line() {
    let src = edited("modes = [\"驻窗办\"]", "modes = [\"驻窗\"]");
    let errs = errors_of(&src);
    assert_eq!(errs.len(), 1, "{errs:?}");
    let e = &errs[0];
    assert_eq!(e.key, "kinds.window.modes");
    assert_eq!(e.line, line_of(&src, "modes = [\"驻窗\"]"));
    assert!(
        e.message
            .starts_with("未知的方式「驻窗」，可选：亲身办、代理办"),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        format!("第 {} 行，键 kinds.window.modes：{}", e.line, e.message)
    );
}

#[test]
fn a_mode_of_another_kind_is_refused() {
    let src = edited(
        "modes = [\"亲身办\", \"代理办\", \"陪同办\"]",
        "modes = [\"亲身办\", \"驻窗办\"]",
    );
    let e = &errors_of(&src)[0];
    assert_eq!(e.key, "kinds.walk.modes");
    assert!(
        e.message
            .contains("方式「驻窗办」属于坐窗口，不能用于走流程"),
        "{e}"
    );
}

#[test]
fn thresholds_out_of_order() {
    let src = edited(
        "thresholds = { excellent = 90, good = 80, fair = 60 }",
        "thresholds = { excellent = 90, good = 95, fair = 96 }",
    );
    let errs = errors_of(&src);
    let line = line_of(&src, "good = 95");
    let keys: Vec<&str> = errs.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["grading.thresholds.fair", "grading.thresholds.good"]);
    assert!(errs.iter().all(|e| e.line == line));
    assert!(
        errs[1]
            .message
            .contains("良好分数线 95 应低于优秀分数线 90"),
        "{:?}",
        errs[1]
    );

    let src = edited(
        "weights = { walk_completion = 50,",
        "weights = { walk_completion = 40,",
    );
    let e = &errors_of(&src)[0];
    assert_eq!(e.key, "grading.weights");
    assert!(e.message.contains("权重之和应为 100"), "{e}");
}

#[test]
fn negative_days_and_ranges() {
    let src = edited("within_working_days = 3", "within_working_days = -3");
    let e = &errors_of(&src)[0];
    assert_eq!(e.key, "filing.within_working_days");
    assert_eq!(e.line, line_of(&src, "within_working_days = -3"));
    assert!(e.message.contains("不能为负数"), "{e}");

    let src = edited("min_online_share = 0.2", "min_online_share = 1.5");
    let e = &errors_of(&src)[0];
    assert_eq!(e.key, "formalism.one_sided_modes.min_online_share");
    assert!(e.message.contains("超出范围"), "{e}");

    let src = edited(
        "items = { min = 2, max = 3 }",
        "items = { min = 3, max = 2 }",
    );
    let e = &errors_of(&src)[0];
    assert_eq!(e.key, "kinds.walk.steps[1].items.max");
    assert!(e.message.contains("上限 2 小于下限 3"), "{e}");

    let src = edited(
        "due = { from = \"end\", offset_months = 0, day = 20 }",
        "due = { from = \"end\", offset_months = 0, day = 32 }",
    );
    let e = &errors_of(&src)[0];
    assert_eq!(e.key, "reports[0].due.day");
}

#[test]
fn unknown_and_unallowed_kinds() {
    let src = preset("003")
        .unwrap()
        .source
        .replace("kinds.complaint", "kinds.complain");
    let errs = errors_of(&src);
    let e = errs.iter().find(|e| e.key == "kinds.complain").unwrap();
    assert_eq!(e.line, line_of(&src, "[kinds.complain]"));
    assert!(e.message.contains("未知的活动类型「complain」"), "{e}");
    // The frequency rule now names a kind that is not allowed.
    assert!(
        errs.iter()
            .any(|e| e.key == "frequency[0].kinds" && e.message.contains("未在 [kinds] 中允许")),
        "{errs:?}"
    );

    let src = edited(
        "every = \"quarter\"\ntimes = 1\ndelegate_to",
        "every = \"weekly\"\ntimes = 1\ndelegate_to",
    );
    let e = &errors_of(&src)[0];
    assert_eq!(e.key, "frequency[0].every");
    assert!(e.message.contains("未知的期间类型「weekly」"), "{e}");

    let src = edited("ranks = [\"主要负责人\"]", "ranks = [\"处长\"]");
    let e = &errors_of(&src)[0];
    assert_eq!(e.key, "frequency[0].ranks");
    assert!(e.message.contains("未知的职级「处长」"), "{e}");
}

#[test]
fn rule_checks_of_instant_due_and_rectification() {
    let src = edited(
        "deadline = \"immediately\"\nworking_days = 5          # not in seed: 第一时间 read as within 5 working days\n",
        "deadline = \"immediately\"\n",
    );
    let e = &errors_of(&src)[0];
    assert_eq!(e.key, "instant[0].working_days");
    assert!(e.message.contains("working_days"), "{e}");

    let src = edited("trigger = \"tracking\"", "trigger = \"regular\"");
    assert!(errors_of(&src)[0].message.contains("不能是定期"));

    let src = edited(
        "statuses = [\"待整改\", \"整改中\", \"已整改·待验收\", \"已销号\"]",
        "statuses = [\"整改中\", \"待整改\", \"已销号\"]",
    );
    let e = &errors_of(&src)[0];
    assert_eq!(e.key, "rectification.statuses");

    let src = edited(
        "dispositions = [\"立行立改\", \"限期整改\"]",
        "dispositions = [\"立行立改\", \"立行立改\"]",
    );
    let e = &errors_of(&src)[0];
    assert!(e.message.contains("「立行立改」重复"), "{e}");

    let src = edited(
        "code = \"discussion\"\nlabel = \"座谈交流\"\ndetail = \"进行一次座谈交流：与行政审批部门及企业群众代表座谈，现场",
        "code = \"callback\"\nlabel = \"座谈交流\"\ndetail = \"进行一次座谈交流：与行政审批部门及企业群众代表座谈，现场",
    );
    let e = &errors_of(&src)[0];
    assert_eq!(e.key, "kinds.walk.steps[3].code");
    assert!(e.message.contains("环节代码「callback」重复"), "{e}");

    let src = edited("code = \"business-check\"", "code = \"业务检查\"");
    assert!(errors_of(&src)[0].message.contains("代码「业务检查」无效"));
}

#[test]
fn due_rule_checks() {
    let p000 = preset("000").unwrap().source;
    let src = p000.replacen("months = [4, 7, 10, 12]", "months = [4, 7, 10]", 1);
    let e = &errors_of(&src)[0];
    assert_eq!(e.key, "reports[0].due.months");
    assert!(e.message.contains("应列 4 个月份，实际 3 个"), "{e}");

    let p001 = preset("001").unwrap().source;
    let src = p001.replacen("period = \"2024Q2\"", "period = \"2024-04\"", 1);
    let e = &errors_of(&src)[0];
    assert_eq!(e.key, "plan.schedules[0].overrides[0].period");
    assert!(e.message.contains("应为季度"), "{e}");
    let src = p001.replacen("period = \"2024Q2\"", "period = \"2024Q5\"", 1);
    assert!(errors_of(&src)[0].message.contains("期间「2024Q5」无效"));
}

#[test]
fn all_errors_are_reported_at_once_in_line_order() {
    let src = edited("[[frequency]]", "[[frequncy]]")
        .replacen("within_working_days = 3", "within_working_days = -1", 1)
        .replacen("modes = [\"驻窗办\"]", "modes = [\"驻窗\"]", 1)
        .replacen("good = 80", "good = 95", 1);
    let errs = errors_of(&src);
    let keys: Vec<&str> = errs.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "kinds.window.modes",
            "frequncy",
            "filing.within_working_days",
            "grading.thresholds.good"
        ]
    );
    assert!(errs.windows(2).all(|w| w[0].line <= w[1].line));
    let text = PolicyErrors(errs).to_string();
    assert!(text.starts_with("政策文件有 4 处错误："), "{text}");
}

#[test]
fn syntax_errors_and_missing_sections() {
    let src = edited("[filing]", "[filing");
    let errs = errors_of(&src);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].key, "");
    assert_eq!(errs[0].line, line_of(&src, "[filing"));
    assert!(
        errs[0].message.starts_with("TOML 语法错误"),
        "{:?}",
        errs[0]
    );
    assert!(
        errs[0]
            .to_string()
            .starts_with(&format!("第 {} 行：TOML 语法错误", errs[0].line))
    );

    let errs = errors_of("[meta]\ncode = \"x\"\n");
    let keys: Vec<&str> = errs.iter().map(|e| e.key.as_str()).collect();
    for k in [
        "meta.name",
        "meta.issuer",
        "meta.seed",
        "kinds",
        "filing",
        "plan",
        "rectification",
        "grading",
        "formalism",
    ] {
        assert!(keys.contains(&k), "{k} in {keys:?}");
    }
    let name = errs.iter().find(|e| e.key == "meta.name").unwrap();
    assert_eq!(name.line, 1);
    assert!(name.message.contains("缺少必填的键「name」"));

    let errs = errors_of("kinds = 3\n");
    assert!(
        errs.iter()
            .any(|e| e.key == "kinds" && e.message.contains("应为表"))
    );
}

#[test]
fn steps_may_be_written_inline_and_kinds_in_chinese() {
    let src = edited(
        "[kinds.window]\nmodes = [\"驻窗办\"]",
        "[kinds.\"坐窗口\"]\nmodes = [\"坐窗口\"]",
    )
    .replacen("[[kinds.window.steps]]", "[[kinds.\"坐窗口\".steps]]", 4);
    let policy = Policy::from_toml(&src).unwrap();
    assert_eq!(policy.kind(K::Window).unwrap().steps.len(), 4);
    assert!(policy.allows(K::Window, Mode::Window));
}

#[test]
fn reminders_default_when_absent_and_are_checked_when_present() {
    let with = load("003");
    assert_eq!(with.reminders.before_working_days, 3);
    let src = edited(
        "[reminders]\nbefore_working_days = 3\nescalate_after_working_days = 5\n",
        "",
    );
    let without = Policy::from_toml(&src).unwrap();
    assert_eq!(without.reminders, crate::duty::ReminderRule::default());
    let src = edited(
        "escalate_after_working_days = 5",
        "escalate_after_working_days = 0",
    );
    let errs = errors_of(&src);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].key, "reminders.escalate_after_working_days");
    assert_eq!(
        errs[0].line,
        line_of(&src, "escalate_after_working_days = 0")
    );
    let src = edited(
        "escalate_after_working_days = 5",
        "escalate_after_working_days = 5\nchase_days = 10",
    );
    assert_eq!(Policy::from_toml(&src).unwrap().reminders.chase_days, 10);
    let errs = errors_of(&edited("before_working_days = 3", "before_days = 3"));
    assert_eq!(errs[0].key, "reminders.before_days", "{errs:?}");
}
