//! Activity records and their filing (活动记录·报备): what the policy asks an
//! activity to include before it can be filed, and whether it was filed in time.

use super::plan::{kind_not_run, mode_fits};
use crate::calendar::WorkCalendar;
use crate::kinds::{ActivityKind, Channel, Mode};
use crate::policy::{KindRule, Policy, Step};
use crate::registry::vocab;
use chrono::{NaiveDate, NaiveTime};
// The vocab! macro names these traits unqualified.
use serde::{Deserialize, Deserializer, Serialize, Serializer};

vocab!(
    /// 活动状态 status of a walk's record: a draft, or filed (报备) and locked.
    ActivityStatus {
        Draft = "draft", "草稿";
        Filed = "filed", "已报备";
    }
);

/// 服务回访 one callback to a person served, as the filing rule needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallbackFacts {
    /// 有效回访 the person was reached and answered.
    pub valid: bool,
    /// 办理日期 when that person was served.
    pub served_on: Option<NaiveDate>,
    /// 回访日期.
    pub called_on: NaiveDate,
}

/// 活动记录 an activity as the filing rule needs it.
///
/// `visitors` and `problems_recorded` are carried for statistics; filing does
/// not judge them: a walk that found nothing (空走) is a formalism finding of
/// the period, not a reason to refuse the record.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityFacts {
    pub kind: ActivityKind,
    pub mode: Mode,
    pub channel: Option<Channel>,
    pub date: NaiveDate,
    pub started: Option<NaiveTime>,
    pub ended: Option<NaiveTime>,
    /// The codes of the policy's sub-steps (环节) done.
    pub steps_done: Vec<String>,
    /// 业务检查 items checked.
    pub checked_items: u32,
    pub callbacks: Vec<CallbackFacts>,
    /// 接待人次 people received.
    pub visitors: u32,
    pub official_count: usize,
    pub problems_recorded: usize,
}

/// 报备缺项 one thing that keeps an activity from being filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocker {
    /// The field of the record it concerns.
    pub field: String,
    /// What is missing, in Chinese.
    pub message: String,
}

/// 报备检查 what filing an activity needs, and whether it is on time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilingCheck {
    /// Everything still missing; empty when the record can be filed.
    pub missing: Vec<Blocker>,
    /// 报备时限 the last day to file on time.
    pub due: NaiveDate,
    /// 迟报 filed after `due`: allowed, only marked.
    pub late: bool,
}

impl FilingCheck {
    /// Whether the record may be filed (late or not).
    pub fn can_file(&self) -> bool {
        self.missing.is_empty()
    }
}

/// Checks an activity filed on `filed_on` against the policy: the kind is run
/// locally and the mode and channel belong to it; the kind's required
/// sub-steps are done; the business check took the step's item count; the
/// callbacks reach the step's minimum of valid ones, each about a person
/// served within its lookback months before the activity; the time span
/// reaches `min_duration_hours` when the kind sets one. Filing after the
/// policy's due date (working days via `cal`) is marked late, not refused.
pub fn filing_check(
    policy: &Policy,
    cal: &WorkCalendar,
    a: &ActivityFacts,
    filed_on: NaiveDate,
) -> FilingCheck {
    let due = policy.filing.due_date(a.date, cal);
    let mut missing = Vec::new();
    let mut block = |field: &str, message: String| {
        missing.push(Blocker {
            field: field.to_string(),
            message,
        });
    };

    if a.date > filed_on {
        block(
            "date",
            format!(
                "活动日期 {} 晚于报备日期 {filed_on}，不能报备尚未开展的活动",
                a.date
            ),
        );
    }
    if a.official_count == 0 {
        block("official_ids", "至少需要一名领导干部参加".to_string());
    }
    match policy.kind(a.kind) {
        None => block("kind", kind_not_run(a.kind)),
        Some(rule) => {
            if let Err(msg) = mode_fits(a.kind, &rule.modes, a.mode) {
                block("mode", msg);
            }
            check_channel(a, rule, &mut block);
            check_steps(a, rule, &mut block);
            check_items(a, rule, &mut block);
            check_callbacks(a, rule, &mut block);
            check_times(a, rule, &mut block);
        }
    }

    FilingCheck {
        missing,
        due,
        late: filed_on > due,
    }
}

