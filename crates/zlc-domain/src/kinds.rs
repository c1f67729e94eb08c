//! The campaign's closed vocabularies: activity kinds, modes, channels, ranks,
//! triggers, and the words of rectification, grading and findings.
//!
//! Each has a stable English code (what the API, the database and the policy
//! files store), a Chinese label (what people read) and `parse`, which accepts
//! the code, the label or a synonym that the seeds use.
//!
//! # Modes and the seeds
//! | mode (code) | label | seed wording |
//! |---|---|---|
//! | `self` | 亲身办 | 000 模拟“走流程”; 001/002/003 亲身办; 001 亲自办; 004 亲自经办 |
//! | `proxy` | 代理办 | 000 帮办“走流程”; 002/003 代理办; 001 帮代办 |
//! | `accompany` | 陪同办 | 000 陪伴“走流程”; 001/002/003 陪同办; 004 陪同办理 |
//! | `cross` | 交叉走 | 000 交叉“走流程”; 004 交叉联动走 |
//! | `window` | 驻窗办 | 001 以工作人员身份驻窗办; 000/002/003 坐窗口 |
//! | `inspect` | 检验办 | 001 以监督人员身份检验办; 001 督导办 |
//! | `enforcement-officer` | 执法人员 | 003 以一线执法人员身份跟执法; 004 以普通执法人员身份 |
//! | `hotline-handler` | 投诉处理人员 | 003 以“12345”市民热线反映问题处理人员身份处投诉 |
//!
//! The first four are walks as a company or citizen (企业群众身份); each of
//! the others is the single identity of its own activity kind.

use crate::registry::vocab;
// The vocab! macro names these traits unqualified.
use serde::{Deserialize, Deserializer, Serialize, Serializer};

vocab!(
    /// 活动类型 activity kind (the `by_kind` keys of the quarterly report)
    ActivityKind {
        Walk = "walk", "走流程" | "干部走流程" | "局长走流程" | "领导干部走流程";
        Window = "window", "坐窗口" | "局长科长坐窗口";
        Inspect = "inspect", "检验办" | "督导办";
        Enforce = "enforce", "跟执法";
        Complaint = "complaint", "处投诉";
    }
);

impl ActivityKind {
    /// The modes that belong to this kind.
    pub fn modes(self) -> &'static [Mode] {
        match self {
            ActivityKind::Walk => &[Mode::SelfService, Mode::Proxy, Mode::Accompany, Mode::Cross],
            ActivityKind::Window => &[Mode::Window],
            ActivityKind::Inspect => &[Mode::Inspect],
            ActivityKind::Enforce => &[Mode::EnforcementOfficer],
            ActivityKind::Complaint => &[Mode::HotlineHandler],
        }
    }
}

vocab!(
    /// 体验方式 mode: the identity in which an official takes part (see the module table)
    Mode {
        SelfService = "self", "亲身办" | "模拟" | "模拟走流程" | "亲自办" | "亲自经办" | "亲身体验";
        Proxy = "proxy", "代理办" | "帮办" | "帮办走流程" | "帮代办" | "代办";
        Accompany = "accompany", "陪同办" | "陪伴" | "陪伴走流程" | "陪同办理" | "陪办";
        Cross = "cross", "交叉走" | "交叉" | "交叉走流程" | "交叉联动走";
        Window = "window", "驻窗办" | "坐窗口";
        Inspect = "inspect", "检验办" | "督导办";
        EnforcementOfficer = "enforcement-officer", "执法人员" | "一线执法人员" | "普通执法人员" | "跟执法";
        HotlineHandler = "hotline-handler", "投诉处理人员" | "热线处理人员" | "12345处理人员" | "处投诉";
    }
);

impl Mode {
    /// The activity kind this mode belongs to.
    pub fn kind(self) -> ActivityKind {
        match self {
            Mode::SelfService | Mode::Proxy | Mode::Accompany | Mode::Cross => ActivityKind::Walk,
            Mode::Window => ActivityKind::Window,
            Mode::Inspect => ActivityKind::Inspect,
            Mode::EnforcementOfficer => ActivityKind::Enforce,
            Mode::HotlineHandler => ActivityKind::Complaint,
        }
    }

