//! The `/` filter of the jobs list, the downloads log and the History page: it narrows the list
//! with every key typed, Enter keeps it (the title says so), Esc clears it; what is selected,
//! clicked and acted on is always a row the user can see.

use crate::ui_support as support;

use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use sora_core::engine::{Command, EngineEvent, JobKey};
use sora_core::journal::JobState;
use sora_core::providers::JobStatus;
use sora_tui::app::keymap::KeyMap;
use sora_tui::app::{App, Effect, Focus, Modal, Msg, Page, layout};
use support::*;

const W: u16 = 120;
const H: u16 = 40;

/// A finished job with its own id on the service.
fn finished_job(app: &mut App, key: u64, prompt: &str, job_id: &str) {
    feed(
        app,
        EngineEvent::JobSubmitting {
            key: JobKey(key),
            prompt: prompt.to_string(),
            at: at(0.0),
        },
    );
    feed(
        app,
        EngineEvent::JobCreated {
            key: JobKey(key),
            job_id: job_id.to_string(),
            at: at(0.3),
        },
    );
    feed(app, status(key, JobStatus::Succeeded, "succeeded", 4.0));
    feed(
        app,
        EngineEvent::JobComplete {
            key: JobKey(key),
            ok: true,
        },
    );
}

/// Three finished jobs (a fox, a cat, a dog), the jobs panel focused, the last one selected.
fn three_jobs() -> App {
    let mut app = app();
    app.update(Msg::Resize {
        width: W,
        height: H,
    });
    finished_job(&mut app, 1, "a red fox in the snow", "task_fox");
    finished_job(&mut app, 2, "a cat on a sofa", "task_cat");
    finished_job(&mut app, 3, "a dog on a beach", "task_dog");
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.focus(), Focus::Jobs);
    press(&mut app, KeyCode::Char('G'));
    app
}

fn filter(app: &mut App, text: &str) {
    press(app, KeyCode::Char('/'));
    type_text(app, text);
}

fn copy_id(app: &mut App) -> Vec<Effect> {
    press(app, KeyCode::Char('y'))
}

fn clipboard(text: &str) -> Vec<Effect> {
    vec![Effect::Clipboard(text.to_string())]
}

#[test]
fn typing_narrows_the_jobs_live_and_enter_keeps_the_filter_until_esc() {
    let mut app = three_jobs();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "A ");
    // Typed, the list narrows at once: "a " is in every prompt.
    let screen = render(&app, W, H);
    assert_shows(&screen, "Jobs /A ▏ (3 of 3)");
    // Every key narrows the list at once, whatever the case.
    type_text(&mut app, "C");
    let screen = render(&app, W, H);
    assert_shows(&screen, "Jobs /A C▏ (1 of 3)");
    assert_shows(&screen, "a cat on a sofa");
    assert_hides(&screen, "a dog on a beach");
    assert_hides(&screen, "a red fox");

    press(&mut app, KeyCode::Enter);
    let screen = render(&app, W, H);
    assert_shows(&screen, "Jobs /A C (1 of 3)");
    assert_hides(&screen, "a dog on a beach");
    // Kept: list keys work on the filtered list, and the filter stays.
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(copy_id(&mut app), clipboard("task_cat"));
    assert_shows(&render(&app, W, H), "Jobs /A C (1 of 3)");

    press(&mut app, KeyCode::Esc);
    let screen = render(&app, W, H);
    assert_shows(&screen, "Jobs (3)");
    assert_shows(&screen, "a dog on a beach");
    // The row that was selected stays selected.
    assert_eq!(copy_id(&mut app), clipboard("task_cat"));
}

#[test]
fn esc_in_the_field_clears_the_filter() {
    let mut app = three_jobs();
    filter(&mut app, "fox");
    let screen = render(&app, W, H);
    assert_shows(&screen, "Jobs /fox▏ (1 of 3)");
    assert_hides(&screen, "a dog on a beach");
    press(&mut app, KeyCode::Esc);
    let screen = render(&app, W, H);
    assert_shows(&screen, "Jobs (3)");
    assert_shows(&screen, "a dog on a beach");
    assert_eq!(app.focus(), Focus::Jobs, "Esc only closed the field");
}

