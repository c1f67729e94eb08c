//! 对象存储 where attachment bytes live: a local directory by default, or an
//! S3-compatible bucket when configured, so that several servers share them.

use crate::crypto::to_hex;
use crate::{Result, StoreError};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::Arc;

/// The object store in use.
#[derive(Debug, Clone)]
pub enum ObjectStore {
    /// Files under a directory (DATA_DIR/objects by default).
    Local(PathBuf),
    /// A bucket of an S3-compatible service (MinIO, Ceph, a cloud's object storage).
    S3(Arc<S3>),
}

/// An S3-compatible bucket, addressed path-style (`ENDPOINT/BUCKET/KEY`),
/// requests signed with AWS Signature Version 4.
pub struct S3 {
    endpoint: String,
    host: String,
    bucket: String,
    region: String,
    access_key: String,
    secret_key: String,
    client: reqwest::Client,
}

impl std::fmt::Debug for S3 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "S3({}/{})", self.endpoint, self.bucket)
    }
}

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut m = <HmacSha256 as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    m.update(data.as_bytes());
    m.finalize().into_bytes().to_vec()
}

fn sha256_hex(data: &[u8]) -> String {
    to_hex(&Sha256::digest(data))
}

/// The `Authorization` header of a SigV4-signed S3 request. `headers` are
/// the lower-case names and values to sign (host, x-amz-date,
/// x-amz-content-sha256 and any other), `path` the URI path as sent.
pub fn sigv4_authorization(
    method: &str,
    path: &str,
    query: &str,
    headers: &[(&str, &str)],
    payload_sha256: &str,
    amz_date: &str,
    region: &str,
    access_key: &str,
    secret_key: &str,
) -> String {
    let mut hs: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    hs.sort();
    let canonical_headers: String = hs.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed: Vec<&str> = hs.iter().map(|(k, _)| k.as_str()).collect();
    let signed = signed.join(";");
    let canonical =
        format!("{method}\n{path}\n{query}\n{canonical_headers}\n{signed}\n{payload_sha256}");
    let day = &amz_date[..8.min(amz_date.len())];
    let scope = format!("{day}/{region}/s3/aws4_request");
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical.as_bytes())
    );
    let k_date = hmac(format!("AWS4{secret_key}").as_bytes(), day);
    let k_region = hmac(&k_date, region);
    let k_service = hmac(&k_region, "s3");
    let k_signing = hmac(&k_service, "aws4_request");
    let signature = to_hex(&hmac(&k_signing, &to_sign));
    format!(
        "AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={signed}, Signature={signature}"
    )
}

impl S3 {
    pub fn new(
        endpoint: &str,
        bucket: &str,
        region: &str,
        access_key: &str,
        secret_key: &str,
    ) -> Result<S3> {
        let endpoint = endpoint.trim_end_matches('/').to_string();
        let host = endpoint
            .strip_prefix("https://")
            .or_else(|| endpoint.strip_prefix("http://"))
            .map(|h| h.split('/').next().unwrap_or(h).to_string())
            .ok_or_else(|| {
                StoreError::BadUrl(format!(
                    "对象存储地址应以 http:// 或 https:// 开头：{endpoint}"
                ))
            })?;
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .map_err(|e| StoreError::Conflict(format!("无法创建对象存储客户端：{e}")))?;
        Ok(S3 {
            endpoint,
            host,
            bucket: bucket.into(),
            region: region.into(),
            access_key: access_key.into(),
            secret_key: secret_key.into(),
            client,
        })
    }

    async fn send(
        &self,
        method: reqwest::Method,
        key: Option<&str>,
        body: Vec<u8>,
    ) -> Result<reqwest::Response> {
        let path = match key {
            Some(k) => format!("/{}/{k}", self.bucket),
            None => format!("/{}", self.bucket),
        };
        let amz_date = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
        let payload = sha256_hex(&body);
        let auth = sigv4_authorization(
            method.as_str(),
            &path,
            "",
            &[
                ("host", &self.host),
                ("x-amz-content-sha256", &payload),
                ("x-amz-date", &amz_date),
            ],
            &payload,
            &amz_date,
            &self.region,
            &self.access_key,
            &self.secret_key,
        );
        self.client
            .request(method, format!("{}{path}", self.endpoint))
            .header("x-amz-content-sha256", payload)
            .header("x-amz-date", amz_date)
            .header("authorization", auth)
            .body(body)
            .send()
            .await
            .map_err(|e| StoreError::Conflict(format!("对象存储无法访问：{e}")))
    }

    /// Creates the bucket if it does not exist yet.
    pub async fn ensure_bucket(&self) -> Result<()> {
        let r = self.send(reqwest::Method::PUT, None, Vec::new()).await?;
        match r.status().as_u16() {
            200 | 204 | 409 => Ok(()),
            s => Err(StoreError::Conflict(format!(
                "对象存储创建存储桶 {} 失败：HTTP {s}",
                self.bucket
            ))),
        }
    }
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Conflict(format!("附件存储读写失败：{e}"))
}

