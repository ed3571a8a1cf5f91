//! Nothing paid for is lost: `sora-tui generate --upload` is killed with SIGKILL while the job
//! polls, again mid-download and again mid-upload; each time `sora-tui resume` finishes the
//! work from the journal. In the end every video is on disk and in the bucket, and the
//! simulator holds exactly one job per prompt: nothing was submitted twice.

use crate::common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{SAMPLE_MP4, Sandbox, SimProcess};

struct Harness {
    sandbox: Sandbox,
    sim: SimProcess,
    config: PathBuf,
    runtime: tokio::runtime::Runtime,
}

impl Harness {
    /// A sandbox and `sora-tui sim` moving each job on every `status_step` seconds, with
    /// content available as soon as a job succeeds.
    fn start(status_step: &str) -> Self {
        Self::start_with(status_step, &[])
    }

    /// [`Harness::start`] with more `sora-tui sim` arguments.
    fn start_with(status_step: &str, sim_args: &[&str]) -> Self {
        let sandbox = Sandbox::new();
        let mut args = vec!["--status-step", status_step, "--content-delay", "0"];
        args.extend_from_slice(sim_args);
        let sim = SimProcess::start(&sandbox, &args);
        let config = sandbox.fast_config();
        Self {
            sandbox,
            sim,
            config,
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime"),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = self.sandbox.command();
        cmd.arg("--config").arg(&self.config).args(args);
        for (k, v) in &self.sim.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Start `generate --upload` and hand back its stdout lines as they come.
    fn spawn_generate(&self, prompt: &str, out: &Path) -> (Child, mpsc::Receiver<String>) {
        let mut child = self
            .command(&[
                "generate",
                prompt,
                "--upload",
                "--out",
                out.to_str().expect("utf-8"),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn generate");
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

    fn resume(&self) -> String {
        let output = self.command(&["resume"]).output().expect("run resume");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "resume failed\nstdout:\n{stdout}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
    }

    fn inject(&self, rule: serde_json::Value) {
        self.runtime.block_on(async {
            let base = self.sim.var("AZURE_OPENAI_ENDPOINT");
            let status = reqwest_client()
                .post(format!("{base}/__sim/faults"))
                .json(&rule)
                .send()
                .await
                .expect("inject fault")
                .status();
            assert!(status.is_success(), "{status}");
        });
    }

    /// Create a job straight on the service, as a create whose answer never reached sora-tui.
    fn create_behind_the_back(&self, prompt: &str) -> String {
        self.runtime.block_on(async {
            let base = self.sim.var("AZURE_OPENAI_ENDPOINT");
            let created: serde_json::Value = reqwest_client()
                .post(format!("{base}/openai/v1/video/generations/jobs?api-version=preview"))
                .header("api-key", self.sim.var("AZURE_OPENAI_API_KEY"))
                .json(&serde_json::json!({"model":"sora","prompt":prompt,"width":480,"height":480,"n_seconds":5,"n_variants":1}))
                .send()
                .await
                .expect("create")
                .json()
                .await
                .expect("json");
            created["id"].as_str().expect("job id").to_string()
        })
    }

    /// The journal as a killed process leaves it: an intent for `prompt`, nothing after it.
    fn write_intent(&self, journal_id: &str, prompt: &str) {
        let (journal, _) = sora_core::journal::Journal::open(&self.data_dir()).expect("journal");
        journal
            .append(
                journal_id,
                sora_core::journal::Event::Intent {
                    family: "azure-sora".into(),
                    provider: "test".into(),
                    request: sora_core::journal::RequestRecord {
                        prompt: prompt.into(),
                        size: "480x480".into(),
                        seconds: 5,
                        variants: 1,
                        image: None,
                    },
                    upload: false,
                    cost_estimate: None,
                    remix_of: None,
                    download_dir: Some(self.sandbox.path().join("out").display().to_string()),
                    renditions: vec![],
                },
            )
            .expect("append");
    }

    fn data_dir(&self) -> PathBuf {
        self.sandbox.path().join("data").join("sora-tui")
    }

    /// `history --json`: every record.
    fn history(&self) -> Vec<serde_json::Value> {
        let output = self
            .command(&["history", "--json"])
            .output()
            .expect("history");
        let records: serde_json::Value =
            serde_json::from_slice(&output.stdout).expect("history json");
        records.as_array().cloned().unwrap_or_default()
    }

    /// Requests the simulator answered since the last call (the record is cleared).
    fn take_requests(&self) -> Vec<serde_json::Value> {
        self.runtime.block_on(async {
            let url = format!("{}/__sim/requests", self.sim.var("AZURE_OPENAI_ENDPOINT"));
            let client = reqwest_client();
            let seen: serde_json::Value = client
                .get(&url)
                .send()
                .await
                .expect("requests")
                .json()
                .await
                .expect("json");
            client.delete(&url).send().await.expect("clear requests");
            seen.as_array().cloned().unwrap_or_default()
        })
    }

    fn jobs_on_service(&self) -> Vec<serde_json::Value> {
        self.runtime.block_on(async {
            let base = self.sim.var("AZURE_OPENAI_ENDPOINT");
            let body: serde_json::Value = reqwest_client()
                .get(format!(
                    "{base}/openai/v1/video/generations/jobs?api-version=preview&limit=50"
                ))
                .header("api-key", self.sim.var("AZURE_OPENAI_API_KEY"))
                .send()
                .await
                .expect("list jobs")
                .json()
                .await
                .expect("json");
            body["data"].as_array().cloned().unwrap_or_default()
        })
    }

    fn object_in_bucket(&self, job_id: &str) -> Option<u64> {
        self.runtime.block_on(async {
            let storage = sora_core::storage::StorageClient::new(
                sora_core::http::client().expect("http client"),
                url::Url::parse(self.sim.var("SUPABASE_URL")).expect("url"),
                sora_core::secret::Secret::new(self.sim.var("SUPABASE_SERVICE_ROLE_KEY")),
            );
            let listed = storage
                .list_objects("output-videos", job_id, 100, 0)
                .await
                .expect("list");
            listed
                .iter()
                .find(|e| e.name.ends_with(".mp4"))
                .and_then(|e| e.size())
        })
    }
}

/// A plain client for the test's own calls to the simulator.
fn reqwest_client() -> reqwest::Client {
    // Building sora-core's client installs the TLS provider a plain client needs.
    let _ = sora_core::http::client();
    reqwest::Client::new()
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

fn kill(mut child: Child) {
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
}

fn mp4_in(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "mp4"))
}

fn job_id_of(line: &str) -> String {
    line.split("created ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .expect("job id")
        .to_string()
}

#[test]
fn killed_while_polling_mid_download_and_mid_upload_resume_finishes_everything_once() {
    let h = Harness::start("0.5");

    // 1. Killed while the job is still running on the service.
    let out1 = h.sandbox.path().join("out1");
    let (child, lines) = h.spawn_generate("a fox in the snow", &out1);
    let job1 = job_id_of(&wait_for_line(&lines, "created task_"));
    wait_for_line(&lines, "status running");
    kill(child);
    assert!(
        mp4_in(&out1).is_none(),
        "nothing downloaded before the kill"
    );
    let resumed = h.resume();
    assert!(resumed.contains(&format!("resuming {job1}")), "{resumed}");
    assert_eq!(
        std::fs::read(mp4_in(&out1).expect("video after resume")).expect("read"),
        SAMPLE_MP4
    );
    assert_eq!(h.object_in_bucket(&job1), Some(SAMPLE_MP4.len() as u64));

    // 2. Killed in the middle of the download (the body stalls after 16 KiB).
    h.inject(serde_json::json!({
        "target": {"route": "content", "family": "azure_sora"},
        "fault": {"kind": "stall", "after_bytes": 16384, "for_ms": 60000},
        "times": 1
    }));
    let out2 = h.sandbox.path().join("out2");
    let (child, lines) = h.spawn_generate("a fox at dawn", &out2);
    let job2 = job_id_of(&wait_for_line(&lines, "created task_"));
    wait_for_line(&lines, "status succeeded");
    let deadline = Instant::now() + Duration::from_secs(20);
    let partial = loop {
        let found = std::fs::read_dir(&out2).ok().and_then(|d| {
            d.flatten().map(|e| e.path()).find(|p| {
                // Buffered writes may not have reached the file yet: its existence is enough.
                p.to_string_lossy().ends_with(".mp4.partial")
            })
        });
        if let Some(p) = found {
            break p;
        }
        assert!(Instant::now() < deadline, "no partial download appeared");
        std::thread::sleep(Duration::from_millis(50));
    };
    kill(child);
    assert!(
        mp4_in(&out2).is_none(),
        "the final name never holds a partial file ({partial:?})"
    );
    let resumed = h.resume();
    assert!(resumed.contains(&format!("resuming {job2}")), "{resumed}");
    assert_eq!(
        std::fs::read(mp4_in(&out2).expect("video after resume")).expect("read"),
        SAMPLE_MP4
    );
    assert!(!partial.exists(), "the partial became the video");
    assert_eq!(h.object_in_bucket(&job2), Some(SAMPLE_MP4.len() as u64));

    // 3. Killed while the upload waits for the storage server's answer.
    h.inject(serde_json::json!({
        "target": {"route": "storage_upload"},
        "fault": {"kind": "stall", "after_bytes": 0, "for_ms": 60000},
        "times": 1
    }));
    let out3 = h.sandbox.path().join("out3");
    let (child, lines) = h.spawn_generate("a fox at dusk", &out3);
    let job3 = job_id_of(&wait_for_line(&lines, "created task_"));
    wait_for_line(&lines, "uploading to output-videos/");
    std::thread::sleep(Duration::from_millis(300));
    kill(child);
    assert_eq!(
        h.object_in_bucket(&job3),
        None,
        "not stored yet when killed"
    );
    let resumed = h.resume();
    // The thumbnail, due after the upload, is missing too: resume fetches it and uploads.
    assert!(
        resumed.contains(&format!("resuming {job3}"))
            && resumed.contains("uploaded output-videos/"),
        "{resumed}"
    );
    assert_eq!(
        std::fs::read(mp4_in(&out3).expect("video")).expect("read"),
        SAMPLE_MP4
    );
    assert_eq!(h.object_in_bucket(&job3), Some(SAMPLE_MP4.len() as u64));

    // Exactly one job per prompt on the service: nothing was submitted twice.
    let jobs = h.jobs_on_service();
    assert_eq!(jobs.len(), 3, "{jobs:#?}");
    // And nothing is left to resume.
    assert!(h.resume().contains("nothing to resume"));
    let history = h.command(&["history", "--json"]).output().expect("history");
    let records: serde_json::Value = serde_json::from_slice(&history.stdout).expect("history json");
    assert_eq!(records.as_array().map(Vec::len), Some(3));
    assert!(
        records
            .as_array()
            .into_iter()
            .flatten()
            .all(|r| r["uploads"].as_array().is_some_and(|u| u.len() == 1)),
        "{records:#}"
    );
}

#[test]
fn an_intent_without_a_job_id_is_reconciled_by_listing_never_resent() {
    let h = Harness::start("0.2");
    // A job that reached the service, but whose answer the client never recorded: create it
    // behind sora-tui's back, then write the journal as a killed process would have left it.
    let created = h.create_behind_the_back("a lost fox");
    h.write_intent("j-found", "a lost fox");
    // And one the service does not list: it may never have left the machine, or the list may
    // not show it yet. Absence is no proof: it stays open, and no one is told it cost nothing.
    h.write_intent("j-never", "a fox that never was");
    let output = h.command(&["resume"]).output().expect("resume");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "one of the two could not be resumed"
    );
    assert!(
        stdout.contains(&format!("created {created}")),
        "{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("saved"),
        "the found job was downloaded:\n{stdout}"
    );
    assert!(
        stderr.contains("not found yet")
            && stderr.contains("the next `sora-tui resume` looks again"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("nothing was created or charged") && !stderr.contains("Re-run"),
        "never told a possibly paid job cost nothing: {stderr}"
    );
    assert_eq!(h.jobs_on_service().len(), 1, "nothing was sent again");
    // The unfound intent is still open: the next resume looks for it again.
    let never = h
        .history()
        .into_iter()
        .find(|r| r["id"] == "j-never")
        .expect("still in the history");
    assert_eq!(never["state"], "active", "{never:#}");
    assert!(never["failure"].is_null(), "{never:#}");
    let again = h.command(&["resume"]).output().expect("resume again");
    let again_out = String::from_utf8_lossy(&again.stdout);
    assert!(
        again_out.contains("resuming j-never") && !again_out.contains("j-found"),
        "{again_out}"
    );
    assert_eq!(h.jobs_on_service().len(), 1, "still nothing sent again");
}

#[test]
fn a_job_beyond_the_first_pages_of_a_busy_list_is_found() {
    let h = Harness::start("0.2");
    let ours = h.create_behind_the_back("a fox in a crowd");
    // A busy shared resource: 260 newer jobs of other people, over five pages of 50.
    for i in 0..260 {
        h.create_behind_the_back(&format!("someone else's job {i}"));
    }
    h.write_intent("j-crowd", "a fox in a crowd");
    let resumed = h.resume();
    assert!(resumed.contains(&format!("created {ours}")), "{resumed}");
    assert!(resumed.contains("saved"), "{resumed}");
    let lists = h
        .take_requests()
        .into_iter()
        .filter(|r| r["method"] == "GET" && r["path"] == "/openai/v1/video/generations/jobs")
        .count();
    assert!(lists >= 6, "paged past the first four pages: {lists}");
}

#[test]
fn a_job_missing_from_a_lagging_list_is_found_by_a_later_resume() {
    let h = Harness::start_with("0.2", &["--list-lag", "2"]);
    let ours = h.create_behind_the_back("a fox in a slow list");
    h.write_intent("j-lag", "a fox in a slow list");
    let output = h.command(&["resume"]).output().expect("resume");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("not found yet"), "{stderr}");
    std::thread::sleep(Duration::from_millis(2500));
    let resumed = h.resume();
    assert!(resumed.contains(&format!("created {ours}")), "{resumed}");
    assert!(resumed.contains("saved"), "{resumed}");
    assert_eq!(h.jobs_on_service().len(), 1, "never sent again");
}

#[test]
fn killed_between_the_video_and_its_thumbnail_resume_fetches_the_thumbnail() {
    let h = Harness::start("0.2");
    h.inject(serde_json::json!({
        "target": {"route": "content", "family": "azure_sora", "path_contains": "thumbnail"},
        "fault": {"kind": "stall", "after_bytes": 1024, "for_ms": 60000},
        "times": 1
    }));
    let out = h.sandbox.path().join("out");
    let (child, lines) = h.spawn_generate("a fox and its portrait", &out);
    let job = job_id_of(&wait_for_line(&lines, "created task_"));
    wait_for_line(&lines, "uploaded output-videos/");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !std::fs::read_dir(&out)
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| e.path().to_string_lossy().ends_with(".jpg.partial"))
    {
        assert!(Instant::now() < deadline, "the thumbnail download started");
        std::thread::sleep(Duration::from_millis(50));
    }
    kill(child);
    h.take_requests();
    let resumed = h.resume();
    assert!(resumed.contains(&format!("resuming {job}")), "{resumed}");
    let thumb = std::fs::read_dir(&out)
        .expect("out")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "jpg"))
        .unwrap_or_else(|| panic!("a thumbnail after resume:\n{resumed}"));
    assert_eq!(std::fs::read(thumb).expect("read"), common::THUMBNAIL_JPG);
    let seen = h.take_requests();
    let path = |r: &serde_json::Value| r["path"].as_str().unwrap_or_default().to_string();
    assert!(
        !seen.iter().any(|r| path(r).ends_with("/content/video")),
        "the video is not fetched again: {seen:#?}"
    );
    assert!(
        !seen
            .iter()
            .any(|r| path(r).starts_with("/storage/v1/object/output-videos")
                || path(r).starts_with("/storage/v1/upload")),
        "nor uploaded again: {seen:#?}"
    );
    assert!(h.resume().contains("nothing to resume"));
}

#[test]
fn an_upload_that_finished_before_it_was_recorded_is_not_sent_again() {
    let h = Harness::start("0.2");
    let out = h.sandbox.path().join("out");
    let (mut child, lines) = h.spawn_generate("a fox stored once", &out);
    let job = job_id_of(&wait_for_line(&lines, "created task_"));
    assert!(child.wait().expect("generate ends").success());
    // Killed after the upload finished but before its journal line was written.
    let journal = h.data_dir().join("journal.jsonl");
    let text = std::fs::read_to_string(&journal).expect("journal");
    assert!(text.contains("\"kind\":\"uploaded\""), "{text}");
    let kept: String = text
        .lines()
        .filter(|l| !l.contains("\"kind\":\"uploaded\""))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&journal, kept).expect("rewrite journal");
    h.take_requests();
    let resumed = h.resume();
    assert!(
        resumed.contains(&format!("resuming {job}")) && resumed.contains("not sent again"),
        "{resumed}"
    );
    let sent = h
        .take_requests()
        .into_iter()
        .filter(|r| r["method"] == "POST" || r["method"] == "PUT" || r["method"] == "PATCH")
        .count();
    assert_eq!(sent, 0, "no upload request");
    assert_eq!(h.object_in_bucket(&job), Some(SAMPLE_MP4.len() as u64));
    let record = h
        .history()
        .into_iter()
        .find(|r| r["job_id"] == job.as_str())
        .expect("record");
    assert_eq!(
        record["uploads"].as_array().map(Vec::len),
        Some(1),
        "{record:#}"
    );
    assert!(h.resume().contains("nothing to resume"));
}

