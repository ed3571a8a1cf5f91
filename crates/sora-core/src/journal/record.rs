//! What the journal holds: one line per fact, in the order the facts became true, and the
//! fold of those lines into one record per job. Pure data and pure functions: the file
//! handling lives in `store.rs`.

use serde::{Deserialize, Serialize};

/// The first line of every journal; a newer `version` is refused, never overwritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
}

pub const FORMAT: &str = "sora-tui-journal";
pub const VERSION: u32 = 1;

impl Header {
    pub fn current() -> Self {
        Self {
            format: FORMAT.into(),
            version: VERSION,
        }
    }
}

/// One journal line: which job (the journal's own id, stable across restarts), when, what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u64,
    /// Unix milliseconds.
    pub at: u64,
    pub id: String,
    #[serde(flatten)]
    pub event: Event,
}

/// The generation parameters, as recorded (the image by path).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRecord {
    pub prompt: String,
    pub size: String,
    pub seconds: u32,
    pub variants: u32,
    #[serde(default)]
    pub image: Option<String>,
    /// The model it was sent to (Runway, fal: a catalogue id), so a resume asks the same one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Runway and fal: the parameters sent, as resolved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<(String, String)>,
}

impl RequestRecord {
    /// The parameters in a few words: `gen4.5 duration=5 ratio=1280:720` for a catalogue model,
    /// `480x480 5s x1` for Sora; empty for a remix or a picked-up job.
    pub fn parameters(&self) -> String {
        if !self.params.is_empty() {
            let mut words: Vec<String> = self.model.iter().cloned().collect();
            words.extend(self.params.iter().map(|(k, v)| format!("{k}={v}")));
            return words.join(" ");
        }
        if self.size.is_empty() {
            return String::new();
        }
        format!("{} {}s x{}", self.size, self.seconds, self.variants)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// Written before the create request is sent: if the process dies before `Created`, the
    /// job may or may not exist on the service, and is reconciled by listing, never resent.
    Intent {
        family: String,
        provider: String,
        request: RequestRecord,
        upload: bool,
        #[serde(default)]
        cost_estimate: Option<f64>,
        /// Set for a remix: the source video.
        #[serde(default)]
        remix_of: Option<String>,
        /// Where the files go, so a resumed download lands where the first run would have.
        #[serde(default)]
        download_dir: Option<String>,
        /// The renditions to download (`video`, `thumbnail`...), so a resume fetches each one
        /// still missing. Journals written before it was recorded: the video only.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        renditions: Vec<String>,
    },
    /// The service accepted the job (or a reconcile found it).
    Created {
        job_id: String,
    },
    Status {
        status: String,
        state: JobState,
        #[serde(default)]
        expires_at: Option<u64>,
        /// When succeeded: the outputs to download.
        #[serde(default)]
        outputs: Vec<String>,
        /// Runway and fal: the outputs' CDN URLs, in order. fal keeps a result only about an
        /// hour, so a resume after that downloads from here.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        output_urls: Vec<String>,
    },
    Failed {
        message: String,
    },
    Downloaded {
        output_id: String,
        variant: String,
        path: String,
        bytes: u64,
    },
    Uploaded {
        path: String,
        bucket: String,
        object_path: String,
        #[serde(default)]
        public_url: Option<String>,
    },
    /// The user removed the entry from history.
    Removed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Active,
    Succeeded,
    Failed,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DownloadRecord {
    pub output_id: String,
    pub variant: String,
    pub path: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UploadRecord {
    pub path: String,
    pub bucket: String,
    pub object_path: String,
    pub public_url: Option<String>,
}

/// Everything known about one job, folded from its lines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobRecord {
    pub id: String,
    /// When the intent was recorded (unix ms).
    pub started_at: u64,
    pub updated_at: u64,
    pub family: String,
    pub provider: String,
    pub request: RequestRecord,
    pub upload: bool,
    pub cost_estimate: Option<f64>,
    pub remix_of: Option<String>,
    pub download_dir: Option<String>,
    /// The renditions wanted (empty: the video only).
    pub renditions: Vec<String>,
    pub job_id: Option<String>,
    pub status: Option<String>,
    pub state: JobState,
    pub expires_at: Option<u64>,
    pub outputs: Vec<String>,
    /// The outputs' CDN URLs (Runway, fal). Never printed: their query is a credential.
    #[serde(skip)]
    pub output_urls: Vec<String>,
    pub failure: Option<String>,
    pub downloads: Vec<DownloadRecord>,
    pub uploads: Vec<UploadRecord>,
}

/// What a job still needs after a restart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextStep {
    /// The create request may or may not have reached the service: find the job by listing.
    Reconcile,
    /// Created and not finished: poll it (then download, then upload if wanted).
    Poll,
    /// Finished, but videos are missing on disk.
    Download,
    /// Downloaded, but these videos are not in the bucket yet.
    Upload(Vec<String>),
    Done,
}

impl JobRecord {
    pub fn next_step(&self) -> NextStep {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.next_step_at(now)
    }

