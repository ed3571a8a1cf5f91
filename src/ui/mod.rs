//! Drawing. Every function here is a pure function of the state it is given: no I/O, no clock
//! (the time comes from `App::now`), no mutation. `render` lays out the screen and hands each
//! panel its area.

pub mod buckets;
pub mod details;
pub mod downloads;
pub mod filter;
pub mod fit;
pub mod format;
pub mod help;
pub mod messages;
pub mod modal;
pub mod notice;
pub mod pages;
pub mod param_form;
pub mod prompt;
pub mod theme;
pub mod theme_file;
pub mod timeline;
pub mod wrap;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

pub use theme::Theme;

use crate::app::keymap::{self, Action, KeyMap, Scope};
use crate::app::{App, Focus, Overlay, Page, ScrollLimits};

/// The header's `F1 help` at its right end, with its gap.
const HEADER_HINT_COLUMNS: usize = 10;

/// Below this the panels cannot show a useful line each, so a notice replaces them.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 20;

pub fn render(app: &App, theme: &Theme, frame: &mut Frame) {
    render_measured(app, theme, frame);
}

/// [`render`], saying how far each scrolled view drawn could go: the runtime hands that back
/// to the state as `Msg::Drawn` (how many lines a text wraps to is known only here).
pub fn render_measured(app: &App, theme: &Theme, frame: &mut Frame) -> ScrollLimits {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        render_too_small(area, theme, frame);
        return ScrollLimits::default();
    }
    let crate::app::layout::DashboardAreas {
        header,
        prompt: prompt_area,
        jobs: jobs_area,
        downloads: downloads_area,
        buckets: buckets_area,
        notice,
        hints,
    } = app.dashboard_areas(area);

    render_header(app, theme, frame, header);
    if app.page() != Page::Dashboard {
        let [_, page_area, notice, hints] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let doctor = match app.page() {
            Page::History => {
                pages::render_history(app, theme, frame, page_area);
                None
            }
            Page::Doctor => pages::render_doctor(app, theme, frame, page_area),
            Page::Dashboard => None,
        };
        notice::render_notice(app, theme, frame, notice);
        // A question over the page takes the keys, so its keys are the hints.
        // An overlay takes every key: only its own keys work, so only they are hints.
        let scopes = match (app.modal(), app.overlay()) {
            (Some(modal), _) => vec![modal.scope(), Scope::Global],
            (None, Some(overlay)) => vec![overlay.scope()],
            (None, None) if app.filter_editing() => vec![Scope::Filter],
            (None, None) if app.page() == Page::History => {
                filtered_first(app, vec![Scope::History, Scope::Global])
            }
            (None, None) => vec![Scope::Doctor, Scope::Global],
        };
        render_scope_hints(app.keymap(), &scopes, &[], theme, frame, hints);
        return ScrollLimits {
            doctor,
            ..overlays(app, theme, frame, area)
        };
    }
    let focus = app.focus();
    // The parameter form over the prompt has the keys then, and the cursor.
    let typing = focus == Focus::Prompt && !app.help_visible() && app.param_form().is_none();
    prompt::render_prompt(app, theme, frame, prompt_area, typing);
    timeline::render_timeline(app, theme, frame, jobs_area, focus == Focus::Jobs);
    downloads::render_downloads(app, theme, frame, downloads_area, focus == Focus::Downloads);
    buckets::render_buckets(app, theme, frame, buckets_area, focus == Focus::Buckets);
    notice::render_notice(app, theme, frame, notice);
    let modal_scope = app.modal().map(|m| m.scope());
    render_hints(app, modal_scope, theme, frame, hints);
    overlays(app, theme, frame, area)
}

/// The reading overlays, then text fields and questions, then help, over whatever page is drawn.
fn overlays(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) -> ScrollLimits {
    let overlay = match app.overlay() {
        Some(Overlay::Details { job, scroll }) => Some(details::render_details(
            app, job, scroll, theme, frame, area,
        )),
        Some(Overlay::Messages { scroll }) => {
            Some(messages::render_messages(app, scroll, theme, frame, area))
        }
        None => None,
    };
    param_form::render_param_form(app, theme, frame, area);
    modal::render_modal(app, theme, frame, area);
    let help = app
        .help_visible()
        .then(|| help::render_help(app, theme, frame, area));
    ScrollLimits {
        help,
        overlay,
        doctor: None,
    }
}

