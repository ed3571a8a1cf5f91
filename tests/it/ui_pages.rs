//! The History and Doctor pages: keys to open them, what they show, re-running a prompt, and
//! the question before anything is removed.

use crate::ui_support as support;

use crossterm::event::KeyCode;
use sora_core::doctor::{Check, Mark, Report, SettingLine};
use sora_core::engine::{Command, EngineEvent};
use sora_core::journal::{DownloadRecord, JobRecord, JobState, RequestRecord, UploadRecord};
use sora_core::providers::Size;
use sora_tui::app::{Effect, Focus, Page};
use support::*;

pub(crate) fn record(id: &str, prompt: &str, state: JobState, failure: Option<&str>) -> JobRecord {
    JobRecord {
        id: id.into(),
        started_at: 1_764_100_000_000,
        updated_at: 1_764_100_060_000,
        family: "azure-sora".into(),
        provider: "Azure Sora · sora · test".into(),
        request: RequestRecord {
            prompt: prompt.into(),
            size: "854x480".into(),
            seconds: 8,
            variants: 2,
            image: None,
            model: None,
            params: vec![],
        },
        upload: true,
        cost_estimate: Some(1.6),
        remix_of: None,
        download_dir: None,
        renditions: vec![],
        job_id: Some(format!("task_{id}")),
        status: Some(if failure.is_some() {
            "failed".into()
        } else {
            "succeeded".into()
        }),
        state,
        expires_at: None,
        outputs: vec![],
        output_urls: vec![],
        failure: failure.map(str::to_string),
        downloads: vec![DownloadRecord {
            output_id: "gen_1".into(),
            variant: "video".into(),
            path: format!("/videos/{id}.mp4"),
            bytes: 48_000,
        }],
        uploads: vec![UploadRecord {
            path: format!("/videos/{id}.mp4"),
            bucket: "output-videos".into(),
            object_path: format!("task_{id}/gen_1.mp4"),
            public_url: None,
        }],
    }
}

/// A doctor report with a pass, a warning (with its fix) and a failure (with its fix).
pub(crate) fn doctor_report() -> Report {
    Report {
        settings: vec![SettingLine {
            key: "azure.api_key".into(),
            value: "…(32 chars, ends 9f3a)".into(),
            source: "environment variable AZURE_OPENAI_API_KEY".into(),
        }],
        checks: vec![
            Check {
                name: "video service reachable".into(),
                mark: Mark::Pass,
                detail: "answers".into(),
                fix: None,
            },
            Check {
                name: "service lifecycle".into(),
                mark: Mark::Warn,
                detail: "Azure Sora is retiring".into(),
                fix: Some("move to Runway or fal.ai".into()),
            },
            Check {
                name: "auth".into(),
                mark: Mark::Fail,
                detail: "bad key: the service refused the api key".into(),
                fix: Some("use a key of this resource".into()),
            },
        ],
    }
}

fn history_app() -> sora_tui::app::App {
    let mut app = app();
    press(&mut app, KeyCode::F(5));
    feed(
        &mut app,
        EngineEvent::History(Ok(vec![
            record("old", "an old fox", JobState::Succeeded, None),
            record(
                "new",
                "a blocked scene",
                JobState::Failed,
                Some("input_moderation"),
            ),
        ])),
    );
    app
}

#[test]
fn f5_opens_the_history_newest_first_with_what_each_job_cost_and_left() {
    let mut app = app();
    let commands = press(&mut app, KeyCode::F(5));
    assert_eq!(commands, vec![Effect::Engine(Command::LoadHistory)]);
    assert_eq!(app.page(), Page::History);
    assert_shows(&render(&app, 140, 40), "Reading the journal");
    let app = history_app();
    let screen = render(&app, 140, 40);
    assert_shows(&screen, "History (2 job(s), newest first)");
    let newest = screen.find("a blocked scene").expect("newest shown");
    let oldest = screen.find("an old fox").expect("oldest shown");
    assert!(newest < oldest, "newest first:\n{screen}");
    assert_shows(&screen, "854x480 8s x2");
    assert_shows(&screen, "≈$1.60");
    // The selected (newest) entry's details: why it failed, its file and bucket path.
    assert_shows(&screen, "failed: input_moderation");
    assert_shows(&screen, "/videos/new.mp4");
    assert_shows(&screen, "stored output-videos/task_new/gen_1.mp4");
}

#[test]
fn enter_copies_the_prompt_and_parameters_back_for_a_rerun() {
    let mut app = history_app();
    press(&mut app, KeyCode::Down);
    let commands = press(&mut app, KeyCode::Enter);
    assert!(
        commands.is_empty(),
        "nothing is sent until the user presses Enter again"
    );
    assert_eq!(app.page(), Page::Dashboard);
    assert_eq!(app.focus(), Focus::Prompt);
    assert_eq!(app.prompt().text(), "an old fox");
    assert_eq!(app.prompt().size, Size::new(854, 480));
    assert_eq!((app.prompt().seconds, app.prompt().variants), (8, 2));
    // Two variants are two paid videos: Enter asks, y sends.
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    let commands = answer(&mut app, KeyCode::Char('y'));
    assert!(
        matches!(commands.as_slice(), [Effect::Engine(Command::Generate { request, .. })] if request.prompt == "an old fox")
    );
}

