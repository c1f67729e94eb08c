//! 表格导入导出 the HTTP side of the seeds' Excel tables (the upload and
//! download buttons): the permission, the body's size, the account's turn;
//! the reading and writing are the use cases' ([`zlc_app::exchange`]).

use crate::AppState;
use crate::auth::CurrentUser;
use crate::download::xlsx_response;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiQuery, RawBody};
use axum::Json;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, State};
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zlc_app::exchange::{
    ExportRequest, export_permissions, export_to_file, file_title, import_bytes,
    import_permissions, template,
};
use zlc_domain::auth::Permission;
use zlc_domain::period::Period;
use zlc_domain::sheets::SheetKind;
use zlc_store::imports::ImportSummary;

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
    /// 作为报送: the table counts as `unit`'s submission of this report of
    /// the policy (with `submit_period`), in the same transaction.
    pub submit_report: Option<String>,
    /// The period it is submitted for, of the report's kind: `2024Q3`.
    pub submit_period: Option<String>,
}

/// 导入 a filled-in table; the body is the xlsx file. All or nothing: any
/// bad row answers 422 with every row error and writes nothing.
#[utoipa::path(post, path = "/imports/{kind}", tag = "表格", params(("kind" = SheetKind, Path, description = "表格类型"), ImportQuery),
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
    let today = zlc_app::clock::today();
    let unit = q.unit.or(if kind.needs_unit() {
        None
    } else {
        user.unit_id
    });
    let submit = match (q.submit_report, q.submit_period) {
        (None, None) => None,
        (Some(report), Some(period)) => {
            // Submitting is the unit's act, as on the 报送 page.
            user.require(Permission::ProblemWrite)?;
            Some(zlc_app::exchange::SubmitAs { report, period })
        }
        (None, Some(_)) => {
            return Err(ApiError::field("submit_report", "请选择报送事项"));
        }
        (Some(_), None) => {
            return Err(ApiError::field("submit_period", "请选择报送期间"));
        }
    };
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
        submit.as_ref(),
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
#[utoipa::path(get, path = "/exports/{kind}", tag = "表格", params(("kind" = SheetKind, Path, description = "表格类型"), ExportQuery),
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
    std::fs::create_dir_all(&dir).map_err(ApiError::internal)?;
    let file = dir.join("export.xlsx");
    let req = ExportRequest {
        kind,
        unit: &unit,
        period,
        phones: user.can(Permission::OfficialPhone),
        filled_by: user.display_name.clone(),
        today: zlc_app::clock::today(),
    };
    let result = export_to_file(&s, &user.scope, &req, &file).await;
    let bytes = result
        .map_err(ApiError::from)
        .and_then(|_| std::fs::read(&file).map_err(ApiError::internal));
    let _ = std::fs::remove_dir_all(&dir);
    let name = match period {
        Some(p) => format!("{}-{}-{p}.xlsx", file_title(kind), unit.name),
        None => format!("{}-{}.xlsx", file_title(kind), unit.name),
    };
    xlsx_response(bytes?, &name)
}

/// A name no other export uses at the same time.
fn uuidish() -> String {
    let mut b = [0u8; 8];
    let _ = getrandom::fill(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// 模板 an empty table to fill in, with the caller's unit above it.
#[utoipa::path(get, path = "/templates/{kind}", tag = "表格", params(("kind" = SheetKind, Path, description = "表格类型")),
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
        .map_err(zlc_app::AppError::from)?
        .map_err(zlc_app::AppError::from)?;
    xlsx_response(bytes, &format!("{}-模板.xlsx", file_title(kind)))
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
