//! Storage: what the server keeps on disk, behind a small trait so that
//! another engine can replace sled.
//!
//! Per election: its metadata (the draft, hashes of the access codes, the
//! server's signing key for its log, refusal counters) and its log lines,
//! keyed by sequence number (8 bytes big-endian, so sled's order is the log's
//! order). Nothing secret of a voter or a committee member is ever stored:
//! credentials and key shares never reach the server.

use std::path::Path;

use thiserror::Error;

/// A storage failure. The message names what is damaged.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The engine failed (I/O, corruption detected by sled).
    #[error("storage engine: {0}")]
    Engine(#[from] sled::Error),
    /// A stored value that does not decode.
    #[error("stored data is damaged: {0}")]
    Damaged(String),
}

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
    /// The log lines of an election, in order, checking that the keys are
    /// exactly 0, 1, 2, ...
    fn lines(&self, id: &str) -> Result<Vec<Vec<u8>>, StoreError>;
    /// Appends lines at the given sequence numbers (not yet durable).
    fn append(&self, id: &str, first_seq: u64, lines: &[Vec<u8>]) -> Result<(), StoreError>;
    /// Makes everything written so far durable.
    fn flush(&self) -> Result<(), StoreError>;
}

/// sled, the embedded store (stable 0.34 line).
pub struct SledStore {
    db: sled::Db,
    meta: sled::Tree,
    settings: sled::Tree,
}

impl SledStore {
    /// Opens (or creates) the store in `dir`.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let db = sled::Config::new().path(dir).mode(sled::Mode::HighThroughput).open()?;
        Ok(SledStore {
            meta: db.open_tree("meta")?,
            settings: db.open_tree("settings")?,
            db,
        })
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
        self.db.flush()?;
        Ok(())
    }

    fn lines(&self, id: &str) -> Result<Vec<Vec<u8>>, StoreError> {
        let tree = self.log(id)?;
        let mut out = Vec::new();
        for (expected, kv) in tree.iter().enumerate() {
            let (k, v) = kv?;
            let seq = <[u8; 8]>::try_from(&k[..])
                .map(u64::from_be_bytes)
                .map_err(|_| StoreError::Damaged(format!("election {id}: a log key is not a sequence number")))?;
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

    fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }
}
