//! The parameter form: every parameter of the active model as a field the user types into (a
//! Runway or fal model's parameters from the catalogue, or Sora's size, length and variants),
//! checked as it is typed with the model's own rules (`ParamSpec::parse`), priced live, and
//! applied to the prompt only when every value is valid. Esc leaves the prompt as it was.

use crossterm::event::{Event, KeyEvent};
use serde_json::Value;
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};

mod fields;

pub(super) use fields::same;
pub use fields::{Checked, FormField, Target, check};

use super::keymap::{Action, Scope};
use super::services::stepped;
use super::{App, Effect};
use fields::{field, sora_size};
use sora_core::providers::catalogue::{ParamKind, value_text};
use sora_core::providers::{GenerationRequest, Size};

#[derive(Debug, Clone)]
pub struct ParamForm {
    pub fields: Vec<FormField>,
    pub focused: usize,
    /// Why the last Enter was refused; cleared by the next edit.
    pub refusal: Option<String>,
}

/// One field as the form draws it.
#[derive(Debug, Clone)]
pub struct FieldView {
    pub name: String,
    pub input: Input,
    pub focused: bool,
    /// The valid values, in words.
    pub valid: String,
    /// The default, as typed; None: not sent unless given.
    pub default: Option<String>,
    pub checked: Checked,
    /// Left/Right step the value (free text takes them as cursor keys).
    pub steps: bool,
}

/// The form as it is drawn: its fields, the estimate of their values, why Enter was refused.
#[derive(Debug, Clone)]
pub struct FormView {
    /// The model the values are for (`gen4.5`, `sora-2`).
    pub model: String,
    pub fields: Vec<FieldView>,
    pub estimate: String,
    pub refusal: Option<String>,
}

/// What the form sets when it is applied.
enum Applied {
    /// The catalogue parameters changed from their defaults, in catalogue order, as sent.
    Params(Vec<(String, String)>),
    Sora {
        size: Size,
        seconds: u32,
        variants: u32,
    },
}

/// The first field whose value is not valid, and what is wrong, in words.
struct Invalid {
    field: usize,
    name: String,
    problem: String,
}

impl App {
    /// The open parameter form, as it is drawn.
    pub fn param_form(&self) -> Option<FormView> {
        let form = self.param_form.as_ref()?;
        let fields = (0..form.fields.len())
            .map(|i| {
                let field = &form.fields[i];
                let spec = self.field_spec(form, i);
                FieldView {
                    name: spec.name.clone(),
                    input: field.input.clone(),
                    focused: i == form.focused,
                    valid: spec.valid_values(),
                    default: spec.default.as_ref().map(value_text),
                    checked: check(&spec, field.input.value()),
                    steps: spec.kind != ParamKind::Text,
                }
            })
            .collect();
        let estimate = match self.form_outcome(form) {
            Ok(applied) => self
                .estimate_of(&self.request_with(&applied))
                .map_or_else(|| "price unknown".to_string(), |c| format!("≈ {c}")),
            Err(bad) => format!("no estimate while {} is not valid", bad.name),
        };
        let model = match &self.prompt.model {
            Some(model) => model.model().to_string(),
            None => self.sora_profile().model.clone(),
        };
        Some(FormView {
            model,
            fields,
            estimate,
            refusal: form.refusal.clone(),
        })
    }

    /// Open the form with the prompt's values: every parameter of the active model.
    pub(super) fn open_param_form(&mut self) {
        if self.prompt.remix_of.is_some() {
            self.warn("A remix keeps the size and length of its video: Esc in the prompt ends the remix, then the form sets a new video's parameters.");
            return;
        }
        let (fields, focused) = match &self.prompt.model {
            Some(model) => match model.entry(false) {
                Ok(entry) => {
                    let fields: Vec<FormField> = entry
                        .params
                        .iter()
                        .map(|spec| {
                            let text = self
                                .given(&spec.name)
                                .map(str::to_string)
                                .or_else(|| spec.default.as_ref().map(value_text))
                                .unwrap_or_default();
                            field(Target::Param, spec.clone(), text)
                        })
                        .collect();
                    let focused = self.prompt.param.min(fields.len().saturating_sub(1));
                    (fields, focused)
                }
                Err(refusal) => {
                    self.warn(format!("No parameters to set: {refusal}"));
                    return;
                }
            },
            None => (self.sora_fields(), 0),
        };
        if fields.is_empty() {
            self.warn(format!(
                "{} takes no parameters: there is nothing to set.",
                self.service_description()
            ));
            return;
        }
        self.param_form = Some(ParamForm {
            fields,
            focused,
            refusal: None,
        });
    }

