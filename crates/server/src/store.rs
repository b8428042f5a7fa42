//! Storage: what the server keeps on disk, behind a small trait so that
//! another engine can replace sled.
//!
//! Per election: its metadata (the draft, hashes of the access codes, the
//! server's signing key for its log, refusal counters) and its log lines,
//! keyed by sequence number (8 bytes big-endian, so sled's order is the log's
//! order), and beside the log a small keyed space of items (the audits
//! pending until the close, one item each, so that a new one is written
//! alone). Nothing secret of a voter or a committee member is ever stored:
//! credentials and key shares never reach the server.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use thiserror::Error;

/// A storage failure. The message names what is damaged.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The engine failed (I/O, corruption detected by sled).
    #[error("storage engine: {0}")]
    Engine(#[from] sled::Error),
    /// A file of the store could not be made durable.
    #[error("cannot make {path} durable: {source}")]
    Sync {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A stored value that does not decode.
    #[error("stored data is damaged: {0}")]
    Damaged(String),
    /// A deletion of an election that has log lines (a sealed election's
    /// log is the record of the vote, never deleted).
    #[error("election {0} has a log and cannot be deleted")]
    HasLog(String),
}

/// An item of an election: `(key, value)` ([`Store::items`]).
pub type Item = (Vec<u8>, Vec<u8>);

/// The operations the server needs.
pub trait Store: Send + Sync + 'static {
    /// Every election's metadata, `(id, bytes)`.
    fn metas(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError>;
    /// Writes an election's metadata (not flushed).
    fn put_meta(&self, id: &str, meta: &[u8]) -> Result<(), StoreError>;
    /// A global setting (the organizer's password hash).
    fn get_setting(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Writes a global setting and flushes.
    fn put_setting(&self, key: &str, value: &[u8]) -> Result<(), StoreError>;
    /// Removes a global setting (absent: nothing to do) and flushes.
    fn delete_setting(&self, key: &str) -> Result<(), StoreError>;
    /// Writes an item of election `id` under `key` (not flushed): what the
    /// server keeps beside the log, one value per key, so that adding one
    /// writes that one alone.
    fn put_item(&self, id: &str, key: &[u8], value: &[u8]) -> Result<(), StoreError>;
    /// The items of election `id` whose key starts with `prefix`, `(key,
    /// value)` sorted by key.
    fn items(&self, id: &str, prefix: &[u8]) -> Result<Vec<Item>, StoreError>;
    /// Removes items of election `id` (absent keys: nothing to do; not
    /// flushed).
    fn remove_items(&self, id: &str, keys: &[Vec<u8>]) -> Result<(), StoreError>;
    /// The log lines of an election, in order, checking that the keys are
    /// exactly 0, 1, 2, ...
    fn lines(&self, id: &str) -> Result<Vec<Vec<u8>>, StoreError>;
    /// Appends lines at the given sequence numbers (not yet durable).
    fn append(&self, id: &str, first_seq: u64, lines: &[Vec<u8>]) -> Result<(), StoreError>;
    /// Makes everything written so far durable.
    fn flush(&self) -> Result<(), StoreError>;
    /// Deletes a draft: its metadata and anything kept under its id (its
    /// items; its dossier's settings are the caller's to remove), and
    /// makes that durable before it returns. Refuses
    /// ([`StoreError::HasLog`]) an election with log lines or a durability
    /// witness. A crash part-way leaves either the draft whole or no
    /// metadata (what is left under the id is then never read).
    fn delete(&self, id: &str) -> Result<(), StoreError>;
    /// Records, outside the engine, that the log of `id` was durable up to
    /// line `seq` with entry hash `head` (written after each flush). On
    /// start the log is checked against it, so that a data directory that
    /// lost acknowledged lines (truncated, rolled back by the disk) is
    /// refused with a clear error instead of being served shortened.
    fn put_witness(&self, _id: &str, _seq: u64, _head: &[u8; 32]) -> Result<(), StoreError> {
        Ok(())
    }
    /// The ids of every election with a witness.
    fn witnessed(&self) -> Result<Vec<String>, StoreError> {
        Ok(Vec::new())
    }
    /// The last witness of [`Store::put_witness`], if any.
    fn witness(&self, _id: &str) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        Ok(None)
    }
}

/// sled, the embedded store (stable 0.34 line).
///
/// sled 0.34's `flush` is not enough for a receipt's promise on its own: on
/// Linux it writes its log with `sync_file_range`, which persists neither
/// the metadata of a growing file (the blocks just added to it) nor the
/// disk's write cache, and it never syncs the files it writes under `blobs/`
/// for pages larger than a quarter of a segment (a leaf of sixteen 15-
/// candidate ballots is one). So [`Store::flush`] follows sled's flush with
/// a real `fdatasync` of the log file and of every blob file not yet synced (and
/// of their directory when one is new): a power cut after a receipt cannot
/// take its ballot away.
pub struct SledStore {
    db: sled::Db,
    meta: sled::Tree,
    settings: sled::Tree,
    /// Every election's items, keyed by [`item_key`].
    items: sled::Tree,
    dir: PathBuf,
    /// Blob files already synced, with the length they had then (a blob
    /// still being written when it was synced is synced again).
    synced_blobs: Mutex<HashMap<OsString, u64>>,
}

impl SledStore {
    /// Opens (or creates) the store in `dir`.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let db = sled::Config::new()
            .path(dir)
            .mode(sled::Mode::HighThroughput)
            .open()?;
        let store = SledStore {
            meta: db.open_tree("meta")?,
            settings: db.open_tree("settings")?,
            items: db.open_tree("items")?,
            db,
            dir: dir.to_owned(),
            synced_blobs: Mutex::new(HashMap::new()),
        };
        // sled writes its configuration file once, without syncing it.
        sync_file(&dir.join("conf"))?;
        sync_dir(dir)?;
        Ok(store)
    }

    /// The `fsync`s that sled's flush leaves out (see [`SledStore`]).
    fn sync_files(&self) -> Result<(), StoreError> {
        let blobs = self.dir.join("blobs");
        let io = |source| StoreError::Sync {
            path: blobs.clone(),
            source,
        };
        let mut synced = self.synced_blobs.lock().expect("synced blobs lock");
        let mut seen = HashMap::with_capacity(synced.len());
        let mut new_names = false;
        for entry in std::fs::read_dir(&blobs).map_err(io)? {
            let entry = entry.map_err(io)?;
            let name = entry.file_name();
            let len = match entry.metadata() {
                Ok(m) => m.len(),
                // Removed by sled's clean-up since the listing.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io(e)),
            };
            if synced.get(&name) != Some(&len) {
                match File::open(entry.path()).and_then(|f| f.sync_data()) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(io(e)),
                }
                new_names |= !synced.contains_key(&name);
            }
            seen.insert(name, len);
        }
        *synced = seen;
        drop(synced);
        if new_names {
            sync_dir(&blobs)?;
        }
        sync_file(&self.dir.join("db"))
    }

    fn log(&self, id: &str) -> Result<sled::Tree, StoreError> {
        Ok(self.db.open_tree(format!("log/{id}"))?)
    }
}

