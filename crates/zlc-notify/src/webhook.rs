//! Webhook 推送 messages to a URL: our own signed JSON, or a WeCom or DingTalk
//! group robot's markdown.

use crate::config::redact_url;
use crate::error::NotifyError;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::time::Duration;

type HmacSha256 = Hmac<Sha256>;

/// The header carrying the unix time (seconds) of a `json` message's attempt.
pub const TIMESTAMP_HEADER: &str = "X-Zlc-Timestamp";
/// The header carrying `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
pub const SIGNATURE_HEADER: &str = "X-Zlc-Signature";

/// WeCom's limit on a markdown message's content, in bytes.
const WECOM_MAX_BYTES: usize = 4096;
/// DingTalk does not state one; its robots refuse messages near 20,000 bytes.
const DINGTALK_MAX_BYTES: usize = 18_000;
/// How much of a refusing answer's body an error quotes, in characters.
const ANSWER_QUOTED_CHARS: usize = 200;
/// How long one attempt may take, connect to answer.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);

/// Webhook 格式 what the receiving end expects.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebhookFormat {
    /// Our own JSON, signed with `X-Zlc-Signature` when a secret is set.
    #[default]
    Json,
    /// 企业微信群机器人: markdown, the robot's key in the URL.
    Wecom,
    /// 钉钉群机器人: markdown, 加签 in the query when a secret is set.
    Dingtalk,
}

/// 推送消息 one message: a title, its lines, and where to read more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookMessage {
    pub title: String,
    pub lines: Vec<String>,
    /// An absolute URL (a group robot cannot follow a path).
    pub link: Option<String>,
}

/// 重试 how often a message is tried when the far end may recover: network
/// errors, HTTP 5xx and 429. The delay doubles after each attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    pub attempts: u32,
    pub first_delay: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 4,
            first_delay: Duration::from_secs(2),
        }
    }
}

/// 已送达 a message the far end accepted, after so many attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    pub attempts: u32,
}

/// Webhook 推送目标 one URL, its format, the secret that signs for it.
#[derive(Clone)]
pub struct Webhook {
    url: String,
    secret: Option<String>,
    format: WebhookFormat,
    retry: Retry,
    timeout: Duration,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &redact_url(&self.url))
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .field("format", &self.format)
            .field("retry", &self.retry)
            .finish()
    }
}

impl Webhook {
    pub fn new(url: impl Into<String>, format: WebhookFormat) -> Webhook {
        Webhook {
            url: url.into(),
            secret: None,
            format,
            retry: Retry::default(),
            timeout: ATTEMPT_TIMEOUT,
        }
    }

    /// Signs `json` messages and DingTalk's requests with `secret`.
    pub fn with_secret(mut self, secret: Option<String>) -> Webhook {
        self.secret = secret;
        self
    }

    pub fn with_retry(mut self, retry: Retry) -> Webhook {
        self.retry = retry;
        self
    }

    /// How long one attempt may take (20 s unless set).
    pub fn with_timeout(mut self, timeout: Duration) -> Webhook {
        self.timeout = timeout;
        self
    }

    pub fn format(&self) -> WebhookFormat {
        self.format
    }

