//! Focus, quit and help keys (and which of them are text in the prompt), and the animation tick
//! that runs only while something moves.

use super::*;

#[test]
fn tab_cycles_focus_and_back_tab_reverses() {
    let mut app = app();
    assert_eq!(app.focus(), Focus::Prompt);
    let mut seen = vec![];
    for _ in 0..4 {
        press(&mut app, KeyCode::Tab);
        seen.push(app.focus());
    }
    assert_eq!(
        seen,
        vec![Focus::Jobs, Focus::Downloads, Focus::Buckets, Focus::Prompt]
    );
    press_with(&mut app, KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(app.focus(), Focus::Buckets);
}

#[test]
fn q_and_question_mark_are_text_in_the_prompt() {
    let mut app = app();
    type_text(&mut app, "q?");
    assert!(!app.should_quit());
    assert!(!app.help_visible());
    assert_eq!(app.prompt().text(), "q?");
}

#[test]
fn q_quits_outside_the_prompt() {
    let mut app = app();
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.focus(), Focus::Jobs, "Esc leaves the prompt");
    press(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit());
}

#[test]
fn ctrl_c_quits_even_while_typing() {
    let mut app = app();
    type_text(&mut app, "half a prom");
    press_with(&mut app, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(app.should_quit());
}

#[test]
fn help_opens_with_question_mark_or_f1_and_closes_with_esc() {
    let mut app = app();
    press(&mut app, KeyCode::F(1));
    assert!(app.help_visible(), "F1 opens help even in the prompt");
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(
        app.prompt().text(),
        "",
        "keys do not leak into the prompt under help"
    );
    press(&mut app, KeyCode::Esc);
    assert!(!app.help_visible());
    assert_eq!(app.focus(), Focus::Prompt, "closing help keeps the focus");
    press(&mut app, KeyCode::Tab);
    press_with(&mut app, KeyCode::Char('?'), KeyModifiers::SHIFT);
    assert!(app.help_visible());
    press(&mut app, KeyCode::Char('q'));
    assert!(
        !app.help_visible() && !app.should_quit(),
        "q closes help first"
    );
}

#[test]
fn animation_runs_only_while_something_moves() {
    let mut app = app();
    assert!(!app.is_animating(), "an idle dashboard does not tick");
    job_through_all_statuses(&mut app, 1, "fox");
    assert!(app.is_animating(), "an active job has a live elapsed time");
    feed(
        &mut app,
        EngineEvent::JobComplete {
            key: JobKey(1),
            ok: true,
        },
    );
    assert!(!app.is_animating());

    feed(
        &mut app,
        attempt(
            1,
            Some(404),
            sora_core::download::AttemptOutcome::WillRetry,
            0,
            0.0,
            Some(std::time::Duration::from_secs(2)),
            "not ready",
        ),
    );
    clock(&mut app, 1.0);
    assert!(app.is_animating(), "a retry countdown is running");
    clock(&mut app, 5.0);
    assert!(!app.is_animating(), "the countdown is over");
}
