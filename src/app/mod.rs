//! The dashboard's state and its only way to change: [`App::update`] takes a [`Msg`] (a key, a
//! resize, the clock, or an engine event) and returns the [`Effect`]s: [`Command`]s for the
//! engine, and what only the terminal can do (the clipboard). It never awaits and never touches
//! the terminal; `ui::render` draws whatever state it leaves.

pub mod buckets;
pub mod command_line;
mod default_keys;
pub mod details;
pub mod details_rows;
pub mod downloads;
mod effect;
mod folders;
mod history_actions;
mod inflight;
mod input;
mod job_actions;
pub mod jobs;
mod keybinding;
pub mod keyconfig;
pub mod keymap;
pub mod layout;
pub mod list_filter;
pub mod messages;
pub mod modal;
mod mouse;
mod notify;
pub mod pages;
pub mod param_form;
pub mod preview;
pub mod prompt;
pub mod prompt_history;
pub mod prompt_text;
pub mod reading;
mod remote;
mod service_jobs;
mod services;
pub mod settings;
mod transfers;
mod update;

use std::time::SystemTime;

use crossterm::event::{KeyEvent, MouseEvent};

pub use buckets::{BucketsPane, BucketsState, ObjectsLocation, SortMode};
pub use details::{Overlay, Scroll, ScrollLimits};
pub use downloads::{DownloadLog, LogEntry};
pub use effect::Effect;
pub use inflight::{InFlight, Phase, TransferKey};
pub use jobs::{DownloadedFile, JobEnd, JobRow, JobsState, StatusStep, UploadState};
pub use list_filter::{FilterTarget, ListFilter};
pub use messages::{Message, MessageLog};
pub use modal::{Asked, InputPurpose, Modal, OnYes, Question, Submission};
pub use pages::{DoctorState, HistoryState, Page};
pub use param_form::{Checked, FieldView, FormView};
pub use prompt::PromptState;
pub use remote::Remote;
pub use services::ParamView;
pub use settings::{AppSettings, ServiceChoice, ServiceModels};

use keymap::{KeyMap, Scope};
use sora_core::engine::{Command, EngineEvent, JobKey};

/// Everything that can change the dashboard.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    /// A click or a wheel notch (moves are not sent: they would cost redraws for nothing).
    Mouse(MouseEvent),
    /// Bracketed paste into the prompt.
    Paste(String),
    Resize {
        width: u16,
        height: u16,
    },
    /// The current time. The runtime sends it before each batch and on animation ticks; state
    /// never reads the clock itself, so tests choose the time.
    Clock(SystemTime),
    Engine(EngineEvent),
    /// The runtime wrote the message log (`Effect::SaveMessages`): where, or why not.
    MessagesSaved(Result<std::path::PathBuf, String>),
    /// What the editor left in the prompt's file (`Effect::EditPrompt`), or why it did not run.
    PromptEdited(Result<String, String>),
    /// A job's thumbnail, decoded by the runtime (see `Effect::LoadPreview`).
    Preview {
        job: JobKey,
        preview: preview::Preview,
    },
    /// How far the scrolled views of the frame just drawn could go (see [`ScrollLimits`]).
    Drawn(ScrollLimits),
}

impl From<EngineEvent> for Msg {
    fn from(event: EngineEvent) -> Self {
        Msg::Engine(event)
    }
}

/// The panel that receives keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Prompt,
    Jobs,
    Downloads,
    Buckets,
}

impl Focus {
    pub const ORDER: [Focus; 4] = [Focus::Prompt, Focus::Jobs, Focus::Downloads, Focus::Buckets];

    pub fn next(self) -> Self {
        self.offset(1)
    }

    pub fn previous(self) -> Self {
        self.offset(Self::ORDER.len() - 1)
    }

    fn offset(self, by: usize) -> Self {
        let index = Self::ORDER.iter().position(|f| *f == self).unwrap_or(0);
        Self::ORDER[(index + by) % Self::ORDER.len()]
    }

    /// The keymap scope of this panel's own keys.
    pub fn scope(self) -> Scope {
        match self {
            Focus::Prompt => Scope::Prompt,
            Focus::Jobs => Scope::Jobs,
            Focus::Downloads => Scope::Downloads,
            Focus::Buckets => Scope::Buckets,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeLevel {
    Info,
    /// Kept in the message log only (a failed download attempt that is retried).
    Warning,
    Error,
}

impl NoticeLevel {
    /// How the saved message log names the level.
    pub fn word(self) -> &'static str {
        match self {
            NoticeLevel::Info => "info",
            NoticeLevel::Warning => "warning",
            NoticeLevel::Error => "error",
        }
    }
}

/// The last thing the dashboard wants the user to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub level: NoticeLevel,
    pub text: String,
}

pub struct App {
    settings: AppSettings,
    keymap: KeyMap,
    now: SystemTime,
    focus: Focus,
    help_visible: bool,
    /// Lines of the help overlay scrolled off its top.
    help_scroll: u16,
    /// The help was opened by `:help`: the command line's verbs come first.
    help_commands_first: bool,
    quit: bool,
    notice: Option<Notice>,
    /// The text field or question over everything, and the questions waiting their turn.
    modals: modal::Modals,
    next_job: u64,
    /// When the last prompt was sent: a second submit right after it asks first.
    last_submit_at: Option<SystemTime>,
    prompt: PromptState,
    jobs: JobsState,
    downloads: DownloadLog,
    buckets: BucketsState,
    page: Page,
    history: HistoryState,
    doctor: DoctorState,
    /// What each service said about its account, for the header.
    accounts: Vec<(sora_core::providers::Family, String)>,
    /// The job details or the message log, drawn over everything but a question.
    overlay: Option<Overlay>,
    /// Every notice of the session, for the message log.
    messages: MessageLog,
    /// Jobs that ended while nobody looked at the jobs panel: (job, succeeded).
    ended_unseen: Vec<(JobKey, bool)>,
    /// The terminal's size, for resolving a click against the layout.
    size: ratatui::layout::Rect,
    /// Clicks and the wheel are the dashboard's (else the terminal's, to select text).
    mouse: bool,
    /// The parameter form over the dashboard, while it is open.
    param_form: Option<param_form::ParamForm>,
    /// How far `S` has read the service's own job list, so the next `S` loads the next page.
    service_list: Option<service_jobs::ServiceList>,
}

impl App {
    pub fn new(settings: AppSettings) -> Self {
        let keymap = settings.keymap.clone();
        Self::with_keymap(settings, keymap)
    }

