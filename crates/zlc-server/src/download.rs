//! File answers: a workbook or document downloaded under its Chinese name.

use crate::error::{ApiError, ApiResult};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// An xlsx answer, downloaded as `name`.
pub fn xlsx_response(bytes: Vec<u8>, name: &str) -> ApiResult<Response> {
    file_response(bytes, name, zlc_office::XLSX_MIME)
}

/// A file answer with its name in RFC 6266 form (UTF-8 names, as Chinese file names need).
pub fn file_response(bytes: Vec<u8>, name: &str, mime: &'static str) -> ApiResult<Response> {
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!(
            "attachment; filename=\"download\"; filename*=UTF-8''{encoded}"
        ))
        .map_err(ApiError::internal)?,
    );
    Ok(resp)
}
