//! The History page acts on the selected entry with the jobs panel's keys: `d` downloads it
//! again and `u` uploads its video (a job of an earlier session is taken up by the engine
//! under a new key, and shows in the Jobs panel), `o` opens its video, `y`/`p`/`w` copy its
//! id, path or URL; an entry that cannot take the action says why.

use crate::ui_pages::record;
use crate::ui_support as support;

use std::path::PathBuf;

use crossterm::event::KeyCode;
use sora_core::engine::{Command, EngineEvent, JobKey, TakeUpThen};
use sora_core::journal::{JobRecord, JobState};
use sora_tui::app::{App, Effect, JobEnd};
use support::*;

/// The History page showing `records` (given oldest first, as the journal holds them), with
/// the newest selected.
fn history_of(records: Vec<JobRecord>) -> App {
    let mut s = settings();
    s.open_command = Some("mpv --fs".into());
    let mut app = App::new(s);
    clock(&mut app, 0.0);
    press(&mut app, KeyCode::F(5));
    feed(&mut app, EngineEvent::History(Ok(records)));
    app
}

/// An earlier session's job that succeeded and was downloaded, not uploaded.
fn downloaded(id: &str) -> JobRecord {
    let mut r = record(id, &format!("the {id} fox"), JobState::Succeeded, None);
    r.uploads.clear();
    r
}

#[test]
fn d_takes_up_an_earlier_sessions_job_and_downloads_it_again_as_a_jobs_panel_row() {
    let mut app = history_of(vec![downloaded("old")]);
    let key = app.next_job_key();
    assert_eq!(
        press(&mut app, KeyCode::Char('d')),
        vec![Effect::Engine(Command::TakeUp {
            key,
            journal_id: "old".into(),
            then: TakeUpThen::Download,
        })]
    );
    let notice = notice_text(&app);
    assert!(
        notice.contains(&format!("Downloading task_old again as {key} (Jobs panel)")),
        "{notice}"
    );
    let row = app.jobs().row(key).expect("a row in the jobs panel");
    assert_eq!(row.prompt, "the old fox");
    assert_eq!(row.job_id.as_deref(), Some("task_old"));
    assert!(row.is_active());

    // The engine's answer fills the row like any job's; it ends downloaded.
    feed(
        &mut app,
        EngineEvent::JobCreated {
            key,
            job_id: "task_old".into(),
            at: at(0.0),
        },
    );
    finished(&mut app, video(key.0), "/videos/old.mp4", 48_000);
    feed(&mut app, EngineEvent::JobComplete { key, ok: true });
    assert_eq!(
        app.jobs().row(key).and_then(|r| r.end.clone()),
        Some(JobEnd::Completed { ok: true })
    );
    // The entry now has a row: d again acts through it, as the jobs panel's d would.
    assert_eq!(
        press(&mut app, KeyCode::Char('d')),
        vec![Effect::Engine(Command::RetryDownload { key })]
    );
    assert_eq!(app.jobs().rows.len(), 1, "not taken up twice");
}

#[test]
fn d_says_why_a_failed_an_unfinished_or_an_expired_entry_cannot_be_downloaded() {
    let failed = record(
        "bad",
        "a blocked scene",
        JobState::Failed,
        Some("input_moderation"),
    );
    let mut app = history_of(vec![failed]);
    assert!(press(&mut app, KeyCode::Char('d')).is_empty());
    let notice = notice_text(&app);
    assert!(
        notice.contains("did not succeed on the service (input_moderation)")
            && notice.contains("Enter copies its prompt"),
        "{notice}"
    );
    assert!(app.notice_is_error());

    let mut open = downloaded("open");
    open.state = JobState::Active;
    let mut app = history_of(vec![open]);
    assert!(press(&mut app, KeyCode::Char('d')).is_empty());
    assert!(
        notice_text(&app).contains("the next start of sora-tui resumes it"),
        "{}",
        notice_text(&app)
    );

    let mut expired = downloaded("gone");
    let an_hour_ago = at(0.0)
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
        - 3600;
    expired.expires_at = Some(an_hour_ago);
    let mut app = history_of(vec![expired]);
    assert!(press(&mut app, KeyCode::Char('d')).is_empty());
    let notice = notice_text(&app);
    assert!(
        notice.contains("The content of task_gone expired on the service at 2026-05-01 11:00:00")
            && notice.contains("cannot be downloaded again"),
        "{notice}"
    );
    assert!(app.jobs().rows.is_empty(), "nothing taken up");
}

#[test]
fn u_uploads_an_entrys_video_once_and_says_when_there_is_none_or_it_is_stored() {
    let mut app = history_of(vec![downloaded("old")]);
    let key = app.next_job_key();
    assert_eq!(
        press(&mut app, KeyCode::Char('u')),
        vec![Effect::Engine(Command::TakeUp {
            key,
            journal_id: "old".into(),
            then: TakeUpThen::Upload,
        })]
    );
    assert!(
        notice_text(&app).contains("Uploading 1 video(s) of task_old to videos"),
        "{}",
        notice_text(&app)
    );

    // Stored already (the page's record says where): nothing is sent.
    let mut app = history_of(vec![record(
        "kept",
        "a kept fox",
        JobState::Succeeded,
        None,
    )]);
    assert!(press(&mut app, KeyCode::Char('u')).is_empty());
    assert!(
        notice_text(&app).contains("Every video of task_kept is in the bucket already"),
        "{}",
        notice_text(&app)
    );

    let mut none = downloaded("none");
    none.downloads.clear();
    let mut app = history_of(vec![none]);
    assert!(press(&mut app, KeyCode::Char('u')).is_empty());
    assert!(
        notice_text(&app).contains("task_none has no video saved: nothing to upload"),
        "{}",
        notice_text(&app)
    );
}

