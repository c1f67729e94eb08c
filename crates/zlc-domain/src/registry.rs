//! The registry: units, officials and service items (单位、人员、事项), with the
//! closed vocabularies of domain.md and the validation of their input.

use crate::error::{self, Errors, FieldError};
use crate::ids::UnitId;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares a closed vocabulary: stable English codes on the wire, Chinese labels
/// for people; parsing accepts either.
macro_rules! vocab {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $code:literal, $zh:literal $(| $alias:literal)*;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            /// Parses a code or a Chinese label (with the seeds' spellings).
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim();
                $(if s == $code || s == $zh $(|| s == $alias)* { return Some($name::$variant); })+
                None
            }

            /// The Chinese labels, for error messages that list the choices.
            pub fn choices_zh() -> String {
                [$($zh),+].join("、")
            }
        }

        /// A stored code read back (the store's records decode their columns
        /// through this), so a value is parsed once, where it is read.
        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                $name::parse(&s).ok_or_else(|| format!("「{s}」不是有效的{}", stringify!($name)))
            }
        }

        /// Read from the database as its code, on either database: a
        /// column of this vocabulary, or an optional one, decodes straight
        /// into it (a value no code reads is an error, never a default).
        #[cfg(feature = "sqlx")]
        impl<DB: sqlx::Database> sqlx::Type<DB> for $name
        where
            String: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as sqlx::Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as sqlx::Type<DB>>::compatible(ty)
            }
        }

        #[cfg(feature = "sqlx")]
        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $name
        where
            String: sqlx::Decode<'r, DB>,
        {
            fn decode(
                value: <DB as sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let s = <String as sqlx::Decode<'r, DB>>::decode(value)?;
                Ok($name::try_from(s)?)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| {
                    serde::de::Error::custom(format!("「{s}」不是有效的取值，可选：{}", $name::choices_zh()))
                })
            }
        }

        /// In the OpenAPI document: a string, one of the codes (the
        /// Chinese labels are accepted too, and named in the description).
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code),+]))
                    .description(Some(format!(
                        "取值：{}；也接受中文名称",
                        [$(concat!($code, "（", $zh, "）")),+].join("、")
                    )))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

pub(crate) use vocab;

vocab!(
    /// 单位类型 unit kind
    UnitKind {
        Region = "region", "地区" | "区县" | "县市区" | "街道" | "乡镇";
        Department = "department", "部门";
        Enterprise = "enterprise", "企业" | "公共服务企业";
        Section = "section", "科室";
        Hall = "hall", "大厅" | "政务大厅" | "分厅";
    }
);

vocab!(
    /// 单位类别 unit category (seed 003 附件1); a unit may have several
    UnitCategory {
        Approval = "approval", "审批服务";
        Enforcement = "enforcement", "行政执法";
        Complaints = "complaints", "投诉集中";
        PolicyMaking = "policy-making", "政策制定";
        PublicEnterprise = "public-enterprise", "公共服务企业";
    }
);

vocab!(
    /// 事项类型 item type (seed 001 附件2 注2)
    ItemType {
        OneThing = "one-thing", "高效办成一件事" | "一件事";
        Integrated = "integrated", "集成办";
        CrossRegion = "cross-region", "跨域办";
        HighFrequency = "high-frequency", "高频";
        Other = "other", "其他";
    }
);

vocab!(
    /// 权力类别 power category of a service item (seed 000 三)
    PowerCategory {
        Licensing = "licensing", "行政许可";
        Confirmation = "confirmation", "行政确认";
        Adjudication = "adjudication", "行政裁决";
        Benefit = "benefit", "行政给付";
        Reward = "reward", "行政奖励";
        Filing = "filing", "行政备案";
        OtherPower = "other-power", "其他行政权力";
        PublicService = "public-service", "公共服务";
        SocialService = "social-service", "其他社会服务";
    }
);

vocab!(
    /// 服务对象 who the item serves
    ServiceObject {
        Enterprise = "enterprise", "企业";
        Person = "person", "个人";
        Both = "both", "企业和个人" | "企业/个人" | "企业、个人";
    }
);

vocab!(
    /// 办理方式 how the item is handled
    HandlingMode {
        Online = "online", "线上";
        Offline = "offline", "线下";
        Both = "both", "线上线下" | "线上/线下";
    }
);

/// 单位 a validated unit, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitInput {
    pub name: String,
    pub parent_id: Option<UnitId>,
    pub kind: UnitKind,
    pub categories: Vec<UnitCategory>,
    pub code: Option<String>,
    pub sort: i64,
    /// 牵头单位 the office that issues a region's notices (发文机关), e.g.
    /// 示范区营商环境建设办公室; only regions have one.
    pub lead_office: Option<String>,
}

