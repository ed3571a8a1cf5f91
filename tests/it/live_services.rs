//! Runway and fal.ai end to end: `sora-tui generate --provider runway|fal` against `sora-tui sim`
//! in another process (fal over the simulator's TLS, as fal-client insists on https). The video
//! arrives byte-identical, is uploaded, the attempt log is printed, and the simulator's request
//! log shows that no key ever reached the media origin. A THROTTLED phase and moderation
//! failures read in the service's words; SIGKILL while polling, then `resume`, finishes the job
//! with exactly one create.

use crate::common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{SAMPLE_MP4, Sandbox, SimProcess, run_bounded};

struct Live {
    sandbox: Sandbox,
    sim: SimProcess,
    config: PathBuf,
}

impl Live {
    fn start(status_step: &str) -> Self {
        let sandbox = Sandbox::new();
        let sim = SimProcess::start(&sandbox, &["--status-step", status_step]);
        let config = sandbox.fast_config();
        Self {
            sandbox,
            sim,
            config,
        }
    }

    /// The binary with the simulator's env lines (RUNWAYML_*, FAL_*, SSL_CERT_FILE...).
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = self.sandbox.command();
        cmd.arg("--config").arg(&self.config).args(args);
        for (k, v) in &self.sim.env {
            cmd.env(k, v);
        }
        cmd
    }

    fn out(&self, name: &str) -> PathBuf {
        self.sandbox.path().join(name)
    }

    fn generate(&self, provider: &str, prompt: &str, out: &Path, extra: &[&str]) -> Output {
        let out = out.to_str().expect("utf-8 path");
        let mut args = vec!["generate", prompt, "--provider", provider, "--out", out];
        args.extend_from_slice(extra);
        run_bounded(self.command(&args), Duration::from_secs(120))
    }

    /// Requests by method and a path ending.
    fn count(&self, method: &str, path_end: &str) -> usize {
        self.sim
            .requests()
            .iter()
            .filter(|r| {
                r["method"] == method && r["path"].as_str().is_some_and(|p| p.ends_with(path_end))
            })
            .count()
    }
}

fn text(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn mp4_in(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "mp4"))
}

/// Every request that reached the media origin carried no credential of any service.
fn assert_no_key_on_media(live: &Live) {
    let requests = live.sim.requests();
    let media: Vec<_> = requests.iter().filter(|r| r["origin"] == "media").collect();
    assert!(
        !media.is_empty(),
        "the video came from the media origin: {requests:?}"
    );
    for r in media {
        let headers = r["headers"].as_array().cloned().unwrap_or_default();
        for h in headers {
            let name = h[0].as_str().unwrap_or("").to_ascii_lowercase();
            let value = h[1].as_str().unwrap_or("");
            assert!(
                !matches!(
                    name.as_str(),
                    "authorization" | "api-key" | "apikey" | "x-runway-version" | "cookie"
                ),
                "a credential header reached the CDN: {name}: {value}"
            );
            for key in [
                "RUNWAYML_API_SECRET",
                "FAL_KEY",
                "SUPABASE_SERVICE_ROLE_KEY",
            ] {
                assert!(
                    !value.contains(live.sim.var(key)),
                    "{key} reached the CDN in {name}"
                );
            }
        }
    }
}

fn assert_generated_and_uploaded(live: &Live, provider: &str) {
    let out = live.out(provider);
    let output = live.generate(provider, "a red fox", &out, &["--upload"]);
    let all = text(&output);
    assert!(output.status.success(), "{all}");
    let video = mp4_in(&out).unwrap_or_else(|| panic!("a video in {out:?}: {all}"));
    assert_eq!(
        std::fs::read(&video).expect("read"),
        SAMPLE_MP4,
        "byte-identical"
    );
    assert!(
        all.contains("attempt 1 GET http://127.0.0.1:"),
        "attempt log: {all}"
    );
    assert!(all.contains("→ 200"), "{all}");
    assert!(all.contains("uploaded output-videos/"), "{all}");
    // The signed URL's signature is a credential: never printed.
    assert!(!all.contains("sig=") || all.contains("sig=***"), "{all}");
    assert_no_key_on_media(live);
}