#[test]
fn a_paste_goes_into_the_open_field_and_narrows_the_list() {
    let mut app = three_jobs();
    press(&mut app, KeyCode::Char('/'));
    app.update(Msg::Paste("DOG\n".into()));
    let screen = render(&app, W, H);
    assert_shows(&screen, "Jobs /DOG▏ (1 of 3)");
    assert_hides(&screen, "a cat on a sofa");
    assert_eq!(app.prompt().text(), "", "nothing reached the prompt");
}

#[test]
fn the_selected_job_actions_act_on_the_visible_filtered_row() {
    let mut app = three_jobs();
    // The dog was selected; the filter hides it, so the cat is the selected job now.
    filter(&mut app, "cat");
    press(&mut app, KeyCode::Enter);
    assert_eq!(copy_id(&mut app), clipboard("task_cat"));
    assert_eq!(
        press(&mut app, KeyCode::Char('d')),
        vec![Effect::Engine(Command::RetryDownload { key: JobKey(2) })]
    );
    press(&mut app, KeyCode::Char('x'));
    match app.modal() {
        Some(Modal::Confirm(question)) => {
            assert!(question.text.contains("task_cat"), "{}", question.text);
        }
        other => panic!("x asks about the cat: {other:?}"),
    }
    assert_eq!(
        answer(&mut app, KeyCode::Char('y')),
        vec![Effect::Engine(Command::DeleteJob { key: JobKey(2) })]
    );
}

#[test]
fn no_action_reaches_a_job_the_filter_hides() {
    let mut app = three_jobs();
    filter(&mut app, "xyz");
    press(&mut app, KeyCode::Enter);
    let screen = render(&app, W, H);
    assert_shows(&screen, "Jobs /xyz (0 of 3)");
    assert_shows(&screen, "no jobs match /xyz — Esc clears");
    for key in ['y', 'd', 'x', 'u', 'o', 'p'] {
        assert_eq!(press(&mut app, KeyCode::Char(key)), vec![], "{key}");
    }
    assert!(app.modal().is_none(), "x asked nothing");
    let notice = app.notice().expect("said why").text.clone();
    assert!(notice.contains("no job matches /xyz"), "{notice}");
}

#[test]
fn a_click_resolves_to_the_filtered_row_under_it() {
    let mut app = three_jobs();
    filter(&mut app, "on a");
    press(&mut app, KeyCode::Enter);
    let jobs = layout::inner(layout::dashboard(ratatui::layout::Rect::new(0, 0, W, H), 1).jobs);
    // The cat and the dog are shown: the second row's summary is the third line.
    let click = |app: &mut App, line: u16| {
        app.update(Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: jobs.x + 5,
            row: jobs.y + line,
            modifiers: KeyModifiers::NONE,
        }))
    };
    click(&mut app, 0);
    assert_eq!(copy_id(&mut app), clipboard("task_cat"));
    // The cat's details line (service, estimate) is absent: two lines per job.
    click(&mut app, 2);
    assert_eq!(copy_id(&mut app), clipboard("task_dog"));
}

#[test]
fn a_new_job_the_filter_hides_does_not_take_the_selection() {
    let mut app = app();
    let submit = |app: &mut App, prompt: &str| {
        type_text(app, prompt);
        let effects = press(app, KeyCode::Enter);
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::Engine(Command::Generate { .. }))),
            "{effects:?}"
        );
    };
    submit(&mut app, "a cat on a sofa");
    feed(
        &mut app,
        EngineEvent::JobCreated {
            key: JobKey(1),
            job_id: "task_cat".into(),
            at: at(0.3),
        },
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.focus(), Focus::Jobs);
    filter(&mut app, "cat");
    press(&mut app, KeyCode::Enter);
    // Later, a new job the filter hides.
    wait(&mut app, 60.0);
    press(&mut app, KeyCode::Char('i'));
    submit(&mut app, "a bird over the sea");
    assert_shows(
        &notice_text(&app),
        "not listed: the jobs filter /cat hides it (Esc in the jobs list clears it)",
    );
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.focus(), Focus::Jobs);
    assert_eq!(copy_id(&mut app), clipboard("task_cat"));
    assert_shows(&render(&app, W, H), "Jobs /cat (1 of 2)");
}