impl Store for SledStore {
    fn metas(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        self.meta
            .iter()
            .map(|kv| {
                let (k, v) = kv?;
                let id = String::from_utf8(k.to_vec())
                    .map_err(|_| StoreError::Damaged("an election id is not UTF-8".into()))?;
                Ok((id, v.to_vec()))
            })
            .collect()
    }

    fn put_meta(&self, id: &str, meta: &[u8]) -> Result<(), StoreError> {
        self.meta.insert(id.as_bytes(), meta)?;
        Ok(())
    }

    fn get_setting(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.settings.get(key)?.map(|v| v.to_vec()))
    }

    fn put_setting(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.settings.insert(key, value)?;
        self.flush()
    }

    fn delete_setting(&self, key: &str) -> Result<(), StoreError> {
        self.settings.remove(key)?;
        self.flush()
    }

    fn put_item(&self, id: &str, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        self.items.insert(item_key(id, key), value)?;
        Ok(())
    }

    fn items(&self, id: &str, prefix: &[u8]) -> Result<Vec<Item>, StoreError> {
        let start = item_key(id, &[]).len();
        self.items
            .scan_prefix(item_key(id, prefix))
            .map(|kv| {
                let (k, v) = kv?;
                Ok((k[start..].to_vec(), v.to_vec()))
            })
            .collect()
    }

    fn remove_items(&self, id: &str, keys: &[Vec<u8>]) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for k in keys {
            batch.remove(item_key(id, k));
        }
        self.items.apply_batch(batch)?;
        Ok(())
    }

    fn lines(&self, id: &str) -> Result<Vec<Vec<u8>>, StoreError> {
        let tree = self.log(id)?;
        let mut out = Vec::new();
        for (expected, kv) in tree.iter().enumerate() {
            let (k, v) = kv?;
            let seq = <[u8; 8]>::try_from(&k[..])
                .map(u64::from_be_bytes)
                .map_err(|_| {
                    StoreError::Damaged(format!(
                        "election {id}: a log key is not a sequence number"
                    ))
                })?;
            if seq != expected as u64 {
                return Err(StoreError::Damaged(format!(
                    "election {id}: log line {expected} is missing (found line {seq} next)"
                )));
            }
            out.push(v.to_vec());
        }
        Ok(out)
    }

    fn append(&self, id: &str, first_seq: u64, lines: &[Vec<u8>]) -> Result<(), StoreError> {
        let tree = self.log(id)?;
        let mut batch = sled::Batch::default();
        for (i, l) in lines.iter().enumerate() {
            batch.insert(&(first_seq + i as u64).to_be_bytes(), l.as_slice());
        }
        tree.apply_batch(batch)?;
        Ok(())
    }

    fn put_witness(&self, id: &str, seq: u64, head: &[u8; 32]) -> Result<(), StoreError> {
        let dir = self.dir.join("witness");
        let path = dir.join(id);
        let io = |source| StoreError::Sync {
            path: path.clone(),
            source,
        };
        let new = !path.exists();
        if new {
            std::fs::create_dir_all(&dir).map_err(io)?;
        }
        // 40 bytes rewritten in place and synced: one write, one sync.
        let mut record = [0u8; 40];
        record[..8].copy_from_slice(&seq.to_be_bytes());
        record[8..].copy_from_slice(head);
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io)?;
        std::os::unix::fs::FileExt::write_all_at(&f, &record, 0).map_err(io)?;
        f.sync_data().map_err(io)?;
        if new {
            sync_dir(&dir)?;
        }
        Ok(())
    }

    fn witnessed(&self) -> Result<Vec<String>, StoreError> {
        let dir = self.dir.join("witness");
        match std::fs::read_dir(&dir) {
            Ok(entries) => Ok(entries
                .flatten()
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(source) => Err(StoreError::Sync { path: dir, source }),
        }
    }

    fn witness(&self, id: &str) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        let path = self.dir.join("witness").join(id);
        match std::fs::read(&path) {
            Ok(b) if b.len() == 40 => {
                let mut head = [0u8; 32];
                head.copy_from_slice(&b[8..]);
                Ok(Some((
                    u64::from_be_bytes(b[..8].try_into().expect("8 bytes")),
                    head,
                )))
            }
            Ok(_) => Err(StoreError::Damaged(format!(
                "{}: the durability witness of election {id} is damaged",
                path.display()
            ))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StoreError::Sync { path, source }),
        }
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        self.sync_files()
    }

    fn delete(&self, id: &str) -> Result<(), StoreError> {
        let name = format!("log/{id}");
        let has_log = self
            .db
            .tree_names()
            .iter()
            .any(|t| t.as_ref() == name.as_bytes());
        if (has_log && !self.log(id)?.is_empty()) || self.witness(id)?.is_some() {
            return Err(StoreError::HasLog(id.to_owned()));
        }
        // One key removed, then flushed: the election is gone as one step.
        self.meta.remove(id.as_bytes())?;
        self.flush()?;
        // Then its items, which nothing reads without the metadata.
        let keys: Vec<Vec<u8>> = self.items(id, &[])?.into_iter().map(|(k, _)| k).collect();
        if !keys.is_empty() {
            self.remove_items(id, &keys)?;
            self.flush()?;
        }
        // Then the (empty) log tree, which nothing reads without the
        // metadata.
        if has_log {
            self.db.drop_tree(name.as_bytes())?;
            self.flush()?;
        }
        Ok(())
    }
}

/// The key of item `key` of election `id` in the items tree: the id's
/// length (4 bytes big-endian), the id, then the key, so that one
/// election's items are one prefix and no id is a prefix of another's.
fn item_key(id: &str, key: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(4 + id.len() + key.len());
    k.extend_from_slice(&(id.len() as u32).to_be_bytes());
    k.extend_from_slice(id.as_bytes());
    k.extend_from_slice(key);
    k
}

/// `fdatasync` of a file: its data and what is needed to read it back (its
/// length, its blocks), on the disk itself and not in its write cache.
fn sync_file(path: &Path) -> Result<(), StoreError> {
    File::open(path)
        .and_then(|f| f.sync_data())
        .map_err(|source| StoreError::Sync {
            path: path.to_owned(),
            source,
        })
}

/// `fsync` of a directory, so that the files just created in it stay.
fn sync_dir(path: &Path) -> Result<(), StoreError> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|source| StoreError::Sync {
            path: path.to_owned(),
            source,
        })
}
