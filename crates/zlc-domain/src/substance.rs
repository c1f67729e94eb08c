//! 整改实效 whether a rectification's measures name a concrete change
//! (seed 004 二.4: "只在纪实表中体现问题已整改，具体措施、解决效果体现不明确或不匹配").
//!
//! A measure is concrete when it names what changed: a number before or
//! after, a material removed, a step merged, an entry added, a system
//! connected, a named rule revised. It is empty when, once the set phrases
//! (套话: 已整改、高度重视、进一步规范…), the words that name no change (加强、
//! 规范、服务、窗口…) and the problem's own words are taken away, next to
//! nothing is left. Anything in between is given the benefit of the doubt:
//! a notice names units publicly, and a false accusation costs more than a
//! missed one. Every word list is the policy's
//! ([`crate::policy::PerfunctoryRule`]).

use crate::policy::PerfunctoryRule;
use std::collections::HashSet;

/// 整改敷衍 why a closed problem's rectification reads as perfunctory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Perfunctory {
    /// The reason, in Chinese, quoting the set phrases found.
    pub reason: String,
}

/// Measure words after a Chinese numeral that make it a count (两个窗口, 三项材料).
const MEASURE_WORDS: &str = "个项台名人天日次份件处条元套张块把间类批场组户家位";
const CHINESE_NUMERALS: &str = "一二两三四五六七八九十百千万";
/// A measure restates its problem when at least this many of its characters
/// repeat the problem's words (one shared word such as 摆放 is not enough).
const RESTATED_MIN_CHARS: usize = 4;

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || "，。、；：！？（）“”‘’《》〈〉「」『』【】…—·～".contains(c)
}

/// The text without white space and punctuation.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !is_punctuation(*c))
        .collect()
}

/// `text` with every occurrence of `words` taken out, longest words first.
fn without(text: &str, words: &[String]) -> String {
    let mut sorted: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !w.is_empty())
        .collect();
    sorted.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    let mut out = text.to_string();
    for w in sorted {
        out = out.replace(w, "");
    }
    out
}

/// Whether `text` counts something: a number that is not part of a date
/// (2个窗口, 由12项精简为5项, 第2日), or a Chinese numeral with a measure
/// word (两个, 三项).
fn has_count(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() || ('０'..='９').contains(&chars[i]) {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || ('０'..='９').contains(&chars[i])
                    || chars[i] == '.')
            {
                i += 1;
            }
            let next = chars.get(i).copied();
            let before = start.checked_sub(1).and_then(|k| chars.get(k)).copied();
            // 2024年、3月、(3月)5日 and 5号 are dates, not counts.
            let date = matches!(next, Some('年' | '月'))
                || (matches!(next, Some('日' | '号')) && before == Some('月'));
            if !date {
                return true;
            }
            continue;
        }
        if CHINESE_NUMERALS.contains(chars[i])
            && chars.get(i + 1).is_some_and(|n| MEASURE_WORDS.contains(*n))
        {
            return true;
        }
        i += 1;
    }
    false
}

impl PerfunctoryRule {
    /// Whether a text names a concrete change: a count, a named document
    /// (《办事指南》), or one of the policy's concrete words.
    pub fn is_concrete(&self, text: &str) -> bool {
        has_count(text)
            || (text.contains('《') && text.contains('》'))
            || self
                .concrete_words
                .iter()
                .any(|w| !w.is_empty() && text.contains(w.as_str()))
    }

    /// What is left of `text` once the set phrases are taken out.
    fn beyond_set_phrases(&self, text: &str) -> String {
        without(&clean(text), &self.vague_phrases)
    }

    /// Whether a text is too thin to be accepted at all: it names nothing
    /// concrete and, beyond the set phrases, has fewer than `min_chars`
    /// characters. The close form and the import refuse such texts.
    pub fn is_thin(&self, text: &str, min_chars: u32) -> bool {
        if !self.enabled || self.is_concrete(text) {
            return false;
        }
        let left = self.beyond_set_phrases(text).chars().count();
        u32::try_from(left).unwrap_or(u32::MAX) < min_chars
    }

