//! Policy as data (政策配置): one locality's rules of the campaign, held in a
//! TOML file (`policies/*.toml`, format in `policies/README.md`).
//!
//! Compliance, reminders, checklists, report deadlines, grades and formalism
//! findings read their numbers from a [`Policy`]; none of them is a literal in
//! code. [`Policy::from_toml`] reports every problem of a file at once, each
//! with its dotted key and 1-based line, in Chinese. The serde form of the
//! types (English keys, codes for vocabularies) is the same shape as the TOML
//! file and is what the JSON API sends; deserializing it denies unknown fields.

mod presets;
mod read;

pub use presets::{Preset, preset, presets};

use crate::calendar::WorkCalendar;
pub use crate::duty::ReminderRule;
use crate::kinds::Channel;
use crate::kinds::{ActivityKind, Disposition, Grade, Mode, ProblemStatus, Rank, Trigger};
use crate::period::{Period, PeriodKind, days_in_month};
use crate::registry::vocab;
use chrono::NaiveDate;
// The vocab! macro names these traits unqualified.
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// 政策 one locality's campaign rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub meta: Meta,
    /// 活动类型 the kinds this locality runs, each with its own rules.
    pub kinds: BTreeMap<ActivityKind, KindRule>,
    /// 体验频次 how often officials of each rank must take part.
    #[serde(default)]
    pub frequency: Vec<FrequencyRule>,
    /// 事项覆盖 coverage of the item catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<CoverageRule>,
    /// 即时体验 / 跟踪体验 events that call for an activity out of turn.
    #[serde(default)]
    pub instant: Vec<InstantRule>,
    /// 报备 filing an activity after it happened.
    pub filing: FilingRule,
    /// 计划 plans and their due dates.
    pub plan: PlanRule,
    /// 报送 reports and their due dates.
    #[serde(default)]
    pub reports: Vec<DueItem>,
    /// 整改 problem rectification.
    pub rectification: RectificationRule,
    /// 考评 grading.
    pub grading: GradingRule,
    /// 形式主义 formalism detection.
    pub formalism: FormalismRule,
    /// 下步工作要求 paragraphs for the notice.
    #[serde(default)]
    pub requirements: Vec<Requirement>,
    /// 督办 when the person responsible is reminded, urged and escalated.
    #[serde(default)]
    pub reminders: ReminderRule,
}

/// 方案信息 where the policy comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Stable code, e.g. `003-beilin`.
    pub code: String,
    /// 方案名称.
    pub name: String,
    /// 印发单位.
    pub issuer: String,
    /// 印发日期, when the document carries one.
    #[serde(
        default,
        with = "opt_date_serde",
        skip_serializing_if = "Option::is_none"
    )]
    pub issued: Option<NaiveDate>,
    /// 文号, when the document has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_no: Option<String>,
    /// The seed file the preset was written from.
    pub seed: String,
    /// 适用范围 who the plan applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// 活动类型规则 the rules of one activity kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindRule {
    /// 体验方式 allowed; each belongs to this kind.
    pub modes: Vec<Mode>,
    /// 办理渠道 allowed; empty means any.
    #[serde(default)]
    pub channels: Vec<Channel>,
    /// 最短时长 in hours, when the seed sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_duration_hours: Option<f64>,
    /// 牵头单位 the unit that organises this kind and receives its filings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
    /// 体验重点 what to look at.
    #[serde(default)]
    pub focus: Vec<String>,
    /// 环节 the sub-steps of one activity.
    #[serde(default)]
    pub steps: Vec<Step>,
}

/// 环节 a sub-step of an activity (seed 003 二).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Stable code, kebab-case, unique within the kind.
    pub code: String,
    /// 名称.
    pub label: String,
    /// 内容 what the step involves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// 必做 whether every activity must include it.
    #[serde(default = "yes")]
    pub required: bool,
    /// 抽查事项数 how many items a check takes (业务检查 2–3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<CountRange>,
    /// 回访要求 callbacks the step needs (服务回访 ≥ 3 in 3 months).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callbacks: Option<CallbackRule>,
}

fn yes() -> bool {
    true
}

/// 数量范围 an inclusive count range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountRange {
    pub min: u32,
    pub max: u32,
}

