//! The prompt being typed, the generation parameters beside it, and sending it: one user
//! action never starts more than one paid video without a `y`.

use std::time::Duration;

use super::Effect;
use super::modal::{Asked, OnYes, Submission};
use super::prompt_text::PromptText;
use crate::app::{App, AppSettings, Focus};
use sora_core::engine::{Command, JobKey};
use sora_core::providers::{GenerationRequest, ModelChoice, Size};

/// A submit this soon after the previous one is no person typing a new prompt: most likely
/// pasted lines arriving as Enter presses (a terminal without bracketed paste). It asks first.
pub const RAPID_SUBMIT: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
pub struct PromptState {
    /// The text field: several lines, the cursor, editing.
    pub input: PromptText,
    pub size: Size,
    pub seconds: u32,
    pub variants: u32,
    /// Set while the prompt describes a remix of this finished video rather than a new one.
    pub remix_of: Option<String>,
    /// Index of the active service in `AppSettings::services`.
    pub service: usize,
    /// The catalogue model of the active Runway or fal service; None for Sora.
    pub model: Option<ModelChoice>,
    /// The catalogue parameters the user changed from their defaults, by name, as typed.
    pub params: Vec<(String, String)>,
    /// The catalogue parameter the value keys step.
    pub param: usize,
    /// The last prompt sent and its job: given back to the field if the create fails, so a
    /// refused prompt can be fixed rather than typed again.
    pub last_sent: Option<(JobKey, String)>,
    /// Earlier prompts, for Ctrl-p/Ctrl-n/Ctrl-r.
    pub history: super::prompt_history::PromptHistory,
}

impl PromptState {
    pub fn new(settings: &AppSettings) -> Self {
        Self {
            input: PromptText::default(),
            size: settings.default_size,
            seconds: settings.default_seconds,
            variants: settings.default_variants,
            remix_of: None,
            service: 0,
            model: settings
                .services
                .first()
                .and_then(|s| s.model_choice())
                .cloned(),
            params: Vec::new(),
            param: 0,
            last_sent: None,
            history: super::prompt_history::PromptHistory::new(settings.prompt_history.clone()),
        }
    }

    /// The prompt as typed, its lines joined by `\n`.
    pub fn text(&self) -> String {
        self.input.value()
    }

    /// The request for the typed prompt, or `None` when there is nothing to send.
    pub fn request(&self) -> Option<GenerationRequest> {
        let text = self.text();
        let prompt = text.trim();
        (!prompt.is_empty()).then(|| self.request_for(prompt))
    }

    /// The request for `prompt` with the current parameters: a catalogue model makes one
    /// video per request and takes its own parameters.
    pub fn request_for(&self, prompt: &str) -> GenerationRequest {
        GenerationRequest {
            prompt: prompt.to_string(),
            size: self.size,
            seconds: self.seconds,
            variants: if self.model.is_some() {
                1
            } else {
                self.variants
            },
            image: None,
            params: self.params.clone(),
        }
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

    /// One step through the model's allowed lengths (`1..=20`, or `4, 8, 12`). "Longer" stops at
    /// the longest and "shorter" at the shortest (a wrap from 20 s to 1 s reads as a mistake);
    /// false when it could not move.
    pub fn step_seconds(&mut self, allowed: &[u32], forward: bool) -> bool {
        let next = if forward {
            allowed.iter().copied().filter(|s| *s > self.seconds).min()
        } else {
            allowed.iter().copied().filter(|s| *s < self.seconds).max()
        };
        match next {
            Some(s) => {
                self.seconds = s;
                true
            }
            None => false,
        }
    }

    /// One more or one fewer variant, inside `1..=max`; false at either end.
    pub fn step_variants(&mut self, max: u32, forward: bool) -> bool {
        let next = step_within(self.variants, 1, max.max(1), forward);
        let moved = next != self.variants;
        self.variants = next;
        moved
    }
}

impl App {
    /// Enter in the prompt: send it, unless it would start more than one paid video, or comes
    /// right after the previous one (then ask, and keep the prompt until the answer).
    pub(super) fn submit(&mut self) -> Vec<Effect> {
        let Some(request) = self.prompt.request() else {
            self.warn("The prompt is empty: type what the video should show, then Enter.");
            return Vec::new();
        };
        let submission = Submission {
            request,
            remix_of: self.prompt.remix_of.clone(),
            from_field: true,
        };
        self.submit_checked(submission)
    }

