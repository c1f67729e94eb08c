//! 统计报表 the monthly and quarterly statistics, in the stable JSON shape of
//! interface.md (`report quarterly --format json`).

use crate::kinds::{ActivityKind, Grade, Rank};
use crate::period::Period;
use crate::policy::{Policy, ScoreInput};
use serde::{Deserialize, Serialize};

/// Activities counted per kind; the keys are the kind codes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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

/// One unit's row of the report (a unit directly below the report's region).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitRow {
    pub unit: String,
    pub activities: i64,
    pub problems_found: i64,
    pub problems_solved: i64,
    pub overdue: i64,
    /// 优秀 / 良好 / 一般 / 较差
    pub grade: String,
}

/// 发现 a compliance or formalism finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// A `FindingKind` code: clustered-dates, shallow-problem, one-sided-modes,
    /// perfunctory-rectification, empty-walk, overdue, missing-walk, late-filing.
    pub kind: String,
    pub unit: String,
    pub detail: String,
}

/// 月度/季度统计 the statistics of a region over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    pub needs: i64,
    pub units: Vec<UnitRow>,
    pub findings: Vec<Finding>,
}

/// 统计表 one row of the statistics tables: a unit directly below the
/// region (or the region's total). The monthly table of seed 003 四(二)
/// reads 参与人次、接待企业群众数量、体验事项数量及内容、参与执法次数及内容、
/// 发现和解决问题情况; the quarterly summary adds the activities by kind,
/// the overdue rectifications and the grade.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
    pub needs: i64,
    /// Not closed and past the deadline at the period's end (or today).
    pub overdue: i64,
    /// 优秀 / 良好 / 一般 / 较差; empty on the total row.
    pub grade: String,
}

/// 统计表 the monthly statistics or the quarterly summary of a region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatTable {
    pub period: String,
    pub region: String,
    pub region_id: i64,
    pub rows: Vec<TableRow>,
    /// 合计: the region as a whole.
    pub total: TableRow,
}

/// What one unit did in the period, as counted by the store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitCounts {
    pub activities: i64,
    /// Official participations in activities of the kinds the frequency rules count.
    pub participations_by_kind: Vec<(ActivityKind, i64)>,
    pub problems_found: i64,
    pub problems_solved: i64,
    pub overdue: i64,
    pub late_filings: i64,
    /// Active officials by rank.
    pub officials_by_rank: Vec<(Rank, i64)>,
}

/// Grades a unit by the policy's rule: walks done against what the frequency
/// rules require of its officials over `period`, rectification rate, overdue
/// problems, formalism findings and late filings.
pub fn grade(policy: &Policy, period: Period, c: &UnitCounts, formalism_findings: u32) -> Grade {
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
    let u = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
    let input = ScoreInput {
        walks_done: u(done.min(required)),
        walks_required: u(required),
        problems_found: u(c.problems_found),
        problems_closed: u(c
            .problems_solved
            .min(c.problems_found.max(c.problems_solved))),
        overdue: u(c.overdue),
        formalism_findings,
        late_filings: u(c.late_filings),
    };
    let rule = &policy.grading;
    rule.grade(rule.score(&input))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::preset;

    #[test]
    fn a_unit_that_walked_and_fixed_everything_is_excellent() {
        let policy = preset("003").expect("preset").policy();
        let q = Period::parse("2024Q1").expect("period");
        let c = UnitCounts {
            activities: 2,
            participations_by_kind: vec![(ActivityKind::Walk, 1), (ActivityKind::Enforce, 1)],
            problems_found: 4,
            problems_solved: 4,
            officials_by_rank: vec![(Rank::Head, 1)],
            ..Default::default()
        };
        assert_eq!(grade(&policy, q, &c, 0), Grade::Excellent);
    }

    #[test]
    fn nothing_walked_and_overdue_problems_grade_poor() {
        let policy = preset("003").expect("preset").policy();
        let q = Period::parse("2024Q1").expect("period");
        let c = UnitCounts {
            problems_found: 5,
            problems_solved: 0,
            overdue: 5,
            officials_by_rank: vec![(Rank::Head, 2)],
            ..Default::default()
        };
        assert_eq!(grade(&policy, q, &c, 2), Grade::Poor);
    }

    #[test]
    fn report_serialises_with_exactly_the_interface_keys() {
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
            needs: 0,
            units: vec![],
            findings: vec![],
        };
        let v = serde_json::to_value(&r).expect("json");
        let mut keys: Vec<&str> = v
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
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
                "visitors_received"
            ]
        );
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