    /// Posts `msg`, retrying what may pass later (network errors, 5xx, 429)
    /// with a doubling delay, `retry.attempts` times in all (at least once);
    /// a 4xx or a robot's `errcode` other than 0 ends at once.
    pub async fn post(&self, msg: &WebhookMessage) -> Result<Delivered, NotifyError> {
        let url = reqwest::Url::parse(&self.url)
            .map_err(|_| NotifyError::WebhookUrl("不是有效的地址".to_string()))?;
        // Built once: a `json` receiver can tell a retry by its equal body.
        let body = self.body(msg).to_string().into_bytes();
        let client = reqwest::Client::builder()
            .timeout(self.timeout)
            // A robot's URL does not move; a redirect would lose the POST.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(NotifyError::WebhookClient)?;
        let attempts = self.retry.attempts.max(1);
        let mut delay = self.retry.first_delay;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.attempt(&client, url.clone(), &body, attempt).await {
                Ok(()) => {
                    tracing::info!(format = ?self.format, attempt, "webhook delivered");
                    return Ok(Delivered { attempts: attempt });
                }
                Err(Failure::Final(e)) => {
                    tracing::warn!(format = ?self.format, attempt, error = %e, "webhook refused");
                    return Err(e);
                }
                Err(Failure::Again(e)) => {
                    tracing::warn!(format = ?self.format, attempt, of = attempts, error = %e, "webhook attempt failed");
                    if attempt >= attempts {
                        return Err(e);
                    }
                    tokio::time::sleep(delay).await;
                    delay = delay.saturating_mul(2);
                }
            }
        }
    }

    /// The body for the format, without the per-attempt signature.
    fn body(&self, msg: &WebhookMessage) -> serde_json::Value {
        match self.format {
            WebhookFormat::Json => serde_json::json!({
                "title": msg.title,
                "lines": msg.lines,
                "link": msg.link,
                "sent_at": chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            }),
            WebhookFormat::Wecom => serde_json::json!({
                "msgtype": "markdown",
                "markdown": { "content": markdown(msg, WECOM_MAX_BYTES) },
            }),
            WebhookFormat::Dingtalk => serde_json::json!({
                "msgtype": "markdown",
                "markdown": { "title": msg.title, "text": markdown(msg, DINGTALK_MAX_BYTES) },
            }),
        }
    }

    /// Attempt number `n`, signed at this moment.
    async fn attempt(
        &self,
        client: &reqwest::Client,
        mut url: reqwest::Url,
        body: &[u8],
        n: u32,
    ) -> Result<(), Failure> {
        let now = chrono::Utc::now();
        if let (WebhookFormat::Dingtalk, Some(secret)) = (self.format, self.secret.as_deref()) {
            let ms = now.timestamp_millis();
            url.query_pairs_mut()
                .append_pair("timestamp", &ms.to_string())
                .append_pair("sign", &dingtalk_sign(secret, ms));
        }
        let mut request = client.post(url).header(
            reqwest::header::CONTENT_TYPE,
            "application/json; charset=utf-8",
        );
        if self.format == WebhookFormat::Json {
            let ts = now.timestamp();
            request = request.header(TIMESTAMP_HEADER, ts.to_string());
            if let Some(secret) = self.secret.as_deref() {
                request = request.header(SIGNATURE_HEADER, sign(secret, ts, body));
            }
        }
        // `without_url`: the URL may hold a robot's key or DingTalk's sign.
        let network = |e: reqwest::Error| {
            Failure::Again(NotifyError::WebhookNetwork {
                attempts: n,
                source: e.without_url(),
            })
        };
        let answer = request.body(body.to_vec()).send().await.map_err(network)?;
        let status = answer.status();
        let text = answer.text().await.map_err(network)?;
        if status.is_success() {
            return match self.format {
                WebhookFormat::Json => Ok(()),
                WebhookFormat::Wecom | WebhookFormat::Dingtalk => robot_answer(&text),
            };
        }
        let e = NotifyError::WebhookStatus {
            status: status.as_u16(),
            attempts: n,
            body: text.chars().take(ANSWER_QUOTED_CHARS).collect(),
        };
        if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            Err(Failure::Again(e))
        } else {
            Err(Failure::Final(e))
        }
    }
}

/// One attempt's failure: worth another try, or not.
enum Failure {
    Again(NotifyError),
    Final(NotifyError),
}

