//! Videos: the create-request validation (multipart as the SDK sends it, or JSON), the
//! time-driven status walk and the `video` object.

use std::time::Duration;

use serde_json::{Map, Value, json};

use super::{errors, image};
use crate::clock::{Clock, SimInstant};
use crate::faults::{self, Service};
use crate::multipart;
use crate::wire::{ErrorAnswer, SimRequest};
use crate::{SimConfig, azure};

/// OpenAI's model names (the SDK's `VideoModel` literals).
pub(crate) const OPENAI_MODELS: [&str; 5] = [
    "sora-2",
    "sora-2-pro",
    "sora-2-2025-10-06",
    "sora-2-pro-2025-10-06",
    "sora-2-2025-12-08",
];
const SECONDS: [&str; 3] = ["4", "8", "12"];
const SIZES: [&str; 2] = ["720x1280", "1280x720"];
const PRO_SIZES: [&str; 4] = ["720x1280", "1280x720", "1024x1792", "1792x1024"];
const IMAGE_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

/// `queued` for one step, `in_progress` for four (progress rising), then `completed`.
const QUEUED_STEPS: u32 = 1;
const IN_PROGRESS_STEPS: u32 = 4;
/// A moderated video fails after two steps.
const MODERATION_STEPS: u32 = 2;

/// A validated create request.
#[derive(Clone, Debug)]
pub(crate) struct VideoRequest {
    pub(crate) model: String,
    pub(crate) prompt: String,
    pub(crate) seconds: String,
    pub(crate) size: String,
}

#[derive(Clone, Debug)]
pub(crate) struct Video {
    pub(crate) id: String,
    pub(crate) service: Service,
    pub(crate) request: VideoRequest,
    pub(crate) created: SimInstant,
    pub(crate) remixed_from: Option<String>,
    moderated: bool,
    content_delay: Duration,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    Queued,
    InProgress(u32),
    Completed,
    Failed,
}

impl Phase {
    pub(crate) fn status(self) -> &'static str {
        match self {
            Phase::Queued => "queued",
            Phase::InProgress(_) => "in_progress",
            Phase::Completed => "completed",
            Phase::Failed => "failed",
        }
    }
}

impl Video {
    pub(crate) fn new(
        id: String,
        service: Service,
        request: VideoRequest,
        created: SimInstant,
        remixed_from: Option<String>,
        config: &SimConfig,
    ) -> Self {
        let prompt = &request.prompt;
        let moderated = prompt.contains(faults::TAG_MODERATION)
            || config
                .fail_prompts_containing
                .as_deref()
                .is_some_and(|needle| prompt.contains(needle));
        let content_delay = if prompt.contains(faults::TAG_LAG) {
            faults::DEMO_LAG
        } else {
            config.content_delay
        };
        Self {
            id,
            service,
            request,
            created,
            remixed_from,
            moderated,
            content_delay,
        }
    }

    fn finished(&self, config: &SimConfig) -> SimInstant {
        let steps = if self.moderated {
            MODERATION_STEPS
        } else {
            QUEUED_STEPS + IN_PROGRESS_STEPS
        };
        self.created.after(config.status_step.saturating_mul(steps))
    }

    fn expires(&self, config: &SimConfig) -> SimInstant {
        self.created.after(config.content_ttl)
    }

    /// Progress rises evenly over the `in_progress` steps, staying below 100 until completion.
    fn progress(&self, now: SimInstant, config: &SimConfig) -> u32 {
        let step = config.status_step.as_nanos().max(1);
        let elapsed = now.since(self.created).as_nanos();
        let running = elapsed.saturating_sub(step * u128::from(QUEUED_STEPS));
        let percent = running * 100 / (step * u128::from(IN_PROGRESS_STEPS));
        u32::try_from(percent.min(99)).unwrap_or(99)
    }

    pub(crate) fn phase(&self, now: SimInstant, config: &SimConfig) -> Phase {
        if now >= self.finished(config) {
            return if self.moderated {
                Phase::Failed
            } else {
                Phase::Completed
            };
        }
        let queued_until = self
            .created
            .after(config.status_step.saturating_mul(QUEUED_STEPS));
        if now < queued_until {
            Phase::Queued
        } else {
            Phase::InProgress(self.progress(now, config))
        }
    }

    /// Why the content cannot be served now, if it cannot.
    pub(crate) fn content_state(&self, now: SimInstant, config: &SimConfig) -> ContentState {
        match self.phase(now, config) {
            Phase::Queued | Phase::InProgress(_) => ContentState::NotReady,
            Phase::Failed => ContentState::Failed,
            Phase::Completed if now >= self.expires(config) => ContentState::Expired,
            Phase::Completed if now < self.finished(config).after(self.content_delay) => {
                ContentState::Lagging
            }
            Phase::Completed => ContentState::Ready,
        }
    }

