//! Every colour and emphasis the dashboard uses, resolved once into one struct. Panels ask the
//! theme for a role ("error", "dim"), never for a colour, so a built-in theme (dark, light,
//! no colour) or a theme file (`ui/theme_file.rs`) replaces the whole set in one place.

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
            // Plain blue is close to black on many dark terminals.
            info: Style::new().fg(Color::LightBlue),
            accent: Style::new().fg(Color::Magenta),
        }
    }
}

impl Theme {
    /// For terminals with a light background: dark colours on no background of their own
    /// (transparent terminals show theirs), a pale selection bar.
    pub fn light() -> Self {
        Self {
            app_name: Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
            demo_badge: Style::new()
                .fg(Color::Black)
                .bg(Color::LightYellow)
                .add_modifier(Modifier::BOLD),
            border: Style::new().fg(Color::Gray),
            border_focused: Style::new().fg(Color::Blue),
            title: Style::new().add_modifier(Modifier::BOLD),
            text: Style::new(),
            dim: Style::new().fg(Color::Rgb(110, 110, 110)),
            key: Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
            selected: Style::new()
                .bg(Color::Rgb(214, 222, 240))
                .add_modifier(Modifier::BOLD),
            ok: Style::new().fg(Color::Rgb(0, 120, 0)),
            warning: Style::new().fg(Color::Rgb(160, 90, 0)),
            error: Style::new()
                .fg(Color::Rgb(190, 0, 0))
                .add_modifier(Modifier::BOLD),
            info: Style::new().fg(Color::Rgb(0, 80, 170)),
            accent: Style::new().fg(Color::Rgb(140, 0, 140)),
        }
    }

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
        Self::no_color_or(get, Self::dark())
    }

    /// `theme`, unless `NO_COLOR` is set (to anything non-empty): that always wins.
    pub fn no_color_or(get: impl Fn(&str) -> Option<String>, theme: Theme) -> Self {
        match get("NO_COLOR") {
            Some(v) if !v.is_empty() => Self::no_color(),
            _ => theme,
        }
    }

    /// A built-in theme by name.
    pub fn named(name: &str) -> Option<Self> {
        match name {
            "dark" => Some(Self::dark()),
            "light" => Some(Self::light()),
            "no-color" => Some(Self::no_color()),
            _ => None,
        }
    }

    /// The style of a role by its name in a theme file, to change it.
    pub(super) fn role_mut(&mut self, role: &str) -> Option<&mut Style> {
        Some(match role {
            "app_name" => &mut self.app_name,
            "demo_badge" => &mut self.demo_badge,
            "border" => &mut self.border,
            "border_focused" => &mut self.border_focused,
            "title" => &mut self.title,
            "text" => &mut self.text,
            "dim" => &mut self.dim,
            "key" => &mut self.key,
            "selected" => &mut self.selected,
            "ok" => &mut self.ok,
            "warning" => &mut self.warning,
            "error" => &mut self.error,
            "info" => &mut self.info,
            "accent" => &mut self.accent,
            _ => return None,
        })
    }

    pub const ROLES: [&'static str; 14] = [
        "app_name",
        "demo_badge",
        "border",
        "border_focused",
        "title",
        "text",
        "dim",
        "key",
        "selected",
        "ok",
        "warning",
        "error",
        "info",
        "accent",
    ];
}

impl Default for Theme {
    fn default() -> Self {
        Self::dark()
    }
}
