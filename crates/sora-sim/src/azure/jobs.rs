//! Sora jobs: the create-request validation, the time-driven status walk, and the JSON shapes
//! (`video.generation.job`, `video.generation`, the list page).

use std::time::Duration;

use serde_json::{Map, Value, json};

use super::errors;
use crate::SimConfig;
use crate::clock::{Clock, SimInstant};
use crate::faults;
use crate::wire::ErrorAnswer;

/// Sizes the docs allow (width, height) with the most variants each may ask for:
/// 1 at 1080p, 2 at 720p, 4 otherwise.
const SIZES: [(u32, u32, u32); 9] = [
    (480, 480, 4),
    (480, 854, 4),
    (854, 480, 4),
    (720, 720, 2),
    (720, 1280, 2),
    (1280, 720, 2),
    (1080, 1080, 1),
    (1080, 1920, 1),
    (1920, 1080, 1),
];
const SECONDS: std::ops::RangeInclusive<u32> = 1..=20;
const DEFAULT_SECONDS: u32 = 5;

/// The non-terminal statuses in the order the live service was seen to walk them (quickstart
/// output: `queued → preprocessing → running → processing`); one per `status_step`.
const WALK: [&str; 4] = ["queued", "preprocessing", "running", "processing"];
/// A moderated job fails once it has left `queued` and `preprocessing`.
const STEPS_BEFORE_MODERATION_FAILURE: u32 = 2;

pub(crate) const STATUSES: [&str; 7] = [
    "preprocessing",
    "queued",
    "running",
    "processing",
    "cancelled",
    "succeeded",
    "failed",
];

/// A validated create request.
#[derive(Clone, Debug)]
pub(crate) struct JobRequest {
    pub(crate) model: String,
    pub(crate) prompt: String,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) n_seconds: u32,
    pub(crate) n_variants: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct Job {
    pub(crate) id: String,
    pub(crate) request: JobRequest,
    pub(crate) created: SimInstant,
    /// Assigned at creation, shown only once the job succeeded.
    pub(crate) generation_ids: Vec<String>,
    /// `Some(reason)` when the job is going to fail.
    pub(crate) failure_reason: Option<&'static str>,
    /// How long the content lags behind `succeeded` (the `[lag]` prompt tag lengthens it).
    pub(crate) content_delay: Duration,
    /// The validated items of a multipart (image/video to video) create, echoed in the job.
    pub(crate) inpaint_items: Option<Value>,
}

/// Where a job stands at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    Running(&'static str),
    Succeeded,
    Failed(&'static str),
}

impl Phase {
    pub(crate) fn status(self) -> &'static str {
        match self {
            Phase::Running(status) => status,
            Phase::Succeeded => "succeeded",
            Phase::Failed(_) => "failed",
        }
    }
}

impl Job {
    pub(crate) fn new(
        id: String,
        request: JobRequest,
        created: SimInstant,
        generation_ids: Vec<String>,
        config: &SimConfig,
    ) -> Self {
        let moderated = request.prompt.contains(faults::TAG_MODERATION)
            || config
                .fail_prompts_containing
                .as_deref()
                .is_some_and(|needle| request.prompt.contains(needle));
        let content_delay = if request.prompt.contains(faults::TAG_LAG) {
            faults::DEMO_LAG
        } else {
            config.content_delay
        };
        Job {
            id,
            request,
            created,
            generation_ids,
            failure_reason: moderated.then_some("input_moderation"),
            content_delay,
            inpaint_items: None,
        }
    }

    /// When the job reaches its terminal status.
    pub(crate) fn finished(&self, config: &SimConfig) -> SimInstant {
        let steps = if self.failure_reason.is_some() {
            STEPS_BEFORE_MODERATION_FAILURE
        } else {
            WALK.len() as u32
        };
        self.created.after(config.status_step.saturating_mul(steps))
    }

    pub(crate) fn phase(&self, now: SimInstant, config: &SimConfig) -> Phase {
        if now >= self.finished(config) {
            return match self.failure_reason {
                Some(reason) => Phase::Failed(reason),
                None => Phase::Succeeded,
            };
        }
        let step = config.status_step.as_nanos().max(1);
        let index = (now.since(self.created).as_nanos() / step) as usize;
        Phase::Running(WALK[index.min(WALK.len() - 1)])
    }

