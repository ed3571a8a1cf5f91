//! Keys and pastes: a key goes to an open modal first, then resolves through the keymap (global
//! keys, the page's or the focused panel's scope, then the browse keys) to an [`Action`], which
//! `perform` routes to the slice it concerns; unbound keys are text in the prompt.

use crossterm::event::{KeyEvent, KeyEventKind};

use super::buckets::BucketsPane;
use super::keymap::{Action, Scope};
use super::remote::Remote;
use super::{App, Effect, Focus, Page};
use sora_core::engine::Command;

/// How far PgUp/PgDn move the log; the view height is a render concern, so use a fixed step.
const PAGE_LINES: usize = 10;

impl App {
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        // Windows also reports releases; act on presses (and auto-repeat) only.
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        // An open text field or question takes every key, whoever raised it.
        if let Some(commands) = self.modal_key(&key) {
            return commands;
        }
        // So does an open `/` filter field: the list narrows as it is typed.
        if let Some(effects) = self.filter_key(&key) {
            return effects;
        }
        let global = self.keymap.action_in(Scope::Global, &key);
        if self.help_visible {
            return match global {
                Some(Action::QuitNow) => self.perform(Action::QuitNow),
                Some(Action::ToggleHelp) => self.perform(Action::CloseHelp),
                _ => match self.keymap.action_in(Scope::Help, &key) {
                    Some(
                        action @ (Action::Up
                        | Action::Down
                        | Action::PageUp
                        | Action::PageDown
                        | Action::Top
                        | Action::Bottom),
                    ) => {
                        self.help_scroll = scrolled(self.help_scroll, action);
                        Vec::new()
                    }
                    Some(action) => self.perform(action),
                    None => Vec::new(),
                },
            };
        }
        // The parameter form takes every key while it is open.
        if let Some(effects) = self.form_key(&key, global) {
            return effects;
        }
        // A reading overlay (job details, message log) takes every key while it is open.
        if let Some(effects) = self.overlay_key(&key, global) {
            return effects;
        }
        // Esc on a list narrowed by a kept filter clears it first.
        if global.is_none()
            && let Some(effects) = self.clear_kept_filter_key(&key)
        {
            return effects;
        }
        if let Some(scope) = self.page_scope() {
            let action = global.or_else(|| self.keymap.action_in(scope, &key));
            return match action {
                Some(action) => self.perform(action),
                None => Vec::new(),
            };
        }
        let typing = self.focus == Focus::Prompt;
        let action = global
            .or_else(|| self.keymap.action_in(self.focus.scope(), &key))
            .or_else(|| {
                (!typing)
                    .then(|| self.keymap.action_in(Scope::Browse, &key))
                    .flatten()
            });
        match action {
            Some(action) => self.perform(action),
            None if typing => {
                self.prompt.history.forget_position();
                self.prompt.input.handle_key(key);
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    pub(super) fn on_paste(&mut self, text: &str) {
        if self.paste_into_modal(text)
            || self.paste_into_filter(text)
            || (!self.help_visible && self.paste_into_form(text))
        {
            return;
        }
        if self.help_visible || self.overlay.is_some() || self.page != Page::Dashboard {
            self.inform("The paste was dropped: text goes into the prompt or an open text field.");
            return;
        }
        // Text has one place on the dashboard: a paste over a panel goes into the prompt (it
        // sends nothing; Enter does), rather than vanishing.
        if self.focus != Focus::Prompt {
            self.focus = Focus::Prompt;
            self.inform("Pasted into the prompt: Enter sends it, Esc leaves it.");
        }
        self.paste_into_prompt(text);
    }

    /// The keymap scope of the page on screen, unless it is the dashboard.
    fn page_scope(&self) -> Option<Scope> {
        match self.page {
            Page::Dashboard => None,
            Page::History => Some(Scope::History),
            Page::Doctor => Some(Scope::Doctor),
        }
    }

    pub(super) fn perform(&mut self, action: Action) -> Vec<Effect> {
        if self.page == Page::Doctor
            && matches!(
                action,
                Action::Up
                    | Action::Down
                    | Action::PageUp
                    | Action::PageDown
                    | Action::Top
                    | Action::Bottom
            )
        {
            self.doctor.scroll = scrolled(self.doctor.scroll, action);
            return Vec::new();
        }
        if self.page == Page::History {
            match action {
                Action::Up => {
                    self.history.move_selection(-1);
                    return Vec::new();
                }
                Action::Down => {
                    self.history.move_selection(1);
                    return Vec::new();
                }
                Action::PageUp | Action::PageDown | Action::Top | Action::Bottom => {
                    self.history.move_selection(match action {
                        Action::PageUp => -(PAGE_LINES as isize),
                        Action::PageDown => PAGE_LINES as isize,
                        Action::Top => isize::MIN / 2,
                        _ => isize::MAX / 2,
                    });
                    return Vec::new();
                }
                Action::Refresh => return vec![Effect::Engine(Command::LoadHistory)],
                Action::RetryDownload => return self.download_entry_again(),
                Action::Upload => return self.upload_entry(),
                Action::OpenVideo => return self.open_entry_video(),
                Action::CopyJobId | Action::CopyJobPath | Action::CopyJobUrl => {
                    return self.copy_from_entry(action);
                }
                _ => {}
            }
        }
        match action {
            Action::Quit => self.quit_or_ask(),
            Action::QuitNow => self.quit = true,
            Action::NextFocus => self.focus = self.focus.next(),
            Action::PrevFocus => self.focus = self.focus.previous(),
            Action::ToggleHelp => {
                self.help_visible = !self.help_visible;
                self.help_scroll = 0;
                self.help_commands_first = false;
            }
            Action::CloseHelp => self.help_visible = false,
            Action::ToggleMouse => return self.toggle_mouse(),
            Action::CommandLine => self.open_command_line(),
            Action::OlderPrompt => self.step_prompt_history(true),
            Action::NewerPrompt => self.step_prompt_history(false),
            Action::SearchPrompts => self.search_prompt_history(),
            Action::FocusPrompt => self.focus = Focus::Prompt,
            Action::FocusJobs => self.focus = Focus::Jobs,
            Action::FocusDownloads => self.focus = Focus::Downloads,
            Action::FocusBuckets => self.focus = Focus::Buckets,
            Action::LeavePrompt => {
                if self.prompt.remix_of.take().is_some() {
                    self.inform("Remix cancelled: Enter now generates a new video.");
                }
                self.focus = Focus::Jobs;
            }
            Action::Submit => return self.submit(),
            Action::NextSize | Action::PrevSize => {
                let forward = action == Action::NextSize;
                let allowed = self.allowed_sizes();
                self.prompt.step_size(&allowed, forward);
                // A smaller limit at the new size pulls the variant count down with it: said, so
                // the next job is not silently fewer videos than the user chose.
                let max = self.max_variants_at(self.prompt.size);
                if self.prompt.variants > max {
                    self.inform(format!(
                        "{} takes at most {max} variant(s): variants {} → {max}.",
                        self.prompt.size, self.prompt.variants
                    ));
                    self.prompt.variants = max;
                }
            }
            Action::MoreSeconds | Action::FewerSeconds => {
                let forward = action == Action::MoreSeconds;
                let allowed = self.sora_profile().seconds.clone();
                if !self.prompt.step_seconds(&allowed, forward) {
                    let end = if forward { "longest" } else { "shortest" };
                    self.inform(format!(
                        "{} s is the {end} this model takes.",
                        self.prompt.seconds
                    ));
                }
            }
            Action::MoreVariants | Action::FewerVariants => {
                let forward = action == Action::MoreVariants;
                let max = self.max_variants_at(self.prompt.size);
                if !self.prompt.step_variants(max, forward) {
                    self.inform(if forward {
                        format!("{max} variant(s) is the most at {}.", self.prompt.size)
                    } else {
                        "1 variant is the fewest.".to_string()
                    });
                }
            }
            Action::NextService => self.next_service(),
            Action::NextModel => self.next_model(),
            // In a prompt of several lines the arrows move between them, as in any editor.
            Action::NextParam | Action::PrevParam => {
                if !self.prompt.input.move_line(action == Action::PrevParam) {
                    self.select_param(action == Action::NextParam);
                }
            }
            Action::NewLine => {
                self.prompt.history.forget_position();
                self.prompt.input.insert_newline();
            }
            Action::EditExternally => return vec![Effect::EditPrompt(self.prompt.text())],
            Action::NextValue | Action::PrevValue => self.step_param(action == Action::NextValue),
            Action::EditParameters => self.open_param_form(),
            Action::Upload => return self.upload_selected_job(),
            Action::CancelDownload => return self.cancel_download(),
            Action::RetryDownload => return self.retry_selected_download(),
            Action::OpenVideo => return self.open_selected_video(),
            Action::LoadServiceJobs => return self.load_service_jobs(),
            Action::CopyJobId | Action::CopyJobPath | Action::CopyJobUrl => {
                return self.copy_from_selected_job(action);
            }
            Action::NextTransfer => self.downloads.select_transfer(1),
            Action::PrevTransfer => self.downloads.select_transfer(-1),
            Action::Remix => self.start_remix(),
            Action::DeleteJob => self.ask_delete_job(),
            Action::ShowHistory => {
                self.page = Page::History;
                self.history.records = Remote::Loading;
                return vec![Effect::Engine(Command::LoadHistory)];
            }
            Action::ShowDoctor => {
                self.page = Page::Doctor;
                return self.run_doctor(false);
            }
            Action::Back => self.page = Page::Dashboard,
            Action::RunDoctor => return self.run_doctor(false),
            Action::RunDoctorProbe => return self.run_doctor(true),
            Action::Rerun => self.rerun_selected(),
            Action::RemoveEntry => self.ask_remove(false),
            Action::RemoveEverything => self.ask_remove(true),
            Action::ShowDetails => self.open_details(),
            Action::ShowMessages => self.open_messages(),
            // Every list's own filter (the bucket browser's server search has its own key).
            Action::Filter if self.open_filter() => {}

            Action::Refresh => return self.refresh_buckets(),
            Action::Open => return self.open_in_buckets(),
            Action::Parent => return self.open_parent_folder(),
            Action::Left => self.buckets.pane = BucketsPane::Buckets,
            Action::Right => self.buckets.pane = BucketsPane::Objects,
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => {
                self.navigate(action);
                return self.next_page();
            }
            // The bucket browser's actions and its modals' keys.
            _ => return self.bucket_action(action),
        }
        Vec::new()
    }

    /// The help overlay's keys, for the focused context first (the page, or the panel with the
    /// focus), then what works everywhere.
    pub fn help_scopes(&self) -> Vec<Scope> {
        let first = match (self.overlay, self.page, self.focus) {
            _ if self.param_form.is_some() => vec![Scope::Form],
            (Some(overlay), _, _) => vec![overlay.scope()],
            (None, Page::History, _) => vec![Scope::History],
            (None, Page::Doctor, _) => vec![Scope::Doctor],
            (None, Page::Dashboard, focus) => vec![focus.scope()],
        };
        let mut scopes = first;
        // The list in front filters with `/`: the field's keys come next.
        if self.overlay.is_none() && self.filter_target().is_some() {
            scopes.extend([Scope::Filter, Scope::Filtered]);
        }
        for scope in [
            Scope::Browse,
            Scope::Global,
            Scope::Prompt,
            Scope::Jobs,
            Scope::Downloads,
            Scope::Buckets,
            Scope::Input,
            Scope::Confirm,
            Scope::History,
            Scope::Doctor,
            Scope::Details,
            Scope::Messages,
            Scope::Help,
            Scope::Filter,
            Scope::Filtered,
            Scope::Form,
        ] {
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        scopes
    }

    fn navigate(&mut self, action: Action) {
        let step: isize = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -(PAGE_LINES as isize),
            Action::PageDown => PAGE_LINES as isize,
            Action::Top => isize::MIN,
            _ => isize::MAX,
        };
        match self.focus {
            Focus::Prompt => {}
            Focus::Jobs => self.jobs.move_selection(step),
            Focus::Buckets => self.buckets.move_selection(step),
            Focus::Downloads => match action {
                Action::Top => self.downloads.scroll_to_top(),
                Action::Bottom => self.downloads.follow_tail(),
                // The log counts from the bottom: "up" means further from the tail.
                _ if step < 0 => self.downloads.scroll_up(step.unsigned_abs()),
                _ => self.downloads.scroll_down(step.unsigned_abs()),
            },
        }
    }
}

/// A scroll offset moved by a line or a page; the view clamps it to what there is.
fn scrolled(offset: u16, action: Action) -> u16 {
    let page = PAGE_LINES as u16;
    match action {
        Action::Up => offset.saturating_sub(1),
        Action::Down => offset.saturating_add(1),
        Action::PageUp => offset.saturating_sub(page),
        Action::PageDown => offset.saturating_add(page),
        Action::Top => 0,
        // As far as the text goes: the next frame's `Msg::Drawn` brings it back to the end.
        Action::Bottom => u16::MAX,
        _ => offset,
    }
}
