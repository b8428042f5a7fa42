//! The pages (voter, committee console, inspector, results, the superior
//! body's campaign page), embedded in
//! the binary with the wasm module built from `crates/wasm` (see
//! `build.rs`). Every file of `web/` is served under `/static/`; the pages
//! have their own short addresses.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The embedded file at `path` (relative to `web/`).
pub(crate) fn asset(path: &str) -> Option<&'static [u8]> {
    ASSETS.iter().find(|(p, _)| *p == path).map(|(_, b)| *b)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") | Some("mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn serve(path: &str) -> Response {
    match asset(path) {
        Some(bytes) => ([(header::CONTENT_TYPE, content_type(path))], bytes).into_response(),
        None => (StatusCode::NOT_FOUND, "Không có trang này (not found)").into_response(),
    }
}

async fn static_file(Path(path): Path<String>) -> Response {
    serve(&path)
}

/// The routes of the pages.
pub(crate) fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(|| async { serve("index.html") }))
        .route("/v/{id}", get(|| async { serve("voter.html") }))
        .route("/committee", get(|| async { serve("committee.html") }))
        .route("/inspector", get(|| async { serve("inspector.html") }))
        .route("/results/{id}", get(|| async { serve("results.html") }))
        .route("/campaign", get(|| async { serve("campaign.html") }))
        .route("/static/{*path}", get(static_file))
        // Browsers ask for it on every page; there is none.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
}
