//! `cp` and `mv` of files and folders, within and across buckets, and what they refuse.

use super::*;

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
