//! 发现 the formalism and compliance findings of a period (seed 004 二):
//! dates bunched together, trivial problems, one-sided ways of walking,
//! rectifications claimed without concrete measures, walks that found
//! nothing; and overdue rectifications and late filing. Every threshold is
//! the active policy's ([`crate::policy::FormalismRule`]).

use crate::kinds::{Channel, FindingKind, Mode};
use crate::policy::Policy;
use crate::report::Finding;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// An activity of the period, as the rules need it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityFact {
    pub id: i64,
    /// The unit directly below the region it belongs to (县区 or 部门).
    pub unit: String,
    pub officials: Vec<(i64, String)>,
    pub date: NaiveDate,
    pub mode: Option<Mode>,
    pub channel: Option<Channel>,
    pub unannounced: bool,
    /// Where it took place (the window or hall), if recorded.
    pub place: Option<String>,
    /// Problems and needs it recorded.
    pub found: i64,
    pub late: bool,
}

/// A problem of the period, as the rules need it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemFact {
    pub id: i64,
    pub unit: String,
    pub description: String,
    pub measures: String,
    pub effect: String,
    /// Found in the period.
    pub found: bool,
    /// Closed (已销号) in the period.
    pub closed: bool,
    /// Open and past its deadline.
    pub overdue: bool,
}

