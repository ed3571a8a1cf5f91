//! The headless storage commands (`buckets`, `ls`, `upload`, `get`, `url`, `rm`) as a script
//! runs them: the binary against `sora-tui sim` in another process, judged by exit codes, JSON
//! shapes, the bytes that come back and the messages a person reads.

use crate::common;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use common::{Sandbox, SimProcess};
use serde_json::Value;

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

/// GET a URL without any key (bounded: 10 s).
fn fetch(url: &str) -> (u16, Vec<u8>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = sora_core::http::client().expect("client");
        let response = tokio::time::timeout(Duration::from_secs(10), client.get(url).send())
            .await
            .expect("an answer within 10 s")
            .expect("answer");
        let status = response.status().as_u16();
        (status, response.bytes().await.expect("body").to_vec())
    })
}

/// The one line of `stdout` that starts with `prefix`, without it.
fn line_after<'a>(stdout: &'a str, prefix: &str) -> &'a str {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` line in:\n{stdout}"))
        .trim()
}

#[test]
fn buckets_lists_the_configured_buckets_as_text_and_json() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let listed = json(&ok(&run(&sandbox, &sim, None, &["buckets", "--json"])));
    let buckets = listed.as_array().expect("an array of buckets");
    let names: Vec<&str> = buckets
        .iter()
        .map(|b| b["name"].as_str().expect("name is a string"))
        .collect();
    assert!(
        names.contains(&"input-images") && names.contains(&"output-videos"),
        "{names:?}"
    );
    for b in buckets {
        assert!(b["id"].is_string(), "{b}");
        assert!(b["public"].is_boolean(), "{b}");
        assert!(b.get("file_size_limit").is_some(), "{b}");
        assert!(b.get("allowed_mime_types").is_some(), "{b}");
    }

    let plain = ok(&run(&sandbox, &sim, None, &["buckets"]));
    let line = plain
        .lines()
        .find(|l| l.starts_with("output-videos\t"))
        .unwrap_or_else(|| panic!("no output-videos line:\n{plain}"));
    let columns: Vec<&str> = line.split('\t').collect();
    assert_eq!(columns.len(), 4, "name, public, limit, types: {line}");
    assert_eq!(columns[1], "public");
}

