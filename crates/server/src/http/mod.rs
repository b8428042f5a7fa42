//! The HTTP layer: axum on tokio, over the elections of [`crate::election`].
//!
//! Layers, not handlers, carry what every request needs: a body size limit,
//! a time limit, security headers on every answer, and a request log that
//! records the method, the route *pattern* (never a raw path or body), the
//! status and the time taken. Credentials travel in URL fragments and
//! bodies, never in what is logged.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

pub mod api;
pub(crate) mod campaign;
pub(crate) mod dossier;
pub mod error;
pub(crate) mod openapi;
pub(crate) mod tls;

use crate::election::Registry;
use crate::store::Store;
use error::ApiError;

/// Largest request body: a ballot of 100 candidates is about 220 KB.
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Longest a request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A per-address token bucket for the endpoints anyone can call in a loop
/// (casting, the voter's result, the organizer's login): a flood from one
/// address gets `429` while every other voter goes on.
pub(crate) struct RateLimit {
    per_second: f64,
    burst: f64,
    buckets: std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, (f64, Instant)>>,
}

impl RateLimit {
    /// `per_second` requests per second per address, bursts of `burst`;
    /// `per_second = 0` turns the limit off.
    pub fn new(per_second: f64, burst: f64) -> Self {
        RateLimit {
            per_second,
            burst,
            buckets: Default::default(),
        }
    }

    /// Takes a token for `ip`; false when its bucket is empty.
    pub fn allow(&self, ip: std::net::IpAddr) -> bool {
        if self.per_second <= 0.0 {
            return true;
        }
        let now = Instant::now();
        let mut b = self.buckets.lock().expect("rate limit lock");
        if b.len() > 100_000 {
            b.retain(|_, (_, t)| now.duration_since(*t) < Duration::from_secs(60));
        }
        let (tokens, last) = b.entry(ip).or_insert((self.burst, now));
        *tokens =
            (*tokens + now.duration_since(*last).as_secs_f64() * self.per_second).min(self.burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// What the handlers share.
#[derive(Clone)]
pub(crate) struct AppState {
    /// Every election.
    pub registry: Arc<Registry>,
    /// The store.
    pub store: Arc<dyn Store>,
    /// The organizer's argon2 password hash.
    pub organizer_hash: Arc<str>,
    /// The per-address limit on the open endpoints.
    pub rate_limit: Arc<RateLimit>,
    /// The superior body's campaigns and its officers' sessions.
    pub campaigns: Arc<crate::campaign::Campaigns>,
}

/// The router with every route and layer.
pub(crate) fn router(state: AppState) -> Router {
    use api::*;
    let limit = state.rate_limit.clone();
    let api = Router::new()
        .route("/api/openapi.json", get(openapi::openapi))
        .route("/api/login", post(login))
        .route("/api/elections", get(list).post(create))
        .route("/api/elections/{id}", get(view).put(edit).delete(delete))
        .route("/api/elections/{id}/seal", post(seal))
        .route("/api/elections/{id}/trustees", post(trustee_key))
        .route("/api/elections/{id}/dealings", post(dealing))
        .route("/api/elections/{id}/complaints", post(complaint))
        .route("/api/elections/{id}/shares_ok", post(shares_ok))
        .route("/api/elections/{id}/quorum", post(quorum))
        .route("/api/elections/{id}/credentials", post(credentials))
        .route("/api/elections/{id}/cancel", post(cancel))
        .route("/api/elections/{id}/open", post(open))
        .route("/api/elections/{id}/close", post(close))
        .route("/api/elections/{id}/ballots", post(cast))
        .route("/api/elections/{id}/audits", post(audit_post))
        .route("/api/elections/{id}/audits/{seal}", get(audit_get))
        .route("/api/elections/{id}/log", get(log))
        .route("/api/elections/{id}/head", get(head))
        .route("/api/elections/{id}/tracking/{code}", get(tracking))
        .route(
            "/api/elections/{id}/credentials/{public}",
            get(credential_status),
        )
        .route("/api/elections/{id}/totals", get(totals))
        .route("/api/elections/{id}/decryptions", post(decryption))
        .route(
            "/api/elections/{id}/result",
            get(result).post(result_publish),
        )
        .route("/api/elections/{id}/result/voter", post(voter_result))
        .route("/api/elections/{id}/minutes", get(minutes));
    api.merge(campaign::routes())
        .merge(dossier::routes())
        .merge(crate::web::routes())
        .fallback(not_found)
        .with_state(state)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(json_rejections))
        .layer(middleware::from_fn(time_limit))
        .layer(middleware::from_fn(move |req, next| {
            rate_limited(limit.clone(), req, next)
        }))
        .layer(middleware::from_fn(security_headers))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(middleware::from_fn(request_log))
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "Không có trang này.",
        "No such page.",
    )
}

/// axum answers some refusals itself, before any handler runs: a body over
/// [`BODY_LIMIT`] (413), a method the route does not have (405), a path
/// that does not decode (400). They come as plain text or empty; here they
/// become the API's JSON errors, so that every refusal has a stable code and
/// both languages. HTML answers (the pages) are left alone.
async fn json_rejections(req: Request, next: Next) -> Response {
    let r = next.run(req).await;
    let plain = r
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
    if !r.status().is_client_error() || !plain {
        return r;
    }
    let e = match r.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "Nội dung gửi lên quá lớn (tối đa 1 MiB).",
            "The request body is too large (at most 1 MiB).",
        ),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method",
            "Địa chỉ này không nhận phương thức này.",
            "This address does not accept this method.",
        ),
        status => ApiError::new(
            status,
            "malformed",
            "Yêu cầu không hợp lệ.",
            "Malformed request.",
        ),
    };
    let allow = r.headers().get(header::ALLOW).cloned();
    let mut out = e.into_response();
    if let Some(allow) = allow {
        out.headers_mut().insert(header::ALLOW, allow);
    }
    out
}

