//! What `resume` works out from the journal and the service without sending anything twice: an
//! intent without a job id found by listing (past busy pages, after a lagging list), an upload
//! already done, and the download directory checked before polling.

use super::*;

#[test]
fn an_intent_without_a_job_id_is_reconciled_by_listing_never_resent() {
    let h = Harness::start("0.2");
    // A job that reached the service, but whose answer the client never recorded: create it
    // behind sora-tui's back, then write the journal as a killed process would have left it.
    let created = h.create_behind_the_back("a lost fox");
    h.write_intent("j-found", "a lost fox");
    // And one the service does not list: it may never have left the machine, or the list may
    // not show it yet. Absence is no proof: it stays open, and no one is told it cost nothing.
    h.write_intent("j-never", "a fox that never was");
    let output = h.command(&["resume"]).output().expect("resume");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "one of the two could not be resumed"
    );
    assert!(
        stdout.contains(&format!("created {created}")),
        "{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("saved"),
        "the found job was downloaded:\n{stdout}"
    );
    assert!(
        stderr.contains("not found yet")
            && stderr.contains("the next `sora-tui resume` looks again"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("nothing was created or charged") && !stderr.contains("Re-run"),
        "never told a possibly paid job cost nothing: {stderr}"
    );
    assert_eq!(h.jobs_on_service().len(), 1, "nothing was sent again");
    // The unfound intent is still open: the next resume looks for it again.
    let never = h
        .history()
        .into_iter()
        .find(|r| r["id"] == "j-never")
        .expect("still in the history");
    assert_eq!(never["state"], "active", "{never:#}");
    assert!(never["failure"].is_null(), "{never:#}");
    let again = h.command(&["resume"]).output().expect("resume again");
    let again_out = String::from_utf8_lossy(&again.stdout);
    assert!(
        again_out.contains("resuming j-never") && !again_out.contains("j-found"),
        "{again_out}"
    );
    assert_eq!(h.jobs_on_service().len(), 1, "still nothing sent again");
}

#[test]
fn a_job_beyond_the_first_pages_of_a_busy_list_is_found() {
    let h = Harness::start("0.2");
    let ours = h.create_behind_the_back("a fox in a crowd");
    // A busy shared resource: 260 newer jobs of other people, over five pages of 50.
    for i in 0..260 {
        h.create_behind_the_back(&format!("someone else's job {i}"));
    }
    h.write_intent("j-crowd", "a fox in a crowd");
    let resumed = h.resume();
    assert!(resumed.contains(&format!("created {ours}")), "{resumed}");
    assert!(resumed.contains("saved"), "{resumed}");
    let lists = h
        .take_requests()
        .into_iter()
        .filter(|r| r["method"] == "GET" && r["path"] == "/openai/v1/video/generations/jobs")
        .count();
    assert!(lists >= 6, "paged past the first four pages: {lists}");
}

#[test]
fn a_job_missing_from_a_lagging_list_is_found_by_a_later_resume() {
    let h = Harness::start_with("0.2", &["--list-lag", "2"]);
    let ours = h.create_behind_the_back("a fox in a slow list");
    h.write_intent("j-lag", "a fox in a slow list");
    let output = h.command(&["resume"]).output().expect("resume");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("not found yet"), "{stderr}");
    std::thread::sleep(Duration::from_millis(2500));
    let resumed = h.resume();
    assert!(resumed.contains(&format!("created {ours}")), "{resumed}");
    assert!(resumed.contains("saved"), "{resumed}");
    assert_eq!(h.jobs_on_service().len(), 1, "never sent again");
}

#[test]
fn an_upload_that_finished_before_it_was_recorded_is_not_sent_again() {
    let h = Harness::start("0.2");
    let out = h.sandbox.path().join("out");
    let (mut child, lines) = h.spawn_generate("a fox stored once", &out);
    let job = job_id_of(&wait_for_line(&lines, "created task_"));
    assert!(child.wait().expect("generate ends").success());
    // Killed after the upload finished but before its journal line was written.
    let journal = h.data_dir().join("journal.jsonl");
    let text = std::fs::read_to_string(&journal).expect("journal");
    assert!(text.contains("\"kind\":\"uploaded\""), "{text}");
    let kept: String = text
        .lines()
        .filter(|l| !l.contains("\"kind\":\"uploaded\""))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&journal, kept).expect("rewrite journal");
    h.take_requests();
    let resumed = h.resume();
    assert!(
        resumed.contains(&format!("resuming {job}")) && resumed.contains("not sent again"),
        "{resumed}"
    );
    let sent = h
        .take_requests()
        .into_iter()
        .filter(|r| r["method"] == "POST" || r["method"] == "PUT" || r["method"] == "PATCH")
        .count();
    assert_eq!(sent, 0, "no upload request");
    assert_eq!(h.object_in_bucket(&job), Some(SAMPLE_MP4.len() as u64));
    let record = h
        .history()
        .into_iter()
        .find(|r| r["job_id"] == job.as_str())
        .expect("record");
    assert_eq!(
        record["uploads"].as_array().map(Vec::len),
        Some(1),
        "{record:#}"
    );
    assert!(h.resume().contains("nothing to resume"));
}

#[test]
fn resume_checks_the_download_directory_before_it_polls_and_keeps_the_job_open() {
    let h = Harness::start("0.2");
    let job = h.create_behind_the_back("a fox with nowhere to go");
    h.write_intent("j-nowhere", "a fox with nowhere to go");
    let (journal, _) = sora_core::journal::Journal::open(&h.data_dir()).expect("journal");
    journal
        .append(
            "j-nowhere",
            sora_core::journal::Event::Created {
                job_id: job.clone(),
            },
        )
        .expect("append");
    drop(journal);
    // The recorded download directory is now a file.
    std::fs::write(h.sandbox.path().join("out"), b"not a directory").expect("write");
    h.take_requests();
    let output = h.command(&["resume"]).output().expect("resume");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains(&format!("cannot download {job} yet"))
            && stderr.contains("not a directory"),
        "{stderr}"
    );
    assert!(
        h.take_requests().is_empty(),
        "nothing is asked of the service before the files have somewhere to go"
    );
    let record = h
        .history()
        .into_iter()
        .find(|r| r["id"] == "j-nowhere")
        .expect("record");
    assert_eq!(record["state"], "active", "still open: {record:#}");
    std::fs::remove_file(h.sandbox.path().join("out")).expect("remove");
    assert!(h.resume().contains("saved"));
}
