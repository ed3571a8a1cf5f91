//! What the storage commands refuse, and how they say it: a missing bucket, an anon key, bad object
//! paths, a folder given to `rm`, escape sequences in a name.

use super::*;

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
