//! 表格导入导出 the seeds' Excel tables in and out, for the upload and
//! download buttons and for `zlc import` / `zlc export` alike: reading and
//! writing run off the runtime, the store writes all or nothing.

use crate::App;
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use zlc_domain::auth::Permission;
use zlc_domain::kinds::ActivityKind;
use zlc_domain::period::Period;
use zlc_domain::sheets::{RowError, SheetKind, SheetMeta};
use zlc_office::OfficeError;
use zlc_office::write::TableWriter;
use zlc_store::exports::Cursor as PageCursor;
use zlc_store::imports::{ImportRequest, ImportSummary};
use zlc_store::registry::Unit;
use zlc_store::{Actor, Scope};

/// The permissions an import of `kind` needs.
pub fn import_permissions(kind: SheetKind) -> &'static [Permission] {
    match kind {
        SheetKind::Items => &[Permission::ItemWrite],
        SheetKind::Units => &[Permission::UnitWrite],
        SheetKind::WindowSchedule => &[Permission::PlanWrite],
        SheetKind::Ledger | SheetKind::WindowStats | SheetKind::Lists => {
            &[Permission::ActivityWrite, Permission::ProblemWrite]
        }
    }
}

/// The permissions an export of `kind` needs.
pub fn export_permissions(kind: SheetKind) -> &'static [Permission] {
    match kind {
        SheetKind::Items => &[Permission::ItemRead],
        SheetKind::Units => &[Permission::UnitRead],
        SheetKind::WindowSchedule => &[Permission::PlanRead],
        SheetKind::Ledger | SheetKind::WindowStats | SheetKind::Lists => {
            &[Permission::ActivityRead, Permission::ProblemRead]
        }
    }
}

/// 导入闸门 one import at a time per account, and at most `at_once` on the
/// server: an import holds a file's rows and a write transaction.
pub struct ImportGate {
    running: std::sync::Mutex<std::collections::HashSet<i64>>,
    at_once: Arc<tokio::sync::Semaphore>,
    limit: usize,
}

/// An import's turn; the account's next import may start once it is dropped.
pub struct ImportTurn {
    gate: Arc<ImportGate>,
    user: i64,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl ImportGate {
    pub fn new(at_once: usize) -> Self {
        let limit = at_once.max(1);
        ImportGate {
            running: std::sync::Mutex::new(std::collections::HashSet::new()),
            at_once: Arc::new(tokio::sync::Semaphore::new(limit)),
            limit,
        }
    }

    /// A turn for an import of account `user`, or why not now.
    pub fn enter(self: &Arc<Self>, user: i64) -> AppResult<ImportTurn> {
        let mut running = match self.running.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if running.contains(&user) {
            return Err(AppError::Busy(
                "您的上一个导入尚未完成，请等它结束后再导入".into(),
            ));
        }
        let permit = self.at_once.clone().try_acquire_owned().map_err(|_| {
            AppError::Busy(format!(
                "正在进行的导入已达上限（同时 {} 个），请稍后再试",
                self.limit
            ))
        })?;
        running.insert(user);
        Ok(ImportTurn {
            gate: self.clone(),
            user,
            _permit: permit,
        })
    }
}

impl Drop for ImportTurn {
    fn drop(&mut self) {
        let mut running = match self.gate.running.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        running.remove(&self.user);
    }
}

/// 作为报送 an import asked to count as its unit's submission of a report
/// for a period: the lead office imports the table a unit sent in.
#[derive(Debug, Clone)]
pub struct SubmitAs {
    /// The report's code in the policy's `[[reports]]`.
    pub report: String,
    /// The period, of the report's kind: `2024Q3`, `2024-09`.
    pub period: String,
}

/// Reads an uploaded file of `kind` and writes what it says (or, with
/// `dry_run`, checks it all and writes nothing). Row errors of the file and
/// of the registry are reported together.
#[allow(clippy::too_many_arguments)]
pub async fn import_bytes(
    app: &App,
    actor: &Actor,
    scope: &Scope,
    kind: SheetKind,
    bytes: Vec<u8>,
    file_name: &str,
    unit: Option<i64>,
    dry_run: bool,
    today: NaiveDate,
    submit_as: Option<&SubmitAs>,
) -> AppResult<ImportSummary> {
    let sm3 = zlc_store::crypto::sm3_hex(&bytes);
    let policy = app.policy();
    let calendar = app.calendar();
    let submit = match submit_as {
        None => None,
        Some(_) if unit.is_none() || !kind.needs_unit() => {
            return Err(AppError::field(
                "unit",
                "作为报送导入时须选定填报单位（该单位的表格才算其报送）",
            ));
        }
        Some(s) => {
            let (_, period, due) = crate::reports::report_due(&policy, &s.report, &s.period)?;
            Some(zlc_store::submissions::Submit {
                report: &s.report,
                period,
                due,
                today,
            })
        }
    };
    let req = ImportRequest {
        submit,
        kind,
        unit,
        dry_run,
        today,
        file_name: file_name.to_string(),
        file_sm3: sm3,
        policy: &policy,
        calendar: &calendar,
    };
    // The file is read on another thread while its rows are written: the
    // two halves of an import run side by side.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Read>(8);
    let limits = app.uploads.import_limits();
    let seconds = app.uploads.import_max_seconds;
    let reader = tokio::task::spawn_blocking(move || {
        let mut sink = ChannelSink {
            tx,
            batch: None,
            several: false,
            deadline: std::time::Instant::now() + std::time::Duration::from_secs(seconds),
            seconds,
        };
        // A file that unpacks beyond the limits is refused before it is opened.
        zlc_office::read::check_package(&bytes, &limits)?;
        let read = zlc_office::read::read_limited(Cursor::new(bytes), kind, &mut sink, &limits);
        sink.flush();
        read
    });
    let mut run = app.store.begin_import(actor, scope, &req).await?;
    while let Some(piece) = rx.recv().await {
        match piece {
            Read::Sheet(name, meta, several) => run.sheet(&name, &meta, several).await?,
            Read::Rows(rows) => run.rows(rows).await?,
            Read::End => run.end_sheet().await?,
            Read::Error(e) => run.error(e),
        }
    }
    // A file that is no table at all: nothing was written (the run is
    // dropped, its transaction rolled back).
    reader.await??;
    Ok(run.finish().await?)
}

/// What the reading thread hands to the writing one.
enum Read {
    Sheet(String, SheetMeta, bool),
    Rows(zlc_domain::sheets::Entries),
    End,
    Error(RowError),
}

/// Rows of a table this many at a time.
const READ_BATCH: usize = 2000;

/// A [`zlc_office::read::Sink`] that sends what it reads down a channel in batches.
struct ChannelSink {
    tx: tokio::sync::mpsc::Sender<Read>,
    batch: Option<zlc_domain::sheets::Entries>,
    several: bool,
    /// Reading stops here: the import's time is over.
    deadline: std::time::Instant,
    seconds: u64,
}

impl ChannelSink {
    fn send(&self, r: Read) {
        // The writing side only stops early on a database error; the
        // reading then has nobody to tell and ends with the file.
        let _ = self.tx.blocking_send(r);
    }

