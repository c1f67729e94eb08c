//! zlc-notify: 督办通知的投递 — reminders delivered by e-mail (one digest per
//! person per day, over SMTP) and by webhook (our signed JSON, or a WeCom or
//! DingTalk group robot's markdown).
//!
//! What is due, and for whom, is decided elsewhere; this crate only renders
//! and delivers, retrying a webhook that may recover. No password, signing
//! secret or robot key appears in a message, a log line or `Debug` output.
//!
//! Dependencies, each for one reason:
//! - `lettre`: an SMTP client over tokio with rustls (no OpenSSL), which also
//!   encodes Chinese headers (RFC 2047) and bodies correctly.
//! - `reqwest` (rustls): the webhook's HTTPS client, already in the workspace.
//! - `hmac`, `sha2`: the HMAC-SHA256 of our signature and of DingTalk's 加签.
//! - `hex`, `base64`: our signature is hex, DingTalk's base64.
//! - `serde`, `serde_json`: the `[notify]` settings and the webhook bodies.
//! - `chrono`: the digest's dates and the time of day it is sent.
//! - `tokio`: the delay between webhook attempts.
//! - `thiserror`, `tracing`: the error type and the log of each attempt.
//! - `axum` (feature `testkit` only): the webhook receiver tests start.

pub mod config;
pub mod digest;
pub mod error;
pub mod mail;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod webhook;

pub use config::NotifyConfig;
pub use digest::{Digest, DigestEntry, Notice};
pub use error::NotifyError;
pub use mail::Mailer;
pub use webhook::{
    Delivered, Retry, Webhook, WebhookFormat, WebhookMessage, dingtalk_sign, sign, verify,
};
