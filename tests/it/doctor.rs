//! `sora-tui doctor` against `sora-tui sim`: configured right, every check passes; configured
//! wrong in each way the issue names, the failing check says what and how to fix it, and the
//! exit status is non-zero. Secrets are never printed.

use crate::common;

use std::process::Output;

use common::{Sandbox, SimProcess};

fn doctor(
    sandbox: &Sandbox,
    sim: &SimProcess,
    env: &[(&str, &str)],
    args: &[&str],
) -> (bool, String) {
    let config = sandbox.fast_config();
    let mut cmd = sandbox.command();
    cmd.arg("--config").arg(&config).arg("doctor").args(args);
    for (k, v) in &sim.env {
        cmd.env(k, v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let output: Output = cmd.output().expect("run doctor");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    for (_, secret) in sim.env.iter().filter(|(k, _)| k.ends_with("_KEY")) {
        assert!(
            !text.contains(secret.as_str()),
            "a key was printed:\n{text}"
        );
    }
    (output.status.success(), text)
}

fn http(sim: &SimProcess, method: &str, path: &str, body: Option<serde_json::Value>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    runtime.block_on(async {
        let client = sora_core::http::client().expect("http");
        let url = format!("{}{path}", sim.var("SUPABASE_URL"));
        let mut req = client.request(method.parse().expect("method"), url).header(
            "authorization",
            format!("Bearer {}", sim.var("SUPABASE_SERVICE_ROLE_KEY")),
        );
        if let Some(b) = body {
            req = req.json(&b);
        }
        let status = req.send().await.expect("send").status();
        assert!(status.is_success(), "{method} {path}: {status}");
    });
}

/// The line of a check, by its name.
fn check<'a>(text: &'a str, name: &str) -> &'a str {
    text.lines()
        .find(|l| {
            // "  ✓ name  detail": skip the mark.
            let mut chars = l.trim_start().chars();
            chars.next();
            chars.as_str().trim_start().starts_with(name)
        })
        .unwrap_or_else(|| panic!("no `{name}` check in:\n{text}"))
}

#[test]
fn configured_right_every_check_passes_and_the_probe_round_trips() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let (ok, text) = doctor(&sandbox, &sim, &[], &["--probe"]);
    assert!(ok, "{text}");
    // Sora 1 works in the simulator, but its retirement is said: the one warning.
    assert!(text.contains("No failures; 1 warning(s)."), "{text}");
    let lifecycle = check(&text, "service lifecycle");
    assert!(
        lifecycle.contains('!') && lifecycle.contains("2026-02-15"),
        "{text}"
    );
    // The live services the simulator's env lines configure are checked too.
    assert!(
        check(&text, "Runway key").contains("5000 credits"),
        "{text}"
    );
    assert!(check(&text, "fal.ai key").contains('✓'), "{text}");
    assert!(
        check(&text, "auth and listing jobs").contains('✓'),
        "{text}"
    );
    assert!(
        check(&text, "bucket output-videos").contains("exists, public"),
        "{text}"
    );
    assert!(
        check(&text, "upload/delete probe").contains("uploaded and deleted"),
        "{text}"
    );
    assert!(check(&text, "clock").contains('✓'), "{text}");
    // Settings with their sources, keys masked.
    assert!(
        text.contains("azure.api_key") && text.contains("chars"),
        "{text}"
    );
    assert!(
        text.contains("environment variable AZURE_OPENAI_ENDPOINT"),
        "{text}"
    );
}

#[test]
fn a_bad_key_is_named_with_its_source() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let (ok, text) = doctor(
        &sandbox,
        &sim,
        &[("AZURE_OPENAI_API_KEY", "not-the-right-key-1234")],
        &[],
    );
    assert!(!ok);
    let line = check(&text, "auth");
    assert!(line.contains('✗') && line.contains("bad key"), "{text}");
    assert!(
        line.contains("AZURE_OPENAI_API_KEY") && line.contains("ends 1234"),
        "{text}"
    );
    assert!(!text.contains("not-the-right-key-1234"));
    let (ok, text) = doctor(
        &sandbox,
        &sim,
        &[("SUPABASE_SERVICE_ROLE_KEY", "wrong-storage-key-5678")],
        &[],
    );
    assert!(!ok);
    assert!(check(&text, "storage auth").contains("bad key"), "{text}");
}

