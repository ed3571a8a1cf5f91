//! The journal on disk: survives restarts, recovers from a torn or damaged line with a warning,
//! refuses a newer format without touching it, and keeps a second instance out.

use sora_core::journal::{Event, JobState, Journal, JournalError, NextStep};

fn intent() -> Event {
    sora_core::journal::test_support::intent("a red fox")
        .upload(true)
        .cost(0.5)
        .event()
}

fn write_two_jobs(dir: &std::path::Path) {
    let (journal, loaded) = Journal::open(dir).expect("open");
    assert!(loaded.records.is_empty() && loaded.warnings.is_empty());
    journal.append("a", intent()).expect("append");
    journal
        .append(
            "a",
            Event::Created {
                job_id: "task_1".into(),
            },
        )
        .expect("append");
    journal.append("b", intent()).expect("append");
    journal
        .append(
            "b",
            Event::Status {
                status: "running".into(),
                state: JobState::Active,
                expires_at: None,
                outputs: vec![],
                output_urls: Vec::new(),
            },
        )
        .expect("append");
}

#[test]
fn records_survive_a_restart() {
    let dir = tempfile::tempdir().expect("tmp");
    write_two_jobs(dir.path());
    let (journal, loaded) = Journal::open(dir.path()).expect("reopen");
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.records.len(), 2);
    assert_eq!(loaded.records[0].job_id.as_deref(), Some("task_1"));
    assert_eq!(loaded.records[0].next_step(), NextStep::Poll);
    assert_eq!(loaded.records[1].next_step(), NextStep::Reconcile);
    // Sequence numbers continue after a restart.
    journal
        .append(
            "a",
            Event::Failed {
                message: "x".into(),
            },
        )
        .expect("append");
    let text = std::fs::read_to_string(journal.path()).expect("read");
    assert!(
        text.starts_with(r#"{"format":"sora-tui-journal","version":1}"#),
        "{text}"
    );
    assert!(
        text.lines()
            .last()
            .expect("a line")
            .starts_with(r#"{"seq":5,"#),
        "{text}"
    );
}

#[test]
fn a_torn_last_line_is_skipped_with_a_warning_and_writing_goes_on() {
    let dir = tempfile::tempdir().expect("tmp");
    write_two_jobs(dir.path());
    let path = dir.path().join("journal.jsonl");
    let mut bytes = std::fs::read(&path).expect("read");
    // The process died in the middle of writing the last line.
    let cut = bytes.len() - 20;
    bytes.truncate(cut);
    std::fs::write(&path, &bytes).expect("write");

    let (journal, loaded) = Journal::open(dir.path()).expect("recovers");
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    assert!(
        loaded.warnings[0].contains("cut short"),
        "{:?}",
        loaded.warnings
    );
    assert_eq!(
        loaded.records.len(),
        2,
        "everything before the torn line is kept"
    );
    assert_eq!(
        loaded.records[1].status, None,
        "the torn status line is gone"
    );
    journal
        .append(
            "b",
            Event::Failed {
                message: "gone".into(),
            },
        )
        .expect("append");
    drop(journal);
    let (_journal, loaded) = Journal::open(dir.path()).expect("reopen");
    assert!(
        loaded.warnings.is_empty(),
        "the torn line was dealt with once: {:?}",
        loaded.warnings
    );
    assert_eq!(loaded.records[1].failure.as_deref(), Some("gone"));
}

#[test]
fn a_damaged_middle_line_is_skipped_with_a_warning() {
    let dir = tempfile::tempdir().expect("tmp");
    write_two_jobs(dir.path());
    let path = dir.path().join("journal.jsonl");
    let text = std::fs::read_to_string(&path).expect("read");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(2, "{\"seq\":99,\"garbage");
    std::fs::write(&path, lines.join("\n") + "\n").expect("write");
    let (_journal, loaded) = Journal::open(dir.path()).expect("recovers");
    assert_eq!(loaded.records.len(), 2);
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.contains("line 3: damaged")),
        "{:?}",
        loaded.warnings
    );
}