impl CountRange {
    pub fn contains(&self, n: u32) -> bool {
        self.min <= n && n <= self.max
    }
}

/// 回访要求 how many valid callbacks, to people served how recently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallbackRule {
    /// 有效回访数量不少于.
    pub min_valid: u32,
    /// 回访对象：过去几个月内办过业务的企业群众.
    pub lookback_months: u32,
}

impl CallbackRule {
    /// The earliest service date a callback may be about, for an activity on `date`.
    pub fn earliest_service_date(&self, date: NaiveDate) -> NaiveDate {
        date.checked_sub_months(chrono::Months::new(self.lookback_months))
            .unwrap_or(NaiveDate::MIN)
    }
}

/// 频次要求 officials of `ranks` take part in one of `kinds` at least `times`
/// per `every`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrequencyRule {
    /// Activities of any of these kinds count.
    pub kinds: Vec<ActivityKind>,
    pub ranks: Vec<Rank>,
    pub every: PeriodKind,
    #[serde(default = "one")]
    pub times: u32,
    /// 首次完成时限 a one-off date by which the first one is due.
    #[serde(
        default,
        with = "opt_date_serde",
        skip_serializing_if = "Option::is_none"
    )]
    pub first_due: Option<NaiveDate>,
    /// 可委托 ranks that may stand in (seed 003: 可委托分管负责同志代为体验).
    #[serde(default)]
    pub delegate_to: Vec<Rank>,
    /// 说明.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn one() -> u32 {
    1
}

impl FrequencyRule {
    /// Whether the rule applies to an official of `rank` doing `kind`.
    pub fn applies(&self, rank: Rank, kind: ActivityKind) -> bool {
        self.ranks.contains(&rank) && self.kinds.contains(&kind)
    }

    /// The rule's periods that end inside `p`: those whose requirement can be
    /// checked when `p` is over (a yearly rule checked over 2024Q4 yields
    /// `2024`; over 2024Q1 nothing).
    pub fn due_in(&self, p: Period) -> Vec<Period> {
        let mut out = Vec::new();
        let mut q = Period::of(self.every, p.start());
        loop {
            if q.end() > p.end() {
                break;
            }
            if q.end() >= p.start() {
                out.push(q);
            }
            let n = q.next();
            if n == q {
                break;
            }
            q = n;
        }
        out
    }

    /// Activities required over `p`: `times` for each period of [`Self::due_in`].
    pub fn required_in(&self, p: Period) -> u32 {
        let n = u32::try_from(self.due_in(p).len()).unwrap_or(u32::MAX);
        n.saturating_mul(self.times)
    }
}

/// 事项覆盖 every item of the catalogue is experienced within `all_items_every`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageRule {
    pub all_items_every: PeriodKind,
}

vocab!(
    /// 即时体验事由 an event that calls for an activity out of turn
    InstantEvent {
        ProcessChange = "process-change", "流程变化" | "审批流程发生变化" | "流程发生变化";
        KeyDate = "key-date", "重要时间节点" | "审批服务重要时间节点";
        ComplaintCluster = "complaint-cluster", "投诉集中" | "群众投诉集中问题";
        MajorDecision = "major-decision", "重大决策实施";
        Reform = "reform", "重要改革措施出台";
        KeyProject = "key-project", "重点项目审批";
        PowerTransfer = "power-transfer", "事权承接";
    }
);

vocab!(
    /// 完成时限 how soon an out-of-turn activity is due
    InstantDeadline {
        SameMonth = "same-month", "当月";
        Immediately = "immediately", "立即" | "第一时间";
        Ongoing = "ongoing", "持续" | "持续跟踪";
    }
);

/// 即时体验规则 what event calls for an activity, and how soon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstantRule {
    pub event: InstantEvent,
    /// `instant` or `tracking`.
    pub trigger: Trigger,
    pub deadline: InstantDeadline,
    /// For `immediately`: the working days that "at once" allows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_days: Option<u32>,
    /// For `complaint-cluster`: what makes a cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<ClusterRule>,
}

