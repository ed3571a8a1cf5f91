//! The journal reader: any bytes as `journal.jsonl`, read as `history` reads it
//! (`Journal::read_only`: every line bounded, damage skipped with a warning), folded into
//! records, and each record's next step and dates worked out as `resume` and `history` do.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use sora_core::journal::Journal;

/// A RAM-backed directory where there is one: rewriting a file on disk thousands of times a
/// second is slowed by the file system's flush on truncate.
fn scratch() -> PathBuf {
    let shm = PathBuf::from("/dev/shm");
    if shm.is_dir() {
        shm
    } else {
        std::env::temp_dir()
    }
}

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch().join(format!("sora-fuzz-journal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("the fuzz journal dir can be made");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    std::fs::write(dir().join("journal.jsonl"), data).expect("the fuzz journal can be written");
    match Journal::read_only(dir()) {
        Ok(loaded) => {
            for record in &loaded.records {
                for now in [0, 1_800_000_000, u64::MAX] {
                    let _ = record.next_step_at(now);
                }
                let _ = record.request.parameters();
                let _ = sora_core::text::utc_time_millis(record.started_at);
                let _ = sora_core::text::utc_time_millis(record.updated_at);
                if let Some(at) = record
                    .expires_at
                    .and_then(|s| UNIX_EPOCH.checked_add(Duration::from_secs(s)))
                {
                    let _ = sora_core::text::utc_time(at);
                    let _ = sora_core::present::expiry_text(at, SystemTime::now());
                }
                let _ = record.video_paths().count();
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
