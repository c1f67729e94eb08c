//! Cryptography with the national standards: SM3 for hashing (audit chain,
//! token digests) and SM4-GCM for personal data at rest.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{AesGcm, Nonce};
use sm3::{Digest, Sm3};
use sm4::Sm4;
use sm4::cipher::consts::U12;

/// SM4 in Galois/Counter mode: authenticated, so a tampered value fails to open.
type Sm4Gcm = AesGcm<Sm4, U12>;

const PREFIX: &str = "sm4gcm1:";

/// Errors of key handling and decryption.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("数据密钥格式错误：应为 32 位十六进制字符（16 字节 SM4 密钥）")]
    BadKey,
    #[error("加密数据已损坏或密钥不匹配")]
    Corrupt,
    #[error("无法获取随机数：{0}")]
    Random(String),
}

/// 个人信息加密 encrypts and decrypts personal fields (phones, names of citizens
/// called back) with one SM4 key.
#[derive(Clone)]
pub struct FieldCipher {
    cipher: Sm4Gcm,
    /// The audit key (HMAC-SM3), derived from the data key and, like it,
    /// kept outside the database: it chains the audit entries and seals
    /// their checkpoints.
    mac_key: [u8; 32],
}

impl std::fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FieldCipher(..)")
    }
}

impl FieldCipher {
    /// A cipher from a 16-byte key written as 32 hex characters.
    pub fn from_hex(key_hex: &str) -> Result<Self, CryptoError> {
        let key = from_hex(key_hex.trim()).ok_or(CryptoError::BadKey)?;
        if key.len() != 16 {
            return Err(CryptoError::BadKey);
        }
        let cipher = Sm4Gcm::new_from_slice(&key).map_err(|_| CryptoError::BadKey)?;
        let mut d = Sm3::new();
        d.update(b"zlc audit checkpoint key\0");
        d.update(&key);
        let mac_key: [u8; 32] = d.finalize().into();
        Ok(Self { cipher, mac_key })
    }

    /// HMAC-SM3 of `data` under the audit key, as hex.
    pub fn mac_hex(&self, data: &[u8]) -> Result<String, CryptoError> {
        use hmac::{Mac, SimpleHmac};
        let mut m = <SimpleHmac<Sm3> as Mac>::new_from_slice(&self.mac_key)
            .map_err(|_| CryptoError::BadKey)?;
        m.update(data);
        Ok(to_hex(&m.finalize().into_bytes()))
    }

    /// A fresh random key, as hex, for a new installation.
    pub fn generate_key_hex() -> Result<String, CryptoError> {
        Ok(to_hex(&random_bytes::<16>()?))
    }

    /// Encrypts with a fresh nonce: `sm4gcm1:` + hex(nonce ‖ ciphertext ‖ tag).
    pub fn encrypt(&self, plain: &str) -> Result<String, CryptoError> {
        let nonce_bytes = random_bytes::<12>()?;
        let nonce = Nonce::<U12>::from_slice(&nonce_bytes);
        let ct = self
            .cipher
            .encrypt(nonce, plain.as_bytes())
            .map_err(|_| CryptoError::Corrupt)?;
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&ct);
        Ok(format!("{PREFIX}{}", to_hex(&out)))
    }

    pub fn decrypt(&self, sealed: &str) -> Result<String, CryptoError> {
        let hex = sealed.strip_prefix(PREFIX).ok_or(CryptoError::Corrupt)?;
        let bytes = from_hex(hex).ok_or(CryptoError::Corrupt)?;
        if bytes.len() < 12 + 16 {
            return Err(CryptoError::Corrupt);
        }
        let (nonce, ct) = bytes.split_at(12);
        let plain = self
            .cipher
            .decrypt(Nonce::<U12>::from_slice(nonce), ct)
            .map_err(|_| CryptoError::Corrupt)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Corrupt)
    }

    pub fn encrypt_opt(&self, plain: Option<&str>) -> Result<Option<String>, CryptoError> {
        plain.map(|p| self.encrypt(p)).transpose()
    }

    pub fn decrypt_opt(&self, sealed: Option<&str>) -> Result<Option<String>, CryptoError> {
        sealed.map(|s| self.decrypt(s)).transpose()
    }
}

/// SM3 digest as lower-case hex.
pub fn sm3_hex(data: &[u8]) -> String {
    to_hex(&sm3(data))
}

/// SM3 digest.
pub fn sm3(data: &[u8]) -> [u8; 32] {
    Sm3::digest(data).into()
}

/// Random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| CryptoError::Random(e.to_string()))?;
    Ok(buf)
}

/// A random secret for a session or an API token (256 bits, hex).
pub fn random_token() -> Result<String, CryptoError> {
    Ok(to_hex(&random_bytes::<32>()?))
}

pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sm3_matches_the_standard_test_vector() {
        // GB/T 32905-2016, example 1: "abc".
        assert_eq!(
            sm3_hex(b"abc"),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    #[test]
    fn field_cipher_round_trips_and_detects_tampering() {
        let key = FieldCipher::generate_key_hex().expect("random");
        let c = FieldCipher::from_hex(&key).expect("key");
        let sealed = c.encrypt("13812341234").expect("enc");
        assert!(sealed.starts_with(PREFIX));
        assert!(!sealed.contains("13812341234"));
        assert_ne!(
            sealed,
            c.encrypt("13812341234").expect("enc"),
            "nonce is fresh"
        );
        assert_eq!(c.decrypt(&sealed).expect("dec"), "13812341234");

        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
        let tampered = String::from_utf8(tampered).expect("ascii");
        assert!(c.decrypt(&tampered).is_err());

        let other = FieldCipher::from_hex(&FieldCipher::generate_key_hex().expect("r")).expect("k");
        assert!(other.decrypt(&sealed).is_err());
    }

    #[test]
    fn bad_keys_are_refused() {
        assert!(FieldCipher::from_hex("abc").is_err());
        assert!(FieldCipher::from_hex(&"zz".repeat(16)).is_err());
        assert!(FieldCipher::from_hex(&"00".repeat(32)).is_err());
    }

    #[test]
    fn hex_round_trip() {
        assert_eq!(to_hex(&[0, 15, 255]), "000fff");
        assert_eq!(from_hex("000fff"), Some(vec![0, 15, 255]));
        assert_eq!(from_hex("0g"), None);
    }
}