type Block<'a> = dyn FnMut(&str, String) + 'a;

fn check_channel(a: &ActivityFacts, rule: &KindRule, block: &mut Block<'_>) {
    if rule.channels.is_empty() {
        return;
    }
    let allowed = || {
        rule.channels
            .iter()
            .map(|c| c.label_zh())
            .collect::<Vec<_>>()
            .join("、")
    };
    match a.channel {
        None => block("channel", format!("未填写办理渠道，可选：{}", allowed())),
        Some(c) if !rule.channels.contains(&c) => block(
            "channel",
            format!(
                "渠道「{}」不适用于「{}」，可选：{}",
                c.label_zh(),
                a.kind.label_zh(),
                allowed()
            ),
        ),
        Some(_) => {}
    }
}

fn done(a: &ActivityFacts, step: &Step) -> bool {
    a.steps_done.iter().any(|s| s == &step.code)
}

fn check_steps(a: &ActivityFacts, rule: &KindRule, block: &mut Block<'_>) {
    for s in rule.required_steps().filter(|s| !done(a, s)) {
        block("steps_done", format!("缺少必做环节「{}」", s.label));
    }
    for code in &a.steps_done {
        if !rule.steps.iter().any(|s| &s.code == code) {
            block(
                "steps_done",
                format!("环节「{code}」不是「{}」的环节", a.kind.label_zh()),
            );
        }
    }
}

fn check_items(a: &ActivityFacts, rule: &KindRule, block: &mut Block<'_>) {
    // Counted only when the step was done; a missing step is reported above.
    let Some((step, range)) = rule
        .steps
        .iter()
        .find_map(|s| s.items.as_ref().map(|r| (s, r)))
    else {
        return;
    };
    if !done(a, step) || range.contains(a.checked_items) {
        return;
    }
    let want = if range.min == range.max {
        format!("{}", range.min)
    } else {
        format!("{}–{}", range.min, range.max)
    };
    block(
        "checked_items",
        format!("{}事项 {} 项，应为 {want} 项", step.label, a.checked_items),
    );
}

fn check_callbacks(a: &ActivityFacts, rule: &KindRule, block: &mut Block<'_>) {
    let Some((step, cb)) = rule
        .steps
        .iter()
        .find_map(|s| s.callbacks.as_ref().map(|c| (s, c)))
    else {
        return;
    };
    if !done(a, step) {
        return;
    }
    let earliest = cb.earliest_service_date(a.date);
    let mut counted = 0u32;
    for (i, c) in a.callbacks.iter().enumerate().filter(|(_, c)| c.valid) {
        let n = i + 1;
        match c.served_on {
            None => block("callbacks", format!("第 {n} 个回访未填写对象的办理日期")),
            Some(s) if s < earliest => block(
                "callbacks",
                format!(
                    "回访对象须为近 {} 个月内办理过业务的企业群众：第 {n} 个回访的办理日期 {s} 早于 {earliest}",
                    cb.lookback_months
                ),
            ),
            Some(s) if s > c.called_on => block(
                "callbacks",
                format!("第 {n} 个回访的回访日期 {} 早于办理日期 {s}", c.called_on),
            ),
            Some(_) => counted += 1,
        }
    }
    if counted < cb.min_valid {
        block(
            "callbacks",
            format!("有效回访 {counted} 个，至少需要 {} 个", cb.min_valid),
        );
    }
}