    /// Every way a prompt is sent (Enter in the prompt, `:generate`, `:remix`) takes this one
    /// path: refused when no service or model can take it, asked first when it comes right
    /// after the previous one or would start more than one paid video.
    pub(super) fn submit_checked(&mut self, submission: Submission) -> Vec<Effect> {
        if let Some(reason) = &self.settings.no_service {
            self.warn(format!("Not sent: {reason}"));
            return Vec::new();
        }
        if submission.remix_of.is_none()
            && let Some(model) = &self.prompt.model
            && let Err(refusal) = model.resolve(&submission.request)
        {
            self.warn(format!("Not sent: {refusal}"));
            return Vec::new();
        }
        let rapid = self.last_submit_at.is_some_and(|last| {
            !self
                .now
                .duration_since(last)
                .is_ok_and(|since| since >= RAPID_SUBMIT)
        });
        let request = &submission.request;
        if rapid {
            let question = format!(
                "Send \"{}\" as another paid job, right after the last one? (Lines pasted into a terminal without bracketed paste arrive as separate Enter presses.)",
                shorten(&request.prompt, 60)
            );
            self.ask(question, OnYes::Submit(submission), Asked::Unasked);
        } else if submission.remix_of.is_none() && request.variants > 1 {
            let cost = self
                .sora_profile()
                .estimate(request)
                .map(|c| format!(", estimated ${c:.2}"))
                .unwrap_or_default();
            let question = format!(
                "Generate {} paid videos ({} variants of {} s at {}{cost})?",
                request.variants, request.variants, request.seconds, request.size
            );
            self.ask(question, OnYes::Submit(submission), Asked::ByKey);
        } else {
            return self.send_submission(submission);
        }
        Vec::new()
    }

    /// Start the job: a row in the timeline at once, the prompt cleared, the engine told.
    pub(super) fn send_submission(&mut self, submission: Submission) -> Vec<Effect> {
        let Submission {
            request,
            remix_of,
            from_field,
        } = submission;
        let key = JobKey(self.next_job);
        self.next_job += 1;
        self.last_submit_at = Some(self.now);
        self.jobs.row_or_insert(key, &request.prompt).params = Some(sent_parameters(
            &request,
            remix_of.as_deref(),
            self.prompt.model.is_some(),
        ));
        self.jobs.select_last();
        // A prompt from the command line leaves what is typed in the field (and a remix being
        // typed there) alone.
        if from_field {
            self.prompt.input.reset();
            self.prompt.remix_of = None;
        }
        self.prompt.last_sent = Some((key, request.prompt.clone()));
        self.prompt.history.push(request.prompt.clone());
        let hidden = self.hidden_by_jobs_filter(key);
        if let Some(source_id) = remix_of {
            self.inform(format!("{key} submitted: remix of {source_id}{hidden}"));
            return vec![Effect::Engine(Command::Remix {
                key,
                source_id,
                prompt: request.prompt,
                upload: self.settings.auto_upload,
            })];
        }
        let via = self.via();
        match &self.prompt.model {
            Some(model) => {
                let cost = model
                    .estimate(&request)
                    .map(|c| format!(" · estimated {c}"))
                    .unwrap_or_default();
                self.inform(format!(
                    "{key} submitted to {} {}{cost}{hidden}",
                    model.service().label(),
                    model.model()
                ));
            }
            None => self.inform(format!(
                "{key} submitted: {}, {}s, {} variant(s){hidden}",
                request.size, request.seconds, request.variants
            )),
        }
        vec![Effect::Engine(Command::Generate {
            key,
            request,
            upload: self.settings.auto_upload,
            via,
        })]
    }

    /// A note for the notice when the jobs list's `/` filter hides the job just sent, so it
    /// does not look lost; empty otherwise.
    fn hidden_by_jobs_filter(&self, key: JobKey) -> String {
        match self.jobs.row(key) {
            Some(row) if !self.jobs.shows(row) => {
                let clear = self.keymap.first_key_label(
                    super::keymap::Scope::Filtered,
                    super::keymap::Action::ClearFilter,
                );
                format!(
                    " · not listed: the jobs filter /{} hides it ({clear} in the jobs list clears it)",
                    self.jobs.filter.text().trim()
                )
            }
            _ => String::new(),
        }
    }