    pub fn with_keymap(settings: AppSettings, keymap: KeyMap) -> Self {
        let settings_mouse = settings.mouse;
        Self {
            prompt: PromptState::new(&settings),
            settings,
            keymap,
            now: SystemTime::UNIX_EPOCH,
            focus: Focus::Prompt,
            help_visible: false,
            help_scroll: 0,
            help_commands_first: false,
            quit: false,
            notice: None,
            modals: modal::Modals::default(),
            next_job: 1,
            last_submit_at: None,
            jobs: JobsState::default(),
            downloads: DownloadLog::default(),
            buckets: BucketsState::default(),
            page: Page::Dashboard,
            history: HistoryState::default(),
            doctor: DoctorState::default(),
            accounts: Vec::new(),
            overlay: None,
            messages: MessageLog::default(),
            ended_unseen: Vec::new(),
            size: ratatui::layout::Rect::default(),
            mouse: settings_mouse,
            param_form: None,
            service_list: None,
        }
    }

    /// The effects to run on start: list the buckets, and resume what an earlier run left.
    pub fn init(&mut self) -> Vec<Effect> {
        self.buckets.buckets = Remote::Loading;
        let mut commands = vec![Effect::Engine(Command::ListBuckets)];
        commands.extend(self.account_checks());
        let resume = std::mem::take(&mut self.settings.resume);
        if !resume.is_empty() {
            self.inform(format!(
                "Resuming {} unfinished job(s) from the journal",
                resume.len()
            ));
        }
        for (journal_id, prompt) in resume {
            let key = JobKey(self.next_job);
            self.next_job += 1;
            self.jobs.row_or_insert(key, &prompt).journal_id = Some(journal_id.clone());
            commands.push(Effect::Engine(Command::Resume { key, journal_id }));
        }
        commands
    }

    pub fn page(&self) -> Page {
        self.page
    }

    pub fn history(&self) -> &HistoryState {
        &self.history
    }

    pub fn doctor(&self) -> &DoctorState {
        &self.doctor
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Something on screen moves by itself (a spinner, a live elapsed time, a retry
    /// countdown, a question about to take keys), so the runtime should keep ticking;
    /// otherwise it sleeps until an event.
    pub fn is_animating(&self) -> bool {
        self.jobs.any_active()
            || self.downloads.has_pending_retry(self.now)
            || self.downloads.transfer_moving(self.now)
            || self.modal().is_some_and(|m| m.waiting(self.now))
    }

    pub fn settings(&self) -> &AppSettings {
        &self.settings
    }

    pub fn keymap(&self) -> &KeyMap {
        &self.keymap
    }

    pub fn now(&self) -> SystemTime {
        self.now
    }

    pub fn focus(&self) -> Focus {
        self.focus
    }

    /// Whether the dashboard takes the mouse (the runtime asks the terminal for it).
    pub fn mouse(&self) -> bool {
        self.mouse
    }

    /// Where each panel is on a screen of `area`: the prompt as tall as its text needs.
    pub fn dashboard_areas(&self, area: ratatui::layout::Rect) -> layout::DashboardAreas {
        let rows = layout::prompt_text_rows(self.prompt.input.lines(), area);
        let focused = match self.focus {
            Focus::Jobs => Some(layout::ListPanel::Jobs),
            Focus::Downloads => Some(layout::ListPanel::Downloads),
            Focus::Buckets => Some(layout::ListPanel::Buckets),
            Focus::Prompt => None,
        };
        layout::dashboard_with_focus(area, rows, focused)
    }

    pub fn help_visible(&self) -> bool {
        self.help_visible
    }

    pub fn help_scroll(&self) -> u16 {
        self.help_scroll
    }

    /// Whether the help overlay lists the command line's verbs before the keys (`:help`).
    pub fn help_commands_first(&self) -> bool {
        self.help_commands_first
    }

    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    pub fn prompt(&self) -> &PromptState {
        &self.prompt
    }

    pub fn jobs(&self) -> &JobsState {
        &self.jobs
    }

    pub fn downloads(&self) -> &DownloadLog {
        &self.downloads
    }

    pub fn buckets(&self) -> &BucketsState {
        &self.buckets
    }

    /// The key the next submitted prompt will get.
    pub fn next_job_key(&self) -> JobKey {
        JobKey(self.next_job)
    }

    pub fn notice_is_error(&self) -> bool {
        self.notice
            .as_ref()
            .is_some_and(|n| n.level == NoticeLevel::Error)
    }

    fn inform(&mut self, text: impl Into<String>) {
        self.notify_user(NoticeLevel::Info, text.into());
    }

    fn warn(&mut self, text: impl Into<String>) {
        self.notify_user(NoticeLevel::Error, text.into());
    }

    /// The notice bar shows it; the message log keeps it.
    fn notify_user(&mut self, level: NoticeLevel, text: String) {
        self.log_message(level, text.clone());
        self.notice = Some(Notice { level, text });
    }
}
