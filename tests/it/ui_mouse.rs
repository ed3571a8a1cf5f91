//! The mouse: a click focuses the panel under it and selects the row it lands on (in the prompt,
//! puts the cursor there), the wheel scrolls, a URL of the job or object details is copied on a
//! click; off (M, F12,
//! `--no-mouse`) leaves the terminal its text selection, and a question is never answered or
//! bypassed by a click.

use crate::ui_support as support;

use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use sora_core::engine::EngineEvent;
use sora_tui::app::layout;
use sora_tui::app::{App, BucketsPane, Effect, Focus, Msg};
use support::*;

const W: u16 = 120;
const H: u16 = 40;

fn sized_app() -> App {
    let mut app = app();
    app.update(Msg::Resize {
        width: W,
        height: H,
    });
    app
}

fn mouse(app: &mut App, kind: MouseEventKind, column: u16, row: u16) -> Vec<Effect> {
    app.update(Msg::Mouse(MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }))
}

fn click(app: &mut App, column: u16, row: u16) -> Vec<Effect> {
    mouse(app, MouseEventKind::Down(MouseButton::Left), column, row)
}

fn areas() -> layout::DashboardAreas {
    layout::dashboard(ratatui::layout::Rect::new(0, 0, W, H), 1)
}

fn with_buckets(app: &mut App) {
    app.init();
    feed(
        app,
        EngineEvent::BucketsListed(Ok(vec![
            bucket("input-images", false),
            bucket("scratch", false),
            bucket("videos", true),
        ])),
    );
}

#[test]
fn a_click_focuses_the_panel_and_selects_the_job_under_it() {
    let mut app = sized_app();
    for key in 1..=3 {
        job_through_all_statuses(&mut app, key, &format!("job {key}"));
    }
    assert_eq!(app.focus(), Focus::Prompt);
    let jobs = layout::inner(areas().jobs);
    // Each job takes two lines: the second job's summary is the third line.
    click(&mut app, jobs.x + 5, jobs.y + 2);
    assert_eq!(app.focus(), Focus::Jobs);
    assert_eq!(app.jobs().selected, 1);
    let screen = render(&app, W, H);
    assert!(
        screen.contains("┏ Jobs (3)"),
        "the jobs panel has the focus:\n{screen}"
    );
}

#[test]
fn a_click_in_the_bucket_list_selects_that_bucket_and_the_wheel_moves_it() {
    let mut app = sized_app();
    with_buckets(&mut app);
    let inner = layout::inner(areas().buckets);
    let [list, _] = layout::buckets_split(inner);
    click(&mut app, list.x + 2, list.y + 1);
    assert_eq!(app.focus(), Focus::Buckets);
    assert_eq!(app.buckets().pane, BucketsPane::Buckets);
    assert_eq!(app.buckets().selected_bucket, 1, "scratch, the second row");
    mouse(&mut app, MouseEventKind::ScrollDown, list.x + 2, list.y);
    assert_eq!(
        app.buckets().selected_bucket,
        2,
        "the wheel moves to the end"
    );
    mouse(&mut app, MouseEventKind::ScrollUp, list.x + 2, list.y);
    assert_eq!(app.buckets().selected_bucket, 0);
}

#[test]
fn a_click_below_the_last_row_selects_nothing_new() {
    let mut app = sized_app();
    with_buckets(&mut app);
    let [list, _] = layout::buckets_split(layout::inner(areas().buckets));
    click(&mut app, list.x + 2, list.y + 1);
    click(&mut app, list.x + 2, list.bottom() - 1);
    assert_eq!(app.buckets().selected_bucket, 1);
}

#[test]
fn with_the_mouse_off_clicks_do_nothing_and_the_key_says_so() {
    let mut app = sized_app();
    with_buckets(&mut app);
    press(&mut app, KeyCode::Esc);
    assert_eq!(
        press(&mut app, KeyCode::Char('M')),
        vec![Effect::Mouse(false)]
    );
    assert!(
        app.notice()
            .is_some_and(|n| n.text.contains("selects text")),
        "{:?}",
        app.notice()
    );
    let [list, _] = layout::buckets_split(layout::inner(areas().buckets));
    click(&mut app, list.x + 2, list.y + 1);
    assert_eq!(app.focus(), Focus::Jobs, "the click went to the terminal");
    assert_eq!(press(&mut app, KeyCode::F(12)), vec![Effect::Mouse(true)]);
    click(&mut app, list.x + 2, list.y + 1);
    assert_eq!(app.focus(), Focus::Buckets);
}

#[test]
fn a_click_never_acts_behind_an_open_question() {
    let mut app = sized_app();
    job_through_all_statuses(&mut app, 1, "a fox");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('x'));
    assert!(app.modal().is_some());
    let [list, _] = layout::buckets_split(layout::inner(areas().buckets));
    assert!(click(&mut app, list.x + 2, list.y).is_empty());
    assert_eq!(app.focus(), Focus::Jobs);
    assert!(app.modal().is_some(), "the question is still open");
}

#[test]
fn a_settings_mouse_false_starts_with_the_mouse_off() {
    let mut settings = support::settings();
    settings.mouse = false;
    let mut app = App::new(settings);
    app.update(Msg::Resize {
        width: W,
        height: H,
    });
    assert!(!app.mouse());
    let jobs = layout::inner(areas().jobs);
    click(&mut app, jobs.x, jobs.y);
    assert_eq!(app.focus(), Focus::Prompt);
}

