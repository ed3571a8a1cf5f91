//! The Runway and fal.ai model catalogue, as data (`models.toml`, plus the fal models a user adds
//! under `[[fal.models]]`): for each model the parameters it takes, their valid values, the
//! default sent when the user gives none, its prompt limit and its price. Every request is
//! resolved against it before anything is sent, and a refusal lists the valid values.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

#[cfg(test)]
mod tests;

/// The built-in table.
const BUILTIN: &str = include_str!("models.toml");

/// Which service a catalogue entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    Runway,
    Fal,
}

impl Service {
    pub fn label(self) -> &'static str {
        match self {
            Service::Runway => "Runway",
            Service::Fal => "fal.ai",
        }
    }
}

/// Text-to-video, or image-to-video (a first frame is sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Text,
    Image,
}

impl Mode {
    pub fn label(self) -> &'static str {
        match self {
            Mode::Text => "text-to-video",
            Mode::Image => "image-to-video",
        }
    }
}

/// How a prompt's length is counted: Runway counts UTF-16 code units (an emoji is two).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CountUnit {
    Utf16,
    #[default]
    Chars,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromptSpec {
    /// None: the service documents no limit.
    #[serde(default)]
    pub max: Option<usize>,
    #[serde(default)]
    pub unit: CountUnit,
    /// Image-to-video models where the image alone is enough.
    #[serde(default)]
    pub optional: bool,
}

impl PromptSpec {
    pub fn length(&self, prompt: &str) -> usize {
        match self.unit {
            CountUnit::Utf16 => prompt.encode_utf16().count(),
            CountUnit::Chars => prompt.chars().count(),
        }
    }
}

/// What values one parameter takes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ParamKind {
    /// One of a list (strings or numbers, sent with the type given here: fal's `"8s"`, Runway's 8).
    Choice {
        values: Vec<Value>,
    },
    /// A whole number, within bounds where they are given.
    Int {
        min: Option<i64>,
        max: Option<i64>,
    },
    /// Any number within bounds.
    Number {
        min: Option<f64>,
        max: Option<f64>,
    },
    Bool,
    Text,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ParamSpec {
    /// The name on the wire (`ratio`, `negativePrompt`, `aspect_ratio`).
    pub name: String,
    #[serde(flatten)]
    pub kind: ParamKind,
    /// Sent when the user gives no value; None: not sent at all.
    #[serde(default)]
    pub default: Option<Value>,
}

impl ParamSpec {
    /// The valid values, in words, for refusals and the prompt panel.
    pub fn valid_values(&self) -> String {
        match &self.kind {
            ParamKind::Choice { values } => {
                values.iter().map(value_text).collect::<Vec<_>>().join(", ")
            }
            ParamKind::Int { min, max } => range_words(
                "whole numbers",
                min.map(|v| v as f64),
                max.map(|v| v as f64),
            ),
            ParamKind::Number { min, max } => range_words("numbers", *min, *max),
            ParamKind::Bool => "true, false".into(),
            ParamKind::Text => "any text".into(),
        }
    }

    /// Parse a value the user typed into the value sent.
    pub fn parse(&self, text: &str) -> Option<Value> {
        let t = text.trim();
        match &self.kind {
            ParamKind::Choice { values } => values.iter().find(|v| value_text(v) == t).cloned(),
            ParamKind::Int { min, max } => {
                let n: i64 = t.parse().ok()?;
                (min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m)).then(|| Value::from(n))
            }
            ParamKind::Number { min, max } => {
                let n: f64 = t.parse().ok().filter(|n: &f64| n.is_finite())?;
                (min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m)).then(|| Value::from(n))
            }
            ParamKind::Bool => match t.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "1" => Some(Value::Bool(true)),
                "false" | "no" | "off" | "0" => Some(Value::Bool(false)),
                _ => None,
            },
            ParamKind::Text => Some(Value::String(text.to_string())),
        }
    }

    /// Whether a value (a default, a value from the config) is one this parameter takes.
    fn accepts(&self, value: &Value) -> bool {
        match (&self.kind, value) {
            (ParamKind::Choice { values }, v) => values.contains(v),
            (ParamKind::Bool, Value::Bool(_)) | (ParamKind::Text, Value::String(_)) => true,
            (ParamKind::Int { .. } | ParamKind::Number { .. }, Value::Number(n)) => {
                self.parse(&n.to_string()).is_some()
            }
            _ => false,
        }
    }
}

