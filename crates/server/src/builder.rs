//! Starting the server: [`Server::builder`] gathers the settings,
//! [`Builder::build`] opens the store and sets up the organizer's account,
//! [`Server::listen`] binds the address, and [`Listening::serve`] answers
//! until told to stop.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::election::Registry;
use crate::http::{router, tls, AppState, RateLimit};
use crate::store::{SledStore, Store};

/// Where the server keeps its data.
enum Storage {
    /// A sled directory, created if missing.
    Dir(PathBuf),
    /// A store given by the caller (an in-memory one, for tests and fuzzing).
    Given(Arc<dyn Store>),
}

/// The settings of a [`Server`], from [`Server::builder`].
pub struct Builder {
    storage: Storage,
    bind: SocketAddr,
    organizer_password: Option<String>,
    officer_password: Option<String>,
    today: Option<tinnhiem_core::calendar::Date>,
    tls: Option<(PathBuf, PathBuf)>,
    rate_limit: f64,
}

/// A meeting server whose store is open, not yet listening.
pub struct Server {
    state: AppState,
    bind: SocketAddr,
    tls: Option<TlsAcceptor>,
}

/// A [`Server`] bound to its address, ready to [`serve`](Listening::serve).
pub struct Listening {
    state: AppState,
    listener: TcpListener,
    addr: SocketAddr,
    tls: Option<TlsAcceptor>,
}

impl Server {
    /// The settings, with the defaults of `tinnhiem serve`: data in
    /// `./tinnhiem-data`, listening on `127.0.0.1:8080`, no TLS, the
    /// organizer's password generated on first run, and 5 requests per
    /// second per address on the open endpoints.
    pub fn builder() -> Builder {
        Builder {
            storage: Storage::Dir(PathBuf::from("./tinnhiem-data")),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            organizer_password: None,
            officer_password: None,
            today: None,
            tls: None,
            rate_limit: 5.0,
        }
    }

    /// Every route and layer over this server's state, without a socket
    /// (tests and fuzzing send requests to it in process).
    pub fn router(&self) -> Router {
        router(self.state.clone())
    }

    /// Binds the address, with room for a burst of 4,096 connections at
    /// once (a whole meeting opening the ballot page).
    pub async fn listen(self) -> Result<Listening, String> {
        let listener =
            listen(self.bind).map_err(|e| format!("cannot listen on {}: {e}", self.bind))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        tracing::info!(%addr, "listening");
        Ok(Listening {
            state: self.state,
            listener,
            addr,
            tls: self.tls,
        })
    }
}

impl Builder {
    /// The data directory (sled), created if missing.
    pub fn data(mut self, dir: impl Into<PathBuf>) -> Self {
        self.storage = Storage::Dir(dir.into());
        self
    }

    /// A store of the caller's instead of a data directory.
    pub fn store(mut self, store: Arc<dyn Store>) -> Self {
        self.storage = Storage::Given(store);
        self
    }

    /// The address to listen on (port 0: any free port, see
    /// [`Listening::local_addr`]).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// Sets (or resets) the organizer's password; without it, the stored
    /// one is kept, or on first run one is generated and printed once.
    pub fn organizer_password(mut self, password: impl Into<String>) -> Self {
        self.organizer_password = Some(password.into());
        self
    }

    /// Sets (or resets) the password of the superior body's officers (the
    /// campaign page, R11). Without it the stored one is kept; a server
    /// that was never given one has no officer account, and the campaign
    /// routes refuse everyone.
    pub fn officer_password(mut self, password: impl Into<String>) -> Self {
        self.officer_password = Some(password.into());
        self
    }

    /// The day the campaigns take as today (tests and demonstrations);
    /// without it, the system clock's day in Vietnam (UTC+7).
    pub fn today(mut self, day: tinnhiem_core::calendar::Date) -> Self {
        self.today = Some(day);
        self
    }

    /// HTTPS with a PEM certificate chain and private key.
    pub fn tls(mut self, cert: impl Into<PathBuf>, key: impl Into<PathBuf>) -> Self {
        self.tls = Some((cert.into(), key.into()));
        self
    }

    /// Requests per second per address on the open endpoints (casting, the
    /// voter's result, the login), bursts of three times as many (at least
    /// 10); 0 turns the limit off.
    pub fn rate_limit(mut self, per_second: f64) -> Self {
        self.rate_limit = per_second;
        self
    }

