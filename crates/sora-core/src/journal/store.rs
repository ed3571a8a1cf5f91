//! The journal file: append-only JSON lines, each written whole and fsynced before the step it
//! records goes ahead, behind an exclusive lock so two instances cannot interleave lines.

use std::fs::File;
use std::io::{BufReader, Read as _, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use super::compact::{self, Lines, MAX_JOURNAL_BYTES};
use super::record::{Entry, Event, FORMAT, Header, JobRecord, VERSION, fold};

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error(
        "another sora-tui is running with the journal {path}{holder}. Close it first (only one instance may record jobs), or point this one elsewhere with SORA_TUI_DATA_DIR."
    )]
    Locked { path: PathBuf, holder: String },
    #[error(
        "the journal {path} was written by a newer sora-tui (format version {found}; this build reads {VERSION}). It was left untouched: upgrade sora-tui, or move the file away to start a new journal."
    )]
    NewerVersion { path: PathBuf, found: u32 },
    #[error(
        "{path} is not a sora-tui journal (its first line is not the journal header). It was left untouched: move it away to start a new journal."
    )]
    Foreign { path: PathBuf },
    #[error(
        "the journal {path} is {size} bytes, larger than the {limit} bytes a sora-tui journal can reach: it is not read, so as not to exhaust memory. It was left untouched: move it away to start a new journal (or point sora-tui elsewhere with SORA_TUI_DATA_DIR)."
    )]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error(
        "{path} is not a regular file (a device, a pipe or a socket), so it is no sora-tui journal. It was left untouched: move it away to start a new journal."
    )]
    NotAFile { path: PathBuf },
    #[error("cannot use the journal {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What opening found: the records, and any damage that was skipped.
#[derive(Debug, Default)]
pub struct Loaded {
    pub records: Vec<JobRecord>,
    /// One warning per damaged line ("line 7: not valid JSON, skipped").
    pub warnings: Vec<String>,
}

#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    inner: Mutex<Inner>,
    /// Held for the journal's lifetime; dropping it releases the lock.
    _lock: File,
}

#[derive(Debug)]
struct Inner {
    file: File,
    next_seq: u64,
    entries: Vec<Entry>,
}

impl Journal {
    /// Open (or create) the journal in `dir`: take the lock, read and recover every line.
    pub fn open(dir: &Path) -> Result<(Journal, Loaded), JournalError> {
        Self::open_with(dir, true)
    }

    /// [`Journal::open`] for a journal that lives only as long as this run (the demo's, in a
    /// directory removed when it ends, never resumed): a new journal's header is written but
    /// not fsynced on its own, as nothing reads it after a crash; the first append's fsync
    /// carries it with the record. That fsync stood before the demo's first frame (up to a
    /// second on a busy disk). Appends are fsynced as in every journal.
    pub fn open_scratch(dir: &Path) -> Result<(Journal, Loaded), JournalError> {
        Self::open_with(dir, false)
    }

