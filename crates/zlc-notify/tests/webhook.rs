//! Webhook delivery against a real receiver on loopback: signatures, retries,
//! what is not retried, and the WeCom and DingTalk robots' shapes.

use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use std::time::Duration;
use zlc_notify::testkit::WebhookReceiver;
use zlc_notify::{NotifyError, Retry, Webhook, WebhookFormat, WebhookMessage};

const SECRET: &str = "webhook-test-secret";

fn message() -> WebhookMessage {
    WebhookMessage {
        title: "走流程督办：12月7日待办 2 项（督办 1 项）".to_string(),
        lines: vec![
            "【督办】城关镇｜问题台账销号｜已逾期 3 个工作日".to_string(),
            "【提醒】城关镇｜整改方案报送｜还剩 2 个工作日".to_string(),
        ],
        link: Some("https://zlc.example.gov.cn/problems".to_string()),
    }
}

/// Retries without waiting long: the tests never depend on a duration.
fn quick(attempts: u32) -> Retry {
    Retry {
        attempts,
        first_delay: Duration::from_millis(5),
    }
}

fn closed_port_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    format!("http://127.0.0.1:{port}/hook?key=robot-key")
}

#[tokio::test]
async fn a_signed_json_message_is_delivered_and_verifies() {
    let receiver = WebhookReceiver::start(Some(SECRET.to_string()), 0).await;
    let hook = Webhook::new(receiver.url(), WebhookFormat::Json)
        .with_secret(Some(SECRET.to_string()))
        .with_retry(quick(4));

    let delivered = hook.post(&message()).await.expect("delivered");

    assert_eq!(delivered.attempts, 1);
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let body = &received[0];
    assert_eq!(body["title"], message().title);
    assert_eq!(body["lines"], json!(message().lines));
    assert_eq!(body["link"], "https://zlc.example.gov.cn/problems");
    let sent_at = body["sent_at"].as_str().expect("sent_at is a string");
    assert!(
        chrono::DateTime::parse_from_rfc3339(sent_at).is_ok(),
        "{sent_at}"
    );
}

