//! The service's own job list in the jobs panel (`S`): the jobs of the service the prompt has
//! selected, also those this program never saw, as rows that take the same actions (`d`
//! downloads, `x` deletes). A page at a time: the next `S` loads the next page with the
//! service's cursor. Runway and fal list no tasks; the dashboard says so.

use super::jobs::{JobEnd, StatusStep};
use super::keymap::{Action, Scope};
use super::{App, Effect};
use sora_core::engine::{Command, JobKey, SERVICE_JOBS_PAGE, ServiceJobsPage, Via};
use sora_core::providers::{ContentVariant, JobStatus};

/// How far the list of one service has been read.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceList {
    /// The service it was asked of (None: the configured default).
    via: Option<Via>,
    /// Jobs listed so far, over every page.
    loaded: usize,
    /// The cursor of the next page; None once the list is read to its end.
    next: Option<String>,
    /// A page was asked for and has not answered yet.
    loading: bool,
}

impl App {
    /// `S`: ask the engine for the next page of the selected service's jobs (the first page
    /// when nothing of it is loaded, or when its list was read to the end); keys are set aside
    /// for them.
    pub(super) fn load_service_jobs(&mut self) -> Vec<Effect> {
        let via = self.via();
        let key = self.keymap.keys_label(Scope::Jobs, Action::LoadServiceJobs);
        let after = match &self.service_list {
            // One page at a time: an answer is filed under the list that asked for it.
            Some(list) if list.loading => {
                self.inform("Still loading the service's job list…");
                return Vec::new();
            }
            Some(list) if list.via == via => list.next.clone(),
            _ => None,
        };
        let service = self.service_description();
        let first_key = JobKey(self.next_job);
        self.next_job += u64::from(SERVICE_JOBS_PAGE);
        match (&after, &mut self.service_list) {
            (Some(_), Some(list)) => list.loading = true,
            _ => {
                self.service_list = Some(ServiceList {
                    via: via.clone(),
                    loaded: 0,
                    next: None,
                    loading: true,
                })
            }
        }
        if after.is_some() {
            self.inform(format!(
                "Loading the next {SERVICE_JOBS_PAGE} jobs of {service}'s own list…"
            ));
        } else {
            self.inform(format!(
                "Loading {service}'s own job list, newest first ({key} again loads more)…"
            ));
        }
        vec![Effect::Engine(Command::ListServiceJobs {
            first_key,
            via,
            after,
        })]
    }

    pub(super) fn on_service_jobs(
        &mut self,
        service: &str,
        result: Result<ServiceJobsPage, String>,
    ) {
        let page = match result {
            Ok(page) => page,
            Err(message) => {
                // Nothing to continue from: the next `S` asks again from the start.
                self.service_list = None;
                self.warn(format!("No job list from {service}: {message}"));
                return;
            }
        };
        let now = self.now;
        let via = self.service_list.as_ref().and_then(|l| l.via.clone());
        let listed = page.jobs.len();
        let mut added = 0;
        for (key, job) in page.jobs {
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
            row.listed_via = via.clone();
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
        let key = self.keymap.keys_label(Scope::Jobs, Action::LoadServiceJobs);
        let (loaded, more) = match &mut self.service_list {
            Some(list) => {
                list.loading = false;
                list.loaded += listed;
                list.next = page.next.clone();
                (list.loaded, page.next.is_some())
            }
            None => (listed, page.next.is_some()),
        };
        let known = listed - added;
        let shown = if known > 0 {
            format!("{added} new, {known} already in the list")
        } else {
            format!("{added} job(s)")
        };
        let rest = if more {
            format!("more remain: {key} loads the next {SERVICE_JOBS_PAGE}")
        } else if page.has_more {
            // The service said more follow but gave no cursor to reach them.
            "more remain, but the service gave no cursor to load them".to_string()
        } else {
            format!("that is the whole list ({key} lists it again from the newest)")
        };
        self.inform(format!(
            "{shown} from {service}'s own list ({loaded} loaded; {rest}): d downloads one (a running one is followed to its end), x deletes it"
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
        let via = row.listed_via.take();
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
            via,
        })]
    }
}
