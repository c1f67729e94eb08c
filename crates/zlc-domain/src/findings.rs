//! 发现 the formalism and compliance findings of a period (seed 004 二):
//! dates bunched together, trivial problems, one-sided ways of walking,
//! rectifications closed without a concrete change, walks that found
//! nothing; and overdue rectifications, late filing and officials who did
//! not walk as often as the policy requires.
//!
//! A finding names one judged unit (a region, department or enterprise;
//! a section's or hall's records are judged with the unit above it), once
//! per kind, with the records behind it and the reason the rule gives.
//! Every threshold is the active policy's ([`crate::policy::FormalismRule`]).
//! Where a rule is in doubt it finds nothing: a notice names units publicly.
//!
//! The facts come pre-selected by the store (only the days where officials
//! bunched, only the walks that found nothing, only the problems flagged when
//! written), so that judging a nation's quarter reads a small part of it.

use crate::kinds::{ActivityKind, Channel, FindingKind, Mode, Rank};
use crate::period::Period;
use crate::policy::{FrequencyRule, Policy};
use crate::report::{Finding, RecordRef};
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// How many records a finding lists; `record_count` says how many there are.
pub const RECORDS_LISTED: usize = 20;

/// 被研判单位 a unit findings are about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JudgedUnit {
    pub id: i64,
    pub name: String,
    /// The unit directly below the report's region that it lies in (its
    /// row of the report, where its grade counts the finding).
    pub row_id: i64,
    pub row_name: String,
}

/// An activity, as the rules need it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityFact {
    pub id: i64,
    /// The judged unit it is counted for.
    pub unit: i64,
    pub date: NaiveDate,
    /// Where it took place (the window or hall), if recorded.
    pub place: Option<String>,
    pub officials: Vec<(i64, String)>,
    /// How the activity reads in a list: date, unit, officials, kind.
    pub text: String,
}

/// 方式统计 a judged unit's 走流程 walks of the period, counted by way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ModeCounts {
    pub unit: i64,
    pub walks: i64,
    pub online: i64,
    pub cross: i64,
    pub citizen: i64,
    pub unannounced: i64,
}

/// A problem a rule flagged when it was written: its description matched a
/// trivial keyword, or its closing measures read empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlaggedProblem {
    pub id: i64,
    pub unit: i64,
    pub description: String,
    pub measures: String,
    /// The keyword matched, or the rule's reason.
    pub note: String,
}

/// 计数 a count per judged unit with the first records behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub unit: i64,
    pub count: i64,
    pub records: Vec<RecordRef>,
}

/// 领导干部 an official a frequency rule may require activities of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialFact {
    pub id: i64,
    /// The judged unit the official is counted under.
    pub unit: i64,
    /// The official's own unit: a delegate stands in within it.
    pub own_unit: i64,
    pub name: String,
    pub title: String,
    pub rank: Rank,
    /// The day the official was registered in zlc.
    pub since: NaiveDate,
}

/// The frequency rules that can be judged over `period` on `today`, each
/// with the periods it fell due in that are over (a period still running
/// may yet see its walk) and of its ranks.
pub fn frequency_due(
    policy: &Policy,
    period: Period,
    today: NaiveDate,
) -> Vec<(&FrequencyRule, Vec<Period>)> {
    policy
        .frequency
        .iter()
        .filter(|r| r.times > 0 && !r.ranks.is_empty())
        .map(|r| {
            let due: Vec<Period> = r
                .due_in(period)
                .into_iter()
                .filter(|d| d.end() < today)
                .collect();
            (r, due)
        })
        .filter(|(_, due)| !due.is_empty())
        .collect()
}

