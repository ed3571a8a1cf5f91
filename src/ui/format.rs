//! Small text helpers shared by the panels: clock times, shortening, the spinner. Sizes and
//! durations are `sora_core::present`'s, the same text the headless printer uses.

use std::time::SystemTime;

pub use sora_core::present::{bytes, countdown, duration, short_duration};

/// Text from a service, storage or the journal as one line, its control characters shown
/// (`\x1b[2J`) rather than dropped or obeyed.
pub fn shown(text: &str) -> String {
    sora_core::text::one_line(text).into_owned()
}

/// `HH:MM:SS` in UTC.
pub fn clock(at: SystemTime) -> String {
    let stamp = sora_core::text::utc_time(at);
    stamp.get(11..19).unwrap_or("--:--:--").to_string()
}

/// Storage timestamps (`2026-05-01T12:34:56.789Z`) as `2026-05-01 12:34`.
pub fn timestamp(text: &str) -> String {
    match (text.get(..10), text.get(11..16)) {
        (Some(date), Some(time)) => shown(&format!("{date} {time}")),
        _ => shown(text),
    }
}

/// At most `max` characters (control characters shown, see [`shown`]), cut at the end with `…`.
pub fn truncate_end(text: &str, max: usize) -> String {
    let text = shown(text);
    if text.chars().count() <= max {
        return text;
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{kept}…")
}

/// At most `max` characters (control characters shown), cut in the middle with `…` so both the
/// start and the end (a file's extension, a job id's tail) stay visible.
pub fn truncate_middle(text: &str, max: usize) -> String {
    let text = shown(text);
    let len = text.chars().count();
    if len <= max || max < 3 {
        return text;
    }
    let tail = (max - 1) / 2;
    let head = max - 1 - tail;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(len - tail).collect();
    format!("{start}…{end}")
}

/// At most `max` characters of a URL, dropping the scheme and then cutting from the left, so
/// the part that tells attempts apart (`/content/video?api-version=…`) stays visible.
pub fn shorten_url(url: &str, max: usize) -> String {
    let url = shown(url);
    let url = url.as_str();
    let without_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let count = without_scheme.chars().count();
    if count <= max {
        return without_scheme.to_string();
    }
    let tail: String = without_scheme
        .chars()
        .skip(count - max.saturating_sub(1))
        .collect();
    format!("…{tail}")
}

/// A spinner frame chosen by the clock, so every spinner on screen turns together and a test
/// with a fixed time draws a fixed frame.
pub fn spinner(now: SystemTime) -> &'static str {
    const FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    let millis = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    FRAMES[(millis / 250 % FRAMES.len() as u128) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_urls_keep_their_tail() {
        let url = "https://my-resource.openai.azure.com/openai/v1/video/generations/gen_0123456789/content/video?api-version=preview";
        let short = shorten_url(url, 50);
        assert_eq!(short.chars().count(), 50);
        assert!(short.starts_with('…'));
        assert!(
            short.ends_with("/content/video?api-version=preview"),
            "{short}"
        );
        assert_eq!(shorten_url("https://a.b/c", 50), "a.b/c");
    }

    #[test]
    fn clock_and_timestamps() {
        use std::time::Duration;
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(3600 + 2 * 60 + 3);
        assert_eq!(clock(at), "01:02:03");
        assert_eq!(timestamp("2026-05-01T12:34:56.789Z"), "2026-05-01 12:34");
    }
}
