//! Keys as data: which key does what, in which part of the dashboard. `App::update` resolves a
//! key press to an [`Action`] here, and the help overlay and the hint bar are drawn from the same
//! table, so they can never disagree with the behaviour. A config file can later override
//! bindings through [`KeyMap::rebind`] and [`KeyBinding::parse`].

use crossterm::event::KeyEvent;

pub use super::keybinding::KeyBinding;

/// Where a binding applies. Lookup order: `Global`, then the focused panel's scope, then
/// `Browse` (any panel except the prompt, where plain letters are text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Global,
    Browse,
    Prompt,
    Jobs,
    Downloads,
    Buckets,
    /// A text field of the bucket browser (upload path, bucket name, rename, expiry, filter).
    Input,
    /// A yes/no question before something is destroyed or changed.
    Confirm,
    Help,
    History,
    Doctor,
    /// The details of one job, over the dashboard.
    Details,
    /// The session's message log, over everything.
    Messages,
    /// The `/` filter field of a list (jobs, downloads, history, buckets, objects), while open.
    Filter,
    /// A list narrowed by a kept filter: its keys come first.
    Filtered,
    /// The model's parameters as a form, over the dashboard.
    Form,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "Anywhere",
            Scope::Browse => "Outside the prompt",
            Scope::Prompt => "Prompt",
            Scope::Jobs => "Jobs",
            Scope::Downloads => "Downloads",
            Scope::Buckets => "Buckets",
            Scope::Input => "Text field",
            Scope::Confirm => "Question",
            Scope::Help => "Help",
            Scope::History => "History",
            Scope::Doctor => "Doctor",
            Scope::Details => "Job details",
            Scope::Messages => "Message log",
            Scope::Filter => "Filter field (any list)",
            Scope::Filtered => "A filtered list",
            Scope::Form => "Parameter form",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    /// Ctrl-C: quit without a question, whatever runs (it resumes on the next start).
    QuitNow,
    NextFocus,
    PrevFocus,
    ToggleHelp,
    CloseHelp,
    ToggleMouse,
    CommandLine,
    Complete,
    OlderPrompt,
    NewerPrompt,
    SearchPrompts,
    /// A line break in the prompt (Enter itself sends it).
    NewLine,
    /// Edit the prompt in `$VISUAL`/`$EDITOR`.
    EditExternally,
    FocusPrompt,
    FocusJobs,
    FocusDownloads,
    FocusBuckets,
    LeavePrompt,
    Submit,
    NextSize,
    PrevSize,
    MoreSeconds,
    FewerSeconds,
    MoreVariants,
    FewerVariants,
    NextService,
    NextModel,
    NextParam,
    PrevParam,
    NextValue,
    PrevValue,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Left,
    Right,
    Open,
    Parent,
    Refresh,
    Upload,
    Remix,
    DeleteJob,
    CancelDownload,
    ShowHistory,
    ShowDoctor,
    Back,
    Rerun,
    RemoveEntry,
    RemoveEverything,
    RunDoctor,
    RunDoctorProbe,
    /// The `/` filter of any list, narrowed as it is typed.
    Filter,
    // Bucket browser.
    /// The server's search of the folder on screen (names starting with), for folders larger
    /// than what is loaded.
    ServerSearch,
    Sort,
    ReverseOrder,
    CreateBucket,
    CreatePublicBucket,
    TogglePublic,
    Delete,
    UploadFile,
    DownloadObject,
    CopyPublicUrl,
    SignedUrl,
    Rename,
    /// Copy an object or a folder (within the bucket or to another).
    CopyTo,
    /// Objects and bytes of a folder, all levels down.
    FolderTotals,
    FixBuckets,
    // Modals.
    Confirm,
    Cancel,
    // Transfers in flight and the selected job.
    NextTransfer,
    PrevTransfer,
    RetryDownload,
    OpenVideo,
    CopyJobId,
    CopyJobPath,
    CopyJobUrl,
    LoadServiceJobs,
    // Reading overlays.
    ShowDetails,
    ShowMessages,
    CloseOverlay,
    SaveMessages,
    // The `/` filter of a list.
    KeepFilter,
    ClearFilter,
    // The parameter form.
    EditParameters,
    NextField,
    PrevField,
    ApplyParameters,
    DiscardParameters,
}