#[tokio::test]
async fn a_wrong_secret_is_refused_with_401_and_not_retried() {
    let receiver = WebhookReceiver::start(Some(SECRET.to_string()), 0).await;
    let hook = Webhook::new(receiver.url(), WebhookFormat::Json)
        .with_secret(Some("not-the-secret".to_string()))
        .with_retry(quick(4));

    let err = hook.post(&message()).await.expect_err("refused");

    assert!(
        matches!(
            err,
            NotifyError::WebhookStatus {
                status: 401,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(receiver.attempts(), 1);
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn two_server_errors_then_delivered_on_the_third_attempt() {
    let receiver = WebhookReceiver::start(Some(SECRET.to_string()), 2).await;
    let hook = Webhook::new(receiver.url(), WebhookFormat::Json)
        .with_secret(Some(SECRET.to_string()))
        .with_retry(quick(4));

    let delivered = hook.post(&message()).await.expect("delivered");

    assert_eq!(delivered.attempts, 3);
    assert_eq!(receiver.attempts(), 3);
    assert_eq!(receiver.received().len(), 1);
}

#[tokio::test]
async fn failing_every_attempt_names_the_status_and_the_attempts() {
    let receiver = WebhookReceiver::start(None, 100).await;
    let hook = Webhook::new(receiver.url(), WebhookFormat::Json).with_retry(quick(3));

    let err = hook.post(&message()).await.expect_err("never delivered");

    assert!(
        matches!(
            err,
            NotifyError::WebhookStatus {
                status: 500,
                attempts: 3,
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.starts_with("Webhook 回应 HTTP 500（已试 3 次）"),
        "{text}"
    );
    assert_eq!(receiver.attempts(), 3);
}

#[tokio::test]
async fn a_400_is_not_retried() {
    let receiver = WebhookReceiver::answering(400, json!({ "error": "bad request" })).await;
    let hook = Webhook::new(receiver.url(), WebhookFormat::Json).with_retry(quick(4));

    let err = hook.post(&message()).await.expect_err("refused");

    assert_eq!(receiver.attempts(), 1);
    let text = err.to_string();
    assert!(
        text.starts_with("Webhook 回应 HTTP 400（已试 1 次）"),
        "{text}"
    );
}

#[tokio::test]
async fn a_429_is_retried() {
    let receiver = WebhookReceiver::answering(429, json!({ "errcode": 45009 })).await;
    let hook = Webhook::new(receiver.url(), WebhookFormat::Wecom).with_retry(quick(3));

    let err = hook.post(&message()).await.expect_err("throttled");

    assert!(
        matches!(
            err,
            NotifyError::WebhookStatus {
                status: 429,
                attempts: 3,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(receiver.attempts(), 3);
}

#[tokio::test]
async fn an_unreachable_webhook_is_retried_and_its_key_never_shown() {
    let hook = Webhook::new(closed_port_url(), WebhookFormat::Wecom).with_retry(quick(2));

    let err = hook.post(&message()).await.expect_err("unreachable");

    assert!(
        matches!(err, NotifyError::WebhookNetwork { attempts: 2, .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.starts_with("Webhook 无法送达（已试 2 次）"), "{text}");
    assert!(!text.contains("robot-key"), "{text}");
    assert!(!format!("{hook:?}").contains("robot-key"));
}

#[tokio::test]
async fn a_wecom_message_is_markdown_with_the_key_left_in_the_url() {
    let receiver = WebhookReceiver::start(None, 0).await;
    let url = format!("{}?key=robot-key", receiver.url());
    let hook = Webhook::new(url, WebhookFormat::Wecom).with_retry(quick(2));

    hook.post(&message()).await.expect("delivered");

    assert_eq!(receiver.queries(), vec!["key=robot-key".to_string()]);
    let body = &receiver.received()[0];
    assert_eq!(body["msgtype"], "markdown");
    let content = body["markdown"]["content"].as_str().expect("content");
    assert!(content.contains(&message().title), "{content}");
    for line in message().lines {
        assert!(content.contains(&line), "{content}");
    }
    assert!(
        content.contains("(https://zlc.example.gov.cn/problems)"),
        "{content}"
    );
}

#[tokio::test]
async fn a_robot_errcode_is_a_failure_carrying_errmsg_and_not_retried() {
    let receiver = WebhookReceiver::answering(
        200,
        json!({ "errcode": 93000, "errmsg": "invalid webhook url" }),
    )
    .await;
    let hook = Webhook::new(receiver.url(), WebhookFormat::Wecom).with_retry(quick(4));

    let err = hook.post(&message()).await.expect_err("refused");

    assert!(
        matches!(&err, NotifyError::WebhookRefused { errcode: 93000, errmsg } if errmsg == "invalid webhook url"),
        "{err:?}"
    );
    assert!(err.to_string().contains("invalid webhook url"));
    assert_eq!(receiver.attempts(), 1);
}

#[tokio::test]
async fn a_dingtalk_message_is_markdown_signed_in_the_query() {
    let secret = "SEC-dingtalk-test";
    let receiver = WebhookReceiver::start(None, 0).await;
    let url = format!("{}?access_token=tok", receiver.url());
    let hook = Webhook::new(url, WebhookFormat::Dingtalk)
        .with_secret(Some(secret.to_string()))
        .with_retry(quick(2));

    hook.post(&message()).await.expect("delivered");

    let body = &receiver.received()[0];
    assert_eq!(body["msgtype"], "markdown");
    assert_eq!(body["markdown"]["title"], message().title);
    let text = body["markdown"]["text"].as_str().expect("text");
    for line in message().lines {
        assert!(text.contains(&line), "{text}");
    }

    let query = &receiver.queries()[0];
    let parsed = reqwest::Url::parse(&format!("http://x/?{query}")).expect("a query");
    let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
    let names: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["access_token", "timestamp", "sign"]);
    let timestamp = &pairs[1].1;
    assert!(timestamp.parse::<i64>().is_ok(), "{timestamp}");
    // DingTalk's recipe, recomputed here rather than through the crate.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(format!("{timestamp}\n{secret}").as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(pairs[2].1, expected);
    // The base64's '+', '/' and '=' travel percent-encoded.
    assert!(!query.contains('+') && !query.contains('/'), "{query}");
}

#[tokio::test]
async fn dingtalk_without_a_secret_sends_no_signature() {
    let receiver = WebhookReceiver::start(None, 0).await;
    let url = format!("{}?access_token=tok", receiver.url());
    let hook = Webhook::new(url, WebhookFormat::Dingtalk).with_retry(quick(2));

    hook.post(&message()).await.expect("delivered");

    assert_eq!(receiver.queries(), vec!["access_token=tok".to_string()]);
}
