//! The history commands: reading and pruning the journal, answered with events like everything
//! else.

use super::{Ctx, EngineEvent};
use crate::journal::Event as JournalEvent;

pub(super) fn load(ctx: &Ctx) {
    let result = match &ctx.journal {
        Some(journal) => Ok(journal.records()),
        None => Err("no journal is kept in this run".to_string()),
    };
    ctx.send(EngineEvent::History(result));
}

/// Remove an entry (and, when asked, its files and the job on the service), then report what
/// was done and send the history again.
pub(super) async fn remove(ctx: &Ctx, journal_id: &str, files: bool, remote: bool) {
    let Some(journal) = &ctx.journal else {
        return load(ctx);
    };
    let Some(record) = journal.record(journal_id) else {
        return load(ctx);
    };
    let mut done = Vec::new();
    let mut problems = Vec::new();
    if remote {
        match (&record.job_id, super::resume::provider_for(ctx, &record)) {
            (Some(id), Ok(provider)) => match provider.delete(id).await {
                Ok(()) => done.push(format!("deleted {id} on the service")),
                Err(e) => problems.push(format!("could not delete {id} on the service: {e}")),
            },
            (None, _) => {}
            (Some(id), Err(e)) => problems.push(format!("{id} not deleted: {e}")),
        }
    }
    if files {
        let mut removed = 0;
        for d in &record.downloads {
            match std::fs::remove_file(&d.path) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => problems.push(format!("could not delete {}: {e}", d.path)),
            }
        }
        done.push(format!("deleted {removed} file(s)"));
    }
    match journal.append(journal_id, JournalEvent::Removed) {
        Ok(()) => done.insert(0, "removed from history".into()),
        Err(e) => problems.push(format!("could not update the journal: {e}")),
    }
    let who = record.job_id.as_deref().unwrap_or(&record.request.prompt);
    if problems.is_empty() {
        ctx.send(EngineEvent::Info(format!("{who}: {}", done.join(", "))));
    } else {
        ctx.send(EngineEvent::Warning {
            key: None,
            message: format!("{who}: {}; {}", done.join(", "), problems.join("; ")),
        });
    }
    load(ctx);
}