/// 未按频次体验: the officials of a rule's ranks who took part in no activity
/// at all over a period the rule fell due in, per judged unit. Only who can
/// fairly be named: registered before that period began and still active
/// (the store selects those), and not stood in for by a delegate of the
/// same unit who took part (seed 003 一(三)). An official who took part in
/// another kind of activity than the rule's is not named; `took_part` holds
/// (period, official) for every official with an activity in the period.
pub fn missing_walks(
    policy: &Policy,
    period: Period,
    today: NaiveDate,
    officials: &[OfficialFact],
    took_part: &HashSet<(Period, i64)>,
) -> Vec<Tally> {
    let mut missing: BTreeMap<i64, BTreeMap<i64, &OfficialFact>> = BTreeMap::new();
    for (rule, due) in frequency_due(policy, period, today) {
        for d in due {
            for o in officials.iter().filter(|o| rule.ranks.contains(&o.rank)) {
                if o.since >= d.start() || took_part.contains(&(d, o.id)) {
                    continue;
                }
                let stood_in = officials.iter().any(|x| {
                    x.own_unit == o.own_unit
                        && rule.delegate_to.contains(&x.rank)
                        && took_part.contains(&(d, x.id))
                });
                if !stood_in {
                    missing.entry(o.unit).or_default().insert(o.id, o);
                }
            }
        }
    }
    missing
        .into_iter()
        .map(|(unit, who)| Tally {
            unit,
            count: who.len() as i64,
            records: who
                .values()
                .take(RECORDS_LISTED)
                .map(|o| RecordRef {
                    kind: "official".into(),
                    id: o.id,
                    text: if o.title.trim().is_empty() {
                        format!("{}（{}）", o.name, o.rank.label_zh())
                    } else {
                        format!("{}（{}）", o.name, o.title.trim())
                    },
                })
                .collect(),
        })
        .collect()
}

/// What the findings of a period are judged on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// Every judged unit the facts below name.
    pub units: HashMap<i64, JudgedUnit>,
    /// The activities of the judged units on the days where enough of their
    /// officials took part for a cluster to be possible.
    pub busy: Vec<ActivityFact>,
    /// Filed activities that recorded no problem and no need.
    pub empty: Vec<ActivityFact>,
    pub modes: Vec<ModeCounts>,
    /// Problems found in the period that name trivia.
    pub shallow: Vec<FlaggedProblem>,
    /// Problems closed in the period whose rectification reads empty.
    pub perfunctory: Vec<FlaggedProblem>,
    /// Problems past their deadline and not rectified, per judged unit.
    pub overdue: Vec<Tally>,
    /// Activities filed late, per judged unit.
    pub late: Vec<Tally>,
    /// Officials who did not take part as often as required ([`missing_walks`]).
    pub missing: Vec<Tally>,
    /// The notes of the frequency rules `missing` was judged by.
    pub missing_rules: Vec<String>,
}

/// A text quoted as a notice quotes it: 「…」, or “…” when the text holds
/// 「」 itself (so that no 「「 appears).
pub fn quote(text: &str) -> String {
    let t = text.trim().trim_end_matches(['。', '；', '，']);
    if t.contains('「') || t.contains('」') {
        format!("“{t}”")
    } else {
        format!("「{t}」")
    }
}

/// `2026年11月10日`.
pub fn zh_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// `2026年11月3日至4日`, `2026年10月31日至11月1日`, or one day.
pub fn zh_span(a: NaiveDate, b: NaiveDate) -> String {
    if a == b {
        zh_date(a)
    } else if a.year() != b.year() {
        format!("{}至{}", zh_date(a), zh_date(b))
    } else if a.month() != b.month() {
        format!("{}至{}月{}日", zh_date(a), b.month(), b.day())
    } else {
        format!("{}至{}日", zh_date(a), b.day())
    }
}

fn activity_ref(a: &ActivityFact) -> RecordRef {
    RecordRef {
        kind: "activity".into(),
        id: a.id,
        text: a.text.clone(),
    }
}

fn problem_ref(p: &FlaggedProblem) -> RecordRef {
    RecordRef {
        kind: "problem".into(),
        id: p.id,
        text: p.description.clone(),
    }
}

/// A finding under construction.
struct Draft {
    kind: FindingKind,
    unit: i64,
    detail: String,
    reason: String,
    records: Vec<RecordRef>,
    count: i64,
}

