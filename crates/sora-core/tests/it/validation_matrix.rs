//! Every parameter combination from the documented tables, checked against each family: the
//! valid ones pass, every invalid one is refused locally, and the simulator sees no request.
//!
//! The tables are written out here again, from the documentation, rather than taken from the
//! code under test.

use std::time::Duration;

use sora_core::engine::{Command, Engine, EngineEvent, EngineSettings, JobKey, Services};
use sora_core::providers::auth::Auth;
use sora_core::providers::azure_sora::AzureSoraClient;
use sora_core::providers::videos_v1::VideosV1Client;
use sora_core::providers::{GenerationRequest, ModelProfile, Pricing, Provider, Size};
use sora_core::secret::Secret;
use sora_sim::SimConfig;
use tokio::sync::mpsc;

const AZURE_SORA_SIZES: [(u32, u32); 9] = [
    (480, 480),
    (480, 854),
    (854, 480),
    (720, 720),
    (720, 1280),
    (1280, 720),
    (1080, 1080),
    (1080, 1920),
    (1920, 1080),
];

/// Azure Sora: 1–20 s; variants 1 at 1080p, up to 2 at 720p, up to 4 otherwise.
fn azure_sora_allows(size: (u32, u32), seconds: u32, variants: u32) -> bool {
    let max = match size.0.min(size.1) {
        1080 => 1,
        720 => 2,
        _ => 4,
    };
    AZURE_SORA_SIZES.contains(&size) && (1..=20).contains(&seconds) && (1..=max).contains(&variants)
}

/// Sora 2: 720x1280 or 1280x720; Pro adds 1024x1792 and 1792x1024; "4", "8" or "12" s; one video.
fn sora_2_allows(pro: bool, size: (u32, u32), seconds: u32, variants: u32) -> bool {
    let sizes: &[(u32, u32)] = if pro {
        &[(720, 1280), (1280, 720), (1024, 1792), (1792, 1024)]
    } else {
        &[(720, 1280), (1280, 720)]
    };
    sizes.contains(&size) && [4, 8, 12].contains(&seconds) && variants == 1
}

fn candidates() -> Vec<GenerationRequest> {
    let mut sizes: Vec<(u32, u32)> = AZURE_SORA_SIZES.to_vec();
    sizes.extend([(1024, 1792), (1792, 1024), (640, 480), (1920, 1920)]);
    let mut out = Vec::new();
    for &(w, h) in &sizes {
        for seconds in [0, 1, 4, 5, 8, 12, 16, 20, 21] {
            for variants in 0..=5 {
                out.push(GenerationRequest {
                    prompt: "a red fox".into(),
                    size: Size::new(w, h),
                    seconds,
                    variants,
                    image: None,
                    params: Vec::new(),
                });
            }
        }
    }
    out
}

async fn check_family(
    provider: Provider,
    sim: &sora_sim::SimHandle,
    allows: impl Fn(&GenerationRequest) -> bool,
) {
    let mut invalid = Vec::new();
    for req in candidates() {
        let expected = allows(&req);
        let got = provider.validate(&req);
        assert_eq!(
            got.is_ok(),
            expected,
            "{} {}s x{}: {got:?}",
            req.size,
            req.seconds,
            req.variants
        );
        if let Err(e) = got {
            assert!(
                e.to_string().contains("valid"),
                "the refusal lists the valid values: {e}"
            );
            invalid.push(req);
        }
    }
    assert!(
        invalid.len() > 100,
        "the matrix has many invalid combinations ({})",
        invalid.len()
    );

    // Through the engine, as the dashboard and `generate` submit: refused, nothing sent.
    sim.clear_requests();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let dir = tempfile::tempdir().expect("tmp");
    let engine = Engine::new(
        Services {
            provider: Some(provider),
            storage: None,
            others: Vec::new(),
        },
        EngineSettings {
            download_dir: dir.path().to_path_buf(),
            poll_interval: Duration::from_millis(50),
            retry_schedule: Default::default(),
            output_bucket: "output-videos".into(),
            input_bucket: "input-images".into(),
            thumbnails: false,
        },
        tx,
    );
    let n = invalid.len();
    for (i, request) in invalid.into_iter().enumerate() {
        engine.dispatch(Command::Generate {
            key: JobKey(i as u64),
            request,
            upload: false,
            via: None,
        });
    }
    let mut refused = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while refused < n {
        let event = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("events in time")
            .expect("channel open");
        match event {
            EngineEvent::JobFailed { message, .. } => {
                assert!(message.starts_with("not sent:"), "{message}");
                refused += 1;
            }
            EngineEvent::JobSubmitting { .. }
            | EngineEvent::JobResumed { .. }
            | EngineEvent::JobCreated { .. } => {
                panic!("an invalid request went out: {event:?}")
            }
            _ => {}
        }
    }
    assert_eq!(sim.requests().len(), 0, "the simulator saw no request");
}

#[tokio::test]
async fn every_invalid_combination_is_refused_locally_for_every_family() {
    let cfg = SimConfig::default();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let http = sora_core::http::client().expect("http");
    let base = url::Url::parse(&sim.base_url()).expect("url");
    let pricing = Pricing::default();

    let azure = Provider::AzureSora(AzureSoraClient::new(
        http.clone(),
        base.clone(),
        "sora",
        "preview",
        Auth::ApiKey(Secret::new(&cfg.azure_api_key)),
        ModelProfile::azure_sora(&pricing),
    ));
    check_family(azure, &sim, |r| {
        azure_sora_allows((r.size.width, r.size.height), r.seconds, r.variants)
    })
    .await;

    let azure2 = Provider::VideosV1(
        VideosV1Client::azure(
            http.clone(),
            &base,
            "sora-2",
            Auth::ApiKey(Secret::new(&cfg.azure_api_key)),
            ModelProfile::sora_2(&pricing),
        )
        .expect("client"),
    );
    check_family(azure2, &sim, |r| {
        sora_2_allows(false, (r.size.width, r.size.height), r.seconds, r.variants)
    })
    .await;

    for (model, pro) in [("sora-2", false), ("sora-2-pro", true)] {
        let provider = Provider::VideosV1(VideosV1Client::openai(
            http.clone(),
            base.join("v1").expect("url"),
            model,
            Auth::Bearer(Secret::new(&cfg.openai_api_key)),
            ModelProfile::for_v1_model(model, &pricing).expect("known model"),
        ));
        check_family(provider, &sim, |r| {
            sora_2_allows(pro, (r.size.width, r.size.height), r.seconds, r.variants)
        })
        .await;
    }
}
