//! A real server on a free loopback port with a temporary store, for `demo`
//! and `simulate` without `--server`.

use std::path::PathBuf;

use tokio::sync::oneshot;

use crate::server::{serve_until, Config};

/// A running local server.
pub struct LocalServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The organizer's password (random, never printed).
    pub password: String,
    data: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<Result<(), String>>>,
}

impl LocalServer {
    /// Starts it (inside a tokio runtime).
    pub async fn start() -> Result<LocalServer, String> {
        let data = std::env::temp_dir().join(format!(
            "tinnhiem-store-{}-{}",
            std::process::id(),
            crate::auth::new_code()
        ));
        let password = crate::auth::new_code();
        let (ready_tx, ready_rx) = oneshot::channel();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let config = Config {
            data: data.clone(),
            bind: "127.0.0.1:0".parse().expect("loopback address"),
            organizer_password: Some(password.clone()),
            tls: None,
            // The demo, simulate and the load test send every voter from
            // this one address.
            rate_limit: 0.0,
        };
        let task = tokio::spawn(serve_until(config, Some(ready_tx), async {
            let _ = stop_rx.await;
        }));
        let addr = match ready_rx.await {
            Ok(a) => a,
            Err(_) => {
                let e = task.await.map_err(|e| e.to_string())?;
                return Err(format!("the local server did not start: {e:?}"));
            }
        };
        Ok(LocalServer {
            base: format!("http://{addr}"),
            password,
            data,
            stop: Some(stop_tx),
            task: Some(task),
        })
    }

    /// Stops it and removes its store.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
        let _ = std::fs::remove_dir_all(&self.data);
    }
}