fn render_too_small(area: Rect, theme: &Theme, frame: &mut Frame) {
    let lines = vec![
        Line::styled("Terminal too small", theme.warning),
        Line::raw(format!("{}x{}", area.width, area.height)),
        Line::styled(format!("need {MIN_WIDTH}x{MIN_HEIGHT}"), theme.dim),
        Line::styled("Ctrl-C quits", theme.dim),
    ];
    let height = (lines.len() as u16).min(area.height);
    let top = area.y + area.height.saturating_sub(height) / 2;
    let centered = Rect::new(area.x, top, area.width, height);
    frame.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        centered,
    );
}

fn render_header(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let settings = app.settings();
    let mut spans = vec![
        Span::styled(" sora-tui ", theme.app_name),
        Span::styled("│ ", theme.dim),
        Span::styled(format::shown(&app.service_description()), theme.text),
    ];
    // The badge before the balances: on a narrow terminal, knowing it is a simulator matters more.
    let badge = settings
        .demo
        .then(|| Span::styled(" DEMO (simulator) ", theme.demo_badge));
    let count = settings.services.len();
    if count > 1 {
        let keys = app
            .keymap()
            .keys_label(Scope::Prompt, keymap::Action::NextService);
        let switch = Span::styled(
            format!(" ({}/{count}, {keys})", app.prompt().service + 1),
            theme.dim,
        );
        // Which of the services, and the key to switch, only where the badge still fits (the
        // help and the prompt's hints have the key).
        let room = usize::from(area.width).saturating_sub(HEADER_HINT_COLUMNS);
        let needed = fit::width(&spans)
            + switch.content.chars().count()
            + badge.as_ref().map_or(0, |b| 2 + b.content.chars().count());
        if needed <= room {
            spans.push(switch);
        }
    }
    if let Some(badge) = badge {
        spans.push(Span::raw("  "));
        spans.push(badge);
    }
    for (family, text) in app.accounts() {
        let name = match family {
            sora_core::providers::Family::Runway => "Runway",
            other => other.label(),
        };
        spans.push(Span::styled("  │ ", theme.dim));
        spans.push(Span::styled(
            format!("{name}: {}", format::shown(text)),
            theme.accent,
        ));
    }
    if let Some(note) = settings.demo_note.as_ref().filter(|_| settings.demo) {
        spans.push(Span::styled(format!("  {note}"), theme.dim));
    }
    let help_hint = Line::from(vec![
        Span::styled("F1", theme.key),
        Span::styled(" help ", theme.dim),
    ])
    .alignment(Alignment::Right);
    // The help hint keeps its own room: the header's text ends before it instead of under it.
    let hint_width = u16::try_from(help_hint.width()).unwrap_or(u16::MAX);
    let [text_area, hint_area] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(hint_width + 1)]).areas(area);
    frame.render_widget(Line::from(spans), text_area);
    frame.render_widget(help_hint, hint_area);
}

/// The focused panel's keys, then the ones that work everywhere.
fn render_hints(app: &App, modal: Option<Scope>, theme: &Theme, frame: &mut Frame, area: Rect) {
    let (keymap, focus, help_visible) = (app.keymap(), app.focus(), app.help_visible());
    let hidden = prompt_keys_hidden(app);
    let modal = modal.map(|scope| [scope, Scope::Global]);
    // An overlay takes every key: only its own keys work, so only they are hints.
    let overlay = app.overlay().map(|o| [o.scope()]);
    let panel = filtered_first(app, vec![focus.scope(), Scope::Browse, Scope::Global]);
    let scopes: &[Scope] = if help_visible {
        &[Scope::Help]
    } else if let Some(modal) = &modal {
        modal
    } else if app.param_form().is_some() {
        &[Scope::Form]
    } else if let Some(overlay) = &overlay {
        overlay
    } else if app.filter_editing() {
        // The field takes every key (but Ctrl-C): only its own keys are hints.
        &[Scope::Filter]
    } else if focus == Focus::Prompt {
        &[Scope::Prompt, Scope::Global]
    } else {
        &panel
    };
    render_scope_hints(keymap, scopes, &hidden, theme, frame, area);
}

