//! A small HTTP and HTTPS client for the API, used by `demo`, `simulate
//! --server`, `export --server`, the committee's commands and the load tool:
//! the actors of a meeting talk to the server exactly as the pages do.
//!
//! HTTPS trusts only what the user hands over with `--ca`: a PEM file with
//! the server's own (usually self-signed) certificate, or the CA that signed
//! it. The system's roots are not used: in a meeting room they would not
//! cover the server's certificate anyway, and reading them portably needs
//! another crate. So an `https://` URL without a CA is refused before any
//! connection is made ([`ClientError::NoCa`]); a public CA's certificate can
//! be trusted by passing the system bundle as `--ca`. There is no way to skip
//! verification, on purpose.
//!
//! The connection is hyper-util's `HttpConnector` for TCP with rustls (the
//! `ring` provider, as the server) on top when the URL says `https`, so the
//! pool keeps TLS connections open between requests like plain ones.

use std::future::Future;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::http::uri::Scheme;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls;
use tokio_rustls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use tokio_rustls::rustls::client::{verify_server_name, WebPkiServerVerifier};
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::rustls::server::ParsedCertificate;
use tokio_rustls::rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_rustls::TlsConnector;
use tower_service::Service;

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
    /// The server's address is not an `http://` or `https://` URL.
    #[error(
        "địa chỉ máy chủ không hợp lệ: {base}; cần http://máy:cổng hoặc https://máy:cổng \
         (not a server URL: {base}; use http://host:port or https://host:port)"
    )]
    BadUrl {
        /// What was given.
        base: String,
    },
    /// An `https://` server and no certificate to trust.
    #[error(
        "máy chủ {server} dùng HTTPS nhưng chưa có chứng chỉ để tin cậy: thêm --ca TỆP \
         (tệp PEM chứng chỉ của máy chủ, hoặc của CA đã ký nó) hoặc đặt biến TINNHIEM_CA \
         ({server} uses HTTPS and no certificate to trust was given: pass --ca FILE, the \
         server's PEM certificate or its CA's, or set TINNHIEM_CA)"
    )]
    NoCa {
        /// The server's base URL.
        server: String,
    },
    /// A CA given for a plain `http://` server, where it would protect
    /// nothing: most likely the `s` was forgotten.
    #[error(
        "đã cho --ca (hoặc TINNHIEM_CA) nhưng máy chủ {server} không dùng HTTPS: dùng https:// \
         (a CA was given with --ca or TINNHIEM_CA but {server} is not https://: use https://)"
    )]
    CaWithoutHttps {
        /// The server's base URL.
        server: String,
    },
    /// The `--ca` file cannot be read or holds no certificate.
    #[error(
        "không dùng được tệp chứng chỉ {} (cannot use the certificate file {}): {reason}",
        .path.display(),
        .path.display()
    )]
    CaFile {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The server's certificate is not one the client trusts.
    #[error(
        "chứng chỉ của máy chủ {server} bị từ chối: {} (the certificate of {server} is not \
         trusted: {}{}); kiểm tra --ca (check --ca)",
        .problem.vi(),
        .problem.en(),
        .detail.as_ref().map(|d| format!(": {d}")).unwrap_or_default()
    )]
    Certificate {
        /// The server's base URL.
        server: String,
        /// What is wrong with it.
        problem: CertificateProblem,
        /// rustls's own words, when they say more.
        detail: Option<String>,
    },
    /// The TLS handshake failed for another reason (for example, the server
    /// does not speak TLS).
    #[error(
        "không bắt tay TLS được với máy chủ {server} (TLS handshake with {server} failed): \
         {reason}; máy chủ có chạy với --tls-cert không? (is it running with --tls-cert?)"
    )]
    Tls {
        /// The server's base URL.
        server: String,
        /// Why.
        reason: String,
    },
}