    /// Judges a closed problem's rectification by its substance: `None`
    /// when the measures or the effect name a concrete change, or say
    /// something the rule cannot call empty.
    pub fn judge(&self, problem: &str, measures: &str, effect: &str) -> Option<Perfunctory> {
        if !self.enabled {
            return None;
        }
        if clean(measures).is_empty() && clean(effect).is_empty() {
            return Some(Perfunctory {
                reason: "销号时未填写整改措施和整改效果".into(),
            });
        }
        if self.is_concrete(measures) || self.is_concrete(effect) {
            return None;
        }
        let text = clean(measures);
        let set_phrases: Vec<&str> = self
            .vague_phrases
            .iter()
            .map(String::as_str)
            .filter(|p| !p.is_empty() && text.contains(*p))
            .collect();
        let stripped = without(&without(&text, &self.vague_phrases), &self.vague_words);
        let max = usize::try_from(self.max_residue_chars).unwrap_or(usize::MAX);
        if stripped.chars().count() <= max {
            let quoted = if set_phrases.is_empty() {
                let words: Vec<&str> = self
                    .vague_words
                    .iter()
                    .map(String::as_str)
                    .filter(|w| w.chars().count() >= 2 && text.contains(*w))
                    .take(3)
                    .collect();
                words
            } else {
                set_phrases.into_iter().take(3).collect()
            };
            let said = if quoted.is_empty() {
                "只有表态".to_string()
            } else {
                let q: Vec<String> = quoted.iter().map(|w| format!("「{w}」")).collect();
                format!("只有{}等表态", q.join(""))
            };
            return Some(Perfunctory {
                reason: format!(
                    "整改措施{said}，未写明具体改了什么（如数量变化、取消的材料、合并的环节、接入的系统）"
                ),
            });
        }
        // Restating needs more than a shared word: most of what is left is the problem's.
        let left = restated(&stripped, &clean(problem));
        let repeated = stripped.chars().count() - left.chars().count();
        if repeated >= RESTATED_MIN_CHARS && left.chars().count() <= max {
            return Some(Perfunctory {
                reason: "整改措施只是复述问题，未写明具体改了什么".into(),
            });
        }
        None
    }
}