#[test]
fn upload_ls_get_url_rm_round_trip() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let file = sandbox.path().join("clip.mp4");
    let original = pattern(200 * 1024, 0);
    std::fs::write(&file, &original).expect("write");
    let file_arg = file.to_str().expect("utf-8");

    // upload: exit 0, the object key and its public URL.
    let uploaded = ok(&run(
        &sandbox,
        &sim,
        None,
        &["upload", file_arg, "output-videos/tests/clip.mp4"],
    ));
    assert_eq!(
        line_after(&uploaded, "uploaded "),
        "output-videos/tests/clip.mp4"
    );
    let public_url = line_after(&uploaded, "public URL: ").to_string();
    assert!(
        public_url.ends_with("/storage/v1/object/public/output-videos/tests/clip.mp4"),
        "{public_url}"
    );

    // ls at the root shows the folder; in the folder, the file with its size and type.
    let root = json(&ok(&run(
        &sandbox,
        &sim,
        None,
        &["ls", "output-videos", "--json"],
    )));
    let folder = root
        .as_array()
        .expect("array")
        .iter()
        .find(|e| e["name"] == "tests")
        .unwrap_or_else(|| panic!("no tests/ folder in {root}"));
    assert!(folder["id"].is_null(), "a folder has no id: {folder}");
    let inside = json(&ok(&run(
        &sandbox,
        &sim,
        None,
        &["ls", "output-videos/tests", "--json"],
    )));
    let entries = inside.as_array().expect("array");
    assert_eq!(entries.len(), 1, "{inside}");
    let entry = &entries[0];
    assert_eq!(entry["name"], "clip.mp4");
    assert!(entry["id"].is_string(), "{entry}");
    assert_eq!(entry["metadata"]["size"], original.len() as u64);
    assert_eq!(entry["metadata"]["mimetype"], "video/mp4");
    let plain = ok(&run(&sandbox, &sim, None, &["ls", "output-videos/tests"]));
    assert!(
        plain.starts_with(&format!("clip.mp4\t{}\t", original.len())),
        "{plain}"
    );
    let plain_root = ok(&run(&sandbox, &sim, None, &["ls", "output-videos"]));
    assert!(plain_root.lines().any(|l| l == "tests/"), "{plain_root}");

    // get: byte-identical.
    let copy = sandbox.path().join("back").join("copy.mp4");
    let got = ok(&run(
        &sandbox,
        &sim,
        None,
        &[
            "get",
            "output-videos/tests/clip.mp4",
            "--out",
            copy.to_str().expect("utf-8"),
        ],
    ));
    assert!(
        got.contains(&format!("({} bytes)", original.len())),
        "{got}"
    );
    assert_eq!(std::fs::read(&copy).expect("read"), original);

    // url: the public URL serves the bytes without a key; so does a signed one.
    let url = ok(&run(
        &sandbox,
        &sim,
        None,
        &["url", "output-videos/tests/clip.mp4"],
    ));
    assert_eq!(url.trim(), public_url);
    assert_eq!(fetch(url.trim()), (200, original.clone()));
    let signed = ok(&run(
        &sandbox,
        &sim,
        None,
        &["url", "output-videos/tests/clip.mp4", "--signed", "60"],
    ));
    let signed = signed.trim();
    assert!(
        signed.contains("/storage/v1/object/sign/output-videos/tests/clip.mp4?token="),
        "{signed}"
    );
    assert_eq!(fetch(signed), (200, original.clone()));

    // A second upload to the same path is refused (409) with the server's message and what to
    // do; with --upsert it overwrites.
    let changed = pattern(150 * 1024, 7);
    std::fs::write(&file, &changed).expect("write");
    let refused = failed(&run(
        &sandbox,
        &sim,
        None,
        &["upload", file_arg, "output-videos/tests/clip.mp4"],
    ));
    assert!(
        refused.contains("409") && refused.contains("The resource already exists"),
        "{refused}"
    );
    assert!(refused.contains("--upsert"), "a hint: {refused}");
    let copy_arg = copy.to_str().expect("utf-8");
    ok(&run(
        &sandbox,
        &sim,
        None,
        &[
            "get",
            "output-videos/tests/clip.mp4",
            "--out",
            copy_arg,
            "--force",
        ],
    ));
    assert_eq!(
        std::fs::read(&copy).expect("read"),
        original,
        "the refused upload changed nothing"
    );
    ok(&run(
        &sandbox,
        &sim,
        None,
        &[
            "upload",
            file_arg,
            "output-videos/tests/clip.mp4",
            "--upsert",
        ],
    ));
    ok(&run(
        &sandbox,
        &sim,
        None,
        &[
            "get",
            "output-videos/tests/clip.mp4",
            "--out",
            copy_arg,
            "--force",
        ],
    ));
    assert_eq!(std::fs::read(&copy).expect("read"), changed, "overwritten");

    // rm: gone from the listing and from its URL; removing it again says so and exits 1.
    let removed = ok(&run(
        &sandbox,
        &sim,
        None,
        &["rm", "output-videos/tests/clip.mp4"],
    ));
    assert!(
        removed.contains("deleted output-videos/tests/clip.mp4"),
        "{removed}"
    );
    let after = json(&ok(&run(
        &sandbox,
        &sim,
        None,
        &["ls", "output-videos/tests", "--json"],
    )));
    assert_eq!(after, Value::Array(vec![]), "no longer listed");
    let root = json(&ok(&run(
        &sandbox,
        &sim,
        None,
        &["ls", "output-videos", "--json"],
    )));
    assert!(
        !root
            .as_array()
            .expect("array")
            .iter()
            .any(|e| e["name"] == "tests"),
        "the emptied folder is gone: {root}"
    );
    assert_eq!(
        fetch(&public_url).0,
        400,
        "the public URL no longer serves it"
    );
    let again = failed(&run(
        &sandbox,
        &sim,
        None,
        &["rm", "output-videos/tests/clip.mp4"],
    ));
    assert!(
        again.contains("not found: output-videos/tests/clip.mp4"),
        "{again}"
    );
}

