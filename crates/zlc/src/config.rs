//! Configuration: command-line flags, then environment variables, then the
//! `--config` file, then defaults.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use zlc_server::settings::Security;

/// The `--config` file (TOML). Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    #[serde(default)]
    pub database: DatabaseConfig,
    #[serde(default)]
    pub security: Security,
    #[serde(default)]
    pub uploads: zlc_app::settings::Uploads,
    #[serde(default)]
    pub objects: ObjectsConfig,
    /// 督办通知: the mail server and webhook reminders go out by, and the
    /// time of day the server runs them.
    #[serde(default)]
    pub notify: zlc_notify::NotifyConfig,
}

/// Where attachments are kept: `local` (DATA_DIR/objects, the default) or an
/// S3-compatible bucket shared by several servers. The keys come from the
/// environment (`ZLC_S3_ACCESS_KEY`, `ZLC_S3_SECRET_KEY`), never the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectsConfig {
    pub kind: Option<String>,
    pub endpoint: Option<String>,
    pub bucket: Option<String>,
    pub region: Option<String>,
}

impl ObjectsConfig {
    pub async fn open(&self, data_dir: &Path) -> Result<zlc_store::objects::ObjectStore> {
        use zlc_store::objects::{ObjectStore, S3};
        match self.kind.as_deref().unwrap_or("local") {
            "local" => Ok(ObjectStore::Local(data_dir.join("objects"))),
            "s3" => {
                let need = |v: &Option<String>, key: &str| {
                    v.clone().ok_or_else(|| {
                        anyhow::anyhow!("配置项 objects.{key} 缺失：使用 S3 对象存储时必填")
                    })
                };
                let env = |name: &str| {
                    std::env::var(name)
                        .map_err(|_| anyhow::anyhow!("使用 S3 对象存储时须设置环境变量 {name}"))
                };
                let s3 = S3::new(
                    &need(&self.endpoint, "endpoint")?,
                    &need(&self.bucket, "bucket")?,
                    self.region.as_deref().unwrap_or("us-east-1"),
                    &env("ZLC_S3_ACCESS_KEY")?,
                    &env("ZLC_S3_SECRET_KEY")?,
                )?;
                s3.ensure_bucket().await?;
                Ok(ObjectStore::S3(std::sync::Arc::new(s3)))
            }
            other => bail!("配置项 objects.kind 取值「{other}」无效：应为 local 或 s3"),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    /// SQLite `synchronous`: FULL (default) or NORMAL.
    pub sqlite_synchronous: Option<String>,
    pub max_connections: Option<u32>,
}

impl FileConfig {
    pub fn load(path: Option<&Path>) -> Result<FileConfig> {
        let Some(path) = path else {
            return Ok(FileConfig::default());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("无法读取配置文件 {}", path.display()))?;
        let cfg: FileConfig = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start].matches('\n').count() + 1)
                .unwrap_or(0);
            anyhow::anyhow!(
                "配置文件 {} 第 {} 行：{}",
                path.display(),
                line,
                toml_message_zh(e.message())
            )
        })?;
        cfg.security
            .validate()
            .map_err(|m| anyhow::anyhow!("配置文件 {}：{}", path.display(), m))?;
        cfg.notify
            .validate()
            .map_err(|m| anyhow::anyhow!("配置文件 {}：{}", path.display(), m.join("；")))?;
        Ok(cfg)
    }

    /// The channels reminders are delivered by besides the inbox.
    pub fn channels(&self) -> Result<zlc_app::duty::Channels> {
        Ok(zlc_app::duty::Channels {
            mailer: self.notify.mailer().map_err(|e| anyhow::anyhow!("{e}"))?,
            webhook: self.notify.webhook(),
        })
    }
}

/// Puts toml's common messages into Chinese, keeping the key they name.
fn toml_message_zh(msg: &str) -> String {
    let quoted = |s: &str| s.split('`').nth(1).unwrap_or("").to_string();
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        return format!("未知配置项「{}」", quoted(rest));
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return format!("缺少配置项「{}」", quoted(rest));
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        return format!("类型错误：{rest}");
    }
    msg.trim().to_string()
}

/// Where the database lives, resolved.
pub struct Resolved {
    pub data_dir: PathBuf,
    pub database_url: String,
}

pub fn resolve(
    flag_url: Option<String>,
    flag_dir: Option<PathBuf>,
    file: &FileConfig,
) -> Result<Resolved> {
    let data_dir = flag_dir
        .or_else(|| file.data_dir.clone())
        .unwrap_or_else(|| PathBuf::from("data"));
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("无法创建数据目录 {}", data_dir.display()))?;
    let url = match flag_url.or_else(|| file.database_url.clone()) {
        Some(u) if !u.trim().is_empty() => u,
        _ => format!("sqlite:{}", data_dir.join("zlc.db").display()),
    };
    let known = url.starts_with("sqlite:")
        || url.starts_with("postgres://")
        || url.starts_with("postgresql://")
        || !url.contains("://");
    if !known {
        let scheme = url.split("://").next().unwrap_or_default();
        bail!(
            "不支持的数据库地址协议「{scheme}」：请使用 sqlite:路径（默认）或 postgres://用户:口令@主机:端口/库名"
        );
    }
    Ok(Resolved {
        data_dir,
        database_url: url,
    })
}

/// The key that seals personal data: `ZLC_DATA_KEY`, else `DATA_DIR/zlc.key`,
/// created on first use with owner-only permissions. Servers that share one
/// PostgreSQL database must share this key.
pub fn data_key(data_dir: &Path) -> Result<String> {
    if let Ok(k) = std::env::var("ZLC_DATA_KEY")
        && !k.trim().is_empty()
    {
        return Ok(k.trim().to_string());
    }
    let path = data_dir.join("zlc.key");
    if path.exists() {
        return Ok(std::fs::read_to_string(&path)
            .with_context(|| format!("无法读取数据密钥 {}", path.display()))?
            .trim()
            .to_string());
    }
    let key = zlc_store::crypto::FieldCipher::generate_key_hex()?;
    write_private(&path, &key)?;
    tracing::info!(path = %path.display(), "generated a new data key");
    Ok(key)
}

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("无法写入数据密钥 {}", path.display()))?;
    f.write_all(content.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> Result<()> {
    std::fs::write(path, content).with_context(|| format!("无法写入数据密钥 {}", path.display()))
}
