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

/// 称谓 how the notice names the units below its region, from the unit
/// tree: 全区 / 全市, 街道（乡镇） / 县（市）区, 区直部门 / 市直部门.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    /// 全区, 全市, 全县…
    pub whole: String,
    /// What the region units directly below are: 街道（乡镇）, 县（市）区, 市（州）.
    pub regions: String,
    /// What its departments are: 区直部门, 市直部门…
    pub departments: String,
}

impl Wording {
    /// The wording for a region named `region` whose region units directly
    /// below it are named `below`.
    pub fn of<'a>(region: &str, below: impl IntoIterator<Item = &'a str>) -> Wording {
        let level = [
            "自治区",
            "省",
            "市",
            "州",
            "盟",
            "县",
            "旗",
            "区",
            "镇",
            "乡",
            "街道",
        ]
        .into_iter()
        .find(|s| region.trim_end_matches("办事处").ends_with(s))
        .map(|s| match s {
            "自治区" => "区",
            "街道" => "街道",
            other => other,
        });
        let whole = format!("全{}", level.unwrap_or("域"));
        let departments = match level {
            Some(l @ ("省" | "区" | "市" | "州" | "县" | "盟" | "旗")) => {
                format!("{l}直部门")
            }
            _ => "部门".to_string(),
        };
        let (mut streets, mut counties, mut cities) = (0, 0, 0);
        for name in below {
            let n = name
                .trim()
                .trim_end_matches("办事处")
                .trim_end_matches("人民政府");
            if ["街道", "镇", "乡", "苏木"].iter().any(|s| n.ends_with(s)) {
                streets += 1;
            } else if ["县", "区", "旗"].iter().any(|s| n.ends_with(s)) {
                counties += 1;
            } else if ["市", "州", "盟"].iter().any(|s| n.ends_with(s)) {
                if matches!(level, Some("省" | "区")) {
                    cities += 1;
                } else {
                    counties += 1;
                }
            }
        }
        let regions = if streets > counties && streets > cities {
            "街道（乡镇）"
        } else if cities > counties {
            "市（州）"
        } else {
            "县（市）区"
        };
        Wording {
            whole,
            regions: regions.into(),
            departments,
        }
    }
}

/// What the notice is drafted from.
pub struct NoticeInput<'a> {
    pub report: &'a Report,
    pub wording: Wording,
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

