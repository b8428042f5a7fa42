//! Any request body to any API endpoint, through the real router and
//! handlers (with an in-memory store): never a panic, never a 5xx other than
//! the documented 503, and every refusal is the API's JSON error. The first
//! byte picks the endpoint and the phase the election is in; the rest is
//! the body.
#![no_main]

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use tinnhiem_server::store::{Item, Store, StoreError};
use tinnhiem_server::Server;
use tower::ServiceExt;

/// The store, in memory.
#[derive(Default)]
struct MemStore {
    meta: Mutex<HashMap<String, Vec<u8>>>,
    settings: Mutex<HashMap<String, Vec<u8>>>,
    logs: Mutex<HashMap<String, Vec<Vec<u8>>>>,
    items: Mutex<std::collections::BTreeMap<(String, Vec<u8>), Vec<u8>>>,
}

impl Store for MemStore {
    fn metas(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        Ok(self
            .meta
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }
    fn put_meta(&self, id: &str, meta: &[u8]) -> Result<(), StoreError> {
        self.meta.lock().unwrap().insert(id.into(), meta.to_vec());
        Ok(())
    }
    fn get_setting(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.settings.lock().unwrap().get(key).cloned())
    }
    fn put_setting(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.settings
            .lock()
            .unwrap()
            .insert(key.into(), value.to_vec());
        Ok(())
    }
    fn delete_setting(&self, key: &str) -> Result<(), StoreError> {
        self.settings.lock().unwrap().remove(key);
        Ok(())
    }
    fn put_item(&self, id: &str, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        self.items
            .lock()
            .unwrap()
            .insert((id.into(), key.to_vec()), value.to_vec());
        Ok(())
    }
    fn items(&self, id: &str, prefix: &[u8]) -> Result<Vec<Item>, StoreError> {
        Ok(self
            .items
            .lock()
            .unwrap()
            .iter()
            .filter(|((i, k), _)| i == id && k.starts_with(prefix))
            .map(|((_, k), v)| (k.clone(), v.clone()))
            .collect())
    }
    fn remove_items(&self, id: &str, keys: &[Vec<u8>]) -> Result<(), StoreError> {
        let mut items = self.items.lock().unwrap();
        for k in keys {
            items.remove(&(id.to_owned(), k.clone()));
        }
        Ok(())
    }
    fn lines(&self, id: &str) -> Result<Vec<Vec<u8>>, StoreError> {
        Ok(self
            .logs
            .lock()
            .unwrap()
            .get(id)
            .cloned()
            .unwrap_or_default())
    }
    fn append(&self, id: &str, first_seq: u64, lines: &[Vec<u8>]) -> Result<(), StoreError> {
        let mut logs = self.logs.lock().unwrap();
        let log = logs.entry(id.into()).or_default();
        log.truncate(first_seq as usize);
        log.extend(lines.iter().cloned());
        Ok(())
    }
    fn flush(&self) -> Result<(), StoreError> {
        Ok(())
    }
    fn delete(&self, id: &str) -> Result<(), StoreError> {
        if self
            .logs
            .lock()
            .unwrap()
            .get(id)
            .is_some_and(|l| !l.is_empty())
        {
            return Err(StoreError::HasLog(id.into()));
        }
        self.meta.lock().unwrap().remove(id);
        self.items.lock().unwrap().retain(|(i, _), _| i != id);
        Ok(())
    }
}

struct World {
    rt: tokio::runtime::Runtime,
    app: axum::Router,
    token: String,
    draft: String,
    sealed: String,
    /// An officer's session and a campaign (the superior body's routes).
    officer: String,
    campaign: String,
}