    /// [`JobRecord::next_step`] at `now` (unix seconds): a thumbnail still missing is fetched
    /// while the service keeps the content, and forgotten once it has expired.
    pub fn next_step_at(&self, now: u64) -> NextStep {
        match (self.state, &self.job_id) {
            (JobState::Failed | JobState::Cancelled, _) => NextStep::Done,
            (JobState::Active, None) => NextStep::Reconcile,
            (JobState::Active, Some(_)) => NextStep::Poll,
            (JobState::Succeeded, _) => {
                let videos = self.video_paths().count();
                let fetchable = self.expires_at.is_none_or(|t| t > now);
                let has = |o: &String, variant: &str| {
                    self.downloads
                        .iter()
                        .any(|d| &d.output_id == o && d.variant == variant)
                };
                // The outputs are known when recorded; else one video per requested variant.
                let missing = if self.outputs.is_empty() {
                    videos < self.request.variants.max(1) as usize
                } else {
                    self.outputs.iter().any(|o| {
                        !has(o, "video")
                            || (fetchable
                                && self
                                    .renditions
                                    .iter()
                                    .filter(|r| r.as_str() != "video")
                                    .any(|r| !has(o, r)))
                    })
                };
                if missing {
                    return NextStep::Download;
                }
                if !self.upload {
                    return NextStep::Done;
                }
                let pending: Vec<String> = self
                    .downloads
                    .iter()
                    .filter(|d| d.variant == "video")
                    .filter(|d| !self.uploads.iter().any(|u| u.path == d.path))
                    .map(|d| d.path.clone())
                    .collect();
                if pending.is_empty() {
                    NextStep::Done
                } else {
                    NextStep::Upload(pending)
                }
            }
        }
    }

    pub fn video_paths(&self) -> impl Iterator<Item = &str> {
        self.downloads
            .iter()
            .filter(|d| d.variant == "video")
            .map(|d| d.path.as_str())
    }
}

/// Fold entries into records, oldest first. Lines about a job whose intent was never
/// recorded (a damaged journal) are dropped; removed jobs are left out.
pub fn fold(entries: &[Entry]) -> Vec<JobRecord> {
    let mut records: Vec<JobRecord> = Vec::new();
    let mut removed: Vec<String> = Vec::new();
    for entry in entries {
        if let Event::Intent {
            family,
            provider,
            request,
            upload,
            cost_estimate,
            remix_of,
            download_dir,
            renditions,
        } = &entry.event
        {
            if !records.iter().any(|r| r.id == entry.id) {
                records.push(JobRecord {
                    id: entry.id.clone(),
                    started_at: entry.at,
                    updated_at: entry.at,
                    family: family.clone(),
                    provider: provider.clone(),
                    request: request.clone(),
                    upload: *upload,
                    cost_estimate: *cost_estimate,
                    remix_of: remix_of.clone(),
                    download_dir: download_dir.clone(),
                    renditions: renditions.clone(),
                    job_id: None,
                    status: None,
                    state: JobState::Active,
                    expires_at: None,
                    outputs: Vec::new(),
                    output_urls: Vec::new(),
                    failure: None,
                    downloads: Vec::new(),
                    uploads: Vec::new(),
                });
            }
            continue;
        }
        let Some(record) = records.iter_mut().find(|r| r.id == entry.id) else {
            continue;
        };
        record.updated_at = entry.at;
        match &entry.event {
            Event::Intent { .. } => {}
            Event::Created { job_id } => record.job_id = Some(job_id.clone()),
            Event::Status {
                status,
                state,
                expires_at,
                outputs,
                output_urls,
            } => {
                record.status = Some(status.clone());
                record.state = *state;
                record.expires_at = expires_at.or(record.expires_at);
                if !outputs.is_empty() {
                    record.outputs = outputs.clone();
                }
                if !output_urls.is_empty() {
                    record.output_urls = output_urls.clone();
                }
            }
            Event::Failed { message } => {
                record.state = JobState::Failed;
                record.failure = Some(message.clone());
            }
            Event::Downloaded {
                output_id,
                variant,
                path,
                bytes,
            } => {
                record
                    .downloads
                    .retain(|d| !(d.output_id == *output_id && d.variant == *variant));
                record.downloads.push(DownloadRecord {
                    output_id: output_id.clone(),
                    variant: variant.clone(),
                    path: path.clone(),
                    bytes: *bytes,
                });
            }
            Event::Uploaded {
                path,
                bucket,
                object_path,
                public_url,
            } => {
                record.uploads.retain(|u| u.path != *path);
                record.uploads.push(UploadRecord {
                    path: path.clone(),
                    bucket: bucket.clone(),
                    object_path: object_path.clone(),
                    public_url: public_url.clone(),
                });
            }
            Event::Removed => removed.push(entry.id.clone()),
        }
    }
    records.retain(|r| !removed.contains(&r.id));
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: u64, id: &str, event: Event) -> Entry {
        Entry {
            seq,
            at: 1_000 + seq,
            id: id.into(),
            event,
        }
    }