#[test]
fn an_unknown_deployment_is_told_apart_from_a_wrong_api_family() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let (ok, text) = doctor(
        &sandbox,
        &sim,
        &[
            ("SORA_TUI_PROVIDER", "azure-sora2"),
            ("AZURE_OPENAI_DEPLOYMENT", "no-such-deployment"),
        ],
        &[],
    );
    assert!(!ok);
    let line = check(&text, "deployment");
    assert!(
        line.contains("unknown deployment") && line.contains("no-such-deployment"),
        "{text}"
    );

    // The resource answers the route itself with the gateway's 404: wrong family or endpoint.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    runtime.block_on(async {
        let rule = serde_json::json!({
            "target": {"route": "list", "family": "azure_sora"},
            "fault": {"kind": "status", "code": 404, "body": "{\"error\":{\"code\":\"404\",\"message\":\"Resource not found\"}}"},
            "times": 1
        });
        let base = sim.var("AZURE_OPENAI_ENDPOINT");
        let client = sora_core::http::client().expect("http");
        let status = client.request(reqwest::Method::POST, format!("{base}/__sim/faults")).json(&rule).send().await.expect("inject").status();
        assert!(status.is_success());
    });
    let (ok, text) = doctor(&sandbox, &sim, &[], &[]);
    assert!(!ok);
    let line = check(&text, "API family");
    assert!(line.contains("no azure-sora route"), "{text}");
    assert!(
        text.contains("azure-sora2"),
        "the fix names the other family:\n{text}"
    );
}

#[test]
fn missing_and_private_buckets_are_reported_with_the_fix() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    http(&sim, "DELETE", "/storage/v1/bucket/output-videos", None);
    http(
        &sim,
        "PUT",
        "/storage/v1/bucket/input-images",
        Some(serde_json::json!({"public": false})),
    );
    let (ok, text) = doctor(&sandbox, &sim, &[], &[]);
    assert!(!ok);
    let missing = check(&text, "bucket output-videos");
    assert!(
        missing.contains('✗') && missing.contains("missing"),
        "{text}"
    );
    assert!(text.contains("create it as a public bucket"), "{text}");
    let private = check(&text, "bucket input-images");
    assert!(
        private.contains('!') && private.contains("private"),
        "{text}"
    );
}

#[test]
fn an_unreachable_endpoint_and_a_pasted_content_url_are_explained() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let (ok, text) = doctor(
        &sandbox,
        &sim,
        &[("AZURE_OPENAI_ENDPOINT", "http://127.0.0.1:1")],
        &[],
    );
    assert!(!ok);
    let line = check(&text, "video service reachable");
    assert!(line.contains('✗'), "{text}");
    assert!(
        text.contains("nothing listens there") || text.contains("check the URL"),
        "{text}"
    );
    assert!(
        check(&text, "auth and listing jobs").contains("not reachable"),
        "{text}"
    );

    let pasted = format!(
        "{}/openai/v1/video/generations/gen_01abc/content?api-version=preview",
        sim.var("AZURE_OPENAI_ENDPOINT")
    );
    let (ok, text) = doctor(
        &sandbox,
        &sim,
        &[("AZURE_OPENAI_ENDPOINT", pasted.as_str())],
        &[],
    );
    assert!(ok, "only a warning: the base is derived right:\n{text}");
    let line = check(&text, "endpoint form");
    assert!(
        line.contains('!') && line.contains("/content/video"),
        "{text}"
    );
}

#[test]
fn missing_credentials_fail_the_check_that_needs_them() {
    let sandbox = Sandbox::new();
    let output = sandbox.command().arg("doctor").output().expect("run");
    assert!(!output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("no endpoint is configured") && text.contains("--demo"),
        "{text}"
    );
}

#[tokio::test]
async fn a_clock_hours_off_the_servers_fails_the_clock_check() {
    let cfg = sora_sim::SimConfig::default();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    // The server is two hours ahead: this machine is two hours behind.
    sim.advance_clock(std::time::Duration::from_secs(2 * 3600));
    let base = sim.base_url();
    let env = move |k: &str| match k {
        "AZURE_OPENAI_ENDPOINT" | "SUPABASE_URL" => Some(base.clone()),
        "AZURE_OPENAI_API_KEY" => Some(cfg.azure_api_key.clone()),
        "SUPABASE_SERVICE_ROLE_KEY" => Some(cfg.supabase_key.clone()),
        _ => None,
    };
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("config.toml");
    std::fs::write(&file, "").expect("config");
    let config =
        sora_core::config::Config::load(Some(&file), &env, &Default::default()).expect("config");
    let http = sora_core::http::client().expect("http");
    let report = sora_core::setup::run_doctor(&config, &http, Default::default()).await;
    let clock = report
        .checks
        .iter()
        .find(|c| c.name == "clock")
        .expect("a clock check");
    assert_eq!(clock.mark, sora_core::doctor::Mark::Fail, "{clock:?}");
    assert!(
        clock.detail.contains("2h 00m behind") || clock.detail.contains("1h 59m behind"),
        "{clock:?}"
    );
    assert!(
        clock.fix.as_deref().is_some_and(|f| f.contains("NTP")),
        "{clock:?}"
    );
    assert!(report.failed());
}