    fn open_with(dir: &Path, sync_header: bool) -> Result<(Journal, Loaded), JournalError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| JournalError::Io { path, source }
        };
        // Prompts, job ids and file paths are the user's alone: 0700 and 0600, and never
        // written through a symbolic link planted in their place.
        crate::download::files::create_private_dir(dir).map_err(io(dir))?;
        let path = dir.join("journal.jsonl");
        let lock_path = dir.join("journal.lock");
        let mut lock = crate::download::files::private_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(io(&lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&lock_path)
                    .ok()
                    .and_then(|s| s.trim().parse::<u32>().ok())
                    .map(|pid| format!(" (process {pid})"))
                    .unwrap_or_default();
                return Err(JournalError::Locked { path, holder });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(&lock_path)(e)),
        }
        // Who holds it, for the message a second instance prints: overwritten in place at a
        // fixed width, never truncated nor fsynced. The lock is the flock, not the file, and a
        // pid is worthless after a crash; truncating a file that has data (ext4 waits for its
        // ordered data) or fsyncing it cost every start 30-250 ms before the first frame on a
        // busy disk.
        write_holder(&mut lock);

        let mut file = open_append(&path).map_err(io(&path))?;
        // A journal an older version created 0644.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = file.set_permissions(std::fs::Permissions::from_mode(0o600));
        }
        let Read {
            entries,
            mut warnings,
            damaged,
            needs_header,
            mut ends_cleanly,
        } = read_entries(&path, &file)?;
        if !damaged.is_empty() {
            // Once, under the lock: without it the damage would be reported on every start.
            match compact::compact(&path, &damaged) {
                Ok(backup) => {
                    file = open_append(&path).map_err(io(&path))?;
                    ends_cleanly = true;
                    warnings = vec![compacted(&warnings, &backup)];
                }
                Err(e) => warnings.push(format!(
                    "the damaged line(s) could not be removed from the journal ({e}); they are skipped, and reported again on the next start"
                )),
            }
        }
        if needs_header {
            let header = serde_json::to_string(&Header::current()).unwrap_or_default();
            writeln!(file, "{header}").map_err(io(&path))?;
            if sync_header {
                file.sync_all().map_err(io(&path))?;
            }
        } else if !ends_cleanly {
            // A torn last line: start the next one on a line of its own.
            writeln!(file).map_err(io(&path))?;
            file.sync_all().map_err(io(&path))?;
        }
        let next_seq = entries.iter().map(|e| e.seq).max().unwrap_or(0) + 1;
        let loaded = Loaded {
            records: fold(&entries),
            warnings,
        };
        Ok((
            Journal {
                path,
                inner: Mutex::new(Inner {
                    file,
                    next_seq,
                    entries,
                }),
                _lock: lock,
            },
            loaded,
        ))
    }

    /// Read the journal without locking or writing it (for `history` while a dashboard runs).
    pub fn read_only(dir: &Path) -> Result<Loaded, JournalError> {
        let path = dir.join("journal.jsonl");
        let mut options = crate::download::files::private_options();
        options.read(true);
        // Never waits on a pipe planted at the journal's path: it is refused as not a file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
        }
        let file = match options.open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Loaded::default()),
            Err(source) => return Err(JournalError::Io { path, source }),
        };
        // Damage is reported, never repaired here: only the lock holder rewrites the journal.
        let read = read_entries(&path, &file)?;
        Ok(Loaded {
            records: fold(&read.entries),
            warnings: read.warnings,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one fact and fsync it. Returns when it is on disk: the caller may then act.
    pub fn append(&self, id: &str, event: Event) -> Result<(), JournalError> {
        let mut inner = self.inner.lock().map_err(|_| JournalError::Io {
            path: self.path.clone(),
            source: std::io::Error::other("journal lock poisoned"),
        })?;
        let entry = Entry {
            seq: inner.next_seq,
            at: now_ms(),
            id: id.to_string(),
            event,
        };
        let mut line = serde_json::to_string(&entry).map_err(|e| JournalError::Io {
            path: self.path.clone(),
            source: std::io::Error::other(e),
        })?;
        line.push('\n');
        // One write of the whole line: a crash leaves it whole or torn at the end, never
        // interleaved, and a torn last line is skipped on the next open.
        let io = |source| JournalError::Io {
            path: self.path.clone(),
            source,
        };
        inner.file.write_all(line.as_bytes()).map_err(io)?;
        inner.file.sync_data().map_err(io)?;
        inner.next_seq += 1;
        inner.entries.push(entry);
        Ok(())
    }

    /// The jobs as recorded so far, oldest first.
    pub fn records(&self) -> Vec<JobRecord> {
        self.inner
            .lock()
            .map(|inner| fold(&inner.entries))
            .unwrap_or_default()
    }

    pub fn record(&self, id: &str) -> Option<JobRecord> {
        self.records().into_iter().find(|r| r.id == id)
    }
}

/// The one warning of a compaction: what was damaged (the first few lines) and where the
/// original is kept.
fn compacted(damage: &[String], backup: &Path) -> String {
    const SHOWN: usize = 3;
    let mut what = damage
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if damage.len() > SHOWN {
        what.push_str(&format!("; and {} more", damage.len() - SHOWN));
    }
    format!(
        "{what}. The journal was rewritten without {}; the original is kept at {} (delete it once you have no use for it)",
        if damage.len() == 1 {
            "that line"
        } else {
            "those lines"
        },
        backup.display()
    )
}

/// Width of the pid in the lock file, padded with spaces: the largest pid Linux hands out
/// (4194304) fits, so every holder overwrites all of the one before.
const HOLDER_WIDTH: usize = 10;

/// Write this process's id at the start of the lock file (errors ignored: it only names the
/// holder in [`JournalError::Locked`]).
fn write_holder(lock: &mut File) {
    let text = format!("{:<HOLDER_WIDTH$}\n", std::process::id());
    if lock.seek(SeekFrom::Start(0)).is_ok() && lock.write_all(text.as_bytes()).is_ok() {
        // A lock file written by an older build may hold more: only then is it cut.
        if lock.metadata().is_ok_and(|m| m.len() > text.len() as u64) {
            let _ = lock.set_len(text.len() as u64);
        }
    }
}

/// Open (or create) the journal to append, refusing a symbolic link.
fn open_append(path: &Path) -> std::io::Result<File> {
    crate::download::files::private_options()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
}

/// What reading the journal found.
struct Read {
    entries: Vec<Entry>,
    /// One per damaged line, for the person.
    warnings: Vec<String>,
    /// The numbers of the damaged lines, in order.
    damaged: Vec<usize>,
    needs_header: bool,
    ends_cleanly: bool,
}

/// Read every line; a line that does not parse is skipped with a warning. A file that is not
/// regular, or larger than [`MAX_JOURNAL_BYTES`], is refused before anything is read.
fn read_entries(path: &Path, file: &File) -> Result<Read, JournalError> {
    let io = |source| JournalError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(JournalError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    if meta.len() > MAX_JOURNAL_BYTES {
        return Err(JournalError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
            limit: MAX_JOURNAL_BYTES,
        });
    }
    let mut reader = BufReader::new(file.try_clone().map_err(io)?);
    reader.seek(SeekFrom::Start(0)).map_err(io)?;
    // Bounded even if the file grows while it is read.
    let mut lines = Lines::new(BufReader::new(reader.take(MAX_JOURNAL_BYTES)));
    let mut read = Read {
        entries: Vec::new(),
        warnings: Vec::new(),
        damaged: Vec::new(),
        needs_header: true,
        ends_cleanly: true,
    };
    let mut first = true;
    let mut raw = Vec::new();
    while let Some(info) = lines.next_into(&mut raw).map_err(io)? {
        let number = info.number;
        read.ends_cleanly = info.ends_cleanly;
        let text = String::from_utf8_lossy(&raw);
        let line = text.trim();
        if line.is_empty() {
            continue;
        }
        if first {
            first = false;
            match serde_json::from_str::<Header>(line) {
                Ok(h) if h.format == FORMAT && h.version > VERSION => {
                    return Err(JournalError::NewerVersion {
                        path: path.to_path_buf(),
                        found: h.version,
                    });
                }
                Ok(h) if h.format == FORMAT && !info.too_long => {
                    read.needs_header = false;
                    continue;
                }
                _ => {
                    return Err(JournalError::Foreign {
                        path: path.to_path_buf(),
                    });
                }
            }
        }
        if info.too_long {
            read.damaged.push(number);
            read.warnings.push(format!(
                "line {number}: damaged (longer than any journal line), skipped"
            ));
            continue;
        }
        match serde_json::from_str::<Entry>(line) {
            Ok(entry) => read.entries.push(entry),
            Err(e) => {
                read.damaged.push(number);
                read.warnings.push(if info.ends_cleanly {
                    format!("line {number}: damaged, skipped: {e}")
                } else {
                    format!(
                        "line {number}: cut short (the process stopped while writing it), skipped: {e}"
                    )
                });
            }
        }
    }
    Ok(read)
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// A new journal id for a job: time-ordered and unique enough across restarts.
pub fn new_id() -> String {
    format!("j{}-{:04x}", now_ms(), fastrand::u16(..))
}