/// A list narrowed by a kept filter: the key that clears it is the first hint.
fn filtered_first(app: &App, scopes: Vec<Scope>) -> Vec<Scope> {
    if app.list_narrowed() {
        std::iter::once(Scope::Filtered).chain(scopes).collect()
    } else {
        scopes
    }
}

/// The prompt keys that do nothing for the active service, left out of the hint bar (the help
/// lists every key): Sora's size, length and variants for a catalogue model, the catalogue's
/// model and parameter keys for Sora, the service key with one service.
fn prompt_keys_hidden(app: &App) -> Vec<Action> {
    let mut hidden = if app.prompt().model.is_some() {
        vec![
            Action::NextSize,
            Action::PrevSize,
            Action::MoreSeconds,
            Action::FewerSeconds,
            Action::MoreVariants,
            Action::FewerVariants,
        ]
    } else {
        vec![
            Action::NextModel,
            Action::NextParam,
            Action::PrevParam,
            Action::NextValue,
            Action::PrevValue,
        ]
    };
    if app.settings().services.len() < 2 {
        hidden.push(Action::NextService);
    }
    hidden
}

fn render_scope_hints(
    keymap: &KeyMap,
    scopes: &[Scope],
    hidden: &[Action],
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    // Moving around is what every list does (the help lists those keys): the bar keeps its
    // room for what this panel does, and shows only whole hints that fit.
    let moving = [
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::Left,
        Action::Right,
        // Choosing among transfers and copying are second thoughts: the help has them.
        Action::NextTransfer,
        Action::PrevTransfer,
        Action::CopyJobId,
        Action::CopyJobPath,
        Action::CopyJobUrl,
        Action::LoadServiceJobs,
    ];
    let width = usize::from(area.width);
    let hint = |binding: &keymap::Binding| {
        (
            keymap::join_keys(&binding.keys),
            format!(" {}", binding.action.hint()),
        )
    };
    let len = |(keys, what): &(String, String)| keys.chars().count() + what.chars().count();
    let shown: Vec<_> = scopes
        .iter()
        .flat_map(|scope| keymap.bindings_in(*scope))
        .filter(|b| !(b.scope == Scope::Prompt && hidden.contains(&b.action)))
        .filter(|b| !moving.contains(&b.action))
        // So is `/`, which every list has (the help lists it; a kept filter puts its Esc
        // first); the bucket browser's server search, its own, stays a hint.
        .filter(|b| b.action != Action::Filter)
        .collect();
    // The way out (back, quit) and how to find every other key always keep their room, at the
    // end: at 80 columns a panel's own keys would otherwise push them off the bar.
    let kept_last = [Action::Back, Action::ToggleHelp, Action::Quit];
    let mut last: Vec<(String, String)> = Vec::new();
    for action in kept_last {
        if let Some(binding) = shown.iter().find(|b| b.action == action) {
            last.push(hint(binding));
        }
    }
    let reserved: usize = last.iter().map(|h| 2 + len(h)).sum();
    let mut hints = Vec::new();
    let mut used = reserved;
    for binding in shown.iter().filter(|b| !kept_last.contains(&b.action)) {
        let h = hint(binding);
        let add = if hints.is_empty() {
            len(&h)
        } else {
            2 + len(&h)
        };
        if used + add > width {
            continue;
        }
        used += add;
        hints.push(h);
    }
    let mut spans = Vec::new();
    for (keys, what) in hints.into_iter().chain(last) {
        if !spans.is_empty() {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(keys, theme.key));
        spans.push(Span::styled(what, theme.dim));
    }
    frame.render_widget(Line::from(spans), area);
}

/// A bordered panel, highlighted when it has the focus: in the theme's focus style and with a
/// thick border, so the focus reads without colour too.
pub(crate) fn panel<'a>(title: impl Into<Line<'a>>, focused: bool, theme: &Theme) -> Block<'a> {
    let (border, kind) = if focused {
        (theme.border_focused, ratatui::widgets::BorderType::Thick)
    } else {
        (theme.border, ratatui::widgets::BorderType::Plain)
    };
    Block::bordered()
        .border_type(kind)
        .border_style(border)
        .title(title.into().style(theme.title))
}
