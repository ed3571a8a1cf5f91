//! `S` in the jobs panel reads the own job list of the service the prompt has selected, a page
//! at a time: `S` again loads the next page with the cursor of the page before, the notice
//! says how many are loaded and whether more remain, and a listed job downloads from the
//! service it was listed from.

use crate::ui_services::{alt, two_services};
use crate::ui_support as support;

use crossterm::event::KeyCode;
use sora_core::engine::{Command, EngineEvent, JobKey, SERVICE_JOBS_PAGE, ServiceJobsPage, Via};
use sora_core::providers::{ContentVariant, Family, Job, JobStatus};
use sora_tui::app::{App, Effect, Focus};
use support::*;

fn focus_jobs(app: &mut App) {
    while app.focus() != Focus::Jobs {
        press(app, KeyCode::Tab);
    }
}

fn listed(id: &str) -> Job {
    crate::ui_jobs_actions::listed_job(id, JobStatus::Succeeded, "succeeded")
}

/// The engine's answer: `ids` filed from `first_key` on, and the cursor when more follow.
fn page(first_key: JobKey, ids: &[&str], next: Option<&str>) -> EngineEvent {
    EngineEvent::ServiceJobs {
        service: "Azure OpenAI sora @ eastus2".into(),
        result: Ok(ServiceJobsPage {
            jobs: ids
                .iter()
                .zip(first_key.0..)
                .map(|(id, n)| (JobKey(n), listed(id)))
                .collect(),
            has_more: next.is_some(),
            next: next.map(str::to_string),
        }),
    }
}

fn list_command(effects: &[Effect]) -> (JobKey, Option<Via>, Option<String>) {
    match effects {
        [
            Effect::Engine(Command::ListServiceJobs {
                first_key,
                via,
                after,
            }),
        ] => (*first_key, via.clone(), after.clone()),
        other => panic!("not one list command: {other:#?}"),
    }
}

#[test]
fn s_again_loads_the_next_page_with_the_cursor_and_says_when_none_remain() {
    let mut app = app();
    focus_jobs(&mut app);
    let (first_key, via, after) = list_command(&press(&mut app, KeyCode::Char('S')));
    assert_eq!((via, after), (None, None), "the first page, of the default");
    feed(
        &mut app,
        page(first_key, &["task_c", "task_b"], Some("task_b")),
    );
    let notice = notice_text(&app);
    assert!(
        notice.contains("2 job(s)")
            && notice.contains("2 loaded")
            && notice.contains(&format!(
                "more remain: S loads the next {SERVICE_JOBS_PAGE}"
            )),
        "{notice}"
    );

    let (second_key, _, after) = list_command(&press(&mut app, KeyCode::Char('S')));
    assert_eq!(
        after.as_deref(),
        Some("task_b"),
        "the cursor of the first page"
    );
    assert!(second_key.0 >= first_key.0 + u64::from(SERVICE_JOBS_PAGE));
    feed(&mut app, page(second_key, &["task_a"], None));
    let notice = notice_text(&app);
    assert!(
        notice.contains("3 loaded") && notice.contains("that is the whole list"),
        "{notice}"
    );
    assert_eq!(app.jobs().rows.len(), 3);
    assert_shows(&render(&app, 140, 42), "prompt of task_a");

    // Read to its end, S lists it again from the newest; rows already there are kept once.
    let (third_key, _, after) = list_command(&press(&mut app, KeyCode::Char('S')));
    assert_eq!(after, None);
    feed(
        &mut app,
        page(third_key, &["task_d", "task_c"], Some("task_c")),
    );
    assert_eq!(app.jobs().rows.len(), 4);
    assert!(
        notice_text(&app).contains("1 new, 1 already in the list"),
        "{}",
        notice_text(&app)
    );
}

#[test]
fn s_while_a_page_is_loading_sends_nothing_more_and_says_so() {
    let mut app = app();
    focus_jobs(&mut app);
    assert_eq!(press(&mut app, KeyCode::Char('S')).len(), 1);
    assert!(press(&mut app, KeyCode::Char('S')).is_empty());
    assert!(
        notice_text(&app).contains("Still loading"),
        "{}",
        notice_text(&app)
    );
}

#[test]
fn s_lists_the_service_the_prompt_has_selected_and_d_fetches_from_it() {
    let mut app = two_services();
    focus_jobs(&mut app);
    let (first_key, via, _) = list_command(&press(&mut app, KeyCode::Char('S')));
    let sora = Some(Via {
        family: Family::AzureSora,
        model: None,
    });
    assert_eq!(via, sora);
    feed(&mut app, page(first_key, &["task_s"], None));
    press(&mut app, KeyCode::Home);
    assert_eq!(
        press(&mut app, KeyCode::Char('d')),
        vec![Effect::Engine(Command::Fetch {
            key: first_key,
            job_id: "task_s".into(),
            variants: vec![ContentVariant::Video],
            upload: false,
            via: sora,
        })]
    );

    // Runway selected in the prompt: its list is asked for, and its refusal is said.
    press(&mut app, KeyCode::Char('1'));
    alt(&mut app, 'p');
    focus_jobs(&mut app);
    let (_, via, after) = list_command(&press(&mut app, KeyCode::Char('S')));
    assert_eq!(via.map(|v| v.family), Some(Family::Runway));
    assert_eq!(after, None, "another service starts from its first page");
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
}
