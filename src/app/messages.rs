//! The session's message log: every notice, warning and error the dashboard showed (and each
//! failed download attempt), with its time and level, kept in a bounded log the message overlay
//! shows in full and `s` saves. The one-line notice bar shows only the newest.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::SystemTime;

use super::{App, Effect, NoticeLevel};
use sora_core::download::{AttemptOutcome, Report};
use sora_core::engine::EngineEvent;

/// Older messages are dropped past this, so a long session keeps bounded memory.
pub const MAX_MESSAGES: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub at: SystemTime,
    pub level: NoticeLevel,
    pub text: String,
}

impl Message {
    /// `2026-05-01T12:00:00Z  error  text`: one line of the saved file, its control
    /// characters shown, never obeyed.
    pub fn file_line(&self) -> String {
        format!(
            "{}  {:<7}{}",
            sora_core::text::utc_time(self.at),
            self.level.word(),
            sora_core::text::one_line(&self.text)
        )
    }
}

#[derive(Debug, Clone, Default)]
pub struct MessageLog {
    entries: VecDeque<Message>,
    /// How many older messages were dropped to stay under [`MAX_MESSAGES`].
    dropped: u64,
}

impl MessageLog {
    pub fn push(&mut self, message: Message) {
        self.entries.push_back(message);
        while self.entries.len() > MAX_MESSAGES {
            self.entries.pop_front();
            self.dropped += 1;
        }
    }

    /// Oldest first.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &Message> + ExactSizeIterator {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The whole log as the saved file holds it: a header, then one line per message.
    pub fn file_text(&self, log_file: Option<&std::path::Path>) -> String {
        let mut text = String::from("# sora-tui messages of this session, oldest first\n");
        if let Some(path) = log_file {
            text.push_str(&format!(
                "# program log: {}\n",
                sora_core::text::one_line(&path.display().to_string())
            ));
        }
        if self.dropped > 0 {
            text.push_str(&format!("# {} older message(s) dropped\n", self.dropped));
        }
        for message in &self.entries {
            text.push_str(&message.file_line());
            text.push('\n');
        }
        text
    }
}

impl App {
    pub fn messages(&self) -> &MessageLog {
        &self.messages
    }

    /// Into the log only: the notice bar keeps what it shows.
    pub(super) fn log_message(&mut self, level: NoticeLevel, text: String) {
        self.messages.push(Message {
            at: self.now,
            level,
            text,
        });
    }

    /// A download attempt that failed (and will be retried, or gave up) goes into the log: the
    /// downloads panel scrolls it away, the log keeps it.
    pub(super) fn log_failed_attempt(&mut self, event: &EngineEvent) {
        let EngineEvent::Download {
            key,
            report: Report::Attempt(attempt),
        } = event
        else {
            return;
        };
        let what = match attempt.outcome {
            AttemptOutcome::WillRetry => "will retry",
            AttemptOutcome::GaveUp => "gave up",
            _ => return,
        };
        let status = attempt
            .status
            .map_or_else(|| "no answer".to_string(), |s| format!("HTTP {s}"));
        let request = attempt
            .request_id
            .as_ref()
            .map(|r| format!(" (request id {r})"))
            .unwrap_or_default();
        self.log_message(
            NoticeLevel::Warning,
            format!(
                "{} {} download attempt {}: {status}, {what}: {}{request}",
                key.job,
                key.variant.label(),
                attempt.number,
                attempt.detail
            ),
        );
    }

    /// `s` in the message log: the runtime writes the file (never `update`), then reports.
    pub(super) fn save_messages(&mut self) -> Vec<Effect> {
        let stamp = sora_core::text::utc_time(self.now).replace(':', "-");
        // Beside the program's log, where there is one.
        let dir = match self.settings.log_file.as_deref().and_then(|f| f.parent()) {
            Some(dir) => dir.to_path_buf(),
            None => self.settings.data_dir.join("logs"),
        };
        let path = dir.join(format!("messages-{stamp}.log"));
        let text = self.messages.file_text(self.settings.log_file.as_deref());
        self.inform(format!("Saving the message log to {}…", path.display()));
        vec![Effect::SaveMessages { path, text }]
    }

    /// The runtime's answer to [`Effect::SaveMessages`].
    pub(super) fn on_messages_saved(&mut self, result: Result<PathBuf, String>) {
        match result {
            Ok(path) => self.inform(format!(
                "Message log saved to {} (readable by you only)",
                path.display()
            )),
            Err(why) => self.warn(format!(
                "The message log was not saved: {why}. Check that the data directory is writable (SORA_TUI_DATA_DIR moves it)."
            )),
        }
    }
}
