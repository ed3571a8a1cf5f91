//! Reading the journal's lines within bounds, and compacting it: when reading found torn or
//! damaged lines, the instance that holds the journal's lock rewrites it once without them,
//! keeping the original beside it as a private backup, so the damage is reported once rather
//! than on every start.
//!
//! Safe with other instances: only the lock holder appends and only it compacts (a second
//! instance is refused the lock); a reader without the lock (`history`) holds either the old
//! file or the new one, each whole, because the new one replaces the old by a rename.

use std::fs::File;
use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A journal larger than this is refused rather than read: at a few hundred bytes a line it
/// would hold hundreds of thousands of jobs, and reading a device or a runaway file into
/// memory must not take the machine down.
pub const MAX_JOURNAL_BYTES: u64 = 256 << 20;
/// No journal line comes near this (prompts are a few thousand characters); a longer one is
/// damage, and is read no further than this.
const MAX_LINE_BYTES: u64 = 1 << 20;
/// How many backups of one second may sit side by side before compaction gives up naming one.
const MAX_BACKUP_NAMES: u32 = 100;

/// One line as read: its number (1-based), whether it ended with a newline, and whether it
/// was longer than [`MAX_LINE_BYTES`] (then only its start is in the buffer).
pub(super) struct LineInfo {
    pub number: usize,
    pub ends_cleanly: bool,
    pub too_long: bool,
}

/// The journal's lines, each read into a buffer of bounded size.
pub(super) struct Lines<R> {
    reader: R,
    number: usize,
}

impl<R: BufRead> Lines<R> {
    pub fn new(reader: R) -> Self {
        Self { reader, number: 0 }
    }

    /// The next line into `raw` (cleared first); `None` at the end.
    pub fn next_into(&mut self, raw: &mut Vec<u8>) -> io::Result<Option<LineInfo>> {
        raw.clear();
        let n = (&mut self.reader)
            .take(MAX_LINE_BYTES + 1)
            .read_until(b'\n', raw)?;
        if n == 0 {
            return Ok(None);
        }
        self.number += 1;
        let mut ends_cleanly = raw.last() == Some(&b'\n');
        let too_long = !ends_cleanly && raw.len() as u64 > MAX_LINE_BYTES;
        if too_long {
            // The rest of the line is skipped, never held.
            ends_cleanly = self.reader.skip_until(b'\n')? > 0;
        }
        Ok(Some(LineInfo {
            number: self.number,
            ends_cleanly,
            too_long,
        }))
    }
}

/// Rewrite the journal at `path` without the lines numbered in `damaged` (sorted) or blank
/// ones: the original is first copied to `journal.jsonl.bak-<UTC time>` beside it (0600,
/// synced), the good lines written to a temporary file (0600, synced) that then replaces the
/// journal by a rename, and the directory synced. Returns the backup's path. Call it only while
/// holding the journal's lock.
pub(super) fn compact(path: &Path, damaged: &[usize]) -> io::Result<PathBuf> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let backup = backup(path, dir)?;
    let temp = dir.join("journal.jsonl.compacting");
    // Left by a compaction that was interrupted: the lock says it is no one's now.
    match std::fs::remove_file(&temp) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let written = write_good_lines(path, &temp, damaged);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    std::fs::rename(&temp, path)?;
    File::open(dir)?.sync_all()?;
    Ok(backup)
}

/// Copy the journal, as it is, to a new private backup file beside it.
fn backup(path: &Path, dir: &Path) -> io::Result<PathBuf> {
    let stamp: String = humantime::format_rfc3339_seconds(SystemTime::now())
        .to_string()
        .chars()
        .filter(|c| !matches!(c, '-' | ':'))
        .collect();
    let mut source = open_read(path)?;
    for n in 0..MAX_BACKUP_NAMES {
        let name = match n {
            0 => format!("journal.jsonl.bak-{stamp}"),
            n => format!("journal.jsonl.bak-{stamp}-{n}"),
        };
        let candidate = dir.join(name);
        let mut out = match crate::download::files::private_options()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(out) => out,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        };
        io::copy(&mut source, &mut out)?;
        out.sync_all()?;
        return Ok(candidate);
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{MAX_BACKUP_NAMES} backups of this second already exist beside the journal"),
    ))
}

/// Stream the journal's good lines into `temp`, each whole and ending with a newline.
fn write_good_lines(path: &Path, temp: &Path, damaged: &[usize]) -> io::Result<()> {
    let source = open_read(path)?;
    let out = crate::download::files::private_options()
        .write(true)
        .create_new(true)
        .open(temp)?;
    let mut out = io::BufWriter::new(out);
    let mut lines = Lines::new(io::BufReader::new(source));
    let mut raw = Vec::new();
    while let Some(line) = lines.next_into(&mut raw)? {
        let text = raw.trim_ascii();
        if text.is_empty() || line.too_long || damaged.binary_search(&line.number).is_ok() {
            continue;
        }
        out.write_all(text)?;
        out.write_all(b"\n")?;
    }
    let out = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    out.sync_all()
}

/// Open a journal file to read, refusing a symbolic link.
fn open_read(path: &Path) -> io::Result<File> {
    crate::download::files::private_options()
        .read(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overlong_line_is_cut_at_the_bound_and_the_next_line_is_read_whole() {
        let mut text = vec![b'x'; usize::try_from(MAX_LINE_BYTES).expect("fits") + 10];
        text.extend_from_slice(b"\n{\"ok\":1}\n");
        let mut lines = Lines::new(io::Cursor::new(text));
        let mut raw = Vec::new();
        let first = lines.next_into(&mut raw).expect("read").expect("a line");
        assert!(first.too_long && first.ends_cleanly);
        assert!(raw.len() as u64 <= MAX_LINE_BYTES + 1);
        let second = lines.next_into(&mut raw).expect("read").expect("a line");
        assert_eq!((second.number, second.too_long), (2, false));
        assert_eq!(raw, b"{\"ok\":1}\n");
        assert!(lines.next_into(&mut raw).expect("read").is_none());
    }
}
