//! The local history: timeline entries kept in an embedded database (redb) in the state dir,
//! bounded by age and size, so what flightdeck saw survives a restart. File I/O only, on the
//! caller's thread; `history_task` keeps it off the frame path. Nothing is sent anywhere.

use std::path::{Path, PathBuf};

use redb::{
    Builder, ConcurrencyMode, Database, ReadOnlyDatabase, ReadableDatabase, ReadableTable,
    ReadableTableMetadata, TableDefinition,
};

use crate::config::HistoryConfig;
use crate::state::UnixMs;
use crate::state::timeline::Entry;

/// Entries by (time, id): in time order, each kept once. The value is the entry as JSON.
const ENTRIES: TableDefinition<(i64, u64), &[u8]> = TableDefinition::new("timeline_entries");
/// redb's page cache; the default (1 GiB) is meant for servers.
const CACHE_BYTES: usize = 4 << 20;
/// What the entries may take, as a share of `max_size`: the B-tree's pages, free space and
/// the file's own structures take the rest.
const DATA_SHARE: f64 = 0.45;

/// The history file: the demo's apart from a cluster's, so simulated days never mix with real ones.
pub fn path(state_dir: &Path, demo: bool) -> PathBuf {
    state_dir.join(if demo { "history-demo.redb" } else { "history.redb" })
}

pub struct History {
    db: Database,
    path: PathBuf,
    max_age_ms: i64,
    max_size: u64,
}

/// A redb error as the status line says it: the file named, the cause in a few words.
fn why(path: &Path, e: impl std::fmt::Display) -> String {
    format!("{}: {e}", path.display())
}

fn open_error(path: &Path, e: redb::DatabaseError) -> String {
    // The cause first: the status line may cut the path.
    match e {
        redb::DatabaseError::DatabaseAlreadyOpen | redb::DatabaseError::LockProtocolMismatch => {
            format!("locked by another program (a flightdeck of another version?): {}", path.display())
        }
        redb::DatabaseError::Storage(redb::StorageError::Corrupted(c)) => {
            format!("corrupt ({c}): move {} aside to start a new history", path.display())
        }
        other => {
            format!("corrupt or unreadable ({other}): move {} aside to start a new history", path.display())
        }
    }
}

fn builder() -> Builder {
    let mut b = Builder::new();
    // Several consoles (and headless runs) may record at once, each in its own transactions.
    b.set_concurrency_mode(ConcurrencyMode::MultiWriter).set_cache_size(CACHE_BYTES);
    b
}

/// redb may panic on a file damaged outside it; that is a corrupt file, not a crash.
fn guarded<T>(path: &Path, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(format!("corrupt (unreadable): move {} aside to start a new history", path.display()))
    })
}

impl History {
    /// Open (or create) the history for recording.
    pub fn open(path: &Path, cfg: &HistoryConfig) -> Result<History, String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| why(dir, e))?;
        }
        let db = guarded(path, || {
            let mut b = builder();
            b.set_check_integrity_on_open(true);
            b.create(path).map_err(|e| open_error(path, e))
        })?;
        let h = History {
            db,
            path: path.to_path_buf(),
            max_age_ms: cfg.max_age.0.as_millis() as i64,
            max_size: cfg.max_size.0,
        };
        guarded(path, || {
            let txn = h.db.begin_write().map_err(|e| why(path, e))?;
            txn.open_table(ENTRIES).map_err(|e| why(path, e))?;
            txn.commit().map_err(|e| why(path, e))
        })?;
        Ok(h)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Store new entries (those already stored are kept once), then hold the bounds. Returns
    /// how many were new.
    pub fn append(&mut self, entries: &[Entry], now: UnixMs) -> Result<usize, String> {
        let path = self.path.clone();
        let added = guarded(&path, || {
            let txn = self.db.begin_write().map_err(|e| why(&path, e))?;
            let mut added = 0;
            {
                let mut table = txn.open_table(ENTRIES).map_err(|e| why(&path, e))?;
                for e in entries {
                    let key = (e.at, e.id());
                    if table.get(key).map_err(|e| why(&path, e))?.is_some() {
                        continue;
                    }
                    let json = serde_json::to_vec(e).map_err(|e| why(&path, e))?;
                    table.insert(key, json.as_slice()).map_err(|e| why(&path, e))?;
                    added += 1;
                }
            }
            txn.commit().map_err(|e| why(&path, e))?;
            Ok(added)
        })?;
        self.hold_bounds(now)?;
        Ok(added)
    }

    /// Drop what is older than `max_age`, then the oldest until the entries fit their share of
    /// `max_size`; compact the file when it has grown past `max_size`.
    pub fn hold_bounds(&mut self, now: UnixMs) -> Result<(), String> {
        let path = self.path.clone();
        let (max_age, budget) = (self.max_age_ms, (self.max_size as f64 * DATA_SHARE) as u64);
        guarded(&path, || {
            let txn = self.db.begin_write().map_err(|e| why(&path, e))?;
            {
                let mut table = txn.open_table(ENTRIES).map_err(|e| why(&path, e))?;
                let cutoff = now - max_age;
                table.retain_in(..(cutoff, 0), |_, _| false).map_err(|e| why(&path, e))?;
                let stats = table.stats().map_err(|e| why(&path, e))?;
                let used = stats.stored_bytes() + stats.metadata_bytes() + stats.fragmented_bytes();
                let len = table.len().map_err(|e| why(&path, e))?.max(1);
                if used > budget {
                    // Drop the oldest share that brings it under, plus a tenth, so this is rare.
                    let per = used / len;
                    let drop = ((used - budget) / per.max(1) + len / 10).min(len);
                    for _ in 0..drop {
                        if table.pop_first().map_err(|e| why(&path, e))?.is_none() {
                            break;
                        }
                    }
                }
            }
            txn.commit().map_err(|e| why(&path, e))
        })?;
        let size = std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
        if size > self.max_size {
            guarded(&path, || {
                self.db.compact(redb::CompactionMode::Maximum).map(|_| ()).map_err(|e| why(&path, e))
            })?;
        }
        Ok(())
    }

    /// Entries from `since` on, oldest first.
    pub fn read(&self, since: UnixMs) -> Result<Vec<Entry>, String> {
        read_from(&self.db, &self.path, since)
    }
}

fn read_from(db: &impl ReadableDatabase, path: &Path, since: UnixMs) -> Result<Vec<Entry>, String> {
    guarded(path, || {
        let txn = db.begin_read().map_err(|e| why(path, e))?;
        let table = match txn.open_table(ENTRIES) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(why(path, e)),
        };
        let mut out = Vec::new();
        for row in table.range((since, 0)..).map_err(|e| why(path, e))? {
            let (_, v) = row.map_err(|e| why(path, e))?;
            // An entry this version cannot read (written by a newer one) is skipped, not fatal.
            if let Ok(e) = serde_json::from_slice::<Entry>(v.value()) {
                out.push(e);
            }
        }
        Ok(out)
    })
}

/// Read the history without recording (`flightdeck history`, `report`): beside a console that
/// records, which is allowed.
pub fn read(path: &Path, since: UnixMs) -> Result<Vec<Entry>, String> {
    if !path.exists() {
        return Err(why(path, "no history recorded yet"));
    }
    let db: ReadOnlyDatabase =
        guarded(path, || builder().open_read_only(path).map_err(|e| open_error(path, e)))?;
    read_from(&db, path, since)
}

#[cfg(test)]
mod tests;
