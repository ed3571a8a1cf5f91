//! `ls` with search, sort, recursion, hidden folder markers and totals, `du`, and what `--json`
//! passes on.

use super::*;

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
