//! Settings an operator may change in the configuration file that the use
//! cases run within (`[uploads]`).

use serde::{Deserialize, Serialize};

/// 附件 upload limits.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Uploads {
    /// Largest attachment accepted, in megabytes.
    pub max_mb: u64,
    /// Largest table file accepted for import, in megabytes.
    pub import_max_mb: u64,
    /// What a table file may unpack to, all its parts together, in megabytes.
    pub import_unzipped_mb: u64,
    /// What its shared strings (every distinct text, held in memory while the
    /// sheets are read) may unpack to, in megabytes.
    pub import_strings_mb: u64,
    /// Rows with content, over all its sheets.
    pub import_max_rows: u64,
    /// Characters in one cell.
    pub import_cell_chars: usize,
    /// Time one import may take, in seconds.
    pub import_max_seconds: u64,
    /// Imports running at once on the server (an account runs one at a time).
    pub imports_at_once: usize,
}

impl Default for Uploads {
    fn default() -> Self {
        Uploads {
            max_mb: 20,
            import_max_mb: 64,
            import_unzipped_mb: 1024,
            import_strings_mb: 256,
            import_max_rows: 2_000_000,
            import_cell_chars: 32_767,
            import_max_seconds: 600,
            imports_at_once: 2,
        }
    }
}

impl Uploads {
    /// The limits a table file is read within.
    pub fn import_limits(&self) -> zlc_office::read::Limits {
        zlc_office::read::Limits {
            unzipped_bytes: self.import_unzipped_mb.saturating_mul(1024 * 1024),
            strings_bytes: self.import_strings_mb.saturating_mul(1024 * 1024),
            rows: self.import_max_rows,
            cell_chars: self.import_cell_chars,
            ..zlc_office::read::Limits::default()
        }
    }
}
