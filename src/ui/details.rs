//! The job details overlay: everything the dashboard knows about one job, in full — ids,
//! request ids, every status with its time, retries, the failure reason, files, URLs, cost.
//! Nothing is cut: long text wraps and the overlay scrolls. Signed URLs never show their query.
//! The rows are `app::details_rows`' and the geometry `app::reading`'s, which a click on a URL
//! is resolved with.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Clear, Paragraph};

use super::wrap::{Row, wrap_rows};
use super::{Theme, panel};
use crate::app::details_rows::Tone;
use crate::app::preview::Preview;
use crate::app::reading::{ReadingAreas, reading_areas};
use crate::app::{App, Scroll};
use sora_core::engine::JobKey;

/// A bordered, scrolled view of `rows` over `area`; the title says where the view stands.
/// Returns the first line shown at the view's end (see `ScrollLimits`).
pub fn render_reading(
    title: &str,
    rows: &[Row],
    scroll: Scroll,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) -> u16 {
    render_reading_beside(title, rows, scroll, None, (theme, frame, area))
}

/// [`render_reading`] with a picture at the top right and the text wrapped beside it, where
/// the view is wide and tall enough (`draw` false: its room only). The picture stays put while
/// the text scrolls.
fn render_reading_beside(
    title: &str,
    rows: &[Row],
    scroll: Scroll,
    picture: Option<(&Preview, bool)>,
    (theme, frame, area): (&Theme, &mut Frame, Rect),
) -> u16 {
    let ReadingAreas {
        popup,
        text,
        picture: room,
    } = reading_areas(area, picture.is_some());
    frame.render_widget(Clear, popup);
    let last = render_rows(title, rows, scroll, theme, frame, (popup, text));
    if let (Some((preview, true)), Some(room)) = (picture, room) {
        frame.render_widget(ratatui_image::Image::new(&preview.0), room);
    }
    last
}

/// The wrapped, scrolled rows in `inner`, and the popup's border with the title and place.
fn render_rows(
    title: &str,
    rows: &[Row],
    scroll: Scroll,
    theme: &Theme,
    frame: &mut Frame,
    (popup, inner): (Rect, Rect),
) -> u16 {
    let block = panel("", true, theme);
    let lines = wrap_rows(rows, inner.width, theme.dim);
    let total = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let offset = scroll.offset(total, inner.height);
    let place = if total > inner.height {
        format!(
            " lines {}–{} of {total} · ↑/↓ PgUp/PgDn Home/End",
            offset + 1,
            (offset + inner.height).min(total)
        )
    } else {
        String::new()
    };
    let block = block.title(format!(" {title}{place} · Esc closes "));
    frame.render_widget(block, popup);
    frame.render_widget(Paragraph::new(lines).scroll((offset, 0)), inner);
    total.saturating_sub(inner.height)
}

pub fn render_details(
    app: &App,
    job: JobKey,
    scroll: Scroll,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) -> u16 {
    let row = app.jobs().rows.iter().find(|r| r.key == job);
    let rows = match app.details_rows(job) {
        Some(rows) => rows
            .into_iter()
            .map(|r| Row::new(r.label, r.text, style(theme, r.tone)))
            .collect(),
        None => vec![Row::full("This job is no longer listed.", theme.dim)],
    };
    // The thumbnail's room is kept under a question or the help; a terminal's picture (drawn
    // over the cells) is left out there, as in the jobs panel.
    let covered = app.modal().is_some() || app.help_visible();
    let picture = row
        .and_then(|r| r.preview.as_ref())
        .map(|p| (p, !(covered && p.is_graphics())));
    render_reading_beside(
        &format!("Job {job} — details"),
        &rows,
        scroll,
        picture,
        (theme, frame, area),
    )
}

fn style(theme: &Theme, tone: Tone) -> Style {
    match tone {
        Tone::Text => theme.text,
        Tone::Dim => theme.dim,
        Tone::Accent => theme.accent,
        Tone::Ok => theme.ok,
        Tone::Error => theme.error,
        Tone::Warning => theme.warning,
        Tone::Title => theme.title,
    }
}