/// Why a server's certificate was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateProblem {
    /// Neither one of the trusted certificates nor signed by one.
    UnknownIssuer,
    /// Not issued for the name or address in the URL.
    NameMismatch,
    /// Expired, or not valid yet.
    OutOfDate,
    /// A signature does not verify: the certificate was signed by another
    /// CA of the same name as one given, or the server does not hold its
    /// key.
    BadSignature,
    /// Anything else (a bad signature, a bad encoding, the wrong purpose...).
    Other,
}

impl CertificateProblem {
    fn vi(&self) -> &'static str {
        match self {
            Self::UnknownIssuer => "không phải chứng chỉ trong --ca và không do CA trong --ca ký",
            Self::NameMismatch => "không cấp cho tên hoặc địa chỉ này",
            Self::OutOfDate => "đã hết hạn hoặc chưa có hiệu lực",
            Self::BadSignature => {
                "chữ ký không khớp: do một CA khác cùng tên ký, hoặc máy chủ không giữ khoá của nó"
            }
            Self::Other => "không hợp lệ",
        }
    }

    fn en(&self) -> &'static str {
        match self {
            Self::UnknownIssuer => "not a certificate in --ca nor signed by one",
            Self::NameMismatch => "not issued for this name or address",
            Self::OutOfDate => "expired or not yet valid",
            Self::BadSignature => {
                "a signature does not match: signed by another CA of the same name, or the \
                 server does not hold its key"
            }
            Self::Other => "invalid",
        }
    }

    fn of(e: &CertificateError) -> Self {
        match e {
            CertificateError::UnknownIssuer => Self::UnknownIssuer,
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                Self::NameMismatch
            }
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. } => Self::OutOfDate,
            CertificateError::BadSignature => Self::BadSignature,
            _ => Self::Other,
        }
    }
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
    http: HyperClient<Connector, Full<Bytes>>,
}

impl Client {
    /// A client for `base` (`http://host:port`, no trailing slash). An
    /// `https://` base trusts nothing, so every request fails with
    /// [`ClientError::NoCa`]: use [`Client::with_ca`].
    pub fn new(base: &str) -> Self {
        Self::build(base, None, None)
    }

    /// A client whose connections leave from `local` (a test of a second
    /// device on loopback: 127.0.0.2).
    pub fn from_address(base: &str, local: Option<IpAddr>) -> Self {
        Self::build(base, local, None)
    }

    /// A client for `base`, `http://host:port` or `https://host:port`; an
    /// `https://` server must present a certificate from the PEM file `ca`
    /// (one of its certificates, or one signed by one of them) issued for
    /// the host in `base`. Refuses at once an `https://` base without `ca`,
    /// a `ca` with an `http://` base, and a `ca` that cannot be used.
    pub fn with_ca(base: &str, ca: Option<&Path>) -> Result<Self, ClientError> {
        let trimmed = base.trim_end_matches('/');
        let https = match trimmed.parse::<Uri>() {
            Ok(uri) if uri.host().is_some_and(|h| !h.is_empty()) => match uri.scheme_str() {
                Some("https") => true,
                Some("http") => false,
                _ => return Err(bad_url(base)),
            },
            _ => return Err(bad_url(base)),
        };
        let server = trimmed.to_owned();
        let tls = match (https, ca) {
            (true, Some(path)) => Some(tls_connector(path)?),
            (true, None) => return Err(ClientError::NoCa { server }),
            (false, Some(_)) => return Err(ClientError::CaWithoutHttps { server }),
            (false, None) => None,
        };
        Ok(Self::build(base, None, tls))
    }

