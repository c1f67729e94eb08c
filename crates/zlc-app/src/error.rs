//! The use cases' error: what went wrong in words a user reads (Chinese),
//! and for a fault of the machine the whole chain of causes, so that the
//! caller logs it once with everything it needs.

use zlc_domain::error::{Errors, FieldError};
use zlc_domain::sheets::RowError;
use zlc_office::OfficeError;
use zlc_store::StoreError;

/// Any cause of a fault, kept whole for the log.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// 用例错误 why a use case (an import, an export, a report, the notice, an
/// account's set-up) did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The record is absent, or outside the caller's scope.
    #[error("记录不存在，或不在您的数据范围内")]
    NotFound,
    /// The request names fields that are wrong; each says why.
    #[error("{0}")]
    Invalid(Errors),
    /// Rows of a table that cannot be imported; nothing was written.
    #[error("表格有 {} 处错误，未导入任何数据", .0.len())]
    Rows(Vec<RowError>),
    /// A stale version, or a state that forbids the change.
    #[error("{detail}")]
    Conflict {
        detail: String,
        current_version: Option<i64>,
    },
    /// A limit of the configuration, named in the message.
    #[error("{0}")]
    Limit(String),
    /// Too much at once (the account's previous import still runs).
    #[error("{0}")]
    Busy(String),
    /// A fault of the machine, not of the request: `context` says what was
    /// being done, `source` why it failed.
    #[error("{context}")]
    Internal {
        context: String,
        #[source]
        source: Cause,
    },
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A field of the request that is wrong.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(FieldError::new(field, message).into())
    }

    /// A fault while doing `context`, keeping its cause.
    pub fn internal(context: impl Into<String>, source: impl Into<Cause>) -> Self {
        AppError::Internal {
            context: context.into(),
            source: source.into(),
        }
    }

    /// The message and every cause below it, each once: for the log and the
    /// console.
    pub fn chain(&self) -> String {
        chain(self)
    }
}

/// `e` and its causes as one line, leaving out a cause whose text its
/// parent already quotes (`数据库错误：x` over `x`).
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push('：');
            out.push_str(&text);
        }
        next = cause.source();
    }
    out
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Stale { current } => AppError::Conflict {
                detail: format!("记录已被他人修改（当前版本 {current}），请刷新后重试"),
                current_version: Some(current),
            },
            StoreError::Invalid(errs) => AppError::Invalid(errs),
            StoreError::Rows(rows) => AppError::Rows(rows),
            StoreError::Conflict(m) => AppError::Conflict {
                detail: m,
                current_version: None,
            },
            other => AppError::internal("数据库操作失败", other),
        }
    }
}

impl From<OfficeError> for AppError {
    fn from(e: OfficeError) -> Self {
        match e {
            OfficeError::Write(_) => AppError::internal("写入文件失败", e),
            OfficeError::TooLarge(m) => AppError::Limit(format!("{m}，未导入任何数据")),
            other => AppError::field("file", other.to_string()),
        }
    }
}

impl From<Errors> for AppError {
    fn from(e: Errors) -> Self {
        AppError::Invalid(e)
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid(e.into())
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::internal("后台任务失败", e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_keeps_its_causes_and_names_each_once() {
        let io = std::io::Error::other("磁盘已满");
        let e = AppError::internal("写入导出文件", io);
        assert_eq!(e.to_string(), "写入导出文件");
        assert_eq!(e.chain(), "写入导出文件：磁盘已满");
        // A store error quoting its cause is not repeated.
        let db = StoreError::Db(sqlx_free_error());
        let e = AppError::from(db);
        let chain = e.chain();
        assert!(chain.starts_with("数据库操作失败：数据库错误："), "{chain}");
        assert_eq!(chain.matches("pool timed out").count(), 1, "{chain}");
    }

    fn sqlx_free_error() -> sqlx::Error {
        sqlx::Error::PoolTimedOut
    }

    #[test]
    fn request_errors_keep_their_meaning() {
        assert!(matches!(
            AppError::from(StoreError::Stale { current: 3 }),
            AppError::Conflict {
                current_version: Some(3),
                ..
            }
        ));
        assert!(matches!(
            AppError::from(StoreError::NotFound),
            AppError::NotFound
        ));
        assert!(matches!(
            AppError::from(OfficeError::TooLarge("文件超过 64 MB".into())),
            AppError::Limit(m) if m.contains("未导入任何数据")
        ));
        assert!(matches!(
            AppError::from(OfficeError::NotXlsx("zip".into())),
            AppError::Invalid(_)
        ));
    }
}