/// The findings of a period from its facts: one per kind and judged unit,
/// in the order of seed 004 二 (formalism first), then by report row and unit.
pub fn find(policy: &Policy, facts: &Facts) -> Vec<Finding> {
    let mut out: Vec<Draft> = Vec::new();
    clustered(policy, facts, &mut out);
    shallow(policy, facts, &mut out);
    one_sided(policy, facts, &mut out);
    perfunctory(policy, facts, &mut out);
    empty_walks(policy, facts, &mut out);
    tallies(policy, facts, &mut out);

    let rank = |k: FindingKind| {
        FindingKind::ALL
            .iter()
            .position(|x| *x == k)
            .unwrap_or(usize::MAX)
    };
    let unknown = JudgedUnit {
        id: 0,
        name: String::new(),
        row_id: 0,
        row_name: String::new(),
    };
    let mut found: Vec<(usize, Finding)> = out
        .into_iter()
        .map(|d| {
            let u = facts.units.get(&d.unit).unwrap_or(&unknown);
            (
                rank(d.kind),
                Finding {
                    kind: d.kind.code().to_string(),
                    unit: u.name.clone(),
                    detail: d.detail,
                    reason: d.reason,
                    records: d.records,
                    key: format!("{}:{}", d.kind.code(), d.unit),
                    unit_id: d.unit,
                    row_unit_id: u.row_id,
                    row_unit: u.row_name.clone(),
                    record_count: d.count,
                    review: None,
                },
            )
        })
        .collect();
    found.sort_by(|(ka, a), (kb, b)| {
        (ka, a.row_unit_id, &a.unit, a.unit_id).cmp(&(kb, b.row_unit_id, &b.unit, b.unit_id))
    });
    found.into_iter().map(|(_, f)| f).collect()
}

/// 时间扎堆: this many officials of one unit within `within_days` days of
/// each other, over at least two separate activities (a joint walk is one
/// walk); and this many at the same place on one day.
fn clustered(policy: &Policy, facts: &Facts, out: &mut Vec<Draft>) {
    let rule = &policy.formalism.clustered_dates;
    if !rule.enabled || rule.min_officials < 2 {
        return;
    }
    let span = i64::from(rule.within_days);
    let mut by_unit: BTreeMap<i64, Vec<&ActivityFact>> = BTreeMap::new();
    for a in &facts.busy {
        by_unit.entry(a.unit).or_default().push(a);
    }
    for (unit, mut acts) in by_unit {
        acts.sort_by_key(|a| (a.date, a.id));
        let mut spans: Vec<String> = Vec::new();
        let mut used: BTreeSet<i64> = BTreeSet::new();
        let mut records: Vec<&ActivityFact> = Vec::new();
        let mut reported_until: Option<NaiveDate> = None;
        for (i, first) in acts.iter().enumerate() {
            if reported_until.is_some_and(|r| first.date <= r) {
                continue;
            }
            let end = first.date + chrono::Duration::days(span);
            let window: Vec<&ActivityFact> = acts[i..]
                .iter()
                .take_while(|a| a.date <= end)
                .copied()
                .collect();
            let who: BTreeSet<i64> = window
                .iter()
                .flat_map(|a| a.officials.iter().map(|o| o.0))
                .collect();
            if who.len() >= rule.min_officials as usize && window.len() >= 2 {
                let last = window.last().map_or(first.date, |a| a.date);
                // Names stay in the records: the detail is what a notice may print.
                spans.push(format!(
                    "{}有{}名领导干部分{}次“走流程”",
                    zh_span(first.date, last),
                    who.len(),
                    window.len()
                ));
                for a in window {
                    if used.insert(a.id) {
                        records.push(a);
                    }
                }
                reported_until = Some(last);
            }
        }
        if rule.same_window_min_officials >= 2 {
            let mut at: BTreeMap<(NaiveDate, &str), Vec<&ActivityFact>> = BTreeMap::new();
            for a in &acts {
                if let Some(p) = a.place.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                    at.entry((a.date, p)).or_default().push(a);
                }
            }
            for ((d, place), v) in at {
                let who: BTreeSet<i64> = v
                    .iter()
                    .flat_map(|a| a.officials.iter().map(|o| o.0))
                    .collect();
                // Already told as a cluster of those days: not told twice.
                let new = v.iter().any(|a| !used.contains(&a.id));
                if who.len() >= rule.same_window_min_officials as usize && v.len() >= 2 && new {
                    spans.push(format!(
                        "{}有{}名领导干部同一天“走”{place}",
                        zh_date(d),
                        who.len()
                    ));
                    for a in v {
                        if used.insert(a.id) {
                            records.push(a);
                        }
                    }
                }
            }
        }
        if spans.is_empty() {
            continue;
        }
        let within = if span == 0 {
            "同一天".to_string()
        } else {
            format!("{}天之内", span + 1)
        };
        let mut reason = format!(
            "本地规则：同一单位{within}有{}名及以上领导干部分别“走流程”即为时间扎堆",
            rule.min_officials
        );
        if rule.same_window_min_officials >= 2 {
            reason.push_str(&format!(
                "；{}名及以上同一天“走”同一窗口单位亦然",
                rule.same_window_min_officials
            ));
        }
        reason.push_str("（同一次活动多人同行只算一次）");
        records.sort_by_key(|a| (a.date, a.id));
        out.push(Draft {
            kind: FindingKind::ClusteredDates,
            unit,
            detail: spans.join("；"),
            reason,
            count: records.len() as i64,
            records: records
                .into_iter()
                .take(RECORDS_LISTED)
                .map(activity_ref)
                .collect(),
        });
    }
}

