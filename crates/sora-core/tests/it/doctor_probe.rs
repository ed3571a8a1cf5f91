//! The doctor's deployment check against services on 127.0.0.1 that check less than the docs
//! say: the probe never makes a paid job where a service parses types but not ranges, and should
//! a service make one anyway, the report says truthfully whether it is gone.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde_json::{Value, json};
use sora_core::config::{Config, Overrides};
use sora_core::doctor::{Mark, Options, Report};

use crate::common::http_server::{Reply, Seen, Server};

const KEY: &str = "sk-doctor-probe-test-key";

async fn doctor(server: &Server) -> Report {
    let base = server.url("v1");
    let env = move |k: &str| match k {
        "SORA_TUI_PROVIDER" => Some("openai".to_string()),
        "OPENAI_BASE_URL" => Some(base.clone()),
        "OPENAI_API_KEY" => Some(KEY.to_string()),
        _ => None,
    };
    let config = Config::load(None, &env, &Overrides::default()).expect("config");
    let http = sora_core::http::client().expect("http");
    sora_core::setup::run_doctor(&config, &http, Options::default()).await
}

fn deployment_check(report: &Report) -> &sora_core::doctor::Check {
    report
        .checks
        .iter()
        .find(|c| c.name == "deployment")
        .unwrap_or_else(|| panic!("no deployment check in {}", report.to_text()))
}

fn video(id: &str) -> Reply {
    Reply::json(
        200,
        &json!({"id": id, "object": "video", "model": "sora-2", "status": "queued",
                "progress": 0, "created_at": 1_760_000_000, "seconds": "4", "size": "720x1280"})
        .to_string(),
    )
}

/// The answers every check before the deployment's needs: the base answers, the list is empty.
fn common(seen: &Seen) -> Option<Reply> {
    match seen.method.as_str() {
        "GET" if seen.target.starts_with("/v1/videos?") => Some(Reply::json(
            200,
            r#"{"object":"list","data":[],"first_id":null,"last_id":null,"has_more":false}"#,
        )),
        "GET" if seen.target == "/v1" || seen.target == "/v1/" => Some(Reply::json(200, "{}")),
        _ => None,
    }
}

