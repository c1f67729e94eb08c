//! 统计报表 the monthly and quarterly statistics, in the stable JSON shape of
//! interface.md (`report quarterly --format json`).

use crate::kinds::{ActivityKind, Grade, Rank};
use crate::period::Period;
use crate::policy::{Policy, ScoreInput};
use serde::{Deserialize, Serialize};

/// Activities counted per kind; the keys are the kind codes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ByKind {
    pub walk: i64,
    pub window: i64,
    pub inspect: i64,
    pub enforce: i64,
    pub complaint: i64,
}

impl ByKind {
    pub fn add(&mut self, kind: ActivityKind, n: i64) {
        match kind {
            ActivityKind::Walk => self.walk += n,
            ActivityKind::Window => self.window += n,
            ActivityKind::Inspect => self.inspect += n,
            ActivityKind::Enforce => self.enforce += n,
            ActivityKind::Complaint => self.complaint += n,
        }
    }

    pub fn total(&self) -> i64 {
        self.walk + self.window + self.inspect + self.enforce + self.complaint
    }
}

/// 整改率 as every table, page and notice states it.
pub const RECTIFICATION_RATE_DEFINITION: &str = "整改率＝本期发现的问题中已销号的个数÷本期发现问题数（截至期末，本期未结束的截至今日），不超过100%；本期销号的以前发现的问题另计为“销号旧账”。";

/// 整改率: closed among those found, `None` when nothing was found.
pub fn rectification_rate(found: i64, found_closed: i64) -> Option<f64> {
    (found > 0).then(|| (found_closed.clamp(0, found) as f64) / (found as f64))
}

/// One unit's row of the report (a unit directly below the report's region).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UnitRow {
    pub unit: String,
    pub unit_id: i64,
    pub activities: i64,
    pub problems_found: i64,
    pub problems_solved: i64,
    /// Found in the period and closed by its end (or today).
    pub problems_found_closed: i64,
    /// 整改率 ([`RECTIFICATION_RATE_DEFINITION`]); `None` when nothing was found.
    pub rectification_rate: Option<f64>,
    pub overdue: i64,
    /// Findings of the period that name it or a unit below it (dismissed ones left out).
    pub findings: i64,
    /// 优秀 / 良好 / 一般 / 较差, or 未参评.
    pub grade: String,
    /// 得分, when graded.
    pub score: Option<f64>,
    /// The score's parts.
    pub score_parts: Vec<ScorePart>,
    /// Why this grade, in a sentence.
    pub grade_reason: String,
}

/// 溯源记录 a record behind a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecordRef {
    /// `activity`, `problem` or `official`.
    pub kind: String,
    pub id: i64,
    /// How the record reads: a problem's description, an activity's date, unit and officials.
    pub text: String,
}

/// 审核意见 the supervisor's decision on a finding before it goes into a notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// `confirmed` (确认) or `dismissed` (排除).
    pub decision: String,
    pub reason: String,
    /// Who decided (display name).
    pub by: String,
    /// When (`2026-11-10 09:30`).
    pub at: String,
}

/// 发现 a compliance or formalism finding about one unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// A `FindingKind` code: clustered-dates, shallow-problem, one-sided-modes,
    /// perfunctory-rectification, empty-walk, overdue, missing-walk, late-filing.
    pub kind: String,
    /// The judged unit's name.
    pub unit: String,
    pub detail: String,
    /// Why the rule finds it, with the policy's thresholds.
    pub reason: String,
    /// The first records behind it (`record_count` in all).
    pub records: Vec<RecordRef>,
    /// Stable within a period: `kind:unit_id`.
    pub key: String,
    pub unit_id: i64,
    /// The report row (unit directly below the region) it counts against.
    pub row_unit_id: i64,
    pub row_unit: String,
    pub record_count: i64,
    /// The supervisor's review, once made.
    pub review: Option<Review>,
}