/// Limits of free text fields, in characters.
pub const NAME_MAX: usize = 100;
pub const TEXT_MAX: usize = 500;

impl UnitInput {
    /// Validates a unit; a non-root unit must name its parent.
    pub fn new(
        name: &str,
        parent_id: Option<UnitId>,
        kind: UnitKind,
        categories: Vec<UnitCategory>,
        code: Option<&str>,
        sort: i64,
    ) -> Result<Self, Errors> {
        let mut errs = Errors::default();
        let name = errs.take(error::text("name", name, NAME_MAX));
        let code = errs.take(error::optional_text("code", code.unwrap_or(""), 40));
        let mut cats = categories;
        cats.sort();
        cats.dedup();
        errs.into_result()?;
        Ok(UnitInput {
            name: name.unwrap_or_default(),
            parent_id,
            kind,
            categories: cats,
            code: code.flatten(),
            sort,
            lead_office: None,
        })
    }

    /// The unit with its lead office (发文机关), checked like a name.
    pub fn with_lead_office(mut self, lead_office: Option<&str>) -> Result<Self, Errors> {
        let mut errs = Errors::default();
        let v = errs.take(error::optional_text(
            "lead_office",
            lead_office.unwrap_or(""),
            NAME_MAX,
        ));
        errs.into_result()?;
        self.lead_office = v.flatten();
        Ok(self)
    }
}

/// Joins categories the way the seeds' tables write them: `审批服务、行政执法`.
pub fn categories_zh(cats: &[UnitCategory]) -> String {
    cats.iter()
        .map(|c| c.label_zh())
        .collect::<Vec<_>>()
        .join("、")
}

