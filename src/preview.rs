//! Decoding a saved thumbnail for the jobs panel and the details view: file to image to the
//! terminal's pictures (kitty, sixel, iTerm2 or half-blocks, as `crate::graphics` picked). The
//! runtime runs it on a blocking thread, never in `update` or `render`.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use ratatui::layout::Size;
use ratatui_image::Resize;
use ratatui_image::picker::Picker;

use crate::app::preview::{PREVIEW_COLS, PREVIEW_ROWS, Preview};

/// A thumbnail is tens of kilobytes; anything far larger is not one, and is not read whole.
const MAX_THUMBNAIL_BYTES: u64 = 8 * 1024 * 1024;

/// The thumbnail at `path` fitted into the preview's cells, in half-blocks (any terminal).
pub fn decode(path: &Path) -> Result<Preview, String> {
    decode_with(path, &Picker::halfblocks())
}

/// The thumbnail at `path` fitted into the preview's cells, encoded as `picker` says. One size
/// serves the jobs panel and the details view: both draw the same encoded picture (for kitty,
/// one transmission, then placeholders wherever it shows).
pub fn decode_with(path: &Path, picker: &Picker) -> Result<Preview, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open the thumbnail: {e}"))?;
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot read the thumbnail: {e}"))?;
    if !meta.is_file() {
        return Err("the thumbnail is not a regular file".into());
    }
    let mut bytes = Vec::new();
    file.take(MAX_THUMBNAIL_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the thumbnail: {e}"))?;
    let image =
        image::load_from_memory(&bytes).map_err(|e| format!("cannot decode the thumbnail: {e}"))?;
    let protocol = picker
        .new_protocol(
            image,
            Size::new(PREVIEW_COLS, PREVIEW_ROWS),
            Resize::Fit(None),
        )
        .map_err(|e| format!("cannot draw the thumbnail: {e}"))?;
    Ok(Preview(Arc::new(protocol)))
}