/// One request to `app` in process: the status and the JSON answer (`null`
/// when there is none).
async fn call(
    app: &axum::Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let body = match body {
        Some(v) => {
            req = req.header("content-type", "application/json");
            Body::from(serde_json::to_vec(&v).unwrap())
        }
        None => Body::empty(),
    };
    let resp = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (app, token, draft, sealed, officer, campaign) = rt.block_on(async {
            let server = Server::builder()
                .store(Arc::new(MemStore::default()))
                .organizer_password("pw")
                .officer_password("officer-pw")
                .rate_limit(0.0)
                .build()
                .unwrap();
            let app = server.router();
            // The set-up through the API itself: the organizer logs in,
            // creates two meetings and seals one.
            let (_, login) = call(
                &app,
                "POST",
                "/api/login",
                None,
                Some(json!({"password": "pw"})),
            )
            .await;
            let token = login["token"].as_str().unwrap().to_owned();
            let input = json!({
                "title": "T", "unit": "U", "date": "2026-11-28",
                "candidates": [{"name": "A", "position": "P"}, {"name": "B", "position": "Q"}],
                "summoned": 3, "committee": ["M", "N"]
            });
            let mut ids = Vec::new();
            for _ in 0..2 {
                let (status, created) = call(
                    &app,
                    "POST",
                    "/api/elections",
                    Some(&token),
                    Some(input.clone()),
                )
                .await;
                assert_eq!(status, StatusCode::CREATED, "{created}");
                ids.push(created["id"].as_str().unwrap().to_owned());
            }
            let seal = format!("/api/elections/{}/seal", ids[1]);
            let (status, _) = call(&app, "POST", &seal, Some(&token), None).await;
            assert_eq!(status, StatusCode::NO_CONTENT);
            let sealed = ids.pop().unwrap();
            let draft = ids.pop().unwrap();
            let (_, login) = call(
                &app,
                "POST",
                "/api/officer/login",
                None,
                Some(json!({"password": "officer-pw"})),
            )
            .await;
            let officer = login["token"].as_str().unwrap().to_owned();
            let (status, c) = call(
                &app,
                "POST",
                "/api/campaigns",
                Some(&officer),
                Some(json!({"name": "C", "deadline": "2026-12-31", "units": ["U"]})),
            )
            .await;
            assert_eq!(status, StatusCode::CREATED, "{c}");
            let campaign = c["id"].as_str().unwrap().to_owned();
            (app, token, draft, sealed, officer, campaign)
        });
        World {
            rt,
            app,
            token,
            draft,
            sealed,
            officer,
            campaign,
        }
    })
}

const ROUTES: &[(&str, &str)] = &[
    ("POST", "/api/login"),
    ("POST", "/api/elections"),
    ("PUT", "/api/elections/{id}"),
    ("POST", "/api/elections/{id}/trustees"),
    ("POST", "/api/elections/{id}/dealings"),
    ("POST", "/api/elections/{id}/complaints"),
    ("POST", "/api/elections/{id}/shares_ok"),
    ("POST", "/api/elections/{id}/quorum"),
    ("POST", "/api/elections/{id}/credentials"),
    ("POST", "/api/elections/{id}/cancel"),
    ("POST", "/api/elections/{id}/open"),
    ("POST", "/api/elections/{id}/close"),
    ("POST", "/api/elections/{id}/ballots"),
    ("POST", "/api/elections/{id}/decryptions"),
    ("POST", "/api/elections/{id}/result"),
    ("POST", "/api/elections/{id}/result/voter"),
    ("GET", "/api/elections/{id}/tracking/{body}"),
    ("GET", "/api/elections/{id}/credentials/{body}"),
    // The body is a document of the leader's dossier (a PDF, or refused).
    ("PUT", "/api/elections/{id}/dossier?name=ho-so.pdf"),
    ("GET", "/api/elections/{id}/dossier/{body}"),
    ("DELETE", "/api/elections/{id}/dossier/{body}"),
    ("POST", "/api/officer/login"),
    ("POST", "/api/campaigns"),
    ("POST", "/api/campaigns/{campaign}/elections"),
    // The body is a unit's log file: verified, refused at its first bad line.
    ("POST", "/api/campaigns/{campaign}/logs?name=fuzz.jsonl"),
    // The voter's audit (PROTOCOL.md §5.6): an opening, and a seal code.
    ("POST", "/api/elections/{id}/audits"),
    ("GET", "/api/elections/{id}/audits/{body}"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let w = world();
    let (method, path) = ROUTES[pick as usize % ROUTES.len()];
    let id = if pick & 0x80 != 0 {
        &w.sealed
    } else {
        &w.draft
    };
    let mut path = path.replace("{id}", id).replace("{campaign}", &w.campaign);
    if path.contains("{body}") {
        let code: String = String::from_utf8_lossy(body)
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(80)
            .collect();
        if code.is_empty() {
            return;
        }
        path = path.replace("{body}", &code);
    }
    let mut req = Request::builder()
        .method(method)
        .uri(&path)
        .header("content-type", "application/json");
    if pick & 0x40 != 0 {
        let token = if path.starts_with("/api/campaigns") {
            &w.officer
        } else {
            &w.token
        };
        req = req.header("authorization", format!("Bearer {token}"));
    }
    let req = req.body(Body::from(body.to_vec())).unwrap();
    let resp = w.rt.block_on(w.app.clone().oneshot(req)).unwrap();
    let status = resp.status();
    assert!(
        !status.is_server_error() || status == StatusCode::SERVICE_UNAVAILABLE,
        "{method} {path}: {status}"
    );
    if !status.is_success() {
        let bytes =
            w.rt.block_on(axum::body::to_bytes(resp.into_body(), 1 << 20))
                .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).expect("refusals are JSON");
        assert!(v["error"].is_string() && v["message"].is_string() && v["message_en"].is_string());
    }
});
