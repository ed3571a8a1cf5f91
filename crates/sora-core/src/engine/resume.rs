//! Picking a journaled job up where it stopped. A job whose create request may or may not have
//! reached the service is reconciled by listing the service's jobs — never by sending again.
//! Absence from the list proves nothing (a busy shared resource lists thousands of newer jobs,
//! a list may lag behind), so a job not found stays open and the next resume looks again.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::job::{self, Start};
use super::{Ctx, EngineEvent, JobKey, Via};
use crate::journal::{JobRecord, NextStep};
use crate::providers::{ContentVariant, Family, Job, Provider};

/// How far apart the recorded intent and the service's `created_at` may be for a listed job
/// to be taken as the one this process sent (clock skew and queueing included).
const RECONCILE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// How much earlier than the recorded intent the service's clock may date the job.
const CLOCK_SLACK: Duration = Duration::from_secs(60);
/// Pages of the job list searched when reconciling, at most, and for how long: the whole list
/// of a busy resource, back to the recorded intent, within bounds.
const RECONCILE_PAGES: usize = 200;
const RECONCILE_PAGE_SIZE: u32 = 50;
const RECONCILE_TIME: Duration = Duration::from_secs(90);
/// Content expiring sooner than this is called out when a download resumes.
const EXPIRY_WARNING: Duration = Duration::from_secs(2 * 3600);

/// The journal's entry `journal_id` filed under `key` as a job taken up again (its entry, so
/// what happens now is recorded there, and its download folder; the front end hears of its
/// prompt), or `None` after saying `missing` as the job's failure.
pub(super) fn file_record(
    ctx: &Ctx,
    key: JobKey,
    journal_id: &str,
    missing: String,
) -> Option<crate::journal::JobRecord> {
    let Some(record) = ctx.journal.as_ref().and_then(|j| j.record(journal_id)) else {
        ctx.send(EngineEvent::JobFailed {
            key,
            message: missing,
            at: SystemTime::now(),
        });
        return None;
    };
    ctx.send(EngineEvent::JobResumed {
        key,
        prompt: record.request.prompt.clone(),
        at: SystemTime::now(),
    });
    ctx.set_journal_id(key, Some(record.id.clone()));
    if let Some(dir) = &record.download_dir {
        ctx.set_download_dir(key, dir.into());
    }
    Some(record)
}

pub(super) async fn run(ctx: &Ctx, key: JobKey, journal_id: &str) -> bool {
    let missing = format!("no journal entry {journal_id} to resume");
    let Some(record) = file_record(ctx, key, journal_id, missing) else {
        return false;
    };
    let provider = match provider_for(ctx, &record) {
        Ok(provider) => provider,
        Err(message) => {
            // Asking another service would only get a 404: left untouched in the journal.
            ctx.set_journal_id(key, None);
            ctx.send(EngineEvent::JobFailed {
                key,
                message: format!("not resumed: {message}; it stays in the journal"),
                at: SystemTime::now(),
            });
            return false;
        }
    };
    let variants = resume_variants(ctx, &record);
    match record.next_step() {
        NextStep::Done => true,
        NextStep::Reconcile if !provider.family().lists_jobs() => {
            // Neither Runway nor fal lists tasks: nothing can tell whether the create arrived,
            // and sending it again could pay twice. Left open, never re-sent.
            ctx.set_journal_id(key, None);
            ctx.send(EngineEvent::JobFailed {
                key,
                message: format!(
                    "the create for \"{}\" was sent to {} but its answer never arrived: the job may exist (and be charged), and was not sent again. {} lists no tasks, so look in {}; it stays in the journal (`sora-tui history`)",
                    crate::text::one_line(&record.request.prompt),
                    record.provider,
                    provider.family().label(),
                    provider.family().where_to_look()
                ),
                at: SystemTime::now(),
            });
            false
        }
        NextStep::Reconcile => match reconcile(&provider, &record, &claimed_ids(ctx)).await {
            Ok(Lookup::Found(job)) => {
                tracing::info!(journal = %record.id, job = %job.id, "reconciled an uncertain create");
                job::run(
                    ctx,
                    key,
                    &provider,
                    Start::Existing {
                        id: job.id,
                        known_outputs: Vec::new(),
                    },
                    &variants,
                    record.upload,
                )
                .await
            }
            Ok(Lookup::NotFoundYet { searched, whole }) => {
                // Not recorded as failed: the job may exist (and be paid for).
                ctx.set_journal_id(key, None);
                let scope = if whole {
                    format!("{searched} job(s) listed back to when it was sent")
                } else {
                    format!("the newest {searched} job(s); the list goes on")
                };
                ctx.send(EngineEvent::JobFailed {
                    key,
                    message: format!(
                        "the job for \"{}\" is not found yet in {}'s job list ({scope}): the create may not have reached it, or the list lags behind. It stays open and the next `sora-tui resume` looks again. It may have been created and charged: do not send it again before `sora-tui jobs` shows it is not there.",
                        record.request.prompt,
                        provider.describe()
                    ),
                    at: SystemTime::now(),
                });
                false
            }
            Err(e) => {
                // Not recorded as failed: the next start tries again.
                let _ = ctx.events.send(EngineEvent::JobFailed {
                    key,
                    message: format!("cannot reconcile yet (will try again next start): {e}"),
                    at: SystemTime::now(),
                });
                false
            }
        },
        NextStep::Poll | NextStep::Download => {
            warn_if_expiring(ctx, key, &record);
            let Some(id) = record.job_id.clone() else {
                return false;
            };
            job::run(
                ctx,
                key,
                &provider,
                Start::Existing {
                    id,
                    known_outputs: record.output_urls.clone(),
                },
                &variants,
                record.upload,
            )
            .await
        }
        NextStep::Upload(paths) => {
            if let Some(id) = &record.job_id {
                ctx.remember_job_id(key, id);
                ctx.remember_provider(key, &provider);
                let _ = ctx.events.send(EngineEvent::JobCreated {
                    key,
                    job_id: id.clone(),
                    at: SystemTime::now(),
                });
            }
            // The front end learns the job's files, so a failed upload can be sent again.
            super::again::announce_recorded_files(ctx, key, &record);
            let mut ok = true;
            for path in paths {
                if !Path::new(&path).exists() {
                    ctx.send(EngineEvent::Warning {
                        key: Some(key),
                        message: format!("{path} is gone from disk: it cannot be uploaded"),
                    });
                    ok = false;
                    continue;
                }
                ok &= super::upload::run(ctx, key, Path::new(&path)).await;
            }
            ok
        }
    }
}