#[test]
fn the_downloads_filter_narrows_the_log_and_c_cancels_only_a_shown_transfer() {
    let mut app = app();
    feed(&mut app, progress(video(1), 1_000, Some(10_000)));
    feed(&mut app, progress(video(2), 2_000, Some(10_000)));
    finished(&mut app, thumbnail(1), "/videos/one.jpg", 500);
    finished(&mut app, thumbnail(2), "/videos/two.jpg", 600);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.focus(), Focus::Downloads);
    filter(&mut app, "#1");
    press(&mut app, KeyCode::Enter);
    let screen = render(&app, W, H);
    assert_shows(&screen, "Downloads & uploads /#1 (1 of 2)");
    assert_shows(&screen, "/videos/one.jpg");
    assert_hides(&screen, "/videos/two.jpg");
    // The newest transfer is #2's, but the one shown is #1's: `c` (twice: it is receiving)
    // cancels that one.
    press(&mut app, KeyCode::Char('c'));
    assert_eq!(
        press(&mut app, KeyCode::Char('c')),
        vec![Effect::Engine(Command::CancelDownload { key: video(1) })]
    );
    press(&mut app, KeyCode::Esc);
    assert_shows(&render(&app, W, H), "/videos/two.jpg");
}

#[test]
fn the_history_filter_keeps_until_esc_and_enter_reruns_the_filtered_record() {
    use crate::ui_pages::record;
    let mut app = app();
    press(&mut app, KeyCode::F(5));
    feed(
        &mut app,
        EngineEvent::History(Ok(vec![
            record("one", "an old fox", JobState::Succeeded, None),
            record("two", "a lighthouse at night", JobState::Succeeded, None),
            record("three", "the newest fox", JobState::Succeeded, None),
        ])),
    );
    filter(&mut app, "LIGHT");
    let screen = render(&app, W, H);
    assert_shows(&screen, "History /LIGHT▏ (1 of 3)");
    assert_hides(&screen, "the newest fox");
    press(&mut app, KeyCode::Enter);
    assert_shows(&render(&app, W, H), "History /LIGHT (1 of 3)");
    // Esc on the list clears the kept filter first; a second Esc goes back.
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.page(), Page::History);
    assert_shows(&render(&app, W, H), "the newest fox");
    filter(&mut app, "light");
    press(&mut app, KeyCode::Enter);
    // Enter on the list re-runs the record shown, not the newest one.
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.page(), Page::Dashboard);
    assert_eq!(app.prompt().input.value(), "a lighthouse at night");
    press(&mut app, KeyCode::F(5));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.page(), Page::Dashboard);
}

#[test]
fn the_filter_keys_are_remappable_and_in_the_help() {
    let overrides = [
        ("jobs.filter".to_string(), vec!["f".to_string()]),
        ("filter.keep_filter".to_string(), vec!["F2".to_string()]),
        (
            "filtered.clear_filter".to_string(),
            vec!["Backspace".to_string()],
        ),
    ];
    let keymap = KeyMap::with_overrides(&overrides, None).expect("valid keys");
    let mut app = App::with_keymap(settings(), keymap);
    app.update(Msg::Clock(at(0.0)));
    finished_job(&mut app, 1, "a red fox", "task_fox");
    finished_job(&mut app, 2, "a cat", "task_cat");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('f'));
    type_text(&mut app, "fox");
    press(&mut app, KeyCode::F(2));
    assert!(!app.filter_editing(), "F2 closed the field");
    let screen = render(&app, W, H);
    assert_shows(&screen, "Jobs /fox (1 of 2)");
    assert_shows(&screen, "Backspace clear the filter");
    press(&mut app, KeyCode::Backspace);
    assert_shows(&render(&app, W, H), "Jobs (2)");

    let mut app = three_jobs();
    press(&mut app, KeyCode::Char('?'));
    let screen = render(&app, W, 60);
    assert_shows(&screen, "Filter field");
    assert_shows(&screen, "close the field, keep the filter");
}

#[test]
fn text_keys_are_refused_for_the_filter_field() {
    let e = KeyMap::with_overrides(
        &[("filter.keep_filter".to_string(), vec!["k".to_string()])],
        None,
    )
    .expect_err("k is text in the field");
    assert!(e.to_string().contains("is text"), "{e}");
}

