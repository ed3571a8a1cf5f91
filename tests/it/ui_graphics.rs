//! Thumbnails in the terminal's own pictures: the start-up query's answer picks kitty graphics,
//! sixel or half-blocks (`sora_tui::graphics`), the decoded picture carries that protocol's
//! escapes into the cells, an overlay is never pierced by it, and `[ui] images = "off"` draws
//! nothing.

use crate::ui_support as support;

use std::path::PathBuf;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui_image::picker::{Picker, ProtocolType};
use sora_core::config::Images;
use sora_core::engine::{EngineEvent, JobKey};
use sora_tui::app::{App, Effect, Msg};
use sora_tui::graphics::{self, Answer};
use sora_tui::ui::{self, Theme};
use support::*;

/// Kitty's placeholder character: a cell that shows part of a transmitted image.
const PLACEHOLDER: char = '\u{10EEEE}';

fn asset(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("assets")
        .join(name)
}

/// The picker the start-up query makes of `answer` (a 10x20-pixel cell unless it says).
fn picker_for(answer: Option<Answer>) -> Picker {
    graphics::choose(Images::Auto, answer, &Picker::halfblocks())
        .picker
        .expect("a picker")
}

fn kitty() -> Picker {
    picker_for(Some(Answer {
        kitty: true,
        sixel: false,
        cell: Some((10, 20)),
    }))
}

/// A finished job whose thumbnail was decoded with `picker`, the jobs panel focused.
fn app_with(picker: &Picker) -> App {
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "a fox");
    let preview =
        sora_tui::preview::decode_with(&asset("thumbnail.jpg"), picker).expect("the asset decodes");
    app.update(Msg::Preview {
        job: JobKey(1),
        preview,
    });
    press(&mut app, KeyCode::Tab);
    app
}

/// Draw a frame; every cell's symbol, row by row.
fn draw(terminal: &mut Terminal<TestBackend>, app: &App) -> Vec<String> {
    terminal
        .draw(|frame| ui::render(app, &Theme::dark(), frame))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let mut cells = Vec::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            cells.push(buffer.cell((x, y)).expect("cell").symbol().to_string());
        }
    }
    cells
}

fn placeholders(cells: &[String]) -> usize {
    cells.iter().filter(|c| c.contains(PLACEHOLDER)).count()
}

fn kitty_transmissions(cells: &[String]) -> usize {
    cells
        .iter()
        .filter(|c| c.contains("_Gq=2,") && c.contains("a=T") && c.contains("U=1"))
        .count()
}

#[test]
fn a_kitty_terminal_gets_the_thumbnail_as_kitty_graphics_sent_once() {
    let picker = kitty();
    assert_eq!(picker.protocol_type(), ProtocolType::Kitty);
    let app = app_with(&picker);
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    let first = draw(&mut terminal, &app);
    assert_eq!(kitty_transmissions(&first), 1, "the image is transmitted");
    assert!(
        placeholders(&first) >= 7 * 7,
        "placeholders: {}",
        placeholders(&first)
    );
    assert!(
        !first.iter().any(|c| c == "▀" || c == "▄"),
        "no half-blocks"
    );
    // Later frames only place it again: the terminal keeps the image.
    let second = draw(&mut terminal, &app);
    assert_eq!(kitty_transmissions(&second), 0);
    assert_eq!(placeholders(&second), placeholders(&first));
}

#[test]
fn a_sixel_terminal_gets_the_thumbnail_as_sixel() {
    let picker = picker_for(Some(Answer {
        kitty: false,
        sixel: true,
        cell: Some((10, 20)),
    }));
    assert_eq!(picker.protocol_type(), ProtocolType::Sixel);
    let app = app_with(&picker);
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    let cells = draw(&mut terminal, &app);
    let sixels: Vec<_> = cells.iter().filter(|c| c.contains("\x1bP")).collect();
    assert_eq!(sixels.len(), 1, "one sixel image");
    assert!(sixels[0].contains('q') && sixels[0].ends_with("\x1b\\"));
    assert!(
        !cells.iter().any(|c| c == "▀" || c == "▄"),
        "no half-blocks"
    );
}

