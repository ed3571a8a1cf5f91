//! The prompt being typed and the generation parameters beside it.

use tui_input::Input;

use crate::app::AppSettings;
use sora_core::providers::{GenerationRequest, Size};

#[derive(Debug, Clone)]
pub struct PromptState {
    /// The text field (cursor, editing, horizontal scroll).
    pub input: Input,
    pub size: Size,
    pub seconds: u32,
    pub variants: u32,
    /// Set while the prompt describes a remix of this finished video rather than a new one.
    pub remix_of: Option<String>,
}

impl PromptState {
    pub fn new(settings: &AppSettings) -> Self {
        Self {
            input: Input::default(),
            size: settings.default_size,
            seconds: settings.default_seconds,
            variants: settings.default_variants,
            remix_of: None,
        }
    }

    pub fn text(&self) -> &str {
        self.input.value()
    }

    /// The request for the typed prompt, or `None` when there is nothing to send.
    pub fn request(&self) -> Option<GenerationRequest> {
        let prompt = self.text().trim();
        (!prompt.is_empty()).then(|| GenerationRequest {
            prompt: prompt.to_string(),
            size: self.size,
            seconds: self.seconds,
            variants: self.variants,
            image: None,
        })
    }

    /// Step through the allowed sizes, wrapping around. A size not in the list (a default the
    /// list forgot) restarts at the first/last allowed one.
    pub fn step_size(&mut self, allowed: &[Size], forward: bool) {
        let Some(last) = allowed.len().checked_sub(1) else {
            return;
        };
        let next = match allowed.iter().position(|s| *s == self.size) {
            Some(i) if forward => {
                if i == last {
                    0
                } else {
                    i + 1
                }
            }
            Some(i) => {
                if i == 0 {
                    last
                } else {
                    i - 1
                }
            }
            None if forward => 0,
            None => last,
        };
        if let Some(size) = allowed.get(next) {
            self.size = *size;
        }
    }

    /// Step through the model's allowed lengths (`1..=20`, or `4, 8, 12`), wrapping around.
    pub fn step_seconds(&mut self, allowed: &[u32], forward: bool) {
        let Some(last) = allowed.len().checked_sub(1) else {
            return;
        };
        let next = match allowed.iter().position(|s| *s == self.seconds) {
            Some(i) if forward => (i + 1) % allowed.len(),
            Some(0) => last,
            Some(i) => i - 1,
            // Not an allowed value: go to the nearest one in the direction of travel.
            None if forward => allowed.iter().position(|s| *s > self.seconds).unwrap_or(0),
            None => allowed
                .iter()
                .rposition(|s| *s < self.seconds)
                .unwrap_or(last),
        };
        if let Some(s) = allowed.get(next) {
            self.seconds = *s;
        }
    }

    pub fn step_variants(&mut self, max: u32, forward: bool) {
        self.variants = step_wrapping(self.variants, 1, max.max(1), forward);
    }
}

/// One step up or down inside `min..=max`, wrapping at both ends so a single key reaches
/// every value; a value outside the range snaps to the nearest end.
fn step_wrapping(value: u32, min: u32, max: u32, forward: bool) -> u32 {
    if min > max {
        return value;
    }
    let value = value.clamp(min, max);
    match (forward, value) {
        (true, v) if v >= max => min,
        (true, v) => v + 1,
        (false, v) if v <= min => max,
        (false, v) => v - 1,
    }
}

#[cfg(test)]
mod tests {
    use super::step_wrapping;

    #[test]
    fn steps_wrap_at_both_ends() {
        assert_eq!(step_wrapping(20, 1, 20, true), 1);
        assert_eq!(step_wrapping(1, 1, 20, false), 20);
        assert_eq!(step_wrapping(5, 1, 20, true), 6);
        assert_eq!(step_wrapping(30, 1, 20, false), 19);
    }
}