impl InstantRule {
    /// When the activity called for by an event on `event_date` is due;
    /// `None` for ongoing tracking.
    pub fn due_date(&self, event_date: NaiveDate, cal: &WorkCalendar) -> Option<NaiveDate> {
        match self.deadline {
            InstantDeadline::SameMonth => Some(Period::month_of(event_date).end()),
            InstantDeadline::Immediately => {
                Some(cal.add_working_days(event_date, i64::from(self.working_days.unwrap_or(0))))
            }
            InstantDeadline::Ongoing => None,
        }
    }
}

/// 投诉集中 at least `min_tickets` complaints on one unit or item within `within_days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterRule {
    pub min_tickets: u32,
    pub within_days: u32,
}

/// 报备 an activity is filed within `within_working_days` after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilingRule {
    pub within_working_days: u32,
    /// 报备对象.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl FilingRule {
    /// The last day an activity on `activity_date` may be filed on time.
    pub fn due_date(&self, activity_date: NaiveDate, cal: &WorkCalendar) -> NaiveDate {
        cal.add_working_days(activity_date, i64::from(self.within_working_days))
    }
}

/// 计划 plans: whether they are published ahead, and when they are due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRule {
    /// 提前公示 plans are published to the public before they happen.
    pub publish: bool,
    /// Working days before the planned date that publication is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_ahead_working_days: Option<u32>,
    /// 计划报送 the plans a unit files and their due dates.
    #[serde(default)]
    pub schedules: Vec<DueItem>,
}

vocab!(
    /// 期间端点 which month of the period a due date counts from
    PeriodEdge {
        Start = "start", "期初" | "首月";
        End = "end", "期末" | "末月";
    }
);

/// 截止日 a day of the month, or its last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueDay {
    /// 1..=31, clamped to the month's length.
    Day(u32),
    /// 月底.
    Last,
}

/// 报送时限 when a plan or report about a period is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DueRule {
    /// Count from the period's first or last month.
    #[serde(default = "edge_end")]
    pub from: PeriodEdge,
    /// Months after (negative: before) that month.
    #[serde(default)]
    pub offset_months: i32,
    /// Instead of from/offset: the month the n-th period of a year is due
    /// (seed 000: 4, 7, 10, 12); a month before the period's first month
    /// means the next year.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub months: Vec<u32>,
    pub day: DueDay,
}

fn edge_end() -> PeriodEdge {
    PeriodEdge::End
}

impl DueRule {
    /// The due date for `p` (any period kind; `months` needs one entry per
    /// period of the year, checked when the policy is read).
    pub fn due_date(&self, p: Period) -> Option<NaiveDate> {
        let (year, month) = if self.months.is_empty() {
            let base = match self.from {
                PeriodEdge::Start => p.first_month(),
                PeriodEdge::End => p.last_month(),
            };
            // Months since year 0, shifted by the offset.
            let total = i64::from(p.year_number()) * 12 + i64::from(base) - 1
                + i64::from(self.offset_months);
            (
                i32::try_from(total.div_euclid(12)).ok()?,
                u32::try_from(total.rem_euclid(12)).ok()? + 1,
            )
        } else {
            let m = *self.months.get(usize::try_from(p.index()).ok()? - 1)?;
            let y = if m >= p.first_month() {
                p.year_number()
            } else {
                p.year_number() + 1
            };
            (y, m)
        };
        let last = days_in_month(year, month);
        let day = match self.day {
            DueDay::Day(d) => d.min(last),
            DueDay::Last => last,
        };
        NaiveDate::from_ymd_opt(year, month, day)
    }
}

/// 报送事项 a plan or report that is due once per period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DueItem {
    /// Stable code, kebab-case.
    pub code: String,
    /// 名称 as the seed calls it.
    pub name: String,
    /// The period one plan or report covers.
    pub period: PeriodKind,
    pub due: DueRule,
    /// 报送对象.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// 内容.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// One-off dates that replace the rule for a given period.
    #[serde(default)]
    pub overrides: Vec<DueOverride>,
}

impl DueItem {
    /// The due date of the plan or report for `p`; `None` when `p` is not of
    /// this item's period kind.
    pub fn due_date(&self, p: Period) -> Option<NaiveDate> {
        if p.kind() != self.period {
            return None;
        }
        if let Some(o) = self.overrides.iter().find(|o| o.period == p) {
            return Some(o.date);
        }
        self.due.due_date(p)
    }
}

