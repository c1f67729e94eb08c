//! 通报 the quarterly notice in the shape of seed 004: the opening, 一、总体情况
//! (the counts sentence, then good cases picked from closed problems with
//! their measures, effect and process-figure improvements), 二、主要问题
//! (from the findings, with examples), 三、下步工作要求 (from the policy),
//! and the issuer and date. A draft for a clerk to edit, so every figure is
//! written out and every example names its unit.

use crate::docx::Block;
use chrono::{Datelike, NaiveDate};
use zlc_domain::kinds::FindingKind;
use zlc_domain::policy::Requirement;
use zlc_domain::report::{Finding, Report};

/// 典型做法 a closed problem chosen as a good case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub unit: String,
    pub description: String,
    pub measures: String,
    pub effect: String,
    /// The item's process figures before and after, in words
    /// (`办理时限由3个工作日压缩为当日办结`), when the rectification changed them.
    pub figures: Option<String>,
}

/// What the notice is drafted from.
pub struct NoticeInput<'a> {
    pub report: &'a Report,
    /// `2024年第一季度`.
    pub period_label: String,
    /// 发文机关, e.g. `示范区营商办`.
    pub issuer: String,
    pub date: NaiveDate,
    pub cases: &'a [Case],
    pub findings: &'a [Finding],
    pub requirements: &'a [Requirement],
}

/// Examples named per kind of problem before "等".
const EXAMPLES: usize = 3;

/// The notice's title.
pub fn title(input: &NoticeInput<'_>) -> String {
    format!(
        "关于{}{}领导干部“走流程”情况的通报",
        input.report.region, input.period_label
    )
}

/// The heading and the opening words of each kind of finding (seed 004 二).
fn heading(kind: FindingKind) -> (&'static str, &'static str) {
    match kind {
        FindingKind::ClusteredDates => (
            "“走流程”时间安排比较扎堆。",
            "部分单位领导干部没有做好统筹协调，",
        ),
        FindingKind::ShallowProblem => (
            "“走流程”发现问题比较浮浅。",
            "部分单位走简单事项多、走复杂事项少，",
        ),
        FindingKind::OneSidedModes => (
            "“走流程”体验方式比较单一。",
            "以普通办事群众身份网上体验“走”、交叉联动“走”的比较少，",
        ),
        FindingKind::PerfunctoryRectification => (
            "“走流程”整改效果比较敷衍。",
            "部分问题只在台账中体现已整改，具体措施、解决效果不明确，",
        ),
        FindingKind::EmptyWalk => ("个别领导干部“空走”。", "个别领导干部没有提前做好“功课”，"),
        FindingKind::Overdue => ("部分问题整改不及时。", "挂账问题未按时限销号，"),
        FindingKind::MissingWalk => ("部分领导干部未按频次“走流程”。", "对照实施方案规定的频次，"),
        FindingKind::LateFiling => ("部分活动报备不及时。", "未在规定时限内报备活动开展情况，"),
    }
}

/// The blocks of the notice.
pub fn compose(input: &NoticeInput<'_>) -> Vec<Block> {
    let r = input.report;
    let mut b = vec![
        Block::Title(title(input)),
        Block::Body {
            lead: None,
            text: format!(
                "为推动领导干部“走流程”制度化、规范化、常态化，现将{}{}领导干部“走流程”情况通报如下：",
                r.region, input.period_label
            ),
        },
        Block::Heading1("一、总体情况".into()),
        Block::Body {
            lead: None,
            text: format!(
                "{}，{}{}个县（市）区、{}个部门{}名领导干部“走流程”{}次（其中走流程{}次、坐窗口{}次、检验办{}次、跟执法{}次、处投诉{}次），接待企业群众{}人次，体验事项{}项，发现问题{}个，解决问题{}个，收集需求{}条。",
                input.period_label,
                r.region,
                r.regions,
                r.departments,
                r.officials,
                r.activities,
                r.by_kind.walk,
                r.by_kind.window,
                r.by_kind.inspect,
                r.by_kind.enforce,
                r.by_kind.complaint,
                r.visitors_received,
                r.items_experienced,
                r.problems_found,
                r.problems_solved,
                r.needs
            ),
        },
    ];
    if !input.cases.is_empty() {
        b.push(Block::Body {
            lead: None,
            text: "各级领导干部坚持问题导向、目标导向、结果导向，由办事流程的设计者转变为使用者，发现问题、解决问题。典型做法如下：".into(),
        });
        for (i, c) in input.cases.iter().enumerate() {
            let mut text = format!(
                "{}领导干部在“走流程”中发现{}，{}",
                c.unit,
                c.description.trim_end_matches(['。', '；', '，']),
                with_stop(&c.measures)
            );
            if !c.effect.is_empty() {
                text.push_str(&with_stop(&c.effect));
            }
            if let Some(f) = &c.figures {
                text.push_str(&with_stop(f));
            }
            b.push(Block::Body {
                lead: Some(format!("{}.", i + 1)),
                text,
            });
        }
    }

    b.push(Block::Heading1("二、主要问题".into()));
    if input.findings.is_empty() {
        b.push(Block::Body {
            lead: None,
            text: "本期检查未发现时间扎堆、问题浮浅、方式单一、整改敷衍、“空走”等突出问题，各单位要继续保持。".into(),
        });
    } else {
        b.push(Block::Body {
            lead: None,
            text: "检查发现，部分单位领导干部对“走流程”工作研究得还不够细致，有的流于形式，问题找得还不够深、不够准。".into(),
        });
        let mut n = 0;
        for kind in FindingKind::ALL {
            let of_kind: Vec<&Finding> = input
                .findings
                .iter()
                .filter(|f| f.kind == kind.code())
                .collect();
            if of_kind.is_empty() {
                continue;
            }
            n += 1;
            let (head, opening) = heading(*kind);
            let examples: Vec<String> = of_kind
                .iter()
                .take(EXAMPLES)
                .map(|f| format!("{}{}", f.unit, f.detail))
                .collect();
            let units: std::collections::BTreeSet<&str> =
                of_kind.iter().map(|f| f.unit.as_str()).collect();
            let more = if of_kind.len() > EXAMPLES {
                format!("等，共涉及{}个单位{}处", units.len(), of_kind.len())
            } else {
                String::new()
            };
            b.push(Block::Body {
                lead: Some(format!("{n}.{head}")),
                text: format!("{opening}如{}{more}。", examples.join("；")),
            });
        }
    }

    b.push(Block::Heading1("三、下步工作要求".into()));
    for (i, req) in input.requirements.iter().enumerate() {
        b.push(Block::Body {
            lead: Some(format!("{}.{}。", i + 1, req.title.trim_end_matches('。'))),
            text: req.text.clone(),
        });
    }
    b.push(Block::Blank);
    b.push(Block::Signature {
        issuer: input.issuer.clone(),
        date: format!(
            "{}年{}月{}日",
            input.date.year(),
            input.date.month(),
            input.date.day()
        ),
    });
    b
}