#[test]
fn interrupted_with_ctrl_c_while_polling_the_job_is_resumed_not_forgotten() {
    let h = Harness::start("0.5");
    let out = h.sandbox.path().join("out");
    let (mut child, lines) = h.spawn_generate("a fox at night", &out);
    let job = job_id_of(&wait_for_line(&lines, "created task_"));
    wait_for_line(&lines, "status running");
    let interrupt = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("send SIGINT");
    assert!(interrupt.success());
    let status = child.wait().expect("generate ends on Ctrl-C");
    assert!(!status.success(), "an interrupted run is not a success");
    assert!(mp4_in(&out).is_none());
    let resumed = h.resume();
    assert!(resumed.contains(&format!("resuming {job}")), "{resumed}");
    assert_eq!(
        std::fs::read(mp4_in(&out).expect("video after resume")).expect("read"),
        SAMPLE_MP4
    );
    assert_eq!(h.jobs_on_service().len(), 1, "never sent twice");
}

#[test]
fn resume_checks_the_download_directory_before_it_polls_and_keeps_the_job_open() {
    let h = Harness::start("0.2");
    let job = h.create_behind_the_back("a fox with nowhere to go");
    h.write_intent("j-nowhere", "a fox with nowhere to go");
    let (journal, _) = sora_core::journal::Journal::open(&h.data_dir()).expect("journal");
    journal
        .append(
            "j-nowhere",
            sora_core::journal::Event::Created {
                job_id: job.clone(),
            },
        )
        .expect("append");
    drop(journal);
    // The recorded download directory is now a file.
    std::fs::write(h.sandbox.path().join("out"), b"not a directory").expect("write");
    h.take_requests();
    let output = h.command(&["resume"]).output().expect("resume");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains(&format!("cannot download {job} yet"))
            && stderr.contains("not a directory"),
        "{stderr}"
    );
    assert!(
        h.take_requests().is_empty(),
        "nothing is asked of the service before the files have somewhere to go"
    );
    let record = h
        .history()
        .into_iter()
        .find(|r| r["id"] == "j-nowhere")
        .expect("record");
    assert_eq!(record["state"], "active", "still open: {record:#}");
    std::fs::remove_file(h.sandbox.path().join("out")).expect("remove");
    assert!(h.resume().contains("saved"));
}
