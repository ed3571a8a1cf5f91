//! The layering rule, written once: an environment variable beats the file, the file beats the
//! built-in default (flags are applied by the section that has one). Each value comes back as a
//! [`Setting`] that remembers its source, and every refusal names the key, the source and an
//! example.

use std::fmt::Display;
use std::ops::RangeInclusive;
use std::path::PathBuf;

use url::Url;

use super::{ConfigError, Setting, Source};
use crate::secret::Secret;

/// The file's path and the environment, to pick each value from.
pub(super) struct Layers<'a> {
    path: Option<PathBuf>,
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl<'a> Layers<'a> {
    pub(super) fn new(path: Option<PathBuf>, env: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Self { path, env }
    }

    /// The source of a value read from the file.
    pub(super) fn file_source(&self) -> Source {
        Source::File(self.path.clone().unwrap_or_default())
    }

    /// The first of `names` that is set to something other than blanks.
    pub(super) fn env_first(&self, names: &[&'static str]) -> Option<(String, Source)> {
        names.iter().find_map(|n| {
            (self.env)(n)
                .filter(|v| !v.trim().is_empty())
                .map(|v| (v, Source::Env(n)))
        })
    }

    /// The environment's value, else the file's.
    pub(super) fn pick(
        &self,
        env_names: &[&'static str],
        file_value: Option<String>,
    ) -> Option<(String, Source)> {
        self.env_first(env_names)
            .or_else(|| file_value.map(|v| (v, self.file_source())))
    }

    /// Text from the environment or the file (trimmed), else `default`.
    pub(super) fn text(
        &self,
        env_names: &[&'static str],
        file_value: Option<String>,
        default: &str,
    ) -> Setting<String> {
        self.pick(env_names, file_value).map_or_else(
            || Setting::new(default.to_string(), Source::Default),
            |(v, s)| Setting::new(v.trim().to_string(), s),
        )
    }

    /// A key from the environment, else a non-empty one from the file.
    pub(super) fn secret(
        &self,
        env_names: &[&'static str],
        file_value: Option<Secret>,
    ) -> Option<Setting<Secret>> {
        self.env_first(env_names)
            .map(|(v, s)| Setting::new(Secret::new(v), s))
            .or_else(|| {
                file_value
                    .filter(|k| !k.is_empty())
                    .map(|k| Setting::new(k, self.file_source()))
            })
    }

    /// A value only the file sets, else `default`.
    pub(super) fn file_or<T>(&self, file_value: Option<T>, default: T) -> Setting<T> {
        match file_value {
            Some(v) => Setting::new(v, self.file_source()),
            None => Setting::new(default, Source::Default),
        }
    }

    /// A number only the file sets, refused outside `range`, else `default`.
    pub(super) fn ranged<T: PartialOrd + Display + Copy>(
        &self,
        key: &'static str,
        file_value: Option<T>,
        range: RangeInclusive<T>,
        example: &'static str,
        default: T,
    ) -> Result<Setting<T>, ConfigError> {
        match file_value {
            Some(v) if !range.contains(&v) => Err(ConfigError::Invalid {
                key,
                from: self.file_source(),
                problem: format!("{v} is outside {} to {}", range.start(), range.end()),
                example,
            }),
            v => Ok(self.file_or(v, default)),
        }
    }

    /// A URL from the environment or the file, turned into what the client needs by `derive`.
    pub(super) fn url(
        &self,
        key: &'static str,
        picked: Option<(String, Source)>,
        derive: fn(&str) -> Result<Url, String>,
        example: &'static str,
    ) -> Result<Option<Setting<Url>>, ConfigError> {
        picked
            .map(|(v, source)| {
                derive(&v)
                    .map(|u| Setting::new(u, source.clone()))
                    .map_err(|problem| ConfigError::Invalid {
                        key,
                        from: source,
                        problem,
                        example,
                    })
            })
            .transpose()
    }
}
