//! Accounts, roles and permissions: the rules of 等保2.0 level 3 that are the
//! campaign's own (separation of the three administrators, password complexity,
//! masking of personal data). Storage and sessions live elsewhere.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// 权限 a permission code checked by the server on every data endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Permission {
    #[serde(rename = "unit:read")]
    UnitRead,
    #[serde(rename = "unit:write")]
    UnitWrite,
    #[serde(rename = "official:read")]
    OfficialRead,
    #[serde(rename = "official:write")]
    OfficialWrite,
    /// See personal data (phones) unmasked.
    #[serde(rename = "official:phone")]
    OfficialPhone,
    #[serde(rename = "item:read")]
    ItemRead,
    #[serde(rename = "item:write")]
    ItemWrite,
    #[serde(rename = "policy:read")]
    PolicyRead,
    #[serde(rename = "policy:write")]
    PolicyWrite,
    #[serde(rename = "user:manage")]
    UserManage,
    #[serde(rename = "token:manage")]
    TokenManage,
    #[serde(rename = "role:manage")]
    RoleManage,
    #[serde(rename = "session:manage")]
    SessionManage,
    #[serde(rename = "loginlog:read")]
    LoginLogRead,
    #[serde(rename = "audit:read")]
    AuditRead,
    #[serde(rename = "plan:read")]
    PlanRead,
    #[serde(rename = "plan:write")]
    PlanWrite,
    #[serde(rename = "plan:publish")]
    PlanPublish,
    #[serde(rename = "activity:read")]
    ActivityRead,
    #[serde(rename = "activity:write")]
    ActivityWrite,
    #[serde(rename = "problem:read")]
    ProblemRead,
    #[serde(rename = "problem:write")]
    ProblemWrite,
    #[serde(rename = "problem:handle")]
    ProblemHandle,
    #[serde(rename = "problem:verify")]
    ProblemVerify,
    #[serde(rename = "report:read")]
    ReportRead,
    /// 审核形式主义问题: confirm or dismiss findings before they go into a notice.
    #[serde(rename = "finding:review")]
    FindingReview,
}

/// Which of the separated duties (三员分立) a permission belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Duty {
    /// 系统管理员: accounts and configuration.
    System,
    /// 安全管理员: roles, sessions, security policy.
    Security,
    /// 审计管理员: the audit log only.
    Audit,
    /// Campaign work: no separation rule applies.
    Business,
}

impl Duty {
    pub fn label_zh(self) -> &'static str {
        match self {
            Duty::System => "系统管理员",
            Duty::Security => "安全管理员",
            Duty::Audit => "审计管理员",
            Duty::Business => "业务",
        }
    }
}

