//! The headless storage commands (`buckets`, `ls`, `upload`, `get`, `url`, `rm`) as a script
//! runs them: the binary against `sora-tui sim` in another process, judged by exit codes, JSON
//! shapes, the bytes that come back and the messages a person reads.

use crate::common;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use common::{Sandbox, SimProcess};
use serde_json::Value;

mod get_and_url;
mod refusals;
mod round_trip;
mod uploads;

/// Run `sora-tui ARGS` with the sim's Supabase env and `config` (if any).
fn run(sandbox: &Sandbox, sim: &SimProcess, config: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = sandbox.command();
    if let Some(config) = config {
        cmd.arg("--config").arg(config);
    }
    cmd.args(args);
    for (k, v) in &sim.env {
        cmd.env(k, v);
    }
    cmd.output().expect("run sora-tui")
}

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

/// The command failed with exit status 1; returns its stderr.
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
    (0..len).map(|i| ((i * 31 + seed) % 251) as u8).collect()
}

/// The one line of `stdout` that starts with `prefix`, without it.
fn line_after<'a>(stdout: &'a str, prefix: &str) -> &'a str {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` line in:\n{stdout}"))
        .trim()
}
