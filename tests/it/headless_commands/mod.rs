//! The headless subcommands against `sora-tui sim` in another process: `jobs`, `status`,
//! `download`, `delete` and `remix`, for the families that have them.

use crate::common;

use std::process::Output;
use std::time::{Duration, Instant};

use common::{SAMPLE_MP4, Sandbox, SimProcess, run_bounded};
use serde_json::Value;

mod config_and_logs;
mod hostile_inputs;
mod job_cycle;

fn run(sandbox: &Sandbox, sim: &SimProcess, provider: &str, args: &[&str]) -> Output {
    let config = sandbox.fast_config();
    let mut cmd = sandbox.command();
    cmd.arg("--config").arg(&config).args(args);
    for (k, v) in &sim.env {
        cmd.env(k, v);
    }
    cmd.env("SORA_TUI_PROVIDER", provider);
    if provider == "openai" {
        cmd.env(
            "OPENAI_BASE_URL",
            format!("{}/v1", sim.var("AZURE_OPENAI_ENDPOINT")),
        );
    }
    cmd.output().expect("run sora-tui")
}

fn ok(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}
