//! Server settings that an operator may change in the configuration file
//! (`[security]`): lockout, session lifetimes, password rules.

use serde::{Deserialize, Serialize};
use zlc_domain::auth::PasswordRules;

/// 安全策略 the security settings of 等保2.0 level 3 sign-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Security {
    /// Failed sign-ins in a row before the account is locked.
    pub max_failed_logins: i64,
    /// How long a locked account stays locked.
    pub lockout_minutes: i64,
    /// A session unused this long expires.
    pub session_idle_minutes: i64,
    /// A session expires this long after sign-in, however busy.
    pub session_absolute_hours: i64,
    /// Mark the session cookie `Secure` (set when served over HTTPS).
    pub cookie_secure: bool,
    /// The proxies (load balancers) in front of the server whose
    /// `X-Forwarded-For` names the client; nobody else's is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub password: PasswordRules,
}

impl Default for Security {
    fn default() -> Self {
        Security {
            max_failed_logins: 5,
            lockout_minutes: 15,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            cookie_secure: false,
            trusted_proxies: Vec::new(),
            password: PasswordRules::default(),
        }
    }
}

impl Security {
    /// Says which setting is out of range, naming its key.
    pub fn validate(&self) -> Result<(), String> {
        let checks = [
            ("security.max_failed_logins", self.max_failed_logins, 1, 20),
            ("security.lockout_minutes", self.lockout_minutes, 1, 24 * 60),
            (
                "security.session_idle_minutes",
                self.session_idle_minutes,
                1,
                24 * 60,
            ),
            (
                "security.session_absolute_hours",
                self.session_absolute_hours,
                1,
                7 * 24,
            ),
        ];
        for (key, v, lo, hi) in checks {
            if !(lo..=hi).contains(&v) {
                return Err(format!("配置项 {key} 应在 {lo} 到 {hi} 之间，当前为 {v}"));
            }
        }
        if !(8..=64).contains(&self.password.min_length) {
            return Err("配置项 security.password.min_length 应在 8 到 64 之间".into());
        }
        if !(1..=4).contains(&self.password.min_classes) {
            return Err("配置项 security.password.min_classes 应在 1 到 4 之间".into());
        }
        Ok(())
    }
}
