//! 投递错误 why a mail or a webhook message did not go out.

/// 通知投递错误 the failures of delivery, each with a Chinese message for the
/// operator and its cause kept as the source. No message carries a password,
/// a signing secret or a webhook URL (whose query may hold the robot's key).
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The `[notify]` settings are not usable (see `NotifyConfig::validate`).
    #[error("通知配置有误：{0}")]
    Config(String),
    /// `notify.smtp_url` is not a URL lettre can connect with.
    #[error("邮件服务器地址（notify.smtp_url）无效：{0}")]
    SmtpUrl(#[source] lettre::transport::smtp::Error),
    /// A sender or recipient address that is not an e-mail address.
    #[error("邮件地址「{addr}」无效：{source}")]
    Address {
        addr: String,
        #[source]
        source: lettre::address::AddressError,
    },
    /// The message could not be put together (a header lettre refuses).
    #[error("邮件无法生成：{0}")]
    Message(#[source] lettre::error::Error),
    /// The server answered with a 4xx or 5xx reply code.
    #[error("邮件服务器拒绝：{0}")]
    SmtpRejected(#[source] lettre::transport::smtp::Error),
    /// The server could not be reached, timed out, or broke the TLS handshake.
    #[error("无法连接邮件服务器：{0}")]
    SmtpUnreachable(#[source] lettre::transport::smtp::Error),
    /// The HTTP client could not be set up (its TLS roots, say).
    #[error("无法建立 HTTP 客户端：{0}")]
    WebhookClient(#[source] reqwest::Error),
    /// The webhook URL does not parse (checked again at send time).
    #[error("Webhook 地址无效：{0}")]
    WebhookUrl(String),
    /// The webhook answered a status other than 2xx: at once for a 4xx, after
    /// the last attempt for a 5xx or 429.
    #[error("Webhook 回应 HTTP {status}（已试 {attempts} 次）{}", brief(.body))]
    WebhookStatus {
        status: u16,
        attempts: u32,
        /// The beginning of the answer's body, for the operator.
        body: String,
    },
    /// The webhook could not be reached (connection, TLS, timeout).
    #[error("Webhook 无法送达（已试 {attempts} 次）：{source}")]
    WebhookNetwork {
        attempts: u32,
        #[source]
        source: reqwest::Error,
    },
    /// A WeCom or DingTalk robot answered `errcode` other than 0.
    #[error("Webhook 拒绝了消息：errcode {errcode}，{errmsg}")]
    WebhookRefused { errcode: i64, errmsg: String },
    /// A WeCom or DingTalk robot's answer is not the JSON it documents.
    #[error("Webhook 回应无法识别：{0}")]
    WebhookAnswer(#[source] serde_json::Error),
}

/// `：body` when the answer said something, else nothing.
fn brief(body: &str) -> String {
    if body.trim().is_empty() {
        String::new()
    } else {
        format!("：{}", body.trim())
    }
}
