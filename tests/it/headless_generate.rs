//! `sora-tui sim` in one process, `sora-tui generate ... --upload` in another: the whole flow
//! over real HTTP, as a user would run it from two terminals.

use crate::common;

use std::process::Output;

use common::{SAMPLE_MP4, Sandbox, SimProcess, THUMBNAIL_JPG};

fn run_generate(sandbox: &Sandbox, sim: &SimProcess, args: &[&str]) -> Output {
    let config = sandbox.fast_config();
    let mut cmd = sandbox.command();
    cmd.arg("--config").arg(&config).arg("generate").args(args);
    for (k, v) in &sim.env {
        cmd.env(k, v);
    }
    cmd.output().expect("run sora-tui generate")
}

#[test]
fn generate_downloads_a_byte_identical_video_and_uploads_it() {
    let sandbox = Sandbox::new();
    // Each status lasts 0.6 s against a 0.2 s poll, so no status can fall between two polls.
    let sim = SimProcess::start(&sandbox, &["--status-step", "0.6", "--content-delay", "0"]);
    // The first content request answers 404, as lagging content does: it must be retried. (A
    // rule, not a delay, so a loaded machine cannot make the first attempt come too late.)
    sim.inject(r#"{"target":{"route":"content"},"fault":{"kind":"status","code":404}}"#);
    let out_dir = sandbox.path().join("out");
    let output = run_generate(
        &sandbox,
        &sim,
        &[
            "a red fox",
            "--out",
            out_dir.to_str().expect("utf-8 path"),
            "--upload",
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );

    // Every status the job passed through is printed, in the order the live service reports.
    let order = [
        "status queued",
        "status preprocessing",
        "status running",
        "status processing",
        "status succeeded",
    ];
    let mut at = 0;
    for word in order {
        let pos = stdout[at..]
            .find(word)
            .unwrap_or_else(|| panic!("`{word}` after byte {at} in:\n{stdout}"));
        at += pos;
    }
    // The lagging content: a 404 that is retried, then a 200 that saves.
    let first_404 = stdout
        .find("→ 404")
        .unwrap_or_else(|| panic!("no 404 attempt in:\n{stdout}"));
    let saved_200 = stdout
        .find("→ 200")
        .unwrap_or_else(|| panic!("no 200 attempt in:\n{stdout}"));
    assert!(
        first_404 < saved_200,
        "404 retried before the 200:\n{stdout}"
    );
    // 1 s on the schedule, ±20 % jitter: the shown wait is 0.8 s to 1.2 s.
    let wait: f64 = stdout
        .split("retry in ")
        .nth(1)
        .and_then(|rest| rest.split('s').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the next retry time is shown:\n{stdout}"));
    assert!((0.75..=1.25).contains(&wait), "retry in {wait}s:\n{stdout}");
    assert!(
        stdout.contains("/content/video?api-version=preview"),
        "the documented route:\n{stdout}"
    );
    assert!(
        !stdout.contains("sim-azure-key") && !stderr.contains("sim-azure-key"),
        "no key printed"
    );

    // The file on disk is the simulator's asset, byte for byte, and no partial is left.
    let files: Vec<_> = std::fs::read_dir(&out_dir)
        .expect("out dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    let video = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "mp4"))
        .unwrap_or_else(|| panic!("an mp4 in {files:?}"));
    assert_eq!(std::fs::read(video).expect("read video"), SAMPLE_MP4);
    let thumb = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "jpg"))
        .unwrap_or_else(|| panic!("a jpg in {files:?}"));
    assert_eq!(std::fs::read(thumb).expect("read thumbnail"), THUMBNAIL_JPG);
    assert!(
        files
            .iter()
            .all(|p| !p.to_string_lossy().ends_with(".partial")),
        "{files:?}"
    );

    // The printed object path lists in the bucket, and its public URL serves the same bytes.
    let uploaded = stdout
        .lines()
        .find_map(|l| l.strip_prefix("uploaded "))
        .unwrap_or_else(|| panic!("an `uploaded` line in:\n{stdout}"));
    let object = uploaded.split_whitespace().next().expect("object path");
    let (bucket, path) = object.split_once('/').expect("bucket/path");
    assert_eq!(bucket, "output-videos");
    let (folder, name) = path.rsplit_once('/').expect("job folder");
    assert!(
        folder.starts_with("task_"),
        "the object is filed under its job: {path}"
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let http = sora_core::http::client().expect("http client");
        let storage = sora_core::storage::StorageClient::new(
            http.clone(),
            url::Url::parse(sim.var("SUPABASE_URL")).expect("url"),
            sora_core::secret::Secret::new(sim.var("SUPABASE_SERVICE_ROLE_KEY")),
        );
        let listed = storage
            .list_objects(bucket, folder, 100, 0)
            .await
            .expect("list");
        let entry = listed
            .iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("{name} in {listed:?}"));
        assert_eq!(entry.size(), Some(SAMPLE_MP4.len() as u64));
        let public_url = stdout
            .lines()
            .find_map(|l| l.strip_prefix("public URL: "))
            .unwrap_or_else(|| panic!("a public URL in:\n{stdout}"));
        let body = http
            .get(public_url)
            .send()
            .await
            .expect("GET public URL")
            .bytes()
            .await
            .expect("body");
        assert_eq!(&body[..], SAMPLE_MP4);
    });
}

