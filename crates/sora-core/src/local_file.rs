//! Reading a file the user named (the config file, a reference image) so that no path can hang
//! or exhaust the program: only regular files are read, never more than a cap. `/dev/zero`,
//! a FIFO, a directory or a terminal are refused with what they are.

use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum LocalFileError {
    #[error("cannot read {what} {path}: {source}")]
    Io {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{what} {path} is {kind}, not a regular file: give the path of a file")]
    NotAFile {
        what: &'static str,
        path: PathBuf,
        kind: &'static str,
    },
    #[error("{what} {path} is larger than {limit}: give a smaller file")]
    TooLarge {
        what: &'static str,
        path: PathBuf,
        limit: String,
    },
}

impl LocalFileError {
    /// What is wrong, without naming the file (for messages that name it already).
    pub fn problem(&self) -> String {
        match self {
            LocalFileError::Io { source, .. } => format!("cannot read it ({source})"),
            LocalFileError::NotAFile { kind, .. } => format!("it is {kind}, not a regular file"),
            LocalFileError::TooLarge { limit, .. } => format!("it is larger than {limit}"),
        }
    }
}

/// The whole of the regular file at `path`, at most `cap` bytes. `what` names the file for
/// the person ("the config file", "image").
pub fn read_regular(path: &Path, cap: u64, what: &'static str) -> Result<Vec<u8>, LocalFileError> {
    let io = |source| LocalFileError::Io {
        what,
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // Opening a FIFO for reading waits for a writer; non-blocking, it opens at once and
        // the type check below refuses it. Regular files ignore the flag.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(io)?;
    // The type of what was opened, not of what the path named a moment earlier.
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(LocalFileError::NotAFile {
            what,
            path: path.to_path_buf(),
            kind: kind_of(&meta.file_type()),
        });
    }
    let too_large = || LocalFileError::TooLarge {
        what,
        path: path.to_path_buf(),
        limit: limit_text(cap),
    };
    if meta.len() > cap {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // A file that grows while it is read still stops one byte past the cap.
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > cap {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Why a file that is about to be streamed (an upload) cannot be: None for a regular file.
/// `/dev/zero` would send forever, a FIFO would hang.
pub fn not_regular(meta: &std::fs::Metadata) -> Option<String> {
    (!meta.is_file()).then(|| {
        format!(
            "it is {}, not a regular file: give the path of a file",
            kind_of(&meta.file_type())
        )
    })
}

fn kind_of(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

fn limit_text(cap: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if cap >= MIB && cap.is_multiple_of(MIB) {
        format!("{} MiB", cap / MIB)
    } else {
        format!("{cap} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_files_are_refused_and_sizes_capped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = read_regular(dir.path(), 10, "the config file").expect_err("a directory");
        assert!(err.to_string().contains("is a directory"), "{err}");

        #[cfg(unix)]
        {
            let started = std::time::Instant::now();
            let err = read_regular(Path::new("/dev/zero"), 10, "image").expect_err("a device");
            assert!(err.to_string().contains("character device"), "{err}");
            let fifo = dir.path().join("fifo");
            let c = std::ffi::CString::new(fifo.to_str().expect("utf-8")).expect("c string");
            // SAFETY: a valid NUL-terminated path.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            let err = read_regular(&fifo, 10, "image").expect_err("a FIFO");
            assert!(err.to_string().contains("named pipe"), "{err}");
            assert!(started.elapsed() < std::time::Duration::from_secs(5));
        }

        let file = dir.path().join("f");
        std::fs::write(&file, b"0123456789").expect("write");
        assert_eq!(read_regular(&file, 10, "f").expect("fits"), b"0123456789");
        let err = read_regular(&file, 9, "image").expect_err("too large");
        assert!(err.to_string().contains("larger than 9 bytes"), "{err}");
    }
}
