//! The video service and model the next prompt goes to, and the parameters of a Runway or
//! fal.ai model: switching service or model, stepping a parameter through its values, and the
//! accounts the header shows.

use serde_json::Value;

use super::settings::{ServiceChoice, ServiceModels};
use super::{App, Effect};
use sora_core::engine::{Command, Via};
use sora_core::providers::catalogue::{ParamKind, ParamSpec, VideoModel, value_text};
use sora_core::providers::{Family, GenerationRequest, ModelProfile, Size};

/// One catalogue parameter as the prompt panel shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamView {
    pub name: String,
    /// What is sent: the user's value, else the default; None: not sent.
    pub value: Option<String>,
    /// The user changed it from the default.
    pub changed: bool,
    pub selected: bool,
    /// The model does not take this value (a value kept from another model): the valid ones.
    pub invalid: Option<String>,
}

impl App {
    /// The service the next prompt goes to; None when only the default is known.
    pub fn active_service(&self) -> Option<&ServiceChoice> {
        self.settings.services.get(self.prompt.service)
    }

    /// What the active Sora model accepts (the configured profile when no service is listed).
    pub fn sora_profile(&self) -> &ModelProfile {
        match self.active_service().map(|s| &s.models) {
            Some(ServiceModels::Sora(profile)) => profile,
            _ => &self.settings.profile,
        }
    }

    /// The header's words for the active service: `Runway · host · gen4.5`.
    pub fn service_description(&self) -> String {
        match (self.active_service(), &self.prompt.model) {
            (Some(service), Some(model)) => format!("{} · {}", service.description, model.model()),
            (Some(service), None) => service.description.clone(),
            (None, _) => self.settings.provider_description.clone(),
        }
    }

    /// What the services said about their accounts (`Runway: 5000 credits`).
    pub fn accounts(&self) -> &[(Family, String)] {
        &self.accounts
    }

    pub(super) fn supports_remix(&self) -> bool {
        match self.active_service() {
            Some(service) => service.family.supports_remix(),
            None => self.settings.supports_remix,
        }
    }

    pub(super) fn allowed_sizes(&self) -> Vec<Size> {
        self.sora_profile().sizes.iter().map(|o| o.size).collect()
    }

    pub(super) fn max_variants_at(&self, size: Size) -> u32 {
        self.sora_profile()
            .size_option(size)
            .map_or(1, |o| o.max_variants)
    }

    /// Where a job goes: always named once services are listed, so switching is never lost.
    pub(super) fn via(&self) -> Option<Via> {
        let service = self.active_service()?;
        Some(Via {
            family: service.family,
            model: self.prompt.model.as_ref().map(|m| m.model().to_string()),
        })
    }

    /// Ask every configured Runway service for its balance, once, for the header.
    pub(super) fn account_checks(&self) -> Vec<Effect> {
        let mut families: Vec<Family> = Vec::new();
        for service in &self.settings.services {
            if service.family == Family::Runway && !families.contains(&service.family) {
                families.push(service.family);
            }
        }
        families
            .into_iter()
            .map(|family| Effect::Engine(Command::CheckAccount { family }))
            .collect()
    }

    pub(super) fn on_account(&mut self, family: Family, text: String) {
        match self.accounts.iter_mut().find(|(f, _)| *f == family) {
            Some(entry) => entry.1 = text,
            None => self.accounts.push((family, text)),
        }
    }

    /// The next configured service: its own model and parameters; a Sora size or length it
    /// does not offer moves to its first one. Each value reset on the way is said in the
    /// notice, as a size change says when variants drop: what is sent (and paid) never
    /// changes unseen.
    pub(super) fn next_service(&mut self) {
        let count = self.settings.services.len();
        if count < 2 {
            self.warn(
                "Only one video service is configured: set RUNWAYML_API_SECRET (Runway) or FAL_KEY (fal.ai) for more, or try --demo.",
            );
            return;
        }
        self.prompt.service = (self.prompt.service + 1) % count;
        self.prompt.model = self
            .active_service()
            .and_then(|s| s.model_choice())
            .cloned();
        let mut reset = Vec::new();
        let changed: Vec<String> = self.prompt.params.drain(..).map(|(n, _)| n).collect();
        if !changed.is_empty() {
            reset.push(format!("parameters {} dropped", changed.join(", ")));
        }
        self.prompt.param = 0;
        if let Some(source) = self.prompt.remix_of.take() {
            reset.push(format!("no longer a remix of {source}"));
        }
        if self.prompt.model.is_none() {
            let (size, seconds, variants) =
                (self.prompt.size, self.prompt.seconds, self.prompt.variants);
            let profile = self.sora_profile().clone();
            if profile.size_option(self.prompt.size).is_none()
                && let Some(first) = profile.sizes.first()
            {
                self.prompt.size = first.size;
            }
            if !profile.seconds.contains(&self.prompt.seconds) {
                self.prompt.seconds = profile.default_seconds;
            }
            let max = self.max_variants_at(self.prompt.size);
            self.prompt.variants = self.prompt.variants.clamp(1, max.max(1));
            if self.prompt.size != size {
                reset.push(format!("size {size} → {}", self.prompt.size));
            }
            if self.prompt.seconds != seconds {
                reset.push(format!("length {seconds} s → {} s", self.prompt.seconds));
            }
            if self.prompt.variants != variants {
                reset.push(format!("variants {variants} → {}", self.prompt.variants));
            }
        }
        let also = if reset.is_empty() {
            String::new()
        } else {
            format!("; reset for it: {}", reset.join(", "))
        };
        self.inform(format!(
            "Next prompt goes to {}{also}.",
            self.service_description()
        ));
    }

