//! The folder operations as a script runs them: `rm -r` (count, dry run, refusal without a
//! terminal, batches, the check of what is left), `upload -r` killed midway and run again,
//! `get -r`, `cp`/`mv` of files and folders within and across buckets, `ls` with search, sort,
//! recursion and totals, `du`, and what `--json` passes on. The binary runs against a simulator
//! (in this process when the test seeds thousands of objects, else `sora-tui sim`).

use crate::common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use common::{LocalSim, Sandbox, SimProcess};
use serde_json::Value;
use sora_sim::{Fault, FaultRoute, FaultRule, FaultTarget};

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
    (0..len)
        .map(|i| ((i * 31 + seed * 7) % 251) as u8)
        .collect()
}

/// `sora-tui ARGS` with `env` (the simulator's lines) and an optional config file; stdin is
/// not a terminal.
fn run(
    sandbox: &Sandbox,
    env: &[(String, String)],
    config: Option<&Path>,
    args: &[&str],
) -> Output {
    let mut cmd = sandbox.command();
    if let Some(config) = config {
        cmd.arg("--config").arg(config);
    }
    cmd.args(args).envs(env.iter().map(|(k, v)| (k, v)));
    cmd.output().expect("run sora-tui")
}

fn count_line(sandbox: &Sandbox, env: &[(String, String)], location: &str) -> Value {
    json(&ok(&run(sandbox, env, None, &["du", location, "--json"])))
}

#[test]
fn rm_r_counts_first_deletes_in_batches_and_checks_the_folder_is_empty() {
    let sandbox = Sandbox::new();
    let sim = LocalSim::start();
    // 2,500 objects in nested folders, and neighbours that must survive: a folder whose name
    // starts the same, an object beside the folder, the bucket root.
    sim.handle.seed_objects("trees", "tree", 500);
    sim.handle.seed_objects("trees", "tree/a", 1000);
    sim.handle.seed_objects("trees", "tree/a/b", 1000);
    sim.handle.seed_objects("trees", "tree2", 3);
    sim.handle.seed_objects("trees", "", 2);
    let env = &sim.env;

    let dry = ok(&run(
        &sandbox,
        env,
        None,
        &["rm", "-r", "trees/tree", "--dry-run"],
    ));
    assert!(
        dry.contains("trees/tree: 2,500 objects, ") && dry.contains("in 2 folders"),
        "{dry}"
    );
    assert!(dry.contains("dry run: nothing deleted"), "{dry}");
    assert_eq!(count_line(&sandbox, env, "trees/tree")["objects"], 2500);

    // Without --yes and with nobody at a terminal to ask: refused, nothing deleted.
    let refused = failed(&run(&sandbox, env, None, &["rm", "-r", "trees/tree"]));
    assert!(
        refused.contains("nothing deleted") && refused.contains("--yes"),
        "{refused}"
    );
    assert_eq!(count_line(&sandbox, env, "trees/tree")["objects"], 2500);

    sim.handle.clear_requests();
    let deleted = ok(&run(
        &sandbox,
        env,
        None,
        &["rm", "-r", "trees/tree", "--yes"],
    ));
    assert!(
        deleted.contains("deleted 2,500 objects; trees/tree is empty"),
        "{deleted}"
    );
    let batches: Vec<usize> = sim
        .handle
        .requests()
        .iter()
        .filter(|r| r.method == "DELETE" && r.path == "/storage/v1/object/trees")
        .map(|r| {
            let body: Value = serde_json::from_slice(&r.body).expect("a JSON body");
            body["prefixes"].as_array().map_or(0, Vec::len)
        })
        .collect();
    assert_eq!(batches, vec![1000, 1000, 500], "server-sized batches");
    assert_eq!(count_line(&sandbox, env, "trees/tree")["objects"], 0);
    assert_eq!(
        count_line(&sandbox, env, "trees")["objects"],
        5,
        "tree2/ and the root objects are untouched"
    );

    // A batch that fails leaves objects behind: said, with what is left, and exit 1.
    sim.handle.seed_objects("trees", "tree/c", 1500);
    let mut target = FaultTarget::new(FaultRoute::Any);
    target.path_contains = Some("/storage/v1/object/trees".into());
    sim.handle.inject(FaultRule {
        target,
        fault: Fault::Status {
            code: 500,
            retry_after: None,
            body: None,
        },
        times: 1,
    });
    let partial = failed(&run(
        &sandbox,
        env,
        None,
        &["rm", "-r", "trees/tree", "--yes"],
    ));
    assert!(
        partial.contains("trees/tree still holds 1,000 objects")
            && partial.contains("trees/tree/c/"),
        "{partial}"
    );
    assert_eq!(count_line(&sandbox, env, "trees/tree")["objects"], 1000);
}

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

