//! Extractors that parse requests at the boundary and answer bad input in Chinese.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// A JSON body, deserialised with the path of any bad field, answered in Chinese.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                let m = v.split(';').next().unwrap_or("").trim();
                m == "application/json" || m.ends_with("+json")
            });
        if !is_json {
            return Err(ApiError::UnsupportedMedia);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge
            } else {
                ApiError::BadRequest("无法读取请求体".into())
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses JSON, naming the field of the first error.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(v) => Ok(v),
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            match inner.classify() {
                serde_json::error::Category::Data => {
                    let (field, message) = translate(&path, &inner.to_string());
                    Err(ApiError::field(&field, message))
                }
                _ => Err(ApiError::BadRequest(format!(
                    "JSON 格式错误：第 {} 行第 {} 列附近",
                    inner.line(),
                    inner.column()
                ))),
            }
        }
    }
}

/// Turns serde's English messages into Chinese ones and the field they concern.
fn translate(path: &str, msg: &str) -> (String, String) {
    let msg = match msg.rfind(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    };
    let base = if path == "." {
        String::new()
    } else {
        path.to_string()
    };
    let join = |name: &str| {
        if base.is_empty() {
            name.to_string()
        } else {
            format!("{base}.{name}")
        }
    };
    let quoted = |s: &str| s.split('`').nth(1).unwrap_or("").to_string();
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        // The path already ends at the unknown key itself.
        let name = quoted(rest);
        let field = if base.is_empty() { name.clone() } else { base };
        return (field, format!("未知字段「{name}」"));
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return (join(&quoted(rest)), "缺少必填字段".into());
    }
    let field = if base.is_empty() {
        "body".to_string()
    } else {
        base.clone()
    };
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let (got, want) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return (
            field,
            format!("类型错误：应为{}，实为{}", kind_zh(want), kind_zh(got)),
        );
    }
    if let Some(rest) = msg.strip_prefix("invalid value: ") {
        let (got, want) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return (
            field,
            format!("取值无效：应为{}，实为{}", kind_zh(want), kind_zh(got)),
        );
    }
    if msg.starts_with("invalid length") {
        return (field, "长度不符合要求".into());
    }
    (field, msg.to_string())
}

fn kind_zh(s: &str) -> String {
    let s = s.trim();
    let word = s.split([' ', ':']).next().unwrap_or(s);
    let zh = match word {
        "string" | "a" if s.contains("string") => "字符串",
        "string" => "字符串",
        "integer" | "i64" | "i32" | "u32" | "u64" | "u8" | "i16" => "整数",
        "floating" | "f64" | "f32" => "数字",
        "boolean" | "bool" => "布尔值（true/false）",
        "null" => "空值",
        "map" | "struct" => "对象",
        "sequence" => "数组",
        "unit" => "空值",
        _ => return s.to_string(),
    };
    zh.to_string()
}

/// A query string parsed into `T`, with Chinese errors.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let q = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(q.as_bytes()));
        match serde_path_to_error::deserialize::<_, T>(de) {
            Ok(v) => Ok(ApiQuery(v)),
            Err(e) => {
                let path = e.path().to_string();
                let (field, message) = translate(&path, &e.into_inner().to_string());
                Err(ApiError::field(&field, format!("查询参数{message}")))
            }
        }
    }
}

/// The `{id}` of a path; anything that is not an id is simply not found.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| ApiError::NotFound)?;
        raw.parse::<i64>().map(Id).map_err(|_| ApiError::NotFound)
    }
}

/// A raw request body (an uploaded file), its rejections answered in Chinese.
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        Bytes::from_request(req, state)
            .await
            .map(RawBody)
            .map_err(|e| {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::TooLarge
                } else {
                    ApiError::BadRequest("无法读取上传的文件".into())
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        sort: i64,
        inner: Option<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        materials: i32,
    }

    fn err(json: &str) -> (String, String) {
        match parse_json::<Body>(json.as_bytes()) {
            Err(ApiError::Invalid(e)) => (e.0[0].field.clone(), e.0[0].message.clone()),
            Err(ApiError::BadRequest(m)) => ("<syntax>".into(), m),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn json_errors_name_the_field_in_chinese() {
        assert_eq!(
            err(r#"{"name":"a","sort":1,"sortt":2}"#),
            ("sortt".into(), "未知字段「sortt」".into())
        );
        assert_eq!(
            err(r#"{"name":"a"}"#),
            ("sort".into(), "缺少必填字段".into())
        );
        assert_eq!(
            err(r#"{"name":"a","sort":"x"}"#),
            ("sort".into(), "类型错误：应为整数，实为字符串".into())
        );
        assert_eq!(
            err(r#"{"name":"a","sort":1,"inner":{"materials":true}}"#),
            (
                "inner.materials".into(),
                "类型错误：应为整数，实为布尔值（true/false）".into()
            )
        );
        let (f, m) = err(r#"{"name":"a","#);
        assert_eq!(f, "<syntax>");
        assert!(m.starts_with("JSON 格式错误"), "{m}");
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Q {
        unit: Option<i64>,
        q: Option<String>,
        online: Option<bool>,
    }

    #[tokio::test]
    async fn query_strings_parse_typed_and_decode() {
        let mut parts = axum::http::Request::builder()
            .uri("/x?unit=5&q=%E7%A7%91%E6%8A%80+%E5%B1%80&online=true")
            .body(())
            .expect("request")
            .into_parts()
            .0;
        let ApiQuery(q) = ApiQuery::<Q>::from_request_parts(&mut parts, &())
            .await
            .expect("parses");
        assert_eq!(
            q,
            Q {
                unit: Some(5),
                q: Some("科技 局".into()),
                online: Some(true)
            }
        );

        let mut parts = axum::http::Request::builder()
            .uri("/x?unit=abc")
            .body(())
            .expect("r")
            .into_parts()
            .0;
        match ApiQuery::<Q>::from_request_parts(&mut parts, &()).await {
            Err(ApiError::Invalid(e)) => assert_eq!(e.0[0].field, "unit"),
            _ => panic!("expected a field error"),
        }
    }
}
