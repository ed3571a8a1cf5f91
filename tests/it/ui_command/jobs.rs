//! The command line's verbs on jobs: `:generate` and `:remix` through the submit of Enter (its
//! questions included), `:status`, `:delete` (asked, `y` only), `:jobs`, and Tab on job ids.

use super::{command_line, complete, support};

use crossterm::event::KeyCode;
use sora_core::engine::{Command, EngineEvent, JobKey};
use sora_core::providers::JobStatus;
use sora_tui::app::{App, Effect, Focus, Modal, Overlay};
use support::*;

/// A job the jobs list knows by `id`, finished.
fn finished_job(app: &mut App, key: u64, id: &str) {
    feed(
        app,
        EngineEvent::JobSubmitting {
            key: JobKey(key),
            prompt: format!("prompt of {id}"),
            at: at(0.0),
        },
    );
    feed(
        app,
        EngineEvent::JobCreated {
            key: JobKey(key),
            job_id: id.to_string(),
            at: at(0.1),
        },
    );
    feed(app, status(key, JobStatus::Succeeded, "succeeded", 0.2));
}

fn question(app: &App) -> String {
    match app.modal() {
        Some(Modal::Confirm(q)) => q.text.clone(),
        other => panic!("no question: {other:?}"),
    }
}

#[test]
fn generate_sends_one_job_with_the_prompts_parameters_and_keeps_the_field() {
    let mut app = app();
    type_text(&mut app, "half-typed idea");
    let effects = command_line(&mut app, "generate a red fox in the snow");
    let [
        Effect::Engine(Command::Generate {
            key, request, via, ..
        }),
    ] = effects.as_slice()
    else {
        panic!("one job: {effects:?}");
    };
    assert_eq!(*key, JobKey(1));
    assert_eq!(request.prompt, "a red fox in the snow");
    assert_eq!(
        (request.size, request.seconds, request.variants),
        (
            app.prompt().size,
            app.prompt().seconds,
            app.prompt().variants
        )
    );
    assert_eq!(via, &None);
    assert_eq!(app.prompt().text(), "half-typed idea", "the field is kept");
    assert_eq!(app.focus(), Focus::Jobs);
    assert_shows(&render(&app, 120, 40), "a red fox in the snow");
}

#[test]
fn generate_right_after_another_asks_and_enter_sends_nothing() {
    let mut app = app();
    assert_eq!(command_line(&mut app, "generate one fox").len(), 1);
    assert!(
        command_line(&mut app, "generate \"two foxes\"").is_empty(),
        "a second paid job a moment later waits for an answer"
    );
    assert!(question(&app).contains("\"two foxes\" as another paid job"));
    let effects = answer(&mut app, KeyCode::Char('y'));
    assert!(
        matches!(effects.as_slice(), [Effect::Engine(Command::Generate { request, .. })] if request.prompt == "two foxes"),
        "{effects:?}"
    );
    assert!(command_line(&mut app, "generate three foxes").is_empty());
    assert!(question(&app).contains("another paid job"));
    assert!(answer(&mut app, KeyCode::Enter).is_empty(), "Enter says no");
    assert_eq!(app.jobs().rows.len(), 2, "no third job");
}

#[test]
fn generate_of_several_variants_asks_the_cost_first() {
    let mut settings = settings();
    settings.default_variants = 2;
    let mut app = App::new(settings);
    clock(&mut app, 0.0);
    assert!(command_line(&mut app, "generate a fox").is_empty());
    assert!(
        question(&app).contains("Generate 2 paid videos"),
        "{}",
        question(&app)
    );
    assert!(answer(&mut app, KeyCode::Enter).is_empty());
    assert!(app.jobs().rows.is_empty());
}

#[test]
fn status_selects_the_job_and_opens_its_details() {
    let mut app = app();
    finished_job(&mut app, 101, "task_aaa");
    finished_job(&mut app, 102, "task_bbb");
    assert!(command_line(&mut app, "status task_aaa").is_empty());
    assert_eq!(app.focus(), Focus::Jobs);
    assert_eq!(app.jobs().selected_row().map(|r| r.key), Some(JobKey(101)));
    assert!(matches!(
        app.overlay(),
        Some(Overlay::Details {
            job: JobKey(101),
            ..
        })
    ));
    assert_shows(&render(&app, 120, 40), "task_aaa");
    // By the list's own number too.
    press(&mut app, KeyCode::Esc);
    command_line(&mut app, "status #102");
    assert!(matches!(
        app.overlay(),
        Some(Overlay::Details {
            job: JobKey(102),
            ..
        })
    ));
}

