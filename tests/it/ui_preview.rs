//! The finished video's thumbnail in the jobs panel: the saved file is decoded off the UI thread
//! (an effect), then drawn in half-blocks beside the selected job where there is room.

use crate::ui_support as support;

use std::path::PathBuf;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use sora_core::engine::JobKey;
use sora_tui::app::layout;
use sora_tui::app::{Effect, Msg};
use sora_tui::ui::{self, Theme};
use support::*;

fn asset(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("assets")
        .join(name)
}

/// A finished job whose thumbnail (an asset of the simulator) has been decoded.
fn app_with_thumbnail(name: &str) -> sora_tui::app::App {
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "a fox");
    let preview = sora_tui::preview::decode(&asset(name)).expect("the asset decodes");
    app.update(Msg::Preview {
        job: JobKey(1),
        preview,
    });
    app
}

#[test]
fn a_saved_thumbnail_is_decoded_off_the_ui_thread() {
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "a fox");
    let effects = feed(
        &mut app,
        sora_core::engine::EngineEvent::DownloadFinished {
            key: thumbnail(1),
            path: PathBuf::from("/videos/gen_01_thumbnail.jpg"),
            bytes: 11_000,
        },
    );
    assert_eq!(
        effects,
        vec![Effect::LoadPreview {
            job: JobKey(1),
            path: PathBuf::from("/videos/gen_01_thumbnail.jpg"),
        }]
    );
}

#[test]
fn after_the_editor_had_the_terminal_the_thumbnails_are_decoded_again() {
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "a fox");
    let path = asset("thumbnail.jpg");
    feed(
        &mut app,
        sora_core::engine::EngineEvent::DownloadFinished {
            key: thumbnail(1),
            path: path.clone(),
            bytes: 11_000,
        },
    );
    let preview = sora_tui::preview::decode(&path).expect("the asset decodes");
    app.update(Msg::Preview {
        job: JobKey(1),
        preview,
    });
    // A picture the terminal drew itself went with the screen the editor replaced.
    let effects = app.update(Msg::PromptEdited(Ok("a fox at dawn".into())));
    assert_eq!(
        effects,
        vec![Effect::LoadPreview {
            job: JobKey(1),
            path
        }]
    );
}

#[test]
fn the_simulators_thumbnail_is_drawn_in_half_blocks_beside_the_selected_job() {
    let app = app_with_thumbnail("thumbnail.jpg");
    let (width, height) = (200, 50);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| ui::render(&app, &Theme::dark(), frame))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let jobs =
        layout::inner(layout::dashboard(ratatui::layout::Rect::new(0, 0, width, height), 1).jobs);
    let right = jobs.right() - sora_tui::app::preview::PREVIEW_COLS;
    let mut blocks = 0;
    let mut colours = std::collections::HashSet::new();
    for y in jobs.y..jobs.bottom() {
        for x in right..jobs.right() {
            let cell = buffer.cell((x, y)).expect("cell");
            if matches!(cell.symbol(), "▀" | "▄" | "█") {
                blocks += 1;
                if let Color::Rgb(r, g, b) = cell.fg {
                    colours.insert((r, g, b));
                }
            }
        }
    }
    assert!(
        blocks >= 60,
        "half-blocks drawn in the preview's area: {blocks}"
    );
    assert!(
        colours.len() >= 10,
        "a picture, not a flat box: {} colours",
        colours.len()
    );
    // The job's own lines keep the rest of the panel.
    let screen = render(&app, width, height);
    assert!(screen.contains("task_01jv8example"), "{screen}");
}

#[test]
fn at_80_columns_the_thumbnail_leaves_the_status_chain_its_room() {
    let app = app_with_thumbnail("thumbnail.webp");
    let screen = render(&app, 80, 24);
    assert!(!screen.contains('▀') && !screen.contains('▄'), "{screen}");
}

#[test]
fn a_file_that_is_not_an_image_is_refused_with_the_reason() {
    let err = sora_tui::preview::decode(&asset("README.md")).expect_err("not an image");
    assert!(err.contains("cannot decode the thumbnail"), "{err}");
    let err = sora_tui::preview::decode(&asset("missing.jpg")).expect_err("missing");
    assert!(err.contains("cannot open the thumbnail"), "{err}");
}

/// At 140x40 (the jobs panel is shorter than at 200x50) the picture is still drawn: it once
/// was sized for a taller panel and the widget then drew nothing at all.
#[test]
fn the_thumbnail_fits_a_140x40_terminal() {
    let app = app_with_thumbnail("thumbnail.jpg");
    let screen = render(&app, 140, 40);
    let blocks = screen.matches(['▀', '▄']).count();
    assert!(blocks >= 40, "{blocks} half-blocks:\n{screen}");
}

/// Enter on the finished job: its details view draws the thumbnail at the top right, the
/// text wrapped beside it, at 80x24 as at 200x50.
#[test]
fn the_details_view_draws_the_thumbnail_beside_its_text() {
    for (width, height) in [(80, 24), (200, 50)] {
        let mut app = app_with_thumbnail("thumbnail.jpg");
        press(&mut app, crossterm::event::KeyCode::Tab);
        press(&mut app, crossterm::event::KeyCode::Enter);
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        terminal
            .draw(|frame| ui::render(&app, &Theme::dark(), frame))
            .expect("draw");
        let buffer = terminal.backend().buffer();
        let popup =
            sora_tui::app::reading::overlay_area(ratatui::layout::Rect::new(0, 0, width, height));
        // Inside the border, the picture's columns at the right.
        let left = popup.right() - 1 - sora_tui::app::preview::PREVIEW_COLS;
        let mut blocks = 0;
        for y in popup.y + 1..popup.y + 1 + sora_tui::app::preview::PREVIEW_ROWS {
            for x in left..popup.right() - 1 {
                if matches!(buffer.cell((x, y)).expect("cell").symbol(), "▀" | "▄") {
                    blocks += 1;
                }
            }
        }
        let screen = render(&app, width, height);
        assert!(
            blocks >= 60,
            "{width}x{height}: {blocks} half-blocks\n{screen}"
        );
        assert!(
            screen.contains("details") && screen.contains("task_01jv8example"),
            "{screen}"
        );
    }
}