/// Groups flagged problems by judged unit, in id order.
fn by_unit(v: &[FlaggedProblem]) -> BTreeMap<i64, Vec<&FlaggedProblem>> {
    let mut m: BTreeMap<i64, Vec<&FlaggedProblem>> = BTreeMap::new();
    for p in v {
        m.entry(p.unit).or_default().push(p);
    }
    for list in m.values_mut() {
        list.sort_by_key(|p| p.id);
    }
    m
}

/// `「a」「b」「c」等5个`, or `「a」「b」` when all are shown.
fn quoted_list<'a>(items: impl Iterator<Item = &'a str>, shown: usize) -> String {
    // The same text twice reads as a slip: each is quoted once.
    let mut seen = BTreeSet::new();
    let all: Vec<&str> = items.filter(|t| seen.insert(t.trim())).collect();
    let q: Vec<String> = all.iter().take(shown).map(|s| quote(s)).collect();
    if all.len() > shown {
        format!("{}等{}个", q.join(""), all.len())
    } else {
        q.join("")
    }
}

/// 问题浮浅: problems about trivia (卫生清扫、灭火器摆放…).
fn shallow(policy: &Policy, facts: &Facts, out: &mut Vec<Draft>) {
    let rule = &policy.formalism.shallow_problems;
    if !rule.enabled {
        return;
    }
    for (unit, list) in by_unit(&facts.shallow) {
        let keywords: BTreeSet<&str> = list.iter().map(|p| p.note.as_str()).collect();
        let kw: Vec<String> = keywords.iter().map(|k| format!("「{k}」")).collect();
        out.push(Draft {
            kind: FindingKind::ShallowProblem,
            unit,
            detail: format!(
                "将{}列为“走流程”发现的问题",
                quoted_list(list.iter().map(|p| p.description.as_str()), 3)
            ),
            reason: format!(
                "问题描述含{}，属本地规则所列浮浅问题（{}）",
                kw.join(""),
                rule.keywords.join("、")
            ),
            count: list.len() as i64,
            records: list
                .iter()
                .take(RECORDS_LISTED)
                .map(|p| problem_ref(p))
                .collect(),
        });
    }
}

/// 方式单一: shares of the unit's walks below the policy's minimums.
fn one_sided(policy: &Policy, facts: &Facts, out: &mut Vec<Draft>) {
    let rule = &policy.formalism.one_sided_modes;
    if !rule.enabled {
        return;
    }
    let mut counts = facts.modes.clone();
    counts.sort_by_key(|m| m.unit);
    for m in counts {
        let n = m.walks;
        if n <= 0 || n < i64::from(rule.min_walks) {
            continue;
        }
        let checks: [(i64, f64, &str); 4] = [
            (m.online, rule.min_online_share, "网上（掌上）体验"),
            (m.cross, rule.min_cross_share, "交叉联动“走”"),
            (m.citizen, rule.min_citizen_share, "以普通办事群众身份体验"),
            (m.unannounced, rule.min_unannounced_share, "“四不两直”暗访"),
        ];
        let mut short = Vec::new();
        let mut wanted = Vec::new();
        for (got, want, what) in checks {
            // Counts are compared exactly: 1 of 5 is 20%, not below a 0.2 minimum.
            if want > 0.0 && (got as f64) < want * n as f64 - 1e-9 {
                short.push(format!(
                    "{what}{got}次（占{:.0}%）",
                    got as f64 * 100.0 / n as f64
                ));
                wanted.push(format!("{what}不低于{:.0}%", want * 100.0));
            }
        }
        if short.is_empty() {
            continue;
        }
        out.push(Draft {
            kind: FindingKind::OneSidedModes,
            unit: m.unit,
            detail: format!("{n}次“走流程”中{}", short.join("、")),
            reason: format!(
                "本地规则：“走流程”{}次及以上的单位，{}",
                rule.min_walks,
                wanted.join("，")
            ),
            count: 0,
            records: Vec::new(),
        });
    }
}

