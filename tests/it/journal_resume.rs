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
        let sandbox = Sandbox::new();
        let sim = SimProcess::start(
            &sandbox,
            &["--status-step", status_step, "--content-delay", "0"],
        );
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
    assert!(
        resumed.contains("resuming") && resumed.contains("Upload"),
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
    let created: serde_json::Value = h.runtime.block_on(async {
        let base = h.sim.var("AZURE_OPENAI_ENDPOINT");
        reqwest_client()
            .post(format!("{base}/openai/v1/video/generations/jobs?api-version=preview"))
            .header("api-key", h.sim.var("AZURE_OPENAI_API_KEY"))
            .json(&serde_json::json!({"model":"sora","prompt":"a lost fox","width":480,"height":480,"n_seconds":5,"n_variants":1}))
            .send()
            .await
            .expect("create")
            .json()
            .await
            .expect("json")
    });
    let data_dir = h.sandbox.path().join("data").join("sora-tui");
    {
        let (journal, _) = sora_core::journal::Journal::open(&data_dir).expect("journal");
        let intent = |prompt: &str| sora_core::journal::Event::Intent {
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
            download_dir: None,
        };
        journal
            .append("j-found", intent("a lost fox"))
            .expect("append");
        // And one whose request never left the machine.
        journal
            .append("j-never", intent("a fox that never was"))
            .expect("append");
    }
    let output = h.command(&["resume"]).output().expect("resume");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "one of the two could not be resumed"
    );
    assert!(
        stdout.contains(&format!("created {}", created["id"].as_str().expect("id"))),
        "{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("saved"),
        "the found job was downloaded:\n{stdout}"
    );
    assert!(
        stderr.contains("never reached") && stderr.contains("nothing was created or charged"),
        "{stderr}"
    );
    assert_eq!(h.jobs_on_service().len(), 1, "nothing was sent again");
    // The unreachable intent is closed: a second resume has nothing to do.
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
