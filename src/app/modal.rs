//! The one small window over the dashboard or a page: a text field, or a yes/no question. It
//! belongs to the App, not to a panel: whoever raises it (the bucket browser, the history, a
//! submit), it takes every key while it is open, so nothing typed for it reaches the panel below.
//!
//! Questions are safe to meet by surprise. Only `y` answers yes; Enter, `n` and Esc keep
//! everything as it is. Keys typed before the user can have read a question are dropped: each
//! question ignores keys for a moment after it opens, and every key in that moment restarts the
//! wait. A question nobody asked for by a key (one raised by a server's answer, or by a burst of
//! pasted lines) waits longer, so someone typing into the prompt never answers it by accident.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime};

use crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::keymap::{Action, Scope};
use super::{App, Effect};
use sora_core::engine::Command;
use sora_core::providers::GenerationRequest;

/// Keys are ignored this long after a question the user asked for (by a key) opens: long
/// enough to drop typed-ahead keys and the rest of a burst, shorter than anyone reads it.
pub const READ_TIME: Duration = Duration::from_millis(300);
/// The same for a question that appeared by itself: the keyboard must rest this long (no key
/// at all) before the question takes one, so it cannot catch keys meant for something else.
pub const UNASKED_READ_TIME: Duration = Duration::from_millis(1000);

/// What a text field is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputPurpose {
    /// Local file to upload into the shown folder.
    UploadPath,
    NewBucket {
        public: bool,
    },
    /// New place of a file: `BUCKET/PATH`, a path alone staying in the bucket (a rename).
    Rename {
        from: String,
    },
    /// Where a copy, or the move of a folder, goes (`BUCKET/PATH`).
    TransferTo {
        kind: sora_core::storage::Transfer,
        from: String,
        folder: bool,
    },
    /// Seconds a signed URL stays valid.
    SignedExpiry {
        object_path: String,
    },
    /// Where to save a download.
    DownloadTo {
        object_path: String,
    },
    /// The server's search of the folder on screen: names starting with the text.
    ServerSearch,
    /// The `:` command line.
    CommandLine,
}

impl InputPurpose {
    pub fn title(&self) -> String {
        match self {
            InputPurpose::UploadPath => "Upload a local file (path)".into(),
            InputPurpose::NewBucket { public: true } => "New public bucket (name)".into(),
            InputPurpose::NewBucket { public: false } => "New private bucket (name)".into(),
            InputPurpose::Rename { from } => format!("Rename/move {from} to (BUCKET/PATH)"),
            InputPurpose::TransferTo { kind, from, folder } => format!(
                "{} {}{from} to (BUCKET/PATH)",
                if *kind == sora_core::storage::Transfer::Copy {
                    "Copy"
                } else {
                    "Move"
                },
                if *folder { "folder " } else { "" }
            ),
            InputPurpose::SignedExpiry { object_path } => {
                format!("Signed URL for {object_path}: valid for (seconds)")
            }
            InputPurpose::DownloadTo { object_path } => format!("Download {object_path} to"),
            InputPurpose::ServerSearch => {
                "Search the server: names starting with (empty: all)".into()
            }
            InputPurpose::CommandLine => super::command_line::hint(""),
        }
    }
}

/// Who raised a question; decides how long keys are ignored after it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// The user pressed a key for it (delete, make public, fix…).
    ByKey,
    /// It came up by itself: a server's answer, or a submit in a burst of keys.
    Unasked,
}

impl Asked {
    fn read_time(self) -> Duration {
        match self {
            Asked::ByKey => READ_TIME,
            Asked::Unasked => UNASKED_READ_TIME,
        }
    }
}

/// A prompt ready to go: a new video, or a remix of a finished one.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub request: GenerationRequest,
    pub remix_of: Option<String>,
    /// Typed in the prompt field (cleared once sent), not given on the `:` command line.
    pub from_field: bool,
}

/// What a yes does.
#[derive(Debug, Clone, PartialEq)]
pub enum OnYes {
    /// Send these commands.
    Send(Vec<Command>),
    /// Send the prompt that raised the question (a new, paid job).
    Submit(Submission),
    /// Quit while jobs run.
    Quit,
}

/// A yes/no question.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub text: String,
    pub on_yes: OnYes,
    pub asked: Asked,
    /// Keys before this instant are dropped; each dropped key moves it on.
    pub takes_keys_at: SystemTime,
}

impl Question {
    /// Whether a key at `now` is an answer (not one typed before the question could be read).
    pub fn takes_keys(&self, now: SystemTime) -> bool {
        now >= self.takes_keys_at
    }

    /// A key (or a paste) came too early: wait again from `now`.
    fn postpone(&mut self, now: SystemTime) {
        self.takes_keys_at = now + self.asked.read_time();
    }
}

/// A text field or a question.
#[derive(Debug, Clone)]
pub enum Modal {
    Input { purpose: InputPurpose, input: Input },
    Confirm(Question),
}

impl Modal {
    pub fn scope(&self) -> Scope {
        match self {
            Modal::Input { .. } => Scope::Input,
            Modal::Confirm(_) => Scope::Confirm,
        }
    }

    /// A question still ignoring keys at `now`.
    pub fn waiting(&self, now: SystemTime) -> bool {
        matches!(self, Modal::Confirm(q) if !q.takes_keys(now))
    }
}

