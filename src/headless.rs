//! The headless front end: the same engine commands as the dashboard, with a printer instead of
//! a screen. One line per event, so scripts and CI logs can follow a job.

use std::time::SystemTime;

use tokio::sync::mpsc::UnboundedReceiver;

use crate::signals::{Signal, Signals};
use sora_core::download::{AttemptOutcome, Report};
use sora_core::engine::{Command, Engine, EngineEvent, JobKey};
use sora_core::present;
use sora_core::providers::catalogue::value_text;
use sora_core::providers::{ContentVariant, GenerationRequest, Job, JobStatus, Provider};
use sora_core::text::{one_line, utc_time, utc_time_millis};

/// What a finished headless run saw, for the exit status and the summary.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub ok: bool,
    pub files: Vec<std::path::PathBuf>,
    pub uploaded: Vec<String>,
    /// The run was stopped by this signal (the process should exit with its code).
    pub interrupted: Option<Signal>,
}

impl Outcome {
    /// The exit status: 0 when every job went well, 128 + the signal's number when one stopped
    /// the run (SIGINT: 130, as shells expect), 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match (self.interrupted, self.ok) {
            (Some(signal), _) => signal.exit_code(),
            (None, true) => 0,
            (None, false) => 1,
        }
    }
}

/// The one job a headless run works on.
pub const HEADLESS_JOB: JobKey = JobKey(1);

/// The line that introduces a generation: prompt, service, parameters and the cost estimate.
pub fn describe_request(request: &GenerationRequest, provider: &Provider) -> String {
    let mut line = format!("job {HEADLESS_JOB}: {}", quote(&request.prompt));
    match provider.model_choice().map(|m| m.resolve(request)) {
        Some(Ok(resolved)) => {
            line.push_str(&format!(" · {}", one_line(&provider.describe())));
            for (name, value) in &resolved.params {
                line.push_str(&format!(" · {name} {}", one_line(&value_text(value))));
            }
        }
        Some(Err(_)) => line.push_str(&format!(" · {}", one_line(&provider.describe()))),
        None => line.push_str(&format!(
            " · {} · {} · {} s · {} variant(s)",
            one_line(&provider.model()),
            request.size,
            request.seconds,
            request.variants
        )),
    }
    if let Some(path) = &request.image {
        line.push_str(&format!(" · image {}", path.display()));
    }
    match provider.estimate_text(request) {
        Some(cost) => line.push_str(&format!(" · estimated cost {cost}")),
        None => line.push_str(" · cost unknown"),
    }
    line
}

/// Run one job command (`Generate`, `Remix` or `Fetch` for [`HEADLESS_JOB`]) to the end,
/// printing each event to stdout (failures to stderr). SIGINT, SIGTERM, SIGHUP or SIGQUIT stop
/// the engine's tasks (see [`Outcome::interrupted`]); the job keeps running on the service.
pub async fn run_job(
    engine: &Engine,
    events: UnboundedReceiver<EngineEvent>,
    command: Command,
) -> Outcome {
    run_jobs(engine, events, vec![command]).await
}

