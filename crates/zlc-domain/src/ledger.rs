//! The words of the three ledgers (问题清单、需求清单、整改清单) from domain.md.

use crate::registry::vocab;
// The vocab! macro names these traits unqualified.
use serde::{Deserialize, Deserializer, Serialize, Serializer};

vocab!(
    /// 问题来源 where a problem came from (seed 001 坐窗口统计表, seed 004 三.3)
    ProblemSource {
        Public = "public", "企业群众提出" | "群众提出" | "企业提出";
        Staff = "staff", "工作人员反映" | "窗口人员反映";
        SelfCheck = "self-check", "窗口自查发现" | "自查发现" | "现场自查发现";
        Hotline = "hotline", "12345热线" | "12345" | "热线";
        Rating = "rating", "好差评";
        Petition = "petition", "信访";
        Opinion = "opinion", "舆情";
        Inspection = "inspection", "巡视巡察";
        Audit = "audit", "审计";
        Walk = "walk", "走流程发现" | "体验发现";
        Other = "other", "其他";
    }
);

vocab!(
    /// 问题类别 what a problem is about (seed 001/002 体验内容)
    ProblemCategory {
        Process = "process", "流程环节" | "事项流程";
        Materials = "materials", "要件材料";
        Certificates = "certificates", "证明材料";
        Intermediary = "intermediary", "中介服务";
        Supporting = "supporting", "配套服务";
        DataSharing = "data-sharing", "数据共享";
        Coordination = "coordination", "业务协同";
        Attitude = "attitude", "服务态度";
        Facilities = "facilities", "设施环境";
        Policy = "policy", "政策制度";
        Online = "online", "网上办事" | "网办";
        Enforcement = "enforcement", "执法规范";
        Other = "other", "其他";
    }
);

impl ProblemCategory {
    /// The category a problem's text most likely belongs to, for rows of a
    /// unit's own ledger that give no category (台账 has no such column):
    /// the first of these whose words the text contains, else 其他. The
    /// words are those of the seeds' examples (seed 001 四, 004 一、二).
    pub fn guess(text: &str) -> ProblemCategory {
        const WORDS: [(ProblemCategory, &[&str]); 12] = [
            (ProblemCategory::Intermediary, &["中介"]),
            (ProblemCategory::Certificates, &["证明"]),
            (ProblemCategory::Materials, &["材料", "要件", "表格"]),
            (
                ProblemCategory::Online,
                &[
                    "网办",
                    "网上",
                    "线上",
                    "系统",
                    "平台",
                    "掌上",
                    "APP",
                    "小程序",
                ],
            ),
            (ProblemCategory::DataSharing, &["共享", "数据", "信息不通"]),
            (
                ProblemCategory::Coordination,
                &["协同", "部门间", "联动", "衔接"],
            ),
            (ProblemCategory::Enforcement, &["执法", "处罚", "检查"]),
            (
                ProblemCategory::Attitude,
                &["态度", "服务意识", "推诿", "冷硬"],
            ),
            (
                ProblemCategory::Process,
                &["流程", "环节", "时限", "跑动", "审批", "一次性告知"],
            ),
            (
                ProblemCategory::Facilities,
                &[
                    "窗口",
                    "排队",
                    "座椅",
                    "设施",
                    "环境",
                    "卫生",
                    "灭火器",
                    "停车",
                    "叫号",
                    "终端",
                ],
            ),
            (ProblemCategory::Policy, &["政策", "制度", "规定"]),
            (
                ProblemCategory::Supporting,
                &["配套", "水电", "供气", "供暖", "银行"],
            ),
        ];
        WORDS
            .iter()
            .find(|(_, words)| words.iter().any(|w| text.contains(w)))
            .map(|(c, _)| *c)
            .unwrap_or(ProblemCategory::Other)
    }
}

vocab!(
    /// 需求提出方 who raised a need (seed 003 附件2)
    NeedSource {
        Enterprise = "enterprise", "企业";
        Citizen = "citizen", "群众";
        Staff = "staff", "一线工作人员" | "工作人员";
    }
);

vocab!(
    /// 需求状态; "cannot be met, explained" is a valid end
    NeedStatus {
        Open = "open", "待回应";
        Answered = "answered", "已回应";
        Met = "met", "已满足";
        CannotMeet = "cannot-meet", "无法满足（已说明）" | "无法满足";
    }
);

impl NeedStatus {
    pub fn is_closed(self) -> bool {
        matches!(self, NeedStatus::Met | NeedStatus::CannotMeet)
    }
}

vocab!(
    /// 措施状态
    MeasureStatus {
        Planned = "planned", "计划中";
        InProgress = "in-progress", "推进中";
        Done = "done", "已完成";
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_spellings_parse() {
        assert_eq!(
            ProblemSource::parse("窗口自查发现"),
            Some(ProblemSource::SelfCheck)
        );
        assert_eq!(ProblemSource::parse("12345"), Some(ProblemSource::Hotline));
        assert_eq!(
            ProblemCategory::parse("证明材料"),
            Some(ProblemCategory::Certificates)
        );
        assert_eq!(NeedStatus::parse("无法满足"), Some(NeedStatus::CannotMeet));
        assert!(NeedStatus::CannotMeet.is_closed() && !NeedStatus::Answered.is_closed());
        assert_eq!(MeasureStatus::parse("done"), Some(MeasureStatus::Done));
    }

    #[test]
    fn categories_guessed_from_the_seeds_examples() {
        assert_eq!(
            ProblemCategory::guess("群众申请法律援助需提供经济困难证明"),
            ProblemCategory::Certificates
        );
        assert_eq!(
            ProblemCategory::guess("窗口设置少、等待时间较长"),
            ProblemCategory::Facilities
        );
        assert_eq!(
            ProblemCategory::guess("网办流程不畅"),
            ProblemCategory::Online
        );
        assert_eq!(
            ProblemCategory::guess("中介收费不规范"),
            ProblemCategory::Intermediary
        );
        assert_eq!(ProblemCategory::guess("说不清"), ProblemCategory::Other);
    }
}