/// Object keys are generated by the store (`2024/03/<hex>`), never taken from
/// a user; this refuses anything else so no key can climb out of the directory.
fn checked(key: &str) -> Result<&str> {
    let ok = !key.is_empty()
        && key.split('/').all(|p| {
            !p.is_empty() && p != ".." && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if ok {
        Ok(key)
    } else {
        Err(StoreError::Conflict(format!("附件键无效：{key}")))
    }
}

impl ObjectStore {
    /// Stores the bytes under `key` durably: written to a temporary file,
    /// synced, then renamed into place.
    pub async fn put(&self, key: &str, bytes: &[u8]) -> Result<()> {
        let key = checked(key)?;
        match self {
            ObjectStore::Local(root) => {
                let path = root.join(key);
                let dir = path
                    .parent()
                    .map(PathBuf::from)
                    .unwrap_or_else(|| root.clone());
                let tmp = path.with_extension("part");
                let bytes = bytes.to_vec();
                tokio::task::spawn_blocking(move || -> std::io::Result<()> {
                    use std::io::Write;
                    std::fs::create_dir_all(&dir)?;
                    let mut f = std::fs::File::create(&tmp)?;
                    f.write_all(&bytes)?;
                    f.sync_all()?;
                    std::fs::rename(&tmp, &path)?;
                    std::fs::File::open(&dir)?.sync_all()
                })
                .await
                .map_err(|e| StoreError::Conflict(e.to_string()))?
                .map_err(io)
            }
            ObjectStore::S3(s3) => {
                let r = s3
                    .send(reqwest::Method::PUT, Some(key), bytes.to_vec())
                    .await?;
                if r.status().is_success() {
                    Ok(())
                } else {
                    Err(StoreError::Conflict(format!(
                        "对象存储写入失败：HTTP {}",
                        r.status().as_u16()
                    )))
                }
            }
        }
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>> {
        let key = checked(key)?;
        match self {
            ObjectStore::Local(root) => match tokio::fs::read(root.join(key)).await {
                Ok(b) => Ok(b),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::NotFound),
                Err(e) => Err(io(e)),
            },
            ObjectStore::S3(s3) => {
                let r = s3.send(reqwest::Method::GET, Some(key), Vec::new()).await?;
                match r.status().as_u16() {
                    200 => Ok(r
                        .bytes()
                        .await
                        .map_err(|e| StoreError::Conflict(format!("对象存储读取失败：{e}")))?
                        .to_vec()),
                    404 => Err(StoreError::NotFound),
                    s => Err(StoreError::Conflict(format!("对象存储读取失败：HTTP {s}"))),
                }
            }
        }
    }

    pub async fn delete(&self, key: &str) -> Result<()> {
        let key = checked(key)?;
        match self {
            ObjectStore::Local(root) => match tokio::fs::remove_file(root.join(key)).await {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(io(e)),
            },
            ObjectStore::S3(s3) => {
                let r = s3
                    .send(reqwest::Method::DELETE, Some(key), Vec::new())
                    .await?;
                match r.status().as_u16() {
                    200 | 204 | 404 => Ok(()),
                    s => Err(StoreError::Conflict(format!("对象存储删除失败：HTTP {s}"))),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigv4_matches_the_published_get_object_example() {
        // AWS S3 documentation, "Signature Calculations for the Authorization
        // Header", example GET Object (bucket examplebucket, 2013-05-24).
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let auth = sigv4_authorization(
            "GET",
            "/test.txt",
            "",
            &[
                ("host", "examplebucket.s3.amazonaws.com"),
                ("range", "bytes=0-9"),
                ("x-amz-content-sha256", empty),
                ("x-amz-date", "20130524T000000Z"),
            ],
            empty,
            "20130524T000000Z",
            "us-east-1",
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        );
        assert_eq!(
            auth,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
             SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, \
             Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }

    /// Against a real S3-compatible server when one is given (scripts/test.sh
    /// starts one on 127.0.0.1 and sets ZLC_TEST_S3_URL).
    #[tokio::test]
    async fn s3_objects_round_trip_when_a_server_is_given() {
        let Ok(url) = std::env::var("ZLC_TEST_S3_URL") else {
            eprintln!("ZLC_TEST_S3_URL is not set: the S3 round trip is tested by scripts/test.sh");
            return;
        };
        let bucket = format!("zlc-test-{}", std::process::id());
        let s3 = S3::new(&url, &bucket, "us-east-1", "testing", "testing").expect("client");
        s3.ensure_bucket().await.expect("bucket");
        let os = ObjectStore::S3(Arc::new(s3));
        os.put("2024/03/abc123", "整改前后照片".as_bytes())
            .await
            .expect("put");
        assert_eq!(
            os.get("2024/03/abc123").await.expect("get"),
            "整改前后照片".as_bytes()
        );
        os.delete("2024/03/abc123").await.expect("delete");
        assert!(matches!(
            os.get("2024/03/abc123").await,
            Err(StoreError::NotFound)
        ));
        assert!(os.put("../x", b"x").await.is_err());
    }

    #[tokio::test]
    async fn local_objects_round_trip_and_refuse_escaping_keys() {
        let dir = std::env::temp_dir().join(format!("zlc-objects-{}", std::process::id()));
        let os = ObjectStore::Local(dir.clone());
        os.put("2024/03/abc123", b"photo").await.expect("put");
        assert_eq!(os.get("2024/03/abc123").await.expect("get"), b"photo");
        assert!(!dir.join("2024/03/abc123.part").exists());
        assert!(os.put("../escape", b"x").await.is_err());
        assert!(os.get("a/../../b").await.is_err());
        os.delete("2024/03/abc123").await.expect("delete");
        assert!(matches!(
            os.get("2024/03/abc123").await,
            Err(StoreError::NotFound)
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