/// Run several job commands at once; `ok` only when every one of them completed well.
pub async fn run_jobs(
    engine: &Engine,
    mut events: UnboundedReceiver<EngineEvent>,
    commands: Vec<Command>,
) -> Outcome {
    let mut pending = commands.len();
    let mut outcome = Outcome {
        ok: true,
        ..Outcome::default()
    };
    if pending == 0 {
        return outcome;
    }
    for command in commands {
        engine.dispatch(command);
    }
    let started = SystemTime::now();
    // One listener for the whole run: a signal between two events is not missed. Without one
    // (no signal support), the run cannot be stopped cleanly but still works.
    let mut signals = Signals::listen().ok();
    let interrupted = async {
        match &mut signals {
            Some(signals) => signals.recv().await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(interrupted);
    loop {
        let event = tokio::select! {
            e = events.recv() => e,
            signal = &mut interrupted => {
                engine.shutdown();
                eprintln!("interrupted ({}): stopped watching (a job already created keeps running on the service; `sora-tui resume` picks it up)", signal.name());
                outcome.ok = false;
                outcome.interrupted = Some(signal);
                return outcome;
            }
        };
        let Some(event) = event else {
            outcome.ok = false;
            return outcome;
        };
        match &event {
            EngineEvent::DownloadFinished { path, key, .. }
                if key.variant == ContentVariant::Video =>
            {
                outcome.files.push(path.clone());
            }
            EngineEvent::UploadFinished {
                bucket,
                object_path,
                ..
            } => outcome.uploaded.push(format!("{bucket}/{object_path}")),
            _ => {}
        }
        if let Some(line) = format_event(&event, started) {
            if is_failure(&event) {
                eprintln!("{line}");
            } else {
                println!("{line}");
            }
        }
        if let EngineEvent::JobComplete { ok, .. } = event {
            outcome.ok &= ok;
            pending -= 1;
            if pending == 0 {
                return outcome;
            }
        }
    }
}

/// A journal record as one line for `history`.
pub fn history_line(r: &sora_core::journal::JobRecord) -> String {
    // The journal is a file: any value in it may be damaged, none may take `history` down.
    let when = utc_time_millis(r.started_at);
    let state = match (&r.failure, r.status.as_deref()) {
        (Some(f), _) => format!("failed: {}", one_line(f)),
        (None, Some(s)) => one_line(s).into_owned(),
        (None, None) => "not created yet".to_string(),
    };
    let mut line = format!(
        "{when}  {}  {}  {}",
        one_line(r.job_id.as_deref().unwrap_or("(no job id)")),
        quote(&r.request.prompt),
        state
    );
    let parameters = r.request.parameters();
    if !parameters.is_empty() {
        line.push_str(&format!("  {}", one_line(&parameters)));
    }
    if let Some(cost) = r.cost_estimate {
        line.push_str(&format!("  ≈${cost:.2}"));
    }
    for d in r.downloads.iter().filter(|d| d.variant == "video") {
        line.push_str(&format!("\n    file {}", one_line(&d.path)));
    }
    for u in &r.uploads {
        line.push_str(&format!(
            "\n    stored {}/{}",
            one_line(&u.bucket),
            one_line(&u.object_path)
        ));
    }
    line
}

/// A job as one line for `jobs` and `status`.
pub fn job_line(job: &Job) -> String {
    // Every text here is the service's: shown, never obeyed by the terminal.
    let mut line = format!("{}  {}", one_line(&job.id), one_line(&job.status_text));
    if let Some(p) = job.progress {
        line.push_str(&format!(" {p}%"));
    }
    if let Some(size) = job.size {
        line.push_str(&format!("  {size}"));
    }
    if let Some(s) = job.seconds {
        line.push_str(&format!(" {s}s"));
    }
    if let Some(created) = job.created_at {
        line.push_str(&format!("  created {}", utc_time(created)));
    }
    if let Some(expires) = job
        .expires_at
        .filter(|_| job.status == JobStatus::Succeeded)
    {
        line.push_str(&format!(
            "  {}",
            present::expiry_text(expires, SystemTime::now())
        ));
    }
    if let Some(from) = &job.remixed_from {
        line.push_str(&format!("  remix of {}", one_line(from)));
    }
    if let Some(prompt) = &job.prompt {
        line.push_str(&format!("  {}", quote(prompt)));
    }
    if let Some(reason) = &job.failure_reason {
        line.push_str(&format!("  failed: {}", one_line(reason)));
    }
    if !job.outputs.is_empty() {
        let ids: Vec<_> = job.outputs.iter().map(|o| one_line(&o.id)).collect();
        line.push_str(&format!("  outputs: {}", ids.join(", ")));
    }
    line
}

/// A job as JSON for `--json`: stable field names, times as unix seconds.
pub fn job_json(job: &Job) -> serde_json::Value {
    let unix = |t: Option<SystemTime>| {
        t.and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map(|d| d.as_secs())
    };
    serde_json::json!({
        "id": job.id,
        "status": job.status_text,
        "progress": job.progress,
        "prompt": job.prompt,
        "model": job.model,
        "size": job.size.map(|s| s.to_string()),
        "seconds": job.seconds,
        "created_at": unix(job.created_at),
        "finished_at": unix(job.finished_at),
        "expires_at": unix(job.expires_at),
        "failure_reason": job.failure_reason,
        "remixed_from": job.remixed_from,
        "outputs": job.outputs.iter().map(|o| o.id.clone()).collect::<Vec<_>>(),
    })
}

fn is_failure(event: &EngineEvent) -> bool {
    matches!(
        event,
        EngineEvent::JobFailed { .. }
            | EngineEvent::DownloadFailed { .. }
            | EngineEvent::UploadFailed { .. }
    )
}

/// One line for an event, or None for events a script does not need (progress ticks).
pub fn format_event(event: &EngineEvent, started: SystemTime) -> Option<String> {
    let since = |at: &SystemTime| {
        let d = at.duration_since(started).unwrap_or_default();
        format!("+{}", present::duration(d))
    };
    // Ids, statuses, messages and names come from services and storage: each is shown on its
    // line with its control characters made visible.
    let c = |text: &str| one_line(text).into_owned();
    Some(match event {
        EngineEvent::JobSubmitting { key, at, .. } => {
            format!("job {key}: submitting ({})", since(at))
        }
        EngineEvent::JobResumed { key, prompt, at } => {
            format!(
                "job {key}: resuming {} from the journal, nothing sent again ({})",
                quote(prompt),
                since(at)
            )
        }
        EngineEvent::JobService {
            key,
            service,
            estimate,
        } => match estimate {
            Some(cost) => format!("job {key}: on {} · estimated {}", c(service), c(cost)),
            None => format!("job {key}: on {}", c(service)),
        },
        EngineEvent::JobCreated { key, job_id, at } => {
            format!("job {key}: created {} ({})", c(job_id), since(at))
        }
        EngineEvent::JobRetrying(retry) => {
            format!(
                "job {}: {} ({})",
                retry.key,
                c(&retry.describe()),
                since(&retry.at)
            )
        }
        EngineEvent::JobStatusChanged {
            key,
            status,
            status_text,
            progress,
            at,
            expires_at,
            notes,
        } => {
            let mut line = match progress {
                Some(p) => format!("job {key}: status {} {p}% ({})", c(status_text), since(at)),
                None => format!("job {key}: status {} ({})", c(status_text), since(at)),
            };
            if *status == sora_core::providers::JobStatus::Succeeded
                && let Some(expires) = expires_at
            {
                line.push_str(&format!(" · {}", present::expiry_text(*expires, *at)));
            }
            for note in notes {
                line.push_str(&format!(" · {}", c(note)));
            }
            line
        }
        EngineEvent::JobFailed { key, message, .. } => {
            format!("job {key}: FAILED: {}", c(message))
        }
        EngineEvent::Download {
            key,
            report: Report::Attempt(a),
        } => {
            let status = a.status.map_or("no answer".to_string(), |s| s.to_string());
            let tail = match (&a.outcome, a.next_retry_in) {
                (AttemptOutcome::Saved, _) => "saved".to_string(),
                (AttemptOutcome::WillRetry, Some(d)) => {
                    format!("retry in {}: {}", present::duration(d), c(&a.detail))
                }
                (AttemptOutcome::WillRetry, None) => format!("retrying: {}", c(&a.detail)),
                (AttemptOutcome::GaveUp, _) => format!("gave up: {}", c(&a.detail)),
                (AttemptOutcome::Cancelled, _) => format!("cancelled: {}", c(&a.detail)),
                (AttemptOutcome::Diagnostic, _) => c(&a.detail),
            };
            let rid = a
                .request_id
                .as_ref()
                .map(|r| format!(" [request id {}]", c(r)))
                .unwrap_or_default();
            let headers: Vec<String> = a
                .headers
                .iter()
                .filter(|(k, _)| !k.ends_with("request-id"))
                .map(|(k, v)| format!("{}: {}", c(k), c(v)))
                .collect();
            let headers = if headers.is_empty() {
                String::new()
            } else {
                format!(" {{{}}}", headers.join("; "))
            };
            format!(
                "download {} {}: attempt {} {} {} → {status} ({}, {}) {tail}{rid}{headers}",
                c(&key.output_id),
                variant_word(key.variant),
                a.number,
                a.method,
                c(&a.url),
                present::bytes(a.bytes),
                present::short_duration(a.duration),
            )
        }
        EngineEvent::Download {
            report: Report::Progress { .. },
            ..
        }
        | EngineEvent::UploadProgress { .. } => return None,
        EngineEvent::DownloadQueued { key } => format!(
            "download {} {}: waiting for a free download slot",
            c(&key.output_id),
            variant_word(key.variant)
        ),
        EngineEvent::DownloadCancelled { key } => format!(
            "download {} {}: cancelled; the partial file is kept and the next download resumes it",
            c(&key.output_id),
            variant_word(key.variant)
        ),
        EngineEvent::DownloadFinished { key, path, bytes } => format!(
            "saved {} {} → {} ({})",
            c(&key.output_id),
            variant_word(key.variant),
            c(&path.display().to_string()),
            present::bytes(*bytes)
        ),
        EngineEvent::DownloadFailed { key, message } => format!(
            "download {} {} FAILED: {}",
            c(&key.output_id),
            variant_word(key.variant),
            c(message)
        ),
        EngineEvent::UploadStarted {
            bucket,
            object_path,
            ..
        } => format!("uploading to {}/{}", c(bucket), c(object_path)),
        EngineEvent::UploadFinished {
            bucket,
            object_path,
            public_url,
            bytes,
            ..
        } => {
            let mut line = format!(
                "uploaded {}/{} ({})",
                c(bucket),
                c(object_path),
                present::bytes(*bytes)
            );
            if let Some(url) = public_url {
                line.push_str(&format!("\npublic URL: {}", c(url)));
            }
            line
        }
        EngineEvent::UploadFailed { message, .. } => format!("upload FAILED: {}", c(message)),
        EngineEvent::JobComplete { key, ok } => {
            if *ok {
                format!("job {key}: done")
            } else {
                format!("job {key}: finished with errors")
            }
        }
        EngineEvent::Warning { message, .. } => format!("warning: {}", c(message)),
        EngineEvent::Info(message) => c(message),
        EngineEvent::History(_) | EngineEvent::Doctor(_) | EngineEvent::Account { .. } => {
            return None;
        }
        EngineEvent::Storage { result, .. } => match result {
            Ok(done) => match &done.url {
                Some(url) => format!("{}\n{}", c(&done.message), c(url)),
                None => c(&done.message),
            },
            Err(failure) => format!("storage FAILED: {}", c(&failure.message)),
        },
        EngineEvent::BucketsListed(_) | EngineEvent::ObjectsListed { .. } => return None,
    })
}

fn variant_word(v: ContentVariant) -> &'static str {
    v.label()
}

fn quote(prompt: &str) -> String {
    let short: String = prompt.chars().take(60).collect();
    let shown = one_line(&short);
    if short.len() < prompt.len() {
        format!("\"{shown}…\"")
    } else {
        format!("\"{shown}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sora_core::download::Attempt;
    use sora_core::engine::DownloadKey;
    use std::time::Duration;

    #[test]
    fn attempt_lines_show_status_bytes_outcome_and_next_retry() {
        let start = SystemTime::UNIX_EPOCH;
        let key = DownloadKey {
            job: JobKey(1),
            output_id: "gen_1".into(),
            variant: ContentVariant::Video,
        };
        let attempt = Attempt {
            number: 1,
            method: "GET",
            url: "http://127.0.0.1:1/openai/v1/video/generations/gen_1/content/video?api-version=preview".into(),
            status: Some(404),
            bytes: 56,
            started_at: start,
            duration: Duration::from_millis(3),
            outcome: AttemptOutcome::WillRetry,
            detail: "404: content not there (yet?)".into(),
            next_retry_in: Some(Duration::from_secs(5)),
            request_id: Some("abc-123".into()),
            headers: vec![],
        };
        let event = EngineEvent::Download {
            key,
            report: Report::Attempt(attempt),
        };
        let line = format_event(&event, start).expect("a line");
        assert_eq!(
            line,
            "download gen_1 video: attempt 1 GET http://127.0.0.1:1/openai/v1/video/generations/gen_1/content/video?api-version=preview → 404 (56 B, 3ms) retry in 5.0s: 404: content not there (yet?) [request id abc-123]"
        );
    }

    /// The CLI and the dashboard show the same size for the same file (binary units).
    #[test]
    fn saved_files_are_sized_as_the_dashboard_sizes_them() {
        let event = EngineEvent::DownloadFinished {
            key: DownloadKey {
                job: JobKey(1),
                output_id: "gen_1".into(),
                variant: ContentVariant::Video,
            },
            path: "/videos/gen_1.mp4".into(),
            bytes: 3 * 1024 * 1024,
        };
        assert_eq!(
            format_event(&event, SystemTime::UNIX_EPOCH).as_deref(),
            Some("saved gen_1 video → /videos/gen_1.mp4 (3.0 MiB)")
        );
    }

    /// `status` says how long the content lasts in hours and minutes, as the job line does.
    #[test]
    fn job_lines_give_the_expiry_in_hours_and_minutes() {
        let job = Job {
            id: "task_1".into(),
            status: sora_core::providers::JobStatus::Succeeded,
            status_text: "succeeded".into(),
            progress: None,
            prompt: None,
            model: None,
            size: None,
            seconds: None,
            created_at: None,
            finished_at: None,
            expires_at: Some(SystemTime::now() + Duration::from_secs(24 * 3600 - 30)),
            failure_reason: None,
            outputs: vec![],
            remixed_from: None,
            poll_after: None,
            notes: Vec::new(),
            failure_explained: false,
        };
        let line = job_line(&job);
        assert!(line.contains("content expires in 23h 59m"), "{line}");
        // A failed job has no content: it never says it expires.
        let failed = Job {
            status: JobStatus::Failed,
            status_text: "failed".into(),
            failure_reason: Some("moderation".into()),
            ..job
        };
        let line = job_line(&failed);
        assert!(!line.contains("expires"), "{line}");
    }
}
