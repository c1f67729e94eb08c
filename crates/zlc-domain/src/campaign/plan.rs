//! Plans (计划): who takes part in what, when and where; checked against the
//! policy, warned about when they cluster (扎堆, seed 004 二.1), and matched
//! against what actually happened (plan versus actual).

use crate::error::Errors;
use crate::kinds::{ActivityKind, Mode};
use crate::policy::Policy;
use crate::registry::vocab;
use chrono::NaiveDate;
// The vocab! macro names these traits unqualified.
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeSet;

vocab!(
    /// 时段 the half-day slot of a plan
    HalfDay {
        Am = "am", "上午";
        Pm = "pm", "下午";
        Day = "day", "全天";
    }
);

vocab!(
    /// 地点 where a planned activity takes place
    Place {
        Hall = "hall", "政务大厅" | "大厅" | "政务服务大厅";
        Window = "window", "窗口";
        Online = "online", "网上" | "线上";
        Site = "site", "现场" | "企业现场" | "项目现场";
    }
);

vocab!(
    /// 计划状态 status of a plan; 待发布: submitted by its writer, waiting
    /// for the publisher (发布人).
    PlanStatus {
        Draft = "draft", "草稿";
        Submitted = "submitted", "待发布" | "已提交";
        Published = "published", "已发布" | "已公示";
        Cancelled = "cancelled", "已取消";
        Done = "done", "已完成";
        Missed = "missed", "未开展";
    }
);

impl PlanStatus {
    /// A draft, or a plan waiting for publication, may be edited; a
    /// published plan is public (seed 003 四(一)).
    pub fn is_editable(self) -> bool {
        matches!(self, PlanStatus::Draft | PlanStatus::Submitted)
    }

    /// Whether a plan in this status may be published: a draft (by the
    /// publisher directly) or one submitted for publication.
    pub fn is_publishable(self) -> bool {
        matches!(self, PlanStatus::Draft | PlanStatus::Submitted)
    }
}

/// 活动计划 what a plan says, as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanFacts {
    pub id: i64,
    /// The region or department the officials belong to.
    pub region_id: i64,
    pub official_ids: Vec<i64>,
    pub kind: ActivityKind,
    pub mode: Option<Mode>,
    pub date: NaiveDate,
    pub slot: HalfDay,
    pub place: Place,
    /// The hall or window unit visited.
    pub window_unit_id: Option<i64>,
    /// How a message names the plan: date, half-day, unit and officials
    /// (`2024-03-05 上午 区市场监督管理局 宋超`).
    pub label: String,
}

/// Checks a plan against the policy: the kind is run locally, the mode (if
/// any) belongs to the kind and is used locally, and someone takes part.
pub fn check_plan(policy: &Policy, p: &PlanFacts) -> Result<(), Errors> {
    let mut errs = Errors::default();
    match policy.kind(p.kind) {
        None => errs.push("kind", kind_not_run(p.kind)),
        Some(rule) => {
            if let Some(m) = p.mode
                && let Err(msg) = mode_fits(p.kind, &rule.modes, m)
            {
                errs.push("mode", msg);
            }
        }
    }
    if p.official_ids.is_empty() {
        errs.push("official_ids", "至少需要一名领导干部");
    }
    errs.into_result()
}

/// `本地规则未开展「跟执法」活动`.
pub(crate) fn kind_not_run(kind: ActivityKind) -> String {
    format!("本地规则未开展「{}」活动", kind.label_zh())
}

/// Whether `mode` belongs to `kind` and is among the locally allowed `modes`;
/// the error says which of the two fails.
pub(crate) fn mode_fits(kind: ActivityKind, modes: &[Mode], mode: Mode) -> Result<(), String> {
    if mode.kind() != kind {
        return Err(format!(
            "方式「{}」不属于活动类型「{}」",
            mode.label_zh(),
            kind.label_zh()
        ));
    }
    if !modes.contains(&mode) {
        let allowed: Vec<&str> = modes.iter().map(|m| m.label_zh()).collect();
        return Err(format!(
            "本地规则的「{}」不采用「{}」方式，可选：{}",
            kind.label_zh(),
            mode.label_zh(),
            allowed.join("、")
        ));
    }
    Ok(())
}

vocab!(
    /// 扎堆类型 what a clustered plan shares with others
    ClusterKind {
        SameRegion = "same-region", "同一地区" | "同一地区（部门）";
        SameWindow = "same-window", "同一窗口" | "同一窗口单位";
    }
);