fn check_times(a: &ActivityFacts, rule: &KindRule, block: &mut Block<'_>) {
    let (start, end) = match (a.started, a.ended) {
        (Some(s), Some(e)) => (s, e),
        (started, ended) => {
            // Times are needed only where the kind sets a minimum duration.
            if rule.min_duration_hours.is_some() {
                let what = match (started, ended) {
                    (None, None) => "开始和结束时间",
                    (None, Some(_)) => "开始时间",
                    _ => "结束时间",
                };
                let field = if started.is_none() {
                    "started"
                } else {
                    "ended"
                };
                block(field, format!("未填写{what}"));
            }
            return;
        }
    };
    if end <= start {
        block(
            "ended",
            format!(
                "结束时间 {} 应晚于开始时间 {}",
                end.format("%H:%M"),
                start.format("%H:%M")
            ),
        );
        return;
    }
    if let Some(min) = rule.min_duration_hours {
        // Minutes are exact in f64; hours are shown to one decimal.
        let hours = (end - start).num_minutes() as f64 / 60.0;
        if hours < min {
            block(
                "ended",
                format!(
                    "{}时长 {hours:.1} 小时，至少需要 {min:.1} 小时",
                    a.kind.label_zh()
                ),
            );
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test reports failure
mod tests {
    use super::*;
    use crate::policy::preset;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    fn callback(served: &str, called: &str) -> CallbackFacts {
        CallbackFacts {
            valid: true,
            served_on: Some(d(served)),
            called_on: d(called),
        }
    }

    /// A complete 走流程 under seed 003: all four steps, 2 items, 3 valid callbacks.
    fn walk_003() -> ActivityFacts {
        ActivityFacts {
            kind: ActivityKind::Walk,
            mode: Mode::SelfService,
            channel: Some(Channel::Window),
            date: d("2024-03-05"),
            started: Some(t("09:00")),
            ended: Some(t("11:30")),
            steps_done: [
                "approval-service",
                "business-check",
                "callback",
                "discussion",
            ]
            .map(String::from)
            .to_vec(),
            checked_items: 2,
            callbacks: vec![
                callback("2024-01-15", "2024-03-05"),
                callback("2024-02-20", "2024-03-05"),
                callback("2024-03-01", "2024-03-05"),
            ],
            visitors: 12,
            official_count: 1,
            problems_recorded: 2,
        }
    }

    fn messages(c: &FilingCheck) -> Vec<(&str, &str)> {
        c.missing
            .iter()
            .map(|b| (b.field.as_str(), b.message.as_str()))
            .collect()
    }

    #[test]
    fn a_complete_walk_filed_in_time_can_be_filed() {
        // Arrange
        let policy = preset("003").unwrap().policy();
        let a = walk_003();

        // Act
        let c = filing_check(&policy, WorkCalendar::builtin(), &a, d("2024-03-08"));

        // Assert: 3 working days after Tuesday 03-05 is Friday 03-08.
        assert!(c.can_file(), "{:?}", c.missing);
        assert_eq!(c.due, d("2024-03-08"));
        assert!(!c.late);
    }

    #[test]
    fn filing_across_national_day_2024() {
        // Arrange: a walk on Monday 2024-09-30; 10-01..07 are off (seed 003: 3 days).
        let policy = preset("003").unwrap().policy();
        let mut a = walk_003();
        a.date = d("2024-09-30");
        a.callbacks = vec![
            callback("2024-07-02", "2024-09-30"),
            callback("2024-08-20", "2024-09-27"),
            callback("2024-09-10", "2024-09-29"),
        ];
        let cal = WorkCalendar::builtin();

        // Act
        let on_time = filing_check(&policy, cal, &a, d("2024-10-10"));
        let late = filing_check(&policy, cal, &a, d("2024-10-11"));

        // Assert: 10-08, 10-09, 10-10 are the three working days.
        assert_eq!(on_time.due, d("2024-10-10"));
        assert!(!on_time.late);
        assert!(late.late);
        assert!(
            late.can_file(),
            "late filing is allowed: {:?}",
            late.missing
        );
    }

    #[test]
    fn a_missing_required_step_is_named() {
        // Arrange
        let policy = preset("003").unwrap().policy();
        let mut a = walk_003();
        a.steps_done
            .retain(|s| s != "callback" && s != "discussion");
        a.callbacks.clear();

        // Act
        let c = filing_check(&policy, WorkCalendar::builtin(), &a, d("2024-03-06"));

        // Assert: without the step, its callbacks are not asked for.
        assert!(!c.can_file());
        assert_eq!(
            messages(&c),
            [
                ("steps_done", "缺少必做环节「服务回访」"),
                ("steps_done", "缺少必做环节「座谈交流」"),
            ]
        );
    }

    #[test]
    fn an_unknown_step_is_named() {
        // Arrange
        let policy = preset("003").unwrap().policy();
        let mut a = walk_003();
        a.steps_done.push("case-file-review".to_string());

        // Act
        let c = filing_check(&policy, WorkCalendar::builtin(), &a, d("2024-03-06"));

        // Assert
        assert_eq!(
            messages(&c),
            [("steps_done", "环节「case-file-review」不是「走流程」的环节")]
        );
    }

    #[test]
    fn too_few_valid_callbacks() {
        // Arrange: one of three callbacks did not reach anyone.
        let policy = preset("003").unwrap().policy();
        let mut a = walk_003();
        a.callbacks[1].valid = false;

        // Act
        let c = filing_check(&policy, WorkCalendar::builtin(), &a, d("2024-03-06"));

        // Assert
        assert_eq!(
            messages(&c),
            [("callbacks", "有效回访 2 个，至少需要 3 个")]
        );
    }

    #[test]
    fn a_callback_to_someone_served_four_months_before_does_not_count() {
        // Arrange: 3 months before 2024-03-05 is 2023-12-05.
        let policy = preset("003").unwrap().policy();
        let mut a = walk_003();
        a.callbacks[1].served_on = Some(d("2023-11-02"));

        // Act
        let c = filing_check(&policy, WorkCalendar::builtin(), &a, d("2024-03-06"));

        // Assert
        assert_eq!(
            messages(&c),
            [
                (
                    "callbacks",
                    "回访对象须为近 3 个月内办理过业务的企业群众：第 2 个回访的办理日期 2023-11-02 早于 2023-12-05"
                ),
                ("callbacks", "有效回访 2 个，至少需要 3 个"),
            ]
        );
    }

    #[test]
    fn callbacks_need_a_service_date_before_the_call() {
        // Arrange
        let policy = preset("003").unwrap().policy();
        let mut a = walk_003();
        a.callbacks[0].served_on = None;
        a.callbacks[2] = callback("2024-03-06", "2024-03-05");
        a.callbacks.push(callback("2024-02-01", "2024-03-05"));

        // Act
        let c = filing_check(&policy, WorkCalendar::builtin(), &a, d("2024-03-06"));

        // Assert
        assert_eq!(
            messages(&c),
            [
                ("callbacks", "第 1 个回访未填写对象的办理日期"),
                (
                    "callbacks",
                    "第 3 个回访的回访日期 2024-03-05 早于办理日期 2024-03-06"
                ),
                ("callbacks", "有效回访 2 个，至少需要 3 个"),
            ]
        );
    }

    #[test]
    fn the_business_check_takes_two_or_three_items() {
        // Arrange
        let policy = preset("003").unwrap().policy();
        let mut one = walk_003();
        one.checked_items = 1;
        let mut three = walk_003();
        three.checked_items = 3;

        // Act
        let c1 = filing_check(&policy, WorkCalendar::builtin(), &one, d("2024-03-06"));
        let c3 = filing_check(&policy, WorkCalendar::builtin(), &three, d("2024-03-06"));

        // Assert
        assert_eq!(
            messages(&c1),
            [("checked_items", "业务检查事项 1 项，应为 2–3 项")]
        );
        assert!(c3.can_file());
    }

    fn window_001(start: Option<&str>, end: Option<&str>) -> ActivityFacts {
        ActivityFacts {
            kind: ActivityKind::Window,
            mode: Mode::Window,
            channel: Some(Channel::Window),
            date: d("2024-05-06"),
            started: start.map(t),
            ended: end.map(t),
            steps_done: vec![],
            checked_items: 0,
            callbacks: vec![],
            visitors: 8,
            official_count: 1,
            problems_recorded: 0,
        }
    }

    #[test]
    fn sitting_at_the_window_takes_half_a_working_day_under_001() {
        // Arrange
        let policy = preset("001").unwrap().policy();
        let cal = WorkCalendar::builtin();
        let short = window_001(Some("09:00"), Some("11:00"));
        let enough = window_001(Some("09:00"), Some("12:00"));

        // Act
        let c_short = filing_check(&policy, cal, &short, d("2024-05-07"));
        let c_enough = filing_check(&policy, cal, &enough, d("2024-05-07"));

        // Assert
        assert_eq!(
            messages(&c_short),
            [("ended", "坐窗口时长 2.0 小时，至少需要 3.0 小时")]
        );
        assert!(c_enough.can_file(), "{:?}", c_enough.missing);
    }

    #[test]
    fn a_minimum_duration_needs_both_times() {
        // Arrange
        let policy = preset("001").unwrap().policy();
        let cal = WorkCalendar::builtin();

        // Act
        let none = filing_check(&policy, cal, &window_001(None, None), d("2024-05-07"));
        let no_end = filing_check(
            &policy,
            cal,
            &window_001(Some("09:00"), None),
            d("2024-05-07"),
        );
        let reversed = filing_check(
            &policy,
            cal,
            &window_001(Some("12:00"), Some("09:00")),
            d("2024-05-07"),
        );

        // Assert
        assert_eq!(messages(&none), [("started", "未填写开始和结束时间")]);
        assert_eq!(messages(&no_end), [("ended", "未填写结束时间")]);
        assert_eq!(
            messages(&reversed),
            [("ended", "结束时间 09:00 应晚于开始时间 12:00")]
        );
    }

    #[test]
    fn a_mode_of_another_kind_and_a_kind_not_run() {
        // Arrange
        let policy = preset("001").unwrap().policy();
        let cal = WorkCalendar::builtin();
        let mut walk_as_window = window_001(Some("09:00"), Some("12:00"));
        walk_as_window.kind = ActivityKind::Walk;
        let mut enforce = window_001(None, None);
        enforce.kind = ActivityKind::Enforce;
        enforce.mode = Mode::EnforcementOfficer;

        // Act
        let c1 = filing_check(&policy, cal, &walk_as_window, d("2024-05-07"));
        let c2 = filing_check(&policy, cal, &enforce, d("2024-05-07"));

        // Assert
        assert_eq!(
            messages(&c1),
            [("mode", "方式「驻窗办」不属于活动类型「走流程」")]
        );
        assert_eq!(messages(&c2), [("kind", "本地规则未开展「跟执法」活动")]);
    }

    #[test]
    fn channel_nobody_and_future_date() {
        // Arrange
        let policy = preset("003").unwrap().policy();
        let mut a = walk_003();
        a.channel = Some(Channel::OnSite);
        a.official_count = 0;
        let mut b = walk_003();
        b.channel = None;

        // Act
        let ca = filing_check(&policy, WorkCalendar::builtin(), &a, d("2024-03-04"));
        let cb = filing_check(&policy, WorkCalendar::builtin(), &b, d("2024-03-05"));

        // Assert
        assert_eq!(
            messages(&ca),
            [
                (
                    "date",
                    "活动日期 2024-03-05 晚于报备日期 2024-03-04，不能报备尚未开展的活动"
                ),
                ("official_ids", "至少需要一名领导干部参加"),
                (
                    "channel",
                    "渠道「现场」不适用于「走流程」，可选：窗口、网上、移动端、自助端、热线"
                ),
            ]
        );
        assert_eq!(
            messages(&cb),
            [(
                "channel",
                "未填写办理渠道，可选：窗口、网上、移动端、自助端、热线"
            )]
        );
    }

    #[test]
    fn enforcement_under_003_needs_its_three_steps() {
        // Arrange
        let policy = preset("003").unwrap().policy();
        let a = ActivityFacts {
            kind: ActivityKind::Enforce,
            mode: Mode::EnforcementOfficer,
            channel: Some(Channel::OnSite),
            date: d("2024-06-03"),
            started: None,
            ended: None,
            steps_done: vec!["enforcement-inspection".to_string()],
            checked_items: 0,
            callbacks: vec![],
            visitors: 0,
            official_count: 2,
            problems_recorded: 1,
        };

        // Act
        let c = filing_check(&policy, WorkCalendar::builtin(), &a, d("2024-06-04"));

        // Assert: no items or callbacks are asked of 跟执法; no times either.
        assert_eq!(
            messages(&c),
            [
                ("steps_done", "缺少必做环节「执法案件处理」"),
                ("steps_done", "缺少必做环节「案卷评查」"),
            ]
        );
    }
}