    /// The identity the official takes on.
    pub fn identity(self) -> Identity {
        match self {
            Mode::SelfService | Mode::Proxy | Mode::Accompany | Mode::Cross => Identity::Citizen,
            Mode::Window => Identity::Staff,
            Mode::Inspect => Identity::Supervisor,
            Mode::EnforcementOfficer => Identity::EnforcementOfficer,
            Mode::HotlineHandler => Identity::HotlineHandler,
        }
    }

    /// Whether the official acts as an ordinary company or citizen (seed 004
    /// 二.3 counts these: 以普通办事群众身份).
    pub fn is_citizen_identity(self) -> bool {
        self.identity() == Identity::Citizen
    }
}

vocab!(
    /// 体验身份 identity: who the official pretends to be
    Identity {
        Citizen = "citizen", "企业群众" | "办事群众" | "普通办事群众" | "企业群众身份";
        Staff = "staff", "工作人员" | "窗口工作人员" | "工作人员身份";
        Supervisor = "supervisor", "监督人员" | "监督人员身份";
        EnforcementOfficer = "enforcement-officer", "执法人员" | "一线执法人员";
        HotlineHandler = "hotline-handler", "热线处理人员" | "投诉处理人员";
    }
);

vocab!(
    /// 办理渠道 channel through which a service was experienced
    Channel {
        Window = "window", "窗口" | "线下大厅" | "窗口端" | "大厅" | "线下" | "政务服务大厅";
        Online = "online", "网上" | "电脑端" | "网上办" | "网办" | "线上" | "PC端";
        Mobile = "mobile", "移动端" | "掌上" | "掌上办" | "手机端" | "APP";
        Kiosk = "kiosk", "自助端" | "自助办" | "自助终端" | "一体机" | "政务服务一体机";
        Hotline = "hotline", "热线" | "12345" | "12345热线" | "电话";
        OnSite = "on-site", "现场" | "企业现场" | "项目现场" | "企业、项目现场";
    }
);

impl Channel {
    /// Online channels (seed 004 二.3 网上体验走): the web portal and mobile.
    pub fn is_online(self) -> bool {
        matches!(self, Channel::Online | Channel::Mobile)
    }
}

vocab!(
    /// 职级 rank of an official, as the seeds set frequencies by it
    Rank {
        Head = "head", "主要负责人" | "主要领导" | "主要负责同志" | "一把手" | "单位主要负责人";
        Deputy = "deputy", "分管负责人" | "分管领导" | "分管负责同志" | "分管局长";
        SectionChief = "section-chief", "业务科长" | "科长" | "相关业务科长";
        Staff = "staff", "业务骨干" | "骨干";
    }
);

vocab!(
    /// 触发方式 why an activity happened (seed 003 一(四))
    Trigger {
        Regular = "regular", "定期" | "定期体验";
        Instant = "instant", "即时" | "即时体验";
        Tracking = "tracking", "跟踪" | "跟踪体验";
    }
);

vocab!(
    /// 整改状态 status of a problem's rectification (挂账销号, seed 003 四(四))
    ProblemStatus {
        Pending = "pending", "待整改";
        InProgress = "in-progress", "整改中";
        AwaitingVerification = "awaiting-verification", "已整改·待验收" | "已整改待验收" | "待验收";
        Closed = "closed", "已销号" | "销号";
    }
);

vocab!(
    /// 处置方式 disposition of a problem (seed 000 六(二), 001 二(三), 003 五(二), 004 三.3)
    Disposition {
        Immediate = "immediate", "立行立改" | "立即整改" | "当场解决";
        Deadline = "deadline", "限期整改" | "明确整改时限";
        Escalate = "escalate", "需上级统筹" | "需上级部门统筹解决" | "上级统筹";
    }
);

vocab!(
    /// 考评等次 grade (seed 001 七(二))
    Grade {
        Excellent = "excellent", "优秀";
        Good = "good", "良好";
        Fair = "fair", "一般";
        Poor = "poor", "较差";
    }
);