/// 整改敷衍: closed with measures that name no concrete change.
fn perfunctory(policy: &Policy, facts: &Facts, out: &mut Vec<Draft>) {
    if !policy.formalism.perfunctory_rectification.enabled {
        return;
    }
    for (unit, list) in by_unit(&facts.perfunctory) {
        let shown: Vec<String> = list
            .iter()
            .take(1)
            .map(|p| {
                let m = if p.measures.trim().is_empty() {
                    "（未填写）".to_string()
                } else {
                    p.measures.trim().to_string()
                };
                format!("问题{}销号时整改措施为{}", quote(&p.description), quote(&m))
            })
            .collect();
        let more = if list.len() > 1 {
            format!("等{}个问题", list.len())
        } else {
            String::new()
        };
        let reasons: BTreeSet<&str> = list.iter().map(|p| p.note.as_str()).collect();
        out.push(Draft {
            kind: FindingKind::PerfunctoryRectification,
            unit,
            detail: format!("{}{more}", shown.join("；")),
            reason: reasons.into_iter().collect::<Vec<_>>().join("；"),
            count: list.len() as i64,
            records: list
                .iter()
                .take(RECORDS_LISTED)
                .map(|p| RecordRef {
                    kind: "problem".into(),
                    id: p.id,
                    text: format!(
                        "{}（整改措施：{}）",
                        p.description.trim().trim_end_matches('。'),
                        if p.measures.trim().is_empty() {
                            "未填写"
                        } else {
                            p.measures.trim()
                        }
                    ),
                })
                .collect(),
        });
    }
}

/// 空走: officials with this many activities that found no problem and no need.
fn empty_walks(policy: &Policy, facts: &Facts, out: &mut Vec<Draft>) {
    let rule = &policy.formalism.empty_walks;
    if !rule.enabled || rule.min_per_official == 0 {
        return;
    }
    // unit → official → activities
    let mut per: BTreeMap<i64, BTreeMap<i64, Vec<&ActivityFact>>> = BTreeMap::new();
    for a in &facts.empty {
        for (o, _) in &a.officials {
            per.entry(a.unit)
                .or_default()
                .entry(*o)
                .or_default()
                .push(a);
        }
    }
    for (unit, officials) in per {
        let mut people = 0;
        let mut records: BTreeMap<i64, &ActivityFact> = BTreeMap::new();
        for acts in officials.values() {
            if acts.len() >= rule.min_per_official as usize {
                people += 1;
                for a in acts {
                    records.insert(a.id, a);
                }
            }
        }
        if people == 0 {
            continue;
        }
        let mut recs: Vec<&ActivityFact> = records.into_values().collect();
        recs.sort_by_key(|a| (a.date, a.id));
        // Names stay in the records: the detail is what a notice may print.
        out.push(Draft {
            kind: FindingKind::EmptyWalk,
            unit,
            detail: format!(
                "{people}名领导干部共{}次“走流程”未发现问题、未收集需求",
                recs.len()
            ),
            reason: format!(
                "本地规则：一名领导干部本期有{}次及以上活动既未发现问题也未收集需求即为“空走”",
                rule.min_per_official
            ),
            count: recs.len() as i64,
            records: recs
                .into_iter()
                .take(RECORDS_LISTED)
                .map(activity_ref)
                .collect(),
        });
    }
}

