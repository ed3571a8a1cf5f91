//! The bad-input matrix itself: one case per bad input, grouped by what is wrong (config
//! values, the dashboard's keys, services and endpoints, prompts, model parameters, images,
//! ids, bucket paths, flags).

use super::{Case, case, with_config, with_env};

const GEN_RUNWAY: &[&str] = &["generate", "a fox", "--provider", "runway"];

pub(super) fn cases() -> Vec<Case> {
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