#[test]
fn rm_takes_several_objects_across_buckets() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let file = sandbox.path().join("a.png");
    std::fs::write(&file, pattern(1000, 3)).expect("write");
    let file_arg = file.to_str().expect("utf-8");
    for target in [
        "input-images/x/a.png",
        "input-images/x/b.png",
        "output-videos/a.png",
    ] {
        ok(&run(&sandbox, &sim, None, &["upload", file_arg, target]));
    }
    let removed = ok(&run(
        &sandbox,
        &sim,
        None,
        &[
            "rm",
            "input-images/x/a.png",
            "output-videos/a.png",
            "input-images/x/b.png",
        ],
    ));
    assert_eq!(removed.lines().count(), 3, "{removed}");
    for bucket in ["input-images/x", "output-videos"] {
        let listed = json(&ok(&run(&sandbox, &sim, None, &["ls", bucket, "--json"])));
        assert!(
            !listed
                .as_array()
                .expect("array")
                .iter()
                .any(|e| e["name"] == "a.png" || e["name"] == "b.png"),
            "{bucket}: {listed}"
        );
    }
}

#[test]
fn a_missing_bucket_is_reported_with_how_to_create_it() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let file = sandbox.path().join("clip.mp4");
    std::fs::write(&file, pattern(1000, 1)).expect("write");
    let listing = failed(&run(
        &sandbox,
        &sim,
        None,
        &["ls", "no-such-bucket", "--json"],
    ));
    assert!(
        listing.contains("Bucket not found") && listing.contains("create the bucket"),
        "{listing}"
    );
    let upload = failed(&run(
        &sandbox,
        &sim,
        None,
        &[
            "upload",
            file.to_str().expect("utf-8"),
            "no-such-bucket/clip.mp4",
        ],
    ));
    assert!(
        upload.contains("Bucket not found") && upload.contains("create the bucket"),
        "{upload}"
    );
    let get = failed(&run(
        &sandbox,
        &sim,
        None,
        &["get", "no-such-bucket/clip.mp4", "--out", "x.mp4"],
    ));
    assert!(get.contains("no-such-bucket/clip.mp4"), "{get}");
}

#[test]
fn a_large_upload_goes_resumable_and_reports_its_progress() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    // Anything above ~10 KiB goes through the TUS endpoint.
    let config = sandbox.path().join("config.toml");
    std::fs::write(&config, "[supabase]\nresumable_threshold_mib = 0.01\n").expect("config");
    let file = sandbox.path().join("big.mp4");
    let original = pattern(300 * 1024, 5);
    std::fs::write(&file, &original).expect("write");
    let output = run(
        &sandbox,
        &sim,
        Some(&config),
        &[
            "upload",
            file.to_str().expect("utf-8"),
            "output-videos/big.mp4",
        ],
    );
    let stdout = ok(&output);
    assert_eq!(line_after(&stdout, "uploaded "), "output-videos/big.mp4");
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "uploaded {len} of {len} bytes",
            len = original.len()
        )),
        "progress lines on stderr:\n{stderr}"
    );
    let copy = sandbox.path().join("big-copy.mp4");
    ok(&run(
        &sandbox,
        &sim,
        Some(&config),
        &[
            "get",
            "output-videos/big.mp4",
            "--out",
            copy.to_str().expect("utf-8"),
        ],
    ));
    assert_eq!(std::fs::read(&copy).expect("read"), original);
    assert!(
        !sandbox.path().join("big.mp4.sora-tus").exists(),
        "the resume sidecar is removed once the object exists"
    );
}

/// Like [`run`], with `SUPABASE_SERVICE_ROLE_KEY` set to `key`.
fn run_with_key(sandbox: &Sandbox, sim: &SimProcess, key: &str, args: &[&str]) -> Output {
    let mut cmd = sandbox.command();
    cmd.args(args);
    for (k, v) in &sim.env {
        cmd.env(k, v);
    }
    cmd.env("SUPABASE_SERVICE_ROLE_KEY", key);
    cmd.output().expect("run sora-tui")
}

#[test]
fn an_anon_key_is_named_first_by_every_storage_command() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let config = sora_sim::SimConfig::default();
    let file = sandbox.path().join("clip.mp4");
    std::fs::write(&file, pattern(1000, 2)).expect("write");
    let file_arg = file.to_str().expect("utf-8");
    for (key, what) in [
        (
            &config.supabase_anon_key,
            "this is the anon key (role anon)",
        ),
        (
            &config.supabase_publishable_key,
            "this is the publishable key (sb_publishable_…)",
        ),
    ] {
        for args in [
            vec!["buckets"],
            vec!["ls", "output-videos"],
            vec!["upload", file_arg, "output-videos/clip.mp4"],
        ] {
            let output = run_with_key(&sandbox, &sim, key, &args);
            let stderr = failed(&output);
            assert!(
                stderr.starts_with(&format!("sora-tui: {what}: use the service-role key")),
                "{args:?}:\n{stderr}"
            );
            assert!(!stderr.contains(key.as_str()), "the key is never printed");
            assert!(
                text(&output.stdout).is_empty(),
                "nothing else is said: {args:?}"
            );
        }
    }
    // The newer secret form is the service role.
    let listed = ok(&run_with_key(
        &sandbox,
        &sim,
        &config.supabase_secret_key,
        &["buckets"],
    ));
    assert!(listed.contains("output-videos\t"), "{listed}");
}

