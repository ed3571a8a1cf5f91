//! Small text helpers shared by the panels: sizes, durations, clock times, shortening.

use std::time::{Duration, SystemTime};

/// Text from a service, storage or the journal as one line, its control characters shown
/// (`\x1b[2J`) rather than dropped or obeyed.
pub fn shown(text: &str) -> String {
    sora_core::text::one_line(text).into_owned()
}

/// `0 B`, `512 B`, `1.5 KiB`, `3.2 MiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = UNITS[0];
    for next in &UNITS[1..] {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = next;
    }
    format!("{value:.1} {unit}")
}

/// `0.4s`, `12.0s`, `2m05s`, `1h02m`: short and steady in width for timelines.
pub fn duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs < 60 {
        format!("{:.1}s", d.as_secs_f64())
    } else if secs < 3600 {
        format!("{}m{:02}s", secs / 60, secs % 60)
    } else {
        format!("{}h{:02}m", secs / 3600, (secs % 3600) / 60)
    }
}

/// An HTTP attempt's length: `85ms` under a second, else like [`duration`].
pub fn short_duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{}ms", d.as_millis())
    } else {
        duration(d)
    }
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
    fn bytes_are_humanized() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(3 * 1024 * 1024), "3.0 MiB");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(Duration::from_millis(400)), "0.4s");
        assert_eq!(duration(Duration::from_secs(125)), "2m05s");
        assert_eq!(short_duration(Duration::from_millis(85)), "85ms");
    }

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
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(3600 + 2 * 60 + 3);
        assert_eq!(clock(at), "01:02:03");
        assert_eq!(timestamp("2026-05-01T12:34:56.789Z"), "2026-05-01 12:34");
    }
}
