//! `upload -r` killed midway and run again (every file stored once), then `get -r` of the folder
//! back.

use super::*;

/// `sora-tui sim`'s record of requests (`GET /__sim/requests`), bounded: 10 s.
fn recorded(sim: &SimProcess) -> Vec<Value> {
    let url = format!("{}/__sim/requests", sim.var("SUPABASE_URL"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = sora_core::http::client().expect("client");
        let response = tokio::time::timeout(Duration::from_secs(10), client.get(&url).send())
            .await
            .expect("an answer within 10 s")
            .expect("answer");
        let body: Value = response.json().await.expect("JSON");
        body.as_array().cloned().unwrap_or_default()
    })
}

/// Send a control request to `sora-tui sim` (bounded: 10 s).
fn control(sim: &SimProcess, method: reqwest::Method, route: &str, body: Option<Value>) {
    let url = format!("{}/__sim/{route}", sim.var("SUPABASE_URL"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = sora_core::http::client().expect("client");
        let mut request = client.request(method, &url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = tokio::time::timeout(Duration::from_secs(10), request.send())
            .await
            .expect("an answer within 10 s")
            .expect("answer");
        assert!(
            response.status().is_success(),
            "{route}: {}",
            response.status()
        );
    });
}

fn header<'a>(record: &'a Value, name: &str) -> Option<&'a str> {
    record["headers"]
        .as_array()?
        .iter()
        .find(|h| h[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
        .and_then(|h| h[1].as_str())
}

/// The object key a successful create was for: a standard upload's path, or a resumable
/// upload's `objectName` metadata.
fn created_key(record: &Value, bucket: &str) -> Option<String> {
    let path = record["path"].as_str()?;
    let status = record["status"].as_u64()?;
    let method = record["method"].as_str()?;
    if method == "POST" && status == 200 {
        let key = path.strip_prefix(&format!("/storage/v1/object/{bucket}/"))?;
        return Some(key.to_string());
    }
    if method == "POST" && status == 201 && path == "/storage/v1/upload/resumable" {
        let metadata = header(record, "upload-metadata")?;
        let encoded = metadata
            .split(',')
            .find_map(|pair| pair.trim().strip_prefix("objectName "))?;
        let name =
            base64::Engine::decode(&base64::engine::general_purpose::STANDARD, encoded).ok()?;
        return String::from_utf8(name).ok();
    }
    None
}

/// 200 files in nested folders; every 20th (the first of them in the first folder) above the
/// resumable threshold.
fn make_tree(root: &Path) -> HashMap<String, Vec<u8>> {
    let mut files = HashMap::new();
    for i in 0..200 {
        let relative = format!("d{}/s{}/f{i:03}.bin", i % 5, i % 3);
        let len = if i % 20 == 7 {
            40 * 1024
        } else {
            1000 + i * 13
        };
        let bytes = pattern(len, i);
        let path = root.join(&relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, &bytes).expect("write");
        files.insert(relative, bytes);
    }
    files
}

fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

#[test]
fn upload_r_killed_midway_then_run_again_stores_every_file_once() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let config = sandbox.path().join("config.toml");
    // Files above ~10 KiB go resumable (through TUS, with a sidecar).
    std::fs::write(&config, "[supabase]\nresumable_threshold_mib = 0.01\n").expect("config");
    let tree = sandbox.path().join("tree");
    let files = make_tree(&tree);
    let tree_arg = tree.to_str().expect("utf-8");
    // Slow answers, so the kill lands midway: standard uploads, and far slower resumable
    // chunks, so a resumable upload is cut in the middle.
    control(
        &sim,
        reqwest::Method::POST,
        "faults",
        Some(serde_json::json!([
            {
                "target": {"route": "storage_upload"},
                "fault": {"kind": "stall", "after_bytes": 0, "for_ms": 60},
                "times": 100000
            },
            {
                "target": {"route": "storage_resumable"},
                "fault": {"kind": "stall", "after_bytes": 0, "for_ms": 3000},
                "times": 100000
            }
        ])),
    );
    let args = [
        "--config",
        config.to_str().expect("utf-8"),
        "upload",
        "-r",
        tree_arg,
        "output-videos/backup",
        "--jobs",
        "4",
    ];
    let mut child = sandbox
        .command()
        .args(args)
        .envs(sim.env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start upload -r");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let stored = recorded(&sim)
            .iter()
            .filter(|r| created_key(r, "output-videos").is_some())
            .count();
        let resumable = recorded(&sim)
            .iter()
            .any(|r| r["path"] == "/storage/v1/upload/resumable" && r["status"] == 201);
        if stored >= 30 && resumable {
            break;
        }
        assert!(Instant::now() < deadline, "only {stored} uploads in 60 s");
        assert!(
            child.try_wait().expect("try_wait").is_none(),
            "upload -r ended before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    // Let answers already on their way land (a chunk stalls 3 s), then take the brakes off.
    std::thread::sleep(Duration::from_millis(3500));
    control(&sim, reqwest::Method::DELETE, "faults", None);
    let first_run = recorded(&sim)
        .iter()
        .filter(|r| created_key(r, "output-videos").is_some())
        .count();
    assert!(first_run < 200, "killed midway: {first_run} of 200 stored");
    let sidecars = files_under(&tree)
        .iter()
        .filter(|p| p.to_string_lossy().ends_with(".sora-tus"))
        .count();
    assert!(
        sidecars >= 1,
        "a resumable upload was cut, its sidecar kept"
    );

    let again = ok(&run(&sandbox, &sim.env, None, &args));
    let summary = again
        .lines()
        .find(|l| l.starts_with("upload -r: "))
        .unwrap_or_else(|| panic!("no summary:\n{again}"));
    assert!(summary.contains("200 files: "), "{summary}");
    assert!(summary.contains(", 0 failed"), "{summary}");
    assert!(
        summary.contains(&format!("{} uploaded", 200 - first_run)) || summary.contains("identical"),
        "{summary}"
    );

    // Nothing was created twice: one create per object over both runs.
    let mut creates: HashMap<String, usize> = HashMap::new();
    let records = recorded(&sim);
    for record in &records {
        if let Some(key) = created_key(record, "output-videos") {
            *creates.entry(key).or_default() += 1;
        }
    }
    for relative in files.keys() {
        let key = format!("backup/{relative}");
        assert_eq!(
            creates.get(&key),
            Some(&1),
            "{key} created once: {creates:?}"
        );
    }
    assert_eq!(creates.len(), 200, "{creates:?}");
    // No resumable chunk was sent twice: each upload's accepted offsets only move forward.
    let mut offsets: HashMap<String, u64> = HashMap::new();
    for record in &records {
        let path = record["path"].as_str().unwrap_or_default();
        if record["method"] == "PATCH" && record["status"] == 204 {
            let offset: u64 = header(record, "upload-offset")
                .and_then(|v| v.parse().ok())
                .expect("Upload-Offset");
            let len: u64 = header(record, "content-length")
                .and_then(|v| v.parse().ok())
                .expect("Content-Length");
            let reached = offsets.entry(path.to_string()).or_default();
            assert!(offset >= *reached, "{path}: a chunk at {offset} again");
            *reached = offset + len;
        }
    }
    assert!(
        files_under(&tree)
            .iter()
            .all(|p| !p.to_string_lossy().ends_with(".sora-tus")),
        "no resume sidecar left behind"
    );

    // Every object byte-identical: fetched back with get -r, which a second time finds
    // everything identical and downloads nothing.
    let back = sandbox.path().join("back");
    let back_arg = back.to_str().expect("utf-8");
    let got = ok(&run(
        &sandbox,
        &sim.env,
        None,
        &[
            "get",
            "-r",
            "output-videos/backup",
            "--out",
            back_arg,
            "--jobs",
            "4",
        ],
    ));
    assert!(got.contains("get -r: 200 files: 200 downloaded"), "{got}");
    for (relative, bytes) in &files {
        let copy = std::fs::read(back.join(relative)).expect("downloaded");
        assert!(copy == *bytes, "{relative} differs");
    }
    let twice = ok(&run(
        &sandbox,
        &sim.env,
        None,
        &["get", "-r", "output-videos/backup", "--out", back_arg],
    ));
    assert!(
        twice.contains("200 files: 0 downloaded") && twice.contains("200 identical"),
        "{twice}"
    );
    // A changed local file is kept unless --force, and the exit status says so.
    let changed = back.join("d0/s0/f000.bin");
    std::fs::write(&changed, b"mine").expect("write");
    let kept = run(
        &sandbox,
        &sim.env,
        None,
        &["get", "-r", "output-videos/backup", "--out", back_arg],
    );
    let stderr = failed(&kept);
    assert!(
        stderr.contains("kept") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&changed).expect("read"), b"mine");
    ok(&run(
        &sandbox,
        &sim.env,
        None,
        &[
            "get",
            "-r",
            "output-videos/backup",
            "--out",
            back_arg,
            "--force",
        ],
    ));
    assert_eq!(
        std::fs::read(&changed).expect("read"),
        files["d0/s0/f000.bin"]
    );
}