/// What is left of `text` once every character that belongs to a pair of
/// characters also found in `problem` is taken out: the part of a measure
/// that does not merely restate the problem.
fn restated(text: &str, problem: &str) -> String {
    let p: Vec<char> = problem.chars().collect();
    let pairs: HashSet<(char, char)> = p.windows(2).map(|w| (w[0], w[1])).collect();
    let t: Vec<char> = text.chars().collect();
    let mut gone = vec![false; t.len()];
    for i in 0..t.len().saturating_sub(1) {
        if pairs.contains(&(t[i], t[i + 1])) {
            gone[i] = true;
            gone[i + 1] = true;
        }
    }
    t.iter()
        .zip(gone)
        .filter(|(_, g)| !g)
        .map(|(c, _)| *c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::preset;

    fn rule() -> PerfunctoryRule {
        preset("004")
            .expect("preset")
            .policy()
            .formalism
            .perfunctory_rectification
    }

    #[test]
    fn counts_are_told_from_dates() {
        assert!(has_count("窗口由2个增加到4个"));
        assert!(has_count("办结后第2日回访"));
        assert!(has_count("增设两台自助终端"));
        assert!(!has_count("已于2024年3月5日整改完毕"));
        assert!(!has_count("3月5日前整改到位"));
        assert!(!has_count("进一步规范，举一反三"));
    }

    /// Measures in the seeds' language, each labelled by hand: `true` when
    /// a supervisor would call it 敷衍. The problem each answers is given,
    /// since restating the problem is one way of saying nothing.
    const LABELLED: &[(&str, &str, bool)] = &[
        // Concrete: a number, a material, a step, an entry, a system.
        (
            "医保窗口少，群众等待时间长",
            "将医保窗口由原来的2个增加到4个，并增加2个电子服务终端",
            false,
        ),
        (
            "法律援助需提供经济困难证明并到街道盖章",
            "推行“一次性告知”和“一表申请”制度，审批由3个工作日缩减为当日受理、当日审批",
            false,
        ),
        (
            "特殊群体申请法律援助审查繁琐",
            "农村70周岁以上老年人、残疾人、未成年人一律免予经济困难状况审查",
            false,
        ),
        (
            "候诊区座椅少，患者拥堵",
            "在不影响消防通道的情况下增设等候座椅30个，安装叫号系统",
            false,
        ),
        ("教学楼塑钢窗漏风", "投入5万元修缮塑钢窗", false),
        (
            "开办企业须提交无犯罪记录证明",
            "取消无犯罪记录证明，改为部门间数据共享核验",
            false,
        ),
        (
            "受理、审核环节重复",
            "将受理、审核两个环节合并为一个环节",
            false,
        ),
        (
            "跨省通办入口难找",
            "在办事指南中增加“跨省通办”入口说明，并在政务服务网上线办事指引",
            false,
        ),
        (
            "网办表单填写项目多",
            "打通省市两级系统接口，申请表单由12项精简为5项",
            false,
        ),
        (
            "食品经营许可办理时间长",
            "营业执照与食品经营许可证实行“一窗受理、并联审批”，办理时限由15个工作日压缩至5个工作日",
            false,
        ),
        (
            "企业开办咨询无人指导",
            "新增2名帮办代办人员，设立企业开办专区",
            false,
        ),
        (
            "房屋交易和登记要跑两个窗口",
            "对接不动产登记系统，实现房屋交易和登记“一网通办”",
            false,
        ),
        (
            "办事指南要求材料过多",
            "修订《办事指南》，删除“申请人身份证复印件”等3项材料",
            false,
        ),
        ("大厅缺少引导", "在大厅入口设置导办台，安排专人引导", false),
        (
            "热线工单缺少跟踪反馈",
            "将工单按性质划分为即办、呈办、交（转）办三类处置，办结后第2日回访",
            false,
        ),
        (
            "只能到窗口现场办理",
            "开通掌上办理渠道，群众可通过APP提交申请",
            false,
        ),
        ("自助终端故障", "更换故障自助终端1台，张贴操作指引", false),
        (
            "社保卡补换领等待时间长",
            "社保卡补换领实现即时制卡，群众等待时间由7天缩短至30分钟",
            false,
        ),
        (
            "重点项目审批跑动多",
            "为重点项目开通绿色通道，指派专人全程帮办",
            false,
        ),
        (
            "需提交户口簿复印件",
            "与公安户籍系统共享数据，免于提交户口簿复印件",
            false,
        ),
        (
            "午间无法办理业务",
            "延长午间服务时间，窗口实行弹性工作制",
            false,
        ),
        (
            "窗口人员政策不熟",
            "开展政策解读培训2场，覆盖窗口人员40人",
            false,
        ),
        (
            "窗口人员态度生硬",
            "要求窗口人员使用文明用语并佩戴工牌",
            false,
        ),
        (
            "研发投入归集不准确",
            "帮助企业将研发资金归集金额从20万元提升到80万元",
            false,
        ),
        (
            "商户私接软管",
            "组织商务、应急、住建、消防等部门开展餐饮行业燃气安全排查，检查企业36家次",
            false,
        ),
        (
            "办事指南与实际不一致",
            "按实际流程重新编制办事指南并在大厅和网站同步公示",
            false,
        ),
        // Empty: set phrases, words that name no change, the problem restated.
        ("窗口排队时间长", "已整改", true),
        ("窗口排队时间长", "已整改完毕", true),
        ("办事指南不清晰", "立行立改", true),
        ("大厅秩序混乱", "加强管理", true),
        ("窗口人员态度生硬", "高度重视，立行立改", true),
        ("材料要求不一致", "进一步规范", true),
        ("网办系统卡顿", "按要求整改完毕", true),
        ("窗口排队时间长", "已责成相关科室整改", true),
        ("窗口人员脱岗", "加强窗口人员管理，进一步规范服务", true),
        (
            "窗口排队时间长",
            "针对窗口排队时间长的问题，已安排整改",
            true,
        ),
        ("窗口人员态度生硬", "提高思想认识，强化服务意识", true),
        ("窗口人员业务不熟", "加强业务学习，提升服务水平", true),
        ("一次性告知落实不到位", "认真落实整改要求，举一反三", true),
        (
            "群众对办事效率不满意",
            "持续优化服务，不断提升群众满意度",
            true,
        ),
        (
            "窗口人员业务不熟",
            "组织窗口工作人员认真学习业务知识，增强服务意识",
            true,
        ),
        ("审批超时", "及时整改到位", true),
        ("收费不规范", "严格按照规定办理", true),
        ("证明材料重复提交", "已落实整改措施", true),
        ("大厅卫生差", "对存在的问题高度重视，立即进行整改", true),
        (
            "办事指南不清晰",
            "针对办事指南不清晰的问题，进一步完善办事指南",
            true,
        ),
        ("窗口人员着装不规范", "规范窗口服务行为，改进工作作风", true),
        ("整改不到位", "加强督促检查，确保整改到位", true),
        ("网上办理入口难找", "已于2024年3月5日整改完毕", true),
        ("预约系统无法使用", "已协调解决", true),
    ];

    #[test]
    fn labelled_measures_are_judged_by_their_substance() {
        let rule = rule();
        assert!(LABELLED.len() >= 40);
        let mut missed = Vec::new();
        let mut accused = Vec::new();
        for (problem, measures, empty) in LABELLED {
            let judged = rule.judge(problem, measures, "");
            match (empty, &judged) {
                (true, None) => missed.push(*measures),
                (false, Some(p)) => accused.push(format!("{measures}：{}", p.reason)),
                _ => {}
            }
        }
        let empties = LABELLED.iter().filter(|l| l.2).count();
        let concretes = LABELLED.len() - empties;
        // Nearly all empty ones caught; next to no concrete one flagged.
        assert!(
            missed.len() * 20 <= empties,
            "{} of {empties} empty measures missed: {missed:#?}",
            missed.len()
        );
        assert!(
            accused.is_empty(),
            "{} of {concretes} concrete measures flagged: {accused:#?}",
            accused.len()
        );
    }

    #[test]
    fn the_reason_quotes_the_set_phrases() {
        let p = rule()
            .judge("大厅秩序混乱", "高度重视，加强管理", "")
            .expect("empty");
        assert!(p.reason.contains("「高度重视」"), "{}", p.reason);
        assert!(p.reason.contains("「加强管理」"), "{}", p.reason);
        let r = rule()
            .judge("窗口排队时间长", "针对窗口排队时间长问题抓紧解决", "")
            .expect("restated");
        assert_eq!(r.reason, "整改措施只是复述问题，未写明具体改了什么");
    }

    #[test]
    fn a_concrete_effect_saves_a_terse_measure() {
        assert_eq!(
            rule().judge("审批时间长", "已整改", "办理时间由3天缩短为当日"),
            None
        );
    }

    #[test]
    fn only_the_blatant_is_refused_outright() {
        let rule = rule();
        assert!(rule.is_thin("已整改", 10));
        assert!(rule.is_thin("高度重视，立行立改", 10));
        assert!(!rule.is_thin("增设2个窗口", 10));
        // Vague in substance but not a bare set phrase: accepted, then judged.
        assert!(!rule.is_thin("组织窗口工作人员认真学习业务知识，增强服务意识", 10));
    }

    #[test]
    fn a_disabled_rule_judges_nothing() {
        let mut r = rule();
        r.enabled = false;
        assert_eq!(r.judge("x", "", ""), None);
        assert!(!r.is_thin("已整改", 10));
    }
}