impl Action {
    /// What the action does in the hint bar, where room is short: the description without its
    /// parenthesis (the help overlay has it whole).
    pub fn hint(self) -> &'static str {
        match self {
            Action::ToggleHelp => "help",
            _ => {
                let text = self.description();
                text.split_once(" (").map_or(text, |(short, _)| short)
            }
        }
    }

    /// What the action does, for the help overlay.
    pub fn description(self) -> &'static str {
        match self {
            Action::Quit => "quit (asks while jobs run)",
            Action::QuitNow => "quit now (running jobs resume on the next start)",
            Action::NextFocus => "next panel",
            Action::PrevFocus => "previous panel",
            Action::ToggleHelp => "toggle this help",
            Action::CloseHelp => "close help",
            Action::FocusPrompt => "edit the prompt",
            Action::ToggleMouse => "mouse on/off (off: the terminal selects text)",
            Action::CommandLine => "command line: headless verbs (:help lists them)",
            Action::Complete => "complete (command line)",
            Action::OlderPrompt => "earlier prompt",
            Action::NewerPrompt => "later prompt",
            Action::SearchPrompts => "find an earlier prompt with the typed text",
            Action::NewLine => "new line in the prompt",
            Action::EditExternally => "edit the prompt in $VISUAL / $EDITOR",
            Action::FocusJobs => "jobs panel",
            Action::FocusDownloads => "downloads panel",
            Action::FocusBuckets => "buckets panel",
            Action::LeavePrompt => "leave the prompt",
            Action::Submit => "generate",
            Action::NextSize => "next size",
            Action::PrevSize => "previous size",
            Action::MoreSeconds => "longer",
            Action::FewerSeconds => "shorter",
            Action::MoreVariants => "more variants",
            Action::FewerVariants => "fewer variants",
            Action::NextService => "next video service",
            Action::NextModel => "next model (Runway, fal.ai)",
            Action::NextParam => "next parameter / line",
            Action::PrevParam => "previous parameter / line",
            Action::NextValue => "parameter: next value",
            Action::PrevValue => "parameter: previous value",
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "first",
            Action::Bottom => "last / follow",
            Action::Left => "bucket list",
            Action::Right => "objects",
            Action::Open => "open bucket / folder",
            Action::Parent => "parent folder",
            Action::Refresh => "refresh",
            Action::Upload => "upload selected job",
            Action::Remix => "remix selected job",
            Action::DeleteJob => "cancel and delete the selected job on its service (asks)",
            Action::ShowHistory => "history",
            Action::ShowDoctor => "doctor",
            Action::Back => "back to the dashboard",
            Action::Rerun => "re-run: copy prompt and parameters",
            Action::RemoveEntry => "remove entry",
            Action::RemoveEverything => "remove entry, files and remote job",
            Action::RunDoctor => "run the checks again",
            Action::RunDoctorProbe => "run with an upload/delete probe",
            Action::CancelDownload => "cancel the selected transfer (partial kept)",
            Action::Filter => "filter by text",
            Action::ServerSearch => "search the server: names starting with",
            Action::Sort => "sort: name/updated/created/size",
            Action::ReverseOrder => "reverse order",
            Action::CreateBucket => "new private bucket",
            Action::CreatePublicBucket => "new public bucket",
            Action::TogglePublic => "make public/private",
            Action::Delete => "delete bucket/object/folder",
            Action::UploadFile => "upload a file here",
            Action::DownloadObject => "download object",
            Action::CopyPublicUrl => "copy public URL",
            Action::SignedUrl => "signed URL",
            Action::Rename => "rename/move (file or folder, to any bucket)",
            Action::CopyTo => "copy (file or folder, to any bucket)",
            Action::FolderTotals => "folder size and object count",
            Action::FixBuckets => "fix configured buckets",
            Action::Confirm => "confirm",
            Action::Cancel => "cancel",
            Action::NextTransfer => "select the next transfer in flight",
            Action::PrevTransfer => "select the previous transfer in flight",
            Action::RetryDownload => "download again (a partial file resumes)",
            Action::OpenVideo => "open the video in the system player",
            Action::CopyJobId => "copy the job's id",
            Action::CopyJobPath => "copy the job's file path",
            Action::CopyJobUrl => "copy the job's bucket URL",
            Action::LoadServiceJobs => "load the service's own jobs, a page at a time",
            Action::ShowDetails => "details: ids, every status, the full reason",
            Action::ShowMessages => "message log: every notice of the session",
            Action::CloseOverlay => "close",
            Action::SaveMessages => "save the message log to a file",
            Action::KeepFilter => "close the field, keep the filter",
            Action::ClearFilter => "clear the filter",
            Action::EditParameters => "parameter form: type, check and price every value",
            Action::NextField => "next field",
            Action::PrevField => "previous field",
            Action::ApplyParameters => "apply to the next job (when every value is valid)",
            Action::DiscardParameters => "discard the form's edits",
        }
    }
}