#[test]
fn object_paths_with_dot_or_empty_parts_are_refused_at_every_size() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let config = sandbox.path().join("config.toml");
    std::fs::write(&config, "[supabase]\nresumable_threshold_mib = 0.01\n").expect("config");
    let small = sandbox.path().join("small.mp4");
    std::fs::write(&small, pattern(1000, 3)).expect("write");
    let big = sandbox.path().join("big.mp4");
    std::fs::write(&big, pattern(100 * 1024, 4)).expect("write");
    for target in [
        "output-videos/a/../b.mp4",
        "output-videos/./b.mp4",
        "output-videos/a//b.mp4",
        "../b.mp4",
    ] {
        let mut messages = Vec::new();
        for file in [&small, &big] {
            let stderr = failed(&run(
                &sandbox,
                &sim,
                Some(&config),
                &["upload", file.to_str().expect("utf-8"), target],
            ));
            assert!(stderr.contains("is not a usable"), "{target}:\n{stderr}");
            messages.push(stderr);
        }
        assert_eq!(messages[0], messages[1], "the same refusal at both sizes");
    }
    let listing = json(&ok(&run(
        &sandbox,
        &sim,
        None,
        &["ls", "output-videos", "--json"],
    )));
    assert_eq!(listing, serde_json::json!([]), "nothing was stored");
}

#[test]
fn get_keeps_an_existing_file_unless_forced_and_saves_into_a_folder() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let file = sandbox.path().join("clip.mp4");
    let original = pattern(5000, 6);
    std::fs::write(&file, &original).expect("write");
    ok(&run(
        &sandbox,
        &sim,
        None,
        &[
            "upload",
            file.to_str().expect("utf-8"),
            "output-videos/f/clip.mp4",
        ],
    ));
    let mine = sandbox.path().join("mine.mp4");
    std::fs::write(&mine, b"my own file").expect("write");
    let mine_arg = mine.to_str().expect("utf-8");
    let refused = failed(&run(
        &sandbox,
        &sim,
        None,
        &["get", "output-videos/f/clip.mp4", "--out", mine_arg],
    ));
    assert!(
        refused.contains("exists") && refused.contains("--force"),
        "{refused}"
    );
    assert_eq!(
        std::fs::read(&mine).expect("read"),
        b"my own file",
        "left alone"
    );
    ok(&run(
        &sandbox,
        &sim,
        None,
        &[
            "get",
            "output-videos/f/clip.mp4",
            "--out",
            mine_arg,
            "--force",
        ],
    ));
    assert_eq!(std::fs::read(&mine).expect("read"), original, "replaced");

    let folder = sandbox.path().join("downloads");
    std::fs::create_dir(&folder).expect("mkdir");
    let saved = ok(&run(
        &sandbox,
        &sim,
        None,
        &[
            "get",
            "output-videos/f/clip.mp4",
            "--out",
            folder.to_str().expect("utf-8"),
        ],
    ));
    assert!(saved.contains("clip.mp4"), "{saved}");
    assert_eq!(
        std::fs::read(folder.join("clip.mp4")).expect("read"),
        original
    );
    assert!(
        !sandbox.path().join("downloads.partial").exists(),
        "no partial file beside the folder"
    );
}

/// Make a private bucket in the running simulator (bounded: 10 s).
fn create_private_bucket(sim: &SimProcess, name: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let storage = sora_core::storage::StorageClient::new(
            sora_core::http::client().expect("client"),
            url::Url::parse(sim.var("SUPABASE_URL")).expect("url"),
            sora_core::secret::Secret::new(sim.var("SUPABASE_SERVICE_ROLE_KEY")),
        );
        tokio::time::timeout(Duration::from_secs(10), storage.create_bucket(name, false))
            .await
            .expect("an answer within 10 s")
            .expect("bucket created");
    });
}

