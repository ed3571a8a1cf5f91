//! Listing buckets, and the upload → ls → get → url → rm round trip a script runs.

use super::*;

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
