//! No key ever leaks: every service's key (Azure, OpenAI, Runway, fal.ai, Supabase) goes through
//! the headless flows of every provider and the demo, with uploads, errors, `--json` output,
//! `doctor`, `history`, and a key the service refuses. None of the keys appears in any output,
//! log, journal or file name, and every request the simulator saw carried only the key of the
//! service it was for (none at all on the media origin).

use crate::common;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use common::{Sandbox, SimProcess, run_bounded};

const LIMIT: Duration = Duration::from_secs(120);

/// The env names of every key the simulator prints, by the service its routes belong to.
const KEYS: [(&str, &str); 5] = [
    ("AZURE_OPENAI_API_KEY", "azure"),
    ("OPENAI_API_KEY", "openai"),
    ("RUNWAYML_API_SECRET", "runway"),
    ("FAL_KEY", "fal"),
    ("SUPABASE_SERVICE_ROLE_KEY", "storage"),
];

/// Which service a recorded request was for, from its route.
fn service_of(request: &serde_json::Value) -> &'static str {
    let path = request["path"].as_str().unwrap_or("");
    if request["origin"] == "media" {
        "media"
    } else if path.starts_with("/storage/") {
        "storage"
    } else if path.starts_with("/openai/") {
        "azure"
    } else if path.starts_with("/v1/videos") {
        "openai"
    } else if path.starts_with("/v1/") {
        "runway"
    } else if path.starts_with("/fal-ai/") || path.starts_with("/workflows/") {
        "fal"
    } else {
        "control"
    }
}

/// Every file under `dir`, read whole (logs, journals, downloads are small here).
fn files_under(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path.display().to_string(), bytes));
        }
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn no_key_reaches_any_output_log_journal_file_or_other_service() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &["--status-step", "0.3"]);
    let config = sandbox.fast_config();
    let out = sandbox.path().join("videos");
    let out_arg = out.to_str().expect("utf-8").to_string();
    let command = |args: &[&str]| {
        let mut cmd = sandbox.command();
        cmd.arg("--config").arg(&config).args(args);
        for (k, v) in &sim.env {
            cmd.env(k, v);
        }
        cmd
    };
    let mut outputs: Vec<(String, Output)> = Vec::new();
    let mut flows: Vec<Vec<&str>> = Vec::new();
    for provider in ["runway", "fal", "azure-sora", "azure-sora2", "openai"] {
        flows.push(vec![
            "generate",
            "a red fox",
            "--provider",
            provider,
            "--out",
            &out_arg,
            "--upload",
        ]);
    }
    flows.push(vec!["doctor", "--json"]);
    flows.push(vec!["doctor", "--probe"]);
    flows.push(vec!["history", "--json"]);
    flows.push(vec!["jobs", "--json", "--provider", "azure-sora"]);
    flows.push(vec!["ls", "output-videos", "--json"]);
    for args in &flows {
        let output = run_bounded(command(args), LIMIT);
        outputs.push((args.join(" "), output));
    }
    // A key the service refuses: its error must not echo it either.
    let refused_key = format!("key_{}", "f00dfeed".repeat(16));
    let mut cmd = command(&[
        "generate",
        "a fox",
        "--provider",
        "runway",
        "--out",
        &out_arg,
    ]);
    cmd.env("RUNWAYML_API_SECRET", &refused_key);
    let output = run_bounded(cmd, LIMIT);
    assert!(!output.status.success(), "a refused key fails the run");
    outputs.push(("generate with a refused key".into(), output));
    // The demo in-process, headless.
    let output = run_bounded(
        command(&[
            "--demo",
            "generate",
            "a red fox",
            "--provider",
            "runway",
            "--out",
            &out_arg,
        ]),
        LIMIT,
    );
    outputs.push(("--demo generate".into(), output));

    let mut keys: Vec<(&str, String)> = KEYS
        .iter()
        .map(|(name, _)| (*name, sim.var(name).to_string()))
        .collect();
    keys.push(("the refused Runway key", refused_key));
    // Outputs of every flow (the runs worked, so there was something to leak).
    for (what, output) in &outputs {
        for (name, key) in &keys {
            for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
                assert!(
                    !contains(bytes, key),
                    "{name} printed on {stream} of `{what}`:\n{}",
                    String::from_utf8_lossy(bytes)
                );
            }
        }
    }
    let generated = outputs
        .iter()
        .filter(|(w, o)| w.starts_with("generate") && o.status.success());
    assert_eq!(generated.count(), 5, "every provider's flow worked");
    // Logs, journals, downloads: every file the runs wrote.
    let mut files = Vec::new();
    files_under(sandbox.path(), &mut files);
    assert!(
        files.iter().any(|(p, _)| p.ends_with("journal.jsonl")),
        "a journal was written"
    );
    assert!(
        files.iter().any(|(p, _)| p.ends_with("sora-tui.log")),
        "a log was written"
    );
    for (path, bytes) in &files {
        if path.ends_with("config.toml") {
            continue;
        }
        for (name, key) in &keys {
            assert!(!contains(bytes, key), "{name} written to {path}");
            assert!(
                !path.contains(key.as_str()),
                "{name} in a file name: {path}"
            );
        }
    }
    // Every request carried only its own service's key.
    let requests = sim.requests();
    assert!(requests.len() > 20, "the flows reached the simulator");
    for request in &requests {
        let service = service_of(request);
        let headers = request["headers"].to_string();
        let query = request["query"].to_string();
        for (name, owner) in KEYS {
            if owner == service {
                continue;
            }
            let key = sim.var(name);
            assert!(
                !headers.contains(key) && !query.contains(key),
                "{name} sent to {service} ({} {}): {headers}",
                request["method"],
                request["path"]
            );
        }
    }
}