/// The findings of a period from its facts, in the order of seed 004 二
/// (formalism first), then by unit.
pub fn find(policy: &Policy, acts: &[ActivityFact], probs: &[ProblemFact]) -> Vec<Finding> {
    let f = &policy.formalism;
    let mut out: Vec<(FindingKind, String, String)> = Vec::new();

    // 时间扎堆: within `within_days` days, this many officials of one unit.
    if f.clustered_dates.enabled && f.clustered_dates.min_officials > 0 {
        let mut by_unit: BTreeMap<&str, Vec<(NaiveDate, i64)>> = BTreeMap::new();
        for a in acts {
            for (o, _) in &a.officials {
                by_unit.entry(&a.unit).or_default().push((a.date, *o));
            }
        }
        let span = i64::from(f.clustered_dates.within_days.saturating_sub(1));
        for (unit, mut v) in by_unit {
            v.sort();
            let mut reported_until: Option<NaiveDate> = None;
            for (i, (d0, _)) in v.iter().enumerate() {
                if reported_until.is_some_and(|r| *d0 <= r) {
                    continue;
                }
                let end = *d0 + chrono::Duration::days(span);
                let who: BTreeSet<i64> = v[i..]
                    .iter()
                    .take_while(|(d, _)| *d <= end)
                    .map(|(_, o)| *o)
                    .collect();
                if who.len() >= f.clustered_dates.min_officials as usize {
                    let last = v[i..]
                        .iter()
                        .take_while(|(d, _)| *d <= end)
                        .map(|(d, _)| *d)
                        .max()
                        .unwrap_or(*d0);
                    let when = if last == *d0 {
                        d0.to_string()
                    } else {
                        format!("{d0} 至 {last}")
                    };
                    out.push((
                        FindingKind::ClusteredDates,
                        unit.to_string(),
                        format!("{when} 有 {} 名领导干部集中“走流程”", who.len()),
                    ));
                    reported_until = Some(last);
                }
            }
        }
        // The same window on one day.
        if f.clustered_dates.same_window_min_officials > 0 {
            let mut at: BTreeMap<(&str, NaiveDate, &str), BTreeSet<i64>> = BTreeMap::new();
            for a in acts {
                if let Some(p) = a.place.as_deref().filter(|p| !p.is_empty()) {
                    at.entry((&a.unit, a.date, p))
                        .or_default()
                        .extend(a.officials.iter().map(|o| o.0));
                }
            }
            for ((unit, d, place), who) in at {
                if who.len() >= f.clustered_dates.same_window_min_officials as usize {
                    out.push((
                        FindingKind::ClusteredDates,
                        unit.to_string(),
                        format!("{d} 有 {} 名领导干部同一天“走”{place}", who.len()),
                    ));
                }
            }
        }
    }

    // 问题浮浅.
    for p in probs.iter().filter(|p| p.found) {
        if let Some(k) = f.shallow_problems.matched_keyword(&p.description) {
            out.push((
                FindingKind::ShallowProblem,
                p.unit.clone(),
                format!("将「{}」列为“走流程”问题（{k}）", p.description),
            ));
        }
    }

    // 方式单一: shares of the unit's walks.
    let rule = &f.one_sided_modes;
    if rule.enabled {
        let mut by_unit: BTreeMap<&str, Vec<&ActivityFact>> = BTreeMap::new();
        for a in acts.iter().filter(|a| {
            a.mode
                .is_some_and(|m| m.kind() == crate::kinds::ActivityKind::Walk)
        }) {
            by_unit.entry(&a.unit).or_default().push(a);
        }
        for (unit, walks) in by_unit {
            let n = walks.len();
            if n == 0 || n < rule.min_walks as usize {
                continue;
            }
            let share = |pred: &dyn Fn(&ActivityFact) -> bool| {
                walks.iter().filter(|a| pred(a)).count() as f64 / n as f64
            };
            let checks: [(f64, f64, &str); 4] = [
                (
                    share(&|a| a.channel.is_some_and(Channel::is_online)),
                    rule.min_online_share,
                    "网上（掌上）体验",
                ),
                (
                    share(&|a| a.mode == Some(Mode::Cross)),
                    rule.min_cross_share,
                    "交叉联动“走”",
                ),
                (
                    share(&|a| a.mode.is_some_and(Mode::is_citizen_identity)),
                    rule.min_citizen_share,
                    "以普通办事群众身份体验",
                ),
                (
                    share(&|a| a.unannounced),
                    rule.min_unannounced_share,
                    "“四不两直”暗访",
                ),
            ];
            for (got, want, what) in checks {
                if want > 0.0 && got < want {
                    out.push((
                        FindingKind::OneSidedModes,
                        unit.to_string(),
                        format!(
                            "{n} 次“走流程”中{what}仅占 {:.0}%（要求不低于 {:.0}%）",
                            got * 100.0,
                            want * 100.0
                        ),
                    ));
                }
            }
        }
    }

    // 整改敷衍.
    for p in probs.iter().filter(|p| p.closed) {
        if f.perfunctory_rectification
            .judge(&p.description, &p.measures, &p.effect)
            .is_some()
        {
            let m = if p.measures.is_empty() {
                "（未填写）"
            } else {
                p.measures.as_str()
            };
            out.push((
                FindingKind::PerfunctoryRectification,
                p.unit.clone(),
                format!(
                    "问题「{}」销号时整改措施为「{m}」，措施或效果不具体",
                    p.description
                ),
            ));
        }
    }

    // 空走: an official's walks that found nothing.
    if f.empty_walks.enabled && f.empty_walks.min_per_official > 0 {
        let mut empty: BTreeMap<(&str, i64), (&str, u32)> = BTreeMap::new();
        for a in acts.iter().filter(|a| a.found == 0) {
            for (o, name) in &a.officials {
                let e = empty.entry((&a.unit, *o)).or_insert((name, 0));
                e.1 += 1;
            }
        }
        for ((unit, _), (name, n)) in empty {
            if n >= f.empty_walks.min_per_official {
                out.push((
                    FindingKind::EmptyWalk,
                    unit.to_string(),
                    format!("{name} {n} 次“走流程”未发现问题、未收集需求"),
                ));
            }
        }
    }

    // 整改逾期 and 报备超时, counted per unit.
    let mut overdue: BTreeMap<&str, u32> = BTreeMap::new();
    for p in probs.iter().filter(|p| p.overdue) {
        *overdue.entry(&p.unit).or_default() += 1;
    }
    for (unit, n) in overdue {
        out.push((
            FindingKind::Overdue,
            unit.to_string(),
            format!("{n} 个问题超过整改时限仍未销号"),
        ));
    }
    let mut late: BTreeMap<&str, u32> = BTreeMap::new();
    for a in acts.iter().filter(|a| a.late) {
        *late.entry(&a.unit).or_default() += 1;
    }
    for (unit, n) in late {
        out.push((
            FindingKind::LateFiling,
            unit.to_string(),
            format!("{n} 次活动超过规定时限报备"),
        ));
    }

    out.sort_by_key(|(k, _, _)| {
        FindingKind::ALL
            .iter()
            .position(|x| x == k)
            .unwrap_or(usize::MAX)
    });
    out.into_iter()
        .map(|(k, unit, detail)| Finding {
            kind: k.code().to_string(),
            unit,
            detail,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::preset;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn walk(
        id: i64,
        unit: &str,
        official: i64,
        date: &str,
        channel: Channel,
        found: i64,
    ) -> ActivityFact {
        ActivityFact {
            id,
            unit: unit.into(),
            officials: vec![(official, format!("干部{official}"))],
            date: d(date),
            mode: Some(Mode::SelfService),
            channel: Some(channel),
            unannounced: false,
            place: None,
            found,
            late: false,
        }
    }

    fn problem(unit: &str, text: &str, measures: &str, effect: &str, closed: bool) -> ProblemFact {
        ProblemFact {
            id: 1,
            unit: unit.into(),
            description: text.into(),
            measures: measures.into(),
            effect: effect.into(),
            found: true,
            closed,
            overdue: false,
        }
    }

    #[test]
    fn the_five_kinds_of_seed_004_are_found_by_the_policy_thresholds() {
        let policy = preset("003").expect("preset").policy();
        // Three officials of 区市场监管局 on one day (min_officials = 3 in preset 003).
        let acts = vec![
            walk(1, "区市场监管局", 1, "2024-03-05", Channel::Window, 1),
            walk(2, "区市场监管局", 2, "2024-03-05", Channel::Window, 1),
            walk(3, "区市场监管局", 3, "2024-03-05", Channel::Window, 0),
            walk(4, "区医保局", 4, "2024-03-05", Channel::Online, 2),
            walk(5, "区医保局", 5, "2024-03-20", Channel::Online, 1),
        ];
        let probs = vec![
            problem("区市场监管局", "灭火器摆放不规范", "", "", false),
            problem("区医保局", "证明材料重复提交", "已整改", "已解决", true),
            problem(
                "区医保局",
                "网办流程不畅",
                "打通省市两级系统接口，申请表单由12项精简为5项",
                "办理时间由3天缩短为当日",
                true,
            ),
        ];
        let found = find(&policy, &acts, &probs);
        let kinds: Vec<(&str, &str)> = found
            .iter()
            .map(|f| (f.kind.as_str(), f.unit.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("clustered-dates", "区市场监管局"),
                ("shallow-problem", "区市场监管局"),
                ("one-sided-modes", "区市场监管局"),
                ("perfunctory-rectification", "区医保局"),
                ("empty-walk", "区市场监管局"),
            ],
            "{found:#?}"
        );
        assert_eq!(found[0].detail, "2024-03-05 有 3 名领导干部集中“走流程”");
        assert!(
            found[2].detail.contains("网上（掌上）体验仅占 0%"),
            "{}",
            found[2].detail
        );
        assert_eq!(found[4].detail, "干部3 1 次“走流程”未发现问题、未收集需求");
    }

    #[test]
    fn overdue_and_late_filing_are_counted_per_unit() {
        let policy = preset("003").expect("preset").policy();
        let mut a = walk(1, "南门街道", 1, "2024-03-05", Channel::Online, 1);
        a.late = true;
        let mut p = problem("南门街道", "排队时间长", "", "", false);
        p.overdue = true;
        let found = find(&policy, &[a], &[p.clone(), p]);
        let details: Vec<&str> = found.iter().map(|f| f.detail.as_str()).collect();
        assert_eq!(
            details,
            ["2 个问题超过整改时限仍未销号", "1 次活动超过规定时限报备"]
        );
    }
}