    fn flush(&mut self) {
        if let Some(b) = self.batch.take()
            && !b.is_empty()
        {
            self.send(Read::Rows(b));
        }
    }
}

impl zlc_office::read::Sink for ChannelSink {
    fn workbook(&mut self, sheets: usize) {
        self.several = sheets > 1;
    }

    fn stopped(&self) -> Option<String> {
        // The writing side is gone: the client left (its request was
        // dropped) or the database refused; nobody waits for more rows.
        if self.tx.is_closed() {
            return Some("导入已中止".into());
        }
        (std::time::Instant::now() > self.deadline)
            .then(|| format!("导入用时超过 {} 秒的上限，已停止", self.seconds))
    }

    fn sheet(&mut self, name: &str, meta: &SheetMeta) {
        self.flush();
        self.send(Read::Sheet(name.to_string(), meta.clone(), self.several));
    }

    fn entry(&mut self, entry: zlc_office::read::Entry) {
        use zlc_domain::sheets::Entries;
        use zlc_office::read::Entry;
        let batch = self.batch.get_or_insert_with(|| match &entry {
            Entry::Item(_) => Entries::Items(Vec::new()),
            Entry::Ledger(_) => Entries::Ledger(Vec::new()),
            Entry::Schedule(_) => Entries::WindowSchedule(Vec::new()),
            Entry::WindowStat(_) => Entries::WindowStats(Vec::new()),
            Entry::Lists(_) => Entries::Lists(Vec::new()),
            Entry::Unit(_) => Entries::Units(Vec::new()),
        });
        match (batch, entry) {
            (Entries::Items(v), Entry::Item(e)) => v.push(e),
            (Entries::Ledger(v), Entry::Ledger(e)) => v.push(e),
            (Entries::WindowSchedule(v), Entry::Schedule(e)) => v.push(e),
            (Entries::WindowStats(v), Entry::WindowStat(e)) => v.push(e),
            (Entries::Lists(v), Entry::Lists(e)) => v.push(e),
            (Entries::Units(v), Entry::Unit(e)) => v.push(e),
            _ => {}
        }
        if self.batch.as_ref().is_some_and(|b| b.len() >= READ_BATCH) {
            self.flush();
        }
    }