#[test]
fn a_journal_from_a_newer_version_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("journal.jsonl");
    let newer = "{\"format\":\"sora-tui-journal\",\"version\":2}\n{\"seq\":1,\"new\":\"shape\"}\n";
    std::fs::write(&path, newer).expect("write");
    let err = Journal::open(dir.path()).expect_err("refused");
    assert!(
        matches!(err, JournalError::NewerVersion { found: 2, .. }),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains("newer sora-tui") && text.contains("left untouched"),
        "{text}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        newer,
        "not overwritten"
    );

    std::fs::write(&path, "name,size\nfox.mp4,1\n").expect("write");
    let err = Journal::open(dir.path()).expect_err("foreign");
    assert!(matches!(err, JournalError::Foreign { .. }), "{err}");
}

#[test]
fn a_second_instance_is_kept_out_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("tmp");
    let (first, _) = Journal::open(dir.path()).expect("first");
    let err = Journal::open(dir.path()).expect_err("second is refused");
    let text = err.to_string();
    assert!(text.contains("another sora-tui is running"), "{text}");
    assert!(
        text.contains(&format!("process {}", std::process::id())),
        "{text}"
    );
    first
        .append("a", intent())
        .expect("the first keeps writing");
    drop(first);
    let (_second, loaded) = Journal::open(dir.path()).expect("free again");
    assert_eq!(loaded.records.len(), 1);
}

#[test]
fn a_scratch_journal_is_a_journal_like_any_other() {
    // The demo's journal skips only the header's own fsync: it reads back, records and locks
    // as every journal does.
    let dir = tempfile::tempdir().expect("tmp");
    let (scratch, loaded) = Journal::open_scratch(dir.path()).expect("scratch");
    assert!(loaded.records.is_empty() && loaded.warnings.is_empty());
    assert!(
        Journal::open(dir.path()).is_err(),
        "locked like any journal"
    );
    scratch.append("a", intent()).expect("append");
    drop(scratch);
    let (_again, loaded) = Journal::open(dir.path()).expect("reopen");
    assert_eq!(loaded.records.len(), 1);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn a_lock_file_left_by_another_holder_names_the_current_one() {
    // A crashed holder's lock file, longer than the pid written now (an older build, or junk):
    // the message must name the process that holds the lock, not a mix of both.
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::create_dir_all(dir.path()).expect("dir");
    std::fs::write(dir.path().join("journal.lock"), "98765432109876543210\n").expect("old lock");
    let (_first, _) = Journal::open(dir.path()).expect("a stale lock file does not block");
    let text = Journal::open(dir.path())
        .expect_err("second is refused")
        .to_string();
    assert!(
        text.contains(&format!("(process {})", std::process::id())),
        "{text}"
    );
}

#[cfg(unix)]
#[test]
fn the_journal_is_private_and_never_written_through_a_planted_symlink() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("data/sora-tui");
    write_two_jobs(&dir);
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(
        mode(&dir.join("journal.jsonl")),
        0o600,
        "prompts are private"
    );
    assert_eq!(mode(&dir), 0o700);

    let other = tmp.path().join("other");
    std::fs::create_dir(&other).expect("dir");
    let victim = tmp.path().join("precious.txt");
    std::fs::write(&victim, b"someone else's file").expect("write");
    std::os::unix::fs::symlink(&victim, other.join("journal.jsonl")).expect("plant symlink");
    let err = Journal::open(&other).expect_err("refused");
    assert!(
        err.to_string().contains("journal.jsonl"),
        "names the path: {err}"
    );
    assert_eq!(
        std::fs::read(&victim).expect("read"),
        b"someone else's file"
    );
}

/// The backups compaction left beside the journal.
fn backups(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("journal.jsonl.bak-"))
        })
        .collect();
    found.sort();
    found
}

