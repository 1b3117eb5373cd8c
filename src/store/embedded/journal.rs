//! Durability of the embedded store: a snapshot plus a log of what happened since.
//!
//! Every observation and remembered outcome is appended to the log with one `write` before the
//! store call returns, so it is in the operating system's hands before any record is published:
//! a crash of the process loses nothing. The log is fsynced at most every
//! `store.fsync_interval_ms` (and by a background thread when idle), so a crash of the machine
//! loses at most that much learning. When the log passes `store.snapshot_log_bytes`, the state
//! is written to a new snapshot (write, fsync, rename) and a new log generation starts.
//!
//! Files live in `<store.path>/v<key format>/`: state written under one key format is never
//! read as another. A `lock` file held for the process's lifetime keeps two processes out of
//! one folder. Each log frame is `length, CRC-32, postcard payload`; a torn frame at the end
//! (a crash mid-write) is cut off on recovery.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::state::{Limits, Snapshot, State};
use crate::clean::copies::IndexEntry;
use crate::clean::key::KEY_FORMAT;
use crate::clean::{Observation, Outcome};

const SNAPSHOT_MAGIC: &[u8; 8] = b"PPSNAP01";

/// One logged change.
#[derive(Serialize, Deserialize)]
pub enum Entry {
    Observe {
        at_ms: u64,
        observation: Observation,
    },
    Remember {
        at_ms: u64,
        article_id: String,
        outcome: Outcome,
    },
    /// An operator's `paraprint state forget`: appended last, so older logs still read.
    Forget {
        source: String,
        /// Template and content short keys of one line; `None`: the whole source.
        line: Option<([u8; 16], [u8; 16])>,
    },
    /// What a decided article left in the copy index.
    Index {
        at_ms: u64,
        article_id: String,
        source: String,
        entry: IndexEntry,
    },
}

impl Entry {
    pub fn apply(&self, state: &mut State, limits: &Limits) {
        match self {
            Entry::Observe { at_ms, observation } => {
                state.observe(observation, *at_ms, limits);
            }
            Entry::Remember {
                at_ms,
                article_id,
                outcome,
            } => {
                state.remember(article_id, outcome, *at_ms, limits);
            }
            Entry::Forget { source, line } => {
                state.forget(source, *line);
            }
            Entry::Index {
                at_ms,
                article_id,
                source,
                entry,
            } => {
                state.index(article_id, source, entry, *at_ms, limits);
            }
        }
    }
}

pub struct Journal {
    dir: PathBuf,
    log: File,
    generation: u64,
    log_bytes: u64,
    dirty: bool,
    last_sync: Instant,
    fsync_interval: Duration,
    snapshot_threshold: u64,
    /// Held (locked) for the process's lifetime.
    _lock: File,
}

fn log_path(dir: &Path, generation: u64) -> PathBuf {
    dir.join(format!("log.{generation}"))
}

