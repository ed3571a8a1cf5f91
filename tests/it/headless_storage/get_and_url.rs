//! `get` (existing files, folders, planted symlinks, private modes) and `url` (only links that
//! would open).

use super::*;

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
