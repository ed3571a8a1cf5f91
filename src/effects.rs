//! What the dashboard's runtime does for `App::update` besides engine commands: write the
//! message log to a file, and the bytes that ask the terminal for attention. `update` only
//! asks (an [`Effect`](crate::app::Effect)); these functions do it, outside `update` and render.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Write `text` to a new file at `path`, readable by the user only (0600), its folder created
/// 0700 when missing. An existing file (or a symbolic link planted at its name) is refused,
/// never overwritten or followed.
pub fn save_private(path: &Path, text: &str) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        sora_core::download::files::create_private_dir(dir)?;
    }
    let mut file = sora_core::download::files::private_options()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// [`save_private`] at `path`, or when a file is there already (two saves in one second) at
/// `NAME-2.EXT`, `NAME-3.EXT`...: where it was written.
pub fn save_new(path: &Path, text: &str) -> io::Result<PathBuf> {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let mut candidate = path.to_path_buf();
    for n in 2..=100 {
        match save_private(&candidate, text) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                candidate = path.with_file_name(format!("{stem}-{n}{ext}"));
            }
            other => return other.map(|()| candidate),
        }
    }
    save_private(&candidate, text).map(|()| candidate)
}

/// The bytes of a notification: BEL for the bell, OSC 9 (`ESC ] 9 ; text BEL`) for a desktop
/// notification. The text's control characters are shown as text (`\x1b`), so it cannot end
/// the sequence early or send one of its own.
pub fn notification_bytes(bell: bool, osc9: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(text) = osc9 {
        out.push_str("\x1b]9;");
        out.push_str(&sora_core::text::one_line(text));
        out.push('\x07');
    }
    if bell {
        out.push('\x07');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::notification_bytes;

    #[test]
    fn notification_text_cannot_escape_its_sequence() {
        assert_eq!(notification_bytes(true, None), "\x07");
        assert_eq!(
            notification_bytes(false, Some("job #1 done\x07\x1b]52;c;x")),
            "\x1b]9;job #1 done\\x07\\x1b]52;c;x\x07"
        );
    }
}
