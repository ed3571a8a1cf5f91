//! The bad-input matrix: config values, special and missing files, endpoints, prompts, model
//! parameters, images, bucket paths, ids and flag combinations. Each case ends with a non-zero
//! exit (no panic), a message that names what to fix, nothing downloaded or half-written, and
//! — against a running simulator — no job created anywhere.

use crate::common;

use std::path::Path;
use std::time::Duration;

use common::{Sandbox, SimProcess, run_bounded};

mod cases;

use cases::cases;

/// One bad input: the arguments, env changes (`None` removes the variable), a config file's
/// text (written to `bad.toml` and passed with `--config`), and words the message must hold.
struct Case {
    args: &'static [&'static str],
    env: &'static [(&'static str, Option<&'static str>)],
    config: Option<&'static str>,
    says: &'static [&'static str],
}

const fn case(args: &'static [&'static str], says: &'static [&'static str]) -> Case {
    Case {
        args,
        env: &[],
        config: None,
        says,
    }
}

const fn with_env(
    args: &'static [&'static str],
    env: &'static [(&'static str, Option<&'static str>)],
    says: &'static [&'static str],
) -> Case {
    Case {
        args,
        env,
        config: None,
        says,
    }
}

const fn with_config(
    text: &'static str,
    args: &'static [&'static str],
    says: &'static [&'static str],
) -> Case {
    Case {
        args,
        env: &[],
        config: Some(text),
        says,
    }
}

#[test]
fn every_bad_input_is_refused_with_what_to_fix_and_nothing_is_sent_or_written() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let dir = sandbox.path();
    std::fs::write(dir.join("notes.txt"), "not an image").expect("write");
    let fifo = dir.join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success(), "mkfifo");
    let out = dir.join("out");
    let cases = cases();
    assert!(cases.len() >= 50, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let mut cmd = sandbox.command();
        cmd.current_dir(dir);
        for (k, v) in &sim.env {
            cmd.env(k, v);
        }
        for (k, v) in case.env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        cmd.env("SORA_TUI_DOWNLOAD_DIR", &out);
        if let Some(text) = case.config {
            let path = dir.join("bad.toml");
            std::fs::write(&path, text).expect("config");
            cmd.arg("--config").arg(&path);
        }
        cmd.args(case.args);
        // A bad input ends at once; one that hangs fails the test.
        let output = run_bounded(cmd, Duration::from_secs(30));
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let code = output.status.code();
        let problem = if output.status.success() {
            Some("exit 0".to_string())
        } else if code == Some(101) || text.contains("panicked") {
            Some("a panic".to_string())
        } else {
            case.says
                .iter()
                .find(|w| !text.contains(*w))
                .map(|w| format!("no `{w}` in the message"))
        };
        if let Some(problem) = problem {
            failures.push(format!("{:?}: {problem}:\n{text}", case.args));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(no_video_in(&out), "nothing downloaded or half-written");
    let requests = sim.requests();
    let creates: Vec<_> = requests
        .iter()
        .filter(|r| {
            r["method"] == "POST" && !r["path"].as_str().unwrap_or("").starts_with("/storage/")
        })
        .collect();
    assert!(creates.is_empty(), "nothing was created: {creates:?}");
}

fn no_video_in(dir: &Path) -> bool {
    std::fs::read_dir(dir).map_or(true, |d| {
        d.flatten().all(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            !name.ends_with(".mp4") && !name.ends_with(".partial")
        })
    })
}

#[test]
fn a_command_asked_for_json_reports_its_error_as_json_on_stdout() {
    let sandbox = Sandbox::new();
    for args in [
        &["status", "..", "--json", "--provider", "runway"][..],
        &["jobs", "--json", "--provider", "azure-sora"][..],
        &["ls", "../x", "--json"][..],
        // Refused by the argument parser itself, before the command runs.
        &["history", "--json", "--no-such-flag"][..],
        &["ls", "--json", "--sort", "colour"][..],
    ] {
        let output = sandbox
            .command()
            .env("RUNWAYML_API_SECRET", "key_x")
            .args(args)
            .output()
            .expect("run");
        assert!(!output.status.success(), "{args:?}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let answer: serde_json::Value = serde_json::from_str(stdout.trim())
            .unwrap_or_else(|e| panic!("{args:?}: stdout is not JSON ({e}): {stdout}"));
        assert!(
            answer["error"].as_str().is_some_and(|m| !m.is_empty()),
            "{args:?}: {answer}"
        );
    }
    // --help is no error, JSON asked or not.
    let help = sandbox
        .command()
        .args(["history", "--json", "--help"])
        .output()
        .expect("run");
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("Usage"));
}