/// The bucket browser on `videos` with these entries loaded (a full page of 100 when `more`:
/// the folder holds more than is loaded), the objects side focused, the first entry selected.
fn browser(names: &[&str], more: bool) -> App {
    let mut app = app();
    app.update(Msg::Resize {
        width: W,
        height: H,
    });
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![
            bucket("input-images", false),
            bucket("scratch", false),
            bucket("videos", true),
        ])),
    );
    let mut page: Vec<_> = names
        .iter()
        .map(|n| object(n, 1000, "2026-05-01T12:00:00Z"))
        .collect();
    let filler = if more { 100 - page.len() } else { 0 };
    page.extend((0..filler).map(|i| object(&format!("z-{i:03}.bin"), 10, "2026-05-01T12:00:00Z")));
    objects_listed(&mut app, "videos", page);
    while app.focus() != Focus::Buckets {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Right);
    app
}

const PETS: [&str; 4] = ["a-dog.mp4", "b-cat.mp4", "c-fox.mp4", "d-CAT-2.mp4"];

/// The object details' heading, where the screen has room for them: the name of the entry
/// drawn as selected.
fn selected_shown(app: &App) -> String {
    let (width, height) = (200, 50);
    let screen = render(app, width, height);
    let area = ratatui::layout::Rect::new(0, 0, width, height);
    let [_, objects] = layout::buckets_split(layout::inner(layout::dashboard(area, 1).buckets));
    let [_, _, body] = layout::objects_split(objects);
    let details = layout::objects_table_split(body)
        .1
        .expect("room for the details");
    let line = screen
        .lines()
        .nth(usize::from(details.y))
        .unwrap_or_default();
    line.chars()
        .skip(usize::from(details.x))
        .take(usize::from(details.width))
        .collect::<String>()
        .trim()
        .to_string()
}

#[test]
fn typing_narrows_the_objects_live_enter_keeps_and_esc_clears() {
    let mut app = browser(&PETS, false);
    filter(&mut app, "Cat");
    let screen = render(&app, W, H);
    assert_shows(&screen, "/Cat▏ (2 of 4)");
    assert_shows(&screen, "b-cat.mp4");
    assert_shows(&screen, "d-CAT-2.mp4");
    assert_hides(&screen, "a-dog.mp4");
    assert_hides(&screen, "c-fox.mp4");
    press(&mut app, KeyCode::Enter);
    assert!(!app.filter_editing(), "Enter closed the field");
    let screen = render(&app, W, H);
    assert_shows(&screen, "/Cat (2 of 4)");
    assert_hides(&screen, "a-dog.mp4");
    // Kept: the list keys move among the rows shown.
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(selected_shown(&app), "d-CAT-2.mp4");
    press(&mut app, KeyCode::Esc);
    let screen = render(&app, W, H);
    assert_hides(&screen, "/Cat");
    assert_shows(&screen, "a-dog.mp4");
    assert_shows(&screen, "c-fox.mp4");
    assert_eq!(selected_shown(&app), "d-CAT-2.mp4", "the selection stays");
}

#[test]
fn a_delete_on_the_filtered_objects_deletes_the_row_shown_selected() {
    let mut app = browser(&PETS, false);
    filter(&mut app, "cat");
    press(&mut app, KeyCode::Enter);
    // The second row shown is d-CAT-2; the second row of the whole folder is b-cat.
    press(&mut app, KeyCode::Down);
    assert_eq!(selected_shown(&app), "d-CAT-2.mp4");
    press(&mut app, KeyCode::Char('x'));
    match app.modal() {
        Some(Modal::Confirm(question)) => {
            assert!(
                question.text.contains("videos/d-CAT-2.mp4"),
                "{}",
                question.text
            );
        }
        other => panic!("x asks about the row shown: {other:?}"),
    }
    assert_eq!(
        answer(&mut app, KeyCode::Char('y')),
        vec![Effect::Engine(Command::Storage(
            sora_core::engine::StorageOp::DeleteObjects {
                bucket: "videos".into(),
                paths: vec!["d-CAT-2.mp4".into()],
            }
        ))]
    );
    // A click selects the filtered row under it, and the download acts on that one.
    let inner = layout::inner(layout::dashboard(ratatui::layout::Rect::new(0, 0, W, H), 1).buckets);
    let [_, objects] = layout::buckets_split(inner);
    let [_, _, body] = layout::objects_split(objects);
    app.update(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: body.x + 2,
        row: body.y,
        modifiers: KeyModifiers::NONE,
    }));
    press(&mut app, KeyCode::Char('d'));
    match app.modal() {
        Some(Modal::Input { input, .. }) => {
            assert!(input.value().ends_with("b-cat.mp4"), "{}", input.value());
        }
        other => panic!("d asks where b-cat goes: {other:?}"),
    }
}

