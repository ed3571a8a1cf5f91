//! A run stopped part-way (SIGKILL while polling, mid-download, mid-upload or between the video and
//! its thumbnail; Ctrl-C while polling) and `resume` finishing it from the journal.

use super::*;

fn kill(mut child: Child) {
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
}

fn mp4_in(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "mp4"))
}

#[test]
fn killed_while_polling_mid_download_and_mid_upload_resume_finishes_everything_once() {
    let h = Harness::start("0.5");

    // 1. Killed while the job is still running on the service.
    let out1 = h.sandbox.path().join("out1");
    let (child, lines) = h.spawn_generate("a fox in the snow", &out1);
    let job1 = job_id_of(&wait_for_line(&lines, "created task_"));
    wait_for_line(&lines, "status running");
    kill(child);
    assert!(
        mp4_in(&out1).is_none(),
        "nothing downloaded before the kill"
    );
    let resumed = h.resume();
    assert!(resumed.contains(&format!("resuming {job1}")), "{resumed}");
    assert_eq!(
        std::fs::read(mp4_in(&out1).expect("video after resume")).expect("read"),
        SAMPLE_MP4
    );
    assert_eq!(h.object_in_bucket(&job1), Some(SAMPLE_MP4.len() as u64));

    // 2. Killed in the middle of the download (the body stalls after 16 KiB).
    h.inject(serde_json::json!({
        "target": {"route": "content", "family": "azure_sora"},
        "fault": {"kind": "stall", "after_bytes": 16384, "for_ms": 60000},
        "times": 1
    }));
    let out2 = h.sandbox.path().join("out2");
    let (child, lines) = h.spawn_generate("a fox at dawn", &out2);
    let job2 = job_id_of(&wait_for_line(&lines, "created task_"));
    wait_for_line(&lines, "status succeeded");
    let deadline = Instant::now() + Duration::from_secs(20);
    let partial = loop {
        let found = std::fs::read_dir(&out2).ok().and_then(|d| {
            d.flatten().map(|e| e.path()).find(|p| {
                // Buffered writes may not have reached the file yet: its existence is enough.
                p.to_string_lossy().ends_with(".mp4.partial")
            })
        });
        if let Some(p) = found {
            break p;
        }
        assert!(Instant::now() < deadline, "no partial download appeared");
        std::thread::sleep(Duration::from_millis(50));
    };
    kill(child);
    assert!(
        mp4_in(&out2).is_none(),
        "the final name never holds a partial file ({partial:?})"
    );
    let resumed = h.resume();
    assert!(resumed.contains(&format!("resuming {job2}")), "{resumed}");
    assert_eq!(
        std::fs::read(mp4_in(&out2).expect("video after resume")).expect("read"),
        SAMPLE_MP4
    );
    assert!(!partial.exists(), "the partial became the video");
    assert_eq!(h.object_in_bucket(&job2), Some(SAMPLE_MP4.len() as u64));

    // 3. Killed while the upload waits for the storage server's answer.
    h.inject(serde_json::json!({
        "target": {"route": "storage_upload"},
        "fault": {"kind": "stall", "after_bytes": 0, "for_ms": 60000},
        "times": 1
    }));
    let out3 = h.sandbox.path().join("out3");
    let (child, lines) = h.spawn_generate("a fox at dusk", &out3);
    let job3 = job_id_of(&wait_for_line(&lines, "created task_"));
    wait_for_line(&lines, "uploading to output-videos/");
    std::thread::sleep(Duration::from_millis(300));
    kill(child);
    assert_eq!(
        h.object_in_bucket(&job3),
        None,
        "not stored yet when killed"
    );
    let resumed = h.resume();
    // The thumbnail, due after the upload, is missing too: resume fetches it and uploads.
    assert!(
        resumed.contains(&format!("resuming {job3}"))
            && resumed.contains("uploaded output-videos/"),
        "{resumed}"
    );
    assert_eq!(
        std::fs::read(mp4_in(&out3).expect("video")).expect("read"),
        SAMPLE_MP4
    );
    assert_eq!(h.object_in_bucket(&job3), Some(SAMPLE_MP4.len() as u64));

    // Exactly one job per prompt on the service: nothing was submitted twice.
    let jobs = h.jobs_on_service();
    assert_eq!(jobs.len(), 3, "{jobs:#?}");
    // And nothing is left to resume.
    assert!(h.resume().contains("nothing to resume"));
    let history = h.command(&["history", "--json"]).output().expect("history");
    let records: serde_json::Value = serde_json::from_slice(&history.stdout).expect("history json");
    assert_eq!(records.as_array().map(Vec::len), Some(3));
    assert!(
        records
            .as_array()
            .into_iter()
            .flatten()
            .all(|r| r["uploads"].as_array().is_some_and(|u| u.len() == 1)),
        "{records:#}"
    );
}

#[test]
fn killed_between_the_video_and_its_thumbnail_resume_fetches_the_thumbnail() {
    let h = Harness::start("0.2");
    h.inject(serde_json::json!({
        "target": {"route": "content", "family": "azure_sora", "path_contains": "thumbnail"},
        "fault": {"kind": "stall", "after_bytes": 1024, "for_ms": 60000},
        "times": 1
    }));
    let out = h.sandbox.path().join("out");
    let (child, lines) = h.spawn_generate("a fox and its portrait", &out);
    let job = job_id_of(&wait_for_line(&lines, "created task_"));
    wait_for_line(&lines, "uploaded output-videos/");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !std::fs::read_dir(&out)
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| e.path().to_string_lossy().ends_with(".jpg.partial"))
    {
        assert!(Instant::now() < deadline, "the thumbnail download started");
        std::thread::sleep(Duration::from_millis(50));
    }
    kill(child);
    h.take_requests();
    let resumed = h.resume();
    assert!(resumed.contains(&format!("resuming {job}")), "{resumed}");
    let thumb = std::fs::read_dir(&out)
        .expect("out")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "jpg"))
        .unwrap_or_else(|| panic!("a thumbnail after resume:\n{resumed}"));
    assert_eq!(std::fs::read(thumb).expect("read"), common::THUMBNAIL_JPG);
    let seen = h.take_requests();
    let path = |r: &serde_json::Value| r["path"].as_str().unwrap_or_default().to_string();
    assert!(
        !seen.iter().any(|r| path(r).ends_with("/content/video")),
        "the video is not fetched again: {seen:#?}"
    );
    assert!(
        !seen
            .iter()
            .any(|r| path(r).starts_with("/storage/v1/object/output-videos")
                || path(r).starts_with("/storage/v1/upload")),
        "nor uploaded again: {seen:#?}"
    );
    assert!(h.resume().contains("nothing to resume"));
}

#[test]
fn interrupted_with_ctrl_c_while_polling_the_job_is_resumed_not_forgotten() {
    let h = Harness::start("0.5");
    let out = h.sandbox.path().join("out");
    let (mut child, lines) = h.spawn_generate("a fox at night", &out);
    let job = job_id_of(&wait_for_line(&lines, "created task_"));
    wait_for_line(&lines, "status running");
    let interrupt = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("send SIGINT");
    assert!(interrupt.success());
    let status = child.wait().expect("generate ends on Ctrl-C");
    assert!(!status.success(), "an interrupted run is not a success");
    assert!(mp4_in(&out).is_none());
    let resumed = h.resume();
    assert!(resumed.contains(&format!("resuming {job}")), "{resumed}");
    assert_eq!(
        std::fs::read(mp4_in(&out).expect("video after resume")).expect("read"),
        SAMPLE_MP4
    );
    assert_eq!(h.jobs_on_service().len(), 1, "never sent twice");
}
