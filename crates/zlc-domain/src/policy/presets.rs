//! The preset policies, one per seed, embedded from `policies/*.toml`.

use super::Policy;

/// 预置政策 a policy file shipped with the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    /// File stem, e.g. `003-beilin`.
    pub code: &'static str,
    /// 名称.
    pub name: &'static str,
    /// The TOML text.
    pub source: &'static str,
}

static PRESETS: &[Preset] = &[
    Preset {
        code: "000-bayingolin",
        name: "巴音郭楞州“领导干部走流程”实施方案",
        source: include_str!("../../../../policies/000-bayingolin.toml"),
    },
    Preset {
        code: "001-zaozhuang-gaoxin",
        name: "枣庄高新区“干部走流程”“局长科长坐窗口”实施方案",
        source: include_str!("../../../../policies/001-zaozhuang-gaoxin.toml"),
    },
    Preset {
        code: "002-juzhang",
        name: "某市“局长走流程”工作方案",
        source: include_str!("../../../../policies/002-juzhang.toml"),
    },
    Preset {
        code: "003-beilin",
        name: "碑林区“一把手走流程、坐窗口、跟执法、处投诉”实施方案",
        source: include_str!("../../../../policies/003-beilin.toml"),
    },
    Preset {
        code: "004-notice-city",
        name: "某市领导干部“走流程”第一季度情况通报",
        source: include_str!("../../../../policies/004-notice-city.toml"),
    },
];

/// Every preset, in seed order.
pub fn presets() -> &'static [Preset] {
    PRESETS
}

/// A preset by its full code (`003-beilin`) or its numeric prefix (`003`).
pub fn preset(code: &str) -> Option<&'static Preset> {
    let code = code.trim();
    PRESETS
        .iter()
        .find(|p| p.code == code || p.code.split('-').next() == Some(code))
}

impl Preset {
    /// The preset's policy.
    pub fn policy(&self) -> Policy {
        // Cannot fail: the test `every_preset_loads` reads every embedded
        // file, and they are compiled in, so they cannot change afterwards.
        Policy::from_toml(self.source).expect("preset policies are tested to load")
    }
}