#[test]
fn a_click_in_the_prompt_puts_the_cursor_where_it_lands() {
    let mut app = sized_app();
    type_text(&mut app, "one");
    press_with(&mut app, KeyCode::Enter, KeyModifiers::ALT);
    type_text(&mut app, "two");
    press(&mut app, KeyCode::Esc);
    let prompt = app
        .dashboard_areas(ratatui::layout::Rect::new(0, 0, W, H))
        .prompt;
    let text = layout::prompt_split(layout::inner(prompt)).text;
    // Between the "o" and the "n" of the first line.
    click(&mut app, text.x + 1, text.y);
    assert_eq!(app.focus(), Focus::Prompt, "the click focused the prompt");
    type_text(&mut app, "X");
    assert_eq!(app.prompt().text(), "oXne\ntwo");
    // Past the end of the second line: its end.
    click(&mut app, text.x + 40, text.y + 1);
    type_text(&mut app, "!");
    assert_eq!(app.prompt().text(), "oXne\ntwo!");
}

/// Where `text` is drawn on the screen (column, row), if it is.
fn find(screen: &str, text: &str) -> Option<(u16, u16)> {
    screen.lines().enumerate().find_map(|(y, line)| {
        let byte = line.find(text)?;
        let x = line[..byte].chars().count();
        Some((u16::try_from(x).ok()?, u16::try_from(y).ok()?))
    })
}

#[test]
fn a_click_on_a_url_of_the_job_details_copies_it() {
    use sora_core::download::AttemptOutcome;
    let mut app = sized_app();
    job_through_all_statuses(&mut app, 1, "a fox");
    feed(
        &mut app,
        attempt(1, Some(200), AttemptOutcome::Saved, 10, 5.0, None, ""),
    );
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter);
    let screen = render(&app, W, H);
    assert!(screen.contains("Content URLs"), "{screen}");
    let (x, y) = find(&screen, "https://sora-test").expect("the URL is shown");
    let shown: String = screen
        .lines()
        .nth(usize::from(y))
        .unwrap_or_default()
        .chars()
        .skip(usize::from(x))
        .take_while(|c| *c != ' ')
        .collect();
    // Its end, as well as its start: the whole line is the URL's.
    let effects = click(&mut app, x + 20, y);
    assert_eq!(effects, vec![Effect::Clipboard(shown.clone())]);
    assert!(shown.starts_with(support::VIDEO_URL.split('?').next().unwrap_or_default()));
    assert_eq!(
        notice_text(&app),
        "Copied the URL of job #1 to the clipboard."
    );
    // A line that shows no URL copies nothing, and the overlay stays.
    let (x, y) = find(&screen, "journal id").expect("a line without a URL");
    assert!(click(&mut app, x, y).is_empty());
    assert!(app.overlay().is_some());
}

#[test]
fn a_signed_content_url_is_shown_without_its_signature_and_a_click_copies_nothing() {
    use sora_core::download::{Attempt, AttemptOutcome, Report};
    let mut app = sized_app();
    job_through_all_statuses(&mut app, 1, "a fox");
    let attempt = Attempt {
        number: 1,
        method: "GET",
        url: "https://cdn.example.com/v.mp4?exp=1700000000&sig=s3cr3tsignature".into(),
        status: Some(200),
        bytes: 10,
        started_at: at(5.0),
        duration: std::time::Duration::from_millis(120),
        outcome: AttemptOutcome::Saved,
        detail: String::new(),
        next_retry_in: None,
        request_id: None,
        headers: Vec::new(),
    };
    feed(
        &mut app,
        sora_core::engine::EngineEvent::Download {
            key: video(1),
            report: Report::Attempt(attempt),
        },
    );
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter);
    let screen = render(&app, W, H);
    assert_hides(&screen, "s3cr3tsignature");
    assert_shows(&screen, "a click copies only a URL that had none");
    let (x, y) = find(&screen, "https://cdn.example.com").expect("the URL is shown");
    assert!(
        click(&mut app, x, y).is_empty(),
        "a URL without its signature would not open: nothing is copied"
    );
}

#[test]
fn a_click_on_the_object_details_copies_its_public_url() {
    let mut settings = support::settings();
    settings.supabase_url = Some(url::Url::parse("https://proj.supabase.co").expect("url"));
    let (width, height) = (200, 50);
    let mut app = App::new(settings);
    app.update(Msg::Resize { width, height });
    with_buckets(&mut app);
    let query = app.buckets().query.clone();
    feed(
        &mut app,
        EngineEvent::ObjectsListed {
            bucket: "videos".into(),
            prefix: String::new(),
            query,
            result: Ok(vec![object("fox.mp4", 10, "2026-05-01T12:00:00Z")]),
        },
    );
    let screen = render(&app, width, height);
    let (x, y) = find(&screen, "https://proj.supabase.co").expect("the public URL is shown");
    assert_eq!(
        click(&mut app, x, y),
        vec![Effect::Clipboard(
            "https://proj.supabase.co/storage/v1/object/public/videos/fox.mp4".into()
        )]
    );
    assert_eq!(
        notice_text(&app),
        "Copied the URL of videos/fox.mp4 to the clipboard."
    );
}
