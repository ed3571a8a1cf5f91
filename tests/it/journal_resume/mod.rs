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

mod interrupted;
mod reconcile;

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
        // Resuming sends no new (paid) job: nothing it prints may read like one.
        let all = format!("{stdout}{}", String::from_utf8_lossy(&output.stderr));
        assert!(!all.contains("submitting"), "{all}");
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
                sora_core::journal::test_support::intent(prompt)
                    .download_dir(self.sandbox.path().join("out").display().to_string())
                    .event(),
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

fn job_id_of(line: &str) -> String {
    line.split("created ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .expect("job id")
        .to_string()
}
