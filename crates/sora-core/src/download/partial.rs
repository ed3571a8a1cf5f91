//! The partial file a body streams into, beside its target (`<target>.partial`), and what is
//! kept beside it (`<target>.partial.validator`): the validator of the answer it came from, so a
//! later run can resume it with `If-Range`, and the checksum that answer gave for the whole
//! file. Neither is ever opened through a symbolic link (see [`files`](super::files)).

use std::path::{Path, PathBuf};

use super::{digest, files};

/// The partial file that receives the body while it streams.
pub fn partial_path(target: &Path) -> PathBuf {
    sibling(target, ".partial")
}

/// Beside the partial: the validator (`ETag`/`Last-Modified`) of the response it holds, so a
/// later run can resume it safely with `If-Range`.
pub(super) fn validator_path(target: &Path) -> PathBuf {
    sibling(target, ".partial.validator")
}

fn sibling(target: &Path, suffix: &str) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    target.with_file_name(name)
}

/// The length of the file itself, never of what a symbolic link points to.
pub(super) async fn file_len(path: &Path) -> u64 {
    tokio::fs::symlink_metadata(path)
        .await
        .map_or(0, |m| m.len())
}

/// What is kept beside a partial: the validator of the answer it came from (line 1) and the
/// checksum that answer gave for the whole file, if any (line 2).
pub(super) struct Saved {
    pub validator: String,
    pub digest: Option<digest::Expected>,
}

/// The validator saved beside a partial, if both exist.
pub(super) async fn saved_state(target: &Path) -> Option<Saved> {
    if file_len(&partial_path(target)).await == 0 {
        return None;
    }
    let text = files::read_small(&validator_path(target), 1024)
        .await
        .ok()?;
    let mut lines = text.lines();
    let validator = lines.next()?.trim();
    (!validator.is_empty() && validator.len() < 512).then(|| Saved {
        validator: validator.to_string(),
        digest: lines.next().and_then(digest::Expected::from_line),
    })
}

/// Said when a download stops on a refused key (401/403): what of it is kept on disk, and that
/// fetching again once `fix` is done picks it up. Empty when nothing was received.
pub(super) async fn kept_after_refusal(target: &Path, fix: &str) -> String {
    let path = partial_path(target);
    let bytes = file_len(&path).await;
    if bytes == 0 {
        return String::new();
    }
    let shown = path.display();
    if saved_state(target).await.is_some() {
        format!(
            "; the partial file {shown} ({bytes} bytes) is kept: download again after {fix} and it resumes from byte {bytes}"
        )
    } else {
        format!(
            "; the partial file {shown} ({bytes} bytes) is kept, but the service gave no validator to resume it safely: download again after {fix} and it starts over"
        )
    }
}

pub(super) async fn discard_partial(target: &Path) {
    let _ = tokio::fs::remove_file(partial_path(target)).await;
    let _ = tokio::fs::remove_file(validator_path(target)).await;
}

/// Keep `validator` (and the whole file's checksum, if any) beside a partial just started; without
/// a validator the partial cannot be resumed, and nothing is kept.
pub(super) async fn save_state(
    target: &Path,
    validator: Option<String>,
    digest: Option<&digest::Expected>,
) -> Result<(), (PathBuf, std::io::Error)> {
    let vpath = validator_path(target);
    match validator {
        Some(mut text) => {
            if let Some(d) = digest {
                text.push('\n');
                text.push_str(&d.to_line());
            }
            files::write_private(&vpath, &text)
                .await
                .map_err(|e| (vpath, e))
        }
        None => {
            let _ = tokio::fs::remove_file(&vpath).await;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_files_sit_beside_the_target() {
        assert_eq!(
            partial_path(Path::new("/d/gen_1.mp4")),
            PathBuf::from("/d/gen_1.mp4.partial")
        );
        assert_eq!(
            validator_path(Path::new("/d/gen_1.mp4")),
            PathBuf::from("/d/gen_1.mp4.partial.validator")
        );
    }
}
