//! The embedded web application: its page for every deep link, its files
//! with the right types and caching, and 404 for what does not exist.

use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn the_app_answers_deep_links_and_serves_its_files() {
    let app = spawn_app().await;
    let s = app.anonymous();
    for path in ["/", "/problems", "/public/", "/activities?status=draft"] {
        let r = s.get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let h = r.headers().clone();
        assert!(
            h["content-type"]
                .to_str()
                .unwrap_or_default()
                .starts_with("text/html"),
            "{path}"
        );
        assert_eq!(h["cache-control"], "no-cache");
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap_or_default()
                .contains("script-src 'self'")
        );
        let html = r.text().await.expect("text");
        assert!(html.contains("<div id=\"app\">"), "{path}: {html}");
    }
    // The scripts the page names are served, typed and cached for good.
    let html = s.get("/").await.text().await.expect("text");
    let script = html
        .split("src=\"")
        .nth(1)
        .and_then(|x| x.split('"').next())
        .expect("a script")
        .to_string();
    let r = s.get(&script).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .contains("javascript")
    );
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap_or_default()
            .contains("immutable")
    );
    // The icon the page names is there (a browser asks for one on every load).
    assert!(html.contains("href=\"/favicon.svg\""), "{html}");
    let r = s.get("/favicon.svg").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("image/svg+xml")
    );
    // A file that is not there is a 404, not the page; so is an unknown API path.
    assert_eq!(
        s.get("/assets/missing-0000.js").await.status(),
        StatusCode::NOT_FOUND
    );
    let r = s.get("/api/v1/no-such-thing").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .contains("problem+json")
    );
    assert_eq!(
        s.post("/somewhere", serde_json::json!({})).await.status(),
        StatusCode::NOT_FOUND
    );
}
