//! Transfers in flight in the downloads panel: every download and upload still running, with
//! bytes, rate, time since the last byte and what it is doing, and `c` cancelling the selected
//! one whatever its state (a stalled one, one waiting for its retry).

use crate::ui_support as support;

use std::path::PathBuf;
use std::time::Duration;

use crossterm::event::KeyCode;
use sora_core::download::{AttemptOutcome, Report};
use sora_core::engine::{Command, EngineEvent, JobKey};
use sora_tui::app::{App, Effect, Focus};
use support::*;

const W: u16 = 140;
const H: u16 = 42;
const KIB: u64 = 1024;
const MIB: u64 = 1024 * 1024;

fn focus_downloads(app: &mut App) {
    while app.focus() != Focus::Downloads {
        press(app, KeyCode::Tab);
    }
}

fn report(key: sora_core::engine::DownloadKey, report: Report) -> EngineEvent {
    EngineEvent::Download { key, report }
}

#[test]
fn a_stalled_download_shows_its_bytes_and_how_long_no_data_came_and_c_cancels_it_at_once() {
    let mut app = app();
    feed(
        &mut app,
        report(video(1), Report::Connecting { attempt: 1 }),
    );
    clock(&mut app, 1.0);
    feed(&mut app, progress(video(1), 16 * KIB, Some(MIB)));
    // Twelve seconds without a byte: the gauge says so, not a stale rate.
    clock(&mut app, 13.0);
    let screen = render(&app, W, H);
    assert_shows(&screen, "16.0 KiB / 1.0 MiB");
    assert_shows(&screen, "no data for 12s");

    // A stalled download is what one wants to cancel: no second press needed.
    focus_downloads(&mut app);
    assert_eq!(
        press(&mut app, KeyCode::Char('c')),
        vec![Effect::Engine(Command::CancelDownload { key: video(1) })]
    );
    feed(&mut app, EngineEvent::DownloadCancelled { key: video(1) });
    assert!(notice_text(&app).contains("partial file is kept"));
    assert_hides(&render(&app, W, H), "no data for");
}

#[test]
fn a_download_waiting_for_its_retry_is_listed_with_a_countdown_and_c_cancels_it() {
    let mut app = app();
    feed(
        &mut app,
        report(video(1), Report::Connecting { attempt: 1 }),
    );
    // The first try answered 404 before any byte: nothing is on disk, but the download goes on.
    feed(
        &mut app,
        attempt(
            1,
            Some(404),
            AttemptOutcome::WillRetry,
            0,
            0.0,
            Some(Duration::from_secs(10)),
            "not ready yet",
        ),
    );
    clock(&mut app, 3.0);
    let screen = render(&app, W, H);
    assert_shows(&screen, "waiting to retry in 8s");

    focus_downloads(&mut app);
    let effects = press(&mut app, KeyCode::Char('c'));
    assert_eq!(
        effects,
        vec![Effect::Engine(Command::CancelDownload { key: video(1) })],
        "{}",
        notice_text(&app)
    );
}

#[test]
fn the_next_attempt_shows_connecting_then_the_check_shows_verifying() {
    let mut app = app();
    feed(&mut app, progress(video(1), 16 * KIB, Some(64 * KIB)));
    feed(
        &mut app,
        attempt(
            1,
            Some(200),
            AttemptOutcome::WillRetry,
            16 * KIB,
            0.0,
            Some(Duration::from_secs(1)),
            "stalled",
        ),
    );
    clock(&mut app, 2.0);
    feed(
        &mut app,
        report(video(1), Report::Connecting { attempt: 2 }),
    );
    let screen = render(&app, W, H);
    assert_shows(&screen, "connecting (try 2) · 16.0 KiB / 64.0 KiB");
    // The log line no longer pretends to be "retrying…" once the new try is out.
    assert_hides(&screen, "retrying…");

    feed(
        &mut app,
        report(video(1), Report::Verifying { bytes: 64 * KIB }),
    );
    assert_shows(&render(&app, W, H), "verifying 64.0 KiB");
}

#[test]
fn an_upload_in_flight_is_listed_with_its_bytes_and_c_asks_then_cancels_it() {
    let mut app = app();
    let path = PathBuf::from("/tmp/videos/gen_01.mp4");
    feed(
        &mut app,
        EngineEvent::UploadStarted {
            job: JobKey(1),
            path: path.clone(),
            bucket: "videos".into(),
            object_path: "task_1/gen_01.mp4".into(),
        },
    );
    feed(
        &mut app,
        EngineEvent::UploadProgress {
            job: JobKey(1),
            object_path: "task_1/gen_01.mp4".into(),
            bytes: MIB,
            total: 4 * MIB,
        },
    );
    let screen = render(&app, W, H);
    assert_shows(&screen, "⇡ #1 gen_01.mp4");
    assert_shows(&screen, "1.0 MiB / 4.0 MiB 25%");

    focus_downloads(&mut app);
    // Still sending: the first press asks.
    assert!(press(&mut app, KeyCode::Char('c')).is_empty());
    assert!(
        notice_text(&app).contains("Press c again"),
        "{}",
        notice_text(&app)
    );
    assert_eq!(
        press(&mut app, KeyCode::Char('c')),
        vec![Effect::Engine(Command::CancelUpload {
            job: JobKey(1),
            path: path.clone(),
        })]
    );
    feed(
        &mut app,
        EngineEvent::UploadFailed {
            job: JobKey(1),
            path,
            message: "upload cancelled".into(),
        },
    );
    // Its gauge goes (the log line keeps what was sent).
    assert_hides(&render(&app, W, H), "⇡ #1 gen_01.mp4");
}