impl Finding {
    /// Whether the supervisor dismissed it: it then leaves the notice and the grade.
    pub fn dismissed(&self) -> bool {
        self.review
            .as_ref()
            .is_some_and(|r| r.decision == "dismissed")
    }
}

/// 月度/季度统计 the statistics of a region over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub period: String,
    pub region: String,
    /// Region units directly below the region with at least one activity in their subtree.
    pub regions: i64,
    /// Department units directly below the region with at least one activity in their subtree.
    pub departments: i64,
    /// Distinct officials with at least one activity.
    pub officials: i64,
    pub activities: i64,
    pub by_kind: ByKind,
    pub visitors_received: i64,
    /// Distinct service items experienced.
    pub items_experienced: i64,
    /// Problems found in the period.
    pub problems_found: i64,
    /// Problems closed (已销号) in the period, whenever found.
    pub problems_solved: i64,
    /// Found in the period and closed by its end (or today).
    pub problems_found_closed: i64,
    /// 销号旧账: found before the period and closed in it.
    pub problems_closed_old: i64,
    /// 整改率 ([`RECTIFICATION_RATE_DEFINITION`]); `None` when nothing was found.
    pub rectification_rate: Option<f64>,
    /// The definition of 整改率, to print beside it.
    pub rectification_rate_definition: String,
    pub needs: i64,
    pub units: Vec<UnitRow>,
    /// The findings the notice names (dismissed ones left out).
    pub findings: Vec<Finding>,
}

/// 统计表 one row of the statistics tables: a unit directly below the
/// region (or the region's total). The monthly table of seed 003 四(二)
/// reads 参与人次、接待企业群众数量、体验事项数量及内容、参与执法次数及内容、
/// 发现和解决问题情况; the quarterly summary adds the activities by kind,
/// the overdue rectifications and the grade.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TableRow {
    /// The unit's id (the region's own for the total row).
    pub unit_id: i64,
    pub unit: String,
    pub activities: i64,
    pub by_kind: ByKind,
    /// 参与人次: officials taking part, one per official per activity.
    pub participations: i64,
    /// 接待企业群众(人次).
    pub visitors: i64,
    /// 体验事项数量: distinct items experienced.
    pub items_experienced: i64,
    /// 体验事项内容: the items' names (the first ten).
    pub items: Vec<String>,
    /// 参与执法次数: participations in 跟执法.
    pub enforce_participations: i64,
    /// 执法内容: what the enforcement activities dealt with (the most frequent five).
    pub enforce_content: Vec<String>,
    pub problems_found: i64,
    pub problems_solved: i64,
    /// Found in the period and closed by its end (or today).
    pub problems_found_closed: i64,
    /// 销号旧账: found before the period and closed in it.
    pub problems_closed_old: i64,
    /// 整改率; `None` when nothing was found.
    pub rectification_rate: Option<f64>,
    pub needs: i64,
    /// Not rectified and past the deadline at the period's end (or today).
    pub overdue: i64,
    /// Findings against the row (dismissed ones left out).
    pub findings: i64,
    /// 优秀 / 良好 / 一般 / 较差 or 未参评; empty on the total row.
    pub grade: String,
    pub score: Option<f64>,
    pub score_parts: Vec<ScorePart>,
    pub grade_reason: String,
}

/// 统计表 the monthly statistics or the quarterly summary of a region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatTable {
    pub period: String,
    pub region: String,
    pub region_id: i64,
    pub rows: Vec<TableRow>,
    /// 合计: the region as a whole.
    pub total: TableRow,
    /// The definition of 整改率, to print beside it.
    pub rectification_rate_definition: String,
}

/// What one unit did in the period, as counted by the store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitCounts {
    pub activities: i64,
    /// Activities by kind (the ledgers' rows, of no kind, left out).
    pub activities_by_kind: Vec<(ActivityKind, i64)>,
    /// People received at the windows walked (接待群众).
    pub visitors: i64,
    pub needs: i64,
    /// Official participations in activities of the kinds the frequency rules count.
    pub participations_by_kind: Vec<(ActivityKind, i64)>,
    pub problems_found: i64,
    pub problems_solved: i64,
    /// Found in the period and closed by its end (or today).
    pub problems_found_closed: i64,
    pub overdue: i64,
    pub late_filings: i64,
    /// Active officials by rank.
    pub officials_by_rank: Vec<(Rank, i64)>,
}

