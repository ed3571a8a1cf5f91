//! The bad-input matrix: config values, special and missing files, endpoints, prompts, model
//! parameters, images, bucket paths, ids and flag combinations. Each case ends with a non-zero
//! exit (no panic), a message that names what to fix, nothing downloaded or half-written, and
//! — against a running simulator — no job created anywhere.

use crate::common;

use std::path::Path;
use std::time::Duration;

use common::{Sandbox, SimProcess, run_bounded};

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

const GEN_RUNWAY: &[&str] = &["generate", "a fox", "--provider", "runway"];

fn cases() -> Vec<Case> {
    vec![
        // Config files: types, ranges, unknown keys, special files.
        with_config("provider = 5\n", &["jobs"], &["line 1", "provider"]),
        with_config("provider = \"sora9\"\n", &["jobs"], &["provider", "runway"]),
        with_config(
            "unknown_key = 1\n",
            &["jobs"],
            &["unknown_key", "expected one of"],
        ),
        with_config(
            "[download]\npoll_interval_secs = -1\n",
            &["jobs"],
            &["download.poll_interval_secs", "0.05 to 600"],
        ),
        with_config(
            "[http]\nconnect_timeout_secs = 0\n",
            &["jobs"],
            &["http.connect_timeout_secs"],
        ),
        with_config(
            "[runway]\nmodel = \"gen9\"\n",
            GEN_RUNWAY,
            &["runway.model", "gen4.5"],
        ),
        with_config(
            "[fal]\nmodel = \"fal-ai/nope\"\n",
            &["generate", "a fox", "--provider", "fal"],
            &["fal.model", "fal-ai/veo3.1"],
        ),
        with_config(
            "[[fal.models]]\nid = \"x/y\"\nmode = \"image\"\n",
            &["generate", "a fox", "--provider", "fal"],
            &["fal.models", "image_field"],
        ),
        with_config(
            "[[fal.models]]\nid = \"x/y\"\nparams = [{ name = \"d\", type = \"choice\", values = [\"5\"], default = \"6\" }]\n",
            &["generate", "a fox", "--provider", "fal"],
            &["fal.models", "default"],
        ),
        case(
            &["jobs", "--log-level", "loud"],
            &["--log-level loud", "not a level", "debug"],
        ),
        // The dashboard's keys: refused before the terminal is touched, naming entry and file.
        with_config(
            "[keys]\n\"jobs.uplod\" = \"U\"\n",
            &["--provider", "azure-sora"],
            &[
                "[keys] \"jobs.uplod\"",
                "bad.toml",
                "its actions are",
                "upload",
            ],
        ),
        with_config(
            "[ui]\ntheme = \"solarised.toml\"\n",
            &["--provider", "azure-sora"],
            &["solarised.toml", "dark, light, no-color or a theme file"],
        ),
        with_config(
            "[keys]\n\"jobs.upload\" = \"x\"\n",
            &["--provider", "azure-sora"],
            &["jobs.delete_job", "bad.toml"],
        ),
        with_config(
            "[defaults]\nvariants = 9\n",
            &["generate", "a fox", "--provider", "azure-sora"],
            &["defaults.variants", "bad.toml"],
        ),
        with_config(
            "[defaults]\nseconds = 50\n",
            &["generate", "a fox", "--provider", "azure-sora"],
            &["defaults.seconds", "bad.toml"],
        ),
        with_config(
            "[azure]\ndeployment = \"\"\n",
            &["jobs", "--provider", "azure-sora"],
            &["deployment"],
        ),
        with_config(
            "[azure]\napi_version = \"\"\n",
            &["jobs", "--provider", "azure-sora"],
            &["api_version"],
        ),
        with_config(
            "[supabase]\noutput_bucket = \"out/videos\"\n",
            &["buckets"],
            &["output_bucket"],
        ),
        with_config("not toml at all [\n", &["jobs"], &["bad.toml", "line 1"]),
        case(
            &["--config", "/dev/zero", "jobs"],
            &["/dev/zero", "not a regular file"],
        ),
        case(
            &["--config", "/nonexistent/c.toml", "jobs"],
            &["/nonexistent/c.toml"],
        ),
        // Services and endpoints.
        case(
            &["--provider", "nope", "jobs"],
            &["--provider", "runway", "fal"],
        ),
        with_env(
            GEN_RUNWAY,
            &[("RUNWAYML_API_SECRET", None)],
            &["RUNWAYML_API_SECRET"],
        ),
        with_env(
            &["generate", "a fox", "--provider", "fal"],
            &[("FAL_KEY", None)],
            &["FAL_KEY"],
        ),
        with_env(
            &["jobs", "--provider", "azure-sora"],
            &[("AZURE_OPENAI_ENDPOINT", None)],
            &["AZURE_OPENAI_ENDPOINT"],
        ),
        with_env(
            &["jobs", "--provider", "azure-sora"],
            &[("AZURE_OPENAI_API_KEY", None)],
            &["AZURE_OPENAI_API_KEY"],
        ),
        with_env(
            &["jobs", "--provider", "openai"],
            &[("OPENAI_API_KEY", None)],
            &["OPENAI_API_KEY"],
        ),
        with_env(
            &["jobs", "--provider", "azure-sora"],
            &[("AZURE_OPENAI_ENDPOINT", Some("ftp://r.example"))],
            &["azure.endpoint"],
        ),
        with_env(
            &["jobs", "--provider", "azure-sora"],
            &[("AZURE_OPENAI_ENDPOINT", Some("not a url"))],
            &["azure.endpoint"],
        ),
        with_env(
            GEN_RUNWAY,
            &[("RUNWAYML_BASE_URL", Some("api.dev.runwayml.com"))],
            &["runway.base_url", "https://"],
        ),
        with_env(
            &["buckets"],
            &[("SUPABASE_URL", Some("p.supabase.co"))],
            &["supabase.url"],
        ),
        with_env(
            &["buckets"],
            &[("SUPABASE_SERVICE_ROLE_KEY", None)],
            &["SUPABASE_SERVICE_ROLE_KEY"],
        ),
        case(
            &["jobs", "--provider", "runway"],
            &["lists no tasks", "status ID"],
        ),
        // Prompts.
        case(
            &["generate", "", "--provider", "runway"],
            &["not sent", "prompt is empty"],
        ),
        case(
            &["generate", "   ", "--provider", "fal"],
            &["not sent", "prompt is empty"],
        ),
        case(
            &["generate", "", "--provider", "azure-sora"],
            &["prompt is empty"],
        ),
        // Model parameters.
        case(
            &[
                "generate",
                "a fox",
                "--provider",
                "runway",
                "--param",
                "ratio",
            ],
            &["NAME=VALUE"],
        ),
        case(
            &["generate", "a fox", "--provider", "runway", "--param", "=1"],
            &["NAME=VALUE"],
        ),
        case(
            &[
                "generate",
                "a fox",
                "--provider",
                "runway",
                "--param",
                "nope=1",
            ],
            &["takes no parameter nope", "ratio"],
        ),
        case(
            &[
                "generate",
                "a fox",
                "--provider",
                "runway",
                "--param",
                "ratio=4:3",
            ],
            &["1280:720"],
        ),
        case(
            &[
                "generate",
                "a fox",
                "--provider",
                "runway",
                "--param",
                "duration=99",
            ],
            &["duration", "2 to 10"],
        ),
        case(
            &[
                "generate",
                "a fox",
                "--provider",
                "runway",
                "--seconds",
                "99",
            ],
            &["duration", "2 to 10"],
        ),
        case(
            &["generate", "a fox", "--provider", "fal", "--seconds", "5"],
            &["duration", "8s"],
        ),
        case(
            &[
                "generate",
                "a fox",
                "--provider",
                "runway",
                "--size",
                "480x480",
            ],
            &["--size", "ratio"],
        ),
        case(
            &[
                "generate",
                "a fox",
                "--provider",
                "runway",
                "--variants",
                "2",
            ],
            &["one video per request"],
        ),
        case(
            &[
                "generate",
                "a fox",
                "--provider",
                "runway",
                "--model",
                "gen4_turbo",
            ],
            &["needs an image"],
        ),
        case(
            &[
                "generate",
                "a fox",
                "--provider",
                "runway",
                "--model",
                "gen9",
            ],
            &["gen4.5"],
        ),
        case(
            &[
                "generate",
                "a fox",
                "--provider",
                "azure-sora",
                "--param",
                "ratio=1",
            ],
            &["takes no parameter"],
        ),
        case(
            &[
                "generate",
                "a fox",
                "--provider",
                "azure-sora",
                "--size",
                "12x12",
            ],
            &["12x12", "valid sizes"],
        ),
        case(
            &[
                "generate",
                "a fox",
                "--provider",
                "azure-sora",
                "--size",
                "big",
            ],
            &["--size", "WIDTHxHEIGHT"],
        ),
        case(
            &[
                "generate",
                "a fox",
                "--provider",
                "azure-sora",
                "--seconds",
                "99",
            ],
            &["99 s", "valid lengths"],
        ),
        case(
            &[
                "generate",
                "a fox",
                "--provider",
                "azure-sora",
                "--variants",
                "0",
            ],
            &["variants"],
        ),
        // Images.
        case(
            &[
                "generate",
                "a fox",
                "--provider",
                "runway",
                "--image",
                "/dev/zero",
            ],
            &["/dev/zero", "not a regular file"],
        ),
        case(
            &[
                "generate",
                "a fox",
                "--provider",
                "runway",
                "--image",
                "/nonexistent.png",
            ],
            &["/nonexistent.png"],
        ),
        case(
            &[
                "generate",
                "a fox",
                "--provider",
                "fal",
                "--model",
                "fal-ai/veo3.1/image-to-video",
                "--image",
                "fifo",
            ],
            &["fifo", "not a regular file"],
        ),
        case(
            &[
                "generate",
                "a fox",
                "--provider",
                "runway",
                "--image",
                "notes.txt",
            ],
            &["notes.txt", "JPEG, PNG or WebP"],
        ),
        case(
            &[
                "generate",
                "a fox",
                "--provider",
                "azure-sora",
                "--image",
                "notes.txt",
            ],
            &["notes.txt", "JPEG, PNG or WebP"],
        ),
        // Ids.
        case(
            &["status", "..", "--provider", "fal"],
            &["not a job or video id", "nothing was sent"],
        ),
        case(
            &["status", "", "--provider", "azure-sora"],
            &["not a job or video id"],
        ),
        case(
            &["delete", "a/b", "--provider", "runway"],
            &["not a job or video id"],
        ),
        case(
            &["download", "a?b", "--provider", "azure-sora2"],
            &["not a job or video id"],
        ),
        case(
            &["download", "gen_1", "--variant", "nope"],
            &["nope", "video"],
        ),
        case(
            &["remix", "video_1", "x", "--provider", "runway"],
            &["cannot remix"],
        ),
        // Bucket paths.
        case(&["ls", ""], &["bucket"]),
        case(&["ls", "../x"], &["bucket"]),
        case(&["get", "output-videos/../etc/passwd"], &[".."]),
        case(
            &["upload", "/dev/zero", "output-videos/x.mp4"],
            &["/dev/zero", "not a regular file"],
        ),
        case(
            &["upload", "/nonexistent", "output-videos/x.mp4"],
            &["/nonexistent"],
        ),
        case(&["url", "output-videos"], &["BUCKET/PATH"]),
        // Flags.
        case(&["jobs", "--limit", "0"], &["--limit"]),
        case(&["generate"], &["<PROMPT>"]),
        case(&["rm", "--dry-run", "output-videos/x"], &["--recursive"]),
        case(
            &[
                "generate",
                "a fox",
                "--provider",
                "runway",
                "--out",
                "notes.txt",
            ],
            &["notes.txt"],
        ),
    ]
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
}
