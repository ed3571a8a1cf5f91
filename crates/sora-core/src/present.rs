//! Text for people, shared by both faces (the dashboard and the headless printer), so the same
//! file has the same size and the same wait the same length on screen and in a script's log.
//!
//! Sizes are binary (`3.0 MiB`, as the dashboard always showed them); durations read
//! `0.4s`, `45.0s`, `2m 05s`, `23h 59m`.

use std::time::{Duration, SystemTime};

/// `0 B`, `512 B`, `1.5 KiB`, `3.0 MiB`.
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

/// `0.4s`, `12.0s`, `2m 05s`, `23h 59m`: seconds to a tenth under a minute, then the two
/// largest units, the second always two digits so a column of them stays aligned.
pub fn duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs < 60 {
        format!("{:.1}s", d.as_secs_f64())
    } else if secs < 3600 {
        format!("{}m {:02}s", secs / 60, secs % 60)
    } else {
        format!("{}h {:02}m", secs / 3600, (secs % 3600) / 60)
    }
}

/// A wait counted down (or a silence counted up) in whole seconds: `3s` under a minute, so
/// it ticks without a flickering fraction, then like [`duration`] (`2m 05s`, never `125s`).
pub fn countdown(seconds: u64) -> String {
    if seconds < 60 {
        format!("{seconds}s")
    } else {
        duration(Duration::from_secs(seconds))
    }
}

/// The length of one HTTP attempt: `85ms` under a second, else like [`duration`].
pub fn short_duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{}ms", d.as_millis())
    } else {
        duration(d)
    }
}

/// "content expires in 23h 59m" (or "content expired: …"), as seen at `now`.
pub fn expiry_text(expires: SystemTime, now: SystemTime) -> String {
    match expires.duration_since(now) {
        Ok(left) => format!("content expires in {}", duration(left)),
        Err(_) => "content expired: it can no longer be downloaded".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_binary() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(3 * 1024 * 1024), "3.0 MiB");
        assert_eq!(bytes(45_123), "44.1 KiB");
        assert_eq!(bytes(1_500_000_000), "1.4 GiB");
    }

    #[test]
    fn durations_read_in_their_two_largest_units() {
        assert_eq!(duration(Duration::from_millis(400)), "0.4s");
        assert_eq!(duration(Duration::from_secs(5)), "5.0s");
        assert_eq!(duration(Duration::from_secs(90)), "1m 30s");
        assert_eq!(duration(Duration::from_secs(125)), "2m 05s");
        assert_eq!(duration(Duration::from_secs(24 * 3600 - 15)), "23h 59m");
        assert_eq!(short_duration(Duration::from_millis(85)), "85ms");
        assert_eq!(countdown(3), "3s");
        assert_eq!(countdown(125), "2m 05s");
        assert_eq!(short_duration(Duration::from_millis(1500)), "1.5s");
    }

    #[test]
    fn expiry_reads_in_hours_and_minutes() {
        let now = SystemTime::UNIX_EPOCH;
        assert_eq!(
            expiry_text(now + Duration::from_secs(24 * 3600 - 30), now),
            "content expires in 23h 59m"
        );
        assert!(expiry_text(now, now + Duration::from_secs(1)).contains("expired"));
    }
}