vocab!(
    /// 发现类型 kind of a compliance or formalism finding (interface.md `findings[].kind`)
    FindingKind {
        ClusteredDates = "clustered-dates", "时间扎堆" | "时间安排比较扎堆";
        ShallowProblem = "shallow-problem", "问题浮浅" | "发现问题比较浮浅";
        OneSidedModes = "one-sided-modes", "方式单一" | "体验事项比较单一";
        PerfunctoryRectification = "perfunctory-rectification", "整改敷衍" | "整改效果比较敷衍";
        EmptyWalk = "empty-walk", "空走";
        Overdue = "overdue", "整改逾期" | "逾期";
        MissingWalk = "missing-walk", "未按频次体验" | "未走";
        LateFiling = "late-filing", "报备超时" | "迟报";
    }
);

impl FindingKind {
    /// The five kinds of formalism of seed 004 二 (the others are compliance).
    pub fn is_formalism(self) -> bool {
        matches!(
            self,
            FindingKind::ClusteredDates
                | FindingKind::ShallowProblem
                | FindingKind::OneSidedModes
                | FindingKind::PerfunctoryRectification
                | FindingKind::EmptyWalk
        )
    }
}

/// Implements `Display` (the Chinese label) and `FromStr` (code, label or synonym).
macro_rules! display_and_from_str {
    ($($name:ident: $noun:literal),+ $(,)?) => {$(
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label_zh())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            /// The error names the bad text and lists the choices, in Chinese.
            fn from_str(s: &str) -> Result<Self, String> {
                $name::parse(s).ok_or_else(|| {
                    format!("未知的{}「{}」，可选：{}", $noun, s.trim(), $name::choices_zh())
                })
            }
        }
    )+};
}

display_and_from_str!(
    ActivityKind: "活动类型",
    Mode: "方式",
    Identity: "身份",
    Channel: "渠道",
    Rank: "职级",
    Trigger: "触发方式",
    ProblemStatus: "整改状态",
    Disposition: "处置方式",
    Grade: "等次",
    FindingKind: "发现类型",
);

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test reports failure
mod tests {
    use super::*;

    #[test]
    fn activity_kind_codes_are_the_report_keys() {
        let codes: Vec<&str> = ActivityKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(codes, ["walk", "window", "inspect", "enforce", "complaint"]);
        let labels: Vec<&str> = ActivityKind::ALL.iter().map(|k| k.label_zh()).collect();
        assert_eq!(labels, ["走流程", "坐窗口", "检验办", "跟执法", "处投诉"]);
        assert_eq!(
            ActivityKind::parse("局长科长坐窗口"),
            Some(ActivityKind::Window)
        );
        assert_eq!(
            ActivityKind::parse(" enforce "),
            Some(ActivityKind::Enforce)
        );
        assert_eq!(ActivityKind::parse("跑流程"), None);
    }

