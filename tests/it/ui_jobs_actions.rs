//! Actions on the selected job: download it again after a failure (resuming), upload the files
//! of a job resumed from the journal, open its video, copy its id, path or URL.

use crate::ui_support as support;

use std::path::PathBuf;

use crossterm::event::KeyCode;
use sora_core::engine::{Command, EngineEvent, JobKey, ServiceJobsPage};
use sora_tui::app::{App, Effect, Focus, JobEnd};
use support::*;

fn focus_jobs(app: &mut App) {
    while app.focus() != Focus::Jobs {
        press(app, KeyCode::Tab);
    }
}

/// Job #1 succeeded on its service, its video download failed for good.
fn failed_download(app: &mut App) {
    job_through_all_statuses(app, 1, "a fox");
    feed(
        app,
        EngineEvent::DownloadFailed {
            key: video(1),
            message: "404 after 5 attempts: the content is not available yet (wait and run `download` again) or the deployment was retired".into(),
        },
    );
    feed(
        app,
        EngineEvent::JobComplete {
            key: JobKey(1),
            ok: false,
        },
    );
}

#[test]
fn a_failed_download_names_the_dashboard_key_not_the_refused_cli_command() {
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "a fox");
    feed(
        &mut app,
        EngineEvent::DownloadFailed {
            key: video(1),
            message: "404 after 5 attempts: the content is not available yet (wait and run `download` again) or the deployment was retired".into(),
        },
    );
    let notice = notice_text(&app);
    assert!(!notice.contains("run `download`"), "{notice}");
    assert!(notice.contains("d on the job"), "{notice}");
}

#[test]
fn d_on_a_failed_download_asks_the_engine_to_download_it_again_and_the_row_runs_again() {
    let mut app = app();
    failed_download(&mut app);
    assert!(matches!(
        app.jobs().rows[0].end,
        Some(JobEnd::Completed { ok: false })
    ));
    focus_jobs(&mut app);
    assert_eq!(
        press(&mut app, KeyCode::Char('d')),
        vec![Effect::Engine(Command::RetryDownload { key: JobKey(1) })]
    );
    assert!(
        notice_text(&app).contains("partial file resumes"),
        "{}",
        notice_text(&app)
    );
    assert!(app.jobs().rows[0].is_active(), "the row runs again");
    // The engine resumes the partial and saves it: the row ends well.
    feed(&mut app, progress(video(1), 4096, Some(8192)));
    finished(&mut app, video(1), "/tmp/v/gen_01.mp4", 8192);
    feed(
        &mut app,
        EngineEvent::JobComplete {
            key: JobKey(1),
            ok: true,
        },
    );
    assert_eq!(app.jobs().rows[0].end, Some(JobEnd::Completed { ok: true }));
    // While it runs, a second d sends nothing more.
    let mut running = sora_tui::app::App::new(settings());
    job_through_all_statuses(&mut running, 2, "an owl");
    focus_jobs(&mut running);
    assert!(press(&mut running, KeyCode::Char('d')).is_empty());
}

#[test]
fn u_on_a_job_resumed_from_the_journal_uploads_the_files_its_journal_knows() {
    let mut s = settings();
    s.resume = vec![("j-1".into(), "a fox from yesterday".into())];
    let mut app = App::new(s);
    let init = app.init();
    assert!(init.contains(&Effect::Engine(Command::Resume {
        key: JobKey(1),
        journal_id: "j-1".into(),
    })));
    // What the engine reports on resume of a downloaded, not yet uploaded job: its files.
    feed(
        &mut app,
        EngineEvent::JobResumed {
            key: JobKey(1),
            prompt: "a fox from yesterday".into(),
            at: at(0.0),
        },
    );
    feed(
        &mut app,
        EngineEvent::JobCreated {
            key: JobKey(1),
            job_id: "task_1".into(),
            at: at(0.0),
        },
    );
    finished(&mut app, video(1), "/tmp/v/gen_01.mp4", 8192);
    feed(
        &mut app,
        EngineEvent::UploadFailed {
            job: JobKey(1),
            path: PathBuf::from("/tmp/v/gen_01.mp4"),
            message: "storage unreachable".into(),
        },
    );
    focus_jobs(&mut app);
    assert_eq!(
        press(&mut app, KeyCode::Char('u')),
        vec![Effect::Engine(Command::Upload {
            job: JobKey(1),
            path: PathBuf::from("/tmp/v/gen_01.mp4"),
        })]
    );
}

#[test]
fn o_opens_the_selected_jobs_video_and_says_so_when_there_is_none() {
    let mut s = settings();
    s.open_command = Some("mpv --fs".into());
    let mut app = App::new(s);
    job_through_all_statuses(&mut app, 1, "a fox");
    focus_jobs(&mut app);
    assert!(press(&mut app, KeyCode::Char('o')).is_empty());
    assert!(
        notice_text(&app).contains("no video on disk"),
        "{}",
        notice_text(&app)
    );

    finished(&mut app, thumbnail(1), "/tmp/v/gen_01.thumbnail.jpg", 100);
    finished(&mut app, video(1), "/tmp/v/gen_01.mp4", 8192);
    assert_eq!(
        press(&mut app, KeyCode::Char('o')),
        vec![Effect::Open {
            path: PathBuf::from("/tmp/v/gen_01.mp4"),
            command: Some("mpv --fs".into()),
        }]
    );
}