#[test]
fn shift_k_and_shift_j_choose_which_transfer_c_cancels() {
    let mut app = app();
    feed(
        &mut app,
        report(video(1), Report::Connecting { attempt: 1 }),
    );
    feed(
        &mut app,
        report(video(2), Report::Connecting { attempt: 1 }),
    );
    focus_downloads(&mut app);
    // The newest is chosen until another is selected.
    press(&mut app, KeyCode::Char('K'));
    assert_eq!(
        press(&mut app, KeyCode::Char('c')),
        vec![Effect::Engine(Command::CancelDownload { key: video(1) })]
    );
    press(&mut app, KeyCode::Char('J'));
    assert_eq!(
        press(&mut app, KeyCode::Char('c')),
        vec![Effect::Engine(Command::CancelDownload { key: video(2) })]
    );
    let help = app.keymap().keys_label(
        sora_tui::app::keymap::Scope::Downloads,
        sora_tui::app::keymap::Action::PrevTransfer,
    );
    assert_eq!(help, "K");
}

/// End to end against the simulator: a download that stalls after 16 KiB shows its bytes and
/// "no data for" in the downloads panel, and `c` cancels it at once through the engine.
#[tokio::test]
async fn a_download_stalled_by_the_simulator_shows_no_data_and_c_cancels_it_end_to_end() {
    use sora_core::download::{DownloadOptions, RetrySchedule};
    use sora_core::engine::{DownloadLimits, Engine, EngineExtras, EngineSettings, Services};
    use sora_core::providers::auth::Auth;
    use sora_core::providers::azure_sora::AzureSoraClient;
    use sora_core::providers::{GenerationRequest, ModelProfile, Pricing, Provider, Size};
    use sora_tui::app::{Msg, Phase};
    use std::time::SystemTime;

    let cfg = sora_sim::SimConfig {
        status_step: Duration::from_millis(50),
        content_delay: Duration::ZERO,
        ..sora_sim::SimConfig::default()
    };
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    sim.inject(sora_sim::FaultRule::new(
        sora_sim::FaultRoute::Content,
        sora_sim::Fault::Stall {
            after_bytes: 16 * KIB,
            for_: Duration::from_secs(60),
        },
    ));
    let provider = Provider::AzureSora(AzureSoraClient::new(
        sora_core::http::client().expect("http"),
        url::Url::parse(&sim.base_url()).expect("url"),
        "sora",
        "preview",
        Auth::ApiKey(sora_core::secret::Secret::new(&cfg.azure_api_key)),
        ModelProfile::azure_sora(&Pricing::default()),
    ));
    let dir = tempfile::tempdir().expect("tmp");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let engine = Engine::with_extras(
        Services {
            provider: Some(provider),
            storage: None,
            others: Vec::new(),
        },
        EngineSettings {
            download_dir: dir.path().to_path_buf(),
            poll_interval: Duration::from_millis(80),
            retry_schedule: RetrySchedule(vec![Duration::from_millis(100); 3]),
            output_bucket: "videos".into(),
            input_bucket: "input-images".into(),
            thumbnails: false,
        },
        tx,
        EngineExtras {
            limits: DownloadLimits {
                max_concurrent: 3,
                options: DownloadOptions {
                    progress_every: Duration::ZERO,
                    ..DownloadOptions::default()
                },
            },
            ..EngineExtras::default()
        },
    );
    let mut app = App::new(settings());
    app.update(Msg::Clock(SystemTime::now()));
    engine.dispatch(Command::Generate {
        key: JobKey(1),
        request: GenerationRequest {
            prompt: "a fox that stalls".into(),
            size: Size::new(480, 480),
            seconds: 5,
            variants: 1,
            image: None,
            params: Vec::new(),
        },
        upload: false,
        via: None,
    });

    // Bounded: the bytes before the stall, then 3 s of silence on the app's clock.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let event = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("16 KiB within 30 s")
            .expect("engine open");
        app.update(Msg::Clock(SystemTime::now()));
        app.update(Msg::Engine(event));
        let receiving = app
            .downloads()
            .active
            .first()
            .is_some_and(|a| a.phase == Phase::Receiving && a.bytes >= 16 * KIB);
        if receiving {
            break;
        }
    }
    tokio::time::sleep(Duration::from_millis(3_200)).await;
    while let Ok(event) = rx.try_recv() {
        app.update(Msg::Engine(event));
    }
    app.update(Msg::Clock(SystemTime::now()));
    let screen = render(&app, W, H);
    assert_shows(&screen, "16.0 KiB");
    assert_shows(&screen, "no data for 3s");

    focus_downloads(&mut app);
    let effects = press(&mut app, KeyCode::Char('c'));
    let [Effect::Engine(cancel @ Command::CancelDownload { .. })] = effects.as_slice() else {
        panic!(
            "c cancels the stalled download at once: {effects:?} ({})",
            notice_text(&app)
        );
    };
    engine.dispatch(cancel.clone());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !app.downloads().active.is_empty() {
        let event = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("cancelled within 10 s")
            .expect("engine open");
        app.update(Msg::Engine(event));
    }
    assert!(
        notice_text(&app).contains("partial file is kept"),
        "{}",
        notice_text(&app)
    );
    // Not `shutdown`: it would wait out the stalled connection.
    engine.shutdown();
    drop(sim);
}
