//! The dashboard with several video services: switching service and model, a Runway model's
//! parameters and estimate in the prompt panel, what is sent (and refused), the timeline's
//! words for each service, the Runway balance in the header, and the first screen with none.

use crate::ui_support as support;

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyModifiers};
use sora_core::engine::{Command, EngineEvent, JobKey, Via};
use sora_core::providers::catalogue::{Catalogue, Service};
use sora_core::providers::{Family, JobStatus, ModelChoice, ModelProfile, Pricing};
use sora_tui::app::{App, Effect, ServiceChoice, ServiceModels};
use support::*;

const RUNWAY: &str = "Runway · api.dev.runwayml.com";

pub(crate) fn runway_choice() -> ServiceChoice {
    let catalogue = Arc::new(Catalogue::builtin().expect("catalogue"));
    let model = ModelChoice::new(catalogue, Service::Runway, "gen4.5").expect("gen4.5");
    ServiceChoice {
        family: Family::Runway,
        description: RUNWAY.to_string(),
        models: ServiceModels::Catalogue(model),
        retirement: None,
    }
}

fn sora_choice() -> ServiceChoice {
    ServiceChoice {
        family: Family::AzureSora,
        description: "Azure OpenAI sora @ eastus2".to_string(),
        models: ServiceModels::Sora(ModelProfile::azure_sora(&Pricing::default())),
        retirement: Family::AzureSora.retirement().map(|r| r.notice()),
    }
}

/// The demo's situation: a Sora default, and Runway beside it.
pub(crate) fn two_services() -> App {
    let mut settings = settings();
    settings.services = vec![sora_choice(), runway_choice()];
    let mut app = App::new(settings);
    clock(&mut app, 0.0);
    app
}

pub(crate) fn alt(app: &mut App, c: char) -> Vec<Effect> {
    press_with(app, KeyCode::Char(c), KeyModifiers::ALT)
}

pub(crate) fn on_runway() -> App {
    let mut app = two_services();
    alt(&mut app, 'p');
    app
}

/// The prompt panel's rows (the input, the parameters, the note under them).
fn prompt_panel(app: &App) -> String {
    render(app, 140, 30)
        .lines()
        .skip(1)
        .take(5)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn switching_to_runway_shows_exactly_its_models_parameters_and_estimate() {
    let mut app = two_services();
    let sora = prompt_panel(&app);
    assert_shows(&sora, "size 480x480");
    assert_shows(&sora, "retiring no earlier than 2026-02-15");

    alt(&mut app, 'p');
    let screen = render(&app, 140, 30);
    assert_shows(&screen, "Runway · api.dev.runwayml.com · gen4.5 (2/2");
    let panel = prompt_panel(&app);
    assert_shows(&panel, "[ratio 1280:720]");
    assert_shows(&panel, "duration 5");
    assert_shows(&panel, "seed —");
    assert_shows(&panel, "≈ 60 credits ($0.60)");
    assert_hides(&panel, "size 480x480");
    assert_hides(&panel, "variant");
    assert_hides(&panel, "retir");

    // Back to Sora: its own parameters again.
    alt(&mut app, 'p');
    assert_shows(&prompt_panel(&app), "size 480x480");
}

#[test]
fn switching_service_says_which_values_it_reset() {
    // Sora 1 at 4 variants of 6 s, then Sora 2 (one variant, 4/8/12 s, 720p only).
    let mut settings = settings();
    let sora_2 = ServiceChoice {
        family: Family::OpenAi,
        description: "OpenAI".to_string(),
        models: ServiceModels::Sora(ModelProfile::sora_2(&Pricing::default())),
        retirement: None,
    };
    settings.services = vec![sora_choice(), sora_2, runway_choice()];
    let mut app = App::new(settings);
    clock(&mut app, 0.0);
    for _ in 0..3 {
        alt(&mut app, 'v');
    }
    alt(&mut app, 'd');
    alt(&mut app, 'p');
    let said = notice_text(&app);
    assert!(said.contains("Next prompt goes to OpenAI"), "{said}");
    assert!(said.contains("size 480x480 → 720x1280"), "{said}");
    assert!(said.contains("length 6 s → 4 s"), "{said}");
    assert!(said.contains("variants 4 → 1"), "{said}");

    // On to Runway with nothing changed there, and back to Sora 1 with a ratio set.
    alt(&mut app, 'p');
    assert!(
        !notice_text(&app).contains("reset"),
        "{}",
        notice_text(&app)
    );
    alt(&mut app, '.');
    alt(&mut app, 'p');
    let said = notice_text(&app);
    assert!(said.contains("parameters ratio dropped"), "{said}");
}

#[test]
fn stepping_a_runway_parameter_changes_its_value_and_the_estimate() {
    let mut app = on_runway();
    press(&mut app, KeyCode::Down); // ratio → duration
    alt(&mut app, '.');
    let panel = prompt_panel(&app);
    assert_shows(&panel, "[duration 6]");
    assert_shows(&panel, "≈ 72 credits ($0.72)");

    press(&mut app, KeyCode::Up); // back to ratio
    alt(&mut app, '.');
    assert_shows(&prompt_panel(&app), "[ratio 720:1280]");
    alt(&mut app, '.');
    assert_shows(&prompt_panel(&app), "[ratio 1280:720]");
}

#[test]
fn submit_sends_the_service_the_model_and_the_changed_parameters() {
    let mut app = on_runway();
    alt(&mut app, '.'); // ratio 720:1280
    press(&mut app, KeyCode::Down);
    alt(&mut app, ','); // duration 4
    type_text(&mut app, "a red fox");
    let sent = press(&mut app, KeyCode::Enter);
    let [
        Effect::Engine(Command::Generate {
            key, request, via, ..
        }),
    ] = sent.as_slice()
    else {
        panic!("one Generate expected, got {sent:?}");
    };
    assert_eq!(*key, JobKey(1));
    assert_eq!(
        via,
        &Some(Via {
            family: Family::Runway,
            model: Some("gen4.5".to_string()),
        })
    );
    assert_eq!(
        request.params,
        vec![
            ("ratio".to_string(), "720:1280".to_string()),
            ("duration".to_string(), "4".to_string()),
        ]
    );
    assert_eq!(request.variants, 1);
    let notice = app.notice().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.contains("Runway gen4.5"), "{notice}");
}

