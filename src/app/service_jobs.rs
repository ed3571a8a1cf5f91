//! The service's own job list in the jobs panel (`L`): the newest jobs of the configured
//! service, also those this program never saw, as rows that take the same actions (`d`
//! downloads, `x` deletes). Runway and fal list no tasks; the dashboard says so.

use super::jobs::{JobEnd, StatusStep};
use super::{App, Effect};
use sora_core::engine::{Command, JobKey, SERVICE_JOBS_PAGE};
use sora_core::providers::{ContentVariant, Job, JobStatus};

impl App {
    /// `L`: ask the engine for the service's newest jobs; keys are set aside for them.
    pub(super) fn load_service_jobs(&mut self) -> Vec<Effect> {
        let first_key = JobKey(self.next_job);
        self.next_job += u64::from(SERVICE_JOBS_PAGE);
        self.inform("Loading the service's own job list…");
        vec![Effect::Engine(Command::ListServiceJobs { first_key })]
    }

    pub(super) fn on_service_jobs(
        &mut self,
        service: &str,
        result: Result<Vec<(JobKey, Job)>, String>,
    ) {
        let jobs = match result {
            Ok(jobs) => jobs,
            Err(message) => {
                self.warn(format!("No job list from {service}: {message}"));
                return;
            }
        };
        let now = self.now;
        let mut added = 0;
        for (key, job) in jobs {
            // A job already in the list (this session's, or listed before) keeps its row.
            if self
                .jobs
                .rows
                .iter()
                .any(|r| r.job_id.as_deref() == Some(&job.id))
            {
                continue;
            }
            let row = self
                .jobs
                .row_or_insert(key, job.prompt.as_deref().unwrap_or_default());
            row.job_id = Some(job.id.clone());
            row.service = Some(service.to_string());
            row.listed = true;
            let at = job.created_at.unwrap_or(now);
            row.submitted_at = Some(at);
            row.steps.push(StatusStep {
                status: job.status,
                text: job.status_text.clone(),
                at: job.finished_at.unwrap_or(at),
            });
            row.progress = job.progress;
            row.end = Some(match job.status {
                JobStatus::Failed | JobStatus::Cancelled => JobEnd::Failed {
                    message: job.explain_failure(),
                },
                // Not followed (no poll): `d` picks it up and follows it to its files.
                status => JobEnd::Completed {
                    ok: status == JobStatus::Succeeded,
                },
            });
            row.ended_at = Some(job.finished_at.unwrap_or(at));
            added += 1;
        }
        self.inform(format!(
            "{added} job(s) from {service}'s own list: d downloads one (a running one is followed to its end), x deletes it"
        ));
    }

    /// `d` on a row from the service's list: pick the job up by id (poll it if it still runs,
    /// then download), as `sora-tui download ID` would.
    pub(super) fn fetch_listed_job(&mut self, index: usize) -> Vec<Effect> {
        let Some(row) = self.jobs.rows.get_mut(index) else {
            return Vec::new();
        };
        let Some(job_id) = row.job_id.clone() else {
            return Vec::new();
        };
        row.listed = false;
        row.end = None;
        row.ended_at = None;
        row.submitted_at = Some(self.now);
        let key = row.key;
        self.inform(format!("Downloading {job_id} ({key}) from the service…"));
        vec![Effect::Engine(Command::Fetch {
            key,
            job_id,
            variants: vec![ContentVariant::Video],
            upload: false,
            via: None,
        })]
    }
}
