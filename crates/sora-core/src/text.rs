//! Text that came from outside — a service's answer, a storage listing, the journal, a file —
//! made safe to print on a terminal, and times that print for any value. Both faces (the
//! headless printer and the dashboard) show outside text through these functions only.

use std::borrow::Cow;
use std::time::{Duration, SystemTime};

/// The text on one line with every control character made visible: an escape sequence in a
/// job's `failure_reason` or an object's name prints as `\x1b[2J`, never as an instruction to
/// the terminal. Tabs and line breaks become spaces; bidirectional overrides (which reorder
/// what is shown) are made visible too.
pub fn one_line(text: &str) -> Cow<'_, str> {
    clean(text, false)
}

/// Like [`one_line`], but line breaks are kept (`\r\n` becomes `\n`), for formats that are
/// several lines by design (an error with its causes, a doctor report).
pub fn multi_line(text: &str) -> Cow<'_, str> {
    clean(text, true)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn clean(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if keep_newlines && chars.peek() == Some(&'\n') => {}
            '\n' if keep_newlines => out.push('\n'),
            '\t' | '\n' | '\r' if !keep_newlines => out.push(' '),
            '\t' => out.push(' '),
            c if needs_escape(c) && u32::from(c) < 0x100 => {
                out.push_str(&format!("\\x{:02x}", u32::from(c)));
            }
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The last second RFC 3339 can show (9999-12-31T23:59:59Z).
const LATEST_SHOWN: u64 = 253_402_300_799;

/// `2026-05-01T12:34:56Z`; a time after the year 9999 (a damaged journal entry, a wrong answer)
/// is shown as its raw seconds instead of taking the program down.
pub fn utc_time(at: SystemTime) -> String {
    match at.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) if d.as_secs() <= LATEST_SHOWN => humantime::format_rfc3339_seconds(at).to_string(),
        Ok(d) => format!("unix time {}", d.as_secs()),
        Err(_) => humantime::format_rfc3339_seconds(SystemTime::UNIX_EPOCH).to_string(),
    }
}

/// [`utc_time`] of milliseconds since 1970, as the journal stores them.
pub fn utc_time_millis(ms: u64) -> String {
    match SystemTime::UNIX_EPOCH.checked_add(Duration::from_millis(ms)) {
        Some(at) => utc_time(at),
        None => format!("unix time {}", ms / 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_not_obeyed() {
        assert_eq!(one_line("plain text"), "plain text");
        assert_eq!(
            one_line("bad\x1b[2J\x1b]0;owned\x07 end"),
            "bad\\x1b[2J\\x1b]0;owned\\x07 end"
        );
        assert_eq!(one_line("a\nb\tc\r"), "a b c ");
        assert_eq!(one_line("\u{9b}31m \u{7f}"), "\\x9b31m \\x7f");
        assert_eq!(one_line("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(multi_line("one\r\ntwo\n\x1bthree"), "one\ntwo\n\\x1bthree");
        // Right-to-left text itself is kept as written.
        assert_eq!(one_line("שלום"), "שלום");
    }

    #[test]
    fn times_past_the_year_9999_print_raw() {
        assert_eq!(utc_time_millis(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_time_millis(LATEST_SHOWN * 1000), "9999-12-31T23:59:59Z");
        assert_eq!(
            utc_time_millis((LATEST_SHOWN + 1) * 1000),
            "unix time 253402300800"
        );
        assert_eq!(utc_time_millis(u64::MAX), "unix time 18446744073709551");
    }
}
