//! What each field of the parameter form takes and how its text reads: a catalogue parameter's
//! own spec, or one built for Sora's size, length and variants from the model's profile, so one
//! rule (`ParamSpec::parse`, `valid_values`) checks every field.

use serde_json::Value;
use tui_input::Input;

use super::ParamForm;
use crate::app::App;
use sora_core::providers::Size;
use sora_core::providers::catalogue::{ParamKind, ParamSpec, value_text};

/// What a field sets in the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A catalogue parameter, by the field's name.
    Param,
    Size,
    Seconds,
    Variants,
}

#[derive(Debug, Clone)]
pub struct FormField {
    pub target: Target,
    /// What the field takes (for variants, the limit at the form's size replaces the maximum
    /// when the field is checked).
    pub spec: ParamSpec,
    pub input: Input,
}

/// A field's text, checked against what its parameter takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Checked {
    /// Empty, or the default typed out: not stored as changed (None: nothing is sent).
    Default(Option<Value>),
    Changed(Value),
    Invalid,
}

impl Checked {
    /// The value the field stands for, if it is valid.
    pub fn value(&self) -> Option<&Value> {
        match self {
            Checked::Default(value) => value.as_ref(),
            Checked::Changed(value) => Some(value),
            Checked::Invalid => None,
        }
    }
}

/// `text` as `spec` reads it: empty is the default, a value equal to the default is no change.
pub fn check(spec: &ParamSpec, text: &str) -> Checked {
    if text.trim().is_empty() {
        return Checked::Default(spec.default.clone());
    }
    match spec.parse(text) {
        None => Checked::Invalid,
        Some(value) if spec.default.as_ref().is_some_and(|d| same(d, &value)) => {
            Checked::Default(Some(value))
        }
        Some(value) => Checked::Changed(value),
    }
}

/// Equal values; numbers by value (a default `1` and a typed `1.0` are the same number).
pub(in crate::app) fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

impl App {
    /// Sora's size, length and variants, with their current values.
    pub(super) fn sora_fields(&self) -> Vec<FormField> {
        let profile = self.sora_profile();
        let sizes: Vec<Size> = profile.sizes.iter().map(|o| o.size).collect();
        let default_size = if sizes.contains(&self.settings.default_size) {
            self.settings.default_size
        } else {
            sizes.first().copied().unwrap_or(self.settings.default_size)
        };
        let size = ParamSpec {
            name: "size".into(),
            kind: ParamKind::Choice {
                values: sizes.iter().map(|s| Value::from(s.to_string())).collect(),
            },
            default: Some(Value::from(default_size.to_string())),
        };
        let seconds = &profile.seconds;
        let contiguous = seconds.windows(2).all(|w| w[1] == w[0] + 1);
        let kind = match (seconds.first(), seconds.last()) {
            (Some(first), Some(last)) if contiguous => ParamKind::Int {
                min: Some(i64::from(*first)),
                max: Some(i64::from(*last)),
            },
            _ => ParamKind::Choice {
                values: seconds.iter().map(|s| Value::from(*s)).collect(),
            },
        };
        let default_seconds = if seconds.contains(&self.settings.default_seconds) {
            self.settings.default_seconds
        } else {
            profile.default_seconds
        };
        let seconds = ParamSpec {
            name: "seconds".into(),
            kind,
            default: Some(Value::from(default_seconds)),
        };
        let variants = ParamSpec {
            name: "variants".into(),
            kind: ParamKind::Int {
                min: Some(1),
                max: None,
            },
            default: Some(Value::from(self.settings.default_variants)),
        };
        vec![
            field(Target::Size, size, self.prompt.size.to_string()),
            field(Target::Seconds, seconds, self.prompt.seconds.to_string()),
            field(Target::Variants, variants, self.prompt.variants.to_string()),
        ]
    }

    /// What field `i` takes now: the variants allowed depend on the size in the form.
    pub(super) fn field_spec(&self, form: &ParamForm, i: usize) -> ParamSpec {
        let field = &form.fields[i];
        if field.target != Target::Variants {
            return field.spec.clone();
        }
        let size = form
            .fields
            .iter()
            .find(|f| f.target == Target::Size)
            .and_then(|f| sora_size(&self.allowed_sizes(), &check(&f.spec, f.input.value())))
            .unwrap_or(self.prompt.size);
        let mut spec = field.spec.clone();
        spec.kind = ParamKind::Int {
            min: Some(1),
            max: Some(i64::from(self.max_variants_at(size).max(1))),
        };
        spec
    }
}

pub(super) fn field(target: Target, spec: ParamSpec, text: String) -> FormField {
    FormField {
        target,
        spec,
        input: Input::new(text),
    }
}

/// The Sora size a checked size field stands for, among the allowed ones.
pub(super) fn sora_size(allowed: &[Size], checked: &Checked) -> Option<Size> {
    let text = checked.value().map(value_text)?;
    allowed.iter().copied().find(|s| s.to_string() == text)
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
    fn empty_and_the_default_are_no_change_and_numbers_compare_by_value() {
        let scale = spec(
            ParamKind::Number {
                min: Some(0.0),
                max: Some(2.0),
            },
            Some(Value::from(1)),
        );
        assert_eq!(check(&scale, ""), Checked::Default(Some(Value::from(1))));
        assert!(matches!(check(&scale, "1.0"), Checked::Default(_)));
        assert_eq!(check(&scale, "1.5"), Checked::Changed(Value::from(1.5)));
        assert_eq!(check(&scale, "3"), Checked::Invalid);
        assert_eq!(check(&scale, "abc"), Checked::Invalid);
        let text = spec(ParamKind::Text, None);
        assert_eq!(check(&text, "  "), Checked::Default(None));
    }
}
