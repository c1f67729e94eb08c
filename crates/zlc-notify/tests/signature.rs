//! The signatures receivers check: ours (`X-Zlc-Signature`) and DingTalk's
//! 加签, against vectors computed independently with Python's `hmac`.

use zlc_notify::{dingtalk_sign, sign, verify};

const SECRET: &str = "zlc-test-secret";
const TIMESTAMP: i64 = 1_733_531_400;
const BODY: &str = r#"{"title":"督办提醒","lines":["城关镇｜问题整改｜已逾期 3 个工作日"]}"#;
/// python3 -c 'import hmac,hashlib; print("sha256="+hmac.new(b"zlc-test-secret",
///   b"1733531400."+BODY.encode(), hashlib.sha256).hexdigest())'
const EXPECTED: &str = "sha256=92ffec1963d43c411153b8c2590741712d01afab33a2bcc51c0361a33da9253c";

#[test]
fn the_signature_matches_an_independent_computation() {
    assert_eq!(sign(SECRET, TIMESTAMP, BODY.as_bytes()), EXPECTED);
    assert!(verify(SECRET, TIMESTAMP, BODY.as_bytes(), EXPECTED));
}

#[test]
fn a_tampered_body_a_wrong_secret_or_timestamp_does_not_verify() {
    let tampered = BODY.replace('3', "4");
    assert!(!verify(SECRET, TIMESTAMP, tampered.as_bytes(), EXPECTED));
    assert!(!verify(
        "another-secret",
        TIMESTAMP,
        BODY.as_bytes(),
        EXPECTED
    ));
    assert!(!verify(SECRET, TIMESTAMP + 1, BODY.as_bytes(), EXPECTED));
}

#[test]
fn a_malformed_header_does_not_verify() {
    let bare_hex = EXPECTED.trim_start_matches("sha256=");
    assert!(!verify(SECRET, TIMESTAMP, BODY.as_bytes(), bare_hex));
    assert!(!verify(
        SECRET,
        TIMESTAMP,
        BODY.as_bytes(),
        "sha256=not-hex"
    ));
    assert!(!verify(SECRET, TIMESTAMP, BODY.as_bytes(), "sha256="));
    assert!(!verify(
        SECRET,
        TIMESTAMP,
        BODY.as_bytes(),
        &EXPECTED[..EXPECTED.len() - 2]
    ));
}

#[test]
fn dingtalk_signing_matches_its_documented_recipe() {
    // python3: base64.b64encode(hmac.new(s, f"{ms}\n{s}", sha256).digest())
    assert_eq!(
        dingtalk_sign("SEC0123456789abcdef", 1_733_531_400_123),
        "+4lWOfHJOmY8+OiEMy1JkYek5bM+OYxMQsoG4FPAGeo="
    );
}
