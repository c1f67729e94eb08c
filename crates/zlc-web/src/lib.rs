//! The web application (`web/`), built by `build.rs` and embedded: `zlc
//! serve` needs nothing beside its binary.

use rust_embed::RustEmbed;
use std::borrow::Cow;

#[derive(RustEmbed)]
#[folder = "$OUT_DIR/dist"]
struct Dist;

/// A built file: its bytes, content type and whether its name carries a
/// content hash (then it may be cached for good).
pub struct Asset {
    pub bytes: Cow<'static, [u8]>,
    pub content_type: String,
    pub immutable: bool,
}

/// The built file at `path` (relative, e.g. `assets/index-3f2a.js`).
pub fn asset(path: &str) -> Option<Asset> {
    let file = Dist::get(path)?;
    Some(Asset {
        content_type: file.metadata.mimetype().to_string(),
        immutable: path.starts_with("assets/"),
        bytes: file.data,
    })
}

/// The application's page, answered for every path the router handles in
/// the browser (deep links).
pub fn index() -> Option<Asset> {
    asset("index.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_app_is_embedded() {
        let index = index().expect("index.html is embedded");
        assert!(index.content_type.starts_with("text/html"));
        let html = String::from_utf8_lossy(&index.bytes);
        assert!(html.contains("<div id=\"app\">"), "{html}");
        // Every script the page loads is embedded too.
        for src in html.split("src=\"/").skip(1) {
            let path = src.split('"').next().unwrap_or_default();
            let a = asset(path).unwrap_or_else(|| panic!("{path} is embedded"));
            assert!(a.immutable, "{path} is a hashed asset");
        }
    }
}