#[test]
fn y_p_and_w_copy_the_id_the_path_and_the_url_of_the_selected_job() {
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "a fox");
    focus_jobs(&mut app);
    assert_eq!(
        press(&mut app, KeyCode::Char('y')),
        vec![Effect::Clipboard("task_01jv8example".into())]
    );
    // No file, no URL yet: said, nothing copied.
    assert!(press(&mut app, KeyCode::Char('p')).is_empty());
    assert!(press(&mut app, KeyCode::Char('w')).is_empty());
    assert!(
        notice_text(&app).contains("u uploads"),
        "{}",
        notice_text(&app)
    );

    finished(&mut app, video(1), "/tmp/v/gen_01.mp4", 8192);
    assert_eq!(
        press(&mut app, KeyCode::Char('p')),
        vec![Effect::Clipboard("/tmp/v/gen_01.mp4".into())]
    );
    feed(
        &mut app,
        EngineEvent::UploadFinished {
            job: JobKey(1),
            path: PathBuf::from("/tmp/v/gen_01.mp4"),
            bucket: "videos".into(),
            object_path: "task_01jv8example/gen_01.mp4".into(),
            public_url: Some("https://x.supabase.co/storage/v1/object/public/videos/task_01jv8example/gen_01.mp4".into()),
            bytes: 8192,
        },
    );
    // The upload moved the focus to the bucket browser; back to the job.
    focus_jobs(&mut app);
    assert_eq!(
        press(&mut app, KeyCode::Char('w')),
        vec![Effect::Clipboard(
            "https://x.supabase.co/storage/v1/object/public/videos/task_01jv8example/gen_01.mp4"
                .into()
        )]
    );
}

/// A job as the service's own list gives it.
pub(crate) fn listed_job(
    id: &str,
    status: sora_core::providers::JobStatus,
    text: &str,
) -> sora_core::providers::Job {
    sora_core::providers::Job {
        id: id.into(),
        status,
        status_text: text.into(),
        progress: None,
        prompt: Some(format!("prompt of {id}")),
        model: None,
        size: None,
        seconds: None,
        created_at: Some(at(0.0)),
        finished_at: None,
        expires_at: None,
        failure_reason: None,
        failure_explained: false,
        outputs: Vec::new(),
        remixed_from: None,
        poll_after: None,
        notes: Vec::new(),
    }
}

#[test]
fn shift_s_loads_the_services_own_jobs_whose_rows_download_and_delete() {
    use sora_core::providers::JobStatus;
    let mut app = app();
    focus_jobs(&mut app);
    let first_key = app.next_job_key();
    assert_eq!(
        press(&mut app, KeyCode::Char('S')),
        vec![Effect::Engine(Command::ListServiceJobs {
            first_key,
            via: None,
            after: None,
        })]
    );
    // Keys are set aside for the listed jobs: a new prompt does not take one of them.
    assert!(app.next_job_key().0 >= first_key.0 + u64::from(sora_core::engine::SERVICE_JOBS_PAGE));
    feed(
        &mut app,
        EngineEvent::ServiceJobs {
            service: "Azure Sora · sora · eastus2".into(),
            result: Ok(ServiceJobsPage {
                jobs: vec![
                    (
                        first_key,
                        listed_job("task_old", JobStatus::Succeeded, "succeeded"),
                    ),
                    (
                        JobKey(first_key.0 + 1),
                        listed_job("task_run", JobStatus::Running, "running"),
                    ),
                ],
                has_more: false,
                next: None,
            }),
        },
    );
    assert_eq!(app.jobs().rows.len(), 2);
    assert!(
        notice_text(&app).contains("2 job(s)"),
        "{}",
        notice_text(&app)
    );
    let screen = render(&app, 140, 42);
    assert_shows(&screen, "prompt of task_old");
    assert_shows(&screen, "from the service's list");

    // d on the finished one picks it up by id: poll if needed, then download.
    press(&mut app, KeyCode::Home);
    assert_eq!(
        press(&mut app, KeyCode::Char('d')),
        vec![Effect::Engine(Command::Fetch {
            key: first_key,
            job_id: "task_old".into(),
            variants: vec![sora_core::providers::ContentVariant::Video],
            upload: false,
            via: None,
        })]
    );
    // x on the running one asks, and y deletes it on the service by its key.
    press(&mut app, KeyCode::Down);
    assert!(press(&mut app, KeyCode::Char('x')).is_empty());
    assert_eq!(
        answer(&mut app, KeyCode::Char('y')),
        vec![Effect::Engine(Command::DeleteJob {
            key: JobKey(first_key.0 + 1)
        })]
    );
}

#[test]
fn a_service_that_lists_no_jobs_says_so_plainly() {
    let mut app = app();
    feed(
        &mut app,
        EngineEvent::ServiceJobs {
            service: "Runway · api.dev.runwayml.com · gen4.5".into(),
            result: Err("Runway lists no tasks: look one up by id".into()),
        },
    );
    assert!(app.notice_is_error());
    assert!(
        notice_text(&app).contains("Runway lists no tasks"),
        "{}",
        notice_text(&app)
    );
    assert!(app.jobs().rows.is_empty());
}
