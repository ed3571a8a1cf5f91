//! `rm -r`: the count first, the dry run, the refusal without a terminal, batches, and the check
//! that the folder is empty.

use super::*;

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