    /// Turn the prompt into a remix of the selected job's video.
    pub(super) fn start_remix(&mut self) {
        if !self.supports_remix() {
            self.warn("This provider cannot remix: remix is part of the v1 videos API (azure-sora2 or openai).");
            return;
        }
        let Some(row) = self.jobs.selected_row() else {
            self.warn_no_job("No job to remix: generate a video first.");
            return;
        };
        let done = row
            .steps
            .last()
            .is_some_and(|s| s.status == sora_core::providers::JobStatus::Succeeded);
        let Some(id) = row.job_id.clone().filter(|_| done) else {
            self.warn(format!(
                "{} has not finished: only a finished video can be remixed.",
                row.key
            ));
            return;
        };
        self.inform(format!(
            "Remix of {id}: type what to change, Enter sends it, Esc cancels."
        ));
        self.prompt.remix_of = Some(id);
        self.focus = Focus::Prompt;
    }

    /// A job failed before the service gave it an id (the create was refused): its prompt
    /// goes back into the field, unless the user has started typing another.
    pub(super) fn give_back_refused_prompt(&mut self, key: JobKey) -> bool {
        let created = self.jobs.row(key).is_some_and(|r| r.job_id.is_some());
        match &self.prompt.last_sent {
            Some((sent, text)) if *sent == key && !created && self.prompt.text().is_empty() => {
                self.prompt.input = PromptText::new(text);
                self.prompt.last_sent = None;
                true
            }
            _ => false,
        }
    }

    /// The editor closed: its text becomes the prompt (the file's last line break is the
    /// editor's, not the user's). A failed editor leaves the prompt as it was.
    pub(super) fn on_prompt_edited(&mut self, result: Result<String, String>) {
        match result {
            Ok(text) => {
                let text = text.trim_end_matches(['\n', '\r']);
                if text == self.prompt.text() {
                    self.inform("The prompt is unchanged.");
                    return;
                }
                self.prompt.history.forget_position();
                self.prompt.input = PromptText::new(text);
                self.focus = Focus::Prompt;
                let lines = self.prompt.input.lines().len();
                self.inform(format!(
                    "Prompt from the editor ({lines} line{}): Enter sends it.",
                    if lines == 1 { "" } else { "s" }
                ));
            }
            Err(reason) => self.warn(format!(
                "The editor did not run: {reason}. The prompt is as it was."
            )),
        }
    }

    /// Pasted text goes into the prompt as one prompt: its line breaks stay line breaks of
    /// the text, never Enter presses.
    pub(super) fn paste_into_prompt(&mut self, text: &str) {
        self.prompt.history.forget_position();
        self.prompt.input.insert_text(text);
    }
}

/// At most `max` characters of `text`, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// One step up or down inside `min..=max`, stopping at both ends; a value outside the range
/// snaps to the nearest end.
fn step_within(value: u32, min: u32, max: u32, forward: bool) -> u32 {
    if min > max {
        return value;
    }
    let value = value.clamp(min, max);
    match forward {
        true if value < max => value + 1,
        false if value > min => value - 1,
        _ => value,
    }
}

/// What a job was sent with, for its details: the model's parameters, or Sora's size, length
/// and variants; the reference image; the video a remix starts from.
fn sent_parameters(
    request: &sora_core::providers::GenerationRequest,
    remix_of: Option<&str>,
    catalogue: bool,
) -> String {
    if let Some(source) = remix_of {
        return format!("remix of {source}");
    }
    let mut text = if catalogue {
        let params: Vec<String> = request
            .params
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if params.is_empty() {
            "the model's defaults".to_string()
        } else {
            params.join(" ")
        }
    } else {
        format!(
            "{} {}s x{}",
            request.size, request.seconds, request.variants
        )
    };
    if let Some(image) = &request.image {
        text.push_str(&format!(" · first frame {}", image.display()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::step_within;

    #[test]
    fn steps_stop_at_both_ends() {
        assert_eq!(step_within(20, 1, 20, true), 20);
        assert_eq!(step_within(1, 1, 20, false), 1);
        assert_eq!(step_within(5, 1, 20, true), 6);
        assert_eq!(step_within(30, 1, 20, false), 19);
    }
}