#[test]
fn no_object_action_reaches_an_entry_the_filter_hides() {
    let mut app = browser(&PETS, false);
    filter(&mut app, "xyz");
    press(&mut app, KeyCode::Enter);
    assert_shows(&render(&app, W, H), "no names match /xyz — Esc clears");
    for key in ['x', 'd', 'y', 'g', 'm', 'K'] {
        assert!(press(&mut app, KeyCode::Char(key)).is_empty(), "{key}");
        assert!(app.modal().is_none(), "{key} asked nothing");
    }
}

#[test]
fn the_bucket_list_filters_by_name() {
    let mut app = browser(&PETS, false);
    press(&mut app, KeyCode::Left);
    filter(&mut app, "SCR");
    let screen = render(&app, W, H);
    assert_shows(&screen, "Buckets /SCR▏ (1 of 3)");
    assert_shows(&screen, "▸ scratch private");
    assert_hides(&screen, "input-images private");
    press(&mut app, KeyCode::Enter);
    // The bucket shown is the one opened and deleted, not the one at its place in the list.
    press(&mut app, KeyCode::Char('x'));
    match app.modal() {
        Some(Modal::Confirm(question)) => {
            assert!(
                question.text.contains("bucket scratch"),
                "{}",
                question.text
            );
        }
        other => panic!("x asks about scratch: {other:?}"),
    }
    answer(&mut app, KeyCode::Char('n'));
    let opened = without_generation(press(&mut app, KeyCode::Enter));
    assert!(
        matches!(&opened[..], [Effect::Engine(Command::ListObjects { bucket, .. })] if bucket == "scratch"),
        "{opened:?}"
    );
    press(&mut app, KeyCode::Esc);
    assert_shows(&render(&app, W, H), "input-images private");
}

#[test]
fn the_server_search_has_its_own_key_and_the_filter_says_what_is_not_loaded() {
    let mut app = browser(&["b-cat.mp4"], true);
    filter(&mut app, "cat");
    press(&mut app, KeyCode::Enter);
    let screen = render(&app, W, H);
    assert_shows(
        &screen,
        "/cat (1 of 100) · more not loaded: S searches the server",
    );
    // End on the last row shown loads the next page (one, however little of it matches).
    let more = press(&mut app, KeyCode::End);
    assert!(
        matches!(&more[..], [Effect::Engine(Command::ListObjects { query, .. })] if query.offset == 100),
        "{more:?}"
    );
    press(&mut app, KeyCode::Esc);
    // S asks the server for names starting with the text (the folder may hold thousands).
    press(&mut app, KeyCode::Char('S'));
    assert!(matches!(app.modal(), Some(Modal::Input { .. })));
    type_text(&mut app, "b-");
    let listed = without_generation(press(&mut app, KeyCode::Enter));
    assert!(
        matches!(&listed[..], [Effect::Engine(Command::ListObjects { query, .. })] if query.search == "b-"),
        "{listed:?}"
    );
    assert_shows(&render(&app, W, H), "server search 'b-'");
    // Esc clears it too, as it clears a `/` filter.
    let listed = without_generation(press(&mut app, KeyCode::Esc));
    assert!(
        matches!(&listed[..], [Effect::Engine(Command::ListObjects { query, .. })] if query.search.is_empty()),
        "{listed:?}"
    );
}

#[test]
fn a_refresh_of_the_filtered_folder_keeps_the_selection_on_its_object() {
    let mut app = browser(&PETS, false);
    filter(&mut app, "cat");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Down); // d-CAT-2.mp4, the second shown
    let name = |app: &App| {
        app.buckets()
            .selected_object()
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    assert_eq!(name(&app), "d-CAT-2.mp4");
    // r lists the folder again; the server now has two new objects ahead of it.
    press(&mut app, KeyCode::Char('r'));
    let mut names = vec!["a-cat-1.mp4", "a-cat-2.mp4"];
    names.extend(PETS);
    objects_listed(
        &mut app,
        "videos",
        names
            .iter()
            .map(|n| object(n, 1000, "2026-05-01T12:00:00Z"))
            .collect(),
    );
    assert_eq!(
        name(&app),
        "d-CAT-2.mp4",
        "the same object, not the same place"
    );
}