#[test]
fn url_checks_first_and_prints_no_url_that_would_not_open() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    create_private_bucket(&sim, "secret-stuff");
    let file = sandbox.path().join("clip.mp4");
    std::fs::write(&file, pattern(1000, 7)).expect("write");
    let file_arg = file.to_str().expect("utf-8");
    ok(&run(
        &sandbox,
        &sim,
        None,
        &["upload", file_arg, "secret-stuff/clip.mp4"],
    ));
    for (object, says) in [
        ("output-videos/no-such.mp4", "Object not found"),
        ("no-such-bucket/clip.mp4", "Bucket not found"),
        ("secret-stuff/clip.mp4", "--signed"),
    ] {
        let output = run(&sandbox, &sim, None, &["url", object]);
        let stderr = failed(&output);
        assert!(stderr.contains(says), "{object}:\n{stderr}");
        assert!(
            text(&output.stdout).is_empty(),
            "no URL printed for {object}"
        );
    }
    let signed = ok(&run(
        &sandbox,
        &sim,
        None,
        &["url", "secret-stuff/clip.mp4", "--signed", "60"],
    ));
    assert!(signed.contains("token="), "{signed}");
}

#[test]
fn rm_of_a_folder_says_it_is_a_folder() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let file = sandbox.path().join("clip.mp4");
    std::fs::write(&file, pattern(1000, 8)).expect("write");
    let file_arg = file.to_str().expect("utf-8");
    ok(&run(
        &sandbox,
        &sim,
        None,
        &["upload", file_arg, "output-videos/folder/clip.mp4"],
    ));
    let stderr = failed(&run(&sandbox, &sim, None, &["rm", "output-videos/folder"]));
    assert!(
        stderr.contains("output-videos/folder is a folder") && stderr.contains("rm -r"),
        "{stderr}"
    );
    assert!(!stderr.contains("not found"), "{stderr}");
    let stderr = failed(&run(
        &sandbox,
        &sim,
        None,
        &["rm", "output-videos/nothing-here"],
    ));
    assert!(
        stderr.contains("not found: output-videos/nothing-here"),
        "{stderr}"
    );
}

#[test]
fn content_types_come_from_the_file_name_or_the_flag() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let notes = sandbox.path().join("notes.txt");
    std::fs::write(&notes, "hello").expect("write");
    let clip = sandbox.path().join("clip.webm");
    std::fs::write(&clip, pattern(100, 9)).expect("write");
    let raw = sandbox.path().join("data.bin");
    std::fs::write(&raw, pattern(100, 10)).expect("write");
    let arg = |p: &Path| p.to_str().expect("utf-8").to_string();
    ok(&run(
        &sandbox,
        &sim,
        None,
        &["upload", &arg(&notes), "output-videos/t/notes.txt"],
    ));
    ok(&run(
        &sandbox,
        &sim,
        None,
        &["upload", &arg(&clip), "output-videos/t/clip.webm"],
    ));
    ok(&run(
        &sandbox,
        &sim,
        None,
        &[
            "upload",
            &arg(&raw),
            "output-videos/t/data.bin",
            "--content-type",
            "application/json",
        ],
    ));
    let listed = json(&ok(&run(
        &sandbox,
        &sim,
        None,
        &["ls", "output-videos/t", "--json"],
    )));
    let types: Vec<(String, String)> = listed
        .as_array()
        .expect("array")
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap_or_default().to_string(),
                e["metadata"]["mimetype"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    assert!(
        types.contains(&("notes.txt".into(), "text/plain".into())),
        "{types:?}"
    );
    assert!(
        types.contains(&("clip.webm".into(), "video/webm".into())),
        "{types:?}"
    );
    assert!(
        types.contains(&("data.bin".into(), "application/json".into())),
        "{types:?}"
    );
}