    /// Azure deletes jobs (and their content) 24 hours after creation.
    pub(crate) fn expired(&self, now: SimInstant, config: &SimConfig) -> bool {
        now >= self.expires(config)
    }

    fn expires(&self, config: &SimConfig) -> SimInstant {
        self.created.after(config.content_ttl)
    }

    /// Content is served from `succeeded + content_delay` until expiry.
    pub(crate) fn content_ready(&self, now: SimInstant, config: &SimConfig) -> bool {
        self.phase(now, config) == Phase::Succeeded
            && now >= self.finished(config).after(self.content_delay)
            && !self.expired(now, config)
    }

    pub(crate) fn to_json(&self, now: SimInstant, config: &SimConfig, clock: &Clock) -> Value {
        let phase = self.phase(now, config);
        let terminal = !matches!(phase, Phase::Running(_));
        let finished_at = terminal.then(|| clock.unix_secs(self.finished(config)));
        let expires_at = terminal.then(|| clock.unix_secs(self.expires(config)));
        let generations: Vec<Value> = if phase == Phase::Succeeded {
            self.generation_ids
                .iter()
                .map(|id| self.generation_json(id, config, clock))
                .collect()
        } else {
            Vec::new()
        };
        let failure_reason = match phase {
            Phase::Failed(reason) => Some(reason),
            _ => None,
        };
        let mut job = json!({
            "object": "video.generation.job",
            "id": self.id,
            "status": phase.status(),
            "created_at": clock.unix_secs(self.created),
            "finished_at": finished_at,
            "expires_at": expires_at,
            "generations": generations,
            "prompt": self.request.prompt,
            "model": self.request.model,
            "n_variants": self.request.n_variants,
            "n_seconds": self.request.n_seconds,
            "height": self.request.height,
            "width": self.request.width,
            "failure_reason": failure_reason,
        });
        if let (Some(items), Some(fields)) = (&self.inpaint_items, job.as_object_mut()) {
            fields.insert("inpaint_items".to_string(), items.clone());
        }
        job
    }

    pub(crate) fn generation_json(
        &self,
        generation_id: &str,
        config: &SimConfig,
        clock: &Clock,
    ) -> Value {
        json!({
            "object": "video.generation",
            "id": generation_id,
            "job_id": self.id,
            "created_at": clock.unix_secs(self.finished(config)),
            "width": self.request.width,
            "height": self.request.height,
            "n_seconds": self.request.n_seconds,
            "prompt": self.request.prompt,
        })
    }
}

/// Checks a JSON create body the way the service documents it. Unknown fields are ignored.
pub(crate) fn validate_create(body: &[u8], config: &SimConfig) -> Result<JobRequest, ErrorAnswer> {
    let value: Value = serde_json::from_slice(body).map_err(|error| {
        errors::invalid_request(format!("The request body is not valid JSON: {error}"), None)
    })?;
    let Some(fields) = value.as_object() else {
        return Err(errors::invalid_request(
            "The request body must be a JSON object.".to_string(),
            None,
        ));
    };
    validate_fields(fields, config)
}

/// Checks the create fields (from JSON, or text parts of a multipart body as strings).
pub(crate) fn validate_fields(
    fields: &Map<String, Value>,
    config: &SimConfig,
) -> Result<JobRequest, ErrorAnswer> {
    let model = required_string(fields, "model")?;
    if config
        .retired_models
        .iter()
        .any(|retired| retired == &model)
    {
        return Err(errors::deployment_not_found(&model));
    }
    let prompt = required_string(fields, "prompt")?;
    let width = integer(fields, "width")?.ok_or_else(|| missing("width"))?;
    let height = integer(fields, "height")?.ok_or_else(|| missing("height"))?;
    let Some(&(_, _, max_variants)) = SIZES
        .iter()
        .find(|(w, h, _)| i64::from(*w) == width && i64::from(*h) == height)
    else {
        let supported: Vec<String> = SIZES.iter().map(|(w, h, _)| format!("{w}x{h}")).collect();
        return Err(errors::invalid_request(
            format!(
                "The resolution {width}x{height} is not supported. Supported resolutions are: {}.",
                supported.join(", ")
            ),
            Some("width"),
        ));
    };
    let n_seconds = integer(fields, "n_seconds")?.unwrap_or(i64::from(DEFAULT_SECONDS));
    if !(i64::from(*SECONDS.start())..=i64::from(*SECONDS.end())).contains(&n_seconds) {
        return Err(errors::invalid_request(
            format!(
                "n_seconds must be between {} and {}, got {n_seconds}.",
                SECONDS.start(),
                SECONDS.end()
            ),
            Some("n_seconds"),
        ));
    }
    let n_variants = integer(fields, "n_variants")?.unwrap_or(1);
    if n_variants < 1 || n_variants > i64::from(max_variants) {
        return Err(errors::invalid_request(
            format!(
                "n_variants must be between 1 and {max_variants} for resolution {width}x{height}, got {n_variants}."
            ),
            Some("n_variants"),
        ));
    }
    // All four are within small bounds now, so the narrowing below cannot truncate.
    Ok(JobRequest {
        model,
        prompt,
        width: width as u32,
        height: height as u32,
        n_seconds: n_seconds as u32,
        n_variants: n_variants as u32,
    })
}