impl Permission {
    pub const ALL: [Permission; 26] = [
        Permission::UnitRead,
        Permission::UnitWrite,
        Permission::OfficialRead,
        Permission::OfficialWrite,
        Permission::OfficialPhone,
        Permission::ItemRead,
        Permission::ItemWrite,
        Permission::PolicyRead,
        Permission::PolicyWrite,
        Permission::UserManage,
        Permission::TokenManage,
        Permission::RoleManage,
        Permission::SessionManage,
        Permission::LoginLogRead,
        Permission::AuditRead,
        Permission::PlanRead,
        Permission::PlanWrite,
        Permission::PlanPublish,
        Permission::ActivityRead,
        Permission::ActivityWrite,
        Permission::ProblemRead,
        Permission::ProblemWrite,
        Permission::ProblemHandle,
        Permission::ProblemVerify,
        Permission::ReportRead,
        Permission::FindingReview,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Permission::UnitRead => "unit:read",
            Permission::UnitWrite => "unit:write",
            Permission::OfficialRead => "official:read",
            Permission::OfficialWrite => "official:write",
            Permission::OfficialPhone => "official:phone",
            Permission::ItemRead => "item:read",
            Permission::ItemWrite => "item:write",
            Permission::PolicyRead => "policy:read",
            Permission::PolicyWrite => "policy:write",
            Permission::UserManage => "user:manage",
            Permission::TokenManage => "token:manage",
            Permission::RoleManage => "role:manage",
            Permission::SessionManage => "session:manage",
            Permission::LoginLogRead => "loginlog:read",
            Permission::AuditRead => "audit:read",
            Permission::PlanRead => "plan:read",
            Permission::PlanWrite => "plan:write",
            Permission::PlanPublish => "plan:publish",
            Permission::ActivityRead => "activity:read",
            Permission::ActivityWrite => "activity:write",
            Permission::ProblemRead => "problem:read",
            Permission::ProblemWrite => "problem:write",
            Permission::ProblemHandle => "problem:handle",
            Permission::ProblemVerify => "problem:verify",
            Permission::ReportRead => "report:read",
            Permission::FindingReview => "finding:review",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Permission::UnitRead => "查看单位",
            Permission::UnitWrite => "维护单位",
            Permission::OfficialRead => "查看人员",
            Permission::OfficialWrite => "维护人员",
            Permission::OfficialPhone => "查看完整联系电话",
            Permission::ItemRead => "查看事项",
            Permission::ItemWrite => "维护事项",
            Permission::PolicyRead => "查看活动规则",
            Permission::PolicyWrite => "修改活动规则",
            Permission::UserManage => "账号管理",
            Permission::TokenManage => "接口令牌管理",
            Permission::RoleManage => "角色与授权管理",
            Permission::SessionManage => "会话管理",
            Permission::LoginLogRead => "查看登录日志",
            Permission::AuditRead => "查看审计日志",
            Permission::PlanRead => "查看计划",
            Permission::PlanWrite => "编制计划",
            Permission::PlanPublish => "发布计划",
            Permission::ActivityRead => "查看活动记录",
            Permission::ActivityWrite => "填报活动记录",
            Permission::ProblemRead => "查看问题台账",
            Permission::ProblemWrite => "登记问题、需求和措施",
            Permission::ProblemHandle => "办理整改",
            Permission::ProblemVerify => "验收销号",
            Permission::ReportRead => "查看统计",
            Permission::FindingReview => "审核通报问题",
        }
    }

    pub fn parse(code: &str) -> Option<Permission> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn duty(self) -> Duty {
        match self {
            Permission::UserManage | Permission::TokenManage | Permission::PolicyWrite => {
                Duty::System
            }
            Permission::RoleManage | Permission::SessionManage => Duty::Security,
            Permission::AuditRead => Duty::Audit,
            // The login log is read by both the security and the audit administrator.
            _ => Duty::Business,
        }
    }
}

/// In the OpenAPI document: a string, one of the permission codes, so that
/// a generated client names them instead of spelling bare strings.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Permission {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Permission::ALL.map(Permission::code)))
            .description(Some(format!(
                "权限：{}",
                Permission::ALL
                    .map(|p| format!("{}（{}）", p.code(), p.label_zh()))
                    .join("、")
            )))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Permission {}

/// 内置角色 a role shipped with zlc; accounts may also get custom roles.
pub struct BuiltinRole {
    pub code: &'static str,
    pub name: &'static str,
    pub permissions: &'static [Permission],
}

use Permission as P;

/// The built-in roles: the three separated administrators and the working roles of domain.md.
pub const BUILTIN_ROLES: &[BuiltinRole] = &[
    BuiltinRole {
        code: "sysadmin",
        name: "系统管理员",
        permissions: &[
            P::UserManage,
            P::TokenManage,
            P::PolicyRead,
            P::PolicyWrite,
            P::UnitRead,
            P::UnitWrite,
        ],
    },
    BuiltinRole {
        code: "secadmin",
        name: "安全管理员",
        permissions: &[P::RoleManage, P::SessionManage, P::LoginLogRead],
    },
    BuiltinRole {
        code: "auditadmin",
        name: "审计管理员",
        permissions: &[P::AuditRead, P::LoginLogRead],
    },
    BuiltinRole {
        code: "supervisor",
        name: "牵头单位",
        permissions: &[
            P::UnitRead,
            P::UnitWrite,
            P::OfficialRead,
            P::OfficialWrite,
            P::OfficialPhone,
            P::ItemRead,
            P::ItemWrite,
            P::PolicyRead,
            P::PlanRead,
            P::PlanWrite,
            P::PlanPublish,
            P::ActivityRead,
            P::ActivityWrite,
            P::ProblemRead,
            P::ProblemWrite,
            P::ProblemVerify,
            P::ReportRead,
            P::FindingReview,
        ],
    },
    BuiltinRole {
        code: "liaison",
        name: "联络员",
        permissions: &[
            P::UnitRead,
            P::OfficialRead,
            P::OfficialWrite,
            P::ItemRead,
            P::ItemWrite,
            P::PolicyRead,
            P::PlanRead,
            P::PlanWrite,
            P::ActivityRead,
            P::ActivityWrite,
            P::ProblemRead,
            P::ProblemWrite,
            P::ProblemHandle,
            P::ReportRead,
        ],
    },
    BuiltinRole {
        code: "official",
        name: "领导干部",
        permissions: &[
            P::UnitRead,
            P::OfficialRead,
            P::ItemRead,
            P::PolicyRead,
            P::PlanRead,
            P::ActivityRead,
            P::ActivityWrite,
            P::ProblemRead,
            P::ProblemWrite,
        ],
    },
    BuiltinRole {
        code: "handler",
        name: "责任科室经办人",
        permissions: &[
            P::UnitRead,
            P::OfficialRead,
            P::ItemRead,
            P::PolicyRead,
            P::ProblemRead,
            P::ProblemWrite,
            P::ProblemHandle,
        ],
    },
];