    #[test]
    fn every_code_and_label_parses_back() {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            code: fn(T) -> &'static str,
            zh: fn(T) -> &'static str,
            parse: fn(&str) -> Option<T>,
        ) {
            for &v in all {
                assert_eq!(parse(code(v)), Some(v));
                assert_eq!(parse(zh(v)), Some(v));
            }
        }
        check(
            ActivityKind::ALL,
            ActivityKind::code,
            ActivityKind::label_zh,
            ActivityKind::parse,
        );
        check(Mode::ALL, Mode::code, Mode::label_zh, Mode::parse);
        check(
            Identity::ALL,
            Identity::code,
            Identity::label_zh,
            Identity::parse,
        );
        check(
            Channel::ALL,
            Channel::code,
            Channel::label_zh,
            Channel::parse,
        );
        check(Rank::ALL, Rank::code, Rank::label_zh, Rank::parse);
        check(
            Trigger::ALL,
            Trigger::code,
            Trigger::label_zh,
            Trigger::parse,
        );
        check(
            ProblemStatus::ALL,
            ProblemStatus::code,
            ProblemStatus::label_zh,
            ProblemStatus::parse,
        );
        check(
            Disposition::ALL,
            Disposition::code,
            Disposition::label_zh,
            Disposition::parse,
        );
        check(Grade::ALL, Grade::code, Grade::label_zh, Grade::parse);
        check(
            FindingKind::ALL,
            FindingKind::code,
            FindingKind::label_zh,
            FindingKind::parse,
        );
    }

    #[test]
    fn seed_synonyms_of_modes() {
        // seed 000 uses 模拟/帮办/陪伴/交叉; seed 002/003 亲身办/代理办/陪同办.
        assert_eq!(Mode::parse("模拟"), Some(Mode::SelfService));
        assert_eq!(Mode::parse("帮办"), Some(Mode::Proxy));
        assert_eq!(Mode::parse("陪伴"), Some(Mode::Accompany));
        assert_eq!(Mode::parse("交叉"), Some(Mode::Cross));
        assert_eq!(Mode::parse("代理办"), Some(Mode::Proxy));
        assert_eq!(Mode::parse("驻窗办"), Some(Mode::Window));
        assert_eq!(Mode::parse("督导办"), Some(Mode::Inspect));
        assert_eq!(Mode::parse("驻窗"), None);
    }

    #[test]
    fn modes_belong_to_exactly_one_kind() {
        for &m in Mode::ALL {
            assert!(m.kind().modes().contains(&m), "{m:?}");
            let owners = ActivityKind::ALL
                .iter()
                .filter(|k| k.modes().contains(&m))
                .count();
            assert_eq!(owners, 1, "{m:?}");
        }
        assert!(Mode::Cross.is_citizen_identity());
        assert!(!Mode::Window.is_citizen_identity());
        assert_eq!(Mode::Inspect.identity(), Identity::Supervisor);
    }

    #[test]
    fn channels_ranks_triggers() {
        assert_eq!(Channel::parse("电脑端"), Some(Channel::Online));
        assert_eq!(Channel::parse("掌上"), Some(Channel::Mobile));
        assert_eq!(Channel::parse("自助端"), Some(Channel::Kiosk));
        assert_eq!(Channel::parse("线下大厅"), Some(Channel::Window));
        assert_eq!(Channel::parse("项目现场"), Some(Channel::OnSite));
        assert!(Channel::Mobile.is_online() && !Channel::Kiosk.is_online());
        assert_eq!(Rank::parse("主要领导"), Some(Rank::Head));
        assert_eq!(Rank::parse("分管领导"), Some(Rank::Deputy));
        assert_eq!(Rank::parse("一把手"), Some(Rank::Head));
        assert_eq!(Rank::parse("业务骨干"), Some(Rank::Staff));
        assert_eq!(Trigger::parse("即时体验"), Some(Trigger::Instant));
        assert_eq!(
            ProblemStatus::parse("已整改待验收"),
            Some(ProblemStatus::AwaitingVerification)
        );
        assert_eq!(
            Disposition::parse("需上级统筹"),
            Some(Disposition::Escalate)
        );
    }

    #[test]
    fn finding_kinds_match_the_interface() {
        let codes: Vec<&str> = FindingKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(
            codes,
            [
                "clustered-dates",
                "shallow-problem",
                "one-sided-modes",
                "perfunctory-rectification",
                "empty-walk",
                "overdue",
                "missing-walk",
                "late-filing"
            ]
        );
        assert_eq!(
            FindingKind::ALL.iter().filter(|k| k.is_formalism()).count(),
            5
        );
    }

    #[test]
    fn serde_uses_codes_and_reads_labels() {
        assert_eq!(serde_json::to_string(&Mode::Cross).unwrap(), "\"cross\"");
        assert_eq!(
            serde_json::to_string(&Rank::SectionChief).unwrap(),
            "\"section-chief\""
        );
        let m: Mode = serde_json::from_str("\"陪伴\"").unwrap();
        assert_eq!(m, Mode::Accompany);
        let err = serde_json::from_str::<Mode>("\"驻窗\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("「驻窗」"), "{err}");
    }

    #[test]
    fn display_and_from_str() {
        assert_eq!(Grade::Excellent.to_string(), "优秀");
        assert_eq!("较差".parse::<Grade>(), Ok(Grade::Poor));
        let err = "驻窗".parse::<Mode>().unwrap_err();
        assert!(
            err.starts_with("未知的方式「驻窗」，可选：亲身办、代理办"),
            "{err}"
        );
    }
}
