//! A real server on a free loopback port with a temporary store, for `demo`
//! and `simulate` without `--server`.

use std::path::PathBuf;

use tokio::sync::oneshot;

use tinnhiem_server::auth::new_code;
use tinnhiem_server::Server;

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
            new_code()
        ));
        let password = new_code();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        // As it said when the server ran in its own task: the error's Debug.
        let failed = |e: String| format!("the local server did not start: {:?}", Err::<(), _>(e));
        let server = Server::builder()
            .data(data.clone())
            .bind("127.0.0.1:0".parse().expect("loopback address"))
            .organizer_password(password.clone())
            // The demo, simulate and the load test send every voter from
            // this one address.
            .rate_limit(0.0)
            .build()
            .map_err(failed)?;
        let listening = server.listen().await.map_err(failed)?;
        let addr = listening.local_addr();
        let task = tokio::spawn(listening.serve(async {
            let _ = stop_rx.await;
        }));
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
