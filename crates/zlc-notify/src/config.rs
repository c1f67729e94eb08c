//! 通知配置 the `[notify]` section of the configuration file.

use crate::error::NotifyError;
use crate::mail::Mailer;
use crate::webhook::{Webhook, WebhookFormat};
use chrono::NaiveTime;
use serde::Deserialize;

/// The time of the daily digest when `daily_at` is not set: 08:30.
const DEFAULT_DAILY_AT: (u32, u32) = (8, 30);

/// 通知配置 where reminders go: an SMTP server for the daily digest mail, a
/// webhook for a group's robot, and the time of day they are sent. Every key
/// is optional; without `smtp_url` no mail is sent, without `webhook_url` no
/// webhook message.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyConfig {
    /// `smtp://user:password@host:port` or `smtps://…`; `?tls=required` or
    /// `?tls=opportunistic` asks for STARTTLS on `smtp://`.
    pub smtp_url: Option<String>,
    /// The sender, `走流程督办 <noreply@example.gov.cn>` or a bare address.
    pub smtp_from: Option<String>,
    pub webhook_url: Option<String>,
    /// Signs `json` messages (`X-Zlc-Signature`) and DingTalk's 加签.
    pub webhook_secret: Option<String>,
    #[serde(default)]
    pub webhook_format: WebhookFormat,
    /// "HH:MM", local time; 08:30 when not set.
    pub daily_at: Option<String>,
}

impl std::fmt::Debug for NotifyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifyConfig")
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("smtp_from", &self.smtp_from)
            .field("webhook_url", &self.webhook_url.as_deref().map(redact_url))
            .field(
                "webhook_secret",
                &self.webhook_secret.as_ref().map(|_| "***"),
            )
            .field("webhook_format", &self.webhook_format)
            .field("daily_at", &self.daily_at)
            .finish()
    }
}

impl NotifyConfig {
    /// Every problem of the settings, each naming its key
    /// (`notify.smtp_from：…`), in Chinese. Never quotes a URL, which may hold
    /// a password or a robot's key.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut errors = Vec::new();
        let set = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());

        if let Some(url) = self.smtp_url.as_deref().filter(|s| !s.trim().is_empty()) {
            if let Err(reason) = check_smtp_url(url) {
                errors.push(format!("notify.smtp_url：{reason}"));
            }
            if !set(&self.smtp_from) {
                errors.push(
                    "notify.smtp_from：设置了 notify.smtp_url 时须填写发件人地址".to_string(),
                );
            }
        } else if set(&self.smtp_from) {
            errors.push(
                "notify.smtp_url：填写了发件人 notify.smtp_from，却没有邮件服务器地址".to_string(),
            );
        }
        if let Some(from) = self.smtp_from.as_deref().filter(|s| !s.trim().is_empty())
            && from.parse::<lettre::message::Mailbox>().is_err()
        {
            errors.push(format!(
                "notify.smtp_from：「{from}」不是有效的邮件地址（如 走流程督办 <noreply@example.gov.cn>）"
            ));
        }

        if let Some(url) = self.webhook_url.as_deref().filter(|s| !s.trim().is_empty()) {
            if let Err(reason) = check_webhook_url(url) {
                errors.push(format!("notify.webhook_url：{reason}"));
            }
            if self.webhook_format == WebhookFormat::Wecom && set(&self.webhook_secret) {
                errors.push(
                    "notify.webhook_secret：企业微信群机器人不支持加签，机器人的 key 已在 notify.webhook_url 中，请删去此项"
                        .to_string(),
                );
            }
        } else if set(&self.webhook_secret) {
            errors.push(
                "notify.webhook_secret：没有 notify.webhook_url，签名密钥无处可用".to_string(),
            );
        }

        if let Some(at) = &self.daily_at
            && parse_hh_mm(at).is_none()
        {
            errors.push(format!(
                "notify.daily_at：「{at}」不是 时:分 格式的时刻（如 08:30）"
            ));
        }

        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The time of day of the digest; 08:30 when `daily_at` is not set (or not
    /// a time, which `validate` reports).
    pub fn daily_at(&self) -> NaiveTime {
        let (h, m) = DEFAULT_DAILY_AT;
        self.daily_at
            .as_deref()
            .and_then(parse_hh_mm)
            .or_else(|| NaiveTime::from_hms_opt(h, m, 0))
            .unwrap_or(NaiveTime::MIN)
    }

    /// The mailer, when `smtp_url` is set.
    pub fn mailer(&self) -> Result<Option<Mailer>, NotifyError> {
        let Some(url) = self.smtp_url.as_deref().filter(|s| !s.trim().is_empty()) else {
            return Ok(None);
        };
        let from = self
            .smtp_from
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| {
                NotifyError::Config(
                    "notify.smtp_from：设置了 notify.smtp_url 时须填写发件人地址".to_string(),
                )
            })?;
        Mailer::new(url, from).map(Some)
    }

    /// The webhook, when `webhook_url` is set.
    pub fn webhook(&self) -> Option<Webhook> {
        let url = self
            .webhook_url
            .as_deref()
            .filter(|s| !s.trim().is_empty())?;
        let secret = self.webhook_secret.clone().filter(|s| !s.trim().is_empty());
        Some(Webhook::new(url, self.webhook_format).with_secret(secret))
    }
}

