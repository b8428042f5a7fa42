//! A small HTTP client for the API, used by `demo`, `simulate --server` and
//! the load tool: the actors of a meeting talk to the server exactly as the
//! pages do.

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::TokioExecutor;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A refusal or a transport failure.
#[derive(Debug, Error)]
pub enum ClientError {
    /// The server could not be reached or the exchange failed.
    #[error("cannot reach the server: {0}")]
    Transport(String),
    /// The server refused with its error body.
    #[error("{status}: {message_en} ({error})")]
    Refused {
        /// HTTP status.
        status: StatusCode,
        /// Stable code (`forged`, `quorum`, ...).
        error: String,
        /// Vietnamese message.
        message: String,
        /// English message.
        message_en: String,
    },
    /// An answer that does not decode.
    #[error("unexpected answer: {0}")]
    Decode(String),
}

impl ClientError {
    /// The refusal code, if the server refused.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Refused { error, .. } => Some(error),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
    message: String,
    message_en: String,
}

/// A client for one server.
#[derive(Clone)]
pub struct Client {
    base: String,
    http: HyperClient<HttpConnector, Full<Bytes>>,
}

impl Client {
    /// A client for `base` (`http://host:port`, no trailing slash).
    pub fn new(base: &str) -> Self {
        Self::from_address(base, None)
    }

    /// A client whose connections leave from `local` (a test of a second
    /// device on loopback: 127.0.0.2).
    pub fn from_address(base: &str, local: Option<std::net::IpAddr>) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_local_address(local);
        Client {
            base: base.trim_end_matches('/').to_owned(),
            http: HyperClient::builder(TokioExecutor::new())
                .pool_max_idle_per_host(256)
                .build(connector),
        }
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sends a request and returns the status and body bytes.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        bearer: Option<&str>,
    ) -> Result<(StatusCode, Bytes), ClientError> {
        let mut req = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if body.is_some() {
            req = req.header("content-type", "application/json");
        }
        if let Some(t) = bearer {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = req
            .body(Full::new(Bytes::from(body.unwrap_or_default())))
            .map_err(|e| ClientError::Transport(e.to_string()))?;
        let resp = self
            .http
            .request(req)
            .await
            .map_err(|e| ClientError::Transport(e.to_string()))?;
        let status = resp.status();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| ClientError::Transport(e.to_string()))?
            .to_bytes();
        Ok((status, bytes))
    }

    /// Sends JSON (or nothing) and decodes a JSON answer; a non-2xx answer
    /// becomes [`ClientError::Refused`].
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
        bearer: Option<&str>,
    ) -> Result<T, ClientError> {
        let bytes = self.send(method, path, body, bearer).await?;
        let bytes = if bytes.is_empty() {
            Bytes::from_static(b"null")
        } else {
            bytes
        };
        serde_json::from_slice(&bytes).map_err(|e| ClientError::Decode(e.to_string()))
    }

    /// Like [`Client::call`] but returns the body bytes.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
        bearer: Option<&str>,
    ) -> Result<Bytes, ClientError> {
        let body = body.map(|b| serde_json::to_vec(b).expect("request serializes"));
        let (status, bytes) = self.raw(method, path, body, bearer).await?;
        if status.is_success() {
            return Ok(bytes);
        }
        match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(e) => Err(ClientError::Refused {
                status,
                error: e.error,
                message: e.message,
                message_en: e.message_en,
            }),
            Err(_) => Err(ClientError::Refused {
                status,
                error: "http".into(),
                message: String::from_utf8_lossy(&bytes).into_owned(),
                message_en: String::from_utf8_lossy(&bytes).into_owned(),
            }),
        }
    }
}