/// The open modal and the questions that came up while it was open (shown one after another).
#[derive(Debug, Clone, Default)]
pub struct Modals {
    pub open: Option<Modal>,
    pub queued: VecDeque<Question>,
}

impl App {
    pub fn modal(&self) -> Option<&Modal> {
        self.modals.open.as_ref()
    }

    /// Keys while a modal is open: it takes them all (Ctrl-C still quits). `None` when no modal.
    pub(super) fn modal_key(&mut self, key: &KeyEvent) -> Option<Vec<Effect>> {
        let scope = self.modals.open.as_ref()?.scope();
        if self.keymap.action_in(Scope::Global, key) == Some(Action::QuitNow) {
            self.quit = true;
            return Some(Vec::new());
        }
        let action = self.keymap.action_in(scope, key);
        let now = self.now;
        let modal = self.modals.open.take()?;
        let commands = match (modal, action) {
            (Modal::Confirm(mut question), _) if !question.takes_keys(now) => {
                // Typed before the question could be read: dropped, and the wait starts over.
                question.postpone(now);
                self.modals.open = Some(Modal::Confirm(question));
                Vec::new()
            }
            (Modal::Confirm(question), Some(Action::Confirm)) => self.answer_yes(question.on_yes),
            (Modal::Input { purpose, input }, Some(Action::Confirm)) => {
                self.input_done(purpose, input.value().trim())
            }
            (
                Modal::Input {
                    purpose: InputPurpose::CommandLine,
                    mut input,
                },
                Some(Action::Complete),
            ) => {
                self.complete_command_line(&mut input);
                self.modals.open = Some(Modal::Input {
                    purpose: InputPurpose::CommandLine,
                    input,
                });
                Vec::new()
            }
            (_, Some(Action::Cancel)) => {
                self.inform("Cancelled: nothing was changed.");
                Vec::new()
            }
            (Modal::Input { purpose, mut input }, _) => {
                input.handle_event(&Event::Key(*key));
                self.modals.open = Some(Modal::Input { purpose, input });
                Vec::new()
            }
            (question @ Modal::Confirm(_), _) => {
                let yes = self.keymap.keys_label(Scope::Confirm, Action::Confirm);
                let no = self.keymap.keys_label(Scope::Confirm, Action::Cancel);
                self.inform(format!("Answer the question first: {yes} yes, {no} no."));
                self.modals.open = Some(question);
                Vec::new()
            }
        };
        self.open_next_question();
        Some(commands)
    }

    fn answer_yes(&mut self, on_yes: OnYes) -> Vec<Effect> {
        match on_yes {
            OnYes::Send(commands) => {
                self.inform("Working…");
                // Several storage actions on one yes: their results make one notice.
                let ops: Vec<_> = commands
                    .iter()
                    .filter_map(|c| match c {
                        Command::Storage(op) => Some(op.clone()),
                        _ => None,
                    })
                    .collect();
                if ops.len() > 1 {
                    self.start_batch(&ops);
                }
                commands.into_iter().map(Effect::Engine).collect()
            }
            OnYes::Submit(submission) => self.send_submission(submission),
            OnYes::Quit => {
                self.quit = true;
                Vec::new()
            }
        }
    }

    /// Bracketed paste into an open text field; a paste while a question is open is dropped
    /// (it is not an answer, and must not land in the prompt below). False when no modal.
    pub(super) fn paste_into_modal(&mut self, text: &str) -> bool {
        let now = self.now;
        match &mut self.modals.open {
            None => false,
            Some(Modal::Input { input, .. }) => {
                for c in text.chars().filter(|c| !c.is_control()) {
                    input.handle(tui_input::InputRequest::InsertChar(c));
                }
                true
            }
            Some(Modal::Confirm(question)) => {
                question.postpone(now);
                true
            }
        }
    }

    pub(super) fn open_input(&mut self, purpose: InputPurpose, value: &str) {
        self.show_modal(Modal::Input {
            purpose,
            input: Input::new(value.to_string()),
        });
    }

    /// A modal takes every key, so it must be what the user sees: the help, drawn over
    /// everything, closes (a question under it would answer keys meant for the help).
    fn show_modal(&mut self, modal: Modal) {
        self.help_visible = false;
        self.modals.open = Some(modal);
    }

    /// Ask before sending `on_yes`, a question raised by the key just pressed.
    pub(super) fn confirm(&mut self, question: String, on_yes: Vec<Command>) {
        self.ask(question, OnYes::Send(on_yes), Asked::ByKey);
    }

    /// Ask; a question that comes up while another modal is open waits its turn.
    pub(super) fn ask(&mut self, text: String, on_yes: OnYes, asked: Asked) {
        let question = Question {
            text,
            on_yes,
            asked,
            takes_keys_at: self.now + asked.read_time(),
        };
        if self.modals.open.is_some() {
            self.modals.queued.push_back(question);
        } else {
            self.show_modal(Modal::Confirm(question));
        }
    }

    /// The next waiting question, once nothing is open; its wait starts now, when it shows.
    fn open_next_question(&mut self) {
        if self.modals.open.is_some() {
            return;
        }
        if let Some(mut question) = self.modals.queued.pop_front() {
            question.postpone(self.now);
            self.show_modal(Modal::Confirm(question));
        }
    }
}