    fn build(base: &str, local: Option<IpAddr>, tls: Option<TlsConnector>) -> Self {
        let mut tcp = HttpConnector::new();
        tcp.set_nodelay(true);
        tcp.set_local_address(local);
        // The scheme is ours to handle: `https` gets TLS on top.
        tcp.enforce_http(false);
        Client {
            base: base.trim_end_matches('/').to_owned(),
            http: HyperClient::builder(TokioExecutor::new())
                .pool_max_idle_per_host(256)
                .build(Connector { tcp, tls }),
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
        let resp = self.http.request(req).await.map_err(|e| self.failure(&e))?;
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

    /// Turns hyper's error into ours: the connector's TLS failures, found
    /// among its causes, become typed errors naming this server.
    fn failure(&self, e: &(dyn std::error::Error + 'static)) -> ClientError {
        let server = || self.base.clone();
        let mut cause = Some(e);
        while let Some(c) = cause {
            match c.downcast_ref::<ConnectFailure>() {
                Some(ConnectFailure::NoCa) => return ClientError::NoCa { server: server() },
                Some(ConnectFailure::Handshake(io)) => return handshake_error(server(), io),
                Some(ConnectFailure::Name(host)) => {
                    return ClientError::Tls {
                        server: server(),
                        reason: format!("{host} is not a name TLS can check"),
                    }
                }
                Some(ConnectFailure::Tcp(tcp)) => {
                    // hyper's own words are only "client error (Connect)".
                    let mut text = format!("{}: {tcp}", self.base);
                    let mut inner = tcp.source();
                    while let Some(i) = inner {
                        text.push_str(&format!(": {i}"));
                        inner = i.source();
                    }
                    return ClientError::Transport(text);
                }
                None => {}
            }
            cause = c.source();
        }
        ClientError::Transport(e.to_string())
    }
}

fn bad_url(base: &str) -> ClientError {
    ClientError::BadUrl {
        base: base.to_owned(),
    }
}

fn handshake_error(server: String, io: &std::io::Error) -> ClientError {
    // tokio-rustls wraps rustls's error in the io::Error it returns.
    match io.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
        Some(rustls::Error::InvalidCertificate(c)) => ClientError::Certificate {
            server,
            problem: CertificateProblem::of(c),
            // The bare variants' words are only their names.
            detail: match c {
                CertificateError::UnknownIssuer
                | CertificateError::NotValidForName
                | CertificateError::Expired
                | CertificateError::NotValidYet
                | CertificateError::BadSignature => None,
                _ => Some(c.to_string()),
            },
        },
        Some(other) => ClientError::Tls {
            server,
            reason: other.to_string(),
        },
        None => ClientError::Tls {
            server,
            reason: io.to_string(),
        },
    }
}

/// Reads the PEM file `path` and makes a TLS connector that trusts it.
fn tls_connector(path: &Path) -> Result<TlsConnector, ClientError> {
    let ca_file = |reason: String| ClientError::CaFile {
        path: path.to_owned(),
        reason,
    };
    let pem = std::fs::read(path).map_err(|e| ca_file(e.to_string()))?;
    let trusted: Vec<CertificateDer<'static>> = rustls_pemfile::certs(&mut pem.as_slice())
        .collect::<Result<_, _>>()
        .map_err(|e| ca_file(format!("not a PEM file of certificates: {e}")))?;
    let mut roots = RootCertStore::empty();
    // A system bundle holds a few certificates webpki cannot use as
    // anchors; skip those, but insist on at least one.
    let (added, _) = roots.add_parsable_certificates(trusted.iter().cloned());
    if added == 0 {
        return Err(ca_file(
            "không có chứng chỉ nào dùng được (no usable certificate)".into(),
        ));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| ca_file(e.to_string()))?;
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ca_file(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(CaVerifier { trusted, webpki }))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsConnector::from(Arc::new(config)))
}

/// Trusts what `--ca` holds: a chain to one of its certificates, checked by
/// webpki exactly as rustls's default verifier does; or, when webpki finds no
/// such chain, the server presenting one of those certificates itself (the
/// certificate is pinned).
///
/// The second case is what makes `--ca cert.pem` work with the server's own
/// certificate, as `curl --cacert` does. `openssl req -x509`, the usual way
/// to make a self-signed certificate, marks it as a CA (basicConstraints
/// `CA:TRUE`), and webpki refuses a CA certificate as a server's own
/// (`CaUsedAsEndEntity`); a server certificate signed by a CA the user was
/// not given has no chain (`UnknownIssuer`). Either is accepted only if it is
/// byte for byte one of the certificates given and names the host in the URL;
/// webpki has already found it within its validity period (it checks the
/// server's certificate on its own, dates first, before looking for an
/// issuer). The handshake's signature is still checked against its key, so
/// only the holder of its private key can present it. This verifier accepts
/// nothing that the user did not hand over ("dangerous" is rustls's word for
/// any custom verifier).
#[derive(Debug)]
struct CaVerifier {
    trusted: Vec<CertificateDer<'static>>,
    webpki: Arc<WebPkiServerVerifier>,
}

impl ServerCertVerifier for CaVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let no_chain = |e: &CertificateError| match e {
            CertificateError::UnknownIssuer => true,
            CertificateError::Other(other) => other.to_string() == "CaUsedAsEndEntity",
            _ => false,
        };
        match self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(e)) if no_chain(&e) => {
                if !self
                    .trusted
                    .iter()
                    .any(|t| t.as_ref() == end_entity.as_ref())
                {
                    // A CA certificate as the server's own that is not one
                    // of ours is, to the user, from an issuer he or she does
                    // not trust.
                    return Err(CertificateError::UnknownIssuer.into());
                }
                verify_server_name(&ParsedCertificate::try_from(end_entity)?, server_name)?;
                Ok(ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// Why the connector could not hand over a connection.
#[derive(Debug, Error)]
enum ConnectFailure {
    #[error("{0}")]
    Tcp(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("https without a certificate to trust")]
    NoCa,
    #[error("{0} is not a TLS server name")]
    Name(String),
    #[error("TLS handshake: {0}")]
    Handshake(#[source] std::io::Error),
}

/// Dials TCP, then TLS if the URL is `https`.
#[derive(Clone)]
struct Connector {
    tcp: HttpConnector,
    /// `None`: plain HTTP only.
    tls: Option<TlsConnector>,
}

impl Service<Uri> for Connector {
    type Response = Stream;
    type Error = ConnectFailure;
    type Future = Pin<Box<dyn Future<Output = Result<Stream, ConnectFailure>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ConnectFailure>> {
        self.tcp
            .poll_ready(cx)
            .map_err(|e| ConnectFailure::Tcp(e.into()))
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let https = dst.scheme() == Some(&Scheme::HTTPS);
        let tls = self.tls.clone();
        let tcp = self.tcp.call(dst.clone());
        Box::pin(async move {
            if https && tls.is_none() {
                return Err(ConnectFailure::NoCa);
            }
            let tcp = tcp.await.map_err(|e| ConnectFailure::Tcp(e.into()))?;
            let Some(tls) = tls.filter(|_| https) else {
                return Ok(Stream::Plain(tcp));
            };
            // `[::1]` in a URL is `::1` to TLS.
            let host = dst.host().unwrap_or_default();
            let host = host.trim_start_matches('[').trim_end_matches(']');
            let name = ServerName::try_from(host)
                .map_err(|_| ConnectFailure::Name(host.to_owned()))?
                .to_owned();
            let tls = tls
                .connect(name, tcp.into_inner())
                .await
                .map_err(ConnectFailure::Handshake)?;
            Ok(Stream::Tls(Box::new(TokioIo::new(tls))))
        })
    }
}

/// A connection, plain or TLS.
enum Stream {
    Plain(TokioIo<TcpStream>),
    /// Boxed: a TLS connection's state is a kilobyte, a TCP one's a few words.
    Tls(Box<TokioIo<TlsStream<TcpStream>>>),
}

impl Connection for Stream {
    fn connected(&self) -> Connected {
        match self {
            Stream::Plain(s) => s.connected(),
            Stream::Tls(s) => s.inner().get_ref().0.connected(),
        }
    }
}

impl Read for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(&mut **s).poll_read(cx, buf),
        }
    }
}

impl Write for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(&mut **s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(&mut **s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(&mut **s).poll_shutdown(cx),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Plain(s) => s.is_write_vectored(),
            Stream::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Stream::Tls(s) => Pin::new(&mut **s).poll_write_vectored(cx, bufs),
        }
    }
}