#[cfg(unix)]
#[test]
fn get_refuses_a_symlink_planted_at_its_partial_and_saves_the_file_private() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let file = sandbox.path().join("clip.mp4");
    std::fs::write(&file, pattern(10_000, 3)).expect("write");
    ok(&run(
        &sandbox,
        &sim,
        None,
        &[
            "upload",
            file.to_str().expect("utf-8"),
            "output-videos/tests/clip.mp4",
        ],
    ));
    let out = sandbox.path().join("copy.mp4");
    let victim = sandbox.path().join("precious.txt");
    std::fs::write(&victim, b"someone else's file").expect("write");
    let link = sandbox.path().join("copy.mp4.partial");
    std::os::unix::fs::symlink(&victim, &link).expect("plant symlink");
    let out_arg = out.to_str().expect("utf-8");
    let refused = failed(&run(
        &sandbox,
        &sim,
        None,
        &["get", "output-videos/tests/clip.mp4", "--out", out_arg],
    ));
    assert!(
        refused.contains(&link.display().to_string()) && refused.contains("symbolic link"),
        "{refused}"
    );
    assert_eq!(
        std::fs::read(&victim).expect("victim"),
        b"someone else's file",
        "the file the link points to is untouched"
    );
    assert!(!out.exists());
    // The refused link may be gone already (a failed get cleans up its partial).
    let _ = std::fs::remove_file(&link);
    ok(&run(
        &sandbox,
        &sim,
        None,
        &["get", "output-videos/tests/clip.mp4", "--out", out_arg],
    ));
    assert_eq!(std::fs::read(&out).expect("saved"), pattern(10_000, 3));
    let mode = std::fs::metadata(&out).expect("meta").permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "readable by the user alone");
}

#[test]
fn an_object_name_with_escape_sequences_is_refused_with_them_visible() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let file = sandbox.path().join("clip.mp4");
    std::fs::write(&file, pattern(1024, 3)).expect("write");
    let name = "output-videos/fox\u{1b}]0;owned\u{7}\u{1b}[2J.mp4";
    let stderr = failed(&run(
        &sandbox,
        &sim,
        None,
        &["upload", file.to_str().expect("utf-8"), name],
    ));
    // The name comes back in the server's message too: neither copy reaches the terminal raw.
    assert!(
        !stderr.contains(['\u{1b}', '\u{7}']),
        "a raw control character was printed: {stderr:?}"
    );
    assert!(
        stderr.contains(r"fox\x1b]0;owned\x07\x1b[2J.mp4") && stderr.contains("Invalid key"),
        "{stderr}"
    );
}

#[test]
fn upload_to_a_bare_bucket_or_a_folder_keeps_the_files_own_name() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let file = sandbox.path().join("clip.mp4");
    std::fs::write(&file, common::SAMPLE_MP4).expect("write");
    let file = file.to_str().expect("utf-8");
    let out = ok(&run(
        &sandbox,
        &sim,
        None,
        &["upload", file, "output-videos"],
    ));
    assert!(out.contains("uploaded output-videos/clip.mp4"), "{out}");
    let out = ok(&run(
        &sandbox,
        &sim,
        None,
        &["upload", file, "output-videos/day1/"],
    ));
    assert!(
        out.contains("uploaded output-videos/day1/clip.mp4"),
        "{out}"
    );
    let out = ok(&run(
        &sandbox,
        &sim,
        None,
        &["upload", file, "output-videos/named.mp4"],
    ));
    assert!(out.contains("uploaded output-videos/named.mp4"), "{out}");
}

#[test]
fn a_private_bucket_gets_no_public_url_that_would_answer_400_but_how_to_make_a_link() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &["--status-step", "0.3"]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let storage = sora_core::storage::StorageClient::new(
            sora_core::http::client().expect("http"),
            url::Url::parse(sim.var("SUPABASE_URL")).expect("url"),
            sora_core::secret::Secret::new(sim.var("SUPABASE_SERVICE_ROLE_KEY")),
        );
        storage
            .set_bucket_public("output-videos", false)
            .await
            .expect("made private");
    });
    let file = sandbox.path().join("clip.mp4");
    std::fs::write(&file, common::SAMPLE_MP4).expect("write");
    let out = ok(&run(
        &sandbox,
        &sim,
        None,
        &[
            "upload",
            file.to_str().expect("utf-8"),
            "output-videos/p/clip.mp4",
        ],
    ));
    assert!(!out.lines().any(|l| l.starts_with("public URL:")), "{out}");
    assert!(
        out.contains("is private") && out.contains("--signed"),
        "{out}"
    );
    let videos = sandbox.path().join("videos");
    let out = ok(&run(
        &sandbox,
        &sim,
        Some(&sandbox.fast_config()),
        &[
            "generate",
            "a red fox",
            "--provider",
            "runway",
            "--upload",
            "--out",
            videos.to_str().expect("utf-8"),
        ],
    ));
    assert!(out.contains("uploaded output-videos/"), "{out}");
    assert!(!out.lines().any(|l| l.starts_with("public URL:")), "{out}");
}