    pub(crate) fn finished_unix(&self, config: &SimConfig, clock: &Clock) -> u64 {
        clock.unix_secs(self.finished(config))
    }

    pub(crate) fn to_json(&self, now: SimInstant, config: &SimConfig, clock: &Clock) -> Value {
        let phase = self.phase(now, config);
        let progress = match phase {
            Phase::Queued => 0,
            Phase::InProgress(p) => p,
            Phase::Completed => 100,
            Phase::Failed => self.progress(self.finished(config), config),
        };
        let terminal = matches!(phase, Phase::Completed | Phase::Failed);
        let completed_at = terminal.then(|| clock.unix_secs(self.finished(config)));
        let expires_at = (phase == Phase::Completed).then(|| clock.unix_secs(self.expires(config)));
        let error = (phase == Phase::Failed).then(|| {
            json!({
                "code": "moderation_blocked",
                "message": "Your request was blocked by our moderation system.",
            })
        });
        json!({
            "id": self.id,
            "object": "video",
            "model": self.request.model,
            "status": phase.status(),
            "progress": progress,
            "created_at": clock.unix_secs(self.created),
            "completed_at": completed_at,
            "expires_at": expires_at,
            "prompt": self.request.prompt,
            "size": self.request.size,
            "seconds": self.request.seconds,
            "remixed_from_video_id": self.remixed_from,
            "error": error,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ContentState {
    NotReady,
    Failed,
    Lagging,
    Expired,
    Ready,
}

/// A create request's fields, from whichever encoding it came in.
struct Fields {
    prompt: Option<Value>,
    model: Option<Value>,
    seconds: Option<Value>,
    size: Option<Value>,
    reference: Option<Reference>,
}

enum Reference {
    /// A file part: its content type and bytes.
    File(Option<String>, bytes::Bytes),
    /// `{"image_url": ...}` or `{"file_id": ...}` (as JSON, or as `input_reference[...]` form fields).
    Object(Map<String, Value>),
    /// Anything else in JSON.
    Invalid(&'static str),
}

fn read_fields(request: &SimRequest) -> Result<Fields, ErrorAnswer> {
    if request.media_type().as_deref() == Some("multipart/form-data") {
        let content_type = request.header("content-type").unwrap_or_default();
        let form = multipart::parse_request(content_type, &request.body).ok_or_else(|| {
            errors::invalid(
                "The multipart/form-data body could not be parsed.".to_string(),
                None,
                None,
            )
        })?;
        let text = |name: &str| form.field(name).map(Value::String);
        let file = form
            .all("input_reference")
            .find(|part| part.is_file())
            .map(|part| Reference::File(part.content_type.clone(), part.data.clone()));
        let mut object = Map::new();
        for key in ["image_url", "file_id"] {
            if let Some(value) = form.field(&format!("input_reference[{key}]")) {
                object.insert(key.to_string(), Value::String(value));
            }
        }
        let reference = match (file, form.field("input_reference")) {
            (Some(file), _) => Some(file),
            (None, Some(_)) => Some(Reference::Invalid("a string")),
            (None, None) if !object.is_empty() => Some(Reference::Object(object)),
            (None, None) => None,
        };
        return Ok(Fields {
            prompt: text("prompt"),
            model: text("model"),
            seconds: text("seconds"),
            size: text("size"),
            reference,
        });
    }
    let mut fields = super::json_object(&request.body)?;
    let reference = fields.remove("input_reference").and_then(|v| match v {
        Value::Null => None,
        Value::Object(object) => Some(Reference::Object(object)),
        Value::String(_) => Some(Reference::Invalid("a string")),
        _ => Some(Reference::Invalid("another type")),
    });
    Ok(Fields {
        prompt: fields.remove("prompt"),
        model: fields.remove("model"),
        seconds: fields.remove("seconds"),
        size: fields.remove("size"),
        reference,
    })
}

/// "an integer", "a number"... as OpenAI's type errors word the type that was sent.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a decimal",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `'a', 'b', and 'c'` / `'a' and 'b'`.
fn quoted_list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
    }
}

fn one_of(
    name: &str,
    value: Option<Value>,
    allowed: &[&str],
    default: &str,
) -> Result<String, ErrorAnswer> {
    let value = match value {
        None | Some(Value::Null) => return Ok(default.to_string()),
        Some(Value::String(s)) => s,
        Some(other) => {
            let allowed = quoted_list(allowed)
                .replace(", and ", ", or ")
                .replace(" and ", " or ");
            return Err(errors::invalid(
                format!(
                    "Invalid type for '{name}': expected one of {allowed}, but got {} instead.",
                    type_name(&other)
                ),
                Some(name),
                Some("invalid_type"),
            ));
        }
    };
    if allowed.contains(&value.as_str()) {
        Ok(value)
    } else {
        Err(errors::invalid(
            format!(
                "Invalid value: '{value}'. Supported values are: {}.",
                quoted_list(allowed)
            ),
            Some(name),
            Some("invalid_value"),
        ))
    }
}

/// Checks a create request as the service does; unknown fields are ignored.
pub(crate) fn validate_create(
    service: Service,
    request: &SimRequest,
    config: &SimConfig,
) -> Result<VideoRequest, ErrorAnswer> {
    let fields = read_fields(request)?;
    let prompt = match fields.prompt {
        None | Some(Value::Null) => {
            return Err(errors::invalid(
                "Missing required parameter: 'prompt'.".to_string(),
                Some("prompt"),
                Some("missing_required_parameter"),
            ));
        }
        Some(Value::String(s)) if !s.trim().is_empty() => s,
        Some(Value::String(_)) => {
            return Err(errors::invalid(
                "Invalid 'prompt': string too short. Expected a string with minimum length 1, but got an empty string instead.".to_string(),
                Some("prompt"),
                Some("string_below_min_length"),
            ));
        }
        Some(other) => {
            return Err(errors::invalid(
                format!(
                    "Invalid type for 'prompt': expected a string, but got {} instead.",
                    type_name(&other)
                ),
                Some("prompt"),
                Some("invalid_type"),
            ));
        }
    };
    let model = match fields.model {
        None | Some(Value::Null) => "sora-2".to_string(),
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err(errors::invalid(
                format!(
                    "Invalid type for 'model': expected a string, but got {} instead.",
                    type_name(&other)
                ),
                Some("model"),
                Some("invalid_type"),
            ));
        }
    };
    let retired = config.retired_models.contains(&model);
    let sizes: &[&str] = match service {
        Service::AzureV1 => {
            if retired || !config.azure_v1_deployments.contains(&model) {
                return Err(azure::errors::deployment_not_found(&model));
            }
            &SIZES
        }
        _ => {
            if retired || !OPENAI_MODELS.contains(&model.as_str()) {
                return Err(errors::model_not_found(&model));
            }
            if model.starts_with("sora-2-pro") {
                &PRO_SIZES
            } else {
                &SIZES
            }
        }
    };
    let seconds = one_of("seconds", fields.seconds, &SECONDS, "4")?;
    let size = one_of("size", fields.size, sizes, "720x1280")?;
    if let Some(reference) = fields.reference {
        check_reference(reference, &size)?;
    }
    Ok(VideoRequest {
        model,
        prompt,
        seconds,
        size,
    })
}

fn check_reference(reference: Reference, size: &str) -> Result<(), ErrorAnswer> {
    let param = Some("input_reference");
    match reference {
        Reference::Invalid(got) => Err(errors::invalid(
            format!(
                "Invalid type for 'input_reference': expected a file upload or an object with 'image_url' or 'file_id', but got {got} instead."
            ),
            param,
            Some("invalid_type"),
        )),
        Reference::Object(object) => {
            let given: Vec<&str> = ["image_url", "file_id"]
                .into_iter()
                .filter(|key| object.get(*key).is_some_and(|v| !v.is_null()))
                .collect();
            if given.len() != 1 {
                return Err(errors::invalid(
                    "Invalid 'input_reference': provide exactly one of 'image_url' or 'file_id'."
                        .to_string(),
                    param,
                    Some("invalid_value"),
                ));
            }
            match object.get(given[0]) {
                Some(Value::String(s)) if !s.trim().is_empty() => Ok(()),
                _ => Err(errors::invalid(
                    format!(
                        "Invalid 'input_reference.{}': expected a non-empty string.",
                        given[0]
                    ),
                    Some(if given[0] == "image_url" {
                        "input_reference.image_url"
                    } else {
                        "input_reference.file_id"
                    }),
                    Some("invalid_value"),
                )),
            }
        }
        Reference::File(content_type, data) => {
            let essence = content_type
                .as_deref()
                .and_then(|t| t.split(';').next())
                .map(|t| t.trim().to_ascii_lowercase())
                .unwrap_or_default();
            if !IMAGE_TYPES.contains(&essence.as_str()) {
                let shown = if essence.is_empty() {
                    "none"
                } else {
                    essence.as_str()
                };
                return Err(errors::invalid(
                    format!(
                        "Invalid file 'input_reference': unsupported mimetype ('{shown}'). Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'."
                    ),
                    param,
                    Some("unsupported_file"),
                ));
            }
            if data.is_empty() {
                return Err(errors::invalid(
                    "Invalid file 'input_reference': the file is empty.".to_string(),
                    param,
                    Some("invalid_value"),
                ));
            }
            if let Some((width, height)) = image::dimensions(&data)
                && format!("{width}x{height}") != size
            {
                return Err(errors::invalid(
                    "Inpaint image must match the requested width and height".to_string(),
                    param,
                    None,
                ));
            }
            Ok(())
        }
    }
}