/// 扎堆提醒 a warning that a plan clusters with others (seed 004 二.1
/// 时间安排比较扎堆). A warning, never a refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterWarning {
    pub kind: ClusterKind,
    /// The other plans that make the cluster, in id order.
    pub other_plan_ids: Vec<i64>,
    /// The other plans by name, in the same order.
    pub other_plans: Vec<String>,
    /// What clusters, in Chinese.
    pub message: String,
}

/// The 扎堆 warnings of plan `p` among `others`, read from
/// `policy.formalism.clustered_dates` (nothing when it is disabled):
///
/// - **same region**: counting `p` and the plans of the same `region_id`
///   whose dates lie within `within_days` of `p`'s date, the distinct
///   officials reach `min_officials`;
/// - **same window**: counting `p` and the plans of any region at the same
///   `window_unit_id` on the same date, the distinct officials reach
///   `same_window_min_officials`.
///
/// `others` may contain `p` itself (it is skipped by id). The caller passes
/// live plans only: cancelled plans must be filtered out before the call.
pub fn cluster_warnings(
    policy: &Policy,
    p: &PlanFacts,
    others: &[PlanFacts],
) -> Vec<ClusterWarning> {
    let rule = &policy.formalism.clustered_dates;
    if !rule.enabled {
        return Vec::new();
    }
    let mut out = Vec::new();
    let others: Vec<&PlanFacts> = others.iter().filter(|o| o.id != p.id).collect();

    let within = i64::from(rule.within_days);
    let near: Vec<&PlanFacts> = others
        .iter()
        .copied()
        .filter(|o| o.region_id == p.region_id && (o.date - p.date).num_days().abs() <= within)
        .collect();
    if let Some(w) = cluster(p, &near, rule.min_officials) {
        let span = if rule.within_days == 0 {
            format!("{} 当天", p.date)
        } else {
            format!("{} 前后 {} 天内", p.date, rule.within_days)
        };
        out.push(ClusterWarning {
            kind: ClusterKind::SameRegion,
            message: format!(
                "同一地区（部门）{span}共有 {} 名领导干部计划{}{}，存在扎堆，请错开安排",
                w.officials,
                w.kinds,
                w.others_note()
            ),
            other_plan_ids: w.plan_ids,
            other_plans: w.plan_labels,
        });
    }

    if let Some(unit) = p.window_unit_id {
        let same: Vec<&PlanFacts> = others
            .iter()
            .copied()
            .filter(|o| o.window_unit_id == Some(unit) && o.date == p.date)
            .collect();
        if let Some(w) = cluster(p, &same, rule.same_window_min_officials) {
            out.push(ClusterWarning {
                kind: ClusterKind::SameWindow,
                message: format!(
                    "{} 同一窗口单位共有 {} 名领导干部计划{}{}，存在扎堆，请错开安排",
                    p.date,
                    w.officials,
                    w.kinds,
                    w.others_note()
                ),
                other_plan_ids: w.plan_ids,
                other_plans: w.plan_labels,
            });
        }
    }
    out
}

/// A cluster found: how many officials, of which kinds, with which other plans.
struct Cluster {
    officials: usize,
    kinds: String,
    plan_ids: Vec<i64>,
    plan_labels: Vec<String>,
}

impl Cluster {
    /// The other plans by name: `（另有计划：2024-03-05 上午 区市场监督管理局 宋超；…）`.
    fn others_note(&self) -> String {
        if self.plan_labels.is_empty() {
            String::new()
        } else {
            format!("（另有计划：{}）", self.plan_labels.join("；"))
        }
    }
}

/// `p` and `near` make a cluster when their distinct officials reach `min`.
fn cluster(p: &PlanFacts, near: &[&PlanFacts], min: u32) -> Option<Cluster> {
    let officials: BTreeSet<i64> = p
        .official_ids
        .iter()
        .chain(near.iter().flat_map(|o| o.official_ids.iter()))
        .copied()
        .collect();
    let n = u32::try_from(officials.len()).unwrap_or(u32::MAX);
    if n < min || n == 0 {
        return None;
    }
    let kinds: BTreeSet<ActivityKind> = std::iter::once(p.kind)
        .chain(near.iter().map(|o| o.kind))
        .collect();
    let kinds: Vec<&str> = kinds.iter().map(|k| k.label_zh()).collect();
    let mut others: Vec<&&PlanFacts> = near.iter().collect();
    others.sort_by_key(|o| o.id);
    others.dedup_by_key(|o| o.id);
    Some(Cluster {
        officials: officials.len(),
        kinds: kinds.join("、"),
        plan_ids: others.iter().map(|o| o.id).collect(),
        plan_labels: others.iter().map(|o| o.label.clone()).collect(),
    })
}