/// The dashboard's Doctor page: the engine answers `RunDoctor` with the runner the composition
/// root gave it, and without one says where the doctor is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_runs_the_doctor_it_was_given() {
    let cfg = sora_sim::SimConfig::default();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let base = sim.base_url();
    let env = move |k: &str| match k {
        "AZURE_OPENAI_ENDPOINT" | "SUPABASE_URL" => Some(base.clone()),
        "AZURE_OPENAI_API_KEY" => Some(cfg.azure_api_key.clone()),
        "SUPABASE_SERVICE_ROLE_KEY" => Some(cfg.supabase_key.clone()),
        _ => None,
    };
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("config.toml");
    std::fs::write(&file, "").expect("config");
    let config =
        sora_core::config::Config::load(Some(&file), &env, &Default::default()).expect("config");
    let http = sora_core::http::client().expect("http");
    let engine_with = |doctor| {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let engine = sora_core::engine::Engine::with_extras(
            sora_core::setup::services(&config, &http),
            sora_core::setup::engine_settings(&config),
            tx,
            sora_core::engine::EngineExtras {
                doctor,
                ..Default::default()
            },
        );
        (engine, rx)
    };
    let runner = sora_core::setup::doctor(std::sync::Arc::new(config.clone()), http.clone());
    let (engine, mut rx) = engine_with(Some(runner));
    engine.dispatch(sora_core::engine::Command::RunDoctor { probe: true });
    let event = tokio::time::timeout(std::time::Duration::from_secs(20), rx.recv())
        .await
        .expect("an answer in time")
        .expect("an event");
    let sora_core::engine::EngineEvent::Doctor(report) = event else {
        panic!("expected the doctor's report, got {event:?}");
    };
    assert!(!report.failed(), "{}", report.to_text());
    assert!(
        report
            .checks
            .iter()
            .any(|c| c.name == "upload/delete probe" && c.mark == sora_core::doctor::Mark::Pass),
        "the probe asked for ran: {}",
        report.to_text()
    );

    let (engine, mut rx) = engine_with(None);
    engine.dispatch(sora_core::engine::Command::RunDoctor { probe: false });
    let event = tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv())
        .await
        .expect("an answer in time")
        .expect("an event");
    assert!(
        matches!(&event, sora_core::engine::EngineEvent::Warning { message, .. } if message.contains("sora-tui doctor")),
        "{event:?}"
    );
}

#[test]
fn an_anon_key_is_named_before_any_bucket_check() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let anon = sora_sim::SimConfig::default().supabase_anon_key;
    let (ok, text) = doctor(
        &sandbox,
        &sim,
        &[("SUPABASE_SERVICE_ROLE_KEY", anon.as_str())],
        &[],
    );
    assert!(!ok, "{text}");
    let line = check(&text, "storage key");
    assert!(
        line.contains('✗')
            && line.contains("this is the anon key (role anon): use the service-role key"),
        "{text}"
    );
    assert!(!text.contains(anon.as_str()), "the key is never printed");
    // No empty answer is read into: no "storage auth ✓", no "bucket missing".
    assert!(!text.contains("bucket(s) listed"), "{text}");
    assert!(!text.contains("missing"), "{text}");
}

#[test]
fn a_password_in_the_base_url_is_masked_wherever_the_url_is_shown() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let base =
        sim.var("AZURE_OPENAI_ENDPOINT")
            .replacen("http://", "http://gw-user:gw-pass-9f3a@", 1);
    let base = format!("{base}/v1");
    for json in [false, true] {
        let args: &[&str] = if json { &["--json"] } else { &[] };
        let (_, text) = doctor(
            &sandbox,
            &sim,
            &[
                ("SORA_TUI_PROVIDER", "openai"),
                ("OPENAI_BASE_URL", base.as_str()),
            ],
            args,
        );
        assert!(
            !text.contains("gw-pass-9f3a"),
            "the password was printed:\n{text}"
        );
        assert!(text.contains("http://gw-user:***@127.0.0.1:"), "{text}");
    }
}