/// 评分项 one part of a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScorePart {
    /// 走流程完成率, 整改率, 整改逾期, 形式主义问题, 报备超时.
    pub label: String,
    /// How it was counted (`完成 2/3 人次`).
    pub detail: String,
    /// Points added (or, negative, taken off).
    pub points: f64,
}

/// 考评结果 a unit's grade with the reasons for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// 优秀 / 良好 / 一般 / 较差, or 未参评.
    pub grade: String,
    pub score: Option<f64>,
    pub parts: Vec<ScorePart>,
    pub reason: String,
}

/// 未参评 the label of a unit that is not graded.
pub const NOT_GRADED: &str = "未参评";

/// The findings a grade counts, the dismissed left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FindingCounts {
    /// Formalism findings (seed 004 二), one per kind and unit.
    pub formalism: u32,
    /// Overdue problems named by the overdue findings.
    pub overdue: u32,
    /// Late filings named by the late-filing findings.
    pub late: u32,
}

impl FindingCounts {
    /// Counts the findings of one report row.
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> FindingCounts {
        let mut c = FindingCounts::default();
        let n = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
        for f in findings.into_iter().filter(|f| !f.dismissed()) {
            match crate::kinds::FindingKind::parse(&f.kind) {
                Some(crate::kinds::FindingKind::Overdue) => c.overdue += n(f.record_count),
                Some(crate::kinds::FindingKind::LateFiling) => c.late += n(f.record_count),
                Some(k) if crate::findings::is_formalism(k) => c.formalism += 1,
                _ => {}
            }
        }
        c
    }
}