/// 特别时限 a one-off due date for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DueOverride {
    pub period: Period,
    #[serde(with = "date_serde")]
    pub date: NaiveDate,
}

vocab!(
    /// 销号要件 what a problem needs before it can be closed
    CloseField {
        Measures = "measures", "整改措施";
        Effect = "effect", "整改效果";
        Evidence = "evidence", "佐证材料" | "证明材料";
    }
);

vocab!(
    /// 清单 the lists a unit keeps (seed 002 三张清单, seed 003 附件2)
    ListKind {
        Problems = "problems", "问题清单" | "问题整改台账";
        Needs = "needs", "需求清单";
        Measures = "measures", "整改清单" | "解决措施清单";
    }
);

/// 整改规则 how problems are rectified and closed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RectificationRule {
    /// 状态 the life cycle used, in order, from 待整改 to 已销号.
    pub statuses: Vec<ProblemStatus>,
    /// 处置方式 allowed.
    pub dispositions: Vec<Disposition>,
    /// 立行立改 working days allowed before it is overdue.
    pub immediate_working_days: u32,
    /// 限期整改 default deadline in working days when none is set.
    pub deadline_working_days: u32,
    /// 回头看 calendar days after closing that the review is due.
    pub review_after_days: u32,
    /// What closing needs.
    #[serde(default)]
    pub close_requires: Vec<CloseField>,
    /// 验收人 must not be the handler.
    pub verifier_distinct: bool,
    /// 清单 the lists kept.
    #[serde(default)]
    pub lists: Vec<ListKind>,
}

impl RectificationRule {
    /// The default deadline of a problem found on `found` with `disposition`;
    /// `None` for 需上级统筹 (set by the higher level).
    pub fn default_deadline(
        &self,
        found: NaiveDate,
        disposition: Disposition,
        cal: &WorkCalendar,
    ) -> Option<NaiveDate> {
        let days = match disposition {
            Disposition::Immediate => self.immediate_working_days,
            Disposition::Deadline => self.deadline_working_days,
            Disposition::Escalate => return None,
        };
        Some(cal.add_working_days(found, i64::from(days)))
    }

    /// When the 回头看 of a problem closed on `closed` is due.
    pub fn review_date(&self, closed: NaiveDate) -> NaiveDate {
        closed
            .checked_add_days(chrono::Days::new(u64::from(self.review_after_days)))
            .unwrap_or(NaiveDate::MAX)
    }

    /// Whether the life cycle includes the 已整改·待验收 step.
    pub fn needs_verification(&self) -> bool {
        self.statuses.contains(&ProblemStatus::AwaitingVerification)
    }
}

/// 考评规则 the score and the grade thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradingRule {
    pub weights: GradeWeights,
    pub penalties: GradePenalties,
    pub thresholds: GradeThresholds,
}

/// 权重 points for each ratio; they add up to 100.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeWeights {
    /// 走流程完成率 activities done / required by the frequency rules.
    pub walk_completion: f64,
    /// 整改完成率 problems closed / found.
    pub rectification_rate: f64,
}

/// 扣分 points taken off per occurrence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradePenalties {
    /// per overdue rectification.
    pub overdue: f64,
    /// per formalism finding.
    pub formalism: f64,
    /// per late filing.
    pub late_filing: f64,
}

/// 等次分数线 lowest score of each grade; below `fair` is 较差.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeThresholds {
    pub excellent: f64,
    pub good: f64,
    pub fair: f64,
}

/// 考评数据 what a unit did in the period, as the grading rule needs it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScoreInput {
    pub walks_done: u32,
    pub walks_required: u32,
    pub problems_found: u32,
    pub problems_closed: u32,
    pub overdue: u32,
    pub formalism_findings: u32,
    pub late_filings: u32,
}

fn ratio(done: u32, of: u32) -> f64 {
    if of == 0 {
        1.0
    } else {
        (f64::from(done) / f64::from(of)).min(1.0)
    }
}

