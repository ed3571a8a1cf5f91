//! `ls` of a huge folder prints each page as it arrives (memory stays one page), and prints
//! exactly what it printed when it collected the whole folder first.

use crate::common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{LocalSim, Sandbox};
use serde_json::Value;

fn ls(sandbox: &Sandbox, sim: &LocalSim, args: &[&str]) -> Output {
    let mut cmd = sandbox.command();
    cmd.arg("ls")
        .args(args)
        .envs(sim.env.iter().map(|(k, v)| (k, v)));
    let output = common::run_bounded(cmd, Duration::from_secs(60));
    assert!(
        output.status.success(),
        "ls {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn list_requests(sim: &LocalSim) -> usize {
    sim.handle
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/storage/v1/object/list/"))
        .count()
}

/// The pages of 1000 a 2,500-object folder takes are three; the first is on stdout while the
/// last is not yet asked for (ls writes into a pipe nobody reads yet, so it waits there).
#[test]
fn ls_prints_the_first_page_before_the_last_is_served() {
    let sandbox = Sandbox::new();
    let sim = LocalSim::start();
    sim.handle.seed_objects("output-videos", "many", 2500);
    sim.handle.clear_requests();
    let mut cmd = sandbox.command();
    cmd.args(["ls", "output-videos/many", "--json"])
        .envs(sim.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn sora-tui ls");
    let stdout = child.stdout.take().expect("stdout");
    let (first_tx, first_rx) = mpsc::channel();
    let (rest_tx, rest_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut first = String::new();
        let _ = reader.read_line(&mut first);
        let _ = first_tx.send(first.clone());
        // Read on only once the test has looked at the request log.
        if rest_rx.recv().is_ok() {
            let mut rest = String::new();
            let _ = reader.read_to_string(&mut rest);
            let _ = first_tx.send(first + &rest);
        }
    });
    let first = first_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("ls printed a first line");
    let served = list_requests(&sim);
    rest_tx.send(()).expect("reader waits");
    let whole = first_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("ls printed the rest");
    let status = child.wait().expect("ls ends");
    let mut stderr = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    assert!(status.success(), "{stderr}");
    assert_eq!(first, "[\n");
    assert!(
        served < 3,
        "the first line came only after all {served} pages were served"
    );
    let entries: Value = serde_json::from_str(&whole).expect("one valid JSON array");
    let names: Vec<&str> = entries
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    let expected: Vec<String> = (0..2500).map(|i| format!("obj-{i:06}.bin")).collect();
    assert_eq!(names, expected);
    assert_eq!(list_requests(&sim), 3);
}

/// For a small folder, page-by-page printing gives what collecting first gave: the same rows,
/// the same totals line, and `--json` as one pretty-printed array (`serde_json`'s layout).
#[test]
fn ls_of_a_small_folder_prints_what_it_always_did() {
    let sandbox = Sandbox::new();
    let sim = LocalSim::start();
    sim.handle.seed_objects("output-videos", "few", 3);
    sim.handle.seed_objects("output-videos", "few/sub", 2);
    let text =
        String::from_utf8_lossy(&ls(&sandbox, &sim, &["output-videos/few"]).stdout).into_owned();
    let json_out =
        String::from_utf8_lossy(&ls(&sandbox, &sim, &["output-videos/few", "--json"]).stdout)
            .into_owned();
    let entries: Value = serde_json::from_str(&json_out).expect("valid JSON");
    assert_eq!(
        json_out,
        format!(
            "{}\n",
            serde_json::to_string_pretty(&entries).expect("printable")
        ),
        "the same layout as one pretty-printed array"
    );
    let rows = entries.as_array().expect("array");
    assert_eq!(rows.len(), 4);
    let mut expected = String::new();
    for row in rows {
        let name = row["name"].as_str().expect("name");
        assert_eq!(
            row["path"],
            format!("few/{name}"),
            "our own path field is kept"
        );
        if row["id"].is_null() {
            expected.push_str(&format!("{name}/\n"));
        } else {
            expected.push_str(&format!(
                "{name}\t{}\t{}\n",
                row["metadata"]["size"],
                row["updated_at"].as_str().expect("updated_at")
            ));
        }
    }
    expected.push_str(
        "total: 3 objects, 27 B in 1 folder (27 bytes; this level; `sora-tui du` counts all levels)\n",
    );
    assert_eq!(text, expected);
    let names: Vec<&str> = rows.iter().filter_map(|r| r["name"].as_str()).collect();
    assert_eq!(
        names,
        ["obj-000000.bin", "obj-000001.bin", "obj-000002.bin", "sub"]
    );
    // An empty folder prints an empty array, a missing bucket an error, as before.
    let empty = ls(&sandbox, &sim, &["output-videos/nothing-here", "--json"]);
    assert_eq!(String::from_utf8_lossy(&empty.stdout), "[]\n");
    let mut cmd = sandbox.command();
    cmd.args(["ls", "no-such-bucket", "--json"])
        .envs(sim.env.iter().map(|(k, v)| (k, v)));
    let missing = common::run_bounded(cmd, Duration::from_secs(60));
    assert!(!missing.status.success());
    let error: Value = serde_json::from_slice(&missing.stdout).expect("the error as JSON");
    assert!(
        error["error"]
            .as_str()
            .is_some_and(|e| e.contains("NoSuchBucket")),
        "{error}"
    );
}