    fn error(&mut self, error: RowError) {
        self.send(Read::Error(error));
    }

    fn end(&mut self, _meta: &SheetMeta) {
        self.flush();
        self.send(Read::End);
    }
}

/// One piece of a table on its way to the writer thread.
enum Piece {
    Begin(String, SheetMeta),
    Rows(Rows),
    End(SheetMeta),
}

enum Rows {
    Items(Vec<zlc_domain::sheets::ItemEntry>),
    Ledger(Vec<zlc_domain::sheets::LedgerEntry>),
    Schedule(Vec<zlc_domain::sheets::ScheduleEntry>),
    WindowStats(Vec<zlc_domain::sheets::WindowStatEntry>),
    Lists(Vec<zlc_domain::sheets::ListsEntry>),
    Units(Vec<zlc_domain::sheets::UnitEntry>),
}

fn write_rows(w: &mut TableWriter, rows: Rows) -> Result<u64, OfficeError> {
    let mut n = 0;
    macro_rules! each {
        ($v:expr, $f:ident) => {
            for e in &$v {
                w.$f(e)?;
                n += 1;
            }
        };
    }
    match rows {
        Rows::Items(v) => each!(v, item),
        Rows::Ledger(v) => each!(v, ledger),
        Rows::Schedule(v) => each!(v, schedule),
        Rows::WindowStats(v) => each!(v, window_stat),
        Rows::Lists(v) => each!(v, lists),
        Rows::Units(v) => each!(v, unit),
    }
    Ok(n)
}

/// What an export is of.
pub struct ExportRequest<'a> {
    pub kind: SheetKind,
    pub unit: &'a Unit,
    pub period: Option<Period>,
    /// Whether phone numbers are written in full (`official:phone`).
    pub phones: bool,
    pub filled_by: String,
    pub today: NaiveDate,
}

/// Writes the table of `req` to `path` in its seed's layout. Rows are read
/// page by page and handed to a writer thread that streams them to disk,
/// so memory stays flat however long the ledger. Returns the rows written.
/// Activities read per page of a ledger export. A page holds each of their
/// problems as a row, and a walk may list a hundred problems, so pages are
/// kept small: with two pages queued to the writer, an export holds a few
/// thousand rows however long the ledger is.
const EXPORT_PAGE: i64 = 500;