fn range_words(what: &str, min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("{what} from {a} to {b}"),
        (Some(a), None) => format!("{what} from {a}"),
        (None, Some(b)) => format!("{what} up to {b}"),
        (None, None) => what.to_string(),
    }
}

/// A value as the user types it: `8s`, `1280:720`, `8`, `true`.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PriceUnit {
    /// Runway credits: 1 credit = US$0.01.
    Credits,
    Usd,
}

/// One price rule: cost = base + per_second × (seconds − base_seconds), used when every
/// parameter in `when` has the given value.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    #[serde(default)]
    pub when: BTreeMap<String, Value>,
    #[serde(default)]
    pub per_second: Option<f64>,
    #[serde(default)]
    pub base: Option<f64>,
    #[serde(default)]
    pub base_seconds: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub unit: PriceUnit,
    pub rates: Vec<Rate>,
}

/// A cost estimate, in the service's unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cost {
    pub unit: PriceUnit,
    pub amount: f64,
}

impl Cost {
    pub fn usd(&self) -> f64 {
        match self.unit {
            PriceUnit::Credits => self.amount * 0.01,
            PriceUnit::Usd => self.amount,
        }
    }
}

impl std::fmt::Display for Cost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.unit {
            PriceUnit::Credits => write!(f, "{} credits (${:.2})", self.amount.round(), self.usd()),
            PriceUnit::Usd => write!(f, "${:.2}", self.amount),
        }
    }
}

/// One model in one mode.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VideoModel {
    /// `[[fal.models]]` entries need not say it.
    #[serde(default = "fal")]
    pub service: Service,
    /// Runway: the `model` field; fal: the endpoint id (`fal-ai/veo3.1`).
    pub id: String,
    #[serde(default = "text")]
    pub mode: Mode,
    /// Image-to-video: the field that carries the image (`promptImage`, `image_url`).
    #[serde(default)]
    pub image_field: Option<String>,
    #[serde(default)]
    pub prompt: PromptSpec,
    /// None: no published price; the estimate says so.
    #[serde(default)]
    pub price: Option<Price>,
    #[serde(default)]
    pub params: Vec<ParamSpec>,
}

fn fal() -> Service {
    Service::Fal
}

fn text() -> Mode {
    Mode::Text
}

/// Why a request, or the catalogue itself, cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("{service} has no {mode} model {model}; valid models: {valid}")]
    UnknownModel {
        service: &'static str,
        mode: &'static str,
        model: String,
        valid: String,
    },
    #[error("{model} takes no parameter {name}; it takes: {valid}")]
    UnknownParam {
        model: String,
        name: String,
        valid: String,
    },
    #[error("{value:?} is not a valid {name} for {model}; valid values: {valid}")]
    InvalidValue {
        model: String,
        name: String,
        value: String,
        valid: String,
    },
    #[error("the prompt is empty: describe the video you want")]
    EmptyPrompt,
    #[error("the prompt is {length} {unit} long; {model} accepts at most {max}: shorten it")]
    PromptTooLong {
        model: String,
        length: usize,
        max: usize,
        unit: &'static str,
    },
    #[error("{model} needs an image (image-to-video): give one with --image")]
    ImageNeeded { model: String },
    #[error("the model catalogue in {origin} is not valid: {reason}")]
    Data { origin: String, reason: String },
}

impl VideoModel {
    pub fn param(&self, name: &str) -> Option<&ParamSpec> {
        self.params.iter().find(|p| p.name == name)
    }

    pub fn check_prompt(&self, prompt: &str) -> Result<(), CatalogueError> {
        if prompt.trim().is_empty() {
            return if self.prompt.optional && self.mode == Mode::Image {
                Ok(())
            } else {
                Err(CatalogueError::EmptyPrompt)
            };
        }
        let length = self.prompt.length(prompt);
        match self.prompt.max {
            Some(max) if length > max => Err(CatalogueError::PromptTooLong {
                model: self.id.clone(),
                length,
                max,
                unit: match self.prompt.unit {
                    CountUnit::Utf16 => "UTF-16 code units",
                    CountUnit::Chars => "characters",
                },
            }),
            _ => Ok(()),
        }
    }

    /// The parameters to send: the user's values (parsed and checked) over the defaults.
    pub fn resolve(
        &self,
        given: &[(String, String)],
    ) -> Result<Map<String, Value>, CatalogueError> {
        let mut out = Map::new();
        for p in &self.params {
            if let Some(d) = &p.default {
                out.insert(p.name.clone(), d.clone());
            }
        }
        for (name, text) in given {
            let spec = self
                .param(name)
                .ok_or_else(|| CatalogueError::UnknownParam {
                    model: self.id.clone(),
                    name: name.clone(),
                    valid: self.param_names(),
                })?;
            let value = spec
                .parse(text)
                .ok_or_else(|| CatalogueError::InvalidValue {
                    model: self.id.clone(),
                    name: name.clone(),
                    value: text.clone(),
                    valid: spec.valid_values(),
                })?;
            out.insert(name.clone(), value);
        }
        Ok(out)
    }