/// 计划执行情况 plan versus actual: a plan matched to the activity that
/// fulfilled it is done; one whose date has passed unmatched is missed; any
/// other stays published.
pub fn plan_outcome(plan_date: NaiveDate, today: NaiveDate, matched: bool) -> PlanStatus {
    if matched {
        PlanStatus::Done
    } else if plan_date < today {
        PlanStatus::Missed
    } else {
        PlanStatus::Published
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

    fn plan(id: i64, region_id: i64, officials: &[i64], date: &str) -> PlanFacts {
        PlanFacts {
            id,
            region_id,
            official_ids: officials.to_vec(),
            kind: ActivityKind::Walk,
            mode: Some(Mode::SelfService),
            date: d(date),
            slot: HalfDay::Am,
            place: Place::Hall,
            window_unit_id: None,
            label: format!("计划{id}"),
        }
    }

    #[test]
    fn a_walk_plan_of_an_allowed_mode_passes() {
        // Arrange
        let policy = preset("003").unwrap().policy();
        let p = plan(1, 10, &[101], "2024-03-05");

        // Act
        let r = check_plan(&policy, &p);

        // Assert
        assert_eq!(r, Ok(()));
    }

    #[test]
    fn a_plan_names_every_bad_field() {
        // Arrange: 001 does not run 跟执法; nobody takes part.
        let policy = preset("001").unwrap().policy();
        let mut p = plan(1, 10, &[], "2024-05-06");
        p.kind = ActivityKind::Enforce;
        p.mode = Some(Mode::EnforcementOfficer);

        // Act
        let errs = check_plan(&policy, &p).unwrap_err();

        // Assert
        let got: Vec<(&str, &str)> = errs
            .0
            .iter()
            .map(|e| (e.field.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("kind", "本地规则未开展「跟执法」活动"),
                ("official_ids", "至少需要一名领导干部"),
            ]
        );
    }

    #[test]
    fn a_mode_of_another_kind_or_not_used_locally_is_refused() {
        // Arrange
        let policy = preset("003").unwrap().policy();
        let mut window_mode = plan(1, 10, &[101], "2024-03-05");
        window_mode.mode = Some(Mode::Window);
        let mut cross = plan(2, 10, &[101], "2024-03-05");
        cross.mode = Some(Mode::Cross); // 交叉走 is not a mode of seed 003

        // Act
        let e1 = check_plan(&policy, &window_mode).unwrap_err();
        let e2 = check_plan(&policy, &cross).unwrap_err();

        // Assert
        assert_eq!(e1.0[0].field, "mode");
        assert_eq!(e1.0[0].message, "方式「驻窗办」不属于活动类型「走流程」");
        assert_eq!(
            e2.0[0].message,
            "本地规则的「走流程」不采用「交叉走」方式，可选：亲身办、代理办、陪同办"
        );
    }

    #[test]
    fn three_officials_of_one_region_on_one_day_cluster_under_004() {
        // Arrange: 004 二.1 — three make a cluster, one day apart counts.
        let policy = preset("004").unwrap().policy();
        let others = [
            plan(12, 7, &[201], "2023-03-06"),
            plan(15, 7, &[202], "2023-03-07"),
            plan(16, 7, &[203], "2023-03-20"), // far away
        ];
        let p = plan(17, 7, &[204], "2023-03-07");

        // Act
        let w = cluster_warnings(&policy, &p, &others);

        // Assert
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].kind, ClusterKind::SameRegion);
        assert_eq!(w[0].other_plan_ids, [12, 15]);
        assert_eq!(
            w[0].message,
            "同一地区（部门）2023-03-07 前后 1 天内共有 3 名领导干部计划走流程（另有计划：计划12；计划15），存在扎堆，请错开安排"
        );
    }

    #[test]
    fn the_same_officials_twice_are_counted_once() {
        // Arrange: two plans of the same two officials are two people, not four.
        let policy = preset("004").unwrap().policy();
        let others = [plan(12, 7, &[201, 202], "2023-03-07")];
        let p = plan(13, 7, &[201, 202], "2023-03-07");

        // Act
        let w = cluster_warnings(&policy, &p, &others);

        // Assert
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn one_plan_with_three_officials_clusters_by_itself() {
        // Arrange
        let policy = preset("004").unwrap().policy();
        let p = plan(20, 7, &[201, 202, 203], "2023-03-07");

        // Act
        let w = cluster_warnings(&policy, &p, std::slice::from_ref(&p));

        // Assert: p itself in `others` is skipped; no other plan is named.
        assert_eq!(w.len(), 1);
        assert!(w[0].other_plan_ids.is_empty());
        assert_eq!(
            w[0].message,
            "同一地区（部门）2023-03-07 前后 1 天内共有 3 名领导干部计划走流程，存在扎堆，请错开安排"
        );
    }

    #[test]
    fn different_regions_do_not_cluster() {
        // Arrange
        let policy = preset("004").unwrap().policy();
        let others = [
            plan(12, 7, &[201], "2023-03-07"),
            plan(15, 8, &[202], "2023-03-07"),
        ];
        let p = plan(17, 9, &[204], "2023-03-07");

        // Act
        let w = cluster_warnings(&policy, &p, &others);

        // Assert
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn two_officials_at_one_window_on_one_day_cluster() {
        // Arrange: different regions, same hall, same day (004 同一天“走”窗口单位).
        let policy = preset("004").unwrap().policy();
        let mut other = plan(15, 8, &[202], "2023-03-07");
        other.window_unit_id = Some(900);
        other.kind = ActivityKind::Window;
        other.mode = Some(Mode::Window);
        let mut next_day = other.clone();
        next_day.id = 16;
        next_day.date = d("2023-03-08");
        let mut p = plan(17, 9, &[204], "2023-03-07");
        p.window_unit_id = Some(900);
        p.kind = ActivityKind::Window;
        p.mode = Some(Mode::Window);

        // Act
        let w = cluster_warnings(&policy, &p, &[other, next_day]);

        // Assert
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].kind, ClusterKind::SameWindow);
        assert_eq!(w[0].other_plan_ids, [15]);
        assert_eq!(
            w[0].message,
            "2023-03-07 同一窗口单位共有 2 名领导干部计划坐窗口（另有计划：计划15），存在扎堆，请错开安排"
        );
    }

    #[test]
    fn a_disabled_rule_warns_about_nothing() {
        // Arrange
        let mut policy = preset("004").unwrap().policy();
        policy.formalism.clustered_dates.enabled = false;
        let p = plan(20, 7, &[201, 202, 203], "2023-03-07");

        // Act
        let w = cluster_warnings(&policy, &p, &[]);

        // Assert
        assert!(w.is_empty());
    }

    #[test]
    fn same_day_only_when_within_days_is_zero() {
        // Arrange
        let mut policy = preset("004").unwrap().policy();
        policy.formalism.clustered_dates.within_days = 0;
        let others = [
            plan(12, 7, &[201], "2023-03-06"),
            plan(15, 7, &[202], "2023-03-07"),
            plan(16, 7, &[203], "2023-03-07"),
        ];
        let p = plan(17, 7, &[204], "2023-03-07");

        // Act
        let w = cluster_warnings(&policy, &p, &others);

        // Assert
        assert_eq!(w[0].other_plan_ids, [15, 16]);
        assert!(
            w[0].message.contains("2023-03-07 当天共有 3 名"),
            "{}",
            w[0].message
        );
    }

    #[test]
    fn plan_versus_actual() {
        // Arrange
        let today = d("2024-04-01");

        // Act / Assert
        assert_eq!(plan_outcome(d("2024-03-05"), today, true), PlanStatus::Done);
        assert_eq!(
            plan_outcome(d("2024-03-29"), today, false),
            PlanStatus::Missed
        );
        assert_eq!(
            plan_outcome(d("2024-04-01"), today, false),
            PlanStatus::Published
        );
        assert_eq!(plan_outcome(d("2024-04-09"), today, true), PlanStatus::Done);
    }

    #[test]
    fn vocabularies() {
        assert_eq!(HalfDay::parse("下午"), Some(HalfDay::Pm));
        assert_eq!(Place::parse("项目现场"), Some(Place::Site));
        assert_eq!(PlanStatus::parse("未开展"), Some(PlanStatus::Missed));
        assert!(PlanStatus::Draft.is_editable());
        assert!(PlanStatus::Submitted.is_editable());
        assert!(!PlanStatus::Published.is_editable());
        assert!(PlanStatus::Submitted.is_publishable());
        assert!(!PlanStatus::Cancelled.is_publishable());
        assert_eq!(PlanStatus::parse("待发布"), Some(PlanStatus::Submitted));
        assert_eq!(
            serde_json::to_string(&ClusterKind::SameWindow).unwrap(),
            "\"same-window\""
        );
    }
}
