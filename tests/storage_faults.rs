//! A damaged data directory gives a clear error naming what is damaged:
//! never a crash, never a silently shortened log.

mod common;

use std::path::Path;
use std::process::Command;

use common::{input, marks, Meeting, Server, TempDir, BIN};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// `serve` on `store` must refuse to start, with `expect` in its message
/// (a server that starts instead is stopped after 30 s and fails the test).
fn refuses_to_start(store: &Path, expect: &str) {
    let err_path = store.with_extension("refused.err");
    let mut serve = Command::new(BIN)
        .arg("serve")
        .arg("--data")
        .arg(store)
        .args(["--bind", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let status = loop {
        if let Some(st) = serve.try_wait().unwrap() {
            break Some(st);
        }
        if std::time::Instant::now() > deadline {
            let _ = serve.kill();
            let _ = serve.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let err = std::fs::read_to_string(&err_path).unwrap_or_default();
    let _ = std::fs::remove_file(&err_path);
    let status = status.unwrap_or_else(|| panic!("the server started on the store: {err}"));
    assert_eq!(status.code(), Some(2), "refused with exit code 2: {err}");
    assert!(
        err.contains(expect),
        "the message says what is damaged: {err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_store_rolled_back_behind_its_receipts_is_refused() {
    let dir = TempDir::new("rollback");
    let store = dir.path().join("store");
    let mut server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 6, 1)).await;
    m.prepare(6, 6).await;
    let b = m
        .ballot(&m.credentials[0].clone(), &marks(&["high", "low"]), None)
        .await;
    m.cast(&b).await.unwrap();
    server.kill();
    // An older copy of the engine's files, as a disk that lost its last
    // writes (or a restore from a stale backup) would leave.
    let old = dir.path().join("old");
    copy_dir(&store, &old);
    let mut server = Server::start(dir.path()).await;
    m.client = server.client.clone();
    for i in 1..3 {
        let b = m
            .ballot(&m.credentials[i].clone(), &marks(&["low", "none"]), None)
            .await;
        m.cast(&b).await.expect("acknowledged");
    }
    server.kill();
    for e in std::fs::read_dir(&store).unwrap().flatten() {
        if e.file_name() != "witness" {
            let p = e.path();
            if p.is_dir() {
                std::fs::remove_dir_all(&p).unwrap();
            } else {
                std::fs::remove_file(&p).unwrap();
            }
        }
    }
    for e in std::fs::read_dir(&old).unwrap().flatten() {
        if e.file_name() != "witness" {
            let to = store.join(e.file_name());
            if e.path().is_dir() {
                copy_dir(&e.path(), &to);
            } else {
                std::fs::copy(e.path(), to).unwrap();
            }
        }
    }
    refuses_to_start(&store, &format!("election {}", m.created.id));
    refuses_to_start(&store, "was acknowledged");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_truncated_or_garbled_store_is_refused_or_served_whole() {
    let dir = TempDir::new("garbled");
    let store = dir.path().join("store");
    let mut server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 6, 1)).await;
    m.prepare(6, 6).await;
    for i in 0..3 {
        let b = m
            .ballot(&m.credentials[i].clone(), &marks(&["high", "low"]), None)
            .await;
        m.cast(&b).await.unwrap();
    }
    let log = m.log().await;
    server.kill();
    let pristine = dir.path().join("pristine");
    copy_dir(&store, &pristine);

    let db = store.join("db");
    let len = std::fs::metadata(&db).unwrap().len();
    type Damage = Box<dyn Fn(&Path)>;
    let damages: Vec<(&str, Damage)> = vec![
        (
            "truncated to half",
            Box::new(move |p: &Path| {
                let f = std::fs::OpenOptions::new().write(true).open(p).unwrap();
                f.set_len(len / 2).unwrap();
            }),
        ),
        (
            "truncated to 100 bytes",
            Box::new(|p: &Path| {
                let f = std::fs::OpenOptions::new().write(true).open(p).unwrap();
                f.set_len(100).unwrap();
            }),
        ),
        (
            "garbled in the middle",
            Box::new(move |p: &Path| {
                let mut b = std::fs::read(p).unwrap();
                let mid = b.len() / 2;
                for x in &mut b[mid..(mid + 4096).min(len as usize)] {
                    *x ^= 0x5a;
                }
                std::fs::write(p, b).unwrap();
            }),
        ),
        (
            "emptied",
            Box::new(|p: &Path| std::fs::write(p, b"").unwrap()),
        ),
    ];
    for (what, damage) in damages {
        let _ = std::fs::remove_dir_all(&store);
        copy_dir(&pristine, &store);
        damage(&db);
        // The server: refuses (exit 2, naming the data directory) or starts.
        let err_path = dir.path().join("serve.err");
        let mut serve = Command::new(BIN)
            .arg("serve")
            .arg("--data")
            .arg(&store)
            .args(["--bind", "127.0.0.1:0"])
            .env("RUST_LOG", "warn")
            .stdin(std::process::Stdio::null())
            .stderr(std::fs::File::create(&err_path).unwrap())
            .spawn()
            .unwrap();
        let mut exited = None;
        for _ in 0..60 {
            if let Some(st) = serve.try_wait().unwrap() {
                exited = Some(st);
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = serve.kill();
        let _ = serve.wait();
        let err = std::fs::read_to_string(&err_path).unwrap_or_default();
        assert!(
            !err.contains("panicked"),
            "{what}: the server does not crash: {err}"
        );
        if let Some(st) = exited {
            assert_eq!(st.code(), Some(2), "{what}: {err}");
            assert!(
                err.contains(store.to_str().unwrap()) || err.contains("election"),
                "{what}: names the damage: {err}"
            );
        }
        // The archive: the whole, unchanged log, or a clear refusal.
        let _ = std::fs::remove_file(dir.path().join("exported.jsonl"));
        let out = Command::new(BIN)
            .arg("export")
            .arg("--data")
            .arg(&store)
            .args(["--election", &m.created.id, "--out"])
            .arg(dir.path().join("exported.jsonl"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            !err.contains("panicked"),
            "{what}: export does not crash: {err}"
        );
        if out.status.code() == Some(2) {
            assert!(
                err.contains("damaged")
                    || err.contains("cannot open")
                    || err.contains("missing")
                    || err.contains("acknowledged"),
                "{what}: {err}"
            );
        } else {
            let exported = std::fs::read(dir.path().join("exported.jsonl")).unwrap();
            assert_eq!(
                exported,
                log.to_vec(),
                "{what}: served whole, or not at all"
            );
        }
    }
}

/// Rewrites the stored settings of election `id` (the server stopped).
fn edit_settings(store: &Path, id: &str, change: impl FnOnce(&mut serde_json::Value)) {
    use tinnhiem_server::store::{SledStore, Store};
    let s = SledStore::open(store).unwrap();
    let (_, bytes) = s
        .metas()
        .unwrap()
        .into_iter()
        .find(|(m, _)| m == id)
        .expect("the election's settings");
    let mut meta: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    change(&mut meta);
    s.put_meta(id, &serde_json::to_vec(&meta).unwrap()).unwrap();
    s.flush().unwrap();
}

/// Issue 10, item 1: settings that differ from line 0 (what every ballot is
/// bound to) are refused on start, naming the election: the pages would
/// otherwise show another election than the one voted on.
#[tokio::test(flavor = "multi_thread")]
async fn settings_that_differ_from_line_0_are_refused_naming_the_election() {
    let dir = TempDir::new("settings-differ");
    let store = dir.path().join("store");
    let mut server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 6, 1)).await;
    m.seal().await;
    server.kill();
    edit_settings(&store, m.id(), |meta| {
        meta["input"]["candidates"]
            .as_array_mut()
            .expect("candidates")
            .swap(0, 1);
    });
    refuses_to_start(&store, &format!("election {}", m.created.id));
    refuses_to_start(&store, "line 0");
}

/// Issue 10, item 8: a crash after line 0 is durable but before the
/// settings say "sealed" leaves a store that starts: line 0 decides.
#[tokio::test(flavor = "multi_thread")]
async fn a_crash_between_line_0_and_the_settings_is_recovered_from_line_0() {
    let dir = TempDir::new("seal-crash");
    let store = dir.path().join("store");
    let mut server = Server::start(dir.path()).await;
    let mut m = Meeting::create(&server.client, &input(2, 6, 1)).await;
    m.seal().await;
    let log = m.log().await;
    server.kill();
    // The settings as they were before the seal was recorded in them.
    edit_settings(&store, m.id(), |meta| meta["sealed"] = false.into());
    let server = Server::start(dir.path()).await;
    m.client = server.client.clone();
    let view = m.view().await;
    assert_eq!((view.phase.as_str(), view.log_length), ("setup", 1));
    assert_eq!(m.log().await, log);
    // An edit is refused: line 0 is written.
    let mut edited = input(2, 6, 1);
    edited.title = "Khác".into();
    let token = common::login(&m.client, common::PASSWORD).await.unwrap();
    let r = m
        .client
        .send(hyper::Method::PUT, &m.base, Some(&edited), Some(&token))
        .await;
    assert_eq!(
        r.err().and_then(|e| e.code().map(str::to_owned)).as_deref(),
        Some("phase")
    );
    // The meeting goes on.
    m.enroll_all().await;
    assert!(m.view().await.election_key.is_some());
}