    fn intent(upload: bool) -> Event {
        crate::journal::test_support::intent("a fox")
            .upload(upload)
            .cost(0.5)
            .renditions(&["video", "thumbnail"])
            .event()
    }

    fn succeeded() -> Event {
        Event::Status {
            status: "succeeded".into(),
            state: JobState::Succeeded,
            expires_at: Some(99),
            outputs: vec!["gen_1".into()],
            output_urls: Vec::new(),
        }
    }

    fn downloaded() -> Event {
        Event::Downloaded {
            output_id: "gen_1".into(),
            variant: "video".into(),
            path: "/d/gen_1.mp4".into(),
            bytes: 10,
        }
    }

    #[test]
    fn each_stage_has_its_next_step() {
        let mut lines = vec![entry(1, "a", intent(true))];
        assert_eq!(fold(&lines)[0].next_step(), NextStep::Reconcile);
        lines.push(entry(
            2,
            "a",
            Event::Created {
                job_id: "task_1".into(),
            },
        ));
        assert_eq!(fold(&lines)[0].next_step(), NextStep::Poll);
        lines.push(entry(3, "a", succeeded()));
        assert_eq!(fold(&lines)[0].next_step(), NextStep::Download);
        lines.push(entry(4, "a", downloaded()));
        assert_eq!(
            fold(&lines)[0].next_step(),
            NextStep::Upload(vec!["/d/gen_1.mp4".into()])
        );
        lines.push(entry(
            5,
            "a",
            Event::Uploaded {
                path: "/d/gen_1.mp4".into(),
                bucket: "output-videos".into(),
                object_path: "task_1/gen_1.mp4".into(),
                public_url: None,
            },
        ));
        assert_eq!(fold(&lines)[0].next_step(), NextStep::Done);
    }

    #[test]
    fn a_thumbnail_missing_after_the_video_is_still_to_download_until_the_content_expires() {
        let mut lines = vec![
            entry(1, "a", intent(false)),
            entry(
                2,
                "a",
                Event::Created {
                    job_id: "task_1".into(),
                },
            ),
            entry(3, "a", succeeded()),
            entry(4, "a", downloaded()),
        ];
        // Killed between the video and its thumbnail.
        assert_eq!(fold(&lines)[0].next_step_at(50), NextStep::Download);
        // The content is gone (expires_at 99): nothing more can be fetched.
        assert_eq!(fold(&lines)[0].next_step_at(100), NextStep::Done);
        lines.push(entry(
            5,
            "a",
            Event::Downloaded {
                output_id: "gen_1".into(),
                variant: "thumbnail".into(),
                path: "/d/gen_1.thumbnail.jpg".into(),
                bytes: 5,
            },
        ));
        assert_eq!(fold(&lines)[0].next_step_at(50), NextStep::Done);
    }

    #[test]
    fn a_success_without_recorded_outputs_still_needs_its_videos() {
        let status = Event::Status {
            status: "succeeded".into(),
            state: JobState::Succeeded,
            expires_at: None,
            outputs: vec![],
            output_urls: Vec::new(),
        };
        let mut lines = vec![
            entry(1, "a", intent(true)),
            entry(
                2,
                "a",
                Event::Created {
                    job_id: "task_1".into(),
                },
            ),
            entry(3, "a", status),
        ];
        assert_eq!(fold(&lines)[0].next_step(), NextStep::Download);
        lines.push(entry(4, "a", downloaded()));
        assert!(matches!(fold(&lines)[0].next_step(), NextStep::Upload(_)));
    }

    #[test]
    fn no_upload_wanted_means_done_after_download_and_failures_are_done() {
        let lines = vec![
            entry(1, "a", intent(false)),
            entry(
                2,
                "a",
                Event::Created {
                    job_id: "task_1".into(),
                },
            ),
            entry(3, "a", succeeded()),
            entry(4, "a", downloaded()),
            entry(5, "b", intent(false)),
            entry(
                6,
                "b",
                Event::Failed {
                    message: "input_moderation".into(),
                },
            ),
        ];
        let records = fold(&lines);
        assert_eq!(records[0].next_step(), NextStep::Done);
        assert_eq!(records[1].next_step(), NextStep::Done);
        assert_eq!(records[1].failure.as_deref(), Some("input_moderation"));
    }

    #[test]
    fn removed_and_orphaned_lines_are_left_out() {
        let lines = vec![
            entry(1, "a", intent(false)),
            entry(
                2,
                "ghost",
                Event::Created {
                    job_id: "task_9".into(),
                },
            ),
            entry(3, "a", Event::Removed),
            entry(4, "b", intent(false)),
        ];
        let records = fold(&lines);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].id, "b");
    }

    #[test]
    fn lines_round_trip_as_flat_json() {
        let e = entry(
            7,
            "a",
            Event::Created {
                job_id: "task_1".into(),
            },
        );
        let text = serde_json::to_string(&e).expect("json");
        assert_eq!(
            text,
            r#"{"seq":7,"at":1007,"id":"a","kind":"created","job_id":"task_1"}"#
        );
        let back: Entry = serde_json::from_str(&text).expect("parse");
        assert_eq!(back, e);
    }
}