#[test]
fn a_value_the_next_model_does_not_take_is_refused_with_the_valid_ones_and_nothing_is_sent() {
    let mut app = on_runway();
    press(&mut app, KeyCode::Down);
    for _ in 0..5 {
        alt(&mut app, '.'); // duration 6, 7, 8, 9, 10
    }
    assert_shows(&prompt_panel(&app), "[duration 10]");
    // gen4.5 → veo3.1 (gen4_turbo needs an image, which the prompt does not send).
    alt(&mut app, 'm');
    let panel = prompt_panel(&app);
    assert_shows(&panel, "veo3.1 ");
    assert_shows(&panel, "audio true");
    assert_shows(&panel, "duration 10 is not taken; valid: 4, 6, 8");

    type_text(&mut app, "a red fox");
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "nothing sent");
    assert!(app.notice_is_error());
    let notice = app.notice().map(|n| n.text.clone()).unwrap_or_default();
    assert!(
        notice.contains("Not sent") && notice.contains("4, 6, 8"),
        "{notice}"
    );
    assert!(app.jobs().rows.is_empty(), "no job in the timeline");
    assert_eq!(app.prompt().text(), "a red fox", "the prompt is kept");
}

#[test]
fn the_timeline_shows_each_services_words_progress_and_notes() {
    let mut app = on_runway();
    type_text(&mut app, "a red fox");
    press(&mut app, KeyCode::Enter);
    let key = JobKey(1);
    feed(
        &mut app,
        EngineEvent::JobSubmitting {
            key,
            prompt: "a red fox".into(),
            at: at(0.0),
        },
    );
    feed(
        &mut app,
        EngineEvent::JobService {
            key,
            service: format!("{RUNWAY} · gen4.5"),
            estimate: Some("60 credits ($0.60)".into()),
        },
    );
    feed(
        &mut app,
        EngineEvent::JobCreated {
            key,
            job_id: "task_01".into(),
            at: at(0.2),
        },
    );
    feed(&mut app, status(1, JobStatus::Queued, "THROTTLED", 5.0));
    let throttled = render(&app, 140, 30);
    assert_shows(&throttled, "Runway gen4.5");
    assert_shows(
        &throttled,
        "THROTTLED (queued behind the account's concurrent tasks)",
    );
    feed(
        &mut app,
        EngineEvent::JobStatusChanged {
            key,
            status: JobStatus::Running,
            status_text: "RUNNING".into(),
            progress: Some(42),
            at: at(10.0),
            expires_at: None,
            notes: vec!["estimated 60 credits ($0.60)".into()],
        },
    );
    clock(&mut app, 11.0);
    let running = render(&app, 140, 30);
    assert_shows(&running, "42%");
    assert_shows(&running, "on Runway · api.dev.runwayml.com · gen4.5");
    assert_shows(&running, "estimated 60 credits ($0.60)");
    assert_hides(&running, "(queued behind");
}