#[test]
fn delete_asks_and_only_y_deletes_the_job() {
    let mut app = app();
    finished_job(&mut app, 101, "task_aaa");
    finished_job(&mut app, 102, "task_bbb");
    assert!(command_line(&mut app, "delete task_aaa").is_empty());
    assert!(
        question(&app).contains("delete job task_aaa on"),
        "{}",
        question(&app)
    );
    assert!(answer(&mut app, KeyCode::Enter).is_empty(), "Enter says no");
    command_line(&mut app, "delete task_aaa");
    assert_eq!(
        answer(&mut app, KeyCode::Char('y')),
        vec![Effect::Engine(Command::DeleteJob { key: JobKey(101) })]
    );
}

#[test]
fn a_job_the_list_does_not_know_is_refused_with_the_way_to_it() {
    let mut app = app();
    for verb in ["status", "delete"] {
        assert!(command_line(&mut app, &format!("{verb} task_zzz")).is_empty());
        assert!(app.modal().is_none(), "{verb}: nothing asked");
        let notice = notice_text(&app);
        assert!(
            notice.contains("task_zzz: no such job") && notice.contains(":jobs loads"),
            "{notice}"
        );
        assert!(notice.contains(&format!("usage: :{verb} ID")), "{notice}");
    }
}

#[test]
fn jobs_loads_the_services_own_list_into_the_jobs_panel() {
    let mut app = app();
    let effects = command_line(&mut app, "jobs");
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Engine(Command::ListServiceJobs {
                first_key: JobKey(1),
                after: None,
                ..
            })]
        ),
        "as S does: {effects:?}"
    );
    assert_eq!(app.focus(), Focus::Jobs);
}

#[test]
fn remix_sends_a_remix_of_a_finished_job_where_the_service_can() {
    let mut settings = settings();
    settings.supports_remix = true;
    let mut app = App::new(settings);
    clock(&mut app, 0.0);
    finished_job(&mut app, 101, "video_aaa");
    let effects = command_line(&mut app, "remix video_aaa make it snow");
    assert_eq!(
        effects,
        vec![Effect::Engine(Command::Remix {
            key: JobKey(1),
            source_id: "video_aaa".into(),
            prompt: "make it snow".into(),
            upload: app.settings().auto_upload,
        })]
    );
    // A job still running cannot be remixed yet.
    feed(
        &mut app,
        EngineEvent::JobCreated {
            key: JobKey(103),
            job_id: "video_bbb".into(),
            at: at(0.5),
        },
    );
    assert!(command_line(&mut app, "remix video_bbb more snow").is_empty());
    assert!(notice_text(&app).contains("has not finished"));
}

#[test]
fn remix_is_refused_where_the_service_cannot() {
    let mut app = app();
    finished_job(&mut app, 101, "video_aaa");
    assert!(command_line(&mut app, "remix video_aaa make it snow").is_empty());
    assert!(
        notice_text(&app).contains("cannot remix"),
        "{}",
        notice_text(&app)
    );
}

#[test]
fn tab_completes_the_job_ids_of_the_jobs_list() {
    let mut app = app();
    finished_job(&mut app, 101, "task_aaa1");
    finished_job(&mut app, 102, "task_bbb2");
    assert_eq!(complete(&mut app, "status task_a"), "status task_aaa1 ");
    assert_eq!(complete(&mut app, "delete t"), "delete task_");
    let listed = notice_text(&app);
    assert!(
        listed.contains("task_aaa1") && listed.contains("task_bbb2"),
        "{listed}"
    );
    assert_eq!(complete(&mut app, "download task_b"), "download task_bbb2 ");
    // Where nothing is known, Tab says what the verb takes.
    assert_eq!(complete(&mut app, "generate a fo"), "generate a fo");
    assert!(notice_text(&app).contains(":generate PROMPT"));
}