/// All keys of one action in one scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub scope: Scope,
    pub action: Action,
    pub keys: Vec<KeyBinding>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMap {
    bindings: Vec<Binding>,
}

impl KeyMap {
    /// The action bound to `event` in `scope`, if any.
    pub fn action_in(&self, scope: Scope, event: &KeyEvent) -> Option<Action> {
        self.bindings
            .iter()
            .filter(|b| b.scope == scope)
            .find(|b| b.keys.iter().any(|k| k.matches(event)))
            .map(|b| b.action)
    }

    /// Replace the keys of `action` in `scope` (adds the binding when it is new).
    pub fn rebind(&mut self, scope: Scope, action: Action, keys: Vec<KeyBinding>) {
        match self
            .bindings
            .iter_mut()
            .find(|b| b.scope == scope && b.action == action)
        {
            Some(binding) => binding.keys = keys,
            None => self.bindings.push(Binding {
                scope,
                action,
                keys,
            }),
        }
    }

    pub fn bindings_in(&self, scope: Scope) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(move |b| b.scope == scope)
    }

    /// The keys of `action` in `scope` joined for display (`Alt-s/F2`), empty when unbound.
    pub fn keys_label(&self, scope: Scope, action: Action) -> String {
        self.bindings_in(scope)
            .find(|b| b.action == action)
            .map(|b| join_keys(&b.keys))
            .unwrap_or_default()
    }
}

impl KeyMap {
    /// The first key of `action` in `scope` (`Alt-Enter`), for hints with no room for all.
    pub fn first_key_label(&self, scope: Scope, action: Action) -> String {
        self.bindings_in(scope)
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first())
            .map(ToString::to_string)
            .unwrap_or_default()
    }

    /// A keymap of exactly these bindings (the defaults are in `default_keys.rs`).
    pub fn from_bindings(bindings: Vec<Binding>) -> Self {
        Self { bindings }
    }
}

pub fn join_keys(keys: &[KeyBinding]) -> String {
    keys.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn shifted_characters_match_their_plain_binding() {
        let map = KeyMap::default();
        let question = key(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(
            map.action_in(Scope::Browse, &question),
            Some(Action::ToggleHelp)
        );
        let alt_upper_s = key(KeyCode::Char('S'), KeyModifiers::ALT | KeyModifiers::SHIFT);
        assert_eq!(
            map.action_in(Scope::Prompt, &alt_upper_s),
            Some(Action::PrevSize)
        );
        let alt_s = key(KeyCode::Char('s'), KeyModifiers::ALT);
        assert_eq!(map.action_in(Scope::Prompt, &alt_s), Some(Action::NextSize));
    }

    #[test]
    fn plain_letters_are_not_bound_in_the_prompt() {
        let map = KeyMap::default();
        let q = key(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(map.action_in(Scope::Prompt, &q), None);
        assert_eq!(map.action_in(Scope::Global, &q), None);
    }

    #[test]
    fn parse_and_display_round_trip() {
        for text in [
            "q",
            "Ctrl-c",
            "Alt-S",
            "F2",
            "Shift-F2",
            "Enter",
            "Esc",
            "PgUp",
            "Up",
            "Shift-Tab",
        ] {
            let binding = KeyBinding::parse(text).expect(text);
            assert_eq!(
                KeyBinding::parse(&binding.to_string()),
                Some(binding),
                "{text}"
            );
        }
        assert_eq!(KeyBinding::parse("Ctrl-"), None);
        assert_eq!(KeyBinding::parse("Fx"), None);
    }

    #[test]
    fn rebind_replaces_keys() {
        let mut map = KeyMap::default();
        map.rebind(Scope::Browse, Action::Quit, vec![KeyBinding::char('x')]);
        let q = key(KeyCode::Char('q'), KeyModifiers::NONE);
        let x = key(KeyCode::Char('x'), KeyModifiers::NONE);
        assert_eq!(map.action_in(Scope::Browse, &q), None);
        assert_eq!(map.action_in(Scope::Browse, &x), Some(Action::Quit));
    }
}
