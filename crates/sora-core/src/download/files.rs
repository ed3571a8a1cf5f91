//! The files sora-tui writes (videos and their partials, journal) and the directories it makes:
//! never opened through a symbolic link planted where one of them goes (a shared `/tmp`
//! download directory is enough to plant one), readable by the user alone (files 0600,
//! directories 0700), and the download directory checked before anything is paid for.

use std::io;
use std::path::{Path, PathBuf};

/// Free space asked of a download directory before a job is created, when the size of what it
/// will hold is not known yet: a Sora video is tens of MiB, a long 1080p one over a hundred.
pub const MIN_FREE_BYTES: u64 = 256 << 20;

/// Options that open a file only if it is not a symbolic link, and create it 0600.
pub fn private_options() -> std::fs::OpenOptions {
    #[allow(unused_mut)]
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW).mode(0o600);
    }
    options
}

/// Create `dir` and its missing parents 0700 (existing ones are left as they are).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Whether an open failed because the path is a symbolic link (`O_NOFOLLOW`).
pub fn is_symlink_refusal(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// Write a small file whole (create or truncate), refusing a symbolic link.
pub async fn write_private(path: &Path, text: &str) -> io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut options = tokio::fs::OpenOptions::from(private_options());
    let mut file = options
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .await?;
    file.write_all(text.as_bytes()).await?;
    file.flush().await
}

/// Read a small file (at most `max` bytes), refusing a symbolic link.
pub async fn read_small(path: &Path, max: u64) -> io::Result<String> {
    use tokio::io::AsyncReadExt;
    let mut options = tokio::fs::OpenOptions::from(private_options());
    let file = options.read(true).open(path).await?;
    let mut text = String::new();
    file.take(max).read_to_string(&mut text).await?;
    Ok(text)
}

/// Why files cannot be saved in a directory.
#[derive(Debug, thiserror::Error)]
pub enum DirError {
    #[error(
        "{} is not a directory: choose a directory for the files (--out DIR or download.dir)",
        .path.display()
    )]
    NotADirectory { path: PathBuf },
    #[error(
        "cannot create the download directory {}: {source}. Choose one you can write to (--out DIR or download.dir)",
        .path.display()
    )]
    Create {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "cannot write in the download directory {}: {source}. Choose one you can write to (--out DIR or download.dir), or fix its permissions",
        .path.display()
    )]
    NotWritable {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "the download directory {} has {} free, and at least {} are needed: free some space or choose another directory (--out DIR or download.dir)",
        .path.display(), crate::present::bytes(*.free), crate::present::bytes(*.need)
    )]
    NoSpace { path: PathBuf, free: u64, need: u64 },
}

/// Check that files can be saved in `dir`: it is (or can be made) a directory, a file can be
/// created in it, and it has `need` bytes free. Blocking (a few system calls).
pub fn check_dir(dir: &Path, need: u64) -> Result<(), DirError> {
    match std::fs::metadata(dir) {
        Ok(m) if !m.is_dir() => {
            return Err(DirError::NotADirectory {
                path: dir.to_path_buf(),
            });
        }
        Ok(_) => {}
        Err(_) => create_private_dir(dir).map_err(|source| {
            if dir.ancestors().skip(1).any(|a| a.is_file()) {
                DirError::NotADirectory {
                    path: dir.to_path_buf(),
                }
            } else {
                DirError::Create {
                    path: dir.to_path_buf(),
                    source,
                }
            }
        })?,
    }
    // Permission bits do not tell (root, ACLs, a read-only mount): create a file and see.
    let probe = dir.join(format!(
        ".sora-tui-write-check-{}-{:08x}",
        std::process::id(),
        fastrand::u32(..)
    ));
    let not_writable = |source| DirError::NotWritable {
        path: dir.to_path_buf(),
        source,
    };
    private_options()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(not_writable)?;
    std::fs::remove_file(&probe).map_err(not_writable)?;
    if let Some(free) = free_bytes(dir)
        && free < need
    {
        return Err(DirError::NoSpace {
            path: dir.to_path_buf(),
            free,
            need,
        });
    }
    Ok(())
}

/// [`check_dir`] for [`MIN_FREE_BYTES`], off the async runtime.
pub async fn check_dir_async(dir: &Path) -> Result<(), DirError> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || check_dir(&dir, MIN_FREE_BYTES))
        .await
        .unwrap_or(Ok(()))
}

/// An id as a file name: only characters safe on every filesystem.
pub fn safe_file_stem(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if s.is_empty() { "output".into() } else { s }
}

/// Bytes an unprivileged user may still write on the filesystem of `dir`, if it says.
fn free_bytes(dir: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
        let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
        // SAFETY: a valid NUL-terminated path and a valid out pointer.
        if unsafe { libc::statvfs(path.as_ptr(), &mut stat) } != 0 {
            return None;
        }
        #[allow(clippy::unnecessary_cast)]
        Some((stat.f_bavail as u64).saturating_mul(stat.f_frsize as u64))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_safe() {
        assert_eq!(safe_file_stem("gen_01abc"), "gen_01abc");
        assert_eq!(safe_file_stem("../../etc/passwd"), "______etc_passwd");
        assert_eq!(safe_file_stem(""), "output");
    }

    #[test]
    fn a_file_or_a_path_under_a_file_is_not_a_download_directory() {
        let tmp = tempfile::tempdir().expect("tmp");
        let file = tmp.path().join("f");
        std::fs::write(&file, b"x").expect("write");
        assert!(matches!(
            check_dir(&file, 0),
            Err(DirError::NotADirectory { .. })
        ));
        assert!(matches!(
            check_dir(&file.join("sub"), 0),
            Err(DirError::NotADirectory { .. })
        ));
        let made = tmp.path().join("a/b");
        check_dir(&made, 0).expect("created");
        assert!(made.is_dir());
        assert_eq!(
            std::fs::read_dir(&made).expect("list").count(),
            0,
            "probe removed"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&made).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        assert!(matches!(
            check_dir(tmp.path(), u64::MAX),
            Err(DirError::NoSpace { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_refused_and_new_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().expect("tmp");
        let victim = tmp.path().join("victim");
        std::fs::write(&victim, b"keep me").expect("write");
        let link = tmp.path().join("x.partial");
        std::os::unix::fs::symlink(&victim, &link).expect("symlink");
        let err = private_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&link)
            .expect_err("a symlink is not followed");
        assert!(is_symlink_refusal(&err), "{err}");
        assert_eq!(std::fs::read(&victim).expect("read"), b"keep me");
        let new = tmp.path().join("new");
        private_options()
            .write(true)
            .create(true)
            .open(&new)
            .expect("create");
        let mode = std::fs::metadata(&new).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
