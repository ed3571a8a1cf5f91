//! Keys as data: which key does what, in which part of the dashboard. `App::update` resolves a
//! key press to an [`Action`] here, and the help overlay and the hint bar are drawn from the same
//! table, so they can never disagree with the behaviour. A config file can later override
//! bindings through [`KeyMap::rebind`] and [`KeyBinding::parse`].

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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
    // Bucket browser.
    Filter,
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
}

impl Action {
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
            Action::CommandLine => "command line (:download ID, :rm PATH, :upload FILE)",
            Action::Complete => "complete (command line)",
            Action::OlderPrompt => "earlier prompt",
            Action::NewerPrompt => "later prompt",
            Action::SearchPrompts => "find an earlier prompt with the typed text",
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
            Action::NextParam => "next model parameter",
            Action::PrevParam => "previous model parameter",
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
            Action::CancelDownload => "cancel the newest download (press twice)",
            Action::Filter => "filter by name",
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

pub fn join_keys(keys: &[KeyBinding]) -> String {
    keys.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("/")
}

impl Default for KeyMap {
    fn default() -> Self {
        use KeyCode::{
            BackTab, Backspace, Down, End, Enter, Esc, F, Home, Left, PageDown, PageUp, Right, Tab,
            Up,
        };
        let plain = KeyBinding::plain;
        let shift = |code| KeyBinding::new(code, KeyModifiers::SHIFT);
        let ch = KeyBinding::char;
        let alt = KeyBinding::alt;
        let ctrl = KeyBinding::ctrl;
        let table: Vec<(Scope, Action, Vec<KeyBinding>)> = vec![
            (Scope::Global, Action::QuitNow, vec![KeyBinding::ctrl('c')]),
            (Scope::Global, Action::NextFocus, vec![plain(Tab)]),
            (Scope::Global, Action::PrevFocus, vec![plain(BackTab)]),
            (Scope::Global, Action::ToggleHelp, vec![plain(F(1))]),
            (Scope::Global, Action::ShowHistory, vec![plain(F(5))]),
            (Scope::Global, Action::ShowDoctor, vec![plain(F(6))]),
            (Scope::Browse, Action::Quit, vec![ch('q')]),
            (Scope::Browse, Action::ToggleHelp, vec![ch('?')]),
            (Scope::Browse, Action::FocusPrompt, vec![ch('i'), ch('1')]),
            (Scope::Browse, Action::FocusJobs, vec![ch('2')]),
            (Scope::Browse, Action::FocusDownloads, vec![ch('3')]),
            (Scope::Browse, Action::FocusBuckets, vec![ch('4')]),
            (Scope::Browse, Action::ShowHistory, vec![ch('H')]),
            (Scope::Browse, Action::ShowDoctor, vec![ch('D')]),
            (Scope::Browse, Action::CommandLine, vec![ch(':')]),
            (Scope::Global, Action::ToggleMouse, vec![plain(F(12))]),
            (Scope::Browse, Action::ToggleMouse, vec![ch('M')]),
            (Scope::Prompt, Action::Submit, vec![plain(Enter)]),
            (Scope::Prompt, Action::LeavePrompt, vec![plain(Esc)]),
            (Scope::Prompt, Action::NextSize, vec![alt('s'), plain(F(2))]),
            (Scope::Prompt, Action::PrevSize, vec![alt('S'), shift(F(2))]),
            (
                Scope::Prompt,
                Action::MoreSeconds,
                vec![alt('d'), plain(F(3))],
            ),
            (
                Scope::Prompt,
                Action::FewerSeconds,
                vec![alt('D'), shift(F(3))],
            ),
            (
                Scope::Prompt,
                Action::MoreVariants,
                vec![alt('v'), plain(F(4))],
            ),
            (
                Scope::Prompt,
                Action::FewerVariants,
                vec![alt('V'), shift(F(4))],
            ),
            (
                Scope::Prompt,
                Action::NextService,
                vec![alt('p'), plain(F(7))],
            ),
            (
                Scope::Prompt,
                Action::NextModel,
                vec![alt('m'), plain(F(8))],
            ),
            (Scope::Prompt, Action::NextParam, vec![plain(Down)]),
            (Scope::Prompt, Action::PrevParam, vec![plain(Up)]),
            (
                Scope::Prompt,
                Action::NextValue,
                vec![alt('.'), plain(F(9))],
            ),
            (
                Scope::Prompt,
                Action::PrevValue,
                vec![alt(','), shift(F(9))],
            ),
            (Scope::Prompt, Action::OlderPrompt, vec![ctrl('p')]),
            (Scope::Prompt, Action::NewerPrompt, vec![ctrl('n')]),
            (Scope::Prompt, Action::SearchPrompts, vec![ctrl('r')]),
            (Scope::Jobs, Action::Up, vec![plain(Up), ch('k')]),
            (Scope::Jobs, Action::Down, vec![plain(Down), ch('j')]),
            (Scope::Jobs, Action::Top, vec![plain(Home), ch('g')]),
            (Scope::Jobs, Action::Bottom, vec![plain(End), ch('G')]),
            (Scope::Jobs, Action::PageUp, vec![plain(PageUp), ctrl('u')]),
            (
                Scope::Jobs,
                Action::PageDown,
                vec![plain(PageDown), ctrl('d')],
            ),
            (Scope::Jobs, Action::Upload, vec![ch('u')]),
            (Scope::Jobs, Action::Remix, vec![ch('m')]),
            (Scope::Jobs, Action::DeleteJob, vec![ch('x')]),
            (Scope::Downloads, Action::Up, vec![plain(Up), ch('k')]),
            (Scope::Downloads, Action::Down, vec![plain(Down), ch('j')]),
            (
                Scope::Downloads,
                Action::PageUp,
                vec![plain(PageUp), ctrl('u')],
            ),
            (
                Scope::Downloads,
                Action::PageDown,
                vec![plain(PageDown), ctrl('d')],
            ),
            (Scope::Downloads, Action::Top, vec![plain(Home), ch('g')]),
            (Scope::Downloads, Action::Bottom, vec![plain(End), ch('G')]),
            (Scope::Downloads, Action::Upload, vec![ch('u')]),
            (Scope::Downloads, Action::CancelDownload, vec![ch('c')]),
            (Scope::Buckets, Action::Up, vec![plain(Up), ch('k')]),
            (Scope::Buckets, Action::Down, vec![plain(Down), ch('j')]),
            (Scope::Buckets, Action::Left, vec![plain(Left), ch('h')]),
            (Scope::Buckets, Action::Right, vec![plain(Right), ch('l')]),
            (Scope::Buckets, Action::Open, vec![plain(Enter)]),
            (Scope::Buckets, Action::Parent, vec![plain(Backspace)]),
            (Scope::Buckets, Action::Refresh, vec![ch('r')]),
            (Scope::History, Action::Up, vec![plain(Up), ch('k')]),
            (Scope::History, Action::Down, vec![plain(Down), ch('j')]),
            (Scope::History, Action::Rerun, vec![plain(Enter)]),
            (Scope::History, Action::RemoveEntry, vec![ch('x')]),
            (Scope::History, Action::RemoveEverything, vec![ch('X')]),
            (Scope::History, Action::Refresh, vec![ch('r')]),
            (Scope::History, Action::Top, vec![plain(Home), ch('g')]),
            (Scope::History, Action::Bottom, vec![plain(End), ch('G')]),
            (
                Scope::History,
                Action::PageUp,
                vec![plain(PageUp), ctrl('u')],
            ),
            (
                Scope::History,
                Action::PageDown,
                vec![plain(PageDown), ctrl('d')],
            ),
            (Scope::History, Action::Back, vec![plain(Esc), ch('q')]),
            (Scope::Doctor, Action::RunDoctor, vec![ch('r')]),
            (Scope::Doctor, Action::RunDoctorProbe, vec![ch('p')]),
            (Scope::Doctor, Action::Back, vec![plain(Esc), ch('q')]),
            (Scope::Doctor, Action::Up, vec![plain(Up), ch('k')]),
            (Scope::Doctor, Action::Down, vec![plain(Down), ch('j')]),
            (Scope::Doctor, Action::Top, vec![plain(Home), ch('g')]),
            (
                Scope::Doctor,
                Action::PageUp,
                vec![plain(PageUp), ctrl('u')],
            ),
            (
                Scope::Doctor,
                Action::PageDown,
                vec![plain(PageDown), ctrl('d')],
            ),
            (Scope::History, Action::ToggleHelp, vec![ch('?')]),
            (Scope::Doctor, Action::ToggleHelp, vec![ch('?')]),
            (Scope::Help, Action::Up, vec![plain(Up), ch('k')]),
            (Scope::Help, Action::Down, vec![plain(Down), ch('j')]),
            (Scope::Help, Action::PageUp, vec![plain(PageUp), ctrl('u')]),
            (
                Scope::Help,
                Action::PageDown,
                vec![plain(PageDown), ch(' '), ctrl('d')],
            ),
            (Scope::Help, Action::Top, vec![plain(Home), ch('g')]),
            (
                Scope::Buckets,
                Action::PageUp,
                vec![plain(PageUp), ctrl('u')],
            ),
            (
                Scope::Buckets,
                Action::PageDown,
                vec![plain(PageDown), ctrl('d')],
            ),
            (Scope::Buckets, Action::Top, vec![plain(Home)]),
            (Scope::Buckets, Action::Bottom, vec![plain(End), ch('G')]),
            (Scope::Buckets, Action::Filter, vec![ch('/')]),
            (Scope::Buckets, Action::Sort, vec![ch('s')]),
            (Scope::Buckets, Action::ReverseOrder, vec![ch('o')]),
            (Scope::Buckets, Action::UploadFile, vec![ch('u')]),
            (Scope::Buckets, Action::DownloadObject, vec![ch('d')]),
            (Scope::Buckets, Action::CopyPublicUrl, vec![ch('y')]),
            (Scope::Buckets, Action::SignedUrl, vec![ch('g')]),
            (Scope::Buckets, Action::Rename, vec![ch('m')]),
            (Scope::Buckets, Action::CopyTo, vec![ch('K')]),
            (Scope::Buckets, Action::FolderTotals, vec![ch('t')]),
            (
                Scope::Buckets,
                Action::Delete,
                vec![ch('x'), plain(KeyCode::Delete)],
            ),
            (Scope::Buckets, Action::CreateBucket, vec![ch('c')]),
            (Scope::Buckets, Action::CreatePublicBucket, vec![ch('C')]),
            (Scope::Buckets, Action::TogglePublic, vec![ch('p')]),
            (Scope::Buckets, Action::FixBuckets, vec![ch('f')]),
            (Scope::Input, Action::Confirm, vec![plain(Enter)]),
            (Scope::Input, Action::Cancel, vec![plain(Esc)]),
            (Scope::Input, Action::Complete, vec![plain(Tab)]),
            // Only `y` says yes: Enter, the reflex key, is the safe answer.
            (Scope::Confirm, Action::Confirm, vec![ch('y')]),
            (
                Scope::Confirm,
                Action::Cancel,
                vec![ch('n'), plain(Esc), plain(Enter)],
            ),
            (
                Scope::Help,
                Action::CloseHelp,
                vec![plain(Esc), ch('?'), plain(F(1)), ch('q')],
            ),
        ];
        Self {
            bindings: table
                .into_iter()
                .map(|(scope, action, keys)| Binding {
                    scope,
                    action,
                    keys,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