pub async fn export_to_file(
    app: &App,
    scope: &Scope,
    req: &ExportRequest<'_>,
    path: &Path,
) -> AppResult<u64> {
    let kind = req.kind;
    let sub = Scope::subtree(req.unit.path.clone());
    if !scope.contains(&req.unit.path) {
        return Err(AppError::NotFound);
    }
    let needs_period = !matches!(kind, SheetKind::Items | SheetKind::Units);
    let period = match (req.period, needs_period) {
        (Some(p), _) => Some(p),
        (None, false) => None,
        (None, true) => return Err(AppError::field("period", "导出此表须指定期间，如 2024Q1")),
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Piece>(2);
    let out: PathBuf = path.to_path_buf();
    let tmp = out
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir);
    let writer = tokio::task::spawn_blocking(move || -> Result<u64, OfficeError> {
        let mut w = TableWriter::new(kind);
        w.set_tempdir(&tmp)?;
        let mut n = 0;
        while let Some(p) = rx.blocking_recv() {
            match p {
                Piece::Begin(name, meta) => w.begin(&name, &meta)?,
                Piece::Rows(r) => n += write_rows(&mut w, r)?,
                Piece::End(meta) => w.end(&meta)?,
            }
        }
        w.save(&out)?;
        Ok(n)
    });
    let mut ex = app.store.begin_export(req.unit.id, &req.unit.path).await?;
    let meta = SheetMeta {
        unit: Some(app.store.unit_label(req.unit).await?),
        date: Some(req.today),
        filled_by: Some(req.filled_by.clone()),
        ..SheetMeta::default()
    };
    let send = |p: Piece| {
        let tx = tx.clone();
        async move {
            tx.send(p)
                .await
                .map_err(|e| AppError::internal("导出写入中断", e.to_string()))
        }
    };
    let title = zlc_office::layout::layout(kind).title.to_string();
    let store = &app.store;
    match kind {
        SheetKind::Items => {
            send(Piece::Begin(title, meta.clone())).await?;
            send(Piece::Rows(Rows::Items(store.item_rows(&ex, &sub).await?))).await?;
            send(Piece::End(meta)).await?;
        }
        SheetKind::Units => {
            send(Piece::Begin(title, meta.clone())).await?;
            send(Piece::Rows(Rows::Units(store.unit_rows(&sub).await?))).await?;
            send(Piece::End(meta)).await?;
        }
        SheetKind::WindowSchedule => {
            let p = period.ok_or(AppError::NotFound)?;
            send(Piece::Begin(title, meta.clone())).await?;
            send(Piece::Rows(Rows::Schedule(
                store.schedule_rows(&ex, &sub, p, req.phones).await?,
            )))
            .await?;
            send(Piece::End(meta)).await?;
        }
        SheetKind::Ledger | SheetKind::WindowStats => {
            let p = period.ok_or(AppError::NotFound)?;
            send(Piece::Begin(title, meta.clone())).await?;
            let mut after: PageCursor = None;
            loop {
                let (rows, next) = if kind == SheetKind::Ledger {
                    let (r, n) = store
                        .ledger_page(&mut ex, &sub, p, &after, EXPORT_PAGE)
                        .await?;
                    (Rows::Ledger(r), n)
                } else {
                    let (r, n) = store
                        .window_stats_page(&mut ex, &sub, p, &after, EXPORT_PAGE)
                        .await?;
                    (Rows::WindowStats(r), n)
                };
                if next.is_none() {
                    break;
                }
                send(Piece::Rows(rows)).await?;
                after = next;
            }
            send(Piece::End(meta)).await?;
        }
        SheetKind::Lists => {
            let p = period.ok_or(AppError::NotFound)?;
            let tables = store.lists_tables(&sub, p).await?;
            let mut names = std::collections::HashSet::new();
            for (t, rows) in tables {
                let (activity, official, first_day) = (t.kind, t.official, t.date);
                let m = SheetMeta {
                    // Each unit's table names it; the export's own as above.
                    unit: if t.unit == req.unit.id {
                        meta.unit.clone()
                    } else {
                        Some(ex.unit_name(t.unit))
                    },
                    official: Some(official.clone()),
                    activity_kind: Some(activity),
                    date: Some(first_day),
                    ..meta.clone()
                };
                // Sheet names are unique and at most 31 characters.
                let base: String = format!(
                    "{}-{official}-{}",
                    activity.label_zh(),
                    first_day.format("%m%d")
                )
                .chars()
                .take(26)
                .collect();
                let mut name = base.clone();
                let mut n = 1;
                while !names.insert(name.clone()) {
                    n += 1;
                    name = format!("{base}({n})");
                }
                send(Piece::Begin(name, m.clone())).await?;
                send(Piece::Rows(Rows::Lists(rows))).await?;
                send(Piece::End(m)).await?;
            }
        }
    }
    drop(tx);
    Ok(writer.await??)
}

/// An empty table of `kind` to fill in, with the unit's name above it.
pub fn template(kind: SheetKind, unit: Option<&str>) -> Result<Vec<u8>, OfficeError> {
    let mut w = TableWriter::template(kind);
    let meta = SheetMeta {
        unit: unit.map(str::to_string),
        activity_kind: (kind == SheetKind::Lists).then_some(ActivityKind::Walk),
        ..SheetMeta::default()
    };
    w.begin(zlc_office::layout::layout(kind).title, &meta)?;
    // Three boxed rows to type into.
    let blanks = w.values_per_row();
    for _ in 0..3 {
        w.row(vec![zlc_office::write::Out::Blank; blanks])?;
    }
    w.end(&meta)?;
    w.into_bytes()
}

/// A table's title as a file name: without its quotation marks
/// (“干部走流程”问题整改台账 → 干部走流程问题整改台账).
pub fn file_title(kind: SheetKind) -> String {
    zlc_office::layout::layout(kind)
        .title
        .replace(['“', '”'], "")
}

/// Row errors as lines, for the command line.
pub fn error_lines(errors: &[RowError]) -> Vec<String> {
    errors.iter().map(ToString::to_string).collect()
}

#[cfg(test)]
mod gate_tests {
    use super::*;

    #[test]
    fn an_account_imports_one_file_at_a_time_and_the_server_a_few() {
        let gate = Arc::new(ImportGate::new(2));
        let first = gate.enter(1).expect("a turn");
        let busy = gate
            .enter(1)
            .err()
            .expect("the account's second import waits");
        assert!(matches!(busy, AppError::Busy(ref m) if m.contains("上一个导入尚未完成")));
        let second = gate.enter(2).expect("another account");
        let full = gate.enter(3).err().expect("the server's limit");
        assert!(matches!(full, AppError::Busy(ref m) if m.contains("同时 2 个")));
        drop(first);
        let again = gate.enter(1).expect("the turn is free again");
        drop((again, second));
        assert!(gate.enter(3).is_ok());
    }
}