impl GradingRule {
    /// Score 0..=100: each weight times its ratio (capped at 1; nothing
    /// required or nothing found counts as complete), minus the penalties.
    pub fn score(&self, i: &ScoreInput) -> f64 {
        let w = &self.weights;
        let p = &self.penalties;
        let s = w.walk_completion * ratio(i.walks_done, i.walks_required)
            + w.rectification_rate * ratio(i.problems_closed, i.problems_found)
            - p.overdue * f64::from(i.overdue)
            - p.formalism * f64::from(i.formalism_findings)
            - p.late_filing * f64::from(i.late_filings);
        s.clamp(0.0, 100.0)
    }

    /// The grade of a score.
    pub fn grade(&self, score: f64) -> Grade {
        let t = &self.thresholds;
        if score >= t.excellent {
            Grade::Excellent
        } else if score >= t.good {
            Grade::Good
        } else if score >= t.fair {
            Grade::Fair
        } else {
            Grade::Poor
        }
    }
}

/// 形式主义识别 thresholds of the five findings of seed 004 二.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormalismRule {
    pub clustered_dates: ClusteredDatesRule,
    pub shallow_problems: ShallowProblemsRule,
    pub one_sided_modes: OneSidedModesRule,
    pub perfunctory_rectification: PerfunctoryRule,
    pub empty_walks: EmptyWalksRule,
}

/// 时间扎堆 officials of one unit walking on the same or adjacent days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusteredDatesRule {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// This many officials of one region or department …
    pub min_officials: u32,
    /// … whose activities lie at most this many days apart (0 = same day).
    pub within_days: u32,
    /// This many officials at the same window (unit) on one day.
    pub same_window_min_officials: u32,
}

/// 问题浮浅 problems about trivia.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShallowProblemsRule {
    #[serde(default = "yes")]
    pub enabled: bool,
    pub keywords: Vec<String>,
}

impl ShallowProblemsRule {
    /// The first keyword found in a problem's text.
    pub fn matched_keyword(&self, text: &str) -> Option<&str> {
        if !self.enabled {
            return None;
        }
        self.keywords
            .iter()
            .map(String::as_str)
            .find(|k| text.contains(k))
    }
}

/// 方式单一 too few online, cross-department, citizen-identity or unannounced walks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneSidedModesRule {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Units with fewer walks in the period are not judged.
    pub min_walks: u32,
    /// 网上/掌上 share of walks.
    pub min_online_share: f64,
    /// 交叉走 share.
    pub min_cross_share: f64,
    /// 企业群众身份 share.
    pub min_citizen_share: f64,
    /// 四不两直 (unannounced) share.
    pub min_unannounced_share: f64,
}

/// 整改敷衍 rectifications closed without naming a concrete change, judged
/// by their substance ([`crate::substance`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerfunctoryRule {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// 整改措施 with fewer characters than this beyond the set phrases, and
    /// nothing concrete, is refused outright (the close form, the import).
    pub min_measures_chars: u32,
    /// 整改效果 likewise.
    pub min_effect_chars: u32,
    /// 套话 set phrases that say nothing (已整改、高度重视、进一步规范…).
    #[serde(default)]
    pub vague_phrases: Vec<String>,
    /// 空泛用语 words that name no change (加强、规范、服务、窗口…), taken
    /// out before judging what is left.
    #[serde(default)]
    pub vague_words: Vec<String>,
    /// 具体举措 words that name a change (增设、取消、合并、接入…).
    #[serde(default)]
    pub concrete_words: Vec<String>,
    /// A measure that names nothing concrete and keeps at most this many
    /// characters once the set phrases, the vague words and the problem's own
    /// words are taken out is 敷衍.
    #[serde(default = "one")]
    pub max_residue_chars: u32,
}

/// 空走 walks that found nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmptyWalksRule {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// An official with this many walks that found no problem and no need in
    /// the period is reported.
    pub min_per_official: u32,
}

/// 工作要求 one paragraph of 下步工作要求.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub title: String,
    pub text: String,
}

impl Policy {
    /// Reads a policy file, reporting every syntax, key, type and rule error.
    pub fn from_toml(src: &str) -> Result<Policy, PolicyErrors> {
        read::read(src)
    }