#[test]
fn invalid_parameters_are_refused_before_any_request() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let output = run_generate(
        &sandbox,
        &sim,
        &["a red fox", "--size", "1920x1080", "--variants", "2"],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("2 variants are not offered at 1920x1080; valid: 1 only"),
        "{stderr}"
    );
}

#[test]
fn a_moderated_prompt_fails_with_the_reason_and_a_non_zero_exit() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(
        &sandbox,
        &[
            "--status-step",
            "0.1",
            "--fail-prompts-containing",
            "forbidden",
        ],
    );
    let output = run_generate(&sandbox, &sim, &["a forbidden scene"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("input_moderation") && stderr.contains("rephrase"),
        "{stderr}"
    );
}

#[test]
fn missing_credentials_name_the_key_and_how_to_set_it() {
    let sandbox = Sandbox::new();
    let output = sandbox
        .command()
        .args(["generate", "a red fox"])
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("azure.endpoint") && stderr.contains("AZURE_OPENAI_ENDPOINT"),
        "{stderr}"
    );
}

#[test]
fn with_public_urls_off_an_upload_prints_no_public_url() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &["--status-step", "0.05", "--content-delay", "0"]);
    let config = sandbox.path().join("private.toml");
    std::fs::write(
        &config,
        "[download]\npoll_interval_secs = 0.1\nthumbnails = false\n[supabase]\npublic_urls = false\n",
    )
    .expect("config");
    let out = sandbox.path().join("out");
    let mut cmd = sandbox.command();
    cmd.arg("--config")
        .arg(&config)
        .args(["generate", "a private fox", "--upload", "--out"])
        .arg(&out);
    for (k, v) in &sim.env {
        cmd.env(k, v);
    }
    let output = cmd.output().expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("uploaded output-videos/"), "{stdout}");
    assert!(!stdout.contains("public URL:"), "{stdout}");
}