/// 整改逾期 and 报备超时, one finding per judged unit with its count.
fn tallies(policy: &Policy, facts: &Facts, out: &mut Vec<Draft>) {
    let r = &policy.rectification;
    let overdue_reason = format!(
        "超过整改时限仍未整改完成（立行立改{}个工作日、限期整改默认{}个工作日；已整改待验收的不计）",
        r.immediate_working_days, r.deadline_working_days
    );
    let late_reason = format!(
        "本地规则要求活动结束后{}个工作日内报备",
        policy.filing.within_working_days
    );
    for (v, kind, what, reason) in [
        (
            &facts.overdue,
            FindingKind::Overdue,
            "个问题超过整改时限仍未整改完成",
            &overdue_reason,
        ),
        (
            &facts.late,
            FindingKind::LateFiling,
            "次活动超过规定时限报备",
            &late_reason,
        ),
        (
            &facts.missing,
            FindingKind::MissingWalk,
            "名领导干部未按规定频次参加活动",
            &missing_reason(&facts.missing_rules),
        ),
    ] {
        let mut v: Vec<&Tally> = v.iter().filter(|t| t.count > 0).collect();
        v.sort_by_key(|t| t.unit);
        for t in v {
            out.push(Draft {
                kind,
                unit: t.unit,
                detail: format!("{}{what}", t.count),
                reason: reason.clone(),
                count: t.count,
                records: t.records.iter().take(RECORDS_LISTED).cloned().collect(),
            });
        }
    }
}

/// Why officials are named as not walking: the rules, and who is left out.
fn missing_reason(rules: &[String]) -> String {
    format!(
        "本地规则：{}。只计期初前已登记、目前在职且整期未参加任何活动的领导干部；参加了其他类型活动或已由本单位可代为体验的领导干部代为体验的不计",
        rules.join("；")
    )
}

/// How a frequency rule reads: its note, or its terms.
pub fn frequency_text(rule: &FrequencyRule) -> String {
    if let Some(n) = rule
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        return n.to_string();
    }
    let ranks: Vec<&str> = rule.ranks.iter().map(|r| r.label_zh()).collect();
    let kinds: Vec<&str> = rule.kinds.iter().map(|k| k.label_zh()).collect();
    format!(
        "{}每{}至少{}次（{}）",
        ranks.join("、"),
        rule.every.label_zh(),
        rule.times,
        kinds.join("、")
    )
}

/// Counts one filed activity's way of walking into `m` (only 走流程 counts).
pub fn count_mode(
    m: &mut ModeCounts,
    mode: Option<Mode>,
    channel: Option<Channel>,
    unannounced: bool,
) {
    if mode.is_none_or(|m| m.kind() != ActivityKind::Walk) {
        return;
    }
    m.walks += 1;
    m.online += i64::from(channel.is_some_and(Channel::is_online));
    m.cross += i64::from(mode == Some(Mode::Cross));
    m.citizen += i64::from(mode.is_some_and(Mode::is_citizen_identity));
    m.unannounced += i64::from(unannounced);
}

