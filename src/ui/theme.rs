//! Every colour and emphasis the dashboard uses, resolved once into one struct. Panels ask the
//! theme for a role ("error", "dim"), never for a colour, so a config file or a light theme can
//! later replace the whole set in one place.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub app_name: Style,
    pub demo_badge: Style,
    pub border: Style,
    pub border_focused: Style,
    pub title: Style,
    pub text: Style,
    pub dim: Style,
    pub key: Style,
    pub selected: Style,
    pub ok: Style,
    pub warning: Style,
    pub error: Style,
    pub info: Style,
    pub accent: Style,
}

impl Theme {
    /// For terminals with a dark background (the common case).
    pub fn dark() -> Self {
        Self {
            app_name: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            demo_badge: Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            border: Style::new().fg(Color::DarkGray),
            border_focused: Style::new().fg(Color::Cyan),
            title: Style::new().add_modifier(Modifier::BOLD),
            text: Style::new(),
            dim: Style::new().fg(Color::DarkGray),
            key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            selected: Style::new()
                .bg(Color::Rgb(40, 44, 60))
                .add_modifier(Modifier::BOLD),
            ok: Style::new().fg(Color::Green),
            warning: Style::new().fg(Color::Yellow),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            info: Style::new().fg(Color::Blue),
            accent: Style::new().fg(Color::Magenta),
        }
    }
}

impl Theme {
    /// For `NO_COLOR` (no-color.org): no colour at all. Selection and focus must still read,
    /// so they use reverse video and bold (and focused panels a thick border, in every theme).
    pub fn no_color() -> Self {
        let plain = Style::new();
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Self {
            app_name: bold,
            demo_badge: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            border: plain,
            border_focused: bold,
            title: bold,
            text: plain,
            dim: Style::new().add_modifier(Modifier::DIM),
            key: bold,
            selected: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            ok: plain,
            warning: bold,
            error: bold,
            info: plain,
            accent: Style::new().add_modifier(Modifier::UNDERLINED),
        }
    }

    /// The theme the environment asks for: `NO_COLOR` set to anything non-empty turns colour off.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Self {
        match get("NO_COLOR") {
            Some(v) if !v.is_empty() => Self::no_color(),
            _ => Self::dark(),
        }
    }
}

impl Default for Theme {
    fn default() -> Self {
        Self::dark()
    }
}