#[test]
fn an_invalid_default_in_the_config_is_refused_naming_the_key_and_the_file() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let cases = [
        (
            "variants = 9",
            "`defaults.variants`",
            "9 variants are not offered at 480x480; valid: 1 to 4",
        ),
        (
            "seconds = 50",
            "`defaults.seconds`",
            "50 s is not offered by sora",
        ),
    ];
    for (line, key, problem) in cases {
        let config = sandbox.path().join("defaults.toml");
        std::fs::write(&config, format!("[defaults]\n{line}\n")).expect("config");
        // As a headless default: refused before anything is sent, as the flag would be.
        let mut cmd = sandbox.command();
        cmd.arg("--config")
            .arg(&config)
            .args(["generate", "a red fox"]);
        for (k, v) in &sim.env {
            cmd.env(k, v);
        }
        let output = cmd.output().expect("run generate");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{line}: {stdout}");
        for expected in [key, problem, &config.display().to_string()] {
            assert!(
                stderr.contains(expected),
                "{line}: `{expected}` in {stderr}"
            );
        }
        assert!(!stdout.contains("job #1"), "{line}: nothing sent: {stdout}");
        // As the dashboard's starting values: refused before the terminal is touched.
        let output = sandbox
            .command()
            .arg("--config")
            .arg(&config)
            .arg("--demo")
            .output()
            .expect("run the dashboard");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success());
        assert!(
            stderr.contains(key) && stderr.contains(problem),
            "{line}: dashboard: {stderr}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_signal_stops_watching_exits_128_plus_its_number_and_cleans_up_the_demo() {
    use std::io::{BufRead, BufReader};
    for (signal, name, code) in [
        (libc::SIGINT, "SIGINT", 130),
        (libc::SIGTERM, "SIGTERM", 143),
    ] {
        let sandbox = Sandbox::new();
        let tmp = sandbox.path().join("tmp");
        std::fs::create_dir_all(&tmp).expect("tmp");
        let mut child = sandbox
            .command()
            .env("TMPDIR", &tmp)
            .args(["--demo", "generate", "a slow fox"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start generate");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        // Bounded: the demo prints the created job within seconds, or the output ends.
        let created = lines
            .by_ref()
            .take(50)
            .map_while(Result::ok)
            .any(|line| line.contains("status queued"));
        assert!(created, "{name}: the job was created first");
        let demo_dir = tmp.join(format!("sora-tui-demo-{}", child.id()));
        assert!(
            demo_dir.is_dir(),
            "{name}: the demo journal is in {demo_dir:?}"
        );

        let pid = i32::try_from(child.id()).expect("pid");
        // SAFETY: kill(2) on the child this test spawned and has not reaped.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0, "send {name}");
        let output = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("interrupted ({name})")),
            "{name}: says it stopped: {stderr}"
        );
        assert!(!demo_dir.exists(), "{name}: the demo's dir is gone");
    }
}

#[test]
fn every_retry_of_a_create_or_a_poll_is_printed_with_the_answer_and_the_next_try() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &["--status-step", "0.2", "--content-delay", "0"]);
    // [429]: the create is refused once with Retry-After: 2; [5xx]: two polls answer 503.
    let output = run_generate(&sandbox, &sim, &["a fox [429] [5xx]"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let line = |needle: &str| {
        stdout
            .lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("a line with `{needle}` in:\n{stdout}"))
    };
    let refused = line("job #1: create refused: HTTP 429");
    assert!(
        stdout
            .lines()
            .nth(refused)
            .is_some_and(|l| l.contains("Retry-After 2.0s, next try in 2.0s (retry 1 of 4)")),
        "{stdout}"
    );
    assert!(refused < line("job #1: created"), "before the job exists");
    let first = line("job #1: status poll failed: HTTP 503");
    let second = line("(retry 2 of 8)");
    assert!(
        first < second && second < line("status succeeded"),
        "{stdout}"
    );
}

#[test]
fn an_out_that_is_a_file_is_refused_before_the_job_is_created_and_paid_for() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &["--status-step", "0.05", "--content-delay", "0"]);
    let not_a_dir = sandbox.path().join("notes.txt");
    std::fs::write(&not_a_dir, b"my notes").expect("write");
    for out in [not_a_dir.clone(), not_a_dir.join("videos")] {
        let output = run_generate(
            &sandbox,
            &sim,
            &["a red fox", "--out", out.to_str().expect("utf-8")],
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{stderr}");
        assert!(
            stderr.contains("not sent")
                && stderr.contains(&out.display().to_string())
                && stderr.contains("not a directory"),
            "{stderr}"
        );
    }
    let creates = sim
        .requests()
        .into_iter()
        .filter(|r| r["method"] == "POST")
        .count();
    assert_eq!(creates, 0, "no job was created, so nothing was charged");
    assert_eq!(std::fs::read(&not_a_dir).expect("read"), b"my notes");
}