fn invalid(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

impl Journal {
    /// Opens (or creates) the state folder and recovers the state it holds.
    pub fn open(path: &Path, limits: &Limits) -> io::Result<(Journal, State)> {
        let dir = path.join(format!("v{KEY_FORMAT}"));
        fs::create_dir_all(&dir)?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("lock"))?;
        lock.try_lock().map_err(|_| {
            io::Error::new(
                io::ErrorKind::WouldBlock,
                format!(
                    "state folder {} is in use by another process",
                    dir.display()
                ),
            )
        })?;

        let snapshot_path = dir.join("snapshot");
        let (mut state, generation) = if snapshot_path.exists() {
            read_snapshot(&snapshot_path)?
        } else {
            (State::new(), 0)
        };
        let log_file = log_path(&dir, generation);
        let log_bytes = replay(&log_file, &mut state, limits)?;
        for entry in fs::read_dir(&dir)? {
            let name = entry?.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("log.") && name != format!("log.{generation}")
                || name == "snapshot.tmp"
            {
                fs::remove_file(dir.join(&*name))?;
            }
        }
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_file)?;
        let settings = &limits.settings;
        Ok((
            Journal {
                dir,
                log,
                generation,
                log_bytes,
                dirty: false,
                last_sync: Instant::now(),
                fsync_interval: Duration::from_millis(settings.fsync_interval_ms),
                snapshot_threshold: settings.snapshot_log_bytes,
                _lock: lock,
            },
            state,
        ))
    }

    /// Appends one entry with a single write; fsyncs if the interval has passed.
    pub fn append(&mut self, entry: &Entry) -> io::Result<()> {
        let payload = postcard::to_stdvec(entry).map_err(|e| invalid(e.to_string()))?;
        let mut frame = Vec::with_capacity(payload.len() + 8);
        frame.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        frame.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
        frame.extend_from_slice(&payload);
        self.log.write_all(&frame)?;
        self.log_bytes += frame.len() as u64;
        self.dirty = true;
        if self.last_sync.elapsed() >= self.fsync_interval {
            self.sync()?;
        }
        Ok(())
    }

    pub fn sync(&mut self) -> io::Result<()> {
        if self.dirty {
            self.log.sync_data()?;
            self.dirty = false;
        }
        self.last_sync = Instant::now();
        Ok(())
    }

    pub fn wants_snapshot(&self) -> bool {
        self.log_bytes >= self.snapshot_threshold
    }

    /// Writes `state` as the new snapshot and starts the next log generation.
    pub fn snapshot(&mut self, state: &State) -> io::Result<()> {
        let next = self.generation + 1;
        let next_log = OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .open(log_path(&self.dir, next))?;
        let payload =
            postcard::to_stdvec(&state.to_snapshot()).map_err(|e| invalid(e.to_string()))?;
        let tmp = self.dir.join("snapshot.tmp");
        {
            let mut file = File::create(&tmp)?;
            file.write_all(SNAPSHOT_MAGIC)?;
            file.write_all(&KEY_FORMAT.to_le_bytes())?;
            file.write_all(&next.to_le_bytes())?;
            file.write_all(&crc32fast::hash(&payload).to_le_bytes())?;
            file.write_all(&payload)?;
            file.sync_all()?;
        }
        fs::rename(&tmp, self.dir.join("snapshot"))?;
        File::open(&self.dir)?.sync_all()?;
        let _ = fs::remove_file(log_path(&self.dir, self.generation));
        self.log = next_log;
        self.generation = next;
        self.log_bytes = 0;
        self.dirty = false;
        Ok(())
    }
}

fn read_snapshot(path: &Path) -> io::Result<(State, u64)> {
    let bytes = fs::read(path)?;
    let corrupt = |what: &str| invalid(format!("snapshot {}: {what}", path.display()));
    if bytes.len() < 24 || &bytes[..8] != SNAPSHOT_MAGIC {
        return Err(corrupt("not a paraprint snapshot"));
    }
    let format = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if format != KEY_FORMAT {
        return Err(corrupt(&format!(
            "written under key format {format}, this is {KEY_FORMAT}"
        )));
    }
    let generation = u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes"));
    let crc = u32::from_le_bytes(bytes[20..24].try_into().expect("4 bytes"));
    let payload = &bytes[24..];
    if crc32fast::hash(payload) != crc {
        return Err(corrupt("checksum mismatch"));
    }
    let snapshot: Snapshot = postcard::from_bytes(payload).map_err(|e| corrupt(&e.to_string()))?;
    Ok((State::from_snapshot(snapshot), generation))
}

/// Applies every whole frame of the log to `state`; cuts off a torn tail. Returns the log's
/// length after the cut.
fn replay(path: &Path, state: &mut State, limits: &Limits) -> io::Result<u64> {
    let mut bytes = Vec::new();
    match File::open(path) {
        Ok(mut file) => {
            file.read_to_end(&mut bytes)?;
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    }
    let mut offset = 0usize;
    while bytes.len() >= offset + 8 {
        let length =
            u32::from_le_bytes(bytes[offset..offset + 4].try_into().expect("4 bytes")) as usize;
        let crc = u32::from_le_bytes(bytes[offset + 4..offset + 8].try_into().expect("4 bytes"));
        let Some(payload) = bytes.get(offset + 8..offset + 8 + length) else {
            break;
        };
        if crc32fast::hash(payload) != crc {
            break;
        }
        let Ok(entry) = postcard::from_bytes::<Entry>(payload) else {
            break;
        };
        entry.apply(state, limits);
        offset += 8 + length;
    }
    if offset < bytes.len() {
        tracing::warn!(path = %path.display(), kept = offset, cut = bytes.len() - offset, "Cut a torn tail off the state log.");
        OpenOptions::new()
            .write(true)
            .open(path)?
            .set_len(offset as u64)?;
    }
    Ok(offset as u64)
}
