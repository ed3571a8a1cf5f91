//! The headless front end: the same engine commands as the dashboard, with a printer instead of
//! a screen. One line per event, so scripts and CI logs can follow a job.

use std::time::{Duration, SystemTime};

use tokio::sync::mpsc::UnboundedReceiver;

use crate::signals::{Signal, Signals};
use sora_core::engine::{AttemptOutcome, Command, Engine, EngineEvent, JobKey};
use sora_core::providers::{ContentVariant, GenerationRequest, Job, ModelProfile};
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

/// The line that introduces a generation: prompt, parameters and the cost estimate.
pub fn describe_request(request: &GenerationRequest, profile: &ModelProfile) -> String {
    let mut line = format!(
        "job {HEADLESS_JOB}: {} · {} · {} · {} s · {} variant(s)",
        quote(&request.prompt),
        profile.model,
        request.size,
        request.seconds,
        request.variants
    );
    if let Some(path) = &request.image {
        line.push_str(&format!(" · image {}", path.display()));
    }
    match profile.estimate(request) {
        Some(cost) => line.push_str(&format!(" · estimated cost ${cost:.2}")),
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
    if !r.request.size.is_empty() {
        line.push_str(&format!(
            "  {} {}s x{}",
            r.request.size, r.request.seconds, r.request.variants
        ));
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
    if let Some(expires) = job.expires_at {
        match expires.duration_since(SystemTime::now()) {
            Ok(left) => line.push_str(&format!(
                "  content expires in {}",
                human_duration(Duration::from_secs(left.as_secs()))
            )),
            Err(_) => line.push_str("  content expired"),
        }
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
        format!("+{:.1}s", d.as_secs_f64())
    };
    // Ids, statuses, messages and names come from services and storage: each is shown on its
    // line with its control characters made visible.
    let c = |text: &str| one_line(text).into_owned();
    Some(match event {
        EngineEvent::JobSubmitting { key, at, .. } => {
            format!("job {key}: submitting ({})", since(at))
        }
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
        } => {
            let mut line = match progress {
                Some(p) => format!("job {key}: status {} {p}% ({})", c(status_text), since(at)),
                None => format!("job {key}: status {} ({})", c(status_text), since(at)),
            };
            if *status == sora_core::providers::JobStatus::Succeeded
                && let Some(expires) = expires_at
            {
                line.push_str(&format!(" · {}", expiry_text(*expires, *at)));
            }
            line
        }
        EngineEvent::JobFailed { key, message, .. } => {
            format!("job {key}: FAILED: {}", c(message))
        }
        EngineEvent::DownloadAttempt(a) => {
            let status = a.status.map_or("no answer".to_string(), |s| s.to_string());
            let tail = match (&a.outcome, a.next_retry_in) {
                (AttemptOutcome::Saved, _) => "saved".to_string(),
                (AttemptOutcome::WillRetry, Some(d)) => {
                    format!("retry in {}: {}", human_duration(d), c(&a.detail))
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
                "download {} {}: attempt {} {} {} → {status} ({}, {} ms) {tail}{rid}{headers}",
                c(&a.key.output_id),
                variant_word(a.key.variant),
                a.number,
                a.method,
                c(&a.url),
                human_bytes(a.bytes),
                a.duration.as_millis(),
            )
        }
        EngineEvent::DownloadProgress { .. } | EngineEvent::UploadProgress { .. } => return None,
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
            human_bytes(*bytes)
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
                human_bytes(*bytes)
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
        EngineEvent::History(_) | EngineEvent::Doctor(_) => return None,
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

/// "content expires in 23h 59m" (or "content expired"), as seen at `now`.
pub fn expiry_text(expires: SystemTime, now: SystemTime) -> String {
    match expires.duration_since(now) {
        Ok(left) => {
            let m = left.as_secs() / 60;
            format!("content expires in {}h {:02}m", m / 60, m % 60)
        }
        Err(_) => "content expired: it can no longer be downloaded".to_string(),
    }
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

/// `1.5 MB`-style sizes (decimal units, as file managers show them).
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// `5s`, `1m30s`.
pub fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else if d.subsec_millis() > 0 && s < 10 {
        format!("{:.1}s", d.as_secs_f64())
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sora_core::engine::{Attempt, DownloadKey};

    #[test]
    fn attempt_lines_show_status_bytes_outcome_and_next_retry() {
        let start = SystemTime::UNIX_EPOCH;
        let attempt = Attempt {
            key: DownloadKey {
                job: JobKey(1),
                output_id: "gen_1".into(),
                variant: ContentVariant::Video,
            },
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
        let line = format_event(&EngineEvent::DownloadAttempt(attempt), start).expect("a line");
        assert_eq!(
            line,
            "download gen_1 video: attempt 1 GET http://127.0.0.1:1/openai/v1/video/generations/gen_1/content/video?api-version=preview → 404 (56 B, 3 ms) retry in 5s: 404: content not there (yet?) [request id abc-123]"
        );
    }

    #[test]
    fn expiry_reads_in_hours_and_minutes() {
        let now = SystemTime::UNIX_EPOCH;
        assert_eq!(
            expiry_text(now + Duration::from_secs(24 * 3600 - 30), now),
            "content expires in 23h 59m"
        );
        assert!(expiry_text(now, now + Duration::from_secs(1)).contains("expired"));
    }

    #[test]
    fn sizes_and_durations_read_well() {
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(45_123), "45.1 kB");
        assert_eq!(human_bytes(1_500_000_000), "1.5 GB");
        assert_eq!(human_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(human_duration(Duration::from_secs(5)), "5s");
    }
}