#[test]
fn without_an_answer_to_the_query_thumbnails_are_half_blocks() {
    let graphics = graphics::choose(Images::Auto, None, &Picker::halfblocks());
    assert!(
        graphics.description.starts_with("half-blocks"),
        "{}",
        graphics.description
    );
    let app = app_with(&graphics.picker.expect("picker"));
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    let cells = draw(&mut terminal, &app);
    assert!(cells.iter().filter(|c| *c == "▀" || *c == "▄").count() >= 60);
    assert!(!cells.iter().any(|c| c.contains('\x1b')), "no escapes");
}

#[test]
fn an_overlay_over_the_jobs_panel_is_not_pierced_by_a_kitty_picture() {
    let mut app = app_with(&kitty());
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    // The message log and the help cover the panel: the picture is left out under them.
    press(&mut app, KeyCode::F(10));
    let under_log = draw(&mut terminal, &app);
    assert_eq!(placeholders(&under_log), 0);
    assert_eq!(kitty_transmissions(&under_log), 0);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('?'));
    assert!(app.help_visible());
    assert_eq!(placeholders(&draw(&mut terminal, &app)), 0);
    // Closed: the picture is back, sent now (nothing was lost under the overlay).
    press(&mut app, KeyCode::Esc);
    assert!(!app.help_visible());
    let back = draw(&mut terminal, &app);
    assert_eq!(kitty_transmissions(&back), 1);
    assert!(placeholders(&back) >= 7 * 7);
}

#[test]
fn the_details_view_draws_the_kitty_picture_and_the_help_over_it_hides_it() {
    let mut app = app_with(&kitty());
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    press(&mut app, KeyCode::Enter);
    let details = draw(&mut terminal, &app);
    assert_eq!(kitty_transmissions(&details), 1);
    // One picture, in the overlay: the jobs panel's copy is left out under it.
    let popup = sora_tui::app::reading::overlay_area(ratatui::layout::Rect::new(0, 0, 200, 50));
    for (index, cell) in details.iter().enumerate() {
        if cell.contains(PLACEHOLDER) {
            let (x, y) = ((index % 200) as u16, (index / 200) as u16);
            assert!(
                popup.contains(ratatui::layout::Position::new(x, y)),
                "a placeholder outside the details view at {x},{y}"
            );
        }
    }
    assert!(placeholders(&details) >= 7 * 7);
    press(&mut app, KeyCode::F(1));
    assert!(app.help_visible());
    assert_eq!(placeholders(&draw(&mut terminal, &app)), 0);
}

#[test]
fn with_images_off_no_thumbnail_is_decoded_or_drawn() {
    let mut settings = settings();
    settings.images = Images::Off;
    let mut app = App::new(settings);
    app.update(Msg::Clock(at(0.0)));
    job_through_all_statuses(&mut app, 1, "a fox");
    let effects = feed(
        &mut app,
        EngineEvent::DownloadFinished {
            key: thumbnail(1),
            path: asset("thumbnail.jpg"),
            bytes: 11_000,
        },
    );
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::LoadPreview { .. })),
        "{effects:?}"
    );
    press(&mut app, KeyCode::Tab);
    let jobs = render(&app, 200, 50);
    assert!(!jobs.contains('▀') && !jobs.contains('▄'), "{jobs}");
    press(&mut app, KeyCode::Enter);
    let details = render(&app, 200, 50);
    assert!(
        !details.contains('▀') && !details.contains('▄'),
        "{details}"
    );
    assert!(graphics::detect(Images::Off).picker.is_none());
}

#[test]
fn the_message_log_says_what_thumbnails_are_drawn_with() {
    let mut settings = settings();
    settings.thumbnails = Some(
        graphics::choose(
            Images::Auto,
            Some(Answer {
                kitty: true,
                sixel: false,
                cell: Some((10, 20)),
            }),
            &Picker::halfblocks(),
        )
        .description,
    );
    let mut app = App::new(settings);
    app.update(Msg::Clock(at(0.0)));
    press(&mut app, KeyCode::F(10));
    let screen = render(&app, 120, 40);
    assert!(
        screen.contains("thumbnails") && screen.contains("kitty graphics (the terminal answered"),
        "{screen}"
    );
}

#[test]
fn a_wrong_images_flag_is_refused_with_the_modes() {
    let sandbox = crate::common::Sandbox::new();
    let out = sandbox
        .command()
        .args(["--images", "png", "doctor"])
        .output()
        .expect("run sora-tui");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--images") && err.contains("png") && err.contains("\"kitty\""),
        "{err}"
    );
}
