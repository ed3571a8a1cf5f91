//! The create bodies Runway accepts, per model (`runway-api.md` §2, from `runwayml` 5.24.0's
//! types), and their credit price (§8: credits per second; veo3.1 dearer with audio).

use serde_json::{Map, Value, json};

#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    TextToVideo,
    ImageToVideo,
}

/// Models the simulator knows (for the organization's tier too).
pub(crate) const MODELS: [&str; 4] = ["gen4.5", "gen4_turbo", "veo3.1", "veo3.1_fast"];

const RATIOS_GEN45_T2V: &[&str] = &["1280:720", "720:1280"];
const RATIOS_I2V: &[&str] = &[
    "1280:720", "720:1280", "1104:832", "960:960", "832:1104", "1584:672",
];
const RATIOS_VEO: &[&str] = &["1280:720", "720:1280", "1080:1920", "1920:1080"];
/// An image data URI may be at most 5 MB, counted on the encoded string.
const DATA_URI_LIMIT: usize = 5 * 1024 * 1024;
const PROMPT_LIMIT: usize = 1000;

#[derive(Debug)]
pub(crate) struct Checked {
    pub(crate) model: String,
    pub(crate) prompt: String,
    pub(crate) credits: u64,
}

fn issue(code: &str, path: &str, message: String) -> Value {
    json!({"code": code, "path": [path], "message": message})
}

struct Spec {
    prompt_required: bool,
    ratios: &'static [&'static str],
    /// Allowed durations, and the one used when none is sent (`None`: required).
    durations: &'static [u64],
    default_duration: Option<u64>,
    /// Credits per second, without and with audio.
    rate: (u64, u64),
    audio: bool,
}

fn spec(kind: Kind, model: &str) -> Option<Spec> {
    let veo = |rate| Spec {
        prompt_required: matches!(kind, Kind::TextToVideo),
        ratios: RATIOS_VEO,
        durations: &[4, 6, 8],
        default_duration: Some(8),
        rate,
        audio: true,
    };
    match (kind, model) {
        (_, "gen4.5") => Some(Spec {
            prompt_required: true,
            ratios: match kind {
                Kind::TextToVideo => RATIOS_GEN45_T2V,
                Kind::ImageToVideo => RATIOS_I2V,
            },
            durations: &[2, 3, 4, 5, 6, 7, 8, 9, 10],
            default_duration: None,
            rate: (12, 12),
            audio: false,
        }),
        (Kind::ImageToVideo, "gen4_turbo") => Some(Spec {
            prompt_required: false,
            ratios: RATIOS_I2V,
            durations: &[2, 3, 4, 5, 6, 7, 8, 9, 10],
            default_duration: Some(10),
            rate: (5, 5),
            audio: false,
        }),
        (_, "veo3.1") => Some(veo((20, 40))),
        (_, "veo3.1_fast") => Some(veo((10, 15))),
        _ => None,
    }
}

fn string_field<'a>(
    body: &'a Map<String, Value>,
    name: &str,
    issues: &mut Vec<Value>,
) -> Option<&'a str> {
    match body.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(_) => {
            issues.push(issue(
                "invalid_type",
                name,
                format!("Expected string for {name}"),
            ));
            None
        }
    }
}

/// Why an image reference is refused, in the words of Runway's troubleshooting page.
fn check_image(uri: &str) -> Result<(), String> {
    if let Some(rest) = uri.strip_prefix("data:") {
        let Some((meta, data)) = rest.split_once(',') else {
            return Err("Invalid data URI.".to_string());
        };
        if !meta.ends_with(";base64") || data.is_empty() {
            return Err("Invalid data URI.".to_string());
        }
        let mime = meta.trim_end_matches(";base64");
        if !["image/png", "image/jpeg", "image/jpg", "image/webp"].contains(&mime) {
            return Err(format!(
                "Unsupported asset type ({mime}). Use JPEG, PNG or WebP."
            ));
        }
        if uri.len() > DATA_URI_LIMIT {
            return Err("Data URIs must be at most 5 MB (5242880 characters) encoded.".to_string());
        }
        use base64::Engine as _;
        if base64::engine::general_purpose::STANDARD
            .decode(data)
            .is_err()
        {
            return Err("Invalid data URI.".to_string());
        }
        return Ok(());
    }
    if uri.starts_with("runway://") {
        return Ok(());
    }
    if uri.len() > 2048 {
        return Err("Invalid URL".to_string());
    }
    let Ok(url) = url::Url::parse(uri) else {
        return Err("Invalid URL".to_string());
    };
    if url.scheme() != "https" {
        return Err("Only HTTPS URLs are allowed.".to_string());
    }
    match url.host() {
        Some(url::Host::Domain(_)) => Ok(()),
        _ => Err("URLs must be hosted on a domain.".to_string()),
    }
}

