//! Earlier prompts, from the journal (every job ever sent) and this session: Ctrl-p and Ctrl-n
//! step through them, Ctrl-r finds older ones containing what is typed.

use super::prompt_text::PromptText;

use super::App;

/// At most this many prompts are kept (the newest).
const MAX_ENTRIES: usize = 1000;

#[derive(Debug, Clone, Default)]
pub struct PromptHistory {
    /// Oldest first, no two equal neighbours.
    entries: Vec<String>,
    /// The entry in the field, while stepping or searching.
    at: Option<usize>,
    /// What was typed before stepping started (Ctrl-n past the newest brings it back), and
    /// what Ctrl-r searches for.
    draft: String,
}

impl PromptHistory {
    pub fn new(prompts: impl IntoIterator<Item = String>) -> Self {
        let mut history = Self::default();
        for prompt in prompts {
            history.push(prompt);
        }
        history
    }

    pub fn push(&mut self, prompt: String) {
        if prompt.trim().is_empty() || self.entries.last() == Some(&prompt) {
            return;
        }
        self.entries.push(prompt);
        if self.entries.len() > MAX_ENTRIES {
            self.entries.remove(0);
        }
        self.at = None;
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The field was edited by hand: the next step starts from the newest again.
    pub fn forget_position(&mut self) {
        self.at = None;
    }
}

impl App {
    /// Ctrl-p (older) and Ctrl-n (newer).
    pub(super) fn step_prompt_history(&mut self, older: bool) {
        let history = &mut self.prompt.history;
        if history.is_empty() {
            self.inform("No earlier prompt yet: the journal has none.");
            return;
        }
        if history.at.is_none() {
            history.draft = self.prompt.input.value();
        }
        let next = match (history.at, older) {
            (None, true) => Some(history.entries.len() - 1),
            (None, false) => None,
            (Some(0), true) => Some(0),
            (Some(i), true) => Some(i - 1),
            (Some(i), false) if i + 1 < history.entries.len() => Some(i + 1),
            (Some(_), false) => None,
        };
        history.at = next;
        let text = match next {
            Some(i) => history.entries[i].clone(),
            None => history.draft.clone(),
        };
        let position = next.map(|i| format!("{} of {}", i + 1, history.entries.len()));
        self.prompt.input = PromptText::new(&text);
        match position {
            Some(position) => self.inform(format!(
                "Earlier prompt {position} (Ctrl-p older, Ctrl-n newer)"
            )),
            None => self.inform("Back to what you typed."),
        }
    }

    /// Ctrl-r: the next older prompt containing the text typed before the search began.
    pub(super) fn search_prompt_history(&mut self) {
        let history = &mut self.prompt.history;
        if history.at.is_none() {
            history.draft = self.prompt.input.value();
        }
        let needle = history.draft.to_lowercase();
        let before = history.at.unwrap_or(history.entries.len());
        let found = history.entries[..before]
            .iter()
            .rposition(|p| p.to_lowercase().contains(&needle));
        match found {
            Some(i) => {
                history.at = Some(i);
                let text = history.entries[i].clone();
                self.prompt.input = PromptText::new(&text);
                let needle = self.prompt.history.draft.clone();
                self.inform(format!(
                    "Earlier prompt with '{needle}' (Ctrl-r: an older one)"
                ));
            }
            None => {
                let needle = history.draft.clone();
                self.inform(format!("No older prompt contains '{needle}'."));
            }
        }
    }
}