#[test]
fn runway_generates_downloads_byte_identical_uploads_and_sends_no_key_to_the_cdn() {
    let live = Live::start("0.3");
    assert_generated_and_uploaded(&live, "runway");
    assert_eq!(live.count("POST", "/v1/text_to_video"), 1, "one create");
}

#[test]
fn fal_generates_over_tls_downloads_byte_identical_uploads_and_sends_no_key_to_the_cdn() {
    let live = Live::start("0.3");
    assert_generated_and_uploaded(&live, "fal");
    assert_eq!(live.count("POST", "/fal-ai/veo3.1"), 1, "one submit");
}

#[test]
fn a_throttled_runway_task_is_shown_as_queued_behind_the_accounts_concurrency() {
    // Throttled for two steps (8 s): the first poll (after Runway's 5 s minimum) sees it.
    let live = Live::start("4");
    let out = live.out("throttled");
    let output = live.generate("runway", "a red fox [throttled]", &out, &[]);
    let all = text(&output);
    assert!(output.status.success(), "{all}");
    assert!(all.contains("status THROTTLED"), "{all}");
    assert!(
        all.contains("queued behind the account's other tasks"),
        "{all}"
    );
    assert!(all.contains("status RUNNING"), "{all}");
    assert!(mp4_in(&out).is_some(), "{all}");
}

#[test]
fn moderation_failures_say_what_happened_in_each_services_words() {
    let live = Live::start("0.3");
    let output = live.generate("runway", "a red fox [moderation]", &live.out("m1"), &[]);
    let all = text(&output);
    assert!(!output.status.success(), "{all}");
    assert!(all.contains("SAFETY.INPUT.TEXT"), "{all}");
    assert!(all.contains("before generation"), "{all}");
    assert!(all.contains("nothing was charged"), "{all}");

    let output = live.generate("fal", "a red fox [moderation]", &live.out("m2"), &[]);
    let all = text(&output);
    assert!(!output.status.success(), "{all}");
    assert!(all.contains("content_policy_violation"), "{all}");
    assert!(all.contains("edit the prompt"), "{all}");
}

#[test]
fn a_bad_parameter_is_refused_with_the_valid_values_before_anything_is_sent() {
    let live = Live::start("0.3");
    let output = live.generate(
        "runway",
        "a red fox",
        &live.out("p"),
        &["--param", "ratio=4:3"],
    );
    let all = text(&output);
    assert!(!output.status.success(), "{all}");
    assert!(
        all.contains("1280:720") && all.contains("not sent"),
        "{all}"
    );
    assert_eq!(live.count("POST", "/v1/text_to_video"), 0, "nothing sent");
}

fn spawn_lines(mut cmd: Command) -> (Child, mpsc::Receiver<String>) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

