//! Snapshots of the help over each part, the panels' other states (the bucket list focused, a
//! transfer in flight, filters being typed, pages empty or loading) and the too-small view.

use super::*;

#[test]
fn the_help_over_each_part_and_scrolled() {
    // From the prompt (F1: `?` would be text there).
    let mut app = busy_app();
    press(&mut app, KeyCode::F(1));
    snapshot_everywhere("help_prompt", &app);

    let mut app = busy_app();
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::Char('?'));
    snapshot_everywhere("help_buckets", &app);

    let mut app = super::history_page();
    press(&mut app, KeyCode::Char('?'));
    snapshot_everywhere("help_history", &app);

    let mut app = busy_app();
    press(&mut app, KeyCode::F(6));
    press(&mut app, KeyCode::Char('?'));
    snapshot_everywhere("help_doctor", &app);

    let mut app = busy_app();
    press_with(
        &mut app,
        KeyCode::Char('o'),
        crossterm::event::KeyModifiers::CONTROL,
    );
    press(&mut app, KeyCode::F(1));
    snapshot_everywhere("help_form", &app);

    let mut app = busy_app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('?'));
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    snapshot_everywhere("help_scrolled", &app);
}

#[test]
fn the_bucket_list_focused() {
    let mut app = busy_app();
    objects_listed(&mut app);
    press(&mut app, KeyCode::BackTab);
    snapshot_everywhere("buckets_list_focused", &app);
}

#[test]
fn a_transfer_in_flight() {
    let mut app = busy_app();
    // Job 3's video: 40 MiB of 120 arrived, the last byte 5 s ago.
    feed(&mut app, progress(video(3), 40 * MIB, Some(120 * MIB)));
    clock(&mut app, 65.0);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    snapshot_everywhere("downloads_in_flight", &app);
}

#[test]
fn the_filters_being_typed_in_downloads_and_history() {
    let mut app = busy_app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "saved");
    snapshot_everywhere("downloads_filter_typing", &app);

    let mut app = super::history_page();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "fox");
    snapshot_everywhere("history_filter_typing", &app);
}

#[test]
fn the_pages_empty_and_loading() {
    let mut app = busy_app();
    press(&mut app, KeyCode::F(5));
    snapshot_everywhere("history_loading", &app);
    feed(&mut app, EngineEvent::History(Ok(Vec::new())));
    snapshot_everywhere("history_empty", &app);

    let mut app = busy_app();
    press(&mut app, KeyCode::F(6));
    snapshot_everywhere("doctor_loading", &app);
}

#[test]
fn the_thumbnail_beside_the_selected_job() {
    let mut app = busy_app();
    with_thumbnail(&mut app);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Home);
    // 200 columns have room for it; 80 leave it out for the status chain.
    snapshot_everywhere("jobs_thumbnail", &app);
}

#[test]
fn the_too_small_view() {
    let app = busy_app();
    for (theme_name, theme) in themes() {
        let mut terminal = Terminal::new(TestBackend::new(50, 15)).expect("terminal");
        terminal
            .draw(|frame| ui::render(&app, &theme, frame))
            .expect("draw");
        let text = snapshot_text(terminal.backend().buffer());
        super::assert_named(&format!("too_small_50x15_{theme_name}"), text);
    }
}