/// A service that parses each field's documented type (as every service must before it can make
/// a job) but checks neither the ranges nor the enums: it makes a video of whatever it can read.
#[tokio::test]
async fn the_probe_makes_no_job_on_a_service_that_checks_types_but_not_ranges() {
    let created = Arc::new(AtomicUsize::new(0));
    let made = Arc::clone(&created);
    let server = Server::start(move |seen| {
        if let Some(reply) = common(seen) {
            return reply;
        }
        if seen.method == "POST" && seen.target == "/v1/videos" {
            let body: Value = serde_json::from_slice(&seen.body).unwrap_or_default();
            let typed = ["model", "prompt", "seconds", "size"]
                .iter()
                .all(|f| body.get(f).is_none_or(Value::is_string));
            if !typed {
                return Reply::json(
                    400,
                    r#"{"error":{"message":"Invalid type for 'seconds': expected one of '4', '8', or '12', but got an integer instead.","type":"invalid_request_error","param":"seconds","code":"invalid_type"}}"#,
                );
            }
            made.fetch_add(1, Ordering::SeqCst);
            return video("video_lax_1");
        }
        if seen.method == "DELETE" {
            return Reply::json(
                200,
                r#"{"id":"video_lax_1","object":"video.deleted","deleted":true}"#,
            );
        }
        Reply::json(404, r#"{"error":{"message":"not found","type":"invalid_request_error","param":null,"code":null}}"#)
    })
    .await;
    let report = doctor(&server).await;
    assert_eq!(
        created.load(Ordering::SeqCst),
        0,
        "the doctor made a video:\n{}",
        report.to_text()
    );
    let check = deployment_check(&report);
    assert_eq!(check.mark, Mark::Pass, "{}", report.to_text());
}

/// A service that accepts even the impossible request, and whose delete fails: the report says
/// the job exists, names it, and says how to delete it — never "deleted at once".
#[tokio::test]
async fn a_probe_job_that_could_not_be_deleted_is_reported_with_its_id_and_the_fix() {
    let server = Server::start(|seen| {
        if let Some(reply) = common(seen) {
            return reply;
        }
        match seen.method.as_str() {
            "POST" => video("video_kept_7"),
            "DELETE" => Reply::json(
                404,
                r#"{"error":{"message":"Video not found","type":"invalid_request_error","param":null,"code":null}}"#,
            ),
            _ => video("video_kept_7"),
        }
    })
    .await;
    let report = doctor(&server).await;
    let check = deployment_check(&report);
    let text = report.to_text();
    assert_eq!(check.mark, Mark::Fail, "{text}");
    assert!(!text.contains("deleted at once"), "{text}");
    assert!(
        check.detail.contains("video_kept_7") && check.detail.contains("not deleted"),
        "{text}"
    );
    let fix = check.fix.as_deref().unwrap_or_default();
    assert!(fix.contains("sora-tui delete video_kept_7"), "{text}");
    assert!(!text.contains(KEY), "{text}");
}

/// Accepted, then deleted: the delete is confirmed by looking the job up again.
#[tokio::test]
async fn a_probe_job_that_was_deleted_is_reported_as_confirmed_gone() {
    let deleted = Arc::new(AtomicBool::new(false));
    let gone = Arc::clone(&deleted);
    let server = Server::start(move |seen| {
        if let Some(reply) = common(seen) {
            return reply;
        }
        match seen.method.as_str() {
            "POST" => video("video_gone_3"),
            "DELETE" => {
                gone.store(true, Ordering::SeqCst);
                Reply::json(
                    200,
                    r#"{"id":"video_gone_3","object":"video.deleted","deleted":true}"#,
                )
            }
            _ if gone.load(Ordering::SeqCst) => Reply::json(
                404,
                r#"{"error":{"message":"Video not found","type":"invalid_request_error","param":null,"code":null}}"#,
            ),
            _ => video("video_gone_3"),
        }
    })
    .await;
    let report = doctor(&server).await;
    let check = deployment_check(&report);
    let text = report.to_text();
    assert_eq!(check.mark, Mark::Warn, "{text}");
    assert!(
        check.detail.contains("video_gone_3") && check.detail.contains("confirmed gone"),
        "{text}"
    );
    let gets_after_delete = server
        .seen()
        .iter()
        .skip_while(|s| s.method != "DELETE")
        .filter(|s| s.method == "GET" && s.target.starts_with("/v1/videos/video_gone_3"))
        .count();
    assert_eq!(gets_after_delete, 1, "the delete was checked");
}

/// Against the simulator (as strict as the services), the probe of each family finds the
/// deployment, tells a retired one apart, and leaves no job behind.
#[tokio::test]
async fn the_probe_of_each_family_answers_from_the_simulator_and_makes_nothing() {
    use sora_core::providers::auth::Auth;
    use sora_core::providers::azure_sora::AzureSoraClient;
    use sora_core::providers::videos_v1::VideosV1Client;
    use sora_core::providers::{DeploymentProbe, ModelProfile, Pricing, Provider};
    use sora_core::secret::Secret;

    let cfg = sora_sim::SimConfig {
        retired_models: vec!["sora-old".into()],
        ..sora_sim::SimConfig::default()
    };
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let base = url::Url::parse(&sim.base_url()).expect("url");
    let azure = |deployment: &str| {
        Provider::AzureSora(AzureSoraClient::new(
            sora_core::http::client().expect("http"),
            base.clone(),
            deployment,
            "preview",
            Auth::ApiKey(Secret::new(&cfg.azure_api_key)),
            ModelProfile::azure_sora(&Pricing::default()),
        ))
    };
    let openai = |model: &str| {
        Provider::VideosV1(VideosV1Client::openai(
            sora_core::http::client().expect("http"),
            url::Url::parse(&format!("{}/v1", sim.base_url())).expect("url"),
            model,
            Auth::Bearer(Secret::new(&cfg.openai_api_key)),
            ModelProfile::sora_2(&Pricing::default()),
        ))
    };
    for provider in [azure("sora"), openai("sora-2")] {
        let probe = provider.probe_deployment().await.expect("probe");
        assert_eq!(probe, DeploymentProbe::Exists, "{}", provider.describe());
        assert!(
            provider.list(50, None).await.expect("list").jobs.is_empty(),
            "no job made by {}",
            provider.describe()
        );
    }
    for provider in [azure("sora-old"), openai("no-such-model")] {
        let e = provider
            .probe_deployment()
            .await
            .expect_err("a missing deployment is an error");
        assert!(e.to_string().contains("does not exist"), "{e}");
    }
}