/// `87.5%`.
fn percent(rate: f64) -> String {
    let p = (rate * 1000.0).round() / 10.0;
    if p.fract() == 0.0 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// The counts sentence of 一、总体情况.
fn overview(input: &NoticeInput<'_>) -> String {
    let r = input.report;
    let w = &input.wording;
    let mut who = Vec::new();
    if r.regions > 0 {
        who.push(format!("{}个{}", r.regions, w.regions));
    }
    if r.departments > 0 {
        who.push(format!("{}家{}", r.departments, w.departments));
    }
    let kinds: Vec<String> = [
        ("走流程", r.by_kind.walk),
        ("坐窗口", r.by_kind.window),
        ("检验办", r.by_kind.inspect),
        ("跟执法", r.by_kind.enforce),
        ("处投诉", r.by_kind.complaint),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .map(|(k, n)| format!("{k}{n}次"))
    .collect();
    let mut text = format!(
        "{}，{}{}{}名领导干部“走流程”{}次",
        input.period_label,
        w.whole,
        who.join("、"),
        r.officials,
        r.activities
    );
    if kinds.len() > 1 {
        text.push_str(&format!("（其中{}）", kinds.join("、")));
    }
    text.push_str(&format!(
        "，接待企业群众{}人次，体验事项{}项，发现问题{}个",
        r.visitors_received, r.items_experienced, r.problems_found
    ));
    if let Some(rate) = r.rectification_rate {
        text.push_str(&format!(
            "，其中已整改销号{}个，整改率{}（本期发现的问题中已销号的比例）",
            r.problems_found_closed,
            percent(rate)
        ));
    }
    if r.problems_closed_old > 0 {
        text.push_str(&format!(
            "；另销号以前发现的问题{}个",
            r.problems_closed_old
        ));
    }
    text.push_str(&format!("，收集企业群众需求{}条。", r.needs));
    text
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
            text: overview(input),
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
    let named: Vec<&Finding> = input.findings.iter().filter(|f| !f.dismissed()).collect();
    if named.is_empty() {
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
            let of_kind: Vec<&&Finding> = named.iter().filter(|f| f.kind == kind.code()).collect();
            if of_kind.is_empty() {
                continue;
            }
            n += 1;
            let (head, opening) = heading(*kind);
            // One finding per unit and kind: each example names a different unit.
            let mut seen = std::collections::BTreeSet::new();
            let examples: Vec<String> = of_kind
                .iter()
                .filter(|f| seen.insert(f.detail.as_str()))
                .take(EXAMPLES)
                .map(|f| format!("{}{}", f.unit, f.detail.trim_end_matches('。')))
                .collect();
            let units: std::collections::BTreeSet<&str> =
                of_kind.iter().map(|f| f.unit.as_str()).collect();
            let more = if units.len() > examples.len() {
                format!("等，共涉及{}个单位", units.len())
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
            problems_found_closed: 40,
            problems_closed_old: 11,
            rectification_rate: Some(40.0 / 77.0),
            rectification_rate_definition: String::new(),
            needs: 9,
            units: vec![],
            findings: vec![],
        }
    }

    fn finding(kind: &str, unit: &str, detail: &str) -> Finding {
        Finding {
            kind: kind.into(),
            unit: unit.into(),
            detail: detail.into(),
            reason: String::new(),
            records: vec![],
            key: format!("{kind}:{unit}"),
            unit_id: 1,
            row_unit_id: 1,
            row_unit: unit.into(),
            record_count: 1,
            review: None,
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
        let mut dismissed = finding(
            "shallow-problem",
            "市文旅局",
            "将「卫生清扫不彻底」列为“走流程”发现的问题",
        );
        dismissed.review = Some(zlc_domain::report::Review {
            decision: "dismissed".into(),
            reason: "该问题涉及游客服务中心公共卫生，属实质问题".into(),
            by: "督查科".into(),
            at: "2024-04-10 09:00".into(),
        });
        let findings = [
            finding(
                "empty-walk",
                "市教育局",
                "1名领导干部共2次“走流程”未发现问题、未收集需求",
            ),
            finding(
                "clustered-dates",
                "某县",
                "2024年3月5日有4名领导干部分4次“走流程”",
            ),
            dismissed,
        ];
        let reqs = [Requirement {
            title: "压实落靠责任".into(),
            text: "主要负责同志要带头走。".into(),
        }];
        let input = NoticeInput {
            report: &r,
            wording: Wording::of("示范市", ["甲县", "乙区", "丙市"]),
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
                "2024年第一季度，全市3个县（市）区、12家市直部门45名领导干部“走流程”98次"
            ),
            "{}",
            t[3]
        );
        assert!(
            t[3].contains("发现问题77个，其中已整改销号40个，整改率51.9%"),
            "{}",
            t[3]
        );
        assert!(t[3].contains("另销号以前发现的问题11个"), "{}", t[3]);
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
            t[9].starts_with("2.个别领导干部“空走”。")
                && t[9].contains("如市教育局1名领导干部共2次“走流程”"),
            "{}",
            t[9]
        );
        // The dismissed finding is not in the notice.
        assert!(!t.iter().any(|l| l.contains("市文旅局")));
        assert_eq!(t[10], "三、下步工作要求");
        assert_eq!(t[11], "1.压实落靠责任。主要负责同志要带头走。");
        assert_eq!(
            t.last().map(String::as_str),
            Some("示范市营商办 2024年4月20日")
        );
        assert!(write(&input).is_ok());
    }

    #[test]
    fn the_wording_follows_the_unit_tree() {
        let district = Wording::of("示范区", ["南门街道办事处", "东关街道办事处", "长安路街道"]);
        assert_eq!(
            (
                district.whole.as_str(),
                district.regions.as_str(),
                district.departments.as_str()
            ),
            ("全区", "街道（乡镇）", "区直部门")
        );
        let city = Wording::of("西安市", ["碑林区", "雁塔区", "蓝田县"]);
        assert_eq!(
            (
                city.whole.as_str(),
                city.regions.as_str(),
                city.departments.as_str()
            ),
            ("全市", "县（市）区", "市直部门")
        );
        let province = Wording::of("陕西省", ["西安市", "宝鸡市"]);
        assert_eq!(province.regions, "市（州）");
        assert_eq!(
            Wording::of("巴音郭楞蒙古自治州", ["库尔勒市", "轮台县"]).whole,
            "全州"
        );
    }
}