fn missing(field: &str) -> ErrorAnswer {
    errors::invalid_request(
        format!("Missing required parameter: '{field}'."),
        Some(field),
    )
}

fn required_string(fields: &Map<String, Value>, field: &str) -> Result<String, ErrorAnswer> {
    match fields.get(field) {
        None | Some(Value::Null) => Err(missing(field)),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(Value::String(_)) => Err(errors::invalid_request(
            format!("'{field}' must not be empty."),
            Some(field),
        )),
        Some(_) => Err(errors::invalid_request(
            format!("Invalid type for '{field}': expected a string."),
            Some(field),
        )),
    }
}

/// An integer field. Numbers sent as strings (`"5"`) are accepted, as the live service did in
/// published transcripts.
fn integer(fields: &Map<String, Value>, field: &str) -> Result<Option<i64>, ErrorAnswer> {
    let invalid = || {
        errors::invalid_request(
            format!("Invalid type for '{field}': expected an integer."),
            Some(field),
        )
    };
    match fields.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(invalid),
        Some(Value::String(s)) => s.trim().parse::<i64>().map(Some).map_err(|_| invalid()),
        Some(_) => Err(invalid()),
    }
}

const INPAINT_TYPES: [&str; 2] = ["image", "video"];
const CROP_FIELDS: [(&str, f64); 4] = [
    ("left_fraction", 0.0),
    ("top_fraction", 0.0),
    ("right_fraction", 1.0),
    ("bottom_fraction", 1.0),
];

/// Checks the `inpaint_items` text part (a JSON-encoded array) against the uploaded `files`
/// filenames, and returns the items as the job echoes them (crop bounds completed with their
/// defaults).
pub(crate) fn validate_inpaint_items(
    raw: Option<String>,
    file_names: &[String],
) -> Result<Value, ErrorAnswer> {
    let param = Some("inpaint_items");
    let invalid = |message: String| errors::invalid_request(message, param);
    let raw = raw.ok_or_else(|| missing("inpaint_items"))?;
    let items: Value = serde_json::from_str(&raw).map_err(|error| {
        invalid(format!(
            "'inpaint_items' must be a JSON-encoded array: {error}"
        ))
    })?;
    let Some(items) = items.as_array().filter(|items| !items.is_empty()) else {
        return Err(invalid(
            "'inpaint_items' must be a non-empty array of inpaint items.".to_string(),
        ));
    };
    let mut echoed = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Some(item) = item.as_object() else {
            return Err(invalid(format!("inpaint_items[{i}] must be an object.")));
        };
        let frame_index = match item.get("frame_index") {
            None | Some(Value::Null) => 0,
            Some(value) => value.as_u64().ok_or_else(|| {
                invalid(format!(
                    "inpaint_items[{i}].frame_index must be a non-negative integer."
                ))
            })?,
        };
        let kind = match item.get("type").and_then(Value::as_str) {
            Some(kind) if INPAINT_TYPES.contains(&kind) => kind,
            _ => {
                return Err(invalid(format!(
                    "inpaint_items[{i}].type must be one of: image, video."
                )));
            }
        };
        let Some(file_name) = item.get("file_name").and_then(Value::as_str) else {
            return Err(invalid(format!(
                "inpaint_items[{i}].file_name is required."
            )));
        };
        if !file_names.iter().any(|name| name == file_name) {
            let uploaded = if file_names.is_empty() {
                "none".to_string()
            } else {
                file_names.join(", ")
            };
            return Err(invalid(format!(
                "inpaint_items[{i}].file_name '{file_name}' does not match any uploaded file. Uploaded files: {uploaded}."
            )));
        }
        let mut echo = json!({"frame_index": frame_index, "type": kind, "file_name": file_name});
        if let Some(bounds) = item.get("crop_bounds").filter(|b| !b.is_null()) {
            echo["crop_bounds"] = crop_bounds(bounds, i)?;
        }
        echoed.push(echo);
    }
    Ok(Value::Array(echoed))
}

