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

/// 附件 upload limits.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Uploads {
    /// Largest attachment accepted, in megabytes.
    pub max_mb: u64,
    /// Largest table file accepted for import, in megabytes.
    pub import_max_mb: u64,
    /// What a table file may unpack to, all its parts together, in megabytes.
    pub import_unzipped_mb: u64,
    /// What its shared strings (every distinct text, held in memory while the
    /// sheets are read) may unpack to, in megabytes.
    pub import_strings_mb: u64,
    /// Rows with content, over all its sheets.
    pub import_max_rows: u64,
    /// Characters in one cell.
    pub import_cell_chars: usize,
    /// Time one import may take, in seconds.
    pub import_max_seconds: u64,
    /// Imports running at once on the server (an account runs one at a time).
    pub imports_at_once: usize,
}

impl Default for Uploads {
    fn default() -> Self {
        Uploads {
            max_mb: 20,
            import_max_mb: 64,
            import_unzipped_mb: 1024,
            import_strings_mb: 256,
            import_max_rows: 2_000_000,
            import_cell_chars: 32_767,
            import_max_seconds: 600,
            imports_at_once: 2,
        }
    }
}

impl Uploads {
    /// The limits a table file is read within.
    pub fn import_limits(&self) -> zlc_office::read::Limits {
        zlc_office::read::Limits {
            unzipped_bytes: self.import_unzipped_mb.saturating_mul(1024 * 1024),
            strings_bytes: self.import_strings_mb.saturating_mul(1024 * 1024),
            rows: self.import_max_rows,
            cell_chars: self.import_cell_chars,
            ..zlc_office::read::Limits::default()
        }
    }
}
