//! 测试工具 real servers on loopback for the tests of this crate and of those
//! that send through it: an SMTP server keeping what it receives
//! ([`SmtpSink`], Python's aiosmtpd) and a webhook receiver
//! ([`WebhookReceiver`], axum). Behind the `testkit` feature.
//!
//! A failure to start is a panic: it is how a test reports it.

use crate::webhook::{SIGNATURE_HEADER, TIMESTAMP_HEADER, verify};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long aiosmtpd may take to listen (a cold Python start on a busy machine).
const SMTP_START_TIMEOUT: Duration = Duration::from_secs(30);

/// Reads the Maildir with Python's own `email` package: the subject decoded
/// from its encoded words, the body from its transfer encoding and charset.
/// Messages in the order they arrived (seconds, then microseconds of the name).
const READ_MAILDIR: &str = r#"
import email, email.policy, json, mailbox, re, sys
box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
def order(key):
    parts = key.split(".")
    micro = re.search(r"M(\d+)", parts[1]) if len(parts) > 1 else None
    return (int(parts[0]) if parts[0].isdigit() else 0, int(micro.group(1)) if micro else 0, key)
out = []
for key in sorted(box.keys(), key=order):
    with box.get_file(key) as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    part = m.get_body(preferencelist=("plain",)) or m
    out.append({
        "to": [a.strip() for a in str(m.get("X-RcptTo", "")).split(",") if a.strip()],
        "subject": str(m.get("Subject", "")),
        "body": part.get_content(),
    })
json.dump(out, sys.stdout, ensure_ascii=False)
"#;

/// 收到的邮件 one mail the sink received.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ReceivedMail {
    /// The envelope's recipients (RCPT TO).
    pub to: Vec<String>,
    /// Decoded from its encoded words.
    pub subject: String,
    /// Decoded, line ends as `\n`.
    pub body: String,
}

/// 邮件接收端 a real SMTP server on loopback (aiosmtpd) keeping every mail in
/// a Maildir. Stopped when dropped.
pub struct SmtpSink {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
}

