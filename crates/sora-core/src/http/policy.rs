//! The settings of the one request policy, their defaults, and the `[http]` section of the
//! config file that changes them. TLS verification is not among them: it is always on.

use std::time::Duration;

use serde::Deserialize;

use crate::config::{ConfigError, Setting, Source};

/// How every request behaves. The defaults suit real services on an ordinary connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpPolicy {
    /// Setting up a TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// From the request (after its body, for uploads) to the first byte of the answer.
    pub first_byte_timeout: Duration,
    /// A body that moves no byte for this long, either way, is abandoned (content downloads
    /// use `download.stall_timeout_secs`).
    pub stall_timeout: Duration,
    /// A body slower than this many bytes per second over [`HttpPolicy::rate_window`] is
    /// abandoned, so a trickle ends; 0 turns the check off.
    pub min_rate: u64,
    pub rate_window: Duration,
    /// The whole of a JSON exchange: request, answer and its body.
    pub json_deadline: Duration,
    /// The largest JSON answer read; reading stops there.
    pub max_json_body: usize,
    /// The largest error answer read; the log keeps it, capped there.
    pub max_error_body: usize,
    /// What a service said in an error, as the screen and the journal show it.
    pub error_text_chars: usize,
    /// Redirects followed by one request.
    pub max_redirects: usize,
}

impl Default for HttpPolicy {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(15),
            first_byte_timeout: Duration::from_secs(60),
            stall_timeout: Duration::from_secs(30),
            min_rate: 1024,
            rate_window: Duration::from_secs(60),
            json_deadline: Duration::from_secs(60),
            max_json_body: 8 * 1024 * 1024,
            max_error_body: 64 * 1024,
            error_text_chars: 300,
            max_redirects: 10,
        }
    }
}

impl HttpPolicy {
    /// A service's error text as the screen and the journal show it.
    pub fn screen_text(&self, text: &str) -> String {
        super::short_text(text, self.error_text_chars)
    }
}

/// The `[http]` section of the config file. Unknown keys are refused (a typo is reported), and
/// there is deliberately no key that turns TLS verification off.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpFile {
    connect_timeout_secs: Option<u64>,
    first_byte_timeout_secs: Option<u64>,
    stall_timeout_secs: Option<u64>,
    min_rate_bytes_per_sec: Option<u64>,
    rate_window_secs: Option<u64>,
    json_deadline_secs: Option<u64>,
    max_json_body_mib: Option<u64>,
    max_error_body_kib: Option<u64>,
    error_text_chars: Option<u64>,
    max_redirects: Option<u64>,
}

/// One key's value, checked against its range.
fn ranged(
    key: &'static str,
    value: Option<u64>,
    range: std::ops::RangeInclusive<u64>,
    example: &'static str,
    source: &Source,
) -> Result<Option<u64>, ConfigError> {
    match value {
        Some(v) if !range.contains(&v) => Err(ConfigError::Invalid {
            key,
            from: source.clone(),
            problem: format!("{v} is outside {} to {}", range.start(), range.end()),
            example,
        }),
        other => Ok(other),
    }
}

impl HttpFile {
    /// The policy: the defaults with this section's values over them.
    pub fn resolve(&self, source: Source) -> Result<Setting<HttpPolicy>, ConfigError> {
        let mut p = HttpPolicy::default();
        let check = |key, v, range, example| ranged(key, v, range, example, &source);
        let secs = |slot: &mut Duration, v: Option<u64>| {
            if let Some(v) = v {
                *slot = Duration::from_secs(v);
            }
        };
        let size = |slot: &mut usize, v: Option<u64>, unit: usize| {
            if let Some(v) = v {
                *slot = usize::try_from(v)
                    .unwrap_or(usize::MAX)
                    .saturating_mul(unit);
            }
        };
        let s = self;
        secs(
            &mut p.connect_timeout,
            check(
                "http.connect_timeout_secs",
                s.connect_timeout_secs,
                1..=300,
                "15",
            )?,
        );
        secs(
            &mut p.first_byte_timeout,
            check(
                "http.first_byte_timeout_secs",
                s.first_byte_timeout_secs,
                1..=3600,
                "60",
            )?,
        );
        secs(
            &mut p.stall_timeout,
            check(
                "http.stall_timeout_secs",
                s.stall_timeout_secs,
                1..=3600,
                "30",
            )?,
        );
        secs(
            &mut p.rate_window,
            check("http.rate_window_secs", s.rate_window_secs, 1..=3600, "60")?,
        );
        secs(
            &mut p.json_deadline,
            check(
                "http.json_deadline_secs",
                s.json_deadline_secs,
                1..=3600,
                "60",
            )?,
        );
        if let Some(rate) = check(
            "http.min_rate_bytes_per_sec",
            s.min_rate_bytes_per_sec,
            0..=100_000_000,
            "1024 (0 turns the check off)",
        )? {
            p.min_rate = rate;
        }
        size(
            &mut p.max_json_body,
            check("http.max_json_body_mib", s.max_json_body_mib, 1..=256, "8")?,
            1024 * 1024,
        );
        size(
            &mut p.max_error_body,
            check(
                "http.max_error_body_kib",
                s.max_error_body_kib,
                1..=16 * 1024,
                "64",
            )?,
            1024,
        );
        size(
            &mut p.error_text_chars,
            check(
                "http.error_text_chars",
                s.error_text_chars,
                40..=10_000,
                "300",
            )?,
            1,
        );
        size(
            &mut p.max_redirects,
            check("http.max_redirects", s.max_redirects, 0..=20, "10")?,
            1,
        );
        let any = [
            s.connect_timeout_secs,
            s.first_byte_timeout_secs,
            s.stall_timeout_secs,
            s.min_rate_bytes_per_sec,
            s.rate_window_secs,
            s.json_deadline_secs,
            s.max_json_body_mib,
            s.max_error_body_kib,
            s.error_text_chars,
            s.max_redirects,
        ]
        .iter()
        .any(Option::is_some);
        Ok(Setting::new(p, if any { source } else { Source::Default }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_override_defaults_and_out_of_range_names_the_key() {
        let file: HttpFile = toml::from_str(
            "stall_timeout_secs = 5\nmax_error_body_kib = 16\nmin_rate_bytes_per_sec = 0",
        )
        .expect("parses");
        let p = file.resolve(Source::Demo).expect("valid");
        assert_eq!(p.source, Source::Demo);
        assert_eq!(p.value.stall_timeout, Duration::from_secs(5));
        assert_eq!(p.value.max_error_body, 16 * 1024);
        assert_eq!(p.value.min_rate, 0);
        assert_eq!(p.value.json_deadline, HttpPolicy::default().json_deadline);

        let bad: HttpFile = toml::from_str("json_deadline_secs = 0").expect("parses");
        let err = bad.resolve(Source::Demo).expect_err("refused").to_string();
        assert!(err.contains("http.json_deadline_secs"), "{err}");

        let off = toml::from_str::<HttpFile>("danger_accept_invalid_certs = true");
        assert!(off.is_err(), "no key turns TLS verification off");
        let empty = HttpFile::default().resolve(Source::Demo).expect("valid");
        assert_eq!(empty.source, Source::Default);
        assert_eq!(empty.value, HttpPolicy::default());
    }
}