fn crop_bounds(bounds: &Value, i: usize) -> Result<Value, ErrorAnswer> {
    let invalid = |message: String| errors::invalid_request(message, Some("inpaint_items"));
    let Some(bounds) = bounds.as_object() else {
        return Err(invalid(format!(
            "inpaint_items[{i}].crop_bounds must be an object."
        )));
    };
    let mut out = Map::new();
    for (name, default) in CROP_FIELDS {
        let value = match bounds.get(name) {
            None | Some(Value::Null) => default,
            Some(value) => value
                .as_f64()
                .filter(|v| (0.0..=1.0).contains(v))
                .ok_or_else(|| {
                    invalid(format!(
                        "inpaint_items[{i}].crop_bounds.{name} must be a number between 0.0 and 1.0."
                    ))
                })?,
        };
        out.insert(name.to_string(), json!(value));
    }
    let get = |name: &str| out.get(name).and_then(Value::as_f64).unwrap_or_default();
    if get("left_fraction") >= get("right_fraction")
        || get("top_fraction") >= get("bottom_fraction")
    {
        return Err(invalid(format!(
            "inpaint_items[{i}].crop_bounds must have left_fraction < right_fraction and top_fraction < bottom_fraction."
        )));
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(prompt: &str) -> JobRequest {
        JobRequest {
            model: "sora".into(),
            prompt: prompt.into(),
            width: 480,
            height: 480,
            n_seconds: 5,
            n_variants: 1,
        }
    }

    #[test]
    fn walks_the_statuses_then_succeeds() {
        let config = SimConfig {
            status_step: Duration::from_secs(10),
            ..SimConfig::default()
        };
        let clock = Clock::new();
        let created = clock.now();
        let job = Job::new(
            "task_x".into(),
            request("a cat"),
            created,
            vec!["gen_x".into()],
            &config,
        );
        let seen: Vec<&str> = (0..6)
            .map(|i| {
                job.phase(created.after(Duration::from_secs(i * 10 + 1)), &config)
                    .status()
            })
            .collect();
        assert_eq!(
            seen,
            [
                "queued",
                "preprocessing",
                "running",
                "processing",
                "succeeded",
                "succeeded"
            ]
        );
    }

    #[test]
    fn moderated_prompt_fails() {
        let config = SimConfig {
            fail_prompts_containing: Some("forbidden".into()),
            ..SimConfig::default()
        };
        let clock = Clock::new();
        let created = clock.now();
        let job = Job::new(
            "task_x".into(),
            request("a forbidden cat"),
            created,
            vec![],
            &config,
        );
        assert_eq!(
            job.phase(created.after(Duration::from_secs(60)), &config),
            Phase::Failed("input_moderation")
        );
    }

    #[test]
    fn validation() {
        let config = SimConfig::default();
        let ok = validate_create(
            br#"{"model":"sora","prompt":"p","width":1280,"height":720,"n_variants":2,"extra":1}"#,
            &config,
        );
        assert!(ok.is_ok());
        let too_many = validate_create(
            br#"{"model":"sora","prompt":"p","width":1920,"height":1080,"n_variants":2}"#,
            &config,
        );
        assert!(matches!(too_many, Err(e) if e.status.as_u16() == 400));
        let bad_size = validate_create(
            br#"{"model":"sora","prompt":"p","width":500,"height":500}"#,
            &config,
        );
        assert!(bad_size.is_err());
        let strings = validate_create(
            br#"{"model":"sora","prompt":"p","width":"480","height":"854","n_seconds":"20"}"#,
            &config,
        );
        assert!(matches!(strings, Ok(r) if r.n_seconds == 20 && r.height == 854));
        let long = validate_create(
            br#"{"model":"sora","prompt":"p","width":480,"height":480,"n_seconds":21}"#,
            &config,
        );
        assert!(long.is_err());
    }
}