    /// The next model of the active Runway or fal service. The values the user chose are kept
    /// where the new model has the parameter, so a value it does not take is refused by name.
    pub(super) fn next_model(&mut self) {
        let Some(model) = self.prompt.model.clone() else {
            let family = self
                .active_service()
                .map_or("this service", |s| s.family.label());
            self.warn(format!(
                "{family} runs its configured model: set it in the config (or --model) to use another."
            ));
            return;
        };
        // The prompt sends no image: image-to-video models are for `generate --image`.
        let ids: Vec<String> = model
            .model_ids()
            .into_iter()
            .filter(|id| model.with_model(id).is_ok_and(|m| m.entry(false).is_ok()))
            .collect();
        let next = ids
            .iter()
            .position(|id| id == model.model())
            .map_or(0, |i| (i + 1) % ids.len().max(1));
        let Some(next) = ids.get(next).and_then(|id| model.with_model(id).ok()) else {
            return;
        };
        let kept: Vec<(String, String)> = match next.entry(false) {
            Ok(entry) => self
                .prompt
                .params
                .iter()
                .filter(|(name, _)| entry.param(name).is_some())
                .cloned()
                .collect(),
            Err(_) => Vec::new(),
        };
        self.prompt.params = kept;
        self.prompt.param = 0;
        self.prompt.model = Some(next);
        self.inform(format!("Model: {}", self.service_description()));
    }