    /// The rules of one kind, when the kind is allowed.
    pub fn kind(&self, kind: ActivityKind) -> Option<&KindRule> {
        self.kinds.get(&kind)
    }

    /// Whether `mode` may be used for `kind`.
    pub fn allows(&self, kind: ActivityKind, mode: Mode) -> bool {
        self.kind(kind).is_some_and(|k| k.modes.contains(&mode))
    }

    /// The frequency rules that bind an official of `rank`.
    pub fn frequency_for(&self, rank: Rank) -> impl Iterator<Item = &FrequencyRule> {
        self.frequency
            .iter()
            .filter(move |r| r.ranks.contains(&rank))
    }

    /// A report by its code.
    pub fn report(&self, code: &str) -> Option<&DueItem> {
        self.reports.iter().find(|r| r.code == code)
    }
}

impl KindRule {
    /// The sub-steps every activity of this kind must include.
    pub fn required_steps(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(|s| s.required)
    }

    /// The callback requirement, from the step that carries one.
    pub fn callback_rule(&self) -> Option<&CallbackRule> {
        self.steps.iter().find_map(|s| s.callbacks.as_ref())
    }

    /// The item-count range of the business check, from the step that carries one.
    pub fn check_items(&self) -> Option<&CountRange> {
        self.steps.iter().find_map(|s| s.items.as_ref())
    }
}

/// 政策错误 one problem in a policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    /// Dotted path of the key (`kinds.window.modes`, `frequency[0].every`);
    /// empty for a syntax error.
    pub key: String,
    /// 1-based line of that key in the source.
    pub line: usize,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "第 {} 行：{}", self.line, self.message)
        } else {
            write!(f, "第 {} 行，键 {}：{}", self.line, self.key, self.message)
        }
    }
}

impl std::error::Error for PolicyError {}

/// Every problem of a policy file, in line order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyErrors(pub Vec<PolicyError>);

impl PolicyErrors {
    pub fn iter(&self) -> std::slice::Iter<'_, PolicyError> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for PolicyErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "政策文件有 {} 处错误：", self.0.len())?;
        for e in &self.0 {
            write!(f, "\n{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PolicyErrors {}

impl Serialize for DueDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            DueDay::Day(d) => s.serialize_u32(*d),
            DueDay::Last => s.serialize_str("last"),
        }
    }
}

impl<'de> Deserialize<'de> for DueDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = DueDay;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("1 到 31 的日期或 \"last\"")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<DueDay, E> {
                match u32::try_from(v) {
                    Ok(d @ 1..=31) => Ok(DueDay::Day(d)),
                    _ => Err(E::custom(format!("日期 {v} 应在 1 到 31 之间"))),
                }
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<DueDay, E> {
                match u64::try_from(v) {
                    Ok(u) => self.visit_u64(u),
                    Err(_) => Err(E::custom(format!("日期 {v} 应在 1 到 31 之间"))),
                }
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DueDay, E> {
                match v {
                    "last" | "月底" | "月末" => Ok(DueDay::Last),
                    _ => Err(E::custom(format!(
                        "「{v}」不是有效的日期，应为 1 到 31 或 last"
                    ))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// Dates as `YYYY-MM-DD` strings in JSON; read from a string or a TOML date.
mod date_serde {
    use chrono::NaiveDate;
    use serde::{Deserializer, Serializer};
    use std::fmt;

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    pub(super) struct V;

    impl<'de> serde::de::Visitor<'de> for V {
        type Value = NaiveDate;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a date like 2024-03-05")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<NaiveDate, E> {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|_| E::custom(format!("「{v}」不是有效的日期，应写作 2024-03-05")))
        }
        // The toml crate hands a TOML date over as a one-entry map.
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<NaiveDate, A::Error> {
            match m.next_entry::<String, String>()? {
                Some((_, v)) => self.visit_str(&v),
                None => Err(serde::de::Error::custom("缺少日期")),
            }
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        d.deserialize_any(V)
    }
}

/// Optional dates, as [`date_serde`].
mod opt_date_serde {
    use chrono::NaiveDate;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        d.deserialize_any(super::date_serde::V).map(Some)
    }
}

#[cfg(test)]
mod tests;