#[test]
fn the_header_shows_the_runway_balance_asked_for_at_start() {
    let mut app = two_services();
    let start = app.init();
    assert!(
        start.contains(&Effect::Engine(Command::CheckAccount {
            family: Family::Runway
        })),
        "{start:?}"
    );
    feed(
        &mut app,
        EngineEvent::Account {
            family: Family::Runway,
            text: "5000 credits".into(),
        },
    );
    let header = render(&app, 140, 30)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert_shows(&header, "Runway: 5000 credits");
}

#[test]
fn with_no_service_the_first_screen_points_to_the_demo_and_the_live_services() {
    let mut settings = settings();
    settings.demo = false;
    settings.no_service = Some(sora_core::engine::NO_PROVIDER.to_string());
    let mut app = App::new(settings);
    clock(&mut app, 0.0);
    let screen = render(&app, 160, 30);
    assert_shows(&screen, "No video service is configured");
    assert_shows(&screen, "sora-tui --demo");
    assert_shows(&screen, "RUNWAYML_API_SECRET");
    assert_shows(&screen, "FAL_KEY");
    assert_shows(&screen, "The Sora APIs are retired (openai 2026-09-24");

    type_text(&mut app, "a red fox");
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "nothing sent");
    assert!(app.notice_is_error());
}

#[test]
fn a_rerun_from_the_history_goes_to_the_service_model_and_parameters_it_used() {
    use sora_core::journal::{JobRecord, JobState, RequestRecord};
    let mut app = two_services();
    assert_shows(&prompt_panel(&app), "size 480x480");
    press(&mut app, KeyCode::F(5));
    let record = JobRecord {
        id: "j1".into(),
        started_at: 1_764_100_000_000,
        updated_at: 1_764_100_060_000,
        family: "runway".into(),
        provider: format!("{RUNWAY} · veo3.1"),
        request: RequestRecord {
            prompt: "an old fox".into(),
            size: String::new(),
            seconds: 0,
            variants: 1,
            image: None,
            model: Some("veo3.1".into()),
            params: vec![
                ("ratio".into(), "720:1280".into()),
                ("duration".into(), "8".into()),
                ("audio".into(), "false".into()),
            ],
        },
        upload: false,
        cost_estimate: Some(1.6),
        remix_of: None,
        download_dir: None,
        renditions: vec![],
        job_id: Some("task_1".into()),
        status: Some("SUCCEEDED".into()),
        state: JobState::Succeeded,
        expires_at: None,
        outputs: vec![],
        output_urls: vec![],
        failure: None,
        downloads: vec![],
        uploads: vec![],
    };
    feed(&mut app, EngineEvent::History(Ok(vec![record])));
    press(&mut app, KeyCode::Enter);
    let panel = prompt_panel(&app);
    assert_shows(&panel, "veo3.1 ");
    assert_shows(&panel, "ratio 720:1280");
    assert_shows(&panel, "audio false");
    assert_shows(&panel, "≈ 160 credits ($1.60)");
    let sent = press(&mut app, KeyCode::Enter);
    let [Effect::Engine(Command::Generate { request, via, .. })] = sent.as_slice() else {
        panic!("one Generate expected, got {sent:?}");
    };
    assert_eq!(
        via.as_ref().map(|v| (v.family, v.model.clone())),
        Some((Family::Runway, Some("veo3.1".to_string())))
    );
    assert_eq!(
        request.params,
        vec![
            ("ratio".to_string(), "720:1280".to_string()),
            ("audio".to_string(), "false".to_string()),
        ]
    );
}

#[test]
fn the_hint_bar_offers_the_keys_of_the_active_services_parameters() {
    let mut app = two_services();
    let hints = |app: &App| {
        render(app, 240, 30)
            .lines()
            .last()
            .unwrap_or_default()
            .to_string()
    };
    let sora = hints(&app);
    assert_shows(&sora, "Alt-s/F2 next size");
    assert_shows(&sora, "Alt-p/F7 next video service");
    assert_hides(&sora, "parameter");
    alt(&mut app, 'p');
    let runway = hints(&app);
    assert_shows(&runway, "Alt-./F9 parameter: next value");
    assert_shows(&runway, "Alt-m/F8 next model");
    assert_hides(&runway, "next size");
}