impl SmtpSink {
    /// Starts aiosmtpd on a free port of 127.0.0.1 and waits until it accepts
    /// connections.
    pub fn start() -> SmtpSink {
        let has_aiosmtpd = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            has_aiosmtpd,
            "邮件测试需要 Python 的 aiosmtpd：请运行 python3 -m pip install aiosmtpd（scripts/test.sh 会自动安装）"
        );
        let dir = unique_dir("zlc-smtp-sink");
        std::fs::create_dir_all(&dir).expect("create the sink's directory");
        // Another process may take the free port before aiosmtpd binds it:
        // then aiosmtpd exits and another port is tried.
        let mut last_error = String::new();
        for _ in 0..3 {
            let port = free_port();
            let stderr_path = dir.join("aiosmtpd.stderr");
            let stderr =
                std::fs::File::create(&stderr_path).expect("create aiosmtpd's stderr file");
            let mut child = Command::new("python3")
                .args(["-m", "aiosmtpd", "-n", "-l"])
                .arg(format!("127.0.0.1:{port}"))
                .args(["-c", "aiosmtpd.handlers.Mailbox"])
                .arg(dir.join("maildir"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(stderr)
                .spawn()
                .expect("start python3 -m aiosmtpd");
            let deadline = Instant::now() + SMTP_START_TIMEOUT;
            loop {
                if let Ok(Some(status)) = child.try_wait() {
                    last_error = format!(
                        "aiosmtpd 退出（{status}）：{}",
                        std::fs::read_to_string(&stderr_path).unwrap_or_default()
                    );
                    break;
                }
                let addr = SocketAddr::from(([127, 0, 0, 1], port));
                if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                    return SmtpSink {
                        child: Some(child),
                        port,
                        dir,
                    };
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    last_error =
                        format!("aiosmtpd 在 {SMTP_START_TIMEOUT:?} 内未开始监听端口 {port}");
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        panic!("无法启动测试用邮件服务器：{last_error}");
    }

    /// `smtp://127.0.0.1:PORT`, no TLS, no authentication.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every mail received so far, in the order received.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        let maildir = self.dir.join("maildir");
        if !maildir.join("new").exists() {
            return Vec::new();
        }
        let out = Command::new("python3")
            .args(["-c", READ_MAILDIR])
            .arg(&maildir)
            .output()
            .expect("run python3 to read the Maildir");
        assert!(
            out.status.success(),
            "读取 Maildir 失败：{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut mails: Vec<ReceivedMail> =
            serde_json::from_slice(&out.stdout).expect("the Maildir reader prints JSON");
        for m in &mut mails {
            m.body = m.body.replace("\r\n", "\n");
        }
        mails
    }

    /// Stops the server; the mails stay readable until the sink is dropped.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a free port on 127.0.0.1")
        .port()
}

fn unique_dir(prefix: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    std::env::temp_dir().join(format!(
        "{prefix}-{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Webhook 接收端 a real HTTP server on loopback taking the messages a
/// [`crate::Webhook`] posts. Stopped when dropped.
pub struct WebhookReceiver {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

struct Shared {
    secret: Option<String>,
    fail_first: u32,
    /// When set, every request after the failures is answered so.
    fixed: Option<(StatusCode, Value)>,
    attempts: AtomicU32,
    accepted: Mutex<Vec<(Option<String>, Value)>>,
}

impl WebhookReceiver {
    /// Answers HTTP 500 to the first `fail_first` requests; then, when
    /// `secret` is set, 401 to a request whose `X-Zlc-Signature` does not
    /// verify; records every other body and answers 200
    /// `{"errcode":0,"errmsg":"ok"}` (what the group robots answer too).
    pub async fn start(secret: Option<String>, fail_first: u32) -> WebhookReceiver {
        WebhookReceiver::serve(Shared {
            secret,
            fail_first,
            fixed: None,
            attempts: AtomicU32::new(0),
            accepted: Mutex::new(Vec::new()),
        })
        .await
    }

    /// Answers every request with `status` and the JSON `answer`, recording
    /// nothing: a receiver that refuses (400) or a robot that says errcode≠0.
    pub async fn answering(status: u16, answer: Value) -> WebhookReceiver {
        let status = StatusCode::from_u16(status).expect("an HTTP status code");
        WebhookReceiver::serve(Shared {
            secret: None,
            fail_first: 0,
            fixed: Some((status, answer)),
            attempts: AtomicU32::new(0),
            accepted: Mutex::new(Vec::new()),
        })
        .await
    }

    async fn serve(shared: Shared) -> WebhookReceiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("the receiver's address");
        let shared = Arc::new(shared);
        let app = axum::Router::new()
            .fallback(receive)
            .with_state(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        WebhookReceiver { addr, shared, task }
    }

    /// `http://127.0.0.1:PORT/hook`; any path and query reach the receiver.
    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    /// The bodies accepted, in order.
    pub fn received(&self) -> Vec<Value> {
        self.accepted().into_iter().map(|(_, body)| body).collect()
    }

    /// The query strings of the accepted requests ("" when none), in order.
    pub fn queries(&self) -> Vec<String> {
        self.accepted()
            .into_iter()
            .map(|(query, _)| query.unwrap_or_default())
            .collect()
    }

    /// Every request, refused or accepted.
    pub fn attempts(&self) -> u32 {
        self.shared.attempts.load(Ordering::SeqCst)
    }

    fn accepted(&self) -> Vec<(Option<String>, Value)> {
        self.shared
            .accepted
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, axum::Json<Value>) {
    let n = shared.attempts.fetch_add(1, Ordering::SeqCst) + 1;
    if n <= shared.fail_first {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            axum::Json(json!({ "errcode": -1, "errmsg": "测试：模拟服务器故障" })),
        );
    }
    if let Some((status, answer)) = &shared.fixed {
        return (*status, axum::Json(answer.clone()));
    }
    if let Some(secret) = &shared.secret {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let timestamp = header(TIMESTAMP_HEADER).and_then(|t| t.parse::<i64>().ok());
        let signed = match (timestamp, header(SIGNATURE_HEADER)) {
            (Some(ts), Some(signature)) => verify(secret, ts, &body, signature),
            _ => false,
        };
        if !signed {
            return (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({ "errcode": 401, "errmsg": "签名无效" })),
            );
        }
    }
    let Ok(value) = serde_json::from_slice::<Value>(&body) else {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({ "errcode": 400, "errmsg": "不是 JSON" })),
        );
    };
    shared
        .accepted
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push((query, value));
    (
        StatusCode::OK,
        axum::Json(json!({ "errcode": 0, "errmsg": "ok" })),
    )
}