/// A WeCom or DingTalk answer: `{"errcode":0,"errmsg":"ok"}` when accepted.
#[derive(Deserialize)]
struct RobotAnswer {
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

fn robot_answer(text: &str) -> Result<(), Failure> {
    let answer: RobotAnswer =
        serde_json::from_str(text).map_err(|e| Failure::Final(NotifyError::WebhookAnswer(e)))?;
    if answer.errcode == 0 {
        Ok(())
    } else {
        Err(Failure::Final(NotifyError::WebhookRefused {
            errcode: answer.errcode,
            errmsg: answer.errmsg,
        }))
    }
}

/// The message as robot markdown: a heading, one list item a line, the link;
/// lines that would pass `max_bytes` are left out and counted.
fn markdown(msg: &WebhookMessage, max_bytes: usize) -> String {
    let head = format!("### {}\n\n", msg.title.trim());
    let tail = match msg.link.as_deref().filter(|l| !l.trim().is_empty()) {
        Some(link) => format!("\n[查看详情]({})", link.trim()),
        None => String::new(),
    };
    // Room for "- …另有 NNNN 条未列出\n".
    let reserve = 48;
    let mut out = head;
    let mut listed = 0;
    for line in &msg.lines {
        let item = format!("- {}\n", line.trim());
        if out.len() + item.len() + tail.len() + reserve > max_bytes {
            break;
        }
        out.push_str(&item);
        listed += 1;
    }
    if listed < msg.lines.len() {
        out.push_str(&format!("- …另有 {} 条未列出\n", msg.lines.len() - listed));
    }
    out.push_str(&tail);
    out
}

fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC takes a key of any length: this cannot fail.
    <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes a key of any length")
}

/// The `X-Zlc-Signature` value of a `json` message:
/// `sha256=<lowercase hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut m = mac(secret.as_bytes());
    m.update(timestamp.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    format!("sha256={}", hex::encode(m.finalize().into_bytes()))
}

/// Whether `header_value` is the signature of `body` sent at `timestamp`,
/// compared in constant time. A receiver should also refuse a timestamp far
/// from its own clock, so that a recorded message cannot be replayed.
pub fn verify(secret: &str, timestamp: i64, body: &[u8], header_value: &str) -> bool {
    let Some(hex_mac) = header_value.trim().strip_prefix("sha256=") else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_mac) else {
        return false;
    };
    let mut m = mac(secret.as_bytes());
    m.update(timestamp.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    m.verify_slice(&expected).is_ok()
}

/// DingTalk's 加签: base64 of HMAC-SHA256(secret, `"<ms>\n<secret>"`), before
/// the URL encoding the query adds.
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    let mut m = mac(secret.as_bytes());
    m.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(m.finalize().into_bytes())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test reports failure
mod tests {
    use super::*;

    fn message(lines: usize) -> WebhookMessage {
        WebhookMessage {
            title: "督办提醒".to_string(),
            lines: (0..lines)
                .map(|i| format!("城关镇｜问题整改第 {i} 项｜已逾期 3 个工作日"))
                .collect(),
            link: Some("https://zlc.example.gov.cn/problems".to_string()),
        }
    }

    #[test]
    fn markdown_keeps_within_the_robots_limit_and_counts_the_rest() {
        let text = markdown(&message(500), WECOM_MAX_BYTES);
        assert!(text.len() <= WECOM_MAX_BYTES, "{}", text.len());
        assert!(text.starts_with("### 督办提醒\n\n- 城关镇｜问题整改第 0 项"));
        assert!(text.contains("条未列出"), "{text}");
        assert!(text.ends_with("[查看详情](https://zlc.example.gov.cn/problems)"));

        let short = markdown(&message(2), WECOM_MAX_BYTES);
        assert!(!short.contains("未列出"), "{short}");
    }

    #[test]
    fn a_message_shape_per_format() {
        let m = message(1);
        let json = Webhook::new("http://x", WebhookFormat::Json).body(&m);
        assert_eq!(json["title"], "督办提醒");
        assert_eq!(json["lines"][0], m.lines[0]);
        assert!(chrono::DateTime::parse_from_rfc3339(json["sent_at"].as_str().unwrap()).is_ok());
        let wecom = Webhook::new("http://x", WebhookFormat::Wecom).body(&m);
        assert_eq!(wecom["msgtype"], "markdown");
        assert!(
            wecom["markdown"]["content"]
                .as_str()
                .unwrap()
                .contains("督办提醒")
        );
        let ding = Webhook::new("http://x", WebhookFormat::Dingtalk).body(&m);
        assert_eq!(ding["markdown"]["title"], "督办提醒");
    }
}