    /// The form's values as the prompt would hold them, or the first that is not valid.
    fn form_outcome(&self, form: &ParamForm) -> Result<Applied, Invalid> {
        let mut checked = Vec::with_capacity(form.fields.len());
        for (i, field) in form.fields.iter().enumerate() {
            let spec = self.field_spec(form, i);
            let result = check(&spec, field.input.value());
            if result == Checked::Invalid {
                return Err(Invalid {
                    field: i,
                    problem: format!(
                        "{} \"{}\" is not valid; valid: {}",
                        spec.name,
                        sora_core::text::one_line(field.input.value()),
                        spec.valid_values()
                    ),
                    name: spec.name,
                });
            }
            checked.push((field.target, spec.name, result));
        }
        if self.prompt.model.is_some() {
            let params = checked
                .into_iter()
                .filter_map(|(_, name, result)| match result {
                    Checked::Changed(value) => Some((name, value_text(&value))),
                    _ => None,
                })
                .collect();
            return Ok(Applied::Params(params));
        }
        let value_of = |target: Target| {
            checked
                .iter()
                .find(|(t, _, _)| *t == target)
                .and_then(|(_, _, result)| result.value().cloned())
        };
        let whole = |target: Target, fallback: u32| {
            value_of(target)
                .and_then(|v| v.as_u64())
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(fallback)
        };
        let size = value_of(Target::Size)
            .and_then(|v| sora_size(&self.allowed_sizes(), &Checked::Changed(v)))
            .unwrap_or(self.prompt.size);
        Ok(Applied::Sora {
            size,
            seconds: whole(Target::Seconds, self.prompt.seconds),
            variants: whole(Target::Variants, self.prompt.variants),
        })
    }

    /// The request the next job would send with these values (the prompt text aside).
    fn request_with(&self, applied: &Applied) -> GenerationRequest {
        let mut request = self.prompt.request_for("-");
        match applied {
            Applied::Params(params) => request.params = params.clone(),
            Applied::Sora {
                size,
                seconds,
                variants,
            } => {
                request.size = *size;
                request.seconds = *seconds;
                request.variants = *variants;
            }
        }
        request
    }

    /// Keys while the form is open: it takes them all (Ctrl-C still quits, F1 shows the help
    /// over it); a key the form does not bind edits the focused field. None: no form is open.
    pub(super) fn form_key(
        &mut self,
        key: &KeyEvent,
        global: Option<Action>,
    ) -> Option<Vec<Effect>> {
        self.param_form.as_ref()?;
        let action = match global {
            Some(action @ (Action::QuitNow | Action::ToggleHelp)) => Some(action),
            _ => self.keymap.action_in(Scope::Form, key),
        };
        match action {
            Some(Action::QuitNow) => self.quit = true,
            Some(Action::ToggleHelp) => {
                self.help_visible = true;
                self.help_scroll = 0;
                self.help_commands_first = false;
            }
            Some(Action::ApplyParameters) => self.apply_param_form(),
            Some(Action::DiscardParameters) => {
                self.param_form = None;
                self.inform("Parameter form closed: the parameters are as they were.");
            }
            Some(action @ (Action::NextField | Action::PrevField)) => {
                if let Some(form) = self.param_form.as_mut() {
                    let count = form.fields.len().max(1);
                    form.focused = match action {
                        Action::NextField => (form.focused + 1) % count,
                        _ => (form.focused + count - 1) % count,
                    };
                }
            }
            Some(action @ (Action::NextValue | Action::PrevValue)) => {
                if !self.step_form_field(action == Action::NextValue) {
                    self.edit_form_field(|input| {
                        input.handle_event(&Event::Key(*key));
                    });
                }
            }
            _ => self.edit_form_field(|input| {
                input.handle_event(&Event::Key(*key));
            }),
        }
        Some(Vec::new())
    }

    /// Pasted text goes into the focused field, its line breaks as spaces. False: no form.
    pub(super) fn paste_into_form(&mut self, text: &str) -> bool {
        if self.param_form.is_none() {
            return false;
        }
        self.edit_form_field(|input| {
            for c in text.replace("\r\n", "\n").chars() {
                let c = if c.is_control() { ' ' } else { c };
                input.handle(InputRequest::InsertChar(c));
            }
        });
        true
    }