/// Whether [`RateLimit`] applies to a request: casting, the voter's result
/// and the two logins (organizer, officer). `path` is a request's path or a route's pattern (the
/// OpenAPI description documents `429` from the same rule).
pub(crate) fn rate_limited_route(method: &axum::http::Method, path: &str) -> bool {
    method == axum::http::Method::POST
        && (path.ends_with("/ballots")
            || path.ends_with("/audits")
            || path.ends_with("/result/voter")
            || path == "/api/login"
            || path == "/api/officer/login")
}

/// Applies [`RateLimit`] to the routes of [`rate_limited_route`].
async fn rate_limited(limit: Arc<RateLimit>, req: Request, next: Next) -> Response {
    if rate_limited_route(req.method(), req.uri().path()) {
        let ip = req
            .extensions()
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        if let Some(ip) = ip {
            if !limit.allow(ip) {
                return ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    "Quá nhiều yêu cầu từ thiết bị này; vui lòng đợi giây lát rồi thử lại.",
                    "Too many requests from this device; wait a moment and try again.",
                )
                .into_response();
            }
        }
    }
    next.run(req).await
}

async fn time_limit(req: Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "Máy chủ bận, vui lòng thử lại.",
            "The server took too long; try again.",
        )
        .into_response(),
    }
}

async fn security_headers(req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/static/");
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    // A handler may set a stricter policy of its own (the minutes page).
    h.entry(header::CONTENT_SECURITY_POLICY).or_insert(
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    // A handler may allow its own framer (the kiosk's voter page, web.rs).
    h.entry(header::X_FRAME_OPTIONS)
        .or_insert(HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // The pages' files may be cached for an hour (a phone on a slow room
    // Wi-Fi loads the wasm module once). The public log carries an ETag: it
    // may be kept and asked for again with `If-None-Match` (a 304 costs
    // nothing however long the log). Everything else, never.
    let cache = if is_static {
        "public, max-age=3600"
    } else if h.contains_key(header::ETAG) {
        "no-cache"
    } else {
        "no-store"
    };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    r
}

async fn request_log(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "<unmatched>".to_owned(), |m| m.as_str().to_owned());
    let start = Instant::now();
    let r = next.run(req).await;
    tracing::info!(%method, route, status = r.status().as_u16(), ms = start.elapsed().as_millis() as u64, "request");
    r
}
