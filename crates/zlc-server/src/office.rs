//! 表格导入导出 the seeds' Excel tables through the API (the upload and
//! download buttons) and for the command line (`zlc import` / `zlc export`):
//! reading and writing run off the runtime, the store writes all or nothing.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::download::xlsx_response;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiQuery, RawBody};
use axum::Json;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, State};
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
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

fn office_error(e: OfficeError) -> ApiError {
    match e {
        OfficeError::Write(m) => ApiError::Internal(m),
        OfficeError::TooLarge(m) => ApiError::Limit(format!("{m}，未导入任何数据")),
        other => ApiError::field("file", other.to_string()),
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
    pub fn enter(self: &Arc<Self>, user: i64) -> Result<ImportTurn, ApiError> {
        let mut running = match self.running.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if running.contains(&user) {
            return Err(ApiError::Busy(
                "您的上一个导入尚未完成，请等它结束后再导入".into(),
            ));
        }
        let permit = self.at_once.clone().try_acquire_owned().map_err(|_| {
            ApiError::Busy(format!(
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

fn join_error(e: tokio::task::JoinError) -> ApiError {
    ApiError::Internal(format!("后台任务失败：{e}"))
}

/// Reads an uploaded file of `kind` and writes what it says (or, with
/// `dry_run`, checks it all and writes nothing). Row errors of the file and
/// of the registry are reported together.
#[allow(clippy::too_many_arguments)]
pub async fn import_bytes(
    s: &AppState,
    actor: &Actor,
    scope: &Scope,
    kind: SheetKind,
    bytes: Vec<u8>,
    file_name: &str,
    unit: Option<i64>,
    dry_run: bool,
    today: NaiveDate,
) -> ApiResult<ImportSummary> {
    let sm3 = zlc_store::crypto::sm3_hex(&bytes);
    let policy = s.policy();
    let calendar = s.calendar();
    let req = ImportRequest {
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
    let limits = s.uploads.import_limits();
    let seconds = s.uploads.import_max_seconds;
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
    let mut run = s.store.begin_import(actor, scope, &req).await?;
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
    reader.await.map_err(join_error)?.map_err(office_error)?;
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
    s: &AppState,
    scope: &Scope,
    req: &ExportRequest<'_>,
    path: &Path,
) -> ApiResult<u64> {
    let kind = req.kind;
    let sub = Scope::subtree(req.unit.path.clone());
    if !scope.contains(&req.unit.path) {
        return Err(ApiError::NotFound);
    }
    let needs_period = !matches!(kind, SheetKind::Items | SheetKind::Units);
    let period = match (req.period, needs_period) {
        (Some(p), _) => Some(p),
        (None, false) => None,
        (None, true) => return Err(ApiError::field("period", "导出此表须指定期间，如 2024Q1")),
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
    let mut ex = s.store.begin_export(req.unit.id, &req.unit.path).await?;
    let meta = SheetMeta {
        unit: Some(s.store.unit_label(req.unit).await?),
        date: Some(req.today),
        filled_by: Some(req.filled_by.clone()),
        ..SheetMeta::default()
    };
    let send = |p: Piece| {
        let tx = tx.clone();
        async move {
            tx.send(p)
                .await
                .map_err(|_| ApiError::Internal("导出写入中断".into()))
        }
    };
    let title = zlc_office::layout::layout(kind).title.to_string();
    let store = &s.store;
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
            let p = period.ok_or(ApiError::NotFound)?;
            send(Piece::Begin(title, meta.clone())).await?;
            send(Piece::Rows(Rows::Schedule(
                store.schedule_rows(&ex, &sub, p, req.phones).await?,
            )))
            .await?;
            send(Piece::End(meta)).await?;
        }
        SheetKind::Ledger | SheetKind::WindowStats => {
            let p = period.ok_or(ApiError::NotFound)?;
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
            let p = period.ok_or(ApiError::NotFound)?;
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
    writer.await.map_err(join_error)?.map_err(office_error)
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

fn sheet_kind(raw: &str) -> ApiResult<SheetKind> {
    SheetKind::parse(raw).ok_or_else(|| {
        let codes: Vec<&str> = SheetKind::ALL.iter().map(|k| k.code()).collect();
        ApiError::field(
            "kind",
            format!("未知的表格「{raw}」，可选：{}", codes.join("、")),
        )
    })
}

fn require_all(user: &CurrentUser, perms: &[Permission]) -> ApiResult<()> {
    for p in perms {
        user.require(*p)?;
    }
    Ok(())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// Unit id the table is for (default: the sheet's 填报单位).
    pub unit: Option<i64>,
    /// Check everything and write nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// The uploaded file's name, for the import log.
    pub name: Option<String>,
}

/// 导入 a filled-in table; the body is the xlsx file. All or nothing: any
/// bad row answers 422 with every row error and writes nothing.
#[utoipa::path(post, path = "/imports/{kind}", tag = "表格", params(("kind" = String, Path, description = "items | ledger | window-schedule | window-stats | lists | units"), ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, body = zlc_store::imports::ImportSummary), (status = 413, body = crate::error::Problem), (status = 422, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
async fn import(
    State(s): State<AppState>,
    user: CurrentUser,
    UrlPath(kind): UrlPath<String>,
    ApiQuery(q): ApiQuery<ImportQuery>,
    RawBody(body): RawBody,
) -> ApiResult<Json<ImportSummary>> {
    let kind = sheet_kind(&kind)?;
    require_all(&user, import_permissions(kind))?;
    if body.is_empty() {
        return Err(ApiError::field("file", "文件为空"));
    }
    let max = s.uploads.import_max_mb;
    if body.len() as u64 > max.saturating_mul(1024 * 1024) {
        return Err(ApiError::Limit(format!(
            "文件超过 {max} MB 的上限，未导入任何数据"
        )));
    }
    let _turn = s.imports.enter(user.id)?;
    let name = zlc_domain::files::clean_name(q.name.as_deref().unwrap_or("upload.xlsx"));
    let today = chrono::Local::now().date_naive();
    let unit = q.unit.or(if kind.needs_unit() {
        None
    } else {
        user.unit_id
    });
    let summary = import_bytes(
        &s,
        &user.actor(),
        &user.scope,
        kind,
        body.to_vec(),
        &name,
        unit.filter(|_| kind.needs_unit()),
        q.dry_run,
        today,
    )
    .await?;
    Ok(Json(summary))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `2024`, `2024H1`, `2024Q1` or `2024-03` (not needed for items and units).
    #[param(
        pattern = r"^[0-9]{4}(H[12]|Q[1-4]|-(0[1-9]|1[0-2]))?$",
        example = "2026Q3"
    )]
    pub period: Option<String>,
    /// Unit id whose subtree is exported (default: the caller's unit).
    pub unit: Option<i64>,
}

/// 导出 a table in its seed's layout.
#[utoipa::path(get, path = "/exports/{kind}", tag = "表格", params(("kind" = String, Path, description = "items | ledger | window-schedule | window-stats | lists | units"), ExportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
async fn export(
    State(s): State<AppState>,
    user: CurrentUser,
    UrlPath(kind): UrlPath<String>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    let kind = sheet_kind(&kind)?;
    require_all(&user, export_permissions(kind))?;
    let period = q
        .period
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(|p| Period::parse(p.trim()).map_err(|e| ApiError::field("period", e.to_string())))
        .transpose()?;
    let unit = crate::auth::region_for(&s.store, &user, q.unit).await?;
    let dir = std::env::temp_dir().join(format!("zlc-export-{}", uuidish()));
    std::fs::create_dir_all(&dir).map_err(|e| ApiError::Internal(e.to_string()))?;
    let file = dir.join("export.xlsx");
    let req = ExportRequest {
        kind,
        unit: &unit,
        period,
        phones: user.can(Permission::OfficialPhone),
        filled_by: user.display_name.clone(),
        today: chrono::Local::now().date_naive(),
    };
    let result = export_to_file(&s, &user.scope, &req, &file).await;
    let bytes =
        result.and_then(|_| std::fs::read(&file).map_err(|e| ApiError::Internal(e.to_string())));
    let _ = std::fs::remove_dir_all(&dir);
    let name = match period {
        Some(p) => format!("{}-{}-{p}.xlsx", file_title(kind), unit.name),
        None => format!("{}-{}.xlsx", file_title(kind), unit.name),
    };
    xlsx_response(bytes?, &name)
}

/// A table's title as a file name: without its quotation marks
/// (“干部走流程”问题整改台账 → 干部走流程问题整改台账).
fn file_title(kind: SheetKind) -> String {
    zlc_office::layout::layout(kind)
        .title
        .replace(['“', '”'], "")
}

/// A name no other export uses at the same time.
fn uuidish() -> String {
    let mut b = [0u8; 8];
    let _ = getrandom::fill(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// 模板 an empty table to fill in, with the caller's unit above it.
#[utoipa::path(get, path = "/templates/{kind}", tag = "表格", params(("kind" = String, Path, description = "items | ledger | window-schedule | window-stats | lists | units")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
async fn template_download(
    State(s): State<AppState>,
    user: CurrentUser,
    UrlPath(kind): UrlPath<String>,
) -> ApiResult<Response> {
    let kind = sheet_kind(&kind)?;
    let unit = match user.unit_id {
        Some(id) => Some(s.store.unit(&user.scope, id).await?.name),
        None => None,
    };
    let bytes = tokio::task::spawn_blocking(move || template(kind, unit.as_deref()))
        .await
        .map_err(join_error)?
        .map_err(office_error)?;
    xlsx_response(bytes, &format!("{}-模板.xlsx", file_title(kind)))
}

/// Row errors as lines, for the command line.
pub fn error_lines(errors: &[RowError]) -> Vec<String> {
    errors.iter().map(ToString::to_string).collect()
}

pub fn router(import_max_mb: u64) -> OpenApiRouter<AppState> {
    // Twice the import limit passes, so that the handler says which limit a
    // file broke; beyond that the body is not read at all.
    let limit =
        usize::try_from(import_max_mb.saturating_mul(2 * 1024 * 1024)).unwrap_or(usize::MAX);
    OpenApiRouter::new()
        .routes(routes!(import))
        .routes(routes!(export))
        .routes(routes!(template_download))
        .layer(DefaultBodyLimit::max(limit))
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
        assert!(matches!(busy, ApiError::Busy(ref m) if m.contains("上一个导入尚未完成")));
        let second = gate.enter(2).expect("another account");
        let full = gate.enter(3).err().expect("the server's limit");
        assert!(matches!(full, ApiError::Busy(ref m) if m.contains("同时 2 个")));
        drop(first);
        let again = gate.enter(1).expect("the turn is free again");
        drop((again, second));
        assert!(gate.enter(3).is_ok());
    }
}
