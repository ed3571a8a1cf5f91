//! Keys a vim, lazygit or k9s user reaches for: j/k, g/G, Ctrl-d/Ctrl-u in every list, and the
//! panels by number.

use crate::ui_support as support;

use crossterm::event::{KeyCode, KeyModifiers};
use sora_tui::app::Focus;
use support::*;

#[test]
fn number_keys_jump_to_the_panels_outside_the_prompt_and_type_inside_it() {
    let mut app = app();
    type_text(&mut app, "2");
    assert_eq!(app.focus(), Focus::Prompt, "a digit in the prompt is text");
    assert_eq!(app.prompt().text(), "2");
    press(&mut app, KeyCode::Esc);
    for (key, focus) in [
        ('4', Focus::Buckets),
        ('3', Focus::Downloads),
        ('2', Focus::Jobs),
        ('1', Focus::Prompt),
    ] {
        press(&mut app, KeyCode::Char(key));
        assert_eq!(app.focus(), focus, "{key}");
    }
}

#[test]
fn g_and_shift_g_and_ctrl_d_move_through_the_jobs_list() {
    let mut app = app();
    for key in 1..=30 {
        job_through_all_statuses(&mut app, key, &format!("job {key}"));
    }
    press(&mut app, KeyCode::Esc); // the jobs panel
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(app.jobs().selected, 0, "g: the first job");
    press_with(&mut app, KeyCode::Char('d'), KeyModifiers::CONTROL);
    assert_eq!(app.jobs().selected, 10, "Ctrl-d: a page down");
    press_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    assert_eq!(app.jobs().selected, 0, "Ctrl-u: a page up");
    press(&mut app, KeyCode::Char('G'));
    assert_eq!(app.jobs().selected, 29, "G: the last job");
}

#[test]
fn g_and_shift_g_move_through_a_folder_too_and_shift_y_asks_for_a_signed_url() {
    use sora_core::engine::EngineEvent;
    let mut app = app();
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![bucket("videos", true)])),
    );
    let objects = ["a.mp4", "b.mp4", "c.mp4"]
        .iter()
        .map(|name| object(name, 1000, "2026-12-01T12:00:00Z"))
        .collect();
    objects_listed(&mut app, "videos", objects);
    press(&mut app, KeyCode::BackTab); // the buckets panel
    press(&mut app, KeyCode::Right); // its objects
    let selected = |app: &sora_tui::app::App| {
        app.buckets()
            .selected_object()
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    press(&mut app, KeyCode::Char('G'));
    assert_eq!(selected(&app), "c.mp4", "G: the last object");
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(selected(&app), "a.mp4", "g: the first, as in every list");
    assert!(app.modal().is_none(), "g opens nothing");
    press(&mut app, KeyCode::Char('Y'));
    assert!(
        render(&app, 120, 40).contains("Signed URL for a.mp4"),
        "Y asks how long the signed URL lasts"
    );
}

#[test]
fn a_private_objects_details_name_the_key_that_signs_a_url() {
    use sora_core::engine::EngineEvent;
    let mut app = app();
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![bucket("videos", false)])),
    );
    objects_listed(
        &mut app,
        "videos",
        vec![object("a.mp4", 1000, "2026-12-01T12:00:00Z")],
    );
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::Right);
    let screen = render(&app, 200, 50);
    assert_shows(&screen, "private bucket: Y signs a URL");
}

#[test]
fn ctrl_p_and_ctrl_n_step_through_earlier_prompts_and_ctrl_r_finds_one() {
    let mut settings = support::settings();
    settings.prompt_history = vec![
        "a red fox in the snow".into(),
        "waves on a beach".into(),
        "a fox at dawn".into(),
    ];
    let mut app = sora_tui::app::App::new(settings);
    type_text(&mut app, "draft");
    let ctrl = |app: &mut sora_tui::app::App, c: char| {
        press_with(app, KeyCode::Char(c), KeyModifiers::CONTROL)
    };
    ctrl(&mut app, 'p');
    assert_eq!(app.prompt().text(), "a fox at dawn");
    ctrl(&mut app, 'p');
    assert_eq!(app.prompt().text(), "waves on a beach");
    ctrl(&mut app, 'n');
    ctrl(&mut app, 'n');
    assert_eq!(
        app.prompt().text(),
        "draft",
        "past the newest: what was typed"
    );
    // Ctrl-r: older prompts containing the typed text, newest first.
    for _ in 0..5 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "fox");
    ctrl(&mut app, 'r');
    assert_eq!(app.prompt().text(), "a fox at dawn");
    ctrl(&mut app, 'r');
    assert_eq!(app.prompt().text(), "a red fox in the snow");
    ctrl(&mut app, 'r');
    assert_eq!(
        app.prompt().text(),
        "a red fox in the snow",
        "no older match: stays"
    );
    assert!(
        app.notice()
            .is_some_and(|n| n.text.contains("No older prompt contains 'fox'")),
        "{:?}",
        app.notice()
    );
    // A sent prompt joins the history.
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'p');
    assert_eq!(app.prompt().text(), "a red fox in the snow");
}
