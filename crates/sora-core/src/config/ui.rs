//! `[ui]`: how the dashboard behaves, beyond what it shows: `notify`, what the dashboard does
//! when a job ends while the user looks elsewhere, and `images`, how it draws thumbnails.

use super::file::FileUi;
use super::layers::Layers;
use super::{ConfigError, Setting, Source};

/// What the dashboard does, besides the status line, when a job ends out of sight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Notify {
    /// The status line only.
    #[default]
    Off,
    /// The terminal bell (BEL).
    Bell,
    /// A desktop notification through the terminal (OSC 9: iTerm2, kitty, WezTerm, foot...).
    Osc9,
    /// Both.
    Both,
}

impl Notify {
    pub fn bell(self) -> bool {
        matches!(self, Notify::Bell | Notify::Both)
    }

    pub fn osc9(self) -> bool {
        matches!(self, Notify::Osc9 | Notify::Both)
    }

    pub fn label(self) -> &'static str {
        match self {
            Notify::Off => "off",
            Notify::Bell => "bell",
            Notify::Osc9 => "osc9",
            Notify::Both => "both",
        }
    }
}

/// How the dashboard draws a finished video's thumbnail (`[ui] images`, `--images`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Images {
    /// Ask the terminal at start: kitty, sixel or iTerm2 graphics where it has them,
    /// half-blocks otherwise.
    #[default]
    Auto,
    /// Coloured half-block characters: any terminal with colour.
    Halfblocks,
    /// The kitty graphics protocol, whatever the terminal answers.
    Kitty,
    /// Sixel graphics, whatever the terminal answers.
    Sixel,
    /// iTerm2 inline images, whatever the terminal answers.
    Iterm2,
    /// No thumbnail at all.
    Off,
}

impl Images {
    pub const CHOICES: &'static str =
        "\"auto\", \"halfblocks\", \"kitty\", \"sixel\", \"iterm2\" or \"off\"";

    /// The mode a name in the config or on the command line means.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name.trim() {
            "auto" => Images::Auto,
            "halfblocks" => Images::Halfblocks,
            "kitty" => Images::Kitty,
            "sixel" => Images::Sixel,
            "iterm2" => Images::Iterm2,
            "off" => Images::Off,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Images::Auto => "auto",
            Images::Halfblocks => "halfblocks",
            Images::Kitty => "kitty",
            Images::Sixel => "sixel",
            Images::Iterm2 => "iterm2",
            Images::Off => "off",
        }
    }
}

#[derive(Debug, Clone)]
pub struct UiConfig {
    pub notify: Setting<Notify>,
    /// `[ui] images` (`--images` replaces it for one run).
    pub images: Setting<Images>,
}

pub(super) fn resolve(layers: &Layers, file: &FileUi) -> Result<UiConfig, ConfigError> {
    let notify = match &file.notify {
        None => Setting::new(Notify::Off, Source::Default),
        Some(v) => {
            let value = match v.trim() {
                "off" => Notify::Off,
                "bell" => Notify::Bell,
                "osc9" => Notify::Osc9,
                "both" => Notify::Both,
                other => {
                    return Err(ConfigError::Invalid {
                        key: "ui.notify",
                        from: layers.file_source(),
                        problem: format!(
                            "`{}` is not a way to notify",
                            crate::text::one_line(other)
                        ),
                        example: "\"off\", \"bell\", \"osc9\" or \"both\"",
                    });
                }
            };
            Setting::new(value, layers.file_source())
        }
    };
    let images = match &file.images {
        None => Setting::new(Images::Auto, Source::Default),
        Some(v) => match Images::from_name(v) {
            Some(value) => Setting::new(value, layers.file_source()),
            None => {
                return Err(ConfigError::Invalid {
                    key: "ui.images",
                    from: layers.file_source(),
                    problem: format!(
                        "`{}` is not a way to draw thumbnails",
                        crate::text::one_line(v)
                    ),
                    example: Images::CHOICES,
                });
            }
        },
    };
    Ok(UiConfig { notify, images })
}

#[cfg(test)]
mod tests {
    use super::{Images, Notify};
    use crate::config::{Config, Overrides, Source};

    fn load(
        text: &str,
    ) -> (
        Result<Config, String>,
        std::path::PathBuf,
        tempfile::TempDir,
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).expect("write");
        let result =
            Config::load(Some(&path), &|_| None, &Overrides::default()).map_err(|e| e.to_string());
        (result, path, dir)
    }

    #[test]
    fn notify_is_off_unless_the_file_asks() {
        let (config, _, _dir) = load("");
        let notify = config.expect("loads").ui.notify;
        assert_eq!(
            (notify.value, notify.source),
            (Notify::Off, Source::Default)
        );
        let (config, path, _dir) = load("[ui]\nnotify = \"both\"\n");
        let notify = config.expect("loads").ui.notify;
        assert_eq!(notify.value, Notify::Both);
        assert_eq!(notify.source, Source::File(path));
    }

    #[test]
    fn a_wrong_value_or_key_is_refused_naming_the_key_and_the_file() {
        let (config, path, _dir) = load("[ui]\nnotify = \"loud\"\n");
        let err = config.expect_err("refused");
        assert!(
            err.contains("ui.notify") && err.contains("\"bell\""),
            "{err}"
        );
        assert!(err.contains(&path.display().to_string()), "{err}");
        let (config, path, _dir) = load("[ui]\nnotfy = \"bell\"\n");
        let err = config.expect_err("refused");
        assert!(err.contains("notfy"), "{err}");
        assert!(err.contains(&path.display().to_string()), "{err}");
    }

    #[test]
    fn images_are_auto_unless_the_file_asks_and_a_wrong_mode_is_refused() {
        let (config, _, _dir) = load("");
        let images = config.expect("loads").ui.images;
        assert_eq!(
            (images.value, images.source),
            (Images::Auto, Source::Default)
        );
        let (config, path, _dir) = load("[ui]\nimages = \"off\"\n");
        let images = config.expect("loads").ui.images;
        assert_eq!(
            (images.value, images.source),
            (Images::Off, Source::File(path))
        );
        let (config, path, _dir) = load("[ui]\nimages = \"png\"\n");
        let err = config.expect_err("refused");
        assert!(
            err.contains("ui.images") && err.contains("\"kitty\"") && err.contains("png"),
            "{err}"
        );
        assert!(err.contains(&path.display().to_string()), "{err}");
    }
}