    fn edit_form_field(&mut self, edit: impl FnOnce(&mut Input)) {
        if let Some(form) = self.param_form.as_mut()
            && let Some(field) = form.fields.get_mut(form.focused)
        {
            let before = field.input.value().to_string();
            edit(&mut field.input);
            if field.input.value() != before {
                form.refusal = None;
            }
        }
    }

    /// Step the focused field to its next (or previous) valid value; false for free text.
    fn step_form_field(&mut self, forward: bool) -> bool {
        let Some(form) = self.param_form.as_ref() else {
            return false;
        };
        let spec = self.field_spec(form, form.focused);
        let Some(field) = form.fields.get(form.focused) else {
            return false;
        };
        let current = check(&spec, field.input.value()).value().cloned();
        let next = match (field.target, &spec.kind) {
            (_, ParamKind::Text) => return false,
            // Sora's length and variants stop at their ends, as their prompt keys do.
            (Target::Seconds, ParamKind::Int { .. }) | (Target::Variants, _) => {
                let (min, max) = match spec.kind {
                    ParamKind::Int { min, max } => (min.unwrap_or(1), max.unwrap_or(1)),
                    _ => (1, 1),
                };
                let n = current.as_ref().and_then(Value::as_i64).unwrap_or(min);
                Some(Value::from(if forward {
                    (n + 1).clamp(min, max)
                } else {
                    (n - 1).clamp(min, max)
                }))
            }
            (Target::Seconds, ParamKind::Choice { values }) => {
                let n = current.as_ref().and_then(Value::as_u64).unwrap_or(0);
                let allowed = values.iter().filter_map(Value::as_u64);
                let next = if forward {
                    allowed.filter(|s| *s > n).min()
                } else {
                    allowed.filter(|s| *s < n).max()
                };
                next.map(Value::from).or(current)
            }
            _ => stepped(&spec, current.as_ref(), forward),
        };
        if let Some(next) = next {
            self.edit_form_field(|input| *input = Input::new(value_text(&next)));
        }
        true
    }

    /// Enter: every value valid, the prompt takes them all (the next job sends exactly these);
    /// otherwise the form stays open on the first wrong field and says what it takes.
    fn apply_param_form(&mut self) {
        let Some(form) = self.param_form.as_ref() else {
            return;
        };
        let outcome = self.form_outcome(form).and_then(|applied| {
            // The catalogue's own check of what will be sent, so the form can never let
            // through what the submit would refuse.
            match (&applied, self.catalogue_entry()) {
                (Applied::Params(params), Some(entry)) => match entry.resolve(params) {
                    Ok(_) => Ok(applied),
                    Err(refusal) => Err(Invalid {
                        field: form.focused,
                        name: entry.id.clone(),
                        problem: refusal.to_string(),
                    }),
                },
                _ => Ok(applied),
            }
        });
        let applied = match outcome {
            Ok(applied) => applied,
            Err(bad) => {
                let discard = self
                    .keymap
                    .keys_label(Scope::Form, Action::DiscardParameters);
                let text = format!("{}. Fix it, or {discard} discards the form.", bad.problem);
                if let Some(form) = self.param_form.as_mut() {
                    form.focused = bad.field;
                    form.refusal = Some(text.clone());
                }
                self.warn(format!("Parameters not applied: {text}"));
                return;
            }
        };
        let focused = form.focused;
        let cost = self
            .estimate_of(&self.request_with(&applied))
            .map(|c| format!(" · ≈ {c}"))
            .unwrap_or_default();
        let summary = match applied {
            Applied::Params(params) => {
                let summary = if params.is_empty() {
                    "the model's defaults".to_string()
                } else {
                    params
                        .iter()
                        .map(|(k, v)| format!("{k} {}", sora_core::text::one_line(v)))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                self.prompt.params = params;
                self.prompt.param = focused;
                summary
            }
            Applied::Sora {
                size,
                seconds,
                variants,
            } => {
                self.prompt.size = size;
                self.prompt.seconds = seconds;
                self.prompt.variants = variants;
                format!("{size}, {seconds} s, {variants} variant(s)")
            }
        };
        self.param_form = None;
        self.inform(format!("Parameters for the next job: {summary}{cost}"));
    }
}
