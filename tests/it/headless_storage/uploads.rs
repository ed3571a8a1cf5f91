//! `upload`: the resumable path for large files with its progress, content types, and where a file
//! lands.

use super::*;

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