#[test]
fn torn_and_garbage_lines_are_compacted_once_keeping_a_private_backup() {
    let dir = tempfile::tempdir().expect("tmp");
    write_two_jobs(dir.path());
    let path = dir.path().join("journal.jsonl");
    let text = std::fs::read_to_string(&path).expect("read");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(2, "\u{1b}[31mgarbage\u{0}");
    let mut damaged = lines.join("\n") + "\n";
    // ...and the process died while writing the last line.
    damaged.truncate(damaged.len() - 20);
    std::fs::write(&path, &damaged).expect("write");

    let (journal, loaded) = Journal::open(dir.path()).expect("recovers");
    assert_eq!(loaded.records.len(), 2, "every good line is kept");
    let found = backups(dir.path());
    assert_eq!(found.len(), 1, "one backup: {found:?}");
    let backup = &found[0];
    assert_eq!(
        std::fs::read(backup).expect("backup"),
        damaged.as_bytes(),
        "the backup is the original, byte for byte"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(backup)
            .expect("meta")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "the backup holds prompts: private");
    }
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.contains(&backup.display().to_string())),
        "the warning says where the backup is: {:?}",
        loaded.warnings
    );
    // The journal now holds only whole lines, and writing goes on.
    let compacted = std::fs::read_to_string(&path).expect("read");
    assert!(compacted.ends_with('\n'));
    for line in compacted.lines() {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("a bad line is left ({e}): {line:?}"));
    }
    journal
        .append(
            "b",
            Event::Failed {
                message: "gone".into(),
            },
        )
        .expect("append");
    drop(journal);

    let (_journal, loaded) = Journal::open(dir.path()).expect("second start");
    assert!(
        loaded.warnings.is_empty(),
        "no warning on the second start: {:?}",
        loaded.warnings
    );
    assert_eq!(loaded.records.len(), 2);
    assert_eq!(loaded.records[1].failure.as_deref(), Some("gone"));
    assert_eq!(backups(dir.path()).len(), 1, "no second backup");
}

#[test]
fn reading_without_the_lock_never_rewrites_the_journal() {
    let dir = tempfile::tempdir().expect("tmp");
    write_two_jobs(dir.path());
    let path = dir.path().join("journal.jsonl");
    let mut bytes = std::fs::read(&path).expect("read");
    bytes.truncate(bytes.len() - 20);
    std::fs::write(&path, &bytes).expect("write");
    // `history` takes no lock (a dashboard may be writing): it reads, warns, and leaves the
    // file as it is; only the instance holding the lock compacts.
    let loaded = Journal::read_only(dir.path()).expect("history reads");
    assert_eq!(loaded.records.len(), 2);
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    assert_eq!(std::fs::read(&path).expect("read"), bytes, "untouched");
    assert!(backups(dir.path()).is_empty());
}

#[test]
fn an_absurdly_large_journal_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("tmp");
    write_two_jobs(dir.path());
    let path = dir.path().join("journal.jsonl");
    // A sparse file just over the limit: it costs nothing on disk.
    let size = (256 << 20) + 1;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open");
    file.set_len(size).expect("grow");
    drop(file);
    for result in [
        Journal::open(dir.path()).map(|_| ()),
        Journal::read_only(dir.path()).map(|_| ()),
    ] {
        let text = result.expect_err("refused").to_string();
        assert!(
            text.contains("journal.jsonl")
                && text.contains("larger than")
                && text.contains("move it away"),
            "{text}"
        );
    }
    assert_eq!(
        std::fs::metadata(&path).expect("meta").len(),
        size,
        "left untouched"
    );
    assert!(backups(dir.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn a_pipe_at_the_journal_path_is_refused_without_waiting() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("journal.jsonl");
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let (tx, rx) = std::sync::mpsc::channel();
    let d = dir.path().to_path_buf();
    std::thread::spawn(move || {
        let texts = [
            Journal::read_only(&d).map(|_| ()),
            Journal::open(&d).map(|_| ()),
        ]
        .map(|r| r.map_err(|e| e.to_string()));
        let _ = tx.send(texts);
    });
    let texts = rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("answered without waiting on the pipe");
    for text in texts {
        let text = text.expect_err("refused");
        assert!(text.contains("not a regular file"), "{text}");
    }
}