fn check_prompt_image(body: &Map<String, Value>, model: &str, issues: &mut Vec<Value>) {
    let fail = |issues: &mut Vec<Value>, message: String| {
        issues.push(issue("custom", "promptImage", message));
    };
    match body.get("promptImage") {
        None | Some(Value::Null) => fail(issues, "promptImage is required".to_string()),
        Some(Value::String(uri)) => {
            if let Err(why) = check_image(uri) {
                fail(issues, why);
            }
        }
        Some(Value::Array(items)) => {
            let allowed: &[&str] = if model.starts_with("veo") {
                &["first", "last"]
            } else {
                &["first"]
            };
            let mut positions = Vec::new();
            for item in items {
                let uri = item.get("uri").and_then(Value::as_str);
                let position = item.get("position").and_then(Value::as_str);
                match (uri, position) {
                    (Some(uri), Some(position)) if allowed.contains(&position) => {
                        if let Err(why) = check_image(uri) {
                            fail(issues, why);
                        }
                        positions.push(position);
                    }
                    _ => fail(
                        issues,
                        format!(
                            "Each promptImage entry needs a `uri` and a `position` of {}",
                            allowed.join(" or ")
                        ),
                    ),
                }
            }
            if positions.first() != Some(&"first") || positions.len() > allowed.len() {
                fail(
                    issues,
                    "promptImage needs exactly one first frame, first in the list".to_string(),
                );
            }
        }
        Some(_) => fail(
            issues,
            "Expected string or array for promptImage".to_string(),
        ),
    }
}

/// The body's checks; `Err` holds the `issues` of a 400.
pub(crate) fn check(kind: Kind, body: &Map<String, Value>) -> Result<Checked, Vec<Value>> {
    let mut issues = Vec::new();
    let model = string_field(body, "model", &mut issues)
        .unwrap_or_default()
        .to_string();
    let Some(spec) = spec(kind, &model) else {
        let known: Vec<&str> = MODELS
            .iter()
            .copied()
            .filter(|m| spec(kind, m).is_some())
            .collect();
        return Err(vec![issue(
            "invalid_union_discriminator",
            "model",
            format!(
                "Invalid model `{model}`. Expected one of: {}",
                known.join(", ")
            ),
        )]);
    };
    let prompt = string_field(body, "promptText", &mut issues)
        .unwrap_or_default()
        .to_string();
    if prompt.is_empty() && spec.prompt_required {
        issues.push(issue(
            "too_small",
            "promptText",
            "promptText must not be empty".to_string(),
        ));
    }
    if prompt.encode_utf16().count() > PROMPT_LIMIT {
        issues.push(issue(
            "too_big",
            "promptText",
            format!("promptText must be at most {PROMPT_LIMIT} characters"),
        ));
    }
    match string_field(body, "ratio", &mut issues) {
        Some(ratio) if spec.ratios.contains(&ratio) => {}
        _ => issues.push(issue(
            "invalid_enum_value",
            "ratio",
            format!("Invalid ratio. Expected one of: {}", spec.ratios.join(", ")),
        )),
    }
    let duration = match body.get("duration") {
        None | Some(Value::Null) => spec.default_duration,
        Some(d) => d.as_u64().filter(|d| spec.durations.contains(d)),
    };
    let Some(duration) = duration.or_else(|| {
        let allowed: Vec<String> = spec.durations.iter().map(u64::to_string).collect();
        issues.push(issue(
            "invalid_type",
            "duration",
            format!("duration must be an integer, one of {}", allowed.join(", ")),
        ));
        None
    }) else {
        return Err(issues);
    };
    let audio = match body.get("audio") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) if spec.audio => *b,
        Some(_) => {
            issues.push(issue(
                "unrecognized_keys",
                "audio",
                format!("audio is not accepted by {model}"),
            ));
            false
        }
    };
    if let Some(seed) = body.get("seed")
        && seed.as_u64().is_none_or(|s| s > 4_294_967_295)
    {
        issues.push(issue(
            "invalid_type",
            "seed",
            "seed must be an integer from 0 to 4294967295".to_string(),
        ));
    }
    if matches!(kind, Kind::ImageToVideo) {
        check_prompt_image(body, &model, &mut issues);
    } else if body.contains_key("promptImage") {
        issues.push(issue(
            "unrecognized_keys",
            "promptImage",
            "promptImage is for image_to_video".to_string(),
        ));
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let rate = if audio { spec.rate.1 } else { spec.rate.0 };
    Ok(Checked {
        model,
        prompt,
        credits: rate * duration,
    })
}