fn points(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Grades a unit by the policy's rule: walks done against what the
/// frequency rules require of its officials over `period`, the share of the
/// period's problems closed, and the findings against it. A unit with no
/// activity is never graded above 较差 when walks were required of it, and
/// is 未参评 when none were. Every grade carries its parts and its reason.
pub fn assess(policy: &Policy, period: Period, c: &UnitCounts, f: &FindingCounts) -> Assessment {
    let mut required: i64 = 0;
    let mut done: i64 = 0;
    for rule in &policy.frequency {
        let per_official = i64::from(rule.required_in(period));
        if per_official == 0 {
            continue;
        }
        let officials: i64 = c
            .officials_by_rank
            .iter()
            .filter(|(r, _)| rule.ranks.contains(r))
            .map(|(_, n)| n)
            .sum();
        required += per_official * officials;
        done += c
            .participations_by_kind
            .iter()
            .filter(|(k, _)| rule.kinds.contains(k))
            .map(|(_, n)| n)
            .sum::<i64>();
    }
    if c.activities == 0 && required == 0 {
        return Assessment {
            grade: NOT_GRADED.into(),
            score: None,
            parts: Vec::new(),
            reason: "本期没有活动记录，本地规则也未对其领导干部提出“走流程”频次要求（未登记相应职级的领导干部），不参加评定".into(),
        };
    }
    let u = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
    let found_closed = c.problems_found_closed.clamp(0, c.problems_found.max(0));
    let input = ScoreInput {
        walks_done: u(done.min(required)),
        walks_required: u(required),
        problems_found: u(c.problems_found),
        problems_closed: u(found_closed),
        overdue: f.overdue,
        formalism_findings: f.formalism,
        late_filings: f.late,
    };
    let rule = &policy.grading;
    let (w, p) = (&rule.weights, &rule.penalties);
    let ratio = |a: i64, b: i64| {
        if b <= 0 {
            1.0
        } else {
            (a as f64 / b as f64).min(1.0)
        }
    };
    let mut parts = vec![
        ScorePart {
            label: "走流程完成率".into(),
            detail: if required > 0 {
                format!("应走{required}人次，完成{}人次", done.min(required))
            } else {
                "本期无频次要求，按满分计".into()
            },
            points: points(w.walk_completion * ratio(done, required)),
        },
        ScorePart {
            label: "整改率".into(),
            detail: if c.problems_found > 0 {
                format!("本期发现{}个，已销号{found_closed}个", c.problems_found)
            } else {
                "本期未发现问题，按满分计".into()
            },
            points: points(w.rectification_rate * ratio(found_closed, c.problems_found)),
        },
    ];
    for (n, per, label, what) in [
        (f.overdue, p.overdue, "整改逾期", "个问题"),
        (f.formalism, p.formalism, "形式主义问题", "项"),
        (f.late, p.late_filing, "报备超时", "次"),
    ] {
        if n > 0 && per > 0.0 {
            parts.push(ScorePart {
                label: label.into(),
                detail: format!("{n}{what}，每{}扣{per}分", what.trim_start_matches('个')),
                points: -points(per * f64::from(n)),
            });
        }
    }
    let score = points(rule.score(&input));
    let t = &rule.thresholds;
    let lines = format!(
        "优秀≥{}分、良好≥{}分、一般≥{}分",
        t.excellent, t.good, t.fair
    );
    if c.activities == 0 {
        return Assessment {
            grade: Grade::Poor.label_zh().into(),
            score: Some(score),
            parts,
            reason: format!(
                "本期应“走流程”{required}人次，没有任何活动记录，评为较差（得分{score}分；{lines}）"
            ),
        };
    }
    let g = rule.grade(score);
    Assessment {
        grade: g.label_zh().into(),
        score: Some(score),
        parts,
        reason: format!("得分{score}分，评为{}（{lines}）", g.label_zh()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::preset;

    fn q() -> Period {
        Period::parse("2024Q1").expect("period")
    }

    #[test]
    fn a_unit_that_walked_and_fixed_everything_is_excellent() {
        let policy = preset("003").expect("preset").policy();
        let c = UnitCounts {
            activities: 2,
            participations_by_kind: vec![(ActivityKind::Walk, 1), (ActivityKind::Enforce, 1)],
            problems_found: 4,
            problems_solved: 4,
            problems_found_closed: 4,
            officials_by_rank: vec![(Rank::Head, 1)],
            ..Default::default()
        };
        let a = assess(&policy, q(), &c, &FindingCounts::default());
        assert_eq!(a.grade, "优秀");
        assert_eq!(a.score, Some(100.0));
        let labels: Vec<&str> = a.parts.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["走流程完成率", "整改率"]);
        assert_eq!(a.parts[0].detail, "应走1人次，完成1人次");
        assert!(a.reason.starts_with("得分100分，评为优秀"), "{}", a.reason);
    }

    #[test]
    fn old_problems_closed_do_not_raise_the_rate() {
        // Four found, one of them closed, and three older ones closed: 25%, not 100%.
        let policy = preset("003").expect("preset").policy();
        let c = UnitCounts {
            activities: 1,
            participations_by_kind: vec![(ActivityKind::Walk, 1)],
            problems_found: 4,
            problems_solved: 4,
            problems_found_closed: 1,
            officials_by_rank: vec![(Rank::Head, 1)],
            ..Default::default()
        };
        let a = assess(&policy, q(), &c, &FindingCounts::default());
        assert_eq!(a.parts[1].points, 12.5);
        assert_eq!((a.score, a.grade.as_str()), (Some(62.5), "一般"));
        assert_eq!(rectification_rate(4, 1), Some(0.25));
        assert_eq!(rectification_rate(4, 9), Some(1.0));
        assert_eq!(rectification_rate(0, 3), None);
    }

    #[test]
    fn findings_take_points_off_and_say_so() {
        let policy = preset("003").expect("preset").policy();
        let c = UnitCounts {
            activities: 1,
            participations_by_kind: vec![(ActivityKind::Walk, 1)],
            problems_found: 2,
            problems_found_closed: 2,
            officials_by_rank: vec![(Rank::Head, 1)],
            ..Default::default()
        };
        let f = FindingCounts {
            formalism: 2,
            overdue: 1,
            late: 0,
        };
        let a = assess(&policy, q(), &c, &f);
        // 100 - 2 (one overdue) - 2 × 3 (formalism) = 92.
        assert_eq!(a.score, Some(92.0));
        let off: Vec<(&str, f64)> = a.parts[2..]
            .iter()
            .map(|p| (p.label.as_str(), p.points))
            .collect();
        assert_eq!(off, [("整改逾期", -2.0), ("形式主义问题", -6.0)]);
    }

    #[test]
    fn a_unit_with_nothing_recorded_is_never_graded_well() {
        let policy = preset("003").expect("preset").policy();
        // Walks were required of its head: 较差, whatever the other parts say.
        let expected = UnitCounts {
            officials_by_rank: vec![(Rank::Head, 2)],
            ..Default::default()
        };
        let a = assess(&policy, q(), &expected, &FindingCounts::default());
        assert_eq!(a.grade, "较差");
        assert!(
            a.reason.contains("应“走流程”2人次，没有任何活动记录"),
            "{}",
            a.reason
        );
        // Nothing was required of it: not graded, and the reason says why.
        let a = assess(
            &policy,
            q(),
            &UnitCounts::default(),
            &FindingCounts::default(),
        );
        assert_eq!(a.grade, NOT_GRADED);
        assert_eq!(a.score, None);
        assert!(a.reason.contains("不参加评定"), "{}", a.reason);
    }

    #[test]
    fn dismissed_findings_do_not_count() {
        let mk = |kind: &str, n: i64, dismissed: bool| Finding {
            kind: kind.into(),
            unit: "u".into(),
            detail: String::new(),
            reason: String::new(),
            records: vec![],
            key: String::new(),
            unit_id: 1,
            row_unit_id: 1,
            row_unit: "u".into(),
            record_count: n,
            review: dismissed.then(|| Review {
                decision: "dismissed".into(),
                reason: "已核实为正常安排".into(),
                by: "督查员".into(),
                at: "2024-04-02 09:00".into(),
            }),
        };
        let all = [
            mk("clustered-dates", 3, true),
            mk("empty-walk", 1, false),
            mk("overdue", 4, false),
            mk("late-filing", 2, true),
        ];
        assert_eq!(
            FindingCounts::of(&all),
            FindingCounts {
                formalism: 1,
                overdue: 4,
                late: 0
            }
        );
    }

    #[test]
    fn report_serialises_with_the_interface_keys() {
        let r = Report {
            period: "2024Q1".into(),
            region: "示范区".into(),
            regions: 0,
            departments: 0,
            officials: 0,
            activities: 0,
            by_kind: ByKind::default(),
            visitors_received: 0,
            items_experienced: 0,
            problems_found: 0,
            problems_solved: 0,
            problems_found_closed: 0,
            problems_closed_old: 0,
            rectification_rate: None,
            rectification_rate_definition: RECTIFICATION_RATE_DEFINITION.into(),
            needs: 0,
            units: vec![],
            findings: vec![],
        };
        let v = serde_json::to_value(&r).expect("json");
        let keys: Vec<&str> = v
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        // interface.md's keys are all there; the others only add to them.
        for k in [
            "activities",
            "by_kind",
            "departments",
            "findings",
            "items_experienced",
            "needs",
            "officials",
            "period",
            "problems_found",
            "problems_solved",
            "region",
            "regions",
            "units",
            "visitors_received",
        ] {
            assert!(keys.contains(&k), "{k} missing from {keys:?}");
        }
        let mut kinds: Vec<String> = v["by_kind"]
            .as_object()
            .expect("object")
            .keys()
            .cloned()
            .collect();
        kinds.sort_unstable();
        assert_eq!(kinds, ["complaint", "enforce", "inspect", "walk", "window"]);
    }
}