#[test]
fn o_opens_an_entrys_video_and_says_so_when_none_was_saved() {
    let mut app = history_of(vec![downloaded("old")]);
    assert_eq!(
        press(&mut app, KeyCode::Char('o')),
        vec![Effect::Open {
            path: PathBuf::from("/videos/old.mp4"),
            command: Some("mpv --fs".into()),
        }]
    );
    let mut none = downloaded("none");
    none.downloads.clear();
    let mut app = history_of(vec![none]);
    assert!(press(&mut app, KeyCode::Char('o')).is_empty());
    assert!(
        notice_text(&app).contains("has no video saved: d downloads it again, then o opens it"),
        "{}",
        notice_text(&app)
    );
}

#[test]
fn y_p_and_w_copy_an_entrys_id_path_and_url_or_say_why_not() {
    let mut app = history_of(vec![record("old", "a fox", JobState::Succeeded, None)]);
    assert_eq!(
        press(&mut app, KeyCode::Char('y')),
        vec![Effect::Clipboard("task_old".into())]
    );
    assert_eq!(
        press(&mut app, KeyCode::Char('p')),
        vec![Effect::Clipboard("/videos/old.mp4".into())]
    );
    // Stored in a private bucket: no public URL, and the notice says where it is.
    assert!(press(&mut app, KeyCode::Char('w')).is_empty());
    assert!(
        notice_text(&app)
            .contains("task_old is in output-videos/task_old/gen_1.mp4, a private bucket"),
        "{}",
        notice_text(&app)
    );

    let mut public = record("pub", "a fox", JobState::Succeeded, None);
    public.uploads[0].public_url = Some(
        "https://x.supabase.co/storage/v1/object/public/output-videos/task_pub/gen_1.mp4".into(),
    );
    let mut app = history_of(vec![public]);
    assert_eq!(
        press(&mut app, KeyCode::Char('w')),
        vec![Effect::Clipboard(
            "https://x.supabase.co/storage/v1/object/public/output-videos/task_pub/gen_1.mp4"
                .into()
        )]
    );
    assert!(
        notice_text(&app).contains("Copied the URL of task_pub"),
        "{}",
        notice_text(&app)
    );

    let mut never = downloaded("never");
    never.job_id = None;
    never.downloads.clear();
    let mut app = history_of(vec![never]);
    assert!(press(&mut app, KeyCode::Char('y')).is_empty());
    assert!(
        notice_text(&app).contains("was never created on the service (no id): nothing to copy"),
        "{}",
        notice_text(&app)
    );
}

#[test]
fn an_entry_of_a_job_in_the_jobs_panel_is_acted_on_through_its_row() {
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "a fox");
    feed(
        &mut app,
        EngineEvent::JobJournaled {
            key: JobKey(1),
            journal_id: "now".into(),
        },
    );
    finished(&mut app, video(1), "/tmp/v/gen_01.mp4", 8192);
    feed(
        &mut app,
        EngineEvent::JobComplete {
            key: JobKey(1),
            ok: true,
        },
    );
    press(&mut app, KeyCode::F(5));
    feed(&mut app, EngineEvent::History(Ok(vec![downloaded("now")])));
    // The row's file, not the journal's, and the jobs panel's command.
    assert_eq!(
        press(&mut app, KeyCode::Char('u')),
        vec![Effect::Engine(Command::Upload {
            job: JobKey(1),
            path: PathBuf::from("/tmp/v/gen_01.mp4"),
        })]
    );
}

#[test]
fn an_entry_of_a_job_listed_from_the_service_is_acted_on_through_that_row_not_a_second_one() {
    let mut app = app();
    // The job came into the Jobs panel without its journal entry (as S lists it).
    job_through_all_statuses(&mut app, 1, "a fox");
    let job_id = app.jobs().rows[0].job_id.clone().expect("an id");
    press(&mut app, KeyCode::F(5));
    let mut entry = downloaded("earlier");
    entry.job_id = Some(job_id);
    feed(&mut app, EngineEvent::History(Ok(vec![entry])));
    let effects = press(&mut app, KeyCode::Char('d'));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::Engine(Command::TakeUp { .. }))),
        "no second row for the same job: {effects:?}"
    );
    assert_eq!(app.jobs().rows.len(), 1, "one row for the job");
}

#[test]
fn the_history_help_lists_the_entry_actions_with_their_keys() {
    let mut app = history_of(vec![downloaded("old")]);
    press(&mut app, KeyCode::Char('?'));
    let screen = render(&app, 120, 60);
    for shown in [
        "download again",
        "upload selected job",
        "open the video",
        "copy the job's id",
        "copy the job's file path",
        "copy the job's bucket URL",
    ] {
        assert_shows(&screen, shown);
    }
}