/// The kinds a notice counts as formalism (seed 004 二), as opposed to
/// compliance (overdue, late, missing).
pub fn is_formalism(kind: FindingKind) -> bool {
    matches!(
        kind,
        FindingKind::ClusteredDates
            | FindingKind::ShallowProblem
            | FindingKind::OneSidedModes
            | FindingKind::PerfunctoryRectification
            | FindingKind::EmptyWalk
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::preset;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn unit(id: i64, name: &str) -> (i64, JudgedUnit) {
        (
            id,
            JudgedUnit {
                id,
                name: name.into(),
                row_id: id,
                row_name: name.into(),
            },
        )
    }

    fn act(id: i64, unit: i64, officials: &[i64], date: &str) -> ActivityFact {
        ActivityFact {
            id,
            unit,
            date: d(date),
            place: None,
            officials: officials.iter().map(|o| (*o, format!("干部{o}"))).collect(),
            text: format!("活动{id}"),
        }
    }

    fn flagged(id: i64, unit: i64, text: &str, measures: &str, note: &str) -> FlaggedProblem {
        FlaggedProblem {
            id,
            unit,
            description: text.into(),
            measures: measures.into(),
            note: note.into(),
        }
    }

    fn facts() -> Facts {
        Facts {
            units: [unit(1, "区市场监管局"), unit(2, "区医保局")]
                .into_iter()
                .collect(),
            ..Facts::default()
        }
    }

    #[test]
    fn the_five_kinds_of_seed_004_are_found_once_per_unit() {
        let policy = preset("003").expect("preset").policy();
        let mut f = facts();
        // Three officials of 区市场监管局 over two days (within_days = 1).
        f.busy = vec![
            act(1, 1, &[11], "2024-03-05"),
            act(2, 1, &[12], "2024-03-05"),
            act(3, 1, &[13], "2024-03-06"),
        ];
        f.shallow = vec![
            flagged(7, 1, "灭火器摆放不规范", "", "灭火器"),
            flagged(8, 1, "卫生清扫不彻底", "", "卫生清扫"),
            flagged(10, 1, "灭火器摆放不规范", "", "灭火器"),
        ];
        f.modes = vec![ModeCounts {
            unit: 1,
            walks: 3,
            online: 0,
            cross: 0,
            citizen: 3,
            unannounced: 0,
        }];
        f.perfunctory = vec![flagged(
            9,
            2,
            "证明材料重复提交",
            "已落实整改措施",
            "整改措施只有表态",
        )];
        f.empty = vec![act(3, 1, &[13], "2024-03-06")];
        let found = find(&policy, &f);
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
        assert_eq!(
            found[0].detail,
            "2024年3月5日至6日有3名领导干部分3次“走流程”"
        );
        assert!(
            found[0].reason.contains("2天之内有3名及以上"),
            "{}",
            found[0].reason
        );
        assert_eq!(found[0].records.len(), 3);
        assert_eq!(
            found[1].detail,
            "将「灭火器摆放不规范」「卫生清扫不彻底」列为“走流程”发现的问题"
        );
        assert_eq!(
            found[1].records.iter().map(|r| r.id).collect::<Vec<_>>(),
            [7, 8, 10]
        );
        assert!(
            found[2].detail.contains("网上（掌上）体验0次（占0%）"),
            "{}",
            found[2].detail
        );
        assert_eq!(found[3].key, "perfunctory-rectification:2");
        assert_eq!(
            found[4].detail,
            "1名领导干部共1次“走流程”未发现问题、未收集需求"
        );
        assert!(found.iter().all(|f| !f.detail.contains("「「")));
    }

    #[test]
    fn a_joint_walk_is_not_a_cluster() {
        let policy = preset("003").expect("preset").policy();
        let mut f = facts();
        f.busy = vec![act(1, 1, &[11, 12, 13], "2024-03-05")];
        assert!(find(&policy, &f).is_empty());
    }

    #[test]
    fn a_share_exactly_at_the_minimum_is_not_one_sided() {
        let policy = preset("003").expect("preset").policy();
        let mut f = facts();
        // 003: online at least 20%, citizen identity at least 30%.
        f.modes = vec![ModeCounts {
            unit: 1,
            walks: 10,
            online: 2,
            cross: 0,
            citizen: 3,
            unannounced: 0,
        }];
        assert!(find(&policy, &f).is_empty());
        f.modes[0].online = 1;
        assert_eq!(find(&policy, &f).len(), 1);
    }

    #[test]
    fn overdue_and_late_filing_are_counted_per_unit() {
        let policy = preset("003").expect("preset").policy();
        let mut f = facts();
        f.overdue = vec![Tally {
            unit: 2,
            count: 2,
            records: vec![],
        }];
        f.late = vec![Tally {
            unit: 2,
            count: 1,
            records: vec![],
        }];
        let found = find(&policy, &f);
        let details: Vec<&str> = found.iter().map(|f| f.detail.as_str()).collect();
        assert_eq!(
            details,
            ["2个问题超过整改时限仍未整改完成", "1次活动超过规定时限报备"]
        );
    }

    #[test]
    fn a_quoted_text_never_doubles_its_quotes() {
        assert_eq!(quote("灭火器摆放不规范。"), "「灭火器摆放不规范」");
        assert_eq!(
            quote("「企业开办」材料重复提交"),
            "“「企业开办」材料重复提交”"
        );
        let policy = preset("003").expect("preset").policy();
        let mut f = facts();
        f.perfunctory = vec![flagged(
            1,
            2,
            "「社保卡申领」排队长",
            "加强管理",
            "只有表态",
        )];
        f.shallow = vec![flagged(2, 1, "「大厅」灭火器摆放不规范", "", "灭火器")];
        for found in find(&policy, &f) {
            assert!(!found.detail.contains("「「"), "{}", found.detail);
            assert!(!found.detail.contains("」」"), "{}", found.detail);
        }
    }

    #[test]
    fn dates_read_as_in_a_notice() {
        assert_eq!(zh_date(d("2026-11-10")), "2026年11月10日");
        assert_eq!(
            zh_span(d("2026-11-03"), d("2026-11-04")),
            "2026年11月3日至4日"
        );
        assert_eq!(
            zh_span(d("2026-10-31"), d("2026-11-01")),
            "2026年10月31日至11月1日"
        );
    }

    fn official(id: i64, unit: i64, rank: Rank, since: &str) -> OfficialFact {
        OfficialFact {
            id,
            unit,
            own_unit: unit,
            name: format!("干部{id}"),
            title: String::new(),
            rank,
            since: d(since),
        }
    }

    fn named(t: &[Tally]) -> Vec<(i64, Vec<i64>)> {
        t.iter()
            .map(|t| (t.unit, t.records.iter().map(|r| r.id).collect()))
            .collect()
    }

    #[test]
    fn an_official_who_took_part_in_nothing_over_a_due_period_is_named_fairly() {
        // 003 一(四)1: 主要负责同志每季度至少一批次, 可委托分管负责同志.
        let policy = preset("003").expect("preset").policy();
        let q3 = Period::parse("2026Q3").expect("period");
        let after = d("2026-10-08");
        let officials = vec![
            official(1, 10, Rank::Head, "2026-01-01"), // walked: not named
            official(2, 11, Rank::Head, "2026-01-01"), // nothing: named
            official(3, 12, Rank::Head, "2026-08-01"), // registered within Q3: not named
            official(4, 13, Rank::Head, "2026-01-01"), // a deputy of 13 stood in
            official(5, 13, Rank::Deputy, "2026-01-01"),
            official(6, 11, Rank::SectionChief, "2026-01-01"), // no rule for the rank
        ];
        let took: HashSet<(Period, i64)> = [(q3, 1), (q3, 5)].into_iter().collect();
        let missing = missing_walks(&policy, q3, after, &officials, &took);
        assert_eq!(named(&missing), vec![(11, vec![2])]);
        assert_eq!(missing[0].records[0].kind, "official");
        assert_eq!(missing[0].records[0].text, "干部2（主要负责人）");

        // While the quarter runs, its walk may still come: nobody is named.
        assert!(missing_walks(&policy, q3, d("2026-09-20"), &officials, &took).is_empty());
        // A deputy of another unit does not stand in.
        let mut moved = officials.clone();
        moved[4].own_unit = 14;
        assert_eq!(
            named(&missing_walks(&policy, q3, after, &moved, &took)),
            vec![(11, vec![2]), (13, vec![4])]
        );

        // Found and worded as the notice words it, with the rule beside it.
        let mut f = facts();
        f.units.extend([unit(11, "区医保局")]);
        f.missing = missing;
        f.missing_rules = frequency_due(&policy, q3, after)
            .iter()
            .map(|(r, _)| frequency_text(r))
            .collect();
        let found: Vec<Finding> = find(&policy, &f)
            .into_iter()
            .filter(|x| x.kind == "missing-walk")
            .collect();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].unit, "区医保局");
        assert_eq!(found[0].detail, "1名领导干部未按规定频次参加活动");
        assert!(
            found[0].reason.contains("每季度至少体验一批次"),
            "{}",
            found[0].reason
        );
    }

    #[test]
    fn a_yearly_rule_is_judged_over_its_year_once_the_year_is_over() {
        // 001: 各部门领导干部每年至少体验 1 次; 主要领导每年坐窗口.
        let policy = preset("001").expect("preset").policy();
        let year = Period::parse("2025").expect("year");
        let q4 = Period::parse("2025Q4").expect("quarter");
        let q3 = Period::parse("2025Q3").expect("quarter");
        let officials = vec![
            official(1, 10, Rank::Head, "2025-01-01"),
            official(2, 10, Rank::Deputy, "2025-01-01"),
        ];
        // Official 1 walked in the spring only: the year counts, not Q4.
        let took: HashSet<(Period, i64)> = [(year, 1)].into_iter().collect();
        let after = d("2026-01-05");
        // Q3 ends no yearly period: the yearly rules are not judged.
        assert!(
            frequency_due(&policy, q3, after)
                .iter()
                .all(|(r, _)| r.every != crate::period::PeriodKind::Year)
        );
        assert_eq!(
            named(&missing_walks(&policy, q4, after, &officials, &took)),
            vec![(10, vec![2])]
        );
    }
}