/// "HH:MM" (a single-digit hour is let pass).
fn parse_hh_mm(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()
}

fn check_smtp_url(url: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|_| "不是有效的地址".to_string())?;
    if !matches!(parsed.scheme(), "smtp" | "smtps") {
        return Err(format!(
            "只支持 smtp:// 或 smtps:// 地址，不支持「{}」",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("缺少邮件服务器主机名".to_string());
    }
    if let Some((_, tls)) = parsed.query_pairs().find(|(k, _)| k == "tls")
        && !matches!(tls.as_ref(), "required" | "opportunistic")
    {
        return Err(format!(
            "参数 tls 取值「{tls}」无效：应为 required 或 opportunistic"
        ));
    }
    // Whatever else lettre itself refuses.
    lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url)
        .map(|_| ())
        .map_err(|e| format!("邮件服务器地址无法使用：{e}"))
}

fn check_webhook_url(url: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|_| "不是有效的地址".to_string())?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "只支持 http:// 或 https:// 地址，不支持「{}」",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("缺少主机名".to_string());
    }
    Ok(())
}

/// `url` with its password, path and query hidden, for Debug output and
/// logs: a robot's key travels in the query, some services' tokens in the path.
pub(crate) fn redact_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            if u.path().len() > 1 {
                u.set_path("/***");
            }
            if u.query().is_some() {
                u.set_query(Some("***"));
            }
            u.to_string()
        }
        Err(_) => "***".to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test reports failure
mod tests {
    use super::*;

    fn config(toml_like: &[(&str, &str)]) -> NotifyConfig {
        let map: serde_json::Map<String, serde_json::Value> = toml_like
            .iter()
            .map(|(k, v)| ((*k).to_string(), serde_json::Value::from(*v)))
            .collect();
        serde_json::from_value(serde_json::Value::Object(map)).unwrap()
    }

    #[test]
    fn an_empty_section_is_valid_and_sends_nothing() {
        let c = NotifyConfig::default();
        assert_eq!(c.validate(), Ok(()));
        assert!(c.mailer().unwrap().is_none());
        assert!(c.webhook().is_none());
        assert_eq!(c.daily_at(), NaiveTime::from_hms_opt(8, 30, 0).unwrap());
    }

    #[test]
    fn a_complete_section_is_valid() {
        let c = config(&[
            ("smtp_url", "smtps://zlc:pa55@mail.example.gov.cn"),
            ("smtp_from", "走流程督办 <noreply@example.gov.cn>"),
            (
                "webhook_url",
                "https://oapi.dingtalk.com/robot/send?access_token=abc",
            ),
            ("webhook_secret", "SECabc"),
            ("webhook_format", "dingtalk"),
            ("daily_at", "07:45"),
        ]);
        assert_eq!(c.validate(), Ok(()));
        assert_eq!(c.daily_at(), NaiveTime::from_hms_opt(7, 45, 0).unwrap());
        assert!(c.mailer().unwrap().is_some());
        assert!(c.webhook().is_some());
    }

