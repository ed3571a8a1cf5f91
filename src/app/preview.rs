//! A finished job's thumbnail, ready to draw: the runtime decodes the saved file off the UI
//! thread (`crate::preview`) and hands the result back as a message; drawing it is then cheap.

use std::sync::Arc;

use ratatui_image::protocol::Protocol;

/// Columns and rows a thumbnail takes in the jobs panel (a square frame in half-blocks).
pub const PREVIEW_COLS: u16 = 14;
pub const PREVIEW_ROWS: u16 = 7;

/// An encoded image (half-blocks, or a terminal graphics protocol), shared, never copied.
#[derive(Clone)]
pub struct Preview(pub Arc<Protocol>);

impl Preview {
    /// Drawn by the terminal over the cells (kitty, sixel, iTerm2) rather than as characters in
    /// them (half-blocks). Such a picture is not drawn under an overlay: the terminal could
    /// paint it over the overlay's text.
    pub fn is_graphics(&self) -> bool {
        !matches!(*self.0, Protocol::Halfblocks(_))
    }
}

impl PartialEq for Preview {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for Preview {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Preview")
    }
}

impl super::App {
    /// Thumbnails decoded again after the terminal was lent (to the editor): a picture the
    /// terminal drew itself (kitty, sixel) went with the screen it was on, and an encoded one is
    /// sent to the terminal only once.
    pub(super) fn reload_previews(&self) -> Vec<super::Effect> {
        self.jobs
            .rows
            .iter()
            .filter(|row| row.preview.is_some())
            .filter_map(|row| {
                let thumbnail = row
                    .files
                    .iter()
                    .find(|f| f.variant == sora_core::providers::ContentVariant::Thumbnail)?;
                Some(super::Effect::LoadPreview {
                    job: row.key,
                    path: thumbnail.path.clone(),
                })
            })
            .collect()
    }
}
