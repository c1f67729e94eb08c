//! 邮件发送 plain-text mail through an SMTP server.

use crate::config::redact_url;
use crate::digest::Digest;
use crate::error::NotifyError;
use lettre::message::{Mailbox, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// How long one SMTP conversation may wait for the server (connect, then each
/// reply) before the send fails.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// 邮件发送器 one SMTP server and the sender the mails come from. A new
/// connection per mail: the digests go out once a day.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The server's URL with its password hidden, for logs and Debug.
    server: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("server", &self.server)
            .field("from", &self.from.to_string())
            .finish()
    }
}

impl Mailer {
    /// A mailer for `url` (`smtp://…` or `smtps://…`, see
    /// `NotifyConfig::smtp_url`) sending as `from`, with the default timeout.
    pub fn new(url: &str, from: &str) -> Result<Mailer, NotifyError> {
        Mailer::with_timeout(url, from, DEFAULT_TIMEOUT)
    }

    /// As `new`, waiting at most `timeout` for each step of the conversation.
    pub fn with_timeout(url: &str, from: &str, timeout: Duration) -> Result<Mailer, NotifyError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(NotifyError::SmtpUrl)?
            .timeout(Some(timeout))
            .build();
        Ok(Mailer {
            transport,
            from: mailbox(None, from)?,
            server: redact_url(url),
        })
    }

    /// Sends one UTF-8 plain-text mail to `to_name <to_addr>`. The subject
    /// and the name are encoded words (RFC 2047), the body quoted-printable
    /// or base64 as lettre finds shorter, so Chinese arrives intact.
    pub async fn send(
        &self,
        to_name: &str,
        to_addr: &str,
        subject: &str,
        text: &str,
    ) -> Result<(), NotifyError> {
        let name = Some(to_name.trim().to_string()).filter(|n| !n.is_empty());
        let message = Message::builder()
            .from(self.from.clone())
            .to(mailbox(name, to_addr)?)
            .subject(subject)
            .message_id(None)
            .singlepart(SinglePart::plain(text.to_string()))
            .map_err(NotifyError::Message)?;
        match self.transport.send(message).await {
            Ok(answer) => {
                tracing::info!(
                    server = %self.server,
                    code = %answer.code(),
                    "mail sent"
                );
                Ok(())
            }
            Err(e) => {
                tracing::warn!(server = %self.server, error = %e, "mail not sent");
                if e.is_permanent() || e.is_transient() {
                    Err(NotifyError::SmtpRejected(e))
                } else {
                    Err(NotifyError::SmtpUnreachable(e))
                }
            }
        }
    }

    /// Sends `notice` to its person at `to_addr`.
    pub async fn send_notice(
        &self,
        to_addr: &str,
        notice: &crate::Notice,
    ) -> Result<(), NotifyError> {
        let (subject, body) = notice.render();
        self.send(&notice.to_name, to_addr, &subject, &body).await
    }

    /// Sends `digest` to its person at `to_addr`.
    pub async fn send_digest(&self, to_addr: &str, digest: &Digest) -> Result<(), NotifyError> {
        let (subject, body) = digest.render();
        self.send(&digest.to_name, to_addr, &subject, &body).await
    }
}

/// `addr` (which may be `名字 <addr>`) as a mailbox, `name` replacing its name.
fn mailbox(name: Option<String>, addr: &str) -> Result<Mailbox, NotifyError> {
    let parsed: Mailbox = addr.trim().parse().map_err(|source| NotifyError::Address {
        addr: addr.to_string(),
        source,
    })?;
    Ok(match name {
        Some(name) => Mailbox::new(Some(name), parsed.email),
        None => parsed,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is how a test reports failure
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_invalid_recipient_is_named_in_chinese() {
        let mailer = Mailer::new("smtp://127.0.0.1:1", "督办 <noreply@example.gov.cn>").unwrap();
        let err = mailer
            .send("张三", "zhangsan-at-example", "主题", "正文")
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("邮件地址「zhangsan-at-example」无效"),
            "{text}"
        );
    }

    #[test]
    fn an_invalid_sender_and_url_are_refused() {
        let err = Mailer::new("smtp://127.0.0.1:25", "督办系统").unwrap_err();
        assert!(err.to_string().contains("「督办系统」"), "{err}");
        let err = Mailer::new("imap://127.0.0.1", "noreply@example.gov.cn").unwrap_err();
        assert!(err.to_string().starts_with("邮件服务器地址"), "{err}");
    }
}