    #[test]
    fn dingtalk_without_a_secret_is_allowed() {
        let c = config(&[
            (
                "webhook_url",
                "https://oapi.dingtalk.com/robot/send?access_token=abc",
            ),
            ("webhook_format", "dingtalk"),
        ]);
        assert_eq!(c.validate(), Ok(()));
    }

    #[test]
    fn each_message_names_its_key() {
        let c = config(&[
            ("smtp_url", "http://mail.example.gov.cn"),
            ("webhook_url", "ftp://hooks.example.gov.cn/x"),
            ("daily_at", "8点半"),
        ]);
        let errors = c.validate().unwrap_err();
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(errors[0].starts_with("notify.smtp_url："), "{errors:?}");
        assert!(errors[0].contains("smtp://"), "{errors:?}");
        assert!(errors[1].starts_with("notify.smtp_from："), "{errors:?}");
        assert!(errors[2].starts_with("notify.webhook_url："), "{errors:?}");
        assert!(errors[2].contains("https://"), "{errors:?}");
        assert!(errors[3].starts_with("notify.daily_at："), "{errors:?}");
        assert!(errors[3].contains("8点半"), "{errors:?}");
    }

    #[test]
    fn a_bad_sender_and_a_stray_secret_are_named() {
        let c = config(&[
            ("smtp_url", "smtp://127.0.0.1:25"),
            ("smtp_from", "督办系统"),
            ("webhook_secret", "s3cret"),
        ]);
        let errors = c.validate().unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("notify.smtp_from："), "{errors:?}");
        assert!(
            errors[1].starts_with("notify.webhook_secret："),
            "{errors:?}"
        );
        assert!(!errors.join("").contains("s3cret"), "{errors:?}");
    }

    #[test]
    fn a_wrong_tls_parameter_is_named_and_the_password_never_quoted() {
        let c = config(&[
            (
                "smtp_url",
                "smtp://zlc:pa55word@mail.example.gov.cn?tls=always",
            ),
            ("smtp_from", "noreply@example.gov.cn"),
        ]);
        let errors = c.validate().unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("notify.smtp_url："), "{errors:?}");
        assert!(errors[0].contains("always"), "{errors:?}");
        assert!(!errors[0].contains("pa55word"), "{errors:?}");
    }

    #[test]
    fn a_secret_for_a_wecom_robot_is_refused() {
        let c = config(&[
            (
                "webhook_url",
                "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            ),
            ("webhook_format", "wecom"),
            ("webhook_secret", "s"),
        ]);
        let errors = c.validate().unwrap_err();
        assert!(
            errors[0].starts_with("notify.webhook_secret："),
            "{errors:?}"
        );
    }

    #[test]
    fn unknown_keys_and_formats_are_refused() {
        let unknown: Result<NotifyConfig, _> =
            serde_json::from_value(serde_json::json!({ "smtp_host": "x" }));
        assert!(unknown.is_err());
        let format: Result<NotifyConfig, _> =
            serde_json::from_value(serde_json::json!({ "webhook_format": "feishu" }));
        assert!(format.is_err());
    }

    #[test]
    fn debug_hides_the_password_the_secret_and_the_robot_key() {
        let c = config(&[
            ("smtp_url", "smtps://zlc:pa55word@mail.example.gov.cn:465"),
            ("smtp_from", "noreply@example.gov.cn"),
            (
                "webhook_url",
                "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=robotkey",
            ),
            ("webhook_secret", "s3cret"),
        ]);
        let shown = format!("{c:?}");
        for secret in ["pa55word", "s3cret", "robotkey"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("mail.example.gov.cn"), "{shown}");
        let mailer = format!("{:?}", c.mailer().unwrap().unwrap());
        assert!(!mailer.contains("pa55word"), "{mailer}");
        let webhook = format!("{:?}", c.webhook().unwrap());
        assert!(
            !webhook.contains("s3cret") && !webhook.contains("robotkey"),
            "{webhook}"
        );
    }
}
