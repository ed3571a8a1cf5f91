//! Each family's `jobs` → `status` → `download` → `delete` cycle, `remix`, `jobs --after` paging,
//! and content served as soon as a job completes.

use super::*;

/// The job id from `generate`'s "created <id>" line.
fn created_id(stdout: &str) -> String {
    stdout
        .lines()
        .find_map(|l| l.split("created ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no created line in:\n{stdout}"))
        .to_string()
}

fn cycle(provider: &str, size: &str, seconds: &str) {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &["--status-step", "0.1", "--content-delay", "0"]);
    let out = sandbox.path().join("out");
    let out_arg = out.to_str().expect("utf-8");
    let generated = ok(&run(
        &sandbox,
        &sim,
        provider,
        &[
            "generate",
            "a red fox",
            "--size",
            size,
            "--seconds",
            seconds,
            "--out",
            out_arg,
        ],
    ));
    assert!(generated.contains("estimated cost $"), "{generated}");
    let id = created_id(&generated);

    let listed = ok(&run(&sandbox, &sim, provider, &["jobs", "--json"]));
    let jobs: serde_json::Value = serde_json::from_str(&listed).expect("jobs --json is JSON");
    let first = &jobs[0];
    assert_eq!(first["id"], id.as_str());
    assert!(
        first["status"] == "succeeded" || first["status"] == "completed",
        "{first}"
    );
    assert_eq!(first["size"], size);

    let status = ok(&run(&sandbox, &sim, provider, &["status", &id]));
    assert!(
        status.starts_with(&id) && status.contains("content expires in"),
        "{status}"
    );

    let again = sandbox.path().join("again");
    let download = run(
        &sandbox,
        &sim,
        provider,
        &[
            "download",
            &id,
            "--variant",
            "all",
            "--out",
            again.to_str().expect("utf-8"),
        ],
    );
    let fetched = ok(&download);
    assert!(fetched.contains("saved"), "{fetched}");
    // Fetching an existing job's content sends no new (paid) job: nothing may read like one.
    let all = format!("{fetched}{}", String::from_utf8_lossy(&download.stderr));
    assert!(!all.contains("submitting"), "{all}");
    let files: Vec<_> = std::fs::read_dir(&again)
        .expect("dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    let video = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "mp4"))
        .expect("video");
    assert_eq!(std::fs::read(video).expect("read"), SAMPLE_MP4);
    let expected_files = if provider == "azure-sora" { 2 } else { 3 };
    assert_eq!(files.len(), expected_files, "every rendition: {files:?}");

    let deleted = ok(&run(&sandbox, &sim, provider, &["delete", &id]));
    assert!(deleted.contains(&format!("deleted {id}")));
    let gone = run(&sandbox, &sim, provider, &["status", &id]);
    assert!(!gone.status.success());
    let gone = String::from_utf8_lossy(&gone.stderr);
    assert!(gone.contains("404"), "{gone}");
    // An unknown id is the id's problem, not the endpoint's: the endpoint answered.
    assert!(
        gone.contains(&format!("No job or video `{id}` here")) && gone.contains("expired"),
        "{gone}"
    );
    assert!(
        !gone.contains("check the endpoint is the resource URL"),
        "{gone}"
    );
}

#[test]
fn azure_sora_jobs_status_download_delete() {
    cycle("azure-sora", "480x480", "5");
}

#[test]
fn azure_sora_2_jobs_status_download_delete() {
    cycle("azure-sora2", "1280x720", "4");
}

#[test]
fn openai_jobs_status_download_delete() {
    cycle("openai", "720x1280", "8");
}

#[test]
fn remix_makes_a_new_video_from_a_finished_one_and_sora_1_says_it_cannot() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &["--status-step", "0.1", "--content-delay", "0"]);
    let out = sandbox.path().join("out");
    let out_arg = out.to_str().expect("utf-8");
    let generated = ok(&run(
        &sandbox,
        &sim,
        "openai",
        &["generate", "a red fox", "--out", out_arg],
    ));
    let id = created_id(&generated);
    let remixed = ok(&run(
        &sandbox,
        &sim,
        "openai",
        &["remix", &id, "now in the rain", "--out", out_arg],
    ));
    let new_id = created_id(&remixed);
    assert_ne!(new_id, id);
    let status = ok(&run(
        &sandbox,
        &sim,
        "openai",
        &["status", &new_id, "--json"],
    ));
    let v: serde_json::Value = serde_json::from_str(&status).expect("json");
    assert_eq!(v["remixed_from"], id.as_str());

    let refused = run(
        &sandbox,
        &sim,
        "azure-sora",
        &["remix", "task_x", "anything"],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("cannot remix"));
}

#[test]
fn jobs_pages_with_after() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &["--status-step", "0.05", "--content-delay", "0"]);
    let out = sandbox.path().join("out");
    let mut ids = Vec::new();
    for prompt in ["fox one", "fox two", "fox three"] {
        let generated = ok(&run(
            &sandbox,
            &sim,
            "azure-sora",
            &["generate", prompt, "--out", out.to_str().expect("utf-8")],
        ));
        ids.push(created_id(&generated));
    }
    let first = ok(&run(
        &sandbox,
        &sim,
        "azure-sora",
        &["jobs", "--limit", "2"],
    ));
    assert!(
        first.starts_with(&ids[2]) && first.contains(&ids[1]) && !first.contains(&ids[0]),
        "{first}"
    );
    let hint = format!("sora-tui jobs --after {}", ids[1]);
    assert!(first.contains(&hint), "{first}");
    let second = ok(&run(
        &sandbox,
        &sim,
        "azure-sora",
        &["jobs", "--limit", "2", "--after", &ids[1]],
    ));
    assert!(
        second.starts_with(&ids[0]) && !second.contains("--after"),
        "{second}"
    );
}

/// `sora-tui sim` behaves as the services do unless a fault is asked for: the official SDKs'
/// `create_and_poll` then `download_content` gets the video at once.
#[test]
fn sora_tui_sim_serves_content_as_soon_as_a_job_completes() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &["--status-step", "0.05"]);
    let base = format!("{}/v1", sim.var("SUPABASE_URL"));
    let key = sim.var("OPENAI_API_KEY").to_string();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = sora_core::http::client().expect("client");
        let created: Value = client
            .request(reqwest::Method::POST, format!("{base}/videos"))
            .bearer_auth(&key)
            .json(&serde_json::json!({"model": "sora-2", "prompt": "a fox", "seconds": "4"}))
            .send()
            .await
            .expect("create")
            .json()
            .await
            .expect("JSON");
        let id = created["id"].as_str().expect("an id").to_string();
        // As the SDK's create_and_poll: poll until completed, then download at once.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let video: Value = client
                .get(format!("{base}/videos/{id}"))
                .bearer_auth(&key)
                .send()
                .await
                .expect("poll")
                .json()
                .await
                .expect("JSON");
            if video["status"] == "completed" {
                break;
            }
            assert!(Instant::now() < deadline, "never completed: {video}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let content = client
            .get(format!("{base}/videos/{id}/content"))
            .bearer_auth(&key)
            .send()
            .await
            .expect("content");
        assert_eq!(
            content.status(),
            200,
            "downloadable as soon as it completed"
        );
    });
}