/// The service that recorded the job, running the model it was sent to.
pub(super) fn provider_for(ctx: &Ctx, record: &JobRecord) -> Result<Provider, String> {
    let family = Family::parse(&record.family).ok_or_else(|| {
        format!(
            "recorded on {} ({}), a service this build does not know",
            record.family, record.provider
        )
    })?;
    let via = Via {
        family,
        // A Sora deployment is whatever is configured now; a catalogue model is the job's own.
        model: record
            .request
            .model
            .clone()
            .filter(|_| family.uses_catalogue()),
    };
    ctx.services.pick(Some(&via)).map_err(|e| {
        format!(
            "recorded on {} ({}), but {e}",
            record.family, record.provider
        )
    })
}

/// Job ids other journal records already own: a reconcile must not take one of them.
fn claimed_ids(ctx: &Ctx) -> Vec<String> {
    ctx.journal
        .as_ref()
        .map(|j| j.records().into_iter().filter_map(|r| r.job_id).collect())
        .unwrap_or_default()
}

/// The renditions the job's first run wanted (older journals do not say: the settings').
pub(super) fn resume_variants(ctx: &Ctx, record: &JobRecord) -> Vec<ContentVariant> {
    let recorded: Vec<ContentVariant> = record
        .renditions
        .iter()
        .filter_map(|r| ContentVariant::parse(r))
        .collect();
    if !recorded.is_empty() {
        return recorded;
    }
    let mut v = vec![ContentVariant::Video];
    if ctx.settings.thumbnails {
        v.push(ContentVariant::Thumbnail);
    }
    v
}

/// The warning for content about to go, its wait worded as every other wait is.
fn expiring_text(job: &str, left: Duration) -> String {
    format!(
        "{job}: the service deletes this content in {}: downloading now",
        crate::present::duration(left)
    )
}

fn warn_if_expiring(ctx: &Ctx, key: JobKey, record: &JobRecord) {
    let Some(expires) = record
        .expires_at
        .and_then(|s| UNIX_EPOCH.checked_add(Duration::from_secs(s)))
    else {
        return;
    };
    match expires.duration_since(SystemTime::now()) {
        Ok(left) if left < EXPIRY_WARNING => ctx.send(EngineEvent::Warning {
            key: Some(key),
            message: expiring_text(record.job_id.as_deref().unwrap_or("job"), left),
        }),
        Ok(_) => {}
        Err(_) => ctx.send(EngineEvent::Warning {
            key: Some(key),
            message: format!(
                "{}: the content has probably expired already; trying anyway",
                record.job_id.as_deref().unwrap_or("job")
            ),
        }),
    }
}

/// What a search of the job list found.
#[derive(Debug)]
enum Lookup {
    Found(Box<Job>),
    /// Not in the `searched` jobs listed; `whole`: the list was read back to the intent.
    NotFoundYet {
        searched: usize,
        whole: bool,
    },
}

