//! zlc-office: the documents of the campaign as units and lead offices use
//! them, with no database behind them.
//!
//! - [`read`]: the seeds' tables as people fill them in (xlsx), into typed
//!   entries of [`zlc_domain::sheets`] or row errors `row N, column 列名: reason`.
//! - [`write`]: the same tables in the seeds' layouts, streamed row by row.
//! - [`stats`]: the monthly statistics of seed 003 四(二) and the quarterly
//!   summary as xlsx.
//! - [`notice`]: the quarterly notice (通报) of seed 004 as a Word document in
//!   the official layout of GB/T 9704-2012.

pub mod cells;
pub mod docx;
pub mod layout;
pub mod notice;
pub mod read;
pub mod stats;
pub mod write;

use zlc_domain::sheets::SheetKind;

/// What can go wrong with a file as a whole (row problems are [`zlc_domain::sheets::RowError`]s).
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    #[error("文件不是有效的 Excel（xlsx）表格：{0}")]
    NotXlsx(String),
    #[error("文件中没有「{title}」：{detail}", title = layout::layout(*kind).title)]
    NoTable { kind: SheetKind, detail: String },
    #[error("写入文件失败：{0}")]
    Write(String),
    /// 超出导入限制: the file is bigger, or holds more, than the limits allow.
    #[error("{0}")]
    TooLarge(String),
    /// The reading was stopped: the client left, or its time ran out.
    #[error("{0}")]
    Stopped(String),
}

/// The MIME type of an xlsx file.
pub const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// The MIME type of a docx file.
pub const DOCX_MIME: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
