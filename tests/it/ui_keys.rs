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
