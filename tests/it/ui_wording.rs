//! Wording that must not mislead (#15, problem 14): what quitting does to running jobs, a refused
//! prompt kept for fixing, and no expiry shown for a failed job.

use crate::ui_support as support;

use crossterm::event::{KeyCode, KeyModifiers};
use sora_core::engine::{EngineEvent, JobKey};
use sora_core::providers::JobStatus;
use sora_tui::app::{App, Focus, Msg};
use support::*;

fn running_job(app: &mut App) {
    feed(
        app,
        EngineEvent::JobSubmitting {
            key: JobKey(1),
            prompt: "a red fox".into(),
            at: at(0.0),
        },
    );
}

#[test]
fn q_with_a_job_running_says_what_becomes_of_it_and_only_y_quits() {
    let mut real = support::settings();
    real.demo = false;
    let mut app = App::new(real);
    app.update(Msg::Clock(at(0.0)));
    running_job(&mut app);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('q'));
    assert!(!app.should_quit(), "a running job is worth a question");
    let screen = render(&app, 120, 40);
    assert!(
        screen.contains("Quit with 1 job(s) running?") && screen.contains("resumes"),
        "{screen}"
    );
    answer(&mut app, KeyCode::Enter);
    assert!(!app.should_quit(), "Enter is the safe answer: stay");
    press(&mut app, KeyCode::Char('q'));
    answer(&mut app, KeyCode::Char('y'));
    assert!(app.should_quit());
}

#[test]
fn in_the_demo_the_question_says_running_jobs_are_lost_and_ctrl_c_quits_at_once() {
    let mut app = app();
    running_job(&mut app);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('q'));
    let screen = render(&app, 160, 40);
    assert!(screen.contains("they are lost"), "{screen}");
    press_with(&mut app, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(app.should_quit(), "Ctrl-C never asks");
}

#[test]
fn q_with_nothing_running_quits_without_a_question() {
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "done");
    feed(
        &mut app,
        EngineEvent::JobComplete {
            key: JobKey(1),
            ok: true,
        },
    );
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit());
}

#[test]
fn a_refused_create_gives_the_prompt_back_to_fix() {
    let mut app = app();
    type_text(&mut app, "a prompt the service refuses");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.prompt().text(), "", "cleared once sent");
    feed(
        &mut app,
        EngineEvent::JobFailed {
            key: JobKey(1),
            message: "Azure OpenAI answered HTTP 400: prompt too long.".into(),
            at: at(1.0),
        },
    );
    assert_eq!(app.prompt().text(), "a prompt the service refuses");
    assert!(
        notice_text(&app).contains("the prompt is back in the field"),
        "{}",
        notice_text(&app)
    );
    assert_eq!(app.focus(), Focus::Prompt);
}

#[test]
fn a_job_that_failed_after_it_was_created_leaves_a_new_prompt_alone() {
    let mut app = app();
    type_text(&mut app, "first");
    press(&mut app, KeyCode::Enter);
    feed(
        &mut app,
        EngineEvent::JobCreated {
            key: JobKey(1),
            job_id: "task_1".into(),
            at: at(0.5),
        },
    );
    feed(
        &mut app,
        EngineEvent::JobFailed {
            key: JobKey(1),
            message: "moderation".into(),
            at: at(9.0),
        },
    );
    assert_eq!(app.prompt().text(), "", "a created job is not given back");
}

#[test]
fn a_failed_job_never_says_its_content_expires() {
    let mut app = app();
    let expires = at(24.0 * 3600.0);
    feed(
        &mut app,
        EngineEvent::JobStatusChanged {
            key: JobKey(1),
            status: JobStatus::Failed,
            status_text: "failed".into(),
            progress: None,
            at: at(5.0),
            expires_at: Some(expires),
            notes: Vec::new(),
        },
    );
    assert_eq!(app.downloads().expiry_of(JobKey(1)), None);
    let screen = render(&app, 120, 40);
    assert!(!screen.contains("expires in"), "{screen}");
    // A succeeded job's content does expire, and says so.
    feed(
        &mut app,
        EngineEvent::JobStatusChanged {
            key: JobKey(2),
            status: JobStatus::Succeeded,
            status_text: "succeeded".into(),
            progress: None,
            at: at(5.0),
            expires_at: Some(expires),
            notes: Vec::new(),
        },
    );
    assert_eq!(app.downloads().expiry_of(JobKey(2)), Some(expires));
}