    /// Loads the certificate, opens the store (refusing a damaged one) and
    /// sets up the organizer's account. The error is one sentence for the
    /// operator.
    pub fn build(self) -> Result<Server, String> {
        let tls = match &self.tls {
            Some((cert, key)) => Some(tls::load(cert, key)?),
            None => None,
        };
        let state = open_state(&self)?;
        Ok(Server {
            state,
            bind: self.bind,
            tls,
        })
    }
}

impl Listening {
    /// The address it listens on (its port too, when asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until `shutdown` completes (see [`shutdown_signal`]), then
    /// finishes the requests under way and flushes the store.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), String> {
        let store = self.state.store.clone();
        let app = router(self.state);
        match self.tls {
            Some(a) => tls::serve(self.listener, a, app, shutdown).await?,
            None => axum::serve(
                self.listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(|e| e.to_string())?,
        }
        store.flush().map_err(|e| e.to_string())?;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Opens the store, sets up the organizer account, and returns the state.
/// Prints the organizer's password once when it is generated.
fn open_state(config: &Builder) -> Result<AppState, String> {
    // The storage engine may panic on a damaged directory; turn that into
    // an error that names the directory instead of a crash.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| open_state_inner(config)))
        .unwrap_or_else(|p| {
            let what = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            let dir = match &config.storage {
                Storage::Dir(d) => d.display().to_string(),
                Storage::Given(_) => "(given store)".to_owned(),
            };
            Err(format!(
                "the data directory {dir} is damaged (the storage engine failed: {what})"
            ))
        })
}

fn open_state_inner(config: &Builder) -> Result<AppState, String> {
    let store: Arc<dyn Store> = match &config.storage {
        Storage::Dir(dir) => Arc::new(
            SledStore::open(dir)
                .map_err(|e| format!("cannot open the data directory {}: {e}", dir.display()))?,
        ),
        Storage::Given(store) => store.clone(),
    };
    // The elections first: a damaged store is refused before anything is
    // written to it.
    let registry = Registry::open(store.clone()).map_err(|e| e.to_string())?;
    let hash = match (
        &config.organizer_password,
        store.get_setting("organizer").map_err(|e| e.to_string())?,
    ) {
        (Some(p), _) => {
            let h = crate::auth::hash_password(p);
            store
                .put_setting("organizer", h.as_bytes())
                .map_err(|e| e.to_string())?;
            h
        }
        (None, Some(h)) => String::from_utf8(h)
            .map_err(|_| "the organizer's password hash is damaged".to_string())?,
        (None, None) => {
            let p = crate::auth::new_code();
            let h = crate::auth::hash_password(&p);
            store
                .put_setting("organizer", h.as_bytes())
                .map_err(|e| e.to_string())?;
            // Printed once, to the operator's terminal; never logged.
            println!("Mật khẩu của cơ quan tổ chức (organizer password, shown once): {p}");
            h
        }
    };
    let officer_hash = match (
        &config.officer_password,
        store
            .get_setting(crate::campaign::OFFICER_KEY)
            .map_err(|e| e.to_string())?,
    ) {
        (Some(p), _) => {
            let h = crate::auth::hash_password(p);
            store
                .put_setting(crate::campaign::OFFICER_KEY, h.as_bytes())
                .map_err(|e| e.to_string())?;
            Some(h)
        }
        (None, Some(h)) => Some(
            String::from_utf8(h)
                .map_err(|_| "the officers' password hash is damaged".to_string())?,
        ),
        (None, None) => None,
    };
    let campaigns = Arc::new(crate::campaign::Campaigns::open(
        store.clone(),
        officer_hash,
        config.today,
    )?);
    {
        // The day each campaign election's result appears (R12).
        let (campaigns, registry) = (campaigns.clone(), registry.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                tick.tick().await;
                campaigns.note_results(&registry);
            }
        });
    }
    Ok(AppState {
        registry,
        store,
        campaigns,
        organizer_hash: hash.into(),
        rate_limit: Arc::new(RateLimit::new(
            config.rate_limit,
            (config.rate_limit * 3.0).max(10.0),
        )),
    })
}

/// Connections the kernel may hold for us before `accept`. tokio's default
/// is 1,024: a burst of more voters connecting at the same instant than that
/// got connection resets (the load test's "2,000 at once",
/// docs/PERFORMANCE.md). The kernel caps it at `net.core.somaxconn` (4,096
/// on current Linux).
const LISTEN_BACKLOG: u32 = 4096;

/// Binds `addr` with [`LISTEN_BACKLOG`] (and `SO_REUSEADDR`, as
/// `TcpListener::bind` does, so that a restarted server gets its port back).
fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Completes on Ctrl-C or SIGTERM: what `tinnhiem serve` stops on.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