#[test]
fn cp_and_mv_take_files_and_folders_within_and_across_buckets() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let env = &sim.env;
    let src = sandbox.path().join("src");
    std::fs::create_dir_all(src.join("sub")).expect("mkdir");
    std::fs::write(src.join("a.txt"), "alpha").expect("write");
    std::fs::write(src.join("sub/b.txt"), "beta").expect("write");
    ok(&run(
        &sandbox,
        env,
        None,
        &[
            "upload",
            "-r",
            src.to_str().expect("utf-8"),
            "input-images/src",
        ],
    ));

    // A folder copied to another bucket, then moved within it.
    let copied = ok(&run(
        &sandbox,
        env,
        None,
        &["cp", "-r", "input-images/src", "output-videos/copy"],
    ));
    assert!(copied.contains("copied 2 of 2 objects"), "{copied}");
    let moved = ok(&run(
        &sandbox,
        env,
        None,
        &["mv", "-r", "output-videos/copy", "output-videos/moved"],
    ));
    assert!(moved.contains("moved 2 of 2 objects"), "{moved}");
    let listed = ok(&run(&sandbox, env, None, &["ls", "-r", "output-videos"]));
    assert!(
        listed.contains("moved/a.txt\t5\t") && listed.contains("moved/sub/b.txt\t4\t"),
        "{listed}"
    );
    assert!(
        !listed.contains("copy/"),
        "nothing left at the old place: {listed}"
    );
    assert_eq!(
        count_line(&sandbox, env, "input-images/src")["objects"],
        2,
        "the copy's source stays"
    );

    // One object across buckets, keeping its name inside a folder given with a trailing /.
    ok(&run(
        &sandbox,
        env,
        None,
        &["cp", "input-images/src/a.txt", "output-videos/single/"],
    ));
    // A move onto an existing object: the hint is about moves, not uploads.
    let onto = failed(&run(
        &sandbox,
        env,
        None,
        &["mv", "input-images/src/a.txt", "output-videos/single/a.txt"],
    ));
    assert!(onto.contains("a move never overwrites"), "{onto}");
    assert!(!onto.contains("--upsert"), "move has no --upsert: {onto}");
    // A copy onto it needs --upsert, and then overwrites.
    let refused = failed(&run(
        &sandbox,
        env,
        None,
        &[
            "cp",
            "input-images/src/sub/b.txt",
            "output-videos/single/a.txt",
        ],
    ));
    assert!(refused.contains("already exists"), "{refused}");
    ok(&run(
        &sandbox,
        env,
        None,
        &[
            "cp",
            "input-images/src/sub/b.txt",
            "output-videos/single/a.txt",
            "--upsert",
        ],
    ));
    let single = json(&ok(&run(
        &sandbox,
        env,
        None,
        &["ls", "output-videos/single", "--json"],
    )));
    assert_eq!(single[0]["metadata"]["size"], 4, "{single}");

    // A folder named without -r says what to do; a folder into itself is refused.
    let folder = failed(&run(
        &sandbox,
        env,
        None,
        &["mv", "input-images/src", "input-images/elsewhere"],
    ));
    assert!(
        folder.contains("is a folder") && folder.contains("-r"),
        "{folder}"
    );
    let nested = failed(&run(
        &sandbox,
        env,
        None,
        &["mv", "-r", "input-images/src", "input-images/src/inner"],
    ));
    assert!(nested.contains("into itself"), "{nested}");
}