pub fn builtin_role(code: &str) -> Option<&'static BuiltinRole> {
    BUILTIN_ROLES.iter().find(|r| r.code == code)
}

/// Whether these permissions make an account one of the three
/// administrators (三员): any permission of the system, security or audit duty.
pub fn is_administrator(perms: &BTreeSet<Permission>) -> bool {
    perms.iter().any(|p| p.duty() != Duty::Business)
}

/// Checks the separation of the three administrators (三员分立): the permissions an
/// account would hold through all its roles may span at most one of the system,
/// security and audit duties; and an administrator holds no business role —
/// nothing beyond what the built-in administrator roles carry (units and the
/// policy for the system administrator, the login log for the other two), so
/// that no administrator reads or changes the campaign's records.
pub fn check_separation(perms: &BTreeSet<Permission>) -> Result<(), String> {
    let duties: BTreeSet<Duty> = perms
        .iter()
        .map(|p| p.duty())
        .filter(|d| *d != Duty::Business)
        .collect();
    if duties.len() > 1 {
        let names: Vec<&str> = duties.iter().map(|d| d.label_zh()).collect();
        return Err(format!(
            "三员分立：同一账号不能同时拥有{}的权限",
            names.join("、")
        ));
    }
    if !duties.is_empty() {
        let allowed: BTreeSet<Permission> = BUILTIN_ROLES
            .iter()
            .filter(|r| ["sysadmin", "secadmin", "auditadmin"].contains(&r.code))
            .flat_map(|r| r.permissions.iter().copied())
            .collect();
        let business: Vec<&str> = perms
            .iter()
            .filter(|p| !allowed.contains(p))
            .map(|p| p.label_zh())
            .collect();
        if !business.is_empty() {
            return Err(format!(
                "三员分立：管理员账号不能同时拥有业务权限（{}）",
                business.join("、")
            ));
        }
    }
    Ok(())
}

/// 口令策略 password complexity, from configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PasswordRules {
    pub min_length: usize,
    /// How many of: lower case, upper case, digit, other.
    pub min_classes: usize,
}

impl Default for PasswordRules {
    fn default() -> Self {
        Self {
            min_length: 10,
            min_classes: 3,
        }
    }
}

impl PasswordRules {
    /// Says in Chinese why a password is too weak for this account, if it is.
    pub fn check(&self, username: &str, password: &str) -> Result<(), String> {
        let n = password.chars().count();
        if n < self.min_length {
            return Err(format!("口令至少 {} 位，当前 {} 位", self.min_length, n));
        }
        if n > 128 {
            return Err("口令不能超过 128 位".into());
        }
        let classes = [
            password.chars().any(|c| c.is_ascii_lowercase()),
            password.chars().any(|c| c.is_ascii_uppercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| !c.is_ascii_alphanumeric()),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if classes < self.min_classes {
            return Err(format!(
                "口令须包含小写字母、大写字母、数字、符号中的至少 {} 类",
                self.min_classes
            ));
        }
        if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
            return Err("口令不能包含账号名".into());
        }
        if let Some(why) = guessable(password) {
            return Err(format!("口令过于常见，容易被猜中（{why}），请换一个"));
        }
        Ok(())
    }
}

/// Words people reach for first, as guessing lists try them.
const COMMON_WORDS: &[&str] = &[
    "password", "passw0rd", "p@ssw0rd", "p@ssword", "welcome", "letmein", "iloveyou", "qwerty",
    "summer", "winter", "spring", "autumn", "monkey", "dragon", "master", "woaini", "5201314",
    "abc123", "123456", "111111", "888888", "666666", "000000",
];

/// Keys in a row on the keyboard, and counting up.
const RUNS: &[&str] = &[
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv",
    "qazwsxedcrfv",
    "1234567890",
    "abcdefghijklmnopqrstuvwxyz",
];