    fn param_names(&self) -> String {
        if self.params.is_empty() {
            return "none".into();
        }
        self.params
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Seconds of video the parameters ask for (`8`, `"8s"`, `"10"`), if the model has a
    /// `duration`.
    pub fn seconds(params: &Map<String, Value>) -> Option<f64> {
        match params.get("duration")? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim_end_matches('s').trim().parse().ok(),
            _ => None,
        }
    }

    /// The most this request can cost, from the first price rule that matches. None: no
    /// published price (or no duration to price by).
    pub fn estimate(&self, params: &Map<String, Value>) -> Option<Cost> {
        let price = self.price.as_ref()?;
        let rate = price
            .rates
            .iter()
            .find(|r| r.when.iter().all(|(k, v)| params.get(k) == Some(v)))?;
        let mut amount = rate.base.unwrap_or(0.0);
        if let Some(per_second) = rate.per_second {
            let extra = Self::seconds(params)? - f64::from(rate.base_seconds.unwrap_or(0));
            amount += per_second * extra.max(0.0);
        }
        Some(Cost {
            unit: price.unit,
            amount,
        })
    }

    /// Every default is a value its parameter takes, and an image model names its image field.
    fn check(&self) -> Result<(), String> {
        if self.id.trim().is_empty() {
            return Err("a model has an empty id".into());
        }
        for p in &self.params {
            if let Some(d) = &p.default
                && !p.accepts(d)
            {
                return Err(format!(
                    "{}: the default {} of {} is not one of its values ({})",
                    self.id,
                    value_text(d),
                    p.name,
                    p.valid_values()
                ));
            }
        }
        if self.mode == Mode::Image && self.image_field.is_none() {
            return Err(format!(
                "{}: an image-to-video model needs `image_field`",
                self.id
            ));
        }
        Ok(())
    }
}

/// All models of both services.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalogue {
    pub models: Vec<VideoModel>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    models: Vec<VideoModel>,
}

impl Catalogue {
    /// The built-in table.
    pub fn builtin() -> Result<Self, CatalogueError> {
        let file: CatalogueFile = toml::from_str(BUILTIN).map_err(|e| CatalogueError::Data {
            origin: "the built-in table".into(),
            reason: e.to_string(),
        })?;
        let catalogue = Self {
            models: file.models,
        };
        catalogue.check_all("the built-in table")?;
        Ok(catalogue)
    }

    /// Add (or replace, by id and mode) the fal models a user configured under `[[fal.models]]`.
    pub fn with_fal_models(mut self, extra: Vec<VideoModel>) -> Result<Self, CatalogueError> {
        for model in extra {
            let origin = "[[fal.models]] of the config";
            if model.service != Service::Fal {
                return Err(CatalogueError::Data {
                    origin: origin.into(),
                    reason: format!(
                        "{} is not a fal model: only fal models can be added",
                        model.id
                    ),
                });
            }
            model.check().map_err(|reason| CatalogueError::Data {
                origin: origin.into(),
                reason,
            })?;
            self.models.retain(|m| {
                !(m.service == Service::Fal && m.id == model.id && m.mode == model.mode)
            });
            self.models.push(model);
        }
        Ok(self)
    }

    fn check_all(&self, origin: &str) -> Result<(), CatalogueError> {
        self.models.iter().try_for_each(|m| {
            m.check().map_err(|reason| CatalogueError::Data {
                origin: origin.into(),
                reason,
            })
        })
    }

    pub fn models(&self, service: Service, mode: Mode) -> impl Iterator<Item = &VideoModel> {
        self.models
            .iter()
            .filter(move |m| m.service == service && m.mode == mode)
    }

    /// The model a user named, or a refusal listing the ones there are.
    pub fn find(
        &self,
        service: Service,
        mode: Mode,
        id: &str,
    ) -> Result<&VideoModel, CatalogueError> {
        self.models(service, mode)
            .find(|m| m.id == id.trim())
            .ok_or_else(|| CatalogueError::UnknownModel {
                service: service.label(),
                mode: mode.label(),
                model: id.to_string(),
                valid: self
                    .models(service, mode)
                    .map(|m| m.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}
