//! Snapshots of every question and every text field the dashboard opens, in every size and theme.

use super::*;

/// The busy session with the buckets panel focused on the `videos` folder listing.
fn in_the_bucket() -> App {
    let mut app = busy_app();
    objects_listed(&mut app);
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::Right);
    app
}

/// The question once its reading time is over: it takes `y` now.
fn answerable(mut app: App) -> App {
    wait(&mut app, 2.0);
    app
}

#[test]
fn the_delete_job_question_once_it_takes_answers() {
    let mut app = busy_app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('x'));
    snapshot_everywhere("question_delete_job_answerable", &answerable(app));
}

#[test]
fn the_second_paid_job_question() {
    let mut app = busy_app();
    type_text(&mut app, "a lighthouse in a storm");
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "the same lighthouse at dawn");
    press(&mut app, KeyCode::Enter);
    assert!(app.modal().is_some(), "a quick second submit asks");
    snapshot_everywhere("question_second_job", &app);
}

#[test]
fn the_quit_question_with_jobs_running() {
    let mut app = busy_app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('q'));
    assert!(app.modal().is_some(), "q asks while a job runs");
    snapshot_everywhere("question_quit", &app);
}

#[test]
fn the_delete_object_question() {
    let mut app = in_the_bucket();
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Char('x'));
    assert!(app.modal().is_some());
    snapshot_everywhere("question_delete_object", &app);
}

#[test]
fn the_make_bucket_private_question() {
    let mut app = busy_app();
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::Char('p'));
    assert!(app.modal().is_some());
    snapshot_everywhere("question_bucket_public", &app);
}

#[test]
fn the_fix_buckets_question() {
    let mut app = app();
    app.init();
    // The output bucket is private: `f` offers to make it public.
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![bucket("videos", false)])),
    );
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::Char('f'));
    assert!(app.modal().is_some(), "{}", notice_text(&app));
    snapshot_everywhere("question_fix_buckets", &app);
}

#[test]
fn the_history_remove_questions() {
    let mut app = super::history_page();
    press(&mut app, KeyCode::Char('x'));
    assert!(app.modal().is_some());
    snapshot_everywhere("question_history_remove", &app);

    let mut app = super::history_page();
    press(&mut app, KeyCode::Char('X'));
    assert!(app.modal().is_some());
    snapshot_everywhere("question_history_remove_all", &app);
}

#[test]
fn the_command_lines_rm_question() {
    let mut app = in_the_bucket();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "rm videos/fox.mp4");
    press(&mut app, KeyCode::Enter);
    assert!(app.modal().is_some());
    snapshot_everywhere("question_command_rm", &app);
}

#[test]
fn the_command_line_with_a_completion() {
    let mut app = busy_app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "downl");
    press(&mut app, KeyCode::Tab);
    snapshot_everywhere("text_field_command_line", &app);
}

/// Each text field of the bucket browser, opened on the last object.
#[test]
fn the_bucket_browsers_text_fields() {
    for (key, name) in [
        ('u', "text_field_upload"),
        ('c', "text_field_new_bucket"),
        ('m', "text_field_rename"),
        ('K', "text_field_copy_to"),
        ('Y', "text_field_signed_url"),
        ('d', "text_field_download_to"),
    ] {
        let mut app = in_the_bucket();
        press(&mut app, KeyCode::End);
        press(&mut app, KeyCode::Char(key));
        assert!(app.modal().is_some(), "{key} opens a field");
        snapshot_everywhere(name, &app);
    }
}