/// Find the job an interrupted create may have made: same prompt, created close to when the
/// intent was recorded, and (where the service echoes them) the same size and length. Pages
/// through the list, newest first, until it reaches back before the intent (bounded in pages
/// and time).
async fn reconcile(
    provider: &Provider,
    record: &JobRecord,
    claimed: &[String],
) -> Result<Lookup, String> {
    let intent_at = UNIX_EPOCH
        .checked_add(Duration::from_millis(record.started_at))
        .unwrap_or(UNIX_EPOCH);
    let deadline = tokio::time::Instant::now() + RECONCILE_TIME;
    let mut after: Option<String> = None;
    let mut searched = 0;
    for _ in 0..RECONCILE_PAGES {
        let page = tokio::time::timeout_at(
            deadline,
            provider.list(RECONCILE_PAGE_SIZE, after.as_deref()),
        )
        .await
        .map_err(|_| {
            format!(
                "listing the jobs took longer than {} s",
                RECONCILE_TIME.as_secs()
            )
        })?
        .map_err(|e| e.to_string())?;
        searched += page.jobs.len();
        if let Some(job) = page
            .jobs
            .iter()
            .find(|j| !claimed.contains(&j.id) && matches(j, record, intent_at))
        {
            return Ok(Lookup::Found(Box::new(job.clone())));
        }
        // Newest first: once a page reaches back before the intent, older pages cannot match.
        let oldest = page.jobs.iter().filter_map(|j| j.created_at).min();
        let before_intent =
            oldest.is_some_and(|t| t.checked_add(CLOCK_SLACK).is_some_and(|t| t < intent_at));
        if !page.has_more || before_intent {
            return Ok(Lookup::NotFoundYet {
                searched,
                whole: true,
            });
        }
        // A page without a cursor cannot be followed: stop rather than read page one again.
        let Some(last) = page.last_id.clone() else {
            break;
        };
        after = Some(last);
    }
    Ok(Lookup::NotFoundYet {
        searched,
        whole: false,
    })
}

pub fn matches(job: &Job, record: &JobRecord, intent_at: SystemTime) -> bool {
    let prompt_ok = job
        .prompt
        .as_deref()
        .is_some_and(|p| p == record.request.prompt);
    // Created after the intent was recorded (give or take a minute of clock skew) and not long
    // after: an earlier job with the same prompt is another job, not this one.
    let time_ok = job.created_at.is_some_and(|t| {
        let earliest = intent_at.checked_sub(CLOCK_SLACK).unwrap_or(intent_at);
        let latest = intent_at.checked_add(RECONCILE_WINDOW).unwrap_or(intent_at);
        t >= earliest && t <= latest
    });
    let size_ok = job
        .size
        .is_none_or(|s| record.request.size.is_empty() || s.to_string() == record.request.size);
    let seconds_ok = job
        .seconds
        .is_none_or(|s| record.request.seconds == 0 || s == record.request.seconds);
    prompt_ok && time_ok && size_ok && seconds_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::JobState;
    use crate::providers::{JobStatus, Size};

    fn record(started_ms: u64) -> JobRecord {
        JobRecord {
            id: "j1".into(),
            started_at: started_ms,
            updated_at: started_ms,
            family: "azure-sora".into(),
            provider: "test".into(),
            request: crate::journal::test_support::request("a fox"),
            upload: false,
            cost_estimate: None,
            remix_of: None,
            download_dir: None,
            renditions: vec![],
            job_id: None,
            status: None,
            state: JobState::Active,
            expires_at: None,
            outputs: vec![],
            failure: None,
            downloads: vec![],
            uploads: vec![],
            output_urls: Vec::new(),
        }
    }

    fn job(created_secs: Option<u64>, prompt: &str) -> Job {
        Job {
            id: "task_1".into(),
            status: JobStatus::Queued,
            status_text: "queued".into(),
            progress: None,
            prompt: Some(prompt.into()),
            model: None,
            size: Some(Size::new(480, 480)),
            seconds: Some(5),
            created_at: created_secs.map(|s| UNIX_EPOCH + Duration::from_secs(s)),
            finished_at: None,
            expires_at: None,
            failure_reason: None,
            outputs: vec![],
            remixed_from: None,
            poll_after: None,
            notes: Vec::new(),
            failure_explained: false,
        }
    }

    #[test]
    fn content_about_to_expire_is_worded_as_every_other_wait() {
        let text = expiring_text("task_1", Duration::from_secs(12 * 60 + 5));
        assert!(text.contains("deletes this content in 12m 05s"), "{text}");
        assert!(!text.contains("min"), "{text}");
    }

    #[test]
    fn only_a_job_made_just_after_the_intent_is_taken_for_it() {
        let intent = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let r = record(1_000_000_000);
        assert!(
            matches(&job(Some(1_000_002), "a fox"), &r, intent),
            "seconds after"
        );
        assert!(
            matches(&job(Some(999_970), "a fox"), &r, intent),
            "clock skew"
        );
        assert!(
            !matches(&job(Some(999_000), "a fox"), &r, intent),
            "an earlier run of the same prompt"
        );
        assert!(
            !matches(&job(Some(1_000_000 + 3600), "a fox"), &r, intent),
            "much later"
        );
        assert!(
            !matches(&job(None, "a fox"), &r, intent),
            "no creation time, no proof"
        );
        assert!(
            !matches(&job(Some(1_000_002), "a cat"), &r, intent),
            "another prompt"
        );
    }
}