/// A sentence ending in 。 (unless it ends in punctuation already).
fn with_stop(s: &str) -> String {
    let t = s.trim();
    if t.is_empty() {
        return String::new();
    }
    if t.ends_with(['。', '！', '；']) {
        t.to_string()
    } else {
        format!("{}。", t.trim_end_matches(['，', ',', '.']))
    }
}

/// The notice as a Word document.
pub fn write(input: &NoticeInput<'_>) -> Result<Vec<u8>, crate::OfficeError> {
    crate::docx::write(&compose(input), &title(input), &input.issuer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use zlc_domain::report::ByKind;

    fn report() -> Report {
        Report {
            period: "2024Q1".into(),
            region: "示范市".into(),
            regions: 3,
            departments: 12,
            officials: 45,
            activities: 98,
            by_kind: ByKind {
                walk: 60,
                window: 20,
                inspect: 5,
                enforce: 8,
                complaint: 5,
            },
            visitors_received: 321,
            items_experienced: 40,
            problems_found: 77,
            problems_solved: 51,
            needs: 9,
            units: vec![],
            findings: vec![],
        }
    }

    fn texts(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .map(|b| match b {
                Block::Title(t) | Block::Heading1(t) | Block::Heading2(t) | Block::Addressee(t) => {
                    t.clone()
                }
                Block::Body { lead, text } => format!("{}{text}", lead.clone().unwrap_or_default()),
                Block::Signature { issuer, date } => format!("{issuer} {date}"),
                Block::Blank => String::new(),
            })
            .collect()
    }

    #[test]
    fn the_notice_follows_seed_004() {
        let r = report();
        let cases = [Case {
            unit: "市司法局".into(),
            description: "群众申请法律援助需提供经济困难证明".into(),
            measures: "推行“一表申请”，特殊群体免予经济困难状况审查".into(),
            effect: "当日受理、当日审批、当日指派律师".into(),
            figures: Some("办理时限由3个工作日压缩为当日办结".into()),
        }];
        let findings = [
            Finding {
                kind: "empty-walk".into(),
                unit: "市教育局".into(),
                detail: "张三 2 次“走流程”未发现问题、未收集需求".into(),
            },
            Finding {
                kind: "clustered-dates".into(),
                unit: "某县".into(),
                detail: "2024-03-05 有 4 名领导干部集中“走流程”".into(),
            },
        ];
        let reqs = [Requirement {
            title: "压实落靠责任".into(),
            text: "主要负责同志要带头走。".into(),
        }];
        let input = NoticeInput {
            report: &r,
            period_label: "2024年第一季度".into(),
            issuer: "示范市营商办".into(),
            date: NaiveDate::from_ymd_opt(2024, 4, 20).expect("date"),
            cases: &cases,
            findings: &findings,
            requirements: &reqs,
        };
        let t = texts(&compose(&input));
        assert_eq!(t[0], "关于示范市2024年第一季度领导干部“走流程”情况的通报");
        assert_eq!(t[2], "一、总体情况");
        assert!(
            t[3].starts_with(
                "2024年第一季度，示范市3个县（市）区、12个部门45名领导干部“走流程”98次"
            ),
            "{}",
            t[3]
        );
        assert!(t[3].contains("发现问题77个，解决问题51个"));
        assert!(
            t[5].starts_with(
                "1.市司法局领导干部在“走流程”中发现群众申请法律援助需提供经济困难证明，"
            ),
            "{}",
            t[5]
        );
        assert!(
            t[5].ends_with("办理时限由3个工作日压缩为当日办结。"),
            "{}",
            t[5]
        );
        assert_eq!(t[6], "二、主要问题");
        // Formalism in the order of seed 004 二: clustered dates before empty walks.
        assert!(t[8].starts_with("1.“走流程”时间安排比较扎堆。"), "{}", t[8]);
        assert!(
            t[9].starts_with("2.个别领导干部“空走”。") && t[9].contains("市教育局张三 2 次"),
            "{}",
            t[9]
        );
        assert_eq!(t[10], "三、下步工作要求");
        assert_eq!(t[11], "1.压实落靠责任。主要负责同志要带头走。");
        assert_eq!(
            t.last().map(String::as_str),
            Some("示范市营商办 2024年4月20日")
        );
        assert!(write(&input).is_ok());
    }
}