/// Parses `审批服务、行政执法` (also `,` `，` `/` separated) into categories.
pub fn parse_categories(field: &str, s: &str) -> Result<Vec<UnitCategory>, FieldError> {
    let mut out = Vec::new();
    for part in s
        .split(['、', ',', '，', '/', ';', '；'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match UnitCategory::parse(part) {
            Some(c) => out.push(c),
            None => {
                return Err(FieldError::new(
                    field,
                    format!(
                        "未知的单位类别「{part}」，可选：{}",
                        UnitCategory::choices_zh()
                    ),
                ));
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Checks a phone number as people write it: mobile `13812341234`, landline
/// `0996-2613122` or a local `8355066`, with an optional extension `-801`.
pub fn phone(field: &str, s: &str) -> Result<Option<String>, FieldError> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return Ok(None);
    }
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let ok_chars = s.chars().all(|c| c.is_ascii_digit() || c == '-');
    let mobile = s.len() == 11 && s.starts_with('1') && digits == 11;
    let fixed = !s.starts_with('1') && (7..=16).contains(&digits) && !s.starts_with('-');
    if ok_chars && (mobile || fixed) {
        Ok(Some(s))
    } else {
        Err(FieldError::new(
            field,
            format!("「{s}」不是有效的电话号码（手机号 11 位，或 0996-2613122 这样的固定电话）"),
        ))
    }
}

/// 办事流程要素 the process figures that walks measure and rectifications improve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessFigures {
    /// 要件数量
    pub materials: Option<i32>,
    /// 办理时限（工作日）; 0 = same day (即办)
    pub time_limit_days: Option<i32>,
    /// 办理环节
    pub steps: Option<i32>,
    /// 跑动次数
    pub trips: Option<i32>,
    /// 可网办
    pub online: Option<bool>,
}

impl ProcessFigures {
    /// What a rectification changed, in the words of seed 004 (`办理时限由3个
    /// 工作日压缩为当日办结`); `None` when nothing improved.
    pub fn improvement_zh(before: &ProcessFigures, after: &ProcessFigures) -> Option<String> {
        let days = |d: i32| {
            if d == 0 {
                "当日办结".to_string()
            } else {
                format!("{d}个工作日")
            }
        };
        let mut parts = Vec::new();
        if let (Some(b), Some(a)) = (before.time_limit_days, after.time_limit_days)
            && a < b
        {
            let to = if a == 0 {
                "当日办结".to_string()
            } else {
                days(a)
            };
            parts.push(format!("办理时限由{}压缩为{to}", days(b)));
        }
        for (what, unit, b, a) in [
            ("申请材料", "件", before.materials, after.materials),
            ("办理环节", "个", before.steps, after.steps),
            ("跑动次数", "次", before.trips, after.trips),
        ] {
            if let (Some(b), Some(a)) = (b, a)
                && a < b
            {
                parts.push(format!("{what}由{b}{unit}减少为{a}{unit}"));
            }
        }
        if before.online != Some(true) && after.online == Some(true) {
            parts.push("实现网上可办".to_string());
        }
        (!parts.is_empty()).then(|| parts.join("，"))
    }

    pub fn validate(&self, prefix: &str) -> Result<(), Errors> {
        let mut errs = Errors::default();
        for (name, v, max) in [
            ("materials", self.materials, 200),
            ("time_limit_days", self.time_limit_days, 3650),
            ("steps", self.steps, 100),
            ("trips", self.trips, 50),
        ] {
            if let Some(v) = v
                && !(0..=max).contains(&v)
            {
                errs.push(format!("{prefix}.{name}"), format!("应在 0 到 {max} 之间"));
            }
        }
        errs.into_result()
    }

    pub fn is_empty(&self) -> bool {
        *self == ProcessFigures::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocab_parses_codes_labels_and_seed_spellings() {
        assert_eq!(UnitKind::parse("department"), Some(UnitKind::Department));
        assert_eq!(UnitKind::parse("科室"), Some(UnitKind::Section));
        assert_eq!(UnitKind::parse("街道"), Some(UnitKind::Region));
        assert_eq!(ServiceObject::parse("企业/个人"), Some(ServiceObject::Both));
        assert_eq!(HandlingMode::parse("线上/线下"), Some(HandlingMode::Both));
        assert_eq!(ItemType::parse("高效办成一件事"), Some(ItemType::OneThing));
        assert_eq!(PowerCategory::ALL.len(), 9);
        let err = serde_json::from_str::<UnitKind>("\"局\"")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("「局」不是有效的取值") && err.contains("科室"),
            "{err}"
        );
        assert_eq!(
            serde_json::to_string(&UnitKind::Hall).expect("ser"),
            "\"hall\""
        );
    }

    #[test]
    fn categories_parse_as_the_seeds_write_them() {
        let cats = parse_categories("categories", "行政执法、审批服务，审批服务").expect("parses");
        assert_eq!(
            cats,
            vec![UnitCategory::Approval, UnitCategory::Enforcement]
        );
        assert_eq!(categories_zh(&cats), "审批服务、行政执法");
        let err = parse_categories("单位类别", "审批、执法").unwrap_err();
        assert_eq!(err.field, "单位类别");
        assert!(err.message.contains("「审批」"));
    }

    #[test]
    fn phones() {
        assert_eq!(
            phone("phone", " 138 1234 1234").expect("ok").as_deref(),
            Some("13812341234")
        );
        assert_eq!(
            phone("phone", "0996-2613122").expect("ok").as_deref(),
            Some("0996-2613122")
        );
        assert_eq!(
            phone("phone", "8355066").expect("ok").as_deref(),
            Some("8355066")
        );
        assert_eq!(phone("phone", "").expect("ok"), None);
        assert!(phone("phone", "183XXXXXXXX").is_err());
        assert!(phone("phone", "1381234123").is_err());
        assert_eq!(phone("联系电话", "abc").unwrap_err().field, "联系电话");
    }

    #[test]
    fn unit_input_names_every_bad_field() {
        let errs = UnitInput::new("", None, UnitKind::Region, vec![], Some(&"x".repeat(41)), 0)
            .unwrap_err();
        let fields: Vec<&str> = errs.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["name", "code"]);
    }

    #[test]
    fn figures_are_bounded() {
        let f = ProcessFigures {
            materials: Some(-1),
            trips: Some(1),
            ..Default::default()
        };
        let errs = f.validate("figures").unwrap_err();
        assert_eq!(errs.0[0].field, "figures.materials");
        assert!(ProcessFigures::default().is_empty());
    }

    #[test]
    fn improvements_in_the_words_of_seed_004() {
        let before = ProcessFigures {
            materials: Some(5),
            time_limit_days: Some(3),
            steps: Some(4),
            trips: Some(2),
            online: Some(false),
        };
        let after = ProcessFigures {
            materials: Some(3),
            time_limit_days: Some(0),
            steps: Some(4),
            trips: Some(0),
            online: Some(true),
        };
        assert_eq!(
            ProcessFigures::improvement_zh(&before, &after).as_deref(),
            Some(
                "办理时限由3个工作日压缩为当日办结，申请材料由5件减少为3件，跑动次数由2次减少为0次，实现网上可办"
            )
        );
        assert_eq!(ProcessFigures::improvement_zh(&after, &after), None);
    }
}
