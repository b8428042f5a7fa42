//! The pages (voter, committee console, inspector, results, the superior
//! body's campaign page), embedded in
//! the binary with the wasm module built from `crates/wasm` (see
//! `build.rs`). Every file of `web/` is served under `/static/`; the pages
//! have their own short addresses.
//!
//! The voting kiosk (`/kiosk`, `web/kiosk.js`) shows the voter page in a
//! fresh iframe per voter (`/v/{id}?kiosk`): only that address may be
//! framed, and only by a page of the same origin; every other page keeps
//! `frame-ancestors 'none'` and `X-Frame-Options: DENY`.

use axum::extract::{Path, RawQuery};
use axum::http::{header, HeaderValue, StatusCode};
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

/// The policy of the voter page when the kiosk frames it: the server's
/// usual one (`http::security_headers`) but framable by the same origin.
const KIOSK_FRAME_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'self'";

/// Whether a query string asks for the kiosk's voter page (`kiosk` alone or
/// `kiosk=...` among the parameters).
fn wants_kiosk(query: Option<&str>) -> bool {
    query.is_some_and(|q| {
        q.split('&')
            .any(|p| p == "kiosk" || p.starts_with("kiosk="))
    })
}

async fn voter_page(RawQuery(query): RawQuery) -> Response {
    let mut r = serve("voter.html");
    if wants_kiosk(query.as_deref()) {
        let h = r.headers_mut();
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(KIOSK_FRAME_CSP),
        );
        h.insert(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        );
    }
    r
}

async fn static_file(Path(path): Path<String>) -> Response {
    serve(&path)
}

/// The routes of the pages.
pub(crate) fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(|| async { serve("index.html") }))
        .route("/v/{id}", get(voter_page))
        .route("/kiosk", get(|| async { serve("kiosk.html") }))
        .route("/committee", get(|| async { serve("committee.html") }))
        .route("/inspector", get(|| async { serve("inspector.html") }))
        .route("/results/{id}", get(|| async { serve("results.html") }))
        .route("/campaign", get(|| async { serve("campaign.html") }))
        .route("/static/{*path}", get(static_file))
        // Browsers ask for it on every page; there is none.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
}

#[cfg(test)]
mod tests {
    use super::wants_kiosk;

    #[test]
    fn only_a_kiosk_query_makes_the_voter_page_framable() {
        assert!(wants_kiosk(Some("kiosk")));
        assert!(wants_kiosk(Some("kiosk=1")));
        assert!(wants_kiosk(Some("a=b&kiosk")));
        assert!(!wants_kiosk(None));
        assert!(!wants_kiosk(Some("")));
        assert!(!wants_kiosk(Some("kiosks")));
        assert!(!wants_kiosk(Some("notkiosk=1")));
    }
}