#[test]
fn removing_asks_first_and_says_what_goes() {
    let mut app = history_app();
    let commands = press(&mut app, KeyCode::Char('x'));
    assert!(commands.is_empty());
    let screen = render(&app, 140, 40);
    assert_shows(&screen, "Remove task_new from the history?");
    assert_shows(&screen, "Files and the remote job stay");
    let hints = screen.lines().last().unwrap_or_default().to_string();
    assert!(
        hints.contains("y confirm") && hints.contains("n/Esc/Enter cancel"),
        "the hint bar shows the question's keys, not the page's: {hints}"
    );
    let commands = answer(&mut app, KeyCode::Char('n'));
    assert!(commands.is_empty(), "no removes nothing");

    let commands = press(&mut app, KeyCode::Char('X'));
    assert!(commands.is_empty());
    let screen = render(&app, 140, 40);
    assert_shows(&screen, "delete its 1 file(s)");
    assert_shows(&screen, "delete the job on the");
    let commands = answer(&mut app, KeyCode::Char('y'));
    assert_eq!(
        commands,
        vec![Effect::Engine(Command::RemoveHistory {
            journal_id: "new".into(),
            files: true,
            remote: true
        })]
    );
    // Esc leaves the page.
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.page(), Page::Dashboard);
}

#[test]
fn f6_runs_the_doctor_and_shows_marks_and_fixes() {
    let mut app = app();
    let commands = press(&mut app, KeyCode::F(6));
    assert_eq!(
        commands,
        vec![Effect::Engine(Command::RunDoctor { probe: false })]
    );
    assert_eq!(app.page(), Page::Doctor);
    assert_shows(&render(&app, 140, 40), "Checking…");
    feed(&mut app, EngineEvent::Doctor(doctor_report()));
    let screen = render(&app, 140, 40);
    assert_shows(&screen, "azure.api_key");
    assert_shows(&screen, "environment variable AZURE_OPENAI_API_KEY");
    assert_shows(&screen, "✓ video service reachable");
    assert_shows(&screen, "✗ auth");
    assert_shows(&screen, "fix: use a key of this resource");
    assert_shows(&screen, "The doctor found problems");
    let commands = press(&mut app, KeyCode::Char('p'));
    assert_eq!(
        commands,
        vec![Effect::Engine(Command::RunDoctor { probe: true })]
    );
    assert_shows(&render(&app, 140, 40), "Doctor (with upload probe)");
}

#[test]
fn a_doctor_report_with_only_warnings_is_not_called_passed() {
    let mut app = app();
    press(&mut app, KeyCode::F(6));
    let mut report = doctor_report();
    report.checks.retain(|c| c.mark != Mark::Fail);
    feed(&mut app, EngineEvent::Doctor(report.clone()));
    let screen = render(&app, 140, 40);
    assert_shows(&screen, "! service lifecycle");
    assert_hides(&screen, "every check passed");
    assert_hides(&screen, "All checks passed");
    // Worded as the `doctor` command words it.
    assert!(report.to_text().contains("No failures; 1 warning(s)."));
    assert_shows(&screen, "No failures; 1 warning(s).");

    report.checks.retain(|c| c.mark == Mark::Pass);
    feed(&mut app, EngineEvent::Doctor(report));
    assert_shows(&render(&app, 140, 40), "All checks passed.");
}

#[test]
fn unfinished_jobs_from_the_journal_resume_on_start() {
    let mut s = settings();
    s.resume = vec![("j1".into(), "a fox left running".into())];
    let mut app = sora_tui::app::App::new(s);
    let commands = app.init();
    assert!(commands.contains(&Effect::Engine(Command::ListBuckets)));
    let resume: Vec<_> = commands
        .iter()
        .filter(|c| matches!(c, Effect::Engine(Command::Resume { .. })))
        .collect();
    assert_eq!(resume.len(), 1, "{commands:?}");
    assert_eq!(app.jobs().rows.len(), 1);
    assert_shows(&render(&app, 140, 40), "a fox left running");
    assert_shows(&render(&app, 140, 40), "Resuming 1 unfinished job");
}

#[test]
fn g_and_shift_g_go_to_the_first_and_last_history_entry() {
    let mut app = history_app();
    let count = app.history().records.loaded().map_or(0, Vec::len);
    assert!(count >= 2, "{count}");
    press(&mut app, KeyCode::Char('G'));
    assert_eq!(app.history().selected, count - 1);
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(app.history().selected, 0);
    assert_eq!(app.page(), Page::History);
}
