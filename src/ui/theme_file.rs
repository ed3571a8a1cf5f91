//! Which theme the dashboard draws with: `[ui] theme` in the config (`dark`, `light`, `no-color`
//! or a theme file), else `theme.toml` beside the config file when there is one, else dark;
//! `NO_COLOR` beats them all. A theme file starts from a built-in theme and restyles roles:
//!
//! ```toml
//! base = "light"
//! [styles]
//! selected = { bg = "#d6def0", modifiers = ["bold"] }
//! error = { fg = "red" }
//! ```

use std::path::{Path, PathBuf};
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};

use super::Theme;

/// Why the theme could not be used; the message names the file and the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("theme {source_name}: {reason}")]
pub struct ThemeError {
    pub source_name: String,
    pub reason: String,
}

/// The largest theme file read: a theme is a few lines, never megabytes.
const MAX_THEME_BYTES: u64 = 64 * 1024;

/// The theme for `setting` (`[ui] theme`), with `config_file` locating relative paths and
/// the default `theme.toml`; `env` reads `NO_COLOR`.
pub fn resolve(
    setting: Option<&str>,
    config_file: Option<&Path>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Theme, ThemeError> {
    let dir = config_file
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .or_else(|| {
            sora_core::config::default_config_path()?
                .parent()
                .map(Path::to_path_buf)
        });
    let theme = match setting {
        Some(name) => match Theme::named(name) {
            Some(theme) => theme,
            None => read_file(&relative_to(dir.as_deref(), name))?,
        },
        None => match dir.map(|d| d.join("theme.toml")).filter(|p| p.is_file()) {
            Some(path) => read_file(&path)?,
            None => Theme::dark(),
        },
    };
    Ok(Theme::no_color_or(env, theme))
}

fn relative_to(dir: Option<&Path>, name: &str) -> PathBuf {
    let path = PathBuf::from(name);
    match dir {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path,
    }
}

/// Read a theme file: refused unless it is a small regular file of valid entries.
pub fn read_file(path: &Path) -> Result<Theme, ThemeError> {
    let fail = |reason: String| ThemeError {
        source_name: path.display().to_string(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| {
        fail(format!(
            "cannot be read ({e}); `[ui] theme` takes dark, light, no-color or a theme file"
        ))
    })?;
    if !meta.is_file() || meta.len() > MAX_THEME_BYTES {
        return Err(fail(format!(
            "is not a theme file (a regular file of at most {} KiB)",
            MAX_THEME_BYTES / 1024
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| fail(format!("cannot be read: {e}")))?;
    parse(&text).map_err(fail)
}

/// A theme file's text to a theme.
pub fn parse(text: &str) -> Result<Theme, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.message().to_string())?;
    let mut theme = Theme::dark();
    for (key, value) in &table {
        match (key.as_str(), value) {
            ("base", toml::Value::String(name)) => {
                theme = Theme::named(name).ok_or_else(|| {
                    format!("base \"{name}\" is no built-in theme: dark, light or no-color")
                })?;
            }
            ("styles", toml::Value::Table(_)) => {}
            _ => {
                return Err(format!(
                    "unknown entry `{key}`: a theme has `base` and `[styles]`"
                ));
            }
        }
    }
    if let Some(toml::Value::Table(styles)) = table.get("styles") {
        for (role, value) in styles {
            let style = theme.role_mut(role).ok_or_else(|| {
                format!(
                    "styles.{role}: no such role; the roles are {}",
                    Theme::ROLES.join(", ")
                )
            })?;
            *style = restyled(*style, value).map_err(|e| format!("styles.{role}: {e}"))?;
        }
    }
    Ok(theme)
}

/// `{ fg = "...", bg = "...", modifiers = [...] }` over `base`: what is given replaces, the rest
/// stays. Modifiers given replace the base's.
fn restyled(base: Style, value: &toml::Value) -> Result<Style, String> {
    let toml::Value::Table(fields) = value else {
        return Err(
            "write it as { fg = \"red\", bg = \"#202020\", modifiers = [\"bold\"] }".into(),
        );
    };
    let mut style = base;
    for (field, value) in fields {
        match (field.as_str(), value) {
            ("fg", toml::Value::String(c)) => style.fg = Some(color(c)?),
            ("bg", toml::Value::String(c)) => style.bg = Some(color(c)?),
            ("modifiers", toml::Value::Array(names)) => {
                let mut modifiers = Modifier::empty();
                for name in names {
                    modifiers |= modifier(name.as_str().unwrap_or_default())?;
                }
                style.add_modifier = modifiers;
                style.sub_modifier = Modifier::empty();
            }
            _ => {
                return Err(format!(
                    "unknown field `{field}` (fg, bg and modifiers, with text values)"
                ));
            }
        }
    }
    Ok(style)
}

fn color(text: &str) -> Result<Color, String> {
    Color::from_str(text).map_err(|_| {
        format!("\"{text}\" is no colour: a name (red, lightblue, darkgray, reset), \"#rrggbb\" or an index 0-255")
    })
}

fn modifier(name: &str) -> Result<Modifier, String> {
    Ok(match name {
        "bold" => Modifier::BOLD,
        "dim" => Modifier::DIM,
        "italic" => Modifier::ITALIC,
        "underlined" => Modifier::UNDERLINED,
        "reversed" => Modifier::REVERSED,
        "crossed_out" => Modifier::CROSSED_OUT,
        other => {
            return Err(format!(
                "\"{other}\" is no modifier: bold, dim, italic, underlined, reversed, crossed_out"
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_restyles_roles_over_its_base() {
        let theme = parse(
            "base = \"light\"\n[styles]\nerror = { fg = \"#102030\", modifiers = [\"underlined\"] }\n",
        )
        .expect("valid");
        assert_eq!(theme.error.fg, Some(Color::Rgb(0x10, 0x20, 0x30)));
        assert_eq!(theme.error.add_modifier, Modifier::UNDERLINED);
        assert_eq!(
            theme.selected,
            Theme::light().selected,
            "the rest is the base's"
        );
    }

    #[test]
    fn mistakes_are_named() {
        let e = parse("[styles]\nerorr = { fg = \"red\" }\n").expect_err("bad role");
        assert!(e.contains("styles.erorr") && e.contains("selected"), "{e}");
        let e = parse("[styles]\nerror = { fg = \"redd\" }\n").expect_err("bad colour");
        assert!(e.contains("\"redd\" is no colour"), "{e}");
        let e = parse("base = \"solarized\"\n").expect_err("bad base");
        assert!(e.contains("dark, light or no-color"), "{e}");
        let e = parse("colour = 1\n").expect_err("unknown entry");
        assert!(e.contains("unknown entry `colour`"), "{e}");
    }

    #[test]
    fn no_color_beats_the_configured_theme_and_the_names_pick_built_ins() {
        let no_color = |k: &str| (k == "NO_COLOR").then(|| "1".to_string());
        let none = |_: &str| None;
        assert_eq!(
            resolve(Some("light"), None, no_color),
            Ok(Theme::no_color())
        );
        assert_eq!(resolve(Some("light"), None, none), Ok(Theme::light()));
        let dir = tempfile::tempdir().expect("dir");
        let config = dir.path().join("config.toml");
        std::fs::write(dir.path().join("theme.toml"), "base = \"light\"\n").expect("write");
        assert_eq!(
            resolve(None, Some(&config), none),
            Ok(Theme::light()),
            "theme.toml beside the config"
        );
        let e = resolve(Some("mine.toml"), Some(&config), none).expect_err("missing file");
        assert!(e.to_string().contains("mine.toml"), "{e}");
    }
}