#[test]
fn ls_searches_sorts_recurses_hides_folder_markers_and_totals() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let env = &sim.env;
    let dir = sandbox.path().join("files");
    std::fs::create_dir_all(&dir).expect("mkdir");
    for (name, len) in [("new.mp4", 300), ("Apple.mp4", 100), ("zed.mp4", 200)] {
        let path = dir.join(name);
        std::fs::write(&path, pattern(len, len)).expect("write");
        ok(&run(
            &sandbox,
            env,
            None,
            &[
                "upload",
                path.to_str().expect("utf-8"),
                &format!("output-videos/v/{name}"),
            ],
        ));
    }
    ok(&run(
        &sandbox,
        env,
        None,
        &[
            "upload",
            dir.join("zed.mp4").to_str().expect("utf-8"),
            "output-videos/v/deep/down/x.mp4",
        ],
    ));
    // Studio keeps an empty folder with a marker object.
    let marker = dir.join(".emptyFolderPlaceholder");
    std::fs::write(&marker, "").expect("write");
    ok(&run(
        &sandbox,
        env,
        None,
        &[
            "upload",
            marker.to_str().expect("utf-8"),
            "output-videos/v/empty/.emptyFolderPlaceholder",
        ],
    ));

    let names = |stdout: &str| -> Vec<String> {
        stdout
            .lines()
            .filter(|l| !l.starts_with("total: "))
            .map(|l| l.split('\t').next().unwrap_or_default().to_string())
            .collect()
    };
    let by_name = ok(&run(&sandbox, env, None, &["ls", "output-videos/v"]));
    assert_eq!(
        names(&by_name),
        ["Apple.mp4", "deep/", "empty/", "new.mp4", "zed.mp4"],
        "{by_name}"
    );
    assert!(
        by_name.contains("total: 3 objects, 600 B in 2 folders"),
        "{by_name}"
    );
    let by_size = ok(&run(
        &sandbox,
        env,
        None,
        &["ls", "output-videos/v", "--sort", "size", "--desc"],
    ));
    assert_eq!(
        names(&by_size),
        ["deep/", "empty/", "new.mp4", "zed.mp4", "Apple.mp4"],
        "{by_size}"
    );
    let searched = ok(&run(
        &sandbox,
        env,
        None,
        &["ls", "output-videos/v", "--search", "a"],
    ));
    assert_eq!(names(&searched), ["Apple.mp4"], "{searched}");
    let all = ok(&run(&sandbox, env, None, &["ls", "-r", "output-videos/v"]));
    assert_eq!(
        names(&all),
        ["Apple.mp4", "deep/down/x.mp4", "new.mp4", "zed.mp4"],
        "{all}"
    );
    assert!(all.contains("total: 4 objects, 800 B"), "{all}");
    // The marker is hidden; its folder is what shows.
    let empty = ok(&run(&sandbox, env, None, &["ls", "output-videos/v/empty"]));
    assert_eq!(names(&empty), Vec::<String>::new(), "{empty}");
    let du = ok(&run(&sandbox, env, None, &["du", "output-videos/v"]));
    assert!(
        du.contains("output-videos/v: 4 objects, 800 B in 3 folders (800 bytes)"),
        "{du}"
    );

    // --json passes the server's objects on whole, plus our own `path`.
    let listed = json(&ok(&run(
        &sandbox,
        env,
        None,
        &["ls", "output-videos/v", "--json", "--search", "new"],
    )));
    let entry = &listed[0];
    assert_eq!(entry["path"], "v/new.mp4", "{entry}");
    assert!(entry["last_accessed_at"].is_string(), "{entry}");
    assert_eq!(entry["metadata"]["contentLength"], 300, "{entry}");
    assert_eq!(entry["metadata"]["httpStatusCode"], 200, "{entry}");
    let buckets = json(&ok(&run(&sandbox, env, None, &["buckets", "--json"])));
    let bucket = &buckets[0];
    assert!(bucket.get("owner").is_some(), "{bucket}");
    assert_eq!(bucket["type"], "STANDARD", "{bucket}");
}
