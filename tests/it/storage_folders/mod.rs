//! The folder operations as a script runs them: `rm -r` (count, dry run, refusal without a
//! terminal, batches, the check of what is left), `upload -r` killed midway and run again,
//! `get -r`, `cp`/`mv` of files and folders within and across buckets, `ls` with search, sort,
//! recursion and totals, `du`, and what `--json` passes on. The binary runs against a simulator
//! (in this process when the test seeds thousands of objects, else `sora-tui sim`).

use crate::common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use common::{LocalSim, Sandbox, SimProcess};
use serde_json::Value;
use sora_sim::{Fault, FaultRoute, FaultRule, FaultTarget};

mod cp_mv;
mod ls_du;
mod rm_recursive;
mod upload_recursive;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(output: &Output) -> String {
    let stdout = text(&output.stdout);
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        text(&output.stderr)
    );
    stdout
}

fn failed(output: &Output) -> String {
    let stderr = text(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "expected exit 1\nstdout:\n{}\nstderr:\n{stderr}",
        text(&output.stdout)
    );
    stderr
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
}

fn pattern(len: usize, seed: usize) -> Vec<u8> {
    (0..len)
        .map(|i| ((i * 31 + seed * 7) % 251) as u8)
        .collect()
}

/// `sora-tui ARGS` with `env` (the simulator's lines) and an optional config file; stdin is
/// not a terminal.
fn run(
    sandbox: &Sandbox,
    env: &[(String, String)],
    config: Option<&Path>,
    args: &[&str],
) -> Output {
    let mut cmd = sandbox.command();
    if let Some(config) = config {
        cmd.arg("--config").arg(config);
    }
    cmd.args(args).envs(env.iter().map(|(k, v)| (k, v)));
    cmd.output().expect("run sora-tui")
}

fn count_line(sandbox: &Sandbox, env: &[(String, String)], location: &str) -> Value {
    json(&ok(&run(sandbox, env, None, &["du", location, "--json"])))
}
