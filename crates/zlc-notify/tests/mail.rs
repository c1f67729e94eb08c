//! Mail through a real SMTP server on loopback (aiosmtpd, see the testkit).

use chrono::NaiveDate;
use std::time::Duration;
use zlc_notify::testkit::SmtpSink;
use zlc_notify::{Digest, DigestEntry, Mailer, NotifyError};

const FROM: &str = "走流程督办 <noreply@example.gov.cn>";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

fn digest() -> Digest {
    let entry = |rung: &str, title: &str, detail: &str| DigestEntry {
        rung: rung.to_string(),
        title: title.to_string(),
        unit: "城关镇人民政府".to_string(),
        due: Some(day(2024, 10, 8)),
        detail: detail.to_string(),
        link: Some("https://zlc.example.gov.cn/problems/7".to_string()),
    };
    Digest {
        day: day(2024, 12, 7),
        to_name: "张三".to_string(),
        entries: vec![
            entry("提醒", "整改方案报送", "还剩 2 个工作日"),
            entry(
                "督办",
                "问题台账销号（“形式主义”专项）",
                "已逾期 3 个工作日",
            ),
            entry("催办", "走访记录补录", "还剩 0 个工作日"),
            entry("催办", "月度小结：基层减负情况", "已逾期 1 个工作日"),
        ],
    }
}

#[tokio::test]
async fn a_chinese_digest_arrives_once_with_subject_and_body_intact() {
    let sink = SmtpSink::start();
    let mailer = Mailer::new(&sink.url(), FROM).expect("a mailer");
    let digest = digest();

    mailer
        .send_digest("zhangsan@example.gov.cn", &digest)
        .await
        .expect("sent");

    let (subject, body) = digest.render();
    let mails = sink.messages();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].to, vec!["zhangsan@example.gov.cn".to_string()]);
    assert_eq!(mails[0].subject, subject);
    assert_eq!(
        mails[0].subject,
        "走流程督办：12月7日待办 4 项（督办 1 项，催办 2 项）"
    );
    assert_eq!(mails[0].body, body);
    assert!(mails[0].body.contains("问题台账销号（“形式主义”专项）"));
}

#[tokio::test]
async fn a_long_line_and_a_bare_address_arrive_intact() {
    let sink = SmtpSink::start();
    let mailer = Mailer::new(&sink.url(), "noreply@example.gov.cn").expect("a mailer");
    let subject = "关于进一步整治形式主义为基层减负若干措施落实情况的督办通知（第二批）".repeat(2);
    let text = format!("{}\n第二行", "基层减负".repeat(60));

    mailer
        .send("", "lisi@example.gov.cn", &subject, &text)
        .await
        .expect("sent");

    let mails = sink.messages();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].subject, subject);
    assert_eq!(mails[0].body.trim_end_matches('\n'), text);
}

#[tokio::test]
async fn a_closed_port_fails_in_chinese_within_the_timeout() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let mailer = Mailer::with_timeout(
        &format!("smtp://zlc:pa55word@127.0.0.1:{port}"),
        FROM,
        Duration::from_secs(2),
    )
    .expect("a mailer");

    let err = mailer
        .send("张三", "zhangsan@example.gov.cn", "主题", "正文")
        .await
        .expect_err("nothing listens there");

    assert!(matches!(err, NotifyError::SmtpUnreachable(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.starts_with("无法连接邮件服务器"), "{text}");
    assert!(!text.contains("pa55word"), "{text}");
}

#[tokio::test]
async fn an_invalid_recipient_is_named_and_nothing_is_sent() {
    let sink = SmtpSink::start();
    let mailer = Mailer::new(&sink.url(), FROM).expect("a mailer");

    let err = mailer
        .send("张三", "张三@", "主题", "正文")
        .await
        .expect_err("not an address");

    assert!(err.to_string().contains("「张三@」"), "{err}");
    assert!(sink.messages().is_empty());
}