fn wait_for_line(lines: &mpsc::Receiver<String>, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        match lines.recv_timeout(Duration::from_millis(200)) {
            Ok(line) if line.contains(needle) => return line,
            Ok(line) => seen.push(line),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    panic!("no line with `{needle}`; saw:\n{}", seen.join("\n"));
}

fn killed_while_polling_then_resumed(provider: &str, create_path: &str) {
    // Each status lasts 3 s: the job is still pending or running when it is killed.
    let live = Live::start("3");
    let out = live.out(provider);
    let out_arg = out.to_str().expect("utf-8").to_string();
    let (mut child, lines) = spawn_lines(live.command(&[
        "generate",
        "a fox in the snow",
        "--provider",
        provider,
        "--out",
        &out_arg,
        "--upload",
    ]));
    wait_for_line(&lines, "created ");
    wait_for_line(&lines, "status ");
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    assert!(mp4_in(&out).is_none(), "nothing downloaded before the kill");

    let output = run_bounded(live.command(&["resume"]), Duration::from_secs(120));
    let all = text(&output);
    assert!(output.status.success(), "{all}");
    assert!(all.contains("resuming "), "{all}");
    // Picking a job up is not a new paid job, and does not read like one.
    assert!(!all.contains("submitting"), "{all}");
    assert!(all.contains("nothing sent again"), "{all}");
    assert_eq!(
        std::fs::read(mp4_in(&out).unwrap_or_else(|| panic!("video after resume: {all}")))
            .expect("read"),
        SAMPLE_MP4
    );
    assert!(all.contains("uploaded output-videos/"), "{all}");
    assert_eq!(
        live.count("POST", create_path),
        1,
        "exactly one create: {all}"
    );

    // A second resume finds nothing left to do.
    let again = run_bounded(live.command(&["resume"]), Duration::from_secs(60));
    assert!(
        text(&again).contains("nothing to resume"),
        "{}",
        text(&again)
    );
}

#[test]
fn killed_while_polling_a_runway_task_resume_finishes_it_with_one_create() {
    killed_while_polling_then_resumed("runway", "/v1/text_to_video");
}

#[test]
fn killed_while_polling_a_fal_request_resume_finishes_it_with_one_submit() {
    killed_while_polling_then_resumed("fal", "/fal-ai/veo3.1");
}

/// A PNG of `bytes` bytes (its magic, then zeros): enough for the services' type checks.
fn png(dir: &Path, name: &str, bytes: u64) -> PathBuf {
    let path = dir.join(name);
    let mut file = std::fs::File::create(&path).expect("create");
    std::io::Write::write_all(&mut file, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").expect("write");
    file.set_len(bytes).expect("size");
    path
}

#[test]
fn an_image_too_large_to_go_inline_is_stored_and_sent_to_runway_by_a_signed_https_url() {
    let live = Live::start("0.3");
    // Over 5 MB as a data URI, under Runway's 16 MB by URL.
    let image = png(live.sandbox.path(), "big.png", 4 * 1024 * 1024);
    let image_arg = image.to_str().expect("utf-8").to_string();
    // Storage over the simulator's TLS listener, by name: Runway fetches only https URLs on a
    // domain, as the real service does.
    let tls = live
        .sim
        .var("FAL_QUEUE_RUN_HOST")
        .replace("127.0.0.1", "localhost");
    let out = live.out("i2v");
    let mut cmd = live.command(&[
        "generate",
        "the fox runs",
        "--provider",
        "runway",
        "--image",
        &image_arg,
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    cmd.env("SUPABASE_URL", format!("https://{tls}"));
    let output = run_bounded(cmd, Duration::from_secs(120));
    let all = text(&output);
    assert!(output.status.success(), "{all}");
    let requests = live.sim.requests();
    let create = requests
        .iter()
        .find(|r| r["method"] == "POST" && r["path"] == "/v1/image_to_video")
        .unwrap_or_else(|| panic!("an image_to_video create: {requests:?}"));
    let body: serde_json::Value =
        serde_json::from_str(create["body"].as_str().expect("body")).expect("json body");
    let sent = body["promptImage"].as_str().expect("promptImage");
    assert!(
        sent.starts_with(&format!(
            "https://{tls}/storage/v1/object/sign/input-images/uploads/"
        )),
        "{sent}"
    );
    assert!(
        requests.iter().any(|r| r["method"] == "POST"
            && r["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("/storage/v1/object/input-images/uploads/"))),
        "the image was stored first"
    );
    assert!(mp4_in(&out).is_some(), "{all}");
}

#[test]
fn an_image_that_fits_neither_way_is_refused_saying_why_and_nothing_is_sent() {
    let live = Live::start("0.3");
    let dir = live.sandbox.path();
    let huge = png(dir, "huge.png", 17 * 1024 * 1024);
    let output = live.generate(
        "runway",
        "the fox runs",
        &live.out("x"),
        &["--image", huge.to_str().expect("utf-8")],
    );
    let all = text(&output);
    assert!(!output.status.success(), "{all}");
    assert!(
        all.contains("not sent") && all.contains("16.0 MiB"),
        "{all}"
    );

    // Too large inline and no Storage to send it by URL: says what to configure.
    let big = png(dir, "big.png", 4 * 1024 * 1024);
    let mut cmd = live.command(&[
        "generate",
        "the fox runs",
        "--provider",
        "runway",
        "--image",
        big.to_str().expect("utf-8"),
        "--out",
        live.out("y").to_str().expect("utf-8"),
    ]);
    cmd.env_remove("SUPABASE_URL");
    let output = run_bounded(cmd, Duration::from_secs(60));
    let all = text(&output);
    assert!(!output.status.success(), "{all}");
    assert!(
        all.contains("SUPABASE_URL") && all.contains("not sent"),
        "{all}"
    );
    assert_eq!(
        live.count("POST", "/v1/image_to_video"),
        0,
        "nothing sent: {all}"
    );
}

#[test]
fn a_lost_runway_create_is_never_sent_again_resume_says_where_to_look_until_forgotten() {
    let live = Live::start("0.3");
    // The journal as a process killed mid-create leaves it: the intent, no task id.
    let data = live.sandbox.path().join("data").join("sora-tui");
    {
        let (journal, _) = sora_core::journal::Journal::open(&data).expect("journal");
        journal
            .append(
                "j-lost",
                sora_core::journal::Event::Intent {
                    family: "runway".into(),
                    provider: "Runway · 127.0.0.1 · gen4.5".into(),
                    request: sora_core::journal::RequestRecord {
                        prompt: "a lost fox".into(),
                        size: String::new(),
                        seconds: 0,
                        variants: 1,
                        image: None,
                        model: Some("gen4.5".into()),
                        params: vec![("duration".into(), "5".into())],
                    },
                    upload: false,
                    cost_estimate: Some(0.6),
                    remix_of: None,
                    download_dir: Some(live.out("lost").display().to_string()),
                    renditions: vec!["video".into()],
                },
            )
            .expect("append");
    }
    for _ in 0..2 {
        let output = run_bounded(live.command(&["resume"]), Duration::from_secs(60));
        let all = text(&output);
        assert!(!output.status.success(), "not finished: {all}");
        assert!(
            all.contains("may exist") && all.contains("not sent again"),
            "{all}"
        );
        assert!(
            all.contains("Runway developer portal"),
            "where to look: {all}"
        );
    }
    assert_eq!(live.count("POST", "/v1/text_to_video"), 0, "never re-sent");
    let forgot = run_bounded(
        live.command(&["history", "--forget", "j-lost"]),
        Duration::from_secs(30),
    );
    assert!(forgot.status.success(), "{}", text(&forgot));
    let output = run_bounded(live.command(&["resume"]), Duration::from_secs(60));
    assert!(
        text(&output).contains("nothing to resume"),
        "{}",
        text(&output)
    );
}

#[test]
fn the_demos_videos_go_to_a_demo_folder_not_among_real_ones() {
    let sandbox = Sandbox::new();
    let output = run_bounded(
        {
            let mut cmd = sandbox.command();
            cmd.args(["--demo", "generate", "a red fox", "--provider", "fal"]);
            cmd
        },
        Duration::from_secs(60),
    );
    assert!(output.status.success(), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let saved = stdout
        .lines()
        .filter(|l| l.starts_with("saved "))
        .find_map(|l| l.split(" → ").nth(1))
        .and_then(|r| r.split(" (").next())
        .unwrap_or_else(|| panic!("a saved line: {stdout}"));
    let saved = Path::new(saved);
    assert_eq!(
        saved.parent().and_then(|p| p.file_name()),
        Some(std::ffi::OsStr::new("demo")),
        "{saved:?}"
    );
    assert!(saved.starts_with(sandbox.path()), "{saved:?}");
}

#[test]
fn tls_is_verified_a_certificate_the_system_does_not_trust_is_refused() {
    let live = Live::start("0.3");
    let mut cmd = live.command(&["generate", "a red fox", "--provider", "fal", "--out"]);
    cmd.arg(live.out("tls"));
    // The simulator's certificate is trusted only through SSL_CERT_FILE.
    cmd.env_remove("SSL_CERT_FILE");
    let output = run_bounded(cmd, Duration::from_secs(60));
    let all = text(&output);
    assert!(!output.status.success(), "{all}");
    assert!(all.to_lowercase().contains("certificate"), "{all}");
    assert_eq!(
        live.count("POST", "/fal-ai/veo3.1"),
        0,
        "nothing reached the queue"
    );
}
