//! Actions on a job: remix with `m` (and where it is refused), cancelling a download with `c`,
//! cancelling and deleting a job with `x`.

use super::*;

#[test]
fn m_on_a_finished_job_turns_the_prompt_into_a_remix_of_it() {
    let mut s = settings();
    s.supports_remix = true;
    let mut app = sora_tui::app::App::new(s);
    job_through_all_statuses(&mut app, 1, "a fox");
    let job_id = app.jobs().rows[0].job_id.clone().expect("job id");
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.focus(), Focus::Jobs);
    press(&mut app, KeyCode::Char('m'));
    assert_eq!(app.focus(), Focus::Prompt, "the prompt takes the change");
    assert_shows(&render(&app, 120, 40), &format!("remix of {job_id}"));
    type_text(&mut app, "now in the rain");
    let commands = press(&mut app, KeyCode::Enter);
    assert_eq!(
        commands,
        vec![Effect::Engine(Command::Remix {
            key: JobKey(1),
            source_id: job_id,
            prompt: "now in the rain".into(),
            upload: false,
        })]
    );
    // The next prompt is a new video again.
    wait(&mut app, 5.0);
    type_text(&mut app, "a cat");
    let commands = press(&mut app, KeyCode::Enter);
    assert!(
        matches!(
            commands.as_slice(),
            [Effect::Engine(Command::Generate { .. })]
        ),
        "{commands:?}"
    );
}

#[test]
fn remix_is_refused_where_the_provider_has_none_and_esc_cancels_it() {
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "a fox");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('m'));
    assert_eq!(app.focus(), Focus::Jobs);
    assert!(app.prompt().remix_of.is_none());
    assert_shows(&render(&app, 120, 40), "cannot remix");

    let mut s = settings();
    s.supports_remix = true;
    let mut app = sora_tui::app::App::new(s);
    job_through_all_statuses(&mut app, 1, "a fox");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Esc);
    assert!(app.prompt().remix_of.is_none());
    assert_eq!(app.focus(), Focus::Jobs);
    press(&mut app, KeyCode::Char('i'));
    type_text(&mut app, "x");
    let commands = press(&mut app, KeyCode::Enter);
    assert!(
        matches!(
            commands.as_slice(),
            [Effect::Engine(Command::Generate { .. })]
        ),
        "{commands:?}"
    );
}

#[test]
fn c_in_the_downloads_panel_asks_then_cancels_the_newest_running_download() {
    let mut app = app();
    feed(&mut app, progress(video(1), 1000, Some(10_000)));
    feed(&mut app, progress(video(2), 500, Some(10_000)));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.focus(), Focus::Downloads);

    // The first press names the download and sends nothing.
    assert!(press(&mut app, KeyCode::Char('c')).is_empty());
    let asked = notice_text(&app);
    assert!(
        asked.contains("Press c again") && asked.contains(&format!("of {}?", JobKey(2))),
        "{asked}"
    );
    // The second cancels the newest one.
    assert_eq!(
        press(&mut app, KeyCode::Char('c')),
        vec![Effect::Engine(Command::CancelDownload { key: video(2) })]
    );
    feed(&mut app, EngineEvent::DownloadCancelled { key: video(2) });
    assert!(
        notice_text(&app).contains("partial file is kept"),
        "{}",
        notice_text(&app)
    );

    // Now the other one is the newest: it needs its own confirmation.
    assert!(press(&mut app, KeyCode::Char('c')).is_empty());
    assert_eq!(
        press(&mut app, KeyCode::Char('c')),
        vec![Effect::Engine(Command::CancelDownload { key: video(1) })]
    );
    feed(&mut app, EngineEvent::DownloadCancelled { key: video(1) });
    assert!(press(&mut app, KeyCode::Char('c')).is_empty());
    assert!(
        notice_text(&app).contains("nothing to cancel"),
        "{}",
        notice_text(&app)
    );
}

#[test]
fn c_in_the_prompt_is_text_not_a_cancel() {
    let mut app = app();
    feed(&mut app, progress(video(1), 1000, Some(10_000)));
    assert_eq!(app.focus(), Focus::Prompt);
    type_text(&mut app, "cc");
    assert_eq!(app.prompt().text(), "cc");
}

#[test]
fn x_on_a_job_asks_then_only_y_cancels_and_deletes_it_on_its_service() {
    use sora_core::engine::Command;
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "a red fox");
    press(&mut app, KeyCode::Tab); // the jobs panel
    assert!(
        press(&mut app, KeyCode::Char('x')).is_empty(),
        "nothing before the answer"
    );
    let question = render(&app, 120, 40);
    assert!(
        question.contains("delete job task_01jv8example"),
        "{question}"
    );
    assert!(
        answer(&mut app, KeyCode::Enter).is_empty(),
        "Enter is the safe answer"
    );
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(
        answer(&mut app, KeyCode::Char('y')),
        vec![Effect::Engine(Command::DeleteJob {
            key: sora_core::engine::JobKey(1)
        })]
    );
}