    /// A re-run goes where the recorded job went: its service, its model, the parameters it
    /// sent (those at their default are left to the default). Err: that service is not
    /// configured now, and the prompt stays with the active one.
    pub(super) fn adopt_recorded(
        &mut self,
        family: &str,
        model: Option<&str>,
        params: &[(String, String)],
    ) -> Result<(), String> {
        if self.settings.services.is_empty() {
            return Ok(());
        }
        let index = Family::parse(family)
            .and_then(|f| self.settings.services.iter().position(|s| s.family == f))
            .ok_or_else(|| {
                format!(
                    "{family} is not configured now: the prompt goes to {}",
                    self.service_description()
                )
            })?;
        let base = self.settings.services[index].model_choice().cloned();
        let choice = match (base, model) {
            (Some(base), Some(id)) => Some(base.with_model(id).map_err(|e| e.to_string())?),
            (base, _) => base,
        };
        self.prompt.service = index;
        self.prompt.model = choice;
        self.prompt.param = 0;
        self.prompt.params = match self.catalogue_entry() {
            Some(entry) => params
                .iter()
                .filter(|(name, value)| {
                    entry
                        .param(name)
                        .and_then(|spec| spec.default.as_ref())
                        .is_none_or(|d| value_text(d) != *value)
                })
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        Ok(())
    }

    /// The entry of the active catalogue model for a text prompt; None for Sora, or a model
    /// that needs an image.
    pub fn catalogue_entry(&self) -> Option<&VideoModel> {
        self.prompt.model.as_ref()?.entry(false).ok()
    }

    /// The active model's parameters, in catalogue order, with what each sends.
    pub fn catalogue_params(&self) -> Vec<ParamView> {
        let Some(entry) = self.catalogue_entry() else {
            return Vec::new();
        };
        entry
            .params
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                let given = self.given(&spec.name);
                ParamView {
                    name: spec.name.clone(),
                    value: given
                        .map(str::to_string)
                        .or_else(|| spec.default.as_ref().map(value_text)),
                    changed: given.is_some(),
                    selected: i == self.prompt.param,
                    invalid: given
                        .filter(|text| spec.parse(text).is_none())
                        .map(|_| spec.valid_values()),
                }
            })
            .collect()
    }

    /// The estimate of the prompt's parameters in the service's unit (`60 credits ($0.60)`).
    pub fn estimate_text(&self) -> Option<String> {
        self.estimate_of(&self.prompt.request_for("-"))
    }

    /// The estimate of `request` on the active service and model, in its unit.
    pub(super) fn estimate_of(&self, request: &GenerationRequest) -> Option<String> {
        match &self.prompt.model {
            Some(model) => model.estimate(request).map(|c| c.to_string()),
            None => self
                .sora_profile()
                .estimate(request)
                .map(|usd| format!("${usd:.2}")),
        }
    }

    pub(super) fn select_param(&mut self, forward: bool) {
        let count = self.catalogue_entry().map_or(0, |e| e.params.len());
        if count == 0 {
            return;
        }
        let current = self.prompt.param.min(count - 1);
        self.prompt.param = if forward {
            (current + 1) % count
        } else {
            (current + count - 1) % count
        };
    }

    /// Step the selected parameter to its next (or previous) valid value.
    pub(super) fn step_param(&mut self, forward: bool) {
        let Some(spec) = self
            .catalogue_entry()
            .and_then(|e| e.params.get(self.prompt.param))
            .cloned()
        else {
            self.warn("This model's parameters are size, length and variants: use their keys.");
            return;
        };
        let current = self
            .given(&spec.name)
            .and_then(|t| spec.parse(t))
            .or_else(|| spec.default.clone());
        let Some(next) = stepped(&spec, current.as_ref(), forward) else {
            let form = self.keymap.keys_label(
                super::keymap::Scope::Prompt,
                super::keymap::Action::EditParameters,
            );
            self.warn(format!(
                "{} takes {}: type it in the parameter form ({form}).",
                spec.name,
                spec.valid_values(),
            ));
            return;
        };
        self.prompt.params.retain(|(name, _)| *name != spec.name);
        // The form's rule: a value equal to the default (by number, `1` = `1.0`) is no change.
        if !spec
            .default
            .as_ref()
            .is_some_and(|d| super::param_form::same(d, &next))
        {
            self.prompt
                .params
                .push((spec.name.clone(), value_text(&next)));
        }
    }

    pub(super) fn given(&self, name: &str) -> Option<&str> {
        self.prompt
            .params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The value after `current` (None: not set) in the direction of travel, wrapping at the
/// ends; None for a parameter that cannot be stepped (free text).
pub(super) fn stepped(spec: &ParamSpec, current: Option<&Value>, forward: bool) -> Option<Value> {
    match &spec.kind {
        ParamKind::Choice { values } => {
            let last = values.len().checked_sub(1)?;
            let next = match current.and_then(|c| values.iter().position(|v| v == c)) {
                Some(i) if forward => (i + 1) % values.len(),
                Some(0) => last,
                Some(i) => i - 1,
                None if forward => 0,
                None => last,
            };
            values.get(next).cloned()
        }
        ParamKind::Bool => Some(Value::Bool(
            !current.and_then(Value::as_bool).unwrap_or(!forward),
        )),
        ParamKind::Int { min, max } => {
            let low = min.unwrap_or(0);
            let n = match current.and_then(Value::as_i64) {
                None => low,
                Some(n) if forward => match max {
                    Some(m) if n >= *m => low,
                    _ => n.saturating_add(1),
                },
                Some(n) if n <= low => max.unwrap_or(low),
                Some(n) => n - 1,
            };
            Some(Value::from(n))
        }
        ParamKind::Number { min, max } => {
            let low = min.unwrap_or(0.0);
            let step = match (min, max) {
                (Some(a), Some(b)) if b > a => (b - a) / 10.0,
                _ => 1.0,
            };
            // Whole steps from the low end, so repeated steps carry no float dust.
            let index = current
                .and_then(Value::as_f64)
                .map(|n| ((n - low) / step).round() + if forward { 1.0 } else { -1.0 });
            let last = max.map(|m| ((m - low) / step).round());
            let index = match (index, last) {
                (None, _) => 0.0,
                (Some(i), Some(l)) if i > l => 0.0,
                (Some(i), Some(l)) if i < 0.0 => l,
                (Some(i), _) => i.max(0.0),
            };
            let n = ((low + index * step) * 1e6).round() / 1e6;
            Some(Value::from(n))
        }
        ParamKind::Text => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: ParamKind, default: Option<Value>) -> ParamSpec {
        ParamSpec {
            name: "p".into(),
            kind,
            default,
        }
    }

    #[test]
    fn values_step_within_their_bounds_and_wrap() {
        let scale = spec(
            ParamKind::Number {
                min: Some(0.0),
                max: Some(1.0),
            },
            None,
        );
        let v = |n: f64| Value::from(n);
        assert_eq!(stepped(&scale, Some(&v(0.5)), true), Some(v(0.6)));
        assert_eq!(stepped(&scale, Some(&v(1.0)), true), Some(v(0.0)));
        assert_eq!(stepped(&scale, Some(&v(0.0)), false), Some(v(1.0)));
        let duration = spec(
            ParamKind::Int {
                min: Some(2),
                max: Some(10),
            },
            None,
        );
        assert_eq!(
            stepped(&duration, Some(&Value::from(10)), true),
            Some(Value::from(2))
        );
        assert_eq!(
            stepped(&duration, Some(&Value::from(2)), false),
            Some(Value::from(10))
        );
        let audio = spec(ParamKind::Bool, None);
        assert_eq!(
            stepped(&audio, Some(&Value::Bool(true)), true),
            Some(Value::Bool(false))
        );
        assert_eq!(stepped(&spec(ParamKind::Text, None), None, true), None);
    }
}