/// Why a password that meets the length and classes is still guessable: a
/// common word, five keys in a row (either way), or one character four
/// times running. (等保 2.0 asks for 口令复杂度; `Password123` and
/// `Summer2024!!` pass classes and length.)
fn guessable(password: &str) -> Option<String> {
    let p = password.to_lowercase();
    if let Some(w) = COMMON_WORDS.iter().find(|w| p.contains(*w)) {
        return Some(format!("含有常见词「{w}」"));
    }
    let chars: Vec<char> = p.chars().collect();
    for run in RUNS {
        let forward: Vec<char> = run.chars().collect();
        let backward: Vec<char> = run.chars().rev().collect();
        for line in [&forward, &backward] {
            for w in line.windows(5) {
                if chars.windows(5).any(|c| c == w) {
                    let s: String = w.iter().collect();
                    return Some(format!("含有连续按键「{s}」"));
                }
            }
        }
    }
    if chars.windows(4).any(|w| w.iter().all(|c| *c == w[0])) {
        return Some("同一字符连续重复".into());
    }
    None
}

/// Masks a citizen's name for display: `张三` → `张*`, `欧阳娜娜` → `欧***`.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count())),
        None => String::new(),
    }
}

/// Masks a mail address for display and the audit trail:
/// `zhang.san@example.cn` → `z***@example.cn`.
pub fn mask_email(e: &str) -> String {
    match e.split_once('@') {
        Some((local, host)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{host}")
        }
        None => "***".into(),
    }
}

/// Masks a phone number for display: `13812341234` → `138****1234`.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    let n = chars.len();
    // Mobile and long landline numbers keep 3 + 4 digits, short local ones 2 + 2.
    let (keep_head, keep_tail) = match n {
        11.. => (3, 4),
        7..=10 => (2, 2),
        _ => (0, 0),
    };
    let head: String = chars[..keep_head].iter().collect();
    let tail: String = chars[n - keep_tail..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(n - keep_head - keep_tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_addresses_are_masked_to_their_first_letter_and_host() {
        assert_eq!(mask_email("zhang.san@example.cn"), "z***@example.cn");
        assert_eq!(mask_email("not an address"), "***");
    }

    fn perms(codes: &[&str]) -> BTreeSet<Permission> {
        codes.iter().filter_map(|c| Permission::parse(c)).collect()
    }

    #[test]
    fn separation_refuses_two_admin_duties_but_allows_business_mix() {
        assert!(check_separation(&perms(&["user:manage", "unit:read"])).is_ok());
        let err = check_separation(&perms(&["user:manage", "audit:read"])).unwrap_err();
        assert!(
            err.contains("系统管理员") && err.contains("审计管理员"),
            "{err}"
        );
        assert!(check_separation(&perms(&["role:manage", "token:manage"])).is_err());
    }

    #[test]
    fn builtin_admin_roles_each_hold_exactly_one_duty() {
        for code in ["sysadmin", "secadmin", "auditadmin"] {
            let role = builtin_role(code).expect("built in");
            let set: BTreeSet<Permission> = role.permissions.iter().copied().collect();
            check_separation(&set).expect(code);
        }
    }

    #[test]
    fn permission_codes_round_trip() {
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.code()), Some(p));
            let json = serde_json::to_string(&p).expect("serializes");
            assert_eq!(json, format!("\"{}\"", p.code()));
        }
        assert_eq!(Permission::parse("unit:delete"), None);
    }

    #[test]
    fn password_rules() {
        let r = PasswordRules::default();
        assert!(
            r.check("zhangsan", "Short1!")
                .unwrap_err()
                .contains("至少 10 位")
        );
        assert!(
            r.check("zhangsan", "alllowercase1")
                .unwrap_err()
                .contains("至少 3 类")
        );
        assert!(
            r.check("zhangsan", "Zhangsan-2024x")
                .unwrap_err()
                .contains("账号名")
        );
        assert!(r.check("zhangsan", "Walk-the-Process-2024").is_ok());
        // Length and classes are not enough: common words, keyboard runs, repeats.
        for weak in [
            "Password123",
            "Summer2024!!",
            "Qwerty-2024x",
            "Zxcvb-Lkjh-7",
            "Walk-98765-Go",
            "Walk-aaaa-2024",
        ] {
            let e = r.check("zhangsan", weak).unwrap_err();
            assert!(e.contains("过于常见"), "{weak}: {e}");
        }
        for strong in ["Zlc-Demo-2024!", "Admin-Pass-2024!x", "Another-Walk-2024!"] {
            assert!(r.check("zhangsan", strong).is_ok(), "{strong}");
        }
    }

    #[test]
    fn names_keep_only_the_first_character() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn phones_are_masked_in_the_middle() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("0996-2613122"), "099*****3122");
        assert_eq!(mask_phone("8355066"), "83***66");
        assert_eq!(mask_phone("12345"), "*****");
    }
}
